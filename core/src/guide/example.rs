//! One runnable example's page: a lesson (or a public client's call pattern), run, with
//! its explanation, script, sequence diagram, the trace lines that matter, the checker's
//! verdict, the C++ it stands for and a link that opens it in the playground.

use super::markdown::{code_names, fence, link_ids};
use super::GuideError;
use crate::checker::{check, Finding};
use crate::clauses::Clause;
use crate::lessons::LESSONS;
use crate::render::{render, Format, TextCursor};
use crate::scenario::{run_script, Outcome};
use crate::share::share_link;
use crate::trace::EventKind;
use std::collections::BTreeSet;

/// An example the simulator ran.
pub(super) struct Example {
    pub name: &'static str,
    pub title: &'static str,
    pub explanation: &'static str,
    pub clauses: &'static [Clause],
    pub source: &'static str,
    /// The folder of its page under the guide's root (`lessons`), or none for a section
    /// of a page at the root.
    pub dir: &'static str,
    /// What the page calls it: `lesson`, `challenge`.
    pub kind: &'static str,
    /// Sections of its own (a challenge's goal, hints and solution), before the C++.
    pub extra: String,
    pub outcome: Outcome,
    pub findings: Vec<Finding>,
}

impl Example {
    pub fn run(
        name: &'static str,
        title: &'static str,
        explanation: &'static str,
        clauses: &'static [Clause],
        source: &'static str,
        dir: &'static str,
    ) -> Result<Example, GuideError> {
        let outcome = run_script(source).map_err(|e| GuideError::run(name.to_string(), e))?;
        // A broken client may fail its own `expect` lines; a lesson may not.
        if let Some(f) = outcome.failures.first().filter(|_| dir != "challenges") {
            return Err(GuideError {
                scenario: name.to_string(),
                why: format!("an expectation fails: {f}"),
            });
        }
        let findings = check(&outcome.trace);
        Ok(Example {
            name,
            title,
            explanation,
            clauses,
            source,
            dir,
            kind: if dir == "challenges" {
                "challenge"
            } else {
                "lesson"
            },
            extra: String::new(),
            outcome,
            findings,
        })
    }

    /// Its page, relative to the guide's root.
    pub fn path(&self) -> String {
        format!("{}/{}.md", self.dir, self.name)
    }

    /// A link to its page from the guide's root.
    pub fn link_from_root(&self) -> String {
        self.path()
    }

