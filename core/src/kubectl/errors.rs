//! API errors in kubectl's words (`StandardErrorMessage` and `checkErr`): `Error from server
//! (NotFound): ...`, and `The Deployment "x" is invalid: ...` for field errors.

use crate::api::{Reason, Status};

/// The line(s) kubectl prints for a failed API request (without the trailing newline).
pub fn render(status: &Status) -> String {
    if status.reason == Reason::Invalid && !status.kind.is_empty() {
        let prefix = format!("The {} \"{}\" is invalid", status.kind, status.name);
        return match status.causes.as_slice() {
            [one] => format!("{prefix}: {}: {}", one.field, one.message),
            many => {
                let mut s = format!("{prefix}: ");
                for c in many {
                    s.push_str(&format!("\n* {}: {}", c.field, c.message));
                }
                s
            }
        };
    }
    format!(
        "Error from server ({}): {}",
        status.reason.as_str(),
        status.message
    )
}

/// `AddSourceToErr`: an error about an object read from a file names the file and the verb.
pub fn render_with_source(status: &Status, verb: &str, source: &str) -> String {
    if status.reason == Reason::Invalid {
        return render(status);
    }
    let mut with_source = status.clone();
    with_source.message = format!("error when {verb} \"{source}\": {}", status.message);
    render(&with_source)
}
