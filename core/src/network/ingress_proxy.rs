//! The ingress-nginx controller pod's nginx on ports 80 and 443: a request reaching it is
//! routed with [`super::ingress::route`] over the Ingresses of its class, then proxied to one
//! endpoint of the chosen Service — as ingress-nginx does, straight to the pod addresses
//! from the Service's EndpointSlices (its Lua balancer, round robin), not through the
//! ClusterIP — and the backend's answer is passed back to the client.
//!
//! Its own answers use its own pages: 404 from the default backend when no rule matches, 503
//! when the matched Service has no ready endpoint, 308 to HTTPS for a TLS host, 502/504 when
//! the chosen endpoint refuses or never answers. Every request adds an access-log line in
//! ingress-nginx's `log-format-upstream` to the controller container.

use serde_json::Value;

use super::ingress::{self, Route, RouteResult, ServicePortRef};
use super::proxy::{self, Frontend, Via};
use super::{Backend, HttpRequest, Net, Origin, Refusal, Reply, ServerLog, Step, Trace};
use crate::api::meta;
use crate::controllers::{ObjectKey, kind};
use crate::kubelet::apps::{self, ingress_nginx_page};
use crate::kubelet::fs::Disks;
use crate::kubelet::sh::Stream;

/// The class the simulated controller serves (`--ingress-class=nginx`).
const CLASS: &str = crate::controllers::ingress_nginx::CLASS;
/// ingress-nginx's built-in default backend, as its access log names it.
const DEFAULT_UPSTREAM: &str = "upstream-default-backend";
const DEFAULT_UPSTREAM_ADDR: &str = "127.0.0.1:8181";

/// Whether a connection to `backend` reaches ingress-nginx's proxy (its HTTP or HTTPS port).
pub fn is_proxy_port(backend: &Backend) -> bool {
    backend.port == 80 || backend.port == 443
}

/// What ingress-nginx's nginx answered and where it sent the request.
struct Answer {
    reply: Reply,
    /// `[upstream]`, its address, and the upstream's status (`-` when none answered).
    upstream: String,
    upstream_addr: String,
    upstream_status: String,
}

