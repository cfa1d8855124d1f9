//! The kubectl client: a line's words become API requests and printed output.
//!
//! Each command lives in its own module as options → validate → run, talks to the cluster only
//! through the API server ([`crate::store::Store`]) and lets time pass only when it waits (as
//! `delete` waits for objects to go). Errors are worded here, in one place, as kubectl words
//! them ([`errors`]).

pub mod api_resources;
pub mod apply;
pub mod args;
pub mod auth;
pub mod autoscale;
pub mod cluster_info;
pub mod complete;
pub mod config;
pub mod cordon;
pub mod create;
pub mod create_batch;
mod create_config;
mod create_misc;
pub mod create_pdb;
mod create_rbac;
mod create_service;
pub mod delete;
pub mod describe;
pub mod diff;
pub mod drain;
pub mod edit;
pub mod errors;
pub mod events;
pub mod exec;
pub mod explain;
pub mod expose;
pub mod get;
mod get_watch;
pub mod help;
pub mod job;
pub mod label;
pub mod logs;
pub mod manifests;
pub mod patch;
pub mod podref;
mod port_forward;
pub mod printers;
pub mod proxy;
pub mod replace;
pub mod rollout;
pub mod run;
pub mod run_attach;
pub mod scale;
pub mod set;
pub mod shell;
pub mod taint;
pub mod top;
pub mod wait;

use crate::api::Kind;
use crate::cluster::Output;
use crate::sim::Sim;
use crate::store::Store;
use shell::Shell;

/// Runs `kubectl <words>`.
pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Output {
    let words = &args::global_flags_last(words);
    let Some((command, rest)) = words.split_first() else {
        return help::for_words(&[]);
    };
    match command.as_str() {
        "help" => return help::help_command(rest),
        "options" => return help::options(),
        _ if help::asked(words) => return help::for_words(words),
        flag if flag.starts_with('-') => return root_flags(words),
        _ => {}
    }
    // Requests carry kubectl's user agent unless a command names its own field manager.
    sim.store.set_manager("kubectl");
    sim.store.take_warnings();
    if command == "config" {
        return config::run(rest, shell)
            .unwrap_or_else(|message| Output::error(format!("{message}\n"), 1));
    }
    // Every request of the command is the context's user's (or the impersonated one's).
    let globals = auth::identity::Globals::scan(words);
    if COMMANDS.contains(&command.as_str()) && !matches!(command.as_str(), "help" | "version") {
        match auth::identity::requester(&globals, shell, &sim.store) {
            Ok(user) => sim.store.set_requester(Some(user)),
            Err(out) => return out,
        }
    }
    shell.context_override = globals.context;
    let out = match command.as_str() {
        "get" => get::run(rest, shell, sim),
        "create" => create::run(rest, shell, sim),
        "apply" => apply::run(rest, shell, sim),
        "delete" => delete::run(rest, shell, sim),
        "edit" => edit::run(rest, shell, sim),
        "describe" => describe::run(rest, shell, sim),
        "scale" => scale::run(rest, shell, sim),
        "rollout" => rollout::run(rest, shell, sim),
        "set" => set::run(rest, shell, sim),
        "run" => run::run(rest, shell, sim),
        "expose" => expose::run(rest, shell, sim),
        "wait" => wait::run(rest, shell, sim),
        "api-resources" => api_resources::run(rest, shell, sim),
        "api-versions" => api_resources::versions(rest, shell, sim),
        "cordon" => cordon::run(rest, shell, sim, true),
        "uncordon" => cordon::run(rest, shell, sim, false),
        "drain" => drain::run(rest, shell, sim),
        "taint" => taint::run(rest, shell, sim),
        "patch" => patch::run(rest, shell, sim),
        "label" => label::run_label(rest, shell, sim),
        "annotate" => label::run_annotate(rest, shell, sim),
        "replace" => replace::run(rest, shell, sim),
        "logs" => logs::run(rest, shell, sim),
        "exec" => exec::run(rest, shell, sim),
        "top" => top::run(rest, shell, sim),
        "autoscale" => autoscale::run(rest, shell, sim),
        "explain" => explain::run(rest, shell, sim),
        "auth" => auth::run(rest, shell, sim),
        "cluster-info" => cluster_info::run(rest, shell, sim),
        "diff" => diff::run(rest, shell, sim),
        "events" => events::run(rest, shell, sim),
        "port-forward" => port_forward::run(rest, shell, sim),
        "proxy" => proxy::run(rest, shell, sim),
        "version" => Ok(Output::ok(format!(
            "Client Version: v1.35.2\nKustomize Version: v5.7.1\nServer Version: {}\n",
            crate::bootstrap::KUBERNETES_VERSION
        ))),
        other if KNOWN_LATER.contains(&other) => Err(format!(
            "error: \"kubectl {other}\" is not available in this sandbox yet"
        )),
        other => Err(unknown_command(other)),
    };
    shell.context_override = None;
    sim.store.set_requester(None);
    // The API server's `Warning` headers, which kubectl prints as they arrive.
    let warnings: String = sim
        .store
        .take_warnings()
        .iter()
        .map(|w| format!("Warning: {w}\n"))
        .collect();
    sim.settle();
    let mut out = out.unwrap_or_else(|message| Output::error(format!("{message}\n"), 1));
    out.stderr.insert_str(0, &warnings);
    out
}

