//! What the Service REST storage allocates on create: IP families and policy, a cluster IP
//! from the service range (`10.96.0.0/16`, as kind configures it) and node ports from
//! `30000-32767`, with upstream's errors for a requested IP or port that is taken or out of
//! range.
//!
//! Upstream picks free addresses at random, preferring the upper part of each range (the
//! lower part is kept for static assignment). Here the pick is a hash of the service's
//! namespace and name, probed forward until free: as spread as random, and it leaves the
//! cluster's random stream (pod names) untouched.

use serde_json::{Value, json};

use super::Store;
use crate::api::{Cause, Result, Status, kinds, meta};
use crate::rng::fnv1a32;

/// The cluster's service CIDR: 10.96.0.0/16.
const SERVICE_CIDR: &str = "10.96.0.0/16";
/// The first 256 addresses are kept for static assignment (`min(max(16, size/16), 256)`).
const IP_DYNAMIC_FROM: u32 = 256;
const IP_LAST: u32 = 65534;
const NODE_PORTS: (i64, i64) = (30000, 32767);
/// The static band of the node port range (`min(max(16, size/16), 128)` ports).
const NODE_PORT_DYNAMIC_FROM: i64 = 30128;

pub(super) fn service(store: &Store, svc: &mut Value) -> Result<()> {
    let type_ = meta::str_at(svc, "/spec/type").to_string();
    if type_ == "ExternalName" {
        return Ok(());
    }
    let name = meta::name(svc).to_string();
    let seed = fnv1a32(format!("{}/{name}", meta::namespace(svc)).as_bytes());
    let used = used(store);
    let spec = meta::ensure_object(svc, "spec");
    let cluster_ip = spec
        .get("clusterIP")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    if spec.get("clusterIPs").is_none() && !cluster_ip.is_empty() {
        spec.insert("clusterIPs".into(), json!([cluster_ip]));
    }
    let headless = cluster_ip == "None";
    let selectorless = spec
        .get("selector")
        .and_then(Value::as_object)
        .is_none_or(|s| s.is_empty());
    let invalid = |causes: Vec<Cause>| Status::invalid(service_kind(), &name, causes);
    if headless && selectorless {
        // Headless and selectorless defaults to dual-stack, and may list both families even on
        // a single-stack cluster.
        spec.entry("ipFamilyPolicy")
            .or_insert(json!("RequireDualStack"));
        let policy = spec_policy(spec).to_string();
        if let Some(list) = spec
            .entry("ipFamilies")
            .or_insert(json!(["IPv4"]))
            .as_array_mut()
            && list.len() < 2
            && policy != "SingleStack"
        {
            let other = if list.first() == Some(&json!("IPv6")) {
                "IPv4"
            } else {
                "IPv6"
            };
            list.push(json!(other));
        }
        return Ok(());
    }
    spec.entry("ipFamilyPolicy").or_insert(json!("SingleStack"));
    let mut causes = Vec::new();
    if spec_policy(spec) == "RequireDualStack" {
        causes.push(Cause {
            field: "spec.ipFamilyPolicy".into(),
            message: "Invalid value: \"RequireDualStack\": this cluster is not configured for dual-stack services".into(),
        });
    }
    let families: Vec<String> = spec
        .get("ipFamilies")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    for (i, family) in families.iter().enumerate() {
        if family != "IPv4" {
            causes.push(Cause {
                field: format!("spec.ipFamilies[{i}]"),
                message: format!("Invalid value: {family:?}: not configured on this cluster"),
            });
        }
    }
    if !causes.is_empty() {
        return Err(invalid(causes));
    }
    spec.insert("ipFamilies".into(), json!(["IPv4"]));
    if !headless {
        let ip = if cluster_ip.is_empty() {
            next_free(seed, IP_DYNAMIC_FROM, IP_LAST, |o| {
                !used.ips.contains(&ip_at(o))
            })
            .map(ip_at)
            .ok_or_else(|| Status::bad_request("failed to allocate a serviceIP: range is full"))?
        } else {
            let why = match offset_of(&cluster_ip) {
                None => Some(format!(
                    "the provided IP ({cluster_ip}) is not in the valid range. The range of valid IPs is {SERVICE_CIDR}"
                )),
                Some(_) if used.ips.contains(&cluster_ip) => {
                    Some("provided IP is already allocated".to_string())
                }
                Some(_) => None,
            };
            if let Some(why) = why {
                return Err(invalid(vec![Cause {
                    field: "spec.clusterIPs".into(),
                    message: format!(
                        "Invalid value: [{cluster_ip:?}]: failed to allocate IP {cluster_ip}: {why}"
                    ),
                }]));
            }
            cluster_ip
        };
        spec.insert("clusterIP".into(), json!(ip));
        spec.insert("clusterIPs".into(), json!([ip]));
    }
    if matches!(type_.as_str(), "NodePort" | "LoadBalancer") {
        let allocate = spec.get("allocateLoadBalancerNodePorts") != Some(&json!(false));
        let mut taken = used.node_ports.clone();
        let mut by_port: Vec<(i64, i64)> = Vec::new();
        let ports = spec.get_mut("ports").and_then(Value::as_array_mut);
        for (i, port) in ports.into_iter().flatten().enumerate() {
            let number = port.get("port").and_then(Value::as_i64).unwrap_or(0);
            let requested = port.get("nodePort").and_then(Value::as_i64).unwrap_or(0);
            let node_port = if requested != 0 {
                if let Some(why) = node_port_problem(requested, &taken, &by_port) {
                    return Err(invalid(vec![Cause {
                        field: format!("spec.ports[{i}].nodePort"),
                        message: format!("Invalid value: {requested}: {why}"),
                    }]));
                }
                requested
            } else if let Some((_, same)) = by_port.iter().find(|(p, _)| *p == number) {
                *same // the same service port on another protocol shares its node port
            } else if allocate {
                let span = (NODE_PORTS.1 - NODE_PORT_DYNAMIC_FROM + 1) as u32;
                next_free(seed.wrapping_add(i as u32), 0, span - 1, |o| {
                    !taken.contains(&(NODE_PORT_DYNAMIC_FROM + i64::from(o)))
                })
                .map(|o| NODE_PORT_DYNAMIC_FROM + i64::from(o))
                .ok_or_else(|| {
                    Status::bad_request("failed to allocate a nodePort: range is full")
                })?
            } else {
                continue;
            };
            taken.push(node_port);
            by_port.push((number, node_port));
            meta::as_object_mut(port).insert("nodePort".into(), json!(node_port));
        }
    }
    Ok(())
}

