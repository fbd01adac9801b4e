//! Tests of the client-contract checker (`mapioffline::checker`, rules R1–R7 of spec §9).
//!
//! Each rule is broken once in an otherwise clean session built with the simulator, and the
//! test asserts the exact (rule, clause, event index) of every finding; clean sessions
//! (the reference add-in of spec §8, correct E_PENDING handling, a masking client) give
//! none. A property test drives random raw call sequences and cross-checks the checker,
//! which reads only trace events, against the simulator's own rule diagnostics.

use mapioffline::checker::{check, Finding};
use mapioffline::consts::*;
use mapioffline::trace::{Caller, EventKind};
use mapioffline::*;
use proptest::prelude::*;
use std::collections::BTreeSet;

mod common;
use common::{world, world_with};

const ON: u32 = MAPIOFFLINE_STATE_ONLINE;
const OFF: u32 = MAPIOFFLINE_STATE_OFFLINE;
const MASK: u32 = MAPIOFFLINE_STATE_OFFLINE_MASK;
const BLOCK: u32 = MAPIOFFLINE_FLAG_BLOCK;
const DEFAULT: u32 = MAPIOFFLINE_FLAG_DEFAULT;
const STORE: Guid = Guid::new(0x5AFE_0001, 0x0001, 0x0002, [9, 9, 9, 9, 9, 9, 9, 9]);

/// The index the next event will get: the `call` event of the next call.
fn next(sim: &Sim) -> usize {
    sim.trace().events.len()
}

/// Index of the last event recorded (after a `shutdown`: the shutdown event, as long as
/// nothing was left behind to diagnose).
fn index_of_shutdown(sim: &Sim) -> usize {
    sim.trace()
        .events
        .iter()
        .rposition(|e| matches!(e.kind, EventKind::Shutdown(_)))
        .expect("the session shut down")
}

/// Checks the trace, asserts the invariants every result must keep, and returns it.
fn checked(trace: &Trace) -> Vec<Finding> {
    let findings = check(trace);
    for w in findings.windows(2) {
        assert!(w[0].event <= w[1].event, "not sorted: {findings:#?}");
    }
    for f in &findings {
        assert!(f.event < trace.events.len());
        assert_eq!(f.tick, trace.events[f.event].tick, "{f}");
        assert!(!f.message.is_empty() && !f.fix.is_empty());
        let allowed = f.rule.info().clauses.contains(&f.clause)
            || (f.rule == Rule::R2 && f.clause == Clause::Set9);
        assert!(allowed, "{f}: clause outside the rule's clauses");
    }
    assert_eq!(findings, check(trace), "deterministic");
    findings
}

fn summary(findings: &[Finding]) -> Vec<(Rule, Clause, usize)> {
    findings
        .iter()
        .map(|f| (f.rule, f.clause, f.event))
        .collect()
}

fn findings(sim: &Sim) -> Vec<(Rule, Clause, usize)> {
    summary(&checked(sim.trace()))
}

/// Deinit Monitor and a clean exit: Unadvise, release the manager and the sink, shut down.
fn tidy(sim: &mut Sim, mgr: Ptr, sink: Ptr, token: Option<u32>) {
    if let Some(t) = token {
        assert_eq!(
            sim.unadvise(mgr, MAPIOFFLINE_UNADVISE_DEFAULT, t),
            HResult::S_OK
        );
    }
    sim.release(mgr);
    sim.release(sink);
    sim.shutdown().unwrap();
}

/// Spec §8, menu item by menu item: the reference client.
fn sample_addin_session(config: Config) -> Sim {
    let mut sim = Sim::new(config);
    sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
    let sink = sim.create_sink(SinkSpec::new("CMyOfflineNotify")).unwrap();

    // Init Monitor.
    let mgr = sim.open("Outlook").unwrap();
    let offline = sim
        .query_interface(mgr, Some(IID_IMAPIOFFLINE), Out::Valid)
        .out
        .unwrap();
    let caps = sim.get_capabilities(offline, Out::Valid).out.unwrap();
    let mut token = None;
    if caps & (MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE) != 0 {
        token = Some(sim.advise_sink(mgr, sink, 0).unwrap());
    }
    sim.release(offline);

    // SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, OFFLINE): open, QI, set, release.
    let m = sim.open("Outlook").unwrap();
    let o = sim
        .query_interface(m, Some(IID_IMAPIOFFLINE), Out::Valid)
        .out
        .unwrap();
    assert_eq!(
        sim.set_current_state(o, DEFAULT, MASK, OFF, 0),
        HResult::S_OK
    );
    sim.release(o);
    sim.release(m);
    sim.run_until_idle().unwrap();

    // GetCurrentState: open, QI, get (masked), release.
    let m = sim.open("Outlook").unwrap();
    let o = sim
        .query_interface(m, Some(IID_IMAPIOFFLINE), Out::Valid)
        .out
        .unwrap();
    assert_eq!(sim.current_state(o), Ok(OFF));
    sim.release(o);
    sim.release(m);

    // Deinit Monitor, then Outlook exits.
    tidy(&mut sim, mgr, sink, token);
    sim
}

mod clean {
    use super::*;

    #[test]
    fn the_sample_addin_session_has_no_findings() {
        let sim = sample_addin_session(Config::default());
        assert_eq!(findings(&sim), vec![]);
        assert_eq!(sim.trace().notifications().count(), 3);
        // The simulator agrees: no error diagnostic at all.
        assert!(sim
            .trace()
            .diagnostics()
            .all(|d| d.severity == trace::Severity::Info));
    }

    #[test]
    fn the_sample_addin_is_clean_on_x86_and_with_extra_state_bits() {
        let sim = sample_addin_session(Config {
            arch: Arch::X86,
            extra_state_bits: 0x100,
            ..Config::default()
        });
        assert_eq!(findings(&sim), vec![]);
    }

    #[test]
    fn retrying_after_done_is_what_r5_asks_for() {
        let (mut sim, mgr, sink) = world();
        let token = sim.advise_sink(mgr, sink, 0).unwrap();
        assert_eq!(sim.set_state(mgr, OFF, false), HResult::S_OK);
        assert_eq!(sim.set_state(mgr, ON, false), HResult::E_PENDING);
        sim.run_until_idle().unwrap(); // DONE of the change to OFFLINE arrives
        assert_eq!(sim.set_state(mgr, ON, false), HResult::S_OK);
        sim.run_until_idle().unwrap();
        tidy(&mut sim, mgr, sink, Some(token));
        assert_eq!(findings(&sim), vec![]);
    }

