//! `-o go-template=...` (and `--template`): Go's text/template language over the object as
//! JSON, as kubectl's template printer runs it — actions `{{ }}` with `-` trim markers,
//! fields (`.metadata.name`), variables (`$`, `$x := ...`, `$k, $v := range ...`), string,
//! number and boolean literals, pipelines (`x | f`), parentheses, `if`/`else if`/`else`,
//! `range` (with `else`), `with`, and the functions `index`, `len`, `print`, `printf`,
//! `println`, `eq`, `ne`, `lt`, `le`, `gt`, `ge`, `and`, `or`, `not`, plus kubectl's
//! `base64decode`. A missing map key prints `<no value>` (kubectl allows missing keys).
//! Values print as Go's `%v` does: maps as `map[k:v]`, lists as `[a b]`.

use serde_json::Value;

use crate::api::base64;

/// A parsed template.
#[derive(Debug)]
pub struct Template {
    nodes: Vec<Node>,
    source: String,
}

#[derive(Debug)]
enum Node {
    Text(String),
    Action(Pipeline),
    If(Vec<(Pipeline, Vec<Node>)>, Vec<Node>),
    Range(Pipeline, Vec<Node>, Vec<Node>),
    With(Pipeline, Vec<Node>, Vec<Node>),
}

#[derive(Debug)]
struct Pipeline {
    declare: Vec<String>,
    commands: Vec<Vec<Arg>>,
}

#[derive(Debug)]
enum Arg {
    /// `.a.b` (empty path: `.`).
    Field(Vec<String>),
    /// `$x.a.b` (`$` alone is the root).
    Variable(String, Vec<String>),
    Literal(Value),
    Function(String),
    Nested(Pipeline, Vec<String>),
}

/// What parsing or running a template found wrong, as Go's message after `template: output:`.
type Fail = String;

impl Template {
    /// Parses the template; the error reads like kubectl's.
    pub fn parse(text: &str) -> Result<Template, String> {
        let tokens = split(text).map_err(|e| format!("template: output:{e}"))?;
        let mut at = 0;
        let (nodes, end) =
            parse_list(&tokens, &mut at).map_err(|e| format!("template: output:{e}"))?;
        match end {
            None => Ok(Template {
                nodes,
                source: text.to_string(),
            }),
            Some(word) => Err(format!("template: output:1: unexpected {{{{{word}}}}}")),
        }
    }

    /// Runs the template on `root`; a failure reads as kubectl prints it.
    pub fn render(&self, root: &Value) -> Result<String, String> {
        self.execute(root)
            .map_err(|e| format!("error: error executing template \"{}\": {e}", self.source))
    }

    fn execute(&self, root: &Value) -> Result<String, String> {
        let mut scope = Scope {
            vars: vec![("$".to_string(), root.clone())],
        };
        let mut out = String::new();
        run(&self.nodes, root, &mut scope, &mut out)
            .map_err(|e| format!("template: output:1:2: executing \"output\" {e}"))?;
        Ok(out)
    }
}

/// A piece of template text: plain text, or the inside of an action.
#[derive(Debug)]
enum Token {
    Text(String),
    Action(String),
}

/// Cuts the text at `{{` and `}}`, applying the `{{- ` and ` -}}` trim markers.
fn split(text: &str) -> Result<Vec<Token>, Fail> {
    let mut tokens = Vec::new();
    let mut rest = text;
    let mut trim_next = false;
    while !rest.is_empty() {
        let Some(open) = rest.find("{{") else {
            let t = if trim_next { rest.trim_start() } else { rest };
            tokens.push(Token::Text(t.to_string()));
            break;
        };
        let mut before = &rest[..open];
        if trim_next {
            before = before.trim_start();
        }
        let mut inner_start = open + 2;
        if rest[inner_start..].starts_with("- ") {
            before = before.trim_end();
            inner_start += 1;
        }
        if !before.is_empty() {
            tokens.push(Token::Text(before.to_string()));
        }
        let close = find_close(&rest[inner_start..]).ok_or("1: unclosed action")?;
        let mut inner = &rest[inner_start..inner_start + close];
        trim_next = false;
        if inner.ends_with(" -") {
            inner = &inner[..inner.len() - 1];
            trim_next = true;
        }
        let inner = inner.trim();
        if !(inner.starts_with("/*") && inner.ends_with("*/")) {
            tokens.push(Token::Action(inner.to_string()));
        }
        rest = &rest[inner_start + close + 2..];
    }
    Ok(tokens)
}

