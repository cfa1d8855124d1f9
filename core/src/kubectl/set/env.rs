//! `kubectl set env TYPE/NAME KEY=VALUE... KEY-...`: set or remove environment variables of
//! the containers selected by `-c` (all by default), or import every key of a ConfigMap or
//! Secret (`--from`, `--keys`, `--prefix`); `--list` prints the environment instead.

use serde_json::{Value, json};

use super::{COMMON_FLAGS, Options, change_each, objects, pod_spec, selected_containers};
use crate::api::meta;
use crate::cluster::Output;
use crate::kubectl::args::{self, Flag, switch, value};
use crate::kubectl::cordon::bare_dry_run;
use crate::kubectl::shell::Shell;
use crate::kubectl::{errors, namespace_of};
use crate::sim::Sim;

pub(crate) const FLAGS: &[Flag] = &[
    value("containers", Some('c')),
    value("env", Some('e')),
    value("from", None),
    value("keys", None),
    switch("list", None),
    switch("overwrite", None),
    value("prefix", None),
    switch("resolve", None),
    value("selector", Some('l')),
];

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let words = bare_dry_run(words);
    let parsed = args::parse_tables(&words, &[COMMON_FLAGS, FLAGS], "kubectl set env")?;
    if parsed.switch("all") && parsed.is_set("selector") {
        return Err("error: cannot set --all and --selector at the same time".into());
    }
    let (resources, env_args) = split_environment(&parsed.args)?;
    let options = Options::new(&parsed, "set env", "env updated")?;
    let list = parsed.switch("list");
    if parsed.all("filename").is_empty() && resources.is_empty() {
        return Err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>".into());
    }
    if list && !options.output.is_empty() {
        return Err("error: --list and --output may not be specified together".into());
    }
    let keys: Vec<String> = parsed
        .all("keys")
        .iter()
        .flat_map(|k| k.split(','))
        .filter(|k| !k.is_empty())
        .map(str::to_string)
        .collect();
    if !keys.is_empty() && !parsed.is_set("from") {
        return Err(
            "error: when specifying --keys, a configmap or secret must be provided with --from"
                .into(),
        );
    }
    let specs: Vec<String> = parsed
        .all("env")
        .iter()
        .chain(env_args.iter())
        .cloned()
        .collect();
    let (mut env, remove) = parse_env(&specs)?;
    let mut out = Output::default();
    if let Some(from) = parsed.get("from") {
        env.extend(env_from(from, &keys, &parsed, shell, sim, &mut out)?);
    }
    if let Some(prefix) = parsed.get("prefix") {
        for e in &mut env {
            let name = format!("{prefix}{}", meta::str_at(e, "/name"));
            e["name"] = json!(name);
        }
    }
    let found = objects(&parsed, &resources, options.local, shell, sim)?;
    let pattern = parsed.get("containers").unwrap_or("*");
    let overwrite = parsed.get("overwrite").is_none_or(|o| o == "true");
    let mut listing = String::new();
    let mut warnings = String::new();
    let problems = change_each(
        found,
        &options,
        sim,
        &mut out,
        false,
        "failed to patch env update to pod template: ",
        |kind, info, obj| {
            let name = meta::name(obj).to_string();
            let containers = selected_containers(pod_spec(kind, info, obj)?, pattern);
            if containers.is_empty() {
                warnings.push_str(&format!(
                    "Warning: {}/{name} does not have any containers matching \"{pattern}\"\n",
                    kind.kind
                ));
                return Ok(false);
            }
            for c in containers {
                let existing = c
                    .get("env")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                if !overwrite && let Some(e) = overwrite_problem(&existing, &env) {
                    // kubectl v1.35 prints this one with the message on a line of its own.
                    return Err(format!("error: {info}\n {e}"));
                }
                let updated = update_env(&existing, &env, &remove);
                if list {
                    listing.push_str(&format!(
                        "# {} {name}, container {}\n",
                        kind.kind,
                        meta::str_at(c, "/name")
                    ));
                    for e in &updated {
                        listing.push_str(&list_line(e));
                    }
                }
                let map = meta::as_object_mut(c);
                if updated.is_empty() {
                    map.remove("env");
                } else {
                    map.insert("env".into(), Value::Array(updated));
                }
            }
            Ok(!list)
        },
    );
    out.stdout.insert_str(0, &listing);
    out.stderr.insert_str(0, &warnings);
    Ok(errors::aggregate(out, problems))
}

/// `SplitEnvironmentFromResources`: resources first, then `KEY=VALUE` and `KEY-` arguments.
fn split_environment(args: &[String]) -> Result<(Vec<String>, Vec<String>), String> {
    let mut resources = Vec::new();
    let mut env = Vec::new();
    for s in args {
        let is_env = s.find('=').is_some_and(|i| i > 0) || s.ends_with('-');
        if is_env {
            env.push(s.clone());
        } else if env.is_empty() {
            resources.push(s.clone());
        } else {
            return Err(format!(
                "error: all resources must be specified before environment changes: {}",
                args.join(" ")
            ));
        }
    }
    Ok((resources, env))
}

