//! One top-level client call as C++ statements: the call through its variable, its
//! out-parameters bound, and the line's result comment once its return is read.

use super::*;

impl Gen<'_> {
    /// The statement(s) of a top-level client call; its line waits for the result.
    pub(super) fn statement(&mut self, i: usize, call: &Call) {
        let (hr, out) = self.result_of(i);
        let ok = hr == Some(HResult::S_OK);
        let out_ptr = match out {
            Some(OutValue::Ptr(p)) => Some(p),
            _ => None,
        };
        let mut out_name = None;
        let stmt = match call {
            Call::HrOpenOfflineObj(a) => {
                let pp = self.out_ptr_arg(
                    a.pp_offline_obj,
                    "pMgr",
                    Ty::Mgr,
                    out_ptr,
                    ok,
                    &mut out_name,
                );
                format!(
                    "hr = HrOpenOfflineObj({}, {}, {}, {}, {pp});",
                    a.ul_reserved,
                    wide_lit(a.pwsz_profile_name_in.as_deref()),
                    self.guid_ptr(a.p_guid),
                    self.guid_ptr(a.p_reserved)
                )
            }
            Call::QueryInterface {
                this,
                riid,
                ppv_object,
            } => {
                let (x, _) = self.this_expr(*this, Ty::Unknown);
                let (ty, base) = match riid.guid().and_then(|g| g.name()) {
                    Some("IID_IUnknown") => (Ty::Unknown, "pUnk"),
                    Some("IID_IMAPIOffline") => (Ty::Offline, "pOffline"),
                    Some("IID_IMAPIOfflineMgr") => (Ty::Mgr, "pMgr"),
                    Some("IID_IMAPIOfflineNotify") => (Ty::Notify, "pNotify"),
                    _ => (Ty::Void, "pv"),
                };
                // REFIID is a reference: a NULL or raw address is dereferenced to pass it.
                let r = match riid {
                    GuidPtr::To(g) => self.guid_name(*g),
                    GuidPtr::Null => "*(const IID*)NULL".to_string(),
                    GuidPtr::Addr(a) => format!("*(const IID*)0x{a:X}"),
                };
                let pp = self.out_ptr_arg(*ppv_object, base, ty, out_ptr, ok, &mut out_name);
                let pp = if pp == "NULL" {
                    pp
                } else {
                    format!("(void**){pp}")
                };
                format!("hr = {x}->QueryInterface({r}, {pp});")
            }
            Call::AddRef { this } => {
                let (x, v) = self.this_expr(*this, Ty::Unknown);
                if let (Some(v), Some(OutValue::RefCount(n))) = (v, out) {
                    if n > 0 {
                        self.add_ref(v);
                    }
                }
                format!("{x}->AddRef();")
            }
            Call::Release { this } => {
                let (x, v) = self.this_expr(*this, Ty::Unknown);
                if let Some(v) = v {
                    self.pvars[v].refs = self.pvars[v].refs.saturating_sub(1);
                }
                format!("{x}->Release();")
            }
            Call::SetCurrentState {
                this,
                ul_flags,
                ul_mask,
                ul_state,
                p_reserved,
            } => {
                let (x, _) = self.this_expr(*this, Ty::Offline);
                format!(
                    "hr = {x}->SetCurrentState({}, {}, {}, {});",
                    consts::show(ConstGroup::SetFlags, *ul_flags),
                    consts::show(ConstGroup::StateMask, *ul_mask),
                    consts::show(ConstGroup::State, *ul_state),
                    if *p_reserved == 0 {
                        "NULL".to_string()
                    } else {
                        format!("(void*)0x{p_reserved:X}")
                    }
                )
            }
            Call::GetCapabilities {
                this,
                pul_capabilities,
            } => {
                let (x, _) = self.this_expr(*this, Ty::Offline);
                let arg = match pul_capabilities {
                    Out::Valid => {
                        self.locals.capabilities = true;
                        out_name = Some("ulCapabilities".to_string());
                        "&ulCapabilities"
                    }
                    Out::Null => "NULL",
                };
                format!("hr = {x}->GetCapabilities({arg});")
            }
            Call::GetCurrentState { this, pul_state } => {
                let (x, _) = self.this_expr(*this, Ty::Offline);
                let arg = match pul_state {
                    Out::Valid => {
                        self.locals.state = true;
                        out_name = Some("ulState".to_string());
                        "&ulState"
                    }
                    Out::Null => "NULL",
                };
                format!("hr = {x}->GetCurrentState({arg});")
            }
            Call::Slot { this, slot } => {
                self.slot_typedef = true;
                let (x, _) = self.this_expr(*this, Ty::Offline);
                format!(
                    "hr = reinterpret_cast<PFNVTABLESLOT>((*reinterpret_cast<void***>({x}))[{slot}])({x});"
                )
            }
            Call::Advise {
                this,
                ul_flags,
                p_advise_info,
                pul_advise_token,
            } => {
                let (x, _) = self.this_expr(*this, Ty::Mgr);
                let info = match p_advise_info {
                    None => "NULL",
                    Some(a) => {
                        self.locals.advise_info = true;
                        for l in self.advise_fill("adviseInfo", a) {
                            self.line(l);
                        }
                        "&adviseInfo"
                    }
                };
                let token = match pul_advise_token {
                    Out::Null => "NULL".to_string(),
                    Out::Valid => {
                        let t = self
                            .tvars
                            .iter()
                            .position(|t| !t.from_notify && t.value.is_none())
                            .unwrap_or_else(|| self.fresh_tvar("ulAdviseToken", false));
                        if let (true, Some(OutValue::Ulong(v)), Some(a)) = (ok, out, p_advise_info)
                        {
                            self.tvars[t].value = Some(v);
                            self.tvars[t].active = true;
                            self.registrations
                                .entry(a.p_callback)
                                .or_default()
                                .push((t, a.ul_client_token));
                        }
                        out_name = Some(self.tvars[t].name.clone());
                        format!("&{}", self.tvars[t].name)
                    }
                };
                format!(
                    "hr = {x}->Advise({}, {info}, {token});",
                    consts::show(ConstGroup::AdviseFlags, *ul_flags)
                )
            }
            Call::Unadvise {
                this,
                ul_flags,
                ul_advise_token,
            } => {
                let (x, _) = self.this_expr(*this, Ty::Mgr);
                let token = match self.tvar_holding(*ul_advise_token) {
                    Some(t) => {
                        self.tvars[t].active = false;
                        self.tvars[t].name.clone()
                    }
                    None => ul_advise_token.to_string(),
                };
                format!(
                    "hr = {x}->Unadvise({}, {token});",
                    consts::show(ConstGroup::UnadviseFlags, *ul_flags)
                )
            }
            Call::HrCreateOfflineObj {
                ul_flags,
                p_create_info,
                pp_offline,
            } => {
                let info = match p_create_info {
                    None => "NULL",
                    Some(ci) => {
                        self.locals.create_info = true;
                        for l in self.create_fill(ci) {
                            self.line(l);
                        }
                        "&createInfo"
                    }
                };
                let pp = self.out_ptr_arg(*pp_offline, "pMgr", Ty::Mgr, out_ptr, ok, &mut out_name);
                format!("hr = HrCreateOfflineObj({ul_flags}, {info}, {pp});")
            }
        };
        self.line(stmt);
        self.open = Some(Open {
            line: self.body.len() - 1,
            func: call.func(),
            out_name,
            tags: Vec::new(),
        });
    }

    /// `&pMgr` (binding the variable to what the call wrote) or `NULL`.
    pub(super) fn out_ptr_arg(
        &mut self,
        o: Out,
        base: &str,
        ty: Ty,
        result: Option<Ptr>,
        ok: bool,
        out_name: &mut Option<String>,
    ) -> String {
        match o {
            Out::Null => "NULL".into(),
            Out::Valid => {
                let v = self.out_pvar(base, ty, result);
                if ok && result.is_some_and(|p| !p.is_null()) {
                    self.add_ref(v);
                }
                *out_name = Some(self.pvars[v].name.clone());
                format!("&{}", self.pvars[v].name)
            }
        }
    }

    /// Appends the result comment to the waiting line.
    pub(super) fn close(&mut self, hr: Option<HResult>, out: &Option<OutValue>) {
        let Some(o) = self.open.take() else {
            return;
        };
        let mut c = String::new();
        if let Some(hr) = hr {
            let _ = write!(c, "{hr}");
        }
        let what = match out {
            Some(OutValue::Ptr(p)) => o
                .out_name
                .as_ref()
                .map(|n| format!("{n} = {}", self.d.ptr(*p).plain())),
            Some(OutValue::Ulong(v)) => {
                let shown = match o.func {
                    Func::GetCapabilities => consts::show_capabilities(*v),
                    Func::GetCurrentState => crate::render::describe::show_ulong(o.func, *v),
                    _ => v.to_string(),
                };
                Some(match &o.out_name {
                    Some(n) => format!("{n} = {shown}"),
                    None => shown,
                })
            }
            Some(OutValue::RefCount(n)) => Some(format!("reference count {n}")),
            None => None,
        };
        if let Some(w) = what {
            if !c.is_empty() {
                c.push_str(", ");
            }
            c.push_str(&w);
        }
        if !o.tags.is_empty() {
            if !c.is_empty() {
                c.push_str("; ");
            }
            c.push_str(&o.tags.join(", "));
        }
        if !c.is_empty() {
            let line = &mut self.body[o.line];
            let _ = write!(line, " // {}", comment_text(&c));
        }
    }
}
