//! Django's built-in filters (`django/template/defaultfilters.py`), on [`Value`]s.
//!
//! Every filter has one shape, `fn(value, argument, autoescape) -> Value`, so that the
//! template macro can chain them; it checks names and argument counts at compile time.
//! Safety follows Django: an `is_safe` filter keeps a safe input safe, filters that
//! return HTML return `Value::Safe`, and the rest return text to be escaped.

use std::borrow::Cow;

use super::dates;
use super::value::{List, Value};
use crate::html::escape as escape_html;
use crate::python::float_repr as py_float;

/// A filter's argument (`|name:arg`), when it has one.
pub type Arg<'a> = Option<Value<'a>>;

/// Text for a `stringfilter` that is `is_safe`: safe when its input was.
fn same_safety<'a>(input_safe: bool, text: impl Into<Cow<'a, str>>) -> Value<'a> {
    if input_safe {
        Value::Safe(text.into())
    } else {
        Value::Str(text.into())
    }
}

/// Text Django returns without marking it (escaped later when autoescaping).
fn plain<'a>(text: impl Into<Cow<'a, str>>) -> Value<'a> {
    Value::Str(text.into())
}

/// Django's `conditional_escape`: safe text stays, the rest is escaped and marked safe.
pub fn conditional_escape(v: &Value<'_>) -> String {
    match v {
        Value::Safe(s) => s.to_string(),
        other => escape_html(&other.text()).into_owned(),
    }
}

fn int_arg(arg: &Arg<'_>) -> Option<i128> {
    arg.as_ref().and_then(Value::to_int)
}

fn text_arg<'b>(arg: &'b Arg<'_>) -> Cow<'b, str> {
    arg.as_ref().map_or(Cow::Borrowed(""), |a| a.text())
}

/// `add`: integers added, else Python's `+` (text, lists), else "".
pub fn add<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    let arg = arg.unwrap_or(Value::None);
    let as_int = |x: &Value<'_>| match x {
        Value::Float(_) | Value::Int(_) | Value::Bool(_) => x.to_int(),
        Value::Str(s) | Value::Safe(s) => s.trim().parse().ok(),
        _ => None,
    };
    if let (Some(a), Some(b)) = (as_int(&v), as_int(&arg)) {
        return Value::Int(a + b);
    }
    match (&v, &arg) {
        (a, b) if a.as_str().is_some() && b.as_str().is_some() => {
            plain(format!("{}{}", a.text(), b.text()))
        }
        (Value::Float(_), _) | (_, Value::Float(_))
            if v.to_float().is_some()
                && arg.to_float().is_some()
                && !matches!(v, Value::Str(_) | Value::Safe(_))
                && !matches!(arg, Value::Str(_) | Value::Safe(_)) =>
        {
            Value::Float(v.to_float().unwrap_or(0.0) + arg.to_float().unwrap_or(0.0))
        }
        (Value::List(a), Value::List(b)) => {
            let mut items = a.to_vec();
            items.extend(b.iter());
            Value::List(List::Owned(items))
        }
        _ => plain(""),
    }
}

/// `addslashes`.
pub fn addslashes<'a>(v: Value<'a>, _: Arg<'a>, _: bool) -> Value<'a> {
    let safe = v.is_safe();
    let t = v.text();
    same_safety(
        safe,
        t.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\'', "\\'"),
    )
}

/// `capfirst`.
pub fn capfirst<'a>(v: Value<'a>, _: Arg<'a>, _: bool) -> Value<'a> {
    let safe = v.is_safe();
    let t = v.into_text();
    let mut chars = t.chars();
    match chars.next() {
        Some(first) => same_safety(safe, format!("{}{}", first.to_uppercase(), chars.as_str())),
        None => same_safety(safe, t),
    }
}

fn pad(v: Value<'_>, arg: Arg<'_>, how: char) -> Value<'static> {
    let safe = v.is_safe();
    let t = v.text().into_owned();
    let Some(width) = int_arg(&arg) else {
        return same_safety(safe, t);
    };
    let len = t.chars().count() as i128;
    if width <= len {
        return same_safety(safe, t);
    }
    let marg = (width - len) as usize;
    let (left, right) = match how {
        'l' => (0, marg),
        'r' => (marg, 0),
        // CPython's str.center.
        _ => {
            let left = marg / 2 + (marg & width as usize & 1);
            (left, marg - left)
        }
    };
    same_safety(
        safe,
        format!("{}{t}{}", " ".repeat(left), " ".repeat(right)),
    )
}

/// `center`.
pub fn center<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    pad(v, arg, 'c')
}

/// `ljust`.
pub fn ljust<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    pad(v, arg, 'l')
}

/// `rjust`.
pub fn rjust<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    pad(v, arg, 'r')
}

/// `cut`: removes every `arg`; a safe input stays safe unless `arg` is ";".
pub fn cut<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    let safe = v.is_safe();
    let a = text_arg(&arg);
    let t = v.text().replace(a.as_ref(), "");
    same_safety(safe && a != ";", t)
}

/// `date`: Django's format characters, or a named format; DATE_FORMAT by default.
pub fn date<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    let format = text_arg(&arg);
    let format = if format.is_empty() {
        "DATE_FORMAT"
    } else {
        &format
    };
    let format = dates::named_format(format).unwrap_or(format);
    plain(dates::format(&v, format).unwrap_or_default())
}

/// `time`: like `date`, for the time of day; TIME_FORMAT by default.
pub fn time<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    let format = text_arg(&arg);
    let format = if format.is_empty() {
        "TIME_FORMAT"
    } else {
        &format
    };
    let format = dates::named_format(format).unwrap_or(format);
    let time_only = match v {
        Value::DateTime(dt, off) => {
            // A time format reads no date: a date character gives "".
            match dates::format(&Value::Time(dt.time()), format) {
                Some(_) if off.is_some() => dates::format(&Value::DateTime(dt, off), format),
                other => other,
            }
        }
        Value::Time(_) => dates::format(&v, format),
        _ => None,
    };
    plain(time_only.unwrap_or_default())
}

/// `timesince`: the time from the value to the argument (or now).
pub fn timesince<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    if !v.truthy() {
        return plain("");
    }
    plain(dates::timesince(&v, arg.as_ref().filter(|a| a.truthy()), false).unwrap_or_default())
}

/// `timeuntil`: the time from now (or the argument) to the value.
pub fn timeuntil<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    if !v.truthy() {
        return plain("");
    }
    plain(dates::timesince(&v, arg.as_ref().filter(|a| a.truthy()), true).unwrap_or_default())
}

