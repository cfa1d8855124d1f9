//! Command-line parsing as cobra/pflag does it: flags anywhere on the line, `--flag=value`,
//! `--flag value`, `-n value`, `-nvalue`, bundled bools, and `--` ending the flags. Each
//! command declares its flags once in a table; unknown ones get kubectl's own errors.

use std::collections::BTreeMap;

/// One flag a command accepts.
#[derive(Clone, Copy, Debug)]
pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    /// Whether it takes a value (`--output yaml`) or is a switch (`--all-namespaces`).
    pub takes_value: bool,
}

pub const fn value(long: &'static str, short: Option<char>) -> Flag {
    Flag {
        long,
        short,
        takes_value: true,
    }
}

pub const fn switch(long: &'static str, short: Option<char>) -> Flag {
    Flag {
        long,
        short,
        takes_value: false,
    }
}

/// Flags every kubectl command accepts.
pub const GLOBAL: &[Flag] = &[
    value("namespace", Some('n')),
    value("context", None),
    value("cluster", None),
    value("user", None),
    value("kubeconfig", None),
    value("as", None),
    value("as-group", None),
    value("request-timeout", None),
    value("v", Some('v')),
];

/// `kubectl --context=x get pods` as `kubectl get pods --context=x`: global flags given before
/// the command move after it, so that the command word comes first.
pub fn global_flags_last(words: &[String]) -> Vec<String> {
    let mut leading = Vec::new();
    let mut i = 0;
    while let Some(word) = words.get(i) {
        let flag = if let Some(body) = word.strip_prefix("--") {
            GLOBAL
                .iter()
                .find(|f| f.long == body.split_once('=').map_or(body, |(n, _)| n))
                .map(|f| (f, body.contains('=')))
        } else if let Some(short) = word.strip_prefix('-').filter(|s| s.len() == 1) {
            GLOBAL
                .iter()
                .find(|f| f.short.is_some_and(|c| short.starts_with(c)))
                .map(|f| (f, false))
        } else {
            None
        };
        let Some((flag, inline)) = flag else {
            break;
        };
        leading.push(word.clone());
        i += 1;
        if flag.takes_value
            && !inline
            && let Some(value) = words.get(i)
        {
            leading.push(value.clone());
            i += 1;
        }
    }
    if leading.is_empty() || i >= words.len() {
        return words.to_vec();
    }
    let mut out: Vec<String> = words[i..].to_vec();
    // Flags must stay before a `--` that ends the command's own.
    let dash = out.iter().position(|w| w == "--").unwrap_or(out.len());
    out.splice(dash..dash, leading);
    out
}

/// The parsed line: positional arguments, flag values (switches as "true"/"false"), and what
/// followed `--`.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub args: Vec<String>,
    pub flags: BTreeMap<&'static str, Vec<String>>,
    pub after_dash: Option<Vec<String>>,
    /// Every flag value in the order given (what `--record` writes into change-cause).
    pub order: Vec<(&'static str, String)>,
}

