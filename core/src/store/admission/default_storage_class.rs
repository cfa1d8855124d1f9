//! DefaultStorageClass: a claim that names no class gets the cluster's default one.

use serde_json::{Value, json};

use crate::api::{kinds, meta};
use crate::store::Store;

/// DefaultStorageClass: a claim that names no class gets the cluster's default one (the class
/// annotated `storageclass.kubernetes.io/is-default-class: "true"`; the newest wins when there
/// are several, as upstream picks). An explicit `storageClassName: ""` stays: it asks for a
/// volume without a class.
pub(super) fn admit(store: &Store, claim: &mut Value) {
    if meta::at(claim, "/spec/storageClassName").is_some_and(|v| !v.is_null()) {
        return;
    }
    let default = newest_default(
        store,
        "storage.k8s.io",
        "StorageClass",
        "/metadata/annotations/storageclass.kubernetes.io~1is-default-class",
    );
    if let Some(class) = default {
        meta::ensure_object(claim, "spec")
            .insert("storageClassName".into(), json!(meta::name(class)));
    }
}

/// The class of `group`/`kind` marked default by the annotation at `pointer` (`"true"`); the
/// newest when there are several, by name on a tie — how upstream's defaulting plugins pick.
pub(super) fn newest_default<'a>(
    store: &'a Store,
    group: &str,
    kind: &str,
    pointer: &str,
) -> Option<&'a Value> {
    let class_kind = kinds::by_kind(group, kind)?;
    store
        .list(class_kind, None)
        .filter(|c| meta::str_at(c, pointer) == "true")
        .min_by_key(|c| {
            (
                std::cmp::Reverse(meta::str_at(c, "/metadata/creationTimestamp").to_string()),
                meta::name(c).to_string(),
            )
        })
}
