//! The one world of the process: the simulator, the objects handed to the client, the
//! client's own objects, the owning thread, the guard around every export, the pump that
//! delivers notifications to foreign sinks, and what happens at exit.

use crate::abi::*;
use crate::foreign;
use mapioffline_core::scenario;
use mapioffline_core::{Config, ProfileSpec, Ptr, Sim, SinkSpec};
use std::cell::RefCell;
use std::collections::HashMap;
use std::ffi::c_void;
use std::hash::{BuildHasherDefault, Hasher};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

/// Everything the library knows. In a static (not a thread-local) so that the exit
/// handler, which runs after thread-local destructors, still finds it; only the owning
/// thread ever touches it ([`with_world`] checks).
pub(crate) struct World {
    pub sim: Sim,
    /// Offline objects handed out, by address, and back.
    offline: Map<usize, Ptr>,
    offline_addr: Map<Ptr, usize>,
    /// The client's objects (sinks, outer and support objects) the simulator knows, by address.
    clients: Map<usize, Ptr>,
    client_addr: Map<Ptr, usize>,
    next_client: u32,
    /// How many events the trace had when it last went to `MAPIOFFLINE_TRACE`: calls made
    /// after `MAPIOfflineSim_Shutdown` are written again at exit.
    trace_written: Option<usize>,
    /// The objects handed out by earlier worlds (since reset). Never freed, like all
    /// objects; kept so that they stay reachable and a leak checker does not report them.
    retired: Vec<usize>,
}

/// A hasher for addresses and `Ptr`s (integers on 16-byte boundaries), a few times cheaper
/// than the default SipHash on every call's `this` lookup; the keys are not chosen by an
/// adversary (the library hands them out).
#[derive(Default)]
pub(crate) struct AddrHasher(u64);

impl Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        let h = self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^ (h >> 29)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 ^= u64::from(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.0 ^= n as u64;
    }
}

type Map<K, V> = HashMap<K, V, BuildHasherDefault<AddrHasher>>;

/// The world, touched by the owning thread only.
struct Owned(RefCell<Option<World>>);

// SAFETY: the cell is only reached through `with_world` and the exit handler, and both check
// first that they run on the owning thread (`on_owner_thread`), so it is never accessed
// from two threads. (A RefCell, not a Mutex: a lock pair per call and per notification
// cost more than the rest of the library's overhead.)
unsafe impl Sync for Owned {}

static STATE: Owned = Owned(RefCell::new(None));
/// `pthread_self()` of the thread that owns the simulator; 0 until the first call.
static OWNER: AtomicUsize = AtomicUsize::new(0);
static AT_EXIT: Once = Once::new();

extern "C" {
    fn atexit(f: extern "C" fn()) -> i32;
    fn pthread_self() -> usize;
}

impl World {
    pub(crate) fn with_sim(sim: Sim) -> World {
        World {
            sim,
            offline: Map::default(),
            offline_addr: Map::default(),
            clients: Map::default(),
            client_addr: Map::default(),
            next_client: 1,
            trace_written: None,
            retired: Vec::new(),
        }
    }

    /// The world an unmodified client meets: `MAPIOFFLINE_WORLD`'s, or one profile "Outlook".
    fn initial() -> World {
        if let Some(path) = std::env::var_os("MAPIOFFLINE_WORLD") {
            let path = std::path::PathBuf::from(path);
            match world_from_file(&path) {
                Ok(sim) => return World::with_sim(sim),
                Err(e) => {
                    eprintln!("mapioffline: MAPIOFFLINE_WORLD: {e}");
                    eprintln!("mapioffline: using the default world instead (profile \"Outlook\", online, caller inside Outlook)");
                }
            }
        }
        World::with_sim(default_sim())
    }

