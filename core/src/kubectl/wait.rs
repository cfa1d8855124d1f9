//! `kubectl wait`: lets virtual time pass until each named object meets a condition
//! (`--for=condition=Ready`, `--for=jsonpath='{.status.phase}'=Running`, `--for=delete`,
//! `--for=create`), or the timeout (30 s by default, shared by all objects) runs out. In a
//! terminal it is a foreground job (Ctrl-C stops it).

use serde_json::Value;

use super::args::{self, Flag, switch, value};
use super::get::parse_selector;
use super::job::Job;
use super::printers::jsonpath::Template;
use super::shell::Shell;
use super::{errors, namespace_of, object_name, resolve_kind};
use crate::api::{Kind, meta};
use crate::cluster::Output;
use crate::sim::Sim;
use crate::store::Store;
use crate::time::{SECOND, Time};

pub(crate) const FLAGS: &[Flag] = &[
    value("for", None),
    value("timeout", None),
    value("selector", Some('l')),
    switch("all", None),
    switch("all-namespaces", Some('A')),
    value("filename", Some('f')),
    value("field-selector", None),
    value("output", Some('o')),
    switch("local", None),
];

/// What `--for` asks.
enum Wanted {
    Condition {
        name: String,
        value: String,
    },
    JsonPath {
        template: Template,
        value: Option<String>,
    },
    Delete,
    Create,
}

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, FLAGS, "kubectl wait")?;
    if parsed.is_set("filename") {
        return Err("error: \"kubectl wait -f\" is not available in this sandbox yet; name the objects instead".into());
    }
    let wanted = wanted(parsed.get("for").unwrap_or(""))?;
    let timeout = match parsed.get("timeout") {
        None => 30 * SECOND,
        Some(t) => match parse_duration(t) {
            Some(ms) if ms < 0 => 7 * 24 * 3600 * SECOND,
            Some(ms) => ms,
            None => {
                return Err(format!(
                    "error: invalid argument \"{t}\" for \"--timeout\" flag: time: invalid duration \"{t}\"\nSee 'kubectl wait --help' for usage."
                ));
            }
        },
    };
    let namespace = namespace_of(&parsed, shell);
    let targets = targets(&parsed, &namespace, &sim.store)?;
    let job = Wait {
        deadline: sim.now().plus_millis(timeout),
        created: !matches!(wanted, Wanted::Create),
        wanted,
        targets,
        next: 0,
        uid: None,
    };
    // The timeout bounds the command; the script limit is never reached first.
    Ok(shell.follow(Box::new(job), sim, timeout.saturating_add(SECOND)))
}

/// Waits for each target in turn, all within one deadline.
struct Wait {
    wanted: Wanted,
    targets: Vec<(&'static Kind, String, String)>,
    deadline: Time,
    /// Whether `--for=create` has seen every target exist (true for other conditions).
    created: bool,
    /// The target waited for now.
    next: usize,
    /// Its UID when first looked at (`--for=delete` waits for it to change or go).
    uid: Option<String>,
}

impl Job for Wait {
    fn poll(&mut self, sim: &mut Sim, out: &mut Output) -> Option<i32> {
        let now = sim.now();
        let store = &sim.store;
        if !self.created {
            if self
                .targets
                .iter()
                .all(|(k, ns, n)| store.get(k, ns, n).is_ok())
            {
                self.created = true;
            } else if now >= self.deadline {
                out.stderr
                    .push_str("error: timed out waiting for the condition\n");
                return Some(1);
            } else {
                return None;
            }
        }
        if self.targets.is_empty() {
            out.stderr.push_str("error: no matching resources found\n");
            return Some(1);
        }
        while let Some((kind, ns, name)) = self.targets.get(self.next) {
            let current = store.get(kind, ns, name);
            let uid = match (&self.uid, &current) {
                (Some(uid), _) => uid.clone(),
                (None, Ok(obj)) => meta::uid(obj).to_string(),
                // Waiting for a condition on an object that is not there is an error at once.
                (None, Err(status)) if !matches!(self.wanted, Wanted::Delete) => {
                    out.stderr.push_str(&errors::render(status));
                    out.stderr.push('\n');
                    return Some(1);
                }
                (None, Err(_)) => String::new(),
            };
            let met = match current {
                Err(_) => matches!(self.wanted, Wanted::Delete),
                Ok(obj) => match &self.wanted {
                    Wanted::Delete => meta::uid(obj) != uid,
                    Wanted::Create => true,
                    Wanted::Condition { name, value } => condition_met(obj, name, value),
                    Wanted::JsonPath { template, value } => {
                        jsonpath_met(obj, template, value.as_deref())
                    }
                },
            };
            if !met {
                if now >= self.deadline {
                    out.stderr.push_str(&format!(
                        "error: timed out waiting for the condition on {}/{name}\n",
                        kind.plural
                    ));
                    return Some(1);
                }
                self.uid = Some(uid);
                return None;
            }
            out.stdout
                .push_str(&format!("{} condition met\n", object_name(kind, name)));
            self.next += 1;
            self.uid = None;
        }
        Some(0)
    }

    fn deadline(&self) -> Option<Time> {
        Some(self.deadline)
    }

    fn stop(&mut self, _sim: &mut Sim) {}

