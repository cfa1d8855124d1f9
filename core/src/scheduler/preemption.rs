//! DefaultPreemption: when no node fits a pod, find lower-priority pods whose removal would
//! make room, pick the node where that costs least, and evict them (upstream's PostFilter
//! plugin and its `Evaluator`).
//!
//! Per node that failed only for reasons preemption can fix (`Unschedulable`, not
//! `UnschedulableAndUnresolvable`): take every lower-priority pod off, check the pod fits, then
//! give back as many as possible, most important first — those whose PodDisruptionBudget would
//! be broken first, then the others. Among the nodes where that works, prefer the fewest
//! budget violations, then the lowest highest-victim priority, the smallest priority sum, the
//! fewest victims, and the latest start among the most important victims. The preemptor is
//! nominated to that node (`status.nominatedNodeName`) and binds once its victims are gone;
//! meanwhile, pods of lower priority count the room as taken.

use std::collections::BTreeMap;

use serde_json::Value;

use super::plugins::{self, Cycle, NodeInfo};
use super::{Code, Rejection};
use crate::api::{conditions, meta, pdb};
use crate::controllers::{ObjectKey, Op, kind};
use crate::rng::Rng;
use crate::store::DeleteOptions;
use crate::time::Time;

pub const NO_VICTIMS: &str = "No preemption victims found for incoming pod";
pub const NOT_HELPFUL: &str = "Preemption is not helpful for scheduling";
pub const POLICY_NEVER: &str = "not eligible due to preemptionPolicy=Never.";
pub const TERMINATING_VICTIM: &str = "not eligible due to a terminating pod on the nominated node.";

/// A pod's priority (`spec.priority`, set by admission; 0 without).
pub fn priority(pod: &Value) -> i64 {
    pod.pointer("/spec/priority")
        .and_then(Value::as_i64)
        .unwrap_or(0)
}

/// Pending pods nominated to nodes by earlier preemptions, by node.
pub type Nominated<'a> = BTreeMap<String, Vec<&'a Value>>;

/// The nominated pods a pod must leave room for on `node`: of at least its priority, not
/// itself (upstream's `addGENominatedPods`).
pub fn nominated_for<'a>(nominated: &Nominated<'a>, node: &str, pod: &Value) -> Vec<&'a Value> {
    nominated
        .get(node)
        .map(|pods| {
            pods.iter()
                .copied()
                .filter(|p| meta::uid(p) != meta::uid(pod) && priority(p) >= priority(pod))
                .collect()
        })
        .unwrap_or_default()
}

/// What preemption did for an unschedulable pod.
#[derive(Debug)]
pub enum Outcome<'a> {
    /// The pod may not preempt (its policy, or its earlier victims still terminating).
    NotEligible(&'static str),
    /// No node can be freed: the nested `FitError` text of why, per node.
    NotHelpful(String),
    /// Room will be made on `node` by evicting `victims`.
    Nominated {
        node: String,
        victims: Vec<&'a Value>,
    },
}

impl Outcome<'_> {
    /// The PostFilter message (`None` when preemption succeeded, as upstream then reports only
    /// the filters' histogram).
    pub fn message(&self) -> Option<String> {
        match self {
            Outcome::NotEligible(why) => Some((*why).to_string()),
            Outcome::NotHelpful(nested) => Some(nested.clone()),
            Outcome::Nominated { .. } => None,
        }
    }
}

/// `Evaluator.Preempt` for a pod that fit nowhere (`rejected` holds every node's verdict).
pub fn preempt<'a>(
    cycle: &Cycle<'a>,
    nodes: &[NodeInfo<'a>],
    rejected: &BTreeMap<String, Rejection>,
    nominated: &Nominated<'a>,
    rng: &mut Rng,
    now: Time,
) -> Outcome<'a> {
    let pod = cycle.pod;
    if meta::str_at(pod, "/spec/preemptionPolicy") == "Never" {
        return Outcome::NotEligible(POLICY_NEVER);
    }
    let nominated_node = meta::str_at(pod, "/status/nominatedNodeName");
    if !nominated_node.is_empty()
        && rejected.get(nominated_node).map(|r| r.code) != Some(Code::UnschedulableAndUnresolvable)
        && let Some(info) = nodes.iter().find(|n| n.name() == nominated_node)
        && info
            .pods
            .iter()
            .any(|p| priority(p) < priority(pod) && terminating_by_preemption(p))
    {
        return Outcome::NotEligible(TERMINATING_VICTIM);
    }
    let budgets: Vec<&Value> = cycle
        .store
        .list(kind("policy", "PodDisruptionBudget"), None)
        .collect();
    let mut statuses: BTreeMap<String, Rejection> = BTreeMap::new();
    let mut candidates: Vec<Candidate<'a>> = Vec::new();
    for info in nodes {
        let potential = rejected
            .get(info.name())
            .is_some_and(|r| r.code == Code::Unschedulable);
        if !potential {
            continue;
        }
        let extra = nominated_for(nominated, info.name(), pod);
        match select_victims(cycle, info, &extra, &budgets, now) {
            Ok(candidate) => candidates.push(candidate),
            Err(status) => {
                statuses.insert(info.name().to_string(), status);
            }
        }
    }
    if candidates.is_empty() {
        let nested =
            super::fit_error::message(nodes.len(), statuses.values(), Some(NOT_HELPFUL), None);
        return Outcome::NotHelpful(nested);
    }
    let best = pick_one(candidates, rng);
    Outcome::Nominated {
        node: best.node,
        victims: best.victims,
    }
}

