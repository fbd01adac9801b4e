//! The API's own names: its two functions, its three interfaces and their methods, with
//! signature, vtable slot, results and clauses. Which calls return which HRESULT is not
//! repeated here: it is read from the HRESULT table, so the two answers cannot disagree.

use super::hresults::HRESULT_DOCS;
use super::{clause_lines, contains_word, plain, rule_line, sec, Explanation, TermKind};
use crate::clauses::{Clause, CLAUSES, RULES};
use std::collections::BTreeSet;

/// A function, interface or method of the reference.
pub(super) struct ApiDoc {
    /// As the reference spells it; methods as `Interface::Method`.
    pub name: &'static str,
    pub kind: TermKind,
    /// The declaration, as in the reference's headers.
    pub signature: &'static str,
    /// Where it lives: the DLL export, the IID, or the vtable slot.
    pub place: &'static str,
    pub about: &'static [&'static str],
    /// What it returns besides HRESULTs the HRESULT table lists for it.
    pub returns: &'static str,
    /// Clause IDs; `SET-` stands for the whole group.
    pub clauses: &'static [&'static str],
}

impl ApiDoc {
    /// `SetCurrentState` for `IMAPIOffline::SetCurrentState`.
    pub fn short(&self) -> &'static str {
        self.name.rsplit("::").next().unwrap_or(self.name)
    }

    fn clause_set(&self) -> BTreeSet<Clause> {
        self.clauses
            .iter()
            .flat_map(|id| {
                CLAUSES.iter().filter(move |c| {
                    if id.ends_with('-') {
                        c.id.starts_with(id)
                    } else {
                        c.id == *id
                    }
                })
            })
            .map(|c| c.clause)
            .collect()
    }
}

