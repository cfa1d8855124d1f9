//! PodTopologySpread: a pod's `topologySpreadConstraints` keep its group evenly spread over
//! topology domains (nodes, zones: the values of a node label).
//!
//! `DoNotSchedule` constraints filter: placing the pod in a domain may not make that domain
//! hold more than `maxSkew` matching pods above the emptiest eligible domain (taken as 0 while
//! fewer than `minDomains` domains exist); a node without the topology label does not fit.
//! `ScheduleAnyway` constraints score: fewer matching pods in the node's domains is better.
//! Which nodes count as domains follows `nodeAffinityPolicy` (Honor by default: only nodes the
//! pod's own node selector/affinity admits) and `nodeTaintsPolicy` (Ignore by default).
//! Counting happens once per cycle (PreFilter/PreScore), per domain, not per node and pod.
//!
//! A pod without constraints gets upstream's system defaults, which only score; here they are
//! simplified to spreading the pods of one controller over nodes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{Cycle, NodeInfo, node_affinity, taint_toleration};
use crate::api::{meta, selector};
use crate::scheduler::{Code, Rejection};

pub const NAME: &str = "PodTopologySpread";
pub const REASON: &str = "node(s) didn't match pod topology spread constraints";
pub const MISSING_LABEL_REASON: &str =
    "node(s) didn't match pod topology spread constraints (missing required label)";
const HOSTNAME: &str = "kubernetes.io/hostname";

/// The uid of the pod's controller: pods of one owner are spread together by default.
pub fn owner_uid(pod: &Value) -> Option<&str> {
    meta::controller_of(pod)
        .and_then(|o| o.get("uid"))
        .and_then(Value::as_str)
}

/// Pods on the node with the controller `owner`.
pub fn siblings(owner: Option<&str>, info: &NodeInfo<'_>) -> i64 {
    owner
        .and_then(|o| info.siblings.get(o))
        .copied()
        .unwrap_or(0)
}

/// One constraint, read from the pod (upstream's internal `topologySpreadConstraint`).
#[derive(Clone, Debug)]
pub struct Constraint<'a> {
    max_skew: i64,
    topology_key: &'a str,
    selector: Option<&'a Value>,
    /// `matchLabelKeys` with the pod's values, merged into the selector (the API server
    /// already did so at creation; merging again changes nothing, as upstream's scheduler).
    match_labels: Vec<(&'a str, &'a str)>,
    min_domains: i64,
    honor_affinity: bool,
    honor_taints: bool,
}

impl Constraint<'_> {
    /// Whether the selector selects a pod with these labels.
    fn selects(&self, pod: &Value) -> bool {
        let labels = meta::labels(pod);
        selector::matches(self.selector, labels)
            && self
                .match_labels
                .iter()
                .all(|(k, v)| labels.and_then(|l| l.get(*k)).and_then(Value::as_str) == Some(*v))
    }

    /// `selector.Empty()`: a selector without requirements counts no pods.
    fn is_empty(&self) -> bool {
        self.selector.is_some()
            && self.match_labels.is_empty()
            && !selector::has_requirements(self.selector)
    }

    /// `matchNodeInclusionPolicies`: whether the node is one of this constraint's domains.
    fn includes(&self, pod: &Value, node: &Value) -> bool {
        (!self.honor_affinity || node_affinity::required_matches(pod, node))
            && (!self.honor_taints || taint_toleration::untolerated(pod, node, true).is_none())
    }

    /// Matching pods on the node: same namespace, not being deleted.
    fn count(&self, pod: &Value, info: &NodeInfo<'_>) -> i64 {
        if self.is_empty() {
            return 0;
        }
        let namespace = meta::namespace(pod);
        info.pods
            .iter()
            .filter(|p| !meta::is_deleting(p) && meta::namespace(p) == namespace && self.selects(p))
            .count() as i64
    }
}

