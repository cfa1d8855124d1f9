//! `kubectl set resources TYPE NAME --limits=cpu=200m,memory=512Mi --requests=...`: resource
//! requirements of the containers selected by `-c` (all by default).

use serde_json::{Map, Value, json};

use super::{
    COMMON_FLAGS, Options, change_each, objects, pod_spec, record_warning, selected_containers,
};
use crate::api::{meta, quantity};
use crate::cluster::Output;
use crate::kubectl::args::{self, Flag, switch, value};
use crate::kubectl::cordon::bare_dry_run;
use crate::kubectl::errors;
use crate::kubectl::shell::Shell;
use crate::sim::Sim;

pub(crate) const FLAGS: &[Flag] = &[
    value("containers", Some('c')),
    value("limits", None),
    value("requests", None),
    value("selector", Some('l')),
    switch("record", None),
];

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let words = bare_dry_run(words);
    let parsed = args::parse_tables(&words, &[COMMON_FLAGS, FLAGS], "kubectl set resources")?;
    let options = Options::new(&parsed, "set resources", "resource requirements updated")?;
    let found = objects(&parsed, &parsed.args, options.local, shell, sim)?;
    let limits = parsed.get("limits").unwrap_or("");
    let requests = parsed.get("requests").unwrap_or("");
    if limits.is_empty() && requests.is_empty() {
        return Err("error: you must specify an update to requests or limits (in the form of --requests/--limits)".into());
    }
    let limits = resource_list(limits)?;
    let requests = resource_list(requests)?;
    let pattern = parsed.get("containers").unwrap_or("*");
    let mut out = Output::default();
    record_warning(&parsed, &mut out);
    let mut missing = Vec::new();
    let failed = change_each(
        found,
        &options,
        sim,
        &mut out,
        false,
        "failed to patch resources update to pod template ",
        |kind, info, obj| {
            let containers = selected_containers(pod_spec(kind, info, obj)?, pattern);
            if containers.is_empty() {
                missing.push(format!("error: unable to find container named {pattern}"));
                return Ok(false);
            }
            for c in containers {
                let resources = meta::ensure_object(c, "resources");
                for (field, values) in [("limits", &limits), ("requests", &requests)] {
                    if values.is_empty() {
                        continue;
                    }
                    let target = meta::child_object(resources, field);
                    for (k, v) in values {
                        target.insert(k.clone(), v.clone());
                    }
                }
            }
            Ok(true)
        },
    );
    let mut problems = missing;
    problems.extend(failed);
    Ok(errors::aggregate(out, problems))
}

/// `parseResourceList`: `cpu=200m,memory=512Mi`.
fn resource_list(spec: &str) -> Result<Map<String, Value>, String> {
    let mut out = Map::new();
    if spec.is_empty() {
        return Ok(out);
    }
    for statement in spec.split(',') {
        let parts: Vec<&str> = statement.split('=').collect();
        let [name, amount] = parts.as_slice() else {
            return Err(format!(
                "error: Invalid argument syntax {statement}, expected <resource>=<value>"
            ));
        };
        if quantity::parse_milli(amount).is_none() {
            return Err("error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'".into());
        }
        out.insert((*name).to_string(), json!(amount));
    }
    Ok(out)
}
