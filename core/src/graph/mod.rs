//! The cluster as a picture, before any drawing: boxes, positions and edges that the page turns
//! into SVG. No SVG or browser code here — only the view model and its layout.
//!
//! Layout, top to bottom: Deployments, then ReplicaSets and DaemonSets, then the cluster nodes
//! as boxes holding their pods, with unscheduled pods in a "Pending" box at the end. Ownership
//! (`Deployment → ReplicaSet → Pod`, `DaemonSet → Pod`) is a petgraph graph whose edges become
//! lines. Everything is ordered by name or creation time, so boxes keep their places when others
//! appear.

use std::collections::BTreeMap;

use petgraph::graphmap::DiGraphMap;
use serde_json::Value;

use crate::api::meta;
use crate::controllers::kind;
use crate::kubectl::printers::pod_status;
use crate::store::Store;
use crate::time::Time;

/// Namespaces of the cluster's own machinery, hidden unless asked for.
pub const SYSTEM_NAMESPACES: &[&str] = &[
    "kube-system",
    "kube-public",
    "kube-node-lease",
    "local-path-storage",
];

/// What to draw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Only this namespace's objects (nodes are always drawn).
    pub namespace: Option<String>,
    /// Also draw the system namespaces' objects.
    pub include_system: bool,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<NodeBox>,
    pub workloads: Vec<WorkloadBox>,
    pub edges: Vec<Edge>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    fn bottom_center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h)
    }
    fn top_center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y)
    }
}

/// A cluster node (or the "Pending" lane when `name` is empty) with its pods.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeBox {
    pub name: String,
    /// As `kubectl get nodes` prints it: `Ready`, `NotReady`, `Ready,SchedulingDisabled`.
    pub status: String,
    pub roles: String,
    pub rect: Rect,
    pub pods: Vec<PodBox>,
}

/// How a pod is doing, for its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PodState {
    Pending,
    Creating,
    Running,
    NotReady,
    Succeeded,
    Failed,
    Terminating,
}