/// `default`: the argument when the value is false.
pub fn default<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    if v.truthy() {
        v
    } else {
        arg.unwrap_or(Value::None)
    }
}

/// `default_if_none`.
pub fn default_if_none<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    match v {
        Value::None => arg.unwrap_or(Value::None),
        v => v,
    }
}

/// `divisibleby`.
pub fn divisibleby<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    match (v.to_int(), int_arg(&arg)) {
        (Some(a), Some(b)) if b != 0 => Value::Bool(a % b == 0),
        _ => plain(""),
    }
}

/// `escape` (`conditional_escape`).
pub fn escape<'a>(v: Value<'a>, _: Arg<'a>, _: bool) -> Value<'a> {
    Value::Safe(conditional_escape(&v).into())
}

/// `force_escape`: escaped even when already safe.
pub fn force_escape<'a>(v: Value<'a>, _: Arg<'a>, _: bool) -> Value<'a> {
    Value::Safe(escape_html(&v.text()).into_owned().into())
}

/// `escapejs`: text safe inside a JavaScript string.
pub fn escapejs<'a>(v: Value<'a>, _: Arg<'a>, _: bool) -> Value<'a> {
    let mut out = String::new();
    for c in v.text().chars() {
        match c {
            '\\' | '\'' | '"' | '>' | '<' | '&' | '=' | '-' | ';' | '`' | '\u{2028}'
            | '\u{2029}' => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if (c as u32) < 32 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    Value::Safe(out.into())
}

/// `escapeseq`: each item escaped.
pub fn escapeseq<'a>(v: Value<'a>, _: Arg<'a>, _: bool) -> Value<'a> {
    match v {
        Value::List(l) => Value::List(List::Owned(
            l.iter()
                .map(|x| Value::Safe(conditional_escape(&x).into()))
                .collect(),
        )),
        other => Value::List(List::Owned(
            other
                .text()
                .chars()
                .map(|c| Value::Safe(escape_html(&c.to_string()).into_owned().into()))
                .collect(),
        )),
    }
}

/// `safeseq`: each item marked safe.
pub fn safeseq<'a>(v: Value<'a>, _: Arg<'a>, _: bool) -> Value<'a> {
    match v {
        Value::List(l) => Value::List(List::Owned(
            l.iter().map(|x| Value::Safe(x.into_text())).collect(),
        )),
        other => Value::List(List::Owned(
            other
                .text()
                .chars()
                .map(|c| Value::Safe(c.to_string().into()))
                .collect(),
        )),
    }
}

/// `filesizeformat`: "117.7 MB", with a no-break space.
pub fn filesizeformat<'a>(v: Value<'a>, _: Arg<'a>, _: bool) -> Value<'a> {
    let Some(bytes) = (match &v {
        Value::Str(s) | Value::Safe(s) => s.trim().parse::<i128>().ok(),
        other => other.to_int(),
    }) else {
        return plain("0\u{a0}bytes");
    };
    let negative = bytes < 0;
    let b = bytes.unsigned_abs() as f64;
    let units = [
        (1u128 << 50, "PB"),
        (1 << 40, "TB"),
        (1 << 30, "GB"),
        (1 << 20, "MB"),
        (1 << 10, "KB"),
    ];
    let n = bytes.unsigned_abs();
    let text = match units.iter().find(|(size, _)| n >= *size) {
        None => format!("{n}\u{a0}byte{}", if n == 1 { "" } else { "s" }),
        Some((size, unit)) => {
            let x = b / *size as f64;
            format!("{}\u{a0}{unit}", round_one(x))
        }
    };
    plain(if negative { format!("-{text}") } else { text })
}

/// Python's `"%.1f" % round(x, 1)`.
fn round_one(x: f64) -> String {
    format!("{x:.1}")
}

/// `first`.
pub fn first<'a>(v: Value<'a>, _: Arg<'a>, _: bool) -> Value<'a> {
    match v {
        Value::List(l) => l.get(0).unwrap_or_else(|| plain("")),
        Value::Str(s) | Value::Safe(s) => {
            plain(s.chars().next().map(String::from).unwrap_or_default())
        }
        _ => plain(""),
    }
}

/// `last` (is_safe: the last character of safe text stays safe).
pub fn last<'a>(v: Value<'a>, _: Arg<'a>, _: bool) -> Value<'a> {
    match v {
        Value::List(l) => match l.len() {
            0 => plain(""),
            n => l.get(n - 1).unwrap_or(Value::None),
        },
        Value::Str(s) => plain(s.chars().last().map(String::from).unwrap_or_default()),
        Value::Safe(s) => Value::Safe(
            s.chars()
                .last()
                .map(String::from)
                .unwrap_or_default()
                .into(),
        ),
        _ => plain(""),
    }
}

/// A decimal number as digits and a power of ten: `digits × 10^exp`.
struct Decimal {
    negative: bool,
    digits: Vec<u8>,
    exp: i64,
}

impl Decimal {
    /// Python's `Decimal(text)` for finite numbers.
    fn parse(text: &str) -> Option<Decimal> {
        let t = text.trim();
        let (negative, t) = match t.as_bytes().first() {
            Some(b'-') => (true, &t[1..]),
            Some(b'+') => (false, &t[1..]),
            _ => (false, t),
        };
        let (mantissa, e) = match t.find(['e', 'E']) {
            Some(i) => (&t[..i], t[i + 1..].parse::<i64>().ok()?),
            None => (t, 0),
        };
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
        Some(Decimal {
            negative,
            digits,
            exp: e - frac.len() as i64,
        })
    }

    fn is_integer(&self) -> bool {
        self.exp >= 0 || {
            let frac = (-self.exp) as usize;
            let n = self.digits.len();
            self.digits[n.saturating_sub(frac)..]
                .iter()
                .all(|&d| d == 0)
        }
    }

    /// Rounded half up to `places` decimals, as text without exponent.
    fn to_places(&self, places: usize) -> String {
        // The digits, scaled to 10^-places.
        let shift = self.exp + places as i64;
        let mut digits = self.digits.clone();
        if shift >= 0 {
            digits.extend(std::iter::repeat_n(0, shift as usize));
        } else {
            let cut = (-shift) as usize;
            let keep = digits.len().saturating_sub(cut);
            let first_dropped = if cut <= digits.len() { digits[keep] } else { 0 };
            digits.truncate(keep);
            if first_dropped >= 5 {
                // Carry.
                let mut i = digits.len();
                loop {
                    if i == 0 {
                        digits.insert(0, 1);
                        break;
                    }
                    i -= 1;
                    if digits[i] == 9 {
                        digits[i] = 0;
                    } else {
                        digits[i] += 1;
                        break;
                    }
                }
            }
        }
        while digits.len() <= places {
            digits.insert(0, 0);
        }
        while digits.len() > places + 1 && digits[0] == 0 {
            digits.remove(0);
        }
        let zero = digits.iter().all(|&d| d == 0);
        let text: String = digits.iter().map(|d| (b'0' + d) as char).collect();
        let (int, frac) = text.split_at(text.len() - places);
        let sign = if self.negative && !zero { "-" } else { "" };
        if places == 0 {
            format!("{sign}{int}")
        } else {
            format!("{sign}{int}.{frac}")
        }
    }
}

/// Groups an integer part's digits by thousands (the `g` suffix).
fn group(number: &str) -> String {
    let (sign, rest) = number.strip_prefix('-').map_or(("", number), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// `floatformat`: one decimal if there is one to show; `:3` exactly three; `:"-3"` up
/// to three; a `g` suffix groups thousands.
pub fn floatformat<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    let mut arg_text = arg
        .as_ref()
        .map_or("-1".to_string(), |a| a.text().into_owned());
    let mut grouping = false;
    for suffix in ["gu", "ug", "g", "u"] {
        if let Some(rest) = arg_text.strip_suffix(suffix) {
            grouping = suffix.contains('g');
            arg_text = if rest.is_empty() {
                "-1".into()
            } else {
                rest.into()
            };
            break;
        }
    }
    let input = match &v {
        Value::Float(f) => py_float(*f),
        other => other.text().into_owned(),
    };
    let p = arg_text.trim().parse::<i64>();
    // A number written with no more decimals than asked: nothing to round, only zeros
    // to add (most prices and amounts).
    if let Ok(p) = p
        && p > 0
        && !grouping
        && let Some((int, frac)) = input.split_once('.')
        && frac.len() <= p as usize
        && !int.is_empty()
        && int
            .trim_start_matches('-')
            .bytes()
            .all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(int.trim_start_matches('-').len() > 1 && int.trim_start_matches('-').starts_with('0'))
        && !(int.starts_with('-') && input.bytes().all(|b| b"-0.".contains(&b)))
    {
        let mut text = input.clone();
        text.extend(std::iter::repeat_n('0', p as usize - frac.len()));
        return Value::Safe(text.into());
    }
    let d = match Decimal::parse(&input) {
        Some(d) => d,
        None => match v.to_float() {
            Some(f) if f.is_finite() => match Decimal::parse(&py_float(f)) {
                Some(d) => d,
                None => return plain(""),
            },
            Some(_) => return plain(input),
            None => return plain(""),
        },
    };
    let Ok(p) = p else {
        return plain(input);
    };
    if d.digits.len() as i64 + d.exp.abs() > 200 {
        return plain(input);
    }
    let number = if d.is_integer() && p <= 0 {
        d.to_places(0)
    } else {
        d.to_places(p.unsigned_abs() as usize)
    };
    Value::Safe(if grouping { group(&number) } else { number }.into())
}

/// `get_digit`: the n-th digit from the right.
pub fn get_digit<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    let (Some(n), Some(value)) = (int_arg(&arg), v.to_int()) else {
        return v;
    };
    if n < 1 {
        return v;
    }
    let text = value.to_string();
    match text.len().checked_sub(n as usize) {
        Some(i) => Value::Int(text[i..i + 1].parse().unwrap_or(0)),
        None => Value::Int(0),
    }
}

/// Characters `iriencode` keeps (`iri_to_uri`).
const IRI_SAFE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'#')
    .remove(b'%')
    .remove(b'[')
    .remove(b']')
    .remove(b'=')
    .remove(b':')
    .remove(b';')
    .remove(b'$')
    .remove(b'&')
    .remove(b'(')
    .remove(b')')
    .remove(b'+')
    .remove(b',')
    .remove(b'!')
    .remove(b'?')
    .remove(b'*')
    .remove(b'@')
    .remove(b'\'')
    .remove(b'~')
    .remove(b'_')
    .remove(b'.')
    .remove(b'-');

/// `iriencode`.
pub fn iriencode<'a>(v: Value<'a>, _: Arg<'a>, _: bool) -> Value<'a> {
    let safe = v.is_safe();
    same_safety(
        safe,
        percent_encoding::utf8_percent_encode(&v.text(), IRI_SAFE).to_string(),
    )
}

/// `join`: items joined by the argument, each escaped when autoescaping.
pub fn join<'a>(v: Value<'a>, arg: Arg<'a>, autoescape: bool) -> Value<'a> {
    let sep = arg.unwrap_or(Value::Safe("".into()));
    let shown = |x: &Value<'_>, out: &mut String| {
        if autoescape {
            match x {
                Value::Safe(s) => out.push_str(s),
                other => out.push_str(&escape_html(&other.text())),
            }
        } else {
            out.push_str(&x.text());
        }
    };
    let mut sep_text = String::new();
    shown(&sep, &mut sep_text);
    let mut out = String::new();
    match &v {
        Value::List(l) => {
            for (i, item) in l.iter().enumerate() {
                if i > 0 {
                    out.push_str(&sep_text);
                }
                shown(&item, &mut out);
            }
        }
        Value::Str(s) | Value::Safe(s) => {
            for (i, c) in s.chars().enumerate() {
                if i > 0 {
                    out.push_str(&sep_text);
                }
                let mut buf = [0u8; 4];
                let c = same_safety(v.is_safe(), &*c.encode_utf8(&mut buf));
                shown(&c, &mut out);
            }
        }
        _ => return v,
    }
    Value::Safe(out.into())
}

