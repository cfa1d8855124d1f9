//! Autoscaling, disruption, scheduling and access policy: HorizontalPodAutoscalers,
//! PodDisruptionBudgets, PriorityClasses, Roles and ClusterRoles (their rules broken down and
//! compacted as upstream does) and their bindings.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Ctx;
use super::fields::{
    annotations_multiline, conditions_table, format_label_selector, go_list, header, int_at,
    int_or_string, labels_multiline, list_at, name_and_namespace, object_at, quantity, rfc1123z,
    strings_at,
};
use super::writer::{LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, PrefixWriter};
use crate::api::{meta, selector};

pub fn horizontal_pod_autoscaler(ctx: &Ctx<'_>, hpa: &Value) -> String {
    let mut w = PrefixWriter::new();
    header(&mut w, hpa);
    w.write(
        LEVEL_0,
        format!(
            "CreationTimestamp:\t{}\n",
            rfc1123z(hpa.pointer("/metadata/creationTimestamp"))
        ),
    );
    let target_kind = meta::str_at(hpa, "/spec/scaleTargetRef/kind");
    w.write(
        LEVEL_0,
        format!(
            "Reference:\t{target_kind}/{}\n",
            meta::str_at(hpa, "/spec/scaleTargetRef/name")
        ),
    );
    w.write(LEVEL_0, "Metrics:\t( current / target )\n");
    let current = list_at(hpa, "/status/currentMetrics");
    for (i, metric) in list_at(hpa, "/spec/metrics").iter().enumerate() {
        hpa_metric(&mut w, metric, current.get(i));
    }
    let min = hpa
        .pointer("/spec/minReplicas")
        .and_then(Value::as_i64)
        .map_or_else(|| "<unset>".to_string(), |m| m.to_string());
    w.write(LEVEL_0, format!("Min replicas:\t{min}\n"));
    w.write(
        LEVEL_0,
        format!("Max replicas:\t{}\n", int_at(hpa, "/spec/maxReplicas")),
    );
    if let Some(behavior) = hpa.pointer("/spec/behavior").filter(|b| b.is_object()) {
        w.write(LEVEL_0, "Behavior:\n");
        for (field, label) in [("scaleUp", "Scale Up"), ("scaleDown", "Scale Down")] {
            let Some(rules) = behavior.get(field).filter(|r| r.is_object()) else {
                continue;
            };
            w.write(LEVEL_1, format!("{label}:\n"));
            if let Some(window) = rules
                .get("stabilizationWindowSeconds")
                .and_then(Value::as_i64)
            {
                w.write(LEVEL_2, format!("Stabilization Window: {window} seconds\n"));
            }
            let policies = list_at(rules, "/policies");
            if !policies.is_empty() {
                let select = rules
                    .get("selectPolicy")
                    .and_then(Value::as_str)
                    .unwrap_or("Max");
                w.write(LEVEL_2, format!("Select Policy: {select}\n"));
                w.write(LEVEL_2, "Policies:\n");
                for p in policies {
                    w.write(
                        LEVEL_3,
                        format!(
                            "- Type: {}\tValue: {}\tPeriod: {} seconds\n",
                            meta::str_at(p, "/type"),
                            int_at(p, "/value"),
                            int_at(p, "/periodSeconds")
                        ),
                    );
                }
            }
        }
    }
    w.write(LEVEL_0, format!("{target_kind} pods:\t"));
    w.write(
        LEVEL_0,
        format!(
            "{} current / {} desired\n",
            int_at(hpa, "/status/currentReplicas"),
            int_at(hpa, "/status/desiredReplicas")
        ),
    );
    conditions_table(
        &mut w,
        list_at(hpa, "/status/conditions"),
        "Type\tStatus\tReason\tMessage",
        "----\t------\t------\t-------",
        |c| {
            format!(
                "{}\t{}\t{}\t{}",
                meta::str_at(c, "/type"),
                meta::str_at(c, "/status"),
                meta::str_at(c, "/reason"),
                meta::str_at(c, "/message")
            )
        },
    );
    ctx.events_section(hpa, &mut w);
    w.finish()
}

