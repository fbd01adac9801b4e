//! `HrOpenOfflineObj`: argument checks and the global object a profile shares (OPEN-*).

use super::identity::{Identity, Target};
use super::{Ret, Sim};
use crate::clauses::Clause;
use crate::consts::*;
use crate::trace::*;
use crate::util::nearest;

impl Sim {
    /// `HrOpenOfflineObj(ulReserved, pwszProfileNameIn, pGUID, pReserved, ppOfflineObj)`.
    /// The GUID pointers take a [`GuidPtr`], or `Some(guid)` / `None` for a pointer to a
    /// GUID / NULL.
    pub fn hr_open_offline_obj(
        &mut self,
        ul_reserved: u32,
        pwsz_profile_name_in: Option<&str>,
        p_guid: impl Into<GuidPtr>,
        p_reserved: impl Into<GuidPtr>,
        pp_offline_obj: Out,
    ) -> Ret<Ptr> {
        let (p_guid, p_reserved) = (p_guid.into(), p_reserved.into());
        let by = Caller::Client;
        self.enter(
            by,
            Call::HrOpenOfflineObj(Box::new(OpenArgs {
                ul_reserved,
                pwsz_profile_name_in: pwsz_profile_name_in.map(str::to_string),
                p_guid,
                p_reserved,
                pp_offline_obj,
            })),
        );
        let mut failed = false;
        if self.ended {
            failed = true;
            self.error(
                "open.outlook_ended",
                Some(Clause::Open8),
                None,
                "Outlook has shut down: there is no Outlook process to be inside of".into(),
            );
        }
        if ul_reserved != 0 {
            failed = true;
            self.error(
                "open.reserved_nonzero",
                Some(Clause::Open2),
                None,
                format!("ulReserved is {ul_reserved}; it must be 0"),
            );
        }
        match p_guid {
            GuidPtr::Null => {
                failed = true;
                self.error(
                    "open.guid_null",
                    Some(Clause::Open4),
                    None,
                    "pGUID is NULL; it must point to GUID_GlobalState".into(),
                );
            }
            GuidPtr::To(g) if g != GUID_GLOBAL_STATE => {
                failed = true;
                self.error("open.guid_wrong", Some(Clause::Open4), None, format!("pGUID points to {g:?}; it must point to GUID_GlobalState {GUID_GLOBAL_STATE}"));
            }
            GuidPtr::To(_) => {}
            // OPEN-4 asks for a pointer to GUID_GlobalState; what lies at a raw address is
            // unknown to a simulator, so it cannot be that pointer.
            GuidPtr::Addr(a) => {
                failed = true;
                self.error("open.guid_unreadable", Some(Clause::Open4), None, format!("pGUID is 0x{a:X}, an address the simulator cannot read; the simulator's choice: it treats an unreadable address as not pointing to GUID_GlobalState {GUID_GLOBAL_STATE} (a real Outlook would compare the 16 bytes found there, or fault)"));
            }
        }
        match p_reserved {
            GuidPtr::Null => {}
            GuidPtr::To(g) => {
                failed = true;
                self.error(
                    "open.preserved_nonnull",
                    Some(Clause::Open5),
                    None,
                    format!("pReserved points to {g:?}; it must be NULL"),
                );
            }
            // Non-NULL is all OPEN-5 asks about: no need to know what is there.
            GuidPtr::Addr(a) => {
                failed = true;
                self.error(
                    "open.preserved_nonnull",
                    Some(Clause::Open5),
                    None,
                    format!("pReserved is 0x{a:X}; it must be NULL"),
                );
            }
        }
        if pp_offline_obj.is_null() {
            failed = true;
            self.error(
                "open.out_null",
                Some(Clause::Open11),
                None,
                "ppOfflineObj is NULL: there is nowhere to write the object".into(),
            );
        }
        let mut found = None;
        match pwsz_profile_name_in {
            None => {
                failed = true;
                self.error(
                    "open.profile_null",
                    Some(Clause::Open3),
                    None,
                    "pwszProfileNameIn is NULL; it must name a profile".into(),
                );
            }
            Some(name) => match self.profiles.iter().position(|p| p.name == name) {
                None => {
                    failed = true;
                    let hint = match nearest(name, self.profiles.iter().map(|p| p.name.as_str())) {
                        Some(s) => format!(" (did you mean L\"{s}\"?)"),
                        None => String::new(),
                    };
                    self.error(
                        "open.profile_unknown",
                        Some(Clause::Open3),
                        None,
                        format!("no profile is named L\"{name}\"{hint}"),
                    );
                }
                Some(pi) => {
                    if !self.profiles[pi].caller_inside_outlook {
                        failed = true;
                        self.error("open.outside_outlook", Some(Clause::Open8), None, format!("the caller runs outside the Outlook process; HrOpenOfflineObj serves only MAPI providers, COM add-ins and Exchange client extensions loaded by Outlook (profile \"{name}\")"));
                    }
                    found = Some(pi);
                }
            },
        }
        if failed {
            self.note("open.not_found", Clause::Open11, "HrOpenOfflineObj returns MAPI_E_NOT_FOUND, the only documented failure (OPEN-7), for every broken precondition".into());
            self.leave(
                by,
                Func::HrOpenOfflineObj,
                Some(HResult::MAPI_E_NOT_FOUND),
                None,
            );
            return Ret {
                hr: HResult::MAPI_E_NOT_FOUND,
                out: None,
            };
        }
        let obj = self.profiles[found.expect("checked above")].global;
        if self.objects[obj].opened {
            self.note("open.same_object", Clause::Open10, "the profile was opened before: this is the same global object, with one more reference for the caller to release".into());
        }
        self.objects[obj].opened = true;
        let refs = self.refs_of(Target::Offline(obj)).saturating_add(1);
        self.set_refs(Target::Offline(obj), refs);
        let p = Identity::offline_ptr(obj);
        self.leave(
            by,
            Func::HrOpenOfflineObj,
            Some(HResult::S_OK),
            Some(OutValue::Ptr(p)),
        );
        Ret {
            hr: HResult::S_OK,
            out: Some(p),
        }
    }
}