/// Python's `json.dumps` with Django's encoder (ASCII only, `", "` and `": "`).
fn json(v: &Value<'_>, out: &mut String) {
    match v {
        Value::None => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) if f.is_nan() => out.push_str("NaN"),
        Value::Float(f) if f.is_infinite() => {
            out.push_str(if *f > 0.0 { "Infinity" } else { "-Infinity" })
        }
        Value::Float(f) => out.push_str(&py_float(*f)),
        Value::Str(s) | Value::Safe(s) => json_string(s, out),
        Value::List(l) => {
            out.push('[');
            for (i, x) in l.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                json(&x, out);
            }
            out.push(']');
        }
        Value::Map(m) => {
            out.push('{');
            for (i, (k, x)) in m.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                json_string(&k.text(), out);
                out.push_str(": ");
                json(x, out);
            }
            out.push('}');
        }
        Value::Date(d) => json_string(&d.format("%Y-%m-%d").to_string(), out),
        Value::Time(t) => json_string(&t.format("%H:%M:%S%.3f").to_string(), out),
        Value::DateTime(dt, off) => {
            let mut s = dt.format("%Y-%m-%dT%H:%M:%S%.3f").to_string();
            if off.is_some() {
                s.push('Z');
            }
            json_string(&s, out)
        }
    }
}

