//! `kubectl cluster-info`: the API server's address (the current context's cluster `server`)
//! and, for every Service labelled `kubernetes.io/cluster-service=true` in `kube-system` (or
//! `-n`), where it is reached — through the API server's service proxy, or its load balancer's
//! address — named by its `kubernetes.io/name` label, as upstream prints it. Real kubectl
//! colours the names green and the addresses yellow with escape codes; the terminal here shows
//! plain text.
//!
//! `kubectl cluster-info dump` lives in [`dump`].

pub mod dump;

use serde_json::Value;

use super::args::{self, Flag};
use super::shell::Shell;
use crate::api::meta;
use crate::cluster::Output;
use crate::controllers::kind;
use crate::sim::Sim;

const FLAGS: &[Flag] = &[];

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    if words.first().is_some_and(|w| w == "dump") {
        return dump::run(words.get(1..).unwrap_or_default(), shell, sim);
    }
    let parsed = args::parse(words, FLAGS, "kubectl cluster-info")?;
    // Arguments are accepted and ignored, as cobra does for a command that sets no rule.
    let namespace = parsed.get("namespace").unwrap_or("kube-system");
    let host = server(shell);
    let service_kind = kind("", "Service");
    sim.store
        .authorize_list(service_kind, Some(namespace))
        .map_err(|status| super::errors::render(&status).trim_end().to_string())?;
    let selector = crate::api::labels::parse("kubernetes.io/cluster-service=true")?;
    let mut out = line("Kubernetes control plane", &host);
    for service in sim
        .store
        .list(service_kind, Some(namespace))
        .filter(|s| selector.matches(s))
    {
        let label = meta::str_at(service, "/metadata/labels/kubernetes.io~1name");
        let name = if label.is_empty() {
            meta::name(service)
        } else {
            label
        };
        out.push_str(&line(name, &link(service, &host)));
    }
    out.push_str(
        "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n",
    );
    Ok(Output::ok(out))
}

fn line(name: &str, link: &str) -> String {
    format!("{name} is running at {link}\n")
}

/// The current context's cluster's `server`.
fn server(shell: &Shell) -> String {
    let config = &shell.kubeconfig;
    let cluster = config.context_field(shell.current_context(), "cluster");
    config
        .clusters
        .get(cluster)
        .and_then(|c| c.get("server"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// Where a Service is reached: `http://IP:PORT ` for each port of a load balancer, else the
/// API server's proxy path `…/services/[https:]NAME[:PORTNAME]/proxy` for its first port.
fn link(service: &Value, host: &str) -> String {
    let ports = service
        .pointer("/spec/ports")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if let Some(ingress) = service.pointer("/status/loadBalancer/ingress/0") {
        let ip = match meta::str_at(ingress, "/ip") {
            "" => meta::str_at(ingress, "/hostname"),
            ip => ip,
        };
        return ports
            .iter()
            .map(|p| {
                format!(
                    "http://{ip}:{} ",
                    p.get("port").and_then(Value::as_i64).unwrap_or(0)
                )
            })
            .collect();
    }
    let mut name = meta::name(service).to_string();
    if let Some(port) = ports.first() {
        let port_name = meta::str_at(port, "/name");
        let https = port_name == "https" || port.get("port").and_then(Value::as_i64) == Some(443);
        // `[scheme:]name[:port]`, as utilnet.JoinSchemeNamePort writes it.
        if https {
            name = format!("https:{name}:{port_name}");
        } else if !port_name.is_empty() {
            name = format!("{name}:{port_name}");
        }
    }
    format!(
        "{host}/api/v1/namespaces/{}/services/{name}/proxy",
        meta::namespace(service)
    )
}
