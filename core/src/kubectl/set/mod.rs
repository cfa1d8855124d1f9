//! `kubectl set`: change one aspect of objects in place — container images, environment,
//! resource requirements, a Service's selector, the service account of a pod template.
//!
//! Each subcommand has its own module (upstream's `pkg/cmd/set`); what they share is here:
//! finding the objects (from the API server by `TYPE NAME`, `TYPE/NAME`, `--all`, `-l` or
//! `-f`, or with `--local` only from the files), reaching the pod spec inside each kind
//! (`UpdatePodSpecForObject`), `--record`, and writing the change back and printing the result
//! (`deployment.apps/web image updated`, `-o yaml`, `--dry-run`). A change that changes nothing
//! is not sent and not reported, as kubectl skips empty patches.

pub(crate) mod env;
pub(crate) mod image;
pub(crate) mod resources;
pub(crate) mod selector;
mod typed;

use serde_json::{Value, json};

use super::args::{Flag, Parsed, switch, value};
use super::get::render_structured;
use super::shell::Shell;
use super::{dry_run, errors, manifests, namespace_of, object_name};
use crate::api::{Kind, meta};
use crate::cluster::Output;
use crate::sim::Sim;

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let Some((sub, rest)) = words.split_first() else {
        return Ok(Output {
            stdout: crate::kubectl::help::of("set"),
            stderr: String::new(),
            exit_code: 1,
        });
    };
    match sub.as_str() {
        "image" => image::run(rest, shell, sim),
        "env" => env::run(rest, shell, sim),
        "resources" => resources::run(rest, shell, sim),
        "selector" => selector::run_selector(rest, shell, sim),
        "serviceaccount" | "sa" => selector::run_service_account(rest, shell, sim),
        "subject" => {
            Err("error: \"kubectl set subject\" is not available in this sandbox yet".into())
        }
        "-h" | "--help" | "help" => Ok(Output::ok(crate::kubectl::help::of("set"))),
        other => Err(format!(
            "error: unknown command \"{other}\"\nSee 'kubectl set -h' for help and examples"
        )),
    }
}

/// The flags every `set` subcommand takes (the resource builder's and the print flags).
pub(crate) const COMMON_FLAGS: &[Flag] = &[
    switch("all", None),
    switch("allow-missing-template-keys", None),
    value("dry-run", None),
    value("field-manager", None),
    value("filename", Some('f')),
    value("kustomize", Some('k')),
    switch("local", None),
    value("output", Some('o')),
    switch("recursive", Some('R')),
    switch("show-managed-fields", None),
    value("template", None),
];

/// What every `set` subcommand was asked to do with the objects it changes.
struct Options {
    local: bool,
    /// "none", "client" or "server".
    dry: String,
    output: String,
    /// The `kubernetes.io/change-cause` to write (`--record`), if any.
    record: Option<String>,
    /// The operation the name printer reports (`image updated`).
    operation: &'static str,
}

impl Options {
    /// Reads the flags the subcommands share; `command` is e.g. `set image` (for `--record`).
    fn new(parsed: &Parsed, command: &str, operation: &'static str) -> Result<Options, String> {
        let local = parsed.switch("local");
        let dry = dry_run(parsed)?.to_string();
        if local && dry == "server" {
            return Err(
                "error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?"
                    .into(),
            );
        }
        let output = parsed.get("output").unwrap_or("").to_string();
        if !matches!(output.as_str(), "" | "yaml" | "json" | "name") {
            return Err(format!(
                "error: unable to match a printer suitable for the output format \"{output}\", allowed formats are: json,name,yaml (more in later versions of this sandbox)"
            ));
        }
        let record = parsed
            .switch("record")
            .then(|| change_cause(parsed, command));
        Ok(Options {
            local,
            dry,
            output,
            record,
            operation,
        })
    }
}

/// The command line as `--record` writes it: `kubectl set image deployment/web nginx=nginx:1.27
/// --record=true` — positional words, then every flag by its long name, in the order given.
fn change_cause(parsed: &Parsed, command: &str) -> String {
    let mut cause = format!("kubectl {command}");
    for arg in &parsed.args {
        cause.push(' ');
        cause.push_str(arg);
    }
    for (flag, value) in &parsed.order {
        cause.push_str(&format!(" --{flag}={value}"));
    }
    cause
}

