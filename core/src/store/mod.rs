//! The API server: the one place objects live and change.
//!
//! Every write — from kubectl, a controller, the scheduler or a kubelet — comes through
//! [`Store::create`], [`Store::update`], [`Store::update_status`] or [`Store::delete`], which
//! default, admit, validate and version the object and append a [`Change`] to the watch log. Nothing else
//! mutates objects, so what a learner sees is always what went through the API.
//!
//! Objects are kept as JSON per resource type, ordered by namespace and name (deterministic
//! iteration, cheap per-namespace listing).

mod admission;
mod allocate;
mod authz;
mod delete;
mod dry_run;
mod eviction;
mod label_keys;
pub mod managed;
pub mod patch;
mod schema;

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use serde_json::{Value, json};

use crate::api::openapi::OpenApi;
use crate::api::{
    Kind, Result, Status, crds::CrdKinds, defaults, kinds, meta, validation, versions,
};
use crate::rng::Rng;
use crate::time::Time;

pub use admission::namespace_lifecycle::is_namespace_terminating;
pub use delete::{DeleteOptions, Propagation};
pub use patch::{PatchOptions, PatchType};

/// Whether a write records its field ownership itself (every ordinary request) or arrives
/// with it already computed (server-side apply).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tracking {
    Update,
    Keep,
}

/// What happened to an object, as a watch event reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeType {
    Added,
    Modified,
    Deleted,
}

/// One entry of the watch log: the object after the change (for `Deleted`, its last state),
/// shared with the store and every watch that sees it rather than copied.
#[derive(Clone, Debug)]
pub struct Change {
    pub resource_version: u64,
    pub change: ChangeType,
    pub kind: &'static Kind,
    pub object: Rc<Value>,
}

/// Mixed into the seed of the add-on stream.
const ADDON_STREAM: u64 = 0x6164_642d_6f6e_7321;

/// Whether an object belongs to an add-on the default cluster installs (ingress-nginx): its
/// namespace, or its `app.kubernetes.io/instance` label for cluster-scoped objects. Such
/// objects draw their uids and generated names from their own random stream.
pub fn is_addon(obj: &Value) -> bool {
    const ADDON: &str = "ingress-nginx";
    meta::namespace(obj) == ADDON
        || meta::str_at(obj, "/metadata/labels/app.kubernetes.io~1instance") == ADDON
}

/// Objects of one resource type by namespace ("" when cluster-scoped), then by name. Nested
/// so that a lookup borrows its keys instead of building them; shared with the watch log.
type Objects = BTreeMap<String, BTreeMap<String, Rc<Value>>>;

/// The API server's state.
pub struct Store {
    objects: BTreeMap<(&'static str, &'static str), Objects>,
    resource_version: u64,
    rng: Rng,
    /// The stream add-on objects draw from (see [`is_addon`]), so that installing an add-on
    /// in the default cluster does not reshuffle every generated name after it.
    addon_rng: Rng,
    /// The request being served creates an add-on object.
    addon_request: bool,
    now: Time,
    log: Vec<Change>,
    /// The kinds established CRDs define (see `schema.rs`).
    crds: CrdKinds,
    /// Who sends the requests being served: the field manager their writes are recorded
    /// under in `managedFields` (upstream: the request's fieldManager or the client's name).
    manager: String,
    /// Warnings for the client of the current request (`Warning:` headers), see
    /// [`Store::take_warnings`].
    warnings: Vec<String>,
    /// The built-in kinds' OpenAPI schemas (`/openapi/v3`), once the host has loaded them.
    openapi: Option<Arc<OpenApi>>,
    /// The user whose requests are being served, authorized by RBAC (`authz.rs`); `None` for
    /// the cluster's own components.
    requester: Option<crate::auth::UserInfo>,
    /// The requests being served come from the cluster's own components (see
    /// [`Store::set_component_requests`]).
    component_requests: bool,
}

impl Store {
    pub fn new(seed: u64) -> Store {
        Store {
            objects: BTreeMap::new(),
            resource_version: 1000,
            rng: Rng::new(seed),
            addon_rng: Rng::new(seed ^ ADDON_STREAM),
            addon_request: false,
            now: Time::GENESIS,
            log: Vec::new(),
            crds: CrdKinds::default(),
            manager: "kube-apiserver".into(),
            warnings: Vec::new(),
            openapi: None,
            requester: None,
            component_requests: false,
        }
    }

