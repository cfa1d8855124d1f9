//! Admission: what the API server adds to or refuses in an object on create, beyond defaulting,
//! by looking at other objects — the ServiceAccount plugin (default account and its token
//! volume), DefaultTolerationSeconds, Priority, DefaultStorageClass and
//! StorageObjectInUseProtection.

use serde_json::{Value, json};

use super::Store;
use crate::api::{Kind, Result, Status, kinds, meta};

pub(super) fn admit_create(store: &mut Store, kind: &Kind, obj: &mut Value) -> Result<()> {
    if kind.kind == "Pod" {
        service_account(store, obj)?;
        default_tolerations(obj);
        priority(store, obj)?;
    }
    if kind.kind == "PersistentVolumeClaim" {
        default_storage_class(store, obj);
    }
    storage_protection(kind, obj);
    if kind.kind == "Service" {
        super::allocate::service(store, obj)?;
    }
    Ok(())
}

/// DefaultStorageClass: a claim that names no class gets the cluster's default one (the class
/// annotated `storageclass.kubernetes.io/is-default-class: "true"`; the newest wins when there
/// are several, as upstream picks). An explicit `storageClassName: ""` stays: it asks for a
/// volume without a class.
fn default_storage_class(store: &Store, claim: &mut Value) {
    if meta::at(claim, "/spec/storageClassName").is_some_and(|v| !v.is_null()) {
        return;
    }
    let Some(class_kind) = kinds::by_kind("storage.k8s.io", "StorageClass") else {
        return;
    };
    let default = store
        .list(class_kind, None)
        .filter(|c| {
            meta::str_at(
                c,
                "/metadata/annotations/storageclass.kubernetes.io~1is-default-class",
            ) == "true"
        })
        .min_by_key(|c| {
            (
                std::cmp::Reverse(meta::str_at(c, "/metadata/creationTimestamp").to_string()),
                meta::name(c).to_string(),
            )
        });
    if let Some(class) = default {
        meta::ensure_object(claim, "spec")
            .insert("storageClassName".into(), json!(meta::name(class)));
    }
}

/// StorageObjectInUseProtection: claims and volumes carry a finalizer that the protection
/// controllers remove only once nothing uses them, so deleting one in use leaves it Terminating.
fn storage_protection(kind: &Kind, obj: &mut Value) {
    let finalizer = match kind.kind {
        "PersistentVolumeClaim" => "kubernetes.io/pvc-protection",
        "PersistentVolume" => "kubernetes.io/pv-protection",
        _ => return,
    };
    let list = meta::metadata_mut(obj)
        .entry("finalizers")
        .or_insert(json!([]));
    if let Some(list) = list.as_array_mut()
        && !list.iter().any(|f| f == finalizer)
    {
        list.push(json!(finalizer));
    }
}

/// The ServiceAccount admission plugin: every pod runs as a service account (`default` unless it
/// names one) that must exist, and gets the account's API token projected into each container.
fn service_account(store: &mut Store, pod: &mut Value) -> Result<()> {
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
        return Err(Status::forbidden(format!(
            "pods \"{}\" is forbidden: error looking up service account {namespace}/{account}: serviceaccount \"{account}\" not found",
            meta::name(pod)
        )));
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

/// DefaultTolerationSeconds: pods tolerate a not-ready or unreachable node for 300 s before the
/// taint manager evicts them, unless they say otherwise.
fn default_tolerations(pod: &mut Value) {
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

/// The Priority plugin: a pod's `priority` comes from its PriorityClass (which must exist), or
/// is 0 without one; `preemptionPolicy` follows the class.
fn priority(store: &Store, pod: &mut Value) -> Result<()> {
    let class_name = meta::str_at(pod, "/spec/priorityClassName").to_string();
    let (value, policy) = if class_name.is_empty() {
        (0, "PreemptLowerPriority".to_string())
    } else {
        let class = kinds::by_kind("scheduling.k8s.io", "PriorityClass")
            .and_then(|k| store.get(k, "", &class_name).ok())
            .ok_or_else(|| {
                Status::forbidden(format!(
                    "pods \"{}\" is forbidden: no PriorityClass with name {class_name} was found",
                    meta::name(pod)
                ))
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
