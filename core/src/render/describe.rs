//! One event as words, in the same wording as [`Trace::to_text`], but split into
//! segments so that each renderer can mark up API names (Markdown code spans), escape
//! user-chosen names (profile and sink names) for its own syntax, or reuse parts (a call
//! without its `this` pointer for a Mermaid arrow).
//!
//! The unit tests prove that joining the segments gives `to_text` byte for byte.
//!
//! [`Trace::to_text`]: crate::trace::Trace::to_text

use crate::consts::{self, ConstGroup};
use crate::trace::{
    Call, Caller, EnvEvent, EventKind, Func, GuidPtr, Out, OutValue, Ptr, Severity, ShutdownReport,
};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// A piece of an event's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Seg {
    /// Text the renderer wrote (API names, constants, pointers, diagnostic messages): it may
    /// contain API names worth marking up.
    Gen(String),
    /// A name the user chose (a profile or a sink): shown as is, never marked up.
    Name(String),
}

/// An event's text as segments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Segs(pub Vec<Seg>);

impl Segs {
    pub fn gen(&mut self, s: impl AsRef<str>) -> &mut Segs {
        let s = s.as_ref();
        if s.is_empty() {
            return self;
        }
        if let Some(Seg::Gen(last)) = self.0.last_mut() {
            last.push_str(s);
        } else {
            self.0.push(Seg::Gen(s.to_string()));
        }
        self
    }

    pub fn name(&mut self, s: impl AsRef<str>) -> &mut Segs {
        let s = s.as_ref();
        if !s.is_empty() {
            self.0.push(Seg::Name(s.to_string()));
        }
        self
    }

    pub fn append(&mut self, other: Segs) -> &mut Segs {
        for s in other.0 {
            match s {
                Seg::Gen(t) => self.gen(t),
                Seg::Name(t) => self.name(t),
            };
        }
        self
    }

    /// The plain text, as `to_text` prints it.
    pub fn plain(&self) -> String {
        self.0
            .iter()
            .map(|s| match s {
                Seg::Gen(t) | Seg::Name(t) => t.as_str(),
            })
            .collect()
    }
}

fn gen(s: impl AsRef<str>) -> Segs {
    let mut r = Segs::default();
    r.gen(s);
    r
}

/// What an address is, once the trace has said so.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Known {
    /// `global`, `sink` or `offline object of`.
    pub kind: &'static str,
    pub name: String,
}

/// Remembers the names of objects seen so far, as the text renderer does: a pointer is
/// described by what the trace has said about it *before* the event being described.
#[derive(Default)]
pub(crate) struct Describer {
    pub names: BTreeMap<Ptr, Known>,
}

impl Describer {
    /// `0x00A00000 (global "Outlook")`, or the bare address when unknown.
    pub fn ptr(&self, p: Ptr) -> Segs {
        let mut s = gen(p.to_string());
        if let Some(k) = self.names.get(&p) {
            s.gen(format!(" ({} \"", k.kind)).name(&k.name).gen("\")");
        }
        s
    }

    /// Whether [`Describer::learn`] learns a name from this event.
    pub fn names_something(k: &EventKind) -> bool {
        matches!(
            k,
            EventKind::ProfileAdded(_)
                | EventKind::ClientObjectCreated(_)
                | EventKind::ObjectCreated(_)
        )
    }

    /// Learns the names an event introduces (call before describing later events).
    pub fn learn(&mut self, k: &EventKind) {
        match k {
            EventKind::ProfileAdded(p) => {
                self.names.insert(
                    p.object,
                    Known {
                        kind: "global",
                        name: p.profile.clone(),
                    },
                );
            }
            EventKind::ClientObjectCreated(c) => {
                self.names.insert(
                    c.object,
                    Known {
                        kind: "sink",
                        name: c.name.clone(),
                    },
                );
            }
            EventKind::ObjectCreated(o) => {
                self.names.insert(
                    o.object,
                    Known {
                        kind: "offline object of",
                        name: o.profile.clone(),
                    },
                );
            }
            _ => {}
        }
    }

