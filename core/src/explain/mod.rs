//! `explain TERM`: what a constant, value, HRESULT, clause, rule, GUID, structure,
//! function, interface or method of the Offline State API means, with the clause IDs of
//! the contract (`docs/contract.md`) that say so.
//!
//! Front-ends only print what [`explain`] returns: [`Explanation::to_text`] on a terminal,
//! the serialised [`Explanation`] anywhere else.
//!
//! ```
//! use mapioffline::explain::{explain, TermKind};
//!
//! let x = explain("0x8000000A").unwrap();
//! assert_eq!(x.kind, TermKind::HResult);
//! assert!(x.title.contains("E_PENDING"));
//! assert!(x.to_text().contains("SET-3"));
//!
//! let unknown = explain("SET-44").unwrap_err();
//! assert_eq!(unknown.suggestion.as_deref(), Some("SET-4"));
//! ```

mod api;
mod contract;
mod spec;

pub use contract::contract_markdown;
pub use spec::{spec_entries, spec_markdown, spec_text, SpecEntry, SpecStyle};

use crate::clauses::{Clause, ClauseKind, Rule, Set4Reading, CLAUSES, RULES};
use crate::consts::{
    Arch, ConstGroup, ConstInfo, Guid, HResultInfo, CONSTANTS, HRESULTS, KNOWN_GUIDS,
    MAPIOFFLINE_CAPABILITY_OFFLINE, MAPIOFFLINE_CAPABILITY_ONLINE, MAPIOFFLINE_FLAG_BLOCK,
    MAPIOFFLINE_STATE_OFFLINE, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE,
    SIZEOF_MAPIOFFLINE_NOTIFY,
};
use crate::util::{edit_distance, nearest};
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt;

// ------------------------------------------------------------------------------ API

/// What [`explain`] found out about a term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The term as the reference spells it (`MAPIOFFLINE_STATE_ALL`, `SET-4`, `0x00000003`),
    /// whatever case or spacing it was asked in.
    pub term: String,
    pub kind: TermKind,
    /// One line: the term and its value or place.
    pub title: String,
    pub body: Vec<Section>,
}

/// What sort of term was explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TermKind {
    /// A named constant (`MAPIOFFLINE_FLAG_BLOCK`).
    Constant,
    /// A number (`3`, `0x2001`) that is not a documented HRESULT of its own.
    Value,
    /// A documented HRESULT, by name or by value.
    #[serde(rename = "hresult")]
    HResult,
    /// A clause ID of the digest (`SET-4`).
    Clause,
    /// A client rule of the digest's §9 (`R3`).
    Rule,
    /// A GUID or IID, by name or in registry format.
    Guid,
    /// A structure of the API (`MAPIOFFLINE_ADVISEINFO`).
    Struct,
    /// A function of the API (`HrOpenOfflineObj`).
    Function,
    /// An interface of the API (`IMAPIOfflineMgr`).
    Interface,
    /// A method of one of its interfaces (`SetCurrentState`, `IMAPIOfflineNotify::Notify`).
    Method,
    /// A type of a structure's field (`MAPIOFFLINE_NOTIFY_TYPE`).
    Type,
}

/// A block of an explanation: an optional heading and its lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub heading: Option<String>,
    pub lines: Vec<String>,
}

/// A term that names nothing [`explain`] knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    /// The term as asked, trimmed.
    pub term: String,
    /// The closest known name, if one is a plausible typo.
    pub suggestion: Option<String>,
}

impl fmt::Display for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.term.is_empty() {
            return f.write_str(
                "nothing to explain: give a constant, value, HRESULT, clause, rule, GUID, structure, function, interface or method",
            );
        }
        write!(
            f,
            "no constant, HRESULT, clause, rule, GUID, structure, function, interface or method named {}",
            crate::util::quote(&self.term)
        )?;
        if let Some(s) = &self.suggestion {
            write!(f, "; did you mean `{s}`?")?;
        }
        Ok(())
    }
}

impl std::error::Error for Unknown {}

