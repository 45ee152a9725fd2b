//! `makemigrations [app…] [--check] [--dry-run] [--empty] [--noinput] [--name N]
//! [--default V]`: compares each installed app's models as compiled with the state its
//! migrations left (`state.json`) and writes the next migration: SQL for SQLite and for
//! PostgreSQL, up and down, and the new state. Texts and questions are Django's.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::CommandError;
use crate::db::Backend;
use crate::db::autodetector::{self, Operation, Questioner};
use crate::db::migrations::AppMigrations;
use crate::db::models::{AppConfig, AppState, FieldState, ModelState};
use crate::db::schema_editor::{self, MigrationScript};

/// The options after the app labels.
#[derive(Debug, Default)]
struct Options {
    apps: Vec<String>,
    check: bool,
    dry_run: bool,
    empty: bool,
    interactive: bool,
    name: Option<String>,
    default: Option<String>,
}

fn parse(args: &[String]) -> Result<Options, CommandError> {
    let mut o = Options {
        interactive: true,
        ..Options::default()
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--check" => o.check = true,
            "--dry-run" => o.dry_run = true,
            "--empty" => o.empty = true,
            "--noinput" | "--no-input" => o.interactive = false,
            "--name" | "-n" => {
                let n = it
                    .next()
                    .ok_or_else(|| CommandError("--name needs a name".into()))?;
                if n.is_empty() || !n.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    return Err(CommandError(
                        "The migration name must be a valid Python identifier.".into(),
                    ));
                }
                o.name = Some(n.clone());
            }
            "--default" => {
                o.default = Some(
                    it.next()
                        .ok_or_else(|| CommandError("--default needs a value".into()))?
                        .clone(),
                );
            }
            flag if flag.starts_with('-') => {
                return Err(CommandError(format!(
                    "makemigrations: unknown option {flag}; it takes [app…] --check --dry-run --empty --noinput --name NAME --default VALUE"
                )));
            }
            app => o.apps.push(app.to_owned()),
        }
    }
    Ok(o)
}

/// Asks on the terminal, as Django's InteractiveMigrationQuestioner.
struct Interactive {
    default: Option<String>,
}

fn read_line() -> Result<String, String> {
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) | Err(_) => Err("no answer (the input ended)".into()),
        Ok(_) => Ok(line.trim().to_owned()),
    }
}

fn choice(question: &str, choices: &[&str]) -> Result<usize, String> {
    println!("{question}");
    for (i, c) in choices.iter().enumerate() {
        println!(" {}) {c}", i + 1);
    }
    print!("Select an option: ");
    loop {
        if let Ok(n) = read_line()?.parse::<usize>()
            && (1..=choices.len()).contains(&n)
        {
            return Ok(n);
        }
        print!("Please select a valid option: ");
    }
}

fn yes_no(question: &str) -> Result<bool, String> {
    print!("{question} ");
    loop {
        let answer = read_line()?;
        match answer.chars().next().map(|c| c.to_ascii_lowercase()) {
            None => return Ok(false),
            Some('y') => return Ok(true),
            Some('n') => return Ok(false),
            _ => print!("Please answer yes or no: "),
        }
    }
}

const ONE_OFF: &str = "Provide a one-off default now (will be set on all existing rows with a null value for this column)";
const QUIT: &str = "Quit and manually define a default value in models.rs.";

impl Interactive {
    fn ask_default(&self, field: &FieldState) -> Result<Value, String> {
        if let Some(d) = &self.default {
            return field.kind.parse_value(d);
        }
        println!(
            "Please enter the default value as a literal: a number, true or false, or text (quotes optional)."
        );
        println!("Type 'exit' to exit this prompt");
        loop {
            print!(">>> ");
            let code = read_line()?;
            if code.is_empty() {
                println!("Please enter some code, or 'exit' (without quotes) to exit.");
            } else if code == "exit" {
                return Err("Cancelled.".into());
            } else {
                match field.kind.parse_value(&code) {
                    Ok(v) => return Ok(v),
                    Err(e) => println!("{e}"),
                }
            }
        }
    }
}

impl Questioner for Interactive {
    fn ask_rename_model(
        &mut self,
        app: &str,
        old: &ModelState,
        new: &ModelState,
    ) -> Result<bool, String> {
        yes_no(&format!(
            "Was the model {app}.{} renamed to {}? [y/N]",
            old.name, new.name
        ))
    }

