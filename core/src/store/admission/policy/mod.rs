//! ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1): CEL rules a policy states and
//! a binding puts in force, as upstream's `policy/validating` dispatcher applies them.
//!
//! For each policy whose `matchConstraints` select the request, each of its bindings whose
//! `matchResources` do too: collect the params (`paramKind` + the binding's `paramRef`),
//! check `matchConditions`, evaluate `variables`, then every validation. A failed validation
//! (or an evaluation error under `failurePolicy: Fail`) is acted on as the binding's
//! `validationActions` say: `Deny` refuses the request (the first denial is reported), `Warn`
//! returns a warning to the client, `Audit` only goes to the audit log (which the sandbox has
//! not). Configuration errors (a `paramKind` nobody serves, params not found with
//! `parameterNotFoundAction: Deny`) deny too, unless the policy says `Ignore`.

mod cel;
mod matching;

use serde_json::{Value, json};

use self::cel::{Activation, Failure};
use super::{Operation, Request};
use crate::api::{Cause, Reason, Result, Status, kinds, meta};
use crate::store::Store;

/// One decision to deny, with what it is about.
struct Denial {
    policy: String,
    binding: Option<String>,
    message: String,
    reason: Option<String>,
}

pub(in crate::store) fn validate(store: &mut Store, request: &Request<'_>) -> Result<()> {
    let (Some(policy_kind), Some(binding_kind)) = (
        kinds::by_kind("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
        kinds::by_kind(
            "admissionregistration.k8s.io",
            "ValidatingAdmissionPolicyBinding",
        ),
    ) else {
        return Ok(());
    };
    // Nothing is enforced without a binding: the cheap test every write makes.
    if store.list(binding_kind, None).next().is_none() {
        return Ok(());
    }
    let policies: Vec<Value> = store.list(policy_kind, None).cloned().collect();
    let bindings: Vec<Value> = store.list(binding_kind, None).cloned().collect();
    let mut denials = Vec::new();
    let mut warnings = Vec::new();
    for policy in &policies {
        let policy_name = meta::name(policy).to_string();
        if !matching::matches(store, policy.pointer("/spec/matchConstraints"), request) {
            continue;
        }
        let fail = meta::str_at(policy, "/spec/failurePolicy") != "Ignore";
        let config_error = |message: String, binding: Option<&str>| Denial {
            policy: policy_name.clone(),
            binding: binding.map(str::to_string),
            message,
            reason: None,
        };
        let param_kind = match param_kind(store, policy) {
            Ok(k) => k,
            Err(e) => {
                if fail {
                    denials.push(config_error(
                        format!("failed to configure policy: {e}"),
                        None,
                    ));
                }
                continue;
            }
        };
        for binding in bindings
            .iter()
            .filter(|b| meta::str_at(b, "/spec/policyName") == policy_name)
        {
            let binding_name = meta::name(binding);
            if !matching::matches(store, binding.pointer("/spec/matchResources"), request) {
                continue;
            }
            let params = match collect_params(store, param_kind, binding, request) {
                Ok(p) => p,
                Err(e) => {
                    if fail {
                        denials.push(config_error(
                            format!("failed to configure binding: {e}"),
                            Some(binding_name),
                        ));
                    }
                    continue;
                }
            };
            let actions: Vec<&str> = binding
                .pointer("/spec/validationActions")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for param in params {
                for (message, reason) in evaluate(store, policy, param.as_ref(), request, fail) {
                    for action in &actions {
                        match *action {
                            "Deny" => denials.push(Denial {
                                policy: policy_name.clone(),
                                binding: Some(binding_name.to_string()),
                                message: message.clone(),
                                reason: reason.clone(),
                            }),
                            "Warn" => warnings.push(format!(
                                "Validation failed for ValidatingAdmissionPolicy '{policy_name}' with binding '{binding_name}': {message}"
                            )),
                            _ => {} // Audit: the sandbox keeps no audit log.
                        }
                    }
                }
            }
        }
    }
    store.warnings.extend(warnings);
    match denials.into_iter().next() {
        None => Ok(()),
        Some(denial) => Err(refusal(request, denial)),
    }
}

/// The API error for a denial: `admission.NewForbidden` with the reason the validation gave
/// (`Invalid` unless it says otherwise) and the message repeated as a cause, which is how
/// kubectl comes to print `The deployments "web" is invalid: : ValidatingAdmissionPolicy ...`.
fn refusal(request: &Request<'_>, denial: Denial) -> Status {
    let message = match &denial.binding {
        Some(binding) => format!(
            "ValidatingAdmissionPolicy '{}' with binding '{binding}' denied request: {}",
            denial.policy, denial.message
        ),
        None => format!(
            "ValidatingAdmissionPolicy '{}' denied request: {}",
            denial.policy, denial.message
        ),
    };
    let name = meta::name(request.subject());
    let mut status = super::forbidden(request.kind, name, &message);
    status.reason = match denial.reason.as_deref() {
        Some("Forbidden") => Reason::Forbidden,
        Some("Unauthorized") => Reason::Unauthorized,
        Some("RequestEntityTooLarge") => Reason::RequestEntityTooLarge,
        _ => Reason::Invalid,
    };
    status.kind = request.kind.plural.to_string();
    status.name = name.to_string();
    status.causes = vec![Cause {
        field: String::new(),
        message,
    }];
    status
}

/// The kind `spec.paramKind` names, if any; an error when no served kind answers to it.
fn param_kind(
    store: &Store,
    policy: &Value,
) -> std::result::Result<Option<&'static crate::api::Kind>, String> {
    let Some(param) = policy.pointer("/spec/paramKind") else {
        return Ok(None);
    };
    let api_version = meta::str_at(param, "/apiVersion");
    let kind = meta::str_at(param, "/kind");
    store.kind_for(api_version, kind).map(Some).ok_or_else(|| {
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        format!("failed to find resource referenced by paramKind: '{group}/{version}, Kind={kind}'")
    })
}

