//! `networking.k8s.io`: NetworkPolicies (`ValidateNetworkPolicy`: selectors, ports and port
//! ranges, peers, ipBlocks and their exceptions, policy types), Ingresses (`ValidateIngress*`:
//! hosts, paths by path type, backends, TLS, the class name and its legacy annotation) and
//! IngressClasses (controller, parameters, an immutable controller).
//!
//! CIDRs are checked as upstream does with the `StrictIPCIDRValidation` gate off (its v1.35
//! default): they must parse, leading zeros and host bits are tolerated.

use serde_json::Value;

use super::field::{BadValue, ErrorList, FieldError, Path};
use super::labels::validate_label_selector;
use super::meta::{name_is_dns1035_label, validate_object_meta};
use super::names::{
    invalid_each, is_dns1123_subdomain, is_domain_prefixed_path, is_valid_path_segment_name,
    is_valid_port_name, is_valid_port_num, is_wildcard_dns1123_subdomain,
};
use super::{list, str_of};
use crate::network::cidr::{parse_cidr, parse_ip};

const PROTOCOLS: &[&str] = &["TCP", "UDP", "SCTP"];
const POLICY_TYPES: &[&str] = &["Ingress", "Egress"];
const PATH_TYPES: &[&str] = &["Exact", "ImplementationSpecific", "Prefix"];
const INVALID_PATH_SEQUENCES: &[&str] = &["//", "/./", "/../", "%2f", "%2F"];
const INVALID_PATH_SUFFIXES: &[&str] = &["/..", "/."];
const ANNOTATION_INGRESS_CLASS: &str = "kubernetes.io/ingress.class";
const MAX_LEN_CONTROLLER: usize = 250;

fn spec_of(obj: &Value) -> &Value {
    obj.get("spec").unwrap_or(&Value::Null)
}

fn meta_errors(obj: &Value, namespaced: bool) -> ErrorList {
    validate_object_meta(
        obj.get("metadata"),
        namespaced,
        super::meta::name_is_dns_subdomain,
        &Path::new("metadata"),
    )
}

pub fn validate_network_policy(obj: &Value) -> ErrorList {
    let mut errs = meta_errors(obj, true);
    errs.extend(validate_network_policy_update(obj));
    errs
}

/// An update's spec (the metadata update rules are run by the caller).
pub fn validate_network_policy_update(new: &Value) -> ErrorList {
    network_policy_spec(spec_of(new), &Path::new("spec"))
}

/// `ValidateNetworkPolicySpec`.
pub fn network_policy_spec(spec: &Value, path: &Path) -> ErrorList {
    let mut errs = validate_label_selector(spec.get("podSelector"), &path.child("podSelector"));
    for (direction, peers) in [("ingress", "from"), ("egress", "to")] {
        for (i, rule) in list(spec.get(direction)).iter().enumerate() {
            let rule_path = path.child(direction).index(i);
            for (j, port) in list(rule.get("ports")).iter().enumerate() {
                errs.extend(policy_port(port, &rule_path.child("ports").index(j)));
            }
            for (j, peer) in list(rule.get(peers)).iter().enumerate() {
                errs.extend(policy_peer(peer, &rule_path.child(peers).index(j)));
            }
        }
    }
    let types = list(spec.get("policyTypes"));
    if types.len() > POLICY_TYPES.len() {
        errs.push(FieldError::invalid(
            &path.child("policyTypes"),
            BadValue::of(spec.get("policyTypes")),
            "may not specify more than two policyTypes",
        ));
        return errs;
    }
    for (i, t) in types.iter().enumerate() {
        let t = t.as_str().unwrap_or("");
        if !POLICY_TYPES.contains(&t) {
            errs.push(FieldError::not_supported(
                &path.child("policyTypes").index(i),
                BadValue::named(t),
                POLICY_TYPES,
            ));
        }
    }
    errs
}

