//! Management commands: the project's binary is its `manage.py` (`runserver`, `check`,
//! `showurls`, `help`, and the project's own commands).

mod dbshell;
pub mod makemigrations;
pub mod migrate;
mod runserver;
mod staticfiles;
mod users;

use std::process::ExitCode;

use crate::project::Project;
use crate::urls::UrlConf;

pub use runserver::parse_addrport;

pub use crate::project::{Command, CommandError};

/// A built-in command: the app `help` lists it under, its usage line, what it does, and
/// the work. `execute` runs what this table names, so `help` cannot leave one out.
struct Builtin<U> {
    app: &'static str,
    name: &'static str,
    usage: &'static str,
    about: &'static str,
    run: Run<U>,
}

/// A built-in command's work: the project, the arguments after its name, the program name.
type Run<U> = fn(&Project<U>, &[String], &str) -> Result<(), CommandError>;

/// Every built-in command, by app and then by name, as Django's `help` lists them.
fn builtins<U: UrlConf>() -> [Builtin<U>; 15] {
    [
        Builtin {
            app: "manouche",
            name: "check",
            usage: "check [--deploy]",
            about: "Checks the project's settings for problems; --deploy adds the deployment checks.",
            run: |project, args, _| check(project, args),
        },
        Builtin {
            app: "manouche",
            name: "dbshell",
            usage: "dbshell [-- client arguments]",
            about: "Opens the database's own client (sqlite3 or psql) on the configured database.",
            run: |project, args, _| dbshell::dbshell(&project.settings()?, args),
        },
        Builtin {
            app: "manouche",
            name: "help",
            usage: "help [command]",
            about: "Lists the commands, or shows how to use one.",
            run: |project, args, prog| help(project, prog, args.first().map(String::as_str)),
        },
        Builtin {
            app: "manouche",
            name: "makemigrations",
            usage: "makemigrations [app…] [--check] [--dry-run] [--empty] [--noinput] [--name NAME] [--default VALUE]",
            about: "Writes the next migration of each app whose models changed (SQL for SQLite and PostgreSQL, and the new state).",
            run: |project, args, _| {
                makemigrations::makemigrations(project.apps(), &project.migrations(), args)
            },
        },
        Builtin {
            app: "manouche",
            name: "migrate",
            usage: "migrate [app] [migration]",
            about: "Applies the framework's and every app's pending migrations; with an app, takes it to a migration (zero unapplies all).",
            run: |project, args, prog| {
                migrate::migrate_command(&project.settings()?, &project.migrations(), args)?;
                if let Some(warning) = makemigrations::changes_warning(project.apps(), prog) {
                    println!("  {warning}");
                }
                Ok(())
            },
        },
        Builtin {
            app: "manouche",
            name: "runserver",
            usage: "runserver [addr:port] [--noreload] [--nothreading]",
            about: "Starts the development server (default 127.0.0.1:8000).",
            run: |project, args, prog| {
                runserver::run(project, args, prog, runserver::Mode::Development)
            },
        },
        Builtin {
            app: "manouche",
            name: "serve",
            usage: "serve [addr:port] [--access-log]",
            about: "Starts the production server (no access log by default).",
            run: |project, args, prog| {
                runserver::run(project, args, prog, runserver::Mode::Production)
            },
        },
        Builtin {
            app: "manouche",
            name: "showmigrations",
            usage: "showmigrations",
            about: "Lists each app's migrations, [X] where applied.",
            run: |project, _, _| {
                migrate::showmigrations(&project.settings()?, &project.migrations())
            },
        },
        Builtin {
            app: "manouche",
            name: "showurls",
            usage: "showurls",
            about: "Lists every URL pattern with its view and name.",
            run: |_, _, _| {
                showurls::<U>();
                Ok(())
            },
        },
        Builtin {
            app: "manouche",
            name: "sqlmigrate",
            usage: "sqlmigrate <app> <migration> [--backwards]",
            about: "Prints the SQL of a migration for the configured database.",
            run: |project, args, _| {
                migrate::sqlmigrate(&project.settings()?, &project.migrations(), args)
            },
        },
        Builtin {
            app: "auth",
            name: "changepassword",
            usage: "changepassword <username>",
            about: "Changes a user's password.",
            run: |project, args, _| users::changepassword(&project.settings()?, args),
        },
        Builtin {
            app: "auth",
            name: "createsuperuser",
            usage: "createsuperuser [--username U] [--email E] [--noinput]",
            about: "Makes a superuser; with --noinput the password comes from MANOUCHE_SUPERUSER_PASSWORD.",
            run: |project, args, _| users::createsuperuser(&project.settings()?, args),
        },
        Builtin {
            app: "sessions",
            name: "clearsessions",
            usage: "clearsessions",
            about: "Deletes the expired sessions from the session store.",
            run: |project, _, _| migrate::clearsessions(&project.settings()?),
        },
        Builtin {
            app: "staticfiles",
            name: "collectstatic",
            usage: "collectstatic [--noinput] [--clear] [--dry-run] [-v N]",
            about: "Copies the static files into STATIC_ROOT, with hashed names and a manifest.",
            run: |project, args, _| staticfiles::collectstatic(&project.settings()?, args),
        },
        Builtin {
            app: "staticfiles",
            name: "findstatic",
            usage: "findstatic <path>… [--first]",
            about: "Says where a static file is found (the first one is collected).",
            run: |project, args, _| staticfiles::findstatic(&project.settings()?, args),
        },
    ]
}

