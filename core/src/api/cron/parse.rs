//! The cron spec parser of robfig/cron v3, the library CronJob validation and the CronJob
//! controller use: fields with ranges, steps, lists and names, `*` and `?`, descriptors
//! (`@daily`, `@every 5m`), an optional `TZ=`/`CRON_TZ=` prefix, and robfig's error messages,
//! which the API server returns verbatim (`end of range (61) above maximum (59): 61`).

use super::zone::Zone;
use super::{Schedule, Spec};

/// Set on a field given as `*` or `?` (robfig's `starBit`): it changes how day-of-month and
/// day-of-week combine.
pub const STAR_BIT: u64 = 1 << 63;

/// A field's range and names.
#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    pub min: u32,
    pub max: u32,
    pub names: &'static [(&'static str, u32)],
}

pub const SECONDS: Bounds = Bounds {
    min: 0,
    max: 59,
    names: &[],
};
pub const MINUTES: Bounds = Bounds {
    min: 0,
    max: 59,
    names: &[],
};
pub const HOURS: Bounds = Bounds {
    min: 0,
    max: 23,
    names: &[],
};
pub const DOM: Bounds = Bounds {
    min: 1,
    max: 31,
    names: &[],
};
pub const MONTHS: Bounds = Bounds {
    min: 1,
    max: 12,
    names: &[
        ("jan", 1),
        ("feb", 2),
        ("mar", 3),
        ("apr", 4),
        ("may", 5),
        ("jun", 6),
        ("jul", 7),
        ("aug", 8),
        ("sep", 9),
        ("oct", 10),
        ("nov", 11),
        ("dec", 12),
    ],
};
pub const DOW: Bounds = Bounds {
    min: 0,
    max: 6,
    names: &[
        ("sun", 0),
        ("mon", 1),
        ("tue", 2),
        ("wed", 3),
        ("thu", 4),
        ("fri", 5),
        ("sat", 6),
    ],
};

/// Which fields a parser reads, as robfig's `ParseOption`s.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fields {
    /// `ParseStandard`: minute, hour, day of month, month, day of week (CronJob's).
    Standard,
    /// Second, minute, hour, day of month, month, and an optional day of week.
    WithSeconds,
}

/// `Parser.Parse`.
pub fn parse(spec: &str, fields: Fields) -> Result<Schedule, String> {
    if spec.is_empty() {
        return Err("empty spec string".into());
    }
    let mut location = None;
    let mut spec = spec;
    if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
        // robfig slices up to the first space; without one Go would panic, here it is a bad
        // location like any other.
        let eq = spec.find('=').unwrap_or(0);
        let end = spec.find(' ').unwrap_or(spec.len()).max(eq + 1);
        let name = spec.get(eq + 1..end).unwrap_or("");
        location =
            Some(Zone::load(name).map_err(|e| format!("provided bad location {name}: {e}"))?);
        spec = spec.get(end..).unwrap_or("").trim();
    }
    if spec.starts_with('@') {
        return descriptor(spec, location);
    }
    let given: Vec<&str> = spec.split_whitespace().collect();
    let all = normalize(&given, fields)?;
    let bounds = [SECONDS, MINUTES, HOURS, DOM, MONTHS, DOW];
    let mut bits = [0u64; 6];
    for ((slot, field), b) in bits.iter_mut().zip(&all).zip(bounds) {
        *slot = field_bits(field, b)?;
    }
    let [second, minute, hour, dom, month, dow] = bits;
    Ok(Schedule::Spec(Spec {
        second,
        minute,
        hour,
        dom,
        month,
        dow,
        location,
    }))
}

/// `normalizeFields`: checks the count and fills the fields a parser does not read.
fn normalize<'a>(given: &[&'a str], fields: Fields) -> Result<[&'a str; 6], String> {
    let (min, max) = match fields {
        Fields::Standard => (5, 5),
        Fields::WithSeconds => (5, 6),
    };
    let count = given.len();
    if count < min || count > max {
        let list = format!("[{}]", given.join(" "));
        return Err(if min == max {
            format!("expected exactly {min} fields, found {count}: {list}")
        } else {
            format!("expected {min} to {max} fields, found {count}: {list}")
        });
    }
    let mut all = ["0", "0", "0", "*", "*", "*"];
    match fields {
        Fields::Standard => all[1..].copy_from_slice(given),
        Fields::WithSeconds => all[..count].copy_from_slice(given),
    }
    Ok(all)
}

/// `getField`: a comma-separated list of ranges.
pub fn field_bits(field: &str, bounds: Bounds) -> Result<u64, String> {
    let mut bits = 0;
    for expr in field.split(',').filter(|e| !e.is_empty()) {
        bits |= range_bits(expr, bounds)?;
    }
    Ok(bits)
}

