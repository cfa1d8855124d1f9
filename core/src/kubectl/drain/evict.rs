//! Evicting a node's pods — or deleting them, with `--disable-eviction` — and waiting until
//! they are gone, as kubectl's drain helper does. Upstream runs one goroutine per pod: print
//! `evicting pod`, ask the eviction API, on 429 say so and try again 5 s later, then poll
//! every second until the pod has gone and print `pod/x evicted`. Here each pod is a small
//! state machine, and virtual time moves from one pod's next step to the next, so the same
//! lines come out in the same order every run (pods due at once go in the API's list order).

use serde_json::Value;

use super::filters::deleted_long_ago;
use super::{DrainError, Drainer, ErrorText, Stop};
use crate::api::{Reason, meta};
use crate::controllers::kind;
use crate::kubelet::runtime::format_go_duration;
use crate::sim::Sim;
use crate::store::DeleteOptions;
use crate::time::{SECOND, Time};

/// `EvictErrorRetryDelay`.
const RETRY_DELAY: i64 = 5 * SECOND;
/// How often the drain helper looks whether a pod is gone.
const POLL_INTERVAL: i64 = SECOND;

/// One pod's eviction: asking (until `waiting_for` is set), then waiting for the pod of that
/// uid to go.
struct Track {
    pod: Value,
    next: Time,
    waiting_for: Option<String>,
    done: bool,
}

impl Track {
    fn names(&self) -> (String, String) {
        (
            meta::namespace(&self.pod).to_string(),
            meta::name(&self.pod).to_string(),
        )
    }

    /// When this pod's goroutine next does something: its next step, or for a waiting one the
    /// end of the global timeout if that comes first.
    fn due(&self, deadline: Option<Time>) -> Time {
        match (self.waiting_for.is_some(), deadline) {
            (true, Some(d)) => self.next.min(d),
            _ => self.next,
        }
    }
}

impl Drainer {
    fn delete_options(&self) -> DeleteOptions {
        DeleteOptions {
            propagation: None,
            grace_period_seconds: self.grace,
        }
    }

    /// `evictPods`: all pods at once, each retried on 429 until the global timeout.
    pub(super) fn evict_pods(&mut self, pods: Vec<Value>, sim: &mut Sim) -> Result<(), Stop> {
        let start = sim.now();
        let deadline = self.timeout.map(|t| start.plus_millis(t));
        let mut tracks: Vec<Track> = pods
            .into_iter()
            .map(|pod| Track {
                pod,
                next: start,
                waiting_for: None,
                done: false,
            })
            .collect();
        let mut failures = Vec::new();
        while let Some(due) = tracks
            .iter()
            .filter(|t| !t.done)
            .map(|t| t.due(deadline))
            .min()
        {
            if due > self.limit {
                return Err(self.sandbox_stop(tracks.iter().filter(|t| !t.done).map(|t| &t.pod)));
            }
            if due > sim.now() {
                sim.advance_to(due);
            }
            for track in tracks
                .iter_mut()
                .filter(|t| !t.done && t.due(deadline) == due)
            {
                if track.waiting_for.is_some() {
                    self.poll(track, deadline, false, sim, &mut failures);
                } else {
                    self.ask(track, deadline, sim, &mut failures);
                }
            }
        }
        if failures.is_empty() {
            Ok(())
        } else {
            Err(Stop::Failed(DrainError::Many(failures)))
        }
    }

