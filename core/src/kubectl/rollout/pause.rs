//! `kubectl rollout pause|resume|restart`: each sets one field of the object (`objectpauser`,
//! `objectresumer`, `objectrestarter`). Pause and resume flip a Deployment's `spec.paused`;
//! restart stamps `kubectl.kubernetes.io/restartedAt` (the current time, to the second) on the
//! pod template of a Deployment, DaemonSet or StatefulSet, so that every pod is replaced.

use serde_json::{Value, json};

use super::{COMMON_FLAGS, Found, find, name_line, require_resource, resource_string};
use crate::api::meta;
use crate::cluster::Output;
use crate::kubectl::args::{self, Flag, value};
use crate::kubectl::errors;
use crate::kubectl::shell::Shell;
use crate::sim::Sim;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Pause,
    Resume,
    Restart,
}

pub(crate) const FLAGS: &[Flag] = &[value("field-manager", None)];

const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

pub fn run(
    words: &[String],
    shell: &mut Shell,
    sim: &mut Sim,
    action: Action,
) -> Result<Output, String> {
    let (command, done) = match action {
        Action::Pause => ("pause", "paused"),
        Action::Resume => ("resume", "resumed"),
        Action::Restart => ("restart", "restarted"),
    };
    let parsed = args::parse_tables(
        words,
        &[COMMON_FLAGS, FLAGS],
        &format!("kubectl rollout {command}"),
    )?;
    require_resource(&parsed)?;
    let found = find(&parsed, shell, sim)?;
    if let Some(out) = found.nothing(&parsed, shell) {
        return Ok(out);
    }
    let Found {
        objects,
        mut errors,
    } = found;
    let mut out = Output::default();
    let now = sim.now().rfc3339();
    for (kind, obj) in objects {
        let name = meta::name(&obj).to_string();
        let is_deployment = kind.group == "apps" && kind.kind == "Deployment";
        let paused = obj.pointer("/spec/paused") == Some(&json!(true));
        let mut updated = obj.clone();
        let problem = match action {
            Action::Pause if !is_deployment => Some("pausing is not supported".to_string()),
            Action::Pause if paused => Some("is already paused".into()),
            Action::Resume if !is_deployment => Some("resuming is not supported".into()),
            Action::Resume if !paused => Some("is not paused".into()),
            Action::Pause | Action::Resume => {
                updated["spec"]["paused"] = json!(action == Action::Pause);
                if action == Action::Resume
                    && let Some(spec) = updated.get_mut("spec").and_then(Value::as_object_mut)
                {
                    // `paused: false` is omitted, as the encoder omits it.
                    spec.remove("paused");
                }
                None
            }
            Action::Restart
                if !(kind.group == "apps"
                    && matches!(kind.kind, "Deployment" | "DaemonSet" | "StatefulSet")) =>
            {
                Some("restarting is not supported".into())
            }
            Action::Restart if is_deployment && paused => {
                Some("can't restart paused deployment (run rollout resume first)".into())
            }
            Action::Restart => {
                let template = meta::ensure_object(&mut updated["spec"], "template");
                meta::child_object(meta::child_object(template, "metadata"), "annotations")
                    .insert(RESTARTED_AT.into(), json!(now));
                None
            }
        };
        if let Some(problem) = problem {
            errors.push(format!("error: {} {problem}", resource_string(kind, &name)));
            continue;
        }
        if updated == obj {
            errors.push(format!("failed to create patch for {name}: if restart has already been triggered within the past second, please wait before attempting to trigger another"));
            continue;
        }
        match sim.store.update(kind, updated) {
            Ok(_) => out.stdout.push_str(&name_line(kind, &name, done, &parsed)),
            Err(status) => errors.push(format!("failed to patch: {}", errors::render(&status))),
        }
    }
    let errors = errors
        .into_iter()
        .map(|e| {
            if e.starts_with("error: ") || e.starts_with("Error from server") {
                e
            } else {
                format!("error: {e}")
            }
        })
        .collect();
    Ok(errors::aggregate(out, errors))
}
