//! The Priority plugin: a pod's priority comes from its PriorityClass, which must exist.

use serde_json::{Value, json};

use super::forbidden;
use crate::api::{Kind, Result, kinds, meta};
use crate::store::Store;

/// The Priority plugin: a pod's `priority` comes from its PriorityClass (which must exist), or
/// is 0 without one; `preemptionPolicy` follows the class.
pub(super) fn admit(store: &Store, kind: &Kind, pod: &mut Value, requested: &str) -> Result<()> {
    let class_name = meta::str_at(pod, "/spec/priorityClassName").to_string();
    let (value, policy) = if class_name.is_empty() {
        (0, "PreemptLowerPriority".to_string())
    } else {
        let class = kinds::by_kind("scheduling.k8s.io", "PriorityClass")
            .and_then(|k| store.get(k, "", &class_name).ok())
            .ok_or_else(|| {
                forbidden(
                    kind,
                    requested,
                    &format!("no PriorityClass with name {class_name} was found"),
                )
            })?;
        let policy = match meta::str_at(class, "/preemptionPolicy") {
            "" => "PreemptLowerPriority",
            p => p,
        };
        (
            class.get("value").and_then(Value::as_i64).unwrap_or(0),
            policy.to_string(),
        )
    };
    let spec = meta::ensure_object(pod, "spec");
    spec.insert("priority".into(), json!(value));
    spec.entry("preemptionPolicy").or_insert(json!(policy));
    Ok(())
}
