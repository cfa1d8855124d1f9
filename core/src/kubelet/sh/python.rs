//! `python3 -c`, for the one-liners of tutorials and docs examples: `import`, `print(...)`,
//! `sys.exit(n)`, `time.sleep(n)`, `if`/`elif`/`else` on `os.environ.get(...)` (or
//! `os.getenv`) compared with `==`/`!=`, string and integer literals. Anything else stops with
//! a plain "not simulated" message, never a made-up result.

use super::Sys;
use super::commands::{Io, Wait};

#[derive(Clone, Debug, PartialEq)]
enum Value {
    Str(String),
    Int(i64),
    None,
}

impl Value {
    fn truthy(&self) -> bool {
        match self {
            Value::Str(s) => !s.is_empty(),
            Value::Int(i) => *i != 0,
            Value::None => false,
        }
    }

    fn show(&self) -> String {
        match self {
            Value::Str(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::None => "None".into(),
        }
    }
}

/// What running a line did.
enum Flow {
    Next,
    Exit(i32),
}

struct Run<'a, 'b> {
    sys: &'a Sys<'b>,
    io: &'a mut Io,
    slept_ms: i64,
}

/// Runs `python3 -c SCRIPT`.
pub fn run_c(script: &str, io: &mut Io, sys: &Sys<'_>) -> (i32, Wait) {
    let lines: Vec<(usize, String)> = script
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim().starts_with('#'))
        .map(|l| {
            let indent = l.len() - l.trim_start().len();
            (indent, l.trim().to_string())
        })
        .collect();
    let mut run = Run {
        sys,
        io,
        slept_ms: 0,
    };
    let (code, ok) = match run.block(&lines, 0) {
        Ok(Flow::Exit(code)) => (code, true),
        Ok(Flow::Next) => (0, true),
        Err(unsupported) => {
            run.io.err.push_str(&format!(
                "python3: this statement is not simulated in this sandbox yet: {unsupported}\n"
            ));
            (1, false)
        }
    };
    let _ = ok;
    let wait = if run.slept_ms > 0 {
        Wait::Millis(run.slept_ms)
    } else {
        Wait::None
    };
    (code, wait)
}

impl Run<'_, '_> {
    /// Runs the lines of one block (all at `indent` or deeper).
    fn block(&mut self, lines: &[(usize, String)], start: usize) -> Result<Flow, String> {
        let Some(&(indent, _)) = lines.get(start) else {
            return Ok(Flow::Next);
        };
        let mut i = start;
        while let Some((ind, line)) = lines.get(i) {
            if *ind < indent {
                break;
            }
            if let Some(cond) = line.strip_prefix("if ").and_then(|c| c.strip_suffix(':')) {
                // Collect the chain: if / elif / else, each with its block.
                let mut branches: Vec<(Option<String>, usize)> =
                    vec![(Some(cond.to_string()), i + 1)];
                let mut j = skip_block(lines, i + 1, indent);
                while let Some((ind2, l2)) = lines.get(j) {
                    if *ind2 != indent {
                        break;
                    }
                    if let Some(c) = l2.strip_prefix("elif ").and_then(|c| c.strip_suffix(':')) {
                        branches.push((Some(c.to_string()), j + 1));
                    } else if l2 == "else:" {
                        branches.push((None, j + 1));
                    } else {
                        break;
                    }
                    j = skip_block(lines, j + 1, indent);
                }
                for (cond, body) in branches {
                    let take = match cond {
                        Some(c) => self.expr(&c)?.truthy(),
                        None => true,
                    };
                    if take {
                        if let Flow::Exit(code) = self.block(lines, body)? {
                            return Ok(Flow::Exit(code));
                        }
                        break;
                    }
                }
                i = j;
                continue;
            }
            if let Flow::Exit(code) = self.statement(line)? {
                return Ok(Flow::Exit(code));
            }
            i += 1;
        }
        Ok(Flow::Next)
    }

