//! API errors in kubectl's words (`StandardErrorMessage` and `checkErr`): `Error from server
//! (NotFound): ...`, and `The Deployment "x" is invalid: ...` for field errors.

use crate::api::validation::field::go_quote;
use crate::api::{Reason, Status};
use crate::cluster::Output;

/// The line(s) kubectl prints for a failed API request (without the trailing newline).
pub fn render(status: &Status) -> String {
    if status.reason == Reason::Invalid && !status.kind.is_empty() {
        let prefix = format!("The {} {} is invalid", status.kind, go_quote(&status.name));
        // kubectl lists each distinct cause once (`statusCausesToAggrError`).
        let mut lines: Vec<String> = Vec::new();
        for c in &status.causes {
            let line = format!("{}: {}", c.field, c.message);
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
        return match lines.as_slice() {
            [one] => format!("{prefix}: {one}"),
            many => {
                let mut s = format!("{prefix}: ");
                for line in many {
                    s.push_str("\n* ");
                    s.push_str(line);
                }
                s
            }
        };
    }
    if status.reason == Reason::Invalid && status.causes.is_empty() {
        // checkErr: an Invalid status without object details reads "The request is invalid".
        return format!("The request is invalid: {}", status.message);
    }
    match status.reason.as_str() {
        "" => format!("Error from server: {}", status.message),
        reason => format!("Error from server ({reason}): {}", status.message),
    }
}

/// `AddSourceToErr`: an error about an object read from a file names the file and the verb.
pub fn render_with_source(status: &Status, verb: &str, source: &str) -> String {
    if status.reason == Reason::Invalid {
        return render(status);
    }
    // cli-runtime names standard input `STDIN`.
    let source = if source == "-" { "STDIN" } else { source };
    let mut with_source = status.clone();
    with_source.message = format!("error when {verb} \"{source}\": {}", status.message);
    render(&with_source)
}

/// One failure of a command that works through several objects (`apply -f`, `create -f`),
/// kept in both of kubectl's renderings: alone (`checkErr` on a single error) and among others
/// (`MultipleErrors`, one line each, without the `error: ` prefix and with `Error from server`
/// even for `Invalid`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// A client-side error (`resource mapping not found ...`).
    Client(String),
    /// An API error about an object read from `source`, while `verb`ing it.
    Api {
        status: Box<Status>,
        verb: String,
        source: String,
    },
    /// The errors of reading the files (mapping, validation, namespace checks), which the
    /// resource builder hands over as one aggregate.
    Visit(Vec<Failure>),
}

impl Failure {
    fn alone(&self) -> String {
        match self {
            Failure::Client(message) if message.starts_with("error: ") => message.clone(),
            Failure::Client(message) => format!("error: {message}"),
            Failure::Api {
                status,
                verb,
                source,
            } => render_with_source(status, verb, source),
            Failure::Visit(list) => match list.as_slice() {
                [one] => one.alone(),
                many => many
                    .iter()
                    .map(Failure::among)
                    .collect::<Vec<_>>()
                    .join("\n"),
            },
        }
    }

    fn among(&self) -> String {
        match self {
            Failure::Client(message) => message.clone(),
            Failure::Api {
                status,
                verb,
                source,
            } => format!(
                "Error from server ({}): error when {verb} \"{source}\": {}",
                status.reason.as_str(),
                status.message
            ),
            // An aggregate inside an aggregate prints as Go's `[a, b]`.
            Failure::Visit(list) => match list.as_slice() {
                [one] => one.among(),
                many => format!(
                    "[{}]",
                    many.iter()
                        .map(Failure::among)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            },
        }
    }
}

/// What kubectl prints (without the final newline) for the failures of one command, in the
/// order the command met them; `None` when there were none.
pub fn report(failures: &[Failure]) -> Option<String> {
    let failures: Vec<&Failure> = failures
        .iter()
        .filter(|f| !matches!(f, Failure::Visit(list) if list.is_empty()))
        .collect();
    match failures.as_slice() {
        [] => None,
        [one] => Some(one.alone()),
        many => Some(
            many.iter()
                .map(|f| f.among())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
    }
}

/// Ends a command that collected errors as `CheckErr` ends one with an aggregate error: one
/// error alone (prefixed `error: ` unless it says so already), several one per line as
/// `MultipleErrors` prints them; either way, exit code 1.
pub fn aggregate(mut out: Output, errors: Vec<String>) -> Output {
    let errors: Vec<String> = errors
        .into_iter()
        .map(|e| e.trim_end_matches('\n').to_string())
        .collect();
    match errors.as_slice() {
        [] => return out,
        [one] if one.starts_with("error: ") || one.starts_with("Error from server") => {
            out.stderr.push_str(one);
        }
        [one] => out.stderr.push_str(&format!("error: {one}")),
        many => out.stderr.push_str(&many.join("\n")),
    }
    out.stderr.push('\n');
    out.exit_code = 1;
    out
}
