//! # mapioffline-ffi
//!
//! The C ABI of the simulator: `libmapioffline.so` and `libmapioffline.a`, declared by
//! `include/mapioffline.h`. A C or C++ client written for Outlook's Offline State API links
//! against it instead of `msmapi32.dll`; every call reaches core's raw API (which validates
//! it and records the trace) and the client's own `IMAPIOfflineNotify` is called through its
//! vtable. Like the CLI, a thin front-end: it translates C arguments and pointers, and
//! decides no result itself.
//!
//! | module | what |
//! |---|---|
//! | `abi` | the C layout of the header's types, the exported GUIDs |
//! | `world` | the one world, the objects handed out, the owning thread, the panic guard, the pump, exit |
//! | `api` | `HrOpenOfflineObj`, `HrCreateOfflineObj`, the offline objects' vtable |
//! | `foreign` | how core hands a foreign sink's deliveries and references to the driver |
//! | `shims` | `LoadLibraryW`/`A`, `GetModuleHandleW`, `GetProcAddress`, `FreeLibrary` |
//! | `control` | `MAPIOfflineSim_*` |
//! | `strings` | UTF-16 arguments, `MAPIOfflineSim_Utf8ToWide`, `MAPIOfflineSim_WcharToWide` |

pub mod abi;
pub mod api;
pub mod control;
mod foreign;
pub mod shims;
pub mod strings;
mod world;

/// For the benchmark: forgets the events recorded so far (outside its timing), so that a
/// long run measures calls, not the growth of the trace.
#[doc(hidden)]
pub fn bench_clear_trace() {
    world::with_world(|w| w.sim.clear_trace());
}
