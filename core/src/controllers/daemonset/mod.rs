//! The DaemonSet controller: one pod on every node the DaemonSet's pods may run on.
//!
//! Follows upstream's `pkg/controller/daemon`. A node is eligible when the template's node
//! name, node selector and required node affinity fit it and its NoSchedule/NoExecute taints
//! are tolerated (a pod already there may stay while only NoSchedule taints are untolerated).
//! Each pod is pinned to its node with a `matchFields` node affinity (the scheduler binds it)
//! and carries the tolerations upstream adds to daemon pods. `manage` creates missing pods and
//! deletes surplus, failed and misplaced ones; then, with nothing left to manage, a
//! RollingUpdate replaces outdated pods within `maxUnavailable`/`maxSurge` ([`update`]), while
//! OnDelete waits for someone to delete them. Template history is kept as ControllerRevisions
//! ([`revisions`]); pods carry their revision's hash in `controller-revision-hash`.

mod revisions;
mod update;

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::replicaset::{PodSet, drop_zero_counts, pod_from_template};
use super::{
    Controller, Ctx, EventNote, ObjectKey, Op, Outcome, int_at, is_pod_available, is_pod_ready,
    kind, owner_key,
};
use crate::api::meta;
use crate::scheduler::plugins::{node_affinity, taint_toleration};
use crate::store::{Change, DeleteOptions, Store};
use crate::time::Time;

const SOURCE: &str = "daemonset-controller";
const GENERATION_LABEL: &str = "pod-template-generation";
const TEMPLATE_GENERATION: &str = "deprecated.daemonset.template.generation";

pub struct DaemonSetController;

impl Controller for DaemonSetController {
    fn name(&self) -> &'static str {
        SOURCE
    }

    fn keys_for(&self, change: &Change, store: &Store, out: &mut Vec<ObjectKey>) {
        match change.kind.kind {
            "DaemonSet" => out.push(ObjectKey::of(&change.object)),
            "Pod" => out.extend(owner_key(&change.object, "DaemonSet")),
            "ControllerRevision" => out.extend(owner_key(&change.object, "DaemonSet")),
            "Node" => out.extend(
                store
                    .list(kind("apps", "DaemonSet"), None)
                    .map(ObjectKey::of),
            ),
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let Ok(ds) = ctx
            .store
            .get(kind("apps", "DaemonSet"), &key.namespace, &key.name)
        else {
            return Outcome::default();
        };
        if meta::is_deleting(ds) {
            return Outcome::default();
        }
        Sync::new(ds, ctx).run()
    }
}

/// One sync of one DaemonSet (`syncDaemonSet`).
struct Sync<'a> {
    ds: &'a Value,
    store: &'a Store,
    now: Time,
    nodes: Vec<&'a Value>,
    /// Its pods by the node they run on or are aimed at, finished ones left out.
    by_node: BTreeMap<String, Vec<&'a Value>>,
    ops: Vec<Op>,
    collision_count: Option<i64>,
}

