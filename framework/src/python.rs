//! Python's ways of writing values that Django shows: `repr()` of a string (in
//! NoReverseMatch messages and lists in templates) and of a float.

/// Python's `repr()` of a string.
pub fn repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `repr()`/`str()` of a float: the shortest text that reads back the same,
/// in exponent form below 1e-4 and from 1e16.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    // Between 1e-4 and 1e16 Python writes no exponent, and Rust's shortest form is the
    // same digits (without the ".0" of a whole number).
    if (1e-4..1e16).contains(&f.abs()) {
        let mut text = f.to_string();
        if !text.contains('.') {
            text.push_str(".0");
        }
        return text;
    }
    // Shortest round-trip digits and exponent, from Rust's `{:e}`.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if negative { "-" } else { "" };
    if !(-4..16).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let frac = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        let esign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{frac}e{esign}{:02}", exp.abs());
    }
    // Digits before the decimal point.
    let text = place_point(sign, &digits, exp as i64 + 1);
    if text.contains('.') {
        text
    } else {
        format!("{text}.0")
    }
}

/// A float as Django's templates show it (`localize`): Python's `repr()` with any exponent
/// written out (`1.5e-05` → `0.000015`, `1e+16` → `10000000000000000`).
pub fn float_fixed(f: f64) -> String {
    let repr = float_repr(f);
    let Some((mantissa, exp)) = repr.split_once('e') else {
        return repr;
    };
    let Ok(exp) = exp.parse::<i64>() else {
        return repr;
    };
    let (sign, mantissa) = mantissa
        .strip_prefix('-')
        .map_or(("", mantissa), |m| ("-", m));
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    place_point(sign, &format!("{int}{frac}"), int.len() as i64 + exp)
}

/// `digits` with the decimal point after the first `point` of them (padding with zeros
/// either side); no point when it falls at the end.
fn place_point(sign: &str, digits: &str, point: i64) -> String {
    if point <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat((-point) as usize))
    } else if point as usize >= digits.len() {
        format!(
            "{sign}{digits}{}",
            "0".repeat(point as usize - digits.len())
        )
    } else {
        let (int, frac) = digits.split_at(point as usize);
        format!("{sign}{int}.{frac}")
    }
}

/// Python's `json.dumps` of a string (`ensure_ascii=True`): what Django hashes and writes
/// in manifests and `json_script` writes, so that the bytes are the same as Django's.
pub fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_json_str(&mut out, s);
    out
}

/// [`json_str`], appended to `out`.
pub fn push_json_str(out: &mut String, s: &str) {
    use std::fmt::Write;
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
