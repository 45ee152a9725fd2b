//! The test client (Django's `django.test.Client`): drives a project in-process, without a
//! socket, keeping cookies between requests. Host is `testserver`, as in Django.

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode, header};

use crate::http::Body;
use crate::project::{Project, ProjectService};
use crate::settings::Settings;
use crate::urls::UrlConf;

use super::database::TestDatabase;

/// A browser stand-in for tests.
pub struct Client {
    service: ProjectService,
    settings: Arc<Settings>,
    cookies: BTreeMap<String, String>,
    host: String,
    enforce_csrf_checks: bool,
    secure: bool,
    /// Dropped last: the database outlives the service's connections to it.
    _database: Option<TestDatabase>,
}

/// What the client got back.
#[derive(Debug, Clone)]
pub struct TestResponse {
    /// The status code.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The whole body.
    pub body: Bytes,
}

impl TestResponse {
    /// The status code: `assert_eq!(response.status(), 200)`.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Django's `assertContains`: the status is 200 and the body contains `text`; panics
    /// with the body otherwise.
    #[track_caller]
    pub fn assert_contains(&self, text: &str) {
        let body = self.text();
        assert_eq!(
            self.status,
            StatusCode::OK,
            "expected 200 with {text:?}, got {}:\n{body}",
            self.status
        );
        assert!(
            body.contains(text),
            "{text:?} not found in the page:\n{body}"
        );
    }

    /// Django's `assertRedirects` (without fetching the target): a 301 or 302 to `to`.
    #[track_caller]
    pub fn assert_redirects(&self, to: &str) {
        assert!(
            self.status.is_redirection(),
            "expected a redirect to {to:?}, got {}:\n{}",
            self.status,
            self.text()
        );
        assert_eq!(self.header("location"), Some(to), "the redirect's Location");
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// One header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }
}

impl Client {
    /// A client for `project`, as Django's test runner sets one up: its settings file, DEBUG
    /// off, `testserver` allowed, and a fresh test database with every migration applied
    /// (a temporary SQLite file, or `test_<name>_…` beside a PostgreSQL DATABASE_URL),
    /// dropped with the client.
    pub fn new<U: UrlConf>(project: &Project<U>) -> Self {
        Self::with_settings(project, |_| {})
    }

    /// [`Client::new`], with the settings changed by `adjust` first (Django's
    /// `override_settings`). Setting DATABASE_URL there uses that database instead of a
    /// test one.
    pub fn with_settings<U: UrlConf>(
        project: &Project<U>,
        adjust: impl FnOnce(&mut Settings),
    ) -> Self {
        let mut settings = project.settings().unwrap_or_else(|e| panic!("{e}"));
        settings.debug = false;
        settings.allowed_hosts.push("testserver".into());
        if settings.secret_key.is_empty() {
            settings.secret_key = "manouche-test-secret-key".into();
        }
        let configured = settings.database_url.clone();
        adjust(&mut settings);
        let database = (settings.database_url == configured).then(|| {
            let test = TestDatabase::create(&settings, &project.migrations())
                .unwrap_or_else(|e| panic!("{e}"));
            settings.database_url = test.url.clone();
            test
        });
        let settings = Arc::new(settings);
        Client {
            service: project.service().with_settings(settings.clone()),
            settings,
            cookies: BTreeMap::new(),
            host: "testserver".into(),
            enforce_csrf_checks: false,
            secure: false,
            _database: database,
        }
    }

    /// Runs the CSRF checks on this client's requests (off by default, as in Django's
    /// `Client(enforce_csrf_checks=True)`).
    pub fn enforce_csrf_checks(mut self) -> Self {
        self.enforce_csrf_checks = true;
        self
    }

    /// Sends requests as if over HTTPS (Django's `secure=True`).
    pub fn secure(mut self) -> Self {
        self.secure = true;
        self
    }

    /// Sends requests with this Host header from now on.
    pub fn host(mut self, host: &str) -> Self {
        self.host = host.into();
        self
    }

