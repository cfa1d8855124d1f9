//! A pod's volumes as file systems, and each container's mount table (the volume manager's
//! mounting half; waiting for claims to be bound is [`super::volumes`]).
//!
//! configMap, secret, downwardAPI and projected volumes (the service account token among
//! them) become read-only files; emptyDir is an empty writable file system that lives as long
//! as the pod; hostPath is a directory of the node's own file system; a
//! persistentVolumeClaim's files outlive the pod. A missing ConfigMap or Secret fails the
//! mount with upstream's `MountVolume.SetUp failed for volume ...` message, which keeps the
//! pod in ContainerCreating. The kubelet also writes `/etc/hosts`, `/etc/hostname` and
//! `/etc/resolv.conf` into every container.

use serde_json::{Value, json};

use super::env::{self, PodFacts};
use super::fs::{DiskId, Disks, Layer, Mount, View};
use crate::api::{base64, meta};
use crate::store::Store;

/// What backs a volume.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Files projected from the API (read-only): path → content.
    Files(Vec<(String, String)>),
    EmptyDir,
    /// A directory of the node.
    HostPath(String),
    /// A PersistentVolumeClaim's data: (namespace, claim).
    Claim(String, String),
}

/// Every volume of the pod with what backs it, or the first mount failure as (volume,
/// message).
pub fn sources(
    facts: &PodFacts<'_>,
    store: &Store,
) -> Result<Vec<(String, Source)>, (String, String)> {
    let pod = facts.pod;
    let namespace = meta::namespace(pod);
    let mut out = Vec::new();
    for v in meta::array_at(pod, "/spec/volumes") {
        let name = meta::str_at(v, "/name").to_string();
        let fail = |message: String| (name.clone(), message);
        let source = if let Some(cm) = v.get("configMap") {
            Source::Files(
                keyed_files(store, "ConfigMap", "configmap", namespace, cm).map_err(fail)?,
            )
        } else if let Some(s) = v.get("secret") {
            let mut spec = s.clone();
            spec["name"] = json!(meta::str_at(s, "/secretName"));
            Source::Files(keyed_files(store, "Secret", "secret", namespace, &spec).map_err(fail)?)
        } else if let Some(d) = v.get("downwardAPI") {
            Source::Files(downward_files(d, facts))
        } else if let Some(p) = v.get("projected") {
            let mut files = Vec::new();
            for src in meta::array_at(p, "/sources") {
                if let Some(cm) = src.get("configMap") {
                    files.extend(
                        keyed_files(store, "ConfigMap", "configmap", namespace, cm)
                            .map_err(fail)?,
                    );
                } else if let Some(s) = src.get("secret") {
                    files.extend(
                        keyed_files(store, "Secret", "secret", namespace, s).map_err(fail)?,
                    );
                } else if let Some(d) = src.get("downwardAPI") {
                    files.extend(downward_files(d, facts));
                } else if let Some(t) = src.get("serviceAccountToken") {
                    let path = match meta::str_at(t, "/path") {
                        "" => "token",
                        p => p,
                    };
                    files.push((path.to_string(), token(pod, meta::str_at(t, "/audience"))));
                }
            }
            Source::Files(files)
        } else if let Some(h) = v.get("hostPath") {
            Source::HostPath(meta::str_at(h, "/path").to_string())
        } else if let Some(c) = v.get("persistentVolumeClaim") {
            Source::Claim(
                namespace.to_string(),
                meta::str_at(c, "/claimName").to_string(),
            )
        } else {
            // emptyDir, and sources not simulated (nfs, csi...) as empty directories.
            Source::EmptyDir
        };
        out.push((name, source));
    }
    Ok(out)
}

