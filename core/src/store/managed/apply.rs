//! Server-side apply (structured-merge-diff's `Updater.Apply`): the applied configuration is
//! merged into the live object, the applier owns exactly the fields it applied, fields it
//! applied before and dropped now are removed unless someone else owns them, and changing a
//! field that another manager owns is a conflict unless forced.
//!
//! The `kubectl` manager gets upstream's bridge from client-side apply: fields recorded in the
//! `last-applied-configuration` annotation with unchanged values do not conflict, and the
//! annotation is kept in step with what is applied.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::fieldset::{self, FieldSet};
use super::{Diff, Entry, Operation, STRIPPED_META, compare_root, decode, encode, item_key};
use crate::api::{Kind, Status, meta};
use crate::store::has_status;
use crate::store::patch::schema::{ListType, Meta, Schema};

pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Applies `config` over `live` (`None` when the object does not exist yet) for `manager`.
/// Returns the new object with its managed fields, or the conflict error.
pub fn apply(
    kind: &Kind,
    live: Option<&Value>,
    config: &Value,
    manager: &str,
    force: bool,
    time: &str,
) -> Result<Value, Status> {
    let empty = Value::Object(Map::new());
    let live_obj = live.unwrap_or(&empty);
    let mut entries = decode(live_obj);
    let mut live_clean = live_obj.clone();
    if let Some(m) = live_clean
        .get_mut("metadata")
        .and_then(Value::as_object_mut)
    {
        m.remove("managedFields");
    }
    let schema = Schema::for_kind(kind);
    let applied = to_field_set(kind, config);
    let mine = |e: &Entry| {
        e.manager == manager && e.operation == Operation::Apply && e.subresource.is_empty()
    };
    let last = entries
        .iter()
        .find(|e| mine(e))
        .map(|e| e.fields.clone())
        .unwrap_or_default();

    let mut merged = merge(Some(&live_clean), config, Meta::granular(), schema);
    let mut keep = applied.clone();
    for e in entries.iter().filter(|e| !mine(e)) {
        keep.union_with(e.fields.clone());
    }
    let mut dropped = last;
    dropped.subtract(&applied);
    prune(&mut merged, &dropped, &keep, Meta::granular(), schema);
    if live.is_some() {
        for key in ["apiVersion", "kind"] {
            if let Some(v) = live_clean.get(key) {
                merged[key] = v.clone();
            }
        }
    }

    let mut diff = Diff::default();
    compare_root(kind, live.map(|_| &live_clean), &merged, "", &mut diff);
    let conflicts: Vec<(String, String)> = entries
        .iter()
        .filter(|e| !mine(e))
        .flat_map(|e| {
            let owner = e.describe();
            e.fields
                .intersection(&diff.changed)
                .paths()
                .into_iter()
                .map(move |p| (owner.clone(), fieldset::path_string(&p)))
        })
        .collect();
    let force =
        force || (manager == "kubectl" && allowed_by_last_applied(kind, &live_clean, &conflicts));
    if !conflicts.is_empty() && !force {
        return Err(Status::apply_conflict(conflict_message(&conflicts)));
    }
    for e in entries.iter_mut().filter(|e| !mine(e)) {
        e.fields.subtract(&diff.changed);
        e.fields.remove_subtrees(&diff.removed);
    }
    let changed = merged != live_clean;
    match entries.iter_mut().find(|e| mine(e)) {
        Some(e) => {
            e.fields = applied;
            if changed {
                e.time = time.to_string();
            }
        }
        None => entries.push(Entry {
            manager: manager.to_string(),
            operation: Operation::Apply,
            api_version: kind.api_version(),
            time: time.to_string(),
            subresource: String::new(),
            fields: applied,
        }),
    }
    if manager == "kubectl" && has_last_applied(&live_clean) {
        let mut last_applied = config.clone();
        if let Some(a) = last_applied
            .get_mut("metadata")
            .and_then(|m| m.get_mut("annotations"))
            .and_then(Value::as_object_mut)
        {
            a.remove(LAST_APPLIED);
        }
        let text = serde_json::to_string(&last_applied).unwrap_or_default();
        if let Some(a) = merged
            .get_mut("metadata")
            .and_then(|m| m.get_mut("annotations"))
            .and_then(Value::as_object_mut)
        {
            a.insert(LAST_APPLIED.into(), Value::String(text));
        }
    }
    encode(&mut merged, entries);
    Ok(merged)
}

fn has_last_applied(obj: &Value) -> bool {
    meta::at(obj, "/metadata/annotations")
        .and_then(|a| a.get(LAST_APPLIED))
        .is_some()
}

