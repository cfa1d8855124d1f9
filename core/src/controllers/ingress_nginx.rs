//! The ingress-nginx controller's dealings with the API (the default cluster runs it as kind's
//! ingress-nginx deployment does): while its pod (`ingress-nginx/ingress-nginx-controller-...`)
//! runs, it
//!
//! - records a `Sync` event ("Scheduled for sync") each time an Ingress of its class is added
//!   or changes — status updates included, which is why a new Ingress soon shows
//!   `Scheduled for sync` twice (`x2`);
//! - publishes the address of the Ingresses it serves in `status.loadBalancer`: kind's
//!   deployment runs it with `--publish-status-address=localhost`, so `localhost` as a hostname
//!   (the ADDRESS column). The status loop runs once when the controller starts, then every 60
//!   seconds (ingress-nginx's `UpdateInterval`), so a new Ingress gets its address at the next
//!   tick.
//!
//! Routing itself is [`crate::network::ingress`]. Which Ingresses are its own: class `nginx`,
//! the legacy annotation naming it, or no class at all (`--watch-ingress-without-class=true`).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Controller, Ctx, EventNote, ObjectKey, Op, Outcome, is_pod_ready, kind};
use crate::api::meta;
use crate::network::ingress::in_class;
use crate::store::{Change, Store};
use crate::time::Time;

pub const NAMESPACE: &str = "ingress-nginx";
/// The class it serves (`--ingress-class=nginx`).
pub const CLASS: &str = "nginx";
/// `--publish-status-address`.
const STATUS_ADDRESS: &str = "localhost";
/// The status loop's period.
const UPDATE_INTERVAL_MILLIS: i64 = 60_000;
/// The event source: the controller records as `nginx-ingress-controller`.
pub const SOURCE: &str = "nginx-ingress-controller";

#[derive(Default)]
pub struct IngressNginxController {
    /// The resourceVersion of each Ingress last seen by the controller's informer (by
    /// namespace/name): what it already announced with a Sync event.
    seen: BTreeMap<ObjectKey, String>,
}

/// The controller pod, when one is running and ready (its informers and status loop run).
pub fn controller_pod(store: &Store) -> Option<&Value> {
    store.list(kind("", "Pod"), Some(NAMESPACE)).find(|p| {
        meta::str_at(p, "/metadata/labels/app.kubernetes.io~1component") == "controller"
            && meta::str_at(p, "/status/phase") == "Running"
            && is_pod_ready(p)
            && !meta::is_deleting(p)
    })
}

/// When the controller's container started (its status loop counts from there).
fn started(pod: &Value) -> Option<Time> {
    meta::array_at(pod, "/status/containerStatuses")
        .iter()
        .find_map(|c| Time::parse_rfc3339(meta::str_at(c, "/state/running/startedAt")))
}

impl Controller for IngressNginxController {
    fn name(&self) -> &'static str {
        SOURCE
    }

    fn keys_for(&self, change: &Change, store: &Store, out: &mut Vec<ObjectKey>) {
        let obj = &change.object;
        match (change.kind.group, change.kind.kind) {
            ("networking.k8s.io", "Ingress") => out.push(ObjectKey::of(obj)),
            // The controller coming up (or back) looks at every Ingress.
            ("", "Pod") if meta::namespace(obj) == NAMESPACE => {
                for ing in store.list(kind("networking.k8s.io", "Ingress"), None) {
                    out.push(ObjectKey::of(ing));
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let Ok(ing) = ctx.store.get(
            kind("networking.k8s.io", "Ingress"),
            &key.namespace,
            &key.name,
        ) else {
            self.seen.remove(key);
            return Outcome::default();
        };
        if !in_class(ing, CLASS) || meta::is_deleting(ing) {
            return Outcome::default();
        }
        let Some(pod) = controller_pod(ctx.store) else {
            // Not running: its informer will list everything again when it starts.
            self.seen.clear();
            return Outcome::default();
        };
        let mut ops = Vec::new();
        let version = meta::str_at(ing, "/metadata/resourceVersion").to_string();
        if self.seen.get(key) != Some(&version) {
            self.seen.insert(key.clone(), version);
            ops.push(Op::Event(EventNote {
                about: ing.clone(),
                warning: false,
                reason: "Sync",
                message: "Scheduled for sync".into(),
                source: SOURCE,
                host: String::new(),
            }));
        }
        let want = json!([{"hostname": STATUS_ADDRESS}]);
        if ing.pointer("/status/loadBalancer/ingress") == Some(&want) {
            return Outcome::ops(ops);
        }
        // The next tick of the status loop (one at the start, then every interval).
        let start = started(pod).unwrap_or(ctx.now);
        let elapsed = ctx.now.since(start).max(0);
        let ticks = (elapsed + UPDATE_INTERVAL_MILLIS - 1) / UPDATE_INTERVAL_MILLIS;
        let next = start.plus_millis(ticks * UPDATE_INTERVAL_MILLIS);
        if next > ctx.now {
            return Outcome {
                ops,
                requeue_after: Some(next.since(ctx.now)),
            };
        }
        let mut updated = ing.clone();
        updated["status"] = json!({"loadBalancer": {"ingress": want}});
        ops.push(Op::UpdateStatus(
            kind("networking.k8s.io", "Ingress"),
            updated,
        ));
        Outcome::ops(ops)
    }
}
