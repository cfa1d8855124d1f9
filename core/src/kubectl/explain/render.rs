//! kubectl's `plaintext` explain template (`pkg/explain/v2/templates/plaintext.tmpl`, v1.35),
//! one function per template, over OpenAPI v3 schemas as JSON.
//!
//! The template is followed literally, quirks included, because its output is the spec: a
//! field that references a type prints the field's description and then the type's; a
//! `FIELD:` header is followed by two blank lines when there is no enum; a description ends
//! with an indented empty line; `$ref` cycles stop per path (a type may repeat in another
//! branch); and the error for a missing field names the *last* field of the path, whichever
//! one was missing. Conditions use Go templates' truthiness: an empty map, list or string is
//! false.

use std::collections::BTreeSet;

use serde_json::Value;

use super::wrap::{indent, wrap};

/// Looks a `$ref` (a schema name) up.
pub type Resolve<'a> = &'a dyn Fn(&str) -> Option<&'a Value>;

/// What `kubectl explain` is asked to show of one kind's schema.
pub struct Request<'a> {
    pub group: &'a str,
    pub version: &'a str,
    pub kind: &'a str,
    pub fields: &'a [String],
    pub recursive: bool,
}

/// What the template writes: its output so far, and the error it stopped on (kubectl has
/// written the `KIND:` header before it finds that a field does not exist).
pub struct Rendered {
    pub out: String,
    pub error: Option<String>,
}

/// The whole template for a kind whose schema is `root`.
pub fn render(request: &Request, root: &Value, resolve: Resolve) -> Rendered {
    let mut out = header(request);
    let t = Template {
        resolve,
        recursive: request.recursive,
    };
    let body = t.output(root, &BTreeSet::new(), request.fields);
    if body.is_empty() {
        let field = request.fields.last().map_or("", String::as_str);
        return Rendered {
            out,
            error: Some(format!("error: field \"{field}\" does not exist")),
        };
    }
    out.push_str(&body);
    out.push('\n');
    Rendered { out, error: None }
}

/// The `GROUP:`, `KIND:` and `VERSION:` lines and the blank line after them.
pub fn header(request: &Request) -> String {
    let mut out = String::new();
    if !request.group.is_empty() {
        out.push_str(&format!("GROUP:      {}\n", request.group));
    }
    out.push_str(&format!("KIND:       {}\n", request.kind));
    out.push_str(&format!("VERSION:    {}\n\n", request.version));
    out
}

struct Template<'a> {
    resolve: Resolve<'a>,
    recursive: bool,
}

/// Go templates' truthiness.
fn truthy(v: Option<&Value>) -> bool {
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
    }
}

fn ref_of(schema: &Value) -> &str {
    schema.get("$ref").and_then(Value::as_str).unwrap_or("")
}

/// `additionalProperties` when it is a schema (not `true`/`false`) and not empty.
fn additional(schema: &Value) -> Option<&Value> {
    schema
        .get("additionalProperties")
        .filter(|v| v.is_object() && truthy(Some(v)))
}

fn items(schema: &Value) -> Option<&Value> {
    schema.get("items").filter(|v| truthy(Some(v)))
}

fn all_of(schema: &Value) -> &[Value] {
    schema
        .get("allOf")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// A schema's properties sorted by name, as Go ranges over a map.
fn properties(schema: &Value) -> Vec<(&String, &Value)> {
    let mut props: Vec<_> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.iter().collect())
        .unwrap_or_default();
    props.sort_by(|a, b| a.0.cmp(b.0));
    props
}

