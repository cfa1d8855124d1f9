//! NodeName: a pod that names its node (`spec.nodeName` set before scheduling is for the
//! kubelet; here, the scheduler-side check) fits only that node.

use serde_json::Value;

use super::NodeInfo;
use crate::api::meta;
use crate::scheduler::{Code, Rejection};

pub const REASON: &str = "node(s) didn't match the requested node name";

pub fn filter(pod: &Value, info: &NodeInfo<'_>) -> Option<Rejection> {
    let wanted = meta::str_at(pod, "/spec/nodeName");
    (!wanted.is_empty() && wanted != meta::name(info.node))
        .then(|| Rejection::new("NodeName", Code::UnschedulableAndUnresolvable, REASON))
}
