//! The describer for kinds without one of their own (Leases, Events, custom resources, ...):
//! upstream's `genericDescriber`, which prints the object's fields as nested `Key: value`
//! lines with field names turned into words (`holderIdentity` → `Holder Identity`).

use serde_json::{Map, Value};

use super::Ctx;
use super::fields::header;
use super::writer::{LEVEL_0, PrefixWriter};

/// Fields the header already shows, or never shown.
const SKIP: &[&str] = &[
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
];

pub fn describe(ctx: &Ctx<'_>, obj: &Value) -> String {
    let mut w = PrefixWriter::new();
    header(&mut w, obj);
    if let Some(content) = obj.as_object() {
        content_lines(&mut w, LEVEL_0, content, "");
    }
    ctx.events_section(obj, &mut w);
    w.finish()
}

/// `printUnstructuredContent`: fields sorted by name; maps and lists open a nested level.
fn content_lines(w: &mut PrefixWriter, level: usize, content: &Map<String, Value>, path: &str) {
    for (field, value) in content {
        let here = format!("{path}.{field}");
        if SKIP.contains(&here.as_str()) {
            continue;
        }
        let label = smart_label(field);
        match value {
            Value::Object(map) => {
                w.write(level, format!("{label}:\n"));
                content_lines(w, level + 1, map, &here);
            }
            Value::Array(items) => {
                w.write(level, format!("{label}:\n"));
                for item in items {
                    match item {
                        Value::Object(map) => content_lines(w, level + 1, map, &here),
                        other => w.write(level + 1, format!("{}\n", go_value(other))),
                    }
                }
            }
            other => w.write(level, format!("{label}:\t{}\n", go_value(other))),
        }
    }
}

/// Go's `%v` of a decoded JSON scalar.
fn go_value(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `smartLabelFor` (kubectl v1.35): camel-case words split and title-cased, well-known
/// acronyms upper-cased; names with anything but letters and `-` are kept as they are.
pub fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    const ACRONYMS: &[&str] = &["API", "URL", "UID", "OSB", "GUID"];
    camel_case_split(field)
        .into_iter()
        .filter(|part| part != "_")
        .map(|part| {
            let upper = part.to_uppercase();
            if ACRONYMS.contains(&upper.as_str()) {
                upper
            } else {
                title_case(&part)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `cases.Title`: the first letter upper-case, the rest lower-case.
fn title_case(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

/// `camelcase.Split`: runs of lower-case, upper-case, digits and other characters, with the
/// last capital of an upper-case run moved to a following lower-case run (`HTTPServer` →
/// `HTTP`, `Server`).
fn camel_case_split(s: &str) -> Vec<String> {
    let class = |c: char| {
        if c.is_lowercase() {
            1
        } else if c.is_uppercase() {
            2
        } else if c.is_numeric() {
            3
        } else {
            4
        }
    };
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last = 0;
    for c in s.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some(run) if k == last => run.push(c),
            _ => runs.push(vec![c]),
        }
        last = k;
    }
    for i in 0..runs.len().saturating_sub(1) {
        let upper_then_lower = runs[i].first().is_some_and(|c| c.is_uppercase())
            && runs[i + 1].first().is_some_and(|c| c.is_lowercase());
        if upper_then_lower && let Some(moved) = runs[i].pop() {
            runs[i + 1].insert(0, moved);
        }
    }
    runs.into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.into_iter().collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn smart_labels_as_kubectl_makes_them() {
        for (field, label) in [
            ("apiVersion", "API Version"),
            ("holderIdentity", "Holder Identity"),
            ("leaseDurationSeconds", "Lease Duration Seconds"),
            ("uid", "UID"),
            ("podIPs", "Pod I Ps"),
            ("hostIP", "Host Ip"),
            ("HTTPServer", "Http Server"),
            ("x-y", "X - Y"),
            ("kubernetes.io/name", "kubernetes.io/name"),
            ("v1", "v1"),
        ] {
            assert_eq!(smart_label(field), label, "{field}");
        }
    }

    #[test]
    fn a_lease_described_field_by_field() {
        let store = crate::store::Store::new(1);
        let ctx = Ctx::new(&store, false);
        let lease = json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": "n1", "namespace": "kube-node-lease", "uid": "u-1",
                "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": "n1", "uid": "u-0"}]},
            "spec": {"holderIdentity": "n1", "leaseDurationSeconds": 40, "renewTime": "2026-01-01T09:00:00.000000Z"}});
        assert_eq!(
            describe(&ctx, &lease),
            concat!(
                "Name:         n1\n",
                "Namespace:    kube-node-lease\n",
                "Labels:       <none>\n",
                "Annotations:  <none>\n",
                "API Version:  coordination.k8s.io/v1\n",
                "Kind:         Lease\n",
                "Metadata:\n",
                "  Owner References:\n",
                "    API Version:  v1\n",
                "    Kind:         Node\n",
                "    Name:         n1\n",
                "    UID:          u-0\n",
                "  UID:            u-1\n",
                "Spec:\n",
                "  Holder Identity:         n1\n",
                "  Lease Duration Seconds:  40\n",
                "  Renew Time:              2026-01-01T09:00:00.000000Z\n",
            )
        );
    }
}
