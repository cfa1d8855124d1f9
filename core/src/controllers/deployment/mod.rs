//! The Deployment controller: rolls a Deployment's pod template out through ReplicaSets.
//!
//! Follows upstream's `pkg/controller/deployment`, one file per concern: the ReplicaSet whose
//! template equals the Deployment's is the *new* one (created on demand as
//! `<deployment>-<pod-template-hash>`, [`sync`]), the others are *old*. A RollingUpdate grows
//! the new one within `maxSurge` and shrinks the old ones within `maxUnavailable`
//! ([`rolling`]); Recreate empties the old ones and waits for their pods to be gone before
//! starting the new one ([`recreate`]). A paused Deployment, or one whose replica count
//! changed, is only scaled — proportionally across its ReplicaSets during a rollout.
//! Status, the `Available` and `Progressing` conditions and the progress deadline are in
//! [`progress`]; the shared arithmetic in [`util`].
//!
//! A sync reads the Deployment once and writes its status (and revision annotation) at most
//! once at the end, as one status update — the Deployment's status subresource accepts
//! annotations, which is how upstream records the revision.

mod progress;
mod recreate;
mod rolling;
mod sync;
pub mod util;

#[cfg(test)]
mod tests;

use serde_json::{Map, Value, json};

use super::{Controller, Ctx, ObjectKey, Op, Outcome, is_controlled_by, kind, owner_key};
use crate::api::{meta, selector};
use crate::store::{Change, ChangeType, Store};
use crate::time::Time;
use util::{PAUSED, RESUMED, spec_replicas};

pub use util::{scaled_value, template_hash};

const SOURCE: &str = "deployment-controller";

pub struct DeploymentController;

