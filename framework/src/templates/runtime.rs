//! What compiled templates call: turning context values into [`Value`]s, showing them
//! escaped, `{% if %}`'s operators, `forloop`, and the tags that compute something
//! (`cycle`, `firstof`, `widthratio`, `now`, `lorem`, `spaceless`, `ifchanged`).
//!
//! The template macro imports the `Via*` traits into the code askama generates, so that
//! `(&&&Probe(&x)).__manouche_value()` picks, at compile time, the best way to read `x`.

use std::cell::RefCell;
use std::fmt;

use askama::filters::{HtmlSafe, Safe};

use super::escape::write_escaped;
use super::value::{List, ToValue, Value};

/// A context value being read by a compiled template.
#[doc(hidden)]
pub struct Probe<'a, T: ?Sized>(pub &'a T);

/// Values that are [`ToValue`]: read as they are.
#[doc(hidden)]
pub trait ViaToValue<'a> {
    fn __manouche_value(&self) -> Value<'a>;
}

impl<'a, T: ToValue + ?Sized> ViaToValue<'a> for &&Probe<'a, T> {
    fn __manouche_value(&self) -> Value<'a> {
        self.0.to_value()
    }
}

/// HTML types (a bound form, a rendered field): their text, safe.
#[doc(hidden)]
pub trait ViaHtml<'a> {
    fn __manouche_value(&self) -> Value<'a>;
}

impl<'a, T: HtmlSafe + fmt::Display + ?Sized> ViaHtml<'a> for &Probe<'a, T> {
    fn __manouche_value(&self) -> Value<'a> {
        Value::Safe(self.0.to_string().into())
    }
}

/// Anything else that is `Display`: its text. The bound sits on the method, so that a
/// value that is neither gets the message of [`Readable`], naming its type.
#[doc(hidden)]
pub trait ViaText<'a, T: ?Sized> {
    fn __manouche_value(&self) -> Value<'a>
    where
        T: Readable;
}

impl<'a, T: ?Sized> ViaText<'a, T> for Probe<'a, T> {
    fn __manouche_value(&self) -> Value<'a>
    where
        T: Readable,
    {
        Value::Str(self.0.read_as_text().into())
    }
}

/// A type a template can read: `ToValue` types directly, anything else `Display` as text.
#[diagnostic::on_unimplemented(
    message = "a template cannot read a `{Self}`: it is neither `ToValue` nor `Display`",
    label = "read by a template (a filter, `{{% if %}}` or `{{{{ … }}}}`)",
    note = "implement `manouche::templates::ToValue` for it (or `std::fmt::Display`), or pass the template something it can read"
)]
pub trait Readable {
    /// The text of the value.
    fn read_as_text(&self) -> String;
}

impl<T: fmt::Display + ?Sized> Readable for T {
    fn read_as_text(&self) -> String {
        self.to_string()
    }
}

/// A value as `{{ … }}` shows it: its text, escaped unless it is safe or autoescaping is
/// off; written straight into the page.
#[doc(hidden)]
pub struct Shown<'a> {
    value: Value<'a>,
    autoescape: bool,
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write(f)
    }
}

impl askama::FastWritable for Shown<'_> {
    fn write_into(&self, dest: &mut dyn fmt::Write, _: &dyn askama::Values) -> askama::Result<()> {
        Ok(self.write(dest)?)
    }
}

impl Shown<'_> {
    fn write(&self, f: &mut dyn fmt::Write) -> fmt::Result {
        match &self.value {
            Value::Safe(s) => f.write_str(s),
            Value::Str(s) if self.autoescape => write_escaped(f, s),
            Value::Str(s) => f.write_str(s),
            // Numbers, None and bools have nothing to escape.
            Value::Int(i) => write!(f, "{i}"),
            Value::None | Value::Bool(_) => write!(f, "{}", self.value),
            other if self.autoescape => write_escaped(f, &other.localized()),
            other => f.write_str(&other.localized()),
        }
    }
}

