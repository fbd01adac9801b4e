//! Notification throughput, Advise/Unadvise cost and memory per registration, with the
//! trace recorded (the simulator always records).
//!
//! Run with `cargo bench -p mapioffline`.
//!
//! How the trace is kept bounded: every benchmark runs its iterations in chunks. Each
//! chunk is timed on its own; between chunks the trace is emptied with `Sim::clear_trace`
//! (which keeps the buffer, as a long-running host would), outside the timed region. So
//! the timings include recording every event, but not dropping the recorded ones. What the drains cost is measured too
//! and printed at the end ("trace drain … excluded from timings"), so that cost is not
//! hidden.
//!
//! The counting allocator counts only while a measurement of bytes is in progress (one
//! relaxed load per allocation otherwise), so it does not slow the timed benchmarks.

use criterion::{black_box, BenchmarkId, Criterion, Throughput};
use mapioffline::consts::*;
use mapioffline::trace::{EventKind, Severity};
use mapioffline::{Out, ProfileSpec, Ptr, Sim, SinkSpec};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::time::{Duration, Instant};

// ------------------------------------------------------------------ counting allocator

/// Wraps the system allocator; while `COUNTING` is set, `LIVE` follows the net number of
/// bytes allocated (allocations minus frees), i.e. the change in bytes currently allocated.
struct Counting;

static COUNTING: AtomicBool = AtomicBool::new(false);
static LIVE: AtomicIsize = AtomicIsize::new(0);

#[inline]
fn count(delta: isize) {
    if COUNTING.load(Ordering::Relaxed) {
        LIVE.fetch_add(delta, Ordering::Relaxed);
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        count(-(layout.size() as isize));
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Net bytes allocated while `f` runs.
fn net_bytes(f: impl FnOnce()) -> isize {
    LIVE.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    f();
    COUNTING.store(false, Ordering::SeqCst);
    LIVE.load(Ordering::SeqCst)
}

// ------------------------------------------------------------------ world set-up

const PROFILE: &str = "Outlook";

/// A world with one profile, `sinks` well-behaved sinks advised on its global object,
/// and `spare` further sinks created but not advised. The trace is drained.
struct World {
    sim: Sim,
    mgr: Ptr,
    spare: Vec<Ptr>,
    /// The state the next transition goes to.
    next: u32,
}

fn world(sinks: usize, spare: usize) -> World {
    let mut sim = Sim::default();
    sim.add_profile(ProfileSpec::new(PROFILE))
        .expect("fresh world");
    let all: Vec<Ptr> = (0..sinks + spare)
        .map(|k| {
            sim.create_sink(SinkSpec::new(format!("sink{k}")))
                .expect("at most 65536 sinks")
        })
        .collect();
    let mgr = sim.open(PROFILE).expect("profile exists");
    // R1: check the capabilities before advising (no diagnostic on Advise then).
    sim.get_capabilities(mgr, Out::Valid);
    for (k, &s) in all[..sinks].iter().enumerate() {
        sim.advise_sink(mgr, s, k as u32).expect("valid advise");
    }
    assert_eq!(sim.registration_count(), sinks);
    assert_no_errors(&sim);
    drop(sim.take_trace());
    World {
        sim,
        mgr,
        spare: all[sinks..].to_vec(),
        next: MAPIOFFLINE_STATE_OFFLINE,
    }
}

fn assert_no_errors(sim: &Sim) {
    let errors: Vec<_> = sim
        .trace()
        .diagnostics()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.code.clone())
        .collect();
    assert!(errors.is_empty(), "unexpected client errors: {errors:?}");
}

impl World {
    fn flip(&mut self) -> u32 {
        let s = self.next;
        self.next = if s == MAPIOFFLINE_STATE_OFFLINE {
            MAPIOFFLINE_STATE_ONLINE
        } else {
            MAPIOFFLINE_STATE_OFFLINE
        };
        s
    }

    /// One blocking transition: START, STATECHANGE and DONE to every sink.
    fn blocking_transition(&mut self) {
        let s = self.flip();
        let hr = self.sim.set_state(black_box(self.mgr), s, true);
        debug_assert_eq!(hr, HResult::S_OK);
        black_box(hr);
    }

    /// One asynchronous transition, driven to completion.
    fn async_transition(&mut self) {
        let s = self.flip();
        let hr = self.sim.set_state(black_box(self.mgr), s, false);
        debug_assert_eq!(hr, HResult::S_OK);
        black_box(hr);
        black_box(self.sim.run_until_idle().expect("settles"));
    }
}

/// Notify events in the trace, with a check that nothing went wrong.
fn notifications_in_trace(sim: &Sim) -> usize {
    assert_no_errors(sim);
    sim.trace()
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Notify { .. }))
        .count()
}

// ------------------------------------------------------------------ chunked timing

/// Drain every this many trace events or so (≈ 64 bytes each): bounds memory to a few
/// tens of MB whatever the iteration count.
const EVENTS_PER_CHUNK: usize = 1 << 18;

/// Time spent draining (clear_trace), per benchmark: (time, elements processed).
type DrainStats = BTreeMap<String, (Duration, u64)>;

thread_local! {
    static DRAIN: RefCell<DrainStats> = const { RefCell::new(BTreeMap::new()) };
}

