//! The GUIDs of the API and what each one identifies.

use super::*;

pub(super) struct GuidDoc {
    pub(super) name: &'static str,
    pub(super) about: &'static str,
    pub(super) clauses: &'static [&'static str],
}

pub(super) static GUID_DOCS: &[GuidDoc] = &[
    GuidDoc {
        name: "GUID_GlobalState",
        about: "The type of a profile's global offline object. HrOpenOfflineObj's pGUID must point to it (OPEN-4), or the call returns MAPI_E_NOT_FOUND (OPEN-11); as HrCreateOfflineObj's pGUID it names the global object other objects use as parent (CRE-2).",
        clauses: &["OPEN-4", "OPEN-11", "CRE-2"],
    },
    GuidDoc {
        name: "IID_IUnknown",
        about: "The IID of IUnknown. QueryInterface for it on an offline object succeeds and adds a reference (MGR-3).",
        clauses: &["MGR-3"],
    },
    GuidDoc {
        name: "IID_IMAPIOffline",
        about: "The IID of IMAPIOffline (SetCurrentState, GetCapabilities, GetCurrentState, one placeholder). A client gets it by QueryInterface on the IMAPIOfflineMgr that HrOpenOfflineObj returns (OFF-1, MGR-2).",
        clauses: &["OFF-1", "OFF-2", "MGR-2", "MGR-3"],
    },
    GuidDoc {
        name: "IID_IMAPIOfflineMgr",
        about: "The IID of IMAPIOfflineMgr, the interface HrOpenOfflineObj returns (OPEN-6). It inherits IMAPIOffline and adds Advise, Unadvise and seven placeholders (MGR-1).",
        clauses: &["OPEN-6", "MGR-1", "MGR-3"],
    },
    GuidDoc {
        name: "IID_IMAPIOfflineNotify",
        about: "The IID of IMAPIOfflineNotify, the callback interface the client implements (GEN-3, NTF-1). Advise asks pCallback for it and returns E_NOINTERFACE when it is missing (ADV-9).",
        clauses: &["GEN-3", "ADV-6", "ADV-9", "NTF-1"],
    },
];

pub(super) fn explain_guid(g: Guid) -> Explanation {
    let Some(name) = g.name() else {
        let known: Vec<&str> = KNOWN_GUIDS.iter().map(|k| k.name).collect();
        let cited = clauses_of(["MGR-3", "CRE-5", "OPEN-4", "OPEN-11"]);
        return Explanation {
            term: g.to_string(),
            kind: TermKind::Guid,
            title: g.to_string(),
            body: vec![
                plain(vec![format!(
                    "Not one of the API's GUIDs ({}).",
                    known.join(", ")
                )]),
                plain(vec![
                    "QueryInterface for it on an offline object returns E_NOINTERFACE and writes NULL, unless the object is aggregated (MGR-3, CRE-5).".into(),
                    "As HrOpenOfflineObj's pGUID it makes the call fail with MAPI_E_NOT_FOUND (OPEN-4, OPEN-11).".into(),
                ]),
                sec("Clauses", clause_lines(&cited)),
            ],
        };
    };
    let mut body = Vec::new();
    if let Some(d) = GUID_DOCS.iter().find(|d| d.name == name) {
        body.push(plain(vec![d.about.to_string()]));
        body.push(sec(
            "Clauses",
            clause_lines(&clauses_of(d.clauses.iter().copied())),
        ));
    }
    Explanation {
        term: name.to_string(),
        kind: TermKind::Guid,
        title: format!("{name} = {g}"),
        body,
    }
}
