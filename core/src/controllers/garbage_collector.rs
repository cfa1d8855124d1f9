//! The garbage collector: deletes what lost its owner, and carries out Foreground and Orphan
//! deletion.
//!
//! Its keys are owners, written `<apiVersion> <kind> <name> <uid>` in the key's name (the key's
//! namespace is where the dependents live). For an owner that is gone, dependents with no other
//! living owner are deleted (those with one lose just the dead reference). For an owner being
//! deleted with the `orphan` finalizer, dependents lose their reference to it and the finalizer
//! is removed; with `foregroundDeletion`, dependents are deleted first and the finalizer is
//! removed once none is left.

use serde_json::Value;

use super::{Controller, Ctx, ObjectKey, Op, Outcome};
use crate::api::{Kind, meta};
use crate::store::{Change, ChangeType, DeleteOptions, Propagation, Store};

pub struct GarbageCollector;

/// An owner as dependents refer to it.
struct OwnerRef<'a> {
    api_version: &'a str,
    kind: &'a str,
    name: &'a str,
    uid: &'a str,
}

impl OwnerRef<'_> {
    fn key(&self, namespace: &str) -> ObjectKey {
        ObjectKey {
            namespace: namespace.to_string(),
            name: format!(
                "{} {} {} {}",
                self.api_version, self.kind, self.name, self.uid
            ),
        }
    }

    fn parse(key: &ObjectKey) -> Option<OwnerRef<'_>> {
        let mut parts = key.name.split(' ');
        Some(OwnerRef {
            api_version: parts.next()?,
            kind: parts.next()?,
            name: parts.next()?,
            uid: parts.next()?,
        })
    }

    fn registry_kind(&self, store: &Store) -> Option<&'static Kind> {
        store.kind_for(self.api_version, self.kind)
    }
}

impl Controller for GarbageCollector {
    fn name(&self) -> &'static str {
        "garbage-collector"
    }

    fn keys_for(&self, change: &Change, _store: &Store, out: &mut Vec<ObjectKey>) {
        let obj = &change.object;
        let namespace = meta::namespace(obj);
        // The object as an owner: gone, or being deleted in a way that needs us.
        let needs_us = change.change == ChangeType::Deleted
            || (meta::is_deleting(obj) && has_finalizer(obj, "orphan"))
            || (meta::is_deleting(obj) && has_finalizer(obj, "foregroundDeletion"));
        if needs_us {
            out.push(
                OwnerRef {
                    api_version: meta::str_at(obj, "/apiVersion"),
                    kind: meta::str_at(obj, "/kind"),
                    name: meta::name(obj),
                    uid: meta::uid(obj),
                }
                .key(namespace),
            );
        }
        // The object as a dependent: new ones may point at owners that do not exist, and a
        // dependent going away may be what a foreground deletion waits for.
        if matches!(change.change, ChangeType::Added | ChangeType::Deleted) {
            for r in owner_refs(obj) {
                out.push(
                    OwnerRef {
                        api_version: meta::str_at(r, "/apiVersion"),
                        kind: meta::str_at(r, "/kind"),
                        name: meta::str_at(r, "/name"),
                        uid: meta::str_at(r, "/uid"),
                    }
                    .key(namespace),
                );
            }
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let Some(owner_ref) = OwnerRef::parse(key) else {
            return Outcome::default();
        };
        let owner = owner_ref.registry_kind(ctx.store).and_then(|k| {
            ctx.store
                .get(k, &key.namespace, owner_ref.name)
                .ok()
                .filter(|o| meta::uid(o) == owner_ref.uid)
        });
        let orphaning = owner.is_some_and(|o| meta::is_deleting(o) && has_finalizer(o, "orphan"));
        let foreground =
            owner.is_some_and(|o| meta::is_deleting(o) && has_finalizer(o, "foregroundDeletion"));
        if owner.is_some() && !orphaning && !foreground {
            return Outcome::default();
        }
        let owner_namespaced = owner_ref
            .registry_kind(ctx.store)
            .is_some_and(|k| k.namespaced);
        let scope = owner_namespaced.then_some(key.namespace.as_str());
        let mut ops = Vec::new();
        let mut dependents_left = false;
        for k in ctx.store.kinds() {
            if owner_namespaced && !k.namespaced {
                continue; // a namespaced owner cannot own cluster-scoped objects
            }
            for dependent in ctx.store.list(k, scope) {
                if !owner_refs(dependent).any(|r| meta::str_at(r, "/uid") == owner_ref.uid) {
                    continue;
                }
                if orphaning {
                    ops.push(Op::Update(k, without_owner(dependent, owner_ref.uid)));
                    continue;
                }
                dependents_left = true;
                if meta::is_deleting(dependent) {
                    continue;
                }
                let other_owner_alive = owner_refs(dependent)
                    .filter(|r| meta::str_at(r, "/uid") != owner_ref.uid)
                    .any(|r| owner_exists(ctx.store, r, meta::namespace(dependent)));
                ops.push(if other_owner_alive {
                    Op::Update(k, without_owner(dependent, owner_ref.uid))
                } else {
                    Op::Delete {
                        kind: k,
                        key: ObjectKey::of(dependent),
                        options: DeleteOptions {
                            propagation: Some(if foreground {
                                Propagation::Foreground
                            } else {
                                Propagation::Background
                            }),
                            grace_period_seconds: None,
                        },
                        event: None,
                    }
                });
            }
        }
        if let Some(owner) = owner
            && (orphaning || (foreground && !dependents_left))
        {
            let finalizer = if orphaning {
                "orphan"
            } else {
                "foregroundDeletion"
            };
            let mut updated = owner.clone();
            if let Some(list) = updated
                .pointer_mut("/metadata/finalizers")
                .and_then(Value::as_array_mut)
            {
                list.retain(|f| f != finalizer);
            }
            if let Some(k) = owner_ref.registry_kind(ctx.store) {
                ops.push(Op::Update(k, updated));
            }
        }
        Outcome::ops(ops)
    }
}

fn owner_refs(obj: &Value) -> impl Iterator<Item = &Value> {
    obj.pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn has_finalizer(obj: &Value, finalizer: &str) -> bool {
    obj.pointer("/metadata/finalizers")
        .and_then(Value::as_array)
        .is_some_and(|l| l.iter().any(|f| f == finalizer))
}

fn owner_exists(store: &Store, r: &Value, namespace: &str) -> bool {
    store
        .kind_for(meta::str_at(r, "/apiVersion"), meta::str_at(r, "/kind"))
        .and_then(|k| store.get(k, namespace, meta::str_at(r, "/name")).ok())
        .is_some_and(|o| meta::uid(o) == meta::str_at(r, "/uid"))
}

fn without_owner(dependent: &Value, uid: &str) -> Value {
    let mut updated = dependent.clone();
    if let Some(list) = updated
        .pointer_mut("/metadata/ownerReferences")
        .and_then(Value::as_array_mut)
    {
        list.retain(|r| meta::str_at(r, "/uid") != uid);
        if list.is_empty()
            && let Some(m) = updated.get_mut("metadata").and_then(Value::as_object_mut)
        {
            m.remove("ownerReferences");
        }
    }
    updated
}
