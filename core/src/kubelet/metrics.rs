//! The resource metrics pipeline: what each container uses (the numbers cAdvisor would read,
//! from the simulated programs in [`super::apps`]), and metrics-server's view of it.
//!
//! metrics-server, once installed in `kube-system` (kind, like the default cluster here, has
//! none: `kubectl top` then answers `Metrics API not available`), scrapes every kubelet every
//! 15 s (`--metric-resolution=15s`) and needs two scrapes of a container before it reports
//! it, so a new pod has no metrics for its first 15-30 s. Usage is read at the last
//! scrape. CPU is capped by the container's limit (CFS throttling).
//!
//! Load generators (`kubeplay load`, the sandbox's stand-in for a client hammering a Service)
//! add CPU demand to the pods behind a Deployment or Service: the demand is shared among the
//! ready pods the selector picks, as a Service spreads requests over its ready endpoints, so
//! scaling out lowers each pod's share.

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

/// A load generator: CPU demand (millicores) on the pods a workload's or Service's selector
/// picks in `namespace`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Load {
    pub namespace: String,
    /// `deployment`, `service`...: how the target was named, for listing.
    pub target: String,
    /// The label selector (object form: `matchLabels`/`matchExpressions`).
    pub selector: Value,
    pub millis: i64,
}

impl Load {
    /// The extra CPU `pod` burns for this load: an even share among the ready pods picked.
    fn share(&self, store: &Store, pod: &Value) -> i64 {
        let picked = |p: &Value| {
            meta::namespace(p) == self.namespace
                && crate::controllers::is_pod_ready(p)
                && !meta::is_deleting(p)
                && crate::api::selector::matches(Some(&self.selector), meta::labels(p))
        };
        if !picked(pod) {
            return 0;
        }
        let ready = store
            .list(kind("", "Pod"), Some(&self.namespace))
            .filter(|p| picked(p))
            .count() as i64;
        self.millis / ready.max(1)
    }
}

impl Kubelet {
    /// Starts (or changes) the load generator named `name`; `None` stops it. Returns whether
    /// one was running.
    pub fn set_load(&mut self, name: &str, load: Option<Load>) -> bool {
        match load {
            Some(l) => self.loads.insert(name.to_string(), l).is_some(),
            None => self.loads.remove(name).is_some(),
        }
    }

    /// The running load generators, by name.
    pub fn loads(&self) -> &std::collections::BTreeMap<String, Load> {
        &self.loads
    }

    /// The CPU the load generators put on `pod` (its first container serves the traffic).
    fn extra_cpu(&self, store: &Store, pod: &Value) -> i64 {
        self.loads.values().map(|l| l.share(store, pod)).sum()
    }

    /// A pod's containers' usage as metrics-server reports it: `None` until two scrapes have
    /// seen every container running.
    pub fn pod_usage(
        &self,
        store: &Store,
        pod: &Value,
        scrapes: Scrapes,
    ) -> Option<Vec<(String, Usage)>> {
        let key = ObjectKey::of(pod);
        let runtime = self.pods.get(&key)?;
        let extra = self.extra_cpu(store, pod);
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
            let extra = self.extra_cpu(store, pod);
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

/// Pods with their containers' usage, as the metrics API lists them.
pub type PodUsages<'a> = Vec<(&'a Value, Vec<(String, Usage)>)>;

/// The resource metrics API's pod list (`GET /apis/metrics.k8s.io/v1beta1/namespaces/NS/pods`)
/// for `pods`: those metrics-server has measured, with their containers' usage, and when it
/// measured them; or the API's error as client-go words it.
pub fn list_pod_metrics<'a>(
    kubelet: Option<&Kubelet>,
    store: &Store,
    now: Time,
    pods: &[&'a Value],
) -> Result<(Scrapes, PodUsages<'a>), String> {
    let scrapes = metrics_server(store, now).map_err(|why| match why {
        Unavailable::NotInstalled => {
            "the server could not find the requested resource (get pods.metrics.k8s.io)".to_string()
        }
        Unavailable::NotReady => {
            "the server is currently unable to handle the request (get pods.metrics.k8s.io)"
                .to_string()
        }
    })?;
    let measured = pods
        .iter()
        .filter_map(|p| Some((*p, kubelet?.pod_usage(store, p, scrapes)?)))
        .collect();
    Ok((scrapes, measured))
}
