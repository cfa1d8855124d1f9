//! Admission: what the API server adds to or refuses in a request after decoding and
//! defaulting, by looking at other objects — one file per upstream plugin, run in upstream's
//! order (`AllOrderedPlugins`): every mutating plugin first, on the object as sent, then every
//! validating plugin, on the object as it will be stored (named, stamped).
//!
//! Mutating: NamespaceLifecycle (`namespace_lifecycle.rs`, called while the store resolves the
//! namespace), LimitRanger defaults, ServiceAccount, Priority, DefaultTolerationSeconds,
//! DefaultStorageClass, StorageObjectInUseProtection, DefaultIngressClass. Validating: LimitRanger limits,
//! ValidatingAdmissionPolicy (`policy/`), ResourceQuota (`resource_quota.rs`, last, because it
//! charges the quota when everything else has agreed).
//!
//! Writes are frequent (leases, events, pod status), so each plugin first checks with one cheap
//! store lookup whether anything it enforces exists (a LimitRange or quota in the namespace, a
//! policy binding anywhere) and otherwise costs nothing.

mod default_ingress_class;
mod default_storage_class;
mod default_tolerations;
mod limit_ranger;
pub(super) mod namespace_lifecycle;
mod policy;
mod priority;
mod resource_quota;
mod service_account;
mod storage_protection;

use serde_json::Value;

use super::Store;
use crate::api::{Kind, Result, Status, meta};

/// What a request does, as `admission.Operation` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Operation {
    Create,
    Update,
    Delete,
}

impl Operation {
    fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "CREATE",
            Operation::Update => "UPDATE",
            Operation::Delete => "DELETE",
        }
    }
}

/// One write as the validating plugins see it (`admission.Attributes`).
pub(super) struct Request<'a> {
    pub operation: Operation,
    pub kind: &'static Kind,
    /// `scale` for `kubectl scale`; empty for the resource itself.
    pub subresource: &'static str,
    /// The object as it will be stored (`null` for a delete).
    pub object: &'a Value,
    /// The stored object an update replaces or a delete removes.
    pub old: Option<&'a Value>,
}

impl Request<'_> {
    /// The object the request is about: the new one, or for a delete the stored one.
    fn subject(&self) -> &Value {
        match (self.object, self.old) {
            (Value::Null, Some(old)) => old,
            (object, _) => object,
        }
    }

    fn namespace(&self) -> &str {
        if self.kind.namespaced {
            meta::namespace(self.subject())
        } else {
            ""
        }
    }
}

/// The mutating plugins, on a create. They run before the API server names the object, so
/// their errors name it as requested (`requested`: the name, or the `generateName` prefix).
pub(super) fn mutate_create(
    store: &mut Store,
    kind: &'static Kind,
    obj: &mut Value,
    requested: &str,
) -> Result<()> {
    if kind.kind == "Pod" && kind.group.is_empty() {
        limit_ranger::mutate(store, obj);
        service_account::admit(store, kind, obj, requested)?;
        priority::admit(store, kind, obj, requested)?;
        default_tolerations::admit(obj);
    }
    if kind.kind == "PersistentVolumeClaim" {
        default_storage_class::admit(store, obj);
    }
    if kind.kind == "Ingress" && kind.group == "networking.k8s.io" {
        default_ingress_class::admit(store, obj);
    }
    storage_protection::admit(kind, obj);
    if kind.kind == "Service" {
        super::allocate::service(store, obj)?;
    }
    Ok(())
}

/// The validating plugins, on a create, an update or a delete.
pub(super) fn validate(store: &mut Store, request: &Request<'_>) -> Result<()> {
    if !request.subresource.is_empty() || request.operation == Operation::Delete {
        // Only policies look at subresources; quota and limits do not count a scale.
        return policy::validate(store, request);
    }
    limit_ranger::validate(store, request)?;
    policy::validate(store, request)?;
    resource_quota::validate(store, request)
}

/// The name a request's errors use: the object's name, or its `generateName` prefix before the
/// API server has picked one (`admission.NewForbidden`'s `extractResourceName`).
pub(super) fn request_name(obj: &Value) -> &str {
    match meta::name(obj) {
        "" => meta::str_at(obj, "/metadata/generateName"),
        name => name,
    }
}

/// `admission.NewForbidden`: `pods "web" is forbidden: <why>`.
pub(super) fn forbidden(kind: &Kind, name: &str, why: &str) -> Status {
    Status::forbidden(format!(
        "{} \"{name}\" is forbidden: {why}",
        kind.qualified_resource()
    ))
}
