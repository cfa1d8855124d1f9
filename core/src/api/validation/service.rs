//! Services (`ValidateService`, `ValidateServiceUpdate`): ports (required unless headless or
//! ExternalName, named when several, unique, in range), type and session affinity, node ports,
//! the selector's labels, cluster IPs; on update a cluster IP that may not change.
//!
//! Not checked: external IPs, load balancer source ranges and classes, IP families beyond
//! their names, traffic distribution.

use std::collections::BTreeSet;

use serde_json::Value;

use super::container::port_num_or_name;
use super::field::{BadValue, ErrorList, FieldError, Path};
use super::labels::{validate_label_name, validate_labels};
use super::meta::{name_is_dns1035_label, validate_object_meta};
use super::names::{invalid_each, is_dns1123_label, is_dns1123_subdomain, is_valid_port_num};
use super::{int_of, list, str_of};

fn spec_of(obj: &Value) -> &Value {
    obj.get("spec").unwrap_or(&Value::Null)
}

/// The cluster IPs, from `clusterIPs` or (as the strategy syncs them) `clusterIP`.
fn cluster_ips(spec: &Value) -> Vec<&str> {
    let ips: Vec<&str> = list(spec.get("clusterIPs"))
        .iter()
        .map(|v| v.as_str().unwrap_or(""))
        .collect();
    if ips.is_empty() {
        let ip = str_of(spec, "clusterIP");
        if !ip.is_empty() {
            return vec![ip];
        }
    }
    ips
}

fn is_headless(spec: &Value) -> bool {
    cluster_ips(spec) == ["None"]
}

/// The service type, `ClusterIP` when absent (its default).
fn service_type(spec: &Value) -> &str {
    match str_of(spec, "type") {
        "" if spec.get("type").is_none() => "ClusterIP",
        t => t,
    }
}

pub fn validate_service(obj: &Value) -> ErrorList {
    let mut errs = validate_object_meta(
        obj.get("metadata"),
        true,
        name_is_dns1035_label,
        &Path::new("metadata"),
    );
    errs.extend(service_spec(spec_of(obj)));
    errs
}

