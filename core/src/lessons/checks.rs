//! `exercises.yaml` and drills (`drills/<id>.yaml`): exercises' solutions and declarative
//! checks, read strictly (an unknown key or a malformed check is a load error that names the
//! exercise and the check, never a check that silently fails).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::LessonError;
use crate::kubectl::printers::jsonpath::Template;

/// One exercise of `exercises.yaml`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Exercise {
    pub id: String,
    /// The commands that solve it (a script of shell lines).
    pub solution: String,
    /// All must pass for the exercise to be done.
    pub checks: Vec<Check>,
}

/// A text in both languages.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Localized {
    pub en: String,
    pub ko: String,
}

impl Localized {
    /// The text in `lang` (`"ko"`, else English).
    pub fn get(&self, lang: &str) -> &str {
        if lang == "ko" { &self.ko } else { &self.en }
    }
}

/// A timed drill or exam (`drills/<id>.yaml`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Drill {
    pub id: String,
    pub title: Localized,
    /// The time allowed.
    pub minutes: u32,
    /// Script run on a fresh cluster before the tasks are shown (may be empty).
    pub setup: String,
    pub tasks: Vec<DrillTask>,
}

/// One task of a drill.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DrillTask {
    pub id: String,
    pub points: u32,
    /// Markdown, in both languages.
    pub task: Localized,
    pub solution: String,
    pub checks: Vec<Check>,
}

/// One check: what must hold of the cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    pub kind: CheckKind,
    /// Shown in the report instead of the generated description (`description: TEXT`, or
    /// `description: {en: ..., ko: ...}`, whose English part is here).
    pub description: Option<String>,
    /// The Korean part of `description: {en, ko}`.
    pub description_ko: Option<String>,
}

/// The kinds of check (see the table in `lessons/FORMAT.md`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum CheckKind {
    /// `object: REF`: the object exists (or, `absent`, does not); with `value`, its
    /// `-o jsonpath` rendering compares.
    Object {
        target: ObjectRef,
        absent: bool,
        value: Option<(String, Compare)>,
    },
    /// `list: RESOURCE`: `-o jsonpath` over the list compares.
    List {
        resource: String,
        scope: Scope,
        jsonpath: String,
        compare: Compare,
    },
    /// `count: RESOURCE`: how many objects match. For pods, `status` is the STATUS column and
    /// `ready` the Ready condition.
    Count {
        resource: String,
        scope: Scope,
        status: Option<String>,
        ready: Option<bool>,
        compare: CountCompare,
    },
    /// `request`: what a request from a pod (or from outside the cluster) would get.
    Request {
        from: RequestFrom,
        to: String,
        expect: Expect,
        body_contains: Option<String>,
    },
    /// `event`: such an event exists.
    Event {
        reason: String,
        object: Option<ObjectRef>,
        type_: Option<String>,
        message_matches: Option<String>,
    },
    /// `kubectl`: a read-only command's output (and exit code) compares. The output is its
    /// stdout, or its stderr when it printed nothing on stdout (`No resources found`).
    Kubectl {
        /// The command's words, without the leading `kubectl`.
        words: Vec<String>,
        compare: Option<Compare>,
        exit_code: Option<i32>,
    },
}

/// How a rendered text is compared.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Compare {
    /// Exactly this text.
    Equals(String),
    /// A regular expression found anywhere in the text (anchor it with `^...$` for the whole).
    Matches(String),
    /// This substring.
    Contains(String),
}

/// How a count is compared (every bound given must hold).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CountCompare {
    pub equals: Option<u64>,
    pub at_least: Option<u64>,
    pub at_most: Option<u64>,
}

/// Which objects a `list` or `count` check looks at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Scope {
    /// `default` unless given.
    pub namespace: String,
    pub all_namespaces: bool,
    /// A label selector (`app=web,tier in (a,b)`).
    pub selector: Option<String>,
    /// A field selector (`status.phase=Running`).
    pub field_selector: Option<String>,
}

