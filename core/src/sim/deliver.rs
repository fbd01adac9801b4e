//! Delivering notifications: which registrations hear a phase, calling each sink's
//! `Notify`, and what a client object does inside it (NTF-*, ADV-11). A foreign sink's
//! `Notify` is the driver's to call (`jobs.rs`).

use super::identity::Identity;
use super::jobs::ForeignNotify;
use super::Sim;
use crate::clauses::{Clause, Rule};
use crate::consts::*;
use crate::trace::*;

/// Nesting beyond this (Notify → blocking call → Notify …) is refused rather than
/// risking the host's stack.
pub(super) const MAX_NESTING: u16 = 64;

impl Sim {
    /// Delivers `info` to the object's registrations with tokens after `cursor` and below
    /// `bound`, in token (registration) order, re-checking each one so that an Unadvise
    /// made meanwhile holds. Returns where to resume when it stops at a foreign sink,
    /// whose `Notify` the driver then calls ([`Sim::poll_notify`]).
    #[inline(always)]
    pub(super) fn deliver(
        &mut self,
        obj: usize,
        mut info: NotifyInfo,
        bound: u32,
        transition: Option<u32>,
        mut cursor: u32,
    ) -> Option<u32> {
        let object = Identity::offline_ptr(obj);
        let supported = info.is_supported();
        let NotifyInfo {
            ul_size,
            notify_type,
            ul_mask,
            ul_state_old,
            ul_state_new,
            ..
        } = info;
        loop {
            // Fast path: sinks that only receive cannot change the registrations, so one
            // range walk serves them all. A sink that may call back (or needs a
            // diagnostic, or is foreign) ends the walk; the search resumes after it,
            // which re-reads whatever its calls changed.
            let mut reactive = None;
            {
                let ids = &self.ids;
                let events = &mut self.trace.events;
                // What every notification of this walk shares, built once. Each event
                // is this copied whole (four wide stores), then given its own token,
                // sink and ulClientToken: built field by field, an event took fourteen
                // narrow stores, of values that no longer fit in registers (at 100
                // sinks, about 15 % faster this way). It owns nothing, so it is never
                // dropped (that is a call to the event's drop glue for each walk); and it
                // is kept opaque (`black_box`), else the compiler splits it back into its
                // fields and stores them one by one.
                let proto = std::mem::ManuallyDrop::new(Event {
                    tick: self.clock.now(),
                    depth: self.depth,
                    kind: EventKind::Notify {
                        object,
                        token: 0,
                        sink: Ptr::NULL,
                        info: NotifyInfo {
                            ul_size,
                            notify_type,
                            ul_client_token: 0,
                            ul_mask,
                            ul_state_old,
                            ul_state_new,
                        },
                        transition,
                    },
                });
                let proto: &Event = std::hint::black_box(&proto);
                let regs = self.regs.between(obj, cursor, bound);
                // Room for every registration first: the loop then writes each event with
                // no capacity check and sets the length once.
                events.reserve(regs.most());
                let (recorded, buf) = (events.len(), events.as_mut_ptr());
                let mut n = 0;
                for (token, reg) in regs {
                    cursor = token;
                    if !(supported && ids.quiet(reg.sink as usize)) {
                        reactive = Some(*reg);
                        break;
                    }
                    // SAFETY: `recorded + n` is below the capacity reserved above (at
                    // most one event per registration walked). `proto` is a Notify event,
                    // which owns nothing (its fields are all `Copy`): a bitwise copy of it
                    // is a value of its own, and neither frees anything when dropped.
                    unsafe {
                        let slot = buf.add(recorded + n);
                        slot.copy_from_nonoverlapping(proto, 1);
                        if let EventKind::Notify {
                            token: t,
                            sink,
                            info,
                            ..
                        } = &mut (*slot).kind
                        {
                            *t = token;
                            *sink = Identity::client_ptr(reg.sink as usize);
                            info.ul_client_token = reg.client_token;
                        }
                    }
                    n += 1;
                }
                // SAFETY: the `n` slots after `recorded` were initialised just above.
                unsafe { events.set_len(recorded + n) };
            }
            let reg = reactive?;
            info.ul_client_token = reg.client_token;
            if self.clients[reg.sink as usize].spec.foreign && self.ids.alive(reg.sink as usize) {
                if self.notify_foreign(obj, cursor, reg.sink as usize, info, transition) {
                    return Some(cursor);
                }
                continue;
            }
            self.notify_one(obj, cursor, reg.sink as usize, info, transition);
        }
    }

