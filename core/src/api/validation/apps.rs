//! Workloads: Deployments, ReplicaSets, DaemonSets, StatefulSets and ReplicationControllers
//! (`pkg/apis/apps/validation` and the RC part of core's): a selector that matches the
//! template's labels, a valid pod template that restarts `Always`, sane replica and strategy
//! numbers; on update an immutable selector; and non-negative status counters.

use serde_json::Value;

use super::field::{BadValue, ErrorList, FieldError, Path, go_json};
use super::labels::validate_label_selector;
use super::meta::{NameFn, name_is_dns_label, name_is_dns_subdomain, validate_object_meta};
use super::names::is_valid_percent;
use super::pod::{Volumes, restart_policy, validate_pod_template_spec};
use super::{immutable, int_of, list, nonnegative, nonnegative_error, str_of};
use crate::api::Kind;
use crate::api::labels::Selector;
use crate::api::selector::as_selector;

fn spec_of(obj: &Value) -> &Value {
    obj.get("spec").unwrap_or(&Value::Null)
}

fn meta(obj: &Value, name_fn: NameFn) -> ErrorList {
    validate_object_meta(obj.get("metadata"), true, name_fn, &Path::new("metadata"))
}

/// A `metav1.LabelSelector` as Go's JSON prints it: `matchLabels` before `matchExpressions`,
/// and `key`, `operator`, `values` in that order.
pub fn selector_value(selector: Option<&Value>) -> BadValue {
    let Some(sel) = selector.filter(|s| !s.is_null()) else {
        return BadValue::Raw("null".into());
    };
    let mut parts = Vec::new();
    if let Some(ml) = sel
        .get("matchLabels")
        .filter(|m| m.as_object().is_some_and(|m| !m.is_empty()))
    {
        parts.push(format!("\"matchLabels\":{}", go_json(ml)));
    }
    let exprs = list(sel.get("matchExpressions"));
    if !exprs.is_empty() {
        let rendered: Vec<String> = exprs
            .iter()
            .map(|e| {
                let mut fields = vec![
                    format!("\"key\":{}", go_json(&Value::from(str_of(e, "key")))),
                    format!(
                        "\"operator\":{}",
                        go_json(&Value::from(str_of(e, "operator")))
                    ),
                ];
                let values = list(e.get("values"));
                if !values.is_empty() {
                    fields.push(format!(
                        "\"values\":{}",
                        go_json(&Value::from(values.to_vec()))
                    ));
                }
                format!("{{{}}}", fields.join(","))
            })
            .collect();
        parts.push(format!("\"matchExpressions\":[{}]", rendered.join(",")));
    }
    BadValue::Raw(format!("{{{}}}", parts.join(",")))
}

/// An internal Go struct (no JSON tags) as JSON: the given fields in order, `null` if absent.
fn internal_struct(obj: Option<&Value>, fields: &[(&str, &str)]) -> String {
    let rendered: Vec<String> = fields
        .iter()
        .map(|(go, json)| {
            let v = obj.and_then(|o| o.get(*json)).unwrap_or(&Value::Null);
            format!("\"{go}\":{}", go_json(v))
        })
        .collect();
    format!("{{{}}}", rendered.join(","))
}

/// A `{type, rollingUpdate}` strategy as upstream's internal struct prints.
fn strategy_value(strategy: Option<&Value>, rolling: &[(&str, &str)]) -> BadValue {
    let ru = strategy
        .and_then(|s| s.get("rollingUpdate"))
        .filter(|v| !v.is_null());
    let rolling = match ru {
        Some(_) => internal_struct(ru, rolling),
        None => "null".into(),
    };
    let kind = go_json(&Value::from(
        strategy.map(|s| str_of(s, "type")).unwrap_or(""),
    ));
    BadValue::Raw(format!("{{\"Type\":{kind},\"RollingUpdate\":{rolling}}}"))
}

/// `selector` does not match template `labels`: the error when `sel` misses the template.
pub fn template_mismatch(sel: &Selector, spec: &Value, path: &Path) -> Option<FieldError> {
    let labels = spec.pointer("/template/metadata/labels");
    (!sel.matches_labels(labels.and_then(Value::as_object))).then(|| {
        FieldError::invalid(
            &path.child("template").child("metadata").child("labels"),
            BadValue::Json(labels.cloned().unwrap_or(Value::Null)),
            "`selector` does not match template `labels`",
        )
    })
}

