//! The EndpointSlice controller: for every Service with a selector, an EndpointSlice
//! (`<service>-<suffix>`, owned by the Service) listing each backend pod with its readiness,
//! serving and terminating conditions, node and zone, and the Service's ports. kube-proxy and
//! cluster DNS read these, not Endpoints. One slice holds up to 100 endpoints, as upstream's
//! default `--max-endpoints-per-slice`.

use serde_json::{Map, Value, json};

use super::endpoints::{Backend, backends, services_for};
use super::{Controller, Ctx, ObjectKey, Op, Outcome, kind};
use crate::api::meta;
use crate::store::{Change, DeleteOptions, Store};

const MANAGED_BY: &str = "endpointslice.kubernetes.io/managed-by";
const CONTROLLER: &str = "endpointslice-controller.k8s.io";
const SERVICE_NAME: &str = "kubernetes.io/service-name";
const MAX_ENDPOINTS_PER_SLICE: usize = 100;

pub struct EndpointSliceController;

impl Controller for EndpointSliceController {
    fn name(&self) -> &'static str {
        "endpointslice-controller"
    }

    fn keys_for(&self, change: &Change, store: &Store, out: &mut Vec<ObjectKey>) {
        services_for(change, store, out);
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let slice_kind = kind("discovery.k8s.io", "EndpointSlice");
        let mut existing: Vec<&Value> = ctx
            .store
            .list(slice_kind, Some(&key.namespace))
            .filter(|s| {
                let labels = meta::labels(s);
                let label = |k: &str| labels.and_then(|l| l.get(k)).and_then(Value::as_str);
                label(SERVICE_NAME) == Some(key.name.as_str())
                    && label(MANAGED_BY) == Some(CONTROLLER)
            })
            .collect();
        let svc = ctx
            .store
            .get(kind("", "Service"), &key.namespace, &key.name)
            .ok();
        let Some(svc) = svc.filter(|s| s.pointer("/spec/selector").is_some()) else {
            // The garbage collector removes slices of a deleted Service (they are owned by it).
            return Outcome::default();
        };
        let backends = backends(svc, ctx.store, true);
        let ports = slice_ports(&backends);
        let chunks: Vec<Vec<Value>> = if backends.is_empty() {
            vec![Vec::new()]
        } else {
            backends
                .chunks(MAX_ENDPOINTS_PER_SLICE)
                .map(|c| c.iter().map(endpoint).collect())
                .collect()
        };
        let mut labels = meta::labels(svc).cloned().unwrap_or_default();
        labels.insert(MANAGED_BY.into(), json!(CONTROLLER));
        labels.insert(SERVICE_NAME.into(), json!(key.name));
        let mut ops = Vec::new();
        for endpoints in chunks {
            let wanted = |slice: &mut Map<String, Value>| {
                slice.insert("addressType".into(), json!("IPv4"));
                // An empty slice says so with nulls, as the API serialises nil lists here.
                let list = if endpoints.is_empty() {
                    Value::Null
                } else {
                    Value::Array(endpoints.clone())
                };
                slice.insert("endpoints".into(), list);
                slice.insert("ports".into(), ports.clone());
            };
            if existing.is_empty() {
                let mut slice = json!({
                    "apiVersion": "discovery.k8s.io/v1",
                    "kind": "EndpointSlice",
                    "metadata": {
                        "generateName": format!("{}-", key.name),
                        "namespace": key.namespace,
                        "labels": labels,
                        "ownerReferences": [{
                            "apiVersion": "v1", "kind": "Service", "name": key.name,
                            "uid": meta::uid(svc), "controller": true, "blockOwnerDeletion": true,
                        }],
                    },
                });
                wanted(meta::as_object_mut(&mut slice));
                ops.push(Op::Create {
                    kind: slice_kind,
                    object: slice,
                    event: None,
                });
                continue;
            }
            let current = existing.remove(0);
            let mut updated = current.clone();
            wanted(meta::as_object_mut(&mut updated));
            meta::metadata_mut(&mut updated).insert("labels".into(), Value::Object(labels.clone()));
            if &updated != current {
                ops.push(Op::Update(slice_kind, updated));
            }
        }
        for surplus in existing {
            ops.push(Op::Delete {
                kind: slice_kind,
                key: ObjectKey::of(surplus),
                options: DeleteOptions::default(),
                event: None,
            });
        }
        Outcome::ops(ops)
    }
}

fn endpoint(b: &Backend<'_>) -> Value {
    let serving = if b.terminating {
        super::is_pod_ready(b.pod)
    } else {
        b.ready
    };
    json!({
        "addresses": [b.ip],
        "conditions": {"ready": b.ready, "serving": serving, "terminating": b.terminating},
        "nodeName": meta::str_at(b.pod, "/spec/nodeName"),
        "targetRef": {
            "kind": "Pod", "name": meta::name(b.pod), "namespace": meta::namespace(b.pod),
            "uid": meta::uid(b.pod),
        },
    })
}

/// The slice's ports: each Service port with the target port the backends use (the first
/// backend's, as upstream groups slices by port mapping); null when there are no backends.
fn slice_ports(backends: &[Backend<'_>]) -> Value {
    match backends.first() {
        Some(b) => b
            .ports
            .iter()
            .map(|(name, port, protocol)| json!({"name": name, "port": port, "protocol": protocol}))
            .collect(),
        None => Value::Null,
    }
}
