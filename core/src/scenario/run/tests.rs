//! Whole scripts through the runner.

use super::*;

const SAMPLE: &str = r#"
# The sample add-in: Init Monitor, a change, Deinit Monitor.
profile "Outlook"
sink logger
HrOpenOfflineObj(0, L"Outlook", &GUID_GlobalState, NULL, &mgr)
expect S_OK
mgr->QueryInterface(IID_IMAPIOffline, &off)
off->GetCapabilities(&caps)
expect caps == MAPIOFFLINE_CAPABILITY_OFFLINE|MAPIOFFLINE_CAPABILITY_ONLINE
mgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &{ulClientToken = 0, pCallback = logger}, &token)
expect token != 0
off->Release()
mgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)
expect pending mgr
mgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, NULL)
expect E_PENDING
expect diagnostic SET-3
run
expect notifications logger START(ONLINE->OFFLINE) STATECHANGE(ONLINE->OFFLINE) DONE
expect state mgr OFFLINE
mgr->Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, token)
mgr->Release()
expect refcount mgr 0
shutdown
"#;

#[test]
fn the_sample_session_runs_with_every_expectation_met() {
    let o = run_script(SAMPLE).unwrap();
    assert!(o.failures.is_empty(), "{:?}", o.failures);
    assert_eq!(o.trace.notifications().count(), 3);
}

#[test]
fn failed_expectations_are_reported_with_their_line() {
    let o = run_script("profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nexpect E_PENDING\nexpect state m OFFLINE\n").unwrap();
    assert_eq!(o.failures.len(), 2);
    assert_eq!(o.failures[0].line, 3);
    assert_eq!(
        o.failures[0].message,
        "expected E_PENDING, the last call returned S_OK"
    );
    assert!(o.failures[1]
        .message
        .contains("is MAPIOFFLINE_STATE_ONLINE"));
}

#[test]
fn statement_errors_name_the_line_and_suggest() {
    let e = run_script("profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &mgr)\nmrg->AddRef()\n").unwrap_err();
    assert_eq!(
        e,
        RunError::Statement {
            line: 3,
            at: Some((1, 3)),
            message: "`mrg` is neither a constant of the API nor a name bound earlier".into(),
            hint: Some("did you mean `mgr`?".into())
        }
    );
    let e = run_script("profile \"P\"\nconfig arch x86\n").unwrap_err();
    assert!(e.to_string().contains("after the world has started"));
    let e = run_script("server \"Nope\" down\n").unwrap_err();
    assert!(e.to_string().contains("no profile named \"Nope\""));
}

#[test]
fn raw_mistakes_reach_the_simulator() {
    let o = run_script(
        "config arch x86\nprofile \"P\"\nsink s\nHrOpenOfflineObj(1, L\"P\", &GUID_GlobalState, NULL, NULL)\nexpect MAPI_E_NOT_FOUND\nexpect diagnostic OPEN-2\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->GetCapabilities(&c)\nm->Advise(0, &{ulSize = 32, pCallback = s}, &t)\nexpect E_INVALIDARG\nexpect diagnostic advise.size\nm->Advise(0, &{ulSize = sizeof(MAPIOFFLINE_ADVISEINFO), pCallback = s}, &t)\nexpect S_OK\nm->vtbl[6]()\nexpect E_NOTIMPL\nexpect diagnostic R7\n",
    )
    .unwrap();
    assert!(o.failures.is_empty(), "{:?}", o.failures);
}

#[test]
fn checker_findings_tokens_and_clean_sessions() {
    let o = run_script(
        "profile \"P\"\nsink s\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->Advise(0, &{ulClientToken = 7, pCallback = s}, &t)\nexpect finding R1\nexpect finding GEN-3\nm->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\nexpect notifications s START[7] STATECHANGE(ONLINE->OFFLINE)[7] DONE\nshutdown\nexpect finding R3\nexpect finding R4\n",
    )
    .unwrap();
    assert!(o.failures.is_empty(), "{:?}", o.failures);
    let o = run_script(
        "profile \"P\"\nsink s\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->GetCapabilities(&c)\nm->Advise(0, &{ulClientToken = 7, pCallback = s}, &t)\nexpect finding R1\nm->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\nexpect notifications s START[8]\nexpect clean\n",
    )
    .unwrap();
    let lines: Vec<usize> = o.failures.iter().map(|f| f.line).collect();
    assert_eq!(lines, vec![6, 8, 9], "{:?}", o.failures);
    assert!(
        o.failures[1].message.contains("START(ONLINE->OFFLINE)[7]"),
        "{}",
        o.failures[1].message
    );
}

