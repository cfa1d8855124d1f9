//! Manifests in, objects out: YAML or JSON text decoded into JSON values, one per document.

use serde_json::Value;

/// Decodes every document of a YAML (or JSON) stream. Empty documents are skipped, as kubectl
/// skips them.
pub fn decode_documents(text: &str) -> Result<Vec<Value>, String> {
    decode_documents_located(text).map_err(|e| e.message)
}

/// Why a text is not YAML, and where (line and column from 1, when the parser knows).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub at: Option<(u32, u32)>,
}

/// [`decode_documents`], saying where a syntax error is.
pub fn decode_documents_located(text: &str) -> Result<Vec<Value>, SyntaxError> {
    let docs: Vec<Value> = serde_saphyr::from_multiple(text).map_err(|e| {
        let at = e.location().map(|l| {
            let clamp = |n: u64| u32::try_from(n).unwrap_or(u32::MAX).max(1);
            (clamp(l.line()), clamp(l.column()))
        });
        SyntaxError {
            message: go_yaml_wording(&e.to_string(), at),
            at,
        }
    })?;
    Ok(docs.into_iter().filter(|d| !d.is_null()).collect())
}

/// The decoder's message as go-yaml words it (`yaml: line 4: mapping values are not allowed
/// in this context`): its first line, without the position prefix and the source excerpt
/// that follow, the line in go-yaml's place.
fn go_yaml_wording(rendered: &str, at: Option<(u32, u32)>) -> String {
    let first = rendered.lines().next().unwrap_or_default();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    // `line 4 column 7: <why>`
    let why = first
        .strip_prefix("line ")
        .and_then(|rest| rest.split_once(": "))
        .filter(|(position, _)| position.contains(" column "))
        .map_or(first, |(_, why)| why);
    match at {
        Some((line, _)) => format!("yaml: line {line}: {why}"),
        None => format!("yaml: {why}"),
    }
}
