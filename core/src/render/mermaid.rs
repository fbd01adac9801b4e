//! Mermaid: the trace as a `sequenceDiagram`.
//!
//! Participants, all declared before the first message: `Client`; `MAPI`
//! (`msmapi32.dll`, the receiver of `HrOpenOfflineObj`/`HrCreateOfflineObj`) when the trace
//! calls those functions; every offline object (`obj_00A00000` as `global "Outlook"`, or
//! `offline object of "Outlook"` for a created one); every client object (`sink_00C00000`
//! as `sink "name"`); and any other pointer a call went through (`ptr_00001234`,
//! `ptr_NULL`). A label shared by two participants gets the address appended.
//!
//! - A client call is `Client->>obj: SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, …)`; made from
//!   inside `Notify`, it starts at the sink instead. Outlook's calls into client objects
//!   (the `QueryInterface` of `Advise`, the `Release` of `Unadvise`) start at the object
//!   whose method makes them.
//! - A return is a dashed arrow back: `obj-->>Client: SetCurrentState = S_OK`.
//! - `Notify` is an arrow from the offline object to the sink with the `NotifyType`, the
//!   client token and `old → new`.
//! - Objects being created, transitions, phases and state changes are notes over their
//!   object; a diagnostic is a note over the object whose call (or `Notify`) raised it;
//!   environment changes, time and shutdown are notes across the whole diagram.
//! - Reference-count changes are left out (`AddRef`/`Release` returns show the counts).
//!
//! Text is escaped for Mermaid's parser: `;` would end a statement and `#` start a
//! comment, so they, quotes, `%`, `&`, `<`, `>` and a `:` glued to the next character are
//! written as entity codes (`#59;`, `#35;`, `#quot;`…); line breaks become `<br/>`.

use super::describe::{diag_tag, Describer};
use crate::consts::{self, ConstGroup};
use crate::trace::walk::{Participant as Who, Walker};
use crate::trace::{EnvEvent, EventKind, Ptr, Trace};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// Renders the trace as a Mermaid sequence diagram.
pub fn render(trace: &Trace) -> String {
    let mut r = Renderer::default();
    for e in &trace.events {
        r.event(e);
    }
    r.finish()
}

/// A participant's Mermaid identifier (its label is declared once, at the top).
fn alias(w: Who) -> String {
    match w {
        // The environment has no participant: its events are notes across the diagram.
        Who::Environment => "Environment".into(),
        Who::Client => "Client".into(),
        Who::Mapi => "MAPI".into(),
        Who::Offline(p) => format!("obj_{:08X}", p.0),
        Who::ClientObject(p) => format!("sink_{:08X}", p.0),
        Who::Unknown(p) if p.is_null() => "ptr_NULL".into(),
        Who::Unknown(p) => format!("ptr_{:08X}", p.0),
    }
}

enum Line {
    Text(String),
    /// A note across every participant (its ends are known only at the end).
    Across(String),
}

#[derive(Default)]
struct Renderer {
    d: Describer,
    walk: Walker,
    /// Participants in order of introduction, with their labels.
    known: Vec<(Who, String)>,
    used: BTreeSet<Who>,
    transitions: BTreeMap<u32, Ptr>,
    profiles: BTreeMap<String, Ptr>,
    lines: Vec<Line>,
    /// The object the last top-level event was about: a diagnostic raised outside any
    /// call (a transition's notes, a profile starting offline) goes over it.
    last_object: Option<Who>,
}

impl Renderer {
    fn who(&mut self, p: Ptr) -> Who {
        let w = self.walk.who(p);
        self.used.insert(w);
        w
    }

    fn use_(&mut self, w: Who) -> Who {
        self.used.insert(w);
        w
    }

    fn arrow(&mut self, from: Who, arrow: &str, to: Who, text: &str) {
        self.lines.push(Line::Text(format!(
            "    {}{arrow}{}: {}",
            alias(from),
            alias(to),
            escape(text)
        )));
    }

    fn note(&mut self, over: Who, text: &str) {
        self.lines.push(Line::Text(format!(
            "    Note over {}: {}",
            alias(over),
            escape(text)
        )));
    }

    fn across(&mut self, text: &str) {
        self.lines.push(Line::Across(escape(text)));
    }