/// What preemption could do on one node that failed for a fixable reason (for explanations):
/// the victims it would evict, or the status saying why it cannot free the node.
pub fn victims_on<'a>(
    cycle: &Cycle<'a>,
    info: &NodeInfo<'a>,
    nominated: &Nominated<'a>,
    now: Time,
) -> Result<Vec<&'a Value>, Rejection> {
    let budgets: Vec<&Value> = cycle
        .store
        .list(kind("policy", "PodDisruptionBudget"), None)
        .collect();
    let extra = nominated_for(nominated, info.name(), cycle.pod);
    select_victims(cycle, info, &extra, &budgets, now).map(|c| c.victims)
}

/// Whether the pod is going away because a scheduler preempted it.
fn terminating_by_preemption(pod: &Value) -> bool {
    meta::is_deleting(pod)
        && crate::controllers::condition(pod, "DisruptionTarget").is_some_and(|c| {
            meta::str_at(c, "/status") == "True"
                && meta::str_at(c, "/reason") == "PreemptionByScheduler"
        })
}

/// A node where preemption would work, and what it would cost.
struct Candidate<'a> {
    node: String,
    /// Most important first.
    victims: Vec<&'a Value>,
    budget_violations: i64,
}

/// `MoreImportantPod`: higher priority, then the one running longer.
fn more_important(a: &Value, b: &Value, now: Time) -> std::cmp::Ordering {
    priority(b)
        .cmp(&priority(a))
        .then_with(|| start_time(a, now).cmp(&start_time(b, now)))
}

fn start_time(pod: &Value, now: Time) -> Time {
    Time::parse_rfc3339(meta::str_at(pod, "/status/startTime")).unwrap_or(now)
}

/// `SelectVictimsOnNode`: the fewest lower-priority pods to remove for the pod to fit, or the
/// status saying why the node cannot be freed.
fn select_victims<'a>(
    cycle: &Cycle<'a>,
    info: &NodeInfo<'a>,
    nominated: &[&'a Value],
    budgets: &[&Value],
    now: Time,
) -> Result<Candidate<'a>, Rejection> {
    let pod = cycle.pod;
    let mut node = info.clone();
    let mut state = cycle.clone();
    let mut potential: Vec<&'a Value> = info
        .pods
        .iter()
        .copied()
        .filter(|p| priority(p) < priority(pod))
        .collect();
    if potential.is_empty() {
        return Err(Rejection::new(
            "DefaultPreemption",
            Code::UnschedulableAndUnresolvable,
            NO_VICTIMS,
        ));
    }
    for victim in &potential {
        node.remove(victim);
        state.remove_pod(victim, info.node);
    }
    if let Some(status) = plugins::filter_with_nominated(&node, &state, nominated) {
        return Err(status);
    }
    potential.sort_by(|a, b| more_important(a, b, now));
    let (violating, others) = split_by_budget(&potential, budgets);
    let mut victims = Vec::new();
    let mut budget_violations = 0;
    for (group, violates) in [(violating, true), (others, false)] {
        for candidate in group {
            node.add(
                candidate,
                &plugins::node_resources_fit::Requested::of_pod(candidate),
            );
            state.add_pod(candidate, info.node);
            if plugins::filter_with_nominated(&node, &state, nominated).is_some() {
                node.remove(candidate);
                state.remove_pod(candidate, info.node);
                victims.push(candidate);
                budget_violations += i64::from(violates);
            }
        }
    }
    victims.sort_by(|a, b| more_important(a, b, now));
    if victims.is_empty() {
        // Nothing needed to go after all; upstream treats this as an error for the node.
        return Err(Rejection::new(
            "DefaultPreemption",
            Code::UnschedulableAndUnresolvable,
            &format!("expected at least one victim pod on node {:?}", info.name()),
        ));
    }
    Ok(Candidate {
        node: info.name().to_string(),
        victims,
        budget_violations,
    })
}

