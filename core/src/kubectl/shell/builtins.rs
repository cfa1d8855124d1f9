//! The shell's own commands beyond kubectl: `sleep` (which fast-forwards virtual time), the text tools cheat-sheet lines pipe kubectl's
//! output into (`grep`, `head`, `tail`, `wc`, `sort`), and `echo` and `cat`. Each takes its
//! arguments and standard input and returns what it printed, with GNU coreutils' messages for
//! the options it does not know.

use crate::cluster::Output;
use crate::sim::Sim;
use crate::time::SECOND;

pub fn echo(args: &[String]) -> Output {
    match args.split_first() {
        Some((flag, rest)) if flag == "-n" => Output::ok(rest.join(" ")),
        _ => Output::ok(format!("{}\n", args.join(" "))),
    }
}

/// `cat [FILE|-]...`: the files one after another; standard input when there are none.
pub fn cat(args: &[String], stdin: Option<&str>, read: impl Fn(&str) -> Option<String>) -> Output {
    if args.is_empty() {
        return Output::ok(stdin.unwrap_or_default());
    }
    let mut out = Output::default();
    for path in args {
        match read(path) {
            Some(text) => out.stdout.push_str(&text),
            None => {
                out.stderr
                    .push_str(&format!("cat: {path}: No such file or directory\n"));
                out.exit_code = 1;
            }
        }
    }
    out
}

/// `grep [-i] [-v] [-c] [-E|-F] [-A N] [-B N] [-C N] PATTERN [FILE...]`: lines of standard
/// input (or of the files) matching the pattern — a basic regular expression, extended with
/// `-E`, a plain string with `-F` — with context lines around them and `--` between separate
/// groups. Options may come after the pattern too (GNU grep permutes its arguments) until
/// `--`; `-e PATTERN` names the pattern explicitly.
pub fn grep(args: &[String], stdin: Option<&str>, read: impl Fn(&str) -> Option<String>) -> Output {
    let (mut ignore_case, mut invert, mut count, mut extended) = (false, false, false, false);
    let mut fixed = false;
    let mut files: Vec<String> = Vec::new();
    let (mut after, mut before) = (0usize, 0usize);
    let mut pattern = None;
    let mut options_done = false;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        if options_done || !arg.starts_with('-') || arg == "-" {
            if pattern.is_none() {
                pattern = Some(arg.to_string());
            } else {
                files.push(arg.to_string());
            }
            continue;
        }
        let context = |flag: &str, value: Option<&String>| -> Result<usize, Output> {
            let text = match flag.len() {
                2 => value.map(String::as_str).unwrap_or(""),
                _ => &flag[2..],
            };
            text.parse().map_err(|_| {
                Output::error(
                    format!("grep: {text}: invalid context length argument\n"),
                    2,
                )
            })
        };
        match arg.as_str() {
            "--" => options_done = true,
            "-e" => match args.next() {
                Some(p) => pattern = Some(p.to_string()),
                None => {
                    return Output::error(
                        "grep: option requires an argument -- 'e'\nUsage: grep [OPTION]... PATTERNS [FILE]...\n",
                        2,
                    );
                }
            },
            "-E" => extended = true,
            "-F" => fixed = true,
            a if a.starts_with("-A") || a.starts_with("-B") || a.starts_with("-C") => {
                let value = if a.len() == 2 { args.next() } else { None };
                let n = match context(a, value) {
                    Ok(n) => n,
                    Err(out) => return out,
                };
                match &a[1..2] {
                    "A" => after = n,
                    "B" => before = n,
                    _ => (after, before) = (n, n),
                }
            }
            flags => {
                for f in flags.chars().skip(1) {
                    match f {
                        'i' => ignore_case = true,
                        'v' => invert = true,
                        'c' => count = true,
                        'E' => extended = true,
                        'F' => fixed = true,
                        other => {
                            return Output::error(
                                format!(
                                    "grep: invalid option -- '{other}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\n"
                                ),
                                2,
                            );
                        }
                    }
                }
            }
        }
    }
    let Some(pattern) = pattern else {
        return Output::error("Usage: grep [OPTION]... PATTERNS [FILE]...\n", 2);
    };
    let matcher = if fixed {
        let fold = move |s: &str| {
            if ignore_case {
                s.to_lowercase()
            } else {
                s.to_string()
            }
        };
        let wanted = fold(&pattern);
        Matcher::Fixed(Box::new(move |line: &str| fold(line).contains(&wanted)))
    } else {
        match super::regex::compile(&pattern, extended, ignore_case) {
            Ok(re) => Matcher::Regex(re),
            Err(e) => return Output::error(format!("grep: {e}\n"), 2),
        }
    };
    let text = match input(&files, stdin, read) {
        Ok(text) => text,
        Err(file) => return Output::error(format!("grep: {file}: No such file or directory\n"), 2),
    };
    let all: Vec<&str> = text.lines().collect();
    let hits: Vec<usize> = (0..all.len())
        .filter(|&i| matcher.hits(all[i]) != invert)
        .collect();
    let exit_code = if hits.is_empty() { 1 } else { 0 };
    let stdout = if count {
        format!("{}\n", hits.len())
    } else {
        let mut shown: Vec<usize> = Vec::new();
        for &i in &hits {
            let from = i.saturating_sub(before);
            let to = (i + after).min(all.len().saturating_sub(1));
            let next = shown.last().map_or(0, |last| last + 1);
            shown.extend(from.max(next)..=to);
        }
        let mut text = String::new();
        let context = before > 0 || after > 0;
        for (n, &i) in shown.iter().enumerate() {
            if context && n > 0 && shown[n - 1] + 1 != i {
                text.push_str("--\n");
            }
            text.push_str(all[i]);
            text.push('\n');
        }
        text
    };
    Output {
        stdout,
        stderr: String::new(),
        exit_code,
    }
}

