//! Clauses and client rules: kinds, the readings of doc-defect clauses, explanations.

use super::*;

pub(super) fn kind_sentence(k: ClauseKind) -> &'static str {
    match k {
        ClauseKind::Doc => "stated by the reference.",
        ClauseKind::DocDefect => {
            "the reference is wrong or contradicts itself here; both readings are named."
        }
        ClauseKind::Field => "seen in real client code, not stated by the reference.",
        ClauseKind::Sim => "the reference is silent; this is the simulator's documented choice.",
    }
}

pub(super) fn set4_reading_text(r: Set4Reading) -> &'static str {
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
pub(super) fn readings(c: Clause) -> Vec<String> {
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

pub(super) fn explain_clause(c: Clause) -> Explanation {
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

pub(super) fn explain_rule(r: Rule) -> Explanation {
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
