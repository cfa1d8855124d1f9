//! The namespace controller: empties a terminating namespace, then lets it go.
//!
//! When a namespace is deleted it turns `Terminating`; this controller deletes everything in it
//! and, once nothing is left, clears the namespace's `kubernetes` finalizer so the API server can
//! remove it.

use super::{Controller, Ctx, ObjectKey, Op, Outcome, kind};
use crate::api::meta;
use crate::store::{Change, DeleteOptions, Store};

/// How often a terminating namespace is checked again while content remains.
const RECHECK_MILLIS: i64 = 1000;

pub struct NamespaceController;

impl Controller for NamespaceController {
    fn name(&self) -> &'static str {
        "namespace-controller"
    }

    fn keys_for(&self, change: &Change, _store: &Store, out: &mut Vec<ObjectKey>) {
        if change.kind.kind == "Namespace" && meta::is_deleting(&change.object) {
            out.push(ObjectKey::of(&change.object));
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let Ok(ns) = ctx.store.get(kind("", "Namespace"), "", &key.name) else {
            return Outcome::default();
        };
        if !meta::is_deleting(ns) {
            return Outcome::default();
        }
        let mut ops = Vec::new();
        let mut remaining = false;
        for k in ctx.store.kinds().filter(|k| k.namespaced) {
            for obj in ctx.store.list(k, Some(&key.name)) {
                remaining = true;
                if !meta::is_deleting(obj) {
                    ops.push(Op::Delete {
                        kind: k,
                        key: ObjectKey::of(obj),
                        options: DeleteOptions::default(),
                        event: None,
                    });
                }
            }
        }
        if remaining {
            return Outcome {
                ops,
                requeue_after: Some(RECHECK_MILLIS),
            };
        }
        Outcome::ops(vec![Op::FinalizeNamespace(key.name.clone())])
    }
}
