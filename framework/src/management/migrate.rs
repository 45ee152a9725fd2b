//! `migrate`, `showmigrations` and `clearsessions`, with Django's output.

use super::CommandError;
use crate::db::Database;
use crate::db::migrations::{self, AppMigrations, Step, Target};
use crate::settings::Settings;

fn database(settings: &Settings) -> Result<Database, CommandError> {
    Database::from_settings(settings).map_err(|e| CommandError(e.to_string()))
}

/// `migrate`: applies pending migrations, printing as Django does.
pub fn migrate(settings: &Settings, apps: &[AppMigrations]) -> Result<(), CommandError> {
    let db = database(settings)?;
    // Django lists the apps that have migrations, sorted; they are applied in the project's
    // order.
    let mut names: Vec<&str> = apps
        .iter()
        .filter(|a| !(a.source)(db.backend()).sql().is_empty())
        .map(|a| a.app)
        .collect();
    names.sort_unstable();
    println!("Operations to perform:");
    println!("  Apply all migrations: {}", names.join(", "));
    println!("Running migrations:");
    let applied = migrations::migrate(&db, apps, |label, done| {
        print_step(Step::Apply, label, done)
    })
    .map_err(|e| CommandError(e.to_string()))?;
    if applied == 0 {
        println!("  No migrations to apply.");
    }
    Ok(())
}

/// Django's `  Applying auth.0001_initial... OK`, the name printed before the step runs.
fn print_step(step: Step, label: &str, done: bool) {
    use std::io::Write;
    if done {
        println!(" OK");
        return;
    }
    let verb = match step {
        Step::Apply => "Applying",
        Step::Unapply => "Unapplying",
    };
    print!("  {verb} {label}...");
    let _ = std::io::stdout().flush();
}

/// The app `label` names among the project's, or Django's message.
fn installed<'a>(
    apps: &'a [AppMigrations],
    label: &str,
) -> Result<&'a AppMigrations, CommandError> {
    apps.iter()
        .find(|a| a.app == label)
        .ok_or_else(|| CommandError(format!("No installed app with label '{label}'.")))
}

/// `migrate [app] [target]`: every app's pending migrations, or one app taken to a
/// migration (`zero` unapplies them all), with Django's texts.
pub fn migrate_command(
    settings: &Settings,
    apps: &[AppMigrations],
    args: &[String],
) -> Result<(), CommandError> {
    let (label, target) = match args {
        [] => return migrate(settings, apps),
        [label] => (label, None),
        [label, target] => (label, Some(target.as_str())),
        _ => {
            return Err(CommandError(
                "migrate takes an app and a migration at most: migrate [app] [migration]".into(),
            ));
        }
    };
    let app = installed(apps, label)?;
    let db = database(settings)?;
    let failed = |e: crate::Error| CommandError(e.message().to_string());
    let target = match target {
        None => Target::Latest,
        Some("zero") => Target::Zero,
        Some(prefix) => Target::Upto(migrations::find_migration(&db, app, prefix).map_err(failed)?),
    };
    println!("Operations to perform:");
    match &target {
        Target::Latest => println!("  Apply all migrations: {label}"),
        Target::Zero => println!("  Unapply all migrations: {label}"),
        Target::Upto(name) => println!("  Target specific migration: {name}, from {label}"),
    }
    println!("Running migrations:");
    let steps = migrations::migrate_app(&db, apps, app, &target, print_step).map_err(failed)?;
    if steps == 0 {
        println!("  No migrations to apply.");
    }
    Ok(())
}

/// `sqlmigrate <app> <migration> [--backwards]`: the SQL a migration runs, as embedded for
/// the configured database.
pub fn sqlmigrate(
    settings: &Settings,
    apps: &[AppMigrations],
    args: &[String],
) -> Result<(), CommandError> {
    let backwards = args.iter().any(|a| a == "--backwards");
    let names: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    let [label, prefix] = names.as_slice() else {
        return Err(CommandError(
            "sqlmigrate takes an app and a migration: sqlmigrate <app> <migration> [--backwards]"
                .into(),
        ));
    };
    let app = installed(apps, label)?;
    let db = database(settings)?;
    let failed = |e: crate::Error| CommandError(e.message().to_string());
    let name = migrations::find_migration(&db, app, prefix).map_err(|e| {
        let message = e.message().to_string();
        if message.starts_with("Cannot find") {
            CommandError(format!("{message} Is it in INSTALLED_APPS?"))
        } else {
            CommandError(message)
        }
    })?;
    println!(
        "{}",
        migrations::sql_of(&db, app, &name, backwards).map_err(failed)?
    );
    Ok(())
}

/// `showmigrations`: each app, then ` [X] name` for applied and ` [ ] name` for pending.
pub fn showmigrations(settings: &Settings, apps: &[AppMigrations]) -> Result<(), CommandError> {
    let db = database(settings)?;
    let states = migrations::show(&db, apps).map_err(|e| CommandError(e.to_string()))?;
    for app in apps {
        println!("{}", app.app);
        let mine: Vec<_> = states.iter().filter(|s| s.app == app.app).collect();
        if mine.is_empty() {
            println!(" (no migrations)");
        }
        for s in mine {
            println!(" [{}] {}", if s.applied { "X" } else { " " }, s.name);
        }
    }
    Ok(())
}

/// `clearsessions`: deletes expired sessions.
pub fn clearsessions(settings: &Settings) -> Result<(), CommandError> {
    let store =
        crate::middleware::session::store_for(settings).map_err(|e| CommandError(e.to_string()))?;
    store
        .clear_expired()
        .map_err(|e| CommandError(e.to_string()))?;
    Ok(())
}

/// Django's runserver warning about unapplied migrations, or nothing.
pub fn unapplied_warning(
    settings: &Settings,
    apps: &[AppMigrations],
    prog: &str,
) -> Option<String> {
    let db = Database::from_settings(settings).ok()?;
    match migrations::unapplied(&db, apps) {
        Ok((0, _)) => None,
        Ok((n, names)) => Some(format!(
            "\nYou have {n} unapplied migration(s). Your project may not work properly until you apply the migrations for app(s): {}.\nRun '{prog} migrate' to apply them.",
            names.join(", ")
        )),
        Err(e) => Some(format!("\nCannot check the migrations: {e}")),
    }
}
