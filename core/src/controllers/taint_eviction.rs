//! The taint eviction controller (`taint-eviction-controller`): deletes pods from nodes with
//! `NoExecute` taints they do not tolerate — at once, or once the `tolerationSeconds` of the
//! tolerations they have run out. Like upstream's timed work queue, it counts those seconds
//! from when it first found the pod under such a taint (kept here, not in the API), and when
//! the taint goes away or becomes tolerated forever before that, it cancels the eviction with
//! a `Cancelling deletion of Pod` event. Before deleting it marks the pod with a
//! `DisruptionTarget` condition, and records `TaintManagerEviction`.
//! This is how pods leave a node that stopped answering: the node lifecycle controller taints it
//! `unreachable`, and every pod carries a 300 s toleration for that from admission; and how
//! `kubectl taint ... :NoExecute` clears a node.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Controller, Ctx, EventNote, ObjectKey, Op, Outcome, kind};
use crate::api::{conditions, meta};
use crate::scheduler::plugins::taint_toleration::tolerates;
use crate::store::{Change, ChangeType, DeleteOptions, Store};
use crate::time::{SECOND, Time};

#[derive(Default)]
pub struct TaintEvictionController {
    /// Evictions waiting for a toleration to run out: pod → (uid, when the wait began).
    scheduled: BTreeMap<ObjectKey, (String, Time)>,
}

/// What the taints on a pod's node mean for it.
#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    /// No NoExecute taint, or every one tolerated without a time limit.
    Stay,
    /// An untolerated NoExecute taint.
    EvictNow,
    /// Tolerated for this many milliseconds (the smallest `tolerationSeconds` in play).
    EvictAfter(i64),
}

impl Controller for TaintEvictionController {
    fn name(&self) -> &'static str {
        "taint-eviction-controller"
    }

    fn keys_for(&self, change: &Change, store: &Store, out: &mut Vec<ObjectKey>) {
        match change.kind.kind {
            "Pod" if !meta::str_at(&change.object, "/spec/nodeName").is_empty() => {
                out.push(ObjectKey::of(&change.object));
            }
            "Node" => {
                let node = meta::name(&change.object);
                let on_node = |p: &Value| meta::str_at(p, "/spec/nodeName") == node;
                if change.change != ChangeType::Deleted && has_no_execute(&change.object) {
                    out.extend(
                        store
                            .list(kind("", "Pod"), None)
                            .filter(|p| on_node(p))
                            .map(ObjectKey::of),
                    );
                } else {
                    // A taint may have gone: look again at the evictions waiting on this node.
                    out.extend(
                        self.scheduled
                            .keys()
                            .filter(|k| {
                                store
                                    .get(kind("", "Pod"), &k.namespace, &k.name)
                                    .is_ok_and(on_node)
                            })
                            .cloned(),
                    );
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let pod = ctx
            .store
            .get(kind("", "Pod"), &key.namespace, &key.name)
            .ok()
            .filter(|p| !meta::is_deleting(p));
        let node = pod.and_then(|p| {
            ctx.store
                .get(kind("", "Node"), "", meta::str_at(p, "/spec/nodeName"))
                .ok()
        });
        let (Some(pod), Some(node)) = (pod, node) else {
            self.scheduled.remove(key);
            return Outcome::default();
        };
        match verdict(pod, node) {
            Verdict::Stay => Outcome::ops(self.cancel(key, pod)),
            Verdict::EvictNow => {
                self.scheduled.remove(key);
                Outcome::ops(evict(pod, ctx.now))
            }
            Verdict::EvictAfter(millis) => {
                let uid = meta::uid(pod).to_string();
                let start = match self.scheduled.get(key) {
                    Some((known, since)) if *known == uid => *since,
                    _ => ctx.now,
                };
                let due = start.plus_millis(millis);
                if due <= ctx.now {
                    self.scheduled.remove(key);
                    return Outcome::ops(evict(pod, ctx.now));
                }
                self.scheduled.insert(key.clone(), (uid, start));
                Outcome {
                    ops: Vec::new(),
                    requeue_after: Some(due.since(ctx.now)),
                }
            }
        }
    }
}

impl TaintEvictionController {
    /// Drops a waiting eviction, saying so as upstream does.
    fn cancel(&mut self, key: &ObjectKey, pod: &Value) -> Vec<Op> {
        if self.scheduled.remove(key).is_none() {
            return Vec::new();
        }
        vec![Op::event(
            pod,
            false,
            "TaintManagerEviction",
            format!(
                "Cancelling deletion of Pod {}/{}",
                meta::namespace(pod),
                meta::name(pod)
            ),
            "taint-eviction-controller",
        )]
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

/// Upstream's `processPodOnNode`: each NoExecute taint must be tolerated (by the first
/// toleration that matches it); the smallest `tolerationSeconds` among those bounds the stay,
/// and none at all means forever.
fn verdict(pod: &Value, node: &Value) -> Verdict {
    let tolerations = pod
        .pointer("/spec/tolerations")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut used = Vec::new();
    for taint in no_execute_taints(node) {
        match tolerations.iter().find(|t| tolerates(t, taint)) {
            Some(t) => used.push(t),
            None => return Verdict::EvictNow,
        }
    }
    let bound = used
        .iter()
        .filter_map(|t| t.get("tolerationSeconds").and_then(Value::as_i64))
        .min();
    match bound {
        Some(seconds) => Verdict::EvictAfter(seconds.max(0) * SECOND),
        None => Verdict::Stay,
    }
}

fn evict(pod: &Value, now: Time) -> Vec<Op> {
    let mut marked = pod.clone();
    conditions::update_pod_condition(
        &mut marked,
        "DisruptionTarget",
        "True",
        "DeletionByTaintManager",
        "Taint manager: deleting due to NoExecute taint",
        now,
    );
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn node(taints: Value) -> Value {
        json!({"spec": {"taints": taints}})
    }

    #[test]
    fn verdicts_follow_the_first_matching_toleration() {
        let taint = json!([{"key": "k", "effect": "NoExecute"}]);
        let bare = json!({"spec": {}});
        assert_eq!(verdict(&bare, &node(taint.clone())), Verdict::EvictNow);
        let forever = json!({"spec": {"tolerations": [{"key": "k", "operator": "Exists"}]}});
        assert_eq!(verdict(&forever, &node(taint.clone())), Verdict::Stay);
        let bounded = json!({"spec": {"tolerations": [
            {"key": "k", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 60},
            {"operator": "Exists"}
        ]}});
        assert_eq!(
            verdict(&bounded, &node(taint.clone())),
            Verdict::EvictAfter(60 * SECOND)
        );
        assert_eq!(
            verdict(&bare, &node(json!([{"key": "k", "effect": "NoSchedule"}]))),
            Verdict::Stay
        );
    }
}
