//! What a Django template sees of a Rust value: a `Value` with Python's truthiness,
//! comparisons and `str()`, so that filters and `{% if %}` behave as Django's do.
//!
//! Lists and maps are borrowed (`&dyn Seq`), not copied: `{% if tasks %}` and
//! `tasks|length` cost no allocation.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::python;
use chrono::{
    DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike,
};

/// A template value, as Python would hold it.
#[derive(Clone)]
pub enum Value<'a> {
    /// Python's `None`.
    None,
    /// `True`/`False`.
    Bool(bool),
    /// An integer.
    Int(i128),
    /// A float.
    Float(f64),
    /// Text to be escaped when shown.
    Str(Cow<'a, str>),
    /// Text marked safe (`mark_safe`): shown as it is.
    Safe(Cow<'a, str>),
    /// A list (or tuple).
    List(List<'a>),
    /// A dict: its keys and values.
    Map(Vec<(Value<'a>, Value<'a>)>),
    /// A date.
    Date(NaiveDate),
    /// A date and time, with its UTC offset when it is aware.
    DateTime(NaiveDateTime, Option<FixedOffset>),
    /// A time of day.
    Time(NaiveTime),
}

/// A list: borrowed from the context, or made by a filter.
#[derive(Clone)]
pub enum List<'a> {
    /// The context's own list, read item by item.
    Borrowed(&'a dyn Seq),
    /// A list a filter made.
    Owned(Vec<Value<'a>>),
    /// A tuple (a list that prints in parentheses).
    Tuple(Vec<Value<'a>>),
}

/// A sequence a template can read without copying it.
pub trait Seq {
    /// How many items.
    fn len(&self) -> usize;
    /// Whether it has none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The item at `index` (< `len()`).
    fn item(&self, index: usize) -> Value<'_>;
}

impl<T: ToValue> Seq for Vec<T> {
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn item(&self, index: usize) -> Value<'_> {
        self[index].to_value()
    }
}

impl<T: ToValue, const N: usize> Seq for [T; N] {
    fn len(&self) -> usize {
        N
    }
    fn item(&self, index: usize) -> Value<'_> {
        self[index].to_value()
    }
}

impl<'a> List<'a> {
    /// How many items.
    pub fn len(&self) -> usize {
        match self {
            List::Borrowed(s) => s.len(),
            List::Owned(v) | List::Tuple(v) => v.len(),
        }
    }

    /// Whether it has none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The item at `index`, if there is one.
    pub fn get(&self, index: usize) -> Option<Value<'a>> {
        match self {
            List::Borrowed(s) => (index < s.len()).then(|| s.item(index)),
            List::Owned(v) | List::Tuple(v) => v.get(index).cloned(),
        }
    }

    /// The items, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = Value<'a>> + ExactSizeIterator + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or(Value::None))
    }

    /// The items as an owned vector.
    pub fn to_vec(&self) -> Vec<Value<'a>> {
        self.iter().collect()
    }
}

/// A Rust type a template can filter, compare and test (Django's variables).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be used in a template filter or `{{% if %}}`",
    label = "a template uses this value",
    note = "implement `manouche::templates::ToValue` for it (or `Display`, to show it as text)"
)]
pub trait ToValue {
    /// The value as a template sees it.
    fn to_value(&self) -> Value<'_>;
}

impl<'v> ToValue for Value<'v> {
    fn to_value(&self) -> Value<'_> {
        self.clone()
    }
}

impl ToValue for str {
    fn to_value(&self) -> Value<'_> {
        Value::Str(Cow::Borrowed(self))
    }
}

impl ToValue for String {
    fn to_value(&self) -> Value<'_> {
        Value::Str(Cow::Borrowed(self))
    }
}

impl ToValue for Cow<'_, str> {
    fn to_value(&self) -> Value<'_> {
        Value::Str(Cow::Borrowed(self))
    }
}

impl ToValue for char {
    fn to_value(&self) -> Value<'_> {
        Value::Str(Cow::Owned(self.to_string()))
    }
}

impl ToValue for bool {
    fn to_value(&self) -> Value<'_> {
        Value::Bool(*self)
    }
}

macro_rules! ints {
    ($($t:ty),*) => {$(
        impl ToValue for $t {
            fn to_value(&self) -> Value<'_> {
                Value::Int(*self as i128)
            }
        }
    )*};
}
ints!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, usize);

