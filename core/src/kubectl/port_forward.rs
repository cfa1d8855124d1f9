//! `kubectl port-forward TYPE/NAME [LOCAL:]REMOTE...`: local ports on the learner's machine
//! that lead into one pod's network namespace.
//!
//! As upstream: `NAME` is a pod; `svc/NAME`, `deploy/NAME`... pick one of the workload's pods
//! (a Service's ports are translated to the pod's target ports); named ports are looked up;
//! `:REMOTE` takes a free ephemeral port; `--address` chooses the interfaces (default
//! `localhost`: 127.0.0.1 and ::1). The forwarder is a job (see `job.rs`): in the foreground
//! until Ctrl-C, or in the background with `&`, while `curl localhost:PORT` in the same
//! terminal goes through it (`network::outside`). It prints `Handling connection for PORT` for
//! each connection and ends with `error: lost connection to pod` when the pod goes away.

use serde_json::Value;

use super::args::{self, Flag, value};
use super::job::{self, Job};
use super::shell::Shell;
use super::{namespace_of, podref};
use crate::api::meta;
use crate::cluster::Output;
use crate::controllers::kind;
use crate::network::host::{Listener, Listening};
use crate::sim::Sim;
use crate::time::SECOND;

const FLAGS: &[Flag] = &[value("address", None), value("pod-running-timeout", None)];

const SEE: &str = "See 'kubectl port-forward -h' for help and examples";

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, FLAGS, "kubectl port-forward")?;
    let [target, ports @ ..] = parsed.args.as_slice() else {
        return Err(usage());
    };
    if ports.is_empty() {
        return Err(usage());
    }
    let addresses = listen_addresses(parsed.all("address"))?;
    let namespace = namespace_of(&parsed, shell);
    let timeout_seconds = match parsed.get("pod-running-timeout") {
        Some(t) => {
            crate::api::cron::go_duration_millis(t).map_err(|e| format!("error: {e}\n{SEE}"))?
                / SECOND
        }
        None => 60,
    };
    let mut notes = String::new();
    let pod = podref::resolve(sim, &namespace, target, timeout_seconds, &mut notes)?;
    let service = service_of(sim, &namespace, target)?;
    let pairs = match &service {
        Some(svc) => {
            refuse_udp(ports, &service_udp_ports(svc), |p| {
                service_port_by_name(svc, p)
            })?;
            ports
                .iter()
                .map(|p| translate_service_port(p, svc, &pod))
                .collect::<Result<Vec<_>, _>>()?
        }
        None => {
            refuse_udp(ports, &pod_udp_ports(&pod), |p| {
                container_port_by_name(&pod, p)
            })?;
            ports
                .iter()
                .map(|p| pod_port(p, &pod))
                .collect::<Result<Vec<_>, _>>()?
        }
    };
    let pairs = pairs
        .iter()
        .map(|(local, remote)| parse_pair(local, remote))
        .collect::<Result<Vec<_>, _>>()?;
    let phase = meta::str_at(&pod, "/status/phase");
    if phase != "Running" {
        return Err(format!(
            "error: unable to forward port because pod is not running. Current status={phase}"
        ));
    }
    let mut out = Output {
        stderr: notes,
        ..Output::default()
    };
    let owner = sim.host.new_owner();
    let mut listening = Vec::new();
    for (local, remote) in pairs {
        let local = match local {
            0 => match sim.host.ephemeral_port() {
                Some(port) => port,
                None => {
                    return Err(
                        "error: unable to listen on any of the requested ports: no free port left"
                            .into(),
                    );
                }
            },
            port => port,
        };
        if sim.host.taken(local) || crate::network::outside::kind_maps_port(&sim.store, local) {
            let errors: Vec<String> = addresses
                .iter()
                .map(|a| {
                    format!(
                        "unable to create listener: Error listen {} {}:{local}: bind: address already in use",
                        if a.contains(':') { "tcp6" } else { "tcp4" },
                        bracketed(a)
                    )
                })
                .collect();
            out.stderr.push_str(&format!(
                "Unable to listen on port {local}: Listeners failed to create with the following errors: [{}]\n",
                errors.join(" ")
            ));
            continue;
        }
        for address in &addresses {
            out.stdout.push_str(&format!(
                "Forwarding from {}:{local} -> {remote}\n",
                bracketed(address)
            ));
        }
        sim.host.listen(
            local,
            Listening {
                listener: Listener::Forward {
                    namespace: namespace.clone(),
                    pod: meta::name(&pod).to_string(),
                    uid: meta::uid(&pod).to_string(),
                    remote,
                },
                owner,
                addresses: addresses.clone(),
            },
        );
        listening.push((local, remote));
    }
    if listening.is_empty() {
        let asked: Vec<String> = ports
            .iter()
            .map(|p| {
                let (local, remote) = split_port(p);
                format!("{{{local} {remote}}}")
            })
            .collect();
        out.stderr.push_str(&format!(
            "error: unable to listen on any of the requested ports: [{}]\n",
            asked.join(" ")
        ));
        out.exit_code = 1;
        return Ok(out);
    }
    let forwarder = Forwarder {
        owner,
        namespace,
        pod: meta::name(&pod).to_string(),
        uid: meta::uid(&pod).to_string(),
    };
    let mut followed = shell.follow(Box::new(forwarder), sim, job::SCRIPT_LIMIT_MILLIS);
    followed.stdout.insert_str(0, &out.stdout);
    followed.stderr.insert_str(0, &out.stderr);
    Ok(followed)
}

