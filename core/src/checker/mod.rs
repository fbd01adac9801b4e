//! The client-contract checker: reads a [`Trace`] and reports every place where the
//! **client** broke one of the obligations R1–R7 of spec §9
//! (`docs/contract.md`, "Client obligations the checker enforces").
//!
//! ```
//! use mapioffline::checker::check;
//! use mapioffline::{ProfileSpec, Rule, Sim, SinkSpec};
//!
//! let mut sim = Sim::default();
//! sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
//! let sink = sim.create_sink(SinkSpec::new("logger")).unwrap();
//! let mgr = sim.open("Outlook").unwrap();
//! let token = sim.advise_sink(mgr, sink, 0).unwrap(); // no GetCapabilities first
//! sim.shutdown().unwrap(); // no Unadvise, no Release
//! let rules: Vec<Rule> = check(sim.trace()).iter().map(|f| f.rule).collect();
//! assert_eq!(rules, [Rule::R1, Rule::R3, Rule::R4]);
//! # let _ = token;
//! ```
//!
//! # What it looks at
//!
//! Only the trace's events, plus `config.arch` (for the correct `ulSize`): never the
//! simulator, and never the simulator's own `diagnostic` events, so a trace recorded
//! elsewhere and loaded from JSON is checked the same way. Calls count only when they are
//! made `by: client` (calls from inside `Notify` included); Outlook's own `QueryInterface`
//! and `Release` on sinks are not the client's. A call is judged with its `return` (the
//! one that answers it, as [`crate::trace::walk`] pairs them); a call without one (a
//! truncated trace) is judged on its arguments only. "Same pointer = same object": a pointer value names one
//! object; an `IMAPIOffline` obtained by `QueryInterface` is the same object only when it has
//! the same address (it always has in the simulator).
//!
//! # Rules, exactly
//!
//! - **R1** (check capabilities first). For every client `Advise` that returned `S_OK`
//!   (a registration that was actually made): if the client made no successful
//!   (`S_OK`) `GetCapabilities` on that same pointer earlier → clause GEN-3; if the value
//!   the last such call wrote has neither `MAPIOFFLINE_CAPABILITY_OFFLINE` nor
//!   `MAPIOFFLINE_CAPABILITY_ONLINE` → CAP-1. A failed Advise registered nothing and is
//!   left to R2.
//! - **R2** (documented values only), judged on the arguments whatever the result:
//!   `SetCurrentState` — `ulFlags` other than `MAPIOFFLINE_FLAG_DEFAULT`/`_BLOCK` (SET-9,
//!   the clause that names undocumented flags), `ulMask` other than `OFFLINE_MASK`
//!   (SET-5), `ulState` other than ONLINE/OFFLINE (SET-6), non-NULL `pReserved` (SET-7);
//!   `Advise` — `ulFlags` (ADV-2), `ulSize` other than `sizeof(MAPIOFFLINE_ADVISEINFO)` for
//!   `config.arch` (ADV-4: 24 on x86, 32 on x64), `CallbackType` (ADV-6), `ulAdviseTypes`
//!   (ADV-7), `ulStateMask` (ADV-8), and a `pCallback` that is NULL or a client object the
//!   trace declares as not implementing `IMAPIOfflineNotify` (ADV-6); `Unadvise` —
//!   `ulFlags` (UNADV-1). One finding per wrong argument. NULL `pAdviseInfo` and NULL
//!   out-pointers are API misuse the simulator reports, but not one of R1–R7.
//! - **R3** (Advise/Unadvise pairing). A registration is (object pointer, advise token)
//!   from an `Advise` that returned `S_OK`; a successful `Unadvise(…, token)` on the same
//!   pointer removes it. An `Unadvise` that succeeded but named a token not registered on
//!   that pointer (never handed out, already removed, or registered on another object) →
//!   UNADV-2. Registrations left at a `shutdown` event → GEN-3, one finding each, at the
//!   shutdown event. **A trace without `shutdown`** is judged as of its last event: a
//!   recorded session that never cleans up is exactly what a learner needs to see, so its
//!   registrations are reported at the last event, and the message says "by the end of the
//!   trace" (the same holds for R4 and R5 below).
//! - **R4** (references). The client's count per pointer: +1 for `HrOpenOfflineObj` and
//!   `HrCreateOfflineObj` returning `S_OK` (on the object written), for `QueryInterface`
//!   returning `S_OK` (on the pointer written: an aggregated object hands out its outer
//!   object), and for `AddRef` returning a non-zero count; −1 for every `Release`. A
//!   `Release` when the client's count is already 0 → MGR-3 (on a sink Outlook still holds,
//!   this releases Outlook's reference: the sink dies while registered). At shutdown (or the
//!   end of the trace) every offline object the client still holds → OPEN-10. Client-owned
//!   objects (sinks, outer objects) start with the one reference they are created with
//!   (`client_object_created`); that one is the client's own object's lifetime, not a
//!   reference *obtained* from anyone, so only references beyond it (from `QueryInterface`
//!   or `AddRef`) are reported → MGR-3. A call through a pointer (any method but
//!   `Release`, judged above) when the client's count on it is 0 — after its last
//!   `Release`, or never obtained — is a use of a pointer the client does not hold → OPEN-10
//!   for an offline object, MGR-3 for a client-owned one. Only objects the trace
//!   introduced (`profile_added`, `object_created`, `client_object_created`) are counted.
//! - **R5** (`E_PENDING` means "try again after DONE"). When a client `SetCurrentState` on
//!   object O returns `E_PENDING`, O is in transition X: the one whose `transition_started`
//!   named O, or whose `state_changed`/`notify` events named O, else the running one rooted
//!   at O's nearest ancestor (`object_created.parent`); if none is known, the next
//!   `transition_completed` of any transition ends the wait. Two things are checkable:
//!   1. *busy retry* — another client `SetCurrentState` on O before X's
//!      `transition_completed` (a retry loop, or a retry from inside `Notify`, DONE
//!      included: the change is in progress until the last DONE has returned). One finding
//!      per wait, at the first premature call, counting them all → SET-3;
//!   2. *lost request* — after X completed the client never called `SetCurrentState` on O
//!      again, and at shutdown (or the end of the trace) O's state (from `profile_added`,
//!      `object_created` and `state_changed`) is not the state it asked for: the client took
//!      `E_PENDING` as success or as failure and dropped the request → SET-3, at the call
//!      that got `E_PENDING`. A request the world fulfilled anyway, or a wait cut short by
//!      shutdown, is not reported.
//! - **R6** (ignore what you cannot read; mask the state). The trace cannot show what a
//!   `Notify` does with a notification, only what the sink declared: a sink whose
//!   `client_object_created` says `validates_notify: false` and that receives a
//!   notification with a `NotifyType` outside 1..3 or a `ulMask` other than
//!   `OFFLINE_MASK` → NTF-5, at the `notify` event. Likewise whether a client masks the
//!   value of `GetCurrentState` is invisible — except when it passes a value that
//!   `GetCurrentState` returned with bits outside `OFFLINE_MASK` straight back as `ulState`
//!   of a `SetCurrentState`: that is reported → CUR-2 (beside R2's SET-6). Extra bits
//!   merely being returned are not a finding.
//! - **R7** (placeholders). A client `Slot` call that returned `E_NOTIMPL` (a placeholder
//!   slot, or one beyond the vtable) → OFF-3.
//!
//! After a `shutdown` event every pointer is dangling: the checker stops counting
//! registrations, references and pending requests (R1, R2, R6 and R7 still apply to the
//! arguments of later calls). Calls through a pointer after shutdown are reported by the
//! simulator (`ptr.after_shutdown`), not by this checker.
//!
//! Findings come sorted by event index; several findings on one event keep the order
//! above (R2 before R6 on the same call, R3 before R4 at shutdown, each in pointer order).
//! The checker is linear in the trace (times a logarithm), so it also serves long traces.

