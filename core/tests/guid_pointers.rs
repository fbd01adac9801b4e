//! GUID-pointer arguments written as a raw address (`pGUID`, `pReserved` of
//! HrOpenOfflineObj, `pGUID`/`pInstance` of MAPIOFFLINE_CREATEINFO, QueryInterface's
//! `riid`): what the simulator answers, how the trace records it in JSON and text, the
//! C++ it stands for, and how the scenario language writes it.

use mapioffline::consts::*;
use mapioffline::render::{render, Format};
use mapioffline::scenario::{run_script, RunError};
use mapioffline::trace::Severity;
use mapioffline::*;

fn world() -> (Sim, Ptr) {
    let mut sim = Sim::default();
    sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
    let mgr = sim.open("Outlook").unwrap();
    (sim, mgr)
}

/// The diagnostic with this code: (severity, clause, message).
fn diag(sim: &Sim, code: &str) -> (Severity, Option<Clause>, String) {
    let d = sim
        .trace()
        .diagnostics()
        .find(|d| d.code == code)
        .unwrap_or_else(|| {
            let all: Vec<_> = sim.trace().diagnostics().map(|d| &d.code).collect();
            panic!("no diagnostic {code}: {all:?}")
        });
    (d.severity, d.clause, d.message.clone())
}

fn count(sim: &Sim, code: &str) -> usize {
    sim.trace().diagnostics().filter(|d| d.code == code).count()
}

mod sim {
    use super::*;

    #[test]
    fn open_with_an_unreadable_pguid_is_not_found_citing_open4_as_the_simulators_choice() {
        let (mut sim, mgr) = world();
        let r =
            sim.hr_open_offline_obj(0, Some("Outlook"), GuidPtr::Addr(0x1234), None, Out::Valid);
        assert_eq!((r.hr, r.out), (HResult::MAPI_E_NOT_FOUND, None));
        let (sev, clause, msg) = diag(&sim, "open.guid_unreadable");
        assert_eq!((sev, clause), (Severity::Error, Some(Clause::Open4)));
        assert!(
            msg.contains("0x1234") && msg.contains("the simulator's choice"),
            "{msg}"
        );
        assert_eq!(diag(&sim, "open.not_found").1, Some(Clause::Open11));
        // The failed open hands out no reference.
        assert_eq!(sim.refcount(mgr), Some(1));
    }

    #[test]
    fn open_with_a_raw_preserved_breaks_open5_without_reading_it() {
        let (mut sim, _) = world();
        let r = sim.hr_open_offline_obj(
            0,
            Some("Outlook"),
            Some(GUID_GLOBAL_STATE),
            GuidPtr::Addr(0x1000),
            Out::Valid,
        );
        assert_eq!((r.hr, r.out), (HResult::MAPI_E_NOT_FOUND, None));
        let (sev, clause, msg) = diag(&sim, "open.preserved_nonnull");
        assert_eq!((sev, clause), (Severity::Error, Some(Clause::Open5)));
        assert_eq!(msg, "pReserved is 0x1000; it must be NULL");
        // OPEN-5 needs no reading of the address: no simulator's choice is claimed.
        assert_eq!(count(&sim, "open.guid_unreadable"), 0);
    }

    #[test]
    fn guid_ptr_addr_zero_is_null() {
        assert_eq!(GuidPtr::addr(0), GuidPtr::Null);
        assert_eq!(GuidPtr::addr(0x10), GuidPtr::Addr(0x10));
        assert_eq!(GuidPtr::from(None), GuidPtr::Null);
        assert_eq!(GuidPtr::from(Some(IID_IUNKNOWN)).guid(), Some(IID_IUNKNOWN));
        assert_eq!(GuidPtr::Addr(1).guid(), None);
    }

