//! The simulated world and the raw API, shaped like the COM surface.
//!
//! Every API function takes the raw arguments a C client passes (NULL pointers, wrong sizes
//! and undocumented values included) and returns the HRESULT the contract gives. Nothing
//! here does I/O or reads a clock: time moves only through [`Sim::advance`] and
//! [`Sim::run_until_idle`].

use crate::clauses::{Clause, Rule, Set4Reading};
use crate::consts::*;
use crate::trace::*;
use crate::util::nearest;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Bound;

/// World-wide settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Ticks between the START, STATECHANGE and DONE phases of an asynchronous change
    /// (START comes this many ticks after the request).
    pub phase_spacing: Tick,
    /// Which reading of SET-4 applies.
    pub set4: Set4Reading,
    /// CUR-2: bits outside `MAPIOFFLINE_STATE_OFFLINE_MASK` added to every state read.
    pub extra_state_bits: u32,
    /// Decides the correct `ulSize` of structures that hold pointers.
    pub arch: Arch,
    /// Whether the machine has network connectivity at the start (GEN-5).
    pub network_up: bool,
    /// `run_until_idle` gives up after this many phases (a client that keeps asking for
    /// changes would otherwise never let the world become idle).
    pub max_idle_steps: u64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            phase_spacing: 1,
            set4: Set4Reading::Documented,
            extra_state_bits: 0,
            arch: Arch::X64,
            network_up: true,
            max_idle_steps: 100_000,
        }
    }
}

/// A profile to add to the world.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileSpec {
    pub name: String,
    /// What `GetCapabilities` reports, extra bits (CAP-3) included.
    pub capabilities: u32,
    /// `MAPIOFFLINE_STATE_ONLINE` or `MAPIOFFLINE_STATE_OFFLINE`: what the user chose.
    pub state: u32,
    /// OPEN-8: whether the client opening this profile runs inside the Outlook process.
    pub caller_inside_outlook: bool,
    pub server_up: bool,
}

impl ProfileSpec {
    /// A profile with both capabilities, online, opened from inside Outlook.
    pub fn new(name: impl Into<String>) -> ProfileSpec {
        ProfileSpec {
            name: name.into(),
            capabilities: MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE,
            state: MAPIOFFLINE_STATE_ONLINE,
            caller_inside_outlook: true,
            server_up: true,
        }
    }
}

/// What a client object's `Notify` does besides receiving: a call back into the API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// `Unadvise(0, token)`; `token: None` means the registration being notified.
    Unadvise {
        mgr: Ptr,
        token: Option<u32>,
    },
    SetCurrentState {
        this: Ptr,
        flags: u32,
        mask: u32,
        state: u32,
    },
    /// Advise another sink with a correct `MAPIOFFLINE_ADVISEINFO`.
    Advise {
        mgr: Ptr,
        sink: Ptr,
        client_token: u32,
    },
    Release {
        this: Ptr,
    },
    GetCurrentState {
        this: Ptr,
    },
}

/// An [`Action`] with the notifications that trigger it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reaction {
    /// Only on this `NotifyType`; `None` for every notification.
    pub on: Option<u32>,
    /// Only the first time it triggers.
    pub once: bool,
    pub action: Action,
}

impl fmt::Display for Reaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.action {
            Action::Unadvise { mgr, token: None } => write!(f, "{mgr}->Unadvise(own token)")?,
            Action::Unadvise {
                mgr,
                token: Some(t),
            } => write!(f, "{mgr}->Unadvise({t})")?,
            Action::SetCurrentState {
                this,
                flags,
                mask,
                state,
            } => write!(
                f,
                "{this}->SetCurrentState({}, {}, {}, NULL)",
                show(ConstGroup::SetFlags, *flags),
                show(ConstGroup::StateMask, *mask),
                show(ConstGroup::State, *state)
            )?,
            Action::Advise {
                mgr,
                sink,
                client_token,
            } => write!(
                f,
                "{mgr}->Advise(sink {sink}, ulClientToken={client_token})"
            )?,
            Action::Release { this } => write!(f, "{this}->Release()")?,
            Action::GetCurrentState { this } => write!(f, "{this}->GetCurrentState()")?,
        }
        if let Some(t) = self.on {
            write!(f, " on {}", show(ConstGroup::NotifyType, t))?;
        }
        if self.once {
            f.write_str(" once")?;
        }
        Ok(())
    }
}

/// A client-owned COM object: a notify sink, an outer object for aggregation, or a
/// support object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SinkSpec {
    pub name: String,
    /// Whether `QueryInterface(IID_IMAPIOfflineNotify)` succeeds.
    pub implements_notify: bool,
    /// Whether its `Notify` checks NotifyType and ulMask before reading Info (NTF-5).
    pub validates_notify: bool,
    /// Further IIDs it answers to.
    pub interfaces: Vec<Guid>,
    pub reactions: Vec<Reaction>,
}

impl SinkSpec {
    /// A well-behaved sink that just receives.
    pub fn new(name: impl Into<String>) -> SinkSpec {
        SinkSpec {
            name: name.into(),
            implements_notify: true,
            validates_notify: true,
            interfaces: Vec::new(),
            reactions: Vec::new(),
        }
    }
    pub fn reacting(mut self, r: Reaction) -> SinkSpec {
        self.reactions.push(r);
        self
    }
}

/// A call's result and what it wrote through its out-parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ret<T> {
    pub hr: HResult,
    pub out: Option<T>,
}

/// The world at one moment; see [`Sim::snapshot`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorldSnapshot {
    pub now: Tick,
    pub network_up: bool,
    /// Outlook has shut down.
    pub ended: bool,
    /// When the next phase of an asynchronous change is due.
    pub next_due: Option<Tick>,
    pub profiles: Vec<ProfileSnapshot>,
    pub objects: Vec<ObjectSnapshot>,
    pub clients: Vec<ClientSnapshot>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileSnapshot {
    pub name: String,
    pub caller_inside_outlook: bool,
    pub server_up: bool,
    pub global: Ptr,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectSnapshot {
    pub object: Ptr,
    pub profile: String,
    pub parent: Option<Ptr>,
    pub is_global: bool,
    pub capabilities: u32,
    /// The masked state.
    pub state: u32,
    pub in_transition: bool,
    /// References the client holds.
    pub refs: u32,
    /// (advise token, ulClientToken, sink).
    pub registrations: Vec<(u32, u32, Ptr)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSnapshot {
    pub object: Ptr,
    pub name: String,
    pub refs: u32,
    /// False once its last reference is gone.
    pub alive: bool,
}

impl WorldSnapshot {
    /// A few lines for a person: time, network, each profile with its objects, each sink.
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let due = match self.next_due {
            Some(t) => format!("; next phase due at t={t}"),
            None => String::new(),
        };
        let _ = writeln!(
            s,
            "t={}; network {}{}{due}",
            self.now,
            if self.network_up { "up" } else { "down" },
            if self.ended {
                "; Outlook has shut down"
            } else {
                ""
            }
        );
        let sink_name = |p: Ptr| {
            self.clients
                .iter()
                .find(|c| c.object == p)
                .map_or_else(|| p.to_string(), |c| c.name.clone())
        };
        for p in &self.profiles {
            let _ = writeln!(
                s,
                "profile \"{}\": server {}, caller {} Outlook",
                p.name,
                if p.server_up { "up" } else { "down" },
                if p.caller_inside_outlook {
                    "inside"
                } else {
                    "outside"
                }
            );
            for o in self.objects.iter().filter(|o| o.profile == p.name) {
                let what = if o.is_global {
                    "global object".to_string()
                } else {
                    match o.parent {
                        Some(parent) => format!("object (child of {parent})"),
                        None => "object".to_string(),
                    }
                };
                let _ = writeln!(
                    s,
                    "  {} {what}: {}{}, capabilities {}, {} client reference{}",
                    o.object,
                    show(ConstGroup::State, o.state),
                    if o.in_transition {
                        " (change in progress)"
                    } else {
                        ""
                    },
                    show_capabilities(o.capabilities),
                    o.refs,
                    if o.refs == 1 { "" } else { "s" }
                );
                for (token, client_token, sink) in &o.registrations {
                    let _ = writeln!(
                        s,
                        "    advise token {token} -> {} (ulClientToken {client_token})",
                        sink_name(*sink)
                    );
                }
            }
        }
        for c in &self.clients {
            let _ = writeln!(
                s,
                "sink {} {}: {} reference{}{}",
                c.name,
                c.object,
                c.refs,
                if c.refs == 1 { "" } else { "s" },
                if c.alive { "" } else { " (destroyed)" }
            );
        }
        s
    }
}

/// Misuse of the driver API (not of the simulated COM API, which answers with HRESULTs).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SimError {
    /// The Outlook process has shut down; the world takes no more events.
    Ended,
    DuplicateProfile(String),
    UnknownProfile {
        name: String,
        suggestion: Option<String>,
    },
    InvalidState(u32),
    NotAnOfflineObject(Ptr),
    TooManyObjects,
    /// `run_until_idle` gave up.
    NotIdle {
        steps: u64,
    },
}

