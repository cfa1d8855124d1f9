//! The HorizontalPodAutoscaler controller (upstream's `pkg/controller/podautoscaler`): every
//! 15 s (`--horizontal-pod-autoscaler-sync-period`) each HPA reads its target's `scale`
//! subresource, asks the resource metrics API (metrics-server) for its pods' usage, lets
//! [`replicas`] propose a count per metric (the highest wins), [`normalize`] stabilize and
//! bound it, sets the new size through the `scale` subresource, and writes its status:
//! current and desired replicas, the current metrics, the last scale time, and the
//! `AbleToScale`, `ScalingActive` and `ScalingLimited` conditions with upstream's reasons.
//!
//! Events are upstream's: `SuccessfulRescale` ("New size: 4; reason: cpu resource utilization
//! (percentage of request) above target"), `FailedGetScale`, `FailedGetResourceMetric` and
//! `FailedComputeMetricsReplicas` (no metrics-server, a pod without requests). Only the
//! resource metrics API exists here: `Pods`, `Object` and `External` metrics fail as they do on
//! a cluster without a custom or external metrics adapter.

pub mod normalize;
pub mod replicas;

use std::collections::BTreeMap;

use serde_json::{Value, json};

use self::normalize::{Bounds, Cond, History};
use self::replicas::{PodMetric, PodMetrics, Proposal};
use super::{Controller, Ctx, ObjectKey, Op, Outcome, kind};
use crate::api::labels::Selector;
use crate::api::quantity::{Format, Quantity};
use crate::api::{kinds, meta, selector};
use crate::kubelet::metrics::{RESOLUTION, list_pod_metrics};
use crate::store::{Change, Store};
use crate::time::{SECOND, Time};

/// `--horizontal-pod-autoscaler-sync-period`.
pub const SYNC_PERIOD: i64 = 15 * SECOND;

const SOURCE: &str = "horizontal-pod-autoscaler";

fn hpa_kind() -> &'static crate::api::Kind {
    kind("autoscaling", "HorizontalPodAutoscaler")
}

/// What the controller keeps per HPA: which one it is (a re-created HPA starts afresh), when it
/// last synced it (its work queue's rate limiter) and its recommendations and scale events.
struct State {
    uid: String,
    last_sync: Time,
    history: History,
}

#[derive(Default)]
pub struct HorizontalController {
    state: BTreeMap<ObjectKey, State>,
}

impl Controller for HorizontalController {
    fn name(&self) -> &'static str {
        SOURCE
    }

    fn keys_for(&self, change: &Change, _store: &Store, out: &mut Vec<ObjectKey>) {
        if std::ptr::eq(change.kind, hpa_kind()) {
            out.push(ObjectKey::of(&change.object));
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let Ok(hpa) = ctx.store.get(hpa_kind(), &key.namespace, &key.name) else {
            self.state.remove(key);
            return Outcome::default();
        };
        let uid = meta::uid(hpa).to_string();
        match self.state.get(key) {
            // Every change to an HPA (its own status writes too) goes through a rate limiter
            // that holds it until a sync period after the last sync.
            Some(s) if s.uid == uid && s.last_sync.plus_millis(SYNC_PERIOD) > ctx.now => {
                return Outcome {
                    ops: Vec::new(),
                    requeue_after: Some(s.last_sync.plus_millis(SYNC_PERIOD).since(ctx.now)),
                };
            }
            Some(s) if s.uid == uid => {}
            _ => {
                self.state.insert(
                    key.clone(),
                    State {
                        uid,
                        last_sync: ctx.now,
                        history: History::default(),
                    },
                );
            }
        }
        let Some(state) = self.state.get_mut(key) else {
            return Outcome::default();
        };
        state.last_sync = ctx.now;
        let mut sync = Sync::new(hpa, ctx);
        sync.reconcile(&mut state.history);
        Outcome {
            ops: sync.ops,
            requeue_after: Some(SYNC_PERIOD),
        }
    }
}

/// The target's `scale` subresource as the controller reads it.
struct Scale {
    kind: &'static crate::api::Kind,
    object: Value,
    spec_replicas: i32,
    selector: Selector,
}

/// One sync of one HPA (`reconcileAutoscaler`): a working copy of the HPA whose status it
/// rewrites, and the requests and events it makes.
struct Sync<'a> {
    original: &'a Value,
    hpa: Value,
    ctx: &'a Ctx<'a>,
    ops: Vec<Op>,
}

