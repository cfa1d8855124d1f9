//! `kubectl create job` and `kubectl create cronjob`: a Job or CronJob built on the client from
//! `--image`, `--schedule`, `--restart` and a command after `--`, or a Job made from a
//! CronJob's template (`--from=cronjob/NAME`), as kubectl v1.35's `create_job.go` and
//! `create_cronjob.go` build them.

use serde_json::{Map, Value, json};

use super::args::{self, Flag, Parsed, switch, value};
use super::create::{exactly_one_name, send};
use super::shell::Shell;
use super::{errors, namespace_of, resolve_kind};
use crate::api::meta;
use crate::cluster::Output;
use crate::sim::Sim;

/// The flags of every `create` subcommand that prints what it makes.
pub(crate) const PRINT_FLAGS: &[Flag] = &[
    value("dry-run", None),
    value("output", Some('o')),
    value("field-manager", None),
    switch("save-config", None),
    value("validate", None),
    value("template", None),
    switch("show-managed-fields", None),
];

/// A subcommand's own flags followed by the printing ones.
fn flags(own: &[Flag]) -> Vec<Flag> {
    [own, PRINT_FLAGS].concat()
}

/// The command after `--`, if any.
fn command(parsed: &Parsed) -> Vec<String> {
    parsed.after_dash.clone().unwrap_or_default()
}

/// `kubectl create job NAME --image=IMAGE [-- COMMAND...]` or `--from=cronjob/NAME`.
pub fn job(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(
        words,
        &flags(&[value("image", None), value("from", None)]),
        "kubectl create job",
    )?;
    let name = exactly_one_name(&parsed, "kubectl create job")?;
    let image = parsed.get("image").unwrap_or("");
    let from = parsed.get("from").unwrap_or("");
    if image.is_empty() == from.is_empty() {
        return Err("error: either --image or --from must be specified".into());
    }
    let command = command(&parsed);
    if !command.is_empty() && !from.is_empty() {
        return Err("error: cannot specify --from and command".into());
    }
    let job = if image.is_empty() {
        let cron_job = find_cron_job(from, &parsed, shell, sim)?;
        job_from_cron_job(&name, &cron_job)
    } else {
        let mut container = Map::new();
        if !command.is_empty() {
            container.insert("command".into(), json!(command));
        }
        container.insert("image".into(), json!(image));
        container.insert("name".into(), json!(name));
        container.insert("resources".into(), json!({}));
        json!({
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"name": name},
            "spec": {
                "template": {
                    "metadata": {},
                    "spec": {"containers": [container], "restartPolicy": "Never"},
                },
            },
            "status": {},
        })
    };
    send(job, &parsed, shell, sim)
}

/// The object `--from` names, which must be a CronJob (kubectl fetches it even for a
/// client-side dry run).
fn find_cron_job(from: &str, parsed: &Parsed, shell: &Shell, sim: &Sim) -> Result<Value, String> {
    let namespace = namespace_of(parsed, shell);
    let (typed, name) = match from.split_once('/') {
        Some((t, n)) => (t, Some(n)),
        None => (from, None),
    };
    let kind = resolve_kind(&sim.store, typed)?;
    let found: Vec<&Value> = match name {
        Some(n) => vec![
            sim.store
                .get(kind, &namespace, n)
                .map_err(|s| errors::render(&s))?,
        ],
        None => sim.store.list(kind, Some(&namespace)).collect(),
    };
    match found.as_slice() {
        [one] if kind.kind == "CronJob" => Ok((*one).clone()),
        [_] => Err(format!(
            "error: unknown object type *{}.{}",
            kind.version, kind.kind
        )),
        _ => Err("error: from must be an existing cronjob".into()),
    }
}

/// `createJobFromCronJob`: the CronJob's Job template under the given name, marked as started
/// by hand, owned by the CronJob (without `blockOwnerDeletion`, unlike the controller's Jobs).
fn job_from_cron_job(name: &str, cron_job: &Value) -> Value {
    let template = cron_job.pointer("/spec/jobTemplate");
    let mut annotations = Map::new();
    annotations.insert("cronjob.kubernetes.io/instantiate".into(), json!("manual"));
    if let Some(a) = template
        .and_then(|t| t.pointer("/metadata/annotations"))
        .and_then(Value::as_object)
    {
        annotations.extend(a.clone());
    }
    let mut metadata = json!({
        "annotations": annotations,
        "name": name,
        "ownerReferences": [{
            "apiVersion": "batch/v1",
            "controller": true,
            "kind": "CronJob",
            "name": meta::name(cron_job),
            "uid": meta::uid(cron_job),
        }],
    });
    if let Some(labels) = template
        .and_then(|t| t.pointer("/metadata/labels"))
        .filter(|l| l.as_object().is_some_and(|m| !m.is_empty()))
    {
        metadata["labels"] = labels.clone();
    }
    json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": metadata,
        "spec": template.and_then(|t| t.get("spec")).cloned().unwrap_or(json!({})),
        "status": {},
    })
}

/// `kubectl create cronjob NAME --image=IMAGE --schedule=SPEC [--restart=POLICY] [-- COMMAND...]`.
pub fn cron_job(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let own = [
        value("image", None),
        value("schedule", None),
        value("restart", None),
    ];
    let parsed = args::parse(words, &flags(&own), "kubectl create cronjob")?;
    // cobra checks required flags before the command runs.
    let missing: Vec<String> = ["image", "schedule"]
        .iter()
        .filter(|f| !parsed.is_set(f))
        .map(|f| format!("\"{f}\""))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "error: required flag(s) {} not set",
            missing.join(", ")
        ));
    }
    let name = exactly_one_name(&parsed, "kubectl create cronjob")?;
    let restart = match parsed.get("restart") {
        None | Some("") => "OnFailure",
        Some(r) => r,
    };
    let mut container = Map::new();
    let command = command(&parsed);
    if !command.is_empty() {
        container.insert("command".into(), json!(command));
    }
    container.insert("image".into(), json!(parsed.get("image").unwrap_or("")));
    container.insert("name".into(), json!(name));
    container.insert("resources".into(), json!({}));
    let cron_job = json!({
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": name},
        "spec": {
            "jobTemplate": {
                "metadata": {"name": name},
                "spec": {
                    "template": {
                        "metadata": {},
                        "spec": {"containers": [container], "restartPolicy": restart},
                    },
                },
            },
            "schedule": parsed.get("schedule").unwrap_or(""),
        },
        "status": {},
    });
    send(cron_job, &parsed, shell, sim)
}
