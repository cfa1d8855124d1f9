//! Networking: Services (with their endpoints from EndpointSlices), Endpoints,
//! EndpointSlices, Ingresses, IngressClasses and NetworkPolicies.

use serde_json::Value;

use super::Ctx;
use super::fields::{
    annotations_multiline, format_label_selector, header, int_at, labels_multiline, list_at,
    object_at, strings_at, text_at,
};
use super::writer::{LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, PrefixWriter};
use crate::api::{meta, selector};
use crate::time::Time;

/// The EndpointSlices of a Service (labelled `kubernetes.io/service-name`), by name.
fn slices_of<'a>(ctx: &Ctx<'a>, namespace: &str, service: &str) -> Vec<&'a Value> {
    ctx.list("discovery.k8s.io", "EndpointSlice", Some(namespace))
        .filter(|s| {
            meta::labels(s)
                .and_then(|l| l.get("kubernetes.io/service-name"))
                .and_then(Value::as_str)
                == Some(service)
        })
        .collect()
}

/// `formatEndpointSlices`: up to three ready `ip:port` endpoints of the named port (addresses
/// alone for a slice without ports), then `+ N more...`; `<none>` without slices.
fn format_endpoints(slices: &[&Value], port_name: &str) -> String {
    if slices.is_empty() {
        return "<none>".into();
    }
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0;
    let ready = |e: &Value| {
        e.pointer("/conditions/ready")
            .and_then(Value::as_bool)
            .unwrap_or(true)
    };
    for slice in slices {
        let ports = list_at(slice, "/ports");
        let endpoints = list_at(slice, "/endpoints");
        if ports.is_empty() {
            for e in endpoints {
                more |= list.len() == MAX;
                if !ready(e) {
                    continue;
                }
                if !more {
                    list.push(meta::str_at(e, "/addresses/0").to_string());
                }
                count += 1;
            }
            continue;
        }
        for port in ports
            .iter()
            .filter(|p| meta::str_at(p, "/name") == port_name)
        {
            for e in endpoints {
                more |= list.len() == MAX;
                if !ready(e) {
                    continue;
                }
                if !more {
                    let addr = meta::str_at(e, "/addresses/0");
                    let number = int_at(port, "/port");
                    list.push(if addr.contains(':') {
                        format!("[{addr}]:{number}")
                    } else {
                        format!("{addr}:{number}")
                    });
                }
                count += 1;
            }
        }
    }
    let joined = list.join(",");
    if more {
        format!("{joined} + {} more...", count - MAX)
    } else {
        joined
    }
}

