//! READY, STATUS and RESTARTS of a pod, derived exactly as upstream's `printPod` derives them
//! (see `shared/reference/pod-status.md`): phase, then status.reason, scheduling gates, init
//! containers, app containers in reverse order, the Completed fix-up, and deletion.

use serde_json::Value;

use crate::api::meta;
use crate::time::{Time, human_duration};

/// The printed cells of one pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodCells {
    pub ready_count: usize,
    pub total: usize,
    pub status: String,
    /// `3` or `3 (10s ago)`.
    pub restarts: String,
}

impl PodCells {
    pub fn ready(&self) -> String {
        format!("{}/{}", self.ready_count, self.total)
    }
}

fn array<'a>(obj: &'a Value, pointer: &str) -> &'a [Value] {
    meta::at(obj, pointer)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

pub fn cells(pod: &Value, now: Time) -> PodCells {
    // `status` and `spec` are looked up once: `get pods` runs this for every pod, and each
    // field read is a search through string keys.
    let status = pod.get("status").unwrap_or(&Value::Null);
    let spec = pod.get("spec").unwrap_or(&Value::Null);
    let phase = meta::str_at(status, "/phase");
    let mut reason = phase.to_string();
    let status_reason = meta::str_at(status, "/reason");
    if !status_reason.is_empty() {
        reason = status_reason.to_string();
    }
    let conditions = array(status, "/conditions");
    let condition = |type_: &str| {
        conditions
            .iter()
            .find(|c| meta::str_at(c, "/type") == type_)
            .map(|c| meta::str_at(c, "/status"))
    };
    let gated = conditions.iter().any(|c| {
        meta::str_at(c, "/type") == "PodScheduled"
            && meta::str_at(c, "/reason") == "SchedulingGated"
    });
    if gated {
        reason = "SchedulingGated".into();
    }
    let init_specs = array(spec, "/initContainers");
    let is_sidecar = |name: &str| {
        init_specs.iter().any(|c| {
            meta::str_at(c, "/name") == name && meta::str_at(c, "/restartPolicy") == "Always"
        })
    };
    let total = array(spec, "/containers").len()
        + init_specs
            .iter()
            .filter(|c| meta::str_at(c, "/restartPolicy") == "Always")
            .count();
    let mut ready = 0;
    let mut restarts: i64 = 0;
    let mut last_restart: Option<Time> = None;
    let mut sidecar_restarts: i64 = 0;
    let mut sidecar_last: Option<Time> = None;
    let finished_at = |c: &Value| {
        meta::at(c, "/lastState/terminated/finishedAt")
            .and_then(Value::as_str)
            .and_then(Time::parse_rfc3339)
    };
    let latest = |a: Option<Time>, b: Option<Time>| match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, y) => x.or(y),
    };
    let int = |c: &Value, p: &str| meta::at(c, p).and_then(Value::as_i64).unwrap_or(0);
    let mut initializing = false;
    let init_statuses = array(status, "/initContainerStatuses");
    for (i, c) in init_statuses.iter().enumerate() {
        restarts += int(c, "/restartCount");
        last_restart = latest(last_restart, finished_at(c));
        let sidecar = is_sidecar(meta::str_at(c, "/name"));
        if sidecar {
            sidecar_restarts += int(c, "/restartCount");
            sidecar_last = latest(sidecar_last, finished_at(c));
        }
        let terminated = meta::at(c, "/state/terminated");
        let waiting_reason = meta::str_at(c, "/state/waiting/reason");
        if terminated.is_some() && int(c, "/state/terminated/exitCode") == 0 {
            continue;
        }
        if sidecar && c.get("started") == Some(&Value::Bool(true)) {
            if c.get("ready") == Some(&Value::Bool(true)) {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = terminated {
            let r = meta::str_at(t, "/reason");
            reason = if !r.is_empty() {
                format!("Init:{r}")
            } else if int(t, "/signal") != 0 {
                format!("Init:Signal:{}", int(t, "/signal"))
            } else {
                format!("Init:ExitCode:{}", int(t, "/exitCode"))
            };
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            reason = format!("Init:{waiting_reason}");
        } else {
            reason = format!("Init:{i}/{}", init_specs.len());
        }
        initializing = true;
        break;
    }
    let initialized = condition("Initialized") == Some("True");
    if !initializing || initialized {
        restarts = sidecar_restarts;
        last_restart = sidecar_last;
        let mut has_running = false;
        let mut error_reason = String::new();
        for c in array(status, "/containerStatuses").iter().rev() {
            restarts += int(c, "/restartCount");
            last_restart = latest(last_restart, finished_at(c));
            let waiting = meta::str_at(c, "/state/waiting/reason");
            if !waiting.is_empty() {
                reason = waiting.to_string();
            } else if let Some(t) = meta::at(c, "/state/terminated") {
                let r = meta::str_at(t, "/reason");
                reason = if !r.is_empty() {
                    r.to_string()
                } else if int(t, "/signal") != 0 {
                    format!("Signal:{}", int(t, "/signal"))
                } else {
                    format!("ExitCode:{}", int(t, "/exitCode"))
                };
                if int(t, "/exitCode") != 0 {
                    error_reason = reason.clone();
                }
            } else if c.get("ready") == Some(&Value::Bool(true))
                && meta::at(c, "/state/running").is_some()
            {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" {
            if has_running && condition("Ready") == Some("True") {
                reason = "Running".into();
            } else if !error_reason.is_empty() {
                reason = error_reason;
            } else if has_running {
                reason = "NotReady".into();
            }
        }
    }
    if meta::is_deleting(pod) && status_reason == "NodeLost" {
        reason = "Unknown".into();
    } else if meta::is_deleting(pod) && !matches!(phase, "Succeeded" | "Failed") {
        reason = "Terminating".into();
    }
    let restarts = match last_restart {
        Some(t) if restarts != 0 => format!("{restarts} ({} ago)", human_duration(now.since(t))),
        _ => restarts.to_string(),
    };
    PodCells {
        ready_count: ready,
        total,
        status: reason,
        restarts,
    }
}