/// The pod's constraints with `whenUnsatisfiable` = `action`.
fn constraints<'a>(pod: &'a Value, action: &str) -> Vec<Constraint<'a>> {
    let list = pod
        .pointer("/spec/topologySpreadConstraints")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    list.iter()
        .filter(|c| meta::str_at(c, "/whenUnsatisfiable") == action)
        .map(|c| {
            let labels = meta::labels(pod);
            let match_labels = c
                .get("matchLabelKeys")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .filter_map(|k| Some((k, labels?.get(k)?.as_str()?)))
                .collect();
            Constraint {
                max_skew: c.get("maxSkew").and_then(Value::as_i64).unwrap_or(1),
                topology_key: meta::str_at(c, "/topologyKey"),
                selector: c.get("labelSelector").filter(|s| !s.is_null()),
                match_labels,
                min_domains: c.get("minDomains").and_then(Value::as_i64).unwrap_or(1),
                honor_affinity: meta::str_at(c, "/nodeAffinityPolicy") != "Ignore",
                honor_taints: meta::str_at(c, "/nodeTaintsPolicy") == "Honor",
            }
        })
        .collect()
}

fn has_constraints(pod: &Value) -> bool {
    pod.pointer("/spec/topologySpreadConstraints")
        .and_then(Value::as_array)
        .is_some_and(|l| !l.is_empty())
}

fn label<'n>(node: &'n Value, key: &str) -> Option<&'n str> {
    meta::labels(node)
        .and_then(|l| l.get(key))
        .and_then(Value::as_str)
}

/// Whether the node carries every constraint's topology key.
fn has_all_keys(node: &Value, constraints: &[Constraint<'_>]) -> bool {
    constraints
        .iter()
        .all(|c| label(node, c.topology_key).is_some())
}

/// PreFilter's counts for the `DoNotSchedule` constraints: matching pods per domain.
#[derive(Clone, Debug)]
pub struct FilterState<'a> {
    pod: &'a Value,
    constraints: Vec<Constraint<'a>>,
    /// Per constraint: domain (the node label's value) → matching pods, for eligible domains.
    counts: Vec<BTreeMap<&'a str, i64>>,
}