    /// Publishes the built-in kinds' OpenAPI schemas (see `api::openapi`).
    pub fn set_openapi(&mut self, openapi: Arc<OpenApi>) {
        self.openapi = Some(openapi);
    }

    /// The built-in kinds' OpenAPI schemas, if loaded yet.
    pub fn openapi(&self) -> Option<&OpenApi> {
        self.openapi.as_deref()
    }

    /// Names the client whose requests follow (`kubectl-create`, `kube-controller-manager`...).
    pub fn set_manager(&mut self, manager: &str) {
        if self.manager != manager {
            self.manager = manager.to_string();
        }
    }

    /// The field manager the next writes are recorded under.
    pub fn manager(&self) -> &str {
        &self.manager
    }

    fn writer(&self, subresource: &'static str) -> managed::Writer<'_> {
        managed::Writer {
            manager: &self.manager,
            subresource,
            time: self.now.rfc3339(),
        }
    }

    /// Marks the requests that follow as the cluster's own components' (controllers, the
    /// scheduler, kubelets, the event recorder), until unmarked. Their objects are built by
    /// code, well-formed by construction, so the typed decode that finds a client's unknown
    /// or mistyped fields is skipped for them: it would always pass, and it is the costliest
    /// step of a write. Everything else (defaults, admission, validation) still runs.
    pub fn set_component_requests(&mut self, on: bool) {
        self.component_requests = on;
    }

    /// The API server's clock; set by the event loop before it delivers work.
    pub fn set_now(&mut self, now: Time) {
        self.now = now;
    }

    pub fn now(&self) -> Time {
        self.now
    }

    /// The latest resourceVersion handed out: a cheap "has anything changed?" for views.
    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }

