//! The ReplicaSet controller: keeps `spec.replicas` pods matching the template alive.
//!
//! Counts the active pods it controls (adopting matching orphans), creates the missing ones from
//! the template with `generateName`, deletes the surplus in upstream's order (unscheduled,
//! pending, not ready and crowded pods first), and reports counts in status.
//!
//! The same manager runs ReplicationControllers ([`super::replication_controller`]), as
//! upstream's replication manager is the ReplicaSet controller over another kind: only the kind,
//! the event source and the selector's shape (a plain label map) differ.

use std::cmp::Reverse;
use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{
    Controller, Ctx, EventNote, ObjectKey, Op, Outcome, int_at, is_controlled_by, is_pod_active,
    is_pod_available, is_pod_ready, kind, owner_key,
};
use crate::api::{meta, selector};
use crate::store::{Change, DeleteOptions, Store};

/// Upstream's `burstReplicas`: at most this many pods are created or deleted per sync.
const BURST_REPLICAS: usize = 500;

/// A controller keeping a count of pods from a template: the ReplicaSet controller, or the
/// replication manager. It remembers, per owner, why its last pod creation was refused:
/// upstream's sync returns that error and reports it as the `ReplicaFailure` condition.
pub struct ReplicaManager {
    pub group: &'static str,
    pub kind: &'static str,
    /// The component name events are reported by.
    pub source: &'static str,
    create_errors: BTreeMap<ObjectKey, String>,
}

impl ReplicaManager {
    pub fn new(group: &'static str, kind: &'static str, source: &'static str) -> ReplicaManager {
        ReplicaManager {
            group,
            kind,
            source,
            create_errors: BTreeMap::new(),
        }
    }

    /// The ReplicaSet controller.
    pub fn replica_sets() -> ReplicaManager {
        ReplicaManager::new("apps", "ReplicaSet", "replicaset-controller")
    }
}

impl Controller for ReplicaManager {
    fn name(&self) -> &'static str {
        self.source
    }

    fn keys_for(&self, change: &Change, store: &Store, out: &mut Vec<ObjectKey>) {
        if change.kind.kind == self.kind && change.kind.group == self.group {
            out.push(ObjectKey::of(&change.object));
        } else if change.kind.kind == "Pod" {
            match owner_key(&change.object, self.kind) {
                Some(key) => out.push(key),
                None if meta::controller_of(&change.object).is_none() => {
                    // An orphan: any owner of ours that selects it may adopt it.
                    let labels = meta::labels(&change.object);
                    let owner_kind = kind(self.group, self.kind);
                    for owner in store.list(owner_kind, Some(meta::namespace(&change.object))) {
                        if selector::matches(pod_selector(owner).as_ref(), labels) {
                            out.push(ObjectKey::of(owner));
                        }
                    }
                }
                None => {}
            }
        }
    }

    fn create_failed(&mut self, key: &ObjectKey, error: &crate::api::Status) {
        self.create_errors
            .insert(key.clone(), error.message.clone());
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let rs_kind = kind(self.group, self.kind);
        let Ok(rs) = ctx.store.get(rs_kind, &key.namespace, &key.name) else {
            return Outcome::default();
        };
        let owned = PodSet::claim(rs, ctx.store);
        let mut ops = owned.ownership_changes;
        let active: Vec<&Value> = owned
            .pods
            .iter()
            .copied()
            .filter(|p| is_pod_active(p))
            .collect();
        let wanted = int_at(rs, "/spec/replicas").max(0) as usize;
        if !meta::is_deleting(rs) {
            if active.len() < wanted {
                let missing = (wanted - active.len()).min(BURST_REPLICAS);
                for _ in 0..missing {
                    ops.push(create_pod(rs, self.source));
                }
            } else if active.len() > wanted {
                let surplus = (active.len() - wanted).min(BURST_REPLICAS);
                for pod in pods_to_delete(&active, surplus) {
                    ops.push(delete_pod(rs, pod, self.source));
                }
            }
        }
        let min_ready = int_at(rs, "/spec/minReadySeconds");
        let template_labels = rs
            .pointer("/spec/template/metadata/labels")
            .and_then(Value::as_object);
        let status = json!({
            "replicas": active.len(),
            "fullyLabeledReplicas": active.iter().filter(|p| template_labels.is_none_or(|t| meta::labels_match(t, meta::labels(p)))).count(),
            "readyReplicas": active.iter().filter(|p| is_pod_ready(p)).count(),
            "availableReplicas": active.iter().filter(|p| is_pod_available(p, min_ready, ctx.now)).count(),
            "observedGeneration": int_at(rs, "/metadata/generation"),
        });
        let mut status = drop_zero_counts(status);
        let failure = self.create_errors.remove(key);
        if let Some(conditions) = failure_conditions(rs, failure, wanted, active.len(), ctx) {
            status["conditions"] = conditions;
        }
        let mut outcome = Outcome::ops(ops);
        if rs.get("status") != Some(&status) {
            let mut updated = rs.clone();
            updated["status"] = status;
            outcome.ops.push(Op::UpdateStatus(rs_kind, updated));
        }
        // Pods become available `minReadySeconds` after they turn ready: look again then.
        if min_ready > 0
            && active
                .iter()
                .any(|p| is_pod_ready(p) && !is_pod_available(p, min_ready, ctx.now))
        {
            outcome.requeue_after = Some(1000);
        }
        outcome
    }
}

