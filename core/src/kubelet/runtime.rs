//! One pod's containers on a simulated node, as a state machine over virtual time.
//!
//! The pod gets its sandbox, then its volumes; init containers run one after the other
//! (sidecars, init containers with `restartPolicy: Always`, start in order and keep running);
//! then the app containers start. Each container moves through: pulling its image (or failing
//! to, then backing off) → created (or `CreateContainerConfigError` when its ConfigMap or
//! Secret is missing) → running its [`Process`] → exited, OOM-killed or killed after a failed
//! liveness probe → restarted after upstream's back-off (10 s, doubling to 5 min), or left
//! exited; and on deletion, preStop then SIGTERM, then SIGKILL when the grace period ends.
//!
//! [`PodRuntime::advance`] runs every event due up to now, in time order, noting the events a
//! kubelet records on the way; [`PodRuntime::next_due`] says when the next one will happen.

use std::collections::BTreeSet;

use serde_json::Value;

use super::base_fs;
use super::env::{self, PodFacts};
use super::fs::{DiskId, Disks, Layer};
use super::handlers::{self, Target};
use super::images::{self, Image, Reference};
use super::logs::Log;
use super::mounts::{self, Source};
use super::probes::{self, Effect, Kind, Seen, Verdict, Worker};
use super::process::{self, Process};
use super::sh::{Info, Signal};
use crate::api::{meta, quantity};
use crate::store::Store;
use crate::time::{SECOND, Time};

/// Time from binding to a ready pod sandbox (network set up, pause container running).
const SANDBOX_MILLIS: i64 = 700;
/// A registry round trip for an image that turns out not to exist.
const FAILED_PULL_MILLIS: i64 = 1200;
/// Upstream's back-off for restarts and pulls: 10 s, doubling, at most 5 minutes.
const BACKOFF_START_MILLIS: i64 = 10 * SECOND;
const BACKOFF_MAX_MILLIS: i64 = 300 * SECOND;
/// The kubelet notices that a container exited at its next relist (PLEG, every second).
const RELIST_MILLIS: i64 = SECOND;
/// A pod sync that failed (a missing ConfigMap, a failed mount) is retried after this.
const RETRY_MILLIS: i64 = 10 * SECOND;

/// An event as (warning?, reason, message).
pub type Note = (bool, &'static str, String);

/// What a step can reach besides the pod's own state.
pub struct Env<'a> {
    pub pod: &'a Value,
    pub node: &'a Value,
    pub store: &'a Store,
    pub cached: &'a mut BTreeSet<String>,
    pub disks: &'a mut Disks,
    pub notes: &'a mut Vec<Note>,
    /// The network, as the pod's own processes reach it.
    pub net: Option<crate::network::Net<'a>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Init,
    /// An init container with `restartPolicy: Always`.
    Sidecar,
    App,
}

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
    },
    Terminated(Terminated),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Terminated {
    pub exit_code: i32,
    pub reason: &'static str,
    pub message: String,
    pub started_at: Time,
    pub finished_at: Time,
    pub container_id: String,
}

/// Why a running container is being stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Why {
    Liveness,
    Startup,
    PostStartHook,
    /// Pod deletion, or a sidecar stopped after the app containers finished.
    Stop,
    /// Signalled from inside the container (`kill 1`).
    Signal,
}

#[derive(Clone, Debug)]
struct Kill {
    why: Why,
    /// When SIGTERM is sent (after the preStop hook).
    term_at: Time,
    /// When the process exits after SIGTERM, if it does.
    exits_at: Option<(Time, i32)>,
    /// When SIGKILL ends it.
    deadline: Time,
}

#[derive(Clone, Debug)]
pub struct ContainerRuntime {
    pub name: String,
    pub image: String,
    pub reference: Reference,
    pub role: Role,
    pub state: State,
    pub restart_count: i64,
    pub last_terminated: Option<Terminated>,
    pub container_id: String,
    /// Crash back-off: (last update, current delay).
    backoff: Option<(Time, i64)>,
    /// Consecutive failed pulls, for the pull back-off.
    pull_failures: u32,
    pull_start: Option<Time>,
    /// When the kubelet decides whether to restart an exited container.
    decide_at: Option<Time>,
    /// Whether it ever ran (a container that ran and exited shows its exit, not "waiting").
    pub process: Option<Process>,
    pub probes: Vec<Worker>,
    pub log: Log,
    pub previous_log: Option<Log>,
    kill: Option<Kill>,
    /// A pending OOM kill.
    oom_at: Option<Time>,
    /// The waiting reason before the container is first created: `PodInitializing` in a pod
    /// with init containers, `ContainerCreating` otherwise.
    pub default_reason: &'static str,
}