    #[test]
    fn create_with_an_unreadable_pguid_or_pinstance_is_invalidarg_citing_cre2() {
        for (field, code) in [
            ("pGUID", "create.guid_unreadable"),
            ("pInstance", "create.instance_unreadable"),
        ] {
            let (mut sim, mgr) = world();
            let mut ci = sim.create_info("Outlook", 3, IID_IUNKNOWN, mgr);
            if field == "pGUID" {
                ci.p_guid = GuidPtr::Addr(0xDEAD);
            } else {
                ci.p_instance = GuidPtr::Addr(0xDEAD);
            }
            let r = sim.hr_create_offline_obj(0, Some(&ci), Out::Valid);
            assert_eq!((r.hr, r.out), (HResult::E_INVALIDARG, None), "{field}");
            let (sev, clause, msg) = diag(&sim, code);
            assert_eq!(
                (sev, clause),
                (Severity::Error, Some(Clause::Cre2)),
                "{field}"
            );
            assert!(
                msg.starts_with(&format!("{field} is 0xDEAD"))
                    && msg.contains("the simulator's choice"),
                "{msg}"
            );
            assert_eq!(diag(&sim, "create.invalidarg").1, Some(Clause::Cre6));
            // No object was made.
            assert!(!sim
                .trace()
                .events
                .iter()
                .any(|e| matches!(e.kind, EventKind::ObjectCreated(_))));
        }
    }

    #[test]
    fn create_with_an_unreadable_pguid_and_no_parent_is_not_the_global_object() {
        // CRE-8 needs pGUID to read GUID_GlobalState; an address cannot, so no reference
        // to the global object is handed out.
        let (mut sim, mgr) = world();
        let mut ci = sim.create_info("Outlook", 3, GUID_GLOBAL_STATE, Ptr::NULL);
        ci.p_guid = GuidPtr::Addr(0x20);
        let r = sim.hr_create_offline_obj(0, Some(&ci), Out::Valid);
        assert_eq!(r.hr, HResult::E_INVALIDARG);
        assert_eq!(sim.refcount(mgr), Some(1));
        assert_eq!(count(&sim, "create.global"), 0);
    }

    #[test]
    fn query_interface_with_an_unreadable_riid_is_invalidarg_and_writes_null() {
        let (mut sim, mgr) = world();
        let r = sim.query_interface(mgr, GuidPtr::Addr(0x4000), Out::Valid);
        assert_eq!((r.hr, r.out), (HResult::E_INVALIDARG, Some(Ptr::NULL)));
        let (sev, clause, msg) = diag(&sim, "qi.riid_unreadable");
        assert_eq!((sev, clause), (Severity::Error, Some(Clause::Mgr3)));
        assert!(
            msg.contains("0x4000") && msg.contains("the simulator's choice"),
            "{msg}"
        );
        assert_eq!(sim.refcount(mgr), Some(1));
    }
}

mod json {
    use super::*;

    fn trace_with_every_form() -> Trace {
        let (mut sim, mgr) = world();
        sim.hr_open_offline_obj(0, Some("Outlook"), GuidPtr::Addr(0x1234), None, Out::Valid);
        sim.hr_open_offline_obj(
            0,
            Some("Outlook"),
            Some(GUID_GLOBAL_STATE),
            GuidPtr::Addr(u64::MAX),
            Out::Valid,
        );
        sim.query_interface(mgr, GuidPtr::Addr(0x4000), Out::Valid);
        let mut ci = sim.create_info("Outlook", 3, IID_IUNKNOWN, mgr);
        ci.p_instance = GuidPtr::Addr(0xDEAD);
        sim.hr_create_offline_obj(0, Some(&ci), Out::Valid);
        sim.trace().clone()
    }

