//! `kubectl taint`: adds (`key=value:Effect`, `key:Effect`), replaces (`--overwrite`) and
//! removes (`key:Effect-`, `key-`) taints on nodes named, selected with `-l`, or `--all`,
//! with every check and message of kubectl's taint command. New taints come first, then the
//! node's other taints in their order, as kubectl reorganises them.

use serde_json::{Value, json};

use super::args::{self, Flag, Parsed, switch, value};
use super::cordon::{bare_dry_run, dry_run_suffix};
use super::create::print_result;
use super::get::parse_selector;
use super::shell::Shell;
use super::{dry_run, errors, resolve_kind};
use crate::api::meta;
use crate::cluster::Output;
use crate::controllers::kind;
use crate::sim::Sim;

pub(crate) const FLAGS: &[Flag] = &[
    value("selector", Some('l')),
    switch("all", None),
    switch("overwrite", None),
    value("dry-run", None),
    value("output", Some('o')),
    value("template", None),
    switch("allow-missing-template-keys", None),
    switch("show-managed-fields", None),
    value("validate", None),
    value("field-manager", None),
];

const SEE_HELP: &str = "See 'kubectl taint -h' for help and examples";

/// A taint as typed: key, value (maybe empty) and effect (empty in `key-`).
#[derive(Clone, Debug, PartialEq, Eq)]
struct Taint {
    key: String,
    value: String,
    effect: String,
}

impl Taint {
    fn of(obj: &Value) -> Taint {
        Taint {
            key: meta::str_at(obj, "/key").into(),
            value: meta::str_at(obj, "/value").into(),
            effect: meta::str_at(obj, "/effect").into(),
        }
    }

    /// `Taint.MatchTaint`: same key and effect.
    fn matches(&self, other: &Taint) -> bool {
        self.key == other.key && self.effect == other.effect
    }

    /// `Taint.ToString`: `key=value:Effect`, `key:Effect`, `key=value:` or `key`.
    fn spec(&self) -> String {
        match (self.value.is_empty(), self.effect.is_empty()) {
            (true, true) => self.key.clone(),
            (false, true) => format!("{}={}:", self.key, self.value),
            (true, false) => format!("{}:{}", self.key, self.effect),
            (false, false) => format!("{}={}:{}", self.key, self.value, self.effect),
        }
    }

    fn to_json(&self) -> Value {
        let mut t = json!({"key": self.key, "effect": self.effect});
        if !self.value.is_empty() {
            t["value"] = json!(self.value);
        }
        t
    }
}

pub fn run(words: &[String], _shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(&bare_dry_run(words), FLAGS, "kubectl taint")?;
    let mode = dry_run(&parsed)?;
    let (resources, specs) = split_arguments(&parsed.args)?;
    let (to_add, to_remove) =
        parse_taints(&specs).map_err(|e| format!("error: {e}\n{SEE_HELP}"))?;
    validate(&resources, &to_add, &to_remove, &parsed, sim)?;
    let nodes = targets(&resources, &parsed, sim)?;
    let overwrite = parsed.switch("overwrite");
    let output = parsed.get("output").unwrap_or("");
    let node_kind = kind("", "Node");
    let mut out = Output::default();
    let mut failures: Vec<String> = Vec::new();
    for node in nodes {
        let node = match node {
            Ok(node) => node,
            Err(message) => {
                failures.push(message);
                continue;
            }
        };
        let (operation, taints) = match update_taints(&node, overwrite, &to_add, &to_remove) {
            Ok(result) => result,
            Err(messages) => {
                failures.extend(messages);
                continue;
            }
        };
        let mut updated = node.clone();
        let spec = meta::ensure_object(&mut updated, "spec");
        if taints.is_empty() {
            spec.remove("taints");
        } else {
            spec.insert("taints".into(), Value::Array(taints));
        }
        let shown = if mode == "none" {
            // A patch: no resourceVersion precondition.
            let mut request = updated;
            meta::metadata_mut(&mut request).remove("resourceVersion");
            match sim.store.update(node_kind, request) {
                Ok(stored) => stored,
                Err(status) => {
                    failures.push(errors::render(&status));
                    continue;
                }
            }
        } else {
            updated
        };
        let verb = format!("{operation}{}", dry_run_suffix(mode));
        let printed = print_result(&shown, node_kind, meta::name(&shown), output, &verb);
        out.stdout.push_str(&printed.stdout);
    }
    match failures.as_slice() {
        [] => {}
        [one] => {
            out.stderr.push_str(&with_error_prefix(one));
            out.stderr.push('\n');
            out.exit_code = 1;
        }
        many => {
            // An aggregate of several errors: one per line, as they are.
            for message in many {
                out.stderr.push_str(message);
                out.stderr.push('\n');
            }
            out.exit_code = 1;
        }
    }
    Ok(out)
}

