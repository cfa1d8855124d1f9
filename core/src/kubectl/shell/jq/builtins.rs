//! jq's built-in functions, the ones people reach for on kubectl's JSON. An unknown name is
//! jq's compile error (`foo/1 is not defined`).

use std::cmp::Ordering;

use serde_json::{Map, Value};

use super::eval::{
    Env, Error, compare, delete_paths, eval, get_path, iterate, number, paths, recurse, split,
    to_text, truthy, type_name,
};
use super::parse::Expr;

type Out = Result<Vec<Value>, Error>;

fn fail<T>(message: impl Into<String>) -> Result<T, Error> {
    Err(Error::Message(message.into()))
}

/// The functions there are, with their arities: a filter naming anything else does not
/// compile (`foo/1 is not defined`).
pub const KNOWN: &[(&str, usize)] = &[
    ("empty", 0),
    ("not", 0),
    ("length", 0),
    ("utf8bytelength", 0),
    ("keys", 0),
    ("keys_unsorted", 0),
    ("values", 0),
    ("has", 1),
    ("in", 1),
    ("map", 1),
    ("map_values", 1),
    ("select", 1),
    ("recurse", 0),
    ("to_entries", 0),
    ("from_entries", 0),
    ("with_entries", 1),
    ("add", 0),
    ("any", 0),
    ("all", 0),
    ("any", 1),
    ("all", 1),
    ("flatten", 0),
    ("flatten", 1),
    ("range", 1),
    ("range", 2),
    ("floor", 0),
    ("ceil", 0),
    ("round", 0),
    ("sqrt", 0),
    ("fabs", 0),
    ("tostring", 0),
    ("tonumber", 0),
    ("tojson", 0),
    ("fromjson", 0),
    ("type", 0),
    ("arrays", 0),
    ("objects", 0),
    ("iterables", 0),
    ("booleans", 0),
    ("numbers", 0),
    ("strings", 0),
    ("nulls", 0),
    ("scalars", 0),
    ("reverse", 0),
    ("sort", 0),
    ("sort_by", 1),
    ("group_by", 1),
    ("unique_by", 1),
    ("min_by", 1),
    ("max_by", 1),
    ("unique", 0),
    ("min", 0),
    ("max", 0),
    ("first", 0),
    ("last", 0),
    ("first", 1),
    ("last", 1),
    ("limit", 2),
    ("isempty", 1),
    ("error", 0),
    ("error", 1),
    ("paths", 0),
    ("paths", 1),
    ("leaf_paths", 0),
    ("path", 1),
    ("getpath", 1),
    ("del", 1),
    ("join", 1),
    ("split", 1),
    ("env", 0),
    ("ascii_downcase", 0),
    ("ascii_upcase", 0),
    ("ltrimstr", 1),
    ("rtrimstr", 1),
    ("startswith", 1),
    ("endswith", 1),
    ("test", 1),
    ("test", 2),
    ("contains", 1),
    ("inside", 1),
    ("sub", 2),
    ("sub", 3),
    ("gsub", 2),
    ("gsub", 3),
    ("splits", 1),
    ("index", 1),
    ("rindex", 1),
    ("indices", 1),
    ("trim", 0),
    ("ltrim", 0),
    ("rtrim", 0),
    ("input", 0),
    ("inputs", 0),
    ("debug", 0),
    ("stderr", 0),
    ("input_filename", 0),
    ("now", 0),
    ("builtins", 0),
    ("tostream", 0),
    ("fromstream", 1),
    ("implode", 0),
    ("explode", 0),
    ("input_line_number", 0),
    ("halt", 0),
    ("halt_error", 0),
    ("halt_error", 1),
];

