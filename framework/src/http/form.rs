//! `application/x-www-form-urlencoded` bodies and query strings: the one place that knows
//! their media type, counts their fields against DATA_UPLOAD_MAX_NUMBER_FIELDS (before
//! anything is decoded, as Django's `TooManyFieldsSent`) and decodes them.

use http::HeaderMap;

use crate::error::{Error, ErrorKind};

/// Django's `TooManyFieldsSent` message.
pub(crate) const TOO_MANY_FIELDS: &str =
    "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS.";

/// The 400 for a request with more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS.
pub(crate) fn too_many_fields() -> Error {
    Error::new(ErrorKind::BadRequest, TOO_MANY_FIELDS).named("TooManyFieldsSent")
}

/// Whether the headers say the body is a urlencoded form (the media type compared without
/// regard to case, as RFC 9110 says; parameters ignored).
pub(crate) fn is_form_urlencoded(headers: &HeaderMap) -> bool {
    super::media_type(headers)
        .is_some_and(|m| m.eq_ignore_ascii_case("application/x-www-form-urlencoded"))
}

/// Counts the fields of a form body as it arrives, chunk by chunk, the way Python's
/// `parse_qsl` does for Django (`1 + count("&")` for a non-empty body): a body with too
/// many is refused before it has all arrived, and before any field is decoded.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldCount {
    max: usize,
    separators: usize,
    empty: bool,
}

impl FieldCount {
    /// A count that refuses more than `max` fields.
    pub(crate) fn new(max: usize) -> Self {
        FieldCount {
            max,
            separators: 0,
            empty: true,
        }
    }

    /// Counts the next chunk; the 400 once there are more fields than allowed.
    pub(crate) fn feed(&mut self, chunk: &[u8]) -> Result<(), Error> {
        if chunk.is_empty() {
            return Ok(());
        }
        self.empty = false;
        self.separators = self
            .separators
            .saturating_add(chunk.iter().filter(|&&b| b == b'&').count());
        if self.separators.saturating_add(1) > self.max {
            return Err(too_many_fields());
        }
        Ok(())
    }

    /// Checks a whole body or query string at once.
    pub(crate) fn check(max: Option<usize>, input: &[u8]) -> Result<(), Error> {
        match max {
            Some(max) => FieldCount::new(max).feed(input),
            None => Ok(()),
        }
    }
}

/// The non-empty `key=value` parts of a form, still encoded.
fn raw_pairs(input: &[u8]) -> impl Iterator<Item = (&[u8], &[u8])> {
    input
        .split(|&b| b == b'&')
        .filter(|part| !part.is_empty())
        .map(|part| match part.iter().position(|&b| b == b'=') {
            Some(i) => (&part[..i], &part[i + 1..]),
            None => (part, &b""[..]),
        })
}

/// Every pair decoded (`+` is a space; invalid escapes kept as written).
pub(crate) fn decode_pairs(input: &[u8]) -> Vec<(String, String)> {
    raw_pairs(input)
        .map(|(k, v)| (decode(k), decode(v)))
        .collect()
}

/// The last value sent for `key`, decoding only that value (and only the keys that have
/// escapes): what the CSRF check needs, without a string for every field.
pub(crate) fn last_value(input: &[u8], key: &str) -> Option<String> {
    raw_pairs(input)
        .filter(|(k, _)| {
            if k.iter().any(|&b| b == b'%' || b == b'+') {
                decode(k) == key
            } else {
                *k == key.as_bytes()
            }
        })
        .last()
        .map(|(_, v)| decode(v))
}

fn decode(s: &[u8]) -> String {
    if !s.iter().any(|&b| b == b'%' || b == b'+') {
        return String::from_utf8_lossy(s).into_owned();
    }
    let plus: Vec<u8> = s
        .iter()
        .map(|&b| if b == b'+' { b' ' } else { b })
        .collect();
    percent_encoding::percent_decode(&plus)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::header;

    #[test]
    fn fields_are_counted_as_python_counts_them() {
        // 1 + count("&"), for a non-empty body; empty parts count too.
        assert!(FieldCount::check(Some(3), b"a=1&b=2&c=3").is_ok());
        assert!(FieldCount::check(Some(3), b"a&&b&").is_err());
        assert!(FieldCount::check(Some(0), b"").is_ok());
        assert!(FieldCount::check(Some(0), b"a").is_err());
        assert!(FieldCount::check(None, &[b'&'; 5000]).is_ok());
        // Across chunks, refused as soon as the limit is passed.
        let mut count = FieldCount::new(2);
        assert!(count.feed(b"a=1&").is_ok());
        assert!(count.feed(b"").is_ok());
        assert!(count.feed(b"b=2&c").is_err());
    }

    #[test]
    fn the_last_value_is_found_without_decoding_the_rest() {
        let body = b"csrfmiddlewaretoken=one&x=%zz&csrf%6Diddlewaretoken=t%77o&y";
        assert_eq!(
            last_value(body, "csrfmiddlewaretoken").as_deref(),
            Some("two")
        );
        assert_eq!(last_value(body, "y").as_deref(), Some(""));
        assert_eq!(last_value(body, "z"), None);
        assert_eq!(last_value(b"a=b+c", "a").as_deref(), Some("b c"));
    }

    #[test]
    fn the_media_type_is_compared_without_case() {
        let mut headers = HeaderMap::new();
        for ct in [
            "application/x-www-form-urlencoded",
            "Application/X-WWW-Form-URLEncoded; charset=utf-8",
        ] {
            headers.insert(header::CONTENT_TYPE, ct.parse().unwrap());
            assert!(is_form_urlencoded(&headers), "{ct}");
        }
        headers.insert(header::CONTENT_TYPE, "text/plain".parse().unwrap());
        assert!(!is_form_urlencoded(&headers));
    }
}
