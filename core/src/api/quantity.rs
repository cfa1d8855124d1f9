//! Resource quantities (`100m`, `1.5`, `128Mi`, `1e3`), as `resource.Quantity` parses them.
//!
//! Values are kept in thousandths ("milli-units") so CPU and memory share one exact integer
//! representation; anything finer than a milli-unit rounds up, as upstream's `MilliValue` does.

/// Parses a quantity into milli-units; `None` when it is not a valid quantity.
pub fn parse_milli(s: &str) -> Option<i128> {
    let s = s.trim();
    let (sign, body) = match s.as_bytes().first()? {
        b'-' => (-1, s.get(1..)?),
        b'+' => (1, s.get(1..)?),
        _ => (1, s),
    };
    let number_len = body
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b'.')
        .count();
    let (number, suffix) = body.split_at(number_len);
    if number.is_empty() || number == "." || number.matches('.').count() > 1 {
        return None;
    }
    let (int_part, frac_part) = number.split_once('.').unwrap_or((number, ""));
    // value = digits / 10^frac_len
    let digits: String = format!("{int_part}{frac_part}");
    let mantissa: i128 = if digits.is_empty() {
        0
    } else {
        digits.parse().ok()?
    };
    let frac_len = frac_part.len() as i32;
    let (base, exp): (i128, i32) = match suffix {
        "" => (1, 0),
        "Ki" => (1 << 10, 0),
        "Mi" => (1 << 20, 0),
        "Gi" => (1 << 30, 0),
        "Ti" => (1 << 40, 0),
        "Pi" => (1 << 50, 0),
        "Ei" => (1 << 60, 0),
        "n" => (1, -9),
        "u" => (1, -6),
        "m" => (1, -3),
        "k" => (1, 3),
        "M" => (1, 6),
        "G" => (1, 9),
        "T" => (1, 12),
        "P" => (1, 15),
        "E" => (1, 18),
        e if e.starts_with(['e', 'E']) => (1, e.get(1..)?.parse::<i32>().ok()?),
        _ => return None,
    };
    // milli = mantissa * base * 10^(exp + 3 - frac_len), rounding up any remainder.
    let scale = exp + 3 - frac_len;
    let scaled = mantissa.checked_mul(base)?;
    let value = if scale >= 0 {
        scaled.checked_mul(10i128.checked_pow(scale.unsigned_abs())?)?
    } else {
        let div = 10i128.checked_pow(scale.unsigned_abs())?;
        (scaled + div - 1) / div
    };
    Some(sign * value)
}

#[cfg(test)]
mod tests {
    use super::parse_milli;

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
}
