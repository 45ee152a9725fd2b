//! HTML escaping as Django's `django.utils.html.escape` does it.

use std::borrow::Cow;

/// Escapes `& < > " '` as `&amp; &lt; &gt; &quot; &#x27;`.
pub fn escape(s: &str) -> Cow<'_, str> {
    if !needs_escape(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Whether `s` has a character [`escape`] changes: a byte test, as most text has none.
pub(crate) fn needs_escape(s: &str) -> bool {
    s.bytes().any(|b| SPECIAL[b as usize])
}

/// The bytes [`escape`] changes, as a table: one load per byte.
static SPECIAL: [bool; 256] = byte_set(b"&<>\"'");

/// A table of which bytes are in `bytes`.
pub(crate) const fn byte_set(bytes: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        table[bytes[i] as usize] = true;
        i += 1;
    }
    table
}
