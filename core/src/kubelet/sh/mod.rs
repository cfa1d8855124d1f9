//! The shell and utilities inside simulated containers.
//!
//! A container's command (`sh -c "touch /tmp/healthy; sleep 30; ..."`), `kubectl exec`, exec
//! probes and exec lifecycle hooks all run here, against the container's files ([`super::fs`])
//! and environment, on the virtual clock. [`parse`] turns shell text into instructions,
//! [`machine`] runs them (stopping at `sleep` and resuming later), [`commands`] holds the
//! utilities an image ships (busybox or coreutils wording), and [`network`] is the one place
//! where commands that need the network (`curl`, `wget`, `nslookup`...) are answered.

pub mod commands;
pub mod machine;
pub mod network;
pub mod parse;
pub mod python;

use super::fs::{Disks, View};
use super::images::Flavour;
use crate::time::Time;

pub use machine::{Machine, Stop};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Out,
    Err,
    /// Written to the container's main process's output (`> /proc/1/fd/1`): its log.
    Main,
}

/// Output written at a moment of virtual time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub at: Time,
    pub stream: Stream,
    pub text: String,
}

/// A process as `ps` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proc {
    pub pid: u32,
    pub user: String,
    pub command: String,
}

/// Fixed facts about the container a command runs in.
#[derive(Clone, Debug, Default)]
pub struct Info {
    pub flavour: Flavour,
    /// Programs the image ships besides its userland (`nginx`, `redis-cli`...).
    pub binaries: &'static [&'static str],
    /// The image's server program, which a script can start in the foreground (`nginx`);
    /// empty when the image has none.
    pub server: &'static str,
    pub hostname: String,
    pub pod_ip: String,
    pub uid: u32,
    pub gid: u32,
    pub groups: Vec<u32>,
    /// The image's main program and version, for `nginx -v` and friends.
    pub app: Option<(&'static str, String)>,
    pub processes: Vec<Proc>,
    /// The directory commands start in (`workingDir`, or the image's).
    pub workdir: String,
}

/// A signal a command sent to a process of the container (`kill 1`, `nginx -s quit`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signal {
    pub pid: u32,
    pub signal: i32,
}

/// The container as a running command sees it.
pub struct Sys<'a> {
    pub disks: &'a mut Disks,
    pub view: &'a View,
    /// The exported environment, in order.
    pub env: &'a mut Vec<(String, String)>,
    pub info: &'a Info,
    pub now: Time,
    pub cwd: String,
    pub out: Vec<Chunk>,
    pub signals: Vec<Signal>,
    /// The cluster network as this container reaches it (`None` where a command runs
    /// without it, as in tests).
    pub net: Option<crate::network::Net<'a>>,
}

impl Sys<'_> {
    pub fn getenv(&self, name: &str) -> Option<&str> {
        self.env
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn setenv(&mut self, name: &str, value: &str) {
        match self.env.iter_mut().find(|(k, _)| k == name) {
            Some(entry) => entry.1 = value.to_string(),
            None => self.env.push((name.to_string(), value.to_string())),
        }
    }

    pub fn write(&mut self, stream: Stream, text: &str) {
        if text.is_empty() {
            return;
        }
        match self.out.last_mut() {
            Some(last) if last.at == self.now && last.stream == stream => last.text.push_str(text),
            _ => self.out.push(Chunk {
                at: self.now,
                stream,
                text: text.to_string(),
            }),
        }
    }

    /// Everything written to one stream, in order.
    pub fn written(&self, stream: Stream) -> String {
        self.out
            .iter()
            .filter(|c| c.stream == stream)
            .map(|c| c.text.as_str())
            .collect()
    }

    /// Everything written, both streams interleaved (what a log or a probe's output holds).
    pub fn combined(&self) -> String {
        self.out.iter().map(|c| c.text.as_str()).collect()
    }
}
