//! The trace renderers (`mapioffline::render`): Markdown, Mermaid and C++.
//!
//! Each test builds a trace with the simulator, renders it, and asserts concrete content.
//! The C++ is also compiled with `g++ -fsyntax-only` against the C library's header
//! (`ffi/include/mapioffline.h`), by tests that a plain `cargo test` counts as ignored and
//! `cargo xtask test` runs (installing g++ first).

use mapioffline::consts::*;
use mapioffline::render::{cpp, markdown, mermaid};
use mapioffline::trace::{Caller, EventKind, Func, Severity};
use mapioffline::*;
use std::path::PathBuf;
use std::process::Command;

const ON: u32 = MAPIOFFLINE_STATE_ONLINE;
const OFF: u32 = MAPIOFFLINE_STATE_OFFLINE;

// ---------------------------------------------------------------------- traces

/// The sample add-in (spec §8): Init Monitor, SetCurrentState(BLOCK), GetCurrentState,
/// an asynchronous change, Deinit Monitor.
fn sample_addin() -> Trace {
    let mut sim = Sim::default();
    sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
    let sink = sim.create_sink(SinkSpec::new("CMyOfflineNotify")).unwrap();
    // Init Monitor.
    let mgr = sim.open("Outlook").unwrap();
    let offline = sim
        .query_interface(mgr, Some(IID_IMAPIOFFLINE), Out::Valid)
        .out
        .unwrap();
    let caps = sim.get_capabilities(offline, Out::Valid).out.unwrap();
    assert_ne!(
        caps & (MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE),
        0
    );
    let token = sim.advise_sink(mgr, sink, 0).unwrap();
    sim.release(offline);
    // SetCurrentState(BLOCK, OFFLINE), then back online asynchronously.
    assert_eq!(sim.set_state(mgr, OFF, true), HResult::S_OK);
    sim.current_state(mgr).unwrap();
    assert_eq!(sim.set_state(mgr, ON, false), HResult::S_OK);
    assert_eq!(sim.set_state(mgr, OFF, false), HResult::E_PENDING);
    sim.advance(5).unwrap();
    // Deinit Monitor.
    sim.unadvise(mgr, MAPIOFFLINE_UNADVISE_DEFAULT, token);
    sim.release(mgr);
    sim.release(sink);
    sim.shutdown().unwrap();
    sim.take_trace()
}

/// A sink that Unadvises its own registration from inside Notify (UNADV-4), during a
/// blocking change; another one that receives on.
fn unadvise_in_notify() -> (Trace, Ptr) {
    let mut sim = Sim::default();
    sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
    let mgr = sim.global_object("Outlook").unwrap();
    let quitter = sim
        .create_sink(SinkSpec::new("quitter").reacting(Reaction {
            on: Some(MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START),
            once: true,
            action: Action::Unadvise { mgr, token: None },
        }))
        .unwrap();
    let stayer = sim.create_sink(SinkSpec::new("stayer")).unwrap();
    let m = sim.open("Outlook").unwrap();
    sim.get_capabilities(m, Out::Valid);
    sim.advise_sink(m, quitter, 1).unwrap();
    let t2 = sim.advise_sink(m, stayer, 2).unwrap();
    assert_eq!(sim.set_state(m, OFF, true), HResult::S_OK);
    sim.unadvise(m, 0, t2);
    sim.release(m);
    sim.release(quitter);
    sim.release(stayer);
    (sim.take_trace(), quitter)
}

/// One sink registered twice (client tokens 7 and 8) that Unadvises the registration
/// being notified: Notify must tell them apart by ulClientToken.
fn registered_twice() -> Trace {
    let mut sim = Sim::default();
    sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
    let mgr = sim.global_object("Outlook").unwrap();
    let sink = sim
        .create_sink(SinkSpec::new("twice").reacting(Reaction {
            on: Some(MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE),
            once: false,
            action: Action::Unadvise { mgr, token: None },
        }))
        .unwrap();
    let m = sim.open("Outlook").unwrap();
    sim.get_capabilities(m, Out::Valid);
    sim.advise_sink(m, sink, 7).unwrap();
    sim.advise_sink(m, sink, 8).unwrap();
    sim.set_state(m, OFF, true);
    sim.release(m);
    sim.release(sink);
    sim.take_trace()
}

/// Wrong arguments: a 32-bit ulSize in a 64-bit client, NULL out pointers, a pointer the
/// simulator never handed out, a NULL `this`, a placeholder slot, an unknown profile.
fn bad_arguments() -> Trace {
    let mut sim = Sim::default();
    sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
    let sink = sim.create_sink(SinkSpec::new("sink")).unwrap();
    sim.hr_open_offline_obj(0, Some("Outlook"), Some(GUID_GLOBAL_STATE), None, Out::Null);
    sim.hr_open_offline_obj(0, Some("Outlok"), Some(GUID_GLOBAL_STATE), None, Out::Valid);
    let mgr = sim.open("Outlook").unwrap();
    sim.get_capabilities(mgr, Out::Valid);
    let mut info = sim.advise_info(3, sink);
    info.ul_size = Arch::X86.sizeof_adviseinfo();
    assert_eq!(
        sim.advise(mgr, 0, Some(&info), Out::Valid).hr,
        HResult::E_INVALIDARG
    );
    sim.advise(mgr, 0, Some(&sim.advise_info(3, sink)), Out::Null);
    sim.set_current_state(
        Ptr(0x1234),
        MAPIOFFLINE_FLAG_BLOCK,
        MAPIOFFLINE_STATE_OFFLINE_MASK,
        OFF,
        0,
    );
    sim.release(Ptr::NULL);
    sim.call_slot(mgr, 9);
    sim.get_current_state(mgr, Out::Null);
    sim.release(mgr);
    sim.set_state(mgr, OFF, false); // after the last Release
    sim.release(sink);
    sim.take_trace()
}