/// One `Metrics:` line of an autoscaling/v2 HPA, with the matching current metric.
fn hpa_metric(w: &mut PrefixWriter, metric: &Value, current: Option<&Value>) {
    let q = |v: Option<&Value>| v.map_or_else(|| "<nil>".to_string(), quantity);
    let kind = meta::str_at(metric, "/type");
    // The current value of this metric's source, if the status has one.
    let now = |source: &str, field: &str| {
        current
            .and_then(|c| c.get(source))
            .filter(|s| s.is_object())
            .map(|s| q(s.pointer(&format!("/current/{field}"))))
            .unwrap_or_else(|| "<unknown>".into())
    };
    match kind {
        "External" => {
            let name = go_quote(meta::str_at(metric, "/external/metric/name"));
            if let Some(avg) = metric.pointer("/external/target/averageValue") {
                w.write(
                    LEVEL_1,
                    format!(
                        "{name} (target average value):\t{} / {}\n",
                        now("external", "averageValue"),
                        quantity(avg)
                    ),
                );
            } else {
                w.write(
                    LEVEL_1,
                    format!(
                        "{name} (target value):\t{} / {}\n",
                        now("external", "value"),
                        q(metric.pointer("/external/target/value"))
                    ),
                );
            }
        }
        "Pods" => w.write(
            LEVEL_1,
            format!(
                "{} on pods:\t{} / {}\n",
                go_quote(meta::str_at(metric, "/pods/metric/name")),
                now("pods", "averageValue"),
                q(metric.pointer("/pods/target/averageValue"))
            ),
        ),
        "Object" => {
            w.write(
                LEVEL_1,
                format!(
                    "\"{}\" on {}/{} ",
                    meta::str_at(metric, "/object/metric/name"),
                    meta::str_at(metric, "/object/describedObject/kind"),
                    meta::str_at(metric, "/object/describedObject/name")
                ),
            );
            if meta::str_at(metric, "/object/target/type") == "AverageValue" {
                w.write(
                    LEVEL_0,
                    format!(
                        "(target average value):\t{} / {}\n",
                        now("object", "averageValue"),
                        q(metric.pointer("/object/target/averageValue"))
                    ),
                );
            } else {
                w.write(
                    LEVEL_0,
                    format!(
                        "(target value):\t{} / {}\n",
                        now("object", "value"),
                        q(metric.pointer("/object/target/value"))
                    ),
                );
            }
        }
        "Resource" | "ContainerResource" => {
            let source = if kind == "Resource" {
                "resource"
            } else {
                "containerResource"
            };
            let spec = metric.get(source);
            let resource = spec.map_or("", |s| meta::str_at(s, "/name"));
            if kind == "Resource" {
                w.write(LEVEL_1, format!("resource {resource} on pods"));
            } else {
                w.write(
                    LEVEL_1,
                    format!(
                        "resource {resource} of container \"{}\" on pods",
                        spec.map_or("", |s| meta::str_at(s, "/container"))
                    ),
                );
            }
            if let Some(avg) = spec.and_then(|s| s.pointer("/target/averageValue")) {
                w.write(
                    LEVEL_0,
                    format!(":\t{} / {}\n", now(source, "averageValue"), quantity(avg)),
                );
            } else {
                let status = current
                    .and_then(|c| c.get(source))
                    .filter(|s| s.is_object());
                let current_text = match status
                    .and_then(|s| s.pointer("/current/averageUtilization"))
                    .and_then(Value::as_i64)
                {
                    Some(pct) => format!(
                        "{pct}% ({})",
                        q(status.and_then(|s| s.pointer("/current/averageValue")))
                    ),
                    None => "<unknown>".into(),
                };
                let target = spec
                    .and_then(|s| s.pointer("/target/averageUtilization"))
                    .and_then(Value::as_i64)
                    .map_or_else(|| "<auto>".to_string(), |t| format!("{t}%"));
                w.write(
                    LEVEL_1,
                    format!("(as a percentage of request):\t{current_text} / {target}\n"),
                );
            }
        }
        other => w.write(
            LEVEL_1,
            format!("<unknown metric type {}>\n", go_quote(other)),
        ),
    }
}

/// Go's `%q` of a plain string.
fn go_quote(s: &str) -> String {
    format!("{s:?}")
}

