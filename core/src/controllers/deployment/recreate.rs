//! Upstream's `recreate.go`: all old pods go first; the new ReplicaSet is created (at full
//! size) only once none of them is left — not even one still terminating.

use super::Sync;
use super::util::{self, spec_replicas};
use crate::api::meta;
use crate::controllers::{int_at, is_controlled_by, kind};

impl Sync<'_> {
    /// `rolloutRecreate`.
    pub(super) fn rollout_recreate(&mut self) {
        let (mut new_rs, mut old) = self.new_and_old(false);
        let mut scaled_down = false;
        for &i in &old {
            if self.rss.get(i).is_some_and(|rs| spec_replicas(rs) > 0) {
                scaled_down |= self.scale_rs(i, 0);
            }
        }
        if scaled_down || self.old_pods_running(new_rs, &old) {
            self.sync_rollout_status(new_rs);
            return;
        }
        if new_rs.is_none() {
            (new_rs, old) = self.new_and_old(true);
        }
        if let Some(i) = new_rs {
            self.scale_rs(i, spec_replicas(self.d));
        }
        let status = self.d.get("status").cloned().unwrap_or_default();
        if util::deployment_complete(self.d, &status) {
            self.cleanup(&old);
        }
        self.sync_rollout_status(new_rs);
    }

    /// `oldPodsRunning`: an old ReplicaSet still counts pods, or owns a pod that has not
    /// finished (terminating ones included).
    fn old_pods_running(&self, new_rs: Option<usize>, old: &[usize]) -> bool {
        let olds: Vec<&serde_json::Value> = old.iter().filter_map(|&i| self.rss.get(i)).collect();
        if olds.iter().any(|rs| int_at(rs, "/status/replicas") > 0) {
            return true;
        }
        let new_uid = new_rs
            .and_then(|i| self.rss.get(i))
            .map(|rs| meta::uid(rs).to_string());
        self.store
            .list(kind("", "Pod"), Some(meta::namespace(self.d)))
            .filter(|pod| !matches!(meta::str_at(pod, "/status/phase"), "Succeeded" | "Failed"))
            .any(|pod| {
                self.rss.iter().any(|rs| {
                    Some(meta::uid(rs)) != new_uid.as_deref()
                        && !meta::uid(rs).is_empty()
                        && is_controlled_by(pod, meta::uid(rs))
                })
            })
    }
}
