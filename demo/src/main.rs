//! The demo's manage.py: `cargo run -p demo -- runserver`.

fn main() -> std::process::ExitCode {
    demo::project().execute_from_command_line()
}