    /// One eviction request for a pod, and what kubectl does with the answer.
    fn ask(
        &mut self,
        track: &mut Track,
        deadline: Option<Time>,
        sim: &mut Sim,
        failures: &mut Vec<ErrorText>,
    ) {
        let (ns, name) = track.names();
        let server_dry_run = self.mode == "server";
        self.out.stdout.push_str(&format!(
            "evicting pod {ns}/{name}{}\n",
            if server_dry_run {
                " (server dry run)"
            } else {
                ""
            }
        ));
        let now = sim.now();
        if deadline.is_some_and(|d| now >= d) {
            let limit = format_go_duration(self.timeout.unwrap_or(0));
            failures.push(ErrorText::plain(format!(
                "error when evicting pods/\"{name}\" -n \"{ns}\": global timeout reached: {limit}"
            )));
            track.done = true;
            return;
        }
        match sim
            .store
            .evict(&ns, &name, self.delete_options(), server_dry_run)
        {
            Ok(()) if server_dry_run => track.done = true,
            Ok(()) => {
                track.waiting_for = Some(meta::uid(&track.pod).to_string());
                self.poll(track, deadline, true, sim, failures);
            }
            Err(status) if status.reason == Reason::NotFound => track.done = true,
            Err(status) if status.reason == Reason::TooManyRequests => {
                self.out.stderr.push_str(&format!(
                    "error when evicting pods/\"{name}\" -n \"{ns}\" (will retry after {}): {}\n",
                    format_go_duration(RETRY_DELAY),
                    status.message
                ));
                track.next = now.plus_millis(RETRY_DELAY);
                if let Ok(fresh) = sim.store.get(kind("", "Pod"), &ns, &name) {
                    track.pod = fresh.clone();
                }
            }
            Err(status) => {
                failures.push(ErrorText::plain(format!(
                    "error when evicting pods/\"{name}\" -n \"{ns}\": {}",
                    status.message
                )));
                track.done = true;
            }
        }
    }

    /// One look at an evicted pod: gone (or replaced by a new pod of the same name), skipped
    /// as deleted long ago, or still there.
    fn poll(
        &mut self,
        track: &mut Track,
        deadline: Option<Time>,
        immediate: bool,
        sim: &Sim,
        failures: &mut Vec<ErrorText>,
    ) {
        let (ns, name) = track.names();
        let now = sim.now();
        if !immediate && deadline.is_some_and(|d| now >= d) {
            failures.push(ErrorText::plain(format!(
                "error when waiting for pod \"{name}\" in namespace \"{ns}\" to terminate: context deadline exceeded"
            )));
            track.done = true;
            return;
        }
        let uid = track.waiting_for.clone().unwrap_or_default();
        match self.look(&ns, &name, &uid, "evicted", sim) {
            true => track.done = true,
            false => track.next = now.plus_millis(POLL_INTERVAL),
        }
    }

    /// Whether the pod `ns/name` of `uid` no longer needs waiting for, saying why if so.
    fn look(&mut self, ns: &str, name: &str, uid: &str, verb: &str, sim: &Sim) -> bool {
        match sim.store.get(kind("", "Pod"), ns, name) {
            Ok(pod) if meta::uid(pod) == uid => {
                let seconds = self.rules.skip_wait_for_delete_seconds;
                if deleted_long_ago(pod, seconds, sim.now()) {
                    self.out.stdout.push_str(&format!(
                        "pod \"{name}\" has DeletionTimestamp older than {seconds} seconds, skipping\n"
                    ));
                    return true;
                }
                false
            }
            _ => {
                self.out.stdout.push_str(&format!("pod/{name} {verb}\n"));
                true
            }
        }
    }

    /// `deletePods`: delete them all, then wait (up to `--timeout`) until they are gone.
    pub(super) fn delete_pods(&mut self, pods: Vec<Value>, sim: &mut Sim) -> Result<(), Stop> {
        for pod in &pods {
            if let Err(status) = sim.store.delete(
                kind("", "Pod"),
                meta::namespace(pod),
                meta::name(pod),
                self.delete_options(),
            ) && status.reason != Reason::NotFound
            {
                return Err(Stop::Failed(DrainError::One(ErrorText::api(&status))));
            }
        }
        let deadline = self.timeout.map(|t| sim.now().plus_millis(t));
        let mut pending = pods;
        loop {
            pending.retain(|pod| {
                !self.look(
                    meta::namespace(pod),
                    meta::name(pod),
                    meta::uid(pod),
                    "deleted",
                    sim,
                )
            });
            if pending.is_empty() {
                return Ok(());
            }
            let next = sim.now().plus_millis(POLL_INTERVAL);
            if let Some(d) = deadline.filter(|d| next >= *d) {
                if d > self.limit {
                    return Err(self.sandbox_stop(pending.iter()));
                }
                sim.advance_to(d);
                return Err(Stop::Failed(DrainError::One(ErrorText::plain(
                    "context deadline exceeded".into(),
                ))));
            }
            if next > self.limit {
                return Err(self.sandbox_stop(pending.iter()));
            }
            sim.advance_to(next);
        }
    }
}
