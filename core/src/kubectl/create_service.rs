//! `kubectl create service clusterip|nodeport|loadbalancer|externalname`: a Service with label
//! and selector `app=NAME` and ports from `--tcp=PORT[:TARGET]`, as kubectl v1.35 builds it.

use serde_json::{Map, Value, json};

use super::args::{Flag, Parsed, value};

pub const FLAGS: &[Flag] = &[
    value("tcp", None),
    value("clusterip", None),
    value("node-port", None),
    value("external-name", None),
];

pub fn service(kind: &str, name: &str, parsed: &Parsed) -> Result<Value, String> {
    let type_ = match kind {
        "clusterip" => "ClusterIP",
        "nodeport" => "NodePort",
        "loadbalancer" => "LoadBalancer",
        "externalname" => "ExternalName",
        other => {
            return Err(format!(
                "error: unknown command \"{other}\" for \"kubectl create service\""
            ));
        }
    };
    let tcp = parsed.all("tcp");
    if type_ == "ExternalName" {
        if parsed.get("external-name").is_none_or(str::is_empty) {
            return Err("error: external name must be specified".into());
        }
    } else if tcp.is_empty() && parsed.get("clusterip") != Some("None") {
        return Err("error: at least one tcp port specifier must be provided".into());
    }
    let node_port = parsed
        .get("node-port")
        .map(|n| n.parse::<i64>().map_err(|_| format!("error: invalid argument \"{n}\" for \"--node-port\" flag: strconv.ParseInt: parsing \"{n}\": invalid syntax")))
        .transpose()?;
    let mut ports = Vec::new();
    for spec in tcp {
        let (port, target) = spec.split_once(':').unwrap_or((spec, spec));
        let number = |s: &str| {
            s.parse::<i64>()
                .map_err(|_| format!("error: strconv.Atoi: parsing \"{s}\": invalid syntax"))
        };
        let port_number = number(port)?;
        let target = number(target)
            .map(|n| json!(n))
            .unwrap_or_else(|_| json!(target));
        let mut p = Map::new();
        p.insert("name".into(), json!(spec.replace(':', "-")));
        if let Some(n) = node_port.filter(|n| *n > 0) {
            p.insert("nodePort".into(), json!(n));
        }
        p.insert("port".into(), json!(port_number));
        p.insert("protocol".into(), json!("TCP"));
        p.insert("targetPort".into(), target);
        ports.push(Value::Object(p));
    }
    let mut spec = Map::new();
    if let Some(ip) = parsed.get("clusterip") {
        spec.insert("clusterIP".into(), json!(ip));
    }
    if let Some(ext) = parsed.get("external-name") {
        spec.insert("externalName".into(), json!(ext));
    }
    if !ports.is_empty() {
        spec.insert("ports".into(), Value::Array(ports));
    }
    spec.insert("selector".into(), json!({"app": name}));
    spec.insert("type".into(), json!(type_));
    Ok(json!({
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"labels": {"app": name}, "name": name},
        "spec": spec,
        "status": {"loadBalancer": {}},
    }))
}
