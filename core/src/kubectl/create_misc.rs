//! `kubectl create quota|priorityclass|ingress`: objects built on the client from flags, as
//! kubectl v1.35 builds them.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::args::{Flag, Parsed, switch, value};

pub const QUOTA_FLAGS: &[Flag] = &[value("hard", None), value("scopes", None)];

pub const PRIORITYCLASS_FLAGS: &[Flag] = &[
    value("value", None),
    value("description", None),
    switch("global-default", None),
    value("preemption-policy", None),
];

pub const INGRESS_FLAGS: &[Flag] = &[
    value("rule", None),
    value("class", None),
    value("default-backend", None),
    value("annotation", None),
];

pub fn quota(name: &str, parsed: &Parsed) -> Result<Value, String> {
    let mut hard = BTreeMap::new();
    for pair in parsed
        .get("hard")
        .unwrap_or("")
        .split(',')
        .filter(|p| !p.is_empty())
    {
        let Some((k, v)) = pair.split_once('=') else {
            return Err(format!(
                "error: invalid argument \"{pair}\" for --hard, expected RESOURCE=QUANTITY"
            ));
        };
        hard.insert(k.to_string(), v.to_string());
    }
    let mut spec = Map::new();
    if !hard.is_empty() {
        spec.insert("hard".into(), json!(hard));
    }
    let scopes: Vec<&str> = parsed
        .get("scopes")
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.is_empty())
        .collect();
    if !scopes.is_empty() {
        spec.insert("scopes".into(), json!(scopes));
    }
    Ok(json!({
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": {"name": name},
        "spec": spec,
        "status": {},
    }))
}

pub fn priority_class(name: &str, parsed: &Parsed) -> Result<Value, String> {
    let value = match parsed.get("value") {
        None => 0,
        Some(v) => v.parse::<i64>().map_err(|_| {
            format!("error: invalid argument \"{v}\" for \"--value\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl create priorityclass --help' for usage.")
        })?,
    };
    let mut obj = json!({
        "apiVersion": "scheduling.k8s.io/v1",
        "kind": "PriorityClass",
        "metadata": {"name": name},
        "preemptionPolicy": parsed.get("preemption-policy").unwrap_or("PreemptLowerPriority"),
        "value": value,
    });
    if let Some(d) = parsed.get("description").filter(|d| !d.is_empty()) {
        obj["description"] = json!(d);
    }
    if parsed.switch("global-default") {
        obj["globalDefault"] = json!(true);
    }
    Ok(obj)
}

