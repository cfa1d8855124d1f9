//! The event loop: the API server, every controller, the scheduler and the kubelets, driven over
//! virtual time.
//!
//! Work is level-triggered. Each change in the watch log is offered to every component, which
//! names the keys it concerns; those keys wait in an ordered set until reconciled. A reconcile
//! returns operations, applied here through the API server, whose changes feed the next round.
//! Components can ask to look again later: those requests wait in a time-ordered queue keyed by
//! `(time, sequence)`, so that two timers due at once fire in the order they were set.
//!
//! Time moves only through [`Sim::advance_to`]; between timers, the loop settles the current
//! instant completely, so every command sees a cluster at rest.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde_json::{Value, json};

use crate::api::{Kind, Result, meta};
use crate::controllers::{
    self, Controller, Ctx, EventNote, ObjectKey, Op, apiservice, clusterrole_aggregation, crd,
    cronjob, daemonset, deployment, disruption, endpoints, endpointslice, garbage_collector,
    ingress_nginx, job, local_path, namespace, node_lifecycle, persistentvolume, pod_gc,
    podautoscaler, replicaset, replication_controller, resourcequota, service_lb, serviceaccount,
    statefulset, taint_eviction, ttl_after_finished,
};
use crate::event_correlator::{COMBINED_PREFIX, Correlator, Verdict};
use crate::kubelet::{Kubelet, heartbeat::NodeHeartbeat};
use crate::scheduler::Scheduler;
use crate::store::{Change, ChangeType, Store};
use crate::time::Time;

/// The work queue's rate limiter on failed syncs: first retry after 5 ms, doubling, at most
/// 1000 s (client-go's `DefaultControllerRateLimiter` per-item part).
const RETRY_BASE_MS: i64 = 5;
const RETRY_MAX_MS: i64 = 1_000_000;

/// Upper bound on reconciles within one instant. Reaching it means two components are fighting
/// (a bug); the loop stops that instant rather than hang the page.
const MAX_RECONCILES_PER_INSTANT: usize = 2_000_000;

pub struct Sim {
    pub store: Store,
    components: Vec<Box<dyn Controller>>,
    /// Keys waiting to be reconciled now, first come first served, each at most once — a
    /// work queue: a burst of changes to one object's dependents costs one reconcile of it.
    pending: VecDeque<(usize, ObjectKey)>,
    queued: BTreeSet<(usize, ObjectKey)>,
    /// Keys to reconcile later, in firing order.
    timers: BTreeMap<(Time, u64), (usize, ObjectKey)>,
    /// The earliest timer already set per key, so repeated requeues do not pile up.
    next_timer_for: BTreeMap<(usize, ObjectKey), Time>,
    timer_seq: u64,
    recorder: EventRecorder,
    /// Nodes whose kubelet the sandbox has stopped (infrastructure, not API state).
    stopped_kubelets: BTreeSet<String>,
    /// Consecutive failed syncs per key, for the retry back-off.
    failures: BTreeMap<(usize, ObjectKey), u32>,
    /// Watches clients hold open (`kubectl rollout status`): the changes each one sees.
    watches: BTreeMap<u64, Watch>,
    next_watch: u64,
    /// Changes to objects other than Leases (whose renewals every 10 s say nothing), counted
    /// for [`Sim::step`], with the latest ones kept while a step is under way.
    visible_changes: u64,
    step_log: Option<Vec<StepChange>>,
    /// The learner's machine: ports kubectl processes listen on (infrastructure too).
    pub host: crate::network::host::HostPorts,
}

/// One change a [`Sim::step`] saw: `(ADDED|MODIFIED|DELETED, kind, namespace, name)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepChange {
    pub change: ChangeType,
    pub kind: &'static str,
    pub namespace: String,
    pub name: String,
}

/// A client's watch on one object or on a collection (a namespace's or every namespace's
/// objects of one kind): the changes since the client last looked, in order, as a watch
/// stream delivers them.
struct Watch {
    kind: &'static Kind,
    /// `None`: every namespace (and cluster-scoped kinds).
    namespace: Option<String>,
    /// `None`: the whole collection.
    name: Option<String>,
    events: Vec<Change>,
}

