//! Unit tests per clause group of the contract (docs/contract.md).
//! Each test names the clauses it pins down and asserts exact HRESULTs, out-values and
//! notification sequences.

use mapioffline::consts::*;
use mapioffline::trace::{Caller, EventKind, Func, Severity};
use mapioffline::*;

const ON: u32 = MAPIOFFLINE_STATE_ONLINE;
const OFF: u32 = MAPIOFFLINE_STATE_OFFLINE;
const MASK: u32 = MAPIOFFLINE_STATE_OFFLINE_MASK;
const BLOCK: u32 = MAPIOFFLINE_FLAG_BLOCK;
const DEFAULT: u32 = MAPIOFFLINE_FLAG_DEFAULT;

/// A world with profile "Outlook", an opened manager whose capabilities were checked,
/// and one advised sink (client token 7).
fn world_with(config: Config) -> (Sim, Ptr, Ptr, u32) {
    let mut sim = Sim::new(config);
    sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
    let sink = sim.create_sink(SinkSpec::new("sink")).unwrap();
    let mgr = sim.open("Outlook").unwrap();
    assert_eq!(sim.get_capabilities(mgr, Out::Valid).hr, HResult::S_OK);
    let token = sim.advise_sink(mgr, sink, 7).unwrap();
    (sim, mgr, sink, token)
}

fn world() -> (Sim, Ptr, Ptr, u32) {
    world_with(Config::default())
}

/// Notifications delivered, as (advise token, NotifyType, ulClientToken, old, new).
fn notes(sim: &Sim) -> Vec<(u32, u32, u32, u32, u32)> {
    sim.trace()
        .notifications()
        .map(|(t, i)| {
            (
                t,
                i.notify_type,
                i.ul_client_token,
                i.ul_state_old,
                i.ul_state_new,
            )
        })
        .collect()
}

fn codes(sim: &Sim) -> Vec<String> {
    sim.trace().diagnostics().map(|d| d.code.clone()).collect()
}

fn has(sim: &Sim, code: &str, clause: Clause) -> bool {
    sim.trace()
        .diagnostics()
        .any(|d| d.code == code && d.clause == Some(clause))
}

fn errors(sim: &Sim) -> Vec<String> {
    sim.trace()
        .diagnostics()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| format!("{}: {}", d.code, d.message))
        .collect()
}

fn full_change(tok: u32, ct: u32, old: u32, new: u32) -> Vec<(u32, u32, u32, u32, u32)> {
    (1..=3).map(|ty| (tok, ty, ct, old, new)).collect()
}

mod gen {
    use super::*;

    #[test]
    fn gen1_one_global_object_per_profile() {
        let mut sim = Sim::default();
        let a = sim.add_profile(ProfileSpec::new("A")).unwrap();
        let b = sim.add_profile(ProfileSpec::new("B")).unwrap();
        assert_ne!(a, b);
        assert_eq!(sim.open("A"), Ok(a));
        assert_eq!(sim.open("A"), Ok(a));
        assert_eq!(sim.open("B"), Ok(b));
        assert!(matches!(
            sim.add_profile(ProfileSpec::new("A")),
            Err(SimError::DuplicateProfile(_))
        ));
    }

    #[test]
    fn gen2_notify_is_the_only_callback() {
        let (mut sim, mgr, _sink, token) = world();
        sim.set_state(mgr, OFF, true);
        sim.unadvise(mgr, 0, token);
        // Outlook calls into client objects only to QueryInterface for the notify
        // interface, to Release it, and to Notify.
        for e in &sim.trace().events {
            if let EventKind::Call {
                by: Caller::Outlook,
                call,
            } = &e.kind
            {
                assert!(
                    matches!(call.func(), Func::QueryInterface | Func::Release),
                    "{call:?}"
                );
            }
        }
        assert_eq!(notes(&sim).len(), 3);
    }

    #[test]
    fn gen3_the_documented_workflow_breaks_no_rule() {
        let (mut sim, mgr, sink, token) = world();
        sim.set_state(mgr, OFF, false);
        sim.run_until_idle().unwrap();
        assert_eq!(
            sim.unadvise(mgr, MAPIOFFLINE_UNADVISE_DEFAULT, token),
            HResult::S_OK
        );
        assert_eq!(sim.release(mgr), 0);
        assert_eq!(sim.release(sink), 0);
        let report = sim.shutdown().unwrap();
        assert!(report.registrations.is_empty() && report.references.is_empty());
        assert!(errors(&sim).is_empty(), "{:?}", errors(&sim));
    }

    #[test]
    fn gen4_other_notifications_are_ignored_by_a_careful_sink() {
        let (mut sim, mgr, _sink, _token) = world();
        sim.inject_notify(mgr, 0x40, MASK, ON, OFF).unwrap();
        assert!(has(&sim, "notify.ignored", Clause::Ntf6));
        assert!(errors(&sim).is_empty());
        assert_eq!(
            sim.state_of(mgr),
            Some(ON),
            "an injected notification changes nothing"
        );
    }

    #[test]
    fn gen5_network_loss_takes_every_profile_offline_with_notifications() {
        let (mut sim, mgr, _sink, token) = world();
        let other = sim.add_profile(ProfileSpec::new("Other")).unwrap();
        sim.network_down().unwrap();
        sim.run_until_idle().unwrap();
        assert_eq!(sim.state_of(mgr), Some(OFF));
        assert_eq!(sim.state_of(other), Some(OFF));
        assert_eq!(notes(&sim), full_change(token, 7, ON, OFF));
        let causes: Vec<_> = sim
            .trace()
            .events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::TransitionStarted { cause, .. } => Some(cause),
                _ => None,
            })
            .collect();
        assert_eq!(
            causes,
            vec![trace::Cause::NetworkDown, trace::Cause::NetworkDown]
        );
    }

    #[test]
    fn gen5_server_failure_affects_only_its_profile() {
        let (mut sim, mgr, _sink, _token) = world();
        let other = sim.add_profile(ProfileSpec::new("Other")).unwrap();
        sim.server_down("Outlook").unwrap();
        sim.run_until_idle().unwrap();
        assert_eq!(sim.state_of(mgr), Some(OFF));
        assert_eq!(sim.state_of(other), Some(ON));
        assert_eq!(
            sim.server_down("Outlok"),
            Err(SimError::UnknownProfile {
                name: "Outlok".into(),
                suggestion: Some("Outlook".into())
            })
        );
    }

    #[test]
    fn gen5_a_profile_created_without_connectivity_starts_offline() {
        let mut sim = Sim::new(Config {
            network_up: false,
            ..Config::default()
        });
        let g = sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
        assert_eq!(sim.state_of(g), Some(OFF));
        assert!(has(&sim, "env.start_offline", Clause::Gen5));
        sim.network_up().unwrap();
        sim.run_until_idle().unwrap();
        assert_eq!(sim.state_of(g), Some(ON));
    }
}

mod open {
    use super::*;

    fn sim() -> Sim {
        let mut sim = Sim::default();
        sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
        sim.add_profile(ProfileSpec {
            caller_inside_outlook: false,
            ..ProfileSpec::new("Outside")
        })
        .unwrap();
        sim
    }

    fn fails(sim: &mut Sim, r: Ret<Ptr>, code: &str, clause: Clause) {
        assert_eq!(r.hr, HResult::MAPI_E_NOT_FOUND);
        assert_eq!(r.out, None);
        assert!(has(sim, code, clause), "{code}: {:?}", codes(sim));
        assert!(has(sim, "open.not_found", Clause::Open11));
    }

    #[test]
    fn open1_export_name_is_stdcall_decorated() {
        assert_eq!(HR_OPEN_OFFLINE_OBJ_DLL, "msmapi32.dll");
        // Five parameters of 4 bytes each on 32-bit stdcall.
        assert_eq!(
            HR_OPEN_OFFLINE_OBJ_EXPORT,
            format!("HrOpenOfflineObj@{}", 5 * 4)
        );
    }

    #[test]
    fn open2_reserved_must_be_zero() {
        let mut s = sim();
        let r = s.hr_open_offline_obj(
            1,
            Some("Outlook"),
            Some(GUID_GLOBAL_STATE),
            None,
            Out::Valid,
        );
        fails(&mut s, r, "open.reserved_nonzero", Clause::Open2);
    }

