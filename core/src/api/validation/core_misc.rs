//! The small core kinds: ConfigMaps and Secrets (keys that can be file names, a 1 MiB total,
//! `immutable` respected on update), Namespaces (DNS-label names, finalizer names) and Nodes
//! (taints).

use std::collections::BTreeSet;

use serde_json::Value;

use super::field::{BadValue, ErrorList, FieldError, Path};
use super::labels::{is_label_key, is_label_value, validate_label_name};
use super::meta::{
    kube_finalizer_name, name_is_dns_label, name_is_dns_subdomain, validate_object_meta,
};
use super::names::{invalid_each, is_config_map_key};
use super::{immutable, list, str_of};

/// `core.MaxSecretSize`: what a ConfigMap or Secret may hold in all.
const MAX_SIZE: usize = 1024 * 1024;

fn meta(obj: &Value, namespaced: bool, name_fn: super::meta::NameFn) -> ErrorList {
    validate_object_meta(
        obj.get("metadata"),
        namespaced,
        name_fn,
        &Path::new("metadata"),
    )
}

/// Keys of a data map (sorted) with the size of their values.
fn entries(v: Option<&Value>) -> Vec<(&str, usize)> {
    v.and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.as_str(), v.as_str().map_or(0, str::len)))
                .collect()
        })
        .unwrap_or_default()
}

/// `ValidateConfigMap`.
pub fn validate_config_map(obj: &Value) -> ErrorList {
    let mut errs = meta(obj, true, name_is_dns_subdomain);
    let binary = entries(obj.get("binaryData"));
    let mut total = 0;
    for (key, size) in entries(obj.get("data")) {
        let p = Path::new("data").key(key);
        errs.extend(invalid_each(&p, key, is_config_map_key(key)));
        if binary.iter().any(|(k, _)| *k == key) {
            errs.push(FieldError::invalid(
                &p,
                key.into(),
                "duplicate of key present in binaryData",
            ));
        }
        total += size;
    }
    for (key, size) in &binary {
        errs.extend(invalid_each(
            &Path::new("binaryData").key(key),
            key,
            is_config_map_key(key),
        ));
        // binaryData holds base64; the limit counts the decoded bytes.
        total += size / 4 * 3;
    }
    if total > MAX_SIZE {
        errs.push(FieldError::too_long(&Path::new(""), MAX_SIZE));
    }
    errs
}

/// `ValidateConfigMapUpdate`: an immutable ConfigMap keeps its data.
pub fn validate_config_map_update(new: &Value, old: &Value) -> ErrorList {
    let mut errs = immutable_data(new, old, &["data", "binaryData"]);
    errs.extend(validate_config_map(new));
    errs
}

fn immutable_data(new: &Value, old: &Value, fields: &[&str]) -> ErrorList {
    let mut errs = ErrorList::new();
    if old.get("immutable").and_then(Value::as_bool) != Some(true) {
        return errs;
    }
    if new.get("immutable").and_then(Value::as_bool) != Some(true) {
        errs.push(FieldError::forbidden(
            &Path::new("immutable"),
            "field is immutable when `immutable` is set",
        ));
    }
    for field in fields {
        if new.get(*field) != old.get(*field) {
            errs.push(FieldError::forbidden(
                &Path::new(field),
                "field is immutable when `immutable` is set",
            ));
        }
    }
    errs
}