/// A present selector with neither `matchLabels` nor `matchExpressions`.
fn empty_selector(sel: &Value, path: &Path, what: &str) -> Option<FieldError> {
    let count = sel
        .get("matchLabels")
        .and_then(Value::as_object)
        .map_or(0, |m| m.len())
        + list(sel.get("matchExpressions")).len();
    (count == 0).then(|| {
        FieldError::invalid(
            path,
            selector_value(Some(sel)),
            &format!("empty selector is invalid for {what}"),
        )
    })
}

/// The required, non-empty selector of Deployments, ReplicaSets and StatefulSets, and the
/// template it must match. `what` names the kind in the empty-selector message.
fn selector_and_template(spec: &Value, path: &Path, what: &str, extra: &Volumes) -> ErrorList {
    let mut errs = ErrorList::new();
    let selector = spec.get("selector").filter(|s| !s.is_null());
    let sel_path = path.child("selector");
    match selector {
        None => errs.push(FieldError::required(&sel_path, "")),
        Some(sel) => {
            errs.extend(validate_label_selector(Some(sel), &sel_path));
            errs.extend(empty_selector(sel, &sel_path, what));
        }
    }
    let template_path = path.child("template");
    match as_selector(selector) {
        Err(_) => errs.push(FieldError::invalid(
            &sel_path,
            selector_value(selector),
            if what == "statefulset" {
                ""
            } else {
                "invalid label selector"
            },
        )),
        Ok(sel) => {
            if !sel.is_empty() {
                errs.extend(template_mismatch(&sel, spec, path));
            }
            errs.extend(validate_pod_template_spec(
                spec.get("template"),
                &template_path,
                extra,
            ));
        }
    }
    errs
}

/// What every replica-running template must satisfy: `restartPolicy: Always` and no deadline.
fn always_restarts(spec: &Value, path: &Path, kind: &str) -> ErrorList {
    let mut errs = ErrorList::new();
    let template_spec = spec.pointer("/template/spec");
    let policy = restart_policy(template_spec);
    let spec_path = path.child("template").child("spec");
    if policy != "Always" {
        errs.push(FieldError::not_supported(
            &spec_path.child("restartPolicy"),
            BadValue::named(policy),
            &["Always"],
        ));
    }
    if template_spec.is_some_and(|s| s.get("activeDeadlineSeconds").is_some()) {
        errs.push(FieldError::forbidden(
            &spec_path.child("activeDeadlineSeconds"),
            &format!("activeDeadlineSeconds in {kind} is not Supported"),
        ));
    }
    errs
}

/// `ValidateReplicaSetSpec` (the empty-selector message says "deployment" upstream too).
fn replica_set_spec(spec: &Value, path: &Path) -> ErrorList {
    let mut errs = nonnegative(spec, "replicas", path);
    errs.extend(nonnegative(spec, "minReadySeconds", path));
    errs.extend(selector_and_template(
        spec,
        path,
        "deployment",
        &Volumes::new(),
    ));
    errs.extend(always_restarts(spec, path, "ReplicaSet"));
    errs
}

pub fn validate_replica_set(obj: &Value) -> ErrorList {
    created(obj, replica_set_spec)
}

pub fn validate_replica_set_update(new: &Value, old: &Value) -> ErrorList {
    updated(new, old, replica_set_spec)
}

/// A new Deployment, ReplicaSet or DaemonSet: DNS-subdomain name, then the spec.
fn created(obj: &Value, spec: fn(&Value, &Path) -> ErrorList) -> ErrorList {
    let mut errs = meta(obj, name_is_dns_subdomain);
    errs.extend(spec(spec_of(obj), &Path::new("spec")));
    errs
}

/// An updated Deployment, ReplicaSet or DaemonSet: a valid spec with the same selector.
fn updated(new: &Value, old: &Value, spec: fn(&Value, &Path) -> ErrorList) -> ErrorList {
    let mut errs = spec(spec_of(new), &Path::new("spec"));
    errs.extend(immutable_selector(new, old));
    errs
}

