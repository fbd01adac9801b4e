//! The one reader of a trace's call/return nesting.
//!
//! A trace is flat: each [`Event`] carries only its `depth`. Which call a `return` answers,
//! which calls and `Notify`s are in progress around an event, and who calls whom are
//! derived from that flat list. The checker, coverage, the Mermaid and C++ renderers and the
//! playground's timeline all need that reading; they used to derive it each on its own and
//! had begun to disagree (labels, who makes Outlook's own calls). This module is the only
//! place that derives it, so they cannot.
//!
//! The rules (`core/TRACE-SCHEMA.md`):
//!
//! - A `call` at depth d opens a frame that the `return` at depth d closes. A `return`
//!   answers the innermost open call at its depth when that call is of the same function;
//!   otherwise (a truncated or hand-edited trace) it answers nothing, and only closes what
//!   is open at its depth or deeper.
//! - A `notify` at depth d opens a frame that has no closing event: it ends with the next
//!   event at depth d or less.
//! - Every other event closes the frames at its depth or deeper (they ended before it).
//!
//! Participants (who calls whom) are decided here too, so a diagram and the timeline show
//! the same arrows: a client call starts at the client, or at the sink whose `Notify` is
//! running; Outlook's own calls into client objects (the `QueryInterface` of `Advise`, the
//! `Release` of `Unadvise`) start at the object whose method makes them, or at `MAPI`
//! outside any call; a call goes to the object its `this` names, or to `MAPI` for the two
//! functions; a `Notify` goes from the offline object to the sink; a return goes back along
//! its call.
//!
//! The trace does not record which script statement caused an event (a trace loaded from
//! JSON has no script): the scenario runner does (`Runner::event_lines`), and
//! [`walk_with_lines`] joins those lines to the walk.
//!
//! ```
//! use mapioffline::trace::walk::{walk, Participant};
//! use mapioffline::{EventKind, ProfileSpec, Sim};
//!
//! let mut sim = Sim::default();
//! sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
//! let mgr = sim.open("Outlook").unwrap();
//! sim.release(mgr);
//! let trace = sim.take_trace();
//! for (step, e) in walk(&trace) {
//!     if let EventKind::Return { .. } = e.kind {
//!         let call = step.answers.expect("every return of a live run answers its call");
//!         assert!(matches!(trace.events[call.event].kind, EventKind::Call { .. }));
//!         assert_eq!(step.to, Some(Participant::Client));
//!     }
//! }
//! ```

use super::{Caller, Event, EventKind, Func, Ptr, Trace};
use std::collections::BTreeMap;

/// Who takes part in a trace: a lane of the timeline, a participant of the diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Participant {
    /// Network, servers, injected faults, virtual time, shutdown: nobody's code.
    Environment,
    /// The client's own code (a scenario's top-level statements).
    Client,
    /// `msmapi32.dll`: the receiver of `HrOpenOfflineObj` and `HrCreateOfflineObj`, and
    /// the caller of Outlook's own calls made outside any method.
    Mapi,
    /// An offline object (a profile's global object or a created one), by address.
    Offline(Ptr),
    /// A client object (a sink, an outer object, a support object), by address.
    ClientObject(Ptr),
    /// A pointer the trace had not introduced when it was used (NULL included).
    Unknown(Ptr),
}

impl Participant {
    /// The object's address, for the participants that are objects.
    pub fn object(self) -> Option<Ptr> {
        match self {
            Participant::Offline(p) | Participant::ClientObject(p) | Participant::Unknown(p) => {
                Some(p)
            }
            Participant::Environment | Participant::Client | Participant::Mapi => None,
        }
    }
}

/// What kind of object the trace introduced at an address, with the name it gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Named {
    /// `global`, `offline object of` or `sink`: the words `Trace::to_text` uses.
    pub kind: &'static str,
    /// The profile (for offline objects) or the client object's name.
    pub name: String,
}

impl Named {
    /// `global "Outlook"`, `offline object of "Outlook"`, `sink "monitor"`.
    pub fn label(&self) -> String {
        format!("{} \"{}\"", self.kind, self.name)
    }
}

