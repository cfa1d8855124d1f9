//! jq's string functions: case, trimming, prefixes, `contains`, searching, and the regex
//! ones (`test`, `sub`, `gsub`, `splits`) over regex-lite, which reads the Oniguruma
//! patterns people write in jq filters (classes, anchors, groups, `\d`, `\s`).

use serde_json::Value;

use super::eval::{Env, Error, brief, compare, eval, type_name};
use super::parse::Expr;

type Out = Result<Vec<Value>, Error>;

fn fail<T>(message: impl Into<String>) -> Result<T, Error> {
    Err(Error::Message(message.into()))
}

pub fn call(name: &str, args: &[Expr], input: &Value, env: &Env) -> Out {
    let arg = |i: usize| -> Result<Vec<Value>, Error> {
        match args.get(i) {
            Some(e) => eval(e, input, env),
            None => Ok(vec![Value::Null]),
        }
    };
    let text = || -> Result<&str, Error> {
        input.as_str().ok_or_else(|| {
            Error::Message(format!(
                "{} ({}) cannot be matched, as it is not a string",
                type_name(input),
                brief(input)
            ))
        })
    };
    let one = |v: Value| Ok(vec![v]);
    match name {
        "ascii_downcase" | "ascii_upcase" => match input {
            Value::String(s) => one(Value::String(if name == "ascii_downcase" {
                s.to_ascii_lowercase()
            } else {
                s.to_ascii_uppercase()
            })),
            other => fail(format!(
                "{} ({}) cannot be {}cased",
                type_name(other),
                brief(other),
                if name == "ascii_downcase" {
                    "lower"
                } else {
                    "upper"
                }
            )),
        },
        "trim" | "ltrim" | "rtrim" => match input {
            Value::String(s) => one(Value::String(
                match name {
                    "trim" => s.trim(),
                    "ltrim" => s.trim_start(),
                    _ => s.trim_end(),
                }
                .to_string(),
            )),
            other => fail(format!(
                "{} ({}) cannot be trimmed",
                type_name(other),
                brief(other)
            )),
        },
        "ltrimstr" | "rtrimstr" => arg(0)?
            .into_iter()
            .map(|a| {
                Ok(match (input, a.as_str()) {
                    (Value::String(s), Some(a)) => Value::String(
                        if name == "ltrimstr" {
                            s.strip_prefix(a)
                        } else {
                            s.strip_suffix(a)
                        }
                        .unwrap_or(s)
                        .to_string(),
                    ),
                    _ => input.clone(),
                })
            })
            .collect(),
        "startswith" | "endswith" => arg(0)?
            .into_iter()
            .map(|a| match (input, &a) {
                (Value::String(s), Value::String(a)) => Ok(Value::Bool(if name == "startswith" {
                    s.starts_with(a.as_str())
                } else {
                    s.ends_with(a.as_str())
                })),
                _ => fail(format!("{name}() requires string inputs")),
            })
            .collect(),
        "contains" => arg(0)?
            .into_iter()
            .map(|a| contains(input, &a).map(Value::Bool))
            .collect(),
        "inside" => arg(0)?
            .into_iter()
            .map(|a| contains(&a, input).map(Value::Bool))
            .collect(),
        "index" | "rindex" | "indices" => arg(0)?
            .into_iter()
            .map(|a| Ok(find(name, input, &a)))
            .collect(),
        "test" => {
            let flags = flags(arg(1)?.first())?;
            let mut out = Vec::new();
            for pattern in arg(0)? {
                out.push(Value::Bool(regex(&pattern, &flags)?.is_match(text()?)));
            }
            Ok(out)
        }
        "splits" => {
            let mut out = Vec::new();
            for pattern in arg(0)? {
                let re = regex(&pattern, "")?;
                out.extend(re.split(text()?).map(|p| Value::String(p.to_string())));
            }
            Ok(out)
        }
        _ => {
            // sub / gsub: the replacement is a jq string, evaluated with the match's named
            // captures as its input (`"\(.name)"`).
            let global = name == "gsub" || flags(arg(2)?.first())?.contains('g');
            let flag_text = flags(arg(2)?.first())?;
            let s = text()?;
            let mut out = Vec::new();
            for pattern in arg(0)? {
                let re = regex(&pattern, &flag_text)?;
                let mut result = String::new();
                let mut last = 0;
                for caps in re.captures_iter(s) {
                    let Some(whole) = caps.get(0) else { continue };
                    result.push_str(s.get(last..whole.start()).unwrap_or(""));
                    let mut named = serde_json::Map::new();
                    for name in re.capture_names().flatten() {
                        let value = caps
                            .name(name)
                            .map_or(Value::Null, |m| Value::String(m.as_str().to_string()));
                        named.insert(name.to_string(), value);
                    }
                    let replacement = args
                        .get(1)
                        .map(|e| eval(e, &Value::Object(named), env))
                        .transpose()?
                        .unwrap_or_default();
                    for r in replacement.iter().take(1) {
                        match r {
                            Value::String(r) => result.push_str(r),
                            other => {
                                return fail(format!(
                                    "{} ({}) cannot be added to a string",
                                    type_name(other),
                                    brief(other)
                                ));
                            }
                        }
                    }
                    last = whole.end();
                    if !global {
                        break;
                    }
                }
                result.push_str(s.get(last..).unwrap_or(""));
                out.push(Value::String(result));
            }
            Ok(out)
        }
    }
}

