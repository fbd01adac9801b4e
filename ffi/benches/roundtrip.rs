//! A C client's call round trip through the vtable (C ABI → library → core → trace → back),
//! against the same work on core directly: `GetCurrentState`, and a blocking
//! `SetCurrentState` that delivers START, STATECHANGE and DONE to a C-ABI sink (a Rust
//! object with the layout and `extern "C"` methods of a C client's sink).
//!
//! `cargo bench -p mapioffline-ffi` prints criterion's time per iteration; one iteration is
//! one call. The trace is cleared between timed batches, outside the timing.

use criterion::{criterion_group, criterion_main, Criterion};
use mapioffline::abi::{AdviseInfo, CGuid, IUnknown, Notify, NotifyVtbl, OfflineObject};
use mapioffline_core::consts::*;
use mapioffline_core::{Out, ProfileSpec, Sim, SinkSpec};
use std::ffi::c_void;
use std::hint::black_box;
use std::time::{Duration, Instant};

#[repr(C)]
struct CSink {
    iface: IUnknown,
    refs: u32,
    notified: u64,
}

unsafe extern "C" fn qi(this: *mut IUnknown, _riid: *const CGuid, ppv: *mut *mut c_void) -> i32 {
    // SAFETY: `this` is a CSink and `ppv` is writable (the library's calls).
    unsafe {
        (*(this as *mut CSink)).refs += 1;
        *ppv = this.cast();
    }
    0
}
unsafe extern "C" fn add_ref(this: *mut IUnknown) -> u32 {
    // SAFETY: `this` is a CSink.
    unsafe {
        (*(this as *mut CSink)).refs += 1;
        (*(this as *mut CSink)).refs
    }
}
unsafe extern "C" fn release(this: *mut IUnknown) -> u32 {
    // SAFETY: `this` is a CSink.
    unsafe {
        (*(this as *mut CSink)).refs -= 1;
        (*(this as *mut CSink)).refs
    }
}
unsafe extern "C" fn notify(this: *mut IUnknown, info: *const Notify) {
    // SAFETY: `this` is a CSink; `info` is valid for the call.
    unsafe {
        black_box((*info).notify_type);
        (*(this as *mut CSink)).notified += 1;
    }
}
static SINK_VTBL: NotifyVtbl = NotifyVtbl {
    query_interface: qi,
    add_ref,
    release,
    notify,
};

/// Times `iters` calls of `f` in batches of at most 10,000, clearing the trace between.
fn batched(iters: u64, mut f: impl FnMut(), mut clear: impl FnMut()) -> Duration {
    let mut total = Duration::ZERO;
    let mut left = iters;
    while left > 0 {
        let n = left.min(10_000);
        let t = Instant::now();
        for _ in 0..n {
            f();
        }
        total += t.elapsed();
        clear();
        left -= n;
    }
    total
}

