//! What everyone who deals with volumes needs to know about claims, volumes and classes
//! (upstream's `component-helpers/storage/volume` helpers): classes, binding modes, access
//! modes, sizes, matching a claim to a volume, and which claims a pod uses.

use serde_json::Value;

use super::super::kind;
use crate::api::{meta, quantity, selector};
use crate::store::Store;

pub const ANN_BIND_COMPLETED: &str = "pv.kubernetes.io/bind-completed";
pub const ANN_BOUND_BY_CONTROLLER: &str = "pv.kubernetes.io/bound-by-controller";
pub const ANN_PROVISIONED_BY: &str = "pv.kubernetes.io/provisioned-by";
pub const ANN_STORAGE_PROVISIONER: &str = "volume.kubernetes.io/storage-provisioner";
pub const ANN_BETA_STORAGE_PROVISIONER: &str = "volume.beta.kubernetes.io/storage-provisioner";
pub const ANN_SELECTED_NODE: &str = "volume.kubernetes.io/selected-node";
const ANN_BETA_CLASS: &str = "volume.beta.kubernetes.io/storage-class";

/// An annotation's value, if the object has it.
pub fn annotation<'a>(obj: &'a Value, key: &str) -> Option<&'a str> {
    obj.get("metadata")?.get("annotations")?.get(key)?.as_str()
}

/// `GetPersistentVolumeClaimClass`: the beta annotation wins over `storageClassName`.
pub fn claim_class(claim: &Value) -> &str {
    annotation(claim, ANN_BETA_CLASS)
        .unwrap_or_else(|| meta::str_at(claim, "/spec/storageClassName"))
}

/// `GetPersistentVolumeClass`.
pub fn volume_class(volume: &Value) -> &str {
    annotation(volume, ANN_BETA_CLASS)
        .unwrap_or_else(|| meta::str_at(volume, "/spec/storageClassName"))
}

pub fn class<'a>(store: &'a Store, name: &str) -> Option<&'a Value> {
    if name.is_empty() {
        return None;
    }
    store
        .get(kind("storage.k8s.io", "StorageClass"), "", name)
        .ok()
}

/// `IsDelayBindingMode`: the claim's class binds when the first pod using it is scheduled.
pub fn is_delay_binding(store: &Store, claim: &Value) -> bool {
    class(store, claim_class(claim))
        .is_some_and(|c| meta::str_at(c, "/volumeBindingMode") == "WaitForFirstConsumer")
}

/// The requested or offered storage, in milli-bytes.
pub fn size(obj: &Value, pointer: &str) -> i128 {
    meta::at(obj, pointer)
        .and_then(Value::as_str)
        .and_then(quantity::parse_milli)
        .unwrap_or(0)
}

fn modes(obj: &Value, pointer: &str) -> Vec<String> {
    meta::at(obj, pointer)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// `CheckAccessModes`: the volume offers every mode the claim asks for.
pub fn access_modes_fit(claim: &Value, volume: &Value) -> bool {
    let offered = modes(volume, "/spec/accessModes");
    modes(claim, "/spec/accessModes")
        .iter()
        .all(|m| offered.contains(m))
}

/// `CheckVolumeModeMismatches` (both default to Filesystem).
pub fn volume_modes_match(claim: &Value, volume: &Value) -> bool {
    fn mode(obj: &Value) -> &str {
        match meta::str_at(obj, "/spec/volumeMode") {
            "" => "Filesystem",
            m => m,
        }
    }
    mode(claim) == mode(volume)
}

/// `IsVolumeBoundToClaim`: the volume's claimRef names this claim (and its uid, once set).
pub fn is_bound_to(volume: &Value, claim: &Value) -> bool {
    let Some(r) = volume.pointer("/spec/claimRef") else {
        return false;
    };
    meta::str_at(r, "/name") == meta::name(claim)
        && meta::str_at(r, "/namespace") == meta::namespace(claim)
        && (meta::str_at(r, "/uid").is_empty() || meta::str_at(r, "/uid") == meta::uid(claim))
}

/// `checkVolumeSatisfyClaim`: why a requested volume does not fit the claim, if it does not.
pub fn unsatisfied_because(volume: &Value, claim: &Value) -> Option<String> {
    if meta::is_deleting(volume) {
        return Some(format!(
            "the volume is marked for deletion {:?}",
            meta::name(volume)
        ));
    }
    if size(volume, "/spec/capacity/storage") < size(claim, "/spec/resources/requests/storage") {
        return Some("requested PV is too small".into());
    }
    if volume_class(volume) != claim_class(claim) {
        return Some("storageClassName does not match".into());
    }
    if !volume_modes_match(claim, volume) {
        return Some("incompatible volumeMode".into());
    }
    if !access_modes_fit(claim, volume) {
        return Some("incompatible accessMode".into());
    }
    None
}

/// `findMatchingVolume`: the smallest volume that fits the claim. A volume pre-bound to this
/// claim wins outright. With delayed binding and no node, only pre-bound volumes count (the
/// scheduler picks the others, knowing the node); with a node, volumes whose node affinity
/// excludes it are skipped.
pub fn best_match<'a>(
    store: &'a Store,
    claim: &Value,
    delay_binding: bool,
    node: Option<&Value>,
) -> Option<&'a Value> {
    let requested = size(claim, "/spec/resources/requests/storage");
    let sel = claim.pointer("/spec/selector");
    let class = claim_class(claim);
    let mut best: Option<(i128, &Value)> = None;
    for volume in store.list(kind("", "PersistentVolume"), None) {
        let capacity = size(volume, "/spec/capacity/storage");
        if capacity < requested
            || !volume_modes_match(claim, volume)
            || meta::is_deleting(volume)
            || !access_modes_fit(claim, volume)
        {
            continue;
        }
        let affinity_ok = node.is_none_or(|n| node_affinity_allows(volume, n));
        if is_bound_to(volume, claim) {
            return affinity_ok.then_some(volume);
        }
        if node.is_none() && delay_binding {
            continue;
        }
        if meta::str_at(volume, "/status/phase") != "Available"
            || volume
                .pointer("/spec/claimRef")
                .is_some_and(|r| !r.is_null())
            || sel.is_some_and(|s| !selector::matches(Some(s), meta::labels(volume)))
            || volume_class(volume) != class
            || !affinity_ok
        {
            continue;
        }
        if best.is_none_or(|(c, _)| capacity < c) {
            best = Some((capacity, volume));
        }
    }
    best.map(|(_, v)| v)
}

