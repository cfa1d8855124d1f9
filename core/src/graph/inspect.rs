//! What the page's inspector shows of one object: its YAML and `describe` output, its events,
//! why it exists (its chain of controller owners, each with the component that made it), and
//! for a pod its containers (for logs) and the scheduler's reasoning.
//!
//! The texts come from running kubectl as a client would (`get -o yaml`, `describe`, `logs`)
//! with a shell of its own: nothing lands in the terminal's history, and nothing is written.

use serde_json::Value;

use super::items::store_kind;
use super::timeline::{self, EventRow};
use super::{ObjectRef, Options};
use crate::api::meta;
use crate::cluster::Output;
use crate::controllers::kind;
use crate::kubectl::shell::Shell;
use crate::sim::Sim;
use crate::store::Store;

/// The most events the inspector lists for one object.
const EVENTS_PER_OBJECT: usize = 50;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inspection {
    pub object: ObjectRef,
    /// `kubectl get KIND NAME -o yaml`.
    pub yaml: Output,
    /// `kubectl describe KIND NAME`.
    pub describe: Output,
    /// Events about the object, newest first.
    pub events: Vec<EventRow>,
    /// The object, then its controller owner, then that one's, up to something nobody owns.
    pub owners: Vec<OwnerLink>,
    /// A pod's containers, init containers first, for its logs.
    pub containers: Vec<String>,
    /// A pod's scheduling, as `kubeplay why pod` explains it.
    pub scheduling: Option<Output>,
}

/// One step of "why does this exist?".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerLink {
    pub object: ObjectRef,
    /// The component that created it (`replicaset-controller`, from the owner's creation
    /// event), or the field manager of its first write (`kubectl-create`), or empty.
    pub made_by: String,
}

/// Everything the inspector shows of `object`.
pub fn inspect(sim: &mut Sim, object: &ObjectRef) -> Inspection {
    let mut words = vec![resource(object), object.name.clone()];
    if !object.namespace.is_empty() {
        words.push("-n".into());
        words.push(object.namespace.clone());
    }
    let kubectl = |sim: &mut Sim, verb: &str, extra: &[&str]| {
        let mut line = vec![verb.to_string()];
        line.extend(words.iter().cloned());
        line.extend(extra.iter().map(|s| s.to_string()));
        crate::kubectl::run(&line, &mut Shell::default(), sim)
    };
    let yaml = kubectl(sim, "get", &["-o", "yaml"]);
    let describe = kubectl(sim, "describe", &[]);
    let store = &sim.store;
    let all = Options {
        include_system: true,
        ..Options::default()
    };
    let events = timeline::events(store, &all, usize::MAX)
        .into_iter()
        .filter(|e| e.object == *object)
        .take(EVENTS_PER_OBJECT)
        .collect();
    let owners = owner_chain(store, object);
    let pod = (object.kind == "Pod")
        .then(|| {
            store
                .get(kind("", "Pod"), &object.namespace, &object.name)
                .ok()
        })
        .flatten();
    let containers = pod
        .map(|p| {
            ["/spec/initContainers", "/spec/containers"]
                .iter()
                .flat_map(|list| meta::array_at(p, list))
                .map(|c| meta::str_at(c, "/name").to_string())
                .collect()
        })
        .unwrap_or_default();
    let scheduling = pod.is_some().then(|| {
        let words: Vec<String> = ["why", "pod", &object.name, "-n", &object.namespace]
            .iter()
            .map(|s| s.to_string())
            .collect();
        crate::sandbox::run(&words, sim, &object.namespace)
    });
    Inspection {
        object: object.clone(),
        yaml,
        describe,
        events,
        owners,
        containers,
        scheduling,
    }
}

/// `kubectl logs POD -c CONTAINER` for the inspector.
pub fn logs(sim: &mut Sim, pod: &ObjectRef, container: &str) -> Output {
    let words: Vec<String> = [
        "logs",
        pod.name.as_str(),
        "-n",
        pod.namespace.as_str(),
        "-c",
        container,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    crate::kubectl::run(&words, &mut Shell::default(), sim)
}

/// The resource name kubectl takes for a kind (`deployment.apps`), fully qualified so that a
/// custom resource of the same name cannot shadow it.
fn resource(object: &ObjectRef) -> String {
    match store_kind(&object.kind) {
        Some(k) if !k.group.is_empty() => format!("{}.{}", k.kind.to_lowercase(), k.group),
        _ => object.kind.to_lowercase(),
    }
}

/// The object and its controller owners, up to the first without one (at most 10 deep).
pub fn owner_chain(store: &Store, object: &ObjectRef) -> Vec<OwnerLink> {
    let mut chain = Vec::new();
    let mut current = find(store, object);
    let mut current_ref = object.clone();
    while let Some(obj) = current {
        if chain.len() >= 10 {
            break;
        }
        let owner = meta::controller_of(obj);
        let owner_ref = owner.map(|o| {
            ObjectRef::new(
                meta::str_at(o, "/kind"),
                if store_kind(meta::str_at(o, "/kind")).is_some_and(|k| !k.namespaced) {
                    ""
                } else {
                    meta::namespace(obj)
                },
                meta::str_at(o, "/name"),
            )
        });
        let made_by = owner
            .and_then(|o| creator_event(store, meta::str_at(o, "/uid"), meta::name(obj)))
            .unwrap_or_else(|| first_manager(obj));
        chain.push(OwnerLink {
            object: current_ref,
            made_by,
        });
        let Some(next) = owner_ref else {
            break;
        };
        current = find(store, &next);
        current_ref = next;
        if current.is_none() {
            // An owner that is gone (the garbage collector will follow): still named.
            chain.push(OwnerLink {
                object: current_ref,
                made_by: String::new(),
            });
            break;
        }
    }
    chain
}

fn find<'a>(store: &'a Store, object: &ObjectRef) -> Option<&'a Value> {
    let k = match object.kind.as_str() {
        "Node" => kind("", "Node"),
        other => store_kind(other)?,
    };
    store.get(k, &object.namespace, &object.name).ok()
}

/// The reporting component of the owner's event that names the child it created
/// (`SuccessfulCreate` "Created pod: web-1", `ScalingReplicaSet` "Scaled up replica set ...").
fn creator_event(store: &Store, owner_uid: &str, child: &str) -> Option<String> {
    store
        .list(kind("", "Event"), None)
        .filter(|e| meta::str_at(e, "/involvedObject/uid") == owner_uid)
        .find(|e| {
            let message = meta::str_at(e, "/message");
            message
                .split(|c: char| c.is_whitespace() || c == ',' || c == ':')
                .any(|w| w == child)
        })
        .map(|e| meta::str_at(e, "/source/component").to_string())
        .filter(|c| !c.is_empty())
}

/// The field manager of the object's first recorded write to the object itself (not to its
/// status or binding, which the scheduler and kubelet make later).
fn first_manager(obj: &Value) -> String {
    meta::array_at(obj, "/metadata/managedFields")
        .iter()
        .find(|m| meta::str_at(m, "/subresource").is_empty())
        .map(|m| meta::str_at(m, "/manager").to_string())
        .unwrap_or_default()
}
