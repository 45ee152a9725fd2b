//! `dbshell`: the database's own client on the configured database (`sqlite3` or `psql`),
//! as Django's, with what follows `--` passed to it.

use super::CommandError;
use crate::db::{Backend, target_of};
use crate::settings::Settings;

/// The client and its arguments for the settings' database, then `extra`.
fn client_command(
    settings: &Settings,
    extra: &[String],
) -> Result<(&'static str, Vec<String>), CommandError> {
    let (backend, target) = target_of(&settings.database_url, settings.base_dir())
        .map_err(|e| CommandError(e.message().to_string()))?;
    let program = match backend {
        Backend::Sqlite => "sqlite3",
        Backend::Postgres => "psql",
    };
    let mut args = vec![target];
    args.extend(extra.iter().cloned());
    Ok((program, args))
}

/// Runs the client in this terminal; its exit status is the command's.
pub(crate) fn dbshell(settings: &Settings, args: &[String]) -> Result<(), CommandError> {
    let extra = match args.split_first() {
        None => &[][..],
        Some((first, rest)) if first == "--" => rest,
        Some((other, _)) => {
            return Err(CommandError(format!(
                "unrecognized arguments: {other} (arguments for the client go after --)"
            )));
        }
    };
    let (program, args) = client_command(settings, extra)?;
    let status = std::process::Command::new(program)
        .args(&args)
        .status()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => CommandError(format!(
                "You appear not to have the '{program}' program installed or on your path."
            )),
            _ => CommandError(format!("cannot run {program}: {e}")),
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(CommandError(format!(
            "\"{program} {}\" returned non-zero exit status {}.",
            args.join(" "),
            status.code().unwrap_or(1)
        )))
    }
}