pub(super) static API: &[ApiDoc] = &[
    ApiDoc {
        name: "HrOpenOfflineObj",
        kind: TermKind::Function,
        signature: "HRESULT HrOpenOfflineObj(ULONG ulReserved, LPCWSTR pwszProfileNameIn, const GUID *pGUID, const GUID *pReserved, IMAPIOfflineMgr **ppOfflineObj);",
        place: "exported by msmapi32.dll; found with GetProcAddress as HrOpenOfflineObj@20 (OPEN-1)",
        about: &[
            "Opens the profile's global offline object: the first call of a client that wants to hear about connection changes (OPEN-9, GEN-3).",
            "Works only inside the Outlook process (OPEN-8). Opening the same profile again returns the same object, with one more reference to release (OPEN-10).",
        ],
        returns: "",
        clauses: &["OPEN-", "GEN-3"],
    },
    ApiDoc {
        name: "HrCreateOfflineObj",
        kind: TermKind::Function,
        signature: "STDAPI HrCreateOfflineObj(ULONG ulFlags, MAPIOFFLINE_CREATEINFO *pCreateInfo, IMAPIOfflineMgr **ppOffline);",
        place: "exported by msmapi32.dll, for providers and stores (CRE-1)",
        about: &[
            "Creates an offline object of a provider or store, whose state follows its pParent (CRE-3, CRE-7); with pGUID = &GUID_GlobalState and no parent it returns the profile's global object, as HrOpenOfflineObj does (CRE-2, OPEN-10).",
            "The reference lists its return value as \"None\"; the declaration returns an HRESULT, which the simulator follows (CRE-6).",
        ],
        returns: "",
        clauses: &["CRE-"],
    },
    ApiDoc {
        name: "IMAPIOffline",
        kind: TermKind::Interface,
        signature: "interface IMAPIOffline : IUnknown { SetCurrentState; GetCapabilities; GetCurrentState; one placeholder }",
        place: "IID_IMAPIOffline {000672B5-0000-0000-C000-000000000046}",
        about: &[
            "An offline object's state: set it, read its capabilities and its current state. Obtained with QueryInterface(IID_IMAPIOffline) on the IMAPIOfflineMgr that HrOpenOfflineObj returns (OFF-1).",
            "Vtable: 0 QueryInterface, 1 AddRef, 2 Release, 3 SetCurrentState, 4 GetCapabilities, 5 GetCurrentState, 6 placeholder (reserved for Outlook: E_NOTIMPL, OFF-2, OFF-3).",
        ],
        returns: "",
        clauses: &["OFF-"],
    },
    ApiDoc {
        name: "IMAPIOfflineMgr",
        kind: TermKind::Interface,
        signature: "interface IMAPIOfflineMgr : IMAPIOffline { Advise; Unadvise; seven placeholders }",
        place: "IID_IMAPIOfflineMgr {42175607-FF3E-4790-BC18-66C8643E6424}",
        about: &[
            "What HrOpenOfflineObj and HrCreateOfflineObj return (OPEN-6): IMAPIOffline's methods plus registering for state-change notifications (MGR-1).",
            "Vtable: IMAPIOffline's slots 0 to 6, then 7 Advise, 8 Unadvise, 9 to 15 placeholders (reserved for Outlook: E_NOTIMPL, MGR-2, OFF-3).",
        ],
        returns: "",
        clauses: &["MGR-", "OPEN-6", "OFF-3"],
    },
    ApiDoc {
        name: "IMAPIOfflineNotify",
        kind: TermKind::Interface,
        signature: "interface IMAPIOfflineNotify : IUnknown { void Notify(const MAPIOFFLINE_NOTIFY *pNotifyInfo); }",
        place: "IID_IMAPIOfflineNotify {0317BDE5-FC29-44CD-8DCD-36125A3BE9EC}",
        about: &[
            "Implemented by the client, not by Outlook: the callback passed as MAPIOFFLINE_ADVISEINFO's pCallback (GEN-3, ADV-6). Advise asks pCallback for it and fails with E_NOINTERFACE when it is missing (ADV-9).",
            "Vtable: 0 QueryInterface, 1 AddRef, 2 Release, 3 Notify.",
        ],
        returns: "",
        clauses: &["NTF-1", "GEN-2", "GEN-3", "ADV-6", "ADV-9"],
    },
    ApiDoc {
        name: "IUnknown",
        kind: TermKind::Interface,
        signature: "interface IUnknown { QueryInterface; AddRef; Release }",
        place: "IID_IUnknown {00000000-0000-0000-C000-000000000046}",
        about: &[
            "COM's base interface: every interface of the API starts with its three slots, and the client's notify sink implements it too (GEN-3).",
            "On an offline object QueryInterface answers IID_IUnknown, IID_IMAPIOffline and IID_IMAPIOfflineMgr; AddRef and Release count the client's references (MGR-3, OPEN-10).",
        ],
        returns: "",
        clauses: &["MGR-3", "OPEN-10", "GEN-3"],
    },
    ApiDoc {
        name: "MAPIOFFLINE_CONNECTINFO",
        kind: TermKind::Struct,
        signature: "MAPIOFFLINE_CONNECTINFO *pConnectInfo; /* a member of MAPIOFFLINE_CREATEINFO; the reference does not define the structure */",
        place: "pointed to by MAPIOFFLINE_CREATEINFO's pConnectInfo",
        about: &[
            "Reserved: pConnectInfo must be NULL (CRE-1); HrCreateOfflineObj returns E_INVALIDARG otherwise (CRE-6). The reference gives no fields and no size.",
        ],
        returns: "",
        clauses: &["CRE-1", "CRE-6"],
    },
    ApiDoc {
        name: "MAPIOFFLINE_CALLBACK_TYPE",
        kind: TermKind::Type,
        signature: "typedef enum { MAPIOFFLINE_CALLBACK_TYPE_NOTIFY = 0 } MAPIOFFLINE_CALLBACK_TYPE;",
        place: "the type of MAPIOFFLINE_ADVISEINFO's CallbackType",
        about: &[
            "Which kind of callback pCallback is; MAPIOFFLINE_CALLBACK_TYPE_NOTIFY is the only value, as notification is the only supported kind of callback (GEN-2, ADV-6).",
        ],
        returns: "",
        clauses: &["GEN-2", "ADV-6", "ADV-9"],
    },
    ApiDoc {
        name: "MAPIOFFLINE_NOTIFY_TYPE",
        kind: TermKind::Type,
        signature: "typedef enum { MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START = 1, MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE = 2, MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE = 3 } MAPIOFFLINE_NOTIFY_TYPE;",
        place: "the type of MAPIOFFLINE_NOTIFY's NotifyType",
        about: &[
            "The phase of a state change a notification reports: about to take place, taking place, completed (NTF-2). Any other value may arrive and must be ignored (NTF-5, NTF-6).",
        ],
        returns: "",
        clauses: &["NTF-2", "NTF-5", "NTF-6", "NTF-7"],
    },
    ApiDoc {
        name: "IUnknown::QueryInterface",
        kind: TermKind::Method,
        signature: "HRESULT QueryInterface(REFIID riid, void **ppvObject);",
        place: "vtable slot 0 of every COM interface",
        about: &[
            "On an offline object: IID_IUnknown, IID_IMAPIOffline and IID_IMAPIOfflineMgr succeed and add a reference; any other IID gives E_NOINTERFACE and writes NULL (MGR-3). An aggregated object passes other IIDs to its outer object (CRE-5).",
            "Outlook also calls it on the client's pCallback during Advise, asking for IID_IMAPIOfflineNotify (ADV-9).",
        ],
        returns: "",
        clauses: &["MGR-3", "OFF-1", "MGR-2", "CRE-5", "ADV-9"],
    },
    ApiDoc {
        name: "IUnknown::AddRef",
        kind: TermKind::Method,
        signature: "ULONG AddRef(void);",
        place: "vtable slot 1 of every COM interface",
        about: &[
            "Adds a reference and returns the new count (MGR-3); every AddRef needs its Release (rule R4).",
        ],
        returns: "the new reference count (a ULONG, not an HRESULT)",
        clauses: &["MGR-3", "OPEN-10"],
    },
    ApiDoc {
        name: "IUnknown::Release",
        kind: TermKind::Method,
        signature: "ULONG Release(void);",
        place: "vtable slot 2 of every COM interface",
        about: &[
            "Drops a reference and returns the new count (MGR-3). The client releases once for every HrOpenOfflineObj, HrCreateOfflineObj, successful QueryInterface and AddRef (OPEN-10, rule R4); Unadvise releases the manager's reference on the sink (UNADV-3).",
        ],
        returns: "the new reference count (a ULONG, not an HRESULT)",
        clauses: &["MGR-3", "OPEN-10", "ADV-10", "UNADV-3"],
    },
    ApiDoc {
        name: "IMAPIOffline::SetCurrentState",
        kind: TermKind::Method,
        signature: "HRESULT SetCurrentState(ULONG ulFlags, ULONG ulMask, ULONG ulState, void *pReserved);",
        place: "vtable slot 3 of IMAPIOffline and IMAPIOfflineMgr",
        about: &[
            "Requests a change of the connection state: ulMask MAPIOFFLINE_STATE_OFFLINE_MASK, ulState MAPIOFFLINE_STATE_ONLINE or MAPIOFFLINE_STATE_OFFLINE, pReserved NULL (SET-5 to SET-7).",
            "MAPIOFFLINE_FLAG_BLOCK returns when the change is complete (SET-1); MAPIOFFLINE_FLAG_DEFAULT starts an asynchronous change (SET-2), during which every SetCurrentState gets E_PENDING (SET-3; SET-4 names the other reading).",
        ],
        returns: "",
        clauses: &["SET-", "NTF-8"],
    },
    ApiDoc {
        name: "IMAPIOffline::GetCapabilities",
        kind: TermKind::Method,
        signature: "HRESULT GetCapabilities(ULONG *pulCapabilities);",
        place: "vtable slot 4 of IMAPIOffline and IMAPIOfflineMgr",
        about: &[
            "Writes which notifications the object can deliver: MAPIOFFLINE_CAPABILITY_OFFLINE and/or MAPIOFFLINE_CAPABILITY_ONLINE (CAP-1); test only these bits (CAP-3). Call it before Advise (GEN-3, rule R1).",
        ],
        returns: "",
        clauses: &["CAP-", "GEN-3"],
    },
    ApiDoc {
        name: "IMAPIOffline::GetCurrentState",
        kind: TermKind::Method,
        signature: "HRESULT GetCurrentState(ULONG *pulState);",
        place: "vtable slot 5 of IMAPIOffline and IMAPIOfflineMgr",
        about: &[
            "Writes the current state, MAPIOFFLINE_STATE_ONLINE or MAPIOFFLINE_STATE_OFFLINE (CUR-1); mask it with MAPIOFFLINE_STATE_OFFLINE_MASK before comparing (CUR-2, rule R6).",
        ],
        returns: "",
        clauses: &["CUR-"],
    },
    ApiDoc {
        name: "IMAPIOfflineMgr::Advise",
        kind: TermKind::Method,
        signature: "HRESULT Advise(ULONG ulFlags, MAPIOFFLINE_ADVISEINFO *pAdviseInfo, ULONG *pulAdviseToken);",
        place: "vtable slot 7 of IMAPIOfflineMgr",
        about: &[
            "Registers the client's IMAPIOfflineNotify for state-change notifications and writes an advise token for Unadvise (ADV-1); the manager holds a reference on the sink until then (ADV-10).",
        ],
        returns: "",
        clauses: &["ADV-", "GEN-3"],
    },
    ApiDoc {
        name: "IMAPIOfflineMgr::Unadvise",
        kind: TermKind::Method,
        signature: "HRESULT Unadvise(ULONG ulFlags, ULONG ulAdviseToken);",
        place: "vtable slot 8 of IMAPIOfflineMgr",
        about: &[
            "Removes the registration of an advise token and releases the manager's reference on its sink (UNADV-3); from then on that sink is told nothing, even mid-change (UNADV-4). Every Advise needs one (rule R3).",
        ],
        returns: "",
        clauses: &["UNADV-", "GEN-3"],
    },
    ApiDoc {
        name: "IMAPIOfflineNotify::Notify",
        kind: TermKind::Method,
        signature: "void Notify(const MAPIOFFLINE_NOTIFY *pNotifyInfo);",
        place: "vtable slot 3 of IMAPIOfflineNotify (implemented by the client)",
        about: &[
            "Outlook calls it on each registration: START, STATECHANGE, DONE for every change (NTF-2, NTF-7). Read Info only when NotifyType is one of those three and ulMask is MAPIOFFLINE_STATE_OFFLINE_MASK (NTF-5, rule R6); ignore anything else (NTF-6).",
            "A SetCurrentState made from inside it during a change gets E_PENDING (NTF-8).",
        ],
        returns: "nothing (void)",
        clauses: &["NTF-"],
    },
];

