//! Settings: Django's names and defaults in a typed struct, read from `settings.toml` in the
//! project folder and overridden by `MANOUCHE_<NAME>` environment variables.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The project's settings. Keys in `settings.toml` are Django's (`DEBUG`, `ALLOWED_HOSTS`, …).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE", default)]
#[non_exhaustive]
pub struct Settings {
    /// Debug pages and the development defaults. Off unless set, as in Django.
    pub debug: bool,
    /// The key that signs sessions and tokens. Required when DEBUG is off.
    pub secret_key: String,
    /// Older keys still accepted when verifying signatures.
    pub secret_key_fallbacks: Vec<String>,
    /// Host names this site answers to (`.example.com` includes subdomains, `*` any).
    pub allowed_hosts: Vec<String>,
    /// Redirect `/path` to `/path/` when only the latter resolves.
    pub append_slash: bool,
    /// Largest request body accepted, in bytes (`None`: no limit). 2.5 MiB by default.
    pub data_upload_max_memory_size: Option<u64>,
    /// Most form fields accepted in one request.
    pub data_upload_max_number_fields: Option<usize>,
    /// Most files accepted in one `multipart/form-data` request (400 beyond it).
    pub data_upload_max_number_files: Option<usize>,
    /// The uploads of a request of at most this many bytes (2.5 MiB) stay in memory; a
    /// larger request's are spooled to a temporary file.
    pub file_upload_max_memory_size: u64,
    /// Where large uploads are spooled (none: the system's temporary folder).
    pub file_upload_temp_dir: Option<String>,
    /// The mode of saved uploads (`0o644`, written `420` in TOML; none: the process's umask).
    pub file_upload_permissions: Option<u32>,
    /// The folder uploads are saved in, relative to the project folder. (Django leaves it
    /// empty; manouche starts where Django's documentation tells you to set it.)
    pub media_root: String,
    /// The URL prefix of uploaded files.
    pub media_url: String,
    /// Where `collectstatic` gathers the static files for the web server; none until set.
    pub static_root: Option<String>,
    /// `X-Frame-Options` value added to responses that have none.
    pub x_frame_options: String,
    /// Add `X-Content-Type-Options: nosniff`.
    pub secure_content_type_nosniff: bool,
    /// `Referrer-Policy` value (empty: none).
    pub secure_referrer_policy: String,
    /// `Cross-Origin-Opener-Policy` value (empty: none).
    pub secure_cross_origin_opener_policy: String,
    /// `Strict-Transport-Security` max-age for HTTPS responses (0: off).
    pub secure_hsts_seconds: u64,
    /// Include subdomains in HSTS.
    pub secure_hsts_include_subdomains: bool,
    /// Add `preload` to HSTS.
    pub secure_hsts_preload: bool,
    /// Redirect every request that is not secure to HTTPS (301).
    pub secure_ssl_redirect: bool,
    /// The host SECURE_SSL_REDIRECT sends to (none: the request's own).
    pub secure_ssl_host: Option<String>,
    /// The URL prefix of static files.
    pub static_url: String,
    /// The CSRF cookie's name.
    pub csrf_cookie_name: String,
    /// The CSRF cookie's lifetime in seconds (52 weeks).
    pub csrf_cookie_age: u64,
    /// The CSRF cookie's domain (none: this host only).
    pub csrf_cookie_domain: Option<String>,
    /// The CSRF cookie's path.
    pub csrf_cookie_path: String,
    /// Send the CSRF cookie over HTTPS only.
    pub csrf_cookie_secure: bool,
    /// Hide the CSRF cookie from JavaScript.
    pub csrf_cookie_httponly: bool,
    /// The CSRF cookie's SameSite (`"Lax"`, `"Strict"`, `"None"`, or `""` for none).
    pub csrf_cookie_samesite: String,
    /// The header that carries the token for AJAX (Django's `HTTP_X_CSRFTOKEN`).
    pub csrf_header_name: String,
    /// Origins trusted for unsafe requests: `https://example.com`, `https://*.example.com`.
    pub csrf_trusted_origins: Vec<String>,
    /// `["X-Forwarded-Proto", "https"]`: the header a proxy sets for HTTPS requests.
    pub secure_proxy_ssl_header: Vec<String>,
    /// Where `#[view(login_required)]` sends an anonymous visitor.
    pub login_url: String,
    /// Where a login goes when no safe `next` was given.
    pub login_redirect_url: String,
    /// Where a logout goes (none: the logout page itself).
    pub logout_redirect_url: Option<String>,
    /// The lowest level of message kept (`messages::level::INFO`, 20).
    pub message_level: i64,
    /// Where sessions live: `"db"` (the database), `"signed_cookies"` or `"memory"`.
    pub session_engine: String,
    /// The session cookie's name.
    pub session_cookie_name: String,
    /// The session's lifetime in seconds (two weeks).
    pub session_cookie_age: u64,
    /// The session cookie's domain (none: this host only).
    pub session_cookie_domain: Option<String>,
    /// The session cookie's path.
    pub session_cookie_path: String,
    /// Send the session cookie over HTTPS only.
    pub session_cookie_secure: bool,
    /// Hide the session cookie from JavaScript.
    pub session_cookie_httponly: bool,
    /// The session cookie's SameSite.
    pub session_cookie_samesite: String,
    /// Save the session on every request, not only when it changed.
    pub session_save_every_request: bool,
    /// End sessions when the browser closes.
    pub session_expire_at_browser_close: bool,
    /// Keep the CSRF secret in the session instead of a cookie.
    pub csrf_use_sessions: bool,
    /// Apply pending migrations when `runserver` starts (manouche's; for the SQLite default
    /// in development).
    pub auto_migrate: bool,
    /// Where the database is: `sqlite://db.sqlite3` (default) or `postgres://…`.
    pub database_url: String,
    /// Seconds a client may take to send its request headers before it is cut off.
    pub request_header_timeout: u64,
    /// Seconds a client may take to send its whole request body (408 beyond it).
    pub request_body_timeout: u64,
    /// Largest total size of the request line and headers, in bytes (431 beyond it).
    pub max_header_size: usize,
    /// Seconds in-flight requests get to finish on shutdown.
    pub shutdown_timeout: u64,
    /// Seconds a connection closed before its request body was read keeps reading (and
    /// discarding) it, so that the client sees the answer (nginx's lingering close).
    pub lingering_close_timeout: u64,
    /// Most bytes such a connection reads before it closes all the same.
    pub lingering_close_max_size: u64,
    /// Time zone name (informational until time zones are used).
    pub time_zone: String,
    /// Language code.
    pub language_code: String,
    /// Which events are logged, as `RUST_LOG` says it (`info`, `warn`,
    /// `manouche::request=off,info`); `RUST_LOG` wins when set.
    pub logging: String,
    /// How: `"text"` (the message alone, as runserver prints) or `"json"` (one object a line).
    pub log_format: String,
    #[serde(skip)]
    base_dir: PathBuf,
    /// collectstatic's manifest, read when first needed (DEBUG off, STATIC_ROOT set).
    #[serde(skip)]
    static_manifest:
        std::sync::Arc<std::sync::OnceLock<Option<crate::staticfiles::manifest::Manifest>>>,
    /// Every key the file and the environment set, the project's own ones included.
    #[serde(skip)]
    table: toml::Table,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            debug: false,
            secret_key: String::new(),
            secret_key_fallbacks: Vec::new(),
            allowed_hosts: Vec::new(),
            append_slash: true,
            data_upload_max_memory_size: Some(2_621_440),
            data_upload_max_number_fields: Some(1000),
            data_upload_max_number_files: Some(100),
            file_upload_max_memory_size: 2_621_440,
            file_upload_temp_dir: None,
            file_upload_permissions: Some(0o644),
            media_root: "media".into(),
            media_url: "media/".into(),
            static_root: None,
            x_frame_options: "DENY".into(),
            secure_content_type_nosniff: true,
            secure_referrer_policy: "same-origin".into(),
            secure_cross_origin_opener_policy: "same-origin".into(),
            secure_hsts_seconds: 0,
            secure_hsts_include_subdomains: false,
            secure_hsts_preload: false,
            secure_ssl_redirect: false,
            secure_ssl_host: None,
            static_url: "static/".into(),
            csrf_cookie_name: "csrftoken".into(),
            csrf_cookie_age: 31_449_600,
            csrf_cookie_domain: None,
            csrf_cookie_path: "/".into(),
            csrf_cookie_secure: false,
            csrf_cookie_httponly: false,
            csrf_cookie_samesite: "Lax".into(),
            csrf_header_name: "HTTP_X_CSRFTOKEN".into(),
            csrf_trusted_origins: Vec::new(),
            secure_proxy_ssl_header: Vec::new(),
            login_url: "/accounts/login/".into(),
            login_redirect_url: "/accounts/profile/".into(),
            logout_redirect_url: None,
            message_level: 20,
            session_engine: "db".into(),
            session_cookie_name: "sessionid".into(),
            session_cookie_age: 1_209_600,
            session_cookie_domain: None,
            session_cookie_path: "/".into(),
            session_cookie_secure: false,
            session_cookie_httponly: true,
            session_cookie_samesite: "Lax".into(),
            session_save_every_request: false,
            session_expire_at_browser_close: false,
            csrf_use_sessions: false,
            auto_migrate: false,
            database_url: "sqlite://db.sqlite3".into(),
            request_header_timeout: 10,
            request_body_timeout: 30,
            max_header_size: 64 * 1024,
            shutdown_timeout: 30,
            lingering_close_timeout: 5,
            lingering_close_max_size: 16 * 1024 * 1024,
            time_zone: "UTC".into(),
            language_code: "en-us".into(),
            logging: "info".into(),
            log_format: "text".into(),
            base_dir: PathBuf::from("."),
            static_manifest: Default::default(),
            table: toml::Table::new(),
        }
    }
}

