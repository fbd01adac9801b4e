//! `explain`'s HRESULT prose against the simulator: for every "Returned by" line of every
//! HRESULT (`explain::hresult_sources`), the calls it describes are made through `Sim`'s
//! raw API and must return that HRESULT. A new line without a check here, or a check for
//! a line that is gone, fails the test.

use mapioffline::consts::*;
use mapioffline::explain::hresult_sources;
use mapioffline::trace::{EventKind, Func, GuidPtr};
use mapioffline::*;
use std::collections::BTreeSet;

mod common;
use common::{world, world_with};

const ON: u32 = MAPIOFFLINE_STATE_ONLINE;
const OFF: u32 = MAPIOFFLINE_STATE_OFFLINE;
const MASK: u32 = MAPIOFFLINE_STATE_OFFLINE_MASK;
const BOTH: u32 = MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE;
const SOME_TYPE: Guid = Guid::new(0x1234_5678, 0x1, 0x2, [1, 2, 3, 4, 5, 6, 7, 8]);

fn literal() -> Config {
    Config {
        set4: Set4Reading::Literal,
        ..Config::default()
    }
}

/// The HRESULT of the first `SetCurrentState` made from inside a `Notify`.
fn nested_set(sim: &Sim) -> HResult {
    sim.trace()
        .events
        .iter()
        .find_map(|e| match e.kind {
            EventKind::Return {
                func: Func::SetCurrentState,
                hr: Some(hr),
                ..
            } if e.depth > 0 => Some(hr),
            _ => None,
        })
        .expect("a SetCurrentState made inside Notify")
}

/// A world whose sink, at START, asks for ONLINE again, then a change to OFFLINE.
fn reentrant(config: Config, blocking: bool) -> Sim {
    let (mut sim, mgr, _) = world_with(config);
    let sink = sim
        .create_sink(SinkSpec {
            reactions: vec![Reaction {
                on: Some(MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START),
                once: true,
                action: Action::SetCurrentState {
                    this: mgr,
                    flags: MAPIOFFLINE_FLAG_DEFAULT,
                    mask: MASK,
                    state: ON,
                },
            }],
            ..SinkSpec::new("reentrant")
        })
        .unwrap();
    sim.advise_sink(mgr, sink, 1).unwrap();
    assert_eq!(sim.set_state(mgr, OFF, blocking), HResult::S_OK);
    sim.run_until_idle().unwrap();
    sim
}

fn create_info(sim: &Sim) -> CreateInfo {
    sim.create_info("Outlook", BOTH, SOME_TYPE, Ptr::NULL)
}

fn create(sim: &mut Sim, flags: u32, edit: impl FnOnce(&mut CreateInfo)) -> HResult {
    let mut ci = create_info(sim);
    edit(&mut ci);
    sim.hr_create_offline_obj(flags, Some(&ci), Out::Valid).hr
}

fn advise_with(sim: &mut Sim, mgr: Ptr, sink: Ptr, edit: impl FnOnce(&mut AdviseInfo)) -> HResult {
    let mut info = sim.advise_info(7, sink);
    edit(&mut info);
    sim.advise(mgr, MAPIOFFLINE_ADVISE_DEFAULT, Some(&info), Out::Valid)
        .hr
}

fn open_with(
    sim: &mut Sim,
    reserved: u32,
    profile: Option<&str>,
    guid: GuidPtr,
    p_reserved: GuidPtr,
    out: Out,
) -> HResult {
    sim.hr_open_offline_obj(reserved, profile, guid, p_reserved, out)
        .hr
}

const GLOBAL: GuidPtr = GuidPtr::To(GUID_GLOBAL_STATE);