impl ToValue for u128 {
    fn to_value(&self) -> Value<'_> {
        i128::try_from(*self).map_or(Value::Float(*self as f64), Value::Int)
    }
}

impl ToValue for f64 {
    fn to_value(&self) -> Value<'_> {
        Value::Float(*self)
    }
}

impl ToValue for f32 {
    fn to_value(&self) -> Value<'_> {
        // The shortest decimal of the f32, as Python would hold it when given that text.
        Value::Float(self.to_string().parse().unwrap_or(*self as f64))
    }
}

impl<T: ToValue> ToValue for Option<T> {
    fn to_value(&self) -> Value<'_> {
        match self {
            Some(v) => v.to_value(),
            None => Value::None,
        }
    }
}

impl<T: ToValue + ?Sized> ToValue for &T {
    fn to_value(&self) -> Value<'_> {
        (**self).to_value()
    }
}

impl<T: ToValue + ?Sized> ToValue for &mut T {
    fn to_value(&self) -> Value<'_> {
        (**self).to_value()
    }
}

impl<T: ToValue + ?Sized> ToValue for Box<T> {
    fn to_value(&self) -> Value<'_> {
        (**self).to_value()
    }
}

impl<T: ToValue + ?Sized> ToValue for std::rc::Rc<T> {
    fn to_value(&self) -> Value<'_> {
        (**self).to_value()
    }
}

impl<T: ToValue + ?Sized> ToValue for std::sync::Arc<T> {
    fn to_value(&self) -> Value<'_> {
        (**self).to_value()
    }
}

impl<T: ToValue> ToValue for [T] {
    fn to_value(&self) -> Value<'_> {
        // A slice cannot be borrowed as `dyn Seq` (it is unsized): its items are read now.
        Value::List(List::Owned(self.iter().map(ToValue::to_value).collect()))
    }
}

impl<T: ToValue> ToValue for Vec<T> {
    fn to_value(&self) -> Value<'_> {
        Value::List(List::Borrowed(self))
    }
}

impl<T: ToValue, const N: usize> ToValue for [T; N] {
    fn to_value(&self) -> Value<'_> {
        Value::List(List::Borrowed(self))
    }
}

impl<A: ToValue, B: ToValue> ToValue for (A, B) {
    fn to_value(&self) -> Value<'_> {
        Value::List(List::Tuple(vec![self.0.to_value(), self.1.to_value()]))
    }
}

impl<K: ToValue, V: ToValue> ToValue for BTreeMap<K, V> {
    fn to_value(&self) -> Value<'_> {
        Value::Map(
            self.iter()
                .map(|(k, v)| (k.to_value(), v.to_value()))
                .collect(),
        )
    }
}

impl<K: ToValue, V: ToValue, S> ToValue for HashMap<K, V, S> {
    fn to_value(&self) -> Value<'_> {
        Value::Map(
            self.iter()
                .map(|(k, v)| (k.to_value(), v.to_value()))
                .collect(),
        )
    }
}

impl ToValue for NaiveDate {
    fn to_value(&self) -> Value<'_> {
        Value::Date(*self)
    }
}

impl ToValue for NaiveDateTime {
    fn to_value(&self) -> Value<'_> {
        Value::DateTime(*self, None)
    }
}

impl ToValue for NaiveTime {
    fn to_value(&self) -> Value<'_> {
        Value::Time(*self)
    }
}

impl<Tz: TimeZone> ToValue for DateTime<Tz> {
    fn to_value(&self) -> Value<'_> {
        let fixed = self.fixed_offset();
        // Django shows aware values in the current time zone (TIME_ZONE, UTC here).
        Value::DateTime(
            fixed.naive_utc(),
            Some(FixedOffset::east_opt(0).expect("0")),
        )
    }
}

impl<'a> Value<'a> {
    /// Text from a template's string literal: safe, as Django marks literals.
    pub fn literal(s: &'a str) -> Self {
        Value::Safe(Cow::Borrowed(s))
    }