    #[test]
    fn open3_profile_name_null_or_unknown() {
        let mut s = sim();
        let r = s.hr_open_offline_obj(0, None, Some(GUID_GLOBAL_STATE), None, Out::Valid);
        fails(&mut s, r, "open.profile_null", Clause::Open3);
        let mut s = sim();
        let r = s.hr_open_offline_obj(0, Some("Outlok"), Some(GUID_GLOBAL_STATE), None, Out::Valid);
        fails(&mut s, r, "open.profile_unknown", Clause::Open3);
        let msg = s
            .trace()
            .diagnostics()
            .find(|d| d.code == "open.profile_unknown")
            .unwrap();
        assert!(
            msg.message.contains("did you mean L\"Outlook\""),
            "{}",
            msg.message
        );
    }

    #[test]
    fn open3_unicode_profile_names_work() {
        let mut s = Sim::default();
        let g = s.add_profile(ProfileSpec::new("Büro — 東京")).unwrap();
        assert_eq!(s.open("Büro — 東京"), Ok(g));
    }

    #[test]
    fn open4_guid_must_be_global_state() {
        let mut s = sim();
        let r = s.hr_open_offline_obj(0, Some("Outlook"), None, None, Out::Valid);
        fails(&mut s, r, "open.guid_null", Clause::Open4);
        let mut s = sim();
        let r = s.hr_open_offline_obj(0, Some("Outlook"), Some(IID_IMAPIOFFLINE), None, Out::Valid);
        fails(&mut s, r, "open.guid_wrong", Clause::Open4);
    }

    #[test]
    fn open5_reserved_guid_must_be_null() {
        let mut s = sim();
        let r = s.hr_open_offline_obj(
            0,
            Some("Outlook"),
            Some(GUID_GLOBAL_STATE),
            Some(GUID_GLOBAL_STATE),
            Out::Valid,
        );
        fails(&mut s, r, "open.preserved_nonnull", Clause::Open5);
    }

    #[test]
    fn open6_success_gives_a_manager() {
        let mut s = sim();
        let r = s.hr_open_offline_obj(
            0,
            Some("Outlook"),
            Some(GUID_GLOBAL_STATE),
            None,
            Out::Valid,
        );
        assert_eq!(r.hr, HResult::S_OK);
        let mgr = r.out.unwrap();
        assert_eq!(Some(mgr), s.global_object("Outlook"));
        let q = s.query_interface(mgr, Some(IID_IMAPIOFFLINEMGR), Out::Valid);
        assert_eq!((q.hr, q.out), (HResult::S_OK, Some(mgr)));
    }

    #[test]
    fn open7_failure_is_only_ever_not_found_and_all_failures_are_named() {
        let mut s = sim();
        let r = s.hr_open_offline_obj(
            3,
            Some("Nope"),
            Some(IID_IUNKNOWN),
            Some(IID_IUNKNOWN),
            Out::Null,
        );
        assert_eq!(r.hr, HResult::MAPI_E_NOT_FOUND);
        for code in [
            "open.reserved_nonzero",
            "open.profile_unknown",
            "open.guid_wrong",
            "open.preserved_nonnull",
            "open.out_null",
        ] {
            assert!(codes(&s).iter().any(|c| c == code), "{code} missing");
        }
    }

    #[test]
    fn open8_callers_outside_outlook_are_refused() {
        let mut s = sim();
        let r = s.hr_open_offline_obj(
            0,
            Some("Outside"),
            Some(GUID_GLOBAL_STATE),
            None,
            Out::Valid,
        );
        fails(&mut s, r, "open.outside_outlook", Clause::Open8);
    }

    #[test]
    fn open9_methods_need_a_pointer_from_the_open() {
        let mut s = sim();
        // A made-up pointer: the client skipped HrOpenOfflineObj.
        let hr = s.set_current_state(Ptr(0x1234_0000), DEFAULT, MASK, OFF, 0);
        assert_eq!(hr, HResult::E_INVALIDARG);
        assert!(codes(&s).contains(&"ptr.invalid".to_string()));
        assert_eq!(
            s.get_current_state(Ptr::NULL, Out::Valid).hr,
            HResult::E_INVALIDARG
        );
        assert!(codes(&s).contains(&"ptr.null_this".to_string()));
    }

    #[test]
    fn open10_reopening_shares_the_object_and_adds_a_reference() {
        let mut s = sim();
        let a = s.open("Outlook").unwrap();
        let b = s.open("Outlook").unwrap();
        assert_eq!(a, b);
        assert_eq!(s.refcount(a), Some(2));
        assert!(has(&s, "open.same_object", Clause::Open10));
        assert_eq!(s.release(a), 1);
        assert_eq!(s.release(b), 0);
    }

    #[test]
    fn open11_null_out_pointer_is_not_found() {
        let mut s = sim();
        let r = s.hr_open_offline_obj(0, Some("Outlook"), Some(GUID_GLOBAL_STATE), None, Out::Null);
        fails(&mut s, r, "open.out_null", Clause::Open11);
        assert_eq!(s.refcount(s.global_object("Outlook").unwrap()), Some(0));
    }
}

mod off {
    use super::*;

    #[test]
    fn off1_imapioffline_comes_from_queryinterface() {
        let (mut sim, mgr, _, _) = world();
        let r = sim.query_interface(mgr, Some(IID_IMAPIOFFLINE), Out::Valid);
        assert_eq!(r.hr, HResult::S_OK);
        let off = r.out.unwrap();
        assert!(has(&sim, "qi.imapioffline", Clause::Off1));
        assert_eq!(sim.refcount(mgr), Some(2));
        assert_eq!(sim.current_state(off), Ok(ON));
    }

    #[test]
    fn off2_vtable_order() {
        let (mut sim, mgr, _, _) = world();
        // Slots 3..5 are the named IMAPIOffline methods; calling them argument-less is refused.
        for slot in [0, 1, 2, 3, 4, 5, 7, 8] {
            assert_eq!(
                sim.call_slot(mgr, slot),
                HResult::E_INVALIDARG,
                "slot {slot}"
            );
        }
        let named = sim
            .trace()
            .diagnostics()
            .filter(|d| d.code == "slot.named_method")
            .map(|d| d.message.clone())
            .collect::<Vec<_>>();
        assert!(named[3].contains("SetCurrentState"));
        assert!(named[4].contains("GetCapabilities"));
        assert!(named[5].contains("GetCurrentState"));
        assert!(named[6].contains("Advise"));
        assert!(named[7].contains("Unadvise"));
    }

    #[test]
    fn off3_placeholder_is_e_notimpl_and_a_violation() {
        let (mut sim, mgr, _, _) = world();
        assert_eq!(sim.call_slot(mgr, 6), HResult::E_NOTIMPL);
        let d = sim
            .trace()
            .diagnostics()
            .find(|d| d.code == "slot.placeholder")
            .unwrap();
        assert_eq!(
            (d.clause, d.rule, d.severity),
            (Some(Clause::Off3), Some(Rule::R7), Severity::Error)
        );
        assert_eq!(sim.call_slot(mgr, 40), HResult::E_NOTIMPL);
        assert!(codes(&sim).contains(&"slot.beyond_vtable".to_string()));
    }
}

mod set {
    use super::*;

