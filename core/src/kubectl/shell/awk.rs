//! `awk` for the one-liners kubectl users write: `PATTERN { print ... }` rules (several in a
//! program), `BEGIN` and `END`, patterns `/regex/`, `!/regex/` and comparisons of fields,
//! `NR`, `NF`, numbers and strings (`==`, `!=`, `<`, `<=`, `>`, `>=`, `~`, `!~`, joined with
//! `&&` / `||`), and `print` of fields (`$1`, `$NF`, `$0`), variables and strings, separated by
//! commas (printed with a space) or side by side (joined). `-F SEP` splits on SEP instead of
//! runs of blanks. Anything else (assignments, functions, printf, arrays) is refused plainly.

use regex_lite::Regex;

use super::regex::compile;
use crate::cluster::Output;

#[derive(Debug)]
enum Value {
    Field(Box<Value>),
    Nr,
    Nf,
    Number(f64),
    Text(String),
}

#[derive(Debug)]
enum Pattern {
    Always,
    Begin,
    End,
    Regex(Regex, bool),
    Compare(Value, String, Value),
    Match(Value, Regex, bool),
    And(Box<Pattern>, Box<Pattern>),
    Or(Box<Pattern>, Box<Pattern>),
}

struct Rule {
    pattern: Pattern,
    /// `None`: print the line. Otherwise the print's arguments: groups joined by a space,
    /// the values inside a group concatenated.
    print: Option<Vec<Vec<Value>>>,
}

/// The state one line is judged in.
struct Line<'a> {
    text: &'a str,
    fields: Vec<&'a str>,
    number: usize,
}

pub fn awk(args: &[String], stdin: Option<&str>, read: impl Fn(&str) -> Option<String>) -> Output {
    let mut separator: Option<String> = None;
    let mut program = None;
    let mut files = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-F" => separator = args.next().cloned(),
            a if a.starts_with("-F") => separator = Some(a[2..].to_string()),
            a if a.starts_with('-') && a.len() > 1 && program.is_none() => {
                return Output::error(
                    format!("awk: option {a} is not available in this sandbox (-F is)\n"),
                    2,
                );
            }
            _ if program.is_none() => program = Some(arg.clone()),
            _ => files.push(arg.clone()),
        }
    }
    let Some(program) = program else {
        return Output::error("usage: awk [-F fs] 'program' [file ...]\n", 2);
    };
    let rules = match parse_program(&program) {
        Ok(rules) => rules,
        Err(e) => return Output::error(format!("awk: {e}\n"), 2),
    };
    let input = match super::builtins::input(&files, stdin, read) {
        Ok(text) => text,
        Err(file) => {
            return Output::error(
                format!("awk: cannot open \"{file}\" (No such file or directory)\n"),
                2,
            );
        }
    };
    let split = |text: &str| -> Vec<String> {
        match separator.as_deref() {
            None | Some(" ") => text.split_whitespace().map(str::to_string).collect(),
            Some("\\t") | Some("\t") => text.split('\t').map(str::to_string).collect(),
            Some(sep) => text.split(sep).map(str::to_string).collect(),
        }
    };
    let mut out = String::new();
    let mut count = 0;
    let empty = Line {
        text: "",
        fields: Vec::new(),
        number: 0,
    };
    run_rules(&rules, &empty, |p| matches!(p, Pattern::Begin), &mut out);
    for (i, text) in input.lines().enumerate() {
        let owned = split(text);
        let line = Line {
            text,
            fields: owned.iter().map(String::as_str).collect(),
            number: i + 1,
        };
        count = i + 1;
        run_rules(&rules, &line, |p| matches(p, &line), &mut out);
    }
    let end = Line {
        number: count,
        ..empty
    };
    run_rules(&rules, &end, |p| matches!(p, Pattern::End), &mut out);
    Output::ok(out)
}

fn run_rules(rules: &[Rule], line: &Line, applies: impl Fn(&Pattern) -> bool, out: &mut String) {
    for rule in rules.iter().filter(|r| applies(&r.pattern)) {
        match &rule.print {
            None => out.push_str(line.text),
            Some(groups) => {
                let texts: Vec<String> = groups
                    .iter()
                    .map(|group| group.iter().map(|v| text(v, line)).collect())
                    .collect();
                out.push_str(&texts.join(" "));
            }
        }
        out.push('\n');
    }
}

