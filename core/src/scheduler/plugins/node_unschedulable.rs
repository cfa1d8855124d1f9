//! NodeUnschedulable: a cordoned node (`spec.unschedulable`) takes only pods that tolerate the
//! `node.kubernetes.io/unschedulable:NoSchedule` taint.

use serde_json::{Value, json};

use super::{NodeInfo, taint_toleration};
use crate::scheduler::{Code, Rejection};

pub const REASON: &str = "node(s) were unschedulable";

pub fn filter(pod: &Value, info: &NodeInfo<'_>) -> Option<Rejection> {
    if info.node.pointer("/spec/unschedulable") != Some(&json!(true)) {
        return None;
    }
    let cordon = json!({"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"});
    (!taint_toleration::tolerated(pod, &cordon)).then(|| {
        Rejection::new(
            "NodeUnschedulable",
            Code::UnschedulableAndUnresolvable,
            REASON,
        )
    })
}