    #[test]
    fn set1_block_delivers_every_phase_inside_the_call() {
        let (mut sim, mgr, _, token) = world();
        let start = sim.trace().events.len();
        assert_eq!(
            sim.set_current_state(mgr, BLOCK, MASK, OFF, 0),
            HResult::S_OK
        );
        assert_eq!(notes(&sim), full_change(token, 7, ON, OFF));
        // All three Notify events lie between the call and its return, one level deeper.
        let ev = &sim.trace().events[start..];
        assert!(matches!(ev.first().unwrap().kind, EventKind::Call { .. }));
        assert!(matches!(ev.last().unwrap().kind, EventKind::Return { .. }));
        assert!(ev
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Notify { .. }))
            .all(|e| e.depth == 1));
        assert!(!sim.in_transition(mgr));
        assert_eq!(
            sim.now(),
            0,
            "a blocking call does not move the driver's clock"
        );
    }

    #[test]
    fn set2_default_is_asynchronous_with_phases_one_spacing_apart() {
        let (mut sim, mgr, _, token) = world_with(Config {
            phase_spacing: 5,
            ..Config::default()
        });
        assert_eq!(
            sim.set_current_state(mgr, DEFAULT, MASK, OFF, 0),
            HResult::S_OK
        );
        assert!(notes(&sim).is_empty());
        assert!(sim.in_transition(mgr));
        assert_eq!(sim.next_due(), Some(5));
        sim.advance(4).unwrap();
        assert!(notes(&sim).is_empty());
        sim.advance(1).unwrap();
        assert_eq!(notes(&sim), vec![(token, 1, 7, ON, OFF)]);
        sim.advance(10).unwrap();
        assert_eq!(notes(&sim), full_change(token, 7, ON, OFF));
        let ticks: Vec<_> = sim
            .trace()
            .events
            .iter()
            .filter(|e| matches!(e.kind, EventKind::Notify { .. }))
            .map(|e| e.tick)
            .collect();
        assert_eq!(ticks, vec![5, 10, 15]);
        assert!(!sim.in_transition(mgr));
    }

    #[test]
    fn set3_every_call_during_an_async_change_is_pending() {
        let (mut sim, mgr, _, _) = world();
        sim.set_state(mgr, OFF, false);
        assert_eq!(sim.set_state(mgr, ON, false), HResult::E_PENDING);
        assert_eq!(sim.set_state(mgr, OFF, true), HResult::E_PENDING);
        assert_eq!(sim.set_state(mgr, OFF, false), HResult::E_PENDING);
        assert!(has(&sim, "set.pending", Clause::Set3));
        sim.advance(2).unwrap();
        assert_eq!(
            sim.set_state(mgr, ON, false),
            HResult::E_PENDING,
            "still before DONE"
        );
        sim.advance(1).unwrap();
        assert_eq!(sim.set_state(mgr, ON, false), HResult::S_OK, "after DONE");
    }

    #[test]
    fn set4_literal_reading_queues_async_requests() {
        let (mut sim, mgr, _, token) = world_with(Config {
            set4: Set4Reading::Literal,
            ..Config::default()
        });
        sim.set_state(mgr, OFF, false);
        assert_eq!(sim.set_state(mgr, ON, false), HResult::S_OK);
        assert!(has(&sim, "set.literal_queued", Clause::Set4));
        sim.run_until_idle().unwrap();
        let mut expect = full_change(token, 7, ON, OFF);
        expect.extend(full_change(token, 7, OFF, ON));
        assert_eq!(notes(&sim), expect);
        assert_eq!(sim.state_of(mgr), Some(ON));
    }

    #[test]
    fn set4_literal_reading_pends_during_a_blocking_change() {
        let mut sim = Sim::new(Config {
            set4: Set4Reading::Literal,
            ..Config::default()
        });
        let g = sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
        let sink = sim
            .create_sink(SinkSpec::new("s").reacting(Reaction {
                on: Some(1),
                once: false,
                action: Action::SetCurrentState {
                    this: g,
                    flags: DEFAULT,
                    mask: MASK,
                    state: ON,
                },
            }))
            .unwrap();
        let mgr = sim.open("Outlook").unwrap();
        sim.get_capabilities(mgr, Out::Valid);
        sim.advise_sink(mgr, sink, 0).unwrap();
        sim.set_state(mgr, OFF, true);
        let inner: Vec<_> = sim
            .trace()
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Return {
                    func: Func::SetCurrentState,
                    hr,
                    ..
                } => *hr,
                _ => None,
            })
            .collect();
        assert_eq!(inner, vec![HResult::E_PENDING, HResult::S_OK]);
        assert!(has(&sim, "set.literal_pending", Clause::Set4));
    }

    #[test]
    fn set4_documented_reading_is_the_default() {
        assert_eq!(Config::default().set4, Set4Reading::Documented);
    }

    fn invalid(flags: u32, mask: u32, state: u32, reserved: u64, code: &str, clause: Clause) {
        let (mut sim, mgr, _, _) = world();
        assert_eq!(
            sim.set_current_state(mgr, flags, mask, state, reserved),
            HResult::E_INVALIDARG
        );
        let d = sim.trace().diagnostics().find(|d| d.code == code).unwrap();
        assert_eq!((d.clause, d.rule), (Some(clause), Some(Rule::R2)));
        assert!(has(&sim, "set.invalidarg", Clause::Set9));
        assert_eq!(sim.state_of(mgr), Some(ON));
        assert!(notes(&sim).is_empty());
    }

    #[test]
    fn set5_mask_must_be_offline_mask() {
        invalid(
            DEFAULT,
            MAPIOFFLINE_STATE_ALL,
            OFF,
            0,
            "set.mask",
            Clause::Set5,
        );
    }

    #[test]
    fn set6_state_must_be_online_or_offline() {
        invalid(DEFAULT, MASK, 3, 0, "set.state", Clause::Set6);
        invalid(DEFAULT, MASK, 0, 0, "set.state", Clause::Set6);
    }

    #[test]
    fn set7_reserved_must_be_null() {
        invalid(
            DEFAULT,
            MASK,
            OFF,
            0xDEAD_BEEF,
            "set.reserved",
            Clause::Set7,
        );
    }

    #[test]
    fn set8_s_ok_means_the_state_changed() {
        let (mut sim, mgr, _, _) = world();
        assert_eq!(sim.set_state(mgr, OFF, true), HResult::S_OK);
        assert_eq!(sim.current_state(mgr), Ok(OFF));
    }

    #[test]
    fn set9_undocumented_flags() {
        invalid(0x1, MASK, OFF, 0, "set.flags", Clause::Set9);
    }

    #[test]
    fn set10_requesting_the_current_state_is_silent() {
        let (mut sim, mgr, _, _) = world();
        assert_eq!(sim.set_state(mgr, ON, false), HResult::S_OK);
        assert_eq!(sim.set_state(mgr, ON, true), HResult::S_OK);
        assert!(!sim.in_transition(mgr));
        sim.run_until_idle().unwrap();
        assert!(notes(&sim).is_empty());
        assert!(has(&sim, "set.no_change", Clause::Set10));
    }

    #[test]
    fn set11_online_without_network_is_remembered() {
        let (mut sim, mgr, _, token) = world();
        sim.set_state(mgr, OFF, true);
        sim.network_down().unwrap();
        assert_eq!(sim.set_state(mgr, ON, true), HResult::S_OK);
        assert!(has(&sim, "set.intent_remembered", Clause::Set11));
        assert_eq!(sim.state_of(mgr), Some(OFF));
        sim.network_up().unwrap();
        assert!(has(&sim, "env.back_online", Clause::Set11));
        sim.run_until_idle().unwrap();
        let mut expect = full_change(token, 7, ON, OFF);
        expect.extend(full_change(token, 7, OFF, ON));
        assert_eq!(notes(&sim), expect);
    }

    #[test]
    fn set11_offline_request_survives_network_return() {
        let (mut sim, mgr, _, _) = world();
        sim.set_state(mgr, OFF, true);
        sim.network_down().unwrap();
        sim.network_up().unwrap();
        assert_eq!(sim.state_of(mgr), Some(OFF));
        assert!(has(&sim, "env.stays_offline", Clause::Gen5));
    }

    #[test]
    fn network_change_during_a_transition_is_applied_after_it() {
        let (mut sim, mgr, _, token) = world();
        sim.set_state(mgr, OFF, false);
        sim.advance(1).unwrap();
        sim.network_down().unwrap(); // already going offline: nothing more to do
        sim.set_state(mgr, ON, false);
        sim.run_until_idle().unwrap();
        assert!(has(&sim, "env.deferred", Clause::Gen6));
        assert!(has(&sim, "env.applied", Clause::Gen6));
        assert_eq!(sim.state_of(mgr), Some(OFF));
        assert_eq!(notes(&sim), full_change(token, 7, ON, OFF));
    }
}

mod cap {
    use super::*;

    fn profile(caps: u32) -> (Sim, Ptr, Ptr, u32) {
        let mut sim = Sim::default();
        sim.add_profile(ProfileSpec {
            capabilities: caps,
            ..ProfileSpec::new("P")
        })
        .unwrap();
        let sink = sim.create_sink(SinkSpec::new("s")).unwrap();
        let mgr = sim.open("P").unwrap();
        sim.get_capabilities(mgr, Out::Valid);
        let t = sim.advise_sink(mgr, sink, 1).unwrap();
        (sim, mgr, sink, t)
    }

