//! LimitRanger: the LimitRanges of a namespace give containers their default requests and
//! limits (noting what they set in the `kubernetes.io/limit-ranger` annotation), and refuse
//! pods and claims outside their min, max and maxLimitRequestRatio — with upstream's messages,
//! aggregated per LimitRange (`[a, b]` when there are several).
//!
//! As upstream, pods are looked at on create only (their containers cannot change), claims on
//! create and update.

use serde_json::{Map, Value, json};

use super::{Operation, Request, forbidden};
use crate::api::quantity::Quantity;
use crate::api::{Kind, Result, kinds, meta};
use crate::quota::{self, Resources};
use crate::store::Store;

const ANNOTATION: &str = "kubernetes.io/limit-ranger";

fn limit_ranges<'a>(store: &'a Store, namespace: &str) -> Vec<&'a Value> {
    kinds::by_kind("", "LimitRange")
        .map(|k| store.list(k, Some(namespace)).collect())
        .unwrap_or_default()
}

fn items(limit_range: &Value) -> impl Iterator<Item = &Value> {
    limit_range
        .pointer("/spec/limits")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
}

fn resources(value: Option<&Value>) -> Resources {
    quota::parse(value)
}

/// The mutating half: default requests and limits for every container, per LimitRange.
pub(super) fn mutate(store: &Store, pod: &mut Value) {
    let namespace = meta::namespace(pod).to_string();
    for limit_range in limit_ranges(store, &namespace) {
        let (mut requests, mut limits) = (Resources::new(), Resources::new());
        for item in items(limit_range).filter(|i| meta::str_at(i, "/type") == "Container") {
            requests.extend(resources(item.get("defaultRequest")));
            limits.extend(resources(item.get("default")));
        }
        if requests.is_empty() && limits.is_empty() {
            continue;
        }
        let mut notes = Vec::new();
        for (list, label) in [
            ("containers", "container"),
            ("initContainers", "init container"),
        ] {
            let Some(containers) = pod
                .pointer_mut(&format!("/spec/{list}"))
                .and_then(Value::as_array_mut)
            else {
                continue;
            };
            for container in containers.iter_mut() {
                let name = meta::str_at(container, "/name").to_string();
                let res = meta::child_object(meta::as_object_mut(container), "resources");
                let set_requests = fill(res, "requests", &requests);
                let set_limits = fill(res, "limits", &limits);
                if !set_requests.is_empty() {
                    notes.push(format!(
                        "{} request for {label} {name}",
                        set_requests.join(", ")
                    ));
                }
                if !set_limits.is_empty() {
                    notes.push(format!(
                        "{} limit for {label} {name}",
                        set_limits.join(", ")
                    ));
                }
            }
        }
        if !notes.is_empty() {
            let annotations = meta::child_object(meta::metadata_mut(pod), "annotations");
            annotations.insert(
                ANNOTATION.into(),
                json!(format!("LimitRanger plugin set: {}", notes.join("; "))),
            );
        }
    }
}

/// Adds the defaults a container's `resources.<key>` lacks; returns their names, sorted.
fn fill(resources: &mut Map<String, Value>, key: &str, defaults: &Resources) -> Vec<String> {
    let mut set = Vec::new();
    for (name, value) in defaults {
        let present = resources
            .get(key)
            .and_then(Value::as_object)
            .is_some_and(|m| m.contains_key(name));
        if !present {
            meta::child_object(resources, key).insert(name.clone(), json!(value.to_string()));
            set.push(name.clone());
        }
    }
    set
}

/// The validating half: min, max and ratio, for pods on create and claims on create/update.
pub(super) fn validate(store: &Store, request: &Request<'_>) -> Result<()> {
    let kind = request.kind;
    let pod = kind.kind == "Pod" && request.operation == Operation::Create;
    let claim = kind.kind == "PersistentVolumeClaim";
    if !kind.group.is_empty() || !(pod || claim) {
        return Ok(());
    }
    for limit_range in limit_ranges(store, request.namespace()) {
        let errors = if pod {
            pod_errors(limit_range, request.object)
        } else {
            claim_errors(limit_range, request.object)
        };
        match errors.as_slice() {
            [] => {}
            [one] => return Err(refused(kind, request.object, one)),
            many => {
                return Err(refused(
                    kind,
                    request.object,
                    &format!("[{}]", many.join(", ")),
                ));
            }
        }
    }
    Ok(())
}

fn refused(kind: &Kind, obj: &Value, why: &str) -> crate::api::Status {
    forbidden(kind, meta::name(obj), why)
}

