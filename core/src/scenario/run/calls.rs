//! A call statement: its arity, `vtbl[N](…)` as the method in slot N, and the raw call
//! it makes on the simulator, binding what it writes.

use super::*;

impl Runner {
    pub(super) fn arity(&self, c: &CallExpr, n: usize, signature: &str) -> Result<(), RunError> {
        if c.args.len() == n {
            Ok(())
        } else {
            self.fail(
                format!("{} takes {n} argument(s), not {}", c.method, c.args.len()),
                Some(signature.to_string()),
            )
        }
    }

    /// `p->vtbl[N](args…)` as the method in slot N, when the arguments are that method's:
    /// the call behaves exactly like the method called by name. `None`: a raw slot call
    /// (a placeholder, one beyond the vtable, or a method's slot called without arguments,
    /// which the simulator answers per OFF-2/OFF-3).
    pub(super) fn slot_method(&self, c: &CallExpr) -> Result<Option<CallExpr>, RunError> {
        let slot = self.u32(&c.args[0])?;
        let args = &c.args[1..];
        // The methods' slots and arities are the simulator's (`sim::VTABLE`).
        let arity = VTABLE
            .get(slot as usize)
            .and_then(|s| Some((s.name, s.arity?)));
        match arity {
            Some((m, n)) if args.len() == n => Ok(Some(CallExpr {
                this: c.this.clone(),
                method: m.to_string(),
                args: args.to_vec(),
                col: c.col,
            })),
            Some(_) if args.is_empty() => Ok(None),
            Some((m, n)) => self.fail(
                format!(
                    "slot {slot} is {m}, which takes {n} argument(s), not {}",
                    args.len()
                ),
                Some(format!(
                    "write vtbl[{slot}] with {m}'s {n} argument(s), or call it by name"
                )),
            ),
            None if args.is_empty() => Ok(None),
            None => self.fail(
                format!(
                    "slot {slot} is a placeholder (or beyond the vtable): it takes no arguments"
                ),
                Some(format!("write vtbl[{slot}]()")),
            ),
        }
    }

    pub(super) fn bind(&mut self, out: OutParam, value: Option<Value>) {
        if let (Some(name), Some(v)) = (out.bind, value) {
            self.sim().set_name(name, v);
        }
    }

    pub(super) fn call(&mut self, c: &CallExpr) -> Result<(), RunError> {
        let this = match &c.this {
            Some(t) => Some(self.ptr(t)?),
            None => None,
        };
        let hr = match (this, c.method.as_str()) {
            (None, "HrOpenOfflineObj") => {
                self.arity(c, 5, "HrOpenOfflineObj(ulReserved, pwszProfileNameIn, pGUID, pReserved, &ppOfflineObj)")?;
                let (a, name, g, r, out) = (
                    self.u32(&c.args[0])?,
                    self.string(&c.args[1])?,
                    self.guid(&c.args[2])?,
                    self.guid(&c.args[3])?,
                    self.out(&c.args[4])?,
                );
                let ret = self
                    .sim()
                    .hr_open_offline_obj(a, name.as_deref(), g, r, out.out);
                self.bind(out, ret.out.map(Value::Ptr));
                Some(ret.hr)
            }
            (None, "HrCreateOfflineObj") => {
                self.arity(
                    c,
                    3,
                    "HrCreateOfflineObj(ulFlags, &{…} or NULL, &ppOffline)",
                )?;
                let (flags, info, out) = (
                    self.u32(&c.args[0])?,
                    self.create_info(&c.args[1])?,
                    self.out(&c.args[2])?,
                );
                let ret = self
                    .sim()
                    .hr_create_offline_obj(flags, info.as_ref(), out.out);
                self.bind(out, ret.out.map(Value::Ptr));
                Some(ret.hr)
            }
            (None, f) => {
                let hint = nearest(f, ["HrOpenOfflineObj", "HrCreateOfflineObj"])
                    .map(|s| format!("did you mean `{s}`?"));
                return self.fail(format!("`{f}` is not a function of the API; methods are called as pointer->Method(…)"), hint);
            }
            (Some(p), "QueryInterface") => {
                self.arity(c, 2, "QueryInterface(riid, &ppvObject)")?;
                let (iid, out) = (self.guid(&c.args[0])?, self.out(&c.args[1])?);
                let ret = self.sim().query_interface(p, iid, out.out);
                self.bind(out, ret.out.map(Value::Ptr));
                Some(ret.hr)
            }
            (Some(p), "AddRef") => {
                self.arity(c, 0, "AddRef()")?;
                self.sim().add_ref(p);
                None
            }
            (Some(p), "Release") => {
                self.arity(c, 0, "Release()")?;
                self.sim().release(p);
                None
            }
            (Some(p), "SetCurrentState") => {
                self.arity(c, 4, "SetCurrentState(ulFlags, ulMask, ulState, pReserved)")?;
                let (f, m, s, r) = (
                    self.u32(&c.args[0])?,
                    self.u32(&c.args[1])?,
                    self.u32(&c.args[2])?,
                    self.u64(&c.args[3])?,
                );
                Some(self.sim().set_current_state(p, f, m, s, r))
            }
            (Some(p), "GetCapabilities") => {
                self.arity(c, 1, "GetCapabilities(&pulCapabilities)")?;
                let out = self.out(&c.args[0])?;
                let ret = self.sim().get_capabilities(p, out.out);
                self.bind(out, ret.out.map(Value::Ulong));
                Some(ret.hr)
            }
            (Some(p), "GetCurrentState") => {
                self.arity(c, 1, "GetCurrentState(&pulState)")?;
                let out = self.out(&c.args[0])?;
                let ret = self.sim().get_current_state(p, out.out);
                self.bind(out, ret.out.map(Value::Ulong));
                Some(ret.hr)
            }
            (Some(p), "Advise") => {
                self.arity(c, 3, "Advise(ulFlags, &{…} or NULL, &pulAdviseToken)")?;
                let (f, info, out) = (
                    self.u32(&c.args[0])?,
                    self.advise_info(&c.args[1])?,
                    self.out(&c.args[2])?,
                );
                let ret = self.sim().advise(p, f, info.as_ref(), out.out);
                self.bind(out, ret.out.map(Value::Ulong));
                Some(ret.hr)
            }
            (Some(p), "Unadvise") => {
                self.arity(c, 2, "Unadvise(ulFlags, ulAdviseToken)")?;
                let (f, t) = (self.u32(&c.args[0])?, self.u32(&c.args[1])?);
                Some(self.sim().unadvise(p, f, t))
            }
            (Some(p), "vtbl") => match self.slot_method(c)? {
                Some(named) => return self.call(&named),
                None => {
                    let slot = self.u32(&c.args[0])?;
                    Some(self.sim().call_slot(p, slot))
                }
            },
            (Some(_), m) => {
                return self.fail(format!("`{m}` is not a method of IMAPIOfflineMgr"), None)
            }
        };
        self.last_hr = hr;
        Ok(())
    }
}
