//! Which pods of a node `kubectl drain` may evict, and why not the others: kubectl's pod
//! filters, in their order — pods deleted long enough ago (with
//! `--skip-wait-for-delete-timeout`), DaemonSet pods, mirror pods, pods with emptyDir data,
//! pods without a controller. Each filter can let a pod go, skip it, warn, or refuse; the
//! first that keeps a pod decides, and a later filter's answer replaces an earlier warning
//! (so, as upstream, the emptyDir warning never shows).

use serde_json::Value;

use crate::api::meta;
use crate::controllers::kind;
use crate::store::Store;
use crate::time::{SECOND, Time};

const DAEMON_SET_FATAL: &str = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)";
const DAEMON_SET_WARNING: &str = "ignoring DaemonSet-managed Pods";
const LOCAL_STORAGE_FATAL: &str =
    "Pods with local storage (use --delete-emptydir-data to override)";
const LOCAL_STORAGE_WARNING: &str = "deleting Pods with local storage";
// Upstream's errors() puts "cannot delete " in front of this too, so drain says it twice.
const UNMANAGED_FATAL: &str =
    "cannot delete Pods that declare no controller (use --force to override)";
const UNMANAGED_WARNING: &str = "deleting Pods that declare no controller";

/// The flags that decide the filters.
#[derive(Clone, Copy, Debug, Default)]
pub struct Rules {
    pub force: bool,
    pub ignore_daemonsets: bool,
    pub delete_emptydir_data: bool,
    pub skip_wait_for_delete_seconds: i64,
}

/// A filter's answer about a pod (`PodDeleteStatus`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Okay,
    Skip,
    Warning { delete: bool, message: String },
    Error(String),
}

impl Verdict {
    fn deletes(&self) -> bool {
        matches!(self, Verdict::Okay | Verdict::Warning { delete: true, .. })
    }
}

/// The pods of a node with each one's verdict, in the API's list order.
pub struct PodList(pub Vec<(Value, Verdict)>);

impl PodList {
    /// `GetPodsForDeletion`: the pods on `node` (matching `--pod-selector`), filtered.
    pub fn for_node(
        store: &Store,
        node: &str,
        pod_selector: Option<&super::super::get::LabelSelector>,
        rules: Rules,
    ) -> PodList {
        let now = store.now();
        PodList(
            store
                .list(kind("", "Pod"), None)
                .filter(|p| meta::str_at(p, "/spec/nodeName") == node)
                .filter(|p| pod_selector.is_none_or(|s| s.matches(p)))
                .map(|p| (p.clone(), verdict(p, rules, store, now)))
                .collect(),
        )
    }

    /// The pods to evict or delete.
    pub fn pods(&self) -> Vec<&Value> {
        self.0
            .iter()
            .filter(|(_, v)| v.deletes())
            .map(|(p, _)| p)
            .collect()
    }

    /// `Warnings()`: `message: ns/pod, ns/pod` per message, joined with `; `.
    pub fn warnings(&self) -> String {
        grouped(&self.0, |v| match v {
            Verdict::Warning { message, .. } => Some(message.as_str()),
            _ => None,
        })
        .into_iter()
        .map(|(message, pods)| format!("{message}: {}", pods.join(", ")))
        .collect::<Vec<_>>()
        .join("; ")
    }

    /// `errors()`: `cannot delete <message>: ns/pod, ns/pod`, one per message.
    pub fn errors(&self) -> Vec<String> {
        grouped(&self.0, |v| match v {
            Verdict::Error(message) => Some(message.as_str()),
            _ => None,
        })
        .into_iter()
        .map(|(message, pods)| format!("cannot delete {message}: {}", pods.join(", ")))
        .collect()
    }
}

/// Pods grouped by message. Upstream groups them in a Go map, whose order varies from run to
/// run; here groups come in the order of their first pod.
fn grouped<'a>(
    items: &'a [(Value, Verdict)],
    message: impl Fn(&'a Verdict) -> Option<&'a str>,
) -> Vec<(&'a str, Vec<String>)> {
    let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
    for (pod, v) in items {
        let Some(m) = message(v) else { continue };
        let name = format!("{}/{}", meta::namespace(pod), meta::name(pod));
        match groups.iter_mut().find(|(g, _)| *g == m) {
            Some((_, pods)) => pods.push(name),
            None => groups.push((m, vec![name])),
        }
    }
    groups
}

/// Runs the filters in order; the first that keeps the pod has the last word.
fn verdict(pod: &Value, rules: Rules, store: &Store, now: Time) -> Verdict {
    let filters: [&dyn Fn() -> Verdict; 5] = [
        &|| skip_deleted(pod, rules, now),
        &|| daemon_set(pod, rules, store),
        &|| mirror(pod),
        &|| local_storage(pod, rules),
        &|| unreplicated(pod, rules),
    ];
    let mut last = Verdict::Okay;
    for filter in filters {
        last = filter();
        if !last.deletes() {
            break;
        }
    }
    last
}

fn finished(pod: &Value) -> bool {
    matches!(meta::str_at(pod, "/status/phase"), "Succeeded" | "Failed")
}

