//! `manouche runserver`: builds the project, runs it, watches its sources, templates, static
//! files and settings (polling, as Django's StatReloader), and on a change rebuilds and
//! restarts it. While a build is broken, the port serves a page with the compiler's error
//! instead of nothing, and the watching goes on.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

const POLL: Duration = Duration::from_millis(300);

/// Modification times of everything that should trigger a rebuild.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, SystemTime> {
    fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, SystemTime>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                walk(&path, out);
            } else if let Ok(m) = e.metadata().and_then(|m| m.modified()) {
                out.insert(path, m);
            }
        }
    }
    let mut out = BTreeMap::new();
    for dir in ["src", "templates", "static", "migrations"] {
        walk(&root.join(dir), &mut out);
    }
    for file in ["settings.toml", "Cargo.toml", "build.rs"] {
        if let Ok(m) = std::fs::metadata(root.join(file)).and_then(|m| m.modified()) {
            out.insert(root.join(file), m);
        }
    }
    out
}

fn changed(
    old: &BTreeMap<PathBuf, SystemTime>,
    new: &BTreeMap<PathBuf, SystemTime>,
) -> Option<PathBuf> {
    new.iter()
        .find(|(p, t)| old.get(*p) != Some(t))
        .map(|(p, _)| p.clone())
        .or_else(|| old.keys().find(|p| !new.contains_key(*p)).cloned())
}

fn package_name(root: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| e.to_string())?;
    text.lines()
        .find_map(|l| l.trim().strip_prefix("name").map(str::trim))
        .and_then(|l| l.strip_prefix('='))
        .map(|v| v.trim().trim_matches('"').to_string())
        .ok_or_else(|| "no package name in Cargo.toml".to_string())
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

/// `cargo build`, its progress shown line by line; the compiler's output when it fails.
fn build(root: &Path) -> Result<(), String> {
    use std::io::BufRead;
    eprintln!("Building…");
    let start = Instant::now();
    let mut child = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--color", "never"])
        .current_dir(root)
        .stdout(Stdio::inherit())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let mut text = String::new();
    if let Some(stderr) = child.stderr.take() {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            eprintln!("{line}");
            text.push_str(&line);
            text.push('\n');
        }
    }
    let status = child.wait().map_err(|e| format!("cargo failed: {e}"))?;
    if status.success() {
        eprintln!("Built in {:.1}s.", start.elapsed().as_secs_f64());
        Ok(())
    } else {
        Err(text)
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Serves the build error on `addr` until stopped.
struct ErrorPage {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ErrorPage {
    fn serve(addr: &str, error: &str) -> Option<ErrorPage> {
        let listener = (0..50).find_map(|_| {
            TcpListener::bind(addr).ok().or_else(|| {
                std::thread::sleep(Duration::from_millis(50));
                None
            })
        })?;
        listener.set_nonblocking(true).ok()?;
        let body = format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"2\"><title>Build failed</title></head>\n<body>\n<h1>Build failed</h1>\n<p>manouche is watching your files and will rebuild when you save; this page reloads by itself.</p>\n<pre>{}</pre>\n</body>\n</html>\n",
            html_escape(error)
        );
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((mut stream, _)) => {
                        let _ = stream.set_nonblocking(false);
                        let _ = stream.set_read_timeout(Some(Duration::from_millis(500)));
                        let mut buf = [0u8; 4096];
                        let _ = stream.read(&mut buf);
                        let response = format!(
                            "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        let _ = stream.write_all(response.as_bytes());
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        });
        Some(ErrorPage {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for ErrorPage {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The project's server, stopped (and waited for) when this is dropped: the watcher never
/// leaves it behind, whether it is stopped by a signal, restarts it or fails.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(binary: &Path, root: &Path, addr: &str) -> Option<Server> {
    Command::new(binary)
        .args(["runserver", addr, "--noreload"])
        .current_dir(root)
        .spawn()
        .map(Server)
        .map_err(|e| eprintln!("cannot start {}: {e}", binary.display()))
        .ok()
}

fn stop(child: &mut Option<Server>) {
    drop(child.take());
}

/// Set when SIGINT, SIGTERM or SIGHUP asks the watcher to stop.
fn stop_requested() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    for signal in [
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
    ] {
        if let Err(e) = signal_hook::flag::register(signal, flag.clone()) {
            eprintln!("cannot watch for signal {signal}: {e}");
        }
    }
    flag
}

/// Waits `total`, or less when a stop is requested; whether it was.
fn wait_or_stop(total: Duration, stop: &AtomicBool) -> bool {
    let step = Duration::from_millis(50);
    let mut waited = Duration::ZERO;
    while waited < total {
        if stop.load(Ordering::Relaxed) {
            return true;
        }
        std::thread::sleep(step);
        waited += step;
    }
    stop.load(Ordering::Relaxed)
}

/// Runs the development server of the project at `root` until interrupted.
pub fn run(root: &Path, addr: &str, reload: bool) -> ExitCode {
    let name = match package_name(root) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("CommandError: {e}");
            return ExitCode::FAILURE;
        }
    };
    let binary = target_dir(root).join("debug").join(&name);
    let stop_flag = stop_requested();
    let mut child = None;
    let mut error_page = None;
    match build(root) {
        Ok(()) => child = start(&binary, root, addr),
        Err(e) => error_page = ErrorPage::serve(addr, &e),
    }
    if !reload {
        let Some(mut server) = child else {
            return ExitCode::FAILURE;
        };
        loop {
            if let Ok(Some(status)) = server.0.try_wait() {
                return if status.success() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                };
            }
            if wait_or_stop(Duration::from_millis(100), &stop_flag) {
                return ExitCode::SUCCESS; // the server is stopped as `server` drops
            }
        }
    }
    eprintln!("Watching for file changes with StatReloader");
    let mut seen = snapshot(root);
    loop {
        if wait_or_stop(POLL, &stop_flag) {
            stop(&mut child);
            return ExitCode::SUCCESS;
        }
        // A server that exits by itself (a port in use, a settings error) is not restarted
        // until something changes.
        if let Some(c) = child.as_mut()
            && let Ok(Some(status)) = c.0.try_wait()
        {
            eprintln!(
                "The server exited ({status}); fix the problem and save a file to restart it."
            );
            child = None;
        }
        let now = snapshot(root);
        let Some(path) = changed(&seen, &now) else {
            continue;
        };
        // Let an editor finish writing.
        std::thread::sleep(Duration::from_millis(100));
        seen = snapshot(root);
        eprintln!("{} changed, reloading.", path.display());
        match build(root) {
            Ok(()) => {
                stop(&mut child);
                drop(error_page.take());
                child = start(&binary, root, addr);
            }
            Err(e) => {
                stop(&mut child);
                drop(error_page.take());
                error_page = ErrorPage::serve(addr, &e);
            }
        }
    }
}
