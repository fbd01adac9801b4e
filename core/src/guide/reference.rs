//! The reference pages: `clauses.md` (every clause and rule in `explain`'s words, with
//! what exercises it) and `api.md` (every API name `explain` knows, grouped by kind).

use super::markdown::explanation;
use crate::clauses::{Clause, CLAUSES, RULES};
use crate::explain::{explain, names, TermKind};
use std::collections::{BTreeMap, BTreeSet};

/// Something that exercises a clause.
pub(super) enum Exerciser {
    /// A page of the guide: its title and its path from the root.
    Page { title: String, link: String },
    /// A conformance scenario, `tests/scenarios/NAME.scn`.
    Scenario(String),
}

pub(super) fn clauses_page(exercised: &BTreeMap<Clause, Vec<Exerciser>>) -> String {
    let mut s = String::from("# Clauses\n\n");
    s.push_str(
        "Every clause of the contract, in the words `mapioffline explain ID` uses, with the \
guide's pages and the conformance scenarios (`tests/scenarios/`) whose traces exercise it. \
[The guide](README.md) · [API](api.md) · [the contract by section](contract.md).\n\n",
    );
    s.push_str("Sections:\n\n");
    let mut sections = Vec::new();
    for c in CLAUSES {
        if !sections.contains(&c.source) {
            sections.push(c.source);
        }
    }
    for sec in &sections {
        let ids: Vec<String> = CLAUSES
            .iter()
            .filter(|c| c.source == *sec)
            .map(|c| format!("[{}](#{})", c.id, super::slug(c.id)))
            .collect();
        s.push_str(&format!("- {sec}: {}\n", ids.join(", ")));
    }
    s.push_str("- Client rules: ");
    let rules: Vec<String> = RULES
        .iter()
        .map(|r| format!("[{0}](#{1})", r.rule, super::slug(&r.rule.to_string())))
        .collect();
    s.push_str(&rules.join(", "));
    s.push_str("\n\n");
    let mut section = "";
    for c in CLAUSES {
        if c.source != section {
            section = c.source;
            s.push_str(&format!("## {section}\n\n"));
        }
        if let Ok(e) = explain(c.id) {
            s.push_str(&explanation(&e, 3, ""));
        }
        let by = exercised.get(&c.clause).map_or(&[][..], Vec::as_slice);
        let mut pages = Vec::new();
        let mut scenarios = Vec::new();
        for x in by {
            match x {
                Exerciser::Page { title, link } => {
                    let l = format!("[{title}]({link})");
                    if !pages.contains(&l) {
                        pages.push(l);
                    }
                }
                Exerciser::Scenario(n) => {
                    let l = format!("`{n}`");
                    if !scenarios.contains(&l) {
                        scenarios.push(l);
                    }
                }
            }
        }
        s.push_str(&format!(
            "Exercised by the guide's pages: {}.\n\n",
            if pages.is_empty() {
                "none".to_string()
            } else {
                pages.join(", ")
            }
        ));
        s.push_str(&format!(
            "Exercised by the conformance scenarios: {}.\n\n",
            if scenarios.is_empty() {
                "none".to_string()
            } else {
                scenarios.join(", ")
            }
        ));
    }
    s.push_str("## Client rules\n\n");
    s.push_str(
        "What the client-contract checker enforces over any trace; each finding cites a rule \
and the clause broken.\n\n",
    );
    for r in RULES {
        if let Ok(e) = explain(&r.rule.to_string()) {
            s.push_str(&explanation(&e, 3, ""));
        }
    }
    s
}

/// The groups of `api.md`, in order.
const GROUPS: &[(&str, &[TermKind])] = &[
    ("Functions", &[TermKind::Function]),
    ("Interfaces", &[TermKind::Interface]),
    ("Methods", &[TermKind::Method]),
    ("Structures", &[TermKind::Struct]),
    ("Types", &[TermKind::Type]),
    ("Constants", &[TermKind::Constant]),
    ("HRESULTs", &[TermKind::HResult]),
    ("GUIDs", &[TermKind::Guid]),
];

pub(super) fn api_page() -> String {
    let mut s = String::from("# API\n\n");
    s.push_str(
        "Every function, interface and method of the Offline State API with its vtable slot, \
every structure with its size on 32- and 64-bit Windows, and every constant, HRESULT and \
GUID, in the words `mapioffline explain NAME` uses. [The guide](README.md) · \
[Clauses](clauses.md).\n\n",
    );
    // One entry per term as `explain` spells it (`SetCurrentState` and
    // `IMAPIOffline::SetCurrentState` are one method).
    let mut seen = BTreeSet::new();
    let mut all = Vec::new();
    for n in names() {
        if let Ok(e) = explain(n) {
            if matches!(e.kind, TermKind::Clause | TermKind::Rule) || !seen.insert(e.term.clone()) {
                continue;
            }
            all.push(e);
        }
    }
    s.push_str("Contents:\n\n");
    for (title, kinds) in GROUPS {
        let items: Vec<String> = all
            .iter()
            .filter(|e| kinds.contains(&e.kind))
            .map(|e| format!("[`{}`](#{})", e.term, super::slug(&e.term)))
            .collect();
        if !items.is_empty() {
            s.push_str(&format!("- **{title}**: {}\n", items.join(", ")));
        }
    }
    s.push('\n');
    for (title, kinds) in GROUPS {
        let items: Vec<_> = all.iter().filter(|e| kinds.contains(&e.kind)).collect();
        if items.is_empty() {
            continue;
        }
        s.push_str(&format!("## {title}\n\n"));
        for e in items {
            s.push_str(&explanation(e, 3, "clauses.md"));
        }
    }
    s
}
