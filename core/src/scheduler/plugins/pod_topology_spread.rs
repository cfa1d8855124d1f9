//! PodTopologySpread, with upstream's system default constraints only (spread a workload's pods
//! across hostnames, `ScheduleAnyway`): nodes running fewer pods of the same owner score higher.

use serde_json::Value;

use super::NodeInfo;
use crate::api::meta;

fn owner_uid(pod: &Value) -> Option<&str> {
    meta::controller_of(pod)
        .and_then(|o| o.get("uid"))
        .and_then(Value::as_str)
}

/// Pods on the node with the same controller as `pod`.
pub fn siblings(pod: &Value, info: &NodeInfo<'_>) -> i64 {
    let Some(owner) = owner_uid(pod) else {
        return 0;
    };
    info.pods
        .iter()
        .filter(|p| owner_uid(p) == Some(owner))
        .count() as i64
}

/// 100 on a node without siblings, down to 0 on the most crowded; `most` is the most siblings
/// on any node.
pub fn score(pod: &Value, info: &NodeInfo<'_>, most: i64) -> i64 {
    if owner_uid(pod).is_none() {
        return 0;
    }
    if most == 0 {
        return 100;
    }
    (most - siblings(pod, info)) * 100 / most
}
