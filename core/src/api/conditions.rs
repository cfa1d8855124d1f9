//! Setting conditions in `status.conditions` as upstream's helpers do: pod conditions
//! (`podutil.UpdatePodCondition`) and `metav1.Condition`s (`meta.SetStatusCondition`). Both
//! keep a condition's `lastTransitionTime` unless its status changes, which is what lets a
//! learner read "since when" from it.

use serde_json::{Map, Value, json};

use super::meta;
use crate::time::Time;

/// Sets the pod condition `type_` (added at the end when new), as the eviction API and the
/// taint manager mark a pod before deleting it. Returns whether anything changed.
pub fn update_pod_condition(
    pod: &mut Value,
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: Time,
) -> bool {
    let generation = pod
        .pointer("/metadata/generation")
        .cloned()
        .unwrap_or(json!(1));
    let list = meta::ensure_object(pod, "status")
        .entry("conditions")
        .or_insert(json!([]));
    if !list.is_array() {
        *list = json!([]);
    }
    let Some(list) = list.as_array_mut() else {
        return false;
    };
    let mut condition = json!({
        "type": type_,
        "status": status,
        "lastProbeTime": null,
        "lastTransitionTime": now.rfc3339(),
        "reason": reason,
        "message": message,
        "observedGeneration": generation,
    });
    match list
        .iter_mut()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(type_))
    {
        None => {
            list.push(condition);
            true
        }
        Some(old) => {
            if old.get("status") == condition.get("status")
                && let Some(since) = old.get("lastTransitionTime")
            {
                condition["lastTransitionTime"] = since.clone();
            }
            let changed = *old != condition;
            *old = condition;
            changed
        }
    }
}

/// `meta.SetStatusCondition` on a `metav1.Condition` list (`type`, `status`, `reason`,
/// `message`, `observedGeneration` unless 0, `lastTransitionTime`): the transition time moves
/// only when the status does. Returns whether anything changed.
pub fn set_status_condition(
    conditions: &mut Vec<Value>,
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    observed_generation: i64,
    now: Time,
) -> bool {
    let Some(existing) = conditions
        .iter_mut()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(type_))
    else {
        let mut condition = json!({
            "type": type_,
            "status": status,
            "lastTransitionTime": now.rfc3339(),
            "reason": reason,
            "message": message,
        });
        if observed_generation != 0 {
            condition["observedGeneration"] = json!(observed_generation);
        }
        conditions.push(condition);
        return true;
    };
    let map: &mut Map<String, Value> = meta::as_object_mut(existing);
    let mut changed = false;
    if map.get("status").and_then(Value::as_str) != Some(status) {
        map.insert("status".into(), json!(status));
        map.insert("lastTransitionTime".into(), json!(now.rfc3339()));
        changed = true;
    }
    for (key, value) in [("reason", json!(reason)), ("message", json!(message))] {
        if map.get(key) != Some(&value) {
            map.insert(key.into(), value);
            changed = true;
        }
    }
    // `observedGeneration` is omitted when 0, as the Go field's `omitempty` leaves it out.
    let observed = map
        .get("observedGeneration")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    if observed != observed_generation {
        if observed_generation == 0 {
            map.remove("observedGeneration");
        } else {
            map.insert("observedGeneration".into(), json!(observed_generation));
        }
        changed = true;
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_condition_keeps_its_transition_time_while_the_status_holds() {
        let t0 = Time::GENESIS;
        let t1 = t0.plus_secs(60);
        let mut pod = json!({"metadata": {"generation": 1}, "status": {"conditions": [
            {"type": "Ready", "status": "True", "lastTransitionTime": t0.rfc3339()}
        ]}});
        assert!(update_pod_condition(
            &mut pod,
            "DisruptionTarget",
            "True",
            "EvictionByEvictionAPI",
            "Eviction API: evicting",
            t0
        ));
        assert!(!update_pod_condition(
            &mut pod,
            "DisruptionTarget",
            "True",
            "EvictionByEvictionAPI",
            "Eviction API: evicting",
            t1
        ));
        assert_eq!(
            pod.pointer("/status/conditions/1/lastTransitionTime"),
            Some(&json!(t0.rfc3339()))
        );
        assert!(update_pod_condition(
            &mut pod,
            "DisruptionTarget",
            "False",
            "",
            "",
            t1
        ));
        assert_eq!(
            pod.pointer("/status/conditions/1/lastTransitionTime"),
            Some(&json!(t1.rfc3339()))
        );
    }

    #[test]
    fn status_condition_moves_its_time_only_on_a_new_status() {
        let t0 = Time::GENESIS;
        let t1 = t0.plus_secs(5);
        let mut list = Vec::new();
        assert!(set_status_condition(
            &mut list,
            "DisruptionAllowed",
            "True",
            "SufficientPods",
            "",
            1,
            t0
        ));
        assert!(!set_status_condition(
            &mut list,
            "DisruptionAllowed",
            "True",
            "SufficientPods",
            "",
            1,
            t1
        ));
        assert!(set_status_condition(
            &mut list,
            "DisruptionAllowed",
            "True",
            "SufficientPods",
            "",
            2,
            t1
        ));
        assert_eq!(list[0]["lastTransitionTime"], json!(t0.rfc3339()));
        assert!(set_status_condition(
            &mut list,
            "DisruptionAllowed",
            "False",
            "InsufficientPods",
            "",
            2,
            t1
        ));
        assert_eq!(list[0]["lastTransitionTime"], json!(t1.rfc3339()));
        assert_eq!(list.len(), 1);
    }
}
