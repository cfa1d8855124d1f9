//! The pod status a kubelet reports, derived from its runtime state: phase, conditions,
//! container statuses, IPs and QoS class, in the shape and order a v1.35 kubelet writes them.

use serde_json::{Map, Value, json};

use super::runtime::{ContainerRuntime, PodRuntime, State};
use crate::api::meta;
use crate::time::Time;

pub fn pod_status(pod: &Value, node: &Value, runtime: &PodRuntime, now: Time) -> Value {
    let generation = pod
        .pointer("/metadata/generation")
        .cloned()
        .unwrap_or(json!(1));
    let sandbox_ready = now >= runtime.sandbox_ready;
    let deleting = meta::is_deleting(pod);
    let is_ready = |c: &&ContainerRuntime| matches!(c.state, State::Running { .. }) && !deleting;
    let all_ready =
        !runtime.containers.is_empty() && runtime.containers.iter().all(|c| is_ready(&c));
    let unready: Vec<&str> = runtime
        .containers
        .iter()
        .filter(|c| !is_ready(c))
        .map(|c| c.name.as_str())
        .collect();
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
    let not_ready_message = format!("containers with unready status: [{}]", unready.join(" "));
    let (ready_reason, ready_message) = if all_ready {
        (None, None)
    } else {
        (Some("ContainersNotReady"), Some(not_ready_message))
    };
    let mut conditions = vec![
        condition("PodReadyToStartContainers", sandbox_ready, None, None),
        condition("Initialized", true, None, None),
        condition("Ready", all_ready, ready_reason, ready_message.clone()),
        condition("ContainersReady", all_ready, ready_reason, ready_message),
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
    let node_ip = node
        .pointer("/status/addresses")
        .and_then(Value::as_array)
        .and_then(|a| a.iter().find(|a| meta::str_at(a, "/type") == "InternalIP"))
        .map(|a| meta::str_at(a, "/address").to_string())
        .unwrap_or_default();
    let mounts = |name: &str| {
        pod.pointer("/spec/containers")
            .and_then(Value::as_array)
            .and_then(|cs| cs.iter().find(|c| meta::str_at(c, "/name") == name))
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
    let container_statuses: Vec<Value> = runtime
        .containers
        .iter()
        .map(|c| container_status(c, mounts(&c.name), meta::is_deleting(pod)))
        .collect();
    let mut status = Map::new();
    status.insert("conditions".into(), json!(conditions));
    status.insert("containerStatuses".into(), json!(container_statuses));
    status.insert("hostIP".into(), json!(node_ip));
    status.insert("hostIPs".into(), json!([{"ip": node_ip}]));
    status.insert("observedGeneration".into(), generation);
    status.insert(
        "phase".into(),
        json!(phase(runtime, &runtime_restart_policy(pod))),
    );
    if sandbox_ready {
        status.insert("podIP".into(), json!(runtime.ip));
        status.insert("podIPs".into(), json!([{"ip": runtime.ip}]));
    }
    status.insert("qosClass".into(), json!(qos_class(pod)));
    status.insert("startTime".into(), json!(runtime.started.rfc3339()));
    Value::Object(status)
}

fn runtime_restart_policy(pod: &Value) -> String {
    match meta::str_at(pod, "/spec/restartPolicy") {
        "" => "Always".into(),
        p => p.into(),
    }
}

/// Running while some container runs or will restart; Succeeded/Failed once every container
/// has exited for good; Pending before anything started.
fn phase(runtime: &PodRuntime, restart_policy: &str) -> &'static str {
    let all_terminated = runtime
        .containers
        .iter()
        .all(|c| matches!(c.state, State::Terminated(_)));
    if all_terminated && !runtime.containers.is_empty() {
        let failed = runtime
            .containers
            .iter()
            .any(|c| matches!(&c.state, State::Terminated(t) if t.exit_code != 0));
        return if failed { "Failed" } else { "Succeeded" };
    }
    let ever_started = runtime.containers.iter().any(|c| {
        matches!(c.state, State::Running { .. } | State::Terminated(_)) || c.restart_count > 0
    });
    if ever_started && restart_policy != "Never"
        || runtime
            .containers
            .iter()
            .any(|c| matches!(c.state, State::Running { .. }))
    {
        "Running"
    } else {
        "Pending"
    }
}

fn container_status(c: &ContainerRuntime, mounts: Option<Vec<Value>>, deleting: bool) -> Value {
    let digest = super::images::digest(&c.reference);
    let image_id = match &c.state {
        State::Running { .. } | State::Terminated(_) => {
            let repo = c
                .reference
                .full
                .rsplit_once(':')
                .map_or(c.reference.full.as_str(), |(r, _)| r);
            format!("{repo}@{digest}")
        }
        _ => String::new(),
    };
    let running = matches!(c.state, State::Running { .. });
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
        State::Pulling { .. } => json!({"waiting": {"reason": "ContainerCreating"}}),
        State::Running { since, .. } => json!({"running": {"startedAt": since.rfc3339()}}),
        State::Terminated(t) => json!({"terminated": terminated(t)}),
    };
    let mut s = json!({
        "name": c.name,
        "image": if image_id.is_empty() { c.image.clone() } else { c.reference.full.clone() },
        "imageID": image_id,
        "lastState": c.last_terminated.as_ref().map_or(json!({}), |t| json!({"terminated": terminated(t)})),
        "ready": running && !deleting,
        "restartCount": c.restart_count,
        "started": running,
        "state": state,
    });
    if !c.container_id.is_empty()
        && !matches!(
            c.state,
            State::Waiting {
                reason: "ContainerCreating",
                ..
            } | State::Pulling { .. }
        )
    {
        s["containerID"] = json!(c.container_id);
    }
    if let Some(m) = mounts {
        s["volumeMounts"] = json!(m);
    }
    s
}

fn terminated(t: &super::runtime::Terminated) -> Value {
    json!({
        "containerID": t.container_id,
        "exitCode": t.exit_code,
        "finishedAt": t.finished_at.rfc3339(),
        "reason": t.reason,
        "startedAt": t.started_at.rfc3339(),
    })
}

/// Guaranteed when every container has cpu and memory limits equal to requests; BestEffort
/// when none sets any; Burstable otherwise.
pub fn qos_class(pod: &Value) -> &'static str {
    let containers: Vec<&Value> = ["/spec/containers", "/spec/initContainers"]
        .iter()
        .filter_map(|p| pod.pointer(p).and_then(Value::as_array))
        .flatten()
        .collect();
    let res =
        |c: &Value, kind: &str, r: &str| c.pointer(&format!("/resources/{kind}/{r}")).cloned();
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
