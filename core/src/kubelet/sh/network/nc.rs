//! busybox `nc`: `nc -z [-v] [-w SEC] HOST PORT` checks that a port accepts connections
//! (`web (10.96.0.5:80) open`), and `printf 'GET / HTTP/1.0\r\n\r\n' | nc HOST PORT` sends
//! what it reads and prints the raw answer.

use super::super::Sys;
use super::super::commands::{Io, Wait};
use super::{Ask, Fetch, Url, fetch, seconds_ms, tcp};
use crate::network::{CONNECT_TIMEOUT_MS, Reply};

pub fn run(args: &[String], io: &mut Io, sys: &mut Sys<'_>) -> (i32, Wait) {
    let (mut zero, mut verbose, mut wait_ms) = (false, false, None);
    let mut words = Vec::new();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a.starts_with('-') && a.len() > 1 {
            for (k, c) in a.chars().skip(1).enumerate() {
                match c {
                    'z' => zero = true,
                    'v' => verbose = true,
                    'n' => {}
                    'w' | 'i' => {
                        let rest: String = a.chars().skip(k + 2).collect();
                        let value = if rest.is_empty() {
                            i += 1;
                            args.get(i).cloned().unwrap_or_default()
                        } else {
                            rest
                        };
                        if c == 'w' {
                            wait_ms = seconds_ms(&value);
                        }
                        break;
                    }
                    _ => {}
                }
            }
        } else {
            words.push(a.clone());
        }
        i += 1;
    }
    let (Some(host), Some(port)) = (
        words.first(),
        words.get(1).and_then(|p| p.parse::<u16>().ok()),
    ) else {
        io.err.push_str("BusyBox v1.37.0 (2024-09-26 21:31:42 UTC) multi-call binary.\n\nUsage: nc [OPTIONS] HOST PORT  - connect\nnc [OPTIONS] -l -p PORT [HOST] [PORT]  - listen\n");
        return (1, Wait::None);
    };
    let raw_request = !zero && {
        let s = io.stdin.trim_start();
        s.starts_with("GET ") || s.starts_with("HEAD ")
    };
    let (fetched, took) = if raw_request {
        let line = io.stdin.lines().next().unwrap_or("").to_string();
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("GET").to_string();
        let path = parts.next().unwrap_or("/").to_string();
        let host_header = io
            .stdin
            .lines()
            .find_map(|l| l.strip_prefix("Host:").map(|h| h.trim().to_string()));
        let url = Url {
            scheme: "http".into(),
            host: host.clone(),
            port,
            explicit_port: true,
            path,
        };
        fetch(
            sys,
            &Ask {
                url: &url,
                method: &method,
                host_header: host_header.as_deref(),
                user_agent: "",
            },
        )
    } else {
        tcp(sys, host, port)
    };
    let (code, waited) = match fetched {
        Fetch::NotResolved | Fetch::DnsTimeout => {
            io.err.push_str(&format!("nc: bad address '{host}'\n"));
            (1, took)
        }
        Fetch::Refused(ip) => {
            if verbose || !zero {
                io.err
                    .push_str(&format!("nc: {host} ({ip}:{port}): Connection refused\n"));
            }
            (1, 0)
        }
        Fetch::TimedOut(ip) => {
            if verbose || !zero {
                io.err
                    .push_str(&format!("nc: {host} ({ip}:{port}): Connection timed out\n"));
            }
            (
                1,
                wait_ms.filter(|w| *w < CONNECT_TIMEOUT_MS).unwrap_or(took),
            )
        }
        Fetch::Answered(ip, reply) => {
            if verbose {
                io.err.push_str(&format!("{host} ({ip}:{port}) open\n"));
            }
            if let Reply::Http {
                status,
                reason,
                headers,
                body,
            } = reply
                && raw_request
            {
                io.out.push_str(&format!("HTTP/1.1 {status} {reason}\r\n"));
                for (k, v) in headers {
                    io.out.push_str(&format!("{k}: {v}\r\n"));
                }
                io.out.push_str("\r\n");
                io.out.push_str(&body);
            }
            (0, 0)
        }
    };
    (
        code,
        if waited > 0 {
            Wait::Millis(waited)
        } else {
            Wait::None
        },
    )
}
