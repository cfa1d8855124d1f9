//! The scheduler: binds each pending pod to a node, or says exactly why it cannot.
//!
//! A small version of upstream's framework: Filter plugins ([`plugins`]) each rule a node in or
//! out with a [`Rejection`] carrying upstream's reason string; Score plugins rank the nodes
//! left; the best node wins (ties broken by a seeded draw, as upstream breaks them at random).
//! When no node fits, the reasons are counted into upstream's `FailedScheduling` message
//! (`0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. ...`), and
//! the per-node verdicts are kept so the page can show why a pod is Pending.

pub mod plugins;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use crate::api::meta;
use crate::controllers::{Controller, Ctx, EventNote, ObjectKey, Op, Outcome, kind};
use crate::rng::Rng;
use crate::store::{Change, ChangeType, Store};
use crate::time::Time;

pub use plugins::NodeInfo;

/// Upstream's status codes for a node that does not fit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// Could fit if something changed on the node (e.g. pods were preempted).
    Unschedulable,
    /// Preempting pods would not help (a taint, a selector).
    UnschedulableAndUnresolvable,
}

/// Why a filter plugin rejected a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    pub plugin: &'static str,
    pub code: Code,
    pub reasons: Vec<String>,
}

impl Rejection {
    pub fn new(plugin: &'static str, code: Code, reason: &str) -> Rejection {
        Rejection {
            plugin,
            code,
            reasons: vec![reason.to_string()],
        }
    }
}

/// The scheduler's verdict on one pod: a node, or a per-node list of rejections.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Bind(String),
    Unschedulable {
        message: String,
        per_node: BTreeMap<String, Rejection>,
    },
}

pub struct Scheduler {
    rng: Rng,
    /// The last failed attempt per pending pod, for "why is this pod Pending?".
    pub diagnoses: BTreeMap<ObjectKey, BTreeMap<String, Rejection>>,
    /// Pods found unschedulable, left alone until something that could help happens (a node
    /// changes, a pod goes away) or the periodic flush — upstream's unschedulable queue.
    parked: BTreeSet<String>,
    last_flush: Time,
    /// Pods placed on a node whose volumes are still being bound or provisioned (by uid: the
    /// pod's key and the node) — upstream's assumed pods waiting in PreBind.
    binding: BTreeMap<String, (ObjectKey, String)>,
}

impl Default for Scheduler {
    fn default() -> Scheduler {
        Scheduler {
            rng: Rng::new(0x5c4e_d01e),
            diagnoses: BTreeMap::new(),
            parked: BTreeSet::new(),
            last_flush: Time::default(),
            binding: BTreeMap::new(),
        }
    }
}

/// Upstream moves pods parked as unschedulable back to the active queue at least this often.
const FLUSH_UNSCHEDULABLE_MILLIS: i64 = 5 * 60 * 1000;

/// The scheduler's two keys: new pods to place, or everything again (room may have been made).
fn queue_key(retry_parked: bool) -> ObjectKey {
    ObjectKey {
        namespace: String::new(),
        name: if retry_parked { "all" } else { "new" }.to_string(),
    }
}

/// Pods this scheduler is responsible for: not bound, not finished, ours by `schedulerName`.
fn wants_scheduling(pod: &Value) -> bool {
    meta::str_at(pod, "/spec/nodeName").is_empty()
        && !meta::is_deleting(pod)
        && matches!(
            meta::str_at(pod, "/spec/schedulerName"),
            "" | "default-scheduler"
        )
        && !matches!(meta::str_at(pod, "/status/phase"), "Succeeded" | "Failed")
}

