//! The scheduler: binds each pending pod to a node, or says exactly why it cannot.
//!
//! A small version of upstream's framework: PreFilter state computed once per pod
//! ([`plugins::Cycle`]), Filter plugins ([`plugins`]) that each rule a node in or out with a
//! [`Rejection`] carrying upstream's reason string, Score plugins that rank the nodes left
//! (normalized, weighted); the best node wins (ties broken by a seeded draw, as upstream breaks
//! them at random). When no node fits, PostFilter runs [`preemption`], and the reasons are
//! counted into upstream's `FailedScheduling` message ([`fit_error`]). [`explain`] runs the same
//! cycle for one pod without acting, for "why is this pod Pending / why is it here".

pub mod explain;
pub mod fit_error;
pub mod plugins;
pub mod preemption;
#[cfg(test)]
mod tests;

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

/// One scheduling cycle's findings for a pod: the PreFilter rejection, or each node's filter
/// verdict and the feasible nodes' scores.
pub struct Evaluation<'a> {
    /// The PreFilter state (`Err`: a PreFilter plugin rejected the pod everywhere).
    pub cycle: Result<plugins::Cycle<'a>, Rejection>,
    /// The nodes that did not pass, with the first filter that said no.
    pub rejected: BTreeMap<String, Rejection>,
    /// The nodes that passed (indexes into the snapshot) and their plugin scores.
    pub feasible: Vec<(usize, plugins::PluginScores)>,
}

/// Runs PreFilter, Filter (with nominated pods counted) and Score for `pod`.
pub fn evaluate<'a>(
    pod: &'a Value,
    nodes: &[NodeInfo<'a>],
    store: &'a Store,
    nominated: &preemption::Nominated<'a>,
) -> Evaluation<'a> {
    let cycle = plugins::Cycle::new(pod, nodes, store);
    let mut rejected = BTreeMap::new();
    let mut feasible = Vec::new();
    if let Ok(cycle) = &cycle {
        let mut passed = Vec::new();
        for (index, info) in nodes.iter().enumerate() {
            let extra = preemption::nominated_for(nominated, info.name(), pod);
            match plugins::filter_with_nominated(info, cycle, &extra) {
                None => passed.push(index),
                Some(rejection) => {
                    rejected.insert(info.name().to_string(), rejection);
                }
            }
        }
        let infos: Vec<&NodeInfo<'a>> = passed.iter().filter_map(|&i| nodes.get(i)).collect();
        let scores = plugins::score(&infos, nodes, cycle);
        feasible = passed.into_iter().zip(scores).collect();
    }
    Evaluation {
        cycle,
        rejected,
        feasible,
    }
}