/// `{{ value|filters }}`: the value shown.
pub fn show(value: Value<'_>, autoescape: bool) -> Safe<Shown<'_>> {
    Safe(Shown { value, autoescape })
}

/// `{{ value }}`: chosen at compile time, fastest first.
#[doc(hidden)]
pub struct Esc<'a, T: ?Sized>(pub &'a T);

/// Text: escaped as it is written.
#[doc(hidden)]
pub trait EscStr<'a> {
    fn __manouche_show(&self) -> Safe<super::escape::EscapedStr<'a>>;
}

impl<'a, T: AsRef<str> + ?Sized> EscStr<'a> for &&&Esc<'a, T> {
    fn __manouche_show(&self) -> Safe<super::escape::EscapedStr<'a>> {
        Safe(super::escape::EscapedStr(self.0.as_ref()))
    }
}

/// Values Django prints its own way (`True`, `None`, `1.0`, lists, dates).
#[doc(hidden)]
pub trait EscValue<'a> {
    fn __manouche_show(&self) -> Safe<Shown<'a>>;
}

impl<'a, T: ToValue + ?Sized> EscValue<'a> for &&Esc<'a, T> {
    fn __manouche_show(&self) -> Safe<Shown<'a>> {
        show(self.0.to_value(), true)
    }
}

/// HTML types: as they are.
#[doc(hidden)]
pub trait EscHtml<'a, T: ?Sized> {
    fn __manouche_show(&self) -> Safe<&'a T>;
}

impl<'a, T: HtmlSafe + ?Sized> EscHtml<'a, T> for &Esc<'a, T> {
    fn __manouche_show(&self) -> Safe<&'a T> {
        Safe(self.0)
    }
}

/// Anything `Display`: escaped as it is written (see [`Readable`] for anything else).
#[doc(hidden)]
pub trait EscDisplay<'a, T: ?Sized> {
    fn __manouche_show(&self) -> Safe<super::escape::Escaped<'a, T>>
    where
        T: Readable + fmt::Display;
}

impl<'a, T: ?Sized> EscDisplay<'a, T> for Esc<'a, T> {
    fn __manouche_show(&self) -> Safe<super::escape::Escaped<'a, T>>
    where
        T: Readable + fmt::Display,
    {
        Safe(super::escape::Escaped(self.0))
    }
}

/// Python's truthiness, for `{% if %}`.
pub fn truthy(v: &Value<'_>) -> bool {
    v.truthy()
}

/// `==`.
pub fn eq(a: &Value<'_>, b: &Value<'_>) -> bool {
    a.py_eq(b)
}

/// `!=`.
pub fn ne(a: &Value<'_>, b: &Value<'_>) -> bool {
    !a.py_eq(b)
}

/// `<`, `<=`, `>`, `>=`: false where Python raises (Django's `{% if %}` does so).
pub fn cmp(a: &Value<'_>, op: &str, b: &Value<'_>) -> bool {
    use std::cmp::Ordering::*;
    match (a.py_cmp(b), op) {
        (Some(o), "<") => o == Less,
        (Some(o), "<=") => o != Greater,
        (Some(o), ">") => o == Greater,
        (Some(o), ">=") => o != Less,
        _ => false,
    }
}

/// `is`: Python's identity, for `None`, `True` and `False`.
pub fn is(a: &Value<'_>, b: &Value<'_>) -> bool {
    match (a, b) {
        (Value::None, Value::None) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        // CPython keeps one object for each small integer, so `1 is 1` holds there.
        (Value::Int(x), Value::Int(y)) => x == y && (-5..=256).contains(x),
        _ => false,
    }
}

/// The condition of the `{% if %}` that gives `{% with %}` its scope: always true, but a
/// call, so that askama keeps the block (and the scope of its `let`s).
pub fn scope() -> bool {
    true
}