/// Where the action's `}}` is, skipping quoted strings.
fn find_close(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i + 1 < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == b'\\' && q == b'"' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'`' => quote = Some(b),
            None if b == b'}' && bytes[i + 1] == b'}' => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

/// Parses nodes until `{{end}}`, `{{else ...}}` or the end; returns the word that stopped it.
fn parse_list(tokens: &[Token], at: &mut usize) -> Result<(Vec<Node>, Option<String>), Fail> {
    let mut nodes = Vec::new();
    while let Some(token) = tokens.get(*at) {
        *at += 1;
        let action = match token {
            Token::Text(t) => {
                nodes.push(Node::Text(t.clone()));
                continue;
            }
            Token::Action(a) => a.as_str(),
        };
        let (word, rest) = action
            .split_once(char::is_whitespace)
            .unwrap_or((action, ""));
        match word {
            "end" => return Ok((nodes, Some("end".into()))),
            "else" => return Ok((nodes, Some(format!("else {rest}").trim_end().to_string()))),
            "if" => {
                let mut branches = vec![(parse_pipeline(rest)?, Vec::new())];
                let mut otherwise = Vec::new();
                loop {
                    let (body, end) = parse_list(tokens, at)?;
                    match end.as_deref() {
                        Some("end") => {
                            if let Some(last) = branches.last_mut() {
                                last.1 = body;
                            }
                            break;
                        }
                        Some(e) if e.starts_with("else if ") => {
                            if let Some(last) = branches.last_mut() {
                                last.1 = body;
                            }
                            branches.push((parse_pipeline(&e["else if ".len()..])?, Vec::new()));
                        }
                        Some("else") => {
                            if let Some(last) = branches.last_mut() {
                                last.1 = body;
                            }
                            let (body, end) = parse_list(tokens, at)?;
                            if end.as_deref() != Some("end") {
                                return Err("1: expected end; found EOF".into());
                            }
                            otherwise = body;
                            break;
                        }
                        _ => return Err("1: unexpected EOF".into()),
                    }
                }
                nodes.push(Node::If(branches, otherwise));
            }
            "range" | "with" => {
                let pipeline = parse_pipeline(rest)?;
                let (body, end) = parse_list(tokens, at)?;
                let otherwise = match end.as_deref() {
                    Some("end") => Vec::new(),
                    Some("else") => {
                        let (body, end) = parse_list(tokens, at)?;
                        if end.as_deref() != Some("end") {
                            return Err("1: expected end; found EOF".into());
                        }
                        body
                    }
                    _ => return Err("1: unexpected EOF".into()),
                };
                nodes.push(if word == "range" {
                    Node::Range(pipeline, body, otherwise)
                } else {
                    Node::With(pipeline, body, otherwise)
                });
            }
            "define" | "template" | "block" | "break" | "continue" => {
                return Err(format!(
                    "1: {{{{{word}}}}} is not available in this sandbox"
                ));
            }
            _ => nodes.push(Node::Action(parse_pipeline(action)?)),
        }
    }
    Ok((nodes, None))
}

/// `[$a[, $b] :=] command [| command]...`
fn parse_pipeline(text: &str) -> Result<Pipeline, Fail> {
    let mut declare = Vec::new();
    let mut body = text.trim();
    if let Some((left, right)) = body.split_once(":=")
        && left.trim().starts_with('$')
        && !left.contains('"')
    {
        declare = left.split(',').map(|v| v.trim().to_string()).collect();
        body = right.trim();
    }
    let words = words(body)?;
    if words.is_empty() {
        return Err("1: missing value for command".into());
    }
    let mut commands = vec![Vec::new()];
    let mut i = 0;
    while let Some(word) = words.get(i) {
        i += 1;
        if word == "|" {
            commands.push(Vec::new());
            continue;
        }
        let arg = if word == "(" {
            let start = i;
            let mut depth = 1;
            while let Some(w) = words.get(i) {
                i += 1;
                match w.as_str() {
                    "(" => depth += 1,
                    ")" => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let inner: Vec<String> = words
                .get(start..i.saturating_sub(1))
                .unwrap_or_default()
                .to_vec();
            // `(...).field`: the words glued after the parenthesis.
            let mut path = Vec::new();
            if let Some(next) = words.get(i).filter(|w| w.starts_with('.') && w.len() > 1) {
                path = next[1..].split('.').map(str::to_string).collect();
                i += 1;
            }
            Arg::Nested(parse_pipeline(&inner.join(" "))?, path)
        } else {
            argument(word)?
        };
        if let Some(command) = commands.last_mut() {
            command.push(arg);
        }
    }
    if commands.iter().any(Vec::is_empty) {
        return Err("1: missing command".into());
    }
    Ok(Pipeline { declare, commands })
}

/// Splits an action into words: strings stay whole, parentheses and pipes stand alone.
fn words(text: &str) -> Result<Vec<String>, Fail> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | '|' => {
                out.push(c.to_string());
                chars.next();
            }
            '"' | '`' => {
                let mut word = String::from(c);
                chars.next();
                let mut closed = false;
                while let Some(d) = chars.next() {
                    word.push(d);
                    if d == '\\' && c == '"' {
                        if let Some(e) = chars.next() {
                            word.push(e);
                        }
                        continue;
                    }
                    if d == c {
                        closed = true;
                        break;
                    }
                }
                if !closed {
                    return Err("1: unterminated quoted string".into());
                }
                out.push(word);
            }
            _ => {
                let mut word = String::new();
                while let Some(&d) = chars.peek() {
                    if d.is_whitespace() || matches!(d, '(' | ')' | '|') {
                        break;
                    }
                    word.push(d);
                    chars.next();
                }
                out.push(word);
            }
        }
    }
    Ok(out)
}

