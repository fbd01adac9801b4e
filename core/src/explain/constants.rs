//! What each constant means (CONST_DOCS) and its explanation.

use super::*;

/// What each constant is passed as and means, with the clauses that govern it.
pub(super) struct ConstDoc {
    pub(super) name: &'static str,
    pub(super) passed_as: &'static str,
    pub(super) meaning: &'static str,
    pub(super) clauses: &'static [&'static str],
}

pub(super) static CONST_DOCS: &[ConstDoc] = &[
    ConstDoc {
        name: "MAPIOFFLINE_ADVISE_DEFAULT",
        passed_as: "IMAPIOfflineMgr::Advise's ulFlags",
        meaning: "The only supported value of Advise's ulFlags; any other gives E_INVALIDARG (ADV-9).",
        clauses: &["ADV-2", "ADV-9"],
    },
    ConstDoc {
        name: "MAPIOFFLINE_UNADVISE_DEFAULT",
        passed_as: "IMAPIOfflineMgr::Unadvise's ulFlags",
        meaning: "The only supported value of Unadvise's ulFlags. Unadvise returns S_OK even for other flags (UNADV-2); the checker reports them under rule R2.",
        clauses: &["UNADV-1", "UNADV-2"],
    },
    ConstDoc {
        name: "MAPIOFFLINE_ADVISE_TYPE_STATECHANGE",
        passed_as: "MAPIOFFLINE_ADVISEINFO's ulAdviseTypes",
        meaning: "The only supported advise type: register for state-change notifications.",
        clauses: &["GEN-4", "ADV-7", "ADV-9"],
    },
    ConstDoc {
        name: "MAPIOFFLINE_CALLBACK_TYPE_NOTIFY",
        passed_as: "MAPIOFFLINE_ADVISEINFO's CallbackType",
        meaning: "The only supported callback type: pCallback must then be the client's IMAPIOfflineNotify. Notification is the only supported kind of callback (GEN-2).",
        clauses: &["GEN-2", "ADV-6", "ADV-9"],
    },
    ConstDoc {
        name: "MAPIOFFLINE_CAPABILITY_OFFLINE",
        passed_as: "a bit of GetCapabilities' *pulCapabilities and of MAPIOFFLINE_CREATEINFO's ulCapabilities",
        meaning: "Set when the object can deliver offline notifications. Without it a change to OFFLINE still happens but notifies nobody (CAP-4).",
        clauses: &["CAP-1", "CAP-2", "CAP-3", "CAP-4", "CRE-4"],
    },
    ConstDoc {
        name: "MAPIOFFLINE_CAPABILITY_ONLINE",
        passed_as: "a bit of GetCapabilities' *pulCapabilities and of MAPIOFFLINE_CREATEINFO's ulCapabilities",
        meaning: "Set when the object can deliver online notifications. Without it a change to ONLINE still happens but notifies nobody (CAP-4).",
        clauses: &["CAP-1", "CAP-2", "CAP-3", "CAP-4", "CRE-4"],
    },
    ConstDoc {
        name: "MAPIOFFLINE_FLAG_BLOCK",
        passed_as: "IMAPIOffline::SetCurrentState's ulFlags",
        meaning: "SetCurrentState blocks until the state change is complete. Under the literal reading of SET-4 only such a change makes other callers see E_PENDING.",
        clauses: &["SET-1", "SET-4", "SET-9"],
    },
    ConstDoc {
        name: "MAPIOFFLINE_FLAG_DEFAULT",
        passed_as: "IMAPIOffline::SetCurrentState's ulFlags",
        meaning: "SetCurrentState does not block: the change is asynchronous, and until it completes every SetCurrentState returns E_PENDING (SET-3).",
        clauses: &["SET-2", "SET-3", "SET-9"],
    },
    ConstDoc {
        name: "MAPIOFFLINE_STATE_ALL",
        passed_as: "MAPIOFFLINE_ADVISEINFO's ulStateMask",
        meaning: "The only supported ulStateMask; any other gives E_INVALIDARG (ADV-9). It includes the bits of MAPIOFFLINE_STATE_OFFLINE_MASK; the reference names none of its other bits.",
        clauses: &["ADV-8", "ADV-9"],
    },
    ConstDoc {
        name: "MAPIOFFLINE_STATE_OFFLINE_MASK",
        passed_as: "IMAPIOffline::SetCurrentState's ulMask, MAPIOFFLINE_NOTIFY's Info.StateChange.ulMask, and the mask a client applies to GetCurrentState's value",
        meaning: "The online/offline part of the state: the only supported ulMask, and the only mask under which a notification's Info.StateChange may be read (NTF-5). Clients mask GetCurrentState's value with it before comparing (CUR-2, rule R6).",
        clauses: &["SET-5", "SET-9", "CUR-2", "NTF-4", "NTF-5"],
    },
    ConstDoc {
        name: "MAPIOFFLINE_STATE_OFFLINE",
        passed_as: "IMAPIOffline::SetCurrentState's ulState, the value GetCurrentState writes, and MAPIOFFLINE_NOTIFY's ulStateOld/ulStateNew",
        meaning: "The offline state. Compare with it only after masking with MAPIOFFLINE_STATE_OFFLINE_MASK (CUR-2). A child object is OFFLINE whenever its parent is (CRE-7).",
        clauses: &["SET-6", "CUR-1", "CUR-2", "NTF-4", "CRE-7"],
    },
    ConstDoc {
        name: "MAPIOFFLINE_STATE_ONLINE",
        passed_as: "IMAPIOffline::SetCurrentState's ulState, the value GetCurrentState writes, and MAPIOFFLINE_NOTIFY's ulStateOld/ulStateNew",
        meaning: "The online state. Compare with it only after masking with MAPIOFFLINE_STATE_OFFLINE_MASK (CUR-2). Requested without connectivity it gives S_OK and is applied when connectivity returns (SET-11).",
        clauses: &["SET-6", "SET-11", "CUR-1", "CUR-2", "NTF-4"],
    },
    ConstDoc {
        name: "MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START",
        passed_as: "MAPIOFFLINE_NOTIFY's NotifyType",
        meaning: "A state change is about to take place: the first of the three phases every notified change delivers (NTF-7).",
        clauses: &["NTF-2", "NTF-5", "NTF-7"],
    },
    ConstDoc {
        name: "MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE",
        passed_as: "MAPIOFFLINE_NOTIFY's NotifyType",
        meaning: "A state change is taking place: the second phase. From this phase on GetCurrentState reads the new state (CUR-3).",
        clauses: &["NTF-2", "NTF-5", "NTF-7", "CUR-3"],
    },
    ConstDoc {
        name: "MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE",
        passed_as: "MAPIOFFLINE_NOTIFY's NotifyType",
        meaning: "The state change has completed: the last phase. After it SetCurrentState no longer returns E_PENDING (SET-3, rule R5).",
        clauses: &["NTF-2", "NTF-5", "NTF-7", "SET-3"],
    },
];

