//! `runserver [addr:port]`: Django's banner, its address rules and its messages.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::SystemTime;

use super::CommandError;
use crate::project::Project;
use crate::server::{ServerConfig, banner_time, serve, shutdown_signal};
use crate::urls::UrlConf;

/// Parses `PORT`, `IP:PORT`, `[IPv6]:PORT` or `host:PORT` as runserver does; returns the
/// address to bind and the one to show. `0` means all interfaces.
pub fn parse_addrport(arg: Option<&str>) -> Result<(String, u16), CommandError> {
    let Some(arg) = arg else {
        return Ok(("127.0.0.1".into(), 8000));
    };
    let invalid = || {
        CommandError(format!(
            "\"{arg}\" is not a valid port number or address:port pair."
        ))
    };
    let (addr, port) = match arg.rsplit_once(':') {
        Some((a, p)) if !a.is_empty() => (a, p),
        Some(_) => return Err(invalid()),
        None => ("", arg),
    };
    if port.is_empty() || !port.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid());
    }
    let port: u16 = port
        .parse()
        .map_err(|_| CommandError(format!("\"{port}\" is not a valid port number.")))?;
    let addr = if addr.is_empty() {
        "127.0.0.1".to_string()
    } else if addr == "0" {
        "0.0.0.0".to_string()
    } else if let Some(v6) = addr.strip_prefix('[').and_then(|a| a.strip_suffix(']')) {
        if v6.is_empty() || !v6.bytes().all(|b| b.is_ascii_hexdigit() || b == b':') {
            return Err(invalid());
        }
        format!("[{v6}]")
    } else {
        let fqdn = addr
            .split('.')
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
        if !fqdn {
            return Err(invalid());
        }
        addr.to_string()
    };
    Ok((addr, port))
}

/// Which server a command starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// `runserver`: Django's banner and warning, one access-log line per request.
    Development,
    /// `serve`: the production server (gunicorn's place): one line at start, no access log
    /// unless `--access-log`.
    Production,
}

pub(super) fn run<U: UrlConf>(
    project: &Project<U>,
    args: &[String],
    prog: &str,
    mode: Mode,
) -> Result<(), CommandError> {
    let positional: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let known: &[&str] = match mode {
        Mode::Development => &["--noreload", "--nothreading"],
        Mode::Production => &["--access-log"],
    };
    if let Some(flag) = args
        .iter()
        .find(|a| a.starts_with("--") && !known.contains(&a.as_str()))
    {
        return Err(CommandError(format!("Unknown option: {flag}")));
    }
    let command = match mode {
        Mode::Development => "runserver",
        Mode::Production => "serve",
    };
    if positional.len() > 1 {
        return Err(CommandError(format!(
            "{command} takes at most one argument: [addr:port]"
        )));
    }
    let (addr, port) = parse_addrport(positional.first().map(|s| s.as_str()))?;
    let settings = project.settings()?;
    settings.check()?;
    if settings.auto_migrate {
        super::migrate::migrate(&settings, &project.migrations())?;
    }
    if mode == Mode::Development {
        println!("Performing system checks...\n");
        println!("{}", super::report(&super::system_warnings(&settings)));
    } else if settings.debug {
        tracing::warn!(
            target: crate::log::targets::SERVER,
            "WARNING: DEBUG is on. Turn it off in production (MANOUCHE_DEBUG=false)."
        );
    }
    if let Some(warning) = super::migrate::unapplied_warning(&settings, &project.migrations(), prog)
    {
        println!("{warning}");
    }
    if let Some(warning) = super::makemigrations::changes_warning(project.apps(), prog) {
        println!("\n{warning}");
    }
    let bind = format!("{addr}:{port}");
    let socket: SocketAddr = match tokio_free_resolve(&bind) {
        Some(s) => s,
        None => return Err(CommandError(format!("\"{bind}\" is not a valid address."))),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CommandError(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(socket).await {
            Ok(l) => l,
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => {
                eprintln!("Error: That port is already in use.");
                std::process::exit(1);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrNotAvailable => {
                eprintln!("Error: That IP address can't be assigned to.");
                std::process::exit(1);
            }
            Err(e) => return Err(CommandError(format!("cannot listen on {bind}: {e}"))),
        };
        let shown = listener.local_addr().map_or(bind.clone(), |a| a.to_string());
        let mut config = ServerConfig::from_settings(&settings);
        match mode {
            Mode::Development => {
                println!("{}", banner_time(SystemTime::now()));
                println!(
                    "manouche version {}, using settings '{}'",
                    env!("CARGO_PKG_VERSION"),
                    project.base_dir().join("settings.toml").display()
                );
                println!("Starting development server at http://{shown}/");
                println!("Quit the server with CONTROL-C.\n");
                if std::env::var_os("MANOUCHE_RUNSERVER_HIDE_WARNING").is_none() {
                    println!(
                        "WARNING: This is a development server. Do not use it in a production setting. Use `{prog} serve` behind a reverse proxy (nginx, caddy), with DEBUG off."
                    );
                }
            }
            Mode::Production => {
                config.access_log = args.iter().any(|a| a == "--access-log");
                println!("Listening at http://{shown}/ (manouche {})", env!("CARGO_PKG_VERSION"));
            }
        }
        let service = project.service().with_settings(Arc::new(settings));
        let app: crate::server::App = Arc::new(move |req| service.respond(req));
        serve(listener, app, config, shutdown_signal()).await;
        Ok(())
    })
}

fn tokio_free_resolve(bind: &str) -> Option<SocketAddr> {
    use std::net::ToSocketAddrs;
    bind.to_socket_addrs().ok()?.next()
}
