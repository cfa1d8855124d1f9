//! Running a jq filter: every expression yields zero or more values (here, collected in a
//! `Vec`), paths for `del`, `paths`, `path()` and assignments, and the built-in functions
//! people use on kubectl's JSON. Error texts are jq 1.7's.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use super::parse::{BinOp, Expr, Key, Part};

/// A runtime error: jq's message, or the value given to `error`.
#[derive(Clone, Debug)]
pub enum Error {
    Message(String),
    Value(Value),
}

type Out = Result<Vec<Value>, Error>;
type Path = Vec<Value>;
/// One step of a path expression: the keys it takes from a value, with what is there.
type Step<'a> = &'a dyn Fn(&Value) -> Result<Vec<(Value, Value)>, Error>;

fn fail<T>(message: impl Into<String>) -> Result<T, Error> {
    Err(Error::Message(message.into()))
}

/// Variables in scope (`$x`), innermost last.
#[derive(Clone, Default)]
pub struct Env {
    vars: Vec<(String, Value)>,
}

impl Env {
    pub fn with(&self, name: &str, value: Value) -> Env {
        let mut env = self.clone();
        env.vars.push((name.to_string(), value));
        env
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// How deep recursion (nested expressions, `..`) may go before jq's own limit applies.
const MAX_DEPTH: usize = 256;

/// The largest index an assignment may grow an array to: jq's own limit is 536,870,912, far
/// more than a page's memory holds as JSON values, so this one is lower (same message).
const MAX_ARRAY_INDEX: i64 = 1_000_000;

/// The longest string `"x" * n` may build, so that a typo cannot exhaust the page's memory.
const MAX_STRING_BYTES: f64 = 64.0 * 1024.0 * 1024.0;

pub fn eval(e: &Expr, input: &Value, env: &Env) -> Out {
    eval_at(e, input, env, 0)
}

fn eval_at(e: &Expr, input: &Value, env: &Env, depth: usize) -> Out {
    if depth > MAX_DEPTH {
        return fail("the filter nests too deeply");
    }
    let ev = |e: &Expr, v: &Value| eval_at(e, v, env, depth + 1);
    Ok(match e {
        Expr::Identity => vec![input.clone()],
        Expr::Recurse => {
            let mut all = Vec::new();
            recurse(input, &mut all);
            all
        }
        Expr::Literal(v) => vec![v.clone()],
        Expr::Str(parts, format) => {
            let mut texts = vec![String::new()];
            for part in parts {
                match part {
                    Part::Text(t) => texts.iter_mut().for_each(|s| s.push_str(t)),
                    Part::Interp(e) => {
                        let values = ev(e, input)?;
                        let mut next = Vec::new();
                        for s in &texts {
                            for v in &values {
                                let piece = match format {
                                    Some(f) => apply_format(f, v)?,
                                    None => to_text(v),
                                };
                                next.push(format!("{s}{piece}"));
                            }
                        }
                        texts = next;
                    }
                }
            }
            texts.into_iter().map(Value::String).collect()
        }
        Expr::Format(name) => vec![Value::String(apply_format(name, input)?)],
        Expr::Field(base, name, opt) => {
            let mut out = Vec::new();
            for v in ev(base, input)? {
                match index(&v, &Value::String(name.clone())) {
                    Ok(x) => out.push(x),
                    Err(_) if *opt => {}
                    Err(e) => return Err(e),
                }
            }
            out
        }
        Expr::Index(base, idx, opt) => {
            let mut out = Vec::new();
            for v in ev(base, input)? {
                for i in ev(idx, input)? {
                    match index(&v, &i) {
                        Ok(x) => out.push(x),
                        Err(_) if *opt => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            out
        }
        Expr::Slice(base, from, to, opt) => {
            let mut out = Vec::new();
            for v in ev(base, input)? {
                let bound = |b: &Option<Box<Expr>>| -> Result<Option<f64>, Error> {
                    match b {
                        None => Ok(None),
                        Some(e) => Ok(ev(e, input)?.first().and_then(Value::as_f64)),
                    }
                };
                match slice(&v, bound(from)?, bound(to)?) {
                    Ok(x) => out.push(x),
                    Err(_) if *opt => {}
                    Err(e) => return Err(e),
                }
            }
            out
        }
        Expr::Iterate(base, opt) => {
            let mut out = Vec::new();
            for v in ev(base, input)? {
                match iterate(&v) {
                    Ok(items) => out.extend(items),
                    Err(_) if *opt => {}
                    Err(e) => return Err(e),
                }
            }
            out
        }
        Expr::Array(None) => vec![Value::Array(Vec::new())],
        Expr::Array(Some(e)) => vec![Value::Array(ev(e, input)?)],
        Expr::Object(entries) => {
            let mut objects = vec![Map::new()];
            for (key, value) in entries {
                let keys: Vec<String> = match key {
                    Key::Name(n) => vec![n.clone()],
                    Key::Var(n) => vec![n.clone()],
                    Key::Computed(e) => ev(e, input)?
                        .into_iter()
                        .map(|k| match k {
                            Value::String(s) => Ok(s),
                            other => fail(format!(
                                "Object keys must be strings, not {}",
                                type_name(&other)
                            )),
                        })
                        .collect::<Result<_, _>>()?,
                };
                let values = match (key, value) {
                    (_, Some(e)) => ev(e, input)?,
                    (Key::Var(n), None) => vec![var(env, n)?],
                    (Key::Name(n), None) => vec![index(input, &Value::String(n.clone()))?],
                    (Key::Computed(_), None) => return fail("an object key needs a value"),
                };
                let mut next = Vec::new();
                for o in &objects {
                    for k in &keys {
                        for v in &values {
                            let mut o = o.clone();
                            o.insert(k.clone(), v.clone());
                            next.push(o);
                        }
                    }
                }
                objects = next;
            }
            objects.into_iter().map(Value::Object).collect()
        }
        Expr::Pipe(a, b) => {
            let mut out = Vec::new();
            for v in ev(a, input)? {
                out.extend(ev(b, &v)?);
            }
            out
        }
        Expr::Comma(a, b) => {
            let mut out = ev(a, input)?;
            out.extend(ev(b, input)?);
            out
        }
        Expr::Neg(a) => ev(a, input)?
            .into_iter()
            .map(|v| match v.as_f64() {
                Some(n) => Ok(number(-n)),
                None => fail(format!(
                    "{} ({}) cannot be negated",
                    type_name(&v),
                    brief(&v)
                )),
            })
            .collect::<Result<_, _>>()?,
        Expr::Binary(op, a, b) => {
            let mut out = Vec::new();
            // jq evaluates the right side first, then the left, for each pair.
            for r in ev(b, input)? {
                for l in ev(a, input)? {
                    out.push(binary(*op, &l, &r)?);
                }
            }
            out
        }
        // `and` stops at a false left side, `or` at a true one.
        Expr::And(a, b) | Expr::Or(a, b) => {
            let decided = matches!(e, Expr::Or(..));
            let mut out = Vec::new();
            for l in ev(a, input)? {
                if truthy(&l) == decided {
                    out.push(Value::Bool(decided));
                    continue;
                }
                for r in ev(b, input)? {
                    out.push(Value::Bool(truthy(&r)));
                }
            }
            out
        }
        Expr::Alternative(a, b) => {
            let left: Vec<Value> = ev(a, input)
                .unwrap_or_default()
                .into_iter()
                .filter(truthy)
                .collect();
            if left.is_empty() { ev(b, input)? } else { left }
        }
        Expr::Assign(lhs, rhs) => {
            let mut out = Vec::new();
            for v in ev(rhs, input)? {
                let mut root = input.clone();
                for (path, _) in paths(lhs, input, env, depth + 1)? {
                    root = set_path(&root, &path, v.clone())?;
                }
                out.push(root);
            }
            out
        }
        Expr::Update(lhs, f) => {
            let mut root = input.clone();
            let mut gone = Vec::new();
            for (path, _) in paths(lhs, input, env, depth + 1)? {
                let old = get_path(&root, &path);
                match ev(f, &old)?.into_iter().next() {
                    Some(new) => root = set_path(&root, &path, new)?,
                    None => gone.push(path),
                }
            }
            vec![delete_paths(root, gone)?]
        }
        Expr::If(branches, otherwise) => {
            return if_then(branches, otherwise.as_deref(), input, env, depth);
        }
        Expr::Try(body, handler) => match ev(body, input) {
            Ok(v) => v,
            Err(error) => match handler {
                None => Vec::new(),
                Some(h) => ev(h, &error_value(error))?,
            },
        },
        Expr::Reduce(source, name, init, update) => {
            let mut acc = ev(init, input)?;
            for item in ev(source, input)? {
                let env = env.with(name, item);
                let mut next = Vec::new();
                for a in &acc {
                    next.extend(eval_at(update, a, &env, depth + 1)?);
                }
                acc = next.pop().into_iter().collect();
            }
            acc
        }
        Expr::Bind(source, name, body) => {
            let mut out = Vec::new();
            for v in ev(source, input)? {
                out.extend(eval_at(body, input, &env.with(name, v), depth + 1)?);
            }
            out
        }
        Expr::Var(name) => vec![var(env, name)?],
        Expr::Call(name, args) => return super::builtins::call(name, args, input, env, depth),
    })
}

fn if_then(
    branches: &[(Expr, Expr)],
    otherwise: Option<&Expr>,
    input: &Value,
    env: &Env,
    depth: usize,
) -> Out {
    let Some(((cond, then), rest)) = branches.split_first() else {
        return match otherwise {
            Some(e) => eval_at(e, input, env, depth + 1),
            None => Ok(vec![input.clone()]),
        };
    };
    let mut out = Vec::new();
    for c in eval_at(cond, input, env, depth + 1)? {
        if truthy(&c) {
            out.extend(eval_at(then, input, env, depth + 1)?);
        } else {
            out.extend(if_then(rest, otherwise, input, env, depth)?);
        }
    }
    Ok(out)
}

fn var(env: &Env, name: &str) -> Result<Value, Error> {
    match env.get(name) {
        Some(v) => Ok(v.clone()),
        None if name == "ENV" || name == "__prog_args" => Ok(Value::Object(Map::new())),
        None => fail(format!("${name} is not defined")),
    }
}

pub fn error_value(error: Error) -> Value {
    match error {
        Error::Message(m) => Value::String(m),
        Error::Value(v) => v,
    }
}

/// Every value under `v`, `v` first (`..`).
pub fn recurse(v: &Value, out: &mut Vec<Value>) {
    out.push(v.clone());
    match v {
        Value::Array(items) => items.iter().for_each(|i| recurse(i, out)),
        Value::Object(map) => map.values().for_each(|i| recurse(i, out)),
        _ => {}
    }
}

/// The paths an expression points at, with the values there (`path(f)`, assignments, `del`).
pub fn paths(
    e: &Expr,
    input: &Value,
    env: &Env,
    depth: usize,
) -> Result<Vec<(Path, Value)>, Error> {
    if depth > MAX_DEPTH {
        return fail("the filter nests too deeply");
    }
    let sub = |e: &Expr, v: &Value| paths(e, v, env, depth + 1);
    let extend = |base: Vec<(Path, Value)>, step: Step<'_>| {
        let mut out = Vec::new();
        for (p, v) in base {
            for (k, x) in step(&v)? {
                let mut p = p.clone();
                p.push(k);
                out.push((p, x));
            }
        }
        Ok::<_, Error>(out)
    };
    match e {
        Expr::Identity => Ok(vec![(Vec::new(), input.clone())]),
        Expr::Recurse => {
            let mut out = Vec::new();
            all_paths(input, &mut Vec::new(), &mut out);
            Ok(out)
        }
        Expr::Field(base, name, opt) => extend(sub(base, input)?, &|v| {
            let key = Value::String(name.clone());
            match index(v, &key) {
                Ok(x) => Ok(vec![(key, x)]),
                Err(_) if *opt => Ok(Vec::new()),
                Err(e) => Err(e),
            }
        }),
        Expr::Index(base, idx, opt) => {
            let keys = eval_at(idx, input, env, depth + 1)?;
            extend(sub(base, input)?, &|v| {
                let mut out = Vec::new();
                for k in &keys {
                    match index(v, k) {
                        Ok(x) => out.push((k.clone(), x)),
                        Err(_) if *opt => {}
                        Err(e) => return Err(e),
                    }
                }
                Ok(out)
            })
        }
        Expr::Iterate(base, opt) => extend(sub(base, input)?, &|v| match v {
            Value::Array(items) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, x)| (Value::from(i), x.clone()))
                .collect()),
            Value::Object(map) => Ok(map
                .iter()
                .map(|(k, x)| (Value::String(k.clone()), x.clone()))
                .collect()),
            Value::Null => Ok(Vec::new()),
            _ if *opt => Ok(Vec::new()),
            other => iterate(other).map(|_| Vec::new()),
        }),
        Expr::Pipe(a, b) => {
            let mut out = Vec::new();
            for (p, v) in sub(a, input)? {
                for (q, w) in sub(b, &v)? {
                    let mut path = p.clone();
                    path.extend(q);
                    out.push((path, w));
                }
            }
            Ok(out)
        }
        Expr::Comma(a, b) => {
            let mut out = sub(a, input)?;
            out.extend(sub(b, input)?);
            Ok(out)
        }
        Expr::Try(body, None) => Ok(sub(body, input).unwrap_or_default()),
        Expr::If(branches, otherwise) => match branches.split_first() {
            None => match otherwise {
                Some(e) => sub(e, input),
                None => Ok(vec![(Vec::new(), input.clone())]),
            },
            Some(((cond, then), rest)) => {
                let mut out = Vec::new();
                for c in eval_at(cond, input, env, depth + 1)? {
                    if truthy(&c) {
                        out.extend(sub(then, input)?);
                    } else {
                        let rest = Expr::If(rest.to_vec(), otherwise.clone());
                        out.extend(sub(&rest, input)?);
                    }
                }
                Ok(out)
            }
        },
        Expr::Call(name, args) => match (name.as_str(), args.as_slice()) {
            ("select", [f]) => {
                let keep = eval_at(f, input, env, depth + 1)?.iter().any(truthy);
                Ok(if keep {
                    vec![(Vec::new(), input.clone())]
                } else {
                    Vec::new()
                })
            }
            ("empty", []) => Ok(Vec::new()),
            ("recurse", []) => sub(&Expr::Recurse, input),
            ("first", [f]) => Ok(sub(f, input)?.into_iter().take(1).collect()),
            ("getpath", [p]) => {
                let mut out = Vec::new();
                for path in eval_at(p, input, env, depth + 1)? {
                    let path = path.as_array().cloned().unwrap_or_default();
                    out.push((path.clone(), get_path(input, &path)));
                }
                Ok(out)
            }
            _ => fail(format!("Invalid path expression with result {name}")),
        },
        other => {
            let shown = eval_at(other, input, env, depth + 1)?
                .first()
                .map(brief)
                .unwrap_or_default();
            fail(format!("Invalid path expression with result {shown}"))
        }
    }
}

fn all_paths(v: &Value, prefix: &mut Path, out: &mut Vec<(Path, Value)>) {
    out.push((prefix.clone(), v.clone()));
    match v {
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                prefix.push(Value::from(i));
                all_paths(x, prefix, out);
                prefix.pop();
            }
        }
        Value::Object(map) => {
            for (k, x) in map {
                prefix.push(Value::String(k.clone()));
                all_paths(x, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

pub fn get_path(v: &Value, path: &[Value]) -> Value {
    let mut cur = v.clone();
    for k in path {
        cur = index(&cur, k).unwrap_or(Value::Null);
    }
    cur
}

pub fn set_path(root: &Value, path: &[Value], value: Value) -> Result<Value, Error> {
    let Some((first, rest)) = path.split_first() else {
        return Ok(value);
    };
    match (root, first) {
        (Value::Object(map), Value::String(k)) => {
            let mut map = map.clone();
            let child = map.get(k).cloned().unwrap_or(Value::Null);
            map.insert(k.clone(), set_path(&child, rest, value)?);
            Ok(Value::Object(map))
        }
        (Value::Null, Value::String(k)) => {
            let mut map = Map::new();
            map.insert(k.clone(), set_path(&Value::Null, rest, value)?);
            Ok(Value::Object(map))
        }
        (Value::Array(_) | Value::Null, Value::Number(n)) => {
            let mut items = root.as_array().cloned().unwrap_or_default();
            let i = n.as_f64().unwrap_or(0.0) as i64;
            let i = if i < 0 { items.len() as i64 + i } else { i };
            if i < 0 {
                return fail("Out of bounds negative array index");
            }
            // jq refuses to grow an array past this, rather than run out of memory.
            if i > MAX_ARRAY_INDEX {
                return fail("Array index too large");
            }
            let i = i as usize;
            if i >= items.len() {
                items.resize(i + 1, Value::Null);
            }
            let child = items[i].clone();
            items[i] = set_path(&child, rest, value)?;
            Ok(Value::Array(items))
        }
        (other, key) => fail(format!(
            "Cannot index {} with {}",
            type_name(other),
            key_text(key)
        )),
    }
}

/// Deletes `paths` from `root`, longest first so that array positions stay valid.
pub fn delete_paths(mut root: Value, mut paths: Vec<Path>) -> Result<Value, Error> {
    paths.sort_by(|a, b| compare_paths(b, a));
    paths.dedup();
    for path in paths {
        root = delete_path(&root, &path)?;
    }
    Ok(root)
}

fn compare_paths(a: &Path, b: &Path) -> Ordering {
    compare(&Value::Array(a.clone()), &Value::Array(b.clone()))
}

fn delete_path(root: &Value, path: &[Value]) -> Result<Value, Error> {
    let Some((first, rest)) = path.split_first() else {
        return Ok(Value::Null);
    };
    match (root, first) {
        (Value::Null, _) => Ok(Value::Null),
        (Value::Object(map), Value::String(k)) => {
            let mut map = map.clone();
            if rest.is_empty() {
                map.remove(k);
            } else if let Some(child) = map.get(k).cloned() {
                map.insert(k.clone(), delete_path(&child, rest)?);
            }
            Ok(Value::Object(map))
        }
        (Value::Array(items), Value::Number(n)) => {
            let mut items = items.clone();
            let i = n.as_f64().unwrap_or(0.0) as i64;
            let i = if i < 0 { items.len() as i64 + i } else { i };
            if i >= 0 && (i as usize) < items.len() {
                let i = i as usize;
                if rest.is_empty() {
                    items.remove(i);
                } else {
                    let child = items[i].clone();
                    items[i] = delete_path(&child, rest)?;
                }
            }
            Ok(Value::Array(items))
        }
        (other, key) => fail(format!(
            "Cannot delete field at {} of {}",
            key_text(key),
            type_name(other)
        )),
    }
}

fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => format!("\"{s}\""),
        other => type_name(other).to_string(),
    }
}

pub fn index(v: &Value, key: &Value) -> Result<Value, Error> {
    match (v, key) {
        (Value::Object(map), Value::String(k)) => Ok(map.get(k).cloned().unwrap_or(Value::Null)),
        (Value::Array(items), Value::Number(n)) => {
            let i = n.as_f64().unwrap_or(0.0).floor() as i64;
            let i = if i < 0 { items.len() as i64 + i } else { i };
            Ok(usize::try_from(i)
                .ok()
                .and_then(|i| items.get(i))
                .cloned()
                .unwrap_or(Value::Null))
        }
        (Value::Null, Value::String(_) | Value::Number(_) | Value::Null) => Ok(Value::Null),
        (Value::Array(_) | Value::String(_) | Value::Null, Value::Object(_)) => slice(
            v,
            key.get("start").and_then(Value::as_f64),
            key.get("end").and_then(Value::as_f64),
        ),
        (other, Value::String(k)) => {
            fail(format!("Cannot index {} with \"{k}\"", type_name(other)))
        }
        (other, key) => fail(format!(
            "Cannot index {} with {}",
            type_name(other),
            type_name(key)
        )),
    }
}

fn slice(v: &Value, from: Option<f64>, to: Option<f64>) -> Result<Value, Error> {
    let bounds = |len: usize| {
        let at = |b: Option<f64>, default: usize| match b {
            None => default,
            Some(b) if b < 0.0 => (len as f64 + b).max(0.0) as usize,
            Some(b) => (b as usize).min(len),
        };
        let start = at(from, 0);
        (start, at(to, len).max(start))
    };
    match v {
        Value::Null => Ok(Value::Null),
        Value::Array(items) => {
            let (a, b) = bounds(items.len());
            Ok(Value::Array(items[a..b].to_vec()))
        }
        Value::String(s) => {
            let chars: Vec<char> = s.chars().collect();
            let (a, b) = bounds(chars.len());
            Ok(Value::String(chars[a..b].iter().collect()))
        }
        other => fail(format!("Cannot index {} with object", type_name(other))),
    }
}

pub fn iterate(v: &Value) -> Result<Vec<Value>, Error> {
    match v {
        Value::Array(items) => Ok(items.clone()),
        Value::Object(map) => Ok(map.values().cloned().collect()),
        other => fail(format!(
            "Cannot iterate over {}{}",
            type_name(other),
            match other {
                Value::Null => " (null)".to_string(),
                _ => format!(" ({})", brief(other)),
            }
        )),
    }
}

pub fn truthy(v: &Value) -> bool {
    !matches!(v, Value::Null | Value::Bool(false))
}

pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A value as jq quotes it in error messages (compact, cut at 11 bytes with `...`).
pub fn brief(v: &Value) -> String {
    let text = v.to_string();
    if text.len() <= 11 {
        return text;
    }
    let mut cut = 10;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}...", &text[..cut])
}

/// A value interpolated into a string: strings as they are, the rest as JSON.
pub fn to_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub fn number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 1e17 {
        Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number)
    }
}

