//! Tests of the StatefulSet controller on a whole simulated cluster: ordered creation, and a
//! property test — after any sequence of scalings, once the cluster is idle, the set has exactly
//! the pods `0..replicas`, every one Running on its own bound claim, and the claims are owned as
//! the retention policy says.

use serde_json::Value;

use crate::Cluster;
use crate::api::meta;
use crate::controllers::kind;
use crate::rng::Rng;

fn manifest(replicas: i64, when_scaled: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: {replicas}
  persistentVolumeClaimRetentionPolicy:
    whenScaled: {when_scaled}
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
"
    )
}

fn cluster_with_set(seed: u64, replicas: i64, when_scaled: &str) -> Cluster {
    let mut cluster = Cluster::new_default(seed);
    cluster.write_file("web.yaml", &manifest(replicas, when_scaled));
    let out = cluster.exec("kubectl apply -f web.yaml");
    assert!(out.success(), "{out:?}");
    cluster
}

fn pods(cluster: &Cluster) -> Vec<&Value> {
    cluster
        .store()
        .list(kind("", "Pod"), Some("default"))
        .filter(|p| meta::name(p).starts_with("web-"))
        .collect()
}

#[test]
fn ordered_ready_creates_one_pod_at_a_time() {
    let mut cluster = cluster_with_set(1, 3, "Retain");
    let names = |c: &Cluster| -> Vec<String> {
        pods(c).iter().map(|p| meta::name(p).to_string()).collect()
    };
    assert_eq!(names(&cluster), ["web-0"]);
    // web-0 needs its volume provisioned and its image pulled before web-1 may start.
    cluster.advance(3_000);
    assert_eq!(names(&cluster), ["web-0"]);
    cluster.advance(60_000);
    assert_eq!(names(&cluster), ["web-0", "web-1", "web-2"]);
    let set = cluster
        .store()
        .get(kind("apps", "StatefulSet"), "default", "web")
        .unwrap();
    assert_eq!(set.pointer("/status/readyReplicas"), Some(&3.into()));
    assert_eq!(
        meta::str_at(set, "/status/currentRevision"),
        meta::str_at(set, "/status/updateRevision")
    );
}

/// After random scalings and enough time, the set is exactly what it says.
#[test]
fn random_scaling_converges_to_ordinals_zero_to_replicas() {
    for seed in 0..6u64 {
        let mut rng = Rng::new(seed);
        let when_scaled = if seed % 2 == 0 { "Retain" } else { "Delete" };
        let mut cluster = cluster_with_set(seed + 10, 1, when_scaled);
        let mut replicas = 1;
        for _ in 0..5 {
            replicas = rng.below(5) as i64;
            let out = cluster.exec(&format!("kubectl scale sts web --replicas={replicas}"));
            assert!(out.success(), "seed {seed}: {out:?}");
            cluster.advance(rng.below(15_000) as i64);
        }
        cluster.advance(300_000);
        check_converged(&cluster, replicas, when_scaled, seed);
    }
}

fn check_converged(cluster: &Cluster, replicas: i64, when_scaled: &str, seed: u64) {
    let store = cluster.store();
    let mut names: Vec<String> = pods(cluster)
        .iter()
        .map(|p| meta::name(p).to_string())
        .collect();
    names.sort();
    let mut wanted: Vec<String> = (0..replicas).map(|i| format!("web-{i}")).collect();
    wanted.sort();
    assert_eq!(names, wanted, "seed {seed}");
    let set = store
        .get(kind("apps", "StatefulSet"), "default", "web")
        .unwrap();
    let set_uid = meta::uid(set);
    for pod in pods(cluster) {
        assert_eq!(meta::str_at(pod, "/status/phase"), "Running", "seed {seed}");
        assert!(!meta::is_deleting(pod), "seed {seed}");
        let claim = store
            .get(
                kind("", "PersistentVolumeClaim"),
                "default",
                &format!("www-{}", meta::name(pod)),
            )
            .unwrap_or_else(|_| panic!("seed {seed}: claim of {}", meta::name(pod)));
        assert_eq!(meta::str_at(claim, "/status/phase"), "Bound", "seed {seed}");
    }
    for claim in store.list(kind("", "PersistentVolumeClaim"), Some("default")) {
        let ordinal: i64 = meta::name(claim)
            .rsplit('-')
            .next()
            .and_then(|o| o.parse().ok())
            .unwrap_or(-1);
        let owners: Vec<&str> = claim
            .pointer("/metadata/ownerReferences")
            .and_then(Value::as_array)
            .map(|refs| refs.iter().map(|r| meta::str_at(r, "/uid")).collect())
            .unwrap_or_default();
        assert!(
            !owners.contains(&set_uid),
            "seed {seed}: whenDeleted is Retain"
        );
        assert!(
            owners.is_empty(),
            "seed {seed}: {} still owned by {owners:?}",
            meta::name(claim)
        );
        if when_scaled == "Delete" {
            assert!(
                ordinal < replicas,
                "seed {seed}: {} outlived its pod",
                meta::name(claim)
            );
        }
    }
    // No volume is left bound to a claim that is gone, nor released and waiting forever.
    for volume in store.list(kind("", "PersistentVolume"), None) {
        let claim = meta::str_at(volume, "/spec/claimRef/name");
        assert!(
            store
                .get(kind("", "PersistentVolumeClaim"), "default", claim)
                .is_ok(),
            "seed {seed}: {} is left over for {claim}",
            meta::name(volume)
        );
        assert_eq!(
            meta::str_at(volume, "/status/phase"),
            "Bound",
            "seed {seed}"
        );
    }
    assert_eq!(
        set.pointer("/status/replicas").and_then(Value::as_i64),
        Some(replicas),
        "seed {seed}"
    );
}

/// Only `revisionHistoryLimit` revisions that nothing uses are kept.
#[test]
fn history_is_truncated_to_the_limit() {
    // The limit is set on create: the API server refuses to change it later.
    let limited = |image: &str| {
        manifest(1, "Retain")
            .replace("nginx:1.27", &format!("nginx:{image}"))
            .replace(
                "  replicas: 1\n",
                "  replicas: 1\n  revisionHistoryLimit: 1\n",
            )
    };
    let mut cluster = Cluster::new_default(2);
    cluster.write_file("web.yaml", &limited("1.27"));
    assert!(cluster.exec("kubectl apply -f web.yaml").success());
    cluster.advance(20_000);
    for (i, image) in ["1.28", "1.29", "1.30"].iter().enumerate() {
        let yaml = limited(image);
        cluster.write_file("web.yaml", &yaml);
        assert!(cluster.exec("kubectl apply -f web.yaml").success(), "{i}");
        cluster.advance(30_000);
    }
    let revisions: Vec<i64> = cluster
        .store()
        .list(kind("apps", "ControllerRevision"), Some("default"))
        .filter_map(|r| r.get("revision").and_then(Value::as_i64))
        .collect();
    // The live revision (4) and one of history (3).
    let mut sorted = revisions.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [3, 4], "{revisions:?}");
}
