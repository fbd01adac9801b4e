//! The client's named variables, and the calls a reaction makes exactly as written
//! (NTF-8: calls from inside `Notify`).
//!
//! A scenario names what its calls return (`&mgr`, `&token`); those names are the
//! client's variables. They live here, in the simulator, so that a reaction — which runs
//! inside `Notify`, long after its `sink` line — reads each name's value when it fires,
//! and so that what a reaction binds (`&name`) is visible to later statements and other
//! reactions. The driver writes the table with [`Sim::set_name`]; a reaction's own
//! binding is recorded in the trace as an info diagnostic `reaction.bound`, and a name
//! nothing has bound yet as the error `reaction.unbound_name` (the call is not made).

use super::Sim;
use crate::clauses::Clause;
use crate::trace::*;
use std::collections::BTreeMap;

impl Sim {
    /// Binds `name` (what a driver does for `&name` and sink declarations).
    pub fn set_name(&mut self, name: impl Into<String>, value: Value) {
        self.names.insert(name.into(), value);
    }

    /// What `name` holds now.
    pub fn name(&self, name: &str) -> Option<Value> {
        self.names.get(name).copied()
    }

    /// Every bound name, in name order.
    pub fn names(&self) -> &BTreeMap<String, Value> {
        &self.names
    }

    /// The value of one argument of a reaction of client object `me`, notified through
    /// advise token `own`; `None` (with an error diagnostic) for an unbound name.
    fn resolve(&mut self, a: &Arg, own: u32, me: Ptr, reaction: &ReactionCall) -> Option<u64> {
        match a {
            Arg::Num(n) => Some(*n),
            Arg::Name(n) if n == "own" => Some(u64::from(own)),
            Arg::Name(n) if n == "self" => Some(u64::from(me.0)),
            Arg::Name(n) => match self.names.get(n) {
                Some(v) => Some(u64::from(v.raw())),
                None => {
                    self.error(
                        "reaction.unbound_name",
                        Some(Clause::Ntf8),
                        None,
                        format!("the reaction of {me} ({reaction}) names `{n}`, which nothing has bound yet: the call is not made"),
                    );
                    None
                }
            },
        }
    }

    fn bind_from_reaction(&mut self, out: &OutArg, value: Option<Value>, me: Ptr) {
        if let (OutArg::Bind(name), Some(v)) = (out, value) {
            self.names.insert(name.clone(), v);
            let shown = match v {
                Value::Ptr(p) => p.to_string(),
                Value::Ulong(u) => u.to_string(),
            };
            self.note(
                "reaction.bound",
                Clause::Ntf8,
                format!("the reaction of {me} binds `{name}` = {shown}"),
            );
        }
    }

    /// Makes the call a reaction wrote, through the same raw entry points as a top-level
    /// call, so it gets the same validation and diagnostics.
    pub(super) fn perform_call(&mut self, c: &ReactionCall, own: u32, me: Ptr) {
        let out = |o: &OutArg| match o {
            OutArg::Null => Out::Null,
            OutArg::Valid | OutArg::Bind(_) => Out::Valid,
        };
        let Some(this) = self.resolve(c.this(), own, me, c) else {
            return;
        };
        let this = Ptr(this as u32);
        match c {
            ReactionCall::QueryInterface {
                riid, ppv_object, ..
            } => {
                let r = self.query_interface(this, *riid, out(ppv_object));
                self.bind_from_reaction(ppv_object, r.out.map(Value::Ptr), me);
            }
            ReactionCall::AddRef { .. } => {
                self.add_ref(this);
            }
            ReactionCall::Release { .. } => {
                self.release(this);
            }
            ReactionCall::SetCurrentState {
                ul_flags,
                ul_mask,
                ul_state,
                p_reserved,
                ..
            } => {
                let (Some(f), Some(m), Some(s), Some(r)) = (
                    self.resolve(ul_flags, own, me, c),
                    self.resolve(ul_mask, own, me, c),
                    self.resolve(ul_state, own, me, c),
                    self.resolve(p_reserved, own, me, c),
                ) else {
                    return;
                };
                self.set_current_state(this, f as u32, m as u32, s as u32, r);
            }
            ReactionCall::GetCapabilities {
                pul_capabilities, ..
            } => {
                let r = self.get_capabilities(this, out(pul_capabilities));
                self.bind_from_reaction(pul_capabilities, r.out.map(Value::Ulong), me);
            }
            ReactionCall::GetCurrentState { pul_state, .. } => {
                let r = self.get_current_state(this, out(pul_state));
                self.bind_from_reaction(pul_state, r.out.map(Value::Ulong), me);
            }
            ReactionCall::Slot { slot, .. } => {
                self.call_slot(this, *slot);
            }
            ReactionCall::Advise {
                ul_flags,
                p_advise_info,
                pul_advise_token,
                ..
            } => {
                let Some(flags) = self.resolve(ul_flags, own, me, c) else {
                    return;
                };
                let info = match p_advise_info {
                    None => None,
                    Some(a) => {
                        let mut v = [0u64; 6];
                        for (k, arg) in [
                            &a.ul_size,
                            &a.ul_client_token,
                            &a.callback_type,
                            &a.p_callback,
                            &a.ul_advise_types,
                            &a.ul_state_mask,
                        ]
                        .into_iter()
                        .enumerate()
                        {
                            match self.resolve(arg, own, me, c) {
                                Some(x) => v[k] = x,
                                None => return,
                            }
                        }
                        Some(AdviseInfo {
                            ul_size: v[0] as u32,
                            ul_client_token: v[1] as u32,
                            callback_type: v[2] as u32,
                            p_callback: Ptr(v[3] as u32),
                            ul_advise_types: v[4] as u32,
                            ul_state_mask: v[5] as u32,
                        })
                    }
                };
                let r = self.advise(this, flags as u32, info.as_ref(), out(pul_advise_token));
                self.bind_from_reaction(pul_advise_token, r.out.map(Value::Ulong), me);
            }
            ReactionCall::Unadvise {
                ul_flags,
                ul_advise_token,
                ..
            } => {
                let (Some(f), Some(t)) = (
                    self.resolve(ul_flags, own, me, c),
                    self.resolve(ul_advise_token, own, me, c),
                ) else {
                    return;
                };
                self.unadvise(this, f as u32, t as u32);
            }
        }
    }
}
