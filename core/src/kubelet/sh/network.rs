//! The hook for commands that need the network: `curl`, `wget`, `nslookup`, `nc`, `ping`
//! (one file each under `network/`), answered through the cluster's data plane
//! ([`crate::network`]) with each tool's own wording. Package managers and tools the sandbox
//! does not simulate say so plainly.
//!
//! Names are resolved as the container's libc would: its own `/etc/hosts` and
//! `/etc/resolv.conf` (what the kubelet wrote, or what the learner changed). Every request
//! leaves a [`Trace`] behind (`kubeplay trace` prints the last one).

mod curl;
mod host;
mod nc;
mod nslookup;
mod ping;
mod wget;

use super::Sys;
use super::commands::{Io, Wait};
use crate::network::dns::ResolvConf;
use crate::network::{Backend, HttpRequest, Lookup, Refusal, Reply, Trace};

/// Programs answered by this hook.
pub const COMMANDS: &[&str] = &[
    "curl",
    "wget",
    "nslookup",
    "nc",
    "ping",
    "ping6",
    "dig",
    "host",
    "telnet",
    "traceroute",
    "apk",
    "apt",
    "apt-get",
    "pip",
    "npm",
];

/// Runs a network command.
pub fn run(argv: &[String], io: &mut Io, sys: &mut Sys<'_>) -> (i32, Wait) {
    let name = argv.first().map(String::as_str).unwrap_or("");
    let name = name.rsplit('/').next().unwrap_or(name);
    let args = argv.get(1..).unwrap_or_default();
    if sys.net.is_some() {
        match name {
            "curl" => return curl::run(args, io, sys),
            "wget" => return wget::run(args, io, sys),
            "nslookup" => return nslookup::run(args, io, sys),
            "host" => return host::run(args, io, sys),
            "nc" => return nc::run(args, io, sys),
            "ping" => return ping::run(args, io, sys),
            _ => {}
        }
    }
    io.err
        .push_str(&format!("{name}: not available in this sandbox yet\n"));
    (1, Wait::None)
}

/// A URL as the tools take it: `web`, `web:8080/path`, `http://10.96.0.1/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    pub scheme: String,
    pub host: String,
    pub port: u16,
    /// Whether the port was written in the URL.
    pub explicit_port: bool,
    /// Path and query, starting with `/`.
    pub path: String,
}

impl Url {
    pub fn parse(text: &str) -> Option<Url> {
        let (scheme, rest) = match text.split_once("://") {
            Some((s, r)) => (s.to_ascii_lowercase(), r),
            None => ("http".to_string(), text),
        };
        let default_port = match scheme.as_str() {
            "http" => 80,
            "https" => 443,
            _ => return None,
        };
        let (authority, path) = match rest.find(['/', '?']) {
            Some(i) => (
                rest.get(..i).unwrap_or(""),
                rest.get(i..).unwrap_or("/").to_string(),
            ),
            None => (rest, "/".to_string()),
        };
        let path = if path.starts_with('?') {
            format!("/{path}")
        } else {
            path
        };
        let authority = authority.rsplit('@').next().unwrap_or(authority);
        let (host, port, explicit_port) = match authority.rsplit_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().ok()?, true),
            None => (authority, default_port, false),
        };
        if host.is_empty() {
            return None;
        }
        Some(Url {
            scheme,
            host: host.to_string(),
            port,
            explicit_port,
            path,
        })
    }

    /// `host` or `host:port` as written.
    pub fn authority(&self) -> String {
        if self.explicit_port {
            format!("{}:{}", self.host, self.port)
        } else {
            self.host.clone()
        }
    }

    pub fn full(&self) -> String {
        format!("{}://{}{}", self.scheme, self.authority(), self.path)
    }
}

/// The container's resolver configuration and hosts file.
fn resolver(sys: &Sys<'_>) -> (ResolvConf, String) {
    let read = |path: &str| sys.view.read(sys.disks, path).unwrap_or_default();
    (
        ResolvConf::parse(&read("/etc/resolv.conf")),
        read("/etc/hosts"),
    )
}

