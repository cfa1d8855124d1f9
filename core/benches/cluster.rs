//! Benchmarks that print figures (run with `cargo bench -p kubeplay-core`): how long the
//! default cluster takes to build, a Deployment scaled from 0 to 1,000 pods on 100 nodes until
//! all are Running, scheduler throughput (through the API and the bare algorithm), kubectl
//! latency with 1,000 and 10,000 pods, resident memory with 10,000 pods, and the graph view model of 300
//! objects. Time here is compute time; virtual time is free. Wall times are shown next to the
//! process's CPU time (from `/proc/self/schedstat`), which stays honest on a busy machine.
//! `-- graph` runs only the graph layout; `-- quick` skips the 10,000-pod part; `-- latency`
//! only measures kubectl at 1,000 pods, twenty times over (for a profiler).

use std::hint::black_box;
use std::time::Instant;

use kubeplay_core::Cluster;
use kubeplay_core::api::kinds::by_kind;
use kubeplay_core::graph::{Memory, Options};
use kubeplay_core::scheduler::NodeInfo;
use kubeplay_core::scheduler::plugins::node_resources_fit::Requested;
use kubeplay_core::scheduler::{evaluate, plugins, preemption};
use serde_json::Value;

/// A line of `/proc/self/status` in MiB (`VmRSS`: resident now, `VmHWM`: its peak; Linux;
/// 0 elsewhere). The workspace forbids `unsafe`, so no counting allocator: these include the
/// allocator's own overhead and freed pages it keeps.
fn status_mib(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// CPU time this process has used, in milliseconds (Linux; 0 elsewhere). The bench is
/// single-threaded, so the main thread's figure is the process's.
fn cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e6)
}

/// Wall and CPU milliseconds that `f` took.
fn timed<T>(f: impl FnOnce() -> T) -> (T, f64, f64) {
    let (start, cpu) = (Instant::now(), cpu_ms());
    let out = f();
    (out, start.elapsed().as_secs_f64() * 1000.0, cpu_ms() - cpu)
}

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

/// Runs `f` `runs` times and returns the median wall and CPU milliseconds.
fn median_ms(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    let (mut wall, mut cpu): (Vec<f64>, Vec<f64>) = (0..runs)
        .map(|_| {
            let ((), w, c) = timed(&mut f);
            (w, c)
        })
        .unzip();
    wall.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    (wall[runs / 2], cpu[runs / 2])
}

/// A cluster of the default three nodes plus `count` roomy ones.
fn cluster_with_nodes(count: usize) -> Cluster {
    let mut cluster = Cluster::new_default(1);
    cluster.write_file("nodes.yaml", &node_manifests(count));
    let out = cluster.exec("kubectl apply -f nodes.yaml");
    assert!(out.success(), "{}", out.stderr);
    cluster
}

/// Running pods in `default` (where the bench Deployments live).
fn running_pods(cluster: &mut Cluster) -> usize {
    let out = cluster.exec("kubectl get pods --no-headers");
    out.stdout.lines().filter(|l| l.contains("Running")).count()
}

/// kubectl latency, median of 5, against whatever `cluster` holds.
fn kubectl_latency(cluster: &mut Cluster, pods: &str) {
    for (label, line) in [
        ("kubectl get pods -A", "kubectl get pods -A"),
        ("kubectl get pods -o yaml", "kubectl get pods -o yaml"),
        (
            "kubectl describe node bench-000",
            "kubectl describe node bench-000",
        ),
        ("kubectl get nodes", "kubectl get nodes"),
    ] {
        let (wall, cpu) = median_ms(5, || {
            black_box(cluster.exec(line));
        });
        let label = format!("{label} ({pods} pods)");
        println!("{label:<48}{wall:8.2} ms wall {cpu:8.2} ms CPU (budget 10 ms)");
    }
}