impl Controller for Scheduler {
    fn name(&self) -> &'static str {
        "default-scheduler"
    }

    fn keys_for(&self, change: &Change, _store: &Store, out: &mut Vec<ObjectKey>) {
        match (change.kind.kind, change.change) {
            ("Pod", ChangeType::Added) if wants_scheduling(&change.object) => {
                out.push(queue_key(false))
            }
            ("Pod", ChangeType::Deleted)
                if !meta::str_at(&change.object, "/spec/nodeName").is_empty() =>
            {
                out.push(queue_key(true));
            }
            ("Node", _) => out.push(queue_key(true)),
            // A claim that changed may let the pods that use it go on (queueing hints: only
            // the pods VolumeBinding turned away for that claim come back).
            ("PersistentVolumeClaim", ChangeType::Added | ChangeType::Modified) => {
                out.push(ObjectKey {
                    namespace: meta::namespace(&change.object).to_string(),
                    name: format!("claim:{}", meta::name(&change.object)),
                });
            }
            ("PersistentVolume" | "StorageClass", ChangeType::Added | ChangeType::Modified) => {
                out.push(ObjectKey {
                    namespace: String::new(),
                    name: "volumes".into(),
                });
            }
            _ => {}
        }
    }

    /// One pass over the scheduling queue: every pending pod, highest priority first, then
    /// oldest, each placed against a snapshot that includes the pods placed before it.
    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        if key.name == "all" || ctx.now.since(self.last_flush) >= FLUSH_UNSCHEDULABLE_MILLIS {
            self.parked.clear();
            self.last_flush = ctx.now;
        }
        self.unpark_for_volumes(key, ctx.store);
        let mut nodes = NodeInfo::snapshot(ctx.store);
        let mut ops = self.finish_bindings(ctx.store, &mut nodes);
        let mut queue: Vec<&Value> = ctx
            .store
            .list(kind("", "Pod"), None)
            .filter(|p| {
                wants_scheduling(p)
                    && !self.parked.contains(meta::uid(p))
                    && !self.binding.contains_key(meta::uid(p))
            })
            .collect();
        queue.sort_by_key(|p| {
            (
                std::cmp::Reverse(
                    p.pointer("/spec/priority")
                        .and_then(Value::as_i64)
                        .unwrap_or(0),
                ),
                meta::str_at(p, "/metadata/creationTimestamp").to_string(),
            )
        });
        let pending: BTreeSet<ObjectKey> = ctx
            .store
            .list(kind("", "Pod"), None)
            .filter(|p| wants_scheduling(p))
            .map(ObjectKey::of)
            .collect();
        self.diagnoses.retain(|k, _| pending.contains(k));
        for pod in queue {
            let pod_key = ObjectKey::of(pod);
            match self.schedule(pod, &nodes, ctx.store) {
                Verdict::Bind(node) => {
                    self.diagnoses.remove(&pod_key);
                    let mut node_object = None;
                    if let Some(info) = nodes.iter_mut().find(|n| meta::name(n.node) == node) {
                        info.add(pod, &plugins::node_resources_fit::Requested::of_pod(pod));
                        node_object = Some(info.node);
                    }
                    // PreBind: volumes first; the pod waits until they are bound.
                    if let (Ok(Some(pod_volumes)), Some(node_object)) = (
                        plugins::volume_binding::pre_filter(pod, ctx.store),
                        node_object,
                    ) && !plugins::volume_binding::all_bound(pod, ctx.store)
                    {
                        ops.extend(plugins::volume_binding::bind_requests(
                            &pod_volumes,
                            ctx.store,
                            node_object,
                        ));
                        self.binding
                            .insert(meta::uid(pod).to_string(), (pod_key, node));
                        continue;
                    }
                    ops.push(Op::Bind {
                        key: pod_key.clone(),
                        node: node.clone(),
                    });
                    ops.push(Op::Event(EventNote {
                        about: meta::reference(pod),
                        warning: false,
                        reason: "Scheduled",
                        message: format!(
                            "Successfully assigned {}/{} to {node}",
                            pod_key.namespace, pod_key.name
                        ),
                        source: "default-scheduler",
                        host: String::new(),
                    }));
                }
                Verdict::Unschedulable { message, per_node } => {
                    self.diagnoses.insert(pod_key, per_node);
                    self.parked.insert(meta::uid(pod).to_string());
                    ops.extend(unschedulable_ops(pod, &message, ctx.now));
                }
            }
        }
        Outcome {
            ops,
            requeue_after: (!self.parked.is_empty())
                .then(|| (FLUSH_UNSCHEDULABLE_MILLIS - ctx.now.since(self.last_flush)).max(1)),
        }
    }
}