    #[test]
    fn e_pending_for_a_request_the_change_fulfils_needs_no_retry() {
        let (mut sim, mgr, sink) = world();
        sim.set_state(mgr, OFF, false);
        assert_eq!(sim.set_state(mgr, OFF, false), HResult::E_PENDING);
        sim.run_until_idle().unwrap();
        tidy(&mut sim, mgr, sink, None);
        assert_eq!(findings(&sim), vec![]);
    }

    #[test]
    fn a_validating_sink_and_a_masking_client_are_fine() {
        let (mut sim, mgr, sink) = world_with(Config {
            extra_state_bits: 0x100,
            ..Config::default()
        });
        let token = sim.advise_sink(mgr, sink, 0).unwrap();
        sim.inject_notify(mgr, 0x40, 0xF0, ON, OFF).unwrap();
        let raw = sim.get_current_state(mgr, Out::Valid).out.unwrap();
        assert_eq!(raw, ON | 0x100);
        sim.set_current_state(mgr, BLOCK, MASK, raw & MASK, 0);
        tidy(&mut sim, mgr, sink, Some(token));
        assert_eq!(findings(&sim), vec![]);
    }

    #[test]
    fn an_empty_trace_has_no_findings() {
        assert_eq!(check(Sim::default().trace()), vec![]);
    }
}

mod r1 {
    use super::*;

    #[test]
    fn advise_without_get_capabilities() {
        let mut sim = Sim::default();
        sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
        let sink = sim.create_sink(SinkSpec::new("sink")).unwrap();
        let mgr = sim.open("Outlook").unwrap();
        let at = next(&sim);
        let token = sim.advise_sink(mgr, sink, 0).unwrap();
        tidy(&mut sim, mgr, sink, Some(token));
        let f = checked(sim.trace());
        assert_eq!(summary(&f), vec![(Rule::R1, Clause::Gen3, at)]);
        assert_eq!(
            f[0].to_string(),
            format!("R1 (GEN-3) at event #{at}, t=0: Advise on 0x00A00000 (advise token 1) without an earlier successful GetCapabilities on that object — call 0x00A00000->GetCapabilities(&ulCapabilities) first and Advise only if MAPIOFFLINE_CAPABILITY_OFFLINE or MAPIOFFLINE_CAPABILITY_ONLINE is set")
        );
    }

    #[test]
    fn capabilities_of_another_object_do_not_count() {
        let mut sim = Sim::default();
        sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
        sim.add_profile(ProfileSpec::new("Work")).unwrap();
        let sink = sim.create_sink(SinkSpec::new("sink")).unwrap();
        let work = sim.open("Work").unwrap();
        sim.get_capabilities(work, Out::Valid);
        let mgr = sim.open("Outlook").unwrap();
        let at = next(&sim);
        let token = sim.advise_sink(mgr, sink, 0).unwrap();
        sim.release(work);
        tidy(&mut sim, mgr, sink, Some(token));
        assert_eq!(findings(&sim), vec![(Rule::R1, Clause::Gen3, at)]);
    }

    #[test]
    fn advise_although_neither_capability_is_set() {
        let mut sim = Sim::default();
        sim.add_profile(ProfileSpec {
            capabilities: 0x100, // an extra bit only (CAP-3)
            ..ProfileSpec::new("Outlook")
        })
        .unwrap();
        let sink = sim.create_sink(SinkSpec::new("sink")).unwrap();
        let mgr = sim.open("Outlook").unwrap();
        sim.get_capabilities(mgr, Out::Valid);
        let at = next(&sim);
        let token = sim.advise_sink(mgr, sink, 0).unwrap();
        tidy(&mut sim, mgr, sink, Some(token));
        let f = checked(sim.trace());
        assert_eq!(summary(&f), vec![(Rule::R1, Clause::Cap1, at)]);
        assert!(f[0].message.contains("reported 0x100"), "{}", f[0]);
    }

    #[test]
    fn a_failed_advise_is_not_an_r1_finding() {
        let mut sim = Sim::default();
        sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
        let mgr = sim.open("Outlook").unwrap();
        let r = sim.advise(mgr, 0, None, Out::Valid);
        assert_eq!(r.hr, HResult::E_INVALIDARG);
        sim.release(mgr);
        sim.shutdown().unwrap();
        assert_eq!(findings(&sim), vec![]);
    }
}

mod r2 {
    use super::*;

    fn set(flags: u32, mask: u32, state: u32, reserved: u64) -> Vec<(Rule, Clause, usize)> {
        let (mut sim, mgr, sink) = world();
        let at = next(&sim);
        assert_eq!(
            sim.set_current_state(mgr, flags, mask, state, reserved),
            HResult::E_INVALIDARG
        );
        tidy(&mut sim, mgr, sink, None);
        findings(&sim)
            .into_iter()
            .inspect(|(_, _, e)| assert_eq!(*e, at))
            .collect()
    }

    #[test]
    fn set_current_state_with_a_bad_mask() {
        let (mut sim, mgr, sink) = world();
        let at = next(&sim);
        sim.set_current_state(mgr, DEFAULT, MAPIOFFLINE_STATE_ALL, OFF, 0);
        tidy(&mut sim, mgr, sink, None);
        let f = checked(sim.trace());
        assert_eq!(summary(&f), vec![(Rule::R2, Clause::Set5, at)]);
        assert!(f[0].message.contains("ulMask MAPIOFFLINE_STATE_ALL"));
    }

    #[test]
    fn set_current_state_with_every_argument_wrong() {
        let got = set(7, MASK, 0x5, 0xDEAD);
        let clauses: Vec<Clause> = got.iter().map(|(_, c, _)| *c).collect();
        assert_eq!(clauses, vec![Clause::Set9, Clause::Set6, Clause::Set7]);
        assert!(got.iter().all(|(r, _, _)| *r == Rule::R2));
    }

    #[test]
    fn advise_size_follows_the_architecture() {
        for (arch, wrong) in [(Arch::X64, 24), (Arch::X86, 32)] {
            let (mut sim, mgr, sink) = world_with(Config {
                arch,
                ..Config::default()
            });
            let mut info = sim.advise_info(0, sink);
            info.ul_size = wrong;
            let at = next(&sim);
            assert_eq!(
                sim.advise(mgr, 0, Some(&info), Out::Valid).hr,
                HResult::E_INVALIDARG
            );
            tidy(&mut sim, mgr, sink, None);
            let f = checked(sim.trace());
            assert_eq!(summary(&f), vec![(Rule::R2, Clause::Adv4, at)], "{arch:?}");
            let right = arch.sizeof_adviseinfo();
            assert!(
                f[0].message.contains(&format!(
                    "ulSize {wrong}; sizeof(MAPIOFFLINE_ADVISEINFO) is {right}"
                )),
                "{}",
                f[0]
            );
        }
    }

