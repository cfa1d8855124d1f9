//! Requests from outside the cluster: `kubeplay curl [--trace] [-H 'Host: x'] URL` from the
//! learner's machine (kind's docker network, where the nodes' addresses, their NodePorts and
//! the LoadBalancer IPs are reachable), and `kubeplay trace`, the hops of the last request
//! made anywhere. Cluster DNS is not reachable from outside: URLs name addresses.

use super::host::{Listener, Listening};
use super::{CONNECT_TIMEOUT_MS, HttpRequest, Net, Origin, Refusal, Reply, Step, Trace, dns};
use crate::api::meta;
use crate::bootstrap::ingress_nginx::NODE_LABEL;
use crate::controllers::ObjectKey;
use crate::controllers::kind;
use crate::kubelet::fs::Disks;
use crate::sim::Sim;

pub const HELP: &str = "\
  kubeplay curl [--trace] [-i] [-k] [-H 'Host: NAME'] [-m SECONDS] URL
                                     an HTTP request from outside the cluster (your machine on
                                     kind's network): node addresses with NodePorts,
                                     LoadBalancer IPs; --trace prints the hops it took
  kubeplay trace                     the hops of the last request (from a pod or from outside)
";

/// `kubeplay curl ...`: what it printed on stdout, on stderr, and its exit code.
pub fn curl(args: &[&str], sim: &mut Sim) -> (String, String, i32) {
    let (mut trace_too, mut include, mut host, mut max_ms, mut url) =
        (false, false, None, None, None);
    let mut insecure = false;
    let mut words = args.iter();
    while let Some(w) = words.next() {
        match *w {
            "--trace" => trace_too = true,
            "-i" | "--include" => include = true,
            "-k" | "--insecure" => insecure = true,
            "-s" | "-sS" | "-S" | "--silent" => {}
            "-H" | "--header" => {
                let h = words.next().copied().unwrap_or("");
                if let Some((k, v)) = h.split_once(':')
                    && k.trim().eq_ignore_ascii_case("host")
                {
                    host = Some(v.trim().to_string());
                }
            }
            "-m" | "--max-time" => {
                max_ms = words
                    .next()
                    .and_then(|v| v.parse::<f64>().ok())
                    .map(|s| (s * 1000.0) as i64);
            }
            w if w.starts_with('-') => {
                return (
                    String::new(),
                    format!("kubeplay: curl: unknown option {w}\n\n{HELP}"),
                    2,
                );
            }
            w => url = Some(w.to_string()),
        }
    }
    let Some(url) = url else {
        return (
            String::new(),
            format!("kubeplay: curl: which URL?\n\n{HELP}"),
            2,
        );
    };
    let Some(parsed) = Target::parse(&url) else {
        return (
            String::new(),
            "curl: (3) URL rejected: Bad hostname\n".to_string(),
            3,
        );
    };
    let listening = super::host::is_loopback(&parsed.host)
        .then(|| sim.host.at(&parsed.host, parsed.port).cloned())
        .flatten();
    let forward = match listening {
        Some(Listening {
            listener: Listener::Proxy { api_prefix },
            ..
        }) => return through_proxy(sim, &parsed, &api_prefix, include),
        Some(Listening {
            listener:
                Listener::Forward {
                    namespace,
                    pod,
                    remote,
                    ..
                },
            owner,
            ..
        }) => Some(Forward::to(sim, owner, &namespace, &pod, remote)),
        None => None,
    };
    let outcome = sim.kubelet_call(None, |kubelet, store, now| {
        kubelet.from_outside(store, now, |net, disks| {
            request(
                net,
                disks,
                &parsed,
                host.as_deref(),
                insecure,
                forward.as_ref(),
            )
        })
    });
    let outcome = match (&forward, outcome) {
        (Some(forward), Some((result, trace))) => {
            forward.report(sim, &parsed, &result);
            // kubectl accepted the connection itself: when the pod's port refuses, curl sees
            // the connection closed without a reply.
            let result = match result {
                Outcome::Refused | Outcome::TimedOut => Outcome::Answered(Reply::Empty),
                other => other,
            };
            Some((result, trace))
        }
        (_, outcome) => outcome,
    };
    let Some((result, trace)) = outcome else {
        return (String::new(), "kubeplay: no kubelet\n".into(), 1);
    };
    let (mut out, mut err, code, waited) = match result {
        Outcome::NotResolved => (
            String::new(),
            format!(
                "curl: (6) Could not resolve host: {}\nkubeplay: cluster DNS names resolve inside the cluster only; from outside use a node address with a NodePort, or a LoadBalancer IP\n",
                parsed.host
            ),
            6,
            0,
        ),
        Outcome::Tls(code, message) => (String::new(), message, code, 0),
        Outcome::Refused => (
            String::new(),
            format!(
                "curl: (7) Failed to connect to {} port {} after 0 ms: Couldn't connect to server\n",
                parsed.host, parsed.port
            ),
            7,
            0,
        ),
        Outcome::TimedOut => {
            let (ms, why) = match max_ms {
                Some(m) if m < CONNECT_TIMEOUT_MS => (m + 1, "Timeout was reached"),
                _ => (CONNECT_TIMEOUT_MS + 1, "Couldn't connect to server"),
            };
            (
                String::new(),
                format!(
                    "curl: (28) Failed to connect to {} port {} after {ms} ms: {why}\n",
                    parsed.host, parsed.port
                ),
                28,
                ms,
            )
        }
        Outcome::Answered(Reply::Empty) => (
            String::new(),
            "curl: (52) Empty reply from server\n".into(),
            52,
            0,
        ),
        Outcome::Answered(Reply::Http {
            status,
            reason,
            headers,
            body,
        }) => {
            let mut out = String::new();
            if include {
                out.push_str(&format!("HTTP/1.1 {status} {reason}\r\n"));
                for (k, v) in headers {
                    out.push_str(&format!("{k}: {v}\r\n"));
                }
                out.push_str("\r\n");
            }
            out.push_str(&body);
            (out, String::new(), 0, 0)
        }
    };
    if waited > 0 {
        sim.advance(waited);
    }
    if trace_too {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        err.push_str(&trace.render());
    }
    (out, err, code)
}

/// `kubeplay trace`: the last request's hops.
pub fn last(sim: &mut Sim) -> Result<String, String> {
    sim.kubelet_call(None, |kubelet, _, _| {
        kubelet.last_trace().map(Trace::render)
    })
    .flatten()
    .ok_or_else(|| {
        "kubeplay: no request yet (run curl, wget or nslookup in a pod, or kubeplay curl)\n"
            .to_string()
    })
}

struct Target {
    host: String,
    port: u16,
    path: String,
    authority: String,
    /// `https://`: TLS first (port 443 unless named).
    tls: bool,
}

impl Target {
    fn parse(url: &str) -> Option<Target> {
        let (scheme, rest) = url.split_once("://").unwrap_or(("http", url));
        let tls = scheme.eq_ignore_ascii_case("https");
        let (authority, path) = match rest.find('/') {
            Some(i) => (rest.get(..i)?, rest.get(i..)?.to_string()),
            None => (rest, "/".to_string()),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().ok()?),
            None => (authority, if tls { 443 } else { 80 }),
        };
        (!host.is_empty()).then(|| Target {
            host: host.to_string(),
            port,
            path,
            authority: authority.to_string(),
            tls,
        })
    }
}

