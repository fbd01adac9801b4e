//! The trace: everything observable, in order. Its JSON form is the stable schema described
//! in `core/TRACE-SCHEMA.md` (field names follow the reference: `ulClientToken`, `pGUID`…).

use crate::clauses::{Clause, Rule};
use crate::consts::{self, ConstGroup, Guid, HResult};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

/// Virtual time. It advances only when the driver says so.
pub type Tick = u64;

/// Version of the JSON schema; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// An interface pointer as the client sees it: an address, `0` being NULL.
///
/// Each simulated COM object has one address (its interfaces share it, as with single
/// inheritance), so a pointer names an object.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct Ptr(pub u32);

impl Ptr {
    pub const NULL: Ptr = Ptr(0);
    pub fn is_null(self) -> bool {
        self.0 == 0
    }
}

impl fmt::Display for Ptr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_null() {
            f.write_str("NULL")
        } else {
            write!(f, "0x{:08X}", self.0)
        }
    }
}

impl fmt::Debug for Ptr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Who made a call: the simulated client, or Outlook calling into a client object
/// (QueryInterface on `pCallback`, Release of a sink).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Caller {
    Client,
    Outlook,
}

/// `MAPIOFFLINE_ADVISEINFO`, field by field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdviseInfo {
    #[serde(rename = "ulSize")]
    pub ul_size: u32,
    #[serde(rename = "ulClientToken")]
    pub ul_client_token: u32,
    #[serde(rename = "CallbackType")]
    pub callback_type: u32,
    #[serde(rename = "pCallback")]
    pub p_callback: Ptr,
    #[serde(rename = "ulAdviseTypes")]
    pub ul_advise_types: u32,
    #[serde(rename = "ulStateMask")]
    pub ul_state_mask: u32,
}

/// `MAPIOFFLINE_AGGREGATEINFO`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AggregateInfo {
    #[serde(rename = "ulSize")]
    pub ul_size: u32,
    #[serde(rename = "pOuterObj")]
    pub p_outer_obj: Ptr,
    #[serde(rename = "pRefTrackRoot")]
    pub p_ref_track_root: Ptr,
}

/// `MAPIOFFLINE_CREATEINFO`. `pConnectInfo` is an opaque address (0 = NULL).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateInfo {
    #[serde(rename = "ulSize")]
    pub ul_size: u32,
    #[serde(rename = "ulCreateFlags")]
    pub ul_create_flags: u32,
    #[serde(rename = "pwszProfileName")]
    pub pwsz_profile_name: Option<String>,
    #[serde(rename = "ulCapabilities")]
    pub ul_capabilities: u32,
    #[serde(rename = "pGUID")]
    pub p_guid: Option<Guid>,
    #[serde(rename = "pInstance")]
    pub p_instance: Option<Guid>,
    #[serde(rename = "pParent")]
    pub p_parent: Ptr,
    #[serde(rename = "pMAPISupport")]
    pub p_mapi_support: Ptr,
    #[serde(rename = "pAggregateInfo")]
    pub p_aggregate_info: Option<AggregateInfo>,
    #[serde(rename = "pConnectInfo")]
    pub p_connect_info: u64,
}

/// `MAPIOFFLINE_NOTIFY` as delivered (the `Info.StateChange` union member flattened).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyInfo {
    #[serde(rename = "ulSize")]
    pub ul_size: u32,
    #[serde(rename = "NotifyType")]
    pub notify_type: u32,
    #[serde(rename = "ulClientToken")]
    pub ul_client_token: u32,
    #[serde(rename = "ulMask")]
    pub ul_mask: u32,
    #[serde(rename = "ulStateOld")]
    pub ul_state_old: u32,
    #[serde(rename = "ulStateNew")]
    pub ul_state_new: u32,
}

impl NotifyInfo {
    /// NTF-5: only the three documented types with the offline mask carry a state change.
    pub fn is_supported(&self) -> bool {
        (1..=3).contains(&self.notify_type)
            && self.ul_mask == consts::MAPIOFFLINE_STATE_OFFLINE_MASK
    }
}

/// Whether an out-pointer argument points somewhere or is NULL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Out {
    Valid,
    Null,
}

impl Out {
    pub fn is_null(self) -> bool {
        self == Out::Null
    }
}

