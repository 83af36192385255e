//! Number formatting shared by the writers: shortest round-trip decimal, C-style `%.*e`,
//! rounding to significant digits, and engineering (SI-prefix) notation.

/// Shortest text that parses back to exactly `x` (Rust's round-trip formatting), in plain
/// decimal for moderate magnitudes and in scientific notation otherwise.
pub fn fmt_roundtrip(x: f64) -> String {
    let mut s = String::new();
    push_roundtrip(&mut s, x);
    s
}

fn fmt_nonfinite(x: f64) -> &'static str {
    if x.is_nan() {
        "nan"
    } else if x > 0.0 {
        "inf"
    } else {
        "-inf"
    }
}

/// Append [`fmt_roundtrip`]`(x)` to `out` without allocating.
pub fn push_roundtrip(out: &mut String, x: f64) {
    use std::fmt::Write;
    if x == 0.0 {
        out.push('0');
    } else if !x.is_finite() {
        out.push_str(fmt_nonfinite(x));
    } else if (1e-4..1e15).contains(&x.abs()) {
        let _ = write!(out, "{x}");
    } else {
        let _ = write!(out, "{x:e}");
    }
}

/// Append [`fmt_c_exp`]`(x, prec)` to `out` without allocating.
pub fn push_c_exp(out: &mut String, x: f64, prec: usize) {
    use std::fmt::Write;
    if !x.is_finite() {
        out.push_str(fmt_nonfinite(x));
        return;
    }
    let start = out.len();
    let _ = write!(out, "{x:.prec$e}");
    let Some(epos) = out[start..].find('e').map(|p| start + p) else {
        return;
    };
    let e: i32 = out[epos + 1..].parse().unwrap_or(0);
    out.truncate(epos + 1);
    out.push(if e < 0 { '-' } else { '+' });
    let a = e.unsigned_abs();
    if a < 10 {
        out.push('0');
    }
    let _ = write!(out, "{a}");
}

/// C's `%.{prec}e`: one digit, `prec` decimals, and a signed exponent of at least two
/// digits (`1.500e-09`), as ngspice writes its ASCII raw files.
pub fn fmt_c_exp(x: f64, prec: usize) -> String {
    let mut s = String::new();
    push_c_exp(&mut s, x, prec);
    s
}

/// `x` rounded to `digits` significant digits, written as `d.ddde±XX` (or `0`); negative
/// zero prints as `0`.
pub fn fmt_sig(x: f64, digits: usize) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    fmt_c_exp(x, digits.max(1) - 1)
}

/// SI prefixes from 1e-24 to 1e24, indexed by exponent / 3 + 8.
const PREFIXES: [&str; 17] = [
    "y", "z", "a", "f", "p", "n", "µ", "m", "", "k", "M", "G", "T", "P", "E", "Z", "Y",
];

/// The engineering exponent (a multiple of 3) that brings `x` into [1, 1000), clamped to
/// the SI prefix range; 0 for zero and non-finite values.
pub fn eng_exponent(x: f64) -> i32 {
    if x == 0.0 || !x.is_finite() {
        return 0;
    }
    let e = x.abs().log10().floor() as i32;
    (e.div_euclid(3) * 3).clamp(-24, 24)
}

/// The SI prefix for an engineering exponent (`-9` → `n`); `None` outside ±24 or when
/// `exp` is not a multiple of 3.
pub fn si_prefix(exp: i32) -> Option<&'static str> {
    if exp % 3 != 0 || !(-24..=24).contains(&exp) {
        return None;
    }
    PREFIXES.get((exp / 3 + 8) as usize).copied()
}

/// Engineering notation with an SI prefix and `digits` significant digits, trailing zeros
/// dropped: `1.5e-9` → `1.5n`, `2200.0` → `2.2k`.
pub fn fmt_eng(x: f64, digits: usize) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    if !x.is_finite() {
        return fmt_nonfinite(x).to_string();
    }
    // Round first, so 999.96 with 4 digits becomes 1k rather than 1000.
    let rounded: f64 = fmt_sig(x, digits).parse().unwrap_or(x);
    let e = eng_exponent(rounded);
    let m = rounded / 10f64.powi(e);
    let int_digits = (m.abs().log10().floor() as i32 + 1).max(1) as usize;
    let dec = digits.saturating_sub(int_digits);
    let mut s = format!("{m:.dec$}");
    if s.contains('.') {
        s = s.trim_end_matches('0').trim_end_matches('.').to_string();
    }
    format!("{s}{}", si_prefix(e).unwrap_or(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip_is_exact() {
        for x in [
            0.1 + 0.2,
            1e-300,
            -2.5e-12,
            123456.789,
            f64::MAX,
            f64::MIN_POSITIVE,
            3.0000000000000004e-13,
        ] {
            let s = fmt_roundtrip(x);
            assert_eq!(s.parse::<f64>().unwrap(), x, "{s}");
        }
        assert_eq!(fmt_roundtrip(0.5), "0.5");
        assert_eq!(fmt_roundtrip(1e-9), "1e-9");
        assert_eq!(fmt_roundtrip(-0.0), "0");
    }

    #[test]
    fn c_style_exponent() {
        assert_eq!(fmt_c_exp(1.5e-9, 3), "1.500e-09");
        assert_eq!(fmt_c_exp(0.0, 2), "0.00e+00");
        assert_eq!(fmt_c_exp(-123.0, 1), "-1.2e+02");
        assert_eq!(fmt_c_exp(1e100, 0), "1e+100");
        assert_eq!(fmt_c_exp(f64::NAN, 3), "nan");
        let mut buf = String::from("x=");
        push_c_exp(&mut buf, -2.5e-300, 2);
        assert_eq!(buf, "x=-2.50e-300");
    }

    #[test]
    fn significant_digits() {
        assert_eq!(fmt_sig(0.123456, 4), "1.235e-01");
        assert_eq!(fmt_sig(-0.0, 4), "0");
        assert_eq!(fmt_sig(99999.0, 2), "1.0e+05");
    }

    #[test]
    fn engineering() {
        assert_eq!(fmt_eng(1.5e-9, 4), "1.5n");
        assert_eq!(fmt_eng(2200.0, 4), "2.2k");
        assert_eq!(fmt_eng(999.96, 4), "1k");
        assert_eq!(fmt_eng(-4.7e-6, 3), "-4.7µ");
        assert_eq!(fmt_eng(12.0, 4), "12");
        assert_eq!(eng_exponent(0.02), -3);
        assert_eq!(si_prefix(6), Some("M"));
        assert_eq!(si_prefix(4), None);
    }
}