/// `ValidateNetworkPolicyPort`.
fn policy_port(port: &Value, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    if let Some(protocol) = port.get("protocol").and_then(Value::as_str)
        && !PROTOCOLS.contains(&protocol)
    {
        errs.push(FieldError::not_supported(
            &path.child("protocol"),
            BadValue::named(protocol),
            PROTOCOLS,
        ));
    }
    let end = port.get("endPort").and_then(Value::as_i64);
    match port.get("port") {
        None | Some(Value::Null) => {
            if let Some(end) = end {
                errs.push(FieldError::invalid(
                    &path.child("endPort"),
                    BadValue::Int(end),
                    "may not be specified when `port` is not specified",
                ));
            }
        }
        Some(Value::String(name)) => {
            if let Some(end) = end {
                errs.push(FieldError::invalid(
                    &path.child("endPort"),
                    BadValue::Int(end),
                    "may not be specified when `port` is non-numeric",
                ));
            }
            errs.extend(invalid_each(
                &path.child("port"),
                name,
                is_valid_port_name(name),
            ));
        }
        Some(number) => {
            let number = number.as_i64().unwrap_or(0);
            for msg in is_valid_port_num(number) {
                errs.push(FieldError::invalid(
                    &path.child("port"),
                    BadValue::Int(number),
                    &msg,
                ));
            }
            if let Some(end) = end {
                if end < number {
                    errs.push(FieldError::invalid(
                        &path.child("endPort"),
                        BadValue::Int(end),
                        "must be greater than or equal to `port`",
                    ));
                }
                for msg in is_valid_port_num(end) {
                    errs.push(FieldError::invalid(
                        &path.child("endPort"),
                        BadValue::Int(end),
                        &msg,
                    ));
                }
            }
        }
    }
    errs
}

/// `ValidateNetworkPolicyPeer`: at least one of the three, and an ipBlock alone.
fn policy_peer(peer: &Value, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let present = |key: &str| peer.get(key).is_some_and(|v| !v.is_null());
    let mut count = 0;
    for key in ["podSelector", "namespaceSelector"] {
        if present(key) {
            count += 1;
            errs.extend(validate_label_selector(peer.get(key), &path.child(key)));
        }
    }
    let block = peer.get("ipBlock").filter(|v| !v.is_null());
    if let Some(block) = block {
        count += 1;
        errs.extend(ip_block(block, &path.child("ipBlock")));
    }
    if count == 0 {
        errs.push(FieldError::required(path, "must specify a peer"));
    } else if count > 1 && block.is_some() {
        errs.push(FieldError::forbidden(
            path,
            "may not specify both ipBlock and another peer",
        ));
    }
    errs
}

const CIDR_MSG: &str = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

/// `ValidateIPBlock`: a CIDR, and exceptions strictly inside it.
fn ip_block(block: &Value, path: &Path) -> ErrorList {
    let cidr = str_of(block, "cidr");
    if cidr.is_empty() {
        return vec![FieldError::required(&path.child("cidr"), "")];
    }
    let Some(outer) = parse_cidr(cidr) else {
        return vec![FieldError::invalid(
            &path.child("cidr"),
            cidr.into(),
            CIDR_MSG,
        )];
    };
    let mut errs = ErrorList::new();
    for (i, except) in list(block.get("except")).iter().enumerate() {
        let except = except.as_str().unwrap_or("");
        let except_path = path.child("except").index(i);
        match parse_cidr(except) {
            None => errs.push(FieldError::invalid(&except_path, except.into(), CIDR_MSG)),
            Some(inner) if !outer.strictly_contains(&inner) => errs.push(FieldError::invalid(
                &except_path,
                except.into(),
                "must be a strict subset of `cidr`",
            )),
            Some(_) => {}
        }
    }
    errs
}

/// `ValidateIngressCreate`: the object, and the legacy class annotation agreeing with
/// `ingressClassName`.
pub fn validate_ingress_create(obj: &Value) -> ErrorList {
    let mut errs = validate_ingress(obj);
    let annotation = obj
        .pointer("/metadata/annotations")
        .and_then(|a| a.get(ANNOTATION_INGRESS_CLASS))
        .and_then(Value::as_str);
    let class = obj
        .pointer("/spec/ingressClassName")
        .and_then(Value::as_str);
    if let (Some(annotation), Some(class)) = (annotation, class)
        && annotation != class
    {
        errs.push(FieldError::invalid(
            &Path::new("annotations").child(ANNOTATION_INGRESS_CLASS),
            annotation.into(),
            "must match `ingressClassName` when both are specified",
        ));
    }
    errs
}

/// `validateIngress`: the metadata and the spec.
fn validate_ingress(obj: &Value) -> ErrorList {
    let mut errs = meta_errors(obj, true);
    errs.extend(validate_ingress_update(obj));
    errs
}