use crate::clauses::{Clause, Rule};
use crate::consts::{
    show, show_capabilities, show_state, Arch, ConstGroup, HResult, MAPIOFFLINE_ADVISE_DEFAULT,
    MAPIOFFLINE_ADVISE_TYPE_STATECHANGE, MAPIOFFLINE_CALLBACK_TYPE_NOTIFY,
    MAPIOFFLINE_CAPABILITY_OFFLINE, MAPIOFFLINE_CAPABILITY_ONLINE, MAPIOFFLINE_FLAG_BLOCK,
    MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_ALL, MAPIOFFLINE_STATE_OFFLINE,
    MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, MAPIOFFLINE_UNADVISE_DEFAULT,
};
use crate::trace::walk::Walker;
use crate::trace::{
    AdviseInfo, Call, Caller, Event, EventKind, Func, NotifyInfo, OutValue, Ptr, Tick, Trace,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

mod rules;

/// One broken client obligation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: Rule,
    /// The most specific clause the client broke.
    pub clause: Clause,
    /// Index into `trace.events` of the offending event: the `call` event of a call, the
    /// `notify` event of a notification, the `shutdown` event (or the trace's last event)
    /// for what was left behind, the call that got `E_PENDING` for a lost request.
    pub event: usize,
    /// The tick of that event.
    pub tick: Tick,
    /// What happened, naming the call and its values as the reference does.
    pub message: String,
    /// How to fix it.
    pub fix: String,
    /// Set for what the client left behind (R3 registrations, R4 references, R5 requests
    /// dropped after `E_PENDING`), which the checker judges only when the trace ends: where
    /// that was. A scenario's `expect finding` counts such a finding for the statement
    /// that ended the trace (`shutdown`), or for `expect finding RN at end`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_behind: Option<LeftBehind>,
}