/// kubectl's `checkErr` prefixes `error: ` to a lone error unless it is an API error (already
/// worded `Error from server ...`) or says it itself.
fn with_error_prefix(message: &str) -> String {
    if message.starts_with("error: ") || message.starts_with("Error from server") {
        message.to_string()
    } else {
        format!("error: {message}")
    }
}

/// Resources come first (`nodes NAME...`), then taint changes; a word with `=`, `:` or a
/// trailing `-` is a taint change.
fn split_arguments(arguments: &[String]) -> Result<(Vec<String>, Vec<String>), String> {
    let mut resources = Vec::new();
    let mut specs: Vec<String> = Vec::new();
    for a in arguments {
        let is_taint = a.contains('=') || a.contains(':') || a.ends_with('-');
        match (specs.is_empty(), is_taint) {
            (_, true) => specs.push(a.clone()),
            (true, false) => resources.push(a.clone()),
            (false, false) => {
                return Err(format!(
                    "error: all resources must be specified before taint changes: {a}"
                ));
            }
        }
    }
    if resources.is_empty() {
        return Err("error: one or more resources must be specified as <resource> <name>".into());
    }
    if specs.is_empty() {
        return Err("error: at least one taint update is required".into());
    }
    Ok((resources, specs))
}

/// `parseTaints`: taints to add (each with an effect, unique by key and effect) and to remove.
fn parse_taints(specs: &[String]) -> Result<(Vec<Taint>, Vec<Taint>), String> {
    let mut add: Vec<Taint> = Vec::new();
    let mut remove = Vec::new();
    for spec in specs {
        if let Some(body) = spec.strip_suffix('-') {
            let mut taint = parse_taint(body)?;
            taint.value.clear();
            remove.push(taint);
            continue;
        }
        let taint = parse_taint(spec)?;
        if taint.effect.is_empty() {
            return Err(format!("invalid taint spec: {spec}"));
        }
        if add.iter().any(|t| t.matches(&taint)) {
            // Go's `%v` of a corev1.Taint: {Key Value Effect TimeAdded}.
            return Err(format!(
                "duplicated taints with the same key and effect: {{{} {} {} <nil>}}",
                taint.key, taint.value, taint.effect
            ));
        }
        add.push(taint);
    }
    Ok((add, remove))
}

/// `parseTaint`: `key=value:effect`, `key:effect` or `key`.
fn parse_taint(spec: &str) -> Result<Taint, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (key, value, effect) = match parts.as_slice() {
        [key] => (*key, "", ""),
        [key_value, effect] => {
            if !matches!(*effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
                return Err(format!(
                    "invalid taint effect: {effect}, unsupported taint effect"
                ));
            }
            let kv: Vec<&str> = key_value.split('=').collect();
            let (key, value) = match kv.as_slice() {
                [key] => (*key, ""),
                [key, value] => (*key, *value),
                _ => return Err(format!("invalid taint spec: {spec}")),
            };
            let problems = label_value_errors(value);
            if !problems.is_empty() {
                return Err(format!(
                    "invalid taint spec: {spec}, {}",
                    problems.join("; ")
                ));
            }
            (key, value, *effect)
        }
        _ => return Err(format!("invalid taint spec: {spec}")),
    };
    let problems = qualified_name_errors(key);
    if !problems.is_empty() {
        return Err(format!(
            "invalid taint spec: {spec}, {}",
            problems.join("; ")
        ));
    }
    Ok(Taint {
        key: key.into(),
        value: value.into(),
        effect: effect.into(),
    })
}

