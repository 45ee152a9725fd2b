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

/// Django's `strip_tags`: the text without tags and comments (`<` that starts no tag
/// stays), repeated until nothing changes.
pub fn strip_tags(s: &str) -> String {
    let mut text = s.to_string();
    loop {
        let next = strip_once(&text);
        if next == text || !next.contains('<') {
            return next;
        }
        text = next;
    }
}

fn strip_once(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let starts_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!' || c == '?');
        if !starts_tag {
            out.push('<');
            rest = after;
            continue;
        }
        let end = if after.starts_with("!--") {
            after.find("-->").map(|e| e + 3)
        } else {
            after.find('>').map(|e| e + 1)
        };
        match end {
            Some(e) => rest = &after[e..],
            // An unclosed tag swallows the rest, as Python's HTMLParser does.
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// Python's `html.unescape` for what a file name may carry: numeric references
/// (`&#47;`, `&#x2F;`) and the named ones of HTML's syntax characters (`&amp;`, `&lt;`,
/// `&gt;`, `&quot;`, `&apos;`, `&sol;`, `&bsol;`, `&period;`). Other text is kept as written.
pub(crate) fn unescape(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest[1..].find(';').and_then(|end| {
            let entity = &rest[1..=end];
            let c = match entity.strip_prefix('#') {
                Some(num) => match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.parse().ok(),
                }
                .and_then(char::from_u32),
                None => match entity {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    "sol" => Some('/'),
                    "bsol" => Some('\\'),
                    "period" => Some('.'),
                    _ => None,
                },
            }?;
            Some((c, end + 2))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}
