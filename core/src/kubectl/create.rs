//! `kubectl create`: objects built on the client from flags (`create deployment`,
//! `create namespace`), or read from files (`create -f`), then sent to the API server — or
//! printed, with `--dry-run=client -o yaml`, byte for byte as kubectl v1.35 prints them.

use serde_json::{Value, json};

use super::args::{self, Flag, Parsed, switch, value};
use super::printers::yaml;
use super::shell::Shell;
use super::{create_config, create_misc, create_rbac, create_service};
use super::{dry_run, errors, namespace_of, object_name};
use crate::cluster::Output;
use crate::sim::Sim;

pub(crate) const DEPLOYMENT_FLAGS: &[Flag] = &[
    value("image", None),
    value("replicas", Some('r')),
    value("port", None),
    value("dry-run", None),
    value("output", Some('o')),
    value("field-manager", None),
    switch("save-config", None),
    value("validate", None),
    switch("show-managed-fields", None),
];

pub(crate) const NAMESPACE_FLAGS: &[Flag] = &[
    value("dry-run", None),
    value("output", Some('o')),
    switch("save-config", None),
    value("field-manager", None),
    switch("show-managed-fields", None),
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
        "configmap" | "cm" => {
            let parsed = parse_generator(
                rest,
                create_config::CONFIGMAP_FLAGS,
                "kubectl create configmap",
            )?;
            let name = exactly_one_name(&parsed, "kubectl create configmap")?;
            let obj = create_config::configmap(&name, &parsed, shell)?;
            send(obj, &parsed, shell, sim)
        }
        "secret" => secret(rest, shell, sim),
        "service" | "svc" => {
            let Some((type_, rest)) = rest.split_first() else {
                return Err(SERVICE_USAGE.into());
            };
            let command = format!("kubectl create service {type_}");
            let parsed = parse_generator(rest, create_service::FLAGS, &command)?;
            let name = exactly_one_name(&parsed, &command)?;
            let obj = create_service::service(type_, &name, &parsed)?;
            send(obj, &parsed, shell, sim)
        }
        "serviceaccount" | "sa" => {
            let parsed = parse_generator(rest, &[], "kubectl create serviceaccount")?;
            let name = exactly_one_name(&parsed, "kubectl create serviceaccount")?;
            send(create_rbac::serviceaccount(&name), &parsed, shell, sim)
        }
        "role" | "clusterrole" => {
            let command = format!("kubectl create {sub}");
            let parsed = parse_generator(rest, create_rbac::ROLE_FLAGS, &command)?;
            let name = exactly_one_name(&parsed, &command)?;
            let (obj, warnings) = create_rbac::role(sub == "clusterrole", &name, &parsed)?;
            let mut out = send(obj, &parsed, shell, sim)?;
            out.stderr.insert_str(0, &warnings);
            Ok(out)
        }
        "rolebinding" | "clusterrolebinding" => {
            let command = format!("kubectl create {sub}");
            let cluster = sub == "clusterrolebinding";
            let flags = if cluster {
                create_rbac::CLUSTER_BINDING_FLAGS
            } else {
                create_rbac::BINDING_FLAGS
            };
            let parsed = parse_generator(rest, flags, &command)?;
            let name = exactly_one_name(&parsed, &command)?;
            let obj = create_rbac::binding(cluster, &name, &parsed)?;
            send(obj, &parsed, shell, sim)
        }
        "quota" | "resourcequota" => {
            let parsed = parse_generator(rest, create_misc::QUOTA_FLAGS, "kubectl create quota")?;
            let name = exactly_one_name(&parsed, "kubectl create quota")?;
            send(create_misc::quota(&name, &parsed)?, &parsed, shell, sim)
        }
        "priorityclass" | "pc" => {
            let parsed = parse_generator(
                rest,
                create_misc::PRIORITYCLASS_FLAGS,
                "kubectl create priorityclass",
            )?;
            let name = exactly_one_name(&parsed, "kubectl create priorityclass")?;
            send(
                create_misc::priority_class(&name, &parsed)?,
                &parsed,
                shell,
                sim,
            )
        }
        "ingress" | "ing" => {
            let parsed =
                parse_generator(rest, create_misc::INGRESS_FLAGS, "kubectl create ingress")?;
            let name = exactly_one_name(&parsed, "kubectl create ingress")?;
            send(create_misc::ingress(&name, &parsed)?, &parsed, shell, sim)
        }
        "poddisruptionbudget" | "pdb" => super::create_pdb::run(rest, shell, sim),
        "-f" | "--filename" => super::apply::create_from_files(words, shell, sim),
        other if other.starts_with("-f") || other.starts_with("--filename=") => {
            super::apply::create_from_files(words, shell, sim)
        }
        other => Err(format!(
            "error: \"kubectl create {other}\" is not available in this sandbox yet"
        )),
    }
}

const SERVICE_USAGE: &str = "Create a service using a specified subcommand.\n\nAliases:\nservice, svc\n\nAvailable Commands:\n  clusterip      Create a ClusterIP service\n  externalname   Create an ExternalName service\n  loadbalancer   Create a LoadBalancer service\n  nodeport       Create a NodePort service\n\nUsage:\n  kubectl create service [flags] [options]\n\nUse \"kubectl create service <command> --help\" for more information about a given command.\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\n";