    /// Takes the watch log accumulated since the last call.
    pub fn drain_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.log)
    }

    /// Takes the warnings the requests since the last call returned (admission policies with a
    /// `Warn` action); kubectl prints them as `Warning: ...`.
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// Randomness for callers that name things themselves (the kubelet's pod IPs, for one).
    pub fn rng(&mut self) -> &mut Rng {
        if self.addon_request {
            &mut self.addon_rng
        } else {
            &mut self.rng
        }
    }

    /// GET of one object, authorized for the requester (see `authz.rs`).
    pub fn get(&self, kind: &Kind, namespace: &str, name: &str) -> Result<&Value> {
        self.authorize_kind("get", kind, "", namespace, name)?;
        self.lookup(kind, namespace, name)
            .ok_or_else(|| Status::not_found(kind, name))
    }

    /// Objects of a kind, in one namespace (`Some`) or all (`None`), ordered by namespace then name.
    pub fn list<'a>(
        &'a self,
        kind: &Kind,
        namespace: Option<&str>,
    ) -> Box<dyn Iterator<Item = &'a Value> + 'a> {
        let Some(objs) = self.objects.get(&type_key(kind)) else {
            return Box::new(std::iter::empty());
        };
        match namespace {
            Some(ns) if kind.namespaced => Box::new(
                objs.get(ns)
                    .into_iter()
                    .flat_map(|names| names.values().map(|v| &**v)),
            ),
            _ => Box::new(objs.values().flat_map(|names| names.values().map(|v| &**v))),
        }
    }

    /// Creates an object: names it (generateName), checks its namespace, defaults and admits it,
    /// and stamps uid, resourceVersion, creationTimestamp and generation.
    pub fn create(&mut self, kind: &'static Kind, obj: Value) -> Result<Value> {
        let namespace = authz::namespace_of(kind, &obj).to_string();
        self.serve("create", kind, "", (&namespace, ""), |s| {
            s.create_tracked(kind, obj, Tracking::Update)
        })
    }

    fn create_tracked(
        &mut self,
        kind: &'static Kind,
        obj: Value,
        tracking: Tracking,
    ) -> Result<Value> {
        self.addon_request = is_addon(&obj);
        let created = self.create_in_stream(kind, obj, tracking);
        self.addon_request = false;
        created
    }

    /// A create's first steps: the body decoded as its kind, in its storage version, and the
    /// namespace it goes to (which must exist and not be terminating).
    fn decode_for_create(
        &self,
        kind: &'static Kind,
        mut obj: Value,
    ) -> Result<(&'static Kind, Value, String)> {
        if !obj.is_object() {
            return Err(Status::bad_request(
                "the body of the request was in an unknown format",
            ));
        }
        obj["apiVersion"] = json!(kind.api_version());
        obj["kind"] = json!(kind.kind);
        self.decode(kind, &mut obj)?;
        let (kind, obj) = versions::to_storage(kind, obj);
        let namespace = self.namespace_for_create(kind, &obj)?;
        Ok((kind, obj, namespace))
    }

    fn create_in_stream(
        &mut self,
        kind: &'static Kind,
        obj: Value,
        tracking: Tracking,
    ) -> Result<Value> {
        let (kind, mut obj, namespace) = self.decode_for_create(kind, obj)?;
        let requested = admission::request_name(&obj).to_string();
        let name = create_name(&obj, || self.rng().suffix(5));
        self.place_for_create(kind, &mut obj, &namespace, &name)?;
        defaults::apply(kind.kind, &mut obj);
        // Field ownership is decided on the request as decoded (defaults included), before
        // admission plugins add their own fields.
        if tracking == Tracking::Update {
            managed::track_create(kind, &mut obj, &self.writer(""));
        }
        admission::mutate_create(self, kind, &mut obj, &requested)?;
        if kind.kind == "Pod" {
            label_keys::merge(&mut obj);
            // The pod strategy's PrepareForCreate: a new pod is Pending, with its QoS class.
            let qos = crate::kubelet::qos_class(&obj);
            obj["status"] = json!({"phase": "Pending", "qosClass": qos});
        }
        if kind.kind == "Namespace" {
            // The namespace strategy's PrepareForCreate: a new namespace is Active.
            obj["status"] = json!({"phase": "Active"});
        }
        validation::validate_create(kind, &obj)?;
        let uid = self.rng().uuid();
        let now = self.now.rfc3339();
        let m = meta::metadata_mut(&mut obj);
        m.insert("uid".into(), json!(uid));
        m.insert("creationTimestamp".into(), json!(now));
        if has_generation(kind) || self.crd_of(kind).is_some() {
            m.insert("generation".into(), json!(1));
        }
        if kind.kind == "Job" && kind.group == "batch" {
            defaults::job_generated_selector(&mut obj);
        }
        if kind.kind == "DaemonSet" {
            daemon_set_template_generation(None, &mut obj);
        }
        admission::validate(
            self,
            &admission::Request {
                operation: admission::Operation::Create,
                kind,
                subresource: "",
                object: &obj,
                old: None,
            },
        )?;
        Ok(self.put(kind, ChangeType::Added, obj))
    }

    /// Replaces an object's spec and metadata (not its status). A `resourceVersion` in the new
    /// object must match the stored one, or the update is refused with Conflict.
    pub fn update(&mut self, kind: &'static Kind, obj: Value) -> Result<Value> {
        self.update_as(kind, obj, "")
    }

    /// An update through a subresource other than status (`scale`), recorded as such.
    pub fn update_as(
        &mut self,
        kind: &'static Kind,
        obj: Value,
        subresource: &'static str,
    ) -> Result<Value> {
        let (namespace, name) = (
            meta::namespace(&obj).to_string(),
            meta::name(&obj).to_string(),
        );
        self.serve("update", kind, subresource, (&namespace, &name), |s| {
            s.update_tracked(kind, obj, subresource, Tracking::Update)
        })
    }

    /// An update up to validation: the body decoded, in its storage version, with what the
    /// client may not change taken from the stored object, defaulted and validated against it.
    /// Returns the kind, the new object and the stored one.
    fn checked_update(
        &self,
        kind: &'static Kind,
        mut obj: Value,
    ) -> Result<(&'static Kind, Value, Value)> {
        obj["apiVersion"] = json!(kind.api_version());
        obj["kind"] = json!(kind.kind);
        self.decode(kind, &mut obj)?;
        let (kind, mut obj) = versions::to_storage(kind, obj);
        let old = self.existing_for_update(kind, &obj)?.clone();
        for key in [
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
        ] {
            if key == "uid" && !meta::uid(&obj).is_empty() {
                continue; // a client's uid is kept, so that validation can refuse a change
            }
            match meta::at(&old, &format!("/metadata/{key}")) {
                Some(v) => meta::metadata_mut(&mut obj).insert(key.into(), v.clone()),
                None => meta::metadata_mut(&mut obj).remove(key),
            };
        }
        obj["apiVersion"] = json!(kind.api_version());
        defaults::apply(kind.kind, &mut obj);
        if self.status_is_subresource(kind) {
            match old.get("status") {
                Some(status) => obj["status"] = status.clone(),
                None => {
                    if let Some(map) = obj.as_object_mut() {
                        map.remove("status");
                    }
                }
            }
        }
        validation::validate_update(kind, &obj, &old)?;
        Ok((kind, obj, old))
    }

    /// `metadata.generation` one more when the spec changes (kinds that count it).
    pub(crate) fn bump_generation(&self, kind: &'static Kind, old: &Value, obj: &mut Value) {
        if has_generation(kind) || self.crd_of(kind).is_some() {
            let generation = old
                .pointer("/metadata/generation")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let bumped = if old.get("spec") != obj.get("spec") {
                generation + 1
            } else {
                generation
            };
            meta::metadata_mut(obj).insert("generation".into(), json!(bumped.max(1)));
        }
    }

    fn update_tracked(
        &mut self,
        kind: &'static Kind,
        obj: Value,
        subresource: &'static str,
        tracking: Tracking,
    ) -> Result<Value> {
        let (kind, mut obj, old) = self.checked_update(kind, obj)?;
        self.bump_generation(kind, &old, &mut obj);
        if tracking == Tracking::Update {
            managed::track_update(kind, &old, &mut obj, &self.writer(subresource));
        }
        if kind.kind == "DaemonSet" {
            daemon_set_template_generation(Some(&old), &mut obj);
        }
        if old == self.with_rv(&obj, &old) {
            return Ok(old); // a no-op update writes nothing, as upstream's does
        }
        admission::validate(
            self,
            &admission::Request {
                operation: admission::Operation::Update,
                kind,
                subresource,
                object: &obj,
                old: Some(&old),
            },
        )?;
        if ready_to_go(&obj) {
            return self.remove(kind, &obj);
        }
        Ok(self.put(kind, ChangeType::Modified, obj))
    }

    /// Replaces an object's status only (the `/status` subresource). A Deployment's status
    /// update also carries its annotations, as upstream's status strategy lets it (only spec
    /// and labels are kept): that is how the controller records the revision.
    pub fn update_status(&mut self, kind: &'static Kind, obj: &Value) -> Result<Value> {
        let key = (meta::namespace(obj), meta::name(obj));
        self.serve("update", kind, "status", key, |s| {
            s.update_status_served(kind, obj)
        })
    }

    fn update_status_served(&mut self, kind: &'static Kind, obj: &Value) -> Result<Value> {
        let old = self.existing_for_update(kind, obj)?;
        let mut new = old.clone();
        new["status"] = obj.get("status").cloned().unwrap_or(json!({}));
        if kind.kind == "Deployment" {
            let m = meta::metadata_mut(&mut new);
            match meta::at(obj, "/metadata/annotations") {
                Some(a) => m.insert("annotations".into(), a.clone()),
                None => m.remove("annotations"),
            };
        }
        if &new == old {
            return Ok(new);
        }
        validation::validate_status_update(kind, &new, old)?;
        let old = old.clone();
        managed::track_update(kind, &old, &mut new, &self.writer("status"));
        Ok(self.put(kind, ChangeType::Modified, new))
    }

    /// The `pods/binding` subresource: sets `spec.nodeName` (once) and marks the pod scheduled.
    pub fn bind(&mut self, namespace: &str, name: &str, node: &str) -> Result<Value> {
        let kind = kinds::by_kind("", "Pod").unwrap_or(&kinds::KINDS[0]);
        self.serve("create", kind, "binding", (namespace, name), |s| {
            s.bind_served(kind, namespace, name, node)
        })
    }

    fn bind_served(
        &mut self,
        kind: &'static Kind,
        namespace: &str,
        name: &str,
        node: &str,
    ) -> Result<Value> {
        let mut pod = self.get(kind, namespace, name)?.clone();
        if !meta::str_at(&pod, "/spec/nodeName").is_empty() {
            return Err(Status::conflict(kind, name));
        }
        meta::ensure_object(&mut pod, "spec").insert("nodeName".into(), json!(node));
        // ClearingNominatedNodeNameAfterBinding (on by default in v1.35): a nomination is
        // only a hint until the pod is bound.
        if let Some(status) = pod.get_mut("status").and_then(Value::as_object_mut) {
            status.remove("nominatedNodeName");
        }
        let generation = pod
            .pointer("/metadata/generation")
            .cloned()
            .unwrap_or(json!(1));
        let now = self.now.rfc3339();
        let status = meta::ensure_object(&mut pod, "status");
        status.insert(
            "conditions".into(),
            json!([{
                "type": "PodScheduled",
                "status": "True",
                "lastProbeTime": null,
                "lastTransitionTime": now,
                "observedGeneration": generation,
            }]),
        );
        Ok(self.put(kind, ChangeType::Modified, pod))
    }

    fn existing_for_update(&self, kind: &Kind, obj: &Value) -> Result<&Value> {
        let old = self.get(kind, meta::namespace(obj), meta::name(obj))?;
        let wanted_rv = meta::str_at(obj, "/metadata/resourceVersion");
        if !wanted_rv.is_empty() && wanted_rv != meta::str_at(old, "/metadata/resourceVersion") {
            return Err(Status::conflict(kind, meta::name(obj)));
        }
        Ok(old)
    }

    /// `obj` with `old`'s resourceVersion, to compare whether an update changes anything.
    fn with_rv(&self, obj: &Value, old: &Value) -> Value {
        let mut copy = obj.clone();
        if let Some(rv) = meta::at(old, "/metadata/resourceVersion") {
            meta::metadata_mut(&mut copy).insert("resourceVersion".into(), rv.clone());
        }
        copy
    }

    /// Stores `obj` with a new resourceVersion and logs the change.
    fn put(&mut self, kind: &'static Kind, change: ChangeType, mut obj: Value) -> Value {
        self.resource_version += 1;
        let rv = self.resource_version;
        meta::metadata_mut(&mut obj).insert("resourceVersion".into(), json!(rv.to_string()));
        let object = Rc::new(obj);
        self.objects
            .entry(type_key(kind))
            .or_default()
            .entry(meta::namespace(&object).to_string())
            .or_default()
            .insert(meta::name(&object).to_string(), Rc::clone(&object));
        if schema::is_crd(kind) {
            self.crd_written(&object);
        }
        self.log.push(Change {
            resource_version: rv,
            change,
            kind,
            object: Rc::clone(&object),
        });
        (*object).clone()
    }

    /// Removes an object for good and logs its deletion.
    fn remove(&mut self, kind: &'static Kind, obj: &Value) -> Result<Value> {
        let Some(gone) = self
            .objects
            .get_mut(&type_key(kind))
            .and_then(|objs| objs.get_mut(meta::namespace(obj)))
            .and_then(|names| names.remove(meta::name(obj)))
        else {
            return Err(Status::not_found(kind, meta::name(obj)));
        };
        let mut gone = Rc::unwrap_or_clone(gone);
        self.resource_version += 1;
        let rv = self.resource_version;
        meta::metadata_mut(&mut gone).insert("resourceVersion".into(), json!(rv.to_string()));
        self.log.push(Change {
            resource_version: rv,
            change: ChangeType::Deleted,
            kind,
            object: Rc::new(gone.clone()),
        });
        if schema::is_crd(kind) {
            self.crd_removed(&gone);
        }
        Ok(gone)
    }

    fn namespace_for_create(&self, kind: &Kind, obj: &Value) -> Result<String> {
        if !kind.namespaced {
            return Ok(String::new());
        }
        let ns = match meta::namespace(obj) {
            "" => "default",
            ns => ns,
        };
        admission::namespace_lifecycle::check_create(self, kind, obj, ns)?;
        Ok(ns.to_string())
    }

    /// Stamps a new object with its name and namespace, refusing a name already taken.
    fn place_for_create(
        &self,
        kind: &'static Kind,
        obj: &mut Value,
        namespace: &str,
        name: &str,
    ) -> Result<()> {
        if self.get(kind, namespace, name).is_ok() {
            return Err(Status::already_exists(kind, name));
        }
        let m = meta::metadata_mut(obj);
        m.insert("name".into(), json!(name));
        if kind.namespaced {
            m.insert("namespace".into(), json!(namespace));
        } else {
            m.remove("namespace");
        }
        m.remove("deletionTimestamp");
        m.remove("resourceVersion");
        Ok(())
    }
}

