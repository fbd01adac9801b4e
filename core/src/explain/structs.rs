//! The structures: each field's contract and ulSize on each architecture.

use super::*;

pub(super) struct StructDoc {
    pub(super) name: &'static str,
    pub(super) role: &'static str,
    /// (declaration, what the digest says about it)
    pub(super) fields: &'static [(&'static str, &'static str)],
    pub(super) size: fn(Arch) -> u32,
    pub(super) size_note: &'static str,
    pub(super) clauses: &'static [&'static str],
}

pub(super) fn sizeof_notify(_: Arch) -> u32 {
    SIZEOF_MAPIOFFLINE_NOTIFY
}

pub(super) static STRUCTS: &[StructDoc] = &[
    StructDoc {
        name: "MAPIOFFLINE_ADVISEINFO",
        role: "Passed by the client to IMAPIOfflineMgr::Advise as pAdviseInfo (ADV-1).",
        fields: &[
            ("ULONG ulSize", "sizeof(MAPIOFFLINE_ADVISEINFO) (ADV-4)"),
            ("ULONG ulClientToken", "chosen by the client; comes back in every MAPIOFFLINE_NOTIFY of this registration (ADV-5)"),
            ("MAPIOFFLINE_CALLBACK_TYPE CallbackType", "only MAPIOFFLINE_CALLBACK_TYPE_NOTIFY (ADV-6)"),
            ("IUnknown *pCallback", "the client's IMAPIOfflineNotify (ADV-6); NULL or not a notify sink gives E_NOINTERFACE (ADV-9)"),
            ("ULONG ulAdviseTypes", "only MAPIOFFLINE_ADVISE_TYPE_STATECHANGE (ADV-7)"),
            ("ULONG ulStateMask", "only MAPIOFFLINE_STATE_ALL (ADV-8)"),
        ],
        size: Arch::sizeof_adviseinfo,
        size_note: "Six 4-byte fields on 32-bit; on 64-bit pCallback is 8 bytes and 8-byte aligned, so 4 bytes of padding follow CallbackType (§7). Any other ulSize gives E_INVALIDARG (ADV-9); the checker reports it under rule R2.",
        clauses: &["ADV-1", "ADV-4", "ADV-5", "ADV-6", "ADV-7", "ADV-8", "ADV-9"],
    },
    StructDoc {
        name: "MAPIOFFLINE_NOTIFY",
        role: "Passed by Outlook to the client's IMAPIOfflineNotify::Notify as pNotifyInfo (NTF-1).",
        fields: &[
            ("ULONG ulSize", "the structure's size"),
            ("MAPIOFFLINE_NOTIFY_TYPE NotifyType", "MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START (1), MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE (2) or MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE (3) (NTF-2)"),
            ("ULONG ulClientToken", "the client's token from MAPIOFFLINE_ADVISEINFO (NTF-3)"),
            ("ULONG Info.StateChange.ulMask", "only MAPIOFFLINE_STATE_OFFLINE_MASK (NTF-4)"),
            ("ULONG Info.StateChange.ulStateOld", "MAPIOFFLINE_STATE_ONLINE or MAPIOFFLINE_STATE_OFFLINE (NTF-4)"),
            ("ULONG Info.StateChange.ulStateNew", "MAPIOFFLINE_STATE_ONLINE or MAPIOFFLINE_STATE_OFFLINE (NTF-4)"),
        ],
        size: sizeof_notify,
        size_note: "No pointers: six 4-byte fields on both (§7). Read Info only after checking that NotifyType is one of the three values and ulMask is MAPIOFFLINE_STATE_OFFLINE_MASK (NTF-5, rule R6).",
        clauses: &["NTF-1", "NTF-2", "NTF-3", "NTF-4", "NTF-5", "NTF-6"],
    },
    StructDoc {
        name: "MAPIOFFLINE_CREATEINFO",
        role: "Passed by a provider or store to HrCreateOfflineObj as pCreateInfo (CRE-1).",
        fields: &[
            ("ULONG ulSize", "sizeof(MAPIOFFLINE_CREATEINFO); the simulator returns E_INVALIDARG for another value (CRE-6)"),
            ("ULONG ulCreateFlags", "must be 0 (CRE-1)"),
            ("LPCWSTR pwszProfileName", "the profile the object belongs to"),
            ("ULONG ulCapabilities", "the CAP-1 bits, MAPIOFFLINE_CAPABILITY_OFFLINE and MAPIOFFLINE_CAPABILITY_ONLINE (CRE-4)"),
            ("const GUID *pGUID", "the type of offline object; GUID_GlobalState refers to the global object (CRE-2)"),
            ("const GUID *pInstance", "identifies this particular object (CRE-2)"),
            ("IMAPIOfflineMgr *pParent", "the object whose changes this one inherits (CRE-3, CRE-7)"),
            ("IUnknown *pMAPISupport", "the support object of the store or provider; may be NULL (CRE-5)"),
            ("MAPIOFFLINE_AGGREGATEINFO *pAggregateInfo", "the outer object to aggregate onto (CRE-5)"),
            ("MAPIOFFLINE_CONNECTINFO *pConnectInfo", "must be NULL (CRE-1)"),
        ],
        size: Arch::sizeof_createinfo,
        size_note: "Three ULONGs and seven pointers; on 64-bit the pointers are 8-byte aligned, so 4 bytes of padding follow ulCapabilities. The digest gives no size; these are the C layout's, which the simulator checks.",
        clauses: &["CRE-1", "CRE-2", "CRE-3", "CRE-4", "CRE-5", "CRE-6"],
    },
    StructDoc {
        name: "MAPIOFFLINE_AGGREGATEINFO",
        role: "Pointed to by MAPIOFFLINE_CREATEINFO's pAggregateInfo (CRE-5).",
        fields: &[
            ("ULONG ulSize", "sizeof(MAPIOFFLINE_AGGREGATEINFO)"),
            ("IUnknown *pOuterObj", "the outer object onto which the offline object is aggregated; QueryInterface passes through it (CRE-5)"),
            ("IUnknown *pRefTrackRoot", "must be NULL (CRE-5)"),
        ],
        size: Arch::sizeof_aggregateinfo,
        size_note: "One ULONG and two pointers; on 64-bit 4 bytes of padding follow ulSize. The digest gives no size; these are the C layout's, which the simulator checks.",
        clauses: &["CRE-5", "CRE-6"],
    },
];

pub(super) fn explain_struct(s: &StructDoc) -> Explanation {
    let (x86, x64) = ((s.size)(Arch::X86), (s.size)(Arch::X64));
    let sizes = if x86 == x64 {
        format!("ulSize {x86} on x86 and x64")
    } else {
        format!("ulSize {x86} on x86, {x64} on x64")
    };
    let body = vec![
        plain(vec![s.role.to_string()]),
        sec(
            "Fields",
            s.fields.iter().map(|(d, m)| format!("{d}: {m}")).collect(),
        ),
        sec(
            "ulSize",
            vec![
                format!("x86 (32-bit): {x86} bytes"),
                format!("x64 (64-bit): {x64} bytes"),
                s.size_note.to_string(),
            ],
        ),
        sec(
            "Clauses",
            clause_lines(&clauses_of(s.clauses.iter().copied())),
        ),
    ];
    Explanation {
        term: s.name.to_string(),
        kind: TermKind::Struct,
        title: format!("{}: {sizes}", s.name),
        body,
    }
}
