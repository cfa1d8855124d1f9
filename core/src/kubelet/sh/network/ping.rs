//! `ping [-c N] HOST`: pods and nodes answer ICMP echo; a Service's ClusterIP does not (it
//! exists only as kube-proxy's rules for the Service's ports), so pinging a Service fails even
//! when the Service works. busybox's wording, or iputils' in Debian images.

use super::super::Sys;
use super::super::commands::{Io, Wait};
use super::{Fetch, lookup, value_of};
use crate::time::SECOND;

pub fn run(args: &[String], io: &mut Io, sys: &mut Sys<'_>) -> (i32, Wait) {
    let busybox = sys.info.flavour.is_busybox();
    let mut count: Option<u32> = None;
    let mut host = None;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if let Some((v, used)) = value_of(args, i, "-c", "") {
            count = v.parse().ok();
            i += used;
            continue;
        }
        if let Some((_, used)) = value_of(args, i, "-W", "")
            .or_else(|| value_of(args, i, "-w", ""))
            .or_else(|| value_of(args, i, "-i", ""))
        {
            i += used;
            continue;
        }
        if !a.starts_with('-') {
            host = Some(a.clone());
        }
        i += 1;
    }
    let Some(host) = host else {
        io.err.push_str(if busybox {
            "BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n"
        } else {
            "ping: usage error: Destination address required\n"
        });
        return (if busybox { 1 } else { 2 }, Wait::None);
    };
    let (resolved, took) = lookup(sys, &host);
    let ip = match resolved {
        Ok(ip) => ip,
        Err(Fetch::DnsTimeout) | Err(_) if busybox => {
            io.err.push_str(&format!("ping: bad address '{host}'\n"));
            return (1, wait(took));
        }
        Err(_) => {
            io.err.push_str(&format!(
                "ping: {host}: Temporary failure in name resolution\n"
            ));
            return (2, wait(took));
        }
    };
    let answers = sys.net.as_ref().is_some_and(|n| n.ping(&ip));
    let Some(n) = count else {
        // Without -c, ping runs until interrupted.
        if busybox {
            io.out
                .push_str(&format!("PING {host} ({ip}): 56 data bytes\n"));
        } else {
            io.out
                .push_str(&format!("PING {host} ({ip}) 56(84) bytes of data.\n"));
        }
        return (0, Wait::Forever);
    };
    let n = n.max(1);
    let mut out = if busybox {
        format!("PING {host} ({ip}): 56 data bytes\n")
    } else {
        format!("PING {host} ({ip}) 56(84) bytes of data.\n")
    };
    let times = [0.081, 0.094, 0.072, 0.088, 0.079];
    let pick = |k: u32| times.get(k as usize % times.len()).copied().unwrap_or(0.08);
    if answers {
        for k in 0..n {
            if busybox {
                out.push_str(&format!(
                    "64 bytes from {ip}: seq={k} ttl=63 time={:.3} ms\n",
                    pick(k)
                ));
            } else {
                out.push_str(&format!(
                    "64 bytes from {ip}: icmp_seq={} ttl=63 time={:.3} ms\n",
                    k + 1,
                    pick(k)
                ));
            }
        }
    }
    let received = if answers { n } else { 0 };
    let loss = if answers { 0 } else { 100 };
    out.push_str(&format!("\n--- {host} ping statistics ---\n"));
    let elapsed = i64::from(n - 1) * SECOND;
    if busybox {
        out.push_str(&format!(
            "{n} packets transmitted, {received} packets received, {loss}% packet loss\n"
        ));
    } else {
        out.push_str(&format!(
            "{n} packets transmitted, {received} received, {loss}% packet loss, time {elapsed}ms\n"
        ));
    }
    if answers {
        let samples: Vec<f64> = (0..n).map(pick).collect();
        let min = samples.iter().copied().fold(f64::MAX, f64::min);
        let max = samples.iter().copied().fold(0.0, f64::max);
        let avg = samples.iter().sum::<f64>() / f64::from(n);
        if busybox {
            out.push_str(&format!(
                "round-trip min/avg/max = {min:.3}/{avg:.3}/{max:.3} ms\n"
            ));
        } else {
            out.push_str(&format!(
                "rtt min/avg/max/mdev = {min:.3}/{avg:.3}/{max:.3}/0.008 ms\n"
            ));
        }
    }
    io.out.push_str(&out);
    let code = if answers { 0 } else { 1 };
    // Without replies, ping waits a last second for a late one.
    let total = took + elapsed + if answers { 0 } else { SECOND };
    (code, wait(total))
}

fn wait(ms: i64) -> Wait {
    if ms > 0 { Wait::Millis(ms) } else { Wait::None }
}
