//! The cluster's data plane: what happens to a request from a pod, or from outside the
//! cluster, to a host and port — and a [`Trace`] of every hop, for the learner to read and the
//! page to animate.
//!
//! A request goes: name resolution ([`dns`]: `/etc/hosts`, then the container's
//! `resolv.conf` search list, asked of CoreDNS through the `kube-dns` Service) → the address
//! ([`proxy`]: a Service's ClusterIP, a NodePort, a LoadBalancer IP become one endpoint, as
//! kube-proxy's rules do; a pod IP is reached directly) → the pod's container listening on
//! that port, whose simulated program (kubelet `apps`) answers. Nothing listening means
//! "connection refused"; an address nobody owns, or a packet a traffic policy drops, means
//! the client waits until its timeout.
//!
//! The state a real data plane keeps outside the API (kube-proxy's random choices and
//! session-affinity table) lives in [`Dataplane`], owned by the kubelets (the nodes); the
//! servers' log lines written while answering are handed back to the kubelet to append.
//! NetworkPolicy enforcement is [`policy`] (over [`cidr`] blocks); Ingress routing as
//! ingress-nginx does it is [`ingress`]. [`probe`] works a request out without making it
//! (lesson checks).

pub mod cidr;
pub mod dns;
pub mod host;
pub mod ingress;
pub mod ingress_proxy;
pub mod outside;
pub mod policy;
pub mod probe;
pub mod proxy;

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use crate::api::meta;
use crate::controllers::{ObjectKey, kind};
use crate::kubelet::apps::{self, Request};
use crate::kubelet::fs::Disks;
use crate::kubelet::images::App;
use crate::kubelet::runtime::{ContainerRuntime, PodRuntime};
use crate::kubelet::sh::Stream;
use crate::rng::Rng;
use crate::store::Store;
use crate::time::{SECOND, Time};
use dns::{Answer, ResolvConf};
use proxy::{Choice, Via};

/// Where requests from outside the cluster come from: the host on kind's docker network.
pub const OUTSIDE_IP: &str = "172.18.0.1";
/// How long a DNS lookup waits for a server that never answers (5 s, 2 attempts).
pub const DNS_TIMEOUT_MS: i64 = 10 * SECOND;
/// How long the kernel keeps retrying a TCP connect nobody answers (6 SYN retries).
pub const CONNECT_TIMEOUT_MS: i64 = 127 * SECOND;

/// What the cluster looks like to a request: the API objects and the kubelets' containers.
#[derive(Clone, Copy)]
pub struct World<'a> {
    pub store: &'a Store,
    pub pods: &'a BTreeMap<ObjectKey, PodRuntime>,
    pub now: Time,
}

/// Who sends a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A container of this pod (its IP; the node it runs on).
    Pod {
        pod: ObjectKey,
        ip: String,
        node: String,
    },
    /// The machine outside the cluster (the learner's host).
    Outside,
}

impl Origin {
    pub fn ip(&self) -> &str {
        match self {
            Origin::Pod { ip, .. } => ip,
            Origin::Outside => OUTSIDE_IP,
        }
    }

    fn describe(&self) -> String {
        match self {
            Origin::Pod { pod, ip, node } => {
                format!("pod {}/{} ({ip}) on {node}", pod.namespace, pod.name)
            }
            Origin::Outside => format!("outside the cluster ({OUTSIDE_IP})"),
        }
    }
}

/// A log line a server wrote while answering, for the kubelet to append to its container log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerLog {
    pub pod: ObjectKey,
    pub container: String,
    pub at: Time,
    pub stream: Stream,
    pub text: String,
}

/// The data plane's own state: kube-proxy's randomness and affinity table, the last trace.
#[derive(Clone, Debug)]
pub struct Dataplane {
    rng: Rng,
    affinity: proxy::Affinity,
    last: Option<Trace>,
    /// Set while the pods' own processes and probes run: their requests leave no trace (the
    /// last trace stays the learner's).
    pub background: bool,
    /// ingress-nginx's request ids.
    ingress_rng: Rng,
    /// ingress-nginx's round-robin position per upstream.
    round_robin: BTreeMap<String, usize>,
    /// Server log lines not yet handed to the kubelet.
    pub logs: Vec<ServerLog>,
}

