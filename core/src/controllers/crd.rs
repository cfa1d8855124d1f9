//! The apiextensions controllers that bring a CustomResourceDefinition into service: the
//! naming controller accepts its names (`NamesAccepted`, `status.acceptedNames`) and the
//! establishing controller marks it `Established`, after which the API server serves its
//! kinds (see `api::crds`). `status.storedVersions` records the storage version.
//!
//! Name conflicts with other CRDs of the same group are not checked yet: names are accepted
//! as written.

use serde_json::{Value, json};

use super::{Controller, Ctx, ObjectKey, Op, Outcome, kind};
use crate::api::meta;
use crate::store::{Change, ChangeType, Store};

pub struct CrdController;

impl Controller for CrdController {
    fn name(&self) -> &'static str {
        "apiextensions-controllers"
    }

    fn keys_for(&self, change: &Change, _store: &Store, out: &mut Vec<ObjectKey>) {
        if change.kind.kind == "CustomResourceDefinition" && change.change != ChangeType::Deleted {
            out.push(ObjectKey::of(&change.object));
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let crd_kind = kind("apiextensions.k8s.io", "CustomResourceDefinition");
        let Ok(crd) = ctx.store.get(crd_kind, "", &key.name) else {
            return Outcome::default();
        };
        let wanted = status_for(crd, ctx.now.rfc3339());
        if crd.get("status") == Some(&wanted) || meta::is_deleting(crd) {
            return Outcome::default();
        }
        let mut updated = crd.clone();
        updated["status"] = wanted;
        Outcome::ops(vec![Op::UpdateStatus(crd_kind, updated)])
    }
}

/// The status the controllers converge to: names accepted as written, established, and the
/// storage version recorded. Conditions keep their transition time once set.
fn status_for(crd: &Value, now: String) -> Value {
    let names = crd.pointer("/spec/names").cloned().unwrap_or(json!({}));
    let mut accepted = serde_json::Map::new();
    for field in [
        "categories",
        "kind",
        "listKind",
        "plural",
        "shortNames",
        "singular",
    ] {
        if let Some(v) = names.get(field) {
            accepted.insert(field.into(), v.clone());
        }
    }
    let since = |type_: &str| {
        crd.pointer("/status/conditions")
            .and_then(Value::as_array)
            .and_then(|c| c.iter().find(|c| meta::str_at(c, "/type") == type_))
            .and_then(|c| c.get("lastTransitionTime").cloned())
            .unwrap_or_else(|| json!(now))
    };
    let mut stored: Vec<Value> = crd
        .pointer("/status/storedVersions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let storage = crd
        .pointer("/spec/versions")
        .and_then(Value::as_array)
        .and_then(|vs| vs.iter().find(|v| v.get("storage") == Some(&json!(true))))
        .map(|v| meta::str_at(v, "/name").to_string());
    if let Some(storage) = storage
        && !stored.iter().any(|v| v == storage.as_str())
    {
        stored.push(json!(storage));
    }
    json!({
        "acceptedNames": accepted,
        "conditions": [
            {"lastTransitionTime": since("NamesAccepted"), "message": "no conflicts found", "reason": "NoConflicts", "status": "True", "type": "NamesAccepted"},
            {"lastTransitionTime": since("Established"), "message": "the initial names have been accepted", "reason": "InitialNamesAccepted", "status": "True", "type": "Established"},
        ],
        "storedVersions": stored,
    })
}
