//! Liveness, readiness and startup probes, as the kubelet's probe workers run them.
//!
//! A worker starts with the pod and ticks every `periodSeconds`. A tick does nothing while
//! the container is not running, during `initialDelaySeconds` after it started, or (for
//! liveness and readiness) before the startup probe has succeeded. Every failed attempt
//! records an `Unhealthy` event; the result only changes after `failureThreshold` failures
//! (or `successThreshold` successes) in a row. A liveness or startup failure has the
//! container killed and restarted, after which the worker waits for the new container.
//! Readiness starts as failed and is also checked as soon as the container has started.

use serde_json::Value;

use super::handlers::{self, Action, Outcome, Target};
use crate::time::{SECOND, Time};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Liveness,
    Readiness,
    Startup,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Liveness => "Liveness",
            Kind::Readiness => "Readiness",
            Kind::Startup => "Startup",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    pub kind: Kind,
    pub action: Action,
    pub initial_delay: i64,
    pub period: i64,
    pub timeout: i64,
    pub success_threshold: u32,
    pub failure_threshold: u32,
    /// The probe's own `terminationGracePeriodSeconds`, used when it kills the container.
    pub grace: Option<i64>,
}

/// A container's probes, in the order the kubelet adds their workers.
pub fn specs(container: &Value) -> Vec<Spec> {
    let mut out = Vec::new();
    for (field, kind) in [
        ("startupProbe", Kind::Startup),
        ("readinessProbe", Kind::Readiness),
        ("livenessProbe", Kind::Liveness),
    ] {
        let Some(p) = container.get(field).filter(|p| p.is_object()) else {
            continue;
        };
        let Some(action) = handlers::parse(p, container) else {
            continue;
        };
        let int = |name: &str, default: i64| p.get(name).and_then(Value::as_i64).unwrap_or(default);
        out.push(Spec {
            kind,
            action,
            initial_delay: int("initialDelaySeconds", 0).max(0),
            period: int("periodSeconds", 10).max(1),
            timeout: int("timeoutSeconds", 1).max(1),
            success_threshold: int("successThreshold", 1).max(1) as u32,
            failure_threshold: int("failureThreshold", 3).max(1) as u32,
            grace: p
                .get("terminationGracePeriodSeconds")
                .and_then(Value::as_i64),
        });
    }
    out
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Success,
    Failure,
}

#[derive(Clone, Debug)]
pub struct Worker {
    pub spec: Spec,
    next_tick: Time,
    /// A readiness check asked for right away (the container just started).
    manual: Option<Time>,
    container_id: String,
    /// The cached result for the current container (`None`: no result yet).
    pub result: Option<Verdict>,
    last: Verdict,
    run: u32,
    on_hold: bool,
}

/// What a tick asks of the kubelet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    None,
    /// Record an `Unhealthy` warning with this message.
    Unhealthy(String),
    /// Record the warning, then kill the container (liveness or startup failed).
    Kill(String),
}

/// What a worker knows about its container at a tick.
pub struct Seen<'a> {
    pub container_id: &'a str,
    /// When the running container started; `None` when it is not running.
    pub running_since: Option<Time>,
    /// Whether the startup probe (if any) has passed.
    pub started: bool,
    pub deleting: bool,
}

impl Worker {
    pub fn new(spec: Spec, origin: Time) -> Worker {
        Worker {
            spec,
            next_tick: origin,
            manual: None,
            container_id: String::new(),
            result: None,
            last: Verdict::Success,
            run: 0,
            on_hold: false,
        }
    }

    /// When the worker next looks at its container.
    pub fn due(&self) -> Time {
        match self.manual {
            Some(m) => m.min(self.next_tick),
            None => self.next_tick,
        }
    }

    /// Asks for an immediate readiness check (the kubelet does when a started container has
    /// no readiness result yet).
    pub fn trigger(&mut self, at: Time) {
        if self.spec.kind == Kind::Readiness && self.result != Some(Verdict::Success) {
            self.manual = Some(at);
        }
    }

