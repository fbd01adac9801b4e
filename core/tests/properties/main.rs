//! Property tests: random operation sequences, driven through the **raw** API (bad
//! arguments included), against a world of one or two profiles, a few client sinks (some
//! reacting from inside `Notify`, some not implementing `IMAPIOfflineNotify`, some not
//! validating notifications) and optionally created child objects. Both readings of SET-4
//! are generated.
//!
//! After every operation the driver checks the contract (clause IDs of
//! `docs/contract.md`) against a model of what a client may expect, and it
//! reads the trace to check what happened *inside* calls (re-entrant calls from `Notify`):
//!
//! 1. CUR-1/CUR-2: the masked state of every offline object is exactly ONLINE or OFFLINE
//!    (`GetCurrentState` and `Sim::state_of`), and only the configured extra bits are set.
//! 2. NTF-7/NTF-8/CUR-3/CAP-4/ADV-11/CRE-7: per advise token, transition notifications form
//!    START, STATECHANGE, DONE groups of one transition with the same old != new states;
//!    successive groups chain; only an Unadvise may truncate the last group; nobody
//!    registered before a change and still registered misses a phase; within a phase,
//!    registrations are served in order and parents before children (depth-first).
//! 3. UNADV-4: nothing reaches a sink through a token after the Unadvise of that token
//!    returned.
//! 4. SET-3/SET-4: at top level, a valid SetCurrentState returns E_PENDING exactly when
//!    `in_transition` was true before the call (documented reading), never (literal
//!    reading: no blocking change is ever in progress between top-level calls); from inside
//!    `Notify` on the object being changed, E_PENDING (documented) or as SET-4 literal says.
//! 5. ADV-10: advise tokens are unique and non-zero.
//! 6. MGR-3/OPEN-10/ADV-10/UNADV-3: reference counts follow the client's model; AddRef and
//!    Release return it; Release at 0 returns 0 with diagnostic `release.below_zero`.
//! 7. Determinism: the same sequence gives the same trace (JSON).
//! 8. The trace JSON round-trips.
//! 9. No input makes the simulator panic.
//!
//! plus the documented result of every call (OPEN-*, MGR-3, CAP-5, CUR-4, OFF-3, ADV-3/9,
//! UNADV-2, CRE-6) and, whenever nothing is scheduled, that the world has settled where
//! SET-11/GEN-5/CRE-7 say it must.
//!
//! Case count: 10,000 by default. `MAPIOFFLINE_PROPTEST_CASES` overrides it (e.g.
//! `MAPIOFFLINE_PROPTEST_CASES=1000000 cargo test --release -p mapioffline --test
//! properties`); it takes precedence over proptest's own `PROPTEST_CASES`, which is honoured
//! only when ours is unset.
//!
//! Each property splits its cases across every core ([`split_cases`]): proptest runs one
//! test's cases on one thread, so a million-case run would otherwise wait on its longest
//! test. `MAPIOFFLINE_PROPTEST_THREADS` sets the number of threads (default: the cores).

use mapioffline::consts::*;
use mapioffline::trace::{Cause, Func, ShutdownReport};
use mapioffline::*;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

mod driver;
mod gen;
mod model;
mod timeline;
mod walk;

use driver::*;
use gen::*;
use model::*;

const ON: u32 = MAPIOFFLINE_STATE_ONLINE;
const OFF: u32 = MAPIOFFLINE_STATE_OFFLINE;
const MASK: u32 = MAPIOFFLINE_STATE_OFFLINE_MASK;
const BLOCK: u32 = MAPIOFFLINE_FLAG_BLOCK;
const DEFAULT: u32 = MAPIOFFLINE_FLAG_DEFAULT;
const START: u32 = MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START;
const DONE: u32 = MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE;
const BOTH_CAPS: u32 = MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE;

const PROFILE_NAMES: [&str; 2] = ["Outlook", "Work"];
const UNKNOWN_PROFILE: &str = "Nobody";
/// Addresses the simulator never hands out (checked at setup).
const GARBAGE: [Ptr; 2] = [Ptr(0x0BAD_F000), Ptr(0x0000_0004)];
const OTHER_IID: Guid = Guid::new(0x1234_5678, 0x9ABC, 0xDEF0, [1, 2, 3, 4, 5, 6, 7, 8]);
const STORE_TYPE: Guid = Guid::new(0x5AFE_0001, 0x0001, 0x0002, [9, 9, 9, 9, 9, 9, 9, 9]);
/// Keeps a client that keeps requesting changes (SET-4 literal ping-pong) cheap.
const MAX_IDLE_STEPS: u64 = 40;
/// At most this many offline objects (globals + children) per world.
const MAX_OBJECTS: usize = 6;
const MAX_OPS: usize = 40;
const DEFAULT_CASES: u32 = 10_000;

