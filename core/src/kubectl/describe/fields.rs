//! Field formats every describer shares, as upstream's helpers print them: multi-line label,
//! annotation, taint and toleration lists, RFC 1123 dates, quantities, selectors,
//! `<none>`/`<unset>` conventions and resource lists.

use serde_json::{Map, Value};

use super::writer::{LEVEL_0, PrefixWriter};
use crate::api::meta;
use crate::api::quantity::Quantity;
use crate::time::Time;

/// Annotations never shown (upstream's `skipAnnotations`).
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
/// Longer annotations are folded onto their own lines and cut (`maxAnnotationLen`).
const MAX_ANNOTATION_LEN: usize = 140;

/// `obj[pointer]` as a JSON object, if it is one.
pub fn object_at<'a>(obj: &'a Value, pointer: &str) -> Option<&'a Map<String, Value>> {
    meta::at(obj, pointer).and_then(Value::as_object)
}

/// `obj[pointer]` as a list (empty when absent).
pub fn list_at<'a>(obj: &'a Value, pointer: &str) -> &'a [Value] {
    meta::at(obj, pointer)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// `obj[pointer]` as a list of strings.
pub fn strings_at<'a>(obj: &'a Value, pointer: &str) -> Vec<&'a str> {
    list_at(obj, pointer)
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

/// `obj[pointer]` as Go's `%v` prints a field: numbers and booleans as themselves, strings
/// verbatim, absent as "".
pub fn text_at(obj: &Value, pointer: &str) -> String {
    match meta::at(obj, pointer) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// An integer field, 0 when absent (a Go zero value).
pub fn int_at(obj: &Value, pointer: &str) -> i64 {
    meta::at(obj, pointer).and_then(Value::as_i64).unwrap_or(0)
}

/// A boolean field, false when absent.
pub fn bool_at(obj: &Value, pointer: &str) -> bool {
    meta::at(obj, pointer)
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// Go's `%v` of a string slice: `[a b c]`.
pub fn go_list(items: &[&str]) -> String {
    format!("[{}]", items.join(" "))
}

/// `stringOrNone`.
pub fn or_none(s: &str) -> String {
    if s.is_empty() {
        "<none>".into()
    } else {
        s.to_string()
    }
}

/// `printBool`: `True`/`False`.
pub fn print_bool(b: bool) -> &'static str {
    if b { "True" } else { "False" }
}

/// `printBoolPtr`: `True`/`False`, `<unset>` when absent.
pub fn print_bool_ptr(v: Option<&Value>) -> &'static str {
    match v.and_then(Value::as_bool) {
        Some(b) => print_bool(b),
        None => "<unset>",
    }
}

/// A quantity as `Quantity.String()` prints it (the canonical form; what cannot be parsed is
/// shown as stored).
pub fn quantity(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return "0".into(),
    };
    Quantity::parse(&text).map_or(text, |q| q.to_string())
}

/// A parsed quantity field (zero when absent or invalid).
pub fn parse_quantity(v: Option<&Value>) -> Quantity {
    let text = match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    Quantity::parse(&text).unwrap_or_else(|_| zero_quantity())
}

/// `resource.Quantity{}`: zero, printed `0`.
pub fn zero_quantity() -> Quantity {
    Quantity::new(0, 0, crate::api::quantity::Format::DecimalSI)
}

/// `a + b` as `Quantity.Add` does: exact, in the format of the first non-zero operand.
pub fn add_quantities(a: &Quantity, b: &Quantity) -> Quantity {
    const NANO: i32 = -9;
    let format = if a.is_zero() { b.format() } else { a.format() };
    Quantity::new(
        a.scaled_value(NANO).saturating_add(b.scaled_value(NANO)),
        NANO,
        format,
    )
}

/// `time.RFC1123Z` in UTC (`Thu, 01 Jan 2026 09:00:00 +0000`), as describe prints times; an
/// absent time is Go's zero time.
pub fn rfc1123z(v: Option<&Value>) -> String {
    match v.and_then(Value::as_str).and_then(Time::parse_rfc3339) {
        Some(t) => format_rfc1123z(t),
        None => "Mon, 01 Jan 0001 00:00:00 +0000".into(),
    }
}

pub fn format_rfc1123z(t: Time) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let stamp = t.rfc3339(); // 2026-01-01T09:00:00Z
    let part = |r: std::ops::Range<usize>| stamp.get(r).unwrap_or("");
    let month = part(5..7).parse::<usize>().unwrap_or(1);
    // 1970-01-01 was a Thursday.
    let days = t.0.div_euclid(86_400_000);
    let weekday = DAYS
        .get(usize::try_from((days + 4).rem_euclid(7)).unwrap_or(0))
        .unwrap_or(&"Thu");
    format!(
        "{weekday}, {} {} {} {} +0000",
        part(8..10),
        MONTHS.get(month.saturating_sub(1)).unwrap_or(&"Jan"),
        part(0..4),
        part(11..19)
    )
}

