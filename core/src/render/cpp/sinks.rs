//! The client's own COM classes: one C++ class per sink the trace declares, with its
//! `IUnknown`, its `Notify` and the calls it makes from inside `Notify`.

use super::*;

impl<'a> Gen<'a> {
    /// The class of client object `s`.
    pub(super) fn class_def(&mut self, s: usize) -> String {
        let info = self.sinks[s].info.clone();
        let class = self.sinks[s].class.clone();
        let notify = info.implements_notify;
        let base = if notify {
            "IMAPIOfflineNotify"
        } else {
            "IUnknown"
        };
        let mut iids: Vec<String> = vec!["IID_IUnknown".into()];
        if notify {
            iids.push("IID_IMAPIOfflineNotify".into());
        }
        for g in &info.interfaces {
            let n = self.guid_name(*g);
            if !iids.contains(&n) {
                iids.push(n);
            }
        }
        let once: Vec<usize> = if notify {
            info.reactions
                .iter()
                .enumerate()
                .filter(|(_, r)| r.once)
                .map(|(k, _)| k)
                .collect()
        } else {
            Vec::new()
        };

        let mut o = String::new();
        let _ = writeln!(
            o,
            "// Client object {} at {}: {}.",
            comment_text(&format!("\"{}\"", info.name)),
            info.object,
            if notify {
                if info.validates_notify {
                    "implements IMAPIOfflineNotify"
                } else {
                    "implements IMAPIOfflineNotify, but does not check NotifyType and ulMask (NTF-5)"
                }
            } else {
                "does not implement IMAPIOfflineNotify"
            }
        );
        if notify {
            for r in &info.reactions {
                let _ = writeln!(o, "// In Notify: {}", comment_text(&r.to_string()));
            }
        }
        let _ = writeln!(o, "class {class} : public {base}");
        o.push_str("{\npublic:\n");
        let mut init = vec!["m_cRef(1)".to_string()];
        if notify {
            init.push("m_ulStateOld(0)".into());
            init.push("m_ulStateNew(0)".into());
        }
        for k in &once {
            init.push(format!("m_bFired{k}(false)"));
        }
        let _ = writeln!(o, "    {class}() : {} {{}}", init.join(", "));
        let _ = writeln!(o, "    virtual ~{class}() {{}}");
        o.push_str("\n    // IUnknown\n");
        o.push_str("    STDMETHODIMP QueryInterface(REFIID riid, void** ppvObject)\n    {\n");
        o.push_str("        if (ppvObject == NULL)\n            return E_INVALIDARG;\n");
        let cond: Vec<String> = iids
            .iter()
            .map(|n| format!("IsEqualIID(riid, {n})"))
            .collect();
        let _ = writeln!(o, "        if ({})", cond.join(" ||\n            "));
        o.push_str("        {\n");
        let _ = writeln!(o, "            *ppvObject = static_cast<{base}*>(this);");
        o.push_str("            AddRef();\n            return S_OK;\n        }\n");
        o.push_str("        *ppvObject = NULL;\n        return E_NOINTERFACE;\n    }\n");
        o.push_str(
            "    STDMETHODIMP_(ULONG) AddRef()\n    {\n        return (ULONG)InterlockedIncrement(&m_cRef);\n    }\n",
        );
        o.push_str("    STDMETHODIMP_(ULONG) Release()\n    {\n        const ULONG cRef = (ULONG)InterlockedDecrement(&m_cRef);\n        if (cRef == 0)\n            delete this;\n        return cRef;\n    }\n");
        if notify {
            o.push_str("\n    // IMAPIOfflineNotify\n");
            o.push_str(
                "    void STDMETHODCALLTYPE Notify(const MAPIOFFLINE_NOTIFY* pNotifyInfo);\n",
            );
        }
        o.push_str("\nprivate:\n    LONG m_cRef;\n");
        if notify {
            o.push_str("    ULONG m_ulStateOld; // the last change this sink was told about\n");
            o.push_str("    ULONG m_ulStateNew;\n");
        }
        for k in &once {
            let _ = writeln!(
                o,
                "    bool m_bFired{k}; // reaction {} runs only once",
                k + 1
            );
        }
        o.push_str("};\n");
        o
    }