/// `Validate`: nodes only, no taint both changed and removed, names unless `--all` or `-l`.
fn validate(
    resources: &[String],
    add: &[Taint],
    remove: &[Taint],
    parsed: &Parsed,
    sim: &Sim,
) -> Result<(), String> {
    let typed = resources
        .first()
        .map(|r| r.to_lowercase())
        .unwrap_or_default();
    if resolve_kind(&sim.store, &typed)?.kind != "Node" {
        return Err(format!(
            "error: invalid resource type {typed}, only node types are supported"
        ));
    }
    let conflicts: Vec<String> = add
        .iter()
        .flat_map(|a| {
            remove
                .iter()
                .filter(move |r| r.key == a.key && (r.effect.is_empty() || r.effect == a.effect))
                .map(|r| format!("{}={}", r.key, r.effect))
        })
        .collect();
    if !conflicts.is_empty() {
        return Err(format!(
            "error: can not both modify and remove the following taint(s) in the same command: {}",
            conflicts.join(", ")
        ));
    }
    let all = parsed.switch("all");
    let selector = parsed.get("selector").unwrap_or("");
    if all && !selector.is_empty() {
        return Err(
            "error: setting 'all' parameter with a non empty selector is prohibited".into(),
        );
    }
    if !all && selector.is_empty() && resources.len() < 2 {
        return Err(
            "error: at least one resource name must be specified since 'all' parameter is not set"
                .into(),
        );
    }
    Ok(())
}

/// The nodes to change, or the error for each one that cannot be found (kubectl goes on with
/// the others).
fn targets(
    resources: &[String],
    parsed: &Parsed,
    sim: &Sim,
) -> Result<Vec<Result<Value, String>>, String> {
    let node_kind = kind("", "Node");
    let selector = parsed.get("selector").unwrap_or("");
    if parsed.switch("all") || !selector.is_empty() {
        let selector = parse_selector(selector)?;
        return Ok(sim
            .store
            .list(node_kind, None)
            .filter(|n| selector.matches(n))
            .map(|n| Ok(n.clone()))
            .collect());
    }
    Ok(resources[1..]
        .iter()
        .map(|name| {
            sim.store
                .get(node_kind, "", name)
                .cloned()
                .map_err(|status| errors::render(&status))
        })
        .collect())
}

/// `updateTaints`: the operation to report and the node's new taints, or why not.
fn update_taints(
    node: &Value,
    overwrite: bool,
    add: &[Taint],
    remove: &[Taint],
) -> Result<(&'static str, Vec<Value>), Vec<String>> {
    let old: Vec<Value> = node
        .pointer("/spec/taints")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if !overwrite {
        let existing: Vec<&str> = add
            .iter()
            .flat_map(|a| {
                old.iter()
                    .filter(move |o| a.matches(&Taint::of(o)))
                    .map(move |_| a.key.as_str())
            })
            .collect();
        if !existing.is_empty() {
            return Err(vec![format!(
                "node {} already has {} taint(s) with same effect(s) and --overwrite is false",
                meta::name(node),
                existing.join(",")
            )]);
        }
    }
    // New taints first, then the old ones they do not replace.
    let mut taints: Vec<Value> = add.iter().map(Taint::to_json).collect();
    taints.extend(
        old.iter()
            .filter(|o| !add.iter().any(|a| a.matches(&Taint::of(o))))
            .cloned(),
    );
    let added = old.len() != taints.len();
    let mut problems = Vec::new();
    // Like upstream, only the last removal decides whether "something was deleted".
    let mut deleted = false;
    for r in remove {
        let before = taints.len();
        taints.retain(|t| {
            let t = Taint::of(t);
            !(t.key == r.key && (r.effect.is_empty() || t.effect == r.effect))
        });
        deleted = taints.len() != before;
        if !deleted {
            problems.push(format!("taint \"{}\" not found", r.spec()));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let operation = if (added && deleted) || overwrite {
        "modified"
    } else if added {
        "tainted"
    } else {
        "untainted"
    };
    Ok((operation, taints))
}

/// `validation.IsQualifiedName`: an optional DNS subdomain prefix and `/`, then a name of at
/// most 63 alphanumerics, `-`, `_` and `.`, starting and ending alphanumeric.
fn qualified_name_errors(value: &str) -> Vec<String> {
    const NAME_FORMAT: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    let mut errs = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_string());
            } else {
                errs.extend(
                    dns_subdomain_errors(prefix)
                        .into_iter()
                        .map(|e| format!("prefix part {e}")),
                );
            }
            *name
        }
        _ => {
            return vec!["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')".into()];
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".into());
    } else if name.len() > 63 {
        errs.push("name part must be no more than 63 characters".into());
    }
    if !is_label_token(name) {
        errs.push(NAME_FORMAT.into());
    }
    errs
}

