//! A login's password check: manouche's `check_password` (PBKDF2-SHA256, 1,000,000
//! rounds, Django 5.2's hash) against ring's PBKDF2 alone (the floor) and Django's own
//! `check_password` (Python around OpenSSL), when a Django is given. Prints milliseconds
//! of CPU per check and the ratios (goals: within 1.5× of the floor, at least 2× faster
//! than Django).
//!
//! `cargo run --release -p manouche-bench --bin hash-bench [-- --python PATH]`

use std::hint::black_box;
use std::num::NonZeroU32;
use std::time::{Duration, Instant};

/// Made by Django 5.2 for "correct horse battery staple".
const HASH: &str =
    "pbkdf2_sha256$1000000$lSBkZKxVhYlROYJuI0nLOs$Ow1zDE0R1HSM1tQLpSg19idKMbbh+VXuhLln7MQFEs4=";

/// CPU time this thread has run (Linux's schedstat), or wall time where it cannot be read:
/// the same measure as Django's `time.process_time()`, steady on a busy machine.
fn cpu_now() -> Duration {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map(Duration::from_nanos)
        .unwrap_or_else(|| START.with(|s| s.elapsed()))
}

thread_local! {
    static START: Instant = Instant::now();
}

/// The median of `n` CPU timings of `f`.
fn median(n: usize, mut f: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..n)
        .map(|_| {
            let start = cpu_now();
            f();
            cpu_now() - start
        })
        .collect();
    times.sort();
    times[n / 2]
}

fn main() {
    let python = manouche_bench::python_arg();
    assert!(manouche::auth::hashers::check_password("correct horse battery staple", HASH).correct);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let ours = median(9, || {
        black_box(manouche::auth::hashers::check_password(
            black_box("correct horse battery staple"),
            HASH,
        ));
    });
    let floor = median(9, || {
        let mut out = [0u8; 32];
        ring::pbkdf2::derive(
            ring::pbkdf2::PBKDF2_HMAC_SHA256,
            NonZeroU32::new(1_000_000).expect("not zero"),
            b"lSBkZKxVhYlROYJuI0nLOs",
            black_box(b"correct horse battery staple"),
            &mut out,
        );
        black_box(out);
    });
    println!("check_password, PBKDF2-SHA256 × 1,000,000 (one login)");
    println!("ring's PBKDF2 alone (floor)   {:>8.1} ms", ms(floor));
    println!(
        "manouche check_password       {:>8.1} ms   manouche/floor = {:.2}× (goal ≤ 1.5×)",
        ms(ours),
        ours.as_secs_f64() / floor.as_secs_f64()
    );
    let Some(python) = python else {
        println!("Django: not measured (pass --python PATH to a Python with Django 5.2)");
        return;
    };
    let script = format!(
        r#"
import time
from django.conf import settings
settings.configure()
import django
django.setup()
from django.contrib.auth.hashers import check_password
assert check_password("correct horse battery staple", "{HASH}")
times = []
for _ in range(5):
    start = time.process_time()
    check_password("correct horse battery staple", "{HASH}")
    times.append(time.process_time() - start)
times.sort()
print(times[2] * 1000)
"#
    );
    let out = std::process::Command::new(&python)
        .args(["-c", &script])
        .output()
        .expect("runs Python");
    let django: f64 = String::from_utf8_lossy(&out.stdout)
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("Django's time: {}", String::from_utf8_lossy(&out.stderr)));
    println!(
        "Django 5.2 check_password     {:>8.1} ms   Django/manouche = {:.2}× (goal ≥ 2×)",
        django,
        django / ms(ours)
    );
}
