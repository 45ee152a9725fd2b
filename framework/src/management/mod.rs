//! Management commands: the project's binary is its `manage.py` (`runserver`, `check`,
//! `showurls`, `help`, and the project's own commands).

pub mod migrate;
mod runserver;

use std::process::ExitCode;

use crate::project::Project;
use crate::urls::UrlConf;

pub use runserver::parse_addrport;

/// A command failed; printed as Django prints it: `CommandError: …`, exit status 1.
#[derive(Debug)]
pub struct CommandError(pub String);

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CommandError {}

impl From<crate::settings::ImproperlyConfigured> for CommandError {
    fn from(e: crate::settings::ImproperlyConfigured) -> Self {
        CommandError(e.0)
    }
}

/// A project's own command.
#[derive(Debug, Clone)]
pub struct Command {
    /// What is typed after the binary's name.
    pub name: &'static str,
    /// One line for `help`.
    pub help: &'static str,
    /// The work; it gets the arguments after the name.
    pub run: fn(&[String]) -> Result<(), CommandError>,
}

const BUILTIN: &[(&str, &str)] = &[
    ("check", "Checks the project's settings for problems."),
    ("help", "Lists the commands."),
    (
        "runserver",
        "Starts a web server: runserver [addr:port] (default 127.0.0.1:8000).",
    ),
    (
        "showurls",
        "Lists every URL pattern with its view and name.",
    ),
];

fn help<U: UrlConf>(project: &Project<U>, prog: &str) {
    println!("Type '{prog} help <subcommand>' for help on a specific subcommand.\n");
    println!("Available subcommands:\n");
    println!("[manouche]");
    for (name, about) in BUILTIN {
        println!("    {name:<12} {about}");
    }
    if !project.commands.is_empty() {
        println!("\n[project]");
        for c in &project.commands {
            println!("    {:<12} {}", c.name, c.help);
        }
    }
}

fn check<U: UrlConf>(project: &Project<U>) -> Result<(), CommandError> {
    project.settings()?;
    println!("System check identified no issues (0 silenced).");
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
    let Some(name) = args.get(1) else {
        help(project, &prog);
        return ExitCode::SUCCESS;
    };
    let rest = &args[2..];
    let result = match name.as_str() {
        "help" | "--help" | "-h" => {
            help(project, &prog);
            Ok(())
        }
        "check" => check(project),
        "showurls" => {
            showurls::<U>();
            Ok(())
        }
        "runserver" => runserver::run(project, rest, &prog),
        "migrate" => project
            .settings()
            .map_err(CommandError::from)
            .and_then(|s| migrate::migrate(&s, project.migrations())),
        "showmigrations" => project
            .settings()
            .map_err(CommandError::from)
            .and_then(|s| migrate::showmigrations(&s, project.migrations())),
        "clearsessions" => project
            .settings()
            .map_err(CommandError::from)
            .and_then(|s| migrate::clearsessions(&s)),
        other => match project.commands.iter().find(|c| c.name == other) {
            Some(c) => (c.run)(rest),
            None => {
                eprintln!("Unknown command: '{other}'\nType '{prog} help' for usage.");
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
