//! Starting a project's binary on a free port and speaking raw HTTP/1.1 to it, so that tests
//! see exactly what a client on the network sees.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

/// A new, empty SQLite database file in the temporary folder, as a DATABASE_URL.
pub fn fresh_sqlite_url() -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let path =
        std::env::temp_dir().join(format!("manouche-test-{}-{n}.sqlite3", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    format!("sqlite://{}", path.display())
}

/// A running server process, killed when dropped.
pub struct Server {
    child: Child,
    /// Where it listens.
    pub addr: SocketAddr,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    /// Runs `bin runserver 127.0.0.1:0` with `env` and waits for its banner.
    pub fn start(bin: &str, env: &[(&str, &str)]) -> Server {
        Self::try_start(bin, &["runserver", "127.0.0.1:0"], env).unwrap_or_else(|(out, err)| {
            panic!("server did not start\nstdout:\n{out}\nstderr:\n{err}")
        })
    }

    /// Like `start` with other arguments; gives the output when it does not start.
    pub fn try_start(
        bin: &str,
        args: &[&str],
        env: &[(&str, &str)],
    ) -> Result<Server, (String, String)> {
        // Each server gets its own SQLite database unless the test names one.
        let db = fresh_sqlite_url();
        let mut child = Command::new(bin)
            .args(args)
            .env("DATABASE_URL", &db)
            .envs(env.iter().copied())
            .env("MANOUCHE_RUNSERVER_HIDE_WARNING", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {bin}: {e}"));
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        let (tx, rx) = mpsc::channel();
        let out_pipe = child.stdout.take().expect("stdout");
        let out_buf = stdout.clone();
        std::thread::spawn(move || {
            let mut addr = None;
            for line in BufReader::new(out_pipe).lines().map_while(Result::ok) {
                out_buf.lock().unwrap().push_str(&format!("{line}\n"));
                if let Some(rest) = line.strip_prefix("Starting development server at http://") {
                    addr = Some(rest.trim_end_matches('/').to_string());
                }
                // The banner's last line: the whole banner is in the buffer now.
                if line.starts_with("Quit the server with CONTROL-C.")
                    && let Some(a) = addr.take()
                {
                    let _ = tx.send(a);
                }
            }
        });
        let err_pipe = child.stderr.take().expect("stderr");
        let err_buf = stderr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(err_pipe).lines().map_while(Result::ok) {
                err_buf.lock().unwrap().push_str(&(line + "\n"));
            }
        });
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(addr) => Ok(Server {
                child,
                addr: addr.parse().expect("address in the banner"),
                stdout,
                stderr,
            }),
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                std::thread::sleep(Duration::from_millis(100));
                let out = stdout.lock().unwrap().clone();
                let err = stderr.lock().unwrap().clone();
                Err((out, err))
            }
        }
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's peak resident memory so far, in KiB (Linux's `VmHWM`).
    pub fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))
            .expect("the server's /proc status");
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc/<pid>/status")
    }

    /// What the server printed on stderr so far (the access log).
    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// What the server printed on stdout so far (the banner).
    pub fn stdout(&self) -> String {
        self.stdout.lock().unwrap().clone()
    }

    /// Sends a signal (`TERM`, `INT`, `KILL`).
    pub fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Waits for the process to exit, at most `limit`.
    pub fn wait(&mut self, limit: Duration) -> Option<ExitStatus> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A parsed HTTP/1.1 response.
#[derive(Debug, Clone)]
pub struct RawResponse {
    /// The status code.
    pub status: u16,
    /// Header lines, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

impl RawResponse {
    /// The first value of a header.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses a whole response read until the server closed.
pub fn parse_response(raw: &[u8]) -> RawResponse {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP response: {text:?}"));
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    RawResponse {
        status,
        headers,
        body: body.to_string(),
    }
}

/// Connects with a read timeout.
pub fn connect(addr: SocketAddr) -> TcpStream {
    let s = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    s
}

/// Sends `request` as is (it should say `Connection: close`) and reads the response.
pub fn exchange(addr: SocketAddr, request: &[u8]) -> RawResponse {
    let mut s = connect(addr);
    s.write_all(request).expect("send");
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    parse_response(&buf)
}

/// `GET path` with extra header lines.
pub fn get(addr: SocketAddr, path: &str, extra: &[(&str, &str)]) -> RawResponse {
    let mut req = format!("GET {path} HTTP/1.1\r\nConnection: close\r\n");
    if !extra.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req.push_str(&format!("Host: {addr}\r\n"));
    }
    for (k, v) in extra {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    exchange(addr, req.as_bytes())
}

/// The CSRF token of the first `csrfmiddlewaretoken` input in a page.
pub fn csrf_token(html: &str) -> &str {
    let marker = "name=\"csrfmiddlewaretoken\" value=\"";
    let start = html.find(marker).expect("a {% csrf_token %} input") + marker.len();
    &html[start..start + 64]
}

/// A reproducible source of noise for the random-input tests (xorshift64; seed it non-zero).
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Up to `max` random bytes.
    pub fn bytes(&mut self, max: usize) -> Vec<u8> {
        let len = self.below(max + 1);
        (0..len).map(|_| self.next_u64() as u8).collect()
    }

    /// Up to `max` bytes taken from `alphabet`.
    pub fn bytes_from(&mut self, alphabet: &[u8], max: usize) -> Vec<u8> {
        let len = self.below(max + 1);
        (0..len)
            .map(|_| alphabet[self.below(alphabet.len())])
            .collect()
    }

    /// Text from `alphabet`, up to `max` characters.
    pub fn text(&mut self, alphabet: &str, max: usize) -> String {
        let chars: Vec<char> = alphabet.chars().collect();
        let len = self.below(max + 1);
        (0..len).map(|_| chars[self.below(chars.len())]).collect()
    }
}

/// A fresh folder under the system's temporary one, removed when dropped.
#[derive(Debug)]
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    /// A new empty folder whose name starts with `tag`.
    pub fn new(tag: &str) -> TempDir {
        use std::sync::atomic::{AtomicU32, Ordering};
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("manouche-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("a temporary folder");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Copies a folder and what it holds (a fixture into a test's project folder).
pub fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A fresh PostgreSQL database, dropped at the end.
pub struct PgDatabase {
    admin: String,
    name: String,
    /// Its URL.
    pub url: String,
}

impl PgDatabase {
    /// A new empty database on the test server (MANOUCHE_TEST_POSTGRES's).
    pub fn create() -> PgDatabase {
        use manouche::diesel::{Connection, RunQueryDsl};
        // The server of the test database the other PostgreSQL tests use.
        let test_db = std::env::var("MANOUCHE_TEST_POSTGRES")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let server = test_db
            .rsplit_once('/')
            .map_or(test_db.as_str(), |(s, _)| s)
            .to_string();
        let admin = format!("{server}/postgres");
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("manouche_migrate_{}_{n}", std::process::id());
        let mut conn = manouche::diesel::PgConnection::establish(&admin)
            .expect("PostgreSQL on 127.0.0.1:5432");
        manouche::diesel::sql_query(format!("DROP DATABASE IF EXISTS {name}"))
            .execute(&mut conn)
            .unwrap();
        manouche::diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .unwrap();
        let url = format!("{server}/{name}");
        PgDatabase { admin, name, url }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        use manouche::diesel::{Connection, RunQueryDsl};
        if let Ok(mut conn) = manouche::diesel::PgConnection::establish(&self.admin) {
            let _ = manouche::diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn);
        }
    }
}

/// Runs a command with `input` typed on its stdin; its output.
pub fn run_with_input(command: &mut Command, input: &str) -> std::process::Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}