    /// The event's text; learns the names it introduces first, as `to_text` does.
    pub fn describe(&mut self, k: &EventKind) -> Segs {
        use ConstGroup as G;
        self.learn(k);
        match k {
            EventKind::ProfileAdded(p) => {
                let mut s = gen("profile \"");
                s.name(&p.profile).gen(format!(
                    "\": global offline object {}, capabilities {}, state {}, caller {} Outlook, server {}",
                    p.object,
                    consts::show_capabilities(p.capabilities),
                    consts::show_state(p.state),
                    if p.caller_inside_outlook { "inside" } else { "outside" },
                    if p.server_up { "up" } else { "down" }
                ));
                s
            }
            EventKind::ClientObjectCreated(c) => {
                let mut s = gen("client object \"");
                s.name(&c.name).gen(format!("\" at {}", c.object));
                if c.foreign {
                    s.gen(", foreign code (the driver calls its Notify)");
                }
                if c.implements_notify {
                    s.gen(", implements IMAPIOfflineNotify");
                    if !c.validates_notify && !c.foreign {
                        s.gen(" (does not check NotifyType/ulMask)");
                    }
                } else {
                    s.gen(", does not implement IMAPIOfflineNotify");
                }
                for i in &c.interfaces {
                    s.gen(format!(", {i:?}"));
                }
                for r in &c.reactions {
                    s.gen(format!("; in Notify: {r}"));
                }
                s
            }
            EventKind::ObjectCreated(o) => {
                let ty = match o.type_guid {
                    Some(g) => format!("{g:?}"),
                    None => "NULL".to_string(),
                };
                let mut s = gen(format!(
                    "offline object {} created: type {ty}, parent ",
                    o.object
                ));
                s.append(self.ptr(o.parent)).gen(format!(
                    ", capabilities {}, state {}",
                    consts::show_capabilities(o.capabilities),
                    consts::show_state(o.state)
                ));
                s
            }
            EventKind::Call { by, call } => {
                let mut s = gen(match by {
                    Caller::Client => "client → ",
                    Caller::Outlook => "Outlook → ",
                });
                s.append(self.call(call));
                s
            }
            EventKind::Return { func, hr, out, .. } => {
                let mut s = gen(format!("← {func}"));
                s.append(self.result(*func, *hr, out));
                s
            }
            EventKind::Notify {
                object,
                token,
                sink,
                info,
                ..
            } => {
                let mut s = gen("Outlook → ");
                s.append(self.ptr(*sink)).gen(format!(
                    "->Notify({{ulSize={}, NotifyType={}, ulClientToken={}, ulMask={}, ulStateOld={}, ulStateNew={}}}) [object {}, advise token {}]",
                    info.ul_size,
                    consts::show(G::NotifyType, info.notify_type),
                    info.ul_client_token,
                    consts::show(G::StateMask, info.ul_mask),
                    consts::show_state(info.ul_state_old),
                    consts::show_state(info.ul_state_new),
                    object,
                    token
                ));
                s
            }
            EventKind::RefCount { object, old, new } => {
                let mut s = gen("refcount of ");
                s.append(self.ptr(*object)).gen(format!(": {old} → {new}"));
                s
            }
            EventKind::Destroyed { object } => {
                let mut s = self.ptr(*object);
                s.gen(" destroyed");
                s
            }
            EventKind::Env { env } => {
                let mut s = gen("environment: ");
                s.append(self.env(env));
                s
            }
            EventKind::Advance { from, to } => gen(format!("advance time {from} → {to}")),
            EventKind::RunUntilIdle { from } => gen(format!("run until idle from {from}")),
            EventKind::TransitionStarted {
                transition,
                object,
                old,
                new,
                blocking,
                cause,
                objects,
            } => {
                let mut s = gen(format!("transition #{transition} of "));
                s.append(self.ptr(*object)).gen(format!(
                    ": {} → {} ({}, cause {cause:?}, {objects} object(s))",
                    consts::show_state(*old),
                    consts::show_state(*new),
                    if *blocking {
                        "blocking"
                    } else {
                        "asynchronous"
                    }
                ));
                s
            }
            EventKind::Phase { transition, phase } => gen(format!(
                "transition #{transition}: phase {}",
                consts::show(G::NotifyType, *phase)
            )),
            EventKind::StateChanged { object, old, new } => {
                let mut s = gen("state of ");
                s.append(self.ptr(*object)).gen(format!(
                    ": {} → {}",
                    consts::show_state(*old),
                    consts::show_state(*new)
                ));
                s
            }
            EventKind::TransitionCompleted { transition } => {
                gen(format!("transition #{transition} completed"))
            }
            EventKind::Diagnostic(d) => gen(format!("{}: {}", diag_tag(d), d.message)),
            EventKind::Shutdown(r) => self.shutdown(r),
        }
    }

