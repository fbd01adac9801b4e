//! The API as a C client calls it: `HrOpenOfflineObj`, `HrCreateOfflineObj` and the
//! methods of the offline objects' vtable. Each translates its C arguments field by field
//! into core's raw call (which validates them and records the trace), writes back what core
//! says the call wrote, and pumps the notifications the call caused to the client's sinks.

use crate::abi::*;
use crate::foreign;
use crate::strings::wide_arg;
use crate::world::{guarded, guarded_hr, pump, with_world, with_world_pumped, Refused, World};
use mapioffline_core::consts::IID_IMAPIOFFLINENOTIFY;
use mapioffline_core::trace::GuidPtr;
use mapioffline_core::{self as core, Out, Ptr};
use std::ffi::c_void;

/// Reads a GUID argument: NULL, or the GUID it points to. (The one place that turns a
/// `const GUID *` into what core's calls take.)
///
/// # Safety
/// `p` is NULL or points to a GUID.
pub(crate) unsafe fn guid_arg(p: *const CGuid) -> GuidPtr {
    if p.is_null() {
        return GuidPtr::Null;
    }
    // SAFETY: non-NULL `p` points to a GUID (the caller's promise); read unaligned since C
    // callers may pass a GUID inside a packed buffer.
    GuidPtr::To(unsafe { p.read_unaligned() }.to_core())
}

/// `HrOpenOfflineObj`'s `pReserved`: it must be NULL (OPEN-5) and nothing says it points to
/// anything, so it is never read: core gets the bare address, which the trace records.
fn reserved_arg(p: *const CGuid) -> GuidPtr {
    GuidPtr::addr(p as usize as u64)
}

fn out_of<T>(p: *mut T) -> Out {
    if p.is_null() {
        Out::Null
    } else {
        Out::Valid
    }
}

fn hr(h: core::HResult) -> Hresult {
    hresult(h)
}

// ------------------------------------------------------------------ functions

/// `HrOpenOfflineObj` (OPEN-*).
///
/// # Safety
/// Pointers are NULL or valid for what the reference says they point to.
#[no_mangle]
pub unsafe extern "C" fn HrOpenOfflineObj(
    ul_reserved: Ulong,
    pwsz_profile_name_in: *const Wchar,
    p_guid: *const CGuid,
    p_reserved: *const CGuid,
    pp_offline_obj: *mut *mut OfflineObject,
) -> Hresult {
    guarded_hr("HrOpenOfflineObj", || {
        // SAFETY: the caller's promise on each pointer.
        let (name, guid, reserved) = unsafe {
            (
                wide_arg(pwsz_profile_name_in),
                guid_arg(p_guid),
                reserved_arg(p_reserved),
            )
        };
        let (h, obj) = with_world(|w| {
            let r = w.sim.hr_open_offline_obj(
                ul_reserved,
                name.as_deref(),
                guid,
                reserved,
                out_of(pp_offline_obj),
            );
            (r.hr, r.out.map(|p| w.addr_for(p)))
        });
        if let (false, Some(o)) = (pp_offline_obj.is_null(), obj) {
            // SAFETY: a non-NULL out-pointer is writable (the caller's promise).
            unsafe { *pp_offline_obj = o.cast() };
        }
        pump();
        hr(h)
    })
}

/// `HrCreateOfflineObj` (CRE-*).
///
/// # Safety
/// Pointers are NULL or valid for what the reference says they point to.
#[no_mangle]
pub unsafe extern "C" fn HrCreateOfflineObj(
    ul_flags: Ulong,
    p_create_info: *mut CreateInfo,
    pp_offline: *mut *mut OfflineObject,
) -> Hresult {
    guarded_hr("HrCreateOfflineObj", || {
        let info = if p_create_info.is_null() {
            None
        } else {
            // SAFETY: a non-NULL pCreateInfo points to a MAPIOFFLINE_CREATEINFO.
            let c = unsafe { p_create_info.read() };
            // SAFETY: the structure's pointers are NULL or valid (the caller's promise).
            let (name, guid, instance, agg) = unsafe {
                (
                    wide_arg(c.pwsz_profile_name),
                    guid_arg(c.p_guid),
                    guid_arg(c.p_instance),
                    (!c.p_aggregate_info.is_null()).then(|| c.p_aggregate_info.read()),
                )
            };
            let support = client_object(c.p_mapi_support, "support");
            let aggregate = agg.map(|a| core::AggregateInfo {
                ul_size: a.ul_size,
                p_outer_obj: client_object(a.p_outer_obj, "outer"),
                p_ref_track_root: client_object(a.p_ref_track_root, "reftrack"),
            });
            let parent = with_world(|w| w.ptr_for(c.p_parent as *const c_void, "pParent"));
            Some(core::CreateInfo {
                ul_size: c.ul_size,
                ul_create_flags: c.ul_create_flags,
                pwsz_profile_name: name,
                ul_capabilities: c.ul_capabilities,
                p_guid: guid,
                p_instance: instance,
                p_parent: parent,
                p_mapi_support: support,
                p_aggregate_info: aggregate,
                p_connect_info: c.p_connect_info as usize as u64,
            })
        };
        let (h, obj) = with_world(|w| {
            let r = w
                .sim
                .hr_create_offline_obj(ul_flags, info.as_ref(), out_of(pp_offline));
            (r.hr, r.out.map(|p| w.addr_for(p)))
        });
        if let (false, Some(o)) = (pp_offline.is_null(), obj) {
            // SAFETY: a non-NULL out-pointer is writable (the caller's promise).
            unsafe { *pp_offline = o.cast() };
        }
        pump();
        hr(h)
    })
}