/// A child object (CRE-*) under the global one, with its own sink.
fn child_object() -> Trace {
    let mut sim = Sim::default();
    sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
    let store_sink = sim.create_sink(SinkSpec::new("CStoreSink")).unwrap();
    let mgr = sim.open("Outlook").unwrap();
    let store_type = Guid::parse("{6F3A2C10-1D2E-4B5A-9C8D-7E6F5A4B3C2D}").unwrap();
    let child = sim
        .create_child(
            "Outlook",
            MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE,
            store_type,
            mgr,
        )
        .unwrap();
    sim.get_capabilities(child, Out::Valid);
    let token = sim.advise_sink(child, store_sink, 42).unwrap();
    sim.set_state(mgr, OFF, true);
    sim.network_down().unwrap();
    sim.network_up().unwrap();
    sim.run_until_idle().unwrap();
    sim.unadvise(child, 0, token);
    sim.release(child);
    sim.release(mgr);
    sim.release(store_sink);
    sim.shutdown().unwrap();
    sim.take_trace()
}

/// Reactions written in the scenario language: calls exactly as written, `self`, `own`,
/// names bound later and by reactions, a slot by number, a placeholder.
fn scenario_reactions() -> Trace {
    let o = mapioffline::scenario::run_script(
        "profile \"P\"\n\
         sink a when START once: m->Advise(0, &{ulClientToken = 5, pCallback = self}, &t2) when DONE once: m->Unadvise(0, first) when STATECHANGE: self->AddRef() when STATECHANGE: self->Release() when DONE: m->vtbl[5](&x) when DONE once: m->QueryInterface(IID_IMAPIOffline, &q) when DONE once: m->vtbl[9]()\n\
         HrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->GetCapabilities(&c)\nm->Advise(0, &{ulClientToken = 1, pCallback = a}, &first)\n\
         m->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\n\
         m->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, NULL)\n\
         m->Unadvise(0, t2)\nq->Release()\nm->Release()\nshutdown\n",
    )
    .unwrap();
    assert!(o.failures.is_empty(), "{:?}", o.failures);
    o.trace
}

fn all_traces() -> Vec<(&'static str, Trace)> {
    vec![
        ("sample_addin", sample_addin()),
        ("unadvise_in_notify", unadvise_in_notify().0),
        ("registered_twice", registered_twice()),
        ("bad_arguments", bad_arguments()),
        ("child_object", child_object()),
        ("scenario_reactions", scenario_reactions()),
    ]
}

/// Fails, saying what to install, when g++ is missing: the tests that compile the
/// renderer's C++ are `#[ignore]`d for a plain `cargo test` (its summary counts them) and
/// run by `cargo xtask test`, which installs g++ first.
fn require_gxx() {
    assert!(
        Command::new("g++").arg("--version").output().is_ok(),
        "g++ is not installed: `cargo xtask test` installs it, or run `apt-get install g++`"
    );
}

fn contains_all(text: &str, wants: &[&str]) {
    for w in wants {
        assert!(text.contains(w), "missing {w:?} in:\n{text}");
    }
}

/// Lines of the C++ that are statements of `RunClient` (not comments).
fn statements(c: &str) -> Vec<&str> {
    let start = c.find("HRESULT RunClient()").expect("RunClient");
    c[start..]
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .collect()
}

// ---------------------------------------------------------------------- C++