impl fmt::Display for SimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SimError::Ended => f.write_str("Outlook has shut down; the world accepts no more events"),
            SimError::DuplicateProfile(n) => write!(f, "a profile named \"{n}\" already exists"),
            SimError::UnknownProfile { name, suggestion } => {
                write!(f, "no profile named \"{name}\"")?;
                if let Some(s) = suggestion {
                    write!(f, " (did you mean \"{s}\"?)")?;
                }
                Ok(())
            }
            SimError::InvalidState(s) => write!(
                f,
                "0x{s:08X} is not a state: use MAPIOFFLINE_STATE_ONLINE or MAPIOFFLINE_STATE_OFFLINE"
            ),
            SimError::NotAnOfflineObject(p) => write!(f, "{p} is not a live offline object"),
            SimError::TooManyObjects => f.write_str("too many objects (65536 of a kind at most)"),
            SimError::NotIdle { steps } => write!(
                f,
                "the world did not become idle within {steps} phases: a client keeps requesting changes"
            ),
        }
    }
}

impl std::error::Error for SimError {}

const OFFLINE_BASE: u32 = 0x00A0_0000;
const CLIENT_BASE: u32 = 0x00C0_0000;
const STRIDE: u32 = 0x10;
const MAX_OBJECTS: usize = 0x1_0000;
/// Nesting beyond this (Notify → blocking call → Notify …) is refused rather than
/// risking the host's stack.
const MAX_NESTING: u16 = 64;
/// IMAPIOfflineMgr's vtable: IUnknown (3), IMAPIOffline (3 + 1 placeholder),
/// Advise, Unadvise, 7 placeholders.
const VTABLE_SLOTS: [&str; 16] = [
    "QueryInterface",
    "AddRef",
    "Release",
    "SetCurrentState",
    "GetCapabilities",
    "GetCurrentState",
    "IMAPIOffline placeholder",
    "Advise",
    "Unadvise",
    "IMAPIOfflineMgr placeholder 1",
    "IMAPIOfflineMgr placeholder 2",
    "IMAPIOfflineMgr placeholder 3",
    "IMAPIOfflineMgr placeholder 4",
    "IMAPIOfflineMgr placeholder 5",
    "IMAPIOfflineMgr placeholder 6",
    "IMAPIOfflineMgr placeholder 7",
];

#[derive(Clone, Copy)]
enum Target {
    Offline(usize),
    Client(usize),
}

#[derive(Clone, Copy)]
struct Reg {
    client_token: u32,
    /// Index of the sink among the client objects (u32 keeps a registration small).
    sink: u32,
}

#[derive(Clone, Copy)]
struct Busy {
    transition: u32,
    blocking: bool,
}

struct OfflineObj {
    profile: usize,
    parent: Option<usize>,
    children: Vec<usize>,
    is_global: bool,
    outer: Option<usize>,
    caps: u32,
    /// What was last requested (SetCurrentState or the profile's initial state).
    desired: u32,
    /// The masked state clients read.
    state: u32,
    busy: Option<Busy>,
    regs: BTreeMap<u32, Reg>,
    /// References the client holds (Outlook's own are not counted).
    refs: u32,
    opened: bool,
    caps_queried: bool,
}

struct ClientObj {
    spec: SinkSpec,
    fired: Vec<bool>,
    refs: u32,
    alive: bool,
}

struct Profile {
    name: String,
    global: usize,
    caller_inside_outlook: bool,
    server_up: bool,
}

#[derive(Clone, Copy)]
struct Affected {
    obj: usize,
    old: u32,
    new: u32,
}

struct Transition {
    id: u32,
    root: usize,
    affected: Vec<Affected>,
    /// ADV-11: only registrations with a smaller token are notified.
    token_bound: u32,
    next_phase: u32,
}

/// The simulated world: profiles, offline objects, client objects, clock and trace.
pub struct Sim {
    config: Config,
    now: Tick,
    depth: u16,
    in_notify: u32,
    ended: bool,
    network_up: bool,
    extra_state_bits: u32,
    profiles: Vec<Profile>,
    objects: Vec<OfflineObj>,
    clients: Vec<ClientObj>,
    transitions: BTreeMap<u32, Transition>,
    queue: BTreeSet<(Tick, u32)>,
    next_token: u32,
    next_transition: u32,
    spare_affected: Vec<Affected>,
    trace: Trace,
}

/// Appends an event to a `Vec<Event>`, building it in place. `Vec::push` must hold the
/// 64-byte event across its (out-of-line) growth path, so it is built on the stack with
/// narrow stores and copied with wide loads: a store-forwarding stall on every event, the
/// largest single cost of a blocking change. Growing first and evaluating the event
/// afterwards lets it be written straight into the buffer.
macro_rules! record {
    ($events:expr, $tick:expr, $depth:expr, $kind:expr) => {{
        let events: &mut Vec<Event> = $events;
        if events.len() == events.capacity() {
            events.reserve(1);
        }
        let len = events.len();
        // SAFETY: capacity exceeds `len` (checked or reserved just above), and the slot
        // is initialised before `set_len` makes it part of the vector.
        unsafe {
            events.as_mut_ptr().add(len).write(Event {
                tick: $tick,
                depth: $depth,
                kind: $kind,
            });
            events.set_len(len + 1);
        }
    }};
}

fn state_ok(s: u32) -> bool {
    s == MAPIOFFLINE_STATE_ONLINE || s == MAPIOFFLINE_STATE_OFFLINE
}

fn capability_for(state: u32) -> u32 {
    if state == MAPIOFFLINE_STATE_OFFLINE {
        MAPIOFFLINE_CAPABILITY_OFFLINE
    } else {
        MAPIOFFLINE_CAPABILITY_ONLINE
    }
}

impl Default for Sim {
    fn default() -> Sim {
        Sim::new(Config::default())
    }
}

impl Sim {
    pub fn new(mut config: Config) -> Sim {
        // Bits inside the mask would change the state itself, not decorate it (CUR-2);
        // drop them so the trace's config shows what is in effect.
        config.extra_state_bits &= !MAPIOFFLINE_STATE_OFFLINE_MASK;
        Sim {
            now: 0,
            depth: 0,
            in_notify: 0,
            ended: false,
            network_up: config.network_up,
            extra_state_bits: config.extra_state_bits,
            profiles: Vec::new(),
            objects: Vec::new(),
            clients: Vec::new(),
            transitions: BTreeMap::new(),
            queue: BTreeSet::new(),
            next_token: 1,
            next_transition: 1,
            spare_affected: Vec::new(),
            trace: Trace {
                schema: SCHEMA_VERSION,
                config: config.clone(),
                events: Vec::new(),
            },
            config,
        }
    }

    // ---------------------------------------------------------------- observation

    pub fn config(&self) -> &Config {
        &self.config
    }
    pub fn now(&self) -> Tick {
        self.now
    }
    pub fn trace(&self) -> &Trace {
        &self.trace
    }
    /// Hands over the trace recorded so far and starts an empty one.
    pub fn take_trace(&mut self) -> Trace {
        let fresh = Trace {
            schema: SCHEMA_VERSION,
            config: self.config.clone(),
            events: Vec::new(),
        };
        std::mem::replace(&mut self.trace, fresh)
    }
    /// Forgets the events recorded so far but keeps their buffer, for long-running hosts.
    pub fn clear_trace(&mut self) {
        self.trace.events.clear();
    }
    pub fn is_ended(&self) -> bool {
        self.ended
    }
    pub fn has_network(&self) -> bool {
        self.network_up
    }
    /// The tick of the next scheduled phase, if any (the driver's timeout).
    pub fn next_due(&self) -> Option<Tick> {
        self.queue.first().map(|(t, _)| *t)
    }
    /// The global offline object of a profile.
    pub fn global_object(&self, profile: &str) -> Option<Ptr> {
        self.profiles
            .iter()
            .find(|p| p.name == profile)
            .map(|p| Self::offline_ptr(p.global))
    }
    pub fn profile_names(&self) -> impl Iterator<Item = &str> {
        self.profiles.iter().map(|p| p.name.as_str())
    }
    /// The masked state of an offline object, as the simulator holds it.
    pub fn state_of(&self, p: Ptr) -> Option<u32> {
        match self.decode(p)? {
            Target::Offline(i) => Some(self.objects[i].state),
            Target::Client(_) => None,
        }
    }
    /// Whether a change of this object is in progress (what makes SET-3 answer E_PENDING).
    pub fn in_transition(&self, p: Ptr) -> bool {
        matches!(self.decode(p), Some(Target::Offline(i)) if self.objects[i].busy.is_some())
    }
    /// The reference count the simulator would return from AddRef/Release minus one.
    pub fn refcount(&self, p: Ptr) -> Option<u32> {
        match self.decode(p)? {
            Target::Offline(i) => Some(self.objects[i].refs),
            Target::Client(i) => Some(self.clients[i].refs),
        }
    }
    /// Live registrations of an offline object: (advise token, ulClientToken, sink).
    pub fn registrations(&self, p: Ptr) -> Vec<(u32, u32, Ptr)> {
        match self.decode(p) {
            Some(Target::Offline(i)) => self.objects[i]
                .regs
                .iter()
                .map(|(t, r)| (*t, r.client_token, Self::client_ptr(r.sink as usize)))
                .collect(),
            _ => Vec::new(),
        }
    }
    /// Total live registrations in the world.
    pub fn registration_count(&self) -> usize {
        self.objects.iter().map(|o| o.regs.len()).sum()
    }

