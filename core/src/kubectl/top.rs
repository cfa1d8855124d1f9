//! `kubectl top pod|node`: resource usage from the metrics API (metrics-server), printed as
//! kubectl's `TopCmdPrinter` does: `NAME CPU(cores) MEMORY(bytes)` for pods (with `POD` and
//! per-container rows under `--containers`, `NAMESPACE` under `-A`, a `--sum` line), and
//! `NAME CPU(cores) CPU(%) MEMORY(bytes) MEMORY(%)` for nodes against their allocatable (or
//! capacity with `--show-capacity`). Errors are kubectl's and the aggregated API's:
//! `Metrics API not available`, `metrics not available yet`, `podmetrics.metrics.k8s.io ...
//! not found`.

use serde_json::Value;

use super::args::{self, Flag, switch, value};
use super::namespace_of;
use super::printers::table::align;
use super::shell::Shell;
use crate::api::{meta, quantity};
use crate::cluster::Output;
use crate::controllers::kind;
use crate::kubelet::metrics::{self, Scrapes, Unavailable, Usage};
use crate::sim::Sim;
use crate::time::Time;

pub(crate) const POD_FLAGS: &[Flag] = &[
    switch("all-namespaces", Some('A')),
    value("selector", Some('l')),
    value("field-selector", None),
    value("sort-by", None),
    switch("containers", None),
    switch("no-headers", None),
    switch("sum", None),
    switch("show-swap", None),
    switch("use-protocol-buffers", None),
];

pub(crate) const NODE_FLAGS: &[Flag] = &[
    value("selector", Some('l')),
    value("sort-by", None),
    switch("no-headers", None),
    switch("show-capacity", None),
    switch("show-swap", None),
    switch("use-protocol-buffers", None),
];

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let Some((sub, rest)) = words.split_first() else {
        return Ok(Output::ok(crate::kubectl::help::of("top")));
    };
    match sub.as_str() {
        "pod" | "pods" | "po" => pods(rest, shell, sim),
        "node" | "nodes" | "no" => nodes(rest, sim),
        "--help" | "-h" => Ok(Output::ok(crate::kubectl::help::of("top"))),
        other => Err(format!(
            "error: unknown command \"{other}\" for \"kubectl top\"\n\nDid you mean this?\n\tnode\n\tpod\n"
        )
        .trim_end()
        .to_string()),
    }
}

/// The metrics API's answer when it cannot serve `resource` (`pods` or `nodes`).
fn unavailable(why: Unavailable, resource: &str) -> String {
    match why {
        Unavailable::NotInstalled => "error: Metrics API not available".into(),
        Unavailable::NotReady => format!(
            "Error from server (ServiceUnavailable): the server is currently unable to handle the request (get {resource}.metrics.k8s.io)"
        ),
    }
}

fn sort_by(parsed: &args::Parsed) -> Result<Option<&str>, String> {
    match parsed.get("sort-by") {
        None | Some("") => Ok(None),
        Some(s @ ("cpu" | "memory")) => Ok(Some(s)),
        Some(_) => Err("error: --sort-by accepts only cpu or memory".into()),
    }
}

fn cpu_cell(u: &Usage) -> String {
    format!("{}m", u.cpu_millis)
}

fn memory_cell(u: &Usage) -> String {
    format!("{}Mi", u.memory_bytes / (1024 * 1024))
}

/// Rows as kubectl's tab writer prints them: every cell ends with a tab, so every column,
/// the last one too, is padded.
fn render(rows: Vec<Vec<String>>) -> String {
    let lines: Vec<Vec<String>> = rows
        .into_iter()
        .map(|mut r| {
            r.push(String::new());
            r
        })
        .collect();
    align(&lines)
}

