//! The pod a command such as `logs` or `exec` works on, and its container, as kubectl's
//! polymorphic helpers find them: `POD`, or `TYPE/NAME` of anything with a pod selector (the
//! first pod by kubectl's `ByLogging` order, with `Found N pods, using pod/x`), and the
//! container named, annotated as default, or first (`Defaulted container "a" out of: a, b`).

use serde_json::Value;

use super::resolve_kind;
use crate::api::{meta, selector};
use crate::controllers::kind;
use crate::sim::Sim;
use crate::time::SECOND;

/// `POD` or `TYPE/NAME` to a pod; notices for stderr go to `notes`. A workload without pods
/// is waited for up to `timeout_seconds`, as kubectl waits for a pod to appear.
pub fn resolve(
    sim: &mut Sim,
    namespace: &str,
    arg: &str,
    timeout_seconds: i64,
    notes: &mut String,
) -> Result<Value, String> {
    let (typed, name) = match arg.split_once('/') {
        Some((t, n)) => (t, n),
        None => ("pods", arg),
    };
    let k = resolve_kind(&sim.store, typed)?;
    let obj = sim
        .store
        .get(k, namespace, name)
        .map_err(|s| super::errors::render(&s))?
        .clone();
    if k.kind == "Pod" {
        return Ok(obj);
    }
    let sel = pod_selector(&obj).ok_or_else(|| {
        format!(
            "error: cannot attach to {}: selector for {} not implemented",
            super::object_name(k, name),
            object_kind(k)
        )
    })?;
    let limit = sim.now().plus_millis(timeout_seconds * SECOND);
    let pods_of = |store: &crate::store::Store| -> Vec<Value> {
        store
            .list(kind("", "Pod"), Some(namespace))
            .filter(|p| selector::matches(Some(&sel), meta::labels(p)))
            .cloned()
            .collect()
    };
    sim.advance_until(limit, |store| !pods_of(store).is_empty());
    let mut pods = pods_of(&sim.store);
    if pods.is_empty() {
        return Err("error: timed out waiting for the condition".into());
    }
    pods.sort_by(by_logging);
    let count = pods.len();
    let first = pods.swap_remove(0);
    if count > 1 {
        notes.push_str(&format!(
            "Found {count} pods, using pod/{}\n",
            meta::name(&first)
        ));
    }
    Ok(first)
}

fn object_kind(k: &crate::api::Kind) -> String {
    if k.group.is_empty() {
        format!("*v1.{}", k.kind)
    } else {
        format!("*{}.{}", k.group.split('.').next().unwrap_or(""), k.kind)
    }
}

/// The label selector an object uses for its pods (`spec.selector`; a Service's is a map).
fn pod_selector(obj: &Value) -> Option<Value> {
    let sel = obj.pointer("/spec/selector")?;
    if meta::str_at(obj, "/kind") == "Service"
        || !(sel.get("matchLabels").is_some() || sel.get("matchExpressions").is_some())
    {
        return Some(serde_json::json!({"matchLabels": sel}));
    }
    Some(sel.clone())
}

/// kubectl's `ByLogging`: scheduled before not, Running before Unknown before Pending, ready
/// before not, more restarts first, older first.
fn by_logging(a: &Value, b: &Value) -> std::cmp::Ordering {
    let scheduled = |p: &Value| meta::str_at(p, "/spec/nodeName").is_empty();
    let phase = |p: &Value| match meta::str_at(p, "/status/phase") {
        "Running" => 0,
        "Unknown" => 1,
        "Pending" => 2,
        _ => 3,
    };
    let unready = |p: &Value| !crate::controllers::is_pod_ready(p);
    let restarts = |p: &Value| -> i64 {
        meta::array_at(p, "/status/containerStatuses")
            .iter()
            .map(|c| c.get("restartCount").and_then(Value::as_i64).unwrap_or(0))
            .max()
            .unwrap_or(0)
    };
    let created = |p: &Value| meta::str_at(p, "/metadata/creationTimestamp").to_string();
    scheduled(a)
        .cmp(&scheduled(b))
        .then(phase(a).cmp(&phase(b)))
        .then(unready(a).cmp(&unready(b)))
        .then(restarts(b).cmp(&restarts(a)))
        .then(created(a).cmp(&created(b)))
        .then(meta::name(a).cmp(meta::name(b)))
}

/// Every container name with its kind, as `AllContainerNames` lists them:
/// `app, sidecar (init)`.
pub fn all_container_names(pod: &Value) -> String {
    let mut names: Vec<String> = meta::array_at(pod, "/spec/containers")
        .iter()
        .map(|c| meta::str_at(c, "/name").to_string())
        .collect();
    for c in meta::array_at(pod, "/spec/ephemeralContainers") {
        names.push(format!("{} (ephem)", meta::str_at(c, "/name")));
    }
    for c in meta::array_at(pod, "/spec/initContainers") {
        names.push(format!("{} (init)", meta::str_at(c, "/name")));
    }
    names.join(", ")
}

/// Whether the pod has a container (app, init or ephemeral) of that name.
pub fn has_container(pod: &Value, name: &str) -> bool {
    [
        "/spec/containers",
        "/spec/initContainers",
        "/spec/ephemeralContainers",
    ]
    .iter()
    .any(|list| {
        meta::array_at(pod, list)
            .iter()
            .any(|c| meta::str_at(c, "/name") == name)
    })
}

/// The container to use when none is named: the `kubectl.kubernetes.io/default-container`
/// annotation's, else the first; the notice kubectl prints goes to `notes` unless `quiet`.
pub fn default_container(pod: &Value, quiet: bool, notes: &mut String) -> Option<String> {
    if let Some(name) = pod
        .pointer("/metadata/annotations/kubectl.kubernetes.io~1default-container")
        .and_then(Value::as_str)
        .filter(|n| has_container(pod, n))
    {
        return Some(name.to_string());
    }
    let first = meta::array_at(pod, "/spec/containers")
        .first()
        .map(|c| meta::str_at(c, "/name").to_string())?;
    let several = meta::array_at(pod, "/spec/containers").len() > 1
        || !meta::array_at(pod, "/spec/initContainers").is_empty()
        || !meta::array_at(pod, "/spec/ephemeralContainers").is_empty();
    if several && !quiet {
        notes.push_str(&format!(
            "Defaulted container \"{first}\" out of: {}\n",
            all_container_names(pod)
        ));
    }
    Some(first)
}
