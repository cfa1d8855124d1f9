//! Upstream's RBAC authorizer (`plugin/pkg/auth/authorizer/rbac`): a request is allowed when a
//! rule of a role bound to the user allows it. Bindings are visited in upstream's order —
//! every ClusterRoleBinding, then the RoleBindings of the request's namespace — and a binding
//! applies through a subject naming the user, one of its groups, or its service account.
//! Rules match by verb, API group, resource (`pods/log` for a subresource, `*/scale`), resource
//! name and non-resource URL (a trailing `*` is a prefix), each with `*` for anything.
//!
//! Before RBAC, the API server allows the privileged group `system:masters` everything.

use serde_json::{Value, json};

use super::{Attributes, Decision, SYSTEM_MASTERS, UserInfo};
use crate::api::validation::field::go_quote;
use crate::api::{kinds, meta};
use crate::store::Store;

const GROUP: &str = "rbac.authorization.k8s.io";

/// Whether `user` may do what `attrs` describe.
pub fn authorize(store: &Store, user: &UserInfo, attrs: &Attributes) -> Decision {
    if user.groups.iter().any(|g| g == SYSTEM_MASTERS) {
        return Decision {
            allowed: true,
            reason: String::new(),
        };
    }
    let namespace = match attrs {
        Attributes::Resource { namespace, .. } => namespace.as_str(),
        Attributes::NonResource { .. } => "",
    };
    let mut allowed = false;
    let errors = visit_rules(store, user, namespace, &mut |rule| {
        allowed = rule_allows(rule, attrs);
        !allowed
    });
    Decision {
        allowed,
        reason: if allowed || errors.is_empty() {
            String::new()
        } else {
            format!("RBAC: {}", aggregate(&errors))
        },
    }
}

/// Every rule that applies to `user` in `namespace` (cluster-wide ones only when it is empty),
/// as a SelfSubjectRulesReview lists them; the second value holds the errors met on the way
/// (bindings to missing roles), which make the list incomplete.
pub fn rules_for(store: &Store, user: &UserInfo, namespace: &str) -> (Vec<Value>, Vec<String>) {
    let mut rules = Vec::new();
    if user.groups.iter().any(|g| g == SYSTEM_MASTERS) {
        rules.push(json!({"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}));
        rules.push(json!({"verbs": ["*"], "nonResourceURLs": ["*"]}));
    }
    let errors = visit_rules(store, user, namespace, &mut |rule| {
        rules.push(rule.clone());
        true
    });
    (rules, errors)
}

/// Calls `visit` with each rule bound to `user` until it returns false; returns the errors
/// met (upstream's `VisitRulesFor`).
fn visit_rules(
    store: &Store,
    user: &UserInfo,
    namespace: &str,
    visit: &mut dyn FnMut(&Value) -> bool,
) -> Vec<String> {
    let mut errors = Vec::new();
    let mut bindings: Vec<(&Value, &str)> = Vec::new();
    if let Some(kind) = kinds::by_kind(GROUP, "ClusterRoleBinding") {
        bindings.extend(store.list(kind, None).map(|b| (b, "")));
    }
    if !namespace.is_empty()
        && let Some(kind) = kinds::by_kind(GROUP, "RoleBinding")
    {
        bindings.extend(store.list(kind, Some(namespace)).map(|b| (b, namespace)));
    }
    for (binding, binding_namespace) in bindings {
        if !meta::array_at(binding, "/subjects")
            .iter()
            .any(|s| applies_to(user, s, binding_namespace))
        {
            continue;
        }
        match role_rules(store, binding, binding_namespace) {
            Ok(rules) => {
                for rule in rules {
                    if !visit(rule) {
                        return errors;
                    }
                }
            }
            Err(error) => errors.push(error),
        }
    }
    errors
}

/// The rules of the role a binding refers to (`GetRoleReferenceRules`).
fn role_rules<'a>(
    store: &'a Store,
    binding: &Value,
    namespace: &str,
) -> Result<&'a [Value], String> {
    let name = meta::str_at(binding, "/roleRef/name");
    let (kind, singular, namespace) = match meta::str_at(binding, "/roleRef/kind") {
        "Role" => ("Role", "role", namespace),
        "ClusterRole" => ("ClusterRole", "clusterrole", ""),
        other => {
            return Err(format!(
                "unsupported role reference kind: {}",
                go_quote(other)
            ));
        }
    };
    kinds::by_kind(GROUP, kind)
        .and_then(|k| store.lookup(k, namespace, name))
        .map(|role| meta::array_at(role, "/rules"))
        .ok_or_else(|| format!("{singular}.{GROUP} {} not found", go_quote(name)))
}

/// Whether a binding's subject is the user (`appliesToUser`); a service account subject
/// without a namespace means the binding's own.
fn applies_to(user: &UserInfo, subject: &Value, binding_namespace: &str) -> bool {
    let name = meta::str_at(subject, "/name");
    match meta::str_at(subject, "/kind") {
        "User" => user.name == name,
        "Group" => user.groups.iter().any(|g| g == name),
        "ServiceAccount" => {
            let namespace = match meta::str_at(subject, "/namespace") {
                "" => binding_namespace,
                ns => ns,
            };
            !namespace.is_empty() && user.service_account() == Some((namespace, name))
        }
        _ => false,
    }
}

/// `RuleAllows`.
pub fn rule_allows(rule: &Value, attrs: &Attributes) -> bool {
    let has = |field: &str, wanted: &str| {
        meta::array_at(rule, field)
            .iter()
            .filter_map(Value::as_str)
            .any(|v| v == "*" || v == wanted)
    };
    match attrs {
        Attributes::Resource {
            verb,
            group,
            resource,
            subresource,
            name,
            ..
        } => {
            has("/verbs", verb)
                && has("/apiGroups", group)
                && resource_matches(rule, resource, subresource)
                && name_matches(rule, name)
        }
        Attributes::NonResource { verb, path } => {
            has("/verbs", verb)
                && meta::array_at(rule, "/nonResourceURLs")
                    .iter()
                    .filter_map(Value::as_str)
                    .any(|url| {
                        url == "*"
                            || url == path
                            || url
                                .strip_suffix('*')
                                .is_some_and(|prefix| path.starts_with(prefix))
                    })
        }
    }
}

/// `ResourceMatches`: `*`, the resource with its subresource, or `*/subresource`.
fn resource_matches(rule: &Value, resource: &str, subresource: &str) -> bool {
    let combined = if subresource.is_empty() {
        resource.to_string()
    } else {
        format!("{resource}/{subresource}")
    };
    meta::array_at(rule, "/resources")
        .iter()
        .filter_map(Value::as_str)
        .any(|r| {
            r == "*"
                || r == combined
                || (!subresource.is_empty()
                    && r.strip_prefix("*/").is_some_and(|s| s == subresource))
        })
}

/// `ResourceNameMatches`: no names means any; otherwise the request must name one of them
/// (a list or create, which names nothing, is not allowed by a rule with names).
fn name_matches(rule: &Value, name: &str) -> bool {
    let names = meta::array_at(rule, "/resourceNames");
    names.is_empty() || names.iter().any(|n| n.as_str() == Some(name))
}

/// `utilerrors.NewAggregate(...).Error()`: one message alone, several deduplicated in brackets.
fn aggregate(errors: &[String]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for e in errors {
        if !seen.contains(&e.as_str()) {
            seen.push(e);
        }
    }
    match seen.as_slice() {
        [one] => one.to_string(),
        many => format!("[{}]", many.join(", ")),
    }
}