/// The simulator's name for a client object passed as an argument (an outer object, a
/// support object): registered at first sight. These are not sinks, so nothing is called
/// on them.
fn client_object(addr: *mut IUnknown, kind: &str) -> Ptr {
    if addr.is_null() {
        return Ptr::NULL;
    }
    with_world(|w| {
        if let Some(p) = w.known_client(addr) {
            return p;
        }
        w.add_client(addr, kind, |name| foreign::sink_spec(name, false))
            .unwrap_or_else(|e| {
                eprintln!("mapioffline: cannot register the client's object {addr:p}: {e}");
                Ptr((addr as usize as u32) | 1)
            })
    })
}

/// The simulator's name for an Advise's `pCallback`. At first sight the library asks the
/// client's own `QueryInterface(IID_IMAPIOfflineNotify)` (and releases what it returned):
/// the answer decides ADV-9.
fn callback_object(addr: *mut IUnknown) -> Ptr {
    if addr.is_null() {
        return Ptr::NULL;
    }
    if let Some(p) = with_world(|w| w.known_client(addr)) {
        return p;
    }
    let iid = CGuid::from_core(IID_IMAPIOFFLINENOTIFY);
    let mut out: *mut c_void = std::ptr::null_mut();
    // SAFETY: `addr` is the client's COM object (the caller's promise for pCallback); its
    // vtable begins with IUnknown's three methods. No lock is held: it may call back in.
    let qi = unsafe { ((*(*addr).lp_vtbl).query_interface)(addr, &iid, &mut out) };
    let implements = qi >= 0 && !out.is_null();
    if !out.is_null() {
        let got = out as *mut IUnknown;
        // SAFETY: QueryInterface succeeded and returned an AddRef'd interface of the same
        // object; releasing it returns the reference the library does not keep.
        unsafe { ((*(*got).lp_vtbl).release)(got) };
    }
    with_world(|w| {
        w.add_client(addr, "sink", |name| foreign::sink_spec(name, implements))
            .unwrap_or_else(|e| {
                eprintln!("mapioffline: cannot register the client's sink {addr:p}: {e}");
                Ptr((addr as usize as u32) | 1)
            })
    })
}

// ------------------------------------------------------------------ the vtable

pub(crate) static MGR_VTBL: MgrVtbl = MgrVtbl {
    query_interface,
    add_ref,
    release,
    set_current_state,
    get_capabilities,
    get_current_state,
    placeholder: slot6,
    advise,
    unadvise,
    placeholders: [slot9, slot10, slot11, slot12, slot13, slot14, slot15],
};

/// Runs a method on core with `this` translated, under one lock, then pumps.
fn method<R>(this: *mut OfflineObject, name: &str, f: impl FnOnce(&mut World, Ptr) -> R) -> R {
    with_world_pumped(|w| {
        let p = w.ptr_for(this as *const c_void, name);
        f(w, p)
    })
}

fn guarded_ulong(name: &str, f: impl FnOnce() -> Ulong) -> Ulong {
    guarded(name, |_: Refused| 0, f)
}

unsafe extern "C" fn query_interface(
    this: *mut OfflineObject,
    riid: *const CGuid,
    ppv: *mut *mut c_void,
) -> Hresult {
    let name = "IMAPIOfflineMgr::QueryInterface";
    guarded_hr(name, || {
        // SAFETY: riid is NULL or points to an IID (the caller's promise).
        let iid = unsafe { guid_arg(riid) };
        let (h, obj) = method(this, name, |w, p| {
            let r = w.sim.query_interface(p, iid, out_of(ppv));
            (r.hr, r.out.map(|p| w.addr_for(p)))
        });
        if let (false, Some(o)) = (ppv.is_null(), obj) {
            // SAFETY: a non-NULL out-pointer is writable (the caller's promise).
            unsafe { *ppv = o };
        }
        hr(h)
    })
}

unsafe extern "C" fn add_ref(this: *mut OfflineObject) -> Ulong {
    let name = "IMAPIOfflineMgr::AddRef";
    guarded_ulong(name, || method(this, name, |w, p| w.sim.add_ref(p)))
}

unsafe extern "C" fn release(this: *mut OfflineObject) -> Ulong {
    let name = "IMAPIOfflineMgr::Release";
    guarded_ulong(name, || method(this, name, |w, p| w.sim.release(p)))
}

