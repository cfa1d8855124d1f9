//! Resource quantities (`100m`, `1.5`, `128Mi`, `1e3`), as `resource.ParseQuantity` parses
//! them and `Quantity.String()` prints them.
//!
//! A quantity is an exact decimal (`mantissa × 10^scale`) with the format it was written in
//! (decimal SI, binary SI or decimal exponent). As upstream: values finer than a nano-unit round
//! up (away from zero), binary quantities above 2^63-1 are clamped, and a binary quantity
//! between 0 and 1 is printed in decimal SI. `String()` gives the canonical form (`1024Mi` →
//! `1Gi`, `0.5` → `500m`), except that a string already in a simple canonical shape is kept
//! verbatim, as upstream caches it.
//!
//! Simplification: the mantissa is an `i128`, so more than 38 significant digits is refused
//! (`unable to parse numeric part of quantity`) where upstream's big decimals would accept it.

use std::cmp::Ordering;
use std::fmt;

/// The regular expression upstream quotes when a quantity does not parse.
pub const QUANTITY_REGEX: &str = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$";

/// How a quantity was written, and so how it prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `12e6`
    DecimalExponent,
    /// `12Mi` (12 × 2^20)
    BinarySI,
    /// `12M` (12 × 10^6)
    DecimalSI,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::DecimalExponent => "DecimalExponent",
            Format::BinarySI => "BinarySI",
            Format::DecimalSI => "DecimalSI",
        }
    }
}

/// Why a string is not a quantity, with upstream's messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    #[error("quantities must match the regular expression '{QUANTITY_REGEX}'")]
    Format,
    #[error("unable to parse numeric part of quantity")]
    Numeric,
    #[error("unable to parse quantity's suffix")]
    Suffix,
}

/// The pieces of a quantity string, as upstream's `parseQuantityString` cuts it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parts<'a> {
    pub positive: bool,
    /// The numeric part as written, sign included (`-1.5` of `-1.5Gi`).
    pub value: &'a str,
    /// Integer digits without leading zeros (`"0"` when there are none).
    pub num: &'a str,
    /// Fraction digits.
    pub denom: &'a str,
    pub suffix: &'a str,
}

/// A parsed resource quantity.
#[derive(Clone, Debug)]
pub struct Quantity {
    mantissa: i128,
    scale: i32,
    format: Format,
    /// The input, kept when it is already canonical (upstream's cached `s`).
    verbatim: Option<String>,
}

const NANO: i32 = -9;
const MAX_ALLOWED: i128 = i64::MAX as i128;

fn is_digit(b: u8) -> bool {
    b.is_ascii_digit()
}

/// Cuts `s` into sign, number and suffix; `Err(Format)` when it does not have that shape.
pub fn split(s: &str) -> Result<Parts<'_>, QuantityError> {
    let bytes = s.as_bytes();
    let end = bytes.len();
    let mut pos = 0;
    let mut positive = true;
    match bytes.first() {
        Some(b'-') => {
            positive = false;
            pos = 1;
        }
        Some(b'+') => pos = 1,
        _ => {}
    }
    let done = |positive, value, num, denom| {
        Ok(Parts {
            positive,
            value,
            num,
            denom,
            suffix: "",
        })
    };
    // Leading zeros are not part of the number's digits.
    while pos < end && bytes.get(pos) == Some(&b'0') {
        pos += 1;
    }
    if pos >= end {
        return done(positive, "0", "0", "");
    }
    let num_start = pos;
    while pos < end && bytes.get(pos).copied().is_some_and(is_digit) {
        pos += 1;
    }
    let num = match s.get(num_start..pos) {
        Some("") | None => "0",
        Some(n) => n,
    };
    if pos >= end {
        return done(positive, s, num, "");
    }
    let mut denom = "";
    if bytes.get(pos) == Some(&b'.') {
        pos += 1;
        let denom_start = pos;
        while pos < end && bytes.get(pos).copied().is_some_and(is_digit) {
            pos += 1;
        }
        denom = s.get(denom_start..pos).unwrap_or("");
        if pos >= end {
            return done(positive, s, num, denom);
        }
    }
    let value = s.get(..pos).unwrap_or("");
    let suffix_start = pos;
    while pos < end && bytes.get(pos).is_some_and(|b| b"eEinumkKMGTP".contains(b)) {
        pos += 1;
    }
    if matches!(bytes.get(pos), Some(b'-' | b'+')) {
        pos += 1;
    }
    while pos < end && bytes.get(pos).copied().is_some_and(is_digit) {
        pos += 1;
    }
    if pos < end {
        return Err(QuantityError::Format);
    }
    Ok(Parts {
        positive,
        value,
        num,
        denom,
        suffix: s.get(suffix_start..).unwrap_or(""),
    })
}

