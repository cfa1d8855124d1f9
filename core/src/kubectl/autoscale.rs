//! `kubectl autoscale`: an autoscaling/v2 HorizontalPodAutoscaler for a Deployment,
//! ReplicaSet, StatefulSet or ReplicationController, built on the client as kubectl v1.35
//! builds it: `--max` (required), `--min` (left to the server's default when absent),
//! `--cpu` and `--memory` as a utilization (`70%`) or an average value (`500m`, `200Mi`; a bare
//! number is millicores or mebibytes), and the deprecated `--cpu-percent`.

use serde_json::{Value, json};

use super::args::{self, Flag, switch, value};
use super::create::print_result;
use super::shell::Shell;
use super::{dry_run, errors, namespace_of, resolve_kind};
use crate::api::meta;
use crate::api::quantity::Quantity;
use crate::cluster::Output;
use crate::controllers::kind;
use crate::sim::Sim;

pub(crate) const FLAGS: &[Flag] = &[
    value("min", None),
    value("max", None),
    value("cpu-percent", None),
    value("cpu", None),
    value("memory", None),
    value("name", None),
    value("dry-run", None),
    value("output", Some('o')),
    value("filename", Some('f')),
    value("field-manager", None),
    value("template", None),
    switch("save-config", None),
    switch("record", None),
    switch("show-managed-fields", None),
    switch("allow-missing-template-keys", None),
    switch("recursive", Some('R')),
];

const DEPRECATED_CPU_PERCENT: &str = "Flag --cpu-percent has been deprecated, Use --cpu with percentage or resource quantity format (e.g., '70%' for utilization or '500m' for milliCPU).\n";

/// An `int32` flag as pflag parses it, `default` when absent.
fn int_flag(parsed: &args::Parsed, flag: &str, default: i64) -> Result<i64, String> {
    match parsed.get(flag) {
        None => Ok(default),
        Some(v) => v.parse::<i32>().map(i64::from).map_err(|_| {
            format!(
                "error: invalid argument \"{v}\" for \"--{flag}\" flag: strconv.ParseInt: parsing \"{v}\": {}\nSee 'kubectl autoscale --help' for usage.",
                if v.parse::<i64>().is_ok() {
                    "value out of range"
                } else {
                    "invalid syntax"
                }
            )
        }),
    }
}

/// A metric target as `parseResourceInput` reads it.
#[derive(Debug, PartialEq)]
enum Target {
    Utilization(i64),
    AverageValue(String),
}

/// `parseResourceInput`: `70%`, a bare number (millicores or mebibytes) or a quantity.
fn parse_target(input: &str, resource: &str) -> Result<Target, String> {
    let input = input.trim();
    if input.is_empty() {
        return Err("error: empty input".into());
    }
    if let Some(number) = input.strip_suffix('%') {
        return match number.parse::<i32>() {
            Ok(v) if v >= 0 => Ok(Target::Utilization(i64::from(v))),
            _ => Err(format!("error: invalid percentage value: {number}")),
        };
    }
    if let Ok(number) = input.parse::<f64>() {
        let unit = if resource == "cpu" { "m" } else { "Mi" };
        // Go's `%g` of the number, then the unit.
        let text = format!("{number}{unit}");
        return Quantity::parse(&text)
            .map(|q| Target::AverageValue(q.to_string()))
            .map_err(|_| "error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'".to_string());
    }
    Quantity::parse(input)
        .map(|q| Target::AverageValue(q.to_string()))
        .map_err(|_| format!("error: invalid resource {resource} value: {input}"))
}

