//! The rules R1–R7 themselves: each `rN…` method judges one call (or its result) against
//! one client obligation of spec §9 and records a finding with its clause and its fix.
//! The bookkeeping they read (references, registrations, pending requests) is kept by the
//! walk in the parent module.

use super::*;

impl<'t> Checker<'t> {
    pub(super) fn r1(&mut self, i: usize, tick: Tick, this: Ptr, token: u32) {
        match self.caps.get(&this).copied() {
            None => self.find(
                Rule::R1,
                Clause::Gen3,
                i,
                tick,
                format!("Advise on {this} (advise token {token}) without an earlier successful GetCapabilities on that object"),
                format!("call {this}->GetCapabilities(&ulCapabilities) first and Advise only if MAPIOFFLINE_CAPABILITY_OFFLINE or MAPIOFFLINE_CAPABILITY_ONLINE is set"),
            ),
            Some((caps, at)) if caps & BOTH_CAPS == 0 => self.find(
                Rule::R1,
                Clause::Cap1,
                i,
                tick,
                format!("Advise on {this} (advise token {token}) although GetCapabilities (event #{at}) reported {}, neither MAPIOFFLINE_CAPABILITY_OFFLINE nor MAPIOFFLINE_CAPABILITY_ONLINE: the object will never notify", show_capabilities(caps)),
                "Advise only when (ulCapabilities & (MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE)) != 0; otherwise poll GetCurrentState".to_string(),
            ),
            Some(_) => {}
        }
    }

    // ------------------------------------------------------------ R2

    #[allow(clippy::too_many_arguments)]
    pub(super) fn r2_set(
        &mut self,
        i: usize,
        tick: Tick,
        this: Ptr,
        flags: u32,
        mask: u32,
        state: u32,
        reserved: u64,
    ) {
        if flags != MAPIOFFLINE_FLAG_DEFAULT && flags != MAPIOFFLINE_FLAG_BLOCK {
            self.find(
                Rule::R2,
                Clause::Set9,
                i,
                tick,
                format!("SetCurrentState on {this} with ulFlags 0x{flags:08X}, which is neither MAPIOFFLINE_FLAG_DEFAULT nor MAPIOFFLINE_FLAG_BLOCK"),
                "pass MAPIOFFLINE_FLAG_DEFAULT (asynchronous change) or MAPIOFFLINE_FLAG_BLOCK (wait until the change is complete)".to_string(),
            );
        }
        if mask != MAPIOFFLINE_STATE_OFFLINE_MASK {
            self.find(
                Rule::R2,
                Clause::Set5,
                i,
                tick,
                format!(
                    "SetCurrentState on {this} with ulMask {}; the only supported mask is MAPIOFFLINE_STATE_OFFLINE_MASK",
                    show(ConstGroup::StateMask, mask)
                ),
                "pass ulMask = MAPIOFFLINE_STATE_OFFLINE_MASK (0x00000003)".to_string(),
            );
        }
        if state != MAPIOFFLINE_STATE_ONLINE && state != MAPIOFFLINE_STATE_OFFLINE {
            let masked = state & MAPIOFFLINE_STATE_OFFLINE_MASK;
            let fix = if state_ok(masked) {
                format!(
                    "pass {} (mask the value with MAPIOFFLINE_STATE_OFFLINE_MASK)",
                    show(ConstGroup::State, masked)
                )
            } else {
                "pass MAPIOFFLINE_STATE_ONLINE (0x00000002) or MAPIOFFLINE_STATE_OFFLINE (0x00000001)".to_string()
            };
            self.find(
                Rule::R2,
                Clause::Set6,
                i,
                tick,
                format!("SetCurrentState on {this} with ulState 0x{state:08X}, which is neither MAPIOFFLINE_STATE_ONLINE nor MAPIOFFLINE_STATE_OFFLINE"),
                fix,
            );
        }
        if reserved != 0 {
            self.find(
                Rule::R2,
                Clause::Set7,
                i,
                tick,
                format!("SetCurrentState on {this} with pReserved 0x{reserved:X}; it is for Outlook's internal use"),
                "pass NULL as pReserved".to_string(),
            );
        }
    }

