//! Job behaviours the transcripts do not show, on the default cluster over virtual time.

use serde_json::Value;

use crate::Cluster;
use crate::api::meta;
use crate::controllers::kind;
use crate::time::SECOND;

/// A Job named `name` with `spec` lines (indented two spaces) and one busybox container.
fn manifest(name: &str, spec: &str, restart: &str, command: &str) -> String {
    format!(
        "apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
spec:
{spec}
  template:
    spec:
      restartPolicy: {restart}
      containers:
      - name: c
        image: busybox:1.36
        command: {command}"
    )
}

/// `kubectl apply` of a manifest (which creates it the first time).
fn apply(cluster: &mut Cluster, yaml: &str) {
    let out = cluster.exec(&format!("kubectl apply -f - <<EOF\n{yaml}\nEOF"));
    assert!(out.success(), "{}", out.stderr);
}

fn job(cluster: &Cluster, name: &str) -> Value {
    cluster
        .store()
        .get(kind("batch", "Job"), "default", name)
        .cloned()
        .unwrap_or(Value::Null)
}

fn pods(cluster: &Cluster) -> Vec<Value> {
    cluster
        .store()
        .list(kind("", "Pod"), Some("default"))
        .cloned()
        .collect()
}

/// The type and reason of each condition, in order.
fn conditions(job: &Value) -> Vec<(String, String, String)> {
    job.pointer("/status/conditions")
        .and_then(Value::as_array)
        .map(|cs| {
            cs.iter()
                .map(|c| {
                    (
                        meta::str_at(c, "/type").to_string(),
                        meta::str_at(c, "/status").to_string(),
                        meta::str_at(c, "/reason").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn cond(type_: &str, status: &str, reason: &str) -> (String, String, String) {
    (type_.into(), status.into(), reason.into())
}

#[test]
fn backoff_limit_per_index_fails_the_indexes_then_the_job() {
    let mut c = Cluster::new_default(7);
    apply(
        &mut c,
        &manifest(
            "per-index",
            "  completions: 2\n  parallelism: 2\n  completionMode: Indexed\n  backoffLimitPerIndex: 1",
            "Never",
            "[\"sh\", \"-c\", \"exit 1\"]",
        ),
    );
    c.advance(120 * SECOND);
    let j = job(&c, "per-index");
    assert_eq!(
        j.pointer("/spec/backoffLimit"),
        Some(&Value::from(i64::from(i32::MAX)))
    );
    assert_eq!(
        j.pointer("/status/failedIndexes"),
        Some(&Value::from("0,1"))
    );
    assert_eq!(j.pointer("/status/failed"), Some(&Value::from(4)));
    assert_eq!(
        conditions(&j),
        [
            cond("FailureTarget", "True", "FailedIndexes"),
            cond("Failed", "True", "FailedIndexes")
        ]
    );
    // Each index ran twice; the retry carried the index's failure count.
    let mut counts: Vec<(String, String)> = pods(&c)
        .iter()
        .map(|p| {
            let a = |k: &str| {
                p.pointer("/metadata/annotations")
                    .and_then(|a| a.get(k))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            (
                a("batch.kubernetes.io/job-completion-index"),
                a("batch.kubernetes.io/job-index-failure-count"),
            )
        })
        .collect();
    counts.sort();
    let want: Vec<(String, String)> = [("0", "0"), ("0", "1"), ("1", "0"), ("1", "1")]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(counts, want);
}

#[test]
fn on_failure_counts_restarts_and_deletes_the_pod() {
    let mut c = Cluster::new_default(7);
    apply(
        &mut c,
        &manifest(
            "retry",
            "  backoffLimit: 2",
            "OnFailure",
            "[\"sh\", \"-c\", \"exit 3\"]",
        ),
    );
    c.advance(120 * SECOND);
    let j = job(&c, "retry");
    assert_eq!(
        conditions(&j),
        [
            cond("FailureTarget", "True", "BackoffLimitExceeded"),
            cond("Failed", "True", "BackoffLimitExceeded")
        ]
    );
    assert_eq!(j.pointer("/status/failed"), Some(&Value::from(1)));
    assert!(pods(&c).is_empty(), "the restarting pod is deleted");
}

#[test]
fn ignored_failures_do_not_count_towards_the_backoff_limit() {
    let mut c = Cluster::new_default(7);
    apply(
        &mut c,
        &manifest(
            "flaky",
            "  backoffLimit: 0\n  podFailurePolicy:\n    rules:\n    - action: Ignore\n      onExitCodes:\n        operator: In\n        values: [2]",
            "Never",
            "[\"sh\", \"-c\", \"exit 2\"]",
        ),
    );
    c.advance(60 * SECOND);
    let j = job(&c, "flaky");
    assert_eq!(
        j.pointer("/spec/podReplacementPolicy"),
        Some(&Value::from("Failed"))
    );
    assert_eq!(j.pointer("/status/failed"), None);
    assert!(conditions(&j).is_empty(), "{:?}", conditions(&j));
    // Replaced each time, with the usual back-off between attempts: 0 s, ~11 s, ~31 s.
    assert_eq!(pods(&c).len(), 3);
}

#[test]
fn suspending_a_running_job_deletes_its_pods() {
    let mut c = Cluster::new_default(7);
    let long = |suspend: bool| {
        manifest(
            "long",
            &format!("  suspend: {suspend}"),
            "Never",
            "[\"sleep\", \"600\"]",
        )
    };
    apply(&mut c, &long(false));
    c.advance(10 * SECOND);
    assert_eq!(
        job(&c, "long").pointer("/status/active"),
        Some(&Value::from(1))
    );
    apply(&mut c, &long(true));
    let j = job(&c, "long");
    assert_eq!(conditions(&j), [cond("Suspended", "True", "JobSuspended")]);
    assert_eq!(j.pointer("/status/active"), None);
    assert_eq!(j.pointer("/status/terminating"), Some(&Value::from(1)));
    c.advance(60 * SECOND);
    assert!(pods(&c).is_empty());
    let out = c.exec("kubectl get jobs");
    assert!(
        out.stdout.contains("long   Suspended   0/1"),
        "{}",
        out.stdout
    );
}