/// The params a binding points at (`generic.CollectParams`): one `None` when the policy
/// takes none or the binding names none.
fn collect_params(
    store: &Store,
    kind: Option<&'static crate::api::Kind>,
    binding: &Value,
    request: &Request<'_>,
) -> std::result::Result<Vec<Option<Value>>, String> {
    let (Some(kind), Some(param_ref)) = (kind, binding.pointer("/spec/paramRef")) else {
        return Ok(vec![None]);
    };
    let ref_namespace = meta::str_at(param_ref, "/namespace");
    let namespace = if !kind.namespaced {
        if !ref_namespace.is_empty() {
            return Err(
                "paramRef.namespace must not be provided for a cluster-scoped `paramKind`".into(),
            );
        }
        ""
    } else if !ref_namespace.is_empty() {
        ref_namespace
    } else if request.namespace().is_empty() {
        return Err(
            "cannot use namespaced paramRef in policy binding that matches cluster-scoped resources"
                .into(),
        );
    } else {
        request.namespace()
    };
    let name = meta::str_at(param_ref, "/name");
    let params: Vec<Value> = if !name.is_empty() {
        store
            .get(kind, namespace, name)
            .ok()
            .cloned()
            .into_iter()
            .collect()
    } else {
        let sel = param_ref.get("selector").cloned().unwrap_or(json!({}));
        store
            .list(kind, Some(namespace))
            .filter(|p| crate::api::selector::matches(Some(&sel), meta::labels(p)))
            .cloned()
            .collect()
    };
    if params.is_empty() && meta::str_at(param_ref, "/parameterNotFoundAction") == "Deny" {
        return Err(
            "no params found for policy binding with `Deny` parameterNotFoundAction".into(),
        );
    }
    Ok(params.into_iter().map(Some).collect())
}