    /// What follows `← Func` in a return line: ` = S_OK, *out = …` or ` = 2`.
    pub fn result(&self, func: Func, hr: Option<consts::HResult>, out: &Option<OutValue>) -> Segs {
        let mut s = Segs::default();
        if let Some(hr) = hr {
            s.gen(format!(" = {hr}"));
        }
        match out {
            Some(OutValue::Ptr(p)) => {
                s.gen(", *out = ").append(self.ptr(*p));
            }
            Some(OutValue::Ulong(v)) => {
                s.gen(format!(", *out = {}", show_ulong(func, *v)));
            }
            Some(OutValue::RefCount(n)) => {
                s.gen(format!(" = {n}"));
            }
            None => {}
        }
        s
    }

    fn shutdown(&self, r: &ShutdownReport) -> Segs {
        let mut s = gen(format!(
            "Outlook shut down: {} registration(s) not removed, {} object(s) with references not released, {} transition(s) abandoned",
            r.registrations.len(),
            r.references.len(),
            r.abandoned_transitions
        ));
        for l in &r.registrations {
            s.gen(format!("\n    advise token {} on ", l.token))
                .append(self.ptr(l.object))
                .gen(" (sink ")
                .append(self.ptr(l.sink))
                .gen(")");
        }
        for l in &r.references {
            s.gen(format!("\n    {} reference(s) on ", l.count))
                .append(self.ptr(l.object));
        }
        s
    }

    pub fn env(&self, e: &EnvEvent) -> Segs {
        match e {
            EnvEvent::NetworkDown => gen("network down"),
            EnvEvent::NetworkUp => gen("network up"),
            EnvEvent::ServerDown { profile } => {
                let mut s = gen("server of \"");
                s.name(profile).gen("\" down");
                s
            }
            EnvEvent::ServerUp { profile } => {
                let mut s = gen("server of \"");
                s.name(profile).gen("\" up");
                s
            }
            EnvEvent::InjectNotify {
                object,
                notify_type,
                ul_mask,
                ul_state_old,
                ul_state_new,
            } => {
                let mut s = gen("inject notification on ");
                s.append(self.ptr(*object)).gen(format!(
                    " (NotifyType=0x{notify_type:X}, ulMask=0x{ul_mask:X}, ulStateOld=0x{ul_state_old:X}, ulStateNew=0x{ul_state_new:X})"
                ));
                s
            }
            EnvEvent::SetExtraStateBits { bits } => gen(format!("extra state bits 0x{bits:X}")),
            EnvEvent::SetExtraCapabilityBits { object, bits } => {
                let mut s = gen(format!("extra capability bits 0x{bits:X} on "));
                s.append(self.ptr(*object));
                s
            }
        }
    }

    /// A call as `to_text` prints it: `0x00A00000 (global "Outlook")->Release()`.
    pub fn call(&self, c: &Call) -> Segs {
        let mut s = match c.this() {
            Some(this) => {
                let mut s = self.ptr(this);
                s.gen("->");
                s
            }
            None => Segs::default(),
        };
        s.append(self.call_body(c));
        s
    }

