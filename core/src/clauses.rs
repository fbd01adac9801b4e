//! The clause registry: every rule of the contract digest
//! (`docs/contract.md`) as data, plus the client rules R1–R7 of its §9.
//!
//! Diagnostics, tests and lessons cite these IDs; the conformance suite proves each one is
//! exercised.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a clause's statement comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClauseKind {
    /// Stated by the reference.
    Doc,
    /// The reference is wrong or self-contradictory; both readings are named.
    DocDefect,
    /// Seen in real client code, not stated by the reference.
    Field,
    /// The reference is silent; this is the simulator's documented choice.
    Sim,
}

impl ClauseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClauseKind::Doc => "doc",
            ClauseKind::DocDefect => "doc-defect",
            ClauseKind::Field => "field",
            ClauseKind::Sim => "sim",
        }
    }
}

/// One clause of the contract.
#[derive(Debug)]
pub struct ClauseInfo {
    pub clause: Clause,
    pub id: &'static str,
    pub kind: ClauseKind,
    /// The section of the digest it belongs to.
    pub source: &'static str,
    pub summary: &'static str,
}

macro_rules! clauses {
    ($( $var:ident $id:literal $kind:ident $src:ident $sum:literal; )*) => {
        /// A clause ID of the contract digest. Serialises as its ID text (`"SET-4"`).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Clause { $($var,)* }

        /// All clauses in digest order.
        pub static CLAUSES: &[ClauseInfo] = &[
            $( ClauseInfo { clause: Clause::$var, id: $id, kind: ClauseKind::$kind, source: $src, summary: $sum }, )*
        ];
    };
}

const S1: &str = "§1 Purpose and workflow";
const S2: &str = "§2 HrOpenOfflineObj";
const S3: &str = "§3 IMAPIOffline";
const S3S: &str = "§3 IMAPIOffline::SetCurrentState";
const S3C: &str = "§3 IMAPIOffline::GetCapabilities";
const S3G: &str = "§3 IMAPIOffline::GetCurrentState";
const S4: &str = "§4 IMAPIOfflineMgr";
const S4A: &str = "§4 IMAPIOfflineMgr::Advise";
const S4U: &str = "§4 IMAPIOfflineMgr::Unadvise";
const S5: &str = "§5 IMAPIOfflineNotify";
const S6: &str = "§6 HrCreateOfflineObj";