/// A ConfigMap's or Secret's keys as files (all keys, or `items` renamed to their paths).
fn keyed_files(
    store: &Store,
    kind_name: &str,
    word: &str,
    namespace: &str,
    spec: &Value,
) -> Result<Vec<(String, String)>, String> {
    let name = meta::str_at(spec, "/name");
    let optional = spec.get("optional") == Some(&Value::Bool(true));
    let Some(data) = env::data_of(store, kind_name, namespace, name) else {
        if optional {
            return Ok(Vec::new());
        }
        return Err(format!("{word} \"{name}\" not found"));
    };
    let items = meta::array_at(spec, "/items");
    if items.is_empty() {
        return Ok(data);
    }
    let mut files = Vec::new();
    for item in items {
        let key = meta::str_at(item, "/key");
        match data.iter().find(|(k, _)| k == key) {
            Some((_, v)) => files.push((meta::str_at(item, "/path").to_string(), v.clone())),
            None if optional => {}
            None => {
                return Err(format!(
                    "configmap references non-existent config key: {key}"
                ));
            }
        }
    }
    Ok(files)
}

fn downward_files(spec: &Value, facts: &PodFacts<'_>) -> Vec<(String, String)> {
    let mut files = Vec::new();
    for item in meta::array_at(spec, "/items") {
        let path = meta::str_at(item, "/path").to_string();
        let value = if let Some(f) = item.get("fieldRef") {
            env::field_ref(meta::str_at(f, "/fieldPath"), facts)
        } else if let Some(r) = item.get("resourceFieldRef") {
            let container = meta::array_at(facts.pod, "/spec/containers")
                .iter()
                .find(|c| meta::str_at(c, "/name") == meta::str_at(r, "/containerName"))
                .cloned()
                .unwrap_or(Value::Null);
            env::resource_field_ref(
                meta::str_at(r, "/resource"),
                meta::str_at(r, "/divisor"),
                &container,
                facts.node,
            )
        } else {
            String::new()
        };
        files.push((path, value));
    }
    files
}

/// A service account token: a JWT the API server would sign, with the claims a real one
/// carries (decodable, not verifiable).
fn token(pod: &Value, audience: &str) -> String {
    let audience = if audience.is_empty() {
        "https://kubernetes.default.svc.cluster.local"
    } else {
        audience
    };
    let uid = meta::uid(pod);
    let header = json!({"alg": "RS256", "kid": "kubeplay-signing-key"});
    let claims = json!({
        "aud": [audience],
        "iss": "https://kubernetes.default.svc.cluster.local",
        "kubernetes.io": {
            "namespace": meta::namespace(pod),
            "node": {"name": meta::str_at(pod, "/spec/nodeName")},
            "pod": {"name": meta::name(pod), "uid": uid},
            "serviceaccount": {"name": meta::str_at(pod, "/spec/serviceAccountName")},
        },
        "sub": format!("system:serviceaccount:{}:{}", meta::namespace(pod), meta::str_at(pod, "/spec/serviceAccountName")),
    });
    let mut signature = Vec::new();
    let mut seed = uid.to_string();
    while signature.len() < 256 {
        signature.extend(crate::rng::fnv1a32(seed.as_bytes()).to_be_bytes());
        seed.push('.');
    }
    format!(
        "{}.{}.{}",
        jwt_segment(header.to_string().as_bytes()),
        jwt_segment(claims.to_string().as_bytes()),
        jwt_segment(&signature)
    )
}

/// A JWT segment: URL-safe base64 without padding.
fn jwt_segment(bytes: &[u8]) -> String {
    base64::encode(bytes)
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_")
}

/// Puts the pod's volumes into `disks` (projected files replaced, emptyDirs kept).
pub fn install(uid: &str, node: &str, sources: &[(String, Source)], disks: &mut Disks) {
    for (name, source) in sources {
        match source {
            Source::Files(files) => {
                disks.layers.insert(
                    DiskId::Volume(uid.into(), name.clone()),
                    Layer::with_files(files, true),
                );
            }
            Source::EmptyDir => {
                disks
                    .layers
                    .entry(DiskId::Volume(uid.into(), name.clone()))
                    .or_default();
            }
            Source::HostPath(path) => {
                let host = disks.layers.entry(DiskId::Host(node.into())).or_default();
                let _ = host.mkdir(&super::fs::normalize(path), true);
            }
            Source::Claim(ns, claim) => {
                disks
                    .layers
                    .entry(DiskId::Claim(ns.clone(), claim.clone()))
                    .or_default();
            }
        }
    }
}