#[test]
fn cpp_sample_addin_is_the_sample_code() {
    let c = cpp::render(&sample_addin());
    contains_all(
        &c,
        &[
            "#ifdef MAPIOFFLINE_SIM\n#include \"mapioffline.h\"\n#else\n#include <windows.h>\n#include <mapix.h>\n#include <mapiutil.h>",
            "class CMyOfflineNotify : public IMAPIOfflineNotify",
            "STDMETHODIMP QueryInterface(REFIID riid, void** ppvObject)",
            "STDMETHODIMP_(ULONG) AddRef()",
            "STDMETHODIMP_(ULONG) Release()",
            "void STDMETHODCALLTYPE CMyOfflineNotify::Notify(const MAPIOFFLINE_NOTIFY* pNotifyInfo)",
            "pNotifyInfo->NotifyType == MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START ||",
            "pNotifyInfo->NotifyType == MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE) &&",
            "pNotifyInfo->Info.StateChange.ulMask == MAPIOFFLINE_STATE_OFFLINE_MASK;",
            "static IMAPIOfflineMgr* pMgr = NULL;",
            "static IMAPIOffline* pOffline = NULL;",
            "static CMyOfflineNotify* pSink_CMyOfflineNotify = NULL;",
            "static ULONG ulAdviseToken = 0;",
            "pSink_CMyOfflineNotify = new CMyOfflineNotify();",
            "hr = HrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &pMgr); // S_OK, pMgr = 0x00A00000 (global \"Outlook\")",
            "hr = pMgr->QueryInterface(IID_IMAPIOffline, (void**)&pOffline); // S_OK",
            "hr = pOffline->GetCapabilities(&ulCapabilities); // S_OK, ulCapabilities = MAPIOFFLINE_CAPABILITY_OFFLINE|MAPIOFFLINE_CAPABILITY_ONLINE",
            "    adviseInfo.ulSize = sizeof(MAPIOFFLINE_ADVISEINFO);\n    adviseInfo.ulClientToken = 0;\n    adviseInfo.CallbackType = MAPIOFFLINE_CALLBACK_TYPE_NOTIFY;\n    adviseInfo.pCallback = pSink_CMyOfflineNotify;\n    adviseInfo.ulAdviseTypes = MAPIOFFLINE_ADVISE_TYPE_STATECHANGE;\n    adviseInfo.ulStateMask = MAPIOFFLINE_STATE_ALL;\n    hr = pMgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &adviseInfo, &ulAdviseToken); // S_OK, ulAdviseToken = 1",
            "pOffline->Release(); // reference count 1",
            "hr = pMgr->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL); // S_OK",
            "hr = pMgr->GetCurrentState(&ulState); // S_OK, ulState = 0x00000001 (MAPIOFFLINE_STATE_OFFLINE)",
            "hr = pMgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL); // E_PENDING; note[SET-3]",
            "// (time) 5 tick(s) pass: t=0 → t=5",
            "hr = pMgr->Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, ulAdviseToken); // S_OK",
            "pMgr->Release(); // reference count 0",
            "pSink_CMyOfflineNotify->Release(); // reference count 0",
            "    return hr;\n}\n",
        ],
    );
    // The notifications of the blocking call are shown inside it, as comments.
    let set = c.find("MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL); // S_OK").unwrap();
    let next = set + c[set..].find("hr = pMgr->GetCurrentState").unwrap();
    assert_eq!(
        c[set..next].matches("->Notify({").count(),
        3,
        "{}",
        &c[set..next]
    );
    // One statement per top-level client call, plus the sink's creation.
    let t = sample_addin();
    let calls = t
        .events
        .iter()
        .filter(|e| {
            e.depth == 0
                && matches!(
                    e.kind,
                    EventKind::Call {
                        by: Caller::Client,
                        ..
                    }
                )
        })
        .count();
    let calls_in_code = statements(&c)
        .iter()
        .filter(|l| {
            l.starts_with("hr = ") || l.ends_with("Release();") || l.contains("->Release(); //")
        })
        .count();
    assert_eq!(calls_in_code, calls);
}

#[test]
fn cpp_calls_from_inside_notify_belong_to_the_sink() {
    let (t, _) = unadvise_in_notify();
    let c = cpp::render(&t);
    contains_all(
        &c,
        &[
            "class CQuitter : public IMAPIOfflineNotify",
            "// In Notify: 0x00A00000->Unadvise(own token) on MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START once",
            "CQuitter() : m_cRef(1), m_ulStateOld(0), m_ulStateNew(0), m_bFired0(false) {}",
            "    if (pNotifyInfo->NotifyType == MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START && !m_bFired0)\n    {\n        m_bFired0 = true;\n        pMgr->Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, ulAdviseToken);\n    }",
            // In RunClient the nested Unadvise is only a comment under the blocking call.
            "    //     client → 0x00A00000 (global \"Outlook\")->Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, 1)",
            "hr = pMgr->Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, ulAdviseToken2); // S_OK",
        ],
    );
    // The "stayer" sink has no reactions: its Notify only reads the change.
    let stayer = c.find("void STDMETHODCALLTYPE CStayer::Notify").unwrap();
    assert!(!c[stayer..]
        .split("\n}\n")
        .next()
        .unwrap()
        .contains("->Unadvise("));
    // Only the client's own Unadvise is a statement.
    let unadvises: Vec<_> = statements(&c)
        .into_iter()
        .filter(|l| l.contains("->Unadvise("))
        .collect();
    assert_eq!(unadvises.len(), 1, "{unadvises:?}");
}

#[test]
fn cpp_notify_tells_registrations_apart_by_client_token() {
    let c = cpp::render(&registered_twice());
    contains_all(
        &c,
        &[
            "ULONG ulToken = 0; // the registration being notified, by its ulClientToken (ADV-5)",
            "if (pNotifyInfo->ulClientToken == 7)\n            ulToken = ulAdviseToken;\n        else if (pNotifyInfo->ulClientToken == 8)\n            ulToken = ulAdviseToken2;",
            "pMgr->Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, ulToken);",
            "hr = pMgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &adviseInfo, &ulAdviseToken2); // S_OK, ulAdviseToken2 = 2",
        ],
    );
}

#[test]
fn cpp_reproduces_wrong_arguments_verbatim() {
    let c = cpp::render(&bad_arguments());
    contains_all(
        &c,
        &[
            "hr = HrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, NULL); // MAPI_E_NOT_FOUND; error[OPEN-11], note[OPEN-11]",
            "//   error[OPEN-11]: ppOfflineObj is NULL: there is nowhere to write the object",
            "hr = HrOpenOfflineObj(0, L\"Outlok\", &GUID_GlobalState, NULL, &pMgr); // MAPI_E_NOT_FOUND; error[OPEN-3], note[OPEN-11]",
            // The failed open named pMgr; the successful one fills it.
            "hr = HrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &pMgr); // S_OK",
            "adviseInfo.ulSize = 24; // sizeof(MAPIOFFLINE_ADVISEINFO) is 32 on x64 (ADV-4)",
            "hr = pMgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &adviseInfo, &ulAdviseToken); // E_INVALIDARG; error[ADV-4, R2], note[ADV-9]",
            "hr = pMgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &adviseInfo, NULL); // E_INVALIDARG; error[ADV-9], note[ADV-9]",
            "hr = ((IMAPIOfflineMgr*)0x00001234)->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL); // E_INVALIDARG; error[ptr.invalid]",
            "((IMAPIOfflineMgr*)NULL)->Release(); // reference count 0; error[ptr.null_this]",
            "typedef HRESULT(STDMETHODCALLTYPE* PFNVTABLESLOT)(void* pThis);",
            "hr = reinterpret_cast<PFNVTABLESLOT>((*reinterpret_cast<void***>(pMgr))[9])(pMgr); // E_NOTIMPL; error[OFF-3, R7]",
            "hr = pMgr->GetCurrentState(NULL); // E_INVALIDARG; error[CUR-4]",
            // After its last Release the variable still holds the (dangling) pointer.
            "hr = pMgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL); // S_OK; error[OPEN-10, R4]",
        ],
    );
}

