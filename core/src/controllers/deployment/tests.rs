//! Tests of the Deployment controller on a whole simulated cluster: random sequences of image
//! changes, scalings, pauses, resumes and undos — at every step the ReplicaSets stay within
//! the surge, and once things settle the Deployment runs exactly its template, every pod
//! available, with unique revisions and history trimmed to `revisionHistoryLimit`.

use serde_json::Value;

use super::util::{self, spec_replicas};
use crate::Cluster;
use crate::api::meta;
use crate::controllers::{int_at, is_pod_available, kind};
use crate::rng::Rng;

fn manifest(replicas: i64) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {replicas}
  revisionHistoryLimit: 2
  strategy:
    rollingUpdate:
      maxSurge: 1
      maxUnavailable: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.26
"
    )
}

fn deployment(cluster: &Cluster) -> Value {
    cluster
        .store()
        .get(kind("apps", "Deployment"), "default", "web")
        .cloned()
        .unwrap_or_default()
}

fn replica_sets(cluster: &Cluster) -> Vec<&Value> {
    cluster
        .store()
        .list(kind("apps", "ReplicaSet"), Some("default"))
        .collect()
}

fn exec(cluster: &mut Cluster, line: &str, seed: u64) {
    let out = cluster.exec(line);
    // Pausing twice, resuming what runs and undoing without history are refused, as upstream.
    let refused = [
        "is already paused",
        "is not paused",
        "no rollout history",
        "paused deployment",
    ];
    assert!(
        out.success() || refused.iter().any(|r| out.stderr.contains(r)),
        "seed {seed}: {line}: {out:?}"
    );
}

/// The ReplicaSets never add up to more than `replicas + maxSurge`.
fn check_surge(cluster: &Cluster, seed: u64) {
    let d = deployment(cluster);
    let total: i64 = replica_sets(cluster)
        .iter()
        .map(|rs| spec_replicas(rs))
        .sum();
    let max = spec_replicas(&d) + util::max_surge(&d);
    assert!(
        total <= max,
        "seed {seed}: {total} replicas over a maximum of {max}"
    );
}

#[test]
fn random_rollouts_converge_to_the_template() {
    let images = ["nginx:1.26", "nginx:1.27", "nginx:1.28", "nginxx:broken"];
    for seed in 0..8u64 {
        let mut rng = Rng::new(seed);
        let mut cluster = Cluster::new_default(seed + 100);
        cluster.write_file("web.yaml", &manifest(3));
        exec(&mut cluster, "kubectl apply -f web.yaml", seed);
        cluster.advance(20_000);
        for _ in 0..12 {
            let line = match rng.below(6) {
                0 | 1 => format!(
                    "kubectl set image deployment/web nginx={}",
                    images[rng.below(images.len() as u64) as usize]
                ),
                2 => format!(
                    "kubectl scale deployment web --replicas={}",
                    1 + rng.below(5)
                ),
                3 => "kubectl rollout pause deployment/web".into(),
                4 => "kubectl rollout resume deployment/web".into(),
                _ => "kubectl rollout undo deployment/web".into(),
            };
            exec(&mut cluster, &line, seed);
            check_surge(&cluster, seed);
            cluster.advance(rng.below(8_000) as i64);
        }
        // Resume, fix the image, and let it settle.
        let _ = cluster.exec("kubectl rollout resume deployment/web");
        exec(
            &mut cluster,
            "kubectl set image deployment/web nginx=nginx:1.29",
            seed,
        );
        cluster.advance(120_000);
        check_converged(&cluster, seed);
    }
}

fn check_converged(cluster: &Cluster, seed: u64) {
    let d = deployment(cluster);
    let replicas = spec_replicas(&d);
    let rss = replica_sets(cluster);
    let active: Vec<&&Value> = rss.iter().filter(|rs| spec_replicas(rs) > 0).collect();
    assert_eq!(active.len(), 1, "seed {seed}: one active ReplicaSet");
    let new_rs = active[0];
    assert!(
        util::equal_ignore_hash(
            new_rs.pointer("/spec/template"),
            d.pointer("/spec/template")
        ),
        "seed {seed}: the active ReplicaSet runs the template"
    );
    assert_eq!(spec_replicas(new_rs), replicas, "seed {seed}");
    let now = cluster.now();
    let pods: Vec<&Value> = cluster
        .store()
        .list(kind("", "Pod"), Some("default"))
        .filter(|p| meta::name(p).starts_with("web-"))
        .collect();
    assert_eq!(pods.len() as i64, replicas, "seed {seed}: pods");
    assert!(
        pods.iter().all(|p| is_pod_available(p, 0, now)),
        "seed {seed}"
    );
    assert!(
        pods.iter()
            .all(|p| meta::str_at(p, "/spec/containers/0/image") == "nginx:1.29"),
        "seed {seed}"
    );
    let mut revisions: Vec<i64> = rss.iter().map(|rs| util::revision(rs)).collect();
    revisions.sort_unstable();
    let before = revisions.len();
    revisions.dedup();
    assert_eq!(revisions.len(), before, "seed {seed}: revisions are unique");
    assert!(rss.len() <= 3, "seed {seed}: history beyond the limit of 2");
    assert_eq!(
        util::revision(&d),
        util::revision(new_rs),
        "seed {seed}: the Deployment carries its new ReplicaSet's revision"
    );
    assert_eq!(
        int_at(&d, "/status/updatedReplicas"),
        replicas,
        "seed {seed}"
    );
    assert_eq!(
        int_at(&d, "/status/availableReplicas"),
        replicas,
        "seed {seed}"
    );
    let progressing = util::condition(d.get("status").unwrap_or(&Value::Null), "Progressing")
        .map(|c| meta::str_at(c, "/reason").to_string());
    assert_eq!(
        progressing.as_deref(),
        Some(util::NEW_RS_AVAILABLE),
        "seed {seed}"
    );
}

/// Scaling in the middle of a rollout shares the new replicas out in proportion.
#[test]
fn scaling_mid_rollout_is_proportional() {
    let mut cluster = Cluster::new_default(5);
    cluster.write_file(
        "web.yaml",
        &manifest(10)
            .replace("maxSurge: 1", "maxSurge: 3")
            .replace("maxUnavailable: 1", "maxUnavailable: 2"),
    );
    exec(&mut cluster, "kubectl apply -f web.yaml", 0);
    cluster.advance(30_000);
    // A bad image: the new ReplicaSet gets the surge and stays unavailable.
    exec(
        &mut cluster,
        "kubectl set image deployment/web nginx=nginxx:broken",
        0,
    );
    cluster.advance(5_000);
    let sizes = |c: &Cluster| -> Vec<i64> {
        let mut rss: Vec<&Value> = replica_sets(c);
        rss.sort_by_key(|rs| util::revision(rs));
        rss.iter().map(|rs| spec_replicas(rs)).collect()
    };
    assert_eq!(sizes(&cluster), [8, 5]);
    exec(
        &mut cluster,
        "kubectl scale deployment web --replicas=20",
        0,
    );
    // 13 replicas allowed before, 23 now: each ReplicaSet grows by its share (8 * 23 / 13
    // rounds to 14, 5 * 23 / 13 to 9).
    assert_eq!(sizes(&cluster), [14, 9]);
}