    /// A call without its `this` pointer: `SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, …)`,
    /// `lpVtbl[9]()`, or the whole call of a function that has no `this`.
    pub fn call_body(&self, c: &Call) -> Segs {
        use ConstGroup as G;
        let guid = |g: &GuidPtr| g.to_string();
        let out = |o: &Out, name: &str| match o {
            Out::Valid => format!("&{name}"),
            Out::Null => "NULL".to_string(),
        };
        let wide = |n: &Option<String>| -> Segs {
            match n {
                Some(n) => {
                    let mut s = gen("L");
                    s.name(format!("{n:?}"));
                    s
                }
                None => gen("NULL"),
            }
        };
        match c {
            Call::HrOpenOfflineObj(a) => {
                let mut s = gen(format!("HrOpenOfflineObj({}, ", a.ul_reserved));
                s.append(wide(&a.pwsz_profile_name_in)).gen(format!(
                    ", {}, {}, {})",
                    guid(&a.p_guid),
                    guid(&a.p_reserved),
                    out(&a.pp_offline_obj, "pOfflineObj")
                ));
                s
            }
            Call::QueryInterface {
                riid, ppv_object, ..
            } => gen(format!(
                "QueryInterface({}, {})",
                match riid {
                    // REFIID: the GUID itself, not its address.
                    GuidPtr::To(g) => g
                        .name()
                        .map(str::to_string)
                        .unwrap_or_else(|| g.to_string()),
                    GuidPtr::Null | GuidPtr::Addr(_) => riid.to_string(),
                },
                out(ppv_object, "pv")
            )),
            Call::AddRef { .. } => gen("AddRef()"),
            Call::Release { .. } => gen("Release()"),
            Call::SetCurrentState {
                ul_flags,
                ul_mask,
                ul_state,
                p_reserved,
                ..
            } => gen(format!(
                "SetCurrentState({}, {}, {}, {})",
                consts::show(G::SetFlags, *ul_flags),
                consts::show(G::StateMask, *ul_mask),
                consts::show(G::State, *ul_state),
                if *p_reserved == 0 {
                    "NULL".to_string()
                } else {
                    format!("0x{p_reserved:X}")
                }
            )),
            Call::GetCapabilities {
                pul_capabilities, ..
            } => gen(format!(
                "GetCapabilities({})",
                out(pul_capabilities, "ulCapabilities")
            )),
            Call::GetCurrentState { pul_state, .. } => {
                gen(format!("GetCurrentState({})", out(pul_state, "ulState")))
            }
            Call::Slot { slot, .. } => gen(format!("lpVtbl[{slot}]()")),
            Call::Advise {
                ul_flags,
                p_advise_info,
                pul_advise_token,
                ..
            } => {
                let mut s = gen(format!(
                    "Advise({}, ",
                    consts::show(G::AdviseFlags, *ul_flags)
                ));
                match p_advise_info {
                    None => {
                        s.gen("NULL");
                    }
                    Some(a) => {
                        s.gen(format!(
                            "{{ulSize={}, ulClientToken={}, CallbackType={}, pCallback=",
                            a.ul_size,
                            a.ul_client_token,
                            consts::show(G::CallbackType, a.callback_type)
                        ))
                        .append(self.ptr(a.p_callback))
                        .gen(format!(
                            ", ulAdviseTypes={}, ulStateMask={}}}",
                            consts::show(G::AdviseType, a.ul_advise_types),
                            consts::show(G::StateMask, a.ul_state_mask)
                        ));
                    }
                }
                s.gen(format!(", {})", out(pul_advise_token, "ulAdviseToken")));
                s
            }
            Call::Unadvise {
                ul_flags,
                ul_advise_token,
                ..
            } => gen(format!(
                "Unadvise({}, {ul_advise_token})",
                consts::show(G::UnadviseFlags, *ul_flags)
            )),
            Call::HrCreateOfflineObj {
                ul_flags,
                p_create_info,
                pp_offline,
            } => {
                let mut s = gen(format!("HrCreateOfflineObj({ul_flags}, "));
                match p_create_info {
                    None => {
                        s.gen("NULL");
                    }
                    Some(ci) => {
                        s.gen(format!(
                            "{{ulSize={}, ulCreateFlags={}, pwszProfileName=",
                            ci.ul_size, ci.ul_create_flags
                        ))
                        .append(wide(&ci.pwsz_profile_name))
                        .gen(format!(
                            ", ulCapabilities={}, pGUID={}, pInstance={}, pParent=",
                            consts::show_capabilities(ci.ul_capabilities),
                            guid(&ci.p_guid),
                            guid(&ci.p_instance)
                        ))
                        .append(self.ptr(ci.p_parent))
                        .gen(", pMAPISupport=")
                        .append(self.ptr(ci.p_mapi_support))
                        .gen(", pAggregateInfo=");
                        match &ci.p_aggregate_info {
                            None => {
                                s.gen("NULL");
                            }
                            Some(a) => {
                                s.gen(format!("{{ulSize={}, pOuterObj=", a.ul_size))
                                    .append(self.ptr(a.p_outer_obj))
                                    .gen(format!(", pRefTrackRoot={}}}", a.p_ref_track_root));
                            }
                        }
                        s.gen(format!(
                            ", pConnectInfo={}}}",
                            if ci.p_connect_info == 0 {
                                "NULL".to_string()
                            } else {
                                format!("0x{:X}", ci.p_connect_info)
                            }
                        ));
                    }
                }
                s.gen(format!(", {})", out(pp_offline, "pOffline")));
                s
            }
        }
    }
}

