//! Path converters with Django's exact matching rules (`str`, `int`, `slug`, `uuid`, `path`),
//! and the traits that turn a capture into a view's parameter and a value back into the URL.

use std::borrow::Cow;

/// A path converter: which text it matches (Django's `regex`), anchored at both ends.
///
/// Implement it for your own type and register it in a URLconf with
/// `register_converter(crate::converters::FourDigitYear, "yyyy");`.
pub trait Converter: 'static {
    /// Django's regex for this converter, shown in messages (`[0-9]+`).
    const REGEX: &'static str;
    /// Whether a match may contain `/` (only `path` does among the built-ins).
    const SPANS_SLASHES: bool = false;
    /// Whether the whole of `value` matches.
    fn matches(value: &str) -> bool;
}

/// Turns a captured text into a view parameter (Django's `to_python`); `None` means
/// "no match here, keep trying the next pattern", as a `ValueError` does in Django.
#[diagnostic::on_unimplemented(
    message = "a path parameter captured by `{C}` cannot be converted into `{Self}`",
    label = "this route's converter does not produce `{Self}`",
    note = "`str`, `slug` and `path` give `String`; `int` gives an integer type; `uuid` gives `Uuid` or `String`"
)]
pub trait FromPathParam<C: Converter>: Sized {
    /// Converts, or refuses.
    fn from_path_param(value: &str) -> Option<Self>;
}

/// Turns a value into URL text for a converter (Django's `to_url`).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be given to a path parameter captured by `{C}`",
    label = "wrong type of URL argument",
    note = "`str`, `slug` and `path` take text (`&str`, `String`); `int` takes an integer; `uuid` takes a `Uuid`"
)]
pub trait ToUrl<C: Converter> {
    /// The text that goes into the URL (before percent-encoding).
    fn to_url(&self) -> Cow<'_, str>;
}

macro_rules! converter {
    ($(#[$doc:meta])* $name:ident, $regex:literal, $spans:literal, |$v:ident| $body:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name;
        impl Converter for $name {
            const REGEX: &'static str = $regex;
            const SPANS_SLASHES: bool = $spans;
            fn matches($v: &str) -> bool {
                $body
            }
        }
    };
}

converter!(
    /// `<str:x>` and `<x>`: one or more characters other than `/`.
    Str, "[^/]+", false, |v| !v.is_empty() && !v.contains('/')
);
converter!(
    /// `<int:x>`: ASCII digits; `007` gives 7.
    Int, "[0-9]+", false, |v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit())
);
converter!(
    /// `<slug:x>`: ASCII letters, digits, `-` and `_`.
    Slug, "[-a-zA-Z0-9_]+", false,
    |v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
);
converter!(
    /// `<uuid:x>`: a lower-case hyphenated UUID.
    Uuid, "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", false, |v| is_uuid(v)
);
converter!(
    /// `<path:x>`: any non-empty text, `/` included.
    Path, ".+", true, |v| !v.is_empty()
);

fn is_uuid(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(&c),
        })
}

macro_rules! text_params {
    ($($conv:ty),*) => {$(
        impl FromPathParam<$conv> for String {
            fn from_path_param(value: &str) -> Option<Self> {
                Some(value.to_owned())
            }
        }
        impl ToUrl<$conv> for str {
            fn to_url(&self) -> Cow<'_, str> {
                Cow::Borrowed(self)
            }
        }
        impl ToUrl<$conv> for String {
            fn to_url(&self) -> Cow<'_, str> {
                Cow::Borrowed(self)
            }
        }
    )*};
}
text_params!(Str, Slug, Path);

impl FromPathParam<Uuid> for String {
    fn from_path_param(value: &str) -> Option<Self> {
        Some(value.to_owned())
    }
}

impl FromPathParam<Uuid> for uuid::Uuid {
    fn from_path_param(value: &str) -> Option<Self> {
        uuid::Uuid::parse_str(value).ok()
    }
}

impl ToUrl<Uuid> for uuid::Uuid {
    fn to_url(&self) -> Cow<'_, str> {
        Cow::Owned(self.hyphenated().to_string())
    }
}

macro_rules! int_params {
    ($($t:ty),*) => {$(
        impl FromPathParam<Int> for $t {
            fn from_path_param(value: &str) -> Option<Self> {
                value.parse().ok()
            }
        }
        impl ToUrl<Int> for $t {
            fn to_url(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        }
        impl ToUrl<Str> for $t {
            fn to_url(&self) -> Cow<'_, str> {
                Cow::Owned(self.to_string())
            }
        }
    )*};
}
int_params!(
    i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize
);

impl<C: Converter, T: ToUrl<C> + ?Sized> ToUrl<C> for &T {
    fn to_url(&self) -> Cow<'_, str> {
        (**self).to_url()
    }
}