/// The arguments of `HrOpenOfflineObj` (boxed: the call is rare and its arguments large).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenArgs {
    #[serde(rename = "ulReserved")]
    pub ul_reserved: u32,
    #[serde(rename = "pwszProfileNameIn")]
    pub pwsz_profile_name_in: Option<String>,
    #[serde(rename = "pGUID")]
    pub p_guid: Option<Guid>,
    #[serde(rename = "pReserved")]
    pub p_reserved: Option<Guid>,
    #[serde(rename = "ppOfflineObj")]
    pub pp_offline_obj: Out,
}

/// A call with its raw arguments, named as in the reference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fn")]
pub enum Call {
    HrOpenOfflineObj(Box<OpenArgs>),
    QueryInterface {
        this: Ptr,
        riid: Option<Guid>,
        #[serde(rename = "ppvObject")]
        ppv_object: Out,
    },
    AddRef {
        this: Ptr,
    },
    Release {
        this: Ptr,
    },
    SetCurrentState {
        this: Ptr,
        #[serde(rename = "ulFlags")]
        ul_flags: u32,
        #[serde(rename = "ulMask")]
        ul_mask: u32,
        #[serde(rename = "ulState")]
        ul_state: u32,
        #[serde(rename = "pReserved")]
        p_reserved: u64,
    },
    GetCapabilities {
        this: Ptr,
        #[serde(rename = "pulCapabilities")]
        pul_capabilities: Out,
    },
    GetCurrentState {
        this: Ptr,
        #[serde(rename = "pulState")]
        pul_state: Out,
    },
    /// A vtable slot called by index (placeholders, OFF-2/OFF-3).
    Slot {
        this: Ptr,
        slot: u32,
    },
    Advise {
        this: Ptr,
        #[serde(rename = "ulFlags")]
        ul_flags: u32,
        #[serde(rename = "pAdviseInfo")]
        p_advise_info: Option<Box<AdviseInfo>>,
        #[serde(rename = "pulAdviseToken")]
        pul_advise_token: Out,
    },
    Unadvise {
        this: Ptr,
        #[serde(rename = "ulFlags")]
        ul_flags: u32,
        #[serde(rename = "ulAdviseToken")]
        ul_advise_token: u32,
    },
    HrCreateOfflineObj {
        #[serde(rename = "ulFlags")]
        ul_flags: u32,
        #[serde(rename = "pCreateInfo")]
        p_create_info: Option<Box<CreateInfo>>,
        #[serde(rename = "ppOffline")]
        pp_offline: Out,
    },
}

/// The name of an API function, as the reference spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Func {
    HrOpenOfflineObj,
    QueryInterface,
    AddRef,
    Release,
    SetCurrentState,
    GetCapabilities,
    GetCurrentState,
    Slot,
    Advise,
    Unadvise,
    HrCreateOfflineObj,
}

impl fmt::Display for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

impl Call {
    pub fn func(&self) -> Func {
        match self {
            Call::HrOpenOfflineObj(_) => Func::HrOpenOfflineObj,
            Call::QueryInterface { .. } => Func::QueryInterface,
            Call::AddRef { .. } => Func::AddRef,
            Call::Release { .. } => Func::Release,
            Call::SetCurrentState { .. } => Func::SetCurrentState,
            Call::GetCapabilities { .. } => Func::GetCapabilities,
            Call::GetCurrentState { .. } => Func::GetCurrentState,
            Call::Slot { .. } => Func::Slot,
            Call::Advise { .. } => Func::Advise,
            Call::Unadvise { .. } => Func::Unadvise,
            Call::HrCreateOfflineObj { .. } => Func::HrCreateOfflineObj,
        }
    }
}

/// What a call wrote through its out-parameter (or returned, for AddRef/Release).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum OutValue {
    /// An interface pointer (NULL when a failing call clears the out-pointer).
    Ptr(Ptr),
    /// A ULONG: capabilities, state or advise token.
    Ulong(u32),
    /// The new reference count returned by AddRef/Release.
    RefCount(u32),
}

/// Why a transition started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// A SetCurrentState call.
    Request,
    NetworkDown,
    NetworkUp,
    ServerDown,
    ServerUp,
    /// Reconciliation after an earlier change completed: a deferred request, a deferred
    /// environment change, or a parent that changed meanwhile.
    Deferred,
}

