//! Virtual time: the only clock the cluster knows.
//!
//! Time is a count of milliseconds since the Unix epoch, advanced only by whoever drives the
//! cluster (the page follows real time, scripts use `sleep`). Nothing here reads the wall clock,
//! which is what makes every run reproducible.
//!
//! Also here: the two ways Kubernetes prints time — RFC 3339 timestamps as stored in objects, and
//! the human "AGE" format of `duration.HumanDuration`.

use std::fmt;

/// A point in virtual time, in milliseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(pub i64);

/// Milliseconds in a second, for readability at call sites.
pub const SECOND: i64 = 1000;

impl Time {
    /// The instant the default cluster is created: a fixed date, so that every run prints the
    /// same timestamps.
    pub const GENESIS: Time = Time(1_767_258_000_000); // 2026-01-01T09:00:00Z

    pub fn plus_millis(self, ms: i64) -> Time {
        Time(self.0.saturating_add(ms))
    }

    pub fn plus_secs(self, secs: i64) -> Time {
        self.plus_millis(secs.saturating_mul(SECOND))
    }

    /// Milliseconds from `earlier` to `self` (negative if `earlier` is later).
    pub fn since(self, earlier: Time) -> i64 {
        self.0.saturating_sub(earlier.0)
    }

    /// RFC 3339 in UTC with second precision, as `metav1.Time` serialises (`2026-01-01T09:00:00Z`).
    pub fn rfc3339(self) -> String {
        let secs = self.0.div_euclid(SECOND);
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        )
    }

    /// RFC 3339 with microseconds, as `metav1.MicroTime` serialises (Lease renew times, events.k8s.io).
    pub fn rfc3339_micros(self) -> String {
        let base = self.rfc3339();
        let micros = self.0.rem_euclid(SECOND) * 1000;
        format!("{}.{micros:06}Z", base.trim_end_matches('Z'))
    }

    /// Parses the RFC 3339 form written by [`Time::rfc3339`] (also accepting fractional seconds
    /// and numeric offsets, as objects written by hand may carry them).
    pub fn parse_rfc3339(s: &str) -> Option<Time> {
        let b = s.as_bytes();
        if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't' | b' ') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
            return None;
        }
        let mut rest = s.get(19..)?;
        let mut millis = 0;
        if let Some(frac) = rest.strip_prefix('.') {
            let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
            let padded = format!("{:0<3}", frac.get(..digits.min(3))?);
            millis = padded.parse::<i64>().ok()?;
            rest = frac.get(digits..)?;
        }
        let offset_secs = match rest {
            "Z" | "z" => 0,
            _ => {
                let sign = match rest.as_bytes().first()? {
                    b'+' => 1,
                    b'-' => -1,
                    _ => return None,
                };
                let oh = rest.get(1..3)?.parse::<i64>().ok()?;
                let om = rest.get(4..6)?.parse::<i64>().ok()?;
                sign * (oh * 3600 + om * 60)
            }
        };
        let days = days_from_civil(y, mo, d);
        let secs = days * 86_400 + h * 3600 + mi * 60 + se - offset_secs;
        Some(Time(secs * SECOND + millis))
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

/// Days since 1970-01-01 to a (year, month, day) date in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The inverse of [`civil_from_days`].
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `duration.HumanDuration` from apimachinery: the AGE column's format.
///
/// The thresholds are upstream's (see `shared/reference/age.md`): seconds up to 2 minutes,
/// minutes-and-seconds up to 10 minutes, minutes up to 3 hours, and so on up to years.
pub fn human_duration(millis: i64) -> String {
    let seconds = millis / SECOND;
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 120 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 180 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{}d", hours / 24)
        } else {
            format!("{}d{h}h", hours / 24)
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        return if dy == 0 {
            format!("{}y", hours / 24 / 365)
        } else {
            format!("{}y{dy}d", hours / 24 / 365)
        };
    }
    format!("{}y", hours / 24 / 365)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60 * SECOND;
    const HOUR: i64 = 60 * MIN;
    const DAY: i64 = 24 * HOUR;

    #[test]
    fn human_duration_matches_upstream_vectors() {
        // Upstream's TestHumanDuration and TestHumanDurationBoundaries (shared/reference/age.md).
        let cases: &[(i64, &str)] = &[
            (SECOND, "1s"),
            (70 * SECOND, "70s"),
            (190 * SECOND, "3m10s"),
            (70 * MIN, "70m"),
            (47 * HOUR, "47h"),
            (49 * HOUR, "2d1h"),
            ((8 * 24 + 2) * HOUR, "8d"),
            (367 * DAY, "367d"),
            ((365 * 2 * 24 + 25) * HOUR, "2y1d"),
            ((365 * 8 * 24 + 2) * HOUR, "8y"),
            (-2 * SECOND, "<invalid>"),
            (-2 * SECOND + 1, "0s"),
            (0, "0s"),
            (SECOND - 1, "0s"),
            (2 * MIN - 1, "119s"),
            (2 * MIN, "2m"),
            (2 * MIN + SECOND, "2m1s"),
            (10 * MIN - 1, "9m59s"),
            (10 * MIN, "10m"),
            (10 * MIN + SECOND, "10m"),
            (3 * HOUR - 1, "179m"),
            (3 * HOUR, "3h"),
            (3 * HOUR + MIN, "3h1m"),
            (8 * HOUR - 1, "7h59m"),
            (8 * HOUR, "8h"),
            (8 * HOUR + 59 * MIN, "8h"),
            (48 * HOUR - 1, "47h"),
            (48 * HOUR, "2d"),
            (49 * HOUR, "2d1h"),
            (8 * DAY - 1, "7d23h"),
            (8 * DAY, "8d"),
            (8 * DAY + 23 * HOUR, "8d"),
            (2 * 365 * DAY - 1, "729d"),
            (2 * 365 * DAY, "2y"),
            (2 * 365 * DAY + 23 * HOUR, "2y"),
            (2 * 365 * DAY + 24 * HOUR - 1, "2y"),
            (2 * 365 * DAY + 24 * HOUR, "2y1d"),
            (3 * 365 * DAY, "3y"),
            (7 * 365 * DAY, "7y"),
            (8 * 365 * DAY - 1, "7y364d"),
            (8 * 365 * DAY, "8y"),
            (8 * 365 * DAY + 364 * DAY, "8y"),
            (9 * 365 * DAY, "9y"),
        ];
        for (ms, want) in cases {
            assert_eq!(human_duration(*ms), *want, "{ms} ms");
        }
    }

    #[test]
    fn rfc3339_round_trips() {
        assert_eq!(Time::GENESIS.rfc3339(), "2026-01-01T09:00:00Z");
        assert_eq!(Time(0).rfc3339(), "1970-01-01T00:00:00Z");
        assert_eq!(
            Time::parse_rfc3339("2026-01-01T09:00:00Z"),
            Some(Time::GENESIS)
        );
        assert_eq!(
            Time::parse_rfc3339("2026-01-01T10:00:00.5+01:00"),
            Some(Time::GENESIS.plus_millis(500))
        );
        assert_eq!(
            Time::parse_rfc3339("2024-02-29T23:59:59Z")
                .map(|t| t.rfc3339())
                .as_deref(),
            Some("2024-02-29T23:59:59Z")
        );
        assert_eq!(Time::parse_rfc3339("yesterday"), None);
    }
}