/// A filter's argument.
pub fn arg(v: Value<'_>) -> Option<Value<'_>> {
    Some(v)
}

/// No argument for a filter.
pub fn no_arg() -> Option<Value<'static>> {
    None
}

/// `in`.
pub fn is_in(a: &Value<'_>, b: &Value<'_>) -> bool {
    a.py_in(b).unwrap_or(false)
}

/// `not in`.
pub fn not_in(a: &Value<'_>, b: &Value<'_>) -> bool {
    a.py_in(b).is_some_and(|r| !r)
}

/// `{% for x in value|filter %}`: the items of a value (characters of text, keys of a map).
pub fn items<'a>(v: Value<'a>) -> Vec<Value<'a>> {
    match v {
        Value::List(List::Owned(items)) => items,
        Value::List(l) => l.to_vec(),
        Value::Map(m) => m.into_iter().map(|(k, _)| k).collect(),
        Value::Str(s) | Value::Safe(s) => s
            .chars()
            .map(|c| Value::Str(c.to_string().into()))
            .collect(),
        _ => Vec::new(),
    }
}

/// A `{% for %}`'s iterable: what it iterates, chosen at compile time by its type.
#[doc(hidden)]
pub struct IterProbe<'a, T: ?Sized>(pub &'a T);

/// A map: its keys, as Django iterates a dict.
#[doc(hidden)]
pub trait IterMap<'a> {
    type Iter: Iterator;
    fn __manouche_iter(&self) -> Self::Iter;
}

impl<'a, K, V> IterMap<'a> for &&&&IterProbe<'a, std::collections::BTreeMap<K, V>> {
    type Iter = std::collections::btree_map::Keys<'a, K, V>;
    fn __manouche_iter(&self) -> Self::Iter {
        self.0.keys()
    }
}

impl<'a, K, V, S> IterMap<'a> for &&&&IterProbe<'a, std::collections::HashMap<K, V, S>> {
    type Iter = std::collections::hash_map::Keys<'a, K, V>;
    fn __manouche_iter(&self) -> Self::Iter {
        self.0.keys()
    }
}

/// A reference to a collection (a loop variable that is a list): its items.
#[doc(hidden)]
pub trait IterRef<'b> {
    type Iter: Iterator;
    fn __manouche_iter(&self) -> Self::Iter;
}

impl<'a, 'b, U: ?Sized> IterRef<'b> for &&&IterProbe<'a, &'b U>
where
    &'b U: IntoIterator,
{
    type Iter = <&'b U as IntoIterator>::IntoIter;
    fn __manouche_iter(&self) -> Self::Iter {
        (*self.0).into_iter()
    }
}

/// A collection: its items, with their own types (their fields stay readable).
#[doc(hidden)]
pub trait IterDirect<'a> {
    type Iter: Iterator;
    fn __manouche_iter(&self) -> Self::Iter;
}

impl<'a, T: ?Sized> IterDirect<'a> for &&IterProbe<'a, T>
where
    &'a T: IntoIterator,
{
    type Iter = <&'a T as IntoIterator>::IntoIter;
    fn __manouche_iter(&self) -> Self::Iter {
        self.0.into_iter()
    }
}

/// Text: its characters, as Django iterates a string.
#[doc(hidden)]
pub trait IterText<'a> {
    fn __manouche_iter(&self) -> std::vec::IntoIter<Value<'a>>;
}

impl<'a, T: AsRef<str> + ?Sized> IterText<'a> for &IterProbe<'a, T> {
    fn __manouche_iter(&self) -> std::vec::IntoIter<Value<'a>> {
        items(Value::Str(self.0.as_ref().into())).into_iter()
    }
}

/// Anything else a template reads as a value (a map iterates its keys).
#[doc(hidden)]
pub trait IterValue<'a> {
    fn __manouche_iter(&self) -> std::vec::IntoIter<Value<'a>>;
}