/// Something done to the world rather than through the API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EnvEvent {
    NetworkDown,
    NetworkUp,
    ServerDown {
        profile: String,
    },
    ServerUp {
        profile: String,
    },
    /// NTF-6 fault injection: a notification outside the supported values.
    InjectNotify {
        object: Ptr,
        #[serde(rename = "NotifyType")]
        notify_type: u32,
        #[serde(rename = "ulMask")]
        ul_mask: u32,
        #[serde(rename = "ulStateOld")]
        ul_state_old: u32,
        #[serde(rename = "ulStateNew")]
        ul_state_new: u32,
    },
    /// CUR-2 fault injection: bits outside the mask in every GetCurrentState result.
    SetExtraStateBits {
        bits: u32,
    },
    /// CAP-3 fault injection: extra capability bits on one object.
    SetExtraCapabilityBits {
        object: Ptr,
        bits: u32,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Which clause applied or which `sim` choice was taken.
    Info,
    /// The client broke a precondition or a rule.
    Error,
}

/// A diagnostic: always cites a clause, a client rule, or both.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable machine key, e.g. `open.reserved_nonzero`.
    pub code: String,
    pub clause: Option<Clause>,
    pub rule: Option<Rule>,
    pub message: String,
}

/// What the client sets up a client-owned object to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientObjectInfo {
    pub object: Ptr,
    pub name: String,
    pub implements_notify: bool,
    /// Whether its `Notify` checks NotifyType and ulMask first (NTF-5).
    pub validates_notify: bool,
    /// Further interfaces it answers QueryInterface for (outer objects, support objects).
    pub interfaces: Vec<Guid>,
    pub reactions: Vec<crate::sim::Reaction>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileAdded {
    pub profile: String,
    pub object: Ptr,
    pub capabilities: u32,
    pub state: u32,
    pub caller_inside_outlook: bool,
    pub server_up: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectCreated {
    pub object: Ptr,
    pub profile: String,
    pub parent: Ptr,
    pub capabilities: u32,
    pub type_guid: Guid,
    pub instance: Option<Guid>,
    pub outer: Ptr,
    pub state: u32,
}

/// A registration left behind at shutdown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeakedRegistration {
    pub object: Ptr,
    pub token: u32,
    pub sink: Ptr,
}

/// References the client still held at shutdown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeakedReference {
    pub object: Ptr,
    pub count: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShutdownReport {
    pub registrations: Vec<LeakedRegistration>,
    pub references: Vec<LeakedReference>,
    /// Transitions still in progress, abandoned.
    pub abandoned_transitions: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    ProfileAdded(Box<ProfileAdded>),
    ClientObjectCreated(Box<ClientObjectInfo>),
    ObjectCreated(Box<ObjectCreated>),
    Call {
        by: Caller,
        call: Call,
    },
    Return {
        by: Caller,
        #[serde(rename = "fn")]
        func: Func,
        hr: Option<HResult>,
        out: Option<OutValue>,
    },
    Notify {
        object: Ptr,
        token: u32,
        sink: Ptr,
        info: NotifyInfo,
        /// The transition it belongs to; `None` for an injected notification (NTF-6).
        transition: Option<u32>,
    },
    RefCount {
        object: Ptr,
        old: u32,
        new: u32,
    },
    Destroyed {
        object: Ptr,
    },
    Env {
        env: EnvEvent,
    },
    Advance {
        from: Tick,
        to: Tick,
    },
    RunUntilIdle {
        from: Tick,
    },
    TransitionStarted {
        transition: u32,
        object: Ptr,
        old: u32,
        new: u32,
        blocking: bool,
        cause: Cause,
        /// How many objects change (the root and its affected descendants, CRE-7).
        objects: u32,
    },
    Phase {
        transition: u32,
        phase: u32,
    },
    StateChanged {
        object: Ptr,
        old: u32,
        new: u32,
    },
    TransitionCompleted {
        transition: u32,
    },
    Diagnostic(Box<Diagnostic>),
    Shutdown(Box<ShutdownReport>),
}

/// One trace entry: when, how deeply nested (inside a blocking call or a `Notify`), what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub tick: Tick,
    pub depth: u16,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// A complete trace: the configuration it ran under, then its events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    pub schema: u32,
    pub config: crate::sim::Config,
    pub events: Vec<Event>,
}