pub fn service(ctx: &Ctx<'_>, svc: &Value) -> String {
    let mut w = PrefixWriter::new();
    header(&mut w, svc);
    w.write(
        LEVEL_0,
        format!(
            "Selector:\t{}\n",
            selector::format_labels(object_at(svc, "/spec/selector"))
        ),
    );
    w.write(
        LEVEL_0,
        format!("Type:\t{}\n", meta::str_at(svc, "/spec/type")),
    );
    if let Some(policy) = svc.pointer("/spec/ipFamilyPolicy").and_then(Value::as_str) {
        w.write(LEVEL_0, format!("IP Family Policy:\t{policy}\n"));
    }
    let joined_or_none = |pointer: &str| match strings_at(svc, pointer) {
        list if list.is_empty() => "<none>".to_string(),
        list => list.join(","),
    };
    w.write(
        LEVEL_0,
        format!("IP Families:\t{}\n", joined_or_none("/spec/ipFamilies")),
    );
    w.write(
        LEVEL_0,
        format!("IP:\t{}\n", meta::str_at(svc, "/spec/clusterIP")),
    );
    w.write(
        LEVEL_0,
        format!("IPs:\t{}\n", joined_or_none("/spec/clusterIPs")),
    );
    let external = strings_at(svc, "/spec/externalIPs");
    if !external.is_empty() {
        w.write(LEVEL_0, format!("External IPs:\t{}\n", external.join(",")));
    }
    for (pointer, label) in [
        ("/spec/loadBalancerIP", "Desired LoadBalancer IP"),
        ("/spec/externalName", "External Name"),
    ] {
        let v = meta::str_at(svc, pointer);
        if !v.is_empty() {
            w.write(LEVEL_0, format!("{label}:\t{v}\n"));
        }
    }
    let ingress = list_at(svc, "/status/loadBalancer/ingress");
    if !ingress.is_empty() {
        let list: Vec<String> = ingress
            .iter()
            .map(|i| match meta::str_at(i, "/ip") {
                "" => meta::str_at(i, "/hostname").to_string(),
                ip => match i.get("ipMode").and_then(Value::as_str) {
                    Some(mode) => format!("{ip} ({mode})"),
                    None => ip.to_string(),
                },
            })
            .collect();
        w.write(
            LEVEL_0,
            format!("LoadBalancer Ingress:\t{}\n", list.join(", ")),
        );
    }
    let slices = slices_of(ctx, meta::namespace(svc), meta::name(svc));
    for port in list_at(svc, "/spec/ports") {
        let name = meta::str_at(port, "/name");
        let shown = if name.is_empty() { "<unset>" } else { name };
        let protocol = meta::str_at(port, "/protocol");
        w.write(
            LEVEL_0,
            format!("Port:\t{shown}\t{}/{protocol}\n", int_at(port, "/port")),
        );
        let target = match port.get("targetPort") {
            Some(Value::String(s)) => s.clone(),
            other => other.and_then(Value::as_i64).unwrap_or(0).to_string(),
        };
        w.write(LEVEL_0, format!("TargetPort:\t{target}/{protocol}\n"));
        let node_port = int_at(port, "/nodePort");
        if node_port != 0 {
            w.write(
                LEVEL_0,
                format!("NodePort:\t{shown}\t{node_port}/{protocol}\n"),
            );
        }
        w.write(
            LEVEL_0,
            format!("Endpoints:\t{}\n", format_endpoints(&slices, name)),
        );
    }
    w.write(
        LEVEL_0,
        format!(
            "Session Affinity:\t{}\n",
            meta::str_at(svc, "/spec/sessionAffinity")
        ),
    );
    let external_policy = meta::str_at(svc, "/spec/externalTrafficPolicy");
    if !external_policy.is_empty() {
        w.write(
            LEVEL_0,
            format!("External Traffic Policy:\t{external_policy}\n"),
        );
    }
    if let Some(policy) = svc
        .pointer("/spec/internalTrafficPolicy")
        .and_then(Value::as_str)
    {
        w.write(LEVEL_0, format!("Internal Traffic Policy:\t{policy}\n"));
    }
    let health = int_at(svc, "/spec/healthCheckNodePort");
    if health != 0 {
        w.write(LEVEL_0, format!("HealthCheck NodePort:\t{health}\n"));
    }
    let ranges = strings_at(svc, "/spec/loadBalancerSourceRanges");
    if !ranges.is_empty() {
        w.write(
            LEVEL_0,
            format!("LoadBalancer Source Ranges:\t{}\n", ranges.join(",")),
        );
    }
    if let Some(distribution) = svc
        .pointer("/spec/trafficDistribution")
        .and_then(Value::as_str)
    {
        w.write(LEVEL_0, format!("Traffic Distribution:\t{distribution}\n"));
    }
    ctx.events_section(svc, &mut w);
    w.finish()
}

pub fn endpoints(ctx: &Ctx<'_>, ep: &Value) -> String {
    let mut w = PrefixWriter::new();
    header(&mut w, ep);
    w.write(LEVEL_0, "Subsets:\n");
    for subset in list_at(ep, "/subsets") {
        for (pointer, label) in [
            ("/addresses", "Addresses"),
            ("/notReadyAddresses", "NotReadyAddresses"),
        ] {
            let ips: Vec<&str> = list_at(subset, pointer)
                .iter()
                .map(|a| meta::str_at(a, "/ip"))
                .collect();
            let text = match ips.join(",") {
                s if s.is_empty() => "<none>".to_string(),
                s => s,
            };
            w.write(LEVEL_1, format!("{label}:\t{text}\n"));
        }
        let ports = list_at(subset, "/ports");
        if !ports.is_empty() {
            w.write(LEVEL_1, "Ports:\n");
            w.write(LEVEL_2, "Name\tPort\tProtocol\n");
            w.write(LEVEL_2, "----\t----\t--------\n");
            for port in ports {
                let name = match meta::str_at(port, "/name") {
                    "" => "<unset>",
                    n => n,
                };
                w.write(
                    LEVEL_2,
                    format!(
                        "{name}\t{}\t{}\n",
                        int_at(port, "/port"),
                        meta::str_at(port, "/protocol")
                    ),
                );
            }
        }
        w.write(LEVEL_0, "\n");
    }
    ctx.events_section(ep, &mut w);
    w.finish()
}

