//! The column and character tools cheat-sheet pipelines use: `uniq`, `cut` and `tr`, over
//! standard input, with GNU coreutils' output formats and messages.

use super::builtins::lines;
use crate::cluster::Output;

/// `uniq [-c] [-d] [-u] [-i]`: adjacent repeated lines collapsed to one.
pub fn uniq(args: &[String], stdin: Option<&str>) -> Output {
    let (mut count, mut repeated, mut unique, mut fold) = (false, false, false, false);
    for arg in args {
        match arg.strip_prefix('-') {
            Some(flags) if !flags.is_empty() && flags.chars().all(|c| "cdui".contains(c)) => {
                count |= flags.contains('c');
                repeated |= flags.contains('d');
                unique |= flags.contains('u');
                fold |= flags.contains('i');
            }
            _ => return Output::error(format!("uniq: {arg}: No such file or directory\n"), 1),
        }
    }
    let same = |a: &str, b: &str| {
        if fold {
            a.to_lowercase() == b.to_lowercase()
        } else {
            a == b
        }
    };
    let mut groups: Vec<(&str, usize)> = Vec::new();
    for line in lines(stdin) {
        match groups.last_mut() {
            Some((first, n)) if same(first, line) => *n += 1,
            _ => groups.push((line, 1)),
        }
    }
    let mut out = String::new();
    for (line, n) in groups {
        if (repeated && n < 2) || (unique && n > 1) {
            continue;
        }
        if count {
            out.push_str(&format!("{n:>7} "));
        }
        out.push_str(line);
        out.push('\n');
    }
    Output::ok(out)
}

/// A `cut` list (`1,3-5,7-`): whether 1-based position `n` is in it.
struct Ranges(Vec<(usize, usize)>);

impl Ranges {
    /// The list, or GNU cut's complaint about it (`what` is "fields" or "positions").
    fn parse(list: &str, by_field: bool) -> Result<Ranges, String> {
        let zero = if by_field {
            "fields are numbered from 1".to_string()
        } else {
            "byte/character positions are numbered from 1".to_string()
        };
        let invalid = || {
            let what = if by_field {
                "field"
            } else {
                "byte/character position"
            };
            format!("invalid {what} value '{list}'")
        };
        let mut ranges = Vec::new();
        for part in list.split(',') {
            let number = |s: &str, default: usize| -> Result<usize, String> {
                if s.is_empty() {
                    return Ok(default);
                }
                match s.parse::<usize>() {
                    Ok(0) => Err(zero.clone()),
                    Ok(n) => Ok(n),
                    Err(_) => Err(invalid()),
                }
            };
            let range = match part.split_once('-') {
                Some(("", "")) => return Err(format!("invalid range with no endpoint: {part}")),
                Some((from, to)) => (number(from, 1)?, number(to, usize::MAX)?),
                None if part.is_empty() => return Err(invalid()),
                None => {
                    let n = number(part, 0)?;
                    (n, n)
                }
            };
            if range.0 > range.1 {
                return Err("invalid decreasing range".into());
            }
            ranges.push(range);
        }
        Ok(Ranges(ranges))
    }

    fn contains(&self, n: usize) -> bool {
        self.0.iter().any(|(from, to)| (*from..=*to).contains(&n))
    }
}

