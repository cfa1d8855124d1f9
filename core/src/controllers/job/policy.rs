//! What a Job makes of its pods' endings: the pod failure policy (`FailJob`, `Ignore`, `Count`,
//! `FailIndex` rules on exit codes or pod conditions), the success policy of Indexed Jobs, and
//! the exponential back-off before a failed pod is replaced (10 s, doubling, at most 10 min —
//! upstream's `DefaultJobPodFailureBackOff` and `MaxJobPodFailureBackOff`).

use serde_json::Value;

use super::indexes::Intervals;
use crate::api::meta;
use crate::time::{SECOND, Time};

pub const BACKOFF_START_MILLIS: i64 = 10 * SECOND;
pub const BACKOFF_MAX_MILLIS: i64 = 600 * SECOND;

/// The action of the pod failure policy rule a failed pod matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    FailJob,
    Ignore,
    Count,
    FailIndex,
}

/// What the pod failure policy says about a failed pod (`matchPodFailurePolicy`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The Job's failure message, for a `FailJob` match.
    pub fail_job: Option<String>,
    /// Whether the failure counts towards the back-off limits (not for `Ignore`).
    pub counts: bool,
    pub action: Option<Action>,
}

/// Matches a failed pod against `spec.podFailurePolicy`; no policy counts every failure.
pub fn match_pod(job: &Value, pod: &Value) -> Verdict {
    let none = Verdict {
        fail_job: None,
        counts: true,
        action: None,
    };
    let Some(rules) = job
        .pointer("/spec/podFailurePolicy/rules")
        .and_then(Value::as_array)
    else {
        return none;
    };
    for (index, rule) in rules.iter().enumerate() {
        let action = match meta::str_at(rule, "/action") {
            "FailJob" => Action::FailJob,
            "Ignore" => Action::Ignore,
            "Count" => Action::Count,
            "FailIndex" => Action::FailIndex,
            _ => continue,
        };
        let matched = if let Some(req) = rule.get("onExitCodes") {
            matching_container(pod, req).map(|(name, code)| {
                format!(
                    "Container {name} for pod {}/{} failed with exit code {code} matching FailJob rule at index {index}",
                    meta::namespace(pod),
                    meta::name(pod)
                )
            })
        } else if let Some(patterns) = rule.get("onPodConditions").and_then(Value::as_array) {
            matching_condition(pod, patterns).map(|type_| {
                format!(
                    "Pod {}/{} has condition {type_} matching FailJob rule at index {index}",
                    meta::namespace(pod),
                    meta::name(pod)
                )
            })
        } else {
            None
        };
        let Some(message) = matched else { continue };
        return Verdict {
            fail_job: (action == Action::FailJob).then_some(message),
            counts: action != Action::Ignore,
            action: Some(action),
        };
    }
    none
}

/// The first terminated, non-zero container (app containers, then init containers) whose exit
/// code satisfies an `onExitCodes` requirement: its name and code.
fn matching_container(pod: &Value, req: &Value) -> Option<(String, i64)> {
    let only = req.get("containerName").and_then(Value::as_str);
    let values: Vec<i64> = req
        .get("values")
        .and_then(Value::as_array)
        .map(|v| v.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    let operator_in = match meta::str_at(req, "/operator") {
        "In" => true,
        "NotIn" => false,
        _ => return None,
    };
    ["/status/containerStatuses", "/status/initContainerStatuses"]
        .iter()
        .filter_map(|p| pod.pointer(p).and_then(Value::as_array))
        .flatten()
        .find_map(|status| {
            let code = status.pointer("/state/terminated/exitCode")?.as_i64()?;
            let name = meta::str_at(status, "/name");
            let name_ok = only.is_none_or(|n| n == name);
            let listed = values.contains(&code);
            (name_ok && code != 0 && listed == operator_in).then(|| (name.to_string(), code))
        })
}

/// The type of the first pod condition matching one of the patterns (status defaults to True).
fn matching_condition(pod: &Value, patterns: &[Value]) -> Option<String> {
    pod.pointer("/status/conditions")
        .and_then(Value::as_array)?
        .iter()
        .find(|c| {
            patterns.iter().any(|p| {
                let want = match meta::str_at(p, "/status") {
                    "" => "True",
                    s => s,
                };
                meta::str_at(p, "/type") == meta::str_at(c, "/type")
                    && meta::str_at(c, "/status") == want
            })
        })
        .map(|c| meta::str_at(c, "/type").to_string())
}

/// `matchSuccessPolicy`: the message of the first `spec.successPolicy` rule the succeeded
/// indexes satisfy.
pub fn match_success_policy(
    job: &Value,
    completions: i64,
    succeeded: &Intervals,
) -> Option<String> {
    let rules = job
        .pointer("/spec/successPolicy/rules")
        .and_then(Value::as_array)?;
    if succeeded.is_empty() {
        return None;
    }
    for (index, rule) in rules.iter().enumerate() {
        let count = rule.get("succeededCount").and_then(Value::as_i64);
        let met = match rule.get("succeededIndexes").and_then(Value::as_str) {
            Some(wanted) => {
                let wanted = Intervals::parse(wanted, completions);
                if wanted.is_empty() {
                    continue;
                }
                let overlap = wanted
                    .iter()
                    .flat_map(|(a, b)| *a..=*b)
                    .filter(|i| succeeded.has(*i))
                    .count() as i64;
                overlap == wanted.total() || count.is_some_and(|c| overlap >= c)
            }
            None => count.is_some_and(|c| succeeded.total() >= c),
        };
        if met {
            return Some(format!("Matched rules at index {index}"));
        }
    }
    None
}

/// When a pod finished (`getFinishedTime`): its containers' last exit if all have exited, else
/// when it turned not ready, else when its deletion began, else when it was created.
pub fn finished_at(pod: &Value) -> Time {
    let statuses = pod
        .pointer("/status/containerStatuses")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let exits: Option<Vec<Time>> = statuses
        .iter()
        .map(|s| {
            s.pointer("/state/terminated/finishedAt")
                .and_then(Value::as_str)
                .and_then(Time::parse_rfc3339)
        })
        .collect();
    if let Some(latest) = exits.and_then(|e| e.into_iter().max()) {
        return latest;
    }
    let ready_false = super::super::condition(pod, "Ready")
        .filter(|c| meta::str_at(c, "/status") == "False")
        .and_then(|c| Time::parse_rfc3339(meta::str_at(c, "/lastTransitionTime")));
    if let Some(t) = ready_false {
        return t;
    }
    if let Some(t) = Time::parse_rfc3339(meta::str_at(pod, "/metadata/deletionTimestamp")) {
        let grace = super::super::int_at(pod, "/metadata/deletionGracePeriodSeconds");
        return t.plus_secs(-grace);
    }
    Time::parse_rfc3339(meta::str_at(pod, "/metadata/creationTimestamp")).unwrap_or_default()
}

/// Consecutive failures since the last success, and when the last one happened: what the Job
/// controller remembers (outside the API) to space out replacements.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Backoff {
    pub failures: i64,
    pub last_failure: Option<Time>,
}

