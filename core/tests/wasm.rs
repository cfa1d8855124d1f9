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

/// The 1,000-pod benchmark inside wasm (ignored by default: it takes seconds). Run it with
/// `CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner cargo test -p kubeplay-core --release --target wasm32-unknown-unknown --test wasm -- --include-ignored --nocapture`;
/// it prints the milliseconds (Node's `Date.now()`, wall time) to create and schedule a
/// Deployment of 1,000 pods on 100 extra nodes and until all are Running.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen_test]
#[ignore]
fn deployment_of_1000_pods_in_wasm() {
    // The same nodes as the native bench (core/benches/cluster.rs).
    let nodes: String = (0..100)
        .map(|i| {
            format!(
                "apiVersion: v1\nkind: Node\nmetadata:\n  name: bench-{i:03}\n  labels:\n    kubernetes.io/hostname: bench-{i:03}\n    kubernetes.io/os: linux\nspec:\n  podCIDR: 10.{}.{}.0/24\nstatus:\n  addresses:\n  - type: InternalIP\n    address: 172.19.{}.{}\n  allocatable: {{cpu: \"32\", memory: 128Gi, pods: \"110\"}}\n  capacity: {{cpu: \"32\", memory: 128Gi, pods: \"110\"}}\n  conditions:\n  - type: Ready\n    status: \"True\"\n    reason: KubeletReady\n    message: kubelet is posting ready status\n  nodeInfo:\n    kubeletVersion: v1.35.0\n---\n",
                100 + i / 250,
                i % 250,
                i / 250,
                i % 250 + 1
            )
        })
        .collect();
    let mut cluster = Cluster::new_default(1);
    cluster.write_file("nodes.yaml", &nodes);
    assert_eq!(cluster.exec("kubectl apply -f nodes.yaml").exit_code, 0);
    let start = js_sys::Date::now();
    let out = cluster.exec("kubectl create deployment big --image=nginx --replicas=1000");
    assert_eq!(out.exit_code, 0, "stderr: {}", out.stderr);
    let created = js_sys::Date::now() - start;
    cluster.advance(60_000);
    let total = js_sys::Date::now() - start;
    let out = cluster.exec("kubectl get pods --no-headers");
    let running = out.stdout.lines().filter(|l| l.contains("Running")).count();
    assert_eq!(running, 1000);
    wasm_bindgen_test::console_log!(
        "wasm: deployment 0 -> 1000 pods on 103 nodes: {created:.0} ms to create and schedule, {total:.0} ms until {running} Running"
    );
}
