//! The kubelet's node half: it tells the control plane its node is alive by renewing the node's
//! Lease in `kube-node-lease` every 10 s, and posts `Ready` again when it comes back after a
//! stop. A stopped kubelet does nothing at all — the node lifecycle controller notices only
//! because the renewals stop, as in a real cluster.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::api::meta;
use crate::controllers::{Controller, Ctx, EventNote, ObjectKey, Op, Outcome, condition, kind};
use crate::store::{Change, ChangeType, Store};
use crate::time::SECOND;

/// The kubelet's `nodeLeaseRenewInterval`: a quarter of the 40 s lease duration.
const RENEW_INTERVAL: i64 = 10 * SECOND;
const LEASE_DURATION_SECONDS: i64 = 40;
pub const LEASE_NAMESPACE: &str = "kube-node-lease";

#[derive(Default)]
pub struct NodeHeartbeat {
    stopped: BTreeSet<String>,
}

impl Controller for NodeHeartbeat {
    fn name(&self) -> &'static str {
        "kubelet"
    }

    fn keys_for(&self, change: &Change, _store: &Store, out: &mut Vec<ObjectKey>) {
        if change.kind.kind == "Node" && change.change == ChangeType::Added {
            out.push(ObjectKey::of(&change.object));
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        if self.stopped.contains(&key.name) {
            return Outcome::default();
        }
        let Ok(node) = ctx.store.get(kind("", "Node"), "", &key.name) else {
            return Outcome::default();
        };
        let renew_time = ctx.now.rfc3339_micros();
        let lease_kind = kind("coordination.k8s.io", "Lease");
        let mut ops = vec![
            match ctx.store.get(lease_kind, LEASE_NAMESPACE, &key.name) {
                Ok(lease) => {
                    let mut lease = lease.clone();
                    lease["spec"]["renewTime"] = json!(renew_time);
                    Op::Update(lease_kind, lease)
                }
                Err(_) => Op::Create {
                    kind: lease_kind,
                    object: json!({
                        "apiVersion": "coordination.k8s.io/v1",
                        "kind": "Lease",
                        "metadata": {
                            "name": key.name,
                            "namespace": LEASE_NAMESPACE,
                            "ownerReferences": [{
                                "apiVersion": "v1", "kind": "Node", "name": key.name, "uid": meta::uid(node),
                            }],
                        },
                        "spec": {
                            "holderIdentity": key.name,
                            "leaseDurationSeconds": LEASE_DURATION_SECONDS,
                            "renewTime": renew_time,
                        },
                    }),
                    event: None,
                },
            },
        ];
        if condition(node, "Ready").and_then(|c| c.get("status")) != Some(&json!("True")) {
            ops.extend(post_ready(node, ctx.now.rfc3339()));
        }
        Outcome {
            ops,
            requeue_after: Some(RENEW_INTERVAL),
        }
    }

    fn set_kubelet_running(&mut self, node: &str, running: bool, _store: &Store) -> Vec<ObjectKey> {
        if running {
            self.stopped.remove(node);
        } else {
            self.stopped.insert(node.to_string());
        }
        vec![ObjectKey {
            namespace: String::new(),
            name: node.to_string(),
        }]
    }
}

/// The node conditions a healthy kubelet reports, and the `NodeReady` event it records.
fn post_ready(node: &Value, now: String) -> Vec<Op> {
    let healthy = [
        (
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        (
            "DiskPressure",
            "False",
            "KubeletHasNoDiskPressure",
            "kubelet has no disk pressure",
        ),
        (
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
        ),
        (
            "Ready",
            "True",
            "KubeletReady",
            "kubelet is posting ready status",
        ),
    ];
    let conditions: Vec<Value> = healthy
        .iter()
        .map(|(type_, status, reason, message)| {
            let transition = match condition(node, type_) {
                Some(c) if meta::str_at(c, "/status") == *status => {
                    meta::str_at(c, "/lastTransitionTime").to_string()
                }
                _ => now.clone(),
            };
            json!({
                "type": type_, "status": status, "reason": reason, "message": message,
                "lastHeartbeatTime": now, "lastTransitionTime": transition,
            })
        })
        .collect();
    let mut updated = node.clone();
    updated["status"]["conditions"] = Value::Array(conditions);
    vec![
        Op::UpdateStatus(kind("", "Node"), updated),
        Op::Event(EventNote {
            about: meta::reference(node),
            warning: false,
            reason: "NodeReady",
            message: format!("Node {} status is now: NodeReady", meta::name(node)),
            source: "kubelet",
            host: meta::name(node).to_string(),
        }),
    ]
}