fn json_string(s: &str, out: &mut String) {
    crate::python::push_json_str(out, s);
}

/// `json_script`: the value as JSON in a `<script type="application/json">`.
pub fn json_script<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    let mut text = String::new();
    json(&v, &mut text);
    let text = text
        .replace('&', "\\u0026")
        .replace('<', "\\u003C")
        .replace('>', "\\u003E");
    let id = arg
        .as_ref()
        .map(|a| conditional_escape(a))
        .filter(|i| !i.is_empty());
    Value::Safe(
        match id {
            Some(id) => format!("<script id=\"{id}\" type=\"application/json\">{text}</script>"),
            None => format!("<script type=\"application/json\">{text}</script>"),
        }
        .into(),
    )
}

/// `length` (0 for what has none).
pub fn length<'a>(v: Value<'a>, _: Arg<'a>, _: bool) -> Value<'a> {
    Value::Int(v.py_len().unwrap_or(0) as i128)
}

fn normalize_newlines(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\r', "\n")
}

/// `linebreaks`: paragraphs in `<p>`, single newlines as `<br>`.
pub fn linebreaks<'a>(v: Value<'a>, _: Arg<'a>, autoescape: bool) -> Value<'a> {
    let autoescape = autoescape && !v.is_safe();
    let text = normalize_newlines(&v.text());
    let mut paras = Vec::new();
    let mut rest = text.as_str();
    // re.split("\n{2,}")
    loop {
        match rest.find("\n\n") {
            Some(i) => {
                paras.push(&rest[..i]);
                rest = rest[i..].trim_start_matches('\n');
            }
            None => {
                paras.push(rest);
                break;
            }
        }
    }
    let html: Vec<String> = paras
        .iter()
        .map(|p| {
            let p = if autoescape {
                escape_html(p)
            } else {
                Cow::Borrowed(*p)
            };
            format!("<p>{}</p>", p.replace('\n', "<br>"))
        })
        .collect();
    Value::Safe(html.join("\n\n").into())
}

/// `linebreaksbr`.
pub fn linebreaksbr<'a>(v: Value<'a>, _: Arg<'a>, autoescape: bool) -> Value<'a> {
    let autoescape = autoescape && !v.is_safe();
    let text = normalize_newlines(&v.text());
    let text = if autoescape {
        escape_html(&text).into_owned()
    } else {
        text
    };
    Value::Safe(text.replace('\n', "<br>").into())
}

/// `linenumbers`.
pub fn linenumbers<'a>(v: Value<'a>, _: Arg<'a>, autoescape: bool) -> Value<'a> {
    let escape = autoescape && !v.is_safe();
    let text = v.text();
    let lines: Vec<&str> = text.split('\n').collect();
    let width = lines.len().to_string().len();
    let out: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let line = if escape {
                escape_html(line)
            } else {
                Cow::Borrowed(*line)
            };
            format!("{:0width$}. {line}", i + 1)
        })
        .collect();
    Value::Safe(out.join("\n").into())
}

/// `lower`.
pub fn lower<'a>(v: Value<'a>, _: Arg<'a>, _: bool) -> Value<'a> {
    let safe = v.is_safe();
    same_safety(safe, v.text().to_lowercase())
}

/// `upper` (not is_safe: `&amp;` would become `&AMP;`).
pub fn upper<'a>(v: Value<'a>, _: Arg<'a>, _: bool) -> Value<'a> {
    plain(v.text().to_uppercase())
}

/// `make_list`: the characters of the value's text.
pub fn make_list<'a>(v: Value<'a>, _: Arg<'a>, _: bool) -> Value<'a> {
    Value::List(List::Owned(
        v.text().chars().map(|c| plain(c.to_string())).collect(),
    ))
}

/// `phone2numeric`.
pub fn phone2numeric<'a>(v: Value<'a>, _: Arg<'a>, _: bool) -> Value<'a> {
    let safe = v.is_safe();
    let t: String = v
        .text()
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            'a' | 'b' | 'c' => '2',
            'd' | 'e' | 'f' => '3',
            'g' | 'h' | 'i' => '4',
            'j' | 'k' | 'l' => '5',
            'm' | 'n' | 'o' => '6',
            'p' | 'q' | 'r' | 's' => '7',
            't' | 'u' | 'v' => '8',
            'w' | 'x' | 'y' | 'z' => '9',
            _ => c,
        })
        .collect();
    same_safety(safe, t)
}

/// `pluralize`: "s" unless the value is 1 (or a list of one); `:"y,ies"` for both forms.
pub fn pluralize<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    let arg = arg.unwrap_or(Value::Safe(Cow::Borrowed("s")));
    let arg = arg.text();
    // "s" means ",s": no singular suffix.
    let (singular, plural) = match arg.split_once(',') {
        Some((_, rest)) if rest.contains(',') => return plain(""),
        Some((one, many)) => (one, many),
        None => ("", arg.as_ref()),
    };
    let one = match &v {
        Value::Int(_) | Value::Float(_) | Value::Bool(_) => v.to_float() == Some(1.0),
        Value::Str(_) | Value::Safe(_) => match v.to_float() {
            Some(f) => f == 1.0,
            None => return plain(""),
        },
        Value::List(l) => l.len() == 1,
        Value::Map(m) => m.len() == 1,
        _ => return plain(""),
    };
    plain(if one { singular } else { plural }.to_string())
}

/// `safe`.
pub fn safe<'a>(v: Value<'a>, _: Arg<'a>, _: bool) -> Value<'a> {
    Value::Safe(v.into_text())
}

