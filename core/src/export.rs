//! The learner's objects as one multi-document YAML bundle (the page's Export), which
//! `kubectl apply -f` in a fresh cluster turns back into the same objects.
//!
//! "The learner's" = written by a client, not by the cluster itself: an object is exported
//! when one of its `managedFields` managers is not a cluster component (kubectl's managers,
//! or a `--field-manager` of the learner's choosing), it has no controller owner (a pod of a
//! ReplicaSet is the controller's to make again), and it is not infrastructure or a record
//! (Nodes, Leases, Events). What the server set is removed, as `kubectl get -o yaml` output
//! cleaned for re-applying would be: `status`, the identity and bookkeeping in `metadata`,
//! allocated addresses, and a pod's `nodeName` unless the learner wrote it.

use serde_json::Value;

use crate::api::{Kind, meta};
use crate::kubectl::printers::yaml;
use crate::store::Store;

/// Field managers of the cluster's own components (`sim.rs` names the controllers',
/// scheduler's and kubelets'; `kubeadm` made the cluster).
const COMPONENTS: &[&str] = &[
    "kube-controller-manager",
    "kube-scheduler",
    "kubelet",
    "kubeadm",
    "kube-apiserver",
];

/// Kinds never exported: machines, heartbeats and records, not things a learner applies.
const SKIPPED: &[&str] = &["Node", "Lease", "Event"];

/// `metadata` fields the server sets.
const SERVER_METADATA: &[&str] = &[
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "generation",
    "managedFields",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
];

/// Annotations the server or kubectl bookkeeping adds.
const SERVER_ANNOTATIONS: &[&str] = &[
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
    "pv.kubernetes.io/bind-completed",
    "pv.kubernetes.io/bound-by-controller",
    "volume.kubernetes.io/selected-node",
];

/// The bundle: a comment line, then one document per object, namespaces first, then
/// CustomResourceDefinitions, then everything else in the kinds registry's order.
pub fn export(store: &Store) -> String {
    let mut kinds: Vec<&'static Kind> = store
        .kinds()
        .filter(|k| !SKIPPED.contains(&k.kind))
        .collect();
    let rank = |k: &Kind| match k.kind {
        "Namespace" => 0,
        "CustomResourceDefinition" => 1,
        _ => 2,
    };
    kinds.sort_by_key(|k| rank(k));
    let objects: Vec<Value> = kinds
        .iter()
        .flat_map(|kind| store.list(kind, None))
        .filter(|obj| written_by_a_client(obj) && meta::controller_of(obj).is_none())
        .map(cleaned)
        .collect();
    let mut out = format!(
        "# kubeplay export: {} object(s). Recreate them with: kubectl apply -f FILE\n",
        objects.len()
    );
    for obj in &objects {
        out.push_str("---\n");
        out.push_str(&yaml::to_yaml(obj));
    }
    out
}

/// Whether a manager other than the cluster's components wrote the object.
fn written_by_a_client(obj: &Value) -> bool {
    meta::array_at(obj, "/metadata/managedFields")
        .iter()
        .any(|entry| !COMPONENTS.contains(&meta::str_at(entry, "/manager")))
}

/// Whether a client's managed fields include `spec.nodeName` (the learner pinned the pod).
fn client_set_node_name(obj: &Value) -> bool {
    meta::array_at(obj, "/metadata/managedFields")
        .iter()
        .filter(|entry| !COMPONENTS.contains(&meta::str_at(entry, "/manager")))
        .any(|entry| meta::at(entry, "/fieldsV1/f:spec/f:nodeName").is_some())
}

