//! The scheduler's plugins, one file each, and the framework that runs them: the node snapshot
//! they all read ([`NodeInfo`]), what one scheduling cycle computes once for all nodes
//! ([`Cycle`], upstream's PreFilter and PreScore state), the filters in upstream's order, and
//! the score plugins with their normalization and default weights.
//!
//! Pods without inter-pod affinity or spread constraints stay on a cheap path: the affinity and
//! spread states are skipped (upstream's `Skip`) unless some pod needs them.

pub mod inter_pod_affinity;
pub mod node_affinity;
pub mod node_name;
pub mod node_resources_fit;
pub mod node_unschedulable;
pub mod pod_topology_spread;
pub mod taint_toleration;
pub mod volume_binding;

use std::collections::BTreeMap;

use serde_json::Value;

use super::Rejection;
use crate::api::meta;
use crate::controllers::kind;
use crate::store::Store;

/// A node as the scheduler sees it: the object, the pods already bound to it, and what the
/// plugins need of them, summed once per pass instead of once per pod and node.
#[derive(Clone)]
pub struct NodeInfo<'a> {
    pub node: &'a Value,
    pub pods: Vec<&'a Value>,
    pub allocatable: node_resources_fit::Allocatable,
    pub requested: node_resources_fit::Requested,
    /// Pods per controller uid (for the default topology spreading).
    pub siblings: BTreeMap<&'a str, i64>,
    /// The pods here with inter-pod (anti-)affinity (upstream's `PodsWithAffinity`): the only
    /// ones a pod without affinity of its own must look at.
    pub affinity_pods: Vec<&'a Value>,
}

impl<'a> NodeInfo<'a> {
    pub fn new(node: &'a Value) -> NodeInfo<'a> {
        NodeInfo {
            node,
            pods: Vec::new(),
            allocatable: node_resources_fit::Allocatable::of_node(node),
            requested: node_resources_fit::Requested::default(),
            siblings: BTreeMap::new(),
            affinity_pods: Vec::new(),
        }
    }

    /// Every node with its bound, unfinished pods.
    pub fn snapshot(store: &'a Store) -> Vec<NodeInfo<'a>> {
        let mut infos: Vec<NodeInfo<'a>> = store
            .list(kind("", "Node"), None)
            .map(NodeInfo::new)
            .collect();
        let index: BTreeMap<&str, usize> = infos
            .iter()
            .enumerate()
            .map(|(i, n)| (meta::name(n.node), i))
            .collect();
        for pod in store.list(kind("", "Pod"), None) {
            let node = meta::str_at(pod, "/spec/nodeName");
            if node.is_empty()
                || matches!(meta::str_at(pod, "/status/phase"), "Succeeded" | "Failed")
            {
                continue;
            }
            if let Some(info) = index.get(node).and_then(|&i| infos.get_mut(i)) {
                info.add(pod, &node_resources_fit::Requested::of_pod(pod));
            }
        }
        infos
    }

    pub fn name(&self) -> &'a str {
        meta::name(self.node)
    }

    /// Counts `pod` (which requests `requests`) as running here.
    pub fn add(&mut self, pod: &'a Value, requests: &node_resources_fit::Requested) {
        self.requested.add(requests);
        if let Some(owner) = pod_topology_spread::owner_uid(pod) {
            *self.siblings.entry(owner).or_default() += 1;
        }
        if inter_pod_affinity::has_pod_affinity(pod) {
            self.affinity_pods.push(pod);
        }
        self.pods.push(pod);
    }

    /// Takes `pod` off this node (preemption trying the node without it).
    pub fn remove(&mut self, pod: &Value) {
        let Some(at) = self.pods.iter().position(|p| std::ptr::eq(*p, pod)) else {
            return;
        };
        self.pods.remove(at);
        self.requested
            .sub(&node_resources_fit::Requested::of_pod(pod));
        if let Some(owner) = pod_topology_spread::owner_uid(pod)
            && let Some(count) = self.siblings.get_mut(owner)
        {
            *count -= 1;
        }
        self.affinity_pods.retain(|p| !std::ptr::eq(*p, pod));
    }
}

/// What one scheduling cycle computes once for all nodes: upstream's PreFilter state.
#[derive(Clone)]
pub struct Cycle<'a> {
    pub pod: &'a Value,
    pub store: &'a Store,
    /// What the incoming pod requests.
    pub requests: node_resources_fit::Requested,
    /// The uid of its controller, if it has one (for the default topology spreading).
    pub owner: Option<&'a str>,
    /// The most pods of that owner on any node.
    pub most_siblings: i64,
    /// Its claims, as VolumeBinding's PreFilter sorted them (`None`: no claims).
    pub volumes: Option<volume_binding::PodVolumes<'a>>,
    /// PodTopologySpread's counts for the `DoNotSchedule` constraints (`None`: skipped).
    pub spread: Option<pod_topology_spread::FilterState<'a>>,
    /// InterPodAffinity's counts (`None`: skipped, nothing to check).
    pub affinity: Option<inter_pod_affinity::FilterState<'a>>,
}

