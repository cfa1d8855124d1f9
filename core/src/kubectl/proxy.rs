//! `kubectl proxy`: a local HTTP port that forwards requests to the API server, as the
//! kubeconfig's user. A job like `port-forward`'s (foreground until Ctrl-C, or `&`); `curl
//! localhost:8001/api/v1/namespaces/default/pods` from the same terminal reaches it
//! (`network::outside`), and [`serve`] answers the GETs a learner tries: version, health,
//! collections and objects of any kind, a pod's log. Other methods and the services/pods
//! `proxy` subresources are answered plainly as not simulated.

use serde_json::{Value, json};

use super::args::{self, Flag, switch, value};
use super::job::{self, Job};
use super::shell::Shell;
use crate::api::Kind;
use crate::cluster::Output;
use crate::network::host::{Listener, Listening};
use crate::sim::Sim;

const FLAGS: &[Flag] = &[
    value("port", Some('p')),
    value("address", None),
    value("api-prefix", None),
    value("accept-hosts", None),
    value("accept-paths", None),
    value("reject-paths", None),
    value("reject-methods", None),
    value("www", Some('w')),
    value("www-prefix", Some('P')),
    value("unix-socket", Some('u')),
    value("keepalive", None),
    switch("disable-filter", None),
    switch("append-server-path", None),
];

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, FLAGS, "kubectl proxy")?;
    if let Some(extra) = parsed.args.first() {
        return Err(format!(
            "error: unknown command \"{extra}\" for \"kubectl proxy\""
        ));
    }
    for unsupported in ["unix-socket", "www"] {
        if parsed.is_set(unsupported) {
            return Err(format!(
                "error: --{unsupported} is not available in this sandbox's kubectl proxy"
            ));
        }
    }
    let port = match parsed.get("port") {
        None => 8001,
        Some(p) => p.parse::<u16>().map_err(|_| {
            format!("error: invalid argument \"{p}\" for \"-p, --port\" flag: strconv.ParseInt: parsing \"{p}\": invalid syntax\nSee 'kubectl proxy --help' for usage.")
        })?,
    };
    let address = parsed.get("address").unwrap_or("127.0.0.1").to_string();
    let port = match port {
        0 => sim.host.ephemeral_port().ok_or(format!(
            "error: listen tcp {address}:0: bind: address already in use"
        ))?,
        port => port,
    };
    if sim.host.taken(port) {
        return Err(format!(
            "error: listen tcp {address}:{port}: bind: address already in use"
        ));
    }
    let mut api_prefix = parsed.get("api-prefix").unwrap_or("/").to_string();
    if !api_prefix.ends_with('/') {
        api_prefix.push('/');
    }
    let owner = sim.host.new_owner();
    sim.host.listen(
        port,
        Listening {
            listener: Listener::Proxy { api_prefix },
            owner,
            addresses: vec![address.clone()],
        },
    );
    let mut out = shell.follow(Box::new(Proxy { owner }), sim, job::SCRIPT_LIMIT_MILLIS);
    out.stdout
        .insert_str(0, &format!("Starting to serve on {address}:{port}\n"));
    Ok(out)
}

/// The running proxy: quiet, until Ctrl-C.
struct Proxy {
    owner: u64,
}

impl Job for Proxy {
    fn poll(&mut self, sim: &mut Sim, out: &mut Output) -> Option<i32> {
        let ((stdout, stderr), _) = sim.host.take_said(self.owner);
        out.stdout.push_str(&stdout);
        out.stderr.push_str(&stderr);
        None
    }

    fn stop(&mut self, sim: &mut Sim) {
        sim.host.close(self.owner);
    }

    fn at_limit(&mut self, limit_millis: i64, out: &mut Output) -> i32 {
        out.stderr.push_str(&format!(
            "kubeplay: stopped serving after {} of cluster time (kubectl would serve until Ctrl-C; end the line with & to keep it running and curl localhost)\n",
            crate::time::human_duration(limit_millis)
        ));
        0
    }
}

/// An HTTP answer: status, content type and body.
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