/// `ValidateIngressUpdate`'s spec part (the metadata update rules are run by the caller).
pub fn validate_ingress_update(new: &Value) -> ErrorList {
    ingress_spec(spec_of(new), &Path::new("spec"))
}

/// `ValidateIngressSpec`.
fn ingress_spec(spec: &Value, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let rules = list(spec.get("rules"));
    let default_backend = spec.get("defaultBackend").filter(|b| !b.is_null());
    if rules.is_empty() && default_backend.is_none() {
        errs.push(FieldError::invalid(
            path,
            BadValue::Json(spec.get("rules").cloned().unwrap_or(Value::Null)),
            "either `defaultBackend` or `rules` must be specified",
        ));
    }
    if let Some(backend) = default_backend {
        errs.extend(ingress_backend(backend, &path.child("defaultBackend")));
    }
    for (i, rule) in rules.iter().enumerate() {
        errs.extend(ingress_rule(rule, &path.child("rules").index(i)));
    }
    for (i, tls) in list(spec.get("tls")).iter().enumerate() {
        let tls_path = path.child("tls").index(i);
        for (j, host) in list(tls.get("hosts")).iter().enumerate() {
            let host = host.as_str().unwrap_or("");
            errs.extend(invalid_each(
                &tls_path.child("hosts").index(j),
                host,
                host_errors(host),
            ));
        }
        let secret = str_of(tls, "secretName");
        if !secret.is_empty() {
            errs.extend(invalid_each(
                &tls_path.child("secretName"),
                secret,
                is_dns1123_subdomain(secret),
            ));
        }
    }
    if let Some(class) = spec.get("ingressClassName").and_then(Value::as_str) {
        errs.extend(invalid_each(
            &path.child("ingressClassName"),
            class,
            is_dns1123_subdomain(class),
        ));
    }
    errs
}

/// A DNS name, or a wildcard one when it has a `*`.
fn host_errors(host: &str) -> Vec<String> {
    if host.contains('*') {
        is_wildcard_dns1123_subdomain(host)
    } else {
        is_dns1123_subdomain(host)
    }
}

fn ingress_rule(rule: &Value, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let host = str_of(rule, "host");
    if !host.is_empty() {
        if parse_ip(host).is_some() {
            errs.push(FieldError::invalid(
                &path.child("host"),
                host.into(),
                "must be a DNS name, not an IP address",
            ));
        }
        errs.extend(invalid_each(&path.child("host"), host, host_errors(host)));
    }
    let Some(http) = rule.get("http").filter(|h| !h.is_null()) else {
        return errs;
    };
    let http_path = path.child("http");
    let paths = list(http.get("paths"));
    if paths.is_empty() {
        errs.push(FieldError::required(&http_path.child("paths"), ""));
    }
    for (i, p) in paths.iter().enumerate() {
        errs.extend(ingress_path(p, &http_path.child("paths").index(i)));
    }
    errs
}

/// `validateHTTPIngressPath`.
fn ingress_path(p: &Value, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    let Some(path_type) = p.get("pathType").and_then(Value::as_str) else {
        return vec![FieldError::required(
            &path.child("pathType"),
            "pathType must be specified",
        )];
    };
    let value = str_of(p, "path");
    let absolute = |errs: &mut ErrorList| {
        if !value.starts_with('/') {
            errs.push(FieldError::invalid(
                &path.child("path"),
                value.into(),
                "must be an absolute path",
            ));
        }
    };
    match path_type {
        "Exact" | "Prefix" => {
            absolute(&mut errs);
            for seq in INVALID_PATH_SEQUENCES {
                if value.contains(seq) {
                    errs.push(FieldError::invalid(
                        &path.child("path"),
                        value.into(),
                        &format!("must not contain '{seq}'"),
                    ));
                }
            }
            for suffix in INVALID_PATH_SUFFIXES {
                if value.ends_with(suffix) {
                    errs.push(FieldError::invalid(
                        &path.child("path"),
                        value.into(),
                        &format!("cannot end with '{suffix}'"),
                    ));
                }
            }
        }
        "ImplementationSpecific" => {
            if !value.is_empty() {
                absolute(&mut errs);
            }
        }
        other => errs.push(FieldError::not_supported(
            &path.child("pathType"),
            BadValue::named(other),
            PATH_TYPES,
        )),
    }
    if let Some(backend) = p.get("backend") {
        errs.extend(ingress_backend(backend, &path.child("backend")));
    } else {
        errs.extend(ingress_backend(&Value::Null, &path.child("backend")));
    }
    errs
}