/// Python's slice bounds for a sequence of `len` items.
fn slice_range(spec: &str, len: usize) -> Option<Vec<usize>> {
    let bits: Vec<&str> = spec.split(':').collect();
    if bits.len() > 3 {
        return None;
    }
    let parse = |s: &str| -> Option<Option<i64>> {
        if s.is_empty() {
            Some(None)
        } else {
            s.trim().parse().ok().map(Some)
        }
    };
    let start = parse(bits[0])?;
    if bits.len() == 1 {
        // value[n]: Django's slice filter with one number indexes.
        let n = start?;
        let len = len as i64;
        let i = if n < 0 { n + len } else { n };
        return (0..len).contains(&i).then(|| vec![i as usize]);
    }
    let stop = parse(bits[1])?;
    let step = match bits.get(2) {
        Some(s) => parse(s)?.unwrap_or(1),
        None => 1,
    };
    if step == 0 {
        return None;
    }
    let len = len as i64;
    let clamp = |x: i64, lo: i64, hi: i64| x.max(lo).min(hi);
    let norm = |x: Option<i64>, default: i64, lo: i64, hi: i64| match x {
        None => default,
        Some(x) if x < 0 => clamp(x + len, lo, hi),
        Some(x) => clamp(x, lo, hi),
    };
    let mut out = Vec::new();
    if step > 0 {
        let (a, b) = (norm(start, 0, 0, len), norm(stop, len, 0, len));
        let mut i = a;
        while i < b {
            out.push(i as usize);
            i += step;
        }
    } else {
        let (a, b) = (
            norm(start, len - 1, -1, len - 1),
            norm(stop, -1, -1, len - 1),
        );
        let mut i = a;
        while i > b {
            out.push(i as usize);
            i += step;
        }
    }
    Some(out)
}

/// `slice`: Python's slice syntax (`":2"`, `"1:"`, `"::-1"`).
pub fn slice<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    let spec = text_arg(&arg).into_owned();
    match &v {
        Value::List(l) => match slice_range(&spec, l.len()) {
            Some(idx) if !spec.contains(':') => {
                idx.first().and_then(|&i| l.get(i)).unwrap_or(v.clone())
            }
            Some(idx) => Value::List(List::Owned(idx.iter().filter_map(|&i| l.get(i)).collect())),
            None => v.clone(),
        },
        Value::Str(s) | Value::Safe(s) => {
            let chars: Vec<char> = s.chars().collect();
            match slice_range(&spec, chars.len()) {
                Some(idx) => same_safety(
                    v.is_safe(),
                    idx.iter().map(|&i| chars[i]).collect::<String>(),
                ),
                None => v.clone(),
            }
        }
        _ => v,
    }
}

/// `slugify`: ASCII, lower case, hyphens for spaces, no other punctuation.
pub fn slugify<'a>(v: Value<'a>, _: Arg<'a>, _: bool) -> Value<'a> {
    use unicode_normalization::UnicodeNormalization;
    let safe = v.is_safe();
    let ascii: String = v.text().nfkd().filter(char::is_ascii).collect();
    let lowered = ascii.to_lowercase();
    let kept: String = lowered
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || c.is_whitespace() || *c == '-')
        .collect();
    let mut out = String::new();
    let mut in_run = false;
    for c in kept.chars() {
        if c == '-' || c.is_whitespace() {
            if !in_run {
                out.push('-');
            }
            in_run = true;
        } else {
            out.push(c);
            in_run = false;
        }
    }
    same_safety(safe, out.trim_matches(['-', '_']).to_string())
}

/// `stringformat`: Python's `%` formatting without the `%` (`"03d"`, `".2f"`, `"s"`).
pub fn stringformat<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    let spec = text_arg(&arg);
    let safe = v.is_safe();
    same_safety(safe, percent_format(&spec, &v).unwrap_or_default())
}

/// One Python `%` conversion: flags, width, precision, type.
fn percent_format(spec: &str, v: &Value<'_>) -> Option<String> {
    let conv = spec.chars().last()?;
    let body = &spec[..spec.len() - conv.len_utf8()];
    let flags: String = body.chars().take_while(|c| "-+ 0#".contains(*c)).collect();
    let rest = &body[flags.len()..];
    let (width, precision) = match rest.split_once('.') {
        Some((w, p)) => (w, Some(p.parse::<usize>().unwrap_or(0))),
        None => (rest, None),
    };
    let width: usize = if width.is_empty() {
        0
    } else {
        width.parse().ok()?
    };
    let left = flags.contains('-');
    let zero = flags.contains('0') && !left;
    let plus = flags.contains('+');
    let space = flags.contains(' ');
    let sign_of = |neg: bool| {
        if neg {
            "-"
        } else if plus {
            "+"
        } else if space {
            " "
        } else {
            ""
        }
    };
    let (sign, body): (&str, String) = match conv {
        's' => {
            let t = v.text().into_owned();
            (
                "",
                match precision {
                    Some(p) => t.chars().take(p).collect(),
                    None => t,
                },
            )
        }
        'r' => ("", v.repr()),
        'd' | 'i' | 'u' => {
            let n = match v {
                Value::Str(_) | Value::Safe(_) => return None,
                other => other.to_int()?,
            };
            (sign_of(n < 0), n.unsigned_abs().to_string())
        }
        'x' | 'X' | 'o' => {
            let n = match v {
                Value::Int(_) | Value::Bool(_) => v.to_int()?,
                _ => return None,
            };
            let digits = match conv {
                'x' => format!("{:x}", n.unsigned_abs()),
                'X' => format!("{:X}", n.unsigned_abs()),
                _ => format!("{:o}", n.unsigned_abs()),
            };
            let prefix = if flags.contains('#') {
                match conv {
                    'x' => "0x",
                    'X' => "0X",
                    _ => "0o",
                }
            } else {
                ""
            };
            (sign_of(n < 0), format!("{prefix}{digits}"))
        }
        'f' | 'F' | 'e' | 'E' | 'g' | 'G' => {
            let f = match v {
                Value::Str(_) | Value::Safe(_) => return None,
                other => other.to_float()?,
            };
            let p = precision.unwrap_or(6);
            let text = match conv {
                'f' | 'F' => format!("{:.p$}", f.abs()),
                'e' | 'E' => {
                    let s = format!("{:.p$e}", f.abs());
                    let (m, e) = s.split_once('e')?;
                    let e: i32 = e.parse().ok()?;
                    let s = format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
                    if conv == 'E' { s.to_uppercase() } else { s }
                }
                _ => {
                    let s = py_general(f.abs(), p.max(1), flags.contains('#'));
                    if conv == 'G' { s.to_uppercase() } else { s }
                }
            };
            (sign_of(f.is_sign_negative() && f != 0.0 || f < 0.0), text)
        }
        'c' => match v {
            Value::Int(i) => ("", char::from_u32(*i as u32)?.to_string()),
            Value::Str(s) | Value::Safe(s) if s.chars().count() == 1 => ("", s.to_string()),
            _ => return None,
        },
        _ => return None,
    };
    let len = sign.len() + body.chars().count();
    let fill = width.saturating_sub(len);
    Some(if left {
        format!("{sign}{body}{}", " ".repeat(fill))
    } else if zero && !matches!(conv, 's' | 'r' | 'c') {
        format!("{sign}{}{body}", "0".repeat(fill))
    } else {
        format!("{}{sign}{body}", " ".repeat(fill))
    })
}