    /// Python's truthiness.
    pub fn truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) | Value::Safe(s) => !s.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Date(_) | Value::DateTime(..) | Value::Time(_) => true,
        }
    }

    /// Whether Django would leave this text unescaped (a `SafeString`).
    pub fn is_safe(&self) -> bool {
        matches!(self, Value::Safe(_))
    }

    /// Text, if it is text.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) | Value::Safe(s) => Some(s),
            _ => None,
        }
    }

    /// Python's `str(value)` as a template shows it (dates and times in Django's formats).
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Value::Str(s) | Value::Safe(s) => Cow::Borrowed(s),
            other => Cow::Owned(other.to_string()),
        }
    }

    /// The text, owned and keeping the lifetime of the value.
    pub fn into_text(self) -> Cow<'a, str> {
        match self {
            Value::Str(s) | Value::Safe(s) => s,
            other => Cow::Owned(other.to_string()),
        }
    }

    /// Python's `len()`, where it has one.
    pub fn py_len(&self) -> Option<usize> {
        match self {
            Value::Str(s) | Value::Safe(s) => Some(s.chars().count()),
            Value::List(l) => Some(l.len()),
            Value::Map(m) => Some(m.len()),
            _ => None,
        }
    }

    /// Python's `int(value)`: integers, floats truncated, bools, and text holding an integer.
    pub fn to_int(&self) -> Option<i128> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Bool(b) => Some(*b as i128),
            Value::Float(f) if f.is_finite() => Some(f.trunc() as i128),
            Value::Str(s) | Value::Safe(s) => s.trim().replace('_', "").parse().ok(),
            _ => None,
        }
    }

    /// Python's `float(value)`.
    pub fn to_float(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Bool(b) => Some(*b as i32 as f64),
            Value::Float(f) => Some(*f),
            Value::Str(s) | Value::Safe(s) => parse_python_float(s.trim()),
            _ => None,
        }
    }

    /// A number's value for comparisons (bools count as 0 and 1, as in Python).
    fn number(&self) -> Option<f64> {
        match self {
            Value::Int(_) | Value::Bool(_) | Value::Float(_) => self.to_float(),
            _ => None,
        }
    }

    /// Python's `==`.
    pub fn py_eq(&self, other: &Value<'_>) -> bool {
        match (self, other) {
            (Value::None, Value::None) => true,
            (Value::Int(a), Value::Int(b)) => a == b,
            (a, b) if a.number().is_some() && b.number().is_some() => a.number() == b.number(),
            (a, b) if a.as_str().is_some() && b.as_str().is_some() => a.as_str() == b.as_str(),
            (Value::List(a), Value::List(b)) => {
                a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| x.py_eq(&y))
            }
            (Value::Map(a), Value::Map(b)) => {
                a.len() == b.len()
                    && a.iter().all(|(k, v)| {
                        b.iter()
                            .find(|(k2, _)| k.py_eq(k2))
                            .is_some_and(|(_, v2)| v.py_eq(v2))
                    })
            }
            (Value::Date(a), Value::Date(b)) => a == b,
            (Value::DateTime(a, _), Value::DateTime(b, _)) => a == b,
            (Value::Time(a), Value::Time(b)) => a == b,
            _ => false,
        }
    }

    /// Python's ordering; `None` where Python raises `TypeError` (Django's `{% if %}`
    /// then counts the comparison false).
    pub fn py_cmp(&self, other: &Value<'_>) -> Option<Ordering> {
        match (self, other) {
            (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
            (a, b) if a.number().is_some() && b.number().is_some() => {
                a.number()?.partial_cmp(&b.number()?)
            }
            (a, b) if a.as_str().is_some() && b.as_str().is_some() => {
                Some(a.as_str()?.cmp(b.as_str()?))
            }
            (Value::List(a), Value::List(b)) => {
                for (x, y) in a.iter().zip(b.iter()) {
                    if !x.py_eq(&y) {
                        return x.py_cmp(&y);
                    }
                }
                Some(a.len().cmp(&b.len()))
            }
            (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
            (Value::DateTime(a, _), Value::DateTime(b, _)) => Some(a.cmp(b)),
            (Value::Time(a), Value::Time(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }

    /// Python's `self in container`; `None` where Python raises `TypeError`.
    pub fn py_in(&self, container: &Value<'_>) -> Option<bool> {
        match container {
            Value::Str(c) | Value::Safe(c) => Some(c.contains(self.as_str()?)),
            Value::List(l) => Some(l.iter().any(|x| x.py_eq(self))),
            Value::Map(m) => Some(m.iter().any(|(k, _)| k.py_eq(self))),
            _ => None,
        }
    }

    /// Python's `repr()`, as a list shows its items.
    pub fn repr(&self) -> String {
        match self {
            Value::Str(s) | Value::Safe(s) => python::repr_str(s),
            Value::Date(d) => format!(
                "datetime.date({}, {}, {})",
                d.year_ce().1,
                d.format("%-m"),
                d.format("%-d")
            ),
            other => other.to_string(),
        }
    }
}

/// Python's `float()` of text: decimal forms, `inf`, `nan`.
fn parse_python_float(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let plain = lower.trim_start_matches(['+', '-']);
    if matches!(plain, "inf" | "infinity" | "nan") {
        return lower.parse().ok();
    }
    if s.is_empty()
        || !s
            .bytes()
            .all(|b| b.is_ascii_digit() || b"+-.eE_".contains(&b))
    {
        return None;
    }
    s.replace('_', "").parse().ok()
}

impl fmt::Display for Value<'_> {
    /// Python's `str(value)`: what string filters read.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::None => f.write_str("None"),
            Value::Bool(true) => f.write_str("True"),
            Value::Bool(false) => f.write_str("False"),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => f.write_str(&python::float_repr(*x)),
            Value::Str(s) | Value::Safe(s) => f.write_str(s),
            Value::List(l) => {
                let tuple = matches!(l, List::Tuple(_));
                f.write_str(if tuple { "(" } else { "[" })?;
                for (i, item) in l.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    f.write_str(&item.repr())?;
                }
                if tuple && l.len() == 1 {
                    f.write_str(",")?;
                }
                f.write_str(if tuple { ")" } else { "]" })
            }
            Value::Map(m) => {
                f.write_str("{")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}: {}", k.repr(), v.repr())?;
                }
                f.write_str("}")
            }
            Value::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Value::DateTime(dt, off) => {
                write!(f, "{}", dt.format("%Y-%m-%d %H:%M:%S"))?;
                let micros = dt.and_utc().timestamp_subsec_micros();
                if micros > 0 {
                    write!(f, ".{micros:06}")?;
                }
                if off.is_some() {
                    f.write_str("+00:00")?;
                }
                Ok(())
            }
            Value::Time(t) => {
                write!(f, "{}", t.format("%H:%M:%S"))?;
                let micros = t.nanosecond() / 1000 % 1_000_000;
                if micros > 0 {
                    write!(f, ".{micros:06}")?;
                }
                Ok(())
            }
        }
    }
}