/// The entry `term` names: `IMAPIOffline::SetCurrentState`, `SetCurrentState`,
/// `IMAPIOfflineMgr::SetCurrentState` (inherited), `IMAPIOffline`, `HrOpenOfflineObj`;
/// case-insensitive.
pub(super) fn find(term: &str) -> Option<&'static ApiDoc> {
    let t = term.trim_end_matches("()");
    let method = t.rsplit("::").next().unwrap_or(t);
    API.iter()
        .find(|d| d.name.eq_ignore_ascii_case(t))
        .or_else(|| {
            // A bare method name, or a method named through an interface that inherits it.
            API.iter().find(|d| {
                d.kind == TermKind::Method && d.short().eq_ignore_ascii_case(method) && {
                    let iface = t.strip_suffix(method).and_then(|p| p.strip_suffix("::"));
                    iface.is_none_or(|i| inherits(i, d.name))
                }
            })
        })
}

/// Whether interface `iface` has method `full` (`Interface::Method`), itself or by
/// inheritance.
fn inherits(iface: &str, full: &str) -> bool {
    let owner = full.split("::").next().unwrap_or("");
    let chain: &[&str] = match iface.to_ascii_lowercase().as_str() {
        "iunknown" => &["IUnknown"],
        "imapioffline" => &["IMAPIOffline", "IUnknown"],
        "imapiofflinemgr" => &["IMAPIOfflineMgr", "IMAPIOffline", "IUnknown"],
        "imapiofflinenotify" => &["IMAPIOfflineNotify", "IUnknown"],
        _ => &[],
    };
    chain.contains(&owner)
}