/// Python's `%g`.
fn py_general(f: f64, p: usize, alt: bool) -> String {
    if f == 0.0 {
        return "0".into();
    }
    let exp = format!("{:.*e}", p - 1, f)
        .split_once('e')
        .and_then(|(_, e)| e.parse::<i32>().ok())
        .unwrap_or(0);
    if exp < -4 || exp >= p as i32 {
        let s = format!("{:.*e}", p - 1, f);
        let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
        let e: i32 = e.parse().unwrap_or(0);
        let m = if alt {
            m.to_string()
        } else if m.contains('.') {
            m.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            m.to_string()
        };
        format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
    } else {
        let decimals = (p as i32 - 1 - exp).max(0) as usize;
        let s = format!("{f:.decimals$}");
        if alt || !s.contains('.') {
            s
        } else {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
    }
}

/// `striptags`: the text without its HTML tags (comments too).
pub fn striptags<'a>(v: Value<'a>, _: Arg<'a>, _: bool) -> Value<'a> {
    let safe = v.is_safe();
    same_safety(safe, crate::html::strip_tags(&v.text()))
}

/// `title`: Python's `str.title()` with Django's fixes ("they're", "1st").
pub fn title<'a>(v: Value<'a>, _: Arg<'a>, _: bool) -> Value<'a> {
    let safe = v.is_safe();
    let text = v.text();
    let mut out = String::with_capacity(text.len());
    let mut prev_cased = false;
    // Python's str.title(), then ([a-z])'([A-Z]) and \d([A-Z]) lower the capital again.
    let (mut before_prev, mut prev) = (' ', ' ');
    for c in text.chars() {
        let lower_again =
            (prev == '\'' && before_prev.is_ascii_lowercase()) || prev.is_ascii_digit();
        if prev_cased || (lower_again && c.is_ascii_alphabetic()) {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        prev_cased = c.is_lowercase() || c.is_uppercase();
        before_prev = out.chars().rev().nth(1).unwrap_or(' ');
        prev = out.chars().next_back().unwrap_or(' ');
    }
    same_safety(safe, out)
}

/// `truncatechars`: at most n characters, the last an ellipsis.
pub fn truncatechars<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    let safe = v.is_safe();
    let Some(n) = int_arg(&arg) else {
        return same_safety(safe, v.into_text());
    };
    if n <= 0 {
        return same_safety(safe, "");
    }
    let n = n as usize;
    let text = v.text();
    if text.chars().count() <= n {
        drop(text);
        return match v {
            Value::Str(_) | Value::Safe(_) => v,
            other => same_safety(safe, other.text().into_owned()),
        };
    }
    let mut kept: String = text.chars().take(n - 1).collect();
    kept.push('…');
    same_safety(safe, kept)
}

/// `truncatewords`: at most n words, then " …"; whitespace collapsed.
pub fn truncatewords<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    let safe = v.is_safe();
    let Some(n) = int_arg(&arg) else {
        return same_safety(safe, v.into_text());
    };
    if n <= 0 {
        return same_safety(safe, "");
    }
    let text = v.text();
    let words: Vec<&str> = text.split_whitespace().collect();
    let n = n as usize;
    if words.len() > n {
        let joined = words[..n].join(" ");
        let out = if joined.ends_with(" …") {
            joined
        } else {
            format!("{joined} …")
        };
        same_safety(safe, out)
    } else {
        same_safety(safe, words.join(" "))
    }
}

