//! `kubectl diff -f FILE`: what `kubectl apply -f FILE` would change. Each object is applied
//! as a server-side dry run (so defaulting, admission and the three-way merge are the real
//! ones) and the live object is compared with that result, both as YAML without
//! `managedFields`, as `diff -u -N` compares kubectl's two temporary folders: a
//! `diff -u -N LIVE MERGED` line per changed object, `---`/`+++` headers and hunks. Secret
//! values are masked as kubectl masks them. Exit status 1 when something differs, 0 when
//! nothing does, as upstream (the `diff` program's status).

mod unified;

use serde_json::Value;

use super::args::{self, Flag, switch, value};
use super::printers::yaml;
use super::shell::Shell;
use super::{apply, manifests, namespace_of};
use crate::api::meta;
use crate::cluster::Output;
use crate::sim::Sim;

pub(crate) const FLAGS: &[Flag] = &[
    value("filename", Some('f')),
    switch("recursive", Some('R')),
    switch("server-side", None),
    switch("force-conflicts", None),
    value("field-manager", None),
    value("selector", Some('l')),
    switch("show-managed-fields", None),
    value("concurrency", None),
    switch("prune", None),
];

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, FLAGS, "kubectl diff")?;
    let files = parsed.all("filename");
    if files.is_empty() {
        return Err(
            "error: must specify one of -f and -k\nSee 'kubectl diff -h' for help and examples"
                .into(),
        );
    }
    if parsed.switch("server-side") || parsed.switch("prune") {
        return Err(
            "error: \"kubectl diff --server-side\" and \"--prune\" are not available in this sandbox yet"
                .into(),
        );
    }
    let namespace = namespace_of(&parsed, shell);
    let explicit_ns = parsed.is_set("namespace");
    let docs = manifests::read(files, shell)?;
    let (live_dir, merged_dir) = {
        let rng = sim.store.rng();
        (
            format!("/tmp/LIVE-{}", rng.below(4_000_000_000)),
            format!("/tmp/MERGED-{}", rng.below(4_000_000_000)),
        )
    };
    let stamp = file_time(sim);
    let mut out = Output::default();
    for (file, doc) in docs {
        let m = manifests::map(&sim.store, &file, doc, &namespace, explicit_ns)
            .map_err(|f| super::errors::report(&[f]).unwrap_or_default())?;
        let live = sim.store.get(m.kind, &m.namespace, &m.name).ok().cloned();
        let path = object_path(m.kind, &m.namespace, &m.name);
        let merged = apply::dry_run_merged(m, sim)?;
        let (live, merged) = masked(live.as_ref(), &merged);
        let live_text = live.as_ref().map(yaml::to_yaml).unwrap_or_default();
        let merged_text = yaml::to_yaml(&merged);
        let hunks = unified::hunks(&live_text, &merged_text);
        if hunks.is_empty() {
            continue;
        }
        out.stdout.push_str(&format!(
            "diff -u -N {live_dir}/{path} {merged_dir}/{path}\n--- {live_dir}/{path}\t{stamp}\n+++ {merged_dir}/{path}\t{stamp}\n{hunks}"
        ));
        out.exit_code = 1;
    }
    Ok(out)
}

/// `apps.v1.Deployment.default.web`: the file kubectl writes an object to.
fn object_path(kind: &crate::api::Kind, namespace: &str, name: &str) -> String {
    let group = if kind.group.is_empty() {
        String::new()
    } else {
        format!("{}.", kind.group)
    };
    format!("{group}{}.{}.{namespace}.{name}", kind.version, kind.kind)
}

/// The temporary files' time as `diff` prints it.
fn file_time(sim: &Sim) -> String {
    let rfc = sim.store.now().rfc3339();
    format!(
        "{}.000000000 +0000",
        rfc.trim_end_matches('Z').replacen('T', " ", 1)
    )
}

/// Both sides as diffed: without `managedFields`, and for a Secret every value of `data` and
/// `stringData` replaced by `***` (or `*** (before)` / `*** (after)` where the value changed),
/// as kubectl's masker does.
fn masked(live: Option<&Value>, merged: &Value) -> (Option<Value>, Value) {
    let mut live = live.map(|l| super::get::without_managed_fields(l, false));
    let mut merged = super::get::without_managed_fields(merged, false);
    if meta::str_at(&merged, "/kind") != "Secret" {
        return (live, merged);
    }
    for field in ["data", "stringData"] {
        let before = live.as_ref().and_then(|l| l.get(field)).cloned();
        let after = merged.get(field).cloned();
        let mask = |obj: &mut Value, other: Option<&Value>, tag: &str| {
            if let Some(map) = obj.get_mut(field).and_then(Value::as_object_mut) {
                for (key, value) in map.iter_mut() {
                    let same = other.and_then(|o| o.get(key)) == Some(&*value);
                    *value = Value::String(if same {
                        "***".into()
                    } else {
                        format!("*** ({tag})")
                    });
                }
            }
        };
        if let Some(l) = live.as_mut() {
            mask(l, after.as_ref(), "before");
        }
        mask(&mut merged, before.as_ref(), "after");
    }
    (live, merged)
}
