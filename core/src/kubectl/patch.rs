//! `kubectl patch TYPE NAME -p PATCH [--type strategic|merge|json]`: updates fields of an
//! object (or of its `status`/`scale` subresource) with a patch the API server applies.
//!
//! The patch may be JSON or YAML. kubectl prints `patched`, or `patched (no change)` when the
//! object came back as it was. With `--dry-run=client` the patch is applied here, and JSON
//! patch failures are reported in full (the API server only says the request was invalid).

use serde_json::Value;

use super::args::{self, Flag, Parsed, switch, value};
use super::manifests;
use super::shell::Shell;
use super::{dry_run, errors, namespace_of, object_name};
use crate::api::{Kind, Reason, yaml};
use crate::cluster::Output;
use crate::sim::Sim;
use crate::store::patch::{self as server_patch, json_patch, schema};
use crate::store::{PatchOptions, PatchType};

pub(crate) const FLAGS: &[Flag] = &[
    value("patch", Some('p')),
    value("patch-file", None),
    value("type", None),
    value("dry-run", None),
    value("output", Some('o')),
    value("filename", Some('f')),
    switch("recursive", Some('R')),
    switch("local", None),
    value("subresource", None),
    value("field-manager", None),
    switch("show-managed-fields", None),
    value("template", None),
    switch("allow-missing-template-keys", None),
];

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, FLAGS, "kubectl patch")?;
    let dry = dry_run(&parsed)?;
    let patch = parsed.get("patch").unwrap_or("");
    let patch_file = parsed.get("patch-file").unwrap_or("");
    if !patch.is_empty() && !patch_file.is_empty() {
        return Err("error: cannot specify --patch and --patch-file together".into());
    }
    if patch.is_empty() && patch_file.is_empty() {
        return Err(
            "error: must specify --patch or --patch-file containing the contents of the patch"
                .into(),
        );
    }
    let local = parsed.switch("local");
    if local && !parsed.args.is_empty() {
        return Err("error: cannot specify --local and server resources".into());
    }
    if local && dry == "server" {
        return Err(
            "error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?"
                .into(),
        );
    }
    let ty = match parsed.get("type").map(str::to_ascii_lowercase).as_deref() {
        None | Some("") | Some("strategic") => PatchType::Strategic,
        Some("merge") => PatchType::Merge,
        Some("json") => PatchType::Json,
        Some(_) => {
            return Err(format!(
                "error: --type must be one of [json merge strategic], not {:?}",
                parsed.get("type").unwrap_or("")
            ));
        }
    };
    let text = if patch_file.is_empty() {
        patch.to_string()
    } else {
        shell.read_file(patch_file).ok_or_else(|| {
            format!(
                "error: unable to read patch file: open {patch_file}: no such file or directory"
            )
        })?
    };
    let body = to_json(&text).map_err(|e| format!("error: unable to parse {patch:?}: {e}"))?;
    let subresource = match parsed.get("subresource").unwrap_or("") {
        s @ ("" | "status" | "scale") => s,
        other => {
            return Err(format!(
                "error: invalid subresource value: \"{other}\". Must be one of [status scale]"
            ));
        }
    };
    let namespace = namespace_of(&parsed, shell);
    let targets = targets(&parsed, shell, &namespace, sim)?;
    let manager = parsed
        .get("field-manager")
        .unwrap_or("kubectl-patch")
        .to_string();
    let mut out = Output::default();
    for (kind, ns, name, from_file) in targets {
        let current = match from_file {
            Some(doc) if local => Ok(doc),
            _ => sim.store.get(kind, &ns, &name).cloned(),
        };
        let current = match current {
            Ok(obj) if subresource == "scale" => server_patch::scale_of(&obj),
            Ok(obj) => obj,
            Err(status) => {
                out.stderr
                    .push_str(&format!("{}\n", errors::render(&status)));
                out.exit_code = 1;
                continue;
            }
        };
        let patched = if local || dry == "client" {
            patch_locally(kind, &current, ty, &body)
        } else {
            let opts = PatchOptions {
                manager: &manager,
                subresource,
                dry_run: dry == "server",
                ..PatchOptions::default()
            };
            sim.store
                .patch(kind, &ns, &name, ty, &body, opts)
                .map_err(|status| {
                    if status.reason == Reason::UnsupportedMediaType {
                        format!(
                            "error: {} is not supported by {}: {}",
                            ty.media_type(),
                            gvk(kind),
                            status.message
                        )
                    } else {
                        errors::render(&status)
                    }
                })
        };
        match patched {
            Ok(obj) => {
                let verb = if obj == current {
                    "patched (no change)"
                } else {
                    "patched"
                };
                let suffix = match dry {
                    "client" => " (dry run)",
                    "server" => " (server dry run)",
                    _ => "",
                };
                out.stdout.push_str(&print(
                    &obj,
                    kind,
                    &name,
                    &parsed,
                    &format!("{verb}{suffix}"),
                ));
            }
            Err(e) => {
                out.stderr.push_str(&e);
                out.stderr.push('\n');
                out.exit_code = 1;
            }
        }
    }
    Ok(out)
}