    /// The definition of `Notify` for client object `s` (a notify sink).
    pub(super) fn notify_def(&self, s: usize) -> String {
        let info = &self.sinks[s].info;
        let class = &self.sinks[s].class;
        let mut o = String::new();
        let _ = writeln!(
            o,
            "void STDMETHODCALLTYPE {class}::Notify(const MAPIOFFLINE_NOTIFY* pNotifyInfo)\n{{"
        );
        o.push_str("    if (pNotifyInfo == NULL)\n        return;\n");
        if info.validates_notify {
            o.push_str(concat!(
                "    // NTF-5: Info is a StateChange only when NotifyType is one of the three\n",
                "    // STATECHANGE values, and it describes the online/offline state only when\n",
                "    // ulMask is MAPIOFFLINE_STATE_OFFLINE_MASK. Ignore anything else (NTF-6, GEN-4).\n",
                "    const bool bStateChange =\n",
                "        (pNotifyInfo->NotifyType == MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START ||\n",
                "         pNotifyInfo->NotifyType == MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE ||\n",
                "         pNotifyInfo->NotifyType == MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE) &&\n",
                "        pNotifyInfo->Info.StateChange.ulMask == MAPIOFFLINE_STATE_OFFLINE_MASK;\n",
                "    if (!bStateChange)\n",
                "        return;\n",
            ));
        } else {
            o.push_str(concat!(
                "    // This sink does not check NotifyType and ulMask first (NTF-5): it reads\n",
                "    // Info.StateChange even of notifications it must ignore (NTF-6, R6).\n",
            ));
        }
        o.push_str("    m_ulStateOld = pNotifyInfo->Info.StateChange.ulStateOld;\n");
        o.push_str("    m_ulStateNew = pNotifyInfo->Info.StateChange.ulStateNew;\n");
        for (k, r) in info.reactions.iter().enumerate() {
            o.push('\n');
            for l in self.reaction_code(s, k, r) {
                let _ = writeln!(o, "    {l}");
            }
        }
        o.push_str("}\n");
        o
    }

    /// The code of reaction `k` of client object `s`, as lines of `Notify`'s body.
    pub(super) fn reaction_code(&self, s: usize, k: usize, r: &Reaction) -> Vec<String> {
        let mut v = vec![format!(
            "// Reaction {}: {} (NTF-8: calls from inside Notify are allowed)",
            k + 1,
            comment_text(&r.to_string())
        )];
        let mut cond = Vec::new();
        if let Some(t) = r.on {
            cond.push(format!(
                "pNotifyInfo->NotifyType == {}",
                notify_type_expr(t)
            ));
        }
        if r.once {
            cond.push(format!("!m_bFired{k}"));
        }
        if cond.is_empty() {
            v.push("{".into());
        } else {
            v.push(format!("if ({})", cond.join(" && ")));
            v.push("{".into());
        }
        let mut body = Vec::new();
        if r.once {
            body.push(format!("m_bFired{k} = true;"));
        }
        match &r.action {
            Action::Call(c) => self.call_code(s, k, c, &mut body),
            Action::Unadvise { mgr, token } => {
                let (x, _) = self.this_expr(*mgr, Ty::Mgr);
                let tok = match token {
                    Some(t) => match self.tvar_holding(*t) {
                        Some(i) => self.tvars[i].name.clone(),
                        None => t.to_string(),
                    },
                    None => self.own_token(s, &mut body),
                };
                body.push(format!(
                    "{x}->Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, {tok});"
                ));
            }
            Action::SetCurrentState {
                this,
                flags,
                mask,
                state,
            } => {
                let (x, _) = self.this_expr(*this, Ty::Offline);
                body.push(format!(
                    "{x}->SetCurrentState({}, {}, {}, NULL); // E_PENDING while a change is in progress (SET-3, R5)",
                    consts::show(ConstGroup::SetFlags, *flags),
                    consts::show(ConstGroup::StateMask, *mask),
                    consts::show(ConstGroup::State, *state)
                ));
            }
            Action::Advise {
                mgr,
                sink,
                client_token,
            } => {
                let (x, _) = self.this_expr(*mgr, Ty::Mgr);
                let info = AdviseInfo {
                    ul_size: self.arch().sizeof_adviseinfo(),
                    ul_client_token: *client_token,
                    callback_type: consts::MAPIOFFLINE_CALLBACK_TYPE_NOTIFY,
                    p_callback: *sink,
                    ul_advise_types: consts::MAPIOFFLINE_ADVISE_TYPE_STATECHANGE,
                    ul_state_mask: consts::MAPIOFFLINE_STATE_ALL,
                };
                body.push("MAPIOFFLINE_ADVISEINFO adviseInfo = {};".into());
                body.extend(self.advise_fill("adviseInfo", &info));
                let tok = match self.sinks[s].reaction_tokens.get(&k) {
                    Some(&t) => format!("&{}", self.tvars[t].name),
                    None => "NULL".into(),
                };
                body.push(format!(
                    "{x}->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &adviseInfo, {tok});"
                ));
            }
            Action::Release { this } => {
                let (x, _) = self.this_expr(*this, Ty::Unknown);
                body.push(format!("{x}->Release();"));
            }
            Action::GetCurrentState { this } => {
                let (x, _) = self.this_expr(*this, Ty::Offline);
                body.push("ULONG ulState = 0;".into());
                body.push(format!("{x}->GetCurrentState(&ulState);"));
            }
        }
        v.extend(body.into_iter().map(|l| format!("    {l}")));
        v.push("}".into());
        v
    }

