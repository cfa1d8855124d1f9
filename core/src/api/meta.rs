//! Reading and writing `metadata` of objects held as `serde_json::Value`.
//!
//! The store keeps every object as JSON, exactly as a client would see it; these helpers give
//! names to the paths everyone needs (name, namespace, labels, owners) without decoding the whole
//! object into its typed form.

use serde_json::{Map, Value, json};

/// `obj.pointer(path)`, faster for the common case of a path without `~` escapes (this is the
/// hottest function of every controller).
pub fn at<'a>(obj: &'a Value, pointer: &str) -> Option<&'a Value> {
    if pointer.contains('~') {
        return obj.pointer(pointer);
    }
    pointer
        .split('/')
        .skip(1)
        .try_fold(obj, |v, token| match v {
            Value::Object(map) => map.get(token),
            Value::Array(list) => token.parse::<usize>().ok().and_then(|i| list.get(i)),
            _ => None,
        })
}

/// `obj.pointer(path)` as a string, or "" when absent.
pub fn str_at<'a>(obj: &'a Value, pointer: &str) -> &'a str {
    at(obj, pointer).and_then(Value::as_str).unwrap_or("")
}

/// `obj.pointer(path)` as a list, or an empty one when absent.
pub fn array_at<'a>(obj: &'a Value, pointer: &str) -> &'a [Value] {
    at(obj, pointer)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// What an Event needs to name an object (`involvedObject`): its apiVersion, kind, name,
/// namespace, uid and resourceVersion — far cheaper to pass around than the whole object.
pub fn reference(obj: &Value) -> Value {
    let field = |v: Option<&Value>| v.cloned().unwrap_or(Value::Null);
    let metadata = obj.get("metadata");
    let meta_field = |k: &str| field(metadata.and_then(|m| m.get(k)));
    json!({
        "apiVersion": field(obj.get("apiVersion")),
        "kind": field(obj.get("kind")),
        "metadata": {
            "name": meta_field("name"),
            "namespace": meta_field("namespace"),
            "uid": meta_field("uid"),
            "resourceVersion": meta_field("resourceVersion"),
        },
    })
}

pub fn name(obj: &Value) -> &str {
    str_at(obj, "/metadata/name")
}

pub fn namespace(obj: &Value) -> &str {
    str_at(obj, "/metadata/namespace")
}

pub fn uid(obj: &Value) -> &str {
    str_at(obj, "/metadata/uid")
}

pub fn labels(obj: &Value) -> Option<&Map<String, Value>> {
    obj.get("metadata")?.get("labels")?.as_object()
}

pub fn is_deleting(obj: &Value) -> bool {
    obj.get("metadata")
        .and_then(|m| m.get("deletionTimestamp"))
        .is_some_and(|v| !v.is_null())
}

/// The `metadata` object, created if missing (and replacing a non-object value).
pub fn metadata_mut(obj: &mut Value) -> &mut Map<String, Value> {
    ensure_object(obj, "metadata")
}

/// `obj[key]` as an object, created if missing or not an object (a non-object `obj` becomes
/// one first).
pub fn ensure_object<'a>(obj: &'a mut Value, key: &str) -> &'a mut Map<String, Value> {
    let map = as_object_mut(obj);
    as_object_mut(map.entry(key).or_insert(Value::Null))
}

/// `map[key]` as an object, created if missing or not an object.
pub fn child_object<'a>(map: &'a mut Map<String, Value>, key: &str) -> &'a mut Map<String, Value> {
    as_object_mut(map.entry(key).or_insert(Value::Null))
}

/// `value` as a mutable object, replacing it with an empty one if it is anything else.
pub fn as_object_mut(value: &mut Value) -> &mut Map<String, Value> {
    if !value.is_object() {
        *value = Value::Object(Map::new());
    }
    match value {
        Value::Object(map) => map,
        // Cannot happen: replaced by an object just above. Returning a leaked empty map keeps
        // this free of panics without unsafe code.
        _ => Box::leak(Box::new(Map::new())),
    }
}

/// The controller owner reference (`controller: true`) of an object, if any.
pub fn controller_of(obj: &Value) -> Option<&Value> {
    obj.get("metadata")?
        .get("ownerReferences")?
        .as_array()?
        .iter()
        .find(|r| r.get("controller").and_then(Value::as_bool) == Some(true))
}

/// An owner reference to `owner`, marked as its controller, as controllers stamp on what they
/// create.
pub fn controller_ref(owner: &Value) -> Value {
    json!({
        "apiVersion": str_at(owner, "/apiVersion"),
        "kind": str_at(owner, "/kind"),
        "name": name(owner),
        "uid": uid(owner),
        "controller": true,
        "blockOwnerDeletion": true,
    })
}

/// Whether every `key: value` of `selector` is among `labels` (a `matchLabels` selector).
pub fn labels_match(selector: &Map<String, Value>, labels: Option<&Map<String, Value>>) -> bool {
    selector
        .iter()
        .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v))
}

/// Whether `metadata.finalizers` lists `finalizer`.
pub fn has_finalizer(obj: &Value, finalizer: &str) -> bool {
    obj.pointer("/metadata/finalizers")
        .and_then(Value::as_array)
        .is_some_and(|l| l.iter().any(|f| f == finalizer))
}

/// A copy of `obj` without `finalizer` (and without a `finalizers` list left empty), and
/// without its resourceVersion: an update that only drops a finalizer, as a patch would, so an
/// earlier change to the object does not make it conflict.
pub fn without_finalizer(obj: &Value, finalizer: &str) -> Value {
    let mut updated = obj.clone();
    let m = metadata_mut(&mut updated);
    m.remove("resourceVersion");
    if let Some(list) = m.get_mut("finalizers").and_then(Value::as_array_mut) {
        list.retain(|f| f != finalizer);
        if list.is_empty() {
            m.remove("finalizers");
        }
    }
    updated
}