fn pods(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, POD_FLAGS, "kubectl top pod")?;
    let name = match parsed.args.as_slice() {
        [] => None,
        [n] => Some(n.clone()),
        _ => {
            return Err(
                "error: pod [NAME | -l label]\nSee 'kubectl top pod -h' for help and examples"
                    .into(),
            );
        }
    };
    let sort = sort_by(&parsed)?;
    let selector = parsed.get("selector").filter(|s| !s.is_empty());
    if name.is_some() && (selector.is_some() || parsed.get("field-selector").is_some()) {
        return Err("error: only one of NAME or selector can be provided".into());
    }
    let all = parsed.switch("all-namespaces");
    let namespace = namespace_of(&parsed, shell);
    let now = sim.now();
    let scrapes = metrics::metrics_server(&sim.store, now).map_err(|w| unavailable(w, "pods"))?;
    let label_selector = selector.map(super::get::parse_selector).transpose()?;
    let candidates: Vec<Value> = match &name {
        Some(n) => sim
            .store
            .get(kind("", "Pod"), &namespace, n)
            .ok()
            .cloned()
            .into_iter()
            .collect(),
        None => sim
            .store
            .list(kind("", "Pod"), (!all).then_some(namespace.as_str()))
            .filter(|p| label_selector.as_ref().is_none_or(|s| s.matches(p)))
            .cloned()
            .collect(),
    };
    let mut found: Vec<(Value, Vec<(String, Usage)>)> = Vec::new();
    for pod in candidates {
        if let Some(usage) = sim
            .kubelet_call(None, |kubelet, store, _| {
                kubelet.pod_usage(store, &pod, scrapes)
            })
            .flatten()
        {
            found.push((pod, usage));
        }
    }
    let mut out = Output::default();
    if found.is_empty() {
        if let Some(n) = &name {
            return Err(format!(
                "Error from server (NotFound): podmetrics.metrics.k8s.io \"{namespace}/{n}\" not found"
            ));
        }
        let pods: Vec<Value> = sim
            .store
            .list(kind("", "Pod"), (!all).then_some(namespace.as_str()))
            .filter(|p| label_selector.as_ref().is_none_or(|s| s.matches(p)))
            .cloned()
            .collect();
        if !pods.is_empty() {
            for p in &pods {
                check_pod_age(p, now)?;
            }
            return Err("error: metrics not available yet".into());
        }
        out.stderr = if all {
            "No resources found\n".into()
        } else {
            format!("No resources found in {namespace} namespace.\n")
        };
        return Ok(out);
    }
    let total = |cs: &[(String, Usage)]| {
        let mut t = Usage::default();
        for (_, u) in cs {
            t.add(*u);
        }
        t
    };
    found.sort_by(|(a, ua), (b, ub)| match sort {
        Some("cpu") => total(ub).cpu_millis.cmp(&total(ua).cpu_millis),
        Some(_) => total(ub).memory_bytes.cmp(&total(ua).memory_bytes),
        None => (all.then(|| meta::namespace(a)), meta::name(a))
            .cmp(&(all.then(|| meta::namespace(b)), meta::name(b))),
    });
    let containers = parsed.switch("containers");
    let mut rows: Vec<Vec<String>> = Vec::new();
    if !parsed.switch("no-headers") {
        let mut header = Vec::new();
        if all {
            header.push("NAMESPACE".to_string());
        }
        if containers {
            header.push("POD".to_string());
        }
        header.extend(["NAME", "CPU(cores)", "MEMORY(bytes)"].map(str::to_string));
        rows.push(header);
    }
    let mut sum = Usage::default();
    for (pod, mut usage) in found {
        sum.add(total(&usage));
        let prefix: Vec<String> = if all {
            vec![meta::namespace(&pod).to_string()]
        } else {
            Vec::new()
        };
        if containers {
            usage.sort_by(|(a, ua), (b, ub)| match sort {
                Some("cpu") => ub.cpu_millis.cmp(&ua.cpu_millis),
                Some(_) => ub.memory_bytes.cmp(&ua.memory_bytes),
                None => a.cmp(b),
            });
            for (c, u) in &usage {
                let mut row = prefix.clone();
                row.extend([
                    meta::name(&pod).to_string(),
                    c.clone(),
                    cpu_cell(u),
                    memory_cell(u),
                ]);
                rows.push(row);
            }
        } else {
            let t = total(&usage);
            let mut row = prefix;
            row.extend([meta::name(&pod).to_string(), cpu_cell(&t), memory_cell(&t)]);
            rows.push(row);
        }
    }
    if parsed.switch("sum") {
        let width = 3 + usize::from(all) + usize::from(containers);
        let mut bar = vec![String::new(); width - 2];
        bar.extend(["________".to_string(), "________".to_string()]);
        rows.push(bar);
        let mut line = vec![String::new(); width - 3];
        line.extend([String::new(), cpu_cell(&sum), memory_cell(&sum)]);
        rows.push(line);
    }
    out.stdout = render(rows);
    Ok(out)
}