/// The ReplicaSet's conditions after a sync (`calculateStatus`): a `ReplicaFailure` appears
/// when pods could not be created (its message the API's error, kept while it lasts) and goes
/// once a sync succeeds; `None` when there are none to show.
fn failure_conditions(
    rs: &Value,
    failure: Option<String>,
    wanted: usize,
    active: usize,
    ctx: &Ctx<'_>,
) -> Option<Value> {
    let mut conditions: Vec<Value> = rs
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let present = conditions
        .iter()
        .any(|c| c.get("type").and_then(Value::as_str) == Some("ReplicaFailure"));
    match failure {
        Some(message) if !present => {
            let reason = if active < wanted {
                "FailedCreate"
            } else {
                "FailedDelete"
            };
            conditions.push(json!({
                "type": "ReplicaFailure",
                "status": "True",
                "lastTransitionTime": ctx.now.rfc3339(),
                "reason": reason,
                "message": message,
            }));
        }
        None if present => {
            conditions.retain(|c| c.get("type").and_then(Value::as_str) != Some("ReplicaFailure"));
        }
        _ => {}
    }
    (!conditions.is_empty()).then_some(Value::Array(conditions))
}

/// The pods a workload controls, found as upstream's `ClaimPods` finds them: those it already
/// controls and its selector still matches, plus matching orphans it adopts. A controlled pod
/// whose labels no longer match is released (its controller reference removed), so the owner
/// replaces it and the pod lives on by itself — how one takes a pod out for debugging.
/// Adoptions and releases are updates of the pods, in `ownership_changes`.
pub struct PodSet<'a> {
    pub pods: Vec<&'a Value>,
    pub ownership_changes: Vec<Op>,
}

impl<'a> PodSet<'a> {
    pub fn claim(owner: &Value, store: &'a Store) -> PodSet<'a> {
        let uid = meta::uid(owner);
        let sel = pod_selector(owner);
        let sel = sel.as_ref();
        let mut set = PodSet {
            pods: Vec::new(),
            ownership_changes: Vec::new(),
        };
        for pod in store.list(kind("", "Pod"), Some(meta::namespace(owner))) {
            if is_controlled_by(pod, uid) {
                if selector::matches(sel, meta::labels(pod)) {
                    set.pods.push(pod);
                } else if !meta::is_deleting(owner) {
                    set.ownership_changes.push(release(pod, uid));
                }
            } else if meta::controller_of(pod).is_none()
                && !meta::is_deleting(pod)
                && !meta::is_deleting(owner)
                && selector::matches(sel, meta::labels(pod))
            {
                let mut adopted = pod.clone();
                let refs = meta::metadata_mut(&mut adopted)
                    .entry("ownerReferences")
                    .or_insert(json!([]));
                if let Some(refs) = refs.as_array_mut() {
                    refs.push(meta::controller_ref(owner));
                }
                set.ownership_changes
                    .push(Op::Update(kind("", "Pod"), adopted));
                set.pods.push(pod);
            }
        }
        set
    }
}

/// The pod without the controller reference to `owner_uid` (upstream's release patch).
fn release(pod: &Value, owner_uid: &str) -> Op {
    let mut released = pod.clone();
    let m = meta::metadata_mut(&mut released);
    if let Some(refs) = m.get_mut("ownerReferences").and_then(Value::as_array_mut) {
        refs.retain(|r| r.get("uid").and_then(Value::as_str) != Some(owner_uid));
    }
    // An empty list is omitted, as the API server stores it.
    if m.get("ownerReferences")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty)
    {
        m.remove("ownerReferences");
    }
    Op::Update(kind("", "Pod"), released)
}

