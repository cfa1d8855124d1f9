//! Table rows of batch/v1 kinds, as upstream's `printJob` and `printCronJob` build them: a
//! Job's STATUS from its conditions, COMPLETIONS and DURATION; a CronJob's schedule, time zone,
//! suspension, active Jobs and last schedule.

use serde_json::Value;

use super::columns::{age, containers, since};
use crate::api::{meta, selector};
use crate::time::{Time, human_duration};

/// `hasJobCondition`: the first condition of a type decides, True or not.
fn has_condition(job: &Value, type_: &str) -> bool {
    crate::controllers::condition_status(job, type_) == Some("True")
}

/// The STATUS cell: the first that holds of Complete, Failed, being deleted, Suspended,
/// FailureTarget, SuccessCriteriaMet; otherwise Running.
pub fn job_status(job: &Value) -> &'static str {
    if has_condition(job, "Complete") {
        "Complete"
    } else if has_condition(job, "Failed") {
        "Failed"
    } else if meta::is_deleting(job) {
        "Terminating"
    } else if has_condition(job, "Suspended") {
        "Suspended"
    } else if has_condition(job, "FailureTarget") {
        "FailureTarget"
    } else if has_condition(job, "SuccessCriteriaMet") {
        "SuccessCriteriaMet"
    } else {
        "Running"
    }
}

pub fn job_row(job: &Value, now: Time) -> Vec<String> {
    let int = |p: &str| job.pointer(p).and_then(Value::as_i64);
    let succeeded = int("/status/succeeded").unwrap_or(0);
    let completions = match int("/spec/completions") {
        Some(n) => format!("{succeeded}/{n}"),
        None => match int("/spec/parallelism").unwrap_or(0) {
            p if p > 1 => format!("{succeeded}/1 of {p}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let time = |p: &str| Time::parse_rfc3339(meta::str_at(job, p));
    let duration = match (time("/status/startTime"), time("/status/completionTime")) {
        (None, _) => String::new(),
        (Some(start), None) => human_duration(now.since(start)),
        (Some(start), Some(end)) => human_duration(end.since(start)),
    };
    let (names, images) = containers(job, "/spec/template/spec/containers");
    vec![
        meta::name(job).into(),
        job_status(job).into(),
        completions,
        duration,
        age(job, now),
        names,
        images,
        selector::format(job.pointer("/spec/selector")),
    ]
}

pub fn cron_job_row(cj: &Value, now: Time) -> Vec<String> {
    let suspend = match cj.pointer("/spec/suspend").and_then(Value::as_bool) {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    };
    let active = cj
        .pointer("/status/active")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let last = match cj.pointer("/status/lastScheduleTime") {
        Some(t) if !t.is_null() => since(Some(t), now),
        _ => "<none>".into(),
    };
    let (names, images) = containers(cj, "/spec/jobTemplate/spec/template/spec/containers");
    vec![
        meta::name(cj).into(),
        meta::str_at(cj, "/spec/schedule").into(),
        match cj.pointer("/spec/timeZone").and_then(Value::as_str) {
            Some(tz) => tz.into(),
            None => "<none>".into(),
        },
        suspend.into(),
        active.to_string(),
        last,
        age(cj, now),
        names,
        images,
        selector::format(cj.pointer("/spec/jobTemplate/spec/selector")),
    ]
}
