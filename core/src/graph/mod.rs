//! The cluster as a picture, before any drawing: boxes, positions and edges that the page turns
//! into SVG. No SVG or browser code here — only the view model and its layout.
//!
//! [`build`] reads the store once: [`items`] turns objects into boxes (what each shows),
//! [`relations`] finds who points at whom (a petgraph graph: ownership, Service → endpoint
//! pods, Ingress → Service, PVC → PV, Pod → PVC/ConfigMap/Secret), and [`layout`] places the
//! boxes in bands above the cluster nodes, which hold their pods. Positions are stable: each box
//! keeps the place it was first given in its band or node ([`Memory`]), so nothing moves when
//! another object appears. [`timeline`] lists events for the page's timeline, and [`inspect`]
//! gathers what the page's inspector shows of one object.

pub mod inspect;
pub mod items;
pub mod layout;
pub mod refs;
pub mod relations;
pub mod timeline;

use std::collections::{BTreeMap, BTreeSet};

pub use items::{node_roles, node_status};

use crate::store::Store;

/// Namespaces of the cluster's own machinery, hidden unless asked for.
pub const SYSTEM_NAMESPACES: &[&str] = &[
    "kube-system",
    "kube-public",
    "kube-node-lease",
    "local-path-storage",
    "ingress-nginx",
];

/// The kinds the picture can show besides nodes, in legend order; each can be toggled off.
pub const KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "ReplicaSet",
    "StatefulSet",
    "DaemonSet",
    "Job",
    "CronJob",
    "Service",
    "Ingress",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "ConfigMap",
    "Secret",
];

/// What to draw.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Only this namespace's objects (nodes and cluster-scoped objects are always drawn).
    pub namespace: Option<String>,
    /// Also draw the system namespaces' objects (and each namespace's `kube-root-ca.crt`).
    pub include_system: bool,
    /// Kinds (names from [`KINDS`]) not to draw.
    pub hidden_kinds: BTreeSet<String>,
}

/// One object, as the page names it: `Kind/namespace/name` (namespace empty when
/// cluster-scoped).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectRef {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl ObjectRef {
    pub fn new(kind: &str, namespace: &str, name: &str) -> ObjectRef {
        ObjectRef {
            kind: kind.to_string(),
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    /// `Kind/namespace/name`, the id of the object's box.
    pub fn id(&self) -> String {
        format!("{}/{}/{}", self.kind, self.namespace, self.name)
    }

    /// The reverse of [`ObjectRef::id`].
    pub fn from_id(id: &str) -> Option<ObjectRef> {
        let mut parts = id.splitn(3, '/');
        let (kind, namespace, name) = (parts.next()?, parts.next()?, parts.next()?);
        (!kind.is_empty() && !name.is_empty()).then(|| ObjectRef::new(kind, namespace, name))
    }
}

/// The laid-out picture.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    pub width: f64,
    pub height: f64,
    /// The horizontal bands the non-pod objects sit in, top to bottom.
    pub bands: Vec<Band>,
    pub nodes: Vec<NodeBox>,
    /// Every box that is neither a node nor a pod.
    pub objects: Vec<ObjectBox>,
    pub edges: Vec<Edge>,
    /// Every namespace in the cluster, for the page's namespace filter.
    pub namespaces: Vec<String>,
}

impl Graph {
    /// Every pod box, node by node.
    pub fn pods(&self) -> impl Iterator<Item = &PodBox> {
        self.nodes.iter().flat_map(|n| &n.pods)
    }

    /// The rectangle of the box with this id, if drawn.
    pub fn rect_of(&self, id: &str) -> Option<Rect> {
        self.objects
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.rect)
            .or_else(|| self.pods().find(|p| p.id == id).map(|p| p.rect))
            .or_else(|| self.nodes.iter().find(|n| n.id == id).map(|n| n.rect))
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn center(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// Which band a kind sits in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum BandKind {
    /// Ingresses and Services: how traffic comes in.
    Network,
    /// Deployments, StatefulSets, DaemonSets, CronJobs: what users usually create.
    Workloads,
    /// ReplicaSets and Jobs: what the workloads' controllers create.
    Controllers,
    /// ConfigMaps, Secrets, PersistentVolumeClaims and PersistentVolumes: what pods use.
    ConfigStorage,
}

impl BandKind {
    pub const ALL: [BandKind; 4] = [
        BandKind::Network,
        BandKind::Workloads,
        BandKind::Controllers,
        BandKind::ConfigStorage,
    ];

    /// A stable name for styling and the page's text table.
    pub fn class(self) -> &'static str {
        match self {
            BandKind::Network => "network",
            BandKind::Workloads => "workloads",
            BandKind::Controllers => "controllers",
            BandKind::ConfigStorage => "config-storage",
        }
    }

