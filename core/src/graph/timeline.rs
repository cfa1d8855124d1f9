//! The cluster's events for the page's timeline, most recent first: what `kubectl events`
//! shows, with each event's object named so that the page can select it.

use serde_json::Value;

use super::{ObjectRef, Options, SYSTEM_NAMESPACES};
use crate::api::meta;
use crate::controllers::kind;
use crate::kubectl::printers::columns::since;
use crate::store::Store;
use crate::time::Time;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    /// The event object's own id (`namespace/name`), stable across its repeats.
    pub id: String,
    /// When it last happened.
    pub at: Time,
    /// As `kubectl events` prints the LAST SEEN column (`5s`, `2m3s`).
    pub last_seen: String,
    /// `Normal` or `Warning`.
    pub type_: String,
    pub reason: String,
    pub object: ObjectRef,
    pub message: String,
    pub count: i64,
    /// Who reported it (`default-scheduler`, `kubelet, kubeplay-worker`).
    pub source: String,
}

/// The `limit` most recently recorded events of the namespaces `options` shows, newest first.
pub fn events(store: &Store, options: &Options, limit: usize) -> Vec<EventRow> {
    let now = store.now();
    let mut rows: Vec<(u64, &Value)> = store
        .list(kind("", "Event"), None)
        .filter(|e| {
            let ns = meta::namespace(e);
            options.namespace.as_deref().is_none_or(|want| want == ns)
                && (options.include_system || !SYSTEM_NAMESPACES.contains(&ns))
        })
        .map(|e| {
            let rv = meta::str_at(e, "/metadata/resourceVersion")
                .parse()
                .unwrap_or(0);
            (rv, e)
        })
        .collect();
    // The latest write first: a repeated event moves up when it happens again.
    rows.sort_by_key(|r| std::cmp::Reverse(r.0));
    rows.into_iter()
        .take(limit)
        .map(|(_, e)| row(e, now))
        .collect()
}

fn row(e: &Value, now: Time) -> EventRow {
    let last = e
        .pointer("/lastTimestamp")
        .filter(|v| !v.is_null())
        .or_else(|| e.pointer("/eventTime").filter(|v| !v.is_null()))
        .or_else(|| e.pointer("/firstTimestamp"));
    let component = meta::str_at(e, "/source/component");
    let host = meta::str_at(e, "/source/host");
    EventRow {
        id: format!("{}/{}", meta::namespace(e), meta::name(e)),
        at: last
            .and_then(Value::as_str)
            .and_then(Time::parse_rfc3339)
            .unwrap_or(now),
        last_seen: since(last, now),
        type_: meta::str_at(e, "/type").to_string(),
        reason: meta::str_at(e, "/reason").to_string(),
        object: ObjectRef::new(
            meta::str_at(e, "/involvedObject/kind"),
            meta::str_at(e, "/involvedObject/namespace"),
            meta::str_at(e, "/involvedObject/name"),
        ),
        message: meta::str_at(e, "/message").trim().to_string(),
        count: e.get("count").and_then(Value::as_i64).unwrap_or(1),
        source: if host.is_empty() {
            component.to_string()
        } else {
            format!("{component}, {host}")
        },
    }
}