/// How grep matches a line.
enum Matcher {
    Regex(regex_lite::Regex),
    Fixed(Box<dyn Fn(&str) -> bool>),
}

impl Matcher {
    fn hits(&self, line: &str) -> bool {
        match self {
            Matcher::Regex(re) => re.is_match(line),
            Matcher::Fixed(contains) => contains(line),
        }
    }
}

/// `head`/`tail` with `-n N`, `-nN` or `-N` (10 lines by default).
pub fn head_or_tail(args: &[String], stdin: Option<&str>, head: bool) -> Output {
    let name = if head { "head" } else { "tail" };
    let mut count = 10usize;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let number = match arg.as_str() {
            "-n" => args.next().map(String::as_str).unwrap_or(""),
            a if a.starts_with("-n") => &a[2..],
            a if a.starts_with('-') => &a[1..],
            file => {
                return Output::error(
                    format!(
                        "{name}: cannot open '{file}' for reading: No such file or directory\n"
                    ),
                    1,
                );
            }
        };
        match number.parse() {
            Ok(n) => count = n,
            Err(_) => {
                return Output::error(format!("{name}: invalid number of lines: '{number}'\n"), 1);
            }
        }
    }
    let all: Vec<&str> = lines(stdin).collect();
    let kept = if head {
        &all[..count.min(all.len())]
    } else {
        &all[all.len().saturating_sub(count)..]
    };
    Output::ok(kept.iter().map(|l| format!("{l}\n")).collect::<String>())
}

/// `wc [-l|-w|-c]`: counts of standard input.
pub fn wc(args: &[String], stdin: Option<&str>) -> Output {
    let text = stdin.unwrap_or_default();
    let counts = [
        ('l', text.matches('\n').count()),
        ('w', text.split_whitespace().count()),
        ('c', text.len()),
    ];
    let mut wanted = String::new();
    for arg in args {
        match arg.strip_prefix('-') {
            Some(flags) if !flags.is_empty() && flags.chars().all(|c| "lwc".contains(c)) => {
                wanted.push_str(flags)
            }
            _ => return Output::error(format!("wc: {arg}: No such file or directory\n"), 1),
        }
    }
    let shown: Vec<usize> = counts
        .iter()
        .filter(|(flag, _)| wanted.is_empty() || wanted.contains(*flag))
        .map(|(_, n)| *n)
        .collect();
    let line = match shown.as_slice() {
        [one] => one.to_string(),
        many => many
            .iter()
            .map(|n| format!("{n:>7}"))
            .collect::<Vec<_>>()
            .join(" "),
    };
    Output::ok(format!("{line}\n"))
}

