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
mod clauses;
mod constants;
mod contract;
pub mod event;
mod guids;
mod hresults;
mod numbers;
pub mod spans;
mod spec;
mod structs;

use clauses::{explain_clause, explain_rule};
use constants::explain_constant;
pub use contract::contract_markdown;
use guids::explain_guid;
use hresults::explain_hresult;
pub use hresults::{hresult_sources, HResultSource};
use numbers::{explain_number, parse_number};
pub use spec::{spec_entries, spec_markdown, spec_text, SpecEntry, SpecStyle};
use structs::{explain_struct, StructDoc, STRUCTS};

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

pub(super) const RULE_NAMES: [&str; 7] = ["R1", "R2", "R3", "R4", "R5", "R6", "R7"];

pub(super) fn suggest(t: &str) -> Option<&'static str> {
    let names = names();
    let s = nearest(t, names.iter().copied())?;
    // `nearest` allows two edits even for two-letter words, where any name is "near".
    let longest = t.chars().count().max(s.len());
    (edit_distance(t, s) * 2 < longest).then_some(s)
}

/// `FLAG_BLOCK` for `MAPIOFFLINE_FLAG_BLOCK`, `ADVISEINFO` for `MAPIOFFLINE_ADVISEINFO`:
/// the one constant or structure whose name ends with `_` + `t`, if exactly one does.
pub(super) fn by_suffix(t: &str) -> Option<Explanation> {
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

pub(super) fn hex(v: u32) -> String {
    format!("0x{v:08X}")
}

pub(super) fn sec(heading: &str, lines: Vec<String>) -> Section {
    Section {
        heading: Some(heading.to_string()),
        lines,
    }
}

pub(super) fn plain(lines: Vec<String>) -> Section {
    Section {
        heading: None,
        lines,
    }
}

/// Clause IDs to clauses, skipping any that are not in the registry (a unit test proves
/// every ID in this module's tables exists).
pub(super) fn clauses_of<'a>(ids: impl IntoIterator<Item = &'a str>) -> BTreeSet<Clause> {
    ids.into_iter().filter_map(Clause::from_id).collect()
}

pub(super) fn clause_line(c: Clause) -> String {
    let info = c.info();
    format!("{:<7}  {}", info.id, info.summary)
}

pub(super) fn clause_lines(set: &BTreeSet<Clause>) -> Vec<String> {
    set.iter().map(|c| clause_line(*c)).collect()
}

pub(super) fn rule_line(r: Rule) -> String {
    format!("{r}  {}", r.info().obligation)
}

/// Whether `word` occurs in `text` not glued to letters, digits or `_` on either side.
pub(super) fn contains_word(text: &str, word: &str) -> bool {
    let glued = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    text.match_indices(word).any(|(i, _)| {
        !glued(text[..i].chars().next_back()) && !glued(text[i + word.len()..].chars().next())
    })
}

// Last: the layering test (core/tests/layers.rs) reads a file only up to `#[cfg(test)]`.
#[cfg(test)]
mod tests;
