//! Tests of the DaemonSet controller on a whole simulated cluster: a rolling update keeps
//! within `maxUnavailable` (or `maxSurge`) at every instant and ends with every node updated;
//! revisions are renumbered on rollback.

use serde_json::Value;

use crate::Cluster;
use crate::api::meta;
use crate::controllers::{int_at, is_pod_available, kind};

fn manifest(image: &str, strategy: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  updateStrategy:
{strategy}
  template:
    metadata:
      labels:
        app: agent
    spec:
      tolerations:
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
      containers:
      - name: agent
        image: {image}
"
    )
}

fn apply(cluster: &mut Cluster, image: &str, strategy: &str) {
    cluster.write_file("ds.yaml", &manifest(image, strategy));
    let out = cluster.exec("kubectl apply -f ds.yaml");
    assert!(out.success(), "{out:?}");
}

/// The DaemonSet's pods, terminating ones included.
fn pods_by_image(cluster: &Cluster) -> Vec<&Value> {
    cluster
        .store()
        .list(kind("", "Pod"), Some("default"))
        .filter(|p| meta::name(p).starts_with("agent-"))
        .collect()
}

fn rollout(strategy: &str, check: impl Fn(&Cluster, usize)) {
    let mut cluster = Cluster::new_default(7);
    apply(&mut cluster, "nginx:1.26", strategy);
    cluster.advance(30_000);
    let nodes = cluster.store().list(kind("", "Node"), None).count();
    assert_eq!(pods_by_image(&cluster).len(), nodes);
    apply(&mut cluster, "nginx:1.27", strategy);
    for _ in 0..600 {
        check(&cluster, nodes);
        cluster.advance(100);
    }
    let pods = pods_by_image(&cluster);
    assert_eq!(pods.len(), nodes);
    assert!(
        pods.iter()
            .all(|p| meta::str_at(p, "/spec/containers/0/image") == "nginx:1.27")
    );
    let ds = cluster
        .store()
        .get(kind("apps", "DaemonSet"), "default", "agent")
        .cloned()
        .unwrap_or_default();
    assert_eq!(int_at(&ds, "/status/updatedNumberScheduled"), nodes as i64);
    assert_eq!(int_at(&ds, "/status/numberAvailable"), nodes as i64);
}

#[test]
fn rolling_update_keeps_all_but_max_unavailable_available() {
    rollout(
        "    type: RollingUpdate\n    rollingUpdate:\n      maxUnavailable: 1",
        |cluster, nodes| {
            let now = cluster.now();
            let available = pods_by_image(cluster)
                .iter()
                .filter(|p| is_pod_available(p, 0, now))
                .count();
            assert!(available + 1 >= nodes, "{available} of {nodes} available");
        },
    );
}

#[test]
fn rolling_update_with_surge_never_leaves_a_node_without_a_pod() {
    rollout(
        "    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0",
        |cluster, nodes| {
            let pods = pods_by_image(cluster);
            let now = cluster.now();
            let available = pods.iter().filter(|p| is_pod_available(p, 0, now)).count();
            assert!(available >= nodes, "{available} of {nodes} available");
            // Terminating pods aside: they no longer count against the surge.
            let live = pods.iter().filter(|p| !meta::is_deleting(p)).count();
            assert!(live <= nodes + 1, "{live} pods on {nodes} nodes");
        },
    );
}
