//! Which lessons, challenges and conformance scenarios exercise each clause of the
//! contract: what the guide's `clauses.md`, the CLI's `spec` and the playground's spec
//! browser list under a clause, so that the three cannot disagree.
//!
//! Each example is run once. A clause is exercised by an example when
//! [`clauses_exercised`] finds it in the example's trace; for a challenge, in the trace of
//! its broken client or of its solution (the learner sees both).
//!
//! ```
//! use mapioffline::exercised::{exercised, Example};
//! use mapioffline::Clause;
//!
//! let scenarios = [("one-open", "profile \"Outlook\"\nHrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)\n")];
//! let by = exercised(&scenarios).unwrap();
//! let open = &by[&Clause::Open1];
//! assert!(open.contains(&Example::Scenario { name: "one-open".into() }));
//! assert!(open.iter().any(|e| matches!(e, Example::Lesson { .. })));
//! ```

use crate::challenges::CHALLENGES;
use crate::clauses::Clause;
use crate::coverage::clauses_exercised;
use crate::lessons::LESSONS;
use crate::scenario::{run_script, RunError};
use serde::Serialize;
use std::collections::BTreeMap;

/// Something a learner can open that exercises a clause.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Example {
    /// A built-in lesson (`mapioffline lesson NAME`).
    Lesson {
        name: &'static str,
        title: &'static str,
    },
    /// A built-in challenge (`mapioffline challenge NAME`).
    Challenge {
        name: &'static str,
        title: &'static str,
    },
    /// A conformance scenario, `tests/scenarios/NAME.scn`.
    Scenario { name: String },
}

impl Example {
    /// How the CLI's `spec` names it: `lesson:NAME`, `challenge:NAME`, or the scenario's
    /// name.
    pub fn label(&self) -> String {
        match self {
            Example::Lesson { name, .. } => format!("lesson:{name}"),
            Example::Challenge { name, .. } => format!("challenge:{name}"),
            Example::Scenario { name } => name.clone(),
        }
    }
}

/// A built-in example or a scenario that did not run: its label and why.
#[derive(Debug)]
pub struct NotRun {
    pub example: String,
    pub error: RunError,
}

impl std::fmt::Display for NotRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.example, self.error)
    }
}

impl std::error::Error for NotRun {}

/// For each clause, the lessons, then the challenges, then the `scenarios` (as
/// `(name, source)`) that exercise it, each in its list's order. A clause nothing
/// exercises has no entry.
pub fn exercised(scenarios: &[(&str, &str)]) -> Result<BTreeMap<Clause, Vec<Example>>, NotRun> {
    let mut by: BTreeMap<Clause, Vec<Example>> = BTreeMap::new();
    let mut add = |example: Example, sources: &[&str]| -> Result<(), NotRun> {
        let mut clauses = std::collections::BTreeSet::new();
        for source in sources {
            let outcome = run_script(source).map_err(|error| NotRun {
                example: example.label(),
                error,
            })?;
            clauses.extend(clauses_exercised(&outcome.trace));
        }
        for c in clauses {
            by.entry(c).or_default().push(example.clone());
        }
        Ok(())
    };
    for l in LESSONS {
        let e = Example::Lesson {
            name: l.name,
            title: l.title,
        };
        add(e, &[l.source])?;
    }
    for c in CHALLENGES {
        let e = Example::Challenge {
            name: c.name,
            title: c.title,
        };
        add(e, &[c.broken, c.solution])?;
    }
    for (name, source) in scenarios {
        let e = Example::Scenario {
            name: name.to_string(),
        };
        add(e, &[source])?;
    }
    Ok(by)
}