impl Explanation {
    /// Plain text for a terminal: the title, then each section after a blank line; a
    /// heading ends with `:` and its lines are indented by two spaces. Ends with a newline.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        out.push_str(&self.title);
        out.push('\n');
        for s in &self.body {
            out.push('\n');
            let indent = match &s.heading {
                Some(h) => {
                    out.push_str(h);
                    out.push_str(":\n");
                    "  "
                }
                None => "",
            };
            for l in &s.lines {
                out.push_str(indent);
                out.push_str(l);
                out.push('\n');
            }
        }
        out
    }
}

/// Explains `term`: a constant or structure name (case-insensitive; `FLAG_BLOCK` is enough
/// when only one name ends that way), a number (`3`, `0x2001`, `-2147483638`), an HRESULT
/// name, a clause ID (`set-4`), a rule (`R3`), or a GUID by name or in registry format.
pub fn explain(term: &str) -> Result<Explanation, Unknown> {
    let t = term.trim();
    if t.is_empty() {
        return Err(Unknown {
            term: String::new(),
            suggestion: None,
        });
    }
    if let Some(c) = CONSTANTS.iter().find(|c| c.name.eq_ignore_ascii_case(t)) {
        return Ok(explain_constant(c));
    }
    if let Some(h) = HRESULTS.iter().find(|h| h.name.eq_ignore_ascii_case(t)) {
        return Ok(explain_hresult(h, None));
    }
    if let Some(c) = Clause::from_id(t) {
        return Ok(explain_clause(c));
    }
    if let Some(r) = Rule::from_name(t) {
        return Ok(explain_rule(r));
    }
    if let Some(g) = KNOWN_GUIDS.iter().find(|g| g.name.eq_ignore_ascii_case(t)) {
        return Ok(explain_guid(g.guid));
    }
    if let Some(s) = STRUCTS.iter().find(|s| s.name.eq_ignore_ascii_case(t)) {
        return Ok(explain_struct(s));
    }
    if let Some(d) = api::find(t) {
        return Ok(api::explain_api(d));
    }
    if let Some(e) = by_suffix(t) {
        return Ok(e);
    }
    if let Some(g) = Guid::parse(t) {
        return Ok(explain_guid(g));
    }
    if let Some(n) = parse_number(t) {
        return Ok(explain_number(t, n));
    }
    Err(Unknown {
        term: t.to_string(),
        suggestion: suggest(t).map(str::to_string),
    })
}

/// Every name [`explain`] accepts besides numbers and GUIDs in registry format: constants,
/// HRESULTs, clause IDs, rules, GUID names, structures, functions, interfaces and methods.
/// What suggestions are drawn from.
pub fn names() -> Vec<&'static str> {
    CONSTANTS
        .iter()
        .map(|c| c.name)
        .chain(HRESULTS.iter().map(|h| h.name))
        .chain(CLAUSES.iter().map(|c| c.id))
        .chain(RULE_NAMES)
        .chain(KNOWN_GUIDS.iter().map(|g| g.name))
        .chain(STRUCTS.iter().map(|s| s.name))
        .chain(api::names())
        .collect()
}

const RULE_NAMES: [&str; 7] = ["R1", "R2", "R3", "R4", "R5", "R6", "R7"];

fn suggest(t: &str) -> Option<&'static str> {
    let names = names();
    let s = nearest(t, names.iter().copied())?;
    // `nearest` allows two edits even for two-letter words, where any name is "near".
    let longest = t.chars().count().max(s.len());
    (edit_distance(t, s) * 2 < longest).then_some(s)
}

/// `FLAG_BLOCK` for `MAPIOFFLINE_FLAG_BLOCK`, `ADVISEINFO` for `MAPIOFFLINE_ADVISEINFO`:
/// the one constant or structure whose name ends with `_` + `t`, if exactly one does.
fn by_suffix(t: &str) -> Option<Explanation> {
    let up = t.to_ascii_uppercase();
    let ends = |name: &str| {
        let n = name.to_ascii_uppercase();
        n.len() > up.len() && n.ends_with(&up) && n.as_bytes()[n.len() - up.len() - 1] == b'_'
    };
    let consts: Vec<&ConstInfo> = CONSTANTS.iter().filter(|c| ends(c.name)).collect();
    let structs: Vec<&StructDoc> = STRUCTS.iter().filter(|s| ends(s.name)).collect();
    match (consts.as_slice(), structs.as_slice()) {
        ([c], []) => Some(explain_constant(c)),
        ([], [s]) => Some(explain_struct(s)),
        _ => None,
    }
}

