//! The pod garbage collector (`pod-garbage-collector`): a pod bound to a node that no longer
//! exists can never run or finish, so after a 40 s quarantine (the node might be re-registering)
//! it is marked `DisruptionTarget` and `Failed`, and deleted at once.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Controller, Ctx, ObjectKey, Op, Outcome, kind};
use crate::api::meta;
use crate::store::{Change, ChangeType, DeleteOptions, Store};
use crate::time::{SECOND, Time};

const QUARANTINE: i64 = 40 * SECOND;

#[derive(Default)]
pub struct PodGarbageCollector {
    /// When each orphan was first seen without its node.
    orphaned_since: BTreeMap<ObjectKey, Time>,
}

impl Controller for PodGarbageCollector {
    fn name(&self) -> &'static str {
        "pod-garbage-collector"
    }

    fn keys_for(&self, change: &Change, store: &Store, out: &mut Vec<ObjectKey>) {
        match (change.kind.kind, change.change) {
            ("Node", ChangeType::Deleted) => {
                let node = meta::name(&change.object);
                out.extend(
                    store
                        .list(kind("", "Pod"), None)
                        .filter(|p| meta::str_at(p, "/spec/nodeName") == node)
                        .map(ObjectKey::of),
                );
            }
            ("Pod", ChangeType::Added | ChangeType::Modified) => {
                let node = meta::str_at(&change.object, "/spec/nodeName");
                if !node.is_empty() && store.get(kind("", "Node"), "", node).is_err() {
                    out.push(ObjectKey::of(&change.object));
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let pod = ctx
            .store
            .get(kind("", "Pod"), &key.namespace, &key.name)
            .ok();
        let orphan = pod.filter(|p| {
            let node = meta::str_at(p, "/spec/nodeName");
            !node.is_empty() && ctx.store.get(kind("", "Node"), "", node).is_err()
        });
        let Some(pod) = orphan else {
            self.orphaned_since.remove(key);
            return Outcome::default();
        };
        let since = *self.orphaned_since.entry(key.clone()).or_insert(ctx.now);
        let due = since.plus_millis(QUARANTINE);
        if ctx.now < due {
            return Outcome {
                ops: Vec::new(),
                requeue_after: Some(due.since(ctx.now)),
            };
        }
        self.orphaned_since.remove(key);
        Outcome::ops(vec![
            Op::UpdateStatus(kind("", "Pod"), failed(pod, ctx.now)),
            Op::Delete {
                kind: kind("", "Pod"),
                key: key.clone(),
                options: DeleteOptions {
                    propagation: None,
                    grace_period_seconds: Some(0),
                },
                event: None,
            },
        ])
    }
}

/// The pod as the collector leaves it before deleting: Failed unless already finished, with
/// the reason in a `DisruptionTarget` condition.
fn failed(pod: &Value, now: Time) -> Value {
    let mut pod = pod.clone();
    let status = meta::ensure_object(&mut pod, "status");
    if !matches!(
        status.get("phase").and_then(Value::as_str),
        Some("Succeeded" | "Failed")
    ) {
        status.insert("phase".into(), json!("Failed"));
    }
    if let Some(list) = status
        .entry("conditions")
        .or_insert(json!([]))
        .as_array_mut()
    {
        list.retain(|c| c["type"] != "DisruptionTarget");
        list.push(json!({
            "type": "DisruptionTarget", "status": "True", "lastProbeTime": null,
            "lastTransitionTime": now.rfc3339(), "reason": "DeletionByPodGC",
            "message": "PodGC: node no longer exists",
        }));
    }
    pod
}
