//! The tables of `explain` against the registry and each other.

use super::constants::*;
use super::guids::*;
use super::hresults::*;
use super::structs::*;
use super::*;

fn text(term: &str) -> String {
    explain(term)
        .unwrap_or_else(|e| panic!("{term}: {e}"))
        .to_text()
}

/// Every `PREFIX-N` clause ID in `s` whose prefix is a clause group.
fn cited_ids(s: &str) -> Vec<String> {
    const PREFIXES: [&str; 11] = [
        "GEN", "OPEN", "OFF", "SET", "CAP", "CUR", "MGR", "ADV", "UNADV", "NTF", "CRE",
    ];
    let mut out = Vec::new();
    let b = s.as_bytes();
    for (i, _) in s.match_indices('-') {
        let start = b[..i]
            .iter()
            .rposition(|c| !c.is_ascii_uppercase())
            .map_or(0, |p| p + 1);
        let end = b[i + 1..]
            .iter()
            .position(|c| !c.is_ascii_digit())
            .map_or(b.len(), |p| i + 1 + p);
        let prefix = &s[start..i];
        let glued = start > 0 && (b[start - 1].is_ascii_alphanumeric() || b[start - 1] == b'_');
        if end > i + 1 && !glued && PREFIXES.contains(&prefix) {
            out.push(s[start..end].to_string());
        }
    }
    out
}

fn all_terms() -> Vec<String> {
    let mut v: Vec<String> = names().into_iter().map(String::from).collect();
    v.extend(KNOWN_GUIDS.iter().map(|g| g.guid.to_string()));
    v.extend(
        [
            "0",
            "1",
            "2",
            "3",
            "0x2001",
            "0xFFFFFFFF",
            "-1",
            "0x80004005",
            "7",
            "0x100",
        ]
        .map(String::from),
    );
    v
}

#[test]
fn value_of_state_all_names_it() {
    let x = explain("0x003F037F").unwrap();
    assert_eq!(x.kind, TermKind::Value);
    assert_eq!(x.title, "0x003F037F = 4129663");
    assert!(x
        .to_text()
        .contains("MAPIOFFLINE_STATE_ALL (state masks): MAPIOFFLINE_ADVISEINFO's ulStateMask."));
    assert_eq!(explain("0X003f037f").unwrap(), x);
    assert_eq!(explain("4129663").unwrap(), x);
    assert_eq!(explain("0x003F_037F").unwrap(), x);
}

#[test]
fn constant_gives_value_group_and_clauses() {
    let x = explain("MAPIOFFLINE_STATE_ALL").unwrap();
    assert_eq!(x.kind, TermKind::Constant);
    assert_eq!(x.term, "MAPIOFFLINE_STATE_ALL");
    assert_eq!(x.title, "MAPIOFFLINE_STATE_ALL = 0x003F037F (4129663)");
    let t = x.to_text();
    assert!(t.contains("Group: state masks."));
    assert!(t.contains("Passed as:\n  MAPIOFFLINE_ADVISEINFO's ulStateMask.\n"));
    assert!(t.contains("ADV-8    ulStateMask must be MAPIOFFLINE_STATE_ALL."));
    // Case-insensitive, trimmed, and the prefix may be left out when unambiguous.
    assert_eq!(explain("  mapioffline_state_all\n").unwrap(), x);
    assert_eq!(explain("state_all").unwrap(), x);
    assert_eq!(
        explain("FLAG_BLOCK").unwrap().term,
        "MAPIOFFLINE_FLAG_BLOCK"
    );
    // Ambiguous short forms are not guessed.
    assert!(explain("DEFAULT").is_err());
}

#[test]
fn constants_cite_every_clause_whose_summary_names_them() {
    for c in CONSTANTS {
        let t = text(c.name);
        for info in CLAUSES.iter().filter(|i| i.summary.contains(c.name)) {
            assert!(
                t.contains(&clause_line(info.clause)),
                "{} misses {}",
                c.name,
                info.id
            );
        }
        assert!(const_doc(c.name).is_some(), "{} has no ConstDoc", c.name);
    }
    let t = text("MAPIOFFLINE_FLAG_BLOCK");
    assert!(t.contains("SET-1 ") && t.contains("SET-4 ") && t.contains("SET-9 "));
    // The same value under another name is pointed out.
    assert!(text("MAPIOFFLINE_STATE_OFFLINE").contains("MAPIOFFLINE_CAPABILITY_OFFLINE ("));
}