    #[test]
    fn null_and_guid_keep_their_json_and_a_raw_address_is_an_addr_object() {
        let t = trace_with_every_form();
        let json = serde_json::to_string(&t).unwrap();
        // Unchanged forms: what Option<Guid> wrote.
        assert!(
            json.contains(r#""pGUID":"{FBEFFD93-B11F-4094-842B-96DCD31E63D1}","pReserved":null"#)
        );
        // The new form, an integer like every other address of the trace.
        assert!(
            json.contains(r#""pGUID":{"addr":4660},"pReserved":null"#),
            "{json}"
        );
        assert!(json.contains(r#""pReserved":{"addr":18446744073709551615}"#));
        assert!(json.contains(r#""riid":{"addr":16384}"#));
        assert!(json.contains(r#""pInstance":{"addr":57005}"#));
        let back: Trace = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
    }

    #[test]
    fn a_trace_written_before_guid_pointers_reads_the_same() {
        let call = r#"{"fn":"HrOpenOfflineObj","ulReserved":0,"pwszProfileNameIn":"Outlook","pGUID":"{FBEFFD93-B11F-4094-842B-96DCD31E63D1}","pReserved":null,"ppOfflineObj":"valid"}"#;
        let c: Call = serde_json::from_str(call).unwrap();
        let Call::HrOpenOfflineObj(a) = &c else {
            panic!("{c:?}")
        };
        assert_eq!(a.p_guid, GuidPtr::To(GUID_GLOBAL_STATE));
        assert_eq!(a.p_reserved, GuidPtr::Null);
        assert_eq!(serde_json::to_string(&c).unwrap(), call);
    }

    #[test]
    fn malformed_guid_pointers_are_refused_with_what_is_expected() {
        for (bad, says) in [
            (r#"{"addr":0}"#, "NULL GUID pointer is null"),
            (r#"{"address":5}"#, "not a field `address`"),
            (r#"{}"#, "missing field `addr`"),
            (r#""{not-a-guid}""#, "not a GUID"),
            (r#"7"#, "a GUID pointer: null"),
        ] {
            let e = serde_json::from_str::<GuidPtr>(bad)
                .unwrap_err()
                .to_string();
            assert!(e.contains(says), "{bad}: {e}");
        }
    }
}

mod render {
    use super::*;

    fn trace() -> Trace {
        let o = run_script(
            "profile \"Outlook\"\n\
             HrOpenOfflineObj(0, L\"Outlook\", 0x1234, 0x1000, &x)\n\
             HrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)\n\
             mgr->QueryInterface(0x4000, &p)\n\
             HrCreateOfflineObj(0, &{pwszProfileName = L\"Outlook\", pGUID = 0xDEAD, pInstance = 0xBEEF, pParent = mgr}, &child)\n\
             sink s when START once: mgr->QueryInterface(0x30, &q)\n\
             mgr->Advise(0, &{pCallback = s}, &t)\n\
             mgr->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\n\
             mgr->Unadvise(0, t)\n\
             mgr->Release()\n",
        )
        .unwrap();
        assert!(o.failures.is_empty(), "{:?}", o.failures);
        o.trace
    }

    #[test]
    fn text_prints_the_address_as_written() {
        let text = trace().to_text();
        assert!(
            text.contains("HrOpenOfflineObj(0, L\"Outlook\", 0x1234, 0x1000, &pOfflineObj)"),
            "{text}"
        );
        assert!(text.contains("->QueryInterface(0x4000, &pv)"), "{text}");
        assert!(text.contains("pGUID=0xDEAD, pInstance=0xBEEF"), "{text}");
    }

    #[test]
    fn cpp_casts_the_address_to_the_parameter_type() {
        let cpp = render(&trace(), Format::Cpp);
        assert!(
            cpp.contains(
                "HrOpenOfflineObj(0, L\"Outlook\", (const GUID*)0x1234, (const GUID*)0x1000, "
            ),
            "{cpp}"
        );
        assert!(
            cpp.contains("->QueryInterface(*(const IID*)0x4000, "),
            "{cpp}"
        );
        // The sink's Notify makes the reaction's call as written.
        assert!(
            cpp.contains("->QueryInterface(*(const IID*)0x30, &pv);"),
            "{cpp}"
        );
        assert!(
            cpp.contains("createInfo.pGUID = (const GUID*)0xDEAD;"),
            "{cpp}"
        );
        assert!(
            cpp.contains("createInfo.pInstance = (const GUID*)0xBEEF;"),
            "{cpp}"
        );
    }

    /// The casts are real C++: the output compiles, warning-free, against the C library's
    /// header, as in `core/tests/render.rs`.
    #[test]
    #[ignore = "needs g++: `cargo xtask test` installs it and runs this (or `cargo test -- --ignored`)"]
    fn the_cpp_compiles_with_gxx() {
        use std::process::Command;
        assert!(
            Command::new("g++").arg("--version").output().is_ok(),
            "g++ is not installed: `cargo xtask test` installs it, or run `apt-get install g++`"
        );
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("guid-pointers");
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("client.cpp");
        std::fs::write(&file, render(&trace(), Format::Cpp)).unwrap();
        let out = Command::new("g++")
            .args(["-std=c++11", "-fsyntax-only", "-Wall", "-Wextra", "-Werror"])
            .args(["-fshort-wchar", "-DMAPIOFFLINE_SIM", "-I"])
            .arg(root.join("../ffi/include"))
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn markdown_and_mermaid_show_it() {
        let t = trace();
        for f in [Format::Markdown, Format::Mermaid] {
            let s = render(&t, f);
            assert!(s.contains("0x1234"), "{f:?}: {s}");
        }
    }
}

mod scenario {
    use super::*;

    /// The error's message and hint, or the parse error's text.
    fn err(src: &str) -> String {
        match run_script(src).unwrap_err() {
            RunError::Statement { message, hint, .. } => {
                format!("{message} | {}", hint.unwrap_or_default())
            }
            e => e.to_string(),
        }
    }

    #[test]
    fn a_raw_address_goes_wherever_a_guid_pointer_goes() {
        let o = run_script(
            "profile \"Outlook\"\n\
             HrOpenOfflineObj(0, L\"Outlook\", 0x1234, NULL, &m)\n\
             expect MAPI_E_NOT_FOUND\nexpect diagnostic open.guid_unreadable\nexpect diagnostic OPEN-11\n\
             HrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, 0x1000, &m)\n\
             expect MAPI_E_NOT_FOUND\nexpect diagnostic open.preserved_nonnull\n\
             HrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, 0, &mgr)\nexpect S_OK\n\
             mgr->QueryInterface(0xDEAD, &p)\nexpect E_INVALIDARG\nexpect p == NULL\nexpect diagnostic qi.riid_unreadable\n\
             mgr->vtbl[0](0xDEAD, &p2)\nexpect E_INVALIDARG\n\
             HrCreateOfflineObj(0, &{pwszProfileName = L\"Outlook\", pGUID = 0x10, pParent = mgr}, &c)\n\
             expect E_INVALIDARG\nexpect diagnostic create.guid_unreadable\nexpect diagnostic CRE-6\n\
             HrCreateOfflineObj(0, &{pwszProfileName = L\"Outlook\", pInstance = 0x20, pParent = mgr}, &c)\n\
             expect E_INVALIDARG\nexpect diagnostic create.instance_unreadable\n\
             sink s when START once: mgr->QueryInterface(0x30, &q)\n\
             mgr->Advise(0, &{pCallback = s}, &t)\n\
             mgr->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\n\
             expect diagnostic qi.riid_unreadable\n",
        )
        .unwrap();
        assert!(o.failures.is_empty(), "{:?}", o.failures);
        // `0` is NULL, as for every pointer argument; the reaction's riid is kept raw.
        let text = o.trace.to_text();
        assert!(
            text.contains("&GUID_GlobalState, NULL, &pOfflineObj)"),
            "{text}"
        );
        assert!(text.contains("in Notify: mgr->QueryInterface(0x30, &q) on MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START once"), "{text}");
    }

    #[test]
    fn nonsense_gets_a_message_and_a_hint() {
        let open = |arg: &str| {
            err(&format!(
                "profile \"Outlook\"\nHrOpenOfflineObj(0, L\"Outlook\", {arg}, NULL, &m)\n"
            ))
        };
        let e = open("&0x1234");
        assert!(
            e.contains("`&0x1234`: a number has no address")
                && e.contains("write 0x1234 (without `&`)"),
            "{e}"
        );
        let e = open("&NULL");
        assert!(
            e.contains("NULL has no address") && e.contains("write NULL"),
            "{e}"
        );
        let e = open("L\"GUID_GlobalState\"");
        assert!(
            e.contains("expected a GUID pointer") && e.contains("raw address such as 0x1234"),
            "{e}"
        );
        let e = open("GUID_GlobalStat");
        assert!(e.contains("did you mean `GUID_GlobalState`?"), "{e}");
        // A variable holds a pointer or a number, never a GUID: say what it holds.
        let e = err("profile \"Outlook\"\nHrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)\nHrOpenOfflineObj(0, L\"Outlook\", mgr, NULL, &m)\n");
        assert!(
            e.contains("`mgr` is an interface pointer (0x00A00000), not a GUID")
                && e.contains("write it as a number"),
            "{e}"
        );
        // The C++ rendering's cast, pasted back into a script.
        let e = open("(const GUID*)0x1234");
        assert!(
            e.contains("found `*`")
                && e.contains("write a raw address as a plain number (`0x1234`)"),
            "{e}"
        );
        let e = err("profile \"Outlook\"\nsink s iid 0x40\n");
        assert!(
            e.contains("`iid 0x40`: an interface is named by its GUID"),
            "{e}"
        );
    }
}
