//! A StatefulSet pod's identity and storage, as upstream's `stateful_set_utils.go` defines them.
//!
//! Pod `<set>-<ordinal>` has hostname = its name, subdomain = the set's `serviceName`, the labels
//! `statefulset.kubernetes.io/pod-name`, `apps.kubernetes.io/pod-index` and
//! `controller-revision-hash`, and for every claim template a volume of the same name backed by
//! the claim `<template>-<set>-<ordinal>`. Claims carry the set's selector labels, and owner
//! references that follow `persistentVolumeClaimRetentionPolicy`.

use serde_json::{Map, Value, json};

use super::super::int_at;
use crate::api::meta;

pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";
pub const REVISION_LABEL: &str = "controller-revision-hash";

/// `getParentNameAndOrdinal`: `web-12` is ordinal 12 of `web`.
pub fn parent_and_ordinal(pod_name: &str) -> Option<(&str, i64)> {
    let (parent, ordinal) = pod_name.rsplit_once('-')?;
    if ordinal.is_empty() || !ordinal.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((parent, ordinal.parse().ok()?))
}

/// The ordinal of a pod of `set`, if the pod's name makes it one (`isMemberOf`).
pub fn ordinal_in(set: &Value, pod: &Value) -> Option<i64> {
    parent_and_ordinal(meta::name(pod))
        .filter(|(parent, _)| *parent == meta::name(set))
        .map(|(_, ordinal)| ordinal)
}

/// `spec.ordinals.start`, 0 by default.
pub fn start_ordinal(set: &Value) -> i64 {
    int_at(set, "/spec/ordinals/start").max(0)
}

/// The ordinals a set of `replicas` keeps: `start .. start + replicas`.
pub fn in_range(set: &Value, ordinal: i64) -> bool {
    let start = start_ordinal(set);
    ordinal >= start && ordinal < start + int_at(set, "/spec/replicas").max(0)
}

pub fn pod_name(set: &Value, ordinal: i64) -> String {
    format!("{}-{ordinal}", meta::name(set))
}

pub fn claim_name(template_name: &str, set: &Value, ordinal: i64) -> String {
    format!("{template_name}-{}-{ordinal}", meta::name(set))
}

fn claim_templates(set: &Value) -> &[Value] {
    set.pointer("/spec/volumeClaimTemplates")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

/// `newVersionedStatefulSetPod`: the pod for `ordinal` from `template` (the template of the
/// revision named `revision`).
pub fn new_pod(set: &Value, template: &Value, revision: &str, ordinal: i64) -> Value {
    let name = pod_name(set, ordinal);
    let mut pod = json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": template.get("metadata").cloned().unwrap_or(json!({})),
        "spec": template.get("spec").cloned().unwrap_or(json!({})),
    });
    let m = meta::metadata_mut(&mut pod);
    m.remove("creationTimestamp");
    // GetPodFromTemplate names pods by prefix; the identity then sets the real name, so
    // StatefulSet pods show both.
    m.insert(
        "generateName".into(),
        json!(format!("{}-", meta::name(set))),
    );
    m.insert("name".into(), json!(name));
    m.insert("namespace".into(), json!(meta::namespace(set)));
    m.insert("ownerReferences".into(), json!([meta::controller_ref(set)]));
    update_identity(set, &mut pod, ordinal);
    labels_mut(&mut pod).insert(REVISION_LABEL.into(), json!(revision));
    let spec = meta::ensure_object(&mut pod, "spec");
    spec.insert("hostname".into(), json!(name));
    let service = meta::str_at(set, "/spec/serviceName");
    if !service.is_empty() {
        spec.insert("subdomain".into(), json!(service));
    }
    update_storage(set, &mut pod, ordinal);
    pod
}

fn labels_mut(pod: &mut Value) -> &mut Map<String, Value> {
    meta::as_object_mut(meta::metadata_mut(pod).entry("labels").or_insert(json!({})))
}

/// `updateIdentity`: the labels that name the pod's place in the set.
pub fn update_identity(set: &Value, pod: &mut Value, ordinal: i64) {
    let name = pod_name(set, ordinal);
    let labels = labels_mut(pod);
    labels.insert(POD_NAME_LABEL.into(), json!(name));
    labels.insert(POD_INDEX_LABEL.into(), json!(ordinal.to_string()));
}