impl<'a> Cycle<'a> {
    /// The PreFilter phase: `Err` is a PreFilter plugin's rejection of the pod on every node.
    pub fn new(
        pod: &'a Value,
        nodes: &[NodeInfo<'a>],
        store: &'a Store,
    ) -> Result<Cycle<'a>, Rejection> {
        let volumes = volume_binding::pre_filter(pod, store).map_err(|message| {
            Rejection::new(
                volume_binding::NAME,
                super::Code::UnschedulableAndUnresolvable,
                &message,
            )
        })?;
        let owner = pod_topology_spread::owner_uid(pod);
        Ok(Cycle {
            pod,
            store,
            requests: node_resources_fit::Requested::of_pod(pod),
            owner,
            most_siblings: nodes
                .iter()
                .map(|n| pod_topology_spread::siblings(owner, n))
                .max()
                .unwrap_or(0),
            volumes,
            spread: pod_topology_spread::pre_filter(pod, nodes),
            affinity: inter_pod_affinity::pre_filter(pod, nodes, store),
        })
    }

    /// Upstream's PreFilter extension `AddPod`: the states as if `other` ran on `node`.
    pub fn add_pod(&mut self, other: &'a Value, node: &'a Value) {
        if let Some(spread) = &mut self.spread {
            spread.update_with_pod(other, node, 1);
        }
        if let Some(affinity) = &mut self.affinity {
            affinity.update_with_pod(other, node, 1);
        }
    }

    /// `RemovePod`: the states as if `other` were gone from `node`.
    pub fn remove_pod(&mut self, other: &'a Value, node: &'a Value) {
        if let Some(spread) = &mut self.spread {
            spread.update_with_pod(other, node, -1);
        }
        if let Some(affinity) = &mut self.affinity {
            affinity.update_with_pod(other, node, -1);
        }
    }
}

/// Runs the filters in upstream's order; the first rejection decides, as in `RunFilterPlugins`.
pub fn filter(info: &NodeInfo<'_>, cycle: &Cycle<'_>) -> Option<Rejection> {
    let pod = cycle.pod;
    node_unschedulable::filter(pod, info)
        .or_else(|| node_name::filter(pod, info))
        .or_else(|| taint_toleration::filter(pod, info))
        .or_else(|| node_affinity::filter(pod, info))
        .or_else(|| node_resources_fit::filter(&cycle.requests, info))
        .or_else(|| {
            cycle
                .volumes
                .as_ref()
                .and_then(|v| volume_binding::filter(info, v, cycle.store))
        })
        .or_else(|| cycle.spread.as_ref().and_then(|s| s.filter(info.node)))
        .or_else(|| cycle.affinity.as_ref().and_then(|a| a.filter(info.node)))
}

