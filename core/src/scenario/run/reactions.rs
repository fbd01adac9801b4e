//! A `sink` line's reactions: each call kept as written, its names read when it fires.

use super::expr::{first_variable, looks_like_constant};
use super::*;
use crate::scenario::words::ADVISEINFO_FIELDS;

impl Runner {
    /// A reaction's call, exactly as written: every argument kept raw. Constants are
    /// resolved now; a variable (or `own`, `self`) is kept as a name and read when the
    /// reaction fires, so names bound after the `sink` line are usable.
    pub(super) fn reaction(&self, r: &ReactionSrc) -> Result<Reaction, RunError> {
        let on = match &r.on {
            None => None,
            Some(e) => Some(self.u32(e)?),
        };
        let named;
        let mut c = &r.call;
        if c.method == "vtbl" {
            if let Some(m) = self.slot_method(c)? {
                named = m;
                c = &named;
            }
        }
        let Some(this) = &c.this else {
            return self.fail_at(
                c.col,
                c.method.chars().count(),
                format!("`{}(…)` without a pointer", c.method),
                Some(format!(
                    "a reaction calls a method through a pointer: write `mgr->{}(…)`",
                    c.method
                )),
            );
        };
        let this = self.rarg(this, false)?;
        let call = match c.method.as_str() {
            "QueryInterface" => {
                self.arity(c, 2, "QueryInterface(riid, &ppvObject)")?;
                ReactionCall::QueryInterface {
                    this,
                    riid: self.guid(&c.args[0])?,
                    ppv_object: self.rout(&c.args[1])?,
                }
            }
            "AddRef" => {
                self.arity(c, 0, "AddRef()")?;
                ReactionCall::AddRef { this }
            }
            "Release" => {
                self.arity(c, 0, "Release()")?;
                ReactionCall::Release { this }
            }
            "SetCurrentState" => {
                self.arity(c, 4, "SetCurrentState(ulFlags, ulMask, ulState, pReserved)")?;
                ReactionCall::SetCurrentState {
                    this,
                    ul_flags: self.rarg(&c.args[0], false)?,
                    ul_mask: self.rarg(&c.args[1], false)?,
                    ul_state: self.rarg(&c.args[2], false)?,
                    p_reserved: self.rarg(&c.args[3], true)?,
                }
            }
            "GetCapabilities" => {
                self.arity(c, 1, "GetCapabilities(&pulCapabilities)")?;
                ReactionCall::GetCapabilities {
                    this,
                    pul_capabilities: self.rout(&c.args[0])?,
                }
            }
            "GetCurrentState" => {
                self.arity(c, 1, "GetCurrentState(&pulState)")?;
                ReactionCall::GetCurrentState {
                    this,
                    pul_state: self.rout(&c.args[0])?,
                }
            }
            "Advise" => {
                self.arity(c, 3, "Advise(ulFlags, &{…} or NULL, &pulAdviseToken)")?;
                ReactionCall::Advise {
                    this,
                    ul_flags: self.rarg(&c.args[0], false)?,
                    p_advise_info: self.radvise_info(&c.args[1])?,
                    pul_advise_token: self.rout(&c.args[2])?,
                }
            }
            "Unadvise" => {
                self.arity(c, 2, "Unadvise(ulFlags, ulAdviseToken or own)")?;
                ReactionCall::Unadvise {
                    this,
                    ul_flags: self.rarg(&c.args[0], false)?,
                    ul_advise_token: self.rarg(&c.args[1], false)?,
                }
            }
            "vtbl" => ReactionCall::Slot {
                this,
                slot: self.u32(&c.args[0])?,
            },
            m => {
                return self.fail_at(
                    c.col,
                    m.chars().count(),
                    format!("`{m}` is not a method of IMAPIOfflineMgr"),
                    None,
                )
            }
        };
        Ok(Reaction {
            on,
            once: r.once,
            action: Action::Call(call),
        })
    }

    /// One argument of a reaction's call. `wide`: a pointer-sized value (`pReserved`).
    pub(super) fn rarg(&self, e: &Expr, wide: bool) -> Result<Arg, RunError> {
        match e {
            Expr::Num(n) => {
                if !wide && u32::try_from(*n).is_err() {
                    return self.fail(format!("{n} does not fit in a ULONG (32 bits)"), None);
                }
                Ok(Arg::Num(*n))
            }
            Expr::Null => Ok(Arg::Num(0)),
            Expr::Name { name, col } => {
                if name == "own" || name == "self" || self.var(name).is_some() {
                    return Ok(Arg::Name(name.clone()));
                }
                if let Some(v) = consts::value_of(name) {
                    return Ok(Arg::Num(v.into()));
                }
                if looks_like_constant(name) {
                    // Not bound and not a constant, but spelt like one: a typo, most likely.
                    return self.unknown_name(name, *col);
                }
                // A variable bound later (by a statement or a reaction): read when it fires.
                Ok(Arg::Name(name.clone()))
            }
            Expr::Str(_) | Expr::Guid(_) | Expr::AddrOf(_) | Expr::Struct(_) => self.fail(
                "expected a number, a constant, NULL, `own`, `self` or a variable here",
                None,
            ),
            compound => {
                // `A|B`, `sizeof(…)`: worked out now, so only constants may appear in it.
                if let Some((name, col)) = first_variable(compound) {
                    return self.fail_at(
                        col,
                        name.chars().count(),
                        format!("`{name}` is a variable inside an expression of a reaction"),
                        Some("a reaction reads a variable when it fires, so a variable must be a whole argument; combine only constants".into()),
                    );
                }
                Ok(Arg::Num(self.u32(compound)?.into()))
            }
        }
    }

    /// An out-parameter of a reaction's call: `NULL` or `&name`.
    pub(super) fn rout(&self, e: &Expr) -> Result<OutArg, RunError> {
        let o = self.out(e)?;
        Ok(match (o.out, o.bind) {
            (Out::Null, _) => OutArg::Null,
            (Out::Valid, Some(name)) => OutArg::Bind(name),
            (Out::Valid, None) => OutArg::Valid,
        })
    }

    /// `&{…}` or NULL for a reaction's `Advise`; fields left out get the correct value.
    pub(super) fn radvise_info(&self, e: &Expr) -> Result<Option<AdviseArgs>, RunError> {
        let Some(f) = self.fields(e, "MAPIOFFLINE_ADVISEINFO", ADVISEINFO_FIELDS)? else {
            return Ok(None);
        };
        let a = |k: &str, d: u32| {
            f.get(k)
                .map_or(Ok(Arg::Num(d.into())), |v| self.rarg(v, false))
        };
        Ok(Some(AdviseArgs {
            ul_size: a("ulSize", self.config.arch.sizeof_adviseinfo())?,
            ul_client_token: a("ulClientToken", 0)?,
            callback_type: a("CallbackType", consts::MAPIOFFLINE_CALLBACK_TYPE_NOTIFY)?,
            p_callback: a("pCallback", 0)?,
            ul_advise_types: a("ulAdviseTypes", consts::MAPIOFFLINE_ADVISE_TYPE_STATECHANGE)?,
            ul_state_mask: a("ulStateMask", consts::MAPIOFFLINE_STATE_ALL)?,
        }))
    }
}