impl Default for Dataplane {
    fn default() -> Dataplane {
        // A fixed seed: the same commands pick the same endpoints, run after run.
        Dataplane {
            rng: Rng::new(0x6b75_6265_2d70_726f),
            affinity: proxy::Affinity::default(),
            last: None,
            background: false,
            ingress_rng: Rng::new(0x6e67_696e_782d_6964),
            round_robin: BTreeMap::new(),
            logs: Vec::new(),
        }
    }
}

impl Dataplane {
    /// The trace of the last request made anywhere in the cluster.
    pub fn last_trace(&self) -> Option<&Trace> {
        self.last.as_ref()
    }

    pub fn record(&mut self, mut trace: Trace) {
        if self.background {
            return;
        }
        trace.seq = self.last.as_ref().map_or(0, |t| t.seq) + 1;
        self.last = Some(trace);
    }
}

/// What a step of a request is, for the picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Step {
    Client,
    Hosts,
    Dns,
    Service,
    Endpoint,
    /// ingress-nginx's routing decision (or its own answer).
    Ingress,
    Policy,
    Server,
    Refused,
    Dropped,
}

impl Step {
    pub fn label(self) -> &'static str {
        match self {
            Step::Client => "client",
            Step::Hosts => "hosts",
            Step::Dns => "dns",
            Step::Service => "service",
            Step::Endpoint => "endpoint",
            Step::Ingress => "ingress",
            Step::Policy => "policy",
            Step::Server => "server",
            Step::Refused => "refused",
            Step::Dropped => "dropped",
        }
    }
}

/// One hop of a request: what happened, on which node, at which pod (`namespace/name`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Hop {
    pub step: Step,
    pub node: String,
    pub pod: String,
    pub text: String,
    /// The objects the hop passes, in order, as the graph names its boxes (`Kind/ns/name`).
    pub objects: Vec<String>,
}

/// A request from its client to its answer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Trace {
    /// Which request this is (1, 2, ... as the data plane records them; 0 before).
    pub seq: u64,
    /// `GET http://web/`, `nslookup web`...
    pub request: String,
    pub client: String,
    /// The client pod's graph box (`Pod/ns/name`), empty from outside the cluster.
    pub client_object: String,
    pub hops: Vec<Hop>,
    /// How it ended: `200 OK`, `connection refused`...
    pub outcome: String,
}

impl Trace {
    pub fn new(request: &str, origin: &Origin) -> Trace {
        Trace {
            seq: 0,
            request: request.to_string(),
            client: origin.describe(),
            client_object: match origin {
                Origin::Pod { pod, .. } => pod_box(&format!("{}/{}", pod.namespace, pod.name)),
                Origin::Outside => String::new(),
            },
            hops: Vec::new(),
            outcome: String::new(),
        }
    }

    fn hop(&mut self, step: Step, node: &str, pod: &str, text: String) {
        let objects = if pod.is_empty() {
            Vec::new()
        } else {
            vec![pod_box(pod)]
        };
        self.hop_through(step, node, pod, objects, text);
    }

    /// A hop that passes objects besides its pod (a Service, an Ingress, a node).
    fn hop_through(
        &mut self,
        step: Step,
        node: &str,
        pod: &str,
        objects: Vec<String>,
        text: String,
    ) {
        self.hops.push(Hop {
            step,
            node: node.to_string(),
            pod: pod.to_string(),
            text,
            objects,
        });
    }

    /// The graph boxes the request passed, in order (the client first), each with the index
    /// of the hop that reached it (`None` for the client); a box is not repeated at once.
    pub fn boxes(&self) -> Vec<(String, Option<usize>)> {
        let mut out: Vec<(String, Option<usize>)> = Vec::new();
        if !self.client_object.is_empty() {
            out.push((self.client_object.clone(), None));
        }
        for (i, hop) in self.hops.iter().enumerate() {
            for id in &hop.objects {
                if out.last().map(|(last, _)| last) != Some(id) {
                    out.push((id.clone(), Some(i)));
                }
            }
        }
        out
    }

