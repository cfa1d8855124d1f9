//! Upstream's `deployment/util`: the arithmetic and bookkeeping every part of the Deployment
//! controller shares — surge and unavailability, revisions and their annotations, how many
//! replicas a new ReplicaSet may have, proportional shares, and the rollout predicates
//! (complete, progressing, timed out) behind the `Progressing` condition.

use serde_json::{Map, Value, json};

use crate::api::meta;
use crate::controllers::{int_at, is_controlled_by};
use crate::rng::{fnv1a32, safe_encode};
use crate::time::{SECOND, Time};

pub const REVISION: &str = "deployment.kubernetes.io/revision";
pub const REVISION_HISTORY: &str = "deployment.kubernetes.io/revision-history";
pub const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
pub const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
const DEPRECATED_ROLLBACK_TO: &str = "deprecated.deployment.rollback.to";
/// The label that tells one ReplicaSet's pods from another's.
pub const HASH_LABEL: &str = "pod-template-hash";

// Reasons of the `Progressing` and `Available` conditions.
pub const NEW_RS_CREATED: &str = "NewReplicaSetCreated";
pub const FOUND_NEW_RS: &str = "FoundNewReplicaSet";
pub const RS_UPDATED: &str = "ReplicaSetUpdated";
pub const NEW_RS_AVAILABLE: &str = "NewReplicaSetAvailable";
pub const TIMED_OUT: &str = "ProgressDeadlineExceeded";
pub const PAUSED: &str = "DeploymentPaused";
pub const RESUMED: &str = "DeploymentResumed";
pub const FAILED_RS_CREATE: &str = "ReplicaSetCreateError";

/// Annotations of a Deployment that are not copied to its ReplicaSets (and that a rollback
/// keeps from the Deployment rather than taking from the ReplicaSet).
pub const SKIPPED_ANNOTATIONS: &[&str] = &[
    LAST_APPLIED,
    REVISION,
    REVISION_HISTORY,
    DESIRED_REPLICAS,
    MAX_REPLICAS,
    DEPRECATED_ROLLBACK_TO,
];

/// Upstream keeps the revision history annotation under this many characters.
const MAX_REVISION_HISTORY_CHARS: usize = 2000;

/// `spec.replicas`, which the API server always defaults.
pub fn spec_replicas(obj: &Value) -> i64 {
    int_at(obj, "/spec/replicas")
}

pub fn is_rolling_update(d: &Value) -> bool {
    meta::str_at(d, "/spec/strategy/type") == "RollingUpdate"
}

/// An IntOrString (`25%` or `1`) against a total, rounding percentages up or down
/// (`GetScaledValueFromIntOrPercent`).
pub fn scaled_value(value: Option<&Value>, total: i64, round_up: bool) -> i64 {
    match value {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => match s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) {
            Some(percent) if round_up => (percent * total + 99).div_euclid(100),
            Some(percent) => (percent * total).div_euclid(100),
            None => s.parse().unwrap_or(0),
        },
        _ => 0,
    }
}

/// `ResolveFenceposts`: maxSurge rounds up, maxUnavailable down; both zero would leave no way
/// to make progress, so one pod may then be unavailable.
fn fenceposts(d: &Value) -> (i64, i64) {
    let rolling = d.pointer("/spec/strategy/rollingUpdate");
    let desired = spec_replicas(d);
    let surge = scaled_value(rolling.and_then(|r| r.get("maxSurge")), desired, true);
    let unavailable = scaled_value(
        rolling.and_then(|r| r.get("maxUnavailable")),
        desired,
        false,
    );
    if surge == 0 && unavailable == 0 {
        return (0, 1);
    }
    (surge, unavailable)
}

/// `MaxSurge`: how many pods above the desired count a rolling update may run.
pub fn max_surge(d: &Value) -> i64 {
    if !is_rolling_update(d) {
        return 0;
    }
    fenceposts(d).0
}

/// `MaxUnavailable`: how many of the desired pods may be unavailable (never more than desired).
pub fn max_unavailable(d: &Value) -> i64 {
    let desired = spec_replicas(d);
    if !is_rolling_update(d) || desired == 0 {
        return 0;
    }
    fenceposts(d).1.min(desired)
}

/// The revision a ReplicaSet (or Deployment) carries in its annotation, 0 without one.
pub fn revision(obj: &Value) -> i64 {
    annotation(obj, REVISION).parse().unwrap_or(0)
}

