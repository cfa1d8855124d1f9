//! The scheduler's plugins, one file each, in upstream's filter order; and the node snapshot
//! they all read.

pub mod node_affinity;
pub mod node_name;
pub mod node_resources_fit;
pub mod node_unschedulable;
pub mod pod_topology_spread;
pub mod taint_toleration;

use serde_json::Value;

use super::Rejection;
use crate::api::meta;
use crate::controllers::kind;
use crate::store::Store;

/// A node as the scheduler sees it: the object and the pods already bound to it.
pub struct NodeInfo<'a> {
    pub node: &'a Value,
    pub pods: Vec<&'a Value>,
}

impl<'a> NodeInfo<'a> {
    /// Every node with its bound, unfinished pods.
    pub fn snapshot(store: &'a Store) -> Vec<NodeInfo<'a>> {
        let mut infos: Vec<NodeInfo<'a>> = store
            .list(kind("", "Node"), None)
            .map(|node| NodeInfo {
                node,
                pods: Vec::new(),
            })
            .collect();
        for pod in store.list(kind("", "Pod"), None) {
            let node = meta::str_at(pod, "/spec/nodeName");
            if node.is_empty() || matches!(meta::str_at(pod, "/status/phase"), "Succeeded" | "Failed") {
                continue;
            }
            if let Some(info) = infos.iter_mut().find(|i| meta::name(i.node) == node) {
                info.pods.push(pod);
            }
        }
        infos
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
pub fn score(pod: &Value, info: &NodeInfo<'_>, all: &[NodeInfo<'_>]) -> i64 {
    node_resources_fit::least_allocated(pod, info)
        + node_resources_fit::balanced_allocation(pod, info)
        + 3 * taint_toleration::score(pod, info)
        + 2 * node_affinity::score(pod, info)
        + 2 * pod_topology_spread::score(pod, info, all)
}