fn argument(word: &str) -> Result<Arg, Fail> {
    if let Some(path) = word.strip_prefix('.') {
        let path = if path.is_empty() {
            Vec::new()
        } else {
            path.split('.').map(str::to_string).collect()
        };
        return Ok(Arg::Field(path));
    }
    if word.starts_with('$') {
        let mut parts = word.split('.');
        let name = parts.next().unwrap_or("$").to_string();
        return Ok(Arg::Variable(name, parts.map(str::to_string).collect()));
    }
    if let Some(raw) = word.strip_prefix('`').and_then(|w| w.strip_suffix('`')) {
        return Ok(Arg::Literal(Value::String(raw.to_string())));
    }
    if word.starts_with('"') {
        return serde_json::from_str::<String>(word)
            .map(|s| Arg::Literal(Value::String(s)))
            .map_err(|_| format!("1: invalid syntax in {word}"));
    }
    match word {
        "true" => return Ok(Arg::Literal(Value::Bool(true))),
        "false" => return Ok(Arg::Literal(Value::Bool(false))),
        "nil" => return Ok(Arg::Literal(Value::Null)),
        _ => {}
    }
    if let Ok(n) = word.parse::<i64>() {
        return Ok(Arg::Literal(Value::from(n)));
    }
    if let Ok(n) = word.parse::<f64>() {
        return Ok(Arg::Literal(Value::from(n)));
    }
    if FUNCTIONS.contains(&word) {
        return Ok(Arg::Function(word.to_string()));
    }
    Err(format!("1: function \"{word}\" not defined"))
}

const FUNCTIONS: &[&str] = &[
    "index",
    "len",
    "print",
    "printf",
    "println",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "and",
    "or",
    "not",
    "base64decode",
];

struct Scope {
    vars: Vec<(String, Value)>,
}

impl Scope {
    fn get(&self, name: &str) -> Result<Value, Fail> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| format!("undefined variable: {name}"))
    }
}