/// Deployments, ReplicaSets and DaemonSets keep their selector (`apps/v1`).
fn immutable_selector(new: &Value, old: &Value) -> ErrorList {
    let (n, o) = (spec_of(new).get("selector"), spec_of(old).get("selector"));
    immutable(
        n,
        o,
        &Path::new("spec").child("selector"),
        selector_value(n),
    )
}

/// An int-or-percent: a non-negative number or `N%`.
fn positive_int_or_percent(v: Option<&Value>, path: &Path) -> ErrorList {
    match v {
        Some(Value::String(s)) => is_valid_percent(s)
            .iter()
            .map(|m| FieldError::invalid(path, BadValue::Json(Value::from(s.as_str())), m))
            .collect(),
        Some(v) => match v.as_i64() {
            Some(n) if n < 0 => vec![nonnegative_error(path, n)],
            _ => Vec::new(),
        },
        None => Vec::new(),
    }
}

/// The number an int-or-percent stands for (percents as their number), 0 when unreadable.
fn int_or_percent(v: Option<&Value>) -> i64 {
    match v {
        Some(Value::String(s)) if is_valid_percent(s).is_empty() => {
            s.trim_end_matches('%').parse().unwrap_or(0)
        }
        Some(v) => v.as_i64().unwrap_or(0),
        None => 0,
    }
}

fn not_more_than_100_percent(v: Option<&Value>, path: &Path) -> ErrorList {
    match v {
        Some(Value::String(s)) if is_valid_percent(s).is_empty() && int_or_percent(v) > 100 => {
            vec![FieldError::invalid(
                path,
                BadValue::Json(Value::from(s.as_str())),
                "must not be greater than 100%",
            )]
        }
        _ => Vec::new(),
    }
}

/// `ValidateDeploymentStrategy`.
fn deployment_strategy(strategy: Option<&Value>, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let kind = strategy.map(|s| str_of(s, "type")).unwrap_or("");
    let rolling = strategy
        .and_then(|s| s.get("rollingUpdate"))
        .filter(|v| !v.is_null());
    match kind {
        "Recreate" => {
            if rolling.is_some() {
                errs.push(FieldError::forbidden(
                    &path.child("rollingUpdate"),
                    "may not be specified when strategy `type` is 'Recreate'",
                ));
            }
        }
        // Absent: defaulting makes it a rolling update.
        "RollingUpdate" | "" => {
            let Some(ru) = rolling else {
                return errs;
            };
            let p = path.child("rollingUpdate");
            let (unavailable, surge) = (ru.get("maxUnavailable"), ru.get("maxSurge"));
            errs.extend(positive_int_or_percent(
                unavailable,
                &p.child("maxUnavailable"),
            ));
            errs.extend(positive_int_or_percent(surge, &p.child("maxSurge")));
            let defaulted = |v: Option<&Value>| v.is_none() || int_or_percent(v) != 0;
            if !defaulted(unavailable) && !defaulted(surge) {
                errs.push(FieldError::invalid(
                    &p.child("maxUnavailable"),
                    BadValue::of(unavailable),
                    "may not be 0 when `maxSurge` is 0",
                ));
            }
            errs.extend(not_more_than_100_percent(
                unavailable,
                &p.child("maxUnavailable"),
            ));
        }
        _ => errs.push(FieldError::not_supported(
            path,
            strategy_value(
                strategy,
                &[
                    ("MaxUnavailable", "maxUnavailable"),
                    ("MaxSurge", "maxSurge"),
                ],
            ),
            &["Recreate", "RollingUpdate"],
        )),
    }
    errs
}

/// `ValidateDeploymentSpec`.
fn deployment_spec(spec: &Value, path: &Path) -> ErrorList {
    let mut errs = nonnegative(spec, "replicas", path);
    errs.extend(selector_and_template(
        spec,
        path,
        "deployment",
        &Volumes::new(),
    ));
    errs.extend(always_restarts(spec, path, "ReplicaSet"));
    errs.extend(deployment_strategy(
        spec.get("strategy"),
        &path.child("strategy"),
    ));
    errs.extend(nonnegative(spec, "minReadySeconds", path));
    errs.extend(nonnegative(spec, "revisionHistoryLimit", path));
    if let Some(deadline) = int_of(spec, "progressDeadlineSeconds") {
        errs.extend(nonnegative(spec, "progressDeadlineSeconds", path));
        if deadline <= int_of(spec, "minReadySeconds").unwrap_or(0) {
            errs.push(FieldError::invalid(
                &path.child("progressDeadlineSeconds"),
                BadValue::Int(deadline),
                "must be greater than minReadySeconds",
            ));
        }
    }
    errs
}

