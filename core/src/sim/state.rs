//! `SetCurrentState`, `GetCapabilities` and `GetCurrentState`: their argument checks and
//! results (SET-*, CAP-*, CUR-*). The change itself is the transition engine's.

use super::identity::Identity;
use super::jobs::Job;
use super::{state_ok, Ret, Sim};
use crate::clauses::{Clause, Rule, Set4Reading};
use crate::consts::*;
use crate::trace::*;

impl Sim {
    /// `this->SetCurrentState(ulFlags, ulMask, ulState, pReserved)`; `pReserved` is an
    /// address, 0 for NULL.
    pub fn set_current_state(
        &mut self,
        this: Ptr,
        ul_flags: u32,
        ul_mask: u32,
        ul_state: u32,
        p_reserved: u64,
    ) -> HResult {
        let by = Caller::Client;
        self.enter(
            by,
            Call::SetCurrentState {
                this,
                ul_flags,
                ul_mask,
                ul_state,
                p_reserved,
            },
        );
        let floor = self.work.floor();
        let hr = self.set_inner(this, ul_flags, ul_mask, ul_state, p_reserved);
        // A blocking change's phases (and a literal SET-4 wait) run before the Return.
        self.leave_after(floor, by, Func::SetCurrentState, hr);
        hr
    }

    pub(super) fn set_inner(
        &mut self,
        this: Ptr,
        ul_flags: u32,
        ul_mask: u32,
        ul_state: u32,
        p_reserved: u64,
    ) -> HResult {
        let Some(i) = self.offline_this(this, Func::SetCurrentState, Caller::Client) else {
            return HResult::E_INVALIDARG;
        };
        let mut bad = false;
        if ul_flags != MAPIOFFLINE_FLAG_DEFAULT && ul_flags != MAPIOFFLINE_FLAG_BLOCK {
            bad = true;
            self.error("set.flags", Some(Clause::Set9), Some(Rule::R2), format!("ulFlags 0x{ul_flags:08X} is neither MAPIOFFLINE_FLAG_DEFAULT nor MAPIOFFLINE_FLAG_BLOCK (SET-1, SET-2)"));
        }
        if ul_mask != MAPIOFFLINE_STATE_OFFLINE_MASK {
            bad = true;
            self.error(
                "set.mask",
                Some(Clause::Set5),
                Some(Rule::R2),
                format!(
                    "ulMask {} is not MAPIOFFLINE_STATE_OFFLINE_MASK, the only supported mask",
                    show(ConstGroup::StateMask, ul_mask)
                ),
            );
        }
        if !state_ok(ul_state) {
            bad = true;
            self.error("set.state", Some(Clause::Set6), Some(Rule::R2), format!("ulState 0x{ul_state:08X} is neither MAPIOFFLINE_STATE_ONLINE nor MAPIOFFLINE_STATE_OFFLINE"));
        }
        if p_reserved != 0 {
            bad = true;
            self.error(
                "set.reserved",
                Some(Clause::Set7),
                Some(Rule::R2),
                format!(
                    "pReserved is 0x{p_reserved:X}; it is for Outlook's internal use: pass NULL"
                ),
            );
        }
        if bad {
            if let Some(b) = self.tree_busy(i) {
                self.note("set.args_before_pending", Clause::Set13, format!("the arguments are checked before the busy state: E_INVALIDARG, although transition #{} is in progress (it would otherwise be E_PENDING)", b.transition));
            }
            self.note("set.invalidarg", Clause::Set9, "E_INVALIDARG: an undocumented result, the simulator's answer to undocumented arguments".into());
            return HResult::E_INVALIDARG;
        }
        if let Some(b) = self.tree_busy(i) {
            if b.object != i {
                self.note("set.tree_busy", Clause::Set12, format!("transition #{} of {} is in progress in this object's tree: the tree is busy until it completes", b.transition, Identity::offline_ptr(b.object)));
            }
            let block = ul_flags == MAPIOFFLINE_FLAG_BLOCK;
            match (self.config.set4, b.blocking) {
                (Set4Reading::Literal, false) if block && self.in_notify == 0 => {
                    self.note("set.literal_block", Clause::Set4, format!("literal reading of SET-4 with MAPIOFFLINE_FLAG_BLOCK: the call blocks (SET-1) until asynchronous transition #{} and then the requested change are complete", b.transition));
                    // The call's own request follows once the tree is at rest.
                    self.work.push(Job::SetAfterWait {
                        obj: i as u32,
                        ul_state,
                    });
                    self.finish_tree(i);
                    return HResult::S_OK;
                }
                (Set4Reading::Literal, false) if block => {
                    self.note("set.pending_reentrant", Clause::Ntf8, format!("SetCurrentState(MAPIOFFLINE_FLAG_BLOCK) from inside Notify while transition #{} is in progress cannot block without deadlock: E_PENDING at once", b.transition));
                    return HResult::E_PENDING;
                }
                (Set4Reading::Literal, false) => {
                    self.objects[i].desired = ul_state;
                    self.note("set.literal_queued", Clause::Set4, format!("literal reading of SET-4: only a change started with MAPIOFFLINE_FLAG_BLOCK makes callers wait, so this request is accepted during asynchronous transition #{} and applied when it completes", b.transition));
                    return HResult::S_OK;
                }
                (Set4Reading::Literal, true) => {
                    self.note("set.literal_pending", Clause::Set4, format!("literal reading of SET-4: transition #{} was started with MAPIOFFLINE_FLAG_BLOCK, so SetCurrentState returns E_PENDING until it completes", b.transition));
                }
                (Set4Reading::Documented, _) => {
                    if self.in_notify > 0 {
                        self.note("set.pending_reentrant", Clause::Ntf8, format!("SetCurrentState from inside Notify while transition #{} is in progress: E_PENDING at once, no deadlock (SET-3)", b.transition));
                    } else {
                        self.note("set.pending", Clause::Set3, format!("transition #{} is in progress: E_PENDING until it completes; try again after STATECHANGE_DONE (R5)", b.transition));
                    }
                }
            }
            return HResult::E_PENDING;
        }
        self.set_apply(i, ul_flags, ul_state)
    }

