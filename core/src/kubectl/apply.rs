//! `kubectl apply -f` (and `kubectl create -f`): objects read from manifest files.
//!
//! Client-side apply keeps the applied configuration in the
//! `kubectl.kubernetes.io/last-applied-configuration` annotation and sends a three-way patch:
//! what changed from the live object to the file, plus what the file dropped since the last
//! apply. Built-in kinds get a strategic merge patch, so lists merge by key (a container or an
//! env var added by someone else survives); other kinds get a JSON merge patch. An empty patch
//! prints `unchanged`, anything else `configured`.
//!
//! `--server-side` sends the file as an apply patch: the API server merges it and records the
//! field manager (`kubectl` by default) as owner of exactly those fields, refusing to take
//! fields other managers own unless `--force-conflicts`. Like kubectl, it then moves fields
//! owned through client-side apply over to the server-side manager.

use serde_json::{Map, Value, json};

use super::args::{self, Flag, Parsed, switch, value};
use super::errors::{self, Failure};
use super::manifests::{self, Manifest};
use super::shell::Shell;
use super::{dry_run, namespace_of, object_name};
use crate::api::{Reason, meta};
use crate::cluster::Output;
use crate::sim::Sim;
use crate::store::managed::{self, Operation, fieldset};
use crate::store::patch::schema::{Schema, is_built_in};
use crate::store::patch::{merge, strategic};
use crate::store::{PatchOptions, PatchType};

pub use crate::store::managed::apply::LAST_APPLIED;

pub(crate) const FLAGS: &[Flag] = &[
    value("filename", Some('f')),
    value("dry-run", None),
    value("output", Some('o')),
    switch("recursive", Some('R')),
    value("field-manager", None),
    switch("server-side", None),
    switch("force-conflicts", None),
    switch("show-managed-fields", None),
    value("validate", None),
    switch("save-config", None),
];

/// The client-side apply manager (`FieldManagerClientSideApply`).
const CLIENT_SIDE_MANAGER: &str = "kubectl-client-side-apply";
/// The server-side apply manager kubectl uses by default.
const SERVER_SIDE_MANAGER: &str = "kubectl";
/// Who owns the last-applied annotation once kubectl moves an object to server-side apply.
const BEFORE_FIRST_APPLY: &str = "before-first-apply";

const CONFLICT_HINT: &str = "\
Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the `--force-conflicts` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts";

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    process(words, shell, sim, Mode::Apply, "kubectl apply")
}

pub fn create_from_files(
    words: &[String],
    shell: &mut Shell,
    sim: &mut Sim,
) -> Result<Output, String> {
    process(words, shell, sim, Mode::Create, "kubectl create")
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Apply,
    Create,
}

struct Options<'a> {
    mode: Mode,
    server_side: bool,
    force: bool,
    dry: &'a str,
    manager: String,
}

fn process(
    words: &[String],
    shell: &mut Shell,
    sim: &mut Sim,
    mode: Mode,
    command: &str,
) -> Result<Output, String> {
    let parsed = args::parse(words, FLAGS, command)?;
    let server_side = mode == Mode::Apply && parsed.switch("server-side");
    let dry = dry_run(&parsed)?;
    if parsed.switch("force-conflicts") && !server_side {
        return Err("error: --force-conflicts only works with --server-side".into());
    }
    if dry == "client" && server_side {
        return Err("error: --dry-run=client doesn't work with --server-side (did you mean --dry-run=server instead?)".into());
    }
    let files = parsed.all("filename");
    if files.is_empty() {
        return Err(format!(
            "error: must specify one of -f and -k\nSee '{command} -h' for help and examples"
        ));
    }
    let manager = match (parsed.get("field-manager"), mode, server_side) {
        (Some(m), _, _) => m.to_string(),
        (None, Mode::Create, _) => "kubectl-create".into(),
        (None, _, true) => SERVER_SIDE_MANAGER.into(),
        (None, _, false) => CLIENT_SIDE_MANAGER.into(),
    };
    let opts = Options {
        mode,
        server_side,
        force: parsed.switch("force-conflicts"),
        dry,
        manager,
    };
    let namespace = namespace_of(&parsed, shell);
    let explicit_ns = parsed.is_set("namespace");
    let mut out = Output::default();
    let docs = manifests::read(files, shell)?;
    if docs.is_empty() {
        return Err(format!("error: no objects passed to {}", mode_verb(mode)));
    }
    // Reading errors (mapping, validation) and per-object API errors are reported at the end,
    // as kubectl's resource builder and apply/create collect them.
    let mut visit_failures = Vec::new();
    let mut object_failures = Vec::new();
    let mut warnings = String::new();
    for (file, doc) in docs {
        match manifests::map(&sim.store, &file, doc, &namespace, explicit_ns) {
            Err(failure) => visit_failures.push(failure),
            Ok(m) => match one(m, &opts, &parsed, sim, &mut warnings) {
                Ok(line) => out.stdout.push_str(&line),
                Err(failure) => object_failures.push(failure),
            },
        }
    }
    out.stderr.push_str(&warnings);
    let visit = Failure::Visit(visit_failures);
    let failures = match mode {
        Mode::Apply => [vec![visit], object_failures].concat(),
        Mode::Create => [object_failures, vec![visit]].concat(),
    };
    if let Some(report) = errors::report(&failures) {
        out.stderr.push_str(&report);
        out.stderr.push('\n');
        out.exit_code = 1;
    }
    Ok(out)
}

