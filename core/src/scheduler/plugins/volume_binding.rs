//! VolumeBinding: a pod's PersistentVolumeClaims decide where it may run, and sometimes when.
//!
//! PreFilter: every claim must exist and not be being deleted, and claims whose class binds
//! immediately must already be bound — otherwise the pod is unschedulable everywhere, with one
//! message. Filter: a bound claim's volume must admit the node (its node affinity); a claim
//! waiting for its first consumer needs, on that node, an Available volume that fits or a
//! provisioner that can make one. Once a node is chosen, the scheduler binds those claims
//! itself (a volume's `claimRef`) or asks for provisioning (the claim's
//! `volume.kubernetes.io/selected-node`), and binds the pod only when all its claims are bound
//! (PreBind).

use serde_json::{Value, json};

use super::NodeInfo;
use crate::api::meta;
use crate::controllers::persistentvolume::volumes::{
    self, ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_SELECTED_NODE, annotation,
};
use crate::controllers::{Op, kind};
use crate::scheduler::{Code, Rejection};
use crate::store::Store;

pub const NAME: &str = "VolumeBinding";
pub const UNBOUND_IMMEDIATE: &str = "pod has unbound immediate PersistentVolumeClaims";
pub const NODE_CONFLICT: &str = "node(s) didn't match PersistentVolume's node affinity";
pub const BIND_CONFLICT: &str = "node(s) didn't find available persistent volumes to bind";
pub const PV_NOT_EXIST: &str =
    "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)";
/// The provisioner name of classes that cannot provision (local volumes made by hand).
const NO_PROVISIONER: &str = "kubernetes.io/no-provisioner";

/// A pod's claims as PreFilter sorts them.
#[derive(Clone, Default)]
pub struct PodVolumes<'a> {
    /// Fully bound claims and their volumes (`None`: the volume is gone).
    pub bound: Vec<(&'a Value, Option<&'a Value>)>,
    /// Unbound claims whose class waits for the first consumer.
    pub delayed: Vec<&'a Value>,
}

/// `isPVCFullyBound`: a volume name and the controller's bind-completed annotation.
pub fn is_fully_bound(claim: &Value) -> bool {
    !meta::str_at(claim, "/spec/volumeName").is_empty()
        && annotation(claim, ANN_BIND_COMPLETED).is_some()
}

/// PreFilter: `Ok(None)` for a pod without claims (the plugin skips it), the claims sorted,
/// or the message that makes the pod unschedulable on every node.
pub fn pre_filter<'a>(pod: &Value, store: &'a Store) -> Result<Option<PodVolumes<'a>>, String> {
    let names = volumes::pod_claims(pod);
    if names.is_empty() {
        return Ok(None);
    }
    let mut sorted = PodVolumes::default();
    let mut unbound_immediate = false;
    for name in names {
        let claim = store
            .get(
                kind("", "PersistentVolumeClaim"),
                meta::namespace(pod),
                name,
            )
            .map_err(|_| format!("persistentvolumeclaim {name:?} not found"))?;
        if meta::is_deleting(claim) {
            return Err(format!("persistentvolumeclaim {name:?} is being deleted"));
        }
        if meta::str_at(claim, "/status/phase") == "Lost" {
            return Err(format!(
                "persistentvolumeclaim {name:?} bound to non-existent persistentvolume {:?}",
                meta::str_at(claim, "/spec/volumeName")
            ));
        }
        if is_fully_bound(claim) {
            let volume = store
                .get(
                    kind("", "PersistentVolume"),
                    "",
                    meta::str_at(claim, "/spec/volumeName"),
                )
                .ok();
            sorted.bound.push((claim, volume));
        } else if volumes::is_delay_binding(store, claim)
            && meta::str_at(claim, "/spec/volumeName").is_empty()
        {
            sorted.delayed.push(claim);
        } else {
            unbound_immediate = true;
        }
    }
    if unbound_immediate {
        return Err(UNBOUND_IMMEDIATE.into());
    }
    Ok(Some(sorted))
}

