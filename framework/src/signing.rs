//! Django's `django.core.signing` on ring: `salted_hmac`, `Signer`, `TimestampSigner` and
//! `dumps`/`loads` (`base64(json):timestamp:signature`), with SECRET_KEY_FALLBACKS. Session
//! data and signed cookies use it, so a tampered value is detected, never trusted.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::{digest, hmac};

/// A value whose signature does not verify, or that is malformed or too old.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadSignature {
    /// Django's `BadSignature('No ":" found in value')`.
    NoSeparator,
    /// Django's `BadSignature('Signature "…" does not match')`.
    Mismatch(String),
    /// Django's `SignatureExpired('Signature age … > … seconds')`.
    Expired { age: u64, max_age: u64 },
    /// The payload is not base64 or JSON.
    Malformed(String),
}

impl std::fmt::Display for BadSignature {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BadSignature::NoSeparator => f.write_str("No \":\" found in value"),
            BadSignature::Mismatch(sig) => write!(f, "Signature \"{sig}\" does not match"),
            BadSignature::Expired { age, max_age } => {
                write!(f, "Signature age {age} > {max_age} seconds")
            }
            BadSignature::Malformed(why) => write!(f, "Malformed signed value: {why}"),
        }
    }
}

impl std::error::Error for BadSignature {}

/// The HMAC key of Django's `salted_hmac`: SHA-256 of the key salt and the secret.
fn salted_key(key_salt: &str, secret: &str) -> hmac::Key {
    let mut ctx = digest::Context::new(&digest::SHA256);
    ctx.update(key_salt.as_bytes());
    ctx.update(secret.as_bytes());
    hmac::Key::new(hmac::HMAC_SHA256, ctx.finish().as_ref())
}

/// Django's `salted_hmac(key_salt, value, secret, algorithm="sha256")`.
pub fn salted_hmac(key_salt: &str, value: &[u8], secret: &str) -> hmac::Tag {
    hmac::sign(&salted_key(key_salt, secret), value)
}

/// Django's `Signer`: `value:signature`, verified with the key or any fallback key. The HMAC
/// keys are derived once, when the signer is made.
#[derive(Debug, Clone)]
pub struct Signer {
    /// SECRET_KEY's HMAC key first, then the fallbacks'.
    keys: Vec<hmac::Key>,
}

impl Signer {
    /// A signer with SECRET_KEY, its fallbacks, and a salt that separates uses.
    pub fn new(key: &str, fallback_keys: &[String], salt: &str) -> Self {
        let key_salt = format!("{salt}signer");
        let keys = std::iter::once(key)
            .chain(fallback_keys.iter().map(String::as_str))
            .map(|secret| salted_key(&key_salt, secret))
            .collect();
        Signer { keys }
    }

    /// The 43-character signature of `value`.
    pub fn signature(&self, value: &str) -> String {
        URL_SAFE_NO_PAD.encode(hmac::sign(&self.keys[0], value.as_bytes()).as_ref())
    }

    /// `value:signature`.
    pub fn sign(&self, value: &str) -> String {
        format!("{value}:{}", self.signature(value))
    }

