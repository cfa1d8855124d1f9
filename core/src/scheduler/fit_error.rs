//! `FitError.Error()`: the text of a `FailedScheduling` event and of the pod's `PodScheduled`
//! condition — `0/N nodes are available: ` then the histogram of the filters' reasons, then what
//! the PostFilter plugins said (dynamic resources first, then preemption with its own nested
//! histogram).

use std::collections::BTreeMap;

use super::Rejection;

/// What the dynamic-resources PostFilter says before preemption on every v1.34+ cluster
/// without resource claims.
const NO_CLAIMS: &str = "no new claims to deallocate";

/// `FitError.Error()` when a PreFilter plugin turned the pod away: its message once, with no
/// histogram. The PostFilter part is what v1.34+ clusters print here: DynamicResources'
/// PostFilter runs although its own PreFilter never did (PreFilter stops at the first
/// rejection), fails to read its cycle state, and its "not found" ends the message.
pub fn pre_filter_error(all: usize, message: &str) -> String {
    format!("0/{all} nodes are available: {message}. not found")
}

/// `FitError.Error()`: `statuses` are the nodes with an explicit verdict; the others (`all`
/// minus those) count under `absent`. `post_filter` is the PostFilter message, if any.
pub fn message<'r>(
    all: usize,
    statuses: impl Iterator<Item = &'r Rejection>,
    absent: Option<&str>,
    post_filter: Option<&str>,
) -> String {
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    let mut explicit = 0;
    for rejection in statuses {
        explicit += 1;
        for r in &rejection.reasons {
            *reasons.entry(r).or_default() += 1;
        }
    }
    if let Some(absent) = absent
        && explicit < all
    {
        *reasons.entry(absent).or_default() += all - explicit;
    }
    let mut lines: Vec<String> = reasons
        .into_iter()
        .map(|(r, n)| format!("{n} {r}"))
        .collect();
    lines.sort(); // upstream sorts the formatted strings, so "10 x" sorts before "2 y"
    let mut text = format!("0/{all} nodes are available:");
    if !lines.is_empty() {
        text.push_str(&format!(" {}.", lines.join(", ")));
    }
    if let Some(post) = post_filter {
        text.push_str(&format!(" {post}"));
    }
    text
}

/// The PostFilter message for what preemption said: the plugins' reasons joined with ", ",
/// DefaultPreemption's prefixed with `preemption: `.
pub fn post_filter(preemption: &str) -> String {
    format!("{NO_CLAIMS}, preemption: {preemption}")
}

/// Event notes are limited to 1024 bytes; upstream cuts longer ones with " ...".
pub fn truncate_note(message: &str) -> String {
    const LIMIT: usize = 1024;
    if message.len() <= LIMIT {
        return message.to_string();
    }
    let mut end = LIMIT - 4;
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    format!("{} ...", &message[..end])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::Code;

    fn rejected(reasons: &[&str]) -> Rejection {
        Rejection {
            plugin: "x",
            code: Code::Unschedulable,
            reasons: reasons.iter().map(|r| r.to_string()).collect(),
        }
    }

    #[test]
    fn histogram_sorts_formatted_reasons_and_counts_absent_nodes() {
        let statuses = [
            rejected(&["Insufficient cpu"]),
            rejected(&["Insufficient cpu", "Insufficient memory"]),
        ];
        assert_eq!(
            message(
                12,
                statuses.iter(),
                Some("Preemption is not helpful for scheduling"),
                None
            ),
            "0/12 nodes are available: 1 Insufficient memory, 10 Preemption is not helpful for scheduling, 2 Insufficient cpu."
        );
        assert_eq!(
            message(
                3,
                statuses.iter().take(1),
                None,
                Some(&post_filter("not eligible due to preemptionPolicy=Never."))
            ),
            "0/3 nodes are available: 1 Insufficient cpu. no new claims to deallocate, preemption: not eligible due to preemptionPolicy=Never."
        );
    }

    #[test]
    fn long_notes_are_cut_at_1024_bytes() {
        let long = "x".repeat(2000);
        let cut = truncate_note(&long);
        assert_eq!(cut.len(), 1024);
        assert!(cut.ends_with(" ..."));
        assert_eq!(truncate_note("short"), "short");
    }
}