impl Backoff {
    /// The record after newly finished pods (`newBackoffRecord`): a success resets the count to
    /// the failures that came after it.
    pub fn after(self, succeeded: &[&Value], failed: &[&Value]) -> Backoff {
        let mut failed_at: Vec<Time> = failed.iter().map(|p| finished_at(p)).collect();
        failed_at.sort_unstable();
        let last_success = succeeded.iter().map(|p| finished_at(p)).max();
        match last_success {
            None if failed_at.is_empty() => self,
            None => Backoff {
                failures: self.failures + failed_at.len() as i64,
                last_failure: failed_at.last().copied(),
            },
            Some(success) => {
                let after: Vec<Time> = failed_at.into_iter().filter(|t| *t > success).collect();
                Backoff {
                    failures: after.len() as i64,
                    last_failure: after.last().copied(),
                }
            }
        }
    }

    /// Milliseconds to wait before the next pod may be created (0: now).
    pub fn remaining(&self, now: Time) -> i64 {
        remaining_for(self.failures, self.last_failure, now)
    }
}

/// `getRemainingTimeForFailuresCount`: 10 s after one failure, doubling per failure, capped.
pub fn remaining_for(failures: i64, last_failure: Option<Time>, now: Time) -> i64 {
    let Some(last) = last_failure.filter(|_| failures > 0) else {
        return 0;
    };
    let mut delay = BACKOFF_START_MILLIS;
    for _ in 1..failures {
        delay *= 2;
        if delay >= BACKOFF_MAX_MILLIS {
            delay = BACKOFF_MAX_MILLIS;
            break;
        }
    }
    (delay - now.since(last)).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn failed_pod(code: i64) -> Value {
        json!({
            "metadata": {"name": "job-abcde", "namespace": "default"},
            "status": {"phase": "Failed", "containerStatuses": [
                {"name": "main", "state": {"terminated": {"exitCode": code, "finishedAt": "2026-01-01T09:00:10Z"}}}
            ], "conditions": [{"type": "DisruptionTarget", "status": "True"}]}
        })
    }

    #[test]
    fn pod_failure_policy_rules_in_order() {
        let job = json!({"spec": {"podFailurePolicy": {"rules": [
            {"action": "FailJob", "onExitCodes": {"containerName": "main", "operator": "In", "values": [42]}},
            {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget"}]},
        ]}}});
        let v = match_pod(&job, &failed_pod(42));
        assert_eq!(v.action, Some(Action::FailJob));
        assert_eq!(
            v.fail_job.as_deref(),
            Some(
                "Container main for pod default/job-abcde failed with exit code 42 matching FailJob rule at index 0"
            )
        );
        let v = match_pod(&job, &failed_pod(1));
        assert_eq!((v.action, v.counts), (Some(Action::Ignore), false));
        assert!(match_pod(&json!({}), &failed_pod(1)).counts);
    }

    #[test]
    fn backoff_doubles_from_ten_seconds_to_ten_minutes() {
        let t0 = Time::GENESIS;
        assert_eq!(remaining_for(1, Some(t0), t0), 10_000);
        assert_eq!(remaining_for(2, Some(t0), t0.plus_secs(5)), 15_000);
        assert_eq!(remaining_for(3, Some(t0), t0), 40_000);
        assert_eq!(remaining_for(20, Some(t0), t0), 600_000);
        assert_eq!(remaining_for(0, Some(t0), t0), 0);
    }

    #[test]
    fn success_policy_by_indexes_or_count() {
        let job = json!({"spec": {"successPolicy": {"rules": [{"succeededIndexes": "0,2-3"}, {"succeededCount": 3}]}}});
        let some = Intervals::default().with([0, 2]);
        assert_eq!(match_success_policy(&job, 5, &some), None);
        let more = some.with([3]);
        assert_eq!(
            match_success_policy(&job, 5, &more).as_deref(),
            Some("Matched rules at index 0")
        );
        let other = Intervals::default().with([1, 2, 4]);
        assert_eq!(
            match_success_policy(&job, 5, &other).as_deref(),
            Some("Matched rules at index 1")
        );
    }
}
