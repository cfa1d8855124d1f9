//! What each box shows: the store's objects turned into node, pod and object boxes (without
//! positions yet), each marked visible or not under the page's filters.
//!
//! Pod text comes from the `kubectl get pods` cell printer, node text from the `get nodes`
//! columns, so the picture never says anything the terminal would not.

use serde_json::Value;

use super::{
    BandKind, Health, KINDS, NodeBox, ObjectBox, ObjectRef, Options, PodBox, PodState, Rect,
    SYSTEM_NAMESPACES,
};
use crate::api::meta;
use crate::controllers::{condition_status, kind};
use crate::kubectl::printers::{batch, pod_status};
use crate::scheduler::explain::{self, NodeVerdict};
use crate::store::Store;
use crate::time::Time;

/// How many pending pods get the scheduler's per-node verdicts (a scheduling cycle each);
/// the rest show their `FailedScheduling` message.
const EXPLAINED_PENDING_PODS: usize = 8;

/// A box before layout, with what orders it among its neighbours the first time it is seen.
pub struct Item<T> {
    pub view: T,
    /// `creationTimestamp`, then name: the order of boxes seen for the first time together.
    pub created: (String, String),
    pub visible: bool,
}

pub struct Collected {
    pub nodes: Vec<Item<NodeBox>>,
    /// Each pod with the node it is on (empty: not scheduled).
    pub pods: Vec<(String, Item<PodBox>)>,
    pub objects: Vec<(BandKind, Item<ObjectBox>)>,
}

/// Reads every object the picture can show.
pub fn collect(store: &Store, options: &Options) -> Collected {
    let now = store.now();
    let shown = |kind_name: &str, obj: &Value| {
        let ns = meta::namespace(obj);
        let system = SYSTEM_NAMESPACES.contains(&ns)
            || (kind_name == "ConfigMap" && meta::name(obj) == "kube-root-ca.crt");
        !options.hidden_kinds.contains(kind_name)
            && (ns.is_empty() || options.namespace.as_deref().is_none_or(|want| want == ns))
            && (options.include_system || !system)
    };
    let created = |obj: &Value| {
        (
            meta::str_at(obj, "/metadata/creationTimestamp").to_string(),
            meta::name(obj).to_string(),
        )
    };

    let nodes = store
        .list(kind("", "Node"), None)
        .map(|n| Item {
            view: NodeBox {
                id: ObjectRef::new("Node", "", meta::name(n)).id(),
                name: meta::name(n).to_string(),
                status: node_status(n),
                roles: node_roles(n),
                rect: Rect::default(),
                pods: Vec::new(),
            },
            created: created(n),
            visible: true,
        })
        .collect();

    let mut explained = 0;
    let pods = store
        .list(kind("", "Pod"), None)
        .map(|pod| {
            let node = meta::str_at(pod, "/spec/nodeName").to_string();
            let visible = shown("Pod", pod);
            let mut view = pod_box(pod, now);
            if node.is_empty() && visible {
                view.reasons = if explained < EXPLAINED_PENDING_PODS {
                    explained += 1;
                    pending_reasons(store, pod)
                } else {
                    scheduled_condition_message(pod)
                };
            }
            let item = Item {
                view,
                created: created(pod),
                visible,
            };
            (node, item)
        })
        .collect();

    let mut objects = Vec::new();
    for &kind_name in KINDS {
        let Some(band) = BandKind::of_kind(kind_name) else {
            continue;
        };
        let Some(k) = store_kind(kind_name) else {
            continue;
        };
        for obj in store.list(k, None) {
            let (summary, health) = summary(kind_name, obj, now);
            objects.push((
                band,
                Item {
                    view: ObjectBox {
                        id: ObjectRef::new(kind_name, meta::namespace(obj), meta::name(obj)).id(),
                        kind: kind_name,
                        name: meta::name(obj).to_string(),
                        namespace: meta::namespace(obj).to_string(),
                        summary,
                        health,
                        rect: Rect::default(),
                    },
                    created: created(obj),
                    visible: shown(kind_name, obj),
                },
            ));
        }
    }
    Collected {
        nodes,
        pods,
        objects,
    }
}

/// The store's kind for a kind name of [`KINDS`].
pub fn store_kind(kind_name: &str) -> Option<&'static crate::api::Kind> {
    let group = match kind_name {
        "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet" => "apps",
        "Job" | "CronJob" => "batch",
        "Ingress" => "networking.k8s.io",
        "Pod"
        | "Service"
        | "PersistentVolumeClaim"
        | "PersistentVolume"
        | "ConfigMap"
        | "Secret"
        | "Node" => "",
        _ => return None,
    };
    crate::api::kinds::by_kind(group, kind_name)
}

fn pod_box(pod: &Value, now: Time) -> PodBox {
    let cells = pod_status::cells(pod, now);
    PodBox {
        id: ObjectRef::new("Pod", meta::namespace(pod), meta::name(pod)).id(),
        name: meta::name(pod).to_string(),
        namespace: meta::namespace(pod).to_string(),
        ready: cells.ready(),
        restarts: cells.restarts.clone(),
        state: pod_state(&cells),
        status: cells.status,
        reasons: Vec::new(),
        rect: Rect::default(),
    }
}

/// The colour of a STATUS cell.
fn pod_state(cells: &pod_status::PodCells) -> PodState {
    match cells.status.as_str() {
        "Terminating" => PodState::Terminating,
        "Running" if cells.ready_count == cells.total && cells.total > 0 => PodState::Running,
        "Running" | "NotReady" => PodState::NotReady,
        "Pending" | "SchedulingGated" => PodState::Pending,
        "ContainerCreating" | "PodInitializing" => PodState::Creating,
        s if s.starts_with("Init:") && !s.contains("Err") && !s.contains("BackOff") => {
            PodState::Creating
        }
        "Completed" => PodState::Succeeded,
        _ => PodState::Failed,
    }
}

