//! Time zones for CronJob schedules, without the wall clock or the operating system.
//!
//! A [`Zone`] is UTC, a fixed offset, or an IANA zone's current rule as a POSIX TZ string
//! (`EST5EDT,M3.2.0,M11.1.0`), taken from the generated [`super::tzdata`] table. Only the rule
//! in force since each zone's last listed transition is kept: exact for today's and future
//! dates, which is all a cluster whose clock starts in 2026 asks about, at a few kilobytes
//! instead of a full history (`chrono-tz` adds ~900 KB of wasm, `jiff`'s bundled database
//! ~300 KB). What this gives up: past dates before a zone's last rule change, and the
//! irregular Ramadan transitions of Africa/Casablanca and Africa/El_Aaiun.
//!
//! [`Zone::lookup`] and [`Zone::date`] behave as Go's `time` package does, because robfig/cron's
//! schedule arithmetic (and so which instant a CronJob fires at across a DST change) depends on
//! how Go's `time.Date` resolves wall-clock times that are skipped or repeated.

use super::tzdata::{RULES, ZONES};
use crate::time::{civil_from_days, days_from_civil};

const DAY: i64 = 86_400;

/// A time zone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Zone {
    Utc,
    /// Seconds east of UTC.
    Fixed(i32),
    Rule(Rule),
}

/// A POSIX TZ rule: standard offset, and optionally daylight saving time with its dates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// Seconds east of UTC.
    std_offset: i32,
    dst: Option<Dst>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Dst {
    offset: i32,
    start: RuleDate,
    /// Local time of day (standard time) at which DST starts; may be negative or past 24h.
    start_time: i32,
    end: RuleDate,
    /// Local time of day (daylight time) at which DST ends.
    end_time: i32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RuleDate {
    /// `Jn`: day 1..=365, February 29 never counted.
    Julian1(i64),
    /// `n`: day 0..=365, February 29 counted in leap years.
    Julian0(i64),
    /// `Mm.w.d`: day `d` (0 = Sunday) of week `w` (5 = last) of month `m`.
    MonthWeekDay { month: i64, week: i64, day: i64 },
}

/// The offset in force at an instant, and the span of instants `[start, end)` it holds for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub offset: i32,
    pub start: i64,
    pub end: i64,
}

/// A wall-clock reading in some zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    /// 0 = Sunday.
    pub weekday: i64,
}

impl Zone {
    /// Go's `time.LoadLocation`, with the kube-controller-manager's `Local` being UTC (as in
    /// its container). Errors are Go's own messages.
    pub fn load(name: &str) -> Result<Zone, String> {
        match name {
            "" | "UTC" | "Local" => return Ok(Zone::Utc),
            _ => {}
        }
        if name.contains("..") || name.starts_with('/') || name.starts_with('\\') {
            return Err("time: invalid location name".into());
        }
        ZONES
            .binary_search_by(|(zone, _)| (*zone).cmp(name))
            .ok()
            .and_then(|i| ZONES.get(i))
            .and_then(|(_, rule)| RULES.get(usize::from(*rule)))
            .and_then(|rule| Rule::parse(rule))
            .map(|rule| match rule.dst {
                None if rule.std_offset == 0 => Zone::Utc,
                None => Zone::Fixed(rule.std_offset),
                Some(_) => Zone::Rule(rule),
            })
            .ok_or_else(|| format!("unknown time zone {name}"))
    }

    /// The offset at `unix` (seconds) and how long it holds, as Go's `Location.lookup`.
    pub fn lookup(&self, unix: i64) -> Period {
        let always = |offset| Period {
            offset,
            start: i64::MIN,
            end: i64::MAX,
        };
        match self {
            Zone::Utc => always(0),
            Zone::Fixed(offset) => always(*offset),
            Zone::Rule(rule) => rule.lookup(unix),
        }
    }

    /// The wall clock at `unix` seconds.
    pub fn civil(&self, unix: i64) -> Civil {
        let local = unix + i64::from(self.lookup(unix).offset);
        let days = local.div_euclid(DAY);
        let secs = local.rem_euclid(DAY);
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            hour: secs / 3600,
            minute: secs % 3600 / 60,
            second: secs % 60,
            weekday: (days + 4).rem_euclid(7),
        }
    }

    /// Go's `time.Date`: the instant of a wall-clock reading, any field out of range carried
    /// into the next. A reading that falls in a gap or an overlap resolves as Go resolves it:
    /// with the offset in force at the reading taken as UTC, unless that gives an instant
    /// outside that offset's span.
    pub fn date(
        &self,
        year: i64,
        month: i64,
        day: i64,
        hour: i64,
        minute: i64,
        second: i64,
    ) -> i64 {
        let (year, month) = (
            year + (month - 1).div_euclid(12),
            (month - 1).rem_euclid(12) + 1,
        );
        let unix =
            (days_from_civil(year, month, 1) + day - 1) * DAY + hour * 3600 + minute * 60 + second;
        let period = self.lookup(unix);
        let mut offset = period.offset;
        if offset != 0 {
            let utc = unix - i64::from(offset);
            if utc < period.start || utc >= period.end {
                offset = self.lookup(utc).offset;
            }
        }
        unix - i64::from(offset)
    }
}