    #[test]
    fn advise_with_undocumented_flags_types_and_masks() {
        let (mut sim, mgr, sink) = world();
        let mut info = sim.advise_info(0, sink);
        info.callback_type = 1;
        info.ul_advise_types = 2;
        info.ul_state_mask = MASK;
        let at = next(&sim);
        sim.advise(mgr, 4, Some(&info), Out::Valid);
        tidy(&mut sim, mgr, sink, None);
        assert_eq!(
            findings(&sim),
            vec![
                (Rule::R2, Clause::Adv2, at),
                (Rule::R2, Clause::Adv6, at),
                (Rule::R2, Clause::Adv7, at),
                (Rule::R2, Clause::Adv8, at),
            ]
        );
    }

    #[test]
    fn advise_with_a_callback_that_is_not_a_notify_sink() {
        let (mut sim, mgr, sink) = world();
        let outer = sim
            .create_sink(SinkSpec {
                implements_notify: false,
                ..SinkSpec::new("outer")
            })
            .unwrap();
        let at_null = next(&sim);
        let info = sim.advise_info(0, Ptr::NULL);
        assert_eq!(
            sim.advise(mgr, 0, Some(&info), Out::Valid).hr,
            HResult::E_NOINTERFACE
        );
        let at_outer = next(&sim);
        let info = sim.advise_info(0, outer);
        assert_eq!(
            sim.advise(mgr, 0, Some(&info), Out::Valid).hr,
            HResult::E_NOINTERFACE
        );
        sim.release(outer);
        tidy(&mut sim, mgr, sink, None);
        let f = checked(sim.trace());
        assert_eq!(
            summary(&f),
            vec![
                (Rule::R2, Clause::Adv6, at_null),
                (Rule::R2, Clause::Adv6, at_outer)
            ]
        );
        assert!(f[1]
            .message
            .contains("(\"outer\"), which does not implement IMAPIOfflineNotify"));
    }

    #[test]
    fn the_callback_finding_says_what_advise_returned() {
        let (mut sim, mgr, sink) = world();
        let at = next(&sim);
        let mut info = sim.advise_info(0, Ptr::NULL);
        info.ul_size = 7;
        assert_eq!(
            sim.advise(mgr, 0, Some(&info), Out::Valid).hr,
            HResult::E_INVALIDARG
        );
        let at2 = next(&sim);
        let info = sim.advise_info(0, Ptr::NULL);
        assert_eq!(
            sim.advise(mgr, 0, Some(&info), Out::Valid).hr,
            HResult::E_NOINTERFACE
        );
        tidy(&mut sim, mgr, sink, None);
        let f = checked(sim.trace());
        let cb: Vec<&Finding> = f.iter().filter(|f| f.clause == Clause::Adv6).collect();
        assert_eq!(cb.len(), 2);
        assert_eq!(cb[0].event, at);
        assert!(
            cb[0]
                .message
                .ends_with("pCallback NULL: Advise returned E_INVALIDARG and registered nothing"),
            "{}",
            cb[0]
        );
        assert_eq!(cb[1].event, at2);
        assert!(
            cb[1]
                .message
                .ends_with("pCallback NULL: Advise returned E_NOINTERFACE and registered nothing"),
            "{}",
            cb[1]
        );
    }

    #[test]
    fn unadvise_with_flags() {
        let (mut sim, mgr, sink) = world();
        let token = sim.advise_sink(mgr, sink, 0).unwrap();
        let at = next(&sim);
        assert_eq!(sim.unadvise(mgr, 1, token), HResult::S_OK);
        tidy(&mut sim, mgr, sink, None);
        // The registration is removed all the same: no R3 finding.
        assert_eq!(findings(&sim), vec![(Rule::R2, Clause::Unadv1, at)]);
    }
}

mod r3 {
    use super::*;

    #[test]
    fn a_registration_left_at_shutdown() {
        let (mut sim, mgr, sink) = world();
        let advised = next(&sim);
        sim.advise_sink(mgr, sink, 0).unwrap();
        tidy(&mut sim, mgr, sink, None);
        let at = index_of_shutdown(&sim);
        let f = checked(sim.trace());
        assert_eq!(summary(&f), vec![(Rule::R3, Clause::Gen3, at)]);
        assert_eq!(
            f[0].to_string(),
            format!("R3 (GEN-3) at event #{at}, t=0: advise token 1 on 0x00A00000 (sink 0x00C00000, advised at event #{advised}) was never removed — call Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, 1) before shutdown")
        );
    }

    #[test]
    fn a_trace_without_shutdown_is_judged_at_its_end() {
        let (mut sim, mgr, sink) = world();
        let token = sim.advise_sink(mgr, sink, 0).unwrap();
        sim.set_state(mgr, OFF, false);
        sim.run_until_idle().unwrap();
        let last = next(&sim) - 1;
        let f = checked(sim.trace());
        // Token still registered, the manager still held; the sink's own creation
        // reference is not reported.
        assert_eq!(
            summary(&f),
            vec![
                (Rule::R3, Clause::Gen3, last),
                (Rule::R4, Clause::Open10, last)
            ]
        );
        assert!(f[0].message.contains("by the end of the trace"), "{}", f[0]);
        assert!(f[1].message.contains("by the end of the trace"), "{}", f[1]);
        assert!(f[0].message.contains(&format!("advise token {token}")));
    }

    #[test]
    fn unadvise_of_an_unknown_or_removed_token() {
        let (mut sim, mgr, sink) = world();
        let token = sim.advise_sink(mgr, sink, 0).unwrap();
        let unknown = next(&sim);
        sim.unadvise(mgr, 0, 99);
        sim.unadvise(mgr, 0, token);
        let again = next(&sim);
        sim.unadvise(mgr, 0, token);
        tidy(&mut sim, mgr, sink, None);
        let f = checked(sim.trace());
        assert_eq!(
            summary(&f),
            vec![
                (Rule::R3, Clause::Unadv2, unknown),
                (Rule::R3, Clause::Unadv2, again)
            ]
        );
        assert!(f[0].message.starts_with(
            "Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, 99) on 0x00A00000: advise token 99 is not registered"
        ));
    }

    #[test]
    fn unadvise_on_the_wrong_object() {
        let (mut sim, mgr, sink) = world();
        sim.add_profile(ProfileSpec::new("Work")).unwrap();
        let work = sim.open("Work").unwrap();
        let token = sim.advise_sink(mgr, sink, 0).unwrap();
        let at = next(&sim);
        sim.unadvise(work, 0, token);
        sim.release(work);
        tidy(&mut sim, mgr, sink, Some(token));
        let f = checked(sim.trace());
        assert_eq!(summary(&f), vec![(Rule::R3, Clause::Unadv2, at)]);
        assert!(f[0]
            .message
            .contains("registered on 0x00A00000, not on this object"));
    }
}

