//! One event of a trace, decoded: its words, each of its fields with the reference's name,
//! the value as written and what it means, the explain term to look up, the clauses it
//! demonstrates, and for a `Notify` the registration it went to. The playground's event
//! panel and the REPL's `:at N` show this; neither decodes a field itself.
//!
//! ```
//! use mapioffline::explain::event::decode;
//! use mapioffline::{consts::*, ProfileSpec, Sim};
//!
//! let mut sim = Sim::default();
//! sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
//! let mgr = sim.open("Outlook").unwrap();
//! sim.set_current_state(mgr, MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK,
//!                       MAPIOFFLINE_STATE_OFFLINE, 0);
//! let trace = sim.take_trace();
//! let i = trace.events.iter().position(|e| matches!(e.kind,
//!     mapioffline::EventKind::Call { call: mapioffline::Call::SetCurrentState { .. }, .. })).unwrap();
//! let d = decode(&trace, i).unwrap();
//! let state = d.fields.iter().find(|f| f.name == "ulState").unwrap();
//! assert_eq!(state.value, "0x00000001");
//! assert_eq!(state.meaning.as_deref(), Some("MAPIOFFLINE_STATE_OFFLINE"));
//! ```

use crate::clauses::Clause;
use crate::consts::{self, show_capabilities, show_state, ConstGroup, Guid, HResult};
use crate::coverage::clauses_by_event;
use crate::render::TextIndex;
use crate::trace::walk::{Step, Walker};
use crate::trace::{
    Call, Caller, EnvEvent, Event, EventKind, Func, GuidPtr, NotifyInfo, Out, OutValue, Ptr, Tick,
    Trace,
};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// An event, decoded for a person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DecodedEvent {
    /// Its index in the trace.
    pub index: usize,
    pub tick: Tick,
    pub depth: u16,
    /// The JSON schema's name of its kind (`call`, `return`, `notify`…).
    pub kind: &'static str,
    /// Its words, as the text rendering has them.
    pub title: String,
    pub fields: Vec<Field>,
    /// The clauses it gives evidence for (`coverage::clauses_by_event`).
    pub clauses: Vec<Clause>,
    /// For a `return`: the index of the call it answers.
    pub answers: Option<usize>,
    /// For a `notify`: its phase and the registration it went to.
    pub notify: Option<Delivery>,
}

/// One field of an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Field {
    /// The reference's name (`ulStateNew`, `NotifyType`, `hr`), as the trace's JSON has it;
    /// a structure's field is `pAdviseInfo->ulClientToken`.
    pub name: String,
    /// The value as written (`0x00000001`, `12`, `"Outlook"`).
    pub value: String,
    /// What it means (`MAPIOFFLINE_STATE_OFFLINE`, `sink "monitor"`), when it means more
    /// than it says.
    pub meaning: Option<String>,
    /// The term to give `explain` for it, when it has one.
    pub explain: Option<String>,
}

/// Where a `Notify` went.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// `NotifyType`: 1 START, 2 STATECHANGE, 3 DONE, or an injected value.
    pub phase: u32,
    /// Its name (`MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START`) or the hex value.
    pub phase_name: String,
    /// The offline object the registration is on.
    pub object: Ptr,
    pub advise_token: u32,
    pub sink: Ptr,
    /// The sink's label (`sink "monitor"`).
    pub sink_label: String,
    /// The `ulClientToken` the registration was made with, when the trace holds its
    /// `Advise`.
    pub client_token: Option<u32>,
    /// The transition it belongs to; `None` for an injected notification.
    pub transition: Option<u32>,
}

