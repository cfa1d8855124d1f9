//! `sed`, the stream editor, for what cheat-sheet pipelines ask of it: scripts of `s`, `p`,
//! `d` and `q` commands separated by `;` or new lines, each with an optional address (a line
//! number, `$`, `/regex/`, or a range `A,B`), `-n`, `-e`, `-E`/`-r`, and files from the shell's
//! file system. `s/RE/REPLACEMENT/FLAGS` knows `g`, `p`, `i`/`I` and a number; the replacement
//! knows `&`, `\1`..`\9` and `\n`. Other commands are refused plainly.

use regex_lite::Regex;

use super::regex::compile;
use crate::cluster::Output;

enum Address {
    Line(usize),
    Last,
    Match(Regex),
}

enum Action {
    Substitute {
        re: Regex,
        replacement: String,
        global: bool,
        nth: usize,
        print: bool,
    },
    Print,
    Delete,
    Quit,
}

struct Command {
    from: Option<Address>,
    to: Option<Address>,
    action: Action,
}

/// `sed [-n] [-E] [-e SCRIPT | SCRIPT] [FILE...]`.
pub fn sed(args: &[String], stdin: Option<&str>, read: impl Fn(&str) -> Option<String>) -> Output {
    let (mut quiet, mut extended) = (false, false);
    let mut scripts = Vec::new();
    let mut files = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-n" | "--quiet" | "--silent" => quiet = true,
            "-E" | "-r" | "--regexp-extended" => extended = true,
            "-e" => match args.next() {
                Some(s) => scripts.push(s.clone()),
                None => return usage("option requires an argument -- 'e'"),
            },
            a if a.starts_with("-i") || a == "--in-place" => {
                return Output::error(
                    "sed: -i (editing files in place) is not available in this sandbox; use sed ... FILE > NEW\n",
                    1,
                );
            }
            a if a.starts_with('-') && a.len() > 1 => {
                let option = a.chars().nth(1).unwrap_or('-');
                return usage(&format!("invalid option -- '{option}'"));
            }
            _ if scripts.is_empty() => scripts.push(arg.clone()),
            _ => files.push(arg.clone()),
        }
    }
    if scripts.is_empty() {
        return usage("no script specified");
    }
    let commands = match parse(&scripts.join("\n"), extended) {
        Ok(c) => c,
        Err(e) => return Output::error(format!("sed: -e expression #1, char 0: {e}\n"), 1),
    };
    match super::builtins::input(&files, stdin, read) {
        Ok(text) => Output::ok(edit(&commands, &text, quiet)),
        Err(file) => Output::error(
            format!("sed: can't read {file}: No such file or directory\n"),
            2,
        ),
    }
}

fn usage(problem: &str) -> Output {
    Output::error(
        format!(
            "sed: {problem}\nUsage: sed [OPTION]... {{script-only-if-no-other-script}} [input-file]...\n"
        ),
        1,
    )
}

/// Runs the script over every line.
fn edit(commands: &[Command], input: &str, quiet: bool) -> String {
    let lines: Vec<&str> = input.lines().collect();
    let mut active = vec![false; commands.len()];
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let number = i + 1;
        let last = number == lines.len();
        let mut text = line.to_string();
        let mut deleted = false;
        let mut quit = false;
        for (c, command) in commands.iter().enumerate() {
            if !selected(command, &mut active[c], number, last, &text) {
                continue;
            }
            match &command.action {
                Action::Substitute {
                    re,
                    replacement,
                    global,
                    nth,
                    print,
                } => {
                    if let Some(new) = substitute(re, replacement, &text, *global, *nth) {
                        text = new;
                        if *print {
                            out.push_str(&text);
                            out.push('\n');
                        }
                    }
                }
                Action::Print => {
                    out.push_str(&text);
                    out.push('\n');
                }
                Action::Delete => {
                    deleted = true;
                    break;
                }
                Action::Quit => {
                    quit = true;
                    break;
                }
            }
        }
        if !deleted && !quiet {
            out.push_str(&text);
            out.push('\n');
        }
        if quit {
            break;
        }
    }
    out
}

