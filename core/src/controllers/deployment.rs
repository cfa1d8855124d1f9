//! The Deployment controller: rolls a Deployment's pod template out through ReplicaSets.
//!
//! Follows upstream's `pkg/controller/deployment`: the ReplicaSet whose template equals the
//! Deployment's is the *new* one (created on demand, named `<deployment>-<pod-template-hash>`);
//! the others are *old*. RollingUpdate scales the new one up within `maxSurge` and the old ones
//! down within `maxUnavailable`; Recreate empties the old ones before starting the new one.
//! Status and the `Available`/`Progressing` conditions are computed from the ReplicaSets.

use serde_json::{Value, json};

use super::replicaset::drop_zero_counts;
use super::{
    Controller, Ctx, EventNote, ObjectKey, Op, Outcome, int_at, is_controlled_by, kind, owner_key,
};
use crate::api::meta;
use crate::rng::{fnv1a32, safe_encode};
use crate::store::{Change, Store};
use crate::time::Time;

const REVISION: &str = "deployment.kubernetes.io/revision";
const DESIRED_REPLICAS: &str = "deployment.kubernetes.io/desired-replicas";
const MAX_REPLICAS: &str = "deployment.kubernetes.io/max-replicas";
const HASH_LABEL: &str = "pod-template-hash";

pub struct DeploymentController;

impl Controller for DeploymentController {
    fn name(&self) -> &'static str {
        "deployment-controller"
    }

    fn keys_for(&self, change: &Change, _store: &Store, out: &mut Vec<ObjectKey>) {
        match change.kind.kind {
            "Deployment" => out.push(ObjectKey::of(&change.object)),
            "ReplicaSet" => out.extend(owner_key(&change.object, "Deployment")),
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let Ok(d) = ctx
            .store
            .get(kind("apps", "Deployment"), &key.namespace, &key.name)
        else {
            return Outcome::default();
        };
        if meta::is_deleting(d) {
            return Outcome::default();
        }
        Rollout::new(d, ctx).run()
    }
}

/// One sync of one Deployment.
struct Rollout<'a> {
    d: &'a Value,
    now: Time,
    replicas: i64,
    new_rs: Option<Value>,
    old_rss: Vec<Value>,
    ops: Vec<Op>,
}