impl DecodedEvent {
    /// A few lines for a terminal: the title, each field, the clauses.
    pub fn to_text(&self) -> String {
        let mut s = format!(
            "event #{} ({}) at t={}, depth {}: {}\n",
            self.index, self.kind, self.tick, self.depth, self.title
        );
        if let Some(c) = self.answers {
            let _ = writeln!(s, "  answers the call at event #{c}");
        }
        let width = self.fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
        for f in &self.fields {
            let _ = write!(s, "  {:<width$}  {}", f.name, f.value);
            if let Some(m) = &f.meaning {
                let _ = write!(s, "  ({m})");
            }
            s.push('\n');
        }
        if let Some(d) = &self.notify {
            let _ = write!(
                s,
                "  delivered: {} to {} through advise token {} on {}",
                d.phase_name, d.sink_label, d.advise_token, d.object
            );
            if let Some(t) = d.client_token {
                let _ = write!(s, " (ulClientToken {t})");
            }
            s.push('\n');
        }
        if !self.clauses.is_empty() {
            let ids: Vec<String> = self.clauses.iter().map(|c| c.to_string()).collect();
            let _ = writeln!(s, "  demonstrates: {}", ids.join(", "));
        }
        s
    }
}

/// Decodes event `i` of `trace`; `None` past its end. Reads the whole trace: to decode
/// many events of one trace (a scrubber, the REPL), build a [`Decoder`] once.
pub fn decode(trace: &Trace, i: usize) -> Option<DecodedEvent> {
    Decoder::new(trace).decode(trace, i)
}

/// How often [`Decoder`] keeps the walk's state: decoding an event walks at most this many
/// events from the checkpoint before it.
const CHECKPOINT_EVERY: usize = 256;

/// The walk's state before an event: its frames and names, and the client token each
/// advise token was registered with (the trace's successful `Advise` calls so far).
#[derive(Clone, Default)]
struct WalkState {
    walker: Walker,
    tokens: BTreeMap<u32, u32>,
}

impl WalkState {
    /// Steps over event `k`, remembering the client token of a successful `Advise`.
    fn step(&mut self, events: &[Event], k: usize) -> Step {
        let ev = &events[k];
        let s = self.walker.step(ev);
        if let EventKind::Return {
            func: Func::Advise,
            hr: Some(hr),
            out: Some(OutValue::Ulong(token)),
            ..
        } = &ev.kind
        {
            if *hr == HResult::S_OK {
                if let Some(Call::Advise {
                    p_advise_info: Some(a),
                    ..
                }) = s.answers.and_then(|c| call_at(events, c.event))
                {
                    self.tokens.insert(*token, a.ul_client_token);
                }
            }
        }
        s
    }
}

/// A trace read once, ready to decode any of its events quickly: the words' index, the
/// clauses of every event, and the walk's state every [`CHECKPOINT_EVERY`] events. What it
/// decodes equals [`decode`]'s (tested), for the trace it was built from.
#[derive(Clone, Default)]
pub struct Decoder {
    words: TextIndex,
    clauses: Vec<BTreeSet<Clause>>,
    /// `checkpoints[k]`: the walk before event `k * every`.
    checkpoints: Vec<WalkState>,
    every: usize,
}

impl Decoder {
    pub fn new(trace: &Trace) -> Decoder {
        Decoder::with_checkpoints_every(trace, CHECKPOINT_EVERY)
    }

    fn with_checkpoints_every(trace: &Trace, every: usize) -> Decoder {
        let every = every.max(1);
        let mut state = WalkState::default();
        let mut checkpoints = Vec::with_capacity(trace.events.len() / every + 1);
        for k in 0..trace.events.len() {
            if k % every == 0 {
                checkpoints.push(state.clone());
            }
            state.step(&trace.events, k);
        }
        Decoder {
            words: TextIndex::new(trace),
            clauses: clauses_by_event(trace),
            checkpoints,
            every,
        }
    }

    /// Event `i` of `trace` (the trace this decoder was built from), decoded; `None` past
    /// its end.
    pub fn decode(&self, trace: &Trace, i: usize) -> Option<DecodedEvent> {
        let e = trace.events.get(i)?;
        let title = self.words.body(trace, i)?;
        let from = i / self.every * self.every;
        let mut state = self.checkpoints.get(i / self.every)?.clone();
        for k in from..i {
            state.step(&trace.events, k);
        }
        // The event's own step, without taking its Advise token: the fields read the
        // registrations made before it.
        let step = state.walker.step(e);
        let answers = step.answers.map(|c| c.event);
        let f = Fields {
            w: &state.walker,
            arch: trace.config.arch,
            out: Vec::new(),
        };
        let (fields, notify) = f.event(
            e,
            answers.and_then(|c| call_at(&trace.events, c)),
            &state.tokens,
        );
        let clauses = self
            .clauses
            .get(i)
            .map(|c| c.iter().copied().collect())
            .unwrap_or_default();
        Some(DecodedEvent {
            index: i,
            tick: e.tick,
            depth: e.depth,
            kind: kind_name(&e.kind),
            title,
            fields,
            clauses,
            answers,
            notify,
        })
    }
}

