//! The PersistentVolume controller: binds claims to volumes and reclaims released volumes, as
//! upstream's `pkg/controller/volume/persistentvolume` (`pv_controller.go`) does.
//!
//! Its keys are claims (`namespace/name`) and volumes (empty namespace). An unbound claim gets
//! the smallest fitting Available volume (or the one it names, or the one pre-bound to it); a
//! claim whose class binds immediately and finds none is handed to the class's provisioner
//! (`ExternalProvisioning`); one whose class waits for a consumer waits (`WaitForFirstConsumer`)
//! until the scheduler picks a node for its first pod. Binding writes the volume's `claimRef`,
//! the volume's phase, the claim's `volumeName` and annotations, then the claim's phase, in that
//! order. A volume whose claim is gone is Released, then kept (Retain) or left to its
//! provisioner to delete (Delete). Unbound claims are looked at again every 15 s, upstream's
//! resync period, which is why their events repeat.
//!
//! The protection controllers (finalizers that keep used claims and bound volumes) are in
//! [`protection`]; the helpers about classes, modes and matching in [`volumes`].

pub mod protection;
pub mod volumes;

use serde_json::{Value, json};

use super::{Controller, Ctx, EventNote, ObjectKey, Op, Outcome, kind};
use crate::api::meta;
use crate::store::{Change, ChangeType, Store};
use crate::time::Time;
use volumes::{
    ANN_BETA_STORAGE_PROVISIONER, ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_PROVISIONED_BY,
    ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, annotation,
};

const SOURCE: &str = "persistentvolume-controller";
/// `--pvclaimbinder-sync-period`.
const RESYNC_MILLIS: i64 = 15_000;

pub struct PersistentVolumeController;

fn volume_key(name: &str) -> ObjectKey {
    ObjectKey {
        namespace: String::new(),
        name: name.to_string(),
    }
}

