//! Checks evaluated against a cluster, with no side effects: objects are read from the store
//! as the API server holds them (no authorization, nothing recorded), `kubectl` checks run in
//! a scratch shell that shares only the learner's kubeconfig, and nothing advances the clock.
//! Cheap enough to run after every command and once a second.

use serde::Serialize;
use serde_json::Value;

use super::checks::{
    Check, CheckKind, Compare, CountCompare, Drill, Expect, ObjectRef, RequestFrom, Scope,
};
use super::describe::describe_in;
use crate::api::{Kind, field_labels, meta};
use crate::controllers::ObjectKey;
use crate::kubectl::printers::jsonpath::Template;
use crate::kubectl::printers::pod_status;
use crate::kubectl::shell::Shell;
use crate::network::probe::Probe;
use crate::sim::Sim;
use crate::store::Store;

/// The outcome of one check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckResult {
    pub passed: bool,
    /// The check's `description`, or one made from the check (English).
    pub description: String,
    /// The same in Korean (the writer's Korean description, else their only one, else one
    /// made from the check).
    pub description_ko: String,
    /// What was found, briefly: `found 2 pods, want 3`, `got "nginx:1.27"`.
    pub detail: String,
}

/// A drill task's grade.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TaskReport {
    pub id: String,
    /// The task's points.
    pub points: u32,
    /// `points` when every check passed, else 0.
    pub earned: u32,
    pub results: Vec<CheckResult>,
}

/// Grades a drill: every task's checks against the cluster as it is now.
pub fn grade_drill(cluster: &mut crate::Cluster, drill: &Drill) -> Vec<TaskReport> {
    drill
        .tasks
        .iter()
        .map(|task| {
            let results = cluster.evaluate_checks(&task.checks);
            let done = results.iter().all(|r| r.passed);
            TaskReport {
                id: task.id.clone(),
                points: task.points,
                earned: if done { task.points } else { 0 },
                results,
            }
        })
        .collect()
}

/// Evaluates `checks` in order. `shell` is the learner's (its kubeconfig decides who
/// `kubectl` checks run as and their current context); it is not changed.
pub fn evaluate(sim: &mut Sim, shell: &Shell, checks: &[Check]) -> Vec<CheckResult> {
    checks
        .iter()
        .map(|check| {
            let (passed, detail) = match one(sim, shell, &check.kind) {
                Ok(found) => found,
                Err(detail) => (false, detail),
            };
            CheckResult {
                passed,
                description: check
                    .description
                    .clone()
                    .unwrap_or_else(|| describe_in(&check.kind, "en")),
                description_ko: check
                    .description_ko
                    .clone()
                    .or_else(|| check.description.clone())
                    .unwrap_or_else(|| describe_in(&check.kind, "ko")),
                detail,
            }
        })
        .collect()
}

/// (passed, detail), or an error that makes the check fail (unknown resource type...).
fn one(sim: &mut Sim, shell: &Shell, check: &CheckKind) -> Result<(bool, String), String> {
    match check {
        CheckKind::Object {
            target,
            absent,
            value,
        } => {
            let (kind, namespace) = resolve(&sim.store, target)?;
            let found = sim.store.lookup(kind, &namespace, &target.name);
            match (found, value) {
                (None, _) => Ok((*absent, format!("{target} not found"))),
                (Some(_), None) => Ok((!*absent, format!("{target} exists"))),
                (Some(obj), Some((path, compare))) => {
                    let text = render(path, obj)?;
                    Ok(compare_text(compare, &text))
                }
            }
        }
        CheckKind::List {
            resource,
            scope,
            jsonpath,
            compare,
        } => {
            let (_, items) = select(&sim.store, resource, scope)?;
            let list = serde_json::json!({
                "apiVersion": "v1",
                "items": items.into_iter().cloned().collect::<Vec<_>>(),
                "kind": "List",
                "metadata": {"resourceVersion": ""},
            });
            let text = render(jsonpath, &list)?;
            Ok(compare_text(compare, &text))
        }
        CheckKind::Count {
            resource,
            scope,
            status,
            ready,
            compare,
        } => {
            let (kind, items) = select(&sim.store, resource, scope)?;
            let now = sim.store.now();
            let n = items
                .into_iter()
                .filter(|pod| {
                    status
                        .as_ref()
                        .is_none_or(|s| pod_status::cells(pod, now).status == *s)
                        && ready.is_none_or(|want| {
                            (crate::controllers::condition_status(pod, "Ready") == Some("True"))
                                == want
                        })
                })
                .count() as u64;
            let what = match status {
                Some(s) => format!("{} {s}", kind.plural),
                None => kind.plural.to_string(),
            };
            Ok(compare_count(compare, n, &what))
        }
        CheckKind::Event {
            reason,
            object,
            type_,
            message_matches,
        } => event(
            &sim.store,
            reason,
            object.as_ref(),
            type_.as_deref(),
            message_matches.as_deref(),
        ),
        CheckKind::Kubectl {
            words,
            compare,
            exit_code,
        } => {
            let mut scratch = Shell::default();
            scratch.kubeconfig = shell.kubeconfig.clone();
            // The store's notion of who is asking and which manager writes belongs to the
            // learner's command (a foreground job may still be running): kept as it was.
            let requester = sim.store.take_requester();
            let manager = sim.store.manager().to_string();
            let out = crate::kubectl::run(words, &mut scratch, sim);
            sim.store.set_requester(requester);
            sim.store.set_manager(&manager);
            // What the command printed on stdout; for a command that printed only errors
            // (`No resources found`, `NotFound`), its stderr.
            let text = if out.stdout.is_empty() {
                &out.stderr
            } else {
                &out.stdout
            };
            let mut passed = true;
            let mut details = Vec::new();
            if let Some(code) = exit_code {
                passed &= out.exit_code == *code;
                details.push(format!("exit code {}", out.exit_code));
            }
            if let Some(compare) = compare {
                let (ok, detail) = compare_text(compare, text);
                passed &= ok;
                details.push(detail);
            }
            Ok((passed, details.join(", ")))
        }
        CheckKind::Request {
            from,
            to,
            expect,
            body_contains,
        } => request(sim, from, to, *expect, body_contains.as_deref()),
    }
}