mod r4 {
    use super::*;

    #[test]
    fn unreleased_references_at_shutdown() {
        let (mut sim, mgr, sink) = world();
        let token = sim.advise_sink(mgr, sink, 0).unwrap();
        let offline = sim
            .query_interface(mgr, Some(IID_IMAPIOFFLINE), Out::Valid)
            .out
            .unwrap();
        assert_eq!(offline, mgr);
        sim.unadvise(mgr, 0, token);
        sim.release(sink);
        sim.shutdown().unwrap();
        let at = index_of_shutdown(&sim);
        let f = checked(sim.trace());
        assert_eq!(summary(&f), vec![(Rule::R4, Clause::Open10, at)]);
        assert!(f[0].message.starts_with("the client still holds 2 reference(s) on 0x00A00000 at shutdown (obtained 2: HrOpenOfflineObj at #"), "{}", f[0]);
        assert!(f[0]
            .fix
            .starts_with("call 0x00A00000->Release() 2 more time(s)"));
    }

    #[test]
    fn release_below_zero() {
        let (mut sim, mgr, sink) = world();
        sim.release(mgr);
        let at = next(&sim);
        sim.release(mgr);
        sim.release(sink);
        sim.shutdown().unwrap();
        let f = checked(sim.trace());
        assert_eq!(summary(&f), vec![(Rule::R4, Clause::Mgr3, at)]);
        assert!(f[0]
            .message
            .contains("already 0 (it obtained 1, released 1)"));
    }

    #[test]
    fn a_call_through_a_pointer_after_its_last_release() {
        let (mut sim, mgr, sink) = world();
        sim.release(mgr);
        let at = next(&sim);
        // The simulator flags it (ptr.use_after_release); the checker must too, from the
        // calls and releases alone.
        sim.get_current_state(mgr, Out::Valid);
        let at2 = next(&sim);
        sim.add_ref(mgr);
        sim.release(mgr);
        sim.release(sink);
        let at3 = next(&sim);
        sim.query_interface(sink, Some(IID_IUNKNOWN), Out::Valid);
        sim.shutdown().unwrap();
        let f = checked(sim.trace());
        assert_eq!(
            summary(&f),
            vec![
                (Rule::R4, Clause::Open10, at),
                (Rule::R4, Clause::Open10, at2),
                (Rule::R4, Clause::Mgr3, at3)
            ]
        );
        assert!(
            f[0].message.starts_with("GetCurrentState through 0x00A00000 after the client released its last reference (obtained 1, released 1)"),
            "{}",
            f[0]
        );
    }

    #[test]
    fn releasing_the_reference_outlook_holds_on_a_registered_sink() {
        let (mut sim, mgr, sink) = world();
        let token = sim.advise_sink(mgr, sink, 0).unwrap();
        sim.release(sink); // the client's own reference: fine, Outlook holds one
        let at = next(&sim);
        sim.release(sink); // Outlook's: the sink dies while registered
        sim.unadvise(mgr, 0, token);
        sim.release(mgr);
        sim.shutdown().unwrap();
        let f = checked(sim.trace());
        assert_eq!(summary(&f), vec![(Rule::R4, Clause::Mgr3, at)]);
        assert!(
            f[0].message
                .contains("releases the reference Outlook holds for advise token 1"),
            "{}",
            f[0]
        );
    }

    #[test]
    fn extra_references_on_a_sink_and_a_created_object() {
        let (mut sim, mgr, sink) = world();
        let child = sim
            .create_child("Outlook", MAPIOFFLINE_CAPABILITY_OFFLINE, STORE, mgr)
            .unwrap();
        assert_eq!(sim.add_ref(sink), 2);
        assert_eq!(sim.add_ref(sink), 3);
        tidy(&mut sim, mgr, sink, None);
        let at = index_of_shutdown(&sim);
        let f = checked(sim.trace());
        // Pointer order: offline objects (0x00A…) before client objects (0x00C…).
        assert_eq!(
            summary(&f),
            vec![(Rule::R4, Clause::Open10, at), (Rule::R4, Clause::Mgr3, at)]
        );
        assert!(f[0].message.contains(&format!(
            "on {child} at shutdown (obtained 1: HrCreateOfflineObj at #"
        )));
        // Created with 1, two AddRefs, one Release: one reference too many.
        assert!(
            f[1].message.starts_with(&format!(
                "the client still holds 1 reference(s) on client object {sink} (\"sink\") at shutdown, beyond the one it was created with (obtained 2: AddRef at #"
            )),
            "{}",
            f[1]
        );
        assert!(f[1].message.ends_with("; released 1)"), "{}", f[1]);
    }

    #[test]
    fn outlooks_own_calls_on_sinks_are_not_the_clients() {
        let (mut sim, mgr, sink) = world();
        let token = sim.advise_sink(mgr, sink, 0).unwrap(); // Outlook QIs the sink
        sim.unadvise(mgr, 0, token); // Outlook releases it
        let by_outlook = sim
            .trace()
            .events
            .iter()
            .filter(|e| {
                matches!(
                    e.kind,
                    EventKind::Call {
                        by: Caller::Outlook,
                        ..
                    }
                )
            })
            .count();
        assert_eq!(by_outlook, 2);
        tidy(&mut sim, mgr, sink, None);
        assert_eq!(findings(&sim), vec![]);
    }
}

mod r5 {
    use super::*;

    #[test]
    fn a_busy_retry_loop() {
        let (mut sim, mgr, sink) = world();
        let token = sim.advise_sink(mgr, sink, 0).unwrap();
        sim.set_state(mgr, OFF, false);
        let pending = next(&sim);
        assert_eq!(sim.set_state(mgr, ON, false), HResult::E_PENDING);
        let retry = next(&sim);
        assert_eq!(sim.set_state(mgr, ON, false), HResult::E_PENDING);
        sim.advance(1).unwrap();
        assert_eq!(sim.set_state(mgr, ON, false), HResult::E_PENDING);
        sim.run_until_idle().unwrap();
        assert_eq!(sim.set_state(mgr, ON, false), HResult::S_OK);
        sim.run_until_idle().unwrap();
        tidy(&mut sim, mgr, sink, Some(token));
        let f = checked(sim.trace());
        assert_eq!(summary(&f), vec![(Rule::R5, Clause::Set3, retry)]);
        assert_eq!(
            f[0].message,
            format!("SetCurrentState on 0x00A00000 got E_PENDING (event #{pending}), and the client called SetCurrentState on 0x00A00000 again 2 time(s) before transition #1 completed: a busy retry")
        );
    }