/// Answers `GET path` as the API server would (`path` without the proxy's prefix).
pub fn serve(sim: &mut Sim, path: &str) -> Answer {
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        ["version"] => version(),
        ["healthz" | "livez" | "readyz"] => Answer {
            status: 200,
            content_type: "text/plain; charset=utf-8",
            body: "ok".into(),
        },
        ["api"] => json_answer(
            200,
            &json!({"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "172.18.0.2:6443"}]}),
        ),
        ["api", "v1", rest @ ..] => resource(sim, "", "v1", rest),
        ["apis", group, version, rest @ ..] if !rest.is_empty() => {
            resource(sim, group, version, rest)
        }
        _ => not_found(),
    }
}

/// `/version`: the apiserver writes it indented, in its struct's field order.
fn version() -> Answer {
    let v = crate::bootstrap::KUBERNETES_VERSION;
    let minor = v.split('.').nth(1).unwrap_or("");
    let previous = minor
        .parse::<u32>()
        .map_or(String::new(), |m| m.saturating_sub(1).to_string());
    let fields = [
        ("major", "1"),
        ("minor", minor),
        ("emulationMajor", "1"),
        ("emulationMinor", minor),
        ("minCompatibilityMajor", "1"),
        ("minCompatibilityMinor", &previous),
        ("gitVersion", v),
        ("platform", "linux/amd64"),
    ];
    let lines: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("  \"{k}\": \"{v}\""))
        .collect();
    Answer {
        status: 200,
        content_type: "application/json",
        body: format!("{{\n{}\n}}", lines.join(",\n")),
    }
}

/// `[namespaces/NS/]PLURAL[/NAME[/SUBRESOURCE]]` under a group version.
fn resource(sim: &mut Sim, group: &str, version: &str, parts: &[&str]) -> Answer {
    let (namespace, rest) = match parts {
        ["namespaces", ns, rest @ ..] if !rest.is_empty() => (Some(*ns), rest),
        _ => (None, parts),
    };
    let Some((plural, rest)) = rest.split_first() else {
        return not_found();
    };
    let Some(kind) = sim
        .store
        .kinds()
        .find(|k| k.group == group && k.version == version && k.plural == *plural)
    else {
        return not_found();
    };
    if kind.namespaced != namespace.is_some() && !rest.is_empty() {
        return not_found();
    }
    match rest {
        [] => list(sim, kind, namespace),
        [name] | [name, "status"] => match sim.store.get(kind, namespace.unwrap_or(""), name) {
            Ok(obj) => json_answer(200, obj),
            Err(status) => status_answer(&status, plural, name),
        },
        [name, "log"] if kind.kind == "Pod" => {
            let out = super::run(
                &[
                    "logs".to_string(),
                    name.to_string(),
                    format!("--namespace={}", namespace.unwrap_or("")),
                ],
                &mut Shell::default(),
                sim,
            );
            if out.success() {
                Answer {
                    status: 200,
                    content_type: "text/plain",
                    body: out.stdout,
                }
            } else {
                json_answer(
                    400,
                    &failure(
                        400,
                        "BadRequest",
                        out.stderr.trim_start_matches("error: ").trim_end(),
                    ),
                )
            }
        }
        [_, "proxy", ..] => json_answer(
            503,
            &failure(
                503,
                "ServiceUnavailable",
                "kubeplay: the API server's proxy to pods and services is not simulated; use kubectl port-forward",
            ),
        ),
        _ => not_found(),
    }
}

fn list(sim: &Sim, kind: &'static Kind, namespace: Option<&str>) -> Answer {
    // A list's items carry no kind or apiVersion of their own: the list's say it.
    let items: Vec<Value> = sim
        .store
        .list(kind, namespace)
        .map(|item| {
            let mut item = item.clone();
            if let Some(map) = item.as_object_mut() {
                map.remove("kind");
                map.remove("apiVersion");
            }
            item
        })
        .collect();
    json_answer(
        200,
        &json!({
            "kind": format!("{}List", kind.kind),
            "apiVersion": kind.api_version(),
            "metadata": {"resourceVersion": sim.store.resource_version().to_string()},
            "items": items,
        }),
    )
}

fn failure(code: u16, reason: &str, message: &str) -> Value {
    json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "details": {},
        "code": code,
    })
}

fn not_found() -> Answer {
    json_answer(
        404,
        &failure(
            404,
            "NotFound",
            "the server could not find the requested resource",
        ),
    )
}

/// A failed GET of `plural/name`, with the details the API server adds.
fn status_answer(status: &crate::api::Status, plural: &str, name: &str) -> Answer {
    let code = status.reason.code();
    let mut body = failure(code, status.reason.as_str(), &status.message);
    body["details"] = json!({"name": name, "kind": plural});
    json_answer(code, &body)
}

/// A JSON body as curl gets it: the apiserver indents JSON for clients whose user agent is
/// curl's (or wget's, or a browser's); keys here are in alphabetical order, not Go's field order.
fn json_answer(status: u16, body: &Value) -> Answer {
    Answer {
        status,
        content_type: "application/json",
        body: format!(
            "{}\n",
            serde_json::to_string_pretty(body).unwrap_or_default()
        ),
    }
}
