//! `kubectl config view`: the kubeconfig as kubectl prints it — YAML with sorted keys, or JSON
//! in the order of client-go's `Config` struct — with certificate and key data shown as
//! `DATA+OMITTED` and tokens and passwords as `REDACTED` unless `--raw`; `--minify` keeps only
//! what the current context uses.

use serde_json::{Map, Value, json};

use super::kubeconfig::{Entries, Kubeconfig};
use crate::kubectl::printers::{jsonpath::Template, yaml};

/// Fields kubectl hides without `--raw`, and how.
fn redacted(field: &str) -> Option<&'static str> {
    match field {
        "certificate-authority-data" | "client-certificate-data" | "client-key-data" => {
            Some("DATA+OMITTED")
        }
        "token" | "password" => Some("REDACTED"),
        _ => None,
    }
}

/// Field order of client-go's `Cluster`, `AuthInfo` and `Context` (what JSON shows).
const CLUSTER_FIELDS: &[&str] = &[
    "server",
    "tls-server-name",
    "insecure-skip-tls-verify",
    "certificate-authority",
    "certificate-authority-data",
    "proxy-url",
    "disable-compression",
];
const USER_FIELDS: &[&str] = &[
    "client-certificate",
    "client-certificate-data",
    "client-key",
    "client-key-data",
    "token",
    "tokenFile",
    "as",
    "as-groups",
    "username",
    "password",
];
const CONTEXT_FIELDS: &[&str] = &["cluster", "user", "namespace"];

/// The configuration to print: everything, or with `minify` what `context` uses.
pub fn document(config: &Kubeconfig, context: &str, minify: bool, raw: bool) -> Value {
    let keep = |entries: &Entries, wanted: &str| -> Vec<(String, Map<String, Value>)> {
        entries
            .iter()
            .filter(|(name, _)| !minify || name.as_str() == wanted)
            .map(|(name, fields)| {
                let shown = fields
                    .iter()
                    .map(|(k, v)| {
                        let v = match redacted(k) {
                            Some(mask) if !raw => json!(mask),
                            _ => v.clone(),
                        };
                        (k.clone(), v)
                    })
                    .collect();
                (name.clone(), shown)
            })
            .collect()
    };
    let named = |key: &str, entries: Vec<(String, Map<String, Value>)>| -> Value {
        Value::Array(
            entries
                .into_iter()
                .map(|(name, fields)| json!({"name": name, key: fields}))
                .collect(),
        )
    };
    let mut doc = Map::new();
    doc.insert("kind".into(), json!("Config"));
    doc.insert("apiVersion".into(), json!("v1"));
    doc.insert(
        "clusters".into(),
        named(
            "cluster",
            keep(&config.clusters, config.context_field(context, "cluster")),
        ),
    );
    doc.insert(
        "users".into(),
        named(
            "user",
            keep(&config.users, config.context_field(context, "user")),
        ),
    );
    doc.insert(
        "contexts".into(),
        named("context", keep(&config.contexts, context)),
    );
    doc.insert("current-context".into(), json!(config.current_context));
    Value::Object(doc)
}

/// YAML (`kubectl config view` without `-o`).
pub fn to_yaml(doc: &Value) -> String {
    let mut doc = doc.clone();
    // An empty list prints as `null`, as client-go's YAML of a nil slice.
    if let Some(map) = doc.as_object_mut() {
        for key in ["clusters", "users", "contexts"] {
            if map
                .get(key)
                .and_then(Value::as_array)
                .is_some_and(Vec::is_empty)
            {
                map.insert(key.into(), Value::Null);
            }
        }
    }
    yaml::to_yaml(&doc)
}

/// JSON as kubectl encodes the `Config` struct: its field order, four-space indentation.
pub fn to_json(doc: &Value) -> String {
    let mut out = String::new();
    out.push_str("{\n");
    let mut parts: Vec<String> = vec![
        "    \"kind\": \"Config\"".to_string(),
        "    \"apiVersion\": \"v1\"".to_string(),
    ];
    for (key, inner, order) in [
        ("clusters", "cluster", CLUSTER_FIELDS),
        ("users", "user", USER_FIELDS),
        ("contexts", "context", CONTEXT_FIELDS),
    ] {
        let items: Vec<String> = doc[key]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|item| {
                let fields: Vec<String> = ordered(&item[inner], order)
                    .into_iter()
                    .map(|(k, v)| format!("                {}: {}", quote(k), v))
                    .collect();
                let body = if fields.is_empty() {
                    "{}".to_string()
                } else {
                    format!("{{\n{}\n            }}", fields.join(",\n"))
                };
                format!(
                    "        {{\n            \"name\": {},\n            {}: {body}\n        }}",
                    item["name"],
                    quote(inner)
                )
            })
            .collect();
        parts.push(if items.is_empty() {
            format!("    {}: null", quote(key))
        } else {
            format!("    {}: [\n{}\n    ]", quote(key), items.join(",\n"))
        });
    }
    parts.push(format!(
        "    \"current-context\": {}",
        doc["current-context"]
    ));
    out.push_str(&parts.join(",\n"));
    out.push_str("\n}\n");
    out
}

/// An entry's fields in struct order, then any others by name.
fn ordered<'a>(fields: &'a Value, order: &[&str]) -> Vec<(&'a str, &'a Value)> {
    let Some(map) = fields.as_object() else {
        return Vec::new();
    };
    let mut out: Vec<(&str, &Value)> = order
        .iter()
        .filter_map(|k| map.get_key_value(*k).map(|(k, v)| (k.as_str(), v)))
        .collect();
    out.extend(
        map.iter()
            .filter(|(k, _)| !order.contains(&k.as_str()))
            .map(|(k, v)| (k.as_str(), v)),
    );
    out
}

fn quote(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

/// `-o jsonpath=...` over the document.
pub fn jsonpath(doc: &Value, template: &str) -> Result<String, String> {
    let t = Template::parse(template)
        .map_err(|e| format!("error: error parsing jsonpath {template}, {e}"))?;
    Ok(t.render(doc))
}
