//! NamespaceLifecycle: nothing is created in a namespace that does not exist or is being
//! terminated, and the namespaces the cluster needs (`default`, `kube-system`, `kube-public`)
//! may not be deleted.

use serde_json::Value;

use super::{forbidden, request_name};
use crate::api::{Kind, Result, Status, kinds, meta};
use crate::store::Store;

/// Namespaces the API server refuses to delete.
const IMMORTAL: &[&str] = &["default", "kube-system", "kube-public"];

/// A create into `namespace` (already defaulted): it must exist and not be terminating.
pub(in crate::store) fn check_create(
    store: &Store,
    kind: &Kind,
    obj: &Value,
    namespace: &str,
) -> Result<()> {
    let Some(ns) = kinds::by_kind("", "Namespace").and_then(|k| store.get(k, "", namespace).ok())
    else {
        return Err(Status::namespace_not_found(namespace));
    };
    let terminating = meta::str_at(ns, "/status/phase") == "Terminating" || meta::is_deleting(ns);
    if terminating {
        return Err(forbidden(
            kind,
            request_name(obj),
            &format!(
                "unable to create new content in namespace {namespace} because it is being terminated"
            ),
        ));
    }
    Ok(())
}

/// A delete: the cluster's own namespaces stay.
pub(in crate::store) fn check_delete(kind: &Kind, name: &str) -> Result<()> {
    if kind.kind == "Namespace" && kind.group.is_empty() && IMMORTAL.contains(&name) {
        return Err(forbidden(kind, name, "this namespace may not be deleted"));
    }
    Ok(())
}

/// Whether an error is the "being terminated" refusal (`NamespaceTerminatingCause`), which
/// controllers do not report as a failed create.
pub fn is_namespace_terminating(status: &Status) -> bool {
    status.message.ends_with("because it is being terminated")
}