/// `ValidateSecret`. `stringData` is merged into `data` before upstream validates, so its
/// keys are reported under `data`.
pub fn validate_secret(obj: &Value) -> ErrorList {
    let mut errs = meta(obj, true, name_is_dns_subdomain);
    let data = Path::new("data");
    let mut total = 0;
    let mut keys = BTreeSet::new();
    for (key, size) in entries(obj.get("data")) {
        keys.insert(key);
        total += size / 4 * 3;
    }
    for (key, size) in entries(obj.get("stringData")) {
        keys.insert(key);
        total += size;
    }
    for key in &keys {
        errs.extend(invalid_each(&data.key(key), key, is_config_map_key(key)));
    }
    if total > MAX_SIZE {
        errs.push(FieldError::too_long(&data, MAX_SIZE));
    }
    let has = |k: &str| keys.contains(k);
    let required = |k: &str| FieldError::required(&data.key(k), "");
    match str_of(obj, "type") {
        "kubernetes.io/service-account-token" => {
            let name = obj
                .pointer("/metadata/annotations/kubernetes.io~1service-account.name")
                .and_then(Value::as_str)
                .unwrap_or("");
            if name.is_empty() {
                errs.push(FieldError::required(
                    &Path::new("metadata")
                        .child("annotations")
                        .key("kubernetes.io/service-account.name"),
                    "",
                ));
            }
        }
        "kubernetes.io/dockercfg" if !has(".dockercfg") => errs.push(required(".dockercfg")),
        "kubernetes.io/dockerconfigjson" if !has(".dockerconfigjson") => {
            errs.push(required(".dockerconfigjson"));
        }
        "kubernetes.io/basic-auth" if !has("username") && !has("password") => {
            errs.push(required("username"));
            errs.push(required("password"));
        }
        "kubernetes.io/ssh-auth" if !has("ssh-privatekey") => errs.push(required("ssh-privatekey")),
        "kubernetes.io/tls" => {
            for k in ["tls.crt", "tls.key"] {
                if !has(k) {
                    errs.push(required(k));
                }
            }
        }
        _ => {}
    }
    errs
}

/// `ValidateSecretUpdate`: the type is fixed; an immutable Secret keeps its data.
pub fn validate_secret_update(new: &Value, old: &Value) -> ErrorList {
    let mut errs = immutable(
        new.get("type"),
        old.get("type"),
        &Path::new("type"),
        BadValue::named(str_of(new, "type")),
    );
    errs.extend(immutable_data(new, old, &["data"]));
    errs.extend(validate_secret(new));
    errs
}

/// `ValidateNamespace`: DNS-label names; finalizers in `spec` must be qualified names.
pub fn validate_namespace(obj: &Value) -> ErrorList {
    let mut errs = meta(obj, false, name_is_dns_label);
    let path = Path::new("spec").child("finalizers");
    for f in list(obj.pointer("/spec/finalizers")) {
        let f = f.as_str().unwrap_or("");
        errs.extend(invalid_each(&path, f, is_label_key(f)));
        errs.extend(kube_finalizer_name(f, &path));
    }
    errs
}

/// `ValidateNode` (metadata and taints).
pub fn validate_node(obj: &Value) -> ErrorList {
    let mut errs = meta(obj, false, name_is_dns_subdomain);
    errs.extend(validate_node_update(obj));
    errs
}

/// `validateNodeTaints`: label-like keys and values, a known effect, unique key and effect.
pub fn validate_node_update(obj: &Value) -> ErrorList {
    let mut errs = ErrorList::new();
    // Upstream reports node taints under `metadata.taints`.
    let path = Path::new("metadata").child("taints");
    let mut seen = BTreeSet::new();
    for (i, taint) in list(obj.pointer("/spec/taints")).iter().enumerate() {
        let p = path.index(i);
        let key = str_of(taint, "key");
        let value = str_of(taint, "value");
        let effect = str_of(taint, "effect");
        errs.extend(validate_label_name(key, &p.child("key")));
        let msgs = is_label_value(value);
        if !msgs.is_empty() {
            errs.push(FieldError::invalid(
                &p.child("value"),
                value.into(),
                &msgs.join(";"),
            ));
        }
        if effect.is_empty() {
            errs.push(FieldError::required(&p.child("effect"), ""));
        } else if !matches!(effect, "NoSchedule" | "PreferNoSchedule" | "NoExecute") {
            errs.push(FieldError::not_supported(
                &p.child("effect"),
                BadValue::named(effect),
                &["NoSchedule", "PreferNoSchedule", "NoExecute"],
            ));
        }
        if !seen.insert((effect, key)) {
            let mut e = FieldError::duplicate(&p, BadValue::Json(taint.clone()));
            e.detail = "taints must be unique by key and effect pair".into();
            errs.push(e);
        }
    }
    errs
}