/// A new object's name: its own, or its `generateName` prefix and a 5-character `suffix`.
fn create_name(obj: &Value, suffix: impl FnOnce() -> String) -> String {
    match (meta::name(obj), meta::str_at(obj, "/metadata/generateName")) {
        // Validation reports it, with any other error of the object.
        ("", "") => String::new(),
        ("", prefix) => {
            // Upstream trims the prefix so that prefix + 5 random characters fits in 63.
            let prefix: String = prefix.chars().take(58).collect();
            format!("{prefix}{}", suffix())
        }
        (name, _) => name.to_string(),
    }
}

/// The key under which the store files objects of a kind. Core `events` and `events.k8s.io`
/// share a plural, so the group is part of it.
fn type_key(kind: &Kind) -> (&'static str, &'static str) {
    (kind.group, kind.plural)
}

/// Kinds whose `metadata.generation` counts spec changes.
fn has_generation(kind: &Kind) -> bool {
    matches!(
        kind.kind,
        "Pod"
            | "Deployment"
            | "ReplicaSet"
            | "StatefulSet"
            | "DaemonSet"
            | "ReplicationController"
            | "Job"
            | "CronJob"
            | "HorizontalPodAutoscaler"
            | "PodDisruptionBudget"
            | "Ingress"
            | "NetworkPolicy"
            | "CustomResourceDefinition"
            | "ValidatingAdmissionPolicy"
            | "ValidatingAdmissionPolicyBinding"
    )
}

