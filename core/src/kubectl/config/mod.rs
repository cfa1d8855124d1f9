//! `kubectl config`: reading and editing the kubeconfig ([`kubeconfig`]) that says which
//! cluster kubectl talks to, as whom, and in which namespace by default. Nothing here reaches
//! the API server. Messages are kubectl v1.35's; where kubectl names the file, it is
//! [`kubeconfig::PATH`].

pub mod kubeconfig;
mod view;

use serde_json::{Map, Value, json};

use super::args::{self, Flag, switch, value};
use super::printers::table;
use super::shell::Shell;
use crate::cluster::Output;
use kubeconfig::{Kubeconfig, PATH};

const VIEW_FLAGS: &[Flag] = &[
    switch("minify", None),
    switch("raw", None),
    switch("flatten", None),
    switch("merge", None),
    value("output", Some('o')),
];
const GET_CONTEXTS_FLAGS: &[Flag] = &[value("output", Some('o')), switch("no-headers", None)];
const SET_CONTEXT_FLAGS: &[Flag] = &[switch("current", None)];
const SET_CREDENTIALS_FLAGS: &[Flag] = &[
    value("client-certificate", None),
    value("client-key", None),
    value("token", None),
    value("username", None),
    value("password", None),
    switch("embed-certs", None),
];
const SET_CLUSTER_FLAGS: &[Flag] = &[
    value("server", None),
    value("certificate-authority", None),
    switch("insecure-skip-tls-verify", None),
    value("tls-server-name", None),
    value("proxy-url", None),
    switch("embed-certs", None),
];

