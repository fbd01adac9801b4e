//! Typed convenience calls for correct clients. Each one makes the same raw calls (and
//! leaves the same trace) a careful C++ client would; none bypasses the raw API.

use crate::consts::*;
use crate::sim::Sim;
use crate::trace::{Out, Ptr};

impl Sim {
    /// `HrOpenOfflineObj(0, profile, &GUID_GlobalState, NULL, &p)`.
    pub fn open(&mut self, profile: &str) -> Result<Ptr, HResult> {
        let r =
            self.hr_open_offline_obj(0, Some(profile), Some(GUID_GLOBAL_STATE), None, Out::Valid);
        r.out.filter(|_| r.hr == HResult::S_OK).ok_or(r.hr)
    }

    /// `Advise` with a correct `MAPIOFFLINE_ADVISEINFO` for `sink`; returns the token.
    pub fn advise_sink(&mut self, mgr: Ptr, sink: Ptr, client_token: u32) -> Result<u32, HResult> {
        let info = self.advise_info(client_token, sink);
        let r = self.advise(mgr, MAPIOFFLINE_ADVISE_DEFAULT, Some(&info), Out::Valid);
        r.out.filter(|_| r.hr == HResult::S_OK).ok_or(r.hr)
    }

    /// `SetCurrentState(BLOCK or DEFAULT, OFFLINE_MASK, state, NULL)`.
    pub fn set_state(&mut self, obj: Ptr, state: u32, blocking: bool) -> HResult {
        let flags = if blocking {
            MAPIOFFLINE_FLAG_BLOCK
        } else {
            MAPIOFFLINE_FLAG_DEFAULT
        };
        self.set_current_state(obj, flags, MAPIOFFLINE_STATE_OFFLINE_MASK, state, 0)
    }

    /// `GetCurrentState`, masked with `MAPIOFFLINE_STATE_OFFLINE_MASK` as careful clients do.
    pub fn current_state(&mut self, obj: Ptr) -> Result<u32, HResult> {
        let r = self.get_current_state(obj, Out::Valid);
        r.out
            .map(|s| s & MAPIOFFLINE_STATE_OFFLINE_MASK)
            .ok_or(r.hr)
    }

    /// `HrCreateOfflineObj` with a correct `MAPIOFFLINE_CREATEINFO`.
    pub fn create_child(
        &mut self,
        profile: &str,
        capabilities: u32,
        type_guid: Guid,
        parent: Ptr,
    ) -> Result<Ptr, HResult> {
        let info = self.create_info(profile, capabilities, type_guid, parent);
        let r = self.hr_create_offline_obj(0, Some(&info), Out::Valid);
        r.out.filter(|_| r.hr == HResult::S_OK).ok_or(r.hr)
    }
}
