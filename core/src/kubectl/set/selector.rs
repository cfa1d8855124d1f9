//! `kubectl set selector` (a Service's selector, replaced whole) and `kubectl set
//! serviceaccount` (the service account of a pod template). Unlike the other `set` commands,
//! both report every object, changed or not.

use serde_json::{Map, Value, json};

use super::{COMMON_FLAGS, Options, change_each, objects, pod_spec, record_warning, write};
use crate::api::meta;
use crate::cluster::Output;
use crate::kubectl::args::{self, Flag, switch, value};
use crate::kubectl::cordon::bare_dry_run;
use crate::kubectl::errors;
use crate::kubectl::shell::Shell;
use crate::sim::Sim;

pub(crate) const SELECTOR_FLAGS: &[Flag] =
    &[value("resource-version", None), switch("record", None)];

pub(crate) const SERVICE_ACCOUNT_FLAGS: &[Flag] = &[switch("record", None)];

pub fn run_selector(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let words = bare_dry_run(words);
    let parsed = args::parse_tables(
        &words,
        &[COMMON_FLAGS, SELECTOR_FLAGS],
        "kubectl set selector",
    )?;
    let options = Options::new(&parsed, "set selector", "selector updated")?;
    let Some((expression, resources)) = parsed.args.split_last() else {
        return Err("error: one selector is required".into());
    };
    let (labels, expressions) = label_selector(expression)?;
    let found = objects(&parsed, resources, options.local, shell, sim)?;
    let mut out = Output::default();
    record_warning(&parsed, &mut out);
    let mut printed = 0;
    for (kind, obj) in found {
        if !(kind.group.is_empty() && kind.kind == "Service") {
            return Err("error: setting a selector is only supported for Services".into());
        }
        if !expressions.is_empty() {
            return Err(format!(
                "error: match expression [{}] not supported on this object",
                expressions.join(" ")
            ));
        }
        let mut changed = obj.clone();
        if let Some(rv) = parsed.get("resource-version") {
            meta::metadata_mut(&mut changed).insert("resourceVersion".into(), json!(rv));
        }
        meta::ensure_object(&mut changed, "spec")
            .insert("selector".into(), Value::Object(labels.clone()));
        write(kind, changed, &options, sim, &mut out, &mut printed)?;
    }
    Ok(out)
}

/// `ParseToLabelSelector` (as `create pdb` reads a selector): the match labels, and the match
/// expressions as Go prints them (`{app In [a b]}`).
fn label_selector(expression: &str) -> Result<(Map<String, Value>, Vec<String>), String> {
    let selector = crate::kubectl::create_pdb::label_selector(expression)?;
    let labels = selector
        .get("matchLabels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let expressions = selector
        .get("matchExpressions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|e| {
            let values: Vec<&str> = meta::array_at(e, "/values")
                .iter()
                .filter_map(Value::as_str)
                .collect();
            format!(
                "{{{} {} [{}]}}",
                meta::str_at(e, "/key"),
                meta::str_at(e, "/operator"),
                values.join(" ")
            )
        })
        .collect();
    Ok((labels, expressions))
}

pub fn run_service_account(
    words: &[String],
    shell: &mut Shell,
    sim: &mut Sim,
) -> Result<Output, String> {
    let words = bare_dry_run(words);
    let parsed = args::parse_tables(
        &words,
        &[COMMON_FLAGS, SERVICE_ACCOUNT_FLAGS],
        "kubectl set serviceaccount",
    )?;
    let options = Options::new(&parsed, "set serviceaccount", "serviceaccount updated")?;
    let Some((account, resources)) = parsed.args.split_last() else {
        return Err("error: serviceaccount is required".into());
    };
    let found = objects(&parsed, resources, options.local, shell, sim)?;
    let mut out = Output::default();
    record_warning(&parsed, &mut out);
    let problems = change_each(
        found,
        &options,
        sim,
        &mut out,
        true,
        "failed to patch ServiceAccountName ",
        |kind, info, obj| {
            meta::as_object_mut(pod_spec(kind, info, obj)?)
                .insert("serviceAccountName".into(), json!(account));
            Ok(true)
        },
    );
    Ok(errors::aggregate(out, problems))
}
