//! `kubectl set image TYPE NAME CONTAINER=IMAGE...`: new images for named containers (init
//! containers included), or for all of them with `*=IMAGE`.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{
    COMMON_FLAGS, Options, change_each, objects, pod_spec, record_warning, resources_and_pairs,
};
use crate::api::meta;
use crate::cluster::Output;
use crate::kubectl::args::{self, Flag, switch, value};
use crate::kubectl::errors;
use crate::kubectl::shell::Shell;
use crate::sim::Sim;

pub(crate) const FLAGS: &[Flag] = &[value("selector", Some('l')), switch("record", None)];

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let words = crate::kubectl::cordon::bare_dry_run(words);
    let parsed = args::parse_tables(&words, &[COMMON_FLAGS, FLAGS], "kubectl set image")?;
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
    let mut missing = Vec::new();
    let failed = change_each(
        found,
        &options,
        sim,
        &mut out,
        false,
        "failed to patch image update to pod template: ",
        |kind, info, obj| {
            let spec = pod_spec(kind, info, obj)?;
            for (name, image) in &images {
                let in_init = set_image(spec, "initContainers", name, image);
                let in_main = set_image(spec, "containers", name, image);
                if !in_init && !in_main {
                    missing.push(format!("error: unable to find container named \"{name}\""));
                }
            }
            Ok(true)
        },
    );
    let mut problems = missing;
    problems.extend(failed);
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
