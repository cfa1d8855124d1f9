//! Field ownership (`metadata.managedFields`): who set which field, as the API server's field
//! manager records it on every write.
//!
//! An `Update` (create, update, patch) gives the writer the fields it changed and takes them
//! from everyone else; fields it removed leave every owner. Server-side apply ([`apply`])
//! owns exactly the applied fields and refuses to take fields from others without `force`.
//! Entries are identified by manager, operation, subresource and API version, and sorted as
//! upstream sorts them (Apply before Update, then by time). The cost of a write is a walk over
//! what it changed plus decoding the object's entries.

pub mod apply;
pub mod fieldset;

use serde_json::{Map, Value, json};

use super::has_status;
use super::patch::schema::{ListType, Meta, Schema};
use crate::api::{Kind, meta};
use fieldset::FieldSet;

/// `metav1.ManagedFieldsOperationType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Operation {
    Apply,
    Update,
}

impl Operation {
    fn as_str(self) -> &'static str {
        match self {
            Operation::Apply => "Apply",
            Operation::Update => "Update",
        }
    }
}

/// One `managedFields` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub manager: String,
    pub operation: Operation,
    pub api_version: String,
    pub time: String,
    pub subresource: String,
    pub fields: FieldSet,
}

impl Entry {
    /// How a conflict names this owner (`printManager`): `"kubectl" with subresource "scale"
    /// using apps/v1`.
    pub fn describe(&self) -> String {
        let mut s = format!("{:?}", self.manager);
        if !self.subresource.is_empty() {
            s.push_str(&format!(" with subresource {:?}", self.subresource));
        }
        if self.operation == Operation::Update {
            s.push_str(&format!(" using {}", self.api_version));
        }
        s
    }
}

/// Who is writing, as the field manager sees the request.
#[derive(Clone, Debug)]
pub struct Writer<'a> {
    pub manager: &'a str,
    pub subresource: &'a str,
    pub time: String,
}

/// The entries of an object (undecodable ones are dropped).
pub fn decode(obj: &Value) -> Vec<Entry> {
    let Some(list) = meta::at(obj, "/metadata/managedFields").and_then(Value::as_array) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|e| {
            Some(Entry {
                manager: e.get("manager")?.as_str()?.to_string(),
                operation: match e.get("operation")?.as_str()? {
                    "Apply" => Operation::Apply,
                    _ => Operation::Update,
                },
                api_version: e.get("apiVersion")?.as_str()?.to_string(),
                time: e
                    .get("time")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                subresource: e
                    .get("subresource")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                fields: FieldSet::from_json(e.get("fieldsV1").unwrap_or(&Value::Null)),
            })
        })
        .collect()
}

/// Writes `entries` into the object, sorted as upstream sorts them.
pub fn encode(obj: &mut Value, mut entries: Vec<Entry>) {
    entries.retain(|e| !e.fields.is_empty());
    entries.sort_by(|a, b| {
        (
            a.operation,
            &a.time,
            &a.manager,
            &a.api_version,
            &a.subresource,
        )
            .cmp(&(
                b.operation,
                &b.time,
                &b.manager,
                &b.api_version,
                &b.subresource,
            ))
    });
    let m = meta::metadata_mut(obj);
    if entries.is_empty() {
        m.remove("managedFields");
        return;
    }
    let list: Vec<Value> = entries
        .iter()
        .map(|e| {
            let mut v = json!({
                "apiVersion": e.api_version,
                "fieldsType": "FieldsV1",
                "fieldsV1": e.fields.to_json(),
                "manager": e.manager,
                "operation": e.operation.as_str(),
                "time": e.time,
            });
            if !e.subresource.is_empty() {
                v["subresource"] = json!(e.subresource);
            }
            v
        })
        .collect();
    m.insert("managedFields".into(), Value::Array(list));
}

/// Records a create by `writer`: it owns every field it set.
pub fn track_create(kind: &Kind, obj: &mut Value, writer: &Writer) {
    let mut diff = Diff::default();
    compare_root(kind, None, obj, writer.subresource, &mut diff);
    let entry = Entry {
        manager: writer.manager.to_string(),
        operation: Operation::Update,
        api_version: kind.api_version(),
        time: writer.time.clone(),
        subresource: writer.subresource.to_string(),
        fields: diff.changed,
    };
    encode(obj, vec![entry]);
}

