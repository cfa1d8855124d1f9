//! `kubectl auth`: `can-i` (a SelfSubjectAccessReview, or with `--list` a
//! SelfSubjectRulesReview, answered by the RBAC authorizer) and `whoami` (a SelfSubjectReview:
//! the user the API server authenticated). [`identity`] decides who every command's requests
//! come from.

pub mod identity;

use serde_json::json;

use super::args::{self, Flag, switch, value};
use super::printers::table;
use super::shell::Shell;
use super::{errors, namespace_of};
use crate::auth::{Attributes, UserInfo, rbac};
use crate::cluster::Output;
use crate::sim::Sim;

const CAN_I_FLAGS: &[Flag] = &[
    switch("all-namespaces", Some('A')),
    switch("quiet", Some('q')),
    value("subresource", None),
    switch("list", None),
    switch("no-headers", None),
];
const WHOAMI_FLAGS: &[Flag] = &[value("output", Some('o'))];

/// Verbs kubectl knows for resources and for non-resource URLs (others get a warning).
const RESOURCE_VERBS: &[&str] = &[
    "get",
    "list",
    "watch",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "use",
    "bind",
    "impersonate",
    "*",
    "approve",
    "sign",
    "escalate",
    "attest",
];
const NON_RESOURCE_VERBS: &[&str] = &[
    "get", "put", "post", "head", "options", "delete", "patch", "*",
];

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    match words.split_first() {
        Some((sub, rest)) if sub == "can-i" => can_i(rest, shell, sim),
        Some((sub, rest)) if sub == "whoami" => whoami(rest, sim),
        Some((sub, _)) if sub == "reconcile" => {
            Err("error: \"kubectl auth reconcile\" is not available in this sandbox yet".into())
        }
        Some((other, _)) => Err(format!(
            "error: unknown command {other:?}\nSee 'kubectl auth -h' for help and examples"
        )),
        None => Ok(Output::ok(crate::kubectl::help::of("auth"))),
    }
}

/// The user the API server sees for the command running now.
fn current_user(sim: &Sim) -> UserInfo {
    sim.store
        .requester()
        .cloned()
        .unwrap_or_else(|| UserInfo::authenticated("kubernetes-admin", &["kubeadm:cluster-admins"]))
}

/// `kubectl auth whoami`: the ATTRIBUTE/VALUE table, or the SelfSubjectReview with `-o`.
fn whoami(words: &[String], sim: &Sim) -> Result<Output, String> {
    let parsed = args::parse(words, WHOAMI_FLAGS, "kubectl auth whoami")?;
    let review = Attributes::resource(
        "create",
        "authentication.k8s.io",
        "selfsubjectreviews",
        "",
        "",
        "",
    );
    if sim.store.authorize(&review).is_err() {
        return Err("error: the selfsubjectreviews API is not enabled in the cluster or you do not have permission to call it".into());
    }
    let user = current_user(sim);
    let object = json!({
        "apiVersion": "authentication.k8s.io/v1",
        "kind": "SelfSubjectReview",
        "metadata": {"creationTimestamp": null},
        "status": {"userInfo": {"username": user.name, "groups": user.groups}},
    });
    match parsed.get("output") {
        None | Some("") => {}
        Some(format @ ("yaml" | "json")) => {
            return Ok(Output::ok(super::get::render_structured(format, &object)));
        }
        Some(other) => {
            return Err(format!(
                "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,yaml"
            ));
        }
    }
    let mut lines = vec![vec!["ATTRIBUTE".to_string(), "VALUE".to_string()]];
    lines.push(vec!["Username".into(), user.name.clone()]);
    if !user.groups.is_empty() {
        lines.push(vec![
            "Groups".into(),
            format!("[{}]", user.groups.join(" ")),
        ]);
    }
    Ok(Output::ok(table::align(&lines)))
}

