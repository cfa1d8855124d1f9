//! The clusterrole-aggregation controller: a ClusterRole with an `aggregationRule` gets as
//! its rules those of every ClusterRole its selectors match (selector by selector, roles by
//! name, each distinct rule once). That is how `admin`, `edit` and `view` hold their rules, and
//! how a custom role labelled `rbac.authorization.k8s.io/aggregate-to-view: "true"` widens
//! `view`.

use serde_json::{Value, json};

use super::{Controller, Ctx, ObjectKey, Op, Outcome, kind};
use crate::api::{meta, selector};
use crate::store::{Change, Store};

pub struct ClusterRoleAggregationController;

fn cluster_roles() -> &'static crate::api::Kind {
    kind("rbac.authorization.k8s.io", "ClusterRole")
}

impl Controller for ClusterRoleAggregationController {
    fn name(&self) -> &'static str {
        "clusterrole-aggregation-controller"
    }

    /// Any ClusterRole change may concern every aggregated role, as upstream enqueues them all.
    fn keys_for(&self, change: &Change, store: &Store, out: &mut Vec<ObjectKey>) {
        if change.kind.kind != "ClusterRole" || change.kind.group != "rbac.authorization.k8s.io" {
            return;
        }
        for role in store.list(cluster_roles(), None) {
            if role.get("aggregationRule").is_some_and(|r| !r.is_null()) {
                out.push(ObjectKey {
                    namespace: String::new(),
                    name: meta::name(role).to_string(),
                });
            }
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let Ok(role) = ctx.store.get(cluster_roles(), "", &key.name) else {
            return Outcome::default();
        };
        let selectors = meta::array_at(role, "/aggregationRule/clusterRoleSelectors");
        if selectors.is_empty() {
            return Outcome::default();
        }
        let mut rules: Vec<Value> = Vec::new();
        for sel in selectors {
            // `list` is ordered by name, as upstream sorts the matches.
            for other in ctx.store.list(cluster_roles(), None) {
                if meta::name(other) == key.name
                    || !selector::matches(Some(sel), meta::labels(other))
                {
                    continue;
                }
                for rule in meta::array_at(other, "/rules") {
                    if !rules.contains(rule) {
                        rules.push(rule.clone());
                    }
                }
            }
        }
        if meta::array_at(role, "/rules") == rules.as_slice() && role.get("rules").is_some() {
            return Outcome::default();
        }
        let mut updated = role.clone();
        updated["rules"] = json!(rules);
        Outcome::ops(vec![Op::Update(cluster_roles(), updated)])
    }
}