    /// The settings the client's project runs with.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// A cookie the client holds.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    /// Sets a cookie, as if a response had.
    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.into(), value.into());
    }

    /// `GET path` (the path may carry a query string).
    pub async fn get(&mut self, path: &str) -> TestResponse {
        self.send(Method::GET, path, HeaderMap::new(), Bytes::new())
            .await
    }

    /// `POST path` with a form body.
    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> TestResponse {
        let body = serde_urlencoded::to_string(form).unwrap_or_default();
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        self.send(Method::POST, path, headers, Bytes::from(body))
            .await
    }

    /// `POST path` with a `multipart/form-data` body holding `form`'s fields and `files`
    /// (Django's test client sends one when a value is a file).
    pub async fn post_files(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        files: &[(&str, &crate::files::UploadedFile)],
    ) -> TestResponse {
        let body = encode_multipart(form, files).await;
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(MULTIPART_CONTENT),
        );
        self.send(Method::POST, path, headers, body).await
    }

    /// Any request.
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        headers: HeaderMap,
        body: Bytes,
    ) -> TestResponse {
        let mut builder = http::Request::builder().method(method).uri(path);
        for (k, v) in &headers {
            builder = builder.header(k, v);
        }
        if !headers.contains_key(header::HOST) {
            builder = builder.header(header::HOST, &self.host);
        }
        if !self.cookies.is_empty() {
            let cookie: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            builder = builder.header(header::COOKIE, cookie.join("; "));
        }
        let mut request = builder
            .body(Body::from(body))
            .unwrap_or_else(|e| panic!("cannot build a request for {path:?}: {e}"));
        if self.secure {
            // As if the server had terminated TLS (Django's `wsgi.url_scheme = "https"`).
            request.extensions_mut().insert(crate::http::ServedOverTls);
        }
        if !self.enforce_csrf_checks {
            request
                .extensions_mut()
                .insert(crate::csrf::DontEnforceCsrfChecks);
        }
        let response = self.service.respond(request).await;
        let (head, body) = response.into_parts();
        let body = body
            .collect_bytes()
            .await
            .unwrap_or_else(|e| panic!("cannot read the response body: {e}"));
        self.store_cookies(&head.headers);
        TestResponse {
            status: head.status,
            headers: head.headers,
            body,
        }
    }

    fn store_cookies(&mut self, headers: &HeaderMap) {
        for value in headers.get_all(header::SET_COOKIE) {
            let Ok(text) = value.to_str() else { continue };
            let mut parts = text.split(';');
            let Some((name, value)) = parts.next().and_then(|p| p.split_once('=')) else {
                continue;
            };
            let expired = parts.any(|a| {
                let a = a.trim().to_ascii_lowercase();
                a == "max-age=0" || a.starts_with("max-age=-")
            });
            if expired {
                self.cookies.remove(name.trim());
            } else {
                self.cookies
                    .insert(name.trim().into(), value.trim().trim_matches('"').into());
            }
        }
    }
}

impl Drop for Client {
    /// The test database goes with the client: its shared pool is let go first.
    fn drop(&mut self) {
        if self._database.is_some() {
            crate::db::forget(&self.settings);
        }
    }
}

/// The boundary Django's test client uses.
const BOUNDARY: &str = "BoUnDaRyStRiNg";

/// Django's `MULTIPART_CONTENT`.
const MULTIPART_CONTENT: &str = "multipart/form-data; boundary=BoUnDaRyStRiNg";

/// Django's `encode_multipart`: fields, then files, each a part.
async fn encode_multipart(
    form: &[(&str, &str)],
    files: &[(&str, &crate::files::UploadedFile)],
) -> Bytes {
    // As browsers write names (the HTML standard's multipart encoding).
    let quote = |s: &str| {
        s.replace('"', "%22")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let mut out = Vec::new();
    for (name, value) in form {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n{value}\r\n",
                quote(name)
            )
            .as_bytes(),
        );
    }
    for (name, file) in files {
        let content_type = match file.content_type() {
            "" => "application/octet-stream",
            other => other,
        };
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\nContent-Type: {content_type}\r\n\r\n",
                quote(name),
                quote(file.name())
            )
            .as_bytes(),
        );
        let content = file
            .read()
            .await
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.name()));
        out.extend_from_slice(&content);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    Bytes::from(out)
}
