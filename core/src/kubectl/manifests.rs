//! Objects named by `-f FILE`: reading manifests, mapping each document to its kind and
//! namespace (cli-runtime's builder and REST mapper), as apply, create, replace, patch and
//! label read them.

use serde_json::{Value, json};

use super::errors::Failure;
use super::shell::Shell;
use crate::api::{Kind, meta, yaml};
use crate::store::Store;

/// One document of a manifest, mapped to its kind, with the namespace it goes to.
pub struct Manifest {
    pub file: String,
    pub kind: &'static Kind,
    pub namespace: String,
    pub name: String,
    pub doc: Value,
}

/// Reads the documents of every file, in order.
pub fn read(files: &[String], shell: &Shell) -> Result<Vec<(String, Value)>, String> {
    let mut out = Vec::new();
    for file in files {
        let text = if let Some(text) = crate::addons::manifest_for_url(file) {
            // The sandbox has no network; the one manifest learners are told to fetch is
            // bundled.
            text.to_string()
        } else if file.starts_with("http://") || file.starts_with("https://") {
            return Err(format!(
                "error: unable to read URL \"{file}\": this sandbox has no network access to fetch it; paste the manifest into the editor instead"
            ));
        } else {
            shell
                .read_file(file)
                .ok_or_else(|| format!("error: the path \"{file}\" does not exist"))?
        };
        let docs = yaml::decode_documents(&text).map_err(|e| parse_error(file, &e))?;
        out.extend(docs.into_iter().map(|d| (file.clone(), d)));
    }
    Ok(out)
}

/// What kubectl prints for a file that is not YAML.
pub fn parse_error(file: &str, why: &str) -> String {
    format!("error: error parsing {file}: error converting YAML to JSON: {why}")
}

/// Maps a document to its kind (built in, or defined by a CRD) and namespace (filling it in
/// as the builder does), or kubectl's error for it.
pub fn map(
    store: &Store,
    file: &str,
    mut doc: Value,
    namespace: &str,
    explicit_ns: bool,
) -> Result<Manifest, Failure> {
    let api_version = meta::str_at(&doc, "/apiVersion").to_string();
    let kind_name = meta::str_at(&doc, "/kind").to_string();
    let name = meta::name(&doc).to_string();
    if kind_name.is_empty() || api_version.is_empty() {
        let missing = match (api_version.is_empty(), kind_name.is_empty()) {
            (true, true) => "[apiVersion not set, kind not set]",
            (true, false) => "apiVersion not set",
            _ => "kind not set",
        };
        return Err(Failure::Client(format!(
            "error validating \"{file}\": error validating data: {missing}; if you choose to ignore these errors, turn validation off with --validate=false"
        )));
    }
    let Some(kind) = store.kind_for(&api_version, &kind_name) else {
        return Err(Failure::Client(format!(
            "resource mapping not found for name: \"{name}\" namespace: \"{}\" from \"{file}\": no matches for kind \"{kind_name}\" in version \"{api_version}\"\nensure CRDs are installed first",
            meta::namespace(&doc)
        )));
    };
    if kind.namespaced {
        let doc_ns = meta::namespace(&doc).to_string();
        if !doc_ns.is_empty() && explicit_ns && doc_ns != namespace {
            return Err(Failure::Client(format!(
                "the namespace from the provided object \"{doc_ns}\" does not match the namespace \"{namespace}\". You must pass '--namespace={doc_ns}' to perform this operation."
            )));
        }
        if doc_ns.is_empty() {
            meta::metadata_mut(&mut doc).insert("namespace".into(), json!(namespace));
        }
    }
    Ok(Manifest {
        file: file.to_string(),
        kind,
        namespace: meta::namespace(&doc).to_string(),
        name,
        doc,
    })
}

/// Maps every document, or the first error as kubectl prints it (for commands that stop there).
pub fn map_all(
    store: &Store,
    docs: Vec<(String, Value)>,
    namespace: &str,
    explicit_ns: bool,
) -> Result<Vec<Manifest>, String> {
    docs.into_iter()
        .map(|(file, doc)| {
            map(store, &file, doc, namespace, explicit_ns)
                .map_err(|f| super::errors::report(&[f]).unwrap_or_default())
        })
        .collect()
}

/// `resource.Info.String()`: how kubectl names a mapped object in long error messages.
pub fn info_string(kind: &Kind, name: &str, namespace: &str) -> String {
    format!(
        "Resource: \"{}/{}, Resource={}\", GroupVersionKind: \"{}/{}, Kind={}\"\nName: \"{name}\", Namespace: \"{namespace}\"",
        kind.group, kind.version, kind.plural, kind.group, kind.version, kind.kind
    )
}