pub fn annotation<'a>(obj: &'a Value, key: &str) -> &'a str {
    obj.pointer("/metadata/annotations")
        .and_then(|a| a.get(key))
        .and_then(Value::as_str)
        .unwrap_or("")
}

pub fn max_revision(rss: &[Value]) -> i64 {
    rss.iter().map(revision).max().unwrap_or(0)
}

/// The `pod-template-hash` of a template: FNV-1a over the template (and the collision count,
/// which changes the hash when two templates collide), encoded as upstream encodes it.
pub fn template_hash(template: Option<&Value>, collisions: i64) -> String {
    let mut bytes = template
        .map(Value::to_string)
        .unwrap_or_default()
        .into_bytes();
    if collisions > 0 {
        bytes.extend(collisions.to_string().bytes());
    }
    safe_encode(&fnv1a32(&bytes).to_string())
}

/// `EqualIgnoreHash`: two pod templates are the same rollout when they differ at most in the
/// `pod-template-hash` label.
pub fn equal_ignore_hash(a: Option<&Value>, b: Option<&Value>) -> bool {
    let strip = |t: Option<&Value>| {
        let mut t = t.cloned().unwrap_or(json!({}));
        if let Some(labels) = t
            .pointer_mut("/metadata/labels")
            .and_then(Value::as_object_mut)
        {
            labels.remove(HASH_LABEL);
            if labels.is_empty()
                && let Some(m) = t.get_mut("metadata").and_then(Value::as_object_mut)
            {
                m.remove("labels");
            }
        }
        t
    };
    strip(a) == strip(b)
}

/// `FindNewReplicaSet`: the oldest ReplicaSet whose template is the Deployment's.
pub fn find_new_rs(d: &Value, rss: &[Value]) -> Option<usize> {
    let template = d.pointer("/spec/template");
    let mut candidates: Vec<usize> = (0..rss.len())
        .filter(|&i| {
            rss.get(i)
                .is_some_and(|rs| equal_ignore_hash(rs.pointer("/spec/template"), template))
        })
        .collect();
    candidates.sort_by_key(|&i| rss.get(i).map(by_creation));
    candidates.first().copied()
}

/// The key upstream sorts ReplicaSets by when it says "oldest first": creation, then name.
pub fn by_creation(rs: &Value) -> (String, String) {
    (
        meta::str_at(rs, "/metadata/creationTimestamp").to_string(),
        meta::name(rs).to_string(),
    )
}

/// `ReplicaSetsByRevision`: by revision, ties by creation.
pub fn by_revision(rs: &Value) -> (i64, (String, String)) {
    (revision(rs), by_creation(rs))
}

pub fn is_owned_by(rs: &Value, d: &Value) -> bool {
    is_controlled_by(rs, meta::uid(d))
}

fn annotations_mut(obj: &mut Value) -> &mut Map<String, Value> {
    meta::child_object(meta::metadata_mut(obj), "annotations")
}

/// `SetReplicasAnnotations`: records the desired and maximum pod counts a ReplicaSet was sized
/// for (proportional scaling reads them back). Returns whether anything changed.
pub fn set_replicas_annotations(rs: &mut Value, desired: i64, max: i64) -> bool {
    let annotations = annotations_mut(rs);
    let mut changed = false;
    for (key, value) in [(DESIRED_REPLICAS, desired), (MAX_REPLICAS, max)] {
        let value = json!(value.to_string());
        if annotations.get(key) != Some(&value) {
            annotations.insert(key.into(), value);
            changed = true;
        }
    }
    changed
}

pub fn replicas_annotations_need_update(rs: &Value, desired: i64, max: i64) -> bool {
    annotation(rs, DESIRED_REPLICAS) != desired.to_string()
        || annotation(rs, MAX_REPLICAS) != max.to_string()
}

