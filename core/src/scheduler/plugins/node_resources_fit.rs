//! NodeResourcesFit: a pod fits a node when its requests fit in what the node's allocatable
//! leaves after the pods already there (and the node has a pod slot left); scores favour the
//! least allocated node and a balanced use of CPU and memory.

use serde_json::Value;

use super::NodeInfo;
use crate::api::quantity;
use crate::scheduler::{Code, Rejection};

/// What the scoring functions assume a container without requests uses (upstream's
/// `DefaultMilliCPURequest` and `DefaultMemoryRequest`).
const DEFAULT_MILLI_CPU: i128 = 100;
const DEFAULT_MEMORY_MILLI: i128 = 200 * 1024 * 1024 * 1000;

/// A pod's effective requests in milli-units: the sum over app containers, or the largest
/// init container if bigger (init containers run one at a time).
pub fn pod_requests(pod: &Value, resource: &str, default_if_unset: i128) -> i128 {
    let request = |c: &Value| {
        c.pointer(&format!("/resources/requests/{resource}"))
            .or_else(|| c.pointer(&format!("/resources/limits/{resource}")))
            .and_then(Value::as_str)
            .and_then(quantity::parse_milli)
            .unwrap_or(default_if_unset)
    };
    let list = |k: &str| {
        pod.pointer(&format!("/spec/{k}"))
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    let app: i128 = list("containers").iter().map(request).sum();
    let init = list("initContainers")
        .iter()
        .map(request)
        .max()
        .unwrap_or(0);
    app.max(init)
}

pub fn allocatable(node: &Value, resource: &str) -> i128 {
    node.pointer(&format!("/status/allocatable/{resource}"))
        .and_then(|v| match v {
            Value::String(s) => quantity::parse_milli(s),
            Value::Number(n) => n.as_i64().map(|n| i128::from(n) * 1000),
            _ => None,
        })
        .unwrap_or(0)
}

/// What the pods on a node request, in milli-units: as declared (for fitting) and with the
/// scoring defaults for pods that declare nothing.
#[derive(Clone, Copy, Debug, Default)]
pub struct Requested {
    pub cpu: i128,
    pub memory: i128,
    pub ephemeral_storage: i128,
    pub cpu_nonzero: i128,
    pub memory_nonzero: i128,
}

impl Requested {
    pub fn add(&mut self, pod: &Value) {
        self.cpu += pod_requests(pod, "cpu", 0);
        self.memory += pod_requests(pod, "memory", 0);
        self.ephemeral_storage += pod_requests(pod, "ephemeral-storage", 0);
        self.cpu_nonzero += pod_requests(pod, "cpu", DEFAULT_MILLI_CPU);
        self.memory_nonzero += pod_requests(pod, "memory", DEFAULT_MEMORY_MILLI);
    }
}

fn requested_on(info: &NodeInfo<'_>, resource: &str, default_if_unset: i128) -> i128 {
    let r = &info.requested;
    match (resource, default_if_unset > 0) {
        ("cpu", false) => r.cpu,
        ("cpu", true) => r.cpu_nonzero,
        ("memory", false) => r.memory,
        ("memory", true) => r.memory_nonzero,
        _ => r.ephemeral_storage,
    }
}

pub fn filter(pod: &Value, info: &NodeInfo<'_>) -> Option<Rejection> {
    let mut reasons = Vec::new();
    let mut code = Code::Unschedulable;
    let max_pods = allocatable(info.node, "pods") / 1000;
    if info.pods.len() as i128 + 1 > max_pods {
        reasons.push("Too many pods".to_string());
    }
    for resource in ["cpu", "memory", "ephemeral-storage"] {
        let wanted = pod_requests(pod, resource, 0);
        if wanted == 0 {
            continue;
        }
        let capacity = allocatable(info.node, resource);
        if wanted > capacity - requested_on(info, resource, 0) {
            reasons.push(format!("Insufficient {resource}"));
            if wanted > capacity {
                code = Code::UnschedulableAndUnresolvable;
            }
        }
    }
    (!reasons.is_empty()).then_some(Rejection {
        plugin: "NodeResourcesFit",
        code,
        reasons,
    })
}

/// Fraction of cpu and memory left free after placing the pod (non-zero requests), as 0–100.
pub fn least_allocated(pod: &Value, info: &NodeInfo<'_>) -> i64 {
    let free = |resource: &str, default: i128| {
        let capacity = allocatable(info.node, resource);
        if capacity <= 0 {
            return 0;
        }
        let used = requested_on(info, resource, default) + pod_requests(pod, resource, default);
        ((capacity - used).max(0) * 100 / capacity) as i64
    };
    (free("cpu", DEFAULT_MILLI_CPU) + free("memory", DEFAULT_MEMORY_MILLI)) / 2
}

/// 100 when cpu and memory would be used in the same proportion, less the further apart.
pub fn balanced_allocation(pod: &Value, info: &NodeInfo<'_>) -> i64 {
    let fraction = |resource: &str, default: i128| {
        let capacity = allocatable(info.node, resource);
        if capacity <= 0 {
            return 1.0;
        }
        let used = requested_on(info, resource, default) + pod_requests(pod, resource, default);
        (used as f64 / capacity as f64).min(1.0)
    };
    let diff =
        (fraction("cpu", DEFAULT_MILLI_CPU) - fraction("memory", DEFAULT_MEMORY_MILLI)).abs();
    ((1.0 - diff / 2.0) * 100.0) as i64
}
