//! A Job's pods: claiming them, making new ones from the template (with the tracking finalizer
//! and, for Indexed Jobs, the completion index as annotation, label, hostname, name part and
//! `JOB_COMPLETION_INDEX`), and choosing which active pods to delete first.

use serde_json::{Value, json};

use super::indexes;
use crate::api::meta;
use crate::controllers::replicaset::{PodSet, pod_from_template};
use crate::controllers::{EventNote, ObjectKey, Op, int_at, is_pod_ready, kind};
use crate::store::{DeleteOptions, Store};

/// Keeps a Job's pods around until the controller has counted them.
pub const TRACKING_FINALIZER: &str = "batch.kubernetes.io/job-tracking";
/// Per-index failure counts carried from a failed pod to its replacement.
pub const INDEX_FAILURE_COUNT: &str = "batch.kubernetes.io/job-index-failure-count";
pub const INDEX_IGNORED_FAILURE_COUNT: &str = "batch.kubernetes.io/job-index-ignored-failure-count";

pub fn has_finalizer(pod: &Value) -> bool {
    meta::has_finalizer(pod, TRACKING_FINALIZER)
}

/// The Job's pods (`getPodsForJob`): those it controls, and matching orphans, which it adopts
/// as a ReplicaSet does, with the tracking finalizer added; a pod it releases (labels no longer
/// matching) loses the finalizer with the controller reference.
pub fn claim<'a>(job: &Value, store: &'a Store, ops: &mut Vec<Op>) -> Vec<&'a Value> {
    let set = PodSet::claim(job, store);
    for op in set.ownership_changes {
        ops.push(match op {
            Op::Update(kind, mut pod) => {
                let adopted = meta::controller_of(&pod).is_some();
                let m = meta::metadata_mut(&mut pod);
                if let Some(f) = m.entry("finalizers").or_insert(json!([])).as_array_mut() {
                    if adopted {
                        f.push(json!(TRACKING_FINALIZER));
                    } else {
                        f.retain(|x| x != TRACKING_FINALIZER);
                    }
                }
                Op::Update(kind, pod)
            }
            other => other,
        });
    }
    set.pods
}

/// A new pod for the Job, at `index` for Indexed Jobs, with the failure counts (counted,
/// ignored) of its index when the Job has `backoffLimitPerIndex`.
pub fn new_pod(job: &Value, index: Option<i64>, failure_counts: Option<(i64, i64)>) -> Op {
    let mut pod = pod_from_template(job);
    let m = meta::metadata_mut(&mut pod);
    if let Some(f) = m.entry("finalizers").or_insert(json!([])).as_array_mut()
        && !f.iter().any(|x| x == TRACKING_FINALIZER)
    {
        f.push(json!(TRACKING_FINALIZER));
    }
    if let Some(i) = index {
        let name = meta::name(job);
        // Upstream keeps the generated name within 58 characters, keeping the index part.
        let suffix = format!("-{i}-");
        let prefix: String = name
            .chars()
            .take(58usize.saturating_sub(suffix.len()))
            .collect();
        m.insert("generateName".into(), json!(format!("{prefix}{suffix}")));
        indexes::set_on_template(&mut pod, i);
        if let Some((failed, ignored)) = failure_counts {
            let annotations = meta::child_object(meta::metadata_mut(&mut pod), "annotations");
            annotations.insert(INDEX_FAILURE_COUNT.into(), json!(failed.to_string()));
            if ignored > 0 {
                annotations.insert(
                    INDEX_IGNORED_FAILURE_COUNT.into(),
                    json!(ignored.to_string()),
                );
            }
        }
        let spec = meta::ensure_object(&mut pod, "spec");
        spec.insert("hostname".into(), json!(format!("{name}-{i}")));
        for list in ["initContainers", "containers"] {
            for c in spec
                .get_mut(list)
                .and_then(Value::as_array_mut)
                .into_iter()
                .flatten()
            {
                add_index_env(c);
            }
        }
    }
    Op::Create {
        kind: kind("", "Pod"),
        object: pod,
        event: Some(EventNote {
            about: job.clone(),
            warning: false,
            reason: "SuccessfulCreate",
            message: "Created pod: {name}".into(),
            source: "job-controller",
            host: String::new(),
        }),
    }
}