#[test]
fn cpp_reactions_are_the_calls_as_written() {
    let c = cpp::render(&scenario_reactions());
    contains_all(
        &c,
        &[
            "adviseInfo.pCallback = (IUnknown*)this;",
            "->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &adviseInfo, &ulNotifyAdviseToken);",
            "->Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, ulAdviseToken /* first */);",
            "this->AddRef();",
            "this->Release();",
            "->GetCurrentState(&ulState);",
            "->QueryInterface(IID_IMAPIOffline, &pv);",
            "typedef HRESULT(STDMETHODCALLTYPE* PFNVTABLESLOT)(void* pThis);",
            "[9])(",
        ],
    );
}

/// `render_with_lines` says where each event is written: a top-level client call at the
/// statement that makes it (the call is on one of the lines before the next event's), its
/// return on the call's line, and the other events in order, all inside the text.
#[test]
fn cpp_event_lines_point_at_each_events_statement() {
    for (name, t) in all_traces() {
        let r = cpp::render_with_lines(&t);
        assert_eq!(r.text, cpp::render(&t), "{name}");
        assert_eq!(r.event_lines.len(), t.events.len(), "{name}");
        let lines: Vec<&str> = r.text.lines().collect();
        // In trace order, but for returns, which point back at their call.
        let forward: Vec<usize> = t
            .events
            .iter()
            .zip(&r.event_lines)
            .filter(|(e, _)| !matches!(e.kind, EventKind::Return { .. }))
            .map(|(_, &l)| l)
            .collect();
        assert!(
            forward.windows(2).all(|w| w[0] <= w[1]),
            "{name}: lines go back"
        );
        let rets = mapioffline::trace::walk::returns(&t.events);
        let mut calls = 0;
        for (i, e) in t.events.iter().enumerate() {
            let at = r.event_lines[i];
            assert!(at < lines.len(), "{name}: event {i} at line {at}");
            let EventKind::Call {
                by: Caller::Client,
                call,
            } = &e.kind
            else {
                continue;
            };
            if e.depth != 0 {
                continue;
            }
            calls += 1;
            let end = t.events[i + 1..]
                .iter()
                .zip(&r.event_lines[i + 1..])
                .map(|(_, &l)| l)
                .find(|&l| l > at)
                .unwrap_or(lines.len());
            // A placeholder slot is called by its index (`[9]`), not by a name.
            let method = match call.func() {
                Func::Slot => "PFNVTABLESLOT".to_string(),
                f => f.to_string(),
            };
            assert!(
                lines[at..end.max(at + 1)]
                    .iter()
                    .any(|l| l.contains(&method)),
                "{name}: event {i} ({method}) at line {at}: {:?}",
                &lines[at..end.max(at + 1)]
            );
            if let Some(ret) = rets[i] {
                assert!(r.event_lines[ret] >= at, "{name}: return of {i}");
                assert!(
                    lines[r.event_lines[ret]].contains(&method),
                    "{name}: the return of event {i} is at {:?}",
                    lines[r.event_lines[ret]]
                );
            }
        }
        assert!(calls > 0, "{name} has no top-level call");
    }
}

#[test]
fn cpp_child_object_fills_createinfo() {
    let c = cpp::render(&child_object());
    contains_all(
        &c,
        &[
            "static const GUID GUID_6F3A2C10_1D2E_4B5A_9C8D_7E6F5A4B3C2D = {0x6F3A2C10, 0x1D2E, 0x4B5A, {0x9C, 0x8D, 0x7E, 0x6F, 0x5A, 0x4B, 0x3C, 0x2D}};",
            "    createInfo.ulSize = sizeof(MAPIOFFLINE_CREATEINFO);\n    createInfo.ulCreateFlags = 0;\n    createInfo.pwszProfileName = L\"Outlook\";\n    createInfo.ulCapabilities = MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE;\n    createInfo.pGUID = &GUID_6F3A2C10_1D2E_4B5A_9C8D_7E6F5A4B3C2D;\n    createInfo.pInstance = NULL;\n    createInfo.pParent = pMgr;\n    createInfo.pMAPISupport = NULL;\n    createInfo.pAggregateInfo = NULL;\n    createInfo.pConnectInfo = NULL;\n    hr = HrCreateOfflineObj(0, &createInfo, &pMgr2); // S_OK, pMgr2 = 0x00A00010 (offline object of \"Outlook\")",
            "hr = pMgr2->GetCapabilities(&ulCapabilities);",
            "adviseInfo.pCallback = pSink_CStoreSink;",
            "hr = pMgr2->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &adviseInfo, &ulAdviseToken); // S_OK",
            "// (Outlook) the network goes down",
            "// (Outlook) the network comes back",
            "hr = pMgr2->Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, ulAdviseToken); // S_OK",
            "pMgr2->Release(); // reference count 0",
            "pMgr->Release(); // reference count 0",
        ],
    );
}

