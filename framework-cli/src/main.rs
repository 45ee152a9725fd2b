//! The `manouche` command.

fn main() -> std::process::ExitCode {
    manouche_cli::run()
}
