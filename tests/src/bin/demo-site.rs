//! The demo's manage.py, built inside this crate so that tests can start it by path
//! (`CARGO_BIN_EXE_demo-site`): the same `demo::project()` as `cargo run -p demo`.

fn main() -> std::process::ExitCode {
    demo::project().execute_from_command_line()
}