/// jq's order: null < false < true < numbers < strings < arrays < objects.
pub fn compare(a: &Value, b: &Value) -> Ordering {
    let rank = |v: &Value| match v {
        Value::Null => 0,
        Value::Bool(false) => 1,
        Value::Bool(true) => 2,
        Value::Number(_) => 3,
        Value::String(_) => 4,
        Value::Array(_) => 5,
        Value::Object(_) => 6,
    };
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x
            .as_f64()
            .unwrap_or(0.0)
            .total_cmp(&y.as_f64().unwrap_or(0.0)),
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Array(x), Value::Array(y)) => {
            for (p, q) in x.iter().zip(y) {
                let o = compare(p, q);
                if o != Ordering::Equal {
                    return o;
                }
            }
            x.len().cmp(&y.len())
        }
        (Value::Object(x), Value::Object(y)) => {
            let keys = |m: &Map<String, Value>| {
                let mut k: Vec<Value> = m.keys().cloned().map(Value::String).collect();
                k.sort_by(compare);
                Value::Array(k)
            };
            compare(&keys(x), &keys(y)).then_with(|| {
                let mut order: Vec<&String> = x.keys().collect();
                order.sort();
                for k in order {
                    let o = compare(&x[k], y.get(k).unwrap_or(&Value::Null));
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                Ordering::Equal
            })
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

fn binary(op: BinOp, l: &Value, r: &Value) -> Result<Value, Error> {
    let nums = l.as_f64().zip(r.as_f64());
    let cannot = |verb: &str| {
        fail(format!(
            "{} ({}) and {} ({}) cannot be {verb}",
            type_name(l),
            brief(l),
            type_name(r),
            brief(r)
        ))
    };
    match op {
        BinOp::Eq => Ok(Value::Bool(compare(l, r) == Ordering::Equal)),
        BinOp::Ne => Ok(Value::Bool(compare(l, r) != Ordering::Equal)),
        BinOp::Lt => Ok(Value::Bool(compare(l, r) == Ordering::Less)),
        BinOp::Le => Ok(Value::Bool(compare(l, r) != Ordering::Greater)),
        BinOp::Gt => Ok(Value::Bool(compare(l, r) == Ordering::Greater)),
        BinOp::Ge => Ok(Value::Bool(compare(l, r) != Ordering::Less)),
        BinOp::Add => match (l, r) {
            (Value::Null, x) | (x, Value::Null) => Ok(x.clone()),
            (Value::String(a), Value::String(b)) => Ok(Value::String(format!("{a}{b}"))),
            (Value::Array(a), Value::Array(b)) => {
                Ok(Value::Array(a.iter().chain(b).cloned().collect()))
            }
            (Value::Object(a), Value::Object(b)) => {
                let mut m = a.clone();
                m.extend(b.clone());
                Ok(Value::Object(m))
            }
            _ => match nums {
                Some((a, b)) => Ok(number(a + b)),
                None => cannot("added"),
            },
        },
        BinOp::Sub => match (l, r) {
            (Value::Array(a), Value::Array(b)) => Ok(Value::Array(
                a.iter()
                    .filter(|x| !b.iter().any(|y| compare(x, y) == Ordering::Equal))
                    .cloned()
                    .collect(),
            )),
            _ => match nums {
                Some((a, b)) => Ok(number(a - b)),
                None => cannot("subtracted"),
            },
        },
        BinOp::Mul => match (l, r) {
            (Value::Object(a), Value::Object(b)) => Ok(deep_merge(a, b)),
            (Value::String(s), Value::Number(n)) | (Value::Number(n), Value::String(s)) => {
                let times = n.as_f64().unwrap_or(0.0);
                if times.ceil() * s.len() as f64 > MAX_STRING_BYTES {
                    return fail("Repeat string result too long");
                }
                Ok(if times <= 0.0 {
                    Value::Null
                } else {
                    Value::String(s.repeat(times.ceil() as usize))
                })
            }
            _ => match nums {
                Some((a, b)) => Ok(number(a * b)),
                None => cannot("multiplied"),
            },
        },
        BinOp::Div => match (l, r) {
            (Value::String(a), Value::String(b)) => Ok(Value::Array(
                split(a, b).into_iter().map(Value::String).collect(),
            )),
            _ => match nums {
                Some((_, 0.0)) => cannot("divided because the divisor is zero"),
                Some((a, b)) => Ok(number(a / b)),
                None => cannot("divided"),
            },
        },
        BinOp::Rem => match nums {
            Some((_, b)) if b as i64 == 0 => cannot("divided because the divisor is zero"),
            Some((a, b)) => Ok(number(((a as i64) % (b as i64).abs()) as f64)),
            None => cannot("divided"),
        },
    }
}

pub fn split(s: &str, sep: &str) -> Vec<String> {
    if s.is_empty() {
        return Vec::new();
    }
    if sep.is_empty() {
        return s.chars().map(String::from).collect();
    }
    s.split(sep).map(str::to_string).collect()
}

fn deep_merge(a: &Map<String, Value>, b: &Map<String, Value>) -> Value {
    let mut m = a.clone();
    for (k, v) in b {
        let merged = match (m.get(k), v) {
            (Some(Value::Object(x)), Value::Object(y)) => deep_merge(x, y),
            _ => v.clone(),
        };
        m.insert(k.clone(), merged);
    }
    Value::Object(m)
}

/// `@base64`, `@base64d`, `@text`, `@json`, `@csv`, `@tsv`, `@sh`, `@uri`, `@html`.
pub fn apply_format(name: &str, v: &Value) -> Result<String, Error> {
    let row = |what: &str| -> Result<&Vec<Value>, Error> {
        v.as_array().ok_or_else(|| {
            Error::Message(format!(
                "{} ({}) cannot be {what}-formatted, only an array can be",
                type_name(v),
                brief(v)
            ))
        })
    };
    Ok(match name {
        "text" => to_text(v),
        "json" => v.to_string(),
        "base64" => crate::api::base64::encode(to_text(v).as_bytes()),
        "base64d" => {
            // jq takes padded and unpadded text alike.
            let mut text = to_text(v).trim_end_matches('=').to_string();
            while !text.len().is_multiple_of(4) {
                text.push('=');
            }
            match crate::api::base64::decode(&text) {
                Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                None => {
                    return fail(format!(
                        "{} ({}) is not valid base64 data",
                        type_name(v),
                        brief(v)
                    ));
                }
            }
        }
        "csv" => row("csv")?
            .iter()
            .map(|x| match x {
                Value::String(s) => Ok(format!("\"{}\"", s.replace('"', "\"\""))),
                Value::Array(_) | Value::Object(_) => fail(format!(
                    "{} ({}) is not valid in a csv row",
                    type_name(x),
                    brief(x)
                )),
                Value::Null => Ok(String::new()),
                other => Ok(other.to_string()),
            })
            .collect::<Result<Vec<_>, _>>()?
            .join(","),
        "tsv" => row("tsv")?
            .iter()
            .map(|x| match x {
                Value::String(s) => Ok(s
                    .replace('\\', "\\\\")
                    .replace('\t', "\\t")
                    .replace('\n', "\\n")
                    .replace('\r', "\\r")),
                Value::Array(_) | Value::Object(_) => fail(format!(
                    "{} ({}) is not valid in a csv row",
                    type_name(x),
                    brief(x)
                )),
                Value::Null => Ok(String::new()),
                other => Ok(other.to_string()),
            })
            .collect::<Result<Vec<_>, _>>()?
            .join("\t"),
        "sh" => {
            let quote = |x: &Value| match x {
                Value::String(s) => Ok(format!("'{}'", s.replace('\'', "'\\''"))),
                Value::Array(_) | Value::Object(_) => fail(format!(
                    "{} ({}) can not be escaped for shell",
                    type_name(x),
                    brief(x)
                )),
                other => Ok(other.to_string()),
            };
            match v {
                Value::Array(items) => items
                    .iter()
                    .map(quote)
                    .collect::<Result<Vec<_>, _>>()?
                    .join(" "),
                other => quote(other)?,
            }
        }
        "uri" => to_text(v)
            .bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect(),
        "html" => to_text(v)
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('\'', "&#39;")
            .replace('"', "&quot;"),
        other => return fail(format!("{other} is not a valid format")),
    })
}