// ------------------------------------------------------------------------------ helpers

fn hex(v: u32) -> String {
    format!("0x{v:08X}")
}

fn sec(heading: &str, lines: Vec<String>) -> Section {
    Section {
        heading: Some(heading.to_string()),
        lines,
    }
}

fn plain(lines: Vec<String>) -> Section {
    Section {
        heading: None,
        lines,
    }
}

/// Clause IDs to clauses, skipping any that are not in the registry (a unit test proves
/// every ID in this module's tables exists).
fn clauses_of<'a>(ids: impl IntoIterator<Item = &'a str>) -> BTreeSet<Clause> {
    ids.into_iter().filter_map(Clause::from_id).collect()
}

fn clause_line(c: Clause) -> String {
    let info = c.info();
    format!("{:<7}  {}", info.id, info.summary)
}

fn clause_lines(set: &BTreeSet<Clause>) -> Vec<String> {
    set.iter().map(|c| clause_line(*c)).collect()
}

fn rule_line(r: Rule) -> String {
    format!("{r}  {}", r.info().obligation)
}

/// Whether `word` occurs in `text` not glued to letters, digits or `_` on either side.
fn contains_word(text: &str, word: &str) -> bool {
    let glued = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    text.match_indices(word).any(|(i, _)| {
        !glued(text[..i].chars().next_back()) && !glued(text[i + word.len()..].chars().next())
    })
}

// ------------------------------------------------------------------------------ constants

/// What each constant is passed as and means, with the clauses that govern it.
struct ConstDoc {
    name: &'static str,
    passed_as: &'static str,
    meaning: &'static str,
    clauses: &'static [&'static str],
}

static CONST_DOCS: &[ConstDoc] = &[
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

fn group_label(g: ConstGroup) -> &'static str {
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

fn const_doc(name: &str) -> Option<&'static ConstDoc> {
    CONST_DOCS.iter().find(|d| d.name == name)
}

fn passed_as(c: &ConstInfo) -> &'static str {
    const_doc(c.name).map_or_else(|| group_label(c.group), |d| d.passed_as)
}

/// The clauses a constant's explanation cites: those whose summary contains its name,
/// plus the ones listed for it in [`CONST_DOCS`].
fn const_clauses(c: &ConstInfo) -> BTreeSet<Clause> {
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

fn explain_constant(c: &ConstInfo) -> Explanation {
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

// ------------------------------------------------------------------------------ HRESULTs

/// One call that returns an HRESULT, and when.
struct Source {
    call: &'static str,
    when: &'static str,
    clauses: &'static [&'static str],
}

/// Which calls of the API return an HRESULT, from the digest.
struct HResultDoc {
    name: &'static str,
    returned_by: &'static [Source],
    notes: &'static [&'static str],
    /// Clauses the notes cite, beyond those of `returned_by`.
    see: &'static [&'static str],
    rules: &'static [Rule],
}

const SET: &str = "IMAPIOffline::SetCurrentState";
const GETS: &str = "IMAPIOffline::GetCapabilities and GetCurrentState";
const QI: &str = "QueryInterface on an offline object";
const ADVISE: &str = "IMAPIOfflineMgr::Advise";
const OPEN: &str = "HrOpenOfflineObj";
const CREATE: &str = "HrCreateOfflineObj";
const NOT_HERE: &str = "Not returned by the Offline State API's calls; a connection-aware client meets it from other MAPI calls (§7).";

