//! `kubectl replace -f FILE`: puts the file's object in place of the live one (an update of
//! the whole object). Without a resourceVersion in the file the current one is used, so only
//! a stale version in the file is a Conflict. `--force` deletes the object, waits until it is
//! gone, and creates it again.

use serde_json::{Value, json};

use super::args::{self, Flag, Parsed, switch, value};
use super::manifests::{self, Manifest};
use super::shell::Shell;
use super::{dry_run, errors, namespace_of};
use crate::api::meta;
use crate::cluster::Output;
use crate::sim::Sim;
use crate::store::DeleteOptions;
use crate::time::SECOND;

pub(crate) const FLAGS: &[Flag] = &[
    value("filename", Some('f')),
    switch("force", None),
    value("grace-period", None),
    value("timeout", None),
    value("cascade", None),
    value("wait", None),
    value("dry-run", None),
    value("output", Some('o')),
    value("field-manager", None),
    switch("save-config", None),
    switch("show-managed-fields", None),
    value("subresource", None),
    value("validate", None),
    switch("recursive", Some('R')),
];

/// How long `--force` waits for the old object to go (kubectl's default timeout).
const FORCE_WAIT_MILLIS: i64 = 300 * SECOND;

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, FLAGS, "kubectl replace")?;
    let dry = dry_run(&parsed)?;
    let force = parsed.switch("force");
    let grace = parsed
        .get("grace-period")
        .and_then(|g| g.parse::<i64>().ok())
        .unwrap_or(-1);
    if grace >= 0 && !force {
        return Err("error: --grace-period must have --force specified".into());
    }
    if parsed.get("timeout").is_some_and(|t| t != "0s" && t != "0") && !force {
        return Err("error: --timeout must have --force specified".into());
    }
    if force && dry != "none" {
        return Err("error: --dry-run can not be used when --force is set".into());
    }
    let files = parsed.all("filename");
    if files.is_empty() {
        return Err("error: must specify --filename to replace".into());
    }
    let namespace = namespace_of(&parsed, shell);
    let docs = manifests::read(files, shell)?;
    let manifests = manifests::map_all(&sim.store, docs, &namespace, parsed.is_set("namespace"))?;
    sim.store
        .set_manager(parsed.get("field-manager").unwrap_or("kubectl-replace"));
    if force {
        return force_replace(manifests, grace, &parsed, sim);
    }
    let mut out = Output::default();
    for m in manifests {
        match replace_one(&m, dry, &parsed, sim) {
            Ok(text) => out.stdout.push_str(&text),
            Err(e) => {
                out.stderr.push_str(&e);
                out.stderr.push('\n');
                out.exit_code = 1;
            }
        }
    }
    Ok(out)
}

/// `CreateOrUpdateAnnotation`: `--save-config` records the object as last applied; an object
/// that already carries the annotation gets it refreshed.
fn annotate(doc: &mut Value, save_config: bool) {
    let has = meta::at(doc, "/metadata/annotations")
        .and_then(|a| a.get(super::apply::LAST_APPLIED))
        .is_some();
    if save_config || has {
        let mut plain = doc.clone();
        if let Some(a) = meta::metadata_mut(&mut plain)
            .get_mut("annotations")
            .and_then(Value::as_object_mut)
        {
            a.remove(super::apply::LAST_APPLIED);
        }
        let text = format!("{}\n", serde_json::to_string(&plain).unwrap_or_default());
        let annotations = meta::metadata_mut(doc)
            .entry("annotations")
            .or_insert(json!({}));
        if let Some(a) = annotations.as_object_mut() {
            a.insert(super::apply::LAST_APPLIED.into(), json!(text));
        }
    }
}

fn replace_one(m: &Manifest, dry: &str, parsed: &Parsed, sim: &mut Sim) -> Result<String, String> {
    let mut doc = m.doc.clone();
    annotate(&mut doc, parsed.switch("save-config"));
    if dry == "client" {
        return Ok(print(m, &doc, "replaced (dry run)", parsed));
    }
    if meta::str_at(&doc, "/metadata/resourceVersion").is_empty() {
        let current = sim
            .store
            .get(m.kind, &m.namespace, &m.name)
            .map_err(|s| errors::render_with_source(&s, "replacing", &m.file))?;
        let rv = meta::str_at(current, "/metadata/resourceVersion").to_string();
        meta::metadata_mut(&mut doc).insert("resourceVersion".into(), json!(rv));
    }
    if dry == "server" {
        return Ok(print(m, &doc, "replaced (server dry run)", parsed));
    }
    let obj = sim
        .store
        .update(m.kind, doc)
        .map_err(|s| errors::render_with_source(&s, "replacing", &m.file))?;
    Ok(print(m, &obj, "replaced", parsed))
}

fn force_replace(
    manifests: Vec<Manifest>,
    grace: i64,
    parsed: &Parsed,
    sim: &mut Sim,
) -> Result<Output, String> {
    let mut out = Output::default();
    let mut gone: Vec<(usize, String)> = Vec::new();
    for (i, m) in manifests.iter().enumerate() {
        let options = DeleteOptions {
            grace_period_seconds: (grace >= 0).then_some(grace),
            ..DeleteOptions::default()
        };
        match sim.store.delete(m.kind, &m.namespace, &m.name, options) {
            Ok(obj) => {
                let what = format!(
                    "{} \"{}\"",
                    super::delete::qualified_singular(m.kind),
                    m.name
                );
                if m.kind.namespaced {
                    out.stdout
                        .push_str(&format!("{what} deleted from {} namespace\n", m.namespace));
                } else {
                    out.stdout.push_str(&format!("{what} deleted\n"));
                }
                gone.push((i, meta::uid(&obj).to_string()));
            }
            Err(status) if status.reason == crate::api::Reason::NotFound => {}
            Err(status) => return Err(errors::render(&status)),
        }
    }
    let limit = sim.now().plus_millis(FORCE_WAIT_MILLIS);
    sim.advance_until(limit, |store| {
        gone.iter().all(|(i, uid)| {
            manifests.get(*i).is_none_or(|m| {
                store
                    .get(m.kind, &m.namespace, &m.name)
                    .map_or(true, |o| meta::uid(o) != uid)
            })
        })
    });
    sim.store
        .set_manager(parsed.get("field-manager").unwrap_or("kubectl-replace"));
    for m in &manifests {
        let mut doc = m.doc.clone();
        annotate(&mut doc, parsed.switch("save-config"));
        match sim.store.create(m.kind, doc) {
            Ok(obj) => out.stdout.push_str(&print(m, &obj, "replaced", parsed)),
            Err(status) => {
                out.stderr
                    .push_str(&format!("{}\n", errors::render(&status)));
                out.exit_code = 1;
            }
        }
    }
    Ok(out)
}

fn print(m: &Manifest, obj: &Value, verb: &str, parsed: &Parsed) -> String {
    let output = parsed.get("output").unwrap_or("");
    let shown = super::get::without_managed_fields(obj, parsed.switch("show-managed-fields"));
    super::create::print_result(&shown, m.kind, &m.name, output, verb).stdout
}