impl Controller for DeploymentController {
    fn name(&self) -> &'static str {
        SOURCE
    }

    fn keys_for(&self, change: &Change, store: &Store, out: &mut Vec<ObjectKey>) {
        match change.kind.kind {
            "Deployment" => out.push(ObjectKey::of(&change.object)),
            "ReplicaSet" => match owner_key(&change.object, "Deployment") {
                Some(key) => out.push(key),
                None if meta::controller_of(&change.object).is_none() => {
                    // An orphan: any Deployment that selects it may adopt it.
                    let labels = meta::labels(&change.object);
                    for d in store.list(
                        kind("apps", "Deployment"),
                        Some(meta::namespace(&change.object)),
                    ) {
                        if selector::matches(d.pointer("/spec/selector"), labels) {
                            out.push(ObjectKey::of(d));
                        }
                    }
                }
                None => {}
            },
            // A Recreate rollout waits for the old pods to be gone, not just scaled away.
            "Pod" if change.change == ChangeType::Deleted => {
                if let Some(rs_key) = owner_key(&change.object, "ReplicaSet")
                    && let Ok(rs) =
                        store.get(kind("apps", "ReplicaSet"), &rs_key.namespace, &rs_key.name)
                {
                    out.extend(owner_key(rs, "Deployment"));
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let Ok(d) = ctx
            .store
            .get(kind("apps", "Deployment"), &key.namespace, &key.name)
        else {
            return Outcome::default();
        };
        Sync::new(d, ctx).run()
    }
}

/// One sync of one Deployment (`syncDeployment`).
struct Sync<'a> {
    d: &'a Value,
    store: &'a Store,
    now: Time,
    /// The ReplicaSets this Deployment owns, as this sync has changed them so far.
    rss: Vec<Value>,
    /// The Deployment's status and annotations as this sync has changed them so far.
    status: Value,
    annotations: Map<String, Value>,
    ops: Vec<Op>,
    requeue_after: Option<i64>,
}

impl<'a> Sync<'a> {
    fn new(d: &'a Value, ctx: &Ctx<'a>) -> Sync<'a> {
        Sync {
            d,
            store: ctx.store,
            now: ctx.now,
            rss: Vec::new(),
            status: d.get("status").cloned().unwrap_or(json!({})),
            annotations: d
                .pointer("/metadata/annotations")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
            ops: Vec::new(),
            requeue_after: None,
        }
    }

    fn run(mut self) -> Outcome {
        let d = self.d;
        self.claim_replica_sets();
        if meta::is_deleting(d) {
            let (new_rs, _) = self.new_and_old(false);
            self.sync_deployment_status(new_rs);
        } else {
            self.check_paused_conditions();
            if d.pointer("/spec/paused") == Some(&json!(true)) || self.is_scaling_event() {
                self.sync_scale();
            } else if meta::str_at(d, "/spec/strategy/type") == "Recreate" {
                self.rollout_recreate();
            } else {
                self.rollout_rolling();
            }
        }
        self.write_status();
        Outcome {
            ops: self.ops,
            requeue_after: self.requeue_after,
        }
    }

    /// `getReplicaSetsForDeployment`: the ReplicaSets it controls that still match its
    /// selector (others are released), plus matching orphans it adopts.
    fn claim_replica_sets(&mut self) {
        let d = self.d;
        let sel = d.pointer("/spec/selector");
        let rs_kind = kind("apps", "ReplicaSet");
        for rs in self.store.list(rs_kind, Some(meta::namespace(d))) {
            let matches = selector::matches(sel, meta::labels(rs));
            if is_controlled_by(rs, meta::uid(d)) {
                if matches || meta::is_deleting(d) {
                    self.rss.push(rs.clone());
                } else {
                    let mut released = rs.clone();
                    if let Some(refs) = released
                        .pointer_mut("/metadata/ownerReferences")
                        .and_then(Value::as_array_mut)
                    {
                        refs.retain(|r| meta::str_at(r, "/uid") != meta::uid(d));
                    }
                    self.ops.push(Op::Update(rs_kind, released));
                }
            } else if matches
                && meta::controller_of(rs).is_none()
                && !meta::is_deleting(rs)
                && !meta::is_deleting(d)
            {
                let mut adopted = rs.clone();
                let refs = meta::metadata_mut(&mut adopted)
                    .entry("ownerReferences")
                    .or_insert(json!([]));
                if let Some(refs) = refs.as_array_mut() {
                    refs.push(meta::controller_ref(d));
                }
                self.ops.push(Op::Update(rs_kind, adopted.clone()));
                self.rss.push(adopted);
            }
        }
    }

    /// `checkPausedConditions`: a paused Deployment says so in its `Progressing` condition
    /// (and says it was resumed once it is), so that time spent paused never counts against
    /// the progress deadline.
    fn check_paused_conditions(&mut self) {
        if !util::has_progress_deadline(self.d) {
            return;
        }
        let reason = util::condition(&self.status, "Progressing")
            .map(|c| meta::str_at(c, "/reason"))
            .unwrap_or("");
        if reason == util::TIMED_OUT {
            return;
        }
        let paused = self.d.pointer("/spec/paused") == Some(&json!(true));
        let (reason, message) = match (paused, reason == PAUSED) {
            (true, false) => (PAUSED, "Deployment is paused"),
            (false, true) => (RESUMED, "Deployment is resumed"),
            _ => return,
        };
        let condition = util::new_condition("Progressing", "Unknown", reason, message, self.now);
        util::set_condition(&mut self.status, condition);
    }

    /// `isScalingEvent`: an active ReplicaSet was sized for another replica count.
    fn is_scaling_event(&mut self) -> bool {
        let (new_rs, old) = self.new_and_old(false);
        let replicas = spec_replicas(self.d);
        old.iter()
            .copied()
            .chain(new_rs)
            .filter_map(|i| self.rss.get(i))
            .filter(|rs| spec_replicas(rs) > 0)
            .any(|rs| {
                util::annotation(rs, util::DESIRED_REPLICAS)
                    .parse::<i64>()
                    .is_ok_and(|desired| desired != replicas)
            })
    }

    /// Replaces a pending update of the same object (so that two changes to one ReplicaSet in
    /// one sync go out as one request), or queues a new one.
    fn update(&mut self, kind_name: &str, object: Value) {
        let k = kind("apps", kind_name);
        let pending = self.ops.iter_mut().find_map(|op| match op {
            Op::Update(existing_kind, existing)
                if existing_kind.kind == k.kind && meta::name(existing) == meta::name(&object) =>
            {
                Some(existing)
            }
            _ => None,
        });
        match pending {
            Some(slot) => *slot = object,
            None => self.ops.push(Op::Update(k, object)),
        }
    }

    /// The one status write of this sync: the status and the annotations (the revision), if
    /// either changed.
    fn write_status(&mut self) {
        let d = self.d;
        let old_annotations = d
            .pointer("/metadata/annotations")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if d.get("status") == Some(&self.status) && old_annotations == self.annotations {
            return;
        }
        let mut updated = d.clone();
        updated["status"] = self.status.clone();
        if !self.annotations.is_empty() || !old_annotations.is_empty() {
            meta::metadata_mut(&mut updated).insert(
                "annotations".into(),
                Value::Object(self.annotations.clone()),
            );
        }
        self.ops
            .push(Op::UpdateStatus(kind("apps", "Deployment"), updated));
    }
}
