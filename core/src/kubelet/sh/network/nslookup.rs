//! `nslookup NAME [SERVER]`, in busybox's form (busybox and alpine images) or bind's (Debian
//! images such as dnsutils).
//!
//! busybox (1.28 and later) sends an A and an AAAA query for every search domain when the
//! name has no dot, and none of the search list when it has one — which is why
//! `nslookup web.default` fails there while `wget web.default` works — and prints each reply
//! as it comes, NXDOMAIN ones included. bind's nslookup walks the search list as the libc
//! resolver does and prints the first answer.

use super::super::Sys;
use super::super::commands::{Io, Wait};
use super::{lookup_server, resolver};
use crate::network::dns::{self, Answer};
use crate::network::{DnsServer, Trace};

pub fn run(args: &[String], io: &mut Io, sys: &mut Sys<'_>) -> (i32, Wait) {
    let busybox = sys.info.flavour.is_busybox();
    let words: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let Some(name) = words.first().map(|s| s.as_str()) else {
        if busybox {
            io.err.push_str("BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n\nQuery DNS about HOST\n\nQUERY_TYPE: soa,ns,a,aaaa,cname,mx,txt,any,srv,ptr\n");
        }
        return (1, Wait::None);
    };
    let (conf, _) = resolver(sys);
    let server_ip = lookup_server(&words, &conf);
    let Some(net) = sys.net.as_mut() else {
        return (1, Wait::None);
    };
    let mut trace = Trace::new(&format!("nslookup {name}"), &net.origin);
    let server = net.dns_server(&server_ip, &mut trace);
    let header = if busybox {
        format!("Server:\t\t{server_ip}\nAddress:\t{server_ip}:53\n\n")
    } else {
        format!("Server:\t\t{server_ip}\nAddress:\t{server_ip}#53\n\n")
    };
    let Some(server) = server else {
        trace.outcome = "no DNS server answered".into();
        net.plane.record(trace);
        io.out
            .push_str(";; connection timed out; no servers could be reached\n\n");
        let ms = if busybox { 5_000 } else { 15_000 };
        return (1, Wait::Millis(ms));
    };
    let mut out = header;
    let mut failed = false;
    if dns::is_ipv4(name) {
        let ptr = dns::reverse_name(name);
        let found = match &server {
            DnsServer::CoreDns { .. } => dns::query_ptr(net.world.store, name),
            DnsServer::Upstream => None,
        };
        match found {
            Some(host) => {
                let dot = if busybox { "" } else { "." };
                out.push_str(&format!("{ptr}\tname = {host}{dot}\n\n"));
                trace.outcome = format!("PTR {host}");
            }
            None => {
                out.push_str(&format!("** server can't find {ptr}: NXDOMAIN\n\n"));
                trace.outcome = "NXDOMAIN".into();
                failed = true;
            }
        }
    } else if busybox {
        // One A and one AAAA query per name; replies printed in the order they were sent.
        let names: Vec<String> = if name.contains('.') || conf.search.is_empty() {
            vec![name.trim_end_matches('.').to_string()]
        } else {
            conf.search.iter().map(|d| format!("{name}.{d}")).collect()
        };
        let mut found = Vec::new();
        for aaaa in [false, true] {
            for q in &names {
                match net.ask(&server, q) {
                    Answer::NxDomain => {
                        out.push_str(&format!("** server can't find {q}: NXDOMAIN\n"));
                        failed = true;
                    }
                    Answer::A(ips) if !aaaa => {
                        for ip in &ips {
                            out.push_str(&format!("Name:\t{q}\nAddress: {ip}\n"));
                        }
                        found.push(format!("{q}: {}", ips.join(", ")));
                    }
                    Answer::Cname(target, ips) if !aaaa => {
                        out.push_str(&format!("{q}\tcanonical name = {target}\n"));
                        for ip in &ips {
                            out.push_str(&format!("Name:\t{target}\nAddress: {ip}\n"));
                        }
                        found.push(format!("{q}: CNAME {target}"));
                    }
                    Answer::Cname(target, _) => {
                        out.push_str(&format!("{q}\tcanonical name = {target}\n"));
                    }
                    Answer::A(_) | Answer::NoData => {}
                }
                out.push('\n');
            }
        }
        trace.outcome = if found.is_empty() {
            "NXDOMAIN".into()
        } else {
            found.join("; ")
        };
    } else {
        let mut answered = false;
        for q in conf.candidates(name) {
            match net.ask(&server, &q) {
                Answer::A(ips) => {
                    for ip in &ips {
                        out.push_str(&format!("Name:\t{q}\nAddress: {ip}\n"));
                    }
                    trace.outcome = format!("{q}: {}", ips.join(", "));
                    answered = true;
                }
                Answer::Cname(target, ips) => {
                    out.push_str(&format!("{q}\tcanonical name = {target}.\n"));
                    for ip in &ips {
                        out.push_str(&format!("Name:\t{target}\nAddress: {ip}\n"));
                    }
                    trace.outcome = format!("{q}: CNAME {target}");
                    answered = true;
                }
                Answer::NoData | Answer::NxDomain => continue,
            }
            break;
        }
        if answered {
            out.push('\n');
        } else {
            out.push_str(&format!("** server can't find {name}: NXDOMAIN\n\n"));
            trace.outcome = "NXDOMAIN".into();
            failed = true;
        }
    }
    net.plane.record(trace);
    io.out.push_str(&out);
    (i32::from(failed), Wait::None)
}