impl<'a> Rollout<'a> {
    fn new(d: &'a Value, ctx: &Ctx<'a>) -> Rollout<'a> {
        let uid = meta::uid(d);
        let mut new_rs = None;
        let mut old_rss = Vec::new();
        for rs in ctx
            .store
            .list(kind("apps", "ReplicaSet"), Some(meta::namespace(d)))
        {
            if !is_controlled_by(rs, uid) {
                continue;
            }
            if new_rs.is_none() && same_template(d, rs) {
                new_rs = Some(rs.clone());
            } else {
                old_rss.push(rs.clone());
            }
        }
        old_rss.sort_by_key(|rs| {
            (
                meta::str_at(rs, "/metadata/creationTimestamp").to_string(),
                meta::name(rs).to_string(),
            )
        });
        Rollout {
            d,
            now: ctx.now,
            replicas: int_at(d, "/spec/replicas").max(0),
            new_rs,
            old_rss,
            ops: Vec::new(),
        }
    }

    fn run(mut self) -> Outcome {
        let recreate = meta::str_at(self.d, "/spec/strategy/type") == "Recreate";
        let mut progressed = false;
        if self.new_rs.is_none() && !(recreate && self.old_pods_running()) {
            self.create_new_rs();
            progressed = true;
        }
        if recreate {
            progressed |= self.recreate();
        } else {
            progressed |= self.scale_new_rs_up();
            progressed |= self.scale_old_rss_down();
        }
        self.sync_status(progressed);
        Outcome::ops(self.ops)
    }

    // ---- strategies ----

    /// Recreate: old ReplicaSets to zero; the new one scales up only once no old pod is left.
    fn recreate(&mut self) -> bool {
        let mut changed = false;
        for i in 0..self.old_rss.len() {
            if int_at(&self.old_rss[i], "/spec/replicas") > 0 {
                changed |= self.scale_old(i, 0);
            }
        }
        if !changed && !self.old_pods_running() {
            changed |= self.scale_new(self.replicas);
        }
        changed
    }

    /// `reconcileNewReplicaSet`: towards `replicas`, never past `replicas + maxSurge` in total.
    fn scale_new_rs_up(&mut self) -> bool {
        let Some(new_rs) = &self.new_rs else {
            return false;
        };
        let current = int_at(new_rs, "/spec/replicas");
        if current > self.replicas {
            return self.scale_new(self.replicas);
        }
        let target = self.new_rs_target(current);
        target != current && self.scale_new(target)
    }

    fn new_rs_target(&self, current_new: i64) -> i64 {
        let (surge, _) = self.surge_and_unavailable();
        let total: i64 = self.all_spec_replicas();
        let max_total = self.replicas + surge;
        if total >= max_total {
            return current_new;
        }
        current_new + (max_total - total).min(self.replicas - current_new).max(0)
    }

    /// `reconcileOldReplicaSets`: scale old ReplicaSets down as far as `maxUnavailable` allows,
    /// their unhealthy pods first.
    fn scale_old_rss_down(&mut self) -> bool {
        let old_total: i64 = self
            .old_rss
            .iter()
            .map(|rs| int_at(rs, "/spec/replicas"))
            .sum();
        if old_total == 0 {
            return false;
        }
        let (_, max_unavailable) = self.surge_and_unavailable();
        let min_available = self.replicas - max_unavailable;
        let new_unavailable = self.new_rs.as_ref().map_or(0, |rs| {
            int_at(rs, "/spec/replicas") - int_at(rs, "/status/availableReplicas")
        });
        let mut max_scale_down = self.all_spec_replicas() - min_available - new_unavailable;
        if max_scale_down <= 0 {
            return false;
        }
        let mut changed = false;
        // Unhealthy replicas of old ReplicaSets go first: they serve nobody.
        for i in 0..self.old_rss.len() {
            if max_scale_down <= 0 {
                break;
            }
            let rs = &self.old_rss[i];
            let spec = int_at(rs, "/spec/replicas");
            let unhealthy = spec - int_at(rs, "/status/availableReplicas");
            if spec == 0 || unhealthy <= 0 {
                continue;
            }
            let down = unhealthy.min(max_scale_down);
            max_scale_down -= down;
            changed |= self.scale_old(i, spec - down);
        }
        // Then available ones, keeping `min_available` pods available overall.
        let available: i64 = self
            .old_rss
            .iter()
            .chain(self.new_rs.iter())
            .map(|rs| int_at(rs, "/status/availableReplicas"))
            .sum();
        let mut budget = (available - min_available).min(max_scale_down);
        for i in 0..self.old_rss.len() {
            if budget <= 0 {
                break;
            }
            let spec = int_at(&self.old_rss[i], "/spec/replicas");
            if spec == 0 {
                continue;
            }
            let down = spec.min(budget);
            budget -= down;
            changed |= self.scale_old(i, spec - down);
        }
        changed
    }

    // ---- ReplicaSets ----

    fn create_new_rs(&mut self) {
        let d = self.d;
        let hash = template_hash(d);
        let revision = self.next_revision();
        let mut template = d.pointer("/spec/template").cloned().unwrap_or(json!({}));
        let labels = meta::as_object_mut(
            meta::ensure_object(&mut template, "metadata")
                .entry("labels")
                .or_insert(json!({})),
        );
        labels.insert(HASH_LABEL.into(), json!(hash));
        let mut selector = d.pointer("/spec/selector").cloned().unwrap_or(json!({}));
        meta::ensure_object(&mut selector, "matchLabels").insert(HASH_LABEL.into(), json!(hash));
        let mut rs_labels = d
            .pointer("/spec/template/metadata/labels")
            .cloned()
            .unwrap_or(json!({}));
        meta::as_object_mut(&mut rs_labels).insert(HASH_LABEL.into(), json!(hash));
        let (surge, _) = self.surge_and_unavailable();
        let name = format!("{}-{hash}", meta::name(d));
        let mut rs = json!({
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": name,
                "namespace": meta::namespace(d),
                "labels": rs_labels,
                "annotations": {
                    DESIRED_REPLICAS: self.replicas.to_string(),
                    MAX_REPLICAS: (self.replicas + surge).to_string(),
                    REVISION: revision.to_string(),
                },
                "ownerReferences": [meta::controller_ref(d)],
            },
            "spec": {
                "replicas": 0,
                "selector": selector,
                "template": template,
            },
        });
        if let Some(min_ready) = d.pointer("/spec/minReadySeconds") {
            rs["spec"]["minReadySeconds"] = min_ready.clone();
        }
        let target = if meta::str_at(d, "/spec/strategy/type") == "Recreate" {
            self.replicas
        } else {
            self.new_rs_target(0)
        };
        rs["spec"]["replicas"] = json!(target);
        self.ops.push(Op::Create {
            kind: kind("apps", "ReplicaSet"),
            object: rs.clone(),
            event: (target > 0).then(|| self.scaling_event("up", &name, 0, target)),
        });
        self.new_rs = Some(rs);
    }

    fn scale_new(&mut self, to: i64) -> bool {
        let Some(rs) = self.new_rs.take() else {
            return false;
        };
        let (changed, rs) = self.scale(rs, to);
        self.new_rs = Some(rs);
        changed
    }

    fn scale_old(&mut self, index: usize, to: i64) -> bool {
        let Some(rs) = self.old_rss.get(index).cloned() else {
            return false;
        };
        let (changed, rs) = self.scale(rs, to);
        if let Some(slot) = self.old_rss.get_mut(index) {
            *slot = rs;
        }
        changed
    }

    /// Sets a ReplicaSet's replicas (and the desired/max annotations), with the
    /// `ScalingReplicaSet` event upstream records.
    fn scale(&mut self, mut rs: Value, to: i64) -> (bool, Value) {
        let from = int_at(&rs, "/spec/replicas");
        let (surge, _) = self.surge_and_unavailable();
        let annotations = meta::as_object_mut(
            meta::metadata_mut(&mut rs)
                .entry("annotations")
                .or_insert(json!({})),
        );
        let desired = self.replicas.to_string();
        let max = (self.replicas + surge).to_string();
        let annotations_changed = annotations.get(DESIRED_REPLICAS) != Some(&json!(desired))
            || annotations.get(MAX_REPLICAS) != Some(&json!(max));
        if from == to && !annotations_changed {
            return (false, rs);
        }
        annotations.insert(DESIRED_REPLICAS.into(), json!(desired));
        annotations.insert(MAX_REPLICAS.into(), json!(max));
        rs["spec"]["replicas"] = json!(to);
        self.ops
            .push(Op::Update(kind("apps", "ReplicaSet"), rs.clone()));
        if from != to {
            let direction = if to > from { "up" } else { "down" };
            let note = self.scaling_event(direction, meta::name(&rs), from, to);
            self.ops.push(Op::Event(note));
        }
        (from != to, rs)
    }

    fn scaling_event(&self, direction: &str, rs_name: &str, from: i64, to: i64) -> EventNote {
        EventNote {
            about: meta::reference(self.d),
            warning: false,
            reason: "ScalingReplicaSet",
            message: format!("Scaled {direction} replica set {rs_name} from {from} to {to}"),
            source: "deployment-controller",
            host: String::new(),
        }
    }

    // ---- status ----

    /// `getReplicaFailures`: a ReplicaSet's `ReplicaFailure` (the new one's first) becomes the
    /// Deployment's, with the ReplicaSet's transition time; without one it goes.
    fn move_replica_failure(&self, status: &mut Value) {
        let failure = self
            .new_rs
            .iter()
            .chain(self.old_rss.iter())
            .find_map(|rs| super::condition(rs, "ReplicaFailure"))
            .cloned();
        let Some(list) = status.get_mut("conditions").and_then(Value::as_array_mut) else {
            return;
        };
        let is_failure =
            |c: &Value| c.get("type").and_then(Value::as_str) == Some("ReplicaFailure");
        let Some(failure) = failure else {
            list.retain(|c| !is_failure(c));
            return;
        };
        let field = |c: &Value, k: &str| c.get(k).cloned().unwrap_or(Value::Null);
        if list.iter().any(|c| {
            is_failure(c)
                && field(c, "status") == field(&failure, "status")
                && field(c, "reason") == field(&failure, "reason")
        }) {
            return;
        }
        list.retain(|c| !is_failure(c));
        let at = field(&failure, "lastTransitionTime");
        list.push(json!({
            "type": "ReplicaFailure",
            "status": field(&failure, "status"),
            "lastUpdateTime": at,
            "lastTransitionTime": at,
            "reason": field(&failure, "reason"),
            "message": field(&failure, "message"),
        }));
    }

    fn sync_status(&mut self, progressed: bool) {
        let all: Vec<&Value> = self.old_rss.iter().chain(self.new_rs.iter()).collect();
        let sum = |p: &str| all.iter().map(|rs| int_at(rs, p)).sum::<i64>();
        let replicas = sum("/status/replicas");
        let available = sum("/status/availableReplicas");
        let updated = self
            .new_rs
            .as_ref()
            .map_or(0, |rs| int_at(rs, "/status/replicas"));
        let mut status = json!({
            "observedGeneration": int_at(self.d, "/metadata/generation"),
            "replicas": replicas,
            "updatedReplicas": updated,
            "readyReplicas": sum("/status/readyReplicas"),
            "availableReplicas": available,
            "unavailableReplicas": (self.replicas.max(replicas) - available).max(0),
        });
        status = drop_zero_counts(status);
        status["conditions"] = self
            .d
            .pointer("/status/conditions")
            .cloned()
            .unwrap_or(json!([]));
        let (_, max_unavailable) = self.surge_and_unavailable();
        let now = self.now.rfc3339();
        if available >= self.replicas - max_unavailable {
            set_condition(
                &mut status,
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
                &now,
            );
        } else {
            set_condition(
                &mut status,
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
                &now,
            );
        }
        if let Some(new_rs) = &self.new_rs {
            let name = meta::name(new_rs);
            let old_pods: i64 = self
                .old_rss
                .iter()
                .map(|rs| int_at(rs, "/status/replicas"))
                .sum();
            let complete = updated == self.replicas
                && replicas == self.replicas
                && available == self.replicas
                && old_pods == 0;
            let current_reason = super::condition(&status, "Progressing")
                .and_then(|c| c.get("reason"))
                .and_then(Value::as_str)
                .unwrap_or("");
            if complete {
                set_condition(
                    &mut status,
                    "Progressing",
                    "True",
                    "NewReplicaSetAvailable",
                    &format!("ReplicaSet \"{name}\" has successfully progressed."),
                    &now,
                );
            } else if current_reason.is_empty() {
                set_condition(
                    &mut status,
                    "Progressing",
                    "True",
                    "NewReplicaSetCreated",
                    &format!("Created new replica set \"{name}\""),
                    &now,
                );
            } else if progressed
                || status.get("replicas") != self.d.pointer("/status/replicas")
                || available != int_at(self.d, "/status/availableReplicas")
            {
                set_condition(
                    &mut status,
                    "Progressing",
                    "True",
                    "ReplicaSetUpdated",
                    &format!("ReplicaSet \"{name}\" is progressing."),
                    &now,
                );
            }
        }
        self.move_replica_failure(&mut status);
        if self.d.get("status") != Some(&status) {
            let mut d = self.d.clone();
            d["status"] = status;
            self.ops
                .push(Op::UpdateStatus(kind("apps", "Deployment"), d));
        }
        let revision = self.new_rs.as_ref().map(|rs| {
            meta::str_at(
                rs,
                &format!("/metadata/annotations/{}", REVISION.replace('/', "~1")),
            )
            .to_string()
        });
        if let Some(revision) = revision
            && !revision.is_empty()
            && meta::str_at(
                self.d,
                "/metadata/annotations/deployment.kubernetes.io~1revision",
            ) != revision
        {
            let mut d = self.d.clone();
            if let Some(status) = self.ops.iter().rev().find_map(|op| match op {
                Op::UpdateStatus(_, v) => v.get("status").cloned(),
                _ => None,
            }) {
                d["status"] = status;
            }
            meta::as_object_mut(
                meta::metadata_mut(&mut d)
                    .entry("annotations")
                    .or_insert(json!({})),
            )
            .insert(REVISION.into(), json!(revision));
            self.ops.push(Op::Update(kind("apps", "Deployment"), d));
        }
    }

    // ---- arithmetic ----

    fn all_spec_replicas(&self) -> i64 {
        self.old_rss
            .iter()
            .chain(self.new_rs.iter())
            .map(|rs| int_at(rs, "/spec/replicas"))
            .sum()
    }

    fn old_pods_running(&self) -> bool {
        self.old_rss
            .iter()
            .any(|rs| int_at(rs, "/status/replicas") > 0)
    }

    fn next_revision(&self) -> i64 {
        self.old_rss
            .iter()
            .filter_map(|rs| {
                rs.pointer("/metadata/annotations")
                    .and_then(|a| a.get(REVISION))
                    .and_then(Value::as_str)
                    .and_then(|r| r.parse::<i64>().ok())
            })
            .max()
            .unwrap_or(0)
            + 1
    }

    /// `ResolveFenceposts`: maxSurge rounds up, maxUnavailable down; both zero means one may
    /// be unavailable (or there would be no way to make progress).
    fn surge_and_unavailable(&self) -> (i64, i64) {
        if meta::str_at(self.d, "/spec/strategy/type") == "Recreate" {
            return (0, 0);
        }
        let rolling = self.d.pointer("/spec/strategy/rollingUpdate");
        let surge = scaled_value(rolling.and_then(|r| r.get("maxSurge")), self.replicas, true);
        let unavailable = scaled_value(
            rolling.and_then(|r| r.get("maxUnavailable")),
            self.replicas,
            false,
        );
        if surge == 0 && unavailable == 0 {
            return (0, 1);
        }
        (surge, unavailable.min(self.replicas))
    }
}