    /// Whether the request stopped on the way (refused, dropped, timed out) rather than
    /// being answered.
    pub fn stopped(&self) -> bool {
        self.hops
            .last()
            .is_some_and(|h| matches!(h.step, Step::Refused | Step::Dropped))
    }

    /// The trace as text: the request, one numbered line per hop, the outcome.
    pub fn render(&self) -> String {
        let mut out = format!("{} from {}\n", self.request, self.client);
        for (i, hop) in self.hops.iter().enumerate() {
            out.push_str(&format!(
                "{:>3}. {:<9} {}\n",
                i + 1,
                hop.step.label(),
                hop.text
            ));
        }
        out.push_str(&format!("result: {}\n", self.outcome));
        out
    }
}

/// What a name resolved to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The addresses, and the name that had them.
    Found(String, Vec<String>),
    NxDomain,
    /// No DNS server answered.
    Timeout,
}

/// A DNS server a query can reach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DnsServer {
    /// A CoreDNS pod (`namespace/name`) on a node.
    CoreDns { pod: String, node: String },
    /// The node's upstream resolver (kind's docker network), which knows no outside names here.
    Upstream,
}

/// A connection's far end: the container listening, and how the packet got there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Backend {
    pub pod: ObjectKey,
    pub container: String,
    pub ip: String,
    pub port: u16,
    pub node: String,
    /// The client address the server sees (after any masquerading).
    pub client: String,
}

/// Why a connection did not open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// RST or ICMP unreachable: "connection refused", at once.
    Refused,
    /// Nothing answers: the client waits until it gives up.
    Timeout,
}

/// An HTTP request as a client sends it.
#[derive(Clone, Debug)]
pub struct HttpRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    /// The Host header.
    pub host: &'a str,
    pub user_agent: &'a str,
}

/// What came back on an open connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    Http {
        status: u16,
        reason: &'static str,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// The server closed the connection without an HTTP answer (not an HTTP server).
    Empty,
}

/// A request in progress: the world it sees, the data plane's state, who sends it.
pub struct Net<'a> {
    pub world: World<'a>,
    pub plane: &'a mut Dataplane,
    pub origin: Origin,
}