impl Scheduler {
    /// Unparks the pods a volume change may help: those using the changed claim, or (for a
    /// volume or class) every pod with claims.
    fn unpark_for_volumes(&mut self, key: &ObjectKey, store: &Store) {
        let claim = key.name.strip_prefix("claim:");
        if claim.is_none() && key.name != "volumes" {
            return;
        }
        if self.parked.is_empty() {
            return;
        }
        let namespace = claim.map(|_| key.namespace.as_str());
        let helped: Vec<String> = store
            .list(kind("", "Pod"), namespace)
            .filter(|p| self.parked.contains(meta::uid(p)))
            .filter(|p| {
                let claims = crate::controllers::persistentvolume::volumes::pod_claims(p);
                match claim {
                    Some(c) => claims.contains(&c),
                    None => !claims.is_empty(),
                }
            })
            .map(|p| meta::uid(p).to_string())
            .collect();
        for uid in helped {
            self.parked.remove(&uid);
        }
    }

    /// Binds the pods whose volumes are now bound; keeps the others' place on their node.
    fn finish_bindings<'a>(&mut self, store: &'a Store, nodes: &mut [NodeInfo<'a>]) -> Vec<Op> {
        let mut ops = Vec::new();
        let mut done = Vec::new();
        for (uid, (key, node)) in &self.binding {
            let pod = store
                .get(kind("", "Pod"), &key.namespace, &key.name)
                .ok()
                .filter(|p| meta::uid(p) == uid && wants_scheduling(p));
            let Some(pod) = pod else {
                done.push(uid.clone());
                continue;
            };
            if plugins::volume_binding::all_bound(pod, store) {
                done.push(uid.clone());
                ops.push(Op::Bind {
                    key: key.clone(),
                    node: node.clone(),
                });
                ops.push(Op::Event(EventNote {
                    about: pod.clone(),
                    warning: false,
                    reason: "Scheduled",
                    message: format!(
                        "Successfully assigned {}/{} to {node}",
                        key.namespace, key.name
                    ),
                    source: "default-scheduler",
                    host: String::new(),
                }));
            }
            if let Some(info) = nodes.iter_mut().find(|n| meta::name(n.node) == node) {
                info.add(pod, &plugins::node_resources_fit::Requested::of_pod(pod));
            }
        }
        for uid in done {
            self.binding.remove(&uid);
        }
        ops
    }
}

/// The pod condition and the Warning event of a failed attempt.
fn unschedulable_ops(pod: &Value, message: &str, now: Time) -> Vec<Op> {
    let mut updated = pod.clone();
    let condition = json!({
        "type": "PodScheduled",
        "status": "False",
        "reason": "Unschedulable",
        "message": message,
        "lastProbeTime": null,
        "lastTransitionTime": existing_transition(pod).unwrap_or_else(|| now.rfc3339()),
    });
    // Only the PodScheduled condition is the scheduler's; the rest of the status stays.
    let status = meta::ensure_object(&mut updated, "status");
    status.insert("phase".into(), json!("Pending"));
    status.insert("conditions".into(), json!([condition]));
    let mut ops = Vec::new();
    if pod.get("status") != updated.get("status") {
        ops.push(Op::UpdateStatus(kind("", "Pod"), updated));
    }
    ops.push(Op::Event(EventNote {
        about: meta::reference(pod),
        warning: true,
        reason: "FailedScheduling",
        message: truncate_note(message),
        source: "default-scheduler",
        host: String::new(),
    }));
    ops
}