enum Outcome {
    NotResolved,
    /// curl's TLS failure: its exit code and message.
    Tls(i32, String),
    Refused,
    TimedOut,
    Answered(Reply),
}

fn request(
    net: &mut Net<'_>,
    disks: &Disks,
    t: &Target,
    host: Option<&str>,
    insecure: bool,
    forward: Option<&Forward>,
) -> (Outcome, Trace) {
    let scheme = if t.tls { "https" } else { "http" };
    let mut trace = Trace::new(
        &format!("GET {scheme}://{}{}", t.authority, t.path),
        &net.origin,
    );
    let mut address = t.host.clone();
    let mut port = t.port;
    if let Some(forward) = forward {
        trace.hop(
            Step::Hosts,
            &forward.node,
            &format!("{}/{}", forward.namespace, forward.pod),
            format!(
                "{}:{} is kubectl port-forward's: through the API server and the kubelet on {} into pod {}/{}, to localhost:{} there",
                t.host, t.port, forward.node, forward.namespace, forward.pod, forward.remote
            ),
        );
        net.origin = Origin::Pod {
            pod: ObjectKey {
                namespace: forward.namespace.clone(),
                name: forward.pod.clone(),
            },
            ip: forward.ip.clone(),
            node: forward.node.clone(),
        };
        (address, port) = ("127.0.0.1".to_string(), forward.remote);
    } else if matches!(t.host.as_str(), "localhost" | "127.0.0.1")
        && let Some((node, ip)) = port_mapped_node(net, t.port)
    {
        trace.hop_through(
            Step::Hosts,
            &node,
            "",
            vec![format!("Node//{node}")],
            format!(
                "{}:{} is mapped by kind (extraPortMappings) to node {node} ({ip}) port {}",
                t.host, t.port, t.port
            ),
        );
        address = ip;
    }
    let outcome = if !dns::is_ipv4(&address) && address != "localhost" {
        trace.outcome = format!("could not resolve {}", t.host);
        Outcome::NotResolved
    } else {
        match net.connect(&address, port, &mut trace) {
            Err(Refusal::Refused) => {
                trace.outcome = format!("connection to {}:{} refused", t.host, t.port);
                Outcome::Refused
            }
            Err(Refusal::Timeout) => {
                trace.outcome = format!("connection to {}:{} timed out", t.host, t.port);
                Outcome::TimedOut
            }
            // Only ingress-nginx speaks TLS here (port 443), with its self-signed "Fake
            // Certificate" or the Ingress's own secret, which curl does not trust either.
            Ok(backend) if t.tls && backend.port != 443 => {
                trace.outcome = "TLS handshake failed: the server speaks plain HTTP".into();
                Outcome::Tls(
                    35,
                    "curl: (35) TLS connect error: error:0A00010B:SSL routines::wrong version number\n".into(),
                )
            }
            Ok(_) if t.tls && !insecure => {
                trace.outcome = "certificate not trusted (self-signed); -k skips the check".into();
                Outcome::Tls(60, CERT_PROBLEM.into())
            }
            Ok(backend) => {
                let host_header = host.map(str::to_string).unwrap_or(t.authority.clone());
                let req = HttpRequest {
                    method: "GET",
                    path: &t.path,
                    host: &host_header,
                    user_agent: "curl/8.14.1",
                };
                let reply = net.http(disks, &backend, &req, &mut trace);
                trace.outcome = match &reply {
                    Reply::Http { status, reason, .. } => format!("{status} {reason}"),
                    Reply::Empty => "empty reply".into(),
                };
                Outcome::Answered(reply)
            }
        }
    };
    net.plane.record(trace.clone());
    (outcome, trace)
}