/// `validation.IsValidLabelValue`.
fn label_value_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 63 {
        errs.push("must be no more than 63 characters".to_string());
    }
    if !value.is_empty() && !is_label_token(value) {
        errs.push("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".into());
    }
    errs
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, matched whole.
fn is_label_token(s: &str) -> bool {
    let alnum = |c: char| c.is_ascii_alphanumeric();
    s.starts_with(alnum)
        && s.ends_with(alnum)
        && s.chars().all(|c| alnum(c) || matches!(c, '-' | '_' | '.'))
}

/// `validation.IsDNS1123Subdomain`.
fn dns_subdomain_errors(value: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if value.len() > 253 {
        errs.push("must be no more than 253 characters".to_string());
    }
    let label_ok = |l: &str| {
        let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
        l.starts_with(alnum) && l.ends_with(alnum) && l.chars().all(|c| alnum(c) || c == '-')
    };
    if !value.split('.').all(label_ok) {
        errs.push("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')".into());
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn specs(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn parses_and_refuses_taint_specs_as_kubectl_does() {
        let (add, remove) =
            parse_taints(&specs("a=b:NoSchedule c:NoExecute d- e:NoSchedule-")).unwrap_or_default();
        assert_eq!(
            add.iter().map(Taint::spec).collect::<Vec<_>>(),
            ["a=b:NoSchedule", "c:NoExecute"]
        );
        assert_eq!(
            remove.iter().map(Taint::spec).collect::<Vec<_>>(),
            ["d", "e:NoSchedule"]
        );
        for (spec, message) in [
            (
                "a=b:Bad",
                "invalid taint effect: Bad, unsupported taint effect",
            ),
            ("a=b=c:NoSchedule", "invalid taint spec: a=b=c:NoSchedule"),
            ("a:b:NoSchedule", "invalid taint spec: a:b:NoSchedule"),
            ("a", "invalid taint spec: a"),
            (
                "a=b:NoSchedule a=c:NoSchedule",
                "duplicated taints with the same key and effect: {a c NoSchedule <nil>}",
            ),
        ] {
            assert_eq!(parse_taints(&specs(spec)).err().as_deref(), Some(message));
        }
        assert!(
            parse_taints(&specs(":NoSchedule"))
                .err()
                .is_some_and(|e| e.starts_with("invalid taint spec: :NoSchedule, name part must be non-empty; name part must consist"))
        );
        assert!(parse_taints(&specs("example.com/gpu=yes:NoSchedule")).is_ok());
    }

    #[test]
    fn reorganises_taints_new_first() {
        let node = json!({"metadata": {"name": "n"}, "spec": {"taints": [
            {"key": "old", "effect": "NoSchedule"},
            {"key": "k", "value": "1", "effect": "NoExecute"}
        ]}});
        let t = |k: &str, v: &str, e: &str| Taint {
            key: k.into(),
            value: v.into(),
            effect: e.into(),
        };
        let (op, taints) = update_taints(&node, false, &[t("new", "", "PreferNoSchedule")], &[])
            .unwrap_or_default();
        assert_eq!(op, "tainted");
        assert_eq!(taints[0]["key"], "new");
        assert_eq!(taints.len(), 3);
        assert_eq!(
            update_taints(&node, false, &[t("k", "2", "NoExecute")], &[]).err(),
            Some(vec![
                "node n already has k taint(s) with same effect(s) and --overwrite is false"
                    .to_string()
            ])
        );
        let (op, taints) =
            update_taints(&node, true, &[t("k", "2", "NoExecute")], &[]).unwrap_or_default();
        assert_eq!((op, taints[0]["value"].clone()), ("modified", json!("2")));
        let (op, taints) = update_taints(&node, false, &[], &[t("k", "", "")]).unwrap_or_default();
        assert_eq!((op, taints.len()), ("untainted", 1));
        assert_eq!(
            update_taints(&node, false, &[], &[t("k", "", "NoSchedule")]).err(),
            Some(vec!["taint \"k:NoSchedule\" not found".to_string()])
        );
    }
}
