//! The API server's PATCH: JSON patch, JSON merge patch, strategic merge patch and
//! server-side apply, on an object or its `status`/`scale` subresource.
//!
//! The algorithms live one per module ([`json_patch`], [`merge`], [`strategic`], and
//! [`crate::store::managed::apply`]); [`schema`] says how built-in fields merge. This module
//! reads the body as the Go server would, picks the algorithm, and sends the result through
//! the store's ordinary update path, so defaulting, versioning, conflicts and managed fields
//! are the same as for any write.

pub mod go_json;
pub mod json_patch;
pub mod merge;
pub mod schema;
pub mod strategic;

use serde_json::{Value, json};

use super::managed;
use super::{Store, Tracking};
use crate::api::{Kind, Reason, Result, Status, meta};

/// The patch types kubectl sends (`types.PatchType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchType {
    Json,
    Merge,
    Strategic,
    Apply,
}

impl PatchType {
    /// The request's Content-Type.
    pub fn media_type(self) -> &'static str {
        match self {
            PatchType::Json => "application/json-patch+json",
            PatchType::Merge => "application/merge-patch+json",
            PatchType::Strategic => "application/strategic-merge-patch+json",
            PatchType::Apply => "application/apply-patch+yaml",
        }
    }
}

/// Options of a patch request (`metav1.PatchOptions`, plus the subresource of the URL).
#[derive(Clone, Copy, Debug, Default)]
pub struct PatchOptions<'a> {
    /// `fieldManager`; empty means the client's own name (its user agent, upstream).
    pub manager: &'a str,
    /// "", "status" or "scale".
    pub subresource: &'a str,
    /// `force` (apply only): take fields from their other owners.
    pub force: bool,
    /// `dryRun=All`: everything but the write.
    pub dry_run: bool,
}

/// A patch algorithm's failure, with the HTTP class the API server gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatchError {
    pub reason: Reason,
    pub message: String,
}

impl PatchError {
    pub fn bad_request(message: impl Into<String>) -> PatchError {
        PatchError {
            reason: Reason::BadRequest,
            message: message.into(),
        }
    }

    pub fn unprocessable(message: impl Into<String>) -> PatchError {
        PatchError {
            reason: Reason::Invalid,
            message: message.into(),
        }
    }

    pub fn internal(message: impl Into<String>) -> PatchError {
        PatchError {
            reason: Reason::InternalError,
            message: message.into(),
        }
    }

    /// The status the API server answers with (`interpretStrategicMergePatchError`).
    pub fn into_status(self) -> Status {
        match self.reason {
            Reason::BadRequest => Status::bad_request(self.message),
            Reason::Invalid => Status::unprocessable(),
            _ => Status::internal(self.message),
        }
    }
}

/// A decoded JSON value as Go's `%v` prints it (`map[a:1 b:[x y]]`), for error messages.
pub fn go_fmt(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(list) => {
            let items: Vec<String> = list.iter().map(go_fmt).collect();
            format!("[{}]", items.join(" "))
        }
        Value::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}:{}", go_fmt(v)))
                .collect();
            format!("map[{}]", items.join(" "))
        }
    }
}

/// The media types a resource takes: strategic merge patch only for built-in kinds.
fn accepted(kind: &Kind) -> Vec<&'static str> {
    let mut types = vec![PatchType::Json.media_type(), PatchType::Merge.media_type()];
    if schema::is_built_in(kind) {
        types.push(PatchType::Strategic.media_type());
    }
    types.push(PatchType::Apply.media_type());
    types
}

/// Applies a non-apply patch to `target` (an object, or a subresource's view of it).
pub fn apply_patch(kind: &Kind, target: &Value, ty: PatchType, body: &str) -> Result<Value> {
    match ty {
        PatchType::Json => {
            let doc = go_json::parse(body).map_err(Status::bad_request)?;
            let ops = json_patch::decode(&doc).map_err(Status::bad_request)?;
            json_patch::apply(target, &ops).map_err(|_| Status::unprocessable())
        }
        PatchType::Merge => {
            let patch =
                go_json::parse(body).map_err(|_| Status::bad_request("Invalid JSON Patch"))?;
            if patch.is_null() {
                return Err(Status::bad_request("Invalid JSON Patch"));
            }
            Ok(merge::apply(target, &patch))
        }
        PatchType::Strategic => {
            let patch = go_json::parse(body).map_err(Status::bad_request)?;
            if !patch.is_object() {
                return Err(Status::bad_request(format!(
                    "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                    json_kind(&patch)
                )));
            }
            let mut out = strategic::apply(target, &patch, schema::Schema::for_kind(kind))
                .map_err(PatchError::into_status)?;
            strip_directives(&mut out);
            Ok(out)
        }
        PatchType::Apply => Err(Status::internal("apply is not a patch algorithm")),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        _ => "object",
    }
}

/// Decoding into Go types drops the directive keys a strategic patch may leave behind.
fn strip_directives(v: &mut Value) {
    match v {
        Value::Object(map) => {
            map.retain(|k, _| {
                !(k == "$patch"
                    || k == "$retainKeys"
                    || k.starts_with("$setElementOrder/")
                    || k.starts_with("$deleteFromPrimitiveList/"))
            });
            map.values_mut().for_each(strip_directives);
        }
        Value::Array(list) => list.iter_mut().for_each(strip_directives),
        _ => {}
    }
}

