//! `for NAME in WORDS; do COMMANDS; done`, on one line or several: WORDS are expanded as a
//! command's words are (`$(seq 1 3)`, backquotes, `{a,b}`, variables), then COMMANDS run once
//! per word with NAME set to it. A loop whose body starts a foreground job (a watch) stops there.

use super::Shell;
use super::lex::{Token, tokenize};
use crate::cluster::Output;
use crate::sim::Sim;

/// The parts of a loop's text: the variable, the words, the body.
fn parts(text: &str) -> Option<(&str, &str, &str)> {
    let rest = text.trim().strip_prefix("for")?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let rest = rest.trim_start();
    let name_end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let (name, rest) = rest.split_at(name_end);
    let rest = rest.trim_start().strip_prefix("in")?;
    let words_end = rest.find([';', '\n'])?;
    let (words, rest) = rest.split_at(words_end);
    let rest = rest[1..].trim_start();
    let body = rest.strip_prefix("do")?;
    if !body.starts_with(char::is_whitespace) {
        return None;
    }
    let body = body.trim_end().strip_suffix("done")?;
    let body = body.trim_end().trim_end_matches(';');
    (!name.is_empty()).then_some((name, words, body))
}

/// Whether a line opens a loop, and whether the lines so far close every loop they open.
pub(super) fn opens(line: &str) -> bool {
    line.trim_start().starts_with("for ")
}

pub(super) fn closed(text: &str) -> bool {
    split(text).is_some()
}

/// The loop (up to the `done` that closes the first `for`) and what follows it on the line.
pub(super) fn split(text: &str) -> Option<(&str, &str)> {
    let mut depth = 0usize;
    let mut start = None;
    for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
        let boundary = c.is_whitespace() || c == ';';
        match (boundary, start) {
            (false, None) => start = Some(i),
            (true, Some(from)) => {
                match text.get(from..i) {
                    Some("for") => depth += 1,
                    Some("done") if depth > 0 => {
                        depth -= 1;
                        if depth == 0 {
                            let rest = text.get(i..).unwrap_or_default();
                            return Some((text.get(..i).unwrap_or_default(), rest));
                        }
                    }
                    _ => {}
                }
                start = None;
            }
            _ => {}
        }
    }
    None
}

impl Shell {
    /// Runs a whole `for` loop's text.
    pub(super) fn run_for(&mut self, text: &str, sim: &mut Sim) -> Output {
        let Some((name, words, body)) = parts(text) else {
            return Output::error(
                "bash: syntax error: this sandbox's shell knows `for NAME in WORDS; do COMMANDS; done`\n",
                2,
            );
        };
        let words: Vec<String> = match tokenize(words) {
            Ok(tokens) => tokens
                .into_iter()
                .filter_map(|t| match t {
                    Token::Word(w) => Some(w),
                    Token::Op(_) => None,
                })
                .collect(),
            Err(e) => return Output::error(format!("bash: {}\n", e.message()), 2),
        };
        let mut out = Output::default();
        let values = self.expand(&words, sim, &mut out.stderr);
        for value in values {
            self.vars.insert(name.to_string(), value);
            let result = self.run_lines(body, sim);
            out.stdout.push_str(&result.stdout);
            out.stderr.push_str(&result.stderr);
            out.exit_code = result.exit_code;
            if self.foreground.is_some() {
                break;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loop_text_splits_into_its_parts() {
        assert_eq!(
            parts("for i in 1 2 3; do echo $i; done"),
            Some(("i", " 1 2 3", " echo $i"))
        );
        assert_eq!(
            parts("for f in a b\ndo\n  cat $f\ndone"),
            Some(("f", " a b", "\n  cat $f"))
        );
        assert_eq!(parts("for i in 1; echo; done"), None);
        assert_eq!(parts("format"), None);
        assert!(closed("for i in 1; do echo; done"));
        assert_eq!(
            split("for a in 1; do for b in 2; do x; done; done; echo end"),
            Some(("for a in 1; do for b in 2; do x; done; done", "; echo end"))
        );
        assert!(!closed("for i in 1 2\ndo"));
    }
}
