//! Volumes as describe shows them: a pod's (and a pod template's) `Volumes:` list and a
//! PersistentVolume's `Source:`, each source with upstream's `Type:` line and fields. The
//! common sources are written out; the many legacy in-tree plugins share one table.

use serde_json::Value;

use super::fields::{
    access_modes, bool_at, int_at, labels_multiline, list_at, object_at, quantity, strings_at,
    text_at,
};
use super::writer::{LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, PrefixWriter};
use crate::api::meta;

/// `describeVolumes`: `Volumes:` with each volume's source, `<none>` when there are none.
/// `space` is the extra indentation of a pod template ("  ").
pub fn describe_volumes(w: &mut PrefixWriter, volumes: &[Value], space: &str) {
    if volumes.is_empty() {
        w.write(LEVEL_0, format!("{space}Volumes:\t<none>\n"));
        return;
    }
    w.write(LEVEL_0, format!("{space}Volumes:\n"));
    let name_indent = if space.is_empty() { "" } else { " " };
    for volume in volumes {
        w.write(
            LEVEL_1,
            format!("{name_indent}{}:\n", meta::str_at(volume, "/name")),
        );
        volume_source(w, volume, false);
    }
}

/// The source of a pod volume (`pv` false) or of a PersistentVolume's spec (`pv` true), as
/// the first source field upstream checks that is set.
pub fn volume_source(w: &mut PrefixWriter, holder: &Value, pv: bool) {
    let order: &[&str] = if pv {
        &[
            "hostPath",
            "gcePersistentDisk",
            "awsElasticBlockStore",
            "nfs",
            "iscsi",
            "glusterfs",
            "rbd",
            "quobyte",
            "vsphereVolume",
            "cinder",
            "azureDisk",
            "photonPersistentDisk",
            "portworxVolume",
            "scaleIO",
            "local",
            "cephfs",
            "storageos",
            "fc",
            "azureFile",
            "flexVolume",
            "flocker",
            "csi",
        ]
    } else {
        &[
            "hostPath",
            "emptyDir",
            "gcePersistentDisk",
            "awsElasticBlockStore",
            "gitRepo",
            "secret",
            "configMap",
            "nfs",
            "iscsi",
            "glusterfs",
            "persistentVolumeClaim",
            "ephemeral",
            "rbd",
            "quobyte",
            "downwardAPI",
            "azureDisk",
            "vsphereVolume",
            "cinder",
            "photonPersistentDisk",
            "portworxVolume",
            "scaleIO",
            "cephfs",
            "storageos",
            "fc",
            "azureFile",
            "flexVolume",
            "flocker",
            "projected",
            "csi",
            "image",
        ]
    };
    let found = order
        .iter()
        .find_map(|k| holder.get(*k).filter(|v| v.is_object()).map(|v| (*k, v)));
    let Some((kind, src)) = found else {
        w.write(LEVEL_1, "<unknown>\n");
        return;
    };
    match kind {
        "hostPath" => {
            let host_type = match meta::str_at(src, "/type") {
                "" if src.get("type").is_none() => "<none>",
                t => t,
            };
            w.write(
                LEVEL_2,
                format!(
                    "Type:\tHostPath (bare host directory volume)\n    Path:\t{}\n    HostPathType:\t{host_type}\n",
                    meta::str_at(src, "/path")
                ),
            );
        }
        "emptyDir" => {
            let size = src
                .get("sizeLimit")
                .map(quantity)
                .filter(|q| q != "0" && !q.starts_with('-'))
                .unwrap_or_else(|| "<unset>".into());
            w.write(
                LEVEL_2,
                format!(
                    "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n    Medium:\t{}\n    SizeLimit:\t{size}\n",
                    meta::str_at(src, "/medium")
                ),
            );
        }
        "ephemeral" => {
            w.write(
                LEVEL_2,
                "Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)\n",
            );
            if let Some(template) = src.get("volumeClaimTemplate").filter(|t| t.is_object()) {
                w.nested(LEVEL_2, |w| claim_fields(w, template, None));
            }
        }
        "downwardAPI" => {
            w.write(
                LEVEL_2,
                "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n",
            );
            for item in list_at(src, "/items") {
                let path = meta::str_at(item, "/path");
                if item.get("fieldRef").is_some() {
                    w.write(
                        LEVEL_3,
                        format!("{} -> {path}\n", meta::str_at(item, "/fieldRef/fieldPath")),
                    );
                }
                if item.get("resourceFieldRef").is_some() {
                    w.write(
                        LEVEL_3,
                        format!(
                            "{} -> {path}\n",
                            meta::str_at(item, "/resourceFieldRef/resource")
                        ),
                    );
                }
            }
        }
        "projected" => projected(w, src),
        "csi" => {
            let mut fields = vec![
                ("Driver:", text_at(src, "/driver")),
                ("FSType:", text_at(src, "/fsType")),
            ];
            if pv {
                fields.push(("VolumeHandle:", text_at(src, "/volumeHandle")));
            }
            fields.push(("ReadOnly:", bool_at(src, "/readOnly").to_string()));
            typed(
                w,
                "CSI (a Container Storage Interface (CSI) volume source)",
                &fields,
            );
            csi_attributes(w, object_at(src, "/volumeAttributes"));
        }
        other => {
            let Some((title, fields)) = legacy_fields(other, src, pv) else {
                w.write(LEVEL_1, "<unknown>\n");
                return;
            };
            typed(w, title, &fields);
        }
    }
}

