//! Time travel (`trace::replay::Timeline`): the world folded from a trace alone equals
//! what the simulator's `snapshot` said, after every statement of every lesson and every
//! conformance scenario; and the findings and decoded events as of an event.

use mapioffline::scenario::{parse, Runner};
use mapioffline::sim::WorldSnapshot;
use mapioffline::trace::replay::Timeline;
use std::path::Path;

/// Every lesson and conformance scenario, by name, with its source.
fn scripts() -> Vec<(String, String)> {
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
    out
}

/// Runs `source` a statement at a time; after each, the trace length and the snapshot.
fn boundaries(name: &str, source: &str) -> (mapioffline::Trace, Vec<(usize, WorldSnapshot)>) {
    let script = parse(source).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let mut r = Runner::default();
    let mut seen = Vec::new();
    for s in &script.stmts {
        let ok = r.exec(s).is_ok();
        if r.started() {
            let sim = r.sim();
            seen.push((sim.trace().events.len(), sim.snapshot()));
        }
        if !ok {
            break;
        }
    }
    let trace = r.sim().trace().clone();
    (trace, seen)
}

#[test]
fn the_world_at_every_statement_of_every_lesson_and_scenario_is_the_simulators() {
    let mut checked = 0;
    for (name, src) in scripts() {
        let (trace, seen) = boundaries(&name, &src);
        let timeline = Timeline::new(&trace);
        for (n, snap) in &seen {
            let m = timeline.at(*n);
            assert_eq!(m.mismatch, None, "{name}: descendants not reproduced");
            assert_eq!(
                &m.world,
                snap,
                "{name}: the world after {n} events differs from the simulator's\n{}",
                trace.to_text()
            );
            checked += 1;
        }
    }
    assert!(checked > 200, "only {checked} statement boundaries");
}

#[test]
fn a_trace_read_back_from_json_travels_the_same() {
    for (name, src) in scripts().into_iter().take(6) {
        let (trace, seen) = boundaries(&name, &src);
        let json = serde_json::to_string(&trace).unwrap();
        let back: mapioffline::Trace = serde_json::from_str(&json).unwrap();
        let live = Timeline::new(&trace);
        let loaded = Timeline::new(&back);
        for (n, _) in &seen {
            assert_eq!(loaded.at(*n), live.at(*n), "{name} after {n} events");
        }
    }
}

#[test]
fn n_past_the_end_is_the_end_and_zero_is_the_empty_world() {
    let (trace, seen) = boundaries("go-offline", GO_OFFLINE);
    let t = Timeline::new(&trace);
    assert_eq!(t.len(), trace.events.len());
    assert_eq!(t.world_at(t.len() + 1000), seen.last().unwrap().1);
    let empty = t.world_at(0);
    assert!(empty.profiles.is_empty() && empty.objects.is_empty() && empty.clients.is_empty());
    assert_eq!(empty.now, 0);
}

const GO_OFFLINE: &str = r#"
profile "Outlook"
sink monitor
HrOpenOfflineObj(0, L"Outlook", &GUID_GlobalState, NULL, &mgr)
mgr->GetCapabilities(&caps)
mgr->Advise(0, &{ulClientToken = 7, pCallback = monitor}, &token)
mgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)
advance 1
advance 1
advance 1
mgr->Unadvise(0, token)
mgr->Release()
shutdown
"#;

/// The index of the first event after which `f` holds of the world.
fn first_moment(t: &Timeline, f: impl Fn(&mapioffline::trace::replay::Moment) -> bool) -> usize {
    (0..=t.len()).find(|&n| f(&t.at(n))).expect("such a moment")
}

#[test]
fn an_asynchronous_change_is_in_progress_phase_by_phase_and_then_done() {
    use mapioffline::consts::*;
    let (trace, _) = boundaries("go-offline", GO_OFFLINE);
    let t = Timeline::new(&trace);
    // Registered once the Advise returned, with its ulClientToken and sink.
    let reg = first_moment(&t, |m| {
        m.world
            .objects
            .first()
            .is_some_and(|o| !o.registrations.is_empty())
    });
    let o = &t.world_at(reg).objects[0];
    assert_eq!(o.registrations.len(), 1);
    assert_eq!(o.registrations[0].1, 7);
    assert_eq!(
        Some(o.registrations[0].2),
        t.world_at(reg).clients.first().map(|c| c.object)
    );
    assert!(matches!(
        trace.events[reg - 1].kind,
        mapioffline::EventKind::Return { .. }
    ));
    // The change: started with no phase, due one tick later, then START, STATECHANGE, DONE.
    let started = first_moment(&t, |m| !m.transitions.is_empty());
    let m = t.at(started);
    let tr = &m.transitions[0];
    assert_eq!(
        (tr.phase, tr.new, tr.blocking),
        (0, MAPIOFFLINE_STATE_OFFLINE, false)
    );
    assert_eq!(tr.due, Some(trace.events[started - 1].tick + 1));
    assert_eq!(m.world.next_due, tr.due);
    assert!(m.world.objects[0].in_transition);
    assert_eq!(m.world.objects[0].state, MAPIOFFLINE_STATE_ONLINE);
    let mut phases = Vec::new();
    for n in started..=t.len() {
        if let Some(tr) = t.at(n).transitions.first() {
            if phases.last() != Some(&tr.phase) {
                phases.push(tr.phase);
            }
        }
    }
    assert_eq!(phases, [0, 1, 2, 3]);
    let statechange = first_moment(&t, |m| m.transitions.first().is_some_and(|t| t.phase == 2));
    // At the STATECHANGE phase event the state has not changed yet; right after it has.
    assert_eq!(
        t.world_at(statechange).objects[0].state,
        MAPIOFFLINE_STATE_ONLINE
    );
    let changed = first_moment(&t, |m| {
        m.world
            .objects
            .first()
            .is_some_and(|o| o.state == MAPIOFFLINE_STATE_OFFLINE)
    });
    assert_eq!(changed, statechange + 1);
    let done = first_moment(&t, |m| m.events > started && m.transitions.is_empty());
    assert!(!t.world_at(done).objects[0].in_transition);
    assert!(matches!(
        trace.events[done - 1].kind,
        mapioffline::EventKind::TransitionCompleted { .. }
    ));
}