pub fn endpoint_slice(ctx: &Ctx<'_>, slice: &Value) -> String {
    let mut w = PrefixWriter::new();
    header(&mut w, slice);
    w.write(
        LEVEL_0,
        format!("AddressType:\t{}\n", meta::str_at(slice, "/addressType")),
    );
    let ports = list_at(slice, "/ports");
    if ports.is_empty() {
        w.write(LEVEL_0, "Ports: <unset>\n");
    } else {
        w.write(LEVEL_0, "Ports:\n");
        w.write(LEVEL_1, "Name\tPort\tProtocol\n");
        w.write(LEVEL_1, "----\t----\t--------\n");
        for port in ports {
            let name = match meta::str_at(port, "/name") {
                "" => "<unset>",
                n => n,
            };
            let number = port
                .get("port")
                .and_then(Value::as_i64)
                .map_or_else(|| "<unset>".to_string(), |p| p.to_string());
            w.write(
                LEVEL_1,
                format!("{name}\t{number}\t{}\n", meta::str_at(port, "/protocol")),
            );
        }
    }
    let endpoints = list_at(slice, "/endpoints");
    if endpoints.is_empty() {
        w.write(LEVEL_0, "Endpoints: <none>\n");
    } else {
        w.write(LEVEL_0, "Endpoints:\n");
        let or_unset = |v: Option<&Value>| match v {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Bool(b)) => b.to_string(),
            _ => "<unset>".into(),
        };
        for e in endpoints {
            let addresses = match strings_at(e, "/addresses").join(", ") {
                s if s.is_empty() => "<none>".to_string(),
                s => s,
            };
            w.write(LEVEL_1, format!("- Addresses:\t{addresses}\n"));
            w.write(LEVEL_2, "Conditions:\n");
            w.write(
                LEVEL_3,
                format!("Ready:\t{}\n", or_unset(e.pointer("/conditions/ready"))),
            );
            w.write(
                LEVEL_2,
                format!("Hostname:\t{}\n", or_unset(e.get("hostname"))),
            );
            if let Some(target) = e.get("targetRef").filter(|t| t.is_object()) {
                w.write(
                    LEVEL_2,
                    format!(
                        "TargetRef:\t{}/{}\n",
                        meta::str_at(target, "/kind"),
                        meta::str_at(target, "/name")
                    ),
                );
            }
            w.write(
                LEVEL_2,
                format!("NodeName:\t{}\n", or_unset(e.get("nodeName"))),
            );
            w.write(LEVEL_2, format!("Zone:\t{}\n", or_unset(e.get("zone"))));
        }
    }
    ctx.events_section(slice, &mut w);
    w.finish()
}

