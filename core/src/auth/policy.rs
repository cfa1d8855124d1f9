//! The RBAC objects a fresh kind cluster holds: upstream's bootstrap roles and bindings
//! (`cluster-admin`, `admin`/`edit`/`view` with their aggregation labels, `system:basic-user`,
//! `system:discovery`, ...) and kubeadm's (`kubeadm:cluster-admins`, which makes kind's
//! `kubernetes-admin` an administrator). They are data, in `bootstrap_policy.txt` (its header
//! describes the form); [`objects`] turns them into API objects for `bootstrap.rs` to create.

use serde_json::{Map, Value, json};

const DATA: &str = include_str!("bootstrap_policy.txt");
const GROUP: &str = "rbac.authorization.k8s.io";

/// One object to create: its kind's name in `rbac.authorization.k8s.io`, the object, and the
/// field manager that creates it (`kube-apiserver` or `kubeadm`).
pub struct PolicyObject {
    pub kind: &'static str,
    pub object: Value,
    pub manager: &'static str,
}

/// The bootstrap policy's objects, in the order of the data.
pub fn objects() -> Vec<PolicyObject> {
    let mut out: Vec<PolicyObject> = Vec::new();
    let mut manager = "kube-apiserver";
    for line in DATA.lines() {
        let indented = line.starts_with(' ');
        let mut words = line.split_whitespace();
        let Some(first) = words.next().filter(|w| !w.starts_with('#')) else {
            continue;
        };
        let rest: Vec<&str> = words.collect();
        if indented {
            if let Some(current) = out.last_mut() {
                add_detail(&mut current.object, first, &rest);
            }
            continue;
        }
        let (kind, object) = match (first, rest.as_slice()) {
            ("source", [source]) => {
                manager = if *source == "kubeadm" {
                    "kubeadm"
                } else {
                    "kube-apiserver"
                };
                continue;
            }
            ("clusterrole", [name, labels @ ..]) => (
                "ClusterRole",
                json!({"metadata": metadata(name, None, labels, manager)}),
            ),
            ("role", [path]) => {
                let (ns, name) = path.split_once('/').unwrap_or(("default", path));
                (
                    "Role",
                    json!({"metadata": metadata(name, Some(ns), &[], manager)}),
                )
            }
            ("clusterrolebinding", [name, role]) => (
                "ClusterRoleBinding",
                json!({
                    "metadata": metadata(name, None, &[], manager),
                    "roleRef": {"apiGroup": GROUP, "kind": "ClusterRole", "name": role},
                }),
            ),
            ("rolebinding", [path, role]) => {
                let (ns, name) = path.split_once('/').unwrap_or(("default", path));
                let (role_kind, role) = role.split_once('/').unwrap_or(("Role", role));
                (
                    "RoleBinding",
                    json!({
                        "metadata": metadata(name, Some(ns), &[], manager),
                        "roleRef": {"apiGroup": GROUP, "kind": role_kind, "name": role},
                    }),
                )
            }
            _ => continue,
        };
        out.push(PolicyObject {
            kind,
            object,
            manager,
        });
    }
    out
}

/// Metadata with upstream's bootstrap label and auto-update annotation on the API server's
/// own objects (kubeadm's carry neither).
fn metadata(name: &str, namespace: Option<&str>, labels: &[&str], manager: &str) -> Value {
    let mut meta = Map::new();
    meta.insert("name".into(), json!(name));
    if let Some(ns) = namespace {
        meta.insert("namespace".into(), json!(ns));
    }
    let mut label_map = Map::new();
    if manager == "kube-apiserver" {
        label_map.insert("kubernetes.io/bootstrapping".into(), json!("rbac-defaults"));
        meta.insert(
            "annotations".into(),
            json!({"rbac.authorization.kubernetes.io/autoupdate": "true"}),
        );
    }
    for label in labels {
        if let Some((k, v)) = label.split_once('=') {
            label_map.insert(k.into(), json!(v));
        }
    }
    if !label_map.is_empty() {
        meta.insert("labels".into(), Value::Object(label_map));
    }
    Value::Object(meta)
}

/// Adds an indented line's rule, selector or subject to the object above it.
fn add_detail(object: &mut Value, what: &str, words: &[&str]) {
    let list = |w: &str| -> Vec<String> {
        w.split(',')
            .map(|s| if s == "\"\"" { String::new() } else { s.into() })
            .collect()
    };
    let push = |object: &mut Value, key: &str, item: Value| {
        if let Some(items) = object
            .as_object_mut()
            .map(|o| o.entry(key).or_insert_with(|| json!([])))
            .and_then(Value::as_array_mut)
        {
            items.push(item);
        }
    };
    match (what, words) {
        ("rule", [groups, resources, verbs, names @ ..]) => {
            let mut rule = json!({"apiGroups": list(groups), "resources": list(resources), "verbs": list(verbs)});
            if let Some(names) = names.first() {
                rule["resourceNames"] = json!(list(names));
            }
            push(object, "rules", rule);
        }
        ("url", [urls, verbs]) => {
            push(
                object,
                "rules",
                json!({"nonResourceURLs": list(urls), "verbs": list(verbs)}),
            );
        }
        ("aggregate", [label]) => {
            let (k, v) = label.split_once('=').unwrap_or((label, ""));
            let rule = object
                .as_object_mut()
                .map(|o| o.entry("aggregationRule").or_insert_with(|| json!({})));
            if let Some(rule) = rule {
                push(rule, "clusterRoleSelectors", json!({"matchLabels": {k: v}}));
            }
        }
        ("subject", [kind, name]) => {
            let subject = match (*kind, name.split_once('/')) {
                ("ServiceAccount", Some((ns, sa))) => {
                    json!({"kind": "ServiceAccount", "name": sa, "namespace": ns})
                }
                _ => json!({"apiGroup": GROUP, "kind": kind, "name": name}),
            };
            push(object, "subjects", subject);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_object_of_the_data() {
        let objects = objects();
        let named = |kind: &str, name: &str| {
            objects
                .iter()
                .find(|o| o.kind == kind && o.object["metadata"]["name"] == name)
                .map(|o| &o.object)
        };
        let admin = named("ClusterRole", "cluster-admin").unwrap();
        assert_eq!(
            admin["rules"],
            json!([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}, {"nonResourceURLs": ["*"], "verbs": ["*"]}])
        );
        let view = named("ClusterRole", "view").unwrap();
        assert_eq!(
            view["aggregationRule"]["clusterRoleSelectors"][0]["matchLabels"]["rbac.authorization.k8s.io/aggregate-to-view"],
            "true"
        );
        assert_eq!(
            view["metadata"]["labels"]["rbac.authorization.k8s.io/aggregate-to-edit"],
            "true"
        );
        let kubeadm = objects
            .iter()
            .find(|o| o.object["metadata"]["name"] == "kubeadm:cluster-admins")
            .unwrap();
        assert_eq!(kubeadm.manager, "kubeadm");
        assert!(kubeadm.object["metadata"].get("labels").is_none());
        let rb = named("RoleBinding", "kube-proxy").unwrap();
        assert_eq!(rb["metadata"]["namespace"], "kube-system");
        assert_eq!(rb["roleRef"]["kind"], "Role");
        // Every line of the data became part of an object: no unknown words.
        let rules: usize = objects
            .iter()
            .map(|o| o.object["rules"].as_array().map_or(0, Vec::len))
            .sum();
        let rule_lines = DATA
            .lines()
            .filter(|l| l.starts_with("  rule ") || l.starts_with("  url "))
            .count();
        assert_eq!(rules, rule_lines);
    }
}
