//! `createsuperuser` and `changepassword` (`django.contrib.auth`'s commands).

use std::io::{BufRead, Write};

use crate::auth::{self, NewUser};
use crate::db::Database;
use crate::project::CommandError;
use crate::settings::Settings;

fn database(settings: &Settings) -> Result<Database, CommandError> {
    Database::from_settings(settings).map_err(|e| CommandError(e.to_string()))
}

fn option<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter().enumerate().find_map(|(i, a)| {
        a.strip_prefix(&format!("{name}=")).or_else(|| {
            (a == name)
                .then(|| args.get(i + 1).map(String::as_str))
                .flatten()
        })
    })
}

/// Asks on the terminal; `None` at the end of input.
fn ask(prompt: &str) -> Option<String> {
    print!("{prompt}");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(line.trim_end_matches(['\r', '\n']).to_string()),
    }
}

/// `createsuperuser [--username U] [--email E] [--noinput]`; with `--noinput` the
/// password comes from MANOUCHE_SUPERUSER_PASSWORD (and the username and e-mail from
/// MANOUCHE_SUPERUSER_USERNAME and …_EMAIL when not given).
pub fn createsuperuser(settings: &Settings, args: &[String]) -> Result<(), CommandError> {
    let noinput = args.iter().any(|a| a == "--noinput" || a == "--no-input");
    let env = |name: &str| std::env::var(format!("MANOUCHE_SUPERUSER_{name}")).ok();
    let db = database(settings)?;
    let (username, email, password) = if noinput {
        let username = option(args, "--username")
            .map(str::to_string)
            .or_else(|| env("USERNAME"))
            .ok_or_else(|| CommandError("You must use --username with --noinput.".into()))?;
        let email = option(args, "--email")
            .map(str::to_string)
            .or_else(|| env("EMAIL"))
            .unwrap_or_default();
        (username, email, env("PASSWORD"))
    } else {
        let username = match option(args, "--username") {
            Some(u) => u.to_string(),
            None => loop {
                let u = ask("Username: ").ok_or_else(|| CommandError("cancelled".into()))?;
                if u.trim().is_empty() {
                    eprintln!("Error: This field cannot be blank.");
                    continue;
                }
                break u;
            },
        };
        let email = match option(args, "--email") {
            Some(e) => e.to_string(),
            None => ask("Email address: ").unwrap_or_default(),
        };
        let password = loop {
            let p = ask("Password: ").ok_or_else(|| CommandError("cancelled".into()))?;
            let again =
                ask("Password (again): ").ok_or_else(|| CommandError("cancelled".into()))?;
            if p != again {
                eprintln!("Error: Your passwords didn't match.");
                continue;
            }
            if p.is_empty() {
                eprintln!("Error: Blank passwords aren't allowed.");
                continue;
            }
            let problems = auth::validate_password(&p, None);
            if !problems.is_empty() {
                eprintln!("{}", problems.join("\n"));
                let bypass = ask("Bypass password validation and create user anyway? [y/N]: ")
                    .unwrap_or_default();
                if !bypass.trim().eq_ignore_ascii_case("y") {
                    continue;
                }
            }
            break p;
        };
        (username, email, Some(password))
    };
    if auth::get_by_username(&db, username.trim())
        .map_err(|e| CommandError(e.to_string()))?
        .is_some()
    {
        return Err(CommandError(
            "Error: That username is already taken.".into(),
        ));
    }
    auth::create_user_in(
        &db,
        &NewUser {
            username: &username,
            password: password.as_deref(),
            email: &email,
            superuser: true,
            ..NewUser::default()
        },
    )
    .map_err(|e| CommandError(e.to_string()))?;
    println!("Superuser created successfully.");
    Ok(())
}

/// `changepassword <username>`: asks for the new password twice.
pub fn changepassword(settings: &Settings, args: &[String]) -> Result<(), CommandError> {
    let username = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .cloned()
        .or_else(|| std::env::var("USER").ok())
        .ok_or_else(|| CommandError("changepassword takes a username".into()))?;
    let db = database(settings)?;
    if auth::get_by_username(&db, &username)
        .map_err(|e| CommandError(e.to_string()))?
        .is_none()
    {
        return Err(CommandError(format!("user '{username}' does not exist")));
    }
    println!("Changing password for user '{username}'");
    for _ in 0..3 {
        let p = ask("Password: ").ok_or_else(|| CommandError("cancelled".into()))?;
        let again = ask("Password (again): ").ok_or_else(|| CommandError("cancelled".into()))?;
        if p != again {
            eprintln!("Passwords do not match. Please try again.");
            continue;
        }
        let user =
            auth::get_by_username(&db, &username).map_err(|e| CommandError(e.to_string()))?;
        let problems = auth::validate_password(&p, user.as_ref());
        if !problems.is_empty() {
            eprintln!("{}", problems.join("\n"));
            continue;
        }
        auth::set_password(&db, &username, &p).map_err(|e| CommandError(e.to_string()))?;
        println!("Password changed successfully for user '{username}'");
        return Ok(());
    }
    Err(CommandError(format!(
        "Aborting password change for user '{username}' after 3 attempts"
    )))
}