/// Records an update from `old` to `new` by `writer`. A request that carries its own
/// `managedFields` (different from the live ones) sets them first, as upstream allows.
///
/// This runs on every write, so it works on the entries' `fieldsV1` JSON in place: entries the
/// change does not touch are neither decoded nor re-encoded.
pub fn track_update(kind: &Kind, old: &Value, new: &mut Value, writer: &Writer) {
    let mut diff = Diff::default();
    compare_root(kind, Some(old), new, writer.subresource, &mut diff);
    let live = meta::at(old, "/metadata/managedFields");
    let sent = meta::at(new, "/metadata/managedFields");
    let use_sent = matches!(sent, Some(s) if Some(s) != live && writer.subresource.is_empty());
    if !use_sent {
        match live {
            Some(l) if sent != Some(l) => {
                meta::metadata_mut(new).insert("managedFields".into(), l.clone());
            }
            Some(_) => {}
            None => {
                meta::metadata_mut(new).remove("managedFields");
            }
        }
    }
    if !diff.changed.has_members() && !diff.removed.has_members() {
        return;
    }
    let api_version = kind.api_version();
    let m = meta::metadata_mut(new);
    let mut entries = match m.remove("managedFields") {
        Some(Value::Array(list)) => list,
        _ => Vec::new(),
    };
    let is_mine = |e: &Value| {
        e.get("manager").and_then(Value::as_str) == Some(writer.manager)
            && e.get("operation").and_then(Value::as_str) == Some("Update")
            && e.get("apiVersion").and_then(Value::as_str) == Some(api_version.as_str())
            && e.get("subresource").and_then(Value::as_str).unwrap_or("") == writer.subresource
    };
    let mut mine = None;
    for (i, e) in entries.iter_mut().enumerate() {
        let own = is_mine(e);
        if own {
            mine = Some(i);
        }
        let Some(fields) = e.get_mut("fieldsV1").and_then(Value::as_object_mut) else {
            continue;
        };
        if !own {
            json_set::subtract(fields, &diff.changed);
        }
        json_set::remove_subtrees(fields, &diff.removed);
    }
    if diff.changed.has_members() {
        match mine.and_then(|i| entries.get_mut(i)) {
            Some(e) => {
                if let Some(fields) = e.get_mut("fieldsV1").and_then(Value::as_object_mut) {
                    json_set::union(fields, &diff.changed);
                }
                e["time"] = json!(writer.time);
            }
            None => {
                let mut e = json!({
                    "apiVersion": api_version,
                    "fieldsType": "FieldsV1",
                    "fieldsV1": diff.changed.to_json(),
                    "manager": writer.manager,
                    "operation": "Update",
                    "time": writer.time,
                });
                if !writer.subresource.is_empty() {
                    e["subresource"] = json!(writer.subresource);
                }
                entries.push(e);
            }
        }
    }
    entries.retain(|e| {
        e.get("fieldsV1")
            .and_then(Value::as_object)
            .is_some_and(|f| !f.is_empty())
    });
    let key = |e: &Value| {
        let s = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        (
            s("operation"),
            s("time"),
            s("manager"),
            s("apiVersion"),
            s("subresource"),
        )
    };
    entries.sort_by_cached_key(key);
    if !entries.is_empty() {
        meta::metadata_mut(new).insert("managedFields".into(), Value::Array(entries));
    }
}

/// Set operations on `fieldsV1` JSON itself (a node is in the set when it is `{}` or has
/// `.`), for the per-write path.
mod json_set {
    use serde_json::{Map, Value};

    use super::fieldset::FieldSet;

    fn is_member(node: &Map<String, Value>) -> bool {
        node.is_empty() || node.contains_key(".")
    }

