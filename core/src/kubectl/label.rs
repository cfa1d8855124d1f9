//! `kubectl label` and `kubectl annotate`: set (`key=value`) or remove (`key-`) labels or
//! annotations on objects named by type and name, `TYPE/NAME`, `-l`, `--all` or `-f`.
//!
//! Both send a JSON merge patch of the metadata change (with `--resource-version`, the patch
//! carries it, so a stale version is a Conflict). Changing an existing value needs
//! `--overwrite`. They differ in small ways upstream too: label reports what happened
//! (`labeled`, `unlabeled`, `modified`, `not labeled`) and validates values; annotate always
//! says `annotated`.

use serde_json::{Map, Value, json};

use super::args::{self, Flag, Parsed, switch, value};
use super::manifests;
use super::shell::Shell;
use super::{dry_run, errors, namespace_of, object_name};
use crate::api::{Kind, meta};
use crate::cluster::Output;
use crate::sim::Sim;
use crate::store::patch::merge;
use crate::store::{PatchOptions, PatchType};

pub(crate) const FLAGS: &[Flag] = &[
    switch("all", None),
    switch("all-namespaces", Some('A')),
    value("dry-run", None),
    value("field-manager", None),
    value("field-selector", None),
    value("filename", Some('f')),
    switch("list", None),
    switch("local", None),
    value("output", Some('o')),
    switch("overwrite", None),
    switch("recursive", Some('R')),
    value("resource-version", None),
    value("selector", Some('l')),
    switch("show-managed-fields", None),
    value("template", None),
];

/// Which metadata map the command edits.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Labels,
    Annotations,
}

impl Which {
    fn command(self) -> &'static str {
        match self {
            Which::Labels => "label",
            Which::Annotations => "annotation",
        }
    }

    fn field(self) -> &'static str {
        match self {
            Which::Labels => "labels",
            Which::Annotations => "annotations",
        }
    }
}

pub fn run_label(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    run(words, shell, sim, Which::Labels)
}

pub fn run_annotate(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    run(words, shell, sim, Which::Annotations)
}

/// The requested change: keys to set and keys to remove.
struct Change {
    set: Vec<(String, String)>,
    remove: Vec<String>,
}

fn run(words: &[String], shell: &mut Shell, sim: &mut Sim, which: Which) -> Result<Output, String> {
    let command = match which {
        Which::Labels => "kubectl label",
        Which::Annotations => "kubectl annotate",
    };
    let parsed = args::parse(words, FLAGS, command)?;
    let dry = dry_run(&parsed)?;
    let (resources, pairs) = resources_and_pairs(&parsed.args, which.command())?;
    let change = match which {
        Which::Labels => parse_labels(&pairs)?,
        Which::Annotations => parse_annotations(&pairs)?,
    };
    let list = parsed.switch("list");
    if list && parsed.is_set("output") {
        return Err("error: --list and --output may not be specified together".into());
    }
    if parsed.switch("all") && parsed.is_set("selector") {
        return Err("error: cannot set --all and --selector at the same time".into());
    }
    let local = parsed.switch("local");
    let files = parsed.all("filename");
    if local {
        if dry == "server" {
            return Err("error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?".into());
        }
        let example = if which == Which::Labels {
            "pod.yaml"
        } else {
            "rsrc.yaml"
        };
        let json = if which == Which::Labels {
            "pod.json"
        } else {
            "rsrc.json"
        };
        if !resources.is_empty() {
            return Err(format!(
                "error: can only use local files by -f {example} or --filename={json} when --local=true is set"
            ));
        }
        if files.is_empty() {
            return Err(format!(
                "error: one or more files must be specified as -f {example} or --filename={json}"
            ));
        }
    } else if resources.is_empty() && files.is_empty() {
        return Err("error: one or more resources must be specified as <resource> <name> or <resource>/<name>".into());
    }
    if change.set.is_empty() && change.remove.is_empty() && !list {
        return Err(format!(
            "error: at least one {} update is required",
            which.command()
        ));
    }
    let namespace = namespace_of(&parsed, shell);
    let targets = targets(&parsed, &resources, shell, &namespace, local, sim)?;
    let resource_version = parsed.get("resource-version").unwrap_or("");
    let single = targets.len() == 1 && (files.is_empty() || targets.len() == 1);
    if !single && !resource_version.is_empty() {
        return Err("error: --resource-version may only be used with a single resource".into());
    }
    let manager = match parsed.get("field-manager") {
        Some(m) => m.to_string(),
        None => format!(
            "kubectl-{}",
            if which == Which::Labels {
                "label"
            } else {
                "annotate"
            }
        ),
    };
    let mut out = Output::default();
    if targets.is_empty() {
        out.stderr
            .push_str(&format!("No resources found in {namespace} namespace.\n"));
        return Ok(out);
    }
    for (kind, obj) in targets {
        let result = one(
            &kind_obj(kind, obj),
            which,
            &change,
            &parsed,
            dry,
            local || list,
            resource_version,
            &manager,
            single,
            sim,
        );
        match result {
            Ok(text) => out.stdout.push_str(&text),
            Err(e) => {
                out.stderr.push_str(&e);
                out.stderr.push('\n');
                out.exit_code = 1;
            }
        }
    }
    Ok(out)
}

