//! kube-proxy in iptables mode (kind's default): which Service a packet's destination is
//! (ClusterIP:port, a NodePort on any node's address, a LoadBalancer ingress IP), which
//! endpoints it may go to, and the one picked for a new connection.
//!
//! As the rules kube-proxy writes: only ready endpoints from the Service's EndpointSlices
//! (serving-but-terminating ones when none is ready); a Service without endpoints is
//! REJECTed (the client sees "connection refused"); `internalTrafficPolicy: Local` (traffic
//! from pods) and `externalTrafficPolicy: Local` (NodePort and LoadBalancer traffic) keep
//! only the endpoints on the node the packet is on, and drop it when there is none there; each
//! new connection picks an endpoint at random (`-m statistic --mode random`), unless
//! `sessionAffinity: ClientIP` remembers the client's last one for `timeoutSeconds`.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::api::meta;
use crate::controllers::kind;
use crate::rng::Rng;
use crate::store::Store;
use crate::time::{SECOND, Time};

/// How a packet reached a Service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    ClusterIp,
    NodePort,
    LoadBalancer,
}

/// A Service port a packet is addressed to.
#[derive(Clone, Debug)]
pub struct Frontend<'a> {
    pub service: &'a Value,
    pub port: &'a Value,
    pub via: Via,
}

impl Frontend<'_> {
    pub fn key(&self) -> String {
        format!(
            "{}/{}",
            meta::namespace(self.service),
            meta::name(self.service)
        )
    }

    pub fn port_name(&self) -> &str {
        meta::str_at(self.port, "/name")
    }

    /// Whether only endpoints on the packet's node may take it.
    pub fn local_only(&self) -> bool {
        match self.via {
            Via::ClusterIp => meta::str_at(self.service, "/spec/internalTrafficPolicy") == "Local",
            Via::NodePort | Via::LoadBalancer => {
                meta::str_at(self.service, "/spec/externalTrafficPolicy") == "Local"
            }
        }
    }
}

/// One endpoint of a Service port, from its EndpointSlices.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub ip: String,
    pub port: u16,
    pub node: String,
    /// The pod behind it (`namespace`, `name`), when the slice says.
    pub pod: Option<(String, String)>,
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
}

/// The EndpointSlices of a Service.
pub fn slices_of<'a>(store: &'a Store, ns: &str, service: &str) -> Vec<&'a Value> {
    store
        .list(kind("discovery.k8s.io", "EndpointSlice"), Some(ns))
        .filter(|s| {
            meta::labels(s)
                .and_then(|l| l.get("kubernetes.io/service-name"))
                .and_then(Value::as_str)
                == Some(service)
        })
        .collect()
}

/// The Service port `ip:port` is addressed to, if kube-proxy has a rule for it. `node_ips`
/// are the nodes' addresses (where NodePorts open).
pub fn frontend<'a>(
    store: &'a Store,
    ip: &str,
    port: u16,
    node_ips: &[String],
) -> Option<Frontend<'a>> {
    let is_node = node_ips.iter().any(|n| n == ip);
    for svc in store.list(kind("", "Service"), None) {
        let ports = meta::array_at(svc, "/spec/ports");
        let port_is = |field: &str| {
            ports
                .iter()
                .find(|p| p.get(field).and_then(Value::as_u64) == Some(u64::from(port)))
        };
        let cluster_ips = meta::array_at(svc, "/spec/clusterIPs");
        let has_cluster_ip = cluster_ips.iter().any(|c| c.as_str() == Some(ip))
            || meta::str_at(svc, "/spec/clusterIP") == ip;
        if has_cluster_ip && let Some(p) = port_is("port") {
            return Some(Frontend {
                service: svc,
                port: p,
                via: Via::ClusterIp,
            });
        }
        if is_node && let Some(p) = port_is("nodePort") {
            return Some(Frontend {
                service: svc,
                port: p,
                via: Via::NodePort,
            });
        }
        let lb = meta::array_at(svc, "/status/loadBalancer/ingress")
            .iter()
            .any(|i| meta::str_at(i, "/ip") == ip);
        if lb
            && meta::str_at(svc, "/spec/type") == "LoadBalancer"
            && let Some(p) = port_is("port")
        {
            return Some(Frontend {
                service: svc,
                port: p,
                via: Via::LoadBalancer,
            });
        }
    }
    None
}

/// Whether `ip` is some Service's ClusterIP (whatever the port).
pub fn is_cluster_ip(store: &Store, ip: &str) -> bool {
    store.list(kind("", "Service"), None).any(|svc| {
        meta::str_at(svc, "/spec/clusterIP") == ip
            || meta::array_at(svc, "/spec/clusterIPs")
                .iter()
                .any(|c| c.as_str() == Some(ip))
    })
}

