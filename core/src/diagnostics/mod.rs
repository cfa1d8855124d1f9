//! The page editor's checks: a manifest put through `kubectl apply --dry-run=server -f` — the
//! YAML parse, kubectl's mapping of each document to a kind, then the API server's strict
//! decoding and validation — with every problem placed at the line and column of the field it
//! is about.
//!
//! The messages are the ones kubectl prints for that file (a field error as it appears in
//! `The Deployment "web" is invalid: ...`, an unknown field as in `strict decoding error:
//! ...`); positions come from [`positions`], a map from field paths to the YAML text. Nothing
//! is written to the cluster.

pub mod positions;

use serde_json::Value;

use crate::api::{Reason, Status, yaml};
use crate::kubectl::errors::{self, Failure};
use crate::kubectl::shell::Shell;
use crate::kubectl::{apply, manifests};
use crate::sim::Sim;
use positions::{Node, Pos};

/// How bad a problem is: an error stops the apply; a warning is printed and the apply goes on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem of a manifest, where it is (line and column counted from 1; columns in
/// characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub line: u32,
    pub column: u32,
    pub severity: Severity,
    pub message: String,
}

impl Diagnostic {
    fn at(pos: Pos, severity: Severity, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            line: pos.line.max(1),
            column: pos.column.max(1),
            severity,
            message: message.into(),
        }
    }
}

/// How a text is to be checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// As `kubectl apply --dry-run=server -f` would.
    Apply,
    /// The file of a `kubectl edit`: the same checks, but without the file's
    /// `resourceVersion` (kubectl edit sends a patch of what changed, which does not carry it,
    /// so a controller writing the object meanwhile is no conflict).
    Edit,
}

/// Checks `text` as `kubectl apply --dry-run=server -f <file>` would, in the shell's current
/// namespace. Problems come in document order, each document's by position.
pub fn check(text: &str, file: &str, mode: Mode, shell: &Shell, sim: &mut Sim) -> Vec<Diagnostic> {
    let values = match yaml::decode_documents_located(text) {
        Ok(values) => values,
        Err(e) => {
            let (line, column) = e.at.unwrap_or((1, 1));
            return vec![Diagnostic::at(
                Pos { line, column },
                Severity::Error,
                manifests::parse_error(file, &e.message),
            )];
        }
    };
    // The documents the decoder kept (empty ones are skipped), with their place in the text.
    let places: Vec<(Pos, Option<Node>)> = positions::documents(text)
        .into_iter()
        .filter(|d| !d.root.as_ref().is_some_and(Node::is_null))
        .map(|d| (d.start, d.root))
        .collect();
    let aligned = places.len() == values.len();
    let namespace = shell.current_namespace().to_string();
    let mut out = Vec::new();
    for (i, mut doc) in values.into_iter().enumerate() {
        if mode == Mode::Edit
            && let Some(m) = doc.get_mut("metadata").and_then(Value::as_object_mut)
        {
            m.remove("resourceVersion");
        }
        let (start, root) = match places.get(i) {
            Some((start, root)) if aligned => (*start, root.as_ref()),
            _ => (Pos { line: 1, column: 1 }, None),
        };
        let locate = |path: &str| root.map_or(start, |r| r.locate(path));
        let mut found = check_document(doc, file, &namespace, sim, &locate);
        found.sort_by_key(|d| (d.line, d.column));
        out.extend(found);
    }
    out
}

/// The problems of one document.
fn check_document(
    doc: Value,
    file: &str,
    namespace: &str,
    sim: &mut Sim,
    locate: &dyn Fn(&str) -> Pos,
) -> Vec<Diagnostic> {
    let mapped = manifests::map(&sim.store, file, doc, namespace, false);
    let m = match mapped {
        Ok(m) => m,
        Err(failure) => {
            // Mapping fails on the document's type: `apiVersion`/`kind` missing or unknown.
            let at = match &failure {
                Failure::Client(m) if m.contains("no matches for kind") => locate("kind"),
                _ => locate(""),
            };
            return vec![Diagnostic::at(at, Severity::Error, rendered(failure))];
        }
    };
    let (warnings, failure) = apply::dry_run_server(m, sim);
    let mut out: Vec<Diagnostic> = warnings
        .lines()
        .map(|w| Diagnostic::at(locate(""), Severity::Warning, w))
        .collect();
    match failure {
        Some(Failure::Api { status, .. }) if !status.causes.is_empty() => {
            out.extend(status.causes.iter().map(|c| {
                Diagnostic::at(
                    locate(&c.field),
                    Severity::Error,
                    cause_message(&status, &c.field, &c.message),
                )
            }));
        }
        Some(failure) => {
            // Not about one field (already exists, namespace not found...): at the name.
            out.push(Diagnostic::at(
                locate("metadata.name"),
                Severity::Error,
                rendered(failure),
            ));
        }
        None => {}
    }
    out
}

/// One cause as kubectl shows it: a field error as a line of `The X "y" is invalid:`, a
/// decoding error as its part of `cannot be handled as a X: ...`.
fn cause_message(status: &Status, field: &str, message: &str) -> String {
    match status.reason {
        Reason::Invalid => format!("{field}: {message}"),
        _ if message.starts_with("unknown field") || message.starts_with("duplicate field") => {
            format!("strict decoding error: {message}")
        }
        _ => message.to_string(),
    }
}

/// What kubectl prints for one failure on its own.
fn rendered(failure: Failure) -> String {
    errors::report(&[failure]).unwrap_or_default()
}

#[cfg(test)]
mod tests;
