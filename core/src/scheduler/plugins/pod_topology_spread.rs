//! PodTopologySpread, with upstream's system default constraints only (spread a workload's pods
//! across hostnames, `ScheduleAnyway`): nodes running fewer pods of the same owner score higher.

use serde_json::Value;

use super::NodeInfo;
use crate::api::meta;

pub fn score(pod: &Value, info: &NodeInfo<'_>, all: &[NodeInfo<'_>]) -> i64 {
    let Some(owner) = meta::controller_of(pod).and_then(|o| o.get("uid")).and_then(Value::as_str) else {
        return 0;
    };
    let siblings = |n: &NodeInfo<'_>| {
        n.pods
            .iter()
            .filter(|p| meta::controller_of(p).and_then(|o| o.get("uid")).and_then(Value::as_str) == Some(owner))
            .count() as i64
    };
    let most = all.iter().map(siblings).max().unwrap_or(0);
    if most == 0 {
        return 100;
    }
    (most - siblings(info)) * 100 / most
}
