//! One pod's containers on a simulated node, as a state machine over virtual time.
//!
//! Each container moves through: waiting for the sandbox → pulling its image (or failing to,
//! then backing off) → running → exited → (restart after a back-off, or stay exited), and on
//! deletion → stopping. [`PodRuntime::advance`] moves every container as far as `now` allows
//! and reports the events a kubelet records on the way; [`PodRuntime::next_due`] says when the
//! next transition will happen.

use std::collections::BTreeSet;

use serde_json::Value;

use super::images::{self, Process, Reference};
use crate::api::meta;
use crate::time::{SECOND, Time};

/// Time from binding to a ready pod sandbox (network set up, pause container running).
const SANDBOX_MILLIS: i64 = 700;
/// A registry round trip for an image that turns out not to exist.
const FAILED_PULL_MILLIS: i64 = 1200;
/// Upstream's back-off for restarts and pulls: 10 s, doubling, at most 5 minutes.
const BACKOFF_START_MILLIS: i64 = 10 * SECOND;
const BACKOFF_MAX_MILLIS: i64 = 300 * SECOND;

/// An event as (warning?, reason, message).
pub type Note = (bool, &'static str, String);

#[derive(Clone, Debug, PartialEq)]
pub enum State {
    /// Waiting; `reason` as the status shows it, with the time it ends (if it ends by itself).
    Waiting {
        reason: &'static str,
        message: String,
        until: Option<Time>,
    },
    /// The image is being pulled; `ok` tells how it will end.
    Pulling {
        until: Time,
        ok: bool,
    },
    Running {
        since: Time,
        /// When the process exits by itself, and with what code.
        exits: Option<(Time, i32)>,
    },
    Terminated(Terminated),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Terminated {
    pub exit_code: i32,
    pub reason: &'static str,
    pub started_at: Time,
    pub finished_at: Time,
    pub container_id: String,
}

#[derive(Clone, Debug)]
pub struct ContainerRuntime {
    pub name: String,
    pub image: String,
    pub reference: Reference,
    pub state: State,
    pub restart_count: i64,
    pub last_terminated: Option<Terminated>,
    pub container_id: String,
    /// The number of consecutive failures (pulls or exits), for back-off.
    failures: u32,
    /// What the process does when started.
    behaviour: Behaviour,
    /// When the current pull began, for the "pulled in" message.
    pull_start: Option<Time>,
}

/// What a container's main process does, from its image and command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Behaviour {
    /// Runs until stopped; exits `stop_ms` after SIGTERM (`None`: ignores it, as a shell as
    /// PID 1 does, and is killed when the grace period ends).
    Forever { stop_ms: Option<i64> },
    /// Exits by itself after `after_ms` with `code`.
    Exits { after_ms: i64, code: i32 },
}

pub struct PodRuntime {
    pub uid: String,
    /// `name_namespace(uid)`, as the kubelet names a pod in messages.
    pod_id: String,
    pub ip: String,
    pub started: Time,
    pub sandbox_ready: Time,
    pub containers: Vec<ContainerRuntime>,
    restart_policy: String,
    /// Set once deletion was observed: (when, deadline when everything is killed).
    stopping: Option<(Time, Time)>,
    seq: u32,
}

impl PodRuntime {
    pub fn new(pod: &Value, ip: String, now: Time) -> PodRuntime {
        let containers = pod
            .pointer("/spec/containers")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
            .iter()
            .map(|c| {
                let image = meta::str_at(c, "/image").to_string();
                let reference = images::parse(&image);
                ContainerRuntime {
                    name: meta::str_at(c, "/name").to_string(),
                    behaviour: behaviour(c, &reference),
                    image,
                    reference,
                    state: State::Waiting {
                        reason: "ContainerCreating",
                        message: String::new(),
                        until: Some(now.plus_millis(SANDBOX_MILLIS)),
                    },
                    restart_count: 0,
                    last_terminated: None,
                    container_id: String::new(),
                    failures: 0,
                    pull_start: None,
                }
            })
            .collect();
        PodRuntime {
            uid: meta::uid(pod).to_string(),
            pod_id: format!(
                "{}_{}({})",
                meta::name(pod),
                meta::namespace(pod),
                meta::uid(pod)
            ),
            ip,
            started: now,
            sandbox_ready: now.plus_millis(SANDBOX_MILLIS),
            containers,
            restart_policy: match meta::str_at(pod, "/spec/restartPolicy") {
                "" => "Always".into(),
                p => p.into(),
            },
            stopping: None,
            seq: 0,
        }
    }

    /// Moves every container as far as `now` allows, noting the events on the way.
    pub fn advance(
        &mut self,
        pod: &Value,
        now: Time,
        cached: &mut BTreeSet<String>,
        notes: &mut Vec<Note>,
    ) {
        if meta::is_deleting(pod) && self.stopping.is_none() {
            let grace = pod
                .pointer("/metadata/deletionGracePeriodSeconds")
                .and_then(Value::as_i64)
                .unwrap_or(30);
            self.stopping = Some((now, now.plus_secs(grace)));
            for c in &mut self.containers {
                if matches!(c.state, State::Running { .. }) {
                    notes.push((false, "Killing", format!("Stopping container {}", c.name)));
                }
            }
        }
        let pull_policy = |name: &str| {
            pod.pointer("/spec/containers")
                .and_then(Value::as_array)
                .and_then(|cs| cs.iter().find(|c| meta::str_at(c, "/name") == name))
                .map(|c| meta::str_at(c, "/imagePullPolicy").to_string())
                .unwrap_or_default()
        };
        // Containers start in order: one still being pulled holds the next ones back.
        let mut earlier_starting = false;
        for i in 0..self.containers.len() {
            let policy = pull_policy(&self.containers[i].name);
            let restart_policy = self.restart_policy.clone();
            let stopping = self.stopping;
            self.seq += 1;
            let seq = self.seq;
            let pod_id = self.pod_id.clone();
            let Some(c) = self.containers.get_mut(i) else {
                continue;
            };
            if let Some((since, deadline)) = stopping {
                c.stop(since, deadline, now);
                continue;
            }
            if earlier_starting {
                continue;
            }
            c.step(now, &policy, &restart_policy, cached, notes, seq, &pod_id);
            earlier_starting = matches!(c.state, State::Pulling { .. })
                || matches!(
                    c.state,
                    State::Waiting {
                        reason: "ContainerCreating",
                        ..
                    }
                );
        }
    }

    /// Whether deletion was requested and every container has stopped: time to tell the API
    /// server the pod is gone.
    pub fn stopped_for_deletion(&self) -> bool {
        self.stopping.is_some()
            && self
                .containers
                .iter()
                .all(|c| !matches!(c.state, State::Running { .. }))
    }

    /// When the next transition is due.
    pub fn next_due(&self) -> Option<Time> {
        self.containers
            .iter()
            .filter_map(|c| match (&c.state, self.stopping) {
                (State::Running { since, .. }, Some((stop_since, deadline))) => {
                    Some(match c.behaviour {
                        Behaviour::Forever { stop_ms: Some(ms) } => {
                            stop_since.max(*since).plus_millis(ms).min(deadline)
                        }
                        _ => deadline,
                    })
                }
                (State::Waiting { until, .. }, _) => *until,
                (State::Pulling { until, .. }, _) => Some(*until),
                (State::Running { exits, .. }, None) => exits.map(|(t, _)| t),
                (State::Terminated(_), _) => None,
            })
            .min()
    }
}

impl ContainerRuntime {
    #[allow(clippy::too_many_arguments)]
    fn step(
        &mut self,
        now: Time,
        pull_policy: &str,
        restart_policy: &str,
        cached: &mut BTreeSet<String>,
        notes: &mut Vec<Note>,
        seq: u32,
        pod_id: &str,
    ) {
        // Loop: several transitions can be due at once (a pull that ends and a start).
        for _ in 0..8 {
            let before = self.state.clone();
            match self.state.clone() {
                State::Waiting {
                    until: Some(t),
                    reason,
                    ..
                } if t <= now => {
                    if reason == "CrashLoopBackOff" {
                        self.start(t, notes, seq);
                    } else {
                        self.begin_pull(t, pull_policy, cached, notes, seq);
                    }
                }
                State::Pulling { until, ok } if until <= now => {
                    if ok {
                        cached.insert(self.reference.full.clone());
                        let took = format_go_duration(until.since(self.pull_started(until)));
                        let size = images::lookup(&self.reference).map_or(0, |i| i.size_bytes);
                        notes.push((
                            false,
                            "Pulled",
                            format!(
                                "Successfully pulled image \"{}\" in {took} ({took} including waiting). Image size: {size} bytes.",
                                self.image
                            ),
                        ));
                        self.failures = 0;
                        self.start(until, notes, seq);
                    } else {
                        self.failures += 1;
                        let detail = pull_error(&self.reference);
                        notes.push((
                            true,
                            "Failed",
                            format!("Failed to pull image \"{}\": {detail}", self.image),
                        ));
                        notes.push((true, "Failed", "Error: ErrImagePull".into()));
                        self.state = State::Waiting {
                            reason: "ErrImagePull",
                            message: detail,
                            until: Some(until.plus_millis(SECOND)),
                        };
                    }
                }
                State::Waiting {
                    reason: "ErrImagePull",
                    until: Some(t),
                    message,
                } if t <= now => {
                    let back_off = backoff(self.failures);
                    notes.push((
                        false,
                        "BackOff",
                        format!("Back-off pulling image \"{}\"", self.image),
                    ));
                    notes.push((true, "Failed", "Error: ImagePullBackOff".into()));
                    self.state = State::Waiting {
                        reason: "ImagePullBackOff",
                        message: format!(
                            "Back-off pulling image \"{}\": ErrImagePull: {message}",
                            self.image
                        ),
                        until: Some(t.plus_millis(back_off)),
                    };
                }
                State::Running {
                    since,
                    exits: Some((at, code)),
                } if at <= now => {
                    let finished = Terminated {
                        exit_code: code,
                        reason: if code == 0 { "Completed" } else { "Error" },
                        started_at: since,
                        finished_at: at,
                        container_id: self.container_id.clone(),
                    };
                    self.state = State::Terminated(finished.clone());
                    let restart = match restart_policy {
                        "Never" => false,
                        "OnFailure" => code != 0,
                        _ => true,
                    };
                    if restart {
                        self.failures += 1;
                        self.last_terminated = Some(finished);
                        // The first restart is immediate; after that the back-off grows.
                        let delay = if self.restart_count == 0 {
                            SECOND
                        } else {
                            backoff(self.failures - 1)
                        };
                        if self.restart_count > 0 {
                            notes.push((
                                true,
                                "BackOff",
                                format!(
                                    "Back-off restarting failed container {} in pod {pod_id}",
                                    self.name
                                ),
                            ));
                        }
                        self.state = State::Waiting {
                            reason: "CrashLoopBackOff",
                            message: format!(
                                "back-off {} restarting failed container={} pod={pod_id}",
                                format_go_duration(delay),
                                self.name
                            ),
                            until: Some(at.plus_millis(delay)),
                        };
                        self.restart_count += 1;
                    }
                }
                _ => {}
            }
            if self.state == before {
                break;
            }
        }
    }

    fn begin_pull(
        &mut self,
        at: Time,
        policy: &str,
        cached: &BTreeSet<String>,
        notes: &mut Vec<Note>,
        seq: u32,
    ) {
        let present = cached.contains(&self.reference.full) || images::preloaded(&self.reference);
        if present && policy != "Always" {
            notes.push((
                false,
                "Pulled",
                format!(
                    "Container image \"{}\" already present on machine",
                    self.image
                ),
            ));
            self.start(at, notes, seq);
            return;
        }
        notes.push((
            false,
            "Pulling",
            format!("Pulling image \"{}\"", self.image),
        ));
        let (duration, ok) = match images::lookup(&self.reference) {
            // Layers already on the node: only the manifest is checked.
            Some(_) if present => (450, true),
            Some(image) => (images::pull_millis(image), true),
            None => (FAILED_PULL_MILLIS, false),
        };
        self.state = State::Pulling {
            until: at.plus_millis(duration),
            ok,
        };
        self.pull_start = Some(at);
    }

    fn pull_started(&self, fallback: Time) -> Time {
        self.pull_start.unwrap_or(fallback)
    }

    fn start(&mut self, at: Time, notes: &mut Vec<Note>, seq: u32) {
        self.container_id = container_id(&self.name, at, seq);
        notes.push((
            false,
            "Created",
            format!("Created container: {}", self.name),
        ));
        notes.push((false, "Started", format!("Started container {}", self.name)));
        let exits = match self.behaviour {
            Behaviour::Forever { .. } => None,
            Behaviour::Exits { after_ms, code } => Some((at.plus_millis(after_ms), code)),
        };
        self.state = State::Running { since: at, exits };
    }

    /// Deletion: a running process gets SIGTERM and exits after its own stop time, or is
    /// killed (137) when the grace period ends; containers not running simply never start.
    fn stop(&mut self, since: Time, deadline: Time, now: Time) {
        match self.state.clone() {
            State::Running {
                since: started,
                exits,
            } => {
                let graceful = match self.behaviour {
                    Behaviour::Forever { stop_ms: Some(ms) } => {
                        Some(since.max(started).plus_millis(ms))
                    }
                    Behaviour::Exits { .. } => exits.map(|(t, _)| t),
                    Behaviour::Forever { stop_ms: None } => None,
                };
                let (at, code, reason) = match graceful {
                    Some(t) if t <= deadline => (t, 0, "Completed"),
                    _ => (deadline, 137, "Error"),
                };
                if at <= now {
                    self.state = State::Terminated(Terminated {
                        exit_code: code,
                        reason,
                        started_at: started,
                        finished_at: at,
                        container_id: self.container_id.clone(),
                    });
                }
            }
            State::Terminated(_) => {}
            _ => {
                self.state = State::Waiting {
                    reason: "ContainerCreating",
                    message: String::new(),
                    until: None,
                };
            }
        }
    }
}

/// Back-off after `failures` consecutive failures: 10 s, 20 s, 40 s ... at most 300 s.
fn backoff(failures: u32) -> i64 {
    let doublings = failures.saturating_sub(1).min(10);
    (BACKOFF_START_MILLIS << doublings).min(BACKOFF_MAX_MILLIS)
}

/// What a container's process does: servers run until stopped; a shell image runs its command
/// (a few common forms are understood) or exits at once without one.
fn behaviour(container: &Value, reference: &Reference) -> Behaviour {
    let process = images::lookup(reference).map(|i| i.process);
    let words: Vec<&str> = ["/command", "/args"]
        .iter()
        .filter_map(|p| container.pointer(p).and_then(Value::as_array))
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let script = words.join(" ");
    match process {
        Some(Process::Server { stop_ms, .. }) if script.is_empty() => Behaviour::Forever {
            stop_ms: Some(stop_ms),
        },
        // A server given its own command (`etcd --data-dir=...`) is still that server, unless
        // the command is a shell or a one-off utility.
        Some(Process::Server { stop_ms, .. }) => match words.first().copied() {
            Some("sh" | "/bin/sh" | "bash" | "/bin/bash" | "sleep" | "echo" | "true" | "false") => {
                shell_behaviour(&script).unwrap_or(Behaviour::Forever {
                    stop_ms: Some(stop_ms),
                })
            }
            _ => Behaviour::Forever {
                stop_ms: Some(stop_ms),
            },
        },
        _ if script.is_empty() => Behaviour::Exits {
            after_ms: 50,
            code: 0,
        },
        _ => shell_behaviour(&script).unwrap_or(Behaviour::Exits {
            after_ms: 50,
            code: 0,
        }),
    }
}

/// The common container commands of tutorials: endless loops and `sleep infinity` run forever
/// (ignoring SIGTERM, as a shell as PID 1 does); `sleep N` ends after N seconds; `exit N` ends
/// at once with that code.
fn shell_behaviour(script: &str) -> Option<Behaviour> {
    let forever = [
        "while true",
        "while :",
        "sleep infinity",
        "tail -f",
        "sleep inf",
    ];
    if forever.iter().any(|f| script.contains(f)) {
        return Some(Behaviour::Forever { stop_ms: None });
    }
    let words: Vec<&str> = script
        .split(|c: char| c.is_whitespace() || c == ';')
        .filter(|w| !w.is_empty())
        .collect();
    let mut after_ms = 50 + compute_millis(script);
    let mut code = 0;
    let mut i = 0;
    while i < words.len() {
        match (
            words[i],
            words
                .get(i + 1)
                .and_then(|w| w.trim_end_matches('s').parse::<f64>().ok()),
        ) {
            ("sleep", Some(secs)) => after_ms += (secs * 1000.0) as i64,
            ("exit", Some(c)) => {
                code = c as i32;
                break;
            }
            _ => {}
        }
        i += 1;
    }
    Some(Behaviour::Exits { after_ms, code })
}

/// Time spent computing by the known busy commands of tutorials: the docs' pi Job
/// (`perl -Mbignum=bpi -wle 'print bpi(2000)'`) takes about 4 ms per digit.
fn compute_millis(script: &str) -> i64 {
    script
        .split("bpi(")
        .nth(1)
        .and_then(|rest| rest.split(')').next())
        .and_then(|digits| digits.trim().parse::<i64>().ok())
        .map_or(0, |digits| digits.clamp(0, 1_000_000) * 4)
}

/// containerd's message for an image it cannot pull.
fn pull_error(reference: &Reference) -> String {
    let known_repo = images::CATALOGUE
        .iter()
        .any(|i| i.repository == reference.repository);
    if known_repo {
        format!(
            "rpc error: code = NotFound desc = failed to pull and unpack image \"{0}\": failed to resolve reference \"{0}\": {0}: not found",
            reference.full
        )
    } else {
        format!(
            "rpc error: code = Unknown desc = failed to pull and unpack image \"{0}\": failed to resolve reference \"{0}\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed",
            reference.full
        )
    }
}

fn container_id(name: &str, at: Time, seq: u32) -> String {
    let mut hex = String::new();
    let mut seed = format!("{name}/{}/{seq}", at.0);
    while hex.len() < 64 {
        hex.push_str(&format!("{:08x}", crate::rng::fnv1a32(seed.as_bytes())));
        seed.push('#');
    }
    format!("containerd://{hex}")
}

/// Go's `time.Duration.String()` for whole milliseconds: `450ms`, `2.9s`, `1m5.2s`,
/// `1h0m0s`, `0s`.
pub fn format_go_duration(millis: i64) -> String {
    if millis == 0 {
        return "0s".into();
    }
    let sign = if millis < 0 { "-" } else { "" };
    let ms = millis.unsigned_abs();
    if ms < SECOND.unsigned_abs() {
        return format!("{sign}{ms}ms");
    }
    let hours = ms / 3_600_000;
    let minutes = ms / 60_000 % 60;
    let rest = ms % 60_000;
    let secs = format!("{}.{:03}", rest / 1000, rest % 1000);
    let secs = secs.trim_end_matches('0').trim_end_matches('.');
    if hours > 0 {
        format!("{sign}{hours}h{minutes}m{secs}s")
    } else if minutes > 0 {
        format!("{sign}{minutes}m{secs}s")
    } else {
        format!("{sign}{secs}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_durations() {
        assert_eq!(format_go_duration(450), "450ms");
        assert_eq!(format_go_duration(2900), "2.9s");
        assert_eq!(format_go_duration(3000), "3s");
        assert_eq!(format_go_duration(65_200), "1m5.2s");
        assert_eq!(format_go_duration(60_000), "1m0s");
        assert_eq!(format_go_duration(3_600_000), "1h0m0s");
        assert_eq!(format_go_duration(0), "0s");
        assert_eq!(format_go_duration(-5000), "-5s");
    }

    #[test]
    fn shell_commands() {
        assert_eq!(
            shell_behaviour("sh -c sleep 3600"),
            Some(Behaviour::Exits {
                after_ms: 3_600_050,
                code: 0
            })
        );
        assert_eq!(
            shell_behaviour("sh -c echo hi; exit 1"),
            Some(Behaviour::Exits {
                after_ms: 50,
                code: 1
            })
        );
        assert_eq!(
            shell_behaviour("perl -Mbignum=bpi -wle print bpi(2000)"),
            Some(Behaviour::Exits {
                after_ms: 8_050,
                code: 0
            })
        );
        assert_eq!(
            shell_behaviour("sh -c while true; do date; sleep 5; done"),
            Some(Behaviour::Forever { stop_ms: None })
        );
    }

    #[test]
    fn backoff_doubles_to_five_minutes() {
        assert_eq!(backoff(1), 10_000);
        assert_eq!(backoff(2), 20_000);
        assert_eq!(backoff(9), 300_000);
    }
}
