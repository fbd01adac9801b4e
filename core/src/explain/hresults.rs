//! Which calls return each HRESULT, and when (HRESULT_DOCS), and its explanation; `core/tests/explain_hresults.rs` runs each call the table describes.

use super::*;

/// One call that returns an HRESULT, and when.
pub(super) struct Source {
    pub(super) call: &'static str,
    pub(super) when: &'static str,
    pub(super) clauses: &'static [&'static str],
}

/// Which calls of the API return an HRESULT, from the digest.
pub(super) struct HResultDoc {
    pub(super) name: &'static str,
    pub(super) returned_by: &'static [Source],
    pub(super) notes: &'static [&'static str],
    /// Clauses the notes cite, beyond those of `returned_by`.
    pub(super) see: &'static [&'static str],
    pub(super) rules: &'static [Rule],
}

const SET: &str = "IMAPIOffline::SetCurrentState";
const GETS: &str = "IMAPIOffline::GetCapabilities and GetCurrentState";
const QI: &str = "QueryInterface on an offline object";
const ADVISE: &str = "IMAPIOfflineMgr::Advise";
const OPEN: &str = "HrOpenOfflineObj";
const CREATE: &str = "HrCreateOfflineObj";
pub(super) const NOT_HERE: &str = "Not returned by the Offline State API's calls; a connection-aware client meets it from other MAPI calls (§7).";

pub(super) static HRESULT_DOCS: &[HResultDoc] = &[
    HResultDoc {
        name: "S_OK",
        returned_by: &[
            Source { call: OPEN, when: "the profile's offline object was opened and *ppOfflineObj holds its IMAPIOfflineMgr", clauses: &["OPEN-6"] },
            Source { call: SET, when: "the change is complete (MAPIOFFLINE_FLAG_BLOCK) or has started (MAPIOFFLINE_FLAG_DEFAULT)", clauses: &["SET-1", "SET-2", "SET-8"] },
            Source { call: SET, when: "the object is already in the requested state, or ONLINE was requested without connectivity and is remembered", clauses: &["SET-10", "SET-11"] },
            Source { call: SET, when: "under the literal reading of SET-4, a request made during an asynchronous change; it is applied once that change completes", clauses: &["SET-4"] },
            Source { call: GETS, when: "the value was written (the reference gives no return values)", clauses: &["CAP-5", "CUR-4"] },
            Source { call: QI, when: "for IID_IUnknown, IID_IMAPIOffline or IID_IMAPIOfflineMgr; it adds a reference", clauses: &["OFF-1", "MGR-3"] },
            Source { call: ADVISE, when: "the callback is registered and *pulAdviseToken holds the advise token", clauses: &["ADV-1", "ADV-3"] },
            Source { call: "IMAPIOfflineMgr::Unadvise", when: "always, even for an unknown or already-removed token, which the trace flags as a client error", clauses: &["UNADV-2"] },
            Source { call: CREATE, when: "the object was created (the reference lists the return value as \"None\")", clauses: &["CRE-6"] },
        ],
        notes: &[],
        see: &[],
        rules: &[],
    },
    HResultDoc {
        name: "E_PENDING",
        returned_by: &[
            Source { call: SET, when: "while a state change is in progress on the object or anywhere in its object tree, every call, until the change completes; this is the documented reading of SET-4, the simulator's default", clauses: &["SET-3", "SET-4", "SET-12"] },
            Source { call: "IMAPIOffline::SetCurrentState from inside IMAPIOfflineNotify::Notify", when: "during a change, at once; a re-entrant call never deadlocks", clauses: &["NTF-8"] },
            Source { call: "IMAPIOffline::SetCurrentState, literal reading of SET-4", when: "only while a change started with MAPIOFFLINE_FLAG_BLOCK is in progress; a request made during an asynchronous change gets S_OK and is applied after it, and one with MAPIOFFLINE_FLAG_BLOCK waits for both changes (SET-1). Select this reading with `config set4 literal` in a scenario or `--set-4 literal` on the command line", clauses: &["SET-4"] },
        ],
        notes: &[
            "It is neither failure nor success: try again after MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE.",
            "An E_PENDING call changes nothing and is not remembered.",
        ],
        see: &[],
        rules: &[Rule::R5],
    },
    HResultDoc {
        name: "E_INVALIDARG",
        returned_by: &[
            Source { call: SET, when: "undocumented ulFlags, a ulMask other than MAPIOFFLINE_STATE_OFFLINE_MASK, a ulState other than MAPIOFFLINE_STATE_ONLINE or MAPIOFFLINE_STATE_OFFLINE, or a non-NULL pReserved; an undocumented result, the simulator's choice", clauses: &["SET-5", "SET-6", "SET-7", "SET-9"] },
            Source { call: GETS, when: "a NULL out pointer; the simulator's choice, as the reference gives no return values", clauses: &["CAP-5", "CUR-4"] },
            Source { call: ADVISE, when: "an invalid parameter: ulFlags other than MAPIOFFLINE_ADVISE_DEFAULT; a wrong ulSize, CallbackType, ulAdviseTypes or ulStateMask; a NULL pAdviseInfo or pulAdviseToken", clauses: &["ADV-3", "ADV-9"] },
            Source { call: CREATE, when: "a broken precondition: ulFlags or ulCreateFlags not 0, pConnectInfo or pRefTrackRoot not NULL, a wrong ulSize, a required pointer NULL, or an unknown profile (the reference lists the return value as \"None\")", clauses: &["CRE-1", "CRE-5", "CRE-6"] },
            Source { call: CREATE, when: "a pGUID or pInstance at an address the simulator cannot read; the simulator's choice", clauses: &["CRE-2", "CRE-6"] },
            Source { call: QI, when: "a NULL riid or ppvObject, or a riid at an address the simulator cannot read; the simulator's choice", clauses: &["MGR-3"] },
        ],
        notes: &[
            "IMAPIOfflineMgr::Unadvise never returns it: it returns S_OK even for an unknown token or undocumented flags (UNADV-2).",
            "HrOpenOfflineObj never returns it: every broken precondition gives MAPI_E_NOT_FOUND (OPEN-11).",
            "The simulator also returns it for a call made through a pointer that is not a live offline object, where a real client would crash.",
        ],
        see: &["UNADV-2", "OPEN-11"],
        rules: &[Rule::R2],
    },
    HResultDoc {
        name: "E_NOINTERFACE",
        returned_by: &[
            Source { call: QI, when: "for any IID other than IID_IUnknown, IID_IMAPIOffline and IID_IMAPIOfflineMgr, writing NULL to *ppvObject; an aggregated object passes such requests to its outer object instead", clauses: &["MGR-3", "CRE-5"] },
            Source { call: ADVISE, when: "MAPIOFFLINE_ADVISEINFO's pCallback is NULL or does not answer QueryInterface(IID_IMAPIOfflineNotify)", clauses: &["ADV-3", "ADV-6", "ADV-9"] },
        ],
        notes: &[],
        see: &[],
        rules: &[],
    },
    HResultDoc {
        name: "E_NOTIMPL",
        returned_by: &[
            Source { call: "a placeholder slot of IMAPIOffline (one) or IMAPIOfflineMgr (seven)", when: "always: the slots are reserved for Outlook, and the trace flags the call as a client contract violation", clauses: &["OFF-2", "OFF-3", "MGR-2"] },
        ],
        notes: &[],
        see: &[],
        rules: &[Rule::R7],
    },
    HResultDoc {
        name: "MAPI_E_NOT_FOUND",
        returned_by: &[
            Source { call: OPEN, when: "the call failed; this is its only documented failure result", clauses: &["OPEN-7"] },
            Source { call: OPEN, when: "the caller is outside the Outlook process", clauses: &["OPEN-8"] },
            Source { call: OPEN, when: "a broken precondition: ulReserved not 0, pGUID not GUID_GlobalState (an address the simulator cannot read counts as not, the simulator's choice), pReserved not NULL, a NULL ppOfflineObj or an unknown profile; the trace names which", clauses: &["OPEN-2", "OPEN-4", "OPEN-5", "OPEN-11"] },
        ],
        notes: &[],
        see: &[],
        rules: &[],
    },
    HResultDoc {
        name: "MAPI_E_OFFLINE",
        returned_by: &[],
        notes: &[
            NOT_HERE,
            "Its description is where the reference says the environment (server failure, network loss) can take a profile offline (GEN-5).",
        ],
        see: &["GEN-5"],
        rules: &[],
    },
    HResultDoc {
        name: "MAPI_E_RECONNECTED",
        returned_by: &[],
        notes: &[NOT_HERE, "Retry the call, as after MAPI_E_END_OF_SESSION."],
        see: &[],
        rules: &[],
    },
    HResultDoc {
        name: "MAPI_E_END_OF_SESSION",
        returned_by: &[],
        notes: &[NOT_HERE],
        see: &[],
        rules: &[],
    },
];

