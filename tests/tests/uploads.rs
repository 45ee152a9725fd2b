//! Uploads over real sockets (Django's `MultiPartParser`, `FileField` and
//! `FileSystemStorage`): small files in memory, large ones spooled to disk with the server's
//! memory flat, Django's limits as 400s, a truncated body as a 400, names that try to leave
//! MEDIA_ROOT saved inside it, and the CSRF token read from the multipart body.

use std::path::Path;

use manouche_tests::support::{RawResponse, Server, TempDir, csrf_token, exchange, get};

const SITE: &str = env!("CARGO_BIN_EXE_testsite");
const BOUNDARY: &str = "----manouche7MA4YWxkTrZu0gW";

/// One part of a multipart body: a field, or a file with its name and content.
enum Part<'a> {
    Field(&'a str, &'a str),
    File(&'a str, &'a str, &'a [u8]),
}

fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for part in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match part {
            Part::Field(name, value) => {
                body.extend_from_slice(
                    format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                        .as_bytes(),
                );
            }
            Part::File(name, file_name, content) => {
                body.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: text/plain\r\n\r\n"
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(content);
                body.extend_from_slice(b"\r\n");
            }
        }
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// A server with its own MEDIA_ROOT, and the CSRF cookie and token of its upload page.
struct Site {
    server: Server,
    media: TempDir,
    /// The upload form's path, where the posts go.
    page: &'static str,
    host: String,
    cookie: String,
    token: String,
}

/// The test site's upload form.
fn site(env: &[(&str, &str)]) -> Site {
    Site::open(SITE, "/upload", None, env)
}

impl Site {
    /// Starts `bin` and reads the form at `page` (asked for as `host`, or the address).
    fn open(bin: &str, page: &'static str, host: Option<&str>, env: &[(&str, &str)]) -> Site {
        let media = TempDir::new("media");
        let root = media.0.display().to_string();
        let mut all = vec![("MANOUCHE_MEDIA_ROOT", root.as_str())];
        all.extend_from_slice(env);
        let server = Server::start(bin, &all);
        let host = host.map_or_else(|| server.addr.to_string(), str::to_owned);
        let form = get(server.addr, page, &[("Host", &host)]);
        assert_eq!(form.status, 200, "{}", form.body);
        assert!(
            form.body.contains("enctype=\"multipart/form-data\""),
            "a form with a file field asks for multipart: {}",
            form.body
        );
        let cookie = form
            .header("set-cookie")
            .and_then(|c| c.split(';').next())
            .expect("the CSRF cookie")
            .to_string();
        let token = csrf_token(&form.body).to_string();
        Site {
            server,
            media,
            page,
            host,
            cookie,
            token,
        }
    }

    fn post_raw(&self, content_type: &str, body: &[u8], cookie: bool) -> RawResponse {
        let mut request = format!(
            "POST {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n",
            self.page,
            self.host,
            body.len()
        );
        if cookie {
            request.push_str(&format!("Cookie: {}\r\n", self.cookie));
        }
        request.push_str("\r\n");
        let mut bytes = request.into_bytes();
        bytes.extend_from_slice(body);
        exchange(self.server.addr, &bytes)
    }