fn spec_policy(spec: &serde_json::Map<String, Value>) -> &str {
    spec.get("ipFamilyPolicy")
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn node_port_problem(port: i64, taken: &[i64], mine: &[(i64, i64)]) -> Option<String> {
    if !(NODE_PORTS.0..=NODE_PORTS.1).contains(&port) {
        return Some(format!(
            "provided port is not in the valid range. The range of valid ports is {}-{}",
            NODE_PORTS.0, NODE_PORTS.1
        ));
    }
    (taken.contains(&port) && !mine.iter().any(|(_, p)| *p == port))
        .then(|| "provided port is already allocated".to_string())
}

/// The IPs and node ports every existing Service holds.
struct Used {
    ips: Vec<String>,
    node_ports: Vec<i64>,
}

fn used(store: &Store) -> Used {
    let mut used = Used {
        ips: Vec::new(),
        node_ports: Vec::new(),
    };
    for svc in store.list(service_kind(), None) {
        for ip in svc
            .pointer("/spec/clusterIPs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            used.ips.push(ip.to_string());
        }
        for port in svc
            .pointer("/spec/ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(np) = port.get("nodePort").and_then(Value::as_i64) {
                used.node_ports.push(np);
            }
        }
        if let Some(np) = svc
            .pointer("/spec/healthCheckNodePort")
            .and_then(Value::as_i64)
        {
            used.node_ports.push(np);
        }
    }
    used
}

fn service_kind() -> &'static crate::api::Kind {
    kinds::by_kind("", "Service").unwrap_or(&kinds::KINDS[0])
}

/// `10.96.x.y` for an offset into the range.
fn ip_at(offset: u32) -> String {
    format!("10.96.{}.{}", offset >> 8, offset & 0xff)
}

/// The offset of an IP inside the range (network and broadcast addresses excluded).
fn offset_of(ip: &str) -> Option<u32> {
    let octets: Vec<u32> = ip
        .split('.')
        .map(|o| o.parse().ok())
        .collect::<Option<_>>()?;
    match octets.as_slice() {
        [10, 96, c, d] if *c < 256 && *d < 256 => {
            Some((c << 8) | d).filter(|o| (1..=IP_LAST).contains(o))
        }
        _ => None,
    }
}

/// The first offset in `from..=to`, starting at a point chosen by `seed`, that `free` accepts.
fn next_free(seed: u32, from: u32, to: u32, free: impl Fn(u32) -> bool) -> Option<u32> {
    let span = to - from + 1;
    (0..span)
        .map(|step| from + (seed.wrapping_add(step)) % span)
        .find(|o| free(*o))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_addresses() {
        assert_eq!(ip_at(0x0a0b), "10.96.10.11");
        assert_eq!(offset_of("10.96.10.11"), Some(0x0a0b));
        assert_eq!(offset_of("10.97.0.1"), None);
        assert_eq!(offset_of("10.96.255.255"), None);
        assert_eq!(next_free(5, 10, 12, |o| o != 12), Some(10));
    }
}