fn service_spec(spec: &Value) -> ErrorList {
    let path = Path::new("spec");
    let mut errs = ErrorList::new();
    let ports = list(spec.get("ports"));
    let kind = service_type(spec);
    let headless = is_headless(spec);
    if ports.is_empty() && !headless && kind != "ExternalName" {
        errs.push(FieldError::required(&path.child("ports"), ""));
    }
    let ips = cluster_ips(spec);
    match kind {
        "LoadBalancer" | "NodePort" if headless => errs.push(FieldError::invalid(
            &path.child("clusterIPs").index(0),
            "None".into(),
            &format!("may not be set to 'None' for {kind} services"),
        )),
        "ExternalName" => {
            if !ips.is_empty() {
                errs.push(FieldError::forbidden(
                    &path.child("clusterIPs"),
                    "may not be set for ExternalName services",
                ));
            }
            let cname = str_of(spec, "externalName");
            let cname = cname.strip_suffix('.').unwrap_or(cname);
            if cname.is_empty() {
                errs.push(FieldError::required(&path.child("externalName"), ""));
            } else {
                errs.extend(invalid_each(
                    &path.child("externalName"),
                    cname,
                    is_dns1123_subdomain(cname),
                ));
            }
        }
        _ => {}
    }
    let mut names = BTreeSet::new();
    for (i, port) in ports.iter().enumerate() {
        errs.extend(service_port(
            port,
            ports.len() > 1,
            &mut names,
            &path.child("ports").index(i),
        ));
    }
    if spec.get("selector").is_some() {
        errs.extend(validate_labels(
            spec.get("selector"),
            &path.child("selector"),
        ));
    }
    let affinity = str_of(spec, "sessionAffinity");
    if spec.get("sessionAffinity").is_some() && !matches!(affinity, "ClientIP" | "None") {
        errs.push(if affinity.is_empty() {
            FieldError::required(&path.child("sessionAffinity"), "")
        } else {
            FieldError::not_supported(
                &path.child("sessionAffinity"),
                BadValue::named(affinity),
                &["ClientIP", "None"],
            )
        });
    }
    if kind != "ExternalName" {
        for (i, ip) in ips.iter().enumerate() {
            if i == 0 && *ip == "None" {
                continue;
            }
            errs.extend(ip_errors(ip, &path.child("clusterIPs").index(i)));
        }
    }
    if !matches!(
        kind,
        "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName"
    ) {
        errs.push(if kind.is_empty() {
            FieldError::required(&path.child("type"), "")
        } else {
            FieldError::not_supported(
                &path.child("type"),
                BadValue::named(kind),
                &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
            )
        });
    }
    if kind == "ClusterIP" {
        for (i, port) in ports.iter().enumerate() {
            if int_of(port, "nodePort").unwrap_or(0) != 0 {
                errs.push(FieldError::forbidden(
                    &path.child("ports").index(i).child("nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            }
        }
    }
    let mut node_ports = BTreeSet::new();
    let mut keys = BTreeSet::new();
    for (i, port) in ports.iter().enumerate() {
        let protocol = match str_of(port, "protocol") {
            "" => "TCP",
            p => p,
        };
        let node_port = int_of(port, "nodePort").unwrap_or(0);
        if node_port != 0 && !node_ports.insert((protocol, node_port)) {
            errs.push(FieldError::duplicate(
                &path.child("ports").index(i).child("nodePort"),
                BadValue::Int(node_port),
            ));
        }
        let number = int_of(port, "port").unwrap_or(0);
        if !keys.insert((protocol, number)) {
            // Upstream shows the (internal, untagged) ServicePort it compared.
            errs.push(FieldError::duplicate(
                &path.child("ports").index(i),
                BadValue::Raw(format!(
                    "{{\"Name\":\"\",\"Protocol\":\"{protocol}\",\"AppProtocol\":null,\"Port\":{number},\"TargetPort\":0,\"NodePort\":0}}"
                )),
            ));
        }
    }
    errs
}

/// `validateServicePort`.
fn service_port<'a>(
    port: &'a Value,
    require_name: bool,
    names: &mut BTreeSet<&'a str>,
    path: &Path,
) -> ErrorList {
    let mut errs = ErrorList::new();
    let name = str_of(port, "name");
    if require_name && name.is_empty() {
        errs.push(FieldError::required(&path.child("name"), ""));
    } else if !name.is_empty() {
        errs.extend(invalid_each(
            &path.child("name"),
            name,
            is_dns1123_label(name),
        ));
        if !names.insert(name) {
            errs.push(FieldError::duplicate(&path.child("name"), name.into()));
        }
    }
    let number = int_of(port, "port").unwrap_or(0);
    for msg in is_valid_port_num(number) {
        errs.push(FieldError::invalid(
            &path.child("port"),
            BadValue::Int(number),
            &msg,
        ));
    }
    let protocol = str_of(port, "protocol");
    if port.get("protocol").is_some() && !matches!(protocol, "TCP" | "UDP" | "SCTP") {
        errs.push(if protocol.is_empty() {
            FieldError::required(&path.child("protocol"), "")
        } else {
            FieldError::not_supported(
                &path.child("protocol"),
                BadValue::named(protocol),
                &["SCTP", "TCP", "UDP"],
            )
        });
    }
    // An absent target port defaults to the port.
    if let Some(target) = port.get("targetPort") {
        errs.extend(port_num_or_name(Some(target), &path.child("targetPort")));
    }
    if let Some(app) = port.get("appProtocol").and_then(Value::as_str) {
        errs.extend(validate_label_name(app, &path.child("appProtocol")));
    }
    errs
}

/// `IsValidIP` with upstream's wording; values must be in canonical form.
fn ip_errors(ip: &str, path: &Path) -> ErrorList {
    match ip.parse::<core::net::IpAddr>() {
        Ok(addr) if addr.to_string() == ip => Vec::new(),
        Ok(addr) => vec![FieldError::invalid(
            path,
            ip.into(),
            &format!("must be in canonical form (\"{addr}\")"),
        )],
        Err(_) => {
            let sloppy: Option<Vec<u8>> = ip.split('.').map(|o| o.parse::<u8>().ok()).collect();
            let detail = if sloppy.is_some_and(|o| o.len() == 4) {
                "must not have leading 0s"
            } else {
                "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
            };
            vec![FieldError::invalid(path, ip.into(), detail)]
        }
    }
}

/// `ValidateServiceUpdate`: the primary cluster IP may not change once set.
pub fn validate_service_update(new: &Value, old: &Value) -> ErrorList {
    let mut errs = ErrorList::new();
    let (n, o) = (spec_of(new), spec_of(old));
    let external = |s: &Value| service_type(s) == "ExternalName";
    let exempt = external(n) || external(o) || (is_headless(n) && is_headless(o));
    if !exempt {
        let (new_ips, old_ips) = (cluster_ips(n), cluster_ips(o));
        let value = BadValue::Json(Value::from(
            new_ips.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        ));
        let path = Path::new("spec").child("clusterIPs").index(0);
        // An update that leaves the IP out keeps it, as the strategy fills it back in.
        let changed =
            !new_ips.is_empty() && !old_ips.is_empty() && new_ips.first() != old_ips.first();
        if changed {
            errs.push(FieldError::invalid(&path, value, "may not change once set"));
        }
    }
    errs.extend(service_spec(n));
    errs
}
