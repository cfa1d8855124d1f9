//! The kubelet's volume manager, as far as claims go: a pod's containers start only once every
//! PersistentVolumeClaim it uses is bound to a volume that exists. Until then the pod stays in
//! ContainerCreating, with no sandbox and no IP, and is looked at again when a claim changes.

use serde_json::Value;

use super::runtime::PodRuntime;
use super::status;
use crate::api::meta;
use crate::controllers::persistentvolume::volumes;
use crate::controllers::{Ctx, ObjectKey, Op, Outcome, kind};
use crate::store::{DeleteOptions, Store};
use crate::time::Time;

/// Whether every claim the pod uses is bound to an existing volume.
pub fn ready(pod: &Value, store: &Store) -> bool {
    volumes::pod_claims(pod).iter().all(|name| {
        store
            .get(
                kind("", "PersistentVolumeClaim"),
                meta::namespace(pod),
                name,
            )
            .ok()
            .map(|c| meta::str_at(c, "/spec/volumeName"))
            .filter(|v| !v.is_empty())
            .is_some_and(|v| store.get(kind("", "PersistentVolume"), "", v).is_ok())
    })
}

/// The pods on nodes that use a claim (to look at them again when it changes).
pub fn users_of(claim: &Value, store: &Store, out: &mut Vec<ObjectKey>) {
    for pod in store.list(kind("", "Pod"), Some(meta::namespace(claim))) {
        if !meta::str_at(pod, "/spec/nodeName").is_empty()
            && volumes::pod_claims(pod).contains(&meta::name(claim))
        {
            out.push(ObjectKey::of(pod));
        }
    }
}

/// For a pod the kubelet has not started: `None` when its volumes are ready, or what to do
/// while they are not — report it as ContainerCreating, or let it go at once if deleted.
pub fn wait(pod: &Value, node: &Value, key: &ObjectKey, ctx: &Ctx<'_>) -> Option<Outcome> {
    if ready(pod, ctx.store) {
        return None;
    }
    if meta::is_deleting(pod) {
        return Some(Outcome::ops(vec![Op::Delete {
            kind: kind("", "Pod"),
            key: key.clone(),
            options: DeleteOptions {
                propagation: None,
                grace_period_seconds: Some(0),
            },
            event: None,
        }]));
    }
    let mut waiting = PodRuntime::new(pod, node, String::new(), ctx.now);
    if let Some(started) = meta::at(pod, "/status/startTime")
        .and_then(Value::as_str)
        .and_then(Time::parse_rfc3339)
    {
        waiting.started = started;
    }
    let status = status::pod_status(pod, node, &waiting, ctx.now);
    let mut ops = Vec::new();
    if pod.get("status") != Some(&status) {
        let mut updated = pod.clone();
        updated["status"] = status;
        ops.push(Op::UpdateStatus(kind("", "Pod"), updated));
    }
    Some(Outcome::ops(ops))
}