/// `kubectl auth can-i VERB TYPE[/NAME] | VERB /URL`, or `--list`.
fn can_i(words: &[String], shell: &Shell, sim: &Sim) -> Result<Output, String> {
    let parsed = args::parse(words, CAN_I_FLAGS, "kubectl auth can-i")?;
    let all_namespaces = parsed.switch("all-namespaces");
    let quiet = parsed.switch("quiet");
    let subresource = parsed.get("subresource").unwrap_or("").to_string();
    let namespace = if all_namespaces {
        String::new()
    } else {
        namespace_of(&parsed, shell)
    };
    let user = current_user(sim);
    let mut out = Output::default();
    // cli-runtime's WarningPrinter: `Warning: ` and the message on a line of its own (messages
    // that end in a newline leave an empty line).
    let mut warn = |out: &mut Output, message: String| {
        out.stderr.push_str(&format!("Warning: {message}\n"));
    };
    if parsed.switch("list") {
        if !parsed.args.is_empty() {
            return Err("error: list option must be specified with no arguments".into());
        }
        if quiet || all_namespaces || !subresource.is_empty() {
            return Err("error: list option can't be specified with neither quiet, all-namespaces nor subresource options".into());
        }
        review_allowed(sim, "selfsubjectrulesreviews")?;
        let (rules, problems) = rbac::rules_for(&sim.store, &user, &namespace);
        if !problems.is_empty() {
            warn(
                &mut out,
                format!("the list may be incomplete: {}", problems.join(", ")),
            );
        }
        let mut lines: Vec<Vec<String>> = Vec::new();
        if !parsed.switch("no-headers") {
            lines.push(
                ["Resources", "Non-Resource URLs", "Resource Names", "Verbs"]
                    .map(String::from)
                    .to_vec(),
            );
        }
        // The review answers resource rules, then non-resource ones.
        let (resource, url): (Vec<_>, Vec<_>) = rules
            .into_iter()
            .partition(|r| r.get("nonResourceURLs").is_none());
        let ordered: Vec<_> = resource.into_iter().chain(url).collect();
        for row in super::describe::rule_rows(&json!({ "rules": ordered })) {
            lines.push(row.to_vec());
        }
        out.stdout = table::align(&lines);
        return Ok(out);
    }
    let [verb, target] = parsed.args.as_slice() else {
        return Err("error: you must specify two arguments: verb resource or verb resource/resourceName.\nSee 'kubectl auth can-i -h' for help and examples.".into());
    };
    let attrs = if target.starts_with('/') {
        if !subresource.is_empty() {
            return Err("error: --subresource can not be used with NonResourceURL".into());
        }
        if !NON_RESOURCE_VERBS.contains(&verb.as_str()) {
            warn(&mut out, format!("verb '{verb}' is not a known verb\n"));
        }
        Attributes::NonResource {
            verb: verb.clone(),
            path: target.clone(),
        }
    } else {
        let (typed, name) = target.split_once('/').unwrap_or((target, ""));
        let (group, resource, namespaced) = resource_for(sim, typed, &mut out, &mut warn);
        if let Some(false) = namespaced
            && !all_namespaces
        {
            if group.is_empty() {
                warn(
                    &mut out,
                    format!("resource '{resource}' is not namespace scoped\n"),
                );
            } else {
                warn(
                    &mut out,
                    format!("resource '{resource}' is not namespace scoped in group '{group}'\n"),
                );
            }
        }
        if !RESOURCE_VERBS.contains(&verb.as_str()) {
            warn(&mut out, format!("verb '{verb}' is not a known verb\n"));
        }
        Attributes::resource(verb, &group, &resource, &subresource, &namespace, name)
    };
    if parsed.switch("no-headers") {
        return Err("error: --no-headers cannot be set without --list specified".into());
    }
    review_allowed(sim, "selfsubjectaccessreviews")?;
    let decision = rbac::authorize(&sim.store, &user, &attrs);
    if !quiet {
        out.stdout = if decision.allowed {
            "yes\n".into()
        } else if decision.reason.is_empty() {
            "no\n".into()
        } else {
            format!("no - {}\n", decision.reason)
        };
    }
    if !decision.allowed {
        out.exit_code = 1;
    }
    Ok(out)
}

/// Creating the review itself is a request the user must be allowed (`system:basic-user`
/// allows it to everyone authenticated).
fn review_allowed(sim: &Sim, resource: &str) -> Result<(), String> {
    let attrs = Attributes::resource("create", "authorization.k8s.io", resource, "", "", "");
    sim.store
        .authorize(&attrs)
        .map_err(|status| errors::render(&status))
}

/// kubectl's `resourceFor`: the typed name through the REST mapper (group, plural and
/// whether it is namespaced); an unknown one is warned about and used as typed.
fn resource_for(
    sim: &Sim,
    typed: &str,
    out: &mut Output,
    warn: &mut impl FnMut(&mut Output, String),
) -> (String, String, Option<bool>) {
    if typed == "*" {
        return (String::new(), "*".into(), Some(true));
    }
    let lower = typed.to_lowercase();
    if let Some(kind) = sim.store.resolve(&lower) {
        return (
            kind.group.to_string(),
            kind.plural.to_string(),
            Some(kind.namespaced),
        );
    }
    let (resource, group) = lower.split_once('.').unwrap_or((&lower, ""));
    if !matches!(lower.as_str(), "users" | "groups") {
        if group.is_empty() {
            warn(
                out,
                format!("the server doesn't have a resource type '{resource}'\n"),
            );
        } else {
            warn(
                out,
                format!(
                    "the server doesn't have a resource type '{resource}' in group '{group}'\n"
                ),
            );
        }
    }
    (String::new(), typed.to_string(), None)
}