/// `validateIngressBackend`: a Service (name and one port) or a resource, not both.
fn ingress_backend(backend: &Value, path: &Path) -> ErrorList {
    let resource = backend.get("resource").filter(|r| !r.is_null());
    let service = backend.get("service").filter(|s| !s.is_null());
    match (resource, service) {
        (Some(_), Some(_)) => vec![FieldError::invalid(
            path,
            "".into(),
            "cannot set both resource and service backends",
        )],
        (Some(resource), None) => typed_local_object_ref(resource, &path.child("resource")),
        (None, Some(service)) => {
            let mut errs = ErrorList::new();
            let name_path = path.child("service").child("name");
            let name = str_of(service, "name");
            if name.is_empty() {
                errs.push(FieldError::required(&name_path, ""));
            } else {
                errs.extend(invalid_each(
                    &name_path,
                    name,
                    name_is_dns1035_label(name, false),
                ));
            }
            let port_path = path.child("service").child("port");
            let port_name = service
                .pointer("/port/name")
                .and_then(Value::as_str)
                .unwrap_or("");
            let number = service
                .pointer("/port/number")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            match (port_name.is_empty(), number == 0) {
                (false, false) => errs.push(FieldError::invalid(
                    path,
                    "".into(),
                    "cannot set both port name & port number",
                )),
                (false, true) => errs.extend(invalid_each(
                    &port_path.child("name"),
                    port_name,
                    is_valid_port_name(port_name),
                )),
                (true, false) => {
                    for msg in is_valid_port_num(number) {
                        errs.push(FieldError::invalid(
                            &port_path.child("number"),
                            BadValue::Int(number),
                            &msg,
                        ));
                    }
                }
                (true, true) => errs.push(FieldError::required(
                    path,
                    "port name or number is required",
                )),
            }
            errs
        }
        (None, None) => vec![FieldError::invalid(
            path,
            "".into(),
            "resource or service backend is required",
        )],
    }
}

/// `validateIngressTypedLocalObjectReference`.
fn typed_local_object_ref(params: &Value, path: &Path) -> ErrorList {
    let mut errs = ErrorList::new();
    if let Some(group) = params.get("apiGroup").and_then(Value::as_str) {
        errs.extend(invalid_each(
            &path.child("apiGroup"),
            group,
            is_dns1123_subdomain(group),
        ));
    }
    for key in ["kind", "name"] {
        let value = str_of(params, key);
        if value.is_empty() {
            errs.push(FieldError::required(&path.child(key), ""));
        } else {
            errs.extend(invalid_each(
                &path.child(key),
                value,
                is_valid_path_segment_name(value),
            ));
        }
    }
    errs
}

pub fn validate_ingress_class(obj: &Value) -> ErrorList {
    let mut errs = meta_errors(obj, false);
    errs.extend(ingress_class_spec(obj));
    errs
}

fn ingress_class_spec(obj: &Value) -> ErrorList {
    let mut errs = ErrorList::new();
    let spec = spec_of(obj);
    let path = Path::new("spec");
    let controller = str_of(spec, "controller");
    if controller.is_empty() {
        errs.push(FieldError::required(&path.child("controller"), ""));
    } else {
        if controller.len() > MAX_LEN_CONTROLLER {
            errs.push(FieldError::too_long(
                &path.child("controller"),
                MAX_LEN_CONTROLLER,
            ));
        }
        errs.extend(is_domain_prefixed_path(
            &path.child("controller"),
            controller,
        ));
    }
    if let Some(params) = spec.get("parameters").filter(|p| !p.is_null()) {
        errs.extend(class_parameters(params, &path.child("parameters")));
    }
    errs
}

