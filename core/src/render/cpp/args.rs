//! The structures a call passes, field by field: `MAPIOFFLINE_ADVISEINFO` and
//! `MAPIOFFLINE_CREATEINFO` as the client fills them for the trace's architecture.

use super::*;

impl Gen<'_> {
    pub(super) fn arch(&self) -> Arch {
        self.trace.config.arch
    }

    /// `var.field = …;` for every field of a `MAPIOFFLINE_ADVISEINFO`.
    pub(super) fn advise_fill(&self, var: &str, a: &AdviseInfo) -> Vec<String> {
        let size = self.arch().sizeof_adviseinfo();
        let callback_type = match consts::name_in(ConstGroup::CallbackType, a.callback_type) {
            Some(n) => n.to_string(),
            None => format!(
                "(MAPIOFFLINE_CALLBACK_TYPE){}",
                consts::show(ConstGroup::CallbackType, a.callback_type)
            ),
        };
        vec![
            if a.ul_size == size {
                format!("{var}.ulSize = sizeof(MAPIOFFLINE_ADVISEINFO);")
            } else {
                format!(
                    "{var}.ulSize = {}; // sizeof(MAPIOFFLINE_ADVISEINFO) is {size} on {} (ADV-4)",
                    a.ul_size,
                    arch_name(self.arch())
                )
            },
            format!("{var}.ulClientToken = {};", a.ul_client_token),
            format!("{var}.CallbackType = {callback_type};"),
            format!(
                "{var}.pCallback = {};",
                self.arg_expr(a.p_callback, Ty::Unknown)
            ),
            format!(
                "{var}.ulAdviseTypes = {};",
                consts::show(ConstGroup::AdviseType, a.ul_advise_types)
            ),
            format!(
                "{var}.ulStateMask = {};",
                consts::show(ConstGroup::StateMask, a.ul_state_mask)
            ),
        ]
    }

    /// `createInfo.field = …;` for every field (and `aggregateInfo` when it is used).
    pub(super) fn create_fill(&mut self, ci: &CreateInfo) -> Vec<String> {
        let arch = self.arch();
        let mut v = Vec::new();
        let aggregate = match &ci.p_aggregate_info {
            None => "NULL".to_string(),
            Some(ag) => {
                self.locals.aggregate_info = true;
                let size = arch.sizeof_aggregateinfo();
                v.push(if ag.ul_size == size {
                    "aggregateInfo.ulSize = sizeof(MAPIOFFLINE_AGGREGATEINFO);".to_string()
                } else {
                    format!(
                        "aggregateInfo.ulSize = {}; // sizeof(MAPIOFFLINE_AGGREGATEINFO) is {size} on {}",
                        ag.ul_size,
                        arch_name(arch)
                    )
                });
                v.push(format!(
                    "aggregateInfo.pOuterObj = {};",
                    self.arg_expr(ag.p_outer_obj, Ty::Unknown)
                ));
                v.push(format!(
                    "aggregateInfo.pRefTrackRoot = {};",
                    self.arg_expr(ag.p_ref_track_root, Ty::Unknown)
                ));
                "&aggregateInfo".to_string()
            }
        };
        let size = arch.sizeof_createinfo();
        v.push(if ci.ul_size == size {
            "createInfo.ulSize = sizeof(MAPIOFFLINE_CREATEINFO);".to_string()
        } else {
            format!(
                "createInfo.ulSize = {}; // sizeof(MAPIOFFLINE_CREATEINFO) is {size} on {}",
                ci.ul_size,
                arch_name(arch)
            )
        });
        v.push(format!(
            "createInfo.ulCreateFlags = {};",
            ci.ul_create_flags
        ));
        v.push(format!(
            "createInfo.pwszProfileName = {};",
            wide_lit(ci.pwsz_profile_name.as_deref())
        ));
        v.push(format!(
            "createInfo.ulCapabilities = {};",
            capabilities_expr(ci.ul_capabilities)
        ));
        let g = self.guid_ptr(ci.p_guid);
        v.push(format!("createInfo.pGUID = {g};"));
        let g = self.guid_ptr(ci.p_instance);
        v.push(format!("createInfo.pInstance = {g};"));
        v.push(format!(
            "createInfo.pParent = {};",
            self.arg_expr(ci.p_parent, Ty::Mgr)
        ));
        v.push(format!(
            "createInfo.pMAPISupport = {};",
            self.arg_expr(ci.p_mapi_support, Ty::Unknown)
        ));
        v.push(format!("createInfo.pAggregateInfo = {aggregate};"));
        v.push(format!(
            "createInfo.pConnectInfo = {};",
            if ci.p_connect_info == 0 {
                "NULL".to_string()
            } else {
                format!("(MAPIOFFLINE_CONNECTINFO*)0x{:X}", ci.p_connect_info)
            }
        ));
        v
    }
}