/// `help`: every command under its app's heading; `help <command>`: its usage.
fn help<U: UrlConf>(
    project: &Project<U>,
    prog: &str,
    command: Option<&str>,
) -> Result<(), CommandError> {
    let builtins = builtins::<U>();
    if let Some(name) = command {
        let (usage, about) = match builtins.iter().find(|b| b.name == name) {
            Some(b) => (b.usage.to_string(), b.about),
            None => match project.commands.iter().find(|c| c.name == name) {
                Some(c) => (format!("{} [args…]", c.name), c.help),
                None => {
                    return Err(CommandError(format!(
                        "Unknown command: '{name}'. Type '{prog} help' for the list."
                    )));
                }
            },
        };
        println!("usage: {prog} {usage}\n\n{about}");
        return Ok(());
    }
    println!("Type '{prog} help <subcommand>' for help on a specific subcommand.\n");
    println!("Available subcommands:");
    let mut app = "";
    for b in &builtins {
        if b.app != app {
            app = b.app;
            println!("\n[{app}]");
        }
        println!("    {:<15} {}", b.name, b.about);
    }
    if !project.commands.is_empty() {
        println!("\n[project]");
        for c in &project.commands {
            println!("    {:<15} {}", c.name, c.help);
        }
    }
    Ok(())
}

/// Django's deployment checks (`check --deploy`), as (id, message).
pub fn deploy_warnings(s: &crate::settings::Settings) -> Vec<(&'static str, &'static str)> {
    let mut out = Vec::new();
    if s.secure_hsts_seconds == 0 {
        out.push(("security.W004", "You have not set a value for the SECURE_HSTS_SECONDS setting. If your entire site is served only over SSL, you may want to consider setting a value and enabling HTTP Strict Transport Security. Be sure to read the documentation first; enabling HSTS carelessly can cause serious, irreversible problems."));
    }
    let key = &s.secret_key;
    let unique = key.chars().collect::<std::collections::BTreeSet<_>>().len();
    if key.chars().count() < 50
        || unique < 5
        || key.starts_with("manouche-insecure")
        || key.starts_with("django-insecure")
    {
        out.push(("security.W009", "Your SECRET_KEY has less than 50 characters, less than 5 unique characters, or it's prefixed with 'manouche-insecure' indicating that it was generated automatically by manouche. Please generate a long and random value, otherwise many of manouche's security-critical features will be vulnerable to attack."));
    }
    if !s.session_cookie_secure {
        out.push(("security.W012", "SESSION_COOKIE_SECURE is not set to True. Using a secure-only session cookie makes it more difficult for network traffic sniffers to hijack user sessions."));
    }
    if !s.csrf_cookie_secure && !s.csrf_use_sessions {
        out.push(("security.W016", "You have the CSRF middleware on, but you have not set CSRF_COOKIE_SECURE to True. Using a secure-only CSRF cookie makes it more difficult for network traffic sniffers to steal the CSRF token."));
    }
    if s.debug {
        out.push((
            "security.W018",
            "You should not have DEBUG set to True in deployment.",
        ));
    }
    if s.allowed_hosts.is_empty() {
        out.push((
            "security.W020",
            "ALLOWED_HOSTS must not be empty in deployment.",
        ));
    }
    out
}

