//! The pod status a kubelet reports, derived from its runtime state: phase (upstream's
//! `getPhase`), conditions (`PodReadyToStartContainers`, `Initialized`, `Ready`,
//! `ContainersReady`, `PodScheduled` with upstream's reasons and messages), init and app
//! container statuses (with readiness from probes), IPs and QoS class, in the shape a v1.35
//! kubelet writes them.

use serde_json::{Map, Value, json};

use super::runtime::{ContainerRuntime, PodRuntime, Role, State};
use crate::api::meta;
use crate::time::Time;

pub fn pod_status(pod: &Value, node: &Value, runtime: &PodRuntime, now: Time) -> Value {
    let generation = pod
        .pointer("/metadata/generation")
        .cloned()
        .unwrap_or(json!(1));
    let sandbox_ready = now >= runtime.sandbox_ready;
    let deleting = meta::is_deleting(pod);
    let mounts = |list: &str, name: &str| {
        meta::array_at(pod, list)
            .iter()
            .find(|c| meta::str_at(c, "/name") == name)
            .and_then(|c| c.get("volumeMounts"))
            .and_then(Value::as_array)
            .map(|ms| {
                ms.iter()
                    .map(|m| {
                        let mut m = m.clone();
                        if m.get("readOnly") == Some(&json!(true)) {
                            m["recursiveReadOnly"] = json!("Disabled");
                        }
                        m
                    })
                    .collect::<Vec<_>>()
            })
    };
    let init_statuses: Vec<Value> = runtime
        .init
        .iter()
        .map(|c| container_status(c, mounts("/spec/initContainers", &c.name), deleting))
        .collect();
    let statuses: Vec<Value> = runtime
        .containers
        .iter()
        .map(|c| container_status(c, mounts("/spec/containers", &c.name), deleting))
        .collect();
    let restart_policy = match meta::str_at(pod, "/spec/restartPolicy") {
        "" => "Always",
        p => p,
    };
    let phase = phase(
        pod,
        restart_policy,
        &init_statuses,
        &statuses,
        runtime.init.is_empty(),
    );

    let previous = |type_: &str| {
        crate::controllers::condition(pod, type_).map(|c| {
            (
                meta::str_at(c, "/status").to_string(),
                meta::str_at(c, "/lastTransitionTime").to_string(),
            )
        })
    };
    let condition = |type_: &str, ok: bool, reason: Option<&str>, message: Option<String>| {
        let status = if ok { "True" } else { "False" };
        let transition = match previous(type_) {
            Some((s, t)) if s == status && !t.is_empty() => t,
            _ => now.rfc3339(),
        };
        let mut c = json!({
            "type": type_,
            "status": status,
            "lastProbeTime": null,
            "lastTransitionTime": transition,
            "observedGeneration": generation,
        });
        if let Some(r) = reason {
            c["reason"] = json!(r);
        }
        if let Some(m) = message {
            c["message"] = json!(m);
        }
        c
    };

    // Initialized: every regular init container exited 0 and every sidecar started (or an
    // app container already started once).
    let incomplete: Vec<&str> = runtime
        .init
        .iter()
        .filter(|c| match c.role {
            Role::Sidecar => !c.started(),
            _ => !matches!(&c.state, State::Terminated(t) if t.exit_code == 0),
        })
        .map(|c| c.name.as_str())
        .collect();
    let app_started = runtime
        .containers
        .iter()
        .any(|c| c.started() || c.restart_count > 0 || matches!(c.state, State::Terminated(_)));
    let initialized = match phase {
        "Succeeded" => condition("Initialized", true, Some("PodCompleted"), None),
        _ if incomplete.is_empty() || app_started => condition("Initialized", true, None, None),
        _ => condition(
            "Initialized",
            false,
            Some("ContainersNotInitialized"),
            Some(format!(
                "containers with incomplete status: [{}]",
                incomplete.join(" ")
            )),
        ),
    };

    // ContainersReady and Ready: sidecars and app containers, all ready.
    let unready: Vec<&str> = runtime
        .init
        .iter()
        .filter(|c| c.role == Role::Sidecar)
        .chain(runtime.containers.iter())
        .filter(|c| !c.ready() || deleting)
        .map(|c| c.name.as_str())
        .collect();
    let (ready_ok, ready_reason, ready_message) = match phase {
        "Succeeded" => (false, Some("PodCompleted"), None),
        "Failed" => (false, Some("PodFailed"), None),
        _ if unready.is_empty() && !runtime.containers.is_empty() => (true, None, None),
        _ => (
            false,
            Some("ContainersNotReady"),
            Some(format!(
                "containers with unready status: [{}]",
                unready.join(" ")
            )),
        ),
    };
    let mut conditions = vec![
        condition("PodReadyToStartContainers", sandbox_ready, None, None),
        initialized,
        condition("Ready", ready_ok, ready_reason, ready_message.clone()),
        condition("ContainersReady", ready_ok, ready_reason, ready_message),
    ];
    let scheduled = crate::controllers::condition(pod, "PodScheduled")
        .filter(|c| meta::str_at(c, "/status") == "True")
        .cloned()
        .unwrap_or_else(|| condition("PodScheduled", true, None, None));
    conditions.push(scheduled);
    // Conditions the kubelet does not own (DisruptionTarget, readiness gates) stay, ahead of its
    // own, as the status manager's merge keeps them.
    let foreign: Vec<Value> = pod
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|c| {
            !matches!(
                meta::str_at(c, "/type"),
                "PodReadyToStartContainers"
                    | "Initialized"
                    | "Ready"
                    | "ContainersReady"
                    | "PodScheduled"
            )
        })
        .cloned()
        .collect();
    conditions.splice(0..0, foreign);
    let node_ip = meta::array_at(node, "/status/addresses")
        .iter()
        .find(|a| meta::str_at(a, "/type") == "InternalIP")
        .map(|a| meta::str_at(a, "/address").to_string())
        .unwrap_or_default();
    let mut status = Map::new();
    status.insert("conditions".into(), json!(conditions));
    status.insert("containerStatuses".into(), json!(statuses));
    status.insert("hostIP".into(), json!(node_ip));
    status.insert("hostIPs".into(), json!([{"ip": node_ip}]));
    if !init_statuses.is_empty() {
        status.insert("initContainerStatuses".into(), json!(init_statuses));
    }
    status.insert("observedGeneration".into(), generation);
    status.insert("phase".into(), json!(phase));
    if sandbox_ready {
        status.insert("podIP".into(), json!(runtime.ip));
        status.insert("podIPs".into(), json!([{"ip": runtime.ip}]));
    }
    status.insert("qosClass".into(), json!(qos_class(pod)));
    status.insert("startTime".into(), json!(runtime.started.rfc3339()));
    Value::Object(status)
}