    #[test]
    fn cap1_capabilities_are_reported() {
        let (mut sim, mgr, _, _) = world();
        let r = sim.get_capabilities(mgr, Out::Valid);
        assert_eq!(
            r,
            Ret {
                hr: HResult::S_OK,
                out: Some(0x3)
            }
        );
    }

    #[test]
    fn cap2_one_direction_only() {
        let (mut sim, mgr, _, t) = profile(MAPIOFFLINE_CAPABILITY_ONLINE);
        assert_eq!(
            sim.get_capabilities(mgr, Out::Valid).out,
            Some(MAPIOFFLINE_CAPABILITY_ONLINE)
        );
        sim.set_state(mgr, OFF, true);
        sim.set_state(mgr, ON, true);
        // Only the change to ONLINE is notified.
        assert_eq!(notes(&sim), full_change(t, 1, OFF, ON));
    }

    #[test]
    fn cap3_extra_bits_are_reported_and_explained() {
        let (mut sim, mgr, _, _) = profile(0x3 | 0x40);
        assert_eq!(sim.get_capabilities(mgr, Out::Valid).out, Some(0x43));
        assert!(has(&sim, "caps.extra_bits", Clause::Cap3));
        sim.set_extra_capability_bits(mgr, 0x100).unwrap();
        assert_eq!(sim.get_capabilities(mgr, Out::Valid).out, Some(0x103));
    }

    #[test]
    fn cap4_missing_capability_changes_state_silently() {
        let (mut sim, mgr, _, _) = profile(MAPIOFFLINE_CAPABILITY_ONLINE);
        sim.set_state(mgr, OFF, false);
        sim.run_until_idle().unwrap();
        assert!(notes(&sim).is_empty());
        assert_eq!(sim.current_state(mgr), Ok(OFF));
        assert!(has(&sim, "transition.silent", Clause::Cap4));
    }

    #[test]
    fn cap5_null_out_pointer() {
        let (mut sim, mgr, _, _) = world();
        assert_eq!(
            sim.get_capabilities(mgr, Out::Null),
            Ret {
                hr: HResult::E_INVALIDARG,
                out: None
            }
        );
        assert!(has(&sim, "caps.out_null", Clause::Cap5));
    }
}

mod cur {
    use super::*;

    #[test]
    fn cur1_state_is_online_or_offline() {
        let (mut sim, mgr, _, _) = world();
        assert_eq!(sim.get_current_state(mgr, Out::Valid).out, Some(ON));
        sim.set_state(mgr, OFF, true);
        assert_eq!(sim.get_current_state(mgr, Out::Valid).out, Some(OFF));
    }

    #[test]
    fn cur2_extra_bits_expose_clients_that_do_not_mask() {
        let (mut sim, mgr, _, _) = world_with(Config {
            extra_state_bits: 0x100,
            ..Config::default()
        });
        assert_eq!(sim.get_current_state(mgr, Out::Valid).out, Some(0x102));
        assert!(has(&sim, "state.extra_bits", Clause::Cur2));
        assert_eq!(sim.current_state(mgr), Ok(ON), "masked read");
        sim.set_extra_state_bits(0x3_0000 | 0x3).unwrap();
        assert_eq!(
            sim.get_current_state(mgr, Out::Valid).out,
            Some(0x3_0002),
            "mask bits cannot be injected"
        );
    }

    #[test]
    fn cur3_old_value_until_statechange_phase() {
        let (mut sim, mgr, _, _) = world();
        sim.set_state(mgr, OFF, false);
        assert_eq!(sim.current_state(mgr), Ok(ON));
        assert!(has(&sim, "state.during_transition", Clause::Cur3));
        sim.advance(1).unwrap(); // START
        assert_eq!(sim.current_state(mgr), Ok(ON));
        sim.advance(1).unwrap(); // STATECHANGE
        assert_eq!(sim.current_state(mgr), Ok(OFF));
        assert!(sim.in_transition(mgr));
    }

    #[test]
    fn cur3_reads_from_inside_notify_see_the_phase() {
        let mut sim = Sim::default();
        let g = sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
        let sink = sim
            .create_sink(SinkSpec::new("s").reacting(Reaction {
                on: None,
                once: false,
                action: Action::GetCurrentState { this: g },
            }))
            .unwrap();
        let mgr = sim.open("Outlook").unwrap();
        sim.get_capabilities(mgr, Out::Valid);
        sim.advise_sink(mgr, sink, 0).unwrap();
        sim.set_state(mgr, OFF, true);
        let reads: Vec<_> = sim
            .trace()
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Return {
                    func: Func::GetCurrentState,
                    out: Some(trace::OutValue::Ulong(v)),
                    ..
                } => Some(*v),
                _ => None,
            })
            .collect();
        assert_eq!(reads, vec![ON, OFF, OFF]);
    }

    #[test]
    fn cur4_null_out_pointer() {
        let (mut sim, mgr, _, _) = world();
        assert_eq!(
            sim.get_current_state(mgr, Out::Null),
            Ret {
                hr: HResult::E_INVALIDARG,
                out: None
            }
        );
        assert!(has(&sim, "state.out_null", Clause::Cur4));
    }
}

mod mgr {
    use super::*;

    #[test]
    fn mgr1_manager_inherits_imapioffline_methods() {
        let (mut sim, mgr, _, _) = world();
        assert_eq!(sim.set_state(mgr, OFF, true), HResult::S_OK);
        assert_eq!(sim.get_current_state(mgr, Out::Valid).out, Some(OFF));
        // A client object is not an offline object.
        let sink = sim.create_sink(SinkSpec::new("x")).unwrap();
        assert_eq!(sim.set_state(sink, OFF, true), HResult::E_INVALIDARG);
        assert!(has(&sim, "ptr.not_offline_object", Clause::Mgr1));
    }

    #[test]
    fn mgr2_placeholders_of_the_manager() {
        let (mut sim, mgr, _, _) = world();
        for slot in 9..=15 {
            assert_eq!(sim.call_slot(mgr, slot), HResult::E_NOTIMPL);
        }
        assert_eq!(
            codes(&sim)
                .iter()
                .filter(|c| *c == "slot.placeholder")
                .count(),
            7
        );
    }

    #[test]
    fn mgr3_queryinterface_and_counts() {
        let (mut sim, mgr, _, _) = world();
        assert_eq!(sim.refcount(mgr), Some(1));
        for iid in [IID_IUNKNOWN, IID_IMAPIOFFLINE, IID_IMAPIOFFLINEMGR] {
            assert_eq!(
                sim.query_interface(mgr, Some(iid), Out::Valid).hr,
                HResult::S_OK
            );
        }
        assert_eq!(sim.refcount(mgr), Some(4));
        let r = sim.query_interface(mgr, Some(IID_IMAPIOFFLINENOTIFY), Out::Valid);
        assert_eq!((r.hr, r.out), (HResult::E_NOINTERFACE, Some(Ptr::NULL)));
        assert!(has(&sim, "qi.no_interface", Clause::Mgr3));
        assert_eq!(
            sim.query_interface(mgr, None, Out::Valid).hr,
            HResult::E_INVALIDARG
        );
        assert_eq!(
            sim.query_interface(mgr, Some(IID_IUNKNOWN), Out::Null).hr,
            HResult::E_INVALIDARG
        );
        assert_eq!(sim.add_ref(mgr), 5);
        for expect in (0..5).rev() {
            assert_eq!(sim.release(mgr), expect);
        }
        assert_eq!(sim.release(mgr), 0);
        let d = sim
            .trace()
            .diagnostics()
            .find(|d| d.code == "release.below_zero")
            .unwrap();
        assert_eq!(d.rule, Some(Rule::R4));
        assert_eq!(sim.refcount(mgr), Some(0));
        // Using the pointer after the last Release is flagged.
        sim.get_current_state(mgr, Out::Valid);
        assert!(codes(&sim).contains(&"ptr.use_after_release".to_string()));
    }
}

mod adv {
    use super::*;

    fn adv(sim: &mut Sim, mgr: Ptr, flags: u32, info: Option<AdviseInfo>, out: Out) -> Ret<u32> {
        sim.advise(mgr, flags, info.as_ref(), out)
    }