impl Sim {
    pub fn new(seed: u64) -> Sim {
        Sim {
            store: Store::new(seed),
            components: vec![
                Box::new(namespace::NamespaceController),
                Box::new(serviceaccount::ServiceAccountController),
                Box::new(resourcequota::ResourceQuotaController),
                Box::new(deployment::DeploymentController),
                Box::new(replicaset::ReplicaManager::replica_sets()),
                Box::new(replication_controller::manager()),
                Box::new(daemonset::DaemonSetController),
                Box::new(disruption::DisruptionController),
                Box::new(podautoscaler::HorizontalController::default()),
                Box::new(statefulset::StatefulSetController),
                Box::new(persistentvolume::PersistentVolumeController),
                Box::new(persistentvolume::protection::PvcProtectionController),
                Box::new(persistentvolume::protection::PvProtectionController),
                Box::new(local_path::LocalPathProvisioner::default()),
                Box::new(ingress_nginx::IngressNginxController::default()),
                // Before the Job controller: a CronJob records the Job it created as the API
                // server returned it, before the Job controller's first status update.
                Box::new(cronjob::CronJobController),
                Box::new(job::JobController::default()),
                Box::new(ttl_after_finished::TtlAfterFinishedController),
                Box::new(garbage_collector::GarbageCollector),
                Box::new(endpoints::EndpointsController),
                Box::new(endpointslice::EndpointSliceController),
                Box::new(service_lb::ServiceLoadBalancerController::default()),
                Box::new(node_lifecycle::NodeLifecycleController),
                Box::new(taint_eviction::TaintEvictionController::default()),
                Box::new(pod_gc::PodGarbageCollector::default()),
                Box::new(crd::CrdController),
                Box::new(apiservice::AvailableConditionController),
                Box::new(clusterrole_aggregation::ClusterRoleAggregationController),
                Box::new(Scheduler::default()),
                Box::new(Kubelet::default()),
                Box::new(NodeHeartbeat::default()),
            ],
            pending: VecDeque::new(),
            queued: BTreeSet::new(),
            timers: BTreeMap::new(),
            next_timer_for: BTreeMap::new(),
            timer_seq: 0,
            recorder: EventRecorder::default(),
            stopped_kubelets: BTreeSet::new(),
            failures: BTreeMap::new(),
            watches: BTreeMap::new(),
            next_watch: 0,
            visible_changes: 0,
            step_log: None,
            host: Default::default(),
        }
    }

    /// Stops or starts the kubelet on `node`, as `systemctl stop|start kubelet` on the machine.
    pub fn set_kubelet_running(&mut self, node: &str, running: bool) {
        if running {
            self.stopped_kubelets.remove(node);
        } else {
            self.stopped_kubelets.insert(node.to_string());
        }
        let mut wake = Vec::new();
        for (index, component) in self.components.iter_mut().enumerate() {
            for key in component.set_kubelet_running(node, running, &self.store) {
                wake.push((index, key));
            }
        }
        for (index, key) in wake {
            self.enqueue(index, key);
        }
        self.settle();
    }

    pub fn kubelet_running(&self, node: &str) -> bool {
        !self.stopped_kubelets.contains(node)
    }

    pub fn now(&self) -> Time {
        self.store.now()
    }

    /// When the next timer is due, if any.
    pub fn next_timer(&self) -> Option<Time> {
        self.timers.keys().next().map(|(t, _)| *t)
    }

    /// Reconciles until nothing is pending at the current instant.
    pub fn settle(&mut self) {
        // Components are the cluster's own: their requests are not a client's (see `auth`).
        let client = self.store.take_requester();
        self.settle_components();
        self.store.set_requester(client);
    }

