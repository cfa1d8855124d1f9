//! The StatefulSet controller: pods with stable names, storage and order.
//!
//! Follows upstream's `pkg/controller/statefulset` (`stateful_set_control.go`): the set's
//! template history lives in ControllerRevisions ([`super::history`]); pods `<set>-0 .. <set>-(n-1)`
//! are created from the revision their ordinal calls for, each with its own claims from
//! `volumeClaimTemplates` ([`pods`]). With `OrderedReady`, a pod is created only once every lower
//! ordinal is Running and Ready, surplus pods go from the highest ordinal down, one at a time,
//! and nothing moves while a pod is terminating; `Parallel` does all of it at once. A rolling
//! update replaces pods from the highest ordinal down to `partition`, keeping at most
//! `maxUnavailable` pods unavailable; `OnDelete` leaves replacement to whoever deletes pods.

pub mod pods;

use serde_json::{Value, json};

use super::history as revision;
use super::{
    Controller, Ctx, EventNote, ObjectKey, Op, Outcome, int_at, is_controlled_by, is_pod_available,
    is_pod_ready, kind, owner_key,
};
use crate::api::{meta, selector};
use crate::store::{Change, DeleteOptions, Store};
use crate::time::Time;

const SOURCE: &str = "statefulset-controller";
/// The label a StatefulSet's revisions carry their hash in.
pub const HASH_LABEL: &str = "controller.kubernetes.io/hash";

pub struct StatefulSetController;

impl Controller for StatefulSetController {
    fn name(&self) -> &'static str {
        SOURCE
    }

    fn keys_for(&self, change: &Change, store: &Store, out: &mut Vec<ObjectKey>) {
        match change.kind.kind {
            "StatefulSet" => out.push(ObjectKey::of(&change.object)),
            "ControllerRevision" => out.extend(owner_key(&change.object, "StatefulSet")),
            "Pod" => match owner_key(&change.object, "StatefulSet") {
                Some(key) => out.push(key),
                None if meta::controller_of(&change.object).is_none() => {
                    // An orphan named like a member of a set that selects it may be adopted.
                    let labels = meta::labels(&change.object);
                    let set_kind = kind("apps", "StatefulSet");
                    for set in store.list(set_kind, Some(meta::namespace(&change.object))) {
                        if selector::matches(set.pointer("/spec/selector"), labels)
                            && pods::ordinal_in(set, &change.object).is_some()
                        {
                            out.push(ObjectKey::of(set));
                        }
                    }
                }
                None => {}
            },
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let Ok(set) = ctx
            .store
            .get(kind("apps", "StatefulSet"), &key.namespace, &key.name)
        else {
            return Outcome::default();
        };
        Sync::new(set, ctx).run()
    }
}

/// One slot of the ordinal range: the pod there, or the ordinal still to be created.
#[derive(Clone, Copy)]
enum Slot<'a> {
    Pod(&'a Value),
    Missing(i64),
}

impl<'a> Slot<'a> {
    fn pod(self) -> Option<&'a Value> {
        match self {
            Slot::Pod(p) => Some(p),
            Slot::Missing(_) => None,
        }
    }
}

/// The counts of `updateStatus`.
#[derive(Default)]
struct Counts {
    replicas: i64,
    ready: i64,
    available: i64,
    current: i64,
    updated: i64,
}

/// One sync of one StatefulSet (`updateStatefulSet`).
struct Sync<'a> {
    set: &'a Value,
    store: &'a Store,
    now: Time,
    min_ready: i64,
    ops: Vec<Op>,
    /// A claim being deleted holds a pod back: look again soon (upstream retries the error).
    retry: bool,
}

fn is_terminating(pod: &Value) -> bool {
    meta::is_deleting(pod)
}

fn is_running_and_ready(pod: &Value) -> bool {
    meta::str_at(pod, "/status/phase") == "Running" && is_pod_ready(pod)
}

