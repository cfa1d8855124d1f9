//! The `pods/eviction` subresource: a delete that asks the pod's PodDisruptionBudget first, as
//! upstream's `EvictionREST` does. `kubectl drain` goes through here, so a budget can say "not
//! now" (429) and the client retries.
//!
//! Pods that are finished, not yet running, or already being deleted go without asking. For
//! the others: no budget, go; more than one, refuse; one, and the pod is not ready while the
//! budget is met (or its `unhealthyPodEvictionPolicy` is `AlwaysAllow`), go without spending a
//! disruption; otherwise spend one (`disruptionsAllowed` − 1, the pod noted in
//! `status.disruptedPods`) or answer TooManyRequests. Every evicted pod is marked with a
//! `DisruptionTarget` condition before its graceful deletion starts.

use serde_json::{Value, json};

use super::{DeleteOptions, Store};
use crate::api::{Result, Status, conditions, kinds, meta, pdb, selector};
use crate::controllers::{int_at as int, is_pod_ready};

/// `MaxDisruptedPodSize`: evictions the controller has not confirmed yet, at most.
const MAX_DISRUPTED_PODS: usize = 2000;

const TOO_MANY_REQUESTS: &str = "Cannot evict pod as it would violate the pod's disruption budget.";
const MORE_THAN_ONE: &str = "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.";

fn kind(name: &str) -> &'static crate::api::Kind {
    let group = if name == "PodDisruptionBudget" {
        "policy"
    } else {
        ""
    };
    kinds::by_kind(group, name).unwrap_or(&kinds::KINDS[0])
}

impl Store {
    /// Evicts a pod: deletes it with `options` if its disruption budget allows, or explains
    /// why not. With `dry_run`, every check is made and nothing is written.
    pub fn evict(
        &mut self,
        namespace: &str,
        name: &str,
        options: DeleteOptions,
        dry_run: bool,
    ) -> Result<()> {
        let pod = self.get(kind("Pod"), namespace, name)?.clone();
        if can_ignore_budget(&pod) {
            return self.mark_and_delete(pod, options, dry_run);
        }
        let budgets: Vec<Value> = self
            .list(kind("PodDisruptionBudget"), Some(namespace))
            .filter(|b| guards(b, &pod))
            .cloned()
            .collect();
        let budget = match budgets.as_slice() {
            [] => return self.mark_and_delete(pod, options, dry_run),
            [one] => one.clone(),
            _ => return Err(Status::failure(MORE_THAN_ONE)),
        };
        if !is_pod_ready(&pod) {
            // An unready pod does not count as healthy: evicting it costs no disruption if
            // the policy says so, or if the budget is met without it.
            let always = meta::str_at(&budget, "/spec/unhealthyPodEvictionPolicy") == "AlwaysAllow";
            let current = int(&budget, "/status/currentHealthy");
            let desired = int(&budget, "/status/desiredHealthy");
            if always || (current >= desired && desired > 0) {
                return self.mark_and_delete(pod, options, dry_run);
            }
        }
        self.check_and_decrement(budget, name, dry_run)?;
        self.mark_and_delete(pod, options, dry_run)
    }

    /// Spends one disruption of `budget` on `pod_name`, or refuses.
    fn check_and_decrement(
        &mut self,
        mut budget: Value,
        pod_name: &str,
        dry_run: bool,
    ) -> Result<()> {
        let forbidden = |reason: &str| {
            Status::forbidden(format!(
                "poddisruptionbudget.policy \"{}\" is forbidden: {reason}",
                meta::name(&budget)
            ))
        };
        if int(&budget, "/status/observedGeneration") < int(&budget, "/metadata/generation") {
            // The controller has not looked at this version of the budget yet.
            return Err(Status::too_many_requests(TOO_MANY_REQUESTS));
        }
        let allowed = int(&budget, "/status/disruptionsAllowed");
        if allowed < 0 {
            return Err(forbidden("pdb disruptions allowed is negative"));
        }
        let disrupted = budget
            .pointer("/status/disruptedPods")
            .and_then(Value::as_object)
            .map_or(0, |m| m.len());
        if disrupted > MAX_DISRUPTED_PODS {
            return Err(forbidden(
                "DisruptedPods map too big - too many evictions not confirmed by PDB controller",
            ));
        }
        if allowed == 0 {
            return Err(Status::too_many_requests(TOO_MANY_REQUESTS));
        }
        let now = self.now;
        let status = meta::ensure_object(&mut budget, "status");
        status.insert("disruptionsAllowed".into(), json!(allowed - 1));
        if allowed - 1 == 0 {
            pdb::update_disruption_allowed_condition(&mut budget, now);
        }
        if dry_run {
            return Ok(());
        }
        meta::child_object(meta::ensure_object(&mut budget, "status"), "disruptedPods")
            .insert(pod_name.to_string(), json!(now.rfc3339()));
        self.update_status(kind("PodDisruptionBudget"), &budget)?;
        Ok(())
    }

    /// Marks the pod as a disruption target, then deletes it (gracefully, as `options` say).
    fn mark_and_delete(
        &mut self,
        mut pod: Value,
        options: DeleteOptions,
        dry_run: bool,
    ) -> Result<()> {
        if dry_run {
            return Ok(());
        }
        let now = self.now;
        let (namespace, name) = (
            meta::namespace(&pod).to_string(),
            meta::name(&pod).to_string(),
        );
        if conditions::update_pod_condition(
            &mut pod,
            "DisruptionTarget",
            "True",
            "EvictionByEvictionAPI",
            "Eviction API: evicting",
            now,
        ) {
            self.update_status(kind("Pod"), &pod)?;
        }
        self.delete(kind("Pod"), &namespace, &name, options)?;
        Ok(())
    }
}

/// `canIgnorePDB`: finished, not yet running, or already going.
fn can_ignore_budget(pod: &Value) -> bool {
    matches!(
        meta::str_at(pod, "/status/phase"),
        "Succeeded" | "Failed" | "Pending"
    ) || meta::is_deleting(pod)
}

/// Whether `budget` guards `pod`. A missing or empty selector guards nothing here (upstream's
/// eviction handler refuses to let such a budget match everything).
fn guards(budget: &Value, pod: &Value) -> bool {
    let selector = budget.pointer("/spec/selector");
    let terms = |key: &str| {
        selector.and_then(|s| s.get(key)).map_or(0, |v| {
            v.as_object().map_or(0, |m| m.len()) + v.as_array().map_or(0, Vec::len)
        })
    };
    terms("matchLabels") + terms("matchExpressions") > 0
        && selector::matches(selector, meta::labels(pod))
}