/// `SetNewReplicaSetAnnotations`: copies the Deployment's own annotations (change-cause among
/// them) to its new ReplicaSet, raises the ReplicaSet's revision to `new_revision` (keeping
/// the ones it had in `revision-history`), and for a ReplicaSet being created records the
/// replica counts. Returns whether anything changed.
pub fn set_new_rs_annotations(d: &Value, rs: &mut Value, new_revision: i64, exists: bool) -> bool {
    let mut changed = false;
    if let Some(own) = d
        .pointer("/metadata/annotations")
        .and_then(Value::as_object)
    {
        let annotations = annotations_mut(rs);
        for (key, value) in own {
            if SKIPPED_ANNOTATIONS.contains(&key.as_str()) || annotations.get(key) == Some(value) {
                continue;
            }
            annotations.insert(key.clone(), value.clone());
            changed = true;
        }
    }
    let old = annotation(rs, REVISION).to_string();
    let old_number = if old.is_empty() {
        0
    } else {
        match old.parse::<i64>() {
            Ok(n) => n,
            Err(_) => return false,
        }
    };
    if old_number < new_revision {
        let annotations = annotations_mut(rs);
        annotations.insert(REVISION.into(), json!(new_revision.to_string()));
        changed = true;
        if !old.is_empty() {
            let history = annotations
                .get(REVISION_HISTORY)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            if history.is_empty() {
                annotations.insert(REVISION_HISTORY.into(), json!(old));
            } else {
                let mut kept: Vec<&str> = history.split(',').collect();
                let mut total = history.len() + old.len() + 1;
                while total > MAX_REVISION_HISTORY_CHARS && !kept.is_empty() {
                    total -= kept.remove(0).len() + 1;
                }
                if total <= MAX_REVISION_HISTORY_CHARS {
                    kept.push(&old);
                    annotations.insert(REVISION_HISTORY.into(), json!(kept.join(",")));
                }
            }
        }
    }
    if !exists && set_replicas_annotations(rs, spec_replicas(d), spec_replicas(d) + max_surge(d)) {
        changed = true;
    }
    changed
}

/// `NewRSNewReplicas`: how big the new ReplicaSet may be now — for a rolling update, as big as
/// the surge allows on top of everything already running, never past the desired count.
pub fn new_rs_new_replicas(d: &Value, all_rss: &[&Value], new_rs: &Value) -> i64 {
    let desired = spec_replicas(d);
    let current_new = spec_replicas(new_rs);
    if !is_rolling_update(d) {
        return desired;
    }
    let surge = scaled_value(
        d.pointer("/spec/strategy/rollingUpdate/maxSurge"),
        desired,
        true,
    );
    let current: i64 = all_rss.iter().map(|rs| spec_replicas(rs)).sum();
    let max_total = desired + surge;
    if current >= max_total {
        return current_new;
    }
    let scale_up = (max_total - current).min(desired - current_new);
    current_new + scale_up
}

/// `IsSaturated`: the new ReplicaSet runs all the desired pods, all available.
pub fn is_saturated(d: &Value, rs: Option<&Value>) -> bool {
    let Some(rs) = rs else { return false };
    let Ok(desired) = annotation(rs, DESIRED_REPLICAS).parse::<i64>() else {
        return false;
    };
    let replicas = spec_replicas(d);
    spec_replicas(rs) == replicas
        && desired == replicas
        && int_at(rs, "/status/availableReplicas") == replicas
}

/// `GetReplicaSetProportion`: a ReplicaSet's share of `to_add` replicas (negative when scaling
/// down), in proportion to its size, never more than what is left to hand out.
pub fn proportion(rs: &Value, d: &Value, to_add: i64, added: i64) -> i64 {
    if spec_replicas(rs) == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let fraction = fraction(rs, d);
    let allowed = to_add - added;
    if to_add > 0 {
        fraction.min(allowed)
    } else {
        fraction.max(allowed)
    }
}

/// `getReplicaSetFraction`: the ReplicaSet's size rescaled from the Deployment's previous
/// maximum (its max-replicas annotation) to the new one, minus its size.
fn fraction(rs: &Value, d: &Value) -> i64 {
    let replicas = spec_replicas(d);
    if replicas == 0 {
        return -spec_replicas(rs);
    }
    let new_max = replicas + max_surge(d);
    let mut old_max = annotation(rs, MAX_REPLICAS).parse::<i64>().unwrap_or(0);
    if old_max <= 0 {
        old_max = int_at(d, "/status/replicas");
        if old_max == 0 {
            return 0;
        }
    }
    let base = spec_replicas(rs);
    // Go's math.Round: halves away from zero.
    let scaled = (base * new_max) as f64 / old_max as f64;
    scaled.round() as i64 - base
}

/// `FindActiveOrLatest`: the only ReplicaSet with replicas, or (none having any) the newest.
pub fn find_active_or_latest<'a>(
    new_rs: Option<&'a Value>,
    old_rss: &'a [Value],
) -> Option<&'a Value> {
    let mut old: Vec<&Value> = old_rss.iter().collect();
    old.sort_by_key(|rs| std::cmp::Reverse(by_creation(rs)));
    let active: Vec<&Value> = old
        .iter()
        .copied()
        .chain(new_rs)
        .filter(|rs| spec_replicas(rs) > 0)
        .collect();
    match active.as_slice() {
        [] => new_rs.or(old.first().copied()),
        [one] => Some(one),
        _ => None,
    }
}