pub fn ingress(ctx: &Ctx<'_>, ing: &Value) -> String {
    let mut w = PrefixWriter::new();
    let namespace = meta::namespace(ing);
    w.write(LEVEL_0, format!("Name:\t{}\n", meta::name(ing)));
    labels_multiline(&mut w, "Labels", object_at(ing, "/metadata/labels"));
    w.write(LEVEL_0, format!("Namespace:\t{namespace}\n"));
    let mut addresses: Vec<&str> = list_at(ing, "/status/loadBalancer/ingress")
        .iter()
        .map(|i| match meta::str_at(i, "/ip") {
            "" => meta::str_at(i, "/hostname"),
            ip => ip,
        })
        .filter(|a| !a.is_empty())
        .collect();
    addresses.sort_unstable();
    addresses.dedup();
    w.write(LEVEL_0, format!("Address:\t{}\n", addresses.join(",")));
    let class = ing
        .pointer("/spec/ingressClassName")
        .and_then(Value::as_str)
        .unwrap_or("<none>");
    w.write(LEVEL_0, format!("Ingress Class:\t{class}\n"));
    let default_backend = ing
        .pointer("/spec/defaultBackend")
        .filter(|b| b.is_object())
        .map_or_else(|| "<default>".to_string(), |b| backend(ctx, namespace, b));
    w.write(LEVEL_0, format!("Default backend:\t{default_backend}\n"));
    let tls = list_at(ing, "/spec/tls");
    if !tls.is_empty() {
        w.write(LEVEL_0, "TLS:\n");
        for t in tls {
            let hosts = strings_at(t, "/hosts").join(",");
            match meta::str_at(t, "/secretName") {
                "" => w.write(LEVEL_1, format!("SNI routes {hosts}\n")),
                secret => w.write(LEVEL_1, format!("{secret} terminates {hosts}\n")),
            }
        }
    }
    w.write(LEVEL_0, "Rules:\n  Host\tPath\tBackends\n");
    w.write(LEVEL_1, "----\t----\t--------\n");
    let mut count = 0;
    for rule in list_at(ing, "/spec/rules") {
        let Some(http) = rule.get("http").filter(|h| h.is_object()) else {
            continue;
        };
        count += 1;
        let host = match meta::str_at(rule, "/host") {
            "" => "*",
            h => h,
        };
        w.write(LEVEL_1, format!("{host}\t\n"));
        for path in list_at(http, "/paths") {
            let target = path
                .get("backend")
                .map_or_else(String::new, |b| backend(ctx, namespace, b));
            w.write(
                LEVEL_2,
                format!("\t{} \t{target}\n", meta::str_at(path, "/path")),
            );
        }
    }
    if count == 0 {
        w.write(LEVEL_1, format!("*\t*\t{default_backend}\n"));
    }
    annotations_multiline(
        &mut w,
        "Annotations",
        object_at(ing, "/metadata/annotations"),
    );
    ctx.events_section(ing, &mut w);
    w.finish()
}

/// `describeBackendV1`: `service:port (endpoints)`, or the resource a backend names.
fn backend(ctx: &Ctx<'_>, namespace: &str, b: &Value) -> String {
    if let Some(svc_ref) = b.get("service").filter(|s| s.is_object()) {
        let name = meta::str_at(svc_ref, "/name");
        let number = int_at(svc_ref, "/port/number");
        let port_name = meta::str_at(svc_ref, "/port/name");
        let shown = if number != 0 {
            format!("{name}:{number}")
        } else {
            format!("{name}:{port_name}")
        };
        let Some(svc) = ctx.get("", "Service", namespace, name) else {
            return format!("{shown} (<error: services \"{name}\" not found>)");
        };
        let mut matched = "";
        for port in list_at(svc, "/spec/ports") {
            let pname = meta::str_at(port, "/name");
            if (number != 0 && number == int_at(port, "/port"))
                || (!port_name.is_empty() && port_name == pname)
            {
                matched = pname;
            }
        }
        let slices = slices_of(ctx, namespace, name);
        return format!("{shown} ({})", format_endpoints(&slices, matched));
    }
    if let Some(resource) = b.get("resource").filter(|r| r.is_object()) {
        let group = resource
            .get("apiGroup")
            .and_then(Value::as_str)
            .unwrap_or("<none>");
        return format!(
            "APIGroup: {group}, Kind: {}, Name: {}",
            meta::str_at(resource, "/kind"),
            meta::str_at(resource, "/name")
        );
    }
    String::new()
}

