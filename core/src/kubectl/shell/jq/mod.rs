//! `jq`, the basics people pipe kubectl's JSON into: `jq '.items[].metadata.name'`, `-r`,
//! `-c`, `-j`, `-s`, `-n`, `-e`, `-R`, `--arg`, `--argjson`, files, and the filter language
//! of `parse.rs` with the functions of `builtins.rs` and `strings.rs`. Errors and exit codes
//! are jq 1.7's (3 for a filter that does not compile, 5 for a runtime error, 2 for bad
//! input). Two differences a learner may notice: output has no colours (the page's terminal
//! shows none), and objects print their keys in sorted order (as kubectl's JSON has them;
//! jq keeps an object constructor's order).

mod builtins;
mod eval;
mod parse;
mod strings;

use serde_json::Value;

use crate::cluster::Output;
use eval::{Env, Error};
use parse::{Expr, Key, Part};

const USAGE: &str = "Usage:\tjq [OPTIONS] FILTER [FILES...]
\tjq [OPTIONS] --args FILTER [ARGUMENTS...]
\tjq [OPTIONS] --jsonargs FILTER [JSON_VALUES...]

jq is a tool for processing JSON inputs, applying the given filter to
its JSON text inputs and producing the filter's results as JSON on
standard output.

Use jq --help for help with command-line options,
or see the jq manpage, or online docs  at https://jqlang.github.io/jq
";

#[derive(Default)]
struct Options {
    raw: bool,
    join: bool,
    compact: bool,
    null_input: bool,
    exit_status: bool,
    slurp: bool,
    raw_input: bool,
    tab: bool,
}

/// Runs `jq ARGS` on `stdin` (or the files named); `read` opens files.
pub fn jq(args: &[String], stdin: Option<&str>, read: impl Fn(&str) -> Option<String>) -> Output {
    let mut opts = Options::default();
    let mut env = Env::default();
    let mut filter: Option<&str> = None;
    let mut files = Vec::new();
    let mut words = args.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "--arg" | "--argjson" => {
                let (Some(name), Some(value)) = (words.next(), words.next()) else {
                    return Output::error(
                        format!(
                            "jq: error: {word} takes two parameters (e.g. {word} varname value)\n{USAGE}"
                        ),
                        2,
                    );
                };
                let value = if word == "--arg" {
                    Value::String(value.clone())
                } else {
                    match serde_json::from_str(value) {
                        Ok(v) => v,
                        Err(_) => {
                            return Output::error(
                                format!("jq: Invalid JSON text passed to --argjson\n{USAGE}"),
                                2,
                            );
                        }
                    }
                };
                env = env.with(name, value);
            }
            "--raw-output" => opts.raw = true,
            "--join-output" => (opts.raw, opts.join) = (true, true),
            "--compact-output" => opts.compact = true,
            "--null-input" => opts.null_input = true,
            "--exit-status" => opts.exit_status = true,
            "--slurp" => opts.slurp = true,
            "--raw-input" => opts.raw_input = true,
            "--tab" => opts.tab = true,
            "--sort-keys" | "--monochrome-output" | "--color-output" => {}
            "-h" | "--help" => return Output::ok(USAGE),
            w if w.starts_with("--") => {
                return Output::error(format!("jq: Unknown option: {w}\n{USAGE}"), 2);
            }
            w if w.starts_with('-') && w.len() > 1 => {
                for c in w.chars().skip(1) {
                    match c {
                        'r' => opts.raw = true,
                        'j' => (opts.raw, opts.join) = (true, true),
                        'c' => opts.compact = true,
                        'n' => opts.null_input = true,
                        'e' => opts.exit_status = true,
                        's' => opts.slurp = true,
                        'R' => opts.raw_input = true,
                        'S' | 'M' | 'C' | 'a' => {}
                        _ => {
                            return Output::error(format!("jq: Unknown option: {w}\n{USAGE}"), 2);
                        }
                    }
                }
            }
            w if filter.is_none() => filter = Some(w),
            w => files.push(w.to_string()),
        }
    }
    let Some(filter) = filter else {
        return Output::error(USAGE, 2);
    };
    let program = match parse::parse(filter).and_then(|e| check_names(&e).map(|()| e)) {
        Ok(e) => e,
        Err(message) => {
            return Output::error(
                format!(
                    "jq: error: {message} at <top-level>, line 1:\n{filter}\njq: 1 compile error\n"
                ),
                3,
            );
        }
    };
    let mut text = String::new();
    if files.is_empty() {
        text = stdin.unwrap_or_default().to_string();
    } else {
        for file in &files {
            match read(file) {
                Some(t) => text.push_str(&t),
                None => {
                    return Output::error(
                        format!("jq: error: Could not open {file}: No such file or directory\n"),
                        2,
                    );
                }
            }
        }
    }
    let source = if files.len() == 1 {
        files[0].clone()
    } else {
        "<stdin>".into()
    };
    // Values before a malformed one are filtered, as jq streams its input.
    let (inputs, bad_input) = read_inputs(&text, &opts);
    let mut out = run(&program, inputs, &env, &opts, &source);
    if let Some(message) = bad_input {
        out.stderr.push_str(&format!("{message}\n"));
        out.exit_code = 2;
    }
    out
}