pub fn has_progress_deadline(d: &Value) -> bool {
    d.pointer("/spec/progressDeadlineSeconds")
        .and_then(Value::as_i64)
        .is_some_and(|s| s != i64::from(i32::MAX))
}

pub fn has_revision_history_limit(d: &Value) -> bool {
    d.pointer("/spec/revisionHistoryLimit")
        .and_then(Value::as_i64)
        .is_some_and(|s| s != i64::from(i32::MAX))
}

/// `DeploymentComplete`: every desired pod updated and available, nothing else running, and
/// the latest spec observed.
pub fn deployment_complete(d: &Value, status: &Value) -> bool {
    let replicas = spec_replicas(d);
    int_at(status, "/updatedReplicas") == replicas
        && int_at(status, "/replicas") == replicas
        && int_at(status, "/availableReplicas") == replicas
        && int_at(status, "/observedGeneration") >= int_at(d, "/metadata/generation")
}

/// `DeploymentProgressing`: more pods updated, ready or available than before, or fewer old.
pub fn deployment_progressing(d: &Value, new: &Value) -> bool {
    let old = d.get("status").cloned().unwrap_or(json!({}));
    let old_olds = int_at(&old, "/replicas") - int_at(&old, "/updatedReplicas");
    let new_olds = int_at(new, "/replicas") - int_at(new, "/updatedReplicas");
    int_at(new, "/updatedReplicas") > int_at(&old, "/updatedReplicas")
        || new_olds < old_olds
        || int_at(new, "/readyReplicas") > int_at(&old, "/readyReplicas")
        || int_at(new, "/availableReplicas") > int_at(&old, "/availableReplicas")
}

/// `DeploymentTimedOut`: no progress reported for `progressDeadlineSeconds`.
pub fn deployment_timed_out(d: &Value, status: &Value, now: Time) -> bool {
    if !has_progress_deadline(d) {
        return false;
    }
    let Some(condition) = condition(status, "Progressing") else {
        return false;
    };
    match meta::str_at(condition, "/reason") {
        NEW_RS_AVAILABLE => false,
        TIMED_OUT => true,
        _ => {
            let Some(from) = Time::parse_rfc3339(meta::str_at(condition, "/lastUpdateTime")) else {
                return false;
            };
            let deadline = int_at(d, "/spec/progressDeadlineSeconds") * SECOND;
            from.plus_millis(deadline) < now
        }
    }
}

/// The condition of `type_` in a status object.
pub fn condition<'a>(status: &'a Value, type_: &str) -> Option<&'a Value> {
    status
        .get("conditions")?
        .as_array()?
        .iter()
        .find(|c| meta::str_at(c, "/type") == type_)
}

/// `NewDeploymentCondition`.
pub fn new_condition(type_: &str, status: &str, reason: &str, message: &str, now: Time) -> Value {
    let now = now.rfc3339();
    json!({
        "type": type_,
        "status": status,
        "lastUpdateTime": now,
        "lastTransitionTime": now,
        "reason": reason,
        "message": message,
    })
}

/// `SetDeploymentCondition`: nothing changes when a condition of the same status and reason is
/// there; otherwise the new one replaces it (keeping its transition time when only the reason
/// changed) and goes to the end of the list.
pub fn set_condition(status: &mut Value, mut new: Value) {
    let type_ = meta::str_at(&new, "/type").to_string();
    if let Some(current) = condition(status, &type_) {
        if current.get("status") == new.get("status") && current.get("reason") == new.get("reason")
        {
            return;
        }
        if current.get("status") == new.get("status")
            && let Some(t) = current.get("lastTransitionTime")
        {
            new["lastTransitionTime"] = t.clone();
        }
    }
    remove_condition(status, &type_);
    let list = meta::as_object_mut(status)
        .entry("conditions")
        .or_insert(json!([]));
    if let Some(list) = list.as_array_mut() {
        list.push(new);
    }
}