/// What a frame is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameKind {
    /// A call not yet returned: who made it, which function, on what (`None`: one of the
    /// two API functions).
    Call {
        by: Caller,
        func: Func,
        this: Option<Ptr>,
    },
    /// Outlook calling `Notify` on `sink` about `object`.
    Notify { object: Ptr, sink: Ptr },
}

/// Something in progress when an event happens: a call or a `Notify`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Frame {
    /// The index of the `call` or `notify` event that opened it.
    pub event: usize,
    /// That event's depth.
    pub depth: u16,
    pub kind: FrameKind,
    /// Where the frame's arrow starts: whose code made the call; for a `Notify`, the
    /// offline object whose change it reports.
    pub from: Participant,
    /// Whose code runs inside the frame: the object called (`MAPI` for the functions), or
    /// the sink whose `Notify` runs.
    pub to: Participant,
}

impl Frame {
    /// The sink whose `Notify` this is.
    pub fn notify_sink(&self) -> Option<Ptr> {
        match self.kind {
            FrameKind::Notify { sink, .. } => Some(sink),
            FrameKind::Call { .. } => None,
        }
    }

    pub fn is_call(&self) -> bool {
        matches!(self.kind, FrameKind::Call { .. })
    }
}

/// One event as the walk reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Step {
    /// The event's index in the trace.
    pub index: usize,
    /// How many frames are open around the event (the frames it closes not counted, the
    /// one it opens not yet). In a trace the simulator wrote this equals the event's
    /// recorded `depth`.
    pub open: usize,
    /// The innermost open frame around the event, if any.
    pub inside: Option<Frame>,
    /// For a `return`: the call it answers (`event` is the index of its `call`).
    pub answers: Option<Frame>,
    /// For a call, a return and a `Notify`: where the arrow starts…
    pub from: Option<Participant>,
    /// …and where it ends.
    pub to: Option<Participant>,
    /// The script line of the statement that caused the event, when the walk was given
    /// them ([`walk_with_lines`]; a trace alone does not record its script).
    pub line: Option<usize>,
}

/// The walk over a trace, one event at a time, for readers that keep state of their own
/// (a renderer, the checker). Feed it every event in order with [`Walker::step`].
#[derive(Clone, Debug, Default)]
pub struct Walker {
    next: usize,
    stack: Vec<Frame>,
    names: BTreeMap<Ptr, Named>,
}

impl Walker {
    /// Reads the next event: closes the frames it is outside of, learns the object it
    /// introduces, decides its participants, then opens the frame it starts.
    pub fn step(&mut self, e: &Event) -> Step {
        let index = self.next;
        self.next += 1;
        let answers = self.close(e);
        self.learn(&e.kind);
        let inside = self.stack.last().copied();
        let (from, to) = match &e.kind {
            EventKind::Call { by, call } => {
                let from = self.caller(*by);
                let to = call.this().map_or(Participant::Mapi, |p| self.who(p));
                (Some(from), Some(to))
            }
            EventKind::Return { .. } => match answers {
                Some(c) => (Some(c.to), Some(c.from)),
                None => (None, None),
            },
            EventKind::Notify { object, sink, .. } => {
                (Some(self.who(*object)), Some(self.who(*sink)))
            }
            _ => (None, None),
        };
        let step = Step {
            index,
            open: self.stack.len(),
            inside,
            answers,
            from,
            to,
            line: None,
        };
        let opened = match &e.kind {
            EventKind::Call { by, call } => Some(FrameKind::Call {
                by: *by,
                func: call.func(),
                this: call.this(),
            }),
            EventKind::Notify { object, sink, .. } => Some(FrameKind::Notify {
                object: *object,
                sink: *sink,
            }),
            _ => None,
        };
        if let (Some(kind), Some(from), Some(to)) = (opened, from, to) {
            self.stack.push(Frame {
                event: index,
                depth: e.depth,
                kind,
                from,
                to,
            });
        }
        step
    }

    /// Pops what `e` is not inside of; for a `return`, the call it answers.
    fn close(&mut self, e: &Event) -> Option<Frame> {
        let d = e.depth;
        if let EventKind::Return { func, .. } = e.kind {
            while self.stack.last().is_some_and(|f| f.depth > d) {
                self.stack.pop();
            }
            if let Some(f) = self.stack.last().copied() {
                if f.depth == d && matches!(f.kind, FrameKind::Call { func: g, .. } if g == func) {
                    self.stack.pop();
                    return Some(f);
                }
            }
        }
        // Everything else (and a return without its call): what sits at d or deeper ended.
        while self.stack.last().is_some_and(|f| f.depth >= d) {
            self.stack.pop();
        }
        None
    }