impl Value<'_> {
    /// What `{{ value }}` shows (Django's `localize`, then `str`): dates and times in
    /// Django's formats, floats without an exponent.
    pub fn localized(&self) -> Cow<'_, str> {
        match self {
            Value::Float(x) => Cow::Owned(python::float_fixed(*x)),
            Value::Date(_) | Value::DateTime(..) | Value::Time(_) => {
                let format = match self {
                    Value::Date(_) => "N j, Y",
                    Value::DateTime(..) => "N j, Y, P",
                    _ => "P",
                };
                Cow::Owned(super::dates::format(self, format).unwrap_or_default())
            }
            other => other.text(),
        }
    }
}

impl fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Safe(s) => write!(f, "Safe({s:?})"),
            other => f.write_str(&other.repr()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::python;

    #[test]
    fn floats_print_as_python_prints_them() {
        for (f, s) in [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (34.23234, "34.23234"),
            (1e16, "1e+16"),
            (1.5e-5, "1.5e-05"),
            (0.0001, "0.0001"),
            (123456789012345.6, "123456789012345.6"),
            (-2.5, "-2.5"),
            (1e22, "1e+22"),
        ] {
            assert_eq!(python::float_repr(f), s, "{f}");
        }
    }

    #[test]
    fn truthiness_and_comparisons_are_pythons() {
        let v = vec!["a".to_string()];
        assert!(v.to_value().truthy());
        assert!(!Vec::<String>::new().to_value().truthy());
        assert!(!"".to_value().truthy());
        assert!(!0.to_value().truthy());
        assert!(Value::Bool(true).py_eq(&Value::Int(1)));
        assert_eq!(
            Value::Int(2).py_cmp(&Value::Float(2.5)),
            Some(Ordering::Less)
        );
        assert_eq!(Value::Int(2).py_cmp(&"a".to_value()), None);
        assert_eq!("a".to_value().py_in(&v.to_value()), Some(true));
        assert_eq!("b".to_value().py_in(&"abc".to_value()), Some(true));
        assert_eq!(v.to_value().to_string(), "['a']");
        assert_eq!(Value::Float(1.5e-5).localized(), "0.000015");
        assert_eq!(Value::Float(1e16).localized(), "10000000000000000");
        assert_eq!(python::repr_str("it's"), "\"it's\"");
    }
}