/// `kubectl apply --dry-run=server` of one document already mapped: the warnings kubectl
/// would print for it, and the failure it would report, if any. Nothing is written (the field
/// manager is put back as it was), so the page's editor can check its text as the user types.
pub fn dry_run_server(m: Manifest, sim: &mut Sim) -> (String, Option<Failure>) {
    let (warnings, result) = dry_run_apply(m, &[], sim);
    (warnings, result.err())
}

/// What `kubectl apply` of one mapped document would leave in the store: the server's answer
/// to the same request as a dry run (for `kubectl diff`). Nothing is written.
pub fn dry_run_merged(m: Manifest, sim: &mut Sim) -> Result<Value, String> {
    let (_, result) = dry_run_apply(m, &["-o", "json"], sim);
    let text = result.map_err(|failure| errors::report(&[failure]).unwrap_or_default())?;
    serde_json::from_str(&text).map_err(|e| format!("error: {e}"))
}

/// Client-side apply of one document as a server dry run, with these apply flags: the
/// warnings, and what it prints or the failure. The field manager is put back as it was.
fn dry_run_apply(m: Manifest, flags: &[&str], sim: &mut Sim) -> (String, Result<String, Failure>) {
    let words: Vec<String> = flags.iter().map(|f| f.to_string()).collect();
    let Ok(parsed) = args::parse(&words, FLAGS, "kubectl apply") else {
        return (String::new(), Ok(String::new()));
    };
    let opts = Options {
        mode: Mode::Apply,
        server_side: false,
        force: false,
        dry: "server",
        manager: CLIENT_SIDE_MANAGER.into(),
    };
    let saved = sim.store.manager().to_string();
    let mut warnings = String::new();
    let result = one(m, &opts, &parsed, sim, &mut warnings);
    sim.store.set_manager(&saved);
    (warnings, result)
}

fn mode_verb(mode: Mode) -> &'static str {
    match mode {
        Mode::Apply => "apply",
        Mode::Create => "create",
    }
}

/// The line printed for one object: `deployment.apps/web configured`, or the object itself
/// with `-o yaml|json`.
fn printed(m: &Manifest, obj: &Value, verb: &str, parsed: &Parsed) -> String {
    let output = parsed.get("output").unwrap_or("");
    let obj = super::get::without_managed_fields(obj, parsed.switch("show-managed-fields"));
    // The name the server answered with: a `generateName` manifest has none of its own.
    let name = match crate::api::meta::name(&obj) {
        "" => m.name.as_str(),
        name => name,
    };
    super::create::print_result(&obj, m.kind, name, output, verb).stdout
}

fn suffix(dry: &str) -> &'static str {
    match dry {
        "client" => " (dry run)",
        "server" => " (server dry run)",
        _ => "",
    }
}

