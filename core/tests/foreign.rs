//! Foreign sinks: a driver calls each `Notify` itself, holding no borrow of the simulator,
//! and the sink calls back into the API from inside it. The trace must be the one the
//! same behaviour gives as a simulated sink in the scenario language.

use mapioffline::consts::*;
use mapioffline::scenario::run_script;
use mapioffline::trace::{Event, EventKind, NotifyInfo, Ptr};
use mapioffline::{Config, Out, ProfileSpec, Sim, SinkSpec};
use std::cell::RefCell;

const SCENARIO: &str = r#"
profile "Outlook"
profile "Other"
HrOpenOfflineObj(0, L"Outlook", &GUID_GlobalState, NULL, &mgr)
HrOpenOfflineObj(0, L"Other", &GUID_GlobalState, NULL, &other)
mgr->GetCapabilities(&caps)
other->GetCapabilities(&caps2)
sink quitter when START once: mgr->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, NULL) when STATECHANGE once: other->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL) when DONE once: mgr->Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, own)
sink listener
sink watcher
mgr->Advise(0, &{ulClientToken = 1, pCallback = quitter}, &t1)
mgr->Advise(0, &{ulClientToken = 2, pCallback = listener}, &t2)
other->Advise(0, &{ulClientToken = 3, pCallback = watcher}, &t3)
mgr->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)
mgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, NULL)
run
mgr->Unadvise(0, t2)
other->Unadvise(0, t3)
mgr->Release()
other->Release()
"#;

/// The foreign side: what each sink does in its `Notify`, written as a C client would,
/// calling the API through the shared simulator.
struct Client {
    sim: RefCell<Sim>,
    mgr: Ptr,
    other: Ptr,
    quitter: Ptr,
    quitter_token: u32,
    fired: RefCell<[bool; 3]>,
    /// (sink, NotifyType, depth of foreign calls) as the foreign code saw them.
    log: RefCell<Vec<(Ptr, u32, u32)>>,
    nesting: RefCell<u32>,
}

impl Client {
    /// The driver's pump after every call: each pending `Notify` is called with the
    /// simulator not borrowed, so that the sink can call back in.
    fn pump(&self) {
        loop {
            let next = self.sim.borrow_mut().poll_notify();
            let Some(n) = next else { break };
            *self.nesting.borrow_mut() += 1;
            self.notify(n.sink, n.info);
            *self.nesting.borrow_mut() -= 1;
            self.sim.borrow_mut().notify_returned();
        }
    }

    fn notify(&self, sink: Ptr, info: NotifyInfo) {
        self.log
            .borrow_mut()
            .push((sink, info.notify_type, *self.nesting.borrow()));
        if sink != self.quitter {
            return;
        }
        let phase = info.notify_type as usize - 1;
        if std::mem::replace(&mut self.fired.borrow_mut()[phase], true) {
            return;
        }
        let hr = match info.notify_type {
            MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START => self.sim.borrow_mut().set_current_state(
                self.mgr,
                MAPIOFFLINE_FLAG_BLOCK,
                MAPIOFFLINE_STATE_OFFLINE_MASK,
                MAPIOFFLINE_STATE_ONLINE,
                0,
            ),
            MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE => self.sim.borrow_mut().set_current_state(
                self.other,
                MAPIOFFLINE_FLAG_BLOCK,
                MAPIOFFLINE_STATE_OFFLINE_MASK,
                MAPIOFFLINE_STATE_OFFLINE,
                0,
            ),
            _ => self.sim.borrow_mut().unadvise(
                self.mgr,
                MAPIOFFLINE_UNADVISE_DEFAULT,
                self.quitter_token,
            ),
        };
        // The HRESULT is final when the call returns; its work (the other profile's
        // blocking change, with its own Notify) runs in this call's own pump.
        let expected = match info.notify_type {
            MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START => HResult::E_PENDING,
            _ => HResult::S_OK,
        };
        assert_eq!(
            hr, expected,
            "re-entrant call in phase {}",
            info.notify_type
        );
        self.pump();
    }
}