/// `identityMatches`.
pub fn identity_matches(set: &Value, pod: &Value, ordinal: i64) -> bool {
    let label = |k: &str| {
        meta::labels(pod)
            .and_then(|l| l.get(k))
            .and_then(Value::as_str)
    };
    meta::name(pod) == pod_name(set, ordinal)
        && meta::namespace(pod) == meta::namespace(set)
        && label(POD_NAME_LABEL) == Some(meta::name(pod))
        && label(POD_INDEX_LABEL) == Some(ordinal.to_string().as_str())
}

/// `updateStorage`: a volume per claim template (replacing a template volume of that name),
/// before the pod's other volumes.
pub fn update_storage(set: &Value, pod: &mut Value, ordinal: i64) {
    let templates = claim_templates(set);
    if templates.is_empty() {
        return;
    }
    let spec = meta::ensure_object(pod, "spec");
    let current: Vec<Value> = spec
        .get("volumes")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let names: Vec<&str> = templates
        .iter()
        .map(|t| meta::str_at(t, "/metadata/name"))
        .collect();
    let mut volumes: Vec<Value> = names
        .iter()
        .map(|n| {
            json!({"name": n, "persistentVolumeClaim": {"claimName": claim_name(n, set, ordinal)}})
        })
        .collect();
    volumes.extend(
        current
            .into_iter()
            .filter(|v| !names.contains(&meta::str_at(v, "/name"))),
    );
    spec.insert("volumes".into(), json!(volumes));
}

/// `storageMatches`: every claim template has its volume, pointing at the right claim.
pub fn storage_matches(set: &Value, pod: &Value, ordinal: i64) -> bool {
    let volumes = pod
        .pointer("/spec/volumes")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    claim_templates(set).iter().all(|t| {
        let name = meta::str_at(t, "/metadata/name");
        volumes.iter().any(|v| {
            meta::str_at(v, "/name") == name
                && meta::str_at(v, "/persistentVolumeClaim/claimName")
                    == claim_name(name, set, ordinal)
        })
    })
}