/// An object with its kind.
struct Target {
    kind: &'static Kind,
    obj: Value,
}

fn kind_obj(kind: &'static Kind, obj: Value) -> Target {
    Target { kind, obj }
}

#[allow(clippy::too_many_arguments)]
fn one(
    target: &Target,
    which: Which,
    change: &Change,
    parsed: &Parsed,
    dry: &str,
    offline: bool,
    resource_version: &str,
    manager: &str,
    single: bool,
    sim: &mut Sim,
) -> Result<String, String> {
    let kind = target.kind;
    let mut old = target.obj.clone();
    let name = meta::name(&old).to_string();
    let mut text = String::new();
    let current: Map<String, Value> = meta::at(&old, &format!("/metadata/{}", which.field()))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if which == Which::Labels && !offline && dry != "client" {
        for key in &change.remove {
            if !current.contains_key(key) {
                text.push_str(&format!("label {key:?} not found.\n"));
            }
        }
    }
    if !parsed.switch("overwrite") {
        check_overwrite(which, &current, &change.set)?;
    }
    let mut updated = current.clone();
    let mut added = 0;
    let mut removed = 0;
    for (k, v) in &change.set {
        if updated.get(k).and_then(Value::as_str) != Some(v) {
            updated.insert(k.clone(), json!(v));
            added += 1;
        }
    }
    for k in &change.remove {
        if updated.remove(k).is_some() {
            removed += 1;
        }
    }
    if !resource_version.is_empty() {
        meta::metadata_mut(&mut old).remove("resourceVersion");
    }
    let mut new = old.clone();
    meta::metadata_mut(&mut new).insert(which.field().into(), Value::Object(updated.clone()));
    if !resource_version.is_empty() {
        meta::metadata_mut(&mut new).insert("resourceVersion".into(), json!(resource_version));
    }
    if parsed.switch("list") {
        let mut lines = String::new();
        let indent = if single { "" } else { " " };
        if !single {
            lines.push_str(&format!(
                "Listing {} for {}.{}/{name}:\n",
                which.field(),
                kind.kind,
                kind.group
            ));
        }
        for (k, v) in &updated {
            lines.push_str(&format!("{indent}{k}={}\n", v.as_str().unwrap_or("")));
        }
        return Ok(lines);
    }
    let mut shown = new.clone();
    let changed = added > 0 || removed > 0;
    if !offline && dry != "client" && (changed || which == Which::Annotations) {
        let patch = merge::create(&old, &new);
        let body = serde_json::to_string(&patch).unwrap_or_default();
        let opts = PatchOptions {
            manager,
            dry_run: dry == "server",
            ..PatchOptions::default()
        };
        let ns = meta::namespace(&old).to_string();
        let response = sim
            .store
            .patch(kind, &ns, &name, PatchType::Merge, &body, opts)
            .map_err(|s| errors::render(&s))?;
        if which == Which::Annotations {
            shown = response;
        }
    }
    let verb = match which {
        Which::Annotations => "annotated",
        Which::Labels => match (added > 0, removed > 0) {
            (true, true) => "modified",
            (true, false) => "labeled",
            (false, true) => "unlabeled",
            (false, false) => "not labeled",
        },
    };
    let suffix = match dry {
        "client" => " (dry run)",
        "server" => " (server dry run)",
        _ => "",
    };
    let output = parsed.get("output").unwrap_or("");
    if output.is_empty() {
        text.push_str(&format!("{} {verb}{suffix}\n", object_name(kind, &name)));
    } else {
        let shown =
            super::get::without_managed_fields(&shown, parsed.switch("show-managed-fields"));
        text.push_str(&super::create::print_result(&shown, kind, &name, output, verb).stdout);
    }
    Ok(text)
}

/// `GetResourcesAndPairs`: resources come first, then `key=value` / `key-` changes.
fn resources_and_pairs(
    args: &[String],
    pair_type: &str,
) -> Result<(Vec<String>, Vec<String>), String> {
    let mut resources = Vec::new();
    let mut pairs = Vec::new();
    for s in args {
        let is_pair = (s.contains('=') && !s.starts_with('=')) || (s.ends_with('-') && s != "-");
        match (pairs.is_empty(), is_pair) {
            (_, true) => pairs.push(s.clone()),
            (true, false) => resources.push(s.clone()),
            (false, false) => {
                return Err(format!(
                    "error: all resources must be specified before {pair_type} changes: {s}"
                ));
            }
        }
    }
    Ok((resources, pairs))
}

