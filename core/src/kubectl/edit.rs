//! `kubectl edit`: the object in an editor, the changes sent as a patch (upstream
//! `editor.EditOptions`, normal mode).
//!
//! The core cannot run an editor, so the command is split in two. `kubectl edit TYPE NAME`
//! prints nothing and leaves a [`PendingEdit`] on the shell: the text kubectl would open
//! (its header comment, then the object as YAML, or JSON with `-o json`). The host opens it
//! (the page's editor, the CLI's `$EDITOR`) and hands the saved text to [`finish`], which does
//! what kubectl does once the editor exits: unchanged → `Edit cancelled, no changes made.`;
//! empty → `Edit cancelled, saved file was empty.`; otherwise a two-way strategic merge patch
//! (a JSON merge patch for custom resources) from the object as read to the object as
//! edited, sent with field manager `kubectl-edit`, printing `deployment.apps/web edited`. A
//! syntax error, or an object the server finds invalid, re-opens the file with the reasons in
//! its header comment: a new pending edit. Files kubectl would leave in `/tmp` (for
//! `kubectl replace -f`) are kept in the shell's file system.

use serde_json::Value;

use super::args::{self, Flag, switch, value};
use super::get::{self, render_structured, without_managed_fields};
use super::shell::Shell;
use super::{errors, namespace_of, object_name};
use crate::api::{Kind, Reason, Status, meta};
use crate::cluster::Output;
use crate::sim::Sim;
use crate::store::patch::{PatchOptions, PatchType, merge, schema, strategic};

pub(crate) const FLAGS: &[Flag] = &[
    switch("allow-missing-template-keys", None),
    value("field-manager", None),
    value("filename", Some('f')),
    value("kustomize", Some('k')),
    value("output", Some('o')),
    switch("output-patch", None),
    switch("recursive", Some('R')),
    switch("save-config", None),
    switch("show-managed-fields", None),
    value("subresource", None),
    value("template", None),
    value("validate", None),
    switch("windows-line-endings", None),
];

/// kubectl's header on the file it opens.
const HEADER: &str = "\
# Please edit the object below. Lines beginning with a '#' will be ignored,
# and an empty file will abort the edit. If an error occurs while saving this file will be
# reopened with the relevant failures.
#
";

/// An edit waiting for the editor: what to show, and what kubectl remembers meanwhile.
#[derive(Clone, Debug)]
pub struct PendingEdit {
    text: String,
    path: String,
    /// The objects as read from the server, to patch from.
    originals: Vec<(&'static Kind, Value)>,
    /// The first file opened, without comments: saving it unchanged cancels the edit.
    original: String,
    /// After a failed save: the file as saved then (saving it unchanged again gives up).
    failed_save: Option<String>,
    namespace: String,
    manager: String,
    output_patch: bool,
}

impl PendingEdit {
    /// The text to open in the editor.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The temporary file kubectl would have written it to (`/tmp/kubectl-edit-N.yaml`); its
    /// extension says the syntax.
    pub fn path(&self) -> &str {
        &self.path
    }
}

/// `kubectl edit ...`: reads the objects and leaves the pending edit.
pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, FLAGS, "kubectl edit")?;
    if parsed.args.is_empty() && parsed.all("filename").is_empty() {
        return Err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'".into());
    }
    if !parsed.all("filename").is_empty() {
        return Err(
            "error: \"kubectl edit -f\" is not available in this sandbox yet; name the objects instead"
                .into(),
        );
    }
    let json = match parsed.get("output").unwrap_or("yaml") {
        "yaml" | "" => false,
        "json" => true,
        other => {
            return Err(format!(
                "error: the edit mode doesn't support output format {other:?}; use yaml or json"
            ));
        }
    };
    let namespace = namespace_of(&parsed, shell);
    let show_managed = parsed.switch("show-managed-fields");
    let mut originals = Vec::new();
    let mut out = Output::default();
    for request in get::requests(&parsed.args, &sim.store)? {
        if request.names.is_empty() {
            let scope = request.kind.namespaced.then_some(namespace.as_str());
            originals.extend(
                sim.store
                    .list(request.kind, scope)
                    .map(|o| (request.kind, o.clone())),
            );
        }
        for name in &request.names {
            match sim.store.get(request.kind, &namespace, name) {
                Ok(o) => originals.push((request.kind, o.clone())),
                Err(status) => {
                    out.stderr.push_str(&errors::render(&status));
                    out.stderr.push('\n');
                    out.exit_code = 1;
                }
            }
        }
    }
    if originals.is_empty() {
        return Ok(out);
    }
    let shown: Vec<Value> = originals
        .iter()
        .map(|(_, o)| without_managed_fields(o, show_managed))
        .collect();
    let body = document(shown, json);
    shell.edits += 1;
    let extension = if json { "json" } else { "yaml" };
    let text = format!("{HEADER}{body}");
    shell.pending_edit = Some(PendingEdit {
        original: strip_comments(&text),
        text,
        path: format!("/tmp/kubectl-edit-{}.{extension}", shell.edits),
        originals,
        failed_save: None,
        namespace,
        manager: parsed
            .get("field-manager")
            .unwrap_or("kubectl-edit")
            .to_string(),
        output_patch: parsed.switch("output-patch"),
    });
    Ok(out)
}