/// Calls `name` with `args` (closures over the input, as jq passes them).
pub fn call(name: &str, args: &[Expr], input: &Value, env: &Env, depth: usize) -> Out {
    let ev = |e: &Expr, v: &Value| eval(e, v, env);
    let one = |v: Value| Ok(vec![v]);
    // Each value of the one argument `f`, for functions that take a plain value.
    let each = |f: &Expr, apply: &dyn Fn(&Value) -> Result<Value, Error>| -> Out {
        ev(f, input)?.iter().map(apply).collect()
    };
    match (name, args) {
        ("empty", []) => Ok(Vec::new()),
        ("not", []) => one(Value::Bool(!truthy(input))),
        ("length", []) => one(match input {
            Value::Null => Value::from(0),
            Value::Bool(_) => return fail("boolean (true) has no length"),
            Value::Number(n) => number(n.as_f64().unwrap_or(0.0).abs()),
            Value::String(s) => Value::from(s.chars().count()),
            Value::Array(a) => Value::from(a.len()),
            Value::Object(o) => Value::from(o.len()),
        }),
        ("utf8bytelength", []) => match input {
            Value::String(s) => one(Value::from(s.len())),
            other => fail(format!(
                "{} only strings have UTF-8 byte length",
                type_name(other)
            )),
        },
        ("keys" | "keys_unsorted", []) => match input {
            Value::Object(o) => one(Value::Array(o.keys().cloned().map(Value::String).collect())),
            Value::Array(a) => one(Value::Array((0..a.len()).map(Value::from).collect())),
            other => fail(format!(
                "{} ({}) has no keys",
                type_name(other),
                brief(other)
            )),
        },
        ("values", []) => Ok(if input.is_null() {
            vec![]
        } else {
            vec![input.clone()]
        }),
        ("has", [k]) => each(k, &|k| match (input, k) {
            (Value::Object(o), Value::String(s)) => Ok(Value::Bool(o.contains_key(s))),
            (Value::Array(a), Value::Number(n)) => Ok(Value::Bool(
                n.as_f64().unwrap_or(-1.0) >= 0.0 && (n.as_f64().unwrap_or(0.0) as usize) < a.len(),
            )),
            _ => fail(format!(
                "Cannot check whether {} has a {} key",
                type_name(input),
                type_name(k)
            )),
        }),
        ("in", [o]) => each(o, &|o| {
            let r = call("has", &[Expr::Literal(input.clone())], o, env, depth)?;
            Ok(r.into_iter().next().unwrap_or(Value::Bool(false)))
        }),
        ("map", [f]) => {
            let mut out = Vec::new();
            for v in iterate(input)? {
                out.extend(ev(f, &v)?);
            }
            one(Value::Array(out))
        }
        ("map_values", [f]) => match input {
            Value::Object(o) => {
                let mut m = Map::new();
                for (k, v) in o {
                    if let Some(x) = ev(f, v)?.into_iter().next() {
                        m.insert(k.clone(), x);
                    }
                }
                one(Value::Object(m))
            }
            _ => {
                let mut out = Vec::new();
                for v in iterate(input)? {
                    out.extend(ev(f, &v)?.into_iter().take(1));
                }
                one(Value::Array(out))
            }
        },
        ("select", [f]) => Ok(if ev(f, input)?.iter().any(truthy) {
            vec![input.clone()]
        } else {
            Vec::new()
        }),
        ("recurse", []) => {
            let mut all = Vec::new();
            recurse(input, &mut all);
            Ok(all)
        }
        ("to_entries", []) => match input {
            Value::Object(o) => one(Value::Array(
                o.iter()
                    .map(|(k, v)| serde_json::json!({"key": k, "value": v}))
                    .collect(),
            )),
            other => fail(format!(
                "{} ({}) has no keys",
                type_name(other),
                brief(other)
            )),
        },
        ("from_entries", []) => {
            let mut m = Map::new();
            for e in iterate(input)? {
                let key = ["key", "k", "name", "Name", "Key", "K"]
                    .iter()
                    .find_map(|k| e.get(*k).filter(|v| !v.is_null()))
                    .cloned()
                    .unwrap_or(Value::Null);
                let value = ["value", "v", "Value", "V"]
                    .iter()
                    .find_map(|k| e.get(*k))
                    .cloned()
                    .unwrap_or(Value::Null);
                let key = match key {
                    Value::String(s) => s,
                    Value::Number(_) | Value::Bool(_) => key.to_string(),
                    other => {
                        return fail(format!(
                            "Cannot use {} ({}) as object key",
                            type_name(&other),
                            brief(&other)
                        ));
                    }
                };
                m.insert(key, value);
            }
            one(Value::Object(m))
        }
        ("with_entries", [f]) => {
            let entries = call("to_entries", &[], input, env, depth)?;
            let mapped = call("map", std::slice::from_ref(f), &entries[0], env, depth)?;
            call("from_entries", &[], &mapped[0], env, depth)
        }
        ("add", []) => {
            let items = iterate(input)?;
            let mut acc = Value::Null;
            for v in items {
                acc = add(&acc, &v)?;
            }
            one(acc)
        }
        ("any", []) => one(Value::Bool(iterate(input)?.iter().any(truthy))),
        ("all", []) => one(Value::Bool(iterate(input)?.iter().all(truthy))),
        ("any", [f]) => {
            let mut any = false;
            for v in iterate(input)? {
                any |= ev(f, &v)?.iter().any(truthy);
            }
            one(Value::Bool(any))
        }
        ("all", [f]) => {
            let mut all = true;
            for v in iterate(input)? {
                all &= ev(f, &v)?.iter().all(truthy);
            }
            one(Value::Bool(all))
        }
        ("flatten", []) => one(Value::Array(flatten(&iterate(input)?, usize::MAX))),
        ("flatten", [d]) => each(d, &|d| {
            Ok(Value::Array(flatten(
                &iterate(input)?,
                d.as_f64().unwrap_or(0.0) as usize,
            )))
        }),
        ("range", [n]) => {
            let mut out = Vec::new();
            for n in ev(n, input)? {
                let n = n.as_f64().unwrap_or(0.0);
                let mut i = 0.0;
                while i < n && out.len() < 1_000_000 {
                    out.push(number(i));
                    i += 1.0;
                }
            }
            Ok(out)
        }
        ("range", [a, b]) => {
            let mut out = Vec::new();
            for a in ev(a, input)? {
                for b in ev(b, input)? {
                    let (mut i, end) = (a.as_f64().unwrap_or(0.0), b.as_f64().unwrap_or(0.0));
                    while i < end && out.len() < 1_000_000 {
                        out.push(number(i));
                        i += 1.0;
                    }
                }
            }
            Ok(out)
        }
        ("floor" | "ceil" | "round" | "sqrt" | "fabs", []) => match input.as_f64() {
            Some(n) => one(number(match name {
                "floor" => n.floor(),
                "ceil" => n.ceil(),
                "round" => n.round(),
                "fabs" => n.abs(),
                _ => n.sqrt(),
            })),
            None => fail(format!(
                "{} ({}) number required",
                type_name(input),
                brief(input)
            )),
        },
        ("tostring", []) => one(Value::String(to_text(input))),
        ("tonumber", []) => match input {
            Value::Number(_) => one(input.clone()),
            Value::String(s) => match s.trim().parse::<f64>() {
                Ok(n) => one(number(n)),
                Err(_) => fail(format!("Cannot parse '{s}' as JSON")),
            },
            other => fail(format!(
                "{} ({}) cannot be parsed as a number",
                type_name(other),
                brief(other)
            )),
        },
        ("tojson", []) => one(Value::String(input.to_string())),
        ("fromjson", []) => match input {
            Value::String(s) => serde_json::from_str(s)
                .map(|v| vec![v])
                .map_err(|e| Error::Message(format!("{s} (while parsing '{s}'): {e}"))),
            other => fail(format!(
                "{} ({}) cannot be parsed",
                type_name(other),
                brief(other)
            )),
        },
        ("type", []) => one(Value::String(type_name(input).into())),
        (
            "arrays" | "objects" | "iterables" | "booleans" | "numbers" | "strings" | "nulls"
            | "scalars",
            [],
        ) => {
            let keep = match name {
                "arrays" => input.is_array(),
                "objects" => input.is_object(),
                "iterables" => input.is_array() || input.is_object(),
                "booleans" => input.is_boolean(),
                "numbers" => input.is_number(),
                "strings" => input.is_string(),
                "nulls" => input.is_null(),
                _ => !(input.is_array() || input.is_object()),
            };
            Ok(if keep {
                vec![input.clone()]
            } else {
                Vec::new()
            })
        }
        ("reverse", []) => match input {
            Value::Array(a) => one(Value::Array(a.iter().rev().cloned().collect())),
            Value::String(s) => one(Value::String(s.chars().rev().collect())),
            Value::Null => one(Value::Array(Vec::new())),
            other => fail(format!("Cannot reverse {}", type_name(other))),
        },
        ("sort", []) => {
            let mut items = sortable(input)?;
            items.sort_by(compare);
            one(Value::Array(items))
        }
        ("sort_by" | "group_by" | "unique_by" | "min_by" | "max_by", [f]) => {
            let items = sortable(input)?;
            let mut keyed: Vec<(Value, Value)> = Vec::new();
            for v in items {
                keyed.push((Value::Array(ev(f, &v)?), v));
            }
            keyed.sort_by(|a, b| compare(&a.0, &b.0));
            by_key(name, keyed)
        }
        ("unique", []) => {
            let mut items = sortable(input)?;
            items.sort_by(compare);
            items.dedup_by(|a, b| compare(a, b) == Ordering::Equal);
            one(Value::Array(items))
        }
        ("min" | "max", []) => {
            let items = sortable(input)?;
            let pick = if name == "min" {
                items.into_iter().min_by(compare)
            } else {
                items.into_iter().max_by(compare)
            };
            one(pick.unwrap_or(Value::Null))
        }
        ("first", []) => one(super::eval::index(input, &Value::from(0))?),
        ("last", []) => one(super::eval::index(input, &Value::from(-1))?),
        ("first", [f]) => Ok(ev(f, input)?.into_iter().take(1).collect()),
        ("last", [f]) => Ok(ev(f, input)?.into_iter().last().into_iter().collect()),
        ("limit", [n, f]) => {
            let mut out = Vec::new();
            for n in ev(n, input)? {
                out.extend(
                    ev(f, input)?
                        .into_iter()
                        .take(n.as_f64().unwrap_or(0.0).max(0.0) as usize),
                );
            }
            Ok(out)
        }
        ("isempty", [f]) => one(Value::Bool(ev(f, input)?.is_empty())),
        ("error", []) => Err(Error::Value(input.clone())),
        ("error", [m]) => match ev(m, input)?.into_iter().next() {
            Some(v) => Err(Error::Value(v)),
            None => Ok(Vec::new()),
        },
        ("paths", []) => {
            let all = paths(&Expr::Recurse, input, env, depth + 1)?;
            Ok(all
                .into_iter()
                .filter(|(p, _)| !p.is_empty())
                .map(|(p, _)| Value::Array(p))
                .collect())
        }
        ("leaf_paths", []) => {
            let all = paths(&Expr::Recurse, input, env, depth + 1)?;
            Ok(all
                .into_iter()
                .filter(|(p, v)| !(p.is_empty() || v.is_array() || v.is_object()))
                .map(|(p, _)| Value::Array(p))
                .collect())
        }
        ("paths", [f]) => {
            let all = paths(&Expr::Recurse, input, env, depth + 1)?;
            let mut out = Vec::new();
            for (p, v) in all.into_iter().filter(|(p, _)| !p.is_empty()) {
                if ev(f, &v)?.iter().any(truthy) {
                    out.push(Value::Array(p));
                }
            }
            Ok(out)
        }
        ("path", [f]) => Ok(paths(f, input, env, depth + 1)?
            .into_iter()
            .map(|(p, _)| Value::Array(p))
            .collect()),
        ("getpath", [p]) => each(p, &|p| {
            Ok(get_path(input, p.as_array().map_or(&[][..], Vec::as_slice)))
        }),
        ("del", [f]) => {
            let targets = paths(f, input, env, depth + 1)?
                .into_iter()
                .map(|(p, _)| p)
                .collect();
            one(delete_paths(input.clone(), targets)?)
        }
        ("join", [sep]) => each(sep, &|sep| {
            let sep = to_text(sep);
            let mut parts = Vec::new();
            for v in iterate(input)? {
                parts.push(match v {
                    Value::Null => String::new(),
                    Value::String(s) => s,
                    Value::Number(_) | Value::Bool(_) => v.to_string(),
                    other => {
                        return fail(format!(
                            "Cannot join with {} ({})",
                            type_name(&other),
                            brief(&other)
                        ));
                    }
                });
            }
            Ok(Value::String(parts.join(&sep)))
        }),
        ("split", [sep]) => each(sep, &|sep| match (input, sep) {
            (Value::String(s), Value::String(sep)) => Ok(Value::Array(
                split(s, sep).into_iter().map(Value::String).collect(),
            )),
            _ => fail("split input and separator must be strings"),
        }),
        (
            "ascii_downcase" | "ascii_upcase" | "ltrimstr" | "rtrimstr" | "startswith" | "endswith"
            | "test" | "contains" | "inside" | "sub" | "gsub" | "splits" | "index" | "rindex"
            | "indices" | "trim" | "ltrim" | "rtrim",
            _,
        ) => super::strings::call(name, args, input, env),
        ("env", []) => one(Value::Object(Map::new())),
        (
            "input" | "inputs" | "debug" | "stderr" | "input_filename" | "now" | "builtins"
            | "tostream" | "fromstream" | "implode" | "explode" | "input_line_number" | "halt"
            | "halt_error",
            _,
        ) => fail(format!("{name} is not available in this sandbox's jq")),
        _ => fail(format!("{name}/{} is not defined", args.len())),
    }
}