    fn settle_components(&mut self) {
        let mut budget = MAX_RECONCILES_PER_INSTANT;
        loop {
            self.route_changes();
            let Some((index, key)) = self.pending.pop_front() else {
                return;
            };
            self.queued.remove(&(index, key.clone()));
            if budget == 0 {
                self.pending.clear();
                self.queued.clear();
                return;
            }
            budget -= 1;
            let now = self.now();
            let Some((component, metrics)) = component_and_metrics(&mut self.components, index)
            else {
                continue;
            };
            let outcome = component.reconcile(
                &key,
                &Ctx {
                    store: &self.store,
                    now,
                    metrics,
                },
            );
            let manager = field_manager(component.name());
            self.store.set_manager(manager);
            self.store.set_component_requests(true);
            let (failed, create_error) = self.apply_outcome(outcome.ops);
            self.store.set_component_requests(false);
            if let (Some(error), Some(component)) = (create_error, self.components.get_mut(index)) {
                component.create_failed(&key, &error);
            }
            // Warnings are for the client that made the request; a controller only logs them.
            self.store.take_warnings();
            let slot = (index, key.clone());
            let retry = if failed {
                // A sync that returned an error: the work queue's per-item exponential
                // back-off (5 ms doubling, at most 1000 s) until one succeeds.
                let failures = self.failures.entry(slot).or_insert(0);
                *failures += 1;
                Some(
                    RETRY_BASE_MS
                        .saturating_mul(1 << (*failures - 1).min(20))
                        .min(RETRY_MAX_MS),
                )
            } else {
                self.failures.remove(&slot);
                None
            };
            let after = match (outcome.requeue_after, retry) {
                (Some(a), Some(r)) => Some(a.min(r)),
                (a, r) => a.or(r),
            };
            if let Some(after) = after {
                self.set_timer(index, key, now.plus_millis(after.max(1)));
            }
        }
    }

    /// Runs the cluster up to `until`, firing timers in order and settling at each instant.
    pub fn advance_to(&mut self, until: Time) {
        self.settle();
        while let Some(due) = self.next_timer().filter(|t| *t <= until) {
            if due > self.now() {
                self.store.set_now(due);
            }
            // Every timer due at this instant is queued before any is worked on, so that what
            // they have in common (the ReplicaSet of many pods) is reconciled once.
            while let Some(entry) = self.timers.first_entry() {
                if entry.key().0 != due {
                    break;
                }
                let (index, key) = entry.remove();
                if self.next_timer_for.get(&(index, key.clone())) == Some(&due) {
                    self.next_timer_for.remove(&(index, key.clone()));
                }
                self.enqueue(index, key);
            }
            self.settle();
        }
        if until > self.now() {
            self.store.set_now(until);
        }
    }

    pub fn advance(&mut self, millis: i64) {
        let until = self.now().plus_millis(millis);
        self.advance_to(until);
    }

    /// Advances from timer to timer until an instant changes something other than a Lease,
    /// at most until `limit`; returns that instant's changes, or `None` (then the clock stands
    /// at the last timer before `limit`, or where it was). Equivalent to `advance_to(now
    /// after)`: the same timers fire in the same order.
    pub fn step(&mut self, limit: Time) -> Option<(Time, Vec<StepChange>)> {
        self.settle();
        let before = self.visible_changes;
        self.step_log = Some(Vec::new());
        let mut result = None;
        while let Some(due) = self.next_timer().filter(|t| *t <= limit) {
            self.advance_to(due);
            if self.visible_changes > before {
                result = Some((due, self.step_log.take().unwrap_or_default()));
                break;
            }
        }
        self.step_log = None;
        result
    }

    /// Advances until `done` holds or `limit` passes, checking after every instant; returns
    /// whether `done` held. This is how `kubectl wait`, `delete` and `rollout status` pass time.
    pub fn advance_until(&mut self, limit: Time, mut done: impl FnMut(&Store) -> bool) -> bool {
        self.settle();
        loop {
            if done(&self.store) {
                return true;
            }
            match self.next_timer() {
                Some(t) if t <= limit => self.advance_to(t),
                _ => {
                    self.advance_to(limit);
                    return done(&self.store);
                }
            }
        }
    }

    /// Opens a watch on one object (`?fieldSelector=metadata.name=...&watch=true`); its
    /// changes collect until [`Sim::watch_events`] takes them.
    pub fn watch(&mut self, kind: &'static Kind, namespace: &str, name: &str) -> u64 {
        self.open_watch(kind, Some(namespace), Some(name))
    }

