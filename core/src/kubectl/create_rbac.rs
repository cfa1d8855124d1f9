//! `kubectl create role|clusterrole|rolebinding|clusterrolebinding|serviceaccount`: RBAC
//! objects built on the client, as kubectl v1.35 builds them (one rule per API group, in group
//! order; subjects users, then groups, then service accounts).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::args::{Flag, Parsed, value};
use crate::api::kinds;

pub const ROLE_FLAGS: &[Flag] = &[
    value("verb", None),
    value("resource", None),
    value("resource-name", None),
    value("non-resource-url", None),
    value("aggregation-rule", None),
];

pub const BINDING_FLAGS: &[Flag] = &[
    value("role", None),
    value("clusterrole", None),
    value("user", None),
    value("group", None),
    value("serviceaccount", None),
];

/// `create clusterrolebinding` has no `--role` (a cluster binding cannot name a Role).
pub const CLUSTER_BINDING_FLAGS: &[Flag] = &[
    value("clusterrole", None),
    value("user", None),
    value("group", None),
    value("serviceaccount", None),
];

const STANDARD_VERBS: &[&str] = &[
    "*",
    "get",
    "delete",
    "list",
    "create",
    "update",
    "patch",
    "watch",
    "proxy",
    "deletecollection",
    "use",
    "bind",
    "escalate",
    "impersonate",
];

/// Splits repeated and comma-separated flag values (`--verb=get,list --verb=watch`).
fn listed(parsed: &Parsed, flag: &str) -> Vec<String> {
    parsed
        .all(flag)
        .iter()
        .flat_map(|v| v.split(','))
        .filter(|v| !v.is_empty())
        .map(str::to_string)
        .collect()
}

/// A Role or ClusterRole, and the warnings kubectl prints for non-standard verbs.
pub fn role(cluster: bool, name: &str, parsed: &Parsed) -> Result<(Value, String), String> {
    let verbs = listed(parsed, "verb");
    let resources = listed(parsed, "resource");
    let urls = listed(parsed, "non-resource-url");
    let mut names: Vec<String> = Vec::new();
    for n in listed(parsed, "resource-name") {
        if !names.contains(&n) {
            names.push(n);
        }
    }
    if verbs.is_empty() {
        return Err("error: at least one verb must be specified".into());
    }
    let warnings: String = verbs
        .iter()
        .filter(|v| !STANDARD_VERBS.contains(&v.as_str()))
        .map(|v| format!("Warning: '{v}' is not a standard resource verb\n"))
        .collect();
    if resources.is_empty() && urls.is_empty() {
        return Err(if cluster {
            "error: one of resource or nonResourceURL must be specified"
        } else {
            "error: at least one resource must be specified"
        }
        .into());
    }
    // group -> resources, in the order given; groups come out sorted.
    let mut by_group: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for typed in &resources {
        let (resource, sub) = match typed.split_once('/') {
            Some((r, s)) => (r, Some(s)),
            None => (typed.as_str(), None),
        };
        let (plural, group) = if resource == "*" {
            ("*".to_string(), String::new())
        } else {
            let kind = kinds::resolve(resource).ok_or_else(|| {
                format!("error: the server doesn't have a resource type \"{resource}\"")
            })?;
            (kind.plural.to_string(), kind.group.to_string())
        };
        let full = match sub {
            Some(s) => format!("{plural}/{s}"),
            None => plural,
        };
        let list = by_group.entry(group).or_default();
        if !list.contains(&full) {
            list.push(full);
        }
    }
    let mut rules: Vec<Value> = by_group
        .into_iter()
        .map(|(group, resources)| {
            let mut rule = Map::new();
            rule.insert("apiGroups".into(), json!([group]));
            if !names.is_empty() {
                rule.insert("resourceNames".into(), json!(names));
            }
            rule.insert("resources".into(), json!(resources));
            rule.insert("verbs".into(), json!(verbs));
            Value::Object(rule)
        })
        .collect();
    if !urls.is_empty() {
        rules.push(json!({"nonResourceURLs": urls, "verbs": verbs}));
    }
    let kind = if cluster { "ClusterRole" } else { "Role" };
    Ok((
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": kind,
            "metadata": {"name": name},
            "rules": rules,
        }),
        warnings,
    ))
}

pub fn binding(cluster: bool, name: &str, parsed: &Parsed) -> Result<Value, String> {
    let (ref_kind, ref_name) = match (parsed.get("role"), parsed.get("clusterrole")) {
        (Some(_), Some(_)) => {
            return Err("error: exactly one of clusterrole or role must be specified".into());
        }
        (Some(r), None) => ("Role", r),
        (None, Some(c)) => ("ClusterRole", c),
        (None, None) if cluster => {
            return Err("error: required flag(s) \"clusterrole\" not set".into());
        }
        (None, None) => {
            return Err("error: exactly one of clusterrole or role must be specified".into());
        }
    };
    let mut subjects = Vec::new();
    for user in parsed.all("user") {
        subjects
            .push(json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": user}));
    }
    for group in parsed.all("group") {
        subjects
            .push(json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": group}));
    }
    for sa in parsed.all("serviceaccount") {
        let Some((ns, sa_name)) = sa
            .split_once(':')
            .filter(|(n, s)| !n.is_empty() && !s.is_empty())
        else {
            return Err("error: serviceaccount must be <namespace>:<name>".into());
        };
        subjects.push(json!({"kind": "ServiceAccount", "name": sa_name, "namespace": ns}));
    }
    let mut obj = json!({
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": if cluster { "ClusterRoleBinding" } else { "RoleBinding" },
        "metadata": {"name": name},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": ref_kind, "name": ref_name},
    });
    if !subjects.is_empty() {
        obj["subjects"] = Value::Array(subjects);
    }
    Ok(obj)
}

pub fn serviceaccount(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name}})
}
