//! The trace a request leaves, as the page's graph animates it: the boxes passed in order
//! (node, ingress-nginx pod, Ingress, Service, backend pod; the client pod first for requests
//! from a pod), each tied to its hop, and whether it stopped on the way.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kubeplay_core::cluster::Cluster;
use kubeplay_core::network::Step;

fn cluster(lines: &[&str]) -> Cluster {
    let mut c = Cluster::new_default(1);
    for line in lines {
        let out = c.exec(line);
        assert_eq!(out.exit_code, 0, "{line}: {}", out.stderr);
    }
    c
}

/// The box ids of the last trace, with "Pod/ns/name-<hash>-<suffix>" cut to "Pod/ns/name".
fn boxes(c: &mut Cluster) -> Vec<String> {
    let trace = c.last_trace().expect("a trace");
    trace
        .boxes()
        .into_iter()
        .map(|(id, _)| match id.strip_prefix("Pod/") {
            Some(pod) => {
                let (ns, name) = pod.split_once('/').unwrap();
                let owner = name.split('-').next().unwrap();
                format!("Pod/{ns}/{owner}")
            }
            None => id,
        })
        .collect()
}

#[test]
fn an_ingress_request_passes_node_controller_ingress_service_and_pod() {
    let mut c = cluster(&[
        "kubectl create deployment web --image=nginx",
        "kubectl expose deployment web --port=80",
        "kubectl create ingress web --rule='shop.example.com/*=web:80'",
        "sleep 20",
        "kubeplay curl -H 'Host: shop.example.com' http://localhost/",
    ]);
    assert_eq!(
        boxes(&mut c),
        [
            "Node//kubeplay-control-plane",
            "Pod/ingress-nginx/ingress",
            "Ingress/default/web",
            "Service/default/web",
            "Pod/default/web",
        ]
    );
    let trace = c.last_trace().unwrap();
    assert!(!trace.stopped());
    assert_eq!(trace.outcome, "200 OK");
    // Every box but a pod-less client's comes from a hop, in hop order.
    let hops: Vec<usize> = trace.boxes().iter().filter_map(|(_, h)| *h).collect();
    assert!(hops.windows(2).all(|w| w[0] <= w[1]), "{hops:?}");
    assert_eq!(trace.hops.last().map(|h| h.step), Some(Step::Server));
    let first = trace.seq;
    c.exec("kubeplay curl -H 'Host: shop.example.com' http://localhost/");
    assert_eq!(c.last_trace().unwrap().seq, first + 1);
}

#[test]
fn a_refused_request_from_a_pod_stops_at_the_service() {
    let mut c = cluster(&[
        "kubectl create service clusterip empty --tcp=80:80",
        "kubectl run client --image=busybox -- sleep 3600",
        "sleep 20",
    ]);
    c.exec("kubectl exec client -- wget -qO- http://empty");
    assert_eq!(
        boxes(&mut c),
        [
            "Pod/default/client",
            "Pod/kube-system/coredns",
            "Service/default/empty"
        ]
    );
    assert!(c.last_trace().unwrap().stopped());
}