static HRESULT_DOCS: &[HResultDoc] = &[
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

fn explain_hresult(h: &HResultInfo, note: Option<String>) -> Explanation {
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

// ------------------------------------------------------------------------------ numbers

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Num {
    /// A value that fits a ULONG; `negative` when it was written as a negative decimal and
    /// read as a signed 32-bit value.
    Fits { value: u32, negative: bool },
    /// Well-formed, but outside a ULONG (or below -2^31).
    TooBig { negative: bool },
}

/// `3`, `0x3`, `0X003F037F`, `0x003F_037F`, `-2147483638`; `None` for anything else.
fn parse_number(t: &str) -> Option<Num> {
    let (negative, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (radix, digits) = match body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        Some(h) if !negative => (16, h),
        Some(_) => return None,
        None => (10, body),
    };
    let ok = |b: u8| {
        b == b'_'
            || if radix == 16 {
                b.is_ascii_hexdigit()
            } else {
                b.is_ascii_digit()
            }
    };
    if !digits.bytes().all(ok) || !digits.bytes().any(|b| b != b'_') {
        return None;
    }
    let sig: String = digits
        .chars()
        .filter(|&c| c != '_')
        .skip_while(|&c| c == '0')
        .collect();
    // Ten decimal or eight hex digits always fit a u64; more never fit a ULONG.
    let max_len = if radix == 16 { 8 } else { 10 };
    if sig.len() > max_len {
        return Some(Num::TooBig { negative });
    }
    let n = if sig.is_empty() {
        0
    } else {
        u64::from_str_radix(&sig, radix).ok()?
    };
    if negative {
        if n > 1 << 31 {
            return Some(Num::TooBig { negative });
        }
        // Two's complement: -n as a 32-bit pattern.
        let value = (n as u32).wrapping_neg();
        return Some(Num::Fits {
            value,
            negative: true,
        });
    }
    match u32::try_from(n) {
        Ok(value) => Some(Num::Fits {
            value,
            negative: false,
        }),
        Err(_) => Some(Num::TooBig { negative }),
    }
}

fn explain_number(t: &str, n: Num) -> Explanation {
    match n {
        Num::Fits { value, negative } => {
            let note = negative.then(|| {
                format!(
                    "{t} read as a signed 32-bit value is the bit pattern {}.",
                    hex(value)
                )
            });
            explain_value(value, note)
        }
        Num::TooBig { negative } => {
            let shown: String = if t.chars().count() > 40 {
                t.chars().take(40).chain("…".chars()).collect()
            } else {
                t.to_string()
            };
            let why = if negative {
                "This number is below -2147483648, so it does not fit a 32-bit value."
            } else {
                "This number does not fit a ULONG (32 bits, at most 0xFFFFFFFF = 4294967295)."
            };
            Explanation {
                term: shown.clone(),
                kind: TermKind::Value,
                title: shown,
                body: vec![plain(vec![
                    why.to_string(),
                    "No constant, flag, state or HRESULT of this API has this value.".into(),
                ])],
            }
        }
    }
}

fn explain_value(v: u32, note: Option<String>) -> Explanation {
    let consts: Vec<&ConstInfo> = CONSTANTS.iter().filter(|c| c.value == v).collect();
    let hr = HRESULTS.iter().find(|h| h.value.0 == v);
    if let (true, Some(h)) = (consts.is_empty(), hr) {
        return explain_hresult(h, note);
    }
    let mut body = Vec::new();
    if let Some(n) = note {
        body.push(plain(vec![n]));
    }
    if consts.is_empty() {
        body.push(plain(vec!["No documented constant has this value.".into()]));
    } else {
        body.push(sec(
            "Constants with this value",
            consts
                .iter()
                .map(|c| format!("{} ({}): {}.", c.name, group_label(c.group), passed_as(c)))
                .collect(),
        ));
    }
    match hr {
        Some(h) => body.push(sec(
            "As an HRESULT",
            vec![format!(
                "{}: {}. `explain {}` lists which calls return it.",
                h.name, h.meaning, h.name
            )],
        )),
        None if v & 0x8000_0000 != 0 => body.push(sec(
            "As an HRESULT",
            vec!["A failure code (severity bit set), but not one this API documents.".into()],
        )),
        None => {}
    }
    if v != 0 && (v.count_ones() >= 2 || consts.is_empty()) {
        body.push(sec("As bits", bit_lines(v)));
    }
    Explanation {
        term: hex(v),
        kind: TermKind::Value,
        title: format!("{} = {}", hex(v), v),
        body,
    }
}

/// Decomposes `v` against each group that has bit-flag constants: capabilities,
/// SetCurrentState's flags and states within MAPIOFFLINE_STATE_OFFLINE_MASK.
fn bit_lines(v: u32) -> Vec<String> {
    let mut lines = Vec::new();

    let caps_known = MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE;
    let mut named = Vec::new();
    if v & MAPIOFFLINE_CAPABILITY_OFFLINE != 0 {
        named.push("MAPIOFFLINE_CAPABILITY_OFFLINE");
    }
    if v & MAPIOFFLINE_CAPABILITY_ONLINE != 0 {
        named.push("MAPIOFFLINE_CAPABILITY_ONLINE");
    }
    let extra = v & !caps_known;
    let other = format!(
        "{}, capability bits the reference does not name, which clients ignore (CAP-3)",
        hex(extra)
    );
    lines.push(match (named.is_empty(), extra != 0) {
        (true, _) => format!(
            "As capabilities: neither MAPIOFFLINE_CAPABILITY_OFFLINE nor MAPIOFFLINE_CAPABILITY_ONLINE; {other}."
        ),
        (false, true) => format!("As capabilities: {} plus {other}.", named.join(" | ")),
        (false, false) => format!("As capabilities: {}.", named.join(" | ")),
    });

    let extra = v & !MAPIOFFLINE_FLAG_BLOCK;
    lines.push(if v == MAPIOFFLINE_FLAG_BLOCK {
        "As SetCurrentState's ulFlags: MAPIOFFLINE_FLAG_BLOCK.".to_string()
    } else if v & MAPIOFFLINE_FLAG_BLOCK != 0 {
        format!(
            "As SetCurrentState's ulFlags: MAPIOFFLINE_FLAG_BLOCK plus undocumented bits {}, which give E_INVALIDARG (SET-9).",
            hex(extra)
        )
    } else {
        format!(
            "As SetCurrentState's ulFlags: undocumented bits {} (only MAPIOFFLINE_FLAG_DEFAULT and MAPIOFFLINE_FLAG_BLOCK are documented), which give E_INVALIDARG (SET-9).",
            hex(v)
        )
    });

    let masked = v & MAPIOFFLINE_STATE_OFFLINE_MASK;
    let outside = v & !MAPIOFFLINE_STATE_OFFLINE_MASK;
    let state = match masked {
        MAPIOFFLINE_STATE_OFFLINE => "MAPIOFFLINE_STATE_OFFLINE".to_string(),
        MAPIOFFLINE_STATE_ONLINE => "MAPIOFFLINE_STATE_ONLINE".to_string(),
        0 => "neither MAPIOFFLINE_STATE_ONLINE nor MAPIOFFLINE_STATE_OFFLINE (no bit of the mask is set)".to_string(),
        _ => "both bits of the mask, which is no valid state (CUR-1, SET-6)".to_string(),
    };
    let mut line = format!("As a state, masked with MAPIOFFLINE_STATE_OFFLINE_MASK: {state}.");
    if outside != 0 {
        line.push_str(&format!(
            " Bits {} lie outside the mask; a client masks them away before comparing (CUR-2).",
            hex(outside)
        ));
    }
    lines.push(line);

    let all_bits = CONSTANTS.iter().fold(0, |acc, c| acc | c.value);
    let unknown = v & !all_bits;
    lines.push(if unknown == 0 {
        "Every bit set belongs to at least one documented constant.".to_string()
    } else {
        format!(
            "Bits {} belong to no documented constant (not even MAPIOFFLINE_STATE_ALL).",
            hex(unknown)
        )
    });
    lines
}

// ------------------------------------------------------------------------------ clauses

fn kind_sentence(k: ClauseKind) -> &'static str {
    match k {
        ClauseKind::Doc => "stated by the reference.",
        ClauseKind::DocDefect => {
            "the reference is wrong or contradicts itself here; both readings are named."
        }
        ClauseKind::Field => "seen in real client code, not stated by the reference.",
        ClauseKind::Sim => "the reference is silent; this is the simulator's documented choice.",
    }
}

fn set4_reading_text(r: Set4Reading) -> &'static str {
    match r {
        Set4Reading::Documented => {
            "SET-3 holds: every SetCurrentState during a change returns E_PENDING, whatever its flags."
        }
        Set4Reading::Literal => {
            "the return-value text taken literally: only a change started with MAPIOFFLINE_FLAG_BLOCK makes callers see E_PENDING. A request made during an asynchronous change is accepted and applied after that change completes."
        }
    }
}

