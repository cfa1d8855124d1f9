//! Controllers: level-triggered reconcilers, one module per controller.
//!
//! A controller never writes the store. The event loop ([`crate::sim`]) tells it which of its
//! keys to look at ([`Controller::keys_for`]); [`Controller::reconcile`] reads the current state
//! and returns [`Op`]s, which the loop sends through the API server like any client's requests.
//! A controller does not learn *why* it runs, only *what* to look at, so running it twice is
//! harmless.
//!
//! The scheduler and the kubelet take part in the loop through the same trait.

pub mod apiservice;
pub mod clusterrole_aggregation;
pub mod crd;
pub mod cronjob;
pub mod daemonset;
pub mod deployment;
pub mod disruption;
pub mod endpoints;
pub mod endpointslice;
pub mod garbage_collector;
pub mod history;
pub mod ingress_nginx;
pub mod job;
pub mod local_path;
pub mod namespace;
pub mod node_lifecycle;
pub mod persistentvolume;
pub mod pod_gc;
pub mod podautoscaler;
pub mod replicaset;
pub mod replication_controller;
pub mod resourcequota;
pub mod service_lb;
pub mod serviceaccount;
pub mod statefulset;
pub mod taint_eviction;
pub mod ttl_after_finished;

use serde_json::Value;

use crate::api::{Kind, kinds, meta};
use crate::store::{Change, DeleteOptions, Store};
use crate::time::Time;

/// Which object a reconcile is about (its kind is implied by the controller).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectKey {
    pub namespace: String,
    pub name: String,
}

impl ObjectKey {
    pub fn of(obj: &Value) -> ObjectKey {
        ObjectKey {
            namespace: meta::namespace(obj).to_string(),
            name: meta::name(obj).to_string(),
        }
    }
}

/// An Event to record about an object, as `record.EventRecorder.Event` takes it.
#[derive(Clone, Debug)]
pub struct EventNote {
    /// The object the event is about (`involvedObject` is built from it).
    pub about: Value,
    pub warning: bool,
    pub reason: &'static str,
    /// The message; in [`Op::Create`], `{name}` stands for the created object's name.
    pub message: String,
    /// Who reports it: `deployment-controller`, `kubelet`, `default-scheduler`...
    pub source: &'static str,
    /// The node, for kubelet events.
    pub host: String,
}

