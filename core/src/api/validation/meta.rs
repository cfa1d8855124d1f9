//! `ObjectMeta` checks on create and update (`ValidateObjectMeta`, `ValidateObjectMetaUpdate`),
//! and which name format each kind requires.

use serde_json::Value;

use super::field::{BadValue, ErrorList, FieldError, Path};
use super::labels::{is_label_key, validate_annotations, validate_labels};
use super::names::{
    invalid_each, is_dns1035_label, is_dns1123_label, is_dns1123_subdomain,
    is_valid_path_segment_name,
};
use crate::api::Kind;

/// Checks a name (or, with `prefix`, a `generateName` prefix) and returns upstream's messages.
pub type NameFn = fn(&str, bool) -> Vec<String>;

/// `generateName` prefixes may end in `-`: the check sees a letter instead.
fn mask_trailing_dash(name: &str) -> String {
    match name.strip_suffix('-') {
        Some(rest) if name.len() > 1 => {
            // Upstream cuts bytes; a cut inside a character keeps it (and still fails).
            let rest = rest.get(..rest.len().saturating_sub(1)).unwrap_or(rest);
            format!("{rest}a")
        }
        _ => name.to_string(),
    }
}

fn masked(name: &str, prefix: bool) -> String {
    if prefix {
        mask_trailing_dash(name)
    } else {
        name.to_string()
    }
}

pub fn name_is_dns_subdomain(name: &str, prefix: bool) -> Vec<String> {
    is_dns1123_subdomain(&masked(name, prefix))
}

pub fn name_is_dns_label(name: &str, prefix: bool) -> Vec<String> {
    is_dns1123_label(&masked(name, prefix))
}

pub fn name_is_dns1035_label(name: &str, prefix: bool) -> Vec<String> {
    is_dns1035_label(&masked(name, prefix))
}

/// RBAC objects may be named like `system:controller:foo`.
pub fn name_is_path_segment(name: &str, prefix: bool) -> Vec<String> {
    if prefix {
        // `IsValidPathSegmentPrefix` only checks the characters.
        return is_valid_path_segment_name(name)
            .into_iter()
            .filter(|m| m.starts_with("may not contain"))
            .collect();
    }
    is_valid_path_segment_name(name)
}

/// The name rule of a kind: DNS subdomain unless upstream says otherwise.
pub fn name_rule(kind: &Kind) -> NameFn {
    match (kind.group, kind.kind) {
        ("", "Namespace") => name_is_dns_label,
        ("", "Service") => name_is_dns1035_label,
        ("apps", "StatefulSet") => name_is_dns_label,
        (
            "rbac.authorization.k8s.io",
            "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding",
        ) => name_is_path_segment,
        _ => name_is_dns_subdomain,
    }
}

fn str_at<'a>(obj: &'a Value, key: &str) -> &'a str {
    obj.get(key).and_then(Value::as_str).unwrap_or("")
}

/// `ValidateObjectMeta` (with the core group's finalizer rule) for an object being created.
pub fn validate_object_meta(
    meta: Option<&Value>,
    namespaced: bool,
    name_fn: NameFn,
    path: &Path,
) -> ErrorList {
    let empty = Value::Null;
    let meta = meta.unwrap_or(&empty);
    let mut errs = ErrorList::new();
    let generate_name = str_at(meta, "generateName");
    if !generate_name.is_empty() {
        errs.extend(invalid_each(
            &path.child("generateName"),
            generate_name,
            name_fn(generate_name, true),
        ));
    }
    let name = str_at(meta, "name");
    if name.is_empty() {
        errs.push(FieldError::required(
            &path.child("name"),
            "name or generateName is required",
        ));
    } else {
        errs.extend(invalid_each(
            &path.child("name"),
            name,
            name_fn(name, false),
        ));
    }
    let namespace = str_at(meta, "namespace");
    if namespaced {
        if namespace.is_empty() {
            errs.push(FieldError::required(&path.child("namespace"), ""));
        } else {
            errs.extend(invalid_each(
                &path.child("namespace"),
                namespace,
                name_is_dns_label(namespace, false),
            ));
        }
    } else if !namespace.is_empty() {
        errs.push(FieldError::forbidden(
            &path.child("namespace"),
            "not allowed on this type",
        ));
    }
    errs.extend(common(meta, path));
    for (i, f) in finalizers(meta).iter().enumerate() {
        errs.extend(kube_finalizer_name(f, &path.child("finalizers").index(i)));
    }
    errs
}

/// What create and update both check: generation, labels, annotations, owners, finalizers.
fn common(meta: &Value, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    if let Some(generation) = meta.get("generation").and_then(Value::as_i64)
        && generation < 0
    {
        errs.push(super::nonnegative_error(
            &path.child("generation"),
            generation,
        ));
    }
    errs.extend(validate_labels(meta.get("labels"), &path.child("labels")));
    errs.extend(validate_annotations(
        meta.get("annotations"),
        &path.child("annotations"),
    ));
    errs.extend(owner_references(
        meta.get("ownerReferences"),
        &path.child("ownerReferences"),
    ));
    errs.extend(finalizer_names(meta, &path.child("finalizers")));
    errs
}