    /// The C++ of a reaction's call as written. Names other than `own` and `self` are
    /// the scenario's variables, read when the reaction fires: they are written as the
    /// value they had the first time it fired in this trace, with the name in a comment.
    fn call_code(&self, s: usize, k: usize, c: &ReactionCall, body: &mut Vec<String>) {
        let fired = self.fired.get(&(s, reaction_func(c) as u8));
        let got = fired.map(fired_args).unwrap_or_default();
        let mut n = 0;
        let mut arg = |a: &Arg, kind: Kind, body: &mut Vec<String>| {
            let v = got.get(n).copied();
            n += 1;
            self.arg_code(s, a, v, kind, body)
        };
        // The sink's own IUnknown methods are plain calls on `this`.
        let own_iunknown = *c.this() == Arg::Name("self".into())
            && matches!(
                c,
                ReactionCall::AddRef { .. }
                    | ReactionCall::Release { .. }
                    | ReactionCall::QueryInterface { .. }
            );
        let x = if own_iunknown {
            "this".to_string()
        } else {
            arg(c.this(), Kind::This, body)
        };
        let line = match c {
            ReactionCall::QueryInterface {
                riid, ppv_object, ..
            } => {
                // REFIID is a reference: a NULL or raw address is dereferenced to pass it.
                let iid = match riid {
                    GuidPtr::Null => "*(const IID*)NULL".to_string(),
                    GuidPtr::Addr(a) => format!("*(const IID*)0x{a:X}"),
                    GuidPtr::To(g) => g.name().map_or_else(
                        || {
                            self.guids
                                .get(g)
                                .cloned()
                                .unwrap_or_else(|| "IID_IUnknown".into())
                        },
                        str::to_string,
                    ),
                };
                let out = if *ppv_object == OutArg::Null {
                    "NULL".to_string()
                } else {
                    body.push("void* pv = NULL;".into());
                    "&pv".to_string()
                };
                format!("{x}->QueryInterface({iid}, {out});")
            }
            ReactionCall::AddRef { .. } => format!("{x}->AddRef();"),
            ReactionCall::Release { .. } => format!("{x}->Release();"),
            ReactionCall::SetCurrentState {
                ul_flags,
                ul_mask,
                ul_state,
                p_reserved,
                ..
            } => {
                let f = arg(ul_flags, Kind::Group(ConstGroup::SetFlags), body);
                let m = arg(ul_mask, Kind::Group(ConstGroup::StateMask), body);
                let st = arg(ul_state, Kind::Group(ConstGroup::State), body);
                let r = arg(p_reserved, Kind::Reserved, body);
                format!("{x}->SetCurrentState({f}, {m}, {st}, {r}); // E_PENDING while a change is in progress (SET-3, R5)")
            }
            ReactionCall::GetCapabilities {
                pul_capabilities, ..
            } => {
                let out = if *pul_capabilities == OutArg::Null {
                    "NULL".to_string()
                } else {
                    body.push("ULONG ulCapabilities = 0;".into());
                    "&ulCapabilities".to_string()
                };
                format!("{x}->GetCapabilities({out});")
            }
            ReactionCall::GetCurrentState { pul_state, .. } => {
                let out = if *pul_state == OutArg::Null {
                    "NULL".to_string()
                } else {
                    body.push("ULONG ulState = 0;".into());
                    "&ulState".to_string()
                };
                format!("{x}->GetCurrentState({out});")
            }
            ReactionCall::Slot { slot, .. } => format!(
                "((PFNVTABLESLOT)(*(void***){x})[{slot}])({x}); // a placeholder slot (OFF-3, R7)"
            ),
            ReactionCall::Advise {
                ul_flags,
                p_advise_info,
                pul_advise_token,
                ..
            } => {
                let f = arg(ul_flags, Kind::Group(ConstGroup::AdviseFlags), body);
                let info = match p_advise_info {
                    None => "NULL".to_string(),
                    Some(a) => {
                        body.push("MAPIOFFLINE_ADVISEINFO adviseInfo = {};".into());
                        let size = arg(&a.ul_size, Kind::Plain, body);
                        let size =
                            if a.ul_size == Arg::Num(u64::from(self.arch().sizeof_adviseinfo())) {
                                "sizeof(MAPIOFFLINE_ADVISEINFO)".to_string()
                            } else {
                                format!(
                                    "{size}; // sizeof(MAPIOFFLINE_ADVISEINFO) is {} here (ADV-4)",
                                    self.arch().sizeof_adviseinfo()
                                )
                            };
                        body.push(format!("adviseInfo.ulSize = {size};"));
                        let t = arg(&a.ul_client_token, Kind::Plain, body);
                        body.push(format!("adviseInfo.ulClientToken = {t};"));
                        let ct = arg(
                            &a.callback_type,
                            Kind::Group(ConstGroup::CallbackType),
                            body,
                        );
                        body.push(format!(
                            "adviseInfo.CallbackType = (MAPIOFFLINE_CALLBACK_TYPE){ct};"
                        ));
                        let cb = arg(&a.p_callback, Kind::Ptr, body);
                        body.push(format!("adviseInfo.pCallback = {cb};"));
                        let at = arg(
                            &a.ul_advise_types,
                            Kind::Group(ConstGroup::AdviseType),
                            body,
                        );
                        body.push(format!("adviseInfo.ulAdviseTypes = {at};"));
                        let sm = arg(&a.ul_state_mask, Kind::Group(ConstGroup::StateMask), body);
                        body.push(format!("adviseInfo.ulStateMask = {sm};"));
                        "&adviseInfo".to_string()
                    }
                };
                let tok = match (pul_advise_token, self.sinks[s].reaction_tokens.get(&k)) {
                    (OutArg::Null, _) | (_, None) => "NULL".to_string(),
                    (_, Some(&t)) => format!("&{}", self.tvars[t].name),
                };
                format!("{x}->Advise({f}, {info}, {tok});")
            }
            ReactionCall::Unadvise {
                ul_flags,
                ul_advise_token,
                ..
            } => {
                let f = arg(ul_flags, Kind::Group(ConstGroup::UnadviseFlags), body);
                let t = arg(ul_advise_token, Kind::Token, body);
                format!("{x}->Unadvise({f}, {t});")
            }
        };
        body.push(line);
    }