/// The DNS server a lookup tool asks: the one named on its command line (`TOOL NAME SERVER`),
/// else the container's first `nameserver`, else the resolver's fallback, 127.0.0.1.
fn lookup_server(words: &[&String], conf: &ResolvConf) -> String {
    words
        .get(1)
        .map(|s| s.to_string())
        .or_else(|| conf.nameservers.first().cloned())
        .unwrap_or_else(|| "127.0.0.1".into())
}

/// How an HTTP fetch ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fetch {
    NotResolved,
    /// No DNS server answered.
    DnsTimeout,
    Refused(String),
    TimedOut(String),
    Answered(String, Reply),
}

/// What a client asks for.
pub struct Ask<'a> {
    pub url: &'a Url,
    pub method: &'a str,
    pub host_header: Option<&'a str>,
    pub user_agent: &'a str,
}

/// Resolves and connects: the address (or why not), the time it took, and the trace so far.
fn open(
    sys: &mut Sys<'_>,
    host: &str,
    port: u16,
    trace: &mut Trace,
) -> (Result<(String, Backend), Fetch>, i64) {
    let (conf, hosts) = resolver(sys);
    let Some(net) = sys.net.as_mut() else {
        return (Err(Fetch::DnsTimeout), 0);
    };
    let ip = match net.resolve(&conf, &hosts, host, trace) {
        Lookup::Found(_, ips) => ips.into_iter().next().unwrap_or_default(),
        Lookup::NxDomain => return (Err(Fetch::NotResolved), 0),
        Lookup::Timeout => {
            return (Err(Fetch::DnsTimeout), crate::network::DNS_TIMEOUT_MS);
        }
    };
    match net.connect(&ip, port, trace) {
        Ok(backend) => (Ok((ip, backend)), 0),
        Err(Refusal::Refused) => (Err(Fetch::Refused(ip)), 0),
        Err(Refusal::Timeout) => (Err(Fetch::TimedOut(ip)), crate::network::CONNECT_TIMEOUT_MS),
    }
}

/// An HTTP request from the container: resolve, connect, ask. Returns how it ended and how
/// long it took (before the client's own timeouts cut it short); the trace is recorded.
pub fn fetch(sys: &mut Sys<'_>, ask: &Ask<'_>) -> (Fetch, i64) {
    let mut trace = {
        let Some(net) = sys.net.as_ref() else {
            return (Fetch::DnsTimeout, 0);
        };
        Trace::new(&format!("{} {}", ask.method, ask.url.full()), &net.origin)
    };
    let (opened, ms) = open(sys, &ask.url.host, ask.url.port, &mut trace);
    let fetched = match opened {
        Err(f) => f,
        Ok((ip, backend)) => {
            let host = ask
                .host_header
                .map(str::to_string)
                .unwrap_or_else(|| ask.url.authority());
            let request = HttpRequest {
                method: ask.method,
                path: &ask.url.path,
                host: &host,
                user_agent: ask.user_agent,
            };
            let disks: &crate::kubelet::fs::Disks = sys.disks;
            match sys.net.as_mut() {
                Some(net) => Fetch::Answered(ip, net.http(disks, &backend, &request, &mut trace)),
                None => Fetch::DnsTimeout,
            }
        }
    };
    trace.outcome = match &fetched {
        Fetch::NotResolved => format!("could not resolve {}", ask.url.host),
        Fetch::DnsTimeout => "DNS lookup timed out".into(),
        Fetch::Refused(ip) => format!("connection to {ip}:{} refused", ask.url.port),
        Fetch::TimedOut(ip) => format!("connection to {ip}:{} timed out", ask.url.port),
        Fetch::Answered(_, Reply::Http { status, reason, .. }) => format!("{status} {reason}"),
        Fetch::Answered(_, Reply::Empty) => "empty reply".into(),
    };
    record(sys, trace);
    (fetched, ms)
}

/// Keeps `trace` as the cluster's last one.
fn record(sys: &mut Sys<'_>, trace: Trace) {
    if let Some(net) = sys.net.as_mut() {
        net.plane.record(trace);
    }
}