    #[test]
    fn adv1_token_written() {
        let (mut sim, mgr, sink, t1) = world();
        let info = sim.advise_info(8, sink);
        let r = adv(&mut sim, mgr, 0, Some(info), Out::Valid);
        assert_eq!(r.hr, HResult::S_OK);
        assert_ne!(r.out, Some(t1));
        assert_eq!(sim.registrations(mgr).len(), 2);
    }

    #[test]
    fn adv2_flags_must_be_default() {
        let (mut sim, mgr, sink, _) = world();
        let info = sim.advise_info(1, sink);
        assert_eq!(
            adv(&mut sim, mgr, 1, Some(info), Out::Valid).hr,
            HResult::E_INVALIDARG
        );
        assert!(has(&sim, "advise.flags", Clause::Adv2));
    }

    #[test]
    fn adv3_three_results() {
        let (mut sim, mgr, sink, _) = world();
        let good = sim.advise_info(1, sink);
        assert_eq!(
            adv(&mut sim, mgr, 0, Some(good), Out::Valid).hr,
            HResult::S_OK
        );
        assert_eq!(
            adv(&mut sim, mgr, 0, None, Out::Valid).hr,
            HResult::E_INVALIDARG
        );
        let plain = sim
            .create_sink(SinkSpec {
                implements_notify: false,
                ..SinkSpec::new("plain")
            })
            .unwrap();
        let bad = sim.advise_info(1, plain);
        assert_eq!(
            adv(&mut sim, mgr, 0, Some(bad), Out::Valid).hr,
            HResult::E_NOINTERFACE
        );
    }

    #[test]
    fn adv4_size_depends_on_the_architecture() {
        for (arch, good, wrong) in [(Arch::X64, 32, 24), (Arch::X86, 24, 32)] {
            let (mut sim, mgr, sink, _) = world_with(Config {
                arch,
                ..Config::default()
            });
            let mut info = sim.advise_info(1, sink);
            assert_eq!(info.ul_size, good);
            info.ul_size = wrong;
            assert_eq!(
                adv(&mut sim, mgr, 0, Some(info), Out::Valid).hr,
                HResult::E_INVALIDARG
            );
            let d = sim
                .trace()
                .diagnostics()
                .find(|d| d.code == "advise.size")
                .unwrap();
            assert_eq!((d.clause, d.rule), (Some(Clause::Adv4), Some(Rule::R2)));
        }
    }

    #[test]
    fn adv5_client_token_is_echoed() {
        let (mut sim, mgr, sink, t1) = world();
        let t2 = sim.advise_sink(mgr, sink, 0xABCD).unwrap();
        sim.set_state(mgr, OFF, true);
        let got: Vec<_> = notes(&sim).iter().map(|n| (n.0, n.2)).collect();
        assert_eq!(
            got,
            vec![
                (t1, 7),
                (t2, 0xABCD),
                (t1, 7),
                (t2, 0xABCD),
                (t1, 7),
                (t2, 0xABCD)
            ]
        );
    }

    #[test]
    fn adv6_callback_type_and_interface() {
        let (mut sim, mgr, sink, _) = world();
        let mut info = sim.advise_info(1, sink);
        info.callback_type = 1;
        assert_eq!(
            adv(&mut sim, mgr, 0, Some(info), Out::Valid).hr,
            HResult::E_INVALIDARG
        );
        assert!(has(&sim, "advise.callback_type", Clause::Adv6));
        // The manager itself is no IMAPIOfflineNotify.
        let info = sim.advise_info(1, mgr);
        assert_eq!(
            adv(&mut sim, mgr, 0, Some(info), Out::Valid).hr,
            HResult::E_NOINTERFACE
        );
        assert!(has(&sim, "advise.no_notify", Clause::Adv6));
    }

    #[test]
    fn adv7_advise_types() {
        let (mut sim, mgr, sink, _) = world();
        let mut info = sim.advise_info(1, sink);
        info.ul_advise_types = 2;
        assert_eq!(
            adv(&mut sim, mgr, 0, Some(info), Out::Valid).hr,
            HResult::E_INVALIDARG
        );
        assert!(has(&sim, "advise.advise_types", Clause::Adv7));
    }

    #[test]
    fn adv8_state_mask() {
        let (mut sim, mgr, sink, _) = world();
        let mut info = sim.advise_info(1, sink);
        info.ul_state_mask = MASK;
        assert_eq!(
            adv(&mut sim, mgr, 0, Some(info), Out::Valid).hr,
            HResult::E_INVALIDARG
        );
        assert!(has(&sim, "advise.state_mask", Clause::Adv8));
    }

    #[test]
    fn adv9_null_pointers() {
        let (mut sim, mgr, sink, _) = world();
        let info = sim.advise_info(1, sink);
        assert_eq!(
            adv(&mut sim, mgr, 0, Some(info), Out::Null).hr,
            HResult::E_INVALIDARG
        );
        assert!(has(&sim, "advise.out_null", Clause::Adv9));
        assert_eq!(
            adv(&mut sim, mgr, 0, None, Out::Valid).hr,
            HResult::E_INVALIDARG
        );
        assert!(has(&sim, "advise.info_null", Clause::Adv9));
        let info = sim.advise_info(1, Ptr::NULL);
        assert_eq!(
            adv(&mut sim, mgr, 0, Some(info), Out::Valid).hr,
            HResult::E_NOINTERFACE
        );
        assert!(has(&sim, "advise.callback_null", Clause::Adv9));
        let info = sim.advise_info(1, Ptr(0x42));
        assert_eq!(
            adv(&mut sim, mgr, 0, Some(info), Out::Valid).hr,
            HResult::E_NOINTERFACE
        );
        assert!(has(&sim, "advise.callback_invalid", Clause::Adv9));
        assert_eq!(
            sim.registrations(mgr).len(),
            1,
            "failed Advise registers nothing"
        );
    }

    #[test]
    fn adv10_manager_holds_a_reference_and_tokens_never_repeat() {
        let (mut sim, mgr, sink, t1) = world();
        assert_eq!(sim.refcount(sink), Some(2));
        let mut seen = vec![t1];
        for i in 0..50 {
            let t = sim.advise_sink(mgr, sink, i).unwrap();
            assert!(t != 0 && !seen.contains(&t));
            seen.push(t);
            sim.unadvise(mgr, 0, t);
        }
        assert_eq!(sim.refcount(sink), Some(2));
    }

    #[test]
    fn adv11_registration_during_a_change_waits_for_the_next() {
        let (mut sim, mgr, sink, t1) = world();
        sim.set_state(mgr, OFF, false);
        sim.advance(1).unwrap();
        let t2 = sim.advise_sink(mgr, sink, 2).unwrap();
        assert!(has(&sim, "advise.during_transition", Clause::Adv11));
        sim.run_until_idle().unwrap();
        sim.set_state(mgr, ON, true);
        let by_t2: Vec<_> = notes(&sim).into_iter().filter(|n| n.0 == t2).collect();
        assert_eq!(by_t2, full_change(t2, 2, OFF, ON));
        assert_eq!(notes(&sim).iter().filter(|n| n.0 == t1).count(), 6);
    }

    #[test]
    fn r1_advise_before_getcapabilities_is_flagged() {
        let mut sim = Sim::default();
        sim.add_profile(ProfileSpec::new("P")).unwrap();
        let sink = sim.create_sink(SinkSpec::new("s")).unwrap();
        let mgr = sim.open("P").unwrap();
        sim.advise_sink(mgr, sink, 0).unwrap();
        let d = sim
            .trace()
            .diagnostics()
            .find(|d| d.code == "advise.caps_unchecked")
            .unwrap();
        assert_eq!((d.rule, d.clause), (Some(Rule::R1), Some(Clause::Gen3)));
    }
}

mod unadv {
    use super::*;

    #[test]
    fn unadv1_flags_are_flagged_but_succeed() {
        let (mut sim, mgr, _, t) = world();
        assert_eq!(sim.unadvise(mgr, 5, t), HResult::S_OK);
        assert!(has(&sim, "unadvise.flags", Clause::Unadv1));
        assert!(sim.registrations(mgr).is_empty());
    }