/// Base, exponent and format of a suffix (`Ki` → 2^10 binary, `m` → 10^-3, `e6` → 10^6).
fn interpret(suffix: &str) -> Option<(u32, i32, Format)> {
    let decimal = |e| Some((10, e, Format::DecimalSI));
    let binary = |e| Some((2, e, Format::BinarySI));
    match suffix {
        "" => decimal(0),
        "n" => decimal(-9),
        "u" => decimal(-6),
        "m" => decimal(-3),
        "k" => decimal(3),
        "M" => decimal(6),
        "G" => decimal(9),
        "T" => decimal(12),
        "P" => decimal(15),
        "E" => decimal(18),
        "Ki" => binary(10),
        "Mi" => binary(20),
        "Gi" => binary(30),
        "Ti" => binary(40),
        "Pi" => binary(50),
        "Ei" => binary(60),
        _ => {
            let rest = suffix.strip_prefix(['e', 'E']).filter(|r| !r.is_empty())?;
            let exponent: i64 = rest.parse().ok()?;
            Some((10, i32::try_from(exponent).ok()?, Format::DecimalExponent))
        }
    }
}

/// `10^n` as an i128, if it fits.
fn pow10(n: u32) -> Option<i128> {
    10i128.checked_pow(n)
}

/// `m / 10^n`, rounded away from zero; exact when nothing non-zero is dropped.
fn shift_down(m: i128, n: u32) -> (i128, bool) {
    let Some(div) = pow10(n) else {
        return (m.signum(), m == 0);
    };
    let (q, r) = (m / div, m % div);
    if r == 0 {
        (q, true)
    } else {
        (q + m.signum(), false)
    }
}

/// Drops trailing zero digits of `m` into the exponent.
fn strip_zeros(mut m: i128, mut scale: i32) -> (i128, i32) {
    while m != 0 && m % 10 == 0 {
        m /= 10;
        scale += 1;
    }
    (m, scale)
}