    fn ask_rename(
        &mut self,
        model: &str,
        old: &FieldState,
        new: &FieldState,
    ) -> Result<bool, String> {
        let m = model.to_lowercase();
        yes_no(&format!(
            "Was {m}.{} renamed to {m}.{} (a {})? [y/N]",
            old.name,
            new.name,
            new.kind.django_name()
        ))
    }

    fn ask_not_null_addition(&mut self, model: &str, field: &FieldState) -> Result<Value, String> {
        let question = format!(
            "It is impossible to add a non-nullable field '{}' to {} without specifying a default.",
            field.name,
            model.to_lowercase()
        );
        self.ask_fix(&question, model, field)
    }

    fn ask_not_null_alteration(
        &mut self,
        model: &str,
        field: &FieldState,
    ) -> Result<Value, String> {
        let question = format!(
            "It is impossible to change a nullable field '{}' on {} to non-nullable without providing a default.",
            field.name,
            model.to_lowercase()
        );
        self.ask_fix(&question, model, field)
    }
}

impl Interactive {
    /// Django's choice between a one-off default and quitting, then the default.
    fn ask_fix(&self, question: &str, model: &str, field: &FieldState) -> Result<Value, String> {
        if self.default.is_none() {
            let picked = choice(
                &format!(
                    "{question} This is because the database needs something to populate existing rows.\nPlease select a fix:"
                ),
                &[ONE_OFF, QUIT],
            )?;
            if picked == 2 {
                return Err(format!(
                    "Quit: give {model}.{} a default (#[field(default = …)]).",
                    field.name
                ));
            }
        }
        self.ask_default(field)
    }
}

/// `--noinput`: never guesses. A rename it cannot tell from a drop and an add is refused,
/// so that no column is dropped silently; a new NOT NULL column takes `--default`.
struct NonInteractive {
    default: Option<String>,
}

impl Questioner for NonInteractive {
    fn ask_rename_model(
        &mut self,
        app: &str,
        old: &ModelState,
        new: &ModelState,
    ) -> Result<bool, String> {
        Err(format!(
            "The model {app}.{} may have been renamed to {}: makemigrations does not guess with --noinput, since a wrong guess drops the table and its rows. Run it without --noinput to answer.",
            old.name, new.name
        ))
    }

    fn ask_rename(
        &mut self,
        model: &str,
        old: &FieldState,
        new: &FieldState,
    ) -> Result<bool, String> {
        let m = model.to_lowercase();
        Err(format!(
            "{m}.{} may have been renamed to {m}.{}: makemigrations does not guess with --noinput, since a wrong guess drops the column and its data. Run it without --noinput to answer.",
            old.name, new.name
        ))
    }

    fn ask_not_null_addition(&mut self, model: &str, field: &FieldState) -> Result<Value, String> {
        match &self.default {
            Some(d) => field.kind.parse_value(d),
            None => Err(format!(
                "Field '{}' on model '{}' not migrated: it is impossible to add a non-nullable field without specifying a default (give it #[field(default = …)], or run makemigrations with --default VALUE).",
                field.name,
                model.to_lowercase()
            )),
        }
    }

    fn ask_not_null_alteration(
        &mut self,
        model: &str,
        field: &FieldState,
    ) -> Result<Value, String> {
        match &self.default {
            Some(d) => field.kind.parse_value(d),
            None => Err(format!(
                "Field '{}' on model '{}' not migrated: it is impossible to change a nullable field to non-nullable without specifying a default (run makemigrations with --default VALUE).",
                field.name,
                model.to_lowercase()
            )),
        }
    }
}

/// The state an app's migrations leave, read from its folder (fresher than the binary's
/// copy when a migration was just written).
fn migrated_state(app: &AppConfig) -> Result<AppState, CommandError> {
    let path = Path::new(app.migrations.folder).join("state.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .map_err(|e| CommandError(format!("{} cannot be read: {e}", path.display()))),
        Err(_) => app.migrated_state().map_err(CommandError),
    }
}

