//! `collectstatic` and `findstatic`, with Django's options and texts.

use std::io::{BufRead, Write};

use super::CommandError;
use crate::settings::Settings;
use crate::staticfiles::collect::{self, NO_STATIC_ROOT, Options};

/// `-v N` / `--verbosity N` / `--verbosity=N` among `args` (1 when absent).
fn verbosity(args: &[String]) -> Result<u8, CommandError> {
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let value = match arg.as_str() {
            "-v" | "--verbosity" => it.next().map(String::as_str),
            other => other.strip_prefix("--verbosity="),
        };
        if let Some(v) = value {
            return v.parse().ok().filter(|n| *n <= 3).ok_or_else(|| {
                CommandError(format!(
                    "argument -v/--verbosity: invalid choice: '{v}' (choose from 0, 1, 2, 3)"
                ))
            });
        }
        if matches!(arg.as_str(), "-v" | "--verbosity") {
            return Err(CommandError(
                "argument -v/--verbosity: expected one argument".into(),
            ));
        }
    }
    Ok(1)
}

/// `collectstatic [--noinput] [--clear] [--dry-run] [-v N]`.
pub(crate) fn collectstatic(settings: &Settings, args: &[String]) -> Result<(), CommandError> {
    let has = |flag: &str| args.iter().any(|a| a == flag);
    for arg in args {
        let known = matches!(
            arg.as_str(),
            "--noinput"
                | "--no-input"
                | "--clear"
                | "-c"
                | "--dry-run"
                | "-n"
                | "-v"
                | "--verbosity"
        ) || arg.starts_with("--verbosity=")
            || arg.parse::<u8>().is_ok();
        if !known {
            return Err(CommandError(format!("unrecognized arguments: {arg}")));
        }
    }
    let options = Options {
        clear: has("--clear") || has("-c"),
        dry_run: has("--dry-run") || has("-n"),
        verbosity: verbosity(args)?,
    };
    let interactive = !(has("--noinput") || has("--no-input"));
    let root = settings
        .static_root_path()
        .ok_or_else(|| CommandError(NO_STATIC_ROOT.into()))?;
    // Before the prompt: no question for what would be refused anyway.
    collect::refuse_root_inside_sources(settings, &root).map_err(CommandError)?;
    let not_empty = std::fs::read_dir(&root).is_ok_and(|mut d| d.next().is_some());
    if interactive && not_empty {
        let mut message = String::from("\n");
        if options.dry_run {
            message.push_str(
                "You have activated the --dry-run option so no files will be modified.\n\n",
            );
        }
        message.push_str(&format!(
            "You have requested to collect static files at the destination\nlocation as specified in your settings:\n\n    {}\n\n",
            root.display()
        ));
        message.push_str(if options.clear {
            "This will DELETE ALL FILES in this location!\n"
        } else {
            "This will overwrite existing files!\n"
        });
        message.push_str(
            "Are you sure you want to do this?\n\nType 'yes' to continue, or 'no' to cancel: ",
        );
        print!("{message}");
        let _ = std::io::stdout().flush();
        let mut answer = String::new();
        let _ = std::io::stdin().lock().read_line(&mut answer);
        if answer.trim_end_matches(['\r', '\n']) != "yes" {
            return Err(CommandError("Collecting static files cancelled.".into()));
        }
    }
    let collected = collect::collect(settings, &root, options, &mut |line| println!("{line}"))
        .map_err(CommandError)?;
    if options.verbosity >= 1 {
        println!("{}", collected.summary(&root));
    }
    Ok(())
}

/// `findstatic <path>… [--first]`: where each name is found, the collected one first.
pub(crate) fn findstatic(settings: &Settings, args: &[String]) -> Result<(), CommandError> {
    let first_only = args.iter().any(|a| a == "--first");
    let level = verbosity(args)?;
    let names: Vec<&String> = args
        .iter()
        .filter(|a| !a.starts_with('-') && a.parse::<u8>().is_err())
        .collect();
    if names.is_empty() {
        return Err(CommandError("Enter at least one staticfile.".into()));
    }
    for name in names {
        let mut found = collect::find_all(settings, name);
        if first_only {
            found.truncate(1);
        }
        if found.is_empty() {
            if level >= 1 {
                eprintln!("No matching file found for '{name}'.");
            }
            continue;
        }
        let list: Vec<String> = found.iter().map(|p| p.display().to_string()).collect();
        if level >= 1 {
            println!("Found '{name}' here:\n  {}", list.join("\n  "));
        } else {
            println!("{}", list.join("\n"));
        }
    }
    Ok(())
}
