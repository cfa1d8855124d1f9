//! The fields a list can select objects by (`?fieldSelector=`, `kubectl get
//! --field-selector`): per kind, what the API server's registries expose (`GetAttrs` and the
//! field-label conversion functions of `pkg/apis/*/v1`), read from the object, and the
//! server's error for a field it does not know.

use serde_json::Value;

use super::fields::Selector;
use super::{Kind, meta};

/// The fields of kinds that register a field-label conversion function (every kind accepts
/// `metadata.name` and `metadata.namespace` otherwise).
fn registered(kind: &Kind) -> Option<&'static [&'static str]> {
    Some(match (kind.group, kind.kind) {
        ("", "Pod") => &[
            "metadata.name",
            "metadata.namespace",
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.podIPs",
            "status.nominatedNodeName",
        ],
        ("", "Node") => &["metadata.name", "spec.unschedulable"],
        ("", "ReplicationController") | ("apps", "ReplicaSet") => {
            &["metadata.name", "metadata.namespace", "status.replicas"]
        }
        ("", "PersistentVolume") => &["metadata.name"],
        ("", "Namespace") => &["status.phase", "metadata.name"],
        ("", "Secret") => &["type", "metadata.namespace", "metadata.name"],
        ("", "Event") | ("events.k8s.io", "Event") => &[
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
            "metadata.namespace",
            "metadata.name",
        ],
        ("batch", "Job") => &["metadata.name", "metadata.namespace", "status.successful"],
        ("certificates.k8s.io", "CertificateSigningRequest") => {
            &["metadata.name", "spec.signerName"]
        }
        _ => return None,
    })
}

/// Checks that every field of `selector` can select `kind`; the error is the API server's.
pub fn check(kind: &Kind, selector: &Selector) -> Result<(), String> {
    for term in &selector.terms {
        let field = term.field.as_str();
        match registered(kind) {
            Some(fields) if fields.contains(&field) => {}
            Some(_) => return Err(format!("field label not supported: {field}")),
            None if matches!(field, "metadata.name" | "metadata.namespace") => {}
            None => {
                return Err(format!(
                    "\"{field}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
                ));
            }
        }
    }
    Ok(())
}

/// Whether `obj` is selected (fields checked by [`check`] first).
pub fn matches(selector: &Selector, obj: &Value) -> bool {
    selector.matches(|field| Some(value(obj, field)))
}

/// A selectable field's value as the API server compares it (booleans and numbers as text).
fn value(obj: &Value, field: &str) -> String {
    let text = |path: &str| meta::str_at(obj, path).to_string();
    let flag = |path: &str| {
        obj.pointer(path)
            .and_then(Value::as_bool)
            .unwrap_or(false)
            .to_string()
    };
    match field {
        "spec.hostNetwork" => flag("/spec/hostNetwork"),
        "spec.unschedulable" => flag("/spec/unschedulable"),
        "status.replicas" | "status.successful" => obj
            .pointer(&format!("/{}", field.replace('.', "/")))
            .and_then(Value::as_i64)
            .unwrap_or(0)
            .to_string(),
        "status.podIPs" => text("/status/podIP"),
        "source" => text("/source/component"),
        "reportingComponent" => text("/reportingComponent"),
        other => text(&format!("/{}", other.replace('.', "/"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::fields::parse;
    use serde_json::json;

    fn kind(kind: &str) -> &'static Kind {
        let group = if kind == "Deployment" { "apps" } else { "" };
        crate::api::kinds::by_kind(group, kind).unwrap_or(&crate::api::kinds::KINDS[0])
    }

    fn pods() -> &'static Kind {
        kind("Pod")
    }

    #[test]
    fn pods_select_by_phase_and_node() {
        let pod = json!({"metadata": {"name": "a", "namespace": "default"},
            "spec": {"nodeName": "w1"}, "status": {"phase": "Running"}});
        let table = [
            ("status.phase=Running", true),
            ("status.phase!=Running", false),
            ("spec.nodeName=w1,metadata.name=a", true),
            ("spec.hostNetwork=false", true),
            ("metadata.namespace=kube-system", false),
        ];
        for (selector, selected) in table {
            let s = parse(selector).unwrap_or_default();
            assert_eq!(check(pods(), &s), Ok(()), "{selector}");
            assert_eq!(matches(&s, &pod), selected, "{selector}");
        }
    }

    #[test]
    fn unknown_fields_are_the_servers_errors() {
        let s = parse("spec.replicas=1").unwrap_or_default();
        assert_eq!(
            check(pods(), &s),
            Err("field label not supported: spec.replicas".into())
        );
        assert_eq!(
            check(kind("Deployment"), &s),
            Err(
                "\"spec.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
                    .into()
            )
        );
    }
}
