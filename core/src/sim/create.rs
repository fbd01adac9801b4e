//! `HrCreateOfflineObj`: argument checks, aggregation and object trees (CRE-*).

use super::identity::{Identity, Target, MAX_OBJECTS};
use super::{OfflineObj, Ret, Sim};
use crate::clauses::Clause;
use crate::consts::*;
use crate::trace::*;

impl Sim {
    /// `HrCreateOfflineObj(ulFlags, pCreateInfo, ppOffline)`.
    pub fn hr_create_offline_obj(
        &mut self,
        ul_flags: u32,
        p_create_info: Option<&CreateInfo>,
        pp_offline: Out,
    ) -> Ret<Ptr> {
        let by = Caller::Client;
        self.enter(
            by,
            Call::HrCreateOfflineObj {
                ul_flags,
                p_create_info: p_create_info.cloned().map(Box::new),
                pp_offline,
            },
        );
        let (hr, out) = self.create_inner(ul_flags, p_create_info, pp_offline);
        self.leave(
            by,
            Func::HrCreateOfflineObj,
            Some(hr),
            out.map(OutValue::Ptr),
        );
        Ret { hr, out }
    }

    pub(super) fn create_inner(
        &mut self,
        ul_flags: u32,
        info: Option<&CreateInfo>,
        out: Out,
    ) -> (HResult, Option<Ptr>) {
        let mut bad = Vec::new();
        if self.ended {
            bad.push((
                "create.outlook_ended",
                Clause::Cre6,
                "Outlook has shut down".to_string(),
            ));
        }
        if ul_flags != 0 {
            bad.push((
                "create.flags",
                Clause::Cre1,
                format!("ulFlags is 0x{ul_flags:X}; it must be 0"),
            ));
        }
        if out.is_null() {
            bad.push((
                "create.out_null",
                Clause::Cre6,
                "ppOffline is NULL".to_string(),
            ));
        }
        let mut profile = None;
        let mut parent = None;
        let mut outer = None;
        match info {
            None => bad.push((
                "create.info_null",
                Clause::Cre6,
                "pCreateInfo is NULL".to_string(),
            )),
            Some(ci) => {
                let size = self.config.arch.sizeof_createinfo();
                if ci.ul_size != size {
                    bad.push(("create.size", Clause::Cre6, format!("ulSize is {}; sizeof(MAPIOFFLINE_CREATEINFO) is {size} for this {:?} client", ci.ul_size, self.config.arch)));
                }
                if ci.ul_create_flags != 0 {
                    bad.push((
                        "create.create_flags",
                        Clause::Cre1,
                        format!("ulCreateFlags is 0x{:X}; it must be 0", ci.ul_create_flags),
                    ));
                }
                if ci.p_connect_info != 0 {
                    bad.push((
                        "create.connect_info",
                        Clause::Cre1,
                        "pConnectInfo must be NULL".to_string(),
                    ));
                }
                match &ci.pwsz_profile_name {
                    None => bad.push((
                        "create.profile_null",
                        Clause::Cre6,
                        "pwszProfileName is NULL".to_string(),
                    )),
                    Some(n) => match self.profiles.iter().position(|p| &p.name == n) {
                        Some(pi) => profile = Some(pi),
                        None => bad.push((
                            "create.profile_unknown",
                            Clause::Cre6,
                            format!("no profile is named L\"{n}\""),
                        )),
                    },
                }
                // CRE-2 lets both be NULL and names no other constraint; an address the
                // simulator cannot read gives it no GUID to act on (CRE-8 needs to know
                // whether it is GUID_GlobalState), so it refuses it with CRE-6's result.
                for (field, g, code) in [
                    ("pGUID", ci.p_guid, "create.guid_unreadable"),
                    ("pInstance", ci.p_instance, "create.instance_unreadable"),
                ] {
                    if let GuidPtr::Addr(a) = g {
                        bad.push((code, Clause::Cre2, format!("{field} is 0x{a:X}, an address the simulator cannot read; the simulator's choice: it treats an unreadable address as an invalid argument (a real Outlook would read the 16 bytes found there as the GUID, or fault); pass NULL or a pointer to a GUID")));
                    }
                }
                if !ci.p_parent.is_null() {
                    match self.decode(ci.p_parent) {
                        Some(Target::Offline(p)) => {
                            if profile.is_some_and(|pi| self.objects[p].profile != pi) {
                                bad.push((
                                    "create.parent_profile",
                                    Clause::Cre3,
                                    format!("pParent {} belongs to another profile", ci.p_parent),
                                ));
                            }
                            parent = Some(p);
                        }
                        _ => bad.push((
                            "create.parent_invalid",
                            Clause::Cre3,
                            format!("pParent {} is not an offline object", ci.p_parent),
                        )),
                    }
                }
                if !ci.p_mapi_support.is_null() && self.decode(ci.p_mapi_support).is_none() {
                    bad.push((
                        "create.support_invalid",
                        Clause::Cre5,
                        format!(
                            "pMAPISupport {} is not a live object (NULL is allowed)",
                            ci.p_mapi_support
                        ),
                    ));
                }
                if let Some(ag) = &ci.p_aggregate_info {
                    let size = self.config.arch.sizeof_aggregateinfo();
                    if ag.ul_size != size {
                        bad.push(("create.aggregate_size", Clause::Cre5, format!("pAggregateInfo->ulSize is {}; sizeof(MAPIOFFLINE_AGGREGATEINFO) is {size}", ag.ul_size)));
                    }
                    if !ag.p_ref_track_root.is_null() {
                        bad.push((
                            "create.ref_track_root",
                            Clause::Cre5,
                            "pAggregateInfo->pRefTrackRoot must be NULL".to_string(),
                        ));
                    }
                    match self.decode(ag.p_outer_obj) {
                        Some(Target::Client(c)) => outer = Some(c),
                        _ => bad.push((
                            "create.outer_invalid",
                            Clause::Cre5,
                            format!(
                                "pAggregateInfo->pOuterObj {} is not a live client object",
                                ag.p_outer_obj
                            ),
                        )),
                    }
                }
            }
        }
        if !bad.is_empty() {
            for (code, clause, msg) in bad {
                self.error(code, Some(clause), None, msg);
            }
            self.note("create.invalidarg", Clause::Cre6, "the reference lists the return value as \"None\"; the simulator returns E_INVALIDARG for a broken precondition".into());
            return (HResult::E_INVALIDARG, None);
        }
        if self.objects.len() >= MAX_OBJECTS {
            self.error(
                "create.too_many",
                Some(Clause::Cre6),
                None,
                "the simulator holds at most 65536 offline objects".into(),
            );
            return (HResult::E_INVALIDARG, None);
        }
        let ci = info.expect("checked above");
        let pi = profile.expect("checked above");
        if ci.p_guid == GuidPtr::To(GUID_GLOBAL_STATE) && parent.is_none() {
            return self.create_global(pi, ci);
        }
        if ci.p_guid.is_null() {
            self.note("create.guid_null", Clause::Cre2, "pGUID and pInstance may be NULL: the reference's own example creates a store's object that way".into());
        }
        let i = self.objects.len();
        let state = match parent {
            Some(p) if self.offline_or_going(p) => MAPIOFFLINE_STATE_OFFLINE,
            _ => MAPIOFFLINE_STATE_ONLINE,
        };
        let joins = parent.is_some_and(|p| self.objects[p].state == MAPIOFFLINE_STATE_ONLINE)
            && state == MAPIOFFLINE_STATE_OFFLINE;
        self.objects.push(OfflineObj {
            profile: pi,
            parent,
            children: Vec::new(),
            is_global: false,
            outer,
            caps: ci.ul_capabilities,
            desired: MAPIOFFLINE_STATE_ONLINE,
            state,
            busy: None,
            asked_online: false,
            opened: true,
            caps_queried: false,
        });
        if let Some(p) = parent {
            self.objects[p].children.push(i);
        }
        let ptr = self.ids.add_offline();
        self.regs.add_object();
        self.push(EventKind::ObjectCreated(Box::new(ObjectCreated {
            object: ptr,
            profile: self.profiles[pi].name.clone(),
            parent: ci.p_parent,
            capabilities: ci.ul_capabilities,
            // Unreadable addresses were refused above.
            type_guid: ci.p_guid.guid(),
            instance: ci.p_instance.guid(),
            outer: outer.map(Identity::client_ptr).unwrap_or(Ptr::NULL),
            state,
        })));
        self.set_refs(Target::Offline(i), 1);
        if joins {
            self.note("create.parent_going_offline", Clause::Set12, format!("the parent {} is changing to OFFLINE: the new object starts OFFLINE, so that it never reads ONLINE under an OFFLINE parent", ci.p_parent));
        }
        if parent.is_some() {
            self.note("create.parent", Clause::Cre7, "the new object inherits its parent's changes: it is OFFLINE whenever the parent is".into());
        }
        self.note(
            "create.result",
            Clause::Cre6,
            "the reference lists the return value as \"None\"; the simulator returns S_OK".into(),
        );
        (HResult::S_OK, Some(ptr))
    }