    /// Rewrites `node` as a member or not; returns true when it is no longer in the set at
    /// all (not a member, nothing below), so the parent drops it.
    fn settle(node: &mut Map<String, Value>, member: bool) -> bool {
        node.remove(".");
        if member {
            if !node.is_empty() {
                node.insert(".".into(), Value::Object(Map::new()));
            }
            false
        } else {
            node.is_empty()
        }
    }

    // The root of `fieldsV1` is not a path: the public functions work on its children.

    pub fn subtract(root: &mut Map<String, Value>, other: &FieldSet) {
        subtract_children(root, other);
    }

    pub fn remove_subtrees(root: &mut Map<String, Value>, removed: &FieldSet) {
        remove_children(root, removed);
    }

    pub fn union(root: &mut Map<String, Value>, other: &FieldSet) {
        union_children(root, other);
    }

    fn subtract_children(node: &mut Map<String, Value>, other: &FieldSet) {
        for (k, child) in &other.children {
            if let Some(Value::Object(n)) = node.get_mut(k)
                && subtract_node(n, child)
            {
                node.remove(k);
            }
        }
    }

    fn subtract_node(node: &mut Map<String, Value>, other: &FieldSet) -> bool {
        let member = is_member(node) && !other.member;
        subtract_children(node, other);
        settle(node, member)
    }

    fn remove_children(node: &mut Map<String, Value>, removed: &FieldSet) {
        for (k, child) in &removed.children {
            if child.member {
                node.remove(k);
            } else if let Some(Value::Object(n)) = node.get_mut(k) {
                let member = is_member(n);
                remove_children(n, child);
                if settle(n, member) {
                    node.remove(k);
                }
            }
        }
    }

    fn union_node(node: &mut Map<String, Value>, other: &FieldSet) {
        let member = is_member(node) || other.member;
        union_children(node, other);
        settle(node, member);
    }

    fn union_children(node: &mut Map<String, Value>, other: &FieldSet) {
        for (k, child) in &other.children {
            if !child.has_members() {
                continue;
            }
            match node.get_mut(k) {
                Some(Value::Object(n)) => union_node(n, child),
                _ => {
                    node.insert(k.clone(), child.to_json());
                }
            }
        }
    }
}

/// What a write changed: fields set or modified, and fields removed.
#[derive(Default, Debug)]
pub struct Diff {
    pub changed: FieldSet,
    pub removed: FieldSet,
}

/// Metadata fields no one owns (`stripMeta`).
const STRIPPED_META: &[&str] = &[
    "name",
    "namespace",
    "creationTimestamp",
    "selfLink",
    "uid",
    "clusterName",
    "generation",
    "managedFields",
    "resourceVersion",
];

/// Compares two versions of a whole object, leaving out what the request could not change:
/// type and identity metadata, and status (or everything but status, for `/status`).
pub fn compare_root(
    kind: &Kind,
    old: Option<&Value>,
    new: &Value,
    subresource: &str,
    diff: &mut Diff,
) {
    let schema = Schema::for_kind(kind);
    let empty = Map::new();
    let old_map = old.and_then(Value::as_object).unwrap_or(&empty);
    let new_map = new.as_object().unwrap_or(&empty);
    let status_only = subresource == "status";
    let mut keys: Vec<&String> = old_map.keys().chain(new_map.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let key = key.as_str();
        if key == "apiVersion" || key == "kind" {
            continue;
        }
        let skip = if status_only {
            // Metadata a status strategy lets through (a Deployment's revision annotation) is
            // owned by the status writer too.
            key != "status" && key != "metadata"
        } else {
            key == "status" && has_status(kind)
        };
        if skip {
            continue;
        }
        let (o, n) = (old_map.get(key), new_map.get(key));
        let mut changed = FieldSet::default();
        let mut removed = FieldSet::default();
        if key == "metadata" {
            compare_metadata(o, n, &mut changed, &mut removed);
        } else {
            // `spec` and `status` are structs that every typed object has, even empty.
            let zero = matches!(key, "spec" | "status");
            compare(
                o,
                n,
                schema.field(key),
                schema.child(key),
                zero,
                &mut changed,
                &mut removed,
            );
        }
        diff.changed.put(fieldset::field(key), changed);
        diff.removed.put(fieldset::field(key), removed);
    }
}

