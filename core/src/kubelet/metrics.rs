//! The resource metrics pipeline: what each container uses (the numbers cAdvisor would read,
//! from the simulated programs in [`super::apps`]), and metrics-server's view of it.
//!
//! metrics-server, once installed in `kube-system` (kind, like the default cluster here, has
//! none: `kubectl top` then answers `Metrics API not available`), scrapes every kubelet every
//! 15 s (`--metric-resolution=15s`) and needs two scrapes of a container before it reports
//! it, so a new pod has no metrics for its first 15-30 s. Usage is read at the last
//! scrape. CPU is capped by the container's limit (CFS throttling). A load generator can add
//! CPU to a pod through [`Kubelet::set_cpu_load`], the hook for the autoscaling work.

use serde_json::Value;

use super::Kubelet;
use super::process::Main;
use super::runtime::{ContainerRuntime, Role, State};
use crate::api::{meta, quantity};
use crate::controllers::{ObjectKey, kind};
use crate::store::Store;
use crate::time::{SECOND, Time};

/// metrics-server's `--metric-resolution`.
pub const RESOLUTION: i64 = 15 * SECOND;

/// A container's or node's usage.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    pub cpu_millis: i64,
    pub memory_bytes: u64,
}

impl Usage {
    pub fn add(&mut self, other: Usage) {
        self.cpu_millis += other.cpu_millis;
        self.memory_bytes += other.memory_bytes;
    }
}

/// What the kubelet, containerd and the system use on each node besides the pods.
const NODE_OVERHEAD: Usage = Usage {
    cpu_millis: 38,
    memory_bytes: 310 * 1024 * 1024,
};

/// Why the metrics API cannot answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unavailable {
    /// No metrics-server: the `metrics.k8s.io` group is not served at all.
    NotInstalled,
    /// metrics-server exists but is not ready: the aggregated API answers 503.
    NotReady,
}

/// The scrapes metrics-server has made: the last one and the one before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scrapes {
    pub last: Time,
    pub previous: Time,
}

/// Finds metrics-server (`kube-system`, `k8s-app=metrics-server`) and when it last scraped.
pub fn metrics_server(store: &Store, now: Time) -> Result<Scrapes, Unavailable> {
    let pods: Vec<&Value> = store
        .list(kind("", "Pod"), Some("kube-system"))
        .filter(|p| {
            meta::labels(p)
                .and_then(|l| l.get("k8s-app"))
                .and_then(Value::as_str)
                == Some("metrics-server")
        })
        .collect();
    let deployment = store.get(kind("apps", "Deployment"), "kube-system", "metrics-server");
    if pods.is_empty() && deployment.is_err() {
        return Err(Unavailable::NotInstalled);
    }
    let started = pods
        .iter()
        .filter(|p| crate::controllers::is_pod_ready(p))
        .filter_map(|p| {
            meta::array_at(p, "/status/containerStatuses")
                .first()
                .and_then(|c| c.pointer("/state/running/startedAt"))
                .and_then(Value::as_str)
                .and_then(Time::parse_rfc3339)
        })
        .min()
        .ok_or(Unavailable::NotReady)?;
    let last = started.plus_millis(now.since(started).max(0) / RESOLUTION * RESOLUTION);
    Ok(Scrapes {
        last,
        previous: last.plus_millis(-RESOLUTION),
    })
}

impl Kubelet {
    /// The hook for load generators: extra CPU (millicores) a pod's first container burns
    /// (what traffic to it would cost); 0 removes it.
    pub fn set_cpu_load(&mut self, pod: &ObjectKey, millis: i64) {
        if millis <= 0 {
            self.load.remove(pod);
        } else {
            self.load.insert(pod.clone(), millis);
        }
    }

    /// A pod's containers' usage as metrics-server reports it: `None` until two scrapes have
    /// seen every container running.
    pub fn pod_usage(&self, pod: &Value, scrapes: Scrapes) -> Option<Vec<(String, Usage)>> {
        let key = ObjectKey::of(pod);
        let runtime = self.pods.get(&key)?;
        let extra = self.load.get(&key).copied().unwrap_or(0);
        let mut out = Vec::new();
        let containers: Vec<&ContainerRuntime> = runtime
            .init
            .iter()
            .filter(|c| c.role == Role::Sidecar)
            .chain(runtime.containers.iter())
            .collect();
        for (i, c) in containers.iter().enumerate() {
            let State::Running { since } = c.state else {
                return None;
            };
            if since > scrapes.previous {
                return None;
            }
            let spec = super::runtime::spec_of(pod, c.role, &c.name);
            let load = if i == 0 { extra } else { 0 };
            out.push((c.name.clone(), container_usage(c, spec, scrapes.last, load)));
        }
        (!out.is_empty()).then_some(out)
    }

    /// A node's usage: its pods' containers and the system's own.
    pub fn node_usage(&self, store: &Store, node: &str, scrapes: Scrapes) -> Usage {
        let mut total = NODE_OVERHEAD;
        for pod in store
            .list(kind("", "Pod"), None)
            .filter(|p| meta::str_at(p, "/spec/nodeName") == node)
        {
            let key = ObjectKey::of(pod);
            let Some(runtime) = self.pods.get(&key) else {
                continue;
            };
            let extra = self.load.get(&key).copied().unwrap_or(0);
            for (i, c) in runtime.all().enumerate() {
                if c.is_running() {
                    let spec = super::runtime::spec_of(pod, c.role, &c.name);
                    total.add(container_usage(
                        c,
                        spec,
                        scrapes.last,
                        if i == 0 { extra } else { 0 },
                    ));
                }
            }
        }
        total
    }
}

/// One running container's usage at `at`.
fn container_usage(c: &ContainerRuntime, spec: Option<&Value>, at: Time, extra: i64) -> Usage {
    let seed = crate::rng::fnv1a32(c.container_id.as_bytes());
    let (cpu, memory) = match c.process.as_ref().map(|p| &p.main) {
        Some(Main::Program(p)) => (p.cpu_millis(seed), p.memory_bytes(at, seed)),
        // A shell or utility mostly sleeps.
        _ => (0, 380 * 1024 + u64::from(seed % 300) * 1024),
    };
    let limit = |resource: &str| {
        spec.and_then(|s| s.pointer(&format!("/resources/limits/{resource}")))
            .and_then(Value::as_str)
            .and_then(quantity::parse_milli)
    };
    let mut cpu = cpu + extra;
    if let Some(l) = limit("cpu") {
        // Throttled a little under the quota, as CFS periods leave some slack.
        cpu = cpu.min((l as i64) * 97 / 100);
    }
    Usage {
        cpu_millis: cpu,
        memory_bytes: memory,
    }
}
