//! `cargo xtask bench`: core's `notify_blocking` benchmark (criterion, native), the same
//! workload as an XState machine under Node (`bench/xstate.mjs`, XState pinned by
//! `bench/package-lock.json`) and core compiled to wasm under Node (`bench/wasm/`,
//! `bench/wasm.mjs`), printed side by side at 1, 100 and 10,000 sinks.
//!
//! The workload, everywhere: one object with `sinks` subscribers; each change toggles
//! online/offline through START, STATECHANGE and DONE, and every phase notifies every
//! subscriber (3 × sinks notifications per change). Timings are 1 s of warm-up and 3 s
//! of measurement, as the criterion group is configured.

use crate::toolchain::{self, Toolchain};
use crate::{done, rel, root, step, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

const SINKS: [u32; 3] = [1, 100, 10_000];
/// The issue's goals: ours ÷ XState, in notifications per second.
const GOALS: [(u32, f64); 2] = [(1, 100.0), (100, 16.0)];

/// One engine's figure at one sink count, in nanoseconds per change.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Figure {
    sinks: u32,
    ns_per_change: f64,
    /// Criterion's confidence interval (native only).
    range: Option<(f64, f64)>,
}

impl Figure {
    fn notifications_per_s(&self) -> f64 {
        3.0 * self.sinks as f64 / (self.ns_per_change * 1e-9)
    }
}

pub fn run() -> Result {
    let native = native()?;
    let dir = bench_dir()?;
    let t = step("XState under Node (bench/xstate.mjs)");
    let xstate = node_figures(Command::new("node").arg("xstate.mjs").current_dir(&dir))?;
    done(t);
    let wasm_file = build_wasm()?;
    let t = step("core in wasm under Node (bench/wasm.mjs)");
    let wasm = node_figures(
        Command::new("node")
            .arg("wasm.mjs")
            .arg(&wasm_file)
            .current_dir(&dir),
    )?;
    done(t);
    print!("{}", table(&native, &xstate, &wasm, &machine()));
    Ok(())
}

/// Criterion's `notify_blocking` group, its output shown as it runs.
fn native() -> Result<Vec<Figure>> {
    let t = step("native: cargo bench -p mapioffline --bench notify -- notify_blocking");
    let out = crate::cargo()
        .args([
            "bench",
            "--locked",
            "-p",
            "mapioffline",
            "--bench",
            "notify",
            "--",
            "notify_blocking",
        ])
        .output()
        .map_err(|e| format!("could not start cargo bench: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    print!("{text}");
    if !out.status.success() {
        eprint!("{}", String::from_utf8_lossy(&out.stderr));
        return Err(format!("cargo bench failed ({})", out.status));
    }
    done(t);
    let figures = parse_criterion(&text);
    check_all(&figures, "criterion's output")?;
    Ok(figures)
}

/// `bench/` with its npm packages installed from the lockfile when missing or older.
fn bench_dir() -> Result<PathBuf> {
    crate::toolchain::npm_ci("bench", "xstate", "xstate (the comparison)")
}

/// Builds `bench/wasm` for wasm32 with the toolchain this machine has; returns the module.
fn build_wasm() -> Result<PathBuf> {
    let chain = toolchain::detect()?;
    let t = step("wasm build of the workload (bench/wasm, release)");
    let manifest = root().join("bench/wasm/Cargo.toml");
    let args = [
        "build",
        "--release",
        "--locked",
        "--target",
        "wasm32-unknown-unknown",
        "--manifest-path",
    ];
    let (mut c, dir) = match &chain {
        Toolchain::Rustup => {
            let dir = root().join("target/bench-wasm");
            let mut c = crate::cargo();
            c.args(args).arg(&manifest).arg("--target-dir").arg(&dir);
            (c, dir)
        }
        Toolchain::Debian { linker } => {
            // As `toolchain::build_release` does, with speed over size in std.
            let dir = root().join("target/bench-wasm-debian");
            let mut c = Command::new(toolchain::DEB_CARGO);
            c.current_dir(root())
                .env_remove("RUSTUP_TOOLCHAIN")
                .env_remove("CARGO")
                .env("RUSTC", toolchain::DEB_RUSTC)
                .env("RUSTC_BOOTSTRAP", "1")
                .args(args)
                .arg(&manifest)
                .arg("-Zbuild-std=std,panic_abort")
                .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", &linker.path)
                .arg("--target-dir")
                .arg(&dir);
            (c, dir)
        }
    };
    crate::run(&mut c)?;
    done(t);
    let wasm = dir.join("wasm32-unknown-unknown/release/mapioffline_bench_wasm.wasm");
    if wasm.exists() {
        Ok(wasm)
    } else {
        Err(format!("the build did not produce {}", rel(&wasm)))
    }
}

/// Runs a Node script printing one JSON line per sink count.
fn node_figures(cmd: &mut Command) -> Result<Vec<Figure>> {
    let shown = format!("{cmd:?}");
    let out = cmd.output().map_err(|e| {
        format!("could not start {shown}: {e}\n  is Node installed? cargo xtask doctor")
    })?;
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!("{shown} failed ({}):\n{text}", out.status));
    }
    let figures: Vec<Figure> = text
        .lines()
        .filter_map(|l| {
            Some(Figure {
                sinks: json_number(l, "sinks")? as u32,
                ns_per_change: json_number(l, "ns_per_change")?,
                range: None,
            })
        })
        .collect();
    check_all(&figures, &shown)?;
    Ok(figures)
}