/// The failed validations of one policy for one param: (message, reason) each.
fn evaluate(
    store: &Store,
    policy: &Value,
    param: Option<&Value>,
    request: &Request<'_>,
    fail: bool,
) -> Vec<(String, Option<String>)> {
    let mut activation = activation(store, param, request);
    let spec = policy.get("spec").cloned().unwrap_or(json!({}));
    let list = |key: &str| -> Vec<Value> {
        spec.get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let mut failed = Vec::new();
    let on_error = |message: String, failed: &mut Vec<(String, Option<String>)>| {
        if fail {
            failed.push((message, None));
        }
    };
    // Variables, in order, each seeing the ones before it; one that fails is left out, so
    // only an expression that uses it fails (`no such key`).
    let mut variable_values: Vec<(String, ::cel::Value)> = Vec::new();
    for v in list("variables") {
        let name = meta::str_at(&v, "/name").to_string();
        if let Ok(value) = cel::eval(meta::str_at(&v, "/expression"), &activation) {
            variable_values.push((name.clone(), value));
            let map: std::collections::HashMap<String, ::cel::Value> =
                variable_values.iter().cloned().collect();
            activation.set("variables", ::cel::Value::from(map));
        }
    }
    // Match conditions: all must hold, or the policy does not apply.
    for condition in list("matchConditions") {
        let expression = meta::str_at(&condition, "/expression");
        match cel::eval(expression, &activation) {
            Ok(::cel::Value::Bool(true)) => {}
            Ok(_) => return Vec::new(),
            Err(e) => {
                on_error(describe(expression, e), &mut failed);
                return failed;
            }
        }
    }
    for validation in list("validations") {
        let expression = meta::str_at(&validation, "/expression");
        match cel::eval(expression, &activation) {
            Ok(::cel::Value::Bool(true)) => {}
            Ok(_) => {
                let from_expression = validation
                    .get("messageExpression")
                    .and_then(Value::as_str)
                    .and_then(|e| cel::eval(e, &activation).ok())
                    .and_then(|v| cel::as_string(&v).map(|s| s.trim().to_string()))
                    .filter(|m| !m.is_empty() && !m.contains('\n') && m.len() <= 5120);
                let message = from_expression
                    .or_else(|| {
                        let m = meta::str_at(&validation, "/message").trim();
                        (!m.is_empty()).then(|| m.to_string())
                    })
                    .unwrap_or_else(|| format!("failed expression: {}", expression.trim()));
                let reason = validation
                    .get("reason")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                failed.push((message, reason));
            }
            Err(e) => on_error(describe(expression, e), &mut failed),
        }
    }
    failed
}

/// An expression that could not be evaluated, as the decision's message says it.
fn describe(expression: &str, failure: Failure) -> String {
    match failure {
        Failure::Compile(e) => format!("compilation error: {e}"),
        Failure::Eval(e) => format!("expression '{expression}' resulted in error: {e}"),
    }
}

/// `object`, `oldObject`, `params`, `request` and `namespaceObject`.
fn activation(store: &Store, param: Option<&Value>, request: &Request<'_>) -> Activation {
    let mut a = Activation::new();
    // Through the scale subresource, the object is the Scale, not the workload.
    let seen = |obj: &Value| {
        if request.subresource == "scale" {
            cel::value(&as_scale(obj))
        } else {
            cel::value(obj)
        }
    };
    a.set(
        "object",
        match request.object {
            Value::Null => ::cel::Value::Null,
            object => seen(object),
        },
    );
    a.set("oldObject", request.old.map_or(::cel::Value::Null, seen));
    a.set("params", param.map_or(::cel::Value::Null, cel::value));
    let kind = request.kind;
    let gvk = if request.subresource == "scale" {
        json!({"group": "autoscaling", "version": "v1", "kind": "Scale"})
    } else {
        json!({"group": kind.group, "version": kind.version, "kind": kind.kind})
    };
    let gvr = json!({"group": kind.group, "version": kind.version, "resource": kind.plural});
    let req = json!({
        "kind": gvk,
        "resource": gvr,
        "subResource": request.subresource,
        "requestKind": gvk,
        "requestResource": gvr,
        "requestSubResource": request.subresource,
        "name": meta::name(request.subject()),
        "namespace": request.namespace(),
        "operation": request.operation.as_str(),
        // The sandbox's one user, as kind's admin kubeconfig names it.
        "userInfo": {
            "username": "kubernetes-admin",
            "groups": ["kubeadm:cluster-admins", "system:authenticated"],
        },
        "dryRun": false,
        "options": {"apiVersion": "meta.k8s.io/v1", "kind": match request.operation {
            Operation::Create => "CreateOptions",
            Operation::Update => "UpdateOptions",
            Operation::Delete => "DeleteOptions",
        }},
    });
    a.set("request", cel::value(&req));
    let namespace = (request.kind.namespaced)
        .then(|| kinds::by_kind("", "Namespace"))
        .flatten()
        .and_then(|k| store.get(k, "", request.namespace()).ok())
        .map(|ns| {
            let mut shown = json!({"metadata": {}, "spec": ns.get("spec").cloned().unwrap_or(json!({})), "status": ns.get("status").cloned().unwrap_or(json!({}))});
            if let Some(m) = ns.get("metadata").and_then(Value::as_object) {
                for key in [
                    "name",
                    "generateName",
                    "uid",
                    "resourceVersion",
                    "generation",
                    "creationTimestamp",
                    "deletionTimestamp",
                    "deletionGracePeriodSeconds",
                    "labels",
                    "annotations",
                    "finalizers",
                ] {
                    if let Some(v) = m.get(key) {
                        shown["metadata"][key] = v.clone();
                    }
                }
            }
            shown
        });
    a.set(
        "namespaceObject",
        namespace.as_ref().map_or(::cel::Value::Null, cel::value),
    );
    a.set(
        "variables",
        ::cel::Value::from(std::collections::HashMap::<String, ::cel::Value>::new()),
    );
    a
}

/// A workload as its `scale` subresource shows it (autoscaling/v1 Scale).
fn as_scale(obj: &Value) -> Value {
    let m = |key: &str| obj.pointer(&format!("/metadata/{key}")).cloned();
    let mut metadata = serde_json::Map::new();
    for key in [
        "name",
        "namespace",
        "uid",
        "resourceVersion",
        "creationTimestamp",
    ] {
        if let Some(v) = m(key) {
            metadata.insert(key.into(), v);
        }
    }
    json!({
        "apiVersion": "autoscaling/v1",
        "kind": "Scale",
        "metadata": metadata,
        "spec": {"replicas": obj.pointer("/spec/replicas").cloned().unwrap_or(json!(0))},
        "status": {"replicas": obj.pointer("/status/replicas").cloned().unwrap_or(json!(0))},
    })
}