/// A request a controller wants made, sent through the API server as its own.
#[derive(Clone, Debug)]
pub enum Op {
    Create {
        kind: &'static Kind,
        object: Value,
        /// Recorded once the create succeeds (with `{name}` filled in).
        event: Option<EventNote>,
    },
    Update(&'static Kind, Value),
    UpdateStatus(&'static Kind, Value),
    /// An update through the `scale` subresource (only `spec.replicas` changes).
    UpdateScale(&'static Kind, Value),
    Delete {
        kind: &'static Kind,
        key: ObjectKey,
        options: DeleteOptions,
        event: Option<EventNote>,
    },
    /// The `pods/binding` subresource: assigns a pod to a node.
    Bind {
        key: ObjectKey,
        node: String,
    },
    FinalizeNamespace(String),
    Event(EventNote),
}

impl Op {
    /// An Event about `about` from a control-plane component (no host).
    pub fn event(
        about: &Value,
        warning: bool,
        reason: &'static str,
        message: String,
        source: &'static str,
    ) -> Op {
        Op::Event(EventNote {
            about: about.clone(),
            warning,
            reason,
            message,
            source,
            host: String::new(),
        })
    }
}

/// What a reconcile returns: requests to make, and whether to look again later.
#[derive(Debug, Default)]
pub struct Outcome {
    pub ops: Vec<Op>,
    /// Look at this key again after this many milliseconds of virtual time.
    pub requeue_after: Option<i64>,
}

impl Outcome {
    pub fn ops(ops: Vec<Op>) -> Outcome {
        Outcome {
            ops,
            requeue_after: None,
        }
    }
}

/// Read-only view of the cluster during a reconcile.
pub struct Ctx<'a> {
    pub store: &'a Store,
    pub now: Time,
    /// The kubelets' resource usage, which the metrics API (`metrics.k8s.io`, served by
    /// metrics-server when it is installed) answers from; read only by the HPA controller,
    /// through [`crate::kubelet::metrics`]. `None` for the kubelet's own reconciles.
    pub metrics: Option<&'a crate::kubelet::Kubelet>,
}

pub trait Controller {
    /// The controller's name, as it appears in event sources and traces.
    fn name(&self) -> &'static str;

    /// Adds to `out` the keys this change concerns.
    fn keys_for(&self, change: &Change, store: &Store, out: &mut Vec<ObjectKey>);

    /// Brings the world one step closer to what `key` asks for.
    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome;

    /// The sandbox stopped or started the kubelet on `node` (what `systemctl stop kubelet`
    /// does on a real machine). Only the parts that run on nodes care; they return the keys to
    /// look at again. Nothing in the API records this: the cluster learns it as a real one does,
    /// from heartbeats that stop coming.
    fn set_kubelet_running(
        &mut self,
        _node: &str,
        _running: bool,
        _store: &Store,
    ) -> Vec<ObjectKey> {
        Vec::new()
    }

    /// A pod this component asked to create was refused (quota, admission): what its sync
    /// would have returned as an error. Only the ReplicaSet controller keeps it, for its
    /// `ReplicaFailure` condition.
    fn create_failed(&mut self, _key: &ObjectKey, _error: &crate::api::Status) {}

    /// The kubelet, which the API server reaches for `pods/log` and `pods/exec`; `None` for
    /// every other component.
    fn as_kubelet(&mut self) -> Option<&mut crate::kubelet::Kubelet> {
        None
    }

    /// The kubelet, read-only, as the source of resource metrics; `None` for every other
    /// component.
    fn metrics_source(&self) -> Option<&crate::kubelet::Kubelet> {
        None
    }
}

/// The registry entry for a built-in kind. Every kind used here is in `KINDS`; the fallback
/// only keeps this free of panics.
pub fn kind(group: &str, name: &str) -> &'static Kind {
    kinds::by_kind(group, name).unwrap_or(&kinds::KINDS[0])
}

/// The key of an object's controller owner of kind `owner_kind`, if it has one.
pub fn owner_key(obj: &Value, owner_kind: &str) -> Option<ObjectKey> {
    let owner = meta::controller_of(obj)?;
    (owner.get("kind").and_then(Value::as_str) == Some(owner_kind)).then(|| ObjectKey {
        namespace: meta::namespace(obj).to_string(),
        name: owner
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
    })
}

/// Whether `obj` is controlled by the object with `uid`.
pub fn is_controlled_by(obj: &Value, uid: &str) -> bool {
    meta::controller_of(obj).is_some_and(|r| r.get("uid").and_then(Value::as_str) == Some(uid))
}

/// Pods that count towards a workload's replicas: not finished and not being deleted.
pub fn is_pod_active(pod: &Value) -> bool {
    !matches!(meta::str_at(pod, "/status/phase"), "Succeeded" | "Failed") && !meta::is_deleting(pod)
}

/// Whether a pod's `Ready` condition is True.
pub fn is_pod_ready(pod: &Value) -> bool {
    condition_status(pod, "Ready") == Some("True")
}

/// A pod is available once it has been Ready for `min_ready_seconds`.
pub fn is_pod_available(pod: &Value, min_ready_seconds: i64, now: Time) -> bool {
    if !is_pod_ready(pod) {
        return false;
    }
    if min_ready_seconds <= 0 {
        return true;
    }
    condition(pod, "Ready")
        .and_then(|c| c.get("lastTransitionTime"))
        .and_then(Value::as_str)
        .and_then(Time::parse_rfc3339)
        .is_some_and(|t| now.since(t) >= min_ready_seconds * crate::time::SECOND)
}

/// The condition of `type_` in `obj.status.conditions`.
pub fn condition<'a>(obj: &'a Value, type_: &str) -> Option<&'a Value> {
    obj.get("status")?
        .get("conditions")?
        .as_array()?
        .iter()
        .find(|c| c.get("type").and_then(Value::as_str) == Some(type_))
}

pub fn condition_status<'a>(obj: &'a Value, type_: &str) -> Option<&'a str> {
    condition(obj, type_)?.get("status")?.as_str()
}

/// An integer field, 0 when absent.
pub fn int_at(obj: &Value, pointer: &str) -> i64 {
    meta::at(obj, pointer).and_then(Value::as_i64).unwrap_or(0)
}