fn without_reactions(events: &[Event]) -> Vec<Event> {
    events
        .iter()
        .cloned()
        .map(|mut e| {
            if let EventKind::ClientObjectCreated(c) = &mut e.kind {
                c.reactions.clear();
                c.foreign = false;
            }
            e
        })
        .collect()
}

fn foreign_run() -> (Sim, Vec<(Ptr, u32, u32)>) {
    let mut sim = Sim::new(Config::default());
    sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
    sim.add_profile(ProfileSpec::new("Other")).unwrap();
    let mgr = sim.open("Outlook").unwrap();
    let other = sim.open("Other").unwrap();
    sim.get_capabilities(mgr, Out::Valid);
    sim.get_capabilities(other, Out::Valid);
    let quitter = sim.create_sink(SinkSpec::foreign("quitter")).unwrap();
    let listener = sim.create_sink(SinkSpec::foreign("listener")).unwrap();
    let watcher = sim.create_sink(SinkSpec::foreign("watcher")).unwrap();
    let t1 = sim.advise_sink(mgr, quitter, 1).unwrap();
    let t2 = sim.advise_sink(mgr, listener, 2).unwrap();
    let t3 = sim.advise_sink(other, watcher, 3).unwrap();
    let c = Client {
        sim: RefCell::new(sim),
        mgr,
        other,
        quitter,
        quitter_token: t1,
        fired: RefCell::new([false; 3]),
        log: RefCell::new(Vec::new()),
        nesting: RefCell::new(0),
    };
    let hr = c
        .sim
        .borrow_mut()
        .set_state(mgr, MAPIOFFLINE_STATE_OFFLINE, true);
    assert_eq!(hr, HResult::S_OK);
    // The call returned with its first Notify pending: it is not over yet.
    assert!(c.sim.borrow().notify_outstanding());
    c.pump();
    assert!(!c.sim.borrow().notify_outstanding());
    assert_eq!(
        c.sim
            .borrow_mut()
            .set_state(mgr, MAPIOFFLINE_STATE_ONLINE, false),
        HResult::S_OK
    );
    c.pump();
    c.sim.borrow_mut().run_until_idle().unwrap();
    c.pump();
    let mut sim = c.sim.into_inner();
    assert_eq!(sim.unadvise(mgr, 0, t2), HResult::S_OK);
    assert_eq!(sim.unadvise(other, 0, t3), HResult::S_OK);
    sim.release(mgr);
    sim.release(other);
    (sim, c.log.into_inner())
}

#[test]
fn a_reentrant_foreign_sink_leaves_the_trace_of_the_same_simulated_sink() {
    let (sim, _) = foreign_run();
    let outcome = run_script(SCENARIO).expect("scenario runs");
    let simulated = without_reactions(&outcome.trace.events);
    let foreign = without_reactions(&sim.trace().events);
    let n = simulated.len().min(foreign.len());
    assert!(n > 60, "only {n} events compared");
    for k in 0..n {
        assert_eq!(
            foreign[k], simulated[k],
            "event #{k} differs (foreign left, simulated right)"
        );
    }
    // The scenario runner ends the world (shutdown); the foreign driver did not.
    assert!(
        foreign.len() <= simulated.len(),
        "{} extra events",
        foreign.len() - n
    );
    assert!(simulated[n..]
        .iter()
        .all(|e| !matches!(e.kind, EventKind::Notify { .. } | EventKind::Call { .. })));
}

#[test]
fn the_foreign_code_sees_each_notification_once_in_order() {
    let (sim, log) = foreign_run();
    let names = |p: Ptr| match p.0 & 0xff {
        0x00 => "quitter",
        0x10 => "listener",
        _ => "watcher",
    };
    let seen: Vec<String> = log
        .iter()
        .map(|&(s, t, d)| format!("{}{} {}", "  ".repeat(d as usize - 1), names(s), t))
        .collect();
    assert_eq!(
        seen,
        [
            // the blocking change to OFFLINE: the quitter asks for ONLINE in START
            // (E_PENDING), takes the other profile OFFLINE in STATECHANGE (the watcher
            // hears that change from inside the quitter's Notify) and leaves in DONE.
            "quitter 1",
            "listener 1",
            "quitter 2",
            "  watcher 1",
            "  watcher 2",
            "  watcher 3",
            "listener 2",
            "quitter 3",
            "listener 3",
            // the asynchronous change back: only the listener is still registered.
            "listener 1",
            "listener 2",
            "listener 3",
        ]
    );
    // Every delivery in the trace reached the foreign code, and no other.
    assert_eq!(sim.trace().notifications().count(), log.len());
}