impl<'a> Template<'a> {
    /// `resolveRef`: the referenced schema, if found and not empty.
    fn lookup(&self, reference: &str) -> Option<&'a Value> {
        if reference.is_empty() {
            return None;
        }
        (self.resolve)(reference).filter(|v| truthy(Some(v)))
    }

    /// `or (resolveRef $ref) $schema`.
    fn resolved<'s>(&self, schema: &'s Value) -> &'s Value
    where
        'a: 's,
    {
        self.lookup(ref_of(schema)).unwrap_or(schema)
    }

    /// The `output` template: follows the field path, then prints the description and fields.
    fn output(&self, schema: &Value, history: &BTreeSet<String>, path: &[String]) -> String {
        let reference = ref_of(schema);
        let mut next = history.clone();
        next.insert(reference.to_string());
        let resolved = self.resolved(schema);
        let Some((first, rest)) = path.split_first() else {
            let description = self.description(resolved);
            let description = if description.is_empty() {
                "<empty>".to_string()
            } else {
                description
            };
            let mut out = format!("DESCRIPTION:\n{}\n", indent(4, &wrap(&description, 76)));
            let fields = self.field_list(resolved, 1, &BTreeSet::new());
            if !fields.is_empty() {
                out.push_str("FIELDS:\n");
                out.push_str(&fields);
            }
            return out;
        };
        if !reference.is_empty() && history.contains(reference) {
            return String::new();
        }
        let sub = resolved
            .get("properties")
            .and_then(|p| p.get(first.as_str()))
            .filter(|v| truthy(Some(v)));
        if let Some(sub) = sub {
            let mut out = String::new();
            if rest.is_empty() {
                out.push_str(&format!("FIELD: {first} <{}>\n", self.type_guess(sub)));
                out.push_str(&self.enum_long(sub));
                out.push_str("\n\n");
            }
            out.push_str(&self.output(sub, &BTreeSet::new(), rest));
            return out;
        }
        if let Some(items) = items(resolved) {
            return self.output(items, &next, path);
        }
        if let Some(map) = additional(resolved) {
            return self.output(map, &next, path);
        }
        all_of(resolved)
            .iter()
            .map(|sub| self.output(sub, &next, path))
            .find(|out| !out.is_empty())
            .unwrap_or_default()
    }

    /// The `fieldList` template: one entry per property, nested under `--recursive`.
    fn field_list(&self, schema: &Value, level: usize, history: &BTreeSet<String>) -> String {
        let reference = ref_of(schema);
        if !reference.is_empty() && history.contains(reference) {
            return String::new();
        }
        let mut next = history.clone();
        next.insert(reference.to_string());
        let resolved = self.resolved(schema);
        let mut out = String::new();
        for (name, sub) in properties(resolved) {
            out.push_str(&self.field_detail(name, resolved, level));
            if self.recursive {
                out.push_str(&self.field_list(sub, level + 1, &next));
            }
        }
        for sub in all_of(resolved) {
            out.push_str(&self.field_list(sub, level, &next));
        }
        if let Some(items) = items(resolved) {
            out.push_str(&self.field_list(items, level, &next));
        }
        if let Some(map) = additional(resolved) {
            out.push_str(&self.field_list(map, level, &next));
        }
        out
    }

    /// The `fieldDetail` template: `name\t<type> -required-`, enum values, and (unless
    /// recursive) the description.
    fn field_detail(&self, name: &str, parent: &Value, level: usize) -> String {
        let pad = level * 2;
        let field = parent
            .get("properties")
            .and_then(|p| p.get(name))
            .unwrap_or(&Value::Null);
        let mut out = format!("{}\t<{}>", indent(pad, name), self.type_guess(field));
        let required = parent
            .get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|n| n.as_str() == Some(name)));
        if required {
            out.push_str(" -required-");
        }
        out.push_str(&enum_short(field, pad));
        out.push('\n');
        if !self.recursive {
            let description = field
                .get("description")
                .and_then(Value::as_str)
                .filter(|d| !d.is_empty())
                .unwrap_or("<no description>");
            out.push_str(&indent(pad + 2, &wrap(description, 78 - pad.min(78))));
            out.push_str("\n\n");
        }
        out
    }

    /// The `description` template: the schema's description, then those of what it wraps.
    fn description(&self, schema: &Value) -> String {
        let s = self.resolved(schema);
        if !truthy(Some(s)) {
            return String::new();
        }
        let mut out = String::new();
        if let Some(d) = s.get("description").and_then(Value::as_str)
            && !d.is_empty()
        {
            out.push_str(d);
            out.push('\n');
        }
        for sub in all_of(s) {
            out.push_str(&self.description(sub));
        }
        if let Some(items) = items(s) {
            out.push_str(&self.description(items));
        }
        if let Some(map) = additional(s) {
            out.push_str(&self.description(map));
        }
        out
    }

    /// The `typeGuess` template: `string`, `[]Container`, `map[string]Quantity`, `Object`...
    fn type_guess(&self, schema: &Value) -> String {
        if let Some(items) = items(schema) {
            return format!("[]{}", self.type_guess(items));
        }
        if let Some(map) = additional(schema) {
            return format!("map[string]{}", self.type_guess(map));
        }
        let all = all_of(schema);
        if let [only] = all
            && !truthy(schema.get("properties"))
        {
            return self.type_guess(only);
        }
        let type_of = |s: &Value| {
            s.get("type")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        };
        let reference = ref_of(schema);
        if !reference.is_empty() {
            let target = self.lookup(reference).map(type_of).unwrap_or_default();
            if target.is_empty() || target == "object" {
                let name = reference.rsplit('/').next().unwrap_or_default();
                let short = name.rsplit('.').next().unwrap_or_default();
                return if short.is_empty() { "Object" } else { short }.to_string();
            }
            return target;
        }
        match type_of(schema).as_str() {
            "" | "object" => "Object".to_string(),
            other => other.to_string(),
        }
    }

    /// `extractEnum` in the long view (under a `FIELD:` header): one value per line.
    fn enum_long(&self, schema: &Value) -> String {
        let values = enum_values(schema);
        if values.is_empty() {
            return String::new();
        }
        let mut out = String::from("ENUM:");
        for v in values {
            out.push_str("\n    ");
            out.push_str(&v);
        }
        out
    }
}