    fn at_limit(&mut self, _limit_millis: i64, out: &mut Output) -> i32 {
        out.stderr
            .push_str("error: timed out waiting for the condition\n");
        1
    }
}

fn wanted(spec: &str) -> Result<Wanted, String> {
    match spec {
        "delete" => return Ok(Wanted::Delete),
        "create" => return Ok(Wanted::Create),
        "" => return Err("error: --for must be specified".into()),
        _ => {}
    }
    if let Some(rest) = spec.strip_prefix("condition=") {
        let (name, value) = rest.split_once('=').unwrap_or((rest, "true"));
        return Ok(Wanted::Condition {
            name: name.to_string(),
            value: value.to_string(),
        });
    }
    if let Some(rest) = spec.strip_prefix("jsonpath=") {
        // `{.status.phase}=Running`: the expression ends at the brace that closes it.
        let (expression, value) = match rest.rfind('}') {
            Some(end) => (&rest[..=end], rest[end + 1..].strip_prefix('=')),
            None => (rest, None),
        };
        if expression.is_empty() {
            return Err("error: jsonpath expression cannot be empty".into());
        }
        if value == Some("") {
            return Err("error: jsonpath wait has to have a value after equal sign, like --for=jsonpath='{.status.readyReplicas}'=3".into());
        }
        let template = Template::parse(expression).map_err(|e| format!("error: {e}"))?;
        return Ok(Wanted::JsonPath {
            template,
            value: value.map(str::to_string),
        });
    }
    Err(format!("error: unrecognized condition: \"{spec}\""))
}

/// The condition is there with the wanted status (case-insensitive) and is not stale: its
/// observedGeneration (or the status's) has caught up with the object's generation.
fn condition_met(obj: &Value, name: &str, value: &str) -> bool {
    let Some(condition) = obj
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .and_then(|list| {
            list.iter()
                .find(|c| meta::str_at(c, "/type").eq_ignore_ascii_case(name))
        })
    else {
        return false;
    };
    let generation = obj.pointer("/metadata/generation").and_then(Value::as_i64);
    let observed = condition
        .get("observedGeneration")
        .or_else(|| obj.pointer("/status/observedGeneration"))
        .and_then(Value::as_i64);
    let current = match (generation, observed) {
        (Some(g), Some(o)) => o >= g,
        _ => true,
    };
    current && meta::str_at(condition, "/status").eq_ignore_ascii_case(value)
}

fn jsonpath_met(obj: &Value, template: &Template, value: Option<&str>) -> bool {
    let found = template.values(obj);
    match (found.as_slice(), value) {
        ([], _) => false,
        (_, None) => true,
        ([one], Some(v)) => match one {
            Value::String(s) => s == v,
            Value::Number(n) => v.parse::<f64>().ok() == n.as_f64(),
            Value::Bool(b) => v.parse::<bool>().ok() == Some(*b),
            _ => false,
        },
        _ => false,
    }
}

/// The objects to wait for: `TYPE NAME...`, `TYPE/NAME...`, or `TYPE` with `-l`/`--all`.
fn targets(
    parsed: &args::Parsed,
    namespace: &str,
    store: &Store,
) -> Result<Vec<(&'static Kind, String, String)>, String> {
    let args = &parsed.args;
    let Some(first) = args.first() else {
        return Err("error: resource(s) were provided, but no name was specified".into());
    };
    let mut out = Vec::new();
    if first.contains('/') {
        for arg in args {
            let (t, name) = arg.split_once('/').unwrap_or((arg, ""));
            let kind = resolve_kind(store, t)?;
            out.push((kind, scoped(kind, namespace), name.to_string()));
        }
        return Ok(out);
    }
    let kind = resolve_kind(store, first)?;
    let ns = scoped(kind, namespace);
    if args.len() > 1 {
        out.extend(args[1..].iter().map(|n| (kind, ns.clone(), n.clone())));
        return Ok(out);
    }
    let selector = parsed.get("selector").map(parse_selector).transpose()?;
    if selector.is_none() && !parsed.switch("all") {
        return Err("error: resource(s) were provided, but no name was specified".into());
    }
    let scope = (!parsed.switch("all-namespaces")).then_some(ns.as_str());
    out.extend(
        store
            .list(kind, scope.filter(|_| kind.namespaced))
            .filter(|o| selector.as_ref().is_none_or(|s| s.matches(o)))
            .map(|o| {
                (
                    kind,
                    meta::namespace(o).to_string(),
                    meta::name(o).to_string(),
                )
            }),
    );
    Ok(out)
}

fn scoped(kind: &Kind, namespace: &str) -> String {
    if kind.namespaced {
        namespace.to_string()
    } else {
        String::new()
    }
}

/// Go's `time.ParseDuration` for what people type: `30s`, `2m`, `1h30m`, `500ms`, `0`.
pub fn parse_duration(text: &str) -> Option<i64> {
    let (negative, mut rest) = match text.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    if rest == "0" {
        return Some(0);
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .filter(|&i| i > 0)?;
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let millis = match &rest[..unit_len] {
            "ns" => 1e-6,
            "us" | "µs" => 1e-3,
            "ms" => 1.0,
            "s" => 1e3,
            "m" => 6e4,
            "h" => 3.6e6,
            _ => return None,
        };
        total += number * millis;
        rest = &rest[unit_len..];
    }
    let ms = total.round() as i64;
    Some(if negative { -ms } else { ms })
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn go_durations() {
        assert_eq!(parse_duration("30s"), Some(30_000));
        assert_eq!(parse_duration("1h30m"), Some(5_400_000));
        assert_eq!(parse_duration("500ms"), Some(500));
        assert_eq!(parse_duration("1.5m"), Some(90_000));
        assert_eq!(parse_duration("0"), Some(0));
        assert_eq!(parse_duration("-1s"), Some(-1000));
        assert_eq!(parse_duration("30"), None);
        assert_eq!(parse_duration("abc"), None);
    }
}