/// A TCP connection only (`nc`): the address and whether it opened.
pub fn tcp(sys: &mut Sys<'_>, host: &str, port: u16) -> (Fetch, i64) {
    let mut trace = {
        let Some(net) = sys.net.as_ref() else {
            return (Fetch::DnsTimeout, 0);
        };
        Trace::new(&format!("TCP {host}:{port}"), &net.origin)
    };
    let (opened, ms) = open(sys, host, port, &mut trace);
    let fetched = match opened {
        Ok((ip, _)) => Fetch::Answered(ip, Reply::Empty),
        Err(f) => f,
    };
    trace.outcome = match &fetched {
        Fetch::Answered(ip, _) => format!("connected to {ip}:{port}"),
        Fetch::Refused(ip) => format!("connection to {ip}:{port} refused"),
        Fetch::TimedOut(ip) => format!("connection to {ip}:{port} timed out"),
        Fetch::NotResolved => format!("could not resolve {host}"),
        Fetch::DnsTimeout => "DNS lookup timed out".into(),
    };
    record(sys, trace);
    (fetched, ms)
}

/// Resolves a name only (ping): the address, or how resolution failed, and the time taken.
pub fn lookup(sys: &mut Sys<'_>, host: &str) -> (Result<String, Fetch>, i64) {
    let (conf, hosts) = resolver(sys);
    let Some(net) = sys.net.as_mut() else {
        return (Err(Fetch::DnsTimeout), 0);
    };
    let mut trace = Trace::new(&format!("lookup {host}"), &net.origin);
    let result = match net.resolve(&conf, &hosts, host, &mut trace) {
        Lookup::Found(_, ips) => (Ok(ips.into_iter().next().unwrap_or_default()), 0),
        Lookup::NxDomain => (Err(Fetch::NotResolved), 0),
        Lookup::Timeout => (Err(Fetch::DnsTimeout), crate::network::DNS_TIMEOUT_MS),
    };
    trace.outcome = match &result.0 {
        Ok(ip) => ip.clone(),
        Err(Fetch::NotResolved) => "NXDOMAIN".into(),
        Err(_) => "timed out".into(),
    };
    net.plane.record(trace);
    result
}

/// Reads a flag's value: `-T 5`, `-T5`, `--timeout=5`, `--timeout 5`. Returns the value and
/// how many words it took.
fn value_of(args: &[String], i: usize, short: &str, long: &str) -> Option<(String, usize)> {
    let a = args.get(i)?;
    if !short.is_empty() && a == short || !long.is_empty() && a == long {
        return args.get(i + 1).map(|v| (v.clone(), 2));
    }
    if !long.is_empty()
        && let Some(v) = a.strip_prefix(&format!("{long}="))
    {
        return Some((v.to_string(), 1));
    }
    if !short.is_empty()
        && short.len() == 2
        && a.starts_with(short)
        && a.len() > 2
        && !a.starts_with("--")
    {
        return Some((a.get(2..).unwrap_or("").to_string(), 1));
    }
    None
}

/// Seconds as tools take them (`5`, `2.5`), in milliseconds.
fn seconds_ms(text: &str) -> Option<i64> {
    let secs: f64 = text.parse().ok()?;
    (secs >= 0.0).then(|| (secs * 1000.0).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = Url::parse("web").unwrap();
        assert_eq!((u.host.as_str(), u.port, u.path.as_str()), ("web", 80, "/"));
        let u = Url::parse("http://web.default:8080/api?x=1").unwrap();
        assert_eq!(u.host, "web.default");
        assert_eq!(u.port, 8080);
        assert_eq!(u.path, "/api?x=1");
        assert_eq!(u.authority(), "web.default:8080");
        assert!(Url::parse("ftp://x").is_none());
        assert!(Url::parse("http://:80").is_none());
    }

    #[test]
    fn flag_values() {
        let args: Vec<String> = ["-T", "5", "-T3", "--timeout=2"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(value_of(&args, 0, "-T", "--timeout"), Some(("5".into(), 2)));
        assert_eq!(value_of(&args, 2, "-T", "--timeout"), Some(("3".into(), 1)));
        assert_eq!(value_of(&args, 3, "-T", "--timeout"), Some(("2".into(), 1)));
        assert_eq!(seconds_ms("2.5"), Some(2500));
    }
}