    #[test]
    fn a_retry_from_inside_notify() {
        let mut sim = Sim::default();
        let g = sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
        // On every phase it asks for the state the change is heading to anyway.
        let sink = sim
            .create_sink(SinkSpec::new("eager").reacting(Reaction {
                on: None,
                once: false,
                action: Action::SetCurrentState {
                    this: g,
                    flags: DEFAULT,
                    mask: MASK,
                    state: OFF,
                },
            }))
            .unwrap();
        let mgr = sim.open("Outlook").unwrap();
        sim.get_capabilities(mgr, Out::Valid);
        let token = sim.advise_sink(mgr, sink, 0).unwrap();
        sim.set_state(mgr, OFF, true);
        tidy(&mut sim, mgr, sink, Some(token));
        // The first call from Notify (START) gets E_PENDING; the ones from STATECHANGE and
        // DONE are premature: the change is in progress until DONE has returned.
        let calls: Vec<usize> = sim
            .trace()
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                e.depth > 0
                    && matches!(
                        &e.kind,
                        EventKind::Call {
                            by: Caller::Client,
                            call: Call::SetCurrentState { .. }
                        }
                    )
            })
            .map(|(i, _)| i)
            .collect();
        assert_eq!(calls.len(), 3);
        let f = checked(sim.trace());
        assert_eq!(summary(&f), vec![(Rule::R5, Clause::Set3, calls[1])]);
        assert!(f[0].message.contains("again 2 time(s)"), "{}", f[0]);
    }

    #[test]
    fn a_request_dropped_after_e_pending() {
        // What the README's demo does: ask for ONLINE during the change to OFFLINE, get
        // E_PENDING, and never ask again.
        let (mut sim, mgr, sink) = world();
        let token = sim.advise_sink(mgr, sink, 0).unwrap();
        sim.set_state(mgr, OFF, false);
        let pending = next(&sim);
        assert_eq!(sim.set_state(mgr, ON, false), HResult::E_PENDING);
        sim.run_until_idle().unwrap();
        sim.current_state(mgr).unwrap();
        tidy(&mut sim, mgr, sink, Some(token));
        let f = checked(sim.trace());
        assert_eq!(summary(&f), vec![(Rule::R5, Clause::Set3, pending)]);
        assert_eq!(
            f[0].message,
            "SetCurrentState(…, MAPIOFFLINE_STATE_ONLINE) on 0x00A00000 got E_PENDING while transition #1 was in progress, and the client never called SetCurrentState on 0x00A00000 again after it completed: 0x00A00000 is MAPIOFFLINE_STATE_OFFLINE at shutdown, not the state requested"
        );
    }

    #[test]
    fn a_child_in_its_parents_change_waits_for_that_change() {
        let (mut sim, mgr, sink) = world();
        let child = sim.create_child("Outlook", 3, STORE, mgr).unwrap();
        sim.set_state(mgr, OFF, false); // transition #1 takes the child along (CRE-7)
        assert_eq!(sim.set_state(child, OFF, false), HResult::E_PENDING);
        let retry = next(&sim);
        assert_eq!(sim.set_state(child, OFF, false), HResult::E_PENDING);
        sim.run_until_idle().unwrap();
        sim.release(child);
        tidy(&mut sim, mgr, sink, None);
        let f = checked(sim.trace());
        assert_eq!(summary(&f), vec![(Rule::R5, Clause::Set3, retry)]);
        assert!(
            f[0].message.contains("before transition #1 completed"),
            "{}",
            f[0]
        );
    }

    #[test]
    fn a_wait_cut_short_by_shutdown_is_not_a_lost_request() {
        let (mut sim, mgr, sink) = world();
        sim.set_state(mgr, OFF, false);
        assert_eq!(sim.set_state(mgr, ON, false), HResult::E_PENDING);
        tidy(&mut sim, mgr, sink, None);
        assert_eq!(findings(&sim), vec![]);
    }
}

mod r6 {
    use super::*;

    #[test]
    fn a_sink_that_does_not_validate_gets_an_unsupported_notification() {
        let mut sim = Sim::default();
        sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
        let sink = sim
            .create_sink(SinkSpec {
                validates_notify: false,
                ..SinkSpec::new("trusting")
            })
            .unwrap();
        let mgr = sim.open("Outlook").unwrap();
        sim.get_capabilities(mgr, Out::Valid);
        let token = sim.advise_sink(mgr, sink, 0).unwrap();
        // Supported notifications are fine even for a sink that does not check.
        sim.set_state(mgr, OFF, true);
        sim.inject_notify(mgr, 0x40, MASK, ON, OFF).unwrap();
        let notified = sim
            .trace()
            .events
            .iter()
            .rposition(|e| matches!(e.kind, EventKind::Notify { .. }))
            .unwrap();
        tidy(&mut sim, mgr, sink, Some(token));
        let f = checked(sim.trace());
        assert_eq!(summary(&f), vec![(Rule::R6, Clause::Ntf5, notified)]);
        assert!(f[0].message.starts_with("client object 0x00C00000 (\"trusting\") does not check NotifyType and ulMask in Notify, and received a notification with NotifyType 0x00000040"), "{}", f[0]);
    }

    #[test]
    fn an_unmasked_state_passed_back_to_set_current_state() {
        let (mut sim, mgr, sink) = world_with(Config {
            extra_state_bits: 0x100,
            ..Config::default()
        });
        let raw = sim.get_current_state(mgr, Out::Valid).out.unwrap();
        let at = next(&sim);
        assert_eq!(
            sim.set_current_state(mgr, BLOCK, MASK, raw, 0),
            HResult::E_INVALIDARG
        );
        tidy(&mut sim, mgr, sink, None);
        let f = checked(sim.trace());
        assert_eq!(
            summary(&f),
            vec![(Rule::R2, Clause::Set6, at), (Rule::R6, Clause::Cur2, at)]
        );
        assert!(f[0]
            .fix
            .contains("pass MAPIOFFLINE_STATE_ONLINE (mask the value"));
        assert!(f[1]
            .message
            .contains("ulState 0x00000102, the unmasked value GetCurrentState returned"));
    }
}

mod r7 {
    use super::*;