#[test]
fn e_pending_by_value_explains_the_hresult() {
    let x = explain("0x8000000A").unwrap();
    assert_eq!(x.kind, TermKind::HResult);
    assert_eq!(x.title, "E_PENDING = 0x8000000A");
    let t = x.to_text();
    assert!(t.contains(
        "IMAPIOffline::SetCurrentState (SET-3, SET-4, SET-12): while a state change is in progress"
    ));
    assert!(t.contains("SET-3    During an asynchronous change"));
    assert!(t.contains("R5  Treat E_PENDING"));
    assert!(t.contains("`config set4 literal`") && t.contains("`--set-4 literal`"));
    assert_eq!(explain("e_pending").unwrap(), x);
    assert_eq!(explain("-2147483638").unwrap().title, x.title);
    assert!(text("-2147483638").starts_with(
        "E_PENDING = 0x8000000A\n\n-2147483638 read as a signed 32-bit value is the bit pattern 0x8000000A.\n"
    ));
}

#[test]
fn hresults_say_who_returns_them() {
    let t = text("E_INVALIDARG");
    assert!(t.contains("IMAPIOfflineMgr::Advise (ADV-3, ADV-9): an invalid parameter"));
    assert!(t.contains("HrCreateOfflineObj (CRE-1, CRE-5, CRE-6): a broken precondition"));
    assert!(t.contains("HrCreateOfflineObj (CRE-2, CRE-6): a pGUID or pInstance at an address the simulator cannot read; the simulator's choice"));
    assert!(t.contains(
        "(MGR-3): a NULL riid or ppvObject, or a riid at an address the simulator cannot read"
    ));
    assert!(t.contains("Unadvise never returns it"));
    let t = text("MAPI_E_NOT_FOUND");
    assert!(t.contains("HrOpenOfflineObj (OPEN-8): the caller is outside the Outlook process."));
    let t = text("E_NOTIMPL");
    assert!(t.contains("(OFF-2, OFF-3, MGR-2): always") && t.contains("R7  Never call"));
    let t = text("E_NOINTERFACE");
    assert!(
        t.contains("QueryInterface on an offline object (MGR-3, CRE-5): for any IID other than")
    );
    for n in [
        "MAPI_E_OFFLINE",
        "MAPI_E_RECONNECTED",
        "MAPI_E_END_OF_SESSION",
    ] {
        let t = text(n);
        assert!(
            t.contains("Returned by:\n  None of this API's calls.\n"),
            "{n}"
        );
        assert!(t.contains(NOT_HERE), "{n}");
    }
    for h in HRESULTS {
        assert!(
            HRESULT_DOCS.iter().any(|d| d.name == h.name),
            "{} undocumented",
            h.name
        );
        let x = explain(&format!("0x{:08x}", h.value.0)).unwrap();
        assert!(x.to_text().contains(h.name), "{}", h.name);
    }
}

#[test]
fn clause_set4_names_both_readings() {
    let x = explain("set-4").unwrap();
    assert_eq!(x.kind, TermKind::Clause);
    assert_eq!(x.term, "SET-4");
    assert_eq!(
        x.title,
        "SET-4 (doc-defect, §3 IMAPIOffline::SetCurrentState)"
    );
    let t = x.to_text();
    assert!(t.contains("Kind: doc-defect: the reference is wrong or contradicts itself"));
    assert!(t.contains("  documented (the default): SET-3 holds"));
    assert!(t.contains("  literal: the return-value text taken literally"));
    assert!(t.contains("`config set4 literal`") && t.contains("`--set-4 literal`"));
    assert!(t.contains("SET-3    During an asynchronous change"));
    let t = text("CRE-6");
    assert!(t.contains("as written:") && t.contains("as declared:"));
    assert!(text("SET-3").contains("SET-4    Return values"));
    assert!(text("OFF-3").contains("R7  Never call a placeholder slot."));
    assert!(text("CUR-2").contains("Kind: field: seen in real client code"));
    assert!(text("OPEN-10").contains("Kind: sim: the reference is silent"));
}