/// `filterPodsWithPDBViolation`: the pods whose eviction would take a budget below zero
/// (counting down each budget's `disruptionsAllowed` as pods are taken, in order), and the
/// others; both keep their order.
fn split_by_budget<'a>(pods: &[&'a Value], budgets: &[&Value]) -> (Vec<&'a Value>, Vec<&'a Value>) {
    let mut allowed: Vec<i64> = budgets
        .iter()
        .map(|b| crate::controllers::int_at(b, "/status/disruptionsAllowed"))
        .collect();
    let mut violating = Vec::new();
    let mut others = Vec::new();
    for pod in pods {
        let mut violated = false;
        if meta::labels(pod).is_some_and(|l| !l.is_empty()) {
            for (budget, left) in budgets.iter().zip(allowed.iter_mut()) {
                if meta::namespace(budget) != meta::namespace(pod) || !pdb::guards(budget, pod) {
                    continue;
                }
                // A pod the API server already counted as disrupted does not count again.
                if budget
                    .pointer("/status/disruptedPods")
                    .and_then(|d| d.get(meta::name(pod)))
                    .is_some()
                {
                    continue;
                }
                *left -= 1;
                if *left < 0 {
                    violated = true;
                }
            }
        }
        if violated {
            violating.push(*pod);
        } else {
            others.push(*pod);
        }
    }
    (violating, others)
}

/// `pickOneNodeForPreemption`: each criterion in turn narrows the candidates to the best;
/// a tie that survives them all is broken at random, as upstream's map order does.
fn pick_one<'a>(mut candidates: Vec<Candidate<'a>>, rng: &mut Rng) -> Candidate<'a> {
    let offset = i64::from(i32::MAX) + 1;
    let criteria: [&dyn Fn(&Candidate<'_>) -> i64; 5] = [
        &|c| -c.budget_violations,
        &|c| -c.victims.first().map_or(0, |v| priority(v)),
        &|c| -c.victims.iter().map(|v| priority(v) + offset).sum::<i64>(),
        &|c| -(c.victims.len() as i64),
        &|c| earliest_start_of_most_important(&c.victims),
    ];
    for criterion in criteria {
        if candidates.len() <= 1 {
            break;
        }
        let best = candidates.iter().map(criterion).max().unwrap_or(0);
        candidates.retain(|c| criterion(c) == best);
    }
    let pick = rng.below(candidates.len() as u64) as usize;
    candidates.swap_remove(pick.min(candidates.len().saturating_sub(1)))
}

/// `GetEarliestPodStartTime`: among the victims of the highest priority, the earliest start
/// (in milliseconds; a later one is preferred, to disturb the pods that started last).
fn earliest_start_of_most_important(victims: &[&Value]) -> i64 {
    let top = victims.iter().map(|v| priority(v)).max().unwrap_or(0);
    victims
        .iter()
        .filter(|v| priority(v) == top)
        .filter_map(|v| Time::parse_rfc3339(meta::str_at(v, "/status/startTime")))
        .map(|t| t.0)
        .min()
        .unwrap_or(i64::MIN)
}

/// What preempting `victims` on `node` for `preemptor` sends to the API server: each victim
/// marked as a disruption target, deleted (gracefully), and told why; lower-priority pods
/// nominated to the node lose their nomination.
pub fn victim_ops(
    preemptor: &Value,
    node: &str,
    victims: &[&Value],
    displaced: &[&Value],
    now: Time,
) -> Vec<Op> {
    let scheduler = match meta::str_at(preemptor, "/spec/schedulerName") {
        "" => "default-scheduler",
        name => name,
    };
    let mut ops = Vec::new();
    for victim in victims {
        if meta::is_deleting(victim) {
            continue;
        }
        let mut marked = (*victim).clone();
        if conditions::update_pod_condition(
            &mut marked,
            "DisruptionTarget",
            "True",
            "PreemptionByScheduler",
            &format!("{scheduler}: preempting to accommodate a higher priority pod"),
            now,
        ) {
            ops.push(Op::UpdateStatus(kind("", "Pod"), marked));
        }
        ops.push(Op::Delete {
            kind: kind("", "Pod"),
            key: ObjectKey::of(victim),
            options: DeleteOptions::default(),
            event: Some(crate::controllers::EventNote {
                about: meta::reference(victim),
                warning: false,
                reason: "Preempted",
                message: format!("Preempted by pod {} on node {node}", meta::uid(preemptor)),
                source: "default-scheduler",
                host: String::new(),
            }),
        });
    }
    for pod in displaced {
        let mut cleared = (*pod).clone();
        if let Some(status) = cleared.get_mut("status").and_then(Value::as_object_mut) {
            status.remove("nominatedNodeName");
        }
        ops.push(Op::UpdateStatus(kind("", "Pod"), cleared));
    }
    ops
}

/// The lower-priority pods nominated to `node`, which lose their place to `preemptor`.
pub fn displaced<'a>(nominated: &Nominated<'a>, node: &str, preemptor: &Value) -> Vec<&'a Value> {
    nominated
        .get(node)
        .map(|pods| {
            pods.iter()
                .copied()
                .filter(|p| priority(p) < priority(preemptor))
                .collect()
        })
        .unwrap_or_default()
}

/// The nominated pods of the cluster: pending pods whose `status.nominatedNodeName` is set.
pub fn nominated_pods<'a>(pending: &[&'a Value]) -> Nominated<'a> {
    let mut nominated = Nominated::new();
    for pod in pending {
        let node = meta::str_at(pod, "/status/nominatedNodeName");
        if !node.is_empty() {
            nominated.entry(node.to_string()).or_default().push(*pod);
        }
    }
    nominated
}
