//! Custom resources checked against their CRD's structural schema (`openAPIV3Schema` of the
//! version they are written in): unknown fields pruned (and reported under strict field
//! validation, as `unknown field "spec.x"`), `default`s filled in, then values validated with
//! kube-openapi's messages as the API server turns them into field errors
//! (`spec.replicas: Invalid value: 15: spec.replicas in body should be less than or equal to
//! 10`).
//!
//! Covered: `type` (and `x-kubernetes-int-or-string`), `nullable`, `properties`, `required`,
//! `additionalProperties`, `x-kubernetes-preserve-unknown-fields`, `items`, `enum`,
//! `minimum`/`maximum` (and their exclusive forms), `minLength`/`maxLength`,
//! `minItems`/`maxItems`, `default`. Not covered: `pattern`, `format`, `x-kubernetes-validations`
//! (CEL), `oneOf`/`anyOf`/`allOf`/`not`.

use serde_json::{Map, Value};

use super::error::Cause;

/// What went wrong with a custom resource.
#[derive(Debug, PartialEq)]
pub enum SchemaError {
    /// Fields the schema does not know (only an error under strict field validation).
    Unknown(Vec<String>),
    /// Field errors, in kube-openapi's order.
    Invalid(Vec<Cause>),
}

/// The `openAPIV3Schema` of `version` in a CRD.
pub fn schema_of<'a>(crd: &'a Value, version: &str) -> Option<&'a Value> {
    crd.pointer("/spec/versions")?
        .as_array()?
        .iter()
        .find(|v| v.get("name").and_then(Value::as_str) == Some(version))?
        .pointer("/schema/openAPIV3Schema")
}

/// Prunes, defaults and validates `obj` in place. `apiVersion`, `kind` and `metadata` at the
/// top are the API server's, not the schema's.
pub fn check(schema: &Value, obj: &mut Value) -> Result<(), SchemaError> {
    let mut walk = Walk::default();
    if let Some(map) = obj.as_object_mut() {
        walk.object(schema, map, "", &["apiVersion", "kind", "metadata"]);
    }
    if !walk.unknown.is_empty() {
        return Err(SchemaError::Unknown(walk.unknown));
    }
    if !walk.causes.is_empty() {
        return Err(SchemaError::Invalid(walk.causes));
    }
    Ok(())
}

#[derive(Default)]
struct Walk {
    unknown: Vec<String>,
    causes: Vec<Cause>,
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// A value as field errors render it (v1.34+): strings quoted, everything else as JSON.
fn shown(v: &Value) -> String {
    v.to_string()
}

/// kube-openapi's name for a JSON value's type.
fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() && n.as_f64().is_some_and(|f| f.fract() != 0.0) => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn flag(schema: &Value, key: &str) -> bool {
    schema.get(key).and_then(Value::as_bool) == Some(true)
}

impl Walk {
    fn invalid(&mut self, path: &str, value: &Value, detail: String) {
        self.causes.push(Cause {
            field: path.to_string(),
            message: format!("Invalid value: {}: {detail}", shown(value)),
        });
    }