/// A container's mount table from its `volumeMounts`.
pub fn view(uid: &str, node: &str, container: &Value, sources: &[(String, Source)]) -> View {
    let mut mounts = Vec::new();
    for m in meta::array_at(container, "/volumeMounts") {
        let name = meta::str_at(m, "/name");
        let Some((_, source)) = sources.iter().find(|(n, _)| n == name) else {
            continue;
        };
        let sub_path = meta::str_at(m, "/subPath");
        let (disk, base) = match source {
            Source::HostPath(path) => (DiskId::Host(node.into()), path.clone()),
            Source::Claim(ns, claim) => (DiskId::Claim(ns.clone(), claim.clone()), "/".into()),
            _ => (DiskId::Volume(uid.into(), name.into()), "/".into()),
        };
        mounts.push(Mount {
            path: super::fs::normalize(meta::str_at(m, "/mountPath")),
            disk,
            sub: super::fs::normalize(&format!("{base}/{sub_path}")),
            read_only: m.get("readOnly") == Some(&Value::Bool(true))
                || matches!(source, Source::Files(_)),
        });
    }
    View {
        root: DiskId::Root(uid.into(), meta::str_at(container, "/name").into()),
        mounts,
    }
}

/// The files the kubelet writes into every container: `/etc/hosts`, `/etc/hostname`,
/// `/etc/resolv.conf`.
pub fn etc_files(pod: &Value, pod_ip: &str, node_ip: &str) -> Vec<(String, String)> {
    let hostname = hostname(pod);
    let namespace = meta::namespace(pod);
    let host_network = pod.pointer("/spec/hostNetwork") == Some(&Value::Bool(true));
    let mut hosts = String::from(
        "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n",
    );
    if !host_network {
        let subdomain = meta::str_at(pod, "/spec/subdomain");
        if subdomain.is_empty() {
            hosts.push_str(&format!("{pod_ip}\t{hostname}\n"));
        } else {
            hosts.push_str(&format!(
                "{pod_ip}\t{hostname}.{subdomain}.{namespace}.svc.cluster.local\t{hostname}\n"
            ));
        }
    }
    let aliases = meta::array_at(pod, "/spec/hostAliases");
    if !aliases.is_empty() {
        hosts.push_str("\n# Entries added by HostAliases.\n");
        for a in aliases {
            let names: Vec<&str> = meta::array_at(a, "/hostnames")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            hosts.push_str(&format!(
                "{}\t{}\n",
                meta::str_at(a, "/ip"),
                names.join("\t")
            ));
        }
    }
    let policy = meta::str_at(pod, "/spec/dnsPolicy");
    let cluster_dns = match policy {
        "Default" | "None" => false,
        "ClusterFirstWithHostNet" => true,
        _ => !host_network,
    };
    let resolv = if cluster_dns {
        format!(
            "search {namespace}.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"
        )
    } else {
        let gateway = node_ip
            .rsplit_once('.')
            .map_or("172.18.0".to_string(), |(p, _)| p.to_string());
        format!("nameserver {gateway}.1\noptions ndots:0\n")
    };
    let _ = node_ip;
    vec![
        ("/etc/hosts".into(), hosts),
        ("/etc/hostname".into(), format!("{hostname}\n")),
        ("/etc/resolv.conf".into(), resolv),
    ]
}

/// The pod's hostname: `spec.hostname`, else its name (cut to 63 characters).
pub fn hostname(pod: &Value) -> String {
    match meta::str_at(pod, "/spec/hostname") {
        "" => meta::name(pod).chars().take(63).collect(),
        h => h.to_string(),
    }
}
