//! Django's default password validators (`AUTH_PASSWORD_VALIDATORS` of a new project), with
//! their messages: not too similar to the username, names or e-mail; at least 8
//! characters; not one of Django's 20,000 common passwords; not entirely numeric.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::User;

/// Django's list of common passwords (`django/contrib/auth/common-passwords.txt.gz`, by
/// Royce Williams), lower-cased.
const COMMON: &str = include_str!("common-passwords.txt");

/// Django's `MinimumLengthValidator` default.
pub const MIN_LENGTH: usize = 8;

fn common() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| COMMON.lines().map(str::trim).collect())
}

/// Python's `SequenceMatcher(a, b).quick_ratio()`: twice the characters in common over
/// both lengths.
fn quick_ratio(a: &str, b: &str) -> f64 {
    let mut counts: HashMap<char, i64> = HashMap::new();
    for c in b.chars() {
        *counts.entry(c).or_default() += 1;
    }
    let mut matches = 0;
    for c in a.chars() {
        if let Some(n) = counts.get_mut(&c)
            && *n > 0
        {
            *n -= 1;
            matches += 1;
        }
    }
    let total = a.chars().count() + b.chars().count();
    if total == 0 {
        1.0
    } else {
        2.0 * matches as f64 / total as f64
    }
}

/// Django's shortcut: a value far shorter than the password cannot be similar enough.
fn exceeds_maximum_length_ratio(password: &str, max_similarity: f64, value: &str) -> bool {
    let pwd_len = password.chars().count() as f64;
    let value_len = value.chars().count() as f64;
    pwd_len >= 10.0 * value_len && value_len < max_similarity / 2.0 * pwd_len
}

/// The user's fields the similarity validator compares, with Django's verbose names.
fn attributes(user: &User) -> [(&'static str, &str); 4] {
    [
        ("username", user.username.as_str()),
        ("first name", user.first_name.as_str()),
        ("last name", user.last_name.as_str()),
        ("email address", user.email.as_str()),
    ]
}

/// Django's `validate_password(password, user)`: every validator's message, in Django's
/// order; empty when the password is acceptable.
pub fn validate_password(password: &str, user: Option<&User>) -> Vec<String> {
    let mut errors = Vec::new();
    if let Some(user) = user {
        let lowered = password.to_lowercase();
        'attributes: for (name, value) in attributes(user) {
            if value.is_empty() {
                continue;
            }
            let value = value.to_lowercase();
            let mut parts: Vec<&str> = value
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .collect();
            parts.push(&value);
            for part in parts {
                if exceeds_maximum_length_ratio(&lowered, 0.7, part) {
                    continue;
                }
                if quick_ratio(&lowered, part) >= 0.7 {
                    errors.push(format!("The password is too similar to the {name}."));
                    break 'attributes;
                }
            }
        }
    }
    if password.chars().count() < MIN_LENGTH {
        errors.push(format!(
            "This password is too short. It must contain at least {MIN_LENGTH} characters."
        ));
    }
    if common().contains(password.to_lowercase().trim()) {
        errors.push("This password is too common.".into());
    }
    if !password.is_empty() && password.chars().all(|c| c.is_numeric()) {
        errors.push("This password is entirely numeric.".into());
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user() -> User {
        User {
            id: 1,
            password: String::new(),
            last_login: None,
            is_superuser: false,
            username: "harrypotter".into(),
            first_name: "Harry".into(),
            last_name: "Potter".into(),
            email: "harry@hogwarts.example".into(),
            is_staff: false,
            is_active: true,
            date_joined: chrono::DateTime::UNIX_EPOCH.naive_utc(),
        }
    }

    #[test]
    fn djangos_messages_in_djangos_order() {
        assert_eq!(
            validate_password("1234567", None),
            [
                "This password is too short. It must contain at least 8 characters.",
                "This password is too common.",
                "This password is entirely numeric."
            ]
        );
        assert_eq!(
            validate_password("password", None),
            ["This password is too common."]
        );
        assert_eq!(
            validate_password("harrypotter1", Some(&user())),
            ["The password is too similar to the username."]
        );
        assert!(validate_password("expecto-patronum-42", Some(&user())).is_empty());
        // Also checked against Django 5.2 with the same user.
        assert_eq!(
            validate_password("hogwarts2024", Some(&user())),
            ["The password is too similar to the email address."]
        );
        assert_eq!(
            validate_password("Potter!", Some(&user())),
            [
                "The password is too similar to the last name.",
                "This password is too short. It must contain at least 8 characters."
            ]
        );
    }
}
