//! The local-path provisioner (rancher's `local-path-provisioner`, as kind ships it): makes a
//! hostPath volume on the node the scheduler picked for each claim of a class whose provisioner
//! is `rancher.io/local-path`, and deletes released volumes it made whose policy is Delete.
//!
//! It works only while its own pod (`local-path-storage/local-path-provisioner-...`) is Running
//! and Ready, as the real one does. Provisioning takes a few seconds (the real one runs a helper
//! pod to create the directory; that pod is not simulated). Events come from
//! `rancher.io/local-path_<provisioner pod>_<id>`, as external provisioners sign them; the id is
//! the pod's uid here.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::persistentvolume::volumes::{
    self, ANN_PROVISIONED_BY, ANN_SELECTED_NODE, ANN_STORAGE_PROVISIONER, annotation,
};
use super::{Controller, Ctx, EventNote, ObjectKey, Op, Outcome, is_pod_ready, kind};
use crate::api::meta;
use crate::store::{Change, DeleteOptions, Store};
use crate::time::Time;

pub const PROVISIONER: &str = "rancher.io/local-path";
const NAMESPACE: &str = "local-path-storage";
/// Time to create (or remove) the volume's directory on the node.
const WORK_MILLIS: i64 = 3_000;
const BASE_PATH: &str = "/var/local-path-provisioner";

#[derive(Default)]
pub struct LocalPathProvisioner {
    /// Claims (by uid) being provisioned, and when the volume will be ready.
    provisioning: BTreeMap<String, Time>,
    /// Volumes being cleaned up, and when they are gone.
    deleting: BTreeMap<String, Time>,
    /// The event source of the running provisioner pod (by its uid). Event sources are static
    /// strings throughout; this one is made once per provisioner pod.
    identity: Option<(String, &'static str)>,
}

fn volume_key(name: &str) -> ObjectKey {
    ObjectKey {
        namespace: String::new(),
        name: name.to_string(),
    }
}

impl Controller for LocalPathProvisioner {
    fn name(&self) -> &'static str {
        "local-path-provisioner"
    }

    fn keys_for(&self, change: &Change, store: &Store, out: &mut Vec<ObjectKey>) {
        let obj = &change.object;
        match change.kind.kind {
            "PersistentVolumeClaim"
                if annotation(obj, ANN_STORAGE_PROVISIONER) == Some(PROVISIONER) =>
            {
                out.push(ObjectKey::of(obj));
            }
            "PersistentVolume" if annotation(obj, ANN_PROVISIONED_BY) == Some(PROVISIONER) => {
                out.push(volume_key(meta::name(obj)));
            }
            // The provisioner coming up picks up what waited for it.
            "Pod" if meta::namespace(obj) == NAMESPACE => {
                for claim in store.list(kind("", "PersistentVolumeClaim"), None) {
                    if annotation(claim, ANN_STORAGE_PROVISIONER) == Some(PROVISIONER) {
                        out.push(ObjectKey::of(claim));
                    }
                }
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let Some(source) = self.source(ctx.store) else {
            return Outcome::default(); // not running: nothing happens, as with the real one
        };
        if key.namespace.is_empty() {
            self.reclaim(key, ctx)
        } else {
            self.provision(key, ctx, source)
        }
    }
}

impl LocalPathProvisioner {
    /// The running provisioner pod's event source, if one is running and ready.
    fn source(&mut self, store: &Store) -> Option<&'static str> {
        let pod = store.list(kind("", "Pod"), Some(NAMESPACE)).find(|p| {
            meta::str_at(p, "/metadata/labels/app") == "local-path-provisioner"
                && meta::str_at(p, "/status/phase") == "Running"
                && is_pod_ready(p)
                && !meta::is_deleting(p)
        })?;
        let uid = meta::uid(pod);
        match &self.identity {
            Some((known, source)) if known == uid => Some(source),
            _ => {
                let source: &'static str =
                    Box::leak(format!("{PROVISIONER}_{}_{uid}", meta::name(pod)).into_boxed_str());
                self.identity = Some((uid.to_string(), source));
                Some(source)
            }
        }
    }

    fn provision(&mut self, key: &ObjectKey, ctx: &Ctx<'_>, source: &'static str) -> Outcome {
        let Ok(claim) = ctx
            .store
            .get(kind("", "PersistentVolumeClaim"), &key.namespace, &key.name)
        else {
            return Outcome::default();
        };
        let uid = meta::uid(claim).to_string();
        let pv_name = format!("pvc-{uid}");
        let pv_kind = kind("", "PersistentVolume");
        let done = !meta::str_at(claim, "/spec/volumeName").is_empty()
            || meta::is_deleting(claim)
            || ctx.store.get(pv_kind, "", &pv_name).is_ok();
        let class = volumes::class(ctx.store, volumes::claim_class(claim));
        let node = annotation(claim, ANN_SELECTED_NODE);
        let delayed = volumes::is_delay_binding(ctx.store, claim);
        if done
            || class.is_none_or(|c| meta::str_at(c, "/provisioner") != PROVISIONER)
            || (delayed && node.is_none())
        {
            self.provisioning.remove(&uid);
            return Outcome::default();
        }
        let note = |reason: &'static str, message: String| {
            Op::Event(EventNote {
                about: claim.clone(),
                warning: false,
                reason,
                message,
                source,
                host: String::new(),
            })
        };
        let Some(due) = self.provisioning.get(&uid).copied() else {
            self.provisioning
                .insert(uid, ctx.now.plus_millis(WORK_MILLIS));
            return Outcome {
                ops: vec![note(
                    "Provisioning",
                    format!(
                        "External provisioner is provisioning volume for claim \"{}/{}\"",
                        key.namespace, key.name
                    ),
                )],
                requeue_after: Some(WORK_MILLIS),
            };
        };
        if ctx.now < due {
            return Outcome {
                ops: Vec::new(),
                requeue_after: Some(due.since(ctx.now)),
            };
        }
        self.provisioning.remove(&uid);
        // An Immediate claim gets no node from the scheduler; the real provisioner then picks
        // one of the nodes at random — here, the first worker that can take pods.
        let node = match node {
            Some(n) => n.to_string(),
            None => any_node(ctx.store),
        };
        let volume = volume_for(claim, class, &node, &pv_name);
        Outcome::ops(vec![
            Op::Create {
                kind: pv_kind,
                object: volume,
                event: None,
            },
            note(
                "ProvisioningSucceeded",
                format!("Successfully provisioned volume {pv_name}"),
            ),
        ])
    }