    /// Everything a front-end shows as "the world now" (the REPL's `:state`, the
    /// playground's side panel), read in one go.
    pub fn snapshot(&self) -> WorldSnapshot {
        WorldSnapshot {
            now: self.now,
            network_up: self.network_up,
            ended: self.ended,
            next_due: self.next_due(),
            profiles: self
                .profiles
                .iter()
                .map(|p| ProfileSnapshot {
                    name: p.name.clone(),
                    caller_inside_outlook: p.caller_inside_outlook,
                    server_up: p.server_up,
                    global: Self::offline_ptr(p.global),
                })
                .collect(),
            objects: self
                .objects
                .iter()
                .enumerate()
                .map(|(i, o)| ObjectSnapshot {
                    object: Self::offline_ptr(i),
                    profile: self.profiles[o.profile].name.clone(),
                    parent: o.parent.map(Self::offline_ptr),
                    is_global: o.is_global,
                    capabilities: o.caps,
                    state: o.state,
                    in_transition: o.busy.is_some(),
                    refs: o.refs,
                    registrations: o
                        .regs
                        .iter()
                        .map(|(t, r)| (*t, r.client_token, Self::client_ptr(r.sink as usize)))
                        .collect(),
                })
                .collect(),
            clients: self
                .clients
                .iter()
                .enumerate()
                .map(|(i, c)| ClientSnapshot {
                    object: Self::client_ptr(i),
                    name: c.spec.name.clone(),
                    refs: c.refs,
                    alive: c.alive,
                })
                .collect(),
        }
    }

    // ---------------------------------------------------------------- plumbing

    /// Driver events need a running Outlook.
    fn running(&self) -> Result<(), SimError> {
        if self.ended {
            Err(SimError::Ended)
        } else {
            Ok(())
        }
    }

    fn offline_ptr(i: usize) -> Ptr {
        Ptr(OFFLINE_BASE + i as u32 * STRIDE)
    }
    fn client_ptr(i: usize) -> Ptr {
        Ptr(CLIENT_BASE + i as u32 * STRIDE)
    }

    fn decode(&self, p: Ptr) -> Option<Target> {
        if self.ended || p.0 % STRIDE != 0 {
            return None;
        }
        if p.0 >= OFFLINE_BASE && p.0 < OFFLINE_BASE + MAX_OBJECTS as u32 * STRIDE {
            let i = ((p.0 - OFFLINE_BASE) / STRIDE) as usize;
            return (i < self.objects.len()).then_some(Target::Offline(i));
        }
        if p.0 >= CLIENT_BASE && p.0 < CLIENT_BASE + MAX_OBJECTS as u32 * STRIDE {
            let i = ((p.0 - CLIENT_BASE) / STRIDE) as usize;
            return (i < self.clients.len() && self.clients[i].alive).then_some(Target::Client(i));
        }
        None
    }

    #[inline(always)]
    fn push(&mut self, kind: EventKind) {
        record!(&mut self.trace.events, self.now, self.depth, kind);
    }

    fn diag(
        &mut self,
        severity: Severity,
        code: &str,
        clause: Option<Clause>,
        rule: Option<Rule>,
        message: String,
    ) {
        self.push(EventKind::Diagnostic(Box::new(Diagnostic {
            severity,
            code: code.to_string(),
            clause,
            rule,
            message,
        })));
    }
    fn note(&mut self, code: &str, clause: Clause, message: String) {
        self.diag(Severity::Info, code, Some(clause), None, message);
    }
    fn error(&mut self, code: &str, clause: Option<Clause>, rule: Option<Rule>, message: String) {
        self.diag(Severity::Error, code, clause, rule, message);
    }

    /// Records the call and opens a nesting level for what happens inside it.
    fn enter(&mut self, by: Caller, call: Call) {
        self.push(EventKind::Call { by, call });
        self.depth += 1;
    }
    fn leave(&mut self, by: Caller, func: Func, hr: Option<HResult>, out: Option<OutValue>) {
        self.depth -= 1;
        self.push(EventKind::Return { by, func, hr, out });
    }

    /// The diagnostic for a `this` that is not a live object.
    fn bad_this(&mut self, this: Ptr, func: Func) {
        let was_sink = this.0 >= CLIENT_BASE
            && this.0 % STRIDE == 0
            && (((this.0 - CLIENT_BASE) / STRIDE) as usize) < self.clients.len();
        if self.ended {
            self.error(
                "ptr.after_shutdown",
                None,
                Some(Rule::R4),
                format!("{func} through {this} after Outlook shut down: every pointer is dangling; a real client would crash. The simulator returns E_INVALIDARG."),
            );
        } else if this.is_null() {
            self.error(
                "ptr.null_this",
                None,
                None,
                format!("{func} called through a NULL interface pointer: a real client would crash. The simulator returns E_INVALIDARG."),
            );
        } else if was_sink {
            self.error(
                "ptr.dangling",
                None,
                Some(Rule::R4),
                format!("{func} through {this}, a client object already destroyed by its last Release: a real client would crash. The simulator returns E_INVALIDARG."),
            );
        } else {
            self.error(
                "ptr.invalid",
                None,
                None,
                format!("{func} through {this}, which is not an interface pointer the simulator handed out: a real client would crash. The simulator returns E_INVALIDARG."),
            );
        }
    }

    /// Resolves `this` for an IMAPIOffline/IMAPIOfflineMgr method, flagging misuse.
    fn offline_this(&mut self, this: Ptr, func: Func, by: Caller) -> Option<usize> {
        match self.decode(this) {
            Some(Target::Offline(i)) => {
                if by == Caller::Client && self.objects[i].refs == 0 {
                    self.error(
                        "ptr.use_after_release",
                        Some(Clause::Open10),
                        Some(Rule::R4),
                        format!("{func} through {this} after the client released its last reference: the object lives on only because Outlook holds it; a real client must not rely on that"),
                    );
                }
                Some(i)
            }
            Some(Target::Client(_)) => {
                self.error(
                    "ptr.not_offline_object",
                    Some(Clause::Mgr1),
                    None,
                    format!("{func} called on {this}, a client-owned object: only offline objects implement IMAPIOffline/IMAPIOfflineMgr. The simulator returns E_INVALIDARG."),
                );
                None
            }
            None => {
                self.bad_this(this, func);
                None
            }
        }
    }

    fn set_refs(&mut self, t: Target, new: u32) {
        let (p, old) = match t {
            Target::Offline(i) => {
                let old = std::mem::replace(&mut self.objects[i].refs, new);
                (Self::offline_ptr(i), old)
            }
            Target::Client(i) => {
                let old = std::mem::replace(&mut self.clients[i].refs, new);
                (Self::client_ptr(i), old)
            }
        };
        self.push(EventKind::RefCount {
            object: p,
            old,
            new,
        });
        if let Target::Client(i) = t {
            if new == 0 {
                self.clients[i].alive = false;
                self.push(EventKind::Destroyed { object: p });
            }
        }
    }

    fn refs_of(&self, t: Target) -> u32 {
        match t {
            Target::Offline(i) => self.objects[i].refs,
            Target::Client(i) => self.clients[i].refs,
        }
    }

    // ---------------------------------------------------------------- world setup

    /// Adds a profile with its global offline object (GEN-1). Returns that object's address.
    pub fn add_profile(&mut self, spec: ProfileSpec) -> Result<Ptr, SimError> {
        self.running()?;
        if self.profiles.iter().any(|p| p.name == spec.name) {
            return Err(SimError::DuplicateProfile(spec.name));
        }
        if !state_ok(spec.state) {
            return Err(SimError::InvalidState(spec.state));
        }
        if self.objects.len() >= MAX_OBJECTS {
            return Err(SimError::TooManyObjects);
        }
        let obj = self.objects.len();
        let connected = self.network_up && spec.server_up;
        let state = if connected {
            spec.state
        } else {
            MAPIOFFLINE_STATE_OFFLINE
        };
        self.objects.push(OfflineObj {
            profile: self.profiles.len(),
            parent: None,
            children: Vec::new(),
            is_global: true,
            outer: None,
            caps: spec.capabilities,
            desired: spec.state,
            state,
            busy: None,
            regs: BTreeMap::new(),
            refs: 0,
            opened: false,
            caps_queried: false,
        });
        self.profiles.push(Profile {
            name: spec.name.clone(),
            global: obj,
            caller_inside_outlook: spec.caller_inside_outlook,
            server_up: spec.server_up,
        });
        let ptr = Self::offline_ptr(obj);
        self.push(EventKind::ProfileAdded(Box::new(ProfileAdded {
            profile: spec.name,
            object: ptr,
            capabilities: spec.capabilities,
            state,
            caller_inside_outlook: spec.caller_inside_outlook,
            server_up: spec.server_up,
        })));
        if state != spec.state {
            self.note(
                "env.start_offline",
                Clause::Gen5,
                "the profile starts OFFLINE: there is no connectivity; it goes ONLINE when connectivity returns (SET-11)".into(),
            );
        }
        Ok(ptr)
    }