fn run(nodes: &[Node], dot: &Value, scope: &mut Scope, out: &mut String) -> Result<(), Fail> {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(t),
            Node::Action(p) => {
                let value = pipeline(p, dot, scope)?;
                if p.declare.is_empty() {
                    out.push_str(&show(&value));
                }
            }
            Node::If(branches, otherwise) => {
                let depth = scope.vars.len();
                let mut taken = false;
                for (condition, body) in branches {
                    if truthy(&pipeline(condition, dot, scope)?) {
                        run(body, dot, scope, out)?;
                        taken = true;
                        break;
                    }
                }
                if !taken {
                    run(otherwise, dot, scope, out)?;
                }
                scope.vars.truncate(depth);
            }
            Node::With(p, body, otherwise) => {
                let depth = scope.vars.len();
                let value = pipeline(p, dot, scope)?;
                if truthy(&value) {
                    run(body, &value, scope, out)?;
                } else {
                    run(otherwise, dot, scope, out)?;
                }
                scope.vars.truncate(depth);
            }
            Node::Range(p, body, otherwise) => {
                let depth = scope.vars.len();
                let value = eval_commands(&p.commands, dot, scope)?;
                let entries: Vec<(Value, Value)> = match &value {
                    Value::Array(items) => items
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (Value::from(i as i64), v.clone()))
                        .collect(),
                    // Go ranges over a map in key order.
                    Value::Object(map) => {
                        let mut keys: Vec<&String> = map.keys().collect();
                        keys.sort();
                        keys.into_iter()
                            .map(|k| (Value::String(k.clone()), map[k].clone()))
                            .collect()
                    }
                    // Nothing there (nil, or a missing key): no iteration, as in Go.
                    Value::Null => Vec::new(),
                    Value::String(s) if s == NO_VALUE => Vec::new(),
                    other => return Err(format!("range can't iterate over {}", show(other))),
                };
                if entries.is_empty() {
                    run(otherwise, dot, scope, out)?;
                }
                for (key, item) in entries {
                    let inner = scope.vars.len();
                    match p.declare.as_slice() {
                        [] => {}
                        [v] => scope.vars.push((v.clone(), item.clone())),
                        [k, v, ..] => {
                            scope.vars.push((k.clone(), key));
                            scope.vars.push((v.clone(), item.clone()));
                        }
                    }
                    run(body, &item, scope, out)?;
                    scope.vars.truncate(inner);
                }
                scope.vars.truncate(depth);
            }
        }
    }
    Ok(())
}

fn pipeline(p: &Pipeline, dot: &Value, scope: &mut Scope) -> Result<Value, Fail> {
    let value = eval_commands(&p.commands, dot, scope)?;
    for name in &p.declare {
        scope.vars.push((name.clone(), value.clone()));
    }
    Ok(value)
}

fn eval_commands(commands: &[Vec<Arg>], dot: &Value, scope: &mut Scope) -> Result<Value, Fail> {
    let mut previous: Option<Value> = None;
    for command in commands {
        previous = Some(command_value(command, previous.take(), dot, scope)?);
    }
    Ok(previous.unwrap_or(Value::Null))
}

/// One command: a function applied to its arguments (and the previous command's value, last),
/// or a single value.
fn command_value(
    command: &[Arg],
    piped: Option<Value>,
    dot: &Value,
    scope: &mut Scope,
) -> Result<Value, Fail> {
    let Some((first, rest)) = command.split_first() else {
        return Ok(Value::Null);
    };
    if let Arg::Function(name) = first {
        let mut args = rest
            .iter()
            .map(|a| value(a, dot, scope))
            .collect::<Result<Vec<_>, _>>()?;
        args.extend(piped);
        return call(name, &args);
    }
    if !rest.is_empty() || piped.is_some() {
        return Err(format!(
            "can't give argument to non-function {}",
            describe(first)
        ));
    }
    value(first, dot, scope)
}

fn describe(arg: &Arg) -> String {
    match arg {
        Arg::Field(path) => format!(".{}", path.join(".")),
        Arg::Variable(name, path) if path.is_empty() => name.clone(),
        Arg::Variable(name, path) => format!("{name}.{}", path.join(".")),
        Arg::Literal(v) => show(v),
        Arg::Function(name) => name.clone(),
        Arg::Nested(..) => "(...)".into(),
    }
}

fn value(arg: &Arg, dot: &Value, scope: &mut Scope) -> Result<Value, Fail> {
    match arg {
        Arg::Field(path) => Ok(walk(dot, path)),
        Arg::Variable(name, path) => Ok(walk(&scope.get(name)?, path)),
        Arg::Literal(v) => Ok(v.clone()),
        Arg::Function(name) => call(name, &[]),
        Arg::Nested(p, path) => Ok(walk(&eval_commands(&p.commands, dot, scope)?, path)),
    }
}

