//! Upstream's `rolling.go`: a RollingUpdate step. Grow the new ReplicaSet as far as `maxSurge`
//! allows; failing that, shrink old ones as far as `maxUnavailable` allows — their unhealthy
//! pods first, since those serve nobody. Each sync does one of the two and reports status.

use super::Sync;
use super::util::{self, spec_replicas};
use crate::controllers::int_at;

impl Sync<'_> {
    /// `rolloutRolling`.
    pub(super) fn rollout_rolling(&mut self) {
        let (new_rs, old) = self.new_and_old(true);
        let Some(new_rs) = new_rs else {
            return;
        };
        if self.reconcile_new_rs(new_rs, &old) {
            self.sync_rollout_status(Some(new_rs));
            return;
        }
        let active: Vec<usize> = old
            .iter()
            .copied()
            .filter(|&i| self.rss.get(i).is_some_and(|rs| spec_replicas(rs) > 0))
            .collect();
        if self.reconcile_old_rss(new_rs, &old, active) {
            self.sync_rollout_status(Some(new_rs));
            return;
        }
        let status = self.d.get("status").cloned().unwrap_or_default();
        if util::deployment_complete(self.d, &status) {
            self.cleanup(&old);
        }
        self.sync_rollout_status(Some(new_rs));
    }

    /// `reconcileNewReplicaSet`: down to the desired count if above it, else up within surge.
    fn reconcile_new_rs(&mut self, new_rs: usize, old: &[usize]) -> bool {
        let d = self.d;
        let desired = spec_replicas(d);
        let Some(rs) = self.rss.get(new_rs) else {
            return false;
        };
        let current = spec_replicas(rs);
        if current == desired {
            return false;
        }
        if current > desired {
            return self.scale_rs(new_rs, desired);
        }
        let all: Vec<&serde_json::Value> = old
            .iter()
            .chain(std::iter::once(&new_rs))
            .filter_map(|&i| self.rss.get(i))
            .collect();
        let target = util::new_rs_new_replicas(d, &all, rs);
        self.scale_rs(new_rs, target)
    }

    /// `reconcileOldReplicaSets`: how many old pods may go is what keeps
    /// `replicas - maxUnavailable` available, counting the new ReplicaSet's unavailable pods
    /// against it.
    fn reconcile_old_rss(&mut self, new_rs: usize, old: &[usize], active: Vec<usize>) -> bool {
        let d = self.d;
        let old_count: i64 = active
            .iter()
            .filter_map(|&i| self.rss.get(i))
            .map(spec_replicas)
            .sum();
        if old_count == 0 {
            return false;
        }
        let all_count: i64 = old
            .iter()
            .chain(std::iter::once(&new_rs))
            .filter_map(|&i| self.rss.get(i))
            .map(spec_replicas)
            .sum();
        let min_available = spec_replicas(d) - util::max_unavailable(d);
        let new_unavailable = self.rss.get(new_rs).map_or(0, |rs| {
            spec_replicas(rs) - int_at(rs, "/status/availableReplicas")
        });
        let max_scaled_down = all_count - min_available - new_unavailable;
        if max_scaled_down <= 0 {
            return false;
        }
        let mut active = active;
        active.sort_by_key(|&i| self.rss.get(i).map(util::by_creation));
        let cleaned = self.cleanup_unhealthy(&active, max_scaled_down);
        let scaled = self.scale_down_old_for_rolling_update(new_rs, &active);
        cleaned + scaled > 0
    }

    /// `cleanupUnhealthyReplicas`: old ReplicaSets lose their unavailable pods first, oldest
    /// ReplicaSet first, up to `max`.
    fn cleanup_unhealthy(&mut self, old: &[usize], max: i64) -> i64 {
        let mut total = 0;
        for &i in old {
            if total >= max {
                break;
            }
            let Some(rs) = self.rss.get(i) else { continue };
            let replicas = spec_replicas(rs);
            let available = int_at(rs, "/status/availableReplicas");
            if replicas == 0 || replicas == available {
                continue;
            }
            let down = (max - total).min(replicas - available);
            if down <= 0 {
                continue;
            }
            self.scale_rs(i, replicas - down);
            total += down;
        }
        total
    }

    /// `scaleDownOldReplicaSetsForRollingUpdate`: then available old pods, as long as at least
    /// `replicas - maxUnavailable` stay available in all.
    fn scale_down_old_for_rolling_update(&mut self, new_rs: usize, old: &[usize]) -> i64 {
        let d = self.d;
        let min_available = spec_replicas(d) - util::max_unavailable(d);
        let available: i64 = old
            .iter()
            .chain(std::iter::once(&new_rs))
            .filter_map(|&i| self.rss.get(i))
            .map(|rs| int_at(rs, "/status/availableReplicas"))
            .sum();
        if available <= min_available {
            return 0;
        }
        let budget = available - min_available;
        let mut total = 0;
        for &i in old {
            if total >= budget {
                break;
            }
            let Some(rs) = self.rss.get(i) else { continue };
            let replicas = spec_replicas(rs);
            if replicas == 0 {
                continue;
            }
            let down = replicas.min(budget - total);
            self.scale_rs(i, replicas - down);
            total += down;
        }
        total
    }
}
