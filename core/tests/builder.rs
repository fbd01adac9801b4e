//! The call builder: every statement a form can produce parses and runs, and the
//! mistakes it offers are the ones the contract answers with its HRESULTs.

use mapioffline::consts::*;
use mapioffline::scenario::builder::{bound, form, Bound, Form, FORMS};
use mapioffline::scenario::{parse, Runner};

/// A world with a profile, a sink, an opened manager and a registration, as a learner's
/// script would have by the time they reach for the builder.
const WORLD: &str = r#"profile "Outlook"
sink logger
HrOpenOfflineObj(0, L"Outlook", &GUID_GlobalState, NULL, &mgr)
mgr->Advise(0, &{pCallback = logger}, &token)
"#;

fn runner() -> Runner {
    let mut r = Runner::default();
    for stmt in parse(WORLD).unwrap().stmts {
        r.exec(&stmt).unwrap();
    }
    r
}

/// Runs `text` after the world; the HRESULT it left, or the runner's refusal.
fn run(text: &str) -> Result<Option<HResult>, String> {
    let script = parse(text).map_err(|e| format!("{text}: does not parse: {e:?}"))?;
    let mut r = runner();
    for stmt in &script.stmts {
        r.exec(stmt).map_err(|e| format!("{text}: {e:?}"))?;
    }
    let trace = r.sim().take_trace();
    Ok(trace.events.iter().rev().find_map(|e| match &e.kind {
        mapioffline::EventKind::Return { hr, .. } if e.depth == 0 => *hr,
        _ => None,
    }))
}

/// Each param at its first usable choice (a reaction's call for `sink`).
fn defaults(f: &Form, b: &Bound) -> Vec<(&'static str, String)> {
    f.params
        .iter()
        .filter(|p| !p.optional)
        .map(|p| {
            let first = p
                .choices(b)
                .into_iter()
                .find(|c| !c.only_in_reaction)
                .unwrap_or_else(|| panic!("{}: {} offers nothing", f.id, p.name));
            (p.name, first.text)
        })
        .collect()
}