pub fn ingress(name: &str, parsed: &Parsed) -> Result<Value, String> {
    let rules = parsed.all("rule");
    let default_backend = parsed.get("default-backend");
    if default_backend.is_none() && rules.is_empty() {
        return Err("error: not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)".into());
    }
    for rule in rules {
        if parse_rule(rule).is_none() {
            return Err(format!(
                "error: rule {rule} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]"
            ));
        }
    }
    let mut annotations = Map::new();
    for a in parsed.all("annotation") {
        let Some((k, v)) = a.split_once('=') else {
            return Err(format!(
                "error: annotation {a} is invalid and should be in format key=[value]"
            ));
        };
        annotations.insert(k.into(), json!(v));
    }
    if default_backend.is_some_and(|b| b.split(':').count() != 2) {
        return Err("error: default-backend should be in format servicename:serviceport".into());
    }
    let mut spec = Map::new();
    if let Some(class) = parsed.get("class") {
        spec.insert("ingressClassName".into(), json!(class));
    }
    if let Some(b) = default_backend {
        spec.insert("defaultBackend".into(), backend(b));
    }
    // Rules: one per host, paths appended in order.
    let mut http_rules: Vec<(String, Vec<Value>)> = Vec::new();
    // TLS: one entry per secret, hosts appended in order, each host once.
    let mut tls: Vec<(String, Vec<String>)> = Vec::new();
    let mut tls_hosts: Vec<String> = Vec::new();
    for rule in rules.iter().filter_map(|r| parse_rule(r)) {
        let path = json!({"backend": backend(&rule.service), "path": rule.path, "pathType": rule.path_type});
        match http_rules.iter_mut().find(|(h, _)| *h == rule.host) {
            Some((_, paths)) => paths.push(path),
            None => http_rules.push((rule.host.clone(), vec![path])),
        }
        let Some(secret) = rule.tls else { continue };
        if tls_hosts.contains(&rule.host) {
            continue;
        }
        tls_hosts.push(rule.host.clone());
        match tls.iter_mut().find(|(s, _)| *s == secret) {
            Some((_, hosts)) => hosts.push(rule.host.clone()),
            None if !rule.host.is_empty() || !secret.is_empty() => {
                let hosts = if rule.host.is_empty() {
                    vec![]
                } else {
                    vec![rule.host.clone()]
                };
                tls.push((secret, hosts));
            }
            None => {}
        }
    }
    if !http_rules.is_empty() {
        let list: Vec<Value> = http_rules
            .into_iter()
            .map(|(host, paths)| {
                let mut r = Map::new();
                if !host.is_empty() {
                    r.insert("host".into(), json!(host));
                }
                r.insert("http".into(), json!({"paths": paths}));
                Value::Object(r)
            })
            .collect();
        spec.insert("rules".into(), Value::Array(list));
    }
    if !tls.is_empty() {
        let list: Vec<Value> = tls
            .into_iter()
            .map(|(secret, hosts)| {
                let mut t = Map::new();
                if !hosts.is_empty() {
                    t.insert("hosts".into(), json!(hosts));
                }
                if !secret.is_empty() {
                    t.insert("secretName".into(), json!(secret));
                }
                Value::Object(t)
            })
            .collect();
        spec.insert("tls".into(), Value::Array(list));
    }
    let mut metadata = Map::new();
    if !annotations.is_empty() {
        metadata.insert("annotations".into(), Value::Object(annotations));
    }
    metadata.insert("name".into(), json!(name));
    Ok(json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": metadata,
        "spec": spec,
        "status": {"loadBalancer": {}},
    }))
}

struct Rule {
    host: String,
    path: String,
    path_type: &'static str,
    service: String,
    /// `Some(secret)` (maybe empty) when the rule asks for TLS.
    tls: Option<String>,
}

/// `host/path=svc:port[,tls[=secret]]`, as kubectl's rule pattern accepts it.
fn parse_rule(rule: &str) -> Option<Rule> {
    let word = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    };
    let (main, tls) = match rule.split_once(',') {
        Some((m, t)) => (m, Some(t)),
        None => (rule, None),
    };
    let tls = match tls {
        None => None,
        Some("tls") => Some(String::new()),
        Some(t) => Some(t.strip_prefix("tls=").filter(|s| word(s))?.to_string()),
    };
    let slash = main.find('/')?;
    let host = &main[..slash];
    if !host
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '*' | '-' | '.'))
    {
        return None;
    }
    let (path, service) = main[slash..].rsplit_once('=')?;
    let (svc, port) = service.split_once(':')?;
    if !word(svc) || !word(port) {
        return None;
    }
    let (path, path_type) = match path.strip_suffix('*') {
        Some(p) => (p.to_string(), "Prefix"),
        None => (path.to_string(), "Exact"),
    };
    Some(Rule {
        host: host.to_string(),
        path,
        path_type,
        service: service.to_string(),
        tls,
    })
}

/// `svc:80` or `svc:http` as an Ingress backend.
fn backend(service: &str) -> Value {
    let (name, port) = service.split_once(':').unwrap_or((service, ""));
    let port = match port.parse::<i64>() {
        Ok(n) => json!({"number": n}),
        Err(_) => json!({"name": port}),
    };
    json!({"service": {"name": name, "port": port}})
}