    pub(super) fn r2_advise(
        &mut self,
        i: usize,
        tick: Tick,
        this: Ptr,
        flags: u32,
        info: Option<&AdviseInfo>,
    ) {
        if flags != MAPIOFFLINE_ADVISE_DEFAULT {
            self.find(
                Rule::R2,
                Clause::Adv2,
                i,
                tick,
                format!("Advise on {this} with ulFlags 0x{flags:08X}; only MAPIOFFLINE_ADVISE_DEFAULT is supported"),
                "pass ulFlags = MAPIOFFLINE_ADVISE_DEFAULT (0)".to_string(),
            );
        }
        let Some(a) = info else { return };
        let size = self.arch.sizeof_adviseinfo();
        if a.ul_size != size {
            let arch = match self.arch {
                Arch::X86 => "32-bit (x86)",
                Arch::X64 => "64-bit (x64)",
            };
            self.find(
                Rule::R2,
                Clause::Adv4,
                i,
                tick,
                format!("Advise on {this} with MAPIOFFLINE_ADVISEINFO.ulSize {}; sizeof(MAPIOFFLINE_ADVISEINFO) is {size} for this {arch} client", a.ul_size),
                format!("set ulSize = sizeof(MAPIOFFLINE_ADVISEINFO) ({size} here; 24 on 32-bit, 32 on 64-bit): let the compiler compute it"),
            );
        }
        if a.callback_type != MAPIOFFLINE_CALLBACK_TYPE_NOTIFY {
            self.find(
                Rule::R2,
                Clause::Adv6,
                i,
                tick,
                format!("Advise on {this} with CallbackType {}; only MAPIOFFLINE_CALLBACK_TYPE_NOTIFY is supported", show(ConstGroup::CallbackType, a.callback_type)),
                "set CallbackType = MAPIOFFLINE_CALLBACK_TYPE_NOTIFY (0)".to_string(),
            );
        }
        if a.ul_advise_types != MAPIOFFLINE_ADVISE_TYPE_STATECHANGE {
            self.find(
                Rule::R2,
                Clause::Adv7,
                i,
                tick,
                format!("Advise on {this} with ulAdviseTypes {}; only MAPIOFFLINE_ADVISE_TYPE_STATECHANGE is supported", show(ConstGroup::AdviseType, a.ul_advise_types)),
                "set ulAdviseTypes = MAPIOFFLINE_ADVISE_TYPE_STATECHANGE (1)".to_string(),
            );
        }
        if a.ul_state_mask != MAPIOFFLINE_STATE_ALL {
            self.find(
                Rule::R2,
                Clause::Adv8,
                i,
                tick,
                format!(
                    "Advise on {this} with ulStateMask {}; only MAPIOFFLINE_STATE_ALL is supported",
                    show(ConstGroup::StateMask, a.ul_state_mask)
                ),
                "set ulStateMask = MAPIOFFLINE_STATE_ALL (0x003F037F)".to_string(),
            );
        }
        let not_notify = match self.clients.get(&a.p_callback) {
            _ if a.p_callback.is_null() => Some("NULL".to_string()),
            Some(c) if !c.implements_notify => Some(format!(
                "{}, which does not implement IMAPIOfflineNotify",
                self.obj(a.p_callback)
            )),
            _ => None,
        };
        if let Some(what) = not_notify {
            // What Advise answered is known only at its return; until then the message
            // says what the argument means, and `callback_result` completes it.
            self.callbacks.insert(i, self.findings.len());
            self.find(
                Rule::R2,
                Clause::Adv6,
                i,
                tick,
                format!("Advise on {this} with pCallback {what}: nothing can be registered (the trace ends before Advise returns)"),
                "pass the client's IMAPIOfflineNotify implementation as pCallback".to_string(),
            );
        }
    }