/// `getPersistentVolumeClaims`: the claims of ordinal `ordinal`, labelled with the set's
/// selector.
pub fn claims(set: &Value, ordinal: i64) -> Vec<Value> {
    let selector_labels = set
        .pointer("/spec/selector/matchLabels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    claim_templates(set)
        .iter()
        .map(|t| {
            let mut claim = t.clone();
            if let Some(map) = claim.as_object_mut() {
                map.remove("status");
            }
            claim["apiVersion"] = json!("v1");
            claim["kind"] = json!("PersistentVolumeClaim");
            let name = claim_name(meta::str_at(t, "/metadata/name"), set, ordinal);
            let m = meta::metadata_mut(&mut claim);
            m.remove("creationTimestamp");
            m.insert("name".into(), json!(name));
            m.insert("namespace".into(), json!(meta::namespace(set)));
            let labels = meta::as_object_mut(m.entry("labels").or_insert(json!({})));
            for (k, v) in &selector_labels {
                labels.insert(k.clone(), v.clone());
            }
            claim
        })
        .collect()
}

/// What `persistentVolumeClaimRetentionPolicy` asks of a claim's owner references
/// (`updateClaimOwnerRefForSetAndPod`): the set owns it when claims go with the set, the pod
/// owns it when claims go with scaled-down pods and the pod is scaled down.
pub fn wanted_owners(set: &Value, scaled_down: bool) -> (bool, bool) {
    let delete = |k: &str| {
        meta::str_at(
            set,
            &format!("/spec/persistentVolumeClaimRetentionPolicy/{k}"),
        ) == "Delete"
    };
    let (when_deleted, when_scaled) = (delete("whenDeleted"), delete("whenScaled"));
    match (when_scaled, when_deleted) {
        (false, false) => (false, false),
        (false, true) => (true, false),
        (true, false) => (false, scaled_down),
        (true, true) => (!scaled_down, scaled_down),
    }
}

fn has_owner(claim: &Value, uid: &str) -> bool {
    claim
        .pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .is_some_and(|refs| refs.iter().any(|r| meta::str_at(r, "/uid") == uid))
}

/// The claim with its owner references brought in line with the policy, if they were not.
pub fn claim_with_owners(
    set: &Value,
    pod: &Value,
    claim: &Value,
    scaled_down: bool,
) -> Option<Value> {
    let (set_owns, pod_owns) = wanted_owners(set, scaled_down);
    let set_ok = has_owner(claim, meta::uid(set)) == set_owns;
    let pod_ok = meta::uid(pod).is_empty() || has_owner(claim, meta::uid(pod)) == pod_owns;
    if set_ok && pod_ok {
        return None;
    }
    let mut updated = claim.clone();
    let mut refs: Vec<Value> = claim
        .pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (owner, wanted) in [(set, set_owns), (pod, pod_owns)] {
        let uid = meta::uid(owner);
        if uid.is_empty() {
            continue;
        }
        refs.retain(|r| meta::str_at(r, "/uid") != uid);
        if wanted {
            refs.push(json!({
                "apiVersion": meta::str_at(owner, "/apiVersion"),
                "kind": meta::str_at(owner, "/kind"),
                "name": meta::name(owner),
                "uid": uid,
            }));
        }
    }
    let m = meta::metadata_mut(&mut updated);
    if refs.is_empty() {
        m.remove("ownerReferences");
    } else {
        m.insert("ownerReferences".into(), json!(refs));
    }
    Some(updated)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set() -> Value {
        json!({
            "apiVersion": "apps/v1", "kind": "StatefulSet",
            "metadata": {"name": "web", "namespace": "default", "uid": "set-uid"},
            "spec": {
                "replicas": 2, "serviceName": "nginx",
                "selector": {"matchLabels": {"app": "nginx"}},
                "template": {"metadata": {"labels": {"app": "nginx"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx"}], "volumes": [{"name": "www", "emptyDir": {}}, {"name": "cfg", "emptyDir": {}}]}},
                "volumeClaimTemplates": [{"metadata": {"name": "www"}, "spec": {"accessModes": ["ReadWriteOnce"]}, "status": {"phase": "Pending"}}],
                "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"},
            }
        })
    }

    #[test]
    fn ordinals_come_from_names() {
        assert_eq!(parent_and_ordinal("web-0"), Some(("web", 0)));
        assert_eq!(parent_and_ordinal("my-web-12"), Some(("my-web", 12)));
        assert_eq!(parent_and_ordinal("web-x"), None);
        assert_eq!(parent_and_ordinal("web"), None);
        let s = set();
        assert!(in_range(&s, 1) && !in_range(&s, 2));
    }

    #[test]
    fn a_new_pod_has_its_identity_and_storage() {
        let s = set();
        let template = s["spec"]["template"].clone();
        let pod = new_pod(&s, &template, "web-abc", 1);
        assert_eq!(meta::name(&pod), "web-1");
        assert_eq!(meta::str_at(&pod, "/metadata/generateName"), "web-");
        assert_eq!(meta::str_at(&pod, "/spec/hostname"), "web-1");
        assert_eq!(meta::str_at(&pod, "/spec/subdomain"), "nginx");
        assert_eq!(
            pod.pointer("/metadata/labels"),
            Some(
                &json!({"app": "nginx", POD_NAME_LABEL: "web-1", POD_INDEX_LABEL: "1", REVISION_LABEL: "web-abc"})
            )
        );
        assert_eq!(
            pod.pointer("/spec/volumes"),
            Some(
                &json!([{"name": "www", "persistentVolumeClaim": {"claimName": "www-web-1"}}, {"name": "cfg", "emptyDir": {}}])
            )
        );
        assert!(identity_matches(&s, &pod, 1) && storage_matches(&s, &pod, 1));
        assert!(!storage_matches(&s, &pod, 0));
    }

    #[test]
    fn claims_carry_the_selector_and_follow_the_policy() {
        let mut s = set();
        let claim = claims(&s, 0).remove(0);
        assert_eq!(meta::name(&claim), "www-web-0");
        assert_eq!(
            claim.pointer("/metadata/labels"),
            Some(&json!({"app": "nginx"}))
        );
        assert!(claim.get("status").is_none());
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-0", "uid": "pod-uid"}});
        assert!(claim_with_owners(&s, &pod, &claim, false).is_none());
        s["spec"]["persistentVolumeClaimRetentionPolicy"] =
            json!({"whenDeleted": "Delete", "whenScaled": "Delete"});
        let owned = claim_with_owners(&s, &pod, &claim, false).unwrap();
        assert_eq!(
            owned.pointer("/metadata/ownerReferences/0/uid"),
            Some(&json!("set-uid"))
        );
        let scaled = claim_with_owners(&s, &pod, &owned, true).unwrap();
        assert_eq!(
            scaled.pointer("/metadata/ownerReferences"),
            Some(&json!([{"apiVersion": "v1", "kind": "Pod", "name": "web-0", "uid": "pod-uid"}]))
        );
    }
}