/// PreFilter: `None` when the pod has no `DoNotSchedule` constraint (upstream's `Skip`).
pub fn pre_filter<'a>(pod: &'a Value, nodes: &[NodeInfo<'a>]) -> Option<FilterState<'a>> {
    let constraints = constraints(pod, "DoNotSchedule");
    if constraints.is_empty() {
        return None;
    }
    let mut counts = vec![BTreeMap::new(); constraints.len()];
    for info in nodes {
        if !has_all_keys(info.node, &constraints) {
            continue;
        }
        for (c, domains) in constraints.iter().zip(counts.iter_mut()) {
            if !c.includes(pod, info.node) {
                continue;
            }
            if let Some(value) = label(info.node, c.topology_key) {
                *domains.entry(value).or_insert(0) += c.count(pod, info);
            }
        }
    }
    Some(FilterState {
        pod,
        constraints,
        counts,
    })
}

impl<'a> FilterState<'a> {
    /// `updateWithPod`: the counts as if `other` were added to (`delta` 1) or taken from (-1)
    /// `node`.
    pub fn update_with_pod(&mut self, other: &Value, node: &'a Value, delta: i64) {
        if meta::namespace(other) != meta::namespace(self.pod)
            || !has_all_keys(node, &self.constraints)
        {
            return;
        }
        for (c, domains) in self.constraints.iter().zip(self.counts.iter_mut()) {
            if !c.selects(other) || !c.includes(self.pod, node) {
                continue;
            }
            if let Some(value) = label(node, c.topology_key) {
                *domains.entry(value).or_insert(0) += delta;
            }
        }
    }

    /// The global minimum for constraint `i`: 0 while fewer than `minDomains` domains are
    /// eligible.
    fn min_match(&self, i: usize, min_domains: i64) -> i64 {
        let Some(domains) = self.counts.get(i) else {
            return 0;
        };
        if (domains.len() as i64) < min_domains {
            return 0;
        }
        domains
            .values()
            .copied()
            .min()
            .unwrap_or(i64::from(i32::MAX))
    }

    /// Filter: existing matching pods in the node's domain, plus the pod itself if it matches,
    /// minus the global minimum, must not exceed `maxSkew`.
    pub fn filter(&self, node: &Value) -> Option<Rejection> {
        for (i, c) in self.constraints.iter().enumerate() {
            let Some(value) = label(node, c.topology_key) else {
                return Some(Rejection::new(
                    NAME,
                    Code::UnschedulableAndUnresolvable,
                    MISSING_LABEL_REASON,
                ));
            };
            let own = i64::from(c.selects(self.pod));
            let matching = self
                .counts
                .get(i)
                .and_then(|d| d.get(value))
                .copied()
                .unwrap_or(0);
            if matching + own - self.min_match(i, c.min_domains) > c.max_skew {
                return Some(Rejection::new(NAME, Code::Unschedulable, REASON));
            }
        }
        None
    }
}

/// The plugin's normalized scores for the feasible nodes: upstream's for `ScheduleAnyway`
/// constraints, or the simplified system default for a pod without constraints.
pub fn scores(
    pod: &Value,
    feasible: &[&NodeInfo<'_>],
    all: &[NodeInfo<'_>],
    cycle: &Cycle<'_>,
) -> Vec<i64> {
    if !has_constraints(pod) {
        return feasible
            .iter()
            .map(|n| default_score(cycle.owner, n, cycle.most_siblings))
            .collect();
    }
    let constraints = constraints(pod, "ScheduleAnyway");
    if constraints.is_empty() {
        return vec![0; feasible.len()];
    }
    // PreScore: nodes lacking a topology key are not scored; each constraint's weight grows
    // with the number of its domains among the feasible nodes.
    let ignored: BTreeSet<&str> = feasible
        .iter()
        .filter(|n| !has_all_keys(n.node, &constraints))
        .map(|n| n.name())
        .collect();
    let mut counts: Vec<BTreeMap<&str, i64>> = vec![BTreeMap::new(); constraints.len()];
    for n in feasible.iter().filter(|n| !ignored.contains(n.name())) {
        for (c, domains) in constraints.iter().zip(counts.iter_mut()) {
            if c.topology_key != HOSTNAME
                && let Some(value) = label(n.node, c.topology_key)
            {
                domains.entry(value).or_insert(0);
            }
        }
    }
    let weights: Vec<f64> = constraints
        .iter()
        .zip(&counts)
        .map(|(c, domains)| {
            let size = if c.topology_key == HOSTNAME {
                feasible.len() - ignored.len()
            } else {
                domains.len()
            };
            ((size + 2) as f64).ln()
        })
        .collect();
    for info in all.iter().filter(|n| has_all_keys(n.node, &constraints)) {
        for (c, domains) in constraints.iter().zip(counts.iter_mut()) {
            if !c.includes(pod, info.node) {
                continue;
            }
            if let Some(value) = label(info.node, c.topology_key)
                && let Some(count) = domains.get_mut(value)
            {
                *count += c.count(pod, info);
            }
        }
    }
    // Score: each constraint adds its domain's count, weighted, watered down by maxSkew − 1.
    let raw: Vec<Option<i64>> = feasible
        .iter()
        .map(|n| {
            if ignored.contains(n.name()) {
                return None;
            }
            let mut score = 0.0;
            for ((c, domains), weight) in constraints.iter().zip(&counts).zip(&weights) {
                let Some(value) = label(n.node, c.topology_key) else {
                    continue;
                };
                let count = if c.topology_key == HOSTNAME {
                    c.count(pod, n)
                } else {
                    domains.get(value).copied().unwrap_or(0)
                };
                score += count as f64 * weight + (c.max_skew - 1) as f64;
            }
            Some(score.round() as i64)
        })
        .collect();
    normalize(&raw)
}

/// NormalizeScore: the fewer matching pods, the closer to 100; ignored nodes get 0.
fn normalize(raw: &[Option<i64>]) -> Vec<i64> {
    let max = raw.iter().flatten().copied().max().unwrap_or(0);
    let min = raw.iter().flatten().copied().min().unwrap_or(0);
    raw.iter()
        .map(|score| match score {
            None => 0,
            Some(_) if max == 0 => 100,
            Some(s) => 100 * (max + min - s) / max,
        })
        .collect()
}

/// The simplified system default: 100 on a node without siblings, down to 0 on the most
/// crowded; `most` is the most siblings on any node.
fn default_score(owner: Option<&str>, info: &NodeInfo<'_>, most: i64) -> i64 {
    if owner.is_none() {
        return 0;
    }
    if most == 0 {
        return 100;
    }
    (most - siblings(owner, info)) * 100 / most
}