impl PodState {
    /// A stable name for styling (`pod-running`, ...).
    pub fn class(self) -> &'static str {
        match self {
            PodState::Pending => "pending",
            PodState::Creating => "creating",
            PodState::Running => "running",
            PodState::NotReady => "not-ready",
            PodState::Succeeded => "succeeded",
            PodState::Failed => "failed",
            PodState::Terminating => "terminating",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct PodBox {
    /// `namespace/name`, also the id edges refer to.
    pub id: String,
    pub name: String,
    pub namespace: String,
    /// The STATUS and READY columns of `kubectl get pods`.
    pub status: String,
    pub ready: String,
    pub state: PodState,
    pub rect: Rect,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WorkloadBox {
    /// `Kind/namespace/name`.
    pub id: String,
    pub kind: &'static str,
    pub name: String,
    pub namespace: String,
    /// `ready/desired`, as the READY column shows it.
    pub summary: String,
    pub rect: Rect,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub from_point: (f64, f64),
    pub to_point: (f64, f64),
}

const MARGIN: f64 = 20.0;
const POD_W: f64 = 190.0;
const POD_H: f64 = 40.0;
const GAP: f64 = 10.0;
const NODE_HEADER: f64 = 44.0;
const PODS_PER_ROW: usize = 2;
const WORKLOAD_W: f64 = 200.0;
const WORKLOAD_H: f64 = 44.0;
const ROW_GAP: f64 = 40.0;

/// Builds the picture of the cluster as it is at the store's current time.
pub fn build(store: &Store, options: &Options) -> Graph {
    let now = store.now();
    let shown = |obj: &Value| {
        let ns = meta::namespace(obj);
        options.namespace.as_deref().is_none_or(|want| want == ns)
            && (options.include_system || !SYSTEM_NAMESPACES.contains(&ns))
    };
    let mut graph = Graph::default();

    // Workload rows.
    let deployments: Vec<&Value> = store
        .list(kind("apps", "Deployment"), None)
        .filter(|o| shown(o))
        .collect();
    let mut second_row: Vec<&Value> = store
        .list(kind("apps", "ReplicaSet"), None)
        .filter(|o| shown(o))
        .collect();
    second_row.extend(
        store
            .list(kind("apps", "DaemonSet"), None)
            .filter(|o| shown(o)),
    );
    let mut y = MARGIN;
    for row in [&deployments, &second_row] {
        if row.is_empty() {
            continue;
        }
        for (i, obj) in row.iter().enumerate() {
            graph.workloads.push(workload_box(
                obj,
                Rect {
                    x: MARGIN + i as f64 * (WORKLOAD_W + GAP * 2.0),
                    y,
                    w: WORKLOAD_W,
                    h: WORKLOAD_H,
                },
            ));
        }
        y += WORKLOAD_H + ROW_GAP;
    }

    // Node boxes with their pods; unscheduled pods in a lane of their own.
    let mut by_node: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for pod in store.list(kind("", "Pod"), None).filter(|o| shown(o)) {
        by_node
            .entry(meta::str_at(pod, "/spec/nodeName").to_string())
            .or_default()
            .push(pod);
    }
    for pods in by_node.values_mut() {
        pods.sort_by_key(|p| {
            (
                meta::str_at(p, "/metadata/creationTimestamp").to_string(),
                meta::namespace(p).to_string(),
                meta::name(p).to_string(),
            )
        });
    }
    let mut x = MARGIN;
    let mut tallest: f64 = 0.0;
    let mut lanes: Vec<(String, String, String)> = store
        .list(kind("", "Node"), None)
        .map(|n| (meta::name(n).to_string(), node_status(n), node_roles(n)))
        .collect();
    if by_node.get("").is_some_and(|p| !p.is_empty()) {
        lanes.push((String::new(), "Pending".into(), String::new()));
    }
    for (name, status, roles) in lanes {
        let pods = by_node.get(&name).map(Vec::as_slice).unwrap_or_default();
        let rows = pods.len().div_ceil(PODS_PER_ROW).max(1);
        let rect = Rect {
            x,
            y,
            w: PODS_PER_ROW as f64 * (POD_W + GAP) + GAP,
            h: NODE_HEADER + rows as f64 * (POD_H + GAP) + GAP,
        };
        let pod_boxes = pods
            .iter()
            .enumerate()
            .map(|(i, pod)| {
                let (col, row) = (i % PODS_PER_ROW, i / PODS_PER_ROW);
                pod_box(
                    pod,
                    now,
                    Rect {
                        x: rect.x + GAP + col as f64 * (POD_W + GAP),
                        y: rect.y + NODE_HEADER + row as f64 * (POD_H + GAP),
                        w: POD_W,
                        h: POD_H,
                    },
                )
            })
            .collect();
        graph.nodes.push(NodeBox {
            name,
            status,
            roles,
            rect,
            pods: pod_boxes,
        });
        x += rect.w + GAP * 2.0;
        tallest = tallest.max(rect.h);
    }
    graph.width = x.max(
        graph
            .workloads
            .iter()
            .map(|w| w.rect.x + w.rect.w + MARGIN)
            .fold(0.0, f64::max),
    );
    graph.height = y + tallest + MARGIN;
    graph.edges = ownership_edges(store, &graph);
    graph
}

/// Owner → owned edges between the boxes drawn, found through a petgraph graph of uids.
fn ownership_edges(store: &Store, graph: &Graph) -> Vec<Edge> {
    let mut rects: BTreeMap<&str, (&str, Rect)> = BTreeMap::new();
    let mut uid_of: BTreeMap<String, String> = BTreeMap::new();
    for w in &graph.workloads {
        rects.insert(&w.id, (&w.id, w.rect));
    }
    for p in graph.nodes.iter().flat_map(|n| &n.pods) {
        rects.insert(&p.id, (&p.id, p.rect));
    }
    let mut ids: Vec<String> = Vec::new();
    let mut owners: Vec<(String, String)> = Vec::new();
    for (k, id_prefix) in [
        (kind("apps", "ReplicaSet"), "ReplicaSet"),
        (kind("apps", "DaemonSet"), "DaemonSet"),
        (kind("apps", "Deployment"), "Deployment"),
        (kind("", "Pod"), ""),
    ] {
        for obj in store.list(k, None) {
            let id = if id_prefix.is_empty() {
                format!("{}/{}", meta::namespace(obj), meta::name(obj))
            } else {
                format!("{id_prefix}/{}/{}", meta::namespace(obj), meta::name(obj))
            };
            if !rects.contains_key(id.as_str()) {
                continue;
            }
            uid_of.insert(meta::uid(obj).to_string(), id.clone());
            if let Some(owner) = meta::controller_of(obj)
                .and_then(|o| o.get("uid"))
                .and_then(Value::as_str)
            {
                owners.push((owner.to_string(), id.clone()));
            }
            ids.push(id);
        }
    }
    let index: BTreeMap<&str, usize> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i))
        .collect();
    let mut g: DiGraphMap<usize, ()> = DiGraphMap::new();
    for (owner_uid, child) in &owners {
        if let (Some(owner_id), Some(&c)) = (uid_of.get(owner_uid), index.get(child.as_str()))
            && let Some(&o) = index.get(owner_id.as_str())
        {
            g.add_edge(o, c, ());
        }
    }
    let mut edges: Vec<Edge> = g
        .all_edges()
        .filter_map(|(o, c, _)| {
            let (from, from_rect) = rects.get(ids.get(o)?.as_str())?;
            let (to, to_rect) = rects.get(ids.get(c)?.as_str())?;
            Some(Edge {
                from: from.to_string(),
                to: to.to_string(),
                from_point: from_rect.bottom_center(),
                to_point: to_rect.top_center(),
            })
        })
        .collect();
    edges.sort_by(|a, b| (&a.from, &a.to).cmp(&(&b.from, &b.to)));
    edges
}

fn workload_box(obj: &Value, rect: Rect) -> WorkloadBox {
    let kind_name = match meta::str_at(obj, "/kind") {
        "Deployment" => "Deployment",
        "DaemonSet" => "DaemonSet",
        _ => "ReplicaSet",
    };
    let int = |p: &str| obj.pointer(p).and_then(Value::as_i64).unwrap_or(0);
    let summary = match kind_name {
        "DaemonSet" => format!(
            "{}/{}",
            int("/status/numberReady"),
            int("/status/desiredNumberScheduled")
        ),
        _ => format!("{}/{}", int("/status/readyReplicas"), int("/spec/replicas")),
    };
    WorkloadBox {
        id: format!("{kind_name}/{}/{}", meta::namespace(obj), meta::name(obj)),
        kind: kind_name,
        name: meta::name(obj).to_string(),
        namespace: meta::namespace(obj).to_string(),
        summary,
        rect,
    }
}

fn pod_box(pod: &Value, now: Time, rect: Rect) -> PodBox {
    let cells = pod_status::cells(pod, now);
    let state = match cells.status.as_str() {
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
    };
    PodBox {
        id: format!("{}/{}", meta::namespace(pod), meta::name(pod)),
        name: meta::name(pod).to_string(),
        namespace: meta::namespace(pod).to_string(),
        ready: format!("{}/{}", cells.ready_count, cells.total),
        status: cells.status,
        state,
        rect,
    }
}

/// The STATUS column of `kubectl get nodes`.
pub fn node_status(node: &Value) -> String {
    let ready = crate::controllers::condition_status(node, "Ready");
    let mut s = match ready {
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
