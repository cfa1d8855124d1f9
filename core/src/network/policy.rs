//! NetworkPolicy (`networking.k8s.io/v1`) as a CNI enforces it: whether one connection —
//! source, destination pod port and protocol — passes the egress policies of its source pod
//! and the ingress policies of its destination pod.
//!
//! The cluster simulates kind, whose default CNI (kindnet) enforces NetworkPolicy since kind
//! v0.24 (through kube-network-policies); older kind releases ignored policies entirely.
//! Enforcement here follows the API's documented semantics:
//!
//! - A pod is isolated for a direction when at least one policy in its namespace selects it
//!   (`podSelector`) and has that direction in `policyTypes`. Absent `policyTypes` mean
//!   `Ingress`, plus `Egress` when the policy has egress rules (the API server defaults them so;
//!   read the same way here for objects that somehow lack them).
//! - An isolated pod accepts a connection when any rule of any selecting policy allows it:
//!   rules and policies are OR'ed, never subtracted.
//! - A rule allows when one of its ports matches (none listed: all ports) and one of its peers
//!   matches (none listed: every source or destination, inside the cluster or out).
//! - A peer with `podSelector` alone means pods of the policy's namespace; with
//!   `namespaceSelector` alone, every pod of the matching namespaces; with both in the same
//!   peer, the pods matching both (AND), while two separate peers are OR'ed. `{}` selects all.
//!   `ipBlock` matches the address in `cidr` and in none of `except`, whatever the address is.
//! - Ports: `protocol` defaults to TCP; a number matches that destination port (up to
//!   `endPort` when set); a name is looked up in the destination pod's container ports.
//!
//! Host-network pods are never selected and are seen by peers as their node's address (pod
//! selectors do not match them). A pod always accepts traffic from its own node (the kubelet's
//! probes), which policies cannot block.

use serde_json::Value;

use super::cidr::{parse_cidr, parse_ip};
use crate::api::{kinds, meta, selector};
use crate::store::Store;

/// One end of a connection as NetworkPolicy sees it.
#[derive(Clone, Copy, Debug)]
pub struct Peer<'a> {
    /// The pod object, when the end is a pod (host-network pods and outside clients: None).
    pub pod: Option<&'a Value>,
    /// Its IP address (pod IP, node IP, or an outside address).
    pub ip: &'a str,
}

/// What the policies of one direction say about a connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// No policy selects this pod for this direction: allowed.
    NotIsolated,
    /// Selected, and allowed by these policies ("namespace/name"). Empty for the traffic no
    /// policy can block (from the pod's own node).
    Allowed(Vec<String>),
    /// Selected by these policies, none allows it: the packet is dropped.
    Denied(Vec<String>),
}

impl Verdict {
    pub fn allows(&self) -> bool {
        !matches!(self, Verdict::Denied(_))
    }
}

/// The verdicts of both directions: the source pod's egress and the destination's ingress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyOutcome {
    pub egress: Verdict,
    pub ingress: Verdict,
}

impl PolicyOutcome {
    /// Whether the connection goes through (both directions allow it).
    pub fn allowed(&self) -> bool {
        self.egress.allows() && self.ingress.allows()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    fn type_name(self) -> &'static str {
        match self {
            Direction::Ingress => "Ingress",
            Direction::Egress => "Egress",
        }
    }

    fn rules_key(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }

    fn peers_key(self) -> &'static str {
        match self {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        }
    }
}

/// Evaluates one connection. `port` is the destination port after Service translation (the
/// pod's port), `protocol` "TCP", "UDP" or "SCTP". Named ports in policies are resolved
/// against the destination pod's container ports.
pub fn evaluate(store: &Store, src: &Peer, dst: &Peer, port: u16, protocol: &str) -> PolicyOutcome {
    let conn = Connection {
        store,
        src: as_pod_end(src),
        dst: as_pod_end(dst),
        port,
        protocol,
    };
    let egress = match conn.src.pod {
        Some(pod) => conn.verdict(pod, Direction::Egress),
        None => Verdict::NotIsolated,
    };
    let ingress = match conn.dst.pod {
        Some(pod) if from_own_node(pod, src) => Verdict::Allowed(Vec::new()),
        Some(pod) => conn.verdict(pod, Direction::Ingress),
        None => Verdict::NotIsolated,
    };
    PolicyOutcome { egress, ingress }
}

/// A host-network pod is its node as far as policies go.
fn as_pod_end<'a>(peer: &Peer<'a>) -> Peer<'a> {
    Peer {
        pod: peer.pod.filter(|p| !is_host_network(p)),
        ip: peer.ip,
    }
}

fn is_host_network(pod: &Value) -> bool {
    pod.pointer("/spec/hostNetwork") == Some(&Value::Bool(true))
}

/// Traffic from the node a pod runs on (not from another pod on it).
fn from_own_node(pod: &Value, src: &Peer) -> bool {
    let host_ip = meta::str_at(pod, "/status/hostIP");
    !host_ip.is_empty() && src.ip == host_ip && src.pod.is_none_or(is_host_network)
}

struct Connection<'a> {
    store: &'a Store,
    src: Peer<'a>,
    dst: Peer<'a>,
    port: u16,
    protocol: &'a str,
}

