//! `kubectl rollout`: watch, inspect, undo, pause, resume and restart the rollouts of
//! Deployments, DaemonSets and StatefulSets.
//!
//! Each subcommand has its own module, as upstream's `pkg/cmd/rollout` does; what they share is
//! here: finding the objects named on the line (`TYPE NAME`, `TYPE/NAME`, a type alone for all
//! of them, `-l`, `-f`) and printing one-line results (`deployment.apps/web paused`).

pub(crate) mod history;
pub(crate) mod pause;
pub(crate) mod status;
pub(crate) mod undo;

use serde_json::Value;

use super::args::{Flag, Parsed, switch, value};
use super::shell::Shell;
use super::{errors, manifests, namespace_of, object_name};
use crate::api::Kind;
use crate::cluster::Output;
use crate::sim::Sim;

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let Some((sub, rest)) = words.split_first() else {
        return Ok(Output {
            stdout: crate::kubectl::help::of("rollout"),
            stderr: String::new(),
            exit_code: 1,
        });
    };
    match sub.as_str() {
        "status" => status::run(rest, shell, sim),
        "history" => history::run(rest, shell, sim),
        "undo" => undo::run(rest, shell, sim),
        "pause" => pause::run(rest, shell, sim, pause::Action::Pause),
        "resume" => pause::run(rest, shell, sim, pause::Action::Resume),
        "restart" => pause::run(rest, shell, sim, pause::Action::Restart),
        "-h" | "--help" | "help" => Ok(Output::ok(crate::kubectl::help::of("rollout"))),
        other => Err(format!(
            "error: unknown command \"{other}\"\nSee 'kubectl rollout -h' for help and examples"
        )),
    }
}

/// The flags the rollout subcommands share: the resource builder's and the print flags.
pub(crate) const COMMON_FLAGS: &[Flag] = &[
    value("selector", Some('l')),
    value("filename", Some('f')),
    value("kustomize", Some('k')),
    switch("recursive", Some('R')),
    value("output", Some('o')),
    switch("show-managed-fields", None),
    value("template", None),
    switch("allow-missing-template-keys", None),
];

/// An `Int64Var` flag (`--revision`, `--to-revision`), 0 when not given.
fn int_flag(parsed: &Parsed, flag: &str, command: &str) -> Result<i64, String> {
    match parsed.get(flag) {
        None => Ok(0),
        Some(v) => v.parse().map_err(|_| {
            format!("error: invalid argument \"{v}\" for \"--{flag}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl rollout {command} --help' for usage.")
        }),
    }
}

/// Every subcommand's `Validate`: something must be named.
fn require_resource(parsed: &Parsed) -> Result<(), String> {
    if parsed.args.is_empty() && parsed.all("filename").is_empty() {
        return Err("error: required resource not specified".into());
    }
    Ok(())
}

/// `schema.GroupKind`'s `String()`, as "not implemented for" errors name a kind:
/// `ReplicaSet.apps`, `Pod`.
fn group_kind(kind: &Kind) -> String {
    if kind.group.is_empty() {
        kind.kind.to_string()
    } else {
        format!("{}.{}", kind.kind, kind.group)
    }
}

/// The objects a rollout subcommand works on, read from the API server, and the errors met
/// finding them (each reported, the others still worked on, as `ContinueOnError` does).
struct Found {
    objects: Vec<(&'static Kind, Value)>,
    errors: Vec<String>,
}

/// Resolves the resources of the line the way the builder does with
/// `ResourceTypeOrNameArgs(true, ...)`: a type alone (or with `-l`) means all of that type.
fn find(parsed: &Parsed, shell: &Shell, sim: &Sim) -> Result<Found, String> {
    let namespace = namespace_of(parsed, shell);
    let mut found = Found {
        objects: Vec::new(),
        errors: Vec::new(),
    };
    let mut wanted: Vec<(&'static Kind, String, String)> = Vec::new();
    let docs = manifests::read(parsed.all("filename"), shell)?;
    for m in manifests::map_all(&sim.store, docs, &namespace, parsed.is_set("namespace"))? {
        wanted.push((m.kind, m.namespace, m.name));
    }
    if !parsed.args.is_empty() {
        let type_only = !parsed.args.iter().any(|a| a.contains('/')) && parsed.args.len() == 1;
        wanted.extend(super::delete::targets(
            &parsed.args,
            type_only,
            parsed.get("selector"),
            &namespace,
            false,
            sim,
        )?);
    }
    let selector = parsed
        .get("selector")
        .map(super::get::parse_selector)
        .transpose()?;
    for (kind, ns, name) in wanted {
        match sim.store.get(kind, &ns, &name) {
            Ok(obj) if selector.as_ref().is_none_or(|s| s.matches(obj)) => {
                found.objects.push((kind, obj.clone()));
            }
            Ok(_) => {}
            Err(status) => found.errors.push(errors::render(&status)),
        }
    }
    Ok(found)
}

impl Found {
    /// What status, pause, resume and restart say when the line named nothing that exists.
    fn nothing(&self, parsed: &Parsed, shell: &Shell) -> Option<Output> {
        (self.objects.is_empty() && self.errors.is_empty()).then(|| {
            Output::error(
                format!(
                    "No resources found in {} namespace.\n",
                    namespace_of(parsed, shell)
                ),
                0,
            )
        })
    }
}

/// The name printer: `deployment.apps/web paused` (`-o name` drops the operation).
fn name_line(kind: &Kind, name: &str, operation: &str, parsed: &Parsed) -> String {
    let short = parsed.get("output") == Some("name");
    if operation.is_empty() || short {
        format!("{}\n", object_name(kind, name))
    } else {
        format!("{} {operation}\n", object_name(kind, name))
    }
}

/// `the plural.group "name"` form of per-object errors (`deployments.apps "web" ...`).
fn resource_string(kind: &Kind, name: &str) -> String {
    format!("{} \"{name}\"", kind.qualified_resource())
}