    /// One argument of a reaction's call; `fired` is its value when the reaction fired.
    fn arg_code(
        &self,
        s: usize,
        a: &Arg,
        fired: Option<u64>,
        kind: Kind,
        body: &mut Vec<String>,
    ) -> String {
        let value = |n: u64| -> String {
            match kind {
                Kind::This => self.this_expr(Ptr(n as u32), Ty::Mgr).0,
                Kind::Ptr => self.arg_expr(Ptr(n as u32), Ty::Unknown),
                Kind::Group(g) => consts::show(g, n as u32),
                Kind::Token => match self.tvar_holding(n as u32) {
                    Some(i) => self.tvars[i].name.clone(),
                    None => n.to_string(),
                },
                Kind::Plain => n.to_string(),
                Kind::Reserved if n == 0 => "NULL".into(),
                Kind::Reserved => format!("(void*)0x{n:X}"),
            }
        };
        match a {
            Arg::Num(n) => value(*n),
            Arg::Name(x) if x == "self" => match kind {
                Kind::This => "((IMAPIOfflineMgr*)(IUnknown*)this)".into(),
                Kind::Ptr => "(IUnknown*)this".into(),
                _ => "(ULONG)(ULONG_PTR)this".into(),
            },
            Arg::Name(x) if x == "own" => self.own_token(s, body),
            Arg::Name(x) => match fired {
                Some(v) => format!("{} /* {} */", value(v), comment_text(x)),
                None => format!(
                    "{} /* {}: not bound when the reaction fired */",
                    value(0),
                    comment_text(x)
                ),
            },
        }
    }

