//! Which parts of a text [`super::explain`] can explain: the spans a front-end makes
//! focusable (the playground's hover explanations) in any text core writes — an event's
//! words, a finding's message, a diagnostic, a script line.
//!
//! A span is a whole word spelled as the reference spells it: a constant, HRESULT, GUID or
//! IID name, a structure, a function, interface or method (`IMAPIOfflineNotify::Notify`
//! as one span), a field of a structure, a clause ID (`SET-4`) or rule (`R5`), a hex value
//! (`0x8000000A`) or a GUID in registry format, and the unambiguous tail of a constant
//! written in capitals (`STATECHANGE_DONE`). Matching is exact and case-sensitive, and
//! plain decimal numbers are left out: prose ("3 objects", "block") must not light up. A
//! field or parameter (`ulClientToken`, `ulState`) is explained by what holds it, the
//! call or structure named last before it in the text.
//!
//! ```
//! use mapioffline::explain::spans::spans;
//!
//! let text = "← SetCurrentState = E_PENDING (SET-3), ulState 0x00000001";
//! let found = spans(text);
//! let words: Vec<&str> = found.iter().map(|s| &text[s.start..s.end]).collect();
//! assert_eq!(words, ["SetCurrentState", "E_PENDING", "SET-3", "ulState", "0x00000001"]);
//! ```

use super::structs::STRUCTS;
use super::{api, by_suffix, contains_word};
use crate::clauses::{Clause, Rule};
use crate::consts::{Guid, CONSTANTS, HRESULTS, KNOWN_GUIDS};
use serde::Serialize;

/// A part of a text that `explain` knows: bytes `start..end`, and the term to ask for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    /// What to pass to `explain` (the word itself, or the structure a field belongs to…).
    pub term: String,
}

fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Every explainable span of `text`, in order, not overlapping.
pub fn spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        if c == '{' {
            // A GUID in registry format: `{` + 36 characters + `}`.
            if let Some(g) = text.get(i..i + 38) {
                if g.ends_with('}') && Guid::parse(g).is_some() {
                    out.push(Span {
                        start: i,
                        end: i + 38,
                        term: g.to_string(),
                    });
                    i += 38;
                    continue;
                }
            }
        }
        if !word_char(c) || (i > 0 && word_char(text[..i].chars().next_back().unwrap_or(' '))) {
            i += c.len_utf8();
            continue;
        }
        let mut end = i;
        while end < b.len() && word_char(b[end] as char) {
            end += 1;
        }
        let word = &text[i..end];
        // A clause ID runs on past a hyphen: `SET-4`, `UNADV-3`.
        if b.get(end) == Some(&b'-') {
            let mut e2 = end + 1;
            while e2 < b.len() && b[e2].is_ascii_digit() {
                e2 += 1;
            }
            let id = &text[i..e2];
            if e2 > end + 1
                && !b.get(e2).is_some_and(|c| word_char(*c as char))
                && Clause::from_id(id).is_some_and(|c| c.to_string() == id)
            {
                out.push(Span {
                    start: i,
                    end: e2,
                    term: id.to_string(),
                });
                i = e2;
                continue;
            }
        }
        // An interface's method: `IMAPIOfflineNotify::Notify`.
        if text[end..].starts_with("::") {
            let m0 = end + 2;
            let mut m1 = m0;
            while m1 < b.len() && word_char(b[m1] as char) {
                m1 += 1;
            }
            let full = &text[i..m1];
            if m1 > m0 && api::find(full).is_some() {
                out.push(Span {
                    start: i,
                    end: m1,
                    term: full.to_string(),
                });
                i = m1;
                continue;
            }
        }
        if let Some(term) = term_of(word).or_else(|| holder_of(word, &out)) {
            out.push(Span {
                start: i,
                end,
                term,
            });
        }
        i = end;
    }
    out
}

/// The term `explain` takes for a whole word, if it names something exactly.
fn term_of(word: &str) -> Option<String> {
    let exact = CONSTANTS.iter().any(|c| c.name == word)
        || HRESULTS.iter().any(|h| h.name == word)
        || KNOWN_GUIDS.iter().any(|g| g.name == word)
        || STRUCTS.iter().any(|s| s.name == word)
        || Rule::from_name(word).is_some_and(|r| r.to_string() == word)
        || api::names().any(|n| n == word);
    if exact {
        return Some(word.to_string());
    }
    // `STATECHANGE_DONE`, `FLAG_BLOCK`: the one constant that ends so. Only words that
    // look like a constant's tail (capitals with an underscore), never prose.
    if word.contains('_')
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    {
        if let Some(x) = by_suffix(word) {
            return Some(x.term);
        }
    }
    if let Some(hexdigits) = word.strip_prefix("0x") {
        if !hexdigits.is_empty()
            && hexdigits.len() <= 8
            && hexdigits.chars().all(|c| c.is_ascii_hexdigit())
        {
            return Some(word.to_string());
        }
    }
    None
}

/// The structures and API entries (by `explain` term, and the short name a text uses)
/// with a field or parameter named `word`.
fn holders(word: &str) -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&'static str, &'static str)> = STRUCTS
        .iter()
        .filter(|s| {
            s.fields
                .iter()
                .any(|(decl, _)| decl.rsplit([' ', '*']).next() == Some(word))
        })
        .map(|s| (s.name, s.name))
        .collect();
    for d in api::API {
        let Some(params) = d.signature.split_once('(').map(|(_, p)| p) else {
            continue;
        };
        // A parameter's name is the word before a `,` or the closing `)`.
        let named = params
            .split([',', ')'])
            .any(|p| p.trim().rsplit([' ', '*']).next() == Some(word) && p.trim().contains(' '));
        if named {
            out.push((d.name, d.short()));
        }
    }
    out
}

/// A field or parameter name is explained by what holds it: the holder named last before
/// it in the text (`SetCurrentState(…, ulFlags …)`), else the first that has it.
fn holder_of(word: &str, before: &[Span]) -> Option<String> {
    let hs = holders(word);
    // `Advise(…, {ulSize=32, …})`: a call names the structure it takes, too.
    let takes = |call: &str, structure: &str| {
        api::find(call).is_some_and(|d| contains_word(d.signature, structure))
    };
    let context = before.iter().rev().find_map(|s| {
        hs.iter()
            .find(|(term, short)| s.term == *term || s.term == *short || takes(&s.term, term))
    });
    context.or(hs.first()).map(|(term, _)| term.to_string())
}
