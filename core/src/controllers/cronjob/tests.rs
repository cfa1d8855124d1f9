//! CronJob behaviours the transcript does not show, on the default cluster over virtual time.

use serde_json::{Value, json};

use super::*;
use crate::Cluster;

#[test]
fn names_and_timestamps() {
    let t = Time::parse_rfc3339("2026-01-01T09:05:00Z").map_or(0, |t| t.0);
    let cj = json!({"metadata": {"name": "hello"}});
    assert_eq!(job_name(&cj, t), "hello-29454305");
    assert_eq!(rfc3339_in(t, &Zone::Utc), "2026-01-01T09:05:00Z");
    let seoul = Zone::load("Asia/Seoul").unwrap_or(Zone::Utc);
    assert_eq!(rfc3339_in(t, &seoul), "2026-01-01T18:05:00+09:00");
    assert_eq!(rfc1123z(t), "Thu, 01 Jan 2026 09:05:00 +0000");
}

fn apply(c: &mut Cluster, yaml: &str) {
    let out = c.exec(&format!("kubectl apply -f - <<EOF\n{yaml}\nEOF"));
    assert!(out.success(), "{}", out.stderr);
}

fn manifest(extra: &str) -> String {
    format!(
        "apiVersion: batch/v1
kind: CronJob
metadata:
  name: tick
spec:
  schedule: \"*/1 * * * *\"
{extra}
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers:
          - name: c
            image: busybox:1.36
            command: [\"sleep\", \"100\"]"
    )
}

fn job_names(c: &Cluster) -> Vec<String> {
    c.store()
        .list(kind("batch", "Job"), Some("default"))
        .map(|j| meta::name(j).to_string())
        .collect()
}

fn events(c: &Cluster, reason: &str) -> Vec<String> {
    c.store()
        .list(kind("", "Event"), Some("default"))
        .filter(|e| meta::str_at(e, "/reason") == reason)
        .map(|e| meta::str_at(e, "/message").to_string())
        .collect()
}

#[test]
fn replace_deletes_the_running_job() {
    let mut c = Cluster::new_default(3);
    apply(&mut c, &manifest("  concurrencyPolicy: Replace"));
    c.advance(61 * SECOND);
    assert_eq!(job_names(&c), ["tick-29454302"]);
    c.advance(60 * SECOND);
    assert_eq!(job_names(&c), ["tick-29454303"]);
    assert_eq!(
        events(&c, "SuccessfulDelete"),
        ["Deleted job tick-29454302"]
    );
    let cj = c
        .store()
        .get(kind("batch", "CronJob"), "default", "tick")
        .cloned()
        .unwrap_or(json!({}));
    let active: Vec<&str> = cj
        .pointer("/status/active")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|r| meta::str_at(r, "/name")).collect())
        .unwrap_or_default();
    assert_eq!(active, ["tick-29454303"]);
}

#[test]
fn starting_deadline_and_missed_starts() {
    let mut c = Cluster::new_default(3);
    apply(
        &mut c,
        &manifest("  suspend: true\n  startingDeadlineSeconds: 10"),
    );
    c.advance(150 * SECOND);
    // Resumed 30 s after the last start time: too late for a 10 s deadline, so nothing runs
    // (the controller only looks back as far as the deadline) until the next start.
    apply(
        &mut c,
        &manifest("  suspend: false\n  startingDeadlineSeconds: 10"),
    );
    assert!(job_names(&c).is_empty());
    c.advance(31 * SECOND);
    assert_eq!(job_names(&c), ["tick-29454304"]);
    // Suspended for over 100 starts, resumed without a deadline: the latest one runs late.
    apply(&mut c, &manifest("  suspend: true"));
    c.advance(200 * 60 * SECOND);
    apply(&mut c, &manifest("  suspend: false"));
    assert_eq!(
        events(&c, "TooManyMissedTimes"),
        [
            "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew"
        ]
    );
    assert!(
        job_names(&c).contains(&"tick-29454504".to_string()),
        "{:?}",
        job_names(&c)
    );
}