/// Item 10: a finding belongs to the statement whose events it cites; what is left
/// behind belongs to `shutdown`, or to `expect finding RN at end`.
#[test]
fn findings_belong_to_their_statement_and_left_behind_ones_to_the_end() {
    // Nothing is wrong with GetCapabilities: the reference still held is not its fault.
    let o = run_script(
        "profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->GetCapabilities(&c)\nexpect finding R4\nexpect finding R4 at end\n",
    )
    .unwrap();
    let lines: Vec<usize> = o.failures.iter().map(|f| f.line).collect();
    assert_eq!(lines, vec![4], "{:?}", o.failures);
    // R5's dropped request: judged when the trace ends, expectable after `shutdown`
    // or with `at end`, never on an unrelated statement.
    let src = "profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->GetCapabilities(&c)\n\
               m->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\n\
               m->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, NULL)\nexpect E_PENDING\nrun\nm->GetCapabilities(&c)\n";
    let o = run_script(&format!("{src}expect finding R5\nexpect finding R5 at end\nm->Release()\nshutdown\nexpect finding R5\n")).unwrap();
    let lines: Vec<usize> = o.failures.iter().map(|f| f.line).collect();
    assert_eq!(lines, vec![9], "{:?}", o.failures);
}

/// Item 12: findings a scenario expects are intended; only the others are reported
/// as unexpected.
#[test]
fn expected_findings_are_intended_and_the_rest_are_unexpected() {
    let src = "profile \"P\"\nsink s\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->Advise(0, &{pCallback = s}, &t)\nexpect finding R1\n\
               m->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, 0x1000)\n\
               m->Unadvise(0, t)\nm->Release()\nshutdown\n";
    let o = run_script(src).unwrap();
    assert!(o.failures.is_empty(), "{:?}", o.failures);
    let rules: Vec<String> = o
        .unexpected_findings
        .iter()
        .map(|f| format!("{} {}", f.rule, f.clause))
        .collect();
    assert_eq!(rules, vec!["R2 SET-7"], "{:?}", o.unexpected_findings);
    let o = run_script(&src.replace("0x1000)\n", "0x1000)\nexpect finding SET-7\n")).unwrap();
    assert!(
        o.failures.is_empty() && o.unexpected_findings.is_empty(),
        "{:?}",
        o.unexpected_findings
    );
    // Left behind at the end, expected with `at end`.
    let o = run_script("profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nexpect finding R4 at end\n").unwrap();
    assert!(
        o.failures.is_empty() && o.unexpected_findings.is_empty(),
        "{:?}",
        o.unexpected_findings
    );
}

/// Item 11: `&`/`~` in expressions, `vtbl[N](args…)`, raw pointer values, short
/// state names in `profile`, a raw notify type in `when`.
#[test]
fn expressions_slots_with_arguments_raw_pointers_and_short_names() {
    let o = run_script(
        "config extra_state_bits 0x100\nprofile \"P\" state OFFLINE\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &mgr)\n\
         mgr->GetCurrentState(&s)\nexpect s & MAPIOFFLINE_STATE_OFFLINE_MASK == MAPIOFFLINE_STATE_OFFLINE\nexpect s & ~MAPIOFFLINE_STATE_OFFLINE_MASK == 0x100\n\
         expect s != MAPIOFFLINE_STATE_OFFLINE\nexpect 1 | 2 & 2 == 3\n\
         mgr->vtbl[5](&s2)\nexpect S_OK\nexpect s2 == s\nmgr->vtbl[4](&caps)\nexpect caps == MAPIOFFLINE_CAPABILITY_OFFLINE|MAPIOFFLINE_CAPABILITY_ONLINE\n\
         mgr->vtbl[3](MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, 0x1000)\nexpect E_INVALIDARG\nexpect diagnostic SET-9\n\
         mgr->vtbl[9]()\nexpect E_NOTIMPL\nexpect diagnostic R7\n\
         mgr->GetCurrentState(0x2000)\nexpect S_OK\n\
         sink odd no-validate when 0x40: mgr->GetCurrentState(&seen)\nmgr->Advise(0, &{pCallback = odd}, &t)\ninject mgr 0x40 MAPIOFFLINE_STATE_OFFLINE_MASK MAPIOFFLINE_STATE_OFFLINE MAPIOFFLINE_STATE_ONLINE\n\
         expect seen & MAPIOFFLINE_STATE_OFFLINE_MASK == MAPIOFFLINE_STATE_OFFLINE\n",
    )
    .unwrap();
    assert!(o.failures.is_empty(), "{:?}", o.failures);
    let e = run_script("profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->vtbl[5](&a, &b)\n").unwrap_err();
    assert!(e.to_string().contains("slot 5 is GetCurrentState"), "{e}");
    let e = run_script(
        "profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->vtbl[9](1)\n",
    )
    .unwrap_err();
    assert!(e.to_string().contains("placeholder"), "{e}");
}