    #[test]
    fn placeholder_and_beyond_the_vtable() {
        let (mut sim, mgr, sink) = world();
        let placeholder = next(&sim);
        assert_eq!(sim.call_slot(mgr, 6), HResult::E_NOTIMPL);
        // A named method called by slot is refused with E_INVALIDARG: not R7.
        assert_eq!(sim.call_slot(mgr, 3), HResult::E_INVALIDARG);
        let mgr_placeholder = next(&sim);
        assert_eq!(sim.call_slot(mgr, 12), HResult::E_NOTIMPL);
        let beyond = next(&sim);
        assert_eq!(sim.call_slot(mgr, 40), HResult::E_NOTIMPL);
        tidy(&mut sim, mgr, sink, None);
        let f = checked(sim.trace());
        assert_eq!(
            summary(&f),
            vec![
                (Rule::R7, Clause::Off3, placeholder),
                (Rule::R7, Clause::Off3, mgr_placeholder),
                (Rule::R7, Clause::Off3, beyond),
            ]
        );
        assert!(f[0]
            .message
            .contains("slot 6 is the IMAPIOffline placeholder"));
        assert!(f[1].message.contains("IMAPIOfflineMgr placeholder 4"));
        assert!(f[2].message.contains("beyond IMAPIOfflineMgr's 16 slots"));
    }
}

/// One session that breaks every rule once.
fn every_rule_session() -> Sim {
    let mut sim = Sim::new(Config {
        extra_state_bits: 0x100,
        ..Config::default()
    });
    sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
    let sloppy = sim
        .create_sink(SinkSpec {
            validates_notify: false,
            ..SinkSpec::new("sloppy")
        })
        .unwrap();
    let mgr = sim.open("Outlook").unwrap();
    let token = sim.advise_sink(mgr, sloppy, 0).unwrap(); // R1
    sim.set_current_state(mgr, DEFAULT, MAPIOFFLINE_STATE_ALL, OFF, 0); // R2
    sim.unadvise(mgr, 0, token + 1); // R3
    sim.set_state(mgr, OFF, false);
    sim.set_state(mgr, OFF, false); // E_PENDING
    sim.set_state(mgr, OFF, false); // R5: busy retry
    sim.run_until_idle().unwrap();
    sim.inject_notify(mgr, 9, MASK, OFF, ON).unwrap(); // R6
    let raw = sim.get_current_state(mgr, Out::Valid).out.unwrap();
    sim.set_current_state(mgr, DEFAULT, MASK, raw, 0); // R2 + R6
    sim.call_slot(mgr, 6); // R7
    sim.add_ref(mgr);
    sim.shutdown().unwrap(); // R3 (token left), R4 (two references on mgr)
    sim
}

#[test]
fn every_rule_can_be_produced() {
    let sim = every_rule_session();
    let f = checked(sim.trace());
    let rules: BTreeSet<Rule> = f.iter().map(|f| f.rule).collect();
    let all: BTreeSet<Rule> = RULES.iter().map(|r| r.rule).collect();
    assert_eq!(rules, all, "{f:#?}");
    for line in &f {
        println!("{line}");
    }
}

#[test]
fn findings_survive_the_json_round_trip_of_the_trace() {
    for sim in [
        every_rule_session(),
        sample_addin_session(Config::default()),
    ] {
        let json = serde_json::to_string(sim.trace()).unwrap();
        let back: Trace = serde_json::from_str(&json).unwrap();
        assert_eq!(check(sim.trace()), check(&back));
    }
}

#[test]
fn findings_serialise_and_deserialise() {
    let f = check(every_rule_session().trace());
    let json = serde_json::to_string(&f).unwrap();
    assert!(
        json.contains("\"rule\":\"R1\",\"clause\":\"GEN-3\""),
        "{json}"
    );
    let back: Vec<Finding> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, f);
}

#[test]
fn the_checker_does_not_read_the_simulators_diagnostics() {
    let sim = every_rule_session();
    let trace = sim.trace();
    let mut stripped = trace.clone();
    let mut map = Vec::new(); // old index -> new index
    stripped.events.clear();
    for e in &trace.events {
        map.push(stripped.events.len());
        if !matches!(e.kind, EventKind::Diagnostic(_)) {
            stripped.events.push(e.clone());
        }
    }
    let key = |f: &Finding, remap: bool| {
        let event = if remap { map[f.event] } else { f.event };
        (f.rule, f.clause, event)
    };
    let with: Vec<_> = check(trace).iter().map(|f| key(f, true)).collect();
    let without: Vec<_> = checked(&stripped).iter().map(|f| key(f, false)).collect();
    assert_eq!(with, without);
    assert!(!with.is_empty());
}

// ------------------------------------------------------------------------ property test

/// Random raw calls; every `u8` picks a pointer from the pool (modulo its size).
#[derive(Clone, Debug)]
enum Op {
    Open(u8),
    Qi(u8, u8),
    AddRef(u8),
    Release(u8),
    Caps(u8),
    GetState(u8),
    /// SetCurrentState with the raw value the last GetCurrentState returned.
    SetLastRead(u8),
    Set {
        target: u8,
        flags: u8,
        mask: u8,
        state: u8,
        reserved: bool,
    },
    Slot(u8, u8),
    Advise {
        target: u8,
        sink: u8,
        variant: u8,
    },
    Unadvise {
        target: u8,
        token: u32,
        bad_flags: bool,
    },
    Advance(u8),
    RunIdle,
    Inject {
        target: u8,
        kind: u8,
    },
    Network(bool),
    Server(u8, bool),
    CreateChild(u8),
    Shutdown,
}

#[derive(Clone, Debug)]
struct SinkGen {
    implements_notify: bool,
    validates: bool,
    reaction: Option<(Option<u32>, bool, u8, u8)>,
}

#[derive(Clone, Debug)]
struct WorldGen {
    x86: bool,
    literal: bool,
    extra_bits: bool,
    caps: Vec<u32>,
    sinks: Vec<SinkGen>,
}

fn op_strategy() -> impl Strategy<Value = Op> {
    let t = any::<u8>;
    prop_oneof![
        2 => t().prop_map(Op::Open),
        2 => (t(), t()).prop_map(|(a, b)| Op::Qi(a, b)),
        1 => t().prop_map(Op::AddRef),
        2 => t().prop_map(Op::Release),
        2 => t().prop_map(Op::Caps),
        1 => t().prop_map(Op::GetState),
        1 => t().prop_map(Op::SetLastRead),
        4 => (t(), t(), t(), t(), prop::bool::weighted(0.1)).prop_map(|(target, flags, mask, state, reserved)| Op::Set { target, flags, mask, state, reserved }),
        1 => (t(), t()).prop_map(|(a, b)| Op::Slot(a, b)),
        5 => (t(), t(), t()).prop_map(|(target, sink, variant)| Op::Advise { target, sink, variant }),
        2 => (t(), 0u32..6, prop::bool::weighted(0.1)).prop_map(|(target, token, bad_flags)| Op::Unadvise { target, token, bad_flags }),
        2 => (1u8..4).prop_map(Op::Advance),
        2 => Just(Op::RunIdle),
        2 => (t(), t()).prop_map(|(target, kind)| Op::Inject { target, kind }),
        1 => any::<bool>().prop_map(Op::Network),
        1 => (t(), any::<bool>()).prop_map(|(p, up)| Op::Server(p, up)),
        1 => t().prop_map(Op::CreateChild),
        1 => Just(Op::Shutdown),
    ]
}