/// The kind and namespace an object reference names.
fn resolve(store: &Store, target: &ObjectRef) -> Result<(&'static Kind, String), String> {
    let kind = resolve_kind(store, &target.resource)?;
    let namespace = if kind.namespaced {
        target.namespace.clone().unwrap_or_else(|| "default".into())
    } else {
        String::new()
    };
    Ok((kind, namespace))
}

fn resolve_kind(store: &Store, typed: &str) -> Result<&'static Kind, String> {
    store
        .resolve(typed)
        .ok_or_else(|| format!("the server doesn't have a resource type \"{typed}\""))
}

/// The objects a `list` or `count` check looks at, as `kubectl get` lists them.
fn select<'a>(
    store: &'a Store,
    resource: &str,
    scope: &Scope,
) -> Result<(&'static Kind, Vec<&'a Value>), String> {
    let kind = resolve_kind(store, resource)?;
    let labels = scope
        .selector
        .as_deref()
        .map(crate::api::labels::parse)
        .transpose()?;
    let fields = scope
        .field_selector
        .as_deref()
        .map(crate::api::fields::parse)
        .transpose()?;
    if let Some(fields) = &fields {
        field_labels::check(kind, fields)?;
    }
    let namespace = (kind.namespaced && !scope.all_namespaces).then_some(scope.namespace.as_str());
    let items = store
        .list(kind, namespace)
        .filter(|o| {
            labels.as_ref().is_none_or(|s| s.matches(o))
                && fields.as_ref().is_none_or(|s| field_labels::matches(s, o))
        })
        .collect();
    Ok((kind, items))
}

/// `-o jsonpath` of `obj` (as kubectl prints it: without managed fields).
fn render(path: &str, obj: &Value) -> Result<String, String> {
    let template = Template::parse(path)?;
    if obj.pointer("/metadata/managedFields").is_some() {
        let mut copy = obj.clone();
        if let Some(m) = copy.pointer_mut("/metadata").and_then(Value::as_object_mut) {
            m.remove("managedFields");
        }
        return Ok(template.render(&copy));
    }
    Ok(template.render(obj))
}

/// Compares a text; `equals` ignores trailing newlines (commands end their output with one).
fn compare_text(compare: &Compare, text: &str) -> (bool, String) {
    let got = format!("got {:?}", short(text));
    match compare {
        Compare::Equals(want) => (
            text.trim_end_matches('\n') == want.trim_end_matches('\n'),
            got,
        ),
        Compare::Contains(want) => (text.contains(want.as_str()), got),
        Compare::Matches(pattern) => match regex_lite::Regex::new(pattern) {
            Ok(re) => (re.is_match(text), got),
            Err(e) => (false, format!("bad regex: {e}")),
        },
    }
}

