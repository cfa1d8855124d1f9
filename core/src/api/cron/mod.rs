//! Cron schedules as CronJobs read them: robfig/cron v3's parser and its `Next`, over virtual
//! time and IANA time zones.
//!
//! - [`parse`]: the spec grammar and robfig's error messages ([`parse_standard`] is what
//!   CronJob uses: five fields or a descriptor; a six-field form with seconds is there because
//!   robfig's own tests use it).
//! - [`zone`]: time zones, with Go's handling of skipped and repeated wall-clock times.
//! - [`Schedule::next`]: the first activation after an instant, robfig's algorithm step by step,
//!   so that schedules fire at the same instants as on a real cluster, DST changes included.
//! - [`validate_schedule`], [`schedule_errors`], [`validate_time_zone`]: what CronJob
//!   validation says about `spec.schedule` and `spec.timeZone`, in upstream's words.

pub mod parse;
mod tzdata;
pub mod zone;

pub use parse::{Fields, go_duration_millis};
pub use zone::Zone;

/// A parsed schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Schedule {
    /// Fields as bit sets (robfig's `SpecSchedule`).
    Spec(Spec),
    /// `@every D`: every D seconds from whenever it is asked (robfig's
    /// `ConstantDelaySchedule`).
    Every { secs: i64 },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spec {
    pub second: u64,
    pub minute: u64,
    pub hour: u64,
    pub dom: u64,
    pub month: u64,
    pub dow: u64,
    /// The zone of a `TZ=` prefix; `None` is "local", the zone of the time asked about.
    pub location: Option<Zone>,
}

/// `cron.ParseStandard`: five fields (minute, hour, day of month, month, day of week) or a
/// descriptor, optionally after `TZ=zone` or `CRON_TZ=zone`.
pub fn parse_standard(spec: &str) -> Result<Schedule, String> {
    parse::parse(spec, Fields::Standard)
}

/// The schedule a CronJob runs on: its `spec.schedule` in its `spec.timeZone` (the controller
/// prefixes `TZ=zone`, as upstream's `formatSchedule` does, unless the schedule has its own).
pub fn cronjob_schedule(schedule: &str, time_zone: Option<&str>) -> Result<Schedule, String> {
    match time_zone {
        Some(tz) if !schedule.contains("TZ") && Zone::load(tz).is_ok() => {
            parse_standard(&format!("TZ={tz} {schedule}"))
        }
        _ => parse_standard(schedule),
    }
}

/// What validation says about a `spec.schedule` on create: robfig's parse error, if any.
pub fn validate_schedule(schedule: &str) -> Result<(), String> {
    parse_standard(schedule).map(|_| ())
}

/// Every message upstream's `validateScheduleFormat` gives for `spec.schedule` on create, in
/// order (a `TZ=` prefix is refused even when it parses).
pub fn schedule_errors(schedule: &str) -> Vec<String> {
    let mut errors: Vec<String> = validate_schedule(schedule).err().into_iter().collect();
    if schedule.contains("TZ") {
        errors.push("cannot use TZ or CRON_TZ in schedule, use timeZone field instead".into());
    }
    errors
}

/// Upstream's `validateTimeZone` for a set `spec.timeZone`: the messages, in order.
pub fn validate_time_zone(time_zone: &str) -> Vec<String> {
    if time_zone.is_empty() {
        return vec!["timeZone must be nil or non-empty string".into()];
    }
    let part_ok = |p: &str| {
        p != "."
            && p != ".."
            && !p.starts_with('-')
            && (1..=14).contains(&p.len())
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-+".contains(&b))
    };
    if !time_zone.split('/').all(part_ok) {
        return vec![format!("unknown time zone {time_zone}")];
    }
    let mut errors = Vec::new();
    if time_zone.eq_ignore_ascii_case("local") {
        errors.push(
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"
                .into(),
        );
    }
    if let Err(e) = Zone::load(time_zone) {
        errors.push(e);
    }
    errors
}

