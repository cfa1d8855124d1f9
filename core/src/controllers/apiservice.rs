//! The aggregator's availability controller (kube-aggregator's `AvailableConditionController`,
//! which runs in kube-apiserver): keeps the `Available` condition of every APIService. A local
//! one (no `spec.service`) is always available; one served by a Service needs that Service and
//! a ready endpoint on the Service port it names (443 unless `spec.service.port` says
//! otherwise). This is what `kubectl get apiservice` shows as `True` or
//! `False (MissingEndpoints)` while metrics-server starts, or never becomes ready.

use serde_json::{Value, json};

use super::endpoints::backends;
use super::{Controller, Ctx, ObjectKey, Op, Outcome, kind};
use crate::api::meta;
use crate::store::{Change, Store};

fn apiservice_kind() -> &'static crate::api::Kind {
    kind("apiregistration.k8s.io", "APIService")
}

pub struct AvailableConditionController;

impl Controller for AvailableConditionController {
    fn name(&self) -> &'static str {
        "kube-apiserver"
    }

    fn keys_for(&self, change: &Change, store: &Store, out: &mut Vec<ObjectKey>) {
        if std::ptr::eq(change.kind, apiservice_kind()) {
            out.push(ObjectKey::of(&change.object));
            return;
        }
        // A Service, or the pods behind one, changed: the APIServices it serves.
        let namespace = meta::namespace(&change.object);
        let is_pod = std::ptr::eq(change.kind, kind("", "Pod"));
        if !is_pod && !std::ptr::eq(change.kind, kind("", "Service")) {
            return;
        }
        for api in store.list(apiservice_kind(), None) {
            let svc_ns = meta::str_at(api, "/spec/service/namespace");
            let svc_name = meta::str_at(api, "/spec/service/name");
            if svc_ns != namespace || svc_name.is_empty() {
                continue;
            }
            if is_pod || svc_name == meta::name(&change.object) {
                out.push(ObjectKey::of(api));
            }
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let Ok(api) = ctx.store.get(apiservice_kind(), "", &key.name) else {
            return Outcome::default();
        };
        let (status, reason, message) = availability(api, ctx.store);
        let mut updated = api.clone();
        let conditions = meta::ensure_object(&mut updated, "status")
            .entry("conditions")
            .or_insert_with(|| json!([]));
        let Some(list) = conditions.as_array_mut() else {
            return Outcome::default();
        };
        let now = ctx.now.rfc3339();
        match list
            .iter_mut()
            .find(|c| meta::str_at(c, "/type") == "Available")
        {
            Some(c) => {
                if meta::str_at(c, "/status") != status {
                    c["lastTransitionTime"] = json!(now);
                }
                c["status"] = json!(status);
                c["reason"] = json!(reason);
                c["message"] = json!(message);
            }
            None => list.push(json!({
                "type": "Available",
                "status": status,
                "lastTransitionTime": now,
                "reason": reason,
                "message": message,
            })),
        }
        if updated == *api {
            return Outcome::default();
        }
        Outcome::ops(vec![Op::UpdateStatus(apiservice_kind(), updated)])
    }
}

/// The `Available` condition's status, reason and message for an APIService now.
fn availability(api: &Value, store: &Store) -> (&'static str, &'static str, String) {
    let Some(service) = meta::at(api, "/spec/service").filter(|s| s.is_object()) else {
        return (
            "True",
            "Local",
            "Local APIServices are always available".into(),
        );
    };
    let namespace = meta::str_at(service, "/namespace");
    let name = meta::str_at(service, "/name");
    let port = meta::at(service, "/port")
        .and_then(Value::as_i64)
        .unwrap_or(443);
    let Ok(svc) = store.get(kind("", "Service"), namespace, name) else {
        return (
            "False",
            "ServiceNotFound",
            format!("service/{name} in \"{namespace}\" is not present"),
        );
    };
    let port_name = meta::array_at(svc, "/spec/ports")
        .iter()
        .find(|p| meta::at(p, "/port").and_then(Value::as_i64) == Some(port))
        .map(|p| meta::str_at(p, "/name").to_string());
    let Some(port_name) = port_name else {
        return (
            "False",
            "ServicePortError",
            format!("service/{name} in \"{namespace}\" is not listening on port {port}"),
        );
    };
    let ready = backends(svc, store, false)
        .iter()
        .any(|b| b.ready && b.ports.iter().any(|(n, _, _)| *n == port_name));
    if !ready {
        return (
            "False",
            "MissingEndpoints",
            format!(
                "endpoints for service/{name} in \"{namespace}\" have no addresses with port name \"{port_name}\""
            ),
        );
    }
    ("True", "Passed", "all checks passed".into())
}
