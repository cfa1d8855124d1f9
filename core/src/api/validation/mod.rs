//! Validation, as the API server runs it on every create and update after defaulting and
//! admission: `ValidateObjectMeta` for every kind, and the kind's own rules (pods, workloads,
//! jobs, services, config maps, secrets, namespaces...), with upstream's v1.35 messages.
//!
//! Errors are collected as [`field::FieldError`]s and become one `Invalid` status listing
//! them all, as `apierrors.NewInvalid` does. (What upstream refuses while decoding, such as a
//! quantity that does not parse, is refused before, by `api::strict`.)
//!
//! Fields that upstream's defaulting fills in (`restartPolicy`, `dnsPolicy`, `protocol`,
//! `sessionAffinity`...) are checked when present and taken as their default when absent, so
//! kinds whose defaulting is not written yet are not refused for lacking them.
//!
//! Layout: [`field`] (paths, errors, value rendering), [`names`] and [`labels`] (the format
//! checks of `util/validation`), then one file per area: `meta`, `pod`, `container`, `apps`,
//! `batch`, `service`, `core_misc`, `networking`.

pub mod field;
pub mod labels;
pub mod names;

mod apps;
mod batch;
mod container;
mod core_misc;
mod meta;
mod networking;
mod pod;
mod service;
#[cfg(test)]
mod tests;

use serde_json::Value;

use self::field::{BadValue, ErrorList, FieldError, Path};
use crate::api::{Kind, Result};

pub use meta::name_rule;

/// `FieldImmutableErrorMsg`.
pub const FIELD_IMMUTABLE: &str = "field is immutable";
/// `IsNegativeErrorMsg`.
pub const IS_NEGATIVE: &str = "must be greater than or equal to 0";

/// Validates an object about to be created (named, defaulted and admitted).
pub fn validate_create(kind: &Kind, obj: &Value) -> Result<()> {
    let errs = match (kind.group, kind.kind) {
        ("", "Pod") => pod::validate_pod(obj),
        ("", "PodTemplate") => pod::validate_pod_template(obj),
        ("", "ReplicationController") => apps::validate_replication_controller(obj),
        ("", "Service") => service::validate_service(obj),
        ("", "ConfigMap") => core_misc::validate_config_map(obj),
        ("", "Secret") => core_misc::validate_secret(obj),
        ("", "Namespace") => core_misc::validate_namespace(obj),
        ("", "Node") => core_misc::validate_node(obj),
        ("apps", "Deployment") => apps::validate_deployment(obj),
        ("apps", "ReplicaSet") => apps::validate_replica_set(obj),
        ("apps", "DaemonSet") => apps::validate_daemon_set(obj),
        ("apps", "StatefulSet") => apps::validate_stateful_set(obj),
        ("batch", "Job") => batch::validate_job(obj),
        ("batch", "CronJob") => batch::validate_cron_job(obj),
        ("networking.k8s.io", "NetworkPolicy") => networking::validate_network_policy(obj),
        ("networking.k8s.io", "Ingress") => networking::validate_ingress_create(obj),
        ("networking.k8s.io", "IngressClass") => networking::validate_ingress_class(obj),
        _ => object_meta(kind, obj),
    };
    finish(kind, obj, errs)
}

/// Validates an update of `old` into `new` (spec and metadata; status is kept by the store).
pub fn validate_update(kind: &Kind, new: &Value, old: &Value) -> Result<()> {
    let mut errs = object_meta_update(new, old);
    errs.extend(match (kind.group, kind.kind) {
        ("", "Pod") => pod::validate_pod_update(new, old),
        ("", "PodTemplate") => pod::validate_pod_template_spec_only(new),
        ("", "ReplicationController") => apps::validate_replication_controller_spec(new),
        ("", "Service") => service::validate_service_update(new, old),
        ("", "ConfigMap") => core_misc::validate_config_map_update(new, old),
        ("", "Secret") => core_misc::validate_secret_update(new, old),
        ("", "Node") => core_misc::validate_node_update(new),
        ("apps", "Deployment") => apps::validate_deployment_update(new, old),
        ("apps", "ReplicaSet") => apps::validate_replica_set_update(new, old),
        ("apps", "DaemonSet") => apps::validate_daemon_set_update(new, old),
        ("apps", "StatefulSet") => apps::validate_stateful_set_update(new, old),
        ("batch", "Job") => batch::validate_job_update(new, old),
        ("batch", "CronJob") => batch::validate_cron_job_update(new, old),
        ("networking.k8s.io", "NetworkPolicy") => networking::validate_network_policy_update(new),
        ("networking.k8s.io", "Ingress") => networking::validate_ingress_update(new),
        ("networking.k8s.io", "IngressClass") => {
            networking::validate_ingress_class_update(new, old)
        }
        _ => ErrorList::new(),
    });
    finish(kind, new, errs)
}

/// Validates a status update: the metadata rules, and for workloads the cheap counters checks
/// (`status.replicas` and friends are never negative).
pub fn validate_status_update(kind: &Kind, new: &Value, old: &Value) -> Result<()> {
    let mut errs = object_meta_update(new, old);
    errs.extend(apps::validate_status(kind, new));
    finish(kind, new, errs)
}

fn object_meta(kind: &Kind, obj: &Value) -> ErrorList {
    meta::validate_object_meta(
        obj.get("metadata"),
        kind.namespaced,
        meta::name_rule(kind),
        &Path::new("metadata"),
    )
}

fn object_meta_update(new: &Value, old: &Value) -> ErrorList {
    meta::validate_object_meta_update(
        new.get("metadata"),
        old.get("metadata"),
        &Path::new("metadata"),
    )
}

fn finish(kind: &Kind, obj: &Value, errs: ErrorList) -> Result<()> {
    if errs.is_empty() {
        return Ok(());
    }
    let name = crate::api::meta::name(obj);
    Err(field::invalid_status(kind, name, &errs))
}

/// `obj[key]` as a string, "" when absent or not a string.
fn str_of<'a>(obj: &'a Value, key: &str) -> &'a str {
    obj.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `obj[key]` as an integer, when it is one.
fn int_of(obj: &Value, key: &str) -> Option<i64> {
    obj.get(key).and_then(Value::as_i64)
}

/// A JSON list as a slice (empty when absent or not a list).
fn list(v: Option<&Value>) -> &[Value] {
    v.and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// `ValidateNonnegativeField`'s error.
fn nonnegative_error(path: &Path, value: i64) -> FieldError {
    FieldError::invalid(path, BadValue::Int(value), IS_NEGATIVE)
}

/// `ValidateNonnegativeField` for an optional integer field of `obj`.
fn nonnegative(obj: &Value, key: &str, path: &Path) -> ErrorList {
    match int_of(obj, key) {
        Some(v) if v < 0 => vec![nonnegative_error(&path.child(key), v)],
        _ => Vec::new(),
    }
}

/// `ValidateImmutableField`: `new` must equal `old`.
fn immutable(new: Option<&Value>, old: Option<&Value>, path: &Path, value: BadValue) -> ErrorList {
    if new == old {
        Vec::new()
    } else {
        vec![FieldError::invalid(path, value, FIELD_IMMUTABLE)]
    }
}