pub(super) fn group_label(g: ConstGroup) -> &'static str {
    match g {
        ConstGroup::AdviseFlags => "Advise flags",
        ConstGroup::UnadviseFlags => "Unadvise flags",
        ConstGroup::AdviseType => "advise types",
        ConstGroup::CallbackType => "callback types",
        ConstGroup::Capability => "capability bits",
        ConstGroup::SetFlags => "SetCurrentState flags",
        ConstGroup::StateMask => "state masks",
        ConstGroup::State => "states",
        ConstGroup::NotifyType => "notification types",
    }
}

pub(super) fn const_doc(name: &str) -> Option<&'static ConstDoc> {
    CONST_DOCS.iter().find(|d| d.name == name)
}

pub(super) fn passed_as(c: &ConstInfo) -> &'static str {
    const_doc(c.name).map_or_else(|| group_label(c.group), |d| d.passed_as)
}

/// The clauses a constant's explanation cites: those whose summary contains its name,
/// plus the ones listed for it in [`CONST_DOCS`].
pub(super) fn const_clauses(c: &ConstInfo) -> BTreeSet<Clause> {
    let mut set: BTreeSet<Clause> = CLAUSES
        .iter()
        .filter(|info| info.summary.contains(c.name))
        .map(|info| info.clause)
        .collect();
    if let Some(d) = const_doc(c.name) {
        set.extend(clauses_of(d.clauses.iter().copied()));
    }
    set
}

pub(super) fn explain_constant(c: &ConstInfo) -> Explanation {
    let mut body = Vec::new();
    let mut first = vec![format!("Group: {}.", group_label(c.group))];
    if let Some(d) = const_doc(c.name) {
        first.push(d.meaning.to_string());
    }
    body.push(plain(first));
    body.push(sec("Passed as", vec![format!("{}.", passed_as(c))]));
    let same: Vec<String> = CONSTANTS
        .iter()
        .filter(|o| o.value == c.value && o.name != c.name)
        .map(|o| format!("{} ({})", o.name, passed_as(o)))
        .collect();
    if !same.is_empty() {
        body.push(sec("Same value, other meaning", same));
    }
    body.push(sec("Clauses", clause_lines(&const_clauses(c))));
    Explanation {
        term: c.name.to_string(),
        kind: TermKind::Constant,
        title: format!("{} = {} ({})", c.name, hex(c.value), c.value),
        body,
    }
}
