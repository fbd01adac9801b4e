//! The C layout of what `mapioffline.h` declares: GUIDs, structures, vtables, HRESULTs.
//! Each type mirrors the header field by field; the unit tests at the end of this file and the
//! header's own static asserts keep the two in step.

use mapioffline_core::consts::{Guid, HResult};
use std::ffi::c_void;

/// `HRESULT`: a 32-bit signed value, as on Windows.
pub type Hresult = i32;
/// `ULONG`: 32-bit, as on Windows (Linux's `unsigned long` is 64-bit).
pub type Ulong = u32;
/// `WCHAR`: a UTF-16 code unit.
pub type Wchar = u16;

/// An HRESULT as C sees it: core's 32-bit pattern read as signed.
pub const fn hresult(h: HResult) -> Hresult {
    h.0 as i32
}

// The results the library returns itself; core spells each value once.
pub const E_UNEXPECTED: Hresult = hresult(HResult::E_UNEXPECTED);
pub const E_FAIL: Hresult = hresult(HResult::E_FAIL);
pub const RPC_E_WRONG_THREAD: Hresult = hresult(HResult::RPC_E_WRONG_THREAD);
pub const E_INSUFFICIENT_BUFFER: Hresult = hresult(HResult::E_INSUFFICIENT_BUFFER);
pub const E_INVALIDARG: Hresult = hresult(HResult::E_INVALIDARG);
pub const S_OK: Hresult = hresult(HResult::S_OK);

/// `GUID`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CGuid {
    pub data1: u32,
    pub data2: u16,
    pub data3: u16,
    pub data4: [u8; 8],
}

impl CGuid {
    pub const fn from_core(g: Guid) -> CGuid {
        CGuid {
            data1: g.data1,
            data2: g.data2,
            data3: g.data3,
            data4: g.data4,
        }
    }
    pub fn to_core(self) -> Guid {
        Guid::new(self.data1, self.data2, self.data3, self.data4)
    }
}

/// `MAPIOFFLINE_ADVISEINFO`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct AdviseInfo {
    pub ul_size: Ulong,
    pub ul_client_token: Ulong,
    pub callback_type: u32,
    pub p_callback: *mut IUnknown,
    pub ul_advise_types: Ulong,
    pub ul_state_mask: Ulong,
}

/// `MAPIOFFLINE_NOTIFY` with `Info.StateChange`, its only union member.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Notify {
    pub ul_size: Ulong,
    pub notify_type: u32,
    pub ul_client_token: Ulong,
    pub ul_mask: Ulong,
    pub ul_state_old: Ulong,
    pub ul_state_new: Ulong,
}

/// `MAPIOFFLINE_AGGREGATEINFO`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct AggregateInfo {
    pub ul_size: Ulong,
    pub p_outer_obj: *mut IUnknown,
    pub p_ref_track_root: *mut IUnknown,
}

/// `MAPIOFFLINE_CREATEINFO`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct CreateInfo {
    pub ul_size: Ulong,
    pub ul_create_flags: Ulong,
    pub pwsz_profile_name: *const Wchar,
    pub ul_capabilities: Ulong,
    pub p_guid: *const CGuid,
    pub p_instance: *const CGuid,
    pub p_parent: *mut OfflineObject,
    pub p_mapi_support: *mut IUnknown,
    pub p_aggregate_info: *mut AggregateInfo,
    pub p_connect_info: *mut c_void,
}

/// `MAPIOFFLINE_SIM_CONFIG`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct SimConfig {
    pub ul_size: Ulong,
    pub ul_phase_spacing: Ulong,
    pub ul_set4_reading: Ulong,
    pub ul_extra_state_bits: Ulong,
    pub ul_arch: Ulong,
    pub f_network_down: i32,
}

/// A client's COM object as seen through `IUnknown` (or `IMAPIOfflineNotify`, whose vtable
/// begins the same way): the first word points to its vtable.
#[repr(C)]
pub struct IUnknown {
    pub lp_vtbl: *const NotifyVtbl,
}

/// `IMAPIOfflineNotifyVtbl`, filled in by the client; `IUnknownVtbl` is its first three slots.
#[repr(C)]
pub struct NotifyVtbl {
    pub query_interface: unsafe extern "C" fn(
        this: *mut IUnknown,
        riid: *const CGuid,
        ppv: *mut *mut c_void,
    ) -> Hresult,
    pub add_ref: unsafe extern "C" fn(this: *mut IUnknown) -> Ulong,
    pub release: unsafe extern "C" fn(this: *mut IUnknown) -> Ulong,
    pub notify: unsafe extern "C" fn(this: *mut IUnknown, info: *const Notify),
}

/// An offline object as handed to the client: `IMAPIOfflineMgr` (and `IMAPIOffline`, which
/// shares the object and the first seven slots). The library never reads it back: a
/// `this` is recognised by its address alone.
#[repr(C)]
pub struct OfflineObject {
    pub lp_vtbl: *const MgrVtbl,
}