/// `Type:\t<title>` then each field on its own line, indented under it.
fn typed(w: &mut PrefixWriter, title: &str, fields: &[(&str, String)]) {
    let mut text = format!("Type:\t{title}\n");
    for (label, value) in fields {
        text.push_str(&format!("    {label}\t{value}\n"));
    }
    w.write(LEVEL_2, text);
}

/// The title and fields of the sources printed as plain lists of fields.
fn legacy_fields(
    kind: &str,
    src: &Value,
    pv: bool,
) -> Option<(&'static str, Vec<(&'static str, String)>)> {
    let s = |p: &str| text_at(src, p);
    let b = |p: &str| bool_at(src, p).to_string();
    let i = |p: &str| int_at(src, p).to_string();
    let list = |p: &str| super::fields::go_list(&strings_at(src, p));
    let secret_ref = |p: &str| secret_ref(src.get(p), pv);
    Some(match kind {
        "gcePersistentDisk" => (
            "GCEPersistentDisk (a Persistent Disk resource in Google Compute Engine)",
            vec![
                ("PDName:", s("/pdName")),
                ("FSType:", s("/fsType")),
                ("Partition:", i("/partition")),
                ("ReadOnly:", b("/readOnly")),
            ],
        ),
        "awsElasticBlockStore" => (
            "AWSElasticBlockStore (a Persistent Disk resource in AWS)",
            vec![
                ("VolumeID:", s("/volumeID")),
                ("FSType:", s("/fsType")),
                ("Partition:", i("/partition")),
                ("ReadOnly:", b("/readOnly")),
            ],
        ),
        "gitRepo" => (
            "GitRepo (a volume that is pulled from git when the pod is created)",
            vec![
                ("Repository:", s("/repository")),
                ("Revision:", s("/revision")),
            ],
        ),
        "secret" => (
            "Secret (a volume populated by a Secret)",
            vec![
                ("SecretName:", s("/secretName")),
                ("Optional:", b("/optional")),
            ],
        ),
        "configMap" => (
            "ConfigMap (a volume populated by a ConfigMap)",
            vec![("Name:", s("/name")), ("Optional:", b("/optional"))],
        ),
        "nfs" => (
            "NFS (an NFS mount that lasts the lifetime of a pod)",
            vec![
                ("Server:", s("/server")),
                ("Path:", s("/path")),
                ("ReadOnly:", b("/readOnly")),
            ],
        ),
        "iscsi" => (
            "ISCSI (an ISCSI Disk resource that is attached to a kubelet's host machine and then exposed to the pod)",
            vec![
                ("TargetPortal:", s("/targetPortal")),
                ("IQN:", s("/iqn")),
                ("Lun:", i("/lun")),
                ("ISCSIInterface", s("/iscsiInterface")),
                ("FSType:", s("/fsType")),
                ("ReadOnly:", b("/readOnly")),
                ("Portals:", list("/portals")),
                ("DiscoveryCHAPAuth:", b("/chapAuthDiscovery")),
                ("SessionCHAPAuth:", b("/chapAuthSession")),
                ("SecretRef:", secret_ref("secretRef")),
                (
                    "InitiatorName:",
                    match src.get("initiatorName").and_then(Value::as_str) {
                        Some(n) => n.to_string(),
                        None => "<none>".into(),
                    },
                ),
            ],
        ),
        "glusterfs" => {
            let mut fields = vec![("EndpointsName:", s("/endpoints"))];
            if pv {
                fields.push((
                    "EndpointsNamespace:",
                    src.get("endpointsNamespace")
                        .and_then(Value::as_str)
                        .unwrap_or("<unset>")
                        .to_string(),
                ));
            }
            fields.push(("Path:", s("/path")));
            fields.push(("ReadOnly:", b("/readOnly")));
            (
                "Glusterfs (a Glusterfs mount on the host that shares a pod's lifetime)",
                fields,
            )
        }
        "persistentVolumeClaim" => (
            "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
            vec![
                ("ClaimName:", s("/claimName")),
                ("ReadOnly:", b("/readOnly")),
            ],
        ),
        "rbd" => (
            "RBD (a Rados Block Device mount on the host that shares a pod's lifetime)",
            vec![
                ("CephMonitors:", list("/monitors")),
                ("RBDImage:", s("/image")),
                ("FSType:", s("/fsType")),
                ("RBDPool:", s("/pool")),
                ("RadosUser:", s("/user")),
                ("Keyring:", s("/keyring")),
                ("SecretRef:", secret_ref("secretRef")),
                ("ReadOnly:", b("/readOnly")),
            ],
        ),
        "quobyte" => (
            "Quobyte (a Quobyte mount on the host that shares a pod's lifetime)",
            vec![
                ("Registry:", s("/registry")),
                ("Volume:", s("/volume")),
                ("ReadOnly:", b("/readOnly")),
            ],
        ),
        "azureDisk" => {
            let or = |p: &str, default: &str| match src.pointer(p) {
                Some(Value::String(v)) => v.clone(),
                Some(Value::Bool(v)) => v.to_string(),
                _ => default.to_string(),
            };
            (
                "AzureDisk (an Azure Data Disk mount on the host and bind mount to the pod)",
                vec![
                    ("DiskName:", s("/diskName")),
                    ("DiskURI:", s("/diskURI")),
                    ("Kind: ", or("/kind", "Shared")),
                    ("FSType:", or("/fsType", "ext4")),
                    ("CachingMode:", or("/cachingMode", "ReadWrite")),
                    ("ReadOnly:", or("/readOnly", "false")),
                ],
            )
        }
        "vsphereVolume" => (
            "vSphereVolume (a Persistent Disk resource in vSphere)",
            vec![
                ("VolumePath:", s("/volumePath")),
                ("FSType:", s("/fsType")),
                ("StoragePolicyName:", s("/storagePolicyName")),
            ],
        ),
        "cinder" => (
            "Cinder (a Persistent Disk resource in OpenStack)",
            vec![
                ("VolumeID:", s("/volumeID")),
                ("FSType:", s("/fsType")),
                ("ReadOnly:", b("/readOnly")),
                ("SecretRef:", secret_ref("secretRef")),
            ],
        ),
        "photonPersistentDisk" => (
            "PhotonPersistentDisk (a Persistent Disk resource in photon platform)",
            vec![("PdID:", s("/pdID")), ("FSType:", s("/fsType"))],
        ),
        "portworxVolume" => (
            "PortworxVolume (a Portworx Volume resource)",
            vec![("VolumeID:", s("/volumeID"))],
        ),
        "scaleIO" => {
            let mut fields = vec![
                ("Gateway:", s("/gateway")),
                ("System:", s("/system")),
                ("Protection Domain:", s("/protectionDomain")),
                ("Storage Pool:", s("/storagePool")),
                ("Storage Mode:", s("/storageMode")),
                ("VolumeName:", s("/volumeName")),
            ];
            if pv {
                fields.push(("SecretName:", s("/secretRef/name")));
                fields.push(("SecretNamespace:", s("/secretRef/namespace")));
            }
            fields.push(("FSType:", s("/fsType")));
            fields.push(("ReadOnly:", b("/readOnly")));
            (
                "ScaleIO (a persistent volume backed by a block device in ScaleIO)",
                fields,
            )
        }
        "local" => (
            "LocalVolume (a persistent volume backed by local storage on a node)",
            vec![("Path:", s("/path"))],
        ),
        "cephfs" => (
            "CephFS (a CephFS mount on the host that shares a pod's lifetime)",
            vec![
                ("Monitors:", list("/monitors")),
                ("Path:", s("/path")),
                ("User:", s("/user")),
                ("SecretFile:", s("/secretFile")),
                ("SecretRef:", secret_ref("secretRef")),
                ("ReadOnly:", b("/readOnly")),
            ],
        ),
        "storageos" => (
            "StorageOS (a StorageOS Persistent Disk resource)",
            vec![
                ("VolumeName:", s("/volumeName")),
                ("VolumeNamespace:", s("/volumeNamespace")),
                ("FSType:", s("/fsType")),
                ("ReadOnly:", b("/readOnly")),
            ],
        ),
        "fc" => (
            "FC (a Fibre Channel disk)",
            vec![
                ("TargetWWNs:", strings_at(src, "/targetWWNs").join(", ")),
                (
                    "LUN:",
                    src.get("lun")
                        .and_then(Value::as_i64)
                        .map_or_else(|| "<none>".into(), |l| l.to_string()),
                ),
                ("FSType:", s("/fsType")),
                ("ReadOnly:", b("/readOnly")),
            ],
        ),
        "azureFile" => {
            let mut fields = vec![("SecretName:", s("/secretName"))];
            if pv {
                fields.push(("SecretNamespace:", s("/secretNamespace")));
            }
            fields.push(("ShareName:", s("/shareName")));
            fields.push(("ReadOnly:", b("/readOnly")));
            (
                "AzureFile (an Azure File Service mount on the host and bind mount to the pod)",
                fields,
            )
        }
        "flexVolume" => (
            "FlexVolume (a generic volume resource that is provisioned/attached using an exec based plugin)",
            vec![
                ("Driver:", s("/driver")),
                ("FSType:", s("/fsType")),
                ("SecretRef:", secret_ref("secretRef")),
                ("ReadOnly:", b("/readOnly")),
                ("Options:", go_map(object_at(src, "/options"))),
            ],
        ),
        "flocker" => (
            "Flocker (a Flocker volume mounted by the Flocker agent)",
            vec![
                ("DatasetName:", s("/datasetName")),
                ("DatasetUUID:", s("/datasetUUID")),
            ],
        ),
        "image" => (
            "Image (a container image or OCI artifact)",
            vec![
                ("Reference:", s("/reference")),
                ("PullPolicy:", s("/pullPolicy")),
            ],
        ),
        _ => return None,
    })
}