/// The checks every command runs: settings manouche accepts but does not use yet.
pub fn system_warnings(s: &crate::settings::Settings) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if s.time_zone != "UTC" {
        out.push((
            "manouche.W001",
            format!(
                "TIME_ZONE = {:?} is accepted but not used yet: manouche shows dates in UTC.",
                s.time_zone
            ),
        ));
    }
    if !s.language_code.eq_ignore_ascii_case("en-us") {
        out.push((
            "manouche.W002",
            format!(
                "LANGUAGE_CODE = {:?} is accepted but not used yet: manouche's messages are in English.",
                s.language_code
            ),
        ));
    }
    out
}

/// Django's system check report: "no issues", or each warning and their count.
pub(crate) fn report(warnings: &[(&str, String)]) -> String {
    if warnings.is_empty() {
        return "System check identified no issues (0 silenced).".into();
    }
    let mut out = String::from("System check identified some issues:\n\nWARNINGS:\n");
    for (id, message) in warnings {
        out.push_str(&format!("?: ({id}) {message}\n"));
    }
    out.push_str(&format!(
        "\nSystem check identified {} issue{} (0 silenced).",
        warnings.len(),
        if warnings.len() == 1 { "" } else { "s" }
    ));
    out
}

fn check<U: UrlConf>(project: &Project<U>, args: &[String]) -> Result<(), CommandError> {
    let settings = project.settings()?;
    let mut warnings = system_warnings(&settings);
    let changed = makemigrations::apps_with_changes(project.apps());
    if !changed.is_empty() {
        warnings.push((
            "manouche.W003",
            format!(
                "Your models have changes that are not yet reflected in a migration (app(s): {}). Run makemigrations, then migrate.",
                changed.join(", ")
            ),
        ));
    }
    if args.iter().any(|a| a == "--deploy") {
        warnings.extend(
            deploy_warnings(&settings)
                .into_iter()
                .map(|(id, message)| (id, message.to_string())),
        );
    }
    println!("{}", report(&warnings));
    if !settings.debug
        && let Some(root) = settings.static_root_path()
    {
        crate::staticfiles::collect::check_manifest(&settings, &root).map_err(CommandError)?;
    }
    Ok(())
}

fn showurls<U: UrlConf>() {
    for e in crate::urls::flatten(U::patterns()) {
        println!("/{}\t{}\t{}", e.route, e.view, e.name);
    }
}

/// Runs `args[1]` with the rest of `args`; returns the process's exit status.
pub fn execute<U: UrlConf>(project: &Project<U>, args: &[String]) -> ExitCode {
    let prog = args
        .first()
        .map(|a| {
            std::path::Path::new(a)
                .file_name()
                .map_or(a.clone(), |f| f.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| "manage".into());
    if let Ok(settings) = project.settings() {
        crate::log::init(&settings);
    }
    let Some(name) = args.get(1) else {
        let _ = help(project, &prog, None);
        return ExitCode::SUCCESS;
    };
    let rest = &args[2..];
    let name = match name.as_str() {
        "--help" | "-h" => "help",
        other => other,
    };
    let result = match builtins::<U>().iter().find(|b| b.name == name) {
        Some(builtin) => (builtin.run)(project, rest, &prog),
        None => match project.commands.iter().find(|c| c.name == name) {
            Some(c) => (c.run)(rest),
            None => {
                eprintln!("Unknown command: '{name}'\nType '{prog} help' for usage.");
                return ExitCode::FAILURE;
            }
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("CommandError: {e}");
            ExitCode::FAILURE
        }
    }
}

impl<U: UrlConf> Project<U> {
    /// Runs the command named on the command line, as Django's `manage.py` does.
    pub fn execute_from_command_line(self) -> std::process::ExitCode {
        let args: Vec<String> = std::env::args().collect();
        execute(&self, &args)
    }
}