/// One object as itself, several as a `List`, printed as the edit buffer.
fn document(mut objects: Vec<Value>, json: bool) -> String {
    let doc = if objects.len() == 1 {
        objects.pop().unwrap_or_default()
    } else {
        serde_json::json!({"apiVersion": "v1", "items": objects, "kind": "List", "metadata": {}})
    };
    render_structured(if json { "json" } else { "yaml" }, &doc)
}

/// `cmdutil.StripComments`-like: the text without its comment lines, for comparisons.
fn strip_comments(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What kubectl does once the editor exits with `text` saved.
pub fn finish(shell: &mut Shell, sim: &mut Sim, text: &str) -> Output {
    let Some(edit) = shell.pending_edit.take() else {
        return Output::error("kubeplay: no kubectl edit is waiting for its editor\n", 1);
    };
    let edited = strip_comments(text);
    if edit.failed_save.as_deref() == Some(edited.as_str()) {
        shell.files.insert(edit.path.clone(), text.to_string());
        return Output::error(
            format!(
                "A copy of your changes has been stored to \"{}\"\nerror: Edit cancelled, no valid changes were saved.\n",
                edit.path
            ),
            1,
        );
    }
    if edited == edit.original {
        return Output::error("Edit cancelled, no changes made.\n", 0);
    }
    if edited.trim().is_empty() {
        return Output::error("Edit cancelled, saved file was empty.\n", 0);
    }
    sim.store.set_manager("kubectl");
    let mut out = Output::default();
    let objects = match crate::api::yaml::decode_documents(&edited) {
        Ok(docs) => docs
            .into_iter()
            .flat_map(|d| match d.get("items").and_then(Value::as_array) {
                Some(items) if meta::str_at(&d, "/kind").ends_with("List") => items.clone(),
                _ => vec![d],
            })
            .collect::<Vec<_>>(),
        Err(e) => {
            reopen(
                shell,
                edit,
                text,
                &[(
                    format!("The edited file had a syntax error: {e}"),
                    Vec::new(),
                )],
            );
            return out;
        }
    };
    let mut reasons = Vec::new();
    for object in &objects {
        let ns = meta::namespace(object);
        if !ns.is_empty() && ns != edit.namespace {
            return preserved(
                shell,
                &edit,
                text,
                format!(
                    "error: the namespace from the provided object \"{ns}\" does not match the namespace \"{}\". You must pass '--namespace={ns}' to perform this operation.",
                    edit.namespace
                ),
            );
        }
        let Some((kind, original)) = edit
            .originals
            .iter()
            .find(|(_, o)| meta::uid(o) == meta::uid(object))
        else {
            return preserved(
                shell,
                &edit,
                text,
                "error: no original object found for the edited object".into(),
            );
        };
        let (kind, name) = (*kind, meta::name(original).to_string());
        let original_shown = without_managed_fields(original, false);
        let object_shown = without_managed_fields(object, false);
        if original_shown == object_shown {
            out.stdout
                .push_str(&format!("{} skipped\n", object_name(kind, &name)));
            continue;
        }
        let unchanged = |k: &str| original_shown.get(k) == object_shown.get(k);
        if !unchanged("apiVersion") || !unchanged("kind") || meta::name(object) != name {
            return preserved(
                shell,
                &edit,
                text,
                "error: At least one of apiVersion, kind and name was changed".into(),
            );
        }
        let (ty, patch) = if schema::is_built_in(kind) {
            match strategic::create_two_way(
                &original_shown,
                &object_shown,
                schema::Schema::for_kind(kind),
            ) {
                Ok(p) => (PatchType::Strategic, p),
                Err(status) => {
                    return preserved(shell, &edit, text, errors::render(&status.into_status()));
                }
            }
        } else {
            (
                PatchType::Merge,
                merge::create(&original_shown, &object_shown),
            )
        };
        let body = serde_json::to_string(&patch).unwrap_or_default();
        if edit.output_patch {
            out.stdout.push_str(&format!("Patch: {body}\n"));
        }
        let opts = PatchOptions {
            manager: &edit.manager,
            ..PatchOptions::default()
        };
        let resource = if kind.group.is_empty() {
            kind.plural.to_string()
        } else {
            format!("{}.{}", kind.plural, kind.group)
        };
        match sim
            .store
            .patch(kind, &edit.namespace, &name, ty, &body, opts)
        {
            Ok(_) => out
                .stdout
                .push_str(&format!("{} edited\n", object_name(kind, &name))),
            Err(status) => {
                let quoted = format!("{resource} {name:?}");
                match status.reason {
                    Reason::Invalid => {
                        out.stderr
                            .push_str(&format!("error: {quoted} is invalid\n"));
                        reasons.push((format!("{quoted} was not valid"), causes(&status)));
                    }
                    Reason::NotFound => {
                        out.stderr.push_str(&format!(
                            "error: {quoted} could not be found on the server\nThe edits you made on deleted resources have been saved to \"{}\"\n",
                            edit.path
                        ));
                        shell.files.insert(edit.path.clone(), text.to_string());
                        out.exit_code = 1;
                        return out;
                    }
                    _ => {
                        out.stderr.push_str(&format!(
                            "error: {quoted} could not be patched: {}\nYou can run `kubectl replace -f {}` to try this update again.\n",
                            status.message, edit.path
                        ));
                        shell.files.insert(edit.path.clone(), text.to_string());
                        out.exit_code = 1;
                        return out;
                    }
                }
            }
        }
    }
    if !reasons.is_empty() {
        reopen(shell, edit, text, &reasons);
    }
    out
}

/// The `field: message` lines of an Invalid status.
fn causes(status: &Status) -> Vec<String> {
    status
        .causes
        .iter()
        .map(|c| format!("{}: {}", c.field, c.message))
        .collect()
}

/// Opens the file again, its header listing why (`editHeader.writeTo`), with the text as
/// saved (its comment lines dropped).
fn reopen(
    shell: &mut Shell,
    mut edit: PendingEdit,
    saved: &str,
    reasons: &[(String, Vec<String>)],
) {
    let hashed = |s: &str| s.replace('\n', "\n# ");
    let mut text = HEADER.to_string();
    for (head, others) in reasons {
        if others.is_empty() {
            text.push_str(&format!("# {}\n", hashed(head)));
        } else {
            text.push_str(&format!("# {}:\n", hashed(head)));
        }
        for o in others {
            text.push_str(&format!("# * {}\n", hashed(o)));
        }
        text.push_str("#\n");
    }
    for line in saved.lines() {
        if !line.trim_start().starts_with('#') {
            text.push_str(line);
            text.push('\n');
        }
    }
    edit.failed_save = Some(strip_comments(saved));
    edit.text = text;
    shell.pending_edit = Some(edit);
}

/// kubectl's `preservedFile`: keeps the saved text where it says, then fails.
fn preserved(shell: &mut Shell, edit: &PendingEdit, text: &str, error: String) -> Output {
    shell.files.insert(edit.path.clone(), text.to_string());
    Output::error(
        format!(
            "A copy of your changes has been stored to \"{}\"\n{error}\n",
            edit.path
        ),
        1,
    )
}

#[cfg(test)]
mod tests {
    use crate::cluster::Cluster;

    fn cluster_with_web() -> Cluster {
        let mut c = Cluster::new_default(1);
        c.exec("kubectl create deployment web --image=nginx");
        c
    }

    fn pending(c: &Cluster) -> String {
        c.pending_edit()
            .map(|e| e.text().to_string())
            .unwrap_or_default()
    }

    #[test]
    fn opens_the_object_under_kubectls_header() {
        let mut c = cluster_with_web();
        let out = c.exec("kubectl edit deployment web");
        assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", ""));
        let text = pending(&c);
        assert!(text.starts_with(
            "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\napiVersion: apps/v1\nkind: Deployment\n"
        ));
        assert!(!text.contains("managedFields"));
        assert_eq!(
            c.pending_edit().map(|e| e.path()),
            Some("/tmp/kubectl-edit-1.yaml")
        );
    }

    #[test]
    fn unchanged_or_empty_cancels() {
        let mut c = cluster_with_web();
        c.exec("kubectl edit deploy/web");
        let out = c.cancel_edit();
        assert_eq!(out.stderr, "Edit cancelled, no changes made.\n");
        assert!(c.pending_edit().is_none());
        c.exec("kubectl edit deploy/web");
        let out = c.finish_edit("# nothing\n\n");
        assert_eq!(out.stderr, "Edit cancelled, saved file was empty.\n");
    }

    #[test]
    fn a_change_is_patched() {
        let mut c = cluster_with_web();
        c.exec("kubectl edit deploy web --output-patch");
        let text = pending(&c).replacen("replicas: 1\n", "replicas: 3\n", 1);
        let out = c.finish_edit(&text);
        assert_eq!(
            out.stdout,
            "Patch: {\"spec\":{\"replicas\":3}}\ndeployment.apps/web edited\n"
        );
        assert!(c.pending_edit().is_none());
        let replicas = c.exec("kubectl get deploy web -o jsonpath={.spec.replicas}");
        assert_eq!(replicas.stdout, "3");
        let managers = c.exec("kubectl get deploy web -o yaml --show-managed-fields");
        assert!(managers.stdout.contains("manager: kubectl-edit"));
    }

    #[test]
    fn an_invalid_change_reopens_with_the_reasons() {
        let mut c = cluster_with_web();
        c.exec("kubectl edit deploy web");
        let bad = pending(&c).replacen("replicas: 1\n", "replicas: -1\n", 1);
        let out = c.finish_edit(&bad);
        assert_eq!(out.stderr, "error: deployments.apps \"web\" is invalid\n");
        let again = pending(&c);
        assert!(again.contains(
            "#\n# deployments.apps \"web\" was not valid:\n# * spec.replicas: Invalid value: -1: must be greater than or equal to 0\n#\napiVersion: apps/v1\n"
        ), "{again}");
        // Saving the same text again gives up, keeping a copy.
        let out = c.finish_edit(&again);
        assert_eq!(
            out.stderr,
            "A copy of your changes has been stored to \"/tmp/kubectl-edit-1.yaml\"\nerror: Edit cancelled, no valid changes were saved.\n"
        );
        assert_eq!(out.exit_code, 1);
    }

    #[test]
    fn syntax_errors_reopen_and_renames_are_refused() {
        let mut c = cluster_with_web();
        c.exec("kubectl edit deploy web");
        let broken = pending(&c).replace("kind: Deployment\n", "kind: [Deployment\n");
        let out = c.finish_edit(&broken);
        assert_eq!(out.stderr, "");
        assert!(pending(&c).contains("# The edited file had a syntax error: "));
        let renamed = pending(&c)
            .replace("kind: [Deployment\n", "kind: Deployment\n")
            .replace("name: web\n  namespace", "name: web2\n  namespace");
        let out = c.finish_edit(&renamed);
        assert_eq!(
            out.stderr,
            "A copy of your changes has been stored to \"/tmp/kubectl-edit-1.yaml\"\nerror: At least one of apiVersion, kind and name was changed\n"
        );
    }

    #[test]
    fn nothing_to_edit() {
        let mut c = Cluster::new_default(1);
        let out = c.exec("kubectl edit");
        assert!(
            out.stderr
                .starts_with("error: You must provide one or more resources")
        );
        let out = c.exec("kubectl edit deploy nope");
        assert_eq!(
            out.stderr,
            "Error from server (NotFound): deployments.apps \"nope\" not found\n"
        );
        assert!(c.pending_edit().is_none());
    }
}
