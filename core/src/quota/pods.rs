//! The pod evaluator: compute resources a pod requests and limits, its scopes (BestEffort,
//! Terminating, PriorityClass, ...) and the old rule that a quota on cpu or memory makes every
//! container state them.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::{Resources, add};
use crate::api::{meta, selector};
use crate::time::Time;

/// Quota resources about pods beyond prefixes (hugepages) and extended `requests.*` names.
const POD_RESOURCES: &[&str] = &[
    "count/pods",
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
];

/// Resources a pod must state per container when a quota tracks them (a historical mistake
/// upstream keeps for compatibility, limited to these).
const MUST_SPECIFY: &[&str] = &[
    "cpu",
    "memory",
    "requests.cpu",
    "requests.memory",
    "limits.cpu",
    "limits.memory",
];

const NATIVE: &[&str] = &["cpu", "memory", "ephemeral-storage", "storage", "pods"];

pub(super) fn tracks(name: &str) -> bool {
    if POD_RESOURCES.contains(&name)
        || name.starts_with("hugepages-")
        || name.starts_with("requests.hugepages-")
    {
        return true;
    }
    // Extended resources are quoted as `requests.<name>`.
    name.strip_prefix("requests.").is_some_and(|r| {
        r.contains('/') && !r.starts_with("kubernetes.io/") && !NATIVE.contains(&r)
    })
}

/// A pod's total requests or limits (`resourcehelper.PodRequests`/`PodLimits`): containers
/// add up; an init container runs alone (with the sidecars started before it), so the pod
/// needs the larger of the two.
pub fn pod_total(pod: &Value, key: &str) -> Resources {
    let of = |c: &Value| super::parse(c.pointer(&format!("/resources/{key}")));
    let list = |name: &str| -> Vec<&Value> {
        pod.pointer(&format!("/spec/{name}"))
            .and_then(Value::as_array)
            .map(|l| l.iter().collect())
            .unwrap_or_default()
    };
    let mut total = Resources::new();
    for c in list("containers") {
        total = add(&total, &of(c));
    }
    let mut sidecars = Resources::new();
    let mut init_max = Resources::new();
    for c in list("initContainers") {
        let own = of(c);
        let needed = if meta::str_at(c, "/restartPolicy") == "Always" {
            total = add(&total, &own);
            sidecars = add(&sidecars, &own);
            sidecars.clone()
        } else {
            add(&own, &sidecars)
        };
        take_max(&mut init_max, &needed);
    }
    take_max(&mut total, &init_max);
    total
}

fn take_max(total: &mut Resources, other: &Resources) {
    for (k, v) in other {
        if total.get(k).is_none_or(|t| v > t) {
            total.insert(k.clone(), v.clone());
        }
    }
}

/// The compute usage of requests and limits (`podComputeUsageHelper`).
fn compute_usage(requests: &Resources, limits: &Resources, used: &mut Resources) {
    used.insert("pods".into(), super::count(1));
    for r in ["cpu", "memory", "ephemeral-storage"] {
        if let Some(q) = requests.get(r) {
            used.insert(r.into(), q.clone());
            used.insert(format!("requests.{r}"), q.clone());
        }
        if let Some(q) = limits.get(r) {
            used.insert(format!("limits.{r}"), q.clone());
        }
    }
    for (r, q) in requests {
        if r.starts_with("hugepages-") {
            used.insert(r.clone(), q.clone());
            used.insert(format!("requests.{r}"), q.clone());
        } else if r.contains('/') && !r.starts_with("kubernetes.io/") {
            used.insert(format!("requests.{r}"), q.clone());
        }
    }
}

/// `PodUsageFunc`: every pod counts in `count/pods`; only pods not finished (and not stuck
/// past their deletion grace period) count in compute resources and `pods`.
pub(super) fn usage(pod: &Value, now: Time, used: &mut Resources) {
    if !charged(pod, now) {
        return;
    }
    compute_usage(&pod_total(pod, "requests"), &pod_total(pod, "limits"), used);
}

fn charged(pod: &Value, now: Time) -> bool {
    if matches!(meta::str_at(pod, "/status/phase"), "Succeeded" | "Failed") {
        return false;
    }
    let deleted_at = Time::parse_rfc3339(meta::str_at(pod, "/metadata/deletionTimestamp"));
    let grace = pod
        .pointer("/metadata/deletionGracePeriodSeconds")
        .and_then(Value::as_i64);
    match (deleted_at, grace) {
        (Some(at), Some(grace)) => now <= at.plus_secs(grace),
        _ => true,
    }
}

