//! Time travel: the world as of any event of a trace, from the trace alone.
//!
//! [`Timeline::new`] folds a trace's events into the same [`WorldSnapshot`] that
//! `Sim::snapshot` reads from a live simulator, keeping a checkpoint every
//! [`CHECKPOINT_EVERY`] events, so [`Timeline::at`] replays at most that many events
//! whatever `n` is. A trace loaded from JSON, with no simulator behind it, is explored the
//! same way.
//!
//! What the trace records directly: the configuration (network, phase spacing), profiles
//! and objects as they are added (`profile_added`, `object_created`,
//! `client_object_created`), reference counts (`ref_count`, `destroyed`), states
//! (`state_changed`), the environment (`env`), time (every event's tick, `advance`), the
//! transitions (`transition_started`, `phase`, `transition_completed`) and shutdown.
//! What it derives, reading nesting only through [`super::walk`]:
//!
//! - **registrations**: a successful `Advise` return (the walk names the call it answers,
//!   which holds `ulClientToken` and `pCallback`; the return holds the advise token), and a
//!   successful `Unadvise` removes the token when it is registered on that object;
//! - **which objects a transition makes busy**: `transition_started` names only the root
//!   and how many objects change, so the descendants are derived as the engine picks them:
//!   each child not already busy whose target (OFFLINE when the parent goes OFFLINE, else
//!   the state last requested of it by a successful `SetCurrentState`, ONLINE at creation)
//!   differs from its state, depth-first in creation order. The count is checked against
//!   the event's (`Moment::mismatch`);
//! - **when the next phase is due**: an asynchronous transition's next phase is due
//!   `phase_spacing` ticks after it started or after its last phase ran on the clock; a
//!   phase that runs inside a call (a blocking `SetCurrentState`) runs "now", off the
//!   clock. `sim` choice: the simulator schedules the next phase once the phase's
//!   deliveries are over, an unrecorded step, so from the phase event on the next one
//!   reads as due already (only a host paused inside a `Notify` sees the difference);
//! - **the time after an `advance`**: the clock moves to the advance's end once nothing
//!   more is due within it. `sim` choice: an event-by-event reader cannot see where the
//!   last phase's deliveries inside an advance end, so from that phase on the time shown is
//!   already the advance's end.
//!
//! ```
//! use mapioffline::trace::replay::Timeline;
//! use mapioffline::{consts::*, Out, ProfileSpec, Sim, SinkSpec};
//!
//! let mut sim = Sim::default();
//! sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
//! let sink = sim.create_sink(SinkSpec::new("logger")).unwrap();
//! let mgr = sim.open("Outlook").unwrap();
//! sim.get_capabilities(mgr, Out::Valid);
//! let before = sim.trace().events.len();
//! let token = sim.advise_sink(mgr, sink, 7).unwrap();
//! let timeline = Timeline::new(sim.trace());
//! assert_eq!(timeline.world_at(timeline.len()), sim.snapshot());
//! assert!(timeline.world_at(before).objects[0].registrations.is_empty());
//! # let _ = token;
//! ```

use super::snapshot::{ClientSnapshot, ObjectSnapshot, ProfileSnapshot, WorldSnapshot};
use super::walk::Walker;
use super::{Call, Cause, EnvEvent, Event, EventKind, Func, OutValue, Ptr, Tick, Trace};
use crate::consts::{
    HResult, MAPIOFFLINE_CAPABILITY_OFFLINE, MAPIOFFLINE_CAPABILITY_ONLINE,
    MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE, MAPIOFFLINE_STATE_OFFLINE, MAPIOFFLINE_STATE_ONLINE,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Events between two checkpoints: [`Timeline::at`] replays at most this many.
pub const CHECKPOINT_EVERY: usize = 256;

/// A transition in progress as of some event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingTransition {
    /// Its number in the trace (`transition_started.transition`).
    pub transition: u32,
    /// The object it was started on, the root of what changes.
    pub object: Ptr,
    pub old: u32,
    pub new: u32,
    /// Started with `MAPIOFFLINE_FLAG_BLOCK` (or inside a blocking call): its phases run
    /// inside that call.
    pub blocking: bool,
    pub cause: Cause,
    /// Every object that changes with it, the root first (CRE-7).
    pub objects: Vec<Ptr>,
    /// The last phase begun (`MAPIOFFLINE_NOTIFY_TYPE_*`: 1 START, 2 STATECHANGE, 3 DONE);
    /// 0 before START.
    pub phase: u32,
    /// When its next phase is due on the clock; `None` while its phases run inside a
    /// call, or once DONE has begun.
    pub due: Option<Tick>,
}