fn main() {
    // `cargo bench -p kubeplay-core --bench cluster -- graph` runs only the graph layout.
    if std::env::args().skip(1).any(|a| a == "graph") {
        graph_layout();
        return;
    }
    if std::env::args().skip(1).any(|a| a == "latency") {
        let mut cluster = cluster_with_nodes(100);
        cluster.exec("kubectl create deployment big --image=nginx --replicas=1000");
        cluster.advance(60_000);
        for _ in 0..20 {
            kubectl_latency(&mut cluster, "1000");
        }
        return;
    }
    let (startup, startup_cpu) = median_ms(5, || {
        black_box(Cluster::new_default(1));
    });
    println!(
        "default cluster built and settled:              {startup:8.2} ms wall {startup_cpu:8.2} ms CPU"
    );

    let mut cluster = cluster_with_nodes(100);
    let (out, created, created_cpu) =
        timed(|| cluster.exec("kubectl create deployment big --image=nginx --replicas=1000"));
    assert!(out.success(), "{}", out.stderr);
    let ((), ran, ran_cpu) = timed(|| cluster.advance(60_000));
    let running = running_pods(&mut cluster);
    println!(
        "deployment 0 -> 1000 pods on 103 nodes: {:8.2} ms wall {:8.2} ms CPU until {running} pods Running (budget 200 ms);",
        created + ran,
        created_cpu + ran_cpu
    );
    println!(
        "  of which create and schedule:                 {created:8.2} ms wall {created_cpu:8.2} ms CPU"
    );
    println!(
        "scheduler throughput incl. API writes:          {:8.0} pods/s (CPU; ReplicaSet controller, admission, binding, Scheduled events)",
        1000.0 / (created_cpu.max(1e-3) / 1000.0)
    );
    scheduler_only(&cluster);
    kubectl_latency(&mut cluster, "1000");
    drop(cluster);

    if !std::env::args().skip(1).any(|a| a == "quick") {
        ten_thousand();
    }
    graph_layout();
}

/// The bare scheduling algorithm (PreFilter, Filter, Score, pick, then the pod counted on its
/// node) for copies of the 1,000 bench pods, unbound, against a snapshot of the 103 nodes that
/// already carry the originals: no API writes, no events, no queue.
fn scheduler_only(cluster: &Cluster) {
    let store = cluster.store();
    let Some(pod_kind) = by_kind("", "Pod") else {
        return;
    };
    let pending: Vec<Value> = store
        .list(pod_kind, Some("default"))
        .map(|p| {
            let mut p = p.clone();
            if let Some(spec) = p.get_mut("spec").and_then(Value::as_object_mut) {
                spec.remove("nodeName");
            }
            p
        })
        .collect();
    let nominated = preemption::Nominated::new();
    let (placed, wall, cpu) = timed(|| {
        let mut nodes = NodeInfo::snapshot(store);
        let mut placed = 0;
        for pod in &pending {
            let evaluation = evaluate(pod, &nodes, store, &nominated);
            let best = evaluation
                .feasible
                .iter()
                .max_by_key(|(_, scores)| plugins::total(scores))
                .map(|(i, _)| *i);
            if let Some(node) = best.and_then(|i| nodes.get_mut(i)) {
                node.add(pod, &Requested::of_pod(pod));
                placed += 1;
            }
        }
        placed
    });
    println!(
        "scheduler algorithm only ({placed} pods, 103 nodes): {:8.0} pods/s (CPU; {wall:.2} ms wall, {cpu:.2} ms CPU; budget 20,000 pods/s)",
        placed as f64 / (cpu.max(1e-3) / 1000.0)
    );
}

/// 10,000 pods (ten Deployments of 1,000) on 100 nodes: resident memory and its peak, and kubectl
/// latency at that size.
fn ten_thousand() {
    let before = status_mib("VmRSS");
    let ((mut cluster, running), wall, cpu) = timed(|| {
        let mut cluster = cluster_with_nodes(100);
        for i in 0..10 {
            let out = cluster.exec(&format!(
                "kubectl create deployment big{i} --image=nginx --replicas=1000"
            ));
            assert!(out.success(), "{}", out.stderr);
            cluster.advance(60_000);
        }
        let running = running_pods(&mut cluster);
        (cluster, running)
    });
    println!(
        "10,000 pods: {running} Running after {wall:.0} ms wall {cpu:.0} ms CPU; resident {:.1} MiB (+{:.1} MiB for this cluster), peak {:.1} MiB",
        status_mib("VmRSS"),
        status_mib("VmRSS") - before,
        status_mib("VmHWM")
    );
    kubectl_latency(&mut cluster, "10000");
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
    let (t, _) = median_ms(11, || {
        black_box(cluster.graph(&options, &mut Memory::default()));
    });
    println!(
        "graph layout ({objects} objects, {} edges):{:>w$}{t:8.2} ms (budget 50 ms)",
        graph.edges.len(),
        "",
        w = 12usize.saturating_sub(graph.edges.len().to_string().len() + objects.to_string().len())
    );
}
