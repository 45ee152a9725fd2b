//! Template rendering speed: a 100-row table with filters in every cell, rendered by
//! manouche's compiled Django template, by askama written by hand for the same output,
//! and by Django's engine (when a Django is installed, see tests/bench/run.sh). Prints
//! microseconds per render and the ratios (goals: manouche within 1.2× of hand-written
//! askama, Django at least 20× slower).
//!
//! `cargo run --release -p manouche-bench --bin render-bench [-- --python PATH]`

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::NaiveDate;

/// One row of the table.
pub struct Row {
    name: String,
    price: f64,
    when: NaiveDate,
    tags: Vec<String>,
    count: u32,
    note: String,
    done: bool,
}

/// The same rows as tests/bench/django/render_table.py.
fn rows() -> Vec<Row> {
    (0..100u32)
        .map(|i| Row {
            name: format!("item number {i}"),
            price: f64::from(i * 37 % 1000) / 4.0,
            when: NaiveDate::from_ymd_opt(2024, 1 + i % 12, 1 + i % 28).expect("a date"),
            tags: ["red", "green", "blue"][..1 + (i % 3) as usize]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            count: i % 3,
            note: if i % 2 == 1 {
                "a note that is long enough to be cut".into()
            } else {
                "short".into()
            },
            done: i % 5 == 0,
        })
        .collect()
}

mod django {
    use manouche::Template;

    /// The table in Django's template language, compiled by manouche.
    #[derive(Template)]
    #[template(path = "table.html")]
    pub struct Table<'a> {
        pub rows: &'a [super::Row],
    }
}

mod by_hand {
    /// The same table written for askama by hand.
    #[derive(askama::Template)]
    #[template(path = "table_askama.html")]
    pub struct Table<'a> {
        pub rows: &'a [super::Row],
    }
}

/// Django's `title` for these names (lower-case ASCII words).
pub fn title(s: &str) -> String {
    s.split(' ')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Django's `truncatechars`.
pub fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

/// Stops when a peer's page is not manouche's, showing where they part.
fn same_page(ours: &str, theirs: &str, who: &str) {
    if ours != theirs {
        let at = ours
            .bytes()
            .zip(theirs.bytes())
            .position(|(a, b)| a != b)
            .unwrap_or(ours.len().min(theirs.len()));
        let from = at.saturating_sub(40);
        panic!(
            "{who} renders another page from byte {at}: manouche {:?}, {who} {:?}",
            &ours[from..(at + 40).min(ours.len())],
            &theirs[from..(at + 40).min(theirs.len())]
        );
    }
}

/// Median time of one call of `a` and of `b`, and the median of their ratio per round:
/// rounds alternate, so both see the same noise of a busy machine.
fn time_pair(mut a: impl FnMut(), mut b: impl FnMut()) -> (Duration, Duration, f64) {
    let round = |f: &mut dyn FnMut()| {
        let start = Instant::now();
        for _ in 0..100 {
            f();
        }
        start.elapsed() / 100
    };
    for _ in 0..100 {
        a();
        b();
    }
    let mut ta = Vec::new();
    let mut tb = Vec::new();
    let mut ratios = Vec::new();
    for _ in 0..31 {
        let x = round(&mut a);
        let y = round(&mut b);
        ratios.push(x.as_secs_f64() / y.as_secs_f64());
        ta.push(x);
        tb.push(y);
    }
    ta.sort();
    tb.sort();
    ratios.sort_by(f64::total_cmp);
    (ta[ta.len() / 2], tb[tb.len() / 2], ratios[ratios.len() / 2])
}

fn main() {
    use askama::Template as _;
    let args: Vec<String> = std::env::args().collect();
    let python = manouche_bench::python_arg();
    let rows = rows();
    if args.iter().any(|a| a == "--only-manouche") {
        // For a profiler: manouche's page alone, for a few seconds.
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(3) {
            black_box(
                manouche::Template::render(&django::Table {
                    rows: black_box(&rows),
                })
                .ok(),
            );
        }
        return;
    }
    let ours = manouche::Template::render(&django::Table { rows: &rows }).expect("renders");
    let theirs = by_hand::Table { rows: &rows }.render().expect("renders");
    same_page(&ours, &theirs, "askama by hand");
    let (manouche, askama, ratio) = time_pair(
        || {
            black_box(
                manouche::Template::render(&django::Table {
                    rows: black_box(&rows),
                })
                .ok(),
            );
        },
        || {
            black_box(
                by_hand::Table {
                    rows: black_box(&rows),
                }
                .render()
                .ok(),
            );
        },
    );
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!("100-row table, {} bytes", ours.len());
    println!(
        "manouche (Django template)  {:>8.1} µs/render",
        us(manouche)
    );
    println!(
        "askama by hand              {:>8.1} µs/render   manouche/askama = {ratio:.2}× (median of 31 alternating rounds; goal ≤ 1.2×)",
        us(askama),
    );
    let Some(python) = python else {
        println!("Django: not measured (pass --python PATH to a Python with Django 5.2)");
        return;
    };
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/django/render_table.py");
    let page = std::env::temp_dir().join(format!("render-bench-{}.html", std::process::id()));
    let out = std::process::Command::new(&python)
        .args([script, "200", &page.to_string_lossy()])
        .output()
        .expect("runs Python");
    let django_page = std::fs::read_to_string(&page).unwrap_or_default();
    let _ = std::fs::remove_file(&page);
    same_page(&ours, &django_page, "Django");
    let text = String::from_utf8_lossy(&out.stdout);
    let django_us: f64 = text.trim().parse().expect("Django's time");
    println!(
        "Django 5.2 engine           {:>8.1} µs/render   Django/manouche = {:.0}× (goal ≥ 20×)",
        django_us,
        django_us / us(manouche)
    );
}