/// `RunFilterPluginsWithNominatedPods`: pods of at least this priority that preemption has
/// nominated to the node count as already there; if the node passes with them, it must pass
/// without them too (they may not come, and an affinity may have counted on them).
pub fn filter_with_nominated<'a>(
    info: &NodeInfo<'a>,
    cycle: &Cycle<'a>,
    nominated: &[&'a Value],
) -> Option<Rejection> {
    if nominated.is_empty() {
        return filter(info, cycle);
    }
    let mut with = info.clone();
    let mut state = cycle.clone();
    for pod in nominated {
        with.add(pod, &node_resources_fit::Requested::of_pod(pod));
        state.add_pod(pod, info.node);
    }
    filter(&with, &state).or_else(|| filter(info, cycle))
}

/// The score plugins in upstream's order, with their default weights.
pub const SCORE_PLUGINS: [(&str, i64); 6] = [
    ("TaintToleration", 3),
    ("NodeAffinity", 2),
    ("NodeResourcesFit", 1),
    ("PodTopologySpread", 2),
    ("InterPodAffinity", 2),
    ("NodeResourcesBalancedAllocation", 1),
];

/// One node's normalized score (0–100) from each plugin of [`SCORE_PLUGINS`], in that order.
pub type PluginScores = [i64; SCORE_PLUGINS.len()];

/// The weighted sum that ranks the nodes.
pub fn total(scores: &PluginScores) -> i64 {
    scores
        .iter()
        .zip(SCORE_PLUGINS)
        .map(|(s, (_, weight))| s * weight)
        .sum()
}

/// Scores every feasible node: each plugin's raw score (PreScore and Score), normalized over
/// the feasible nodes as that plugin does (NormalizeScore). `all` is every node, for the plugins
/// that count pods on nodes the pod cannot go to.
pub fn score(
    feasible: &[&NodeInfo<'_>],
    all: &[NodeInfo<'_>],
    cycle: &Cycle<'_>,
) -> Vec<PluginScores> {
    let pod = cycle.pod;
    let mut rows: Vec<PluginScores> = vec![[0; SCORE_PLUGINS.len()]; feasible.len()];
    let column = |rows: &mut Vec<PluginScores>, index: usize, values: Vec<i64>| {
        for (row, value) in rows.iter_mut().zip(values) {
            if let Some(cell) = row.get_mut(index) {
                *cell = value;
            }
        }
    };
    let mut taints: Vec<i64> = feasible
        .iter()
        .map(|n| taint_toleration::score(pod, n))
        .collect();
    default_normalize(&mut taints, true);
    column(&mut rows, 0, taints);
    if node_affinity::has_preferred(pod) {
        let mut preferred: Vec<i64> = feasible
            .iter()
            .map(|n| node_affinity::score(pod, n))
            .collect();
        default_normalize(&mut preferred, false);
        column(&mut rows, 1, preferred);
    }
    column(
        &mut rows,
        2,
        feasible
            .iter()
            .map(|n| node_resources_fit::least_allocated(&cycle.requests, n))
            .collect(),
    );
    column(
        &mut rows,
        3,
        pod_topology_spread::scores(pod, feasible, all, cycle),
    );
    if let Some(state) = inter_pod_affinity::pre_score(pod, feasible, all, cycle.store) {
        let mut raw: Vec<i64> = feasible.iter().map(|n| state.score(n.node)).collect();
        inter_pod_affinity::normalize(&mut raw);
        column(&mut rows, 4, raw);
    }
    column(
        &mut rows,
        5,
        feasible
            .iter()
            .map(|n| node_resources_fit::balanced_allocation(&cycle.requests, n))
            .collect(),
    );
    rows
}

/// `helper.DefaultNormalizeScore`: scales so the highest becomes 100 (`reverse`: the highest
/// becomes 0); all zeros stay 0 (or all become 100 when reversed).
pub fn default_normalize(scores: &mut [i64], reverse: bool) {
    let max = scores.iter().copied().max().unwrap_or(0).max(0);
    for score in scores.iter_mut() {
        let scaled = if max == 0 { 0 } else { 100 * *score / max };
        *score = if reverse { 100 - scaled } else { scaled };
    }
}