/// Upstream's `getPhase`, over the container statuses just built.
fn phase(
    pod: &Value,
    restart_policy: &str,
    init: &[Value],
    containers: &[Value],
    no_init: bool,
) -> &'static str {
    let state = |s: &Value, k: &str| meta::at(s, &format!("/state/{k}")).is_some();
    let last_terminated = |s: &Value| meta::at(s, "/lastState/terminated").is_some();
    let exit_code = |s: &Value, p: &str| meta::at(s, p).and_then(Value::as_i64).unwrap_or(0);
    let sidecar = |name: &str| {
        meta::array_at(pod, "/spec/initContainers").iter().any(|c| {
            meta::str_at(c, "/name") == name && meta::str_at(c, "/restartPolicy") == "Always"
        })
    };
    let mut pending_init = 0;
    let mut pending_sidecars = 0;
    let mut failed_init = 0;
    let (mut running, mut waiting, mut stopped, mut succeeded) = (0, 0, 0, 0);
    for s in init {
        let name = meta::str_at(s, "/name");
        if sidecar(name) {
            if state(s, "running") {
                if s.get("started") != Some(&json!(true)) {
                    pending_sidecars += 1;
                }
                running += 1;
            } else if state(s, "waiting") && !last_terminated(s) {
                pending_sidecars += 1;
                waiting += 1;
            }
            continue;
        }
        if state(s, "running") {
            pending_init += 1;
        } else if state(s, "terminated") {
            if exit_code(s, "/state/terminated/exitCode") != 0 {
                failed_init += 1;
            }
        } else if last_terminated(s) {
            if exit_code(s, "/lastState/terminated/exitCode") != 0 {
                failed_init += 1;
            }
        } else {
            pending_init += 1;
        }
    }
    let initialized_before = no_init
        || containers
            .iter()
            .any(|s| state(s, "running") || state(s, "terminated") || last_terminated(s));
    for s in containers {
        if state(s, "running") {
            running += 1;
        } else if state(s, "terminated") {
            stopped += 1;
            if exit_code(s, "/state/terminated/exitCode") == 0 {
                succeeded += 1;
            }
        } else if last_terminated(s) {
            stopped += 1;
        } else {
            waiting += 1;
        }
    }
    if failed_init > 0 && restart_policy == "Never" {
        return "Failed";
    }
    if pending_init > 0 || (pending_sidecars > 0 && !initialized_before) || waiting > 0 {
        return "Pending";
    }
    if running > 0 {
        return "Running";
    }
    if stopped > 0 {
        if restart_policy == "Always" {
            return "Running";
        }
        if stopped == succeeded {
            return "Succeeded";
        }
        if restart_policy == "Never" {
            return "Failed";
        }
        return "Running";
    }
    "Pending"
}