/// Go's `%v` of a secret reference pointer: its generated `String()`, or `nil`.
fn secret_ref(r: Option<&Value>, pv: bool) -> String {
    let Some(r) = r.filter(|r| r.is_object()) else {
        return "nil".into();
    };
    if pv && r.get("namespace").is_some() {
        format!(
            "&SecretReference{{Name:{},Namespace:{},}}",
            meta::str_at(r, "/name"),
            meta::str_at(r, "/namespace")
        )
    } else {
        format!(
            "&LocalObjectReference{{Name:{},}}",
            meta::str_at(r, "/name")
        )
    }
}

/// Go's `%v` of a `map[string]string`: `map[a:b c:d]`, keys sorted.
fn go_map(m: Option<&serde_json::Map<String, Value>>) -> String {
    let pairs: Vec<String> = m
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}:{}", v.as_str().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    format!("map[{}]", pairs.join(" "))
}

/// `printProjectedVolumeSource`: each source's line (secret, downward API, config map,
/// service account token), as for the `kube-api-access-*` volume of every pod.
fn projected(w: &mut PrefixWriter, src: &Value) {
    w.write(
        LEVEL_2,
        "Type:\tProjected (a volume that contains injected data from multiple sources)\n",
    );
    for source in list_at(src, "/sources") {
        if let Some(secret) = source.get("secret") {
            w.write(
                LEVEL_2,
                format!(
                    "SecretName:\t{}\n    Optional:\t{}\n",
                    meta::str_at(secret, "/name"),
                    bool_at(secret, "/optional")
                ),
            );
        } else if source.get("downwardAPI").is_some() {
            w.write(LEVEL_2, "DownwardAPI:\ttrue\n");
        } else if let Some(cm) = source.get("configMap") {
            w.write(
                LEVEL_2,
                format!(
                    "ConfigMapName:\t{}\n    Optional:\t{}\n",
                    meta::str_at(cm, "/name"),
                    bool_at(cm, "/optional")
                ),
            );
        } else if let Some(token) = source.get("serviceAccountToken") {
            w.write(
                LEVEL_2,
                format!(
                    "TokenExpirationSeconds:\t{}\n",
                    int_at(token, "/expirationSeconds")
                ),
            );
        }
    }
}