/// Where a left-behind finding was judged.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeftBehind {
    /// At the `shutdown` event with this index.
    Shutdown(usize),
    /// At the end of a trace without `shutdown` (provisional: the client may still
    /// clean up).
    EndOfTrace,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}) at event #{}, t={}: {} — {}",
            self.rule, self.clause, self.event, self.tick, self.message, self.fix
        )
    }
}

impl Finding {
    /// Whether the checker has said this as of the first `n` events of a trace of
    /// `trace_len` events (a scrubber's "findings so far").
    ///
    /// `sim` choice: a finding about a call or a notification is visible once its event
    /// is; what was left behind once it was judged: at its `shutdown` event, or, in a
    /// trace without one, only at the very end (before that the client may still clean
    /// up, so showing a leak at every earlier moment would accuse it too soon). A lost
    /// request (R5) is located at the call that got `E_PENDING` but is judged there too,
    /// so it appears at shutdown or the end. A busy-retry finding (R5) appears at the
    /// first premature call, its count already the whole trace's.
    pub fn visible_at(&self, n: usize, trace_len: usize) -> bool {
        match self.left_behind {
            None => self.event < n,
            Some(LeftBehind::Shutdown(s)) => s < n,
            Some(LeftBehind::EndOfTrace) => n >= trace_len,
        }
    }
}

/// The findings of `findings` (a whole trace's, from [`check`]) visible as of the first
/// `n` of its `trace_len` events; see [`Finding::visible_at`].
pub fn findings_at(findings: &[Finding], n: usize, trace_len: usize) -> Vec<Finding> {
    findings
        .iter()
        .filter(|f| f.visible_at(n, trace_len))
        .cloned()
        .collect()
}

/// Checks a trace against the client rules R1–R7; findings sorted by event index.
pub fn check(trace: &Trace) -> Vec<Finding> {
    let mut c = Checker::new(trace.config.arch, &trace.events);
    for (i, e) in trace.events.iter().enumerate() {
        c.event(i, e);
    }
    if let Some(last) = trace.events.len().checked_sub(1) {
        if !c.ended {
            c.wrap_up(last, trace.events[last].tick, End::Trace);
        }
    }
    let mut findings = c.findings;
    // Stable: findings on one event keep the order they were made in.
    findings.sort_by_key(|f| f.event);
    findings
}

const BOTH_CAPS: u32 = MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE;
/// Slots of IMAPIOfflineMgr's vtable (IUnknown, IMAPIOffline, IMAPIOfflineMgr).
const VTABLE_LEN: u32 = 16;
/// How many acquiring calls an R4 message lists before eliding the rest.
const LIST_MAX: usize = 5;

#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    Shutdown,
    Trace,
}

