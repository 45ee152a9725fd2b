//! The benchmark's results as an SVG bar chart: one bar per server, its CPU µs per request
//! on a logarithmic scale (Django's are 50× the others'), labelled with the figure and its
//! ratio to raw hyper in the same runs.

use std::fmt::Write;

/// One bar: the server, its median CPU µs per request, its median ratio to raw hyper.
#[derive(Debug, Clone)]
pub struct Bar {
    pub name: String,
    pub cpu_us: f64,
    pub ratio: f64,
}

const WIDTH: f64 = 760.0;
const LABELS: f64 = 250.0;
const ROW: f64 = 28.0;
const TOP: f64 = 48.0;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The chart, titled `title`, with `note` under it.
pub fn svg(title: &str, note: &str, bars: &[Bar]) -> String {
    let max = bars.iter().map(|b| b.cpu_us).fold(1.0, f64::max);
    // Decades from 1 µs to the largest figure.
    let decades = max.log10().ceil().max(1.0);
    let plot = WIDTH - LABELS - 150.0;
    let x = |us: f64| LABELS + plot * (us.max(1.0).log10() / decades);
    let height = TOP + ROW * bars.len() as f64 + 40.0;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="13">"#
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        out,
        r#"<text x="10" y="20" font-size="15" font-weight="bold">{}</text>"#,
        escape(title)
    );
    let _ = writeln!(
        out,
        r##"<text x="10" y="38" fill="#555">{}</text>"##,
        escape(note)
    );
    let bottom = TOP + ROW * bars.len() as f64;
    for d in 0..=decades as u32 {
        let us = 10f64.powi(d as i32);
        let gx = x(us);
        let _ = writeln!(
            out,
            r##"<line x1="{gx:.1}" y1="{TOP}" x2="{gx:.1}" y2="{bottom}" stroke="#ddd"/><text x="{gx:.1}" y="{:.1}" text-anchor="middle" fill="#555">{us} µs</text>"##,
            bottom + 16.0
        );
    }
    for (i, bar) in bars.iter().enumerate() {
        let y = TOP + ROW * i as f64;
        let colour = if bar.name.contains("demo") {
            "#2b6cb0"
        } else if bar.name.contains("Django") {
            "#c05621"
        } else {
            "#718096"
        };
        let end = x(bar.cpu_us);
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            LABELS - 8.0,
            y + 18.0,
            escape(&bar.name)
        );
        let _ = writeln!(
            out,
            r#"<rect x="{LABELS}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}"/>"#,
            y + 5.0,
            (end - LABELS).max(1.0),
            ROW - 10.0
        );
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}">{:.1} µs · {:.2}×</text>"#,
            end + 6.0,
            y + 18.0,
            bar.cpu_us,
            bar.ratio
        );
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::{Bar, svg};

    #[test]
    fn bars_are_on_a_log_scale_and_labelled() {
        let bars = [
            Bar {
                name: "(a) raw hyper".into(),
                cpu_us: 10.0,
                ratio: 1.0,
            },
            Bar {
                name: "(f) Django <greet>".into(),
                cpu_us: 1000.0,
                ratio: 100.0,
            },
        ];
        let chart = svg("t", "n", &bars);
        assert!(chart.starts_with("<svg "));
        assert!(chart.contains("10.0 µs · 1.00×"));
        assert!(chart.contains("1000.0 µs · 100.00×"));
        assert!(chart.contains("(f) Django &lt;greet&gt;"));
        // 10 µs is a third of the way along three decades; 1000 µs the whole plot.
        assert!(chart.contains(r#"width="120.0""#), "{chart}");
        assert!(chart.contains(r#"width="360.0""#), "{chart}");
    }
}