    /// The address handed to the client for a pointer core returned.
    pub(crate) fn addr_for(&mut self, p: Ptr) -> *mut c_void {
        if p.is_null() {
            return std::ptr::null_mut();
        }
        if let Some(a) = self.client_addr.get(&p) {
            return *a as *mut c_void;
        }
        if let Some(a) = self.offline_addr.get(&p) {
            return *a as *mut c_void;
        }
        // Never freed while the process lives: a call after the last Release must still
        // reach core, which reports it (R4).
        let obj: &'static mut OfflineObject = Box::leak(Box::new(OfflineObject {
            lp_vtbl: &crate::api::MGR_VTBL,
        }));
        let a = obj as *mut OfflineObject as usize;
        self.offline.insert(a, p);
        self.offline_addr.insert(p, a);
        a as *mut c_void
    }

    /// The pointer core knows for an address the client passes as `this` or as an object
    /// argument. An address the library never handed out (or handed out in a world since
    /// reset) becomes a pointer core knows to be no object, so core answers and records it;
    /// it is never dereferenced.
    pub(crate) fn ptr_for(&self, addr: *const c_void, what: &str) -> Ptr {
        if addr.is_null() {
            return Ptr::NULL;
        }
        let a = addr as usize;
        if let Some(p) = self.offline.get(&a).or_else(|| self.clients.get(&a)) {
            return *p;
        }
        eprintln!("mapioffline: {what}: {addr:p} is not an object of this world (never handed out, or from a world since reset): a real client would crash here; the simulator answers as for an invalid pointer");
        // Core's objects sit on 16-byte boundaries: an odd value is no object.
        Ptr((a as u32) | 1)
    }

    /// The client object core knows for a foreign `IUnknown*`, if any.
    pub(crate) fn known_client(&self, addr: *mut IUnknown) -> Option<Ptr> {
        let a = addr as usize;
        self.clients
            .get(&a)
            .or_else(|| self.offline.get(&a))
            .copied()
    }

    /// Registers a client object; `kind` names it in the trace ("sink1", "outer2").
    pub(crate) fn add_client(
        &mut self,
        addr: *mut IUnknown,
        kind: &str,
        spec: impl FnOnce(String) -> SinkSpec,
    ) -> Result<Ptr, String> {
        let name = format!("{kind}{}", self.next_client);
        self.next_client += 1;
        let p = self
            .sim
            .create_sink(spec(name))
            .map_err(|e| e.to_string())?;
        self.clients.insert(addr as usize, p);
        self.client_addr.insert(p, addr as usize);
        Ok(p)
    }

    pub(crate) fn client_addr(&self, p: Ptr) -> Option<*mut IUnknown> {
        self.client_addr.get(&p).map(|a| *a as *mut IUnknown)
    }

    /// The client's object at this address is gone (its last Release returned 0): a new
    /// object at the same address is a new object.
    pub(crate) fn forget_client(&mut self, p: Ptr) {
        if let Some(a) = self.client_addr.remove(&p) {
            self.clients.remove(&a);
        }
    }
}

fn default_sim() -> Sim {
    let mut sim = Sim::default();
    sim.add_profile(ProfileSpec::new("Outlook"))
        .expect("a fresh world accepts its first profile");
    sim
}

/// A new world from a scenario file's world statements (`config`, `profile`, `network`,
/// `server`, `extra_state_bits`, `extra_caps`); anything else is the client's to do.
pub(crate) fn world_from_file(path: &std::path::Path) -> Result<Sim, String> {
    let shown = path.display();
    let source = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
    world_from_source(&source).map_err(|e| format!("{shown}:{e}"))
}

pub(crate) fn world_from_source(source: &str) -> Result<Sim, String> {
    let script = scenario::parse(source).map_err(|e| e.to_string())?;
    let mut runner = scenario::Runner::default();
    for stmt in &script.stmts {
        if !stmt.kind.is_world() {
            return Err(format!(
                "{}: `{}` is not a world statement; a world file holds only config, profile, network, server, extra_state_bits and extra_caps lines (the client is your program; time passes through MAPIOfflineSim_Advance/RunUntilIdle)",
                stmt.line,
                stmt.kind.word()
            ));
        }
        runner.exec(stmt).map_err(|e| e.to_string())?;
    }
    // The runner owns its world; take it out whole (trace included).
    Ok(std::mem::replace(runner.sim(), Sim::new(Config::default())))
}