    /// The value, when the signature verifies with the key or a fallback (in constant
    /// time: ring compares the tags).
    pub fn unsign<'a>(&self, signed: &'a str) -> Result<&'a str, BadSignature> {
        let (value, sig) = signed.rsplit_once(':').ok_or(BadSignature::NoSeparator)?;
        let mismatch = || BadSignature::Mismatch(sig.to_owned());
        // Only the canonical encoding of a tag is accepted, as Django compares the text.
        let tag = URL_SAFE_NO_PAD.decode(sig).map_err(|_| mismatch())?;
        self.keys
            .iter()
            .any(|key| hmac::verify(key, value.as_bytes(), &tag).is_ok())
            .then_some(value)
            .ok_or_else(mismatch)
    }
}

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// Django's `b62_encode`.
pub fn b62_encode(mut n: u64) -> String {
    if n == 0 {
        return "0".into();
    }
    let mut out = Vec::new();
    while n > 0 {
        out.push(BASE62[(n % 62) as usize]);
        n /= 62;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Django's `b62_decode`.
pub fn b62_decode(s: &str) -> Option<u64> {
    s.bytes().try_fold(0u64, |n, c| {
        let d = BASE62.iter().position(|&b| b == c)? as u64;
        n.checked_mul(62)?.checked_add(d)
    })
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Django's `TimestampSigner`: `value:timestamp:signature`, with a maximum age on unsign.
#[derive(Debug, Clone)]
pub struct TimestampSigner(Signer);

impl TimestampSigner {
    /// As [`Signer::new`].
    pub fn new(key: &str, fallback_keys: &[String], salt: &str) -> Self {
        TimestampSigner(Signer::new(key, fallback_keys, salt))
    }

    /// `value:timestamp:signature`.
    pub fn sign(&self, value: &str) -> String {
        self.0.sign(&format!("{value}:{}", b62_encode(now_secs())))
    }

    /// The value, when the signature verifies and it is not older than `max_age`.
    pub fn unsign<'a>(
        &self,
        signed: &'a str,
        max_age: Option<Duration>,
    ) -> Result<&'a str, BadSignature> {
        let value = self.0.unsign(signed)?;
        let (value, ts) = value.rsplit_once(':').ok_or(BadSignature::NoSeparator)?;
        let ts = b62_decode(ts).ok_or_else(|| BadSignature::Malformed("timestamp".into()))?;
        if let Some(max) = max_age {
            let age = now_secs().saturating_sub(ts);
            if age > max.as_secs() {
                return Err(BadSignature::Expired {
                    age,
                    max_age: max.as_secs(),
                });
            }
        }
        Ok(value)
    }
}

impl TimestampSigner {
    /// Django's `sign_object` for data already serialised: base64url without padding —
    /// zlib-compressed with a leading `.` when `compress` asks and that is shorter — then
    /// signed.
    pub fn sign_payload(&self, data: &[u8], compress: bool) -> String {
        use std::io::Write;
        let compressed = compress
            .then(|| {
                let mut zlib =
                    flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
                zlib.write_all(data).and_then(|()| zlib.finish()).ok()
            })
            .flatten()
            .filter(|c| c.len() + 1 < data.len());
        match compressed {
            Some(c) => self.sign(&format!(".{}", URL_SAFE_NO_PAD.encode(c))),
            None => self.sign(&URL_SAFE_NO_PAD.encode(data)),
        }
    }

    /// Django's `unsign_object` up to the serialised data: verified, its age checked,
    /// decoded, and decompressed when Django compressed it (at most 64 KiB come out,
    /// however well it was compressed).
    pub fn unsign_payload(
        &self,
        signed: &str,
        max_age: Option<Duration>,
    ) -> Result<Vec<u8>, BadSignature> {
        let payload = self.unsign(signed, max_age)?;
        decode_payload(payload)
    }

    /// Django's `dumps` with this signer: JSON, base64url without padding, then signed.
    pub fn dumps<T: serde::Serialize>(&self, value: &T) -> Result<String, serde_json::Error> {
        let json = serde_json::to_vec(value)?;
        Ok(self.sign_payload(&json, false))
    }

    /// Django's `loads` with this signer: verifies, checks the age, decodes.
    pub fn loads<T: serde::de::DeserializeOwned>(
        &self,
        signed: &str,
        max_age: Option<Duration>,
    ) -> Result<T, BadSignature> {
        let payload = self.unsign(signed, max_age)?;
        if payload.starts_with('.') {
            return Err(BadSignature::Malformed(
                "compressed payloads are not read".into(),
            ));
        }
        let json = decode_payload(payload)?;
        serde_json::from_slice(&json).map_err(|e| BadSignature::Malformed(e.to_string()))
    }
}

/// A signed payload's data: base64url, zlib-compressed when it starts with `.`.
fn decode_payload(payload: &str) -> Result<Vec<u8>, BadSignature> {
    use std::io::Read;
    let malformed = |e: &dyn std::fmt::Display| BadSignature::Malformed(e.to_string());
    let (compressed, payload) = match payload.strip_prefix('.') {
        Some(rest) => (true, rest),
        None => (false, payload),
    };
    let data = URL_SAFE_NO_PAD.decode(payload).map_err(|e| malformed(&e))?;
    if !compressed {
        return Ok(data);
    }
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(data.as_slice())
        .take(64 * 1024)
        .read_to_end(&mut out)
        .map_err(|e| malformed(&e))?;
    Ok(out)
}

/// Django's `dumps`: JSON, base64url without padding, then timestamp-signed.
pub fn dumps<T: serde::Serialize>(
    value: &T,
    key: &str,
    fallback_keys: &[String],
    salt: &str,
) -> Result<String, serde_json::Error> {
    TimestampSigner::new(key, fallback_keys, salt).dumps(value)
}

/// Django's `loads`: verifies, checks the age, decodes.
pub fn loads<T: serde::de::DeserializeOwned>(
    signed: &str,
    key: &str,
    fallback_keys: &[String],
    salt: &str,
    max_age: Option<Duration>,
) -> Result<T, BadSignature> {
    TimestampSigner::new(key, fallback_keys, salt).loads(signed, max_age)
}