impl Controller for PersistentVolumeController {
    fn name(&self) -> &'static str {
        SOURCE
    }

    fn keys_for(&self, change: &Change, _store: &Store, out: &mut Vec<ObjectKey>) {
        let obj = &change.object;
        match change.kind.kind {
            "PersistentVolumeClaim" => {
                out.push(ObjectKey::of(obj));
                let volume = meta::str_at(obj, "/spec/volumeName");
                if change.change == ChangeType::Deleted && !volume.is_empty() {
                    out.push(volume_key(volume));
                }
            }
            "PersistentVolume" => {
                out.push(volume_key(meta::name(obj)));
                // A volume pre-bound (or provisioned) for a claim: the claim can bind now.
                let claim = meta::str_at(obj, "/spec/claimRef/name");
                if !claim.is_empty() && change.change != ChangeType::Deleted {
                    out.push(ObjectKey {
                        namespace: meta::str_at(obj, "/spec/claimRef/namespace").to_string(),
                        name: claim.to_string(),
                    });
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let mut sync = Sync {
            store: ctx.store,
            now: ctx.now,
            ops: Vec::new(),
            requeue: false,
        };
        if key.namespace.is_empty() {
            if let Ok(volume) = ctx.store.get(kind("", "PersistentVolume"), "", &key.name) {
                sync.volume(volume);
            }
        } else if let Ok(claim) =
            ctx.store
                .get(kind("", "PersistentVolumeClaim"), &key.namespace, &key.name)
            && !meta::is_deleting(claim)
        {
            sync.claim(claim);
        }
        Outcome {
            ops: sync.ops,
            requeue_after: sync.requeue.then_some(RESYNC_MILLIS),
        }
    }
}

/// One sync of one claim or volume.
struct Sync<'a> {
    store: &'a Store,
    now: Time,
    ops: Vec<Op>,
    requeue: bool,
}

/// A copy to write back: without its resourceVersion, since several requests about the same
/// object go out from one sync, each on top of the previous one.
fn to_write(obj: &Value) -> Value {
    let mut copy = obj.clone();
    meta::metadata_mut(&mut copy).remove("resourceVersion");
    copy
}

fn annotations_mut(obj: &mut Value) -> &mut serde_json::Map<String, Value> {
    meta::as_object_mut(
        meta::metadata_mut(obj)
            .entry("annotations")
            .or_insert(json!({})),
    )
}

impl Sync<'_> {
    fn event(&mut self, about: &Value, warning: bool, reason: &'static str, message: String) {
        self.ops.push(Op::Event(EventNote {
            about: about.clone(),
            warning,
            reason,
            message,
            source: SOURCE,
            host: String::new(),
        }));
    }

    // ---- claims ----

    /// `syncClaim`.
    fn claim(&mut self, claim: &Value) {
        if annotation(claim, ANN_BIND_COMPLETED).is_none() {
            self.unbound_claim(claim);
        } else {
            self.bound_claim(claim);
        }
    }

    /// `syncUnboundClaim`.
    fn unbound_claim(&mut self, claim: &Value) {
        let pv_kind = kind("", "PersistentVolume");
        let wanted = meta::str_at(claim, "/spec/volumeName");
        if wanted.is_empty() {
            let delay = volumes::is_delay_binding(self.store, claim);
            if let Some(volume) = volumes::best_match(self.store, claim, delay, None) {
                self.bind(volume, claim);
                return;
            }
            self.requeue = true;
            if self.assign_default_class(claim) {
                return;
            }
            let class = volumes::claim_class(claim);
            if delay && annotation(claim, ANN_SELECTED_NODE).is_none() {
                self.wait_for_consumer(claim);
            } else if !class.is_empty() {
                self.provision(claim, class);
                return;
            } else {
                self.event(
                    claim,
                    false,
                    "FailedBinding",
                    "no persistent volumes available for this claim and no storage class is set"
                        .into(),
                );
            }
            self.claim_status(claim, "Pending", None);
            return;
        }
        let Ok(volume) = self.store.get(pv_kind, "", wanted) else {
            self.requeue = true;
            self.claim_status(claim, "Pending", None);
            return;
        };
        if volume.pointer("/spec/claimRef").is_none_or(Value::is_null) {
            if let Some(why) = volumes::unsatisfied_because(volume, claim) {
                self.event(
                    claim,
                    true,
                    "VolumeMismatch",
                    format!("Cannot bind to requested volume {wanted:?}: {why}"),
                );
                self.requeue = true;
                self.claim_status(claim, "Pending", None);
            } else {
                self.bind(volume, claim);
            }
        } else if volumes::is_bound_to(volume, claim) {
            self.bind(volume, claim);
        } else {
            self.event(
                claim,
                true,
                "FailedBinding",
                format!("volume {wanted:?} already bound to a different claim."),
            );
            self.requeue = true;
            self.claim_status(claim, "Pending", None);
        }
    }

    /// `assignDefaultStorageClass`: a claim created before any default class existed gets the
    /// default class later (retroactive assignment), unless it asked for "" explicitly.
    fn assign_default_class(&mut self, claim: &Value) -> bool {
        if meta::at(claim, "/spec/storageClassName").is_some_and(|v| !v.is_null())
            || volumes::annotation(claim, "volume.beta.kubernetes.io/storage-class").is_some()
        {
            return false;
        }
        let default = self
            .store
            .list(kind("storage.k8s.io", "StorageClass"), None)
            .filter(|c| {
                annotation(c, "storageclass.kubernetes.io/is-default-class") == Some("true")
            })
            .min_by_key(|c| {
                (
                    std::cmp::Reverse(meta::str_at(c, "/metadata/creationTimestamp").to_string()),
                    meta::name(c).to_string(),
                )
            });
        let Some(class) = default else {
            return false;
        };
        let mut updated = to_write(claim);
        meta::ensure_object(&mut updated, "spec")
            .insert("storageClassName".into(), json!(meta::name(class)));
        self.ops
            .push(Op::Update(kind("", "PersistentVolumeClaim"), updated));
        true
    }

    /// `emitEventForUnboundDelayBindingClaim`.
    fn wait_for_consumer(&mut self, claim: &Value) {
        let waiting: Vec<&str> = self
            .store
            .list(kind("", "Pod"), Some(meta::namespace(claim)))
            .filter(|p| {
                !matches!(meta::str_at(p, "/status/phase"), "Succeeded" | "Failed")
                    && meta::str_at(p, "/spec/nodeName").is_empty()
                    && volumes::pod_claims(p).contains(&meta::name(claim))
            })
            .map(meta::name)
            .collect();
        let (reason, message) = match waiting.as_slice() {
            [] => (
                "WaitForFirstConsumer",
                "waiting for first consumer to be created before binding".to_string(),
            ),
            [one] => (
                "WaitForPodScheduled",
                format!("waiting for pod {one} to be scheduled"),
            ),
            many => (
                "WaitForPodScheduled",
                format!("waiting for pods {} to be scheduled", many.join(",")),
            ),
        };
        self.event(claim, false, reason, message);
    }

    /// `provisionClaim`: the class's provisioner is asked (by annotation) to make a volume.
    fn provision(&mut self, claim: &Value, class_name: &str) {
        let Some(class) = volumes::class(self.store, class_name) else {
            self.event(
                claim,
                true,
                "ProvisioningFailed",
                format!("storageclass.storage.k8s.io {class_name:?} not found"),
            );
            self.claim_status(claim, "Pending", None);
            return;
        };
        let provisioner = meta::str_at(class, "/provisioner");
        if provisioner.starts_with("kubernetes.io/") {
            // In-tree plugins are gone; `kubernetes.io/no-provisioner` names none on purpose.
            self.event(
                claim,
                true,
                "ProvisioningFailed",
                format!("no volume plugin matched name: {provisioner}"),
            );
            self.claim_status(claim, "Pending", None);
            return;
        }
        if annotation(claim, ANN_STORAGE_PROVISIONER) != Some(provisioner)
            || annotation(claim, ANN_BETA_STORAGE_PROVISIONER) != Some(provisioner)
        {
            let mut updated = to_write(claim);
            let annotations = annotations_mut(&mut updated);
            annotations.insert(ANN_BETA_STORAGE_PROVISIONER.into(), json!(provisioner));
            annotations.insert(ANN_STORAGE_PROVISIONER.into(), json!(provisioner));
            self.ops
                .push(Op::Update(kind("", "PersistentVolumeClaim"), updated));
        }
        self.event(
            claim,
            false,
            "ExternalProvisioning",
            format!(
                "Waiting for a volume to be created either by the external provisioner '{provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."
            ),
        );
    }

    /// `syncBoundClaim`.
    fn bound_claim(&mut self, claim: &Value) {
        let volume_name = meta::str_at(claim, "/spec/volumeName");
        if volume_name.is_empty() {
            self.lost(
                claim,
                "ClaimLost",
                "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!",
            );
            return;
        }
        let Ok(volume) = self
            .store
            .get(kind("", "PersistentVolume"), "", volume_name)
        else {
            self.lost(
                claim,
                "ClaimLost",
                "Bound claim has lost its PersistentVolume. Data on the volume is lost!",
            );
            return;
        };
        let claim_ref_uid = meta::str_at(volume, "/spec/claimRef/uid");
        if volume.pointer("/spec/claimRef").is_none_or(Value::is_null)
            || claim_ref_uid == meta::uid(claim)
        {
            self.bind(volume, claim);
        } else {
            self.lost(
                claim,
                "ClaimMisbound",
                "Two claims are bound to the same volume, this one is bound incorrectly",
            );
        }
    }

    /// `updateClaimStatusWithEvent` to Lost: the event only when the phase changes.
    fn lost(&mut self, claim: &Value, reason: &'static str, message: &str) {
        if meta::str_at(claim, "/status/phase") != "Lost" {
            self.claim_status(claim, "Lost", None);
            self.event(claim, true, reason, message.into());
        }
    }

    /// `updateClaimStatus`: phase, and access modes and capacity from the volume once bound.
    fn claim_status(&mut self, claim: &Value, phase: &str, volume: Option<&Value>) {
        let mut status = claim.get("status").cloned().unwrap_or(json!({}));
        let map = meta::as_object_mut(&mut status);
        let was = map
            .get("phase")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        map.insert("phase".into(), json!(phase));
        match volume {
            None => {
                map.remove("accessModes");
                map.remove("capacity");
            }
            Some(v) => {
                if let Some(modes) = v.pointer("/spec/accessModes") {
                    map.insert("accessModes".into(), modes.clone());
                }
                if was != phase
                    && let Some(capacity) = v.pointer("/spec/capacity")
                {
                    map.insert("capacity".into(), capacity.clone());
                }
            }
        }
        if claim.get("status") != Some(&status) {
            let mut updated = to_write(claim);
            updated["status"] = status;
            self.ops
                .push(Op::UpdateStatus(kind("", "PersistentVolumeClaim"), updated));
        }
    }

    /// `bind`: the volume's claimRef, the volume's phase, the claim's volumeName and
    /// annotations, the claim's phase — each written only if it changes.
    fn bind(&mut self, volume: &Value, claim: &Value) {
        let pv_kind = kind("", "PersistentVolume");
        let mut volume = to_write(volume);
        if !volumes::is_bound_to(&volume, claim)
            || meta::str_at(&volume, "/spec/claimRef/uid").is_empty()
        {
            let by_controller = !volumes::is_bound_to(&volume, claim);
            meta::ensure_object(&mut volume, "spec").insert(
                "claimRef".into(),
                json!({
                    "apiVersion": "v1",
                    "kind": "PersistentVolumeClaim",
                    "name": meta::name(claim),
                    "namespace": meta::namespace(claim),
                    "resourceVersion": meta::str_at(claim, "/metadata/resourceVersion"),
                    "uid": meta::uid(claim),
                }),
            );
            if by_controller {
                annotations_mut(&mut volume).insert(ANN_BOUND_BY_CONTROLLER.into(), json!("yes"));
            }
            self.ops.push(Op::Update(pv_kind, volume.clone()));
        }
        self.volume_phase(&volume, "Bound");
        let mut updated = to_write(claim);
        let mut dirty = false;
        if meta::str_at(claim, "/spec/volumeName") != meta::name(&volume) {
            meta::ensure_object(&mut updated, "spec")
                .insert("volumeName".into(), json!(meta::name(&volume)));
            annotations_mut(&mut updated)
                .entry(ANN_BOUND_BY_CONTROLLER)
                .or_insert(json!("yes"));
            dirty = true;
        }
        if annotation(claim, ANN_BIND_COMPLETED).is_none() {
            annotations_mut(&mut updated).insert(ANN_BIND_COMPLETED.into(), json!("yes"));
            dirty = true;
        }
        if dirty {
            self.ops.push(Op::Update(
                kind("", "PersistentVolumeClaim"),
                updated.clone(),
            ));
        }
        self.claim_status(&updated, "Bound", Some(&volume));
    }

    // ---- volumes ----

    /// `updateVolumePhase`; the API server stamps `lastPhaseTransitionTime` on every change.
    fn volume_phase(&mut self, volume: &Value, phase: &str) {
        if meta::str_at(volume, "/status/phase") == phase {
            return;
        }
        let mut updated = to_write(volume);
        updated["status"] = json!({"phase": phase, "lastPhaseTransitionTime": self.now.rfc3339()});
        self.ops
            .push(Op::UpdateStatus(kind("", "PersistentVolume"), updated));
    }

    /// `syncVolume`.
    fn volume(&mut self, volume: &Value) {
        let Some(claim_ref) = volume.pointer("/spec/claimRef").filter(|r| !r.is_null()) else {
            self.volume_phase(volume, "Available");
            return;
        };
        if meta::str_at(claim_ref, "/uid").is_empty() {
            // Pre-bound by its creator; the claim's sync finishes the binding.
            self.volume_phase(volume, "Available");
            return;
        }
        let claim = self
            .store
            .get(
                kind("", "PersistentVolumeClaim"),
                meta::str_at(claim_ref, "/namespace"),
                meta::str_at(claim_ref, "/name"),
            )
            .ok()
            .filter(|c| meta::uid(c) == meta::str_at(claim_ref, "/uid"));
        let Some(claim) = claim else {
            if !matches!(meta::str_at(volume, "/status/phase"), "Released" | "Failed") {
                self.volume_phase(volume, "Released");
            }
            self.reclaim(volume);
            return;
        };
        let claimed_volume = meta::str_at(claim, "/spec/volumeName");
        if claimed_volume.is_empty() {
            // The claim's sync binds it (it is queued by this very change).
        } else if claimed_volume == meta::name(volume) {
            self.volume_phase(volume, "Bound");
        } else if annotation(volume, ANN_PROVISIONED_BY).is_some()
            && meta::str_at(volume, "/spec/persistentVolumeReclaimPolicy") == "Delete"
        {
            if !matches!(meta::str_at(volume, "/status/phase"), "Released" | "Failed") {
                self.volume_phase(volume, "Released");
            }
            self.reclaim(volume);
        } else {
            // Bound to a claim that went elsewhere: give the volume back.
            let mut updated = to_write(volume);
            if annotation(volume, ANN_BOUND_BY_CONTROLLER).is_some() {
                meta::ensure_object(&mut updated, "spec").remove("claimRef");
                annotations_mut(&mut updated).remove(ANN_BOUND_BY_CONTROLLER);
            } else if let Some(r) = updated
                .pointer_mut("/spec/claimRef")
                .and_then(Value::as_object_mut)
            {
                r.remove("uid");
            }
            self.ops
                .push(Op::Update(kind("", "PersistentVolume"), updated.clone()));
            self.volume_phase(&updated, "Available");
        }
    }

    /// `reclaimVolume`: Retain keeps the volume Released; Delete leaves a provisioned volume to
    /// its provisioner, and fails for a hand-made one (no in-tree plugin deletes it).
    fn reclaim(&mut self, volume: &Value) {
        match meta::str_at(volume, "/spec/persistentVolumeReclaimPolicy") {
            "Retain" => {}
            "Delete" => {
                let external = annotation(volume, ANN_PROVISIONED_BY)
                    .is_some_and(|p| !p.starts_with("kubernetes.io/"));
                if external || meta::str_at(volume, "/status/phase") == "Failed" {
                    return;
                }
                // The in-tree hostPath deleter removes only directories under /tmp.
                let host_path = meta::at(volume, "/spec/hostPath/path").and_then(Value::as_str);
                match host_path {
                    Some(path) if path.starts_with("/tmp/") && path.len() > 5 => {
                        self.ops.push(Op::Delete {
                            kind: kind("", "PersistentVolume"),
                            key: volume_key(meta::name(volume)),
                            options: crate::store::DeleteOptions::default(),
                            event: None,
                        });
                    }
                    Some(path) => self.failed(
                        volume,
                        "VolumeFailedDelete",
                        format!("host_path deleter only supports /tmp/.+ but received provided {path}"),
                    ),
                    None => self.failed(
                        volume,
                        "VolumeFailedDelete",
                        format!(
                            "error getting deleter volume plugin for volume {:?}: no deletable volume plugin matched",
                            meta::name(volume)
                        ),
                    ),
                }
            }
            "Recycle" => {
                if meta::str_at(volume, "/status/phase") != "Failed" {
                    self.failed(
                        volume,
                        "VolumeFailedRecycle",
                        "No recycler plugin found for the volume!".into(),
                    );
                }
            }
            _ => {
                if meta::str_at(volume, "/status/phase") != "Failed" {
                    self.failed(
                        volume,
                        "VolumeUnknownReclaimPolicy",
                        "Volume has unrecognized PersistentVolumeReclaimPolicy".into(),
                    );
                }
            }
        }
    }

    /// `updateVolumePhaseWithEvent` to Failed.
    fn failed(&mut self, volume: &Value, reason: &'static str, message: String) {
        let mut updated = to_write(volume);
        updated["status"] = json!({
            "phase": "Failed",
            "message": message,
            "lastPhaseTransitionTime": self.now.rfc3339(),
        });
        self.ops
            .push(Op::UpdateStatus(kind("", "PersistentVolume"), updated));
        self.event(volume, true, reason, message);
    }
}

#[cfg(test)]
mod tests;