pub struct Scheduler {
    rng: Rng,
    /// Tie-breaks for add-on pods (`store::is_addon`), kept apart like their names.
    addon_rng: Rng,
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
            addon_rng: Rng::new(0x5c4e_d01f),
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

/// What one scheduling attempt decided for a pod.
enum Decision<'a> {
    Bind(String),
    Unschedulable {
        message: String,
        /// `Some(node)`: set `status.nominatedNodeName` (empty: clear it); `None`: leave it.
        nominate: Option<String>,
        victims: Vec<&'a Value>,
    },
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
        let pending: Vec<&Value> = ctx
            .store
            .list(kind("", "Pod"), None)
            .filter(|p| wants_scheduling(p))
            .collect();
        let mut nominated = preemption::nominated_pods(&pending);
        let mut queue: Vec<&Value> = pending
            .iter()
            .copied()
            .filter(|p| {
                !self.parked.contains(meta::uid(p)) && !self.binding.contains_key(meta::uid(p))
            })
            .collect();
        queue.sort_by_key(|p| {
            (
                std::cmp::Reverse(preemption::priority(p)),
                meta::str_at(p, "/metadata/creationTimestamp").to_string(),
            )
        });
        for pod in queue {
            let pod_key = ObjectKey::of(pod);
            match self.decide(pod, &nodes, ctx.store, &nominated, ctx.now) {
                Decision::Bind(node) => {
                    unnominate(&mut nominated, pod);
                    let mut node_object = None;
                    if let Some(info) = nodes.iter_mut().find(|n| n.name() == node) {
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
                    ops.push(scheduled_event(pod, &pod_key, &node));
                }
                Decision::Unschedulable {
                    message,
                    nominate,
                    victims,
                } => {
                    self.parked.insert(meta::uid(pod).to_string());
                    if let Some(node) = nominate.as_deref().filter(|n| !n.is_empty()) {
                        let displaced = preemption::displaced(&nominated, node, pod);
                        ops.extend(preemption::victim_ops(
                            pod, node, &victims, &displaced, ctx.now,
                        ));
                        for other in displaced {
                            unnominate(&mut nominated, other);
                        }
                        unnominate(&mut nominated, pod);
                        nominated.entry(node.to_string()).or_default().push(pod);
                    } else if nominate.is_some() {
                        unnominate(&mut nominated, pod);
                    }
                    ops.extend(unschedulable_ops(
                        pod,
                        &message,
                        nominate.as_deref(),
                        ctx.now,
                    ));
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

/// Takes `pod` out of the nominations (it was bound, or lost its place).
fn unnominate(nominated: &mut preemption::Nominated<'_>, pod: &Value) {
    for pods in nominated.values_mut() {
        pods.retain(|p| meta::uid(p) != meta::uid(pod));
    }
}

fn scheduled_event(pod: &Value, key: &ObjectKey, node: &str) -> Op {
    Op::Event(EventNote {
        about: meta::reference(pod),
        warning: false,
        reason: "Scheduled",
        message: format!(
            "Successfully assigned {}/{} to {node}",
            key.namespace, key.name
        ),
        source: "default-scheduler",
        host: String::new(),
    })
}

impl Scheduler {
    /// One scheduling cycle for `pod` against the snapshot of the nodes: a node to bind to, or
    /// upstream's FitError text, with what preemption found.
    fn decide<'a>(
        &mut self,
        pod: &'a Value,
        nodes: &[NodeInfo<'a>],
        store: &'a Store,
        nominated: &preemption::Nominated<'a>,
        now: Time,
    ) -> Decision<'a> {
        if nodes.is_empty() {
            return Decision::Unschedulable {
                message: "no nodes available to schedule pods".into(),
                nominate: None,
                victims: Vec::new(),
            };
        }
        let evaluation = evaluate(pod, nodes, store, nominated);
        let cycle = match evaluation.cycle {
            Ok(cycle) => cycle,
            Err(rejection) => {
                let reason = rejection.reasons.first().cloned().unwrap_or_default();
                return Decision::Unschedulable {
                    message: fit_error::pre_filter_error(nodes.len(), &reason),
                    nominate: None,
                    victims: Vec::new(),
                };
            }
        };
        let best = evaluation
            .feasible
            .iter()
            .map(|(_, s)| plugins::total(s))
            .max();
        // A pod nominated by an earlier preemption goes to that node if it fits there now
        // (upstream evaluates the nominated node first).
        let nominated_node = meta::str_at(pod, "/status/nominatedNodeName");
        if !nominated_node.is_empty()
            && evaluation
                .feasible
                .iter()
                .any(|(i, _)| nodes.get(*i).is_some_and(|n| n.name() == nominated_node))
        {
            return Decision::Bind(nominated_node.to_string());
        }
        if let Some(best) = best {
            let top: Vec<usize> = evaluation
                .feasible
                .iter()
                .filter(|(_, s)| plugins::total(s) == best)
                .map(|(i, _)| *i)
                .collect();
            let rng = if crate::store::is_addon(pod) {
                &mut self.addon_rng
            } else {
                &mut self.rng
            };
            let pick = rng.below(top.len() as u64) as usize;
            let node = top
                .get(pick)
                .and_then(|&i| nodes.get(i))
                .map(|n| n.name())
                .unwrap_or_default();
            return Decision::Bind(node.to_string());
        }
        let outcome = preemption::preempt(
            &cycle,
            nodes,
            &evaluation.rejected,
            nominated,
            &mut self.rng,
            now,
        );
        let post = outcome.message().map(|m| fit_error::post_filter(&m));
        let message = fit_error::message(
            nodes.len(),
            evaluation.rejected.values(),
            None,
            post.as_deref(),
        );
        match outcome {
            preemption::Outcome::Nominated { node, victims } => Decision::Unschedulable {
                message,
                nominate: Some(node),
                victims,
            },
            preemption::Outcome::NotHelpful(_) => Decision::Unschedulable {
                message,
                nominate: Some(String::new()),
                victims: Vec::new(),
            },
            preemption::Outcome::NotEligible(_) => Decision::Unschedulable {
                message,
                nominate: None,
                victims: Vec::new(),
            },
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
                ops.push(scheduled_event(pod, key, node));
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

/// The pod condition (and nomination: a node to set, `""` to clear) and the Warning event of
/// a failed attempt.
fn unschedulable_ops(pod: &Value, message: &str, nominate: Option<&str>, now: Time) -> Vec<Op> {
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
    match nominate {
        Some("") => {
            status.remove("nominatedNodeName");
        }
        Some(node) => {
            status.insert("nominatedNodeName".into(), json!(node));
        }
        None => {}
    }
    let mut ops = Vec::new();
    if pod.get("status") != updated.get("status") {
        ops.push(Op::UpdateStatus(kind("", "Pod"), updated));
    }
    ops.push(Op::Event(EventNote {
        about: meta::reference(pod),
        warning: true,
        reason: "FailedScheduling",
        message: fit_error::truncate_note(message),
        source: "default-scheduler",
        host: String::new(),
    }));
    ops
}

fn existing_transition(pod: &Value) -> Option<String> {
    crate::controllers::condition(pod, "PodScheduled")
        .filter(|c| c.get("status").and_then(Value::as_str) == Some("False"))
        .and_then(|c| c.get("lastTransitionTime"))
        .and_then(Value::as_str)
        .map(str::to_string)
}