fn compare_metadata(
    o: Option<&Value>,
    n: Option<&Value>,
    changed: &mut FieldSet,
    removed: &mut FieldSet,
) {
    let empty = Map::new();
    let om = o.and_then(Value::as_object).unwrap_or(&empty);
    let nm = n.and_then(Value::as_object).unwrap_or(&empty);
    let schema = Schema::object_meta();
    let mut keys: Vec<&String> = om.keys().chain(nm.keys()).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        if STRIPPED_META.contains(&key.as_str()) {
            continue;
        }
        let mut c = FieldSet::default();
        let mut r = FieldSet::default();
        compare(
            om.get(key),
            nm.get(key),
            schema.field(key),
            schema.child(key),
            false,
            &mut c,
            &mut r,
        );
        changed.put(fieldset::field(key), c);
        removed.put(fieldset::field(key), r);
    }
}

/// Struct fields that exist (as `{}` or `null`) in the zero value of their Go type, so that
/// writing them first does not make the struct itself an owned member.
fn present_in_zero(ty: &str, field: &str) -> bool {
    matches!(
        (ty, field),
        ("PodTemplateSpec", "metadata" | "spec")
            | ("JobTemplateSpec", "metadata" | "spec")
            | ("PodSpec", "containers")
            | ("Container", "resources")
            | ("DeploymentSpec", "template" | "strategy")
            | ("ReplicaSetSpec", "template")
            | ("DaemonSetSpec", "template" | "updateStrategy")
            | ("StatefulSetSpec", "template" | "updateStrategy")
            | ("JobSpec", "template")
            | ("CronJobSpec", "jobTemplate")
    )
}

/// Compares one position. `zero`: the position exists in the old object's zero value (so
/// creating it does not add the node itself, only what is below).
pub(crate) fn compare(
    old: Option<&Value>,
    new: Option<&Value>,
    meta: Meta,
    schema: Schema,
    zero: bool,
    changed: &mut FieldSet,
    removed: &mut FieldSet,
) {
    match (old, new) {
        (None, None) => {}
        (Some(o), Some(n)) if o == n => {}
        (Some(_), None) => removed.member = true,
        (o, Some(n)) => {
            let added = o.is_none() && !zero;
            match (o, n) {
                (_, Value::Object(nm)) if !meta.atomic && o.is_none_or(Value::is_object) => {
                    if added {
                        changed.member = true;
                    }
                    let empty = Map::new();
                    let om = o.and_then(Value::as_object).unwrap_or(&empty);
                    let parent_present = o.is_some() || zero;
                    let mut keys: Vec<&String> = om.keys().chain(nm.keys()).collect();
                    keys.sort();
                    keys.dedup();
                    for key in keys {
                        let mut c = FieldSet::default();
                        let mut r = FieldSet::default();
                        let child_zero = parent_present && present_in_zero(schema.name(), key);
                        compare(
                            om.get(key),
                            nm.get(key),
                            schema.field(key),
                            schema.child(key),
                            child_zero,
                            &mut c,
                            &mut r,
                        );
                        changed.put(fieldset::field(key), c);
                        removed.put(fieldset::field(key), r);
                    }
                }
                (_, Value::Array(nl))
                    if o.is_none_or(Value::is_array) && meta.list != ListType::Atomic =>
                {
                    let ol: &[Value] = o.and_then(Value::as_array).map_or(&[], Vec::as_slice);
                    if added {
                        changed.member = true;
                    }
                    compare_list(ol, nl, meta, schema, changed, removed);
                }
                _ => changed.member = true,
            }
        }
    }
}

