//! The timeline's layout: a lane per participant of `trace::walk`, each event's place in
//! them, and which rows of the virtualised list are on screen.

use mapioffline::trace::walk::{Participant, Step, Walker};
use mapioffline::trace::{EnvEvent, Ptr};
use mapioffline::{EventKind, Trace};
use std::collections::HashMap;
use std::ops::Range;

/// Who a lane of the timeline's sequence diagram stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LaneKind {
    /// Network, servers, injected faults, virtual time, shutdown.
    Environment,
    /// The client's own code (the scenario's top-level statements).
    Client,
    /// `msmapi32.dll`'s functions, `HrOpenOfflineObj` and `HrCreateOfflineObj`.
    Mapi,
    /// An offline object (global or created).
    Offline,
    /// A client object: a sink, an outer object, a support object.
    ClientObject,
    /// A pointer the trace never introduced (NULL, a made-up address).
    Unknown,
}

/// One lane (column) of the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lane {
    pub kind: LaneKind,
    /// Its heading, as short as it can be: `global "Outlook"`, `sink "monitor"`.
    pub label: String,
    /// The address, if it is an object.
    pub object: Option<Ptr>,
}

/// Where a row sits in the lanes: an arrow `from` → `to`, or a mark on `to` alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Place {
    pub from: Option<u16>,
    pub to: u16,
}

/// The lane of the environment, always the first.
pub const ENV_LANE: u16 = 0;
/// The lane of the client's own code, always the second.
pub const CLIENT_LANE: u16 = 1;

/// Lays the trace out as a sequence diagram: a lane per participant, and for every event
/// its place. Who calls whom, which call a result answers and whose code is running are
/// [`walk`](mapioffline::trace::walk)'s reading of the trace, the one core's Mermaid renderer draws; this only gives
/// each participant a lane (in order of appearance, the environment and the client first)
/// and decides where the marks go: what happens to an object (reference count, state,
/// transition) is a mark in its lane; a diagnostic sits in the lane of the code that raised
/// it; the environment, time and shutdown have a lane of their own. Kept per event for a
/// virtualised list.
pub fn lanes(trace: &Trace) -> (Vec<Lane>, Vec<Place>) {
    let mut layout = Layout {
        lanes: vec![
            Lane {
                kind: LaneKind::Environment,
                label: "environment".into(),
                object: None,
            },
            Lane {
                kind: LaneKind::Client,
                label: "client".into(),
                object: None,
            },
        ],
        by: HashMap::from([
            (Participant::Environment, ENV_LANE),
            (Participant::Client, CLIENT_LANE),
        ]),
    };
    let mut walk = Walker::default();
    let mut transitions: HashMap<u32, u16> = HashMap::new();
    let mut last_object = CLIENT_LANE;
    let mut places = Vec::with_capacity(trace.events.len());
    for e in &trace.events {
        let step = walk.step(e);
        let mark = |to: u16| Place { from: None, to };
        let place = match &e.kind {
            EventKind::ProfileAdded(_)
            | EventKind::ObjectCreated(_)
            | EventKind::ClientObjectCreated(_) => {
                let object = match &e.kind {
                    EventKind::ProfileAdded(p) => p.object,
                    EventKind::ObjectCreated(o) => o.object,
                    EventKind::ClientObjectCreated(c) => c.object,
                    _ => unreachable!("matched above"),
                };
                // An introduction is a lane of its own, even at an address seen before.
                let w = walk.who(object);
                let l = layout.add(w, walk.label(w));
                if matches!(w, Participant::Offline(_)) {
                    last_object = l;
                }
                mark(l)
            }
            EventKind::Call { .. } => {
                let (from, to) = arrow_ends(&step);
                // The callee's lane first: a caller always has one already, or is MAPI.
                let to = layout.lane(&walk, to);
                let from = layout.lane(&walk, from);
                if layout.lanes[to as usize].kind == LaneKind::Offline {
                    last_object = to;
                }
                Place {
                    from: Some(from),
                    to,
                }
            }
            EventKind::Return { .. } if step.answers.is_some() => {
                let (from, to) = arrow_ends(&step);
                Place {
                    from: Some(layout.lane(&walk, from)),
                    to: layout.lane(&walk, to),
                }
            }
            EventKind::Return { .. } => mark(
                step.inside
                    .map_or(CLIENT_LANE, |f| layout.lane(&walk, f.to)),
            ),
            EventKind::Notify { .. } => {
                let (from, to) = arrow_ends(&step);
                Place {
                    from: Some(layout.lane(&walk, from)),
                    to: layout.lane(&walk, to),
                }
            }
            EventKind::RefCount { object, .. }
            | EventKind::Destroyed { object }
            | EventKind::StateChanged { object, .. } => mark(layout.lane(&walk, walk.who(*object))),
            EventKind::TransitionStarted {
                transition, object, ..
            } => {
                let l = layout.lane(&walk, walk.who(*object));
                transitions.insert(*transition, l);
                last_object = l;
                mark(l)
            }
            EventKind::Phase { transition, .. } | EventKind::TransitionCompleted { transition } => {
                mark(transitions.get(transition).copied().unwrap_or(last_object))
            }
            EventKind::Diagnostic(_) => mark(
                step.inside
                    .map_or(last_object, |f| layout.lane(&walk, f.to)),
            ),
            EventKind::Env { env } => {
                if let EnvEvent::InjectNotify { object, .. }
                | EnvEvent::SetExtraCapabilityBits { object, .. } = env
                {
                    last_object = layout.lane(&walk, walk.who(*object));
                }
                mark(ENV_LANE)
            }
            EventKind::Advance { .. } | EventKind::RunUntilIdle { .. } | EventKind::Shutdown(_) => {
                mark(ENV_LANE)
            }
        };
        places.push(place);
    }
    (layout.lanes, places)
}