/// Runs `f` on the world, creating it at first use. Never call it from inside `f`, and
/// never call foreign code from inside `f`: the client may call back into the library.
pub(crate) fn with_world<R>(f: impl FnOnce(&mut World) -> R) -> R {
    // Every export checked already; this keeps `Owned`'s promise for any other path. A
    // panic here is caught by the export's guard.
    assert!(
        on_owner_thread(),
        "the simulator was reached from a thread that does not own it"
    );
    let mut guard = STATE.0.borrow_mut();
    let world = guard.get_or_insert_with(|| {
        AT_EXIT.call_once(|| {
            // SAFETY: `at_exit` is an `extern "C" fn()` that never unwinds (it catches
            // panics itself); registering it has no other precondition.
            if unsafe { atexit(at_exit) } != 0 {
                eprintln!("mapioffline: could not register the exit handler: MAPIOFFLINE_TRACE will be written only by MAPIOfflineSim_Shutdown");
            }
        });
        World::initial()
    });
    f(world)
}

/// Replaces the world (control API).
pub(crate) fn replace_world(sim: Sim) {
    with_world(|w| {
        let mut retired = std::mem::take(&mut w.retired);
        retired.extend(w.offline.keys());
        *w = World::with_sim(sim);
        w.retired = retired;
    });
}

/// A delivery core has stopped at, translated for the pump: the client's sink (if the
/// library knows its address) and what to pass to its Notify.
pub(crate) type Delivery = (Option<*mut IUnknown>, mapioffline_core::NotifyInfo);

impl World {
    /// The delivery core has stopped at, if any (taking it: the driver must call it).
    pub(crate) fn next_delivery(&mut self) -> Option<Delivery> {
        foreign::poll(&mut self.sim).map(|(sink, info)| (self.client_addr(sink), info))
    }
}

/// Runs `f` on the world and, under the same lock, takes the first delivery it caused;
/// then delivers everything to the client's sinks ([`pump_from`]).
pub(crate) fn with_world_pumped<R>(f: impl FnOnce(&mut World) -> R) -> R {
    let (r, first) = with_world(|w| {
        let r = f(w);
        (r, w.next_delivery())
    });
    pump_from(first);
    r
}

/// Delivers what core has stopped at to the client's sinks, one `Notify` at a time, with no
/// lock held, so that the client can call back in (its calls pump their own deliveries).
pub(crate) fn pump() {
    pump_from(with_world(World::next_delivery));
}

fn pump_from(mut next: Option<Delivery>) {
    while let Some((addr, info)) = next {
        if let Some(sink) = addr {
            let n = Notify {
                ul_size: info.ul_size,
                notify_type: info.notify_type,
                ul_client_token: info.ul_client_token,
                ul_mask: info.ul_mask,
                ul_state_old: info.ul_state_old,
                ul_state_new: info.ul_state_new,
            };
            // SAFETY: `sink` is the client's IMAPIOfflineNotify that Advise accepted (its
            // QueryInterface said so) and on which the manager holds a reference (ADV-10),
            // so it is alive; `n` outlives the call.
            unsafe { ((*(*sink).lp_vtbl).notify)(sink, &n) };
        }
        // It returned: core resumes, and may stop at the next delivery.
        next = with_world(|w| {
            foreign::returned(&mut w.sim);
            w.next_delivery()
        });
    }
}

/// The first thread that calls the library owns the simulator. (`pthread_self` is a cheap
/// register read; a thread created after the owner ended may reuse its id, and then owns the
/// simulator, which no one else is using.)
fn on_owner_thread() -> bool {
    // SAFETY: pthread_self has no preconditions.
    let me = unsafe { pthread_self() };
    match OWNER.load(Ordering::Acquire) {
        0 => match OWNER.compare_exchange(0, me, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => true,
            Err(owner) => owner == me,
        },
        owner => owner == me,
    }
}

/// Why an export did not run.
pub(crate) enum Refused {
    WrongThread,
    Panicked,
}