pub struct PodRuntime {
    pub uid: String,
    /// `name_namespace(uid)`, as the kubelet names a pod in messages.
    pub pod_id: String,
    pub ip: String,
    pub started: Time,
    pub sandbox_ready: Time,
    pub init: Vec<ContainerRuntime>,
    pub containers: Vec<ContainerRuntime>,
    restart_policy: String,
    /// Set once deletion was observed: (when, deadline when everything is killed).
    stopping: Option<(Time, Time)>,
    seq: u32,
    /// The pod's volumes, once mounted.
    pub volumes: Option<Vec<(String, Source)>>,
    /// The next mount attempt and the current mount back-off.
    mount_retry: (Time, i64),
    /// Whether every init container has completed (sidecars: started) once.
    initialized: bool,
    node: String,
    node_ip: String,
    /// The node's address on the pod network, where probes come from.
    pub gateway: String,
}

/// A container's spec in the pod, by role and name.
pub fn spec_of<'a>(pod: &'a Value, role: Role, name: &str) -> Option<&'a Value> {
    let list = if role == Role::App {
        "/spec/containers"
    } else {
        "/spec/initContainers"
    };
    meta::array_at(pod, list)
        .iter()
        .find(|c| meta::str_at(c, "/name") == name)
}

impl ContainerRuntime {
    fn new(
        spec: &Value,
        role: Role,
        origin: Time,
        initial_reason: &'static str,
    ) -> ContainerRuntime {
        let image = meta::str_at(spec, "/image").to_string();
        let reference = images::parse(&image);
        ContainerRuntime {
            name: meta::str_at(spec, "/name").to_string(),
            image,
            reference,
            role,
            state: State::Waiting {
                reason: initial_reason,
                message: String::new(),
                until: None,
            },
            restart_count: 0,
            last_terminated: None,
            container_id: String::new(),
            backoff: None,
            pull_failures: 0,
            pull_start: None,
            decide_at: None,
            process: None,
            probes: probes::specs(spec)
                .into_iter()
                .map(|s| Worker::new(s, origin))
                .collect(),
            log: Log::default(),
            previous_log: None,
            kill: None,
            oom_at: None,
            default_reason: initial_reason,
        }
    }

    pub fn is_running(&self) -> bool {
        matches!(self.state, State::Running { .. })
    }

    /// Not yet asked to start (waiting for its turn).
    fn is_fresh(&self) -> bool {
        matches!(self.state, State::Waiting { until: None, .. })
            && self.container_id.is_empty()
            && self.pull_start.is_none()
    }

    /// Whether the container counts as started: running, and past its startup probe.
    pub fn started(&self) -> bool {
        self.is_running()
            && self
                .probes
                .iter()
                .filter(|w| w.spec.kind == Kind::Startup)
                .all(|w| w.result == Some(Verdict::Success))
    }

    /// Whether the container counts as ready: started and past its readiness probe. (A
    /// container being killed after a failed liveness probe still shows ready: the kubelet
    /// reports its status again only once the kill is over.)
    pub fn ready(&self) -> bool {
        self.started()
            && self
                .probes
                .iter()
                .filter(|w| w.spec.kind == Kind::Readiness)
                .all(|w| w.result == Some(Verdict::Success))
    }

    fn succeeded(&self) -> bool {
        matches!(&self.state, State::Terminated(t) if t.exit_code == 0)
    }

    /// Whether the container is still starting (its image being pulled or it being created),
    /// which holds back the containers after it.
    fn starting(&self) -> bool {
        matches!(self.state, State::Pulling { .. })
            || matches!(
                self.state,
                State::Waiting {
                    reason: "ContainerCreating" | "PodInitializing",
                    ..
                }
            )
    }

    fn next_due(&self) -> Option<Time> {
        let mut due: Vec<Time> = Vec::new();
        match &self.state {
            State::Waiting { until, .. } => due.extend(*until),
            State::Pulling { until, .. } => due.push(*until),
            State::Running { .. } => {
                due.extend(self.process.as_ref().and_then(Process::next_wake));
                due.extend(self.process.as_ref().and_then(|p| p.exited.map(|(t, _)| t)));
                due.extend(self.oom_at);
                if let Some(k) = &self.kill {
                    due.push(k.term_at);
                    due.extend(k.exits_at.map(|(t, _)| t));
                    due.push(k.deadline);
                } else {
                    due.extend(self.probes.iter().map(Worker::due));
                }
            }
            State::Terminated(_) => due.extend(self.decide_at),
        }
        due.into_iter().min()
    }
}