fn finalizers(meta: &Value) -> Vec<&str> {
    meta.get("finalizers")
        .and_then(Value::as_array)
        .map(|fs| fs.iter().map(|f| f.as_str().unwrap_or("")).collect())
        .unwrap_or_default()
}

/// `ValidateFinalizers`: qualified names, and not both `orphan` and `foregroundDeletion`.
fn finalizer_names(meta: &Value, path: &Path) -> ErrorList {
    let list = finalizers(meta);
    let mut errs = ErrorList::new();
    for f in &list {
        errs.extend(invalid_each(path, f, is_label_key(f)));
    }
    if list.contains(&"orphan") && list.contains(&"foregroundDeletion") {
        errs.push(FieldError::invalid(
            path,
            BadValue::Json(meta.get("finalizers").cloned().unwrap_or(Value::Null)),
            "finalizer orphan and foregroundDeletion cannot be both set",
        ));
    }
    errs
}

/// Core's extra rule: a finalizer without a domain must be one of the standard ones.
pub fn kube_finalizer_name(name: &str, path: &Path) -> ErrorList {
    if !name.contains('/') && !matches!(name, "kubernetes" | "orphan" | "foregroundDeletion") {
        return vec![FieldError::invalid(
            path,
            name.into(),
            "name is neither a standard finalizer name nor is it fully qualified",
        )];
    }
    Vec::new()
}

/// `ValidateOwnerReferences`.
fn owner_references(refs: Option<&Value>, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let refs = refs
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mut first_controller: Option<String> = None;
    for r in refs {
        let api_version = str_at(r, "apiVersion");
        let version = api_version.rsplit('/').next().unwrap_or("");
        if version.is_empty() {
            errs.push(FieldError::invalid(
                &path.child("apiVersion"),
                api_version.into(),
                "version must not be empty",
            ));
        }
        for (field, detail) in [
            ("kind", "must not be empty"),
            ("name", "must not be empty"),
            ("uid", "must not be empty"),
        ] {
            let value = str_at(r, field);
            if value.is_empty() {
                errs.push(FieldError::invalid(
                    &path.child(field),
                    value.into(),
                    detail,
                ));
            }
        }
        if api_version == "v1" && str_at(r, "kind") == "Event" {
            errs.push(FieldError::invalid(
                path,
                BadValue::Json(r.clone()),
                "/v1, Kind=Event is disallowed from being an owner",
            ));
        }
        if r.get("controller").and_then(Value::as_bool) == Some(true) {
            let this = format!("{}/{}", str_at(r, "kind"), str_at(r, "name"));
            match &first_controller {
                Some(first) => errs.push(FieldError::invalid(
                    path,
                    BadValue::Json(Value::from(refs.to_vec())),
                    &format!(
                        "Only one reference can have Controller set to true. Found \"true\" in references for {first} and {this}"
                    ),
                )),
                None => first_controller = Some(this),
            }
        }
    }
    errs
}

/// `ValidateObjectMetaUpdate`: identity fields may not change; no finalizers may be added to
/// an object being deleted; labels and annotations must still be valid. (The generation is
/// the server's to set, so a client's is ignored rather than checked.)
pub fn validate_object_meta_update(
    new: Option<&Value>,
    old: Option<&Value>,
    path: &Path,
) -> ErrorList {
    let empty = Value::Null;
    let (new, old) = (new.unwrap_or(&empty), old.unwrap_or(&empty));
    let mut errs = ErrorList::new();
    if old.get("deletionTimestamp").is_some_and(|v| !v.is_null()) {
        let old_finalizers = finalizers(old);
        let mut extra: Vec<&str> = finalizers(new)
            .into_iter()
            .filter(|f| !old_finalizers.contains(f))
            .collect();
        extra.sort_unstable();
        extra.dedup();
        if !extra.is_empty() {
            let quoted: Vec<String> = extra.iter().map(|f| super::field::go_quote(f)).collect();
            errs.push(FieldError::forbidden(
                &path.child("finalizers"),
                &format!(
                    "no new finalizers can be added if the object is being deleted, found new finalizers []string{{{}}}",
                    quoted.join(", ")
                ),
            ));
        }
    }
    for field in ["name", "namespace", "uid", "creationTimestamp"] {
        let (n, o) = (new.get(field), old.get(field));
        if n != o {
            errs.push(FieldError::invalid(
                &path.child(field),
                BadValue::of(n),
                super::FIELD_IMMUTABLE,
            ));
        }
    }
    errs.extend(common(new, path));
    for (i, f) in finalizers(new).iter().enumerate() {
        errs.extend(kube_finalizer_name(f, &path.child("finalizers").index(i)));
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generate_name_may_end_in_a_dash() {
        assert!(name_is_dns_subdomain("web-", true).is_empty());
        assert!(!name_is_dns_subdomain("web-", false).is_empty());
        assert!(name_is_path_segment("system:node", false).is_empty());
        assert_eq!(
            name_is_path_segment("a/b", false),
            vec!["may not contain '/'"]
        );
    }
}
