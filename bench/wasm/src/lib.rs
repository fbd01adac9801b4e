//! The native benchmark's `notify_blocking` workload, exported to JavaScript without
//! wasm-bindgen (plain `extern "C"` functions), so that `bench/wasm.mjs` can time it in
//! Node beside the native figure. The world is the benchmark's: one profile, `sinks`
//! well-behaved sinks advised on its global object, blocking changes toggling
//! online/offline, the trace cleared between timed batches (as the native one does).

use mapioffline::consts::*;
use mapioffline::trace::EventKind;
use mapioffline::{Out, ProfileSpec, Ptr, Sim, SinkSpec};
use std::cell::RefCell;

struct World {
    sim: Sim,
    mgr: Ptr,
    next: u32,
}

thread_local! {
    static WORLD: RefCell<Option<World>> = const { RefCell::new(None) };
}

/// Builds the world with `sinks` advised sinks; 0 on success, 1 if it could not.
#[no_mangle]
pub extern "C" fn setup(sinks: u32) -> u32 {
    let mut sim = Sim::default();
    let Ok(_) = sim.add_profile(ProfileSpec::new("Outlook")) else {
        return 1;
    };
    let mut all = Vec::new();
    for k in 0..sinks {
        match sim.create_sink(SinkSpec::new(format!("sink{k}"))) {
            Ok(p) => all.push(p),
            Err(_) => return 1,
        }
    }
    let Ok(mgr) = sim.open("Outlook") else {
        return 1;
    };
    sim.get_capabilities(mgr, Out::Valid);
    for (k, &s) in all.iter().enumerate() {
        if sim.advise_sink(mgr, s, k as u32).is_err() {
            return 1;
        }
    }
    sim.clear_trace();
    WORLD.with(|w| {
        *w.borrow_mut() = Some(World {
            sim,
            mgr,
            next: MAPIOFFLINE_STATE_OFFLINE,
        })
    });
    0
}

/// Runs `n` blocking changes; returns how many failed (0 when all returned S_OK), or
/// `u32::MAX` without a world.
#[no_mangle]
pub extern "C" fn changes(n: u32) -> u32 {
    WORLD.with(|w| {
        let mut w = w.borrow_mut();
        let Some(w) = w.as_mut() else {
            return u32::MAX;
        };
        let mut failed = 0;
        for _ in 0..n {
            let s = w.next;
            w.next = if s == MAPIOFFLINE_STATE_OFFLINE {
                MAPIOFFLINE_STATE_ONLINE
            } else {
                MAPIOFFLINE_STATE_OFFLINE
            };
            if w.sim.set_state(w.mgr, s, true) != HResult::S_OK {
                failed += 1;
            }
        }
        failed
    })
}

/// Notify events recorded since the last `clear` (the sanity check's count).
#[no_mangle]
pub extern "C" fn notifications() -> u32 {
    WORLD.with(|w| {
        w.borrow().as_ref().map_or(0, |w| {
            w.sim
                .trace()
                .events
                .iter()
                .filter(|e| matches!(e.kind, EventKind::Notify { .. }))
                .count() as u32
        })
    })
}

/// Empties the trace, keeping its buffer (outside the timed region, as natively).
#[no_mangle]
pub extern "C" fn clear() {
    WORLD.with(|w| {
        if let Some(w) = w.borrow_mut().as_mut() {
            w.sim.clear_trace();
        }
    })
}