/// Real kubectl commands the sandbox does not implement yet: said plainly, not "unknown".
const KNOWN_LATER: &[&str] = &[
    "attach",
    "cp",
    "kustomize",
    "certificate",
    "debug",
    "plugin",
    "completion",
    "alpha",
];

const COMMANDS: &[&str] = &[
    "get",
    "create",
    "apply",
    "delete",
    "describe",
    "edit",
    "scale",
    "rollout",
    "set",
    "run",
    "expose",
    "wait",
    "cordon",
    "uncordon",
    "drain",
    "taint",
    "api-resources",
    "api-versions",
    "patch",
    "label",
    "annotate",
    "replace",
    "logs",
    "exec",
    "top",
    "autoscale",
    "explain",
    "auth",
    "cluster-info",
    "config",
    "diff",
    "events",
    "port-forward",
    "proxy",
    "version",
    "help",
];

/// cobra's message, with its "Did you mean this?" suggestions (edit distance ≤ 2).
fn unknown_command(typed: &str) -> String {
    let mut suggestions: Vec<&str> = COMMANDS
        .iter()
        .chain(KNOWN_LATER.iter())
        .copied()
        .filter(|c| levenshtein(c, typed) <= 2 || c.starts_with(typed))
        .collect();
    suggestions.sort_unstable();
    let mut message = format!("error: unknown command \"{typed}\" for \"kubectl\"");
    if !suggestions.is_empty() {
        message.push_str("\n\nDid you mean this?");
        for s in suggestions {
            message.push_str(&format!("\n\t{s}"));
        }
    }
    message
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// Resolves a typed resource type, or kubectl's error for an unknown one.
pub fn resolve_kind(store: &Store, typed: &str) -> Result<&'static Kind, String> {
    store
        .resolve(typed)
        .ok_or_else(|| format!("error: the server doesn't have a resource type \"{typed}\""))
}

/// The namespace a command works in: `-n`, else the context's.
pub fn namespace_of(parsed: &args::Parsed, shell: &Shell) -> String {
    parsed
        .get("namespace")
        .map_or_else(|| shell.current_namespace().to_string(), str::to_string)
}

/// `deployment.apps/web`: how kubectl names an object in one-line results.
pub fn object_name(kind: &Kind, name: &str) -> String {
    if kind.group.is_empty() {
        format!("{}/{name}", kind.singular)
    } else {
        format!("{}.{}/{name}", kind.singular, kind.group)
    }
}

/// The `--dry-run` value: "none", "client" or "server" (a bare `--dry-run` means client).
pub fn dry_run(parsed: &args::Parsed) -> Result<&str, String> {
    match parsed.get("dry-run") {
        None | Some("none") | Some("false") => Ok("none"),
        Some("client") | Some("true") => Ok("client"),
        Some("server") => Ok("server"),
        Some(other) => Err(format!(
            "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
        )),
    }
}

/// A line starting with a flag kubectl itself does not take (`kubectl -A`), or with flags before
/// the command that cobra cannot move (`kubectl -A get pods`): kubectl's own errors.
fn root_flags(words: &[String]) -> Output {
    let parsed = args::parse(words, &[], "kubectl");
    let first_word = words.iter().find(|w| !w.starts_with('-'));
    let message = match (parsed, first_word) {
        (Ok(p), _) if p.args.is_empty() => return help::for_words(&[]),
        (_, Some(_)) => format!(
            "Error: flags cannot be placed before plugin name: {}",
            words.first().map_or("", String::as_str)
        ),
        (Err(e), None) => e,
        (Ok(_), None) => String::new(),
    };
    Output::error(format!("{message}\n"), 1)
}