/// `shouldSkipPod`: deleted more than `--skip-wait-for-delete-timeout` seconds ago.
pub fn deleted_long_ago(pod: &Value, seconds: i64, now: Time) -> bool {
    seconds > 0
        && Time::parse_rfc3339(meta::str_at(pod, "/metadata/deletionTimestamp"))
            .is_some_and(|at| now.since(at) / SECOND > seconds)
}

fn skip_deleted(pod: &Value, rules: Rules, now: Time) -> Verdict {
    if deleted_long_ago(pod, rules.skip_wait_for_delete_seconds, now) {
        Verdict::Skip
    } else {
        Verdict::Okay
    }
}

fn daemon_set(pod: &Value, rules: Rules, store: &Store) -> Verdict {
    let Some(owner) = meta::controller_of(pod) else {
        return Verdict::Okay;
    };
    if meta::str_at(owner, "/kind") != "DaemonSet"
        || meta::str_at(owner, "/apiVersion") != "apps/v1"
        || finished(pod)
    {
        return Verdict::Okay;
    }
    if let Err(status) = store.get(
        kind("apps", "DaemonSet"),
        meta::namespace(pod),
        meta::str_at(owner, "/name"),
    ) {
        // An orphan of a deleted DaemonSet goes with --force.
        if status.reason == crate::api::Reason::NotFound && rules.force {
            return Verdict::Warning {
                delete: true,
                message: status.message,
            };
        }
        return Verdict::Error(status.message);
    }
    if rules.ignore_daemonsets {
        Verdict::Warning {
            delete: false,
            message: DAEMON_SET_WARNING.into(),
        }
    } else {
        Verdict::Error(DAEMON_SET_FATAL.into())
    }
}

fn mirror(pod: &Value) -> Verdict {
    let mirrored = meta::at(pod, "/metadata/annotations")
        .and_then(Value::as_object)
        .is_some_and(|a| a.contains_key("kubernetes.io/config.mirror"));
    if mirrored {
        Verdict::Skip
    } else {
        Verdict::Okay
    }
}

fn local_storage(pod: &Value, rules: Rules) -> Verdict {
    let has_empty_dir = pod
        .pointer("/spec/volumes")
        .and_then(Value::as_array)
        .is_some_and(|vs| vs.iter().any(|v| v.get("emptyDir").is_some()));
    if !has_empty_dir || finished(pod) {
        Verdict::Okay
    } else if rules.delete_emptydir_data {
        Verdict::Warning {
            delete: true,
            message: LOCAL_STORAGE_WARNING.into(),
        }
    } else {
        Verdict::Error(LOCAL_STORAGE_FATAL.into())
    }
}

fn unreplicated(pod: &Value, rules: Rules) -> Verdict {
    if finished(pod) || meta::controller_of(pod).is_some() {
        Verdict::Okay
    } else if rules.force {
        Verdict::Warning {
            delete: true,
            message: UNMANAGED_WARNING.into(),
        }
    } else {
        Verdict::Error(UNMANAGED_FATAL.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn filters_refuse_warn_or_skip_as_kubectl_does() {
        let bare = json!({"metadata": {"name": "p"}, "spec": {}});
        let strict = Rules::default();
        let forced = Rules {
            force: true,
            delete_emptydir_data: true,
            ..Rules::default()
        };
        assert_eq!(
            unreplicated(&bare, strict),
            Verdict::Error(UNMANAGED_FATAL.into())
        );
        assert!(unreplicated(&bare, forced).deletes());
        let scratch = json!({"spec": {"volumes": [{"name": "tmp", "emptyDir": {}}]}});
        assert_eq!(
            local_storage(&scratch, strict),
            Verdict::Error(LOCAL_STORAGE_FATAL.into())
        );
        assert!(local_storage(&scratch, forced).deletes());
        let static_pod = json!({"metadata": {"annotations": {"kubernetes.io/config.mirror": "x"}}});
        assert_eq!(mirror(&static_pod), Verdict::Skip);
        let gone = json!({"metadata": {"deletionTimestamp": Time::GENESIS.rfc3339()}});
        assert!(deleted_long_ago(&gone, 10, Time::GENESIS.plus_secs(11)));
        assert!(!deleted_long_ago(&gone, 10, Time::GENESIS.plus_secs(10)));
        assert!(!deleted_long_ago(&gone, 0, Time::GENESIS.plus_secs(100)));
    }

    #[test]
    fn messages_group_pods_in_order_of_appearance() {
        let pod = |n: &str| json!({"metadata": {"name": n, "namespace": "ns"}});
        let list = PodList(vec![
            (pod("a"), Verdict::Error(DAEMON_SET_FATAL.into())),
            (pod("b"), Verdict::Error(UNMANAGED_FATAL.into())),
            (pod("c"), Verdict::Error(DAEMON_SET_FATAL.into())),
            (
                pod("d"),
                Verdict::Warning {
                    delete: false,
                    message: DAEMON_SET_WARNING.into(),
                },
            ),
        ]);
        assert_eq!(
            list.errors(),
            [
                "cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): ns/a, ns/c",
                "cannot delete cannot delete Pods that declare no controller (use --force to override): ns/b",
            ]
        );
        assert_eq!(list.warnings(), "ignoring DaemonSet-managed Pods: ns/d");
        assert!(list.pods().is_empty());
    }
}