/// `lastAppliedManager`: conflicts only on fields that the client-side apply annotation
/// recorded with the values the object still has are not conflicts.
fn allowed_by_last_applied(kind: &Kind, live: &Value, conflicts: &[(String, String)]) -> bool {
    let Some(text) = meta::at(live, "/metadata/annotations")
        .and_then(|a| a.get(LAST_APPLIED))
        .and_then(Value::as_str)
    else {
        return false;
    };
    let Ok(last) = serde_json::from_str::<Value>(text) else {
        return false;
    };
    let mut allowed = to_field_set(kind, &last);
    let mut diff = Diff::default();
    compare_root(kind, Some(&last), live, "", &mut diff);
    allowed.subtract(&diff.changed);
    allowed.remove_subtrees(&diff.removed);
    let allowed: Vec<String> = allowed
        .paths()
        .iter()
        .map(|p| fieldset::path_string(p))
        .collect();
    conflicts.iter().all(|(_, path)| allowed.contains(path))
}

/// `getConflictMessage`.
fn conflict_message(conflicts: &[(String, String)]) -> String {
    if let [(owner, path)] = conflicts {
        return format!("Apply failed with 1 conflict: conflict with {owner}: {path}");
    }
    let mut by_owner: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (owner, path) in conflicts {
        by_owner.entry(owner).or_default().push(path);
    }
    let mut lines = Vec::new();
    for (owner, paths) in by_owner {
        lines.push(format!("conflicts with {owner}:"));
        lines.extend(paths.iter().map(|p| format!("- {p}")));
    }
    format!(
        "Apply failed with {} conflicts: {}",
        conflicts.len(),
        lines.join("\n")
    )
}

/// The fields an applied configuration sets (`TypedValue.ToFieldSet`), without what no one
/// can own (identity metadata, and status for kinds with a status subresource).
pub fn to_field_set(kind: &Kind, config: &Value) -> FieldSet {
    let schema = Schema::for_kind(kind);
    let mut set = FieldSet::default();
    let Some(map) = config.as_object() else {
        return set;
    };
    for (key, value) in map {
        match key.as_str() {
            "apiVersion" | "kind" => continue,
            "status" if has_status(kind) => continue,
            "metadata" => {
                let meta_schema = Schema::object_meta();
                let mut node = FieldSet::default();
                for (k, v) in value.as_object().into_iter().flatten() {
                    if STRIPPED_META.contains(&k.as_str()) {
                        continue;
                    }
                    node.put(
                        fieldset::field(k),
                        value_set(v, meta_schema.field(k), meta_schema.child(k)),
                    );
                }
                set.put(fieldset::field(key), node);
            }
            _ => set.put(
                fieldset::field(key),
                value_set(value, schema.field(key), schema.child(key)),
            ),
        }
    }
    set
}

fn value_set(value: &Value, meta: Meta, schema: Schema) -> FieldSet {
    let mut node = FieldSet::default();
    match value {
        Value::Object(map) if !meta.atomic => {
            if map.is_empty() {
                node.member = true;
            }
            for (k, v) in map {
                node.put(
                    fieldset::field(k),
                    value_set(v, schema.field(k), schema.child(k)),
                );
            }
        }
        Value::Array(list) => match meta.list {
            ListType::Map(keys) => {
                for item in list {
                    let mut child = value_set(item, Meta::granular(), schema);
                    child.member = true;
                    node.put(item_key(item, keys), child);
                }
            }
            ListType::Set => {
                for item in list {
                    node.child(fieldset::value(item)).member = true;
                }
            }
            ListType::Atomic => node.member = true,
        },
        _ => node.member = true,
    }
    node
}

/// The live object with the configuration merged in (structured-merge-diff's merge): scalars
/// and atomic values are replaced, maps merge by key, keyed lists merge by item with shared
/// items in the configuration's order and live-only items where they were.
fn merge(live: Option<&Value>, config: &Value, meta: Meta, schema: Schema) -> Value {
    match (live, config) {
        (Some(Value::Object(l)), Value::Object(c)) if !meta.atomic => {
            let mut out = l.clone();
            for (k, v) in c {
                if v.is_null() {
                    out.remove(k);
                    continue;
                }
                let merged = merge(l.get(k), v, schema.field(k), schema.child(k));
                out.insert(k.clone(), merged);
            }
            Value::Object(out)
        }
        (Some(Value::Array(l)), Value::Array(c)) => match meta.list {
            ListType::Map(keys) => merge_list(l, c, |v| item_key(v, keys), schema),
            ListType::Set => merge_list(l, c, |v| v.to_string(), schema),
            ListType::Atomic => config.clone(),
        },
        _ => config.clone(),
    }
}

