//! `kubectl apply -f` (and `kubectl create -f`): objects read from manifest files.
//!
//! Apply keeps the applied configuration in the `kubectl.kubernetes.io/last-applied-configuration`
//! annotation and updates live objects with a three-way merge: fields in the new configuration
//! are set, fields that were applied before but are gone now are removed, everything else
//! (defaults, what controllers wrote) is kept. Lists are replaced whole (JSON merge patch);
//! strategic merge by key (containers by name) is not done yet.

use serde_json::{Map, Value, json};

use super::args::{self, Flag, switch, value};
use super::errors::{self, Failure};
use super::shell::Shell;
use super::{dry_run, namespace_of, object_name};
use crate::api::{meta, yaml};
use crate::cluster::Output;
use crate::sim::Sim;

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

const FLAGS: &[Flag] = &[
    value("filename", Some('f')),
    value("dry-run", None),
    value("output", Some('o')),
    switch("recursive", Some('R')),
    value("field-manager", None),
    switch("server-side", None),
    value("validate", None),
    switch("save-config", None),
];

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    process(words, shell, sim, Mode::Apply, "kubectl apply")
}

pub fn create_from_files(
    words: &[String],
    shell: &mut Shell,
    sim: &mut Sim,
) -> Result<Output, String> {
    process(words, shell, sim, Mode::Create, "kubectl create")
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Apply,
    Create,
}

fn process(
    words: &[String],
    shell: &mut Shell,
    sim: &mut Sim,
    mode: Mode,
    command: &str,
) -> Result<Output, String> {
    let parsed = args::parse(words, FLAGS, command)?;
    if parsed.switch("server-side") {
        return Err(
            "error: \"kubectl apply --server-side\" is not available in this sandbox yet".into(),
        );
    }
    let files = parsed.all("filename");
    if files.is_empty() {
        return Err(format!(
            "error: must specify one of -f and -k\nSee '{command} -h' for help and examples"
        ));
    }
    let dry = dry_run(&parsed)?;
    let namespace = namespace_of(&parsed, shell);
    let explicit_ns = parsed.is_set("namespace");
    let mut out = Output::default();
    // Reading errors (mapping, validation) and per-object API errors are reported at the end,
    // as kubectl's resource builder and apply/create collect them.
    let mut visit_failures = Vec::new();
    let mut object_failures = Vec::new();
    for file in files {
        let text = if file.starts_with("http://") || file.starts_with("https://") {
            return Err(format!(
                "error: unable to read URL \"{file}\": this sandbox has no network access to fetch it; paste the manifest into the editor instead"
            ));
        } else {
            shell
                .read_file(file)
                .ok_or_else(|| format!("error: the path \"{file}\" does not exist"))?
        };
        let docs = yaml::decode_documents(&text).map_err(|e| {
            format!("error: error parsing {file}: error converting YAML to JSON: {e}")
        })?;
        for doc in docs {
            match one(doc, file, &namespace, explicit_ns, mode, dry, sim) {
                Ok(line) => out.stdout.push_str(&line),
                Err(failure @ Failure::Api { .. }) => object_failures.push(failure),
                Err(failure) => visit_failures.push(failure),
            }
        }
    }
    let visit = Failure::Visit(visit_failures);
    let failures = match mode {
        Mode::Apply => [vec![visit], object_failures].concat(),
        Mode::Create => [object_failures, vec![visit]].concat(),
    };
    if let Some(report) = errors::report(&failures) {
        out.stderr.push_str(&report);
        out.stderr.push('\n');
        out.exit_code = 1;
    }
    Ok(out)
}