impl End {
    fn when(self) -> &'static str {
        match self {
            End::Shutdown => "at shutdown",
            End::Trace => "by the end of the trace (it has no shutdown)",
        }
    }
}

struct ClientObj {
    name: String,
    implements_notify: bool,
    validates_notify: bool,
}

struct Reg {
    event: usize,
    sink: Ptr,
}

#[derive(Default)]
struct Refs {
    held: u32,
    /// References the object comes with (1 for client-owned objects).
    base: u32,
    obtained: u32,
    /// The first few acquiring calls, for the message.
    first: Vec<(Func, usize)>,
    released: u32,
}

struct Pending {
    call: usize,
    tick: Tick,
    requested: u32,
    awaited: Option<u32>,
    open: bool,
    retries: u32,
    first_retry: Option<(usize, Tick)>,
}

struct Checker<'t> {
    arch: Arch,
    findings: Vec<Finding>,
    /// The events so far (a return is judged with its call, which the walk points at).
    events: &'t [Event],
    walk: Walker,
    ended: bool,
    clients: BTreeMap<Ptr, ClientObj>,
    parents: BTreeMap<Ptr, Ptr>,
    // R1: the last successful GetCapabilities per pointer (value, event).
    caps: BTreeMap<Ptr, (u32, usize)>,
    // R3
    regs: BTreeMap<(Ptr, u32), Reg>,
    // R4
    refs: BTreeMap<Ptr, Refs>,
    // R5
    running: BTreeMap<u32, Ptr>,
    member: BTreeMap<Ptr, u32>,
    /// The transition whose STATECHANGE phase is being recorded (its `state_changed`s).
    statechange_of: Option<u32>,
    state: BTreeMap<Ptr, u32>,
    pending: BTreeMap<Ptr, Pending>,
    // R6: values GetCurrentState returned with bits outside the mask, and where.
    unmasked: BTreeMap<u32, usize>,
    /// R2: Advise calls (by event) whose pCallback finding (by index) awaits the result.
    callbacks: BTreeMap<usize, usize>,
    /// Set while `wrap_up` reports what was left behind.
    leaving: Option<LeftBehind>,
}

