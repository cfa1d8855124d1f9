//! Upstream's `progress.go` and the status half of `sync.go`: a Deployment's status counted
//! from its ReplicaSets, the `Available` condition, and the `Progressing` condition that
//! tracks a rollout — created, progressing, complete, or past its `progressDeadlineSeconds`
//! (checked again just after the deadline, since nothing else would wake the controller).

use serde_json::{Value, json};

use super::Sync;
use super::util::{self, spec_replicas};
use crate::api::meta;
use crate::controllers::int_at;
use crate::time::SECOND;

impl Sync<'_> {
    /// `calculateStatus`: counts summed over the ReplicaSets, `updatedReplicas` from the new
    /// one, and `Available` once at most `maxUnavailable` pods are missing.
    fn calculate_status(&self, new_rs: Option<usize>) -> Value {
        let d = self.d;
        let sum = |pointer: &str| -> i64 { self.rss.iter().map(|rs| int_at(rs, pointer)).sum() };
        let available = sum("/status/availableReplicas");
        let total: i64 = self.rss.iter().map(spec_replicas).sum();
        let mut status = json!({
            "observedGeneration": int_at(d, "/metadata/generation"),
            "replicas": sum("/status/replicas"),
            "updatedReplicas": new_rs.and_then(|i| self.rss.get(i)).map_or(0, |rs| int_at(rs, "/status/replicas")),
            "readyReplicas": sum("/status/readyReplicas"),
            "availableReplicas": available,
            "unavailableReplicas": (total - available).max(0),
        });
        // All of them are `omitempty`.
        if let Some(map) = status.as_object_mut() {
            map.retain(|_, v| v != &json!(0));
        }
        if let Some(collisions) = self.status.get("collisionCount") {
            status["collisionCount"] = collisions.clone();
        }
        status["conditions"] = self.status.get("conditions").cloned().unwrap_or(json!([]));
        let (value, reason, message) = if available >= spec_replicas(d) - util::max_unavailable(d) {
            (
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
            )
        } else {
            (
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
            )
        };
        let condition = util::new_condition("Available", value, reason, message, self.now);
        util::set_condition(&mut status, condition);
        status
    }

    /// `syncDeploymentStatus`: status without judging progress (scaling, pausing, deleting).
    pub(super) fn sync_deployment_status(&mut self, new_rs: Option<usize>) {
        self.status = self.calculate_status(new_rs);
    }

    /// `syncRolloutStatus`: status, and the `Progressing` condition while a rollout is on.
    pub(super) fn sync_rollout_status(&mut self, new_rs: Option<usize>) {
        let d = self.d;
        let mut status = self.calculate_status(new_rs);
        if !util::has_progress_deadline(d) {
            util::remove_condition(&mut status, "Progressing");
        }
        let current = util::condition(&self.status, "Progressing").cloned();
        let complete_before = int_at(&status, "/replicas") == int_at(&status, "/updatedReplicas")
            && current
                .as_ref()
                .is_some_and(|c| meta::str_at(c, "/reason") == util::NEW_RS_AVAILABLE);
        let subject = match new_rs.and_then(|i| self.rss.get(i)) {
            Some(rs) => format!("ReplicaSet \"{}\"", meta::name(rs)),
            None => format!("Deployment \"{}\"", meta::name(d)),
        };
        if util::has_progress_deadline(d) && !complete_before {
            if util::deployment_complete(d, &status) {
                let message = format!("{subject} has successfully progressed.");
                let condition = util::new_condition(
                    "Progressing",
                    "True",
                    util::NEW_RS_AVAILABLE,
                    &message,
                    self.now,
                );
                util::set_condition(&mut status, condition);
            } else if util::deployment_progressing(d, &status) {
                // Progress refreshes the condition's update time even with the same reason:
                // that time is what the deadline counts from.
                let message = format!("{subject} is progressing.");
                let mut condition = util::new_condition(
                    "Progressing",
                    "True",
                    util::RS_UPDATED,
                    &message,
                    self.now,
                );
                if let Some(current) = &current {
                    if meta::str_at(current, "/status") == "True"
                        && let Some(t) = current.get("lastTransitionTime")
                    {
                        condition["lastTransitionTime"] = t.clone();
                    }
                    util::remove_condition(&mut status, "Progressing");
                }
                util::set_condition(&mut status, condition);
            } else if util::deployment_timed_out(d, &status, self.now) {
                let message = format!("{subject} has timed out progressing.");
                let condition = util::new_condition(
                    "Progressing",
                    "False",
                    util::TIMED_OUT,
                    &message,
                    self.now,
                );
                util::set_condition(&mut status, condition);
            }
        }
        let failures = self.replica_failures(new_rs);
        match failures.into_iter().next() {
            Some(failure) => util::set_condition(&mut status, failure),
            None => util::remove_condition(&mut status, "ReplicaFailure"),
        }
        if d.get("status") == Some(&status) {
            self.requeue_stuck(&status);
        }
        self.status = status;
    }

    /// `getReplicaFailures`: a `ReplicaFailure` condition of the new ReplicaSet, else of any.
    fn replica_failures(&self, new_rs: Option<usize>) -> Vec<Value> {
        let failures = |rs: &Value| -> Vec<Value> {
            rs.pointer("/status/conditions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter(|c| meta::str_at(c, "/type") == "ReplicaFailure")
                .map(|c| {
                    let time = c.get("lastTransitionTime").cloned().unwrap_or(Value::Null);
                    json!({
                        "type": "ReplicaFailure",
                        "status": c.get("status"),
                        "lastTransitionTime": time,
                        "lastUpdateTime": time,
                        "reason": c.get("reason"),
                        "message": c.get("message"),
                    })
                })
                .collect()
        };
        let from_new = new_rs
            .and_then(|i| self.rss.get(i))
            .map(failures)
            .unwrap_or_default();
        if !from_new.is_empty() {
            return from_new;
        }
        self.rss.iter().flat_map(failures).collect()
    }

    /// `requeueStuckDeployment`: a rollout that has made no progress is looked at again just
    /// after its deadline (a second later, as upstream adds), to declare it timed out.
    fn requeue_stuck(&mut self, status: &Value) {
        let d = self.d;
        let Some(current) = util::condition(&self.status, "Progressing") else {
            return;
        };
        if !util::has_progress_deadline(d)
            || util::deployment_complete(d, status)
            || meta::str_at(current, "/reason") == util::TIMED_OUT
        {
            return;
        }
        let Some(updated) =
            crate::time::Time::parse_rfc3339(meta::str_at(current, "/lastUpdateTime"))
        else {
            return;
        };
        let deadline = int_at(d, "/spec/progressDeadlineSeconds") * SECOND;
        let after = updated.plus_millis(deadline).since(self.now);
        // Under a second left: upstream requeues rate-limited, 5 ms for a fresh key.
        self.requeue_after = Some(if after < SECOND { 5 } else { after + SECOND });
    }
}