/// The world after the first `events` events of a trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moment {
    /// How many events it is after (0: before the first).
    pub events: usize,
    pub world: WorldSnapshot,
    /// The transitions in progress, oldest first.
    pub transitions: Vec<PendingTransition>,
    /// The first `transition_started` so far (by event index) whose object count the
    /// derivation of its descendants did not reproduce: a trace this reader cannot follow
    /// exactly (hand-edited, or from another simulator). `None` for the simulator's traces.
    pub mismatch: Option<usize>,
}

/// A trace, ready to be shown as of any event.
#[derive(Clone, Debug)]
pub struct Timeline {
    trace: Trace,
    /// `checkpoints[k]`: the fold after `k * CHECKPOINT_EVERY` events.
    checkpoints: Vec<Fold>,
}

impl Timeline {
    /// Reads the whole trace once, keeping a checkpoint every [`CHECKPOINT_EVERY`] events.
    pub fn new(trace: &Trace) -> Timeline {
        let mut fold = Fold::new(trace);
        let mut checkpoints = vec![fold.clone()];
        for (i, e) in trace.events.iter().enumerate() {
            fold.step(&trace.events, i, e);
            if (i + 1) % CHECKPOINT_EVERY == 0 {
                checkpoints.push(fold.clone());
            }
        }
        Timeline {
            trace: trace.clone(),
            checkpoints,
        }
    }

    /// How many events the trace has: the largest `n` [`Timeline::at`] takes.
    pub fn len(&self) -> usize {
        self.trace.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.trace.events.is_empty()
    }

    /// The trace it reads.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    /// The world after the first `n` events (`n` past the end: after all of them).
    pub fn at(&self, n: usize) -> Moment {
        let n = n.min(self.len());
        let k = n / CHECKPOINT_EVERY;
        let mut fold = self.checkpoints[k].clone();
        let events = &self.trace.events;
        for (i, e) in events.iter().enumerate().take(n).skip(k * CHECKPOINT_EVERY) {
            fold.step(events, i, e);
        }
        fold.moment(n)
    }

    /// [`Timeline::at`]'s world: what `Sim::snapshot` said after the same events.
    pub fn world_at(&self, n: usize) -> WorldSnapshot {
        self.at(n).world
    }

    /// [`Timeline::at`]'s transitions in progress.
    pub fn transitions_at(&self, n: usize) -> Vec<PendingTransition> {
        self.at(n).transitions
    }
}

/// An offline object as the fold keeps it.
#[derive(Clone, Debug)]
struct Obj {
    snap: ObjectSnapshot,
    /// What was last requested of it (ONLINE at creation): a child's target.
    desired: u32,
    children: Vec<usize>,
    /// The transition that makes it busy.
    busy: Option<u32>,
}

/// The state of the fold after some events.
#[derive(Clone, Debug)]
struct Fold {
    walker: Walker,
    spacing: Tick,
    now: Tick,
    /// The end of the last `advance`.
    advance_to: Option<Tick>,
    network_up: bool,
    ended: bool,
    profiles: Vec<ProfileSnapshot>,
    objects: Vec<Obj>,
    offline: BTreeMap<Ptr, usize>,
    clients: Vec<ClientSnapshot>,
    client_index: BTreeMap<Ptr, usize>,
    transitions: Vec<PendingTransition>,
    mismatch: Option<usize>,
}

impl Fold {
    fn new(trace: &Trace) -> Fold {
        Fold {
            walker: Walker::default(),
            spacing: trace.config.phase_spacing,
            now: 0,
            advance_to: None,
            network_up: trace.config.network_up,
            ended: false,
            profiles: Vec::new(),
            objects: Vec::new(),
            offline: BTreeMap::new(),
            clients: Vec::new(),
            client_index: BTreeMap::new(),
            transitions: Vec::new(),
            mismatch: None,
        }
    }

    fn next_due(&self) -> Option<Tick> {
        self.transitions.iter().filter_map(|t| t.due).min()
    }