clauses! {
    Gen1 "GEN-1" Doc S1 "Outlook reports online/offline changes through one global offline object per profile.";
    Gen2 "GEN-2" Doc S1 "Notification is the only supported callback kind.";
    Gen3 "GEN-3" Doc S1 "Client workflow: implement IMAPIOfflineNotify, open, GetCapabilities, Advise, Unadvise on shutdown.";
    Gen4 "GEN-4" Doc S1 "Only online/offline changes are supported; clients ignore every other notification.";
    Gen5 "GEN-5" Doc S1 "The environment (server failure, network loss) can take a profile offline.";
    Gen6 "GEN-6" Sim S1 "A network or server change during a transition of the affected tree is applied when it completes; the trace says so both times.";
    Open1 "OPEN-1" Doc S2 "Exported by msmapi32.dll as HrOpenOfflineObj@20; called by clients, implemented by Outlook.";
    Open2 "OPEN-2" Doc S2 "ulReserved must be 0.";
    Open3 "OPEN-3" Doc S2 "pwszProfileNameIn names the profile in UTF-16.";
    Open4 "OPEN-4" Doc S2 "pGUID must point to GUID_GlobalState.";
    Open5 "OPEN-5" Doc S2 "pReserved must be NULL.";
    Open6 "OPEN-6" Doc S2 "Success: S_OK and an IMAPIOfflineMgr in *ppOfflineObj.";
    Open7 "OPEN-7" Doc S2 "Failure: MAPI_E_NOT_FOUND; the only two documented results.";
    Open8 "OPEN-8" Doc S2 "Works only for callers inside the Outlook process; others get MAPI_E_NOT_FOUND.";
    Open9 "OPEN-9" Doc S2 "It is a client's first call for a profile's connection changes.";
    Open10 "OPEN-10" Sim S2 "Opening a profile again returns the same global object plus one more reference.";
    Open11 "OPEN-11" Sim S2 "Every broken precondition returns MAPI_E_NOT_FOUND; the trace names which one.";
    Off1 "OFF-1" Doc S3 "IMAPIOffline comes from QueryInterface on the IMAPIOfflineMgr.";
    Off2 "OFF-2" Doc S3 "Vtable: SetCurrentState, GetCapabilities, GetCurrentState, one unsupported placeholder.";
    Off3 "OFF-3" Sim S3 "A placeholder slot returns E_NOTIMPL and is flagged as a client contract violation.";
    Set1 "SET-1" Doc S3S "MAPIOFFLINE_FLAG_BLOCK blocks until the change is complete.";
    Set2 "SET-2" Doc S3S "MAPIOFFLINE_FLAG_DEFAULT changes state asynchronously.";
    Set3 "SET-3" Doc S3S "During an asynchronous change every SetCurrentState returns E_PENDING.";
    Set4 "SET-4" DocDefect S3S "Return values tie E_PENDING to an earlier FLAG_BLOCK call; default reading is SET-3, literal reading configurable (it queues requests, but a FLAG_BLOCK request still blocks until done).";
    Set5 "SET-5" Doc S3S "ulMask must be MAPIOFFLINE_STATE_OFFLINE_MASK.";
    Set6 "SET-6" Doc S3S "ulState must be MAPIOFFLINE_STATE_ONLINE or MAPIOFFLINE_STATE_OFFLINE.";
    Set7 "SET-7" Doc S3S "pReserved is unsupported; pass NULL.";
    Set8 "SET-8" Doc S3S "S_OK: the state was changed.";
    Set9 "SET-9" Sim S3S "Undocumented flags, mask, state or non-NULL pReserved give E_INVALIDARG (an undocumented result).";
    Set10 "SET-10" Sim S3S "Requesting the current state (no change in progress) gives S_OK and no notifications.";
    Set11 "SET-11" Sim S3S "ONLINE requested without connectivity: S_OK, remembered, applied when connectivity returns.";
    Set12 "SET-12" Sim S3S "A transition makes its whole object tree busy; no object is ever ONLINE while an ancestor is OFFLINE.";
    Set13 "SET-13" Sim S3S "Argument errors are checked first: a malformed SetCurrentState during a transition gets E_INVALIDARG.";
    Cap1 "CAP-1" Doc S3C "Capabilities: CAPABILITY_OFFLINE delivers offline notifications, CAPABILITY_ONLINE online ones.";
    Cap2 "CAP-2" Doc S3C "An object may support only one direction; capabilities are configurable per profile.";
    Cap3 "CAP-3" Doc S3C "Other capability bits may be reported; clients test only the two documented bits.";
    Cap4 "CAP-4" Sim S3C "A change into a state without its capability happens but notifies nobody.";
    Cap5 "CAP-5" Sim S3C "GetCapabilities returns S_OK, or E_INVALIDARG for a NULL out pointer.";
    Cur1 "CUR-1" Doc S3G "GetCurrentState writes MAPIOFFLINE_STATE_ONLINE or MAPIOFFLINE_STATE_OFFLINE.";
    Cur2 "CUR-2" Field S3G "Clients should mask the state with OFFLINE_MASK; the simulator can set other bits.";
    Cur3 "CUR-3" Sim S3G "During an asynchronous change the state reads old until the STATECHANGE phase.";
    Cur4 "CUR-4" Sim S3G "GetCurrentState returns S_OK, or E_INVALIDARG for a NULL out pointer.";
    Mgr1 "MGR-1" Doc S4 "IMAPIOfflineMgr inherits IMAPIOffline and registers callbacks.";
    Mgr2 "MGR-2" Doc S4 "QueryInterface on the manager yields IMAPIOffline; its placeholders behave as OFF-2/OFF-3.";
    Mgr3 "MGR-3" Sim S4 "QI for IUnknown/IMAPIOffline/IMAPIOfflineMgr adds a reference; others E_NOINTERFACE and NULL; AddRef/Release return the new count.";
    Adv1 "ADV-1" Doc S4A "Advise registers a callback and writes an advise token.";
    Adv2 "ADV-2" Doc S4A "ulFlags must be MAPIOFFLINE_ADVISE_DEFAULT.";
    Adv3 "ADV-3" Doc S4A "Results: S_OK, E_INVALIDARG, or E_NOINTERFACE for an invalid callback interface.";
    Adv4 "ADV-4" Doc S4A "ulSize is sizeof(MAPIOFFLINE_ADVISEINFO).";
    Adv5 "ADV-5" Doc S4A "ulClientToken is echoed in every notification of the registration.";
    Adv6 "ADV-6" Doc S4A "CallbackType must be MAPIOFFLINE_CALLBACK_TYPE_NOTIFY with pCallback the client's IMAPIOfflineNotify.";
    Adv7 "ADV-7" Doc S4A "ulAdviseTypes must be MAPIOFFLINE_ADVISE_TYPE_STATECHANGE.";
    Adv8 "ADV-8" Doc S4A "ulStateMask must be MAPIOFFLINE_STATE_ALL.";
    Adv9 "ADV-9" Sim S4A "Bad flags/size/type/mask or NULL pointers give E_INVALIDARG; a NULL or non-notify pCallback gives E_NOINTERFACE.";
    Adv10 "ADV-10" Sim S4A "The manager holds one reference on the callback; tokens are unique, non-zero, never reused.";
    Adv11 "ADV-11" Sim S4A "A registration made during a change gets only later changes.";
    Unadv1 "UNADV-1" Doc S4U "ulFlags must be MAPIOFFLINE_UNADVISE_DEFAULT.";
    Unadv2 "UNADV-2" Doc S4U "Unadvise always returns S_OK; an unknown token is flagged as a client error.";
    Unadv3 "UNADV-3" Doc S4U "Unadvise removes the registration and releases the callback.";
    Unadv4 "UNADV-4" Sim S4U "After Unadvise returns the sink receives nothing more, even mid-change or from inside Notify.";
    Ntf1 "NTF-1" Doc S5 "Outlook calls Notify on the client's interface; it returns nothing.";
    Ntf2 "NTF-2" Doc S5 "NotifyType is STATECHANGE_START (1), STATECHANGE (2) or STATECHANGE_DONE (3).";
    Ntf3 "NTF-3" Doc S5 "ulClientToken is the client's token from Advise.";
    Ntf4 "NTF-4" Doc S5 "ulMask is OFFLINE_MASK; ulStateOld/ulStateNew are ONLINE or OFFLINE.";
    Ntf5 "NTF-5" Doc S5 "Clients check NotifyType and ulMask before reading Info.StateChange.";
    Ntf6 "NTF-6" Doc S5 "Other notifications may arrive and must be ignored; the simulator injects them, but refuses to forge one with supported values.";
    Ntf7 "NTF-7" Sim S5 "Each notified change delivers START, STATECHANGE, DONE with the same states, in registration order.";
    Ntf8 "NTF-8" Sim S5 "SetCurrentState from inside Notify gets E_PENDING; re-entrancy never deadlocks, loses or duplicates.";
    Cre1 "CRE-1" Doc S6 "ulFlags, ulCreateFlags must be 0 and pConnectInfo NULL.";
    Cre2 "CRE-2" Doc S6 "pGUID is the object type (GUID_GlobalState is the global parent); pInstance names the object; both may be NULL.";
    Cre3 "CRE-3" Doc S6 "pParent is the object whose changes this one inherits.";
    Cre4 "CRE-4" Doc S6 "ulCapabilities uses the CAP-1 bits.";
    Cre5 "CRE-5" Doc S6 "pMAPISupport may be NULL; pAggregateInfo aggregates onto pOuterObj; pRefTrackRoot must be NULL.";
    Cre6 "CRE-6" DocDefect S6 "Documented as returning None; the simulator returns S_OK or E_INVALIDARG.";
    Cre7 "CRE-7" Sim S6 "A child is OFFLINE while its parent is; it notifies after the parent, depth-first in creation order.";
    Cre8 "CRE-8" Sim S6 "pGUID = GUID_GlobalState with no parent returns the profile's global object with one more reference.";
}