    /// Completes the pCallback finding of the Advise at `call` with its actual result.
    pub(super) fn callback_result(&mut self, call: usize, hr: Option<HResult>) {
        let (Some(k), Some(hr)) = (self.callbacks.remove(&call), hr) else {
            return;
        };
        let f = &mut self.findings[k];
        if let Some(cut) = f.message.find(": nothing can be registered") {
            f.message.truncate(cut);
            let what = if hr == HResult::S_OK {
                "but Advise returned S_OK".to_string()
            } else {
                format!("Advise returned {hr} and registered nothing")
            };
            f.message = format!("{}: {what}", f.message);
        }
    }

    // ------------------------------------------------------------ R3

    pub(super) fn r3_unadvise(&mut self, i: usize, tick: Tick, this: Ptr, token: u32) {
        if self.regs.remove(&(this, token)).is_some() {
            return;
        }
        let elsewhere = self.regs.keys().find(|(_, t)| *t == token).map(|(o, _)| *o);
        let (why, fix) = match elsewhere {
            Some(o) => (
                format!("advise token {token} is registered on {o}, not on this object"),
                format!("call {o}->Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, {token}) on the object that was advised"),
            ),
            None => (
                format!("advise token {token} is not registered on this object (never handed out, or already removed)"),
                "pass only the token Advise wrote to *pulAdviseToken, exactly once, to the object Advise was called on".to_string(),
            ),
        };
        self.find(
            Rule::R3,
            Clause::Unadv2,
            i,
            tick,
            format!("Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, {token}) on {this}: {why}; it still returns S_OK"),
            fix,
        );
    }

    // ------------------------------------------------------------ R4

    pub(super) fn r4_release(&mut self, i: usize, tick: Tick, this: Ptr) {
        let r = self.refs.entry(this).or_default();
        if r.held > 0 {
            r.held -= 1;
            r.released += 1;
            return;
        }
        let (obtained, released) = (r.obtained.saturating_add(r.base), r.released);
        let registered: Vec<u32> = self
            .regs
            .iter()
            .filter(|(_, reg)| reg.sink == this)
            .map(|((_, t), _)| *t)
            .collect();
        let message = if !registered.is_empty() {
            format!("{}->Release() after the client's own references are gone (it had {obtained}, released {released}): this releases the reference Outlook holds for advise token {}, so the sink is destroyed while still registered", self.obj(this), join(&registered))
        } else if obtained == 0 {
            format!(
                "{}->Release() on a pointer the client never obtained a reference to",
                self.obj(this)
            )
        } else {
            format!("{}->Release() when the client's count is already 0 (it obtained {obtained}, released {released})", self.obj(this))
        };
        self.find(
            Rule::R4,
            Clause::Mgr3,
            i,
            tick,
            message,
            "release each reference exactly once: one Release per HrOpenOfflineObj, HrCreateOfflineObj, successful QueryInterface and AddRef (plus the creation reference of your own objects); remove this Release".to_string(),
        );
    }

    /// A call through `this` (other than Release, judged above) when the client holds no
    /// reference on it: an object it released to the end, or one it never obtained.
    pub(super) fn r4_use(&mut self, i: usize, tick: Tick, this: Ptr, func: Func) {
        let client_owned = self.clients.contains_key(&this);
        if !client_owned && !self.state.contains_key(&this) {
            return; // not an object the trace introduced: nothing to count against
        }
        let r = self.refs.get(&this);
        if r.is_some_and(|r| r.held > 0) {
            return;
        }
        let (obtained, released) =
            r.map_or((0, 0), |r| (r.obtained.saturating_add(r.base), r.released));
        let (clause, what) = if client_owned {
            (Clause::Mgr3, self.obj(this))
        } else {
            (Clause::Open10, this.to_string())
        };
        let message = if obtained == 0 {
            format!("{func} through {what}, a pointer the client never obtained a reference to")
        } else {
            format!("{func} through {what} after the client released its last reference (obtained {obtained}, released {released}): the pointer may dangle")
        };
        self.find(
            Rule::R4,
            clause,
            i,
            tick,
            message,
            "call through a pointer only while holding a reference: move the last Release after the last call through it, or AddRef/QueryInterface again first".to_string(),
        );
    }