impl Net<'_> {
    /// The controller pod `controller` (reached at `backend`) answering `request`.
    pub(super) fn ingress_nginx(
        &mut self,
        disks: &Disks,
        backend: &Backend,
        request: &HttpRequest<'_>,
        trace: &mut Trace,
    ) -> Reply {
        let pod_name = format!("{}/{}", backend.pod.namespace, backend.pod.name);
        let host = request
            .host
            .rsplit_once(':')
            .filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
            .map_or(request.host, |(h, _)| h);
        let path = request.path.split('?').next().unwrap_or("/");
        let answer = match ingress::route(self.world.store, CLASS, host, path) {
            RouteResult::NoMatch => {
                trace.hop(
                    Step::Ingress,
                    &backend.node,
                    &pod_name,
                    format!(
                        "ingress-nginx pod {pod_name} ({}:{}): no Ingress rule matches host {host} path {path}; its default backend answers 404",
                        backend.ip, backend.port
                    ),
                );
                Answer {
                    reply: own_page(404, self.world.now),
                    upstream: DEFAULT_UPSTREAM.into(),
                    upstream_addr: DEFAULT_UPSTREAM_ADDR.into(),
                    upstream_status: "404".into(),
                }
            }
            RouteResult::Routed(route) if route.ssl_redirect && backend.port == 80 => {
                trace.hop(
                    Step::Ingress,
                    &backend.node,
                    &pod_name,
                    format!(
                        "ingress-nginx pod {pod_name}: host {host} has TLS (Ingress {}): plain HTTP is redirected to https://{host}{}",
                        route.ingress, request.path
                    ),
                );
                let mut reply = own_page(308, self.world.now);
                if let Reply::Http { headers, .. } = &mut reply {
                    headers.push(("Location".into(), format!("https://{host}{}", request.path)));
                }
                Answer {
                    reply,
                    upstream: String::new(),
                    upstream_addr: "-".into(),
                    upstream_status: "-".into(),
                }
            }
            RouteResult::Routed(route) => {
                self.proxy_to(disks, backend, &pod_name, &route, request, trace)
            }
        };
        let (status, sent) = match &answer.reply {
            Reply::Http { status, body, .. } => (*status, body.len()),
            Reply::Empty => (502, 0),
        };
        // curl's request: the request line, Host, User-Agent, Accept, and the blank line.
        let request_length = format!(
            "{} {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: {}\r\nAccept: */*\r\n\r\n",
            request.method, request.path, request.host, request.user_agent
        )
        .len();
        let request_id = format!(
            "{:016x}{:016x}",
            self.plane.ingress_rng.next_u64(),
            self.plane.ingress_rng.next_u64()
        );
        let upstream_size = match answer.upstream_addr.as_str() {
            "-" => "-".to_string(),
            _ => sent.to_string(),
        };
        let timing = if answer.upstream_addr == "-" {
            "-"
        } else {
            "0.001"
        };
        let line = format!(
            "{} - - [{}] \"{} {} HTTP/1.1\" {status} {sent} \"-\" \"{}\" {request_length} {} [{}] [] {} {upstream_size} {timing} {} {request_id}",
            backend.client,
            apps::access_time(self.world.now),
            request.method,
            request.path,
            request.user_agent,
            if answer.upstream_addr == "-" {
                "0.000"
            } else {
                "0.001"
            },
            answer.upstream,
            answer.upstream_addr,
            answer.upstream_status,
        );
        self.plane.logs.push(ServerLog {
            pod: backend.pod.clone(),
            container: backend.container.clone(),
            at: self.world.now,
            stream: Stream::Out,
            text: format!("{line}\n"),
        });
        answer.reply
    }

    /// Proxies to one ready endpoint of the route's Service.
    fn proxy_to(
        &mut self,
        disks: &Disks,
        controller: &Backend,
        pod_name: &str,
        route: &Route,
        request: &HttpRequest<'_>,
        trace: &mut Trace,
    ) -> Answer {
        let port_label = match &route.port {
            ServicePortRef::Number(n) => n.to_string(),
            ServicePortRef::Name(n) => n.clone(),
        };
        let upstream = format!("{}-{}-{port_label}", route.namespace, route.service);
        let svc_key = format!("{}/{}", route.namespace, route.service);
        trace.hop_through(
            Step::Ingress,
            &controller.node,
            pod_name,
            vec![
                super::pod_box(pod_name),
                format!("Ingress/{}", route.ingress),
                super::service_box(&svc_key),
            ],
            format!(
                "ingress-nginx pod {pod_name} ({}:{}): Ingress {} rule {} → Service {svc_key} port {port_label}{}",
                controller.ip,
                controller.port,
                route.ingress,
                route.rule,
                if route.path == request.path.split('?').next().unwrap_or("/") {
                    String::new()
                } else {
                    format!(", path rewritten to {}", route.path)
                }
            ),
        );
        let store = self.world.store;
        let service = store
            .get(kind("", "Service"), &route.namespace, &route.service)
            .ok();
        let ready: Vec<proxy::Endpoint> = service
            .and_then(|svc| {
                let port = service_port(svc, &route.port)?;
                let front = Frontend {
                    service: svc,
                    port,
                    via: Via::ClusterIp,
                };
                Some(proxy::endpoints(store, &front))
            })
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e.ready)
            .collect();
        if ready.is_empty() {
            let why = if service.is_none() {
                format!("Service {svc_key} does not exist")
            } else {
                format!("Service {svc_key} does not have any active Endpoint")
            };
            trace.hop_through(
                Step::Ingress,
                &controller.node,
                pod_name,
                vec![super::service_box(&svc_key)],
                format!("{why}: ingress-nginx answers 503"),
            );
            return Answer {
                reply: own_page(503, self.world.now),
                upstream,
                upstream_addr: "-".into(),
                upstream_status: "-".into(),
            };
        }
        // The balancer's round robin over the upstream's endpoints.
        let turn = self.plane.round_robin.entry(upstream.clone()).or_insert(0);
        let index = *turn % ready.len();
        *turn = turn.wrapping_add(1);
        let Some(endpoint) = ready.get(index).cloned() else {
            return Answer {
                reply: own_page(503, self.world.now),
                upstream,
                upstream_addr: "-".into(),
                upstream_status: "-".into(),
            };
        };
        let target_pod = endpoint
            .pod
            .as_ref()
            .map(|(ns, n)| format!("{ns}/{n}"))
            .unwrap_or_default();
        trace.hop(
            Step::Endpoint,
            &controller.node,
            &target_pod,
            format!(
                "ingress-nginx → {}:{} (pod {target_pod} on {}): round robin over {} ready endpoint(s) of the Service, not through its ClusterIP",
                endpoint.ip,
                endpoint.port,
                endpoint.node,
                ready.len()
            ),
        );
        let upstream_addr = format!("{}:{}", endpoint.ip, endpoint.port);
        // From here the controller pod is the client.
        let mut inner = Net {
            world: self.world,
            plane: &mut *self.plane,
            origin: Origin::Pod {
                pod: controller.pod.clone(),
                ip: controller.ip.clone(),
                node: controller.node.clone(),
            },
        };
        let key = endpoint.pod.as_ref().map(|(ns, n)| ObjectKey {
            namespace: ns.clone(),
            name: n.clone(),
        });
        let delivered = match key {
            Some(key) => inner.deliver(
                &key,
                &endpoint.ip,
                endpoint.port,
                &endpoint.node,
                &controller.ip,
                trace,
            ),
            None => Err(Refusal::Timeout),
        };
        match delivered {
            Err(refusal) => {
                let (code, what) = match refusal {
                    Refusal::Refused => (502, "refused the connection"),
                    Refusal::Timeout => (504, "never answered"),
                };
                trace.hop(
                    Step::Ingress,
                    &controller.node,
                    pod_name,
                    format!("the upstream {upstream_addr} {what}: ingress-nginx answers {code}"),
                );
                Answer {
                    reply: own_page(code, self.world.now),
                    upstream,
                    upstream_addr,
                    upstream_status: code.to_string(),
                }
            }
            Ok(target) => {
                let forwarded = HttpRequest {
                    method: request.method,
                    path: &route.path,
                    host: request.host,
                    user_agent: request.user_agent,
                };
                let reply = inner.http(disks, &target, &forwarded, trace);
                let upstream_status = match &reply {
                    Reply::Http { status, .. } => status.to_string(),
                    Reply::Empty => "502".into(),
                };
                let reply = match reply {
                    // nginx sends its own Server and Date headers in place of the upstream's.
                    Reply::Http {
                        status,
                        reason,
                        headers,
                        body,
                    } => Reply::Http {
                        status,
                        reason,
                        headers: proxied_headers(headers, self.world.now),
                        body,
                    },
                    Reply::Empty => own_page(502, self.world.now),
                };
                Answer {
                    reply,
                    upstream,
                    upstream_addr,
                    upstream_status,
                }
            }
        }
    }
}