fn container_status(c: &ContainerRuntime, mounts: Option<Vec<Value>>, deleting: bool) -> Value {
    let digest = super::images::digest(&c.reference);
    let ran = !c.container_id.is_empty();
    let image_id = if ran && !matches!(c.state, State::Pulling { .. }) {
        let repo = c
            .reference
            .full
            .rsplit_once(':')
            .map_or(c.reference.full.as_str(), |(r, _)| r);
        format!("{repo}@{digest}")
    } else {
        String::new()
    };
    let state = match &c.state {
        State::Waiting {
            reason, message, ..
        } => {
            let mut w = json!({"reason": reason});
            if !message.is_empty() {
                w["message"] = json!(message);
            }
            json!({"waiting": w})
        }
        State::Pulling { .. } => json!({"waiting": {"reason": c.default_reason}}),
        State::Running { since } => json!({"running": {"startedAt": since.rfc3339()}}),
        State::Terminated(t) => json!({"terminated": terminated(t)}),
    };
    let ready = match c.role {
        Role::Init => matches!(&c.state, State::Terminated(t) if t.exit_code == 0),
        _ => c.ready() && !deleting,
    };
    let mut s = json!({
        "name": c.name,
        "image": if image_id.is_empty() { c.image.clone() } else { c.reference.full.clone() },
        "imageID": image_id,
        "lastState": c.last_terminated.as_ref().map_or(json!({}), |t| json!({"terminated": terminated(t)})),
        "ready": ready,
        "restartCount": c.restart_count,
        "started": c.started(),
        "state": state,
    });
    if ran && !matches!(c.state, State::Pulling { .. }) {
        s["containerID"] = json!(c.container_id);
    }
    if let Some(m) = mounts {
        s["volumeMounts"] = json!(m);
    }
    s
}

fn terminated(t: &super::runtime::Terminated) -> Value {
    let mut v = json!({
        "containerID": t.container_id,
        "exitCode": t.exit_code,
        "finishedAt": t.finished_at.rfc3339(),
        "reason": t.reason,
        "startedAt": t.started_at.rfc3339(),
    });
    if !t.message.is_empty() {
        v["message"] = json!(t.message);
    }
    if t.started_at == Time(0) {
        v["startedAt"] = json!("1970-01-01T00:00:00Z");
    }
    v
}

/// Guaranteed when every container has cpu and memory limits equal to requests; BestEffort
/// when none sets any; Burstable otherwise.
pub fn qos_class(pod: &Value) -> &'static str {
    let containers: Vec<&Value> = ["/spec/containers", "/spec/initContainers"]
        .iter()
        .filter_map(|p| meta::at(pod, p).and_then(Value::as_array))
        .flatten()
        .collect();
    let res =
        |c: &Value, kind: &str, r: &str| meta::at(c, &format!("/resources/{kind}/{r}")).cloned();
    let any_set = containers.iter().any(|c| {
        ["requests", "limits"]
            .iter()
            .any(|k| ["cpu", "memory"].iter().any(|r| res(c, k, r).is_some()))
    });
    if !any_set {
        return "BestEffort";
    }
    let guaranteed = containers.iter().all(|c| {
        ["cpu", "memory"].iter().all(|r| {
            let limit = res(c, "limits", r);
            limit.is_some() && res(c, "requests", r).is_none_or(|req| Some(req) == limit)
        })
    });
    if guaranteed {
        "Guaranteed"
    } else {
        "Burstable"
    }
}