/// `KIND/NAME` (default namespace) or `KIND/NAMESPACE/NAME`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ObjectRef {
    /// As typed: a kubectl resource name or short name (`deploy`, `pods`, `ingress`).
    pub resource: String,
    /// `None`: `default` for namespaced kinds.
    pub namespace: Option<String>,
    pub name: String,
}

impl ObjectRef {
    /// Reads `KIND/NAME` or `KIND/NAMESPACE/NAME`.
    pub fn parse(text: &str) -> Option<ObjectRef> {
        let parts: Vec<&str> = text.trim().split('/').collect();
        let ok = |s: &&str| !s.is_empty() && !s.contains(char::is_whitespace);
        match parts.as_slice() {
            [kind, name] if ok(kind) && ok(name) => Some(ObjectRef {
                resource: kind.to_string(),
                namespace: None,
                name: name.to_string(),
            }),
            [kind, ns, name] if ok(kind) && ok(ns) && ok(name) => Some(ObjectRef {
                resource: kind.to_string(),
                namespace: Some(ns.to_string()),
                name: name.to_string(),
            }),
            _ => None,
        }
    }
}

impl std::fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{}/{ns}/{}", self.resource, self.name),
            None => write!(f, "{}/{}", self.resource, self.name),
        }
    }
}

/// Where a `request` check's request starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum RequestFrom {
    /// The learner's machine (node ports, load balancers, the ingress on localhost).
    Outside,
    /// A pod (`pod/NAME`, or a workload whose first pod is used: `deployment/web`).
    Object(ObjectRef),
}

/// What a `request` check expects.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Expect {
    /// Any reply (even an HTTP error).
    Answered,
    /// Connection refused (or a rejected packet).
    Refused,
    /// No answer (dropped).
    Timeout,
}

