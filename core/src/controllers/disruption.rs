//! The disruption controller (kube-controller-manager's `disruption` controller): keeps each
//! PodDisruptionBudget's status in step with the pods it selects, which is what the eviction
//! API (`store::eviction`) reads to say yes or no.
//!
//! For a budget it counts the expected pods (the replicas of the pods' controllers, or for an
//! integer `minAvailable` simply the pods selected), the healthy ones (ready, not being
//! deleted, not just evicted), the desired healthy (`minAvailable`, N% of expected rounded up,
//! or expected − `maxUnavailable`) and from them `disruptionsAllowed`, with the
//! `DisruptionAllowed` condition. Pods the eviction API noted in `status.disruptedPods` stop
//! counting as healthy until they are seen being deleted, or for two minutes at most.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{Controller, Ctx, ObjectKey, Op, Outcome, int_at, is_pod_ready, kind};
use crate::api::{kinds, meta, pdb, selector};
use crate::store::{Change, Store};
use crate::time::{SECOND, Time};

/// `DeletionTimeout`: how long an evicted pod may take to show a deletion timestamp.
const DELETION_TIMEOUT: i64 = 120 * SECOND;
/// The controller's event source (upstream's recorder says `controllermanager`).
const SOURCE: &str = "controllermanager";

pub struct DisruptionController;

fn budget_kind() -> &'static kinds::Kind {
    kind("policy", "PodDisruptionBudget")
}

/// Whether a budget selects a pod of its namespace: a missing selector selects nothing, an
/// empty one (in policy/v1) every pod.
fn selects(budget: &Value, pod: &Value) -> bool {
    meta::namespace(budget) == meta::namespace(pod)
        && selector::matches(
            budget.pointer("/spec/selector").filter(|s| !s.is_null()),
            meta::labels(pod),
        )
}