fn cleaned(obj: &Value) -> Value {
    let keep_node_name = client_set_node_name(obj);
    let mut o = obj.clone();
    let Some(map) = o.as_object_mut() else {
        return o;
    };
    map.remove("status");
    let kind = map
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if let Some(m) = map.get_mut("metadata").and_then(Value::as_object_mut) {
        for key in SERVER_METADATA {
            m.remove(*key);
        }
        if let Some(a) = m.get_mut("annotations").and_then(Value::as_object_mut) {
            for key in SERVER_ANNOTATIONS {
                a.remove(*key);
            }
            if a.is_empty() {
                m.remove("annotations");
            }
        }
    }
    if let Some(spec) = map.get_mut("spec").and_then(Value::as_object_mut) {
        match kind.as_str() {
            // Allocated by the API server; a fresh cluster allocates its own (a headless
            // Service's `None` is the learner's).
            "Service" if spec.get("clusterIP").and_then(Value::as_str) != Some("None") => {
                spec.remove("clusterIP");
                spec.remove("clusterIPs");
            }
            "Pod" => {
                if !keep_node_name {
                    spec.remove("nodeName");
                }
                remove_token_volume(spec);
            }
            "PersistentVolumeClaim" => {
                spec.remove("volumeName");
            }
            _ => {}
        }
    }
    o
}

/// Drops the service account token volume the ServiceAccount admission plugin added to a pod
/// (`kube-api-access-*`) and its mounts: a fresh cluster's admission adds its own.
fn remove_token_volume(spec: &mut serde_json::Map<String, Value>) {
    let injected = |name: &str| name.starts_with("kube-api-access-");
    if let Some(Value::Array(volumes)) = spec.get_mut("volumes") {
        volumes.retain(|v| !injected(meta::str_at(v, "/name")));
        if volumes.is_empty() {
            spec.remove("volumes");
        }
    }
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        let Some(Value::Array(containers)) = spec.get_mut(list) else {
            continue;
        };
        for container in containers.iter_mut().filter_map(Value::as_object_mut) {
            if let Some(Value::Array(mounts)) = container.get_mut("volumeMounts") {
                mounts.retain(|m| !injected(meta::str_at(m, "/name")));
                if mounts.is_empty() {
                    container.remove("volumeMounts");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cluster::Cluster;

    #[test]
    fn exports_what_the_learner_made_and_it_applies_in_a_fresh_cluster() {
        let mut c = Cluster::new_default(1);
        for line in [
            "kubectl create namespace shop",
            "kubectl create deployment web --image=nginx --replicas=2 -n shop",
            "kubectl expose deployment web --port=80 -n shop",
            "kubectl create configmap settings --from-literal=mode=fast",
            "kubectl run solo --image=busybox -- sleep 3600",
            "sleep 10",
        ] {
            let out = c.exec(line);
            assert!(out.success(), "{line}: {}", out.stderr);
        }
        let bundle = super::export(c.store());
        // Namespace first; no controller-made objects, no server bookkeeping.
        let kinds: Vec<&str> = bundle
            .lines()
            .filter_map(|l| l.strip_prefix("kind: "))
            .collect();
        assert_eq!(
            kinds,
            ["Namespace", "ConfigMap", "Pod", "Service", "Deployment"],
            "{bundle}"
        );
        for absent in [
            "uid:",
            "resourceVersion:",
            "status:",
            "managedFields",
            "clusterIP:",
            "nodeName:",
            "ReplicaSet",
        ] {
            assert!(!bundle.contains(absent), "{absent} in\n{bundle}");
        }

        let mut fresh = Cluster::new_default(1);
        fresh.write_file("bundle.yaml", &bundle);
        let applied = fresh.exec("kubectl apply -f bundle.yaml");
        assert!(applied.success(), "{}", applied.stderr);
        assert!(
            applied.stdout.contains("deployment.apps/web created"),
            "{}",
            applied.stdout
        );
        fresh.exec("sleep 10");
        let pods = fresh.exec("kubectl get pods -A");
        let running = |out: &str| out.matches(" Running ").count();
        let before = c.exec("kubectl get pods -A");
        assert_eq!(
            running(&pods.stdout),
            running(&before.stdout),
            "{}",
            pods.stdout
        );
        // Exporting the copy gives the same bundle.
        assert_eq!(super::export(fresh.store()), bundle);
    }
}
