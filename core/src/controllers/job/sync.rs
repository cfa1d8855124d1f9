//! One sync of a Job (upstream's `syncJob`): count what its pods did, decide whether the Job
//! has succeeded or failed, create or delete pods to match parallelism and completions, and
//! write the status.
//!
//! Finished pods are counted through the tracking finalizer, as upstream does: a pod that
//! finished and still carries `batch.kubernetes.io/job-tracking` is new; the controller counts
//! it and removes the finalizer in the same sync (there is no window here in which the API
//! could fail between the two, so `status.uncountedTerminatedPods` is empty whenever anyone
//! looks). A Job first gets the interim `SuccessCriteriaMet` or `FailureTarget` condition, and
//! `Complete` or `Failed` once none of its pods is still terminating, as in v1.35.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::indexes::{self, Intervals};
use super::pods::{self, has_finalizer};
use super::policy::{self, Action, Backoff};
use crate::api::meta;
use crate::controllers::{EventNote, Op, condition, int_at, is_pod_active, is_pod_ready, kind};
use crate::store::Store;
use crate::time::{SECOND, Time};

/// At most this many pods are created or deleted per sync (`MaxPodCreateDeletePerSync`).
const MAX_PER_SYNC: usize = 500;

/// What a sync asks for.
pub struct Synced {
    pub ops: Vec<Op>,
    pub requeue_after: Option<i64>,
    /// The back-off record to remember for the Job.
    pub backoff: Backoff,
}

/// The parts of a Job's spec a sync reads.
struct Spec {
    completions: Option<i64>,
    parallelism: i64,
    backoff_limit: i64,
    indexed: bool,
    suspended: bool,
    per_index_limit: Option<i64>,
    max_failed_indexes: Option<i64>,
    active_deadline: Option<i64>,
    /// Replace a pod only once it has failed, not while it terminates (`podReplacementPolicy:
    /// Failed`, implied by a pod failure policy).
    only_failed: bool,
    has_failure_policy: bool,
    on_failure: bool,
}

impl Spec {
    fn of(job: &Value) -> Spec {
        let int = |p: &str| job.pointer(p).and_then(Value::as_i64);
        let has_failure_policy = job
            .pointer("/spec/podFailurePolicy")
            .is_some_and(|p| !p.is_null());
        Spec {
            completions: int("/spec/completions"),
            parallelism: int("/spec/parallelism").unwrap_or(1),
            backoff_limit: int("/spec/backoffLimit").unwrap_or(6),
            indexed: meta::str_at(job, "/spec/completionMode") == "Indexed",
            suspended: job.pointer("/spec/suspend") == Some(&Value::Bool(true)),
            per_index_limit: int("/spec/backoffLimitPerIndex"),
            max_failed_indexes: int("/spec/maxFailedIndexes"),
            active_deadline: int("/spec/activeDeadlineSeconds"),
            only_failed: has_failure_policy
                || meta::str_at(job, "/spec/podReplacementPolicy") == "Failed",
            has_failure_policy,
            on_failure: meta::str_at(job, "/spec/template/spec/restartPolicy") == "OnFailure",
        }
    }

    /// `completions` for an Indexed Job (which always has them).
    fn indexed_completions(&self) -> Option<i64> {
        if self.indexed {
            Some(self.completions.unwrap_or(0))
        } else {
            None
        }
    }
}

/// The condition the Job is heading to, or has reached.
#[derive(Clone, Debug)]
struct Finish {
    type_: &'static str,
    reason: String,
    message: String,
}

impl Finish {
    fn new(type_: &'static str, reason: &str, message: &str) -> Finish {
        Finish {
            type_,
            reason: reason.into(),
            message: message.into(),
        }
    }
}

fn new_condition(type_: &str, status: &str, reason: &str, message: &str, now: Time) -> Value {
    let mut c = json!({
        "type": type_,
        "status": status,
        "lastProbeTime": now.rfc3339(),
        "lastTransitionTime": now.rfc3339(),
    });
    if !reason.is_empty() {
        c["reason"] = json!(reason);
    }
    if !message.is_empty() {
        c["message"] = json!(message);
    }
    c
}