impl Connection<'_> {
    /// The verdict of the policies selecting `pod` (the source for egress, the destination
    /// for ingress).
    fn verdict(&self, pod: &Value, direction: Direction) -> Verdict {
        let Some(kind) = kinds::by_kind("networking.k8s.io", "NetworkPolicy") else {
            return Verdict::NotIsolated;
        };
        let namespace = meta::namespace(pod);
        let mut selecting = Vec::new();
        let mut allowing = Vec::new();
        for np in self.store.list(kind, Some(namespace)) {
            if !has_type(np, direction) || !selects(np, pod) {
                continue;
            }
            let name = format!("{namespace}/{}", meta::name(np));
            let rules = meta::array_at(np, &format!("/spec/{}", direction.rules_key()));
            if rules
                .iter()
                .any(|r| self.rule_allows(namespace, r, direction))
            {
                allowing.push(name);
            } else {
                selecting.push(name);
            }
        }
        match (selecting.is_empty(), allowing.is_empty()) {
            (true, true) => Verdict::NotIsolated,
            (_, false) => Verdict::Allowed(allowing),
            (false, true) => Verdict::Denied(selecting),
        }
    }

    fn rule_allows(&self, policy_ns: &str, rule: &Value, direction: Direction) -> bool {
        let ports = meta::array_at(rule, "/ports");
        if !ports.is_empty() && !ports.iter().any(|p| self.port_matches(p)) {
            return false;
        }
        let other = match direction {
            Direction::Ingress => &self.src,
            Direction::Egress => &self.dst,
        };
        let peers = meta::array_at(rule, &format!("/{}", direction.peers_key()));
        peers.is_empty()
            || peers
                .iter()
                .any(|peer| self.peer_matches(policy_ns, peer, other))
    }

    /// One `NetworkPolicyPort` against the destination port and protocol.
    fn port_matches(&self, entry: &Value) -> bool {
        let protocol = match meta::str_at(entry, "/protocol") {
            "" => "TCP",
            p => p,
        };
        if protocol != self.protocol {
            return false;
        }
        let port = i64::from(self.port);
        match entry.get("port") {
            None | Some(Value::Null) => true,
            Some(Value::Number(n)) => {
                let start = n.as_i64().unwrap_or(-1);
                match entry.get("endPort").and_then(Value::as_i64) {
                    Some(end) => (start..=end).contains(&port),
                    None => start == port,
                }
            }
            Some(Value::String(name)) => self
                .dst
                .pod
                .is_some_and(|pod| named_port(pod, name, protocol) == Some(port)),
            Some(_) => false,
        }
    }

    /// One `NetworkPolicyPeer` of a policy in `policy_ns` against the other end.
    fn peer_matches(&self, policy_ns: &str, peer: &Value, other: &Peer) -> bool {
        if let Some(block) = peer.get("ipBlock").filter(|b| b.is_object()) {
            return ip_block_matches(block, other.ip);
        }
        let pods = peer.get("podSelector").filter(|s| s.is_object());
        let namespaces = peer.get("namespaceSelector").filter(|s| s.is_object());
        if pods.is_none() && namespaces.is_none() {
            return false;
        }
        let Some(pod) = other.pod else {
            return false;
        };
        let pod_ns = meta::namespace(pod);
        let namespace_ok = match namespaces {
            None => pod_ns == policy_ns,
            Some(sel) => self.namespace_labels_match(pod_ns, sel),
        };
        namespace_ok && pods.is_none_or(|sel| selector::matches(Some(sel), meta::labels(pod)))
    }

    fn namespace_labels_match(&self, namespace: &str, sel: &Value) -> bool {
        let Some(kind) = kinds::by_kind("", "Namespace") else {
            return false;
        };
        self.store
            .get(kind, "", namespace)
            .is_ok_and(|ns| selector::matches(Some(sel), meta::labels(ns)))
    }
}

/// Whether the policy has the direction among its (effective) `policyTypes`.
fn has_type(np: &Value, direction: Direction) -> bool {
    let types = meta::array_at(np, "/spec/policyTypes");
    if types.is_empty() {
        return match direction {
            Direction::Ingress => true,
            Direction::Egress => !meta::array_at(np, "/spec/egress").is_empty(),
        };
    }
    types
        .iter()
        .any(|t| t.as_str() == Some(direction.type_name()))
}

/// Whether the policy's `podSelector` selects the pod (absent or `{}`: every pod of the
/// policy's namespace).
fn selects(np: &Value, pod: &Value) -> bool {
    match np.pointer("/spec/podSelector").filter(|s| !s.is_null()) {
        None => true,
        Some(sel) => selector::matches(Some(sel), meta::labels(pod)),
    }
}

/// The number of a named container port of the pod (regular, init and sidecar containers).
fn named_port(pod: &Value, name: &str, protocol: &str) -> Option<i64> {
    ["/spec/containers", "/spec/initContainers"]
        .iter()
        .flat_map(|key| meta::array_at(pod, key))
        .flat_map(|c| meta::array_at(c, "/ports"))
        .find(|p| {
            let p_protocol = match meta::str_at(p, "/protocol") {
                "" => "TCP",
                other => other,
            };
            meta::str_at(p, "/name") == name && p_protocol == protocol
        })
        .and_then(|p| p.get("containerPort").and_then(Value::as_i64))
}

/// `ipBlock`: in `cidr` and in none of `except`. A block that does not parse (validation
/// refuses those) matches nothing; an `except` that does not parse excludes nothing.
fn ip_block_matches(block: &Value, ip: &str) -> bool {
    let (Some(cidr), Some(addr)) = (parse_cidr(meta::str_at(block, "/cidr")), parse_ip(ip)) else {
        return false;
    };
    cidr.contains(addr)
        && !meta::array_at(block, "/except")
            .iter()
            .filter_map(|e| e.as_str().and_then(parse_cidr))
            .any(|e| e.contains(addr))
}