    #[test]
    fn unadv2_unknown_token_is_s_ok_and_a_client_error() {
        let (mut sim, mgr, _, t) = world();
        assert_eq!(sim.unadvise(mgr, 0, t), HResult::S_OK);
        assert_eq!(sim.unadvise(mgr, 0, t), HResult::S_OK);
        assert_eq!(sim.unadvise(mgr, 0, 999), HResult::S_OK);
        let d: Vec<_> = sim
            .trace()
            .diagnostics()
            .filter(|d| d.code == "unadvise.unknown_token")
            .collect();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].rule, Some(Rule::R3));
        assert_eq!(d[0].clause, Some(Clause::Unadv2));
    }

    #[test]
    fn unadv3_releases_the_sink() {
        let (mut sim, mgr, sink, t) = world();
        assert_eq!(
            sim.release(sink),
            1,
            "the manager's reference keeps it alive"
        );
        sim.unadvise(mgr, 0, t);
        let outlook_release = sim.trace().events.iter().any(|e| {
            matches!(&e.kind, EventKind::Call { by: Caller::Outlook, call: trace::Call::Release { this } } if *this == sink)
        });
        assert!(outlook_release, "the manager releases its reference itself");
        assert_eq!(
            sim.refcount(sink),
            None,
            "destroyed with its last reference"
        );
        assert!(sim
            .trace()
            .events
            .iter()
            .any(|e| matches!(e.kind, EventKind::Destroyed { object } if object == sink)));
    }

    #[test]
    fn unadv4_nothing_after_unadvise_mid_transition() {
        let (mut sim, mgr, _, t) = world();
        sim.set_state(mgr, OFF, false);
        sim.advance(1).unwrap();
        sim.unadvise(mgr, 0, t);
        assert!(has(&sim, "unadvise.during_transition", Clause::Unadv4));
        sim.run_until_idle().unwrap();
        assert_eq!(notes(&sim), vec![(t, 1, 7, ON, OFF)]);
    }

    #[test]
    fn unadv4_unadvise_from_inside_notify() {
        let mut sim = Sim::default();
        let g = sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
        let quitter = sim
            .create_sink(SinkSpec::new("quitter").reacting(Reaction {
                on: Some(MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START),
                once: true,
                action: Action::Unadvise {
                    mgr: g,
                    token: None,
                },
            }))
            .unwrap();
        let stayer = sim.create_sink(SinkSpec::new("stayer")).unwrap();
        let mgr = sim.open("Outlook").unwrap();
        sim.get_capabilities(mgr, Out::Valid);
        let tq = sim.advise_sink(mgr, quitter, 1).unwrap();
        let ts = sim.advise_sink(mgr, stayer, 2).unwrap();
        sim.set_state(mgr, OFF, true);
        let mut expect = vec![(tq, 1, 1, ON, OFF)];
        expect.extend(full_change(ts, 2, ON, OFF));
        // The stayer is not disturbed: its START arrives right after the quitter's.
        let got = notes(&sim);
        assert_eq!(got.len(), 4);
        assert_eq!(got[0], expect[0]);
        assert_eq!(&got[1..], &expect[1..]);
    }
}

mod ntf {
    use super::*;

    #[test]
    fn ntf1_to_ntf4_notify_fields() {
        let (mut sim, mgr, sink, t) = world();
        sim.set_state(mgr, OFF, true);
        let n: Vec<_> = sim
            .trace()
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Notify {
                    sink: s,
                    info,
                    token,
                    object,
                    ..
                } => Some((*s, *token, *object, *info)),
                _ => None,
            })
            .collect();
        assert_eq!(n.len(), 3);
        for (k, (s, token, object, info)) in n.into_iter().enumerate() {
            assert_eq!((s, token, object), (sink, t, mgr)); // NTF-1
            assert_eq!(info.notify_type, k as u32 + 1); // NTF-2
            assert_eq!(info.ul_client_token, 7); // NTF-3
            assert_eq!(
                (info.ul_mask, info.ul_state_old, info.ul_state_new),
                (MASK, ON, OFF)
            ); // NTF-4
            assert_eq!(info.ul_size, 24);
        }
    }

    #[test]
    fn ntf5_ntf6_unsupported_notifications() {
        let mut sim = Sim::default();
        let g = sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
        let careful = sim.create_sink(SinkSpec::new("careful")).unwrap();
        let careless = sim
            .create_sink(SinkSpec {
                validates_notify: false,
                ..SinkSpec::new("careless")
            })
            .unwrap();
        let mgr = sim.open("Outlook").unwrap();
        sim.get_capabilities(mgr, Out::Valid);
        sim.advise_sink(mgr, careful, 1).unwrap();
        sim.advise_sink(mgr, careless, 2).unwrap();
        sim.inject_notify(g, 2, 0x30, ON, OFF).unwrap();
        assert!(has(&sim, "inject.unsupported", Clause::Ntf6));
        assert!(has(&sim, "notify.ignored", Clause::Ntf6));
        let d = sim
            .trace()
            .diagnostics()
            .find(|d| d.code == "notify.misread")
            .unwrap();
        assert_eq!((d.clause, d.rule), (Some(Clause::Ntf5), Some(Rule::R6)));
        assert_eq!(notes(&sim).len(), 2, "both received it");
        assert!(sim.inject_notify(careful, 9, 0, 0, 0).is_err());
    }

    #[test]
    fn ntf7_phases_in_order_and_registrations_in_advise_order() {
        let (mut sim, mgr, _, t1) = world();
        let s2 = sim.create_sink(SinkSpec::new("b")).unwrap();
        let s3 = sim.create_sink(SinkSpec::new("c")).unwrap();
        let t3 = sim.advise_sink(mgr, s3, 3).unwrap();
        let t2 = sim.advise_sink(mgr, s2, 2).unwrap();
        sim.set_state(mgr, OFF, false);
        sim.run_until_idle().unwrap();
        let order: Vec<_> = notes(&sim).iter().map(|n| (n.1, n.0)).collect();
        let mut expect = Vec::new();
        for ty in 1..=3 {
            for t in [t1, t3, t2] {
                expect.push((ty, t));
            }
        }
        assert_eq!(order, expect);
    }

    #[test]
    fn ntf8_reentrant_calls_from_notify() {
        let mut sim = Sim::default();
        let g = sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
        let late = sim.create_sink(SinkSpec::new("late")).unwrap();
        let busy = sim
            .create_sink(
                SinkSpec::new("busy")
                    .reacting(Reaction {
                        on: Some(1),
                        once: false,
                        action: Action::SetCurrentState {
                            this: g,
                            flags: BLOCK,
                            mask: MASK,
                            state: ON,
                        },
                    })
                    .reacting(Reaction {
                        on: Some(2),
                        once: true,
                        action: Action::Advise {
                            mgr: g,
                            sink: late,
                            client_token: 9,
                        },
                    }),
            )
            .unwrap();
        let mgr = sim.open("Outlook").unwrap();
        sim.get_capabilities(mgr, Out::Valid);
        let t = sim.advise_sink(mgr, busy, 1).unwrap();
        assert_eq!(sim.set_state(mgr, OFF, true), HResult::S_OK);
        assert!(has(&sim, "set.pending_reentrant", Clause::Ntf8));
        // The reentrant SetCurrentState got E_PENDING; the Advise succeeded but the new
        // sink hears nothing of this change (ADV-11); nothing lost or duplicated.
        assert_eq!(notes(&sim), full_change(t, 1, ON, OFF));
        assert_eq!(sim.registrations(mgr).len(), 2);
        sim.set_state(mgr, ON, true);
        assert_eq!(notes(&sim).len(), 3 + 6);
    }

    #[test]
    fn ntf8_release_from_inside_notify() {
        let mut sim = Sim::default();
        let g = sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
        let s = sim
            .create_sink(SinkSpec::new("s").reacting(Reaction {
                on: Some(3),
                once: true,
                action: Action::Release { this: g },
            }))
            .unwrap();
        let mgr = sim.open("Outlook").unwrap();
        sim.add_ref(mgr);
        sim.get_capabilities(mgr, Out::Valid);
        sim.advise_sink(mgr, s, 1).unwrap();
        sim.set_state(mgr, OFF, true);
        assert_eq!(sim.refcount(mgr), Some(1));
    }

    #[test]
    fn run_until_idle_is_bounded() {
        let (mut sim, mgr, _, _) = world_with(Config {
            max_idle_steps: 2,
            ..Config::default()
        });
        sim.set_state(mgr, OFF, false);
        // Three phases are due; the bound stops after two and keeps the rest scheduled.
        assert_eq!(sim.run_until_idle(), Err(SimError::NotIdle { steps: 2 }));
        assert!(sim.in_transition(mgr));
        assert_eq!(sim.run_until_idle(), Ok(3));
        assert!(!sim.in_transition(mgr));
        assert_eq!(notes(&sim).len(), 3);
    }
}