    /// Creates a client-owned object (a notify sink, an outer or a support object) with
    /// one reference, the client's own. Returns its address.
    pub fn create_sink(&mut self, spec: SinkSpec) -> Result<Ptr, SimError> {
        self.running()?;
        if self.clients.len() >= MAX_OBJECTS {
            return Err(SimError::TooManyObjects);
        }
        let i = self.clients.len();
        let ptr = Self::client_ptr(i);
        self.push(EventKind::ClientObjectCreated(Box::new(ClientObjectInfo {
            object: ptr,
            name: spec.name.clone(),
            implements_notify: spec.implements_notify,
            validates_notify: spec.validates_notify,
            interfaces: spec.interfaces.clone(),
            reactions: spec.reactions.clone(),
        })));
        self.clients.push(ClientObj {
            fired: vec![false; spec.reactions.len()],
            spec,
            refs: 1,
            alive: true,
        });
        Ok(ptr)
    }

    // ---------------------------------------------------------------- HrOpenOfflineObj

    /// `HrOpenOfflineObj(ulReserved, pwszProfileNameIn, pGUID, pReserved, ppOfflineObj)`.
    pub fn hr_open_offline_obj(
        &mut self,
        ul_reserved: u32,
        pwsz_profile_name_in: Option<&str>,
        p_guid: Option<Guid>,
        p_reserved: Option<Guid>,
        pp_offline_obj: Out,
    ) -> Ret<Ptr> {
        let by = Caller::Client;
        self.enter(
            by,
            Call::HrOpenOfflineObj(Box::new(OpenArgs {
                ul_reserved,
                pwsz_profile_name_in: pwsz_profile_name_in.map(str::to_string),
                p_guid,
                p_reserved,
                pp_offline_obj,
            })),
        );
        let mut failed = false;
        if self.ended {
            failed = true;
            self.error(
                "open.outlook_ended",
                Some(Clause::Open8),
                None,
                "Outlook has shut down: there is no Outlook process to be inside of".into(),
            );
        }
        if ul_reserved != 0 {
            failed = true;
            self.error(
                "open.reserved_nonzero",
                Some(Clause::Open2),
                None,
                format!("ulReserved is {ul_reserved}; it must be 0"),
            );
        }
        match p_guid {
            None => {
                failed = true;
                self.error(
                    "open.guid_null",
                    Some(Clause::Open4),
                    None,
                    "pGUID is NULL; it must point to GUID_GlobalState".into(),
                );
            }
            Some(g) if g != GUID_GLOBAL_STATE => {
                failed = true;
                self.error("open.guid_wrong", Some(Clause::Open4), None, format!("pGUID points to {g:?}; it must point to GUID_GlobalState {GUID_GLOBAL_STATE}"));
            }
            Some(_) => {}
        }
        if let Some(g) = p_reserved {
            failed = true;
            self.error(
                "open.preserved_nonnull",
                Some(Clause::Open5),
                None,
                format!("pReserved points to {g:?}; it must be NULL"),
            );
        }
        if pp_offline_obj.is_null() {
            failed = true;
            self.error(
                "open.out_null",
                Some(Clause::Open11),
                None,
                "ppOfflineObj is NULL: there is nowhere to write the object".into(),
            );
        }
        let mut found = None;
        match pwsz_profile_name_in {
            None => {
                failed = true;
                self.error(
                    "open.profile_null",
                    Some(Clause::Open3),
                    None,
                    "pwszProfileNameIn is NULL; it must name a profile".into(),
                );
            }
            Some(name) => match self.profiles.iter().position(|p| p.name == name) {
                None => {
                    failed = true;
                    let hint = match nearest(name, self.profiles.iter().map(|p| p.name.as_str())) {
                        Some(s) => format!(" (did you mean L\"{s}\"?)"),
                        None => String::new(),
                    };
                    self.error(
                        "open.profile_unknown",
                        Some(Clause::Open3),
                        None,
                        format!("no profile is named L\"{name}\"{hint}"),
                    );
                }
                Some(pi) => {
                    if !self.profiles[pi].caller_inside_outlook {
                        failed = true;
                        self.error("open.outside_outlook", Some(Clause::Open8), None, format!("the caller runs outside the Outlook process; HrOpenOfflineObj serves only MAPI providers, COM add-ins and Exchange client extensions loaded by Outlook (profile \"{name}\")"));
                    }
                    found = Some(pi);
                }
            },
        }
        if failed {
            self.note("open.not_found", Clause::Open11, "HrOpenOfflineObj returns MAPI_E_NOT_FOUND, the only documented failure (OPEN-7), for every broken precondition".into());
            self.leave(
                by,
                Func::HrOpenOfflineObj,
                Some(HResult::MAPI_E_NOT_FOUND),
                None,
            );
            return Ret {
                hr: HResult::MAPI_E_NOT_FOUND,
                out: None,
            };
        }
        let obj = self.profiles[found.expect("checked above")].global;
        if self.objects[obj].opened {
            self.note("open.same_object", Clause::Open10, "the profile was opened before: this is the same global object, with one more reference for the caller to release".into());
        }
        self.objects[obj].opened = true;
        let refs = self.objects[obj].refs.saturating_add(1);
        self.set_refs(Target::Offline(obj), refs);
        let p = Self::offline_ptr(obj);
        self.leave(
            by,
            Func::HrOpenOfflineObj,
            Some(HResult::S_OK),
            Some(OutValue::Ptr(p)),
        );
        Ret {
            hr: HResult::S_OK,
            out: Some(p),
        }
    }

    // ---------------------------------------------------------------- IUnknown

    /// `this->QueryInterface(riid, ppvObject)`.
    pub fn query_interface(&mut self, this: Ptr, riid: Option<Guid>, ppv_object: Out) -> Ret<Ptr> {
        self.qi(Caller::Client, this, riid, ppv_object)
    }

    fn qi(&mut self, by: Caller, this: Ptr, riid: Option<Guid>, ppv_object: Out) -> Ret<Ptr> {
        self.enter(
            by,
            Call::QueryInterface {
                this,
                riid,
                ppv_object,
            },
        );
        let (hr, out) = self.qi_inner(by, this, riid, ppv_object);
        self.leave(by, Func::QueryInterface, Some(hr), out.map(OutValue::Ptr));
        Ret { hr, out }
    }

    fn qi_inner(
        &mut self,
        by: Caller,
        this: Ptr,
        riid: Option<Guid>,
        ppv: Out,
    ) -> (HResult, Option<Ptr>) {
        let target = match self.decode(this) {
            Some(t) => t,
            None => {
                self.bad_this(this, Func::QueryInterface);
                return (HResult::E_INVALIDARG, None);
            }
        };
        if let Target::Offline(i) = target {
            if by == Caller::Client && self.objects[i].refs == 0 {
                self.offline_this(this, Func::QueryInterface, by);
            }
        }
        if ppv.is_null() {
            self.error(
                "qi.out_null",
                Some(Clause::Mgr3),
                None,
                "ppvObject is NULL; the simulator returns E_INVALIDARG".into(),
            );
            return (HResult::E_INVALIDARG, None);
        }
        let Some(iid) = riid else {
            self.error(
                "qi.riid_null",
                Some(Clause::Mgr3),
                None,
                "riid is NULL; the simulator returns E_INVALIDARG and writes NULL".into(),
            );
            return (HResult::E_INVALIDARG, Some(Ptr::NULL));
        };
        let supported = match target {
            Target::Offline(_) => {
                iid == IID_IUNKNOWN || iid == IID_IMAPIOFFLINE || iid == IID_IMAPIOFFLINEMGR
            }
            Target::Client(i) => {
                let s = &self.clients[i].spec;
                iid == IID_IUNKNOWN
                    || (iid == IID_IMAPIOFFLINENOTIFY && s.implements_notify)
                    || s.interfaces.contains(&iid)
            }
        };
        if supported {
            let n = self.refs_of(target).saturating_add(1);
            self.set_refs(target, n);
            if let (Target::Offline(_), true) = (target, iid == IID_IMAPIOFFLINE) {
                self.note("qi.imapioffline", Clause::Off1, "IMAPIOffline obtained from the manager by QueryInterface; it shares the manager's object and reference count".into());
            }
            return (HResult::S_OK, Some(this));
        }
        if let Target::Offline(i) = target {
            if let Some(outer) = self.objects[i].outer {
                self.note("qi.aggregated", Clause::Cre5, format!("{iid:?} is not an offline-object interface; the object is aggregated, so QueryInterface passes through to the outer object"));
                let r = self.qi(
                    Caller::Outlook,
                    Self::client_ptr(outer),
                    Some(iid),
                    Out::Valid,
                );
                return (r.hr, r.out);
            }
            self.note("qi.no_interface", Clause::Mgr3, format!("an offline object answers only IID_IUnknown, IID_IMAPIOffline and IID_IMAPIOfflineMgr, not {iid:?}: E_NOINTERFACE and *ppvObject = NULL"));
        }
        (HResult::E_NOINTERFACE, Some(Ptr::NULL))
    }

    /// `this->AddRef()`: returns the new count.
    pub fn add_ref(&mut self, this: Ptr) -> u32 {
        let by = Caller::Client;
        self.enter(by, Call::AddRef { this });
        let n = match self.decode(this) {
            Some(t) => {
                if let Target::Offline(_) = t {
                    self.offline_this(this, Func::AddRef, by);
                }
                let n = self.refs_of(t).saturating_add(1);
                self.set_refs(t, n);
                n
            }
            None => {
                self.bad_this(this, Func::AddRef);
                0
            }
        };
        self.leave(by, Func::AddRef, None, Some(OutValue::RefCount(n)));
        n
    }

    /// `this->Release()`: returns the new count.
    pub fn release(&mut self, this: Ptr) -> u32 {
        self.release_by(Caller::Client, this)
    }

