//! `kubectl expose`: a Service built on the client for a Pod, Service, ReplicationController,
//! Deployment or ReplicaSet — its selector and labels copied from the object, its ports from
//! `--port` or from the object's container ports, `targetPort` from `--target-port` or the port.

use serde_json::{Map, Value, json};

use super::args::{self, Flag, value};
use super::create::send;
use super::shell::Shell;
use super::{errors, namespace_of, resolve_kind};
use crate::api::meta;
use crate::cluster::Output;
use crate::sim::Sim;

pub(crate) const FLAGS: &[Flag] = &[
    value("port", None),
    value("target-port", None),
    value("protocol", None),
    value("name", None),
    value("type", None),
    value("selector", None),
    value("labels", Some('l')),
    value("external-ip", None),
    value("cluster-ip", None),
    value("session-affinity", None),
    value("load-balancer-ip", None),
    value("dry-run", None),
    value("output", Some('o')),
    value("field-manager", None),
    value("override-type", None),
    value("overrides", None),
];

pub fn run(words: &[String], shell: &mut Shell, sim: &mut Sim) -> Result<Output, String> {
    let parsed = args::parse(words, FLAGS, "kubectl expose")?;
    let (type_name, name) = match parsed.args.as_slice() {
        [both] if both.contains('/') => both
            .split_once('/')
            .map(|(t, n)| (t.to_string(), n.to_string()))
            .unwrap_or_default(),
        [t, n] => (t.clone(), n.clone()),
        _ => {
            return Err("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'".into());
        }
    };
    let kind = resolve_kind(&sim.store, &type_name)?;
    if !matches!(
        (kind.group, kind.kind),
        ("", "Pod" | "Service" | "ReplicationController") | ("apps", "Deployment" | "ReplicaSet")
    ) {
        return Err(format!("error: cannot expose a {}", qualified_kind(kind)));
    }
    let namespace = namespace_of(&parsed, shell);
    let obj = sim
        .store
        .get(kind, &namespace, &name)
        .map_err(|s| errors::render(&s))?
        .clone();
    let selector = match parsed.get("selector") {
        Some(s) => labels_from(s)?,
        None => selector_of(&obj).map_err(|e| {
            format!("error: couldn't retrieve selectors via --selector flag or introspection: {e}")
        })?,
    };
    let ports: Vec<String> = match parsed.get("port") {
        Some(p) => vec![p.to_string()],
        None => {
            let found = ports_of(&obj);
            if found.is_empty() && parsed.get("cluster-ip") != Some("None") {
                return Err("error: couldn't find port via --port flag or introspection".into());
            }
            found
        }
    };
    let mut service_ports = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let number: i64 = port
            .parse()
            .map_err(|_| format!("error: strconv.Atoi: parsing \"{port}\": invalid syntax"))?;
        let mut p = Map::new();
        if ports.len() > 1 {
            p.insert("name".into(), json!(format!("port-{}", i + 1)));
        }
        p.insert("port".into(), json!(number));
        p.insert(
            "protocol".into(),
            json!(parsed.get("protocol").unwrap_or("TCP")),
        );
        let target = match parsed.get("target-port") {
            Some(t) => t
                .parse::<i64>()
                .map(|n| json!(n))
                .unwrap_or_else(|_| json!(t)),
            None => json!(number),
        };
        p.insert("targetPort".into(), target);
        service_ports.push(Value::Object(p));
    }
    let mut spec = Map::new();
    if let Some(ip) = parsed.get("cluster-ip") {
        spec.insert("clusterIP".into(), json!(ip));
    }
    if let Some(ip) = parsed.get("external-ip") {
        spec.insert("externalIPs".into(), json!([ip]));
    }
    spec.insert("ports".into(), Value::Array(service_ports));
    spec.insert("selector".into(), Value::Object(selector));
    if let Some(affinity) = parsed.get("session-affinity") {
        if !matches!(affinity, "None" | "ClientIP") {
            return Err(format!("error: unknown session affinity: {affinity}"));
        }
        spec.insert("sessionAffinity".into(), json!(affinity));
    }
    if let Some(t) = parsed.get("type") {
        spec.insert("type".into(), json!(t));
    }
    let labels = match parsed.get("labels") {
        Some(l) => Some(labels_from(l)?),
        None => meta::labels(&obj).cloned(),
    };
    let service_name = parsed
        .get("name")
        .map_or_else(|| name.chars().take(63).collect::<String>(), str::to_string);
    let mut metadata = Map::new();
    if let Some(l) = labels.filter(|l| !l.is_empty()) {
        metadata.insert("labels".into(), Value::Object(l));
    }
    metadata.insert("name".into(), json!(service_name));
    let service = json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata,
        "spec": spec,
        "status": {"loadBalancer": {}},
    });
    // `expose` reports `exposed` where `create` says `created`.
    let mut out = send(service, &parsed, shell, sim)?;
    out.stdout = out.stdout.replace(" created", " exposed");
    Ok(out)
}

fn qualified_kind(kind: &crate::api::Kind) -> String {
    if kind.group.is_empty() {
        kind.kind.to_string()
    } else {
        format!("{}.{}", kind.kind, kind.group)
    }
}

/// The pod selector a Service for `obj` needs (upstream's `MapBasedSelectorForObject`).
fn selector_of(obj: &Value) -> Result<Map<String, Value>, String> {
    let kind = meta::str_at(obj, "/kind");
    let map = |v: Option<&Value>| v.and_then(Value::as_object).cloned().unwrap_or_default();
    match kind {
        "Pod" => {
            let labels = map(obj.pointer("/metadata/labels"));
            if labels.is_empty() {
                return Err("the pod has no labels and cannot be exposed".into());
            }
            Ok(labels)
        }
        "Service" => {
            let selector = map(obj.pointer("/spec/selector"));
            if selector.is_empty() {
                return Err("the service has no pod selector set".into());
            }
            Ok(selector)
        }
        "ReplicationController" => Ok(map(obj.pointer("/spec/selector"))),
        _ => {
            if let Some(expressions) = obj
                .pointer("/spec/selector/matchExpressions")
                .and_then(Value::as_array)
                .filter(|e| !e.is_empty())
            {
                return Err(format!(
                    "couldn't convert expressions - \"{}\" to map-based selector format",
                    Value::Array(expressions.clone())
                ));
            }
            Ok(map(obj.pointer("/spec/selector/matchLabels")))
        }
    }
}

/// The container ports of the pods `obj` makes (or its own ports, for a Service).
fn ports_of(obj: &Value) -> Vec<String> {
    let containers = match meta::str_at(obj, "/kind") {
        "Service" => {
            return obj
                .pointer("/spec/ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|p| p.get("port").and_then(Value::as_i64))
                .map(|p| p.to_string())
                .collect();
        }
        "Pod" => obj.pointer("/spec/containers"),
        _ => obj.pointer("/spec/template/spec/containers"),
    };
    containers
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(|c| {
            c.get("ports")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
        })
        .filter_map(|p| p.get("containerPort").and_then(Value::as_i64))
        .map(|p| p.to_string())
        .collect()
}

/// `k=v,k2=v2` into a label map (upstream's `parseLabels`).
fn labels_from(spec: &str) -> Result<Map<String, Value>, String> {
    spec.split(',')
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => Ok((k.to_string(), json!(v))),
            None => Err(format!("error: unexpected label spec: {kv}")),
        })
        .collect()
}
