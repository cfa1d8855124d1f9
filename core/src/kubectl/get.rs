//! `kubectl get`: one or many objects of one or many kinds, as a table (`-o wide`), YAML,
//! JSON or names.

use serde_json::{Value, json};

use super::args::{self, Flag, switch, value};
use super::printers::custom_columns::CustomColumns;
use super::printers::jsonpath::{self, Template};
use super::printers::{columns, custom, go_template, table, yaml};
use super::shell::Shell;
use super::{errors, namespace_of, object_name, resolve_kind};
use crate::api::{Kind, field_labels, meta};
use crate::cluster::Output;
use crate::sim::Sim;
use crate::store::Store;

pub(crate) const FLAGS: &[Flag] = &[
    value("output", Some('o')),
    switch("all-namespaces", Some('A')),
    value("selector", Some('l')),
    value("field-selector", None),
    switch("show-labels", None),
    switch("no-headers", None),
    switch("watch", Some('w')),
    switch("watch-only", None),
    switch("output-watch-events", None),
    value("label-columns", Some('L')),
    switch("show-kind", None),
    value("sort-by", None),
    switch("show-managed-fields", None),
    value("template", None),
];

/// How `-o` asked for the objects to be printed.
pub(crate) enum Format {
    Table { wide: bool },
    Structured(&'static str),
    Name,
    JsonPath(Template),
    GoTemplate(go_template::Template),
    Columns(CustomColumns),
}

/// Reads `-o`, loading template files through the shell; errors are kubectl's.
pub(crate) fn format(output: &str, shell: &Shell) -> Result<Format, String> {
    let file = |path: &str| {
        shell.read_file(path).ok_or_else(|| {
            format!("error: error reading template {path}, open {path}: no such file or directory")
        })
    };
    let template = output.split_once('=').map_or("", |(_, t)| t);
    let jsonpath_error = |e: String| format!("error: error parsing jsonpath {template}, {e}");
    Ok(match output.split_once('=') {
        None => match output {
            "" => Format::Table { wide: false },
            "wide" => Format::Table { wide: true },
            "yaml" => Format::Structured("yaml"),
            "json" => Format::Structured("json"),
            "name" => Format::Name,
            "jsonpath" | "jsonpath-file" | "go-template" | "go-template-file" | "template"
            | "templatefile" => {
                return Err("error: template format specified but no template given".into());
            }
            "custom-columns" | "custom-columns-file" => {
                return Err(
                    "error: custom-columns format specified but no custom columns given".into(),
                );
            }
            _ => return Err(unknown_format(output)),
        },
        Some(("jsonpath", t)) => Format::JsonPath(Template::parse(t).map_err(jsonpath_error)?),
        Some(("jsonpath-file", path)) => {
            Format::JsonPath(Template::parse(&file(path)?).map_err(jsonpath_error)?)
        }
        Some(("custom-columns", spec)) => Format::Columns(CustomColumns::parse(spec)?),
        Some(("custom-columns-file", path)) => {
            Format::Columns(CustomColumns::parse_file(&file(path)?)?)
        }
        Some(("go-template" | "template", t)) => Format::GoTemplate(go_template(t)?),
        Some(("go-template-file" | "templatefile", path)) => {
            Format::GoTemplate(go_template(&file(path)?)?)
        }
        _ => return Err(unknown_format(output)),
    })
}

fn go_template(text: &str) -> Result<go_template::Template, String> {
    go_template::Template::parse(text)
        .map_err(|e| format!("error: error parsing template {text}, {e}"))
}

fn unknown_format(output: &str) -> String {
    format!(
        "error: unable to match a printer suitable for the output format \"{output}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
    )
}

/// `--sort-by`: orders objects by the value the expression selects (numbers by value, anything
/// else by its text); kubectl refuses an expression that selects nothing anywhere.
fn sort_objects(
    expression: &str,
    found: &mut [(&'static Kind, Vec<&Value>)],
) -> Result<(), String> {
    let template = jsonpath::relaxed(expression).map_err(|e| format!("error: {e}"))?;
    let key = |o: &Value| template.values(o).first().map(|v| (*v).clone());
    let any = found
        .iter()
        .flat_map(|(_, objs)| objs.iter())
        .any(|o| key(o).is_some());
    if !any && found.iter().any(|(_, objs)| !objs.is_empty()) {
        return Err(format!(
            "error: couldn't find any field with path \"{{.{}}}\" in the list of objects",
            expression.trim_start_matches('.')
        ));
    }
    for (_, objs) in found.iter_mut() {
        objs.sort_by(|a, b| match (key(a), key(b)) {
            (Some(Value::Number(x)), Some(Value::Number(y))) => x
                .as_f64()
                .partial_cmp(&y.as_f64())
                .unwrap_or(std::cmp::Ordering::Equal),
            (Some(x), Some(y)) => text(&x).cmp(&text(&y)),
            (x, y) => x.is_some().cmp(&y.is_some()),
        });
    }
    Ok(())
}

fn text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

/// What the user asked for: kinds, each with the names wanted (none = all).
pub(crate) struct Request {
    pub kind: &'static Kind,
    pub names: Vec<String>,
}

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, FLAGS, "kubectl get")?;
    let requests = requests(&parsed.args, &sim.store)?;
    // `--template` alone means `-o go-template`, as kubectl's print flags read it.
    let template = parsed.get("template").map(|t| format!("go-template={t}"));
    let output = match parsed.get("output") {
        None | Some("go-template" | "template") if template.is_some() => {
            template.as_deref().unwrap_or_default()
        }
        output => output.unwrap_or(""),
    };
    let format = format(output, shell)?;
    if parsed.switch("watch") || parsed.switch("watch-only") {
        return super::get_watch::run(&parsed, requests, format, shell, sim);
    }
    let all_namespaces = parsed.switch("all-namespaces");
    let namespace = namespace_of(&parsed, shell);
    let selector = parsed.get("selector").map(parse_selector).transpose()?;
    let field_selector = parsed
        .get("field-selector")
        .map(|s| parse_field_selector(s, parsed.get("selector").unwrap_or(""), &requests))
        .transpose()?;
    let store = &sim.store;
    let mut out = Output::default();
    if requests
        .iter()
        .any(|r| r.kind.group.is_empty() && r.kind.kind == "Endpoints")
    {
        // The API server's deprecation warning, which kubectl prints as it arrives.
        out.stderr
            .push_str("Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n");
    }
    let mut found: Vec<(&'static Kind, Vec<&Value>)> = Vec::new();
    for req in &requests {
        let mut objects = Vec::new();
        if req.names.is_empty() {
            let scope = (req.kind.namespaced && !all_namespaces).then_some(namespace.as_str());
            if let Err(status) = store.authorize_list(req.kind, scope) {
                out.stderr.push_str(&errors::render(&status));
                out.stderr.push('\n');
                out.exit_code = 1;
                found.push((req.kind, objects));
                continue;
            }
            objects.extend(store.list(req.kind, scope).filter(|o| {
                selector.as_ref().is_none_or(|s| s.matches(o))
                    && field_selector
                        .as_ref()
                        .is_none_or(|s| field_labels::matches(s, o))
            }));
        } else {
            for name in &req.names {
                match store.get(req.kind, &namespace, name) {
                    Ok(o) => objects.push(o),
                    Err(status) => {
                        out.stderr.push_str(&errors::render(&status));
                        out.stderr.push('\n');
                        out.exit_code = 1;
                    }
                }
            }
        }
        found.push((req.kind, objects));
    }
    if let Some(expression) = parsed.get("sort-by") {
        sort_objects(expression, &mut found)?;
    }
    let total: usize = found.iter().map(|(_, o)| o.len()).sum();
    let named = requests.iter().any(|r| !r.names.is_empty());
    if total == 0 {
        if !named && out.exit_code == 0 {
            let scoped = requests.iter().all(|r| r.kind.namespaced) && !all_namespaces;
            out.stderr = if scoped {
                format!("No resources found in {namespace} namespace.\n")
            } else {
                "No resources found\n".into()
            };
        }
        match &format {
            Format::Structured(kind) if !named => {
                out.stdout = render_structured(kind, &list(vec![]));
            }
            Format::JsonPath(t) if !named => out.stdout = t.render(&list(vec![])),
            Format::GoTemplate(t) if !named => out.stdout = t.render(&list(vec![]))?,
            _ => {}
        }
        return Ok(out);
    }
    let several_kinds =
        found.iter().filter(|(_, o)| !o.is_empty()).count() > 1 || requests.len() > 1;
    // One object asked for by name prints as itself; anything else as a List.
    let single = named && requests.len() == 1 && requests.iter().all(|r| r.names.len() == 1);
    let document = || {
        let mut items: Vec<Value> = found
            .iter()
            .flat_map(|(_, objs)| {
                objs.iter()
                    .map(|o| without_managed_fields(o, parsed.switch("show-managed-fields")))
            })
            .collect();
        if single && items.len() == 1 {
            items.pop().unwrap_or(Value::Null)
        } else {
            list(items)
        }
    };
    match &format {
        Format::Structured(kind) => out.stdout = render_structured(kind, &document()),
        Format::JsonPath(template) => out.stdout = template.render(&document()),
        Format::GoTemplate(template) => out.stdout = template.render(&document())?,
        Format::Columns(columns) => {
            let objs: Vec<&Value> = found.iter().flat_map(|(_, o)| o.iter().copied()).collect();
            out.stdout = columns.render(&objs, parsed.switch("no-headers"));
        }
        Format::Name => {
            for (kind, objs) in &found {
                for o in objs {
                    out.stdout.push_str(&object_name(kind, meta::name(o)));
                    out.stdout.push('\n');
                }
            }
        }
        Format::Table { wide } => {
            let style = TableStyle::of(&parsed, *wide, several_kinds);
            let mut first = true;
            for (kind, objs) in &found {
                if objs.is_empty() {
                    continue;
                }
                if !first {
                    out.stdout.push('\n');
                }
                first = false;
                let lines = table_lines(store, kind, objs, &style, None, !style.no_headers);
                out.stdout.push_str(&table::align(&lines));
            }
        }
    }
    Ok(out)
}

/// How the table of `get` is decorated, from its flags.
pub(crate) struct TableStyle {
    pub wide: bool,
    pub no_headers: bool,
    pub all_namespaces: bool,
    pub show_labels: bool,
    /// `-L`: label keys, one column each.
    pub label_columns: Vec<String>,
    /// `--show-kind` (or several kinds at once): names as `TYPE/NAME`.
    pub show_kind: bool,
}

impl TableStyle {
    pub fn of(parsed: &args::Parsed, wide: bool, several_kinds: bool) -> TableStyle {
        TableStyle {
            wide,
            no_headers: parsed.switch("no-headers"),
            all_namespaces: parsed.switch("all-namespaces"),
            show_labels: parsed.switch("show-labels"),
            label_columns: parsed
                .all("label-columns")
                .iter()
                .flat_map(|l| l.split(','))
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
            show_kind: several_kinds || parsed.switch("show-kind"),
        }
    }
}

/// The rows (and the header, with `header`) of `objs` of one kind as `get` prints them, not
/// yet aligned; `events` is each row's watch event (`--output-watch-events`).
pub(crate) fn table_lines(
    store: &Store,
    kind: &Kind,
    objs: &[&Value],
    style: &TableStyle,
    events: Option<Vec<String>>,
    header: bool,
) -> Vec<Vec<String>> {
    let now = store.now();
    let mut t = match store.crd_of(kind) {
        Some(crd) => custom::table(crd, kind.version, objs, now),
        None => columns::table(kind.kind, objs, now),
    };
    if style.show_kind {
        for (row, o) in t.rows.iter_mut().zip(objs.iter()) {
            if let Some(cell) = row.first_mut() {
                *cell = object_name(kind, meta::name(o));
            }
        }
    }
    let label = |o: &&Value, key: &str| {
        meta::labels(o)
            .and_then(|l| l.get(key))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let opts = table::PrintOptions {
        wide: style.wide,
        no_headers: !header,
        namespaces: (style.all_namespaces && kind.namespaced).then(|| {
            objs.iter()
                .map(|o| meta::namespace(o).to_string())
                .collect()
        }),
        // The header is the key's last path segment, upper-cased (`formatLabelHeaders`).
        label_columns: style
            .label_columns
            .iter()
            .map(|key| {
                let header = key.rsplit('/').next().unwrap_or(key).to_uppercase();
                (header, objs.iter().map(|o| label(o, key)).collect())
            })
            .collect(),
        labels: style.show_labels.then(|| {
            objs.iter()
                .map(|o| crate::api::selector::format_labels(meta::labels(o)))
                .collect()
        }),
        events,
    };
    table::lines(&t, &opts)
}

/// `TYPE`, `TYPE NAME...`, `TYPE1,TYPE2`, `TYPE/NAME...` (also how `describe` reads its
/// arguments).
pub(crate) fn requests(args: &[String], store: &Store) -> Result<Vec<Request>, String> {
    let Some(first) = args.first() else {
        return Err("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples".into());
    };
    if first.contains('/') {
        let mut reqs: Vec<Request> = Vec::new();
        for arg in args {
            let Some((t, name)) = arg.split_once('/') else {
                return Err("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".into());
            };
            let kind = resolve_kind(store, t)?;
            match reqs.iter_mut().find(|r| std::ptr::eq(r.kind, kind)) {
                Some(r) => r.names.push(name.to_string()),
                None => reqs.push(Request {
                    kind,
                    names: vec![name.to_string()],
                }),
            }
        }
        return Ok(reqs);
    }
    let names: Vec<String> = args[1..].to_vec();
    let types: Vec<&str> = first.split(',').filter(|t| !t.is_empty()).collect();
    if types.len() > 1 && !names.is_empty() {
        return Err("error: you may only specify a single resource type".into());
    }
    let mut reqs = Vec::new();
    for t in types {
        if t == "all" {
            for k in [
                "pods",
                "services",
                "daemonsets",
                "deployments",
                "replicasets",
                "statefulsets",
                "horizontalpodautoscalers",
                "jobs",
                "cronjobs",
                "replicationcontrollers",
            ] {
                reqs.push(Request {
                    kind: resolve_kind(store, k)?,
                    names: names.clone(),
                });
            }
            // Custom resources in the `all` category join, as discovery lists them.
            for kind in store.kinds().filter(|k| store.crd_of(k).is_some()) {
                if kind.categories.contains(&"all") {
                    reqs.push(Request {
                        kind,
                        names: names.clone(),
                    });
                }
            }
            continue;
        }
        reqs.push(Request {
            kind: resolve_kind(store, t)?,
            names: names.clone(),
        });
    }
    Ok(reqs)
}

/// What `-o yaml|json` shows of an object: everything but `managedFields`, which kubectl
/// hides unless `--show-managed-fields`.
pub fn without_managed_fields(obj: &Value, show: bool) -> Value {
    let mut o = obj.clone();
    if !show && let Some(m) = o.get_mut("metadata").and_then(Value::as_object_mut) {
        m.remove("managedFields");
    }
    o
}

fn list(items: Vec<Value>) -> Value {
    json!({"apiVersion": "v1", "items": items, "kind": "List", "metadata": {"resourceVersion": ""}})
}

pub fn render_structured(format: &str, doc: &Value) -> String {
    if format == "json" {
        let mut s = serde_json::to_string_pretty(doc).unwrap_or_default();
        // kubectl indents JSON with four spaces.
        s = reindent_json(&s);
        s.push('\n');
        s
    } else {
        yaml::to_yaml(doc)
    }
}

/// serde_json pretty-prints with two spaces; kubectl's encoder uses four.
fn reindent_json(s: &str) -> String {
    s.lines()
        .map(|line| {
            let indent = line.len() - line.trim_start_matches(' ').len();
            format!("{}{}", " ".repeat(indent * 2), &line[indent..])
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `--field-selector`, parsed and checked against each kind listed; an error is the API
/// server's `BadRequest` as kubectl reports a failed list (`Unable to find ...`).
pub(crate) fn parse_field_selector(
    text: &str,
    label: &str,
    requests: &[Request],
) -> Result<crate::api::fields::Selector, String> {
    if requests.iter().any(|r| !r.names.is_empty()) {
        return Err("error: name cannot be provided when a selector is specified".into());
    }
    let parsed = crate::api::fields::parse(text);
    for r in requests {
        let checked = parsed
            .as_ref()
            .map_err(String::clone)
            .and_then(|s| field_labels::check(r.kind, s));
        if let Err(e) = checked {
            return Err(errors::render(&crate::api::Status::bad_request(format!(
                "Unable to find \"{}/{}, Resource={}\" that match label selector \"{label}\", field selector \"{text}\": {e}",
                r.kind.group, r.kind.version, r.kind.plural
            ))));
        }
    }
    parsed.map_err(|e| errors::render(&crate::api::Status::bad_request(e)))
}

/// A parsed label selector (`labels.Parse`'s result).
pub type LabelSelector = crate::api::labels::Selector;

/// A label selector from `-l`, parsed as the API server parses the `labelSelector` of a list
/// (`labels.Parse`); a bad one is the server's `BadRequest`, in kubectl's words.
pub fn parse_selector(s: &str) -> Result<LabelSelector, String> {
    crate::api::labels::parse(s).map_err(|e| errors::render(&crate::api::Status::bad_request(e)))
}