impl Rule {
    /// Parses a POSIX TZ string as TZif footers write it.
    pub fn parse(s: &str) -> Option<Rule> {
        let mut p = Cursor {
            s: s.as_bytes(),
            i: 0,
        };
        p.name()?;
        let std_offset = -p.offset()?;
        if p.done() {
            return Some(Rule {
                std_offset,
                dst: None,
            });
        }
        p.name()?;
        let dst_offset = if p.peek() == Some(b',') || p.done() {
            std_offset + 3600
        } else {
            -p.offset()?
        };
        // POSIX leaves the default dates to the implementation; Go uses the US rules.
        let (start, start_time, end, end_time) = if p.done() {
            (
                RuleDate::MonthWeekDay {
                    month: 3,
                    week: 2,
                    day: 0,
                },
                7200,
                RuleDate::MonthWeekDay {
                    month: 11,
                    week: 1,
                    day: 0,
                },
                7200,
            )
        } else {
            p.eat(b',')?;
            let start = p.rule_date()?;
            let start_time = p.rule_time()?;
            p.eat(b',')?;
            let end = p.rule_date()?;
            let end_time = p.rule_time()?;
            (start, start_time, end, end_time)
        };
        p.done().then_some(Rule {
            std_offset,
            dst: Some(Dst {
                offset: dst_offset,
                start,
                start_time,
                end,
                end_time,
            }),
        })
    }

    fn lookup(&self, unix: i64) -> Period {
        let Some(dst) = &self.dst else {
            return Period {
                offset: self.std_offset,
                start: i64::MIN,
                end: i64::MAX,
            };
        };
        // Transitions of the years around `unix`, in order: (instant, offset from then on).
        let year = civil_from_days((unix + i64::from(self.std_offset)).div_euclid(DAY)).0;
        let mut transitions: Vec<(i64, i32)> = Vec::with_capacity(6);
        for y in year - 1..=year + 1 {
            let start =
                dst.start.day_of(y) * DAY + i64::from(dst.start_time) - i64::from(self.std_offset);
            let end = dst.end.day_of(y) * DAY + i64::from(dst.end_time) - i64::from(dst.offset);
            transitions.push((start, dst.offset));
            transitions.push((end, self.std_offset));
        }
        transitions.sort_unstable();
        let at = transitions.partition_point(|(t, _)| *t <= unix);
        let (start, offset) = match at.checked_sub(1).and_then(|i| transitions.get(i)) {
            Some(&(t, offset)) => (t, offset),
            None => (i64::MIN, self.std_offset),
        };
        let end = transitions.get(at).map_or(i64::MAX, |(t, _)| *t);
        Period { offset, start, end }
    }
}

impl RuleDate {
    /// Days since the epoch of this rule's date in `year`.
    fn day_of(self, year: i64) -> i64 {
        let jan1 = days_from_civil(year, 1, 1);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        match self {
            RuleDate::Julian1(n) => jan1 + n - 1 + i64::from(leap && n >= 60),
            RuleDate::Julian0(n) => jan1 + n,
            RuleDate::MonthWeekDay { month, week, day } => {
                let first = days_from_civil(year, month, 1);
                let first_weekday = (first + 4).rem_euclid(7);
                let mut d = first + (day - first_weekday).rem_euclid(7) + (week - 1) * 7;
                let next_month = days_from_civil(year + month / 12, month % 12 + 1, 1);
                while d >= next_month {
                    d -= 7;
                }
                d
            }
        }
    }
}