/// `JOB_COMPLETION_INDEX`, read from the pod's index label through the downward API.
fn add_index_env(container: &mut Value) {
    let env = meta::as_object_mut(container)
        .entry("env")
        .or_insert(json!([]));
    let Some(env) = env.as_array_mut() else {
        return;
    };
    if env
        .iter()
        .any(|e| meta::str_at(e, "/name") == "JOB_COMPLETION_INDEX")
    {
        return;
    }
    env.push(json!({
        "name": "JOB_COMPLETION_INDEX",
        "valueFrom": {"fieldRef": {
            "apiVersion": "v1",
            "fieldPath": format!("metadata.labels['{}']", indexes::COMPLETION_INDEX),
        }},
    }));
}

/// Deletes a pod of the Job, recording `SuccessfulDelete` as the pod control does.
pub fn delete(job: &Value, pod: &Value) -> Op {
    Op::Delete {
        kind: kind("", "Pod"),
        key: ObjectKey::of(pod),
        options: DeleteOptions::default(),
        event: Some(EventNote {
            about: job.clone(),
            warning: false,
            reason: "SuccessfulDelete",
            message: format!("Deleted pod: {}", meta::name(pod)),
            source: "job-controller",
            host: String::new(),
        }),
    }
}

/// The pod without the tracking finalizer (sent as a patch would be, so that a delete of the
/// same pod earlier in the sync does not make it conflict).
pub fn without_finalizer(pod: &Value) -> Op {
    Op::Update(
        kind("", "Pod"),
        meta::without_finalizer(pod, TRACKING_FINALIZER),
    )
}

/// Sorts pods in upstream's `controller.ActivePods` order, the ones to delete first:
/// unscheduled, then pending, then not ready, then ready for less time, more restarts, newer.
pub fn sort_for_removal(pods: &mut [&Value]) {
    pods.sort_by_key(|p| {
        let phase_rank = match meta::str_at(p, "/status/phase") {
            "Pending" => 0,
            "Unknown" => 1,
            "Running" => 2,
            _ => 3,
        };
        let ready_since = crate::controllers::condition(p, "Ready")
            .filter(|_| is_pod_ready(p))
            .map(|c| meta::str_at(c, "/lastTransitionTime").to_string());
        let restarts: i64 = p
            .pointer("/status/containerStatuses")
            .and_then(Value::as_array)
            .map(|cs| {
                cs.iter()
                    .map(|c| int_at(c, "/restartCount"))
                    .max()
                    .unwrap_or(0)
            })
            .unwrap_or(0);
        (
            !meta::str_at(p, "/spec/nodeName").is_empty(),
            phase_rank,
            is_pod_ready(p),
            std::cmp::Reverse(ready_since),
            std::cmp::Reverse(restarts),
            std::cmp::Reverse(meta::str_at(p, "/metadata/creationTimestamp").to_string()),
        )
    });
}

/// Active pods to remove (`activePodsForRemoval`): for Indexed Jobs, pods without a valid
/// index and all but one pod per repeated index first; then, in removal order, enough to get
/// down by `at_least`.
pub fn for_removal<'a>(
    active: &[&'a Value],
    indexed_completions: Option<i64>,
    at_least: usize,
) -> Vec<&'a Value> {
    let mut remove: Vec<&Value> = Vec::new();
    let mut left: Vec<&Value> = Vec::new();
    match indexed_completions {
        Some(completions) => {
            let mut by_index: std::collections::BTreeMap<i64, Vec<&Value>> = Default::default();
            for p in active {
                match indexes::valid_index(p, completions) {
                    Some(i) => by_index.entry(i).or_default().push(p),
                    None => remove.push(p),
                }
            }
            for (_, mut same) in by_index {
                sort_for_removal(&mut same);
                let keep = same.pop();
                remove.extend(same);
                left.extend(keep);
            }
        }
        None => left = active.to_vec(),
    }
    if remove.len() < at_least {
        sort_for_removal(&mut left);
        let more = at_least - remove.len();
        remove.extend(left.into_iter().take(more));
    }
    remove
}