impl Quantity {
    /// `resource.ParseQuantity`.
    pub fn parse(s: &str) -> Result<Quantity, QuantityError> {
        if s.is_empty() {
            return Err(QuantityError::Format);
        }
        if s == "0" {
            return Ok(Quantity {
                mantissa: 0,
                scale: 0,
                format: Format::DecimalSI,
                verbatim: Some(s.to_string()),
            });
        }
        let parts = split(s)?;
        let (base, exponent, format) = interpret(parts.suffix).ok_or(QuantityError::Suffix)?;
        let verbatim = cacheable(&parts, base, exponent, format).then(|| s.to_string());
        // The exact value: digits × 10^-len(denom), then × the suffix.
        let digits = format!("{}{}", parts.num, parts.denom);
        let digits = digits.trim_start_matches('0');
        let (digits, zeros) = {
            let trimmed = digits.trim_end_matches('0');
            (trimmed, digits.len() - trimmed.len())
        };
        let mut mantissa: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().map_err(|_| QuantityError::Numeric)?
        };
        let denom_len = i32::try_from(parts.denom.len()).map_err(|_| QuantityError::Numeric)?;
        let zeros = i32::try_from(zeros).map_err(|_| QuantityError::Numeric)?;
        let mut scale = zeros - denom_len;
        if base == 10 {
            scale = scale.saturating_add(exponent);
        } else {
            for _ in 0..exponent {
                match mantissa.checked_mul(2) {
                    Some(m) => mantissa = m,
                    // Far beyond what a binary quantity may hold: clamped below anyway.
                    None if scale >= 0 => break,
                    None => {
                        mantissa = shift_down(mantissa, 1).0;
                        scale += 1;
                        mantissa = mantissa.saturating_mul(2);
                    }
                }
            }
        }
        if scale < NANO {
            mantissa = shift_down(mantissa, NANO.abs_diff(scale)).0;
            scale = NANO;
        }
        let mut q = Quantity {
            mantissa,
            scale,
            format,
            verbatim,
        };
        if format == Format::BinarySI {
            if q.abs_cmp_int(MAX_ALLOWED) == Ordering::Greater {
                q.mantissa = MAX_ALLOWED;
                q.scale = 0;
            } else if q.mantissa != 0 && q.abs_cmp_int(1) == Ordering::Less {
                q.format = Format::DecimalSI;
            }
        }
        if !parts.positive {
            q.mantissa = -q.mantissa;
        }
        Ok(q)
    }

    /// A quantity of `mantissa × 10^scale` (upstream's `NewScaledQuantity`,
    /// `NewMilliQuantity` with scale -3, `NewQuantity` with scale 0), in `format`.
    pub fn new(mantissa: i128, scale: i32, format: Format) -> Quantity {
        Quantity {
            mantissa,
            scale,
            format,
            verbatim: None,
        }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    pub fn sign(&self) -> i32 {
        self.mantissa.signum() as i32
    }

    /// The value scaled to `10^scale` units, rounded away from zero (`ScaledValue`);
    /// saturates instead of overflowing.
    pub fn scaled_value(&self, scale: i32) -> i128 {
        if self.scale >= scale {
            let up = pow10(self.scale.abs_diff(scale));
            up.and_then(|p| self.mantissa.checked_mul(p))
                .unwrap_or(if self.mantissa < 0 {
                    i128::MIN
                } else {
                    i128::MAX
                })
        } else {
            shift_down(self.mantissa, scale.abs_diff(self.scale)).0
        }
    }

    /// `Add`: the exact sum, in this quantity's format — or the other's when this one is zero,
    /// as upstream's does (so quota usage that starts from zero prints `600Mi`, not bytes).
    pub fn plus(&self, other: &Quantity) -> Quantity {
        let scale = self.scale.min(other.scale);
        let lift = |q: &Quantity| {
            pow10(q.scale.abs_diff(scale))
                .and_then(|p| q.mantissa.checked_mul(p))
                .unwrap_or(q.mantissa)
        };
        let format = if self.is_zero() {
            other.format
        } else {
            self.format
        };
        Quantity::new(lift(self).saturating_add(lift(other)), scale, format)
    }

    /// `Value()`: whole units, rounded away from zero.
    pub fn value(&self) -> i128 {
        self.scaled_value(0)
    }

    /// `MilliValue()`: thousandths, rounded away from zero.
    pub fn milli_value(&self) -> i128 {
        self.scaled_value(-3)
    }

    /// `RoundUp(scale)`: rounds to a multiple of `10^scale` away from zero; false when that
    /// changed the value.
    pub fn round_up(&mut self, scale: i32) -> bool {
        if self.scale >= scale {
            return true;
        }
        self.verbatim = None;
        let (m, exact) = shift_down(self.mantissa, scale.abs_diff(self.scale));
        self.mantissa = m;
        self.scale = scale;
        exact
    }

    pub fn neg(&mut self) {
        self.verbatim = None;
        self.mantissa = -self.mantissa;
    }

    /// `AsApproximateFloat64`.
    pub fn as_approximate_f64(&self) -> f64 {
        self.mantissa as f64 * 10f64.powi(self.scale)
    }

    /// Compares `|self|` with a non-negative integer.
    fn abs_cmp_int(&self, n: i128) -> Ordering {
        Quantity::new(self.mantissa.abs(), self.scale, self.format).cmp(&Quantity::new(
            n,
            0,
            Format::DecimalSI,
        ))
    }

    /// The exact value as a plain decimal (`0.000004`, `53687091.2`), for tests and messages.
    pub fn exact_decimal(&self) -> String {
        let (m, scale) = strip_zeros(self.mantissa, self.scale);
        let sign = if m < 0 { "-" } else { "" };
        let digits = m.unsigned_abs().to_string();
        if scale >= 0 {
            return format!(
                "{sign}{digits}{}",
                "0".repeat(scale.unsigned_abs() as usize)
            );
        }
        let frac = scale.unsigned_abs() as usize;
        let padded = format!("{digits:0>width$}", width = frac + 1);
        let (int, fraction) = padded.split_at(padded.len() - frac);
        format!("{sign}{int}.{fraction}")
    }

    /// The canonical form, ignoring a verbatim input (what `String()` prints after any
    /// arithmetic).
    pub fn canonical(&self) -> String {
        if self.mantissa == 0 {
            return "0".into();
        }
        let mut format = self.format;
        if format == Format::BinarySI {
            let small = self.abs_cmp_int(1024) == Ordering::Less;
            let whole = self.scale >= 0 || shift_down(self.mantissa, self.scale.unsigned_abs()).1;
            if small || !whole {
                format = Format::DecimalSI;
            }
        }
        if format == Format::BinarySI {
            let mut value = self.value();
            let mut times = 0;
            while value.abs() >= 1024 && value % 1024 == 0 {
                value /= 1024;
                times += 1;
            }
            let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
                .get(times)
                .copied()
                .unwrap_or("");
            return format!("{value}{suffix}");
        }
        let (mut m, mut exponent) = strip_zeros(self.mantissa, self.scale);
        while exponent % 3 != 0 {
            m = m.saturating_mul(10);
            exponent -= 1;
        }
        let suffix = match format {
            Format::DecimalExponent if exponent == 0 => String::new(),
            Format::DecimalExponent => format!("e{exponent}"),
            _ => match exponent {
                -9 => "n",
                -6 => "u",
                -3 => "m",
                3 => "k",
                6 => "M",
                9 => "G",
                12 => "T",
                15 => "P",
                18 => "E",
                // Upstream has no suffix for other exponents and prints the bare number.
                _ => "",
            }
            .to_string(),
        };
        format!("{m}{suffix}")
    }
}

