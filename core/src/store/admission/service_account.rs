//! The ServiceAccount plugin: the pod's account must exist; its token is projected into the
//! containers.

use serde_json::{Value, json};

use super::forbidden;
use crate::api::{Kind, Result, kinds, meta};
use crate::store::Store;

/// The ServiceAccount admission plugin: every pod runs as a service account (`default` unless it
/// names one) that must exist, and gets the account's API token projected into each container.
pub(super) fn admit(
    store: &mut Store,
    kind: &Kind,
    pod: &mut Value,
    requested: &str,
) -> Result<()> {
    let namespace = meta::namespace(pod).to_string();
    let spec = meta::ensure_object(pod, "spec");
    let account = match spec.get("serviceAccountName").and_then(Value::as_str) {
        Some(name) if !name.is_empty() => name.to_string(),
        _ => "default".to_string(),
    };
    spec.insert("serviceAccountName".into(), json!(account));
    spec.insert("serviceAccount".into(), json!(account));
    let sa_kind = kinds::by_kind("", "ServiceAccount");
    if let Some(sa_kind) = sa_kind
        && store.get(sa_kind, &namespace, &account).is_err()
    {
        return Err(forbidden(
            kind,
            requested,
            &format!(
                "error looking up service account {namespace}/{account}: serviceaccount \"{account}\" not found"
            ),
        ));
    }
    if spec.get("automountServiceAccountToken") == Some(&json!(false)) {
        return Ok(());
    }
    let volume_name = format!("kube-api-access-{}", store.rng().suffix(5));
    let spec = meta::ensure_object(pod, "spec");
    let volumes = spec.entry("volumes").or_insert(json!([]));
    if let Some(volumes) = volumes.as_array_mut() {
        volumes.push(json!({
            "name": volume_name,
            "projected": {
                "defaultMode": 420,
                "sources": [
                    {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                    {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                    {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}
                ]
            }
        }));
    }
    for list in ["initContainers", "containers"] {
        if let Some(containers) = spec.get_mut(list).and_then(Value::as_array_mut) {
            for c in containers.iter_mut() {
                let mounts = meta::as_object_mut(c)
                    .entry("volumeMounts")
                    .or_insert(json!([]));
                if let Some(mounts) = mounts.as_array_mut() {
                    mounts.push(json!({
                        "name": volume_name,
                        "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount",
                        "readOnly": true
                    }));
                }
            }
        }
    }
    Ok(())
}