#[test]
fn inside_a_blocking_call_paused_at_a_foreign_notify_the_world_is_the_simulators() {
    use mapioffline::consts::*;
    use mapioffline::{Out, ProfileSpec, Sim, SinkSpec};
    let mut sim = Sim::default();
    sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
    let sink = sim.create_sink(SinkSpec::foreign("c-client")).unwrap();
    let mgr = sim.open("Outlook").unwrap();
    sim.get_capabilities(mgr, Out::Valid);
    sim.advise_sink(mgr, sink, 3).unwrap();
    let mut pauses = 0;
    let mut check = |sim: &mut Sim, blocking: bool| {
        while sim.poll_notify().is_some() {
            let t = Timeline::new(sim.trace());
            let m = t.at(t.len());
            let tr = &m.transitions[0];
            assert_eq!(tr.blocking, blocking);
            let mut expected = sim.snapshot();
            if blocking || tr.phase == MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE {
                // Its phases run inside the call, not on the clock; after DONE none is due.
                assert_eq!(tr.due, None);
            } else {
                // The documented choice: a clock phase's successor is shown due from the
                // phase on, where the simulator schedules it once the deliveries are over.
                assert_eq!(expected.next_due, None);
                assert_eq!(tr.due, Some(expected.now + 1));
                expected.next_due = tr.due;
            }
            assert_eq!(m.world, expected, "paused at\n{}", sim.trace().to_text());
            pauses += 1;
            sim.notify_returned();
            if !blocking && tr.phase < MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE {
                // Once the Notify returned, the simulator agrees.
                assert_eq!(sim.next_due(), tr.due);
            }
        }
    };
    sim.set_current_state(
        mgr,
        MAPIOFFLINE_FLAG_BLOCK,
        MAPIOFFLINE_STATE_OFFLINE_MASK,
        MAPIOFFLINE_STATE_OFFLINE,
        0,
    );
    check(&mut sim, true);
    sim.set_current_state(
        mgr,
        MAPIOFFLINE_FLAG_DEFAULT,
        MAPIOFFLINE_STATE_OFFLINE_MASK,
        MAPIOFFLINE_STATE_ONLINE,
        0,
    );
    // One phase at a time: each advance runs exactly one and stops at its Notify.
    for _ in 0..3 {
        sim.advance(1).unwrap();
        check(&mut sim, false);
    }
    assert_eq!(pauses, 6);
    let t = Timeline::new(sim.trace());
    assert_eq!(t.world_at(t.len()), sim.snapshot());
}

const LEAKY: &str = r#"
profile "Outlook"
sink monitor
HrOpenOfflineObj(0, L"Outlook", &GUID_GlobalState, NULL, &mgr)
mgr->Advise(0, &{ulClientToken = 7, pCallback = monitor}, &token)
mgr->GetCurrentState(&state)
"#;

#[test]
fn findings_appear_at_their_event_and_what_was_left_behind_when_it_is_judged() {
    use mapioffline::checker::{check, findings_at};
    use mapioffline::Rule;
    for (with_shutdown, src) in [
        (true, format!("{LEAKY}shutdown\n")),
        (false, LEAKY.to_string()),
    ] {
        let trace = mapioffline::scenario::run_script(&src).unwrap().trace;
        let all = check(&trace);
        let len = trace.events.len();
        let rules =
            |n: usize| -> Vec<Rule> { findings_at(&all, n, len).iter().map(|f| f.rule).collect() };
        let advise = all.iter().find(|f| f.rule == Rule::R1).unwrap().event;
        assert!(matches!(
            trace.events[advise].kind,
            mapioffline::EventKind::Call { .. }
        ));
        assert_eq!(rules(advise), []);
        assert_eq!(rules(advise + 1), [Rule::R1]);
        // The leaks: at the shutdown event, or only at the very end without one.
        let judged = if with_shutdown {
            trace
                .events
                .iter()
                .position(|e| matches!(e.kind, mapioffline::EventKind::Shutdown(_)))
                .unwrap()
                + 1
        } else {
            len
        };
        assert_eq!(rules(judged - 1), [Rule::R1], "shutdown: {with_shutdown}");
        assert_eq!(
            rules(judged),
            [Rule::R1, Rule::R3, Rule::R4],
            "shutdown: {with_shutdown}"
        );
        assert_eq!(findings_at(&all, len, len), all);
        // Never one taken back.
        for n in 0..len {
            let now = findings_at(&all, n, len);
            let next = findings_at(&all, n + 1, len);
            assert!(now.iter().all(|f| next.contains(f)), "at {n}");
        }
    }
}