/// One line of an HRESULT's "Returned by": which call returns it, when, and the clauses
/// that say so. `core/tests/explain_hresults.rs` makes each call and checks the result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HResultSource {
    pub hresult: &'static str,
    pub call: &'static str,
    pub when: &'static str,
    pub clauses: &'static [&'static str],
}

/// Every "Returned by" line of every HRESULT `explain` describes, in table order.
pub fn hresult_sources() -> impl Iterator<Item = HResultSource> {
    HRESULT_DOCS.iter().flat_map(|d| {
        d.returned_by.iter().map(move |s| HResultSource {
            hresult: d.name,
            call: s.call,
            when: s.when,
            clauses: s.clauses,
        })
    })
}

pub(super) fn explain_hresult(h: &HResultInfo, note: Option<String>) -> Explanation {
    let v = h.value.0;
    let mut first: Vec<String> = note.into_iter().collect();
    first.push(format!("Meaning: {}.", h.meaning));
    first.push(if h.value.succeeded() {
        "A success code.".to_string()
    } else {
        format!(
            "A failure code (severity bit set); as a signed 32-bit value, {}.",
            v as i32
        )
    });
    let mut body = vec![plain(first)];
    let doc = HRESULT_DOCS.iter().find(|d| d.name == h.name);
    let mut cited = BTreeSet::new();
    if let Some(d) = doc {
        if d.returned_by.is_empty() {
            body.push(sec("Returned by", vec!["None of this API's calls.".into()]));
        } else {
            let lines = d
                .returned_by
                .iter()
                .map(|s| format!("{} ({}): {}.", s.call, s.clauses.join(", "), s.when))
                .collect();
            body.push(sec("Returned by", lines));
        }
        if !d.notes.is_empty() {
            body.push(sec(
                "Notes",
                d.notes.iter().map(|n| n.to_string()).collect(),
            ));
        }
        cited = clauses_of(
            d.returned_by
                .iter()
                .flat_map(|s| s.clauses.iter().copied())
                .chain(d.see.iter().copied()),
        );
        if !d.rules.is_empty() {
            body.push(sec(
                "Client rules",
                d.rules.iter().map(|r| rule_line(*r)).collect(),
            ));
        }
    }
    if !cited.is_empty() {
        body.push(sec("Clauses", clause_lines(&cited)));
    }
    Explanation {
        term: h.name.to_string(),
        kind: TermKind::HResult,
        title: format!("{} = {}", h.name, hex(v)),
        body,
    }
}