/// `printCSIPersistentVolumeAttributesMultiline`, with upstream's own indentation quirks.
fn csi_attributes(w: &mut PrefixWriter, attributes: Option<&serde_json::Map<String, Value>>) {
    w.write(LEVEL_2, "VolumeAttributes:\t");
    let Some(attributes) = attributes.filter(|a| !a.is_empty()) else {
        w.write_line("<none>");
        return;
    };
    for (i, (key, value)) in attributes.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_2, "");
            w.write(LEVEL_2, "\t");
        }
        let line = format!("{key}={}", value.as_str().unwrap_or(""));
        if line.len() > 140 {
            let mut end = 140;
            while !line.is_char_boundary(end) {
                end -= 1;
            }
            w.write(LEVEL_2, format!("{}...\n", &line[..end]));
        } else {
            w.write(LEVEL_2, format!("{line}\n"));
        }
    }
}

/// The fields of a PersistentVolumeClaim that a claim template shares with a claim
/// (`printPersistentVolumeClaim` with `isFullPVC` false when `status_line` is None).
/// `status` is the claim's `Status:` cell for a full claim, `None` for a template.
pub fn claim_fields(w: &mut PrefixWriter, claim: &Value, status: Option<&str>) {
    let full = status.is_some();
    if full {
        w.write(LEVEL_0, format!("Name:\t{}\n", meta::name(claim)));
        w.write(LEVEL_0, format!("Namespace:\t{}\n", meta::namespace(claim)));
    }
    w.write(LEVEL_0, format!("StorageClass:\t{}\n", claim_class(claim)));
    if let Some(status) = status {
        w.write(LEVEL_0, format!("Status:\t{status}\n"));
    }
    let volume = meta::str_at(claim, "/spec/volumeName");
    w.write(LEVEL_0, format!("Volume:\t{volume}\n"));
    labels_multiline(w, "Labels", object_at(claim, "/metadata/labels"));
    super::fields::annotations_multiline(
        w,
        "Annotations",
        object_at(claim, "/metadata/annotations"),
    );
    if full {
        let finalizers = strings_at(claim, "/metadata/finalizers");
        w.write(
            LEVEL_0,
            format!("Finalizers:\t{}\n", super::fields::go_list(&finalizers)),
        );
    }
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            claim
                .pointer("/status/capacity/storage")
                .map_or_else(|| "0".into(), quantity),
            access_modes(&strings_at(claim, "/status/accessModes")),
        )
    };
    w.write(LEVEL_0, format!("Capacity:\t{capacity}\n"));
    w.write(LEVEL_0, format!("Access Modes:\t{modes}\n"));
    if let Some(mode) = claim.pointer("/spec/volumeMode").and_then(Value::as_str) {
        w.write(LEVEL_0, format!("VolumeMode:\t{mode}\n"));
    }
    if let Some(source) = claim.pointer("/spec/dataSource").filter(|d| d.is_object()) {
        w.write(LEVEL_0, "DataSource:\n");
        if let Some(group) = source.get("apiGroup").and_then(Value::as_str) {
            w.write(LEVEL_1, format!("APIGroup:\t{group}\n"));
        }
        w.write(
            LEVEL_1,
            format!("Kind:\t{}\n", meta::str_at(source, "/kind")),
        );
        w.write(
            LEVEL_1,
            format!("Name:\t{}\n", meta::str_at(source, "/name")),
        );
    }
}