/// Applies or creates one document; returns what to print or the error to report.
fn one(
    m: Manifest,
    opts: &Options,
    parsed: &Parsed,
    sim: &mut Sim,
    warnings: &mut String,
) -> Result<String, Failure> {
    sim.store.set_manager(&opts.manager);
    let label = object_name(m.kind, &m.name);
    if opts.mode == Mode::Create {
        if opts.dry == "server" {
            sim.store
                .dry_run_create(m.kind, m.doc.clone())
                .map_err(|status| api_failure(status, "creating", &m))?;
        }
        if opts.dry != "none" {
            return Ok(format!("{label} created{}\n", suffix(opts.dry)));
        }
        return match sim.store.create(m.kind, m.doc.clone()) {
            Ok(obj) => Ok(printed(&m, &obj, "created", parsed)),
            Err(status) => Err(api_failure(status, "creating", &m)),
        };
    }
    if opts.server_side {
        return server_side(&m, opts, parsed, sim);
    }
    let modified = with_last_applied(&m.doc);
    let Ok(live) = sim.store.get(m.kind, &m.namespace, &m.name).cloned() else {
        if opts.dry == "server" {
            // The server's answer: the object as it would be stored, defaults and all.
            let mut obj = modified.clone();
            prune_nulls(&mut obj);
            let created = sim
                .store
                .dry_run_create(m.kind, obj)
                .map_err(|status| api_failure(status, "creating", &m))?;
            return Ok(printed(&m, &created, "created (server dry run)", parsed));
        }
        if opts.dry != "none" {
            return Ok(printed(
                &m,
                &modified,
                &format!("created{}", suffix(opts.dry)),
                parsed,
            ));
        }
        let mut obj = modified;
        prune_nulls(&mut obj);
        return match sim.store.create(m.kind, obj) {
            Ok(obj) => Ok(printed(&m, &obj, "created", parsed)),
            Err(status) => Err(api_failure(status, "creating", &m)),
        };
    };
    let original = meta::at(&live, "/metadata/annotations")
        .and_then(|a| a.get(LAST_APPLIED))
        .and_then(Value::as_str);
    if original.is_none() {
        warnings.push_str(&format!(
            "Warning: resource {}/{} is missing the {LAST_APPLIED} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n",
            m.kind.plural, m.name
        ));
    }
    let original: Value = original
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or(json!({}));
    let (patch, ty) = if is_built_in(m.kind) {
        let schema = Schema::for_kind(m.kind);
        let patch = strategic::create_three_way(&original, &modified, &live, schema)
            .map_err(|e| Failure::Client(e.message))?;
        (patch, PatchType::Strategic)
    } else {
        (
            merge::create_three_way(&original, &modified, &live),
            PatchType::Merge,
        )
    };
    let unchanged = patch.as_object().is_some_and(Map::is_empty);
    let body = serde_json::to_string(&patch).unwrap_or_default();
    let result = if unchanged {
        live
    } else if opts.dry == "client" {
        crate::store::patch::apply_patch(m.kind, &live, ty, &body)
            .map_err(|s| Failure::Client(s.message))?
    } else {
        let patch_opts = PatchOptions {
            manager: &opts.manager,
            dry_run: opts.dry == "server",
            ..PatchOptions::default()
        };
        sim.store
            .patch(m.kind, &m.namespace, &m.name, ty, &body, patch_opts)
            .map_err(|status| {
                let verb = format!(
                    "applying patch:\n{body}\nto:\n{}\nfor:",
                    manifests::info_string(m.kind, &m.name, &m.namespace)
                );
                api_failure(status, &verb, &m)
            })?
    };
    let verb = if unchanged { "unchanged" } else { "configured" };
    Ok(printed(
        &m,
        &result,
        &format!("{verb}{}", suffix(opts.dry)),
        parsed,
    ))
}

/// `GetModifiedConfiguration`: the document with, as its last-applied annotation, itself
/// (without that annotation) as JSON — the annotations map is kept even when empty.
fn with_last_applied(doc: &Value) -> Value {
    let mut obj = doc.clone();
    let annotations = meta::metadata_mut(&mut obj)
        .entry("annotations")
        .or_insert(json!({}));
    if let Some(a) = annotations.as_object_mut() {
        a.remove(LAST_APPLIED);
    }
    let text = format!("{}\n", serde_json::to_string(&obj).unwrap_or_default());
    if let Some(a) = meta::metadata_mut(&mut obj)
        .get_mut("annotations")
        .and_then(Value::as_object_mut)
    {
        a.insert(LAST_APPLIED.into(), json!(text));
    }
    obj
}

/// Client-side apply drops `null`s when it creates, as an update would.
fn prune_nulls(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|_, v| !v.is_null());
            map.values_mut().for_each(prune_nulls);
        }
        Value::Array(list) => list.iter_mut().for_each(prune_nulls),
        _ => {}
    }
}

fn api_failure(status: crate::api::Status, verb: &str, m: &Manifest) -> Failure {
    Failure::Api {
        status: Box::new(status),
        verb: verb.to_string(),
        source: m.file.clone(),
    }
}

