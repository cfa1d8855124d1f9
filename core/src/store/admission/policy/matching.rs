//! Which requests a policy's `matchConstraints` or a binding's `matchResources` select
//! (upstream's `matching.Matcher`): the namespace selector (on the namespace's labels, or on a
//! Namespace's own), the object selector, excluded rules, then the resource rules (operations,
//! API groups and versions, resources, scope, resource names).

use serde_json::Value;

use super::super::Request;
use crate::api::{kinds, meta, selector};
use crate::store::Store;

/// Whether `criteria` (a `MatchResources`, absent for "everything") selects the request.
pub fn matches(store: &Store, criteria: Option<&Value>, request: &Request<'_>) -> bool {
    let Some(criteria) = criteria else {
        return true;
    };
    if !namespace_selected(store, criteria.get("namespaceSelector"), request)
        || !object_selected(criteria.get("objectSelector"), request)
    {
        return false;
    }
    let rules = |key: &str| -> Vec<&Value> {
        criteria
            .get(key)
            .and_then(Value::as_array)
            .map(|r| r.iter().collect())
            .unwrap_or_default()
    };
    if rules("excludeResourceRules")
        .iter()
        .any(|r| rule_matches(r, request))
    {
        return false;
    }
    let include = rules("resourceRules");
    include.is_empty() || include.iter().any(|r| rule_matches(r, request))
}

/// A selector that is absent or empty selects everything here.
fn selects(sel: Option<&Value>, labels: Option<&serde_json::Map<String, Value>>) -> bool {
    match sel {
        None => true,
        Some(s) if s.as_object().is_none_or(|m| m.values().all(is_empty)) => true,
        Some(s) => selector::matches(Some(s), labels),
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn namespace_selected(store: &Store, sel: Option<&Value>, request: &Request<'_>) -> bool {
    let is_namespace = request.kind.kind == "Namespace" && request.kind.group.is_empty();
    if is_namespace {
        return selects(sel, meta::labels(request.subject()));
    }
    // A cluster-scoped request that is not about a namespace is never excluded.
    if !request.kind.namespaced {
        return true;
    }
    let namespace =
        kinds::by_kind("", "Namespace").and_then(|k| store.get(k, "", request.namespace()).ok());
    selects(sel, namespace.and_then(meta::labels))
}

fn object_selected(sel: Option<&Value>, request: &Request<'_>) -> bool {
    (!request.object.is_null() && selects(sel, meta::labels(request.object)))
        || request
            .old
            .is_some_and(|old| selects(sel, meta::labels(old)))
}

/// One `NamedRuleWithOperations`.
fn rule_matches(rule: &Value, request: &Request<'_>) -> bool {
    let list = |key: &str| -> Vec<&str> {
        rule.get(key)
            .and_then(Value::as_array)
            .map(|l| l.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default()
    };
    let has = |key: &str, wanted: &str| list(key).iter().any(|v| *v == "*" || *v == wanted);
    let kind = request.kind;
    let scope_ok = match meta::str_at(rule, "/scope") {
        "Cluster" => !kind.namespaced,
        "Namespaced" => kind.namespaced,
        _ => true,
    };
    // `*` takes every resource, `*/*` subresources too, `x/*` and `*/y` subresources only.
    let sub = request.subresource;
    let resource_ok = list("resources").iter().any(|r| match r.split_once('/') {
        None => sub.is_empty() && (*r == "*" || *r == kind.plural),
        Some((res, s)) => {
            (res == "*" && s == "*")
                || (!sub.is_empty() && (res == "*" || res == kind.plural) && (s == "*" || s == sub))
        }
    });
    let names = list("resourceNames");
    let name_ok = names.is_empty() || names.contains(&meta::name(request.subject()));
    has("operations", request.operation.as_str())
        && has("apiGroups", kind.group)
        && has("apiVersions", kind.version)
        && resource_ok
        && scope_ok
        && name_ok
}