/// `sort [-r] [-n] [-u]`.
pub fn sort(args: &[String], stdin: Option<&str>) -> Output {
    let (mut reverse, mut numeric, mut unique) = (false, false, false);
    for arg in args {
        match arg.strip_prefix('-') {
            Some(flags) if !flags.is_empty() && flags.chars().all(|c| "rnu".contains(c)) => {
                reverse |= flags.contains('r');
                numeric |= flags.contains('n');
                unique |= flags.contains('u');
            }
            _ => {
                return Output::error(
                    format!("sort: cannot read: {arg}: No such file or directory\n"),
                    2,
                );
            }
        }
    }
    let mut all: Vec<&str> = lines(stdin).collect();
    if numeric {
        let leading = |l: &str| -> f64 {
            let t = l.trim_start();
            let end = t
                .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                .unwrap_or(t.len());
            t[..end].parse().unwrap_or(0.0)
        };
        all.sort_by(|a, b| leading(a).total_cmp(&leading(b)).then(a.cmp(b)));
    } else {
        all.sort();
    }
    if unique {
        all.dedup();
    }
    if reverse {
        all.reverse();
    }
    Output::ok(all.iter().map(|l| format!("{l}\n")).collect::<String>())
}

/// `seq [FIRST [INCREMENT]] LAST`: the integers from FIRST (1) to LAST, one per line.
pub fn seq(args: &[String]) -> Output {
    let numbers: Result<Vec<i64>, &String> = args
        .iter()
        .map(|a| a.parse::<i64>().map_err(|_| a))
        .collect();
    let (first, step, last) = match numbers.as_deref() {
        Ok([last]) => (1, 1, *last),
        Ok([first, last]) => (*first, 1, *last),
        Ok([first, step, last]) if *step != 0 => (*first, *step, *last),
        Ok([_, _, _]) => {
            return Output::error(
                "seq: invalid Zero increment value: '0'\nTry 'seq --help' for more information.\n",
                1,
            );
        }
        Ok([]) => {
            return Output::error(
                "seq: missing operand\nTry 'seq --help' for more information.\n",
                1,
            );
        }
        Ok(_) => {
            return Output::error(
                format!(
                    "seq: extra operand '{}'\nTry 'seq --help' for more information.\n",
                    args.get(3).map_or("", String::as_str)
                ),
                1,
            );
        }
        Err(bad) => {
            return Output::error(
                format!(
                    "seq: invalid floating point argument: '{bad}'\nTry 'seq --help' for more information.\n"
                ),
                1,
            );
        }
    };
    let mut out = String::new();
    let mut n = first;
    // At most 100,000 lines: a sandbox's terminal, not a number cruncher.
    for _ in 0..100_000 {
        if (step > 0 && n > last) || (step < 0 && n < last) {
            break;
        }
        out.push_str(&format!("{n}\n"));
        n = n.saturating_add(step);
    }
    Output::ok(out)
}

/// `sleep N[s|m|h]`: in the sandbox, time is virtual, so sleeping fast-forwards the cluster.
pub fn sleep(args: &[String], sim: &mut Sim) -> Output {
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

pub(super) fn lines(stdin: Option<&str>) -> std::str::Lines<'_> {
    stdin.unwrap_or_default().lines()
}

/// What a text tool reads: the files named, one after another, or standard input when there
/// are none; `Err` names the first file that does not exist.
pub(super) fn input(
    files: &[String],
    stdin: Option<&str>,
    read: impl Fn(&str) -> Option<String>,
) -> Result<String, String> {
    if files.is_empty() {
        return Ok(stdin.unwrap_or_default().to_string());
    }
    let mut text = String::new();
    for file in files {
        text.push_str(&read(file).ok_or_else(|| file.clone())?);
    }
    Ok(text)
}