fn matches(pattern: &Pattern, line: &Line) -> bool {
    match pattern {
        Pattern::Always => true,
        Pattern::Begin | Pattern::End => false,
        Pattern::Regex(re, negated) => re.is_match(line.text) != *negated,
        Pattern::Match(value, re, negated) => re.is_match(&text(value, line)) != *negated,
        Pattern::Compare(left, op, right) => {
            let (a, b) = (text(left, line), text(right, line));
            // Both sides numbers: compared as numbers, else as strings (as awk does).
            let ordering = match (number(&a), number(&b)) {
                (Some(x), Some(y)) => x.total_cmp(&y),
                _ => a.cmp(&b),
            };
            match op.as_str() {
                "==" => ordering.is_eq(),
                "!=" => ordering.is_ne(),
                "<" => ordering.is_lt(),
                "<=" => ordering.is_le(),
                ">" => ordering.is_gt(),
                _ => ordering.is_ge(),
            }
        }
        Pattern::And(a, b) => matches(a, line) && matches(b, line),
        Pattern::Or(a, b) => matches(a, line) || matches(b, line),
    }
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse().ok()
}

fn text(value: &Value, line: &Line) -> String {
    let show = |n: f64| {
        if n.fract() == 0.0 && n.abs() < 1e15 {
            format!("{}", n as i64)
        } else {
            format!("{n}")
        }
    };
    match value {
        Value::Nr => line.number.to_string(),
        Value::Nf => line.fields.len().to_string(),
        Value::Number(n) => show(*n),
        Value::Text(t) => t.clone(),
        Value::Field(index) => {
            let i = number(&text(index, line)).unwrap_or(0.0) as usize;
            if i == 0 {
                line.text.to_string()
            } else {
                line.fields
                    .get(i - 1)
                    .map_or(String::new(), |f| f.to_string())
            }
        }
    }
}

/// A tiny tokenizer over the program text.
struct Reader {
    chars: Vec<char>,
    at: usize,
}

