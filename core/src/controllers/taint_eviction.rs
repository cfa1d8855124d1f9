//! The taint eviction controller (`taint-eviction-controller`): deletes pods from nodes with
//! `NoExecute` taints they do not tolerate — at once, or once the `tolerationSeconds` of the
//! tolerations they have run out (counted from the taint's `timeAdded`). Before deleting it
//! marks the pod with a `DisruptionTarget` condition, and records `TaintManagerEviction`.
//! This is how pods leave a node that stopped answering: the node lifecycle controller taints it
//! `unreachable`, and every pod carries a 300 s toleration for that from admission.

use serde_json::{Value, json};

use super::{Controller, Ctx, EventNote, ObjectKey, Op, Outcome, kind};
use crate::api::meta;
use crate::scheduler::plugins::taint_toleration::{tolerated, tolerates};
use crate::store::{Change, DeleteOptions, Store};
use crate::time::{SECOND, Time};

pub struct TaintEvictionController;

impl Controller for TaintEvictionController {
    fn name(&self) -> &'static str {
        "taint-eviction-controller"
    }

    fn keys_for(&self, change: &Change, store: &Store, out: &mut Vec<ObjectKey>) {
        match change.kind.kind {
            "Pod" if !meta::str_at(&change.object, "/spec/nodeName").is_empty() => {
                out.push(ObjectKey::of(&change.object));
            }
            "Node" if has_no_execute(&change.object) => {
                let node = meta::name(&change.object);
                out.extend(
                    store
                        .list(kind("", "Pod"), None)
                        .filter(|p| meta::str_at(p, "/spec/nodeName") == node)
                        .map(ObjectKey::of),
                );
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let Ok(pod) = ctx.store.get(kind("", "Pod"), &key.namespace, &key.name) else {
            return Outcome::default();
        };
        if meta::is_deleting(pod) {
            return Outcome::default();
        }
        let Ok(node) = ctx
            .store
            .get(kind("", "Node"), "", meta::str_at(pod, "/spec/nodeName"))
        else {
            return Outcome::default();
        };
        match eviction_time(pod, node, ctx.now) {
            Some(due) if due <= ctx.now => Outcome::ops(evict(pod, ctx.now)),
            Some(due) => Outcome {
                ops: Vec::new(),
                requeue_after: Some(due.since(ctx.now)),
            },
            None => Outcome::default(),
        }
    }
}

fn has_no_execute(node: &Value) -> bool {
    no_execute_taints(node).next().is_some()
}

fn no_execute_taints(node: &Value) -> impl Iterator<Item = &Value> {
    node.pointer("/spec/taints")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| meta::str_at(t, "/effect") == "NoExecute")
}

/// When the pod must go: now for an untolerated NoExecute taint; for tolerated ones, the
/// earliest `timeAdded + tolerationSeconds`; never when every toleration is unbounded.
fn eviction_time(pod: &Value, node: &Value, now: Time) -> Option<Time> {
    let tolerations = pod
        .pointer("/spec/tolerations")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut due: Option<Time> = None;
    for taint in no_execute_taints(node) {
        if !tolerated(pod, taint) {
            return Some(now);
        }
        let added = Time::parse_rfc3339(meta::str_at(taint, "/timeAdded")).unwrap_or(now);
        // Upstream takes the smallest bound among the tolerations that match; one without
        // `tolerationSeconds` tolerates forever.
        let seconds = tolerations
            .iter()
            .filter(|t| tolerates(t, taint))
            .filter_map(|t| t.get("tolerationSeconds").and_then(Value::as_i64))
            .min();
        if let Some(s) = seconds {
            let at = added.plus_millis(s.max(0) * SECOND);
            due = Some(due.map_or(at, |d| d.min(at)));
        }
    }
    due
}

fn evict(pod: &Value, now: Time) -> Vec<Op> {
    let mut marked = pod.clone();
    let conditions = meta::ensure_object(&mut marked, "status")
        .entry("conditions")
        .or_insert(json!([]));
    if let Some(list) = conditions.as_array_mut() {
        list.retain(|c| c["type"] != "DisruptionTarget");
        list.push(json!({
            "type": "DisruptionTarget", "status": "True", "lastProbeTime": null,
            "lastTransitionTime": now.rfc3339(), "reason": "DeletionByTaintManager",
            "message": "Taint manager: deleting due to NoExecute taint",
        }));
    }
    vec![
        Op::UpdateStatus(kind("", "Pod"), marked),
        Op::Delete {
            kind: kind("", "Pod"),
            key: ObjectKey::of(pod),
            options: DeleteOptions::default(),
            event: Some(EventNote {
                about: meta::reference(pod),
                warning: false,
                reason: "TaintManagerEviction",
                message: format!(
                    "Marking for deletion Pod {}/{}",
                    meta::namespace(pod),
                    meta::name(pod)
                ),
                source: "taint-eviction-controller",
                host: String::new(),
            }),
        },
    ]
}
