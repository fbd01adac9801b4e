//! `trace::walk` against the readers it replaced, and its own invariants, over every
//! lesson, every conformance scenario and random sequences.
//!
//! The former readers' rules are kept here, and only here, as the oracle: the pairing of
//! `render::Nesting` and `render::returns` (Mermaid, C++), the checker's (the most recent
//! open call of the same function at the return's depth), coverage's (client calls by
//! depth), and the participants Mermaid and the playground's lanes chose. The walk must
//! agree with each of them on every trace the simulator writes, so moving the readers onto
//! it changed no output.

use super::*;
use mapioffline::trace::walk::{self, FrameKind, Participant, Step, Walker};
use std::path::Path;

/// The traces of every lesson and every conformance scenario, by name.
fn scripted_traces() -> Vec<(String, Trace)> {
    let mut out: Vec<(String, String)> = mapioffline::lessons::LESSONS
        .iter()
        .map(|l| (format!("lesson {}", l.name), l.source.to_string()))
        .collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the conformance scenarios")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "scn"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "scenarios found: {files:?}");
    for f in files {
        out.push((
            f.display().to_string(),
            std::fs::read_to_string(&f).unwrap(),
        ));
    }
    out.into_iter()
        .map(|(name, src)| {
            let trace = scenario::run_script(&src)
                .unwrap_or_else(|e| panic!("{name}: {e:?}"))
                .trace;
            (name, trace)
        })
        .collect()
}

// ------------------------------------------------------------------ the former readers

/// What the trace introduced at an address: `true` for a client object.
fn introductions(events: &[Event]) -> Vec<BTreeMap<Ptr, bool>> {
    let mut known = BTreeMap::new();
    events
        .iter()
        .map(|e| {
            match &e.kind {
                EventKind::ProfileAdded(p) => {
                    known.insert(p.object, false);
                }
                EventKind::ObjectCreated(o) => {
                    known.insert(o.object, false);
                }
                EventKind::ClientObjectCreated(c) => {
                    known.insert(c.object, true);
                }
                _ => {}
            }
            known.clone()
        })
        .collect()
}

fn who_in(known: &BTreeMap<Ptr, bool>, p: Ptr) -> Participant {
    match known.get(&p) {
        Some(true) => Participant::ClientObject(p),
        Some(false) => Participant::Offline(p),
        None => Participant::Unknown(p),
    }
}

/// An event's arrow (from, to), and the participant whose code runs around it.
type Reading = (Option<(Participant, Participant)>, Option<Participant>);

/// `render::Nesting` as it was, with Mermaid's participants: for each event, (from, to) of
/// its arrow, `None` for a note (an unanswered return included), and the participant whose
/// call or `Notify` is running (where a diagnostic went).
fn mermaid_reading(events: &[Event]) -> Vec<Reading> {
    #[derive(Clone, Copy)]
    enum F {
        Call { depth: u16, target: Option<Ptr> },
        Notify { depth: u16, sink: Ptr },
    }
    let depth = |f: &F| match f {
        F::Call { depth, .. } | F::Notify { depth, .. } => *depth,
    };
    let known = introductions(events);
    let mut stack: Vec<F> = Vec::new();
    let mut calls: Vec<(u16, Participant, Participant)> = Vec::new();
    let mut out = Vec::new();
    for (i, e) in events.iter().enumerate() {
        let who = |p| who_in(&known[i], p);
        let d = e.depth;
        // Nesting::before
        if let EventKind::Return { .. } = e.kind {
            while stack.last().is_some_and(|f| depth(f) > d) {
                stack.pop();
            }
            if matches!(stack.last(), Some(F::Call { depth, .. }) if *depth == d) {
                stack.pop();
            } else {
                while stack.last().is_some_and(|f| depth(f) >= d) {
                    stack.pop();
                }
            }
        } else {
            while stack.last().is_some_and(|f| depth(f) >= d) {
                stack.pop();
            }
        }
        let context = stack.last().map(|f| match *f {
            F::Call { target: None, .. } => Participant::Mapi,
            F::Call {
                target: Some(p), ..
            } => who(p),
            F::Notify { sink, .. } => who(sink),
        });
        let arrow = match &e.kind {
            EventKind::Call { by, call } => {
                let from = match by {
                    Caller::Client => stack
                        .iter()
                        .rev()
                        .find_map(|f| match f {
                            F::Notify { sink, .. } => Some(who(*sink)),
                            F::Call { .. } => None,
                        })
                        .unwrap_or(Participant::Client),
                    Caller::Outlook => {
                        match stack.iter().rev().find(|f| matches!(f, F::Call { .. })) {
                            Some(F::Call {
                                target: Some(p), ..
                            }) => who(*p),
                            _ => Participant::Mapi,
                        }
                    }
                };
                let to = call.this().map_or(Participant::Mapi, who);
                calls.push((d, from, to));
                Some((from, to))
            }
            EventKind::Return { .. } => {
                while calls.last().is_some_and(|c| c.0 > d) {
                    calls.pop();
                }
                match calls.last().copied() {
                    Some((cd, from, to)) if cd == d => {
                        calls.pop();
                        Some((to, from))
                    }
                    _ => None,
                }
            }
            EventKind::Notify { object, sink, .. } => Some((who(*object), who(*sink))),
            _ => None,
        };
        // Nesting::after
        match &e.kind {
            EventKind::Call { call, .. } => stack.push(F::Call {
                depth: d,
                target: call.this(),
            }),
            EventKind::Notify { sink, .. } => stack.push(F::Notify {
                depth: d,
                sink: *sink,
            }),
            _ => {}
        }
        out.push((arrow, context));
    }
    out
}

