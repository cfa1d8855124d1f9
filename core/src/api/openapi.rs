//! The OpenAPI v3 schemas the API server publishes for the built-in kinds (`/openapi/v3`),
//! which `kubectl explain` renders.
//!
//! They are data, not code: v1.35's descriptions of every field of every served kind weigh
//! about 600 KB, too much to compile into the page's wasm, so the host loads
//! `static/explain/v1.35.json` (made by `scripts/gen-explain-data.py`) when it can and hands
//! the text to `Cluster::load_explain_data`; until then `kubectl explain` says the data is
//! still loading. The file keeps only what explain reads (description, type, properties,
//! required, items, additionalProperties, enum, and `$ref` as a bare schema name). A `$ref`
//! with sibling keys is turned into `allOf: [{$ref}]` here, the shape the API server serves
//! (OpenAPI v3 ignores a `$ref`'s siblings, so upstream wraps it): explain prints both the
//! field's own description and the referenced type's.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// The parsed schemas: each served group/version/kind's schema name, and the schemas by name.
#[derive(Debug, Default)]
pub struct OpenApi {
    version: String,
    kinds: Vec<KindSchema>,
    schemas: BTreeMap<String, Value>,
}

#[derive(Debug)]
struct KindSchema {
    group: String,
    version: String,
    kind: String,
    schema: String,
}

impl OpenApi {
    /// Parses the text of a `static/explain` file.
    pub fn parse(text: &str) -> Result<OpenApi, String> {
        let mut doc: Value =
            serde_json::from_str(text).map_err(|e| format!("explain data: {e}"))?;
        let version = doc
            .get("version")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let kinds = doc
            .get("kinds")
            .and_then(Value::as_array)
            .ok_or("explain data: no kinds")?
            .iter()
            .filter_map(|row| {
                let field = |i: usize| row.get(i).and_then(Value::as_str).map(str::to_string);
                Some(KindSchema {
                    group: field(0)?,
                    version: field(1)?,
                    kind: field(2)?,
                    schema: field(3)?,
                })
            })
            .collect();
        let Some(Value::Object(raw)) = doc.get_mut("schemas").map(Value::take) else {
            return Err("explain data: no schemas".into());
        };
        let schemas = raw
            .into_iter()
            .map(|(name, mut schema)| {
                wrap_refs(&mut schema);
                (name, schema)
            })
            .collect();
        Ok(OpenApi {
            version,
            kinds,
            schemas,
        })
    }

    /// The Kubernetes version the schemas describe (`v1.35.0`).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// A schema by name (`io.k8s.api.core.v1.Pod`), as a `$ref` names it.
    pub fn schema(&self, name: &str) -> Option<&Value> {
        self.schemas.get(name)
    }

    /// The schema of a built-in kind, by its group (empty for core), version and kind.
    pub fn kind_schema(&self, group: &str, version: &str, kind: &str) -> Option<&Value> {
        self.kinds
            .iter()
            .find(|k| k.group == group && k.version == version && k.kind == kind)
            .and_then(|k| self.schema(&k.schema))
    }
}

/// Rewrites every `$ref` that has siblings into `allOf: [{$ref}]`, through properties, items
/// and additionalProperties (a property named `$ref`, as JSONSchemaProps has, is a name, not a
/// reference, and is left alone).
fn wrap_refs(schema: &mut Value) {
    let Some(node) = schema.as_object_mut() else {
        return;
    };
    if node.len() > 1
        && let Some(target) = node.remove("$ref")
    {
        let mut only_ref = Map::new();
        only_ref.insert("$ref".into(), target);
        node.insert("allOf".into(), Value::Array(vec![Value::Object(only_ref)]));
    }
    if let Some(Value::Object(props)) = node.get_mut("properties") {
        props.values_mut().for_each(wrap_refs);
    }
    for key in ["items", "additionalProperties"] {
        if let Some(sub) = node.get_mut(key) {
            wrap_refs(sub);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn refs_with_siblings_become_all_of() {
        let text = json!({
            "version": "v1.35.0",
            "kinds": [["", "v1", "Pod", "io.k8s.api.core.v1.Pod"]],
            "schemas": {"io.k8s.api.core.v1.Pod": {"properties": {
                "spec": {"$ref": "io.k8s.api.core.v1.PodSpec", "description": "Specification."},
                "list": {"type": "array", "items": {"$ref": "io.k8s.api.core.v1.Container"}},
                "$ref": {"$ref": "X", "description": "a field named $ref"},
            }}},
        })
        .to_string();
        let api = OpenApi::parse(&text).unwrap();
        let pod = api.kind_schema("", "v1", "Pod").unwrap();
        assert_eq!(
            pod["properties"]["spec"],
            json!({"description": "Specification.", "allOf": [{"$ref": "io.k8s.api.core.v1.PodSpec"}]})
        );
        assert_eq!(
            pod["properties"]["list"]["items"],
            json!({"$ref": "io.k8s.api.core.v1.Container"})
        );
        assert_eq!(
            pod["properties"]["$ref"],
            json!({"description": "a field named $ref", "allOf": [{"$ref": "X"}]})
        );
        assert!(api.kind_schema("apps", "v1", "Pod").is_none());
        assert!(OpenApi::parse("{").is_err());
    }
}
