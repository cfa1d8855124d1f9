//! NetworkPolicy evaluation (`network::policy::evaluate`) over the scenarios of
//! ahmetb/kubernetes-network-policy-recipes, one test per recipe, each a table of
//! (source, destination, port, protocol) → allowed or dropped. The manifests are written
//! here in our own words (names and labels differ from the recipes'); the expectations are
//! the API's semantics, which is what the recipes demonstrate. Then edge cases the recipes do
//! not reach: ipBlock with except, port ranges, protocols, named ports, default policyTypes,
//! host-network pods and the node.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kubeplay_core::api::yaml::decode_documents;
use kubeplay_core::controllers::kind;
use kubeplay_core::network::policy::{Peer, Verdict, evaluate};
use kubeplay_core::store::Store;
use serde_json::{Value, json};

/// An address outside the cluster (TEST-NET-3).
const OUTSIDE: &str = "203.0.113.7";
/// The node every pod runs on, and its address.
const NODE_IP: &str = "172.18.0.2";

/// A cluster's worth of namespaces and pods, and the policies of one recipe.
struct World {
    store: Store,
    next_ip: u8,
}

/// One end of a connection in a table: a pod by `namespace/name`, or [`OUTSIDE`] / the node.
#[derive(Clone, Copy)]
enum End {
    Pod(&'static str),
    Ip(&'static str),
}

use End::{Ip, Pod};

impl World {
    /// Namespaces: `default`, `kube-system`, `shop`, `staging` (`env=staging`), `live`
    /// (`env=live`), `ops` (`crew=sre`) and `elsewhere` (no labels).
    fn new() -> World {
        let mut store = Store::new(7);
        for (ns, labels) in [
            ("default", json!({})),
            ("kube-system", json!({"name": "kube-system"})),
            ("shop", json!({})),
            ("staging", json!({"env": "staging"})),
            ("live", json!({"env": "live"})),
            ("ops", json!({"crew": "sre"})),
            ("elsewhere", json!({})),
        ] {
            store
                .create(
                    kind("", "Namespace"),
                    json!({"metadata": {"name": ns, "labels": labels}}),
                )
                .unwrap();
            store
                .create(
                    kind("", "ServiceAccount"),
                    json!({"metadata": {"name": "default", "namespace": ns}}),
                )
                .unwrap();
        }
        let mut world = World { store, next_ip: 10 };
        // The cluster DNS, as kind runs it.
        world.pod(
            "kube-system/coredns-1",
            json!({"k8s-app": "kube-dns"}),
            json!([{"name": "dns", "containerPort": 53, "protocol": "UDP"},
                   {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"}]),
        );
        world
    }

    /// A running pod `namespace/name` with labels and container ports, on the node.
    fn pod(&mut self, key: &str, labels: Value, ports: Value) {
        let (namespace, name) = key.split_once('/').unwrap();
        let created = self
            .store
            .create(
                kind("", "Pod"),
                json!({
                    "metadata": {"name": name, "namespace": namespace, "labels": labels},
                    "spec": {
                        "nodeName": "kind-control-plane",
                        "containers": [{"name": "main", "image": "nginx", "ports": ports}],
                    },
                }),
            )
            .unwrap();
        let mut with_status = created;
        with_status["status"] = json!({
            "phase": "Running",
            "hostIP": NODE_IP,
            "podIP": format!("10.244.0.{}", self.next_ip),
        });
        self.next_ip += 1;
        self.store
            .update_status(kind("", "Pod"), &with_status)
            .unwrap();
    }

    /// A plain web server pod: port 80 named `http`.
    fn web(&mut self, key: &str, labels: Value) {
        self.pod(key, labels, json!([{"name": "http", "containerPort": 80}]));
    }

    /// Creates the policies of a YAML manifest (in `default` unless they say otherwise).
    fn apply(&mut self, yaml: &str) {
        for mut doc in decode_documents(yaml).unwrap() {
            if doc.pointer("/metadata/namespace").is_none() {
                doc["metadata"]["namespace"] = json!("default");
            }
            self.store
                .create(kind("networking.k8s.io", "NetworkPolicy"), doc)
                .unwrap();
        }
    }

    fn get_pod(&self, key: &str) -> &Value {
        let (namespace, name) = key.split_once('/').unwrap();
        self.store.get(kind("", "Pod"), namespace, name).unwrap()
    }

    fn peer(&self, end: End) -> Peer<'_> {
        match end {
            Pod(key) => {
                let pod = self.get_pod(key);
                Peer {
                    pod: Some(pod),
                    ip: pod
                        .pointer("/status/podIP")
                        .and_then(Value::as_str)
                        .unwrap(),
                }
            }
            Ip(ip) => Peer { pod: None, ip },
        }
    }

    /// Checks every row: (source, destination, port, protocol, allowed).
    fn check(&self, recipe: &str, table: &[(End, End, u16, &str, bool)]) {
        for (i, (src, dst, port, protocol, want)) in table.iter().enumerate() {
            let outcome = evaluate(
                &self.store,
                &self.peer(*src),
                &self.peer(*dst),
                *port,
                protocol,
            );
            assert_eq!(
                outcome.allowed(),
                *want,
                "{recipe}, row {i} ({}:{port}/{protocol}): {outcome:?}",
                match dst {
                    Pod(k) => k,
                    Ip(ip) => ip,
                }
            );
        }
    }
}

const TCP: &str = "TCP";
const UDP: &str = "UDP";

// 01: DENY all traffic to an application.
#[test]
fn deny_all_to_an_app() {
    let mut w = World::new();
    w.web("default/shopfront", json!({"tier": "front"}));
    w.web("default/probe", json!({}));
    w.web("default/other-app", json!({"tier": "back"}));
    w.check(
        "before",
        &[(
            Pod("default/probe"),
            Pod("default/shopfront"),
            80,
            TCP,
            true,
        )],
    );
    w.apply(
        "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: front-closed\n\
         spec:\n  podSelector:\n    matchLabels:\n      tier: front\n  ingress: []\n",
    );
    w.check(
        "deny all to app",
        &[
            (
                Pod("default/probe"),
                Pod("default/shopfront"),
                80,
                TCP,
                false,
            ),
            (
                Pod("default/other-app"),
                Pod("default/shopfront"),
                80,
                TCP,
                false,
            ),
            (Ip(OUTSIDE), Pod("default/shopfront"), 80, TCP, false),
            // Pods the policy does not select are untouched, and so is the app's egress.
            (
                Pod("default/probe"),
                Pod("default/other-app"),
                80,
                TCP,
                true,
            ),
            (
                Pod("default/shopfront"),
                Pod("default/other-app"),
                80,
                TCP,
                true,
            ),
        ],
    );
    let outcome = evaluate(
        &w.store,
        &w.peer(Pod("default/probe")),
        &w.peer(Pod("default/shopfront")),
        80,
        TCP,
    );
    assert_eq!(
        outcome.ingress,
        Verdict::Denied(vec!["default/front-closed".into()])
    );
    assert_eq!(outcome.egress, Verdict::NotIsolated);
}

// 02: LIMIT traffic to an application.
#[test]
fn limit_to_pods_of_the_app() {
    let mut w = World::new();
    w.web(
        "default/catalog-api",
        json!({"app": "catalog", "role": "api"}),
    );
    w.web("default/anon", json!({}));
    w.web(
        "default/catalog-ui",
        json!({"app": "catalog", "role": "ui"}),
    );
    w.web("shop/catalog-twin", json!({"app": "catalog", "role": "ui"}));
    w.apply(
        "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: catalog-api-inbound\n\
         spec:\n  podSelector:\n    matchLabels:\n      app: catalog\n      role: api\n\
         \x20 ingress:\n  - from:\n    - podSelector:\n        matchLabels:\n          app: catalog\n",
    );
    w.check(
        "limit",
        &[
            (
                Pod("default/anon"),
                Pod("default/catalog-api"),
                80,
                TCP,
                false,
            ),
            (
                Pod("default/catalog-ui"),
                Pod("default/catalog-api"),
                80,
                TCP,
                true,
            ),
            // A podSelector alone means the policy's own namespace.
            (
                Pod("shop/catalog-twin"),
                Pod("default/catalog-api"),
                80,
                TCP,
                false,
            ),
            (Ip(OUTSIDE), Pod("default/catalog-api"), 80, TCP, false),
        ],
    );
}

// 02a: ALLOW all traffic to an application (over a deny-all).
#[test]
fn allow_all_overrides_deny_all() {
    let mut w = World::new();
    w.web("default/shopfront", json!({"tier": "front"}));
    w.web("default/probe", json!({}));
    w.web("elsewhere/visitor", json!({}));
    w.apply(
        "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: front-closed\n\
         spec:\n  podSelector:\n    matchLabels:\n      tier: front\n  ingress: []\n\
         ---\nkind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: front-open\n\
         spec:\n  podSelector:\n    matchLabels:\n      tier: front\n  ingress:\n  - {}\n",
    );
    w.check(
        "allow all",
        &[
            (
                Pod("default/probe"),
                Pod("default/shopfront"),
                80,
                TCP,
                true,
            ),
            (
                Pod("elsewhere/visitor"),
                Pod("default/shopfront"),
                80,
                TCP,
                true,
            ),
            (Ip(OUTSIDE), Pod("default/shopfront"), 80, TCP, true),
            (
                Pod("default/probe"),
                Pod("default/shopfront"),
                9999,
                UDP,
                true,
            ),
        ],
    );
    let outcome = evaluate(
        &w.store,
        &w.peer(Pod("default/probe")),
        &w.peer(Pod("default/shopfront")),
        80,
        TCP,
    );
    assert_eq!(
        outcome.ingress,
        Verdict::Allowed(vec!["default/front-open".into()])
    );
}

// 03: DENY all non-whitelisted traffic to a namespace.
#[test]
fn default_deny_in_a_namespace() {
    let mut w = World::new();
    w.web("default/a", json!({"x": "1"}));
    w.web("default/b", json!({}));
    w.web("shop/c", json!({}));
    w.web("shop/d", json!({}));
    w.apply(
        "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: closed-by-default\n\
         spec:\n  podSelector: {}\n  ingress: []\n",
    );
    w.check(
        "namespace deny",
        &[
            (Pod("default/a"), Pod("default/b"), 80, TCP, false),
            (Pod("default/b"), Pod("default/a"), 80, TCP, false),
            (Pod("shop/c"), Pod("default/a"), 80, TCP, false),
            // Egress from the namespace is not affected, nor other namespaces.
            (Pod("default/a"), Pod("shop/c"), 80, TCP, true),
            (Pod("shop/d"), Pod("shop/c"), 80, TCP, true),
            (Pod("default/a"), Ip(OUTSIDE), 443, TCP, true),
        ],
    );
}

// 04: DENY all traffic from other namespaces.
#[test]
fn deny_from_other_namespaces() {
    let mut w = World::new();
    w.web("default/shopfront", json!({"tier": "front"}));
    w.web("default/neighbour", json!({}));
    w.web("shop/stranger", json!({}));
    // `matchLabels:` left empty (null) selects every pod, as `{}` does.
    w.apply(
        "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: same-namespace-only\n\
         spec:\n  podSelector:\n    matchLabels:\n  ingress:\n  - from:\n    - podSelector: {}\n",
    );
    w.check(
        "other namespaces",
        &[
            (
                Pod("shop/stranger"),
                Pod("default/shopfront"),
                80,
                TCP,
                false,
            ),
            (
                Pod("default/neighbour"),
                Pod("default/shopfront"),
                80,
                TCP,
                true,
            ),
            (
                Pod("shop/stranger"),
                Pod("default/neighbour"),
                80,
                TCP,
                false,
            ),
            (Ip(OUTSIDE), Pod("default/shopfront"), 80, TCP, false),
        ],
    );
}

// 05: ALLOW traffic to an application from all namespaces.
#[test]
fn allow_from_all_namespaces() {
    let mut w = World::new();
    w.web("default/shopfront", json!({"tier": "front"}));
    w.web("elsewhere/visitor", json!({}));
    w.web("default/probe", json!({}));
    w.apply(
        "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: front-for-every-namespace\n\
         spec:\n  podSelector:\n    matchLabels:\n      tier: front\n\
         \x20 ingress:\n  - from:\n    - namespaceSelector: {}\n",
    );
    w.check(
        "all namespaces",
        &[
            (
                Pod("elsewhere/visitor"),
                Pod("default/shopfront"),
                80,
                TCP,
                true,
            ),
            (
                Pod("default/probe"),
                Pod("default/shopfront"),
                80,
                TCP,
                true,
            ),
            // namespaceSelector {} is every pod, but only pods: not outside clients.
            (Ip(OUTSIDE), Pod("default/shopfront"), 80, TCP, false),
        ],
    );
    // `from:` with no peers at all is everyone, the outside included.
    let mut w2 = World::new();
    w2.web("default/shopfront", json!({"tier": "front"}));
    w2.apply(
        "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: front-for-all\n\
         spec:\n  podSelector:\n    matchLabels:\n      tier: front\n  ingress:\n  - from:\n",
    );
    w2.check(
        "empty from",
        &[(Ip(OUTSIDE), Pod("default/shopfront"), 80, TCP, true)],
    );
}

// 06: ALLOW all traffic from a namespace (by its labels).
#[test]
fn allow_from_a_labelled_namespace() {
    let mut w = World::new();
    w.web("default/shopfront", json!({"tier": "front"}));
    w.web("staging/tester", json!({}));
    w.web("live/customer", json!({}));
    w.web("default/probe", json!({}));
    w.apply(
        "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: front-from-live\n\
         spec:\n  podSelector:\n    matchLabels:\n      tier: front\n\
         \x20 ingress:\n  - from:\n    - namespaceSelector:\n        matchLabels:\n          env: live\n",
    );
    w.check(
        "namespace by label",
        &[
            (
                Pod("staging/tester"),
                Pod("default/shopfront"),
                80,
                TCP,
                false,
            ),
            (
                Pod("live/customer"),
                Pod("default/shopfront"),
                80,
                TCP,
                true,
            ),
            // Not even the policy's own namespace, unless it has the label.
            (
                Pod("default/probe"),
                Pod("default/shopfront"),
                80,
                TCP,
                false,
            ),
        ],
    );
}

// 07: ALLOW traffic from some pods in another namespace (both selectors in one peer: AND;
// two peers: OR).
#[test]
fn namespace_and_pod_selectors_and_vs_or() {
    let mut w = World::new();
    w.web("default/shopfront", json!({"tier": "front"}));
    w.web("default/plain", json!({}));
    w.web("default/watcher", json!({"kind": "metrics"}));
    w.web("ops/plain", json!({}));
    w.web("ops/watcher", json!({"kind": "metrics"}));
    w.web("elsewhere/watcher", json!({"kind": "metrics"}));
    w.apply(
        "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: front-from-sre-metrics\n\
         spec:\n  podSelector:\n    matchLabels:\n      tier: front\n  ingress:\n  - from:\n\
         \x20   - namespaceSelector:\n        matchLabels:\n          crew: sre\n\
         \x20     podSelector:\n        matchLabels:\n          kind: metrics\n",
    );
    let and_rows = [
        (
            Pod("default/plain"),
            Pod("default/shopfront"),
            80,
            TCP,
            false,
        ),
        (
            Pod("default/watcher"),
            Pod("default/shopfront"),
            80,
            TCP,
            false,
        ),
        (Pod("ops/plain"), Pod("default/shopfront"), 80, TCP, false),
        (Pod("ops/watcher"), Pod("default/shopfront"), 80, TCP, true),
        (
            Pod("elsewhere/watcher"),
            Pod("default/shopfront"),
            80,
            TCP,
            false,
        ),
    ];
    w.check("AND", &and_rows);

    let mut w = World::new();
    w.web("default/shopfront", json!({"tier": "front"}));
    w.web("default/plain", json!({}));
    w.web("default/watcher", json!({"kind": "metrics"}));
    w.web("ops/plain", json!({}));
    w.web("ops/watcher", json!({"kind": "metrics"}));
    w.web("elsewhere/watcher", json!({"kind": "metrics"}));
    w.apply(
        "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: front-from-sre-or-metrics\n\
         spec:\n  podSelector:\n    matchLabels:\n      tier: front\n  ingress:\n  - from:\n\
         \x20   - namespaceSelector:\n        matchLabels:\n          crew: sre\n\
         \x20   - podSelector:\n        matchLabels:\n          kind: metrics\n",
    );
    w.check(
        "OR",
        &[
            (
                Pod("default/plain"),
                Pod("default/shopfront"),
                80,
                TCP,
                false,
            ),
            (
                Pod("default/watcher"),
                Pod("default/shopfront"),
                80,
                TCP,
                true,
            ),
            (Pod("ops/plain"), Pod("default/shopfront"), 80, TCP, true),
            (Pod("ops/watcher"), Pod("default/shopfront"), 80, TCP, true),
            // The podSelector peer alone is the policy's namespace only.
            (
                Pod("elsewhere/watcher"),
                Pod("default/shopfront"),
                80,
                TCP,
                false,
            ),
        ],
    );
}

// 08: ALLOW traffic from external clients (in a namespace that denies by default).
#[test]
fn allow_external_clients() {
    let mut w = World::new();
    w.web("default/shopfront", json!({"tier": "front"}));
    w.web("default/probe", json!({}));
    w.apply(
        "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: closed-by-default\n\
         spec:\n  podSelector: {}\n  ingress: []\n\
         ---\nkind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: front-public\n\
         spec:\n  podSelector:\n    matchLabels:\n      tier: front\n  ingress:\n  - {}\n",
    );
    w.check(
        "external",
        &[
            (Ip(OUTSIDE), Pod("default/shopfront"), 80, TCP, true),
            (
                Pod("default/probe"),
                Pod("default/shopfront"),
                80,
                TCP,
                true,
            ),
            (
                Pod("default/shopfront"),
                Pod("default/probe"),
                80,
                TCP,
                false,
            ),
        ],
    );
    // The recipe's variant: only port 80 from anywhere.
    let mut w = World::new();
    w.web("default/shopfront", json!({"tier": "front"}));
    w.apply(
        "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: front-public-80\n\
         spec:\n  podSelector:\n    matchLabels:\n      tier: front\n  ingress:\n  - ports:\n    - port: 80\n",
    );
    w.check(
        "external on 80",
        &[
            (Ip(OUTSIDE), Pod("default/shopfront"), 80, TCP, true),
            (Ip(OUTSIDE), Pod("default/shopfront"), 443, TCP, false),
            (Ip(OUTSIDE), Pod("default/shopfront"), 80, UDP, false),
        ],
    );
}

// 09: ALLOW traffic only to a port of an application (by number and by name).
#[test]
fn allow_only_to_a_port() {
    for port in ["7070", "stats"] {
        let mut w = World::new();
        w.pod(
            "default/twoport",
            json!({"app": "twoport"}),
            json!([{"name": "main", "containerPort": 9090},
                   {"name": "stats", "containerPort": 7070}]),
        );
        w.web("default/scraper", json!({"job": "scrape"}));
        w.web("default/anon", json!({}));
        w.apply(&format!(
            "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: stats-for-scrapers\n\
             spec:\n  podSelector:\n    matchLabels:\n      app: twoport\n\
             \x20 ingress:\n  - ports:\n    - port: {port}\n    from:\n\
             \x20   - podSelector:\n        matchLabels:\n          job: scrape\n"
        ));
        w.check(
            &format!("port {port}"),
            &[
                (
                    Pod("default/anon"),
                    Pod("default/twoport"),
                    9090,
                    TCP,
                    false,
                ),
                (
                    Pod("default/anon"),
                    Pod("default/twoport"),
                    7070,
                    TCP,
                    false,
                ),
                (
                    Pod("default/scraper"),
                    Pod("default/twoport"),
                    9090,
                    TCP,
                    false,
                ),
                (
                    Pod("default/scraper"),
                    Pod("default/twoport"),
                    7070,
                    TCP,
                    true,
                ),
                (
                    Pod("default/scraper"),
                    Pod("default/twoport"),
                    7070,
                    UDP,
                    false,
                ),
            ],
        );
    }
}

// 10: ALLOW traffic from apps using multiple selectors.
#[test]
fn allow_from_several_selectors() {
    let mut w = World::new();
    w.pod(
        "default/cache",
        json!({"app": "catalog", "role": "cache"}),
        json!([{"containerPort": 6379}]),
    );
    w.web(
        "default/finder",
        json!({"app": "catalog", "role": "finder"}),
    );
    w.web(
        "default/gateway",
        json!({"app": "catalog", "role": "gateway"}),
    );
    w.web("default/stock", json!({"app": "warehouse", "role": "ui"}));
    w.web("default/stranger", json!({"app": "else"}));
    w.web("default/half", json!({"app": "catalog", "role": "admin"}));
    w.apply(
        "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: cache-clients\n\
         spec:\n  podSelector:\n    matchLabels:\n      app: catalog\n      role: cache\n\
         \x20 ingress:\n  - from:\n\
         \x20   - podSelector:\n        matchLabels:\n          app: catalog\n          role: finder\n\
         \x20   - podSelector:\n        matchLabels:\n          app: catalog\n          role: gateway\n\
         \x20   - podSelector:\n        matchLabels:\n          app: warehouse\n          role: ui\n",
    );
    w.check(
        "multiple selectors",
        &[
            (Pod("default/finder"), Pod("default/cache"), 6379, TCP, true),
            (
                Pod("default/gateway"),
                Pod("default/cache"),
                6379,
                TCP,
                true,
            ),
            (Pod("default/stock"), Pod("default/cache"), 6379, TCP, true),
            (
                Pod("default/stranger"),
                Pod("default/cache"),
                6379,
                TCP,
                false,
            ),
            (Pod("default/half"), Pod("default/cache"), 6379, TCP, false),
        ],
    );
}

const DNS_ONLY: &str = "\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: sealed-egress
spec:
  podSelector:
    matchLabels:
      sealed: \"yes\"
  policyTypes:
  - Egress
  egress:
  - to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
      podSelector:
        matchLabels:
          k8s-app: kube-dns
    ports:
    - port: 53
      protocol: UDP
    - port: 53
      protocol: TCP
";

// 11: DENY egress traffic from an application, then allow DNS.
#[test]
fn deny_egress_then_allow_dns() {
    let mut w = World::new();
    w.web("default/sealed", json!({"sealed": "yes"}));
    w.web("default/shopfront", json!({"tier": "front"}));
    w.apply(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: sealed-egress\n\
         spec:\n  podSelector:\n    matchLabels:\n      sealed: \"yes\"\n  policyTypes:\n  - Egress\n  egress: []\n",
    );
    w.check(
        "deny egress",
        &[
            (
                Pod("default/sealed"),
                Pod("kube-system/coredns-1"),
                53,
                UDP,
                false,
            ),
            (
                Pod("default/sealed"),
                Pod("default/shopfront"),
                80,
                TCP,
                false,
            ),
            (Pod("default/sealed"), Ip(OUTSIDE), 80, TCP, false),
            // Ingress to the sealed pod is not affected (policyTypes: Egress only).
            (
                Pod("default/shopfront"),
                Pod("default/sealed"),
                80,
                TCP,
                true,
            ),
        ],
    );

    let mut w = World::new();
    w.web("default/sealed", json!({"sealed": "yes"}));
    w.web("default/shopfront", json!({"tier": "front"}));
    w.apply(DNS_ONLY);
    w.check(
        "DNS allowed",
        &[
            (
                Pod("default/sealed"),
                Pod("kube-system/coredns-1"),
                53,
                UDP,
                true,
            ),
            (
                Pod("default/sealed"),
                Pod("kube-system/coredns-1"),
                53,
                TCP,
                true,
            ),
            (
                Pod("default/sealed"),
                Pod("kube-system/coredns-1"),
                9153,
                TCP,
                false,
            ),
            (
                Pod("default/sealed"),
                Pod("default/shopfront"),
                80,
                TCP,
                false,
            ),
            (Pod("default/sealed"), Ip(OUTSIDE), 80, TCP, false),
            (
                Pod("default/shopfront"),
                Pod("default/sealed"),
                80,
                TCP,
                true,
            ),
        ],
    );
}

// 12: DENY all non-whitelisted traffic from a namespace.
#[test]
fn default_deny_egress_in_a_namespace() {
    let mut w = World::new();
    w.web("default/a", json!({}));
    w.web("shop/b", json!({}));
    w.apply(
        "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: no-way-out\n\
         spec:\n  policyTypes:\n  - Egress\n  podSelector: {}\n  egress: []\n",
    );
    w.check(
        "namespace egress",
        &[
            (
                Pod("default/a"),
                Pod("kube-system/coredns-1"),
                53,
                UDP,
                false,
            ),
            (Pod("default/a"), Pod("shop/b"), 80, TCP, false),
            (Pod("default/a"), Ip(OUTSIDE), 443, TCP, false),
            (Pod("shop/b"), Pod("default/a"), 80, TCP, true),
            (Ip(OUTSIDE), Pod("default/a"), 80, TCP, true),
        ],
    );
}

// 13: egress to pods of a namespace on given ports (the recipe repository's exported
// object): two peers OR'ed, each port list shared by both.
#[test]
fn egress_to_labelled_namespace_and_pods_on_ports() {
    let mut w = World::new();
    w.web("default/outbound", json!({"name": "edge"}));
    w.pod(
        "default/inner",
        json!({"name": "inner"}),
        json!([{"containerPort": 8080}]),
    );
    w.pod(
        "default/other",
        json!({"name": "other"}),
        json!([{"containerPort": 8080}]),
    );
    w.apply(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: edge-egress\n\
         spec:\n  podSelector:\n    matchLabels:\n      name: edge\n  policyTypes:\n  - Egress\n\
         \x20 egress:\n  - ports:\n    - port: 53\n      protocol: TCP\n    - port: 53\n      protocol: UDP\n\
         \x20   - port: 8080\n      protocol: TCP\n    to:\n\
         \x20   - namespaceSelector:\n        matchLabels:\n          name: kube-system\n\
         \x20   - namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: default\n\
         \x20     podSelector:\n        matchLabels:\n          name: inner\n",
    );
    w.check(
        "egress to namespace and pods",
        &[
            (
                Pod("default/outbound"),
                Pod("kube-system/coredns-1"),
                53,
                UDP,
                true,
            ),
            (
                Pod("default/outbound"),
                Pod("default/inner"),
                8080,
                TCP,
                true,
            ),
            (
                Pod("default/outbound"),
                Pod("default/inner"),
                9090,
                TCP,
                false,
            ),
            (
                Pod("default/outbound"),
                Pod("default/other"),
                8080,
                TCP,
                false,
            ),
            (Pod("default/outbound"), Ip(OUTSIDE), 53, UDP, false),
        ],
    );
}

// 14: DENY external egress traffic. The recipe's manifest today allows DNS only (its text
// says in-cluster traffic still works, which that manifest does not allow: by the API's
// semantics the web pod is unreachable); its earlier form added `namespaceSelector: {}`,
// which keeps every pod reachable and only the outside cut off. Both are checked.
#[test]
fn deny_external_egress() {
    let mut w = World::new();
    w.web("default/sealed", json!({"sealed": "yes"}));
    w.web("default/shopfront", json!({"tier": "front"}));
    w.apply(DNS_ONLY);
    w.check(
        "DNS only",
        &[
            (
                Pod("default/sealed"),
                Pod("kube-system/coredns-1"),
                53,
                UDP,
                true,
            ),
            (
                Pod("default/sealed"),
                Pod("default/shopfront"),
                80,
                TCP,
                false,
            ),
            (Pod("default/sealed"), Ip(OUTSIDE), 80, TCP, false),
        ],
    );

    let mut w = World::new();
    w.web("default/sealed", json!({"sealed": "yes"}));
    w.web("default/shopfront", json!({"tier": "front"}));
    w.web("shop/far", json!({}));
    w.apply(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: cluster-only\n\
         spec:\n  podSelector:\n    matchLabels:\n      sealed: \"yes\"\n  policyTypes:\n  - Egress\n\
         \x20 egress:\n  - ports:\n    - port: 53\n      protocol: UDP\n    - port: 53\n      protocol: TCP\n\
         \x20 - to:\n    - namespaceSelector: {}\n",
    );
    w.check(
        "in-cluster only",
        &[
            (
                Pod("default/sealed"),
                Pod("kube-system/coredns-1"),
                53,
                UDP,
                true,
            ),
            (
                Pod("default/sealed"),
                Pod("default/shopfront"),
                80,
                TCP,
                true,
            ),
            (Pod("default/sealed"), Pod("shop/far"), 80, TCP, true),
            (Pod("default/sealed"), Ip(OUTSIDE), 80, TCP, false),
            // The first rule has no peers: DNS anywhere, the outside included.
            (Pod("default/sealed"), Ip(OUTSIDE), 53, UDP, true),
        ],
    );
}

#[test]
fn ip_blocks_with_exceptions() {
    let mut w = World::new();
    w.web("default/shopfront", json!({"tier": "front"}));
    w.web("default/probe", json!({}));
    w.apply(
        "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: from-net\n\
         spec:\n  podSelector:\n    matchLabels:\n      tier: front\n  ingress:\n  - from:\n\
         \x20   - ipBlock:\n        cidr: 203.0.113.0/24\n        except:\n        - 203.0.113.0/29\n\
         \x20   - ipBlock:\n        cidr: 10.244.0.0/16\n",
    );
    w.check(
        "ipBlock",
        &[
            (Ip("203.0.113.7"), Pod("default/shopfront"), 80, TCP, false),
            (Ip("203.0.113.8"), Pod("default/shopfront"), 80, TCP, true),
            (Ip("203.0.113.255"), Pod("default/shopfront"), 80, TCP, true),
            (Ip("198.51.100.1"), Pod("default/shopfront"), 80, TCP, false),
            // ipBlock matches pod addresses too.
            (
                Pod("default/probe"),
                Pod("default/shopfront"),
                80,
                TCP,
                true,
            ),
            (Ip("2001:db8::1"), Pod("default/shopfront"), 80, TCP, false),
        ],
    );
}

#[test]
fn port_ranges_and_protocols() {
    let mut w = World::new();
    w.web("default/target", json!({"tier": "front"}));
    w.web("default/client", json!({}));
    w.apply(
        "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: ranges\n\
         spec:\n  podSelector:\n    matchLabels:\n      tier: front\n  ingress:\n  - ports:\n\
         \x20   - port: 32000\n      endPort: 32768\n    - protocol: UDP\n    - port: 9000\n      protocol: SCTP\n",
    );
    w.check(
        "ranges",
        &[
            (
                Pod("default/client"),
                Pod("default/target"),
                31999,
                TCP,
                false,
            ),
            (
                Pod("default/client"),
                Pod("default/target"),
                32000,
                TCP,
                true,
            ),
            (
                Pod("default/client"),
                Pod("default/target"),
                32768,
                TCP,
                true,
            ),
            (
                Pod("default/client"),
                Pod("default/target"),
                32769,
                TCP,
                false,
            ),
            // A port entry with a protocol and no port: every port of that protocol.
            (Pod("default/client"), Pod("default/target"), 1, UDP, true),
            (
                Pod("default/client"),
                Pod("default/target"),
                9000,
                "SCTP",
                true,
            ),
            (
                Pod("default/client"),
                Pod("default/target"),
                9001,
                "SCTP",
                false,
            ),
            (
                Pod("default/client"),
                Pod("default/target"),
                9000,
                TCP,
                false,
            ),
        ],
    );
}

#[test]
fn named_ports_resolve_on_the_destination() {
    let mut w = World::new();
    w.web("default/client", json!({"role": "client"}));
    w.pod(
        "default/left",
        json!({"role": "server"}),
        json!([{"name": "api", "containerPort": 8080}]),
    );
    w.pod(
        "default/right",
        json!({"role": "server"}),
        json!([{"name": "api", "containerPort": 9090},
               {"name": "dns", "containerPort": 5353, "protocol": "UDP"}]),
    );
    w.apply(
        "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: api-egress\n\
         spec:\n  podSelector:\n    matchLabels:\n      role: client\n  policyTypes: [Egress]\n\
         \x20 egress:\n  - ports:\n    - port: api\n    - port: dns\n",
    );
    w.check(
        "named ports",
        &[
            (Pod("default/client"), Pod("default/left"), 8080, TCP, true),
            (Pod("default/client"), Pod("default/left"), 9090, TCP, false),
            (Pod("default/client"), Pod("default/right"), 9090, TCP, true),
            (
                Pod("default/client"),
                Pod("default/right"),
                8080,
                TCP,
                false,
            ),
            // `dns` is a UDP port, and the entry's protocol defaults to TCP.
            (
                Pod("default/client"),
                Pod("default/right"),
                5353,
                UDP,
                false,
            ),
            (
                Pod("default/client"),
                Pod("default/right"),
                5353,
                TCP,
                false,
            ),
            // A name cannot resolve on an address outside the cluster.
            (Pod("default/client"), Ip(OUTSIDE), 8080, TCP, false),
        ],
    );
}

#[test]
fn egress_rules_make_a_policy_egress_without_policy_types() {
    let mut w = World::new();
    w.web("default/client", json!({"role": "client"}));
    w.web("default/server", json!({"role": "server"}));
    w.web("default/other", json!({}));
    // No policyTypes: the API server defaults them to [Ingress, Egress] here.
    w.apply(
        "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: both-ways\n\
         spec:\n  podSelector:\n    matchLabels:\n      role: client\n\
         \x20 egress:\n  - to:\n    - podSelector:\n        matchLabels:\n          role: server\n",
    );
    let np = w
        .store
        .get(
            kind("networking.k8s.io", "NetworkPolicy"),
            "default",
            "both-ways",
        )
        .unwrap();
    assert_eq!(np["spec"]["policyTypes"], json!(["Ingress", "Egress"]));
    w.check(
        "defaulted types",
        &[
            (Pod("default/client"), Pod("default/server"), 80, TCP, true),
            (Pod("default/client"), Pod("default/other"), 80, TCP, false),
            // Ingress is isolated too, with no ingress rules.
            (Pod("default/other"), Pod("default/client"), 80, TCP, false),
        ],
    );
}

#[test]
fn the_node_and_host_network_pods() {
    let mut w = World::new();
    w.web("default/shopfront", json!({"tier": "front"}));
    w.apply(
        "kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata:\n  name: closed-by-default\n\
         spec:\n  podSelector: {}\n  ingress: []\n  policyTypes: [Ingress, Egress]\n",
    );
    let node_peer = Peer {
        pod: None,
        ip: NODE_IP,
    };
    let front = w.peer(Pod("default/shopfront"));
    // The pod's own node (the kubelet's probes) always gets through.
    let outcome = evaluate(&w.store, &node_peer, &front, 80, TCP);
    assert_eq!(outcome.ingress, Verdict::Allowed(Vec::new()));
    assert!(outcome.allowed());
    // Another node does not.
    let other_node = Peer {
        pod: None,
        ip: "172.18.0.3",
    };
    assert!(!evaluate(&w.store, &other_node, &front, 80, TCP).allowed());
    // A host-network pod is not selected by a policy: its egress is not isolated, and
    // it is seen as its node when it connects.
    let host_pod = json!({
        "metadata": {"name": "kube-proxy-x", "namespace": "default", "labels": {}},
        "spec": {"hostNetwork": true},
        "status": {"podIP": NODE_IP, "hostIP": NODE_IP},
    });
    let host_peer = Peer {
        pod: Some(&host_pod),
        ip: NODE_IP,
    };
    let outcome = evaluate(&w.store, &host_peer, &front, 80, TCP);
    assert_eq!(outcome.egress, Verdict::NotIsolated);
    assert!(outcome.allowed());
    let outcome = evaluate(&w.store, &front, &host_peer, 10250, TCP);
    assert_eq!(
        outcome.egress,
        Verdict::Denied(vec!["default/closed-by-default".into()])
    );
    assert_eq!(outcome.ingress, Verdict::NotIsolated);
}
