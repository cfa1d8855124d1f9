//! kubectl's JSONPath templates (`-o jsonpath=...`, `custom-columns`, `--sort-by`), as
//! client-go's `util/jsonpath` reads them: text with `{...}` actions; in an action, a path of
//! `.field` (a backslash escapes a dot in a key), `['key']`, `[n]`, `[start:end:step]`, `[*]`,
//! `[a,b]`, `..field` (recursive descent) and `[?(@.path OP value)]` filters, `range`/`end`
//! loops, and quoted string literals. Missing keys print nothing, as kubectl allows them.

use serde_json::Value;

/// One piece of a parsed template.
#[derive(Clone, Debug, PartialEq)]
enum Node {
    Text(String),
    Path(Vec<Step>),
    Range(Vec<Step>, Vec<Node>),
}

#[derive(Clone, Debug, PartialEq)]
enum Step {
    Field(String),
    /// `..field` or `..[*]`: the field anywhere below.
    Recursive(Option<String>),
    Wildcard,
    Index(i64),
    Slice(Option<i64>, Option<i64>, Option<i64>),
    Union(Vec<String>),
    Filter(Filter),
}

#[derive(Clone, Debug, PartialEq)]
struct Filter {
    path: Vec<Step>,
    op: Option<(String, Literal)>,
}

#[derive(Clone, Debug, PartialEq)]
enum Literal {
    Str(String),
    Num(f64),
    Bool(bool),
    Path(Vec<Step>),
}

/// A parsed template, ready to run on objects.
#[derive(Clone, Debug, PartialEq)]
pub struct Template(Vec<Node>);

impl Template {
    /// Parses a template; the error is kubectl's wording of what is wrong.
    pub fn parse(text: &str) -> Result<Template, String> {
        let mut nodes: Vec<Node> = Vec::new();
        // Ranges open as they are met and close at `end`: a stack of (steps, body so far).
        let mut open: Vec<(Vec<Step>, Vec<Node>)> = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            let Some(start) = rest.find('{') else {
                push(&mut nodes, &mut open, Node::Text(rest.to_string()));
                break;
            };
            if start > 0 {
                push(&mut nodes, &mut open, Node::Text(rest[..start].to_string()));
            }
            let after = &rest[start + 1..];
            let end = closing_brace(after).ok_or("unclosed action")?;
            let action = after[..end].trim();
            rest = &after[end + 1..];
            if action == "end" {
                let (steps, body) = open.pop().ok_or("not in range, nothing to end")?;
                push(&mut nodes, &mut open, Node::Range(steps, body));
            } else if let Some(path) = action.strip_prefix("range ") {
                open.push((parse_path(path.trim())?, Vec::new()));
            } else if let Some(literal) = quoted(action) {
                push(&mut nodes, &mut open, Node::Text(literal));
            } else {
                push(&mut nodes, &mut open, Node::Path(parse_path(action)?));
            }
        }
        if !open.is_empty() {
            return Err("unclosed range".into());
        }
        Ok(Template(nodes))
    }

    /// Runs the template on `root`; values of one action are separated by spaces.
    pub fn render(&self, root: &Value) -> String {
        let mut out = String::new();
        render_nodes(&self.0, root, root, &mut out);
        out
    }

    /// The values a single-path template selects (for custom columns and sorting).
    pub fn values<'a>(&self, root: &'a Value) -> Vec<&'a Value> {
        let mut found = Vec::new();
        for node in &self.0 {
            if let Node::Path(steps) = node {
                found.extend(select(steps, root, root));
            }
        }
        found
    }
}

/// kubectl's `RelaxedJSONPathExpression`: `.a.b`, `a.b` and `{.a.b}` all mean `{.a.b}`.
pub fn relaxed(expression: &str) -> Result<Template, String> {
    let e = expression.trim();
    let inner = e
        .strip_prefix('{')
        .and_then(|s| s.strip_suffix('}'))
        .unwrap_or(e);
    let inner = inner.strip_prefix('.').unwrap_or(inner);
    Template::parse(&format!("{{.{inner}}}"))
}