pub fn remove_condition(status: &mut Value, type_: &str) {
    if let Some(list) = status.get_mut("conditions").and_then(Value::as_array_mut) {
        list.retain(|c| meta::str_at(c, "/type") != type_);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(replicas: i64, surge: Value, unavailable: Value) -> Value {
        json!({"spec": {"replicas": replicas, "strategy": {"type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": surge, "maxUnavailable": unavailable}}}})
    }

    #[test]
    fn fenceposts_round_surge_up_and_unavailable_down() {
        for (replicas, surge, unavailable, want) in [
            (10, json!("25%"), json!("25%"), (3, 2)),
            (4, json!(1), json!(1), (1, 1)),
            (1, json!("25%"), json!("25%"), (1, 0)),
            (3, json!(0), json!(0), (0, 1)),
            (2, json!(0), json!(5), (0, 2)),
        ] {
            let d = deployment(replicas, surge, unavailable);
            assert_eq!((max_surge(&d), max_unavailable(&d)), want, "{d}");
        }
        let recreate = json!({"spec": {"replicas": 3, "strategy": {"type": "Recreate"}}});
        assert_eq!((max_surge(&recreate), max_unavailable(&recreate)), (0, 0));
    }

    #[test]
    fn new_replica_set_grows_within_the_surge() {
        let d = deployment(4, json!(1), json!(1));
        let old = json!({"spec": {"replicas": 4}});
        let new = json!({"spec": {"replicas": 0}});
        assert_eq!(new_rs_new_replicas(&d, &[&old, &new], &new), 1);
        let old = json!({"spec": {"replicas": 2}});
        let new = json!({"spec": {"replicas": 1}});
        assert_eq!(new_rs_new_replicas(&d, &[&old, &new], &new), 3);
        let new = json!({"spec": {"replicas": 4}});
        assert_eq!(new_rs_new_replicas(&d, &[&new], &new), 4);
    }

    #[test]
    fn proportions_follow_the_previous_maximum() {
        // A deployment of 10 (max 13) scaled to 20 (max 25): a ReplicaSet of 8 gets 7 more.
        let d = deployment(20, json!("25%"), json!("25%"));
        let rs =
            json!({"metadata": {"annotations": {MAX_REPLICAS: "13"}}, "spec": {"replicas": 8}});
        assert_eq!(proportion(&rs, &d, 12, 0), 7);
        assert_eq!(proportion(&rs, &d, 12, 10), 2);
        let down = deployment(0, json!(1), json!(1));
        assert_eq!(proportion(&rs, &down, -8, 0), -8);
    }

    #[test]
    fn revision_history_keeps_the_old_numbers() {
        let d = json!({"metadata": {"annotations": {"kubernetes.io/change-cause": "v2", REVISION: "5"}},
            "spec": {"replicas": 1}});
        let mut rs = json!({"metadata": {"annotations": {REVISION: "1"}}});
        assert!(set_new_rs_annotations(&d, &mut rs, 3, true));
        assert_eq!(annotation(&rs, REVISION), "3");
        assert_eq!(annotation(&rs, REVISION_HISTORY), "1");
        assert_eq!(annotation(&rs, "kubernetes.io/change-cause"), "v2");
        assert!(set_new_rs_annotations(&d, &mut rs, 6, true));
        assert_eq!(annotation(&rs, REVISION_HISTORY), "1,3");
        assert!(!set_new_rs_annotations(&d, &mut rs, 6, true));
    }

    #[test]
    fn conditions_keep_transition_time_on_same_status() {
        let mut status = json!({});
        set_condition(
            &mut status,
            new_condition("Progressing", "True", NEW_RS_CREATED, "a", Time(0)),
        );
        set_condition(
            &mut status,
            new_condition("Available", "False", "x", "b", Time(0)),
        );
        set_condition(
            &mut status,
            new_condition("Progressing", "True", RS_UPDATED, "c", Time(5000)),
        );
        let list = status["conditions"].as_array().cloned().unwrap_or_default();
        assert_eq!(meta::str_at(&list[1], "/reason"), RS_UPDATED);
        assert_eq!(
            meta::str_at(&list[1], "/lastTransitionTime"),
            Time(0).rfc3339()
        );
        assert_eq!(
            meta::str_at(&list[1], "/lastUpdateTime"),
            Time(5000).rfc3339()
        );
        // Same status and reason: nothing changes, not even the message.
        set_condition(
            &mut status,
            new_condition("Progressing", "True", RS_UPDATED, "d", Time(9000)),
        );
        assert_eq!(meta::str_at(&status["conditions"][1], "/message"), "c");
    }
}