/// `getRange`: `*`, `?`, `N`, `N-M`, each optionally with `/step` (`N/step` means `N-max/step`).
pub fn range_bits(expr: &str, bounds: Bounds) -> Result<u64, String> {
    let range_and_step: Vec<&str> = expr.split('/').collect();
    let low_and_high: Vec<&str> = range_and_step.first().unwrap_or(&"").split('-').collect();
    let single = low_and_high.len() == 1;
    let (start, mut end, mut extra) = match low_and_high.as_slice() {
        ["*" | "?"] => (bounds.min, bounds.max, STAR_BIT),
        [low] => {
            let n = int_or_name(low, bounds)?;
            (n, n, 0)
        }
        [low, high] => (int_or_name(low, bounds)?, int_or_name(high, bounds)?, 0),
        _ => return Err(format!("too many hyphens: {expr}")),
    };
    let step = match range_and_step.as_slice() {
        [_] => 1,
        [_, step] => {
            let step = parse_uint(step)?;
            if single {
                end = bounds.max;
            }
            if step > 1 {
                extra = 0;
            }
            step
        }
        _ => return Err(format!("too many slashes: {expr}")),
    };
    if start < bounds.min {
        return Err(format!(
            "beginning of range ({start}) below minimum ({}): {expr}",
            bounds.min
        ));
    }
    if end > bounds.max {
        return Err(format!(
            "end of range ({end}) above maximum ({}): {expr}",
            bounds.max
        ));
    }
    if start > end {
        return Err(format!(
            "beginning of range ({start}) beyond end of range ({end}): {expr}"
        ));
    }
    if step == 0 {
        return Err(format!("step of range should be a positive number: {expr}"));
    }
    Ok(bits_between(start, end, step) | extra)
}

fn bits_between(start: u32, end: u32, step: u32) -> u64 {
    (start..=end)
        .step_by(step as usize)
        .fold(0, |bits, i| bits | (1u64 << i))
}

/// The bits of a whole field (robfig's `all`).
pub fn all(bounds: Bounds) -> u64 {
    bits_between(bounds.min, bounds.max, 1) | STAR_BIT
}

fn int_or_name(expr: &str, bounds: Bounds) -> Result<u32, String> {
    let lower = expr.to_ascii_lowercase();
    match bounds.names.iter().find(|(name, _)| *name == lower) {
        Some((_, n)) => Ok(*n),
        None => parse_uint(expr),
    }
}

/// `mustParseInt`, with Go's `strconv.Atoi` error wording.
fn parse_uint(expr: &str) -> Result<u32, String> {
    let digits = expr.strip_prefix(['+', '-']).unwrap_or(expr);
    let parsed = if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        expr.parse::<i64>().map_err(|_| "value out of range")
    } else {
        Err("invalid syntax")
    };
    match parsed {
        Err(why) => Err(format!(
            "failed to parse int from {expr}: strconv.Atoi: parsing \"{expr}\": {why}"
        )),
        Ok(n) if n < 0 => Err(format!("negative number ({n}) not allowed: {expr}")),
        // Fields hold at most 63 values; anything larger is out of range the same way.
        Ok(n) => Ok(u32::try_from(n).unwrap_or(u32::MAX)),
    }
}

/// `parseDescriptor`: the `@` forms.
fn descriptor(spec: &str, location: Option<Zone>) -> Result<Schedule, String> {
    let one = |b: Bounds| 1u64 << b.min;
    let (second, minute, hour, dom, month, dow) = match spec {
        "@yearly" | "@annually" => (
            one(SECONDS),
            one(MINUTES),
            one(HOURS),
            one(DOM),
            one(MONTHS),
            all(DOW),
        ),
        "@monthly" => (
            one(SECONDS),
            one(MINUTES),
            one(HOURS),
            one(DOM),
            all(MONTHS),
            all(DOW),
        ),
        "@weekly" => (
            one(SECONDS),
            one(MINUTES),
            one(HOURS),
            all(DOM),
            all(MONTHS),
            one(DOW),
        ),
        "@daily" | "@midnight" => (
            one(SECONDS),
            one(MINUTES),
            one(HOURS),
            all(DOM),
            all(MONTHS),
            all(DOW),
        ),
        "@hourly" => (
            one(SECONDS),
            one(MINUTES),
            all(HOURS),
            all(DOM),
            all(MONTHS),
            all(DOW),
        ),
        _ => {
            let Some(duration) = spec.strip_prefix("@every ") else {
                return Err(format!("unrecognized descriptor: {spec}"));
            };
            let millis = go_duration_millis(duration)
                .map_err(|e| format!("failed to parse duration {spec}: {e}"))?;
            // `Every`: at least a second, whole seconds.
            let secs = (millis / 1000).max(1);
            return Ok(Schedule::Every { secs });
        }
    };
    Ok(Schedule::Spec(Spec {
        second,
        minute,
        hour,
        dom,
        month,
        dow,
        location,
    }))
}

/// Go's `time.ParseDuration`, in whole milliseconds (`1h30m`, `2.5s`, `-5m`, `0`).
pub fn go_duration_millis(s: &str) -> Result<i64, String> {
    let invalid = || format!("time: invalid duration \"{s}\"");
    let (negative, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total_nanos: f64 = 0.0;
    while !rest.is_empty() {
        let number_len = rest
            .find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(rest.len());
        let number = &rest[..number_len];
        if number.is_empty() || number == "." {
            return Err(invalid());
        }
        let value: f64 = number.parse().map_err(|_| invalid())?;
        rest = &rest[number_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let nanos_per = match unit {
            "" => return Err(format!("time: missing unit in duration \"{s}\"")),
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return Err(format!("time: unknown unit \"{unit}\" in duration \"{s}\"")),
        };
        total_nanos += value * nanos_per;
    }
    if total_nanos > 9.223_372_036_854_775e18 {
        return Err(invalid());
    }
    let millis = (total_nanos / 1e6) as i64;
    Ok(if negative { -millis } else { millis })
}
