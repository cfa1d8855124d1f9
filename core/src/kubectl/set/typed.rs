//! What kubectl's typed round-trip adds to an object read from a file: Go encodes struct
//! fields that are neither pointers nor omitted when empty, so decoding a manifest into its
//! type and printing it back shows `status: {}`, `strategy: {}`, a container's
//! `resources: {}` or a Service port's `targetPort: 0` even where the file had none. `set
//! --local` prints objects that went through that round-trip.

use serde_json::{Map, Value, json};

use crate::api::{Kind, meta};

/// Adds the empty structs the typed object of `kind` always prints.
pub fn with_go_zero_values(kind: &Kind, obj: &mut Value) {
    let root = meta::as_object_mut(obj);
    match (kind.group, kind.kind) {
        ("", "Pod") => {
            pod_spec(meta::child_object(root, "spec"));
            empty(root, "status");
        }
        ("", "Service") => {
            let spec = meta::child_object(root, "spec");
            for port in spec
                .get_mut("ports")
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                meta::as_object_mut(port)
                    .entry("targetPort")
                    .or_insert(json!(0));
            }
            empty(meta::child_object(root, "status"), "loadBalancer");
        }
        ("", "ReplicationController") | ("apps", "ReplicaSet") | ("batch", "Job") => {
            template(meta::child_object(root, "spec"));
            empty(root, "status");
        }
        ("apps", "Deployment") => {
            let spec = meta::child_object(root, "spec");
            empty(spec, "strategy");
            template(spec);
            empty(root, "status");
        }
        ("apps", "DaemonSet" | "StatefulSet") => {
            let spec = meta::child_object(root, "spec");
            empty(spec, "updateStrategy");
            template(spec);
            empty(root, "status");
        }
        ("batch", "CronJob") => {
            let job = meta::child_object(meta::child_object(root, "spec"), "jobTemplate");
            empty(job, "metadata");
            template(meta::child_object(job, "spec"));
            empty(root, "status");
        }
        _ => {}
    }
}

fn empty(map: &mut Map<String, Value>, key: &str) {
    map.entry(key).or_insert(json!({}));
}

/// A `PodTemplateSpec` under `spec.template`: its metadata and its pod spec.
fn template(spec: &mut Map<String, Value>) {
    let template = meta::child_object(spec, "template");
    empty(template, "metadata");
    pod_spec(meta::child_object(template, "spec"));
}

/// Every container's `resources`.
fn pod_spec(spec: &mut Map<String, Value>) {
    for list in ["initContainers", "containers"] {
        for c in spec
            .get_mut(list)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            empty(meta::as_object_mut(c), "resources");
        }
    }
}