impl Trace {
    /// Every diagnostic, in order.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.events.iter().filter_map(|e| match &e.kind {
            EventKind::Diagnostic(d) => Some(&**d),
            _ => None,
        })
    }

    /// Every notification delivered, as (token, info).
    pub fn notifications(&self) -> impl Iterator<Item = (u32, &NotifyInfo)> {
        self.events.iter().filter_map(|e| match &e.kind {
            EventKind::Notify { token, info, .. } => Some((*token, info)),
            _ => None,
        })
    }

    /// The readable text rendering (one event per line, nested calls indented).
    pub fn to_text(&self) -> String {
        let mut r = TextRenderer::default();
        let mut out = String::new();
        for e in &self.events {
            r.line(e, &mut out);
        }
        out
    }
}

/// Remembers names of objects seen so far, so later lines can say what a pointer is.
#[derive(Default)]
struct TextRenderer {
    names: BTreeMap<Ptr, String>,
}

impl TextRenderer {
    fn ptr(&self, p: Ptr) -> String {
        match self.names.get(&p) {
            Some(n) => format!("{p} ({n})"),
            None => p.to_string(),
        }
    }

    fn line(&mut self, e: &Event, out: &mut String) {
        let indent = "  ".repeat(e.depth as usize);
        let body = self.describe(&e.kind);
        let _ = writeln!(out, "t={:<4} {indent}{body}", e.tick);
    }

    fn describe(&mut self, k: &EventKind) -> String {
        use ConstGroup as G;
        match k {
            EventKind::ProfileAdded(p) => {
                self.names.insert(p.object, format!("global \"{}\"", p.profile));
                format!(
                    "profile \"{}\": global offline object {}, capabilities {}, state {}, caller {} Outlook, server {}",
                    p.profile,
                    p.object,
                    consts::show_capabilities(p.capabilities),
                    consts::show_state(p.state),
                    if p.caller_inside_outlook { "inside" } else { "outside" },
                    if p.server_up { "up" } else { "down" }
                )
            }
            EventKind::ClientObjectCreated(c) => {
                self.names.insert(c.object, format!("sink \"{}\"", c.name));
                let mut s = format!("client object \"{}\" at {}", c.name, c.object);
                if c.implements_notify {
                    s.push_str(", implements IMAPIOfflineNotify");
                    if !c.validates_notify {
                        s.push_str(" (does not check NotifyType/ulMask)");
                    }
                } else {
                    s.push_str(", does not implement IMAPIOfflineNotify");
                }
                for i in &c.interfaces {
                    let _ = write!(s, ", {i:?}");
                }
                for r in &c.reactions {
                    let _ = write!(s, "; in Notify: {r}");
                }
                s
            }
            EventKind::ObjectCreated(o) => {
                self.names.insert(o.object, format!("offline object of \"{}\"", o.profile));
                format!(
                    "offline object {} created: type {:?}, parent {}, capabilities {}, state {}",
                    o.object,
                    o.type_guid,
                    self.ptr(o.parent),
                    consts::show_capabilities(o.capabilities),
                    consts::show_state(o.state)
                )
            }
            EventKind::Call { by, call } => {
                let who = match by {
                    Caller::Client => "client →",
                    Caller::Outlook => "Outlook →",
                };
                format!("{who} {}", self.call(call))
            }
            EventKind::Return { func, hr, out, .. } => {
                let mut s = format!("← {func}");
                if let Some(hr) = hr {
                    let _ = write!(s, " = {hr}");
                }
                match out {
                    Some(OutValue::Ptr(p)) => {
                        let _ = write!(s, ", *out = {}", self.ptr(*p));
                    }
                    Some(OutValue::Ulong(v)) => {
                        let shown = match func {
                            Func::GetCurrentState => format!("0x{v:08X} ({})", consts::show_state(*v)),
                            Func::GetCapabilities => format!("0x{v:08X} ({})", consts::show_capabilities(*v)),
                            _ => v.to_string(),
                        };
                        let _ = write!(s, ", *out = {shown}");
                    }
                    Some(OutValue::RefCount(n)) => {
                        let _ = write!(s, " = {n}");
                    }
                    None => {}
                }
                s
            }
            EventKind::Notify { object, token, sink, info, .. } => format!(
                "Outlook → {}->Notify({{ulSize={}, NotifyType={}, ulClientToken={}, ulMask={}, ulStateOld={}, ulStateNew={}}}) [object {}, advise token {}]",
                self.ptr(*sink),
                info.ul_size,
                consts::show(G::NotifyType, info.notify_type),
                info.ul_client_token,
                consts::show(G::StateMask, info.ul_mask),
                consts::show_state(info.ul_state_old),
                consts::show_state(info.ul_state_new),
                object,
                token
            ),
            EventKind::RefCount { object, old, new } => {
                format!("refcount of {}: {old} → {new}", self.ptr(*object))
            }
            EventKind::Destroyed { object } => format!("{} destroyed", self.ptr(*object)),
            EventKind::Env { env } => format!("environment: {}", self.env(env)),
            EventKind::Advance { from, to } => format!("advance time {from} → {to}"),
            EventKind::RunUntilIdle { from } => format!("run until idle from {from}"),
            EventKind::TransitionStarted { transition, object, old, new, blocking, cause, objects } => format!(
                "transition #{transition} of {}: {} → {} ({}, cause {cause:?}, {objects} object(s))",
                self.ptr(*object),
                consts::show_state(*old),
                consts::show_state(*new),
                if *blocking { "blocking" } else { "asynchronous" }
            ),
            EventKind::Phase { transition, phase } => {
                format!("transition #{transition}: phase {}", consts::show(G::NotifyType, *phase))
            }
            EventKind::StateChanged { object, old, new } => format!(
                "state of {}: {} → {}",
                self.ptr(*object),
                consts::show_state(*old),
                consts::show_state(*new)
            ),
            EventKind::TransitionCompleted { transition } => {
                format!("transition #{transition} completed")
            }
            EventKind::Diagnostic(d) => {
                let level = match d.severity {
                    Severity::Info => "note",
                    Severity::Error => "error",
                };
                let cite: Vec<String> = d
                    .clause
                    .map(|c| c.to_string())
                    .into_iter()
                    .chain(d.rule.map(|r| r.to_string()))
                    .collect();
                format!("{level}[{}]: {}", cite.join(", "), d.message)
            }
            EventKind::Shutdown(r) => {
                let mut s = format!(
                    "Outlook shut down: {} registration(s) not removed, {} object(s) with references not released, {} transition(s) abandoned",
                    r.registrations.len(),
                    r.references.len(),
                    r.abandoned_transitions
                );
                for l in &r.registrations {
                    let _ = write!(s, "\n    advise token {} on {} (sink {})", l.token, self.ptr(l.object), self.ptr(l.sink));
                }
                for l in &r.references {
                    let _ = write!(s, "\n    {} reference(s) on {}", l.count, self.ptr(l.object));
                }
                s
            }
        }
    }

