//! A server under test: started pinned to one core, timed to its first answer, read for
//! CPU time and peak RSS from /proc, stopped with SIGTERM.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// CPU time, split: user time is what the server's own code costs; the kernel's share
/// (sockets, wake-ups) is most of it for the fastest servers here.
#[derive(Debug, Clone, Copy, Default)]
pub struct CpuTime {
    /// In the process's own code.
    pub user: Duration,
    /// In the kernel on its behalf.
    pub system: Duration,
}

impl CpuTime {
    /// Both.
    pub fn total(self) -> Duration {
        self.user + self.system
    }

    /// What was used since `before`.
    pub fn since(self, before: CpuTime) -> CpuTime {
        CpuTime {
            user: self.user.saturating_sub(before.user),
            system: self.system.saturating_sub(before.system),
        }
    }
}

/// A running server process.
#[derive(Debug)]
pub struct Server {
    child: Child,
    /// Time from spawn to the first successful answer.
    pub first_response: Duration,
}

impl Server {
    /// Starts `program args` on `cpu` (when given) with `env`, and waits until `probe_path`
    /// answers 200 on `port` (at most 20 s).
    pub fn start(
        program: &Path,
        args: &[String],
        env: &[(String, String)],
        cpu: Option<usize>,
        port: u16,
        probe_path: &str,
    ) -> std::io::Result<Server> {
        let mut command = match cpu {
            Some(cpu) => {
                let mut c = Command::new("taskset");
                c.arg("-c").arg(cpu.to_string()).arg(program);
                c
            }
            None => Command::new(program),
        };
        command
            .args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let started = Instant::now();
        let child = command.spawn()?;
        let mut server = Server {
            child,
            first_response: Duration::ZERO,
        };
        while started.elapsed() < Duration::from_secs(20) {
            if let Ok(reply) = crate::client::request(port, "GET", probe_path, &[], "")
                && reply.status == 200
            {
                server.first_response = started.elapsed();
                return Ok(server);
            }
            if let Some(status) = server.child.try_wait()? {
                return Err(std::io::Error::other(format!(
                    "{} exited with {status}",
                    program.display()
                )));
            }
            std::thread::sleep(Duration::from_micros(500));
        }
        Err(std::io::Error::other(format!(
            "{} did not answer {probe_path} within 20 s",
            program.display()
        )))
    }

    /// User and system CPU time used so far by the process and its children (gunicorn's
    /// worker), all threads, live or ended.
    pub fn cpu_time(&self) -> CpuTime {
        let (user, system) = tree(self.child.id())
            .iter()
            .map(|pid| {
                let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
                // Fields after the command name in parentheses; utime and stime are 14th and 15th.
                let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
                let fields: Vec<&str> = rest.split_whitespace().collect();
                let field = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
                (field(11).unwrap_or(0), field(12).unwrap_or(0))
            })
            .fold((0, 0), |(u, s), (du, ds)| (u + du, s + ds));
        let ticks = |t: u64| Duration::from_secs_f64(t as f64 / clock_ticks() as f64);
        CpuTime {
            user: ticks(user),
            system: ticks(system),
        }
    }

    /// Peak resident memory (VmHWM) of the process and its children, in bytes.
    pub fn peak_rss(&self) -> u64 {
        tree(self.child.id())
            .iter()
            .map(|pid| {
                let status =
                    std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
                status
                    .lines()
                    .find_map(|l| l.strip_prefix("VmHWM:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
                    .map_or(0, |kb| kb * 1024)
            })
            .sum()
    }

    /// SIGTERM, then SIGKILL if it has not stopped after 5 s.
    pub fn stop(mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `pid` and its descendants.
fn tree(pid: u32) -> Vec<u32> {
    let mut all = vec![pid];
    let mut i = 0;
    while i < all.len() {
        let tasks = std::fs::read_dir(format!("/proc/{}/task", all[i]));
        for task in tasks.into_iter().flatten().flatten() {
            let children =
                std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            all.extend(
                children
                    .split_whitespace()
                    .filter_map(|c| c.parse::<u32>().ok()),
            );
        }
        i += 1;
    }
    all
}

fn clock_ticks() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100)
}