impl Parsed {
    pub fn get(&self, long: &str) -> Option<&str> {
        self.flags
            .get(long)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    pub fn all(&self, long: &str) -> &[String] {
        self.flags.get(long).map(Vec::as_slice).unwrap_or_default()
    }

    pub fn is_set(&self, long: &str) -> bool {
        self.flags.contains_key(long)
    }

    fn push(&mut self, long: &'static str, value: String) {
        self.order.push((long, value.clone()));
        self.flags.entry(long).or_default().push(value);
    }

    /// A switch: true when given bare or as `=true`.
    pub fn switch(&self, long: &str) -> bool {
        self.get(long).is_some_and(|v| v == "true")
    }
}

/// Parses `words` against `flags` (plus the global ones). `command` names the command in
/// error messages (`kubectl get`).
pub fn parse(words: &[String], flags: &[Flag], command: &str) -> Result<Parsed, String> {
    parse_tables(words, &[flags], command)
}

/// As [`parse`], for a command whose flags come from several tables (its own and a family's
/// shared ones, such as every `create` generator's `--dry-run` and `-o`).
pub fn parse_tables(words: &[String], tables: &[&[Flag]], command: &str) -> Result<Parsed, String> {
    let all: Vec<&Flag> = tables
        .iter()
        .flat_map(|t| t.iter())
        .chain(GLOBAL.iter())
        .collect();
    let usage = format!("See '{command} --help' for usage.");
    let mut parsed = Parsed::default();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        i += 1;
        if word == "--" {
            parsed.after_dash = Some(words[i..].to_vec());
            break;
        }
        if let Some(body) = word.strip_prefix("--") {
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let Some(flag) = all.iter().find(|f| f.long == name) else {
                return Err(format!("error: unknown flag: --{name}\n{usage}"));
            };
            let v = if flag.takes_value {
                match inline {
                    Some(v) => v,
                    None => match words.get(i) {
                        Some(v) => {
                            i += 1;
                            v.clone()
                        }
                        None => {
                            return Err(format!(
                                "error: flag needs an argument: --{name}\n{usage}"
                            ));
                        }
                    },
                }
            } else {
                inline.unwrap_or_else(|| "true".into())
            };
            parsed.push(flag.long, v);
        } else if word.len() > 1 && word.starts_with('-') && !is_negative_number(word) {
            let shorts: Vec<char> = word.chars().skip(1).collect();
            let mut j = 0;
            while j < shorts.len() {
                let c = shorts[j];
                let Some(flag) = all.iter().find(|f| f.short == Some(c)) else {
                    return Err(format!(
                        "error: unknown shorthand flag: '{c}' in {word}\n{usage}"
                    ));
                };
                if flag.takes_value {
                    let rest: String = shorts[j + 1..].iter().collect();
                    let v = if !rest.is_empty() {
                        rest.strip_prefix('=').map(str::to_string).unwrap_or(rest)
                    } else if let Some(v) = words.get(i) {
                        i += 1;
                        v.clone()
                    } else {
                        return Err(format!(
                            "error: flag needs an argument: '{c}' in -{c}\n{usage}"
                        ));
                    };
                    parsed.push(flag.long, v);
                    break;
                }
                // A switch may take its value inline, as pflag reads `-w=false`.
                if shorts.get(j + 1) == Some(&'=') {
                    let v: String = shorts[j + 2..].iter().collect();
                    parsed.push(flag.long, v);
                    break;
                }
                parsed.push(flag.long, "true".into());
                j += 1;
            }
        } else {
            parsed.args.push(word.clone());
        }
    }
    Ok(parsed)
}

fn is_negative_number(word: &str) -> bool {
    word[1..].chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    const FLAGS: &[Flag] = &[
        value("output", Some('o')),
        switch("all-namespaces", Some('A')),
        value("replicas", None),
    ];

    #[test]
    fn flags_anywhere() {
        let p = parse(
            &words("pods -n kube-system -owide web --replicas=3 -A"),
            FLAGS,
            "kubectl get",
        )
        .unwrap_or_default();
        assert_eq!(p.args, ["pods", "web"]);
        assert_eq!(p.get("namespace"), Some("kube-system"));
        assert_eq!(p.get("output"), Some("wide"));
        assert_eq!(p.get("replicas"), Some("3"));
        assert!(p.switch("all-namespaces"));
    }

    #[test]
    fn unknown_flags_are_refused_in_kubectls_words() {
        assert_eq!(
            parse(&words("pods --foo"), FLAGS, "kubectl get")
                .err()
                .as_deref(),
            Some("error: unknown flag: --foo\nSee 'kubectl get --help' for usage.")
        );
        assert_eq!(
            parse(&words("pods -x"), FLAGS, "kubectl get")
                .err()
                .as_deref(),
            Some("error: unknown shorthand flag: 'x' in -x\nSee 'kubectl get --help' for usage.")
        );
    }
}
