//! TaintToleration: a node's NoSchedule and NoExecute taints keep out pods that do not
//! tolerate them; PreferNoSchedule taints only lower the node's score.

use serde_json::Value;

use super::NodeInfo;
use crate::api::meta;
use crate::scheduler::{Code, Rejection};

/// The v1.35 text: the taint itself is no longer named in the message.
pub const REASON: &str = "node(s) had untolerated taint(s)";

pub fn filter(pod: &Value, info: &NodeInfo<'_>) -> Option<Rejection> {
    untolerated(pod, info.node, false).map(|_| {
        Rejection::new(
            "TaintToleration",
            Code::UnschedulableAndUnresolvable,
            REASON,
        )
    })
}

/// The first NoSchedule/NoExecute taint of `node` that `pod` does not tolerate.
/// `include_unschedulable` also counts the cordon taint, which the DaemonSet controller checks
/// but the scheduler leaves to NodeUnschedulable.
pub fn untolerated<'n>(
    pod: &Value,
    node: &'n Value,
    include_unschedulable: bool,
) -> Option<&'n Value> {
    taints(node).find(|taint| {
        matches!(meta::str_at(taint, "/effect"), "NoSchedule" | "NoExecute")
            && (include_unschedulable
                || meta::str_at(taint, "/key") != "node.kubernetes.io/unschedulable")
            && !tolerated(pod, taint)
    })
}

fn taints(node: &Value) -> impl Iterator<Item = &Value> {
    node.pointer("/spec/taints")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

/// Whether one of the pod's tolerations tolerates `taint`.
pub fn tolerated(pod: &Value, taint: &Value) -> bool {
    pod.pointer("/spec/tolerations")
        .and_then(Value::as_array)
        .is_some_and(|list| list.iter().any(|t| tolerates(t, taint)))
}

/// `Toleration.ToleratesTaint`: same effect (or any), and the key matched by `Exists` (an empty
/// key with Exists tolerates everything) or equal with the same value.
pub fn tolerates(toleration: &Value, taint: &Value) -> bool {
    let t = toleration;
    let effect = meta::str_at(t, "/effect");
    if !effect.is_empty() && effect != meta::str_at(taint, "/effect") {
        return false;
    }
    let key = meta::str_at(t, "/key");
    if !key.is_empty() && key != meta::str_at(taint, "/key") {
        return false;
    }
    match meta::str_at(t, "/operator") {
        "Exists" => true,
        "" | "Equal" => {
            !key.is_empty() && meta::str_at(t, "/value") == meta::str_at(taint, "/value")
        }
        _ => false,
    }
}

/// The raw score: how many PreferNoSchedule taints of the node the pod does not tolerate
/// (normalized in reverse over the feasible nodes: none is best).
pub fn score(pod: &Value, info: &NodeInfo<'_>) -> i64 {
    taints(info.node)
        .filter(|t| meta::str_at(t, "/effect") == "PreferNoSchedule" && !tolerated(pod, t))
        .count() as i64
}
