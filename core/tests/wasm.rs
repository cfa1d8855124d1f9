//! The core on WebAssembly: the same cluster, built and driven inside a wasm runtime (Node, via
//! `wasm-bindgen-test-runner`), must behave as it does natively.
//!
//! Run on wasm with
//! `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test -p kubeplay-core --target wasm32-unknown-unknown --test wasm`
//! (as `scripts/test.sh` does). `unsupported = test` makes each test a plain `#[test]` on native
//! targets too, so `cargo test --workspace` runs them as well.

use kubeplay_core::Cluster;
use wasm_bindgen_test::wasm_bindgen_test;

/// Lines of `kubectl get pods` output whose STATUS column is `Running`.
fn running_lines(table: &str) -> usize {
    table
        .lines()
        .skip(1)
        .filter(|line| line.split_whitespace().nth(2) == Some("Running"))
        .count()
}

#[wasm_bindgen_test(unsupported = test)]
fn default_cluster_has_three_ready_nodes() {
    let mut cluster = Cluster::new_default(1);
    let out = cluster.exec("kubectl get nodes");
    assert_eq!(out.exit_code, 0, "stderr: {}", out.stderr);
    for node in [
        "kubeplay-control-plane",
        "kubeplay-worker",
        "kubeplay-worker2",
    ] {
        assert!(
            out.stdout
                .lines()
                .any(|l| l.starts_with(node) && l.contains(" Ready ")),
            "{node} not Ready in:\n{}",
            out.stdout
        );
    }
}

#[wasm_bindgen_test(unsupported = test)]
fn deployment_rolls_out_to_three_running_pods() {
    let mut cluster = Cluster::new_default(1);
    let out = cluster.exec("kubectl create deployment web --image=nginx --replicas=3");
    assert_eq!(
        out.stdout.trim(),
        "deployment.apps/web created",
        "stderr: {}",
        out.stderr
    );

    let out = cluster.exec("sleep 30");
    assert_eq!(out.exit_code, 0, "stderr: {}", out.stderr);

    let out = cluster.exec("kubectl get pods");
    assert_eq!(out.exit_code, 0, "stderr: {}", out.stderr);
    assert_eq!(
        running_lines(&out.stdout),
        3,
        "expected 3 Running pods in:\n{}",
        out.stdout
    );
    assert!(
        out.stdout.lines().skip(1).all(|l| l.starts_with("web-")),
        "unexpected pods in:\n{}",
        out.stdout
    );
}

#[wasm_bindgen_test(unsupported = test)]
fn same_seed_same_output() {
    let run = || {
        let mut cluster = Cluster::new_default(7);
        cluster.exec("kubectl create deployment web --image=nginx --replicas=2");
        cluster.exec("sleep 10");
        cluster.exec("kubectl get pods -o wide").stdout
    };
    assert_eq!(run(), run());
}