    /// The request itself, with the tree at rest: remember it and start the change it needs.
    pub(super) fn set_apply(&mut self, i: usize, ul_flags: u32, ul_state: u32) -> HResult {
        self.objects[i].desired = ul_state;
        self.objects[i].asked_online = false;
        let target = self.target_of(i);
        if target == self.objects[i].state {
            if target != ul_state {
                let why = match self.objects[i].parent {
                    Some(p) => {
                        format!("its parent {} is OFFLINE (CRE-7)", Identity::offline_ptr(p))
                    }
                    None => "the network or the server is unavailable".to_string(),
                };
                self.objects[i].asked_online = true;
                self.note("set.intent_remembered", Clause::Set11, format!("MAPIOFFLINE_STATE_ONLINE requested but {why}: S_OK, the request is remembered and the object goes ONLINE, with notifications, when that changes"));
            } else {
                self.note(
                    "set.no_change",
                    Clause::Set10,
                    format!(
                        "the object is already {}: S_OK, no notifications",
                        show_state(target)
                    ),
                );
            }
            return HResult::S_OK;
        }
        let blocking = ul_flags == MAPIOFFLINE_FLAG_BLOCK;
        self.start_transition(i, target, blocking, Cause::Request);
        HResult::S_OK
    }

    /// `this->GetCapabilities(pulCapabilities)`.
    pub fn get_capabilities(&mut self, this: Ptr, pul_capabilities: Out) -> Ret<u32> {
        let by = Caller::Client;
        self.enter(
            by,
            Call::GetCapabilities {
                this,
                pul_capabilities,
            },
        );
        let (hr, out) = match self.offline_this(this, Func::GetCapabilities, by) {
            None => (HResult::E_INVALIDARG, None),
            Some(_) if pul_capabilities.is_null() => {
                self.error(
                    "caps.out_null",
                    Some(Clause::Cap5),
                    None,
                    "pulCapabilities is NULL: E_INVALIDARG".into(),
                );
                (HResult::E_INVALIDARG, None)
            }
            Some(i) => {
                self.objects[i].caps_queried = true;
                let caps = self.objects[i].caps;
                let extra =
                    caps & !(MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE);
                if extra != 0 {
                    self.note("caps.extra_bits", Clause::Cap3, format!("the capabilities include bits 0x{extra:X} besides ONLINE/OFFLINE; test only MAPIOFFLINE_CAPABILITY_OFFLINE and MAPIOFFLINE_CAPABILITY_ONLINE"));
                }
                (HResult::S_OK, Some(caps))
            }
        };
        self.leave(
            by,
            Func::GetCapabilities,
            Some(hr),
            out.map(OutValue::Ulong),
        );
        Ret { hr, out }
    }

    /// `this->GetCurrentState(pulState)`.
    pub fn get_current_state(&mut self, this: Ptr, pul_state: Out) -> Ret<u32> {
        let by = Caller::Client;
        self.enter(by, Call::GetCurrentState { this, pul_state });
        let (hr, out) = match self.offline_this(this, Func::GetCurrentState, by) {
            None => (HResult::E_INVALIDARG, None),
            Some(_) if pul_state.is_null() => {
                self.error(
                    "state.out_null",
                    Some(Clause::Cur4),
                    None,
                    "pulState is NULL: E_INVALIDARG".into(),
                );
                (HResult::E_INVALIDARG, None)
            }
            Some(i) => {
                let o = &self.objects[i];
                let value = o.state | self.extra_state_bits;
                if let Some(b) = o.busy {
                    let id = b.transition;
                    self.note("state.during_transition", Clause::Cur3, format!("transition #{id} is in progress: the state reads as the old value until its STATECHANGE phase, then as the new one"));
                }
                if self.extra_state_bits != 0 {
                    self.note("state.extra_bits", Clause::Cur2, format!("the value carries bits 0x{:X} outside MAPIOFFLINE_STATE_OFFLINE_MASK: mask before comparing (R6)", self.extra_state_bits));
                }
                (HResult::S_OK, Some(value))
            }
        };
        self.leave(
            by,
            Func::GetCurrentState,
            Some(hr),
            out.map(OutValue::Ulong),
        );
        Ret { hr, out }
    }
}