impl Net<'_> {
    /// The same view, borrowed again for a shorter while.
    pub fn reborrow(&mut self) -> Net<'_> {
        Net {
            world: self.world,
            plane: &mut *self.plane,
            origin: self.origin.clone(),
        }
    }

    fn origin_node(&self) -> String {
        match &self.origin {
            Origin::Pod { node, .. } => node.clone(),
            Origin::Outside => String::new(),
        }
    }

    /// Resolves `name` as getaddrinfo in the container would: `/etc/hosts`, then each name of
    /// the search list at the first nameserver.
    pub fn resolve(
        &mut self,
        conf: &ResolvConf,
        hosts: &str,
        name: &str,
        trace: &mut Trace,
    ) -> Lookup {
        if dns::is_ipv4(name) {
            return Lookup::Found(name.to_string(), vec![name.to_string()]);
        }
        if let Some(ip) = dns::hosts_lookup(hosts, name) {
            trace.hop(
                Step::Hosts,
                &self.origin_node(),
                "",
                format!("{name} → {ip} (/etc/hosts)"),
            );
            return Lookup::Found(name.to_string(), vec![ip]);
        }
        let Some(server_ip) = conf.nameservers.first().cloned() else {
            return Lookup::NxDomain;
        };
        let Some(server) = self.dns_server(&server_ip, trace) else {
            return Lookup::Timeout;
        };
        for candidate in conf.candidates(name) {
            match self.ask(&server, &candidate) {
                Answer::A(ips) => {
                    trace.hop(
                        Step::Dns,
                        &server_node(&server),
                        &server_pod(&server),
                        format!(
                            "{name} → {candidate}: A {} ({})",
                            ips.join(", "),
                            describe_server(&server, &server_ip)
                        ),
                    );
                    return Lookup::Found(candidate, ips);
                }
                Answer::Cname(target, ips) if !ips.is_empty() => {
                    trace.hop(
                        Step::Dns,
                        &server_node(&server),
                        &server_pod(&server),
                        format!(
                            "{name} → {candidate}: CNAME {target}, A {} ({})",
                            ips.join(", "),
                            describe_server(&server, &server_ip)
                        ),
                    );
                    return Lookup::Found(target, ips);
                }
                Answer::Cname(target, _) => {
                    trace.hop(
                        Step::Dns,
                        &server_node(&server),
                        &server_pod(&server),
                        format!(
                            "{name} → {candidate}: CNAME {target}, which does not resolve ({})",
                            describe_server(&server, &server_ip)
                        ),
                    );
                    return Lookup::NxDomain;
                }
                Answer::NoData | Answer::NxDomain => {}
            }
        }
        trace.hop(
            Step::Dns,
            &server_node(&server),
            &server_pod(&server),
            format!(
                "{name}: NXDOMAIN for every name tried ({}; {})",
                conf.candidates(name).join(", "),
                describe_server(&server, &server_ip)
            ),
        );
        Lookup::NxDomain
    }

    /// The answer of `server` to an A query for the absolute name `qname`.
    pub fn ask(&self, server: &DnsServer, qname: &str) -> Answer {
        match server {
            DnsServer::CoreDns { .. } => dns::query_a(self.world.store, qname),
            DnsServer::Upstream => Answer::NxDomain,
        }
    }

    /// The DNS server reached at `ip`:53, if any answers: through the kube-dns Service to a
    /// ready CoreDNS pod, a CoreDNS pod directly, or the node's upstream resolver.
    pub fn dns_server(&mut self, ip: &str, trace: &mut Trace) -> Option<DnsServer> {
        let gateway_like = ip.ends_with(".1") && ip.starts_with("172.18.");
        if gateway_like {
            return Some(DnsServer::Upstream);
        }
        let nodes = node_addresses(self.world.store);
        let target = if let Some(front) = proxy::frontend(self.world.store, ip, 53, &[]) {
            let all = proxy::endpoints(self.world.store, &front);
            let node = self.origin_node();
            let client = self.origin.ip().to_string();
            match proxy::choose(
                &front,
                &all,
                &node,
                &client,
                self.world.now,
                &mut self.plane.rng,
                &mut self.plane.affinity,
            ) {
                Choice::Endpoint(e, _) => e.ip,
                Choice::Reject | Choice::Drop(_) => {
                    trace.hop(
                        Step::Dropped,
                        &node,
                        "",
                        format!(
                            "DNS query to {ip}:53: Service {} has no ready endpoint, no answer",
                            front.key()
                        ),
                    );
                    return None;
                }
            }
        } else {
            ip.to_string()
        };
        let (key, runtime) = self.runtime_at(&target)?;
        let listening = listener(runtime, 53).is_some();
        if !listening || nodes.iter().any(|(_, n)| *n == target) {
            return None;
        }
        let key = key.clone();
        let client = self.origin.ip().to_string();
        if !self.policy_allows(&key, &target, 53, "UDP", &client, trace) {
            return None;
        }
        let key = &key;
        Some(DnsServer::CoreDns {
            pod: format!("{}/{}", key.namespace, key.name),
            node: runtime_node(self.world.store, key),
        })
    }

    /// The pod runtime whose IP is `ip` (pods on the host network share their node's).
    fn runtime_at(&self, ip: &str) -> Option<(&ObjectKey, &PodRuntime)> {
        self.world
            .pods
            .iter()
            .filter(|(_, r)| r.ip == ip)
            .find(|(_, r)| r.containers.iter().any(ContainerRuntime::is_running))
            .or_else(|| self.world.pods.iter().find(|(_, r)| r.ip == ip))
    }

    /// Opens a TCP connection to `ip:port`, through kube-proxy's rules when the address is a
    /// Service's.
    pub fn connect(&mut self, ip: &str, port: u16, trace: &mut Trace) -> Result<Backend, Refusal> {
        let store = self.world.store;
        let nodes = node_addresses(store);
        let node_ips: Vec<String> = nodes.iter().map(|(_, ip)| ip.clone()).collect();
        let origin_node = self.origin_node();
        let client = self.origin.ip().to_string();
        if ip == "127.0.0.1" || ip == "localhost" {
            return match &self.origin {
                Origin::Pod { pod, ip: own, node } => {
                    let pod = pod.clone();
                    let (own, node) = (own.clone(), node.clone());
                    self.deliver(&pod, &own, port, &node, "127.0.0.1", trace)
                }
                Origin::Outside => {
                    trace.hop(
                        Step::Refused,
                        "",
                        "",
                        format!("nothing listens on {ip}:{port} on this machine"),
                    );
                    Err(Refusal::Refused)
                }
            };
        }
        if let Some(front) = proxy::frontend(store, ip, port, &node_ips) {
            // The node the packet is on when kube-proxy's rules see it.
            let arrival = match front.via {
                Via::ClusterIp => origin_node.clone(),
                Via::NodePort => nodes
                    .iter()
                    .find(|(_, n)| n == ip)
                    .map(|(name, _)| name.clone())
                    .unwrap_or_default(),
                Via::LoadBalancer => self.lb_node(&front, &nodes),
            };
            let what = match front.via {
                Via::ClusterIp => "ClusterIP".to_string(),
                Via::NodePort => format!("NodePort on {arrival}"),
                Via::LoadBalancer => format!("LoadBalancer IP, sent to node {arrival}"),
            };
            let svc_port = front.port.get("port").and_then(Value::as_u64).unwrap_or(0);
            let protocol = match meta::str_at(front.port, "/protocol") {
                "" => "TCP",
                p => p,
            };
            trace.hop_through(
                Step::Service,
                &arrival,
                "",
                vec![service_box(&front.key())],
                format!(
                    "{ip}:{port} is Service {} port {svc_port}/{protocol} ({what})",
                    front.key()
                ),
            );
            let all = proxy::endpoints(store, &front);
            let choice = proxy::choose(
                &front,
                &all,
                &arrival,
                &client,
                self.world.now,
                &mut self.plane.rng,
                &mut self.plane.affinity,
            );
            let endpoint = match choice {
                Choice::Endpoint(e, why) => {
                    let pod = e
                        .pod
                        .as_ref()
                        .map(|(ns, n)| format!("{ns}/{n}"))
                        .unwrap_or_default();
                    trace.hop(
                        Step::Endpoint,
                        &arrival,
                        &pod,
                        format!(
                            "kube-proxy on {arrival} → {}:{} (pod {pod} on {}): {why}",
                            e.ip, e.port, e.node
                        ),
                    );
                    e
                }
                Choice::Reject => {
                    trace.hop_through(
                        Step::Refused,
                        &arrival,
                        "",
                        vec![service_box(&front.key())],
                        format!(
                            "Service {} has no ready endpoints: kube-proxy rejects the connection",
                            front.key()
                        ),
                    );
                    return Err(Refusal::Refused);
                }
                Choice::Drop(why) => {
                    trace.hop(Step::Dropped, &arrival, "", why);
                    return Err(Refusal::Timeout);
                }
            };
            // Traffic from outside is masqueraded to the node's address, unless the policy
            // is Local (the client's address is kept).
            let seen_client = match (front.via, front.local_only()) {
                (Via::ClusterIp, _) | (_, true) => client,
                _ => nodes
                    .iter()
                    .find(|(n, _)| *n == arrival)
                    .map(|(_, ip)| ip.clone())
                    .unwrap_or(client),
            };
            let Some((key, _)) = self.runtime_at(&endpoint.ip) else {
                trace.hop(
                    Step::Dropped,
                    &endpoint.node,
                    "",
                    format!("no pod has {} any more", endpoint.ip),
                );
                return Err(Refusal::Timeout);
            };
            let key = key.clone();
            return self.deliver(
                &key,
                &endpoint.ip,
                endpoint.port,
                &endpoint.node,
                &seen_client,
                trace,
            );
        }
        if proxy::is_cluster_ip(store, ip) {
            trace.hop(
                Step::Dropped,
                &origin_node,
                "",
                format!("{ip} is a ClusterIP, but its Service has no port {port}: no rule matches, nothing answers"),
            );
            return Err(Refusal::Timeout);
        }
        if let Some((name, _)) = nodes.iter().find(|(_, n)| n == ip) {
            // The node's own address: what listens there are its host-network pods.
            let host_pod = self
                .world
                .pods
                .iter()
                .filter(|(_, r)| r.ip == ip)
                .find(|(_, r)| listener(r, port).is_some())
                .map(|(k, _)| k.clone());
            if let Some(key) = host_pod {
                return self.deliver(&key, ip, port, name, &client, trace);
            }
            if let Some((key, pod_ip, container_port)) = self.host_port(name, port) {
                let pod_name = format!("{}/{}", key.namespace, key.name);
                trace.hop(
                    Step::Endpoint,
                    name,
                    &pod_name,
                    format!(
                        "{ip}:{port} is hostPort {port} of pod {pod_name} on {name}: the CNI's portmap rule forwards to {pod_ip}:{container_port}"
                    ),
                );
                return self.deliver(&key, &pod_ip, container_port, name, &client, trace);
            }
            trace.hop(
                Step::Refused,
                name,
                "",
                format!("node {name} has nothing listening on port {port}"),
            );
            return Err(Refusal::Refused);
        }
        if let Some((key, _)) = self.runtime_at(ip) {
            let key = key.clone();
            let node = runtime_node(store, &key);
            return self.deliver(&key, ip, port, &node, &client, trace);
        }
        trace.hop(
            Step::Dropped,
            &origin_node,
            "",
            format!("no pod, node or Service has the address {ip}: nothing answers"),
        );
        Err(Refusal::Timeout)
    }

    /// The pod on `node` that publishes `port` as a hostPort (its key, IP and container port).
    fn host_port(&self, node: &str, port: u16) -> Option<(ObjectKey, String, u16)> {
        let store = self.world.store;
        store.list(kind("", "Pod"), None).find_map(|pod| {
            if meta::str_at(pod, "/spec/nodeName") != node || meta::is_deleting(pod) {
                return None;
            }
            let key = ObjectKey::of(pod);
            let runtime = self.world.pods.get(&key)?;
            let container_port = meta::array_at(pod, "/spec/containers")
                .iter()
                .flat_map(|c| meta::array_at(c, "/ports"))
                .find(|p| p.get("hostPort").and_then(Value::as_u64) == Some(u64::from(port)))
                .and_then(|p| p.get("containerPort").and_then(Value::as_u64))?;
            Some((key, runtime.ip.clone(), u16::try_from(container_port).ok()?))
        })
    }

    /// The node a cloud load balancer sends a packet to: any node, or with the Local policy
    /// one with a ready endpoint (the others fail its health check).
    fn lb_node(&mut self, front: &proxy::Frontend<'_>, nodes: &[(String, String)]) -> String {
        let eligible: Vec<&String> = if front.local_only() {
            let eps = proxy::endpoints(self.world.store, front);
            nodes
                .iter()
                .map(|(n, _)| n)
                .filter(|n| eps.iter().any(|e| e.ready && &e.node == *n))
                .collect()
        } else {
            nodes.iter().map(|(n, _)| n).collect()
        };
        if eligible.is_empty() {
            return nodes.first().map(|(n, _)| n.clone()).unwrap_or_default();
        }
        let i = self.plane.rng.below(eligible.len() as u64) as usize;
        eligible.get(i).map(|n| (*n).clone()).unwrap_or_default()
    }

    /// The last leg: the packet reaches the pod; a container must listen on the port.
    fn deliver(
        &mut self,
        key: &ObjectKey,
        ip: &str,
        port: u16,
        node: &str,
        client: &str,
        trace: &mut Trace,
    ) -> Result<Backend, Refusal> {
        let pod_name = format!("{}/{}", key.namespace, key.name);
        if !self.policy_allows(key, ip, port, "TCP", client, trace) {
            return Err(Refusal::Timeout);
        }
        let Some(runtime) = self.world.pods.get(key) else {
            trace.hop(
                Step::Dropped,
                node,
                &pod_name,
                format!("pod {pod_name} is gone"),
            );
            return Err(Refusal::Timeout);
        };
        match listener(runtime, port) {
            Some(container) => Ok(Backend {
                pod: key.clone(),
                container: container.name.clone(),
                ip: ip.to_string(),
                port,
                node: node.to_string(),
                client: client.to_string(),
            }),
            None => {
                trace.hop(
                    Step::Refused,
                    node,
                    &pod_name,
                    format!("pod {pod_name} ({ip}) has nothing listening on port {port}"),
                );
                Err(Refusal::Refused)
            }
        }
    }

    /// NetworkPolicy's say on a packet from this origin (seen as `client` by the
    /// destination, after any masquerading) to `pod` on `port`: both verdicts become hops;
    /// a denial drops the packet.
    fn policy_allows(
        &mut self,
        pod: &ObjectKey,
        ip: &str,
        port: u16,
        protocol: &str,
        client: &str,
        trace: &mut Trace,
    ) -> bool {
        let store = self.world.store;
        let Ok(dst_pod) = store.get(kind("", "Pod"), &pod.namespace, &pod.name) else {
            return true;
        };
        let src_pod = match &self.origin {
            Origin::Pod { pod, .. } => store
                .get(kind("", "Pod"), &pod.namespace, &pod.name)
                .ok()
                .filter(|p| p.pointer("/spec/hostNetwork") != Some(&Value::Bool(true))),
            Origin::Outside => None,
        };
        let src_pod = src_pod.filter(|_| client == self.origin.ip());
        let src = policy::Peer {
            pod: src_pod,
            ip: client,
        };
        let dst = policy::Peer {
            pod: Some(dst_pod),
            ip,
        };
        let outcome = policy::evaluate(store, &src, &dst, port, protocol);
        let dst_name = format!("{}/{}", pod.namespace, pod.name);
        let node = meta::str_at(dst_pod, "/spec/nodeName").to_string();
        let origin_node = self.origin_node();
        let src_name = match &self.origin {
            Origin::Pod { pod, .. } => format!("pod {}/{}", pod.namespace, pod.name),
            Origin::Outside => format!("client {client}"),
        };
        for (direction, verdict, at, subject) in [
            ("egress", &outcome.egress, &origin_node, &src_name),
            (
                "ingress",
                &outcome.ingress,
                &node,
                &format!("pod {dst_name}"),
            ),
        ] {
            let text = match verdict {
                // Unselected pods, and traffic from the pod's own node, which no policy blocks.
                policy::Verdict::NotIsolated => continue,
                policy::Verdict::Allowed(by) if by.is_empty() => continue,
                policy::Verdict::Allowed(by) => format!(
                    "{direction} of {subject} to port {port}/{protocol}: allowed by NetworkPolicy {}",
                    by.join(", ")
                ),
                policy::Verdict::Denied(by) => format!(
                    "{direction} of {subject} to port {port}/{protocol}: denied — selected by NetworkPolicy {}, none allows it; the packet is dropped",
                    by.join(", ")
                ),
            };
            let step = if verdict.allows() {
                Step::Policy
            } else {
                Step::Dropped
            };
            trace.hop(step, at, &dst_name, text);
        }
        outcome.allowed()
    }

    /// Sends an HTTP request on an open connection; the server's answer (and its log lines,
    /// kept for the kubelet).
    pub fn http(
        &mut self,
        disks: &Disks,
        backend: &Backend,
        request: &HttpRequest<'_>,
        trace: &mut Trace,
    ) -> Reply {
        let pod_name = format!("{}/{}", backend.pod.namespace, backend.pod.name);
        let found = self
            .world
            .pods
            .get(&backend.pod)
            .and_then(|r| r.containers.iter().find(|c| c.name == backend.container))
            .and_then(|c| c.process.as_ref())
            .and_then(|p| Some((p.program()?.clone(), *p.image()?, p)));
        let Some((program, image, process)) = found else {
            return Reply::Empty;
        };
        if program.app == App::IngressNginx && ingress_proxy::is_proxy_port(backend) {
            return self.ingress_nginx(disks, backend, request, trace);
        }
        let req = Request {
            method: request.method,
            port: backend.port,
            path: request.path,
            client: &backend.client,
            host: request.host,
            user_agent: request.user_agent,
            now: self.world.now,
            hostname: &process.info.hostname,
        };
        let (response, lines) = program.http_get(&image, &req, (&process.view, disks));
        for (stream, text) in lines {
            self.plane.logs.push(ServerLog {
                pod: backend.pod.clone(),
                container: backend.container.clone(),
                at: self.world.now,
                stream,
                text: format!("{text}\n"),
            });
        }
        let reply = match response {
            Some(r) if r.status != 0 => Reply::Http {
                status: r.status,
                reason: apps::reason_phrase(r.status),
                headers: program.response_headers(&image, &r, self.world.now),
                body: if request.method == "HEAD" {
                    String::new()
                } else {
                    r.body
                },
            },
            _ => Reply::Empty,
        };
        let summary = match &reply {
            Reply::Http { status, reason, .. } => format!("{status} {reason}"),
            Reply::Empty => "closes the connection without an HTTP answer".to_string(),
        };
        trace.hop(
            Step::Server,
            &backend.node,
            &pod_name,
            format!(
                "pod {pod_name} container {} ({}:{}) answers {summary}",
                backend.container, backend.ip, backend.port
            ),
        );
        reply
    }

    /// Whether something answers ICMP echo at `ip`: pods and nodes do; a ClusterIP is only a
    /// rule in kube-proxy's tables and does not.
    pub fn ping(&self, ip: &str) -> bool {
        if ip == "127.0.0.1" {
            return true;
        }
        if proxy::is_cluster_ip(self.world.store, ip) {
            return false;
        }
        node_addresses(self.world.store)
            .iter()
            .any(|(_, n)| n == ip)
            || self
                .world
                .pods
                .values()
                .any(|r| r.ip == ip && r.containers.iter().any(ContainerRuntime::is_running))
            || ip == OUTSIDE_IP
    }
}

