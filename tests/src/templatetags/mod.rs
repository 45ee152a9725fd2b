//! The test site's own template filters (Django's `templatetags` package).

pub mod shout;
