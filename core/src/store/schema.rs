//! What the API server knows about kinds: the built-in registry plus the kinds of established
//! CustomResourceDefinitions, and the decoding of request bodies against their schema (strict
//! for built-in kinds, the CRD's structural schema for custom resources).

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Change, ChangeType, Store};
use crate::api::crd_schema::{self, SchemaError};
use crate::api::{Kind, Result, Status, kinds, meta, strict};

/// Whether `kind` is CustomResourceDefinition itself.
pub(super) fn is_crd(kind: &Kind) -> bool {
    kind.group == "apiextensions.k8s.io" && kind.kind == "CustomResourceDefinition"
}

impl Store {
    /// Every kind served now, in its preferred version: built-in, then CRD-defined.
    pub fn kinds(&self) -> impl Iterator<Item = &'static Kind> + '_ {
        kinds::KINDS.iter().chain(self.crds.preferred())
    }

    /// Every served group/version/kind, older served versions included (discovery's
    /// `api-versions`).
    pub fn served_kinds(&self) -> impl Iterator<Item = &'static Kind> + '_ {
        kinds::KINDS
            .iter()
            .chain(kinds::ALSO_SERVED)
            .chain(self.crds.served())
    }

    /// The kind a manifest's `apiVersion` and `kind` name, if served.
    pub fn kind_for(&self, api_version: &str, kind: &str) -> Option<&'static Kind> {
        kinds::by_api_version(api_version, kind).or_else(|| {
            self.crds
                .served()
                .find(|k| k.api_version() == api_version && k.kind == kind)
        })
    }

    /// Resolves a typed resource name (`ct`, `crontabs.stable.example.com`) among built-in
    /// and CRD-defined kinds, built-in first.
    pub fn resolve(&self, typed: &str) -> Option<&'static Kind> {
        kinds::resolve(typed).or_else(|| kinds::resolve_among(self.crds.preferred(), typed))
    }

    /// The CRD that defines `kind`, if it is a custom resource.
    pub fn crd_of(&self, kind: &Kind) -> Option<&Value> {
        let crd_kind = kinds::by_kind("apiextensions.k8s.io", "CustomResourceDefinition")?;
        self.lookup(crd_kind, "", &format!("{}.{}", kind.plural, kind.group))
    }

    /// Whether a plain update leaves `status` alone: built-in kinds with a status, and custom
    /// resources whose CRD enables the status subresource.
    pub(super) fn status_is_subresource(&self, kind: &Kind) -> bool {
        match self.crd_of(kind) {
            Some(crd) => crd
                .pointer("/spec/versions")
                .and_then(Value::as_array)
                .and_then(|vs| vs.iter().find(|v| meta::str_at(v, "/name") == kind.version))
                .and_then(|v| v.pointer("/subresources/status"))
                .is_some(),
            None => super::has_status(kind),
        }
    }

    /// Decodes a request body as the API server does before anything else: built-in kinds
    /// strictly against their type; custom resources pruned, defaulted and validated against
    /// their CRD's schema.
    pub(super) fn decode(&self, kind: &Kind, obj: &mut Value) -> Result<()> {
        let Some(crd) = self.crd_of(kind) else {
            if self.component_requests {
                return Ok(());
            }
            return strict::check(kind, obj);
        };
        let Some(schema) = crd_schema::schema_of(crd, kind.version) else {
            return Ok(());
        };
        match crd_schema::check(schema, obj) {
            Ok(()) => Ok(()),
            Err(SchemaError::Unknown(errors)) => Err(strict::cannot_handle(
                kind,
                &strict::DecodeError::Strict(errors),
            )),
            Err(SchemaError::Invalid(causes)) => {
                Err(Status::invalid(kind, meta::name(obj), causes))
            }
        }
    }

    /// Keeps the registry in step with a CRD as now stored.
    pub(super) fn crd_written(&mut self, crd: &Value) {
        self.crds.sync(crd);
    }

    /// A CRD is gone: its kinds stop being served and its custom resources go with it.
    pub(super) fn crd_removed(&mut self, crd: &Value) {
        for kind in self.crds.forget(meta::name(crd)) {
            let Some(objects) = self.objects.remove(&super::type_key(kind)) else {
                continue;
            };
            for gone in objects.into_values().flat_map(BTreeMap::into_values) {
                let mut gone = std::rc::Rc::unwrap_or_clone(gone);
                self.resource_version += 1;
                let rv = self.resource_version;
                meta::metadata_mut(&mut gone)
                    .insert("resourceVersion".into(), Value::String(rv.to_string()));
                self.log.push(Change {
                    resource_version: rv,
                    change: ChangeType::Deleted,
                    kind,
                    object: std::rc::Rc::new(gone),
                });
            }
        }
    }
}