    fn statement(&mut self, line: &str) -> Result<Flow, String> {
        if line.starts_with("import ") || line.starts_with("from ") || line == "pass" {
            return Ok(Flow::Next);
        }
        for prefix in ["sys.exit(", "exit(", "quit("] {
            if let Some(arg) = line.strip_prefix(prefix).and_then(|a| a.strip_suffix(')')) {
                let code = match self.expr(arg)? {
                    Value::Int(i) => i as i32,
                    Value::None => 0,
                    Value::Str(s) => {
                        self.io.err.push_str(&format!("{s}\n"));
                        1
                    }
                };
                return Ok(Flow::Exit(code));
            }
        }
        if let Some(arg) = line
            .strip_prefix("time.sleep(")
            .and_then(|a| a.strip_suffix(')'))
        {
            let secs: f64 = arg.trim().parse().map_err(|_| line.to_string())?;
            self.slept_ms += (secs * 1000.0) as i64;
            return Ok(Flow::Next);
        }
        if let Some(arg) = line
            .strip_prefix("print(")
            .and_then(|a| a.strip_suffix(')'))
        {
            let parts: Vec<String> = split_args(arg)
                .iter()
                .map(|a| self.expr(a).map(|v| v.show()))
                .collect::<Result<_, _>>()?;
            self.io.out.push_str(&format!("{}\n", parts.join(" ")));
            return Ok(Flow::Next);
        }
        Err(line.to_string())
    }

    fn expr(&self, text: &str) -> Result<Value, String> {
        let text = text.trim();
        for op in ["==", "!="] {
            if let Some((a, b)) = text.split_once(op) {
                let equal = self.expr(a)? == self.expr(b)?;
                return Ok(Value::Int(i64::from(equal == (op == "=="))));
            }
        }
        if let Some(s) = literal(text) {
            return Ok(Value::Str(s));
        }
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Value::Int(i));
        }
        if text == "None" {
            return Ok(Value::None);
        }
        if text == "True" {
            return Ok(Value::Int(1));
        }
        if text == "False" {
            return Ok(Value::Int(0));
        }
        for prefix in ["os.environ.get(", "os.getenv("] {
            if let Some(arg) = text.strip_prefix(prefix).and_then(|a| a.strip_suffix(')')) {
                let args = split_args(arg);
                let name = args
                    .first()
                    .and_then(|a| literal(a))
                    .ok_or_else(|| text.to_string())?;
                return Ok(match self.sys.getenv(&name) {
                    Some(v) => Value::Str(v.to_string()),
                    None => match args.get(1) {
                        Some(d) => self.expr(d)?,
                        None => Value::None,
                    },
                });
            }
        }
        if let Some(arg) = text
            .strip_prefix("os.environ[")
            .and_then(|a| a.strip_suffix(']'))
        {
            let name = literal(arg).ok_or_else(|| text.to_string())?;
            return Ok(Value::Str(self.sys.getenv(&name).unwrap_or("").to_string()));
        }
        Err(text.to_string())
    }
}

/// The index after the block that starts at `start` (lines deeper than `indent`).
fn skip_block(lines: &[(usize, String)], start: usize, indent: usize) -> usize {
    let mut j = start;
    while lines.get(j).is_some_and(|(ind, _)| *ind > indent) {
        j += 1;
    }
    j
}

/// A quoted string literal's text.
fn literal(text: &str) -> Option<String> {
    let t = text.trim();
    for q in ['"', '\''] {
        if t.len() >= 2 && t.starts_with(q) && t.ends_with(q) {
            return t.get(1..t.len() - 1).map(str::to_string);
        }
    }
    None
}

/// Splits call arguments on top-level commas.
fn split_args(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut depth = 0;
    for c in text.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                cur.push(c);
            }
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                cur.push(c);
            }
            (None, '(') => {
                depth += 1;
                cur.push(c);
            }
            (None, ')') => {
                depth -= 1;
                cur.push(c);
            }
            (None, ',') if depth == 0 => out.push(std::mem::take(&mut cur)),
            (None, c) => cur.push(c),
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}