impl Store {
    /// PATCH on an object (or its `status`/`scale` subresource). Returns the object as stored
    /// (or, for `scale`, the Scale), or the API server's error.
    pub fn patch(
        &mut self,
        kind: &'static Kind,
        namespace: &str,
        name: &str,
        ty: PatchType,
        body: &str,
        opts: PatchOptions,
    ) -> Result<Value> {
        self.serve("patch", kind, opts.subresource, (namespace, name), |s| {
            s.patch_served(kind, namespace, name, ty, body, opts)
        })
    }

    fn patch_served(
        &mut self,
        kind: &'static Kind,
        namespace: &str,
        name: &str,
        ty: PatchType,
        body: &str,
        opts: PatchOptions,
    ) -> Result<Value> {
        if !accepted(kind).contains(&ty.media_type()) {
            return Err(Status::unsupported_media_type(&accepted(kind)));
        }
        let manager = if opts.manager.is_empty() {
            self.manager.clone()
        } else {
            opts.manager.to_string()
        };
        if ty == PatchType::Apply {
            return self.server_side_apply(kind, namespace, name, body, &manager, opts);
        }
        let current = self.get(kind, namespace, name)?.clone();
        let saved = std::mem::replace(&mut self.manager, manager);
        let result = match opts.subresource {
            "scale" => self.patch_scale(kind, &current, ty, body, opts.dry_run),
            "status" => {
                let patched = apply_patch(kind, &current, ty, body)?;
                if opts.dry_run {
                    Ok(patched)
                } else {
                    self.update_status(kind, &patched)
                }
            }
            _ => {
                let patched = apply_patch(kind, &current, ty, body)?;
                check_name(&patched, name)?;
                if opts.dry_run {
                    // Answered with what the update would store (defaults, generation).
                    self.dry_run_update(kind, patched)
                } else {
                    self.update(kind, patched)
                }
            }
        };
        self.manager = saved;
        result
    }

    /// The `scale` subresource: the object's replicas seen as an `autoscaling/v1` Scale.
    fn patch_scale(
        &mut self,
        kind: &'static Kind,
        current: &Value,
        ty: PatchType,
        body: &str,
        dry_run: bool,
    ) -> Result<Value> {
        if !matches!(
            kind.kind,
            "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController"
        ) {
            return Err(Status::not_found(kind, meta::name(current)));
        }
        let scale = scale_of(current);
        let patched = apply_patch(kind, &scale, ty, body)?;
        let Some(replicas) = meta::at(&patched, "/spec/replicas").and_then(Value::as_i64) else {
            return Ok(scale);
        };
        let mut obj = current.clone();
        meta::ensure_object(&mut obj, "spec").insert("replicas".into(), json!(replicas));
        if dry_run {
            return Ok(scale_of(&obj));
        }
        let updated = self.update_as(kind, obj, "scale")?;
        Ok(scale_of(&updated))
    }

    fn server_side_apply(
        &mut self,
        kind: &'static Kind,
        namespace: &str,
        name: &str,
        body: &str,
        manager: &str,
        opts: PatchOptions,
    ) -> Result<Value> {
        let config = go_json::parse(body)
            .map_err(|e| Status::bad_request(format!("error decoding YAML: {e}")))?;
        check_name(&config, name)?;
        let current = self.get(kind, namespace, name).ok().cloned();
        let now = self.now().rfc3339();
        let mut applied =
            managed::apply::apply(kind, current.as_ref(), &config, manager, opts.force, &now)?;
        if opts.dry_run {
            // Checked as the write would be; answered with the merged object.
            let checked = match current {
                Some(_) => self.dry_run_update(kind, applied.clone()),
                None => {
                    let mut obj = applied.clone();
                    if kind.namespaced {
                        meta::metadata_mut(&mut obj).insert("namespace".into(), json!(namespace));
                    }
                    self.dry_run_create(kind, obj)
                }
            };
            return checked.map(|_| applied);
        }
        let saved = std::mem::replace(&mut self.manager, manager.to_string());
        let result = match current {
            Some(_) => self.update_tracked(kind, applied, "", Tracking::Keep),
            None => {
                if kind.namespaced {
                    meta::metadata_mut(&mut applied).insert("namespace".into(), json!(namespace));
                }
                self.create_tracked(kind, applied, Tracking::Keep)
            }
        };
        self.manager = saved;
        result
    }
}

/// `the name of the object (x) does not match the name on the URL (y)`.
fn check_name(obj: &Value, name: &str) -> Result<()> {
    let got = meta::name(obj);
    if !got.is_empty() && got != name {
        return Err(Status::bad_request(format!(
            "the name of the object ({got}) does not match the name on the URL ({name})"
        )));
    }
    Ok(())
}

/// An object's `autoscaling/v1` Scale.
pub fn scale_of(obj: &Value) -> Value {
    let m = obj.get("metadata").cloned().unwrap_or(json!({}));
    let selector = meta::at(obj, "/spec/selector/matchLabels")
        .and_then(Value::as_object)
        .map(|labels| {
            labels
                .iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    json!({
        "apiVersion": "autoscaling/v1",
        "kind": "Scale",
        "metadata": {
            "creationTimestamp": m.get("creationTimestamp").cloned().unwrap_or(Value::Null),
            "name": m.get("name").cloned().unwrap_or(Value::Null),
            "namespace": m.get("namespace").cloned().unwrap_or(Value::Null),
            "resourceVersion": m.get("resourceVersion").cloned().unwrap_or(Value::Null),
            "uid": m.get("uid").cloned().unwrap_or(Value::Null),
        },
        "spec": {"replicas": meta::at(obj, "/spec/replicas").cloned().unwrap_or(json!(1))},
        "status": {
            "replicas": meta::at(obj, "/status/replicas").cloned().unwrap_or(json!(0)),
            "selector": selector,
        },
    })
}

#[cfg(test)]
mod tests;