/// A new pod from the owner's template, named by the API server from `generateName`.
pub fn pod_from_template(owner: &Value) -> Value {
    let template = owner
        .pointer("/spec/template")
        .cloned()
        .unwrap_or(json!({}));
    let mut pod = json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": template.get("metadata").cloned().unwrap_or(json!({})),
        "spec": template.get("spec").cloned().unwrap_or(json!({})),
    });
    let m = meta::metadata_mut(&mut pod);
    m.remove("creationTimestamp");
    m.remove("name");
    m.insert(
        "generateName".into(),
        json!(format!("{}-", meta::name(owner))),
    );
    m.insert("namespace".into(), json!(meta::namespace(owner)));
    m.insert(
        "ownerReferences".into(),
        json!([meta::controller_ref(owner)]),
    );
    pod
}

/// The owner's pod selector as a `LabelSelector`: a ReplicationController's is a plain map of
/// labels, which reads as `matchLabels`.
pub fn pod_selector(owner: &Value) -> Option<Value> {
    let selector = owner.pointer("/spec/selector").cloned();
    if meta::str_at(owner, "/kind") == "ReplicationController" {
        return match selector {
            Some(Value::Object(labels)) if !labels.is_empty() => {
                Some(json!({"matchLabels": labels}))
            }
            // An empty or absent selector selects nothing here (defaulting fills it in).
            _ => None,
        };
    }
    selector
}

fn create_pod(rs: &Value, source: &'static str) -> Op {
    Op::Create {
        kind: kind("", "Pod"),
        object: pod_from_template(rs),
        event: Some(EventNote {
            about: meta::reference(rs),
            warning: false,
            reason: "SuccessfulCreate",
            message: "Created pod: {name}".into(),
            source,
            host: String::new(),
        }),
    }
}

fn delete_pod(rs: &Value, pod: &Value, source: &'static str) -> Op {
    Op::Delete {
        kind: kind("", "Pod"),
        key: ObjectKey::of(pod),
        options: DeleteOptions::default(),
        event: Some(EventNote {
            about: meta::reference(rs),
            warning: false,
            reason: "SuccessfulDelete",
            message: format!("Deleted pod: {}", meta::name(pod)),
            source,
            host: String::new(),
        }),
    }
}

/// The `count` pods to delete first, in upstream's `ActivePodsWithRanks` order: unscheduled
/// before scheduled, Pending before Unknown before Running, not ready before ready, pods on
/// nodes crowded with siblings first, more restarts first, newer first.
pub fn pods_to_delete<'a>(pods: &[&'a Value], count: usize) -> Vec<&'a Value> {
    let mut per_node: BTreeMap<&str, usize> = BTreeMap::new();
    for p in pods {
        *per_node
            .entry(meta::str_at(p, "/spec/nodeName"))
            .or_default() += 1;
    }
    let mut ranked: Vec<&Value> = pods.to_vec();
    ranked.sort_by_key(|p| {
        let node = meta::str_at(p, "/spec/nodeName");
        let phase_rank = match meta::str_at(p, "/status/phase") {
            "Pending" => 0,
            "Unknown" => 1,
            _ => 2,
        };
        let restarts: i64 = p
            .pointer("/status/containerStatuses")
            .and_then(Value::as_array)
            .map(|cs| cs.iter().map(|c| int_at(c, "/restartCount")).sum())
            .unwrap_or(0);
        (
            !node.is_empty(),
            phase_rank,
            is_pod_ready(p),
            Reverse(if node.is_empty() {
                0
            } else {
                per_node.get(node).copied().unwrap_or(0)
            }),
            Reverse(restarts),
            Reverse(meta::str_at(p, "/metadata/creationTimestamp").to_string()),
            meta::name(p).to_string(),
        )
    });
    ranked.truncate(count);
    ranked
}

/// Status counters are `omitempty` upstream: zeros are not shown (except `replicas`).
pub fn drop_zero_counts(mut status: Value) -> Value {
    if let Some(map) = status.as_object_mut() {
        map.retain(|k, v| k == "replicas" || v != &json!(0));
    }
    status
}