/// `base64 [-d] [-w COLS]`: standard input encoded (wrapped at 76 columns; `-w 0` on one line
/// with no newline), or
/// decoded with `-d`.
pub fn base64(args: &[String], stdin: Option<&str>) -> Output {
    let input = stdin.unwrap_or_default();
    let decode = args.iter().any(|a| a == "-d" || a == "--decode");
    if decode {
        let compact: String = input.split_whitespace().collect();
        return match crate::api::base64::decode(&compact) {
            Some(bytes) => Output::ok(String::from_utf8_lossy(&bytes).into_owned()),
            None => Output::error("base64: invalid input\n", 1),
        };
    }
    let wrap = args
        .iter()
        .position(|a| a == "-w")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
        .or_else(|| {
            args.iter()
                .find_map(|a| a.strip_prefix("-w"))
                .filter(|w| !w.is_empty())
        })
        .and_then(|w| w.parse::<usize>().ok())
        .unwrap_or(76);
    let encoded = crate::api::base64::encode(input.as_bytes());
    let mut out = String::new();
    if wrap == 0 {
        // GNU base64 ends unwrapped output without a newline.
        out.push_str(&encoded);
    } else {
        let chars: Vec<char> = encoded.chars().collect();
        for line in chars.chunks(wrap) {
            out.extend(line);
            out.push('\n');
        }
    }
    Output::ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    fn grep_(args: &[String], stdin: Option<&str>) -> Output {
        grep(args, stdin, |_| None)
    }

    const TABLE: &str = "NAME READY\nweb-1 1/1\napi-1 0/1\nweb-2 1/1\n";

    #[test]
    fn text_tools() {
        assert_eq!(
            grep_(&args("web"), Some(TABLE)).stdout,
            "web-1 1/1\nweb-2 1/1\n"
        );
        assert_eq!(grep_(&args("-vc web"), Some(TABLE)).stdout, "2\n");
        assert_eq!(
            grep_(&args("-E api|NAME"), Some(TABLE)).stdout,
            "NAME READY\napi-1 0/1\n"
        );
        assert_eq!(grep_(&args("nothing"), Some(TABLE)).exit_code, 1);
        assert_eq!(
            grep_(&args("-A1 NAME"), Some(TABLE)).stdout,
            "NAME READY\nweb-1 1/1\n"
        );
        assert_eq!(
            grep_(&args("-B 1 web"), Some(TABLE)).stdout,
            "NAME READY\nweb-1 1/1\napi-1 0/1\nweb-2 1/1\n"
        );
        assert_eq!(
            grep_(&args("-A 1 a"), Some("a\n1\n2\na\n")).stdout,
            "a\n1\n--\na\n"
        );
        assert_eq!(
            head_or_tail(&args("-n 2"), Some(TABLE), true).stdout,
            "NAME READY\nweb-1 1/1\n"
        );
        assert_eq!(
            head_or_tail(&args("-1"), Some(TABLE), false).stdout,
            "web-2 1/1\n"
        );
        assert_eq!(wc(&args("-l"), Some(TABLE)).stdout, "4\n");
        assert_eq!(sort(&args("-r"), Some("b\na\nc\n")).stdout, "c\nb\na\n");
        assert_eq!(sort(&args("-n"), Some("10 x\n9 y\n")).stdout, "9 y\n10 x\n");
        assert_eq!(echo(&args("-n hi")).stdout, "hi");
        assert_eq!(seq(&args("3")).stdout, "1\n2\n3\n");
        assert_eq!(seq(&args("5 -2 1")).stdout, "5\n3\n1\n");
        assert_eq!(seq(&args("x")).exit_code, 1);
    }

    #[test]
    fn grep_takes_options_after_the_pattern() {
        assert_eq!(grep_(&args("WEB -i -c"), Some(TABLE)).stdout, "2\n");
        assert_eq!(
            grep_(&args("web -v"), Some(TABLE)).stdout,
            "NAME READY\napi-1 0/1\n"
        );
        assert_eq!(grep_(&args("-e -1 -c"), Some(TABLE)).stdout, "2\n");
        assert_eq!(grep_(&args("-- -v"), Some("a -v\nb\n")).stdout, "a -v\n");
        assert_eq!(grep_(&args("web file"), Some(TABLE)).exit_code, 2);
    }

    #[test]
    fn grep_reads_regular_expressions_and_files() {
        assert_eq!(
            grep_(&args("^web-[0-9]"), Some(TABLE)).stdout,
            "web-1 1/1\nweb-2 1/1\n"
        );
        assert_eq!(grep_(&args("-c 0/1$"), Some(TABLE)).stdout, "1\n");
        // Basic expressions take `|` literally; -E makes it an alternative.
        assert_eq!(grep_(&args("api|NAME"), Some(TABLE)).exit_code, 1);
        assert_eq!(grep_(&args("-F web-."), Some(TABLE)).exit_code, 1);
        let read = |p: &str| (p == "pod.yaml").then(|| "kind: Pod\nimage: nginx\n".to_string());
        assert_eq!(
            grep(&args("image pod.yaml"), None, read).stdout,
            "image: nginx\n"
        );
    }

    #[test]
    fn base64_both_ways() {
        assert_eq!(base64(&args("-w0"), Some("jane")).stdout, "amFuZQ==");
        assert_eq!(base64(&args("-d"), Some("amFuZQ==\n")).stdout, "jane");
    }
}