/// The results of the calls one "Returned by" line describes, each with what it tried.
fn results(hresult: &str, clauses: &str) -> Option<Vec<(&'static str, HResult)>> {
    let mut out = Vec::new();
    let mut r = |what: &'static str, hr: HResult| out.push((what, hr));
    match (hresult, clauses) {
        ("S_OK", "OPEN-6") => {
            let (mut sim, _, _) = world();
            r(
                "open",
                open_with(
                    &mut sim,
                    0,
                    Some("Outlook"),
                    GLOBAL,
                    GuidPtr::Null,
                    Out::Valid,
                ),
            );
        }
        ("S_OK", "SET-1, SET-2, SET-8") => {
            let (mut sim, mgr, _) = world();
            r("blocking change", sim.set_state(mgr, OFF, true));
            let (mut sim, mgr, _) = world();
            r("asynchronous change", sim.set_state(mgr, OFF, false));
        }
        ("S_OK", "SET-10, SET-11") => {
            let (mut sim, mgr, _) = world();
            r("already ONLINE", sim.set_state(mgr, ON, true));
            let (mut sim, mgr, _) = world();
            sim.network_down().unwrap();
            sim.run_until_idle().unwrap();
            r("ONLINE without connectivity", sim.set_state(mgr, ON, false));
        }
        ("S_OK", "SET-4") => {
            let (mut sim, mgr, _) = world_with(literal());
            assert_eq!(sim.set_state(mgr, OFF, false), HResult::S_OK);
            assert!(sim.in_transition(mgr));
            r(
                "literal, during an asynchronous change",
                sim.set_state(mgr, ON, false),
            );
            r(
                "literal, blocking during one",
                sim.set_state(mgr, OFF, true),
            );
        }
        ("S_OK", "CAP-5, CUR-4") => {
            let (mut sim, mgr, _) = world();
            r("GetCapabilities", sim.get_capabilities(mgr, Out::Valid).hr);
            r("GetCurrentState", sim.get_current_state(mgr, Out::Valid).hr);
        }
        ("S_OK", "OFF-1, MGR-3") => {
            let (mut sim, mgr, _) = world();
            for iid in [IID_IUNKNOWN, IID_IMAPIOFFLINE, IID_IMAPIOFFLINEMGR] {
                r(
                    "QueryInterface",
                    sim.query_interface(mgr, Some(iid), Out::Valid).hr,
                );
            }
        }
        ("S_OK", "ADV-1, ADV-3") => {
            let (mut sim, mgr, sink) = world();
            r("Advise", advise_with(&mut sim, mgr, sink, |_| {}));
        }
        ("S_OK", "UNADV-2") => {
            let (mut sim, mgr, sink) = world();
            let token = sim.advise_sink(mgr, sink, 7).unwrap();
            r("Unadvise", sim.unadvise(mgr, 0, token));
            r("Unadvise again", sim.unadvise(mgr, 0, token));
            r("an unknown token", sim.unadvise(mgr, 0, 999));
            let token = sim.advise_sink(mgr, sink, 7).unwrap();
            r("undocumented flags", sim.unadvise(mgr, 1, token));
        }
        ("S_OK", "CRE-6") => {
            let (mut sim, _, _) = world();
            r("HrCreateOfflineObj", create(&mut sim, 0, |_| {}));
        }
        ("E_PENDING", "SET-3, SET-4, SET-12") => {
            let (mut sim, mgr, _) = world();
            let child = sim.create_child("Outlook", BOTH, SOME_TYPE, mgr).unwrap();
            assert_eq!(sim.set_state(mgr, OFF, false), HResult::S_OK);
            r("during a change", sim.set_state(mgr, ON, false));
            r("again", sim.set_state(mgr, ON, true));
            r("elsewhere in the tree", sim.set_state(child, OFF, false));
        }
        ("E_PENDING", "NTF-8") => {
            r(
                "inside Notify",
                nested_set(&reentrant(Config::default(), false)),
            );
            r(
                "inside Notify, blocking",
                nested_set(&reentrant(Config::default(), true)),
            );
        }
        ("E_PENDING", "SET-4") => {
            r(
                "literal, inside a blocking change",
                nested_set(&reentrant(literal(), true)),
            );
        }
        ("E_INVALIDARG", "SET-5, SET-6, SET-7, SET-9") => {
            let (mut sim, mgr, _) = world();
            r("ulFlags", sim.set_current_state(mgr, 0x1234, MASK, OFF, 0));
            r("ulMask", sim.set_current_state(mgr, 0, 0x7, OFF, 0));
            r("ulState", sim.set_current_state(mgr, 0, MASK, 0x4, 0));
            r("pReserved", sim.set_current_state(mgr, 0, MASK, OFF, 0x10));
        }
        ("E_INVALIDARG", "CAP-5, CUR-4") => {
            let (mut sim, mgr, _) = world();
            r(
                "GetCapabilities(NULL)",
                sim.get_capabilities(mgr, Out::Null).hr,
            );
            r(
                "GetCurrentState(NULL)",
                sim.get_current_state(mgr, Out::Null).hr,
            );
        }
        ("E_INVALIDARG", "ADV-3, ADV-9") => {
            let (mut sim, mgr, sink) = world();
            let info = sim.advise_info(7, sink);
            r("ulFlags", sim.advise(mgr, 1, Some(&info), Out::Valid).hr);
            r(
                "ulSize",
                advise_with(&mut sim, mgr, sink, |a| a.ul_size += 1),
            );
            r(
                "CallbackType",
                advise_with(&mut sim, mgr, sink, |a| a.callback_type = 1),
            );
            r(
                "ulAdviseTypes",
                advise_with(&mut sim, mgr, sink, |a| a.ul_advise_types = 2),
            );
            r(
                "ulStateMask",
                advise_with(&mut sim, mgr, sink, |a| a.ul_state_mask = 0),
            );
            r("NULL pAdviseInfo", sim.advise(mgr, 0, None, Out::Valid).hr);
            r(
                "NULL pulAdviseToken",
                sim.advise(mgr, 0, Some(&info), Out::Null).hr,
            );
        }
        ("E_INVALIDARG", "CRE-1, CRE-5, CRE-6") => {
            let (mut sim, _, sink) = world();
            let size = sim.config().arch.sizeof_aggregateinfo();
            r("ulFlags", create(&mut sim, 1, |_| {}));
            r(
                "ulCreateFlags",
                create(&mut sim, 0, |c| c.ul_create_flags = 1),
            );
            r(
                "pConnectInfo",
                create(&mut sim, 0, |c| c.p_connect_info = 0x10),
            );
            r(
                "pRefTrackRoot",
                create(&mut sim, 0, |c| {
                    c.p_aggregate_info = Some(AggregateInfo {
                        ul_size: size,
                        p_outer_obj: sink,
                        p_ref_track_root: sink,
                    })
                }),
            );
            r("ulSize", create(&mut sim, 0, |c| c.ul_size += 1));
            r(
                "NULL pwszProfileName",
                create(&mut sim, 0, |c| c.pwsz_profile_name = None),
            );
            r(
                "unknown profile",
                create(&mut sim, 0, |c| c.pwsz_profile_name = Some("Nobody".into())),
            );
            r(
                "NULL pCreateInfo",
                sim.hr_create_offline_obj(0, None, Out::Valid).hr,
            );
            let ci = create_info(&sim);
            r(
                "NULL ppOffline",
                sim.hr_create_offline_obj(0, Some(&ci), Out::Null).hr,
            );
        }
        ("E_INVALIDARG", "CRE-2, CRE-6") => {
            let (mut sim, _, _) = world();
            r(
                "pGUID unreadable",
                create(&mut sim, 0, |c| c.p_guid = GuidPtr::addr(0x1234)),
            );
            r(
                "pInstance unreadable",
                create(&mut sim, 0, |c| c.p_instance = GuidPtr::addr(0x1234)),
            );
        }
        ("E_INVALIDARG", "MGR-3") => {
            let (mut sim, mgr, _) = world();
            r(
                "NULL riid",
                sim.query_interface(mgr, None::<Guid>, Out::Valid).hr,
            );
            r(
                "NULL ppvObject",
                sim.query_interface(mgr, Some(IID_IUNKNOWN), Out::Null).hr,
            );
            r(
                "unreadable riid",
                sim.query_interface(mgr, GuidPtr::addr(0x1234), Out::Valid)
                    .hr,
            );
        }
        ("E_NOINTERFACE", "MGR-3, CRE-5") => {
            let (mut sim, mgr, _) = world();
            r(
                "another IID",
                sim.query_interface(mgr, Some(IID_IMAPIOFFLINENOTIFY), Out::Valid)
                    .hr,
            );
            let outer = sim.create_sink(SinkSpec::new("outer")).unwrap();
            let size = sim.config().arch.sizeof_aggregateinfo();
            let mut ci = create_info(&sim);
            ci.p_aggregate_info = Some(AggregateInfo {
                ul_size: size,
                p_outer_obj: outer,
                p_ref_track_root: Ptr::NULL,
            });
            let inner = sim
                .hr_create_offline_obj(0, Some(&ci), Out::Valid)
                .out
                .unwrap();
            r(
                "aggregated, the outer lacks it",
                sim.query_interface(inner, Some(SOME_TYPE), Out::Valid).hr,
            );
        }
        ("E_NOINTERFACE", "ADV-3, ADV-6, ADV-9") => {
            let (mut sim, mgr, _) = world();
            r(
                "NULL pCallback",
                advise_with(&mut sim, mgr, Ptr::NULL, |_| {}),
            );
            let deaf = sim
                .create_sink(SinkSpec {
                    implements_notify: false,
                    ..SinkSpec::new("deaf")
                })
                .unwrap();
            r(
                "no IMAPIOfflineNotify",
                advise_with(&mut sim, mgr, deaf, |_| {}),
            );
        }
        ("E_NOTIMPL", "OFF-2, OFF-3, MGR-2") => {
            let (mut sim, mgr, _) = world();
            for slot in [6, 9, 10, 11, 12, 13, 14, 15] {
                r("placeholder slot", sim.call_slot(mgr, slot));
            }
        }
        ("MAPI_E_NOT_FOUND", "OPEN-7") => {
            let (mut sim, _, _) = world();
            r(
                "a failure",
                open_with(
                    &mut sim,
                    0,
                    Some("Nobody"),
                    GLOBAL,
                    GuidPtr::Null,
                    Out::Valid,
                ),
            );
        }
        ("MAPI_E_NOT_FOUND", "OPEN-8") => {
            let mut sim = Sim::default();
            sim.add_profile(ProfileSpec {
                caller_inside_outlook: false,
                ..ProfileSpec::new("Outlook")
            })
            .unwrap();
            r(
                "outside Outlook",
                open_with(
                    &mut sim,
                    0,
                    Some("Outlook"),
                    GLOBAL,
                    GuidPtr::Null,
                    Out::Valid,
                ),
            );
        }
        ("MAPI_E_NOT_FOUND", "OPEN-2, OPEN-4, OPEN-5, OPEN-11") => {
            let (mut sim, _, _) = world();
            let name = Some("Outlook");
            let null = GuidPtr::Null;
            r(
                "ulReserved",
                open_with(&mut sim, 1, name, GLOBAL, null, Out::Valid),
            );
            let other = GuidPtr::To(IID_IUNKNOWN);
            r(
                "pGUID",
                open_with(&mut sim, 0, name, other, null, Out::Valid),
            );
            r(
                "NULL pGUID",
                open_with(&mut sim, 0, name, null, null, Out::Valid),
            );
            let unreadable = GuidPtr::addr(0x1234);
            r(
                "unreadable pGUID",
                open_with(&mut sim, 0, name, unreadable, null, Out::Valid),
            );
            r(
                "pReserved",
                open_with(&mut sim, 0, name, GLOBAL, GLOBAL, Out::Valid),
            );
            r(
                "NULL ppOfflineObj",
                open_with(&mut sim, 0, name, GLOBAL, null, Out::Null),
            );
            r(
                "unknown profile",
                open_with(&mut sim, 0, Some("Nobody"), GLOBAL, null, Out::Valid),
            );
            r(
                "NULL profile",
                open_with(&mut sim, 0, None, GLOBAL, null, Out::Valid),
            );
        }
        _ => return None,
    }
    Some(out)
}