/// At most 200 characters of `text`, for details.
fn short(text: &str) -> String {
    const MAX: usize = 200;
    match text.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

fn compare_count(compare: &CountCompare, n: u64, what: &str) -> (bool, String) {
    let mut passed = true;
    let mut want = Vec::new();
    if let Some(e) = compare.equals {
        passed &= n == e;
        want.push(e.to_string());
    }
    if let Some(lo) = compare.at_least {
        passed &= n >= lo;
        want.push(format!("at least {lo}"));
    }
    if let Some(hi) = compare.at_most {
        passed &= n <= hi;
        want.push(format!("at most {hi}"));
    }
    (
        passed,
        format!("found {n} {what}, want {}", want.join(" and ")),
    )
}

fn event(
    store: &Store,
    reason: &str,
    object: Option<&ObjectRef>,
    type_: Option<&str>,
    message_matches: Option<&str>,
) -> Result<(bool, String), String> {
    let target = object.map(|o| resolve(store, o)).transpose()?;
    let regex = message_matches
        .map(regex_lite::Regex::new)
        .transpose()
        .map_err(|e| format!("bad regex: {e}"))?;
    let events = crate::controllers::kind("", "Event");
    let mut same_reason = 0;
    let mut last_message = "";
    for e in store.list(events, None) {
        if meta::str_at(e, "/reason") != reason {
            continue;
        }
        if let (Some((kind, ns)), Some(o)) = (&target, object) {
            let involved = |p: &str| meta::str_at(e, &format!("/involvedObject/{p}"));
            if involved("kind") != kind.kind
                || involved("name") != o.name
                || (kind.namespaced && involved("namespace") != ns)
            {
                continue;
            }
        }
        same_reason += 1;
        last_message = meta::str_at(e, "/message");
        if type_.is_some_and(|t| meta::str_at(e, "/type") != t) {
            continue;
        }
        if regex
            .as_ref()
            .is_some_and(|re| !re.is_match(meta::str_at(e, "/message")))
        {
            continue;
        }
        return Ok((
            true,
            format!("found: {}", short(meta::str_at(e, "/message"))),
        ));
    }
    let detail = if same_reason == 0 {
        format!("no {reason} event")
    } else {
        format!(
            "{same_reason} {reason} event(s), none with that type or message (last: {:?})",
            short(last_message)
        )
    };
    Ok((false, detail))
}

/// A short English description of a check (see [`describe_in`] for Korean).
pub fn describe(check: &CheckKind) -> String {
    describe_in(check, "en")
}

/// A `request` check: the request worked out on a copy of the data plane (no access-log
/// lines, no trace, no kube-proxy choice kept, no time passing).
fn request(
    sim: &mut Sim,
    from: &RequestFrom,
    to: &str,
    expect: Expect,
    body_contains: Option<&str>,
) -> Result<(bool, String), String> {
    let from = match from {
        RequestFrom::Outside => None,
        RequestFrom::Object(o) => Some(sender(&sim.store, o)?),
    };
    let probe = sim
        .kubelet_call(None, |kubelet, store, now| {
            kubelet.probe_request(store, now, from.as_ref(), to)
        })
        .ok_or("no kubelet")??;
    let (got, detail) = match &probe {
        Probe::NotResolved => (Expect::Timeout, format!("{to}: could not resolve")),
        Probe::Refused => (Expect::Refused, format!("{to}: connection refused")),
        Probe::Timeout => (Expect::Timeout, format!("{to}: timed out")),
        Probe::Answered { status, .. } => (
            Expect::Answered,
            match status {
                Some(s) => format!("{to}: answered {s}"),
                None => format!("{to}: answered"),
            },
        ),
    };
    // A name that does not resolve is neither answered nor refused: it passes no check.
    let mut passed = got == expect && probe != Probe::NotResolved;
    if let (Some(want), Probe::Answered { body, .. }) = (body_contains, &probe) {
        passed &= body.contains(want);
        if !body.contains(want) {
            return Ok((false, format!("{detail}, body {:?}", short(body))));
        }
    }
    Ok((passed, detail))
}

/// The pod a request is sent from: the pod named, or a running pod of the workload named
/// (the first by name among those its selector matches).
fn sender(store: &Store, o: &ObjectRef) -> Result<ObjectKey, String> {
    let (kind, namespace) = resolve(store, o)?;
    let obj = store
        .lookup(kind, &namespace, &o.name)
        .ok_or_else(|| format!("{o} not found"))?;
    let pods = crate::controllers::kind("", "Pod");
    if kind.kind == "Pod" {
        return Ok(ObjectKey::of(obj));
    }
    let selector = obj
        .pointer("/spec/selector")
        .filter(|s| s.get("matchLabels").is_some() || s.get("matchExpressions").is_some())
        .ok_or_else(|| format!("{o} is not a pod and has no pod selector"))?;
    store
        .list(pods, Some(&namespace))
        .find(|p| {
            meta::str_at(p, "/status/phase") == "Running"
                && !meta::is_deleting(p)
                && crate::api::selector::matches(Some(selector), meta::labels(p))
        })
        .map(ObjectKey::of)
        .ok_or_else(|| format!("{o} has no running pod"))
}