    /// Opens a watch on a collection: the objects of `kind` in `namespace`, or in every
    /// namespace when `None` (`kubectl get -w`). Selectors are the client's to apply.
    pub fn watch_list(&mut self, kind: &'static Kind, namespace: Option<&str>) -> u64 {
        self.open_watch(kind, namespace, None)
    }

    fn open_watch(
        &mut self,
        kind: &'static Kind,
        namespace: Option<&str>,
        name: Option<&str>,
    ) -> u64 {
        self.route_changes();
        self.next_watch += 1;
        let namespace = if kind.namespaced {
            namespace.map(str::to_string)
        } else {
            Some(String::new())
        };
        self.watches.insert(
            self.next_watch,
            Watch {
                kind,
                namespace,
                name: name.map(str::to_string),
                events: Vec::new(),
            },
        );
        self.next_watch
    }

    /// The changes a watch has seen since the last call.
    pub fn watch_events(&mut self, id: u64) -> Vec<Change> {
        self.route_changes();
        self.watches
            .get_mut(&id)
            .map(|w| std::mem::take(&mut w.events))
            .unwrap_or_default()
    }

    pub fn unwatch(&mut self, id: u64) {
        self.watches.remove(&id);
    }

    fn enqueue(&mut self, index: usize, key: ObjectKey) {
        if self.queued.insert((index, key.clone())) {
            self.pending.push_back((index, key));
        }
    }

    fn set_timer(&mut self, index: usize, key: ObjectKey, due: Time) {
        let slot = (index, key);
        if self.next_timer_for.get(&slot).is_some_and(|t| *t <= due) {
            return;
        }
        self.next_timer_for.insert(slot.clone(), due);
        self.timer_seq += 1;
        self.timers.insert((due, self.timer_seq), slot);
    }

    /// Offers every new change in the watch log to every component.
    fn route_changes(&mut self) {
        let changes = self.store.drain_changes();
        for watch in self.watches.values_mut() {
            watch.events.extend(
                changes
                    .iter()
                    .filter(|c| {
                        std::ptr::eq(c.kind, watch.kind)
                            && watch
                                .name
                                .as_ref()
                                .is_none_or(|n| meta::name(&c.object) == n)
                            && watch
                                .namespace
                                .as_ref()
                                .is_none_or(|ns| meta::namespace(&c.object) == ns)
                    })
                    .cloned(),
            );
        }
        for change in changes.iter().filter(|c| c.kind.kind != "Lease") {
            self.visible_changes += 1;
            if let Some(log) = &mut self.step_log {
                log.push(StepChange {
                    change: change.change,
                    kind: change.kind.kind,
                    namespace: meta::namespace(&change.object).to_string(),
                    name: meta::name(&change.object).to_string(),
                });
            }
        }
        let mut keys = Vec::new();
        let mut routed = Vec::new();
        for change in &changes {
            for (index, component) in self.components.iter().enumerate() {
                component.keys_for(change, &self.store, &mut keys);
                routed.extend(keys.drain(..).map(|key| (index, key)));
            }
        }
        for (index, key) in routed {
            self.enqueue(index, key);
        }
    }

    /// Calls the kubelet as the API server proxies to it (`pods/log`, `pods/exec`). When
    /// `changed` names a pod, the kubelet looks at it again afterwards (an exec may have
    /// changed its files or signalled its process).
    pub fn kubelet_call<R>(
        &mut self,
        changed: Option<ObjectKey>,
        call: impl FnOnce(&mut crate::kubelet::Kubelet, &Store, Time) -> R,
    ) -> Option<R> {
        let now = self.now();
        let index = self
            .components
            .iter_mut()
            .position(|c| c.as_kubelet().is_some())?;
        let kubelet = self.components.get_mut(index)?.as_kubelet()?;
        // The kubelet reads what it needs as itself, not as the client it answers.
        let client = self.store.take_requester();
        let result = call(kubelet, &self.store, now);
        self.store.set_requester(client);
        if let Some(key) = changed {
            self.enqueue(index, key);
            self.settle();
        }
        Some(result)
    }

