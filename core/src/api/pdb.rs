//! PodDisruptionBudget helpers shared by the eviction API (`store::eviction`) and the
//! disruption controller, as upstream's `component-helpers/apps/poddisruptionbudget` and
//! `intstr` provide them: the `DisruptionAllowed` condition, and "N or N%" of a total.

use serde_json::{Value, json};

use super::conditions::set_status_condition;
use super::meta;
use crate::time::Time;

pub const DISRUPTION_ALLOWED: &str = "DisruptionAllowed";
pub const SUFFICIENT_PODS: &str = "SufficientPods";
pub const INSUFFICIENT_PODS: &str = "InsufficientPods";
pub const SYNC_FAILED: &str = "SyncFailed";

fn int(pdb: &Value, pointer: &str) -> i64 {
    meta::at(pdb, pointer).and_then(Value::as_i64).unwrap_or(0)
}

fn conditions_mut(pdb: &mut Value) -> Vec<Value> {
    meta::ensure_object(pdb, "status")
        .get("conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// `UpdateDisruptionAllowedCondition`: True (SufficientPods) while disruptions are allowed,
/// False (InsufficientPods) otherwise, stamped with the status's observedGeneration.
pub fn update_disruption_allowed_condition(pdb: &mut Value, now: Time) {
    let allowed = int(pdb, "/status/disruptionsAllowed") > 0;
    let observed = int(pdb, "/status/observedGeneration");
    let mut conditions = conditions_mut(pdb);
    let (status, reason) = if allowed {
        ("True", SUFFICIENT_PODS)
    } else {
        ("False", INSUFFICIENT_PODS)
    };
    set_status_condition(
        &mut conditions,
        DISRUPTION_ALLOWED,
        status,
        reason,
        "",
        observed,
        now,
    );
    meta::ensure_object(pdb, "status").insert("conditions".into(), json!(conditions));
}

/// Sets the `DisruptionAllowed` condition to False with `reason` and `message` (the
/// controller's fail-safe when it cannot compute the status).
pub fn set_disruption_not_allowed(pdb: &mut Value, reason: &str, message: &str, now: Time) {
    let observed = int(pdb, "/status/observedGeneration");
    let mut conditions = conditions_mut(pdb);
    set_status_condition(
        &mut conditions,
        DISRUPTION_ALLOWED,
        "False",
        reason,
        message,
        observed,
        now,
    );
    meta::ensure_object(pdb, "status").insert("conditions".into(), json!(conditions));
}

/// `ConditionsAreUpToDate`: the condition exists, the status is for the current generation,
/// and the condition agrees with `disruptionsAllowed`.
pub fn conditions_up_to_date(pdb: &Value) -> bool {
    let condition = meta::at(pdb, "/status/conditions")
        .and_then(Value::as_array)
        .and_then(|l| l.iter().find(|c| c["type"] == DISRUPTION_ALLOWED));
    let Some(condition) = condition else {
        return false;
    };
    if int(pdb, "/status/observedGeneration") != int(pdb, "/metadata/generation") {
        return false;
    }
    let (status, reason) = (
        meta::str_at(condition, "/status"),
        meta::str_at(condition, "/reason"),
    );
    if int(pdb, "/status/disruptionsAllowed") > 0 {
        status == "True" && reason == SUFFICIENT_PODS
    } else {
        status == "False" && reason == INSUFFICIENT_PODS
    }
}

/// Whether `budget` guards `pod`: same namespace is the caller's business; a missing or empty
/// selector guards nothing (the eviction API and preemption both refuse to let such a budget
/// match everything).
pub fn guards(budget: &Value, pod: &Value) -> bool {
    let selector = budget.pointer("/spec/selector");
    super::selector::has_requirements(selector)
        && super::selector::matches(selector, meta::labels(pod))
}

/// `intstr.GetScaledValueFromIntOrPercent`: an integer as it is, `N%` as N percent of
/// `total` (rounded up or down); anything else is upstream's error.
pub fn scaled_value(value: &Value, total: i64, round_up: bool) -> Result<i64, String> {
    match value {
        Value::Number(n) => Ok(n.as_i64().unwrap_or(0)),
        Value::String(s) => {
            let Some(number) = s.strip_suffix('%') else {
                return Err(
                    "invalid value for IntOrString: invalid type: string is not a percentage"
                        .into(),
                );
            };
            let percent: i64 = number.parse().map_err(|_| {
                format!(
                    "invalid value for IntOrString: invalid value \"{s}\": strconv.Atoi: parsing \"{number}\": invalid syntax"
                )
            })?;
            let exact = percent as f64 * total as f64 / 100.0;
            Ok(if round_up {
                exact.ceil()
            } else {
                exact.floor()
            } as i64)
        }
        _ => Err("invalid value for IntOrString: invalid type: neither int nor percentage".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaled_values_round_as_upstream() {
        assert_eq!(scaled_value(&json!(2), 10, true), Ok(2));
        assert_eq!(scaled_value(&json!("50%"), 3, true), Ok(2));
        assert_eq!(scaled_value(&json!("50%"), 3, false), Ok(1));
        assert_eq!(scaled_value(&json!("100%"), 0, true), Ok(0));
        assert!(scaled_value(&json!("5"), 10, true).is_err());
        assert!(scaled_value(&json!("x%"), 10, true).is_err());
    }

    #[test]
    fn condition_follows_disruptions_allowed() {
        let now = Time::GENESIS;
        let mut pdb = json!({"metadata": {"generation": 1}, "status": {"disruptionsAllowed": 1, "observedGeneration": 1}});
        assert!(!conditions_up_to_date(&pdb));
        update_disruption_allowed_condition(&mut pdb, now);
        assert!(conditions_up_to_date(&pdb));
        assert_eq!(
            pdb.pointer("/status/conditions/0/reason"),
            Some(&json!("SufficientPods"))
        );
        pdb["status"]["disruptionsAllowed"] = json!(0);
        assert!(!conditions_up_to_date(&pdb));
        update_disruption_allowed_condition(&mut pdb, now);
        assert_eq!(
            pdb.pointer("/status/conditions/0/status"),
            Some(&json!("False"))
        );
    }
}
