//! DefaultIngressClass: an Ingress that names no class (neither `spec.ingressClassName` nor the
//! legacy `kubernetes.io/ingress.class` annotation) gets the cluster's default IngressClass,
//! the one annotated `ingressclass.kubernetes.io/is-default-class: "true"` (the newest when
//! several are). kind's ingress-nginx class is not marked default, so nothing changes until a
//! learner marks one.

use serde_json::{Value, json};

use super::default_storage_class::newest_default;
use crate::api::meta;
use crate::store::Store;

pub(super) fn admit(store: &Store, ingress: &mut Value) {
    if meta::at(ingress, "/spec/ingressClassName").is_some_and(|v| !v.is_null())
        || meta::at(
            ingress,
            "/metadata/annotations/kubernetes.io~1ingress.class",
        )
        .is_some()
    {
        return;
    }
    let default = newest_default(
        store,
        "networking.k8s.io",
        "IngressClass",
        "/metadata/annotations/ingressclass.kubernetes.io~1is-default-class",
    );
    if let Some(class) = default {
        meta::ensure_object(ingress, "spec")
            .insert("ingressClassName".into(), json!(meta::name(class)));
    }
}