impl Clause {
    pub fn info(self) -> &'static ClauseInfo {
        &CLAUSES[self as usize]
    }
    pub fn id(self) -> &'static str {
        self.info().id
    }
    /// Finds a clause by its ID, case-insensitively (`set-4` finds `SET-4`).
    pub fn from_id(id: &str) -> Option<Clause> {
        CLAUSES
            .iter()
            .find(|c| c.id.eq_ignore_ascii_case(id.trim()))
            .map(|c| c.clause)
    }
}

impl fmt::Display for Clause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Clause {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Clause {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Clause, D::Error> {
        let s = String::deserialize(d)?;
        Clause::from_id(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown clause ID {s}")))
    }
}

/// The two readings of SET-4 (a `doc-defect` clause).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Set4Reading {
    /// SET-3 holds: every SetCurrentState during a change returns E_PENDING.
    #[default]
    Documented,
    /// The return-value text taken literally: only a change started with
    /// MAPIOFFLINE_FLAG_BLOCK makes callers see E_PENDING. A request made during an
    /// asynchronous change is accepted and applied after that change completes.
    Literal,
}

impl Set4Reading {
    /// `documented` or `literal`: how scenarios (`config set4`) and the command line
    /// (`--set-4`) spell it.
    pub fn name(self) -> &'static str {
        match self {
            Set4Reading::Documented => "documented",
            Set4Reading::Literal => "literal",
        }
    }

    /// The reading of that name.
    pub fn from_name(name: &str) -> Option<Set4Reading> {
        [Set4Reading::Documented, Set4Reading::Literal]
            .into_iter()
            .find(|r| r.name() == name)
    }
}

/// A client obligation of spec §9, checked over traces.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Rule {
    R1,
    R2,
    R3,
    R4,
    R5,
    R6,
    R7,
}