/// Every endpoint of the frontend's Service port, in slice order.
pub fn endpoints(store: &Store, front: &Frontend<'_>) -> Vec<Endpoint> {
    let ns = meta::namespace(front.service);
    let mut out = Vec::new();
    for slice in slices_of(store, ns, meta::name(front.service)) {
        let Some(port) = meta::array_at(slice, "/ports")
            .iter()
            .find(|p| meta::str_at(p, "/name") == front.port_name())
            .and_then(|p| p.get("port").and_then(Value::as_u64))
        else {
            continue;
        };
        for ep in meta::array_at(slice, "/endpoints") {
            let flag = |c: &str, default: bool| {
                ep.pointer(&format!("/conditions/{c}"))
                    .and_then(Value::as_bool)
                    .unwrap_or(default)
            };
            let ready = flag("ready", true);
            let pod = match meta::str_at(ep, "/targetRef/name") {
                "" => None,
                name => Some((ns.to_string(), name.to_string())),
            };
            for ip in meta::array_at(ep, "/addresses")
                .iter()
                .filter_map(Value::as_str)
            {
                out.push(Endpoint {
                    ip: ip.to_string(),
                    port: port as u16,
                    node: meta::str_at(ep, "/nodeName").to_string(),
                    pod: pod.clone(),
                    ready,
                    serving: flag("serving", ready),
                    terminating: flag("terminating", false),
                });
            }
        }
    }
    out
}

/// What kube-proxy does with a new connection to a Service port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    /// DNAT to this endpoint, and why this one.
    Endpoint(Endpoint, String),
    /// No endpoints at all: REJECT (ICMP port unreachable, "connection refused").
    Reject,
    /// Endpoints exist, but none the traffic policy allows from this node: DROP.
    Drop(String),
}

/// ClientIP session affinity: the endpoint a client last went to per Service port, and when
/// the entry expires.
#[derive(Clone, Debug, Default)]
pub struct Affinity {
    entries: BTreeMap<(String, String, String), (String, Time)>,
}

/// Picks the endpoint for a new connection from `client` arriving on `node`.
pub fn choose(
    front: &Frontend<'_>,
    all: &[Endpoint],
    node: &str,
    client: &str,
    now: Time,
    rng: &mut Rng,
    affinity: &mut Affinity,
) -> Choice {
    let ready: Vec<&Endpoint> = all.iter().filter(|e| e.ready).collect();
    // With no ready endpoint, traffic goes to ones still serving while they terminate.
    let usable: Vec<&Endpoint> = if ready.is_empty() {
        all.iter().filter(|e| e.serving && e.terminating).collect()
    } else {
        ready
    };
    if usable.is_empty() {
        return Choice::Reject;
    }
    let (candidates, policy): (Vec<&Endpoint>, &str) = if front.local_only() {
        (
            usable.iter().copied().filter(|e| e.node == node).collect(),
            " on this node (traffic policy Local)",
        )
    } else {
        (usable, "")
    };
    if candidates.is_empty() {
        return Choice::Drop(format!(
            "{} endpoint(s), none on node {node}: traffic policy Local drops the packet",
            all.len()
        ));
    }
    let key = (
        front.key(),
        front.port_name().to_string(),
        client.to_string(),
    );
    let sticky = meta::str_at(front.service, "/spec/sessionAffinity") == "ClientIP";
    if sticky
        && let Some((ip, until)) = affinity.entries.get(&key)
        && *until > now
        && let Some(e) = candidates.iter().find(|e| &e.ip == ip)
    {
        let e = (*e).clone();
        let timeout = affinity_timeout(front.service);
        affinity
            .entries
            .insert(key, (e.ip.clone(), now.plus_millis(timeout)));
        return Choice::Endpoint(
            e,
            format!("sessionAffinity ClientIP: {client} keeps its endpoint"),
        );
    }
    let index = rng.below(candidates.len() as u64) as usize;
    let Some(e) = candidates.get(index).map(|e| (*e).clone()) else {
        return Choice::Reject;
    };
    if sticky {
        let timeout = affinity_timeout(front.service);
        affinity
            .entries
            .insert(key, (e.ip.clone(), now.plus_millis(timeout)));
    }
    Choice::Endpoint(
        e,
        format!(
            "picked at random among {} ready endpoint(s){policy}",
            candidates.len()
        ),
    )
}