fn usage() -> String {
    format!("error: TYPE/NAME and list of ports are required for port-forward\n{SEE}")
}

/// `--address` values to the addresses bound: `localhost` is 127.0.0.1 and ::1.
fn listen_addresses(given: &[String]) -> Result<Vec<String>, String> {
    let mut addresses = Vec::new();
    let words: Vec<&str> = given.iter().flat_map(|g| g.split(',')).collect();
    for word in if words.is_empty() {
        vec!["localhost"]
    } else {
        words
    } {
        let word = word.trim();
        if word == "localhost" {
            addresses.extend(["127.0.0.1".to_string(), "::1".to_string()]);
        } else if word.parse::<std::net::IpAddr>().is_ok() {
            addresses.push(word.to_string());
        } else {
            return Err(format!("error: {word} is not a valid IP"));
        }
    }
    Ok(addresses)
}

/// `[::1]` for IPv6 addresses, as Go's `net.JoinHostPort` writes them.
fn bracketed(address: &str) -> String {
    if address.contains(':') {
        format!("[{address}]")
    } else {
        address.to_string()
    }
}

/// `LOCAL:REMOTE`, or `PORT` for both.
fn split_port(port: &str) -> (&str, &str) {
    port.split_once(':').unwrap_or((port, port))
}

/// The Service a `svc/NAME` argument names (resolved already by `podref`).
fn service_of(sim: &Sim, namespace: &str, target: &str) -> Result<Option<Value>, String> {
    let Some((typed, name)) = target.split_once('/') else {
        return Ok(None);
    };
    let k = super::resolve_kind(&sim.store, typed)?;
    if k.kind != "Service" {
        return Ok(None);
    }
    Ok(sim.store.get(k, namespace, name).ok().cloned())
}

/// A pod's port argument with a named remote port looked up among its containers' ports.
fn pod_port(port: &str, pod: &Value) -> Result<(String, String), String> {
    let (local, remote) = split_port(port);
    if remote.is_empty() {
        return Err("error: remote port cannot be empty".into());
    }
    let number = match remote.parse::<i64>() {
        Ok(_) => remote.to_string(),
        Err(_) => container_port_by_name(pod, remote)?.to_string(),
    };
    Ok((local.to_string(), number))
}

/// A Service's port argument as the pod port it leads to (`translateServicePortToTargetPort`);
/// `PORTNAME` alone listens locally on the Service port's number.
fn translate_service_port(
    port: &str,
    svc: &Value,
    pod: &Value,
) -> Result<(String, String), String> {
    let (local, remote) = split_port(port);
    let (local, number) = match remote.parse::<i64>() {
        Ok(n) => (local.to_string(), n),
        Err(_) => {
            let n = service_port_by_name(svc, remote)?;
            let local = if local == remote {
                n.to_string()
            } else {
                local.to_string()
            };
            (local, n)
        }
    };
    let target = container_port_by_service_port(svc, pod, number)?;
    Ok((local, target.to_string()))
}

fn service_port_by_name(svc: &Value, name: &str) -> Result<i64, String> {
    meta::array_at(svc, "/spec/ports")
        .iter()
        .find(|p| meta::str_at(p, "/name") == name)
        .and_then(|p| p.get("port").and_then(Value::as_i64))
        .ok_or_else(|| {
            format!(
                "error: service '{}' does not have a named port '{name}'",
                meta::name(svc)
            )
        })
}

fn container_port_by_name(pod: &Value, name: &str) -> Result<i64, String> {
    meta::array_at(pod, "/spec/containers")
        .iter()
        .flat_map(|c| meta::array_at(c, "/ports"))
        .find(|p| meta::str_at(p, "/name") == name)
        .and_then(|p| p.get("containerPort").and_then(Value::as_i64))
        .ok_or_else(|| {
            format!(
                "error: pod '{}' does not have a named port '{name}'",
                meta::name(pod)
            )
        })
}