/// `ensureJobConditionStatus`: sets a condition, adding it only if its status is not False;
/// returns whether anything changed.
fn ensure_condition(
    list: &mut Vec<Value>,
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: Time,
) -> bool {
    if let Some(c) = list.iter_mut().find(|c| meta::str_at(c, "/type") == type_) {
        if meta::str_at(c, "/status") != status
            || meta::str_at(c, "/reason") != reason
            || meta::str_at(c, "/message") != message
        {
            *c = new_condition(type_, status, reason, message, now);
            return true;
        }
        return false;
    }
    if status != "False" {
        list.push(new_condition(type_, status, reason, message, now));
        return true;
    }
    false
}

/// The first condition of a type, if it is True (`hasJobCondition` semantics).
pub fn true_condition<'a>(job: &'a Value, type_: &str) -> Option<&'a Value> {
    condition(job, type_).filter(|c| meta::str_at(c, "/status") == "True")
}

/// Whether the Job has its final condition (`Complete` or `Failed`).
pub fn is_finished(job: &Value) -> bool {
    job.pointer("/status/conditions")
        .and_then(Value::as_array)
        .is_some_and(|cs| {
            cs.iter().any(|c| {
                matches!(meta::str_at(c, "/type"), "Complete" | "Failed")
                    && meta::str_at(c, "/status") == "True"
            })
        })
}

fn uid_list(job: &Value, which: &str) -> Vec<String> {
    job.pointer(&format!("/status/uncountedTerminatedPods/{which}"))
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

fn event(job: &Value, warning: bool, reason: &'static str, message: String) -> Op {
    Op::Event(EventNote {
        about: job.clone(),
        warning,
        reason,
        message,
        source: "job-controller",
        host: String::new(),
    })
}

/// A sync in progress: the Job, its pods and what has been decided so far (`syncJobCtx`).
struct Ctx<'a> {
    job: &'a Value,
    spec: Spec,
    now: Time,
    pods: Vec<&'a Value>,
    active: Vec<&'a Value>,
    ready: i64,
    terminating: i64,
    succeeded: i64,
    failed: i64,
    prev_succeeded_indexes: Intervals,
    succeeded_indexes: Intervals,
    failed_indexes: Option<Intervals>,
    /// Per index, the last failed pod kept (finalizer and all) until its replacement exists.
    delayed: BTreeMap<i64, &'a Value>,
    backoff: Backoff,
    ops: Vec<Op>,
    requeue_after: Option<i64>,
}

impl Ctx<'_> {
    /// `isPodFailed`: Failed, or being deleted before it succeeded (unless the Job waits for
    /// pods to fail before replacing them).
    fn is_failed(&self, pod: &Value) -> bool {
        let phase = meta::str_at(pod, "/status/phase");
        phase == "Failed"
            || (!self.spec.only_failed && meta::is_deleting(pod) && phase != "Succeeded")
    }

    fn valid(&self, pod: &Value) -> bool {
        match self.spec.indexed_completions() {
            Some(c) => indexes::valid_index(pod, c).is_some(),
            None => true,
        }
    }

    fn requeue(&mut self, after: i64) {
        let after = after.max(SECOND);
        self.requeue_after = Some(self.requeue_after.map_or(after, |r| r.min(after)));
    }

    /// `isIndexFailed`: the index has failed for good.
    fn index_failed(&self, pod: &Value) -> bool {
        let mut counted = false;
        if self.is_failed(pod) {
            if self.spec.has_failure_policy {
                let v = policy::match_pod(self.job, pod);
                if v.action == Some(Action::FailIndex) {
                    return true;
                }
                counted = v.counts;
            } else {
                counted = true;
            }
        }
        counted
            && failure_count(pod, pods::INDEX_FAILURE_COUNT)
                >= self.spec.per_index_limit.unwrap_or(0)
    }

    fn remove_pods(&mut self, victims: &[&Value]) {
        for p in victims {
            self.ops.push(pods::without_finalizer(p));
            self.ops.push(pods::delete(self.job, p));
        }
        self.terminating += victims.len() as i64;
        self.ready -= victims.iter().filter(|p| is_pod_ready(p)).count() as i64;
    }
}

fn failure_count(pod: &Value, annotation: &str) -> i64 {
    pod.pointer("/metadata/annotations")
        .and_then(|a| a.get(annotation))
        .and_then(Value::as_str)
        .and_then(|s| s.parse::<i64>().ok())
        .filter(|n| (0..=i64::from(i32::MAX)).contains(n))
        .unwrap_or(0)
}