fn write(f: &Form, values: &[(&'static str, String)]) -> String {
    let v: Vec<(&str, &str)> = values.iter().map(|(n, t)| (*n, t.as_str())).collect();
    f.statement(&v).unwrap()
}

#[test]
fn bound_names_are_sorted_by_what_they_point_at() {
    let mut r = runner();
    let b = bound(&mut r);
    assert_eq!(b.objects, ["mgr"]);
    assert_eq!(b.sinks, ["logger"]);
    assert_eq!(b.numbers, ["token"]);
    assert_eq!(b.profiles, ["Outlook"]);
}

#[test]
fn every_choice_of_every_param_gives_a_statement_that_parses_and_runs() {
    let b = bound(&mut runner());
    let mut tried = 0;
    for f in FORMS {
        let base = defaults(f, &b);
        for p in f.params {
            for c in p.choices(&b) {
                let mut values = base.clone();
                values.retain(|(n, _)| *n != p.name);
                values.push((p.name, c.text.clone()));
                if f.id == "sink" {
                    // A fresh name: `logger` is declared by the world already.
                    values.retain(|(n, _)| *n != "name");
                    values.push(("name", "watcher".into()));
                    if p.name == "when" || p.name == "once" {
                        values.push(("reaction", "mgr->GetCurrentState(&seen)".into()));
                    }
                }
                let text = write(f, &values);
                tried += 1;
                let r = run(&text);
                if c.only_in_reaction {
                    assert!(r.is_err(), "{text}: `{}` outside a reaction ran", c.text);
                } else if f.id == "inject" && p.name != "object" {
                    // The runner refuses to forge a documented change (NTF-6) and says so.
                    if let Err(e) = r {
                        assert!(e.contains("refused (NTF-6)"), "{e}");
                    }
                } else {
                    r.unwrap_or_else(|e| panic!("{e}"));
                }
            }
        }
    }
    assert!(tried > 150, "only {tried} statements tried");
}

#[test]
fn the_mistakes_it_offers_get_the_documented_results() {
    let advise = form("Advise").unwrap();
    let base = [
        ("this", "mgr"),
        ("ulFlags", "MAPIOFFLINE_ADVISE_DEFAULT"),
        ("pulAdviseToken", "&t2"),
    ];
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut v = base.to_vec();
        v.extend_from_slice(extra);
        advise.statement(&v).unwrap()
    };
    // A NULL pCallback: E_NOINTERFACE (ADV-9).
    let null_cb = with(&[("pCallback", "NULL")]);
    assert_eq!(
        null_cb,
        "mgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &{pCallback = NULL}, &t2)"
    );
    assert_eq!(run(&null_cb).unwrap(), Some(HResult::E_NOINTERFACE));
    // The other architecture's ulSize: E_INVALIDARG (ADV-4, ADV-9).
    let b = bound(&mut runner());
    let sizes = advise.param("ulSize").unwrap().choices(&b);
    assert_eq!(sizes[0].text, "sizeof(MAPIOFFLINE_ADVISEINFO)");
    let wrong = sizes[1].text.clone();
    let other = match Arch::default() {
        Arch::X86 => Arch::X64,
        Arch::X64 => Arch::X86,
    };
    assert_eq!(wrong, other.sizeof_adviseinfo().to_string());
    let v = [
        base.to_vec(),
        vec![("pCallback", "logger"), ("ulSize", wrong.as_str())],
    ]
    .concat();
    assert_eq!(
        run(&advise.statement(&v).unwrap()).unwrap(),
        Some(HResult::E_INVALIDARG)
    );
    // The whole structure NULL.
    let null_info = with(&[("pAdviseInfo", "NULL")]);
    assert_eq!(
        null_info,
        "mgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, NULL, &t2)"
    );
    assert_eq!(run(&null_info).unwrap(), Some(HResult::E_INVALIDARG));
    // A placeholder slot: E_NOTIMPL (R7).
    let slot = form("vtbl")
        .unwrap()
        .statement(&[("this", "mgr"), ("slot", "6")])
        .unwrap();
    assert_eq!(slot, "mgr->vtbl[6]()");
    assert_eq!(run(&slot).unwrap(), Some(HResult::E_NOTIMPL));
    // The correct call, as a learner fills it: S_OK.
    let ok = with(&[("pCallback", "logger"), ("ulClientToken", "7")]);
    assert_eq!(run(&ok).unwrap(), Some(HResult::S_OK));
}

#[test]
fn a_sink_with_a_reaction_built_from_another_form() {
    let unadvise = form("Unadvise").unwrap();
    let call = unadvise
        .statement(&[("this", "mgr"), ("ulFlags", "0"), ("ulAdviseToken", "own")])
        .unwrap();
    let sink = form("sink")
        .unwrap()
        .statement(&[
            ("name", "quitter"),
            ("when", "DONE"),
            ("once", "yes"),
            ("reaction", &call),
        ])
        .unwrap();
    assert_eq!(sink, "sink quitter when DONE once: mgr->Unadvise(0, own)");
    assert!(parse(&sink).is_ok());
    let profile = form("profile")
        .unwrap()
        .statement(&[
            ("name", "\"Work\""),
            ("caps", "MAPIOFFLINE_CAPABILITY_ONLINE"),
            ("outside", "yes"),
            ("server down", "no"),
        ])
        .unwrap();
    assert_eq!(
        profile,
        "profile \"Work\" caps MAPIOFFLINE_CAPABILITY_ONLINE outside"
    );
}

#[test]
fn a_form_refuses_what_it_cannot_write() {
    let set = form("SetCurrentState").unwrap();
    let e = set.statement(&[("this", "mgr")]).unwrap_err();
    assert_eq!(e.0, "SetCurrentState needs ulFlags");
    let e = set
        .statement(&[("this", "mgr"), ("ulFlgs", "0")])
        .unwrap_err();
    assert_eq!(e.0, "SetCurrentState has no argument ulFlgs");
    assert!(form("Adviseee").is_none());
}

#[test]
fn every_method_of_the_vtable_has_a_form_with_its_arity() {
    for slot in mapioffline::sim::VTABLE.iter() {
        let Some(arity) = slot.arity else { continue };
        let f = form(slot.name).unwrap_or_else(|| panic!("no form for {}", slot.name));
        let b = bound(&mut runner());
        let text = write(f, &defaults(f, &b));
        let call = &parse(&text).unwrap().stmts[0];
        let mapioffline::scenario::StmtKind::Call(c) = &call.kind else {
            panic!("{text} is not a call")
        };
        assert_eq!(c.args.len(), arity, "{text}");
    }
}

#[test]
fn a_calls_arguments_are_named_as_the_references_signature_names_them() {
    use mapioffline::explain::explain;
    for f in FORMS.iter().filter(|f| {
        f.id.starts_with("Hr")
            || mapioffline::sim::VTABLE
                .iter()
                .any(|s| s.name == f.id && s.arity.is_some())
    }) {
        let e = explain(f.id).unwrap_or_else(|_| panic!("explain knows no {}", f.id));
        let signature = e
            .body
            .iter()
            .find(|s| s.heading.as_deref() == Some("Signature"))
            .map(|s| s.lines.join(" "))
            .unwrap_or_else(|| panic!("{}: no signature", f.id));
        // The params that are arguments of the call (not `this`, not a structure's fields).
        let mut at = 0;
        for p in f.params.iter().filter(|p| {
            p.name != "this" && !p.optional
                || p.name.starts_with("pAdvise")
                || p.name.starts_with("pCreate")
        }) {
            let found = signature[at..]
                .find(p.name)
                .unwrap_or_else(|| panic!("{}: `{}` is not in order in {signature}", f.id, p.name));
            at += found + p.name.len();
        }
    }
}
