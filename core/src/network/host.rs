//! The learner's own machine as the cluster sees it: the local ports that kubectl processes
//! listen on (`kubectl port-forward`, `kubectl proxy`), so that `curl localhost:PORT` from the
//! terminal reaches them. Infrastructure, not API state: nothing here is an object.

use std::collections::BTreeMap;

use crate::rng::Rng;

/// Where connections to a listening port go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Listener {
    /// `kubectl port-forward`: into the pod's network namespace, to `localhost:remote`.
    Forward {
        namespace: String,
        pod: String,
        uid: String,
        remote: u16,
    },
    /// `kubectl proxy`: to the API server, as the kubeconfig's user.
    Proxy { api_prefix: String },
}

/// A port some process listens on.
#[derive(Clone, Debug)]
pub struct Listening {
    pub listener: Listener,
    /// The process (see [`HostPorts::new_owner`]).
    pub owner: u64,
    /// The addresses it is bound to (`127.0.0.1`, `::1`, `0.0.0.0`...).
    pub addresses: Vec<String>,
}

/// The machine's listening ports and what their processes have to say about connections.
#[derive(Debug)]
pub struct HostPorts {
    ports: BTreeMap<u16, Listening>,
    next_owner: u64,
    /// What each process printed while handling connections, not yet shown: (stdout, stderr).
    said: BTreeMap<u64, (String, String)>,
    /// Processes whose connection broke (the forwarder ends).
    broken: BTreeMap<u64, String>,
    /// The operating system's choice of ephemeral ports (`kubectl port-forward pod :80`).
    ephemeral: Rng,
}

impl Default for HostPorts {
    fn default() -> HostPorts {
        HostPorts {
            ports: BTreeMap::new(),
            next_owner: 0,
            said: BTreeMap::new(),
            broken: BTreeMap::new(),
            ephemeral: Rng::new(0x6570_6865_6d65_7261),
        }
    }
}

/// Whether a URL's host names this machine's loopback interface.
pub fn is_loopback(host: &str) -> bool {
    matches!(host, "localhost" | "127.0.0.1" | "[::1]" | "::1")
}

impl HostPorts {
    /// A new process that will listen.
    pub fn new_owner(&mut self) -> u64 {
        self.next_owner += 1;
        self.next_owner
    }

    /// Whether `port` is taken by a listening process.
    pub fn taken(&self, port: u16) -> bool {
        self.ports.contains_key(&port)
    }

    /// A free port from Linux's ephemeral range (32768–60999), as the kernel hands one out;
    /// `None` when every one is taken.
    pub fn ephemeral_port(&mut self) -> Option<u16> {
        let port = 32768 + self.ephemeral.below(60999 - 32768 + 1) as u16;
        (port..=60999).chain(32768..port).find(|p| !self.taken(*p))
    }

    pub fn listen(&mut self, port: u16, listening: Listening) {
        self.ports.insert(port, listening);
    }

    /// The process stopped: its ports close and what it had left to say is dropped.
    pub fn close(&mut self, owner: u64) {
        self.ports.retain(|_, l| l.owner != owner);
        self.said.remove(&owner);
        self.broken.remove(&owner);
    }

    /// What listens on `host:port` (a loopback name; a wildcard bind answers too).
    pub fn at(&self, host: &str, port: u16) -> Option<&Listening> {
        let listening = self.ports.get(&port)?;
        let v6 = host.contains(':');
        listening
            .addresses
            .iter()
            .any(|a| match a.as_str() {
                "0.0.0.0" => !v6,
                "::" => true,
                "::1" => v6,
                "127.0.0.1" => !v6,
                _ => false,
            })
            .then_some(listening)
    }

    /// Something the process `owner` prints on its standard output (`true`) or error.
    pub fn say(&mut self, owner: u64, stdout: bool, text: &str) {
        let said = self.said.entry(owner).or_default();
        if stdout { &mut said.0 } else { &mut said.1 }.push_str(text);
    }

    /// The forwarder `owner` lost its connection to the pod (`why` goes to its stderr).
    pub fn break_connection(&mut self, owner: u64, why: &str) {
        self.broken.insert(owner, why.to_string());
    }

    /// What `owner` printed since the last call, and why it broke, if it did.
    pub fn take_said(&mut self, owner: u64) -> ((String, String), Option<String>) {
        (
            self.said.remove(&owner).unwrap_or_default(),
            self.broken.remove(&owner),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forward(owner: u64, addresses: &[&str]) -> Listening {
        Listening {
            listener: Listener::Forward {
                namespace: "default".into(),
                pod: "web".into(),
                uid: "u".into(),
                remote: 80,
            },
            owner,
            addresses: addresses.iter().map(|a| a.to_string()).collect(),
        }
    }

    #[test]
    fn loopback_and_wildcard_binds_answer_by_address_family() {
        let mut host = HostPorts::default();
        host.listen(8080, forward(1, &["127.0.0.1", "::1"]));
        host.listen(9090, forward(2, &["0.0.0.0"]));
        assert!(host.at("localhost", 8080).is_some());
        assert!(host.at("::1", 8080).is_some());
        assert!(host.at("127.0.0.1", 9090).is_some());
        assert!(host.at("::1", 9090).is_none());
        assert!(host.at("localhost", 7070).is_none());
        host.close(1);
        assert!(host.at("localhost", 8080).is_none());
        assert!(host.taken(9090));
    }

    #[test]
    fn ephemeral_ports_are_free_and_in_range() {
        let mut host = HostPorts::default();
        for _ in 0..50 {
            let port = host.ephemeral_port().unwrap_or_default();
            assert!((32768..=60999).contains(&port));
            assert!(!host.taken(port));
            host.listen(port, forward(1, &["127.0.0.1"]));
        }
    }
}
