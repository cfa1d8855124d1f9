//! `kubectl set image TYPE NAME CONTAINER=IMAGE...`: new images for named containers (init
//! containers included), or for all of them with `*=IMAGE`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Options, objects, pod_spec_pointer, record_warning, resources_and_pairs, write};
use crate::api::meta;
use crate::cluster::Output;
use crate::kubectl::args::{self, Flag, switch, value};
use crate::kubectl::errors;
use crate::kubectl::shell::Shell;
use crate::sim::Sim;

const FLAGS: &[Flag] = &[
    switch("all", None),
    switch("allow-missing-template-keys", None),
    value("dry-run", None),
    value("field-manager", None),
    value("filename", Some('f')),
    value("kustomize", Some('k')),
    switch("local", None),
    value("output", Some('o')),
    switch("recursive", Some('R')),
    value("selector", Some('l')),
    switch("show-managed-fields", None),
    value("template", None),
    switch("record", None),
];

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let words = bare_dry_run(words);
    let parsed = args::parse(&words, FLAGS, "kubectl set image")?;
    let options = Options::new(&parsed, "set image", "image updated")?;
    let (resources, pairs) = resources_and_pairs(&parsed.args, "image")?;
    let images = parse_pairs(&pairs, "image")?;
    let found = objects(&parsed, &resources, options.local, shell, sim)?;
    if images.is_empty() {
        return Err("error: at least one image update is required".into());
    }
    if images.len() > 1 && images.contains_key("*") {
        return Err("error: all containers are already specified by *, but saw more than one container_name=container_image pairs".into());
    }
    let mut out = Output::default();
    record_warning(&parsed, &mut out);
    let mut problems = Vec::new();
    let mut printed = 0;
    for (kind, obj) in found {
        let pointer = match pod_spec_pointer(kind) {
            Ok(p) => p,
            Err(e) => {
                problems.push(format!(
                    "error: {} {e}",
                    super::info_name(kind, meta::name(&obj), options.local)
                ));
                continue;
            }
        };
        let mut changed = obj.clone();
        if let Some(spec) = changed.pointer_mut(pointer) {
            for (name, image) in &images {
                let in_init = set_image(spec, "initContainers", name, image);
                let in_main = set_image(spec, "containers", name, image);
                if !in_init && !in_main {
                    problems.push(format!("error: unable to find container named \"{name}\""));
                }
            }
        }
        if changed == obj {
            continue;
        }
        if let Err(e) = write(kind, changed, &options, sim, &mut out, &mut printed) {
            problems.push(format!("failed to patch image update to pod template: {e}"));
        }
    }
    Ok(errors::aggregate(out, problems))
}

/// Sets the image of the containers of one list named `name` (all of them for `*`); returns
/// whether any was found.
fn set_image(spec: &mut Value, list: &str, name: &str, image: &str) -> bool {
    let mut found = false;
    for c in spec
        .get_mut(list)
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if name == "*" || meta::str_at(c, "/name") == name {
            c["image"] = json!(image);
            found = true;
        }
    }
    found
}

/// `ParsePairs` without removals: `name=value` pairs, keyed by name.
pub(super) fn parse_pairs(
    pairs: &[String],
    pair_type: &str,
) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    let mut invalid = Vec::new();
    for pair in pairs {
        match pair.split_once('=') {
            Some((k, v)) if !k.is_empty() => {
                out.insert(k.to_string(), v.to_string());
            }
            _ => invalid.push(pair.as_str()),
        }
    }
    if !invalid.is_empty() {
        return Err(format!(
            "error: invalid {pair_type} format: {}",
            invalid.join(", ")
        ));
    }
    Ok(out)
}

/// `--dry-run` given bare means `--dry-run=client`.
pub(super) fn bare_dry_run(words: &[String]) -> Vec<String> {
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