/// The pod port a Service port sends to: its targetPort (a number, or a container port's
/// name), the port itself when none is set or the Service is headless.
fn container_port_by_service_port(svc: &Value, pod: &Value, port: i64) -> Result<i64, String> {
    let Some(spec) = meta::array_at(svc, "/spec/ports")
        .iter()
        .find(|p| p.get("port").and_then(Value::as_i64) == Some(port))
    else {
        return Err(format!(
            "error: service {} does not have a service port {port}",
            meta::name(svc)
        ));
    };
    if meta::str_at(svc, "/spec/clusterIP") == "None" {
        return Ok(port);
    }
    match spec.get("targetPort") {
        Some(Value::String(name)) => container_port_by_name(pod, name),
        Some(Value::Number(n)) if n.as_i64().unwrap_or(0) != 0 => Ok(n.as_i64().unwrap_or(port)),
        _ => Ok(port),
    }
}

/// Ports served over UDP only: port-forward carries TCP alone.
fn udp_only(ports: impl Iterator<Item = (i64, String)>) -> Vec<i64> {
    let (mut udp, mut tcp) = (Vec::new(), Vec::new());
    for (port, protocol) in ports {
        match protocol.as_str() {
            "UDP" => udp.push(port),
            "TCP" | "" => tcp.push(port),
            _ => {}
        }
    }
    udp.retain(|p| !tcp.contains(p));
    udp
}

fn service_udp_ports(svc: &Value) -> Vec<i64> {
    udp_only(meta::array_at(svc, "/spec/ports").iter().map(|p| {
        (
            p.get("port").and_then(Value::as_i64).unwrap_or(0),
            meta::str_at(p, "/protocol").to_string(),
        )
    }))
}

fn pod_udp_ports(pod: &Value) -> Vec<i64> {
    udp_only(
        meta::array_at(pod, "/spec/containers")
            .iter()
            .flat_map(|c| meta::array_at(c, "/ports"))
            .map(|p| {
                (
                    p.get("containerPort").and_then(Value::as_i64).unwrap_or(0),
                    meta::str_at(p, "/protocol").to_string(),
                )
            }),
    )
}

fn refuse_udp(
    ports: &[String],
    udp: &[i64],
    by_name: impl Fn(&str) -> Result<i64, String>,
) -> Result<(), String> {
    for port in ports {
        let (_, remote) = split_port(port);
        let number = match remote.parse::<i64>() {
            Ok(n) => n,
            Err(_) => by_name(remote)?,
        };
        if udp.contains(&number) {
            return Err(format!("error: UDP protocol is not supported for {remote}"));
        }
    }
    Ok(())
}

/// client-go's `ParsePorts`: a local port (0 when empty: the system picks) and a remote one.
fn parse_pair(local: &str, remote: &str) -> Result<(u16, u16), String> {
    let local_port = if local.is_empty() {
        0
    } else {
        parse_port(local).map_err(|e| format!("error: Error parsing local port '{local}': {e}"))?
    };
    let remote_port = parse_port(remote)
        .map_err(|e| format!("error: Error parsing remote port '{remote}': {e}"))?;
    if remote_port == 0 {
        return Err(format!("error: Remote port must be > 0: {remote}"));
    }
    Ok((local_port, remote_port))
}

/// Go's `strconv.ParseUint(s, 10, 16)` and its error texts.
fn parse_port(text: &str) -> Result<u16, String> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!(
            "strconv.ParseUint: parsing \"{text}\": invalid syntax"
        ));
    }
    text.parse::<u16>()
        .map_err(|_| format!("strconv.ParseUint: parsing \"{text}\": value out of range"))
}

/// The running forwarder: reports connections, and ends when its pod goes away.
struct Forwarder {
    owner: u64,
    namespace: String,
    pod: String,
    uid: String,
}

impl Job for Forwarder {
    fn poll(&mut self, sim: &mut Sim, out: &mut Output) -> Option<i32> {
        let ((stdout, stderr), broken) = sim.host.take_said(self.owner);
        out.stdout.push_str(&stdout);
        out.stderr.push_str(&stderr);
        let alive = sim
            .store
            .get(kind("", "Pod"), &self.namespace, &self.pod)
            .is_ok_and(|p| {
                meta::uid(p) == self.uid
                    && !matches!(meta::str_at(p, "/status/phase"), "Succeeded" | "Failed")
            });
        if alive && broken.is_none() {
            return None;
        }
        out.stderr.push_str("error: lost connection to pod\n");
        Some(1)
    }

    fn stop(&mut self, sim: &mut Sim) {
        sim.host.close(self.owner);
    }

    fn at_limit(&mut self, limit_millis: i64, out: &mut Output) -> i32 {
        out.stderr.push_str(&format!(
            "kubeplay: stopped forwarding after {} of cluster time (kubectl would forward until Ctrl-C; end the line with & to keep it running and curl localhost)\n",
            crate::time::human_duration(limit_millis)
        ));
        0
    }
}
