//! Cluster DNS: what CoreDNS's `kubernetes` plugin answers for the `cluster.local` zone (kind's
//! Corefile: `kubernetes cluster.local in-addr.arpa ip6.arpa { pods insecure }`, everything
//! else forwarded upstream), and the stub resolver's side of it in a container: `resolv.conf`
//! (search list, `ndots`), `/etc/hosts`, the names tried in order.
//!
//! Records, as the plugin serves them:
//! - `<svc>.<ns>.svc.cluster.local`: the ClusterIP; a headless Service (`clusterIP: None`)
//!   answers one A record per ready endpoint (every endpoint with
//!   `publishNotReadyAddresses`); an ExternalName Service answers a CNAME.
//! - `<hostname>.<svc>.<ns>.svc.cluster.local`: the endpoint of a headless Service whose pod
//!   has that `hostname` and `subdomain: <svc>` (a StatefulSet's `web-0.nginx...`), or whose
//!   address in dashed form is `<hostname>` (`10-244-1-5.nginx...`).
//! - `<a-b-c-d>.<ns>.pod.cluster.local`: `a.b.c.d` (`pods insecure` answers any address).
//!
//! Anything else in the zone is NXDOMAIN. Names outside it go upstream; this sandbox has no
//! outside network, so upstream answers NXDOMAIN too.

use serde_json::Value;

use crate::api::meta;
use crate::controllers::kind;
use crate::store::Store;

pub const ZONE: &str = "cluster.local";

/// A DNS answer to an A query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// A records, in the order served.
    A(Vec<String>),
    /// A CNAME (ExternalName Services), with the A records of its target when known.
    Cname(String, Vec<String>),
    /// The name exists but has no record of this type (NOERROR, empty answer).
    NoData,
    NxDomain,
}

/// CoreDNS's answer to an A query for `name` (absolute; a trailing dot is ignored).
pub fn query_a(store: &Store, name: &str) -> Answer {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let Some(rest) = name.strip_suffix(ZONE) else {
        return Answer::NxDomain;
    };
    let rest = rest.trim_end_matches('.');
    let labels: Vec<&str> = if rest.is_empty() {
        Vec::new()
    } else {
        rest.split('.').collect()
    };
    match labels.as_slice() {
        [] | ["svc"] | ["pod"] => Answer::NoData,
        [ns, "svc"] | [ns, "pod"] if namespace_exists(store, ns) => Answer::NoData,
        [svc, ns, "svc"] => service_records(store, ns, svc),
        [host, svc, ns, "svc"] => endpoint_by_hostname(store, ns, svc, host),
        [dashed, ns, "pod"] if namespace_exists(store, ns) => match undash(dashed) {
            Some(ip) => Answer::A(vec![ip]),
            None => Answer::NxDomain,
        },
        _ => Answer::NxDomain,
    }
}

fn namespace_exists(store: &Store, ns: &str) -> bool {
    store.get(kind("", "Namespace"), "", ns).is_ok()
}

/// `10-244-1-5` → `10.244.1.5`.
fn undash(label: &str) -> Option<String> {
    let parts: Vec<&str> = label.split('-').collect();
    (parts.len() == 4 && parts.iter().all(|p| p.parse::<u8>().is_ok())).then(|| parts.join("."))
}

fn service_records(store: &Store, ns: &str, name: &str) -> Answer {
    let Ok(svc) = store.get(kind("", "Service"), ns, name) else {
        return Answer::NxDomain;
    };
    if meta::str_at(svc, "/spec/type") == "ExternalName" {
        let target = meta::str_at(svc, "/spec/externalName")
            .trim_end_matches('.')
            .to_string();
        let resolved = match query_a(store, &target) {
            Answer::A(ips) | Answer::Cname(_, ips) => ips,
            _ => Vec::new(),
        };
        return Answer::Cname(target, resolved);
    }
    let cluster_ip = meta::str_at(svc, "/spec/clusterIP");
    if cluster_ip != "None" && !cluster_ip.is_empty() {
        return Answer::A(vec![cluster_ip.to_string()]);
    }
    let ips: Vec<String> = headless_endpoints(store, svc)
        .into_iter()
        .map(|(ip, _)| ip)
        .collect();
    if ips.is_empty() {
        Answer::NxDomain
    } else {
        Answer::A(ips)
    }
}