    fn event(&mut self, e: &crate::trace::Event) {
        let step = self.walk.step(e);
        if e.depth == 0 {
            self.last_object = match &e.kind {
                EventKind::Diagnostic(_) => self.last_object,
                EventKind::ProfileAdded(p) => Some(Who::Offline(p.object)),
                EventKind::TransitionStarted { object, .. } => Some(Who::Offline(*object)),
                EventKind::Env { env } => match env {
                    EnvEvent::ServerDown { profile } | EnvEvent::ServerUp { profile } => {
                        self.profiles.get(profile).map(|p| Who::Offline(*p))
                    }
                    EnvEvent::InjectNotify { object, .. }
                    | EnvEvent::SetExtraCapabilityBits { object, .. } => {
                        Some(Who::Offline(*object))
                    }
                    _ => None,
                },
                _ => None,
            };
        }
        match &e.kind {
            EventKind::ProfileAdded(_)
            | EventKind::ClientObjectCreated(_)
            | EventKind::ObjectCreated(_) => {
                let text = self.d.describe(&e.kind).plain();
                if let EventKind::ProfileAdded(p) = &e.kind {
                    self.profiles.insert(p.profile.clone(), p.object);
                }
                let object = match &e.kind {
                    EventKind::ProfileAdded(p) => p.object,
                    EventKind::ClientObjectCreated(c) => c.object,
                    EventKind::ObjectCreated(o) => o.object,
                    _ => unreachable!("matched above"),
                };
                // The walk has just learnt the object: its participant and label.
                let w = self.who(object);
                self.known.push((w, self.walk.label(w)));
                self.note(w, &text);
            }
            EventKind::Call { call, .. } => {
                let (from, to) = self.ends(step);
                let text = self.d.call_body(call).plain();
                self.arrow(from, "->>", to, &text);
            }
            EventKind::Return { func, hr, out, .. } => {
                let text = format!("{func}{}", self.d.result(*func, *hr, out).plain());
                if step.answers.is_some() {
                    let (from, to) = self.ends(step);
                    self.arrow(from, "-->>", to, &text);
                } else {
                    self.across(&text);
                }
            }
            EventKind::Notify { info, .. } => {
                let (from, to) = self.ends(step);
                let mut text = format!(
                    "Notify({}, ulClientToken={}",
                    consts::show(ConstGroup::NotifyType, info.notify_type),
                    info.ul_client_token
                );
                if info.ul_mask != consts::MAPIOFFLINE_STATE_OFFLINE_MASK {
                    let _ = write!(
                        text,
                        ", ulMask={}",
                        consts::show(ConstGroup::StateMask, info.ul_mask)
                    );
                }
                let _ = write!(
                    text,
                    ", {} → {})",
                    consts::show_state(info.ul_state_old),
                    consts::show_state(info.ul_state_new)
                );
                self.arrow(from, "->>", to, &text);
            }
            EventKind::RefCount { .. } => {}
            EventKind::Destroyed { object } => {
                let text = self.d.describe(&e.kind).plain();
                let w = self.who(*object);
                self.note(w, &text);
            }
            EventKind::Env { env } => {
                let text = self.d.describe(&e.kind).plain();
                let over = match env {
                    EnvEvent::ServerDown { profile } | EnvEvent::ServerUp { profile } => {
                        self.profiles.get(profile).copied()
                    }
                    EnvEvent::InjectNotify { object, .. }
                    | EnvEvent::SetExtraCapabilityBits { object, .. } => Some(*object),
                    EnvEvent::NetworkDown
                    | EnvEvent::NetworkUp
                    | EnvEvent::SetExtraStateBits { .. } => None,
                };
                match over {
                    Some(p) => {
                        let w = self.who(p);
                        self.note(w, &text);
                    }
                    None => self.across(&text),
                }
            }
            EventKind::Advance { .. } | EventKind::RunUntilIdle { .. } => {
                let text = format!("t={}: {}", e.tick, self.d.describe(&e.kind).plain());
                self.across(&text);
            }
            EventKind::TransitionStarted {
                transition, object, ..
            } => {
                self.transitions.insert(*transition, *object);
                let text = self.d.describe(&e.kind).plain();
                let w = self.who(*object);
                self.note(w, &text);
            }
            EventKind::Phase { transition, .. } | EventKind::TransitionCompleted { transition } => {
                let text = format!("t={}: {}", e.tick, self.d.describe(&e.kind).plain());
                match self.transitions.get(transition).copied() {
                    Some(p) => {
                        let w = self.who(p);
                        self.note(w, &text);
                    }
                    None => self.across(&text),
                }
            }
            EventKind::StateChanged { object, .. } => {
                let text = self.d.describe(&e.kind).plain();
                let w = self.who(*object);
                self.note(w, &text);
            }
            EventKind::Diagnostic(diag) => {
                self.d.learn(&e.kind);
                let text = format!("{}: {}", diag_tag(diag), diag.message);
                // The object whose call or `Notify` is running, else the last one about.
                let context = step.inside.map(|f| self.use_(f.to));
                match context.or(self.last_object) {
                    Some(w) => self.note(w, &text),
                    None => self.across(&text),
                }
            }
            EventKind::Shutdown(_) => {
                let text = self.d.describe(&e.kind).plain();
                self.across(&text);
            }
        }
    }

