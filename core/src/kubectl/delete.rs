//! `kubectl delete`: by type and names, `TYPE/NAME`, label selector or `--all`; with cascade
//! (background, foreground, orphan), grace period and `--force`; and, as kubectl does by
//! default, waiting until the objects are really gone (letting virtual time pass meanwhile).

use super::args::{self, Flag, switch, value};
use super::get::parse_selector;
use super::shell::Shell;
use super::{errors, namespace_of, resolve_kind};
use crate::api::{Kind, meta};
use crate::cluster::Output;
use crate::sim::Sim;
use crate::store::{DeleteOptions, Propagation};
use crate::time::SECOND;

pub(crate) const FLAGS: &[Flag] = &[
    value("cascade", None),
    value("grace-period", None),
    switch("force", None),
    switch("now", None),
    value("wait", None),
    switch("all", None),
    switch("all-namespaces", Some('A')),
    value("selector", Some('l')),
    value("filename", Some('f')),
    value("timeout", None),
    switch("ignore-not-found", None),
    value("output", Some('o')),
    value("dry-run", None),
];

/// How long `delete` waits at most, in virtual time (kubectl's default is to wait very long).
const WAIT_LIMIT_MILLIS: i64 = 3600 * SECOND;

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let mut words = words.to_vec();
    // `--wait` is a boolean flag that may be given bare.
    for w in &mut words {
        if w == "--wait" {
            *w = "--wait=true".into();
        }
    }
    let parsed = args::parse(&words, FLAGS, "kubectl delete")?;
    if parsed.is_set("filename") {
        return Err("error: \"kubectl delete -f\" is not available in this sandbox yet".into());
    }
    let propagation = match parsed.get("cascade").unwrap_or("background") {
        "background" | "true" => Propagation::Background,
        "foreground" => Propagation::Foreground,
        "orphan" | "false" => Propagation::Orphan,
        other => {
            return Err(format!(
                "error: invalid cascade value ({other}). Must be \"background\", \"foreground\", or \"orphan\""
            ));
        }
    };
    let force = parsed.switch("force");
    let mut grace: Option<i64> = match parsed.get("grace-period") {
        None => None,
        Some(g) => Some(g.parse::<i64>().map_err(|_| format!("error: invalid argument \"{g}\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"{g}\": invalid syntax"))?),
    }
    .filter(|g| *g >= 0);
    if parsed.switch("now") {
        grace = Some(1);
    }
    if force && grace.is_none() {
        grace = Some(0);
    }
    if grace == Some(0) && !force {
        // kubectl turns --grace-period=0 without --force into 1 second.
        grace = Some(1);
    }
    let namespace = namespace_of(&parsed, shell);
    let all_namespaces = parsed.switch("all-namespaces");
    let targets = targets(
        &parsed.args,
        parsed.switch("all"),
        parsed.get("selector"),
        &namespace,
        all_namespaces,
        sim,
    )?;
    let mut out = Output::default();
    if force {
        out.stderr.push_str("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n");
    }
    if targets.is_empty() && (parsed.switch("all") || parsed.is_set("selector")) {
        out.stderr.push_str(&if all_namespaces {
            "No resources found\n".to_string()
        } else {
            format!("No resources found in {namespace} namespace.\n")
        });
        return Ok(out);
    }
    let mut waiting: Vec<(&'static Kind, String, String, String)> = Vec::new();
    for (kind, ns, name) in targets {
        let options = DeleteOptions {
            propagation: Some(propagation),
            grace_period_seconds: grace,
        };
        match sim.store.delete(kind, &ns, &name, options) {
            Ok(obj) => {
                let verb = if force { "force deleted" } else { "deleted" };
                let what = format!("{} \"{name}\"", qualified_singular(kind));
                if kind.namespaced {
                    out.stdout
                        .push_str(&format!("{what} {verb} from {ns} namespace\n"));
                } else {
                    out.stdout.push_str(&format!("{what} {verb}\n"));
                }
                waiting.push((kind, ns, name, meta::uid(&obj).to_string()));
            }
            Err(status)
                if parsed.switch("ignore-not-found")
                    && status.reason == crate::api::Reason::NotFound => {}
            Err(status) => {
                out.stderr
                    .push_str(&format!("{}\n", errors::render(&status)));
                out.exit_code = 1;
            }
        }
    }
    let wait = parsed.get("wait").is_none_or(|w| w == "true");
    if wait && !waiting.is_empty() {
        let limit = sim.now().plus_millis(WAIT_LIMIT_MILLIS);
        sim.advance_until(limit, |store| {
            waiting.iter().all(|(kind, ns, name, uid)| {
                store
                    .get(kind, ns, name)
                    .map_or(true, |o| meta::uid(o) != uid)
            })
        });
    }
    Ok(out)
}

/// `deployment.apps`, `pod`: how delete names a kind.
pub fn qualified_singular(kind: &Kind) -> String {
    if kind.group.is_empty() {
        kind.singular.to_string()
    } else {
        format!("{}.{}", kind.singular, kind.group)
    }
}

pub type Target = (&'static Kind, String, String);

pub fn targets(
    args: &[String],
    all: bool,
    selector: Option<&str>,
    namespace: &str,
    all_namespaces: bool,
    sim: &Sim,
) -> Result<Vec<Target>, String> {
    let Some(first) = args.first() else {
        return Err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'".into());
    };
    if first.contains('/') {
        return args
            .iter()
            .map(|a| {
                let (t, n) = a.split_once('/').unwrap_or((a, ""));
                Ok((
                    resolve_kind(&sim.store, t)?,
                    namespace.to_string(),
                    n.to_string(),
                ))
            })
            .collect();
    }
    let mut out = Vec::new();
    let names = &args[1..];
    for t in first.split(',') {
        let kind = resolve_kind(&sim.store, t)?;
        if !names.is_empty() {
            if all || selector.is_some() {
                return Err("error: name cannot be provided when a selector is specified".into());
            }
            out.extend(
                names
                    .iter()
                    .map(|n| (kind, namespace.to_string(), n.clone())),
            );
        } else if all || selector.is_some() {
            let sel = selector.map(parse_selector).transpose()?;
            let scope = (kind.namespaced && !all_namespaces).then_some(namespace);
            for obj in sim.store.list(kind, scope) {
                if sel.as_ref().is_none_or(|s| s.matches(obj)) && !meta::is_deleting(obj) {
                    out.push((
                        kind,
                        meta::namespace(obj).to_string(),
                        meta::name(obj).to_string(),
                    ));
                }
            }
        } else {
            return Err("error: resource(s) were provided, but no name was specified".into());
        }
    }
    Ok(out)
}
