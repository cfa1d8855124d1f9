//! `kubectl create`: objects built on the client from flags (`create deployment`,
//! `create namespace`), or read from files (`create -f`), then sent to the API server — or
//! printed, with `--dry-run=client -o yaml`, byte for byte as kubectl v1.35 prints them.

use serde_json::{Value, json};

use super::args::{self, Flag, Parsed, switch, value};
use super::printers::yaml;
use super::shell::Shell;
use super::{dry_run, errors, namespace_of, object_name};
use crate::cluster::Output;
use crate::sim::Sim;

const DEPLOYMENT_FLAGS: &[Flag] = &[
    value("image", None),
    value("replicas", Some('r')),
    value("port", None),
    value("dry-run", None),
    value("output", Some('o')),
    value("field-manager", None),
    switch("save-config", None),
    value("validate", None),
];

const NAMESPACE_FLAGS: &[Flag] = &[
    value("dry-run", None),
    value("output", Some('o')),
    switch("save-config", None),
];

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let Some((sub, rest)) = words.split_first() else {
        return Err("error: must specify one of -f and -k\n\nerror: unknown command \"\" for \"kubectl create\"".into());
    };
    match sub.as_str() {
        "deployment" | "deploy" => {
            let parsed = args::parse(rest, DEPLOYMENT_FLAGS, "kubectl create deployment")?;
            let obj = deployment(&parsed, sim)?;
            send(obj, &parsed, shell, sim)
        }
        "job" => super::create_batch::job(rest, shell, sim),
        "cronjob" | "cj" => super::create_batch::cron_job(rest, shell, sim),
        "namespace" | "ns" => {
            let parsed = args::parse(rest, NAMESPACE_FLAGS, "kubectl create namespace")?;
            let name = exactly_one_name(&parsed, "kubectl create namespace")?;
            send(
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}, "spec": {}, "status": {}}),
                &parsed,
                shell,
                sim,
            )
        }
        "-f" | "--filename" => super::apply::create_from_files(words, shell, sim),
        other if other.starts_with("-f") || other.starts_with("--filename=") => {
            super::apply::create_from_files(words, shell, sim)
        }
        other => Err(format!(
            "error: \"kubectl create {other}\" is not available in this sandbox yet"
        )),
    }
}

pub(super) fn exactly_one_name(parsed: &Parsed, command: &str) -> Result<String, String> {
    match parsed.args.as_slice() {
        [name] => Ok(name.clone()),
        other => Err(format!(
            "error: exactly one NAME is required, got {}\nSee '{command} -h' for help and examples",
            other.len()
        )),
    }
}

/// The Deployment `kubectl create deployment` builds: label `app=NAME`, one container per
/// `--image` named after the image, optional port and command.
fn deployment(parsed: &Parsed, sim: &mut Sim) -> Result<Value, String> {
    let name = exactly_one_name(parsed, "kubectl create deployment")?;
    let images = parsed.all("image");
    if images.is_empty() {
        return Err("error: required flag(s) \"image\" not set".into());
    }
    let command = parsed.after_dash.clone().unwrap_or_default();
    if images.len() > 1 && !command.is_empty() {
        return Err("error: cannot specify multiple --image options and command".into());
    }
    let replicas = match parsed.get("replicas") {
        None => 1,
        Some(r) => r.parse::<i64>().map_err(|_| {
            format!("error: invalid argument \"{r}\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"{r}\": invalid syntax\nSee 'kubectl create deployment --help' for usage.")
        })?,
    };
    let port = match parsed.get("port") {
        None => None,
        Some(p) => Some(p.parse::<i64>().map_err(|_| {
            format!("error: invalid argument \"{p}\" for \"--port\" flag: strconv.ParseInt: parsing \"{p}\": invalid syntax\nSee 'kubectl create deployment --help' for usage.")
        })?),
    };
    let containers: Vec<Value> = images
        .iter()
        .map(|image| {
            let mut c =
                json!({"image": image, "name": container_name(image, sim), "resources": {}});
            if !command.is_empty() {
                c["command"] = json!(command);
            }
            if let Some(p) = port.filter(|p| *p >= 0) {
                c["ports"] = json!([{"containerPort": p}]);
            }
            c
        })
        .collect();
    Ok(json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"labels": {"app": name}, "name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "strategy": {},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": containers},
            },
        },
        "status": {},
    }))
}

/// The container name kubectl derives from an image: its last path part without tag or
/// digest; underscores become dashes plus a random suffix, to stay a valid name.
fn container_name(image: &str, sim: &mut Sim) -> String {
    let last = image.rsplit('/').next().unwrap_or(image);
    let base = last.split(['@', ':']).next().unwrap_or(last);
    if base.contains('_') {
        format!("{}-{}", base.replace('_', "-"), sim.store.rng().suffix(5))
    } else {
        base.to_string()
    }
}

/// Creates a client-built object, or prints it for `--dry-run=client`.
pub(super) fn send(
    mut obj: Value,
    parsed: &Parsed,
    shell: &Shell,
    sim: &mut Sim,
) -> Result<Output, String> {
    let kind_name = obj
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let api_version = obj
        .get("apiVersion")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let kind = sim
        .store
        .kind_for(&api_version, &kind_name)
        .ok_or("error: internal: unknown kind")?;
    let name = obj
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let output = parsed.get("output").unwrap_or("");
    let mode = dry_run(parsed)?;
    if mode == "client" {
        if kind.namespaced && parsed.is_set("namespace") {
            obj["metadata"]["namespace"] = json!(namespace_of(parsed, shell));
        }
        return Ok(print_result(&obj, kind, &name, output, "created (dry run)"));
    }
    if kind.namespaced {
        obj["metadata"]["namespace"] = json!(namespace_of(parsed, shell));
    }
    let created = sim
        .store
        .create(kind, obj)
        .map_err(|s| errors::render(&s))?;
    let suffix = if mode == "server" {
        "created (server dry run)"
    } else {
        "created"
    };
    Ok(print_result(&created, kind, &name, output, suffix))
}

/// `-o yaml|json|name`, or the `kind/name created` line.
pub fn print_result(
    obj: &Value,
    kind: &crate::api::Kind,
    name: &str,
    output: &str,
    verb: &str,
) -> Output {
    match output {
        "yaml" => Output::ok(yaml::to_yaml(obj)),
        "json" => Output::ok(format!(
            "{}\n",
            serde_json::to_string_pretty(obj).unwrap_or_default()
        )),
        "name" => Output::ok(format!("{}\n", object_name(kind, name))),
        _ => Output::ok(format!("{} {verb}\n", object_name(kind, name))),
    }
}