#[test]
fn every_returned_by_line_is_what_the_simulator_returns() {
    let mut seen = BTreeSet::new();
    let mut wrong = Vec::new();
    for s in hresult_sources() {
        let clauses = s.clauses.join(", ");
        let expected = HRESULTS
            .iter()
            .find(|h| h.name == s.hresult)
            .unwrap_or_else(|| panic!("{} is not an HRESULT", s.hresult))
            .value;
        let Some(got) = results(s.hresult, &clauses) else {
            panic!(
                "no check for {} from {} ({clauses}): add one to results()",
                s.hresult, s.call
            );
        };
        assert!(!got.is_empty(), "{} ({clauses}) makes no call", s.hresult);
        assert!(
            seen.insert((s.hresult, clauses.clone())),
            "two lines of {} cite {clauses}: make the key unique",
            s.hresult
        );
        for (what, hr) in got {
            if hr != expected {
                wrong.push(format!(
                    "{} from {} ({clauses}), {what}: the simulator returns {hr}",
                    s.hresult, s.call
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "explain says otherwise:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn results_that_no_call_returns_have_no_returned_by_line() {
    let listed: BTreeSet<&str> = hresult_sources().map(|s| s.hresult).collect();
    for h in [
        "MAPI_E_OFFLINE",
        "MAPI_E_RECONNECTED",
        "MAPI_E_END_OF_SESSION",
    ] {
        assert!(!listed.contains(h), "{h} is not returned by any call");
    }
}
