//! `kubectl scale`: sets `spec.replicas` of a Deployment, ReplicaSet, ReplicationController or
//! StatefulSet (optionally only if it currently has `--current-replicas`).

use serde_json::json;

use super::args::{self, Flag, value};
use super::shell::Shell;
use super::{errors, namespace_of, object_name, resolve_kind};
use crate::cluster::Output;
use crate::sim::Sim;

pub(crate) const FLAGS: &[Flag] = &[
    value("replicas", None),
    value("current-replicas", None),
    value("filename", Some('f')),
    value("selector", Some('l')),
];

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, FLAGS, "kubectl scale")?;
    let Some(replicas) = parsed.get("replicas") else {
        return Err("error: required flag(s) \"replicas\" not set".into());
    };
    let replicas: i64 = replicas.parse().map_err(|_| {
        format!("error: invalid argument \"{replicas}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{replicas}\": invalid syntax\nSee 'kubectl scale --help' for usage.")
    })?;
    if replicas < 0 {
        return Err("error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0".into());
    }
    let targets: Vec<(String, String)> = match parsed.args.as_slice() {
        // `rc/foo rc/bar`: every argument in TYPE/NAME form.
        all if !all.is_empty() && all.iter().all(|a| a.contains('/')) => all
            .iter()
            .map(|a| {
                let (t, n) = a.split_once('/').unwrap_or((a, ""));
                (t.to_string(), n.to_string())
            })
            .collect(),
        [t, names @ ..] if !names.is_empty() => {
            names.iter().map(|n| (t.clone(), n.clone())).collect()
        }
        _ => return Err("error: resource(s) were provided, but no name was specified".into()),
    };
    let namespace = namespace_of(&parsed, shell);
    let mut out = Output::default();
    for (typed, name) in targets {
        let kind = resolve_kind(&sim.store, &typed)?;
        if !matches!(
            kind.kind,
            "Deployment" | "ReplicaSet" | "ReplicationController" | "StatefulSet"
        ) {
            return Err(format!(
                "error: no scaler has been implemented for {{\"{}\" \"{}\"}}",
                kind.group, kind.kind
            ));
        }
        let mut obj = match sim.store.get(kind, &namespace, &name) {
            Ok(o) => o.clone(),
            Err(status) => {
                out.stderr
                    .push_str(&format!("{}\n", errors::render(&status)));
                out.exit_code = 1;
                continue;
            }
        };
        if let Some(current) = parsed.get("current-replicas") {
            let now = obj
                .pointer("/spec/replicas")
                .and_then(|v| v.as_i64())
                .unwrap_or(1);
            if current.parse::<i64>().ok() != Some(now) {
                out.stderr.push_str(&format!(
                    "error: Expected replicas to be {current}, was {now}\n"
                ));
                out.exit_code = 1;
                continue;
            }
        }
        obj["spec"]["replicas"] = json!(replicas);
        // kubectl scales through the `scale` subresource, as its own user agent ("kubectl").
        match sim.store.update_as(kind, obj, "scale") {
            Ok(_) => out
                .stdout
                .push_str(&format!("{} scaled\n", object_name(kind, &name))),
            Err(status) => {
                out.stderr
                    .push_str(&format!("{}\n", errors::render(&status)));
                out.exit_code = 1;
            }
        }
    }
    Ok(out)
}