pub fn validate_deployment(obj: &Value) -> ErrorList {
    created(obj, deployment_spec)
}

pub fn validate_deployment_update(new: &Value, old: &Value) -> ErrorList {
    updated(new, old, deployment_spec)
}

/// `ValidateDaemonSetSpec`: the selector is not `Required` here, but an absent one matches
/// nothing, so the template check fails.
fn daemon_set_spec(spec: &Value, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let selector = spec.get("selector").filter(|s| !s.is_null());
    let sel_path = path.child("selector");
    errs.extend(validate_label_selector(selector, &sel_path));
    if let Ok(sel) = as_selector(selector) {
        errs.extend(template_mismatch(&sel, spec, path));
    }
    if let Some(sel) = selector {
        errs.extend(empty_selector(sel, &sel_path, "daemonset"));
    }
    errs.extend(validate_pod_template_spec(
        spec.get("template"),
        &path.child("template"),
        &Volumes::new(),
    ));
    errs.extend(always_restarts(spec, path, "DaemonSet"));
    errs.extend(nonnegative(spec, "minReadySeconds", path));
    errs.extend(nonnegative(spec, "templateGeneration", path));
    errs.extend(daemon_set_strategy(
        spec.get("updateStrategy"),
        &path.child("updateStrategy"),
    ));
    errs.extend(nonnegative(spec, "revisionHistoryLimit", path));
    errs
}

/// `ValidateDaemonSetUpdateStrategy`.
fn daemon_set_strategy(strategy: Option<&Value>, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    match strategy.map(|s| str_of(s, "type")).unwrap_or("") {
        "OnDelete" | "" => {}
        "RollingUpdate" => {
            let Some(ru) = strategy
                .and_then(|s| s.get("rollingUpdate"))
                .filter(|v| !v.is_null())
            else {
                errs.push(FieldError::required(&path.child("rollingUpdate"), ""));
                return errs;
            };
            let p = path.child("rollingUpdate");
            let (unavailable, surge) = (ru.get("maxUnavailable"), ru.get("maxSurge"));
            errs.extend(positive_int_or_percent(
                unavailable,
                &p.child("maxUnavailable"),
            ));
            errs.extend(positive_int_or_percent(surge, &p.child("maxSurge")));
            errs.extend(not_more_than_100_percent(
                unavailable,
                &p.child("maxUnavailable"),
            ));
            errs.extend(not_more_than_100_percent(surge, &p.child("maxSurge")));
            let has_unavailable = int_or_percent(unavailable) != 0;
            let has_surge = int_or_percent(surge) != 0;
            if has_unavailable && has_surge {
                errs.push(FieldError::invalid(
                    &p.child("maxSurge"),
                    BadValue::of(surge),
                    "may not be set when maxUnavailable is non-zero",
                ));
            } else if !has_unavailable && !has_surge {
                errs.push(FieldError::required(
                    &p.child("maxUnavailable"),
                    "cannot be 0 when maxSurge is 0",
                ));
            }
        }
        _ => errs.push(FieldError::not_supported(
            path,
            strategy_value(
                strategy,
                &[
                    ("MaxUnavailable", "maxUnavailable"),
                    ("MaxSurge", "maxSurge"),
                ],
            ),
            &["RollingUpdate", "OnDelete"],
        )),
    }
    errs
}

pub fn validate_daemon_set(obj: &Value) -> ErrorList {
    created(obj, daemon_set_spec)
}

pub fn validate_daemon_set_update(new: &Value, old: &Value) -> ErrorList {
    updated(new, old, daemon_set_spec)
}

/// The volumes a StatefulSet's claim templates add to its pods.
fn claim_volumes(spec: &Value) -> Volumes {
    list(spec.get("volumeClaimTemplates"))
        .iter()
        .map(|t| {
            (
                super::str_of(t.get("metadata").unwrap_or(&Value::Null), "name").to_string(),
                true,
            )
        })
        .collect()
}