/// The two readings of a `doc-defect` clause, and which one the simulator uses.
fn readings(c: Clause) -> Vec<String> {
    match c {
        Clause::Set4 => vec![
            format!(
                "documented (the default): {}",
                set4_reading_text(Set4Reading::Documented)
            ),
            format!("literal: {}", set4_reading_text(Set4Reading::Literal)),
            "The simulator uses the documented reading unless told otherwise: `config set4 literal` in a scenario, or `--set-4 literal` on the command line (which overrides the scripts' `config set4` lines).".into(),
            "The lessons e-pending-documented and e-pending-literal show both.".into(),
        ],
        Clause::Cre6 => vec![
            "as written: HrCreateOfflineObj's return value is \"None\", so a caller could not learn that it failed.".into(),
            "as declared: the function is STDAPI and returns an HRESULT: S_OK, or E_INVALIDARG for a broken CRE-1/CRE-5 precondition.".into(),
            "The simulator always uses the declared reading; the written one cannot be simulated, since a call through the declared signature always yields an HRESULT.".into(),
        ],
        _ => Vec::new(),
    }
}

fn explain_clause(c: Clause) -> Explanation {
    let info = c.info();
    let mut body = vec![
        plain(vec![info.summary.to_string()]),
        plain(vec![
            format!("Kind: {}: {}", info.kind.as_str(), kind_sentence(info.kind)),
            format!("Section: {}.", info.source),
        ]),
    ];
    let r = readings(c);
    if !r.is_empty() {
        body.push(sec("Readings", r));
    }
    // Clauses this one's summary cites, and clauses whose summaries cite this one.
    let related: BTreeSet<Clause> = CLAUSES
        .iter()
        .filter(|o| o.clause != c)
        .filter(|o| contains_word(info.summary, o.id) || contains_word(o.summary, info.id))
        .map(|o| o.clause)
        .collect();
    if !related.is_empty() {
        body.push(sec("Related clauses", clause_lines(&related)));
    }
    let rules: Vec<String> = RULES
        .iter()
        .filter(|r| r.clauses.contains(&c))
        .map(|r| rule_line(r.rule))
        .collect();
    if !rules.is_empty() {
        body.push(sec("Client rules citing it", rules));
    }
    Explanation {
        term: info.id.to_string(),
        kind: TermKind::Clause,
        title: format!("{} ({}, {})", info.id, info.kind.as_str(), info.source),
        body,
    }
}

