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
use crate::api::{Result, Status, conditions, kinds, meta, pdb};
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
        self.serve("create", kind("Pod"), "eviction", (namespace, name), |s| {
            s.evict_served(namespace, name, options, dry_run)
        })
    }

    fn evict_served(
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
            .filter(|b| pdb::guards(b, &pod))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::controllers::{is_pod_active, kind as kind_of};
    use crate::rng::Rng;
    use crate::time::SECOND;

    /// A store with the `default` namespace and service account.
    fn store() -> Store {
        let mut s = Store::new(7);
        s.create(
            kind_of("", "Namespace"),
            json!({"metadata": {"name": "default"}}),
        )
        .unwrap();
        s.create(
            kind_of("", "ServiceAccount"),
            json!({"metadata": {"name": "default", "namespace": "default"}}),
        )
        .unwrap();
        s
    }

    /// A running pod labelled `app=web`, ready or not.
    fn pod(s: &mut Store, name: &str, phase: &str, ready: bool) {
        let created = s
            .create(
                kind("Pod"),
                json!({"metadata": {"name": name, "namespace": "default", "labels": {"app": "web"}},
                       "spec": {"nodeName": "n1", "containers": [{"name": "c", "image": "nginx"}]}}),
            )
            .unwrap();
        let mut with_status = created;
        with_status["status"] = json!({"phase": phase, "conditions": [
            {"type": "Ready", "status": if ready { "True" } else { "False" }}
        ]});
        s.update_status(kind("Pod"), &with_status).unwrap();
    }

    fn budget(s: &mut Store, name: &str, spec: Value, status: Value) {
        let created = s
            .create(
                kind("PodDisruptionBudget"),
                json!({"metadata": {"name": name, "namespace": "default"}, "spec": spec}),
            )
            .unwrap();
        let mut with_status = created;
        with_status["status"] = status;
        s.update_status(kind("PodDisruptionBudget"), &with_status)
            .unwrap();
    }

    fn web() -> Value {
        json!({"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}})
    }

    fn evict(s: &mut Store, name: &str) -> Result<()> {
        s.evict("default", name, DeleteOptions::default(), false)
    }

    #[test]
    fn a_pod_without_a_budget_is_marked_and_deleted_gracefully() {
        let mut s = store();
        pod(&mut s, "a", "Running", true);
        evict(&mut s, "a").unwrap();
        let a = s.get(kind("Pod"), "default", "a").unwrap();
        assert!(meta::is_deleting(a));
        let target = crate::controllers::condition(a, "DisruptionTarget").unwrap();
        assert_eq!(target["reason"], "EvictionByEvictionAPI");
        assert_eq!(target["message"], "Eviction API: evicting");
        assert_eq!(
            evict(&mut s, "zzz").unwrap_err().message,
            "pods \"zzz\" not found"
        );
    }

    #[test]
    fn a_budget_spends_one_disruption_then_says_429() {
        let mut s = store();
        pod(&mut s, "a", "Running", true);
        pod(&mut s, "b", "Running", true);
        let status = json!({"observedGeneration": 1, "disruptionsAllowed": 1, "currentHealthy": 2, "desiredHealthy": 1, "expectedPods": 2});
        budget(&mut s, "web", web(), status);
        evict(&mut s, "a").unwrap();
        let b = s
            .get(kind("PodDisruptionBudget"), "default", "web")
            .unwrap();
        assert_eq!(b.pointer("/status/disruptionsAllowed"), Some(&json!(0)));
        assert!(b.pointer("/status/disruptedPods/a").is_some());
        assert_eq!(
            b.pointer("/status/conditions/0/reason"),
            Some(&json!("InsufficientPods"))
        );
        let refused = evict(&mut s, "b").unwrap_err();
        assert_eq!(refused.reason, crate::api::Reason::TooManyRequests);
        assert_eq!(refused.message, TOO_MANY_REQUESTS);
        assert!(!meta::is_deleting(
            s.get(kind("Pod"), "default", "b").unwrap()
        ));
    }

    #[test]
    fn budgets_are_checked_as_upstream_checks_them() {
        let mut s = store();
        pod(&mut s, "pending", "Pending", false);
        pod(&mut s, "unready", "Running", false);
        pod(&mut s, "ready", "Running", true);
        let blocked = json!({"observedGeneration": 1, "disruptionsAllowed": 0, "currentHealthy": 1, "desiredHealthy": 1, "expectedPods": 3});
        budget(&mut s, "web", web(), blocked.clone());
        // Not running yet: no budget asked.
        evict(&mut s, "pending").unwrap();
        // Unready while the budget is met: goes without spending a disruption.
        evict(&mut s, "unready").unwrap();
        assert_eq!(
            evict(&mut s, "ready").unwrap_err().reason,
            crate::api::Reason::TooManyRequests
        );
        // A second budget selecting the same pod: refused, without a reason (code 500).
        budget(&mut s, "other", web(), blocked);
        let two = evict(&mut s, "ready").unwrap_err();
        assert_eq!(two.reason, crate::api::Reason::Unknown);
        assert_eq!(two.message, MORE_THAN_ONE);
        // A budget the controller has not seen yet (observedGeneration behind): 429.
        let mut s = store();
        pod(&mut s, "ready", "Running", true);
        budget(
            &mut s,
            "web",
            web(),
            json!({"observedGeneration": 0, "disruptionsAllowed": 5}),
        );
        assert_eq!(
            evict(&mut s, "ready").unwrap_err().reason,
            crate::api::Reason::TooManyRequests
        );
        // An empty selector guards nothing here.
        let mut s = store();
        pod(&mut s, "ready", "Running", true);
        budget(
            &mut s,
            "all",
            json!({"minAvailable": 1, "selector": {}}),
            json!({"observedGeneration": 1}),
        );
        evict(&mut s, "ready").unwrap();
    }

    #[test]
    fn unhealthy_pods_go_with_always_allow_even_when_the_budget_is_short() {
        let mut s = store();
        pod(&mut s, "unready", "Running", false);
        let short = json!({"observedGeneration": 1, "disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 1});
        budget(&mut s, "web", web(), short.clone());
        assert!(evict(&mut s, "unready").is_err());
        let mut s = store();
        pod(&mut s, "unready", "Running", false);
        let mut spec = web();
        spec["unhealthyPodEvictionPolicy"] = json!("AlwaysAllow");
        budget(&mut s, "web", spec, short);
        evict(&mut s, "unready").unwrap();
    }

    /// Whatever order evictions come in, and however time passes between them, a budget of
    /// minAvailable M keeps M pods ready: every eviction the API allows leaves at least M ready
    /// pods not being deleted.
    #[test]
    fn evictions_never_take_a_deployment_below_its_budget() {
        for seed in 1..=4u64 {
            let mut sim = crate::bootstrap::default_cluster(seed);
            let mut rng = Rng::new(seed);
            let replicas = 2 + rng.below(4) as i64;
            let min = 1 + rng.below(replicas as u64 - 1) as i64;
            sim.store
                .create(
                    kind_of("apps", "Deployment"),
                    json!({"metadata": {"name": "web", "namespace": "default"}, "spec": {
                        "replicas": replicas,
                        "selector": {"matchLabels": {"app": "web"}},
                        "template": {"metadata": {"labels": {"app": "web"}},
                                     "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}}}),
                )
                .unwrap();
            sim.store
                .create(
                    kind("PodDisruptionBudget"),
                    json!({"metadata": {"name": "web", "namespace": "default"}, "spec": {
                        "minAvailable": min, "selector": {"matchLabels": {"app": "web"}}}}),
                )
                .unwrap();
            sim.advance(30 * SECOND);
            let mut allowed = 0;
            for _ in 0..60 {
                let names: Vec<String> = sim
                    .store
                    .list(kind("Pod"), Some("default"))
                    .filter(|p| is_pod_active(p))
                    .map(|p| meta::name(p).to_string())
                    .collect();
                let picked = names.get(rng.below(names.len().max(1) as u64) as usize);
                if let Some(name) = picked
                    && sim
                        .store
                        .evict("default", name, DeleteOptions::default(), false)
                        .is_ok()
                {
                    allowed += 1;
                    let ready = sim
                        .store
                        .list(kind("Pod"), Some("default"))
                        .filter(|p| is_pod_active(p) && is_pod_ready(p))
                        .count() as i64;
                    assert!(ready >= min, "seed {seed}: {ready} ready < {min}");
                }
                sim.settle();
                sim.advance(rng.below(4 * SECOND as u64) as i64);
            }
            assert!(allowed > 0, "seed {seed}: no eviction was ever allowed");
        }
    }
}