    fn moment(&self, n: usize) -> Moment {
        let next_due = self.next_due();
        let now = match self.advance_to {
            // The advance is over once nothing more falls due within it.
            Some(to) if next_due.is_none_or(|d| d > to) => self.now.max(to),
            _ => self.now,
        };
        Moment {
            events: n,
            world: WorldSnapshot {
                now,
                network_up: self.network_up,
                ended: self.ended,
                next_due,
                profiles: self.profiles.clone(),
                objects: self.objects.iter().map(|o| o.snap.clone()).collect(),
                clients: self.clients.clone(),
            },
            transitions: self.transitions.clone(),
            mismatch: self.mismatch,
        }
    }

    fn obj(&mut self, p: Ptr) -> Option<&mut Obj> {
        let i = *self.offline.get(&p)?;
        self.objects.get_mut(i)
    }

    /// The descendants of `i` that change with it when it goes to `new`, as the
    /// transition engine picks them (see the module's doc).
    fn collect_children(&self, i: usize, new: u32, out: &mut Vec<usize>) {
        for &c in &self.objects[i].children {
            let child = &self.objects[c];
            if child.busy.is_some() {
                continue;
            }
            let target = if new == MAPIOFFLINE_STATE_OFFLINE {
                MAPIOFFLINE_STATE_OFFLINE
            } else {
                child.desired
            };
            if target != child.snap.state {
                out.push(c);
                self.collect_children(c, target, out);
            }
        }
    }

    /// The call event a return answers, as the walk paired them.
    fn answered(events: &[Event], call: Option<usize>) -> Option<&Call> {
        match &events.get(call?)?.kind {
            EventKind::Call { call, .. } => Some(call),
            _ => None,
        }
    }

