//! Per-namespace bootstrap objects: the `default` ServiceAccount (the service account
//! controller) and the `kube-root-ca.crt` ConfigMap (the root CA publisher), recreated if
//! deleted, in every active namespace.

use serde_json::json;

use super::{Controller, Ctx, ObjectKey, Op, Outcome, kind};
use crate::api::meta;
use crate::store::{Change, ChangeType, Store};

/// The cluster CA a pod finds at `/var/run/secrets/kubernetes.io/serviceaccount/ca.crt`. The
/// sandbox has no real PKI; this is a placeholder in the same shape.
const ROOT_CA: &str = "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIa3ViZXBsYXkwDQYJKoZIhvcNAQELBQAwFTETMBEGA1UE\nAxMKa3ViZXJuZXRlczAeFw0yNjAxMDEwOTAwMDBaFw0zNjAxMDEwOTAwMDBaMBUx\nEzARBgNVBAMTCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK\n-----END CERTIFICATE-----\n";

pub struct ServiceAccountController;

impl Controller for ServiceAccountController {
    fn name(&self) -> &'static str {
        "serviceaccount-controller"
    }

    fn keys_for(&self, change: &Change, _store: &Store, out: &mut Vec<ObjectKey>) {
        let obj = &change.object;
        let ns_key = |name: &str| ObjectKey {
            namespace: String::new(),
            name: name.to_string(),
        };
        match (change.kind.kind, change.change) {
            ("Namespace", ChangeType::Added | ChangeType::Modified) => {
                out.push(ns_key(meta::name(obj)));
            }
            ("ServiceAccount", ChangeType::Deleted) if meta::name(obj) == "default" => {
                out.push(ns_key(meta::namespace(obj)));
            }
            ("ConfigMap", ChangeType::Deleted) if meta::name(obj) == "kube-root-ca.crt" => {
                out.push(ns_key(meta::namespace(obj)));
            }
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let ns = &key.name;
        match ctx.store.get(kind("", "Namespace"), "", ns) {
            Ok(obj) if !meta::is_deleting(obj) => {}
            _ => return Outcome::default(),
        }
        let mut ops = Vec::new();
        let sa = kind("", "ServiceAccount");
        if ctx.store.get(sa, ns, "default").is_err() {
            ops.push(Op::Create {
                kind: sa,
                object: json!({"metadata": {"name": "default", "namespace": ns}}),
                event: None,
            });
        }
        let cm = kind("", "ConfigMap");
        if ctx.store.get(cm, ns, "kube-root-ca.crt").is_err() {
            ops.push(Op::Create {
                kind: cm,
                object: json!({
                    "metadata": {
                        "name": "kube-root-ca.crt",
                        "namespace": ns,
                        "annotations": {"kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters."}
                    },
                    "data": {"ca.crt": ROOT_CA},
                }),
                event: None,
            });
        }
        Outcome::ops(ops)
    }
}