pub type Placeholder = unsafe extern "C" fn(this: *mut OfflineObject) -> Hresult;

/// `IMAPIOfflineMgrVtbl`: 16 slots.
#[repr(C)]
pub struct MgrVtbl {
    pub query_interface: unsafe extern "C" fn(
        this: *mut OfflineObject,
        riid: *const CGuid,
        ppv: *mut *mut c_void,
    ) -> Hresult,
    pub add_ref: unsafe extern "C" fn(this: *mut OfflineObject) -> Ulong,
    pub release: unsafe extern "C" fn(this: *mut OfflineObject) -> Ulong,
    pub set_current_state: unsafe extern "C" fn(
        this: *mut OfflineObject,
        ul_flags: Ulong,
        ul_mask: Ulong,
        ul_state: Ulong,
        p_reserved: *mut c_void,
    ) -> Hresult,
    pub get_capabilities:
        unsafe extern "C" fn(this: *mut OfflineObject, pul_capabilities: *mut Ulong) -> Hresult,
    pub get_current_state:
        unsafe extern "C" fn(this: *mut OfflineObject, pul_state: *mut Ulong) -> Hresult,
    pub placeholder: Placeholder,
    pub advise: unsafe extern "C" fn(
        this: *mut OfflineObject,
        ul_flags: Ulong,
        p_advise_info: *mut AdviseInfo,
        pul_advise_token: *mut Ulong,
    ) -> Hresult,
    pub unadvise: unsafe extern "C" fn(
        this: *mut OfflineObject,
        ul_flags: Ulong,
        ul_advise_token: Ulong,
    ) -> Hresult,
    pub placeholders: [Placeholder; 7],
}

// The GUIDs the header declares `extern const`, exported under the reference's names.
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static GUID_GlobalState: CGuid = CGuid::from_core(mapioffline_core::consts::GUID_GLOBAL_STATE);
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static IID_IMAPIOffline: CGuid = CGuid::from_core(mapioffline_core::consts::IID_IMAPIOFFLINE);
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static IID_IMAPIOfflineMgr: CGuid =
    CGuid::from_core(mapioffline_core::consts::IID_IMAPIOFFLINEMGR);
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static IID_IMAPIOfflineNotify: CGuid =
    CGuid::from_core(mapioffline_core::consts::IID_IMAPIOFFLINENOTIFY);
#[no_mangle]
#[allow(non_upper_case_globals)]
pub static IID_IUnknown: CGuid = CGuid::from_core(mapioffline_core::consts::IID_IUNKNOWN);

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{offset_of, size_of};

    /// The C vtable follows core's layout (`sim::VTABLE`), slot by slot.
    #[test]
    fn the_vtable_is_cores() {
        use mapioffline_core::sim::VTABLE;
        let slot = |name: &str| VTABLE.iter().position(|s| s.name == name).unwrap();
        let at = |offset: usize| offset / size_of::<usize>();
        assert_eq!(size_of::<MgrVtbl>() / size_of::<usize>(), VTABLE.len());
        assert_eq!(
            at(offset_of!(MgrVtbl, query_interface)),
            slot("QueryInterface")
        );
        assert_eq!(at(offset_of!(MgrVtbl, add_ref)), slot("AddRef"));
        assert_eq!(at(offset_of!(MgrVtbl, release)), slot("Release"));
        assert_eq!(
            at(offset_of!(MgrVtbl, set_current_state)),
            slot("SetCurrentState")
        );
        assert_eq!(
            at(offset_of!(MgrVtbl, get_capabilities)),
            slot("GetCapabilities")
        );
        assert_eq!(
            at(offset_of!(MgrVtbl, get_current_state)),
            slot("GetCurrentState")
        );
        assert!(VTABLE[at(offset_of!(MgrVtbl, placeholder))].is_placeholder());
        assert_eq!(at(offset_of!(MgrVtbl, advise)), slot("Advise"));
        assert_eq!(at(offset_of!(MgrVtbl, unadvise)), slot("Unadvise"));
        let first = at(offset_of!(MgrVtbl, placeholders));
        assert!(VTABLE[first..].iter().all(|s| s.is_placeholder()));
    }

    /// The sizes and offsets the header asserts, on the Rust side (LP64).
    #[test]
    #[cfg(target_pointer_width = "64")]
    fn layout_matches_the_header() {
        assert_eq!(size_of::<AdviseInfo>(), 32);
        assert_eq!(offset_of!(AdviseInfo, p_callback), 16);
        assert_eq!(size_of::<Notify>(), 24);
        assert_eq!(size_of::<CreateInfo>(), 72);
        assert_eq!(size_of::<AggregateInfo>(), 24);
        assert_eq!(size_of::<MgrVtbl>(), 16 * 8);
        assert_eq!(offset_of!(MgrVtbl, get_current_state), 0x28);
        assert_eq!(offset_of!(MgrVtbl, advise), 7 * 8);
        assert_eq!(offset_of!(NotifyVtbl, notify), 3 * 8);
        assert_eq!(size_of::<SimConfig>(), 24);
    }
}