    /// The advise token of the registration being notified: `Notify` knows only the
    /// `ulClientToken` (ADV-5), so with several registrations it picks by that.
    pub(super) fn own_token(&self, s: usize, body: &mut Vec<String>) -> String {
        let sink = self.sinks[s].info.object;
        let mut regs: Vec<(usize, u32)> = Vec::new();
        for &(t, ct) in self
            .registrations
            .get(&sink)
            .map(Vec::as_slice)
            .unwrap_or(&[])
        {
            if !regs.iter().any(|&(t2, ct2)| t2 == t || ct2 == ct) {
                regs.push((t, ct));
            }
        }
        match regs.as_slice() {
            [] => "0 /* this sink is never registered in the trace */".into(),
            [(t, _)] => self.tvars[*t].name.clone(),
            _ => {
                body.push(
                    "ULONG ulToken = 0; // the registration being notified, by its ulClientToken (ADV-5)"
                        .into(),
                );
                for (n, (t, ct)) in regs.iter().enumerate() {
                    body.push(format!(
                        "{}if (pNotifyInfo->ulClientToken == {ct})",
                        if n == 0 { "" } else { "else " }
                    ));
                    body.push(format!("    ulToken = {};", self.tvars[*t].name));
                }
                "ulToken".into()
            }
        }
    }

    // ------------------------------------------------------------------ the file
}

/// What an argument of a reaction's call is, for writing its value.
#[derive(Clone, Copy)]
enum Kind {
    This,
    Ptr,
    Group(ConstGroup),
    Token,
    Plain,
    Reserved,
}

fn reaction_func(c: &ReactionCall) -> Func {
    match c {
        ReactionCall::QueryInterface { .. } => Func::QueryInterface,
        ReactionCall::AddRef { .. } => Func::AddRef,
        ReactionCall::Release { .. } => Func::Release,
        ReactionCall::SetCurrentState { .. } => Func::SetCurrentState,
        ReactionCall::GetCapabilities { .. } => Func::GetCapabilities,
        ReactionCall::GetCurrentState { .. } => Func::GetCurrentState,
        ReactionCall::Slot { .. } => Func::Slot,
        ReactionCall::Advise { .. } => Func::Advise,
        ReactionCall::Unadvise { .. } => Func::Unadvise,
    }
}

/// A recorded call's arguments in the order `call_code` reads a reaction's.
fn fired_args(c: &Call) -> Vec<u64> {
    match c {
        Call::SetCurrentState {
            this,
            ul_flags,
            ul_mask,
            ul_state,
            p_reserved,
        } => vec![
            this.0.into(),
            (*ul_flags).into(),
            (*ul_mask).into(),
            (*ul_state).into(),
            *p_reserved,
        ],
        Call::Advise {
            this,
            ul_flags,
            p_advise_info,
            ..
        } => {
            let mut v = vec![this.0.into(), (*ul_flags).into()];
            if let Some(a) = p_advise_info {
                v.extend(
                    [
                        a.ul_size,
                        a.ul_client_token,
                        a.callback_type,
                        a.p_callback.0,
                        a.ul_advise_types,
                        a.ul_state_mask,
                    ]
                    .map(u64::from),
                );
            }
            v
        }
        Call::Unadvise {
            this,
            ul_flags,
            ul_advise_token,
        } => vec![this.0.into(), (*ul_flags).into(), (*ul_advise_token).into()],
        Call::QueryInterface { this, .. }
        | Call::AddRef { this }
        | Call::Release { this }
        | Call::GetCapabilities { this, .. }
        | Call::GetCurrentState { this, .. }
        | Call::Slot { this, .. } => vec![this.0.into()],
        Call::HrOpenOfflineObj(_) | Call::HrCreateOfflineObj { .. } => Vec::new(),
    }
}
