//! Defaults of the kinds around Services and traffic: Service (`SetDefaults_Service`),
//! NetworkPolicy and IngressClass (`pkg/apis/networking/v1/defaults.go`). Cluster IPs, node
//! ports and IP families are not defaults: the API server allocates them (`store::allocate`).

use serde_json::{Map, Value, json};

use super::default;
use crate::api::meta::{as_object_mut, ensure_object};

pub fn service(obj: &mut Value) {
    let spec = ensure_object(obj, "spec");
    default(spec, "sessionAffinity", json!("None"));
    match spec.get("sessionAffinity").and_then(Value::as_str) {
        Some("None") => {
            spec.remove("sessionAffinityConfig");
        }
        Some("ClientIP") => {
            let timeout = spec
                .get("sessionAffinityConfig")
                .and_then(|c| c.pointer("/clientIP/timeoutSeconds"))
                .cloned();
            if timeout.is_none() {
                spec.insert(
                    "sessionAffinityConfig".into(),
                    json!({"clientIP": {"timeoutSeconds": 10800}}),
                );
            }
        }
        _ => {}
    }
    default(spec, "type", json!("ClusterIP"));
    if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
        for p in ports.iter_mut() {
            let p = as_object_mut(p);
            default(p, "protocol", json!("TCP"));
            let unset = match p.get("targetPort") {
                None | Some(Value::Null) => true,
                Some(Value::Number(n)) => n.as_i64() == Some(0),
                Some(Value::String(s)) => s.is_empty(),
                Some(_) => false,
            };
            if unset && let Some(port) = p.get("port").cloned() {
                p.insert("targetPort".into(), port);
            }
        }
    }
    let type_ = spec
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let has_external_ips = spec
        .get("externalIPs")
        .and_then(Value::as_array)
        .is_some_and(|a| !a.is_empty());
    let externally_accessible = type_ == "LoadBalancer"
        || type_ == "NodePort"
        || (type_ == "ClusterIP" && has_external_ips);
    if externally_accessible {
        default(spec, "externalTrafficPolicy", json!("Cluster"));
    }
    if matches!(type_.as_str(), "ClusterIP" | "NodePort" | "LoadBalancer") {
        default(spec, "internalTrafficPolicy", json!("Cluster"));
    }
    if type_ == "LoadBalancer" {
        default(spec, "allocateLoadBalancerNodePorts", json!(true));
    }
    // Not a default but how Go encodes the empty status struct, which every read shows.
    default(ensure_object(obj, "status"), "loadBalancer", json!({}));
}

pub fn ingress(obj: &mut Value) {
    default(ensure_object(obj, "status"), "loadBalancer", json!({}));
}

pub fn network_policy(obj: &mut Value) {
    let spec = ensure_object(obj, "spec");
    for rules in ["ingress", "egress"] {
        for rule in spec
            .get_mut(rules)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            for port in rule
                .get_mut("ports")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                default(as_object_mut(port), "protocol", json!("TCP"));
            }
        }
    }
    let empty = spec
        .get("policyTypes")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty);
    if empty {
        let mut types = vec![json!("Ingress")];
        if spec
            .get("egress")
            .and_then(Value::as_array)
            .is_some_and(|e| !e.is_empty())
        {
            types.push(json!("Egress"));
        }
        spec.insert("policyTypes".into(), Value::Array(types));
    }
}

pub fn ingress_class(obj: &mut Value) {
    if let Some(params) = obj
        .pointer_mut("/spec/parameters")
        .and_then(Value::as_object_mut)
    {
        default(params, "scope", json!("Cluster"));
    }
}

/// EndpointSlice and Endpoints ports default to TCP too.
pub fn ports_protocol(ports: Option<&mut Value>) {
    for p in ports.and_then(Value::as_array_mut).into_iter().flatten() {
        let p: &mut Map<String, Value> = as_object_mut(p);
        default(p, "protocol", json!("TCP"));
    }
}