    /// Where the guide's root is from its page.
    fn root(&self) -> &'static str {
        "../"
    }

    /// The rules the checker found broken, in order, once each.
    pub fn rules_found(&self) -> Vec<crate::clauses::Rule> {
        let mut seen = Vec::new();
        for f in &self.findings {
            if !seen.contains(&f.rule) {
                seen.push(f.rule);
            }
        }
        seen
    }

    /// The whole page.
    pub fn page(&self, playground: &str, prev: Option<&Example>, next: Option<&Example>) -> String {
        let root = self.root();
        let clauses = format!("{root}clauses.md");
        let mut s = format!("# {}\n\n", self.title);
        s.push_str(&format!(
            "[The guide]({root}README.md) · {} `{}` · [open it in the playground]({})\n\n",
            self.kind,
            self.name,
            self.playground_link(playground)
        ));
        s.push_str(&self.body(playground, 2, &clauses));
        s.push_str("---\n\n");
        let mut nav = Vec::new();
        if let Some(p) = prev {
            nav.push(format!("← [{}]({}.md)", p.title, p.name));
        }
        nav.push(format!("[The guide]({root}README.md)"));
        if let Some(n) = next {
            nav.push(format!("[{}]({}.md) →", n.title, n.name));
        }
        s.push_str(&nav.join(" · "));
        s.push('\n');
        s
    }

    /// The page without its title and navigation, its headings at `level`: also a
    /// section of `real-clients.md`.
    pub fn body(&self, playground: &str, level: usize, clauses: &str) -> String {
        let h = "#".repeat(level);
        let mut s = String::new();
        // Prose from data: `vtbl[7](…)` is code, not a link.
        let explanation = self.explanation.replace("](", "]\\(");
        s.push_str(&link_ids(&code_names(&explanation), clauses));
        s.push_str("\n\n");
        let ids: Vec<String> = self
            .clauses
            .iter()
            .map(|c| link_ids(c.id(), clauses))
            .collect();
        s.push_str(&format!("Clauses: {}.\n\n", ids.join(", ")));

        s.push_str(&format!("{h} The scenario\n\n"));
        s.push_str(
            "The script the simulator runs (the scenario language: `#` comments, calls as a C \
client writes them, `expect` lines that make it check itself):\n\n",
        );
        s.push_str(&fence("text", self.source));
        s.push('\n');

        s.push_str(&format!("{h} The sequence diagram\n\n"));
        s.push_str(
            "The trace of that run as a sequence diagram: calls are arrows from the caller, \
results dashed arrows back, `Notify` an arrow from the offline object to the sink.\n\n",
        );
        s.push_str(&fence(
            "mermaid",
            &render(&self.outcome.trace, Format::Mermaid),
        ));
        s.push('\n');

        s.push_str(&format!("{h} The trace lines that matter\n\n"));
        s.push_str(&format!(
            "The events that show {} (each line is `t=TICK`, indented by call depth; `…` \
marks events left out):\n\n",
            if self.clauses.is_empty() {
                "what the checker found".to_string()
            } else {
                let ids: Vec<&str> = self.clauses.iter().map(|c| c.id()).collect();
                ids.join(", ")
            }
        ));
        s.push_str(&fence("text", &self.excerpt()));
        s.push('\n');

        s.push_str(&format!("{h} What the checker says\n\n"));
        if self.findings.is_empty() {
            s.push_str(
                "The client-contract checker (rules R1–R7) finds nothing to object to in this \
trace.\n\n",
            );
        } else {
            s.push_str(&format!(
                "The client-contract checker (rules R1–R7) reports {} finding{} in this trace:\n\n",
                self.findings.len(),
                if self.findings.len() == 1 { "" } else { "s" }
            ));
            for f in &self.findings {
                s.push_str(&format!(
                    "- **{}** ({}) at event #{}, t={}: {}. *Fix:* {}\n",
                    link_ids(&f.rule.to_string(), clauses),
                    link_ids(f.clause.id(), clauses),
                    f.event,
                    f.tick,
                    code_names(f.message.trim_end_matches('.')),
                    code_names(&f.fix)
                ));
            }
            s.push('\n');
        }

        s.push_str(&self.extra);
        s.push_str(&format!("{h} The same client in C++\n\n"));
        s.push_str(
            "What a C++ client makes the same calls with (the C++ renderer's output, which \
compiles against `ffi/include/mapioffline.h`):\n\n",
        );
        s.push_str(&fence("cpp", &render(&self.outcome.trace, Format::Cpp)));
        s.push('\n');
        s.push_str(&format!(
            "[Open this scenario in the playground]({}) to step through it, change it and \
watch the diagram follow.\n\n",
            self.playground_link(playground)
        ));
        s
    }

    /// The playground's address for this page, with the script as a share fragment.
    pub fn playground_link(&self, playground: &str) -> String {
        let base = if playground.contains("://") || playground.starts_with('/') {
            playground.to_string()
        } else {
            format!("{}{playground}", self.root())
        };
        // Every built-in script fits a link (the web's tests hold every lesson to it);
        // one that did not would get a link to the empty playground, never a panic.
        format!("{base}{}", share_link(self.source).unwrap_or_default())
    }

    /// The text trace's lines that matter for this example: the events whose diagnostics
    /// cite its clauses or its rules' findings, with the lines just before (the call that
    /// caused them) and after, joined by `…` where events are left out.
    pub fn excerpt(&self) -> String {
        const BEFORE: usize = 2;
        const AFTER: usize = 1;
        const MAX_LINES: usize = 40;
        let trace = &self.outcome.trace;
        let lines: Vec<String> = TextCursor::default()
            .advance(trace)
            .into_iter()
            .map(|(_, l)| l)
            .collect();
        let wanted: BTreeSet<Clause> = self.clauses.iter().copied().collect();
        let mut marked: BTreeSet<usize> = self.findings.iter().map(|f| f.event).collect();
        let mut cited = BTreeSet::new();
        for (i, e) in trace.events.iter().enumerate() {
            if let EventKind::Diagnostic(d) = &e.kind {
                if let Some(c) = d.clause.filter(|c| wanted.contains(c)) {
                    marked.insert(i);
                    cited.insert(c);
                }
            }
        }
        if cited.len() < wanted.len() || marked.is_empty() {
            // Clauses shown by silent success (NTF-7's three phases, SET-1's blocking
            // call) cite nothing: their evidence is the notifications.
            marked.extend(
                trace
                    .events
                    .iter()
                    .enumerate()
                    .filter(|(_, e)| matches!(e.kind, EventKind::Notify { .. }))
                    .map(|(i, _)| i),
            );
        }
        // An event inside a call (a Notify during a blocking SetCurrentState) comes with
        // the top-level call around it and that call's return.
        let events = &trace.events;
        let mut around = BTreeSet::new();
        for &m in &marked {
            if events.get(m).is_some_and(|e| e.depth > 0) {
                if let Some(c) = (0..m).rev().find(|&i| events[i].depth == 0) {
                    around.insert(c);
                }
                if let Some(r) = (m + 1..events.len()).find(|&i| events[i].depth == 0) {
                    around.insert(r);
                }
            }
        }
        marked.extend(around);
        let mut keep = BTreeSet::new();
        for &m in &marked {
            for i in m.saturating_sub(BEFORE)..=(m + AFTER).min(lines.len().saturating_sub(1)) {
                keep.insert(i);
            }
        }
        let mut out = String::new();
        let mut last: Option<usize> = None;
        for (n, i) in keep.into_iter().enumerate() {
            if n == MAX_LINES {
                out.push_str("…\n");
                last = None;
                break;
            }
            if last.map_or(i > 0, |l| i > l + 1) {
                out.push_str("…\n");
            }
            out.push_str(&lines[i]);
            out.push('\n');
            last = Some(i);
        }
        if last.is_some_and(|l| l + 1 < lines.len()) {
            out.push_str("…\n");
        }
        out
    }
}

/// Every lesson, run.
pub(super) fn lesson_examples() -> Result<Vec<Example>, GuideError> {
    LESSONS
        .iter()
        .map(|l| {
            Example::run(
                l.name,
                l.title,
                l.explanation,
                l.clauses,
                l.source,
                "lessons",
            )
        })
        .collect()
}