fn bench(c: &mut Criterion) {
    // The library's default world: profile "Outlook", online.
    let mut mgr: *mut OfflineObject = std::ptr::null_mut();
    let profile: Vec<u16> = "Outlook\0".encode_utf16().collect();
    // SAFETY: valid arguments, as a C client passes them.
    let hr = unsafe {
        mapioffline::api::HrOpenOfflineObj(
            0,
            profile.as_ptr(),
            &mapioffline::abi::GUID_GlobalState,
            std::ptr::null(),
            &mut mgr,
        )
    };
    assert_eq!(hr, 0);
    // SAFETY: `mgr` is the library's object; its vtable is static.
    let vtbl = unsafe { &*(*mgr).lp_vtbl };

    let mut g = c.benchmark_group("GetCurrentState");
    g.bench_function("C ABI through the vtable", |b| {
        b.iter_custom(|iters| {
            let mut s = 0u32;
            batched(
                iters,
                // SAFETY: a live object and a valid out-pointer.
                || unsafe {
                    black_box((vtbl.get_current_state)(black_box(mgr), &mut s));
                },
                mapioffline::bench_clear_trace,
            )
        })
    });
    let mut sim = Sim::default();
    sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
    let core_mgr = sim.open("Outlook").unwrap();
    g.bench_function("core directly", |b| {
        b.iter_custom(|iters| {
            let sim = std::cell::RefCell::new(&mut sim);
            batched(
                iters,
                || {
                    black_box(sim.borrow_mut().get_current_state(core_mgr, Out::Valid));
                },
                || sim.borrow_mut().clear_trace(),
            )
        })
    });
    g.finish();

    // A blocking change delivering its three notifications to one sink, back and forth.
    let mut sink = Box::new(CSink {
        iface: IUnknown {
            lp_vtbl: &SINK_VTBL,
        },
        refs: 1,
        notified: 0,
    });
    let mut caps = 0;
    let mut token = 0;
    let mut info = AdviseInfo {
        ul_size: 32,
        ul_client_token: 1,
        callback_type: MAPIOFFLINE_CALLBACK_TYPE_NOTIFY,
        p_callback: &mut sink.iface,
        ul_advise_types: MAPIOFFLINE_ADVISE_TYPE_STATECHANGE,
        ul_state_mask: MAPIOFFLINE_STATE_ALL,
    };
    // SAFETY: valid arguments; the sink outlives the registration.
    unsafe {
        (vtbl.get_capabilities)(mgr, &mut caps);
        assert_eq!((vtbl.advise)(mgr, 0, &mut info, &mut token), 0);
    }
    let mut g = c.benchmark_group("SetCurrentState(BLOCK) with 3 notifications to 1 sink");
    let mut flip = false;
    g.bench_function("C ABI through the vtable, C-ABI sink", |b| {
        b.iter_custom(|iters| {
            batched(
                iters,
                || {
                    flip = !flip;
                    let state = if flip {
                        MAPIOFFLINE_STATE_OFFLINE
                    } else {
                        MAPIOFFLINE_STATE_ONLINE
                    };
                    // SAFETY: a live object; NULL pReserved.
                    let hr = unsafe {
                        (vtbl.set_current_state)(
                            mgr,
                            MAPIOFFLINE_FLAG_BLOCK,
                            MAPIOFFLINE_STATE_OFFLINE_MASK,
                            state,
                            std::ptr::null_mut(),
                        )
                    };
                    black_box(hr);
                },
                mapioffline::bench_clear_trace,
            )
        })
    });
    let core_sink = sim.create_sink(SinkSpec::new("rust")).unwrap();
    sim.get_capabilities(core_mgr, Out::Valid);
    sim.advise_sink(core_mgr, core_sink, 1).unwrap();
    let mut flip = false;
    g.bench_function("core directly, simulated sink", |b| {
        b.iter_custom(|iters| {
            let sim = std::cell::RefCell::new(&mut sim);
            batched(
                iters,
                || {
                    flip = !flip;
                    black_box(sim.borrow_mut().set_state(
                        core_mgr,
                        if flip {
                            MAPIOFFLINE_STATE_OFFLINE
                        } else {
                            MAPIOFFLINE_STATE_ONLINE
                        },
                        true,
                    ));
                },
                || sim.borrow_mut().clear_trace(),
            )
        })
    });
    // The same change on core with a foreign sink, its deliveries taken and returned by a
    // Rust loop: what the library's pump costs on top of this is its own overhead.
    let mut fsim = Sim::default();
    fsim.add_profile(ProfileSpec::new("Outlook")).unwrap();
    let fmgr = fsim.open("Outlook").unwrap();
    let fsink = fsim.create_sink(SinkSpec::foreign("rust")).unwrap();
    fsim.get_capabilities(fmgr, Out::Valid);
    fsim.advise_sink(fmgr, fsink, 1).unwrap();
    let mut flip = false;
    let mut delivered = 0u64;
    g.bench_function("core directly, foreign sink polled in Rust", |b| {
        b.iter_custom(|iters| {
            let sim = std::cell::RefCell::new(&mut fsim);
            batched(
                iters,
                || {
                    flip = !flip;
                    let state = if flip {
                        MAPIOFFLINE_STATE_OFFLINE
                    } else {
                        MAPIOFFLINE_STATE_ONLINE
                    };
                    let mut s = sim.borrow_mut();
                    black_box(s.set_state(fmgr, state, true));
                    while let Some(n) = s.poll_notify() {
                        black_box(n.info.notify_type);
                        delivered += 1;
                        s.notify_returned();
                    }
                },
                || sim.borrow_mut().clear_trace(),
            )
        })
    });
    g.finish();
    println!(
        "C-ABI sink: {} notifications received; Rust-polled foreign sink: {delivered} (3 per blocking change)",
        sink.notified
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
