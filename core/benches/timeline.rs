//! The cost of time travel: `Timeline::new` over a 10,000-statement trace, and
//! `Timeline::at` (the world, the transitions in progress) and `checker::findings_at` at
//! random events of it — what the playground's scrubber does on every move, which must
//! redraw every panel within a 16 ms frame.
//!
//! Run with `cargo bench -p mapioffline --bench timeline`.

use criterion::{black_box, Criterion};
use mapioffline::checker::{check, findings_at};
use mapioffline::scenario::run_script;
use mapioffline::trace::replay::Timeline;
use mapioffline::Trace;

/// A script of `statements` statements: a session that keeps changing state both ways,
/// advising and unadvising a second sink as it goes (so every panel has something to show).
fn script(statements: usize) -> String {
    let mut s = String::from(
        "profile \"Outlook\"\nsink monitor\nsink second\nHrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)\nmgr->GetCapabilities(&caps)\nmgr->Advise(0, &{ulClientToken = 1, pCallback = monitor}, &token)\n",
    );
    let round = [
        "mgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)",
        "mgr->Advise(0, &{ulClientToken = 2, pCallback = second}, &t2)",
        "advance 3",
        "mgr->Unadvise(0, t2)",
        "mgr->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, NULL)",
        "mgr->GetCurrentState(&state)",
    ];
    let mut n = 6;
    while n < statements {
        s.push_str(round[n % round.len()]);
        s.push('\n');
        n += 1;
    }
    s
}

fn trace() -> Trace {
    run_script(&script(10_000))
        .expect("the benchmark script runs")
        .trace
}

fn main() {
    let trace = trace();
    let mut c = Criterion::default().configure_from_args();
    println!("trace: {} events", trace.events.len());
    c.bench_function("Timeline::new, 10,000 statements", |b| {
        b.iter(|| Timeline::new(black_box(&trace)))
    });
    let timeline = Timeline::new(&trace);
    let findings = check(&trace);
    let len = trace.events.len();
    // A fixed pseudo-random walk over the trace (xorshift), the same on every run.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % (len as u64 + 1)) as usize
    };
    c.bench_function("Timeline::at, random event", |b| {
        b.iter(|| timeline.at(black_box(next())))
    });
    c.bench_function("Timeline::at + findings_at, random event", |b| {
        b.iter(|| {
            let n = next();
            (timeline.at(black_box(n)), findings_at(&findings, n, len))
        })
    });
    c.final_summary();
}