/// HTML elements that have no end tag.
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Truncates HTML after `limit` characters or words of its text, closing open tags.
fn truncate_html(html: &str, limit: usize, words: bool) -> String {
    if limit == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut open: Vec<String> = Vec::new();
    let mut count = 0usize;
    let mut rest = html;
    let mut in_word = false;
    let total_units = if words {
        crate::html::strip_tags(html).split_whitespace().count()
    } else {
        crate::html::strip_tags(html).chars().count()
    };
    if total_units <= limit {
        return html.to_string();
    }
    let mut truncated = false;
    while !rest.is_empty() {
        if rest.starts_with('<')
            && let Some(end) = rest.find('>')
        {
            {
                let tag = &rest[..=end];
                let inner = tag[1..tag.len() - 1].trim();
                if let Some(name) = inner.strip_prefix('/') {
                    let name = name.trim().to_ascii_lowercase();
                    if let Some(pos) = open.iter().rposition(|t| *t == name) {
                        open.truncate(pos);
                    }
                } else if !inner.starts_with('!') && !inner.ends_with('/') {
                    let name: String = inner
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric())
                        .collect::<String>()
                        .to_ascii_lowercase();
                    if !name.is_empty() && !VOID.contains(&name.as_str()) {
                        open.push(name);
                    }
                }
                out.push_str(tag);
                rest = &rest[end + 1..];
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        if words {
            if c.is_whitespace() {
                in_word = false;
            } else if !in_word {
                in_word = true;
                count += 1;
                if count > limit {
                    truncated = true;
                    break;
                }
            }
        } else {
            count += 1;
            if count >= limit {
                truncated = true;
                break;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    if truncated {
        if words {
            let trimmed = out.trim_end().len();
            out.truncate(trimmed);
            out.push_str(" …");
        } else {
            out.push('…');
        }
    }
    for tag in open.iter().rev() {
        out.push_str(&format!("</{tag}>"));
    }
    out
}

/// `truncatechars_html`.
pub fn truncatechars_html<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    let safe = v.is_safe();
    let Some(n) = int_arg(&arg) else {
        return same_safety(safe, v.into_text());
    };
    same_safety(safe, truncate_html(&v.text(), n.max(0) as usize, false))
}

/// `truncatewords_html`.
pub fn truncatewords_html<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    let safe = v.is_safe();
    let Some(n) = int_arg(&arg) else {
        return same_safety(safe, v.into_text());
    };
    same_safety(safe, truncate_html(&v.text(), n.max(0) as usize, true))
}

/// `unordered_list`: nested lists as `<li>` items, without the outer `<ul>`.
pub fn unordered_list<'a>(v: Value<'a>, _: Arg<'a>, autoescape: bool) -> Value<'a> {
    fn format_list(items: &[Value<'_>], tabs: usize, autoescape: bool) -> String {
        let indent = "\t".repeat(tabs);
        let mut output = Vec::new();
        let mut i = 0;
        while i < items.len() {
            let item = &items[i];
            let children = match items.get(i + 1) {
                Some(Value::List(l)) => {
                    i += 1;
                    Some(l.to_vec())
                }
                _ => None,
            };
            let sublist = match children {
                Some(c) if !c.is_empty() => format!(
                    "\n{indent}<ul>\n{}\n{indent}</ul>\n{indent}",
                    format_list(&c, tabs + 1, autoescape)
                ),
                _ => String::new(),
            };
            let shown = if autoescape {
                conditional_escape(item)
            } else {
                item.text().into_owned()
            };
            output.push(format!("{indent}<li>{shown}{sublist}</li>"));
            i += 1;
        }
        output.join("\n")
    }
    let items = match &v {
        Value::List(l) => l.to_vec(),
        other => other.text().chars().map(|c| plain(c.to_string())).collect(),
    };
    Value::Safe(format_list(&items, 1, autoescape).into())
}

/// `urlencode`: percent-encoding with `/` kept (or the argument's characters).
pub fn urlencode<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    let keep = arg.as_ref().map_or(Cow::Borrowed("/"), |a| a.text());
    plain(quote(&v.text(), &keep))
}

/// Python's `urllib.parse.quote(s, safe)`.
fn quote(s: &str, safe: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        let c = b as char;
        if b.is_ascii_alphanumeric() || "_.-~".contains(c) || (b.is_ascii() && safe.contains(c)) {
            out.push(c);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `urlize`: links for URLs and e-mail addresses in text.
pub fn urlize<'a>(v: Value<'a>, _: Arg<'a>, autoescape: bool) -> Value<'a> {
    Value::Safe(urlize_text(&v, None, autoescape).into())
}

/// `urlizetrunc`: `urlize`, with link texts cut to the argument's length.
pub fn urlizetrunc<'a>(v: Value<'a>, arg: Arg<'a>, autoescape: bool) -> Value<'a> {
    let limit = int_arg(&arg).map(|n| n.max(0) as usize);
    Value::Safe(urlize_text(&v, limit, autoescape).into())
}

fn urlize_text(v: &Value<'_>, limit: Option<usize>, autoescape: bool) -> String {
    let safe_input = v.is_safe();
    let text = v.text();
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            out.push_str(&urlize_word(word, safe_input, limit, autoescape));
            word.clear();
        }
    };
    for c in text.chars() {
        if c.is_whitespace() || "<>\"'".contains(c) {
            flush(&mut word, &mut out);
            if autoescape && !safe_input {
                out.push_str(&escape_html(&c.to_string()));
            } else {
                out.push(c);
            }
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

fn urlize_word(word: &str, safe_input: bool, limit: Option<usize>, autoescape: bool) -> String {
    let esc = |s: &str| {
        if autoescape && !safe_input {
            escape_html(s).into_owned()
        } else {
            s.to_string()
        }
    };
    if !(word.contains('.') || word.contains('@') || word.contains(':')) {
        return esc(word);
    }
    // Leading ( and [, then trailing punctuation and unbalanced closers.
    let middle_start = word.len() - word.trim_start_matches(['(', '[']).len();
    let lead = &word[..middle_start];
    let mut middle = &word[middle_start..];
    let mut trail = String::new();
    loop {
        let before = middle.len();
        for (open, close) in [('(', ')'), ('[', ']')] {
            let opens = middle.matches(open).count();
            let closes = middle.matches(close).count();
            if opens < closes && middle.ends_with(close) {
                // As Django: the trail becomes what is cut here (a trailing "." cut
                // before is lost, e.g. "(me@example.com)." ends in ")").
                let strip = closes - opens;
                let cut = middle
                    .char_indices()
                    .rev()
                    .nth(strip - 1)
                    .map_or(0, |(i, _)| i);
                trail = middle[cut..].to_string();
                middle = &middle[..cut];
            }
        }
        let stripped = middle.trim_end_matches(['.', ',', ':', ';', '!']);
        if stripped.len() != middle.len() {
            trail = format!("{}{trail}", &middle[stripped.len()..]);
            middle = stripped;
        }
        if middle.len() == before || middle.is_empty() {
            break;
        }
    }
    let lower = middle.to_ascii_lowercase();
    let is_simple_url = (lower.starts_with("http://") || lower.starts_with("https://"))
        && middle
            .split_once("://")
            .and_then(|(_, r)| r.trim_start_matches('[').chars().next())
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
    let host_part = lower.split('/').next().unwrap_or("");
    let is_domain = lower.starts_with("www.")
        || (!lower.starts_with("http")
            && !middle.contains('@')
            && middle
                .chars()
                .next()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
            && ["com", "edu", "gov", "int", "mil", "net", "org"]
                .iter()
                .any(|tld| {
                    host_part.ends_with(&format!(".{tld}")) && host_part.len() > tld.len() + 2
                }));
    let mut nofollow = " rel=\"nofollow\"";
    let url = if is_simple_url {
        Some(smart_urlquote(middle))
    } else if is_domain {
        Some(smart_urlquote(&format!("http://{middle}")))
    } else if !middle.contains(':') && is_email(middle) {
        let (local, domain) = middle.rsplit_once('@').unwrap_or((middle, ""));
        nofollow = "";
        Some(format!("mailto:{}@{}", quote(local, ""), quote(domain, "")))
    } else {
        None
    };
    match url {
        Some(url) => {
            let trimmed = match limit {
                Some(n) if middle.chars().count() > n => {
                    format!(
                        "{}…",
                        middle.chars().take(n.saturating_sub(1)).collect::<String>()
                    )
                }
                _ => middle.to_string(),
            };
            format!(
                "{}<a href=\"{}\"{nofollow}>{}</a>{}",
                esc(lead),
                escape_html(&url),
                esc(&trimmed),
                esc(&trail)
            )
        }
        None => esc(word),
    }
}

fn is_email(s: &str) -> bool {
    let Some((local, domain)) = s.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c))
        && domain.contains('.')
        && domain
            .split('.')
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-'))
        && domain
            .rsplit('.')
            .next()
            .is_some_and(|tld| tld.len() >= 2 && tld.chars().all(char::is_alphabetic))
}

/// Django's `smart_urlquote`, for the common case: characters a URL may not hold quoted.
fn smart_urlquote(url: &str) -> String {
    quote(url, "!*'();:@&=+$,/?#[]~%")
}

/// `wordcount`.
pub fn wordcount<'a>(v: Value<'a>, _: Arg<'a>, _: bool) -> Value<'a> {
    Value::Int(v.text().split_whitespace().count() as i128)
}

/// `wordwrap`: lines of at most n characters, long words kept whole (Python's textwrap).
pub fn wordwrap<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    let safe = v.is_safe();
    let Some(width) = int_arg(&arg).filter(|w| *w > 0) else {
        return same_safety(safe, v.into_text());
    };
    let width = width as usize;
    let text = v.text();
    let mut result: Vec<String> = Vec::new();
    for line in text.lines() {
        let wrapped = wrap_line(line, width);
        if wrapped.is_empty() {
            result.push(line.to_string());
        } else {
            result.extend(wrapped);
        }
    }
    if text.ends_with('\n') {
        result.push(String::new());
    }
    same_safety(safe, result.join("\n"))
}

/// textwrap.TextWrapper(width, break_long_words=False, break_on_hyphens=False,
/// replace_whitespace=False).wrap(line).
fn wrap_line(line: &str, width: usize) -> Vec<String> {
    // Chunks: runs of whitespace and runs of non-whitespace.
    let mut chunks: Vec<String> = Vec::new();
    for c in line.chars() {
        let ws = c.is_whitespace();
        match chunks.last_mut() {
            Some(last) if last.chars().next().is_some_and(|l| l.is_whitespace()) == ws => {
                last.push(c)
            }
            _ => chunks.push(c.to_string()),
        }
    }
    chunks.reverse();
    let mut lines = Vec::new();
    while !chunks.is_empty() {
        let mut cur: Vec<String> = Vec::new();
        let mut cur_len = 0;
        // Drop leading whitespace of every line but the first.
        if !lines.is_empty() && chunks.last().is_some_and(|c| c.trim().is_empty()) {
            chunks.pop();
        }
        while let Some(chunk) = chunks.last() {
            let l = chunk.chars().count();
            if cur_len + l <= width {
                cur_len += l;
                cur.push(chunks.pop().unwrap_or_default());
            } else {
                break;
            }
        }
        if let Some(chunk) = chunks.last()
            && chunk.chars().count() > width
            && cur.is_empty()
        {
            cur.push(chunks.pop().unwrap_or_default());
        }
        if cur.last().is_some_and(|c| c.trim().is_empty()) {
            cur.pop();
        }
        if !cur.is_empty() {
            lines.push(cur.concat());
        }
    }
    lines
}

/// `yesno`: "yes,no,maybe" (or the argument's words) for true, false and None.
pub fn yesno<'a>(v: Value<'a>, arg: Arg<'a>, _: bool) -> Value<'a> {
    let arg = arg.map_or(Cow::Borrowed("yes,no,maybe"), |a| a.into_text());
    let bits: Vec<&str> = arg.split(',').collect();
    if bits.len() < 2 {
        return v;
    }
    let (yes, no, maybe) = match bits.as_slice() {
        [y, n, m] => (*y, *n, *m),
        [y, n, ..] => (*y, *n, *n),
        _ => return v,
    };
    plain(match v {
        Value::None => maybe.to_string(),
        v if v.truthy() => yes.to_string(),
        _ => no.to_string(),
    })
}

/// `wordcount`-style helpers are done; `random`, `pprint` and `dictsort` need Python
/// objects and are compile errors in the template macro.
#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value<'_> {
        Value::Str(x.into())
    }

    #[test]
    fn floatformat_follows_djangos_examples() {
        for (v, arg, out) in [
            (34.23234, None, "34.2"),
            (34.0, None, "34"),
            (34.26, None, "34.3"),
            (34.23234, Some("3"), "34.232"),
            (34.0, Some("3"), "34.000"),
            (34.26, Some("3"), "34.260"),
            (34.23234, Some("-3"), "34.232"),
            (34.0, Some("-3"), "34"),
            (34.26, Some("-3"), "34.260"),
            (6666.6666, Some("2g"), "6,666.67"),
            (-0.01, Some("1"), "0.0"),
            (-0.0, Some("1"), "0.0"),
            (2.675, Some("2"), "2.68"),
            (9.25, Some("2"), "9.25"),
            (18.5, Some("2"), "18.50"),
        ] {
            let got = floatformat(Value::Float(v), arg.map(Value::literal), true);
            assert_eq!(got.text(), out, "{v} {arg:?}");
        }
        assert_eq!(
            floatformat(Value::Int(10000), Some(Value::literal("g")), true).text(),
            "10,000"
        );
    }

    #[test]
    fn filesizeformat_and_pluralize() {
        assert_eq!(
            filesizeformat(Value::Int(123_456_789), None, true).text(),
            "117.7\u{a0}MB"
        );
        assert_eq!(
            filesizeformat(Value::Int(1), None, true).text(),
            "1\u{a0}byte"
        );
        assert_eq!(pluralize(Value::Int(1), None, true).text(), "");
        assert_eq!(
            pluralize(Value::Int(2), Some(Value::literal("y,ies")), true).text(),
            "ies"
        );
    }

    #[test]
    fn text_filters() {
        assert_eq!(
            title(s("they're 1st of my friends"), None, true).text(),
            "They're 1st Of My Friends"
        );
        assert_eq!(
            slugify(s(" Joel is a slug! "), None, true).text(),
            "joel-is-a-slug"
        );
        assert_eq!(
            truncatechars(s("Joel is a slug"), Some(Value::Int(9)), true).text(),
            "Joel is …"
        );
        assert_eq!(
            truncatewords(s("Joel is a slug"), Some(Value::Int(2)), true).text(),
            "Joel is …"
        );
        assert_eq!(center(s("ab"), Some(Value::Int(5)), true).text(), "  ab ");
        assert_eq!(
            stringformat(Value::Int(5), Some(Value::literal("03d")), true).text(),
            "005"
        );
        assert_eq!(
            stringformat(Value::Float(1.5), Some(Value::literal(".2f")), true).text(),
            "1.50"
        );
        assert_eq!(
            wordwrap(s("Joel is a slug"), Some(Value::Int(5)), true).text(),
            "Joel\nis a\nslug"
        );
    }
}