impl<'a, T: ToValue + ?Sized> IterValue<'a> for IterProbe<'a, T> {
    fn __manouche_iter(&self) -> std::vec::IntoIter<Value<'a>> {
        items(self.0.to_value()).into_iter()
    }
}

/// `x.0`, `x.1` … in a template: a tuple's field or a list's item, by the type of `x`.
/// (Django tries a dict key, an attribute, then an index; Rust knows which at compile time.)
macro_rules! positions {
    ($($trait:ident $method:ident $n:tt),*) => {$(
        #[doc(hidden)]
        pub trait $trait {
            type Out: ?Sized;
            fn $method(&self) -> &Self::Out;
        }
        impl<T> $trait for Vec<T> {
            type Out = T;
            fn $method(&self) -> &T {
                &self[$n]
            }
        }
        impl<T> $trait for [T] {
            type Out = T;
            fn $method(&self) -> &T {
                &self[$n]
            }
        }
        impl<T, const N: usize> $trait for [T; N] {
            type Out = T;
            fn $method(&self) -> &T {
                &self[$n]
            }
        }
    )*};
}
positions!(
    At0 __manouche_at_0 0, At1 __manouche_at_1 1, At2 __manouche_at_2 2,
    At3 __manouche_at_3 3, At4 __manouche_at_4 4, At5 __manouche_at_5 5
);

macro_rules! tuple_positions {
    ($(($($t:ident),*) $out:ident $trait:ident $method:ident $n:tt;)*) => {$(
        impl<$($t),*> $trait for ($($t,)*) {
            type Out = $out;
            fn $method(&self) -> &$out {
                &self.$n
            }
        }
    )*};
}
tuple_positions!(
    (A, B) A At0 __manouche_at_0 0;
    (A, B) B At1 __manouche_at_1 1;
    (A, B, C) A At0 __manouche_at_0 0;
    (A, B, C) B At1 __manouche_at_1 1;
    (A, B, C) C At2 __manouche_at_2 2;
    (A, B, C, D) A At0 __manouche_at_0 0;
    (A, B, C, D) B At1 __manouche_at_1 1;
    (A, B, C, D) C At2 __manouche_at_2 2;
    (A, B, C, D) D At3 __manouche_at_3 3;
);

/// `forloop` of one `{% for %}`.
#[derive(Debug, Clone, Copy)]
pub struct ForLoop {
    index0: usize,
    len: usize,
}

impl ForLoop {
    /// The loop at `index0` of `len` items.
    pub fn new(index0: usize, len: usize) -> Self {
        ForLoop { index0, len }
    }
    /// `forloop.counter`.
    pub fn counter(&self) -> usize {
        self.index0 + 1
    }
    /// `forloop.counter0`.
    pub fn counter0(&self) -> usize {
        self.index0
    }
    /// `forloop.revcounter`.
    pub fn revcounter(&self) -> usize {
        self.len - self.index0
    }
    /// `forloop.revcounter0`.
    pub fn revcounter0(&self) -> usize {
        self.len - self.index0 - 1
    }
    /// `forloop.first`.
    pub fn first(&self) -> bool {
        self.index0 == 0
    }
    /// `forloop.last`.
    pub fn last(&self) -> bool {
        self.index0 + 1 == self.len
    }
}

/// A `{% for %}`'s iterable, asked for its length.
#[doc(hidden)]
pub struct LenProbe<'a, T: ?Sized>(pub &'a T);

/// Collections that know their length when iterated by reference.
#[doc(hidden)]
pub trait LenExact {
    fn __manouche_len(&self) -> usize;
}

impl<T: Collection + ?Sized> LenExact for &&LenProbe<'_, T> {
    fn __manouche_len(&self) -> usize {
        self.0.collection_len()
    }
}

/// A collection whose length a `{% for %}` can ask without reading it as a value.
pub trait Collection {
    /// How many items.
    fn collection_len(&self) -> usize;
}

