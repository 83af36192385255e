//! SPICE numbers: scale suffixes and trailing unit letters.
//!
//! `1e11`, `10pF`, `1.5kOhm`, `2meg`, `3mil`. Suffixes (case-insensitive): `f` 1e-15,
//! `p` 1e-12, `n` 1e-9, `u` 1e-6, `m` 1e-3 (milli, as in SPICE: `M` is milli too), `k` 1e3,
//! `meg` 1e6, `g` 1e9, `t` 1e12, `mil` 25.4e-6 (no atto: ngspice 39 reads `5amp` as 5),
//! and the micro sign `µ` (or Greek `μ`) as `u`.
//! Letters after the suffix are a unit and ignored, as SPICE does (`5V` = 5,
//! `10pF` = 1e-11); a letter that is no suffix starts the unit (`2s` = 2). Unlike ngspice,
//! which reads `1k2` as 1000, anything but letters after the number is rejected.

/// The value of a scale suffix at the start of `rest` (lower case) and its length.
fn suffix(rest: &str) -> (f64, usize) {
    if rest.starts_with("meg") {
        return (1e6, 3);
    }
    if rest.starts_with("mil") {
        return (25.4e-6, 3);
    }
    match rest.as_bytes().first() {
        Some(b'f') => (1e-15, 1),
        Some(b'p') => (1e-12, 1),
        Some(b'n') => (1e-9, 1),
        Some(b'u') => (1e-6, 1),
        Some(b'm') => (1e-3, 1),
        Some(b'k') => (1e3, 1),
        Some(b'g') => (1e9, 1),
        Some(b't') => (1e12, 1),
        _ => (1.0, 0),
    }
}

/// Length of the plain decimal number (optional sign, digits, fraction, exponent) at the
/// start of `s`, or `None` if `s` does not start with one.
fn mantissa_len(s: &[u8]) -> Option<usize> {
    let mut i = 0;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        i += 1;
    }
    let int_start = i;
    while i < s.len() && s[i].is_ascii_digit() {
        i += 1;
    }
    let mut digits = i - int_start;
    if i < s.len() && s[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < s.len() && s[i].is_ascii_digit() {
            i += 1;
        }
        digits += i - frac_start;
    }
    if digits == 0 {
        return None;
    }
    // Exponent only when digits follow (`1e3`, `1e-3`); `1e` alone is a unit letter.
    if i < s.len() && (s[i] == b'e' || s[i] == b'E') {
        let mut j = i + 1;
        if j < s.len() && (s[j] == b'+' || s[j] == b'-') {
            j += 1;
        }
        let exp_start = j;
        while j < s.len() && s[j].is_ascii_digit() {
            j += 1;
        }
        if j > exp_start {
            i = j;
        }
    }
    Some(i)
}

/// Parse a number with an optional scale suffix and unit letters at the start of `s`.
/// Returns the value and how many bytes were consumed (number, suffix and the letters after
/// it). Used inside expressions, where an operator may follow (`1k*2`).
pub fn parse_number_prefix(s: &str) -> Option<(f64, usize)> {
    let bytes = s.as_bytes();
    let n = mantissa_len(bytes)?;
    let mantissa: f64 = s[..n].parse().ok()?;
    let rest = &s[n..];
    // The micro sign (U+00B5) or Greek mu (U+03BC) as the suffix: `1µF` (ngspice reads
    // UTF-8 netlists).
    for mu in ['\u{b5}', '\u{3bc}'] {
        if let Some(after) = rest.strip_prefix(mu) {
            let letters = after
                .bytes()
                .take_while(|b| b.is_ascii_alphabetic())
                .count();
            return Some((mantissa * 1e-6, n + mu.len_utf8() + letters));
        }
    }
    let letters = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    let lower = rest[..letters].to_ascii_lowercase();
    let (scale, _) = suffix(&lower);
    Some((mantissa * scale, n + letters))
}

/// Parse a whole token as a SPICE number (`10pF`, `1.5kOhm`, `2meg`, `-3e-2`). `None` if the
/// token is not entirely a number with optional suffix and unit letters.
pub fn parse_number(s: &str) -> Option<f64> {
    let (v, n) = parse_number_prefix(s)?;
    (n == s.len() && v.is_finite()).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        // Suffix scaling is one multiplication: exact up to one rounding (relative 1e-15).
        (a - b).abs() <= 1e-15 * b.abs().max(1e-300)
    }

    #[test]
    fn plain_numbers() {
        assert_eq!(parse_number("1e11"), Some(1e11));
        assert_eq!(parse_number("-2.5"), Some(-2.5));
        assert_eq!(parse_number(".5"), Some(0.5));
        assert_eq!(parse_number("3."), Some(3.0));
        assert_eq!(parse_number("1e-3"), Some(1e-3));
        assert_eq!(parse_number("+4E+2"), Some(400.0));
    }

    #[test]
    fn suffixes_and_units() {
        assert!(close(parse_number("10pF").unwrap(), 10e-12));
        assert!(close(parse_number("1.5kOhm").unwrap(), 1500.0));
        assert!(close(parse_number("2meg").unwrap(), 2e6));
        assert!(close(parse_number("2MEG").unwrap(), 2e6));
        assert!(close(parse_number("3mil").unwrap(), 3.0 * 25.4e-6));
        assert!(close(parse_number("1M").unwrap(), 1e-3)); // milli, as in SPICE
        assert!(close(parse_number("4u").unwrap(), 4e-6));
        assert!(close(parse_number("4\u{b5}").unwrap(), 4e-6));
        assert!(close(parse_number("4.7\u{b5}F").unwrap(), 4.7e-6));
        assert!(close(parse_number("2\u{3bc}s").unwrap(), 2e-6));
        assert!(close(parse_number("7n").unwrap(), 7e-9));
        assert!(close(parse_number("1f").unwrap(), 1e-15));
        assert!(close(parse_number("2g").unwrap(), 2e9));
        assert!(close(parse_number("2T").unwrap(), 2e12));
        assert!(close(parse_number("5V").unwrap(), 5.0)); // `v` is no suffix: unit only
        assert!(close(parse_number("1e3k").unwrap(), 1e6));
        assert!(close(parse_number("1ms").unwrap(), 1e-3));
        assert!(close(parse_number("2e").unwrap(), 2.0));
        // Checked with ngspice 39 (`V1 a 0 5amp` gives 5 V, `2mil` 5.08e-5, `3MEG` 3e6).
        assert!(close(parse_number("5amp").unwrap(), 5.0));
    }

    #[test]
    fn not_numbers() {
        assert_eq!(parse_number("abc"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("1k2"), None);
        assert_eq!(parse_number("1.2.3"), None);
        assert_eq!(parse_number("-"), None);
        assert_eq!(parse_number("."), None);
        assert_eq!(parse_number("1e999"), None);
    }

    #[test]
    fn prefix_in_expressions() {
        assert_eq!(parse_number_prefix("1k*2"), Some((1000.0, 2)));
        assert_eq!(parse_number_prefix("2meg)"), Some((2e6, 4)));
        assert_eq!(parse_number_prefix("x"), None);
    }
}
