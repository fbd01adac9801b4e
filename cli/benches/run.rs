//! `mapioffline run` on a generated 100,000-statement scenario, timed as a whole process
//! (start-up, parsing, simulation, rendering, writing). Target: under 2 s on one core.
//!
//! `cargo bench -p mapioffline-cli` prints the figures; the generated file is checked to
//! run with every expectation met before it is timed.

use criterion::{criterion_group, criterion_main, Criterion};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

const STATEMENTS: usize = 100_000;

/// A scenario of exactly `n` statements (comments and blank lines not counted) that
/// exercises what a long client session does: blocking and asynchronous changes with
/// three sinks (one re-entering), reads, network loss, and expectations throughout.
fn generate(n: usize) -> String {
    let mut lines: Vec<&str> = vec![
        "profile \"Outlook\" caps MAPIOFFLINE_CAPABILITY_OFFLINE|MAPIOFFLINE_CAPABILITY_ONLINE",
        "HrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)",
        "sink a",
        "sink b",
        "sink c when DONE: mgr->GetCurrentState(&seen)",
        "mgr->GetCapabilities(&caps)",
        "mgr->Advise(0, &{ulClientToken = 1, pCallback = a}, &ta)",
        "mgr->Advise(0, &{ulClientToken = 2, pCallback = b}, &tb)",
        "mgr->Advise(0, &{ulClientToken = 3, pCallback = c}, &tc)",
    ];
    let tail = [
        "mgr->Unadvise(0, ta)",
        "mgr->Unadvise(0, tb)",
        "mgr->Unadvise(0, tc)",
        "mgr->Release()",
        "a->Release()",
        "b->Release()",
        "c->Release()",
        "shutdown",
    ];
    // One round leaves the world as it found it: online, idle, every sink's
    // notifications accounted for.
    let round = [
        "mgr->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)",
        "expect S_OK",
        "expect state mgr OFFLINE",
        "expect notifications a START(ONLINE->OFFLINE)[1] STATECHANGE DONE",
        "mgr->GetCurrentState(&st)",
        "expect st == MAPIOFFLINE_STATE_OFFLINE",
        "mgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, NULL)",
        "expect pending mgr",
        "run",
        "expect idle mgr",
        "expect notifications a START(OFFLINE->ONLINE)[1] STATECHANGE DONE",
        "network down",
        "run",
        "expect state mgr OFFLINE",
        "network up",
        "run",
        "expect state mgr ONLINE",
        "expect notifications a START(ONLINE->OFFLINE) STATECHANGE DONE START(OFFLINE->ONLINE) STATECHANGE DONE",
        "expect notifications b START STATECHANGE DONE START STATECHANGE DONE START STATECHANGE DONE START STATECHANGE DONE",
        "mgr->GetCapabilities(&caps)",
        "advance 5",
    ];
    for line in round.iter().cycle() {
        if lines.len() + tail.len() >= n {
            break;
        }
        lines.push(line);
    }
    lines.extend(tail);
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

fn exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_mapioffline"))
}

fn run_file(path: &Path, args: &[&str]) -> std::process::ExitStatus {
    Command::new(exe())
        .arg("run")
        .arg(path)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .status()
        .expect("mapioffline runs")
}

fn bench(c: &mut Criterion) {
    let path = std::env::temp_dir().join(format!("mapioffline-bench-{}.scn", std::process::id()));
    std::fs::write(&path, generate(STATEMENTS)).expect("temp file written");
    let status = run_file(&path, &[]);
    assert!(
        status.success(),
        "the generated scenario must run cleanly: {status}"
    );

    let mut g = c.benchmark_group("mapioffline run, 100,000 statements");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("text trace", |b| b.iter(|| run_file(&path, &[])));
    g.bench_function("json trace", |b| {
        b.iter(|| run_file(&path, &["--format", "json"]))
    });
    g.bench_function("--quiet --check", |b| {
        b.iter(|| run_file(&path, &["--quiet", "--check"]))
    });
    g.finish();
    let _ = std::fs::remove_file(&path);
}

criterion_group!(benches, bench);
criterion_main!(benches);
