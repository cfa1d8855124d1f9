//! Resource quota accounting (upstream's `pkg/quota/v1` evaluators), shared by the
//! ResourceQuota admission plugin (which charges a quota as objects are created) and the
//! resource quota controller (which recounts `status.used` from what exists).
//!
//! An evaluator per kind knows which quota resources it tracks and what one object uses: pods
//! (compute resources, `pods`, `count/pods`), services (`services`, `services.nodeports`,
//! `services.loadbalancers`), claims (`requests.storage`, per-class usage) and, for every
//! other kind, an object count (`count/deployments.apps`, plus the legacy `configmaps`,
//! `secrets`, `replicationcontrollers` and `resourcequotas`).

mod pods;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::api::quantity::{Format, Quantity};
use crate::api::{Kind, meta};
use crate::store::Store;
use crate::time::Time;

pub use pods::pod_total;

/// A resource list (`requests.cpu: 500m`), parsed.
pub type Resources = BTreeMap<String, Quantity>;

/// Parses a resource list; values that are not quantities are left out.
pub fn parse(value: Option<&Value>) -> Resources {
    value
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), Quantity::parse(v.as_str()?).ok()?)))
        .collect()
}

/// A resource list as JSON, in canonical quantity form.
pub fn to_json(resources: &Resources) -> Value {
    Value::Object(
        resources
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.to_string())))
            .collect::<Map<String, Value>>(),
    )
}

/// `quota.Add`: keys of both, summed.
pub fn add(a: &Resources, b: &Resources) -> Resources {
    let mut sum = a.clone();
    for (k, v) in b {
        sum.entry(k.clone())
            .and_modify(|q| *q = q.plus(v))
            .or_insert_with(|| v.clone());
    }
    sum
}

/// `quota.Mask`: only the named resources.
pub fn mask<'a>(resources: &Resources, names: impl IntoIterator<Item = &'a String>) -> Resources {
    names
        .into_iter()
        .filter_map(|n| Some((n.clone(), resources.get(n)?.clone())))
        .collect()
}

/// The zero quantity new usage starts from (`resource.Quantity{Format: DecimalSI}`).
pub fn zero() -> Quantity {
    count(0)
}

/// A plain count (`resource.NewQuantity(n, DecimalSI)`).
pub fn count(n: i128) -> Quantity {
    Quantity::new(n, 0, Format::DecimalSI)
}

/// What kind of evaluator handles a kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Evaluator {
    Pods,
    Services,
    Claims,
    /// Counts objects only.
    Count,
}

fn evaluator(kind: &Kind) -> Evaluator {
    match (kind.group, kind.kind) {
        ("", "Pod") => Evaluator::Pods,
        ("", "Service") => Evaluator::Services,
        ("", "PersistentVolumeClaim") => Evaluator::Claims,
        _ => Evaluator::Count,
    }
}

/// `count/<resource>[.<group>]`: the object count resource of a kind.
pub fn count_name(kind: &Kind) -> String {
    format!("count/{}", kind.qualified_resource())
}

/// The pre-`count/` names some kinds are still counted under.
fn legacy_count_name(kind: &Kind) -> Option<&'static str> {
    if !kind.group.is_empty() {
        return None;
    }
    match kind.kind {
        "ConfigMap" => Some("configmaps"),
        "Secret" => Some("secrets"),
        "ReplicationController" => Some("replicationcontrollers"),
        "ResourceQuota" => Some("resourcequotas"),
        _ => None,
    }
}

/// Which of `hard` an evaluator for `kind` tracks (`MatchingResources`).
pub fn matching_resources<'a>(kind: &Kind, hard: impl Iterator<Item = &'a String>) -> Vec<String> {
    let count = count_name(kind);
    let legacy = legacy_count_name(kind);
    hard.filter(|name| match evaluator(kind) {
        Evaluator::Pods => pods::tracks(name),
        Evaluator::Services => {
            *name == &count
                || matches!(
                    name.as_str(),
                    "services" | "services.nodeports" | "services.loadbalancers"
                )
        }
        Evaluator::Claims => {
            *name == &count
                || matches!(name.as_str(), "persistentvolumeclaims" | "requests.storage")
                || name.ends_with(".storageclass.storage.k8s.io/requests.storage")
                || name.ends_with(".storageclass.storage.k8s.io/persistentvolumeclaims")
        }
        Evaluator::Count => *name == &count || Some(name.as_str()) == legacy,
    })
    .cloned()
    .collect()
}