mod overrelease {
    use super::*;

    #[test]
    fn a_sink_released_below_the_managers_reference_is_not_called() {
        let (mut sim, mgr, sink, token) = world();
        assert_eq!(sim.release(sink), 1);
        assert_eq!(
            sim.release(sink),
            0,
            "the client gave away the manager's reference"
        );
        sim.set_state(mgr, OFF, true);
        assert!(notes(&sim).is_empty());
        let d = sim
            .trace()
            .diagnostics()
            .find(|d| d.code == "notify.destroyed_sink")
            .unwrap();
        assert_eq!(d.rule, Some(Rule::R4));
        // Unadvise still returns S_OK; releasing the dead sink is reported, not a crash.
        assert_eq!(sim.unadvise(mgr, 0, token), HResult::S_OK);
        assert!(codes(&sim).contains(&"ptr.dangling".to_string()));
    }
}

mod cre {
    use super::*;

    const STORE: Guid = Guid::new(0x1234_5678, 1, 2, [1, 2, 3, 4, 5, 6, 7, 8]);

    fn invalid(sim: &mut Sim, info: &CreateInfo, code: &str, clause: Clause) {
        let r = sim.hr_create_offline_obj(0, Some(info), Out::Valid);
        assert_eq!(
            r,
            Ret {
                hr: HResult::E_INVALIDARG,
                out: None
            }
        );
        assert!(has(sim, code, clause), "{code}: {:?}", codes(sim));
        assert!(has(sim, "create.invalidarg", Clause::Cre6));
    }

    #[test]
    fn cre1_flags_and_connect_info() {
        let (mut sim, mgr, _, _) = world();
        let good = sim.create_info("Outlook", 3, STORE, mgr);
        let r = sim.hr_create_offline_obj(1, Some(&good), Out::Valid);
        assert_eq!(r.hr, HResult::E_INVALIDARG);
        assert!(has(&sim, "create.flags", Clause::Cre1));
        invalid(
            &mut sim,
            &CreateInfo {
                ul_create_flags: 2,
                ..good.clone()
            },
            "create.create_flags",
            Clause::Cre1,
        );
        invalid(
            &mut sim,
            &CreateInfo {
                p_connect_info: 0x1000,
                ..good.clone()
            },
            "create.connect_info",
            Clause::Cre1,
        );
        invalid(
            &mut sim,
            &CreateInfo { ul_size: 8, ..good },
            "create.size",
            Clause::Cre6,
        );
    }

    #[test]
    fn cre2_type_guid_and_instance_may_be_null() {
        // The reference's own example creates a store's object with both NULL.
        let (mut sim, mgr, _, _) = world();
        let info = CreateInfo {
            p_guid: GuidPtr::Null,
            p_instance: GuidPtr::Null,
            ..sim.create_info("Outlook", 3, STORE, mgr)
        };
        let r = sim.hr_create_offline_obj(0, Some(&info), Out::Valid);
        assert_eq!(r.hr, HResult::S_OK);
        assert!(r.out.is_some());
        assert!(has(&sim, "create.guid_null", Clause::Cre2));
    }

    #[test]
    fn cre3_parent_must_be_an_offline_object_of_the_profile() {
        let (mut sim, mgr, sink, _) = world();
        let other = sim.add_profile(ProfileSpec::new("Other")).unwrap();
        let info = sim.create_info("Outlook", 3, STORE, sink);
        invalid(&mut sim, &info, "create.parent_invalid", Clause::Cre3);
        let info = sim.create_info("Outlook", 3, STORE, other);
        invalid(&mut sim, &info, "create.parent_profile", Clause::Cre3);
        let child = sim.create_child("Outlook", 3, STORE, mgr).unwrap();
        assert_eq!(sim.refcount(child), Some(1));
    }

    #[test]
    fn cre4_capabilities_of_a_created_object() {
        let (mut sim, mgr, _, _) = world();
        let child = sim
            .create_child("Outlook", MAPIOFFLINE_CAPABILITY_OFFLINE, STORE, mgr)
            .unwrap();
        assert_eq!(
            sim.get_capabilities(child, Out::Valid).out,
            Some(MAPIOFFLINE_CAPABILITY_OFFLINE)
        );
    }

    #[test]
    fn cre5_aggregation_passes_queryinterface_to_the_outer_object() {
        let (mut sim, mgr, _, _) = world();
        let iid_store = Guid::new(0xAAAA_0001, 0, 0, [0; 8]);
        let outer = sim
            .create_sink(SinkSpec {
                implements_notify: false,
                interfaces: vec![iid_store],
                ..SinkSpec::new("outer")
            })
            .unwrap();
        let mut info = sim.create_info("Outlook", 3, STORE, mgr);
        let arch = sim.config().arch;
        info.p_aggregate_info = Some(AggregateInfo {
            ul_size: arch.sizeof_aggregateinfo(),
            p_outer_obj: outer,
            p_ref_track_root: Ptr::NULL,
        });
        let child = sim
            .hr_create_offline_obj(0, Some(&info), Out::Valid)
            .out
            .unwrap();
        let r = sim.query_interface(child, Some(iid_store), Out::Valid);
        assert_eq!((r.hr, r.out), (HResult::S_OK, Some(outer)));
        assert!(has(&sim, "qi.aggregated", Clause::Cre5));
        let r = sim.query_interface(child, Some(Guid::new(9, 9, 9, [9; 8])), Out::Valid);
        assert_eq!(r.hr, HResult::E_NOINTERFACE);

        let mut bad = info.clone();
        bad.p_aggregate_info = Some(AggregateInfo {
            ul_size: arch.sizeof_aggregateinfo(),
            p_outer_obj: outer,
            p_ref_track_root: outer,
        });
        invalid(&mut sim, &bad, "create.ref_track_root", Clause::Cre5);
        bad.p_aggregate_info = Some(AggregateInfo {
            ul_size: arch.sizeof_aggregateinfo(),
            p_outer_obj: Ptr::NULL,
            p_ref_track_root: Ptr::NULL,
        });
        invalid(&mut sim, &bad, "create.outer_invalid", Clause::Cre5);
        let support = CreateInfo {
            p_mapi_support: Ptr(0x77),
            ..sim.create_info("Outlook", 3, STORE, mgr)
        };
        invalid(&mut sim, &support, "create.support_invalid", Clause::Cre5);
    }

    #[test]
    fn cre6_result_is_an_hresult() {
        let (mut sim, mgr, _, _) = world();
        assert!(sim.create_child("Outlook", 3, STORE, mgr).is_ok());
        assert!(has(&sim, "create.result", Clause::Cre6));
        let r = sim.hr_create_offline_obj(0, None, Out::Valid);
        assert_eq!(r.hr, HResult::E_INVALIDARG);
        let info = sim.create_info("Outlook", 3, STORE, mgr);
        assert_eq!(
            sim.hr_create_offline_obj(0, Some(&info), Out::Null).hr,
            HResult::E_INVALIDARG
        );
        let info = sim.create_info("Nope", 3, STORE, Ptr::NULL);
        invalid(&mut sim, &info, "create.profile_unknown", Clause::Cre6);
    }