    /// The two ends of a call's, a return's or a `Notify`'s arrow, as the walk decided.
    fn ends(&mut self, step: crate::trace::walk::Step) -> (Who, Who) {
        let (Some(from), Some(to)) = (step.from, step.to) else {
            unreachable!("the walk gives calls, answered returns and notifies both ends")
        };
        (self.use_(from), self.use_(to))
    }

    fn finish(mut self) -> String {
        // Every participant: the client, msmapi32.dll if called, the objects the trace
        // introduced (labelled by the walk), then any other pointer used. The client, MAPI
        // and unknown pointers keep the diagram's own titles (the module's doc).
        let mut order: Vec<(Who, String)> = vec![(Who::Client, "Client".into())];
        if self.used.contains(&Who::Mapi) {
            order.push((Who::Mapi, "msmapi32.dll".into()));
        }
        let mut objects: Vec<(Who, String)> = self
            .known
            .iter()
            .filter(|(w, _)| matches!(w, Who::Offline(_)))
            .cloned()
            .collect();
        objects.extend(
            self.known
                .iter()
                .filter(|(w, _)| matches!(w, Who::ClientObject(_)))
                .cloned(),
        );
        order.extend(objects);
        let mut unknown: Vec<Who> = self
            .used
            .iter()
            .copied()
            .filter(|w| matches!(w, Who::Unknown(_)))
            .collect();
        // NULL last.
        unknown.sort_by_key(|w| matches!(w, Who::Unknown(p) if p.is_null()));
        for w in unknown {
            let label = match w {
                Who::Unknown(p) if p.is_null() => "NULL".to_string(),
                Who::Unknown(p) => format!("{p} (unknown pointer)"),
                _ => unreachable!("filtered above"),
            };
            order.push((w, label));
        }
        // A label two participants share gets the address.
        let mut count: BTreeMap<String, usize> = BTreeMap::new();
        for (_, l) in &order {
            *count.entry(l.clone()).or_default() += 1;
        }
        for (w, l) in &mut order {
            if count[l.as_str()] > 1 {
                if let Who::Offline(p) | Who::ClientObject(p) = w {
                    let _ = write!(l, " {p}");
                }
            }
        }
        let first = order.first().map(|(w, _)| alias(*w)).unwrap_or_default();
        let last = order.last().map(|(w, _)| alias(*w)).unwrap_or_default();
        let across = if first == last {
            first
        } else {
            format!("{first},{last}")
        };

        let mut out = String::from("sequenceDiagram\n");
        for (w, label) in &order {
            let _ = writeln!(out, "    participant {} as {}", alias(*w), escape(label));
        }
        for l in self.lines.drain(..) {
            match l {
                Line::Text(t) => {
                    out.push_str(&t);
                    out.push('\n');
                }
                Line::Across(t) => {
                    let _ = writeln!(out, "    Note over {across}: {t}");
                }
            }
        }
        out
    }
}

/// Escapes text for a Mermaid message, note or participant label.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ';' => out.push_str("#59;"),
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '%' => out.push_str("#37;"),
            '&' => out.push_str("#38;"),
            '<' => out.push_str("#60;"),
            '>' => out.push_str("#62;"),
            // `style…:#…;` lines are rewritten by Mermaid before parsing; a colon followed
            // by a space can never start that pattern.
            ':' if chars.peek().is_some_and(|n| !n.is_whitespace()) => out.push_str("#58;"),
            '\r' => {}
            '\n' => out.push_str("<br/>"),
            c if c.is_control() => {
                let _ = write!(out, "#{};", c as u32);
            }
            c => out.push(c),
        }
    }
    if out.trim().is_empty() {
        // A message needs text.
        out.push_str("#160;");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::tests::sample_traces;

    #[test]
    fn escapes_what_mermaid_would_misread() {
        assert_eq!(
            escape("a;b #1 \"q\" 100% <b> & c:d e: f\ng"),
            "a#59;b #35;1 #quot;q#quot; 100#37; #60;b#62; #38; c#58;d e: f<br/>g"
        );
    }

    #[test]
    fn participants_come_first_and_cover_every_arrow() {
        for (name, t) in sample_traces() {
            let m = render(&t);
            let mut lines = m.lines();
            assert_eq!(lines.next(), Some("sequenceDiagram"), "trace {name}");
            let mut declared = BTreeSet::new();
            let mut body = false;
            for l in lines {
                let l = l.trim();
                if let Some(rest) = l.strip_prefix("participant ") {
                    assert!(!body, "participant after a message: {l}");
                    declared.insert(rest.split(' ').next().unwrap().to_string());
                    continue;
                }
                body = true;
                let head = l.split(": ").next().unwrap();
                let actors: Vec<&str> = if let Some(over) = head.strip_prefix("Note over ") {
                    over.split(',').collect()
                } else {
                    head.split("-->>").flat_map(|s| s.split("->>")).collect()
                };
                for a in actors {
                    assert!(
                        declared.contains(a),
                        "{a} used before declared in {name}: {l}"
                    );
                }
            }
        }
    }
}