fn compare_list(
    old: &[Value],
    new: &[Value],
    meta: Meta,
    schema: Schema,
    changed: &mut FieldSet,
    removed: &mut FieldSet,
) {
    match meta.list {
        ListType::Set => {
            for v in new {
                if !old.contains(v) {
                    changed.child(fieldset::value(v)).member = true;
                }
            }
            for v in old {
                if !new.contains(v) {
                    removed.child(fieldset::value(v)).member = true;
                }
            }
        }
        ListType::Map(keys) => {
            let old_items: Vec<(String, &Value)> =
                old.iter().map(|v| (item_key(v, keys), v)).collect();
            let new_items: Vec<(String, &Value)> =
                new.iter().map(|v| (item_key(v, keys), v)).collect();
            for (k, n) in &new_items {
                let o = old_items.iter().find(|(ok, _)| ok == k).map(|(_, v)| *v);
                let mut c = FieldSet::default();
                let mut r = FieldSet::default();
                compare(
                    o,
                    Some(n),
                    Meta {
                        atomic: false,
                        list: ListType::Atomic,
                        ..meta
                    },
                    schema,
                    false,
                    &mut c,
                    &mut r,
                );
                changed.put(k.clone(), c);
                removed.put(k.clone(), r);
            }
            for (k, _) in &old_items {
                if !new_items.iter().any(|(nk, _)| nk == k) {
                    removed.child(k.clone()).member = true;
                }
            }
        }
        ListType::Atomic => changed.member = true,
    }
}

/// The path element of a keyed list item: its key fields (`protocol` of ports defaults to TCP,
/// as the schema's default does).
pub fn item_key(item: &Value, keys: &[&'static str]) -> String {
    let mut fields = std::collections::BTreeMap::new();
    for k in keys {
        match item.get(*k) {
            Some(v) => {
                fields.insert(*k, v.clone());
            }
            None if *k == "protocol" => {
                fields.insert(*k, json!("TCP"));
            }
            None => {}
        }
    }
    fieldset::key(&fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::kinds;

    fn writer(name: &str) -> Writer<'_> {
        // Later writers in these tests have longer names: their entries sort after.
        Writer {
            manager: name,
            subresource: "",
            time: format!("2024-01-01T00:00:{:02}Z", name.len()),
        }
    }

    #[test]
    fn create_owns_what_was_set_with_dots_where_upstream_has_them() {
        let kind = kinds::by_kind("apps", "Deployment").unwrap();
        let mut obj = json!({
            "metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {
                "replicas": 1,
                "selector": {"matchLabels": {"app": "web"}},
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "nginx", "image": "nginx", "resources": {},
                        "ports": [{"containerPort": 80}]}]}
                }
            },
            "status": {}
        });
        track_create(kind, &mut obj, &writer("kubectl-create"));
        let entry = &obj["metadata"]["managedFields"][0];
        assert_eq!(entry["manager"], "kubectl-create");
        assert_eq!(entry["operation"], "Update");
        assert_eq!(
            entry["fieldsV1"],
            json!({
                "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                "f:spec": {
                    "f:replicas": {},
                    "f:selector": {},
                    "f:strategy": {"f:rollingUpdate": {".": {}, "f:maxSurge": {}}, "f:type": {}},
                    "f:template": {
                        "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                        "f:spec": {"f:containers": {"k:{\"name\":\"nginx\"}": {
                            ".": {}, "f:image": {}, "f:name": {},
                            "f:ports": {".": {}, "k:{\"containerPort\":80,\"protocol\":\"TCP\"}": {".": {}, "f:containerPort": {}}},
                            "f:resources": {}
                        }}}
                    }
                }
            })
        );
    }

    #[test]
    fn an_update_takes_changed_fields_from_other_owners() {
        let kind = kinds::by_kind("apps", "Deployment").unwrap();
        let mut obj =
            json!({"metadata": {"name": "web"}, "spec": {"replicas": 1, "paused": false}});
        track_create(kind, &mut obj, &writer("kubectl-create"));
        let mut scaled = obj.clone();
        scaled["spec"]["replicas"] = json!(3);
        track_update(kind, &obj, &mut scaled, &writer("kube-controller-manager"));
        let entries = decode(&scaled);
        assert_eq!(entries.len(), 2);
        assert_eq!(
            entries[0].fields.to_json(),
            json!({"f:spec": {"f:paused": {}}})
        );
        assert_eq!(entries[1].manager, "kube-controller-manager");
        assert_eq!(
            entries[1].fields.to_json(),
            json!({"f:spec": {"f:replicas": {}}})
        );
    }
}