macro_rules! collections {
    ($($t:ty => [$($g:tt)*]),* $(,)?) => {$(
        impl<$($g)*> Collection for $t {
            fn collection_len(&self) -> usize {
                self.len()
            }
        }
    )*};
}
collections!(
    Vec<T> => [T],
    [T] => [T],
    std::collections::VecDeque<T> => [T],
    std::collections::BTreeSet<T> => [T],
    std::collections::HashSet<T, S> => [T, S],
    std::collections::BTreeMap<K, V> => [K, V],
    std::collections::HashMap<K, V, S> => [K, V, S],
);

impl<T, const N: usize> Collection for [T; N] {
    fn collection_len(&self) -> usize {
        N
    }
}

impl<U: Collection + ?Sized> Collection for &U {
    fn collection_len(&self) -> usize {
        (**self).collection_len()
    }
}

impl<U: Collection + ?Sized> Collection for Box<U> {
    fn collection_len(&self) -> usize {
        (**self).collection_len()
    }
}

/// Anything else a template can read as a value.
#[doc(hidden)]
pub trait LenValue {
    fn __manouche_len(&self) -> usize;
}

impl<T: ToValue + ?Sized> LenValue for &LenProbe<'_, T> {
    fn __manouche_len(&self) -> usize {
        len_of(&self.0.to_value())
    }
}

/// How many items a `{% for %}` goes through, for `forloop.revcounter` and `last`.
pub fn len_of(v: &Value<'_>) -> usize {
    match v {
        Value::Map(m) => m.len(),
        Value::Str(s) | Value::Safe(s) => s.chars().count(),
        other => other.py_len().unwrap_or(0),
    }
}

/// A `{% cycle %}` tag's place: the next value each time the tag is rendered.
#[derive(Debug, Default)]
pub struct Cycle(std::cell::Cell<usize>);

impl Cycle {
    /// At its first value.
    pub fn new() -> Self {
        Cycle::default()
    }

    /// The value for this rendering of the tag, and the place moved on.
    pub fn next<'a>(&self, values: &[Value<'a>]) -> Value<'a> {
        let i = self.0.get();
        self.0.set(i + 1);
        match values.len() {
            0 => Value::None,
            n => values[i % n].clone(),
        }
    }

    /// `{% resetcycle %}`: back to the first value (true, for the template's `{% if %}`).
    pub fn reset(&self) -> bool {
        self.0.set(0);
        true
    }
}

/// `{% firstof a b "c" %}`: the first true value, or "".
pub fn firstof<'a>(values: &[Value<'a>]) -> Value<'a> {
    values
        .iter()
        .find(|v| v.truthy())
        .cloned()
        .unwrap_or(Value::Safe("".into()))
}

/// `{% widthratio value max width %}`: `round(value / max * width)`, Python's rounding.
pub fn widthratio(value: &Value<'_>, max: &Value<'_>, width: &Value<'_>) -> Value<'static> {
    let (Some(v), Some(m), Some(w)) = (value.to_float(), max.to_float(), width.to_int()) else {
        return Value::Str("".into());
    };
    if m == 0.0 {
        return Value::Str("0".into());
    }
    let ratio = v / m * w as f64;
    if !ratio.is_finite() {
        return Value::Str("".into());
    }
    // round() in Python rounds half to even.
    let r = ratio.round();
    let r = if (ratio - ratio.trunc()).abs() == 0.5 && r % 2.0 != 0.0 {
        r - ratio.signum()
    } else {
        r
    };
    Value::Str(format!("{}", r as i128).into())
}

/// `{% now "format" %}`: the current time (UTC, Django's TIME_ZONE here).
pub fn now(format: &str) -> Value<'static> {
    let format = super::dates::named_format(format).unwrap_or(format);
    let now = chrono::Utc::now().naive_utc();
    let v = Value::DateTime(now, Some(chrono::FixedOffset::east_opt(0).expect("0")));
    Value::Str(super::dates::format(&v, format).unwrap_or_default().into())
}

