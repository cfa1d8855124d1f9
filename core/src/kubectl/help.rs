//! `--help`, `-h` and `kubectl help X`: the texts real kubectl v1.35 prints for the commands
//! kubeplay runs. They live in `static/help/kubectl-v1.35.txt` (generated from the oracle by
//! `scripts/gen-kubectl-help.sh`), one `%%% <command path>` record each; the command path of a
//! line is found by walking its words through that tree, as cobra does, with the aliases each
//! text lists. Commands kubeplay lacks say so instead of describing something that would not
//! work.
//!
//! The texts (210 KB) are not compiled in: the host hands them over with [`load`] (the CLI at
//! start, the page as soon as it has fetched them), like the explain data. They are the same
//! for every cluster, as they are part of the kubectl binary, so they are kept once.

use std::sync::OnceLock;

use crate::cluster::Output;

static DATA: OnceLock<String> = OnceLock::new();

/// What help prints before the host has handed over the texts.
const NOT_LOADED: &str = "error: kubectl's help texts are still loading; try again in a moment\n";

/// Keeps the help texts (the first text given wins; every host loads the same file).
pub fn load(text: &str) {
    DATA.get_or_init(|| text.to_string());
}

/// Whether the help texts have been loaded.
pub fn loaded() -> bool {
    DATA.get().is_some()
}

/// Subcommands of supported commands that kubeplay does not run (their parent's help would
/// otherwise be shown for them).
const UNSUPPORTED: &[&str] = &[
    "set subject",
    "auth reconcile",
    "create token",
    "config set",
];

/// Every record as (command path, text).
fn records() -> impl Iterator<Item = (&'static str, &'static str)> {
    let data = DATA.get().map_or("", String::as_str);
    data.strip_prefix("%%% ")
        .unwrap_or(data)
        .split("\n%%% ")
        .filter_map(|rec| rec.split_once('\n'))
}

/// The text of one command path ("" is kubectl itself), with its final newline.
fn text(path: &str) -> Option<String> {
    records()
        .find(|(p, _)| *p == path)
        .map(|(_, t)| format!("{}\n", t.trim_end_matches('\n')))
}

/// The names a command answers to: its own and the "Aliases:" its help lists.
fn answers_to(path: &str, text: &str, word: &str) -> bool {
    if path.rsplit(' ').next() == Some(word) {
        return true;
    }
    let mut lines = text.lines();
    lines.by_ref().find(|l| *l == "Aliases:");
    lines
        .next()
        .is_some_and(|l| l.split(", ").any(|a| a.trim() == word))
}

/// Walks the non-flag words down the command tree; the deepest path reached.
fn command_path(words: &[String]) -> Result<String, String> {
    let mut path = String::new();
    let mut skip_value = false;
    for word in words.iter().take_while(|w| *w != "--") {
        if std::mem::take(&mut skip_value) {
            continue;
        }
        if word.starts_with('-') {
            // A global flag's value (`-n x`) is not a command word, as cobra strips it.
            skip_value = super::args::GLOBAL.iter().any(|f| {
                f.takes_value
                    && (word.strip_prefix("--") == Some(f.long)
                        || f.short.is_some_and(|c| *word == format!("-{c}")))
            });
            continue;
        }
        let child = records().find(|(p, t)| {
            let parent = p.rsplit_once(' ').map_or("", |(parent, _)| parent);
            !p.is_empty() && parent == path && answers_to(p, t, word)
        });
        match child {
            Some((p, _)) => path = p.to_string(),
            None => {
                let full = if path.is_empty() {
                    word.clone()
                } else {
                    format!("{path} {word}")
                };
                if UNSUPPORTED.contains(&full.as_str())
                    || (path.is_empty() && super::KNOWN_LATER.contains(&word.as_str()))
                {
                    return Err(format!(
                        "error: \"kubectl {full}\" is not available in this sandbox yet"
                    ));
                }
                break;
            }
        }
    }
    Ok(path)
}

/// Whether the line asks for help (`-h`/`--help` before any `--`).
pub fn asked(words: &[String]) -> bool {
    words
        .iter()
        .take_while(|w| *w != "--")
        .any(|w| w == "--help" || w == "-h" || w == "--help=true")
}

/// The help of the command the words name (`get pods -o yaml` → get's).
pub fn for_words(words: &[String]) -> Output {
    if !loaded() {
        return Output::error(NOT_LOADED, 1);
    }
    match command_path(words) {
        Ok(path) => text(&path).map_or_else(|| Output::error("", 1), Output::ok),
        Err(message) => Output::error(format!("{message}\n"), 1),
    }
}

/// `kubectl help X...`: X's help; an unknown topic gets cobra's note and the root usage.
pub fn help_command(topic: &[String]) -> Output {
    if !loaded() {
        return Output::error(NOT_LOADED, 1);
    }
    match topic.first() {
        None => for_words(&[]),
        Some(first) if command_path(std::slice::from_ref(first)) == Ok(String::new()) => {
            let root = text("").unwrap_or_default();
            let usage: Vec<&str> = root.lines().skip(4).collect();
            let mut out = Output::ok("");
            out.stderr = format!(
                "Unknown help topic [`{}`]\n\n\n{}\n",
                topic.join(" "),
                usage.join("\n")
            );
            out
        }
        Some(_) => for_words(topic),
    }
}

/// The help of a command path known to be in the data (`"rollout"`), for commands that print
/// it when given no subcommand.
pub fn of(path: &str) -> String {
    text(path).unwrap_or_else(|| NOT_LOADED.to_string())
}

/// `kubectl options`: the global flags.
pub fn options() -> Output {
    text("options").map_or_else(|| Output::error(NOT_LOADED, 1), Output::ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_texts() {
        load(include_str!("../../../static/help/kubectl-v1.35.txt"));
    }

    fn words(s: &str) -> Vec<String> {
        load_texts();
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn every_record_has_a_usage_line() {
        load_texts();
        let count = records().count();
        assert!(count > 80, "{count} records");
        for (path, text) in records() {
            assert!(
                text.contains("Usage:") || path == "options",
                "{path} has no usage"
            );
        }
    }

    #[test]
    fn paths_follow_names_and_aliases() {
        for (line, path) in [
            ("get pods -o yaml", "get"),
            ("create deploy web --image=nginx", "create deployment"),
            ("create svc np web", "create service"),
            ("create service nodeport web", "create service nodeport"),
            ("-n x rollout status deploy/web", "rollout status"),
            ("config use dev", "config use-context"),
            ("top po", "top pod"),
            ("exec web -- sh -c date", "exec"),
        ] {
            assert_eq!(command_path(&words(line)).as_deref(), Ok(path), "{line}");
        }
    }

    #[test]
    fn commands_kubeplay_lacks_say_so() {
        for line in ["set subject rb", "attach web", "create token sa"] {
            assert!(
                command_path(&words(line))
                    .is_err_and(|e| e.contains("is not available in this sandbox")),
                "{line}"
            );
        }
    }

    #[test]
    fn an_unknown_topic_gets_cobras_note_and_the_root_usage() {
        let out = help_command(&words("nope"));
        assert_eq!(out.stdout, "");
        assert!(
            out.stderr
                .starts_with("Unknown help topic [`nope`]\n\n\nBasic Commands (Beginner):\n"),
            "{}",
            out.stderr
        );
        assert!(out.stderr.ends_with("(applies to all commands).\n"));
    }
}