/// curl's refusal of a certificate it cannot verify.
const CERT_PROBLEM: &str = "curl: (60) SSL certificate problem: self-signed certificate
More details here: https://curl.se/docs/sslcerts.html

curl failed to verify the legitimacy of the server and therefore could not
establish a secure connection to it. To learn more about this situation and
how to fix it, please visit the webpage mentioned above.
";

/// A connection to a port `kubectl port-forward` listens on: where it comes out.
struct Forward {
    /// The forwarder process.
    owner: u64,
    namespace: String,
    pod: String,
    ip: String,
    node: String,
    remote: u16,
}

impl Forward {
    fn to(sim: &Sim, owner: u64, namespace: &str, pod: &str, remote: u16) -> Forward {
        let found = sim.store.get(kind("", "Pod"), namespace, pod).ok();
        let at = |path| found.map_or("", |p| meta::str_at(p, path)).to_string();
        Forward {
            owner,
            namespace: namespace.to_string(),
            pod: pod.to_string(),
            ip: at("/status/podIP"),
            node: at("/spec/nodeName"),
            remote,
        }
    }

    /// What the forwarder prints about the connection: `Handling connection for PORT`, and
    /// the kubelet's error when nothing listens on the pod's port (curl then sees the
    /// connection closed without a reply).
    fn report(&self, sim: &mut Sim, t: &Target, outcome: &Outcome) {
        sim.host.say(
            self.owner,
            true,
            &format!("Handling connection for {}\n", t.port),
        );
        if matches!(outcome, Outcome::Refused | Outcome::TimedOut) {
            let now = sim.now();
            sim.host.say(
                self.owner,
                false,
                &format!(
                    "{} portforward.go:424] \"Unhandled Error\" err=\"an error occurred forwarding {} -> {}: error forwarding port {} to pod {}/{}: failed to connect to localhost:{} inside the pod: connect: connection refused\"\n",
                    klog_time(now), t.port, self.remote, self.remote, self.namespace, self.pod, self.remote
                ),
            );
        }
    }
}

