//! The replica calculator (upstream's `replica_calculator.go` and the metrics client's
//! ratios): from the pods a target's selector picks and their metrics, the replica count that
//! would bring the average back to the target.
//!
//! Pods are grouped first: finished or terminating pods are ignored, pending ones count as
//! unready, pods without a metric as missing, and for CPU a pod still in its initialization
//! period (5 min from start) counts only once a full metric window has passed since it became
//! ready. On a scale-up, unready and missing pods are assumed to use nothing; on a scale-down,
//! missing pods their whole request (or the target, when it is above 100%). A change within
//! the tolerance (10%), or one whose direction those assumptions would flip, is no change.
//! Error texts are upstream's, as they end up in events and conditions.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::api::{meta, quantity};
use crate::controllers::condition;
use crate::time::{SECOND, Time};

/// `--horizontal-pod-autoscaler-tolerance`.
pub const TOLERANCE: f64 = 0.1;
/// `--horizontal-pod-autoscaler-cpu-initialization-period`.
pub const CPU_INITIALIZATION_PERIOD: i64 = 300 * SECOND;
/// `--horizontal-pod-autoscaler-initial-readiness-delay`.
pub const INITIAL_READINESS_DELAY: i64 = 30 * SECOND;

/// One pod's metric: milli-units (millicores, or bytes × 1000), when it was measured and
/// over what window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PodMetric {
    pub value: i64,
    pub timestamp: Time,
    pub window: i64,
}

/// Metrics by pod name.
pub type PodMetrics = BTreeMap<String, PodMetric>;

/// What the calculator proposes: replicas, the current average (utilization percent for a
/// utilization target) and the raw average value (milli-units).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub replicas: i32,
    pub utilization: i32,
    pub raw: i64,
}

fn within_tolerance(ratio: f64) -> bool {
    ((1.0 - TOLERANCE)..=(1.0 + TOLERANCE)).contains(&ratio)
}