#[test]
fn rule_r3() {
    let x = explain("r3").unwrap();
    assert_eq!(x.kind, TermKind::Rule);
    assert_eq!(x.title, "R3: client obligation (§9)");
    let t = x.to_text();
    assert!(t.contains("Match every Advise with an Unadvise"));
    assert!(t.contains("  GEN-3    Client workflow"));
    assert!(t.contains("  UNADV-2  Unadvise always returns S_OK"));
}

#[test]
fn guids_by_name_and_by_value() {
    let x = explain("guid_globalstate").unwrap();
    assert_eq!(x.kind, TermKind::Guid);
    assert_eq!(
        x.title,
        "GUID_GlobalState = {FBEFFD93-B11F-4094-842B-96DCD31E63D1}"
    );
    assert!(x.to_text().contains("OPEN-4 "));
    let y = explain("fbeffd93-b11f-4094-842b-96dcd31e63d1").unwrap();
    assert_eq!(y, x);
    let z = explain("{42175607-FF3E-4790-BC18-66C8643E6424}").unwrap();
    assert_eq!(z.term, "IID_IMAPIOfflineMgr");
    let u = explain("{12345678-0001-0002-0102-030405060708}").unwrap();
    assert_eq!(u.kind, TermKind::Guid);
    assert!(u.to_text().contains("Not one of the API's GUIDs"));
}

#[test]
fn structs_give_both_sizes() {
    let x = explain("MAPIOFFLINE_ADVISEINFO").unwrap();
    assert_eq!(x.kind, TermKind::Struct);
    assert_eq!(
        x.title,
        "MAPIOFFLINE_ADVISEINFO: ulSize 24 on x86, 32 on x64"
    );
    let t = x.to_text();
    assert!(t.contains("  x86 (32-bit): 24 bytes\n  x64 (64-bit): 32 bytes\n"));
    assert!(t.contains("ULONG ulStateMask: only MAPIOFFLINE_STATE_ALL (ADV-8)"));
    assert_eq!(
        explain("mapioffline_notify").unwrap().title,
        "MAPIOFFLINE_NOTIFY: ulSize 24 on x86 and x64"
    );
    assert_eq!(
        explain("MAPIOFFLINE_CREATEINFO").unwrap().title,
        "MAPIOFFLINE_CREATEINFO: ulSize 40 on x86, 72 on x64"
    );
    assert_eq!(
        explain("AGGREGATEINFO").unwrap().title,
        "MAPIOFFLINE_AGGREGATEINFO: ulSize 12 on x86, 24 on x64"
    );
    assert_eq!(explain("ADVISEINFO").unwrap(), x);
}

#[test]
fn values_list_constants_and_decompose_bits() {
    let t = text("3");
    assert!(t.starts_with("0x00000003 = 3\n"));
    assert!(t.contains("MAPIOFFLINE_STATE_OFFLINE_MASK (state masks)"));
    assert!(t.contains("MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE (notification types)"));
    assert!(t.contains(
        "As capabilities: MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE."
    ));
    assert!(t.contains("both bits of the mask, which is no valid state"));
    let t = text("0");
    for n in [
        "MAPIOFFLINE_ADVISE_DEFAULT",
        "MAPIOFFLINE_UNADVISE_DEFAULT",
        "MAPIOFFLINE_CALLBACK_TYPE_NOTIFY",
        "MAPIOFFLINE_FLAG_DEFAULT",
        "S_OK: success.",
    ] {
        assert!(t.contains(n), "{n}");
    }
    assert!(!t.contains("As bits"));
    let t = text("0x2001");
    assert!(t.contains(
        "As SetCurrentState's ulFlags: MAPIOFFLINE_FLAG_BLOCK plus undocumented bits 0x00000001"
    ));
    assert!(t.contains("masked with MAPIOFFLINE_STATE_OFFLINE_MASK: MAPIOFFLINE_STATE_OFFLINE. Bits 0x00002000 lie outside the mask"));
    assert!(t.contains("Every bit set belongs to at least one documented constant."));
    let t = text("0x400000");
    assert!(t.contains("No documented constant has this value."));
    assert!(t.contains("Bits 0x00400000 belong to no documented constant"));
    let t = text("0x80004005");
    assert!(t.contains("A failure code (severity bit set), but not one this API documents."));
    assert_eq!(explain("0x80004005").unwrap().kind, TermKind::Value);
    assert_eq!(text("-1"), text("0xFFFFFFFF").replacen("0xFFFFFFFF = 4294967295\n", "0xFFFFFFFF = 4294967295\n\n-1 read as a signed 32-bit value is the bit pattern 0xFFFFFFFF.\n", 1));
}

