//! The load benchmark's parts: a minimal HTTP client for set-up and checks, the wrk runner
//! and its output parser, the server process readings (CPU time, peak RSS), and the chart.

pub mod chart;
pub mod client;
pub mod process;
pub mod wrk;

/// The port a peer server listens on: its first argument.
pub fn port_arg() -> u16 {
    std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| {
            eprintln!(
                "usage: {} PORT",
                std::env::args().next().unwrap_or_default()
            );
            std::process::exit(2)
        })
}

/// The Python with Django 5.2 that `--python PATH` names, for the benchmarks that compare
/// with Django; `None` when not given.
pub fn python_arg() -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == "--python")
        .and_then(|i| args.get(i + 1).cloned())
}
