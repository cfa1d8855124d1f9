//! A request worked out without making it, for lesson checks ("would a request from this pod
//! to `http://web` be answered?"): the same resolve → connect → ask path as `curl` in a
//! container or `kubeplay curl`, run on a copy of the data plane's state, so kube-proxy's
//! random choices, the affinity table, the last trace and the servers' access logs of the real
//! one stay as they were, and the clock does not move.

use super::dns::{self, ResolvConf};
use super::{Dataplane, HttpRequest, Lookup, Net, Origin, Refusal, Reply, Trace, World};
use crate::kubelet::fs::Disks;

/// How a probed request would end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Probe {
    /// The name does not resolve (from outside: anything but an IPv4 address).
    NotResolved,
    /// Connection refused.
    Refused,
    /// Nothing answers (dropped packets, no DNS server, an address nobody owns).
    Timeout,
    /// The connection opened; for an HTTP URL, the reply's status (none for a server that
    /// closed without answering) and body. A `HOST:PORT` target only connects.
    Answered { status: Option<u16>, body: String },
}

/// What a probed request is sent to: `http://host[:port]/path` (HTTP GET) or `host:port`
/// (a TCP connection only).
struct Target {
    host: String,
    port: u16,
    /// `None` for a bare `host:port`.
    http: Option<(String, String)>,
}

impl Target {
    fn parse(text: &str) -> Option<Target> {
        if !text.contains("://")
            && !text.contains('/')
            && let Some((host, port)) = text.rsplit_once(':')
        {
            return (!host.is_empty()).then(|| {
                Some(Target {
                    host: host.to_string(),
                    port: port.parse().ok()?,
                    http: None,
                })
            })?;
        }
        let url = crate::kubelet::sh::network::Url::parse(text)?;
        Some(Target {
            host: url.host.clone(),
            port: url.port,
            http: Some((url.authority(), url.path.clone())),
        })
    }
}

/// Works out a request from `origin` to `to`. `resolver` is the sending container's
/// `resolv.conf` and `/etc/hosts` (none from outside, where only addresses work).
pub fn probe(
    world: World<'_>,
    plane: &Dataplane,
    disks: &Disks,
    origin: Origin,
    resolver: Option<(ResolvConf, String)>,
    to: &str,
) -> Result<Probe, String> {
    let target = Target::parse(to).ok_or_else(|| format!("{to:?} is not a URL or HOST:PORT"))?;
    let mut copy = plane.clone();
    let mut net = Net {
        world,
        plane: &mut copy,
        origin,
    };
    let mut trace = Trace::new(to, &net.origin);
    let ip = match &resolver {
        Some((conf, hosts)) => match net.resolve(conf, hosts, &target.host, &mut trace) {
            Lookup::Found(_, ips) => ips.into_iter().next().unwrap_or_default(),
            Lookup::NxDomain => return Ok(Probe::NotResolved),
            Lookup::Timeout => return Ok(Probe::Timeout),
        },
        None if dns::is_ipv4(&target.host) => target.host.clone(),
        None => return Ok(Probe::NotResolved),
    };
    let backend = match net.connect(&ip, target.port, &mut trace) {
        Ok(backend) => backend,
        Err(Refusal::Refused) => return Ok(Probe::Refused),
        Err(Refusal::Timeout) => return Ok(Probe::Timeout),
    };
    let Some((authority, path)) = &target.http else {
        return Ok(Probe::Answered {
            status: None,
            body: String::new(),
        });
    };
    let request = HttpRequest {
        method: "GET",
        path,
        host: authority,
        user_agent: "curl/8.14.1",
    };
    Ok(match net.http(disks, &backend, &request, &mut trace) {
        Reply::Http { status, body, .. } => Probe::Answered {
            status: Some(status),
            body,
        },
        Reply::Empty => Probe::Answered {
            status: None,
            body: String::new(),
        },
    })
}