/// `cut -f LIST [-d DELIM] [-s]` or `cut -c LIST`: the chosen fields (tab-separated unless
/// `-d`) or characters of each line. A line without the delimiter prints whole, unless `-s`.
pub fn cut(args: &[String], stdin: Option<&str>) -> Output {
    let try_help = "Try 'cut --help' for more information.\n";
    let (mut fields, mut chars, mut delimiter, mut only_delimited) = (None, None, '\t', false);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.as_str() {
            a if a.starts_with("--") => (a, None),
            // `-d:` / `-f1`: the option letter (any character, so split where it ends).
            a if a.starts_with('-') && a.chars().count() > 2 => {
                let end = a.char_indices().nth(2).map_or(a.len(), |(i, _)| i);
                (&a[..end], Some(&a[end..]))
            }
            a => (a, None),
        };
        let mut value = || inline.map(str::to_string).or_else(|| args.next().cloned());
        match flag {
            "-f" => fields = value(),
            "-c" | "-b" => chars = value(),
            "-d" => match value() {
                Some(d) if d.chars().count() == 1 => delimiter = d.chars().next().unwrap_or('\t'),
                _ => {
                    return Output::error(
                        format!("cut: the delimiter must be a single character\n{try_help}"),
                        1,
                    );
                }
            },
            "-s" => only_delimited = true,
            other => return Output::error(format!("cut: {other}: No such file or directory\n"), 1),
        }
    }
    let (list, by_field) = match (fields, chars) {
        (Some(f), None) => (f, true),
        (None, Some(c)) => (c, false),
        (Some(_), Some(_)) => {
            return Output::error(
                format!("cut: only one list may be specified\n{try_help}"),
                1,
            );
        }
        (None, None) => {
            return Output::error(
                format!("cut: you must specify a list of bytes, characters, or fields\n{try_help}"),
                1,
            );
        }
    };
    let ranges = match Ranges::parse(&list, by_field) {
        Ok(ranges) => ranges,
        Err(message) => return Output::error(format!("cut: {message}\n{try_help}"), 1),
    };
    let mut out = String::new();
    for line in lines(stdin) {
        if by_field {
            if !line.contains(delimiter) {
                if !only_delimited {
                    out.push_str(line);
                    out.push('\n');
                }
                continue;
            }
            let kept: Vec<&str> = line
                .split(delimiter)
                .enumerate()
                .filter(|(i, _)| ranges.contains(i + 1))
                .map(|(_, f)| f)
                .collect();
            out.push_str(&kept.join(&delimiter.to_string()));
        } else {
            out.extend(
                line.chars()
                    .enumerate()
                    .filter(|(i, _)| ranges.contains(i + 1))
                    .map(|(_, c)| c),
            );
        }
        out.push('\n');
    }
    Output::ok(out)
}

