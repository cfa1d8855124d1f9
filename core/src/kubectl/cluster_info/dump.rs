//! `kubectl cluster-info dump`: the nodes, then for `kube-system` and the current namespace (or
//! `--namespaces`, or every one with `-A`) the events, replication controllers, services,
//! daemon sets, deployments, replica sets and pods as the API server lists them, and every
//! container's log between `==== START logs ...` and `==== END logs ...` lines — in upstream's
//! order. JSON by default (`-o yaml` too). With `--output-directory DIR` each list goes to its
//! own file in the shell's file system (`DIR/nodes.json`, `DIR/NS/pods.json`,
//! `DIR/NS/POD/logs.txt`) instead of the terminal.

use serde_json::{Value, json};

use super::super::args::{self, Flag, switch, value};
use super::super::get::render_structured;
use super::super::logs;
use super::super::shell::Shell;
use crate::api::{Kind, meta};
use crate::cluster::Output;
use crate::controllers::kind;
use crate::kubelet::logs::Query;
use crate::sim::Sim;

pub(crate) const FLAGS: &[Flag] = &[
    switch("all-namespaces", Some('A')),
    switch("allow-missing-template-keys", None),
    value("namespaces", None),
    value("output", Some('o')),
    value("output-directory", None),
    value("pod-running-timeout", None),
    switch("show-managed-fields", None),
    value("template", None),
];

/// What each namespace's dump lists, in order, with its file name.
const PER_NAMESPACE: &[(&str, &str, &str)] = &[
    ("", "Event", "events"),
    ("", "ReplicationController", "replication-controllers"),
    ("", "Service", "services"),
    ("apps", "DaemonSet", "daemonsets"),
    ("apps", "Deployment", "deployments"),
    ("apps", "ReplicaSet", "replicasets"),
    ("", "Pod", "pods"),
];

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, FLAGS, "kubectl cluster-info dump")?;
    let format = parsed.get("output").unwrap_or("json");
    let extension = match format {
        "json" => ".json",
        "yaml" => ".yaml",
        "kyaml" | "name" | "go-template" | "go-template-file" | "template" | "templatefile"
        | "jsonpath" | "jsonpath-as-json" | "jsonpath-file" => {
            return Err(format!(
                "error: \"kubectl cluster-info dump -o {format}\" is not available in this sandbox yet"
            ));
        }
        other => {
            return Err(format!(
                "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,yaml"
            ));
        }
    };
    let managed_fields = parsed.switch("show-managed-fields");
    let directory = parsed
        .get("output-directory")
        .filter(|d| !d.is_empty() && *d != "-")
        .map(|d| d.trim_end_matches('/').to_string());
    let namespaces: Vec<String> = if parsed.switch("all-namespaces") {
        let ns = kind("", "Namespace");
        sim.store
            .list(ns, None)
            .map(|n| meta::name(n).to_string())
            .collect()
    } else {
        match parsed.get("namespaces").filter(|n| !n.is_empty()) {
            Some(list) => list.split(',').map(str::to_string).collect(),
            None => vec![
                "kube-system".to_string(),
                super::super::namespace_of(&parsed, shell),
            ],
        }
    };

    let mut dump = Dump {
        shell,
        directory,
        stdout: String::new(),
    };
    let resource_version = sim.store.resource_version().to_string();
    let render = |kind: &Kind, items: Vec<Value>| {
        render_structured(
            format,
            &list(kind, items, managed_fields, &resource_version),
        )
    };
    let node = kind("", "Node");
    dump.write("nodes", extension, render(node, listed(sim, node, None)?));
    for namespace in &namespaces {
        for (group, name, file) in PER_NAMESPACE {
            let kind = kind(group, name);
            let items = listed(sim, kind, Some(namespace))?;
            dump.write(
                &format!("{namespace}/{file}"),
                extension,
                render(kind, items),
            );
        }
        let pods = listed(sim, kind("", "Pod"), Some(namespace))?;
        for pod in &pods {
            let text = pod_logs(sim, pod);
            dump.write(
                &format!("{namespace}/{}/logs", meta::name(pod)),
                ".txt",
                text,
            );
        }
    }
    if let Some(dir) = &dump.directory {
        dump.stdout
            .push_str(&format!("Cluster info dumped to {dir}\n"));
    }
    Ok(Output::ok(dump.stdout))
}

/// Where the pieces go: the terminal, or files under a directory.
struct Dump<'a> {
    shell: &'a mut Shell,
    directory: Option<String>,
    stdout: String,
}

impl Dump<'_> {
    fn write(&mut self, name: &str, extension: &str, text: String) {
        match &self.directory {
            Some(dir) => {
                self.shell
                    .files
                    .insert(format!("{dir}/{name}{extension}"), text);
            }
            None => self.stdout.push_str(&text),
        }
    }
}

/// The objects of a kind the requester may list.
fn listed(sim: &Sim, kind: &Kind, namespace: Option<&str>) -> Result<Vec<Value>, String> {
    sim.store
        .authorize_list(kind, namespace)
        .map_err(|status| super::super::errors::render(&status).trim_end().to_string())?;
    Ok(sim.store.list(kind, namespace).cloned().collect())
}

/// A typed list as the API server returns it: `KindList`, whose items carry no `kind` or
/// `apiVersion` of their own.
fn list(kind: &Kind, items: Vec<Value>, managed_fields: bool, resource_version: &str) -> Value {
    let items: Vec<Value> = items
        .into_iter()
        .map(|mut item| {
            if let Some(o) = item.as_object_mut() {
                o.remove("kind");
                o.remove("apiVersion");
            }
            if !managed_fields
                && let Some(m) = item.get_mut("metadata").and_then(Value::as_object_mut)
            {
                m.remove("managedFields");
            }
            item
        })
        .collect();
    let api_version = if kind.group.is_empty() {
        kind.version.to_string()
    } else {
        format!("{}/{}", kind.group, kind.version)
    };
    json!({
        "kind": format!("{}List", kind.kind),
        "apiVersion": api_version,
        "metadata": {"resourceVersion": resource_version},
        "items": items,
    })
}

/// Every container's log (init containers first), framed as upstream frames it.
fn pod_logs(sim: &mut Sim, pod: &Value) -> String {
    let (namespace, name) = (meta::namespace(pod), meta::name(pod));
    let mut out = String::new();
    for list in ["/spec/initContainers", "/spec/containers"] {
        for container in pod
            .pointer(list)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let container = meta::str_at(container, "/name");
            out.push_str(&format!(
                "==== START logs for container {container} of pod {namespace}/{name} ====\n"
            ));
            match logs::read(sim, pod, container, false, &Query::default()) {
                Ok(text) => out.push_str(&text),
                Err(e) => out.push_str(&format!("Request log error: {e}\n")),
            }
            out.push_str(&format!(
                "==== END logs for container {container} of pod {namespace}/{name} ====\n"
            ));
        }
    }
    out
}