    fn initial(&self) -> Option<Verdict> {
        match self.spec.kind {
            Kind::Readiness => Some(Verdict::Failure),
            Kind::Liveness => Some(Verdict::Success),
            Kind::Startup => None,
        }
    }

    /// One look at the container at time `t` (the worker's due time).
    pub fn tick(&mut self, t: Time, seen: &Seen<'_>, target: Option<&mut Target<'_>>) -> Effect {
        if self.manual.is_some_and(|m| m <= t) {
            self.manual = None;
        }
        while self.next_tick <= t {
            self.next_tick = self.next_tick.plus_millis(self.spec.period * SECOND);
        }
        if seen.container_id.is_empty() {
            return Effect::None;
        }
        if self.container_id != seen.container_id {
            self.container_id = seen.container_id.to_string();
            self.result = self.initial();
            self.on_hold = false;
        }
        if self.on_hold {
            return Effect::None;
        }
        let Some(since) = seen.running_since else {
            self.result = Some(Verdict::Failure)
                .filter(|_| self.spec.kind == Kind::Readiness)
                .or(self.result);
            return Effect::None;
        };
        if seen.deleting && self.spec.kind != Kind::Readiness {
            self.result = Some(Verdict::Success);
            return Effect::None;
        }
        if t.since(since) / SECOND < self.spec.initial_delay {
            return Effect::None;
        }
        if seen.started == (self.spec.kind == Kind::Startup) {
            return Effect::None;
        }
        let Some(target) = target else {
            return Effect::None;
        };
        let outcome = handlers::probe(&self.spec.action, target, self.spec.timeout);
        let label = self.spec.kind.label();
        let (verdict, message) = match outcome {
            Outcome::Success => (Verdict::Success, None),
            Outcome::Failure(output) => (
                Verdict::Failure,
                Some(format!("{label} probe failed: {output}")),
            ),
            Outcome::Error(e) => {
                return Effect::Unhealthy(format!(
                    "{label} probe errored and resulted in unknown state: {e}"
                ));
            }
        };
        if self.last == verdict {
            self.run += 1;
        } else {
            self.last = verdict;
            self.run = 1;
        }
        let below = match verdict {
            Verdict::Failure => self.run < self.spec.failure_threshold,
            Verdict::Success => self.run < self.spec.success_threshold,
        };
        if !below {
            self.result = Some(verdict);
            if verdict == Verdict::Failure && self.spec.kind != Kind::Readiness {
                self.on_hold = true;
                self.run = 0;
                return Effect::Kill(message.unwrap_or_default());
            }
        }
        match message {
            Some(m) => Effect::Unhealthy(m),
            None => Effect::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn specs_take_upstream_defaults() {
        let c = json!({
            "livenessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}, "initialDelaySeconds": 5, "periodSeconds": 5},
            "readinessProbe": {"tcpSocket": {"port": 8080}},
        });
        let s = specs(&c);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].kind, Kind::Readiness);
        assert_eq!(
            (s[0].period, s[0].timeout, s[0].failure_threshold),
            (10, 1, 3)
        );
        assert_eq!(
            s[1].action,
            Action::Exec(vec!["cat".into(), "/tmp/healthy".into()])
        );
        assert_eq!((s[1].initial_delay, s[1].period), (5, 5));
    }

    #[test]
    fn ticks_wait_for_a_container_and_its_delay() {
        let spec = specs(
            &json!({"livenessProbe": {"tcpSocket": {"port": 80}, "initialDelaySeconds": 15}}),
        )
        .remove(0);
        let mut w = Worker::new(spec, Time::GENESIS);
        let none = Seen {
            container_id: "",
            running_since: None,
            started: true,
            deleting: false,
        };
        assert_eq!(w.tick(Time::GENESIS, &none, None), Effect::None);
        assert_eq!(w.due(), Time::GENESIS.plus_secs(10));
        let seen = Seen {
            container_id: "c1",
            running_since: Some(Time::GENESIS),
            started: true,
            deleting: false,
        };
        assert_eq!(w.tick(w.due(), &seen, None), Effect::None);
        assert_eq!(w.result, Some(Verdict::Success));
    }
}