/// A `tr` set: ranges (`a-z`), classes (`[:upper:]`) and escapes (`\n`) spelled out.
fn expand_set(set: &str) -> Vec<char> {
    const CLASSES: &[(&str, &str)] = &[
        ("[:lower:]", "abcdefghijklmnopqrstuvwxyz"),
        ("[:upper:]", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        ("[:digit:]", "0123456789"),
        ("[:space:]", " \t\n\r\x0b\x0c"),
        ("[:blank:]", " \t"),
        ("[:punct:]", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"),
    ];
    let mut out = Vec::new();
    let mut rest = set;
    while !rest.is_empty() {
        if let Some((class, chars)) = CLASSES.iter().find(|(c, _)| rest.starts_with(c)) {
            out.extend(chars.chars());
            rest = &rest[class.len()..];
            continue;
        }
        if rest.starts_with("[:alpha:]") || rest.starts_with("[:alnum:]") {
            out.extend(('a'..='z').chain('A'..='Z'));
            if rest.starts_with("[:alnum:]") {
                out.extend('0'..='9');
            }
            rest = &rest["[:alpha:]".len()..];
            continue;
        }
        let mut chars = rest.chars();
        let mut c = chars.next().unwrap_or_default();
        if c == '\\' {
            c = match chars.next() {
                Some('n') => '\n',
                Some('t') => '\t',
                Some('r') => '\r',
                Some(other) => other,
                None => '\\',
            };
        }
        let after = chars.as_str();
        match after.strip_prefix('-').and_then(|r| r.chars().next()) {
            Some(end) if end >= c => {
                out.extend(c..=end);
                rest = &after[1 + end.len_utf8()..];
            }
            _ => {
                out.push(c);
                rest = after;
            }
        }
    }
    out
}

/// `tr [-d] [-s] SET1 [SET2]`: characters of SET1 become those of SET2 (its last one
/// repeated), or are deleted (`-d`); `-s` squeezes runs of the last set's characters.
pub fn tr(args: &[String], stdin: Option<&str>) -> Output {
    let (mut delete, mut squeeze) = (false, false);
    let mut sets = Vec::new();
    let mut operands = Vec::new();
    for arg in args {
        match arg.strip_prefix('-') {
            Some(flags) if !flags.is_empty() && flags.chars().all(|c| "ds".contains(c)) => {
                delete |= flags.contains('d');
                squeeze |= flags.contains('s');
            }
            _ => {
                sets.push(expand_set(arg));
                operands.push(arg.as_str());
            }
        }
    }
    let missing = |what: &str| {
        Output::error(
            format!("tr: {what}\nTry 'tr --help' for more information.\n"),
            1,
        )
    };
    let (from, to) = match (sets.as_slice(), delete, squeeze) {
        ([], ..) => return missing("missing operand"),
        ([from], true, _) => (from.clone(), Vec::new()),
        ([from], false, true) => (from.clone(), Vec::new()),
        ([_], false, false) => {
            return missing(&format!(
                "missing operand after '{}'\nTwo strings must be given when translating.",
                operands.first().copied().unwrap_or_default()
            ));
        }
        ([from, to], _, _) => (from.clone(), to.clone()),
        _ => {
            return missing(&format!(
                "extra operand '{}'",
                operands.get(2).copied().unwrap_or_default()
            ));
        }
    };
    let map = |c: char| -> Option<char> {
        match from.iter().position(|f| *f == c) {
            Some(_) if delete => None,
            Some(i) if !to.is_empty() => Some(*to.get(i).or(to.last()).unwrap_or(&c)),
            _ => Some(c),
        }
    };
    let squeezed: &[char] = if to.is_empty() || delete { &from } else { &to };
    let squeezed = if delete && sets.len() == 2 {
        sets.get(1).map_or(&[][..], Vec::as_slice)
    } else {
        squeezed
    };
    let mut out = String::new();
    for c in stdin.unwrap_or_default().chars().filter_map(map) {
        if squeeze && out.ends_with(c) && squeezed.contains(&c) {
            continue;
        }
        out.push(c);
    }
    Output::ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(tool: fn(&[String], Option<&str>) -> Output, args: &[&str], input: &str) -> String {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let out = tool(&args, Some(input));
        format!("{}{}", out.stdout, out.stderr)
    }

    #[test]
    fn uniq_collapses_neighbours() {
        let input = "a\na\nb\na\n";
        assert_eq!(run(uniq, &[], input), "a\nb\na\n");
        assert_eq!(
            run(uniq, &["-c"], input),
            "      2 a\n      1 b\n      1 a\n"
        );
        assert_eq!(run(uniq, &["-d"], input), "a\n");
        assert_eq!(run(uniq, &["-u"], input), "b\na\n");
    }

    #[test]
    fn cut_fields_and_characters() {
        let input = "web:nginx:80\nno-colon\n";
        assert_eq!(run(cut, &["-d:", "-f1,3"], input), "web:80\nno-colon\n");
        assert_eq!(
            run(cut, &["-d", ":", "-f", "2-", "-s"], input),
            "nginx:80\n"
        );
        assert_eq!(run(cut, &["-c1-3"], "kubectl\n"), "kub\n");
        assert_eq!(run(cut, &["-d", " ", "-f1"], "a b\n"), "a\n");
        assert_eq!(
            run(cut, &[], input),
            "cut: you must specify a list of bytes, characters, or fields\nTry 'cut --help' for more information.\n"
        );
        assert!(run(cut, &["-d::", "-f1"], input).starts_with("cut: the delimiter must be"));
        assert!(run(cut, &["-f0"], input).starts_with("cut: fields are numbered from 1\n"));
        assert!(run(cut, &["-fx"], input).starts_with("cut: invalid field value 'x'\n"));
        assert!(run(cut, &["-f3-1"], input).starts_with("cut: invalid decreasing range\n"));
        // A multi-byte option character is an unknown option, not a crash.
        assert!(run(cut, &["-éx"], input).starts_with("cut: -é: No such file"));
        assert_eq!(run(cut, &["-d:", "-f1"], "한:b\n"), "한\n");
    }

    #[test]
    fn tr_maps_deletes_and_squeezes() {
        assert_eq!(run(tr, &["a-z", "A-Z"], "web-1\n"), "WEB-1\n");
        assert_eq!(run(tr, &["[:lower:]", "[:upper:]"], "ok\n"), "OK\n");
        assert_eq!(run(tr, &["-d", "-"], "a-b-c"), "abc");
        assert_eq!(run(tr, &["-s", " "], "a   b  c"), "a b c");
        assert_eq!(run(tr, &["abc", "x"], "aabbcc"), "xxxxxx");
        assert_eq!(run(tr, &["\\n", " "], "a\nb\n"), "a b ");
        assert_eq!(
            run(tr, &["a"], "x"),
            "tr: missing operand after 'a'\nTwo strings must be given when translating.\nTry 'tr --help' for more information.\n"
        );
    }
}
