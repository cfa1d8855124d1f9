//! The Kubernetes documentation's Job examples (`shared/corpus/examples/controllers/job-*.yaml`)
//! run on the default cluster: the pod failure policy that fails the Job on exit code 42, and
//! the success policy of an Indexed Job. Kept out of `core/src` because it reads files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod corpus;

use kubeplay_core::Cluster;
use kubeplay_core::api::{kinds, meta};
use serde_json::Value;

fn run_example(file: &str, seconds: i64) -> (Cluster, Value) {
    run_edited_example(file, seconds, |yaml| yaml)
}

/// Like [`run_example`], with the manifest edited first.
fn run_edited_example(
    file: &str,
    seconds: i64,
    edit: impl Fn(String) -> String,
) -> (Cluster, Value) {
    let path = format!("examples/controllers/{file}");
    let yaml = edit(std::fs::read_to_string(corpus::dir().join(&path)).expect("example"));
    let mut cluster = Cluster::new_default(5);
    cluster.write_file(file, &yaml);
    let out = cluster.exec(&format!("kubectl create -f {file}"));
    assert!(out.success(), "{}", out.stderr);
    cluster.advance(seconds * 1000);
    let name = file.trim_end_matches(".yaml");
    let name = if name == "job-success-policy" {
        "job-success"
    } else {
        name
    };
    let job_kind = kinds::by_kind("batch", "Job").expect("Job kind");
    let job = cluster
        .store()
        .get(job_kind, "default", name)
        .cloned()
        .expect("job");
    (cluster, job)
}

fn conditions(job: &Value) -> Vec<(String, String, String)> {
    job.pointer("/status/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|c| {
            (
                meta::str_at(c, "/type").to_string(),
                meta::str_at(c, "/reason").to_string(),
                meta::str_at(c, "/message").to_string(),
            )
        })
        .collect()
}

#[test]
fn pod_failure_policy_fails_the_job_on_exit_code_42() {
    let (cluster, job) = run_example("job-pod-failure-policy-failjob.yaml", 60);
    let conds = conditions(&job);
    assert_eq!(conds.len(), 2, "{conds:?}");
    for ((type_, reason, message), want) in conds.iter().zip(["FailureTarget", "Failed"]) {
        assert_eq!(
            (type_.as_str(), reason.as_str()),
            (want, "PodFailurePolicy")
        );
        assert!(
            message.starts_with("Container main for pod default/job-pod-failure-policy-failjob-")
                && message.ends_with(" failed with exit code 42 matching FailJob rule at index 0"),
            "{message}"
        );
    }
    let out = {
        let mut c = cluster;
        c.exec("kubectl get jobs")
    };
    assert!(
        out.stdout
            .contains("job-pod-failure-policy-failjob   Failed   0/8"),
        "{}",
        out.stdout
    );
}

#[test]
fn success_policy_completes_an_indexed_job_early() {
    // The example's script really runs: index 2 exits 0 and the nine others exit 1, all in the
    // same instant here, and upstream's sync counts failures (9 > the default backoffLimit of
    // 6) before it looks at the success policy. A backoffLimit above nine leaves the success
    // policy to decide, which is what this test is about.
    let (_cluster, job) = run_edited_example("job-success-policy.yaml", 60, |yaml| {
        yaml.replacen("spec:\n", "spec:\n  backoffLimit: 10\n", 1)
    });
    let conds: Vec<(String, String, String)> = conditions(&job);
    let want = (
        "SuccessPolicy".to_string(),
        "Matched rules at index 0".to_string(),
    );
    assert_eq!(
        conds
            .iter()
            .map(|(t, r, m)| (t.as_str(), (r.clone(), m.clone())))
            .collect::<Vec<_>>(),
        [("SuccessCriteriaMet", want.clone()), ("Complete", want)]
    );
}