/// `Name:` and `Namespace:`, the first lines of most descriptions.
pub fn name_and_namespace(w: &mut PrefixWriter, obj: &Value) {
    w.write(LEVEL_0, format!("Name:\t{}\n", meta::name(obj)));
    w.write(LEVEL_0, format!("Namespace:\t{}\n", meta::namespace(obj)));
}

/// `Labels:` and `Annotations:` of an object.
pub fn labels_and_annotations(w: &mut PrefixWriter, obj: &Value) {
    labels_multiline(w, "Labels", object_at(obj, "/metadata/labels"));
    annotations_multiline(w, "Annotations", object_at(obj, "/metadata/annotations"));
}

/// Name, namespace, labels and annotations: the head most describers start with.
pub fn header(w: &mut PrefixWriter, obj: &Value) {
    name_and_namespace(w, obj);
    labels_and_annotations(w, obj);
}

/// A `Conditions:` table: the header and dash lines as given (upstream's dashes do not always
/// match the header widths), then one line per condition; nothing without conditions.
pub fn conditions_table(
    w: &mut PrefixWriter,
    conditions: &[Value],
    header: &str,
    dashes: &str,
    row: impl Fn(&Value) -> String,
) {
    if conditions.is_empty() {
        return;
    }
    w.write(LEVEL_0, "Conditions:\n");
    w.write(super::writer::LEVEL_1, format!("{header}\n"));
    w.write(super::writer::LEVEL_1, format!("{dashes}\n"));
    for c in conditions {
        w.write(super::writer::LEVEL_1, format!("{}\n", row(c)));
    }
}

/// The `Conditions:` table of nodes and claims: type, status, two times (`time_field` with
/// header `time_label`, then the transition), reason and message.
pub fn timed_conditions(
    w: &mut PrefixWriter,
    conditions: &[Value],
    time_label: &str,
    time_field: &str,
) {
    conditions_table(
        w,
        conditions,
        &format!("Type\tStatus\t{time_label}\tLastTransitionTime\tReason\tMessage"),
        "----\t------\t-----------------\t------------------\t------\t-------",
        |c| {
            format!(
                "{} \t{} \t{} \t{} \t{} \t{}",
                meta::str_at(c, "/type"),
                meta::str_at(c, "/status"),
                rfc1123z(c.get(time_field)),
                rfc1123z(c.get("lastTransitionTime")),
                meta::str_at(c, "/reason"),
                meta::str_at(c, "/message")
            )
        },
    );
}

/// `printLabelsMultiline`: `Title:\tk=v`, one pair a line, sorted; `<none>` when empty.
pub fn labels_multiline(w: &mut PrefixWriter, title: &str, labels: Option<&Map<String, Value>>) {
    labels_multiline_indent(w, "", title, "\t", labels);
}

/// `printLabelsMultilineWithIndent`.
pub fn labels_multiline_indent(
    w: &mut PrefixWriter,
    initial: &str,
    title: &str,
    inner: &str,
    labels: Option<&Map<String, Value>>,
) {
    w.write(LEVEL_0, format!("{initial}{title}:{inner}"));
    let Some(labels) = labels.filter(|l| !l.is_empty()) else {
        w.write_line("<none>");
        return;
    };
    for (i, (key, value)) in labels.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, initial);
            w.write(LEVEL_0, inner);
        }
        w.write(LEVEL_0, format!("{key}={}\n", value.as_str().unwrap_or("")));
    }
}

/// `printAnnotationsMultiline`: like labels, but `key: value`, without kubectl's
/// last-applied-configuration, and long or multi-line values folded under their key.
pub fn annotations_multiline(
    w: &mut PrefixWriter,
    title: &str,
    annotations: Option<&Map<String, Value>>,
) {
    w.write(LEVEL_0, format!("{title}:\t"));
    let shown: Vec<(&String, &Value)> = annotations
        .map(|a| a.iter().filter(|(k, _)| *k != LAST_APPLIED).collect())
        .unwrap_or_default();
    if shown.is_empty() {
        w.write_line("<none>");
        return;
    }
    for (i, (key, value)) in shown.into_iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, "\t");
        }
        let value = value.as_str().unwrap_or("");
        let value = value.strip_suffix('\n').unwrap_or(value);
        if value.len() + key.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.write(LEVEL_0, format!("{key}:\n"));
            for line in value.split('\n') {
                w.write(
                    LEVEL_0,
                    format!("\t  {}\n", shorten(line, MAX_ANNOTATION_LEN - 2)),
                );
            }
        } else {
            w.write(LEVEL_0, format!("{key}: {value}\n"));
        }
    }
}