/// A headless Service's published endpoints: (address, the pod it belongs to).
fn headless_endpoints<'a>(store: &'a Store, svc: &Value) -> Vec<(String, Option<&'a Value>)> {
    let ns = meta::namespace(svc);
    let publish_all = svc.pointer("/spec/publishNotReadyAddresses") == Some(&Value::Bool(true));
    let mut out: Vec<(String, Option<&Value>)> = Vec::new();
    for slice in super::proxy::slices_of(store, ns, meta::name(svc)) {
        for ep in meta::array_at(slice, "/endpoints") {
            let ready = ep.pointer("/conditions/ready") != Some(&Value::Bool(false));
            if !ready && !publish_all {
                continue;
            }
            let pod = match meta::str_at(ep, "/targetRef/name") {
                "" => None,
                name => store.get(kind("", "Pod"), ns, name).ok(),
            };
            for ip in meta::array_at(ep, "/addresses")
                .iter()
                .filter_map(Value::as_str)
            {
                if !out.iter().any(|(seen, _)| seen == ip) {
                    out.push((ip.to_string(), pod));
                }
            }
        }
    }
    out
}

fn endpoint_by_hostname(store: &Store, ns: &str, svc_name: &str, host: &str) -> Answer {
    let Ok(svc) = store.get(kind("", "Service"), ns, svc_name) else {
        return Answer::NxDomain;
    };
    if meta::str_at(svc, "/spec/clusterIP") != "None" {
        return Answer::NxDomain;
    }
    let found: Vec<String> = headless_endpoints(store, svc)
        .into_iter()
        .filter(|(ip, pod)| {
            let named = pod.is_some_and(|p| {
                meta::str_at(p, "/spec/hostname") == host
                    && meta::str_at(p, "/spec/subdomain") == svc_name
            });
            named || ip.replace('.', "-") == host
        })
        .map(|(ip, _)| ip)
        .collect();
    if found.is_empty() {
        Answer::NxDomain
    } else {
        Answer::A(found)
    }
}

/// CoreDNS's answer to a PTR query for `ip`: a Service's name for its ClusterIP, or the
/// endpoint name (`10-244-1-5.web.default.svc.cluster.local`) of a pod behind a Service.
pub fn query_ptr(store: &Store, ip: &str) -> Option<String> {
    for svc in store.list(kind("", "Service"), None) {
        let (ns, name) = (meta::namespace(svc), meta::name(svc));
        if meta::str_at(svc, "/spec/clusterIP") == ip {
            return Some(format!("{name}.{ns}.svc.{ZONE}"));
        }
    }
    for svc in store.list(kind("", "Service"), None) {
        let (ns, name) = (meta::namespace(svc), meta::name(svc));
        for slice in super::proxy::slices_of(store, ns, name) {
            for ep in meta::array_at(slice, "/endpoints") {
                if meta::array_at(ep, "/addresses")
                    .iter()
                    .any(|a| a.as_str() == Some(ip))
                {
                    let host = match meta::str_at(ep, "/hostname") {
                        "" => ip.replace('.', "-"),
                        h => h.to_string(),
                    };
                    return Some(format!("{host}.{name}.{ns}.svc.{ZONE}"));
                }
            }
        }
    }
    None
}

/// `10.96.0.1` → `1.0.96.10.in-addr.arpa`.
pub fn reverse_name(ip: &str) -> String {
    let mut parts: Vec<&str> = ip.split('.').collect();
    parts.reverse();
    format!("{}.in-addr.arpa", parts.join("."))
}