impl<'a> Sync<'a> {
    fn new(set: &'a Value, ctx: &Ctx<'a>) -> Sync<'a> {
        Sync {
            set,
            store: ctx.store,
            now: ctx.now,
            min_ready: int_at(set, "/spec/minReadySeconds"),
            ops: Vec::new(),
            retry: false,
        }
    }

    fn available(&self, pod: &Value) -> bool {
        is_running_and_ready(pod) && is_pod_available(pod, self.min_ready, self.now)
    }

    /// `isUnavailable`: not healthy (running, ready, not terminating) or not yet available.
    fn unavailable(&self, slot: Slot<'_>) -> bool {
        slot.pod()
            .is_none_or(|p| is_terminating(p) || !self.available(p))
    }

    /// The set's pods: those it controls, and orphans named as its members that it adopts.
    fn claim_pods(&mut self) -> Vec<&'a Value> {
        let set = self.set;
        let uid = meta::uid(set);
        let mut claimed = Vec::new();
        for pod in self.store.list(kind("", "Pod"), Some(meta::namespace(set))) {
            if pods::ordinal_in(set, pod).is_none() {
                continue;
            }
            if is_controlled_by(pod, uid) {
                claimed.push(pod);
            } else if meta::controller_of(pod).is_none()
                && !meta::is_deleting(pod)
                && !meta::is_deleting(set)
                && selector::matches(set.pointer("/spec/selector"), meta::labels(pod))
            {
                let mut adopted = pod.clone();
                let refs = meta::metadata_mut(&mut adopted)
                    .entry("ownerReferences")
                    .or_insert(json!([]));
                if let Some(refs) = refs.as_array_mut() {
                    refs.push(meta::controller_ref(set));
                }
                self.ops.push(Op::Update(kind("", "Pod"), adopted));
                claimed.push(pod);
            }
        }
        claimed
    }

    /// `getStatefulSetRevisions`: the current and update revisions (names and templates), and
    /// the collision count. Creates the update revision, or renumbers an older equal one (a
    /// rollback), when the template changed.
    fn revisions(&mut self) -> (String, Value, String, Value, i64) {
        let set = self.set;
        let revisions = revision::list(set, self.store);
        let mut collisions = int_at(set, "/status/collisionCount");
        let next_number = revisions.last().map_or(0, |r| int_at(r, "/revision")) + 1;
        let data = revision::patch(set);
        let equal = revisions
            .iter()
            .rev()
            .find(|r| r.get("data") == Some(&data));
        let update_name = match equal {
            Some(r) if revisions.last() == Some(r) => meta::name(r).to_string(),
            Some(r) => {
                let mut renumbered = (*r).clone();
                renumbered["revision"] = json!(next_number);
                self.ops
                    .push(Op::Update(kind("apps", "ControllerRevision"), renumbered));
                meta::name(r).to_string()
            }
            None => self.create_revision(next_number, &mut collisions),
        };
        let set_template = set.pointer("/spec/template").cloned().unwrap_or(json!({}));
        let status_current = meta::str_at(set, "/status/currentRevision");
        let (current_name, current_template) = revisions
            .iter()
            .find(|r| meta::name(r) == status_current && !status_current.is_empty())
            .map_or((update_name.clone(), set_template.clone()), |r| {
                (meta::name(r).to_string(), revision::template(r))
            });
        (
            current_name,
            current_template,
            update_name,
            set_template,
            collisions,
        )
    }

    /// `CreateControllerRevision`: a name taken by a revision with other data is a collision;
    /// count it and hash again.
    fn create_revision(&mut self, number: i64, collisions: &mut i64) -> String {
        let set = self.set;
        let rev_kind = kind("apps", "ControllerRevision");
        for _ in 0..100 {
            let hash = revision::hash(&revision::patch(set), *collisions);
            let candidate = revision::new_revision(set, number, &hash, HASH_LABEL);
            let name = meta::name(&candidate).to_string();
            match self.store.get(rev_kind, meta::namespace(set), &name) {
                Ok(existing) if existing.get("data") == candidate.get("data") => return name,
                Ok(_) => *collisions += 1,
                Err(_) => {
                    self.ops.push(Op::Create {
                        kind: rev_kind,
                        object: candidate,
                        event: None,
                    });
                    return name;
                }
            }
        }
        String::new()
    }

    fn run(mut self) -> Outcome {
        let set = self.set;
        let members = self.claim_pods();
        let (current_rev, current_template, update_rev, update_template, collisions) =
            self.revisions();
        let replicas = int_at(set, "/spec/replicas").max(0);
        let start = pods::start_ordinal(set);
        let mut slots: Vec<Slot<'a>> = (start..start + replicas).map(Slot::Missing).collect();
        let mut condemned: Vec<(i64, &'a Value)> = Vec::new();
        for pod in &members {
            let Some(ordinal) = pods::ordinal_in(set, pod) else {
                continue;
            };
            if pods::in_range(set, ordinal) {
                if let Some(slot) = usize::try_from(ordinal - start)
                    .ok()
                    .and_then(|i| slots.get_mut(i))
                {
                    *slot = Slot::Pod(pod);
                }
            } else {
                condemned.push((ordinal, pod));
            }
        }
        condemned.sort_by_key(|(ordinal, _)| std::cmp::Reverse(*ordinal));
        let first_unavailable: Option<&Value> = slots
            .iter()
            .copied()
            .find(|s| self.unavailable(*s))
            .map(|s| s.pod())
            .unwrap_or_else(|| {
                condemned
                    .iter()
                    .rev()
                    .find(|(_, p)| self.unavailable(Slot::Pod(p)))
                    .map(|(_, p)| *p)
            });
        let mut counts = self.counts(&members, &current_rev, &update_rev);
        if !meta::is_deleting(set) {
            self.manage(
                &slots,
                &condemned,
                first_unavailable,
                (&current_rev, &current_template),
                (&update_rev, &update_template),
                &mut counts,
            );
        }
        self.write_status(counts, &current_rev, &update_rev, collisions);
        self.truncate_history(&members, &current_rev, &update_rev);
        let mut outcome = Outcome::ops(std::mem::take(&mut self.ops));
        // Pods become available `minReadySeconds` after they turn ready: look again then.
        if self.min_ready > 0
            && members
                .iter()
                .any(|p| is_running_and_ready(p) && !is_pod_available(p, self.min_ready, self.now))
            || self.retry
        {
            outcome.requeue_after = Some(1000);
        }
        outcome
    }

    /// `truncateHistory`: revisions that no pod uses and that are neither current nor the
    /// update revision go, oldest first, beyond `revisionHistoryLimit`.
    fn truncate_history(&mut self, members: &[&Value], current: &str, update: &str) {
        let limit = int_at(self.set, "/spec/revisionHistoryLimit");
        if limit < 0 {
            return;
        }
        let history: Vec<&Value> = revision::list(self.set, self.store)
            .into_iter()
            .filter(|r| {
                let name = meta::name(r);
                name != current
                    && name != update
                    && !members.iter().any(|p| revision::of_pod(p) == name)
            })
            .collect();
        let excess = history
            .len()
            .saturating_sub(usize::try_from(limit).unwrap_or(0));
        for old in history.into_iter().take(excess) {
            self.ops.push(Op::Delete {
                kind: kind("apps", "ControllerRevision"),
                key: ObjectKey::of(old),
                options: DeleteOptions::default(),
                event: None,
            });
        }
    }

    /// `computeReplicaStatus` over the set's pods.
    fn counts(&self, members: &[&Value], current: &str, update: &str) -> Counts {
        let mut c = Counts::default();
        for pod in members {
            c.replicas += 1;
            if is_running_and_ready(pod) {
                c.ready += 1;
                if self.available(pod) {
                    c.available += 1;
                }
            }
            if !is_terminating(pod) {
                let rev = revision::of_pod(pod);
                c.current += i64::from(rev == current);
                c.updated += i64::from(rev == update);
            }
        }
        c
    }

    /// Creates, repairs, deletes and replaces pods, in upstream's order; stops where
    /// `OrderedReady` has to wait.
    fn manage(
        &mut self,
        slots: &[Slot<'a>],
        condemned: &[(i64, &'a Value)],
        first_unavailable: Option<&Value>,
        current: (&str, &Value),
        update: (&str, &Value),
        counts: &mut Counts,
    ) {
        let set = self.set;
        let monotonic = meta::str_at(set, "/spec/podManagementPolicy") != "Parallel";
        for slot in slots {
            if self.process_replica(*slot, monotonic, current, update) && monotonic {
                return;
            }
        }
        for (_, pod) in condemned {
            self.fix_claim_owners(pod, true);
        }
        for (_, pod) in condemned {
            if is_terminating(pod) {
                if monotonic {
                    return;
                }
                continue;
            }
            let is_first = first_unavailable.is_some_and(|f| std::ptr::eq(f, *pod));
            if monotonic && !self.available(pod) && !is_first {
                return;
            }
            self.delete_pod(pod);
            if monotonic {
                return;
            }
        }
        if meta::str_at(set, "/spec/updateStrategy/type") == "OnDelete" {
            return;
        }
        self.rolling_update(slots, update.0, counts);
    }

    /// `processReplica`: returns whether an `OrderedReady` set must stop here.
    fn process_replica(
        &mut self,
        slot: Slot<'a>,
        monotonic: bool,
        current: (&str, &Value),
        update: (&str, &Value),
    ) -> bool {
        let set = self.set;
        let pod = match slot {
            Slot::Missing(ordinal) => {
                // newVersionedStatefulSetPod: ordinals below the partition stay at the current
                // revision during a rolling update.
                let partition = int_at(set, "/spec/updateStrategy/rollingUpdate/partition");
                let rolling = meta::str_at(set, "/spec/updateStrategy/type") == "RollingUpdate";
                let (rev, template) = if rolling && ordinal < partition {
                    current
                } else {
                    update
                };
                let pod = pods::new_pod(set, template, rev, ordinal);
                self.create_pod(pod, ordinal);
                return true;
            }
            Slot::Pod(pod) => pod,
        };
        let Some(ordinal) = pods::ordinal_in(set, pod) else {
            return false;
        };
        if matches!(meta::str_at(pod, "/status/phase"), "Failed" | "Succeeded") {
            if !is_terminating(pod) {
                self.delete_pod(pod);
            }
            return true;
        }
        if meta::str_at(pod, "/status/phase") == "Pending" {
            self.create_claims(pod, ordinal);
        }
        if monotonic && (is_terminating(pod) || !is_running_and_ready(pod) || !self.available(pod))
        {
            return true;
        }
        self.fix_claim_owners(pod, false);
        if pods::identity_matches(set, pod, ordinal) && pods::storage_matches(set, pod, ordinal) {
            return false;
        }
        let mut updated = pod.clone();
        pods::update_identity(set, &mut updated, ordinal);
        if !pods::storage_matches(set, pod, ordinal) {
            pods::update_storage(set, &mut updated, ordinal);
            self.create_claims(pod, ordinal);
        }
        self.ops.push(Op::Update(kind("", "Pod"), updated));
        self.event(
            false,
            "SuccessfulUpdate",
            format!(
                "update Pod {} in StatefulSet {} successful",
                meta::name(pod),
                meta::name(set)
            ),
        );
        false
    }

    /// The MaxUnavailable rolling update (on by default since v1.35): with at most
    /// `maxUnavailable` pods unavailable, delete outdated pods from the highest ordinal down to
    /// `partition`; the controller recreates them from the update revision.
    fn rolling_update(&mut self, slots: &[Slot<'a>], update_rev: &str, counts: &mut Counts) {
        let set = self.set;
        let partition = int_at(set, "/spec/updateStrategy/rollingUpdate/partition");
        let max_unavailable = max_unavailable(set, slots.len() as i64);
        let unavailable = slots.iter().filter(|s| self.unavailable(**s)).count() as i64;
        if unavailable > max_unavailable {
            return;
        }
        let mut budget = max_unavailable - unavailable;
        for (i, slot) in slots.iter().enumerate().rev() {
            if budget <= 0 || (i as i64) < partition {
                break;
            }
            if let Slot::Pod(pod) = slot
                && revision::of_pod(pod) != update_rev
                && !is_terminating(pod)
            {
                self.delete_pod(pod);
                budget -= 1;
                counts.current -= 1;
            }
        }
    }

    fn create_pod(&mut self, pod: Value, ordinal: i64) {
        let set = self.set;
        let name = meta::name(&pod).to_string();
        if let Some(claim) = self.deleting_claim(ordinal) {
            self.retry = true;
            self.event(
                true,
                "FailedCreate",
                format!(
                    "create Pod {name} in StatefulSet {} failed error: pvc {claim} is being deleted",
                    meta::name(set)
                ),
            );
            return;
        }
        self.create_claims(&pod, ordinal);
        self.ops.push(Op::Create {
            kind: kind("", "Pod"),
            object: pod,
            event: Some(self.note(
                false,
                "SuccessfulCreate",
                format!(
                    "create Pod {name} in StatefulSet {} successful",
                    meta::name(set)
                ),
            )),
        });
    }

    /// A claim of this ordinal that is being deleted: the pod must wait for it to go.
    fn deleting_claim(&self, ordinal: i64) -> Option<String> {
        let pvc_kind = kind("", "PersistentVolumeClaim");
        pods::claims(self.set, ordinal).into_iter().find_map(|c| {
            self.store
                .get(pvc_kind, meta::namespace(self.set), meta::name(&c))
                .ok()
                .filter(|existing| meta::is_deleting(existing))
                .map(|_| meta::name(&c).to_string())
        })
    }

    /// `createPersistentVolumeClaims`: the pod's claims that do not exist yet.
    fn create_claims(&mut self, pod: &Value, ordinal: i64) {
        let set = self.set;
        let pvc_kind = kind("", "PersistentVolumeClaim");
        for claim in pods::claims(set, ordinal) {
            if self
                .store
                .get(pvc_kind, meta::namespace(set), meta::name(&claim))
                .is_ok()
            {
                continue;
            }
            let message = format!(
                "create Claim {} Pod {} in StatefulSet {} success",
                meta::name(&claim),
                meta::name(pod),
                meta::name(set)
            );
            let claim = pods::claim_with_owners(set, pod, &claim, false).unwrap_or(claim);
            self.ops.push(Op::Create {
                kind: pvc_kind,
                object: claim,
                event: Some(self.note(false, "SuccessfulCreate", message)),
            });
        }
    }

    /// `UpdatePodClaimForRetentionPolicy`: owner references as the retention policy wants them.
    fn fix_claim_owners(&mut self, pod: &Value, scaled_down: bool) {
        let set = self.set;
        let Some(ordinal) = pods::ordinal_in(set, pod) else {
            return;
        };
        let pvc_kind = kind("", "PersistentVolumeClaim");
        for claim in pods::claims(set, ordinal) {
            if let Ok(existing) = self
                .store
                .get(pvc_kind, meta::namespace(set), meta::name(&claim))
                && let Some(updated) = pods::claim_with_owners(set, pod, existing, scaled_down)
            {
                self.ops.push(Op::Update(pvc_kind, updated));
            }
        }
    }

    fn delete_pod(&mut self, pod: &Value) {
        let message = format!(
            "delete Pod {} in StatefulSet {} successful",
            meta::name(pod),
            meta::name(self.set)
        );
        self.ops.push(Op::Delete {
            kind: kind("", "Pod"),
            key: ObjectKey::of(pod),
            options: DeleteOptions::default(),
            event: Some(self.note(false, "SuccessfulDelete", message)),
        });
    }

    fn note(&self, warning: bool, reason: &'static str, message: String) -> EventNote {
        EventNote {
            about: self.set.clone(),
            warning,
            reason,
            message,
            source: SOURCE,
            host: String::new(),
        }
    }

    fn event(&mut self, warning: bool, reason: &'static str, message: String) {
        let note = self.note(warning, reason, message);
        self.ops.push(Op::Event(note));
    }

    /// `updateStatefulSetStatus`, with `completeRollingUpdate`: once every pod is updated and
    /// ready, the update revision becomes the current one.
    fn write_status(&mut self, counts: Counts, current: &str, update: &str, collisions: i64) {
        let set = self.set;
        let mut current = current.to_string();
        let mut current_replicas = counts.current;
        if meta::str_at(set, "/spec/updateStrategy/type") == "RollingUpdate"
            && counts.updated == counts.replicas
            && counts.ready == counts.replicas
        {
            current = update.to_string();
            current_replicas = counts.updated;
        }
        let mut status = json!({
            "observedGeneration": int_at(set, "/metadata/generation"),
            "replicas": counts.replicas,
            "readyReplicas": counts.ready,
            "currentReplicas": current_replicas,
            "updatedReplicas": counts.updated,
            "currentRevision": current,
            "updateRevision": update,
            "collisionCount": collisions,
            "availableReplicas": counts.available,
        });
        // Upstream's omitempty fields.
        if let Some(map) = status.as_object_mut() {
            map.retain(|k, v| {
                !matches!(
                    k.as_str(),
                    "readyReplicas" | "currentReplicas" | "updatedReplicas" | "observedGeneration"
                ) || v != &json!(0)
            });
            map.retain(|_, v| v != &json!(""));
        }
        if let Some(conditions) = set.pointer("/status/conditions") {
            status["conditions"] = conditions.clone();
        }
        if set.get("status") != Some(&status) {
            let mut updated = set.clone();
            updated["status"] = status;
            self.ops
                .push(Op::UpdateStatus(kind("apps", "StatefulSet"), updated));
        }
    }
}

/// `getStatefulSetMaxUnavailable`: a number or a percentage of the replicas (rounded down),
/// at least 1.
fn max_unavailable(set: &Value, replicas: i64) -> i64 {
    let value = match set.pointer("/spec/updateStrategy/rollingUpdate/maxUnavailable") {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(1),
        Some(Value::String(s)) => s
            .strip_suffix('%')
            .and_then(|p| p.parse::<i64>().ok())
            .map_or(1, |p| p * replicas / 100),
        _ => 1,
    };
    value.max(1)
}

#[cfg(test)]
mod tests;
