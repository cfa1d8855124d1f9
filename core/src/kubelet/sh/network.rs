//! The hook for commands that need the network: `curl`, `wget`, `nslookup`, `nc`, `ping`,
//! package managers. Cluster networking (Services, DNS, kube-proxy) is simulated elsewhere;
//! until it answers here, these commands say plainly that they are not available yet, rather
//! than pretend.

use super::Sys;
use super::commands::{Io, Wait};

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

/// Runs a network command; today it always answers that the sandbox does not have it yet.
pub fn run(argv: &[String], io: &mut Io, _sys: &mut Sys<'_>) -> (i32, Wait) {
    let name = argv.first().map(String::as_str).unwrap_or("");
    let name = name.rsplit('/').next().unwrap_or(name);
    io.err
        .push_str(&format!("{name}: not available in this sandbox yet\n"));
    (1, Wait::None)
}