/// Runs `kubectl config <words>`.
pub fn run(words: &[String], shell: &mut Shell) -> Result<Output, String> {
    let Some((sub, rest)) = words.split_first() else {
        return Ok(Output::ok(crate::kubectl::help::of("config")));
    };
    let command = format!("kubectl config {sub}");
    let parse = |flags: &[Flag]| args::parse(rest, flags, &command);
    let config = &mut shell.kubeconfig;
    match sub.as_str() {
        "view" => {
            let parsed = parse(VIEW_FLAGS)?;
            let context = parsed
                .get("context")
                .map_or(config.current_context.clone(), str::to_string);
            let minify = parsed.switch("minify");
            if minify {
                if context.is_empty() {
                    return Err("error: current-context must exist in order to minify".into());
                }
                if !config.contexts.contains_key(&context) {
                    return Err(format!("error: cannot locate context {context}"));
                }
            }
            let raw = parsed.switch("raw") || parsed.switch("flatten");
            let mut doc = view::document(config, &context, minify, raw);
            if minify {
                // The minified configuration is the context's alone.
                doc["current-context"] = json!(context);
            }
            let out = match parsed.get("output").unwrap_or("yaml") {
                "yaml" => view::to_yaml(&doc),
                "json" => view::to_json(&doc),
                "name" => "config/<unknown>\n".into(),
                other => match other.split_once('=') {
                    Some(("jsonpath", t)) => view::jsonpath(&doc, t)?,
                    _ => {
                        return Err(format!(
                            "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,jsonpath,jsonpath-as-json,jsonpath-file,name,yaml"
                        ));
                    }
                },
            };
            Ok(Output::ok(out))
        }
        "current-context" => {
            parse(&[])?;
            if config.current_context.is_empty() {
                return Err("error: current-context is not set".into());
            }
            Ok(Output::ok(format!("{}\n", config.current_context)))
        }
        "get-contexts" => get_contexts(config, &parse(GET_CONTEXTS_FLAGS)?),
        "get-users" | "get-clusters" => {
            parse(&[])?;
            let entries = if sub == "get-users" {
                &config.users
            } else {
                &config.clusters
            };
            let mut out = String::from("NAME\n");
            for name in entries.keys() {
                out.push_str(name);
                out.push('\n');
            }
            Ok(Output::ok(out))
        }
        "use-context" | "use" => {
            let parsed = parse(&[])?;
            let [name] = parsed.args.as_slice() else {
                return Err(format!("error: Unexpected args: {}", go_list(&parsed.args)));
            };
            if !config.contexts.contains_key(name) {
                return Err(format!("error: no context exists with the name: {name:?}"));
            }
            config.current_context = name.clone();
            Ok(Output::ok(format!("Switched to context {name:?}.\n")))
        }
        "set-context" => set_context(config, &parse(SET_CONTEXT_FLAGS)?),
        "set-credentials" => {
            let parsed = parse(SET_CREDENTIALS_FLAGS)?;
            let [name] = parsed.args.as_slice() else {
                return Err(format!("error: unexpected args: {}", go_list(&parsed.args)));
            };
            let entry = config.users.entry(name.clone()).or_default();
            for field in [
                "client-certificate",
                "client-key",
                "token",
                "username",
                "password",
            ] {
                if let Some(v) = parsed.get(field) {
                    set_or_clear(entry, field, v);
                }
            }
            Ok(Output::ok(format!("User {name:?} set.\n")))
        }
        "set-cluster" => {
            let parsed = parse(SET_CLUSTER_FLAGS)?;
            let [name] = parsed.args.as_slice() else {
                return Err(format!("error: Unexpected args: {}", go_list(&parsed.args)));
            };
            let entry = config.clusters.entry(name.clone()).or_default();
            for field in [
                "server",
                "certificate-authority",
                "tls-server-name",
                "proxy-url",
            ] {
                if let Some(v) = parsed.get(field) {
                    set_or_clear(entry, field, v);
                }
            }
            if parsed.is_set("insecure-skip-tls-verify") {
                entry.insert(
                    "insecure-skip-tls-verify".into(),
                    json!(parsed.switch("insecure-skip-tls-verify")),
                );
            }
            Ok(Output::ok(format!("Cluster {name:?} set.\n")))
        }
        "delete-context" | "delete-user" | "delete-cluster" => {
            let parsed = parse(&[])?;
            let what = sub.trim_start_matches("delete-");
            let [name] = parsed.args.as_slice() else {
                return Err(format!("error: Unexpected args: {}", go_list(&parsed.args)));
            };
            let entries = match what {
                "context" => &mut config.contexts,
                "user" => &mut config.users,
                _ => &mut config.clusters,
            };
            if entries.remove(name).is_none() {
                return Err(format!("error: cannot delete {what} {name}, not in {PATH}"));
            }
            let mut out = Output::ok(format!("deleted {what} {name} from {PATH}\n"));
            if what == "context" && *name == config.current_context {
                out.stderr = "warning: this removed your active context, use \"kubectl config use-context\" to select a different one\n".into();
            }
            Ok(out)
        }
        "rename-context" => {
            let parsed = parse(&[])?;
            let [old, new] = parsed.args.as_slice() else {
                return Err(format!("error: Unexpected args: {}", go_list(&parsed.args)));
            };
            if config.contexts.contains_key(new) {
                return Err(format!(
                    "error: cannot rename the context {old:?}, the context {new:?} already exists in {PATH}"
                ));
            }
            let Some(context) = config.contexts.remove(old) else {
                return Err(format!(
                    "error: cannot rename the context {old:?}, it's not in {PATH}"
                ));
            };
            config.contexts.insert(new.clone(), context);
            if config.current_context == *old {
                config.current_context = new.clone();
            }
            Ok(Output::ok(format!("Context {old:?} renamed to {new:?}.\n")))
        }
        "unset" => {
            let parsed = parse(&[])?;
            let [property] = parsed.args.as_slice() else {
                return Err(format!("error: Unexpected args: {}", go_list(&parsed.args)));
            };
            unset(config, property)?;
            Ok(Output::ok(format!("Property {property:?} unset.\n")))
        }
        other => Err(format!(
            "error: unknown command {other:?}\nSee 'kubectl config -h' for help and examples"
        )),
    }
}

fn set_or_clear(entry: &mut Map<String, Value>, field: &str, v: &str) {
    if v.is_empty() {
        entry.remove(field);
    } else {
        entry.insert(field.into(), json!(v));
    }
}

