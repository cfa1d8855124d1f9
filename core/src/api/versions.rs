//! Served versions other than the storage version: requests in an older version that the API
//! server still serves are converted to the version it stores (and shows by default).
//!
//! v1.35 serves one such pair among our kinds: `autoscaling/v1` HorizontalPodAutoscaler next
//! to `autoscaling/v2`. A v1 object's `targetCPUUtilizationPercentage` is v2's CPU
//! `Utilization` metric, as upstream's conversion (`pkg/apis/autoscaling/v1/conversion.go`)
//! maps it; v2-only metrics do not survive the way back (upstream keeps them in annotations).

use serde_json::{Map, Value, json};

use super::kinds::{self, Kind};
use super::meta;

/// The storage kind and object for a request made in `kind`'s version.
pub fn to_storage(kind: &'static Kind, obj: Value) -> (&'static Kind, Value) {
    match (kind.group, kind.version, kind.kind) {
        ("autoscaling", "v1", "HorizontalPodAutoscaler") => {
            let storage = kinds::by_kind(kind.group, kind.kind).unwrap_or(kind);
            (storage, hpa_v1_to_v2(obj, storage))
        }
        _ => (kind, obj),
    }
}

/// A stored object as a client of `kind`'s version sees it.
pub fn from_storage(kind: &Kind, obj: &Value) -> Value {
    match (kind.group, kind.version, kind.kind) {
        ("autoscaling", "v1", "HorizontalPodAutoscaler") => hpa_v2_to_v1(obj),
        _ => obj.clone(),
    }
}

fn hpa_v1_to_v2(mut obj: Value, storage: &Kind) -> Value {
    obj["apiVersion"] = json!(storage.api_version());
    let spec = meta::ensure_object(&mut obj, "spec");
    if let Some(target) = spec.remove("targetCPUUtilizationPercentage") {
        spec.insert(
            "metrics".into(),
            json!([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": target}}}]),
        );
    }
    if let Some(status) = obj.get_mut("status").and_then(Value::as_object_mut)
        && let Some(current) = status.remove("currentCPUUtilizationPercentage")
    {
        status.insert(
            "currentMetrics".into(),
            json!([{"type": "Resource", "resource": {"name": "cpu", "current": {"averageUtilization": current}}}]),
        );
    }
    obj
}

fn hpa_v2_to_v1(obj: &Value) -> Value {
    let mut out = obj.clone();
    out["apiVersion"] = json!("autoscaling/v1");
    let cpu_target = cpu_metric(obj.pointer("/spec/metrics"), "target");
    if let Some(spec) = out.get_mut("spec").and_then(Value::as_object_mut) {
        spec.remove("metrics");
        spec.remove("behavior");
        if let Some(target) = cpu_target {
            spec.insert("targetCPUUtilizationPercentage".into(), target);
        }
    }
    let cpu_current = cpu_metric(obj.pointer("/status/currentMetrics"), "current");
    if let Some(status) = out.get_mut("status").and_then(Value::as_object_mut) {
        status.remove("currentMetrics");
        status.remove("conditions");
        if let Some(current) = cpu_current {
            status.insert("currentCPUUtilizationPercentage".into(), current);
        }
    }
    out
}

/// `averageUtilization` of the CPU resource metric under `field` (`target` or `current`).
fn cpu_metric(metrics: Option<&Value>, field: &str) -> Option<Value> {
    metrics?
        .as_array()?
        .iter()
        .filter(|m| meta::str_at(m, "/type") == "Resource")
        .filter_map(|m| m.get("resource").and_then(Value::as_object))
        .find(|r: &&Map<String, Value>| r.get("name").and_then(Value::as_str) == Some("cpu"))
        .and_then(|r| r.get(field)?.get("averageUtilization").cloned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hpa_v1_round_trips_its_cpu_target() {
        let v1 = kinds::by_api_version("autoscaling/v1", "HorizontalPodAutoscaler");
        let Some(v1) = v1 else {
            panic!("autoscaling/v1 is served");
        };
        let obj = json!({"apiVersion": "autoscaling/v1", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h"},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "maxReplicas": 5, "targetCPUUtilizationPercentage": 50}});
        let (storage, stored) = to_storage(v1, obj.clone());
        assert_eq!(storage.version, "v2");
        assert_eq!(
            stored.pointer("/spec/metrics/0/resource/target/averageUtilization"),
            Some(&json!(50))
        );
        assert_eq!(from_storage(v1, &stored), obj);
    }
}