/// klog's line header: `E1122 18:00:05.000000       1` (severity, date, time, pid).
fn klog_time(now: crate::time::Time) -> String {
    let stamp = now.rfc3339();
    let (date, time) = stamp.split_once('T').unwrap_or((&stamp, ""));
    let month_day: String = date.get(5..).unwrap_or("").replace('-', "");
    format!("E{month_day} {}.000000       1", time.trim_end_matches('Z'))
}

/// A request to `kubectl proxy`'s port: the API server answers it.
fn through_proxy(
    sim: &mut Sim,
    t: &Target,
    api_prefix: &str,
    include: bool,
) -> (String, String, i32) {
    let answer = match t.path.strip_prefix(api_prefix.trim_end_matches('/')) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            crate::kubectl::proxy::serve(sim, if rest.is_empty() { "/" } else { rest })
        }
        _ => crate::kubectl::proxy::Answer {
            status: 404,
            content_type: "text/plain; charset=utf-8",
            body: "404 page not found\n".into(),
        },
    };
    let mut out = String::new();
    if include {
        out.push_str(&format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\n\r\n",
            answer.status,
            crate::kubelet::apps::reason_phrase(answer.status),
            answer.content_type
        ));
    }
    out.push_str(&answer.body);
    (out, String::new(), 0)
}

/// Whether kind's cluster config maps the host's `port` to a node (so nothing else can
/// listen on it): ports 80 and 443 when a node is labelled for ingress.
pub fn kind_maps_port(store: &crate::store::Store, port: u16) -> bool {
    (port == 80 || port == 443)
        && store.list(kind("", "Node"), None).any(|n| {
            meta::labels(n)
                .and_then(|l| l.get(NODE_LABEL.0))
                .and_then(serde_json::Value::as_str)
                == Some(NODE_LABEL.1)
        })
}

/// The node kind's cluster config maps the host's `port` to: ports 80 and 443 of the node
/// labelled `ingress-ready=true` (kind's ingress guide), where ingress-nginx takes them as
/// hostPorts.
fn port_mapped_node(net: &Net<'_>, port: u16) -> Option<(String, String)> {
    if port != 80 && port != 443 {
        return None;
    }
    let store = net.world.store;
    let node = store.list(kind("", "Node"), None).find(|n| {
        meta::labels(n)
            .and_then(|l| l.get(NODE_LABEL.0))
            .and_then(serde_json::Value::as_str)
            == Some(NODE_LABEL.1)
    })?;
    let name = meta::name(node);
    super::node_addresses(store)
        .into_iter()
        .find(|(n, _)| n == name)
}