#[test]
fn numbers_outside_a_ulong_do_not_panic() {
    for t in [
        "0xFFFFFFFFFF",
        "4294967296",
        "99999999999999999999999999999999999999999999999999",
        "0x0000000100000000",
        "-2147483649",
    ] {
        let x = explain(t).unwrap();
        assert_eq!(x.kind, TermKind::Value, "{t}");
        assert!(x.to_text().contains("does not fit"), "{t}");
    }
    assert_eq!(explain("0x00000000FFFFFFFF").unwrap().term, "0xFFFFFFFF");
    assert_eq!(explain("-2147483648").unwrap().term, "0x80000000");
    let long = "9".repeat(5000);
    assert!(explain(&long).unwrap().title.chars().count() <= 41);
}

#[test]
fn garbage_is_unknown_without_panicking() {
    for t in [
        "",
        "   ",
        "0x",
        "-",
        "-0x1",
        "_",
        "0x_",
        "1e3",
        "héllo",
        "０x３",
        "🙂",
        "{",
        "R8",
        "SET-",
        "-SET-4",
        "0x12G",
        "\u{0}",
        "MAPIOFFLINE_",
        "__",
    ] {
        if let Err(e) = explain(t) {
            let _ = e.to_string();
        }
    }
    assert_eq!(
        explain("").unwrap_err().to_string(),
        "nothing to explain: give a constant, value, HRESULT, clause, rule, GUID, structure, function, interface or method"
    );
    assert!(explain("0x").is_err());
    assert_eq!(explain("0x").unwrap_err().suggestion, None);
    assert!(explain("🙂").is_err());
}

#[test]
fn unknown_terms_suggest_the_nearest_name() {
    let e = explain("SET-44").unwrap_err();
    assert_eq!(e.suggestion.as_deref(), Some("SET-4"));
    assert_eq!(
        e.to_string(),
        "no constant, HRESULT, clause, rule, GUID, structure, function, interface or method named `SET-44`; did you mean `SET-4`?"
    );
    assert_eq!(
        explain("E_PENDNG").unwrap_err().suggestion.as_deref(),
        Some("E_PENDING")
    );
    assert_eq!(
        explain("MAPIOFFLINE_STATE_AL")
            .unwrap_err()
            .suggestion
            .as_deref(),
        Some("MAPIOFFLINE_STATE_ALL")
    );
    assert_eq!(
        explain("IID_IMAPIOfflineMngr")
            .unwrap_err()
            .suggestion
            .as_deref(),
        Some("IID_IMAPIOfflineMgr")
    );
    assert_eq!(
        explain("MAPIOFFLINE_ADVISEINF")
            .unwrap_err()
            .suggestion
            .as_deref(),
        Some("MAPIOFFLINE_ADVISEINFO")
    );
    let e = explain("completely unrelated words").unwrap_err();
    assert_eq!(e.suggestion, None);
    assert_eq!(
        e.to_string(),
        "no constant, HRESULT, clause, rule, GUID, structure, function, interface or method named `completely unrelated words`"
    );
}

#[test]
fn every_cited_clause_id_exists() {
    let tables = CONST_DOCS
        .iter()
        .flat_map(|d| d.clauses.iter())
        .chain(HRESULT_DOCS.iter().flat_map(|d| {
            d.returned_by
                .iter()
                .flat_map(|s| s.clauses.iter())
                .chain(d.see.iter())
        }))
        .chain(GUID_DOCS.iter().flat_map(|d| d.clauses.iter()))
        .chain(STRUCTS.iter().flat_map(|d| d.clauses.iter()));
    for id in tables {
        assert!(Clause::from_id(id).is_some(), "{id} is not in the registry");
    }
    // And every ID that appears in any explanation's text.
    for term in all_terms() {
        let t = text(&term);
        for id in cited_ids(&t) {
            assert!(
                Clause::from_id(&id).is_some(),
                "`explain {term}` cites {id}"
            );
        }
    }
    assert_eq!(
        cited_ids("(SET-3, UNADV-2) UTF-16 x-1 OPEN-"),
        ["SET-3", "UNADV-2"]
    );
}