fn metric(resource: &str, target: Target) -> Value {
    let target = match target {
        Target::Utilization(u) => json!({"averageUtilization": u, "type": "Utilization"}),
        Target::AverageValue(v) => json!({"averageValue": v, "type": "AverageValue"}),
    };
    json!({"resource": {"name": resource, "target": target}, "type": "Resource"})
}

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, FLAGS, "kubectl autoscale")?;
    let mut warnings = String::new();
    if parsed.is_set("cpu-percent") {
        warnings.push_str(DEPRECATED_CPU_PERCENT);
    }
    let fail = |warnings: &str, message: String| {
        let mut out = Output::error(format!("{message}\n"), 1);
        out.stderr.insert_str(0, warnings);
        out
    };
    // pflag's parse errors come before cobra's required-flag check.
    let (min, max, cpu_percent) = match (
        int_flag(&parsed, "min", -1),
        int_flag(&parsed, "max", -1),
        int_flag(&parsed, "cpu-percent", -1),
    ) {
        (Ok(min), Ok(max), Ok(cpu)) => (min, max, cpu),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return Ok(fail(&warnings, e)),
    };
    if !parsed.is_set("max") {
        return Ok(fail(
            &warnings,
            "error: required flag(s) \"max\" not set".into(),
        ));
    }
    let cpu = parsed.get("cpu").unwrap_or("");
    let memory = parsed.get("memory").unwrap_or("");
    let validated = (|| {
        if max < 1 {
            return Err(format!(
                "error: --max=MAXPODS is required and must be at least 1, max: {max}"
            ));
        }
        if max < min {
            return Err(format!(
                "error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: {max}, min: {min}"
            ));
        }
        if cpu_percent > 0 && !cpu.is_empty() {
            return Err("error: --cpu-percent and --cpu are mutually exclusive".into());
        }
        let mut metrics = Vec::new();
        if cpu_percent > 0 {
            metrics.push(metric("cpu", Target::Utilization(cpu_percent)));
        }
        if !cpu.is_empty() {
            metrics.push(metric("cpu", parse_target(cpu, "cpu")?));
        }
        if !memory.is_empty() {
            metrics.push(metric("memory", parse_target(memory, "memory")?));
        }
        Ok(metrics)
    })();
    let metrics = match validated {
        Ok(m) => m,
        Err(e) => return Ok(fail(&warnings, e)),
    };
    let (typed, name) = match parsed.args.as_slice() {
        [one] if one.contains('/') => one
            .split_once('/')
            .map(|(t, n)| (t.to_string(), n.to_string()))
            .unwrap_or_default(),
        [t, n] => (t.clone(), n.clone()),
        _ => {
            return Ok(fail(
                &warnings,
                "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'".into(),
            ));
        }
    };
    let mut out = match create(&parsed, &typed, &name, min, max, metrics, shell, sim) {
        Ok(out) => out,
        Err(e) => fail("", e),
    };
    out.stderr.insert_str(0, &warnings);
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
fn create(
    parsed: &args::Parsed,
    typed: &str,
    name: &str,
    min: i64,
    max: i64,
    metrics: Vec<Value>,
    shell: &Shell,
    sim: &mut Sim,
) -> Result<Output, String> {
    let target_kind = resolve_kind(&sim.store, typed)?;
    let namespace = namespace_of(parsed, shell);
    sim.store
        .get(target_kind, &namespace, name)
        .map_err(|s| errors::render(&s))?;
    if !matches!(
        target_kind.kind,
        "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController"
    ) || target_kind.group.contains('.')
    {
        return Err(format!(
            "error: cannot autoscale a {}: could not find scale subresource for {}/{}, Resource={} in discovery information",
            target_kind.kind, target_kind.group, target_kind.version, target_kind.plural
        ));
    }
    let hpa_name = parsed.get("name").filter(|n| !n.is_empty()).unwrap_or(name);
    let mut spec = json!({
        "maxReplicas": max,
        "scaleTargetRef": {
            "apiVersion": target_kind.api_version(),
            "kind": target_kind.kind,
            "name": name,
        },
    });
    if !metrics.is_empty() {
        spec["metrics"] = Value::Array(metrics);
    }
    if min > 0 {
        spec["minReplicas"] = json!(min);
    }
    let hpa = json!({
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": hpa_name},
        "spec": spec,
        "status": {"currentMetrics": null, "desiredReplicas": 0},
    });
    let hpa_kind = kind("autoscaling", "HorizontalPodAutoscaler");
    let output = parsed.get("output").unwrap_or("");
    let mode = dry_run(parsed)?;
    if mode == "client" {
        return Ok(print_result(
            &hpa,
            hpa_kind,
            hpa_name,
            output,
            "created (dry run)",
        ));
    }
    let mut hpa = hpa;
    hpa["metadata"]["namespace"] = json!(namespace);
    sim.store
        .set_manager(parsed.get("field-manager").unwrap_or("kubectl-autoscale"));
    if mode == "server" {
        // No server-side dry run in the store: the object as sent.
        return Ok(print_result(
            &hpa,
            hpa_kind,
            hpa_name,
            output,
            "autoscaled (server dry run)",
        ));
    }
    let created = sim
        .store
        .create(hpa_kind, hpa)
        .map_err(|s| errors::render(&s))?;
    let shown = super::get::without_managed_fields(&created, parsed.switch("show-managed-fields"));
    Ok(print_result(
        &shown,
        hpa_kind,
        meta::name(&created),
        output,
        "autoscaled",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_read_as_kubectl_reads_them() {
        assert_eq!(parse_target("70%", "cpu"), Ok(Target::Utilization(70)));
        assert_eq!(
            parse_target("500", "cpu"),
            Ok(Target::AverageValue("500m".into()))
        );
        assert_eq!(
            parse_target("200", "memory"),
            Ok(Target::AverageValue("200Mi".into()))
        );
        assert_eq!(
            parse_target("1Gi", "memory"),
            Ok(Target::AverageValue("1Gi".into()))
        );
        assert_eq!(
            parse_target("abc", "cpu"),
            Err("error: invalid resource cpu value: abc".into())
        );
        assert_eq!(
            parse_target("5x%", "cpu"),
            Err("error: invalid percentage value: 5x".into())
        );
    }
}