    /// The kinds that sit in this band.
    pub fn kinds(self) -> &'static [&'static str] {
        match self {
            BandKind::Network => &["Ingress", "Service"],
            BandKind::Workloads => &["Deployment", "StatefulSet", "DaemonSet", "CronJob"],
            BandKind::Controllers => &["ReplicaSet", "Job"],
            BandKind::ConfigStorage => &[
                "ConfigMap",
                "Secret",
                "PersistentVolumeClaim",
                "PersistentVolume",
            ],
        }
    }

    pub fn of_kind(kind: &str) -> Option<BandKind> {
        BandKind::ALL
            .into_iter()
            .find(|b| b.kinds().contains(&kind))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Band {
    pub kind: BandKind,
    /// Where the band's title sits; its boxes are below it.
    pub rect: Rect,
}

/// A cluster node (or the "Pending" lane when `name` is empty) with its pods.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NodeBox {
    /// `Node//name`; the Pending lane's is `Node//`.
    pub id: String,
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

    pub const ALL: [PodState; 7] = [
        PodState::Pending,
        PodState::Creating,
        PodState::Running,
        PodState::NotReady,
        PodState::Succeeded,
        PodState::Failed,
        PodState::Terminating,
    ];
}

#[derive(Clone, Debug, PartialEq)]
pub struct PodBox {
    /// `Pod/namespace/name`, also the id edges refer to.
    pub id: String,
    pub name: String,
    pub namespace: String,
    /// The STATUS, READY and RESTARTS columns of `kubectl get pods`.
    pub status: String,
    pub ready: String,
    pub restarts: String,
    pub state: PodState,
    /// For a pod no node has taken: the scheduler's verdict per node (`node: reason`), or its
    /// `FailedScheduling` message when there are too many pending pods to explain each.
    pub reasons: Vec<String>,
    pub rect: Rect,
}

/// How a non-pod object is doing, for its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Health {
    /// Nothing to report (a Service, a ConfigMap) or all it wants is there.
    Ok,
    /// On its way: replicas not all ready, a claim not bound yet.
    Progressing,
    /// Failed, lost or released.
    Bad,
}

impl Health {
    pub fn class(self) -> &'static str {
        match self {
            Health::Ok => "ok",
            Health::Progressing => "progressing",
            Health::Bad => "bad",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ObjectBox {
    /// `Kind/namespace/name`.
    pub id: String,
    pub kind: &'static str,
    pub name: String,
    pub namespace: String,
    /// One short line: READY of a workload (`2/3`), a Service's type and IP, a claim's phase.
    pub summary: String,
    pub health: Health,
    pub rect: Rect,
}

/// Why one box points at another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Relation {
    /// The controller owner made it (Deployment → ReplicaSet → Pod, CronJob → Job ...).
    Owns,
    /// A Service sends traffic to this ready endpoint pod (from its EndpointSlices).
    Routes,
    /// An endpoint pod that is not ready: listed, but not sent traffic.
    RoutesNotReady,
    /// An Ingress rule sends `host/path` to this Service.
    Ingress,
    /// A claim bound to its volume.
    Binds,
    /// A pod mounts this claim.
    Mounts,
    /// A pod reads this ConfigMap or Secret (volume or environment).
    Uses,
}

impl Relation {
    pub fn class(self) -> &'static str {
        match self {
            Relation::Owns => "owns",
            Relation::Routes => "routes",
            Relation::RoutesNotReady => "routes-not-ready",
            Relation::Ingress => "ingress",
            Relation::Binds => "binds",
            Relation::Mounts => "mounts",
            Relation::Uses => "uses",
        }
    }

    pub const ALL: [Relation; 7] = [
        Relation::Owns,
        Relation::Routes,
        Relation::RoutesNotReady,
        Relation::Ingress,
        Relation::Binds,
        Relation::Mounts,
        Relation::Uses,
    ];
}

#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub relation: Relation,
    /// Ingress rules as `host/path` (`*` for any host); how a pod uses a ConfigMap (`env`,
    /// `volume`); otherwise empty.
    pub label: String,
    pub from_point: (f64, f64),
    pub to_point: (f64, f64),
    /// Both ends in one band: the line leaves and enters sideways instead of downwards.
    pub sideways: bool,
}

/// The places boxes were given, kept between builds so that boxes stay put: each box's
/// sequence number within its band or node, in the order boxes were first seen there.
#[derive(Clone, Debug, Default)]
pub struct Memory {
    seen: BTreeMap<(String, String), u64>,
    next: u64,
}

impl Memory {
    /// The sequence number of `id` in `place`, given now if it is new there.
    fn slot(&mut self, place: &str, id: &str) -> u64 {
        let key = (place.to_string(), id.to_string());
        if let Some(seq) = self.seen.get(&key) {
            return *seq;
        }
        self.next += 1;
        self.seen.insert(key, self.next);
        self.next
    }

    /// Forgets every place not in `used` (objects gone, pods that moved to a node).
    fn retain(&mut self, used: &BTreeSet<(String, String)>) {
        self.seen.retain(|k, _| used.contains(k));
    }
}

/// Builds the picture of the cluster as it is at the store's current time. `memory` carries
/// positions from the previous build (start with `Memory::default()`).
pub fn build(store: &Store, options: &Options, memory: &mut Memory) -> Graph {
    let collected = items::collect(store, options);
    let mut graph = layout::place(collected, options, memory);
    graph.edges = relations::edges(store, &graph);
    graph.namespaces = store
        .list(crate::controllers::kind("", "Namespace"), None)
        .map(|n| crate::api::meta::name(n).to_string())
        .collect();
    graph
}

#[cfg(test)]
mod tests;
