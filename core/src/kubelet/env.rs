//! A container's environment, as the kubelet builds it and the runtime completes it.
//!
//! The kubelet resolves `envFrom` (with prefixes), `env` values with `$(VAR)` references, and
//! `valueFrom` (ConfigMap and Secret keys, the downward API's `fieldRef` and
//! `resourceFieldRef`), then adds the Docker-style variables of the Services it knows. A
//! missing ConfigMap or Secret (or key) that is not `optional` fails container creation with
//! upstream's message (`configmap "x" not found`), shown as `CreateContainerConfigError`. The
//! runtime then puts the image's ENV first, adds `HOSTNAME`, and `HOME` if nobody set it.

use serde_json::Value;

use super::images::Image;
use crate::api::{base64, meta, quantity};
use crate::controllers::kind;
use crate::store::Store;

/// What the downward API and service links need to know about the pod.
pub struct PodFacts<'a> {
    pub pod: &'a Value,
    pub node: &'a Value,
    pub pod_ip: &'a str,
    pub host_ip: &'a str,
}

/// `$(VAR)` expansion as the kubelet applies it to env values, commands and args: defined
/// names are replaced, `$$` is a literal `$`, anything else stays as written.
pub fn expand(s: &str, lookup: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        out.push_str(rest.get(..i).unwrap_or(""));
        let after = rest.get(i + 1..).unwrap_or("");
        if let Some(r) = after.strip_prefix('$') {
            out.push('$');
            rest = r;
        } else if let Some(inner) = after.strip_prefix('(') {
            match inner.find(')') {
                Some(close) => {
                    let name = inner.get(..close).unwrap_or("");
                    match lookup(name) {
                        Some(v) => out.push_str(&v),
                        None => {
                            out.push_str("$(");
                            out.push_str(name);
                            out.push(')');
                        }
                    }
                    rest = inner.get(close + 1..).unwrap_or("");
                }
                None => {
                    out.push_str("$(");
                    rest = inner;
                }
            }
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn lookup_in(env: &[(String, String)]) -> impl Fn(&str) -> Option<String> + '_ {
    move |name| {
        env.iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

/// The variables the kubelet gives a container, in the order declared (envFrom, env), then
/// the service links; or the reason the container cannot be created.
pub fn kubelet_env(
    container: &Value,
    facts: &PodFacts<'_>,
    store: &Store,
) -> Result<Vec<(String, String)>, String> {
    let pod = facts.pod;
    let namespace = meta::namespace(pod);
    let service_env = service_links(pod, store);
    let mut env: Vec<(String, String)> = Vec::new();
    let set = |env: &mut Vec<(String, String)>, k: String, v: String| match env
        .iter_mut()
        .find(|(name, _)| *name == k)
    {
        Some(entry) => entry.1 = v,
        None => env.push((k, v)),
    };
    for source in meta::array_at(container, "/envFrom") {
        let prefix = meta::str_at(source, "/prefix");
        let (what, optional) = if let Some(r) = source.get("configMapRef") {
            (
                ("configmap", "ConfigMap", meta::str_at(r, "/name")),
                r.get("optional") == Some(&Value::Bool(true)),
            )
        } else if let Some(r) = source.get("secretRef") {
            (
                ("secret", "Secret", meta::str_at(r, "/name")),
                r.get("optional") == Some(&Value::Bool(true)),
            )
        } else {
            continue;
        };
        let Some(data) = data_of(store, what.1, namespace, what.2) else {
            if optional {
                continue;
            }
            return Err(format!("{} \"{}\" not found", what.0, what.2));
        };
        for (k, v) in data {
            set(&mut env, format!("{prefix}{k}"), v);
        }
    }
    for var in meta::array_at(container, "/env") {
        let name = meta::str_at(var, "/name").to_string();
        let value = if let Some(v) = var.get("value").and_then(Value::as_str) {
            let known: Vec<(String, String)> =
                env.iter().chain(service_env.iter()).cloned().collect();
            expand(v, &lookup_in(&known))
        } else if let Some(from) = var.get("valueFrom") {
            match value_from(from, container, facts, store)? {
                Some(v) => v,
                None => continue,
            }
        } else {
            String::new()
        };
        set(&mut env, name, value);
    }
    for (k, v) in service_env {
        if !env.iter().any(|(name, _)| *name == k) {
            env.push((k, v));
        }
    }
    Ok(env)
}

/// The process's environment: the image's ENV (with PATH first), HOSTNAME, the kubelet's
/// variables, and HOME when unset, as containerd and runc assemble it.
pub fn process_env(
    image: Option<&Image>,
    version: &str,
    hostname: &str,
    kubelet: &[(String, String)],
    home: &str,
) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = vec![(
        "PATH".into(),
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
    )];
    let put = |env: &mut Vec<(String, String)>, k: &str, v: String| match env
        .iter_mut()
        .find(|(name, _)| name == k)
    {
        Some(entry) => entry.1 = v,
        None => env.push((k.to_string(), v)),
    };
    put(&mut env, "HOSTNAME", hostname.to_string());
    if let Some(image) = image {
        for (k, v) in image.env {
            put(&mut env, k, v.replace("{version}", version));
        }
    }
    for (k, v) in kubelet {
        put(&mut env, k, v.clone());
    }
    if !env.iter().any(|(k, _)| k == "HOME") {
        env.push(("HOME".into(), home.to_string()));
    }
    env
}

/// A ConfigMap's `data` or a Secret's decoded `data`, sorted by key.
pub fn data_of(
    store: &Store,
    kind_name: &str,
    namespace: &str,
    name: &str,
) -> Option<Vec<(String, String)>> {
    let obj = store.get(kind("", kind_name), namespace, name).ok()?;
    let mut out: Vec<(String, String)> = Vec::new();
    if let Some(data) = obj.get("data").and_then(Value::as_object) {
        for (k, v) in data {
            let text = v.as_str().unwrap_or("");
            let value = if kind_name == "Secret" {
                base64::decode(text)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default()
            } else {
                text.to_string()
            };
            out.push((k.clone(), value));
        }
    }
    if kind_name == "Secret"
        && let Some(data) = obj.get("stringData").and_then(Value::as_object)
    {
        for (k, v) in data {
            out.retain(|(key, _)| key != k);
            out.push((k.clone(), v.as_str().unwrap_or("").to_string()));
        }
    }
    out.sort();
    Some(out)
}

fn value_from(
    from: &Value,
    container: &Value,
    facts: &PodFacts<'_>,
    store: &Store,
) -> Result<Option<String>, String> {
    let namespace = meta::namespace(facts.pod);
    for (field, kind_name, word) in [
        ("configMapKeyRef", "ConfigMap", "configmap"),
        ("secretKeyRef", "Secret", "secret"),
    ] {
        let Some(r) = from.get(field) else { continue };
        let name = meta::str_at(r, "/name");
        let key = meta::str_at(r, "/key");
        let optional = r.get("optional") == Some(&Value::Bool(true));
        let Some(data) = data_of(store, kind_name, namespace, name) else {
            if optional {
                return Ok(None);
            }
            return Err(format!("{word} \"{name}\" not found"));
        };
        return match data.into_iter().find(|(k, _)| k == key) {
            Some((_, v)) => Ok(Some(v)),
            None if optional => Ok(None),
            None => Err(format!(
                "couldn't find key {key} in {kind_name} {namespace}/{name}"
            )),
        };
    }
    if let Some(f) = from.get("fieldRef") {
        return Ok(Some(field_ref(meta::str_at(f, "/fieldPath"), facts)));
    }
    if let Some(r) = from.get("resourceFieldRef") {
        let target = match meta::str_at(r, "/containerName") {
            "" => container,
            name => all_containers(facts.pod)
                .find(|c| meta::str_at(c, "/name") == name)
                .unwrap_or(container),
        };
        return Ok(Some(resource_field_ref(
            meta::str_at(r, "/resource"),
            meta::str_at(r, "/divisor"),
            target,
            facts.node,
        )));
    }
    Ok(Some(String::new()))
}

fn all_containers(pod: &Value) -> impl Iterator<Item = &Value> {
    meta::array_at(pod, "/spec/containers")
        .iter()
        .chain(meta::array_at(pod, "/spec/initContainers"))
}

/// The downward API's `fieldRef` values.
pub fn field_ref(path: &str, facts: &PodFacts<'_>) -> String {
    let pod = facts.pod;
    let map_line = |map: Option<&serde_json::Map<String, Value>>| {
        map.map(|m| {
            m.iter()
                .map(|(k, v)| format!("{k}=\"{}\"", v.as_str().unwrap_or("")))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
    };
    let key_of = |p: &str, prefix: &str| -> Option<String> {
        p.strip_prefix(prefix)?
            .strip_suffix("']")
            .map(str::to_string)
    };
    match path {
        "metadata.name" => meta::name(pod).to_string(),
        "metadata.namespace" => meta::namespace(pod).to_string(),
        "metadata.uid" => meta::uid(pod).to_string(),
        "metadata.labels" => map_line(meta::labels(pod)),
        "metadata.annotations" => map_line(
            pod.pointer("/metadata/annotations")
                .and_then(Value::as_object),
        ),
        "spec.nodeName" => meta::str_at(pod, "/spec/nodeName").to_string(),
        "spec.serviceAccountName" => meta::str_at(pod, "/spec/serviceAccountName").to_string(),
        "status.hostIP" | "status.hostIPs" => facts.host_ip.to_string(),
        "status.podIP" | "status.podIPs" => facts.pod_ip.to_string(),
        p => {
            if let Some(k) = key_of(p, "metadata.labels['") {
                meta::labels(pod)
                    .and_then(|l| l.get(&k))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            } else if let Some(k) = key_of(p, "metadata.annotations['") {
                pod.pointer("/metadata/annotations")
                    .and_then(|a| a.get(&k))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            } else {
                String::new()
            }
        }
    }
}

/// `resourceFieldRef`: a container's request or limit divided by `divisor` and rounded up;
/// an unset limit is the node's allocatable.
pub fn resource_field_ref(
    resource: &str,
    divisor: &str,
    container: &Value,
    node: &Value,
) -> String {
    let (kind_part, res) = resource.split_once('.').unwrap_or(("limits", resource));
    let set = container
        .pointer(&format!("/resources/{kind_part}/{res}"))
        .and_then(quantity_milli);
    let value = match (set, kind_part) {
        (Some(v), _) => v,
        (None, "limits") => node
            .pointer(&format!("/status/allocatable/{res}"))
            .and_then(quantity_milli)
            .unwrap_or(0),
        (None, _) => 0,
    };
    let divisor = match divisor {
        "" => 1000,
        d => quantity::parse_milli(d).filter(|d| *d > 0).unwrap_or(1000),
    };
    // Requests default to 0; CPU reports at least 1 unit of its divisor.
    let result = (value + divisor - 1) / divisor;
    let result = if res == "cpu" && kind_part == "requests" && result == 0 {
        0
    } else {
        result
    };
    result.to_string()
}

fn quantity_milli(v: &Value) -> Option<i128> {
    match v {
        Value::String(s) => quantity::parse_milli(s),
        Value::Number(n) => n.as_f64().map(|f| (f * 1000.0).ceil() as i128),
        _ => None,
    }
}

/// Docker link variables of the Services a pod sees: the master service always, the pod's
/// namespace's when `enableServiceLinks` (the default).
fn service_links(pod: &Value, store: &Store) -> Vec<(String, String)> {
    let namespace = meta::namespace(pod);
    let svc = kind("", "Service");
    let mut services: Vec<&Value> = Vec::new();
    if pod.pointer("/spec/enableServiceLinks") != Some(&Value::Bool(false)) {
        services.extend(store.list(svc, Some(namespace)));
    }
    if namespace != "default"
        && let Ok(master) = store.get(svc, "default", "kubernetes")
    {
        services.push(master);
    }
    let mut env = Vec::new();
    for s in services {
        let ip = meta::str_at(s, "/spec/clusterIP");
        if ip.is_empty() || ip == "None" {
            continue;
        }
        let ports = meta::array_at(s, "/spec/ports");
        let Some(first) = ports.first() else { continue };
        let prefix = meta::name(s).to_uppercase().replace('-', "_");
        let port_of = |p: &Value| p.get("port").and_then(Value::as_i64).unwrap_or(0);
        env.push((format!("{prefix}_SERVICE_HOST"), ip.to_string()));
        env.push((format!("{prefix}_SERVICE_PORT"), port_of(first).to_string()));
        for p in ports {
            let name = meta::str_at(p, "/name");
            if !name.is_empty() {
                env.push((
                    format!(
                        "{prefix}_SERVICE_PORT_{}",
                        name.to_uppercase().replace('-', "_")
                    ),
                    port_of(p).to_string(),
                ));
            }
        }
        for (i, p) in ports.iter().enumerate() {
            let proto = match meta::str_at(p, "/protocol") {
                "" => "tcp".to_string(),
                other => other.to_lowercase(),
            };
            let port = port_of(p);
            let url = format!("{proto}://{ip}:{port}");
            if i == 0 {
                env.push((format!("{prefix}_PORT"), url.clone()));
            }
            let base = format!("{prefix}_PORT_{port}_{}", proto.to_uppercase());
            env.push((base.clone(), url));
            env.push((format!("{base}_PROTO"), proto.clone()));
            env.push((format!("{base}_PORT"), port.to_string()));
            env.push((format!("{base}_ADDR"), ip.to_string()));
        }
    }
    env
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dependent_variables_expand() {
        let env = [("A".to_string(), "x".to_string())];
        let look = lookup_in(&env);
        assert_eq!(expand("$(A)-$(B)-$$(A)", &look), "x-$(B)-$(A)");
        assert_eq!(expand("cost $5", &look), "cost $5");
    }

    #[test]
    fn resource_fields_round_up_by_divisor() {
        let c = json!({"resources": {"limits": {"cpu": "500m", "memory": "64Mi"}}});
        let node = json!({"status": {"allocatable": {"cpu": "8", "memory": "16Gi"}}});
        assert_eq!(resource_field_ref("limits.cpu", "", &c, &node), "1");
        assert_eq!(resource_field_ref("limits.cpu", "1m", &c, &node), "500");
        assert_eq!(resource_field_ref("limits.memory", "1Mi", &c, &node), "64");
        assert_eq!(resource_field_ref("requests.memory", "", &c, &node), "0");
        let none = json!({});
        assert_eq!(resource_field_ref("limits.cpu", "", &none, &node), "8");
    }
}
