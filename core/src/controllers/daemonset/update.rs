//! Upstream's `daemon/update.go`: a DaemonSet RollingUpdate step.
//!
//! Without surge, outdated pods are deleted — unavailable ones always, available ones while
//! fewer than `maxUnavailable` nodes lack an available up-to-date pod — and `manage` creates
//! their replacements once they are gone. With `maxSurge`, a new pod starts next to the old one
//! on up to `maxSurge` nodes, and the old one goes once the new one is available.

use serde_json::Value;

use super::Sync;
use crate::api::meta;
use crate::controllers::deployment::scaled_value;
use crate::controllers::is_pod_available;

/// `AllowsSurge`: a RollingUpdate with a non-zero `maxSurge`.
pub(super) fn allows_surge(ds: &Value) -> bool {
    meta::str_at(ds, "/spec/updateStrategy/type") == "RollingUpdate"
        && ds
            .pointer("/spec/updateStrategy/rollingUpdate/maxSurge")
            .is_some_and(|v| scaled_value(Some(v), 1, true) != 0)
}

impl<'a> Sync<'a> {
    /// `rollingUpdate`.
    pub(super) fn rolling_update(&mut self, hash: &str) {
        let ds = self.ds;
        let (max_surge, max_unavailable, nodes) = self.desired_counts();
        let min_ready = self.min_ready();
        let available = |p: &Value| is_pod_available(p, min_ready, self.now);
        let generation = super::template_generation(ds).to_string();
        if max_surge == 0 {
            let mut unavailable = 0;
            let mut must_replace: Vec<&'a Value> = Vec::new();
            let mut candidates: Vec<&'a Value> = Vec::new();
            for node in &nodes {
                let Some((new, old)) = self.updated_and_old(node, hash, &generation) else {
                    unavailable += 1;
                    continue;
                };
                match (new, old) {
                    (None, None) | (Some(_), Some(_)) => unavailable += 1,
                    (Some(new), None) => unavailable += usize::from(!available(new)),
                    (None, Some(old)) => {
                        if !available(old) {
                            must_replace.push(old);
                        } else if unavailable < max_unavailable {
                            candidates.push(old);
                        }
                    }
                }
            }
            let room = max_unavailable
                .saturating_sub(unavailable)
                .min(candidates.len());
            must_replace.extend(candidates.into_iter().take(room));
            self.sync_nodes(&must_replace, &[], hash);
            return;
        }
        let mut delete: Vec<&'a Value> = Vec::new();
        let mut must_surge: Vec<String> = Vec::new();
        let mut candidates: Vec<String> = Vec::new();
        let mut surging = 0;
        for node in &nodes {
            let Some((new, old)) = self.updated_and_old(node, hash, &generation) else {
                surging += 1;
                continue;
            };
            match (new, old) {
                (_, None) => {}
                (None, Some(old)) => {
                    if !available(old) {
                        must_surge.push(node.clone());
                    } else if surging < max_surge {
                        candidates.push(node.clone());
                    }
                }
                (Some(new), Some(old)) => {
                    if available(new) {
                        delete.push(old);
                    } else {
                        surging += 1;
                    }
                }
            }
        }
        let room = max_surge.saturating_sub(surging).min(candidates.len());
        must_surge.extend(candidates.into_iter().take(room));
        self.sync_nodes(&delete, &must_surge, hash);
    }

    /// `updatedDesiredNodeCounts`: surge and unavailability against the number of nodes that
    /// should run a pod (percentages round up); both zero means one may be unavailable. Also
    /// the nodes to consider: those that should run a pod or have one.
    fn desired_counts(&self) -> (usize, usize, Vec<String>) {
        let mut nodes: Vec<String> = Vec::new();
        let mut desired = 0;
        for node in &self.nodes {
            if self.should_run(node).0 {
                desired += 1;
                nodes.push(meta::name(node).to_string());
            }
        }
        for node in self.by_node.keys() {
            if !nodes.contains(node) {
                nodes.push(node.clone());
            }
        }
        nodes.sort();
        let rolling = self.ds.pointer("/spec/updateStrategy/rollingUpdate");
        let count = |field: &str| {
            let value = rolling.and_then(|r| r.get(field));
            usize::try_from(scaled_value(value, desired, true)).unwrap_or(0)
        };
        let (mut surge, mut unavailable) = (count("maxSurge"), count("maxUnavailable"));
        if desired > 0 && surge == 0 && unavailable == 0 {
            unavailable = 1;
        }
        if meta::str_at(self.ds, "/spec/updateStrategy/type") != "RollingUpdate" {
            surge = 0;
        }
        (surge, unavailable, nodes)
    }

    /// `findUpdatedPodsOnNode`: the node's up-to-date pod and outdated pod (terminating ones
    /// ignored), or `None` when it has two of a kind (`manage` sorts that out first).
    fn updated_and_old(
        &self,
        node: &str,
        hash: &str,
        generation: &str,
    ) -> Option<(Option<&'a Value>, Option<&'a Value>)> {
        let mut new = None;
        let mut old = None;
        for pod in self.by_node.get(node).into_iter().flatten() {
            if meta::is_deleting(pod) {
                continue;
            }
            let slot = if super::is_updated(pod, hash, generation) {
                &mut new
            } else {
                &mut old
            };
            if slot.is_some() {
                return None;
            }
            *slot = Some(*pod);
        }
        Some((new, old))
    }
}