/// The input values, each with the line jq reports errors at, and jq's complaint about
/// input that is not JSON.
fn read_inputs(text: &str, opts: &Options) -> (Vec<(Value, usize)>, Option<String>) {
    let lines_to = |end: usize| {
        let upto = text.get(..end).unwrap_or(text);
        upto.matches('\n').count()
            + usize::from(text.get(end..).is_some_and(|r| r.starts_with('\n')))
    };
    if opts.null_input {
        return (vec![(Value::Null, 0)], None);
    }
    let mut values = Vec::new();
    if opts.raw_input {
        if opts.slurp {
            return (
                vec![(Value::String(text.to_string()), lines_to(text.len()))],
                None,
            );
        }
        for (i, line) in text.lines().enumerate() {
            values.push((Value::String(line.to_string()), i + 1));
        }
        return (values, None);
    }
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let mut bad = None;
    while let Some(next) = stream.next() {
        match next {
            Ok(v) => values.push((v, lines_to(stream.byte_offset()))),
            Err(e) => {
                bad = Some(parse_error(text, &e));
                break;
            }
        }
    }
    if opts.slurp && bad.is_none() {
        let line = values.last().map_or(0, |(_, l)| *l);
        return (
            vec![(
                Value::Array(values.into_iter().map(|(v, _)| v).collect()),
                line,
            )],
            None,
        );
    }
    (values, bad)
}

/// jq's complaint about malformed input, at the place its tokenizer stops: after the bad
/// token and the character that ended it (a newline moves to the next line, column 0).
fn parse_error(text: &str, e: &serde_json::Error) -> String {
    let position = |end: usize| {
        let before = text.get(..end).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
        (line, column)
    };
    if e.is_eof() {
        let (line, column) = position(text.len());
        return format!(
            "jq: parse error: Unfinished JSON term at EOF at line {line}, column {column}"
        );
    }
    // The byte where serde stopped (its column counts characters from 1), then the end of
    // that bare word.
    let mut lines = text.split_inclusive('\n');
    let line_start: usize = lines
        .by_ref()
        .take(e.line().saturating_sub(1))
        .map(str::len)
        .sum();
    let in_line = lines.next().map_or(0, |l| {
        l.char_indices()
            .nth(e.column().saturating_sub(1))
            .map_or(l.len(), |(i, _)| i)
    });
    // serde stops on the character after a bad word's first; step back to the word's start.
    let mut start = line_start + in_line;
    while start > 0
        && text
            .get(..start)
            .and_then(|b| b.chars().next_back())
            .is_some_and(|c| !(c.is_whitespace() || "{}[],:\"".contains(c)))
    {
        start -= text
            .get(..start)
            .and_then(|b| b.chars().next_back())
            .map_or(1, char::len_utf8);
    }
    let rest = text.get(start..).unwrap_or("");
    let word_len = rest
        .find(|c: char| c.is_whitespace() || "{}[],:\"".contains(c))
        .unwrap_or(rest.len());
    let what = match rest.chars().next() {
        Some('t' | 'f' | 'n') | None => "Invalid literal",
        _ => "Invalid numeric literal",
    };
    let ender = rest
        .get(word_len..)
        .and_then(|r| r.chars().next())
        .map_or(0, char::len_utf8);
    let (line, column) = position((start + word_len + ender).min(text.len()));
    format!("jq: parse error: {what} at line {line}, column {column}")
}