fn push(nodes: &mut Vec<Node>, open: &mut [(Vec<Step>, Vec<Node>)], node: Node) {
    match open.last_mut() {
        Some((_, body)) => body.push(node),
        None => nodes.push(node),
    }
}

/// The position of the `}` closing an action, skipping quoted text.
fn closing_brace(s: &str) -> Option<usize> {
    let mut quote = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (_, _) if escaped => escaped = false,
            (_, '\\') => escaped = true,
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '}') => return Some(i),
            _ => {}
        }
    }
    None
}

/// A string literal action (`{"\n"}`, `{'\t'}`), with Go's escapes.
fn quoted(action: &str) -> Option<String> {
    let q = action.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let body = action.strip_prefix(q)?.strip_suffix(q)?;
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    Some(out)
}

fn parse_path(text: &str) -> Result<Vec<Step>, String> {
    let mut steps = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    if chars.first() == Some(&'$') || chars.first() == Some(&'@') {
        i = 1;
    }
    while i < chars.len() {
        match chars[i] {
            '.' if chars.get(i + 1) == Some(&'.') => {
                i += 2;
                let (name, next) = field_name(&chars, i);
                i = next;
                if name.is_empty() && chars.get(i) == Some(&'[') {
                    steps.push(Step::Recursive(None));
                } else {
                    steps.push(Step::Recursive(Some(name)));
                }
            }
            '.' => {
                let (name, next) = field_name(&chars, i + 1);
                i = next;
                if name == "*" {
                    steps.push(Step::Wildcard);
                } else if !name.is_empty() {
                    steps.push(Step::Field(name));
                }
            }
            '[' => {
                let close = matching_bracket(&chars, i).ok_or("unterminated array")?;
                let inside: String = chars[i + 1..close].iter().collect();
                steps.push(parse_bracket(inside.trim())?);
                i = close + 1;
            }
            c if c.is_whitespace() => i += 1,
            _ if i == 0 => {
                let (name, next) = field_name(&chars, i);
                i = next;
                steps.push(Step::Field(name));
            }
            c => {
                return Err(format!(
                    "unrecognized character in action: U+{:04X} '{c}'",
                    c as u32
                ));
            }
        }
    }
    Ok(steps)
}

/// A field name up to the next unescaped `.` or `[`; `\.` is a dot in the name.
fn field_name(chars: &[char], mut i: usize) -> (String, usize) {
    let mut name = String::new();
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' if chars.get(i + 1).is_some() => {
                name.push(chars[i + 1]);
                i += 2;
                continue;
            }
            '.' | '[' | ' ' => break,
            _ => name.push(c),
        }
        i += 1;
    }
    (name, i)
}

