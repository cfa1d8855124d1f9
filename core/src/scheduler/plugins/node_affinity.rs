//! NodeAffinity: `spec.nodeSelector` and required node affinity rule nodes out; preferred
//! node affinity adds the weights of the terms a node matches.

use serde_json::Value;

use super::NodeInfo;
use crate::api::meta;
use crate::scheduler::{Code, Rejection};

pub const REASON: &str = "node(s) didn't match Pod's node affinity/selector";

pub fn filter(pod: &Value, info: &NodeInfo<'_>) -> Option<Rejection> {
    (!required_matches(pod, info.node))
        .then(|| Rejection::new("NodeAffinity", Code::UnschedulableAndUnresolvable, REASON))
}

/// Whether `node` satisfies the pod's nodeSelector and required node affinity (any term).
pub fn required_matches(pod: &Value, node: &Value) -> bool {
    let labels = meta::labels(node);
    let selector_ok = pod
        .pointer("/spec/nodeSelector")
        .and_then(Value::as_object)
        .is_none_or(|sel| meta::labels_match(sel, labels));
    let terms = pod
        .pointer("/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms")
        .and_then(Value::as_array);
    selector_ok && terms.is_none_or(|terms| terms.iter().any(|t| term_matches(t, node)))
}

/// A node selector term: all its label expressions and field expressions hold. An empty term
/// matches nothing, as upstream.
fn term_matches(term: &Value, node: &Value) -> bool {
    let exprs = |k: &str| {
        term.get(k)
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default()
    };
    let (label_exprs, field_exprs) = (exprs("matchExpressions"), exprs("matchFields"));
    if label_exprs.is_empty() && field_exprs.is_empty() {
        return false;
    }
    let label = |key: &str| {
        meta::labels(node)
            .and_then(|l| l.get(key))
            .and_then(Value::as_str)
    };
    let field = |key: &str| (key == "metadata.name").then(|| meta::name(node));
    label_exprs
        .iter()
        .all(|e| requirement_holds(e, label(meta::str_at(e, "/key"))))
        && field_exprs
            .iter()
            .all(|e| requirement_holds(e, field(meta::str_at(e, "/key"))))
}

fn requirement_holds(expr: &Value, actual: Option<&str>) -> bool {
    let values: Vec<&str> = expr
        .get("values")
        .and_then(Value::as_array)
        .map(|v| v.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let number = |s: &str| s.parse::<i64>().ok();
    match meta::str_at(expr, "/operator") {
        "In" => actual.is_some_and(|a| values.contains(&a)),
        "NotIn" => actual.is_none_or(|a| !values.contains(&a)),
        "Exists" => actual.is_some(),
        "DoesNotExist" => actual.is_none(),
        "Gt" => {
            matches!((actual.and_then(number), values.first().and_then(|v| number(v))), (Some(a), Some(b)) if a > b)
        }
        "Lt" => {
            matches!((actual.and_then(number), values.first().and_then(|v| number(v))), (Some(a), Some(b)) if a < b)
        }
        _ => false,
    }
}

fn preferred(pod: &Value) -> Option<&Vec<Value>> {
    pod.pointer("/spec/affinity/nodeAffinity/preferredDuringSchedulingIgnoredDuringExecution")
        .and_then(Value::as_array)
        .filter(|terms| !terms.is_empty())
}

/// Whether the pod prefers some nodes (otherwise the plugin skips scoring).
pub fn has_preferred(pod: &Value) -> bool {
    preferred(pod).is_some()
}

/// The raw score: the summed weights of the preferred terms this node matches (normalized
/// over the feasible nodes so that the best becomes 100).
pub fn score(pod: &Value, info: &NodeInfo<'_>) -> i64 {
    preferred(pod).map_or(0, |terms| {
        terms
            .iter()
            .filter(|t| {
                t.get("preference")
                    .is_some_and(|p| term_matches(p, info.node))
            })
            .map(|t| t.get("weight").and_then(Value::as_i64).unwrap_or(0))
            .sum()
    })
}
