//! The DaemonSet controller: one pod on every node the DaemonSet's pods may run on.
//!
//! A node is eligible when it matches the template's node selector and required node affinity
//! and its NoSchedule/NoExecute taints are tolerated. Each pod is pinned to its node with a
//! `matchFields` node affinity (the scheduler then binds it, as upstream does since v1.12) and
//! carries the tolerations upstream adds to daemon pods. Surplus pods — on ineligible nodes or
//! doubles — are deleted.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::replicaset::{drop_zero_counts, pod_from_template};
use super::{
    Controller, Ctx, EventNote, ObjectKey, Op, Outcome, int_at, is_controlled_by, is_pod_active,
    is_pod_available, is_pod_ready, kind, owner_key,
};
use crate::api::meta;
use crate::rng::{fnv1a32, safe_encode};
use crate::scheduler::plugins::{node_affinity, taint_toleration};
use crate::store::{Change, DeleteOptions, Store};

pub struct DaemonSetController;

impl Controller for DaemonSetController {
    fn name(&self) -> &'static str {
        "daemonset-controller"
    }

    fn keys_for(&self, change: &Change, store: &Store, out: &mut Vec<ObjectKey>) {
        match change.kind.kind {
            "DaemonSet" => out.push(ObjectKey::of(&change.object)),
            "Pod" => out.extend(owner_key(&change.object, "DaemonSet")),
            "Node" => out.extend(
                store
                    .list(kind("apps", "DaemonSet"), None)
                    .map(ObjectKey::of),
            ),
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let ds_kind = kind("apps", "DaemonSet");
        let Ok(ds) = ctx.store.get(ds_kind, &key.namespace, &key.name) else {
            return Outcome::default();
        };
        let uid = meta::uid(ds);
        let mut by_node: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
        for pod in ctx.store.list(kind("", "Pod"), Some(&key.namespace)) {
            if is_controlled_by(pod, uid) && is_pod_active(pod) {
                by_node.entry(target_node(pod)).or_default().push(pod);
            }
        }
        let template_spec = ds
            .pointer("/spec/template/spec")
            .cloned()
            .unwrap_or(json!({}));
        let template_pod = json!({"spec": template_spec});
        let mut ops = Vec::new();
        let (mut desired, mut current, mut ready, mut available, mut misscheduled) =
            (0, 0, 0, 0, 0);
        let min_ready = int_at(ds, "/spec/minReadySeconds");
        let nodes: Vec<&Value> = ctx.store.list(kind("", "Node"), None).collect();
        for node in &nodes {
            let name = meta::name(node);
            let eligible = node_affinity::required_matches(&template_pod, node)
                && taint_toleration::untolerated(&daemon_tolerations(&template_pod), node, true)
                    .is_none();
            let pods = by_node.remove(name).unwrap_or_default();
            if eligible {
                desired += 1;
                if pods.is_empty() {
                    if !meta::is_deleting(ds) {
                        ops.push(create_pod(ds, name));
                    }
                } else {
                    current += 1;
                    ready += usize::from(pods.iter().any(|p| is_pod_ready(p)));
                    available +=
                        usize::from(pods.iter().any(|p| is_pod_available(p, min_ready, ctx.now)));
                    // Doubles: keep the oldest.
                    for extra in pods.iter().skip(1) {
                        ops.push(delete_pod(extra));
                    }
                }
            } else if !pods.is_empty() {
                misscheduled += 1;
                for pod in pods {
                    ops.push(delete_pod(pod));
                }
            }
        }
        // Pods aimed at nodes that no longer exist.
        for pods in by_node.values() {
            for pod in pods {
                ops.push(delete_pod(pod));
            }
        }
        let status = drop_zero_counts(json!({
            "currentNumberScheduled": current,
            "desiredNumberScheduled": desired,
            "numberMisscheduled": misscheduled,
            "numberReady": ready,
            "numberAvailable": available,
            "numberUnavailable": desired - available.min(desired),
            "updatedNumberScheduled": current,
            "observedGeneration": int_at(ds, "/metadata/generation"),
        }));
        let mut status = status;
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
        if ds.get("status") != Some(&status) {
            let mut updated = ds.clone();
            updated["status"] = status;
            ops.push(Op::UpdateStatus(ds_kind, updated));
        }
        Outcome::ops(ops)
    }
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

fn create_pod(ds: &Value, node: &str) -> Op {
    let mut pod = daemon_tolerations(&pod_from_template(ds));
    let template = ds
        .pointer("/spec/template")
        .map(Value::to_string)
        .unwrap_or_default();
    let labels = meta::as_object_mut(
        meta::metadata_mut(&mut pod)
            .entry("labels")
            .or_insert(json!({})),
    );
    labels.insert(
        "controller-revision-hash".into(),
        json!(safe_encode(&fnv1a32(template.as_bytes()).to_string())),
    );
    labels.insert(
        "pod-template-generation".into(),
        json!(int_at(ds, "/metadata/generation").to_string()),
    );
    meta::ensure_object(&mut pod, "spec").insert(
        "affinity".into(),
        json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchFields": [{"key": "metadata.name", "operator": "In", "values": [node]}]}
        ]}}}),
    );
    Op::Create {
        kind: kind("", "Pod"),
        object: pod,
        event: Some(EventNote {
            about: meta::reference(ds),
            warning: false,
            reason: "SuccessfulCreate",
            message: "Created pod: {name}".into(),
            source: "daemonset-controller",
            host: String::new(),
        }),
    }
}

fn delete_pod(pod: &Value) -> Op {
    Op::Delete {
        kind: kind("", "Pod"),
        key: ObjectKey::of(pod),
        options: DeleteOptions::default(),
        event: None,
    }
}