fn absolute_failure_count(pod: &Value) -> i64 {
    failure_count(pod, pods::INDEX_FAILURE_COUNT)
        + failure_count(pod, pods::INDEX_IGNORED_FAILURE_COUNT)
}

pub fn sync(job: &Value, store: &Store, now: Time, backoff: Backoff) -> Synced {
    let spec = Spec::of(job);
    let mut ops = Vec::new();
    let pods = pods::claim(job, store, &mut ops);
    let active: Vec<&Value> = pods.iter().copied().filter(|p| is_pod_active(p)).collect();
    let ready = active.iter().filter(|p| is_pod_ready(p)).count() as i64;
    let terminating = pods
        .iter()
        .filter(|p| {
            meta::is_deleting(p)
                && !matches!(meta::str_at(p, "/status/phase"), "Succeeded" | "Failed")
        })
        .count() as i64;
    let mut c = Ctx {
        job,
        spec,
        now,
        pods,
        active,
        ready,
        terminating,
        succeeded: 0,
        failed: 0,
        prev_succeeded_indexes: Intervals::default(),
        succeeded_indexes: Intervals::default(),
        failed_indexes: None,
        delayed: BTreeMap::new(),
        backoff,
        ops,
        requeue_after: None,
    };
    let uncounted_succeeded: BTreeSet<String> = uid_list(job, "succeeded").into_iter().collect();
    let uncounted_failed: BTreeSet<String> = uid_list(job, "failed").into_iter().collect();
    let new_succeeded: Vec<&Value> = c
        .pods
        .iter()
        .copied()
        .filter(|p| {
            has_finalizer(p)
                && !uncounted_succeeded.contains(meta::uid(p))
                && c.valid(p)
                && meta::str_at(p, "/status/phase") == "Succeeded"
        })
        .collect();
    let new_failed: Vec<&Value> = c
        .pods
        .iter()
        .copied()
        .filter(|p| {
            has_finalizer(p)
                && !uncounted_failed.contains(meta::uid(p))
                && c.valid(p)
                && c.is_failed(p)
        })
        .collect();
    let counted_failures = new_failed
        .iter()
        .filter(|p| policy::match_pod(job, p).counts)
        .count() as i64;
    c.succeeded = int_at(job, "/status/succeeded")
        + new_succeeded.len() as i64
        + uncounted_succeeded.len() as i64;
    c.failed = int_at(job, "/status/failed") + counted_failures + uncounted_failed.len() as i64;
    let mut start_time = Time::parse_rfc3339(meta::str_at(job, "/status/startTime"));
    if start_time.is_none() && !c.spec.suspended {
        start_time = Some(now);
    }
    c.backoff = backoff.after(&new_succeeded, &new_failed);

    let mut finish = decide_failure(&mut c, start_time);
    if c.spec.indexed {
        finish = indexed_progress(&mut c, finish);
    }

    let mut conditions: Vec<Value> = job
        .pointer("/status/conditions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut events = Vec::new();
    let mut active = c.active.len() as i64;
    if finish.is_some() {
        // The Job has failed (or met its success criteria): whatever still runs must go.
        let victims = c.active.clone();
        for p in &victims {
            c.ops.push(pods::delete(job, p));
        }
        c.terminating += victims.len() as i64;
        c.ready -= victims.iter().filter(|p| is_pod_ready(p)).count() as i64;
        active = 0;
    } else {
        let manage_called = !meta::is_deleting(job);
        if manage_called {
            active = manage(&mut c);
        }
        let complete = match c.spec.completions {
            None => c.succeeded > 0 && active == 0,
            Some(n) => c.succeeded >= n && active == 0,
        };
        if complete {
            finish = Some(Finish::new(
                "SuccessCriteriaMet",
                "CompletionsReached",
                "Reached expected number of succeeded pods",
            ));
        } else if manage_called {
            if c.spec.suspended {
                if ensure_condition(
                    &mut conditions,
                    "Suspended",
                    "True",
                    "JobSuspended",
                    "Job suspended",
                    now,
                ) {
                    events.push(event(job, false, "Suspended", "Job suspended".into()));
                }
            } else if ensure_condition(
                &mut conditions,
                "Suspended",
                "False",
                "JobResumed",
                "Job resumed",
                now,
            ) {
                events.push(event(job, false, "Resumed", "Job resumed".into()));
                // The active deadline counts from when the Job last resumed.
                start_time = Some(now);
            }
        }
    }

    // trackJobStatusAndRemoveFinalizers.
    let mut succeeded_counter = int_at(job, "/status/succeeded");
    let mut failed_counter = int_at(job, "/status/failed");
    let mut pending_succeeded = uid_list(job, "succeeded");
    let mut pending_failed = uid_list(job, "failed");
    let mut sorted = c.pods.clone();
    if let Some(completions) = c.spec.indexed_completions() {
        sorted.sort_by_key(|p| indexes::valid_index(p, completions).unwrap_or(i64::MAX));
    }
    let mut released: BTreeSet<&str> = BTreeSet::new();
    let mut new_succeeded_indexes = Vec::new();
    let counts_as_failure = finish
        .as_ref()
        .is_some_and(|f| f.type_ != "SuccessCriteriaMet");
    for pod in sorted {
        if !has_finalizer(pod) {
            continue;
        }
        let uid = meta::uid(pod);
        let failed = c.is_failed(pod);
        let removable = meta::is_deleting(job)
            || finish.is_some()
            || meta::str_at(pod, "/status/phase") == "Succeeded"
            || (failed
                && indexes::of_pod(pod)
                    .and_then(|i| c.delayed.get(&i))
                    .is_none_or(|d| meta::uid(d) != uid));
        if !removable {
            continue;
        }
        released.insert(uid);
        if meta::str_at(pod, "/status/phase") == "Succeeded" && !uncounted_failed.contains(uid) {
            match c.spec.indexed_completions() {
                Some(completions) => {
                    if let Some(i) = indexes::valid_index(pod, completions)
                        && !c.prev_succeeded_indexes.has(i)
                    {
                        new_succeeded_indexes.push(i);
                    }
                }
                None if !uncounted_succeeded.contains(uid) => pending_succeeded.push(uid.into()),
                None => {}
            }
        } else if (failed || counts_as_failure)
            && !uncounted_failed.contains(uid)
            && c.valid(pod)
            && policy::match_pod(job, pod).counts
        {
            pending_failed.push(uid.into());
        }
    }
    let mut completed_indexes = None;
    if c.spec.indexed {
        c.succeeded_indexes = c.succeeded_indexes.with(new_succeeded_indexes);
        completed_indexes = Some(c.succeeded_indexes.to_string());
        succeeded_counter = c.succeeded_indexes.total();
    }
    if let Some(f) = finish.as_mut() {
        match f.type_ {
            "FailureTarget" => {
                conditions.push(new_condition(
                    "FailureTarget",
                    "True",
                    &f.reason,
                    &f.message,
                    now,
                ));
                f.type_ = "Failed";
            }
            "SuccessCriteriaMet" => {
                if !conditions.iter().any(|x| {
                    meta::str_at(x, "/type") == "SuccessCriteriaMet"
                        && meta::str_at(x, "/status") == "True"
                }) {
                    conditions.push(new_condition(
                        "SuccessCriteriaMet",
                        "True",
                        &f.reason,
                        &f.message,
                        now,
                    ));
                }
                f.type_ = "Complete";
            }
            _ => {}
        }
    }
    // The finalizers come off; what they held is counted.
    for pod in c.pods.iter().filter(|p| released.contains(meta::uid(p))) {
        c.ops.push(pods::without_finalizer(pod));
    }
    let still_held: BTreeSet<&str> = c
        .pods
        .iter()
        .filter(|p| has_finalizer(p) && !released.contains(meta::uid(p)))
        .map(|p| meta::uid(p))
        .collect();
    let before = pending_succeeded.len();
    pending_succeeded.retain(|u| still_held.contains(u.as_str()));
    succeeded_counter += (before - pending_succeeded.len()) as i64;
    let before = pending_failed.len();
    pending_failed.retain(|u| still_held.contains(u.as_str()));
    failed_counter += (before - pending_failed.len()) as i64;

    // enactJobFinished.
    let mut completion_time = job.pointer("/status/completionTime").cloned();
    let finished = finish.as_ref().filter(|_| {
        pending_succeeded.is_empty() && pending_failed.is_empty() && c.terminating == 0
    });
    if let Some(f) = finished {
        ensure_condition(&mut conditions, f.type_, "True", &f.reason, &f.message, now);
        if f.type_ == "Complete" {
            completion_time = Some(json!(now.rfc3339()));
            if c.spec.completions.is_some_and(|n| succeeded_counter > n) {
                events.push(event(
                    job,
                    true,
                    "TooManySucceededPods",
                    "Too many succeeded pods running after completion count reached".into(),
                ));
            }
            events.push(event(job, false, "Completed", "Job completed".into()));
        } else {
            let reason = match f.reason.as_str() {
                "BackoffLimitExceeded" => "BackoffLimitExceeded",
                "DeadlineExceeded" => "DeadlineExceeded",
                "PodFailurePolicy" => "PodFailurePolicy",
                "MaxFailedIndexesExceeded" => "MaxFailedIndexesExceeded",
                "FailedIndexes" => "FailedIndexes",
                _ => "Failed",
            };
            events.push(event(job, true, reason, f.message.clone()));
        }
    }

    let mut status = Map::new();
    if active > 0 {
        status.insert("active".into(), json!(active));
    }
    if let Some(ci) = completed_indexes.filter(|s| !s.is_empty()) {
        status.insert("completedIndexes".into(), json!(ci));
    }
    if let Some(t) = completion_time {
        status.insert("completionTime".into(), t);
    }
    if !conditions.is_empty() {
        status.insert("conditions".into(), json!(conditions));
    }
    if failed_counter > 0 {
        status.insert("failed".into(), json!(failed_counter));
    }
    if let Some(fi) = &c.failed_indexes {
        status.insert("failedIndexes".into(), json!(fi.to_string()));
    }
    status.insert("ready".into(), json!(c.ready.max(0)));
    if let Some(t) = start_time {
        status.insert("startTime".into(), json!(t.rfc3339()));
    }
    if succeeded_counter > 0 {
        status.insert("succeeded".into(), json!(succeeded_counter));
    }
    status.insert("terminating".into(), json!(c.terminating));
    let mut uncounted = Map::new();
    if !pending_failed.is_empty() {
        uncounted.insert("failed".into(), json!(pending_failed));
    }
    if !pending_succeeded.is_empty() {
        uncounted.insert("succeeded".into(), json!(pending_succeeded));
    }
    status.insert("uncountedTerminatedPods".into(), Value::Object(uncounted));
    let status = Value::Object(status);
    if job.get("status") != Some(&status) {
        let mut updated = job.clone();
        updated["status"] = status;
        c.ops.push(Op::UpdateStatus(kind("batch", "Job"), updated));
    }
    c.ops.extend(events);
    Synced {
        ops: c.ops,
        requeue_after: c.requeue_after,
        backoff: c.backoff,
    }
}

/// The failure checks of `syncJob`, in upstream's order: a condition already reached, the pod
/// failure policy, the back-off limit, the active deadline.
fn decide_failure(c: &mut Ctx<'_>, start_time: Option<Time>) -> Option<Finish> {
    let job = c.job;
    if let Some(x) = true_condition(job, "SuccessCriteriaMet") {
        return Some(Finish::new(
            "SuccessCriteriaMet",
            meta::str_at(x, "/reason"),
            meta::str_at(x, "/message"),
        ));
    }
    if let Some(x) = true_condition(job, "FailureTarget") {
        return Some(Finish::new(
            "Failed",
            meta::str_at(x, "/reason"),
            meta::str_at(x, "/message"),
        ));
    }
    if c.spec.has_failure_policy {
        let message = c
            .pods
            .iter()
            .filter(|p| c.is_failed(p))
            .find_map(|p| policy::match_pod(job, p).fail_job);
        if let Some(m) = message {
            return Some(Finish::new("FailureTarget", "PodFailurePolicy", &m));
        }
    }
    if c.failed > c.spec.backoff_limit || past_backoff_limit_on_failure(c) {
        return Some(Finish::new(
            "FailureTarget",
            "BackoffLimitExceeded",
            "Job has reached the specified backoff limit",
        ));
    }
    if let (Some(deadline), Some(start)) = (c.spec.active_deadline, start_time)
        && !c.spec.suspended
    {
        let left = deadline * SECOND - c.now.since(start);
        if left <= 0 {
            return Some(Finish::new(
                "FailureTarget",
                "DeadlineExceeded",
                "Job was active longer than specified deadline",
            ));
        }
        c.requeue(left);
    }
    None
}

/// `pastBackoffLimitOnFailure`: with `restartPolicy: OnFailure` the kubelet restarts containers
/// in place, so their restarts are what counts against the limit.
fn past_backoff_limit_on_failure(c: &Ctx<'_>) -> bool {
    if !c.spec.on_failure {
        return false;
    }
    let restarts: i64 = c
        .pods
        .iter()
        .filter(|p| matches!(meta::str_at(p, "/status/phase"), "Running" | "Pending"))
        .flat_map(|p| {
            ["/status/initContainerStatuses", "/status/containerStatuses"]
                .into_iter()
                .filter_map(|s| p.pointer(s).and_then(Value::as_array))
                .flatten()
        })
        .map(|s| int_at(s, "/restartCount"))
        .sum();
    if c.spec.backoff_limit == 0 {
        restarts > 0
    } else {
        restarts >= c.spec.backoff_limit
    }
}

/// Succeeded (and, with `backoffLimitPerIndex`, failed) indexes, and the Job-level outcomes
/// they lead to.
fn indexed_progress(c: &mut Ctx<'_>, mut finish: Option<Finish>) -> Option<Finish> {
    let completions = c.spec.completions.unwrap_or(0);
    let job = c.job;
    c.prev_succeeded_indexes =
        Intervals::parse(meta::str_at(job, "/status/completedIndexes"), completions);
    let newly: Vec<i64> = c
        .pods
        .iter()
        .filter(|p| meta::str_at(p, "/status/phase") == "Succeeded" && has_finalizer(p))
        .filter_map(|p| indexes::valid_index(p, completions))
        .collect();
    c.succeeded_indexes = c.prev_succeeded_indexes.with(newly);
    c.succeeded = c.succeeded_indexes.total();
    if c.spec.per_index_limit.is_some() {
        let prev = Intervals::parse(
            job.pointer("/status/failedIndexes")
                .and_then(Value::as_str)
                .unwrap_or(""),
            completions,
        );
        let newly: Vec<i64> = c
            .pods
            .iter()
            .filter(|p| has_finalizer(p) && c.index_failed(p))
            .filter_map(|p| indexes::valid_index(p, completions))
            .collect();
        let failed = prev.with(newly);
        if finish.is_none() {
            if c.spec
                .max_failed_indexes
                .is_some_and(|m| failed.total() > m)
            {
                finish = Some(Finish::new(
                    "FailureTarget",
                    "MaxFailedIndexesExceeded",
                    "Job has exceeded the specified maximal number of failed indexes",
                ));
            } else if failed.total() > 0
                && failed.total() + c.succeeded_indexes.total() >= completions
            {
                finish = Some(Finish::new(
                    "FailureTarget",
                    "FailedIndexes",
                    "Job has failed indexes",
                ));
            }
        }
        c.failed_indexes = Some(failed);
        c.delayed = delayed_deletions(c, completions);
    }
    if finish.is_none()
        && let Some(message) = policy::match_success_policy(job, completions, &c.succeeded_indexes)
    {
        finish = Some(Finish::new("SuccessCriteriaMet", "SuccessPolicy", &message));
    }
    finish
}

/// `getPodsWithDelayedDeletionPerIndex`: for each index still to be retried, its latest failed
/// pod, kept until the replacement carrying its failure count exists.
fn delayed_deletions<'a>(c: &Ctx<'a>, completions: i64) -> BTreeMap<i64, &'a Value> {
    let active: BTreeSet<i64> = c.active.iter().filter_map(|p| indexes::of_pod(p)).collect();
    let failed = c.failed_indexes.clone().unwrap_or_default();
    let mut out: BTreeMap<i64, &Value> = BTreeMap::new();
    for p in c
        .pods
        .iter()
        .copied()
        .filter(|p| has_finalizer(p) && c.is_failed(p))
    {
        let Some(i) = indexes::valid_index(p, completions) else {
            continue;
        };
        if c.succeeded_indexes.has(i) || failed.has(i) || active.contains(&i) {
            continue;
        }
        match out.get(&i) {
            Some(last)
                if absolute_failure_count(last) > absolute_failure_count(p)
                    || policy::finished_at(p) < policy::finished_at(last) => {}
            _ => {
                out.insert(i, p);
            }
        }
    }
    out
}

