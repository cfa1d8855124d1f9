//! `kubectl get -w` (`--watch`, `--watch-only`, `--output-watch-events`): the objects as they
//! are, then one entry per change as the watch delivers it, until `--request-timeout` passes
//! or the user presses Ctrl-C (upstream `GetOptions.watch`).
//!
//! Printing follows kubectl's: a table's header once, with the first rows printed (with
//! `--watch-only`, with the first change); every change is a row, aligned under the header
//! as kubectl's tab writer remembers column widths between flushes; `--output-watch-events`
//! adds the EVENT column (`ADDED`, `MODIFIED`, `DELETED`). A watch with a label selector sees
//! an object that stops matching as DELETED and one that starts matching as ADDED, as the API
//! server's watch filter reports them. In a script, a watch without `--request-timeout`
//! stops after [`job::SCRIPT_LIMIT_MILLIS`] of cluster time with a note; at the timeout the
//! command ends quietly with status 0, as kubectl does when the server closes the watch.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::args::Parsed;
use super::get::{Format, LabelSelector, Request, TableStyle, render_structured, table_lines};
use super::job::{self, Job};
use super::printers::table;
use super::shell::Shell;
use super::{errors, namespace_of, object_name};
use crate::api::{Kind, field_labels, meta};
use crate::cluster::Output;
use crate::sim::Sim;
use crate::store::{ChangeType, Store};
use crate::time::Time;

pub(crate) fn run(
    parsed: &Parsed,
    requests: Vec<Request>,
    format: Format,
    shell: &mut Shell,
    sim: &mut Sim,
) -> Result<Output, String> {
    let [request] = requests.as_slice() else {
        return Err("error: you may only specify a single resource type".into());
    };
    let kind = request.kind;
    if request.names.len() > 1 {
        return Err(format!(
            "error: watch is only supported on individual resources and resource collections, but {} resources were found",
            request.names.len()
        ));
    }
    let timeout = match parsed.get("request-timeout") {
        None => 0,
        Some(t) => request_timeout(t)?,
    };
    let all_namespaces = parsed.switch("all-namespaces");
    let namespace = namespace_of(parsed, shell);
    let selector = parsed
        .get("selector")
        .map(super::get::parse_selector)
        .transpose()?;
    let field_selector = parsed
        .get("field-selector")
        .map(|s| {
            super::get::parse_field_selector(s, parsed.get("selector").unwrap_or(""), &requests)
        })
        .transpose()?;
    let store = &sim.store;
    let mut initial: Vec<&Value> = match request.names.first() {
        Some(name) => match store.get(kind, &namespace, name) {
            Ok(o) => vec![o],
            Err(status) => return Err(errors::render(&status)),
        },
        None => {
            let scope = (kind.namespaced && !all_namespaces).then_some(namespace.as_str());
            store
                .list(kind, scope)
                .filter(|o| {
                    selector.as_ref().is_none_or(|s| s.matches(o))
                        && field_selector
                            .as_ref()
                            .is_none_or(|s| field_labels::matches(s, o))
                })
                .collect()
        }
    };
    let matched: BTreeSet<(String, String)> = initial.iter().map(|o| key(o)).collect();
    let wide = matches!(format, Format::Table { wide: true });
    let mut printer = Printer {
        format,
        style: TableStyle::of(parsed, wide, false),
        events: parsed.switch("output-watch-events"),
        show_managed_fields: parsed.switch("show-managed-fields"),
        header_printed: false,
        widths: Vec::new(),
        printed: 0,
    };
    let mut first = Output::default();
    if !parsed.switch("watch-only") {
        initial.sort_by_key(|o| key(o));
        let entries: Vec<(&Value, &str)> = initial.iter().map(|o| (*o, "ADDED")).collect();
        first.stdout = printer.print(store, kind, &entries);
    }
    let id = match request.names.first() {
        Some(name) => sim.watch(kind, &namespace, name),
        None => sim.watch_list(
            kind,
            (kind.namespaced && !all_namespaces).then_some(namespace.as_str()),
        ),
    };
    let deadline = (timeout > 0).then(|| sim.now().plus_millis(timeout));
    let watch = Watch {
        kind,
        id,
        selector,
        field_selector,
        matched,
        deadline,
        printer,
    };
    let mut out = shell.follow(Box::new(watch), sim, job::SCRIPT_LIMIT_MILLIS);
    first.stdout.push_str(&out.stdout);
    first.stderr.push_str(&out.stderr);
    out.stdout = first.stdout;
    out.stderr = first.stderr;
    Ok(out)
}

/// `--request-timeout`: whole seconds, or a Go duration (client-go's `ParseTimeout`).
fn request_timeout(text: &str) -> Result<i64, String> {
    if let Ok(secs) = text.parse::<i64>()
        && secs >= 0
    {
        return Ok(secs.saturating_mul(crate::time::SECOND));
    }
    match super::wait::parse_duration(text) {
        Some(ms) if ms >= 0 => Ok(ms),
        _ => Err("error: Invalid timeout value. Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)".into()),
    }
}

