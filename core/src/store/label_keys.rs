//! The pod strategy's `matchLabelKeys` merge (upstream `mutatePodAffinity` and
//! `mutateTopologySpreadConstraints`, run when a pod is created): each key the pod has a label
//! for becomes a `key In (value)` requirement of the term's or constraint's `labelSelector`
//! (`mismatchLabelKeys`: `key NotIn (value)`), so that the scheduler and anyone reading the pod
//! see the selector that is really applied. A term without a `labelSelector` selects nothing
//! and is left alone.

use serde_json::{Value, json};

/// Merges the label keys of every pod affinity term and spread constraint of `pod`.
pub fn merge(pod: &mut Value) {
    let labels = pod
        .pointer("/metadata/labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let Some(spec) = pod.get_mut("spec") else {
        return;
    };
    for which in ["podAffinity", "podAntiAffinity"] {
        let Some(affinity) = spec.pointer_mut(&format!("/affinity/{which}")) else {
            continue;
        };
        if let Some(terms) = affinity
            .get_mut("requiredDuringSchedulingIgnoredDuringExecution")
            .and_then(Value::as_array_mut)
        {
            for term in terms {
                merge_term(term, &labels, true);
            }
        }
        if let Some(terms) = affinity
            .get_mut("preferredDuringSchedulingIgnoredDuringExecution")
            .and_then(Value::as_array_mut)
        {
            for term in terms
                .iter_mut()
                .filter_map(|t| t.get_mut("podAffinityTerm"))
            {
                merge_term(term, &labels, true);
            }
        }
    }
    if let Some(constraints) = spec
        .get_mut("topologySpreadConstraints")
        .and_then(Value::as_array_mut)
    {
        for constraint in constraints {
            merge_term(constraint, &labels, false);
        }
    }
}

/// Appends the requirements for `matchLabelKeys` (and, for affinity terms,
/// `mismatchLabelKeys`) to the object's `labelSelector.matchExpressions`.
fn merge_term(term: &mut Value, labels: &serde_json::Map<String, Value>, mismatch_too: bool) {
    let keys = |field: &str| -> Vec<String> {
        term.get(field)
            .and_then(Value::as_array)
            .map(|l| {
                l.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut requirements = Vec::new();
    for (field, operator) in [("matchLabelKeys", "In"), ("mismatchLabelKeys", "NotIn")] {
        if field == "mismatchLabelKeys" && !mismatch_too {
            continue;
        }
        for key in keys(field) {
            if let Some(value) = labels.get(&key) {
                requirements.push(json!({"key": key, "operator": operator, "values": [value]}));
            }
        }
    }
    if requirements.is_empty() {
        return;
    }
    let Some(selector) = term.get_mut("labelSelector").and_then(Value::as_object_mut) else {
        return;
    };
    let expressions = selector
        .entry("matchExpressions")
        .or_insert_with(|| json!([]));
    if let Some(list) = expressions.as_array_mut() {
        list.extend(requirements);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_keys_become_requirements_of_the_selector() {
        let mut pod = json!({
            "metadata": {"labels": {"app": "web", "pod-template-hash": "abc", "tenant": "t1"}},
            "spec": {
                "affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
                    {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname",
                     "matchLabelKeys": ["pod-template-hash", "absent"], "mismatchLabelKeys": ["tenant"]},
                    {"topologyKey": "kubernetes.io/hostname", "matchLabelKeys": ["pod-template-hash"]}
                ]}},
                "topologySpreadConstraints": [
                    {"maxSkew": 1, "topologyKey": "zone", "whenUnsatisfiable": "DoNotSchedule",
                     "labelSelector": {"matchLabels": {"app": "web"}}, "matchLabelKeys": ["pod-template-hash"]}
                ]
            }
        });
        merge(&mut pod);
        let term = &pod["spec"]["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"];
        assert_eq!(
            term[0]["labelSelector"]["matchExpressions"],
            json!([
                {"key": "pod-template-hash", "operator": "In", "values": ["abc"]},
                {"key": "tenant", "operator": "NotIn", "values": ["t1"]}
            ])
        );
        assert!(term[1].get("labelSelector").is_none());
        assert_eq!(
            pod["spec"]["topologySpreadConstraints"][0]["labelSelector"]["matchExpressions"],
            json!([{"key": "pod-template-hash", "operator": "In", "values": ["abc"]}])
        );
    }
}
