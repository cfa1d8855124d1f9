//! The CronJob controller: creates a Job from the template at each scheduled time, named
//! `<cronjob>-<scheduled time in minutes since the epoch>`, following upstream's
//! `cronjob_controllerv2`: concurrency policy (Allow, Forbid, Replace), suspension, starting
//! deadline, history limits, and `status.active`, `lastScheduleTime`, `lastSuccessfulTime`.
//!
//! The controller cannot learn the uid of a Job it creates before the API server has made it,
//! so a new Job joins `status.active` in the next reconcile, which its creation triggers within
//! the same instant (upstream reads the create response; nobody can look in between here).
//! [`timing`] holds the schedule arithmetic.

pub mod timing;

use serde_json::{Map, Value, json};

use super::{
    Controller, Ctx, EventNote, ObjectKey, Op, Outcome, condition_status, kind, owner_key,
};
use crate::api::cron::{self, Zone};
use crate::api::meta;
use crate::store::{Change, DeleteOptions, Propagation, Store};
use crate::time::{SECOND, Time};
use timing::Missed;

/// The annotation with the scheduled time a Job was created for.
pub const SCHEDULED_TIMESTAMP: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";

pub struct CronJobController;

impl Controller for CronJobController {
    fn name(&self) -> &'static str {
        "cronjob-controller"
    }

    fn keys_for(&self, change: &Change, _store: &Store, out: &mut Vec<ObjectKey>) {
        match (change.kind.group, change.kind.kind) {
            ("batch", "CronJob") => out.push(ObjectKey::of(&change.object)),
            ("batch", "Job") => out.extend(owner_key(&change.object, "CronJob")),
            _ => {}
        }
    }

    fn reconcile(&mut self, key: &ObjectKey, ctx: &Ctx<'_>) -> Outcome {
        let Ok(cj) = ctx
            .store
            .get(kind("batch", "CronJob"), &key.namespace, &key.name)
        else {
            return Outcome::default();
        };
        let jobs: Vec<&Value> = ctx
            .store
            .list(kind("batch", "Job"), Some(&key.namespace))
            .filter(|j| {
                meta::controller_of(j).is_some_and(|r| {
                    meta::str_at(r, "/kind") == "CronJob" && meta::str_at(r, "/name") == key.name
                })
            })
            .collect();
        let mut s = Sync {
            cj,
            status: cj.get("status").cloned().unwrap_or(json!({})),
            ops: Vec::new(),
            now: ctx.now,
        };
        s.cleanup_finished(&jobs);
        let requeue_after = s.sync(&jobs, ctx.store);
        let mut ops = s.ops;
        let status = tidy(s.status);
        if cj.get("status") != Some(&status) {
            let mut updated = cj.clone();
            updated["status"] = status;
            ops.push(Op::UpdateStatus(kind("batch", "CronJob"), updated));
        }
        Outcome { ops, requeue_after }
    }
}

/// Status fields are `omitempty`: an empty `active` list is not written.
fn tidy(mut status: Value) -> Value {
    if let Some(m) = status.as_object_mut()
        && m.get("active")
            .and_then(Value::as_array)
            .is_some_and(Vec::is_empty)
    {
        m.remove("active");
    }
    status
}

/// `getFinishedStatus`: `Complete` or `Failed`, if the Job has finished.
fn finished_status(job: &Value) -> Option<&'static str> {
    job.pointer("/status/conditions")
        .and_then(Value::as_array)?
        .iter()
        .find_map(
            |c| match (meta::str_at(c, "/type"), meta::str_at(c, "/status")) {
                ("Complete", "True") => Some("Complete"),
                ("Failed", "True") => Some("Failed"),
                _ => None,
            },
        )
}

/// The Job's name for a scheduled time: minutes since the epoch.
pub fn job_name(cj: &Value, scheduled: i64) -> String {
    format!("{}-{}", meta::name(cj), scheduled.div_euclid(60 * SECOND))
}