    fn value(&mut self, schema: &Value, v: &mut Value, path: &str) {
        let declared = schema.get("type").and_then(Value::as_str).unwrap_or("");
        let int_or_string = flag(schema, "x-kubernetes-int-or-string");
        let actual = type_name(v);
        let fits = match (declared, actual) {
            _ if int_or_string => matches!(actual, "integer" | "string"),
            ("", _) => true,
            ("number", "integer") => true,
            (d, a) => d == a,
        };
        if !fits {
            let wanted = if int_or_string {
                "integer,string"
            } else {
                declared
            };
            let shown_type = if actual == "null" { "null" } else { actual };
            let value = if actual == "null" {
                Value::String(String::new())
            } else {
                v.clone()
            };
            self.invalid(
                path,
                &value,
                format!("{path} in body must be of type {wanted}: \"{shown_type}\""),
            );
            return;
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
            && !allowed.contains(v)
        {
            let values: Vec<String> = allowed
                .iter()
                .map(|a| match a {
                    Value::String(s) => format!("{s:?}"),
                    other => format!("{:?}", other.to_string()),
                })
                .collect();
            self.causes.push(Cause {
                field: path.to_string(),
                message: format!(
                    "Unsupported value: {}: supported values: {}",
                    shown(v),
                    values.join(", ")
                ),
            });
        }
        match v {
            Value::Object(map) => self.object(schema, map, path, &[]),
            Value::Array(items) => self.array(schema, items, path),
            Value::String(s) => self.string(schema, &s.clone(), path),
            Value::Number(n) => {
                let x = n.as_f64().unwrap_or(0.0);
                self.number(schema, x, &Value::Number(n.clone()), path);
            }
            _ => {}
        }
    }

    fn object(&mut self, schema: &Value, map: &mut Map<String, Value>, path: &str, keep: &[&str]) {
        let properties = schema.get("properties").and_then(Value::as_object);
        let additional = schema.get("additionalProperties");
        let preserve = flag(schema, "x-kubernetes-preserve-unknown-fields")
            || additional.and_then(Value::as_bool) == Some(true);
        // Defaults first, so that a defaulted field satisfies `required`.
        if let Some(props) = properties {
            for (key, prop) in props {
                if !map.contains_key(key)
                    && let Some(default) = prop.get("default")
                {
                    map.insert(key.clone(), default.clone());
                }
            }
        }
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if map.get(name).is_none_or(Value::is_null) {
                    self.causes.push(Cause {
                        field: child(path, name),
                        message: "Required value".into(),
                    });
                }
            }
        }
        let keys: Vec<String> = map.keys().cloned().collect();
        for key in keys {
            if keep.contains(&key.as_str()) {
                continue;
            }
            let sub = properties
                .and_then(|p| p.get(&key))
                .or_else(|| additional.filter(|a| a.is_object()));
            let here = child(path, &key);
            match sub {
                Some(sub) => {
                    let is_null = map.get(&key).is_some_and(Value::is_null);
                    if is_null && !flag(sub, "nullable") {
                        map.remove(&key); // a null for a non-nullable field is dropped
                        continue;
                    }
                    if let Some(v) = map.get_mut(&key) {
                        self.value(sub, v, &here);
                    }
                }
                None if preserve => {}
                None => {
                    map.remove(&key);
                    self.unknown.push(format!("unknown field {here:?}"));
                }
            }
        }
    }

    fn array(&mut self, schema: &Value, items: &mut [Value], path: &str) {
        let count = items.len() as u64;
        if let Some(max) = schema.get("maxItems").and_then(Value::as_u64)
            && count > max
        {
            self.causes.push(Cause {
                field: path.to_string(),
                message: format!("Too many: {count}: must have at most {max} items"),
            });
        }
        if let Some(min) = schema.get("minItems").and_then(Value::as_u64)
            && count < min
        {
            self.invalid(
                path,
                &Value::from(count),
                format!("{path} in body should have at least {min} items"),
            );
        }
        if let Some(item_schema) = schema.get("items").filter(|i| i.is_object()) {
            for (i, item) in items.iter_mut().enumerate() {
                self.value(item_schema, item, &format!("{path}[{i}]"));
            }
        }
    }

    fn string(&mut self, schema: &Value, s: &str, path: &str) {
        let len = s.chars().count() as u64;
        if let Some(max) = schema.get("maxLength").and_then(Value::as_u64)
            && len > max
        {
            self.causes.push(Cause {
                field: path.to_string(),
                message: format!("Too long: may not be longer than {max}"),
            });
        }
        if let Some(min) = schema.get("minLength").and_then(Value::as_u64)
            && len < min
        {
            self.invalid(
                path,
                &Value::String(s.to_string()),
                format!("{path} in body should be at least {min} chars long"),
            );
        }
    }

