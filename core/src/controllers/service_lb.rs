//! The cloud provider's service controller, as kind's `cloud-provider-kind` runs it: for every
//! Service of type LoadBalancer, a load balancer on kind's docker network, whose address is
//! written to `status.loadBalancer.ingress` a few seconds after the Service appears
//! (`EXTERNAL-IP` shows `<pending>` until then). Traffic to that address goes to the nodes
//! and through kube-proxy's rules ([`crate::network::proxy`]). A Service that stops being a
//! LoadBalancer loses its address.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Controller, Ctx, ObjectKey, Op, Outcome, kind};
use crate::api::meta;
use crate::store::{Change, Store};
use crate::time::{SECOND, Time};

/// How long provisioning a load balancer takes (starting its proxy container).
const PROVISION_MS: i64 = 3 * SECOND;
/// The addresses handed out: the top of kind's 172.18.0.0/24, away from the nodes'.
const POOL_FIRST: u32 = 200;
const POOL_LAST: u32 = 250;
const SOURCE: &str = "service-controller";

#[derive(Default)]
pub struct ServiceLoadBalancerController {
    /// When provisioning started, per Service.
    started: BTreeMap<ObjectKey, Time>,
}

fn is_lb(svc: &Value) -> bool {
    meta::str_at(svc, "/spec/type") == "LoadBalancer"
        && svc
            .pointer("/spec/loadBalancerClass")
            .and_then(Value::as_str)
            .is_none()
}

fn ingress_ip(svc: &Value) -> Option<&str> {
    meta::array_at(svc, "/status/loadBalancer/ingress")
        .iter()
        .map(|i| meta::str_at(i, "/ip"))
        .find(|ip| !ip.is_empty())
}

/// The first free address of the pool.
fn free_address(store: &Store) -> Option<String> {
    let used: Vec<String> = store
        .list(kind("", "Service"), None)
        .filter_map(|s| ingress_ip(s).map(str::to_string))
        .collect();
    (POOL_FIRST..=POOL_LAST)
        .map(|n| format!("172.18.0.{n}"))
        .find(|ip| !used.contains(ip))
}

impl Controller for ServiceLoadBalancerController {
    fn name(&self) -> &'static str {
        SOURCE
    }

    fn keys_for(&self, change: &Change, _store: &Store, out: &mut Vec<ObjectKey>) {
        if change.kind.kind == "Service" {
            out.push(ObjectKey::of(&change.object));
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let Ok(svc) = ctx
            .store
            .get(kind("", "Service"), &key.namespace, &key.name)
        else {
            self.started.remove(key);
            return Outcome::default();
        };
        if meta::is_deleting(svc) {
            return Outcome::default();
        }
        if !is_lb(svc) {
            self.started.remove(key);
            if ingress_ip(svc).is_some() {
                let mut updated = svc.clone();
                updated["status"]["loadBalancer"] = json!({});
                return Outcome::ops(vec![
                    Op::event(
                        svc,
                        false,
                        "DeletingLoadBalancer",
                        "Deleting load balancer".into(),
                        SOURCE,
                    ),
                    Op::UpdateStatus(kind("", "Service"), updated),
                ]);
            }
            return Outcome::default();
        }
        if ingress_ip(svc).is_some() {
            self.started.remove(key);
            return Outcome::default();
        }
        let Some(since) = self.started.get(key).copied() else {
            self.started.insert(key.clone(), ctx.now);
            return Outcome {
                ops: vec![Op::event(
                    svc,
                    false,
                    "EnsuringLoadBalancer",
                    "Ensuring load balancer".into(),
                    SOURCE,
                )],
                requeue_after: Some(PROVISION_MS),
            };
        };
        let due = since.plus_millis(PROVISION_MS);
        if ctx.now < due {
            return Outcome {
                ops: Vec::new(),
                requeue_after: Some(due.since(ctx.now)),
            };
        }
        let Some(ip) = free_address(ctx.store) else {
            return Outcome {
                ops: vec![Op::event(
                    svc,
                    true,
                    "SyncLoadBalancerFailed",
                    "Error syncing load balancer: failed to ensure load balancer: no free address left in the pool".into(),
                    SOURCE,
                )],
                requeue_after: Some(60 * SECOND),
            };
        };
        let mut updated = svc.clone();
        updated["status"]["loadBalancer"] = json!({"ingress": [{"ip": ip, "ipMode": "Proxy"}]});
        Outcome::ops(vec![
            Op::UpdateStatus(kind("", "Service"), updated),
            Op::event(
                svc,
                false,
                "EnsuredLoadBalancer",
                "Ensured load balancer".into(),
                SOURCE,
            ),
        ])
    }
}
