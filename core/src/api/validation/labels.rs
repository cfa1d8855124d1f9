//! Label keys and values (`IsQualifiedName`/`IsLabelKey`, `IsValidLabelValue`), and the
//! checks built on them: `ValidateLabels`, `ValidateAnnotations` (with the 256 KiB total) and
//! `ValidateLabelSelector` for the object form of selectors.
//!
//! These come from apimachinery's newer `validate/content` package, which counts lengths in
//! bytes (`must be no more than 63 bytes`), unlike the DNS name checks in [`super::names`].

use serde_json::{Map, Value};

use super::field::{BadValue, ErrorList, FieldError, Path};
use super::names::{EMPTY_ERROR, dns1123_subdomain_errors, regex_error};

const LABEL_KEY_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const LABEL_KEY_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
pub const LABEL_MAX: usize = 63;
/// `TotalAnnotationSizeLimitB`: keys and values of all annotations together.
pub const TOTAL_ANNOTATION_SIZE: usize = 256 * 1024;

/// `MaxLenError` of the `content` package.
fn max_len_bytes(n: usize) -> String {
    format!("must be no more than {n} bytes")
}

/// Whether `s` matches `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`.
fn matches_name_part(s: &str) -> bool {
    let b = s.as_bytes();
    match (b.first(), b.last()) {
        (Some(f), Some(l)) => {
            f.is_ascii_alphanumeric()
                && l.is_ascii_alphanumeric()
                && b.iter()
                    .all(|c| c.is_ascii_alphanumeric() || b"-_.".contains(c))
        }
        _ => false,
    }
}

fn name_part_regex_error() -> String {
    regex_error(
        LABEL_KEY_MSG,
        LABEL_KEY_FMT,
        &["MyName", "my.name", "123-abc"],
    )
}

/// `IsLabelKey` (also `IsQualifiedName`): an optional DNS subdomain prefix and `/`, then a name
/// of at most 63 alphanumerics, `-`, `_` or `.`.
pub fn is_label_key(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push(format!("prefix part {EMPTY_ERROR}"));
            } else {
                errs.extend(
                    dns1123_subdomain_errors(prefix, max_len_bytes)
                        .into_iter()
                        .map(|m| format!("prefix part {m}")),
                );
            }
            *name
        }
        _ => {
            return vec![format!(
                "a valid label key {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                name_part_regex_error()
            )];
        }
    };
    if name.is_empty() {
        errs.push(format!("name part {EMPTY_ERROR}"));
    } else if name.len() > LABEL_MAX {
        errs.push(format!("name part {}", max_len_bytes(LABEL_MAX)));
    }
    if !matches_name_part(name) {
        errs.push(format!("name part {}", name_part_regex_error()));
    }
    errs
}

/// `IsValidLabelValue`: empty, or like a key's name part.
pub fn is_label_value(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > LABEL_MAX {
        errs.push(max_len_bytes(LABEL_MAX));
    }
    if !value.is_empty() && !matches_name_part(value) {
        errs.push(regex_error(
            LABEL_VALUE_MSG,
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// `ValidateLabelName`.
pub fn validate_label_name(name: &str, path: &Path) -> ErrorList {
    super::names::invalid_each(path, name, is_label_key(name))
}

/// `ValidateLabels`: every key and value of a `map[string]string`, all reported at `path`.
pub fn validate_labels(labels: Option<&Value>, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    for (k, v) in string_map(labels) {
        errs.extend(validate_label_name(k, path));
        errs.extend(super::names::invalid_each(path, v, is_label_value(v)));
    }
    errs
}

/// `ValidateAnnotations`: keys are checked lower-cased; the total size is limited.
pub fn validate_annotations(annotations: Option<&Value>, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let mut total = 0;
    for (k, v) in string_map(annotations) {
        for msg in is_label_key(&k.to_lowercase()) {
            errs.push(FieldError::invalid(path, k.into(), &msg));
        }
        total += k.len() + v.len();
    }
    if total > TOTAL_ANNOTATION_SIZE {
        errs.push(FieldError::too_long(path, TOTAL_ANNOTATION_SIZE));
    }
    errs
}

/// A JSON object of strings as (key, value) pairs, sorted by key; non-strings read as "".
pub fn string_map(v: Option<&Value>) -> Vec<(&str, &str)> {
    v.and_then(Value::as_object)
        .map(|m: &Map<String, Value>| {
            m.iter()
                .map(|(k, v)| (k.as_str(), v.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default()
}

/// `ValidateLabelSelector` for a `metav1.LabelSelector` as JSON.
pub fn validate_label_selector(selector: Option<&Value>, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let Some(selector) = selector else {
        return errs;
    };
    errs.extend(validate_labels(
        selector.get("matchLabels"),
        &path.child("matchLabels"),
    ));
    let exprs = selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for (i, expr) in exprs.iter().enumerate() {
        let p = path.child("matchExpressions").index(i);
        let values: Vec<&str> = expr
            .get("values")
            .and_then(Value::as_array)
            .map(|vs| vs.iter().map(|v| v.as_str().unwrap_or("")).collect())
            .unwrap_or_default();
        let operator = expr.get("operator").and_then(Value::as_str).unwrap_or("");
        match operator {
            "In" | "NotIn" if values.is_empty() => errs.push(FieldError::required(
                &p.child("values"),
                "must be specified when `operator` is 'In' or 'NotIn'",
            )),
            "Exists" | "DoesNotExist" if !values.is_empty() => errs.push(FieldError::forbidden(
                &p.child("values"),
                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
            )),
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            other => errs.push(FieldError::invalid(
                &p.child("operator"),
                BadValue::named(other),
                "not a valid selector operator",
            )),
        }
        let key = expr.get("key").and_then(Value::as_str).unwrap_or("");
        errs.extend(validate_label_name(key, &p.child("key")));
        for (j, v) in values.iter().enumerate() {
            errs.extend(super::names::invalid_each(
                &p.child("values").index(j),
                v,
                is_label_value(v),
            ));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_values() {
        assert!(is_label_key("example.com/Uppercase_Is_OK_123").is_empty());
        assert_eq!(
            is_label_key("only/one/slash")[0],
            "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        );
        assert_eq!(is_label_key("/a"), vec!["prefix part must be non-empty"]);
        assert_eq!(
            is_label_value(&"a".repeat(64)),
            vec!["must be no more than 63 bytes"]
        );
        assert!(is_label_value("").is_empty());
    }
}