const COMMON_P: &str = "Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt mollit anim id est laborum.";

const COMMON_WORDS: [&str; 19] = [
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "consectetur",
    "adipisicing",
    "elit",
    "sed",
    "do",
    "eiusmod",
    "tempor",
    "incididunt",
    "ut",
    "labore",
    "et",
    "dolore",
    "magna",
    "aliqua",
];

/// `{% lorem [count] [w|p|b] %}`: Django's standard lorem ipsum text. Past its fixed
/// words and first paragraph Django picks random Latin; here the fixed text repeats.
pub fn lorem(count: &Value<'_>, method: &str) -> Value<'static> {
    let count = count.to_int().unwrap_or(1).max(0) as usize;
    let text = match method {
        "w" => (0..count)
            .map(|i| COMMON_WORDS[i % COMMON_WORDS.len()])
            .collect::<Vec<_>>()
            .join(" "),
        "p" => vec![format!("<p>{COMMON_P}</p>"); count].join("\n\n"),
        _ => vec![COMMON_P; count].join("\n\n"),
    };
    Value::Safe(text.into())
}

/// `{% spaceless %}`: whitespace between tags removed.
pub fn spaceless(html: &str) -> Value<'static> {
    let html = html.trim();
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find('>') {
        out.push_str(&rest[..=i]);
        let after = &rest[i + 1..];
        let ws = after.len() - after.trim_start().len();
        if ws > 0 && after[ws..].starts_with('<') {
            rest = &after[ws..];
        } else {
            rest = after;
        }
    }
    out.push_str(rest);
    Value::Safe(out.into())
}

/// The rendered text of a `{% filter %}` or `{% spaceless %}` block: safe, as Django
/// marks rendered output.
pub fn block_text(text: &str) -> Value<'_> {
    Value::Safe(text.into())
}

thread_local! {
    /// What each `{% ifchanged %}` last saw, by tag.
    static LAST_SEEN: RefCell<Vec<(usize, String)>> = const { RefCell::new(Vec::new()) };
}

/// `{% ifchanged %}` at `turn` of its loop: whether `seen` differs from the previous
/// turn's (the first turn always counts as changed).
pub fn changed(tag: usize, turn: usize, seen: String) -> bool {
    LAST_SEEN.with(|l| {
        let mut l = l.borrow_mut();
        match l.iter_mut().find(|(t, _)| *t == tag) {
            Some((_, last)) => {
                let changed = turn == 0 || *last != seen;
                *last = seen;
                changed
            }
            None => {
                l.push((tag, seen));
                true
            }
        }
    })
}

/// The text `{% ifchanged a b %}` compares.
pub fn key_of(values: &[Value<'_>]) -> String {
    values
        .iter()
        .map(|v| format!("{v:?}"))
        .collect::<Vec<_>>()
        .join("\u{0}")
}

/// `{% regroup list by key as groups %}`: runs of consecutive items with equal keys.
#[doc(hidden)]
pub struct Regroup<'a, T: ?Sized> {
    groups: RefCell<Vec<Group<'a, T>>>,
}

/// One group of `{% regroup %}`: `grouper` and `list`, as Django names them.
pub struct Group<'a, T: ?Sized> {
    /// The key the items share.
    pub grouper: Value<'a>,
    /// The items, in their order.
    pub list: Vec<&'a T>,
}

impl<'a, T: ?Sized> Regroup<'a, T> {
    /// No groups yet.
    pub fn new() -> Self {
        Regroup {
            groups: RefCell::new(Vec::new()),
        }
    }

