//! Decoded events (`explain::event::decode`) and explain spans (`explain::spans`) over
//! real traces: the fields carry the reference's names, values and meanings; every term
//! they and the spans offer is one `explain` explains.

use mapioffline::checker::check;
use mapioffline::explain::event::decode;
use mapioffline::explain::explain;
use mapioffline::explain::spans::spans;
use mapioffline::render::TextIndex;
use mapioffline::scenario::run_script;
use mapioffline::{Clause, EventKind, Trace};
use std::collections::BTreeSet;
use std::path::Path;

const GO_OFFLINE: &str = r#"
profile "Outlook"
sink monitor
HrOpenOfflineObj(0, L"Outlook", &GUID_GlobalState, NULL, &mgr)
mgr->GetCapabilities(&caps)
mgr->Advise(0, &{ulClientToken = 7, pCallback = monitor}, &token)
mgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)
mgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, NULL)
run
mgr->Unadvise(0, token)
mgr->Release()
shutdown
"#;

fn trace_of(src: &str) -> Trace {
    run_script(src).unwrap().trace
}

/// Every lesson's and conformance scenario's trace.
fn all_traces() -> Vec<(String, Trace)> {
    let mut out: Vec<(String, Trace)> = mapioffline::lessons::LESSONS
        .iter()
        .map(|l| (l.name.to_string(), trace_of(l.source)))
        .collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios");
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "scn") {
            let src = std::fs::read_to_string(&p).unwrap();
            out.push((p.display().to_string(), trace_of(&src)));
        }
    }
    assert!(out.len() > 25);
    out
}

fn field<'d>(
    d: &'d mapioffline::explain::event::DecodedEvent,
    name: &str,
) -> &'d mapioffline::explain::event::Field {
    d.fields
        .iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name} in {d:?}"))
}

#[test]
fn a_notify_is_decoded_with_its_phase_and_registration() {
    let t = trace_of(GO_OFFLINE);
    let notifies: Vec<usize> = t
        .events
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e.kind, EventKind::Notify { .. }))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(notifies.len(), 3);
    let phases: Vec<String> = notifies
        .iter()
        .map(|&i| decode(&t, i).unwrap().notify.unwrap().phase_name)
        .collect();
    assert_eq!(
        phases,
        [
            "MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START",
            "MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE",
            "MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE"
        ]
    );
    let d = decode(&t, notifies[1]).unwrap();
    let n = d.notify.as_ref().unwrap();
    assert_eq!(
        (n.advise_token, n.client_token, n.transition),
        (1, Some(7), Some(1))
    );
    assert_eq!(n.sink_label, "sink \"monitor\"");
    let new = field(&d, "ulStateNew");
    assert_eq!(new.value, "0x00000001");
    assert_eq!(new.meaning.as_deref(), Some("MAPIOFFLINE_STATE_OFFLINE"));
    assert_eq!(new.explain.as_deref(), Some("MAPIOFFLINE_STATE_OFFLINE"));
    assert_eq!(field(&d, "ulClientToken").value, "7");
    assert_eq!(
        field(&d, "NotifyType").meaning.as_deref(),
        Some("MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE")
    );
    assert!(d.clauses.contains(&Clause::Ntf1), "{:?}", d.clauses);
    // The last phase completes NTF-7's evidence: all three of one transition.
    assert!(decode(&t, notifies[2])
        .unwrap()
        .clauses
        .contains(&Clause::Ntf7));
    let text = d.to_text();
    assert!(
        text.contains("ulStateNew") && text.contains("(MAPIOFFLINE_STATE_OFFLINE)"),
        "{text}"
    );
    assert!(
        text.contains("through advise token 1") && text.contains("ulClientToken 7"),
        "{text}"
    );
}

#[test]
fn a_return_is_decoded_with_its_call_result_and_out_value() {
    let t = trace_of(GO_OFFLINE);
    let returns = |f: mapioffline::trace::Func| -> Vec<usize> {
        t.events
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(&e.kind, EventKind::Return { func, .. } if *func == f))
            .map(|(i, _)| i)
            .collect()
    };
    let advise = decode(&t, returns(mapioffline::trace::Func::Advise)[0]).unwrap();
    assert_eq!(advise.kind, "return");
    let call = advise.answers.expect("the Advise call");
    assert!(matches!(t.events[call].kind, EventKind::Call { .. }));
    assert_eq!(field(&advise, "hr").meaning.as_deref(), Some("S_OK"));
    assert_eq!(field(&advise, "*pulAdviseToken").value, "1");
    assert!(advise.clauses.contains(&Clause::Adv10));
    let pending = decode(&t, returns(mapioffline::trace::Func::SetCurrentState)[1]).unwrap();
    let hr = field(&pending, "hr");
    assert_eq!(hr.value, "0x8000000A");
    assert_eq!(hr.explain.as_deref(), Some("E_PENDING"));
    assert!(pending.clauses.contains(&Clause::Set4));
    // The call's arguments: ulState with its name, the Advise structure field by field.
    let set = decode(&t, pending.answers.unwrap()).unwrap();
    assert_eq!(
        field(&set, "ulState").meaning.as_deref(),
        Some("MAPIOFFLINE_STATE_ONLINE")
    );
    assert_eq!(
        field(&set, "ulFlags").meaning.as_deref(),
        Some("MAPIOFFLINE_FLAG_DEFAULT")
    );
    let adv = decode(&t, call).unwrap();
    let size = field(&adv, "pAdviseInfo->ulSize");
    assert_eq!(size.value, "32");
    assert_eq!(
        size.meaning.as_deref(),
        Some("sizeof(MAPIOFFLINE_ADVISEINFO) on X64")
    );
    assert_eq!(
        field(&adv, "pAdviseInfo->pCallback").meaning.as_deref(),
        Some("sink \"monitor\"")
    );
    assert!(decode(&t, t.events.len()).is_none());
    serde_json::to_string(&adv).unwrap();
}

