//! Server-side dry run (`dryRun=All`): a create or an update checked as the API server checks
//! it — decoded strictly, its namespace looked up, defaulted, validated (against the stored
//! object for an update) — with nothing stored.
//!
//! These take `&self`: a dry run leaves no trace, not even a used-up random name, so the page's
//! editor can check a manifest on every keystroke without changing what later commands print.
//! Simplification: the admission plugins (which may write: quota charges, Service IPs) are not
//! run, so a dry run does not report a quota that would be exceeded or a missing service account.

use serde_json::Value;

use super::Store;
use crate::api::{Kind, Result, defaults, validation};

/// Stands in for the random suffix of a `generateName` (the real one is only drawn on a write).
const DRY_RUN_SUFFIX: &str = "00000";

impl Store {
    /// What creating `obj` would store, or the error the create would fail with.
    pub fn dry_run_create(&self, kind: &'static Kind, obj: Value) -> Result<Value> {
        let (kind, mut obj, namespace) = self.decode_for_create(kind, obj)?;
        let name = super::create_name(&obj, || DRY_RUN_SUFFIX.to_string());
        self.place_for_create(kind, &mut obj, &namespace, &name)?;
        defaults::apply(kind.kind, &mut obj);
        validation::validate_create(kind, &obj)?;
        Ok(obj)
    }

    /// What updating the stored object to `obj` would store, or the error the update would
    /// fail with.
    pub fn dry_run_update(&self, kind: &'static Kind, obj: Value) -> Result<Value> {
        let (kind, mut obj, old) = self.checked_update(kind, obj)?;
        self.bump_generation(kind, &old, &mut obj);
        Ok(obj)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::api::{Reason, kinds};

    fn deployment(replicas: i64) -> serde_json::Value {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "namespace": "default"},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": {"app": "web"}},
                "template": {
                    "metadata": {"labels": {"app": "web"}},
                    "spec": {"containers": [{"name": "nginx", "image": "nginx"}]},
                },
            },
        })
    }

    #[test]
    fn a_dry_run_validates_and_stores_nothing() {
        let mut sim = crate::bootstrap::default_cluster(1);
        let kind = kinds::by_kind("apps", "Deployment").unwrap();
        let rv = sim.store.resource_version();
        let err = sim.store.dry_run_create(kind, deployment(-1)).unwrap_err();
        assert_eq!(err.reason, Reason::Invalid);
        assert_eq!(err.causes[0].field, "spec.replicas");
        let ok = sim.store.dry_run_create(kind, deployment(2)).unwrap();
        assert_eq!(ok["spec"]["strategy"]["type"], "RollingUpdate", "defaulted");
        assert_eq!(sim.store.resource_version(), rv);
        assert!(sim.store.get(kind, "default", "web").is_err());

        sim.store.create(kind, deployment(2)).unwrap();
        let mut changed = deployment(3);
        changed["spec"]["selector"]["matchLabels"]["app"] = json!("other");
        let err = sim.store.dry_run_update(kind, changed).unwrap_err();
        assert!(
            err.message.contains("field is immutable"),
            "{}",
            err.message
        );
        let err = sim.store.dry_run_create(kind, deployment(2)).unwrap_err();
        assert_eq!(err.reason, Reason::AlreadyExists);
    }
}
