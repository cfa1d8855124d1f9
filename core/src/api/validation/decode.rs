//! What upstream refuses while decoding, before validation proper: a resource quantity that
//! does not parse (`resources.limits.cpu: "lots"`) makes the whole object undecodable, and the
//! API server answers `BadRequest` (`Pod in version "v1" cannot be handled as a Pod:
//! quantities must match the regular expression ...`).

use serde_json::Value;

use crate::api::quantity::Quantity;
use crate::api::{Kind, Result, Status};

/// Where the pod spec of each workload kind is.
fn pod_spec_pointer(kind: &Kind) -> Option<&'static str> {
    Some(match (kind.group, kind.kind) {
        ("", "Pod") => "/spec",
        ("", "PodTemplate") => "/template/spec",
        ("batch", "CronJob") => "/spec/jobTemplate/spec/template/spec",
        (
            "apps" | "batch" | "",
            "Deployment"
            | "ReplicaSet"
            | "DaemonSet"
            | "StatefulSet"
            | "Job"
            | "ReplicationController",
        ) => "/spec/template/spec",
        _ => return None,
    })
}

/// The quantity-valued maps of an object (resource lists), for the kinds that have them.
fn resource_lists<'a>(kind: &Kind, obj: &'a Value) -> Vec<&'a Value> {
    let mut maps = Vec::new();
    let mut push = |v: Option<&'a Value>| maps.extend(v);
    if let Some(spec) = pod_spec_pointer(kind).and_then(|p| obj.pointer(p)) {
        for list in ["initContainers", "containers"] {
            for c in spec
                .get(list)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                push(c.pointer("/resources/limits"));
                push(c.pointer("/resources/requests"));
            }
        }
        push(spec.get("overhead"));
        push(spec.pointer("/resources/limits"));
        push(spec.pointer("/resources/requests"));
    }
    match kind.kind {
        "PersistentVolumeClaim" => {
            push(obj.pointer("/spec/resources/requests"));
            push(obj.pointer("/spec/resources/limits"));
        }
        "PersistentVolume" => push(obj.pointer("/spec/capacity")),
        "ResourceQuota" => push(obj.pointer("/spec/hard")),
        "Node" => {
            push(obj.pointer("/status/capacity"));
            push(obj.pointer("/status/allocatable"));
        }
        _ => {}
    }
    maps
}

/// Refuses an object with a quantity that does not parse, in the decoder's words.
pub fn check(kind: &Kind, obj: &Value) -> Result<()> {
    let bad = |v: &Value| match v {
        Value::String(s) => Quantity::parse(s.trim()).err(),
        Value::Number(n) => Quantity::parse(&n.to_string()).err(),
        _ => None,
    };
    let sizes = obj
        .pointer("/spec/volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.pointer("/emptyDir/sizeLimit"));
    let error = resource_lists(kind, obj)
        .into_iter()
        .filter_map(Value::as_object)
        .flat_map(|m| m.values())
        .chain(sizes)
        .find_map(bad);
    match error {
        None => Ok(()),
        Some(e) => Err(Status::bad_request(format!(
            "{k} in version \"{v}\" cannot be handled as a {k}: {e}",
            k = kind.kind,
            v = kind.version
        ))),
    }
}