/// The Service port an Ingress backend names (by number or by name).
fn service_port<'a>(svc: &'a Value, port: &ServicePortRef) -> Option<&'a Value> {
    meta::array_at(svc, "/spec/ports")
        .iter()
        .find(|p| match port {
            ServicePortRef::Number(n) => {
                p.get("port").and_then(Value::as_i64) == Some(i64::from(*n))
            }
            ServicePortRef::Name(n) => meta::str_at(p, "/name") == n,
        })
}

/// One of ingress-nginx's own answers, with nginx's headers (`server_tokens off`).
fn own_page(code: u16, now: crate::time::Time) -> Reply {
    let reason = match code {
        308 => "Permanent Redirect",
        c => apps::reason_phrase(c),
    };
    let body = ingress_nginx_page(code, reason);
    Reply::Http {
        status: code,
        reason,
        headers: vec![
            ("Date".into(), apps::http_date(now)),
            ("Content-Type".into(), "text/html".into()),
            ("Content-Length".into(), body.len().to_string()),
            ("Connection".into(), "keep-alive".into()),
        ],
        body,
    }
}

/// The upstream's headers as nginx relays them: its own `Date` first, the upstream's `Server`
/// and `Date` dropped (`proxy_hide_header`).
fn proxied_headers(
    headers: Vec<(String, String)>,
    now: crate::time::Time,
) -> Vec<(String, String)> {
    let mut out = vec![("Date".to_string(), apps::http_date(now))];
    out.extend(
        headers
            .into_iter()
            .filter(|(k, _)| k != "Server" && k != "Date"),
    );
    out
}