/// The scheduler's verdict on each node for a pod no node has taken, one line per node.
fn pending_reasons(store: &Store, pod: &Value) -> Vec<String> {
    let Some(why) = explain::explain(store, meta::namespace(pod), meta::name(pod)) else {
        return Vec::new();
    };
    if let Some(pre) = why.pre_filter {
        return vec![pre];
    }
    why.nodes
        .iter()
        .map(|n| match &n.verdict {
            NodeVerdict::Rejected { reasons, .. } => format!("{}: {}", n.node, reasons.join(", ")),
            NodeVerdict::Feasible { .. } => format!("{}: fits", n.node),
        })
        .collect()
}

/// The `PodScheduled` condition's message (the scheduler's `FailedScheduling` text).
fn scheduled_condition_message(pod: &Value) -> Vec<String> {
    meta::array_at(pod, "/status/conditions")
        .iter()
        .find(|c| meta::str_at(c, "/type") == "PodScheduled")
        .map(|c| meta::str_at(c, "/message"))
        .filter(|m| !m.is_empty())
        .map(|m| vec![m.to_string()])
        .unwrap_or_default()
}

/// The one line a box shows, and its colour.
fn summary(kind_name: &str, obj: &Value, now: Time) -> (String, Health) {
    let int = |p: &str| obj.pointer(p).and_then(Value::as_i64).unwrap_or(0);
    let ratio = |ready: i64, want: i64| {
        let health = if ready >= want {
            Health::Ok
        } else {
            Health::Progressing
        };
        (format!("{ready}/{want}"), health)
    };
    match kind_name {
        "Deployment" | "StatefulSet" | "ReplicaSet" => {
            let want = obj
                .pointer("/spec/replicas")
                .and_then(Value::as_i64)
                .unwrap_or(1);
            ratio(int("/status/readyReplicas"), want)
        }
        "DaemonSet" => ratio(
            int("/status/numberReady"),
            int("/status/desiredNumberScheduled"),
        ),
        "Job" => {
            let status = batch::job_status(obj);
            let completions = batch::job_row(obj, now).swap_remove(2);
            let health = match status {
                "Complete" => Health::Ok,
                "Failed" | "FailureTarget" => Health::Bad,
                _ => Health::Progressing,
            };
            (format!("{status} {completions}"), health)
        }
        "CronJob" => {
            let suspended = obj.pointer("/spec/suspend") == Some(&Value::Bool(true));
            let schedule = meta::str_at(obj, "/spec/schedule").to_string();
            let health = if suspended {
                Health::Progressing
            } else {
                Health::Ok
            };
            (schedule, health)
        }
        "Service" => {
            let ty = meta::str_at(obj, "/spec/type");
            let ip = meta::str_at(obj, "/spec/clusterIP");
            let text = match ty {
                "ExternalName" => format!("{ty} {}", meta::str_at(obj, "/spec/externalName")),
                _ => format!("{ty} {ip}"),
            };
            (text, Health::Ok)
        }
        "Ingress" => {
            let hosts: Vec<&str> = meta::array_at(obj, "/spec/rules")
                .iter()
                .map(|r| meta::str_at(r, "/host"))
                .map(|h| if h.is_empty() { "*" } else { h })
                .collect();
            (hosts.join(","), Health::Ok)
        }
        "PersistentVolumeClaim" | "PersistentVolume" => {
            let phase = meta::str_at(obj, "/status/phase");
            let size = match kind_name {
                "PersistentVolume" => meta::str_at(obj, "/spec/capacity/storage"),
                _ => meta::str_at(obj, "/status/capacity/storage"),
            };
            let health = match phase {
                "Bound" | "Available" => Health::Ok,
                "Pending" | "" => Health::Progressing,
                _ => Health::Bad,
            };
            let text = if size.is_empty() {
                phase.to_string()
            } else {
                format!("{phase} {size}")
            };
            (text, health)
        }
        "ConfigMap" | "Secret" => {
            let count = |p: &str| {
                obj.pointer(p)
                    .and_then(Value::as_object)
                    .map_or(0, |m| m.len())
            };
            let n = count("/data") + count("/binaryData") + count("/stringData");
            let text = match kind_name {
                "Secret" => format!("{} · {n} data", meta::str_at(obj, "/type")),
                _ => format!("{n} data"),
            };
            (text, Health::Ok)
        }
        _ => (String::new(), Health::Ok),
    }
}

/// The STATUS column of `kubectl get nodes`.
pub fn node_status(node: &Value) -> String {
    let mut s = match condition_status(node, "Ready") {
        Some("True") => "Ready".to_string(),
        Some(_) => "NotReady".to_string(),
        None => "Unknown".to_string(),
    };
    if node.pointer("/spec/unschedulable") == Some(&Value::Bool(true)) {
        s.push_str(",SchedulingDisabled");
    }
    s
}

/// The ROLES column of `kubectl get nodes`.
pub fn node_roles(node: &Value) -> String {
    let mut roles: Vec<String> = meta::labels(node)
        .map(|labels| {
            labels
                .iter()
                .filter_map(|(k, v)| {
                    if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
                        (!role.is_empty()).then(|| role.to_string())
                    } else if k == "kubernetes.io/role" {
                        v.as_str().filter(|r| !r.is_empty()).map(str::to_string)
                    } else {
                        None
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    roles.sort();
    roles.dedup();
    if roles.is_empty() {
        "<none>".into()
    } else {
        roles.join(",")
    }
}