/// Cuts `s` to `max` bytes (at a character boundary) and marks the cut with `...`.
fn shorten(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

/// `printNodeTaintsMultiline`: taints sorted by effect then key, as `key=value:Effect`.
pub fn taints_multiline(w: &mut PrefixWriter, title: &str, taints: &[Value]) {
    w.write(LEVEL_0, format!("{title}:\t"));
    if taints.is_empty() {
        w.write_line("<none>");
        return;
    }
    let mut sorted: Vec<&Value> = taints.iter().collect();
    sorted.sort_by_key(|t| format!("{},{}", meta::str_at(t, "/effect"), meta::str_at(t, "/key")));
    for (i, taint) in sorted.into_iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, "\t");
        }
        w.write(LEVEL_0, format!("{}\n", taint_string(taint)));
    }
}

/// `Taint.ToString`: `key=value:Effect`, or `key:Effect` without a value.
pub fn taint_string(taint: &Value) -> String {
    let key = meta::str_at(taint, "/key");
    let effect = meta::str_at(taint, "/effect");
    match meta::str_at(taint, "/value") {
        "" => format!("{key}:{effect}"),
        value => format!("{key}={value}:{effect}"),
    }
}

/// `printPodTolerationsMultiline`: sorted by key, `key=value:Effect op=Exists for 300s`.
pub fn tolerations_multiline(w: &mut PrefixWriter, title: &str, tolerations: &[Value]) {
    w.write(LEVEL_0, format!("{title}:\t"));
    if tolerations.is_empty() {
        w.write_line("<none>");
        return;
    }
    let mut sorted: Vec<&Value> = tolerations.iter().collect();
    sorted.sort_by_key(|t| meta::str_at(t, "/key"));
    for (i, t) in sorted.into_iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, "\t");
        }
        let key = meta::str_at(t, "/key");
        let value = meta::str_at(t, "/value");
        let effect = meta::str_at(t, "/effect");
        let mut line = key.to_string();
        if !value.is_empty() {
            line.push_str(&format!("={value}"));
        }
        if !effect.is_empty() {
            line.push_str(&format!(":{effect}"));
        }
        // An empty key with operator Exists tolerates everything.
        if meta::str_at(t, "/operator") == "Exists" && value.is_empty() {
            if key.is_empty() && effect.is_empty() {
                line.push_str("op=Exists");
            } else {
                line.push_str(" op=Exists");
            }
        }
        if let Some(secs) = meta::at(t, "/tolerationSeconds").and_then(Value::as_i64) {
            line.push_str(&format!(" for {secs}s"));
        }
        w.write(LEVEL_0, format!("{line}\n"));
    }
}

/// `printPodsMultiline`: names sorted, one a line.
pub fn pods_multiline(w: &mut PrefixWriter, title: &str, pods: &[&Value]) {
    w.write(LEVEL_0, format!("{title}:\t"));
    if pods.is_empty() {
        w.write_line("<none>");
        return;
    }
    let mut names: Vec<&str> = pods.iter().map(|p| meta::name(p)).collect();
    names.sort_unstable();
    for (i, name) in names.into_iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, "\t");
        }
        w.write(LEVEL_0, format!("{name}\n"));
    }
}

/// `printController`: `Kind/name` of the controller owner, if any.
pub fn controlled_by(obj: &Value) -> Option<String> {
    meta::controller_of(obj)
        .map(|r| format!("{}/{}", meta::str_at(r, "/kind"), meta::str_at(r, "/name")))
}

/// A label selector as `LabelSelectorAsSelector(...).String()` prints it: requirements sorted
/// by key, `k=v`, `k in (a,b)`, `k notin (a,b)`, `k`, `!k`; "" for an empty or absent one.
pub fn selector_string(selector: Option<&Value>) -> String {
    let Some(selector) = selector else {
        return String::new();
    };
    let mut requirements: Vec<(String, String)> = Vec::new();
    if let Some(labels) = selector.get("matchLabels").and_then(Value::as_object) {
        for (k, v) in labels {
            requirements.push((k.clone(), format!("{k}={}", v.as_str().unwrap_or(""))));
        }
    }
    for e in list_at(selector, "/matchExpressions") {
        let key = meta::str_at(e, "/key");
        let mut values = strings_at(e, "/values");
        values.sort_unstable();
        values.dedup();
        let list = values.join(",");
        let text = match meta::str_at(e, "/operator") {
            "In" => format!("{key} in ({list})"),
            "NotIn" => format!("{key} notin ({list})"),
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            op => format!("{key} {op} ({list})"),
        };
        requirements.push((key.to_string(), text));
    }
    requirements.sort_by(|a, b| a.0.cmp(&b.0));
    requirements
        .into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join(",")
}