/// A reader over a POSIX TZ string.
struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn done(&self) -> bool {
        self.i >= self.s.len()
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek() == Some(c)).then(|| self.i += 1)
    }

    /// A zone abbreviation: `EST` or `<+0330>`.
    fn name(&mut self) -> Option<()> {
        if self.peek() == Some(b'<') {
            while self.peek()? != b'>' {
                self.i += 1;
            }
            self.i += 1;
            return Some(());
        }
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.i += 1;
        }
        (self.i - start >= 3).then_some(())
    }

    fn number(&mut self) -> Option<i64> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        std::str::from_utf8(self.s.get(start..self.i)?)
            .ok()?
            .parse()
            .ok()
    }

    /// `[+-]hh[:mm[:ss]]` in seconds (POSIX offsets count west of UTC; the caller negates).
    fn offset(&mut self) -> Option<i32> {
        let sign = match self.peek() {
            Some(b'-') => {
                self.i += 1;
                -1
            }
            Some(b'+') => {
                self.i += 1;
                1
            }
            _ => 1,
        };
        let mut secs = self.number()? * 3600;
        for unit in [60, 1] {
            if self.peek() != Some(b':') {
                break;
            }
            self.i += 1;
            secs += self.number()? * unit;
        }
        i32::try_from(sign * secs).ok()
    }

    fn rule_date(&mut self) -> Option<RuleDate> {
        match self.peek()? {
            b'J' => {
                self.i += 1;
                Some(RuleDate::Julian1(self.number()?))
            }
            b'M' => {
                self.i += 1;
                let month = self.number()?;
                self.eat(b'.')?;
                let week = self.number()?;
                self.eat(b'.')?;
                let day = self.number()?;
                ((1..=12).contains(&month) && (1..=5).contains(&week) && (0..=6).contains(&day))
                    .then_some(RuleDate::MonthWeekDay { month, week, day })
            }
            _ => Some(RuleDate::Julian0(self.number()?)),
        }
    }

    /// `/time` after a rule date, 02:00 when absent.
    fn rule_time(&mut self) -> Option<i32> {
        if self.peek() == Some(b'/') {
            self.i += 1;
            self.offset()
        } else {
            Some(7200)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Time;

    fn at(rfc3339: &str) -> i64 {
        Time::parse_rfc3339(rfc3339).map_or(0, |t| t.0 / 1000)
    }

    #[test]
    fn every_generated_rule_parses() {
        for rule in RULES {
            assert!(Rule::parse(rule).is_some(), "{rule}");
        }
        for (name, _) in ZONES {
            assert!(Zone::load(name).is_ok(), "{name}");
        }
    }

    #[test]
    fn loads_like_go() {
        assert_eq!(Zone::load("UTC"), Ok(Zone::Utc));
        assert_eq!(Zone::load(""), Ok(Zone::Utc));
        assert_eq!(Zone::load("Asia/Tokyo"), Ok(Zone::Fixed(9 * 3600)));
        assert_eq!(Zone::load("Asia/Kolkata"), Ok(Zone::Fixed(19_800)));
        assert_eq!(
            Zone::load("Europe/Pariss"),
            Err("unknown time zone Europe/Pariss".into())
        );
        assert_eq!(
            Zone::load("../etc/passwd"),
            Err("time: invalid location name".into())
        );
        assert!(Zone::load("US/Eastern").is_ok(), "backward links are zones");
    }

    #[test]
    fn daylight_saving_periods() {
        let ny = Zone::load("America/New_York").unwrap_or(Zone::Utc);
        // 2026: DST from March 8 07:00Z to November 1 06:00Z.
        assert_eq!(ny.lookup(at("2026-01-15T12:00:00Z")).offset, -5 * 3600);
        let summer = ny.lookup(at("2026-07-01T12:00:00Z"));
        assert_eq!(summer.offset, -4 * 3600);
        assert_eq!(summer.start, at("2026-03-08T07:00:00Z"));
        assert_eq!(summer.end, at("2026-11-01T06:00:00Z"));
        // Southern hemisphere: Sydney's DST spans the new year.
        let sydney = Zone::load("Australia/Sydney").unwrap_or(Zone::Utc);
        assert_eq!(sydney.lookup(at("2026-01-15T00:00:00Z")).offset, 11 * 3600);
        assert_eq!(sydney.lookup(at("2026-07-15T00:00:00Z")).offset, 10 * 3600);
    }

    #[test]
    fn dates_resolve_gaps_and_overlaps_as_go_does() {
        let ny = Zone::load("America/New_York").unwrap_or(Zone::Utc);
        // 02:30 on the spring-forward day does not exist: Go reads it with the new offset
        // (EDT), which is 01:30 EST (06:30Z).
        assert_eq!(ny.date(2026, 3, 8, 2, 30, 0), at("2026-03-08T06:30:00Z"));
        // 01:30 on the fall-back day happens twice: Go takes the first (EDT).
        assert_eq!(ny.date(2026, 11, 1, 1, 30, 0), at("2026-11-01T05:30:00Z"));
        // Out-of-range fields carry over.
        assert_eq!(ny.date(2026, 13, 1, 0, 0, 0), at("2027-01-01T05:00:00Z"));
        let c = ny.civil(at("2026-07-04T16:00:00Z"));
        assert_eq!(
            (c.year, c.month, c.day, c.hour, c.weekday),
            (2026, 7, 4, 12, 6)
        );
    }
}
