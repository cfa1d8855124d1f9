//! The endpoints controller: for every Service with a selector, an Endpoints object of the same
//! name listing the pods behind it — ready ones in `addresses`, the others in
//! `notReadyAddresses` — with the Service's ports resolved to each pod's target port (a named
//! `targetPort` is looked up in the pod's container ports). Terminating and finished pods and
//! pods without an IP are left out. The EndpointSlice controller ([`super::endpointslice`])
//! reads the same backends from [`backends`].

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{Controller, Ctx, ObjectKey, Op, Outcome, is_pod_ready, kind};
use crate::api::meta;
use crate::store::{Change, ChangeType, Store};

/// A pod behind a Service, with the Service's ports as they land on it.
pub struct Backend<'a> {
    pub pod: &'a Value,
    pub ip: &'a str,
    pub ready: bool,
    pub terminating: bool,
    /// (name, target port on the pod, protocol) per Service port the pod serves.
    pub ports: Vec<(String, i64, String)>,
}

/// The pods a Service selects that can receive traffic (or will, once ready), in name order.
/// `include_terminating` keeps pods being deleted (EndpointSlices list them as terminating).
pub fn backends<'a>(svc: &Value, store: &'a Store, include_terminating: bool) -> Vec<Backend<'a>> {
    let Some(selector) = svc.pointer("/spec/selector").and_then(Value::as_object) else {
        return Vec::new();
    };
    if selector.is_empty() {
        return Vec::new();
    }
    let publish_not_ready = svc.pointer("/spec/publishNotReadyAddresses") == Some(&json!(true));
    let service_ports = svc
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    store
        .list(kind("", "Pod"), Some(meta::namespace(svc)))
        .filter(|pod| meta::labels_match(selector, meta::labels(pod)))
        .filter_map(|pod| {
            let ip = meta::str_at(pod, "/status/podIP");
            let finished = matches!(meta::str_at(pod, "/status/phase"), "Succeeded" | "Failed");
            let terminating = meta::is_deleting(pod);
            if ip.is_empty() || finished || (terminating && !include_terminating) {
                return None;
            }
            let ports = service_ports
                .iter()
                .filter_map(|p| {
                    let target = target_port(pod, p)?;
                    Some((
                        meta::str_at(p, "/name").to_string(),
                        target,
                        or_tcp(meta::str_at(p, "/protocol")),
                    ))
                })
                .collect();
            Some(Backend {
                pod,
                ip,
                ready: publish_not_ready || (is_pod_ready(pod) && !terminating),
                terminating,
                ports,
            })
        })
        .collect()
}

fn or_tcp(protocol: &str) -> String {
    if protocol.is_empty() {
        "TCP".into()
    } else {
        protocol.into()
    }
}

/// The port a Service port reaches on a pod: `targetPort` as a number, or the container port
/// of that name (none if the pod has no such port); `port` when `targetPort` is unset.
fn target_port(pod: &Value, service_port: &Value) -> Option<i64> {
    match service_port.get("targetPort") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(name)) => match name.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => pod
                .pointer("/spec/containers")
                .and_then(Value::as_array)?
                .iter()
                .flat_map(|c| {
                    c.get("ports")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                })
                .find(|p| meta::str_at(p, "/name") == name.as_str())
                .and_then(|p| p.get("containerPort"))
                .and_then(Value::as_i64),
        },
        _ => service_port.get("port").and_then(Value::as_i64),
    }
}

/// The keys of the Services a change can concern: the Service itself, or every Service with a
/// selector in a changed pod's namespace (a pod whose labels changed may have left one).
pub fn services_for(change: &Change, store: &Store, out: &mut Vec<ObjectKey>) {
    match change.kind.kind {
        "Service" => out.push(ObjectKey::of(&change.object)),
        "Pod"
            if change.change != ChangeType::Modified
                || !meta::str_at(&change.object, "/status/podIP").is_empty() =>
        {
            out.extend(
                store
                    .list(kind("", "Service"), Some(meta::namespace(&change.object)))
                    .filter(|s| s.pointer("/spec/selector").is_some())
                    .map(ObjectKey::of),
            );
        }
        _ => {}
    }
}

const MANAGED_BY: &str = "endpoints.kubernetes.io/managed-by";
const CONTROLLER: &str = "endpoint-controller";
/// When the change that the Endpoints reflect happened.
const TRIGGER_TIME: &str = "endpoints.kubernetes.io/last-change-trigger-time";

pub struct EndpointsController;

