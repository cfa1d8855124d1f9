//! Template history as ControllerRevisions, as upstream's `controller/history` keeps it for
//! StatefulSets and DaemonSets (and as `kubectl rollout history|undo` reads it).
//!
//! A revision stores the pod template as a patch (`{"spec":{"template":{..., "$patch":"replace"}}}`)
//! and is named `<owner>-<hash>`. A StatefulSet's hash is FNV-1 over the patch's JSON bytes and
//! the collision count (`HashControllerRevision`); a DaemonSet's is the template hash its pods
//! carry. Pods carry the hash of the revision they were made from in their
//! `controller-revision-hash` label.

use serde_json::{Value, json};

use super::{int_at, is_controlled_by, kind};
use crate::api::{meta, selector};
use crate::rng::{fnv1_32, safe_encode};
use crate::store::Store;

/// The label a pod (and a DaemonSet's revision) carries with its revision's hash.
pub const POD_HASH_LABEL: &str = "controller-revision-hash";

/// The revision data of a set: its template, marked to replace the whole template when applied.
pub fn patch(set: &Value) -> Value {
    let mut template = set.pointer("/spec/template").cloned().unwrap_or(json!({}));
    meta::as_object_mut(&mut template).insert("$patch".into(), json!("replace"));
    json!({"spec": {"template": template}})
}

/// The bytes Go's `json.Marshal` writes for the patch: keys sorted (serde_json's maps are
/// sorted too), compact, and `<`, `>`, `&` escaped as Go escapes them.
fn go_json(value: &Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// `HashControllerRevision`: FNV-1 over the data and the collision count, safe-encoded.
pub fn hash(data: &Value, collision_count: i64) -> String {
    let mut bytes = go_json(data).into_bytes();
    bytes.extend_from_slice(collision_count.to_string().as_bytes());
    safe_encode(&fnv1_32(&bytes).to_string())
}

/// `ControllerRevisionName`: the set's name (cut to 223 characters) and the hash.
pub fn name(set_name: &str, hash: &str) -> String {
    let prefix: String = set_name.chars().take(223).collect();
    format!("{prefix}-{hash}")
}

/// A new ControllerRevision object for the owner's current template, named after `hash`,
/// which it also carries in the label `label` next to the template's labels.
pub fn new_revision(set: &Value, number: i64, hash: &str, label: &str) -> Value {
    let data = patch(set);
    let mut labels = set
        .pointer("/spec/template/metadata/labels")
        .cloned()
        .unwrap_or(json!({}));
    meta::as_object_mut(&mut labels).insert(label.into(), json!(hash));
    let mut metadata = json!({
        "name": name(meta::name(set), hash),
        "namespace": meta::namespace(set),
        "labels": labels,
        "ownerReferences": [meta::controller_ref(set)],
    });
    if let Some(annotations) = set.pointer("/metadata/annotations") {
        metadata["annotations"] = annotations.clone();
    }
    json!({
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": metadata,
        "data": data,
        "revision": number,
    })
}

/// The owner's revisions (controlled by it and matching its selector), oldest first — upstream's
/// `SortControllerRevisions`: by revision number, then creation, then name.
pub fn list<'a>(set: &Value, store: &'a Store) -> Vec<&'a Value> {
    let uid = meta::uid(set);
    let sel = set.pointer("/spec/selector");
    let mut revisions: Vec<&Value> = store
        .list(
            kind("apps", "ControllerRevision"),
            Some(meta::namespace(set)),
        )
        .filter(|r| is_controlled_by(r, uid) && selector::matches(sel, meta::labels(r)))
        .collect();
    revisions.sort_by_key(|r| {
        (
            int_at(r, "/revision"),
            meta::str_at(r, "/metadata/creationTimestamp").to_string(),
            meta::name(r).to_string(),
        )
    });
    revisions
}

/// The template a revision records (`ApplyRevision`: the patch replaces the template whole).
pub fn template(revision: &Value) -> Value {
    let mut template = revision
        .pointer("/data/spec/template")
        .cloned()
        .unwrap_or(json!({}));
    if let Some(map) = template.as_object_mut() {
        map.remove("$patch");
    }
    template
}

/// The revision a pod was made from.
pub fn of_pod(pod: &Value) -> &str {
    meta::labels(pod)
        .and_then(|l| l.get(POD_HASH_LABEL))
        .and_then(Value::as_str)
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn revision_names_follow_the_data() {
        let set = json!({"metadata": {"name": "web", "namespace": "default", "uid": "u"},
            "spec": {"template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}}});
        let label = "controller.kubernetes.io/hash";
        let revision =
            |set: &Value, collisions| new_revision(set, 1, &hash(&patch(set), collisions), label);
        let r = revision(&set, 0);
        let name = meta::name(&r).to_string();
        assert!(name.starts_with("web-"), "{name}");
        assert_eq!(
            meta::str_at(&r, "/metadata/labels/controller.kubernetes.io~1hash"),
            name.trim_start_matches("web-")
        );
        assert_eq!(template(&r), set["spec"]["template"]);
        // Another image, another name; another collision count, another name.
        let mut other = set.clone();
        other["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.28");
        assert_ne!(meta::name(&revision(&other, 0)), name);
        assert_ne!(meta::name(&revision(&set, 1)), name);
    }

    #[test]
    fn go_json_escapes_html_characters() {
        assert_eq!(
            go_json(&json!({"b": "<&>", "a": 1})),
            r#"{"a":1,"b":"\u003c\u0026\u003e"}"#
        );
    }
}
