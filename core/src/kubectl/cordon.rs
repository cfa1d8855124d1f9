//! `kubectl cordon` and `kubectl uncordon`: mark nodes (by name or `-l`) unschedulable or
//! schedulable again by setting `spec.unschedulable`, as kubectl's cordon helper patches it.
//! The node lifecycle controller then adds or removes the `node.kubernetes.io/unschedulable`
//! taint. `kubectl drain` starts with the same step ([`set_unschedulable`]).

use serde_json::Value;

use super::args::{self, Flag, Parsed, value};
use super::get::parse_selector;
use super::shell::Shell;
use super::{dry_run, errors, namespace_of, object_name, resolve_kind};
use crate::api::{Kind, meta};
use crate::cluster::Output;
use crate::controllers::kind;
use crate::sim::Sim;

pub(crate) const FLAGS: &[Flag] = &[value("selector", Some('l')), value("dry-run", None)];

/// Runs `kubectl cordon` (`desired` = true) or `kubectl uncordon`.
pub fn run(
    words: &[String],
    shell: &mut Shell,
    sim: &mut Sim,
    desired: bool,
) -> Result<Output, String> {
    let command = if desired { "cordon" } else { "uncordon" };
    let parsed = args::parse(&bare_dry_run(words), FLAGS, &format!("kubectl {command}"))?;
    check_usage(&parsed, command)?;
    let mode = dry_run(&parsed)?;
    let nodes = target_nodes(&parsed, shell, sim)?;
    let mut out = Output::default();
    set_unschedulable(&nodes, desired, mode, sim, &mut out);
    Ok(out)
}

/// `--dry-run` given bare means client (pflag's no-value default for it).
pub fn bare_dry_run(words: &[String]) -> Vec<String> {
    words
        .iter()
        .map(|w| {
            if w == "--dry-run" {
                "--dry-run=client".to_string()
            } else {
                w.clone()
            }
        })
        .collect()
}

/// The checks `cordon`, `uncordon` and `drain` make before anything else: a node name or a
/// selector, not both.
pub fn check_usage(parsed: &Parsed, command: &str) -> Result<(), String> {
    let see = format!("See 'kubectl {command} -h' for help and examples");
    if parsed.args.is_empty() && !parsed.is_set("selector") {
        return Err(format!("error: USAGE: {command} NODE [flags]\n{see}"));
    }
    if !parsed.args.is_empty() && parsed.get("selector").is_some_and(|s| !s.is_empty()) {
        return Err(format!(
            "error: cannot specify both a node name and a --selector option\n{see}"
        ));
    }
    Ok(())
}

/// The nodes named on the line (`NAME` or `node/NAME`) or selected with `-l`, as kubectl's
/// resource builder finds them: the first one missing is the command's error.
pub fn target_nodes(parsed: &Parsed, shell: &Shell, sim: &Sim) -> Result<Vec<Value>, String> {
    let node_kind = kind("", "Node");
    if let Some(selector) = parsed.get("selector").filter(|s| !s.is_empty()) {
        let selector = parse_selector(selector)?;
        return Ok(sim
            .store
            .list(node_kind, None)
            .filter(|n| selector.matches(n))
            .cloned()
            .collect());
    }
    let namespace = namespace_of(parsed, shell);
    let mut nodes = Vec::new();
    for arg in &parsed.args {
        let (found_kind, name) = match arg.split_once('/') {
            Some((typed, name)) => (resolve_kind(&sim.store, typed)?, name),
            None => (node_kind, arg.as_str()),
        };
        let obj = sim
            .store
            .get(found_kind, &namespace, name)
            .map_err(|status| errors::render(&status))?;
        if found_kind.kind != "Node" {
            return Err(format!(
                "error: expected resource of type node, got \"{}\"",
                group_version_resource(found_kind)
            ));
        }
        nodes.push(obj.clone());
    }
    Ok(nodes)
}

/// `schema.GroupVersionResource.String()`: `/v1, Resource=pods`.
fn group_version_resource(kind: &Kind) -> String {
    format!("{}/{}, Resource={}", kind.group, kind.version, kind.plural)
}

/// What kubectl appends to an operation under `--dry-run`.
pub fn dry_run_suffix(mode: &str) -> &'static str {
    match mode {
        "client" => " (dry run)",
        "server" => " (server dry run)",
        _ => "",
    }
}

/// `RunCordonOrUncordon`: sets `spec.unschedulable` on each node that needs it and says what
/// it did (`node/x cordoned`, `node/x already cordoned`); a failed update is reported and the
/// next node tried.
pub fn set_unschedulable(
    nodes: &[Value],
    desired: bool,
    mode: &str,
    sim: &mut Sim,
    out: &mut Output,
) {
    let verb = if desired { "cordon" } else { "uncordon" };
    let node_kind = kind("", "Node");
    for node in nodes {
        let name = meta::name(node);
        let cordoned = node.pointer("/spec/unschedulable") == Some(&Value::Bool(true));
        let what = if cordoned == desired {
            format!("already {verb}ed")
        } else {
            if mode == "none" {
                let mut updated = node.clone();
                meta::metadata_mut(&mut updated).remove("resourceVersion");
                let spec = meta::ensure_object(&mut updated, "spec");
                if desired {
                    spec.insert("unschedulable".into(), Value::Bool(true));
                } else {
                    spec.remove("unschedulable");
                }
                if let Err(status) = sim.store.update(node_kind, updated) {
                    out.stderr.push_str(&format!(
                        "error: unable to {verb} node \"{name}\": {}\n",
                        status.message
                    ));
                    continue;
                }
            }
            format!("{verb}ed")
        };
        out.stdout.push_str(&format!(
            "{} {what}{}\n",
            object_name(node_kind, name),
            dry_run_suffix(mode)
        ));
    }
}