    /// Sends a reconcile's operations through the API server; returns whether any failed.
    ///
    /// A failed request (a conflict, an object gone meanwhile) is dropped: the change that
    /// caused it, or the retry, brings the key back. Pod creations go as upstream's
    /// `slowStartBatch` sends them: batches of 1, 2, 4, ... and none after a batch with a
    /// failure, so a namespace out of quota sees one refusal per sync, not one per missing pod.
    /// Also returns the first error of a pod creation.
    fn apply_outcome(&mut self, ops: Vec<Op>) -> (bool, Option<crate::api::Status>) {
        let mut failed = false;
        let mut create_error = None;
        let (mut batch_size, mut in_batch, mut batch_failed, mut stopped) = (1, 0, false, false);
        for op in ops {
            let pod_create = is_pod_control_create(&op);
            if pod_create && stopped {
                continue;
            }
            let result = self.apply(op);
            let ok = result.is_ok();
            failed |= !ok;
            if pod_create && create_error.is_none() {
                create_error = result.err();
            }
            if pod_create {
                batch_failed |= !ok;
                in_batch += 1;
                if in_batch == batch_size {
                    stopped = batch_failed;
                    (in_batch, batch_size) = (0, batch_size * 2);
                }
            }
        }
        (failed, create_error)
    }

    /// Sends one operation through the API server.
    pub fn apply(&mut self, op: Op) -> Result<()> {
        match op {
            Op::Create {
                kind,
                object,
                event,
            } => {
                let created = match self.store.create(kind, object) {
                    Ok(created) => created,
                    Err(err) => {
                        // `RealPodControl` reports a pod it could not create on its owner,
                        // unless the namespace is going away.
                        if let Some(note) = event.filter(is_pod_control_note)
                            && !crate::store::is_namespace_terminating(&err)
                        {
                            self.record(EventNote {
                                warning: true,
                                reason: "FailedCreate",
                                message: format!("Error creating: {}", err.message),
                                ..note
                            });
                        }
                        return Err(err);
                    }
                };
                if let Some(mut note) = event {
                    note.message = note.message.replace("{name}", meta::name(&created));
                    self.record(note);
                }
            }
            Op::Update(kind, object) => {
                self.store.update(kind, object)?;
            }
            Op::UpdateStatus(kind, object) => {
                self.store.update_status(kind, &object)?;
            }
            Op::UpdateScale(kind, object) => {
                self.store.update_as(kind, object, "scale")?;
            }
            Op::Delete {
                kind,
                key,
                options,
                event,
            } => {
                self.store
                    .delete(kind, &key.namespace, &key.name, options)?;
                if let Some(note) = event {
                    self.record(note);
                }
            }
            Op::Bind { key, node } => {
                self.store.bind(&key.namespace, &key.name, &node)?;
            }
            Op::FinalizeNamespace(name) => {
                self.store
                    .finalize_namespace(controllers::kind("", "Namespace"), &name)?;
            }
            Op::Event(note) => self.record(note),
        }
        Ok(())
    }

    /// Records an event through the API, as `record.EventRecorder` does.
    pub fn record(&mut self, note: EventNote) {
        self.recorder.record(&mut self.store, note);
    }
}

/// The component at `index`, to reconcile with, and the kubelet (when it is another
/// component) as the metrics source it may read meanwhile.
fn component_and_metrics(
    components: &mut [Box<dyn Controller>],
    index: usize,
) -> Option<(&mut Box<dyn Controller>, Option<&Kubelet>)> {
    let kubelet = components.iter().position(|c| c.metrics_source().is_some());
    match kubelet {
        Some(k) if k > index => {
            let (before, after) = components.split_at_mut(k);
            Some((before.get_mut(index)?, after.first()?.metrics_source()))
        }
        Some(k) if k < index => {
            let (before, after) = components.split_at_mut(index);
            Some((after.first_mut()?, before.get(k)?.metrics_source()))
        }
        _ => Some((components.get_mut(index)?, None)),
    }
}

