//! StorageObjectInUseProtection: claims and volumes carry a protection finalizer.

use serde_json::{Value, json};

use crate::api::{Kind, meta};

/// StorageObjectInUseProtection: claims and volumes carry a finalizer that the protection
/// controllers remove only once nothing uses them, so deleting one in use leaves it Terminating.
pub(super) fn admit(kind: &Kind, obj: &mut Value) {
    let finalizer = match kind.kind {
        "PersistentVolumeClaim" => "kubernetes.io/pvc-protection",
        "PersistentVolume" => "kubernetes.io/pv-protection",
        _ => return,
    };
    let list = meta::metadata_mut(obj)
        .entry("finalizers")
        .or_insert(json!([]));
    if let Some(list) = list.as_array_mut()
        && !list.iter().any(|f| f == finalizer)
    {
        list.push(json!(finalizer));
    }
}