/// Go's `%v` of a string slice: `[a b]`.
fn go_list(items: &[String]) -> String {
    super::describe::go_list(&items.iter().map(String::as_str).collect::<Vec<_>>())
}

/// `kubectl config get-contexts [NAME...]`: a table with a star on the current context.
fn get_contexts(config: &Kubeconfig, parsed: &args::Parsed) -> Result<Output, String> {
    let names: Vec<&String> = if parsed.args.is_empty() {
        config.contexts.keys().collect()
    } else {
        parsed.args.iter().collect()
    };
    match parsed.get("output") {
        None | Some("") => {}
        Some("name") => {
            let mut out = String::new();
            for name in names
                .iter()
                .filter(|n| config.contexts.contains_key(n.as_str()))
            {
                out.push_str(name);
                out.push('\n');
            }
            return Ok(Output::ok(out));
        }
        Some(other) => {
            return Err(format!(
                "error: --output {other} is not available in kubectl config get-contexts; resetting to default output format"
            ));
        }
    }
    let mut lines: Vec<Vec<String>> = Vec::new();
    if !parsed.switch("no-headers") {
        lines.push(
            ["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"]
                .map(String::from)
                .to_vec(),
        );
    }
    let mut missing = Vec::new();
    for name in names {
        if !config.contexts.contains_key(name) {
            missing.push(format!("context {name} not found"));
            continue;
        }
        let star = if *name == config.current_context {
            "*"
        } else {
            ""
        };
        lines.push(vec![
            star.into(),
            name.clone(),
            config.context_field(name, "cluster").into(),
            config.context_field(name, "user").into(),
            config.namespace_of(name).into(),
        ]);
    }
    let mut out = Output::ok(table::align(&lines));
    if !missing.is_empty() {
        out.stderr = format!("error: {}\n", missing.join("\n"));
        out.exit_code = 1;
    }
    Ok(out)
}

/// `kubectl config set-context NAME|--current [--namespace] [--user] [--cluster]`.
fn set_context(config: &mut Kubeconfig, parsed: &args::Parsed) -> Result<Output, String> {
    let name = match (parsed.args.as_slice(), parsed.switch("current")) {
        ([], true) => {
            if config.current_context.is_empty() {
                return Err("error: no current context is set".into());
            }
            config.current_context.clone()
        }
        ([_], true) => {
            return Err("error: you cannot specify both a context name and --current".into());
        }
        ([name], false) if !name.is_empty() => name.clone(),
        ([], false) => {
            return Err("error: you must specify a non-empty context name or --current".into());
        }
        (more, _) => return Err(format!("error: Unexpected args: {}", go_list(more))),
    };
    let existed = config.contexts.contains_key(&name);
    let entry = config.contexts.entry(name.clone()).or_default();
    for field in ["cluster", "user", "namespace"] {
        if let Some(v) = parsed.get(field) {
            set_or_clear(entry, field, v);
        }
    }
    let verb = if existed { "modified" } else { "created" };
    Ok(Output::ok(format!("Context {name:?} {verb}.\n")))
}

/// `kubectl config unset PROPERTY`: `current-context`, `contexts.NAME`, `users.NAME`,
/// `clusters.NAME`, or one field of an entry (`contexts.NAME.namespace`).
fn unset(config: &mut Kubeconfig, property: &str) -> Result<(), String> {
    if property == "current-context" {
        config.current_context.clear();
        return Ok(());
    }
    let bad = || format!("error: unable to parse {property} after [] at api.Config");
    let (section, rest) = property.split_once('.').ok_or_else(bad)?;
    let entries = match section {
        "contexts" => &mut config.contexts,
        "users" => &mut config.users,
        "clusters" => &mut config.clusters,
        _ => return Err(bad()),
    };
    match rest.split_once('.') {
        None => {
            entries.remove(rest);
        }
        Some((name, field)) => {
            if let Some(entry) = entries.get_mut(name) {
                entry.remove(field);
            }
        }
    }
    Ok(())
}