    fn post(&self, parts: &[Part<'_>]) -> RawResponse {
        let content_type = format!("multipart/form-data; boundary={BOUNDARY}");
        self.post_raw(&content_type, &multipart(parts), true)
    }

    fn media(&self) -> &Path {
        &self.media.0
    }
}

#[test]
fn a_small_file_is_saved_under_media_root_with_the_token_read_from_the_body() {
    let site = site(&[]);
    let r = site.post(&[
        Part::Field("csrfmiddlewaretoken", &site.token),
        Part::Field("title", "Notes"),
        Part::File(
            "attachment",
            "lecture notes.txt",
            b"HTTP and status codes\n",
        ),
    ]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body,
        "Notes saved as uploads/lecture_notes.txt at /media/uploads/lecture_notes.txt (22 bytes, in memory, text/plain); fields 2"
    );
    let saved = site.media().join("uploads/lecture_notes.txt");
    assert_eq!(std::fs::read(&saved).unwrap(), b"HTTP and status codes\n");
    // The same name again gets Django's random suffix, and the first file is kept.
    let again = site.post(&[
        Part::Field("csrfmiddlewaretoken", &site.token),
        Part::Field("title", "Again"),
        Part::File("attachment", "lecture notes.txt", b"second"),
    ]);
    let stored = again
        .body
        .split(" saved as ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap();
    assert!(
        stored.starts_with("uploads/lecture_notes_")
            && stored.ends_with(".txt")
            && stored.len() == "uploads/lecture_notes_".len() + 7 + 4,
        "{stored}"
    );
    assert_eq!(std::fs::read(&saved).unwrap(), b"HTTP and status codes\n");
    assert_eq!(std::fs::read(site.media().join(stored)).unwrap(), b"second");
}

#[test]
fn a_missing_token_in_a_multipart_body_is_refused() {
    let site = site(&[]);
    let r = site.post(&[
        Part::Field("title", "Notes"),
        Part::File("attachment", "a.txt", b"x"),
    ]);
    assert_eq!(r.status, 403, "{}", r.body);
    std::thread::sleep(std::time::Duration::from_millis(100));
    let log = site.server.stderr();
    assert!(
        log.contains("Forbidden (CSRF token missing.): /upload"),
        "{log}"
    );
    let wrong = site.post(&[
        Part::Field("csrfmiddlewaretoken", &"a".repeat(64)),
        Part::File("attachment", "a.txt", b"x"),
    ]);
    assert_eq!(wrong.status, 403);
    assert!(!site.media().join("uploads").exists(), "nothing was saved");
}

#[test]
fn a_large_file_is_spooled_to_disk_and_the_server_stays_small() {
    let site = site(&[]);
    let before = site.server.peak_rss_kib();
    let content: Vec<u8> = (0..10 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let r = site.post(&[
        Part::Field("csrfmiddlewaretoken", &site.token),
        Part::Field("title", "Big"),
        Part::File("attachment", "big.bin", &content),
    ]);
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("(10485760 bytes, spooled, text/plain)"),
        "{}",
        r.body
    );
    assert_eq!(
        std::fs::read(site.media().join("uploads/big.bin")).unwrap(),
        content
    );
    let grown = site.server.peak_rss_kib().saturating_sub(before);
    eprintln!("a 10 MiB upload grew the server's peak RSS by {grown} KiB");
    assert!(
        grown < 3 * 1024,
        "a 10 MiB upload should not be held in memory; peak RSS grew by {grown} KiB"
    );
}

#[test]
fn names_that_try_to_leave_media_root_are_saved_inside_it() {
    let site = site(&[]);
    for (sent, saved) in [
        ("../../escape.txt", "uploads/escape.txt"),
        ("..\\..\\win.txt", "uploads/win.txt"),
        ("/etc/passwd", "uploads/passwd"),
        ("CON.txt", "uploads/CON_.txt"),
        ("a&#x2F;..&#x2F;b.txt", "uploads/b.txt"),
    ] {
        let r = site.post(&[
            Part::Field("csrfmiddlewaretoken", &site.token),
            Part::Field("title", "x"),
            Part::File("attachment", sent, b"data"),
        ]);
        assert_eq!(r.status, 200, "{sent}: {}", r.body);
        assert!(
            r.body.contains(&format!("saved as {saved} ")),
            "{sent}: {}",
            r.body
        );
        assert!(site.media().join(saved).is_file(), "{sent}");
    }
    let outside = site.media().parent().unwrap().join("escape.txt");
    assert!(!outside.exists());
}

#[test]
fn a_form_without_its_file_says_so_and_keeps_the_text() {
    let site = site(&[]);
    let r = site.post(&[
        Part::Field("csrfmiddlewaretoken", &site.token),
        Part::Field("title", "Kept"),
        Part::File("attachment", "", b""),
    ]);
    assert_eq!(r.status, 200);
    assert!(r.body.contains("This field is required."), "{}", r.body);
    assert!(r.body.contains("value=\"Kept\""), "{}", r.body);
    assert!(
        r.body
            .contains("<input type=\"file\" name=\"attachment\" required aria-invalid=\"true\""),
        "a file input is never filled in: {}",
        r.body
    );
    let empty = site.post(&[
        Part::Field("csrfmiddlewaretoken", &site.token),
        Part::Field("title", "x"),
        Part::File("attachment", "empty.txt", b""),
    ]);
    assert!(
        empty.body.contains("The submitted file is empty."),
        "{}",
        empty.body
    );
    let long = site.post(&[
        Part::Field("csrfmiddlewaretoken", &site.token),
        Part::Field("title", "x"),
        Part::File("attachment", &format!("{}.txt", "n".repeat(40)), b"x"),
    ]);
    assert!(
        long.body
            .contains("Ensure this filename has at most 40 characters (it has 44)."),
        "{}",
        long.body
    );
}

#[test]
fn django_limits_refuse_too_many_fields_and_files() {
    let site = site(&[
        ("MANOUCHE_DATA_UPLOAD_MAX_NUMBER_FIELDS", "3"),
        ("MANOUCHE_DATA_UPLOAD_MAX_NUMBER_FILES", "2"),
        ("MANOUCHE_DATA_UPLOAD_MAX_MEMORY_SIZE", "1000"),
    ]);
    let token = site.token.clone();
    let fields = site.post(&[
        Part::Field("csrfmiddlewaretoken", &token),
        Part::Field("a", "1"),
        Part::Field("b", "2"),
        Part::Field("c", "3"),
        Part::Field("d", "4"),
        Part::Field("e", "5"),
    ]);
    assert_eq!(fields.status, 400, "{}", fields.body);
    let files = site.post(&[
        Part::Field("csrfmiddlewaretoken", &token),
        Part::File("attachment", "1.txt", b"1"),
        Part::File("attachment", "2.txt", b"2"),
        Part::File("attachment", "3.txt", b"3"),
    ]);
    assert_eq!(files.status, 400, "{}", files.body);
    // Files do not count against DATA_UPLOAD_MAX_MEMORY_SIZE; fields do.
    let big_file = vec![b'x'; 5000];
    let ok = site.post(&[
        Part::Field("csrfmiddlewaretoken", &token),
        Part::Field("title", "t"),
        Part::File("attachment", "big.txt", &big_file),
    ]);
    assert_eq!(ok.status, 200, "{}", ok.body);
    let big_field = "y".repeat(2000);
    let too_big = site.post(&[
        Part::Field("csrfmiddlewaretoken", &token),
        Part::Field("title", &big_field),
    ]);
    assert_eq!(too_big.status, 413, "{}", too_big.body);
}

#[test]
fn malformed_and_truncated_bodies_are_400s() {
    let site = site(&[]);
    let mut body = multipart(&[
        Part::Field("csrfmiddlewaretoken", &site.token),
        Part::File("attachment", "cut.txt", &[b'z'; 4000]),
    ]);
    body.truncate(body.len() - 2000);
    let truncated = site.post_raw(
        &format!("multipart/form-data; boundary={BOUNDARY}"),
        &body,
        true,
    );
    assert_eq!(truncated.status, 400, "{}", truncated.body);
    let no_boundary = site.post_raw("multipart/form-data", b"--x\r\n\r\n", true);
    assert_eq!(no_boundary.status, 400, "{}", no_boundary.body);
    let garbage = site.post_raw(
        &format!("multipart/form-data; boundary={BOUNDARY}"),
        b"this is not multipart at all",
        true,
    );
    assert_eq!(garbage.status, 400, "{}", garbage.body);
    // The server is still well.
    assert_eq!(get(site.server.addr, "/upload", &[]).status, 200);
    assert!(!site.media().join("uploads").exists());
}

#[test]
fn the_demo_keeps_a_tasks_file_and_the_development_server_serves_it() {
    const DEMO: &str = env!("CARGO_BIN_EXE_demo-site");
    let site = Site::open(DEMO, "/tasks/files", Some("localhost"), &[]);
    let server = &site.server;
    let posted = site.post(&[
        Part::Field("csrfmiddlewaretoken", &site.token),
        Part::Field("task", "Read the notes"),
        Part::File("attachment", "notes.txt", b"Lecture 3: Django\n"),
    ]);
    assert_eq!(posted.status, 302, "{}", posted.body);
    let session = posted
        .headers
        .iter()
        .filter(|(k, _)| k == "set-cookie")
        .filter_map(|(_, v)| v.split(';').next())
        .find(|c| c.starts_with("sessionid="))
        .expect("a session");
    let list = get(
        server.addr,
        "/tasks/files",
        &[("Host", "localhost"), ("Cookie", session)],
    );
    assert!(
        list.body
            .contains("<li>Read the notes: <a href=\"/media/attachments/notes.txt\">"),
        "{}",
        list.body
    );
    let file = get(
        server.addr,
        "/media/attachments/notes.txt",
        &[("Host", "localhost")],
    );
    assert_eq!(file.status, 200);
    assert_eq!(file.body, "Lecture 3: Django\n");
    assert_eq!(file.header("content-type"), Some("text/plain"));
    assert!(site.media().join("attachments/notes.txt").is_file());
    let tasks = get(
        server.addr,
        "/tasks/",
        &[("Host", "localhost"), ("Cookie", session)],
    );
    assert!(
        tasks.body.contains("<li>Read the notes</li>"),
        "{}",
        tasks.body
    );
}

// ANCHOR: client
#[tokio::test]
async fn the_test_client_posts_files_as_django_s_does() {
    use manouche::files::UploadedFile;
    let media = TempDir::new("client-media");
    let root = media.0.display().to_string();
    let mut c =
        manouche::test::Client::with_settings(&demo::project(), |s| s.media_root = root.clone());
    let notes = UploadedFile::from_bytes("week 3.txt", "text/plain", "Models");
    let r = c
        .post_files(
            "/tasks/files",
            &[("task", "Revise")],
            &[("attachment", &notes)],
        )
        .await;
    r.assert_redirects("/tasks/files");
    c.get("/tasks/files")
        .await
        .assert_contains("<li>Revise: <a href=\"/media/attachments/week_3.txt\">");
    assert_eq!(
        std::fs::read_to_string(media.0.join("attachments/week_3.txt")).unwrap(),
        "Models"
    );
    // Without a file the task is kept and no file is listed.
    c.post_files("/tasks/files", &[("task", "No file")], &[])
        .await
        .assert_redirects("/tasks/files");
    c.get("/tasks/").await.assert_contains("<li>No file</li>");
}
// ANCHOR_END: client