/// Where a kind keeps its pod spec (`UpdatePodSpecForObject`), or kubectl's error for kinds
/// without one.
fn pod_spec_pointer(kind: &Kind) -> Result<&'static str, String> {
    match (kind.group, kind.kind) {
        ("", "Pod") => Ok("/spec"),
        ("", "ReplicationController")
        | ("apps", "Deployment" | "DaemonSet" | "ReplicaSet" | "StatefulSet")
        | ("batch", "Job") => Ok("/spec/template/spec"),
        ("batch", "CronJob") => Ok("/spec/jobTemplate/spec/template/spec"),
        (_, other) => Err(format!(
            "the object is not a pod or does not have a pod template: *v1.{other}"
        )),
    }
}

/// `info.ObjectName()`, as per-object errors name the object: by resource for objects from the
/// server (`deployments/web`), by kind for objects read with `--local` (`deployment.apps/web`).
fn info_name(kind: &Kind, name: &str, local: bool) -> String {
    if local {
        object_name(kind, name)
    } else {
        format!("{}/{name}", kind.plural)
    }
}

/// The objects a `set` subcommand works on: from the files alone with `--local`, else from the
/// API server (files, names, `--all`, `-l`).
fn objects(
    parsed: &Parsed,
    resources: &[String],
    local: bool,
    shell: &Shell,
    sim: &Sim,
) -> Result<Vec<(&'static Kind, Value)>, String> {
    let files = parsed.all("filename");
    if local && !resources.is_empty() {
        return Err("error: you must specify resources by --filename when --local is set.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'".into());
    }
    if files.is_empty() && resources.is_empty() {
        return Err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'".into());
    }
    let namespace = namespace_of(parsed, shell);
    let mut found = Vec::new();
    let docs = manifests::read(files, shell)?;
    let mapped = manifests::map_all(
        &sim.store,
        docs.clone(),
        &namespace,
        parsed.is_set("namespace"),
    )?;
    for (m, (_, mut original)) in mapped.into_iter().zip(docs) {
        if local {
            // Read as written (the builder names a namespace, the object keeps none), through
            // the typed round-trip.
            typed::with_go_zero_values(m.kind, &mut original);
            found.push((m.kind, original));
            continue;
        }
        let live = sim
            .store
            .get(m.kind, &m.namespace, &m.name)
            .map_err(|s| errors::render(&s))?;
        found.push((m.kind, live.clone()));
    }
    if !resources.is_empty() {
        let all = parsed.switch("all");
        if all && parsed.is_set("selector") {
            return Err("error: cannot set --all and --selector at the same time".into());
        }
        for (kind, ns, name) in super::delete::targets(
            resources,
            all,
            parsed.get("selector"),
            &namespace,
            false,
            sim,
        )? {
            let live = sim
                .store
                .get(kind, &ns, &name)
                .map_err(|s| errors::render(&s))?;
            found.push((kind, live.clone()));
        }
    }
    Ok(found)
}

/// The per-object loop of the pod-template commands (`CalculatePatches` and the writes after
/// it): `change` gets each object's kind, its `info` name and a copy to change (`Ok(false)`
/// skips it, `Err` is that object's error); a copy that changed is written back — or every
/// copy, when `always_write` (kubectl then sends even empty patches). `failure` words a failed
/// write. Returns the errors met.
fn change_each(
    found: Vec<(&'static Kind, Value)>,
    options: &Options,
    sim: &mut Sim,
    out: &mut Output,
    always_write: bool,
    failure: &str,
    mut change: impl FnMut(&'static Kind, &str, &mut Value) -> Result<bool, String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut printed = 0;
    for (kind, obj) in found {
        let info = info_name(kind, meta::name(&obj), options.local);
        let mut changed = obj.clone();
        match change(kind, &info, &mut changed) {
            Ok(true) if always_write || changed != obj => {}
            Ok(_) => continue,
            Err(e) => {
                problems.push(e);
                continue;
            }
        }
        if let Err(e) = write(kind, changed, options, sim, out, &mut printed) {
            problems.push(format!("{failure}{e}"));
        }
    }
    problems
}

/// The pod spec inside an object, or kubectl's error naming the object.
fn pod_spec<'v>(kind: &Kind, info: &str, obj: &'v mut Value) -> Result<&'v mut Value, String> {
    let pointer = pod_spec_pointer(kind).map_err(|e| format!("error: {info} {e}"))?;
    obj.pointer_mut(pointer)
        .ok_or_else(|| format!("error: {info} the object has no pod template"))
}