/// kubectl's `checkPodAge`: a pod older than two minutes without metrics is an error.
fn check_pod_age(pod: &Value, now: Time) -> Result<(), String> {
    let created = meta::at(pod, "/metadata/creationTimestamp")
        .and_then(Value::as_str)
        .and_then(Time::parse_rfc3339)
        .unwrap_or(now);
    let age = now.since(created);
    if age > 2 * 60 * 1000 {
        return Err(format!(
            "error: Metrics not available for pod {}/{}, age: {}",
            meta::namespace(pod),
            meta::name(pod),
            crate::kubelet::runtime::format_go_duration(age)
        ));
    }
    Ok(())
}

fn nodes(words: &[String], sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, NODE_FLAGS, "kubectl top node")?;
    let sort = sort_by(&parsed)?;
    let name =
        match parsed.args.as_slice() {
            [] => None,
            [n] => Some(n.clone()),
            _ => return Err(
                "error: node [NAME | -l label]\nSee 'kubectl top node -h' for help and examples"
                    .into(),
            ),
        };
    let now = sim.now();
    let scrapes: Scrapes =
        metrics::metrics_server(&sim.store, now).map_err(|w| unavailable(w, "nodes"))?;
    let label_selector = parsed
        .get("selector")
        .map(super::get::parse_selector)
        .transpose()?;
    let nodes: Vec<Value> = match &name {
        Some(n) => vec![
            sim.store
                .get(kind("", "Node"), "", n)
                .map_err(|_| {
                    format!(
                        "Error from server (NotFound): nodemetrics.metrics.k8s.io \"{n}\" not found"
                    )
                })?
                .clone(),
        ],
        None => sim
            .store
            .list(kind("", "Node"), None)
            .filter(|n| label_selector.as_ref().is_none_or(|s| s.matches(n)))
            .cloned()
            .collect(),
    };
    // A node is measured once metrics-server has scraped it twice.
    if scrapes.previous < metrics_server_start(sim, scrapes) || nodes.is_empty() {
        return Err("error: metrics not available yet".into());
    }
    let field = if parsed.switch("show-capacity") {
        "capacity"
    } else {
        "allocatable"
    };
    let mut found: Vec<(String, Usage, i128, i128)> = Vec::new();
    for node in &nodes {
        let node_name = meta::name(node).to_string();
        let usage = sim
            .kubelet_call(None, |kubelet, store, _| {
                kubelet.node_usage(store, &node_name, scrapes)
            })
            .unwrap_or_default();
        let avail = |r: &str| {
            node.pointer(&format!("/status/{field}/{r}"))
                .and_then(Value::as_str)
                .and_then(quantity::parse_milli)
                .unwrap_or(0)
        };
        found.push((node_name, usage, avail("cpu"), avail("memory")));
    }
    found.sort_by(|a, b| match sort {
        Some("cpu") => b.1.cpu_millis.cmp(&a.1.cpu_millis),
        Some(_) => b.1.memory_bytes.cmp(&a.1.memory_bytes),
        None => a.0.cmp(&b.0),
    });
    let mut rows: Vec<Vec<String>> = Vec::new();
    if !parsed.switch("no-headers") {
        rows.push(
            ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"]
                .map(str::to_string)
                .to_vec(),
        );
    }
    let percent = |used: i128, available: i128| {
        if available == 0 {
            0
        } else {
            used * 100 / available
        }
    };
    for (name, u, cpu, memory) in found {
        rows.push(vec![
            name,
            cpu_cell(&u),
            format!("{}%", percent(i128::from(u.cpu_millis), cpu)),
            memory_cell(&u),
            format!("{}%", percent(i128::from(u.memory_bytes) * 1000, memory)),
        ]);
    }
    Ok(Output::ok(render(rows)))
}

/// When metrics-server made its first scrape (its container's start).
fn metrics_server_start(sim: &Sim, scrapes: Scrapes) -> Time {
    let first = sim
        .store
        .list(kind("", "Pod"), Some("kube-system"))
        .filter_map(|p| {
            meta::array_at(p, "/status/containerStatuses")
                .first()
                .filter(|_| meta::str_at(p, "/metadata/labels/k8s-app") == "metrics-server")
                .and_then(|c| c.pointer("/state/running/startedAt"))
                .and_then(Value::as_str)
                .and_then(Time::parse_rfc3339)
        })
        .min();
    first.unwrap_or(scrapes.last)
}
