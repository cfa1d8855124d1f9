//! The Kubernetes documentation's pod examples (`shared/corpus/examples/pods/`) run on the
//! default cluster and behave as the docs describe: the exec, HTTP, TCP and gRPC probes, the
//! postStart hook, dependent environment variables, the downward API volume, Secret variables
//! and the memory limit that gets a container OOM-killed. Kept out of `core/src` because it
//! reads files.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod corpus;

use kubeplay_core::Cluster;
use kubeplay_core::api::meta;
use kubeplay_core::controllers::kind;
use serde_json::Value;

/// A cluster with the example applied.
fn apply(cluster: &mut Cluster, example: &str) {
    let yaml = std::fs::read_to_string(corpus::dir().join("examples/pods").join(example)).unwrap();
    cluster.write_file(example, &yaml);
    let out = cluster.exec(&format!("kubectl apply -f {example}"));
    assert!(out.success(), "{}", out.stderr);
}

fn pod(cluster: &Cluster, namespace: &str, name: &str) -> Value {
    cluster
        .store()
        .get(kind("", "Pod"), namespace, name)
        .cloned()
        .unwrap_or(Value::Null)
}

fn restarts(pod: &Value) -> i64 {
    pod.pointer("/status/containerStatuses/0/restartCount")
        .and_then(Value::as_i64)
        .unwrap_or(-1)
}

fn ready(pod: &Value) -> bool {
    pod.pointer("/status/containerStatuses/0/ready") == Some(&Value::Bool(true))
}

/// Messages of the pod's events with that reason.
fn events(cluster: &Cluster, name: &str, reason: &str) -> Vec<String> {
    cluster
        .store()
        .list(kind("", "Event"), None)
        .filter(|e| meta::str_at(e, "/involvedObject/name") == name)
        .filter(|e| meta::str_at(e, "/reason") == reason)
        .map(|e| meta::str_at(e, "/message").to_string())
        .collect()
}

#[test]
fn exec_liveness_restarts_after_the_file_is_removed() {
    let mut c = Cluster::new_default(3);
    apply(&mut c, "probe/exec-liveness.yaml");
    c.advance(25_000);
    let p = pod(&c, "default", "liveness-exec");
    assert_eq!((restarts(&p), ready(&p)), (0, true));
    c.advance(60_000);
    assert!(restarts(&pod(&c, "default", "liveness-exec")) >= 1);
    let unhealthy = events(&c, "liveness-exec", "Unhealthy");
    assert_eq!(
        unhealthy.first().map(|m| m.trim_end()),
        Some("Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory")
    );
    assert_eq!(
        events(&c, "liveness-exec", "Killing"),
        ["Container liveness failed liveness probe, will be restarted"]
    );
}

#[test]
fn http_liveness_on_a_path_nginx_does_not_serve_restarts_it() {
    let mut c = Cluster::new_default(3);
    apply(&mut c, "probe/pod-with-http-healthcheck.yaml");
    c.advance(30_000);
    assert_eq!(
        restarts(&pod(&c, "default", "pod-with-http-healthcheck")),
        0
    );
    c.advance(60_000);
    assert!(restarts(&pod(&c, "default", "pod-with-http-healthcheck")) >= 1);
    assert!(
        events(&c, "pod-with-http-healthcheck", "Unhealthy")
            .contains(&"Liveness probe failed: HTTP probe failed with statuscode: 404".to_string())
    );
    // nginx logged the kubelet's requests, as its access log does.
    let logs = c.exec("kubectl logs pod-with-http-healthcheck --previous");
    assert!(
        logs.stdout
            .contains("\"GET /_status/healthz HTTP/1.1\" 404")
            && logs.stdout.contains("\"kube-probe/1.35\""),
        "{}",
        logs.stdout
    );
}

#[test]
fn tcp_and_grpc_probes_pass_on_servers_that_listen() {
    let mut c = Cluster::new_default(3);
    apply(&mut c, "probe/tcp-liveness-readiness.yaml");
    apply(&mut c, "probe/grpc-liveness.yaml");
    c.advance(10_000);
    assert!(!ready(&pod(&c, "default", "goproxy")));
    c.advance(60_000);
    let goproxy = pod(&c, "default", "goproxy");
    assert_eq!((restarts(&goproxy), ready(&goproxy)), (0, true));
    let etcd = pod(&c, "default", "etcd-with-grpc");
    assert_eq!((restarts(&etcd), ready(&etcd)), (0, true));
    assert!(events(&c, "etcd-with-grpc", "Unhealthy").is_empty());
}

#[test]
fn post_start_hook_writes_its_message() {
    let mut c = Cluster::new_default(3);
    apply(&mut c, "lifecycle-events.yaml");
    c.advance(10_000);
    let out = c.exec("kubectl exec lifecycle-demo -- cat /usr/share/message");
    assert_eq!(
        out.stdout, "Hello from the postStart handler\n",
        "{}",
        out.stderr
    );
}

#[test]
fn dependent_environment_variables_expand_as_documented() {
    let mut c = Cluster::new_default(3);
    apply(&mut c, "inject/dependent-envars.yaml");
    c.advance(10_000);
    let out = c.exec("kubectl logs dependent-envars-demo");
    assert_eq!(
        out.stdout,
        "\nUNCHANGED_REFERENCE=$(PROTOCOL)://172.17.0.1:80\nSERVICE_ADDRESS=https://172.17.0.1:80\nESCAPED_REFERENCE=$(PROTOCOL)://172.17.0.1:80\n"
    );
}

#[test]
fn downward_api_volume_holds_the_container_resources() {
    let mut c = Cluster::new_default(3);
    apply(&mut c, "inject/dapi-volume-resources.yaml");
    c.advance(8_000);
    let out = c.exec("kubectl logs kubernetes-downwardapi-volume-example-2 --tail=8");
    assert!(
        out.stdout.contains("\n250\n125\n64\n32"),
        "{:?}",
        out.stdout
    );
}

#[test]
fn secret_keys_become_variables() {
    let mut c = Cluster::new_default(3);
    apply(&mut c, "inject/secret.yaml");
    apply(&mut c, "inject/secret-envars-pod.yaml");
    c.advance(10_000);
    let out = c.exec("kubectl exec secret-envars-test-pod -- /bin/sh -c 'echo $SECRET_USERNAME; echo $SECRET_PASSWORD'");
    assert_eq!(out.stdout, "my-app\n39528$vdg7Jb\n", "{}", out.stderr);
}

#[test]
fn memory_beyond_the_limit_is_oom_killed() {
    let mut c = Cluster::new_default(3);
    assert!(c.exec("kubectl create namespace mem-example").success());
    apply(&mut c, "resource/memory-request-limit-2.yaml");
    c.advance(20_000);
    let p = pod(&c, "mem-example", "memory-demo-2");
    assert_eq!(
        p.pointer("/status/containerStatuses/0/lastState/terminated/reason"),
        Some(&Value::from("OOMKilled"))
    );
    assert_eq!(
        p.pointer("/status/containerStatuses/0/lastState/terminated/exitCode"),
        Some(&Value::from(137))
    );
    assert!(restarts(&p) >= 1);
}