    /// CRE-8: "create/get global offline object to use as parent" gets the profile's
    /// global object, the one `HrOpenOfflineObj` returns, with one more reference.
    fn create_global(&mut self, pi: usize, ci: &CreateInfo) -> (HResult, Option<Ptr>) {
        let g = self.profiles[pi].global;
        let ptr = Identity::offline_ptr(g);
        let refs = self.refs_of(Target::Offline(g));
        self.set_refs(Target::Offline(g), refs + 1);
        self.objects[g].opened = true;
        self.note("create.global", Clause::Cre8, format!("pGUID = &GUID_GlobalState with no pParent: the profile's global object {ptr}, the same one HrOpenOfflineObj returns, with one more reference to release"));
        if ci.ul_capabilities != self.objects[g].caps {
            self.note("create.global_caps_kept", Clause::Cre8, format!("ulCapabilities {} is not applied: the global object exists already and keeps {}", show_capabilities(ci.ul_capabilities), show_capabilities(self.objects[g].caps)));
        }
        if ci.p_aggregate_info.is_some() {
            self.note("create.global_not_aggregated", Clause::Cre8, "pAggregateInfo is not applied: the global object exists already and is not aggregated onto the outer object".into());
        }
        (HResult::S_OK, Some(ptr))
    }
}
