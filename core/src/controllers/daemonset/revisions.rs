//! A DaemonSet's template history (upstream's `constructHistory`, `snapshot`,
//! `cleanupHistory`): the ControllerRevision whose data is the current template is the current
//! revision, renumbered to the newest when an old template comes back (a rollback); a new
//! template gets a new revision, named `<daemonset>-<hash>`. Old revisions no pod runs go,
//! oldest first, beyond `revisionHistoryLimit`.

use serde_json::{Value, json};

use super::Sync;
use crate::api::meta;
use crate::controllers::deployment::template_hash;
use crate::controllers::history::{self, POD_HASH_LABEL};
use crate::controllers::{ObjectKey, Op, int_at, kind};
use crate::store::DeleteOptions;

impl Sync<'_> {
    /// The current revision's hash, and the other revisions; `None` after a hash collision.
    pub(super) fn construct_history(&mut self) -> Option<(String, Vec<Value>)> {
        let ds = self.ds;
        let data = history::patch(ds);
        let (current, old): (Vec<&Value>, Vec<&Value>) = history::list(ds, self.store)
            .into_iter()
            .partition(|r| r.get("data") == Some(&data));
        let next = old
            .iter()
            .map(|r| int_at(r, "/revision"))
            .max()
            .unwrap_or(0)
            + 1;
        let old: Vec<Value> = old.into_iter().cloned().collect();
        // Of several equal ones, the newest stays (`dedupCurHistories`).
        let Some(&kept) = current.iter().max_by_key(|r| int_at(r, "/revision")) else {
            return self.snapshot(next).map(|hash| (hash, old));
        };
        for duplicate in current.iter().filter(|r| meta::name(r) != meta::name(kept)) {
            self.ops.push(Op::Delete {
                kind: kind("apps", "ControllerRevision"),
                key: ObjectKey::of(duplicate),
                options: DeleteOptions::default(),
                event: None,
            });
        }
        if int_at(kept, "/revision") < next {
            let mut renumbered = kept.clone();
            renumbered["revision"] = json!(next);
            self.ops
                .push(Op::Update(kind("apps", "ControllerRevision"), renumbered));
        }
        Some((hash_of(kept), old))
    }

    /// `snapshot`: a new revision for the current template. A name already taken by other
    /// data is a collision: `collisionCount` goes up and the next sync hashes again.
    fn snapshot(&mut self, number: i64) -> Option<String> {
        let ds = self.ds;
        let collisions = int_at(ds, "/status/collisionCount");
        let hash = template_hash(ds.pointer("/spec/template"), collisions);
        let revision = history::new_revision(ds, number, &hash, POD_HASH_LABEL);
        let rev_kind = kind("apps", "ControllerRevision");
        match self
            .store
            .get(rev_kind, meta::namespace(ds), meta::name(&revision))
        {
            Ok(existing) if existing.get("data") == revision.get("data") => Some(hash),
            Ok(_) => {
                self.collision_count = Some(collisions + 1);
                None
            }
            Err(_) => {
                self.ops.push(Op::Create {
                    kind: rev_kind,
                    object: revision,
                    event: None,
                });
                Some(hash)
            }
        }
    }

    /// `cleanupHistory`: old revisions beyond the limit that no pod runs, oldest first.
    pub(super) fn cleanup_history(&mut self, old: &[Value]) {
        let limit = int_at(self.ds, "/spec/revisionHistoryLimit").max(0) as usize;
        let mut excess = old.len().saturating_sub(limit);
        if excess == 0 {
            return;
        }
        let live: Vec<&str> = self
            .by_node
            .values()
            .flatten()
            .map(|p| history::of_pod(p))
            .filter(|h| !h.is_empty())
            .collect();
        let mut old: Vec<&Value> = old.iter().collect();
        old.sort_by_key(|r| int_at(r, "/revision"));
        for revision in old {
            if excess == 0 {
                break;
            }
            if live.contains(&hash_of(revision).as_str()) {
                continue;
            }
            self.ops.push(Op::Delete {
                kind: kind("apps", "ControllerRevision"),
                key: ObjectKey::of(revision),
                options: DeleteOptions::default(),
                event: None,
            });
            excess -= 1;
        }
    }
}

/// The hash a DaemonSet revision carries in its label (its name's suffix otherwise).
fn hash_of(revision: &Value) -> String {
    meta::labels(revision)
        .and_then(|l| l.get(POD_HASH_LABEL))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| {
            meta::name(revision)
                .rsplit('-')
                .next()
                .unwrap_or("")
                .to_string()
        })
}