/// Runs `iters` iterations of `step` in chunks of `chunk`, timing only the chunks and
/// draining the trace between them. `elements` is the throughput per iteration, used
/// only to report the drain cost per element.
fn chunked(
    w: &mut World,
    name: &str,
    iters: u64,
    chunk: u64,
    elements: u64,
    mut step: impl FnMut(&mut World),
) -> Duration {
    let mut timed = Duration::ZERO;
    let mut drain = Duration::ZERO;
    let mut done = 0;
    while done < iters {
        let n = chunk.min(iters - done);
        let start = Instant::now();
        for _ in 0..n {
            step(w);
        }
        timed += start.elapsed();
        done += n;
        let start = Instant::now();
        // Keep the buffer, as a long-running host does: clear, not take.
        w.sim.clear_trace();
        drain += start.elapsed();
    }
    DRAIN.with(|d| {
        let mut d = d.borrow_mut();
        let e = d.entry(name.to_string()).or_default();
        e.0 += drain;
        e.1 += iters * elements;
    });
    timed
}

// ------------------------------------------------------------------ benchmarks

fn notify_blocking(c: &mut Criterion) {
    let mut g = c.benchmark_group("notify_blocking");
    // 1 s and 3 s: the figures issue 21 compares, and what `cargo xtask bench` runs.
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(3));
    for sinks in [1usize, 100, 10_000] {
        let mut w = world(sinks, 0);
        // Sanity: one transition delivers exactly 3 notifications per sink.
        w.blocking_transition();
        assert_eq!(notifications_in_trace(&w.sim), 3 * sinks);
        drop(w.sim.take_trace());

        let per_iter = 3 * sinks as u64;
        // A transition records 3 per sink + 8 other events.
        let chunk = (EVENTS_PER_CHUNK as u64 / (per_iter + 8)).max(1);
        g.sample_size(if sinks >= 10_000 { 30 } else { 100 });
        g.throughput(Throughput::Elements(per_iter));
        let name = format!("notify_blocking/{sinks}");
        g.bench_with_input(BenchmarkId::new("sinks", sinks), &sinks, |b, _| {
            b.iter_custom(|iters| {
                chunked(
                    &mut w,
                    &name,
                    iters,
                    chunk,
                    per_iter,
                    World::blocking_transition,
                )
            })
        });
    }
    g.finish();
}

fn notify_async(c: &mut Criterion) {
    let mut g = c.benchmark_group("notify_async");
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(4));
    let mut w = world(1, 0);
    w.async_transition();
    assert_eq!(notifications_in_trace(&w.sim), 3);
    drop(w.sim.take_trace());
    g.throughput(Throughput::Elements(3));
    // 3 notifications + ~11 other events per transition.
    let chunk = (EVENTS_PER_CHUNK / 14) as u64;
    g.bench_function(BenchmarkId::new("sinks", 1), |b| {
        b.iter_custom(|iters| {
            chunked(
                &mut w,
                "notify_async/1",
                iters,
                chunk,
                3,
                World::async_transition,
            )
        })
    });
    g.finish();
}

fn advise_unadvise(c: &mut Criterion) {
    let mut g = c.benchmark_group("advise_unadvise");
    g.warm_up_time(Duration::from_secs(1));
    g.measurement_time(Duration::from_secs(4));
    let live = 10_000;
    let mut w = world(live, 1);
    let extra = w.spare[0];
    let pair = |w: &mut World| {
        let token = w
            .sim
            .advise_sink(black_box(w.mgr), black_box(extra), 0)
            .expect("valid advise");
        let hr = w.sim.unadvise(w.mgr, MAPIOFFLINE_UNADVISE_DEFAULT, token);
        debug_assert_eq!(hr, HResult::S_OK);
        black_box(hr);
    };
    pair(&mut w);
    assert_no_errors(&w.sim);
    assert_eq!(w.sim.registration_count(), live);
    assert_eq!(w.sim.refcount(extra), Some(1));
    drop(w.sim.take_trace());
    g.throughput(Throughput::Elements(1));
    // ≈ 12 events per pair.
    let chunk = (EVENTS_PER_CHUNK / 12) as u64;
    g.bench_function(BenchmarkId::new("live_registrations", live), |b| {
        b.iter_custom(|iters| chunked(&mut w, "advise_unadvise/10000", iters, chunk, 1, pair))
    });
    g.finish();
    assert_eq!(w.sim.registration_count(), live);
}

// ------------------------------------------------------------------ memory

fn bytes_per_registration() {
    const N: usize = 10_000;
    let mut w = world(0, N);
    let sinks = std::mem::take(&mut w.spare);
    let mut tokens = Vec::with_capacity(N); // allocated before counting starts
    let mgr = w.mgr;
    let bytes = net_bytes(|| {
        for (k, &s) in sinks.iter().enumerate() {
            tokens.push(sim_advise(&mut w.sim, mgr, s, k as u32));
        }
        // The trace of those calls is not registration memory: drop it inside the window
        // (take_trace leaves an empty, unallocated event list behind, as before).
        drop(w.sim.take_trace());
    });
    assert_eq!(w.sim.registration_count(), N);
    let per = bytes as f64 / N as f64;
    println!("bytes per live registration: {}", per.round() as i64);
    println!(
        "  ({bytes} bytes net for {N} registrations on one object = {per:.2} B each; trace excluded)"
    );
    black_box(&tokens);
}

fn sim_advise(sim: &mut Sim, mgr: Ptr, sink: Ptr, client_token: u32) -> u32 {
    sim.advise_sink(mgr, sink, client_token)
        .expect("valid advise")
}

// ------------------------------------------------------------------ main

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bytes_per_registration();
    println!(
        "size_of::<Event>() = {} bytes",
        std::mem::size_of::<mapioffline::Event>()
    );
    notify_blocking(&mut c);
    notify_async(&mut c);
    advise_unadvise(&mut c);
    c.final_summary();
    DRAIN.with(|d| {
        for (name, (t, elems)) in d.borrow().iter() {
            if *elems > 0 {
                println!(
                    "trace drain for {name} (clear_trace, excluded from timings): {:.2} ns per element",
                    t.as_nanos() as f64 / *elems as f64
                );
            }
        }
    });
}