/// An IntOrString (`25%` or `1`) against a total, rounding percentages up or down.
pub fn scaled_value(value: Option<&Value>, total: i64, round_up: bool) -> i64 {
    match value {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => match s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) {
            Some(percent) if round_up => (percent * total + 99) / 100,
            Some(percent) => percent * total / 100,
            None => s.parse().unwrap_or(0),
        },
        _ => 0,
    }
}

/// The `pod-template-hash` of a Deployment's template: FNV-1a over the template (with the
/// collision count), encoded as upstream encodes it.
pub fn template_hash(d: &Value) -> String {
    let template = d
        .pointer("/spec/template")
        .map(Value::to_string)
        .unwrap_or_default();
    let collisions = int_at(d, "/status/collisionCount");
    let mut bytes = template.into_bytes();
    if collisions > 0 {
        bytes.extend(collisions.to_string().bytes());
    }
    safe_encode(&fnv1a32(&bytes).to_string())
}

/// Whether a ReplicaSet runs the Deployment's current template (ignoring the hash label).
pub fn same_template(d: &Value, rs: &Value) -> bool {
    let mut rs_template = rs.pointer("/spec/template").cloned().unwrap_or(json!({}));
    if let Some(labels) = rs_template
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove(HASH_LABEL);
    }
    let mut d_template = d.pointer("/spec/template").cloned().unwrap_or(json!({}));
    if let Some(labels) = d_template
        .pointer_mut("/metadata/labels")
        .and_then(Value::as_object_mut)
    {
        labels.remove(HASH_LABEL);
    }
    rs_template == d_template
}

/// `SetDeploymentCondition`: replaces the condition of the same type, keeping its transition
/// time when the status is unchanged; the updated condition moves to the end of the list.
fn set_condition(
    status: &mut Value,
    type_: &str,
    value: &str,
    reason: &str,
    message: &str,
    now: &str,
) {
    let Some(list) = status.get_mut("conditions").and_then(Value::as_array_mut) else {
        return;
    };
    let existing = list
        .iter()
        .position(|c| c.get("type").and_then(Value::as_str) == Some(type_));
    let mut transition = now.to_string();
    if let Some(i) = existing {
        let c = &list[i];
        if c.get("status").and_then(Value::as_str) == Some(value) {
            if c.get("reason").and_then(Value::as_str) == Some(reason)
                && c.get("message").and_then(Value::as_str) == Some(message)
            {
                return;
            }
            transition = c
                .get("lastTransitionTime")
                .and_then(Value::as_str)
                .unwrap_or(now)
                .to_string();
        }
        list.remove(i);
    }
    list.push(json!({
        "type": type_,
        "status": value,
        "lastUpdateTime": now,
        "lastTransitionTime": transition,
        "reason": reason,
        "message": message,
    }));
}