    fn learn(&mut self, k: &EventKind) {
        let (object, kind, name) = match k {
            EventKind::ProfileAdded(p) => (p.object, "global", &p.profile),
            EventKind::ObjectCreated(o) => (o.object, "offline object of", &o.profile),
            EventKind::ClientObjectCreated(c) => (c.object, "sink", &c.name),
            _ => return,
        };
        self.names.insert(
            object,
            Named {
                kind,
                name: name.clone(),
            },
        );
    }

    /// Where a call by `by` starts, given the frames open around it.
    fn caller(&self, by: Caller) -> Participant {
        match by {
            // Inside `Notify`, the client's code running is the sink's.
            Caller::Client => self
                .notify_sink()
                .map_or(Participant::Client, |s| self.who(s)),
            // Outlook calls into a client object from inside the method that needs it.
            Caller::Outlook => match self.call().map(|f| f.kind) {
                Some(FrameKind::Call { this: Some(p), .. }) => self.who(p),
                _ => Participant::Mapi,
            },
        }
    }

    /// The participant a pointer names, by what the trace has said about it so far.
    pub fn who(&self, p: Ptr) -> Participant {
        match self.names.get(&p) {
            Some(Named { kind: "sink", .. }) => Participant::ClientObject(p),
            Some(_) => Participant::Offline(p),
            None => Participant::Unknown(p),
        }
    }

    /// What the trace said an address is, if it said.
    pub fn named(&self, p: Ptr) -> Option<&Named> {
        self.names.get(&p)
    }

    /// A participant's label, one spelling for every view: `environment`, `client`,
    /// `MAPI`, `global "Outlook"`, `offline object of "Outlook"`, `sink "monitor"`, and the
    /// bare address for a pointer the trace never introduced.
    pub fn label(&self, w: Participant) -> String {
        match w {
            Participant::Environment => "environment".into(),
            Participant::Client => "client".into(),
            Participant::Mapi => "MAPI".into(),
            Participant::Offline(p) | Participant::ClientObject(p) => self
                .names
                .get(&p)
                .map_or_else(|| p.to_string(), Named::label),
            Participant::Unknown(p) => p.to_string(),
        }
    }

    /// The frames open now, outermost first.
    pub fn frames(&self) -> &[Frame] {
        &self.stack
    }

    /// The innermost open frame.
    pub fn innermost(&self) -> Option<&Frame> {
        self.stack.last()
    }

    /// The innermost open call.
    pub fn call(&self) -> Option<&Frame> {
        self.stack.iter().rev().find(|f| f.is_call())
    }

    /// The sink whose `Notify` is running (the innermost one), if any.
    pub fn notify_sink(&self) -> Option<Ptr> {
        self.stack.iter().rev().find_map(Frame::notify_sink)
    }
}

/// Every event of `trace` with its step, in order.
pub fn walk(trace: &Trace) -> impl Iterator<Item = (Step, &Event)> {
    let mut w = Walker::default();
    trace.events.iter().map(move |e| (w.step(e), e))
}

/// [`walk`], with each step's script line from a run's event lines
/// (`scenario::Runner::event_lines`, `Outcome::event_lines`); an event past their end
/// (the end of a run) has none.
pub fn walk_with_lines<'a>(
    trace: &'a Trace,
    lines: &'a [usize],
) -> impl Iterator<Item = (Step, &'a Event)> {
    walk(trace).map(move |(mut step, e)| {
        step.line = lines.get(step.index).copied();
        (step, e)
    })
}

/// For every `call` event, the index of the `return` that answers it; `None` for other
/// events and for calls that never returned (readers that look ahead, like the C++
/// renderer, which writes a call with its result).
pub fn returns(events: &[Event]) -> Vec<Option<usize>> {
    let mut out = vec![None; events.len()];
    let mut w = Walker::default();
    for (i, e) in events.iter().enumerate() {
        if let Some(c) = w.step(e).answers {
            out[c.event] = Some(i);
        }
    }
    out
}