    // ------------------------------------------------------------ R5

    pub(super) fn r5_call(&mut self, i: usize, tick: Tick, this: Ptr) {
        let Some(p) = self.pending.get_mut(&this) else {
            return;
        };
        if p.open {
            p.retries += 1;
            p.first_retry.get_or_insert((i, tick));
        } else {
            // The client asked again after the change completed: what R5 asks for.
            self.pending.remove(&this);
        }
    }

    pub(super) fn r5_return(
        &mut self,
        i: usize,
        tick: Tick,
        this: Ptr,
        state: u32,
        hr: Option<HResult>,
    ) {
        if hr != Some(HResult::E_PENDING) {
            return;
        }
        if let Some(p) = self.pending.get_mut(&this) {
            if p.open {
                p.requested = state;
                return;
            }
        }
        let awaited = self.transition_of(this);
        self.pending.insert(
            this,
            Pending {
                call: i,
                tick,
                requested: state,
                awaited,
                open: true,
                retries: 0,
                first_retry: None,
            },
        );
    }

    /// The finding for premature `SetCurrentState` calls during one wait (R5, first check).
    pub(super) fn busy_retry(&mut self, o: Ptr, p: &Pending, end: Option<End>) {
        let Some((at, tick)) = p.first_retry else {
            return;
        };
        let change = match p.awaited {
            Some(x) => format!("transition #{x}"),
            None => "the change in progress".to_string(),
        };
        let after = match end {
            None => "",
            Some(End::Shutdown) => " (it never did: Outlook shut down first)",
            Some(End::Trace) => " (it had not by the end of the trace)",
        };
        self.find(
            Rule::R5,
            Clause::Set3,
            at,
            tick,
            format!("SetCurrentState on {o} got E_PENDING (event #{}), and the client called SetCurrentState on {o} again {} time(s) before {change} completed{after}: a busy retry", p.call, p.retries),
            "after E_PENDING, wait until the change is complete (its STATECHANGE_DONE notification has returned) and then call SetCurrentState once more; do not retry in a loop or from inside Notify".to_string(),
        );
    }

    // ------------------------------------------------------------ R6

    pub(super) fn r6_unmasked(&mut self, i: usize, tick: Tick, this: Ptr, state: u32) {
        let Some(&at) = self.unmasked.get(&state) else {
            return;
        };
        self.find(
            Rule::R6,
            Clause::Cur2,
            i,
            tick,
            format!("SetCurrentState on {this} passes ulState 0x{state:08X}, the unmasked value GetCurrentState returned at event #{at} (bits 0x{:X} lie outside MAPIOFFLINE_STATE_OFFLINE_MASK)", state & !MAPIOFFLINE_STATE_OFFLINE_MASK),
            "mask what GetCurrentState returns (ulState & MAPIOFFLINE_STATE_OFFLINE_MASK) before comparing it or passing it on".to_string(),
        );
    }

    // ------------------------------------------------------------ R7

    pub(super) fn r7(&mut self, i: usize, tick: Tick, this: Ptr, slot: u32) {
        let what = match slot {
            6 => "the IMAPIOffline placeholder, reserved for Outlook".to_string(),
            9..=15 => format!(
                "IMAPIOfflineMgr placeholder {}, reserved for Outlook",
                slot - 8
            ),
            s if s >= VTABLE_LEN => {
                format!("beyond IMAPIOfflineMgr's {VTABLE_LEN} slots (undefined behaviour)")
            }
            _ => "not implemented".to_string(),
        };
        self.find(
            Rule::R7,
            Clause::Off3,
            i,
            tick,
            format!("{this}->lpVtbl[{slot}]() called: slot {slot} is {what}; it returned E_NOTIMPL"),
            "never call a placeholder slot: use only QueryInterface, AddRef, Release, SetCurrentState, GetCapabilities, GetCurrentState, Advise and Unadvise".to_string(),
        );
    }

    // ------------------------------------------------------------ shutdown / end
}