fn merge_list(
    live: &[Value],
    config: &[Value],
    key: impl Fn(&Value) -> String,
    schema: Schema,
) -> Value {
    let live_keys: Vec<String> = live.iter().map(&key).collect();
    let config_keys: Vec<String> = config.iter().map(&key).collect();
    let mut shared = config_keys
        .iter()
        .filter(|k| live_keys.contains(k))
        .peekable();
    let mut out = Vec::with_capacity(live.len() + config.len());
    let mut done: Vec<&String> = Vec::new();
    let (mut li, mut ci) = (0, 0);
    let merge_item = |k: &String, c: &Value| {
        let l = live_keys
            .iter()
            .position(|x| x == k)
            .and_then(|i| live.get(i));
        merge(l, c, Meta::granular(), schema)
    };
    while li < live.len() || ci < config.len() {
        if let (Some(lk), Some(ck)) = (live_keys.get(li), config_keys.get(ci)) {
            if lk == ck {
                if let Some(c) = config.get(ci) {
                    out.push(merge_item(ck, c));
                }
                done.push(ck);
                li += 1;
                ci += 1;
                if shared.peek() == Some(&ck) {
                    shared.next();
                }
                continue;
            }
            if config_keys.contains(lk) && shared.peek().is_some_and(|n| *n != lk) {
                li += 1;
                continue;
            }
        }
        if let Some(lk) = live_keys.get(li) {
            if !config_keys.contains(lk) {
                if let Some(l) = live.get(li) {
                    out.push(l.clone());
                }
                li += 1;
                continue;
            }
            if done.contains(&lk) {
                li += 1;
                continue;
            }
        }
        if let (Some(ck), Some(c)) = (config_keys.get(ci), config.get(ci)) {
            out.push(merge_item(ck, c));
            done.push(ck);
            if shared.peek() == Some(&ck) {
                shared.next();
            }
            ci += 1;
        } else {
            li += 1;
        }
    }
    Value::Array(out)
}

/// Removes from `value` the paths of `dropped` (applied before, not now) that no one keeps.
fn prune(value: &mut Value, dropped: &FieldSet, keep: &FieldSet, meta: Meta, schema: Schema) {
    let empty = FieldSet::default();
    for (element, node) in &dropped.children {
        let kept = keep.children.get(element).unwrap_or(&empty);
        let gone = node.member && !kept.has_members();
        match value {
            Value::Object(map) => {
                let Some(name) = element.strip_prefix("f:") else {
                    continue;
                };
                if gone {
                    map.remove(name);
                } else if let Some(child) = map.get_mut(name) {
                    prune(child, node, kept, schema.field(name), schema.child(name));
                }
            }
            Value::Array(list) => {
                let key_of = |v: &Value| match meta.list {
                    ListType::Map(keys) => item_key(v, keys),
                    _ => fieldset::value(v),
                };
                if gone {
                    list.retain(|v| &key_of(v) != element);
                } else if let Some(item) = list.iter_mut().find(|v| &key_of(v) == element) {
                    prune(item, node, kept, Meta::granular(), schema);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::kinds;
    use serde_json::json;

    fn deploy() -> &'static Kind {
        kinds::by_kind("apps", "Deployment").unwrap()
    }

    fn config(replicas: i64, image: &str) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
               "spec": {"replicas": replicas, "template": {"spec": {"containers": [{"name": "web", "image": image}]}}}})
    }

    #[test]
    fn apply_owns_the_applied_fields_and_conflicts_with_other_owners() {
        let first = apply(deploy(), None, &config(2, "nginx"), "alice", false, "t1").unwrap();
        assert_eq!(first["spec"]["replicas"], 2);
        let entries = decode(&first);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].operation, Operation::Apply);
        let err = apply(
            deploy(),
            Some(&first),
            &config(3, "nginx"),
            "bob",
            false,
            "t2",
        )
        .unwrap_err();
        assert_eq!(
            err.message,
            "Apply failed with 1 conflict: conflict with \"alice\": .spec.replicas"
        );
        // The same value is co-owned, not a conflict.
        let shared = apply(
            deploy(),
            Some(&first),
            &config(2, "nginx"),
            "bob",
            false,
            "t2",
        )
        .unwrap();
        assert_eq!(decode(&shared).len(), 2);
        let forced = apply(
            deploy(),
            Some(&first),
            &config(3, "nginx"),
            "bob",
            true,
            "t2",
        )
        .unwrap();
        assert_eq!(forced["spec"]["replicas"], 3);
        let alice = decode(&forced)
            .into_iter()
            .find(|e| e.manager == "alice")
            .unwrap();
        assert!(!fieldset::path_string(&alice.fields.paths()[0]).contains("replicas"));
    }

    #[test]
    fn fields_no_longer_applied_are_removed_unless_someone_else_owns_them() {
        let mut with_label = config(2, "nginx");
        with_label["metadata"]["labels"] = json!({"a": "1", "b": "2"});
        let first = apply(deploy(), None, &with_label, "alice", false, "t1").unwrap();
        let mut fewer = config(2, "nginx");
        fewer["metadata"]["labels"] = json!({"a": "1"});
        let second = apply(deploy(), Some(&first), &fewer, "alice", false, "t2").unwrap();
        assert_eq!(second["metadata"]["labels"], json!({"a": "1"}));
    }

    #[test]
    fn keyed_lists_merge_by_key() {
        let first = apply(deploy(), None, &config(1, "nginx"), "alice", false, "t1").unwrap();
        let sidecar = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
            "spec": {"template": {"spec": {"containers": [{"name": "log", "image": "busybox"}]}}}});
        let both = apply(deploy(), Some(&first), &sidecar, "bob", false, "t2").unwrap();
        let names: Vec<&str> = both["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["web", "log"]);
    }
}