impl<'t> Checker<'t> {
    fn new(arch: Arch, events: &'t [Event]) -> Checker<'t> {
        Checker {
            arch,
            findings: Vec::new(),
            events,
            walk: Walker::default(),
            ended: false,
            clients: BTreeMap::new(),
            parents: BTreeMap::new(),
            caps: BTreeMap::new(),
            regs: BTreeMap::new(),
            refs: BTreeMap::new(),
            running: BTreeMap::new(),
            member: BTreeMap::new(),
            statechange_of: None,
            state: BTreeMap::new(),
            pending: BTreeMap::new(),
            unmasked: BTreeMap::new(),
            callbacks: BTreeMap::new(),
            leaving: None,
        }
    }

    fn find(
        &mut self,
        rule: Rule,
        clause: Clause,
        event: usize,
        tick: Tick,
        message: String,
        fix: String,
    ) {
        self.findings.push(Finding {
            rule,
            clause,
            event,
            tick,
            message,
            fix,
            left_behind: self.leaving,
        });
    }

    /// A pointer as messages show it: client objects with their name.
    fn obj(&self, p: Ptr) -> String {
        match self.clients.get(&p) {
            Some(c) => format!("client object {p} (\"{}\")", c.name),
            None => p.to_string(),
        }
    }

    fn event(&mut self, i: usize, e: &'t Event) {
        let tick = e.tick;
        let step = self.walk.step(e);
        match &e.kind {
            EventKind::ProfileAdded(p) => {
                self.state.insert(p.object, p.state);
            }
            EventKind::ObjectCreated(o) => {
                self.state.insert(o.object, o.state);
                if !o.parent.is_null() {
                    self.parents.insert(o.object, o.parent);
                }
            }
            EventKind::ClientObjectCreated(c) => {
                self.clients.insert(
                    c.object,
                    ClientObj {
                        name: c.name.clone(),
                        implements_notify: c.implements_notify,
                        validates_notify: c.validates_notify,
                    },
                );
                if !self.ended {
                    self.refs.insert(
                        c.object,
                        Refs {
                            held: 1,
                            base: 1,
                            ..Refs::default()
                        },
                    );
                }
            }
            EventKind::Call { by, call } => {
                if *by == Caller::Client {
                    self.on_call(i, tick, call);
                }
            }
            EventKind::Return { hr, out, .. } => {
                // Judged with the call it answers, if the trace has it.
                let Some(open) = step.answers else {
                    return;
                };
                let call_event = &self.events[open.event];
                if let EventKind::Call {
                    by: Caller::Client,
                    call,
                } = &call_event.kind
                {
                    self.on_return(open.event, call_event.tick, call, *hr, *out);
                }
            }
            EventKind::Notify {
                object,
                token,
                sink,
                info,
                transition,
            } => {
                if let Some(x) = transition {
                    if self.running.contains_key(x) {
                        self.member.insert(*object, *x);
                    }
                }
                self.on_notify(i, tick, *object, *token, *sink, info);
            }
            EventKind::TransitionStarted {
                transition, object, ..
            } => {
                self.running.insert(*transition, *object);
                self.member.insert(*object, *transition);
            }
            EventKind::Phase { transition, phase } => {
                self.statechange_of = (*phase == 2).then_some(*transition);
            }
            EventKind::StateChanged { object, new, .. } => {
                self.state.insert(*object, *new);
                if let Some(x) = self.statechange_of {
                    if self.running.contains_key(&x) {
                        self.member.insert(*object, x);
                    }
                }
            }
            EventKind::TransitionCompleted { transition } => {
                self.on_completed(*transition);
            }
            EventKind::Shutdown(_) => {
                if !self.ended {
                    self.wrap_up(i, tick, End::Shutdown);
                    self.ended = true;
                }
            }
            EventKind::RefCount { .. }
            | EventKind::Destroyed { .. }
            | EventKind::Env { .. }
            | EventKind::Advance { .. }
            | EventKind::RunUntilIdle { .. }
            | EventKind::Diagnostic(_) => {}
        }
    }

    // ------------------------------------------------------------ calls

    /// What can be judged from a client call's arguments alone.
    fn on_call(&mut self, i: usize, tick: Tick, call: &Call) {
        match call {
            Call::SetCurrentState {
                this,
                ul_flags,
                ul_mask,
                ul_state,
                p_reserved,
            } => {
                self.r2_set(i, tick, *this, *ul_flags, *ul_mask, *ul_state, *p_reserved);
                self.r6_unmasked(i, tick, *this, *ul_state);
                if !self.ended {
                    self.r5_call(i, tick, *this);
                }
            }
            Call::Advise {
                this,
                ul_flags,
                p_advise_info,
                ..
            } => self.r2_advise(i, tick, *this, *ul_flags, p_advise_info.as_deref()),
            Call::Unadvise {
                this,
                ul_flags,
                ul_advise_token,
            } if *ul_flags != MAPIOFFLINE_UNADVISE_DEFAULT => self.find(
                Rule::R2,
                Clause::Unadv1,
                i,
                tick,
                format!("Unadvise(0x{ul_flags:08X}, {ul_advise_token}) on {this}: ulFlags must be MAPIOFFLINE_UNADVISE_DEFAULT"),
                format!("call Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, {ul_advise_token})"),
            ),
            Call::Release { this } if !self.ended => self.r4_release(i, tick, *this),
            _ => {}
        }
        if let Some(this) = call.this() {
            if !self.ended && !matches!(call, Call::Release { .. }) {
                self.r4_use(i, tick, this, call.func());
            }
        }
    }

    fn on_return(
        &mut self,
        i: usize,
        tick: Tick,
        call: &Call,
        hr: Option<HResult>,
        out: Option<OutValue>,
    ) {
        let ok = hr == Some(HResult::S_OK);
        let out_ptr = match out {
            Some(OutValue::Ptr(p)) if !p.is_null() => Some(p),
            _ => None,
        };
        let out_ulong = match out {
            Some(OutValue::Ulong(v)) => Some(v),
            _ => None,
        };
        if let Call::Advise { .. } = call {
            self.callback_result(i, hr);
        }
        match call {
            Call::Slot { this, slot } if hr == Some(HResult::E_NOTIMPL) => {
                self.r7(i, tick, *this, *slot);
            }
            Call::GetCapabilities { this, .. } => {
                if let (true, Some(v)) = (ok, out_ulong) {
                    self.caps.insert(*this, (v, i));
                }
            }
            Call::GetCurrentState { .. } => {
                if let (true, Some(v)) = (ok, out_ulong) {
                    if v & !MAPIOFFLINE_STATE_OFFLINE_MASK != 0 {
                        self.unmasked.insert(v, i);
                    }
                }
            }
            Call::Advise {
                this,
                p_advise_info,
                ..
            } => {
                if let (true, Some(token)) = (ok, out_ulong) {
                    self.r1(i, tick, *this, token);
                    if !self.ended {
                        let sink = p_advise_info.as_ref().map_or(Ptr::NULL, |a| a.p_callback);
                        self.regs.insert((*this, token), Reg { event: i, sink });
                    }
                }
            }
            Call::Unadvise {
                this,
                ul_advise_token,
                ..
            } if !self.ended && hr.is_some_and(HResult::succeeded) => {
                self.r3_unadvise(i, tick, *this, *ul_advise_token);
            }
            Call::SetCurrentState { this, ul_state, .. } if !self.ended => {
                self.r5_return(i, tick, *this, *ul_state, hr);
            }
            Call::HrOpenOfflineObj(_)
            | Call::HrCreateOfflineObj { .. }
            | Call::QueryInterface { .. }
                if ok && !self.ended =>
            {
                if let Some(p) = out_ptr {
                    self.obtain(p, call.func(), i);
                }
            }
            Call::AddRef { this } if !self.ended => {
                if matches!(out, Some(OutValue::RefCount(n)) if n > 0) {
                    self.obtain(*this, Func::AddRef, i);
                }
            }
            _ => {}
        }
    }

    // ------------------------------------------------------------ R1

    fn obtain(&mut self, p: Ptr, func: Func, i: usize) {
        let r = self.refs.entry(p).or_default();
        r.held = r.held.saturating_add(1);
        r.obtained = r.obtained.saturating_add(1);
        if r.first.len() < LIST_MAX {
            r.first.push((func, i));
        }
    }

    /// The transition that keeps `o` busy, as far as the trace tells.
    fn transition_of(&self, o: Ptr) -> Option<u32> {
        if let Some(x) = self.member.get(&o) {
            if self.running.contains_key(x) {
                return Some(*x);
            }
        }
        let mut cur = o;
        for _ in 0..=self.parents.len() {
            if let Some((x, _)) = self.running.iter().rev().find(|(_, root)| **root == cur) {
                return Some(*x);
            }
            cur = *self.parents.get(&cur)?;
        }
        None
    }

    fn on_completed(&mut self, x: u32) {
        self.running.remove(&x);
        self.member.retain(|_, t| *t != x);
        if self.statechange_of == Some(x) {
            self.statechange_of = None;
        }
        let closing: Vec<Ptr> = self
            .pending
            .iter()
            .filter(|(_, p)| p.open && p.awaited.is_none_or(|a| a == x))
            .map(|(o, _)| *o)
            .collect();
        for o in closing {
            let mut p = self.pending.remove(&o).expect("collected above");
            self.busy_retry(o, &p, None);
            p.open = false;
            p.first_retry = None;
            self.pending.insert(o, p);
        }
    }

    fn on_notify(
        &mut self,
        i: usize,
        tick: Tick,
        object: Ptr,
        token: u32,
        sink: Ptr,
        info: &NotifyInfo,
    ) {
        if info.is_supported() {
            return;
        }
        let Some(c) = self.clients.get(&sink) else {
            return;
        };
        if c.validates_notify {
            return;
        }
        let what = match (1..=3).contains(&info.notify_type) {
            false => format!(
                "NotifyType {}",
                show(ConstGroup::NotifyType, info.notify_type)
            ),
            true => format!("ulMask {}", show(ConstGroup::StateMask, info.ul_mask)),
        };
        self.find(
            Rule::R6,
            Clause::Ntf5,
            i,
            tick,
            format!("{} does not check NotifyType and ulMask in Notify, and received a notification with {what} (advise token {token} on {object}): it reads Info.StateChange of a notification it must ignore", self.obj(sink)),
            "in Notify, return at once unless NotifyType is MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START, _STATECHANGE or _STATECHANGE_DONE and Info.StateChange.ulMask == MAPIOFFLINE_STATE_OFFLINE_MASK".to_string(),
        );
    }

    /// Reports what the client left behind, as of event `i` (the shutdown, or the last
    /// event of a trace without one).
    fn wrap_up(&mut self, i: usize, tick: Tick, end: End) {
        let when = end.when();
        self.leaving = Some(match end {
            End::Shutdown => LeftBehind::Shutdown(i),
            End::Trace => LeftBehind::EndOfTrace,
        });
        // R3
        let regs = std::mem::take(&mut self.regs);
        for ((object, token), reg) in &regs {
            let message = match end {
                End::Shutdown => format!("advise token {token} on {object} (sink {}, advised at event #{}) was never removed", reg.sink, reg.event),
                End::Trace => format!("advise token {token} on {object} (sink {}, advised at event #{}) was never removed {when}", reg.sink, reg.event),
            };
            self.find(
                Rule::R3,
                Clause::Gen3,
                i,
                tick,
                message,
                format!("call Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, {token}) before shutdown"),
            );
        }
        // R4
        let refs = std::mem::take(&mut self.refs);
        for (p, r) in &refs {
            if r.held <= r.base {
                continue;
            }
            let extra = r.held - r.base;
            let mut list: Vec<String> = r
                .first
                .iter()
                .map(|(f, at)| format!("{f} at #{at}"))
                .collect();
            if r.obtained as usize > r.first.len() {
                list.push(format!("{} more", r.obtained as usize - r.first.len()));
            }
            let (clause, message) = if r.base > 0 {
                (
                    Clause::Mgr3,
                    format!("the client still holds {extra} reference(s) on {} {when}, beyond the one it was created with (obtained {}: {}; released {})", self.obj(*p), r.obtained, list.join(", "), r.released),
                )
            } else {
                (
                    Clause::Open10,
                    format!("the client still holds {extra} reference(s) on {p} {when} (obtained {}: {}; released {})", r.obtained, list.join(", "), r.released),
                )
            };
            self.find(
                Rule::R4,
                clause,
                i,
                tick,
                message,
                format!("call {p}->Release() {extra} more time(s) before shutdown: one Release for every HrOpenOfflineObj, HrCreateOfflineObj, successful QueryInterface and AddRef"),
            );
        }
        // R5
        let pending = std::mem::take(&mut self.pending);
        for (o, p) in pending {
            if p.open {
                // A busy retry is about the retry itself, not something left behind.
                let leaving = self.leaving.take();
                self.busy_retry(o, &p, Some(end));
                self.leaving = leaving;
                continue;
            }
            let Some(&now) = self.state.get(&o) else {
                continue;
            };
            let now = now & MAPIOFFLINE_STATE_OFFLINE_MASK;
            if !state_ok(p.requested) || now == p.requested {
                continue;
            }
            let change = match p.awaited {
                Some(x) => format!("transition #{x}"),
                None => "the change in progress".to_string(),
            };
            self.find(
                Rule::R5,
                Clause::Set3,
                p.call,
                p.tick,
                format!("SetCurrentState(…, {}) on {o} got E_PENDING while {change} was in progress, and the client never called SetCurrentState on {o} again after it completed: {o} is {} {when}, not the state requested", show(ConstGroup::State, p.requested), show_state(now)),
                format!("treat E_PENDING as \"not yet\", neither failure nor success: remember the request and call SetCurrentState(…, {}) again once {change} has delivered STATECHANGE_DONE", show(ConstGroup::State, p.requested)),
            );
        }
        self.running.clear();
        self.member.clear();
        self.leaving = None;
    }
}

fn state_ok(s: u32) -> bool {
    s == MAPIOFFLINE_STATE_ONLINE || s == MAPIOFFLINE_STATE_OFFLINE
}

fn join(tokens: &[u32]) -> String {
    tokens
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