pub fn pod_disruption_budget(ctx: &Ctx<'_>, pdb: &Value) -> String {
    let mut w = PrefixWriter::new();
    name_and_namespace(&mut w, pdb);
    if let Some(min) = pdb.pointer("/spec/minAvailable").filter(|v| !v.is_null()) {
        w.write(
            LEVEL_0,
            format!("Min available:\t{}\n", int_or_string(Some(min))),
        );
    } else if let Some(max) = pdb.pointer("/spec/maxUnavailable").filter(|v| !v.is_null()) {
        w.write(
            LEVEL_0,
            format!("Max unavailable:\t{}\n", int_or_string(Some(max))),
        );
    }
    match pdb.pointer("/spec/selector").filter(|s| s.is_object()) {
        Some(s) => w.write(
            LEVEL_0,
            format!("Selector:\t{}\n", format_label_selector(Some(s))),
        ),
        None => w.write(LEVEL_0, "Selector:\t<unset>\n"),
    }
    w.write(LEVEL_0, "Status:\n");
    for (label, field) in [
        ("Allowed disruptions", "disruptionsAllowed"),
        ("Current", "currentHealthy"),
        ("Desired", "desiredHealthy"),
        ("Total", "expectedPods"),
    ] {
        w.write(
            LEVEL_2,
            format!("{label}:\t{}\n", int_at(pdb, &format!("/status/{field}"))),
        );
    }
    ctx.events_section(pdb, &mut w);
    w.finish()
}

pub fn priority_class(ctx: &Ctx<'_>, pc: &Value) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, format!("Name:\t{}\n", meta::name(pc)));
    w.write(LEVEL_0, format!("Value:\t{}\n", int_at(pc, "/value")));
    w.write(
        LEVEL_0,
        format!(
            "GlobalDefault:\t{}\n",
            pc.get("globalDefault")
                .and_then(Value::as_bool)
                .unwrap_or(false)
        ),
    );
    w.write(
        LEVEL_0,
        format!(
            "PreemptionPolicy:\t{}\n",
            meta::str_at(pc, "/preemptionPolicy")
        ),
    );
    w.write(
        LEVEL_0,
        format!("Description:\t{}\n", meta::str_at(pc, "/description")),
    );
    w.write(
        LEVEL_0,
        format!(
            "Annotations:\t{}\n",
            selector::format_labels(object_at(pc, "/metadata/annotations"))
        ),
    );
    ctx.events_section(pc, &mut w);
    w.finish()
}

/// One rule of a Role after `BreakdownRule`/`CompactRules`.
#[derive(Clone, Default, PartialEq, Eq)]
struct Rule {
    verbs: Vec<String>,
    groups: Vec<String>,
    resources: Vec<String>,
    names: Vec<String>,
    urls: Vec<String>,
}

impl Rule {
    /// The generated `PolicyRule.String()`, which upstream sorts the table by.
    fn sort_key(&self) -> String {
        let list = |v: &[String]| format!("[{}]", v.join(" "));
        format!(
            "&PolicyRule{{Verbs:{},APIGroups:{},Resources:{},ResourceNames:{},NonResourceURLs:{},}}",
            list(&self.verbs),
            list(&self.groups),
            list(&self.resources),
            list(&self.names),
            list(&self.urls)
        )
    }
}

/// The rules as upstream's describer lists them: every rule broken down into one verb on one
/// resource (or URL), then the resource rules merged again per group, resource and name.
fn compact_rules(role: &Value) -> Vec<Rule> {
    let one = |v: &str| vec![v.to_string()];
    let mut non_resource: Vec<Rule> = Vec::new();
    // (group, resource, name) → verbs, in first-seen order.
    let mut simple: BTreeMap<(String, String, Option<String>), Vec<String>> = BTreeMap::new();
    for rule in list_at(role, "/rules") {
        let verbs = strings_at(rule, "/verbs");
        let names = strings_at(rule, "/resourceNames");
        for group in strings_at(rule, "/apiGroups") {
            for resource in strings_at(rule, "/resources") {
                for verb in &verbs {
                    let keys: Vec<Option<String>> = if names.is_empty() {
                        vec![None]
                    } else {
                        names.iter().map(|n| Some(n.to_string())).collect()
                    };
                    for name in keys {
                        let merged = simple
                            .entry((group.to_string(), resource.to_string(), name))
                            .or_default();
                        if !merged.iter().any(|v| v == verb) {
                            merged.push(verb.to_string());
                        }
                    }
                }
            }
        }
        for url in strings_at(rule, "/nonResourceURLs") {
            for verb in &verbs {
                non_resource.push(Rule {
                    verbs: one(verb),
                    urls: one(url),
                    ..Rule::default()
                });
            }
        }
    }
    let mut rules = non_resource;
    rules.extend(
        simple
            .into_iter()
            .map(|((group, resource, name), verbs)| Rule {
                verbs,
                groups: vec![group],
                resources: vec![resource],
                names: name.into_iter().collect(),
                urls: Vec::new(),
            }),
    );
    rules.sort_by_cached_key(Rule::sort_key);
    rules
}