/// How a claim waiting for its first consumer would be satisfied on a node.
enum Plan<'a> {
    Bind(&'a Value),
    Provision,
}

fn plan<'a>(store: &'a Store, claim: &Value, node: &Value) -> Option<Plan<'a>> {
    if let Some(volume) = volumes::best_match(store, claim, true, Some(node)) {
        return Some(Plan::Bind(volume));
    }
    let provisioner = volumes::class(store, volumes::claim_class(claim))
        .map(|c| meta::str_at(c, "/provisioner"))
        .unwrap_or(NO_PROVISIONER);
    let selected = annotation(claim, ANN_SELECTED_NODE);
    (provisioner != NO_PROVISIONER && selected.is_none_or(|n| n == meta::name(node)))
        .then_some(Plan::Provision)
}

/// Filter: the reasons this node cannot serve the pod's volumes.
pub fn filter(
    info: &NodeInfo<'_>,
    pod_volumes: &PodVolumes<'_>,
    store: &Store,
) -> Option<Rejection> {
    let node = info.node;
    let mut reasons = Vec::new();
    for (_, volume) in &pod_volumes.bound {
        match volume {
            None => reasons.push(PV_NOT_EXIST),
            Some(v) if !volumes::node_affinity_allows(v, node) => reasons.push(NODE_CONFLICT),
            Some(_) => {}
        }
    }
    if pod_volumes
        .delayed
        .iter()
        .any(|claim| plan(store, claim, node).is_none())
    {
        reasons.push(BIND_CONFLICT);
    }
    reasons.dedup();
    (!reasons.is_empty()).then(|| Rejection {
        plugin: NAME,
        code: Code::UnschedulableAndUnresolvable,
        reasons: reasons.into_iter().map(str::to_string).collect(),
    })
}

/// PreBind's requests once `node` is chosen: volumes bound to the waiting claims, or the
/// claims marked for provisioning on the node.
pub fn bind_requests(pod_volumes: &PodVolumes<'_>, store: &Store, node: &Value) -> Vec<Op> {
    let mut ops = Vec::new();
    for claim in &pod_volumes.delayed {
        match plan(store, claim, node) {
            Some(Plan::Bind(volume)) => {
                let mut bound = volume.clone();
                meta::metadata_mut(&mut bound).remove("resourceVersion");
                meta::ensure_object(&mut bound, "spec").insert(
                    "claimRef".into(),
                    json!({
                        "apiVersion": "v1",
                        "kind": "PersistentVolumeClaim",
                        "name": meta::name(claim),
                        "namespace": meta::namespace(claim),
                        "resourceVersion": meta::str_at(claim, "/metadata/resourceVersion"),
                        "uid": meta::uid(claim),
                    }),
                );
                meta::as_object_mut(
                    meta::metadata_mut(&mut bound)
                        .entry("annotations")
                        .or_insert(json!({})),
                )
                .insert(ANN_BOUND_BY_CONTROLLER.into(), json!("yes"));
                ops.push(Op::Update(kind("", "PersistentVolume"), bound));
            }
            Some(Plan::Provision) if annotation(claim, ANN_SELECTED_NODE).is_none() => {
                let mut marked = (*claim).clone();
                meta::metadata_mut(&mut marked).remove("resourceVersion");
                meta::as_object_mut(
                    meta::metadata_mut(&mut marked)
                        .entry("annotations")
                        .or_insert(json!({})),
                )
                .insert(ANN_SELECTED_NODE.into(), json!(meta::name(node)));
                ops.push(Op::Update(kind("", "PersistentVolumeClaim"), marked));
            }
            _ => {}
        }
    }
    ops
}

/// Whether every claim of the pod is bound, so that the pod itself can be.
pub fn all_bound(pod: &Value, store: &Store) -> bool {
    volumes::pod_claims(pod).iter().all(|name| {
        store
            .get(
                kind("", "PersistentVolumeClaim"),
                meta::namespace(pod),
                name,
            )
            .is_ok_and(is_fully_bound)
    })
}
