//! The simulated world and the raw API, shaped like the COM surface.
//!
//! Every API function takes the raw arguments a C client passes (NULL pointers, wrong sizes
//! and undocumented values included) and returns the HRESULT the contract gives. Nothing
//! here does I/O or reads a clock: time moves only through [`Sim::advance`] and
//! [`Sim::run_until_idle`].
//!
//! This module holds [`Sim`] itself: the world the contract describes, construction,
//! queries, world set-up and the trace plumbing every call uses. Each part of its state
//! that keeps its own invariants is a struct with private fields in a module of its own,
//! beside the calls and engines that use it and the clauses they implement:
//!
//! | module | owns |
//! |---|---|
//! | [`identity`] | `Identity`: addresses, `this` decoding, reference counts; QueryInterface / AddRef / Release, `VTABLE` and slot calls (OFF-*, MGR-*) |
//! | [`open`] | `HrOpenOfflineObj` (OPEN-*) |
//! | [`create`] | `HrCreateOfflineObj` and object trees (CRE-*) |
//! | [`state`] | `SetCurrentState`, `GetCapabilities`, `GetCurrentState` (SET-*, CAP-*, CUR-*) |
//! | [`advise`] | `Registrations`: advise tokens, who hears each object, references on foreign sinks; `Advise`, `Unadvise` (ADV-*, UNADV-*) |
//! | [`transition`] | `Transitions`: the changes in progress and busy trees; start, phases, completion, reconcile (SET-1…8, SET-12, CAP-4, CRE-7, NTF-7) |
//! | [`clock`] | `Clock`: virtual time and the phases scheduled on it; `advance`, `run_until_idle` |
//! | [`deliver`] | notification delivery and client objects' behaviour in `Notify` (NTF-*) |
//! | [`jobs`] | `Work`: the work stack, resumable at a foreign sink's `Notify` |
//! | [`environment`] | network, servers, injected faults, extra bits, shutdown (GEN-3, GEN-5, SET-11, NTF-6, CAP-3, CUR-2) |
//! | [`snapshot`] | the world at one moment, as data and text |
//! | [`typed`] | typed convenience calls for correct clients |
//! | [`names`] | the client's named variables, which reactions read and bind when they fire |

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

/// `Sim::push` for the hot path: the event is built after the buffer has room, straight
/// into it. An event passed to `push` as a value is built on the stack first, so that it
/// survives the (out-of-line) growth call, then copied with wide loads over its narrow
/// stores: a store-forwarding stall on each Call, Return, TransitionStarted and
/// TransitionCompleted of a blocking change.
macro_rules! push {
    ($sim:ident, $kind:expr) => {
        record!(&mut $sim.trace.events, $sim.clock.now(), $sim.depth, $kind)
    };
}

mod advise;
mod clock;
mod create;
mod deliver;
mod environment;
mod identity;
mod jobs;
mod names;
mod open;
mod snapshot;
mod state;
mod transition;
mod typed;

pub use crate::trace::world::{Action, Config, ProfileSpec, Reaction, SinkSpec};
pub use advise::ForeignRef;
pub use identity::{VtableSlot, VTABLE};
pub use jobs::ForeignNotify;
pub use snapshot::{ClientSnapshot, ObjectSnapshot, ProfileSnapshot, WorldSnapshot};

use crate::clauses::{Clause, Rule};
use crate::consts::*;
use crate::trace::*;
use advise::Registrations;
use clock::Clock;
use identity::{Identity, Target, MAX_OBJECTS};
use jobs::Work;
use std::collections::BTreeMap;
use std::fmt;
use transition::Transitions;

/// A call's result and what it wrote through its out-parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ret<T> {
    pub hr: HResult,
    pub out: Option<T>,
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
    /// NTF-6: an injected notification with supported values would forge a state change.
    ForgedNotification {
        notify_type: u32,
    },
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
            SimError::ForgedNotification { notify_type } => write!(
                f,
                "refused (NTF-6): injecting {} with ulMask MAPIOFFLINE_STATE_OFFLINE_MASK would forge a state change that never happened; inject another NotifyType or ulMask, or cause a real change (SetCurrentState, network down, server down)",
                show(ConstGroup::NotifyType, *notify_type)
            ),
            SimError::NotIdle { steps } => write!(
                f,
                "the world did not become idle within {steps} phases: a client keeps requesting changes"
            ),
        }
    }
}

impl std::error::Error for SimError {}

#[derive(Clone, Copy)]
struct Busy {
    transition: u32,
    /// The object the transition was started on.
    object: usize,
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
    /// SET-11: ONLINE was requested while connectivity (or a parent) kept it OFFLINE.
    asked_online: bool,
    opened: bool,
    caps_queried: bool,
}

struct ClientObj {
    spec: SinkSpec,
    fired: Vec<bool>,
}

struct Profile {
    name: String,
    global: usize,
    caller_inside_outlook: bool,
    server_up: bool,
    /// GEN-6: the transition a connectivity change arrived during, applied at its end.
    env_deferred: Option<u32>,
}

