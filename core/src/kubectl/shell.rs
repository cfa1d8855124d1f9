//! The small shell in front of kubectl: splits a line into words (quotes, escapes, comments),
//! runs `;`, `&&` and `||` lists, and knows a few commands besides `kubectl` (`k`, `sleep`,
//! `echo`, `help`, `clear`). Anything else is "command not found", as in a real shell.

use std::collections::BTreeMap;

use crate::cluster::Output;
use crate::sim::Sim;
use crate::time::SECOND;

/// One word or operator of a shell line.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Word(String),
    /// `;`, `&&`, `||` or `|`.
    Op(&'static str),
}

/// Splits a line as a POSIX shell does for the forms kubectl lines use: single quotes keep
/// everything, double quotes allow `\"` and `\\`, a backslash escapes one character, `#` at the
/// start of a word starts a comment.
fn tokenize(line: &str) -> Result<Vec<Token>, String> {
    let mut tokens = Vec::new();
    let mut chars = line.chars().peekable();
    let mut word = String::new();
    let mut in_word = false;
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                if in_word {
                    tokens.push(Token::Word(std::mem::take(&mut word)));
                    in_word = false;
                }
            }
            '#' if !in_word => break,
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => word.push(ch),
                        None => return Err("unexpected EOF while looking for matching `''".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(ch @ ('"' | '\\' | '$' | '`')) => word.push(ch),
                            Some(ch) => {
                                word.push('\\');
                                word.push(ch);
                            }
                            None => {
                                return Err("unexpected EOF while looking for matching `\"'".into());
                            }
                        },
                        Some(ch) => word.push(ch),
                        None => return Err("unexpected EOF while looking for matching `\"'".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(ch) = chars.next() {
                    word.push(ch);
                }
            }
            ';' | '&' | '|' => {
                if in_word {
                    tokens.push(Token::Word(std::mem::take(&mut word)));
                    in_word = false;
                }
                let op = match (c, chars.peek()) {
                    ('&', Some('&')) => {
                        chars.next();
                        "&&"
                    }
                    ('|', Some('|')) => {
                        chars.next();
                        "||"
                    }
                    ('|', _) => "|",
                    (';', _) => ";",
                    _ => "&",
                };
                tokens.push(Token::Op(op));
            }
            _ => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        tokens.push(Token::Word(word));
    }
    Ok(tokens)
}

/// Reads a file from outside the shell (the CLI's disk).
pub type FileReader = Box<dyn Fn(&str) -> Option<String>>;

/// The shell's state: history and the in-memory files `kubectl apply -f` can read.
#[derive(Default)]
pub struct Shell {
    pub history: Vec<String>,
    pub files: BTreeMap<String, String>,
    /// Files from outside (the CLI's disk), consulted after `files`.
    file_reader: Option<FileReader>,
    /// The context's namespace (`kubectl config set-context --current --namespace` changes it).
    pub namespace: Option<String>,
}

impl Shell {
    pub fn set_file_reader(&mut self, reader: FileReader) {
        self.file_reader = Some(reader);
    }

    pub fn read_file(&self, path: &str) -> Option<String> {
        self.files
            .get(path)
            .cloned()
            .or_else(|| self.file_reader.as_ref().and_then(|r| r(path)))
    }

    pub fn current_namespace(&self) -> &str {
        self.namespace.as_deref().unwrap_or("default")
    }

    pub fn prompt(&self) -> String {
        format!("kubeplay:{}$ ", self.current_namespace())
    }

    /// Runs one line and returns everything it printed.
    pub fn run(&mut self, line: &str, sim: &mut Sim) -> Output {
        if !line.trim().is_empty() {
            self.history.push(line.to_string());
        }
        let tokens = match tokenize(line) {
            Ok(t) => t,
            Err(e) => return Output::error(format!("bash: {e}\n"), 2),
        };
        let mut out = Output::default();
        let mut words: Vec<String> = Vec::new();
        let mut run_next = true;
        let mut tokens = tokens.into_iter().peekable();
        loop {
            let token = tokens.next();
            match token {
                Some(Token::Word(w)) => {
                    words.push(w);
                    continue;
                }
                Some(Token::Op("|")) => {
                    return Output::error(
                        "kubeplay: pipes ('|') are not supported yet in this sandbox\n",
                        2,
                    );
                }
                Some(Token::Op("&")) => {
                    return Output::error(
                        "kubeplay: background jobs ('&') are not supported in this sandbox\n",
                        2,
                    );
                }
                _ => {}
            }
            if run_next && !words.is_empty() {
                let result = self.command(&words, sim);
                out.stdout.push_str(&result.stdout);
                out.stderr.push_str(&result.stderr);
                out.exit_code = result.exit_code;
            }
            words.clear();
            run_next = match token {
                Some(Token::Op("&&")) => out.exit_code == 0,
                Some(Token::Op("||")) => out.exit_code != 0,
                Some(_) => true,
                None => break,
            };
        }
        out
    }

    fn command(&mut self, words: &[String], sim: &mut Sim) -> Output {
        let Some((name, rest)) = words.split_first() else {
            return Output::default();
        };
        match name.as_str() {
            "kubectl" | "k" => super::run(rest, self, sim),
            "sleep" => sleep(rest, sim),
            "echo" => Output::ok(format!("{}\n", rest.join(" "))),
            "clear" | "true" => Output::default(),
            "false" => Output::error("", 1),
            "help" => Output::ok(HELP),
            other => Output::error(format!("bash: {other}: command not found\n"), 127),
        }
    }
}

const HELP: &str = "\
kubeplay: a Kubernetes v1.35 cluster simulated in your browser.

  kubectl ... (or k ...)   talk to the cluster, as with a real one
  sleep N                  let N seconds of cluster time pass (at once: time here is virtual)
  echo, clear, help        the usual

The cluster: one control-plane node and two workers, as `kind` creates them.
";

/// `sleep N[s|m|h]`: in the sandbox, time is virtual, so sleeping fast-forwards the cluster.
fn sleep(args: &[String], sim: &mut Sim) -> Output {
    let Some(arg) = args.first() else {
        return Output::error("sleep: missing operand\n", 1);
    };
    let (number, unit) = match arg.char_indices().find(|(_, c)| c.is_ascii_alphabetic()) {
        Some((i, _)) => arg.split_at(i),
        None => (arg.as_str(), "s"),
    };
    let multiplier = match unit {
        "s" => SECOND as f64,
        "m" => 60.0 * SECOND as f64,
        "h" => 3600.0 * SECOND as f64,
        "d" => 86_400.0 * SECOND as f64,
        _ => return Output::error(format!("sleep: invalid time interval '{arg}'\n"), 1),
    };
    match number.parse::<f64>() {
        Ok(n) if n >= 0.0 && n.is_finite() => {
            sim.advance((n * multiplier) as i64);
            Output::default()
        }
        _ => Output::error(format!("sleep: invalid time interval '{arg}'\n"), 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<Token> {
        tokenize(line).unwrap_or_default()
    }

    #[test]
    fn quotes_escapes_and_comments() {
        assert_eq!(
            words(r#"kubectl label po web 'a b'="c d" x\ y # done"#),
            ["kubectl", "label", "po", "web", "a b=c d", "x y"].map(|w| Token::Word(w.into()))
        );
        assert_eq!(
            words("a && b || c; d"),
            vec![
                Token::Word("a".into()),
                Token::Op("&&"),
                Token::Word("b".into()),
                Token::Op("||"),
                Token::Word("c".into()),
                Token::Op(";"),
                Token::Word("d".into())
            ]
        );
        assert!(tokenize("echo 'open").is_err());
    }
}