fn world_strategy() -> impl Strategy<Value = WorldGen> {
    let caps = prop::sample::select(vec![0u32, 1, 2, 3, 0x103, 0x100]);
    let reaction = prop::option::weighted(
        0.4,
        (
            prop::option::of(1u32..=3),
            any::<bool>(),
            0u8..5,
            any::<u8>(),
        ),
    );
    let sink = (prop::bool::weighted(0.9), any::<bool>(), reaction).prop_map(
        |(implements_notify, validates, reaction)| SinkGen {
            implements_notify,
            validates,
            reaction,
        },
    );
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(caps, 1..=2),
        prop::collection::vec(sink, 1..=3),
    )
        .prop_map(|(x86, literal, extra_bits, caps, sinks)| WorldGen {
            x86,
            literal,
            extra_bits,
            caps,
            sinks,
        })
}

const NAMES: [&str; 2] = ["Outlook", "Work"];

fn run(w: &WorldGen, ops: &[Op]) -> Sim {
    let mut sim = Sim::new(Config {
        arch: if w.x86 { Arch::X86 } else { Arch::X64 },
        set4: if w.literal {
            Set4Reading::Literal
        } else {
            Set4Reading::Documented
        },
        extra_state_bits: if w.extra_bits { 0x100 } else { 0 },
        max_idle_steps: 40,
        ..Config::default()
    });
    let mut globals = Vec::new();
    for (i, caps) in w.caps.iter().enumerate() {
        let spec = ProfileSpec {
            capabilities: *caps,
            ..ProfileSpec::new(NAMES[i])
        };
        globals.push(sim.add_profile(spec).unwrap());
    }
    let mut sinks = Vec::new();
    for (i, s) in w.sinks.iter().enumerate() {
        let mut spec = SinkSpec {
            implements_notify: s.implements_notify,
            validates_notify: s.validates,
            ..SinkSpec::new(format!("sink{i}"))
        };
        if let Some((on, once, kind, pick)) = s.reaction {
            let g = globals[pick as usize % globals.len()];
            let action = match kind {
                0 => Action::SetCurrentState {
                    this: g,
                    flags: if pick % 2 == 0 { DEFAULT } else { BLOCK },
                    mask: MASK,
                    state: if pick % 3 == 0 { ON } else { OFF },
                },
                1 => Action::Unadvise {
                    mgr: g,
                    token: None,
                },
                2 => Action::Release {
                    this: Ptr(0x00C0_0000 + 0x10 * i as u32),
                },
                3 => Action::GetCurrentState { this: g },
                _ => Action::Release { this: g },
            };
            spec = spec.reacting(Reaction {
                on,
                once: once || kind == 4,
                action,
            });
        }
        sinks.push(sim.create_sink(spec).unwrap());
    }
    let mut children: Vec<Ptr> = Vec::new();
    let mut last_read = ON;
    // Three picks in four name an offline object; the rest any pointer, garbage included.
    let pick = |children: &Vec<Ptr>, i: u8| -> Ptr {
        let offline = globals.iter().chain(children.iter()).copied();
        let pool: Vec<Ptr> = if i % 4 != 3 {
            offline.collect()
        } else {
            offline
                .chain(sinks.iter().copied())
                .chain([Ptr(0x0BAD_F000)])
                .collect()
        };
        pool[usize::from(i / 4) % pool.len()]
    };
    // Sinks for pCallback: mostly a sink, sometimes NULL or another pointer.
    let callback = |children: &Vec<Ptr>, i: u8| -> Ptr {
        match i % 8 {
            6 => Ptr::NULL,
            7 => pick(children, i / 8),
            _ => sinks[usize::from(i / 8) % sinks.len()],
        }
    };
    for op in ops {
        match *op {
            Op::Open(p) => {
                let _ = sim.open(NAMES[p as usize % globals.len()]);
            }
            Op::Qi(t, iid) => {
                let iid = [
                    IID_IMAPIOFFLINE,
                    IID_IUNKNOWN,
                    IID_IMAPIOFFLINENOTIFY,
                    STORE,
                ][iid as usize % 4];
                sim.query_interface(pick(&children, t), Some(iid), Out::Valid);
            }
            Op::AddRef(t) => {
                sim.add_ref(pick(&children, t));
            }
            Op::Release(t) => {
                sim.release(pick(&children, t));
            }
            Op::Caps(t) => {
                sim.get_capabilities(pick(&children, t), Out::Valid);
            }
            Op::GetState(t) => {
                if let Some(v) = sim.get_current_state(pick(&children, t), Out::Valid).out {
                    last_read = v;
                }
            }
            Op::SetLastRead(t) => {
                sim.set_current_state(pick(&children, t), DEFAULT, MASK, last_read, 0);
            }
            Op::Set {
                target,
                flags,
                mask,
                state,
                reserved,
            } => {
                let flags = [DEFAULT, DEFAULT, BLOCK, BLOCK, 7][flags as usize % 5];
                let mask = [MASK, MASK, MASK, MAPIOFFLINE_STATE_ALL][mask as usize % 4];
                let state = [ON, OFF, ON, OFF, 0x102, 0][state as usize % 6];
                sim.set_current_state(
                    pick(&children, target),
                    flags,
                    mask,
                    state,
                    if reserved { 0xBEEF } else { 0 },
                );
            }
            Op::Slot(t, s) => {
                sim.call_slot(pick(&children, t), [3, 6, 9, 15, 16, 40][s as usize % 6]);
            }
            Op::Advise {
                target,
                sink,
                variant,
            } => {
                let cb = callback(&children, sink);
                let mut info = sim.advise_info(u32::from(sink), cb);
                let mut flags = 0;
                match variant % 12 {
                    0 => info.ul_size = 24 + 32 - info.ul_size,
                    1 => flags = 1,
                    2 => info.callback_type = 3,
                    3 => info.ul_advise_types = 0,
                    4 => info.ul_state_mask = MASK,
                    _ => {}
                }
                sim.advise(pick(&children, target), flags, Some(&info), Out::Valid);
            }
            Op::Unadvise {
                target,
                token,
                bad_flags,
            } => {
                sim.unadvise(pick(&children, target), u32::from(bad_flags), token);
            }
            Op::Advance(n) => {
                let _ = sim.advance(u64::from(n));
            }
            Op::RunIdle => {
                let _ = sim.run_until_idle();
            }
            Op::Inject { target, kind } => {
                let (ty, mask) = [(0x40, MASK), (1, 0xF0), (2, MASK)][kind as usize % 3];
                let _ = sim.inject_notify(pick(&children, target), ty, mask, ON, OFF);
            }
            Op::Network(up) => {
                let _ = if up {
                    sim.network_up()
                } else {
                    sim.network_down()
                };
            }
            Op::Server(p, up) => {
                let name = NAMES[p as usize % globals.len()];
                let _ = if up {
                    sim.server_up(name)
                } else {
                    sim.server_down(name)
                };
            }
            Op::CreateChild(p) => {
                if children.len() < 3 {
                    let parents: Vec<Ptr> =
                        globals.iter().chain(children.iter()).copied().collect();
                    let parent = parents[p as usize % parents.len()];
                    let profile = NAMES[globals.iter().position(|g| *g == parent).unwrap_or(0)];
                    if let Ok(c) = sim.create_child(profile, u32::from(p % 4), STORE, parent) {
                        children.push(c);
                    }
                }
            }
            Op::Shutdown => {
                let _ = sim.shutdown();
            }
        }
    }
    sim
}