/// The ends of an arrow the walk gave (a call, an answered return, a `Notify`).
fn arrow_ends(step: &Step) -> (Participant, Participant) {
    match (step.from, step.to) {
        (Some(from), Some(to)) => (from, to),
        _ => unreachable!("the walk gives calls, answered returns and notifies both ends"),
    }
}

/// The lanes so far and the lane of each participant.
struct Layout {
    lanes: Vec<Lane>,
    by: HashMap<Participant, u16>,
}

impl Layout {
    fn add(&mut self, w: Participant, label: String) -> u16 {
        let kind = match w {
            Participant::Environment => LaneKind::Environment,
            Participant::Client => LaneKind::Client,
            Participant::Mapi => LaneKind::Mapi,
            Participant::Offline(_) => LaneKind::Offline,
            Participant::ClientObject(_) => LaneKind::ClientObject,
            Participant::Unknown(_) => LaneKind::Unknown,
        };
        self.lanes.push(Lane {
            kind,
            label,
            object: w.object(),
        });
        let l = (self.lanes.len() - 1) as u16;
        self.by.insert(w, l);
        l
    }

    /// The participant's lane, a new one at its first appearance.
    fn lane(&mut self, walk: &Walker, w: Participant) -> u16 {
        match self.by.get(&w) {
            Some(&l) => l,
            None => self.add(w, walk.label(w)),
        }
    }
}

/// Rows to render for a list scrolled to `scroll_top` in a viewport `height` pixels tall
/// with rows `row_h` pixels high, plus `overscan` rows either side.
pub fn visible_range(
    scroll_top: f64,
    height: f64,
    row_h: f64,
    total: usize,
    overscan: usize,
) -> Range<usize> {
    if total == 0 || row_h <= 0.0 {
        return 0..0;
    }
    let first = (scroll_top.max(0.0) / row_h).floor() as usize;
    let count = (height.max(0.0) / row_h).ceil() as usize + 1;
    let start = first.saturating_sub(overscan).min(total);
    let end = (first + count + overscan).min(total);
    start..end
}