type Target = (&'static Kind, String, String, Option<Value>);

/// What to patch: `TYPE NAME`, `TYPE/NAME`, or the objects of `-f FILE`.
fn targets(
    parsed: &Parsed,
    shell: &Shell,
    namespace: &str,
    sim: &Sim,
) -> Result<Vec<Target>, String> {
    let files = parsed.all("filename");
    if !files.is_empty() {
        let docs = manifests::read(files, shell)?;
        let mapped = manifests::map_all(&sim.store, docs, namespace, parsed.is_set("namespace"))?;
        return Ok(mapped
            .into_iter()
            .map(|m| (m.kind, m.namespace, m.name, Some(m.doc)))
            .collect());
    }
    Ok(
        super::delete::targets(&parsed.args, false, None, namespace, false, sim)?
            .into_iter()
            .map(|(k, ns, n)| (k, ns, n, None))
            .collect(),
    )
}

/// `yaml.ToJSON`: a patch that looks like JSON is sent as it is; YAML is converted.
fn to_json(text: &str) -> Result<String, String> {
    if text.trim_start().starts_with('{') {
        return Ok(text.to_string());
    }
    let docs = yaml::decode_documents(text)?;
    let doc = docs.into_iter().next().unwrap_or(Value::Null);
    Ok(serde_json::to_string(&doc).unwrap_or_default())
}

/// `getPatchedJSON`: the patch applied on the client, with kubectl's own error texts.
fn patch_locally(
    kind: &'static Kind,
    current: &Value,
    ty: PatchType,
    body: &str,
) -> Result<Value, String> {
    match ty {
        PatchType::Json => {
            let doc = server_patch::go_json::parse(body).map_err(|e| format!("error: {e}"))?;
            let ops = json_patch::decode(&doc).map_err(|e| format!("error: {e}"))?;
            json_patch::apply(current, &ops).map_err(|e| match e.find("doc is missing key: ") {
                // kubectl cuts the message after "key: ", keeping the cause that follows.
                Some(i) => format!(
                    "error: Object to be patched is missing field ({})",
                    &e[i + "doc is missing key: ".len()..]
                ),
                None => format!("error: {e}"),
            })
        }
        PatchType::Strategic if !schema::is_built_in(kind) => Err(format!(
            "error: strategic merge patch is not supported for {} locally, try --type merge",
            gvk(kind)
        )),
        _ => server_patch::apply_patch(kind, current, ty, body)
            .map_err(|s| format!("error: {}", s.message)),
    }
}

/// `schema.GroupVersionKind.String()`: `apps/v1, Kind=Deployment`.
fn gvk(kind: &Kind) -> String {
    format!("{}/{}, Kind={}", kind.group, kind.version, kind.kind)
}

fn print(obj: &Value, kind: &'static Kind, name: &str, parsed: &Parsed, verb: &str) -> String {
    let output = parsed.get("output").unwrap_or("");
    if output.is_empty() {
        return format!("{} {verb}\n", object_name(kind, name));
    }
    let shown = super::get::without_managed_fields(obj, parsed.switch("show-managed-fields"));
    super::create::print_result(&shown, kind, name, output, verb).stdout
}