fn key(o: &Value) -> (String, String) {
    (meta::namespace(o).to_string(), meta::name(o).to_string())
}

/// Prints objects as a watching kubectl does, remembering what it printed before.
struct Printer {
    format: Format,
    style: TableStyle,
    events: bool,
    show_managed_fields: bool,
    header_printed: bool,
    /// The tab writer's remembered column widths.
    widths: Vec<usize>,
    /// Documents printed so far (YAML separates them with `---`).
    printed: usize,
}

impl Printer {
    /// Prints objects with their watch event types (`ADDED`...).
    fn print(&mut self, store: &Store, kind: &Kind, entries: &[(&Value, &str)]) -> String {
        if entries.is_empty() {
            return String::new();
        }
        let mut text = String::new();
        match &self.format {
            Format::Table { .. } => {
                let objs: Vec<&Value> = entries.iter().map(|(o, _)| *o).collect();
                // `formatEventType` pads the type to eight characters.
                let events = self.events.then(|| {
                    entries
                        .iter()
                        .map(|(_, e)| format!("{e:<8}"))
                        .collect::<Vec<_>>()
                });
                let header = !self.header_printed && !self.style.no_headers;
                let lines = table_lines(store, kind, &objs, &self.style, events, header);
                self.header_printed = true;
                text = table::align_remembering(&lines, &mut self.widths);
            }
            Format::Name => {
                for (o, _) in entries {
                    text.push_str(&object_name(kind, meta::name(o)));
                    text.push('\n');
                }
            }
            Format::Structured(format) => {
                for (o, event) in entries {
                    let object = super::get::without_managed_fields(o, self.show_managed_fields);
                    let doc = if self.events {
                        json!({"type": event, "object": object})
                    } else {
                        object
                    };
                    self.printed += 1;
                    if *format == "yaml" && self.printed > 1 {
                        text.push_str("---\n");
                    }
                    text.push_str(&render_structured(format, &doc));
                }
            }
            Format::JsonPath(template) => {
                for (o, _) in entries {
                    text.push_str(&template.render(o));
                }
            }
            Format::GoTemplate(template) => {
                for (o, _) in entries {
                    match template.render(o) {
                        Ok(t) => text.push_str(&t),
                        Err(e) => text.push_str(&format!("{e}\n")),
                    }
                }
            }
            Format::Columns(columns) => {
                let objs: Vec<&Value> = entries.iter().map(|(o, _)| *o).collect();
                text = columns.render(&objs, self.header_printed || self.style.no_headers);
                self.header_printed = true;
            }
        }
        text
    }
}

/// The watch after its first listing: one entry per change.
struct Watch {
    kind: &'static Kind,
    id: u64,
    selector: Option<LabelSelector>,
    field_selector: Option<crate::api::fields::Selector>,
    /// The objects the client knows as matching (to see them stop or start matching).
    matched: BTreeSet<(String, String)>,
    deadline: Option<Time>,
    printer: Printer,
}

impl Job for Watch {
    fn poll(&mut self, sim: &mut Sim, out: &mut Output) -> Option<i32> {
        for change in sim.watch_events(self.id) {
            let k = key(&change.object);
            let matches = self
                .selector
                .as_ref()
                .is_none_or(|s| s.matches(&change.object))
                && self
                    .field_selector
                    .as_ref()
                    .is_none_or(|s| field_labels::matches(s, &change.object));
            let known = self.matched.contains(&k);
            let event = match (change.change, known, matches) {
                (ChangeType::Deleted, true, _) | (_, true, false) => "DELETED",
                (ChangeType::Deleted, false, _) | (_, false, false) => continue,
                (_, false, true) => "ADDED",
                (_, true, true) => "MODIFIED",
            };
            if event == "DELETED" {
                self.matched.remove(&k);
            } else {
                self.matched.insert(k);
            }
            let text = self
                .printer
                .print(&sim.store, self.kind, &[(&change.object, event)]);
            out.stdout.push_str(&text);
        }
        match self.deadline {
            Some(d) if sim.now() >= d => Some(0),
            _ => None,
        }
    }

    fn deadline(&self) -> Option<Time> {
        self.deadline
    }

    fn stop(&mut self, sim: &mut Sim) {
        sim.unwatch(self.id);
    }

    fn at_limit(&mut self, limit_millis: i64, out: &mut Output) -> i32 {
        out.stderr.push_str(&format!(
            "kubeplay: stopped watching after {} of cluster time (kubectl would watch until Ctrl-C; --request-timeout chooses how long)\n",
            crate::time::human_duration(limit_millis)
        ));
        0
    }
}