/// Whether upstream keeps the input string as the quantity's text: its fast path (a small
/// exact value) with a number that is already canonical for its suffix.
fn cacheable(parts: &Parts, base: u32, exponent: i32, format: Format) -> bool {
    const MAX_INT64_FACTORS: i32 = 18;
    let digits = parts.num.len() + parts.denom.len();
    let digits = i32::try_from(digits).unwrap_or(i32::MAX);
    let denom_len = i32::try_from(parts.denom.len()).unwrap_or(i32::MAX);
    let (precision, scale) = if base == 10 {
        (
            MAX_INT64_FACTORS - digits,
            exponent.saturating_sub(denom_len),
        )
    } else if exponent >= 0 && parts.denom.is_empty() {
        let num_len = i32::try_from(parts.num.len()).unwrap_or(i32::MAX);
        // Upstream's estimate of the decimal digits a binary suffix adds.
        (15 - num_len - (exponent * 3 / 10) - 1, 0)
    } else {
        (-1, 0)
    };
    if precision < 0 || scale < NANO {
        return false;
    }
    let shifted = format!("{}{}", parts.num, parts.denom);
    let Ok(value) = shifted.parse::<i64>() else {
        return false;
    };
    match format {
        Format::BinarySI => {
            let fits = 1i64
                .checked_shl(exponent.unsigned_abs())
                .is_some_and(|m| exponent < 63 && value.checked_mul(m).is_some());
            fits && exponent % 10 == 0 && value & 0x07 != 0
        }
        _ => scale % 3 == 0 && !shifted.ends_with("000") && !shifted.starts_with('0'),
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Quantity) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Quantity) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    /// By value (`Cmp`); the format does not count.
    fn cmp(&self, other: &Quantity) -> Ordering {
        let (a, b) = (self.mantissa, other.mantissa);
        if a.signum() != b.signum() {
            return a.signum().cmp(&b.signum());
        }
        let common = self.scale.min(other.scale);
        let lift =
            |m: i128, scale: i32| pow10(scale.abs_diff(common)).and_then(|p| m.checked_mul(p));
        match (lift(a, self.scale), lift(b, other.scale)) {
            (Some(x), Some(y)) => x.cmp(&y),
            // Only the larger magnitude can overflow.
            (None, _) => a.signum().cmp(&0),
            (_, None) => 0.cmp(&b.signum()),
        }
    }
}