unsafe extern "C" fn set_current_state(
    this: *mut OfflineObject,
    ul_flags: Ulong,
    ul_mask: Ulong,
    ul_state: Ulong,
    p_reserved: *mut c_void,
) -> Hresult {
    let name = "IMAPIOffline::SetCurrentState";
    guarded_hr(name, || {
        hr(method(this, name, |w, p| {
            w.sim
                .set_current_state(p, ul_flags, ul_mask, ul_state, p_reserved as usize as u64)
        }))
    })
}

unsafe extern "C" fn get_capabilities(this: *mut OfflineObject, pul: *mut Ulong) -> Hresult {
    let name = "IMAPIOffline::GetCapabilities";
    guarded_hr(name, || {
        let r = method(this, name, |w, p| w.sim.get_capabilities(p, out_of(pul)));
        if let (false, Some(v)) = (pul.is_null(), r.out) {
            // SAFETY: a non-NULL out-pointer is writable (the caller's promise).
            unsafe { *pul = v };
        }
        hr(r.hr)
    })
}

unsafe extern "C" fn get_current_state(this: *mut OfflineObject, pul: *mut Ulong) -> Hresult {
    let name = "IMAPIOffline::GetCurrentState";
    guarded_hr(name, || {
        let r = method(this, name, |w, p| w.sim.get_current_state(p, out_of(pul)));
        if let (false, Some(v)) = (pul.is_null(), r.out) {
            // SAFETY: a non-NULL out-pointer is writable (the caller's promise).
            unsafe { *pul = v };
        }
        hr(r.hr)
    })
}

unsafe extern "C" fn advise(
    this: *mut OfflineObject,
    ul_flags: Ulong,
    p_advise_info: *mut AdviseInfo,
    pul_advise_token: *mut Ulong,
) -> Hresult {
    let name = "IMAPIOfflineMgr::Advise";
    guarded_hr(name, || {
        let c = if p_advise_info.is_null() {
            None
        } else {
            // SAFETY: a non-NULL pAdviseInfo points to a MAPIOFFLINE_ADVISEINFO.
            Some(unsafe { p_advise_info.read() })
        };
        let info = c.map(|c| core::AdviseInfo {
            ul_size: c.ul_size,
            ul_client_token: c.ul_client_token,
            callback_type: c.callback_type,
            p_callback: callback_object(c.p_callback),
            ul_advise_types: c.ul_advise_types,
            ul_state_mask: c.ul_state_mask,
        });
        let r = method(this, name, |w, p| {
            w.sim
                .advise(p, ul_flags, info.as_ref(), out_of(pul_advise_token))
        });
        if let (false, Some(t)) = (pul_advise_token.is_null(), r.out) {
            // SAFETY: a non-NULL out-pointer is writable (the caller's promise).
            unsafe { *pul_advise_token = t };
        }
        apply_refs();
        hr(r.hr)
    })
}

unsafe extern "C" fn unadvise(
    this: *mut OfflineObject,
    ul_flags: Ulong,
    ul_advise_token: Ulong,
) -> Hresult {
    let name = "IMAPIOfflineMgr::Unadvise";
    guarded_hr(name, || {
        let h = method(this, name, |w, p| {
            w.sim.unadvise(p, ul_flags, ul_advise_token)
        });
        apply_refs();
        hr(h)
    })
}

/// Makes real, through the client's own AddRef and Release and with no lock held, the
/// references core says the manager took (a successful Advise, ADV-10) or dropped (the
/// Unadvise that removed the registration, UNADV-3) on the client's sinks.
fn apply_refs() {
    while let Some((change, addr)) = with_world(|w| {
        let change = foreign::poll_ref(&mut w.sim)?;
        let p = match change {
            foreign::RefChange::AddRef(p) | foreign::RefChange::Release(p) => p,
        };
        Some((change, w.client_addr(p)))
    }) {
        let Some(addr) = addr else { continue };
        match change {
            // SAFETY: the sink answered QueryInterface and Advise accepted it; the manager
            // now holds one reference on it (ADV-10), taken through its own AddRef.
            foreign::RefChange::AddRef(_) => unsafe {
                ((*(*addr).lp_vtbl).add_ref)(addr);
            },
            foreign::RefChange::Release(sink) => {
                // SAFETY: the manager held a reference on this sink since Advise (UNADV-3).
                let left = unsafe { ((*(*addr).lp_vtbl).release)(addr) };
                if left == 0 {
                    with_world(|w| w.forget_client(sink));
                }
            }
        }
    }
}

fn slot(this: *mut OfflineObject, n: u32) -> Hresult {
    let name = format!("IMAPIOfflineMgr vtable slot {n}");
    guarded_hr(&name, || {
        hr(method(this, &name, |w, p| w.sim.call_slot(p, n)))
    })
}

macro_rules! placeholder {
    ($($f:ident = $n:expr),*) => {$(
        unsafe extern "C" fn $f(this: *mut OfflineObject) -> Hresult {
            slot(this, $n)
        }
    )*};
}
placeholder!(
    slot6 = 6,
    slot9 = 9,
    slot10 = 10,
    slot11 = 11,
    slot12 = 12,
    slot13 = 13,
    slot14 = 14,
    slot15 = 15
);