fn brief(v: &Value) -> String {
    super::eval::brief(v)
}

fn add(a: &Value, b: &Value) -> Result<Value, Error> {
    let plus = Expr::Binary(
        super::parse::BinOp::Add,
        Box::new(Expr::Literal(a.clone())),
        Box::new(Expr::Literal(b.clone())),
    );
    Ok(eval(&plus, &Value::Null, &Env::default())?
        .into_iter()
        .next()
        .unwrap_or(Value::Null))
}

fn flatten(items: &[Value], depth: usize) -> Vec<Value> {
    let mut out = Vec::new();
    for v in items {
        match v {
            Value::Array(inner) if depth > 0 => out.extend(flatten(inner, depth - 1)),
            other => out.push(other.clone()),
        }
    }
    out
}

fn sortable(input: &Value) -> Result<Vec<Value>, Error> {
    match input {
        Value::Array(a) => Ok(a.clone()),
        other => fail(format!(
            "{} ({}) cannot be sorted, as it is not an array",
            type_name(other),
            brief(other)
        )),
    }
}

/// `sort_by`, `group_by`, `unique_by`, `min_by`, `max_by` over items sorted by key.
fn by_key(name: &str, keyed: Vec<(Value, Value)>) -> Out {
    let one = |v: Value| Ok(vec![v]);
    match name {
        "sort_by" => one(Value::Array(keyed.into_iter().map(|(_, v)| v).collect())),
        "min_by" => one(keyed.into_iter().next().map_or(Value::Null, |(_, v)| v)),
        "max_by" => one(keyed.into_iter().last().map_or(Value::Null, |(_, v)| v)),
        _ => {
            let mut groups: Vec<(Value, Vec<Value>)> = Vec::new();
            for (k, v) in keyed {
                match groups.last_mut() {
                    Some((gk, g)) if compare(gk, &k) == Ordering::Equal => g.push(v),
                    _ => groups.push((k, vec![v])),
                }
            }
            one(Value::Array(if name == "group_by" {
                groups.into_iter().map(|(_, g)| Value::Array(g)).collect()
            } else {
                groups
                    .into_iter()
                    .filter_map(|(_, g)| g.into_iter().next())
                    .collect()
            }))
        }
    }
}