impl fmt::Display for Quantity {
    /// `Quantity.String()`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.verbatim {
            Some(s) => f.write_str(s),
            None => f.write_str(&self.canonical()),
        }
    }
}

/// Parses a quantity into milli-units (surrounding whitespace allowed, as in JSON); `None`
/// when it is not a valid quantity.
pub fn parse_milli(s: &str) -> Option<i128> {
    Quantity::parse(s.trim()).ok().map(|q| q.milli_value())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap()
    }

    #[test]
    fn sums_keep_the_first_format_unless_it_is_zero() {
        let zero = Quantity::new(0, 0, Format::DecimalSI);
        assert_eq!(
            zero.plus(&q("600Mi")).plus(&q("700Mi")).to_string(),
            "1300Mi"
        );
        assert_eq!(q("400m").plus(&q("600m")).to_string(), "1");
        assert_eq!(q("1").plus(&q("1Gi")).to_string(), "1073741825");
    }

    #[test]
    fn parses_cpu_and_memory_forms() {
        assert_eq!(parse_milli("100m"), Some(100));
        assert_eq!(parse_milli("0.5"), Some(500));
        assert_eq!(parse_milli("2"), Some(2000));
        assert_eq!(parse_milli("128Mi"), Some(128 * 1024 * 1024 * 1000));
        assert_eq!(parse_milli("1e3"), Some(1_000_000));
        assert_eq!(parse_milli("1.5Gi"), Some(1_610_612_736_000));
        assert_eq!(parse_milli("1n"), Some(1)); // rounds up to a milli-unit
        assert_eq!(parse_milli("abc"), None);
        assert_eq!(parse_milli("1Qi"), None);
        assert_eq!(parse_milli(""), None);
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(q("1024Mi").to_string(), "1Gi");
        assert_eq!(q("0.5").to_string(), "500m");
        assert_eq!(q("1000m").to_string(), "1");
        assert_eq!(q("1.5k").to_string(), "1500");
        assert_eq!(q("100m").to_string(), "100m");
        assert_eq!(q("-1Gi").canonical(), "-1Gi");
        assert_eq!(q("1025").canonical(), "1025");
    }

    #[test]
    fn errors_have_upstream_wording() {
        assert_eq!(
            Quantity::parse("abc").unwrap_err().to_string(),
            "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        );
        assert_eq!(Quantity::parse("1Qi").unwrap_err(), QuantityError::Format);
        assert_eq!(Quantity::parse("1K").unwrap_err(), QuantityError::Suffix);
    }

    #[test]
    fn compares_by_value() {
        assert!(q("1Gi") > q("1G"));
        assert_eq!(q("1000m"), q("1"));
        assert!(q("-1") < q("0"));
    }
}