impl Scheduler {
    /// One scheduling cycle for `pod` against the snapshot of the nodes.
    pub fn schedule(&mut self, pod: &Value, nodes: &[NodeInfo<'_>], store: &Store) -> Verdict {
        if nodes.is_empty() {
            return Verdict::Unschedulable {
                message: "no nodes available to schedule pods".into(),
                per_node: BTreeMap::new(),
            };
        }
        let pod_volumes = match plugins::volume_binding::pre_filter(pod, store) {
            Ok(v) => v,
            Err(message) => {
                let rejection = Rejection::new(
                    plugins::volume_binding::NAME,
                    Code::UnschedulableAndUnresolvable,
                    &message,
                );
                return Verdict::Unschedulable {
                    message: pre_filter_error(nodes.len(), &message),
                    per_node: nodes
                        .iter()
                        .map(|n| (meta::name(n.node).to_string(), rejection.clone()))
                        .collect(),
                };
            }
        };
        let cycle = plugins::Cycle::new(pod, nodes);
        let mut feasible = Vec::new();
        let mut per_node = BTreeMap::new();
        for info in nodes {
            let rejection = plugins::filter(pod, info, &cycle).or_else(|| {
                pod_volumes
                    .as_ref()
                    .and_then(|v| plugins::volume_binding::filter(info, v, store))
            });
            match rejection {
                None => feasible.push(info),
                Some(rejection) => {
                    per_node.insert(meta::name(info.node).to_string(), rejection);
                }
            }
        }
        if feasible.is_empty() {
            return Verdict::Unschedulable {
                message: fit_error(pod, nodes.len(), &per_node),
                per_node,
            };
        }
        let scored: Vec<(i64, &NodeInfo)> = feasible
            .iter()
            .map(|info| (plugins::score(pod, info, &cycle), *info))
            .collect();
        let best = scored.iter().map(|(s, _)| *s).max().unwrap_or(0);
        let top: Vec<&NodeInfo> = scored
            .iter()
            .filter(|(s, _)| *s == best)
            .map(|(_, n)| *n)
            .collect();
        let pick = self.rng.below(top.len() as u64) as usize;
        let node = top
            .get(pick)
            .map(|n| meta::name(n.node))
            .unwrap_or_default();
        Verdict::Bind(node.to_string())
    }
}

/// `FitError.Error()` when a PreFilter plugin turned the pod away: its message once, with no
/// histogram. The PostFilter part is what v1.34+ clusters print here: DynamicResources'
/// PostFilter runs although its own PreFilter never did (PreFilter stops at the first
/// rejection), fails to read its cycle state, and its "not found" ends the message.
fn pre_filter_error(all: usize, message: &str) -> String {
    format!("0/{all} nodes are available: {message}. not found")
}

/// `FitError.Error()`: the histogram of reasons, then what the PostFilter plugins said
/// (dynamic resources first, then preemption with its own nested histogram).
fn fit_error(pod: &Value, all: usize, per_node: &BTreeMap<String, Rejection>) -> String {
    let histogram = |counts: BTreeMap<String, usize>| {
        let mut lines: Vec<String> = counts
            .into_iter()
            .map(|(r, n)| format!("{n} {r}"))
            .collect();
        lines.sort(); // upstream sorts the formatted strings, so "10 x" sorts before "2 y"
        lines.join(", ")
    };
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    for rejection in per_node.values() {
        for r in &rejection.reasons {
            *reasons.entry(r.clone()).or_default() += 1;
        }
    }
    let preemption = if meta::str_at(pod, "/spec/preemptionPolicy") == "Never" {
        "not eligible due to preemptionPolicy=Never.".to_string()
    } else {
        let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
        for rejection in per_node.values() {
            let why = match rejection.code {
                Code::UnschedulableAndUnresolvable => "Preemption is not helpful for scheduling",
                Code::Unschedulable => "No preemption victims found for incoming pod",
            };
            *outcomes.entry(why.to_string()).or_default() += 1;
        }
        format!("0/{all} nodes are available: {}.", histogram(outcomes))
    };
    format!(
        "0/{all} nodes are available: {}. no new claims to deallocate, preemption: {preemption}",
        histogram(reasons)
    )
}

/// Event notes are limited to 1024 bytes; upstream cuts longer ones with " ...".
fn truncate_note(message: &str) -> String {
    const LIMIT: usize = 1024;
    if message.len() <= LIMIT {
        return message.to_string();
    }
    let mut end = LIMIT - 4;
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    format!("{} ...", &message[..end])
}

fn existing_transition(pod: &Value) -> Option<String> {
    crate::controllers::condition(pod, "PodScheduled")
        .filter(|c| c.get("status").and_then(Value::as_str) == Some("False"))
        .and_then(|c| c.get("lastTransitionTime"))
        .and_then(Value::as_str)
        .map(str::to_string)
}