// ------------------------------------------------------------------------------ rules

fn explain_rule(r: Rule) -> Explanation {
    let info = r.info();
    let set: BTreeSet<Clause> = info.clauses.iter().copied().collect();
    Explanation {
        term: r.to_string(),
        kind: TermKind::Rule,
        title: format!("{r}: client obligation (§9)"),
        body: vec![
            plain(vec![info.obligation.to_string()]),
            sec("Clauses", clause_lines(&set)),
            plain(vec![format!(
                "The checker reports a finding citing {r} and one of these clauses wherever a client's trace breaks it."
            )]),
        ],
    }
}

// ------------------------------------------------------------------------------ GUIDs

struct GuidDoc {
    name: &'static str,
    about: &'static str,
    clauses: &'static [&'static str],
}

static GUID_DOCS: &[GuidDoc] = &[
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

fn explain_guid(g: Guid) -> Explanation {
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

// ------------------------------------------------------------------------------ structures

struct StructDoc {
    name: &'static str,
    role: &'static str,
    /// (declaration, what the digest says about it)
    fields: &'static [(&'static str, &'static str)],
    size: fn(Arch) -> u32,
    size_note: &'static str,
    clauses: &'static [&'static str],
}

fn sizeof_notify(_: Arch) -> u32 {
    SIZEOF_MAPIOFFLINE_NOTIFY
}

static STRUCTS: &[StructDoc] = &[
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

fn explain_struct(s: &StructDoc) -> Explanation {
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

// ------------------------------------------------------------------------------ tests

#[cfg(test)]
mod tests {
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
        assert!(x.to_text().contains(
            "MAPIOFFLINE_STATE_ALL (state masks): MAPIOFFLINE_ADVISEINFO's ulStateMask."
        ));
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
        assert!(t.contains(
            "QueryInterface on an offline object (MGR-3, CRE-5): for any IID other than"
        ));
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
        assert!(t.contains("As SetCurrentState's ulFlags: MAPIOFFLINE_FLAG_BLOCK plus undocumented bits 0x00000001"));
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
}
