//! A page per challenge (a broken client, run, with its goal, hints and a solution), and
//! `real-clients.md`: the challenges that replay public clients' call patterns, each with
//! what the checker says and how to fix it.

use super::example::Example;
use super::markdown::{code_names, fence, link_ids};
use super::GuideError;
use crate::challenges::{Challenge, CHALLENGES};
use crate::checker::{check, Finding};
use crate::scenario::run_script;

/// The challenges that replay a public client, in the order `real-clients.md` shows
/// them: the sample add-in, a provider that trusts its own copy of the state, a shipping
/// binary that reads the state through the manager's vtable.
const REAL_CLIENTS: &[&str] = &[
    "sample-get-current-state",
    "logon-state-change",
    "manager-vtable-read",
];

/// Every challenge, its broken client run, with its own sections.
pub(super) fn challenge_examples() -> Result<Vec<Example>, GuideError> {
    CHALLENGES
        .iter()
        .map(|c| {
            let mut ex = Example::run(c.name, c.title, c.story, c.clauses, c.broken, "challenges")?;
            ex.extra = extra(c, "../clauses.md")?;
            Ok(ex)
        })
        .collect()
}

/// A challenge's prose as Markdown: `vtbl[7](…)` in a hint is code, not a link.
fn prose(text: &str) -> String {
    code_names(&text.replace("](", "]\\("))
}

fn findings_list(findings: &[Finding], clauses: &str) -> String {
    if findings.is_empty() {
        return "The checker finds nothing to object to.\n\n".to_string();
    }
    let mut s = String::new();
    for f in findings {
        s.push_str(&format!(
            "- **{}** ({}) at event #{}: {}\n",
            link_ids(&f.rule.to_string(), clauses),
            link_ids(f.clause.id(), clauses),
            f.event,
            code_names(f.message.trim_end_matches('.'))
        ));
    }
    s.push('\n');
    s
}

/// The goal as the broken client meets it, the hints, and a solution with its verdict.
fn extra(c: &Challenge, clauses: &str) -> Result<String, GuideError> {
    let mut s = String::from("## The goal\n\n");
    s.push_str(&link_ids(&prose(c.goal_text), clauses));
    s.push_str("\n\nThe broken client above, judged against it:\n\n");
    for item in c.check(c.broken).items {
        s.push_str(&format!(
            "- {} {}{}\n",
            if item.met { "met:" } else { "**not met:**" },
            prose(&item.text),
            item.why
                .map(|w| format!(" ({})", prose(&w)))
                .unwrap_or_default()
        ));
    }
    s.push_str("\n## Hints\n\n");
    for (i, h) in c.hints.iter().enumerate() {
        s.push_str(&format!(
            "<details><summary>Hint {}</summary>\n\n{}\n\n</details>\n\n",
            i + 1,
            link_ids(&prose(h), clauses)
        ));
    }
    s.push_str(&solution(c, clauses)?);
    Ok(s)
}

/// A solution's script, the checker's verdict on it and whether it meets the goal.
fn solution(c: &Challenge, clauses: &str) -> Result<String, GuideError> {
    let outcome =
        run_script(c.solution).map_err(|e| GuideError::run(format!("{} (solution)", c.name), e))?;
    let report = c.goal.judge(&outcome);
    let mut s = String::from(
        "## A solution\n\n<details><summary>Show a script that meets the goal</summary>\n\n",
    );
    s.push_str(&fence("text", c.solution));
    s.push_str("\nOn its trace: ");
    s.push_str(&findings_list(&check(&outcome.trace), clauses));
    s.push_str(&format!(
        "Against the goal: {}.\n\n</details>\n\n",
        if report.met {
            "every requirement is met"
        } else {
            "not every requirement is met"
        }
    ));
    Ok(s)
}

/// `real-clients.md`.
pub(super) fn real_clients_page(examples: &[Example], playground: &str) -> String {
    let mut s = String::from("# Real clients\n\n");
    s.push_str(
        "How public clients call the Offline State API, each pattern played as a challenge: the \
client as it ships, what the checker says about its trace, and how to fix it. Each has a \
page of its own with the sequence diagram, the trace and the C++. [The guide](README.md) · \
[Clauses](clauses.md) · [API](api.md).\n\n",
    );
    let real: Vec<(&Challenge, &Example)> = REAL_CLIENTS
        .iter()
        .filter_map(|n| {
            let c = CHALLENGES.iter().find(|c| c.name == *n)?;
            Some((c, examples.iter().find(|e| e.name == *n)?))
        })
        .collect();
    for (c, _) in &real {
        s.push_str(&format!("- [{}](#{})\n", c.title, super::slug(c.title)));
    }
    s.push('\n');
    for (c, ex) in real {
        s.push_str(&format!("## {}\n\n", c.title));
        s.push_str(&link_ids(&prose(c.story), "clauses.md"));
        s.push_str("\n\n");
        s.push_str(&format!(
            "The client as it ships ([its page](challenges/{}.md), [open it in the \
playground]({})):\n\n",
            c.name,
            ex.playground_link(playground)
        ));
        s.push_str(&fence("text", c.broken));
        s.push_str("\nWhat the checker says: ");
        s.push_str(&findings_list(&ex.findings, "clauses.md"));
        s.push_str("How to fix it: ");
        s.push_str(&link_ids(
            &prose(c.hints.last().copied().unwrap_or("")),
            "clauses.md",
        ));
        s.push_str("\n\n");
        if let Ok(sol) = solution(c, "clauses.md") {
            s.push_str(&sol.replacen("## A solution\n\n", "", 1));
        }
    }
    s
}