/// A metric's computation: the proposal, the metric's description and its status.
type MetricResult = Result<(i32, String, Value), (Cond, String)>;

impl<'a> Sync<'a> {
    fn new(original: &'a Value, ctx: &'a Ctx<'a>) -> Sync<'a> {
        Sync {
            original,
            hpa: original.clone(),
            ctx,
            ops: Vec::new(),
        }
    }

    fn event(&mut self, warning: bool, reason: &'static str, message: String) {
        self.ops
            .push(Op::event(self.original, warning, reason, message, SOURCE));
    }

    /// `setCondition`: the transition time moves only when the status does.
    fn set_condition(&mut self, cond: &Cond) {
        let status = if cond.status { "True" } else { "False" };
        let now = self.ctx.now.rfc3339();
        let conditions = meta::ensure_object(&mut self.hpa, "status")
            .entry("conditions")
            .or_insert_with(|| json!([]));
        if !conditions.is_array() {
            *conditions = json!([]);
        }
        let Some(list) = conditions.as_array_mut() else {
            return;
        };
        let index = match list
            .iter()
            .position(|c| meta::str_at(c, "/type") == cond.type_)
        {
            Some(i) => i,
            None => {
                list.push(json!({"type": cond.type_}));
                list.len() - 1
            }
        };
        let Some(c) = list.get_mut(index) else {
            return;
        };
        if meta::str_at(c, "/status") != status {
            c["lastTransitionTime"] = json!(now);
        }
        c["status"] = json!(status);
        c["reason"] = json!(cond.reason);
        c["message"] = json!(cond.message);
    }

    fn spec_i32(&self, pointer: &str) -> Option<i32> {
        meta::at(&self.hpa, pointer)
            .and_then(Value::as_i64)
            .map(|v| v as i32)
    }

    fn reconcile(&mut self, history: &mut History) {
        let namespace = meta::namespace(self.original).to_string();
        let target = meta::at(self.original, "/spec/scaleTargetRef")
            .cloned()
            .unwrap_or(Value::Null);
        let scale = match get_scale(self.ctx.store, &namespace, &target) {
            Ok(scale) => scale,
            Err(message) => {
                self.event(true, "FailedGetScale", message.clone());
                self.set_condition(&Cond::new(
                    "AbleToScale",
                    false,
                    "FailedGetScale",
                    &format!(
                        "the HPA controller was unable to get the target's current scale: {message}"
                    ),
                ));
                self.update_status();
                return;
            }
        };
        self.set_condition(&Cond::new(
            "AbleToScale",
            true,
            "SucceededGetScale",
            "the HPA controller was able to get the target's current scale",
        ));
        let current = scale.spec_replicas;
        let now = self.ctx.now;
        history.start(current, now);
        let min = self.spec_i32("/spec/minReplicas").unwrap_or(1);
        let max = self.spec_i32("/spec/maxReplicas").unwrap_or(0);
        let behavior = meta::at(&self.hpa, "/spec/behavior")
            .filter(|b| b.is_object())
            .cloned();
        let mut statuses = Value::Null;
        let (desired, reason, rescale) = if current == 0 {
            self.set_condition(&Cond::new(
                "ScalingActive",
                false,
                "ScalingDisabled",
                "scaling is disabled since the replica count of the target is zero",
            ));
            (0, String::new(), false)
        } else if current > max {
            (
                max,
                "Current number of replicas above Spec.MaxReplicas".to_string(),
                true,
            )
        } else if current < min {
            (
                min,
                "Current number of replicas below Spec.MinReplicas".to_string(),
                true,
            )
        } else {
            let (proposal, metric, computed) = match self.compute_for_metrics(&scale) {
                Ok(found) => found,
                Err((computed, error)) => {
                    self.set_status(current, None, computed, false);
                    self.update_status();
                    self.event(true, "FailedComputeMetricsReplicas", error);
                    return;
                }
            };
            statuses = computed;
            let reason = if proposal > current {
                format!("{metric} above target")
            } else if proposal < current {
                "All metrics below target".to_string()
            } else {
                String::new()
            };
            let bounds = Bounds { current, min, max };
            let (desired, conds) = match &behavior {
                None => history.normalize(proposal, bounds, now),
                Some(b) => history.normalize_with_behavior(b, proposal, bounds, now),
            };
            for c in &conds {
                self.set_condition(c);
            }
            (desired, reason, desired != current)
        };
        if rescale {
            let mut object = scale.object.clone();
            meta::ensure_object(&mut object, "spec").insert("replicas".into(), json!(desired));
            self.ops.push(Op::UpdateScale(scale.kind, object));
            self.set_condition(&Cond::new(
                "AbleToScale",
                true,
                "SucceededRescale",
                &format!("the HPA controller was able to update the target scale to {desired}"),
            ));
            self.event(
                false,
                "SuccessfulRescale",
                format!("New size: {desired}; reason: {reason}"),
            );
            if let Some(b) = &behavior {
                history.store_scale_event(b, current, desired, now);
            }
            self.set_status(current, Some(desired), statuses, true);
        } else {
            self.set_status(current, Some(current), statuses, false);
        }
        self.update_status();
    }

    /// `setStatus`: `desired` `None` keeps the last desired count.
    fn set_status(&mut self, current: i32, desired: Option<i32>, metrics: Value, rescale: bool) {
        let now = self.ctx.now.rfc3339();
        let status = meta::ensure_object(&mut self.hpa, "status");
        status.insert("currentReplicas".into(), json!(current));
        if let Some(d) = desired {
            status.insert("desiredReplicas".into(), json!(d));
        } else if !status.contains_key("desiredReplicas") {
            status.insert("desiredReplicas".into(), json!(0));
        }
        status.insert("currentMetrics".into(), metrics);
        if rescale {
            status.insert("lastScaleTime".into(), json!(now));
        }
        if current == 0 {
            status.remove("currentReplicas");
        }
    }

    /// `updateStatusIfNeeded`.
    fn update_status(&mut self) {
        if self.hpa.get("status") != self.original.get("status") {
            self.ops
                .push(Op::UpdateStatus(hpa_kind(), self.hpa.clone()));
        }
    }

    /// `computeReplicasForMetrics`: the highest proposal, the metric behind it and every
    /// metric's status; or, when no metric (or not enough to scale down) could be computed,
    /// the statuses and the error, after setting the first failure's condition.
    fn compute_for_metrics(
        &mut self,
        scale: &Scale,
    ) -> Result<(i32, String, Value), (Value, String)> {
        let specs: Vec<Value> = meta::array_at(&self.hpa, "/spec/metrics").to_vec();
        let pods: Vec<&Value> = self
            .ctx
            .store
            .list(kind("", "Pod"), Some(meta::namespace(self.original)))
            .filter(|p| scale.selector.matches(p))
            .collect();
        let mut statuses = vec![json!({"type": ""}); specs.len()];
        let (mut replicas, mut metric) = (0, String::new());
        let mut invalid = 0;
        let mut first_error: Option<(Cond, String)> = None;
        for (i, spec) in specs.iter().enumerate() {
            match self.compute_for_metric(spec, scale.spec_replicas, &pods) {
                Ok((proposal, name, status)) => {
                    if let Some(slot) = statuses.get_mut(i) {
                        *slot = status;
                    }
                    if replicas == 0 || proposal > replicas {
                        replicas = proposal;
                        metric = name;
                    }
                }
                Err(e) => {
                    invalid += 1;
                    first_error.get_or_insert(e);
                }
            }
        }
        let statuses = Value::Array(statuses);
        if let Some((cond, error)) = first_error
            && (invalid >= specs.len() || replicas < scale.spec_replicas)
        {
            self.set_condition(&cond);
            return Err((
                statuses,
                format!(
                    "invalid metrics ({invalid} invalid out of {}), first error is: {error}",
                    specs.len()
                ),
            ));
        }
        self.set_condition(&Cond::new(
            "ScalingActive",
            true,
            "ValidMetricFound",
            &format!("the HPA was able to successfully calculate a replica count from {metric}"),
        ));
        Ok((replicas, metric, statuses))
    }

    /// `getUnableComputeReplicaCountCondition`: the event now, the condition for later.
    fn unable(&mut self, reason: &'static str, error: &str) -> Cond {
        self.event(true, reason, error.to_string());
        Cond::new(
            "ScalingActive",
            false,
            reason,
            &format!("the HPA was unable to compute the replica count: {error}"),
        )
    }

    /// `computeReplicasForMetric`.
    fn compute_for_metric(&mut self, spec: &Value, current: i32, pods: &[&Value]) -> MetricResult {
        let namespace = meta::namespace(self.original).to_string();
        match meta::str_at(spec, "/type") {
            source @ ("Resource" | "ContainerResource") => {
                let container = meta::str_at(spec, "/containerResource/container").to_string();
                let field = if source == "Resource" {
                    "resource"
                } else {
                    "containerResource"
                };
                let body = spec.get(field).cloned().unwrap_or(Value::Null);
                let (reason, outer) = if source == "Resource" {
                    (
                        "FailedGetResourceMetric",
                        format!(
                            "failed to get {} resource metric value",
                            meta::str_at(&body, "/name")
                        ),
                    )
                } else {
                    (
                        "FailedGetContainerResourceMetric",
                        format!("failed to get {container} container metric value"),
                    )
                };
                match self.resource_metric(&body, &container, current, pods) {
                    Ok((replicas, name, current_value)) => {
                        let mut status = json!({"type": source});
                        status[field] =
                            json!({"name": meta::str_at(&body, "/name"), "current": current_value});
                        if source == "ContainerResource" {
                            status[field]["container"] = json!(container);
                        }
                        Ok((replicas, name, status))
                    }
                    Err(e) => Err((self.unable(reason, &e), format!("{outer}: {e}"))),
                }
            }
            "Pods" => {
                let name = meta::str_at(spec, "/pods/metric/name");
                let e = format!("unable to get metric {name}: {NO_CUSTOM_METRICS}");
                Err((
                    self.unable("FailedGetPodsMetric", &e),
                    format!("failed to get pods metric value: {e}"),
                ))
            }
            "Object" => {
                let name = meta::str_at(spec, "/object/metric/name");
                let e = format!(
                    "unable to get metric {name} on {} {namespace}/{}: {NO_CUSTOM_METRICS}",
                    meta::str_at(spec, "/object/describedObject/kind"),
                    meta::str_at(spec, "/object/describedObject/name")
                );
                let cond = self.unable("FailedGetObjectMetric", &e);
                let e = if meta::at(spec, "/object/target/averageValue").is_some() {
                    format!("failed to get {name} object metric: {e}")
                } else {
                    e
                };
                Err((cond, format!("failed to get object metric value: {e}")))
            }
            "External" => {
                let name = meta::str_at(spec, "/external/metric/name");
                let selector = match meta::at(spec, "/external/metric/selector") {
                    Some(s) if !s.is_null() => selector::format(Some(s)),
                    _ => "nil".to_string(),
                };
                let e = format!(
                    "unable to get external metric {namespace}/{name}/{selector}: unable to fetch metrics from external metrics API: the server could not find the requested resource (get {name}.external.metrics.k8s.io)"
                );
                let cond = self.unable("FailedGetExternalMetric", &e);
                let e = if meta::at(spec, "/external/target/averageValue").is_some() {
                    format!("failed to get {name} external metric: {e}")
                } else {
                    format!("failed to get external metric {name}: {e}")
                };
                Err((
                    cond,
                    format!("failed to get {name} external metric value: {e}"),
                ))
            }
            other => {
                let e = format!("unknown metric source type \"{other}\"");
                Err((self.unable("InvalidMetricSourceType", &e), e))
            }
        }
    }

    /// `computeStatusForResourceMetricGeneric`: the proposal, the metric's description and its
    /// current value (`MetricValueStatus`).
    fn resource_metric(
        &self,
        body: &Value,
        container: &str,
        current: i32,
        pods: &[&Value],
    ) -> Result<(i32, String, Value), String> {
        let resource = meta::str_at(body, "/name");
        if let Some(target) = meta::at(body, "/target/averageValue")
            .and_then(Value::as_str)
            .and_then(crate::api::quantity::parse_milli)
        {
            let metrics = self
                .resource_metrics(resource, container, pods)
                .map_err(|e| format!("failed to get {resource} usage: unable to get metrics for resource {resource}: {e}"))?;
            let p = replicas::plain_replicas(
                current,
                target as i64,
                resource,
                pods,
                metrics,
                self.ctx.now,
            )
            .map_err(|e| format!("failed to get {resource} usage: {e}"))?;
            return Ok((
                p.replicas,
                format!("{resource} resource"),
                json!({"averageValue": build_quantity(resource, p.raw)}),
            ));
        }
        let Some(target) = meta::at(body, "/target/averageUtilization").and_then(Value::as_i64)
        else {
            return Err("invalid resource metric source: neither an average utilization target nor an average value (usage) target was set".into());
        };
        let metrics = self
            .resource_metrics(resource, container, pods)
            .map_err(|e| format!("failed to get {resource} utilization: unable to get metrics for resource {resource}: {e}"))?;
        let p: Proposal = replicas::resource_replicas(
            current,
            target as i32,
            resource,
            container,
            pods,
            metrics,
            self.ctx.now,
        )
        .map_err(|e| format!("failed to get {resource} utilization: {e}"))?;
        let name = if container.is_empty() {
            format!("{resource} resource utilization (percentage of request)")
        } else {
            format!("{resource} container resource utilization (percentage of request)")
        };
        Ok((
            p.replicas,
            name,
            json!({"averageUtilization": p.utilization, "averageValue": build_quantity(resource, p.raw)}),
        ))
    }

    /// `GetResourceMetric`: the pods' (or one container's) usage of `resource`, in milli-units.
    fn resource_metrics(
        &self,
        resource: &str,
        container: &str,
        pods: &[&Value],
    ) -> Result<PodMetrics, String> {
        let (scrapes, measured) =
            list_pod_metrics(self.ctx.metrics, self.ctx.store, self.ctx.now, pods)
                .map_err(|e| format!("unable to fetch metrics from resource metrics API: {e}"))?;
        if measured.is_empty() {
            return Err("no metrics returned from resource metrics API".into());
        }
        let mut out = PodMetrics::new();
        for (pod, usage) in measured {
            let value = usage
                .iter()
                .filter(|(name, _)| container.is_empty() || name == container)
                .map(|(_, u)| match resource {
                    "cpu" => Some(u.cpu_millis),
                    "memory" => Some(u.memory_bytes as i64 * 1000),
                    _ => None,
                })
                .try_fold(0i64, |sum, v| v.map(|v| sum + v));
            let has_container = container.is_empty() || usage.iter().any(|(n, _)| n == container);
            if let (Some(value), true) = (value, has_container) {
                out.insert(
                    meta::name(pod).to_string(),
                    PodMetric {
                        value,
                        timestamp: scrapes.last,
                        window: RESOLUTION,
                    },
                );
            }
        }
        Ok(out)
    }
}

/// How the API reports the custom metrics API when no adapter serves it.
const NO_CUSTOM_METRICS: &str = "unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered";

/// `buildQuantity`: memory in binary units, everything else in decimal (milli) ones.
fn build_quantity(resource: &str, milli: i64) -> String {
    let format = if resource == "memory" {
        Format::BinarySI
    } else {
        Format::DecimalSI
    };
    Quantity::new(i128::from(milli), -3, format).canonical()
}

/// Reads the target's `scale` subresource, or the error the scale client would return.
fn get_scale(store: &Store, namespace: &str, target: &Value) -> Result<Scale, String> {
    let api_version = meta::str_at(target, "/apiVersion");
    let target_kind = meta::str_at(target, "/kind");
    let name = meta::str_at(target, "/name");
    let group = match api_version.split('/').collect::<Vec<_>>().as_slice() {
        [_version] => "",
        [group, _version] => group,
        _ => return Err(format!("unexpected GroupVersion string: {api_version}")),
    };
    let Some(kind) = kinds::by_kind(group, target_kind) else {
        return Err(format!(
            "no matches for kind \"{target_kind}\" in group \"{group}\""
        ));
    };
    if !matches!(
        kind.kind,
        "Deployment" | "ReplicaSet" | "StatefulSet" | "ReplicationController"
    ) {
        return Err("the server could not find the requested resource".into());
    }
    let object = store
        .get(kind, namespace, name)
        .map_err(|status| status.message.clone())?
        .clone();
    let selector = if kind.kind == "ReplicationController" {
        meta::at(&object, "/spec/selector")
            .and_then(Value::as_object)
            .map(Selector::from_set)
            .unwrap_or_else(Selector::nothing)
    } else {
        selector::as_selector(meta::at(&object, "/spec/selector"))
            .unwrap_or_else(|_| Selector::nothing())
    };
    Ok(Scale {
        kind,
        spec_replicas: meta::at(&object, "/spec/replicas")
            .and_then(Value::as_i64)
            .unwrap_or(1) as i32,
        object,
        selector,
    })
}