fn check_all(figures: &[Figure], from: &str) -> Result {
    let missing: Vec<String> = SINKS
        .iter()
        .filter(|s| !figures.iter().any(|f| f.sinks == **s))
        .map(u32::to_string)
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{from} gave no figure for {} sink(s)",
            missing.join(", ")
        ))
    }
}

/// The number after `"key":` in one line of JSON (the scripts print flat objects).
fn json_number(line: &str, key: &str) -> Option<f64> {
    let rest = &line[line.find(&format!("\"{key}\":"))? + key.len() + 3..];
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// Criterion's `notify_blocking/sinks/N … time: [low estimate high]`, in ns.
fn parse_criterion(text: &str) -> Vec<Figure> {
    let mut figures = Vec::new();
    let mut current: Option<u32> = None;
    for line in text.lines() {
        if let Some(rest) = line.trim_start().strip_prefix("notify_blocking/sinks/") {
            current = rest.split_whitespace().next().and_then(|n| n.parse().ok());
        }
        let (Some(sinks), Some(k)) = (current, line.find("time:")) else {
            continue;
        };
        let inner = line[k + 5..].trim().trim_start_matches('[');
        let inner = inner.trim_end().trim_end_matches(']');
        let words: Vec<&str> = inner.split_whitespace().collect();
        let values: Vec<f64> = words
            .chunks(2)
            .filter_map(|p| Some(p.first()?.parse::<f64>().ok()? * unit_ns(p.get(1)?)?))
            .collect();
        if let [low, est, high] = values[..] {
            figures.push(Figure {
                sinks,
                ns_per_change: est,
                range: Some((low, high)),
            });
            current = None;
        }
    }
    figures
}

fn unit_ns(unit: &str) -> Option<f64> {
    Some(match unit {
        "ps" => 1e-3,
        "ns" => 1.0,
        "µs" | "us" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        _ => return None,
    })
}

/// A time in ns with a readable unit.
fn time(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

/// Notifications per second in millions.
fn rate(per_s: f64) -> String {
    if per_s >= 1e6 {
        format!("{:.1} M", per_s / 1e6)
    } else {
        format!("{:.3} M", per_s / 1e6)
    }
}

/// What this machine is, for the table's heading.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let node = Command::new("node")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!("{cpu}, {cores} cores; Node {node}")
}

fn find(figures: &[Figure], sinks: u32) -> Option<&Figure> {
    figures.iter().find(|f| f.sinks == sinks)
}

/// The side-by-side table (Markdown, so that it can go into the README as printed).
fn table(native: &[Figure], xstate: &[Figure], wasm: &[Figure], machine: &str) -> String {
    let mut s = format!(
        "\nnotify_blocking: ours (native and wasm) against XState {} ({machine})\n\n",
        xstate_version()
    );
    s.push_str("| sinks | ours, per change (native) | criterion's interval | ours in wasm, per change | wasm ÷ native | XState, notifications/s | ours, notifications/s | ours ÷ XState |\n");
    s.push_str("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for sinks in SINKS {
        let (Some(n), Some(x), Some(w)) =
            (find(native, sinks), find(xstate, sinks), find(wasm, sinks))
        else {
            continue;
        };
        let interval = n.range.map_or("–".into(), |(lo, hi)| {
            format!("{}–{}", time(lo), time(hi))
        });
        s.push_str(&format!(
            "| {sinks} | {} | {interval} | {} | {:.2}× | {} | {} | {:.0}× |\n",
            time(n.ns_per_change),
            time(w.ns_per_change),
            w.ns_per_change / n.ns_per_change,
            rate(x.notifications_per_s()),
            rate(n.notifications_per_s()),
            n.notifications_per_s() / x.notifications_per_s(),
        ));
    }
    for (sinks, goal) in GOALS {
        if let (Some(n), Some(x)) = (find(native, sinks), find(xstate, sinks)) {
            let ratio = n.notifications_per_s() / x.notifications_per_s();
            let verdict = if ratio >= goal { "met" } else { "NOT met" };
            s.push_str(&format!(
                "\ngoal at {sinks} sink(s): >= {goal:.0}× XState: {verdict} ({ratio:.0}×)"
            ));
        }
    }
    s.push('\n');
    s
}

/// The XState version installed from the lockfile.
fn xstate_version() -> String {
    let p = root().join("bench/node_modules/xstate/package.json");
    std::fs::read_to_string(&p)
        .ok()
        .and_then(|t| {
            t.lines()
                .find_map(|l| l.trim().strip_prefix("\"version\": \""))
                .map(|v| v.trim_end_matches([',', '"']).to_string())
        })
        .unwrap_or_else(|| format!("(version unknown: no {})", rel(Path::new(&p))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_criterion_times_in_any_unit_and_on_the_next_line() {
        let text = "\
notify_blocking/sinks/1 time:   [96.102 ns 97.250 ns 98.871 ns]
                        thrpt:  [30.343 Melem/s 30.848 Melem/s 31.217 Melem/s]
notify_blocking/sinks/100
                        time:   [2.2512 µs 2.3018 µs 2.9100 µs]
notify_blocking/sinks/10000
                        time:   [181.00 µs 190.50 µs 1.2490 ms]
";
        let f = parse_criterion(text);
        assert_eq!(f.len(), 3);
        assert_eq!((f[0].sinks, f[0].ns_per_change), (1, 97.25));
        assert_eq!(f[0].range, Some((96.102, 98.871)));
        assert_eq!(f[1].sinks, 100);
        assert!((f[1].ns_per_change - 2301.8).abs() < 1e-6);
        assert!((f[2].range.unwrap().1 - 1_249_000.0).abs() < 1e-3);
    }

    #[test]
    fn reads_numbers_from_the_scripts_json_lines() {
        let l = r#"{"engine":"xstate","sinks":100,"changes":990,"ns_per_change":5.2e5,"notifications_per_s":572156.5}"#;
        assert_eq!(json_number(l, "sinks"), Some(100.0));
        assert_eq!(json_number(l, "ns_per_change"), Some(520_000.0));
        assert_eq!(json_number(l, "missing"), None);
    }

    #[test]
    fn the_table_divides_notification_rates_and_judges_the_goals() {
        let f = |sinks, ns| Figure {
            sinks,
            ns_per_change: ns,
            range: None,
        };
        // 1 sink: 100 ns per change natively = 30 M/s; XState 30 µs = 0.1 M/s: 300×.
        let native = [f(1, 100.0), f(100, 2_000.0), f(10_000, 200_000.0)];
        let xstate = [f(1, 30_000.0), f(100, 30_000.0), f(10_000, 3e6)];
        let wasm = [f(1, 150.0), f(100, 3_000.0), f(10_000, 300_000.0)];
        let t = table(&native, &xstate, &wasm, "test machine");
        assert!(
            t.contains("| 1 | 100.0 ns | – | 150.0 ns | 1.50× | 0.100 M | 30.0 M | 300× |"),
            "{t}"
        );
        assert!(t.contains("| 100 | 2.00 µs |"), "{t}");
        // 100 sinks: 150 M/s against 10 M/s = 15×, under the goal of 16×.
        assert!(
            t.contains("goal at 100 sink(s): >= 16× XState: NOT met (15×)"),
            "{t}"
        );
        assert!(
            t.contains("goal at 1 sink(s): >= 100× XState: met (300×)"),
            "{t}"
        );
    }
}

#[cfg(test)]
mod lock {
    use crate::root;

    /// `bench/wasm` is a workspace of its own over core: when core gains a dependency its
    /// lockfile must gain it too, or `cargo xtask bench` (`--locked`) fails to build it.
    #[test]
    fn the_wasm_workloads_lockfile_is_current() {
        let out = crate::cargo()
            .args([
                "metadata",
                "--locked",
                "--format-version",
                "1",
                "--manifest-path",
            ])
            .arg(root().join("bench/wasm/Cargo.toml"))
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success(),
            "bench/wasm/Cargo.lock is stale: run `cargo tree --manifest-path bench/wasm/Cargo.toml` and commit it\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