/// `metav1.FormatLabelSelector`: the selector's string, `<none>` when it is empty.
pub fn format_label_selector(selector: Option<&Value>) -> String {
    match selector_string(selector) {
        s if s.is_empty() => "<none>".into(),
        s => s,
    }
}

/// `describeResources`: `Limits:` and `Requests:` with one sorted `name:\tquantity` a line.
pub fn resources(w: &mut PrefixWriter, resources: Option<&Value>, level: usize) {
    let Some(resources) = resources else { return };
    for (section, title) in [("limits", "Limits:\n"), ("requests", "Requests:\n")] {
        let Some(list) = resources.get(section).and_then(Value::as_object) else {
            continue;
        };
        if list.is_empty() {
            continue;
        }
        w.write(level, title);
        for (name, q) in list {
            w.write(level + 1, format!("{name}:\t{}\n", quantity(q)));
        }
    }
}

/// Access modes as `RWO,ROX,RWX,RWOP` (always in that order).
pub fn access_modes(modes: &[&str]) -> String {
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(mode, _)| modes.contains(mode))
    .map(|(_, short)| *short)
    .collect::<Vec<_>>()
    .join(",")
}

/// An int-or-string field (`maxSurge`, `targetPort`) as `IntOrString.String()`.
pub fn int_or_string(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => "0".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rfc1123z_dates() {
        assert_eq!(
            rfc1123z(Some(&json!("2026-01-01T09:00:00Z"))),
            "Thu, 01 Jan 2026 09:00:00 +0000"
        );
        assert_eq!(
            rfc1123z(Some(&json!("2024-02-29T23:59:59Z"))),
            "Thu, 29 Feb 2024 23:59:59 +0000"
        );
        assert_eq!(rfc1123z(None), "Mon, 01 Jan 0001 00:00:00 +0000");
    }

    #[test]
    fn tolerations_as_upstream_writes_them() {
        let tolerations = json!([
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            {"operator": "Exists"},
            {"key": "gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"},
        ]);
        let mut w = PrefixWriter::new();
        tolerations_multiline(
            &mut w,
            "Tolerations",
            tolerations
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default(),
        );
        assert_eq!(
            w.finish(),
            concat!(
                "Tolerations:  op=Exists\n",
                "              gpu=true:NoSchedule\n",
                "              node.kubernetes.io/not-ready:NoExecute op=Exists for 300s\n",
                "              node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n",
            )
        );
    }

    #[test]
    fn long_annotations_are_folded() {
        let long = "x".repeat(150);
        let annotations = json!({"a": "short", "b": long, "kubectl.kubernetes.io/last-applied-configuration": "{}"});
        let mut w = PrefixWriter::new();
        annotations_multiline(&mut w, "Annotations", annotations.as_object());
        let out = w.finish();
        assert!(
            out.starts_with("Annotations:  a: short\n              b:\n                "),
            "{out}"
        );
        assert!(out.ends_with(&format!("{}...\n", "x".repeat(138))), "{out}");
        assert!(!out.contains("last-applied"));
    }

    #[test]
    fn selectors_sort_requirements_by_key() {
        let sel = json!({"matchLabels": {"tier": "web"}, "matchExpressions": [
            {"key": "app", "operator": "In", "values": ["b", "a"]},
            {"key": "zone", "operator": "DoesNotExist"}]});
        assert_eq!(selector_string(Some(&sel)), "app in (a,b),tier=web,!zone");
        assert_eq!(selector_string(None), "");
    }

    #[test]
    fn quantities_print_canonically_and_add_exactly() {
        assert_eq!(quantity(&json!("0.5")), "500m");
        assert_eq!(quantity(&json!("128Mi")), "128Mi");
        let sum = add_quantities(
            &parse_quantity(Some(&json!("100m"))),
            &parse_quantity(Some(&json!("0.25"))),
        );
        assert_eq!(sum.to_string(), "350m");
        let sum = add_quantities(&zero_quantity(), &parse_quantity(Some(&json!("64Mi"))));
        assert_eq!(sum.to_string(), "64Mi");
    }
}