    fn env(&self, e: &EnvEvent) -> String {
        match e {
            EnvEvent::NetworkDown => "network down".into(),
            EnvEvent::NetworkUp => "network up".into(),
            EnvEvent::ServerDown { profile } => format!("server of \"{profile}\" down"),
            EnvEvent::ServerUp { profile } => format!("server of \"{profile}\" up"),
            EnvEvent::InjectNotify { object, notify_type, ul_mask, ul_state_old, ul_state_new } => format!(
                "inject notification on {} (NotifyType=0x{notify_type:X}, ulMask=0x{ul_mask:X}, ulStateOld=0x{ul_state_old:X}, ulStateNew=0x{ul_state_new:X})",
                self.ptr(*object)
            ),
            EnvEvent::SetExtraStateBits { bits } => format!("extra state bits 0x{bits:X}"),
            EnvEvent::SetExtraCapabilityBits { object, bits } => {
                format!("extra capability bits 0x{bits:X} on {}", self.ptr(*object))
            }
        }
    }

    fn call(&self, c: &Call) -> String {
        use ConstGroup as G;
        let guid = |g: &Option<Guid>| match g {
            None => "NULL".to_string(),
            Some(g) => match g.name() {
                Some(n) => format!("&{n}"),
                None => format!("&{g}"),
            },
        };
        let out = |o: &Out, name: &str| match o {
            Out::Valid => format!("&{name}"),
            Out::Null => "NULL".to_string(),
        };
        match c {
            Call::HrOpenOfflineObj(a) => format!(
                "HrOpenOfflineObj({}, {}, {}, {}, {})",
                a.ul_reserved,
                match &a.pwsz_profile_name_in {
                    Some(n) => format!("L{n:?}"),
                    None => "NULL".into(),
                },
                guid(&a.p_guid),
                guid(&a.p_reserved),
                out(&a.pp_offline_obj, "pOfflineObj")
            ),
            Call::QueryInterface { this, riid, ppv_object } => format!(
                "{}->QueryInterface({}, {})",
                self.ptr(*this),
                match riid {
                    None => "NULL".to_string(),
                    Some(g) => g.name().map(str::to_string).unwrap_or_else(|| g.to_string()),
                },
                out(ppv_object, "pv")
            ),
            Call::AddRef { this } => format!("{}->AddRef()", self.ptr(*this)),
            Call::Release { this } => format!("{}->Release()", self.ptr(*this)),
            Call::SetCurrentState { this, ul_flags, ul_mask, ul_state, p_reserved } => format!(
                "{}->SetCurrentState({}, {}, {}, {})",
                self.ptr(*this),
                consts::show(G::SetFlags, *ul_flags),
                consts::show(G::StateMask, *ul_mask),
                consts::show(G::State, *ul_state),
                if *p_reserved == 0 { "NULL".to_string() } else { format!("0x{p_reserved:X}") }
            ),
            Call::GetCapabilities { this, pul_capabilities } => format!(
                "{}->GetCapabilities({})",
                self.ptr(*this),
                out(pul_capabilities, "ulCapabilities")
            ),
            Call::GetCurrentState { this, pul_state } => {
                format!("{}->GetCurrentState({})", self.ptr(*this), out(pul_state, "ulState"))
            }
            Call::Slot { this, slot } => format!("{}->lpVtbl[{slot}]()", self.ptr(*this)),
            Call::Advise { this, ul_flags, p_advise_info, pul_advise_token } => format!(
                "{}->Advise({}, {}, {})",
                self.ptr(*this),
                consts::show(G::AdviseFlags, *ul_flags),
                match p_advise_info {
                    None => "NULL".to_string(),
                    Some(a) => format!(
                        "{{ulSize={}, ulClientToken={}, CallbackType={}, pCallback={}, ulAdviseTypes={}, ulStateMask={}}}",
                        a.ul_size,
                        a.ul_client_token,
                        consts::show(G::CallbackType, a.callback_type),
                        self.ptr(a.p_callback),
                        consts::show(G::AdviseType, a.ul_advise_types),
                        consts::show(G::StateMask, a.ul_state_mask)
                    ),
                },
                out(pul_advise_token, "ulAdviseToken")
            ),
            Call::Unadvise { this, ul_flags, ul_advise_token } => format!(
                "{}->Unadvise({}, {ul_advise_token})",
                self.ptr(*this),
                consts::show(G::UnadviseFlags, *ul_flags)
            ),
            Call::HrCreateOfflineObj { ul_flags, p_create_info, pp_offline } => format!(
                "HrCreateOfflineObj({ul_flags}, {}, {})",
                match p_create_info {
                    None => "NULL".to_string(),
                    Some(ci) => format!(
                        "{{ulSize={}, ulCreateFlags={}, pwszProfileName={}, ulCapabilities={}, pGUID={}, pInstance={}, pParent={}, pMAPISupport={}, pAggregateInfo={}, pConnectInfo={}}}",
                        ci.ul_size,
                        ci.ul_create_flags,
                        match &ci.pwsz_profile_name {
                            Some(n) => format!("L{n:?}"),
                            None => "NULL".into(),
                        },
                        consts::show_capabilities(ci.ul_capabilities),
                        guid(&ci.p_guid),
                        guid(&ci.p_instance),
                        self.ptr(ci.p_parent),
                        self.ptr(ci.p_mapi_support),
                        match &ci.p_aggregate_info {
                            None => "NULL".to_string(),
                            Some(a) => format!(
                                "{{ulSize={}, pOuterObj={}, pRefTrackRoot={}}}",
                                a.ul_size,
                                self.ptr(a.p_outer_obj),
                                a.p_ref_track_root
                            ),
                        },
                        if ci.p_connect_info == 0 { "NULL".to_string() } else { format!("0x{:X}", ci.p_connect_info) }
                    ),
                },
                out(pp_offline, "pOffline")
            ),
        }
    }
}