/// Item 8: a reaction runs exactly the call written, with the diagnostics of the same
/// call at top level.
#[test]
fn a_reaction_runs_the_call_exactly_as_written() {
    let o = run_script(
        "config arch x86\nprofile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->GetCapabilities(&c)\nsink other\n\
         sink s when START once: m->Advise(1, &{ulSize = 24, pCallback = other}, NULL) when STATECHANGE once: m->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, 0x1000) when STATECHANGE once: m->GetCurrentState(NULL) when DONE once: m->Unadvise(4, own)\n\
         m->Advise(0, &{pCallback = s}, &t)\n\
         m->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\n\
         expect diagnostic ADV-9\nexpect diagnostic advise.flags\nexpect diagnostic UNADV-1\nexpect diagnostic SET-9\nexpect diagnostic set.reserved\nexpect diagnostic CUR-4\n\
         expect finding R2\nexpect state m OFFLINE\n",
    )
    .unwrap();
    assert!(o.failures.is_empty(), "{:?}", o.failures);
    // The reaction's Advise (flags 1, NULL token pointer) registered nothing; the
    // Unadvise with flags 4 is reported but still succeeds (UNADV-2).
    let rets: Vec<String> = o
        .trace
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Return {
                func, hr: Some(hr), ..
            } if e.depth > 0 => Some(format!("{func}={hr}")),
            _ => None,
        })
        .collect();
    for want in [
        "Advise=E_INVALIDARG",
        "Unadvise=S_OK",
        "SetCurrentState=E_INVALIDARG",
        "GetCurrentState=E_INVALIDARG",
    ] {
        assert!(rets.iter().any(|r| r == want), "{want} not in {rets:?}");
    }
}

/// Item 9: `&name` in a reaction binds, `self` is the sink, later names resolve when
/// the reaction fires.
#[test]
fn reactions_bind_names_use_self_and_read_later_names() {
    let o = run_script(
        "profile \"P\"\nsink a when START once: m->Advise(0, &{ulClientToken = 5, pCallback = self}, &t2) when DONE once: m->Unadvise(0, first)\n\
         HrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->GetCapabilities(&c)\n\
         m->Advise(0, &{ulClientToken = 1, pCallback = a}, &first)\n\
         m->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\n\
         expect t2 == 2\nexpect diagnostic reaction.bound\n\
         m->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, NULL)\n\
         expect notifications a START[1] STATECHANGE[1] DONE[1] START[5] STATECHANGE[5] DONE[5]\n\
         m->Unadvise(0, t2)\nexpect S_OK\nm->Release()\nshutdown\nexpect clean\n",
    )
    .unwrap();
    assert!(o.failures.is_empty(), "{:?}", o.failures);
    // The sink's reactions survive the JSON round trip, names and raw values included.
    let json = serde_json::to_string(&o.trace).unwrap();
    assert!(
        json.contains(r#""action":"call","fn":"Advise","this":"m""#),
        "{json}"
    );
    assert!(
        json.contains(r#""pCallback":"self""#)
            && json.contains(r#""pulAdviseToken":{"bind":"t2"}"#)
    );
    let back: Trace = serde_json::from_str(&json).unwrap();
    assert_eq!(back, o.trace);
    // A name nothing binds is an error diagnostic when the reaction fires, not a
    // silent no-op.
    let o = run_script(
        "profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nsink a when START: m->Unadvise(0, nobody)\nm->Advise(0, &{pCallback = a}, &t)\nm->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\nexpect diagnostic reaction.unbound_name\n",
    )
    .unwrap();
    assert!(o.failures.is_empty(), "{:?}", o.failures);
    // A misspelt constant is caught when the sink is declared.
    let e =
        run_script("sink a when START: m->SetCurrentState(MAPIOFFLINE_FLAG_BLOK, 3, 1, NULL)\n")
            .unwrap_err();
    assert!(
        e.to_string()
            .contains("did you mean `MAPIOFFLINE_FLAG_BLOCK`?"),
        "{e}"
    );
}

#[test]
fn reactions_and_children() {
    let o = run_script(
        "profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->GetCapabilities(&c)\nsink q when START once: m->Unadvise(0, own)\nm->Advise(0, &{pCallback = q}, &t)\nHrCreateOfflineObj(0, &{pwszProfileName = L\"P\", pGUID = &{12345678-0001-0002-0102-030405060708}, pParent = m}, &child)\nexpect S_OK\nm->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\nexpect notifications q START\nexpect state child OFFLINE\nexpect diagnostic CRE-7\n",
    )
    .unwrap();
    assert!(o.failures.is_empty(), "{:?}", o.failures);
}