impl<'a> Sync<'a> {
    fn new(ds: &'a Value, ctx: &Ctx<'a>) -> Sync<'a> {
        let claimed = PodSet::claim(ds, ctx.store);
        let mut by_node: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
        for pod in claimed.pods {
            if matches!(meta::str_at(pod, "/status/phase"), "Succeeded" | "Failed")
                && meta::is_deleting(pod)
            {
                continue;
            }
            by_node.entry(target_node(pod)).or_default().push(pod);
        }
        for pods in by_node.values_mut() {
            pods.sort_by_key(|p| creation_and_phase(p));
        }
        Sync {
            ds,
            store: ctx.store,
            now: ctx.now,
            nodes: ctx.store.list(kind("", "Node"), None).collect(),
            by_node,
            ops: claimed.ownership_changes,
            collision_count: None,
        }
    }

    fn run(mut self) -> Outcome {
        let ds = self.ds;
        let Some((hash, old)) = self.construct_history() else {
            // A hash collision was counted: the status update brings us back.
            self.write_status("");
            return Outcome::ops(self.ops);
        };
        let managed = self.manage(&hash);
        if !managed && meta::str_at(ds, "/spec/updateStrategy/type") == "RollingUpdate" {
            self.rolling_update(&hash);
        }
        self.cleanup_history(&old);
        let waiting_for_availability = self.write_status(&hash);
        let mut outcome = Outcome::ops(self.ops);
        // Pods turn available `minReadySeconds` after they turn ready: look again then.
        if waiting_for_availability {
            outcome.requeue_after = Some(1000);
        }
        outcome
    }

    /// `NodeShouldRunDaemonPod`: whether a daemon pod should be on the node, and whether one
    /// already there may stay (only NoExecute taints evict).
    fn should_run(&self, node: &Value) -> (bool, bool) {
        let template_node = meta::str_at(self.ds, "/spec/template/spec/nodeName");
        if !template_node.is_empty() && template_node != meta::name(node) {
            return (false, false);
        }
        let pod = daemon_tolerations(&json!({
            "spec": self.ds.pointer("/spec/template/spec").cloned().unwrap_or(json!({}))
        }));
        if !node_affinity::required_matches(&pod, node) {
            return (false, false);
        }
        if taint_toleration::untolerated(&pod, node, true).is_none() {
            return (true, true);
        }
        let evicting = taints(node).any(|t| {
            meta::str_at(t, "/effect") == "NoExecute" && !taint_toleration::tolerated(&pod, t)
        });
        (false, !evicting)
    }

    /// `manage`: creates the pods eligible nodes lack, deletes failed, doubled and misplaced
    /// ones. Returns whether it asked for anything (then the rolling update waits a round, as
    /// upstream's expectations make it wait).
    fn manage(&mut self, hash: &str) -> bool {
        let surge = update::allows_surge(self.ds);
        let mut create_on: Vec<String> = Vec::new();
        let mut delete: Vec<&'a Value> = Vec::new();
        let nodes = self.nodes.clone();
        for node in &nodes {
            let name = meta::name(node);
            let (should_run, may_stay) = self.should_run(node);
            let pods = self.by_node.get(name).cloned();
            match pods {
                None if should_run => create_on.push(name.to_string()),
                Some(pods) if may_stay => {
                    let mut running: Vec<&'a Value> = Vec::new();
                    for pod in pods {
                        if meta::is_deleting(pod) {
                            continue;
                        }
                        match meta::str_at(pod, "/status/phase") {
                            "Failed" => {
                                self.ops.push(Op::Event(EventNote {
                                    about: meta::reference(self.ds),
                                    warning: true,
                                    reason: "FailedDaemonPod",
                                    message: format!(
                                        "Found failed daemon pod {}/{} on node {name}, will try to kill it",
                                        meta::namespace(pod),
                                        meta::name(pod)
                                    ),
                                    source: SOURCE,
                                    host: String::new(),
                                }));
                                delete.push(pod);
                            }
                            "Succeeded" => delete.push(pod),
                            _ => running.push(pod),
                        }
                    }
                    if !surge {
                        // More than one: keep the oldest.
                        delete.extend(running.iter().skip(1));
                        continue;
                    }
                    if running.len() <= 1 {
                        if running.is_empty() {
                            create_on.push(name.to_string());
                        }
                        continue;
                    }
                    // With surge, two may run while the new one is not yet available and the
                    // old one still is; of the rest, the oldest of each kind stays.
                    let mut oldest_new = None;
                    let mut oldest_old = None;
                    for pod in running {
                        let slot = if revision_hash(pod) == hash {
                            &mut oldest_new
                        } else {
                            &mut oldest_old
                        };
                        if slot.is_none() {
                            *slot = Some(pod);
                        } else {
                            delete.push(pod);
                        }
                    }
                    if let (Some(new), Some(old)) = (oldest_new, oldest_old)
                        && (!is_pod_ready(old) || is_pod_available(new, self.min_ready(), self.now))
                    {
                        delete.push(old);
                    }
                }
                Some(pods) if !may_stay => {
                    delete.extend(pods.into_iter().filter(|p| !meta::is_deleting(p)));
                }
                _ => {}
            }
        }
        // Unscheduled pods aimed at nodes that are gone.
        for (node, pods) in &self.by_node {
            if !nodes.iter().any(|n| meta::name(n) == node) {
                delete.extend(
                    pods.iter()
                        .filter(|p| meta::str_at(p, "/spec/nodeName").is_empty()),
                );
            }
        }
        let changed = !create_on.is_empty() || !delete.is_empty();
        self.sync_nodes(&delete, &create_on, hash);
        changed
    }

    /// `syncNodes`: deletes the given pods and creates one on each given node.
    fn sync_nodes(&mut self, delete: &[&Value], create_on: &[String], hash: &str) {
        for node in create_on {
            let pod = self.new_pod(node, hash);
            self.ops.push(Op::Create {
                kind: kind("", "Pod"),
                object: pod,
                event: Some(self.event("SuccessfulCreate", "Created pod: {name}".into())),
            });
        }
        for pod in delete {
            self.ops.push(Op::Delete {
                kind: kind("", "Pod"),
                key: ObjectKey::of(pod),
                options: DeleteOptions::default(),
                event: Some(self.event(
                    "SuccessfulDelete",
                    format!("Deleted pod: {}", meta::name(pod)),
                )),
            });
        }
    }

    fn event(&self, reason: &'static str, message: String) -> EventNote {
        EventNote {
            about: meta::reference(self.ds),
            warning: false,
            reason,
            message,
            source: SOURCE,
            host: String::new(),
        }
    }

    /// `CreatePodTemplate` for one node: the template with the daemon tolerations, the
    /// template generation and revision hash labels, and a required node affinity naming the
    /// node (replacing the template's required node affinity, already checked here).
    fn new_pod(&self, node: &str, hash: &str) -> Value {
        let mut pod = daemon_tolerations(&pod_from_template(self.ds));
        let labels = meta::child_object(meta::metadata_mut(&mut pod), "labels");
        labels.insert(
            GENERATION_LABEL.into(),
            json!(template_generation(self.ds).to_string()),
        );
        if !hash.is_empty() {
            labels.insert(super::history::POD_HASH_LABEL.into(), json!(hash));
        }
        let affinity = meta::child_object(meta::ensure_object(&mut pod, "spec"), "affinity");
        meta::child_object(affinity, "nodeAffinity").insert(
            "requiredDuringSchedulingIgnoredDuringExecution".into(),
            json!({"nodeSelectorTerms": [
                {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}
            ]}),
        );
        pod
    }

    fn min_ready(&self) -> i64 {
        int_at(self.ds, "/spec/minReadySeconds")
    }

    /// `updateDaemonSetStatus`; returns whether a ready pod still waits to count as available.
    fn write_status(&mut self, hash: &str) -> bool {
        let ds = self.ds;
        let (mut desired, mut current, mut ready, mut available, mut misscheduled, mut updated) =
            (0, 0, 0, 0, 0, 0);
        let generation = template_generation(ds).to_string();
        for node in &self.nodes {
            let (should_run, _) = self.should_run(node);
            let pod = self
                .by_node
                .get(meta::name(node))
                .and_then(|pods| pods.first());
            if !should_run {
                misscheduled += usize::from(pod.is_some());
                continue;
            }
            desired += 1;
            let Some(pod) = pod else { continue };
            current += 1;
            if is_pod_ready(pod) {
                ready += 1;
                available += usize::from(is_pod_available(pod, self.min_ready(), self.now));
            }
            updated += usize::from(is_updated(pod, hash, &generation));
        }
        let mut status = drop_zero_counts(json!({
            "currentNumberScheduled": current,
            "desiredNumberScheduled": desired,
            "numberMisscheduled": misscheduled,
            "numberReady": ready,
            "numberAvailable": available,
            "numberUnavailable": desired - available.min(desired),
            "updatedNumberScheduled": updated,
            "observedGeneration": int_at(ds, "/metadata/generation"),
        }));
        // These counters are not omitempty upstream.
        for k in [
            "currentNumberScheduled",
            "desiredNumberScheduled",
            "numberMisscheduled",
            "numberReady",
        ] {
            status[k] = status.get(k).cloned().unwrap_or(json!(0));
        }
        if let Some(m) = status.as_object_mut() {
            m.remove("replicas");
        }
        let collisions = self
            .collision_count
            .or_else(|| ds.pointer("/status/collisionCount").and_then(Value::as_i64));
        if let Some(c) = collisions {
            status["collisionCount"] = json!(c);
        }
        if ds.get("status") != Some(&status) {
            let mut updated_ds = ds.clone();
            updated_ds["status"] = status;
            self.ops
                .push(Op::UpdateStatus(kind("apps", "DaemonSet"), updated_ds));
        }
        self.min_ready() > 0 && ready != available
    }
}

