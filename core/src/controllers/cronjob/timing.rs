//! When a CronJob is due: upstream's `mostRecentScheduleTime`, `nextScheduleTime` and
//! `nextScheduleTimeDuration`, over virtual milliseconds.
//!
//! The most recent missed start is found from the CronJob's last schedule (or creation), or
//! from `now - startingDeadlineSeconds` if that is later; more than 100 missed starts is
//! "too many" (a warning, but the latest one still runs).

use serde_json::Value;

use crate::api::cron::{Schedule, Zone};
use crate::api::meta;
use crate::time::{SECOND, Time};

/// Upstream requeues 100 ms after the next activation, so that it is surely due.
pub const NEXT_SCHEDULE_DELTA_MILLIS: i64 = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missed {
    None,
    Few,
    Many,
}

/// The outcome of `mostRecentScheduleTime`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Recent {
    /// The last schedule time or creation time (possibly moved up to the starting deadline).
    pub earliest: i64,
    /// The latest activation at or before now, if any is unmet.
    pub most_recent: Option<i64>,
    pub missed: Missed,
}

pub const TOO_CLOSE: &str = "time difference between two schedules is less than 1 second";

fn time_at(cj: &Value, pointer: &str) -> Option<i64> {
    Time::parse_rfc3339(meta::str_at(cj, pointer)).map(|t| t.0)
}

fn next(schedule: &Schedule, after: i64) -> Option<i64> {
    schedule.next(after, &Zone::Utc)
}

/// `mostRecentScheduleTime`.
pub fn most_recent(
    cj: &Value,
    now: i64,
    schedule: &Schedule,
    with_starting_deadline: bool,
) -> Result<Recent, String> {
    let mut earliest = time_at(cj, "/status/lastScheduleTime")
        .or_else(|| time_at(cj, "/metadata/creationTimestamp"))
        .unwrap_or(now);
    if with_starting_deadline
        && let Some(deadline) = cj
            .pointer("/spec/startingDeadlineSeconds")
            .and_then(Value::as_i64)
    {
        earliest = earliest.max(now - deadline * SECOND);
    }
    let none = |most_recent| Recent {
        earliest,
        most_recent,
        missed: Missed::None,
    };
    let (Some(t1), t2) = (
        next(schedule, earliest),
        next(schedule, earliest).and_then(|t| next(schedule, t)),
    ) else {
        return Err(TOO_CLOSE.into());
    };
    if now < t1 {
        return Ok(none(None));
    }
    let Some(t2) = t2 else {
        return Err(TOO_CLOSE.into());
    };
    if now < t2 {
        return Ok(none(Some(t1)));
    }
    // Round to whole seconds, as Go's Duration.Round(time.Second).
    let between = (t2 - t1 + SECOND / 2).div_euclid(SECOND);
    if between < 1 {
        return Err(TOO_CLOSE.into());
    }
    let elapsed = (now - t1) / SECOND;
    let missed_count = elapsed / between + 1;
    // Jump close to now by the interval, then let the schedule find the exact latest start
    // (irregular schedules such as `30 6-16/4 * * 1-5` make the jump approximate).
    let mut t = t1 + (missed_count - 2) * between * SECOND;
    let mut most_recent = None;
    while let Some(n) = next(schedule, t).filter(|n| *n <= now) {
        most_recent = Some(n);
        t = n;
    }
    Ok(Recent {
        earliest,
        most_recent,
        missed: if missed_count > 100 {
            Missed::Many
        } else {
            Missed::Few
        },
    })
}

/// `nextScheduleTimeDuration`: how long to wait before looking at the CronJob again.
pub fn requeue_after(cj: &Value, now: i64, schedule: &Schedule) -> Option<i64> {
    let from = match most_recent(cj, now, schedule, false) {
        Err(_) => now,
        Ok(Recent {
            most_recent: Some(t),
            ..
        }) => t,
        Ok(Recent {
            missed: Missed::None,
            earliest,
            ..
        }) => earliest,
        Ok(_) => now,
    };
    next(schedule, from).map(|t| (t + NEXT_SCHEDULE_DELTA_MILLIS - now).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::cron::parse_standard;
    use serde_json::json;

    fn at(s: &str) -> i64 {
        Time::parse_rfc3339(s).map_or(0, |t| t.0)
    }

    #[test]
    fn most_recent_start_and_missed_counts() {
        let every_minute = parse_standard("*/1 * * * *").unwrap();
        let cj = json!({"metadata": {"creationTimestamp": "2026-01-01T09:00:30Z"}});
        let r = most_recent(&cj, at("2026-01-01T09:00:50Z"), &every_minute, true).unwrap();
        assert_eq!((r.most_recent, r.missed), (None, Missed::None));
        let r = most_recent(&cj, at("2026-01-01T09:01:00.100Z"), &every_minute, true).unwrap();
        assert_eq!(r.most_recent, Some(at("2026-01-01T09:01:00Z")));
        let r = most_recent(&cj, at("2026-01-01T09:05:10Z"), &every_minute, true).unwrap();
        assert_eq!(
            (r.most_recent, r.missed),
            (Some(at("2026-01-01T09:05:00Z")), Missed::Few)
        );
        let r = most_recent(&cj, at("2026-01-01T12:00:10Z"), &every_minute, true).unwrap();
        assert_eq!(r.missed, Missed::Many);
        // A starting deadline hides older misses.
        let cj = json!({"metadata": {"creationTimestamp": "2026-01-01T09:00:30Z"}, "spec": {"startingDeadlineSeconds": 30}});
        let r = most_recent(&cj, at("2026-01-01T12:00:10Z"), &every_minute, true).unwrap();
        assert_eq!(
            (r.most_recent, r.missed),
            (Some(at("2026-01-01T12:00:00Z")), Missed::None)
        );
        assert_eq!(
            requeue_after(&cj, at("2026-01-01T09:00:40Z"), &every_minute),
            Some(20_100)
        );
        let never = parse_standard("0 0 30 2 *").unwrap();
        assert_eq!(
            most_recent(&cj, at("2026-01-01T09:00:40Z"), &never, true),
            Err(TOO_CLOSE.into())
        );
    }
}
