//! Field errors as upstream's `field.Error` words them: a path (`spec.containers[0].image`), a
//! type (`Required value`, `Invalid value: "x"`...), and a detail; and how a list of them
//! becomes an `Invalid` [`Status`].

use std::fmt;

use serde_json::Value;

use crate::api::{Cause, Kind, Status};

/// A field path as `field.Path.String()` prints it. `Path::none()` is upstream's nil path
/// (printed `<nil>`), which the selector parser uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Path(Option<String>);

impl Path {
    pub fn none() -> Path {
        Path(None)
    }

    pub fn new(name: &str) -> Path {
        Path(Some(name.to_string()))
    }

    pub fn child(&self, name: &str) -> Path {
        match &self.0 {
            None => Path::new(name),
            Some(p) => Path(Some(format!("{p}.{name}"))),
        }
    }

    pub fn index(&self, i: usize) -> Path {
        self.key(&i.to_string())
    }

    pub fn key(&self, key: &str) -> Path {
        Path(Some(format!("{}[{key}]", self.0.as_deref().unwrap_or(""))))
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_deref().unwrap_or("<nil>"))
    }
}

/// `field.ErrorType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorType {
    NotFound,
    Required,
    Duplicate,
    Invalid,
    NotSupported,
    Forbidden,
    TooLong,
    TooMany,
}

impl ErrorType {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::NotFound => "Not found",
            ErrorType::Required => "Required value",
            ErrorType::Duplicate => "Duplicate value",
            ErrorType::Invalid => "Invalid value",
            ErrorType::NotSupported => "Unsupported value",
            ErrorType::Forbidden => "Forbidden",
            ErrorType::TooLong => "Too long",
            ErrorType::TooMany => "Too many",
        }
    }
}

/// The offending value, rendered as upstream renders it: Go-quoted for a plain string, bare
/// for numbers and booleans, JSON for anything else (since v1.34).
#[derive(Clone, Debug, PartialEq)]
pub enum BadValue {
    Str(String),
    Int(i64),
    Bool(bool),
    Json(Value),
    /// JSON already rendered (for Go structs whose field order differs from ours).
    Raw(String),
}

impl From<&str> for BadValue {
    fn from(s: &str) -> BadValue {
        BadValue::Str(s.to_string())
    }
}

impl From<i64> for BadValue {
    fn from(n: i64) -> BadValue {
        BadValue::Int(n)
    }
}

impl BadValue {
    /// A string of a named Go type (`RestartPolicy`, `Protocol`...): upstream marshals those
    /// as JSON rather than quoting them.
    pub fn named(s: &str) -> BadValue {
        BadValue::Json(Value::from(s))
    }

    /// The value of a JSON field as upstream would show it: strings quoted, numbers bare,
    /// structures as JSON.
    pub fn of(v: Option<&Value>) -> BadValue {
        match v {
            Some(Value::String(s)) => BadValue::Str(s.clone()),
            Some(Value::Bool(b)) => BadValue::Bool(*b),
            Some(Value::Number(n)) if n.is_i64() => BadValue::Int(n.as_i64().unwrap_or(0)),
            Some(other) => BadValue::Json(other.clone()),
            None => BadValue::Json(Value::Null),
        }
    }
}

impl fmt::Display for BadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadValue::Str(s) => f.write_str(&go_quote(s)),
            BadValue::Int(n) => write!(f, "{n}"),
            BadValue::Bool(b) => write!(f, "{b}"),
            BadValue::Json(v) => f.write_str(&go_json(v)),
            BadValue::Raw(s) => f.write_str(s),
        }
    }
}

/// Go's `strconv.Quote`: double quotes, backslash escapes for quotes, backslashes and
/// control characters; other characters as they are.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c if c.is_control() || (c.is_whitespace() && c != ' ') => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Go's `json.Marshal` of a value: sorted keys (as our maps are), and `<`, `>`, `&` escaped.
pub fn go_json(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_default();
    if !s.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        return s;
    }
    s.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// One field error.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldError {
    pub kind: ErrorType,
    pub field: String,
    pub value: Option<BadValue>,
    pub detail: String,
}