/// Applies or creates one document; returns the line to print or the error to report.
fn one(
    mut doc: Value,
    file: &str,
    namespace: &str,
    explicit_ns: bool,
    mode: Mode,
    dry: &str,
    sim: &mut Sim,
) -> Result<String, Failure> {
    let api_version = meta::str_at(&doc, "/apiVersion").to_string();
    let kind_name = meta::str_at(&doc, "/kind").to_string();
    let name = meta::name(&doc).to_string();
    if kind_name.is_empty() || api_version.is_empty() {
        let missing = match (api_version.is_empty(), kind_name.is_empty()) {
            (true, true) => "[apiVersion not set, kind not set]",
            (true, false) => "apiVersion not set",
            _ => "kind not set",
        };
        return Err(Failure::Client(format!(
            "error validating \"{file}\": error validating data: {missing}; if you choose to ignore these errors, turn validation off with --validate=false"
        )));
    }
    let Some(kind) = sim.store.kind_for(&api_version, &kind_name) else {
        return Err(Failure::Client(format!(
            "resource mapping not found for name: \"{name}\" namespace: \"{}\" from \"{file}\": no matches for kind \"{kind_name}\" in version \"{api_version}\"\nensure CRDs are installed first",
            meta::namespace(&doc)
        )));
    };
    if kind.namespaced {
        let doc_ns = meta::namespace(&doc).to_string();
        if !doc_ns.is_empty() && explicit_ns && doc_ns != namespace {
            return Err(Failure::Client(format!(
                "the namespace from the provided object \"{doc_ns}\" does not match the namespace \"{namespace}\". You must pass '--namespace={doc_ns}' to perform this operation."
            )));
        }
        if doc_ns.is_empty() {
            meta::metadata_mut(&mut doc).insert("namespace".into(), json!(namespace));
        }
    }
    let ns = meta::namespace(&doc).to_string();
    let label = object_name(kind, &name);
    let suffix = match dry {
        "client" => " (dry run)",
        "server" => " (server dry run)",
        _ => "",
    };
    let existing = sim.store.get(kind, &ns, &name).ok().cloned();
    if mode == Mode::Create {
        if dry != "none" {
            return Ok(format!("{label} created{suffix}\n"));
        }
        return match sim.store.create(kind, doc) {
            Ok(_) => Ok(format!("{label} created\n")),
            Err(status) => Err(Failure::Api {
                status: Box::new(status),
                verb: "creating",
                source: file.to_string(),
            }),
        };
    }
    let applied = last_applied(&doc);
    let mut with_annotation = doc.clone();
    annotations_mut(&mut with_annotation).insert(LAST_APPLIED.into(), json!(applied));
    let Some(live) = existing else {
        if dry != "none" {
            return Ok(format!("{label} created{suffix}\n"));
        }
        return match sim.store.create(kind, with_annotation) {
            Ok(_) => Ok(format!("{label} created\n")),
            Err(status) => Err(Failure::Api {
                status: Box::new(status),
                verb: "creating",
                source: file.to_string(),
            }),
        };
    };
    let previous: Value = live
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(LAST_APPLIED))
        .and_then(Value::as_str)
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(json!({}));
    let mut merged = live.clone();
    three_way(&mut merged, &previous, &with_annotation);
    if dry != "none" {
        return Ok(format!("{label} configured{suffix}\n"));
    }
    let before = meta::str_at(&live, "/metadata/resourceVersion").to_string();
    match sim.store.update(kind, merged) {
        Ok(after) if meta::str_at(&after, "/metadata/resourceVersion") == before => {
            Ok(format!("{label} unchanged\n"))
        }
        Ok(_) => Ok(format!("{label} configured\n")),
        Err(status) => Err(Failure::Api {
            status: Box::new(status),
            verb: "applying patch",
            source: file.to_string(),
        }),
    }
}

/// The annotation's value: the applied object as compact JSON (sorted keys), plus a newline.
fn last_applied(doc: &Value) -> String {
    format!("{}\n", serde_json::to_string(doc).unwrap_or_default())
}

fn annotations_mut(obj: &mut Value) -> &mut Map<String, Value> {
    meta::as_object_mut(
        meta::metadata_mut(obj)
            .entry("annotations")
            .or_insert(json!({})),
    )
}

/// Sets every field of `new` on `live`, and removes from `live` the fields that `previous`
/// (the last applied configuration) had and `new` no longer has.
fn three_way(live: &mut Value, previous: &Value, new: &Value) {
    let (Some(live_map), Some(new_map)) = (live.as_object_mut(), new.as_object()) else {
        *live = new.clone();
        return;
    };
    if let Some(prev_map) = previous.as_object() {
        for key in prev_map.keys() {
            if !new_map.contains_key(key) {
                live_map.remove(key);
            }
        }
    }
    for (key, value) in new_map {
        let prev_child = previous.get(key).cloned().unwrap_or(Value::Null);
        match live_map.get_mut(key) {
            Some(live_child) if value.is_object() && live_child.is_object() => {
                three_way(live_child, &prev_child, value);
            }
            _ => {
                live_map.insert(key.clone(), value.clone());
            }
        }
    }
}
