//! The `manouche` command. Its subcommands (startproject, startapp, runserver with reload)
//! are being built; until then it says so rather than doing nothing.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--version" | "-V") => {
            println!("manouche {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!(
                "manouche: startproject, startapp and runserver-with-reload are not available yet.\n\
                 Until they are, copy demo/ as the starting point of a project and run it with\n\
                 `cargo run -- runserver` (see the book's chapter \"The project and its files\")."
            );
            ExitCode::from(2)
        }
    }
}