#[test]
fn every_event_decodes_its_terms_explain_and_its_clauses_are_coverages() {
    for (name, t) in all_traces() {
        let mut union = BTreeSet::new();
        for i in 0..t.events.len() {
            let d = decode(&t, i).unwrap_or_else(|| panic!("{name} #{i}"));
            assert_eq!(d.index, i);
            for f in &d.fields {
                if let Some(k) = &f.explain {
                    assert!(explain(k).is_ok(), "{name} #{i}: {} offers {k}", f.name);
                }
            }
            union.extend(d.clauses.iter().copied());
        }
        assert_eq!(
            union,
            mapioffline::coverage::clauses_exercised(&t),
            "{name}"
        );
    }
}

/// Checks the spans of one text: in order, whole words, each term explained.
fn checked_spans(text: &str) -> Vec<String> {
    let glued = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let mut last = 0;
    let mut words = Vec::new();
    for s in spans(text) {
        assert!(s.start >= last && s.end > s.start, "{text}: {s:?}");
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        assert!(!glued(text[..s.start].chars().next_back()), "{text}: {s:?}");
        assert!(!glued(text[s.end..].chars().next()), "{text}: {s:?}");
        assert!(explain(&s.term).is_ok(), "{text}: {s:?} does not explain");
        last = s.end;
        words.push(text[s.start..s.end].to_string());
    }
    words
}

#[test]
fn spans_of_every_event_finding_and_diagnostic_explain() {
    let mut total = 0;
    for (_, t) in all_traces() {
        let words = TextIndex::new(&t);
        for i in 0..t.events.len() {
            total += checked_spans(&words.body(&t, i).unwrap()).len();
        }
        for f in check(&t) {
            checked_spans(&f.message);
            checked_spans(&f.fix);
            checked_spans(&f.to_string());
        }
    }
    assert!(total > 1000, "only {total} spans");
}

#[test]
fn spans_of_real_lines() {
    let t = trace_of(GO_OFFLINE);
    let words = TextIndex::new(&t);
    let line = |pred: &dyn Fn(&EventKind) -> bool| {
        let i = t.events.iter().position(|e| pred(&e.kind)).unwrap();
        words.body(&t, i).unwrap()
    };
    let advise = line(&|k| {
        matches!(
            k,
            EventKind::Call {
                call: mapioffline::Call::Advise { .. },
                ..
            }
        )
    });
    let found = spans(&advise);
    let pairs: Vec<(&str, &str)> = found
        .iter()
        .map(|s| (&advise[s.start..s.end], s.term.as_str()))
        .collect();
    assert!(pairs.contains(&("Advise", "Advise")), "{pairs:?}");
    assert!(pairs.contains(&("MAPIOFFLINE_ADVISE_DEFAULT", "MAPIOFFLINE_ADVISE_DEFAULT")));
    // A field is explained by the structure the call takes.
    assert!(
        pairs.contains(&("ulSize", "MAPIOFFLINE_ADVISEINFO")),
        "{pairs:?}"
    );
    assert!(
        pairs.contains(&("ulClientToken", "MAPIOFFLINE_ADVISEINFO")),
        "{pairs:?}"
    );
    assert!(pairs.contains(&("MAPIOFFLINE_STATE_ALL", "MAPIOFFLINE_STATE_ALL")));
    // Names the user chose are not terms, nor are decimal numbers.
    assert!(
        !pairs
            .iter()
            .any(|(w, _)| *w == "monitor" || *w == "Outlook" || *w == "7"),
        "{pairs:?}"
    );
    let notify = line(&|k| matches!(k, EventKind::Notify { .. }));
    let found = spans(&notify);
    let terms: Vec<(&str, &str)> = found
        .iter()
        .map(|s| (&notify[s.start..s.end], s.term.as_str()))
        .collect();
    assert!(
        terms.contains(&("ulSize", "MAPIOFFLINE_NOTIFY")),
        "{terms:?}"
    );
    assert!(terms.contains(&("Notify", "Notify")), "{terms:?}");
    let pending = line(&|k| matches!(k, EventKind::Diagnostic(d) if d.code == "set.pending"));
    assert_eq!(
        checked_spans(&pending),
        ["SET-3", "E_PENDING", "STATECHANGE_DONE", "R5"],
        "{pending}"
    );
    assert_eq!(
        checked_spans("a block of 3 objects, online"),
        Vec::<String>::new()
    );
    assert_eq!(
        checked_spans(
            "IMAPIOfflineNotify::Notify got 0x8000000A; {FBEFFD93-B11F-4094-842B-96DCD31E63D1}"
        ),
        [
            "IMAPIOfflineNotify::Notify",
            "0x8000000A",
            "{FBEFFD93-B11F-4094-842B-96DCD31E63D1}"
        ]
    );
}