/// `manageJob`: delete surplus pods or create missing ones (after the back-off), and return
/// the number of active pods.
fn manage(c: &mut Ctx<'_>) -> i64 {
    let active = c.active.len() as i64;
    if c.spec.suspended {
        let victims = pods::for_removal(&c.active, c.spec.indexed_completions(), c.active.len());
        c.remove_pods(&victims);
        return active - victims.len() as i64;
    }
    let want = match c.spec.completions {
        None if c.succeeded > 0 => active,
        None => c.spec.parallelism,
        Some(n) => (n - c.succeeded).min(c.spec.parallelism).max(0),
    };
    let surplus = (active - want).max(0) as usize;
    let mut victims = pods::for_removal(&c.active, c.spec.indexed_completions(), surplus);
    victims.truncate(MAX_PER_SYNC);
    if !victims.is_empty() {
        c.remove_pods(&victims);
        return active - victims.len() as i64;
    }
    let terminating = if c.spec.only_failed { c.terminating } else { 0 };
    let missing = want - terminating - active;
    if missing <= 0 {
        return active;
    }
    if c.spec.per_index_limit.is_none() {
        let wait = c.backoff.remaining(c.now);
        if wait > 0 {
            c.requeue(wait);
            // Upstream reports no active pods while it waits out the back-off.
            return 0;
        }
    }
    let mut count = (missing as usize).min(MAX_PER_SYNC);
    let mut indexes_to_add: Vec<Option<i64>> = vec![None; count];
    if let Some(completions) = c.spec.indexed_completions() {
        let mut taken = c
            .succeeded_indexes
            .with(c.active.iter().filter_map(|p| indexes::of_pod(p)));
        if c.spec.only_failed {
            taken = taken.with(
                c.pods
                    .iter()
                    .filter(|p| {
                        meta::is_deleting(p)
                            && !matches!(meta::str_at(p, "/status/phase"), "Succeeded" | "Failed")
                    })
                    .filter_map(|p| indexes::of_pod(p)),
            );
        }
        if let Some(f) = &c.failed_indexes {
            taken = taken.union(f);
        }
        let mut pending = taken.first_missing(count, completions);
        if c.spec.per_index_limit.is_some() {
            let waits: Vec<(i64, i64)> = pending
                .iter()
                .map(|i| (*i, index_backoff(c.delayed.get(i).copied(), c.now)))
                .collect();
            let now_ready: Vec<i64> = waits
                .iter()
                .filter(|(_, w)| *w == 0)
                .map(|(i, _)| *i)
                .collect();
            if now_ready.is_empty()
                && let Some(min) = waits.iter().map(|(_, w)| *w).min()
            {
                c.requeue(min);
                return 0;
            }
            pending = now_ready;
        }
        count = pending.len();
        indexes_to_add = pending.into_iter().map(Some).collect();
    }
    for index in indexes_to_add {
        let counts = match (index, c.spec.per_index_limit) {
            (Some(i), Some(_)) => Some(new_failure_counts(c.job, c.delayed.get(&i).copied())),
            _ => None,
        };
        c.ops.push(pods::new_pod(c.job, index, counts));
    }
    active + count as i64
}

/// `getRemainingTimePerIndex`: the back-off of one index, from its last failed pod.
fn index_backoff(last_failed: Option<&Value>, now: Time) -> i64 {
    match last_failed {
        None => 0,
        Some(p) => policy::remaining_for(
            absolute_failure_count(p) + 1,
            Some(policy::finished_at(p)),
            now,
        ),
    }
}

/// `getNewIndexFailureCounts`: the failure counts a replacement pod carries.
fn new_failure_counts(job: &Value, replaced: Option<&Value>) -> (i64, i64) {
    let Some(p) = replaced else { return (0, 0) };
    let mut counted = failure_count(p, pods::INDEX_FAILURE_COUNT);
    let mut ignored = failure_count(p, pods::INDEX_IGNORED_FAILURE_COUNT);
    if policy::match_pod(job, p).counts {
        counted += 1;
    } else {
        ignored += 1;
    }
    (counted, ignored)
}
