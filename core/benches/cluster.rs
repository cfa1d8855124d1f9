//! Benchmarks that print figures (run with `cargo bench -p kubeplay-core`): how long the
//! default cluster takes to build, kubectl latency with 1,000 pods, a Deployment scaled from 0
//! to 1,000 pods on 100 nodes until all are Running, scheduler throughput, and the graph view
//! model of 300 objects. Time here is compute time; virtual time is free.

use std::hint::black_box;
use std::time::Instant;

use kubeplay_core::Cluster;
use kubeplay_core::graph::{Memory, Options};

fn node_manifests(count: usize) -> String {
    (0..count)
        .map(|i| {
            format!(
                "apiVersion: v1\nkind: Node\nmetadata:\n  name: bench-{i:03}\n  labels:\n    kubernetes.io/hostname: bench-{i:03}\n    kubernetes.io/os: linux\nspec:\n  podCIDR: 10.{}.{}.0/24\nstatus:\n  addresses:\n  - type: InternalIP\n    address: 172.19.{}.{}\n  allocatable: {{cpu: \"32\", memory: 128Gi, pods: \"110\"}}\n  capacity: {{cpu: \"32\", memory: 128Gi, pods: \"110\"}}\n  conditions:\n  - type: Ready\n    status: \"True\"\n    reason: KubeletReady\n    message: kubelet is posting ready status\n  nodeInfo:\n    kubeletVersion: v1.35.0\n---\n",
                100 + i / 250,
                i % 250,
                i / 250,
                i % 250 + 1
            )
        })
        .collect()
}

/// Runs `f` `runs` times and returns the median in milliseconds.
fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    // `cargo bench -p kubeplay-core --bench cluster -- graph` runs only the graph layout.
    if std::env::args().skip(1).any(|a| a == "graph") {
        graph_layout();
        return;
    }
    let startup = median_ms(5, || {
        black_box(Cluster::new_default(1));
    });
    println!("default cluster built and settled:        {startup:8.2} ms");

    let mut cluster = Cluster::new_default(1);
    cluster.write_file("nodes.yaml", &node_manifests(100));
    let out = cluster.exec("kubectl apply -f nodes.yaml");
    assert!(out.success(), "{}", out.stderr);
    let start = Instant::now();
    let out = cluster.exec("kubectl create deployment big --image=nginx --replicas=1000");
    assert!(out.success(), "{}", out.stderr);
    let created = start.elapsed().as_secs_f64() * 1000.0;
    cluster.advance(60_000);
    let total = start.elapsed().as_secs_f64() * 1000.0;
    let running = cluster
        .exec("kubectl get pods --no-headers")
        .stdout
        .lines()
        .filter(|l| l.contains("Running"))
        .count();
    println!(
        "deployment 0 -> 1000 pods on 103 nodes:   {created:8.2} ms to create and schedule, {total:8.2} ms until {running} Running (budget 200 ms)"
    );
    if created > 0.0 {
        println!(
            "scheduler throughput (incl. API writes):  {:8.0} pods/s",
            1000.0 / (created / 1000.0)
        );
    }

    for (label, line) in [
        ("kubectl get pods -A (1000+ pods)", "kubectl get pods -A"),
        (
            "kubectl get pods -o yaml (1000 pods)",
            "kubectl get pods -o yaml",
        ),
        ("kubectl get nodes (103 nodes)", "kubectl get nodes"),
    ] {
        let t = median_ms(5, || {
            black_box(cluster.exec(line));
        });
        println!("{label:<42}{t:8.2} ms (budget 10 ms)");
    }

    graph_layout();
}

/// The graph view model of about 300 objects: 20 Deployments of 10 pods with their ReplicaSets,
/// 20 Services routing to them and 20 ConfigMaps, on 10 nodes.
fn graph_layout() {
    let mut cluster = Cluster::new_default(1);
    cluster.write_file("nodes.yaml", &node_manifests(10));
    let out = cluster.exec("kubectl apply -f nodes.yaml");
    assert!(out.success(), "{}", out.stderr);
    for i in 0..20 {
        for line in [
            format!("kubectl create deployment app{i:02} --image=nginx --replicas=10"),
            format!("kubectl expose deployment app{i:02} --port=80"),
            format!("kubectl create configmap app{i:02}-config --from-literal=mode=demo"),
        ] {
            let out = cluster.exec(&line);
            assert!(out.success(), "{}", out.stderr);
        }
    }
    cluster.advance(60_000);
    let options = Options::default();
    let graph = cluster.graph(&options, &mut Memory::default());
    let objects = graph.objects.len() + graph.pods().count() + graph.nodes.len();
    let t = median_ms(11, || {
        black_box(cluster.graph(&options, &mut Memory::default()));
    });
    println!(
        "graph layout ({objects} objects, {} edges):{:>w$}{t:8.2} ms (budget 50 ms)",
        graph.edges.len(),
        "",
        w = 12usize.saturating_sub(graph.edges.len().to_string().len() + objects.to_string().len())
    );
}