/// Kinds with a `/status` subresource: a plain update leaves their status alone.
fn has_status(kind: &Kind) -> bool {
    !matches!(
        kind.kind,
        "ConfigMap"
            | "Secret"
            | "ServiceAccount"
            | "Event"
            | "Endpoints"
            | "EndpointSlice"
            | "Role"
            | "RoleBinding"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "LimitRange"
            | "PriorityClass"
            | "StorageClass"
            | "IngressClass"
            | "ControllerRevision"
            | "Lease"
    )
}

/// Whether an object marked for deletion has nothing left to wait for: no finalizers (a
/// namespace's `spec.finalizers` included) and no grace period still running.
fn ready_to_go(obj: &Value) -> bool {
    meta::is_deleting(obj)
        && finalizers_empty(obj)
        && obj
            .pointer("/spec/finalizers")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
        && obj
            .pointer("/metadata/deletionGracePeriodSeconds")
            .and_then(Value::as_i64)
            .unwrap_or(0)
            == 0
}

fn finalizers_empty(obj: &Value) -> bool {
    meta::at(obj, "/metadata/finalizers")
        .and_then(Value::as_array)
        .is_none_or(Vec::is_empty)
}

/// The DaemonSet strategy's template generation, which apps/v1 shows as the
/// `deprecated.daemonset.template.generation` annotation: 1 at creation, one more each time the
/// pod template changes. Daemon pods carry it in their `pod-template-generation` label.
fn daemon_set_template_generation(old: Option<&Value>, obj: &mut Value) {
    const KEY: &str = "deprecated.daemonset.template.generation";
    let read = |o: &Value| {
        meta::at(o, "/metadata/annotations")
            .and_then(|a| a.get(KEY))
            .and_then(Value::as_str)
            .and_then(|v| v.parse::<i64>().ok())
    };
    let generation = match old {
        None => read(obj).filter(|g| *g >= 1).unwrap_or(1),
        Some(old) => {
            let before = read(old).unwrap_or(1);
            if meta::at(old, "/spec/template") != meta::at(obj, "/spec/template") {
                before + 1
            } else {
                before
            }
        }
    };
    meta::child_object(meta::metadata_mut(obj), "annotations")
        .insert(KEY.into(), json!(generation.to_string()));
}