    fn release_by(&mut self, by: Caller, this: Ptr) -> u32 {
        self.enter(by, Call::Release { this });
        let n = match self.decode(this) {
            Some(t) => {
                let old = self.refs_of(t);
                if old == 0 {
                    self.error("release.below_zero", Some(Clause::Mgr3), Some(Rule::R4), format!("Release on {this} whose count is already 0: the client released more references than it obtained"));
                    0
                } else {
                    self.set_refs(t, old - 1);
                    old - 1
                }
            }
            None => {
                self.bad_this(this, Func::Release);
                0
            }
        };
        self.leave(by, Func::Release, None, Some(OutValue::RefCount(n)));
        n
    }

    // ---------------------------------------------------------------- IMAPIOffline

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
        let hr = self.set_inner(this, ul_flags, ul_mask, ul_state, p_reserved);
        self.leave(by, Func::SetCurrentState, Some(hr), None);
        hr
    }

    fn set_inner(
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
            self.note("set.invalidarg", Clause::Set9, "E_INVALIDARG: an undocumented result, the simulator's answer to undocumented arguments".into());
            return HResult::E_INVALIDARG;
        }
        if let Some(b) = self.objects[i].busy {
            match (self.config.set4, b.blocking) {
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
        self.objects[i].desired = ul_state;
        let target = self.target_of(i);
        if target == self.objects[i].state {
            if target != ul_state {
                let why = match self.objects[i].parent {
                    Some(p) => format!("its parent {} is OFFLINE (CRE-7)", Self::offline_ptr(p)),
                    None => "the network or the server is unavailable".to_string(),
                };
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

    /// Calls vtable slot `slot` of `this` with no arguments: how a client reaches the
    /// placeholders (OFF-2, OFF-3). Named methods must be called by name.
    pub fn call_slot(&mut self, this: Ptr, slot: u32) -> HResult {
        let by = Caller::Client;
        self.enter(by, Call::Slot { this, slot });
        let hr = match self.offline_this(this, Func::Slot, by) {
            None => HResult::E_INVALIDARG,
            Some(_) => match VTABLE_SLOTS.get(slot as usize) {
                Some(name) if name.contains("placeholder") => {
                    self.error("slot.placeholder", Some(Clause::Off3), Some(Rule::R7), format!("slot {slot} is the {name}, reserved for Outlook (OFF-2, MGR-2): E_NOTIMPL"));
                    HResult::E_NOTIMPL
                }
                Some(name) => {
                    self.error("slot.named_method", Some(Clause::Off2), None, format!("slot {slot} is {name}, which takes arguments: call it by name. The simulator returns E_INVALIDARG"));
                    HResult::E_INVALIDARG
                }
                None => {
                    self.error("slot.beyond_vtable", Some(Clause::Off3), Some(Rule::R7), format!("slot {slot} is beyond IMAPIOfflineMgr's {} slots: undefined behaviour in a real client; the simulator returns E_NOTIMPL", VTABLE_SLOTS.len()));
                    HResult::E_NOTIMPL
                }
            },
        };
        self.leave(by, Func::Slot, Some(hr), None);
        hr
    }

    // ---------------------------------------------------------------- IMAPIOfflineMgr

    /// `this->Advise(ulFlags, pAdviseInfo, pulAdviseToken)`.
    pub fn advise(
        &mut self,
        this: Ptr,
        ul_flags: u32,
        p_advise_info: Option<&AdviseInfo>,
        pul_advise_token: Out,
    ) -> Ret<u32> {
        let by = Caller::Client;
        self.enter(
            by,
            Call::Advise {
                this,
                ul_flags,
                p_advise_info: p_advise_info.copied().map(Box::new),
                pul_advise_token,
            },
        );
        let (hr, out) = self.advise_inner(this, ul_flags, p_advise_info, pul_advise_token);
        self.leave(by, Func::Advise, Some(hr), out.map(OutValue::Ulong));
        Ret { hr, out }
    }

    fn advise_inner(
        &mut self,
        this: Ptr,
        ul_flags: u32,
        info: Option<&AdviseInfo>,
        out: Out,
    ) -> (HResult, Option<u32>) {
        let Some(i) = self.offline_this(this, Func::Advise, Caller::Client) else {
            return (HResult::E_INVALIDARG, None);
        };
        let mut bad = false;
        if ul_flags != MAPIOFFLINE_ADVISE_DEFAULT {
            bad = true;
            self.error(
                "advise.flags",
                Some(Clause::Adv2),
                Some(Rule::R2),
                format!(
                    "ulFlags 0x{ul_flags:08X}: only MAPIOFFLINE_ADVISE_DEFAULT (0) is supported"
                ),
            );
        }
        if out.is_null() {
            bad = true;
            self.error(
                "advise.out_null",
                Some(Clause::Adv9),
                None,
                "pulAdviseToken is NULL: there is nowhere to write the advise token".into(),
            );
        }
        match info {
            None => {
                bad = true;
                self.error(
                    "advise.info_null",
                    Some(Clause::Adv9),
                    None,
                    "pAdviseInfo is NULL".into(),
                );
            }
            Some(a) => {
                let size = self.config.arch.sizeof_adviseinfo();
                if a.ul_size != size {
                    bad = true;
                    self.error("advise.size", Some(Clause::Adv4), Some(Rule::R2), format!("ulSize is {}; sizeof(MAPIOFFLINE_ADVISEINFO) is {size} for this {:?} client (24 on 32-bit, 32 on 64-bit)", a.ul_size, self.config.arch));
                }
                if a.callback_type != MAPIOFFLINE_CALLBACK_TYPE_NOTIFY {
                    bad = true;
                    self.error(
                        "advise.callback_type",
                        Some(Clause::Adv6),
                        Some(Rule::R2),
                        format!(
                            "CallbackType {}: only MAPIOFFLINE_CALLBACK_TYPE_NOTIFY is supported",
                            a.callback_type
                        ),
                    );
                }
                if a.ul_advise_types != MAPIOFFLINE_ADVISE_TYPE_STATECHANGE {
                    bad = true;
                    self.error("advise.advise_types", Some(Clause::Adv7), Some(Rule::R2), format!("ulAdviseTypes 0x{:X}: only MAPIOFFLINE_ADVISE_TYPE_STATECHANGE is supported", a.ul_advise_types));
                }
                if a.ul_state_mask != MAPIOFFLINE_STATE_ALL {
                    bad = true;
                    self.error(
                        "advise.state_mask",
                        Some(Clause::Adv8),
                        Some(Rule::R2),
                        format!(
                            "ulStateMask {}: only MAPIOFFLINE_STATE_ALL (0x003F037F) is supported",
                            show(ConstGroup::StateMask, a.ul_state_mask)
                        ),
                    );
                }
            }
        }
        if self.next_token == u32::MAX {
            bad = true;
            self.error(
                "advise.tokens_exhausted",
                Some(Clause::Adv10),
                None,
                "every advise token has been handed out once; tokens are never reused within a run"
                    .into(),
            );
        }
        if bad {
            self.note(
                "advise.invalidarg",
                Clause::Adv9,
                "Advise returns E_INVALIDARG for an invalid parameter (ADV-3)".into(),
            );
            return (HResult::E_INVALIDARG, None);
        }
        let a = *info.expect("checked above");
        if a.p_callback.is_null() {
            self.error(
                "advise.callback_null",
                Some(Clause::Adv9),
                None,
                "pCallback is NULL: E_NOINTERFACE (ADV-3)".into(),
            );
            return (HResult::E_NOINTERFACE, None);
        }
        if self.decode(a.p_callback).is_none() {
            self.error("advise.callback_invalid", Some(Clause::Adv9), None, format!("pCallback {} is not a live object: E_NOINTERFACE (a real client would crash here)", a.p_callback));
            return (HResult::E_NOINTERFACE, None);
        }
        let r = self.qi(
            Caller::Outlook,
            a.p_callback,
            Some(IID_IMAPIOFFLINENOTIFY),
            Out::Valid,
        );
        let sink = match (r.hr, r.out.and_then(|p| self.decode(p))) {
            (hr, Some(Target::Client(s))) if hr == HResult::S_OK => s,
            _ => {
                self.error("advise.no_notify", Some(Clause::Adv6), None, format!("pCallback {} does not implement IMAPIOfflineNotify: E_NOINTERFACE (ADV-3, ADV-9)", a.p_callback));
                return (HResult::E_NOINTERFACE, None);
            }
        };
        let caps = self.objects[i].caps;
        if !self.objects[i].caps_queried {
            self.error("advise.caps_unchecked", Some(Clause::Gen3), Some(Rule::R1), "Advise before GetCapabilities: check which notifications the object can deliver first".into());
        } else if caps & (MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE) == 0 {
            self.error("advise.no_capability", Some(Clause::Cap1), Some(Rule::R1), "Advise on an object with neither MAPIOFFLINE_CAPABILITY_OFFLINE nor MAPIOFFLINE_CAPABILITY_ONLINE: it will never notify".into());
        }
        let token = self.next_token;
        self.next_token += 1;
        self.objects[i].regs.insert(
            token,
            Reg {
                client_token: a.ul_client_token,
                sink: sink as u32, // < MAX_OBJECTS
            },
        );
        self.note("advise.registered", Clause::Adv10, format!("the manager now holds a reference on {} until Unadvise; advise token {token} is unique and never reused in this run", a.p_callback));
        if let Some(b) = self.objects[i].busy {
            self.note("advise.during_transition", Clause::Adv11, format!("registered while transition #{} is in progress: this registration receives only later changes", b.transition));
        }
        (HResult::S_OK, Some(token))
    }

    /// `this->Unadvise(ulFlags, ulAdviseToken)`.
    pub fn unadvise(&mut self, this: Ptr, ul_flags: u32, ul_advise_token: u32) -> HResult {
        let by = Caller::Client;
        self.enter(
            by,
            Call::Unadvise {
                this,
                ul_flags,
                ul_advise_token,
            },
        );
        let hr = match self.offline_this(this, Func::Unadvise, by) {
            None => HResult::E_INVALIDARG,
            Some(i) => {
                if ul_flags != MAPIOFFLINE_UNADVISE_DEFAULT {
                    self.error("unadvise.flags", Some(Clause::Unadv1), Some(Rule::R2), format!("ulFlags 0x{ul_flags:08X}: only MAPIOFFLINE_UNADVISE_DEFAULT (0) is supported; Unadvise still returns S_OK (UNADV-2)"));
                }
                match self.objects[i].regs.remove(&ul_advise_token) {
                    Some(reg) => {
                        if let Some(b) = self.objects[i].busy {
                            self.note("unadvise.during_transition", Clause::Unadv4, format!("removed while transition #{} is in progress: no further phase of it reaches this sink", b.transition));
                        }
                        // UNADV-3: the manager releases its reference, visibly in the trace.
                        self.release_by(Caller::Outlook, Self::client_ptr(reg.sink as usize));
                    }
                    None => {
                        let elsewhere = self
                            .objects
                            .iter()
                            .position(|o| o.regs.contains_key(&ul_advise_token));
                        let more = match elsewhere {
                            Some(j) => format!(
                                " (it belongs to {}, a different object)",
                                Self::offline_ptr(j)
                            ),
                            None => String::new(),
                        };
                        self.error("unadvise.unknown_token", Some(Clause::Unadv2), Some(Rule::R3), format!("advise token {ul_advise_token} is not registered on this object{more}; Unadvise still returns S_OK"));
                    }
                }
                HResult::S_OK
            }
        };
        self.leave(by, Func::Unadvise, Some(hr), None);
        hr
    }

    // ---------------------------------------------------------------- HrCreateOfflineObj

    /// `HrCreateOfflineObj(ulFlags, pCreateInfo, ppOffline)`.
    pub fn hr_create_offline_obj(
        &mut self,
        ul_flags: u32,
        p_create_info: Option<&CreateInfo>,
        pp_offline: Out,
    ) -> Ret<Ptr> {
        let by = Caller::Client;
        self.enter(
            by,
            Call::HrCreateOfflineObj {
                ul_flags,
                p_create_info: p_create_info.cloned().map(Box::new),
                pp_offline,
            },
        );
        let (hr, out) = self.create_inner(ul_flags, p_create_info, pp_offline);
        self.leave(
            by,
            Func::HrCreateOfflineObj,
            Some(hr),
            out.map(OutValue::Ptr),
        );
        Ret { hr, out }
    }

    fn create_inner(
        &mut self,
        ul_flags: u32,
        info: Option<&CreateInfo>,
        out: Out,
    ) -> (HResult, Option<Ptr>) {
        let mut bad = Vec::new();
        if self.ended {
            bad.push((
                "create.outlook_ended",
                Clause::Cre6,
                "Outlook has shut down".to_string(),
            ));
        }
        if ul_flags != 0 {
            bad.push((
                "create.flags",
                Clause::Cre1,
                format!("ulFlags is 0x{ul_flags:X}; it must be 0"),
            ));
        }
        if out.is_null() {
            bad.push((
                "create.out_null",
                Clause::Cre6,
                "ppOffline is NULL".to_string(),
            ));
        }
        let mut profile = None;
        let mut parent = None;
        let mut outer = None;
        match info {
            None => bad.push((
                "create.info_null",
                Clause::Cre6,
                "pCreateInfo is NULL".to_string(),
            )),
            Some(ci) => {
                let size = self.config.arch.sizeof_createinfo();
                if ci.ul_size != size {
                    bad.push(("create.size", Clause::Cre6, format!("ulSize is {}; sizeof(MAPIOFFLINE_CREATEINFO) is {size} for this {:?} client", ci.ul_size, self.config.arch)));
                }
                if ci.ul_create_flags != 0 {
                    bad.push((
                        "create.create_flags",
                        Clause::Cre1,
                        format!("ulCreateFlags is 0x{:X}; it must be 0", ci.ul_create_flags),
                    ));
                }
                if ci.p_connect_info != 0 {
                    bad.push((
                        "create.connect_info",
                        Clause::Cre1,
                        "pConnectInfo must be NULL".to_string(),
                    ));
                }
                match &ci.pwsz_profile_name {
                    None => bad.push((
                        "create.profile_null",
                        Clause::Cre6,
                        "pwszProfileName is NULL".to_string(),
                    )),
                    Some(n) => match self.profiles.iter().position(|p| &p.name == n) {
                        Some(pi) => profile = Some(pi),
                        None => bad.push((
                            "create.profile_unknown",
                            Clause::Cre6,
                            format!("no profile is named L\"{n}\""),
                        )),
                    },
                }
                if ci.p_guid.is_none() {
                    bad.push((
                        "create.guid_null",
                        Clause::Cre2,
                        "pGUID is NULL; it must identify the type of offline object".to_string(),
                    ));
                }
                if !ci.p_parent.is_null() {
                    match self.decode(ci.p_parent) {
                        Some(Target::Offline(p)) => {
                            if profile.is_some_and(|pi| self.objects[p].profile != pi) {
                                bad.push((
                                    "create.parent_profile",
                                    Clause::Cre3,
                                    format!("pParent {} belongs to another profile", ci.p_parent),
                                ));
                            }
                            parent = Some(p);
                        }
                        _ => bad.push((
                            "create.parent_invalid",
                            Clause::Cre3,
                            format!("pParent {} is not an offline object", ci.p_parent),
                        )),
                    }
                }
                if !ci.p_mapi_support.is_null() && self.decode(ci.p_mapi_support).is_none() {
                    bad.push((
                        "create.support_invalid",
                        Clause::Cre5,
                        format!(
                            "pMAPISupport {} is not a live object (NULL is allowed)",
                            ci.p_mapi_support
                        ),
                    ));
                }
                if let Some(ag) = &ci.p_aggregate_info {
                    let size = self.config.arch.sizeof_aggregateinfo();
                    if ag.ul_size != size {
                        bad.push(("create.aggregate_size", Clause::Cre5, format!("pAggregateInfo->ulSize is {}; sizeof(MAPIOFFLINE_AGGREGATEINFO) is {size}", ag.ul_size)));
                    }
                    if !ag.p_ref_track_root.is_null() {
                        bad.push((
                            "create.ref_track_root",
                            Clause::Cre5,
                            "pAggregateInfo->pRefTrackRoot must be NULL".to_string(),
                        ));
                    }
                    match self.decode(ag.p_outer_obj) {
                        Some(Target::Client(c)) => outer = Some(c),
                        _ => bad.push((
                            "create.outer_invalid",
                            Clause::Cre5,
                            format!(
                                "pAggregateInfo->pOuterObj {} is not a live client object",
                                ag.p_outer_obj
                            ),
                        )),
                    }
                }
            }
        }
        if !bad.is_empty() {
            for (code, clause, msg) in bad {
                self.error(code, Some(clause), None, msg);
            }
            self.note("create.invalidarg", Clause::Cre6, "the reference lists the return value as \"None\"; the simulator returns E_INVALIDARG for a broken precondition".into());
            return (HResult::E_INVALIDARG, None);
        }
        if self.objects.len() >= MAX_OBJECTS {
            self.error(
                "create.too_many",
                Some(Clause::Cre6),
                None,
                "the simulator holds at most 65536 offline objects".into(),
            );
            return (HResult::E_INVALIDARG, None);
        }
        let ci = info.expect("checked above");
        let pi = profile.expect("checked above");
        let i = self.objects.len();
        let state = match parent {
            Some(p) if self.objects[p].state == MAPIOFFLINE_STATE_OFFLINE => {
                MAPIOFFLINE_STATE_OFFLINE
            }
            _ => MAPIOFFLINE_STATE_ONLINE,
        };
        self.objects.push(OfflineObj {
            profile: pi,
            parent,
            children: Vec::new(),
            is_global: false,
            outer,
            caps: ci.ul_capabilities,
            desired: MAPIOFFLINE_STATE_ONLINE,
            state,
            busy: None,
            regs: BTreeMap::new(),
            refs: 0,
            opened: true,
            caps_queried: false,
        });
        if let Some(p) = parent {
            self.objects[p].children.push(i);
        }
        let ptr = Self::offline_ptr(i);
        self.push(EventKind::ObjectCreated(Box::new(ObjectCreated {
            object: ptr,
            profile: self.profiles[pi].name.clone(),
            parent: ci.p_parent,
            capabilities: ci.ul_capabilities,
            type_guid: ci.p_guid.expect("checked above"),
            instance: ci.p_instance,
            outer: outer.map(Self::client_ptr).unwrap_or(Ptr::NULL),
            state,
        })));
        self.set_refs(Target::Offline(i), 1);
        if parent.is_some() {
            self.note("create.parent", Clause::Cre7, "the new object inherits its parent's changes: it is OFFLINE whenever the parent is".into());
        }
        self.note(
            "create.result",
            Clause::Cre6,
            "the reference lists the return value as \"None\"; the simulator returns S_OK".into(),
        );
        (HResult::S_OK, Some(ptr))
    }

    // ---------------------------------------------------------------- transitions

    fn connected(&self, profile: usize) -> bool {
        self.network_up && self.profiles[profile].server_up
    }

    /// The state an object should be in now: its request, overridden by missing
    /// connectivity (global objects, GEN-5) or an offline parent (CRE-7).
    fn target_of(&self, i: usize) -> u32 {
        let o = &self.objects[i];
        let forced_offline = match o.parent {
            Some(p) => self.objects[p].state == MAPIOFFLINE_STATE_OFFLINE,
            None => o.is_global && !self.connected(o.profile),
        };
        if forced_offline {
            MAPIOFFLINE_STATE_OFFLINE
        } else {
            o.desired
        }
    }

    fn collect_children(&self, i: usize, new_state: u32, out: &mut Vec<Affected>) {
        for &c in &self.objects[i].children {
            let child = &self.objects[c];
            if child.busy.is_some() {
                continue; // reconciled when its own change completes
            }
            let target = if new_state == MAPIOFFLINE_STATE_OFFLINE {
                MAPIOFFLINE_STATE_OFFLINE
            } else {
                child.desired
            };
            if target != child.state {
                out.push(Affected {
                    obj: c,
                    old: child.state,
                    new: target,
                });
                self.collect_children(c, target, out);
            }
        }
    }

    fn start_transition(&mut self, root: usize, new: u32, blocking: bool, cause: Cause) {
        // Reuse the last finished transition's buffer: blocking changes are the hot path.
        let mut affected = std::mem::take(&mut self.spare_affected);
        affected.clear();
        affected.push(Affected {
            obj: root,
            old: self.objects[root].state,
            new,
        });
        if !self.objects[root].children.is_empty() {
            self.collect_children(root, new, &mut affected);
        }
        let id = self.next_transition;
        // Numbers only label transitions in the trace; they wrap after 2^32 of them.
        self.next_transition = self.next_transition.wrapping_add(1);
        for a in &affected {
            self.objects[a.obj].busy = Some(Busy {
                transition: id,
                blocking,
            });
        }
        self.push(EventKind::TransitionStarted {
            transition: id,
            object: Self::offline_ptr(root),
            old: affected[0].old,
            new,
            blocking,
            cause,
            objects: affected.len() as u32,
        });
        if affected.len() > 1 {
            self.note("transition.children", Clause::Cre7, format!("{} descendant object(s) change with it; each notifies its own registrations after its parent's, depth-first in creation order", affected.len() - 1));
        }
        // NTF-7 matters once there is an order to speak of: two or more registrations.
        let listeners: usize = affected
            .iter()
            .filter(|a| self.objects[a.obj].caps & capability_for(a.new) != 0)
            .map(|a| self.objects[a.obj].regs.len())
            .sum();
        if listeners > 1 {
            self.note("transition.order", Clause::Ntf7, format!("{listeners} registrations receive START, STATECHANGE and DONE with the same old and new states; within each phase in the order they were made"));
        }
        for a in &affected {
            if self.objects[a.obj].caps & capability_for(a.new) == 0 {
                let cap = if a.new == MAPIOFFLINE_STATE_OFFLINE {
                    "MAPIOFFLINE_CAPABILITY_OFFLINE"
                } else {
                    "MAPIOFFLINE_CAPABILITY_ONLINE"
                };
                self.note("transition.silent", Clause::Cap4, format!("{} lacks {cap}: the change happens but notifies nobody; clients must poll GetCurrentState", Self::offline_ptr(a.obj)));
            }
        }
        let t = Transition {
            id,
            root,
            affected,
            token_bound: self.next_token,
            next_phase: 1,
        };
        if blocking {
            for phase in 1..=3 {
                self.run_phase(&t, phase);
            }
            self.complete(t);
        } else {
            let due = self.now.saturating_add(self.config.phase_spacing);
            self.queue.insert((due, id));
            self.transitions.insert(id, t);
        }
    }

    fn run_phase(&mut self, t: &Transition, phase: u32) {
        self.push(EventKind::Phase {
            transition: t.id,
            phase,
        });
        if phase == MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE {
            for a in &t.affected {
                self.objects[a.obj].state = a.new;
                self.push(EventKind::StateChanged {
                    object: Self::offline_ptr(a.obj),
                    old: a.old,
                    new: a.new,
                });
            }
        }
        for a in &t.affected {
            if self.objects[a.obj].caps & capability_for(a.new) == 0 {
                continue;
            }
            let info = NotifyInfo {
                ul_size: SIZEOF_MAPIOFFLINE_NOTIFY,
                notify_type: phase,
                ul_client_token: 0,
                ul_mask: MAPIOFFLINE_STATE_OFFLINE_MASK,
                ul_state_old: a.old,
                ul_state_new: a.new,
            };
            self.deliver(a.obj, info, t.token_bound, Some(t.id));
        }
    }

    fn complete(&mut self, t: Transition) {
        self.push(EventKind::TransitionCompleted { transition: t.id });
        for a in &t.affected {
            self.objects[a.obj].busy = None;
        }
        let root = t.root;
        self.spare_affected = t.affected;
        self.reconcile(root);
    }

    /// Starts whatever change an object (or a descendant) now needs: a request or an
    /// environment change that arrived while it was busy, or a parent that moved.
    fn reconcile(&mut self, i: usize) {
        if self.objects[i].busy.is_some() {
            return;
        }
        let target = self.target_of(i);
        if target != self.objects[i].state {
            self.start_transition(i, target, false, Cause::Deferred);
            return;
        }
        for k in 0..self.objects[i].children.len() {
            let c = self.objects[i].children[k];
            self.reconcile(c);
        }
    }

    /// Delivers `info` to the object's registrations with tokens below `bound`, in token
    /// (registration) order, re-checking each one so that an Unadvise made meanwhile holds.
    fn deliver(&mut self, obj: usize, mut info: NotifyInfo, bound: u32, transition: Option<u32>) {
        let object = Self::offline_ptr(obj);
        let supported = info.is_supported();
        let mut cursor = 0u32;
        loop {
            // Fast path: sinks that only receive cannot change the registrations, so one
            // range walk serves them all. A sink that may call back (or needs a
            // diagnostic) ends the walk; the search resumes after it, which re-reads
            // whatever its calls changed.
            let mut reactive = None;
            {
                let (tick, depth) = (self.now, self.depth);
                let clients = &self.clients;
                let events = &mut self.trace.events;
                for (&token, reg) in self.objects[obj]
                    .regs
                    .range((Bound::Excluded(cursor), Bound::Excluded(bound)))
                {
                    cursor = token;
                    let c = &clients[reg.sink as usize];
                    if !(supported && c.alive && c.spec.reactions.is_empty()) {
                        reactive = Some(*reg);
                        break;
                    }
                    info.ul_client_token = reg.client_token;
                    let sink = Self::client_ptr(reg.sink as usize);
                    record!(
                        events,
                        tick,
                        depth,
                        EventKind::Notify {
                            object,
                            token,
                            sink,
                            info,
                            transition,
                        }
                    );
                }
            }
            let Some(reg) = reactive else { break };
            info.ul_client_token = reg.client_token;
            self.notify_one(obj, cursor, reg.sink as usize, info, transition);
        }
    }

    fn notify_one(
        &mut self,
        obj: usize,
        token: u32,
        sink: usize,
        info: NotifyInfo,
        transition: Option<u32>,
    ) {
        let sink_ptr = Self::client_ptr(sink);
        if !self.clients[sink].alive {
            // The client released the reference the manager holds (R4): in Outlook this
            // Notify would call into freed memory.
            self.error("notify.destroyed_sink", Some(Clause::Adv10), Some(Rule::R4), format!("advise token {token}: the sink {sink_ptr} was destroyed while still registered (the client released the manager's reference); a real Outlook would call freed memory. The simulator skips it"));
            return;
        }
        self.push(EventKind::Notify {
            object: Self::offline_ptr(obj),
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
        self.sink_behaviour(sink, token, info);
        self.in_notify -= 1;
        self.depth -= 1;
    }

    fn sink_behaviour(&mut self, sink: usize, token: u32, info: NotifyInfo) {
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
            let c = &self.clients[sink];
            if !c.alive {
                return;
            }
            let r = &c.spec.reactions[k];
            if r.on.is_some_and(|t| t != info.notify_type) || (r.once && c.fired[k]) {
                continue;
            }
            let action = r.action.clone();
            self.clients[sink].fired[k] = true;
            self.perform(action, token);
        }
    }

    fn perform(&mut self, action: Action, own_token: u32) {
        match action {
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

    /// A correct `MAPIOFFLINE_ADVISEINFO` for this world's architecture.
    pub fn advise_info(&self, client_token: u32, callback: Ptr) -> AdviseInfo {
        AdviseInfo {
            ul_size: self.config.arch.sizeof_adviseinfo(),
            ul_client_token: client_token,
            callback_type: MAPIOFFLINE_CALLBACK_TYPE_NOTIFY,
            p_callback: callback,
            ul_advise_types: MAPIOFFLINE_ADVISE_TYPE_STATECHANGE,
            ul_state_mask: MAPIOFFLINE_STATE_ALL,
        }
    }

    /// A correct `MAPIOFFLINE_CREATEINFO` for a child of `parent` (NULL for none).
    pub fn create_info(
        &self,
        profile: &str,
        capabilities: u32,
        type_guid: Guid,
        parent: Ptr,
    ) -> CreateInfo {
        CreateInfo {
            ul_size: self.config.arch.sizeof_createinfo(),
            ul_create_flags: 0,
            pwsz_profile_name: Some(profile.to_string()),
            ul_capabilities: capabilities,
            p_guid: Some(type_guid),
            p_instance: None,
            p_parent: parent,
            p_mapi_support: Ptr::NULL,
            p_aggregate_info: None,
            p_connect_info: 0,
        }
    }

    // ---------------------------------------------------------------- time

    fn run_due(&mut self, id: u32) {
        let Some(mut t) = self.transitions.remove(&id) else {
            return;
        };
        let phase = t.next_phase;
        self.run_phase(&t, phase);
        if phase == MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE {
            self.complete(t);
        } else {
            t.next_phase += 1;
            self.queue
                .insert((self.now.saturating_add(self.config.phase_spacing), id));
            self.transitions.insert(id, t);
        }
    }

    /// Moves the clock forward by `ticks`, running every phase that falls due on the way.
    pub fn advance(&mut self, ticks: Tick) -> Result<(), SimError> {
        self.running()?;
        let to = self.now.saturating_add(ticks);
        self.push(EventKind::Advance { from: self.now, to });
        while let Some(&(due, id)) = self.queue.first() {
            if due > to {
                break;
            }
            self.queue.pop_first();
            self.now = due;
            self.run_due(id);
        }
        self.now = to;
        Ok(())
    }

    /// Runs phases until nothing is scheduled; returns the tick reached.
    pub fn run_until_idle(&mut self) -> Result<Tick, SimError> {
        self.running()?;
        self.push(EventKind::RunUntilIdle { from: self.now });
        let mut steps = 0u64;
        while let Some((due, id)) = self.queue.pop_first() {
            if steps >= self.config.max_idle_steps {
                self.queue.insert((due, id));
                return Err(SimError::NotIdle { steps });
            }
            steps += 1;
            self.now = self.now.max(due);
            self.run_due(id);
        }
        Ok(self.now)
    }

    // ---------------------------------------------------------------- environment

    fn environment(&mut self, env: EnvEvent, cause: Cause, profiles: Vec<usize>) {
        self.push(EventKind::Env { env });
        for pi in profiles {
            let g = self.profiles[pi].global;
            if let Some(b) = self.objects[g].busy {
                self.note("env.deferred", Clause::Gen5, format!("transition #{} of {} is in progress: the change in connectivity is applied when it completes", b.transition, Self::offline_ptr(g)));
                continue;
            }
            let target = self.target_of(g);
            if target != self.objects[g].state {
                if target == MAPIOFFLINE_STATE_ONLINE {
                    self.note("env.back_online", Clause::Set11, format!("connectivity is back and \"{}\" was asked to work online: it goes ONLINE", self.profiles[pi].name));
                }
                self.start_transition(g, target, false, cause);
            } else if target == MAPIOFFLINE_STATE_OFFLINE
                && self.objects[g].desired == MAPIOFFLINE_STATE_OFFLINE
                && self.connected(pi)
            {
                self.note("env.stays_offline", Clause::Gen5, format!("\"{}\" was set to work offline: it stays OFFLINE although connectivity is back", self.profiles[pi].name));
            } else {
                self.reconcile(g);
            }
        }
    }

    fn profile_index(&self, name: &str) -> Result<usize, SimError> {
        self.profiles
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| SimError::UnknownProfile {
                name: name.to_string(),
                suggestion: nearest(name, self.profiles.iter().map(|p| p.name.as_str()))
                    .map(str::to_string),
            })
    }

    /// The machine loses its network: every online profile goes offline (GEN-5).
    pub fn network_down(&mut self) -> Result<(), SimError> {
        self.set_network(false)
    }

    /// The network returns: profiles that were asked to work online go online (SET-11).
    pub fn network_up(&mut self) -> Result<(), SimError> {
        self.set_network(true)
    }

    /// A profile's server fails (GEN-5).
    pub fn server_down(&mut self, profile: &str) -> Result<(), SimError> {
        self.set_server(profile, false)
    }

    /// A profile's server comes back.
    pub fn server_up(&mut self, profile: &str) -> Result<(), SimError> {
        self.set_server(profile, true)
    }

    fn set_network(&mut self, up: bool) -> Result<(), SimError> {
        self.running()?;
        self.network_up = up;
        let (env, cause) = if up {
            (EnvEvent::NetworkUp, Cause::NetworkUp)
        } else {
            (EnvEvent::NetworkDown, Cause::NetworkDown)
        };
        self.environment(env, cause, (0..self.profiles.len()).collect());
        Ok(())
    }

    fn set_server(&mut self, profile: &str, up: bool) -> Result<(), SimError> {
        self.running()?;
        let pi = self.profile_index(profile)?;
        self.profiles[pi].server_up = up;
        let profile = profile.to_string();
        let (env, cause) = if up {
            (EnvEvent::ServerUp { profile }, Cause::ServerUp)
        } else {
            (EnvEvent::ServerDown { profile }, Cause::ServerDown)
        };
        self.environment(env, cause, vec![pi]);
        Ok(())
    }

    /// NTF-6 fault injection: delivers a notification with any type, mask and states to
    /// every registration of `object`, now.
    pub fn inject_notify(
        &mut self,
        object: Ptr,
        notify_type: u32,
        ul_mask: u32,
        ul_state_old: u32,
        ul_state_new: u32,
    ) -> Result<(), SimError> {
        self.running()?;
        let Some(Target::Offline(i)) = self.decode(object) else {
            return Err(SimError::NotAnOfflineObject(object));
        };
        self.push(EventKind::Env {
            env: EnvEvent::InjectNotify {
                object,
                notify_type,
                ul_mask,
                ul_state_old,
                ul_state_new,
            },
        });
        let info = NotifyInfo {
            ul_size: SIZEOF_MAPIOFFLINE_NOTIFY,
            notify_type,
            ul_client_token: 0,
            ul_mask,
            ul_state_old,
            ul_state_new,
        };
        if !info.is_supported() {
            self.note("inject.unsupported", Clause::Ntf6, "a notification outside the supported values (NTF-2, NTF-4): clients must ignore it".into());
        }
        self.deliver(i, info, self.next_token, None);
        Ok(())
    }

    /// CUR-2 fault injection: from now on every state read carries these extra bits.
    pub fn set_extra_state_bits(&mut self, bits: u32) -> Result<(), SimError> {
        self.running()?;
        let bits = bits & !MAPIOFFLINE_STATE_OFFLINE_MASK;
        self.extra_state_bits = bits;
        self.push(EventKind::Env {
            env: EnvEvent::SetExtraStateBits { bits },
        });
        Ok(())
    }

    /// CAP-3 fault injection: replaces the extra capability bits of one object.
    pub fn set_extra_capability_bits(&mut self, object: Ptr, bits: u32) -> Result<(), SimError> {
        self.running()?;
        let Some(Target::Offline(i)) = self.decode(object) else {
            return Err(SimError::NotAnOfflineObject(object));
        };
        let documented = MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE;
        let bits = bits & !documented;
        self.objects[i].caps = (self.objects[i].caps & documented) | bits;
        self.push(EventKind::Env {
            env: EnvEvent::SetExtraCapabilityBits { object, bits },
        });
        Ok(())
    }

    /// The Outlook process ends: reports every registration not removed (R3) and every
    /// client reference not released (R4), then invalidates every pointer.
    pub fn shutdown(&mut self) -> Result<ShutdownReport, SimError> {
        self.running()?;
        let mut registrations = Vec::new();
        let mut references = Vec::new();
        for (i, o) in self.objects.iter().enumerate() {
            for (token, r) in &o.regs {
                registrations.push(LeakedRegistration {
                    object: Self::offline_ptr(i),
                    token: *token,
                    sink: Self::client_ptr(r.sink as usize),
                });
            }
            if o.refs > 0 {
                references.push(LeakedReference {
                    object: Self::offline_ptr(i),
                    count: o.refs,
                });
            }
        }
        let report = ShutdownReport {
            registrations,
            references,
            abandoned_transitions: self.transitions.len() as u32,
        };
        self.push(EventKind::Shutdown(Box::new(report.clone())));
        for l in &report.registrations {
            self.error(
                "shutdown.registration",
                Some(Clause::Gen3),
                Some(Rule::R3),
                format!(
                    "advise token {} on {} was never removed: call Unadvise before shutdown",
                    l.token, l.object
                ),
            );
        }
        for l in &report.references {
            self.error(
                "shutdown.reference",
                Some(Clause::Open10),
                Some(Rule::R4),
                format!(
                    "{} reference(s) on {} were never released",
                    l.count, l.object
                ),
            );
        }
        self.transitions.clear();
        self.queue.clear();
        self.ended = true;
        Ok(report)
    }
}