/// `ParseEnv`: variables to set (in order) and names to remove.
fn parse_env(specs: &[String]) -> Result<(Vec<Value>, Vec<String>), String> {
    let mut env = Vec::new();
    let mut set_names = Vec::new();
    let mut remove = Vec::new();
    for spec in specs {
        if let Some((name, value)) = spec.split_once('=') {
            if name.is_empty() {
                return Err(format!("error: invalid environment variable: {spec}"));
            }
            set_names.push(name.to_string());
            env.push(json!({"name": name, "value": value}));
        } else if let Some(name) = spec.strip_suffix('-') {
            remove.push(name.to_string());
        } else {
            return Err(format!("error: unknown environment variable: {spec}"));
        }
    }
    if remove.iter().any(|r| set_names.contains(r)) {
        return Err("error: can not both modify and remove the same environment variable in the same command".into());
    }
    Ok((env, remove))
}

/// `--from=configmap/NAME` or `secret/NAME`: one variable per key (of `--keys`, if given), its
/// name upper-cased with anything but letters, digits and `_` turned into `_`.
fn env_from(
    from: &str,
    keys: &[String],
    parsed: &args::Parsed,
    shell: &Shell,
    sim: &Sim,
    out: &mut Output,
) -> Result<Vec<Value>, String> {
    let namespace = namespace_of(parsed, shell);
    let targets = crate::kubectl::delete::targets(
        &[from.to_string()],
        parsed.switch("all"),
        parsed.get("selector"),
        &namespace,
        false,
        sim,
    )?;
    let mut env = Vec::new();
    for (kind, ns, name) in targets {
        let obj = sim
            .store
            .get(kind, &ns, &name)
            .map_err(|s| errors::render(&s))?;
        let reference = match (kind.group, kind.kind) {
            ("", "ConfigMap") => "configMapKeyRef",
            ("", "Secret") => "secretKeyRef",
            _ => return Err("error: unsupported resource specified in --from".into()),
        };
        let data = obj.get("data").and_then(Value::as_object);
        for key in data.into_iter().flat_map(|d| d.keys()) {
            if !keys.is_empty() && !keys.contains(key) {
                continue;
            }
            let env_name: String = key
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect::<String>()
                .to_uppercase();
            if env_name != *key {
                out.stderr
                    .push_str(&format!("Warning: key {key} transferred to {env_name}\n"));
            }
            env.push(
                json!({"name": env_name, "valueFrom": {reference: {"name": name, "key": key}}}),
            );
        }
    }
    Ok(env)
}

/// `updateEnv`: existing variables keep their place (replaced or removed), new ones follow.
fn update_env(existing: &[Value], env: &[Value], remove: &[String]) -> Vec<Value> {
    let name = |e: &Value| meta::str_at(e, "/name").to_string();
    let mut covered: Vec<String> = remove.to_vec();
    let mut out = Vec::new();
    for e in existing {
        let n = name(e);
        if covered.contains(&n) {
            continue;
        }
        match env.iter().find(|x| name(x) == n) {
            Some(newer) => {
                covered.push(n);
                out.push(newer.clone());
            }
            None => out.push(e.clone()),
        }
    }
    for e in env {
        let n = name(e);
        if !covered.contains(&n) {
            covered.push(n);
            out.push(e.clone());
        }
    }
    out
}

/// `validateNoOverwrites`, for `--overwrite=false`.
fn overwrite_problem(existing: &[Value], env: &[Value]) -> Option<String> {
    env.iter().find_map(|e| {
        let n = meta::str_at(e, "/name");
        let current = existing.iter().find(|x| meta::str_at(x, "/name") == n)?;
        let value = meta::str_at(current, "/value");
        (value != meta::str_at(e, "/value"))
            .then(|| format!("'{n}' already has a value ({value}), and --overwrite is false"))
    })
}

/// A `--list` line: `KEY=value`, or where the value comes from.
fn list_line(e: &Value) -> String {
    let name = meta::str_at(e, "/name");
    let Some(from) = e.get("valueFrom") else {
        return format!("{name}={}\n", meta::str_at(e, "/value"));
    };
    let source = if let Some(r) = from.get("configMapKeyRef") {
        format!(
            "configmap {}, key {}",
            meta::str_at(r, "/name"),
            meta::str_at(r, "/key")
        )
    } else if let Some(r) = from.get("secretKeyRef") {
        format!(
            "secret {}, key {}",
            meta::str_at(r, "/name"),
            meta::str_at(r, "/key")
        )
    } else if let Some(r) = from.get("fieldRef") {
        format!("field path {}", meta::str_at(r, "/fieldPath"))
    } else if let Some(r) = from.get("resourceFieldRef") {
        let container = meta::str_at(r, "/containerName");
        let prefix = if container.is_empty() {
            String::new()
        } else {
            format!("{container}/")
        };
        format!("resource field {prefix}{}", meta::str_at(r, "/resource"))
    } else {
        "invalid valueFrom".into()
    };
    format!("# {name} from {source}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_updates_keep_order() {
        let existing = vec![
            json!({"name": "A", "value": "1"}),
            json!({"name": "B", "value": "2"}),
        ];
        let env = vec![
            json!({"name": "B", "value": "3"}),
            json!({"name": "C", "value": "4"}),
        ];
        let updated = update_env(&existing, &env, &["A".to_string()]);
        assert_eq!(
            updated,
            vec![
                json!({"name": "B", "value": "3"}),
                json!({"name": "C", "value": "4"})
            ]
        );
    }

    #[test]
    fn set_and_remove_of_one_name_is_refused() {
        let specs = vec!["A=1".to_string(), "A-".to_string()];
        assert_eq!(
            parse_env(&specs).err().as_deref(),
            Some(
                "error: can not both modify and remove the same environment variable in the same command"
            )
        );
    }
}
