//! Simulated kubelets: run the pods bound to each node through their lifecycle and report it in
//! pod status and events, as a real kubelet does.
//!
//! Each pod's containers are simulated by [`runtime`]: sandbox, volumes ([`mounts`], over
//! the container file systems of [`fs`]), init containers and sidecars, image pull (from the
//! [`images`] catalogue, cached per node), environment ([`env`]), the main process
//! ([`process`]: a script on the [`sh`] shell, or a simulated program from [`apps`]), probes
//! ([`probes`], actions in [`handlers`]), lifecycle hooks, exits, OOM kills and restarts with
//! back-off, and graceful stop on deletion. The kubelet keeps that runtime state to itself (it
//! is the node's, not the API server's), writes the pod status derived from it
//! ([`status`]), and asks the event loop to wake it when the next thing is due. The API
//! server reaches it for `kubectl logs` and `kubectl exec` through [`server`]; [`metrics`] is
//! the resource usage metrics-server reads.

pub mod apps;
pub mod base_fs;
pub mod env;
pub mod fs;
pub mod handlers;
pub mod heartbeat;
pub mod images;
pub mod logs;
pub mod metrics;
pub mod mounts;
pub mod probes;
pub mod process;
pub mod runtime;
pub mod server;
pub mod sh;
mod status;
mod volumes;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::api::meta;
use crate::controllers::{Controller, Ctx, EventNote, ObjectKey, Op, Outcome, kind};
use crate::store::{Change, DeleteOptions, Store};
use crate::time::Time;
use fs::Disks;
use runtime::{Env, PodRuntime};
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
    /// Every container's and volume's files, on every node.
    disks: Disks,
    /// Load generators by name ([`metrics`]): infrastructure outside the cluster, set by the
    /// sandbox.
    loads: BTreeMap<String, metrics::Load>,
    /// The nodes' data plane (kube-proxy's choices and affinity table), which requests from
    /// containers go through.
    pub(crate) plane: crate::network::Dataplane,
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

    /// Brings a pod's runtime up to `now` (what a reconcile does, and what the kubelet's
    /// server does before answering, so that it answers about the present).
    fn sync(
        &mut self,
        key: &ObjectKey,
        store: &Store,
        now: Time,
    ) -> Option<(Vec<runtime::Note>, String)> {
        let pod = store.get(kind("", "Pod"), &key.namespace, &key.name).ok()?;
        let node_name = meta::str_at(pod, "/spec/nodeName").to_string();
        if node_name.is_empty() {
            return None;
        }
        let node = store.get(kind("", "Node"), "", &node_name).ok()?;
        // A new pod, or a new pod of the same name (a StatefulSet's replacement).
        let known = self.pods.get(key).is_some_and(|r| r.uid == meta::uid(pod));
        if !known {
            if let Some(old) = self.pods.remove(key) {
                self.disks.forget_pod(&old.uid);
            }
            let host_network = meta::at(pod, "/spec/hostNetwork") == Some(&Value::Bool(true));
            let ip = self.allocate_ip(node, host_network);
            self.pods
                .insert(key.clone(), PodRuntime::new(pod, node, ip, now));
        }
        let cached = self.images.entry(node_name.clone()).or_default();
        // The pod's runtime is taken out while it runs, so that its processes can reach the
        // other pods' containers over the network.
        let mut runtime = self.pods.remove(key)?;
        // Its own processes and probes reach it over localhost: the network sees a copy.
        self.pods.insert(key.clone(), runtime.network_copy());
        let mut notes = Vec::new();
        let origin = crate::network::Origin::Pod {
            pod: key.clone(),
            ip: runtime.ip.clone(),
            node: node_name.clone(),
        };
        let mut env = Env {
            pod,
            node,
            store,
            cached,
            disks: &mut self.disks,
            notes: &mut notes,
            net: Some(crate::network::Net {
                world: crate::network::World {
                    store,
                    pods: &self.pods,
                    now,
                },
                plane: &mut self.plane,
                origin,
            }),
        };
        set_background(&mut env, true);
        runtime.advance(now, &mut env);
        set_background(&mut env, false);
        drop(env);
        self.pods.insert(key.clone(), runtime);
        self.deliver_server_logs();
        Some((notes, node_name))
    }
}

/// Marks the requests made while a pod runs by itself (its processes, probes and hooks) as
/// background ones, which do not replace the last trace.
fn set_background(env: &mut Env<'_>, on: bool) {
    if let Some(net) = env.net.as_mut() {
        net.plane.background = on;
    }
}

impl Kubelet {
    /// Appends what servers logged while answering requests to their containers' logs.
    fn deliver_server_logs(&mut self) {
        for line in std::mem::take(&mut self.plane.logs) {
            if let Some(c) = self
                .pods
                .get_mut(&line.pod)
                .and_then(|p| p.find_mut(&line.container))
            {
                c.log.write(line.at, line.stream, &line.text);
            }
        }
    }

    /// The trace of the last request a container or `kubeplay curl` made.
    pub fn last_trace(&self) -> Option<&crate::network::Trace> {
        self.plane.last_trace()
    }

    /// A request from outside the cluster, run against the containers as they are now.
    pub fn from_outside<R>(
        &mut self,
        store: &Store,
        now: Time,
        call: impl FnOnce(&mut crate::network::Net<'_>, &Disks) -> R,
    ) -> R {
        let mut net = crate::network::Net {
            world: crate::network::World {
                store,
                pods: &self.pods,
                now,
            },
            plane: &mut self.plane,
            origin: crate::network::Origin::Outside,
        };
        let result = call(&mut net, &self.disks);
        self.deliver_server_logs();
        result
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
        let bound = ctx
            .store
            .get(kind("", "Pod"), &key.namespace, &key.name)
            .is_ok_and(|p| !meta::str_at(p, "/spec/nodeName").is_empty());
        if !bound {
            if let Some(old) = self.pods.remove(key) {
                self.disks.forget_pod(&old.uid);
            }
            return Outcome::default();
        }
        let Ok(pod) = ctx.store.get(kind("", "Pod"), &key.namespace, &key.name) else {
            return Outcome::default();
        };
        let node_name = meta::str_at(pod, "/spec/nodeName").to_string();
        if self.stopped.contains(&node_name) {
            return Outcome::default();
        }
        let Ok(node) = ctx.store.get(kind("", "Node"), "", &node_name) else {
            return Outcome::default(); // bound to a node that does not exist: nobody runs it
        };
        let known = self.pods.get(key).is_some_and(|r| r.uid == meta::uid(pod));
        if !known && let Some(waiting) = volumes::wait(pod, node, key, ctx) {
            return waiting;
        }
        let Some((notes, _)) = self.sync(key, ctx.store, ctx.now) else {
            return Outcome::default();
        };
        let Some(runtime) = self.pods.get(key) else {
            return Outcome::default();
        };
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

    fn as_kubelet(&mut self) -> Option<&mut Kubelet> {
        Some(self)
    }

    fn metrics_source(&self) -> Option<&Kubelet> {
        Some(self)
    }
}