impl Controller for EndpointsController {
    fn name(&self) -> &'static str {
        "endpoint-controller"
    }

    fn keys_for(&self, change: &Change, store: &Store, out: &mut Vec<ObjectKey>) {
        services_for(change, store, out);
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let ep_kind = kind("", "Endpoints");
        let existing = ctx.store.get(ep_kind, &key.namespace, &key.name).ok();
        let svc = ctx
            .store
            .get(kind("", "Service"), &key.namespace, &key.name)
            .ok();
        let Some(svc) = svc.filter(|s| s.pointer("/spec/selector").is_some()) else {
            // Endpoints of a Service without a selector belong to whoever wrote them; this
            // controller's own go with their Service.
            let managed = existing
                .and_then(meta::labels)
                .and_then(|l| l.get(MANAGED_BY))
                .is_some_and(|v| v == CONTROLLER);
            return if managed && svc.is_none() {
                Outcome::ops(vec![Op::Delete {
                    kind: ep_kind,
                    key: key.clone(),
                    options: crate::store::DeleteOptions::default(),
                    event: None,
                }])
            } else {
                Outcome::default()
            };
        };
        let subsets = subsets(&backends(svc, ctx.store, false));
        let mut labels = meta::labels(svc).cloned().unwrap_or_default();
        labels.insert(MANAGED_BY.into(), json!(CONTROLLER));
        let op = match existing {
            Some(ep) => {
                if ep.get("subsets").unwrap_or(&json!([])) == &subsets
                    && meta::labels(ep) == Some(&labels)
                {
                    return Outcome::default();
                }
                let mut updated = ep.clone();
                let metadata = meta::metadata_mut(&mut updated);
                metadata.insert("labels".into(), Value::Object(labels));
                meta::child_object(metadata, "annotations")
                    .insert(TRIGGER_TIME.into(), json!(ctx.now.rfc3339()));
                set_subsets(&mut updated, subsets);
                Op::Update(ep_kind, updated)
            }
            None => {
                let mut ep = json!({
                    "apiVersion": "v1",
                    "kind": "Endpoints",
                    "metadata": {
                        "name": key.name, "namespace": key.namespace, "labels": labels,
                        "annotations": {TRIGGER_TIME: ctx.now.rfc3339()},
                    },
                });
                set_subsets(&mut ep, subsets);
                Op::Create {
                    kind: ep_kind,
                    object: ep,
                    event: None,
                }
            }
        };
        Outcome::ops(vec![op])
    }
}

fn set_subsets(ep: &mut Value, subsets: Value) {
    let obj = meta::as_object_mut(ep);
    if subsets.as_array().is_some_and(Vec::is_empty) {
        obj.remove("subsets");
    } else {
        obj.insert("subsets".into(), subsets);
    }
}

/// Backends grouped by the ports they serve (one subset per distinct port list, as upstream
/// repacks them), addresses in IP order.
fn subsets(backends: &[Backend<'_>]) -> Value {
    let mut groups: BTreeMap<String, (Value, Vec<Value>, Vec<Value>)> = BTreeMap::new();
    for b in backends {
        if b.ports.is_empty() && !backends.iter().all(|x| x.ports.is_empty()) {
            continue;
        }
        let ports: Vec<Value> = b
            .ports
            .iter()
            .map(|(name, port, protocol)| {
                let mut p = Map::new();
                if !name.is_empty() {
                    p.insert("name".into(), json!(name));
                }
                p.insert("port".into(), json!(port));
                p.insert("protocol".into(), json!(protocol));
                Value::Object(p)
            })
            .collect();
        let ports = Value::Array(ports);
        let entry = groups
            .entry(ports.to_string())
            .or_insert_with(|| (ports, Vec::new(), Vec::new()));
        let address = json!({
            "ip": b.ip,
            "nodeName": meta::str_at(b.pod, "/spec/nodeName"),
            "targetRef": {
                "kind": "Pod", "name": meta::name(b.pod), "namespace": meta::namespace(b.pod),
                "uid": meta::uid(b.pod),
            },
        });
        if b.ready {
            entry.1.push(address);
        } else {
            entry.2.push(address);
        }
    }
    let by_ip =
        |a: &Value, b: &Value| ip_key(meta::str_at(a, "/ip")).cmp(&ip_key(meta::str_at(b, "/ip")));
    let subsets = groups
        .into_values()
        .map(|(ports, mut ready, mut not_ready)| {
            ready.sort_by(by_ip);
            not_ready.sort_by(by_ip);
            let mut subset = Map::new();
            if !ready.is_empty() {
                subset.insert("addresses".into(), Value::Array(ready));
            }
            if !not_ready.is_empty() {
                subset.insert("notReadyAddresses".into(), Value::Array(not_ready));
            }
            if ports.as_array().is_some_and(|p| !p.is_empty()) {
                subset.insert("ports".into(), ports);
            }
            Value::Object(subset)
        })
        .collect();
    Value::Array(subsets)
}

/// Sorts dotted IPv4 addresses numerically.
fn ip_key(ip: &str) -> Vec<u32> {
    ip.split('.').map(|o| o.parse().unwrap_or(0)).collect()
}
