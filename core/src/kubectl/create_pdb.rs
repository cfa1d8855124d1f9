//! `kubectl create poddisruptionbudget NAME --selector=... --min-available=N|--max-unavailable=N`
//! (alias `pdb`): a policy/v1 PodDisruptionBudget built on the client, with kubectl's checks
//! and `metav1.ParseToLabelSelector`'s reading of the selector.

use serde_json::{Map, Value, json};

use super::args::{Flag, value};
use super::cordon::bare_dry_run;
use super::create::{exactly_one_name, parse_generator, print_result};
use super::shell::Shell;
use super::{dry_run, errors, namespace_of};
use crate::cluster::Output;
use crate::controllers::kind;
use crate::sim::Sim;

/// The budget's own flags (the printing ones are every `create` generator's).
pub(crate) const FLAGS: &[Flag] = &[
    value("selector", None),
    value("min-available", None),
    value("max-unavailable", None),
];

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = parse_generator(
        &bare_dry_run(words),
        FLAGS,
        "kubectl create poddisruptionbudget",
    )?;
    let name = exactly_one_name(&parsed, "kubectl create poddisruptionbudget")?;
    let mode = dry_run(&parsed)?;
    let selector = parsed.get("selector").unwrap_or("");
    let min = parsed.get("min-available").unwrap_or("");
    let max = parsed.get("max-unavailable").unwrap_or("");
    if name.is_empty() {
        return Err("error: name must be specified".into());
    }
    if selector.is_empty() {
        return Err("error: a selector must be specified".into());
    }
    match (min.is_empty(), max.is_empty()) {
        (true, true) => {
            return Err("error: one of min-available or max-unavailable must be specified".into());
        }
        (false, false) => {
            return Err("error: min-available and max-unavailable cannot be both specified".into());
        }
        _ => {}
    }
    // kubectl accepts `N` or `N%` here, nothing else.
    let number_or_percent = |s: &str| {
        let digits = s.strip_suffix('%').unwrap_or(s);
        !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
    };
    if !min.is_empty() && !number_or_percent(min) {
        return Err("error: invalid format specified for min-available".into());
    }
    if !max.is_empty() && !number_or_percent(max) {
        return Err("error: invalid format specified for max-unavailable".into());
    }
    let mut spec = json!({"selector": label_selector(selector)?});
    if min.is_empty() {
        spec["maxUnavailable"] = int_or_string(max);
    } else {
        spec["minAvailable"] = int_or_string(min);
    }
    let mut pdb = json!({
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": name},
        "spec": spec,
        "status": {"currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0, "expectedPods": 0},
    });
    let namespace = namespace_of(&parsed, shell);
    let output = parsed.get("output").unwrap_or("");
    let pdb_kind = kind("policy", "PodDisruptionBudget");
    if mode == "client" {
        if parsed.is_set("namespace") {
            pdb["metadata"]["namespace"] = json!(namespace);
        }
        return Ok(print_result(
            &pdb,
            pdb_kind,
            &name,
            output,
            "created (dry run)",
        ));
    }
    pdb["metadata"]["namespace"] = json!(namespace);
    let created = if mode == "server" {
        pdb
    } else {
        sim.store.create(pdb_kind, pdb).map_err(|status| {
            // kubectl wraps the API error in its own words, losing the "from server" part.
            let rendered = errors::render(&status);
            let message = rendered
                .split_once("): ")
                .map_or(rendered.as_str(), |(_, m)| m);
            format!("error: failed to create poddisruptionbudgets: {message}")
        })?
    };
    let verb = if mode == "server" {
        "created (server dry run)"
    } else {
        "created"
    };
    Ok(print_result(&created, pdb_kind, &name, output, verb))
}

/// `intstr.Parse`: a number becomes an integer, anything else stays a string.
fn int_or_string(s: &str) -> Value {
    s.parse::<i64>().map_or_else(|_| json!(s), |n| json!(n))
}

/// `metav1.ParseToLabelSelector`: `k=v` into `matchLabels`, set-based terms into
/// `matchExpressions` (sorted by key, values sorted), empty parts left out.
pub fn label_selector(selector: &str) -> Result<Value, String> {
    // `labels.ParseToRequirements`, on the client: its errors are kubectl's own.
    let parsed = crate::api::labels::parse(selector)
        .map_err(|e| format!("error: couldn't parse the selector string \"{selector}\": {e}"))?;
    let mut labels = Map::new();
    let mut expressions = Vec::new();
    for req in parsed.requirements {
        let (key, values) = (req.key, req.values);
        let operator = match req.operator.as_str() {
            "=" | "==" => {
                labels.insert(key, json!(values.first().cloned().unwrap_or_default()));
                continue;
            }
            "in" => "In",
            "notin" => "NotIn",
            "exists" => "Exists",
            "!" => "DoesNotExist",
            op @ ("gt" | "lt") => {
                return Err(format!(
                    "error: \"{op}\" isn't supported in label selectors"
                ));
            }
            other => {
                return Err(format!(
                    "error: \"{other}\" is not a valid label selector operator"
                ));
            }
        };
        let mut values = values;
        values.sort();
        values.dedup();
        let mut expression = json!({"key": key, "operator": operator});
        if !values.is_empty() {
            expression["values"] = json!(values);
        }
        expressions.push(expression);
    }
    let mut out = Map::new();
    if !labels.is_empty() {
        out.insert("matchLabels".into(), Value::Object(labels));
    }
    if !expressions.is_empty() {
        out.insert("matchExpressions".into(), Value::Array(expressions));
    }
    Ok(Value::Object(out))
}
