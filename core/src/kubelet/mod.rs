//! Simulated kubelets: run the pods bound to each node through their lifecycle and report it in
//! pod status and events, as a real kubelet does.
//!
//! Each pod's containers are simulated by [`runtime`]: sandbox, image pull (from the
//! [`images`] catalogue, cached per node), create, start, exit and restart with back-off, and
//! graceful stop on deletion. The kubelet keeps that runtime state to itself (it is the node's,
//! not the API server's), writes the pod status derived from it, and asks the event loop to
//! wake it when the next thing is due.

pub mod heartbeat;
pub mod images;
pub mod runtime;
mod status;
mod volumes;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::api::meta;
use crate::controllers::{Controller, Ctx, EventNote, ObjectKey, Op, Outcome, kind};
use crate::store::{Change, DeleteOptions, Store};
use runtime::PodRuntime;
pub use status::qos_class;

#[derive(Default)]
pub struct Kubelet {
    pods: BTreeMap<ObjectKey, PodRuntime>,
    /// Images already pulled, per node.
    images: BTreeMap<String, BTreeSet<String>>,
    /// The last host part handed out per node, for pod IPs from the node's podCIDR.
    last_ip: BTreeMap<String, u32>,
    /// Nodes whose kubelet the sandbox stopped: their containers keep running, unreported.
    stopped: BTreeSet<String>,
}

impl Kubelet {
    fn allocate_ip(&mut self, node: &Value, host_network: bool) -> String {
        let node_ip = node
            .pointer("/status/addresses")
            .and_then(Value::as_array)
            .and_then(|a| a.iter().find(|a| meta::str_at(a, "/type") == "InternalIP"))
            .map(|a| meta::str_at(a, "/address").to_string())
            .unwrap_or_default();
        if host_network {
            return node_ip;
        }
        let cidr = meta::str_at(node, "/spec/podCIDR");
        let prefix = cidr
            .split('/')
            .next()
            .unwrap_or("")
            .rsplit_once('.')
            .map_or("10.244.0", |(p, _)| p);
        let last = self
            .last_ip
            .entry(meta::name(node).to_string())
            .or_insert(1);
        *last = if *last >= 254 { 2 } else { *last + 1 };
        format!("{prefix}.{last}")
    }
}

impl Controller for Kubelet {
    fn name(&self) -> &'static str {
        "kubelet"
    }

    fn keys_for(&self, change: &Change, store: &Store, out: &mut Vec<ObjectKey>) {
        if change.kind.kind == "Pod" && !meta::str_at(&change.object, "/spec/nodeName").is_empty() {
            out.push(ObjectKey::of(&change.object));
        }
        // A claim getting bound lets the pods waiting for it start.
        if change.kind.kind == "PersistentVolumeClaim" {
            volumes::users_of(&change.object, store, out);
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let pod = match ctx.store.get(kind("", "Pod"), &key.namespace, &key.name) {
            Ok(pod) if !meta::str_at(pod, "/spec/nodeName").is_empty() => pod,
            _ => {
                self.pods.remove(key);
                return Outcome::default();
            }
        };
        let node_name = meta::str_at(pod, "/spec/nodeName").to_string();
        if self.stopped.contains(&node_name) {
            return Outcome::default();
        }
        let Ok(node) = ctx.store.get(kind("", "Node"), "", &node_name) else {
            return Outcome::default(); // bound to a node that does not exist: nobody runs it
        };
        // A new pod, or a new pod of the same name (a StatefulSet's replacement).
        let known = self.pods.get(key).is_some_and(|r| r.uid == meta::uid(pod));
        if !known {
            if let Some(waiting) = volumes::wait(pod, node, key, ctx) {
                return waiting;
            }
            let host_network = pod.pointer("/spec/hostNetwork") == Some(&Value::Bool(true));
            let ip = self.allocate_ip(node, host_network);
            self.pods
                .insert(key.clone(), PodRuntime::new(pod, ip, ctx.now));
        }
        let cached = self.images.entry(node_name.clone()).or_default();
        let Some(runtime) = self.pods.get_mut(key) else {
            return Outcome::default();
        };
        let mut notes = Vec::new();
        runtime.advance(pod, ctx.now, cached, &mut notes);
        let mut ops: Vec<Op> = notes
            .into_iter()
            .map(|(warning, reason, message)| {
                Op::Event(EventNote {
                    about: meta::reference(pod),
                    warning,
                    reason,
                    message,
                    source: "kubelet",
                    host: node_name.clone(),
                })
            })
            .collect();
        if runtime.stopped_for_deletion() {
            ops.push(Op::Delete {
                kind: kind("", "Pod"),
                key: key.clone(),
                options: DeleteOptions {
                    propagation: None,
                    grace_period_seconds: Some(0),
                },
                event: None,
            });
            return Outcome::ops(ops);
        }
        let status = status::pod_status(pod, node, runtime, ctx.now);
        if pod.get("status") != Some(&status) {
            let mut updated = pod.clone();
            updated["status"] = status;
            ops.push(Op::UpdateStatus(kind("", "Pod"), updated));
        }
        Outcome {
            ops,
            requeue_after: runtime.next_due().map(|t| t.since(ctx.now).max(1)),
        }
    }

    fn set_kubelet_running(&mut self, node: &str, running: bool, store: &Store) -> Vec<ObjectKey> {
        if running {
            self.stopped.remove(node);
        } else {
            self.stopped.insert(node.to_string());
        }
        store
            .list(kind("", "Pod"), None)
            .filter(|pod| meta::str_at(pod, "/spec/nodeName") == node)
            .map(ObjectKey::of)
            .collect()
    }
}
