//! A custom resource's schema as the CRD's OpenAPI builder publishes it
//! (apiextensions-apiserver `controller/openapi/builder`): the version's `openAPIV3Schema`,
//! with `apiVersion` and `kind` set to TypeMeta's fields and `metadata` to a reference to
//! ObjectMeta, whatever the CRD says about them.

use serde_json::{Map, Value, json};

use crate::api::openapi::OpenApi;
use crate::api::{Kind, crd_schema};

const OBJECT_META: &str = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/// The published schema of `kind`, defined by `crd` (a bare object when the version has no
/// schema).
pub fn schema(crd: &Value, kind: &Kind, openapi: &OpenApi) -> Value {
    let Some(mut root) = crd_schema::schema_of(crd, kind.version).cloned() else {
        return json!({"type": "object"});
    };
    with_standard_fields(&mut root, openapi);
    root
}

fn with_standard_fields(root: &mut Value, openapi: &OpenApi) -> Option<()> {
    let node = root.as_object_mut()?;
    let properties = node
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    let properties = properties.as_object_mut()?;
    // TypeMeta's and ObjectMeta's descriptions are the same in every kind's schema.
    let standard = openapi
        .kind_schema("", "v1", "Pod")
        .and_then(|pod| pod.get("properties"));
    for field in ["apiVersion", "kind"] {
        if let Some(s) = standard.and_then(|p| p.get(field)) {
            properties.insert(field.into(), s.clone());
        }
    }
    let metadata_description = standard
        .and_then(|p| p.pointer("/metadata/description"))
        .cloned()
        .unwrap_or(Value::Null);
    properties.insert(
        "metadata".into(),
        json!({"description": metadata_description, "allOf": [{"$ref": OBJECT_META}]}),
    );
    Some(())
}