impl Schedule {
    /// The first activation strictly after `after` (milliseconds since the epoch), or `None`
    /// when nothing matches within five years (robfig's zero time). `local` is the zone of
    /// the instant asked about, used when the schedule has no zone of its own.
    pub fn next(&self, after: i64, local: &Zone) -> Option<i64> {
        match self {
            Schedule::Every { secs } => Some(after + secs * 1000 - after.rem_euclid(1000)),
            Schedule::Spec(spec) => spec.next(after, local),
        }
    }
}

impl Spec {
    /// robfig's `SpecSchedule.Next`: starting at the next whole second, find the first month,
    /// then day, hour, minute and second that match, resetting the smaller fields the first
    /// time a larger one moves and starting over when one wraps.
    fn next(&self, after: i64, local: &Zone) -> Option<i64> {
        let zone = self.location.as_ref().unwrap_or(local);
        let mut t = after.div_euclid(1000) + 1;
        let mut added = false;
        let year_limit = zone.civil(t).year + 5;
        let has = |bits: u64, n: i64| (0..64).contains(&n) && bits & (1u64 << n) != 0;
        // Each pass moves at least one field forward; the year limit ends the search.
        'wrap: loop {
            let c = zone.civil(t);
            if c.year > year_limit {
                return None;
            }
            if !has(self.month, c.month) {
                let mut c = c;
                if !added {
                    added = true;
                    t = zone.date(c.year, c.month, 1, 0, 0, 0);
                    c = zone.civil(t);
                }
                loop {
                    t = zone.date(c.year, c.month + 1, c.day, c.hour, c.minute, c.second);
                    c = zone.civil(t);
                    if c.month == 1 {
                        continue 'wrap;
                    }
                    if has(self.month, c.month) {
                        break;
                    }
                }
            }
            let mut c = zone.civil(t);
            while !self.day_matches(c.day, c.weekday) {
                if !added {
                    added = true;
                    t = zone.date(c.year, c.month, c.day, 0, 0, 0);
                    c = zone.civil(t);
                }
                t = zone.date(c.year, c.month, c.day + 1, c.hour, c.minute, c.second);
                c = zone.civil(t);
                // Midnight may not exist on a DST day: land on the hour nearest to it.
                if c.hour != 0 {
                    t += if c.hour > 12 { 24 - c.hour } else { -c.hour } * 3600;
                    c = zone.civil(t);
                }
                if c.day == 1 {
                    continue 'wrap;
                }
            }
            while !has(self.hour, c.hour) {
                if !added {
                    added = true;
                    t = zone.date(c.year, c.month, c.day, c.hour, 0, 0);
                }
                t += 3600;
                c = zone.civil(t);
                if c.hour == 0 {
                    continue 'wrap;
                }
            }
            while !has(self.minute, c.minute) {
                if !added {
                    added = true;
                    t -= t.rem_euclid(60);
                }
                t += 60;
                c = zone.civil(t);
                if c.minute == 0 {
                    continue 'wrap;
                }
            }
            while !has(self.second, c.second) {
                added = true;
                t += 1;
                c = zone.civil(t);
                if c.second == 0 {
                    continue 'wrap;
                }
            }
            return Some(t * 1000);
        }
    }

    /// Day of month and day of week combine with AND when either is `*`, with OR otherwise
    /// (`0 0 1,15 * Sun` fires on the 1st, the 15th and every Sunday).
    fn day_matches(&self, day: i64, weekday: i64) -> bool {
        let dom = self.dom & (1u64 << day) != 0;
        let dow = self.dow & (1u64 << weekday) != 0;
        if self.dom & parse::STAR_BIT != 0 || self.dow & parse::STAR_BIT != 0 {
            dom && dow
        } else {
            dom || dow
        }
    }
}

#[cfg(test)]
mod tests;