/// The field manager a component's writes are recorded under: its client's user agent, as
/// the API server derives it (`kube-controller-manager` for every controller in it).
fn field_manager(component: &str) -> &'static str {
    match component {
        "default-scheduler" => "kube-scheduler",
        "kubelet" => "kubelet",
        "kube-apiserver" => "kube-apiserver",
        // An add-on with its own client, not part of the controller manager.
        "nginx-ingress-controller" => "nginx-ingress-controller",
        _ => "kube-controller-manager",
    }
}

/// Whether an event note is `RealPodControl`'s (the ReplicaSet, ReplicationController,
/// DaemonSet and Job controllers create pods through it).
fn is_pod_control_note(note: &EventNote) -> bool {
    note.reason == "SuccessfulCreate" && note.message.starts_with("Created pod: ")
}

fn is_pod_control_create(op: &Op) -> bool {
    matches!(op, Op::Create { event: Some(note), .. } if is_pod_control_note(note))
}

/// Writes Events, folding repeats of the same event into one object with a count, as
/// client-go's event correlator does.
#[derive(Default)]
struct EventRecorder {
    /// (involved uid, reason, message, source) → (namespace, event name); for combined
    /// events the message is [`COMBINED_PREFIX`] alone.
    seen: BTreeMap<(String, &'static str, String, &'static str), (String, String)>,
    correlator: Correlator,
    seq: i64,
}

impl EventRecorder {
    fn record(&mut self, store: &mut Store, mut note: EventNote) {
        let kind = controllers::kind("", "Event");
        let now = store.now();
        let source = format!("{}/{}", note.source, note.host);
        let verdict = self.correlator.observe(
            now,
            &source,
            meta::uid(&note.about),
            note.warning,
            note.reason,
            &note.message,
        );
        let key_message = match verdict {
            Verdict::Skip => return,
            Verdict::AsIs => note.message.clone(),
            Verdict::Combined => {
                note.message = format!("{COMBINED_PREFIX}{}", note.message);
                COMBINED_PREFIX.to_string()
            }
        };
        let about = &note.about;
        let correlation = (
            meta::uid(about).to_string(),
            note.reason,
            key_message,
            note.source,
        );
        if let Some((ns, name)) = self.seen.get(&correlation)
            && let Ok(existing) = store.get(kind, ns, name)
        {
            let mut event = existing.clone();
            let count = event.get("count").and_then(Value::as_i64).unwrap_or(1);
            event["count"] = json!(count + 1);
            event["lastTimestamp"] = json!(now.rfc3339());
            event["message"] = json!(note.message);
            let _ = store.update(kind, event);
            return;
        }
        let namespace = match meta::namespace(about) {
            "" => "default",
            ns => ns,
        };
        // Upstream names events `<object>.<unix nanoseconds in hex>`; a sequence number keeps
        // two events in the same virtual millisecond apart.
        self.seq += 1;
        let nanos = now.0.saturating_mul(1_000_000).saturating_add(self.seq);
        let name = format!("{}.{nanos:x}", meta::name(about));
        let mut involved = json!({
            "apiVersion": meta::str_at(about, "/apiVersion"),
            "kind": meta::str_at(about, "/kind"),
            "name": meta::name(about),
            "uid": meta::uid(about),
            "resourceVersion": meta::str_at(about, "/metadata/resourceVersion"),
        });
        if !meta::namespace(about).is_empty() {
            involved["namespace"] = json!(meta::namespace(about));
        }
        let mut source = json!({"component": note.source});
        if !note.host.is_empty() {
            source["host"] = json!(note.host);
        }
        let event = json!({
            "metadata": {"name": name, "namespace": namespace},
            "involvedObject": involved,
            "reason": note.reason,
            "message": note.message,
            "source": source,
            "firstTimestamp": now.rfc3339(),
            "lastTimestamp": now.rfc3339(),
            "count": 1,
            "type": if note.warning { "Warning" } else { "Normal" },
            "eventTime": null,
            "reportingComponent": note.source,
            "reportingInstance": note.host,
        });
        if store.create(kind, event).is_ok() {
            self.seen.insert(correlation, (namespace.to_string(), name));
        }
    }
}