pub fn ingress_class(ctx: &Ctx<'_>, class: &Value) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, format!("Name:\t{}\n", meta::name(class)));
    labels_multiline(&mut w, "Labels", object_at(class, "/metadata/labels"));
    annotations_multiline(
        &mut w,
        "Annotations",
        object_at(class, "/metadata/annotations"),
    );
    w.write(
        LEVEL_0,
        format!("Controller:\t{}\n", meta::str_at(class, "/spec/controller")),
    );
    if let Some(params) = class.pointer("/spec/parameters").filter(|p| p.is_object()) {
        w.write(LEVEL_0, "Parameters:\n");
        if let Some(group) = params.get("apiGroup").and_then(Value::as_str) {
            w.write(LEVEL_1, format!("APIGroup:\t{group}\n"));
        }
        w.write(
            LEVEL_1,
            format!("Kind:\t{}\n", meta::str_at(params, "/kind")),
        );
        w.write(
            LEVEL_1,
            format!("Name:\t{}\n", meta::str_at(params, "/name")),
        );
    }
    ctx.events_section(class, &mut w);
    w.finish()
}

/// NetworkPolicies have no events section upstream.
pub fn network_policy(np: &Value) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, format!("Name:\t{}\n", meta::name(np)));
    w.write(LEVEL_0, format!("Namespace:\t{}\n", meta::namespace(np)));
    w.write(
        LEVEL_0,
        format!(
            "Created on:\t{}\n",
            go_time_string(np.pointer("/metadata/creationTimestamp"))
        ),
    );
    labels_multiline(&mut w, "Labels", object_at(np, "/metadata/labels"));
    annotations_multiline(
        &mut w,
        "Annotations",
        object_at(np, "/metadata/annotations"),
    );
    w.write(LEVEL_0, "Spec:\n");
    w.write(LEVEL_1, "PodSelector: ");
    let pod_selector = np.pointer("/spec/podSelector");
    let selects_all = pod_selector.is_none_or(|s| {
        object_at(s, "/matchLabels").is_none_or(|m| m.is_empty())
            && list_at(s, "/matchExpressions").is_empty()
    });
    if selects_all {
        w.write(
            LEVEL_2,
            "<none> (Allowing the specific traffic to all pods in this namespace)\n",
        );
    } else {
        w.write(
            LEVEL_2,
            format!("{}\n", format_label_selector(pod_selector)),
        );
    }
    let types = strings_at(np, "/spec/policyTypes");
    if types.contains(&"Ingress") {
        w.write(LEVEL_1, "Allowing ingress traffic:\n");
        policy_rules(&mut w, list_at(np, "/spec/ingress"), Direction::Ingress);
    } else {
        w.write(LEVEL_1, "Not affecting ingress traffic\n");
    }
    if types.contains(&"Egress") {
        w.write(LEVEL_1, "Allowing egress traffic:\n");
        policy_rules(&mut w, list_at(np, "/spec/egress"), Direction::Egress);
    } else {
        w.write(LEVEL_1, "Not affecting egress traffic\n");
    }
    let shown = if types.is_empty() {
        "<none>".to_string()
    } else {
        types.join(", ")
    };
    w.write(LEVEL_1, format!("Policy Types: {shown}\n"));
    w.finish()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Ingress,
    Egress,
}

