//! The test site's manage.py, for tests over a real socket.

fn main() -> std::process::ExitCode {
    manouche_tests::project().execute_from_command_line()
}