/// The template generation the API server keeps for a DaemonSet.
fn template_generation(ds: &Value) -> i64 {
    ds.pointer("/metadata/annotations")
        .and_then(|a| a.get(TEMPLATE_GENERATION))
        .and_then(Value::as_str)
        .and_then(|g| g.parse().ok())
        .unwrap_or_else(|| int_at(ds, "/metadata/generation"))
}

/// `IsPodUpdated`: the pod was made from the current revision (or template generation).
fn is_updated(pod: &Value, hash: &str, generation: &str) -> bool {
    let labels = meta::labels(pod);
    let label = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
    (!hash.is_empty() && label(super::history::POD_HASH_LABEL) == Some(hash))
        || label(GENERATION_LABEL) == Some(generation)
}

fn revision_hash(pod: &Value) -> &str {
    super::history::of_pod(pod)
}

/// `podByCreationTimestampAndPhase`: running pods before pending ones, then oldest first.
fn creation_and_phase(pod: &Value) -> (bool, String, String) {
    (
        meta::str_at(pod, "/status/phase") == "Pending",
        meta::str_at(pod, "/metadata/creationTimestamp").to_string(),
        meta::name(pod).to_string(),
    )
}

fn taints(node: &Value) -> impl Iterator<Item = &Value> {
    node.pointer("/spec/taints")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// The node a daemon pod is bound or pinned to.
fn target_node(pod: &Value) -> String {
    let bound = meta::str_at(pod, "/spec/nodeName");
    if !bound.is_empty() {
        return bound.to_string();
    }
    pod.pointer("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchFields/0/values/0")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string()
}

/// The tolerations upstream adds to every daemon pod, so that daemons keep running on nodes
/// that are not ready, unreachable, under pressure or cordoned.
fn daemon_tolerations(pod: &Value) -> Value {
    let mut pod = pod.clone();
    let spec = meta::ensure_object(&mut pod, "spec");
    let host_network = spec.get("hostNetwork") == Some(&json!(true));
    let list = spec.entry("tolerations").or_insert(json!([]));
    if let Some(list) = list.as_array_mut() {
        let mut add = |key: &str, effect: &str| {
            let present = list
                .iter()
                .any(|t| meta::str_at(t, "/key") == key && meta::str_at(t, "/effect") == effect);
            if !present {
                list.push(json!({"key": key, "operator": "Exists", "effect": effect}));
            }
        };
        add("node.kubernetes.io/not-ready", "NoExecute");
        add("node.kubernetes.io/unreachable", "NoExecute");
        add("node.kubernetes.io/disk-pressure", "NoSchedule");
        add("node.kubernetes.io/memory-pressure", "NoSchedule");
        add("node.kubernetes.io/pid-pressure", "NoSchedule");
        add("node.kubernetes.io/unschedulable", "NoSchedule");
        if host_network {
            add("node.kubernetes.io/network-unavailable", "NoSchedule");
        }
    }
    pod
}

#[cfg(test)]
mod tests;