    fn number(&mut self, schema: &Value, x: f64, shown_value: &Value, path: &str) {
        let bound = |key: &str| schema.get(key).and_then(Value::as_f64);
        let fmt = |b: f64| {
            if b.fract() == 0.0 {
                format!("{}", b as i64)
            } else {
                format!("{b}")
            }
        };
        if let Some(max) = bound("maximum") {
            if flag(schema, "exclusiveMaximum") && x >= max {
                let detail = format!("{path} in body should be less than {}", fmt(max));
                self.invalid(path, shown_value, detail);
            } else if x > max {
                let detail = format!(
                    "{path} in body should be less than or equal to {}",
                    fmt(max)
                );
                self.invalid(path, shown_value, detail);
            }
        }
        if let Some(min) = bound("minimum") {
            if flag(schema, "exclusiveMinimum") && x <= min {
                let detail = format!("{path} in body should be greater than {}", fmt(min));
                self.invalid(path, shown_value, detail);
            } else if x < min {
                let detail = format!(
                    "{path} in body should be greater than or equal to {}",
                    fmt(min)
                );
                self.invalid(path, shown_value, detail);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({"type": "object", "properties": {"spec": {"type": "object", "required": ["color"], "properties": {
            "color": {"type": "string", "enum": ["red", "green"]},
            "size": {"type": "string", "default": "M", "maxLength": 2},
            "replicas": {"type": "integer", "minimum": 1, "maximum": 10},
            "port": {"x-kubernetes-int-or-string": true},
            "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 2},
            "labels": {"type": "object", "additionalProperties": {"type": "string"}},
            "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
        }}}})
    }

    #[test]
    fn a_valid_resource_is_defaulted() {
        let mut obj = json!({"apiVersion": "x/v1", "kind": "K", "metadata": {"name": "a"},
            "spec": {"color": "red", "port": "http", "labels": {"a": "b"}, "extra": {"anything": [1]}}});
        assert_eq!(check(&schema(), &mut obj), Ok(()));
        assert_eq!(obj.pointer("/spec/size"), Some(&json!("M")));
    }

    #[test]
    fn unknown_fields_are_pruned_and_reported() {
        let mut obj = json!({"spec": {"color": "red", "colour": "blue"}, "other": 1});
        assert_eq!(
            check(&schema(), &mut obj),
            Err(SchemaError::Unknown(vec![
                r#"unknown field "other""#.into(),
                r#"unknown field "spec.colour""#.into()
            ]))
        );
        assert_eq!(obj.pointer("/spec/colour"), None);
    }

    #[test]
    fn field_errors_use_kube_openapi_words() {
        let mut obj = json!({"spec": {"color": "pink", "replicas": 15, "tags": ["a", 1, "c"], "size": "XXL"}});
        let Err(SchemaError::Invalid(causes)) = check(&schema(), &mut obj) else {
            panic!("expected field errors");
        };
        let lines: Vec<String> = causes
            .iter()
            .map(|c| format!("{}: {}", c.field, c.message))
            .collect();
        assert_eq!(
            lines,
            [
                r#"spec.color: Unsupported value: "pink": supported values: "red", "green""#,
                "spec.replicas: Invalid value: 15: spec.replicas in body should be less than or equal to 10",
                "spec.size: Too long: may not be longer than 2",
                "spec.tags: Too many: 3: must have at most 2 items",
                r#"spec.tags[1]: Invalid value: 1: spec.tags[1] in body must be of type string: "integer""#,
            ]
        );
        let mut obj = json!({"spec": {}});
        let Err(SchemaError::Invalid(causes)) = check(&schema(), &mut obj) else {
            panic!("expected a required error");
        };
        assert_eq!(
            causes
                .first()
                .map(|c| (c.field.as_str(), c.message.as_str())),
            Some(("spec.color", "Required value"))
        );
    }
}
