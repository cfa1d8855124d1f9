//! Upstream's `sync.go`: finding (or creating) the new ReplicaSet and keeping revisions in step,
//! scaling — proportionally across ReplicaSets when a Deployment is resized mid-rollout —, and
//! trimming old ReplicaSets to `revisionHistoryLimit`.

use std::cmp::Reverse;

use serde_json::{Value, json};

use super::Sync;
use super::util::{self, HASH_LABEL, spec_replicas};
use crate::api::meta;
use crate::controllers::{EventNote, ObjectKey, Op, int_at, kind};
use crate::store::DeleteOptions;

impl Sync<'_> {
    /// `getAllReplicaSetsAndSyncRevision`: the new ReplicaSet (created when asked and missing)
    /// and the old ones, as indices into `self.rss`.
    pub(super) fn new_and_old(&mut self, create: bool) -> (Option<usize>, Vec<usize>) {
        let existing = util::find_new_rs(self.d, &self.rss);
        let old: Vec<usize> = (0..self.rss.len())
            .filter(|&i| Some(i) != existing)
            .collect();
        let old_values: Vec<Value> = old
            .iter()
            .filter_map(|&i| self.rss.get(i).cloned())
            .collect();
        let new_revision = util::max_revision(&old_values) + 1;
        let new_rs = match existing {
            Some(i) => {
                self.sync_existing_new_rs(i, new_revision);
                Some(i)
            }
            None if create => self.create_new_rs(&old_values, new_revision),
            None => None,
        };
        (new_rs, old)
    }

    /// The existing new ReplicaSet gets the Deployment's annotations and the latest revision
    /// (a rollback renumbers an old template); once it has them, the Deployment takes its
    /// revision.
    fn sync_existing_new_rs(&mut self, i: usize, new_revision: i64) {
        let d = self.d;
        let Some(mut rs) = self.rss.get(i).cloned() else {
            return;
        };
        let annotations_changed = util::set_new_rs_annotations(d, &mut rs, new_revision, true);
        let min_ready = d.pointer("/spec/minReadySeconds").cloned();
        let min_ready_changed =
            int_at(&rs, "/spec/minReadySeconds") != int_at(d, "/spec/minReadySeconds");
        if annotations_changed || min_ready_changed {
            match min_ready {
                Some(v) => rs["spec"]["minReadySeconds"] = v,
                None => {
                    if let Some(spec) = rs.get_mut("spec").and_then(Value::as_object_mut) {
                        spec.remove("minReadySeconds");
                    }
                }
            }
            self.update("ReplicaSet", rs.clone());
            if let Some(slot) = self.rss.get_mut(i) {
                *slot = rs;
            }
            return;
        }
        self.set_revision(util::annotation(&rs, util::REVISION).to_string());
        if util::has_progress_deadline(d) && util::condition(&self.status, "Progressing").is_none()
        {
            let message = format!("Found new replica set \"{}\"", meta::name(&rs));
            let condition = util::new_condition(
                "Progressing",
                "True",
                util::FOUND_NEW_RS,
                &message,
                self.now,
            );
            util::set_condition(&mut self.status, condition);
        }
    }

    /// `SetDeploymentRevision`.
    fn set_revision(&mut self, revision: String) {
        if self.annotations.get(util::REVISION).and_then(Value::as_str) != Some(revision.as_str()) {
            self.annotations
                .insert(util::REVISION.into(), json!(revision));
        }
    }

    /// Creates the new ReplicaSet, named after the template hash, as big as the strategy allows
    /// right away. A name taken by a ReplicaSet with another template is a hash collision:
    /// `collisionCount` goes up and the next sync tries another name.
    fn create_new_rs(&mut self, old: &[Value], new_revision: i64) -> Option<usize> {
        let d = self.d;
        let collisions = int_at(d, "/status/collisionCount");
        let hash = util::template_hash(d.pointer("/spec/template"), collisions);
        let mut template = d.pointer("/spec/template").cloned().unwrap_or(json!({}));
        meta::child_object(meta::ensure_object(&mut template, "metadata"), "labels")
            .insert(HASH_LABEL.into(), json!(hash));
        let mut selector = d.pointer("/spec/selector").cloned().unwrap_or(json!({}));
        meta::ensure_object(&mut selector, "matchLabels").insert(HASH_LABEL.into(), json!(hash));
        let name = rs_name(meta::name(d), &hash);
        let labels = template
            .pointer("/metadata/labels")
            .cloned()
            .unwrap_or(json!({}));
        let mut rs = json!({
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": name,
                "namespace": meta::namespace(d),
                "labels": labels,
                "ownerReferences": [meta::controller_ref(d)],
            },
            "spec": {"replicas": 0, "selector": selector, "template": template},
        });
        if let Some(min_ready) = d.pointer("/spec/minReadySeconds") {
            rs["spec"]["minReadySeconds"] = min_ready.clone();
        }
        let all: Vec<&Value> = old.iter().chain(std::iter::once(&rs)).collect();
        let replicas = util::new_rs_new_replicas(d, &all, &rs);
        rs["spec"]["replicas"] = json!(replicas);
        util::set_new_rs_annotations(d, &mut rs, new_revision, false);
        let rs_kind = kind("apps", "ReplicaSet");
        if let Ok(existing) = self.store.get(rs_kind, meta::namespace(d), &name) {
            // Ours and the same template: the cache was behind, it is the new ReplicaSet.
            if util::is_owned_by(existing, d)
                && util::equal_ignore_hash(
                    d.pointer("/spec/template"),
                    existing.pointer("/spec/template"),
                )
            {
                self.rss.push(existing.clone());
                return Some(self.rss.len() - 1);
            }
            self.status["collisionCount"] = json!(collisions + 1);
            return None;
        }
        self.ops.push(Op::Create {
            kind: rs_kind,
            object: rs.clone(),
            event: (replicas > 0)
                .then(|| self.event(format!("Scaled up replica set {name} from 0 to {replicas}"))),
        });
        self.set_revision(new_revision.to_string());
        if util::has_progress_deadline(d) {
            let message = format!("Created new replica set \"{name}\"");
            let condition = util::new_condition(
                "Progressing",
                "True",
                util::NEW_RS_CREATED,
                &message,
                self.now,
            );
            util::set_condition(&mut self.status, condition);
        }
        self.rss.push(rs);
        Some(self.rss.len() - 1)
    }

    /// A `ScalingReplicaSet` event about this Deployment.
    pub(super) fn event(&self, message: String) -> EventNote {
        EventNote {
            about: meta::reference(self.d),
            warning: false,
            reason: "ScalingReplicaSet",
            message,
            source: super::SOURCE,
            host: String::new(),
        }
    }

    /// `scaleReplicaSetAndRecordEvent`: sets a ReplicaSet's size, refreshing the replica
    /// annotations, with the `ScalingReplicaSet` event. Returns whether the size changed.
    pub(super) fn scale_rs(&mut self, i: usize, to: i64) -> bool {
        let Some(rs) = self.rss.get(i) else {
            return false;
        };
        let from = spec_replicas(rs);
        if from == to {
            return false;
        }
        self.set_rs_size(i, to)
    }

    /// `scaleReplicaSet`: writes the size and annotations when either is out of date.
    fn set_rs_size(&mut self, i: usize, to: i64) -> bool {
        let d = self.d;
        let desired = spec_replicas(d);
        let max = desired + util::max_surge(d);
        let Some(mut rs) = self.rss.get(i).cloned() else {
            return false;
        };
        let from = spec_replicas(&rs);
        if from == to && !util::replicas_annotations_need_update(&rs, desired, max) {
            return false;
        }
        rs["spec"]["replicas"] = json!(to);
        util::set_replicas_annotations(&mut rs, desired, max);
        let name = meta::name(&rs).to_string();
        self.update("ReplicaSet", rs.clone());
        if let Some(slot) = self.rss.get_mut(i) {
            *slot = rs;
        }
        if from != to {
            let direction = if to > from { "up" } else { "down" };
            let note = self.event(format!(
                "Scaled {direction} replica set {name} from {from} to {to}"
            ));
            self.ops.push(Op::Event(note));
        }
        from != to
    }

    /// `sync`: what a paused Deployment, or one being resized, gets — scaling only, history
    /// cleanup while paused, and status.
    pub(super) fn sync_scale(&mut self) {
        let (new_rs, old) = self.new_and_old(false);
        self.scale(new_rs, &old);
        if self.d.pointer("/spec/paused") == Some(&json!(true)) {
            self.cleanup(&old);
        }
        self.sync_deployment_status(new_rs);
    }

    /// `scale`: with a single active ReplicaSet, it takes the whole count; with a saturated new
    /// one, the old ones go to zero; otherwise, during a rolling update, the difference is
    /// shared out in proportion to each ReplicaSet's size (the largest first, newest first when
    /// growing and oldest first when shrinking, leftovers to the first).
    fn scale(&mut self, new_rs: Option<usize>, old: &[usize]) {
        let d = self.d;
        let replicas = spec_replicas(d);
        let old_values: Vec<Value> = old
            .iter()
            .filter_map(|&i| self.rss.get(i).cloned())
            .collect();
        let new_value = new_rs.and_then(|i| self.rss.get(i)).cloned();
        if let Some(target) = util::find_active_or_latest(new_value.as_ref(), &old_values) {
            if spec_replicas(target) == replicas {
                return;
            }
            let name = meta::name(target).to_string();
            if let Some(i) = self.rss.iter().position(|rs| meta::name(rs) == name) {
                self.scale_rs(i, replicas);
            }
            return;
        }
        if util::is_saturated(d, new_value.as_ref()) {
            for &i in old {
                if self.rss.get(i).is_some_and(|rs| spec_replicas(rs) > 0) {
                    self.scale_rs(i, 0);
                }
            }
            return;
        }
        if !util::is_rolling_update(d) {
            return;
        }
        let mut active: Vec<usize> = old
            .iter()
            .copied()
            .chain(new_rs)
            .filter(|&i| self.rss.get(i).is_some_and(|rs| spec_replicas(rs) > 0))
            .collect();
        let total: i64 = active
            .iter()
            .filter_map(|&i| self.rss.get(i))
            .map(spec_replicas)
            .sum();
        let allowed = if replicas > 0 {
            replicas + util::max_surge(d)
        } else {
            0
        };
        let to_add = allowed - total;
        let key = |rs: &Value| (Reverse(spec_replicas(rs)), util::by_creation(rs));
        if to_add > 0 {
            active.sort_by_key(|&i| self.rss.get(i).map(|rs| (key(rs).0, Reverse(key(rs).1))));
        } else if to_add < 0 {
            active.sort_by_key(|&i| self.rss.get(i).map(key));
        }
        let mut added = 0;
        let mut sizes: Vec<i64> = Vec::new();
        for &i in &active {
            let Some(rs) = self.rss.get(i) else { continue };
            if to_add != 0 {
                let share = util::proportion(rs, d, to_add, added);
                sizes.push(spec_replicas(rs) + share);
                added += share;
            } else {
                sizes.push(spec_replicas(rs));
            }
        }
        for (n, &i) in active.iter().enumerate() {
            let mut size = sizes.get(n).copied().unwrap_or(0);
            if n == 0 && to_add != 0 {
                size = (size + to_add - added).max(0);
            }
            self.set_rs_size(i, size);
        }
    }

    /// `cleanupDeployment`: old ReplicaSets beyond `revisionHistoryLimit`, oldest revision
    /// first, go once they have no pods.
    pub(super) fn cleanup(&mut self, old: &[usize]) {
        let d = self.d;
        if !util::has_revision_history_limit(d) {
            return;
        }
        let mut cleanable: Vec<&Value> = old
            .iter()
            .filter_map(|&i| self.rss.get(i))
            .filter(|rs| !meta::is_deleting(rs))
            .collect();
        let limit = int_at(d, "/spec/revisionHistoryLimit").max(0) as usize;
        let excess = cleanable.len().saturating_sub(limit);
        if excess == 0 {
            return;
        }
        cleanable.sort_by_key(|rs| util::by_revision(rs));
        let doomed: Vec<ObjectKey> = cleanable
            .into_iter()
            .take(excess)
            .filter(|rs| {
                int_at(rs, "/status/replicas") == 0
                    && spec_replicas(rs) == 0
                    && int_at(rs, "/metadata/generation")
                        <= int_at(rs, "/status/observedGeneration")
            })
            .map(ObjectKey::of)
            .collect();
        for key in doomed {
            self.ops.push(Op::Delete {
                kind: kind("apps", "ReplicaSet"),
                key,
                options: DeleteOptions::default(),
                event: None,
            });
        }
    }
}

/// The new ReplicaSet's name: the Deployment's, cut so that the hash fits in 253 characters.
fn rs_name(deployment: &str, hash: &str) -> String {
    let room = 253usize.saturating_sub(hash.len() + 1);
    let prefix: String = deployment.chars().take(room).collect();
    format!("{prefix}-{hash}")
}
