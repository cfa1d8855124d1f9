//! The resource quota controller: keeps each ResourceQuota's `status.hard` (its spec) and
//! `status.used` (recounted from the objects of its namespace) up to date.
//!
//! Admission charges a quota as objects are created; this controller is what gives usage back
//! when they go (upstream's replenishment) and what fills a new quota's status, without which
//! admission refuses what the quota covers (`status unknown for quota`). Level-triggered: any
//! change in a namespace with quotas recounts them.

use serde_json::json;

use super::{Controller, Ctx, ObjectKey, Op, Outcome, kind};
use crate::api::meta;
use crate::quota;
use crate::store::{Change, Store};

pub struct ResourceQuotaController;

impl Controller for ResourceQuotaController {
    fn name(&self) -> &'static str {
        "resourcequota-controller"
    }

    fn keys_for(&self, change: &Change, store: &Store, out: &mut Vec<ObjectKey>) {
        if change.kind.kind == "ResourceQuota" && change.kind.group.is_empty() {
            out.push(ObjectKey::of(&change.object));
            return;
        }
        let namespace = meta::namespace(&change.object);
        if namespace.is_empty() || !change.kind.namespaced {
            return;
        }
        out.extend(
            store
                .list(kind("", "ResourceQuota"), Some(namespace))
                .map(ObjectKey::of),
        );
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let quota_kind = kind("", "ResourceQuota");
        let Ok(rq) = ctx.store.get(quota_kind, &key.namespace, &key.name) else {
            return Outcome::default();
        };
        let hard = quota::parse(rq.pointer("/spec/hard"));
        let used = quota::calculate_usage(ctx.store, rq, ctx.now);
        let status = json!({"hard": quota::to_json(&hard), "used": quota::to_json(&used)});
        if rq.get("status") == Some(&status) {
            return Outcome::default();
        }
        let mut updated = rq.clone();
        updated["status"] = status;
        Outcome::ops(vec![Op::UpdateStatus(quota_kind, updated)])
    }
}