#[test]
fn notify_returned_without_a_delivery_changes_nothing() {
    let mut sim = Sim::default();
    sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
    let mgr = sim.open("Outlook").unwrap();
    let before = sim.trace().events.len();
    sim.notify_returned();
    assert!(sim.poll_notify().is_none());
    assert_eq!(sim.trace().events.len(), before);
    assert_eq!(sim.current_state(mgr), Ok(MAPIOFFLINE_STATE_ONLINE));
}

#[test]
fn a_foreign_sink_reached_from_a_simulated_reaction_is_skipped_with_a_diagnostic() {
    let mut sim = Sim::default();
    sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
    sim.add_profile(ProfileSpec::new("Other")).unwrap();
    let mgr = sim.open("Outlook").unwrap();
    let other = sim.open("Other").unwrap();
    let reacting = sim
        .create_sink(SinkSpec::new("reacting").reacting(mapioffline::Reaction {
            on: Some(MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE),
            once: true,
            action: mapioffline::Action::SetCurrentState {
                this: other,
                flags: MAPIOFFLINE_FLAG_BLOCK,
                mask: MAPIOFFLINE_STATE_OFFLINE_MASK,
                state: MAPIOFFLINE_STATE_OFFLINE,
            },
        }))
        .unwrap();
    let foreign = sim.create_sink(SinkSpec::foreign("c-sink")).unwrap();
    sim.advise_sink(mgr, reacting, 1).unwrap();
    sim.advise_sink(other, foreign, 2).unwrap();
    assert_eq!(
        sim.set_state(mgr, MAPIOFFLINE_STATE_OFFLINE, true),
        HResult::S_OK
    );
    assert!(sim.poll_notify().is_none());
    let codes: Vec<&str> = sim.trace().diagnostics().map(|d| d.code.as_str()).collect();
    assert_eq!(
        codes
            .iter()
            .filter(|c| **c == "notify.foreign_in_reaction")
            .count(),
        3
    );
    assert_eq!(sim.state_of(other), Some(MAPIOFFLINE_STATE_OFFLINE));
}

#[test]
fn the_text_trace_says_which_sinks_are_foreign() {
    let (sim, _) = foreign_run();
    let text = sim.trace().to_text();
    assert!(
        text.contains("client object \"quitter\" at 0x00C00000, foreign code"),
        "{text}"
    );
    let outcome = run_script(SCENARIO).expect("scenario runs");
    assert!(!outcome.trace.to_text().contains("foreign code"));
}

#[test]
fn an_injected_notification_waits_for_each_foreign_notify_in_turn() {
    let mut sim = Sim::default();
    sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
    let mgr = sim.open("Outlook").unwrap();
    let a = sim.create_sink(SinkSpec::foreign("a")).unwrap();
    let b = sim.create_sink(SinkSpec::foreign("b")).unwrap();
    sim.advise_sink(mgr, a, 10).unwrap();
    sim.advise_sink(mgr, b, 20).unwrap();
    sim.inject_notify(mgr, 0x40, MAPIOFFLINE_STATE_OFFLINE_MASK, 1, 2)
        .unwrap();
    let first = sim.poll_notify().expect("a's Notify");
    assert_eq!(
        (
            first.sink,
            first.info.ul_client_token,
            first.info.notify_type
        ),
        (a, 10, 0x40)
    );
    // Not returned yet: b has not been called.
    assert!(sim.poll_notify().is_none());
    sim.notify_returned();
    let second = sim.poll_notify().expect("b's Notify");
    assert_eq!((second.sink, second.info.ul_client_token), (b, 20));
    sim.notify_returned();
    assert!(!sim.notify_outstanding());
    assert_eq!(sim.trace().notifications().count(), 2);
}