fn flags(v: Option<&Value>) -> Result<String, Error> {
    match v {
        None | Some(Value::Null) => Ok(String::new()),
        Some(Value::String(f)) => {
            if let Some(bad) = f.chars().find(|c| !"gimnpslx".contains(*c)) {
                return fail(format!("{f} is not a valid modifier string (at {bad})"));
            }
            Ok(f.clone())
        }
        Some(other) => fail(format!(
            "{} ({}) is not a string",
            type_name(other),
            brief(other)
        )),
    }
}

fn regex(pattern: &Value, flags: &str) -> Result<regex_lite::Regex, Error> {
    let Value::String(p) = pattern else {
        return fail(format!(
            "{} ({}) cannot be matched, as it is not a string",
            type_name(pattern),
            brief(pattern)
        ));
    };
    regex_lite::RegexBuilder::new(p)
        .case_insensitive(flags.contains('i'))
        .ignore_whitespace(flags.contains('x'))
        .dot_matches_new_line(flags.contains('s'))
        .build()
        .map_err(|e| Error::Message(format!("{p} (at offset 0) is not a valid regex: {e}")))
}

/// jq's `contains`: substrings for strings, every element for arrays, recursively for objects.
fn contains(a: &Value, b: &Value) -> Result<bool, Error> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in y {
                match x.get(k) {
                    Some(w) if contains(w, v)? => {}
                    _ => return Ok(false),
                }
            }
            Ok(true)
        }
        (Value::Array(x), Value::Array(y)) => {
            for v in y {
                let mut found = false;
                for w in x {
                    if contains(w, v)? {
                        found = true;
                        break;
                    }
                }
                if !found {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        (Value::String(x), Value::String(y)) => Ok(x.contains(y.as_str())),
        _ if type_name(a) == type_name(b) => Ok(compare(a, b).is_eq()),
        _ => fail(format!(
            "{} ({}) and {} ({}) cannot have their containment checked",
            type_name(a),
            brief(a),
            type_name(b),
            brief(b)
        )),
    }
}

/// `index`, `rindex`, `indices` of a substring (byte offsets, as jq 1.7 gives) or a
/// sub-array.
fn find(name: &str, input: &Value, needle: &Value) -> Value {
    let positions: Vec<usize> = match (input, needle) {
        (Value::String(s), Value::String(n)) if !n.is_empty() => {
            s.match_indices(n.as_str()).map(|(i, _)| i).collect()
        }
        (Value::Array(items), Value::Array(n)) if !n.is_empty() => (0..items.len())
            .filter(|&i| {
                items
                    .get(i..i + n.len())
                    .is_some_and(|w| w.iter().zip(n).all(|(a, b)| compare(a, b).is_eq()))
            })
            .collect(),
        (Value::Array(items), one) => (0..items.len())
            .filter(|&i| compare(&items[i], one).is_eq())
            .collect(),
        _ => return Value::Null,
    };
    match name {
        "index" => positions.first().map_or(Value::Null, |i| Value::from(*i)),
        "rindex" => positions.last().map_or(Value::Null, |i| Value::from(*i)),
        _ => Value::Array(positions.into_iter().map(Value::from).collect()),
    }
}