fn pod_errors(limit_range: &Value, pod: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    let containers = |list: &str| -> Vec<&Value> {
        pod.pointer(&format!("/spec/{list}"))
            .and_then(Value::as_array)
            .map(|l| l.iter().collect())
            .unwrap_or_default()
    };
    for item in items(limit_range) {
        let limit_type = meta::str_at(item, "/type");
        match limit_type {
            "Container" => {
                for c in containers("containers")
                    .into_iter()
                    .chain(containers("initContainers"))
                {
                    let requests = resources(c.pointer("/resources/requests"));
                    let limits = resources(c.pointer("/resources/limits"));
                    check_item(item, limit_type, &requests, &limits, &mut errors);
                }
            }
            "Pod" => {
                let requests = quota::pod_total(pod, "requests");
                let limits = quota::pod_total(pod, "limits");
                check_item(item, limit_type, &requests, &limits, &mut errors);
            }
            _ => {}
        }
    }
    errors
}

fn claim_errors(limit_range: &Value, claim: &Value) -> Vec<String> {
    let mut errors = Vec::new();
    let requests = resources(claim.pointer("/spec/resources/requests"));
    for item in items(limit_range) {
        let limit_type = meta::str_at(item, "/type");
        if limit_type != "PersistentVolumeClaim" {
            continue;
        }
        for (name, enforced) in resources(item.get("min")) {
            // Claims have no limits that count: only requests are checked.
            if let Some(e) = min_error(limit_type, &name, &enforced, &requests, &Resources::new()) {
                errors.push(e);
            }
        }
        for (name, enforced) in resources(item.get("max")) {
            match requests.get(&name) {
                None => errors.push(format!(
                    "maximum {name} usage per {limit_type} is {enforced}.  No request is specified"
                )),
                Some(req) if req > &enforced => errors.push(format!(
                    "maximum {name} usage per {limit_type} is {enforced}, but request is {req}"
                )),
                Some(_) => {}
            }
        }
    }
    errors
}

/// Min, max and ratio of one LimitRange item against requests and limits.
fn check_item(
    item: &Value,
    limit_type: &str,
    requests: &Resources,
    limits: &Resources,
    errors: &mut Vec<String>,
) {
    for (name, enforced) in resources(item.get("min")) {
        errors.extend(min_error(limit_type, &name, &enforced, requests, limits));
    }
    for (name, enforced) in resources(item.get("max")) {
        errors.extend(max_error(limit_type, &name, &enforced, requests, limits));
    }
    for (name, enforced) in resources(item.get("maxLimitRequestRatio")) {
        errors.extend(ratio_error(limit_type, &name, &enforced, requests, limits));
    }
}

fn min_error(
    limit_type: &str,
    name: &str,
    enforced: &Quantity,
    requests: &Resources,
    limits: &Resources,
) -> Option<String> {
    let prefix = format!("minimum {name} usage per {limit_type} is {enforced}");
    match (requests.get(name), limits.get(name)) {
        (None, _) => Some(format!("{prefix}.  No request is specified")),
        (Some(req), _) if req < enforced => Some(format!("{prefix}, but request is {req}")),
        (_, Some(lim)) if lim < enforced => Some(format!("{prefix}, but limit is {lim}")),
        _ => None,
    }
}

fn max_error(
    limit_type: &str,
    name: &str,
    enforced: &Quantity,
    requests: &Resources,
    limits: &Resources,
) -> Option<String> {
    let prefix = format!("maximum {name} usage per {limit_type} is {enforced}");
    match (requests.get(name), limits.get(name)) {
        (_, None) => Some(format!("{prefix}.  No limit is specified")),
        (_, Some(lim)) if lim > enforced => Some(format!("{prefix}, but limit is {lim}")),
        (Some(req), _) if req > enforced => Some(format!("{prefix}, but request is {req}")),
        _ => None,
    }
}

fn ratio_error(
    limit_type: &str,
    name: &str,
    enforced: &Quantity,
    requests: &Resources,
    limits: &Resources,
) -> Option<String> {
    let prefix = format!("{name} max limit to request ratio per {limit_type} is {enforced}");
    let req = requests.get(name).map_or(0, Quantity::milli_value);
    let lim = limits.get(name).map_or(0, Quantity::milli_value);
    if req == 0 {
        return Some(format!(
            "{prefix}, but no request is specified or request is 0"
        ));
    }
    if lim == 0 {
        return Some(format!("{prefix}, but no limit is specified or limit is 0"));
    }
    let ratio = lim as f64 / req as f64;
    (ratio * 1000.0 > enforced.milli_value() as f64)
        .then(|| format!("{prefix}, but provided ratio is {ratio:.6}"))
}