#[test]
fn every_hresult_cites_existing_clauses_for_each_source() {
    for h in HRESULTS {
        let x = explain(h.name).unwrap();
        assert_eq!(x.kind, TermKind::HResult);
        assert!(x.title.starts_with(h.name));
        let d = HRESULT_DOCS.iter().find(|d| d.name == h.name).unwrap();
        for s in d.returned_by {
            assert!(
                !s.clauses.is_empty(),
                "{}: {} cites nothing",
                h.name,
                s.call
            );
            for id in s.clauses {
                assert!(Clause::from_id(id).is_some(), "{}: {id}", h.name);
            }
        }
    }
}

#[test]
fn every_known_name_explains() {
    for c in CONSTANTS {
        let x = explain(c.name).unwrap();
        assert_eq!((x.kind, x.term.as_str()), (TermKind::Constant, c.name));
        assert!(x.title.contains(&format!("0x{:08X}", c.value)));
        assert!(
            text(&format!("{:#x}", c.value)).contains(c.name),
            "{}",
            c.name
        );
    }
    for h in HRESULTS {
        assert_eq!(explain(h.name).unwrap().kind, TermKind::HResult);
    }
    for c in CLAUSES {
        assert_eq!(explain(c.id).unwrap().kind, TermKind::Clause);
        assert_eq!(explain(&c.id.to_lowercase()).unwrap().term, c.id);
    }
    for (r, name) in RULES.iter().zip(RULE_NAMES) {
        assert_eq!(r.rule.to_string(), name);
        assert_eq!(explain(name).unwrap().kind, TermKind::Rule);
    }
    for g in KNOWN_GUIDS {
        assert!(GUID_DOCS.iter().any(|d| d.name == g.name), "{}", g.name);
        let x = explain(g.name).unwrap();
        assert_eq!(x.kind, TermKind::Guid);
        assert_eq!(explain(&g.guid.to_string()).unwrap(), x);
    }
    for s in STRUCTS {
        assert_eq!(explain(s.name).unwrap().kind, TermKind::Struct);
    }
    for n in names() {
        assert!(explain(n).is_ok(), "{n}");
    }
}

#[test]
fn text_layout_and_json() {
    for term in all_terms() {
        let x = explain(&term).unwrap();
        let t = x.to_text();
        assert!(t.ends_with('\n') && !t.ends_with("\n\n"), "{term}");
        assert!(t.starts_with(&format!("{}\n\n", x.title)), "{term}");
        assert!(
            !x.body.is_empty() && x.body.iter().all(|s| !s.lines.is_empty()),
            "{term}"
        );
    }
    let json = serde_json::to_value(explain("E_PENDING").unwrap()).unwrap();
    assert_eq!(json["kind"], "hresult");
    assert_eq!(json["term"], "E_PENDING");
    assert_eq!(json["body"][1]["heading"], "Returned by");
    let json = serde_json::to_value(explain("0x2001").unwrap()).unwrap();
    assert_eq!(json["kind"], "value");
    assert_eq!(json["body"][0]["heading"], serde_json::Value::Null);
}

#[test]
fn the_vtable_slots_explain_names_are_the_simulators() {
    let mut checked = 0;
    for d in super::api::API {
        let Some(rest) = d.place.strip_prefix("vtable slot ") else {
            continue;
        };
        if rest.contains("IMAPIOfflineNotify") {
            continue; // the client's interface, not the offline objects' vtable
        }
        let n: usize = rest.split(' ').next().unwrap().parse().unwrap();
        assert_eq!(
            crate::sim::VTABLE[n].name,
            d.short(),
            "{}: {}",
            d.name,
            d.place
        );
        checked += 1;
    }
    assert_eq!(checked, 8, "every named method of IMAPIOfflineMgr's vtable");
}
