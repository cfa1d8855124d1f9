//! Sandbox commands: what only a cluster's owner does with their hands — add a machine, stop
//! its kubelet, start it again, take the machine away. Typed as `kubeplay ...` in the shell,
//! so they are never mistaken for kubectl. They act on the infrastructure only; the cluster
//! finds out the way a real one does (a kubelet registers its Node, heartbeats stop coming).

use serde_json::{Value, json};

use crate::api::quantity;
use crate::bootstrap::{Machine, node_object};
use crate::cluster::Output;
use crate::controllers::kind;
use crate::kubectl::printers::table::align;
use crate::sim::Sim;
use crate::store::DeleteOptions;

pub const HELP: &str = "\
Sandbox commands (the cluster owner's hands; not part of kubectl):
  kubeplay node list                 machines and whether their kubelet runs
  kubeplay node add NAME [--cpu=8] [--memory=16Gi] [--pods=110]
                [--label=KEY=VALUE]... [--taint=KEY[=VALUE]:EFFECT]...
                                     a new machine joins the cluster as a node
  kubeplay node stop NAME            stop the kubelet (like `systemctl stop kubelet`): containers
                                     keep running, but the node stops reporting
  kubeplay node start NAME           start the kubelet again
  kubeplay node remove NAME          the machine is gone for good (its Node object is deleted)
  kubeplay why pod NAME [-n NAMESPACE]
                                     how the scheduler judges each node for the pod: the filter
                                     that rejects it, or its scores plugin by plugin
  kubeplay addon enable|disable metrics-server
                                     install (or remove) metrics-server, as kind users do, with
                                     --kubelet-insecure-tls; `kubectl top` and HPAs need it
  kubeplay addon list                the add-ons and whether they are enabled
";

/// Runs `kubeplay <args>`; `namespace` is the shell's current namespace.
pub fn run(args: &[String], sim: &mut Sim, namespace: &str) -> Output {
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match words.as_slice() {
        [] | ["help" | "--help" | "-h"] => Ok(format!(
            "{HELP}{}{}",
            crate::load::USAGE,
            crate::network::outside::HELP
        )),
        ["addon", "enable", name] => crate::addons::enable(name, sim),
        ["addon", "disable", name] => crate::addons::disable(name, sim),
        ["addon"] | ["addon", "list"] => Ok(crate::addons::list(sim)),
        ["load", rest @ ..] => crate::load::run(rest, sim, namespace),
        ["node", "list"] => Ok(list(sim)),
        ["node", "add", name, flags @ ..] => add(name, flags, sim),
        ["node", "stop", name] => power(name, false, sim),
        ["node", "start", name] => power(name, true, sim),
        ["node", "remove", name] => remove(name, sim),
        ["why", "pod" | "pods" | "po", rest @ ..] => why(rest, sim, namespace),
        ["curl", rest @ ..] => {
            let (stdout, stderr, exit_code) = crate::network::outside::curl(rest, sim);
            return Output {
                stdout,
                stderr,
                exit_code,
            };
        }
        ["trace"] => crate::network::outside::last(sim),
        ["why", ..] => Err(
            "kubeplay: usage: kubeplay why pod NAME [-n NAMESPACE] (only pods are scheduled)\n"
                .to_string(),
        ),
        _ => Err(format!(
            "kubeplay: unknown sandbox command \"{}\"\n\n{HELP}{}",
            words.join(" "),
            crate::load::USAGE
        )),
    };
    match result {
        Ok(text) => Output::ok(text),
        Err(message) => Output::error(message, 1),
    }
}

/// `kubeplay why pod NAME [-n NAMESPACE]`: the scheduler's reasoning, recomputed now.
fn why(args: &[&str], sim: &Sim, namespace: &str) -> Result<String, String> {
    let mut namespace = namespace.to_string();
    let mut name = None;
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match *word {
            "-n" | "--namespace" => {
                namespace = words
                    .next()
                    .ok_or("kubeplay: -n wants a namespace\n")?
                    .to_string();
            }
            w if w.starts_with("--namespace=") => {
                namespace = w.trim_start_matches("--namespace=").to_string();
            }
            w if name.is_none() && !w.starts_with('-') => name = Some(w),
            other => return Err(format!("kubeplay: unexpected \"{other}\"\n\n{HELP}")),
        }
    }
    let name = name.ok_or_else(|| format!("kubeplay: which pod?\n\n{HELP}"))?;
    crate::scheduler::explain::explain(&sim.store, &namespace, name)
        .map(|e| e.to_text())
        .ok_or_else(|| {
            format!("kubeplay: there is no pod \"{name}\" in namespace \"{namespace}\"\n")
        })
}

fn node_names(sim: &Sim) -> Vec<String> {
    sim.store
        .list(kind("", "Node"), None)
        .map(|n| crate::api::meta::name(n).to_string())
        .collect()
}

fn list(sim: &Sim) -> String {
    let mut lines = vec![vec!["MACHINE".to_string(), "KUBELET".to_string()]];
    for name in node_names(sim) {
        let state = if sim.kubelet_running(&name) {
            "running"
        } else {
            "stopped"
        };
        lines.push(vec![name, state.into()]);
    }
    align(&lines)
}

fn existing(name: &str, sim: &Sim) -> Result<(), String> {
    if sim.store.get(kind("", "Node"), "", name).is_ok() {
        Ok(())
    } else {
        Err(format!(
            "kubeplay: there is no node \"{name}\" (see `kubectl get nodes`)\n"
        ))
    }
}