/// Django's message for an empty SECRET_KEY, and how to make one.
const EMPTY_SECRET_KEY: &str = "The SECRET_KEY setting must not be empty. Set SECRET_KEY in settings.toml (or the MANOUCHE_SECRET_KEY environment variable) to a long random value, such as the output of `openssl rand -base64 48`; `manouche startproject` writes one for development.";

/// A settings file or variable that cannot be used; the message names the file, line and key.
#[derive(Debug)]
pub struct ImproperlyConfigured(pub String);

impl std::fmt::Display for ImproperlyConfigured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ImproperlyConfigured {}

impl Settings {
    /// Reads `<base_dir>/settings.toml` (absent: Django's defaults), then the environment.
    pub fn load(base_dir: &Path) -> Result<Settings, ImproperlyConfigured> {
        let file = base_dir.join("settings.toml");
        let mut settings = match std::fs::read_to_string(&file) {
            Ok(text) => Settings::from_toml(&text, &file)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(e) => {
                return Err(ImproperlyConfigured(format!(
                    "cannot read {}: {e}",
                    file.display()
                )));
            }
        };
        settings.base_dir = base_dir.to_path_buf();
        settings.apply_env(std::env::vars())?;
        Ok(settings)
    }

    /// Parses settings from TOML text; errors name `file`, the line and the key. Keys that
    /// are not Django's or manouche's are the project's own ([`Settings::project`]); one
    /// close to a known key is taken for a misspelling and refused.
    pub fn from_toml(text: &str, file: &Path) -> Result<Settings, ImproperlyConfigured> {
        let at = |e: toml::de::Error| {
            let msg = e.message().trim_end().to_string();
            let line = e.span().map(|span| line_of(text, span.start));
            located(file, text, line, &msg)
        };
        let table: toml::Table = toml::from_str(text).map_err(at)?;
        let defaults = known_keys();
        for key in table.keys() {
            if let Some(known) = misspelt(key, &defaults) {
                let line = text.find(key.as_str()).map(|i| line_of(text, i));
                return Err(located(
                    file,
                    text,
                    line,
                    &format!("unknown field `{key}`: did you mean `{known}`?"),
                ));
            }
        }
        let mut settings: Settings = toml::from_str(text).map_err(at)?;
        settings.table = table;
        Ok(settings)
    }