/// `GetPersistentVolumeClaimClass`: the beta annotation first, then `storageClassName`.
pub fn claim_class(claim: &Value) -> &str {
    meta::at(
        claim,
        "/metadata/annotations/volume.beta.kubernetes.io~1storage-class",
    )
    .and_then(Value::as_str)
    .unwrap_or_else(|| meta::str_at(claim, "/spec/storageClassName"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_service_account_token_volume_of_every_pod() {
        let volumes = json!([{"name": "kube-api-access-abcde", "projected": {"sources": [
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}, "path": "namespace"}]}},
        ]}}]);
        let mut w = PrefixWriter::new();
        describe_volumes(
            &mut w,
            volumes.as_array().map(Vec::as_slice).unwrap_or_default(),
            "",
        );
        assert_eq!(
            w.finish(),
            concat!(
                "Volumes:\n",
                "  kube-api-access-abcde:\n",
                "    Type:                    Projected (a volume that contains injected data from multiple sources)\n",
                "    TokenExpirationSeconds:  3607\n",
                "    ConfigMapName:           kube-root-ca.crt\n",
                "    Optional:                false\n",
                "    DownwardAPI:             true\n",
            )
        );
    }

    #[test]
    fn common_sources_and_the_unknown() {
        let volumes = json!([
            {"name": "cache", "emptyDir": {}},
            {"name": "data", "persistentVolumeClaim": {"claimName": "data-0"}},
            {"name": "odd"},
        ]);
        let mut w = PrefixWriter::new();
        describe_volumes(
            &mut w,
            volumes.as_array().map(Vec::as_slice).unwrap_or_default(),
            "  ",
        );
        assert_eq!(
            w.finish(),
            concat!(
                "  Volumes:\n",
                "   cache:\n",
                "    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)\n",
                "    Medium:     \n",
                "    SizeLimit:  <unset>\n",
                "   data:\n",
                "    Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n",
                "    ClaimName:  data-0\n",
                "    ReadOnly:   false\n",
                "   odd:\n",
                "  <unknown>\n",
            )
        );
    }
}