fn call_at(events: &[Event], i: usize) -> Option<&Call> {
    match &events.get(i)?.kind {
        EventKind::Call { call, .. } => Some(call),
        _ => None,
    }
}

/// The JSON schema's `event` tag.
fn kind_name(k: &EventKind) -> &'static str {
    match k {
        EventKind::ProfileAdded(_) => "profile_added",
        EventKind::ClientObjectCreated(_) => "client_object_created",
        EventKind::ObjectCreated(_) => "object_created",
        EventKind::Call { .. } => "call",
        EventKind::Return { .. } => "return",
        EventKind::Notify { .. } => "notify",
        EventKind::RefCount { .. } => "ref_count",
        EventKind::Destroyed { .. } => "destroyed",
        EventKind::Env { .. } => "env",
        EventKind::Advance { .. } => "advance",
        EventKind::RunUntilIdle { .. } => "run_until_idle",
        EventKind::TransitionStarted { .. } => "transition_started",
        EventKind::Phase { .. } => "phase",
        EventKind::StateChanged { .. } => "state_changed",
        EventKind::TransitionCompleted { .. } => "transition_completed",
        EventKind::Diagnostic(_) => "diagnostic",
        EventKind::Shutdown(_) => "shutdown",
    }
}

/// Builds the fields of one event.
struct Fields<'w> {
    w: &'w Walker,
    arch: consts::Arch,
    out: Vec<Field>,
}

fn hex(v: u32) -> String {
    format!("0x{v:08X}")
}

