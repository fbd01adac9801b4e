//! The client's variables: names given once (`pMgr`, `pMgr2`…), the variable that holds a
//! pointer with the right interface, and how a pointer is written when none does.

use super::*;

impl Gen<'_> {
    /// `base`, then `base2`, `base3`… (never a name already given).
    pub(super) fn next_name(&mut self, base: &str) -> String {
        loop {
            let n = self.counters.entry(base.to_string()).or_insert(0);
            *n += 1;
            let name = if *n == 1 {
                base.to_string()
            } else {
                format!("{base}{n}")
            };
            let taken = self.pvars.iter().any(|v| v.name == name)
                || self.tvars.iter().any(|t| t.name == name);
            if !taken {
                return name;
            }
        }
    }

    pub(super) fn fresh_pvar(&mut self, base: &str, ty: Ty) -> usize {
        let name = self.next_name(base);
        self.pvars.push(PVar {
            name,
            ty,
            value: Ptr::NULL,
            refs: 0,
            stamp: 0,
        });
        self.pvars.len() - 1
    }

    pub(super) fn fresh_tvar(&mut self, base: &str, from_notify: bool) -> usize {
        let name = self.next_name(base);
        self.tvars.push(TVar {
            name,
            value: None,
            active: false,
            from_notify,
        });
        self.tvars.len() - 1
    }

    pub(super) fn guid_name(&mut self, g: Guid) -> String {
        if let Some(n) = g.name() {
            return n.to_string();
        }
        self.guids
            .entry(g)
            .or_insert_with(|| {
                let d = &g.data4;
                format!(
                    "GUID_{:08X}_{:04X}_{:04X}_{:02X}{:02X}_{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}",
                    g.data1, g.data2, g.data3, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]
                )
            })
            .clone()
    }

    /// `&GUID_GlobalState`, `&GUID_…`, `NULL` or `(const GUID*)0x1234`, for a
    /// `const GUID*` argument.
    pub(super) fn guid_ptr(&mut self, g: GuidPtr) -> String {
        match g {
            GuidPtr::To(g) => format!("&{}", self.guid_name(g)),
            GuidPtr::Null => "NULL".into(),
            GuidPtr::Addr(a) => format!("(const GUID*)0x{a:X}"),
        }
    }

    pub(super) fn ty_name(&self, ty: Ty) -> String {
        match ty {
            Ty::Unknown => "IUnknown".into(),
            Ty::Offline => "IMAPIOffline".into(),
            Ty::Mgr => "IMAPIOfflineMgr".into(),
            Ty::Notify => "IMAPIOfflineNotify".into(),
            Ty::Void => "void".into(),
            Ty::Sink(i) => self.sinks[i].class.clone(),
        }
    }

    /// Whether a `ty*` converts implicitly to a `want*`.
    pub(super) fn converts(&self, ty: Ty, want: Ty) -> bool {
        match want {
            Ty::Void => true,
            Ty::Unknown => ty != Ty::Void,
            Ty::Offline => matches!(ty, Ty::Offline | Ty::Mgr),
            Ty::Mgr => ty == Ty::Mgr,
            Ty::Notify => match ty {
                Ty::Notify => true,
                Ty::Sink(i) => self.sinks[i].info.implements_notify,
                _ => false,
            },
            Ty::Sink(j) => ty == Ty::Sink(j),
        }
    }

    /// The variable best suited to reach `p` as a `want`: one that holds `p`, converts, and
    /// still holds a reference (the most recent such), else one that holds `p` and
    /// converts, else any that holds `p` (with `false`: a cast is needed).
    pub(super) fn var_for(&self, p: Ptr, want: Ty) -> Option<(usize, bool)> {
        if p.is_null() {
            return None;
        }
        let holding = || self.pvars.iter().enumerate().filter(|(_, v)| v.value == p);
        let best = |live: bool| {
            holding()
                .filter(|(_, v)| self.converts(v.ty, want) && (!live || v.refs > 0))
                .max_by_key(|(i, v)| (v.stamp, *i))
                .map(|(i, _)| i)
        };
        if let Some(i) = best(true).or_else(|| best(false)) {
            return Some((i, true));
        }
        holding()
            .max_by_key(|(i, v)| (v.refs > 0, v.stamp, *i))
            .map(|(i, _)| (i, false))
    }

    /// The object expression a method is called on: `pMgr`, `((IMAPIOfflineMgr*)pOffline)`,
    /// `((IMAPIOfflineMgr*)NULL)`, `((IMAPIOfflineMgr*)0x00001234)`.
    pub(super) fn this_expr(&self, p: Ptr, want: Ty) -> (String, Option<usize>) {
        match self.var_for(p, want) {
            Some((i, true)) => (self.pvars[i].name.clone(), Some(i)),
            Some((i, false)) => (
                format!("(({}*){})", self.ty_name(want), self.pvars[i].name),
                Some(i),
            ),
            None => (format!("((IMAPIOfflineMgr*){p})"), None),
        }
    }

    /// A pointer argument or field of type `want*`: `NULL`, a variable, or a cast.
    pub(super) fn arg_expr(&self, p: Ptr, want: Ty) -> String {
        if p.is_null() {
            return "NULL".into();
        }
        match self.var_for(p, want) {
            Some((i, true)) => self.pvars[i].name.clone(),
            Some((i, false)) => format!("({}*){}", self.ty_name(want), self.pvars[i].name),
            None => format!("({}*){p}", self.ty_name(want)),
        }
    }

    /// The variable an out-parameter of type `ty` names: the one already holding the
    /// returned pointer, else one still empty, else a new one.
    pub(super) fn out_pvar(&mut self, base: &str, ty: Ty, result: Option<Ptr>) -> usize {
        let found = match result.filter(|p| !p.is_null()) {
            Some(p) => self
                .pvars
                .iter()
                .position(|v| v.ty == ty && v.value == p)
                .or_else(|| {
                    self.pvars
                        .iter()
                        .position(|v| v.ty == ty && v.value.is_null())
                }),
            None => self
                .pvars
                .iter()
                .position(|v| v.ty == ty && v.value.is_null()),
        };
        let i = match found {
            Some(i) => i,
            None => self.fresh_pvar(base, ty),
        };
        if let Some(p) = result {
            self.pvars[i].value = p;
        }
        i
    }

    pub(super) fn add_ref(&mut self, var: usize) {
        self.stamp += 1;
        self.pvars[var].refs += 1;
        self.pvars[var].stamp = self.stamp;
    }

    /// The token variable that holds `token` (an active one first).
    pub(super) fn tvar_holding(&self, token: u32) -> Option<usize> {
        let holding = |active: bool| {
            self.tvars
                .iter()
                .rposition(|t| t.value == Some(token) && (!active || t.active))
        };
        holding(true).or_else(|| holding(false))
    }

    pub(super) fn sink_index(&self, p: Ptr) -> Option<usize> {
        self.sinks.iter().position(|s| s.info.object == p)
    }
}
