//! The sandbox's load generator (`kubeplay load`): CPU work sent to the pods behind a
//! Deployment, ReplicaSet, StatefulSet, ReplicationController or Service, standing in for a
//! client hammering it (the HPA walkthrough's `while true; do wget -q -O- http://php-apache;
//! done`). The demand is a total in millicores, shared evenly by the ready pods the target's
//! selector picks, as a Service spreads requests over its ready endpoints: scaling out lowers
//! each pod's share, and a CPU limit caps what a pod can burn. It lives outside the cluster
//! (in the kubelets' view of usage, [`crate::kubelet::metrics`]); nothing in the API shows it.

use serde_json::{Value, json};

use crate::api::{meta, quantity};
use crate::controllers::kind;
use crate::kubelet::metrics::Load;
use crate::sim::Sim;

pub const USAGE: &str = "  kubeplay load TYPE/NAME --cpu=QUANTITY [-n NAMESPACE]
                                     send CPU work (e.g. --cpu=1 or --cpu=600m in all) to the
                                     pods behind a deployment or service, shared by its ready
                                     pods as a Service spreads requests
  kubeplay load stop TYPE/NAME [-n NAMESPACE]
                                     stop that load
  kubeplay load list                 the loads running
";

/// `kubeplay load ...`.
pub fn run(args: &[&str], sim: &mut Sim, namespace: &str) -> Result<String, String> {
    let mut namespace = namespace.to_string();
    let mut cpu = None;
    let mut words = Vec::new();
    let mut it = args.iter();
    while let Some(word) = it.next() {
        match *word {
            "-n" | "--namespace" => {
                namespace = it
                    .next()
                    .ok_or("kubeplay: -n wants a namespace\n")?
                    .to_string();
            }
            "--cpu" => {
                cpu = Some(
                    it.next()
                        .ok_or("kubeplay: --cpu wants a quantity\n")?
                        .to_string(),
                )
            }
            w if w.starts_with("--namespace=") => {
                namespace = w.trim_start_matches("--namespace=").to_string();
            }
            w if w.starts_with("--cpu=") => cpu = Some(w.trim_start_matches("--cpu=").to_string()),
            w if w.starts_with('-') => {
                return Err(format!("kubeplay: unknown flag \"{w}\"\n\nUsage:\n{USAGE}"));
            }
            w => words.push(w),
        }
    }
    match words.as_slice() {
        ["list"] => Ok(list(sim)),
        ["stop", target] => stop(target, &namespace, sim),
        [target] => {
            let cpu = cpu.ok_or_else(|| {
                format!("kubeplay: how much CPU work? (--cpu=QUANTITY)\n\nUsage:\n{USAGE}")
            })?;
            start(target, &namespace, &cpu, sim)
        }
        _ => Err(format!("kubeplay: usage:\n{USAGE}")),
    }
}

/// `TYPE/NAME` resolved to its kind, the name it is listed under and its pod selector.
fn resolve(target: &str, namespace: &str, sim: &Sim) -> Result<(String, Value), String> {
    let (typed, name) = target
        .split_once('/')
        .ok_or_else(|| format!("kubeplay: name the target as TYPE/NAME (deployment/web, service/web), not \"{target}\"\n"))?;
    let kind = sim
        .store
        .resolve(typed)
        .filter(|k| {
            matches!(
                k.kind,
                "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController" | "Service"
            )
        })
        .ok_or_else(|| {
            format!("kubeplay: load goes to a deployment, replicaset, statefulset, replicationcontroller or service, not \"{typed}\"\n")
        })?;
    let obj = sim.store.get(kind, namespace, name).map_err(|_| {
        format!(
            "kubeplay: there is no {} \"{name}\" in namespace \"{namespace}\"\n",
            kind.singular
        )
    })?;
    let selector = match kind.kind {
        "Service" | "ReplicationController" => {
            let labels = meta::at(obj, "/spec/selector")
                .filter(|s| s.as_object().is_some_and(|m| !m.is_empty()))
                .ok_or_else(|| {
                    format!(
                        "kubeplay: {}/{name} has no selector: no pods to send work to\n",
                        kind.singular
                    )
                })?;
            json!({"matchLabels": labels})
        }
        _ => meta::at(obj, "/spec/selector")
            .cloned()
            .unwrap_or(Value::Null),
    };
    Ok((format!("{}/{name}", kind.singular), selector))
}

fn key(namespace: &str, target: &str) -> String {
    format!("{namespace}/{target}")
}

fn start(target: &str, namespace: &str, cpu: &str, sim: &mut Sim) -> Result<String, String> {
    let millis = quantity::parse_milli(cpu)
        .filter(|m| *m > 0)
        .ok_or_else(|| format!("kubeplay: invalid --cpu \"{cpu}\" (a CPU quantity: 1, 500m)\n"))?
        as i64;
    let (target, selector) = resolve(target, namespace, sim)?;
    let load = Load {
        namespace: namespace.to_string(),
        target: target.clone(),
        selector,
        millis,
    };
    let ready = sim
        .store
        .list(kind("", "Pod"), Some(namespace))
        .filter(|p| {
            crate::controllers::is_pod_ready(p)
                && crate::api::selector::matches(Some(&load.selector), meta::labels(p))
        })
        .count();
    let replaced = sim
        .kubelet_call(None, |k, _, _| {
            k.set_load(&key(namespace, &target), Some(load))
        })
        .unwrap_or(false);
    let verb = if replaced { "now sending" } else { "sending" };
    Ok(format!(
        "kubeplay: {verb} {millis}m of CPU work to {target} in {namespace}, shared by its ready pods ({ready} now)\n"
    ))
}

fn stop(target: &str, namespace: &str, sim: &mut Sim) -> Result<String, String> {
    // The target may be gone already; its load is stopped by name.
    let name = match resolve(target, namespace, sim) {
        Ok((name, _)) => name,
        Err(_) => target.to_string(),
    };
    let stopped = sim
        .kubelet_call(None, |k, _, _| k.set_load(&key(namespace, &name), None))
        .unwrap_or(false);
    if stopped {
        Ok(format!(
            "kubeplay: stopped the load on {name} in {namespace}\n"
        ))
    } else {
        Err(format!(
            "kubeplay: no load is running on {name} in {namespace}\n"
        ))
    }
}

fn list(sim: &mut Sim) -> String {
    let rows: Vec<Vec<String>> = sim
        .kubelet_call(None, |k, _, _| {
            k.loads()
                .values()
                .map(|l| {
                    vec![
                        l.namespace.clone(),
                        l.target.clone(),
                        format!("{}m", l.millis),
                    ]
                })
                .collect()
        })
        .unwrap_or_default();
    if rows.is_empty() {
        return "kubeplay: no load is running\n".into();
    }
    let mut lines = vec![vec!["NAMESPACE".to_string(), "TARGET".into(), "CPU".into()]];
    lines.extend(rows);
    crate::kubectl::printers::table::align(&lines)
}