    /// Records the notification to a foreign sink and leaves it for the driver to call;
    /// false when it cannot be called (and a diagnostic says why).
    fn notify_foreign(
        &mut self,
        obj: usize,
        token: u32,
        sink: usize,
        info: NotifyInfo,
        transition: Option<u32>,
    ) -> bool {
        let sink_ptr = Identity::client_ptr(sink);
        self.push(EventKind::Notify {
            object: Identity::offline_ptr(obj),
            token,
            sink: sink_ptr,
            info,
            transition,
        });
        if self.depth >= MAX_NESTING {
            self.error("notify.too_deep", Some(Clause::Ntf8), None, format!("calls from inside Notify are nested {} deep; the simulator does not call {sink_ptr}'s Notify rather than exhaust the stack", self.depth + 1));
            return false;
        }
        if self.reacting > 0 {
            // A simulated sink's reaction runs inside the engine: it cannot wait for the
            // driver to call foreign code.
            self.error("notify.foreign_in_reaction", Some(Clause::Ntf8), None, format!("{sink_ptr} is a foreign sink and this notification comes from a call a simulated sink's reaction made: the simulator cannot call foreign code from there and skips it. Use only foreign sinks, or only simulated ones, in one tree"));
            return false;
        }
        self.depth += 1;
        self.in_notify += 1;
        self.work.set_pending(ForeignNotify {
            sink: sink_ptr,
            token,
            info,
        });
        true
    }

    pub(super) fn notify_one(
        &mut self,
        obj: usize,
        token: u32,
        sink: usize,
        info: NotifyInfo,
        transition: Option<u32>,
    ) {
        let sink_ptr = Identity::client_ptr(sink);
        if !self.ids.alive(sink) {
            // The client released the reference the manager holds (R4): in Outlook this
            // Notify would call into freed memory.
            self.error("notify.destroyed_sink", Some(Clause::Adv10), Some(Rule::R4), format!("advise token {token}: the sink {sink_ptr} was destroyed while still registered (the client released the manager's reference); a real Outlook would call freed memory. The simulator skips it"));
            return;
        }
        self.push(EventKind::Notify {
            object: Identity::offline_ptr(obj),
            token,
            sink: sink_ptr,
            info,
            transition,
        });
        let c = &self.clients[sink];
        if c.spec.reactions.is_empty() && info.is_supported() {
            return;
        }
        self.depth += 1;
        self.in_notify += 1;
        self.reacting += 1;
        self.sink_behaviour(sink, token, info);
        self.reacting -= 1;
        self.in_notify -= 1;
        self.depth -= 1;
    }

    pub(super) fn sink_behaviour(&mut self, sink: usize, token: u32, info: NotifyInfo) {
        if !info.is_supported() {
            if self.clients[sink].spec.validates_notify {
                self.note("notify.ignored", Clause::Ntf6, format!("NotifyType {} / ulMask 0x{:X} is outside the supported values: the sink checks first (NTF-5) and ignores it", info.notify_type, info.ul_mask));
                return;
            }
            self.error("notify.misread", Some(Clause::Ntf5), Some(Rule::R6), format!("the sink reads Info.StateChange of a notification with NotifyType {} / ulMask 0x{:X} without checking: it must ignore it (NTF-6, GEN-4)", info.notify_type, info.ul_mask));
        }
        if self.depth > MAX_NESTING {
            self.error("notify.too_deep", Some(Clause::Ntf8), None, format!("calls from inside Notify are nested {} deep; the simulator stops here rather than exhaust the stack", self.depth));
            return;
        }
        let n = self.clients[sink].spec.reactions.len();
        for k in 0..n {
            if !self.ids.alive(sink) {
                return;
            }
            let c = &self.clients[sink];
            let r = &c.spec.reactions[k];
            if r.on.is_some_and(|t| t != info.notify_type) || (r.once && c.fired[k]) {
                continue;
            }
            let action = r.action.clone();
            self.clients[sink].fired[k] = true;
            self.perform(action, token, Identity::client_ptr(sink));
        }
    }

    pub(super) fn perform(&mut self, action: Action, own_token: u32, me: Ptr) {
        match action {
            Action::Call(c) => self.perform_call(&c, own_token, me),
            Action::Unadvise { mgr, token } => {
                self.unadvise(
                    mgr,
                    MAPIOFFLINE_UNADVISE_DEFAULT,
                    token.unwrap_or(own_token),
                );
            }
            Action::SetCurrentState {
                this,
                flags,
                mask,
                state,
            } => {
                self.set_current_state(this, flags, mask, state, 0);
            }
            Action::Advise {
                mgr,
                sink,
                client_token,
            } => {
                let info = self.advise_info(client_token, sink);
                self.advise(mgr, MAPIOFFLINE_ADVISE_DEFAULT, Some(&info), Out::Valid);
            }
            Action::Release { this } => {
                self.release(this);
            }
            Action::GetCurrentState { this } => {
                self.get_current_state(this, Out::Valid);
            }
        }
    }
}