/// `CombineResourceGroup`: `resource.group/subresource`.
fn resource_with_group(rule: &Rule) -> String {
    let Some(first) = rule.resources.first() else {
        return String::new();
    };
    let (resource, sub) = match first.split_once('/') {
        Some((r, s)) => (r, Some(s)),
        None => (first.as_str(), None),
    };
    let mut text = resource.to_string();
    if let Some(group) = rule.groups.first().filter(|g| !g.is_empty()) {
        text.push('.');
        text.push_str(group);
    }
    if let Some(sub) = sub {
        text.push('/');
        text.push_str(sub);
    }
    text
}

/// Roles and ClusterRoles (no namespace line and no events, as upstream).
pub fn role(role: &Value) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, format!("Name:\t{}\n", meta::name(role)));
    labels_multiline(&mut w, "Labels", object_at(role, "/metadata/labels"));
    annotations_multiline(
        &mut w,
        "Annotations",
        object_at(role, "/metadata/annotations"),
    );
    w.write(LEVEL_0, "PolicyRule:\n");
    w.write(
        LEVEL_1,
        "Resources\tNon-Resource URLs\tResource Names\tVerbs\n",
    );
    w.write(
        LEVEL_1,
        "---------\t-----------------\t--------------\t-----\n",
    );
    for [resources, urls, names, verbs] in rule_rows(role) {
        w.write(LEVEL_1, format!("{resources}\t{urls}\t{names}\t{verbs}\n"));
    }
    w.finish()
}

/// The rules of `role` (an object with `rules`) as the rows of kubectl's rule tables
/// (`describe role`, `auth can-i --list`): resources with their group, non-resource URLs,
/// resource names and verbs, after upstream's breakdown, compaction and sort.
pub(crate) fn rule_rows(role: &Value) -> Vec<[String; 4]> {
    let list = |v: &[String]| go_list(&v.iter().map(String::as_str).collect::<Vec<_>>());
    compact_rules(role)
        .iter()
        .map(|rule| {
            [
                resource_with_group(rule),
                list(&rule.urls),
                list(&rule.names),
                list(&rule.verbs),
            ]
        })
        .collect()
}

/// RoleBindings and ClusterRoleBindings.
pub fn role_binding(binding: &Value) -> String {
    let mut w = PrefixWriter::new();
    w.write(LEVEL_0, format!("Name:\t{}\n", meta::name(binding)));
    labels_multiline(&mut w, "Labels", object_at(binding, "/metadata/labels"));
    annotations_multiline(
        &mut w,
        "Annotations",
        object_at(binding, "/metadata/annotations"),
    );
    w.write(LEVEL_0, "Role:\n");
    w.write(
        LEVEL_1,
        format!("Kind:\t{}\n", meta::str_at(binding, "/roleRef/kind")),
    );
    w.write(
        LEVEL_1,
        format!("Name:\t{}\n", meta::str_at(binding, "/roleRef/name")),
    );
    w.write(LEVEL_0, "Subjects:\n");
    w.write(LEVEL_1, "Kind\tName\tNamespace\n");
    w.write(LEVEL_1, "----\t----\t---------\n");
    for s in list_at(binding, "/subjects") {
        w.write(
            LEVEL_1,
            format!(
                "{}\t{}\t{}\n",
                meta::str_at(s, "/kind"),
                meta::str_at(s, "/name"),
                meta::str_at(s, "/namespace")
            ),
        );
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn role_rules_are_broken_down_compacted_and_sorted() {
        let role = json!({"metadata": {"name": "reader"}, "rules": [
            {"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list"]},
            {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get"], "resourceNames": ["web"]},
            {"apiGroups": [""], "resources": ["pods"], "verbs": ["watch", "get"]},
            {"nonResourceURLs": ["/healthz"], "verbs": ["get"]},
        ]});
        assert_eq!(
            super::role(&role),
            concat!(
                "Name:         reader\n",
                "Labels:       <none>\n",
                "Annotations:  <none>\n",
                "PolicyRule:\n",
                "  Resources         Non-Resource URLs  Resource Names  Verbs\n",
                "  ---------         -----------------  --------------  -----\n",
                "  pods              []                 []              [get list watch]\n",
                "  pods/log          []                 []              [get list]\n",
                "                    [/healthz]         []              [get]\n",
                "  deployments.apps  []                 [web]           [get]\n",
            )
        );
    }
}
