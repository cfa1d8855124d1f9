//! Defaults of the remaining kinds that have any: Secret (`Opaque`), LimitRange items,
//! HorizontalPodAutoscaler (autoscaling/v2), RBAC role references and subjects, PriorityClass
//! and CustomResourceDefinition — each as its upstream `SetDefaults_*` does.

use serde_json::{Map, Value, json};

use super::default;
use crate::api::meta::{as_object_mut, ensure_object};

pub fn secret(obj: &mut Value) {
    if let Some(map) = obj.as_object_mut() {
        let unset = map
            .get("type")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty);
        if unset {
            map.insert("type".into(), json!("Opaque"));
        }
    }
}

/// `SetDefaults_LimitRangeItem`: a Container item's default limit falls back to its max, its
/// default request to the default limit, then to its min.
pub fn limit_range(obj: &mut Value) {
    let Some(items) = obj
        .pointer_mut("/spec/limits")
        .and_then(Value::as_array_mut)
    else {
        return;
    };
    for item in items.iter_mut() {
        let item = as_object_mut(item);
        if item.get("type").and_then(Value::as_str) != Some("Container") {
            continue;
        }
        let map_of = |item: &Map<String, Value>, key: &str| {
            item.get(key)
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let (max, min) = (map_of(item, "max"), map_of(item, "min"));
        let mut limits = map_of(item, "default");
        for (k, v) in &max {
            limits.entry(k.clone()).or_insert_with(|| v.clone());
        }
        let mut requests = map_of(item, "defaultRequest");
        for (k, v) in limits.iter().chain(&min) {
            requests.entry(k.clone()).or_insert_with(|| v.clone());
        }
        if !limits.is_empty() {
            item.insert("default".into(), Value::Object(limits));
        }
        if !requests.is_empty() {
            item.insert("defaultRequest".into(), Value::Object(requests));
        }
    }
}

/// `SetDefaults_HorizontalPodAutoscaler` (autoscaling/v2): one replica at least, 80% CPU when
/// no metric is given, and a `behavior`, once given, completed from the default rules.
pub fn horizontal_pod_autoscaler(obj: &mut Value) {
    let spec = ensure_object(obj, "spec");
    default(spec, "minReplicas", json!(1));
    let no_metrics = spec
        .get("metrics")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty);
    if no_metrics {
        spec.insert(
            "metrics".into(),
            json!([{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]),
        );
    }
    if let Some(behavior) = spec.get_mut("behavior").and_then(Value::as_object_mut) {
        let up = json!({"stabilizationWindowSeconds": 0, "selectPolicy": "Max", "policies": [
            {"type": "Pods", "value": 4, "periodSeconds": 15},
            {"type": "Percent", "value": 100, "periodSeconds": 15},
        ]});
        let down = json!({"selectPolicy": "Max", "policies": [
            {"type": "Percent", "value": 100, "periodSeconds": 15},
        ]});
        for (key, defaults) in [("scaleUp", up), ("scaleDown", down)] {
            let rules = as_object_mut(behavior.entry(key).or_insert(Value::Null));
            for (field, value) in defaults.as_object().into_iter().flatten() {
                default(rules, field, value.clone());
            }
        }
    }
}

/// RoleBinding and ClusterRoleBinding: the role's API group, and `User`/`Group` subjects'.
pub fn role_binding(obj: &mut Value) {
    let rbac = "rbac.authorization.k8s.io";
    if let Some(role_ref) = obj.get_mut("roleRef").and_then(Value::as_object_mut) {
        default_empty(role_ref, "apiGroup", rbac);
    }
    for subject in obj
        .get_mut("subjects")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        let subject = as_object_mut(subject);
        if matches!(
            subject.get("kind").and_then(Value::as_str),
            Some("User" | "Group")
        ) {
            default_empty(subject, "apiGroup", rbac);
        }
    }
}

/// Sets a string field that is missing or empty.
fn default_empty(map: &mut Map<String, Value>, key: &str, value: &str) {
    if map
        .get(key)
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        map.insert(key.into(), json!(value));
    }
}

pub fn priority_class(obj: &mut Value) {
    if let Some(map) = obj.as_object_mut() {
        default(map, "preemptionPolicy", json!("PreemptLowerPriority"));
    }
}

/// `SetDefaults_CustomResourceDefinitionSpec`: singular and list kind from the kind, and the
/// `None` conversion strategy.
pub fn custom_resource_definition(obj: &mut Value) {
    let spec = ensure_object(obj, "spec");
    default(spec, "conversion", json!({"strategy": "None"}));
    let names = as_object_mut(spec.entry("names").or_insert(Value::Null));
    let kind = names
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if !kind.is_empty() {
        default_empty(names, "singular", &kind.to_lowercase());
        default_empty(names, "listKind", &format!("{kind}List"));
    }
}