/// `render::returns` as it was: for each call, its return.
fn old_returns(events: &[Event]) -> Vec<Option<usize>> {
    let mut out = vec![None; events.len()];
    let mut open: Vec<(u16, usize)> = Vec::new();
    for (i, e) in events.iter().enumerate() {
        match e.kind {
            EventKind::Call { .. } => open.push((e.depth, i)),
            EventKind::Return { .. } => {
                while open.last().is_some_and(|&(d, _)| d > e.depth) {
                    open.pop();
                }
                if let Some(&(d, c)) = open.last() {
                    if d == e.depth {
                        open.pop();
                        out[c] = Some(i);
                    }
                }
            }
            _ => {}
        }
    }
    out
}

/// The checker's pairing as it was: for each return, the call it judged it with.
fn checker_pairs(events: &[Event]) -> Vec<Option<usize>> {
    let mut stack: Vec<(usize, u16, Func)> = Vec::new();
    events
        .iter()
        .enumerate()
        .map(|(i, e)| match &e.kind {
            EventKind::Call { call, .. } => {
                stack.push((i, e.depth, call.func()));
                None
            }
            EventKind::Return { func, .. } => {
                let k = stack.iter().rposition(|c| c.1 == e.depth && c.2 == *func)?;
                stack.truncate(k + 1);
                stack.pop().map(|c| c.0)
            }
            _ => None,
        })
        .collect()
}

/// Coverage's pairing as it was: for each client return, the client call open at its depth.
fn coverage_pairs(events: &[Event]) -> Vec<Option<usize>> {
    let mut open: BTreeMap<u16, usize> = BTreeMap::new();
    events
        .iter()
        .enumerate()
        .map(|(i, e)| match &e.kind {
            EventKind::Call {
                by: Caller::Client, ..
            } => {
                open.insert(e.depth, i);
                None
            }
            EventKind::Return {
                by: Caller::Client, ..
            } => open.remove(&e.depth),
            _ => None,
        })
        .collect()
}

/// The playground's lanes as they were: the caller of each call (the participant whose
/// code was innermost, else the client, else for Outlook's own calls the callee).
fn web_callers(events: &[Event]) -> Vec<Option<Participant>> {
    let known = introductions(events);
    let mut stack: Vec<(u16, Participant)> = Vec::new();
    events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let who = |p| who_in(&known[i], p);
            let d = e.depth;
            if let EventKind::Return { .. } = e.kind {
                while stack.last().is_some_and(|f| f.0 > d) {
                    stack.pop();
                }
                if stack.last().is_some_and(|f| f.0 == d) {
                    stack.pop();
                }
            } else {
                while stack.last().is_some_and(|f| f.0 >= d) {
                    stack.pop();
                }
            }
            let actor = stack.last().map(|f| f.1);
            match &e.kind {
                EventKind::Call { by, call } => {
                    let to = call.this().map_or(Participant::Mapi, who);
                    let from = match (by, actor) {
                        (_, Some(a)) => a,
                        (Caller::Client, None) => Participant::Client,
                        (Caller::Outlook, None) => to,
                    };
                    stack.push((d, to));
                    Some(from)
                }
                EventKind::Notify { sink, .. } => {
                    stack.push((d, who(*sink)));
                    None
                }
                _ => None,
            }
        })
        .collect()
}

// ------------------------------------------------------------------ the checks

fn steps(trace: &Trace) -> Vec<Step> {
    walk::walk(trace).map(|(s, _)| s).collect()
}

/// The walk gives what each former reader read.
fn agrees_with_the_former_readers(name: &str, trace: &Trace) {
    let ev = &trace.events;
    let steps = steps(trace);
    let answers: Vec<Option<usize>> = steps.iter().map(|s| s.answers.map(|f| f.event)).collect();
    assert_eq!(walk::returns(ev), old_returns(ev), "{name}: returns");
    assert_eq!(answers, checker_pairs(ev), "{name}: the checker's pairs");
    let client_answers: Vec<Option<usize>> = ev
        .iter()
        .zip(&answers)
        .map(|(e, a)| match e.kind {
            EventKind::Return {
                by: Caller::Client, ..
            } => *a,
            _ => None,
        })
        .collect();
    assert_eq!(
        client_answers,
        coverage_pairs(ev),
        "{name}: coverage's pairs"
    );
    for (i, ((arrow, context), s)) in mermaid_reading(ev).into_iter().zip(&steps).enumerate() {
        let ours = s.from.zip(s.to);
        assert_eq!(ours, arrow, "{name}: event {i}'s arrow, as Mermaid drew it");
        assert_eq!(
            s.inside.map(|f| f.to),
            context,
            "{name}: event {i}'s context"
        );
    }
    for (i, (old, s)) in web_callers(ev).into_iter().zip(&steps).enumerate() {
        if old.is_some() {
            assert_eq!(
                s.from, old,
                "{name}: event {i}'s caller, as the lanes had it"
            );
        }
    }
}