/// The migration folders (`<version>_<name>`) of an app for one database.
fn folders(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn version_of(folder: &str) -> &str {
    folder.split_once('_').map_or(folder, |(v, _)| v)
}

/// A version after every one of the app's and equal to no other app's: now, or a second
/// after the newest.
fn next_version(mine: &[String], taken: &[String]) -> String {
    let format = "%Y-%m-%d-%H%M%S";
    let parse = |v: &str| chrono::NaiveDateTime::parse_from_str(v, format).ok();
    let mut t = chrono::Utc::now().naive_utc();
    if let Some(newest) = mine.iter().filter_map(|v| parse(v)).max()
        && t <= newest
    {
        t = newest + chrono::Duration::seconds(1);
    }
    while taken.contains(&t.format(format).to_string()) {
        t += chrono::Duration::seconds(1);
    }
    t.format(format).to_string()
}

/// What is written for one app.
struct Planned {
    app: &'static AppConfig,
    folder: String,
    ops: Vec<Operation>,
    sqlite: MigrationScript,
    postgres: MigrationScript,
    state: AppState,
}

/// Shows `path` from the current folder when it is below it, as Django does.
fn shown(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

fn write_script(dir: &Path, script: &MigrationScript, header: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("up.sql"), format!("{header}{}", script.up))?;
    std::fs::write(dir.join("down.sql"), format!("{header}{}", script.down))?;
    if !script.in_transaction {
        std::fs::write(dir.join("metadata.toml"), "run_in_transaction = false\n")?;
    }
    Ok(())
}

/// Checks that every foreign key points at a model of this app or of one installed before.
fn check_references(apps: &[&'static AppConfig], index: usize) -> Result<(), CommandError> {
    let app = apps[index];
    let visible: Vec<String> = apps[..=index]
        .iter()
        .flat_map(|a| a.state())
        .map(|m| m.table)
        .collect();
    for model in app.state() {
        for field in &model.fields {
            if let Some(fk) = &field.foreign_key
                && !visible.contains(&fk.table)
            {
                return Err(CommandError(format!(
                    "{}.{}.{} points at {}, which is not a model of an app installed before {} (Project::app): install that app first",
                    app.name, model.name, field.name, fk.to, app.name
                )));
            }
        }
    }
    Ok(())
}

/// `makemigrations`.
pub fn makemigrations(
    apps: &[&'static AppConfig],
    known: &[AppMigrations],
    args: &[String],
) -> Result<(), CommandError> {
    let o = parse(args)?;
    for label in &o.apps {
        if !apps.iter().any(|a| a.name == label) {
            return Err(CommandError(format!(
                "App '{label}' could not be found. Is it installed (Project::app)?"
            )));
        }
    }
    if o.empty && o.apps.is_empty() {
        return Err(CommandError(
            "You must supply at least one app label when using --empty.".into(),
        ));
    }
    let mut questioner: Box<dyn Questioner> = if o.interactive && !o.check && !o.dry_run {
        Box::new(Interactive {
            default: o.default.clone(),
        })
    } else {
        Box::new(NonInteractive {
            default: o.default.clone(),
        })
    };
    // Every version in use, embedded or on disk, so that a new one collides with none.
    let mut taken: Vec<String> = Vec::new();
    for app in known {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            taken.extend(
                (app.source)(backend)
                    .sql()
                    .iter()
                    .map(|m| version_of(m.name).to_owned()),
            );
        }
    }
    for app in apps {
        for sub in ["sqlite", "postgres"] {
            let dir = Path::new(app.migrations.folder).join(sub);
            taken.extend(folders(&dir).iter().map(|f| version_of(f).to_owned()));
        }
    }
    let now = chrono::Utc::now().format("%Y%m%d_%H%M").to_string();
    let mut planned = Vec::new();
    for (i, app) in apps.iter().enumerate() {
        if !o.apps.is_empty() && !o.apps.iter().any(|l| l == app.name) {
            continue;
        }
        check_references(apps, i)?;
        let old = migrated_state(app)?;
        let new = app.state();
        let ops = if o.empty {
            Vec::new()
        } else {
            autodetector::changes(app.name, &old.models, &new, questioner.as_mut())
                .map_err(CommandError)?
        };
        if ops.is_empty() && !o.empty {
            continue;
        }
        let root = Path::new(app.migrations.folder);
        let existing = folders(&root.join("sqlite"));
        let number = existing.len() + 1;
        let name = match &o.name {
            Some(n) => n.clone(),
            None if o.empty => format!("auto_{now}"),
            None => autodetector::suggest_name(&ops, existing.is_empty(), &now),
        };
        let mine: Vec<String> = existing.iter().map(|f| version_of(f).to_owned()).collect();
        let version = next_version(&mine, &taken);
        taken.push(version.clone());
        let folder = format!("{version}_{number:04}_{name}");
        let (sqlite, postgres) = if o.empty {
            let blank = MigrationScript {
                up: "-- Write this migration's SQL here.\n".into(),
                down: "-- Write the SQL that undoes up.sql here.\n".into(),
                in_transaction: true,
            };
            (blank.clone(), blank)
        } else {
            (
                schema_editor::script(&old.models, &ops, Backend::Sqlite),
                schema_editor::script(&old.models, &ops, Backend::Postgres),
            )
        };
        let state = AppState {
            latest: Some(format!("{number:04}_{name}")),
            models: if o.empty { old.models.clone() } else { new },
        };
        planned.push(Planned {
            app,
            folder,
            ops,
            sqlite,
            postgres,
            state,
        });
    }
    if planned.is_empty() {
        match o.apps.as_slice() {
            [] => println!("No changes detected"),
            [one] => println!("No changes detected in app '{one}'"),
            many => println!("No changes detected in apps '{}'", many.join("', '")),
        }
        return Ok(());
    }
    let header = format!(
        "-- Generated by manouche {} on {}\n\n",
        env!("CARGO_PKG_VERSION"),
        chrono::Utc::now().format("%Y-%m-%d %H:%M")
    );
    for p in &planned {
        println!("Migrations for '{}':", p.app.name);
        let root = PathBuf::from(p.app.migrations.folder);
        for sub in ["sqlite", "postgres"] {
            println!("  {}", shown(&root.join(sub).join(&p.folder)));
        }
        for op in &p.ops {
            println!("    {}", op.describe());
        }
        if o.check || o.dry_run {
            continue;
        }
        let written = write_script(&root.join("sqlite").join(&p.folder), &p.sqlite, &header)
            .and_then(|()| {
                write_script(&root.join("postgres").join(&p.folder), &p.postgres, &header)
            })
            .and_then(|()| {
                let json = serde_json::to_string_pretty(&p.state).map_err(std::io::Error::other)?;
                std::fs::write(root.join("state.json"), json + "\n")
            });
        written.map_err(|e| {
            CommandError(format!(
                "cannot write the migration into {}: {e}",
                root.display()
            ))
        })?;
    }
    if o.check {
        return Err(CommandError(
            "Your models have changes that are not yet reflected in a migration.".into(),
        ));
    }
    Ok(())
}

/// The installed apps whose models differ from what their migrations leave.
pub fn apps_with_changes(apps: &[&'static AppConfig]) -> Vec<&'static str> {
    apps.iter()
        .filter(|a| a.has_changes())
        .map(|a| a.name)
        .collect()
}

/// Django's warning for models changed without a migration, or none.
pub fn changes_warning(apps: &[&'static AppConfig], prog: &str) -> Option<String> {
    let changed = apps_with_changes(apps);
    if changed.is_empty() {
        return None;
    }
    let quoted: Vec<String> = changed.iter().map(|a| format!("'{a}'")).collect();
    Some(format!(
        "Your models in app(s): {} have changes that are not yet reflected in a migration, and so won't be applied.\n  Run '{prog} makemigrations' to make new migrations, and then re-run '{prog} migrate' to apply them.",
        quoted.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_follow_the_apps_newest_and_avoid_others() {
        let v = next_version(&["2999-01-01-000000".into()], &["2999-01-01-000001".into()]);
        assert_eq!(v, "2999-01-01-000002");
        let now = next_version(&[], &[]);
        assert_eq!(now.len(), "2026-12-03-171500".len());
    }

    #[test]
    fn options() {
        let o = parse(&[
            "flights".into(),
            "--check".into(),
            "--default".into(),
            "3".into(),
        ])
        .unwrap();
        assert_eq!(o.apps, ["flights"]);
        assert!(o.check && o.interactive);
        assert_eq!(o.default.as_deref(), Some("3"));
        assert!(parse(&["--name".into(), "bad name".into()]).is_err());
        assert!(parse(&["--frobnicate".into()]).is_err());
    }
}