/// `ValidateStatefulSetSpec`.
fn stateful_set_spec(spec: &Value, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let policy = str_of(spec, "podManagementPolicy");
    if spec.get("podManagementPolicy").is_some() && !matches!(policy, "OrderedReady" | "Parallel") {
        errs.push(if policy.is_empty() {
            FieldError::required(&path.child("podManagementPolicy"), "")
        } else {
            FieldError::invalid(
                &path.child("podManagementPolicy"),
                BadValue::named(policy),
                "must be 'OrderedReady' or 'Parallel'",
            )
        });
    }
    let strategy = spec.get("updateStrategy");
    let ru = strategy
        .and_then(|s| s.get("rollingUpdate"))
        .filter(|v| !v.is_null());
    let sp = path.child("updateStrategy");
    match strategy.map(|s| str_of(s, "type")).unwrap_or("") {
        "OnDelete" => {
            if ru.is_some() {
                errs.push(FieldError::invalid(
                    &sp.child("rollingUpdate"),
                    BadValue::Raw(internal_struct(
                        ru,
                        &[
                            ("Partition", "partition"),
                            ("MaxUnavailable", "maxUnavailable"),
                        ],
                    )),
                    "only allowed for updateStrategy 'RollingUpdate'",
                ));
            }
        }
        "RollingUpdate" | "" => {
            if let Some(ru) = ru {
                let p = sp.child("rollingUpdate");
                errs.extend(nonnegative(ru, "partition", &p));
                let unavailable = ru.get("maxUnavailable");
                if unavailable.is_some() {
                    errs.extend(positive_int_or_percent(
                        unavailable,
                        &p.child("maxUnavailable"),
                    ));
                    if int_or_percent(unavailable) == 0 {
                        errs.push(FieldError::invalid(
                            &p.child("maxUnavailable"),
                            BadValue::of(unavailable),
                            "cannot be 0",
                        ));
                    }
                    errs.extend(not_more_than_100_percent(
                        unavailable,
                        &p.child("maxUnavailable"),
                    ));
                }
            }
        }
        _ => errs.push(FieldError::invalid(
            &sp,
            strategy_value(
                strategy,
                &[
                    ("Partition", "partition"),
                    ("MaxUnavailable", "maxUnavailable"),
                ],
            ),
            "must be 'RollingUpdate' or 'OnDelete'",
        )),
    }
    if let Some(retention) = spec.get("persistentVolumeClaimRetentionPolicy") {
        for field in ["whenDeleted", "whenScaled"] {
            let v = str_of(retention, field);
            if retention.get(field).is_some() && !matches!(v, "Retain" | "Delete") {
                errs.push(FieldError::not_supported(
                    &path
                        .child("persistentVolumeClaimRetentionPolicy")
                        .child(field),
                    BadValue::named(v),
                    &["Retain", "Delete"],
                ));
            }
        }
    }
    errs.extend(nonnegative(spec, "replicas", path));
    errs.extend(nonnegative(spec, "minReadySeconds", path));
    if let Some(start) = spec.pointer("/ordinals/start").and_then(Value::as_i64)
        && start < 0
    {
        errs.push(nonnegative_error(&path.child("ordinals.start"), start));
    }
    errs.extend(selector_and_template(
        spec,
        path,
        "statefulset",
        &claim_volumes(spec),
    ));
    errs.extend(always_restarts(spec, path, "StatefulSet"));
    for (i, claim) in list(spec.get("volumeClaimTemplates")).iter().enumerate() {
        let p = path.child("volumeClaimTemplates").index(i).child("spec");
        if list(claim.pointer("/spec/accessModes")).is_empty() {
            errs.push(FieldError::required(
                &p.child("accessModes"),
                "at least 1 access mode is required",
            ));
        }
        if claim.pointer("/spec/resources/requests/storage").is_none() {
            errs.push(FieldError::required(
                &p.child("resources").key("storage"),
                "",
            ));
        }
    }
    errs
}

pub fn validate_stateful_set(obj: &Value) -> ErrorList {
    let mut errs = meta(obj, name_is_dns_label);
    errs.extend(stateful_set_spec(spec_of(obj), &Path::new("spec")));
    errs
}

