//! Tests of the PersistentVolume controller, the protection controllers and the local-path
//! provisioner on a whole simulated cluster.

use crate::Cluster;
use crate::api::meta;
use crate::controllers::kind;

fn apply(cluster: &mut Cluster, yaml: &str) {
    cluster.write_file("x.yaml", yaml);
    let out = cluster.exec("kubectl apply -f x.yaml");
    assert!(out.success(), "{out:?}");
}

fn phase(cluster: &Cluster, kind_name: &str, namespace: &str, name: &str) -> String {
    cluster
        .store()
        .get(kind("", kind_name), namespace, name)
        .map(|o| meta::str_at(o, "/status/phase").to_string())
        .unwrap_or_else(|_| "<gone>".into())
}

const VOLUMES: &str = "apiVersion: v1
kind: PersistentVolume
metadata: {name: big}
spec: {storageClassName: manual, capacity: {storage: 5Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /mnt/big}}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: small}
spec: {storageClassName: manual, capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /mnt/small}}
---
apiVersion: v1
kind: PersistentVolume
metadata: {name: shared}
spec: {storageClassName: manual, capacity: {storage: 1Gi}, accessModes: [ReadWriteMany], hostPath: {path: /mnt/shared}}
";

#[test]
fn a_claim_binds_the_smallest_fitting_volume_and_releases_it() {
    let mut cluster = Cluster::new_default(3);
    apply(&mut cluster, VOLUMES);
    apply(
        &mut cluster,
        "apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec: {storageClassName: manual, accessModes: [ReadWriteOnce], resources: {requests: {storage: 800Mi}}}
",
    );
    let claim = cluster
        .store()
        .get(kind("", "PersistentVolumeClaim"), "default", "data")
        .unwrap();
    assert_eq!(meta::str_at(claim, "/spec/volumeName"), "small");
    assert_eq!(meta::str_at(claim, "/status/capacity/storage"), "1Gi");
    assert_eq!(
        meta::str_at(
            claim,
            "/metadata/annotations/pv.kubernetes.io~1bind-completed"
        ),
        "yes"
    );
    assert_eq!(phase(&cluster, "PersistentVolume", "", "small"), "Bound");
    assert_eq!(phase(&cluster, "PersistentVolume", "", "big"), "Available");
    assert!(cluster.exec("kubectl delete pvc data").success());
    assert_eq!(
        phase(&cluster, "PersistentVolumeClaim", "default", "data"),
        "<gone>"
    );
    assert_eq!(phase(&cluster, "PersistentVolume", "", "small"), "Released");
    // A Released volume keeps its PV protection only while Bound: deleting it now works.
    assert!(cluster.exec("kubectl delete pv small").success());
    assert_eq!(phase(&cluster, "PersistentVolume", "", "small"), "<gone>");
}

#[test]
fn a_claim_naming_a_volume_that_does_not_fit_stays_pending() {
    let mut cluster = Cluster::new_default(4);
    apply(&mut cluster, VOLUMES);
    apply(
        &mut cluster,
        "apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: want-small}
spec: {storageClassName: manual, volumeName: small, accessModes: [ReadWriteOnce], resources: {requests: {storage: 2Gi}}}
",
    );
    assert_eq!(
        phase(&cluster, "PersistentVolumeClaim", "default", "want-small"),
        "Pending"
    );
    let events = cluster.exec("kubectl get events");
    assert!(
        events
            .stdout
            .contains("Cannot bind to requested volume \"small\": requested PV is too small"),
        "{}",
        events.stdout
    );
}

#[test]
fn provisioned_volumes_follow_their_claim_and_protection_holds_used_claims() {
    let mut cluster = Cluster::new_default(5);
    apply(
        &mut cluster,
        "apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: cache}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
---
apiVersion: v1
kind: Pod
metadata: {name: user}
spec:
  containers: [{name: app, image: nginx:1.27}]
  volumes: [{name: cache, persistentVolumeClaim: {claimName: cache}}]
",
    );
    cluster.advance(10_000);
    let claim = cluster
        .store()
        .get(kind("", "PersistentVolumeClaim"), "default", "cache")
        .unwrap();
    assert_eq!(meta::str_at(claim, "/spec/storageClassName"), "standard");
    let volume = meta::str_at(claim, "/spec/volumeName").to_string();
    assert!(volume.starts_with("pvc-"), "{claim}");
    assert_eq!(phase(&cluster, "Pod", "default", "user"), "Running");
    let pv = cluster
        .store()
        .get(kind("", "PersistentVolume"), "", &volume)
        .unwrap();
    let node = meta::str_at(
        pv,
        "/spec/nodeAffinity/required/nodeSelectorTerms/0/matchExpressions/0/values/0",
    );
    let pod = cluster
        .store()
        .get(kind("", "Pod"), "default", "user")
        .unwrap();
    assert_eq!(node, meta::str_at(pod, "/spec/nodeName"));
    // In use: the claim waits, Terminating, for the pod.
    assert!(
        cluster
            .exec("kubectl delete pvc cache --wait=false")
            .success()
    );
    assert_eq!(
        phase(&cluster, "PersistentVolumeClaim", "default", "cache"),
        "Bound"
    );
    assert!(cluster.exec("kubectl delete pod user").success());
    assert_eq!(
        phase(&cluster, "PersistentVolumeClaim", "default", "cache"),
        "<gone>"
    );
    // Delete policy: the provisioner removes the volume it made.
    cluster.advance(10_000);
    assert_eq!(phase(&cluster, "PersistentVolume", "", &volume), "<gone>");
}