fn matching_bracket(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut quote = None;
    for (i, &c) in chars.iter().enumerate().skip(open) {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '[') => depth += 1,
            (None, ']') => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

fn parse_bracket(inside: &str) -> Result<Step, String> {
    if inside == "*" || inside.is_empty() {
        return Ok(Step::Wildcard);
    }
    if let Some(filter) = inside.strip_prefix("?(").and_then(|f| f.strip_suffix(')')) {
        return parse_filter(filter.trim()).map(Step::Filter);
    }
    if let Some(key) = quoted(inside) {
        return Ok(Step::Field(key));
    }
    if inside.contains(',') {
        return Ok(Step::Union(
            inside
                .split(',')
                .map(|k| quoted(k.trim()).unwrap_or_else(|| k.trim().to_string()))
                .collect(),
        ));
    }
    if inside.contains(':') {
        let parts: Vec<&str> = inside.split(':').collect();
        let number = |i: usize| -> Result<Option<i64>, String> {
            match parts.get(i).map(|s| s.trim()) {
                None | Some("") => Ok(None),
                Some(n) => n
                    .parse()
                    .map(Some)
                    .map_err(|_| format!("invalid array index {n}")),
            }
        };
        return Ok(Step::Slice(number(0)?, number(1)?, number(2)?));
    }
    inside
        .parse()
        .map(Step::Index)
        .map_err(|_| format!("invalid array index {inside}"))
}

fn parse_filter(text: &str) -> Result<Filter, String> {
    for op in ["==", "!=", "<=", ">=", "<", ">"] {
        if let Some((left, right)) = text.split_once(op) {
            return Ok(Filter {
                path: parse_path(left.trim())?,
                op: Some((op.to_string(), literal(right.trim())?)),
            });
        }
    }
    Ok(Filter {
        path: parse_path(text)?,
        op: None,
    })
}

fn literal(text: &str) -> Result<Literal, String> {
    if let Some(s) = quoted(text) {
        return Ok(Literal::Str(s));
    }
    match text {
        "true" => return Ok(Literal::Bool(true)),
        "false" => return Ok(Literal::Bool(false)),
        _ => {}
    }
    if let Ok(n) = text.parse::<f64>() {
        return Ok(Literal::Num(n));
    }
    if text.starts_with('@') || text.starts_with('$') {
        return parse_path(text).map(Literal::Path);
    }
    Err(format!("unrecognized filter value {text}"))
}

fn render_nodes(nodes: &[Node], root: &Value, current: &Value, out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Path(steps) => {
                let values = select(steps, root, current);
                let texts: Vec<String> = values.into_iter().map(text_of).collect();
                out.push_str(&texts.join(" "));
            }
            Node::Range(steps, body) => {
                for value in select(steps, root, current) {
                    // `range` over a list iterates its items; over anything else, once.
                    render_nodes(body, root, value, out);
                }
            }
        }
    }
}

/// How a selected value prints: strings bare, everything else as compact JSON.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Every value the steps select, starting at `current` (`@`), in document order.
fn select<'a>(steps: &[Step], root: &'a Value, current: &'a Value) -> Vec<&'a Value> {
    let mut values = vec![current];
    for step in steps {
        let mut next = Vec::new();
        for value in values {
            apply(step, root, value, &mut next);
        }
        values = next;
    }
    values
}

fn apply<'a>(step: &Step, root: &'a Value, value: &'a Value, out: &mut Vec<&'a Value>) {
    match step {
        Step::Field(name) => out.extend(value.get(name.as_str())),
        Step::Wildcard => match value {
            Value::Array(items) => out.extend(items.iter()),
            Value::Object(map) => out.extend(map.values()),
            _ => {}
        },
        Step::Index(i) => {
            if let Value::Array(items) = value {
                let len = items.len() as i64;
                let at = if *i < 0 { len + i } else { *i };
                if (0..len).contains(&at) {
                    out.extend(items.get(at as usize));
                }
            }
        }
        Step::Slice(start, end, step) => {
            if let Value::Array(items) = value {
                let len = items.len() as i64;
                let clamp = |n: i64| (if n < 0 { len + n } else { n }).clamp(0, len);
                let from = clamp(start.unwrap_or(0));
                let to = clamp(end.unwrap_or(len));
                let by = step.unwrap_or(1).max(1) as usize;
                out.extend(
                    items
                        .iter()
                        .take(to.max(0) as usize)
                        .skip(from as usize)
                        .step_by(by),
                );
            }
        }
        Step::Union(keys) => {
            for key in keys {
                match (value, key.parse::<usize>()) {
                    (Value::Array(items), Ok(i)) => out.extend(items.get(i)),
                    _ => out.extend(value.get(key.as_str())),
                }
            }
        }
        Step::Recursive(name) => descend(name.as_deref(), value, out),
        Step::Filter(filter) => {
            let items: Vec<&Value> = match value {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            };
            out.extend(items.into_iter().filter(|item| keeps(filter, root, item)));
        }
    }
}