    /// Deletes a Released volume of ours whose policy is Delete, after cleaning its directory.
    fn reclaim(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let pv_kind = kind("", "PersistentVolume");
        let Ok(volume) = ctx.store.get(pv_kind, "", &key.name) else {
            self.deleting.remove(&key.name);
            return Outcome::default();
        };
        if meta::str_at(volume, "/status/phase") != "Released"
            || meta::str_at(volume, "/spec/persistentVolumeReclaimPolicy") != "Delete"
            || meta::is_deleting(volume)
        {
            self.deleting.remove(&key.name);
            return Outcome::default();
        }
        let due = *self
            .deleting
            .entry(key.name.clone())
            .or_insert(ctx.now.plus_millis(WORK_MILLIS));
        if ctx.now < due {
            return Outcome {
                ops: Vec::new(),
                requeue_after: Some(due.since(ctx.now)),
            };
        }
        self.deleting.remove(&key.name);
        Outcome::ops(vec![Op::Delete {
            kind: pv_kind,
            key: key.clone(),
            options: DeleteOptions::default(),
            event: None,
        }])
    }
}

/// A node for a claim that did not wait for a consumer.
fn any_node(store: &Store) -> String {
    store
        .list(kind("", "Node"), None)
        .find(|n| {
            n.pointer("/spec/taints")
                .and_then(Value::as_array)
                .is_none_or(Vec::is_empty)
        })
        .or_else(|| store.list(kind("", "Node"), None).next())
        .map(|n| meta::name(n).to_string())
        .unwrap_or_default()
}

/// The PersistentVolume the provisioner writes: a hostPath directory named after the claim,
/// pinned to the node, bound to the claim, with the class's reclaim policy.
fn volume_for(claim: &Value, class: Option<&Value>, node: &str, pv_name: &str) -> Value {
    let path = format!(
        "{BASE_PATH}/{pv_name}_{}_{}",
        meta::namespace(claim),
        meta::name(claim)
    );
    let reclaim = class
        .map(|c| meta::str_at(c, "/reclaimPolicy"))
        .filter(|p| !p.is_empty())
        .unwrap_or("Delete");
    let mut spec = json!({
        "accessModes": claim.pointer("/spec/accessModes").cloned().unwrap_or(json!(["ReadWriteOnce"])),
        "capacity": {"storage": meta::str_at(claim, "/spec/resources/requests/storage")},
        "claimRef": {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "name": meta::name(claim),
            "namespace": meta::namespace(claim),
            "resourceVersion": meta::str_at(claim, "/metadata/resourceVersion"),
            "uid": meta::uid(claim),
        },
        "hostPath": {"path": path, "type": "DirectoryOrCreate"},
        "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}
        ]}]}},
        "persistentVolumeReclaimPolicy": reclaim,
        "storageClassName": volumes::claim_class(claim),
    });
    if let Some(mode) = claim.pointer("/spec/volumeMode") {
        spec["volumeMode"] = mode.clone();
    }
    json!({
        "apiVersion": "v1",
        "kind": "PersistentVolume",
        "metadata": {
            "name": pv_name,
            "annotations": {
                "local.path.provisioner/selected-node": node,
                ANN_PROVISIONED_BY: PROVISIONER,
            },
        },
        "spec": spec,
    })
}
