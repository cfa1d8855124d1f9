//! The Job controller: runs pods until enough of them succeed, or gives up.
//!
//! - [`sync`]: one sync of a Job — counting finished pods, deciding success or failure,
//!   creating and deleting pods, writing the status and conditions.
//! - [`pods`]: the Job's pods — claiming, making them from the template, removal order.
//! - [`policy`]: the pod failure policy, the success policy and the replacement back-off.
//! - [`indexes`]: completion indexes of Indexed Jobs and their interval notation.
//!
//! Besides its Jobs, the controller looks after pods that still carry the tracking finalizer
//! when their Job is gone or finished (upstream's orphan queue), so that they can be deleted.
//! The back-off record per Job is the controller's own memory, as upstream's `backoffStore`.

pub mod indexes;
pub mod pods;
pub mod policy;
pub mod sync;

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Controller, Ctx, ObjectKey, Outcome, kind, owner_key};
use crate::api::{meta, selector};
use crate::store::{Change, Store};
use policy::Backoff;

/// The label every Job's pods carry with its name (also the legacy `job-name`).
pub const JOB_NAME_LABEL: &str = "batch.kubernetes.io/job-name";

#[derive(Default)]
pub struct JobController {
    backoff: BTreeMap<ObjectKey, Backoff>,
}

impl Controller for JobController {
    fn name(&self) -> &'static str {
        "job-controller"
    }

    fn keys_for(&self, change: &Change, store: &Store, out: &mut Vec<ObjectKey>) {
        match change.kind.kind {
            "Job" if change.kind.group == "batch" => out.push(ObjectKey::of(&change.object)),
            "Pod" => {
                let pod = &change.object;
                if let Some(key) = owner_key(pod, "Job") {
                    out.push(key);
                } else if meta::controller_of(pod).is_none() {
                    // An orphan: a Job may adopt it, or it may need its finalizer removed.
                    let namespace = meta::namespace(pod);
                    if pods::has_finalizer(pod)
                        && let Some(name) = meta::labels(pod)
                            .and_then(|l| l.get(JOB_NAME_LABEL))
                            .and_then(Value::as_str)
                    {
                        out.push(ObjectKey {
                            namespace: namespace.to_string(),
                            name: name.to_string(),
                        });
                    }
                    for job in store.list(kind("batch", "Job"), Some(namespace)) {
                        if selector::matches(job.pointer("/spec/selector"), meta::labels(pod)) {
                            out.push(ObjectKey::of(job));
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let job = ctx
            .store
            .get(kind("batch", "Job"), &key.namespace, &key.name)
            .ok();
        let Some(job) = job.filter(|j| !sync::is_finished(j)) else {
            self.backoff.remove(key);
            return Outcome::ops(release_pods(ctx.store, key, job));
        };
        let previous = self.backoff.get(key).copied().unwrap_or_default();
        let synced = sync::sync(job, ctx.store, ctx.now, previous);
        self.backoff.insert(key.clone(), synced.backoff);
        Outcome {
            ops: synced.ops,
            requeue_after: synced.requeue_after,
        }
    }
}

/// Removes the tracking finalizer from pods whose Job is gone or finished (`syncOrphanPod`):
/// pods it controlled, and orphans labelled with its name.
fn release_pods(store: &Store, key: &ObjectKey, job: Option<&Value>) -> Vec<super::Op> {
    let live_uid = job.map(meta::uid);
    store
        .list(kind("", "Pod"), Some(&key.namespace))
        .filter(|p| pods::has_finalizer(p))
        .filter(|p| match meta::controller_of(p) {
            Some(owner) => {
                meta::str_at(owner, "/kind") == "Job"
                    && meta::str_at(owner, "/apiVersion") == "batch/v1"
                    && meta::str_at(owner, "/name") == key.name
                    && live_uid.is_none_or(|uid| meta::str_at(owner, "/uid") == uid)
            }
            None => {
                meta::labels(p)
                    .and_then(|l| l.get(JOB_NAME_LABEL))
                    .and_then(Value::as_str)
                    == Some(key.name.as_str())
            }
        })
        .map(pods::without_finalizer)
        .collect()
}

#[cfg(test)]
mod tests;
