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

/// A node as the scheduler sees it: the object, the pods already bound to it, and what those
/// pods request (summed once per cycle, since every plugin needs it).
pub struct NodeInfo<'a> {
    pub node: &'a Value,
    pub pods: Vec<&'a Value>,
    pub requested: node_resources_fit::Requested,
}

impl<'a> NodeInfo<'a> {
    /// Every node with its bound, unfinished pods.
    pub fn snapshot(store: &'a Store) -> Vec<NodeInfo<'a>> {
        let mut infos: Vec<NodeInfo<'a>> = store
            .list(kind("", "Node"), None)
            .map(|node| NodeInfo {
                node,
                pods: Vec::new(),
                requested: node_resources_fit::Requested::default(),
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
                info.requested.add(pod);
                info.pods.push(pod);
            }
        }
        infos
    }
}

/// What one scheduling cycle computes once for all nodes.
pub struct Cycle {
    /// The most pods of the incoming pod's owner on any node (for topology spreading).
    pub most_siblings: i64,
}

impl Cycle {
    pub fn new(pod: &Value, nodes: &[NodeInfo<'_>]) -> Cycle {
        Cycle {
            most_siblings: nodes
                .iter()
                .map(|n| pod_topology_spread::siblings(pod, n))
                .max()
                .unwrap_or(0),
        }
    }
}

/// Runs the filters in upstream's order; the first rejection decides, as in `RunFilterPlugins`.
pub fn filter(pod: &Value, info: &NodeInfo<'_>) -> Option<Rejection> {
    node_unschedulable::filter(pod, info)
        .or_else(|| node_name::filter(pod, info))
        .or_else(|| taint_toleration::filter(pod, info))
        .or_else(|| node_affinity::filter(pod, info))
        .or_else(|| node_resources_fit::filter(pod, info))
}

/// The weighted sum of the score plugins (each 0–100), with upstream's default weights.
pub fn score(pod: &Value, info: &NodeInfo<'_>, cycle: &Cycle) -> i64 {
    node_resources_fit::least_allocated(pod, info)
        + node_resources_fit::balanced_allocation(pod, info)
        + 3 * taint_toleration::score(pod, info)
        + 2 * node_affinity::score(pod, info)
        + 2 * pod_topology_spread::score(pod, info, cycle.most_siblings)
}