/// Whether a command applies to this line (a range stays on from its start to its end).
fn selected(command: &Command, in_range: &mut bool, number: usize, last: bool, text: &str) -> bool {
    let hits = |a: &Address| match a {
        Address::Line(n) => *n == number,
        Address::Last => last,
        Address::Match(re) => re.is_match(text),
    };
    match (&command.from, &command.to) {
        (None, _) => true,
        (Some(from), None) => hits(from),
        (Some(from), Some(to)) => {
            if *in_range {
                if hits(to) || matches!(to, Address::Line(n) if *n <= number) {
                    *in_range = false;
                }
                true
            } else if hits(from) {
                // A line-number end at or before the start closes the range at once.
                *in_range = !matches!(to, Address::Line(n) if *n <= number);
                true
            } else {
                false
            }
        }
    }
}

/// The line with the match(es) replaced, or `None` when nothing matched.
fn substitute(
    re: &Regex,
    replacement: &str,
    text: &str,
    global: bool,
    nth: usize,
) -> Option<String> {
    let mut out = String::new();
    let mut last_end = 0;
    let mut replaced = false;
    for (count, caps) in re.captures_iter(text).enumerate() {
        let whole = caps.get(0)?;
        if count + 1 < nth {
            continue;
        }
        out.push_str(&text[last_end..whole.start()]);
        let mut chars = replacement.chars();
        while let Some(c) = chars.next() {
            match c {
                '&' => out.push_str(whole.as_str()),
                '\\' => match chars.next() {
                    Some(d @ '0'..='9') => {
                        let group = d.to_digit(10).unwrap_or(0) as usize;
                        out.push_str(caps.get(group).map_or("", |m| m.as_str()));
                    }
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some(other) => out.push(other),
                    None => out.push('\\'),
                },
                other => out.push(other),
            }
        }
        last_end = whole.end();
        replaced = true;
        if !global {
            break;
        }
    }
    replaced.then(|| {
        out.push_str(&text[last_end..]);
        out
    })
}

/// Reads a script into commands.
fn parse(script: &str, extended: bool) -> Result<Vec<Command>, String> {
    let chars: Vec<char> = script.chars().collect();
    let mut i = 0;
    let mut commands = Vec::new();
    let skip_blank = |i: &mut usize| {
        while chars
            .get(*i)
            .is_some_and(|c| c.is_whitespace() || *c == ';')
        {
            *i += 1;
        }
    };
    loop {
        skip_blank(&mut i);
        if i >= chars.len() {
            break;
        }
        let from = address(&chars, &mut i, extended)?;
        let to = if from.is_some() && chars.get(i) == Some(&',') {
            i += 1;
            Some(address(&chars, &mut i, extended)?.ok_or("unexpected `,'")?)
        } else {
            None
        };
        while chars.get(i).is_some_and(|c| *c == ' ') {
            i += 1;
        }
        let action = match chars.get(i) {
            Some('s') => {
                i += 1;
                let delimiter = *chars.get(i).ok_or("unterminated `s' command")?;
                i += 1;
                let pattern =
                    delimited(&chars, &mut i, delimiter).ok_or("unterminated `s' command")?;
                let replacement =
                    delimited(&chars, &mut i, delimiter).ok_or("unterminated `s' command")?;
                let (mut global, mut print, mut ignore_case, mut nth) = (false, false, false, 1);
                while let Some(&f) = chars.get(i) {
                    match f {
                        'g' => global = true,
                        'p' => print = true,
                        'i' | 'I' => ignore_case = true,
                        d if d.is_ascii_digit() => nth = d.to_digit(10).unwrap_or(1) as usize,
                        ';' | '\n' | ' ' | '}' => break,
                        other => return Err(format!("unknown option to `s' ({other})")),
                    }
                    i += 1;
                }
                Action::Substitute {
                    re: compile(&pattern, extended, ignore_case)?,
                    replacement,
                    global,
                    nth: nth.max(1),
                    print,
                }
            }
            Some('p') => {
                i += 1;
                Action::Print
            }
            Some('d') => {
                i += 1;
                Action::Delete
            }
            Some('q') => {
                i += 1;
                Action::Quit
            }
            Some(other) => {
                return Err(format!(
                    "the `{other}' command is not available in this sandbox (s, p, d and q are)"
                ));
            }
            None => return Err("missing command".into()),
        };
        commands.push(Command { from, to, action });
    }
    Ok(commands)
}