/// The simulated world: profiles, offline objects, client objects, clock and trace.
///
/// Its state is walled into parts that own their fields and keep their own invariants:
/// [`Identity`] (addresses, `this` decoding, reference counts), [`Registrations`] (advise
/// tokens and who hears an object), [`Clock`] (the virtual time and what is scheduled on
/// it), [`Transitions`] (the changes in progress and the trees they make busy) and
/// [`Work`] (the work stack and the foreign `Notify` it waits for). `Sim` itself holds the
/// world the contract describes (profiles, objects, connectivity) and the trace.
///
/// Its methods come in five kinds:
///
/// - **raw COM calls**, shaped like the C surface and answering with HRESULTs:
///   `hr_open_offline_obj`, `hr_create_offline_obj`, `query_interface`, `add_ref`,
///   `release`, `set_current_state`, `get_capabilities`, `get_current_state`, `advise`,
///   `unadvise`, `call_slot` (and the typed wrappers of `typed.rs` over them);
/// - **world set-up** and the environment: `add_profile`, `create_sink`, `set_name`,
///   `network_down`/`network_up`, `server_down`/`server_up`, `inject_notify`, the
///   extra-bit injections, `shutdown`;
/// - **driving the clock**: `advance`, `run_until_idle`, `next_due`;
/// - **polling a foreign sink**: `poll_notify`, `notify_returned`, `notify_outstanding`,
///   and `poll_foreign_ref` for the references the manager takes and drops on it;
/// - **reading**: `state_of`, `refcount`, `registrations`, `snapshot`, `trace`, `now`…
pub struct Sim {
    config: Config,
    depth: u16,
    in_notify: u32,
    ended: bool,
    network_up: bool,
    extra_state_bits: u32,
    profiles: Vec<Profile>,
    objects: Vec<OfflineObj>,
    clients: Vec<ClientObj>,
    /// Addresses handed out and reference counts (`identity.rs`).
    ids: Identity,
    /// Advise tokens and registrations (`advise.rs`).
    regs: Registrations,
    /// Virtual time and the phases scheduled on it (`clock.rs`).
    clock: Clock,
    /// Changes in progress (`transition.rs`).
    transitions: Transitions,
    /// The client's named variables (`sim/names.rs`): the driver writes them, reactions
    /// read and bind them when they fire.
    names: BTreeMap<String, Value>,
    /// The work calls set in motion (`jobs.rs`).
    work: Work,
    /// Simulated sinks' reactions in progress (they cannot wait for foreign code).
    reacting: u32,
    trace: Trace,
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
            depth: 0,
            in_notify: 0,
            ended: false,
            network_up: config.network_up,
            extra_state_bits: config.extra_state_bits,
            profiles: Vec::new(),
            objects: Vec::new(),
            clients: Vec::new(),
            ids: Identity::default(),
            regs: Registrations::default(),
            clock: Clock::default(),
            transitions: Transitions::default(),
            names: BTreeMap::new(),
            work: Work::default(),
            reacting: 0,
            trace: Trace {
                schema: SCHEMA_VERSION,
                config: config.clone(),
                events: Vec::new(),
            },
            config,
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn now(&self) -> Tick {
        self.clock.now()
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
        self.clock.next_due()
    }

    /// The global offline object of a profile.
    pub fn global_object(&self, profile: &str) -> Option<Ptr> {
        self.profiles
            .iter()
            .find(|p| p.name == profile)
            .map(|p| Identity::offline_ptr(p.global))
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
        self.decode(p).map(|t| self.ids.refs(t))
    }

    /// Live registrations of an offline object: (advise token, ulClientToken, sink).
    pub fn registrations(&self, p: Ptr) -> Vec<(u32, u32, Ptr)> {
        match self.decode(p) {
            Some(Target::Offline(i)) => self.regs.listed(i).collect(),
            _ => Vec::new(),
        }
    }

    /// Total live registrations in the world.
    pub fn registration_count(&self) -> usize {
        self.regs.total()
    }

    /// Driver events need a running Outlook.
    fn running(&self) -> Result<(), SimError> {
        if self.ended {
            Err(SimError::Ended)
        } else {
            Ok(())
        }
    }

    #[inline(always)]
    fn push(&mut self, kind: EventKind) {
        record!(&mut self.trace.events, self.clock.now(), self.depth, kind);
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
    #[inline]
    fn enter(&mut self, by: Caller, call: Call) {
        push!(self, EventKind::Call { by, call });
        self.depth += 1;
    }

    #[inline]
    fn leave(&mut self, by: Caller, func: Func, hr: Option<HResult>, out: Option<OutValue>) {
        self.depth -= 1;
        push!(self, EventKind::Return { by, func, hr, out });
    }

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
            asked_online: false,
            opened: false,
            caps_queried: false,
        });
        self.profiles.push(Profile {
            name: spec.name.clone(),
            global: obj,
            caller_inside_outlook: spec.caller_inside_outlook,
            server_up: spec.server_up,
            env_deferred: None,
        });
        let ptr = self.ids.add_offline();
        self.regs.add_object();
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
        // No reactions and not foreign: its `Notify` only receives, so delivery records
        // it without a call (one flag read per notification instead of two fields of
        // `spec`).
        let ptr = self
            .ids
            .add_client(spec.reactions.is_empty() && !spec.foreign);
        self.push(EventKind::ClientObjectCreated(Box::new(ClientObjectInfo {
            object: ptr,
            name: spec.name.clone(),
            implements_notify: spec.implements_notify,
            validates_notify: spec.validates_notify,
            interfaces: spec.interfaces.clone(),
            reactions: spec.reactions.clone(),
            foreign: spec.foreign,
        })));
        self.clients.push(ClientObj {
            fired: vec![false; spec.reactions.len()],
            spec,
        });
        Ok(ptr)
    }
}
