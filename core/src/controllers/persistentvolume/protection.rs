//! The storage protection controllers: `kubernetes.io/pvc-protection` stays on a deleted claim
//! while a scheduled pod still uses it, `kubernetes.io/pv-protection` on a deleted volume while
//! it is Bound; once nothing holds them, the finalizer goes and so does the object (upstream's
//! `pvcprotection` and `pvprotection` controllers).

use serde_json::Value;

use super::super::{Controller, Ctx, ObjectKey, Op, Outcome, kind};
use super::volumes;
use crate::api::meta;
use crate::store::{Change, Store};

pub const PVC_FINALIZER: &str = "kubernetes.io/pvc-protection";
pub const PV_FINALIZER: &str = "kubernetes.io/pv-protection";

fn has_finalizer(obj: &Value, finalizer: &str) -> bool {
    obj.pointer("/metadata/finalizers")
        .and_then(Value::as_array)
        .is_some_and(|l| l.iter().any(|f| f == finalizer))
}

fn without_finalizer(obj: &Value, finalizer: &str) -> Value {
    let mut updated = obj.clone();
    meta::metadata_mut(&mut updated).remove("resourceVersion");
    if let Some(list) = updated
        .pointer_mut("/metadata/finalizers")
        .and_then(Value::as_array_mut)
    {
        list.retain(|f| f != finalizer);
    }
    updated
}

pub struct PvcProtectionController;

impl Controller for PvcProtectionController {
    fn name(&self) -> &'static str {
        "pvc-protection-controller"
    }

    fn keys_for(&self, change: &Change, _store: &Store, out: &mut Vec<ObjectKey>) {
        let obj = &change.object;
        match change.kind.kind {
            "PersistentVolumeClaim" if meta::is_deleting(obj) => out.push(ObjectKey::of(obj)),
            // A pod going away (or finishing) may free the claims it used.
            "Pod" => out.extend(volumes::pod_claims(obj).into_iter().map(|c| ObjectKey {
                namespace: meta::namespace(obj).to_string(),
                name: c.to_string(),
            })),
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let pvc_kind = kind("", "PersistentVolumeClaim");
        let Ok(claim) = ctx.store.get(pvc_kind, &key.namespace, &key.name) else {
            return Outcome::default();
        };
        if !meta::is_deleting(claim) || !has_finalizer(claim, PVC_FINALIZER) {
            return Outcome::default();
        }
        // `podUsesPVC`: only scheduled pods count, since a kubelet refuses to start a pod
        // whose claim is being deleted.
        let in_use = ctx
            .store
            .list(kind("", "Pod"), Some(&key.namespace))
            .any(|p| {
                !meta::str_at(p, "/spec/nodeName").is_empty()
                    && volumes::pod_claims(p).contains(&key.name.as_str())
            });
        if in_use {
            return Outcome::default();
        }
        Outcome::ops(vec![Op::Update(
            pvc_kind,
            without_finalizer(claim, PVC_FINALIZER),
        )])
    }
}

pub struct PvProtectionController;

impl Controller for PvProtectionController {
    fn name(&self) -> &'static str {
        "pv-protection-controller"
    }

    fn keys_for(&self, change: &Change, _store: &Store, out: &mut Vec<ObjectKey>) {
        if change.kind.kind == "PersistentVolume" && meta::is_deleting(&change.object) {
            out.push(ObjectKey::of(&change.object));
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let pv_kind = kind("", "PersistentVolume");
        let Ok(volume) = ctx.store.get(pv_kind, "", &key.name) else {
            return Outcome::default();
        };
        if !meta::is_deleting(volume)
            || !has_finalizer(volume, PV_FINALIZER)
            || meta::str_at(volume, "/status/phase") == "Bound"
        {
            return Outcome::default();
        }
        Outcome::ops(vec![Op::Update(
            pv_kind,
            without_finalizer(volume, PV_FINALIZER),
        )])
    }
}