/// What the walk promises on a trace the simulator wrote.
fn keeps_its_invariants(name: &str, trace: &Trace) {
    let ev = &trace.events;
    let known = introductions(ev);
    let mut w = Walker::default();
    for (i, e) in ev.iter().enumerate() {
        let before = w.frames().to_vec();
        let s = w.step(e);
        assert_eq!(s.index, i);
        // Depth: the frames open around an event are as many as its recorded depth, one
        // per level.
        assert_eq!(s.open, e.depth as usize, "{name}: event {i}'s depth");
        for (k, f) in w.frames().iter().enumerate() {
            assert_eq!(f.depth as usize, k, "{name}: frames after event {i}");
        }
        assert_eq!(s.inside, w.frames()[..s.open].last().copied());
        let who = |p| who_in(&known[i], p);
        match &e.kind {
            EventKind::Return { by, func, .. } => {
                // The innermost open call of the same frame: the last frame at this depth,
                // with only deeper frames (notifies that ended) after it.
                let c = s
                    .answers
                    .unwrap_or_else(|| panic!("{name}: event {i} answers nothing"));
                let at = before.iter().rposition(|f| f.depth == e.depth).unwrap();
                assert_eq!(before[at], c, "{name}: event {i} answers another frame");
                assert!(before[at + 1..].iter().all(|f| f.depth > e.depth));
                let EventKind::Call { by: cby, call } = &ev[c.event].kind else {
                    panic!("{name}: event {i} answers a non-call");
                };
                assert_eq!((cby, call.func()), (by, *func), "{name}: event {i}");
                assert_eq!(
                    c.kind,
                    FrameKind::Call {
                        by: *by,
                        func: *func,
                        this: call.this()
                    }
                );
                assert_eq!((s.from, s.to), (Some(c.to), Some(c.from)));
            }
            EventKind::Call { call, .. } => {
                // The participants of a call match its pointers.
                let to = call.this().map_or(Participant::Mapi, who);
                assert_eq!(s.to, Some(to), "{name}: event {i}'s callee");
                assert_eq!(w.innermost().map(|f| (f.event, f.to)), Some((i, to)));
                assert!(s.answers.is_none());
            }
            EventKind::Notify { object, sink, .. } => {
                assert_eq!((s.from, s.to), (Some(who(*object)), Some(who(*sink))));
                assert_eq!(w.notify_sink(), Some(*sink));
            }
            _ => assert_eq!((s.from, s.to, s.answers), (None, None, None)),
        }
    }
    // Every call the simulator records returns.
    let rets = walk::returns(ev);
    for (i, e) in ev.iter().enumerate() {
        if let EventKind::Call { .. } = e.kind {
            assert!(rets[i].is_some(), "{name}: call {i} never returned");
        }
    }
}

#[test]
fn walk_reads_every_lesson_and_scenario_as_the_former_readers_did() {
    for (name, t) in scripted_traces() {
        agrees_with_the_former_readers(&name, &t);
        keeps_its_invariants(&name, &t);
    }
}

#[test]
fn a_return_that_names_another_function_answers_nothing() {
    let (_, mut t) = scripted_traces().remove(0);
    let r = t
        .events
        .iter()
        .position(|e| matches!(e.kind, EventKind::Return { .. }))
        .unwrap();
    if let EventKind::Return { func, .. } = &mut t.events[r].kind {
        *func = if *func == Func::Release {
            Func::AddRef
        } else {
            Func::Release
        };
    }
    let s = &steps(&t)[r];
    assert_eq!((s.answers, s.from, s.to), (None, None, None));
    // Nor is the call left open: the return closed its depth.
    assert_eq!(s.open, t.events[r].depth as usize);
}

/// The same over random worlds and sequences (re-entrant `Notify`s, bad pointers,
/// children, shutdown mid-way).
#[test]
fn walk_reads_random_sequences_as_the_former_readers_did() {
    let config = ProptestConfig {
        cases: proptest_config().cases.div_ceil(5),
        ..proptest_config()
    };
    split_cases(
        config,
        || (world_strategy(), ops_strategy(MAX_OPS)),
        |(world, ops)| {
            let t = run(&world, &ops);
            agrees_with_the_former_readers("random", &t);
            keeps_its_invariants("random", &t);
            Ok(())
        },
    );
}
