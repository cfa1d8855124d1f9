//! The node lifecycle controller (kube-controller-manager's `node-lifecycle-controller`).
//!
//! It watches each node's heartbeat — the Lease its kubelet renews in `kube-node-lease` — and
//! when none came within the grace period (50 s since v1.32), marks the node's conditions
//! `Unknown` ("Kubelet stopped posting node status."), marks its pods not ready, and records
//! `NodeNotReady`. It keeps the node's condition taints in step with its state: `unreachable` or
//! `not-ready` (NoSchedule and NoExecute), the pressure taints, and `unschedulable` for a
//! cordoned node. Evicting pods for NoExecute taints is [`super::taint_eviction`]'s job.

use serde_json::{Value, json};

use super::{Controller, Ctx, EventNote, ObjectKey, Op, Outcome, condition_status, kind};
use crate::api::meta;
use crate::kubelet::heartbeat::LEASE_NAMESPACE;
use crate::store::{Change, Store};
use crate::time::{SECOND, Time};

/// `--node-monitor-grace-period`: how long a node may stay silent.
const GRACE_PERIOD: i64 = 50 * SECOND;
/// `--node-startup-grace-period`: for a node that never reported.
const STARTUP_GRACE_PERIOD: i64 = 60 * SECOND;
/// `--node-monitor-period`: how often the controller looks.
const MONITOR_PERIOD: i64 = 5 * SECOND;

pub const UNREACHABLE: &str = "node.kubernetes.io/unreachable";
pub const NOT_READY: &str = "node.kubernetes.io/not-ready";
pub const UNSCHEDULABLE: &str = "node.kubernetes.io/unschedulable";

/// Taints this controller owns: (key, the condition and status that call for it). Taints with
/// these keys are replaced; everyone else's are left alone.
const CONDITION_TAINTS: &[(&str, &str, &str)] = &[
    (NOT_READY, "Ready", "False"),
    (UNREACHABLE, "Ready", "Unknown"),
    (
        "node.kubernetes.io/memory-pressure",
        "MemoryPressure",
        "True",
    ),
    ("node.kubernetes.io/disk-pressure", "DiskPressure", "True"),
    ("node.kubernetes.io/pid-pressure", "PIDPressure", "True"),
];

pub struct NodeLifecycleController;

impl Controller for NodeLifecycleController {
    fn name(&self) -> &'static str {
        "node-controller"
    }

    fn keys_for(&self, change: &Change, _store: &Store, out: &mut Vec<ObjectKey>) {
        let is_node_lease =
            change.kind.kind == "Lease" && meta::namespace(&change.object) == LEASE_NAMESPACE;
        if change.kind.kind == "Node" || is_node_lease {
            out.push(ObjectKey {
                namespace: String::new(),
                name: meta::name(&change.object).to_string(),
            });
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let Ok(node) = ctx.store.get(kind("", "Node"), "", &key.name) else {
            return Outcome::default();
        };
        let deadline = heartbeat_deadline(node, ctx);
        if ctx.now > deadline && condition_status(node, "Ready") != Some("Unknown") {
            // Taints follow on the next pass, from the conditions written here.
            return Outcome::ops(mark_unknown(node, ctx));
        }
        let mut ops = Vec::new();
        let taints = desired_taints(node, ctx.now);
        if node.pointer("/spec/taints").unwrap_or(&json!([])) != &taints {
            let mut updated = node.clone();
            if taints.as_array().is_some_and(Vec::is_empty) {
                meta::ensure_object(&mut updated, "spec").remove("taints");
            } else {
                updated["spec"]["taints"] = taints;
            }
            ops.push(Op::Update(kind("", "Node"), updated));
        }
        // Look again at the first monitor tick after the heartbeat would be late.
        let requeue_after = (ctx.now <= deadline).then(|| {
            let tick = (deadline.0.div_euclid(MONITOR_PERIOD) + 1) * MONITOR_PERIOD;
            (tick - ctx.now.0).max(1)
        });
        Outcome { ops, requeue_after }
    }
}