/// The containers of a pod spec that a `-c` pattern selects: regular ones, then init ones.
fn selected_containers<'v>(spec: &'v mut Value, pattern: &str) -> Vec<&'v mut Value> {
    let map = meta::as_object_mut(spec);
    let mut selected = Vec::new();
    let mut init = Vec::new();
    for (list, into) in map.iter_mut().filter_map(|(k, v)| match k.as_str() {
        "containers" => Some((v, 0)),
        "initContainers" => Some((v, 1)),
        _ => None,
    }) {
        for c in list.as_array_mut().into_iter().flatten() {
            if select_container(meta::str_at(c, "/name"), pattern) {
                if into == 0 {
                    selected.push(c);
                } else {
                    init.push(c);
                }
            }
        }
    }
    selected.extend(init);
    selected
}

/// Sends one changed object (unless local or a client dry run) and prints the result.
fn write(
    kind: &'static Kind,
    mut changed: Value,
    options: &Options,
    sim: &mut Sim,
    out: &mut Output,
    printed: &mut usize,
) -> Result<(), String> {
    if let Some(cause) = &options.record {
        meta::child_object(meta::metadata_mut(&mut changed), "annotations")
            .insert(CHANGE_CAUSE.into(), json!(cause));
    }
    let shown = if options.local || options.dry != "none" {
        changed
    } else {
        sim.store
            .update(kind, changed)
            .map_err(|s| errors::render(&s))?
    };
    *printed += 1;
    match options.output.as_str() {
        "yaml" => {
            if *printed > 1 {
                out.stdout.push_str("---\n");
            }
            out.stdout.push_str(&render_structured("yaml", &shown));
        }
        "json" => out.stdout.push_str(&render_structured("json", &shown)),
        "name" => {
            out.stdout
                .push_str(&format!("{}\n", object_name(kind, meta::name(&shown))));
        }
        _ => {
            let suffix = match options.dry.as_str() {
                "client" => " (dry run)",
                "server" => " (server dry run)",
                _ => "",
            };
            out.stdout.push_str(&format!(
                "{} {}{suffix}\n",
                object_name(kind, meta::name(&shown)),
                options.operation
            ));
        }
    }
    Ok(())
}

const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

/// cobra's deprecation notice for `--record`.
fn record_warning(parsed: &Parsed, out: &mut Output) {
    if parsed.is_set("record") {
        out.stderr.push_str(
            "Flag --record has been deprecated, --record will be removed in the future\n",
        );
    }
}

/// `GetResourcesAndPairs`: resources first, then `key=value` / `key-` pairs.
fn resources_and_pairs(
    args: &[String],
    pair_type: &str,
) -> Result<(Vec<String>, Vec<String>), String> {
    let mut resources = Vec::new();
    let mut pairs = Vec::new();
    for s in args {
        let is_pair = (s.contains('=') && !s.starts_with('=')) || (s.ends_with('-') && s != "-");
        if is_pair {
            pairs.push(s.clone());
        } else if pairs.is_empty() {
            resources.push(s.clone());
        } else {
            return Err(format!(
                "error: all resources must be specified before {pair_type} changes: {s}"
            ));
        }
    }
    Ok((resources, pairs))
}

/// `selectString`: a container name against a pattern with `*` wildcards.
fn select_container(name: &str, pattern: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    if !pattern.contains('*') {
        return name == pattern;
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut rest = name;
    for (i, part) in parts.iter().enumerate() {
        if part.is_empty() {
            continue;
        }
        match rest.find(part) {
            Some(at) if i == 0 && at != 0 => return false,
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    parts.last().is_none_or(|p| p.is_empty()) || rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn container_patterns_match_as_kubectl_matches_them() {
        for (name, pattern, want) in [
            ("nginx", "*", true),
            ("nginx", "nginx", true),
            ("nginx", "ngin", false),
            ("nginx", "ng*", true),
            ("nginx", "*x", true),
            ("nginx", "*n*", true),
            ("sidecar", "ng*", false),
            ("nginx", "x*", false),
            ("nginx", "*y", false),
        ] {
            assert_eq!(select_container(name, pattern), want, "{name} {pattern}");
        }
    }

    #[test]
    fn resources_come_before_pairs() {
        let words = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
        assert_eq!(
            resources_and_pairs(&words("deploy web a=b c-"), "image"),
            Ok((words("deploy web"), words("a=b c-")))
        );
        assert_eq!(
            resources_and_pairs(&words("deploy a=b web"), "image")
                .err()
                .as_deref(),
            Some("error: all resources must be specified before image changes: web")
        );
    }
}