/// Follows field names; a missing key gives the "no value" marker.
fn walk(start: &Value, path: &[String]) -> Value {
    let mut current = start.clone();
    for key in path {
        current = match current.get(key.as_str()) {
            Some(v) => v.clone(),
            None => return no_value(),
        };
    }
    current
}

/// What Go prints for a missing map key.
fn no_value() -> Value {
    Value::String(NO_VALUE.to_string())
}

const NO_VALUE: &str = "<no value>";

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty() && s != NO_VALUE,
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// Go's `%v` of a JSON value.
fn show(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            format!("[{}]", items.iter().map(show).collect::<Vec<_>>().join(" "))
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .iter()
                .map(|k| format!("{k}:{}", show(&map[*k])))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

fn call(name: &str, args: &[Value]) -> Result<Value, Fail> {
    let wrong = |want: &str| {
        Err(format!(
            "error calling {name}: wrong number of args for {name}: want {want} got {}",
            args.len()
        ))
    };
    let compare = |f: fn(std::cmp::Ordering) -> bool| -> Result<Value, Fail> {
        let [a, b] = args else {
            return wrong("2");
        };
        let ordering = match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            _ => show(a).cmp(&show(b)),
        };
        Ok(Value::Bool(f(ordering)))
    };
    match name {
        "index" => {
            let Some((first, keys)) = args.split_first() else {
                return wrong("at least 1");
            };
            let mut current = first.clone();
            for key in keys {
                current = match (&current, key) {
                    (Value::Object(map), Value::String(k)) => {
                        map.get(k).cloned().unwrap_or_else(no_value)
                    }
                    (Value::Array(items), k) => {
                        let i = k.as_i64().unwrap_or(-1);
                        usize::try_from(i)
                            .ok()
                            .and_then(|i| items.get(i).cloned())
                            .ok_or_else(|| {
                                format!("error calling index: index out of range: {i}")
                            })?
                    }
                    (Value::Null, _) => {
                        return Err("error calling index: index of untyped nil".into());
                    }
                    (other, _) => {
                        return Err(format!(
                            "error calling index: can't index item of type {}",
                            type_name(other)
                        ));
                    }
                };
            }
            Ok(current)
        }
        "len" => match args {
            [Value::Array(a)] => Ok(Value::from(a.len())),
            [Value::Object(o)] => Ok(Value::from(o.len())),
            [Value::String(s)] => Ok(Value::from(s.len())),
            [other] => Err(format!(
                "error calling len: len of type {}",
                type_name(other)
            )),
            _ => wrong("1"),
        },
        "print" => Ok(Value::String(
            args.iter().map(show).collect::<Vec<_>>().join(""),
        )),
        "println" => Ok(Value::String(format!(
            "{}\n",
            args.iter().map(show).collect::<Vec<_>>().join(" ")
        ))),
        "printf" => {
            let Some((format, rest)) = args.split_first() else {
                return wrong("at least 1");
            };
            Ok(Value::String(printf(&show(format), rest)))
        }
        "eq" => compare(std::cmp::Ordering::is_eq),
        "ne" => compare(std::cmp::Ordering::is_ne),
        "lt" => compare(std::cmp::Ordering::is_lt),
        "le" => compare(std::cmp::Ordering::is_le),
        "gt" => compare(std::cmp::Ordering::is_gt),
        "ge" => compare(std::cmp::Ordering::is_ge),
        // Go's and/or return the deciding argument, not a boolean.
        "and" => Ok(args
            .iter()
            .find(|a| !truthy(a))
            .or(args.last())
            .cloned()
            .unwrap_or(Value::Null)),
        "or" => Ok(args
            .iter()
            .find(|a| truthy(a))
            .or(args.last())
            .cloned()
            .unwrap_or(Value::Null)),
        "not" => match args {
            [a] => Ok(Value::Bool(!truthy(a))),
            _ => wrong("1"),
        },
        "base64decode" => match args {
            [Value::String(s)] => base64::decode(s)
                .map(|bytes| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
                .ok_or_else(|| "error calling base64decode: illegal base64 data".to_string()),
            [other] => Err(format!(
                "error calling base64decode: expected string, got {}",
                type_name(other)
            )),
            _ => wrong("1"),
        },
        other => Err(format!("function \"{other}\" not defined")),
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

/// Go's `printf` for the common verbs: `%s`, `%v`, `%d`, `%q`, `%%`, with a width.
fn printf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let mut args = args.iter();
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit() || **d == '-') {
            width.push(d);
            chars.next();
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.next() else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        let text = match verb {
            'q' => serde_json::to_string(&show(arg)).unwrap_or_default(),
            'd' => arg.as_f64().map_or_else(
                || format!("%!d({})", show(arg)),
                |n| format!("{}", n as i64),
            ),
            _ => show(arg),
        };
        let pad: usize = width.trim_start_matches('-').parse().unwrap_or(0);
        if width.starts_with('-') {
            out.push_str(&format!("{text:<pad$}"));
        } else {
            out.push_str(&format!("{text:>pad$}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn render(template: &str, data: &Value) -> String {
        match Template::parse(template) {
            Ok(t) => t.execute(data).unwrap_or_else(|e| format!("ERR {e}")),
            Err(e) => format!("PARSE {e}"),
        }
    }

    fn secret() -> Value {
        json!({"metadata": {"name": "my-secret"}, "data": {"key-name-with-dashes": "czNjcjN0", "b": "YmVl"}})
    }

    #[test]
    fn the_cheat_sheets_templates() {
        assert_eq!(
            render(r#"{{index .data "key-name-with-dashes"}}"#, &secret()),
            "czNjcjN0"
        );
        assert_eq!(
            render(
                r####"{{range $k,$v := .data}}{{"### "}}{{$k}}{{"\n"}}{{$v|base64decode}}{{"\n\n"}}{{end}}"####,
                &secret()
            ),
            "### b\nbee\n\n### key-name-with-dashes\ns3cr3t\n\n"
        );
    }

    #[test]
    fn fields_ranges_and_conditions() {
        let list = json!({"items": [
            {"metadata": {"name": "a"}, "status": {"phase": "Running"}, "spec": {"n": 2}},
            {"metadata": {"name": "b"}, "status": {"phase": "Pending"}, "spec": {"n": 0}}
        ]});
        assert_eq!(
            render(
                "{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}",
                &list
            ),
            "a\nb\n"
        );
        assert_eq!(
            render(
                "{{range .items}}{{if eq .status.phase \"Running\"}}{{.metadata.name}} {{else}}- {{end}}{{end}}",
                &list
            ),
            "a - "
        );
        assert_eq!(render("{{len .items}}", &list), "2");
        assert_eq!(
            render(
                "{{range $i, $p := .items}}{{$i}}={{$p.metadata.name}} {{end}}",
                &list
            ),
            "0=a 1=b "
        );
        assert_eq!(render("{{.nothing}}", &list), "<no value>");
        assert_eq!(render("{{with .items}}{{len .}}{{end}}", &list), "2");
        assert_eq!(render("{{printf \"%-4s|%d\" \"ab\" 7}}", &list), "ab  |7");
        assert_eq!(render("{{- \"x\" }}  \n  {{- \"y\" -}}  z", &list), "xyz");
        assert_eq!(render("{{(index .items 1).metadata.name}}", &list), "b");
        assert_eq!(
            render("{{range .none}}x{{else}}empty{{end}}", &list),
            "empty"
        );
        assert_eq!(render("{{.items}}", &json!({"items": [1, "a"]})), "[1 a]");
    }

    #[test]
    fn mistakes_are_reported_not_panicked_on() {
        assert!(render("{{.a", &secret()).starts_with("PARSE template: output:1: unclosed action"));
        assert!(render("{{nope .a}}", &secret()).contains("function \"nope\" not defined"));
        assert!(render("{{if .a}}x", &secret()).starts_with("PARSE"));
        assert!(render("{{end}}", &secret()).starts_with("PARSE"));
        assert!(render("{{index .metadata.name 1}}", &secret()).starts_with("ERR"));
        assert!(render("{{\"unterminated}}", &secret()).starts_with("PARSE"));
    }
}