pub struct RuleInfo {
    pub rule: Rule,
    pub obligation: &'static str,
    pub clauses: &'static [Clause],
}

pub static RULES: &[RuleInfo] = &[
    RuleInfo { rule: Rule::R1, obligation: "Check capabilities before Advise, and Advise only for a capability the object has.", clauses: &[Clause::Gen3, Clause::Cap1, Clause::Cap2] },
    RuleInfo { rule: Rule::R2, obligation: "Pass only documented flags, masks, states and types, and a correct ulSize.", clauses: &[Clause::Set5, Clause::Set6, Clause::Set7, Clause::Adv2, Clause::Adv3, Clause::Adv4, Clause::Adv5, Clause::Adv6, Clause::Adv7, Clause::Adv8, Clause::Unadv1] },
    RuleInfo { rule: Rule::R3, obligation: "Match every Advise with an Unadvise before shutdown; never Unadvise an unknown token.", clauses: &[Clause::Gen3, Clause::Unadv2] },
    RuleInfo { rule: Rule::R4, obligation: "Release every reference obtained (open, create, QueryInterface, AddRef) before shutdown; never release below zero; never call through a pointer after its last Release.", clauses: &[Clause::Open10, Clause::Mgr3] },
    RuleInfo { rule: Rule::R5, obligation: "Treat E_PENDING as 'try again after DONE', neither failure nor success.", clauses: &[Clause::Set3] },
    RuleInfo { rule: Rule::R6, obligation: "Ignore notifications outside the three types or with another mask; mask the state before comparing.", clauses: &[Clause::Ntf5, Clause::Ntf6, Clause::Cur2] },
    RuleInfo { rule: Rule::R7, obligation: "Never call a placeholder slot.", clauses: &[Clause::Off3] },
];

impl Rule {
    pub fn info(self) -> &'static RuleInfo {
        &RULES[self as usize]
    }
    pub fn from_name(name: &str) -> Option<Rule> {
        RULES
            .iter()
            .find(|r| format!("{:?}", r.rule).eq_ignore_ascii_case(name.trim()))
            .map(|r| r.rule)
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn registry_has_all_76_clauses_in_order_with_unique_ids() {
        assert_eq!(CLAUSES.len(), 76);
        let ids: BTreeSet<_> = CLAUSES.iter().map(|c| c.id).collect();
        assert_eq!(ids.len(), 76);
        for (i, c) in CLAUSES.iter().enumerate() {
            assert_eq!(c.clause as usize, i, "{} out of place", c.id);
            assert_eq!(Clause::from_id(c.id), Some(c.clause));
        }
    }

    #[test]
    fn registry_matches_the_digest_group_sizes() {
        let count = |p: &str| CLAUSES.iter().filter(|c| c.id.starts_with(p)).count();
        assert_eq!(count("GEN-"), 6);
        assert_eq!(count("OPEN-"), 11);
        assert_eq!(count("OFF-"), 3);
        assert_eq!(count("SET-"), 13);
        assert_eq!(count("CAP-"), 5);
        assert_eq!(count("CUR-"), 4);
        assert_eq!(count("MGR-"), 3);
        assert_eq!(count("ADV-"), 11);
        assert_eq!(count("UNADV-"), 4);
        assert_eq!(count("NTF-"), 8);
        assert_eq!(count("CRE-"), 8);
    }

    #[test]
    fn kinds_follow_the_digest() {
        let kind = |id: &str| Clause::from_id(id).unwrap().info().kind;
        assert_eq!(kind("SET-4"), ClauseKind::DocDefect);
        assert_eq!(kind("CRE-6"), ClauseKind::DocDefect);
        assert_eq!(kind("CUR-2"), ClauseKind::Field);
        assert_eq!(kind("OPEN-10"), ClauseKind::Sim);
        assert_eq!(kind("GEN-1"), ClauseKind::Doc);
        let sims = CLAUSES.iter().filter(|c| c.kind == ClauseKind::Sim).count();
        assert_eq!(sims, 22);
    }

    #[test]
    fn clause_ids_serialise_as_text() {
        let json = serde_json::to_string(&Clause::Set4).unwrap();
        assert_eq!(json, "\"SET-4\"");
        let back: Clause = serde_json::from_str("\"unadv-4\"").unwrap();
        assert_eq!(back, Clause::Unadv4);
        assert!(serde_json::from_str::<Clause>("\"SET-99\"").is_err());
    }

    #[test]
    fn rules_lookup() {
        assert_eq!(Rule::from_name("r3"), Some(Rule::R3));
        assert_eq!(Rule::R7.info().clauses, &[Clause::Off3]);
        assert_eq!(RULES.len(), 7);
    }
}
