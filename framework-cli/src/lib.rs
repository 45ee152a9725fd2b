//! The `manouche` command: `startproject` and `startapp` make a project and its apps (Django's
//! django-admin), `runserver` builds, runs and reloads one; other commands go to the
//! project's own binary (its manage.py): `manouche migrate`, `manouche showurls`, ….

pub mod devserver;
pub mod names;
pub mod scaffold;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "manouche",
    version,
    about = "Django's way of building a web site, in Rust.",
    after_help = "Other commands (migrate, showmigrations, showurls, check, clearsessions, and the project's own) are passed to the project's binary."
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Creates a project: a Cargo crate with settings.toml, the project as a library
    /// (src/lib.rs, with `project()`), its manage.py (src/main.rs), an example test,
    /// its root URLconf, templates and build script.
    Startproject {
        /// The project's name (a Rust identifier; also its crate name).
        name: String,
        /// An existing folder to create it in (default: a new folder named after it).
        directory: Option<PathBuf>,
    },
    /// Creates an app in the current project (src/NAME/ with urls.rs, views.rs, forms.rs and
    /// templates/NAME/) and registers it, so that the project builds at once.
    Startapp {
        /// The app's name (a Rust identifier; also its namespace).
        name: String,
    },
    /// Builds and runs the project; rebuilds and restarts it when a source, template, static
    /// file or the settings change, and shows a failed build's error in the browser.
    Runserver {
        /// `port` or `address:port` (default 127.0.0.1:8000).
        addrport: Option<String>,
        /// Build and run once, without watching.
        #[arg(long)]
        noreload: bool,
    },
    #[command(external_subcommand)]
    Other(Vec<String>),
}

fn fail(message: &str) -> ExitCode {
    eprintln!("CommandError: {message}");
    ExitCode::FAILURE
}

fn current_project() -> Result<PathBuf, String> {
    let here = std::env::current_dir().map_err(|e| e.to_string())?;
    scaffold::project_root(&here).ok_or_else(|| {
        "not inside a manouche project (no Cargo.toml with src/main.rs here or above); run startproject first".into()
    })
}

fn addrport(arg: Option<&str>) -> Result<String, String> {
    let arg = arg.unwrap_or("127.0.0.1:8000");
    let valid = match arg.rsplit_once(':') {
        Some((a, p)) => !a.is_empty() && !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()),
        None => !arg.is_empty() && arg.bytes().all(|b| b.is_ascii_digit()),
    };
    if !valid {
        return Err(format!(
            "\"{arg}\" is not a valid port number or address:port pair."
        ));
    }
    Ok(match arg.split_once(':') {
        None => format!("127.0.0.1:{arg}"),
        Some(("0", port)) => format!("0.0.0.0:{port}"),
        Some(_) => arg.to_string(),
    })
}

/// Runs the command line.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Cmd::Startproject { name, directory } => {
            if let Err(e) = names::check(&name, "project") {
                return fail(&e);
            }
            let dir = match directory {
                Some(d) => {
                    if !d.is_dir() {
                        return fail(&format!(
                            "Destination directory '{}' does not exist, please create it first.",
                            d.display()
                        ));
                    }
                    d
                }
                None => {
                    let d = Path::new(&name).to_path_buf();
                    if d.exists() {
                        let shown = std::env::current_dir().map(|c| c.join(&d)).unwrap_or(d);
                        return fail(&format!("'{}' already exists", shown.display()));
                    }
                    d
                }
            };
            if dir.join("Cargo.toml").exists() {
                return fail(&format!("'{}' already has a Cargo.toml", dir.display()));
            }
            match scaffold::start_project(&name, &dir) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            }
        }
        Cmd::Startapp { name } => {
            if let Err(e) = names::check(&name, "app") {
                return fail(&e);
            }
            match current_project().and_then(|root| scaffold::start_app(&name, &root)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            }
        }
        Cmd::Runserver {
            addrport: a,
            noreload,
        } => {
            let root = match current_project() {
                Ok(r) => r,
                Err(e) => return fail(&e),
            };
            match addrport(a.as_deref()) {
                Ok(addr) => devserver::run(&root, &addr, !noreload),
                Err(e) => fail(&e),
            }
        }
        Cmd::Other(args) => {
            let root = match current_project() {
                Ok(r) => r,
                Err(e) => return fail(&e),
            };
            let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .args(["run", "--quiet", "--"])
                .args(&args)
                .current_dir(root)
                .status();
            match status {
                Ok(s) if s.success() => ExitCode::SUCCESS,
                Ok(_) => ExitCode::FAILURE,
                Err(e) => fail(&format!("cannot run cargo: {e}")),
            }
        }
    }
}
