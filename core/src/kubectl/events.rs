//! `kubectl events`: the namespace's events (or every namespace's, `-A`), oldest first, as
//! upstream's event printer lays them out — LAST SEEN (with `(xN over AGE)` for repeated
//! events), TYPE, REASON, OBJECT as `Kind/name`, MESSAGE — filtered by `--for TYPE/NAME` and
//! `--types=Normal,Warning`; `-o json|yaml` prints the EventList. `-w` is refused plainly
//! (`kubectl get events -w` follows them).

use serde_json::{Value, json};

use super::args::{self, Flag, switch, value};
use super::printers::table;
use super::shell::Shell;
use super::{namespace_of, resolve_kind};
use crate::api::meta;
use crate::cluster::Output;
use crate::controllers::kind;
use crate::sim::Sim;
use crate::time::{Time, human_duration};

pub(crate) const FLAGS: &[Flag] = &[
    switch("all-namespaces", Some('A')),
    value("for", None),
    value("types", None),
    switch("no-headers", None),
    value("output", Some('o')),
    switch("watch", Some('w')),
    value("chunk-size", None),
    switch("show-managed-fields", None),
];

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, FLAGS, "kubectl events")?;
    if parsed.switch("watch") {
        return Err("error: \"kubectl events -w\" is not available in this sandbox yet; \"kubectl get events -w\" follows events".into());
    }
    let types: Vec<String> = parsed
        .all("types")
        .iter()
        .flat_map(|t| t.split(','))
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect();
    if types
        .iter()
        .any(|t| !t.eq_ignore_ascii_case("Normal") && !t.eq_ignore_ascii_case("Warning"))
    {
        return Err("error: valid --types are Normal or Warning".into());
    }
    let target = match parsed.get("for").filter(|f| !f.is_empty()) {
        None => None,
        Some(spec) => match spec.split('/').collect::<Vec<_>>().as_slice() {
            [resource, name] => Some((resolve_kind(&sim.store, resource)?.kind, name.to_string())),
            [_] => return Err("error: --for must be in resource/name form".into()),
            _ => {
                return Err(
                    "error: arguments in resource/name form may not have more than one slash"
                        .into(),
                );
            }
        },
    };
    let all = parsed.switch("all-namespaces");
    let namespace = namespace_of(&parsed, shell);
    let event_kind = kind("", "Event");
    let scope = (!all).then_some(namespace.as_str());
    sim.store
        .authorize_list(event_kind, scope)
        .map_err(|status| super::errors::render(&status).trim_end().to_string())?;
    let mut events: Vec<&Value> = sim
        .store
        .list(event_kind, scope)
        .filter(|e| {
            types.is_empty()
                || types
                    .iter()
                    .any(|t| t.eq_ignore_ascii_case(meta::str_at(e, "/type")))
        })
        .filter(|e| {
            target.as_ref().is_none_or(|(k, n)| {
                meta::str_at(e, "/involvedObject/kind") == *k
                    && meta::str_at(e, "/involvedObject/name") == n
            })
        })
        .collect();
    if events.is_empty() {
        // On standard error, and not a failure.
        let stderr = if all {
            "No events found.\n".into()
        } else {
            format!("No events found in {namespace} namespace.\n")
        };
        return Ok(Output {
            stderr,
            ..Output::default()
        });
    }
    events.sort_by_key(|e| seen_at(e));
    match parsed.get("output").unwrap_or("") {
        "" => {}
        format @ ("json" | "yaml") => {
            let show = parsed.switch("show-managed-fields");
            let items: Vec<Value> = events
                .iter()
                .map(|e| super::get::without_managed_fields(e, show))
                .collect();
            let list =
                json!({"kind": "EventList", "apiVersion": "v1", "metadata": {}, "items": items});
            return Ok(Output::ok(super::get::render_structured(format, &list)));
        }
        other => {
            return Err(format!(
                "error: \"kubectl events -o {other}\" is not available in this sandbox yet"
            ));
        }
    }
    let now = sim.store.now();
    let mut lines = Vec::new();
    if !parsed.switch("no-headers") {
        let mut header = vec!["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];
        if all {
            header.insert(0, "NAMESPACE");
        }
        lines.push(header.into_iter().map(str::to_string).collect());
    }
    for e in events {
        let mut row = vec![
            interval(e, now),
            meta::str_at(e, "/type").to_string(),
            meta::str_at(e, "/reason").to_string(),
            format!(
                "{}/{}",
                meta::str_at(e, "/involvedObject/kind"),
                meta::str_at(e, "/involvedObject/name")
            ),
            one_line(meta::str_at(e, "/message").trim()),
        ];
        if all {
            row.insert(0, meta::namespace(e).to_string());
        }
        lines.push(row);
    }
    Ok(Output::ok(table::align(&lines)))
}

/// The time an event sorts by: its series' last observation, its last timestamp, or its
/// event time.
fn seen_at(e: &Value) -> Option<Time> {
    ["/series/lastObservedTime", "/lastTimestamp", "/eventTime"]
        .iter()
        .find_map(|p| Time::parse_rfc3339(meta::str_at(e, p)))
}

/// LAST SEEN: since the first time, or `LAST (xN over FIRST)` for a repeated event.
fn interval(e: &Value, now: Time) -> String {
    let since = |path: &str| {
        Time::parse_rfc3339(meta::str_at(e, path))
            .map_or_else(|| "<unknown>".to_string(), |t| human_duration(now.since(t)))
    };
    let first = match meta::str_at(e, "/eventTime") {
        "" => since("/firstTimestamp"),
        _ => since("/eventTime"),
    };
    let count = e.get("count").and_then(Value::as_i64).unwrap_or(0);
    if let Some(series) = e.get("series").filter(|s| !s.is_null()) {
        let n = series.get("count").and_then(Value::as_i64).unwrap_or(0);
        format!("{} (x{n} over {first})", since("/series/lastObservedTime"))
    } else if count > 1 {
        format!("{} (x{count} over {first})", since("/lastTimestamp"))
    } else {
        first
    }
}

/// A cell stops at its first line break, as upstream's `escapeCell` cuts it.
fn one_line(text: &str) -> String {
    match text.find(['\n', '\r', '\x0c']) {
        Some(i) => format!("{}...", &text[..i]),
        None => text.to_string(),
    }
}
