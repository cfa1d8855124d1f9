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

/// A pod's effective request for one resource in milli-units: the sum over app containers, or
/// the largest init container if bigger (init containers run one at a time).
fn pod_request(pod: &Value, resource: &str, default_if_unset: i128) -> i128 {
    let request = |c: &Value| {
        let resources = c.get("resources");
        let declared = |section: &str| resources?.get(section)?.get(resource)?.as_str();
        declared("requests")
            .or_else(|| declared("limits"))
            .and_then(quantity::parse_milli)
            .unwrap_or(default_if_unset)
    };
    let list = |k: &str| {
        pod.get("spec")
            .and_then(|s| s.get(k))
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

/// Amounts of the resources the scheduler counts, in milli-units: what a pod requests, what a
/// node's pods request together, or what a node can allocate. The `_nonzero` amounts count a
/// container without requests as upstream's scoring defaults (100m CPU, 200Mi memory).
#[derive(Clone, Copy, Debug, Default)]
pub struct Requested {
    pub cpu: i128,
    pub memory: i128,
    pub ephemeral_storage: i128,
    pub cpu_nonzero: i128,
    pub memory_nonzero: i128,
}

impl Requested {
    /// What a pod requests (computed once per pod per scheduling cycle: it is read per node).
    pub fn of_pod(pod: &Value) -> Requested {
        Requested {
            cpu: pod_request(pod, "cpu", 0),
            memory: pod_request(pod, "memory", 0),
            ephemeral_storage: pod_request(pod, "ephemeral-storage", 0),
            cpu_nonzero: pod_request(pod, "cpu", DEFAULT_MILLI_CPU),
            memory_nonzero: pod_request(pod, "memory", DEFAULT_MEMORY_MILLI),
        }
    }

    pub fn add(&mut self, other: &Requested) {
        self.cpu += other.cpu;
        self.memory += other.memory;
        self.ephemeral_storage += other.ephemeral_storage;
        self.cpu_nonzero += other.cpu_nonzero;
        self.memory_nonzero += other.memory_nonzero;
    }

    pub fn sub(&mut self, other: &Requested) {
        self.cpu -= other.cpu;
        self.memory -= other.memory;
        self.ephemeral_storage -= other.ephemeral_storage;
        self.cpu_nonzero -= other.cpu_nonzero;
        self.memory_nonzero -= other.memory_nonzero;
    }

    fn get(&self, resource: Resource, nonzero: bool) -> i128 {
        match (resource, nonzero) {
            (Resource::Cpu, false) => self.cpu,
            (Resource::Cpu, true) => self.cpu_nonzero,
            (Resource::Memory, false) => self.memory,
            (Resource::Memory, true) => self.memory_nonzero,
            (Resource::EphemeralStorage, _) => self.ephemeral_storage,
        }
    }
}

#[derive(Clone, Copy)]
enum Resource {
    Cpu,
    Memory,
    EphemeralStorage,
}

impl Resource {
    fn name(self) -> &'static str {
        match self {
            Resource::Cpu => "cpu",
            Resource::Memory => "memory",
            Resource::EphemeralStorage => "ephemeral-storage",
        }
    }
}

/// A node's `status.allocatable`, parsed once per snapshot.
#[derive(Clone, Copy, Debug, Default)]
pub struct Allocatable {
    pub cpu: i128,
    pub memory: i128,
    pub ephemeral_storage: i128,
    pub pods: i128,
}

impl Allocatable {
    pub fn of_node(node: &Value) -> Allocatable {
        let amount = |resource: &str| {
            node.get("status")
                .and_then(|s| s.get("allocatable"))
                .and_then(|a| a.get(resource))
                .and_then(|v| match v {
                    Value::String(s) => quantity::parse_milli(s),
                    Value::Number(n) => n.as_i64().map(|n| i128::from(n) * 1000),
                    _ => None,
                })
                .unwrap_or(0)
        };
        Allocatable {
            cpu: amount("cpu"),
            memory: amount("memory"),
            ephemeral_storage: amount("ephemeral-storage"),
            pods: amount("pods") / 1000,
        }
    }

    fn get(&self, resource: Resource) -> i128 {
        match resource {
            Resource::Cpu => self.cpu,
            Resource::Memory => self.memory,
            Resource::EphemeralStorage => self.ephemeral_storage,
        }
    }
}

pub fn filter(wanted: &Requested, info: &NodeInfo<'_>) -> Option<Rejection> {
    let mut reasons = Vec::new();
    let mut code = Code::Unschedulable;
    if info.pods.len() as i128 + 1 > info.allocatable.pods {
        reasons.push("Too many pods".to_string());
    }
    for resource in [Resource::Cpu, Resource::Memory, Resource::EphemeralStorage] {
        let want = wanted.get(resource, false);
        if want == 0 {
            continue;
        }
        let capacity = info.allocatable.get(resource);
        if want > capacity - info.requested.get(resource, false) {
            reasons.push(format!("Insufficient {}", resource.name()));
            if want > capacity {
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
pub fn least_allocated(wanted: &Requested, info: &NodeInfo<'_>) -> i64 {
    let free = |resource: Resource| {
        let capacity = info.allocatable.get(resource);
        if capacity <= 0 {
            return 0;
        }
        let used = info.requested.get(resource, true) + wanted.get(resource, true);
        ((capacity - used).max(0) * 100 / capacity) as i64
    };
    (free(Resource::Cpu) + free(Resource::Memory)) / 2
}

/// 100 when cpu and memory would be used in the same proportion, less the further apart.
pub fn balanced_allocation(wanted: &Requested, info: &NodeInfo<'_>) -> i64 {
    let fraction = |resource: Resource| {
        let capacity = info.allocatable.get(resource);
        if capacity <= 0 {
            return 1.0;
        }
        let used = info.requested.get(resource, true) + wanted.get(resource, true);
        (used as f64 / capacity as f64).min(1.0)
    };
    let diff = (fraction(Resource::Cpu) - fraction(Resource::Memory)).abs();
    ((1.0 - diff / 2.0) * 100.0) as i64
}
