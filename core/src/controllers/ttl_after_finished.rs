//! The TTL-after-finished controller: deletes a finished Job (with its pods, in the foreground)
//! `spec.ttlSecondsAfterFinished` seconds after its `Complete` or `Failed` condition appeared.

use serde_json::Value;

use super::job::sync::is_finished;
use super::{Controller, Ctx, ObjectKey, Op, Outcome, condition, kind};
use crate::api::meta;
use crate::store::{Change, DeleteOptions, Propagation, Store};
use crate::time::Time;

pub struct TtlAfterFinishedController;

impl Controller for TtlAfterFinishedController {
    fn name(&self) -> &'static str {
        "ttl-after-finished-controller"
    }

    fn keys_for(&self, change: &Change, _store: &Store, out: &mut Vec<ObjectKey>) {
        if change.kind.kind == "Job" && change.kind.group == "batch" {
            out.push(ObjectKey::of(&change.object));
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let job_kind = kind("batch", "Job");
        let Ok(job) = ctx.store.get(job_kind, &key.namespace, &key.name) else {
            return Outcome::default();
        };
        let Some(ttl) = job
            .pointer("/spec/ttlSecondsAfterFinished")
            .and_then(Value::as_i64)
        else {
            return Outcome::default();
        };
        if meta::is_deleting(job) || !is_finished(job) {
            return Outcome::default();
        }
        let expires = finish_time(job).plus_secs(ttl);
        if expires > ctx.now {
            return Outcome {
                ops: Vec::new(),
                requeue_after: Some(expires.since(ctx.now).max(1)),
            };
        }
        Outcome::ops(vec![Op::Delete {
            kind: job_kind,
            key: key.clone(),
            options: DeleteOptions {
                propagation: Some(Propagation::Foreground),
                grace_period_seconds: None,
            },
            event: None,
        }])
    }
}

/// When the Job finished: the transition time of its `Complete` or `Failed` condition.
fn finish_time(job: &Value) -> Time {
    ["Complete", "Failed"]
        .iter()
        .filter_map(|t| condition(job, t))
        .filter(|c| meta::str_at(c, "/status") == "True")
        .find_map(|c| Time::parse_rfc3339(meta::str_at(c, "/lastTransitionTime")))
        .unwrap_or_default()
}
