//! Deletion as the API server does it: graceful for pods, blocked by finalizers, and marked
//! for the garbage collector when dependents must go first (Foreground) or stay (Orphan).

use serde_json::{Value, json};

use super::{ChangeType, Store, finalizers_empty, ready_to_go};
use crate::api::{Kind, Result, meta};

/// `propagationPolicy`: what happens to the objects this one owns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Propagation {
    /// Delete the owner now; the garbage collector deletes dependents afterwards.
    Background,
    /// Keep the owner (with a `foregroundDeletion` finalizer) until its dependents are gone.
    Foreground,
    /// Keep the dependents, removing their owner references (`orphan` finalizer).
    Orphan,
}

impl Propagation {
    fn finalizer(self) -> Option<&'static str> {
        match self {
            Propagation::Background => None,
            Propagation::Foreground => Some("foregroundDeletion"),
            Propagation::Orphan => Some("orphan"),
        }
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct DeleteOptions {
    pub propagation: Option<Propagation>,
    /// `gracePeriodSeconds`; `None` takes the pod's `terminationGracePeriodSeconds`.
    pub grace_period_seconds: Option<i64>,
}

impl Store {
    /// Deletes an object, or starts its deletion: returns the object as it is afterwards (with a
    /// `deletionTimestamp` when something still has to happen before it is gone).
    pub fn delete(
        &mut self,
        kind: &'static Kind,
        namespace: &str,
        name: &str,
        opts: DeleteOptions,
    ) -> Result<Value> {
        self.serve("delete", kind, "", (namespace, name), |s| {
            s.delete_served(kind, namespace, name, opts)
        })
    }

    fn delete_served(
        &mut self,
        kind: &'static Kind,
        namespace: &str,
        name: &str,
        opts: DeleteOptions,
    ) -> Result<Value> {
        super::admission::namespace_lifecycle::check_delete(kind, name)?;
        let mut obj = self.get(kind, namespace, name)?.clone();
        super::admission::validate(
            self,
            &super::admission::Request {
                operation: super::admission::Operation::Delete,
                kind,
                subresource: "",
                object: &Value::Null,
                old: Some(&obj),
            },
        )?;
        let grace = if kind.kind == "Pod" {
            pod_grace_period(&obj, opts.grace_period_seconds)
        } else {
            0
        };
        if meta::is_deleting(&obj) {
            return self.shorten_or_finish(kind, obj, grace);
        }
        if let Some(finalizer) = opts.propagation.and_then(Propagation::finalizer) {
            let m = meta::metadata_mut(&mut obj);
            let list = m.entry("finalizers").or_insert(json!([]));
            if let Some(list) = list.as_array_mut()
                && !list.iter().any(|f| f == finalizer)
            {
                list.push(json!(finalizer));
            }
        }
        let waits_for_finalizers = !finalizers_empty(&obj);
        let namespace_content = kind.kind == "Namespace";
        if grace == 0 && !waits_for_finalizers && !namespace_content {
            return self.remove(kind, &obj);
        }
        let now = self.now;
        let m = meta::metadata_mut(&mut obj);
        m.insert(
            "deletionTimestamp".into(),
            json!(now.plus_secs(grace).rfc3339()),
        );
        m.insert("deletionGracePeriodSeconds".into(), json!(grace));
        if namespace_content {
            obj["status"] = json!({"phase": "Terminating"});
        }
        Ok(self.put(kind, ChangeType::Modified, obj))
    }

    /// A second delete of an object already being deleted: a shorter grace period takes over
    /// (grace 0 on a pod removes it, as the kubelet does once its containers have stopped).
    fn shorten_or_finish(&mut self, kind: &'static Kind, obj: Value, grace: i64) -> Result<Value> {
        let current = obj
            .pointer("/metadata/deletionGracePeriodSeconds")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        if kind.kind != "Pod" || grace >= current {
            return Ok(obj);
        }
        if grace == 0 && finalizers_empty(&obj) {
            return self.remove(kind, &obj);
        }
        let mut obj = obj;
        let deadline = self.now.plus_secs(grace).rfc3339();
        let m = meta::metadata_mut(&mut obj);
        m.insert("deletionTimestamp".into(), json!(deadline));
        m.insert("deletionGracePeriodSeconds".into(), json!(grace));
        Ok(self.put(kind, ChangeType::Modified, obj))
    }

    /// Clears a terminating namespace's `spec.finalizers` (the `/finalize` subresource), which
    /// lets it go once the namespace controller has emptied it.
    pub fn finalize_namespace(&mut self, kind: &'static Kind, name: &str) -> Result<Value> {
        self.serve("update", kind, "finalize", ("", name), |s| {
            s.finalize_namespace_served(kind, name)
        })
    }

    fn finalize_namespace_served(&mut self, kind: &'static Kind, name: &str) -> Result<Value> {
        let mut obj = self.get(kind, "", name)?.clone();
        meta::ensure_object(&mut obj, "spec").insert("finalizers".into(), json!([]));
        if ready_to_go(&obj) {
            return self.remove(kind, &obj);
        }
        Ok(self.put(kind, ChangeType::Modified, obj))
    }
}

/// A pod that never reached a node, or has already finished, goes at once; others get the
/// requested grace period or their own `terminationGracePeriodSeconds`.
fn pod_grace_period(pod: &Value, requested: Option<i64>) -> i64 {
    let phase = meta::str_at(pod, "/status/phase");
    if meta::str_at(pod, "/spec/nodeName").is_empty() || matches!(phase, "Succeeded" | "Failed") {
        return 0;
    }
    requested
        .or_else(|| {
            pod.pointer("/spec/terminationGracePeriodSeconds")
                .and_then(Value::as_i64)
        })
        .unwrap_or(30)
        .max(0)
}
