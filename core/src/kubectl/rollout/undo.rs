//! `kubectl rollout undo`: puts an earlier revision's pod template back (`polymorphichelpers/
//! rollback.go`). A Deployment takes the template of the ReplicaSet with that revision (and
//! that ReplicaSet's annotations, change-cause among them); a DaemonSet or StatefulSet the
//! template its ControllerRevision recorded. The controller then rolls it out as a new
//! revision.

use serde_json::{Map, Value, json};

use super::history::pod_template;
use super::history::{replica_sets, revisions};
use super::{COMMON_FLAGS, Found, find, group_kind, int_flag, name_line, require_resource};
use crate::api::{Kind, meta};
use crate::cluster::Output;
use crate::controllers::deployment::util as dutil;
use crate::controllers::history;
use crate::kubectl::args::{self, Flag, Parsed, value};
use crate::kubectl::shell::Shell;
use crate::kubectl::{dry_run, errors};
use crate::sim::Sim;

pub(crate) const FLAGS: &[Flag] = &[value("to-revision", None), value("dry-run", None)];

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let words = crate::kubectl::cordon::bare_dry_run(words);
    let parsed = args::parse_tables(&words, &[COMMON_FLAGS, FLAGS], "kubectl rollout undo")?;
    let to_revision = int_flag(&parsed, "to-revision", "undo")?;
    let dry = dry_run(&parsed)?.to_string();
    require_resource(&parsed)?;
    let Found {
        objects,
        mut errors,
    } = find(&parsed, shell, sim)?;
    let mut out = Output::default();
    for (kind, obj) in objects {
        if !dutil::annotation(&obj, dutil::LAST_APPLIED).is_empty() {
            out.stderr.push_str(&format!(
                "Warning: resource {}/{} was previously managed with 'kubectl apply'. Rolling back will not update the {} annotation, which may cause unexpected behavior on future 'kubectl apply' operations. Consider using 'kubectl apply' with your previous configuration file instead.\n",
                kind.plural,
                meta::name(&obj),
                dutil::LAST_APPLIED
            ));
        }
        match rollback(kind, &obj, to_revision, &dry, sim) {
            Ok(result) => out
                .stdout
                .push_str(&result_line(kind, &obj, &result, &dry, &parsed)),
            Err(e) => {
                errors.push(e);
                break;
            }
        }
    }
    Ok(errors::aggregate(out, errors))
}

/// The printed result, with the dry-run marker the print flags add.
fn result_line(kind: &Kind, obj: &Value, result: &str, dry: &str, parsed: &Parsed) -> String {
    let operation = match dry {
        "client" => format!("{result} (dry run)"),
        "server" => format!("{result} (server dry run)"),
        _ => result.to_string(),
    };
    name_line(kind, meta::name(obj), &operation, parsed)
}

fn not_found(revision: i64) -> String {
    format!("error: unable to find specified revision {revision} in history")
}

/// `Rollbacker.Rollback`: the result to print (`rolled back`, `skipped rollback (...)`), or
/// the error.
fn rollback(
    kind: &'static Kind,
    obj: &Value,
    to_revision: i64,
    dry: &str,
    sim: &mut Sim,
) -> Result<String, String> {
    if to_revision < 0 {
        return Err(not_found(to_revision));
    }
    let updated = match kind.kind {
        "Deployment" if kind.group == "apps" => {
            match deployment_target(obj, to_revision, dry, sim)? {
                Target::Done(result) => return Ok(result),
                Target::Update(d) => d,
            }
        }
        "DaemonSet" | "StatefulSet" if kind.group == "apps" => {
            let history = revisions(kind, obj, &sim.store)?;
            if to_revision == 0 && history.len() <= 1 {
                return Err("error: no last revision to roll back to".into());
            }
            let entry = if to_revision == 0 {
                history.values().rev().nth(1)
            } else {
                history.get(&to_revision)
            };
            let Some(entry) = entry else {
                return Err(not_found(to_revision));
            };
            if dry == "client" {
                return Ok(format!(
                    "will roll back to {}",
                    pod_template(Some(&entry.template))
                ));
            }
            if history::patch(obj) == entry.record.get("data").cloned().unwrap_or_default() {
                return Ok(skipped(to_revision));
            }
            let mut updated = obj.clone();
            updated["spec"]["template"] = entry.template.clone();
            updated
        }
        _ => {
            return Err(format!(
                "error: no rollbacker has been implemented for \"{}\"",
                group_kind(kind)
            ));
        }
    };
    if dry == "server" {
        return Ok("rolled back".into());
    }
    sim.store.update(kind, updated).map_err(|status| {
        format!(
            "error: failed restoring revision {to_revision}: {}",
            errors::render(&status)
        )
    })?;
    Ok("rolled back".into())
}

fn skipped(to_revision: i64) -> String {
    format!("skipped rollback (current template already matches revision {to_revision})")
}

enum Target {
    Done(String),
    Update(Value),
}

/// `DeploymentRollbacker`: the ReplicaSet of the revision (the one before the latest when none
/// is given), its template without the hash label, and the annotations to carry over.
fn deployment_target(d: &Value, to_revision: i64, dry: &str, sim: &Sim) -> Result<Target, String> {
    let rss = replica_sets(d, &sim.store);
    let chosen = if to_revision > 0 {
        rss.iter()
            .find(|rs| dutil::revision(rs) == to_revision)
            .copied()
            .ok_or_else(|| not_found(to_revision))?
    } else {
        let mut by_revision: Vec<&Value> = rss.clone();
        by_revision.sort_by_key(|rs| dutil::revision(rs));
        by_revision.dedup_by_key(|rs| dutil::revision(rs));
        match by_revision.len() {
            0 | 1 => {
                return Err(format!(
                    "error: no rollout history found for deployment \"{}\"",
                    meta::name(d)
                ));
            }
            n => by_revision[n - 2],
        }
    };
    if dry == "client" {
        return Ok(Target::Done(pod_template(chosen.pointer("/spec/template"))));
    }
    if d.pointer("/spec/paused") == Some(&json!(true)) {
        return Err("error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again".into());
    }
    if dutil::equal_ignore_hash(
        chosen.pointer("/spec/template"),
        d.pointer("/spec/template"),
    ) {
        return Ok(Target::Done(skipped(to_revision)));
    }
    let mut template = chosen
        .pointer("/spec/template")
        .cloned()
        .unwrap_or_default();
    if let Some(labels) = template
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove(dutil::HASH_LABEL);
    }
    let mut annotations = Map::new();
    let own = d
        .pointer("/metadata/annotations")
        .and_then(Value::as_object);
    for key in dutil::SKIPPED_ANNOTATIONS {
        if let Some(v) = own.and_then(|a| a.get(*key)) {
            annotations.insert((*key).to_string(), v.clone());
        }
    }
    if let Some(theirs) = chosen
        .pointer("/metadata/annotations")
        .and_then(Value::as_object)
    {
        for (k, v) in theirs {
            if !dutil::SKIPPED_ANNOTATIONS.contains(&k.as_str()) {
                annotations.insert(k.clone(), v.clone());
            }
        }
    }
    let mut updated = d.clone();
    updated["spec"]["template"] = template;
    meta::metadata_mut(&mut updated).insert("annotations".into(), Value::Object(annotations));
    Ok(Target::Update(updated))
}