    /// Applies `MANOUCHE_<NAME>` variables (and `DATABASE_URL`) over the file's keys, then
    /// reads the settings again from the whole: a Django setting's value takes the type of
    /// its default (lists are comma-separated; booleans `true`/`false`/`1`/`0`); a project's
    /// own is a boolean or an integer when it reads as one, else text.
    pub fn apply_env(
        &mut self,
        vars: impl IntoIterator<Item = (String, String)>,
    ) -> Result<(), ImproperlyConfigured> {
        let defaults = known_keys();
        let mut table = self.table.clone();
        for (name, value) in vars {
            let key = match name.strip_prefix("MANOUCHE_") {
                // Variables that steer the tools, not settings.
                Some(k) if NOT_SETTINGS.contains(&k) => continue,
                Some(k) => k.to_string(),
                None if name == "DATABASE_URL" => name.clone(),
                None => continue,
            };
            let bad =
                |msg: &str| ImproperlyConfigured(format!("environment variable {name}: {msg}"));
            if let Some(known) = misspelt(&key, &defaults) {
                return Err(bad(&format!(
                    "unknown field `{key}`: did you mean `{known}`?"
                )));
            }
            let toml_value = env_value(defaults.get(&key), &value).map_err(|m| bad(&m))?;
            // This one key alone first, so that a wrong type names its variable.
            let mut one = toml::Table::new();
            one.insert(key.clone(), toml_value.clone());
            Settings::deserialize(toml::Value::Table(one)).map_err(|e| bad(e.message()))?;
            table.insert(key, toml_value);
        }
        let base_dir = std::mem::take(&mut self.base_dir);
        *self = Settings::deserialize(toml::Value::Table(table.clone()))
            .map_err(|e| ImproperlyConfigured(e.message().to_string()))?;
        self.base_dir = base_dir;
        self.table = table;
        Ok(())
    }