impl FieldError {
    fn new(kind: ErrorType, path: &Path, value: Option<BadValue>, detail: &str) -> FieldError {
        FieldError {
            kind,
            field: path.to_string(),
            value,
            detail: detail.to_string(),
        }
    }

    pub fn required(path: &Path, detail: &str) -> FieldError {
        FieldError::new(ErrorType::Required, path, None, detail)
    }

    pub fn invalid(path: &Path, value: BadValue, detail: &str) -> FieldError {
        FieldError::new(ErrorType::Invalid, path, Some(value), detail)
    }

    pub fn forbidden(path: &Path, detail: &str) -> FieldError {
        FieldError::new(ErrorType::Forbidden, path, None, detail)
    }

    pub fn duplicate(path: &Path, value: BadValue) -> FieldError {
        FieldError::new(ErrorType::Duplicate, path, Some(value), "")
    }

    pub fn not_found(path: &Path, value: BadValue) -> FieldError {
        FieldError::new(ErrorType::NotFound, path, Some(value), "")
    }

    /// `field.NotSupported`: lists the supported values, each Go-quoted.
    pub fn not_supported(path: &Path, value: BadValue, supported: &[&str]) -> FieldError {
        let detail = if supported.is_empty() {
            String::new()
        } else {
            let quoted: Vec<String> = supported.iter().map(|s| go_quote(s)).collect();
            format!("supported values: {}", quoted.join(", "))
        };
        FieldError::new(ErrorType::NotSupported, path, Some(value), &detail)
    }

    /// `field.TooLong` with a byte limit.
    pub fn too_long(path: &Path, max: usize) -> FieldError {
        let unit = if max == 1 { "byte" } else { "bytes" };
        FieldError::new(
            ErrorType::TooLong,
            path,
            None,
            &format!("may not be more than {max} {unit}"),
        )
    }

    /// `ErrorBody()`: the message without the field.
    pub fn body(&self) -> String {
        let mut s = self.kind.as_str().to_string();
        if let Some(v) = &self.value {
            s.push_str(&format!(": {v}"));
        }
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.body())
    }
}

pub type ErrorList = Vec<FieldError>;

/// `ErrorList.ToAggregate().Error()`: one message, or `[a, b]` for several, duplicates
/// dropped.
pub fn aggregate_message(errs: &[FieldError]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for e in errs {
        let msg = e.to_string();
        if !seen.contains(&msg) {
            seen.push(msg);
        }
    }
    match seen.as_slice() {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    }
}

/// `apierrors.NewInvalid`: the Invalid status of `kind`/`name` with one cause per error.
pub fn invalid_status(kind: &Kind, name: &str, errs: &[FieldError]) -> Status {
    let causes = errs
        .iter()
        .map(|e| Cause {
            field: e.field.clone(),
            message: e.body(),
        })
        .collect();
    Status::invalid(kind, name, causes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_print_as_upstream() {
        let p = Path::new("spec").child("containers").index(0).child("name");
        assert_eq!(p.to_string(), "spec.containers[0].name");
        assert_eq!(
            Path::new("metadata").child("labels").key("a/b").to_string(),
            "metadata.labels[a/b]"
        );
        assert_eq!(Path::none().to_string(), "<nil>");
        assert_eq!(
            Path::none().child("values").index(0).key("x").to_string(),
            "values[0][x]"
        );
    }

    #[test]
    fn bodies_render_values_by_type() {
        let p = Path::new("spec").child("replicas");
        assert_eq!(
            FieldError::invalid(&p, BadValue::Int(-1), "must be greater than or equal to 0")
                .to_string(),
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0"
        );
        assert_eq!(
            FieldError::not_supported(&p, BadValue::named("Sometimes"), &["Always", "Never"])
                .body(),
            "Unsupported value: \"Sometimes\": supported values: \"Always\", \"Never\""
        );
        assert_eq!(FieldError::required(&p, "").body(), "Required value");
        assert_eq!(go_quote("a\"b\n"), "\"a\\\"b\\n\"");
        assert_eq!(
            go_json(&serde_json::json!({"b": "<", "a": 1})),
            "{\"a\":1,\"b\":\"\\u003c\"}"
        );
    }
}