    fn step(&mut self, events: &[Event], index: usize, e: &Event) {
        let step = self.walker.step(e);
        self.now = self.now.max(e.tick);
        match &e.kind {
            EventKind::ProfileAdded(p) => {
                self.offline.insert(p.object, self.objects.len());
                self.objects.push(Obj {
                    snap: ObjectSnapshot {
                        object: p.object,
                        profile: p.profile.clone(),
                        parent: None,
                        is_global: true,
                        capabilities: p.capabilities,
                        state: p.state,
                        in_transition: false,
                        refs: 0,
                        registrations: Vec::new(),
                    },
                    desired: p.state,
                    children: Vec::new(),
                    busy: None,
                });
                self.profiles.push(ProfileSnapshot {
                    name: p.profile.clone(),
                    caller_inside_outlook: p.caller_inside_outlook,
                    server_up: p.server_up,
                    global: p.object,
                });
            }
            EventKind::ObjectCreated(o) => {
                let i = self.objects.len();
                let parent = (!o.parent.is_null()).then_some(o.parent);
                if let Some(&pi) = parent.and_then(|p| self.offline.get(&p)) {
                    self.objects[pi].children.push(i);
                }
                self.offline.insert(o.object, i);
                self.objects.push(Obj {
                    snap: ObjectSnapshot {
                        object: o.object,
                        profile: o.profile.clone(),
                        parent,
                        is_global: false,
                        capabilities: o.capabilities,
                        state: o.state,
                        in_transition: false,
                        refs: 0,
                        registrations: Vec::new(),
                    },
                    desired: MAPIOFFLINE_STATE_ONLINE,
                    children: Vec::new(),
                    busy: None,
                });
            }
            EventKind::ClientObjectCreated(c) => {
                self.client_index.insert(c.object, self.clients.len());
                self.clients.push(ClientSnapshot {
                    object: c.object,
                    name: c.name.clone(),
                    // Created with the client's own reference.
                    refs: 1,
                    alive: true,
                });
            }
            EventKind::RefCount { object, new, .. } => {
                if let Some(o) = self.obj(*object) {
                    o.snap.refs = *new;
                } else if let Some(&c) = self.client_index.get(object) {
                    self.clients[c].refs = *new;
                }
            }
            EventKind::Destroyed { object } => {
                if let Some(&c) = self.client_index.get(object) {
                    self.clients[c].alive = false;
                }
            }
            EventKind::Env { env } => match env {
                EnvEvent::NetworkDown => self.network_up = false,
                EnvEvent::NetworkUp => self.network_up = true,
                EnvEvent::ServerDown { profile } | EnvEvent::ServerUp { profile } => {
                    let up = matches!(env, EnvEvent::ServerUp { .. });
                    if let Some(p) = self.profiles.iter_mut().find(|p| p.name == *profile) {
                        p.server_up = up;
                    }
                }
                EnvEvent::SetExtraCapabilityBits { object, bits } => {
                    let documented = MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE;
                    if let Some(o) = self.obj(*object) {
                        o.snap.capabilities = (o.snap.capabilities & documented) | bits;
                    }
                }
                EnvEvent::InjectNotify { .. } | EnvEvent::SetExtraStateBits { .. } => {}
            },
            EventKind::Advance { to, .. } => self.advance_to = Some(*to),
            EventKind::TransitionStarted {
                transition,
                object,
                old,
                new,
                blocking,
                cause,
                objects,
            } => {
                let mut affected = Vec::new();
                if let Some(&root) = self.offline.get(object) {
                    affected.push(root);
                    self.collect_children(root, *new, &mut affected);
                }
                if affected.len() != *objects as usize && self.mismatch.is_none() {
                    self.mismatch = Some(index);
                }
                for &a in &affected {
                    self.objects[a].busy = Some(*transition);
                    self.objects[a].snap.in_transition = true;
                }
                self.transitions.push(PendingTransition {
                    transition: *transition,
                    object: *object,
                    old: *old,
                    new: *new,
                    blocking: *blocking,
                    cause: *cause,
                    objects: affected
                        .iter()
                        .map(|&a| self.objects[a].snap.object)
                        .collect(),
                    phase: 0,
                    due: (!blocking).then(|| e.tick.saturating_add(self.spacing)),
                });
            }
            EventKind::Phase { transition, phase } => {
                // Inside a call the phases run now (a blocking change); outside, on the
                // clock, which schedules the next one after this.
                let on_clock = self.walker.call().is_none();
                let spacing = self.spacing;
                if let Some(t) = self
                    .transitions
                    .iter_mut()
                    .find(|t| t.transition == *transition)
                {
                    t.phase = *phase;
                    t.due = (on_clock && *phase < MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE)
                        .then(|| e.tick.saturating_add(spacing));
                }
            }
            EventKind::StateChanged { object, new, .. } => {
                if let Some(o) = self.obj(*object) {
                    o.snap.state = *new;
                }
            }
            EventKind::TransitionCompleted { transition } => {
                if let Some(k) = self
                    .transitions
                    .iter()
                    .position(|t| t.transition == *transition)
                {
                    self.transitions.remove(k);
                }
                for o in &mut self.objects {
                    if o.busy == Some(*transition) {
                        o.busy = None;
                        o.snap.in_transition = false;
                    }
                }
            }
            EventKind::Shutdown(_) => {
                // Every change in progress is abandoned, as the simulator does; its
                // objects keep reading "in transition".
                self.ended = true;
                self.transitions.clear();
            }
            EventKind::Return {
                func, hr, out: o, ..
            } if *hr == Some(HResult::S_OK) => {
                let call = step.answers.map(|f| f.event);
                match (func, Self::answered(events, call)) {
                    (
                        Func::Advise,
                        Some(Call::Advise {
                            this,
                            p_advise_info: Some(a),
                            ..
                        }),
                    ) => {
                        if let (Some(OutValue::Ulong(token)), Some(ob)) = (o, self.obj(*this)) {
                            ob.snap
                                .registrations
                                .push((*token, a.ul_client_token, a.p_callback));
                            // Tokens rise, but keep token order whatever the trace says.
                            ob.snap.registrations.sort_by_key(|r| r.0);
                        }
                    }
                    (
                        Func::Unadvise,
                        Some(Call::Unadvise {
                            this,
                            ul_advise_token,
                            ..
                        }),
                    ) => {
                        if let Some(ob) = self.obj(*this) {
                            ob.snap.registrations.retain(|r| r.0 != *ul_advise_token);
                        }
                    }
                    (Func::SetCurrentState, Some(Call::SetCurrentState { this, ul_state, .. })) => {
                        let s = *ul_state;
                        if let Some(ob) = self.obj(*this) {
                            ob.desired = s;
                        }
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
}