fn descend<'a>(name: Option<&str>, value: &'a Value, out: &mut Vec<&'a Value>) {
    match name {
        Some(n) => out.extend(value.get(n)),
        None => out.push(value),
    }
    match value {
        Value::Object(map) => map.values().for_each(|v| descend(name, v, out)),
        Value::Array(items) => items.iter().for_each(|v| descend(name, v, out)),
        _ => {}
    }
}

fn keeps(filter: &Filter, root: &Value, item: &Value) -> bool {
    let left = select(&filter.path, root, item);
    let Some((op, right)) = &filter.op else {
        return !left.is_empty();
    };
    let right_values: Vec<Value> = match right {
        Literal::Str(s) => vec![Value::String(s.clone())],
        Literal::Num(n) => vec![serde_json::json!(n)],
        Literal::Bool(b) => vec![Value::Bool(*b)],
        Literal::Path(p) => select(p, root, item).into_iter().cloned().collect(),
    };
    left.iter().any(|l| {
        right_values.iter().any(|r| {
            let ordering = match (l.as_f64(), r.as_f64()) {
                (Some(a), Some(b)) => a.partial_cmp(&b),
                _ => Some(text_of(l).cmp(&text_of(r))),
            };
            match op.as_str() {
                "==" => ordering == Some(std::cmp::Ordering::Equal),
                "!=" => ordering != Some(std::cmp::Ordering::Equal),
                "<" => ordering == Some(std::cmp::Ordering::Less),
                ">" => ordering == Some(std::cmp::Ordering::Greater),
                "<=" => matches!(
                    ordering,
                    Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)
                ),
                _ => matches!(
                    ordering,
                    Some(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal)
                ),
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(template: &str, value: &Value) -> String {
        Template::parse(template)
            .map(|t| t.render(value))
            .unwrap_or_else(|e| format!("ERR {e}"))
    }

    #[test]
    fn templates_as_kubectl_runs_them() {
        let list = json!({"kind": "List", "items": [
            {"metadata": {"name": "a", "labels": {"app": "web", "version": "1"}},
             "status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.1"}, {"type": "ExternalIP", "address": "1.2.3.4"}]},
             "spec": {"containers": [{"name": "c1", "image": "nginx"}, {"name": "c2", "image": "redis"}]}},
            {"metadata": {"name": "b", "labels": {"app": "db"}},
             "status": {"addresses": [{"type": "InternalIP", "address": "10.0.0.2"}]},
             "spec": {"containers": [{"name": "c1", "image": "mysql"}]}}
        ]});
        assert_eq!(run("{.items[*].metadata.name}", &list), "a b");
        assert_eq!(run("{.items[0].metadata.name}", &list), "a");
        assert_eq!(run("{.items[-1:].metadata.name}", &list), "b");
        assert_eq!(run("{.items..metadata.name}", &list), "a b");
        assert_eq!(run("{.items[*].metadata.labels.version}", &list), "1");
        assert_eq!(
            run(
                r#"{.items[*].status.addresses[?(@.type=="ExternalIP")].address}"#,
                &list
            ),
            "1.2.3.4"
        );
        assert_eq!(
            run(
                r#"{range .items[*]}{.metadata.name}{"\t"}{.spec.containers[*].image}{"\n"}{end}"#,
                &list
            ),
            "a\tnginx redis\nb\tmysql\n"
        );
        assert_eq!(
            run("{.items[0].metadata.labels}", &list),
            r#"{"app":"web","version":"1"}"#
        );
        assert_eq!(run("{.items[0].spec.missing}", &list), "");
        assert_eq!(run("{.items[0]['metadata']['name']}", &list), "a");
        let secret = json!({"data": {"ca.crt": "Zm9v"}});
        assert_eq!(run(r"{.data.ca\.crt}", &secret), "Zm9v");
        assert!(run("{.items[0]", &list).starts_with("ERR unclosed action"));
        assert_eq!(
            relaxed("spec.containers[*].image").map(|t| t.render(&list["items"][0])),
            Ok("nginx redis".to_string())
        );
    }
}