/// `validateIngressClassParametersReference`: a typed reference with a scope, and a
/// namespace exactly when the scope is `Namespace`.
fn class_parameters(params: &Value, path: &Path) -> ErrorList {
    let mut errs = typed_local_object_ref(params, path);
    let Some(scope) = params.get("scope").and_then(Value::as_str) else {
        errs.push(FieldError::required(&path.child("scope"), ""));
        return errs;
    };
    let namespace = params.get("namespace").and_then(Value::as_str);
    match scope {
        "Namespace" => match namespace {
            None => errs.push(FieldError::required(
                &path.child("namespace"),
                "`parameters.scope` is set to 'Namespace'",
            )),
            Some(ns) => errs.extend(invalid_each(
                &path.child("namespace"),
                ns,
                super::names::is_dns1123_label(ns),
            )),
        },
        "Cluster" if namespace.is_some() => errs.push(FieldError::forbidden(
            &path.child("namespace"),
            "`parameters.scope` is set to 'Cluster'",
        )),
        "Cluster" => {}
        other => errs.push(FieldError::not_supported(
            &path.child("scope"),
            BadValue::Str(other.to_string()),
            &["Cluster", "Namespace"],
        )),
    }
    errs
}

/// `ValidateIngressClassUpdate`: the controller may not change.
pub fn validate_ingress_class_update(new: &Value, old: &Value) -> ErrorList {
    let mut errs = super::immutable(
        new.pointer("/spec/controller"),
        old.pointer("/spec/controller"),
        &Path::new("spec").child("controller"),
        BadValue::of(new.pointer("/spec/controller")),
    );
    errs.extend(ingress_class_spec(new));
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn messages(errs: &ErrorList) -> Vec<String> {
        errs.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn network_policy_errors() {
        let table: &[(Value, &[&str])] = &[
            (json!({"podSelector": {}}), &[]),
            (
                json!({"podSelector": {}, "ingress": [{"from": [{}]}]}),
                &["spec.ingress[0].from[0]: Required value: must specify a peer"],
            ),
            (
                json!({"podSelector": {}, "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}, "podSelector": {}}]}]}),
                &["spec.egress[0].to[0]: Forbidden: may not specify both ipBlock and another peer"],
            ),
            (
                json!({"podSelector": {}, "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0/8", "except": []}}]}]}),
                &[
                    "spec.ingress[0].from[0].ipBlock.cidr: Invalid value: \"10.0.0/8\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
                ],
            ),
            (
                json!({"podSelector": {}, "ingress": [{"from": [{"ipBlock": {"cidr": "10.0.0.0/16", "except": ["10.0.1.0/24", "10.1.0.0/24", "10.0.0.0/16", "bad"]}}]}]}),
                &[
                    "spec.ingress[0].from[0].ipBlock.except[1]: Invalid value: \"10.1.0.0/24\": must be a strict subset of `cidr`",
                    "spec.ingress[0].from[0].ipBlock.except[2]: Invalid value: \"10.0.0.0/16\": must be a strict subset of `cidr`",
                    "spec.ingress[0].from[0].ipBlock.except[3]: Invalid value: \"bad\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
                ],
            ),
            (
                json!({"podSelector": {}, "ingress": [{"from": [{"ipBlock": {}}]}]}),
                &["spec.ingress[0].from[0].ipBlock.cidr: Required value"],
            ),
            (
                json!({"podSelector": {}, "ingress": [{"ports": [
                    {"port": 0},
                    {"port": 8080, "endPort": 80},
                    {"port": "http", "endPort": 90},
                    {"endPort": 90},
                    {"protocol": "ICMP"},
                    {"port": "not_a_name"},
                ]}]}),
                &[
                    "spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                    "spec.ingress[0].ports[1].endPort: Invalid value: 80: must be greater than or equal to `port`",
                    "spec.ingress[0].ports[2].endPort: Invalid value: 90: may not be specified when `port` is non-numeric",
                    "spec.ingress[0].ports[3].endPort: Invalid value: 90: may not be specified when `port` is not specified",
                    "spec.ingress[0].ports[4].protocol: Unsupported value: \"ICMP\": supported values: \"TCP\", \"UDP\", \"SCTP\"",
                ],
            ),
            (
                json!({"podSelector": {}, "policyTypes": ["Ingress", "Sideways"]}),
                &[
                    "spec.policyTypes[1]: Unsupported value: \"Sideways\": supported values: \"Ingress\", \"Egress\"",
                ],
            ),
            (
                json!({"podSelector": {}, "policyTypes": ["Ingress", "Egress", "Ingress"]}),
                &[
                    "spec.policyTypes: Invalid value: [\"Ingress\",\"Egress\",\"Ingress\"]: may not specify more than two policyTypes",
                ],
            ),
        ];
        for (spec, want) in table {
            let got = messages(&network_policy_spec(spec, &Path::new("spec")));
            // The port-name row's message is the shared IsValidPortName one; only its path
            // is pinned here.
            let got: Vec<String> = got
                .into_iter()
                .filter(|m| !m.starts_with("spec.ingress[0].ports[5]"))
                .collect();
            assert_eq!(got, *want, "{spec}");
        }
    }

    #[test]
    fn ingress_errors() {
        let svc = json!({"service": {"name": "web", "port": {"number": 80}}});
        let table: &[(Value, &[&str])] = &[
            (json!({"defaultBackend": svc}), &[]),
            (
                json!({}),
                &[
                    "spec: Invalid value: null: either `defaultBackend` or `rules` must be specified",
                ],
            ),
            (
                json!({"rules": [{"host": "10.0.0.1", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": svc}]}}]}),
                &[
                    "spec.rules[0].host: Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address",
                ],
            ),
            (
                json!({"rules": [{"host": "*.foo.com", "http": {"paths": [{"path": "/", "backend": svc}]}}]}),
                &[
                    "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified",
                ],
            ),
            (
                json!({"rules": [{"http": {"paths": [
                    {"path": "api", "pathType": "Exact", "backend": svc},
                    {"path": "/a//b/.", "pathType": "Prefix", "backend": svc},
                    {"path": "", "pathType": "ImplementationSpecific", "backend": svc},
                    {"path": "/", "pathType": "Regex", "backend": svc},
                ]}}]}),
                &[
                    "spec.rules[0].http.paths[0].path: Invalid value: \"api\": must be an absolute path",
                    "spec.rules[0].http.paths[1].path: Invalid value: \"/a//b/.\": must not contain '//'",
                    "spec.rules[0].http.paths[1].path: Invalid value: \"/a//b/.\": cannot end with '/.'",
                    "spec.rules[0].http.paths[3].pathType: Unsupported value: \"Regex\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\"",
                ],
            ),
            (
                json!({"defaultBackend": {"service": {"name": "web", "port": {"name": "http", "number": 80}}}}),
                &[
                    "spec.defaultBackend: Invalid value: \"\": cannot set both port name & port number",
                ],
            ),
            (
                json!({"defaultBackend": {"service": {"name": "web", "port": {}}}}),
                &["spec.defaultBackend: Required value: port name or number is required"],
            ),
            (
                json!({"defaultBackend": {}}),
                &[
                    "spec.defaultBackend: Invalid value: \"\": resource or service backend is required",
                ],
            ),
            (
                json!({"defaultBackend": svc, "tls": [{"hosts": ["a.example.com"], "secretName": "Bad_Name"}]}),
                &[
                    "spec.tls[0].secretName: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
                ],
            ),
        ];
        for (spec, want) in table {
            assert_eq!(
                messages(&ingress_spec(spec, &Path::new("spec"))),
                *want,
                "{spec}"
            );
        }
    }

    #[test]
    fn class_annotation_must_agree() {
        let ing = json!({
            "metadata": {"name": "a", "namespace": "default",
                         "annotations": {"kubernetes.io/ingress.class": "traefik"}},
            "spec": {"ingressClassName": "nginx",
                     "defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}},
        });
        assert_eq!(
            messages(&validate_ingress_create(&ing)),
            [
                "annotations.kubernetes.io/ingress.class: Invalid value: \"traefik\": must match `ingressClassName` when both are specified"
            ]
        );
    }

    #[test]
    fn ingress_class_errors() {
        let class = |spec: Value| json!({"metadata": {"name": "nginx"}, "spec": spec});
        assert!(
            validate_ingress_class(&class(json!({"controller": "k8s.io/ingress-nginx"})))
                .is_empty()
        );
        assert_eq!(
            messages(&validate_ingress_class(&class(json!({})))),
            ["spec.controller: Required value"]
        );
        assert_eq!(
            messages(&validate_ingress_class(&class(json!({
                "controller": "k8s.io/ingress-nginx",
                "parameters": {"kind": "Params", "name": "p", "scope": "Namespace"},
            })))),
            ["spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"]
        );
        let old = class(json!({"controller": "k8s.io/ingress-nginx"}));
        let new = class(json!({"controller": "example.com/other"}));
        assert_eq!(
            messages(&validate_ingress_class_update(&new, &old)),
            ["spec.controller: Invalid value: \"example.com/other\": field is immutable"]
        );
    }
}
