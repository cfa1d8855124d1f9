//! Manifests in, objects out: YAML or JSON text decoded into JSON values, one per document.

use serde_json::Value;

/// Decodes every document of a YAML (or JSON) stream. Empty documents are skipped, as kubectl
/// skips them.
pub fn decode_documents(text: &str) -> Result<Vec<Value>, String> {
    let docs: Vec<Value> = serde_saphyr::from_multiple(text).map_err(|e| e.to_string())?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}