/// When the node's silence becomes too long: its last Lease renewal plus the grace period, or
/// for a node that never renewed, its creation plus the startup grace period.
fn heartbeat_deadline(node: &Value, ctx: &Ctx<'_>) -> Time {
    let lease = ctx
        .store
        .get(
            kind("coordination.k8s.io", "Lease"),
            LEASE_NAMESPACE,
            meta::name(node),
        )
        .ok()
        .and_then(|l| Time::parse_rfc3339(meta::str_at(l, "/spec/renewTime")));
    match lease {
        Some(renewed) => renewed.plus_millis(GRACE_PERIOD),
        None => Time::parse_rfc3339(meta::str_at(node, "/metadata/creationTimestamp"))
            .unwrap_or(ctx.now)
            .plus_millis(STARTUP_GRACE_PERIOD),
    }
}

/// Every condition of the node becomes Unknown; each pod on it stops being Ready.
fn mark_unknown(node: &Value, ctx: &Ctx<'_>) -> Vec<Op> {
    let now = ctx.now.rfc3339();
    let mut updated = node.clone();
    if let Some(conditions) = updated
        .pointer_mut("/status/conditions")
        .and_then(Value::as_array_mut)
    {
        for c in conditions {
            c["status"] = json!("Unknown");
            c["reason"] = json!("NodeStatusUnknown");
            c["message"] = json!("Kubelet stopped posting node status.");
            c["lastTransitionTime"] = json!(now);
        }
    }
    let name = meta::name(node);
    let mut ops = vec![
        Op::UpdateStatus(kind("", "Node"), updated),
        Op::Event(EventNote {
            about: meta::reference(node),
            warning: false,
            reason: "NodeNotReady",
            message: format!("Node {name} status is now: NodeNotReady"),
            source: "node-controller",
            host: String::new(),
        }),
    ];
    for pod in ctx.store.list(kind("", "Pod"), None) {
        if meta::str_at(pod, "/spec/nodeName") != name || !super::is_pod_ready(pod) {
            continue;
        }
        let mut updated = pod.clone();
        if let Some(conditions) = updated
            .pointer_mut("/status/conditions")
            .and_then(Value::as_array_mut)
        {
            for c in conditions.iter_mut().filter(|c| c["type"] == "Ready") {
                c["status"] = json!("False");
                c["lastTransitionTime"] = json!(now);
            }
        }
        ops.push(Op::UpdateStatus(kind("", "Pod"), updated));
        ops.push(Op::Event(EventNote {
            about: meta::reference(pod),
            warning: true,
            reason: "NodeNotReady",
            message: "Node is not ready".into(),
            source: "node-controller",
            host: String::new(),
        }));
    }
    ops
}

/// The node's taints as they should be: everyone else's as they are, then this controller's
/// for the node's conditions and for `spec.unschedulable`, each stamped with when it was added.
fn desired_taints(node: &Value, now: Time) -> Value {
    let current: Vec<Value> = node
        .pointer("/spec/taints")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let owned =
        |key: &str| key == UNSCHEDULABLE || CONDITION_TAINTS.iter().any(|(k, ..)| *k == key);
    let mut taints: Vec<Value> = current
        .iter()
        .filter(|t| !owned(meta::str_at(t, "/key")))
        .cloned()
        .collect();
    let existing = |key: &str, effect: &str| {
        current
            .iter()
            .find(|t| meta::str_at(t, "/key") == key && meta::str_at(t, "/effect") == effect)
    };
    let mut want =
        |key: &str, effect: &str| {
            taints.push(existing(key, effect).cloned().unwrap_or_else(
                || json!({"key": key, "effect": effect, "timeAdded": now.rfc3339()}),
            ));
        };
    for (key, type_, status) in CONDITION_TAINTS {
        if condition_status(node, type_) == Some(status) {
            want(key, "NoSchedule");
            if *type_ == "Ready" {
                want(key, "NoExecute");
            }
        }
    }
    if node.pointer("/spec/unschedulable") == Some(&json!(true)) {
        want(UNSCHEDULABLE, "NoSchedule");
    }
    Value::Array(taints)
}
