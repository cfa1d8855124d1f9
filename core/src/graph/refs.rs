//! What a pod refers to by name: the claims it mounts, and the ConfigMaps and Secrets it reads
//! as volumes, as environment variables or as image pull credentials.
//!
//! The service account token volume (`kube-api-access-*`, which projects `kube-root-ca.crt`
//! into every pod) is left out: it says nothing about the pod.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::api::meta;

/// A pod's references, each with how it is used (`volume`, `env`, `imagePullSecrets`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PodRefs {
    pub claims: Vec<String>,
    pub config_maps: BTreeMap<String, Vec<&'static str>>,
    pub secrets: BTreeMap<String, Vec<&'static str>>,
}

impl PodRefs {
    fn add(map: &mut BTreeMap<String, Vec<&'static str>>, name: &str, how: &'static str) {
        if name.is_empty() {
            return;
        }
        let uses = map.entry(name.to_string()).or_default();
        if !uses.contains(&how) {
            uses.push(how);
        }
    }
}

pub fn pod_refs(pod: &Value) -> PodRefs {
    let mut refs = PodRefs::default();
    for volume in meta::array_at(pod, "/spec/volumes") {
        let volume_name = meta::str_at(volume, "/name");
        let claim = meta::str_at(volume, "/persistentVolumeClaim/claimName");
        if !claim.is_empty() {
            refs.claims.push(claim.to_string());
        }
        if volume.pointer("/ephemeral").is_some() {
            // The ephemeral volume controller names the claim `<pod>-<volume>`.
            refs.claims
                .push(format!("{}-{volume_name}", meta::name(pod)));
        }
        PodRefs::add(
            &mut refs.config_maps,
            meta::str_at(volume, "/configMap/name"),
            "volume",
        );
        PodRefs::add(
            &mut refs.secrets,
            meta::str_at(volume, "/secret/secretName"),
            "volume",
        );
        if volume_name.starts_with("kube-api-access-") {
            continue;
        }
        for source in meta::array_at(volume, "/projected/sources") {
            PodRefs::add(
                &mut refs.config_maps,
                meta::str_at(source, "/configMap/name"),
                "volume",
            );
            PodRefs::add(
                &mut refs.secrets,
                meta::str_at(source, "/secret/name"),
                "volume",
            );
        }
    }
    for list in ["/spec/initContainers", "/spec/containers"] {
        for container in meta::array_at(pod, list) {
            for env in meta::array_at(container, "/env") {
                PodRefs::add(
                    &mut refs.config_maps,
                    meta::str_at(env, "/valueFrom/configMapKeyRef/name"),
                    "env",
                );
                PodRefs::add(
                    &mut refs.secrets,
                    meta::str_at(env, "/valueFrom/secretKeyRef/name"),
                    "env",
                );
            }
            for from in meta::array_at(container, "/envFrom") {
                PodRefs::add(
                    &mut refs.config_maps,
                    meta::str_at(from, "/configMapRef/name"),
                    "env",
                );
                PodRefs::add(
                    &mut refs.secrets,
                    meta::str_at(from, "/secretRef/name"),
                    "env",
                );
            }
        }
    }
    for secret in meta::array_at(pod, "/spec/imagePullSecrets") {
        PodRefs::add(
            &mut refs.secrets,
            meta::str_at(secret, "/name"),
            "imagePullSecrets",
        );
    }
    refs.claims.sort();
    refs.claims.dedup();
    refs
}
