//! Typed convenience calls for correct clients. Each one makes the same raw calls (and
//! leaves the same trace) a careful C++ client would; none bypasses the raw API.

use super::Sim;
use crate::consts::*;
use crate::trace::*;

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

impl Sim {
    /// A correct `MAPIOFFLINE_ADVISEINFO` for this world's architecture.
    pub fn advise_info(&self, client_token: u32, callback: Ptr) -> AdviseInfo {
        AdviseInfo {
            ul_size: self.config.arch.sizeof_adviseinfo(),
            ul_client_token: client_token,
            callback_type: MAPIOFFLINE_CALLBACK_TYPE_NOTIFY,
            p_callback: callback,
            ul_advise_types: MAPIOFFLINE_ADVISE_TYPE_STATECHANGE,
            ul_state_mask: MAPIOFFLINE_STATE_ALL,
        }
    }

    /// A correct `MAPIOFFLINE_CREATEINFO` for a child of `parent` (NULL for none).
    pub fn create_info(
        &self,
        profile: &str,
        capabilities: u32,
        type_guid: Guid,
        parent: Ptr,
    ) -> CreateInfo {
        CreateInfo {
            ul_size: self.config.arch.sizeof_createinfo(),
            ul_create_flags: 0,
            pwsz_profile_name: Some(profile.to_string()),
            ul_capabilities: capabilities,
            p_guid: GuidPtr::To(type_guid),
            p_instance: GuidPtr::Null,
            p_parent: parent,
            p_mapi_support: Ptr::NULL,
            p_aggregate_info: None,
            p_connect_info: 0,
        }
    }
}