/// An address at `i`, if there is one.
fn address(chars: &[char], i: &mut usize, extended: bool) -> Result<Option<Address>, String> {
    match chars.get(*i) {
        Some('$') => {
            *i += 1;
            Ok(Some(Address::Last))
        }
        Some('/') => {
            *i += 1;
            let pattern = delimited(chars, i, '/').ok_or("unterminated address regex")?;
            Ok(Some(Address::Match(compile(&pattern, extended, false)?)))
        }
        Some(c) if c.is_ascii_digit() => {
            let start = *i;
            while chars.get(*i).is_some_and(char::is_ascii_digit) {
                *i += 1;
            }
            let digits: String = chars.get(start..*i).unwrap_or_default().iter().collect();
            Ok(Some(Address::Line(
                digits.parse().map_err(|_| "invalid line number")?,
            )))
        }
        _ => Ok(None),
    }
}

/// The text up to the next unescaped `delimiter` (an escaped delimiter loses its backslash),
/// moving past it.
fn delimited(chars: &[char], i: &mut usize, delimiter: char) -> Option<String> {
    let mut out = String::new();
    while let Some(&c) = chars.get(*i) {
        *i += 1;
        if c == delimiter {
            return Some(out);
        }
        if c == '\\' {
            match chars.get(*i) {
                Some(&next) if next == delimiter => {
                    out.push(next);
                    *i += 1;
                    continue;
                }
                Some(&next) => {
                    out.push('\\');
                    out.push(next);
                    *i += 1;
                    continue;
                }
                None => {}
            }
        }
        out.push(c);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str], input: &str) -> String {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let out = sed(&args, Some(input), |_| None);
        format!("{}{}", out.stdout, out.stderr)
    }

    #[test]
    fn substitutes_like_gnu_sed() {
        assert_eq!(run(&["s/a/b/"], "aaa\n"), "baa\n");
        assert_eq!(run(&["s/a/b/g"], "aaa\n"), "bbb\n");
        assert_eq!(run(&["s/a/b/2"], "aaa\n"), "aba\n");
        // The cheat sheet's line: a group and a back-reference in a basic expression.
        assert_eq!(
            run(
                &[r"s/\(image: myimage\):.*$/\1:v4/"],
                "    image: myimage:v1\n"
            ),
            "    image: myimage:v4\n"
        );
        assert_eq!(run(&["-E", r"s/(web)-([0-9])/\2\1/"], "web-1\n"), "1web\n");
        assert_eq!(run(&["s|/|:|g"], "a/b/c\n"), "a:b:c\n");
        assert_eq!(run(&["s/x/[&]/"], "axb\n"), "a[x]b\n");
    }

    #[test]
    fn addresses_print_delete_quit() {
        let input = "NAME\nweb-1\napi-1\nweb-2\n";
        assert_eq!(run(&["-n", "2p"], input), "web-1\n");
        assert_eq!(run(&["1d"], input), "web-1\napi-1\nweb-2\n");
        assert_eq!(run(&["-n", "/web/p"], input), "web-1\nweb-2\n");
        assert_eq!(run(&["/api/d;s/web/WEB/"], input), "NAME\nWEB-1\nWEB-2\n");
        assert_eq!(run(&["-n", "2,3p"], input), "web-1\napi-1\n");
        assert_eq!(run(&["-n", "$p"], input), "web-2\n");
        assert_eq!(run(&["2q"], input), "NAME\nweb-1\n");
    }

    #[test]
    fn what_it_cannot_do_it_says() {
        assert!(run(&["y/ab/cd/"], "a\n").contains("is not available in this sandbox"));
        assert!(run(&["-i", "s/a/b/", "f"], "a\n").contains("not available in this sandbox"));
        assert!(run(&["s/a/b"], "a\n").contains("unterminated `s' command"));
        assert!(run(&[], "a\n").starts_with("sed: no script specified"));
        assert!(run(&["-é"], "a\n").starts_with("sed: invalid option -- 'é'"));
    }
}