/// `CheckNodeAffinity`: whether a volume's required node affinity admits the node.
pub fn node_affinity_allows(volume: &Value, node: &Value) -> bool {
    let Some(terms) = volume
        .pointer("/spec/nodeAffinity/required/nodeSelectorTerms")
        .and_then(Value::as_array)
    else {
        return true;
    };
    let as_pod = serde_json::json!({"spec": {"affinity": {"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}
    }}}});
    crate::scheduler::plugins::node_affinity::required_matches(&as_pod, node)
}

/// The names of the claims a pod's volumes use.
pub fn pod_claims(pod: &Value) -> Vec<&str> {
    pod.pointer("/spec/volumes")
        .and_then(Value::as_array)
        .map(|vs| {
            vs.iter()
                .filter_map(|v| v.pointer("/persistentVolumeClaim/claimName"))
                .filter_map(Value::as_str)
                .collect()
        })
        .unwrap_or_default()
}

/// `RWO`, `ROX`, `RWX`, `RWOP`, comma-joined (`GetAccessModesAsString`, which lists each mode
/// once, in that order).
pub fn access_modes_string(obj: &Value, pointer: &str) -> String {
    let present = modes(obj, pointer);
    [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ]
    .iter()
    .filter(|(long, _)| present.iter().any(|m| m == long))
    .map(|(_, short)| *short)
    .collect::<Vec<_>>()
    .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn access_modes_print_short_and_ordered() {
        let pv =
            json!({"spec": {"accessModes": ["ReadWriteMany", "ReadWriteOnce", "ReadWriteOnce"]}});
        assert_eq!(access_modes_string(&pv, "/spec/accessModes"), "RWO,RWX");
        assert_eq!(access_modes_string(&json!({}), "/spec/accessModes"), "");
    }

    #[test]
    fn satisfying_a_claim() {
        let claim = json!({"metadata": {"name": "c", "namespace": "default", "uid": "u"},
            "spec": {"storageClassName": "manual", "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}});
        let pv = json!({"metadata": {"name": "pv"},
            "spec": {"storageClassName": "manual", "accessModes": ["ReadWriteOnce", "ReadOnlyMany"], "capacity": {"storage": "2Gi"}}});
        assert_eq!(unsatisfied_because(&pv, &claim), None);
        let mut small = pv.clone();
        small["spec"]["capacity"]["storage"] = json!("500Mi");
        assert_eq!(
            unsatisfied_because(&small, &claim).as_deref(),
            Some("requested PV is too small")
        );
        let mut rwx = claim.clone();
        rwx["spec"]["accessModes"] = json!(["ReadWriteMany"]);
        assert_eq!(
            unsatisfied_because(&pv, &rwx).as_deref(),
            Some("incompatible accessMode")
        );
        let mut other = pv.clone();
        other["spec"]["storageClassName"] = json!("fast");
        assert_eq!(
            unsatisfied_because(&other, &claim).as_deref(),
            Some("storageClassName does not match")
        );
    }
}