impl PodRuntime {
    pub fn new(pod: &Value, node: &Value, ip: String, now: Time) -> PodRuntime {
        let has_init = !meta::array_at(pod, "/spec/initContainers").is_empty();
        let app_reason = if has_init {
            "PodInitializing"
        } else {
            "ContainerCreating"
        };
        let init = meta::array_at(pod, "/spec/initContainers")
            .iter()
            .map(|c| {
                let role = if meta::str_at(c, "/restartPolicy") == "Always" {
                    Role::Sidecar
                } else {
                    Role::Init
                };
                ContainerRuntime::new(c, role, now, "PodInitializing")
            })
            .collect();
        let containers = meta::array_at(pod, "/spec/containers")
            .iter()
            .map(|c| ContainerRuntime::new(c, Role::App, now, app_reason))
            .collect();
        let node_ip = meta::array_at(node, "/status/addresses")
            .iter()
            .find(|a| meta::str_at(a, "/type") == "InternalIP")
            .map(|a| meta::str_at(a, "/address").to_string())
            .unwrap_or_default();
        let gateway = meta::str_at(node, "/spec/podCIDR")
            .split('/')
            .next()
            .and_then(|p| p.rsplit_once('.'))
            .map_or("10.244.0.1".to_string(), |(p, _)| format!("{p}.1"));
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
            init,
            containers,
            restart_policy: match meta::str_at(pod, "/spec/restartPolicy") {
                "" => "Always".into(),
                p => p.into(),
            },
            stopping: None,
            seq: 0,
            volumes: None,
            mount_retry: (now.plus_millis(SANDBOX_MILLIS), 500),
            initialized: false,
            node: meta::name(node).to_string(),
            node_ip,
            gateway,
        }
    }

    /// A copy for the network to see while the pod itself runs (its processes reaching
    /// `localhost`, its probes): every container's state and program, without their logs.
    pub fn network_copy(&self) -> PodRuntime {
        // Field by field, so that the logs (the bulk of a container) are not copied only to
        // be dropped: this runs on every sync of every pod.
        let strip = |c: &ContainerRuntime| ContainerRuntime {
            name: c.name.clone(),
            image: c.image.clone(),
            reference: c.reference.clone(),
            role: c.role,
            state: c.state.clone(),
            restart_count: c.restart_count,
            last_terminated: c.last_terminated.clone(),
            container_id: c.container_id.clone(),
            backoff: c.backoff,
            pull_failures: c.pull_failures,
            pull_start: c.pull_start,
            decide_at: c.decide_at,
            process: c.process.clone(),
            probes: c.probes.clone(),
            log: Log::default(),
            previous_log: None,
            kill: c.kill.clone(),
            oom_at: c.oom_at,
            default_reason: c.default_reason,
        };
        PodRuntime {
            uid: self.uid.clone(),
            pod_id: self.pod_id.clone(),
            ip: self.ip.clone(),
            started: self.started,
            sandbox_ready: self.sandbox_ready,
            init: self.init.iter().map(strip).collect(),
            containers: self.containers.iter().map(strip).collect(),
            restart_policy: self.restart_policy.clone(),
            stopping: self.stopping,
            seq: self.seq,
            volumes: self.volumes.clone(),
            mount_retry: self.mount_retry,
            initialized: self.initialized,
            node: self.node.clone(),
            node_ip: self.node_ip.clone(),
            gateway: self.gateway.clone(),
        }
    }

    pub fn all(&self) -> impl Iterator<Item = &ContainerRuntime> {
        self.init.iter().chain(self.containers.iter())
    }

    pub fn find(&self, name: &str) -> Option<&ContainerRuntime> {
        self.all().find(|c| c.name == name)
    }

    pub fn find_mut(&mut self, name: &str) -> Option<&mut ContainerRuntime> {
        self.init
            .iter_mut()
            .chain(self.containers.iter_mut())
            .find(|c| c.name == name)
    }

    /// Whether deletion was requested and every container has stopped: time to tell the API
    /// server the pod is gone.
    pub fn stopped_for_deletion(&self) -> bool {
        self.stopping.is_some() && self.all().all(|c| !c.is_running())
    }

    /// When the next transition is due.
    pub fn next_due(&self) -> Option<Time> {
        let mut due: Vec<Time> = self.all().filter_map(ContainerRuntime::next_due).collect();
        if self.volumes.is_none() && self.stopping.is_none() {
            due.push(self.mount_retry.0);
        }
        due.into_iter().min()
    }

    /// Runs everything due up to `now`, in time order, noting events on the way.
    pub fn advance(&mut self, now: Time, env: &mut Env<'_>) {
        if meta::is_deleting(env.pod) && self.stopping.is_none() {
            let grace = env
                .pod
                .pointer("/metadata/deletionGracePeriodSeconds")
                .and_then(Value::as_i64)
                .unwrap_or(30);
            self.stopping = Some((now, now.plus_secs(grace)));
            for i in 0..self.init.len() + self.containers.len() {
                self.stop_container(i, now, Why::Stop, grace, env);
            }
        }
        // Every step moves what is due past `t`; the bound only guards against a bug turning
        // into a hung page.
        let mut same_instant = (Time(i64::MIN), 0);
        for _ in 0..100_000 {
            match self.next_due() {
                Some(t) if t <= now => {
                    same_instant = if same_instant.0 == t {
                        (t, same_instant.1 + 1)
                    } else {
                        (t, 0)
                    };
                    if same_instant.1 > 200 {
                        break;
                    }
                    self.step(t, env);
                }
                _ => break,
            }
        }
    }

    fn container_mut(&mut self, i: usize) -> Option<&mut ContainerRuntime> {
        let n = self.init.len();
        if i < n {
            self.init.get_mut(i)
        } else {
            self.containers.get_mut(i - n)
        }
    }

    /// Handles everything due at `t`.
    fn step(&mut self, t: Time, env: &mut Env<'_>) {
        if self.stopping.is_none() && self.volumes.is_none() {
            if t < self.mount_retry.0 {
                return;
            }
            let facts = PodFacts {
                pod: env.pod,
                node: env.node,
                pod_ip: &self.ip,
                host_ip: &self.node_ip,
            };
            match mounts::sources(&facts, env.store) {
                Ok(sources) => {
                    mounts::install(&self.uid, &self.node, &sources, env.disks);
                    self.volumes = Some(sources);
                }
                Err((volume, message)) => {
                    env.notes.push((
                        true,
                        "FailedMount",
                        format!("MountVolume.SetUp failed for volume \"{volume}\" : {message}"),
                    ));
                    let backoff = self.mount_retry.1;
                    self.mount_retry = (t.plus_millis(backoff), (backoff * 2).min(122 * SECOND));
                    return;
                }
            }
        }
        let total = self.init.len() + self.containers.len();
        // Init containers one after the other (a sidecar only has to have started), then the
        // app containers in order, each image pull holding back the ones after it. Containers
        // that already ran are always looked at (exits, restarts, probes).
        let mut blocked = false;
        for i in 0..total {
            if i == self.init.len() && !blocked {
                self.initialized = true;
            }
            if blocked && self.container_mut(i).is_none_or(|c| c.is_fresh()) {
                continue;
            }
            self.step_container(i, t, env);
            let initialized = self.initialized;
            let Some(c) = self.container_mut(i) else {
                continue;
            };
            let holds = match c.role {
                Role::Init => !initialized && !c.succeeded(),
                Role::Sidecar => !initialized && !c.started(),
                Role::App => c.starting(),
            };
            blocked |= holds;
        }
        self.stop_sidecars_when_done(t, env);
    }

    /// With restartPolicy other than Always, once every app container has exited for good,
    /// the sidecars are stopped (in reverse order), so that the pod can complete.
    fn stop_sidecars_when_done(&mut self, t: Time, env: &mut Env<'_>) {
        if self.restart_policy == "Always" || self.stopping.is_some() || self.containers.is_empty()
        {
            return;
        }
        let done = self
            .containers
            .iter()
            .all(|c| matches!(c.state, State::Terminated(_)) && c.decide_at.is_none());
        if !done {
            return;
        }
        let grace = env
            .pod
            .pointer("/spec/terminationGracePeriodSeconds")
            .and_then(Value::as_i64)
            .unwrap_or(30);
        for i in (0..self.init.len()).rev() {
            let run = self
                .init
                .get(i)
                .is_some_and(|c| c.role == Role::Sidecar && c.is_running() && c.kill.is_none());
            if run {
                self.stop_container(i, t, Why::Stop, grace, env);
            }
        }
        // Sidecars that are not running will not be restarted.
        for c in self.init.iter_mut().filter(|c| c.role == Role::Sidecar) {
            c.decide_at = None;
            if matches!(c.state, State::Waiting { .. } | State::Pulling { .. })
                && !c.container_id.is_empty()
                && let Some(last) = c.last_terminated.clone()
            {
                c.state = State::Terminated(last);
            }
        }
    }

    fn restart_policy_of(&self, role: Role) -> &str {
        match role {
            Role::Sidecar => "Always",
            Role::Init if self.restart_policy == "Always" => "OnFailure",
            _ => &self.restart_policy,
        }
    }

    fn step_container(&mut self, i: usize, t: Time, env: &mut Env<'_>) {
        let stopping = self.stopping.is_some();
        let policy = match self.container_mut(i).map(|c| c.role) {
            Some(role) => self.restart_policy_of(role).to_string(),
            None => return,
        };
        for _ in 0..16 {
            let Some(c) = self.container_mut(i) else {
                return;
            };
            if (stopping || !c.is_fresh()) && c.next_due().is_none_or(|d| d > t) {
                return;
            }
            if c.is_fresh() {
                if stopping {
                    return;
                }
                self.begin_pull(i, t, env);
                continue;
            }
            let state = c.state.clone();
            match state {
                State::Waiting {
                    reason,
                    until: Some(u),
                    message,
                } if u <= t => match reason {
                    "ErrImagePull" => {
                        let back_off = backoff(c.pull_failures);
                        env.notes.push((
                            false,
                            "BackOff",
                            format!("Back-off pulling image \"{}\"", c.image),
                        ));
                        env.notes
                            .push((true, "Failed", "Error: ImagePullBackOff".into()));
                        c.state = State::Waiting {
                            reason: "ImagePullBackOff",
                            message: format!(
                                "Back-off pulling image \"{}\": ErrImagePull: {message}",
                                c.image
                            ),
                            until: Some(u.plus_millis(back_off)),
                        };
                    }
                    "ImagePullBackOff" => self.begin_pull(i, u, env),
                    _ => {
                        if stopping {
                            c.state = State::Waiting {
                                reason,
                                message,
                                until: None,
                            };
                            return;
                        }
                        if reason == "CrashLoopBackOff" {
                            self.restart(i, u, env);
                        } else {
                            self.create(i, u, env);
                        }
                    }
                },
                State::Pulling { until, ok } if until <= t => {
                    if ok {
                        env.cached.insert(c.reference.full.clone());
                        let took = format_go_duration(until.since(c.pull_start.unwrap_or(until)));
                        let size = images::lookup(&c.reference).map_or(0, |i| i.size_bytes);
                        env.notes.push((
                            false,
                            "Pulled",
                            format!(
                                "Successfully pulled image \"{}\" in {took} ({took} including waiting). Image size: {size} bytes.",
                                c.image
                            ),
                        ));
                        c.pull_failures = 0;
                        self.create(i, until, env);
                    } else {
                        c.pull_failures += 1;
                        let detail = pull_error(&c.reference);
                        env.notes.push((
                            true,
                            "Failed",
                            format!("Failed to pull image \"{}\": {detail}", c.image),
                        ));
                        env.notes
                            .push((true, "Failed", "Error: ErrImagePull".into()));
                        c.state = State::Waiting {
                            reason: "ErrImagePull",
                            message: detail,
                            until: Some(until.plus_millis(SECOND)),
                        };
                    }
                }
                State::Running { since } => {
                    let due = c.next_due().unwrap_or(t);
                    self.running(i, due.min(t), since, &policy, env);
                }
                State::Terminated(_) if c.decide_at.is_some_and(|d| d <= t) => {
                    let at = c.decide_at.unwrap_or(t);
                    self.decide(i, at, &policy, env);
                }
                _ => return,
            }
        }
    }

    fn begin_pull(&mut self, i: usize, at: Time, env: &mut Env<'_>) {
        let Some(c) = self.container_mut(i) else {
            return;
        };
        let policy = spec_of(env.pod, c.role, &c.name)
            .map(|s| meta::str_at(s, "/imagePullPolicy").to_string())
            .unwrap_or_default();
        let present = env.cached.contains(&c.reference.full) || images::preloaded(&c.reference);
        c.pull_start = Some(at);
        if present && policy != "Always" {
            env.notes.push((
                false,
                "Pulled",
                format!("Container image \"{}\" already present on machine", c.image),
            ));
            self.create(i, at, env);
            return;
        }
        if policy == "Never" {
            let message = format!(
                "Container image \"{}\" is not present with pull policy of Never",
                c.image
            );
            env.notes.push((true, "ErrImageNeverPull", message.clone()));
            env.notes
                .push((true, "Failed", "Error: ErrImageNeverPull".into()));
            c.state = State::Waiting {
                reason: "ErrImageNeverPull",
                message,
                until: Some(at.plus_millis(RETRY_MILLIS)),
            };
            return;
        }
        env.notes
            .push((false, "Pulling", format!("Pulling image \"{}\"", c.image)));
        let (duration, ok) = match images::lookup(&c.reference) {
            // Layers already on the node: only the manifest is checked.
            Some(_) if present => (450, true),
            Some(image) => (images::pull_millis(image), true),
            None => (FAILED_PULL_MILLIS, false),
        };
        c.state = State::Pulling {
            until: at.plus_millis(duration),
            ok,
        };
    }

    /// Creates and starts the container at `at`: env, command, process, postStart hook.
    fn create(&mut self, i: usize, at: Time, env: &mut Env<'_>) {
        self.seq += 1;
        let seq = self.seq;
        let (uid, node, ip, node_ip, pod_id) = (
            self.uid.clone(),
            self.node.clone(),
            self.ip.clone(),
            self.node_ip.clone(),
            self.pod_id.clone(),
        );
        let sources = self.volumes.clone().unwrap_or_default();
        let gateway = self.gateway.clone();
        let Some(c) = self.container_mut(i) else {
            return;
        };
        let Some(spec) = spec_of(env.pod, c.role, &c.name) else {
            return;
        };
        let facts = PodFacts {
            pod: env.pod,
            node: env.node,
            pod_ip: &ip,
            host_ip: &node_ip,
        };
        let kubelet_env = match env::kubelet_env(spec, &facts, env.store) {
            Ok(e) => e,
            Err(message) => {
                env.notes
                    .push((true, "Failed", format!("Error: {message}")));
                c.state = State::Waiting {
                    reason: "CreateContainerConfigError",
                    message,
                    until: Some(at.plus_millis(RETRY_MILLIS)),
                };
                return;
            }
        };
        let image = images::lookup(&c.reference).copied();
        let version = image
            .map(|i| i.version(&c.reference.tag))
            .unwrap_or_default();
        let hostname = mounts::hostname(env.pod);
        let busybox = image.is_some_and(|i| i.flavour.is_busybox());
        let (uid_n, gid, groups) = process::identity(env.pod, spec, busybox);
        let home = if uid_n == 0 { "/root" } else { "/" };
        let proc_env = env::process_env(image.as_ref(), &version, &hostname, &kubelet_env, home);
        let argv = process::command_line(spec, image.as_ref(), &proc_env);
        // A restarted container gets a fresh root file system and log.
        let restarted = !c.container_id.is_empty();
        if restarted {
            c.restart_count += 1;
            c.previous_log = Some(std::mem::take(&mut c.log));
        }
        c.container_id = container_id(&c.name, at, seq);
        c.pull_start = None;
        let root = DiskId::Root(uid.clone(), c.name.clone());
        let mut layer = Layer::over(base_fs::files(image.as_ref()));
        for (path, content) in mounts::etc_files(env.pod, &ip, &node_ip) {
            let _ = layer.write(&path, &content, false);
        }
        env.disks.layers.insert(root, layer);
        let view = mounts::view(&uid, &node, spec, &sources);
        let workdir = match meta::str_at(spec, "/workingDir") {
            "" => image.map_or("/", |i| i.workdir).to_string(),
            w => w.to_string(),
        };
        let info = Info {
            flavour: image.map(|i| i.flavour).unwrap_or_default(),
            binaries: image.map(|i| i.binaries).unwrap_or_default(),
            server: image
                .filter(|i| i.app != images::App::None)
                .and_then(|i| i.binaries.first().copied())
                .unwrap_or(""),
            hostname,
            pod_ip: ip.clone(),
            uid: uid_n,
            gid,
            groups,
            app: image
                .and_then(|i| {
                    i.binaries
                        .first()
                        .map(|b| (b.rsplit('/').next().unwrap_or(b), version.clone()))
                })
                .map(|(b, v)| (if b == "nginx" { "nginx" } else { "app" }, v)),
            processes: Vec::new(),
            workdir,
        };
        env.notes
            .push((false, "Created", format!("Created container: {}", c.name)));
        let started = Process::start(
            &argv,
            image.as_ref(),
            &version,
            proc_env,
            info,
            view,
            at,
            &mut c.log,
        );
        let process = match started {
            Ok(p) => p,
            Err(detail) => {
                let message = format!(
                    "failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: error during container init: {detail}: unknown"
                );
                env.notes
                    .push((true, "Failed", format!("Error: {message}")));
                c.state = State::Terminated(Terminated {
                    exit_code: 128,
                    reason: "StartError",
                    message,
                    started_at: Time(0),
                    finished_at: at,
                    container_id: c.container_id.clone(),
                });
                c.decide_at = Some(at);
                return;
            }
        };
        env.notes
            .push((false, "Started", format!("Started container {}", c.name)));
        let limit = spec
            .pointer("/resources/limits/memory")
            .and_then(Value::as_str)
            .and_then(quantity::parse_milli)
            .map(|m| (m / 1000) as u64);
        c.oom_at = match (limit, process.program()) {
            (Some(l), Some(p)) => p.oom_at(l),
            _ => None,
        };
        c.process = Some(process);
        c.state = State::Running { since: at };
        c.decide_at = None;
        for w in c.probes.iter_mut() {
            w.trigger(at);
        }
        // postStart runs right after the start; a failure kills the container.
        let hook = spec
            .pointer("/lifecycle/postStart")
            .and_then(|h| handlers::parse(h, spec));
        if let Some(action) = hook
            && let Some(p) = c.process.as_mut()
        {
            let mut target = Target {
                process: p,
                disks: env.disks,
                log: &mut c.log,
                pod_ip: &ip,
                client_ip: &gateway,
                now: at,
                container_id: &c.container_id,
                net: env.net.as_mut().map(|n| n.reborrow()),
            };
            if let Err(message) = handlers::hook(&action, &mut target, &c.name, &pod_id) {
                env.notes
                    .push((true, "FailedPostStartHook", "PostStartHook failed".into()));
                env.notes.push((true, "FailedPostStartHook", message));
                let grace = termination_grace(env.pod);
                self.stop_container(i, at, Why::PostStartHook, grace, env);
            }
        }
    }

    /// A running container at `t`: its process, OOM, a kill in progress, its probes.
    fn running(&mut self, i: usize, t: Time, since: Time, _policy: &str, env: &mut Env<'_>) {
        let deleting = meta::is_deleting(env.pod);
        let ip = self.ip.clone();
        let gateway = self.gateway.clone();
        let Some(c) = self.container_mut(i) else {
            return;
        };
        if let Some(p) = c.process.as_mut() {
            p.advance(t, env.disks, &mut c.log, env.net.as_mut());
        }
        // The process ended by itself.
        if let Some((at, code)) = c
            .process
            .as_ref()
            .and_then(|p| p.exited)
            .filter(|(at, _)| *at <= t)
        {
            let reason = if code == 0 { "Completed" } else { "Error" };
            self.exited(i, at, code, reason, RELIST_MILLIS);
            return;
        }
        if let Some(at) = c.oom_at.filter(|at| *at <= t) {
            self.exited(i, at, 137, "OOMKilled", RELIST_MILLIS);
            return;
        }
        if let Some(kill) = c.kill.clone() {
            if kill.term_at <= t && kill.exits_at.is_none() {
                // SIGTERM now: the process exits after its own stop time, or ignores it.
                let exits = c.process.as_ref().and_then(Process::on_sigterm);
                let mut k = kill.clone();
                k.exits_at =
                    exits.map(|(ms, code)| (kill.term_at.plus_millis(ms).min(kill.deadline), code));
                k.term_at = Time(i64::MAX);
                c.kill = Some(k);
                return;
            }
            if let Some((at, code)) = kill.exits_at.filter(|(at, _)| *at <= t) {
                let code = if at >= kill.deadline && code == 0 {
                    137
                } else {
                    code
                };
                let reason = if code == 0 { "Completed" } else { "Error" };
                self.exited(i, at, code, reason, 0);
                return;
            }
            if kill.deadline <= t {
                self.exited(i, kill.deadline, 137, "Error", 0);
            }
            return;
        }
        // Probes due at t.
        let started = c.started();
        let container_id = c.container_id.clone();
        let mut effects = Vec::new();
        let name = c.name.clone();
        for w in c.probes.iter_mut() {
            if w.due() > t {
                continue;
            }
            let Some(p) = c.process.as_mut() else { break };
            let seen = Seen {
                container_id: &container_id,
                running_since: Some(since),
                started,
                deleting,
            };
            let mut target = Target {
                process: p,
                disks: env.disks,
                log: &mut c.log,
                pod_ip: &ip,
                client_ip: &gateway,
                now: t,
                container_id: &container_id,
                net: env.net.as_mut().map(|n| n.reborrow()),
            };
            let kind = w.spec.kind;
            let grace = w.spec.grace;
            let effect = w.tick(t, &seen, Some(&mut target));
            effects.push((kind, grace, effect));
        }
        // A startup probe that just passed lets readiness look right away.
        if !started && c.started() {
            for w in c.probes.iter_mut() {
                w.trigger(t);
            }
        }
        for (kind, grace, effect) in effects {
            match effect {
                Effect::None => {}
                Effect::Unhealthy(m) => env.notes.push((true, "Unhealthy", m)),
                Effect::Kill(m) => {
                    env.notes.push((true, "Unhealthy", m));
                    let why = if kind == Kind::Startup {
                        Why::Startup
                    } else {
                        Why::Liveness
                    };
                    let grace = grace.unwrap_or_else(|| termination_grace(env.pod));
                    let _ = &name;
                    self.stop_container(i, t, why, grace, env);
                    return;
                }
            }
        }
    }

    /// Starts stopping container `i` at `t`: the Killing event, preStop, then SIGTERM.
    fn stop_container(&mut self, i: usize, t: Time, why: Why, grace: i64, env: &mut Env<'_>) {
        let (ip, gateway, pod_id) = (self.ip.clone(), self.gateway.clone(), self.pod_id.clone());
        let Some(c) = self.container_mut(i) else {
            return;
        };
        if !c.is_running() || c.kill.is_some() {
            if why == Why::Stop && !c.is_running() {
                // Never started, or waiting to restart: it simply will not run again.
                c.decide_at = None;
                if let State::Waiting {
                    reason, message, ..
                } = c.state.clone()
                {
                    c.state = State::Waiting {
                        reason,
                        message,
                        until: None,
                    };
                }
                if matches!(c.state, State::Pulling { .. }) {
                    c.state = State::Waiting {
                        reason: "ContainerCreating",
                        message: String::new(),
                        until: None,
                    };
                }
            }
            return;
        }
        let message = match why {
            Why::Liveness => format!(
                "Container {} failed liveness probe, will be restarted",
                c.name
            ),
            Why::Startup => format!(
                "Container {} failed startup probe, will be restarted",
                c.name
            ),
            Why::PostStartHook => "FailedPostStartHook".to_string(),
            Why::Stop | Why::Signal => format!("Stopping container {}", c.name),
        };
        env.notes.push((false, "Killing", message));
        let deadline = t.plus_secs(grace.max(0));
        let mut term_at = t;
        if why != Why::PostStartHook
            && let Some(spec) = spec_of(env.pod, c.role, &c.name)
            && let Some(action) = spec
                .pointer("/lifecycle/preStop")
                .and_then(|h| handlers::parse(h, spec))
            && let Some(p) = c.process.as_mut()
        {
            let mut target = Target {
                process: p,
                disks: env.disks,
                log: &mut c.log,
                pod_ip: &ip,
                client_ip: &gateway,
                now: t,
                container_id: &c.container_id,
                net: env.net.as_mut().map(|n| n.reborrow()),
            };
            match handlers::hook(&action, &mut target, &c.name, &pod_id) {
                Ok(ms) => term_at = t.plus_millis(ms.min(grace.max(0) * SECOND)),
                Err(_) => env
                    .notes
                    .push((true, "FailedPreStopHook", "PreStopHook failed".into())),
            }
        }
        // What preStop's commands signalled (`nginx -s quit`) happens now.
        c.kill = Some(Kill {
            why,
            term_at,
            exits_at: None,
            deadline,
        });
    }

    /// Container `i` exited at `at`; the kubelet decides about a restart `relist` later.
    fn exited(&mut self, i: usize, at: Time, code: i32, reason: &'static str, relist: i64) {
        let stopping = self.stopping.is_some();
        let Some(c) = self.container_mut(i) else {
            return;
        };
        let since = match c.state {
            State::Running { since } => since,
            _ => at,
        };
        let killed = c.kill.take();
        c.oom_at = None;
        c.state = State::Terminated(Terminated {
            exit_code: code,
            reason,
            message: String::new(),
            started_at: since,
            finished_at: at,
            container_id: c.container_id.clone(),
        });
        let stopped_for_good = stopping || killed.is_some_and(|k| k.why == Why::Stop);
        c.decide_at = if stopped_for_good {
            None
        } else {
            Some(at.plus_millis(relist))
        };
    }

    /// After an exit: restart now, wait out the back-off (CrashLoopBackOff), or stay exited.
    fn decide(&mut self, i: usize, at: Time, policy: &str, env: &mut Env<'_>) {
        let pod_id = self.pod_id.clone();
        let stopping = self.stopping.is_some();
        let Some(c) = self.container_mut(i) else {
            return;
        };
        c.decide_at = None;
        let State::Terminated(finished) = c.state.clone() else {
            return;
        };
        let restart = !stopping
            && match policy {
                "Never" => false,
                "OnFailure" => finished.exit_code != 0,
                _ => true,
            };
        if !restart {
            return;
        }
        c.last_terminated = Some(finished.clone());
        // Upstream's flowcontrol back-off, keyed by container: in back-off while less than
        // the current delay has passed since the exit; reset after 10 quiet minutes.
        let expired = c.backoff.is_none_or(|(updated, _)| {
            finished.finished_at.since(updated) > 2 * BACKOFF_MAX_MILLIS
        });
        if !expired
            && let Some((_, delay)) = c.backoff
            && at.since(finished.finished_at) < delay
        {
            env.notes.push((
                true,
                "BackOff",
                format!(
                    "Back-off restarting failed container {} in pod {pod_id}",
                    c.name
                ),
            ));
            c.state = State::Waiting {
                reason: "CrashLoopBackOff",
                message: format!(
                    "back-off {} restarting failed container={} pod={pod_id}",
                    format_go_duration(delay),
                    c.name
                ),
                until: Some(finished.finished_at.plus_millis(delay)),
            };
            return;
        }
        self.restart(i, at, env);
    }

    /// Restarts container `i` at `at`, growing its back-off for the next time (upstream's
    /// `backOff.Next`).
    fn restart(&mut self, i: usize, at: Time, env: &mut Env<'_>) {
        let Some(c) = self.container_mut(i) else {
            return;
        };
        let finished = c.last_terminated.as_ref().map_or(at, |t| t.finished_at);
        let expired = c
            .backoff
            .is_none_or(|(updated, _)| finished.since(updated) > 2 * BACKOFF_MAX_MILLIS);
        let delay = match c.backoff {
            Some((_, d)) if !expired => (d * 2).min(BACKOFF_MAX_MILLIS),
            _ => BACKOFF_START_MILLIS,
        };
        c.backoff = Some((at, delay));
        self.begin_pull(i, at, env);
    }

    /// Delivers signals sent from inside the container (`kill 1`, `nginx -s quit`) to its
    /// main process; if it dies of them, the kubelet restarts it by the restart policy.
    pub fn signal(&mut self, name: &str, signals: &[Signal], now: Time) {
        let Some(c) = self.find_mut(name) else { return };
        if !c.is_running() || c.kill.is_some() {
            return;
        }
        for s in signals.iter().filter(|s| s.pid == 1) {
            let exit = match s.signal {
                9 => Some((0, 137)),
                2 | 3 | 15 => c
                    .process
                    .as_ref()
                    .and_then(Process::on_sigterm)
                    .map(|(ms, code)| (ms, if s.signal == 3 { 0 } else { code })),
                _ => None,
            };
            if let Some((ms, code)) = exit {
                c.kill = Some(Kill {
                    why: Why::Signal,
                    term_at: Time(i64::MAX),
                    exits_at: Some((now.plus_millis(ms), code)),
                    deadline: Time(i64::MAX),
                });
                return;
            }
        }
    }
}

/// The pod's grace period for killing a container.
fn termination_grace(pod: &Value) -> i64 {
    meta::at(pod, "/spec/terminationGracePeriodSeconds")
        .and_then(Value::as_i64)
        .unwrap_or(30)
}

/// Back-off after `failures` consecutive failures: 10 s, 20 s, 40 s ... at most 300 s.
fn backoff(failures: u32) -> i64 {
    let doublings = failures.saturating_sub(1).min(10);
    (BACKOFF_START_MILLIS << doublings).min(BACKOFF_MAX_MILLIS)
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

/// The image an entry of the catalogue describes, for callers outside the runtime.
pub fn image_of(c: &ContainerRuntime) -> Option<Image> {
    images::lookup(&c.reference).copied()
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
        assert_eq!(format_go_duration(300_000), "5m0s");
        assert_eq!(format_go_duration(3_600_000), "1h0m0s");
        assert_eq!(format_go_duration(0), "0s");
        assert_eq!(format_go_duration(-5000), "-5s");
    }

    #[test]
    fn backoff_doubles_to_five_minutes() {
        assert_eq!(backoff(1), 10_000);
        assert_eq!(backoff(2), 20_000);
        assert_eq!(backoff(9), 300_000);
    }
}