impl Controller for DisruptionController {
    fn name(&self) -> &'static str {
        "disruption-controller"
    }

    fn keys_for(&self, change: &Change, store: &Store, out: &mut Vec<ObjectKey>) {
        match change.kind.kind {
            "PodDisruptionBudget" => out.push(ObjectKey::of(&change.object)),
            "Pod" => {
                let pod = &change.object;
                out.extend(
                    store
                        .list(budget_kind(), Some(meta::namespace(pod)))
                        .filter(|b| selects(b, pod))
                        .map(ObjectKey::of),
                );
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let Ok(budget) = ctx.store.get(budget_kind(), &key.namespace, &key.name) else {
            return Outcome::default();
        };
        let pods: Vec<&Value> = ctx
            .store
            .list(kind("", "Pod"), Some(&key.namespace))
            .filter(|p| selects(budget, p))
            .collect();
        let mut ops = Vec::new();
        if pods.is_empty() {
            ops.push(event(
                budget,
                false,
                "NoPods",
                "No matching pods found".into(),
            ));
        }
        let (expected, desired, unmanaged) = match expected_pod_count(budget, &pods, ctx.store) {
            Ok(counts) => counts,
            Err(message) => {
                ops.push(event(
                    budget,
                    true,
                    "CalculateExpectedPodCountFailed",
                    format!("Failed to calculate the number of expected pods: {message}"),
                ));
                ops.push(fail_safe(budget, &message, ctx.now));
                return Outcome::ops(ops);
            }
        };
        if !unmanaged.is_empty() {
            ops.push(event(
                budget,
                true,
                "UnmanagedPods",
                format!(
                    "Pods selected by this PodDisruptionBudget (selector: {}) were found to be \
                     unmanaged. As a result, the status of the PDB cannot be calculated correctly, \
                     which may result in undefined behavior. To account for these pods please set \
                     \".spec.minAvailable\" field of the PDB to an integer value.",
                    go_label_selector(budget.pointer("/spec/selector"))
                ),
            ));
        }
        let (disrupted, recheck) = disrupted_pods(budget, &pods, ctx.now, &mut ops);
        let healthy = count_healthy(&pods, &disrupted, ctx.now);
        if let Some(updated) =
            updated_status(budget, healthy, desired, expected, disrupted, ctx.now)
        {
            ops.push(Op::UpdateStatus(budget_kind(), updated));
        }
        Outcome {
            ops,
            requeue_after: recheck.map(|t| t.since(ctx.now).max(1)),
        }
    }
}

fn event(about: &Value, warning: bool, reason: &'static str, message: String) -> Op {
    Op::event(about, warning, reason, message, SOURCE)
}

/// (expected pods, desired healthy, unmanaged pod names), as `getExpectedPodCount` works them
/// out.
fn expected_pod_count(
    budget: &Value,
    pods: &[&Value],
    store: &Store,
) -> Result<(i64, i64, Vec<String>), String> {
    let field = |name: &str| {
        budget
            .pointer(&format!("/spec/{name}"))
            .filter(|v| !v.is_null())
    };
    if let Some(max_unavailable) = field("maxUnavailable") {
        let (expected, unmanaged) = expected_scale(pods, store)?;
        let max = pdb::scaled_value(max_unavailable, expected, true)?;
        return Ok((expected, (expected - max).max(0), unmanaged));
    }
    match field("minAvailable") {
        Some(percent @ Value::String(_)) => {
            let (expected, unmanaged) = expected_scale(pods, store)?;
            let min = pdb::scaled_value(percent, expected, true)?;
            Ok((expected, min, unmanaged))
        }
        Some(min) => Ok((pods.len() as i64, min.as_i64().unwrap_or(0), Vec::new())),
        None => Ok((0, 0, Vec::new())),
    }
}

/// The sum of the replicas of the controllers of `pods` (each counted once), and the pods that
/// have no controller.
fn expected_scale(pods: &[&Value], store: &Store) -> Result<(i64, Vec<String>), String> {
    let mut scales: BTreeMap<String, i64> = BTreeMap::new();
    let mut unmanaged = Vec::new();
    for pod in pods {
        let Some(owner) = meta::controller_of(pod) else {
            unmanaged.push(meta::name(pod).to_string());
            continue;
        };
        if scales.contains_key(meta::str_at(owner, "/uid")) {
            continue;
        }
        match controller_scale(owner, meta::namespace(pod), store)? {
            Some((uid, replicas)) => {
                scales.insert(uid, replicas);
            }
            None => {
                return Err(format!(
                    "found no controllers for pod \"{}\"",
                    meta::name(pod)
                ));
            }
        }
    }
    Ok((scales.values().sum(), unmanaged))
}

/// The owner's (uid, replicas) as upstream's finders find them: a ReplicationController, the
/// Deployment of a ReplicaSet, a ReplicaSet of its own, a StatefulSet, or anything else with a
/// scale subresource.
fn controller_scale(
    owner: &Value,
    namespace: &str,
    store: &Store,
) -> Result<Option<(String, i64)>, String> {
    let api_version = meta::str_at(owner, "/apiVersion");
    let owner_kind = meta::str_at(owner, "/kind");
    let owner_uid = meta::str_at(owner, "/uid");
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let fetch = |group: &str, kind_name: &str, name: &str| {
        store
            .get(kind(group, kind_name), namespace, name)
            .ok()
            .cloned()
    };
    let scale_of = |obj: &Value| {
        (
            meta::uid(obj).to_string(),
            meta::at(obj, "/spec/replicas")
                .and_then(Value::as_i64)
                .unwrap_or(1),
        )
    };
    let name = meta::str_at(owner, "/name");
    match (owner_kind, group) {
        ("ReplicationController", "") | ("StatefulSet", "apps") => {
            let found = fetch(group, owner_kind, name).filter(|o| meta::uid(o) == owner_uid);
            return Ok(found.as_ref().map(scale_of));
        }
        ("ReplicaSet", "apps" | "extensions") => {
            let Some(rs) = fetch("apps", "ReplicaSet", name).filter(|o| meta::uid(o) == owner_uid)
            else {
                return Ok(None);
            };
            return Ok(match meta::controller_of(&rs) {
                Some(d) if meta::str_at(d, "/kind") == "Deployment" => {
                    fetch("apps", "Deployment", meta::str_at(d, "/name"))
                        .filter(|o| meta::uid(o) == meta::str_at(d, "/uid"))
                        .as_ref()
                        .map(scale_of)
                }
                _ => Some(scale_of(&rs)),
            });
        }
        _ => {}
    }
    let Some(owner_kind_entry) = store.kind_for(api_version, owner_kind) else {
        return Err(format!(
            "no matches for kind \"{owner_kind}\" in version \"{api_version}\""
        ));
    };
    let Some(replicas_path) = scale_replicas_path(owner_kind_entry, store) else {
        return Err(format!(
            "{} does not implement the scale subresource",
            owner_kind_entry.qualified_resource()
        ));
    };
    Ok(store
        .get(owner_kind_entry, namespace, name)
        .ok()
        .filter(|o| meta::uid(o) == owner_uid)
        .map(|o| {
            let replicas = meta::at(o, &replicas_path).and_then(Value::as_i64);
            (meta::uid(o).to_string(), replicas.unwrap_or(0))
        }))
}

/// Where a kind with a scale subresource keeps its desired replicas, as a JSON pointer: the
/// built-in workloads' `spec.replicas`, or a custom resource's `specReplicasPath`.
fn scale_replicas_path(owner: &kinds::Kind, store: &Store) -> Option<String> {
    let Some(crd) = store.crd_of(owner) else {
        let scalable = matches!(
            owner.kind,
            "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController"
        );
        return scalable.then(|| "/spec/replicas".to_string());
    };
    let path = crd
        .pointer("/spec/versions")
        .and_then(Value::as_array)?
        .iter()
        .find(|v| meta::str_at(v, "/name") == owner.version)?
        .pointer("/subresources/scale/specReplicasPath")?
        .as_str()?;
    Some(path.replace('.', "/"))
}

/// The evictions still pending (`buildDisruptedPodMap`): entries for pods not yet being
/// deleted and younger than the timeout; expired ones get a `NotDeleted` event. Also returns
/// when the earliest entry expires.
fn disrupted_pods(
    budget: &Value,
    pods: &[&Value],
    now: Time,
    ops: &mut Vec<Op>,
) -> (Map<String, Value>, Option<Time>) {
    let mut kept = Map::new();
    let mut recheck: Option<Time> = None;
    let Some(listed) = budget
        .pointer("/status/disruptedPods")
        .and_then(Value::as_object)
    else {
        return (kept, recheck);
    };
    for pod in pods {
        if meta::is_deleting(pod) {
            continue;
        }
        let Some(at) = listed.get(meta::name(pod)) else {
            continue;
        };
        let since = at.as_str().and_then(Time::parse_rfc3339).unwrap_or(now);
        let expected = since.plus_millis(DELETION_TIMEOUT);
        if expected < now {
            // Upstream names the budget "namespace/namespace" in this message.
            let ns = meta::namespace(budget);
            ops.push(event(
                pod,
                true,
                "NotDeleted",
                format!("Pod was expected by PDB {ns}/{ns} to be deleted but it wasn't"),
            ));
        } else {
            recheck = Some(recheck.map_or(expected, |r| r.min(expected)));
            kept.insert(meta::name(pod).to_string(), at.clone());
        }
    }
    (kept, recheck)
}

/// Ready pods that are neither being deleted nor waiting for an eviction to show.
fn count_healthy(pods: &[&Value], disrupted: &Map<String, Value>, now: Time) -> i64 {
    pods.iter()
        .filter(|pod| !meta::is_deleting(pod))
        .filter(|pod| {
            disrupted
                .get(meta::name(pod))
                .and_then(Value::as_str)
                .and_then(Time::parse_rfc3339)
                .is_none_or(|at| at.plus_millis(DELETION_TIMEOUT) <= now)
        })
        .filter(|pod| is_pod_ready(pod))
        .count() as i64
}

/// The budget with its new status, or `None` when nothing would change.
fn updated_status(
    budget: &Value,
    healthy: i64,
    desired: i64,
    expected: i64,
    disrupted: Map<String, Value>,
    now: Time,
) -> Option<Value> {
    let allowed = if expected <= 0 {
        0
    } else {
        (healthy - desired).max(0)
    };
    let generation = int_at(budget, "/metadata/generation");
    let old_disrupted = budget
        .pointer("/status/disruptedPods")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let unchanged = int_at(budget, "/status/currentHealthy") == healthy
        && int_at(budget, "/status/desiredHealthy") == desired
        && int_at(budget, "/status/expectedPods") == expected
        && int_at(budget, "/status/disruptionsAllowed") == allowed
        && old_disrupted == disrupted
        && int_at(budget, "/status/observedGeneration") == generation
        && pdb::conditions_up_to_date(budget);
    if unchanged {
        return None;
    }
    let mut updated = budget.clone();
    let mut status = json!({
        "currentHealthy": healthy,
        "desiredHealthy": desired,
        "expectedPods": expected,
        "disruptionsAllowed": allowed,
        "observedGeneration": generation,
    });
    if !disrupted.is_empty() {
        status["disruptedPods"] = Value::Object(disrupted);
    }
    if let Some(conditions) = budget.pointer("/status/conditions") {
        status["conditions"] = conditions.clone();
    }
    updated["status"] = status;
    pdb::update_disruption_allowed_condition(&mut updated, now);
    Some(updated)
}

/// `failSafe`: when the status cannot be worked out, at least allow no disruptions.
fn fail_safe(budget: &Value, message: &str, now: Time) -> Op {
    let mut updated = budget.clone();
    meta::ensure_object(&mut updated, "status").insert("disruptionsAllowed".into(), json!(0));
    pdb::set_disruption_not_allowed(&mut updated, pdb::SYNC_FAILED, message, now);
    Op::UpdateStatus(budget_kind(), updated)
}

/// A label selector as Go prints a `*metav1.LabelSelector` with `%v` (its generated
/// `String()`), as it appears in upstream's event messages.
fn go_label_selector(selector: Option<&Value>) -> String {
    let Some(selector) = selector.filter(|s| !s.is_null()) else {
        return "nil".into();
    };
    let labels: String = selector
        .get("matchLabels")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}: {},", v.as_str().unwrap_or("")))
        .collect();
    let expressions: String = selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|e| {
            let values: Vec<&str> = meta::array_at(e, "/values")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            format!(
                "LabelSelectorRequirement{{Key:{},Operator:{},Values:[{}],}},",
                meta::str_at(e, "/key"),
                meta::str_at(e, "/operator"),
                values.join(" ")
            )
        })
        .collect();
    format!(
        "&LabelSelector{{MatchLabels:map[string]string{{{labels}}},MatchExpressions:[]LabelSelectorRequirement{{{expressions}}},}}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_print_as_go_does() {
        assert_eq!(
            go_label_selector(Some(&json!({"matchLabels": {"app": "web"}}))),
            "&LabelSelector{MatchLabels:map[string]string{app: web,},MatchExpressions:[]LabelSelectorRequirement{},}"
        );
        assert_eq!(
            go_label_selector(Some(
                &json!({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]})
            )),
            "&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:tier,Operator:In,Values:[a b],},},}"
        );
    }

    fn pod(name: &str, ready: bool, deleting: bool) -> Value {
        let mut p = json!({"metadata": {"name": name, "namespace": "default", "labels": {"app": "web"}},
            "status": {"conditions": [{"type": "Ready", "status": if ready { "True" } else { "False" }}]}});
        if deleting {
            p["metadata"]["deletionTimestamp"] = json!(Time::GENESIS.rfc3339());
        }
        p
    }

    #[test]
    fn healthy_pods_exclude_deleting_and_freshly_evicted_ones() {
        let now = Time::GENESIS;
        let pods = [
            pod("a", true, false),
            pod("b", true, true),
            pod("c", false, false),
            pod("d", true, false),
        ];
        let refs: Vec<&Value> = pods.iter().collect();
        let mut disrupted = Map::new();
        disrupted.insert("d".into(), json!(now.rfc3339()));
        assert_eq!(count_healthy(&refs, &disrupted, now), 1);
        // Two minutes later the eviction is assumed not to have happened.
        assert_eq!(
            count_healthy(&refs, &disrupted, now.plus_millis(DELETION_TIMEOUT)),
            2
        );
    }

    #[test]
    fn status_allows_what_is_above_the_desired_count() {
        let now = Time::GENESIS;
        let budget = json!({"metadata": {"generation": 1}, "status": {}});
        let s = updated_status(&budget, 3, 2, 3, Map::new(), now).unwrap_or_default();
        assert_eq!(s.pointer("/status/disruptionsAllowed"), Some(&json!(1)));
        assert_eq!(
            s.pointer("/status/conditions/0/reason"),
            Some(&json!("SufficientPods"))
        );
        assert!(updated_status(&s, 3, 2, 3, Map::new(), now).is_none());
        let none_expected = updated_status(&budget, 3, 2, 0, Map::new(), now).unwrap_or_default();
        assert_eq!(
            none_expected.pointer("/status/disruptionsAllowed"),
            Some(&json!(0))
        );
    }
}