fn server_side(
    m: &Manifest,
    opts: &Options,
    parsed: &Parsed,
    sim: &mut Sim,
) -> Result<String, Failure> {
    let body = serde_json::to_string(&m.doc).unwrap_or_default();
    let patch_opts = PatchOptions {
        manager: &opts.manager,
        force: opts.force,
        dry_run: opts.dry == "server",
        ..PatchOptions::default()
    };
    let mut obj = match sim.store.patch(
        m.kind,
        &m.namespace,
        &m.name,
        PatchType::Apply,
        &body,
        patch_opts,
    ) {
        Ok(obj) => obj,
        Err(status) if status.reason == Reason::Conflict => {
            return Err(Failure::Client(format!(
                "{}\n{CONFLICT_HINT}",
                status.message
            )));
        }
        Err(status) => return Err(api_failure(status, "serverside-apply", m)),
    };
    if opts.manager == SERVER_SIDE_MANAGER
        && opts.dry == "none"
        && let Some(migrated) = migrate_from_client_side(m, sim)
    {
        // Re-send the apply, so that fields the migration handed over and the file no longer
        // has are dropped now.
        obj = sim
            .store
            .patch(
                m.kind,
                &m.namespace,
                &m.name,
                PatchType::Apply,
                &body,
                patch_opts,
            )
            .unwrap_or(migrated);
    }
    Ok(printed(
        m,
        &obj,
        &format!("serverside-applied{}", suffix(opts.dry)),
        parsed,
    ))
}

/// kubectl's move from client-side to server-side apply (`saveLastApplyAnnotationIfNecessary`
/// and `migrateToSSAIfNecessary`): the last-applied annotation gets an apply owner of its own,
/// and the fields owned by the client-side apply managers join the `kubectl` apply entry.
/// Returns the object if anything was migrated.
fn migrate_from_client_side(m: &Manifest, sim: &mut Sim) -> Option<Value> {
    let live = sim.store.get(m.kind, &m.namespace, &m.name).ok()?.clone();
    let annotation = meta::at(&live, "/metadata/annotations")?
        .get(LAST_APPLIED)?
        .as_str()?
        .to_string();
    let path = [
        fieldset::field("metadata"),
        fieldset::field("annotations"),
        fieldset::field(LAST_APPLIED),
    ];
    let owns = |e: &managed::Entry| {
        e.fields
            .children
            .get(&path[0])
            .and_then(|n| n.children.get(&path[1]))
            .and_then(|n| n.children.get(&path[2]))
            .is_some_and(|n| n.member)
    };
    let entries = managed::decode(&live);
    if !entries
        .iter()
        .any(|e| e.operation == Operation::Apply && owns(e))
    {
        let just_annotation = json!({
            "apiVersion": m.kind.api_version(),
            "kind": m.kind.kind,
            "metadata": {"name": m.name, "namespace": m.namespace,
                         "annotations": {LAST_APPLIED: annotation}},
        });
        let opts = PatchOptions {
            manager: BEFORE_FIRST_APPLY,
            ..PatchOptions::default()
        };
        let body = serde_json::to_string(&just_annotation).unwrap_or_default();
        let _ = sim
            .store
            .patch(m.kind, &m.namespace, &m.name, PatchType::Apply, &body, opts);
    }
    let live = sim.store.get(m.kind, &m.namespace, &m.name).ok()?.clone();
    let mut entries = managed::decode(&live);
    let client_side: Vec<String> = entries
        .iter()
        .filter(|e| e.operation == Operation::Update && e.subresource.is_empty() && owns(e))
        .map(|e| e.manager.clone())
        .collect();
    if client_side.is_empty() {
        return None;
    }
    let is_ssa = |e: &managed::Entry| {
        e.manager == SERVER_SIDE_MANAGER
            && e.operation == Operation::Apply
            && e.subresource.is_empty()
    };
    let mut moved = fieldset::FieldSet::default();
    entries.retain(|e| {
        let csa = e.operation == Operation::Update
            && e.subresource.is_empty()
            && client_side.contains(&e.manager);
        if csa {
            moved.union_with(e.fields.clone());
        }
        !csa
    });
    if let Some(ssa) = entries.iter_mut().find(|e| is_ssa(e)) {
        ssa.fields.union_with(moved);
    }
    let mut upgraded = live.clone();
    managed::encode(&mut upgraded, entries);
    let patch = json!([
        {"op": "test", "path": "/metadata/resourceVersion",
         "value": meta::str_at(&live, "/metadata/resourceVersion")},
        {"op": "replace", "path": "/metadata/managedFields",
         "value": meta::at(&upgraded, "/metadata/managedFields").cloned().unwrap_or(json!([]))},
    ]);
    let body = serde_json::to_string(&patch).unwrap_or_default();
    sim.store
        .patch(
            m.kind,
            &m.namespace,
            &m.name,
            PatchType::Json,
            &body,
            PatchOptions::default(),
        )
        .ok()
}
