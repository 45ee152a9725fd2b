//! Django's default password hasher, `pbkdf2_sha256$<iterations>$<salt>$<base64 hash>`
//! (`django.contrib.auth.hashers`), on ring's PBKDF2: a hash made by Django verifies here
//! and the other way round.

use std::num::NonZeroU32;

use base64::Engine as _;
use ring::pbkdf2;

/// Django 5.2's iterations for PBKDF2-SHA256.
pub const ITERATIONS: u32 = 1_000_000;

/// The algorithm's name at the start of a hash.
pub const ALGORITHM: &str = "pbkdf2_sha256";

/// The start of a password that can never match (`set_unusable_password`).
pub const UNUSABLE_PREFIX: &str = "!";

const SALT_CHARS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

/// Django's salt: 22 characters of [a-zA-Z0-9], 128 bits.
const SALT_LEN: usize = 22;

fn encode(password: &str, salt: &str, iterations: NonZeroU32) -> String {
    let mut out = [0u8; 32];
    pbkdf2::derive(
        pbkdf2::PBKDF2_HMAC_SHA256,
        iterations,
        salt.as_bytes(),
        password.as_bytes(),
        &mut out,
    );
    format!(
        "{ALGORITHM}${iterations}${salt}${}",
        base64::engine::general_purpose::STANDARD.encode(out)
    )
}

/// Django's `make_password(password)`: a new salt, the default iterations.
pub fn make_password(password: &str) -> String {
    let salt = crate::csrf::random_string(SALT_LEN, SALT_CHARS);
    encode(
        password,
        &salt,
        NonZeroU32::new(ITERATIONS).expect("not zero"),
    )
}

/// Django's `make_password(None)`: a value no password matches.
pub fn make_unusable_password() -> String {
    format!(
        "{UNUSABLE_PREFIX}{}",
        crate::csrf::random_string(40, SALT_CHARS)
    )
}

/// Whether `encoded` can match a password (not `!…`).
pub fn is_password_usable(encoded: &str) -> bool {
    !encoded.starts_with(UNUSABLE_PREFIX)
}

/// What checking a password found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checked {
    /// Whether the password matches.
    pub correct: bool,
    /// Whether the stored hash should be made again (fewer iterations or a short salt
    /// than Django 5.2 uses), as Django does on a successful login.
    pub must_update: bool,
}

/// The parts of a PBKDF2-SHA256 hash.
fn decode(encoded: &str) -> Option<(NonZeroU32, &str, &str)> {
    let mut parts = encoded.splitn(4, '$');
    let (algorithm, iterations, salt, hash) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    if algorithm != ALGORITHM || salt.contains('$') {
        return None;
    }
    Some((iterations.parse().ok()?, salt, hash))
}

/// Django's `verify_password`. An unusable or unknown hash costs one hashing all the same
/// (Django's guard against telling users apart by time), and a wrong password on an
/// older hash is hashed up to today's iterations for the same reason.
pub fn check_password(password: &str, encoded: &str) -> Checked {
    let Some((iterations, salt, _)) = decode(encoded).filter(|_| is_password_usable(encoded))
    else {
        let _ = make_password(password);
        return Checked {
            correct: false,
            must_update: false,
        };
    };
    let again = encode(password, salt, iterations);
    let correct = crate::csrf::constant_time_eq(&again, encoded);
    // A salt shorter than 128 bits of [a-zA-Z0-9] is renewed too.
    let short_salt = (salt.len() as f64) * (SALT_CHARS.len() as f64).log2() < 128.0;
    let must_update = iterations.get() != ITERATIONS || short_salt;
    if !correct
        && let Some(extra) = ITERATIONS
            .checked_sub(iterations.get())
            .and_then(NonZeroU32::new)
    {
        let _ = encode(password, salt, extra);
    }
    Checked {
        correct,
        must_update,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Made by Django 5.2: `PBKDF2PasswordHasher().encode("correct horse battery staple",
    /// "lSBkZKxVhYlROYJuI0nLOs", 1000000)`.
    const DJANGO: &str =
        "pbkdf2_sha256$1000000$lSBkZKxVhYlROYJuI0nLOs$Ow1zDE0R1HSM1tQLpSg19idKMbbh+VXuhLln7MQFEs4=";
    /// The same with Django 4.0's 260,000 iterations.
    const OLD: &str =
        "pbkdf2_sha256$260000$lSBkZKxVhYlROYJuI0nLOs$L7UCoinqReK7leKeqhW241ZZE0K+iAHhIveg278Ws5U=";

    #[test]
    fn a_hash_made_by_django_verifies() {
        let c = check_password("correct horse battery staple", DJANGO);
        assert!(c.correct && !c.must_update);
        assert!(!check_password("correct horse battery stapl", DJANGO).correct);
        // Non-ASCII, also made by Django.
        let accents = "pbkdf2_sha256$1000000$saltsaltsaltsaltsalt12$9HGZRpJPuaoOQt5nGDLKOlT1u7DrbY2a6gmhWAOa+Fo=";
        assert!(check_password("pässwörd", accents).correct);
    }

    #[test]
    fn fewer_iterations_verify_and_ask_for_an_update() {
        let c = check_password("correct horse battery staple", OLD);
        assert!(c.correct && c.must_update);
    }

    #[test]
    fn made_hashes_have_djangos_shape_and_verify() {
        let h = make_password("s3cret!");
        let parts: Vec<&str> = h.split('$').collect();
        assert_eq!(parts[0], "pbkdf2_sha256");
        assert_eq!(parts[1], "1000000");
        assert_eq!(parts[2].len(), 22);
        assert!(check_password("s3cret!", &h).correct);
        assert_ne!(make_password("s3cret!"), h, "a new salt each time");
    }

    #[test]
    fn unusable_and_malformed_hashes_never_match() {
        let u = make_unusable_password();
        assert!(!is_password_usable(&u));
        assert!(!check_password("", &u).correct);
        assert!(!check_password("x", "md5$abc").correct);
        assert!(!check_password("x", "pbkdf2_sha256$0$salt$hash").correct);
        assert!(!check_password("x", "").correct);
    }
}