const SECRET_USAGE: &str = "Create a secret with specified type.\n\n A docker-registry type secret is for accessing a container registry.\n\n A generic type secret indicate an Opaque secret type.\n\n A tls type secret holds TLS certificate and its associated key.\n\nAvailable Commands:\n  docker-registry   Create a secret for use with a Docker registry\n  generic           Create a secret from a local file, directory, or literal value\n  tls               Create a TLS secret\n\nUsage:\n  kubectl create secret (docker-registry | generic | tls) [options]\n\nUse \"kubectl create secret <command> --help\" for more information about a given command.\nUse \"kubectl options\" for a list of global command-line options (applies to all commands).\n";

type SecretBuilder = fn(&str, &Parsed, &Shell) -> Result<Value, String>;

/// `kubectl create secret generic|tls|docker-registry NAME ...`.
fn secret(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let Some((type_, rest)) = words.split_first() else {
        return Ok(Output::ok(SECRET_USAGE));
    };
    let (flags, build): (&[Flag], SecretBuilder) = match type_.as_str() {
        "generic" => (
            create_config::SECRET_GENERIC_FLAGS,
            create_config::secret_generic,
        ),
        "tls" => (create_config::SECRET_TLS_FLAGS, create_config::secret_tls),
        "docker-registry" => (
            create_config::SECRET_DOCKER_FLAGS,
            create_config::secret_docker_registry,
        ),
        _ => {
            // cobra reads the flags before it looks for the subcommand.
            if let Some(flag) = words.iter().find(|w| w.starts_with("--")) {
                let flag = flag.split('=').next().unwrap_or(flag);
                return Err(format!(
                    "error: unknown flag: {flag}\nSee 'kubectl create secret --help' for usage."
                ));
            }
            return Err(format!(
                "error: unknown command \"{}\"\nSee 'kubectl create secret -h' for help and examples",
                words.join(" ")
            ));
        }
    };
    let command = format!("kubectl create secret {type_}");
    let parsed = parse_generator(rest, flags, &command)?;
    let name = exactly_one_name(&parsed, &command)?;
    let obj = build(&name, &parsed, shell)?;
    send(obj, &parsed, shell, sim)
}

/// Flags every `create` generator takes besides its own.
pub(crate) const GENERATOR_FLAGS: &[Flag] = &[
    value("dry-run", None),
    value("output", Some('o')),
    switch("save-config", None),
    value("validate", None),
    value("field-manager", None),
];

/// Parses a generator's line: its own flags and the shared ones.
pub(super) fn parse_generator(
    words: &[String],
    flags: &[Flag],
    command: &str,
) -> Result<Parsed, String> {
    args::parse_tables(words, &[flags, GENERATOR_FLAGS], command)
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
    sim.store
        .set_manager(parsed.get("field-manager").unwrap_or("kubectl-create"));
    let created = sim
        .store
        .create(kind, obj)
        .map_err(|s| create_error(kind.kind, &s))?;
    let suffix = if mode == "server" {
        "created (server dry run)"
    } else {
        "created"
    };
    let shown = super::get::without_managed_fields(&created, parsed.switch("show-managed-fields"));
    let name = match crate::api::meta::name(&created) {
        "" => name.as_str(),
        created => created,
    };
    Ok(print_result(&shown, kind, name, output, suffix))
}

/// How `kubectl create <kind>` reports a refused create: most generators wrap the API error
/// (`failed to create deployment: %v`), which then prints as a plain error with the server's
/// message; the others print it as kubectl prints any API error.
fn create_error(kind: &str, status: &crate::api::Status) -> String {
    let wrap = match kind {
        "Deployment" => "failed to create deployment: ",
        "ConfigMap" => "failed to create configmap: ",
        "Job" => "failed to create job: ",
        "CronJob" => "failed to create cronjob: ",
        "Ingress" => "failed to create ingress: ",
        "PodDisruptionBudget" => "failed to create poddisruptionbudgets: ",
        "PriorityClass" => "failed to create priorityclass: ",
        "ResourceQuota" => "failed to create quota: ",
        "Secret" => "failed to create secret ",
        "RoleBinding" => "failed to create rolebinding: ",
        "ClusterRoleBinding" => "failed to create clusterrolebinding: ",
        "ServiceAccount" => "failed to create serviceaccount: ",
        _ => return errors::render(status),
    };
    format!("error: {wrap}{}", status.message)
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
        // kubectl's JSON printer indents by four spaces, as `get -o json` does.
        "json" => Output::ok(super::get::render_structured("json", obj)),
        "name" => Output::ok(format!("{}\n", object_name(kind, name))),
        o if o.starts_with("jsonpath=") || o.contains("template=") => {
            // The same printers as `get`; templates given inline (files need the shell).
            match super::get::format(o, &super::shell::Shell::default()) {
                Ok(super::get::Format::JsonPath(t)) => Output::ok(t.render(obj)),
                Ok(super::get::Format::GoTemplate(t)) => match t.render(obj) {
                    Ok(text) => Output::ok(text),
                    Err(e) => Output::error(format!("{e}\n"), 1),
                },
                Ok(_) => Output::ok(format!("{} {verb}\n", object_name(kind, name))),
                Err(e) => Output::error(format!("{e}\n"), 1),
            }
        }
        _ => Output::ok(format!("{} {verb}\n", object_name(kind, name))),
    }
}