fn run(
    program: &Expr,
    inputs: Vec<(Value, usize)>,
    env: &Env,
    opts: &Options,
    source: &str,
) -> Output {
    let mut out = Output::default();
    let mut last: Option<Value> = None;
    for (input, line) in inputs {
        match eval::eval(program, &input, env) {
            Ok(results) => {
                for v in results {
                    out.stdout.push_str(&render(&v, opts));
                    if !opts.join {
                        out.stdout.push('\n');
                    }
                    last = Some(v);
                }
            }
            Err(error) => {
                let message = match error {
                    Error::Message(m) => m,
                    Error::Value(Value::String(s)) => s,
                    Error::Value(v) => format!("{} (not a string)", v),
                };
                out.stderr
                    .push_str(&format!("jq: error (at {source}:{line}): {message}\n"));
                out.exit_code = 5;
            }
        }
    }
    if out.exit_code == 0 && opts.exit_status {
        out.exit_code = match last {
            None => 4,
            Some(Value::Null | Value::Bool(false)) => 1,
            Some(_) => 0,
        };
    }
    out
}

fn render(v: &Value, opts: &Options) -> String {
    match v {
        Value::String(s) if opts.raw => s.clone(),
        _ if opts.compact => v.to_string(),
        _ => {
            let pretty = serde_json::to_string_pretty(v).unwrap_or_default();
            if opts.tab {
                pretty
                    .lines()
                    .map(|l| {
                        let spaces = l.len() - l.trim_start_matches(' ').len();
                        format!("{}{}", "\t".repeat(spaces / 2), &l[spaces..])
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            } else {
                pretty
            }
        }
    }
}

/// jq compiles the whole filter before running it: every function called must exist with
/// that many arguments.
fn check_names(e: &Expr) -> Result<(), String> {
    let each = |es: &[&Expr]| es.iter().try_for_each(|e| check_names(e));
    match e {
        Expr::Call(name, args) => {
            if !builtins::KNOWN.contains(&(name.as_str(), args.len())) {
                return Err(format!("{name}/{} is not defined", args.len()));
            }
            args.iter().try_for_each(check_names)
        }
        Expr::Str(parts, _) => parts.iter().try_for_each(|p| match p {
            Part::Interp(e) => check_names(e),
            Part::Text(_) => Ok(()),
        }),
        Expr::Field(a, _, _) | Expr::Iterate(a, _) | Expr::Neg(a) => check_names(a),
        Expr::Index(a, b, _)
        | Expr::Pipe(a, b)
        | Expr::Comma(a, b)
        | Expr::Binary(_, a, b)
        | Expr::And(a, b)
        | Expr::Or(a, b)
        | Expr::Alternative(a, b)
        | Expr::Assign(a, b)
        | Expr::Update(a, b)
        | Expr::Bind(a, _, b) => each(&[a, b]),
        Expr::Slice(a, b, c, _) => {
            check_names(a)?;
            b.iter().chain(c).try_for_each(|e| check_names(e))
        }
        Expr::Array(a) => a.iter().try_for_each(|e| check_names(e)),
        Expr::Object(entries) => entries.iter().try_for_each(|(k, v)| {
            if let Key::Computed(e) = k {
                check_names(e)?;
            }
            v.iter().try_for_each(check_names)
        }),
        Expr::If(branches, otherwise) => {
            for (c, t) in branches {
                each(&[c, t])?;
            }
            otherwise.iter().try_for_each(|e| check_names(e))
        }
        Expr::Try(a, b) => {
            check_names(a)?;
            b.iter().try_for_each(|e| check_names(e))
        }
        Expr::Reduce(a, _, b, c) => each(&[a, b, c]),
        Expr::Identity | Expr::Recurse | Expr::Literal(_) | Expr::Format(_) | Expr::Var(_) => {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests;