    /// The project's own settings, read from the same `settings.toml` and `MANOUCHE_*`
    /// variables as Django's: any serde struct, whose fields name its keys.
    ///
    /// ```
    /// #[derive(serde::Deserialize)]
    /// #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    /// struct Site {
    ///     site_name: String,
    ///     #[serde(default)]
    ///     tasks_per_page: u32,
    /// }
    ///
    /// let settings = manouche::Settings::from_toml(
    ///     "DEBUG = true\nSITE_NAME = \"Tasks\"\n",
    ///     "settings.toml".as_ref(),
    /// )?;
    /// let site: Site = settings.project()?;
    /// assert_eq!(site.site_name, "Tasks");
    /// # Ok::<(), manouche::settings::ImproperlyConfigured>(())
    /// ```
    pub fn project<T: serde::de::DeserializeOwned>(&self) -> Result<T, ImproperlyConfigured> {
        T::deserialize(toml::Value::Table(self.table.clone()))
            .map_err(|e| ImproperlyConfigured(format!("the project's settings: {}", e.message())))
    }

    /// The project folder (where `settings.toml` is).
    pub fn base_dir(&self) -> &Path {
        &self.base_dir
    }

    /// MEDIA_ROOT as a path (relative to the project folder unless absolute).
    pub fn media_root_path(&self) -> PathBuf {
        self.base_dir.join(&self.media_root)
    }

    /// STATIC_ROOT as a path (relative to the project folder unless absolute), when set.
    pub fn static_root_path(&self) -> Option<PathBuf> {
        self.static_root
            .as_deref()
            .filter(|root| !root.is_empty())
            .map(|root| self.base_dir.join(root))
    }

    /// Sets the project folder.
    pub fn with_base_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.base_dir = dir.into();
        self.static_manifest = Default::default();
        self
    }

    /// collectstatic's manifest in STATIC_ROOT, read once; `None` with DEBUG on, without
    /// STATIC_ROOT, or when there is none (the start-up check says so).
    pub(crate) fn static_manifest(&self) -> Option<&crate::staticfiles::manifest::Manifest> {
        self.static_manifest
            .get_or_init(|| {
                let root = self.static_root_path().filter(|_| !self.debug)?;
                crate::staticfiles::manifest::Manifest::load(&root).ok()
            })
            .as_ref()
    }

    /// Django's start-up checks: SECRET_KEY must be set (an empty key would make every signed
    /// value forgeable, DEBUG or not), and ALLOWED_HOSTS too with DEBUG off.
    pub fn check(&self) -> Result<(), ImproperlyConfigured> {
        if !self.debug && self.allowed_hosts.is_empty() {
            return Err(ImproperlyConfigured(
                "You must set settings.ALLOWED_HOSTS if DEBUG is False.".into(),
            ));
        }
        if self.secret_key.is_empty() {
            return Err(ImproperlyConfigured(EMPTY_SECRET_KEY.into()));
        }
        if !self.debug
            && let Some(root) = self.static_root_path()
        {
            crate::staticfiles::collect::check_manifest(self, &root)
                .map_err(ImproperlyConfigured)?;
        }
        for (name, age) in [
            ("SESSION_COOKIE_AGE", self.session_cookie_age),
            ("CSRF_COOKIE_AGE", self.csrf_cookie_age),
        ] {
            if crate::timezone::expires_after(std::time::Duration::from_secs(age)).is_none() {
                return Err(ImproperlyConfigured(format!(
                    "{name} = {age} is too large: a cookie that lives that long would expire after the year 9999. Use a number of seconds such as 1209600 (two weeks)."
                )));
            }
        }
        Ok(())
    }

    /// ALLOWED_HOSTS as Django applies it: with DEBUG on and the list empty, the local names.
    pub fn effective_allowed_hosts(&self) -> std::borrow::Cow<'_, [String]> {
        if self.debug && self.allowed_hosts.is_empty() {
            std::borrow::Cow::Owned(vec![
                ".localhost".into(),
                "127.0.0.1".into(),
                "[::1]".into(),
            ])
        } else {
            std::borrow::Cow::Borrowed(&self.allowed_hosts)
        }
    }
}