/// The running container of a pod whose program accepts connections on `port`.
fn listener(runtime: &PodRuntime, port: u16) -> Option<&ContainerRuntime> {
    runtime
        .init
        .iter()
        .chain(runtime.containers.iter())
        .filter(|c| c.is_running())
        .find(|c| {
            c.process
                .as_ref()
                .is_some_and(|p| match (p.program(), p.image()) {
                    (Some(program), Some(image)) => program.ports(image).contains(&port),
                    _ => false,
                })
        })
}

/// The graph's name for a pod's box, from `namespace/name`.
pub fn pod_box(pod: &str) -> String {
    format!("Pod/{pod}")
}

/// The graph's name for a Service's box, from `namespace/name`.
pub fn service_box(service: &str) -> String {
    format!("Service/{service}")
}

/// Every node's name and InternalIP.
pub fn node_addresses(store: &Store) -> Vec<(String, String)> {
    store
        .list(kind("", "Node"), None)
        .filter_map(|n| {
            let ip = meta::array_at(n, "/status/addresses")
                .iter()
                .find(|a| meta::str_at(a, "/type") == "InternalIP")
                .map(|a| meta::str_at(a, "/address").to_string())?;
            Some((meta::name(n).to_string(), ip))
        })
        .collect()
}

fn runtime_node(store: &Store, key: &ObjectKey) -> String {
    store
        .get(kind("", "Pod"), &key.namespace, &key.name)
        .map(|p| meta::str_at(p, "/spec/nodeName").to_string())
        .unwrap_or_default()
}

fn server_node(server: &DnsServer) -> String {
    match server {
        DnsServer::CoreDns { node, .. } => node.clone(),
        DnsServer::Upstream => String::new(),
    }
}

fn server_pod(server: &DnsServer) -> String {
    match server {
        DnsServer::CoreDns { pod, .. } => pod.clone(),
        DnsServer::Upstream => String::new(),
    }
}

fn describe_server(server: &DnsServer, ip: &str) -> String {
    match server {
        DnsServer::CoreDns { pod, .. } => format!("CoreDNS pod {pod}, asked at {ip}"),
        DnsServer::Upstream => format!("the node's resolver {ip}"),
    }
}