/// A container's `/etc/resolv.conf`, as a stub resolver reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResolvConf {
    pub nameservers: Vec<String>,
    pub search: Vec<String>,
    pub ndots: usize,
}

impl ResolvConf {
    pub fn parse(text: &str) -> ResolvConf {
        let mut conf = ResolvConf {
            ndots: 1,
            ..ResolvConf::default()
        };
        for line in text.lines() {
            let mut words = line.split_whitespace();
            match words.next() {
                Some("nameserver") => conf.nameservers.extend(words.next().map(str::to_string)),
                Some("search") | Some("domain") => {
                    conf.search = words.map(str::to_string).collect();
                }
                Some("options") => {
                    for option in words {
                        if let Some(n) = option.strip_prefix("ndots:") {
                            conf.ndots = n.parse().unwrap_or(1).min(15);
                        }
                    }
                }
                _ => {}
            }
        }
        conf
    }

    /// The names getaddrinfo tries for `name`, in order: with fewer dots than `ndots`, each
    /// search domain appended first and the name itself last; otherwise the name first. A
    /// trailing dot makes the name absolute: only it is tried.
    pub fn candidates(&self, name: &str) -> Vec<String> {
        if let Some(absolute) = name.strip_suffix('.') {
            return vec![absolute.to_string()];
        }
        let searched = self.search.iter().map(|d| format!("{name}.{d}"));
        if name.matches('.').count() >= self.ndots {
            std::iter::once(name.to_string()).chain(searched).collect()
        } else {
            searched.chain(std::iter::once(name.to_string())).collect()
        }
    }
}

/// The address `/etc/hosts` gives `name`, if any.
pub fn hosts_lookup(hosts: &str, name: &str) -> Option<String> {
    hosts.lines().find_map(|line| {
        let line = line.split('#').next().unwrap_or("");
        let mut words = line.split_whitespace();
        let ip = words.next()?;
        (ip.contains('.') && words.any(|w| w.eq_ignore_ascii_case(name))).then(|| ip.to_string())
    })
}

/// Whether `text` is a dotted IPv4 address.
pub fn is_ipv4(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() == 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 3 && p.parse::<u8>().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pod_conf() -> ResolvConf {
        ResolvConf::parse(
            "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n",
        )
    }

    #[test]
    fn search_list_and_ndots() {
        let conf = pod_conf();
        assert_eq!(conf.nameservers, vec!["10.96.0.10"]);
        assert_eq!(conf.ndots, 5);
        assert_eq!(
            conf.candidates("web"),
            vec![
                "web.default.svc.cluster.local",
                "web.svc.cluster.local",
                "web.cluster.local",
                "web"
            ]
        );
        // Four dots are still fewer than five: the search list comes first.
        assert_eq!(
            conf.candidates("web.default.svc.cluster.local").first(),
            Some(&"web.default.svc.cluster.local.default.svc.cluster.local".to_string())
        );
        assert_eq!(
            conf.candidates("web.default.svc.cluster.local."),
            vec!["web.default.svc.cluster.local"]
        );
        let host = ResolvConf::parse("nameserver 172.18.0.1\noptions ndots:0\n");
        assert_eq!(host.candidates("web"), vec!["web"]);
    }

    #[test]
    fn hosts_file() {
        let hosts =
            "127.0.0.1\tlocalhost\n10.244.1.4\tweb-0.nginx.default.svc.cluster.local\tweb-0\n";
        assert_eq!(hosts_lookup(hosts, "web-0"), Some("10.244.1.4".into()));
        assert_eq!(hosts_lookup(hosts, "localhost"), Some("127.0.0.1".into()));
        assert_eq!(hosts_lookup(hosts, "web-1"), None);
    }

    #[test]
    fn addresses() {
        assert!(is_ipv4("10.96.0.10"));
        assert!(!is_ipv4("10.96.0"));
        assert!(!is_ipv4("web"));
        assert_eq!(undash("10-244-1-5"), Some("10.244.1.5".into()));
        assert_eq!(undash("web-0"), None);
    }
}