/// The event a simulator diagnostic is about: the innermost open client call, the last
/// notification (`notify.*`) or the last shutdown (`shutdown.*`).
fn owners(trace: &Trace) -> Vec<(usize, String, Option<Rule>)> {
    let mut out = Vec::new();
    // The calls in progress are trace::walk's reading of the nesting.
    let mut walk = mapioffline::trace::walk::Walker::default();
    let mut last_notify = None;
    let mut last_shutdown = None;
    for (i, e) in trace.events.iter().enumerate() {
        walk.step(e);
        match &e.kind {
            EventKind::Notify { .. } => last_notify = Some(i),
            EventKind::Shutdown(_) => last_shutdown = Some(i),
            EventKind::Diagnostic(d) => {
                let owner = if d.code.starts_with("shutdown.") {
                    last_shutdown
                } else if d.code.starts_with("notify.") {
                    last_notify
                } else {
                    // The innermost open call, if the client made it.
                    walk.call()
                        .filter(|f| {
                            matches!(
                                f.kind,
                                mapioffline::trace::walk::FrameKind::Call {
                                    by: Caller::Client,
                                    ..
                                }
                            )
                        })
                        .map(|f| f.event)
                };
                if let Some(o) = owner {
                    out.push((o, d.code.clone(), d.rule));
                }
            }
            _ => {}
        }
    }
    out
}

/// Simulator codes whose rule the checker must report on the same event.
const MIRRORED: &[&str] = &[
    "advise.caps_unchecked",
    "advise.no_capability",
    "set.flags",
    "set.mask",
    "set.state",
    "set.reserved",
    "advise.flags",
    "advise.size",
    "advise.callback_type",
    "advise.advise_types",
    "advise.state_mask",
    "unadvise.flags",
    "unadvise.unknown_token",
    "shutdown.registration",
    "release.below_zero",
    "shutdown.reference",
    "notify.misread",
    "slot.placeholder",
    "slot.beyond_vtable",
    "ptr.use_after_release",
    "ptr.dangling",
];

fn cross_check(sim: &Sim) -> Result<(), TestCaseError> {
    let trace = sim.trace();
    let findings = checked(trace);
    let diags = owners(trace);
    // Simulator → checker.
    for (event, code, rule) in &diags {
        if MIRRORED.contains(&code.as_str()) {
            let rule = rule.expect("mirrored codes carry a rule");
            prop_assert!(
                findings.iter().any(|f| f.event == *event && f.rule == rule),
                "simulator {code} ({rule}) at #{event} has no finding: {findings:#?}\n{}",
                trace.to_text()
            );
        }
    }
    // Shutdown leaks: the same number of each.
    let count = |code: &str| diags.iter().filter(|d| d.1 == code).count();
    let count_f = |rule: Rule, clause: Clause| {
        findings
            .iter()
            .filter(|f| {
                f.rule == rule
                    && f.clause == clause
                    && matches!(trace.events[f.event].kind, EventKind::Shutdown(_))
            })
            .count()
    };
    prop_assert_eq!(
        count("shutdown.registration"),
        count_f(Rule::R3, Clause::Gen3)
    );
    prop_assert_eq!(
        count("shutdown.reference"),
        count_f(Rule::R4, Clause::Open10)
    );
    // Checker → simulator, where the simulator judges the same thing.
    let offline = |p: Ptr| (0x00A0_0000..0x00C0_0000).contains(&p.0);
    for f in &findings {
        if f.rule == Rule::R5 {
            let is_set = matches!(
                &trace.events[f.event].kind,
                EventKind::Call {
                    by: Caller::Client,
                    call: Call::SetCurrentState { .. }
                }
            );
            prop_assert!(is_set, "R5 not on a client SetCurrentState: {}", f);
        }
        let codes: &[&str] = match (f.rule, f.clause) {
            (Rule::R1, _) => &["advise.caps_unchecked", "advise.no_capability"],
            (Rule::R3, Clause::Unadv2) => &["unadvise.unknown_token"],
            (Rule::R6, Clause::Ntf5) => &["notify.misread"],
            (Rule::R7, _) => &["slot.placeholder", "slot.beyond_vtable"],
            (Rule::R4, Clause::Mgr3) => match &trace.events[f.event].kind {
                EventKind::Call {
                    call: Call::Release { this },
                    ..
                } if offline(*this) => &["release.below_zero", "ptr.after_shutdown"],
                _ => &[],
            },
            _ => &[],
        };
        if !codes.is_empty() {
            prop_assert!(
                diags
                    .iter()
                    .any(|(e, c, _)| *e == f.event && codes.contains(&c.as_str())),
                "finding without a simulator diagnostic: {f}\n{}",
                trace.to_text()
            );
        }
    }
    // The JSON round trip changes nothing.
    let back: Trace = serde_json::from_str(&serde_json::to_string(trace).unwrap()).unwrap();
    prop_assert_eq!(check(&back), findings);
    Ok(())
}

/// MAPIOFFLINE_PROPTEST_CASES, else proptest's PROPTEST_CASES, else 2,000 (as in
/// `properties/main.rs`, with a smaller default: each case is cheap but there are many).
fn cases() -> u32 {
    match std::env::var("MAPIOFFLINE_PROPTEST_CASES") {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("MAPIOFFLINE_PROPTEST_CASES={v:?} is not a number")),
        Err(_) if std::env::var_os("PROPTEST_CASES").is_some() => ProptestConfig::default().cases,
        Err(_) => 2_000,
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn the_checker_agrees_with_the_simulators_rule_diagnostics(
        world in world_strategy(),
        ops in prop::collection::vec(op_strategy(), 0..40),
    ) {
        let sim = run(&world, &ops);
        cross_check(&sim)?;
    }
}