/// The read-only kubectl commands a `kubectl` check may run: (command, required subcommand).
const READ_ONLY: &[(&str, Option<&[&str]>)] = &[
    ("get", None),
    ("describe", None),
    ("logs", None),
    ("top", None),
    ("auth", Some(&["can-i", "whoami"])),
    ("rollout", Some(&["history"])),
    ("config", Some(&["view", "current-context", "get-contexts"])),
];

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExercise {
    id: String,
    solution: String,
    checks: Vec<RawCheck>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDrill {
    id: String,
    title: Localized,
    minutes: u32,
    #[serde(default)]
    setup: String,
    tasks: Vec<RawTask>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTask {
    id: String,
    #[serde(default = "one")]
    points: u32,
    task: Localized,
    solution: String,
    checks: Vec<RawCheck>,
}

fn one() -> u32 {
    1
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    object: Option<String>,
    list: Option<String>,
    count: Option<String>,
    request: Option<RawRequest>,
    event: Option<RawEvent>,
    kubectl: Option<String>,
    description: Option<Description>,
    absent: Option<bool>,
    jsonpath: Option<String>,
    equals: Option<Value>,
    matches: Option<String>,
    contains: Option<String>,
    namespace: Option<String>,
    all_namespaces: Option<bool>,
    selector: Option<String>,
    field_selector: Option<String>,
    status: Option<String>,
    ready: Option<bool>,
    at_least: Option<u64>,
    at_most: Option<u64>,
    exit_code: Option<i32>,
    expect: Option<String>,
    body_contains: Option<String>,
    #[serde(rename = "type")]
    type_: Option<String>,
    message_matches: Option<String>,
}

/// A check's `description`: one text, or one per language.
#[derive(Deserialize)]
#[serde(untagged)]
enum Description {
    One(String),
    Both(Localized),
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRequest {
    from: String,
    to: String,
    expect: Option<String>,
    body_contains: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    reason: String,
    object: Option<String>,
    #[serde(rename = "type")]
    type_: Option<String>,
    message_matches: Option<String>,
}

/// Reads `exercises.yaml`: a list of exercises with unique ids.
pub fn parse_exercises(yaml: &str) -> Result<Vec<Exercise>, LessonError> {
    let raw: Vec<RawExercise> = LessonError::decode_yaml(yaml, 1)?;
    let mut seen = std::collections::BTreeSet::new();
    raw.into_iter()
        .map(|e| {
            if !seen.insert(e.id.clone()) {
                return Err(LessonError::new(format!(
                    "exercise {:?} appears twice",
                    e.id
                )));
            }
            let checks = checks(&e.id, e.checks)?;
            Ok(Exercise {
                id: e.id,
                solution: e.solution,
                checks,
            })
        })
        .collect()
}

/// Reads a drill (`drills/<id>.yaml`).
pub fn parse_drill(yaml: &str) -> Result<Drill, LessonError> {
    let raw: RawDrill = LessonError::decode_yaml(yaml, 1)?;
    let mut seen = std::collections::BTreeSet::new();
    let tasks = raw
        .tasks
        .into_iter()
        .map(|t| {
            if !seen.insert(t.id.clone()) {
                return Err(LessonError::new(format!("task {:?} appears twice", t.id)));
            }
            let checks = checks(&t.id, t.checks)?;
            Ok(DrillTask {
                id: t.id,
                points: t.points,
                task: t.task,
                solution: t.solution,
                checks,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Drill {
        id: raw.id,
        title: raw.title,
        minutes: raw.minutes,
        setup: raw.setup,
        tasks,
    })
}

fn checks(owner: &str, raw: Vec<RawCheck>) -> Result<Vec<Check>, LessonError> {
    if raw.is_empty() {
        return Err(LessonError::new(format!("{owner}: no checks")));
    }
    raw.into_iter()
        .enumerate()
        .map(|(i, c)| {
            check(c)
                .map_err(|message| LessonError::new(format!("{owner}: check {}: {message}", i + 1)))
        })
        .collect()
}

/// Turns one raw check into a [`Check`], or says what is wrong with it.
fn check(mut c: RawCheck) -> Result<Check, String> {
    let (description, description_ko) = match c.description.take() {
        None => (None, None),
        Some(Description::One(text)) => (Some(text), None),
        Some(Description::Both(l)) => (Some(l.en), Some(l.ko)),
    };
    let mut kinds = Vec::new();
    if c.object.is_some() && c.event.is_none() {
        kinds.push("object");
    }
    for (present, name) in [
        (c.list.is_some(), "list"),
        (c.count.is_some(), "count"),
        (c.request.is_some(), "request"),
        (c.event.is_some(), "event"),
        (c.kubectl.is_some(), "kubectl"),
    ] {
        if present {
            kinds.push(name);
        }
    }
    let kind = match kinds.as_slice() {
        [one] => *one,
        [] => {
            return Err(
                "a check needs one of object, list, count, request, event or kubectl".into(),
            );
        }
        _ => return Err(format!("a check has one kind, not {}", kinds.join(" and "))),
    };
    let kind = match kind {
        "object" => {
            let text = c.object.take().unwrap_or_default();
            let target = object_ref(&text)?;
            let absent = c.absent.take().unwrap_or(false);
            let value = match c.jsonpath.take() {
                Some(path) => {
                    if absent {
                        return Err("`absent: true` takes no jsonpath".into());
                    }
                    Some((
                        jsonpath(&path)?,
                        compare(&mut c)?
                            .ok_or("a jsonpath needs `equals`, `matches` or `contains`")?,
                    ))
                }
                None => {
                    if compare(&mut c)?.is_some() {
                        return Err("`equals`/`matches`/`contains` need a `jsonpath`".into());
                    }
                    None
                }
            };
            CheckKind::Object {
                target,
                absent,
                value,
            }
        }
        "list" => {
            let resource = resource(c.list.take().unwrap_or_default())?;
            let scope = scope(&mut c)?;
            let path = c.jsonpath.take().ok_or("a list check needs a `jsonpath`")?;
            let jsonpath = jsonpath(&path)?;
            let compare =
                compare(&mut c)?.ok_or("a list check needs `equals`, `matches` or `contains`")?;
            CheckKind::List {
                resource,
                scope,
                jsonpath,
                compare,
            }
        }
        "count" => {
            let resource = resource(c.count.take().unwrap_or_default())?;
            let scope = scope(&mut c)?;
            let equals = match c.equals.take() {
                None => None,
                Some(v) => Some(
                    scalar(&v)
                        .and_then(|s| s.parse::<u64>().ok())
                        .ok_or("`equals` of a count is a whole number")?,
                ),
            };
            let compare = CountCompare {
                equals,
                at_least: c.at_least.take(),
                at_most: c.at_most.take(),
            };
            if compare == CountCompare::default() {
                return Err("a count check needs `equals`, `at_least` or `at_most`".into());
            }
            let status = c.status.take();
            let ready = c.ready.take();
            if (status.is_some() || ready.is_some())
                && !matches!(resource.as_str(), "pods" | "pod" | "po")
            {
                return Err("`status` and `ready` are for counting pods".into());
            }
            CheckKind::Count {
                resource,
                scope,
                status,
                ready,
                compare: compare_count(compare)?,
            }
        }
        "request" => {
            let r = c.request.take().unwrap_or_default();
            let from = if r.from == "outside" {
                RequestFrom::Outside
            } else {
                RequestFrom::Object(object_ref(&r.from)?)
            };
            let expect = match r.expect.or(c.expect.take()).as_deref() {
                Some("answered") => Expect::Answered,
                Some("refused") => Expect::Refused,
                Some("timeout") => Expect::Timeout,
                Some(other) => {
                    return Err(format!(
                        "expect: {other:?} is not one of answered, refused, timeout"
                    ));
                }
                None => return Err("a request check needs `expect`".into()),
            };
            if r.to.trim().is_empty() {
                return Err("a request check needs `to`".into());
            }
            let body_contains = r.body_contains.or(c.body_contains.take());
            if body_contains.is_some() && expect != Expect::Answered {
                return Err("`body_contains` goes with `expect: answered`".into());
            }
            CheckKind::Request {
                from,
                to: r.to.trim().to_string(),
                expect,
                body_contains,
            }
        }
        "event" => {
            let e = c.event.take().unwrap_or_default();
            let object = e
                .object
                .or(c.object.take())
                .map(|o| object_ref(&o))
                .transpose()?;
            let message_matches = e.message_matches.or(c.message_matches.take());
            if let Some(pattern) = &message_matches {
                regex(pattern)?;
            }
            if e.reason.trim().is_empty() {
                return Err("an event check needs a `reason`".into());
            }
            CheckKind::Event {
                reason: e.reason,
                object,
                type_: e.type_.or(c.type_.take()),
                message_matches,
            }
        }
        _ => {
            let command = c.kubectl.take().unwrap_or_default();
            let words = kubectl_words(&command)?;
            let compare = compare(&mut c)?;
            let exit_code = c.exit_code.take();
            if compare.is_none() && exit_code.is_none() {
                return Err(
                    "a kubectl check needs `equals`, `matches`, `contains` or `exit_code`".into(),
                );
            }
            CheckKind::Kubectl {
                words,
                compare,
                exit_code,
            }
        }
    };
    if let Some(key) = leftover(&c) {
        return Err(format!(
            "`{key}` does not go with a {} check",
            kind_name(&kind)
        ));
    }
    Ok(Check {
        kind,
        description,
        description_ko,
    })
}

fn kind_name(kind: &CheckKind) -> &'static str {
    match kind {
        CheckKind::Object { .. } => "object",
        CheckKind::List { .. } => "list",
        CheckKind::Count { .. } => "count",
        CheckKind::Request { .. } => "request",
        CheckKind::Event { .. } => "event",
        CheckKind::Kubectl { .. } => "kubectl",
    }
}

/// The first key still set after a check took the keys of its kind.
fn leftover(c: &RawCheck) -> Option<&'static str> {
    [
        (c.absent.is_some(), "absent"),
        (c.jsonpath.is_some(), "jsonpath"),
        (c.equals.is_some(), "equals"),
        (c.matches.is_some(), "matches"),
        (c.contains.is_some(), "contains"),
        (c.namespace.is_some(), "namespace"),
        (c.all_namespaces.is_some(), "all_namespaces"),
        (c.selector.is_some(), "selector"),
        (c.field_selector.is_some(), "field_selector"),
        (c.status.is_some(), "status"),
        (c.ready.is_some(), "ready"),
        (c.at_least.is_some(), "at_least"),
        (c.at_most.is_some(), "at_most"),
        (c.exit_code.is_some(), "exit_code"),
        (c.expect.is_some(), "expect"),
        (c.body_contains.is_some(), "body_contains"),
        (c.type_.is_some(), "type"),
        (c.message_matches.is_some(), "message_matches"),
        (c.object.is_some(), "object"),
    ]
    .into_iter()
    .find_map(|(set, key)| set.then_some(key))
}

fn object_ref(text: &str) -> Result<ObjectRef, String> {
    ObjectRef::parse(text)
        .ok_or_else(|| format!("{text:?} is not KIND/NAME or KIND/NAMESPACE/NAME"))
}

fn resource(text: String) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() || text.contains(['/', ' ']) {
        return Err(format!("{text:?} is not a resource type (like `pods`)"));
    }
    Ok(text.to_string())
}

fn jsonpath(path: &str) -> Result<String, String> {
    Template::parse(path).map_err(|e| format!("jsonpath {path:?}: {e}"))?;
    Ok(path.to_string())
}

fn regex(pattern: &str) -> Result<(), String> {
    regex_lite::Regex::new(pattern)
        .map(|_| ())
        .map_err(|e| format!("regex {pattern:?}: {e}"))
}

/// A YAML scalar as text (`3` and `"3"` both mean "3").
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The one text comparison given (`equals`, `matches` or `contains`), if any.
fn compare(c: &mut RawCheck) -> Result<Option<Compare>, String> {
    let mut found = Vec::new();
    if let Some(v) = c.equals.take() {
        let s = scalar(&v).ok_or("`equals` is a string or a number")?;
        found.push(Compare::Equals(s));
    }
    if let Some(p) = c.matches.take() {
        regex(&p)?;
        found.push(Compare::Matches(p));
    }
    if let Some(s) = c.contains.take() {
        found.push(Compare::Contains(s));
    }
    if found.len() > 1 {
        return Err("give one of `equals`, `matches`, `contains`".into());
    }
    Ok(found.pop())
}

fn compare_count(c: CountCompare) -> Result<CountCompare, String> {
    if let (Some(lo), Some(hi)) = (c.at_least, c.at_most)
        && lo > hi
    {
        return Err(format!("at_least {lo} is above at_most {hi}"));
    }
    Ok(c)
}

fn scope(c: &mut RawCheck) -> Result<Scope, String> {
    let all_namespaces = c.all_namespaces.take().unwrap_or(false);
    let namespace = c.namespace.take();
    if all_namespaces && namespace.is_some() {
        return Err("give `namespace` or `all_namespaces`, not both".into());
    }
    let selector = c.selector.take();
    if let Some(s) = &selector {
        crate::api::labels::parse(s).map_err(|e| format!("selector {s:?}: {e}"))?;
    }
    let field_selector = c.field_selector.take();
    if let Some(s) = &field_selector {
        crate::api::fields::parse(s).map_err(|e| format!("field_selector {s:?}: {e}"))?;
    }
    Ok(Scope {
        namespace: namespace.unwrap_or_else(|| "default".into()),
        all_namespaces,
        selector,
        field_selector,
    })
}

/// The words of a `kubectl` check's command, checked against the read-only allow-list.
fn kubectl_words(command: &str) -> Result<Vec<String>, String> {
    use crate::kubectl::shell::lex::{Token, tokenize};
    let tokens = tokenize(command).map_err(|e| e.message())?;
    let mut words = Vec::new();
    for token in tokens {
        match token {
            Token::Word(w) => words.push(w),
            Token::Op(op) => {
                return Err(format!("a kubectl check runs one command (no `{op}`)"));
            }
        }
    }
    if words.first().is_some_and(|w| w == "kubectl" || w == "k") {
        words.remove(0);
    }
    let verb = words.first().map(String::as_str).unwrap_or("");
    let allowed = READ_ONLY.iter().any(|(command, subs)| {
        *command == verb
            && subs.is_none_or(|subs| words.get(1).is_some_and(|sub| subs.contains(&sub.as_str())))
    });
    if !allowed {
        return Err(format!(
            "`kubectl {}` is not a read-only command a check may run (get, describe, logs, top, auth can-i, rollout history, config view/current-context/get-contexts)",
            words.join(" ")
        ));
    }
    let follows = words.iter().any(|w| {
        matches!(
            w.as_str(),
            "-w" | "--watch" | "--watch-only" | "-f" | "--follow"
        ) || w.starts_with("--watch=")
            || w.starts_with("--follow=")
    });
    if follows {
        return Err("a kubectl check cannot follow the cluster (-w, -f)".into());
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(check: &str) -> Result<Check, String> {
        let yaml = format!(
            "- id: e\n  solution: x\n  checks:\n    - {}\n",
            check.replace('\n', "\n      ")
        );
        parse_exercises(&yaml)
            .map(|mut e| e.remove(0).checks.remove(0))
            .map_err(|e| e.to_string())
    }

    #[test]
    fn each_kind_reads() {
        assert_eq!(
            one("object: deployment/web\njsonpath: '{.spec.replicas}'\nequals: 3")
                .unwrap()
                .kind,
            CheckKind::Object {
                target: ObjectRef {
                    resource: "deployment".into(),
                    namespace: None,
                    name: "web".into()
                },
                absent: false,
                value: Some(("{.spec.replicas}".into(), Compare::Equals("3".into()))),
            }
        );
        assert!(matches!(
            one("object: pod/dev/a\nabsent: true").unwrap().kind,
            CheckKind::Object {
                absent: true,
                value: None,
                ..
            }
        ));
        let CheckKind::Count {
            scope,
            status,
            compare,
            ..
        } = one("count: pods\nnamespace: dev\nselector: app=web\nstatus: Running\nat_least: 2")
            .unwrap()
            .kind
        else {
            panic!()
        };
        assert_eq!(scope.namespace, "dev");
        assert_eq!(status.as_deref(), Some("Running"));
        assert_eq!(compare.at_least, Some(2));
        assert!(matches!(
            one("list: services\nall_namespaces: true\njsonpath: '{.items[*].metadata.name}'\ncontains: kube-dns").unwrap().kind,
            CheckKind::List { scope: Scope { all_namespaces: true, .. }, .. }
        ));
        assert!(matches!(
            one("request: {from: pod/client, to: 'http://web'}\nexpect: answered\nbody_contains: Welcome").unwrap().kind,
            CheckKind::Request { from: RequestFrom::Object(_), expect: Expect::Answered, body_contains: Some(_), .. }
        ));
        assert!(matches!(
            one("request: {from: outside, to: 'localhost:30080', expect: timeout}")
                .unwrap()
                .kind,
            CheckKind::Request {
                from: RequestFrom::Outside,
                expect: Expect::Timeout,
                ..
            }
        ));
        assert!(matches!(
            one("event: {reason: Killing, object: pod/web}\ntype: Normal")
                .unwrap()
                .kind,
            CheckKind::Event {
                object: Some(_),
                type_: Some(_),
                ..
            }
        ));
        let check = one("kubectl: kubectl auth can-i list pods --as alice\nequals: 'no'\nexit_code: 1\ndescription: alice cannot").unwrap();
        assert_eq!(check.description.as_deref(), Some("alice cannot"));
        assert_eq!(check.description_ko, None);
        let both = one("object: pod/a\ndescription: {en: a exists, ko: a 있음}").unwrap();
        assert_eq!(both.description.as_deref(), Some("a exists"));
        assert_eq!(both.description_ko.as_deref(), Some("a 있음"));
        assert!(matches!(
            check.kind,
            CheckKind::Kubectl { ref words, exit_code: Some(1), .. } if words[0] == "auth"
        ));
    }

    #[test]
    fn malformed_checks_say_why() {
        for (check, wanted) in [
            ("colour: red", "colour"),
            ("description: nothing", "needs one of"),
            ("object: deployment/web\ncount: pods\nequals: 1", "one kind"),
            ("object: deployment", "KIND/NAME"),
            ("object: deployment/web\nequals: 3", "need a `jsonpath`"),
            (
                "object: deployment/web\njsonpath: '{.spec'\nequals: 3",
                "jsonpath",
            ),
            (
                "object: deployment/web\njsonpath: '{.spec}'",
                "needs `equals`",
            ),
            (
                "object: deployment/web\njsonpath: '{.a}'\nequals: 1\ncontains: x",
                "one of",
            ),
            (
                "object: deployment/web\njsonpath: '{.a}'\nmatches: '('",
                "regex",
            ),
            ("count: pods", "needs `equals`"),
            ("count: pods\nequals: three", "whole number"),
            (
                "count: deployments\nstatus: Running\nequals: 1",
                "counting pods",
            ),
            ("count: pods\nselector: 'a in'\nequals: 1", "selector"),
            (
                "count: pods\nequals: 1\nnamespace: a\nall_namespaces: true",
                "not both",
            ),
            (
                "count: pods\nequals: 1\njsonpath: '{.a}'",
                "`jsonpath` does not go with a count",
            ),
            ("list: pods\nequals: x", "needs a `jsonpath`"),
            ("request: {from: outside, to: 'x:1'}", "needs `expect`"),
            (
                "request: {from: outside, to: 'x:1'}\nexpect: maybe",
                "maybe",
            ),
            (
                "request: {from: outside, to: 'x:1', expect: refused, body_contains: a}",
                "body_contains",
            ),
            ("event: {reason: Killing, colour: red}", "colour"),
            ("kubectl: delete pod web\nexit_code: 0", "read-only"),
            ("kubectl: get pods -w\nexit_code: 0", "follow"),
            ("kubectl: get pods | wc -l\nexit_code: 0", "one command"),
            ("kubectl: get pods", "needs `equals`"),
        ] {
            let e = one(check).unwrap_err();
            assert!(e.contains(wanted), "{check:?}: {e}");
            assert!(
                e.contains("check 1") || e.contains("line"),
                "{check:?}: {e}"
            );
        }
    }

    #[test]
    fn exercises_errors() {
        let e = parse_exercises("- id: a\n  solution: x\n  checks: []\n").unwrap_err();
        assert!(e.message.contains("no checks"), "{e}");
        let e = parse_exercises("- id: a\n  solution: x\n  chekcs: []\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        let twice = "- id: a\n  solution: x\n  checks: [{object: pod/a}]\n";
        let e = parse_exercises(&format!("{twice}{twice}")).unwrap_err();
        assert!(e.message.contains("twice"), "{e}");
    }

    #[test]
    fn drills_read() {
        let d = parse_drill(
            "id: d1\ntitle: {en: Drill, ko: 드릴}\nminutes: 15\nsetup: |\n  kubectl create ns x\ntasks:\n  - id: t\n    points: 2\n    task: {en: Do, ko: 해}\n    solution: kubectl get ns\n    checks: [{object: namespace/x}]\n",
        )
        .unwrap();
        assert_eq!(d.title.get("ko"), "드릴");
        assert_eq!(d.tasks[0].points, 2);
        assert_eq!(d.tasks[0].task.get("en"), "Do");
        let e = parse_drill("id: d1\ntitle: {en: Drill}\nminutes: 1\ntasks: []\n").unwrap_err();
        assert!(e.message.contains("ko"), "{e}");
    }
}