/// The StatefulSet spec fields an update may change.
const STATEFUL_SET_MUTABLE: [&str; 6] = [
    "replicas",
    "ordinals",
    "template",
    "updateStrategy",
    "persistentVolumeClaimRetentionPolicy",
    "minReadySeconds",
];

pub fn validate_stateful_set_update(new: &Value, old: &Value) -> ErrorList {
    let mut errs = stateful_set_spec(spec_of(new), &Path::new("spec"));
    let strip = |v: &Value| {
        let mut v = v.clone();
        if let Some(m) = v.as_object_mut() {
            for f in STATEFUL_SET_MUTABLE {
                m.remove(f);
            }
        }
        v
    };
    if strip(spec_of(new)) != strip(spec_of(old)) {
        errs.push(FieldError::forbidden(
            &Path::new("spec"),
            "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
        ));
    }
    errs
}

/// `ValidateReplicationController`.
pub fn validate_replication_controller(obj: &Value) -> ErrorList {
    let mut errs = meta(obj, name_is_dns_subdomain);
    errs.extend(validate_replication_controller_spec(obj));
    errs
}

/// `ValidateReplicationControllerSpec`; an empty selector defaults to the template's labels.
pub fn validate_replication_controller_spec(obj: &Value) -> ErrorList {
    let spec = spec_of(obj);
    let path = Path::new("spec");
    let mut errs = nonnegative(spec, "minReadySeconds", &path);
    let labels = spec
        .pointer("/template/metadata/labels")
        .and_then(Value::as_object);
    let selector = spec
        .get("selector")
        .and_then(Value::as_object)
        .filter(|s| !s.is_empty())
        .or(labels);
    if selector.is_none_or(|s| s.is_empty()) {
        errs.push(FieldError::required(&path.child("selector"), ""));
    }
    errs.extend(nonnegative(spec, "replicas", &path));
    let template_path = path.child("template");
    if spec.get("template").is_none_or(Value::is_null) {
        errs.push(FieldError::required(&template_path, ""));
        return errs;
    }
    if let Some(sel) = selector.filter(|s| !s.is_empty()) {
        let matches = sel
            .iter()
            .all(|(k, v)| labels.and_then(|l| l.get(k)) == Some(v));
        if !matches {
            errs.push(FieldError::invalid(
                &template_path.child("metadata").child("labels"),
                BadValue::Json(labels.map_or(Value::Null, |l| Value::Object(l.clone()))),
                "`selector` does not match template `labels`",
            ));
        }
    }
    errs.extend(validate_pod_template_spec(
        spec.get("template"),
        &template_path,
        &Volumes::new(),
    ));
    errs.extend(always_restarts(spec, &path, "ReplicationController"));
    errs
}

/// Status counters of workloads: never negative, and not above `status.replicas`.
pub fn validate_status(kind: &Kind, obj: &Value) -> ErrorList {
    let counters: &[&str] = match (kind.group, kind.kind) {
        ("apps", "Deployment") => &[
            "observedGeneration",
            "replicas",
            "updatedReplicas",
            "readyReplicas",
            "availableReplicas",
            "unavailableReplicas",
            "collisionCount",
        ],
        ("apps", "ReplicaSet") | ("", "ReplicationController") => &[
            "replicas",
            "fullyLabeledReplicas",
            "readyReplicas",
            "availableReplicas",
            "observedGeneration",
        ],
        ("apps", "StatefulSet") => &[
            "replicas",
            "readyReplicas",
            "currentReplicas",
            "updatedReplicas",
            "availableReplicas",
            "observedGeneration",
            "collisionCount",
        ],
        ("apps", "DaemonSet") => &[
            "currentNumberScheduled",
            "numberMisscheduled",
            "desiredNumberScheduled",
            "numberReady",
            "observedGeneration",
            "updatedNumberScheduled",
            "numberAvailable",
            "numberUnavailable",
            "collisionCount",
        ],
        _ => return ErrorList::new(),
    };
    let empty = Value::Null;
    let status = obj.get("status").unwrap_or(&empty);
    let path = Path::new("status");
    let mut errs = ErrorList::new();
    for field in counters {
        errs.extend(nonnegative(status, field, &path));
    }
    errs
}