/// MAPIOFFLINE_PROPTEST_CASES, else proptest's PROPTEST_CASES, else 10,000.
fn proptest_config() -> ProptestConfig {
    let cases = match std::env::var("MAPIOFFLINE_PROPTEST_CASES") {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("MAPIOFFLINE_PROPTEST_CASES={v:?} is not a number")),
        // ProptestConfig::default() has already read PROPTEST_CASES when it is set.
        Err(_) if std::env::var_os("PROPTEST_CASES").is_some() => ProptestConfig::default().cases,
        Err(_) => DEFAULT_CASES,
    };
    ProptestConfig {
        cases,
        // Minimised failures are printed; do not write regression files into the tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn state_ok(s: u32) -> bool {
    s == ON || s == OFF
}

fn capability_for(state: u32) -> u32 {
    if state == OFF {
        MAPIOFFLINE_CAPABILITY_OFFLINE
    } else {
        MAPIOFFLINE_CAPABILITY_ONLINE
    }
}

fn set_args_valid(flags: u32, mask: u32, state: u32, reserved: u64) -> bool {
    (flags == DEFAULT || flags == BLOCK) && mask == MASK && state_ok(state) && reserved == 0
}

fn run(world: &World, ops: &[Op]) -> Trace {
    let mut d = Driver::new(world);
    for op in ops {
        d.step(op);
    }
    d.sim.take_trace()
}

fn check_trace_json(first: &Trace, second: &Trace) -> Result<(), TestCaseError> {
    let a = serde_json::to_string(first).expect("trace serialises");
    let b = serde_json::to_string(second).expect("trace serialises");
    if a != b {
        let at = a
            .bytes()
            .zip(b.bytes())
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        let from = at.saturating_sub(200);
        prop_assert!(
            false,
            "determinism: traces differ at byte {at}:\n  {}\n  {}",
            &a[from..(at + 200).min(a.len())],
            &b[from..(at + 200).min(b.len())]
        );
    }
    let back: Trace = serde_json::from_str(&a).expect("trace JSON parses");
    prop_assert!(back == *first, "the trace JSON does not round-trip");
    Ok(())
}

/// How many threads a property's cases are split across.
fn threads() -> usize {
    match std::env::var("MAPIOFFLINE_PROPTEST_THREADS") {
        Ok(v) => v
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|&n| n > 0)
            .unwrap_or_else(|| {
                panic!("MAPIOFFLINE_PROPTEST_THREADS={v:?} is not a positive number")
            }),
        Err(_) => std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}

/// Runs `config.cases` cases of `test` over values of the strategy `make` builds, split
/// across [`threads`] threads, each with its own runner (and random seed) and its own
/// shrinking. Panics with the minimised input of the first failure, as `proptest!` does.
fn split_cases<S, F>(config: ProptestConfig, make: impl Fn() -> S + Sync, test: F)
where
    S: Strategy,
    S::Value: std::fmt::Debug,
    F: Fn(S::Value) -> Result<(), TestCaseError> + Sync,
{
    let n = threads().min(config.cases.max(1) as usize);
    let failures: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .map(|k| {
                // An even share, the remainder to the first threads.
                let cases =
                    config.cases / n as u32 + u32::from((k as u32) < config.cases % n as u32);
                let config = ProptestConfig {
                    cases,
                    ..config.clone()
                };
                let (make, test) = (&make, &test);
                scope.spawn(move || {
                    let mut runner = proptest::test_runner::TestRunner::new(config);
                    runner.run(&make(), test).err().map(|e| e.to_string())
                })
            })
            .collect();
        handles
            .into_iter()
            .filter_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    if let Some(first) = failures.first() {
        panic!(
            "{first}\n({} of {n} threads found a failing case)",
            failures.len()
        );
    }
}

/// Properties 1-9 (see the module documentation) over random worlds and sequences.
#[test]
fn random_sequences_keep_the_contract() {
    split_cases(
        proptest_config(),
        || (world_strategy(), ops_strategy(MAX_OPS)),
        |(world, ops)| {
            let first = run(&world, &ops);
            let second = run(&world, &ops);
            check_trace_json(&first, &second)
        },
    );
}

/// CUR-1/CUR-2 with `Config::extra_state_bits` anywhere, including inside
/// MAPIOFFLINE_STATE_OFFLINE_MASK: the masked state must still be exactly ONLINE or
/// OFFLINE, as it is for `set_extra_state_bits`, which drops bits inside the mask.
/// (`Sim::new` once copied the configured bits unmasked, so an ONLINE object read 0x3.)
#[test]
fn config_extra_state_bits_never_change_the_masked_state() {
    split_cases(
        proptest_config(),
        || {
            (
                world_strategy(),
                prop_oneof![Just(1u32), Just(2), Just(3), any::<u32>()],
                ops_strategy(8),
            )
        },
        |(world, bits, ops)| {
            let world = World {
                extra_state_bits: bits,
                ..world
            };
            let first = run(&world, &ops);
            let second = run(&world, &ops);
            check_trace_json(&first, &second)
        },
    );
}