/// A ULONG out-value as the text renderer shows it.
pub(crate) fn show_ulong(func: Func, v: u32) -> String {
    match func {
        Func::GetCurrentState => format!("0x{v:08X} ({})", consts::show_state(v)),
        Func::GetCapabilities => format!("0x{v:08X} ({})", consts::show_capabilities(v)),
        _ => v.to_string(),
    }
}

/// `note` or `error`.
pub(crate) fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Info => "note",
        Severity::Error => "error",
    }
}

/// `error[ADV-4, R2]`, `note[SET-3]`, or, for a diagnostic that cites neither a clause nor a
/// rule, its stable code: `error[ptr.null_this]`.
pub(crate) fn diag_tag(d: &crate::trace::Diagnostic) -> String {
    let mut cited = cite(d.clause, d.rule);
    if cited.is_empty() {
        cited = d.code.clone();
    }
    format!("{}[{cited}]", severity_word(d.severity))
}

/// `SET-3`, `ADV-4, R2`, `R3`: what a diagnostic cites.
pub(crate) fn cite(clause: Option<crate::Clause>, rule: Option<crate::Rule>) -> String {
    let mut s = String::new();
    if let Some(c) = clause {
        let _ = write!(s, "{c}");
    }
    if let Some(r) = rule {
        if !s.is_empty() {
            s.push_str(", ");
        }
        let _ = write!(s, "{r}");
    }
    s
}

/// The text rendering: `t=<tick>`, indentation by depth, the event's words.
impl crate::trace::Trace {
    /// The readable text rendering (one event per line, nested calls indented); see
    /// [`crate::render`] for Markdown, Mermaid and C++. It is defined here, beside the
    /// wording it uses, so that the trace does not depend on its renderers.
    pub fn to_text(&self) -> String {
        text(self)
    }
}

/// `Trace::to_text` is this; the other renderers use the same words from [`Describer`].
pub(crate) fn text(trace: &crate::trace::Trace) -> String {
    let mut d = Describer::default();
    let mut out = String::new();
    for e in &trace.events {
        let indent = "  ".repeat(e.depth as usize);
        let body = d.describe(&e.kind).plain();
        let _ = writeln!(out, "t={:<4} {indent}{body}", e.tick);
    }
    out
}