/// `sessionAffinityConfig.clientIP.timeoutSeconds` (default 10800), in milliseconds.
fn affinity_timeout(svc: &Value) -> i64 {
    svc.pointer("/spec/sessionAffinityConfig/clientIP/timeoutSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(10800)
        * SECOND
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ep(ip: &str, node: &str, ready: bool) -> Endpoint {
        Endpoint {
            ip: ip.into(),
            port: 80,
            node: node.into(),
            pod: None,
            ready,
            serving: ready,
            terminating: false,
        }
    }

    fn svc(spec: Value) -> Value {
        json!({"metadata": {"name": "web", "namespace": "default"}, "spec": spec})
    }

    #[test]
    fn no_endpoints_is_rejected_and_not_ready_ones_are_skipped() {
        let s = svc(json!({"ports": [{"port": 80}]}));
        let port = json!({"port": 80});
        let front = Frontend {
            service: &s,
            port: &port,
            via: Via::ClusterIp,
        };
        let (mut rng, mut aff) = (Rng::new(1), Affinity::default());
        let now = Time::GENESIS;
        assert_eq!(
            choose(&front, &[], "n1", "c", now, &mut rng, &mut aff),
            Choice::Reject
        );
        let only_unready = [ep("10.0.0.1", "n1", false)];
        assert_eq!(
            choose(&front, &only_unready, "n1", "c", now, &mut rng, &mut aff),
            Choice::Reject
        );
        let mixed = [ep("10.0.0.1", "n1", false), ep("10.0.0.2", "n2", true)];
        for _ in 0..20 {
            match choose(&front, &mixed, "n1", "c", now, &mut rng, &mut aff) {
                Choice::Endpoint(e, _) => assert_eq!(e.ip, "10.0.0.2"),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn random_choice_reaches_every_ready_endpoint() {
        let s = svc(json!({}));
        let port = json!({"port": 80});
        let front = Frontend {
            service: &s,
            port: &port,
            via: Via::ClusterIp,
        };
        let eps = [
            ep("10.0.0.1", "n1", true),
            ep("10.0.0.2", "n2", true),
            ep("10.0.0.3", "n3", true),
        ];
        let (mut rng, mut aff) = (Rng::new(7), Affinity::default());
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..60 {
            if let Choice::Endpoint(e, _) =
                choose(&front, &eps, "n1", "c", Time::GENESIS, &mut rng, &mut aff)
            {
                seen.insert(e.ip);
            }
        }
        assert_eq!(seen.len(), 3);
    }

    #[test]
    fn client_ip_affinity_sticks_until_it_times_out() {
        let s = svc(
            json!({"sessionAffinity": "ClientIP", "sessionAffinityConfig": {"clientIP": {"timeoutSeconds": 10}}}),
        );
        let port = json!({"port": 80});
        let front = Frontend {
            service: &s,
            port: &port,
            via: Via::ClusterIp,
        };
        let eps = [
            ep("10.0.0.1", "n1", true),
            ep("10.0.0.2", "n2", true),
            ep("10.0.0.3", "n3", true),
        ];
        let (mut rng, mut aff) = (Rng::new(3), Affinity::default());
        let t0 = Time::GENESIS;
        let Choice::Endpoint(first, _) = choose(&front, &eps, "n1", "c", t0, &mut rng, &mut aff)
        else {
            panic!("no endpoint");
        };
        for i in 1..20 {
            let t = t0.plus_millis(i * 400);
            match choose(&front, &eps, "n1", "c", t, &mut rng, &mut aff) {
                Choice::Endpoint(e, why) => {
                    assert_eq!(e.ip, first.ip);
                    assert!(why.contains("ClientIP"));
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        // Idle for longer than the timeout: a fresh random choice.
        let later = t0.plus_millis(60 * SECOND);
        match choose(&front, &eps, "n1", "c", later, &mut rng, &mut aff) {
            Choice::Endpoint(_, why) => assert!(why.contains("random")),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn local_traffic_policy_keeps_this_nodes_endpoints_or_drops() {
        let s = svc(json!({"externalTrafficPolicy": "Local"}));
        let port = json!({"port": 80, "nodePort": 30080});
        let front = Frontend {
            service: &s,
            port: &port,
            via: Via::NodePort,
        };
        let eps = [ep("10.0.0.1", "n1", true), ep("10.0.0.2", "n2", true)];
        let (mut rng, mut aff) = (Rng::new(5), Affinity::default());
        for _ in 0..10 {
            match choose(&front, &eps, "n2", "c", Time::GENESIS, &mut rng, &mut aff) {
                Choice::Endpoint(e, _) => assert_eq!(e.ip, "10.0.0.2"),
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(matches!(
            choose(&front, &eps, "n3", "c", Time::GENESIS, &mut rng, &mut aff),
            Choice::Drop(_)
        ));
    }
}