/// `IsTerminating`: a pod with an active deadline ends by itself.
pub(super) fn is_terminating(pod: &Value) -> bool {
    pod.pointer("/spec/activeDeadlineSeconds")
        .and_then(Value::as_i64)
        .is_some_and(|s| s >= 0)
}

/// Whether a pod falls in one scope selector (`podMatchesScopeFunc`).
pub(super) fn matches_scope(scope: &Value, pod: &Value) -> bool {
    match meta::str_at(scope, "/scopeName") {
        "Terminating" => is_terminating(pod),
        "NotTerminating" => !is_terminating(pod),
        "BestEffort" => crate::kubelet::qos_class(pod) == "BestEffort",
        "NotBestEffort" => crate::kubelet::qos_class(pod) != "BestEffort",
        "PriorityClass" => {
            let class = meta::str_at(pod, "/spec/priorityClassName");
            if meta::str_at(scope, "/operator") == "Exists" {
                return !class.is_empty();
            }
            let sel = json!({"matchExpressions": [{
                "key": "PriorityClass",
                "operator": meta::str_at(scope, "/operator"),
                "values": scope.get("values").cloned().unwrap_or(json!([])),
            }]});
            let labels = if class.is_empty() {
                serde_json::Map::new()
            } else {
                let mut m = serde_json::Map::new();
                m.insert("PriorityClass".into(), json!(class));
                m
            };
            selector::matches(Some(&sel), Some(&labels))
        }
        "CrossNamespacePodAffinity" => uses_cross_namespace_affinity(pod),
        _ => false,
    }
}

fn uses_cross_namespace_affinity(pod: &Value) -> bool {
    let cross = |term: &Value| {
        term.get("namespaces")
            .and_then(Value::as_array)
            .is_some_and(|n| !n.is_empty())
            || term.get("namespaceSelector").is_some_and(|s| !s.is_null())
    };
    ["podAffinity", "podAntiAffinity"].iter().any(|a| {
        let base = format!("/spec/affinity/{a}");
        let required = pod
            .pointer(&format!(
                "{base}/requiredDuringSchedulingIgnoredDuringExecution"
            ))
            .and_then(Value::as_array)
            .is_some_and(|terms| terms.iter().any(cross));
        let preferred = pod
            .pointer(&format!(
                "{base}/preferredDuringSchedulingIgnoredDuringExecution"
            ))
            .and_then(Value::as_array)
            .is_some_and(|terms| {
                terms
                    .iter()
                    .any(|t| t.get("podAffinityTerm").is_some_and(cross))
            });
        required || preferred
    })
}

/// `must specify limits.cpu for: web; requests.memory for: web,sidecar` when a quota tracks
/// cpu or memory and a container leaves it out.
pub(super) fn constraints(required: &[String], pod: &Value) -> Result<(), String> {
    // Pod-level resources make container-level ones optional.
    if pod.pointer("/spec/resources").is_some_and(|r| {
        r.as_object().is_some_and(|m| {
            m.values()
                .any(|v| v.as_object().is_some_and(|l| !l.is_empty()))
        })
    }) {
        return Ok(());
    }
    let required: BTreeSet<&str> = required
        .iter()
        .map(String::as_str)
        .filter(|r| MUST_SPECIFY.contains(r))
        .collect();
    let mut missing: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for list in ["containers", "initContainers"] {
        for c in pod
            .pointer(&format!("/spec/{list}"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let mut used = Resources::new();
            compute_usage(
                &super::parse(c.pointer("/resources/requests")),
                &super::parse(c.pointer("/resources/limits")),
                &mut used,
            );
            for r in &required {
                if !used.contains_key(*r) {
                    missing
                        .entry(r)
                        .or_default()
                        .insert(meta::str_at(c, "/name").to_string());
                }
            }
        }
    }
    if missing.is_empty() {
        return Ok(());
    }
    let parts: Vec<String> = missing
        .iter()
        .map(|(r, names)| {
            format!(
                "{r} for: {}",
                names.iter().cloned().collect::<Vec<_>>().join(",")
            )
        })
        .collect();
    Err(format!("must specify {}", parts.join("; ")))
}