/// Every name [`find`] accepts for the table's entries: full names and bare method names.
pub(super) fn names() -> impl Iterator<Item = &'static str> {
    API.iter().map(|d| d.name).chain(
        API.iter()
            .filter(|d| d.kind == TermKind::Method)
            .map(ApiDoc::short),
    )
}

pub(super) fn explain_api(d: &ApiDoc) -> Explanation {
    let mut body = vec![plain(d.about.iter().map(|s| s.to_string()).collect())];
    body.push(sec("Signature", vec![d.signature.to_string()]));
    // The calls this entry stands for, as the HRESULT table names them.
    let own = |call: &str| match d.kind {
        // "SetCurrentState from inside IMAPIOfflineNotify::Notify" is SetCurrentState's.
        TermKind::Method => contains_word(call.split(" from ").next().unwrap_or(call), d.short()),
        TermKind::Function => call.starts_with(d.name),
        _ => false,
    };
    let mut results = Vec::new();
    let mut cited = d.clause_set();
    for h in HRESULT_DOCS {
        for s in h.returned_by.iter().filter(|s| own(s.call)) {
            // The table's call says more than the entry's name only for a special case.
            let case = if s.call == d.name {
                String::new()
            } else {
                format!(", {}", s.call)
            };
            results.push(format!(
                "{} ({}){case}: {}.",
                h.name,
                s.clauses.join(", "),
                s.when
            ));
            cited.extend(s.clauses.iter().filter_map(|id| Clause::from_id(id)));
        }
    }
    if !d.returns.is_empty() {
        results.insert(0, format!("Returns {}.", d.returns));
    }
    if d.kind == TermKind::Interface {
        let methods: Vec<String> = API
            .iter()
            .filter(|m| m.kind == TermKind::Method && inherits(d.name, m.name))
            .map(|m| format!("{}: {}", m.name, m.place))
            .collect();
        body.push(sec("Methods", methods));
    } else if !results.is_empty() {
        body.push(sec("Results", results));
    }
    let rules: Vec<String> = RULES
        .iter()
        .filter(|r| r.clauses.iter().any(|c| cited.contains(c)))
        .map(|r| rule_line(r.rule))
        .collect();
    if !rules.is_empty() {
        body.push(sec("Client rules", rules));
    }
    body.push(sec("Clauses", clause_lines(&cited)));
    let what = match d.kind {
        TermKind::Function => "function",
        TermKind::Interface => "interface",
        TermKind::Struct => "structure",
        TermKind::Type => "type",
        _ => "method",
    };
    Explanation {
        term: d.name.to_string(),
        kind: d.kind,
        title: format!("{}: {what}, {}", d.name, d.place),
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::super::explain;
    use super::*;
    use crate::consts::{HRESULTS, KNOWN_GUIDS};
    use crate::scenario::words;

    fn text(term: &str) -> String {
        explain(term)
            .unwrap_or_else(|e| panic!("{term}: {e}"))
            .to_text()
    }

    #[test]
    fn every_api_name_of_the_reference_is_explained() {
        for (term, kind) in [
            ("HrOpenOfflineObj", TermKind::Function),
            ("HrCreateOfflineObj", TermKind::Function),
            ("IMAPIOffline", TermKind::Interface),
            ("IMAPIOfflineMgr", TermKind::Interface),
            ("IMAPIOfflineNotify", TermKind::Interface),
            ("SetCurrentState", TermKind::Method),
            ("GetCapabilities", TermKind::Method),
            ("GetCurrentState", TermKind::Method),
            ("Advise", TermKind::Method),
            ("Unadvise", TermKind::Method),
            ("Notify", TermKind::Method),
            ("QueryInterface", TermKind::Method),
            ("AddRef", TermKind::Method),
            ("Release", TermKind::Method),
            ("MAPIOFFLINE_ADVISEINFO", TermKind::Struct),
            ("MAPIOFFLINE_NOTIFY", TermKind::Struct),
            ("MAPIOFFLINE_CREATEINFO", TermKind::Struct),
            ("MAPIOFFLINE_AGGREGATEINFO", TermKind::Struct),
            ("MAPIOFFLINE_CONNECTINFO", TermKind::Struct),
            ("MAPIOFFLINE_CALLBACK_TYPE", TermKind::Type),
            ("MAPIOFFLINE_NOTIFY_TYPE", TermKind::Type),
            ("IUnknown", TermKind::Interface),
        ] {
            let x = explain(term).unwrap_or_else(|e| panic!("{term}: {e}"));
            assert_eq!(x.kind, kind, "{term}");
        }
        for m in words::METHODS {
            assert_eq!(explain(m).unwrap().kind, TermKind::Method, "{m}");
        }
    }

    #[test]
    fn a_method_gives_signature_slot_results_and_clauses() {
        let t = text("SetCurrentState");
        assert!(t.starts_with(
            "IMAPIOffline::SetCurrentState: method, vtable slot 3 of IMAPIOffline and IMAPIOfflineMgr\n"
        ), "{t}");
        assert!(t.contains("Signature:\n  HRESULT SetCurrentState(ULONG ulFlags, ULONG ulMask, ULONG ulState, void *pReserved);\n"));
        assert!(
            t.contains("  S_OK (SET-1, SET-2, SET-8): the change is complete"),
            "{t}"
        );
        assert!(
            t.contains("  E_PENDING (SET-3, SET-4, SET-12): while a state change is in progress")
        );
        assert!(t.contains("  E_INVALIDARG (SET-5, SET-6, SET-7, SET-9): undocumented ulFlags"));
        assert!(t.contains("  SET-11 ") && t.contains("  NTF-8 "), "{t}");
        assert!(t.contains("  E_PENDING (NTF-8), IMAPIOffline::SetCurrentState from inside IMAPIOfflineNotify::Notify: during a change"), "{t}");
        assert!(t.contains("R5  Treat E_PENDING"), "{t}");
        // Named through an interface that inherits it, with `()`, in any case.
        for alias in [
            "IMAPIOfflineMgr::SetCurrentState",
            "imapioffline::setcurrentstate",
            "SetCurrentState()",
        ] {
            assert_eq!(explain(alias).unwrap().to_text(), t, "{alias}");
        }
        assert!(explain("IMAPIOfflineNotify::SetCurrentState").is_err());
        let t = text("Advise");
        assert!(
            t.contains("vtable slot 7 of IMAPIOfflineMgr")
                && t.contains("E_NOINTERFACE (ADV-3, ADV-6, ADV-9)"),
            "{t}"
        );
        let t = text("Unadvise");
        assert!(
            t.contains("vtable slot 8") && t.contains("S_OK (UNADV-2): always"),
            "{t}"
        );
        let t = text("Notify");
        assert!(t.starts_with(
            "IMAPIOfflineNotify::Notify: method, vtable slot 3 of IMAPIOfflineNotify"
        ));
        assert!(
            t.contains("Returns nothing (void).") && t.contains("NTF-5 "),
            "{t}"
        );
        assert!(text("Release").contains("Returns the new reference count"));
        assert!(text("QueryInterface").contains("E_NOINTERFACE (MGR-3, CRE-5)"));
        let t = text("HrOpenOfflineObj");
        assert!(
            t.contains("HrOpenOfflineObj@20")
                && t.contains("MAPI_E_NOT_FOUND (OPEN-8): the caller is outside"),
            "{t}"
        );
        assert!(text("HrCreateOfflineObj").contains("E_INVALIDARG (CRE-1, CRE-5, CRE-6)"));
    }

    #[test]
    fn an_interface_lists_its_methods_and_iid() {
        let x = explain("IMAPIOffline").unwrap();
        assert_eq!(x.term, "IMAPIOffline");
        let t = x.to_text();
        assert!(!t.contains("MAPI_E_OFFLINE"), "{t}");
        assert!(
            t.contains("IUnknown::QueryInterface: vtable slot 0")
                && t.contains("IMAPIOffline::GetCurrentState: vtable slot 5")
        );
        assert!(!t.contains("Advise"), "{t}");
        let t = text("IMAPIOfflineMgr");
        assert!(
            t.contains("IMAPIOfflineMgr::Unadvise: vtable slot 8 of IMAPIOfflineMgr"),
            "{t}"
        );
        assert!(t.contains("IMAPIOffline::SetCurrentState"), "{t}");
        for d in API.iter().filter(|d| d.kind == TermKind::Interface) {
            let iid = KNOWN_GUIDS
                .iter()
                .find(|g| g.name == format!("IID_{}", d.name))
                .unwrap();
            assert!(d.place.contains(&iid.guid.to_string()), "{}", d.name);
        }
    }

    #[test]
    fn every_method_returning_an_hresult_has_results_and_every_entry_cites_clauses() {
        for d in API {
            let t = text(d.name);
            assert!(t.contains("Clauses:\n"), "{}", d.name);
            if d.kind == TermKind::Method && d.signature.starts_with("HRESULT") {
                let results = t.split("Results:\n").nth(1).unwrap_or("");
                assert!(
                    HRESULTS
                        .iter()
                        .any(|h| results.contains(&format!("  {} (", h.name))),
                    "{} lists no result",
                    d.name
                );
            }
        }
    }
}
