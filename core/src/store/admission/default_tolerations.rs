//! DefaultTolerationSeconds: pods tolerate not-ready and unreachable nodes for 300 s.

use serde_json::{Value, json};

use crate::api::meta;

/// DefaultTolerationSeconds: pods tolerate a not-ready or unreachable node for 300 s before the
/// taint manager evicts them, unless they say otherwise.
pub(super) fn admit(pod: &mut Value) {
    let spec = meta::ensure_object(pod, "spec");
    let tolerations = spec.entry("tolerations").or_insert(json!([]));
    let Some(list) = tolerations.as_array_mut() else {
        return;
    };
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        let tolerated = list.iter().any(|t| {
            let t_key = t.get("key").and_then(Value::as_str).unwrap_or("");
            let effect = t.get("effect").and_then(Value::as_str).unwrap_or("");
            (t_key == key || t_key.is_empty()) && (effect == "NoExecute" || effect.is_empty())
        });
        if !tolerated {
            list.push(json!({
                "key": key,
                "operator": "Exists",
                "effect": "NoExecute",
                "tolerationSeconds": 300
            }));
        }
    }
}
