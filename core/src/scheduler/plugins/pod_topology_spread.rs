//! PodTopologySpread, with upstream's system default constraints only (spread a workload's pods
//! across hostnames, `ScheduleAnyway`): nodes running fewer pods of the same owner score higher.

use serde_json::Value;

use super::NodeInfo;
use crate::api::meta;

/// The uid of the pod's controller: pods of one owner are spread together.
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

/// 100 on a node without siblings, down to 0 on the most crowded; `most` is the most siblings
/// on any node.
pub fn score(owner: Option<&str>, info: &NodeInfo<'_>, most: i64) -> i64 {
    if owner.is_none() {
        return 0;
    }
    if most == 0 {
        return 100;
    }
    (most - siblings(owner, info)) * 100 / most
}