/// Compiles every trace's C++ with `g++ -fsyntax-only` against the C library's header.
/// Traces of correct clients must compile without a single warning; the one with wrong
/// arguments must compile (g++ may rightly warn about its NULL `this`).
#[test]
#[ignore = "needs g++: `cargo xtask test` installs it and runs this (or `cargo test -- --ignored`)"]
fn cpp_compiles_with_gxx_against_the_c_header() {
    require_gxx();
    let include = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ffi/include");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("render-cpp");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, t) in all_traces() {
        let file = dir.join(format!("{name}.cpp"));
        std::fs::write(&file, cpp::render(&t)).unwrap();
        let mut cmd = Command::new("g++");
        cmd.args([
            "-std=c++11",
            "-fsyntax-only",
            "-Wall",
            "-Wextra",
            "-fshort-wchar",
            "-DMAPIOFFLINE_SIM",
        ])
        .arg("-I")
        .arg(&include);
        if name != "bad_arguments" {
            cmd.arg("-Werror");
        }
        let out = cmd.arg(&file).output().unwrap();
        assert!(
            out.status.success(),
            "g++ rejected {}:\n{}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Every lesson's C++ (what the playground's C++ view shows for it) compiles against the C
/// library's header, as its first comment tells a learner to build it. A lesson whose
/// client passes wrong arguments on purpose (a diagnostic of severity error) may draw a
/// warning; every other lesson compiles without one.
#[test]
#[ignore = "needs g++: `cargo xtask test` installs it and runs this (or `cargo test -- --ignored`)"]
fn every_lessons_cpp_compiles_with_gxx_against_the_c_header() {
    require_gxx();
    let include = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ffi/include");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("render-lessons");
    std::fs::create_dir_all(&dir).unwrap();
    assert!(!mapioffline::lessons::LESSONS.is_empty());
    for lesson in mapioffline::lessons::LESSONS {
        let trace = lesson
            .run()
            .unwrap_or_else(|e| panic!("lesson {} does not run: {e:?}", lesson.name))
            .trace;
        let file = dir.join(format!("{}.cpp", lesson.name));
        std::fs::write(&file, cpp::render(&trace)).unwrap();
        let wrong_on_purpose = trace
            .events
            .iter()
            .any(|e| matches!(&e.kind, EventKind::Diagnostic(d) if d.severity == Severity::Error));
        let mut cmd = Command::new("g++");
        cmd.args([
            "-std=c++11",
            "-fsyntax-only",
            "-Wall",
            "-Wextra",
            "-fshort-wchar",
            "-DMAPIOFFLINE_SIM",
        ])
        .arg("-I")
        .arg(&include);
        if !wrong_on_purpose {
            cmd.arg("-Werror");
        }
        let out = cmd.arg(&file).output().unwrap();
        assert!(
            out.status.success(),
            "g++ rejected lesson {} ({}):\n{}",
            lesson.name,
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

// ---------------------------------------------------------------------- Mermaid

/// Message and note texts of a diagram (after the first `: `).
fn mermaid_texts(m: &str) -> Vec<&str> {
    m.lines()
        .skip(1)
        .filter(|l| !l.trim_start().starts_with("participant "))
        .map(|l| l.split_once(": ").map(|(_, t)| t).unwrap_or(""))
        .collect()
}

/// Removes Mermaid entity codes (`#59;`, `#quot;`).
fn strip_entities(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('#') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let word = after
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(after.len());
        if word > 0 && after[word..].starts_with(';') {
            rest = &after[word + 1..];
        } else {
            out.push('#');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn mermaid_is_a_valid_sequence_diagram() {
    for (name, t) in all_traces() {
        let m = mermaid::render(&t);
        assert!(m.starts_with("sequenceDiagram\n"), "{name}");
        let mut declared: Vec<String> = Vec::new();
        let mut seen_message = false;
        for l in m.lines().skip(1) {
            let l = l.trim();
            if let Some(rest) = l.strip_prefix("participant ") {
                assert!(
                    !seen_message,
                    "{name}: participant declared after a message: {l}"
                );
                let (alias, label) = rest.split_once(" as ").unwrap();
                assert!(
                    alias.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                    "{name}: alias {alias:?}"
                );
                let raw = strip_entities(label);
                assert!(
                    !raw.contains(';') && !raw.contains('#'),
                    "{name}: label {label:?}"
                );
                declared.push(alias.to_string());
                continue;
            }
            seen_message = true;
            let (head, text) = l.split_once(": ").unwrap_or_else(|| panic!("{name}: {l}"));
            let raw = strip_entities(text);
            assert!(!raw.contains(';'), "{name}: raw ; in {l}");
            assert!(!raw.contains('#'), "{name}: raw # in {l}");
            assert!(!raw.contains("%%"), "{name}: %% in {l}");
            let actors: Vec<&str> = if let Some(over) = head.strip_prefix("Note over ") {
                over.split(',').collect()
            } else {
                let (from, to) = head
                    .split_once("-->>")
                    .or_else(|| head.split_once("->>"))
                    .unwrap_or_else(|| panic!("{name}: not an arrow: {l}"));
                vec![from, to]
            };
            for a in actors {
                assert!(
                    declared.iter().any(|d| d == a),
                    "{name}: {a} used before it is declared: {l}"
                );
            }
        }
        assert!(mermaid_texts(&m).iter().all(|t| !t.is_empty()));
    }
}

#[test]
fn mermaid_sample_addin_arrows() {
    let t = sample_addin();
    let m = mermaid::render(&t);
    contains_all(
        &m,
        &[
            "    participant Client as Client\n    participant MAPI as msmapi32.dll\n    participant obj_00A00000 as global #quot;Outlook#quot;\n    participant sink_00C00000 as sink #quot;CMyOfflineNotify#quot;\n",
            "    Client->>MAPI: HrOpenOfflineObj(0, L#quot;Outlook#quot;, #38;GUID_GlobalState, NULL, #38;pOfflineObj)\n",
            "    MAPI-->>Client: HrOpenOfflineObj = S_OK, *out = 0x00A00000 (global #quot;Outlook#quot;)\n",
            "    Client->>obj_00A00000: SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\n",
            "    obj_00A00000->>sink_00C00000: Notify(MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START, ulClientToken=0, MAPIOFFLINE_STATE_ONLINE → MAPIOFFLINE_STATE_OFFLINE)\n",
            "    obj_00A00000-->>Client: SetCurrentState = E_PENDING\n",
            // Outlook's QueryInterface on pCallback during Advise starts at the object.
            "    obj_00A00000->>sink_00C00000: QueryInterface(IID_IMAPIOfflineNotify, #38;pv)\n",
            "    Note over obj_00A00000: note[SET-3]: transition #35;2 is in progress: E_PENDING until it completes#59; try again after STATECHANGE_DONE (R5)\n",
            "    Note over Client,sink_00C00000: t=0: advance time 0 → 5\n",
        ],
    );
    // Every notification is an arrow, every return a dashed arrow.
    let notifies = t.notifications().count();
    assert_eq!(m.matches("->>sink_00C00000: Notify(").count(), notifies);
    let returns = t
        .events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Return { .. }))
        .count();
    assert_eq!(m.matches("-->>").count(), returns);
}

#[test]
fn mermaid_calls_from_inside_notify_start_at_the_sink() {
    let (t, _) = unadvise_in_notify();
    let m = mermaid::render(&t);
    contains_all(
        &m,
        &[
            "    obj_00A00000->>sink_00C00000: Notify(MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START, ulClientToken=1, MAPIOFFLINE_STATE_ONLINE → MAPIOFFLINE_STATE_OFFLINE)\n    sink_00C00000->>obj_00A00000: Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, 1)\n",
            "    obj_00A00000->>sink_00C00000: Release()\n    sink_00C00000-->>obj_00A00000: Release = 1\n    obj_00A00000-->>sink_00C00000: Unadvise = S_OK\n",
            "Note over obj_00A00000: note[UNADV-4]",
        ],
    );
}

#[test]
fn mermaid_bad_pointers_and_children_are_participants() {
    let m = mermaid::render(&bad_arguments());
    contains_all(
        &m,
        &[
            "    participant ptr_00001234 as 0x00001234 (unknown pointer)\n",
            "    participant ptr_NULL as NULL\n",
            "    Client->>ptr_00001234: SetCurrentState(",
            "    Note over ptr_NULL: error[ptr.null_this]: Release called through a NULL interface pointer",
        ],
    );
    let m = mermaid::render(&child_object());
    contains_all(
        &m,
        &[
            "    participant obj_00A00010 as offline object of #quot;Outlook#quot;\n",
            "    Client->>MAPI: HrCreateOfflineObj(0, {ulSize=72,",
            "    obj_00A00010->>sink_00C00000: Notify(MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START, ulClientToken=42,",
            "Note over Client,sink_00C00000: environment: network down",
        ],
    );
}

// ---------------------------------------------------------------------- Markdown

#[test]
fn markdown_has_one_row_per_event() {
    for (name, t) in all_traces() {
        let md = markdown::render(&t);
        let mut lines = md.lines();
        assert_eq!(lines.next(), Some("| tick | depth | event |"), "{name}");
        assert_eq!(lines.next(), Some("|---:|---:|---|"), "{name}");
        let rows: Vec<&str> = lines.collect();
        assert_eq!(rows.len(), t.events.len(), "{name}");
        for (r, e) in rows.iter().zip(&t.events) {
            assert!(
                r.starts_with(&format!("| {} | {} | ", e.tick, e.depth)),
                "{name}: {r}"
            );
            assert!(r.ends_with(" |"), "{name}: {r}");
        }
    }
}

#[test]
fn markdown_marks_up_api_names_and_diagnostics() {
    let md = markdown::render(&bad_arguments());
    contains_all(
        &md,
        &[
            "client → `HrOpenOfflineObj`(0, L\"Outlook\", `&GUID_GlobalState`, `NULL`, `NULL`)",
            "| 0 | 1 | &emsp;**error** (`OPEN-11`): `ppOfflineObj` is `NULL`: there is nowhere to write the object |",
            "**error** (`ADV-4`, `R2`): `ulSize` is 24; `sizeof`(`MAPIOFFLINE_ADVISEINFO`) is 32",
            "**error** (`ptr.null_this`): `Release` called through a `NULL` interface pointer",
            "← `Advise` = `E_INVALIDARG`",
            "`MAPIOFFLINE_CAPABILITY_OFFLINE\\|MAPIOFFLINE_CAPABILITY_ONLINE`",
        ],
    );
}

#[test]
fn markdown_escapes_names_that_would_break_the_table() {
    let mut sim = Sim::default();
    sim.add_profile(ProfileSpec::new("A|B *c* [d](e) <i>"))
        .unwrap();
    sim.create_sink(SinkSpec::new("x`y|z\nw")).unwrap();
    let t = sim.take_trace();
    let md = markdown::render(&t);
    contains_all(
        &md,
        &[
            "profile \"A\\|B \\*c\\* \\[d\\](e) \\<i\\>\": global offline object `0x00A00000`",
            "client object \"x\\`y\\|z<br>w\" at `0x00C00000`",
        ],
    );
    assert_eq!(md.lines().count(), 2 + t.events.len());
}

// ---------------------------------------------------------------------- all renderers

#[test]
fn renderers_are_deterministic_and_read_only_the_trace() {
    for (name, t) in all_traces() {
        // The JSON round trip gives the same output: renderers use nothing but the trace.
        let back: Trace = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        assert_eq!(markdown::render(&t), markdown::render(&back), "{name}");
        assert_eq!(mermaid::render(&t), mermaid::render(&back), "{name}");
        assert_eq!(cpp::render(&t), cpp::render(&back), "{name}");
    }
    // The same session twice gives the same text, byte for byte.
    assert_eq!(cpp::render(&sample_addin()), cpp::render(&sample_addin()));
}

#[test]
fn renderers_accept_an_empty_trace() {
    let t = Sim::default().take_trace();
    assert_eq!(
        markdown::render(&t),
        "| tick | depth | event |\n|---:|---:|---|\n"
    );
    assert_eq!(
        mermaid::render(&t),
        "sequenceDiagram\n    participant Client as Client\n"
    );
    let c = cpp::render(&t);
    assert!(
        c.contains("HRESULT RunClient()\n{\n    HRESULT hr = S_OK;\n\n    return hr;\n}\n"),
        "{c}"
    );
}

#[test]
fn every_call_of_the_trace_is_rendered_somewhere() {
    // Each function the traces call appears in all three renderings.
    for (name, t) in all_traces() {
        let (md, mm, c) = (markdown::render(&t), mermaid::render(&t), cpp::render(&t));
        for e in &t.events {
            if let EventKind::Call { call, .. } = &e.kind {
                let f = call.func();
                let word = match f {
                    Func::Slot => "lpVtbl[".to_string(),
                    f => format!("{f}("),
                };
                assert!(mm.contains(&word), "{name}: {word} not in Mermaid");
                assert!(
                    md.contains(&format!("`{f}`")) || f == Func::Slot,
                    "{name}: {f} not in Markdown"
                );
                let in_cpp = if f == Func::Slot {
                    "PFNVTABLESLOT".to_string()
                } else {
                    word
                };
                assert!(c.contains(&in_cpp), "{name}: {in_cpp} not in C++");
            }
        }
    }
}

// ---------------------------------------------------------------------- random sessions

/// A small deterministic generator (no dependency needed for this).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as u32
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.next() as usize % xs.len()]
    }
}

/// A random session: sinks with every kind of reaction, children, right and wrong calls.
fn random_session(seed: u64) -> Trace {
    let mut r = Lcg(seed);
    let mut sim = Sim::new(Config {
        arch: if r.next() % 2 == 0 {
            Arch::X86
        } else {
            Arch::X64
        },
        ..Config::default()
    });
    sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
    let global = sim.global_object("Outlook").unwrap();
    let mut sinks = Vec::new();
    for k in 0..3 {
        let mut spec = SinkSpec::new(format!("sink {k}"));
        spec.validates_notify = r.next() % 3 != 0;
        spec.implements_notify = r.next() % 5 != 0;
        let on = r.pick(&[None, Some(1), Some(2), Some(3)]);
        let action = match r.next() % 5 {
            0 => Action::Unadvise {
                mgr: global,
                token: None,
            },
            1 => Action::SetCurrentState {
                this: global,
                flags: MAPIOFFLINE_FLAG_BLOCK,
                mask: MAPIOFFLINE_STATE_OFFLINE_MASK,
                state: r.pick(&[ON, OFF]),
            },
            2 => Action::Advise {
                mgr: global,
                sink: sinks.first().copied().unwrap_or(Ptr(0x00C0_0000)),
                client_token: 99,
            },
            3 => Action::GetCurrentState { this: global },
            _ => Action::Release { this: global },
        };
        if r.next() % 4 != 0 {
            spec.reactions.push(Reaction {
                on,
                once: r.next() % 2 == 0,
                action,
            });
        }
        sinks.push(sim.create_sink(spec).unwrap());
    }
    let mut objects = vec![global];
    let mut tokens = vec![1u32];
    for _ in 0..25 {
        let obj = r.pick(&objects);
        let sink = r.pick(&sinks);
        match r.next() % 14 {
            0 => {
                sim.open("Outlook").ok();
            }
            1 => {
                sim.query_interface(
                    obj,
                    r.pick(&[
                        Some(IID_IMAPIOFFLINE),
                        Some(IID_IMAPIOFFLINEMGR),
                        Some(IID_IUNKNOWN),
                        None,
                    ]),
                    Out::Valid,
                );
            }
            2 => {
                sim.get_capabilities(obj, Out::Valid);
            }
            3 => {
                if let Ok(t) = sim.advise_sink(obj, sink, r.next() % 4) {
                    tokens.push(t);
                }
            }
            4 => {
                let t = r.pick(&tokens);
                sim.unadvise(obj, 0, t);
            }
            5 => {
                sim.set_state(obj, r.pick(&[ON, OFF]), r.next() % 2 == 0);
            }
            6 => {
                sim.release(r.pick(&[obj, sink, Ptr::NULL]));
            }
            7 => {
                sim.add_ref(obj);
            }
            8 => {
                if let Ok(c) = sim.create_child(
                    "Outlook",
                    3,
                    Guid::parse("{01234567-89AB-CDEF-0123-456789ABCDEF}").unwrap(),
                    obj,
                ) {
                    objects.push(c);
                }
            }
            9 => {
                sim.run_until_idle().ok();
            }
            10 => {
                if r.next() % 2 == 0 {
                    sim.network_down().ok();
                } else {
                    sim.network_up().ok();
                }
            }
            11 => {
                sim.inject_notify(global, r.next() % 5, r.next() % 4, 1, 2)
                    .ok();
            }
            12 => {
                sim.call_slot(obj, r.next() % 18);
            }
            _ => {
                sim.current_state(Ptr(0x4321)).ok();
            }
        }
    }
    if r.next() % 2 == 0 {
        sim.shutdown().ok();
    }
    sim.take_trace()
}

#[test]
fn renderers_hold_on_random_sessions() {
    for seed in 0..150u64 {
        let t = random_session(seed);
        let md = markdown::render(&t);
        assert_eq!(md.lines().count(), 2 + t.events.len(), "seed {seed}");
        let m = mermaid::render(&t);
        for l in m.lines().skip(1) {
            let text = l
                .split_once(": ")
                .map(|(_, t)| t)
                .unwrap_or_else(|| l.split_once(" as ").expect("participant").1);
            assert!(!strip_entities(text).contains(';'), "seed {seed}: {l}");
        }
        assert!(!cpp::render(&t).is_empty(), "seed {seed}");
    }
}

/// Every fifteenth random session's C++ still compiles.
#[test]
#[ignore = "needs g++: `cargo xtask test` installs it and runs this (or `cargo test -- --ignored`)"]
fn random_sessions_cpp_compiles_with_gxx() {
    require_gxx();
    let include = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ffi/include");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("render-random");
    std::fs::create_dir_all(&dir).unwrap();
    for seed in (0..150u64).step_by(15) {
        let file = dir.join(format!("random-{seed}.cpp"));
        std::fs::write(&file, cpp::render(&random_session(seed))).unwrap();
        let out = Command::new("g++")
            .args([
                "-std=c++11",
                "-fsyntax-only",
                "-fshort-wchar",
                "-DMAPIOFFLINE_SIM",
                "-I",
            ])
            .arg(&include)
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "seed {seed}: g++ rejected {}:\n{}",
            file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn formats_by_name() {
    use mapioffline::render::{render, Format};
    let t = sample_addin();
    for f in Format::ALL {
        assert_eq!(Format::from_name(f.name()), Some(f));
    }
    assert_eq!(Format::from_name("md"), Some(Format::Markdown));
    assert_eq!(Format::from_name("C++"), Some(Format::Cpp));
    assert_eq!(Format::from_name("svg"), None);
    assert_eq!(render(&t, Format::Text), t.to_text());
    assert_eq!(render(&t, Format::Markdown), markdown::render(&t));
    assert_eq!(render(&t, Format::Mermaid), mermaid::render(&t));
    assert_eq!(render(&t, Format::Cpp), cpp::render(&t));
}

// ---------------------------------------------------------------------- text a piece at a time

#[test]
fn the_text_cursor_renders_new_events_exactly_as_to_text_does() {
    let outcome = mapioffline::lessons::find("sample-add-in")
        .unwrap()
        .run()
        .unwrap();
    let trace = outcome.trace;
    // Render in three uneven pieces, as a REPL would after each statement.
    let mut cursor = mapioffline::render::TextCursor::default();
    let mut partial = trace.clone();
    let mut lines = Vec::new();
    for cut in [7, 30, trace.events.len()] {
        partial.events = trace.events[..cut].to_vec();
        let new = cursor.advance(&partial);
        assert_eq!(cursor.pos, cut);
        lines.extend(new.into_iter().map(|(_, l)| l));
    }
    assert!(
        cursor.advance(&partial).is_empty(),
        "nothing new, nothing printed"
    );
    let joined: String = lines.iter().map(|l| format!("{l}\n")).collect();
    assert_eq!(joined, trace.to_text());
    // Names learnt early are used later: the sink is named in its Notify lines.
    assert!(lines
        .iter()
        .any(|l| l.contains("(sink \"monitor\")->Notify(")));
}

#[test]
fn the_text_index_words_any_event_exactly_as_to_text_does() {
    use mapioffline::render::TextIndex;
    let mut checked = 0;
    for lesson in mapioffline::lessons::LESSONS {
        let trace = lesson.run().unwrap().trace;
        let index = TextIndex::new(&trace);
        // Backwards, so no event is worded after the ones before it.
        let mut lines: Vec<String> = (0..trace.events.len())
            .rev()
            .map(|i| {
                let line = index.line(&trace, i).unwrap();
                assert!(line.ends_with(&index.body(&trace, i).unwrap()));
                line
            })
            .collect();
        lines.reverse();
        checked += lines.len();
        let joined: String = lines.iter().map(|l| format!("{l}\n")).collect();
        assert_eq!(joined, trace.to_text(), "{}", lesson.name);
        assert_eq!(index.line(&trace, trace.events.len()), None);
        assert_eq!(index.body(&trace, trace.events.len()), None);
    }
    assert!(checked > 100, "{checked} events");
    // A pointer is named only after the event that names it, as in `to_text`.
    let trace = mapioffline::lessons::find("sample-add-in")
        .unwrap()
        .run()
        .unwrap()
        .trace;
    let index = TextIndex::new(&trace);
    let notify = (0..trace.events.len())
        .map(|i| index.body(&trace, i).unwrap())
        .find(|b| b.contains("->Notify("))
        .unwrap();
    assert!(notify.contains("(sink \"monitor\")->Notify("), "{notify}");
}
