//! Runs wrk (pinned to its own core) and reads its summary.

use std::process::Command;
use std::time::Duration;

/// What one wrk run reports.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Load {
    /// Completed requests.
    pub requests: u64,
    /// Requests per second.
    pub rps: f64,
    /// 99th percentile latency.
    pub p99: Duration,
    /// Responses that were not 2xx or 3xx, plus socket errors.
    pub errors: u64,
}

/// `wrk -t1 -c<connections> -d<seconds>s --latency` on `url` with `headers`.
pub fn run(
    url: &str,
    headers: &[String],
    connections: u32,
    seconds: u32,
    cpu: Option<usize>,
) -> std::io::Result<Load> {
    let mut command = match cpu {
        Some(cpu) => {
            let mut c = Command::new("taskset");
            c.arg("-c").arg(cpu.to_string()).arg("wrk");
            c
        }
        None => Command::new("wrk"),
    };
    command
        .arg("-t1")
        .arg(format!("-c{connections}"))
        .arg(format!("-d{seconds}s"))
        .arg("--latency");
    for h in headers {
        command.arg("-H").arg(h);
    }
    let output = command.arg(url).output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    parse(&text).ok_or_else(|| {
        std::io::Error::other(format!(
            "could not read wrk's output:\n{text}{}",
            String::from_utf8_lossy(&output.stderr)
        ))
    })
}

/// Reads wrk's summary.
pub fn parse(text: &str) -> Option<Load> {
    let mut requests = None;
    let mut rps = None;
    let mut p99 = None;
    let mut errors = 0;
    for line in text.lines().map(str::trim) {
        if let Some(v) = line.strip_prefix("Requests/sec:") {
            rps = v.trim().parse().ok();
        } else if let Some(v) = line.strip_prefix("99%") {
            p99 = duration(v.trim());
        } else if let Some(v) = line.strip_prefix("Non-2xx or 3xx responses:") {
            errors += v.trim().parse::<u64>().ok()?;
        } else if let Some(v) = line.strip_prefix("Socket errors:") {
            // "connect 0, read 0, write 0, timeout 0"
            errors += v
                .split(',')
                .filter_map(|part| part.split_whitespace().nth(1)?.parse::<u64>().ok())
                .sum::<u64>();
        } else if line.contains(" requests in ") {
            requests = line.split_whitespace().next()?.parse().ok();
        }
    }
    Some(Load {
        requests: requests?,
        rps: rps?,
        p99: p99?,
        errors,
    })
}

fn duration(v: &str) -> Option<Duration> {
    let split = v.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = v.split_at(split);
    let n: f64 = number.parse().ok()?;
    let secs = match unit {
        "us" => n / 1e6,
        "ms" => n / 1e3,
        "s" => n,
        "m" => n * 60.0,
        _ => return None,
    };
    Some(Duration::from_secs_f64(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_wrk_summary() {
        let text = "Running 5s test @ http://127.0.0.1:8000/hello/brian
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.20ms  200.00us   5.00ms   90.00%
    Req/Sec    52.00k     1.00k   54.00k    80.00%
  Latency Distribution
     50%    1.18ms
     75%    1.25ms
     90%    1.40ms
     99%  850.00us
  260000 requests in 5.00s, 30.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:  51999.50
Transfer/sec:      6.00MB
";
        let load = parse(text).unwrap();
        assert_eq!(load.requests, 260000);
        assert_eq!(load.rps, 51999.5);
        assert_eq!(load.p99, Duration::from_micros(850));
        assert_eq!(load.errors, 7);
        assert_eq!(parse("garbage"), None);
    }
}