    #[test]
    fn cre7_children_follow_parents_depth_first_after_the_parent() {
        let (mut sim, mgr, _, tg) = world();
        let provider = sim.create_child("Outlook", 3, STORE, mgr).unwrap();
        let store = sim.create_child("Outlook", 3, STORE, provider).unwrap();
        let other = sim.create_child("Outlook", 3, STORE, mgr).unwrap();
        let sink = sim.create_sink(SinkSpec::new("s")).unwrap();
        for o in [provider, store, other] {
            sim.get_capabilities(o, Out::Valid);
        }
        let tp = sim.advise_sink(provider, sink, 10).unwrap();
        let ts = sim.advise_sink(store, sink, 20).unwrap();
        let to = sim.advise_sink(other, sink, 30).unwrap();
        sim.set_state(mgr, OFF, false);
        assert!(has(&sim, "transition.children", Clause::Cre7));
        assert!(sim.in_transition(store));
        assert_eq!(sim.set_state(store, ON, false), HResult::E_PENDING);
        sim.run_until_idle().unwrap();
        for o in [mgr, provider, store, other] {
            assert_eq!(sim.state_of(o), Some(OFF));
        }
        let order: Vec<_> = notes(&sim).iter().map(|n| (n.1, n.0)).collect();
        let mut expect = Vec::new();
        for ty in 1..=3 {
            for t in [tg, tp, ts, to] {
                expect.push((ty, t));
            }
        }
        assert_eq!(order, expect);
        // A child cannot go online while its parent is offline; it follows when the parent does.
        assert_eq!(sim.set_state(store, ON, true), HResult::S_OK);
        assert!(has(&sim, "set.intent_remembered", Clause::Set11));
        assert_eq!(sim.state_of(store), Some(OFF));
        sim.set_state(mgr, ON, true);
        sim.run_until_idle().unwrap();
        for o in [mgr, provider, store, other] {
            assert_eq!(sim.state_of(o), Some(ON));
        }
        // A child taken offline on its own stays offline when the parent returns.
        sim.set_state(other, OFF, true);
        sim.set_state(mgr, OFF, true);
        sim.set_state(mgr, ON, true);
        assert_eq!(sim.state_of(other), Some(OFF));
        assert_eq!(sim.state_of(store), Some(ON));
    }
}

mod shutdown {
    use super::*;

    #[test]
    fn shutdown_reports_leaks_and_ends_the_world() {
        let (mut sim, mgr, sink, token) = world();
        sim.query_interface(mgr, Some(IID_IMAPIOFFLINE), Out::Valid);
        sim.set_state(mgr, OFF, false);
        let report = sim.shutdown().unwrap();
        assert_eq!(
            report.registrations,
            vec![trace::LeakedRegistration {
                object: mgr,
                token,
                sink
            }]
        );
        assert_eq!(
            report.references,
            vec![trace::LeakedReference {
                object: mgr,
                count: 2
            }]
        );
        assert_eq!(report.abandoned_transitions, 1);
        let rules: Vec<_> = sim.trace().diagnostics().filter_map(|d| d.rule).collect();
        assert!(rules.contains(&Rule::R3) && rules.contains(&Rule::R4));
        assert_eq!(sim.shutdown(), Err(SimError::Ended));
        assert_eq!(sim.advance(1), Err(SimError::Ended));
        assert_eq!(sim.set_state(mgr, ON, true), HResult::E_INVALIDARG);
        assert!(codes(&sim).contains(&"ptr.after_shutdown".to_string()));
        assert_eq!(sim.open("Outlook"), Err(HResult::MAPI_E_NOT_FOUND));
    }
}

mod trace_format {
    use super::*;

    #[test]
    fn json_round_trips_and_uses_reference_names() {
        let (mut sim, mgr, _, _) = world();
        sim.set_state(mgr, OFF, false);
        sim.inject_notify(mgr, 7, 0, 0, 0).unwrap();
        sim.run_until_idle().unwrap();
        sim.create_child("Outlook", 3, IID_IUNKNOWN, mgr).unwrap();
        sim.shutdown().unwrap();
        let json = serde_json::to_string(sim.trace()).unwrap();
        assert!(json.contains("\"fn\":\"SetCurrentState\""));
        assert!(json.contains("\"ulClientToken\":7"));
        assert!(json.contains("\"pGUID\":\"{FBEFFD93-B11F-4094-842B-96DCD31E63D1}\""));
        let back: Trace = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, sim.trace());
    }

    #[test]
    fn text_rendering_names_objects_and_constants() {
        let (mut sim, mgr, _, _) = world();
        sim.set_state(mgr, OFF, true);
        let text = sim.trace().to_text();
        assert!(
            text.contains(
                "HrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &pOfflineObj)"
            ),
            "{text}"
        );
        assert!(text.contains("NotifyType=MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE"));
        assert!(text.contains("(global \"Outlook\")->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK"));
        assert_eq!(text.lines().count(), sim.trace().events.len());
    }

    #[test]
    fn schema_document_covers_every_event_kind() {
        let (mut sim, mgr, sink, token) = world();
        sim.set_state(mgr, OFF, false);
        sim.advance(1).unwrap();
        sim.network_down().unwrap();
        sim.run_until_idle().unwrap();
        sim.create_child("Outlook", 3, IID_IUNKNOWN, mgr).unwrap();
        sim.unadvise(mgr, 0, token);
        sim.release(sink);
        sim.shutdown().unwrap();
        let json: serde_json::Value = serde_json::to_value(sim.trace()).unwrap();
        let mut kinds: Vec<String> = json["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["event"].as_str().unwrap().to_string())
            .collect();
        kinds.sort();
        kinds.dedup();
        assert_eq!(
            kinds.len(),
            17,
            "every EventKind variant appears: {kinds:?}"
        );
        let doc = include_str!("../TRACE-SCHEMA.md");
        for k in kinds {
            assert!(
                doc.contains(&format!("`{k}`")),
                "TRACE-SCHEMA.md does not document `{k}`"
            );
        }
    }
}

// ---------------------------------------------------------------------- world snapshot

#[test]
fn the_snapshot_shows_states_references_registrations_and_transitions() {
    let (mut sim, mgr, sink, token) = world();
    let before = sim.snapshot();
    let obj = before.objects.iter().find(|o| o.object == mgr).unwrap();
    assert!(obj.is_global && !obj.in_transition);
    assert_eq!(obj.state, MAPIOFFLINE_STATE_ONLINE);
    assert_eq!(obj.registrations.len(), 1);
    assert_eq!(obj.registrations[0].0, token);
    assert_eq!(obj.registrations[0].2, sink);
    assert_eq!(Some(obj.refs), sim.refcount(mgr));
    let s = before.clients.iter().find(|c| c.object == sink).unwrap();
    assert_eq!(Some(s.refs), sim.refcount(sink));
    assert!(s.alive);

    let r = sim.set_current_state(
        mgr,
        MAPIOFFLINE_FLAG_DEFAULT,
        MAPIOFFLINE_STATE_OFFLINE_MASK,
        MAPIOFFLINE_STATE_OFFLINE,
        0,
    );
    assert_eq!(r, HResult::S_OK);
    let during = sim.snapshot();
    assert!(during.objects[0].in_transition);
    assert_eq!(during.next_due, sim.next_due());
    assert!(during.next_due.is_some());
    let text = during.to_text();
    assert!(text.contains("(change in progress)"), "{text}");
    assert!(
        text.contains(&format!("advise token {token} -> ")),
        "{text}"
    );

    sim.run_until_idle().unwrap();
    let after = sim.snapshot();
    assert_eq!(after.objects[0].state, MAPIOFFLINE_STATE_OFFLINE);
    assert!(!after.objects[0].in_transition && after.next_due.is_none());
    sim.shutdown().unwrap();
    assert!(sim.snapshot().ended);
    assert!(sim.snapshot().to_text().contains("Outlook has shut down"));
}

#[test]
fn a_pinned_set4_reading_outranks_the_script_s_config_line() {
    use mapioffline::scenario::{parse, Runner};
    let src = "config set4 documented\nprofile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\nm->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, NULL)\n";
    let run = |pin: Option<Set4Reading>| {
        let mut r = Runner::default();
        if let Some(p) = pin {
            r.pin_set4(p);
        }
        for s in &parse(src).unwrap().stmts {
            r.exec(s).unwrap();
        }
        r.finish().trace
    };
    let last_hr = |t: &Trace| {
        t.events
            .iter()
            .rev()
            .find_map(|e| match &e.kind {
                EventKind::Return { hr, .. } => *hr,
                _ => None,
            })
            .unwrap()
    };
    let documented = run(None);
    assert_eq!(documented.config.set4, Set4Reading::Documented);
    assert_eq!(last_hr(&documented), HResult::E_PENDING);
    let literal = run(Some(Set4Reading::Literal));
    assert_eq!(literal.config.set4, Set4Reading::Literal);
    assert_eq!(last_hr(&literal), HResult::S_OK);
}
