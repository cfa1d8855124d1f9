//! Label selectors as objects carry them (`matchLabels` and `matchExpressions`), and their
//! string form as kubectl prints it (`app=web,tier in (a,b)`). [`as_selector`] turns one into
//! the parsed form of [`super::labels`], as upstream's `LabelSelectorAsSelector` does.

use serde_json::{Map, Value};

use super::labels::{Operator, Requirement, Selector};
use super::validation::field::{Path, aggregate_message};

/// `metav1.LabelSelectorAsSelector`: an absent selector selects nothing, an empty one
/// everything; keys and values are checked, so a bad selector is an error.
pub fn as_selector(selector: Option<&Value>) -> Result<Selector, String> {
    let Some(selector) = selector.filter(|s| !s.is_null()) else {
        return Ok(Selector::nothing());
    };
    let mut requirements = Vec::new();
    let checked = |key: &str, op, values| {
        Requirement::new(key, op, values, &Path::none()).map_err(|e| aggregate_message(&e))
    };
    if let Some(ml) = selector.get("matchLabels").and_then(Value::as_object) {
        for (k, v) in ml {
            let value = v.as_str().unwrap_or("").to_string();
            requirements.push(checked(k, Operator::Equals, vec![value])?);
        }
    }
    if let Some(exprs) = selector.get("matchExpressions").and_then(Value::as_array) {
        for e in exprs {
            let key = e.get("key").and_then(Value::as_str).unwrap_or("");
            let values: Vec<String> = e
                .get("values")
                .and_then(Value::as_array)
                .map(|vs| {
                    vs.iter()
                        .map(|v| v.as_str().unwrap_or("").to_string())
                        .collect()
                })
                .unwrap_or_default();
            let op = match e.get("operator").and_then(Value::as_str).unwrap_or("") {
                "In" => Operator::In,
                "NotIn" => Operator::NotIn,
                "Exists" => Operator::Exists,
                "DoesNotExist" => Operator::DoesNotExist,
                other => return Err(format!("{other:?} is not a valid label selector operator")),
            };
            requirements.push(checked(key, op, values)?);
        }
    }
    requirements.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(Selector::from_requirements(requirements))
}

/// Whether a `metav1.LabelSelector` (as JSON) selects an object with `labels`.
///
/// An empty selector selects everything; an absent one (`None`) selects nothing, as upstream's
/// `LabelSelectorAsSelector` treats nil.
pub fn matches(selector: Option<&Value>, labels: Option<&Map<String, Value>>) -> bool {
    let Some(selector) = selector else {
        return false;
    };
    let label = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
    let match_labels_ok = selector
        .get("matchLabels")
        .and_then(Value::as_object)
        .is_none_or(|ml| ml.iter().all(|(k, v)| label(k) == v.as_str()));
    let expressions = selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    match_labels_ok
        && expressions.iter().all(|e| {
            let key = e.get("key").and_then(Value::as_str).unwrap_or("");
            let values: Vec<&str> = e
                .get("values")
                .and_then(Value::as_array)
                .map(|vs| vs.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            match e.get("operator").and_then(Value::as_str).unwrap_or("") {
                "In" => label(key).is_some_and(|v| values.contains(&v)),
                "NotIn" => label(key).is_none_or(|v| !values.contains(&v)),
                "Exists" => label(key).is_some(),
                "DoesNotExist" => label(key).is_none(),
                _ => false,
            }
        })
}

/// Whether a selector has requirements (`matchLabels` entries or `matchExpressions`); one
/// without (`{}`, or absent) is upstream's `selector.Empty()`.
pub fn has_requirements(selector: Option<&Value>) -> bool {
    let count = |key: &str| {
        selector.and_then(|s| s.get(key)).map_or(0, |v| {
            v.as_object().map_or(0, |m| m.len()) + v.as_array().map_or(0, Vec::len)
        })
    };
    count("matchLabels") + count("matchExpressions") > 0
}

/// `metav1.FormatLabelSelector`: `app=web,env in (a,b)`; `<none>` when empty.
pub fn format(selector: Option<&Value>) -> String {
    let Some(selector) = selector else {
        return "<none>".into();
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(ml) = selector.get("matchLabels").and_then(Value::as_object) {
        for (k, v) in ml {
            parts.push(format!("{k}={}", v.as_str().unwrap_or("")));
        }
    }
    if let Some(exprs) = selector.get("matchExpressions").and_then(Value::as_array) {
        for e in exprs {
            let key = e.get("key").and_then(Value::as_str).unwrap_or("");
            let mut values: Vec<&str> = e
                .get("values")
                .and_then(Value::as_array)
                .map(|vs| vs.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            values.sort_unstable();
            let list = values.join(",");
            parts.push(
                match e.get("operator").and_then(Value::as_str).unwrap_or("") {
                    "In" => format!("{key} in ({list})"),
                    "NotIn" => format!("{key} notin ({list})"),
                    "Exists" => key.to_string(),
                    "DoesNotExist" => format!("!{key}"),
                    op => format!("{key} {op} ({list})"),
                },
            );
        }
    }
    if parts.is_empty() {
        "<none>".into()
    } else {
        parts.join(",")
    }
}

/// `labels.FormatLabels`: sorted `k=v` pairs joined by commas; `<none>` when empty.
pub fn format_labels(labels: Option<&Map<String, Value>>) -> String {
    match labels {
        Some(l) if !l.is_empty() => l
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
            .collect::<Vec<_>>()
            .join(","),
        _ => "<none>".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn match_labels_and_expressions() {
        let labels = json!({"app": "web", "tier": "front"});
        let labels = labels.as_object();
        let sel = json!({"matchLabels": {"app": "web"}, "matchExpressions": [
            {"key": "tier", "operator": "In", "values": ["front", "back"]},
            {"key": "canary", "operator": "DoesNotExist"}
        ]});
        assert!(matches(Some(&sel), labels));
        assert!(!matches(
            Some(&json!({"matchLabels": {"app": "db"}})),
            labels
        ));
        assert!(matches(Some(&json!({})), labels));
        assert!(!matches(None, labels));
        assert_eq!(format(Some(&sel)), "app=web,tier in (back,front),!canary");
    }
}