/// Something made from the first settings it is asked for (a server has one), kept so that
/// it is made once, not per request; other settings (a test that changes them) get `None`,
/// and make theirs afresh.
#[derive(Debug)]
pub(crate) struct MadeForFirst<T>(std::sync::OnceLock<(std::sync::Arc<Settings>, T)>);

impl<T> MadeForFirst<T> {
    /// Nothing made yet.
    pub(crate) const fn new() -> Self {
        MadeForFirst(std::sync::OnceLock::new())
    }

    /// What was made for `settings`, made now by `make` if nothing was; `None` for other
    /// settings than the first.
    pub(crate) fn get_or_make(
        &self,
        settings: &std::sync::Arc<Settings>,
        make: impl FnOnce(&Settings) -> T,
    ) -> Option<&T> {
        let (made_for, made) = self.0.get_or_init(|| (settings.clone(), make(settings)));
        std::sync::Arc::ptr_eq(made_for, settings).then_some(made)
    }
}

impl<T> Default for MadeForFirst<T> {
    fn default() -> Self {
        MadeForFirst::new()
    }
}

/// `MANOUCHE_*` variables that are not settings.
const NOT_SETTINGS: &[&str] = &[
    "BASE_DIR",
    "RUNSERVER_HIDE_WARNING",
    "RUN_MAIN",
    "ACCESS_LOG",
];

/// The line of byte `offset` in `text`, from 1.
fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// An error in `file` at `line`, naming the key set on that line.
fn located(file: &Path, text: &str, line: Option<usize>, msg: &str) -> ImproperlyConfigured {
    let Some(line) = line else {
        return ImproperlyConfigured(format!("{}: {msg}", file.display()));
    };
    let line_text = text.lines().nth(line - 1).unwrap_or("");
    match line_text.split_once('=') {
        Some((key, _)) => {
            ImproperlyConfigured(format!("{}:{line}: {}: {msg}", file.display(), key.trim()))
        }
        None => ImproperlyConfigured(format!("{}:{line}: {msg}", file.display())),
    }
}

/// Every setting manouche reads, with its default (what the struct's own serde gives).
fn known_keys() -> serde_json::Map<String, serde_json::Value> {
    match serde_json::to_value(Settings::default()) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    }
}

/// The known setting `key` is a misspelling of (`DEBGU` → `DEBUG`, `Allowed_Hosts` →
/// `ALLOWED_HOSTS`), if any; a key far from all of them is the project's own.
fn misspelt(key: &str, known: &serde_json::Map<String, serde_json::Value>) -> Option<String> {
    if known.contains_key(key) {
        return None;
    }
    let upper = key.to_ascii_uppercase().replace('-', "_");
    known
        .keys()
        .map(|k| (edit_distance(&upper, k), k))
        .filter(|(d, k)| *d == 0 || (*d <= 2 && k.len() > 4))
        .min()
        .map(|(_, k)| k.clone())
}

/// Levenshtein distance between two ASCII keys.
fn edit_distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// An environment variable's text as the TOML value of a setting whose default is
/// `default` (none: a project's own setting).
fn env_value(default: Option<&serde_json::Value>, value: &str) -> Result<toml::Value, String> {
    use serde_json::Value as J;
    let boolean = |v: &str| match v {
        "true" | "True" | "1" => Some(true),
        "false" | "False" | "0" | "" => Some(false),
        _ => None,
    };
    Ok(match default {
        Some(J::Bool(_)) => toml::Value::Boolean(
            boolean(value).ok_or_else(|| format!("expected a boolean, got {value:?}"))?,
        ),
        Some(J::Number(_)) => toml::Value::Integer(
            value
                .trim()
                .parse()
                .map_err(|_| format!("expected an integer, got {value:?}"))?,
        ),
        Some(J::Array(_)) => toml::Value::Array(
            value
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| toml::Value::String(s.into()))
                .collect(),
        ),
        Some(_) => toml::Value::String(value.into()),
        // A project's own: an integer or a boolean when it reads as one.
        None => match value.parse::<i64>() {
            Ok(n) => toml::Value::Integer(n),
            Err(_) => match value {
                "true" | "True" => toml::Value::Boolean(true),
                "false" | "False" => toml::Value::Boolean(false),
                _ => toml::Value::String(value.into()),
            },
        },
    })
}