/// RFC 3339 in a zone, as Go's `Format(time.RFC3339)` writes it (`Z` for a zero offset).
pub fn rfc3339_in(t: i64, zone: &Zone) -> String {
    let secs = t.div_euclid(SECOND);
    let offset = zone.lookup(secs).offset;
    let c = zone.civil(secs);
    let zone_part = if offset == 0 {
        "Z".to_string()
    } else {
        let sign = if offset < 0 { '-' } else { '+' };
        let abs = offset.abs();
        format!("{sign}{:02}:{:02}", abs / 3600, abs % 3600 / 60)
    };
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{zone_part}",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// An object reference to a Job, as `status.active` holds them.
fn job_ref(job: &Value) -> Value {
    json!({
        "apiVersion": "batch/v1",
        "kind": "Job",
        "name": meta::name(job),
        "namespace": meta::namespace(job),
        "resourceVersion": meta::str_at(job, "/metadata/resourceVersion"),
        "uid": meta::uid(job),
    })
}

/// A sync in progress: the CronJob, its status as it is being changed, and the requests.
struct Sync<'a> {
    cj: &'a Value,
    status: Value,
    ops: Vec<Op>,
    now: Time,
}

impl Sync<'_> {
    fn event(&mut self, warning: bool, reason: &'static str, message: String) {
        self.ops.push(Op::Event(EventNote {
            about: self.cj.clone(),
            warning,
            reason,
            message,
            source: "cronjob-controller",
            host: String::new(),
        }));
    }

    fn active(&self) -> Vec<Value> {
        self.status
            .get("active")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    }

    fn in_active(&self, uid: &str) -> bool {
        self.active().iter().any(|r| meta::str_at(r, "/uid") == uid)
    }

    fn remove_from_active(&mut self, uid: &str) {
        let kept: Vec<Value> = self
            .active()
            .into_iter()
            .filter(|r| meta::str_at(r, "/uid") != uid)
            .collect();
        meta::as_object_mut(&mut self.status).insert("active".into(), json!(kept));
    }

    fn add_to_active(&mut self, job: &Value) {
        let mut active = self.active();
        active.push(job_ref(job));
        meta::as_object_mut(&mut self.status).insert("active".into(), json!(active));
    }

    /// `deleteJob`: deletes a Job (its pods follow in the background) and forgets it.
    fn delete_job(&mut self, job: &Value) {
        self.ops.push(Op::Delete {
            kind: kind("batch", "Job"),
            key: ObjectKey::of(job),
            options: DeleteOptions {
                propagation: Some(Propagation::Background),
                grace_period_seconds: None,
            },
            event: None,
        });
        self.remove_from_active(meta::uid(job));
        self.event(
            false,
            "SuccessfulDelete",
            format!("Deleted job {}", meta::name(job)),
        );
    }

    /// `cleanupFinishedJobs`: keeps the newest `successfulJobsHistoryLimit` complete and
    /// `failedJobsHistoryLimit` failed Jobs.
    fn cleanup_finished(&mut self, jobs: &[&Value]) {
        let limit = |p: &str| self.cj.pointer(p).and_then(Value::as_i64);
        for (wanted, limit) in [
            ("Complete", limit("/spec/successfulJobsHistoryLimit")),
            ("Failed", limit("/spec/failedJobsHistoryLimit")),
        ] {
            let Some(limit) = limit else { continue };
            let mut finished: Vec<&Value> = jobs
                .iter()
                .copied()
                .filter(|j| finished_status(j) == Some(wanted) && !meta::is_deleting(j))
                .collect();
            let surplus = finished.len().saturating_sub(limit.max(0) as usize);
            // Oldest first by start time (never started last), then by name.
            finished.sort_by_key(|j| {
                let start = Time::parse_rfc3339(meta::str_at(j, "/status/startTime"));
                (start.is_none(), start, meta::name(j).to_string())
            });
            for job in finished.into_iter().take(surplus) {
                self.delete_job(job);
            }
        }
    }

    /// `syncCronJob`: returns when to look again.
    fn sync(&mut self, jobs: &[&Value], store: &Store) -> Option<i64> {
        let cj = self.cj;
        let now = self.now.0;
        let children: Vec<&str> = jobs.iter().map(|j| meta::uid(j)).collect();
        let last_schedule = Time::parse_rfc3339(meta::str_at(&self.status, "/lastScheduleTime"));
        for job in jobs {
            let uid = meta::uid(job);
            let found = self.in_active(uid);
            let finished = finished_status(job);
            if !found && finished.is_none() {
                // The Job this controller created at the last schedule: its uid is known now.
                let ours = last_schedule.is_some_and(|t| meta::name(job) == job_name(cj, t.0));
                if ours && !meta::is_deleting(job) {
                    self.add_to_active(job);
                } else {
                    self.event(
                        true,
                        "UnexpectedJob",
                        format!(
                            "Saw a job that the controller did not create or forgot: {}",
                            meta::name(job)
                        ),
                    );
                }
            } else if let (true, Some(status)) = (found, finished) {
                self.remove_from_active(uid);
                self.event(
                    false,
                    "SawCompletedJob",
                    format!("Saw completed job: {}, status: {status}", meta::name(job)),
                );
            } else if condition_status(job, "Complete") == Some("True") {
                let completed = meta::str_at(job, "/status/completionTime");
                let last = meta::str_at(&self.status, "/lastSuccessfulTime");
                let newer = match (Time::parse_rfc3339(completed), Time::parse_rfc3339(last)) {
                    (Some(c), Some(l)) => c > l,
                    (Some(_), None) => true,
                    _ => false,
                };
                if newer {
                    meta::as_object_mut(&mut self.status)
                        .insert("lastSuccessfulTime".into(), json!(completed));
                }
            }
        }
        for r in self.active() {
            if !children.contains(&meta::str_at(&r, "/uid")) {
                let gone = store
                    .get(
                        kind("batch", "Job"),
                        meta::str_at(&r, "/namespace"),
                        meta::str_at(&r, "/name"),
                    )
                    .is_err();
                if gone {
                    self.event(
                        false,
                        "MissingJob",
                        format!("Active job went missing: {}", meta::str_at(&r, "/name")),
                    );
                    self.remove_from_active(meta::str_at(&r, "/uid"));
                }
            }
        }
        if meta::is_deleting(cj) {
            return None;
        }
        let time_zone = cj.pointer("/spec/timeZone").and_then(Value::as_str);
        if let Some(tz) = time_zone
            && let Err(e) = Zone::load(tz)
        {
            self.event(
                true,
                "UnknownTimeZone",
                format!("invalid timeZone: {tz:?}: {e}"),
            );
            return None;
        }
        if cj.pointer("/spec/suspend") == Some(&Value::Bool(true)) {
            return None;
        }
        let spec = meta::str_at(cj, "/spec/schedule");
        if spec.contains("TZ") {
            self.event(
                true,
                "UnsupportedSchedule",
                format!("CRON_TZ or TZ used in schedule {spec:?} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details"),
            );
        }
        let schedule = match cron::cronjob_schedule(spec, time_zone) {
            Ok(s) => s,
            Err(e) => {
                self.event(
                    true,
                    "UnparseableSchedule",
                    format!("unparseable schedule: {spec:?} : {e}"),
                );
                return None;
            }
        };
        let with_status = self.with_status();
        let recent = match timing::most_recent(&with_status, now, &schedule, true) {
            Ok(r) => r,
            Err(e) => {
                self.event(
                    true,
                    "InvalidSchedule",
                    format!("invalid schedule: {spec} : {e}"),
                );
                return None;
            }
        };
        let requeue = |s: &Self| timing::requeue_after(&s.with_status(), now, &schedule);
        let Some(scheduled) = recent.most_recent else {
            return requeue(self);
        };
        if recent.missed == Missed::Many {
            self.event(
                true,
                "TooManyMissedTimes",
                "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew".into(),
            );
        }
        if let Some(deadline) = cj
            .pointer("/spec/startingDeadlineSeconds")
            .and_then(Value::as_i64)
            && scheduled + deadline * SECOND < now
        {
            self.event(
                true,
                "MissSchedule",
                format!(
                    "Missed scheduled time to start a job: {}",
                    rfc1123z(scheduled)
                ),
            );
            return requeue(self);
        }
        let name = job_name(cj, scheduled);
        let already = self
            .active()
            .iter()
            .any(|r| meta::str_at(r, "/name") == name)
            || last_schedule.is_some_and(|t| t.0 == scheduled);
        if already {
            return requeue(self);
        }
        let policy = meta::str_at(cj, "/spec/concurrencyPolicy");
        if policy == "Forbid" && !self.active().is_empty() {
            self.event(
                false,
                "JobAlreadyActive",
                "Not starting job because prior execution is running and concurrency policy is Forbid".into(),
            );
            return requeue(self);
        }
        if policy == "Replace" {
            for r in self.active() {
                let job = store
                    .get(
                        kind("batch", "Job"),
                        meta::str_at(&r, "/namespace"),
                        meta::str_at(&r, "/name"),
                    )
                    .cloned();
                match job {
                    Ok(job) => self.delete_job(&job),
                    Err(e) => {
                        self.event(true, "FailedGet", format!("Get job: {}", e.message));
                        return None;
                    }
                }
            }
        }
        match store.get(kind("batch", "Job"), meta::namespace(cj), &name) {
            // Made before: by someone else, who then keeps track of it, or by us without the
            // status to show for it.
            Ok(existing) => {
                let ours = super::is_controlled_by(existing, meta::uid(cj));
                if !ours || self.in_active(meta::uid(existing)) {
                    return None;
                }
                self.add_to_active(existing);
            }
            Err(_) => self.create_job(&name, scheduled, time_zone),
        }
        meta::as_object_mut(&mut self.status)
            .insert("lastScheduleTime".into(), json!(Time(scheduled).rfc3339()));
        requeue(self)
    }

    /// The CronJob with the status as changed so far.
    fn with_status(&self) -> Value {
        let mut cj = self.cj.clone();
        cj["status"] = self.status.clone();
        cj
    }

    /// `getJobFromTemplate2`, sent to the API server.
    fn create_job(&mut self, name: &str, scheduled: i64, time_zone: Option<&str>) {
        let cj = self.cj;
        let template = cj.pointer("/spec/jobTemplate");
        let copy = |p: &str| {
            template
                .and_then(|t| t.pointer(p))
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default()
        };
        let labels = copy("/metadata/labels");
        let mut annotations: Map<String, Value> = copy("/metadata/annotations");
        let zone = Zone::load(time_zone.unwrap_or("")).unwrap_or(Zone::Utc);
        annotations.insert(
            SCHEDULED_TIMESTAMP.into(),
            json!(rfc3339_in(scheduled, &zone)),
        );
        let mut metadata = json!({
            "name": name,
            "namespace": meta::namespace(cj),
            "annotations": annotations,
            "ownerReferences": [meta::controller_ref(cj)],
        });
        if !labels.is_empty() {
            metadata["labels"] = json!(labels);
        }
        let job = json!({
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": metadata,
            "spec": template.and_then(|t| t.get("spec")).cloned().unwrap_or(json!({})),
        });
        self.ops.push(Op::Create {
            kind: kind("batch", "Job"),
            object: job,
            event: Some(EventNote {
                about: cj.clone(),
                warning: false,
                reason: "SuccessfulCreate",
                message: "Created job {name}".into(),
                source: "cronjob-controller",
                host: String::new(),
            }),
        });
    }
}

/// Go's `time.RFC1123Z` in UTC: `Thu, 01 Jan 2026 09:05:00 +0000`.
fn rfc1123z(t: i64) -> String {
    const DAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let c = Zone::Utc.civil(t.div_euclid(SECOND));
    format!(
        "{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000",
        DAYS.get(c.weekday as usize).unwrap_or(&""),
        c.day,
        MONTHS.get((c.month - 1) as usize).unwrap_or(&""),
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

#[cfg(test)]
mod tests;
