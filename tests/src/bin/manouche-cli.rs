//! The `manouche` command, built inside this crate so that tests can run it by path
//! (`CARGO_BIN_EXE_manouche-cli`).

fn main() -> std::process::ExitCode {
    manouche_cli::run()
}