/// `groupPods`: (ready count, unready, missing, ignored) pod names.
fn group_pods(
    pods: &[&Value],
    metrics: &PodMetrics,
    resource: &str,
    now: Time,
) -> (usize, BTreeSet<String>, BTreeSet<String>, BTreeSet<String>) {
    let (mut ready, mut unready, mut missing, mut ignored) =
        (0, BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    let time_at = |v: Option<&Value>| v.and_then(Value::as_str).and_then(Time::parse_rfc3339);
    for pod in pods {
        let name = meta::name(pod).to_string();
        let phase = meta::str_at(pod, "/status/phase");
        if meta::is_deleting(pod) || matches!(phase, "Succeeded" | "Failed") {
            ignored.insert(name);
            continue;
        }
        if phase == "Pending" {
            unready.insert(name);
            continue;
        }
        let Some(metric) = metrics.get(&name) else {
            missing.insert(name);
            continue;
        };
        if resource == "cpu" {
            let ready_condition = condition(pod, "Ready");
            let started = time_at(meta::at(pod, "/status/startTime"));
            let is_unready = match (ready_condition, started) {
                (Some(c), Some(start)) => {
                    let status_false = meta::str_at(c, "/status") == "False";
                    let transition = time_at(c.get("lastTransitionTime")).unwrap_or(start);
                    if start.plus_millis(CPU_INITIALIZATION_PERIOD) > now {
                        // Still initializing: only a sample from a full window after the pod
                        // became ready counts.
                        status_false || metric.timestamp < transition.plus_millis(metric.window)
                    } else {
                        // Unready and never ready since its start.
                        status_false && start.plus_millis(INITIAL_READINESS_DELAY) > transition
                    }
                }
                _ => true,
            };
            if is_unready {
                unready.insert(name);
                continue;
            }
        }
        ready += 1;
    }
    (ready, unready, missing, ignored)
}

/// A container's request for `resource`, in milli-units.
fn request_of(c: &Value, resource: &str) -> Option<i64> {
    c.pointer(&format!("/resources/requests/{resource}"))
        .and_then(Value::as_str)
        .and_then(quantity::parse_milli)
        .map(|m| m as i64)
}

/// `calculateRequests`: each pod's request for `resource` (of `container` only when given):
/// the pod-level request when the pod sets one, else the sum over its containers and
/// sidecars; a container without one is an error.
pub fn requests(
    pods: &[&Value],
    container: &str,
    resource: &str,
) -> Result<BTreeMap<String, i64>, String> {
    let mut out = BTreeMap::new();
    for pod in pods {
        let name = meta::name(pod);
        let pod_level = meta::at(pod, "/spec/resources/requests")
            .and_then(Value::as_object)
            .filter(|r| r.contains_key("cpu") || r.contains_key("memory"));
        let request = if let (Some(_), "") = (pod_level, container) {
            let spec = meta::at(pod, "/spec").cloned().unwrap_or(Value::Null);
            request_of(&spec, resource)
                .ok_or_else(|| format!("missing pod-level request for {resource} in Pod {name}"))?
        } else {
            let sidecars = meta::array_at(pod, "/spec/initContainers")
                .iter()
                .filter(|c| meta::str_at(c, "/restartPolicy") == "Always");
            let mut total = 0;
            let mut found = container.is_empty();
            for c in meta::array_at(pod, "/spec/containers")
                .iter()
                .chain(sidecars)
            {
                let c_name = meta::str_at(c, "/name");
                if container.is_empty() || container == c_name {
                    total += request_of(c, resource).ok_or_else(|| {
                        format!(
                            "missing request for {resource} in container {c_name} of Pod {name}"
                        )
                    })?;
                }
                if container == c_name {
                    found = true;
                    break;
                }
            }
            if !found {
                return Err(format!("container {container} not found in Pod {name}"));
            }
            total
        };
        out.insert(name.to_string(), request);
    }
    Ok(out)
}

/// `GetResourceUtilizationRatio`: (usage ratio, utilization percent, average raw value).
fn utilization_ratio(
    metrics: &PodMetrics,
    requests: &BTreeMap<String, i64>,
    target: i32,
) -> Result<(f64, i32, i64), String> {
    let (mut usage, mut requested, mut counted) = (0i64, 0i64, 0i64);
    for (pod, metric) in metrics {
        // Metrics of pods without a known request are extraneous.
        if let Some(r) = requests.get(pod) {
            usage += metric.value;
            requested += r;
            counted += 1;
        }
    }
    if requested == 0 {
        return Err("no metrics returned matched known pods".into());
    }
    let utilization = (usage * 100 / requested) as i32;
    Ok((
        f64::from(utilization) / f64::from(target),
        utilization,
        usage / counted,
    ))
}

/// `GetMetricUsageRatio`: (usage ratio, average usage).
fn usage_ratio(metrics: &PodMetrics, target: i64) -> (f64, i64) {
    let total: i64 = metrics.values().map(|m| m.value).sum();
    let average = total / (metrics.len().max(1) as i64);
    (average as f64 / target as f64, average)
}

/// `GetResourceReplicas`: replicas for a utilization target (percent of requests).
pub fn resource_replicas(
    current: i32,
    target: i32,
    resource: &str,
    container: &str,
    pods: &[&Value],
    mut metrics: PodMetrics,
    now: Time,
) -> Result<Proposal, String> {
    let (ready, unready, missing) = trusted_metrics(pods, &mut metrics, resource, now)?;
    let requests = requests(pods, container, resource)?;
    let (ratio, utilization, raw) = utilization_ratio(&metrics, &requests, target)?;
    let unchanged = Proposal {
        replicas: current,
        utilization,
        raw,
    };
    if let Some(answer) = first_pass(ratio, ready, &unready, &missing, unchanged) {
        return Ok(answer);
    }
    // On a scale-down, missing pods are assumed to use their whole request (or the target,
    // when it is above 100%).
    let fallback = i64::from(target.max(100));
    assume_metrics(&mut metrics, ratio, &unready, &missing, |pod| {
        requests.get(pod).copied().unwrap_or(0) * fallback / 100
    });
    let (new_ratio, _, _) = utilization_ratio(&metrics, &requests, target)?;
    rebalanced(current, ratio, new_ratio, metrics.len(), unchanged)
}

/// The metrics both calculators trust: pods grouped, the metrics of ignored and unready pods
/// dropped. Returns (ready count, unready pods, pods missing metrics).
fn trusted_metrics(
    pods: &[&Value],
    metrics: &mut PodMetrics,
    resource: &str,
    now: Time,
) -> Result<(usize, BTreeSet<String>, BTreeSet<String>), String> {
    if pods.is_empty() {
        return Err("no pods returned by selector while calculating replica count".into());
    }
    let (ready, unready, missing, ignored) = group_pods(pods, metrics, resource, now);
    for pod in ignored.iter().chain(&unready) {
        metrics.remove(pod);
    }
    if metrics.is_empty() {
        return Err("did not receive metrics for targeted pods (pods might be unready)".into());
    }
    Ok((ready, unready, missing))
}

/// The first pass: with every pod's metric trusted (no missing pods, and no unready pods on a
/// scale-up) the answer is the ratio over the ready pods, or no change within the tolerance.
/// `None` when a second pass with assumed metrics is needed.
fn first_pass(
    ratio: f64,
    ready: usize,
    unready: &BTreeSet<String>,
    missing: &BTreeSet<String>,
    unchanged: Proposal,
) -> Option<Proposal> {
    let scale_up_with_unready = !unready.is_empty() && ratio > 1.0;
    if scale_up_with_unready || !missing.is_empty() {
        return None;
    }
    if within_tolerance(ratio) {
        return Some(unchanged);
    }
    Some(Proposal {
        replicas: (ratio * ready as f64).ceil() as i32,
        ..unchanged
    })
}

/// Fills in metrics for the second pass, against the direction of the first: missing pods use
/// `scale_down_value` on a scale-down and nothing on a scale-up; unready pods use nothing on a
/// scale-up.
fn assume_metrics(
    metrics: &mut PodMetrics,
    ratio: f64,
    unready: &BTreeSet<String>,
    missing: &BTreeSet<String>,
    scale_down_value: impl Fn(&String) -> i64,
) {
    for pod in missing {
        if ratio < 1.0 {
            metrics.insert(pod.clone(), filler(scale_down_value(pod)));
        } else if ratio > 1.0 {
            metrics.insert(pod.clone(), filler(0));
        }
    }
    if ratio > 1.0 {
        for pod in unready {
            metrics.insert(pod.clone(), filler(0));
        }
    }
}

/// A metric assumed for a pod that has none (or whose one is not trusted).
fn filler(value: i64) -> PodMetric {
    PodMetric {
        value,
        timestamp: Time(0),
        window: 0,
    }
}

/// The second pass's verdict: no change within the tolerance or when the assumed metrics flip
/// the direction; else the count over every pod considered.
fn rebalanced(
    current: i32,
    ratio: f64,
    new_ratio: f64,
    considered: usize,
    unchanged: Proposal,
) -> Result<Proposal, String> {
    if within_tolerance(new_ratio)
        || (ratio < 1.0 && new_ratio > 1.0)
        || (ratio > 1.0 && new_ratio < 1.0)
    {
        return Ok(unchanged);
    }
    let replicas = (new_ratio * considered as f64).ceil() as i32;
    if (new_ratio < 1.0 && replicas > current) || (new_ratio > 1.0 && replicas < current) {
        return Ok(unchanged);
    }
    Ok(Proposal {
        replicas,
        ..unchanged
    })
}

/// `calcPlainMetricReplicas` (for `GetRawResourceReplicas`): replicas for an average-value
/// target (milli-units per pod).
pub fn plain_replicas(
    current: i32,
    target: i64,
    resource: &str,
    pods: &[&Value],
    mut metrics: PodMetrics,
    now: Time,
) -> Result<Proposal, String> {
    let (ready, unready, missing) = trusted_metrics(pods, &mut metrics, resource, now)?;
    let (ratio, usage) = usage_ratio(&metrics, target);
    let unchanged = Proposal {
        replicas: current,
        utilization: 0,
        raw: usage,
    };
    if let Some(answer) = first_pass(ratio, ready, &unready, &missing, unchanged) {
        return Ok(answer);
    }
    assume_metrics(&mut metrics, ratio, &unready, &missing, |_| target);
    let (new_ratio, _) = usage_ratio(&metrics, target);
    rebalanced(current, ratio, new_ratio, metrics.len(), unchanged)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const NOW: Time = Time(1_000 * SECOND);

    /// A running pod started long ago, Ready since then, asking `cpu` of one container.
    fn pod(name: &str, cpu: Option<&str>) -> Value {
        let mut c = json!({"name": "app"});
        if let Some(cpu) = cpu {
            c["resources"] = json!({"requests": {"cpu": cpu}});
        }
        json!({
            "metadata": {"name": name},
            "spec": {"containers": [c]},
            "status": {
                "phase": "Running",
                "startTime": Time(0).rfc3339(),
                "conditions": [{"type": "Ready", "status": "True",
                                "lastTransitionTime": Time(10 * SECOND).rfc3339()}],
            },
        })
    }

    fn metrics(values: &[(&str, i64)]) -> PodMetrics {
        values
            .iter()
            .map(|(n, v)| {
                (
                    n.to_string(),
                    PodMetric {
                        value: *v,
                        timestamp: NOW,
                        window: 15 * SECOND,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn utilization_above_target_scales_up_by_the_ratio() {
        let pods = [pod("a", Some("200m"))];
        let refs: Vec<&Value> = pods.iter().collect();
        let got = resource_replicas(1, 50, "cpu", "", &refs, metrics(&[("a", 485)]), NOW);
        // 485m of 200m is 242%: 242/50 = 4.84, so 5 pods.
        assert_eq!(
            got,
            Ok(Proposal {
                replicas: 5,
                utilization: 242,
                raw: 485
            })
        );
    }

    #[test]
    fn a_change_within_the_tolerance_is_none() {
        let pods = [pod("a", Some("100m")), pod("b", Some("100m"))];
        let refs: Vec<&Value> = pods.iter().collect();
        let got = resource_replicas(
            2,
            50,
            "cpu",
            "",
            &refs,
            metrics(&[("a", 54), ("b", 52)]),
            NOW,
        );
        assert_eq!(got.map(|p| (p.replicas, p.utilization)), Ok((2, 53)));
    }

    #[test]
    fn missing_pods_count_as_fully_used_on_a_scale_down() {
        let pods = [pod("a", Some("100m")), pod("b", Some("100m"))];
        let refs: Vec<&Value> = pods.iter().collect();
        // a alone would say 1 pod (10% against 50%); b, without metrics, counts as using its
        // whole request: (10 + 100) / 200 = 55%, within the tolerance, so nothing changes.
        let got = resource_replicas(2, 50, "cpu", "", &refs, metrics(&[("a", 10)]), NOW);
        assert_eq!(got.map(|p| p.replicas), Ok(2));
    }

    #[test]
    fn a_pod_without_a_request_is_an_error() {
        let pods = [pod("a", None)];
        let refs: Vec<&Value> = pods.iter().collect();
        let got = resource_replicas(1, 50, "cpu", "", &refs, metrics(&[("a", 10)]), NOW);
        assert_eq!(
            got,
            Err("missing request for cpu in container app of Pod a".into())
        );
    }

    #[test]
    fn a_recently_ready_pod_waits_for_a_full_window() {
        let mut young = pod("a", Some("100m"));
        young["status"]["startTime"] = json!(Time(990 * SECOND).rfc3339());
        young["status"]["conditions"][0]["lastTransitionTime"] =
            json!(Time(995 * SECOND).rfc3339());
        let refs = [&young];
        let got = resource_replicas(1, 50, "cpu", "", &refs, metrics(&[("a", 90)]), NOW);
        assert_eq!(
            got,
            Err("did not receive metrics for targeted pods (pods might be unready)".into())
        );
    }

    #[test]
    fn average_value_targets_divide_usage_by_pods() {
        let pods = [pod("a", None), pod("b", None)];
        let refs: Vec<&Value> = pods.iter().collect();
        let got = plain_replicas(
            2,
            100,
            "cpu",
            &refs,
            metrics(&[("a", 300), ("b", 100)]),
            NOW,
        );
        assert_eq!(got.map(|p| (p.replicas, p.raw)), Ok((4, 200)));
    }
}