    /// Adds the next item (always true, for the template's `{% if %}`).
    pub fn push(&self, key: Value<'a>, item: &'a T) -> bool {
        let mut groups = self.groups.borrow_mut();
        match groups.last_mut() {
            Some(g) if g.grouper.py_eq(&key) => g.list.push(item),
            _ => groups.push(Group {
                grouper: key,
                list: vec![item],
            }),
        }
        true
    }

    /// The groups, in order.
    pub fn groups(&self) -> Vec<Group<'a, T>> {
        std::mem::take(&mut *self.groups.borrow_mut())
    }
}

impl<T: ?Sized> Default for Regroup<'_, T> {
    fn default() -> Self {
        Self::new()
    }
}

/// `{% querystring key=value … %}` (Django 5.1): the request's query with these keys set
/// (`None` removes one), urlencoded; "" when there is neither a query nor a key.
pub fn querystring<'a>(changes: &[(&str, Value<'a>)]) -> Value<'static> {
    let query = super::current_query();
    let mut pairs: Vec<(String, String)> =
        crate::http::QueryDict::parse(query.as_bytes()).into_pairs();
    let had_query = !pairs.is_empty();
    for (key, value) in changes {
        match value {
            Value::None => pairs.retain(|(k, _)| k != key),
            Value::List(items) => {
                let at = pairs.iter().position(|(k, _)| k == key);
                pairs.retain(|(k, _)| k != key);
                let new = items
                    .iter()
                    .map(|v| (key.to_string(), v.text().into_owned()));
                match at {
                    Some(i) => {
                        let tail = pairs.split_off(i.min(pairs.len()));
                        pairs.extend(new);
                        pairs.extend(tail);
                    }
                    None => pairs.extend(new),
                }
            }
            other => {
                let text = other.text().into_owned();
                match pairs.iter().position(|(k, _)| k == key) {
                    Some(i) => {
                        pairs[i].1 = text;
                        let mut seen = false;
                        pairs.retain(|(k, _)| {
                            if k != key {
                                return true;
                            }
                            let keep = !seen;
                            seen = true;
                            keep
                        });
                    }
                    None => pairs.push((key.to_string(), text)),
                }
            }
        }
    }
    if pairs.is_empty() && !had_query {
        return Value::Str("".into());
    }
    let encoded: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", quote_plus(k), quote_plus(v)))
        .collect();
    Value::Str(format!("?{}", encoded.join("&")).into())
}

/// `{% querystring %}`: the request's query as it is.
pub fn querystring_unchanged() -> Value<'static> {
    querystring(&[])
}

/// Python's `urllib.parse.quote_plus`.
fn quote_plus(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b' ' => out.push('+'),
            b if b.is_ascii_alphanumeric() || b"_.-~".contains(&b) => out.push(b as char),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `{% templatetag %}`'s outputs.
pub mod templatetag {
    /// `openblock`.
    pub const OPENBLOCK: &str = "{%";
    /// `closeblock`.
    pub const CLOSEBLOCK: &str = "%}";
    /// `openvariable`.
    pub const OPENVARIABLE: &str = "{{";
    /// `closevariable`.
    pub const CLOSEVARIABLE: &str = "}}";
    /// `openbrace`.
    pub const OPENBRACE: &str = "{";
    /// `closebrace`.
    pub const CLOSEBRACE: &str = "}";
    /// `opencomment`.
    pub const OPENCOMMENT: &str = "{#";
    /// `closecomment`.
    pub const CLOSECOMMENT: &str = "#}";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaceless_and_widthratio() {
        assert_eq!(
            spaceless("<p>\n  <a href=\"foo/\">Foo</a>\n </p>\n").text(),
            "<p><a href=\"foo/\">Foo</a></p>"
        );
        assert_eq!(
            widthratio(&Value::Int(175), &Value::Int(200), &Value::Int(100)).text(),
            "88"
        );
        assert_eq!(
            widthratio(&Value::Int(1), &Value::Int(0), &Value::Int(100)).text(),
            "0"
        );
    }
}