/// The guard around every export: the owning thread only, and no panic ever unwinds into C.
pub(crate) fn guarded<R>(
    name: &str,
    refused: impl FnOnce(Refused) -> R,
    f: impl FnOnce() -> R,
) -> R {
    if !on_owner_thread() {
        eprintln!("mapioffline: {name} called from a thread that does not own the simulator: the simulator is single-threaded (like Outlook's UI thread) and belongs to the first thread that called the library; RPC_E_WRONG_THREAD, nothing changed");
        return refused(Refused::WrongThread);
    }
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".into());
            eprintln!("mapioffline: {name}: internal error in the simulator: {msg}; the call returns E_UNEXPECTED (please report this)");
            refused(Refused::Panicked)
        }
    }
}

/// [`guarded`] for functions returning an HRESULT.
pub(crate) fn guarded_hr(name: &str, f: impl FnOnce() -> Hresult) -> Hresult {
    guarded(
        name,
        |r| match r {
            Refused::WrongThread => RPC_E_WRONG_THREAD,
            Refused::Panicked => E_UNEXPECTED,
        },
        f,
    )
}

/// The shutdown report as core's trace text words it: the `shutdown` event and the
/// diagnostics after it.
pub(crate) fn report_text(sim: &Sim) -> String {
    let text = sim.trace().to_text();
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .rposition(|l| l.contains("Outlook shut down"))
        .unwrap_or(lines.len());
    let mut out = String::new();
    for l in &lines[start..] {
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// Writes the trace as JSON (the schema `mapioffline check` reads) or as text.
pub(crate) fn write_trace(sim: &Sim, path: &std::path::Path, json: bool) -> Result<(), String> {
    let body = if json {
        serde_json::to_string_pretty(sim.trace()).map_err(|e| e.to_string())?
    } else {
        sim.trace().to_text()
    };
    std::fs::write(path, body).map_err(|e| format!("{}: {e}", path.display()))
}

/// Ends Outlook if the client did not, prints the report, writes `MAPIOFFLINE_TRACE`.
/// Returns the report text.
pub(crate) fn finish(w: &mut World) -> Result<String, String> {
    w.sim.shutdown().map_err(|e| e.to_string())?;
    let report = report_text(&w.sim);
    for line in report.lines() {
        eprintln!("mapioffline: {line}");
    }
    write_trace_env(w, true);
    Ok(report)
}

/// Writes the trace to `MAPIOFFLINE_TRACE`, if set; `announce` says so on stderr.
fn write_trace_env(w: &mut World, announce: bool) {
    if let Some(path) = std::env::var_os("MAPIOFFLINE_TRACE") {
        let path = std::path::PathBuf::from(path);
        match write_trace(&w.sim, &path, true) {
            Ok(()) if !announce => w.trace_written = Some(w.sim.trace().events.len()),
            Ok(()) => {
                w.trace_written = Some(w.sim.trace().events.len());
                eprintln!(
                    "mapioffline: trace written to {} (check it with `mapioffline check {}`)",
                    path.display(),
                    path.display()
                );
            }
            Err(e) => eprintln!("mapioffline: MAPIOFFLINE_TRACE: could not write the trace: {e}"),
        }
    }
}

/// The exit handler: shuts Outlook down if the client did not, so that the report and the
/// trace say what it left behind.
extern "C" fn at_exit() {
    let _ = catch_unwind(|| {
        if !on_owner_thread() {
            eprintln!("mapioffline: the process exits on a thread that does not own the simulator: the shutdown report and MAPIOFFLINE_TRACE are not written at exit (call MAPIOfflineSim_Shutdown from the owning thread)");
            return;
        }
        let Ok(mut guard) = STATE.0.try_borrow_mut() else {
            eprintln!("mapioffline: the process exits from inside a call into the library: the shutdown report and MAPIOFFLINE_TRACE are not written at exit");
            return;
        };
        if let Some(w) = guard.as_mut() {
            if !w.sim.is_ended() {
                if let Err(e) = finish(w) {
                    eprintln!("mapioffline: at exit: {e}");
                }
            } else if w
                .trace_written
                .is_some_and(|n| n < w.sim.trace().events.len())
            {
                // Calls after MAPIOfflineSim_Shutdown: the file gets the whole trace.
                write_trace_env(w, false);
            }
        }
    });
}

/// For the loader shims: forces the world into existence (and the exit handler with it).
pub(crate) fn touch() {
    with_world(|_| ());
}