fn power(name: &str, running: bool, sim: &mut Sim) -> Result<String, String> {
    existing(name, sim)?;
    if sim.kubelet_running(name) == running {
        let state = if running { "running" } else { "stopped" };
        return Ok(format!(
            "kubeplay: the kubelet on {name} is already {state}\n"
        ));
    }
    sim.set_kubelet_running(name, running);
    Ok(if running {
        format!("kubeplay: started the kubelet on {name}; it reports to the control plane again\n")
    } else {
        format!(
            "kubeplay: stopped the kubelet on {name}; its containers keep running, but without heartbeats the node turns NotReady after 50s\n"
        )
    })
}

fn remove(name: &str, sim: &mut Sim) -> Result<String, String> {
    existing(name, sim)?;
    sim.store
        .delete(kind("", "Node"), "", name, DeleteOptions::default())
        .map_err(|e| format!("kubeplay: {e}\n"))?;
    sim.set_kubelet_running(name, true);
    Ok(format!(
        "kubeplay: machine {name} removed; node/{name} deleted (pods bound to it are collected after 40s)\n"
    ))
}

fn add(name: &str, flags: &[&str], sim: &mut Sim) -> Result<String, String> {
    if !is_dns_subdomain(name) {
        return Err(format!(
            "kubeplay: \"{name}\" is not a valid node name (lowercase letters, digits, '-' and '.')\n"
        ));
    }
    if sim.store.get(kind("", "Node"), "", name).is_ok() {
        return Err(format!("kubeplay: node \"{name}\" already exists\n"));
    }
    let (ip, pod_cidr) = next_addresses(sim);
    let mut machine = Machine::new(name, &ip, &pod_cidr, false);
    let mut flags = flags.iter();
    while let Some(flag) = flags.next() {
        let (key, value) = match flag.split_once('=') {
            Some((k, v)) if flag.starts_with("--") => (k, v.to_string()),
            _ => (
                *flag,
                flags.next().map(|v| v.to_string()).unwrap_or_default(),
            ),
        };
        match key {
            "--cpu" => machine.cpu = checked_quantity(&value, "--cpu")?,
            "--pods" => machine.pods = checked_quantity(&value, "--pods")?,
            "--memory" => {
                let bytes = quantity::parse_milli(&value)
                    .filter(|m| *m > 0)
                    .ok_or_else(|| format!("kubeplay: invalid --memory \"{value}\"\n"))?
                    / 1000;
                machine.memory = format!("{}Ki", bytes / 1024);
            }
            "--label" => {
                let (k, v) = value.split_once('=').ok_or_else(|| {
                    format!("kubeplay: --label wants KEY=VALUE, got \"{value}\"\n")
                })?;
                machine.labels.push((k.into(), v.into()));
            }
            "--taint" => machine.taints.push(parse_taint(&value)?),
            other => return Err(format!("kubeplay: unknown flag \"{other}\"\n\n{HELP}")),
        }
    }
    let node = node_object(&machine, sim.now());
    sim.store
        .create(kind("", "Node"), node)
        .map_err(|e| format!("kubeplay: {e}\n"))?;
    sim.settle();
    Ok(format!(
        "kubeplay: machine {name} ({} CPU, {} memory, IP {ip}) joined the cluster as node/{name}\n",
        machine.cpu, machine.memory
    ))
}

fn checked_quantity(value: &str, flag: &str) -> Result<String, String> {
    match quantity::parse_milli(value) {
        Some(m) if m > 0 => Ok(value.to_string()),
        _ => Err(format!("kubeplay: invalid {flag} \"{value}\"\n")),
    }
}

/// `KEY[=VALUE]:EFFECT`, as `kubectl taint` spells a taint.
fn parse_taint(spec: &str) -> Result<Value, String> {
    let invalid = || format!("kubeplay: invalid taint \"{spec}\": want KEY[=VALUE]:EFFECT\n");
    let (key_value, effect) = spec.rsplit_once(':').ok_or_else(invalid)?;
    if !matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
        return Err(invalid());
    }
    let (key, value) = key_value.split_once('=').unwrap_or((key_value, ""));
    if key.is_empty() {
        return Err(invalid());
    }
    let mut taint = json!({"key": key, "effect": effect});
    if !value.is_empty() {
        taint["value"] = json!(value);
    }
    Ok(taint)
}

/// The next node IP on kind's 172.18.0.0/16 network and the next /24 of the pod network.
fn next_addresses(sim: &Sim) -> (String, String) {
    let mut last_ip = 1;
    let mut last_subnet = 0;
    for node in sim.store.list(kind("", "Node"), None) {
        let ip = node
            .pointer("/status/addresses/0/address")
            .and_then(Value::as_str)
            .unwrap_or("");
        if let Some(octet) = ip.rsplit('.').next().and_then(|o| o.parse::<u32>().ok()) {
            last_ip = last_ip.max(octet);
        }
        let cidr = crate::api::meta::str_at(node, "/spec/podCIDR");
        if let Some(subnet) = cidr.split('.').nth(2).and_then(|s| s.parse::<u32>().ok()) {
            last_subnet = last_subnet.max(subnet);
        }
    }
    (
        format!("172.18.0.{}", last_ip + 1),
        format!("10.244.{}.0/24", last_subnet + 1),
    )
}

fn is_dns_subdomain(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.ends_with(|c: char| c.is_ascii_alphanumeric())
}
