//! The scheduler's plugins, one file each, in upstream's filter order; and the node snapshot
//! they all read.

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
pub struct NodeInfo<'a> {
    pub node: &'a Value,
    pub pods: Vec<&'a Value>,
    pub allocatable: node_resources_fit::Allocatable,
    pub requested: node_resources_fit::Requested,
    /// Pods per controller uid (for topology spreading).
    pub siblings: BTreeMap<&'a str, i64>,
}

impl<'a> NodeInfo<'a> {
    /// Every node with its bound, unfinished pods.
    pub fn snapshot(store: &'a Store) -> Vec<NodeInfo<'a>> {
        let mut infos: Vec<NodeInfo<'a>> = store
            .list(kind("", "Node"), None)
            .map(|node| NodeInfo {
                node,
                pods: Vec::new(),
                allocatable: node_resources_fit::Allocatable::of_node(node),
                requested: node_resources_fit::Requested::default(),
                siblings: BTreeMap::new(),
            })
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

    /// Counts `pod` (which requests `requests`) as running here.
    pub fn add(&mut self, pod: &'a Value, requests: &node_resources_fit::Requested) {
        self.requested.add(requests);
        if let Some(owner) = pod_topology_spread::owner_uid(pod) {
            *self.siblings.entry(owner).or_default() += 1;
        }
        self.pods.push(pod);
    }
}

/// What one scheduling cycle computes once for all nodes.
pub struct Cycle<'p> {
    /// What the incoming pod requests.
    pub requests: node_resources_fit::Requested,
    /// The uid of its controller, if it has one (for topology spreading).
    pub owner: Option<&'p str>,
    /// The most pods of that owner on any node.
    pub most_siblings: i64,
}

impl<'p> Cycle<'p> {
    pub fn new(pod: &'p Value, nodes: &[NodeInfo<'_>]) -> Cycle<'p> {
        let owner = pod_topology_spread::owner_uid(pod);
        Cycle {
            requests: node_resources_fit::Requested::of_pod(pod),
            owner,
            most_siblings: nodes
                .iter()
                .map(|n| pod_topology_spread::siblings(owner, n))
                .max()
                .unwrap_or(0),
        }
    }
}

/// Runs the filters in upstream's order; the first rejection decides, as in `RunFilterPlugins`.
pub fn filter(pod: &Value, info: &NodeInfo<'_>, cycle: &Cycle<'_>) -> Option<Rejection> {
    node_unschedulable::filter(pod, info)
        .or_else(|| node_name::filter(pod, info))
        .or_else(|| taint_toleration::filter(pod, info))
        .or_else(|| node_affinity::filter(pod, info))
        .or_else(|| node_resources_fit::filter(&cycle.requests, info))
}

/// The weighted sum of the score plugins (each 0–100), with upstream's default weights.
pub fn score(pod: &Value, info: &NodeInfo<'_>, cycle: &Cycle<'_>) -> i64 {
    node_resources_fit::least_allocated(&cycle.requests, info)
        + node_resources_fit::balanced_allocation(&cycle.requests, info)
        + 3 * taint_toleration::score(pod, info)
        + 2 * node_affinity::score(pod, info)
        + 2 * pod_topology_spread::score(cycle.owner, info, cycle.most_siblings)
}
