//! `kubectl rollout history`: the revisions of a rollout with their change causes, or one
//! revision's pod template (`--revision=N`). A Deployment's history is its ReplicaSets (their
//! revision annotations); a DaemonSet's or StatefulSet's, its ControllerRevisions.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{COMMON_FLAGS, Found, find, group_kind, int_flag, name_line, require_resource};
use crate::api::{Kind, meta, selector};
use crate::cluster::Output;
use crate::controllers::deployment::util as dutil;
use crate::controllers::{history, int_at, is_controlled_by, kind};
use crate::kubectl::args::{self, Flag, Parsed, value};
use crate::kubectl::describe::template::describe_pod_template;
use crate::kubectl::describe::writer::PrefixWriter;
use crate::kubectl::get::render_structured;
use crate::kubectl::shell::Shell;
use crate::sim::Sim;
use crate::store::Store;

pub(crate) const FLAGS: &[Flag] = &[value("revision", None)];

pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse_tables(words, &[COMMON_FLAGS, FLAGS], "kubectl rollout history")?;
    let revision = int_flag(&parsed, "revision", "history")?;
    require_resource(&parsed)?;
    if revision < 0 {
        return Err(format!(
            "error: revision must be a positive integer: {revision}"
        ));
    }
    let Found {
        objects,
        mut errors,
    } = find(&parsed, shell, sim)?;
    let mut out = Output::default();
    for (kind, obj) in objects {
        match one(kind, &obj, revision, &parsed, &sim.store) {
            Ok(text) => out.stdout.push_str(&text),
            Err(e) => {
                errors.push(e);
                break;
            }
        }
    }
    Ok(crate::kubectl::errors::aggregate(out, errors))
}

fn one(
    kind: &'static Kind,
    obj: &Value,
    revision: i64,
    parsed: &Parsed,
    store: &Store,
) -> Result<String, String> {
    let history = revisions(kind, obj, store)?;
    if let Some(format) = parsed.get("output") {
        return structured(format, &history, revision);
    }
    let text = if history.is_empty() {
        "No rollout history found.".to_string()
    } else if revision > 0 {
        let Some(entry) = history.get(&revision) else {
            return Err("error: unable to find the specified revision".into());
        };
        pod_template(Some(&entry.template))
    } else {
        table(&history)
    };
    let with_revision = if revision > 0 {
        format!("with revision #{revision}")
    } else {
        String::new()
    };
    Ok(name_line(
        kind,
        meta::name(obj),
        &format!("{with_revision}\n{text}"),
        parsed,
    ))
}

/// One revision of a rollout: the template it ran, with its change cause, and the object that
/// records it (a ReplicaSet or a ControllerRevision).
pub struct Revision {
    pub template: Value,
    pub change_cause: String,
    pub record: Value,
}

/// A rollout's revisions by number (`HistoryViewer`).
pub fn revisions(
    kind: &Kind,
    obj: &Value,
    store: &Store,
) -> Result<BTreeMap<i64, Revision>, String> {
    let mut out = BTreeMap::new();
    match kind.kind {
        "Deployment" if kind.group == "apps" => {
            for rs in replica_sets(obj, store) {
                let mut template = rs.pointer("/spec/template").cloned().unwrap_or_default();
                let change_cause = dutil::annotation(rs, CHANGE_CAUSE).to_string();
                if !change_cause.is_empty() {
                    meta::child_object(
                        meta::ensure_object(&mut template, "metadata"),
                        "annotations",
                    )
                    .insert(CHANGE_CAUSE.into(), Value::String(change_cause.clone()));
                }
                out.insert(
                    dutil::revision(rs),
                    Revision {
                        template,
                        change_cause,
                        record: rs.clone(),
                    },
                );
            }
        }
        "DaemonSet" | "StatefulSet" if kind.group == "apps" => {
            for r in history::list(obj, store) {
                out.insert(
                    int_at(r, "/revision"),
                    Revision {
                        template: history::template(r),
                        change_cause: dutil::annotation(r, CHANGE_CAUSE).to_string(),
                        record: r.clone(),
                    },
                );
            }
        }
        _ => {
            return Err(format!(
                "error: no history viewer has been implemented for \"{}\"",
                group_kind(kind)
            ));
        }
    }
    Ok(out)
}

/// A Deployment's ReplicaSets: selected by it and controlled by it (`GetAllReplicaSets`).
pub fn replica_sets<'a>(d: &Value, store: &'a Store) -> Vec<&'a Value> {
    let sel = d.pointer("/spec/selector");
    store
        .list(kind("apps", "ReplicaSet"), Some(meta::namespace(d)))
        .filter(|rs| is_controlled_by(rs, meta::uid(d)) && selector::matches(sel, meta::labels(rs)))
        .collect()
}

/// The `REVISION  CHANGE-CAUSE` table, laid out by Go's tabwriter (padding 2).
fn table(history: &BTreeMap<i64, Revision>) -> String {
    let rows: Vec<(String, &str)> = history
        .iter()
        .map(|(n, r)| {
            let cause = if r.change_cause.is_empty() {
                "<none>"
            } else {
                r.change_cause.as_str()
            };
            (n.to_string(), cause)
        })
        .collect();
    let width = rows
        .iter()
        .map(|(n, _)| n.len())
        .chain(std::iter::once("REVISION".len()))
        .max()
        .unwrap_or(0)
        + 2;
    let mut text = format!("{:width$}CHANGE-CAUSE\n", "REVISION");
    for (n, cause) in rows {
        text.push_str(&format!("{n:width$}{cause}\n"));
    }
    text
}

/// `-o yaml|json|name`: the objects recording the revisions (all, or the one asked for).
fn structured(
    format: &str,
    history: &BTreeMap<i64, Revision>,
    revision: i64,
) -> Result<String, String> {
    let records: Vec<&Value> = if revision > 0 {
        match history.get(&revision) {
            Some(r) => vec![&r.record],
            None => return Err("error: unable to find the specified revision".into()),
        }
    } else {
        history.values().map(|r| &r.record).collect()
    };
    let mut text = String::new();
    for record in records {
        match format {
            "yaml" | "json" => {
                if format == "yaml" && !text.is_empty() {
                    text.push_str("---\n");
                }
                text.push_str(&render_structured(format, record));
            }
            "name" => {
                let k = meta::str_at(record, "/kind").to_lowercase();
                text.push_str(&format!("{k}.apps/{}\n", meta::name(record)));
            }
            other => {
                return Err(format!(
                    "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,name,yaml"
                ));
            }
        }
    }
    Ok(text)
}

/// `printTemplate`: describe's pod template section, unaligned.
pub fn pod_template(template: Option<&Value>) -> String {
    let mut w = PrefixWriter::new();
    describe_pod_template(&mut w, template);
    w.unaligned()
}