impl Reader {
    fn blank(&mut self) {
        while self.peek().is_some_and(|c| c.is_whitespace() || c == ';') {
            self.at += 1;
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn eat(&mut self, word: &str) -> bool {
        self.blank();
        let end = self.at + word.chars().count();
        let here: String = self
            .chars
            .get(self.at..end)
            .unwrap_or_default()
            .iter()
            .collect();
        if here == word {
            self.at = end;
            true
        } else {
            false
        }
    }

    fn until(&mut self, end: char) -> Option<String> {
        let mut out = String::new();
        while let Some(c) = self.peek() {
            self.at += 1;
            if c == '\\' && self.peek() == Some(end) {
                out.push(end);
                self.at += 1;
                continue;
            }
            if c == end {
                return Some(out);
            }
            out.push(c);
        }
        None
    }

    fn word(&mut self) -> String {
        let mut out = String::new();
        while let Some(c) = self
            .peek()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        {
            out.push(c);
            self.at += 1;
        }
        out
    }
}

fn unsupported(what: &str) -> String {
    format!(
        "{what} is not available in this sandbox's awk (it knows PATTERN {{ print ... }} rules, BEGIN and END)"
    )
}

fn parse_program(program: &str) -> Result<Vec<Rule>, String> {
    let mut r = Reader {
        chars: program.chars().collect(),
        at: 0,
    };
    let mut rules = Vec::new();
    loop {
        r.blank();
        if r.peek().is_none() {
            break;
        }
        let pattern = if r.peek() == Some('{') {
            Pattern::Always
        } else {
            parse_pattern(&mut r)?
        };
        r.blank();
        let print = if r.eat("{") {
            let print = parse_action(&mut r)?;
            if !r.eat("}") {
                return Err(match r.peek() {
                    None => "syntax error: missing }".to_string(),
                    Some(_) => unsupported("more than one statement in an action"),
                });
            }
            print
        } else {
            None
        };
        rules.push(Rule { pattern, print });
    }
    Ok(rules)
}

fn parse_pattern(r: &mut Reader) -> Result<Pattern, String> {
    let first = parse_condition(r)?;
    if r.eat("&&") {
        return Ok(Pattern::And(Box::new(first), Box::new(parse_pattern(r)?)));
    }
    if r.eat("||") {
        return Ok(Pattern::Or(Box::new(first), Box::new(parse_pattern(r)?)));
    }
    Ok(first)
}

fn parse_condition(r: &mut Reader) -> Result<Pattern, String> {
    r.blank();
    if r.eat("BEGIN") {
        return Ok(Pattern::Begin);
    }
    if r.eat("END") {
        return Ok(Pattern::End);
    }
    let negated = r.eat("!");
    r.blank();
    if r.peek() == Some('/') {
        r.at += 1;
        let re = r.until('/').ok_or("unterminated regular expression")?;
        return Ok(Pattern::Regex(compile(&re, true, false)?, negated));
    }
    if negated {
        return Err(unsupported("`!` before anything but /regex/"));
    }
    let left = parse_value(r)?;
    for op in ["==", "!=", "<=", ">=", "!~", "~", "<", ">"] {
        if r.eat(op) {
            if op.ends_with('~') {
                r.blank();
                if r.peek() != Some('/') {
                    return Err(unsupported("`~` with anything but /regex/"));
                }
                r.at += 1;
                let re = r.until('/').ok_or("unterminated regular expression")?;
                return Ok(Pattern::Match(left, compile(&re, true, false)?, op == "!~"));
            }
            return Ok(Pattern::Compare(left, op.to_string(), parse_value(r)?));
        }
    }
    Err(unsupported("a pattern without a comparison"))
}

fn parse_value(r: &mut Reader) -> Result<Value, String> {
    r.blank();
    match r.peek() {
        Some('$') => {
            r.at += 1;
            let index = if r.peek() == Some('(') {
                r.at += 1;
                let v = parse_value(r)?;
                if !r.eat(")") {
                    return Err("syntax error: missing )".into());
                }
                v
            } else {
                parse_value(r)?
            };
            Ok(Value::Field(Box::new(index)))
        }
        Some('"') => {
            r.at += 1;
            let raw = r.until('"').ok_or("unterminated string")?;
            Ok(Value::Text(raw.replace("\\n", "\n").replace("\\t", "\t")))
        }
        Some(c) if c.is_ascii_digit() || c == '.' => {
            let mut digits = String::new();
            while let Some(c) = r.peek().filter(|c| c.is_ascii_digit() || *c == '.') {
                digits.push(c);
                r.at += 1;
            }
            digits
                .parse()
                .map(Value::Number)
                .map_err(|_| format!("syntax error at {digits}"))
        }
        Some(c) if c.is_ascii_alphabetic() => match r.word().as_str() {
            "NR" | "FNR" => Ok(Value::Nr),
            "NF" => Ok(Value::Nf),
            other => Err(unsupported(&format!("`{other}`"))),
        },
        other => Err(format!(
            "syntax error at {}",
            other.map_or("end of program".to_string(), |c| format!("`{c}`"))
        )),
    }
}

/// The inside of `{ ... }`: nothing (print the line) or one `print`.
fn parse_action(r: &mut Reader) -> Result<Option<Vec<Vec<Value>>>, String> {
    r.blank();
    if r.peek() == Some('}') {
        return Ok(None);
    }
    let word = r.word();
    if word != "print" {
        return Err(unsupported(&format!("`{word}`")));
    }
    r.blank();
    if matches!(r.peek(), Some('}') | None) {
        return Ok(None);
    }
    let mut groups = vec![Vec::new()];
    loop {
        r.blank();
        match r.peek() {
            Some('}') | None => break,
            Some(',') => {
                r.at += 1;
                groups.push(Vec::new());
            }
            Some('>') | Some('|') => return Err(unsupported("redirecting print")),
            _ => {
                let value = parse_value(r)?;
                if let Some(group) = groups.last_mut() {
                    group.push(value);
                }
            }
        }
    }
    Ok(Some(groups))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PODS: &str =
        "NAME READY STATUS\nweb-1 1/1 Running\napi-1 0/1 Pending\nweb-2 1/1 Running\n";

    fn run(args: &[&str], input: &str) -> String {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let out = awk(&args, Some(input), |_| None);
        format!("{}{}", out.stdout, out.stderr)
    }

    #[test]
    fn one_liners() {
        assert_eq!(run(&["{print $1}"], PODS), "NAME\nweb-1\napi-1\nweb-2\n");
        assert_eq!(
            run(&["NR>1 {print $1, $3}"], PODS),
            "web-1 Running\napi-1 Pending\nweb-2 Running\n"
        );
        assert_eq!(run(&["/Pending/ {print $1}"], PODS), "api-1\n");
        assert_eq!(
            run(&["$3 == \"Running\" {print $1}"], PODS),
            "web-1\nweb-2\n"
        );
        assert_eq!(run(&["{print $NF}"], "a b c\n"), "c\n");
        assert_eq!(run(&["-F:", "{print $2}"], "a:b:c\n"), "b\n");
        assert_eq!(run(&["{print $1 \"=\" $2}"], "k v\n"), "k=v\n");
        assert_eq!(run(&["END {print NR}"], PODS), "4\n");
        assert_eq!(
            run(&["NR>1 && $3 != \"Running\""], PODS),
            "api-1 0/1 Pending\n"
        );
        assert_eq!(run(&["$1 ~ /^web/ {print $2}"], PODS), "1/1\n1/1\n");
        assert_eq!(
            run(&["!/web/"], PODS),
            "NAME READY STATUS\napi-1 0/1 Pending\n"
        );
    }

    #[test]
    fn what_it_cannot_do_it_says() {
        assert!(run(&["{x=1; print x}"], "a\n").contains("not available in this sandbox"));
        assert!(run(&["{printf \"%s\", $1}"], "a\n").contains("not available in this sandbox"));
        assert!(run(&["{print $1"], "a\n").starts_with("awk:"));
    }
}
