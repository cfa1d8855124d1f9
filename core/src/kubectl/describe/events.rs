//! The `Events:` section that ends most descriptions: the core/v1 Events whose
//! `involvedObject` is the described object, oldest first, with upstream's Age cell
//! (`10s`, or `2m (x3 over 5m)` for an event seen several times).
//!
//! Events are read once per command into an index by involved object, so describing many
//! objects (or a node with many pods) never scans the event list per object.

use std::collections::BTreeMap;

use serde_json::Value;

use super::writer::{LEVEL_0, LEVEL_1, PrefixWriter};
use crate::api::meta;
use crate::kubectl::printers::columns::since;
use crate::store::Store;
use crate::time::Time;

/// Events by the namespace and name of the object they are about, each list in the API
/// server's list order (namespace, then event name).
pub struct EventIndex<'a> {
    by_object: BTreeMap<(&'a str, &'a str), Vec<&'a Value>>,
}

/// What identifies the described object to the event search: upstream's field selector on
/// `involvedObject.{name,namespace,kind,uid}` (kind and uid only when set).
pub struct EventQuery<'q> {
    pub namespace: &'q str,
    pub name: &'q str,
    pub kind: Option<&'q str>,
    pub uid: &'q str,
}

impl<'a> EventIndex<'a> {
    pub fn build(store: &'a Store) -> EventIndex<'a> {
        let mut by_object: BTreeMap<(&str, &str), Vec<&Value>> = BTreeMap::new();
        let kind = crate::controllers::kind("", "Event");
        for event in store.list(kind, None) {
            let key = (
                meta::str_at(event, "/involvedObject/namespace"),
                meta::str_at(event, "/involvedObject/name"),
            );
            by_object.entry(key).or_default().push(event);
        }
        EventIndex { by_object }
    }

    /// The events a `searchEvents` call would list: in the object's namespace (every
    /// namespace for a cluster-scoped object), matching the query's fields.
    pub fn search(&self, q: &EventQuery<'_>) -> Vec<&'a Value> {
        let Some(candidates) = self.by_object.get(&(q.namespace, q.name)) else {
            return Vec::new();
        };
        candidates
            .iter()
            .copied()
            .filter(|e| q.namespace.is_empty() || meta::namespace(e) == q.namespace)
            .filter(|e| {
                q.kind
                    .is_none_or(|k| meta::str_at(e, "/involvedObject/kind") == k)
            })
            .filter(|e| q.uid.is_empty() || meta::str_at(e, "/involvedObject/uid") == q.uid)
            .collect()
    }

    /// The events about `obj`, looked up as upstream's describers do: by kind and uid; a pod
    /// without its kind (and a mirror pod by the uid of its static pod); a node by its uid and
    /// again by its name, which the kubelet uses as the uid of the node's events.
    pub fn about(&self, obj: &Value) -> Vec<&'a Value> {
        let kind = meta::str_at(obj, "/kind");
        let mut q = EventQuery {
            namespace: meta::namespace(obj),
            name: meta::name(obj),
            kind: Some(kind),
            uid: meta::uid(obj),
        };
        match kind {
            "Pod" => {
                q.kind = None;
                if let Some(uid) =
                    meta::at(obj, "/metadata/annotations/kubernetes.io~1config.mirror")
                        .and_then(Value::as_str)
                {
                    q.uid = uid;
                }
                self.search(&q)
            }
            "Node" => {
                let mut events = self.search(&q);
                q.uid = meta::name(obj);
                events.extend(self.search(&q));
                events
            }
            _ => self.search(&q),
        }
    }
}

/// `DescribeEvents`: the table of events, oldest last-seen first, or `Events:  <none>`.
pub fn describe_events(events: &[&Value], now: Time, w: &mut PrefixWriter) {
    if events.is_empty() {
        w.write(LEVEL_0, "Events:\t<none>\n");
        return;
    }
    let mut sorted: Vec<&Value> = events.to_vec();
    // Upstream sorts by lastTimestamp only; a stable sort keeps list order among equals (as
    // Go's sort does for the short lists describe shows).
    sorted.sort_by_key(|e| timestamp(e, "/lastTimestamp").unwrap_or(Time(i64::MIN)));
    w.write(LEVEL_0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.write(LEVEL_1, "----\t------\t----\t----\t-------\n");
    for e in sorted {
        let mut message = meta::str_at(e, "/message").trim().to_string();
        let field_path = meta::str_at(e, "/involvedObject/fieldPath");
        if !field_path.is_empty() {
            message = format!("{field_path}: {message}");
        }
        let source = match meta::str_at(e, "/source/component") {
            "" => meta::str_at(e, "/reportingComponent"),
            component => component,
        };
        w.write(
            LEVEL_1,
            format!(
                "{}\t{}\t{}\t{}\t{}\n",
                meta::str_at(e, "/type"),
                meta::str_at(e, "/reason"),
                age(e, now),
                source,
                message
            ),
        );
    }
}

/// The Age cell: time since the event was first seen (its `eventTime`, else
/// `firstTimestamp`); for a series or a repeated event, time since it was last seen, how many
/// times, and over how long.
pub fn age(event: &Value, now: Time) -> String {
    let first = match timestamp(event, "/eventTime") {
        Some(_) => since(event.pointer("/eventTime"), now),
        None => since(event.pointer("/firstTimestamp"), now),
    };
    let count = event.get("count").and_then(Value::as_i64).unwrap_or(0);
    if let Some(series) = event.get("series").filter(|s| s.is_object()) {
        let series_count = series.get("count").and_then(Value::as_i64).unwrap_or(0);
        return format!(
            "{} (x{series_count} over {first})",
            since(series.get("lastObservedTime"), now)
        );
    }
    if count > 1 {
        return format!(
            "{} (x{count} over {first})",
            since(event.pointer("/lastTimestamp"), now)
        );
    }
    first
}

fn timestamp(event: &Value, pointer: &str) -> Option<Time> {
    meta::at(event, pointer)
        .and_then(Value::as_str)
        .and_then(Time::parse_rfc3339)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const NOW: Time = Time(1_767_258_600_000); // GENESIS + 10m

    fn at(secs_ago: i64) -> String {
        NOW.plus_secs(-secs_ago).rfc3339()
    }

    #[test]
    fn age_cells_as_upstream_prints_them() {
        let once = json!({"count": 1, "firstTimestamp": at(10), "lastTimestamp": at(10)});
        assert_eq!(age(&once, NOW), "10s");
        let repeated = json!({"count": 3, "firstTimestamp": at(300), "lastTimestamp": at(120)});
        assert_eq!(age(&repeated, NOW), "2m (x3 over 5m)");
        let series =
            json!({"eventTime": at(3600), "series": {"count": 225, "lastObservedTime": at(660)}});
        assert_eq!(age(&series, NOW), "11m (x225 over 60m)");
        assert_eq!(age(&json!({}), NOW), "<unknown>");
    }

    #[test]
    fn events_table_is_sorted_by_last_seen_and_names_the_field() {
        let late = json!({"type": "Normal", "reason": "Started", "message": "Started container nginx",
            "source": {"component": "kubelet"}, "count": 1,
            "firstTimestamp": at(5), "lastTimestamp": at(5),
            "involvedObject": {"fieldPath": "spec.containers{nginx}"}});
        let early = json!({"type": "Warning", "reason": "FailedScheduling", "message": " no nodes \n",
            "reportingComponent": "default-scheduler", "count": 1,
            "firstTimestamp": at(70), "lastTimestamp": at(70)});
        let mut w = PrefixWriter::new();
        describe_events(&[&late, &early], NOW, &mut w);
        assert_eq!(
            w.finish(),
            concat!(
                "Events:\n",
                "  Type     Reason            Age   From               Message\n",
                "  ----     ------            ----  ----               -------\n",
                "  Warning  FailedScheduling  70s   default-scheduler  no nodes\n",
                "  Normal   Started           5s    kubelet            spec.containers{nginx}: Started container nginx\n",
            )
        );
        let mut w = PrefixWriter::new();
        describe_events(&[], NOW, &mut w);
        assert_eq!(w.finish(), "Events:  <none>\n");
    }
}
