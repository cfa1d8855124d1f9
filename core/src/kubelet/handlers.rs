//! Probe and lifecycle-hook actions (`exec`, `httpGet`, `tcpSocket`, `grpc`, `sleep`) run
//! against a running container, with the outcomes and wording of upstream's probers
//! (`HTTP probe failed with statuscode: 404`, `dial tcp 10.244.1.5:8080: connect: connection
//! refused`) and hook runner.

use serde_json::Value;

use super::fs::Disks;
use super::logs::Log;
use super::process::Process;
use crate::api::meta;
use crate::time::Time;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Exec(Vec<String>),
    HttpGet {
        port: u16,
        path: String,
        scheme: String,
    },
    Tcp {
        port: u16,
    },
    Grpc {
        port: u16,
    },
    Sleep {
        seconds: i64,
    },
    /// A named port the container does not declare.
    BadPort(String),
}

/// Reads a probe or hook handler from its JSON, resolving named ports against the
/// container's `ports`.
pub fn parse(handler: &Value, container: &Value) -> Option<Action> {
    let port = |v: Option<&Value>| -> Result<u16, String> {
        match v {
            Some(Value::Number(n)) => Ok(n.as_u64().unwrap_or(0) as u16),
            Some(Value::String(name)) => match name.parse::<u16>() {
                Ok(n) => Ok(n),
                Err(_) => container
                    .pointer("/ports")
                    .and_then(Value::as_array)
                    .and_then(|ps| ps.iter().find(|p| meta::str_at(p, "/name") == name))
                    .and_then(|p| p.get("containerPort"))
                    .and_then(Value::as_u64)
                    .map(|n| n as u16)
                    .ok_or_else(|| name.clone()),
            },
            _ => Ok(0),
        }
    };
    if let Some(e) = handler.get("exec") {
        let words = e
            .get("command")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        return Some(Action::Exec(words));
    }
    if let Some(h) = handler.get("httpGet") {
        return Some(match port(h.get("port")) {
            Ok(p) => Action::HttpGet {
                port: p,
                path: match meta::str_at(h, "/path") {
                    "" => "/".to_string(),
                    p if p.starts_with('/') => p.to_string(),
                    p => format!("/{p}"),
                },
                scheme: match meta::str_at(h, "/scheme") {
                    "" => "http".to_string(),
                    s => s.to_lowercase(),
                },
            },
            Err(name) => Action::BadPort(name),
        });
    }
    if let Some(t) = handler.get("tcpSocket") {
        return Some(match port(t.get("port")) {
            Ok(p) => Action::Tcp { port: p },
            Err(name) => Action::BadPort(name),
        });
    }
    if let Some(g) = handler.get("grpc") {
        return Some(Action::Grpc {
            port: g.get("port").and_then(Value::as_u64).unwrap_or(0) as u16,
        });
    }
    if let Some(s) = handler.get("sleep") {
        return Some(Action::Sleep {
            seconds: s.get("seconds").and_then(Value::as_i64).unwrap_or(0),
        });
    }
    None
}

/// What a probe found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    /// Failed, with the prober's output.
    Failure(String),
    /// The probe could not run; the result is thrown away after an event.
    Error(String),
}

/// The container as an action reaches it.
pub struct Target<'a> {
    pub process: &'a mut Process,
    pub disks: &'a mut Disks,
    pub log: &'a mut Log,
    pub pod_ip: &'a str,
    /// Where the kubelet's requests come from (the node's address on the pod network).
    pub client_ip: &'a str,
    pub now: Time,
    pub container_id: &'a str,
    /// The network an exec probe's or hook's command reaches (its own pod over localhost
    /// included).
    pub net: Option<crate::network::Net<'a>>,
}

fn exec_error(target: &Target<'_>, detail: &str) -> String {
    let id = target.container_id.rsplit('/').next().unwrap_or("");
    format!(
        "rpc error: code = Unknown desc = failed to exec in container: failed to start exec \"{}\": OCI runtime exec failed: exec failed: unable to start container process: {detail}: unknown",
        id.get(..64).unwrap_or(id)
    )
}