impl Fields<'_> {
    fn push(
        &mut self,
        name: &str,
        value: String,
        meaning: Option<String>,
        explain: Option<String>,
    ) {
        self.out.push(Field {
            name: name.to_string(),
            value,
            meaning,
            explain,
        });
    }

    /// A plain number: a token, a count, a tick.
    fn num(&mut self, name: &str, v: impl ToString) {
        self.push(name, v.to_string(), None, None);
    }

    fn flag(&mut self, name: &str, v: bool) {
        self.push(name, v.to_string(), None, None);
    }

    fn text(&mut self, name: &str, v: &str) {
        self.push(name, format!("{v:?}"), None, None);
    }

    /// A ULONG of a group of constants: its name when it has one, else the hex value to
    /// explain.
    fn ulong(&mut self, name: &str, v: u32, group: ConstGroup) {
        let named = consts::name_in(group, v);
        self.push(
            name,
            hex(v),
            named.map(str::to_string),
            Some(named.map_or_else(|| hex(v), str::to_string)),
        );
    }

    fn state(&mut self, name: &str, v: u32) {
        let shown = show_state(v);
        let key = consts::name_in(ConstGroup::State, v).map_or_else(|| hex(v), str::to_string);
        self.push(name, hex(v), Some(shown), Some(key));
    }

    fn caps(&mut self, name: &str, v: u32) {
        let key = consts::name_in(ConstGroup::Capability, v).map_or_else(|| hex(v), str::to_string);
        self.push(name, hex(v), Some(show_capabilities(v)), Some(key));
    }

    fn ptr(&mut self, name: &str, p: Ptr) {
        let meaning = self.w.named(p).map(|n| n.label());
        self.push(name, p.to_string(), meaning, None);
    }

    fn out_ptr(&mut self, name: &str, o: Out) {
        let v = match o {
            Out::Valid => "a valid pointer",
            Out::Null => "NULL",
        };
        self.push(name, v.to_string(), None, None);
    }

    fn guid(&mut self, name: &str, g: Option<Guid>) {
        match g {
            Some(g) => {
                let n = g.name().map(str::to_string);
                self.push(
                    name,
                    g.to_string(),
                    n.clone(),
                    Some(n.unwrap_or(g.to_string())),
                );
            }
            None => self.push(name, "NULL".into(), None, None),
        }
    }

    fn guid_ptr(&mut self, name: &str, g: GuidPtr) {
        match g {
            GuidPtr::To(g) => self.guid(name, Some(g)),
            GuidPtr::Null => self.push(name, "NULL".into(), None, None),
            GuidPtr::Addr(a) => self.push(
                name,
                format!("0x{a:X}"),
                Some("an address with no GUID behind it".into()),
                None,
            ),
        }
    }

    fn hr(&mut self, hr: HResult) {
        let v = hex(hr.0);
        let n = hr.name().map(str::to_string);
        self.push("hr", v.clone(), n.clone(), Some(n.unwrap_or(v)));
    }

    fn func(&mut self, f: Func) {
        let key = match f {
            Func::Slot => None,
            _ => Some(f.to_string()),
        };
        self.push("fn", f.to_string(), None, key);
    }

    fn by(&mut self, by: Caller) {
        let v = match by {
            Caller::Client => "client",
            Caller::Outlook => "outlook",
        };
        self.push("by", v.into(), None, None);
    }

    fn size(&mut self, name: &str, v: u32, structure: &str, right: u32) {
        let meaning = if v == right {
            format!("sizeof({structure}) on {:?}", self.arch)
        } else {
            format!(
                "not sizeof({structure}), which is {right} on {:?}",
                self.arch
            )
        };
        self.push(name, v.to_string(), Some(meaning), Some(structure.into()));
    }

    fn notify_info(&mut self, info: &NotifyInfo) {
        self.size(
            "ulSize",
            info.ul_size,
            "MAPIOFFLINE_NOTIFY",
            consts::SIZEOF_MAPIOFFLINE_NOTIFY,
        );
        self.ulong("NotifyType", info.notify_type, ConstGroup::NotifyType);
        self.num("ulClientToken", info.ul_client_token);
        self.ulong("ulMask", info.ul_mask, ConstGroup::StateMask);
        self.state("ulStateOld", info.ul_state_old);
        self.state("ulStateNew", info.ul_state_new);
    }

    fn call(&mut self, c: &Call) {
        self.func(c.func());
        match c {
            Call::HrOpenOfflineObj(a) => {
                self.num("ulReserved", a.ul_reserved);
                match &a.pwsz_profile_name_in {
                    Some(n) => self.text("pwszProfileNameIn", n),
                    None => self.push("pwszProfileNameIn", "NULL".into(), None, None),
                }
                self.guid_ptr("pGUID", a.p_guid);
                self.guid_ptr("pReserved", a.p_reserved);
                self.out_ptr("ppOfflineObj", a.pp_offline_obj);
            }
            Call::QueryInterface {
                this,
                riid,
                ppv_object,
            } => {
                self.ptr("this", *this);
                self.guid_ptr("riid", *riid);
                self.out_ptr("ppvObject", *ppv_object);
            }
            Call::AddRef { this } | Call::Release { this } => self.ptr("this", *this),
            Call::SetCurrentState {
                this,
                ul_flags,
                ul_mask,
                ul_state,
                p_reserved,
            } => {
                self.ptr("this", *this);
                self.ulong("ulFlags", *ul_flags, ConstGroup::SetFlags);
                self.ulong("ulMask", *ul_mask, ConstGroup::StateMask);
                self.state("ulState", *ul_state);
                self.push("pReserved", format!("0x{p_reserved:X}"), None, None);
            }
            Call::GetCapabilities {
                this,
                pul_capabilities,
            } => {
                self.ptr("this", *this);
                self.out_ptr("pulCapabilities", *pul_capabilities);
            }
            Call::GetCurrentState { this, pul_state } => {
                self.ptr("this", *this);
                self.out_ptr("pulState", *pul_state);
            }
            Call::Slot { this, slot } => {
                self.ptr("this", *this);
                self.num("slot", slot);
            }
            Call::Advise {
                this,
                ul_flags,
                p_advise_info,
                pul_advise_token,
            } => {
                self.ptr("this", *this);
                self.ulong("ulFlags", *ul_flags, ConstGroup::AdviseFlags);
                match p_advise_info {
                    None => self.push("pAdviseInfo", "NULL".into(), None, None),
                    Some(a) => {
                        let right = self.arch.sizeof_adviseinfo();
                        self.size(
                            "pAdviseInfo->ulSize",
                            a.ul_size,
                            "MAPIOFFLINE_ADVISEINFO",
                            right,
                        );
                        self.num("pAdviseInfo->ulClientToken", a.ul_client_token);
                        self.ulong(
                            "pAdviseInfo->CallbackType",
                            a.callback_type,
                            ConstGroup::CallbackType,
                        );
                        self.ptr("pAdviseInfo->pCallback", a.p_callback);
                        self.ulong(
                            "pAdviseInfo->ulAdviseTypes",
                            a.ul_advise_types,
                            ConstGroup::AdviseType,
                        );
                        self.ulong(
                            "pAdviseInfo->ulStateMask",
                            a.ul_state_mask,
                            ConstGroup::StateMask,
                        );
                    }
                }
                self.out_ptr("pulAdviseToken", *pul_advise_token);
            }
            Call::Unadvise {
                this,
                ul_flags,
                ul_advise_token,
            } => {
                self.ptr("this", *this);
                self.ulong("ulFlags", *ul_flags, ConstGroup::UnadviseFlags);
                self.num("ulAdviseToken", ul_advise_token);
            }
            Call::HrCreateOfflineObj {
                ul_flags,
                p_create_info,
                pp_offline,
            } => {
                self.num("ulFlags", ul_flags);
                match p_create_info {
                    None => self.push("pCreateInfo", "NULL".into(), None, None),
                    Some(ci) => {
                        let right = self.arch.sizeof_createinfo();
                        self.size(
                            "pCreateInfo->ulSize",
                            ci.ul_size,
                            "MAPIOFFLINE_CREATEINFO",
                            right,
                        );
                        self.num("pCreateInfo->ulCreateFlags", ci.ul_create_flags);
                        match &ci.pwsz_profile_name {
                            Some(n) => self.text("pCreateInfo->pwszProfileName", n),
                            None => {
                                self.push("pCreateInfo->pwszProfileName", "NULL".into(), None, None)
                            }
                        }
                        self.caps("pCreateInfo->ulCapabilities", ci.ul_capabilities);
                        self.guid_ptr("pCreateInfo->pGUID", ci.p_guid);
                        self.guid_ptr("pCreateInfo->pInstance", ci.p_instance);
                        self.ptr("pCreateInfo->pParent", ci.p_parent);
                        self.ptr("pCreateInfo->pMAPISupport", ci.p_mapi_support);
                        match &ci.p_aggregate_info {
                            None => {
                                self.push("pCreateInfo->pAggregateInfo", "NULL".into(), None, None)
                            }
                            Some(a) => {
                                let right = self.arch.sizeof_aggregateinfo();
                                self.size(
                                    "pAggregateInfo->ulSize",
                                    a.ul_size,
                                    "MAPIOFFLINE_AGGREGATEINFO",
                                    right,
                                );
                                self.ptr("pAggregateInfo->pOuterObj", a.p_outer_obj);
                                self.ptr("pAggregateInfo->pRefTrackRoot", a.p_ref_track_root);
                            }
                        }
                    }
                }
                self.out_ptr("ppOffline", *pp_offline);
            }
        }
    }

    /// What a return wrote, named after the call's out-parameter.
    fn out_value(&mut self, func: Func, out: &OutValue) {
        match (func, out) {
            (_, OutValue::RefCount(n)) => self.num("ULONG (reference count)", n),
            (Func::HrOpenOfflineObj, OutValue::Ptr(p)) => self.ptr("*ppOfflineObj", *p),
            (Func::HrCreateOfflineObj, OutValue::Ptr(p)) => self.ptr("*ppOffline", *p),
            (_, OutValue::Ptr(p)) => self.ptr("*ppvObject", *p),
            (Func::GetCapabilities, OutValue::Ulong(v)) => self.caps("*pulCapabilities", *v),
            (Func::GetCurrentState, OutValue::Ulong(v)) => self.state("*pulState", *v),
            (Func::Advise, OutValue::Ulong(v)) => self.num("*pulAdviseToken", v),
            (_, OutValue::Ulong(v)) => self.num("*out", v),
        }
    }

    fn event(
        mut self,
        e: &Event,
        answered: Option<&Call>,
        tokens: &BTreeMap<u32, u32>,
    ) -> (Vec<Field>, Option<Delivery>) {
        let mut delivery = None;
        match &e.kind {
            EventKind::ProfileAdded(p) => {
                self.text("profile", &p.profile);
                self.ptr("object", p.object);
                self.caps("capabilities", p.capabilities);
                self.state("state", p.state);
                self.flag("caller_inside_outlook", p.caller_inside_outlook);
                self.flag("server_up", p.server_up);
            }
            EventKind::ClientObjectCreated(c) => {
                self.ptr("object", c.object);
                self.text("name", &c.name);
                self.flag("implements_notify", c.implements_notify);
                self.flag("validates_notify", c.validates_notify);
                for g in &c.interfaces {
                    self.guid("interfaces", Some(*g));
                }
                self.num("reactions", c.reactions.len());
                self.flag("foreign", c.foreign);
            }
            EventKind::ObjectCreated(o) => {
                self.ptr("object", o.object);
                self.text("profile", &o.profile);
                self.ptr("parent", o.parent);
                self.caps("capabilities", o.capabilities);
                self.guid("type_guid", o.type_guid);
                self.guid("instance", o.instance);
                self.ptr("outer", o.outer);
                self.state("state", o.state);
            }
            EventKind::Call { by, call } => {
                self.by(*by);
                self.call(call);
            }
            EventKind::Return { by, func, hr, out } => {
                self.by(*by);
                self.func(*func);
                if let Some(hr) = hr {
                    self.hr(*hr);
                }
                if let Some(o) = out {
                    self.out_value(*func, o);
                }
                // The call's `this`, so the panel says what was answered.
                if let Some(this) = answered.and_then(Call::this) {
                    self.ptr("this", this);
                }
            }
            EventKind::Notify {
                object,
                token,
                sink,
                info,
                transition,
            } => {
                self.ptr("this (the offline object)", *object);
                self.num("advise token", token);
                self.ptr("pCallback (the sink)", *sink);
                self.notify_info(info);
                if let Some(t) = transition {
                    self.num("transition", t);
                }
                delivery = Some(Delivery {
                    phase: info.notify_type,
                    phase_name: consts::show(ConstGroup::NotifyType, info.notify_type),
                    object: *object,
                    advise_token: *token,
                    sink: *sink,
                    sink_label: self.w.label(self.w.who(*sink)),
                    client_token: tokens.get(token).copied(),
                    transition: *transition,
                });
            }
            EventKind::RefCount { object, old, new } => {
                self.ptr("object", *object);
                self.num("old", old);
                self.num("new", new);
            }
            EventKind::Destroyed { object } => self.ptr("object", *object),
            EventKind::Env { env } => self.env(env),
            EventKind::Advance { from, to } => {
                self.num("from", from);
                self.num("to", to);
            }
            EventKind::RunUntilIdle { from } => self.num("from", from),
            EventKind::TransitionStarted {
                transition,
                object,
                old,
                new,
                blocking,
                cause,
                objects,
            } => {
                self.num("transition", transition);
                self.ptr("object", *object);
                self.state("old", *old);
                self.state("new", *new);
                self.flag("blocking", *blocking);
                self.push("cause", format!("{cause:?}"), None, None);
                self.num("objects", objects);
            }
            EventKind::Phase { transition, phase } => {
                self.num("transition", transition);
                self.ulong("phase", *phase, ConstGroup::NotifyType);
            }
            EventKind::StateChanged { object, old, new } => {
                self.ptr("object", *object);
                self.state("old", *old);
                self.state("new", *new);
            }
            EventKind::TransitionCompleted { transition } => self.num("transition", transition),
            EventKind::Diagnostic(d) => {
                let sev = match d.severity {
                    crate::trace::Severity::Info => "info",
                    crate::trace::Severity::Error => "error",
                };
                self.push("severity", sev.into(), None, None);
                self.push("code", d.code.clone(), None, None);
                if let Some(c) = d.clause {
                    let id = c.to_string();
                    self.push(
                        "clause",
                        id.clone(),
                        Some(c.info().summary.into()),
                        Some(id),
                    );
                }
                if let Some(r) = d.rule {
                    let id = r.to_string();
                    self.push(
                        "rule",
                        id.clone(),
                        Some(r.info().obligation.into()),
                        Some(id),
                    );
                }
                self.push("message", d.message.clone(), None, None);
            }
            EventKind::Shutdown(r) => {
                for l in &r.registrations {
                    self.push(
                        "registrations",
                        format!("advise token {} on {}", l.token, l.object),
                        self.w.named(l.sink).map(|n| n.label()),
                        None,
                    );
                }
                for l in &r.references {
                    self.push(
                        "references",
                        format!("{} on {}", l.count, l.object),
                        self.w.named(l.object).map(|n| n.label()),
                        None,
                    );
                }
                self.num("abandoned_transitions", r.abandoned_transitions);
            }
        }
        (self.out, delivery)
    }

    fn env(&mut self, env: &EnvEvent) {
        match env {
            EnvEvent::NetworkDown => self.push("kind", "network_down".into(), None, None),
            EnvEvent::NetworkUp => self.push("kind", "network_up".into(), None, None),
            EnvEvent::ServerDown { profile } => {
                self.push("kind", "server_down".into(), None, None);
                self.text("profile", profile);
            }
            EnvEvent::ServerUp { profile } => {
                self.push("kind", "server_up".into(), None, None);
                self.text("profile", profile);
            }
            EnvEvent::InjectNotify {
                object,
                notify_type,
                ul_mask,
                ul_state_old,
                ul_state_new,
            } => {
                self.push("kind", "inject_notify".into(), None, None);
                self.ptr("object", *object);
                self.ulong("NotifyType", *notify_type, ConstGroup::NotifyType);
                self.ulong("ulMask", *ul_mask, ConstGroup::StateMask);
                self.state("ulStateOld", *ul_state_old);
                self.state("ulStateNew", *ul_state_new);
            }
            EnvEvent::SetExtraStateBits { bits } => {
                self.push("kind", "set_extra_state_bits".into(), None, None);
                self.push("bits", hex(*bits), None, Some(hex(*bits)));
            }
            EnvEvent::SetExtraCapabilityBits { object, bits } => {
                self.push("kind", "set_extra_capability_bits".into(), None, None);
                self.ptr("object", *object);
                self.push("bits", hex(*bits), None, Some(hex(*bits)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Decoder;
    use crate::lessons::LESSONS;
    use crate::scenario::run_script;

    /// Where the checkpoints fall changes nothing: every event of every lesson decodes
    /// the same from a checkpoint before each event, every seventh, and only the first.
    #[test]
    fn checkpoints_do_not_change_what_an_event_decodes_to() {
        let mut events = 0;
        for l in LESSONS {
            let trace = run_script(l.source).unwrap().trace;
            let every = [1, 7, usize::MAX].map(|n| Decoder::with_checkpoints_every(&trace, n));
            let usual = Decoder::new(&trace);
            for i in 0..trace.events.len() {
                let d = usual.decode(&trace, i).unwrap();
                for other in &every {
                    assert_eq!(
                        other.decode(&trace, i).as_ref(),
                        Some(&d),
                        "{} event {i}",
                        l.name
                    );
                }
                events += 1;
            }
            assert_eq!(usual.decode(&trace, trace.events.len()), None);
        }
        assert!(events > 1000, "only {events} events decoded");
    }
}
