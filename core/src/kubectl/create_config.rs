//! `kubectl create configmap` and `kubectl create secret generic|tls|docker-registry`: data
//! gathered on the client from literals, files and env files, as kubectl v1.35 builds it.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::args::{Flag, Parsed, switch, value};
use super::shell::Shell;
use crate::api::base64;

pub const CONFIGMAP_FLAGS: &[Flag] = &[
    value("from-literal", None),
    value("from-file", None),
    value("from-env-file", None),
    switch("append-hash", None),
];

pub const SECRET_GENERIC_FLAGS: &[Flag] = &[
    value("from-literal", None),
    value("from-file", None),
    value("from-env-file", None),
    value("type", None),
    switch("append-hash", None),
];

pub const SECRET_TLS_FLAGS: &[Flag] = &[
    value("cert", None),
    value("key", None),
    switch("append-hash", None),
];

pub const SECRET_DOCKER_FLAGS: &[Flag] = &[
    value("docker-server", None),
    value("docker-username", None),
    value("docker-password", None),
    value("docker-email", None),
    value("from-file", None),
    switch("append-hash", None),
];

/// The key/value pairs of `--from-literal`, `--from-file` and `--from-env-file`, in order,
/// with kubectl's errors for bad keys and duplicates. `kind` names the object in messages.
fn sources(
    parsed: &Parsed,
    shell: &Shell,
    kind: &str,
    name: &str,
) -> Result<BTreeMap<String, String>, String> {
    let env_files = parsed.all("from-env-file");
    if !env_files.is_empty()
        && (!parsed.all("from-file").is_empty() || !parsed.all("from-literal").is_empty())
    {
        return Err(
            "error: from-env-file cannot be combined with from-file or from-literal".into(),
        );
    }
    let mut data = BTreeMap::new();
    let add = |key: &str,
               value: String,
               data: &mut BTreeMap<String, String>|
     -> Result<(), String> {
        if let Some(problem) = invalid_key(key) {
            return Err(format!(
                "error: \"{key}\" is not a valid key name for a {kind}: {problem}"
            ));
        }
        if data.contains_key(key) {
            return Err(format!(
                "error: cannot add key \"{key}\", another key by that name already exists in Data for {kind} \"{name}\""
            ));
        }
        data.insert(key.to_string(), value);
        Ok(())
    };
    for literal in parsed.all("from-literal") {
        let Some((key, value)) = literal.split_once('=') else {
            return Err(format!(
                "error: invalid literal source {literal}, expected key=value"
            ));
        };
        add(key, value.to_string(), &mut data)?;
    }
    for source in parsed.all("from-file") {
        let (key, path) = match source.split_once('=') {
            Some((k, p)) => (k.to_string(), p.to_string()),
            None => (
                source.rsplit('/').next().unwrap_or(source).to_string(),
                source.clone(),
            ),
        };
        let text = shell
            .read_file(&path)
            .ok_or_else(|| format!("error: error reading {path}: no such file or directory"))?;
        add(&key, text, &mut data)?;
    }
    for path in env_files {
        let text = shell
            .read_file(path)
            .ok_or_else(|| format!("error: error reading {path}: no such file or directory"))?;
        for line in text.lines() {
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, value) = line.split_once('=').unwrap_or((line, ""));
            add(key, value.to_string(), &mut data)?;
        }
    }
    Ok(data)
}

/// Why `key` cannot be a ConfigMap or Secret key (upstream's `IsConfigMapKey`), if it cannot.
fn invalid_key(key: &str) -> Option<String> {
    let valid = !key.is_empty()
        && key.len() <= 253
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && key != "."
        && key != ".."
        && !key.starts_with("..");
    (!valid).then(|| {
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')".to_string()
    })
}

pub fn configmap(name: &str, parsed: &Parsed, shell: &Shell) -> Result<Value, String> {
    let data = sources(parsed, shell, "ConfigMap", name)?;
    let mut cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}});
    if !data.is_empty() {
        cm["data"] = json!(data);
    }
    Ok(cm)
}

pub fn secret_generic(name: &str, parsed: &Parsed, shell: &Shell) -> Result<Value, String> {
    let data = sources(parsed, shell, "Secret", name)?;
    let mut secret = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name}});
    if !data.is_empty() {
        let encoded: BTreeMap<&String, String> = data
            .iter()
            .map(|(k, v)| (k, base64::encode(v.as_bytes())))
            .collect();
        secret["data"] = json!(encoded);
    }
    if let Some(t) = parsed.get("type") {
        secret["type"] = json!(t);
    }
    Ok(secret)
}

pub fn secret_tls(name: &str, parsed: &Parsed, shell: &Shell) -> Result<Value, String> {
    let (Some(cert), Some(key)) = (parsed.get("cert"), parsed.get("key")) else {
        return Err("error: key and cert must be specified".into());
    };
    let read = |path: &str| {
        shell
            .read_file(path)
            .ok_or_else(|| format!("error: open {path}: no such file or directory"))
    };
    let (cert_pem, key_pem) = (read(cert)?, read(key)?);
    if !cert_pem.contains("-----BEGIN CERTIFICATE-----") {
        return Err("error: tls: failed to find any PEM data in certificate input".into());
    }
    if !key_pem.contains("-----BEGIN") || !key_pem.contains("PRIVATE KEY-----") {
        return Err("error: tls: failed to find any PEM data in key input".into());
    }
    Ok(json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name},
        "data": {
            "tls.crt": base64::encode(cert_pem.as_bytes()),
            "tls.key": base64::encode(key_pem.as_bytes()),
        },
        "type": "kubernetes.io/tls",
    }))
}

pub fn secret_docker_registry(name: &str, parsed: &Parsed, shell: &Shell) -> Result<Value, String> {
    let config = if let Some(file) = parsed.all("from-file").first() {
        let (_, path) = file.split_once('=').unwrap_or(("", file));
        shell
            .read_file(path)
            .ok_or_else(|| format!("error: error reading {path}: no such file or directory"))?
    } else {
        let (Some(user), Some(password)) =
            (parsed.get("docker-username"), parsed.get("docker-password"))
        else {
            return Err("error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required".into());
        };
        let server = parsed
            .get("docker-server")
            .unwrap_or("https://index.docker.io/v1/");
        let auth = base64::encode(format!("{user}:{password}").as_bytes());
        let mut fields = vec![("username", user), ("password", password)];
        if let Some(email) = parsed.get("docker-email") {
            fields.push(("email", email));
        }
        fields.push(("auth", &auth));
        // Go marshals these struct fields in declaration order, which a JSON map would sort:
        // write the text by hand in that order.
        let fields: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{}:{}", json!(k), json!(v)))
            .collect();
        format!(
            "{{\"auths\":{{{}:{{{}}}}}}}",
            json!(server),
            fields.join(",")
        )
    };
    Ok(json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name},
        "data": {".dockerconfigjson": base64::encode(config.as_bytes())},
        "type": "kubernetes.io/dockerconfigjson",
    }))
}