/// `printNetworkPolicySpecIngressFrom` / `...EgressTo`: each rule's ports and peers.
fn policy_rules(w: &mut PrefixWriter, rules: &[Value], direction: Direction) {
    const INDENT: &str = "    ";
    let (peers_key, peer_label, none, any_peer) = match direction {
        Direction::Ingress => (
            "/from",
            "From:",
            "<none> (Selected pods are isolated for ingress connectivity)",
            "From: <any> (traffic not restricted by source)",
        ),
        Direction::Egress => (
            "/to",
            "To:",
            "<none> (Selected pods are isolated for egress connectivity)",
            "To: <any> (traffic not restricted by destination)",
        ),
    };
    if rules.is_empty() {
        w.write(LEVEL_0, format!("{INDENT}{none}\n"));
        return;
    }
    for (i, rule) in rules.iter().enumerate() {
        let ports = list_at(rule, "/ports");
        if ports.is_empty() {
            w.write(
                LEVEL_0,
                format!("{INDENT}To Port: <any> (traffic allowed to all ports)\n"),
            );
        }
        for port in ports {
            let protocol = match meta::str_at(port, "/protocol") {
                "" => "TCP",
                p => p,
            };
            let number = match port.get("port") {
                Some(Value::Null) | None => "<nil>".to_string(),
                Some(_) => text_at(port, "/port"),
            };
            match port.get("endPort").and_then(Value::as_i64) {
                None => w.write(LEVEL_0, format!("{INDENT}To Port: {number}/{protocol}\n")),
                Some(end) => w.write(
                    LEVEL_0,
                    format!("{INDENT}To Port Range: {number}-{end}/{protocol}\n"),
                ),
            }
        }
        let peers = list_at(rule, peers_key);
        if peers.is_empty() {
            w.write(LEVEL_0, format!("{INDENT}{any_peer}\n"));
        }
        for peer in peers {
            w.write(LEVEL_0, format!("{INDENT}{peer_label}\n"));
            let pods = peer.get("podSelector").filter(|s| s.is_object());
            let namespaces = peer.get("namespaceSelector").filter(|s| s.is_object());
            match (
                pods,
                namespaces,
                peer.get("ipBlock").filter(|b| b.is_object()),
            ) {
                (Some(p), Some(n), _) => {
                    w.write(
                        LEVEL_1,
                        format!(
                            "{INDENT}NamespaceSelector: {}\n",
                            format_label_selector(Some(n))
                        ),
                    );
                    w.write(
                        LEVEL_1,
                        format!("{INDENT}PodSelector: {}\n", format_label_selector(Some(p))),
                    );
                }
                (Some(p), None, _) => w.write(
                    LEVEL_1,
                    format!("{INDENT}PodSelector: {}\n", format_label_selector(Some(p))),
                ),
                (None, Some(n), _) => w.write(
                    LEVEL_1,
                    format!(
                        "{INDENT}NamespaceSelector: {}\n",
                        format_label_selector(Some(n))
                    ),
                ),
                (None, None, Some(block)) => {
                    w.write(LEVEL_1, format!("{INDENT}IPBlock:\n"));
                    w.write(
                        LEVEL_2,
                        format!("{INDENT}CIDR: {}\n", meta::str_at(block, "/cidr")),
                    );
                    w.write(
                        LEVEL_2,
                        format!(
                            "{INDENT}Except: {}\n",
                            strings_at(block, "/except").join(", ")
                        ),
                    );
                }
                (None, None, None) => {}
            }
        }
        if i + 1 != rules.len() {
            w.write(LEVEL_0, format!("{INDENT}----------\n"));
        }
    }
}

/// Go's `time.Time.String()` in UTC: `2026-01-01 09:00:00 +0000 UTC`.
fn go_time_string(ts: Option<&Value>) -> String {
    let time = ts
        .and_then(Value::as_str)
        .and_then(Time::parse_rfc3339)
        .map(Time::rfc3339);
    match time {
        Some(stamp) => format!(
            "{} {} +0000 UTC",
            stamp.get(0..10).unwrap_or(""),
            stamp.get(11..19).unwrap_or("")
        ),
        None => "0001-01-01 00:00:00 +0000 UTC".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn endpoints_list_three_ready_addresses_then_a_count() {
        let slice = json!({"ports": [{"name": "http", "port": 80}], "endpoints": [
            {"addresses": ["10.0.0.1"], "conditions": {"ready": true}},
            {"addresses": ["10.0.0.2"], "conditions": {"ready": false}},
            {"addresses": ["10.0.0.3"]},
            {"addresses": ["10.0.0.4"], "conditions": {"ready": true}},
            {"addresses": ["10.0.0.5"], "conditions": {"ready": true}},
        ]});
        assert_eq!(
            format_endpoints(&[&slice], "http"),
            "10.0.0.1:80,10.0.0.3:80,10.0.0.4:80 + 1 more..."
        );
        assert_eq!(format_endpoints(&[&slice], "other"), "");
        assert_eq!(format_endpoints(&[], "http"), "<none>");
    }

    #[test]
    fn go_time_strings() {
        assert_eq!(
            go_time_string(Some(&json!("2026-01-01T09:00:00Z"))),
            "2026-01-01 09:00:00 +0000 UTC"
        );
    }
}