/// Runs a probe action.
pub fn probe(action: &Action, target: &mut Target<'_>, timeout_seconds: i64) -> Outcome {
    match action {
        Action::Exec(argv) => {
            let result = exec(target, argv);
            if let Some(e) = result.start_error {
                return Outcome::Error(exec_error(target, &e));
            }
            if result.endless || result.slept_ms > timeout_seconds * 1000 {
                return Outcome::Failure(format!("command \"{}\" timed out", argv.join(" ")));
            }
            if result.status == 0 {
                Outcome::Success
            } else {
                Outcome::Failure(result.combined)
            }
        }
        Action::HttpGet { port, path, scheme } => {
            let url = format!("{scheme}://{}:{port}{path}", target.pod_ip);
            match http(target, *port, path) {
                None => Outcome::Failure(format!(
                    "Get \"{url}\": dial tcp {}:{port}: connect: connection refused",
                    target.pod_ip
                )),
                Some(0) => Outcome::Failure(format!("Get \"{url}\": EOF")),
                Some(code) if (200..400).contains(&code) => Outcome::Success,
                Some(code) => {
                    Outcome::Failure(format!("HTTP probe failed with statuscode: {code}"))
                }
            }
        }
        Action::Tcp { port } => {
            if listens(target, *port) {
                Outcome::Success
            } else {
                Outcome::Failure(format!(
                    "dial tcp {}:{port}: connect: connection refused",
                    target.pod_ip
                ))
            }
        }
        Action::Grpc { port } => {
            let image = target.process.image().copied();
            let serving = match (target.process.program(), image) {
                (Some(p), Some(i)) => p.grpc_serving(&i, *port),
                _ => None,
            };
            match serving {
                Some(true) => Outcome::Success,
                Some(false) => Outcome::Failure(
                    "error: this server does not implement the grpc health protocol (grpc.health.v1.Health): unknown service grpc.health.v1.Health".into(),
                ),
                None => Outcome::Failure(format!(
                    "timeout: failed to connect service \"{}:{port}\" within {timeout_seconds}s: context deadline exceeded",
                    target.pod_ip
                )),
            }
        }
        Action::Sleep { .. } => Outcome::Success,
        Action::BadPort(name) => Outcome::Error(format!("unable to find port {name:?}")),
    }
}

/// Runs a command in the container for a probe or hook; what it writes to PID 1's output
/// goes to the container log.
fn exec(target: &mut Target<'_>, argv: &[String]) -> super::process::ExecResult {
    let result = target.process.exec(
        argv,
        target.disks,
        target.now,
        false,
        target.net.as_mut().map(|n| n.reborrow()),
    );
    if !result.to_main.is_empty() {
        target
            .log
            .write(target.now, super::sh::Stream::Out, &result.to_main);
    }
    result
}

fn listens(target: &Target<'_>, port: u16) -> bool {
    match (target.process.program(), target.process.image()) {
        (Some(p), Some(i)) => p.ports(i).contains(&port),
        _ => false,
    }
}

/// An HTTP GET from the kubelet: the status (0 for a server that is not HTTP), or `None`
/// when nothing listens. The server's log lines go to the container log.
fn http(target: &mut Target<'_>, port: u16, path: &str) -> Option<u16> {
    let (Some(program), Some(image)) = (
        target.process.program().cloned(),
        target.process.image().copied(),
    ) else {
        return None;
    };
    let host = format!("{}:{port}", target.pod_ip);
    let hostname = target.process.info.hostname.clone();
    let request = super::apps::Request {
        method: "GET",
        hostname: &hostname,
        port,
        path,
        client: target.client_ip,
        host: &host,
        user_agent: "kube-probe/1.35",
        now: target.now,
    };
    let (response, lines) =
        program.http_get(&image, &request, (&target.process.view, target.disks));
    for (stream, line) in lines {
        target.log.write(target.now, stream, &format!("{line}\n"));
    }
    response.map(|r| r.status)
}

/// Runs a lifecycle hook: how long it took, or the hook runner's error message.
pub fn hook(
    action: &Action,
    target: &mut Target<'_>,
    container: &str,
    pod_id: &str,
) -> Result<i64, String> {
    match action {
        Action::Exec(argv) => {
            let result = exec(target, argv);
            let error = if let Some(e) = &result.start_error {
                Some(exec_error(target, e))
            } else if result.status != 0 {
                Some(format!(
                    "command '{}' exited with {}: {}",
                    argv.join(" "),
                    result.status,
                    result.stderr
                ))
            } else {
                None
            };
            match error {
                Some(e) => Err(format!(
                    "Exec lifecycle hook ([{}]) for Container \"{container}\" in Pod \"{pod_id}\" failed - error: {e}, message: {:?}",
                    argv.join(" "),
                    result.combined
                )),
                None => Ok(if result.endless {
                    i64::MAX
                } else {
                    result.slept_ms
                }),
            }
        }
        Action::HttpGet { port, path, scheme } => match http(target, *port, path) {
            None => Err(format!(
                "HTTP lifecycle hook ({path}) for Container \"{container}\" in Pod \"{pod_id}\" failed - error: Get \"{scheme}://{}:{port}{path}\": dial tcp {}:{port}: connect: connection refused",
                target.pod_ip, target.pod_ip
            )),
            Some(_) => Ok(0),
        },
        Action::Sleep { seconds } => Ok(seconds.saturating_mul(1000)),
        Action::Tcp { .. } | Action::Grpc { .. } => Ok(0),
        Action::BadPort(name) => Err(format!(
            "HTTP lifecycle hook for Container \"{container}\" in Pod \"{pod_id}\" failed - error: unable to find port {name:?}"
        )),
    }
}
