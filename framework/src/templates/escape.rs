//! Django's HTML escaping (`django.utils.html.escape`) for askama, and the writers that
//! escape a value as it is written, with no string made for it first.

use std::fmt;

/// Django's HTML escaping (`& < > " '` → `&amp; &lt; &gt; &quot; &#x27;`), for askama.
#[derive(Debug, Clone, Copy, Default)]
pub struct DjangoHtml;

impl askama::filters::Escaper for DjangoHtml {
    fn write_escaped_str<W: fmt::Write>(&self, mut dest: W, string: &str) -> fmt::Result {
        if !crate::html::needs_escape(string) {
            return dest.write_str(string);
        }
        let mut last = 0;
        for (i, b) in string.bytes().enumerate() {
            let rep = match b {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                b'\'' => "&#x27;",
                _ => continue,
            };
            dest.write_str(&string[last..i])?;
            dest.write_str(rep)?;
            last = i + 1;
        }
        dest.write_str(&string[last..])
    }
}

/// Writes `s` escaped Django's way.
pub(crate) fn write_escaped(dest: &mut dyn fmt::Write, s: &str) -> fmt::Result {
    askama::filters::Escaper::write_escaped_str(&DjangoHtml, dest, s)
}

/// A writer that escapes what goes through it, Django's way.
struct Escaping<W>(W);

impl<W: fmt::Write> fmt::Write for Escaping<W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        askama::filters::Escaper::write_escaped_str(&DjangoHtml, &mut self.0, s)
    }
}

/// Text shown escaped Django's way, written straight into the page.
#[doc(hidden)]
pub struct EscapedStr<'a>(pub(crate) &'a str);

impl fmt::Display for EscapedStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_escaped(f, self.0)
    }
}

impl askama::FastWritable for EscapedStr<'_> {
    fn write_into(&self, dest: &mut dyn fmt::Write, _: &dyn askama::Values) -> askama::Result<()> {
        Ok(write_escaped(dest, self.0)?)
    }
}

/// A value shown escaped Django's way, written straight into the page.
#[doc(hidden)]
pub struct Escaped<'a, T: ?Sized>(pub(crate) &'a T);

impl<T: fmt::Display + ?Sized> fmt::Display for Escaped<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Write::write_fmt(&mut Escaping(f), format_args!("{}", self.0))
    }
}
