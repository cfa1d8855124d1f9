//! `host NAME [SERVER]`, bind's DNS lookup tool (in the dnsutils image): the search list of
//! the container's `resolv.conf` as the libc resolver walks it, one line per record
//! (`NAME has address IP`, `NAME is an alias for TARGET.`), reverse lookups for addresses, and
//! bind's wording for NXDOMAIN and for a server that never answers. It asks for A, AAAA and
//! MX records; Services have only A records, so only those lines appear.

use super::super::Sys;
use super::super::commands::{Io, Wait};
use super::{lookup_server, resolver};
use crate::network::dns::{self, Answer};
use crate::network::{DnsServer, Trace};

pub fn run(args: &[String], io: &mut Io, sys: &mut Sys<'_>) -> (i32, Wait) {
    let words: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let Some(name) = words.first().map(|s| s.as_str()) else {
        io.err.push_str("Usage: host [-aCdilrTvVw] [-c class] [-N ndots] [-t type] [-W time]\n            [-R number] [-m flag] [-p port] hostname [server]\n");
        return (1, Wait::None);
    };
    let (conf, _) = resolver(sys);
    let server_ip = lookup_server(&words, &conf);
    let Some(net) = sys.net.as_mut() else {
        return (1, Wait::None);
    };
    let mut trace = Trace::new(&format!("host {name}"), &net.origin);
    let server = net.dns_server(&server_ip, &mut trace);
    // Naming the server prints which one answered first.
    let mut out = match words.get(1) {
        Some(_) => format!(
            "Using domain server:\nName: {server_ip}\nAddress: {server_ip}#53\nAliases: \n\n"
        ),
        None => String::new(),
    };
    let Some(server) = server else {
        trace.outcome = "no DNS server answered".into();
        net.plane.record(trace);
        io.out
            .push_str(";; connection timed out; no servers could be reached\n");
        return (1, Wait::Millis(10_000));
    };
    let mut failed = false;
    if dns::is_ipv4(name) {
        let ptr = dns::reverse_name(name);
        let found = match &server {
            DnsServer::CoreDns { .. } => dns::query_ptr(net.world.store, name),
            DnsServer::Upstream => None,
        };
        match found {
            Some(host) => {
                out.push_str(&format!("{ptr} domain name pointer {host}.\n"));
                trace.outcome = format!("PTR {host}");
            }
            None => {
                out.push_str(&format!("Host {ptr}. not found: 3(NXDOMAIN)\n"));
                trace.outcome = "NXDOMAIN".into();
                failed = true;
            }
        }
    } else {
        let mut answered = false;
        for q in conf.candidates(name) {
            match net.ask(&server, &q) {
                Answer::A(ips) => {
                    for ip in &ips {
                        out.push_str(&format!("{q} has address {ip}\n"));
                    }
                    trace.outcome = format!("{q}: {}", ips.join(", "));
                }
                Answer::Cname(target, ips) => {
                    out.push_str(&format!("{q} is an alias for {target}.\n"));
                    for ip in &ips {
                        out.push_str(&format!("{target} has address {ip}\n"));
                    }
                    trace.outcome = format!("{q}: CNAME {target}");
                }
                Answer::NoData | Answer::NxDomain => continue,
            }
            answered = true;
            break;
        }
        if !answered {
            out.push_str(&format!("Host {name} not found: 3(NXDOMAIN)\n"));
            trace.outcome = "NXDOMAIN".into();
            failed = true;
        }
    }
    net.plane.record(trace);
    io.out.push_str(&out);
    (i32::from(failed), Wait::None)
}