/// What one object uses (`Evaluator.Usage`).
pub fn usage(kind: &Kind, obj: &Value, now: Time) -> Resources {
    let one = count(1);
    let mut used = Resources::new();
    used.insert(count_name(kind), one.clone());
    match evaluator(kind) {
        Evaluator::Pods => pods::usage(obj, now, &mut used),
        Evaluator::Services => {
            used.insert("services".into(), one.clone());
            let ports = obj
                .pointer("/spec/ports")
                .and_then(Value::as_array)
                .map_or(0, Vec::len) as i128;
            let (node_ports, balancers) = match meta::str_at(obj, "/spec/type") {
                "NodePort" => (ports, 0),
                "LoadBalancer" => {
                    // Without allocated node ports, only those asked for explicitly count.
                    let suppressed = obj.pointer("/spec/allocateLoadBalancerNodePorts")
                        == Some(&Value::Bool(false));
                    let counted = if suppressed {
                        obj.pointer("/spec/ports")
                            .and_then(Value::as_array)
                            .map_or(0, |p| {
                                p.iter().filter(|p| p.get("nodePort").is_some()).count()
                            }) as i128
                    } else {
                        ports
                    };
                    (counted, 1)
                }
                _ => (0, 0),
            };
            used.insert("services.nodeports".into(), count(node_ports));
            used.insert("services.loadbalancers".into(), count(balancers));
        }
        Evaluator::Claims => {
            used.insert("persistentvolumeclaims".into(), one.clone());
            let class = meta::str_at(obj, "/spec/storageClassName");
            if !class.is_empty() {
                used.insert(
                    format!("{class}.storageclass.storage.k8s.io/persistentvolumeclaims"),
                    one.clone(),
                );
            }
            if let Some(storage) = parse(obj.pointer("/spec/resources/requests")).get("storage") {
                used.insert("requests.storage".into(), storage.clone());
                if !class.is_empty() {
                    used.insert(
                        format!("{class}.storageclass.storage.k8s.io/requests.storage"),
                        storage.clone(),
                    );
                }
            }
        }
        Evaluator::Count => {
            if let Some(legacy) = legacy_count_name(kind) {
                used.insert(legacy.into(), one.clone());
            }
        }
    }
    used
}

/// Whether an admission request of this kind can change quota usage (`Evaluator.Handles`):
/// creates always; updates only where usage can change (a pod's terminating scope, a
/// service's type or ports, a claim's size).
pub fn handles_update(kind: &Kind, old: &Value, new: &Value) -> bool {
    match evaluator(kind) {
        Evaluator::Pods => pods::is_terminating(old) != pods::is_terminating(new),
        Evaluator::Services | Evaluator::Claims => true,
        Evaluator::Count => false,
    }
}

/// The scope selectors of a quota: `spec.scopes` (as `Exists`) then `spec.scopeSelector`.
fn scope_selectors(quota: &Value) -> Vec<Value> {
    let mut selectors: Vec<Value> = quota
        .pointer("/spec/scopes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|s| serde_json::json!({"scopeName": s, "operator": "Exists"}))
        .collect();
    selectors.extend(
        quota
            .pointer("/spec/scopeSelector/matchExpressions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .cloned(),
    );
    selectors
}

/// Whether `obj` falls in every scope of the quota. Only pods have scopes; a scoped quota
/// never matches other kinds (`MatchesNoScopeFunc`).
pub fn in_scopes(quota: &Value, kind: &Kind, obj: &Value) -> bool {
    scope_selectors(quota)
        .iter()
        .all(|selector| evaluator(kind) == Evaluator::Pods && pods::matches_scope(selector, obj))
}

/// `generic.Matches`: the quota tracks something of this kind (by `status.hard`) and the
/// object is in its scopes.
pub fn matches(quota: &Value, kind: &Kind, obj: &Value) -> bool {
    let hard = parse(quota.pointer("/status/hard"));
    !matching_resources(kind, hard.keys()).is_empty() && in_scopes(quota, kind, obj)
}

/// `Evaluator.Constraints`: pods must state every cpu/memory request or limit a quota tracks.
pub fn constraints(kind: &Kind, required: &[String], obj: &Value) -> Result<(), String> {
    match evaluator(kind) {
        Evaluator::Pods => pods::constraints(required, obj),
        _ => Ok(()),
    }
}

/// The kinds whose objects a quota with these hard resources counts.
fn counted_kinds(store: &Store, hard: &Resources) -> Vec<(&'static Kind, Vec<String>)> {
    let mut out = Vec::new();
    for kind in store.kinds() {
        if !kind.namespaced || !kind.verbs.contains(&"list") {
            continue;
        }
        let tracked = matching_resources(kind, hard.keys());
        if !tracked.is_empty() {
            out.push((kind, tracked));
        }
    }
    out
}

/// What the objects of a namespace use of a quota's hard resources (`quota.CalculateUsage`):
/// every tracked resource appears, at zero when nothing uses it.
pub fn calculate_usage(store: &Store, quota: &Value, now: Time) -> Resources {
    let hard = parse(quota.pointer("/spec/hard"));
    let namespace = meta::namespace(quota);
    let mut used = Resources::new();
    for (kind, tracked) in counted_kinds(store, &hard) {
        let mut kind_used: Resources = tracked.iter().map(|r| (r.clone(), zero())).collect();
        for obj in store.list(kind, Some(namespace)) {
            if in_scopes(quota, kind, obj) {
                kind_used = add(&kind_used, &mask(&usage(kind, obj, now), &tracked));
            }
        }
        used = add(&used, &kind_used);
    }
    mask(&used, hard.keys())
}