fn parse_labels(specs: &[String]) -> Result<Change, String> {
    let mut change = Change {
        set: Vec::new(),
        remove: Vec::new(),
    };
    for spec in specs {
        if spec.contains('=') {
            let parts: Vec<&str> = spec.split('=').collect();
            let [key, value] = parts.as_slice() else {
                return Err(format!("error: invalid label spec: {spec}"));
            };
            if let Some(problem) = label_value_problem(value) {
                return Err(format!("error: invalid label value: {spec:?}: {problem}"));
            }
            change.set.retain(|(k, _)| k != key);
            change.set.push((key.to_string(), value.to_string()));
        } else if let Some(key) = spec.strip_suffix('-') {
            change.remove.push(key.to_string());
        } else {
            return Err(format!("error: unknown label spec: {spec}"));
        }
    }
    if change
        .remove
        .iter()
        .any(|r| change.set.iter().any(|(k, _)| k == r))
    {
        return Err("error: can not both modify and remove a label in the same command".into());
    }
    Ok(change)
}

/// `validation.IsValidLabelValue`.
fn label_value_problem(value: &str) -> Option<String> {
    let mut problems = Vec::new();
    if value.len() > 63 {
        problems.push("must be no more than 63 characters".to_string());
    }
    let ok_chars = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    let ends_ok = value.is_empty()
        || (value.starts_with(|c: char| c.is_ascii_alphanumeric())
            && value.ends_with(|c: char| c.is_ascii_alphanumeric()));
    if !ok_chars || !ends_ok {
        problems.push("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".into());
    }
    (!problems.is_empty()).then(|| problems.join(";"))
}

/// `ParsePairs` with removals, and annotate's check that no key is both set and removed.
fn parse_annotations(specs: &[String]) -> Result<Change, String> {
    let mut change = Change {
        set: Vec::new(),
        remove: Vec::new(),
    };
    let mut invalid = Vec::new();
    for spec in specs {
        if spec.contains('=') && !spec.starts_with('=') {
            let (k, v) = spec.split_once('=').unwrap_or((spec, ""));
            change.set.retain(|(key, _)| key != k);
            change.set.push((k.to_string(), v.to_string()));
        } else if let Some(key) = spec.strip_suffix('-').filter(|_| spec != "-") {
            change.remove.push(key.to_string());
        } else {
            invalid.push(spec.clone());
        }
    }
    if !invalid.is_empty() {
        return Err(format!(
            "error: invalid annotation format: {}",
            invalid.join(", ")
        ));
    }
    let both: Vec<&str> = change
        .remove
        .iter()
        .filter(|r| change.set.iter().any(|(k, _)| k == *r))
        .map(String::as_str)
        .collect();
    if !both.is_empty() {
        return Err(format!(
            "error: can not both modify and remove the following annotation(s) in the same command: {}",
            both.join(", ")
        ));
    }
    Ok(change)
}

/// Refuses to change an existing value without `--overwrite`, in each command's words.
fn check_overwrite(
    which: Which,
    current: &Map<String, Value>,
    set: &[(String, String)],
) -> Result<(), String> {
    let mut sorted: Vec<&(String, String)> = set.iter().collect();
    sorted.sort();
    let clashes: Vec<String> = sorted
        .iter()
        .filter(|(k, _)| which == Which::Labels || k != "kubernetes.io/change-cause")
        .filter_map(|(k, v)| {
            let now = current.get(k).and_then(Value::as_str)?;
            (now != v).then(|| format!("'{k}' already has a value ({now})"))
        })
        .collect();
    if clashes.is_empty() {
        return Ok(());
    }
    match which {
        Which::Annotations => Err(format!(
            "error: --overwrite is false but found the following declared annotation(s): {}",
            clashes.join("; ")
        )),
        Which::Labels => {
            let errs: Vec<String> = clashes
                .iter()
                .map(|c| format!("{c}, and --overwrite is false"))
                .collect();
            if let [one] = errs.as_slice() {
                Err(format!("error: {one}"))
            } else {
                Err(format!("error: [{}]", errs.join(", ")))
            }
        }
    }
}

/// The objects to change, fetched from the API server (or read from files with `--local`).
fn targets(
    parsed: &Parsed,
    resources: &[String],
    shell: &Shell,
    namespace: &str,
    local: bool,
    sim: &Sim,
) -> Result<Vec<(&'static Kind, Value)>, String> {
    let mut out = Vec::new();
    let files = parsed.all("filename");
    if !files.is_empty() {
        let docs = manifests::read(files, shell)?;
        for m in manifests::map_all(&sim.store, docs, namespace, parsed.is_set("namespace"))? {
            if local {
                out.push((m.kind, m.doc));
            } else {
                let obj = sim
                    .store
                    .get(m.kind, &m.namespace, &m.name)
                    .map_err(|s| errors::render(&s))?;
                out.push((m.kind, obj.clone()));
            }
        }
        return Ok(out);
    }
    let found = super::delete::targets(
        resources,
        parsed.switch("all"),
        parsed.get("selector"),
        namespace,
        parsed.switch("all-namespaces"),
        sim,
    )?;
    for (kind, ns, name) in found {
        let obj = sim
            .store
            .get(kind, &ns, &name)
            .map_err(|s| errors::render(&s))?;
        out.push((kind, obj.clone()));
    }
    Ok(out)
}