/// `extractEnum` in the short view (in a field list): the first four values on a line.
fn enum_short(schema: &Value, pad: usize) -> String {
    let values = enum_values(schema);
    if values.is_empty() {
        return String::new();
    }
    let mut out = format!("\n{}enum: ", " ".repeat(pad));
    for (i, v) in values.iter().enumerate() {
        if i >= 4 {
            out.push_str(", ....");
            break;
        }
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(v);
    }
    out
}

/// A schema's enum values as Go prints them, `""` for the empty string.
fn enum_values(schema: &Value) -> Vec<String> {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .map(|values| {
            values
                .iter()
                .map(|v| match v {
                    Value::String(s) if s.is_empty() => "\"\"".to_string(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schemas(name: &str) -> Option<&'static Value> {
        static DOC: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
        DOC.get_or_init(|| {
            json!({
                "Probe": {"description": "Probe describes a health check.", "type": "object",
                    "properties": {"exec": {"allOf": [{"$ref": "Exec"}], "description": "Exec action."}}},
                "Exec": {"type": "object", "properties": {"command": {"type": "array", "items": {"type": "string"}}}},
                "Quantity": {"description": "Quantity is a number."},
                "Node": {"type": "object", "properties": {"next": {"allOf": [{"$ref": "Node"}]}, "v": {"type": "integer"}}},
            })
        })
        .get(name)
    }

    fn root() -> Value {
        json!({"description": "Thing.", "type": "object", "required": ["probe"], "properties": {
            "probe": {"allOf": [{"$ref": "Probe"}], "description": "The probe."},
            "limits": {"type": "object", "additionalProperties": {"$ref": "Quantity"}},
            "policy": {"type": "string", "description": "Policy.", "enum": ["", "A", "B", "C", "D"]},
            "node": {"$ref": "Node"},
        }})
    }

    fn run(fields: &[&str], recursive: bool) -> Rendered {
        let fields: Vec<String> = fields.iter().map(|f| f.to_string()).collect();
        let request = Request {
            group: "example.com",
            version: "v1",
            kind: "Thing",
            fields: &fields,
            recursive,
        };
        render(&request, &root(), &schemas)
    }

    #[test]
    fn kind_with_fields() {
        let r = run(&[], false);
        assert_eq!(r.error, None);
        assert_eq!(
            r.out,
            "GROUP:      example.com\nKIND:       Thing\nVERSION:    v1\n\nDESCRIPTION:\n    Thing.\n    \nFIELDS:\n  limits\t<map[string]Quantity>\n    <no description>\n\n  node\t<Node>\n    <no description>\n\n  policy\t<string>\n  enum: \"\", A, B, C, ....\n    Policy.\n\n  probe\t<Probe> -required-\n    The probe.\n\n\n"
        );
    }

    #[test]
    fn field_prints_its_and_its_types_descriptions() {
        let r = run(&["probe"], false);
        assert_eq!(
            r.out,
            "GROUP:      example.com\nKIND:       Thing\nVERSION:    v1\n\nFIELD: probe <Probe>\n\n\nDESCRIPTION:\n    The probe.\n    Probe describes a health check.\n    \nFIELDS:\n  exec\t<Exec>\n    Exec action.\n\n\n"
        );
        let r = run(&["policy"], false);
        assert!(
            r.out
                .contains("FIELD: policy <string>\nENUM:\n    \"\"\n    A\n    B\n    C\n    D\n\nDESCRIPTION:\n    Policy.\n    \n\n")
        );
        let r = run(&["limits"], false);
        assert!(
            r.out
                .contains("DESCRIPTION:\n    Quantity is a number.\n    \n\n")
        );
    }

    #[test]
    fn recursive_lists_stop_at_cycles() {
        let r = run(&["node"], true);
        assert!(
            r.out.ends_with(
                "FIELDS:\n  next\t<Node>\n    next\t<Node>\n    v\t<integer>\n  v\t<integer>\n\n"
            ),
            "{}",
            r.out
        );
        let r = run(&["probe"], true);
        assert!(
            r.out
                .ends_with("FIELDS:\n  exec\t<Exec>\n    command\t<[]string>\n\n")
        );
    }

    #[test]
    fn missing_fields_name_the_last_field() {
        let r = run(&["nope", "deeper"], false);
        assert_eq!(
            r.error.as_deref(),
            Some("error: field \"deeper\" does not exist")
        );
        assert_eq!(
            r.out,
            "GROUP:      example.com\nKIND:       Thing\nVERSION:    v1\n\n"
        );
        // Through a reference, an array and a map.
        assert!(run(&["probe", "exec", "command"], false).error.is_none());
        assert!(run(&["probe", "exec", "x"], false).error.is_some());
    }
}
