//! The guide (`docs/`): a learning path through the Offline State API whose every
//! example is a scenario the simulator ran, every sequence diagram and trace excerpt is
//! the renderers' output for that run, and every verdict is the checker's.
//!
//! [`pages`] returns the whole guide as `(relative path, Markdown)` pages and does no
//! I/O: the CLI's `guide --out DIR` writes them (`cargo xtask docs` runs it), and
//! `core/tests/guide.rs` fails when the files in `docs/` differ from what it returns.
//!
//! Pages: `README.md` (the learning path), one page per lesson under `lessons/` and per
//! challenge under `challenges/`,
//! `clauses.md` (every clause with what exercises it), `api.md` (every function,
//! interface, method, structure, constant, HRESULT and GUID, in `explain`'s words) and
//! `real-clients.md` (the call patterns of public clients, from the challenges).
//!
//! ```
//! use mapioffline::guide::{pages, Options};
//! let pages = pages(&Options::default()).unwrap();
//! assert!(pages.iter().any(|p| p.path == "README.md"));
//! assert!(pages.iter().any(|p| p.path == "lessons/sample-add-in.md"));
//! ```

mod challenge;
mod example;
mod markdown;
mod path;
mod reference;

pub use markdown::slug;

use crate::clauses::Clause;
use crate::exercised::Example;
use crate::scenario::RunError;
use std::collections::BTreeMap;

/// Where `cargo xtask playground` serves the playground: the committed guide's "open in
/// the playground" links point there.
pub const DEFAULT_PLAYGROUND: &str = "http://127.0.0.1:8080/";

/// What the guide is generated from besides core's own lessons and registry.
#[derive(Clone, Debug)]
pub struct Options<'a> {
    /// The playground's address: an absolute URL (`http://…/`), or a path relative to
    /// the guide's root directory (`../` when the guide is served from the playground's
    /// `guide/` folder). A share fragment (`#s=…`) is appended to it.
    pub playground: &'a str,
    /// The conformance suite's scenarios as `(name, source)`, for `clauses.md`'s
    /// "exercised by" column (core cannot read `tests/scenarios/` itself).
    pub scenarios: &'a [(&'a str, &'a str)],
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            playground: DEFAULT_PLAYGROUND,
            scenarios: &[],
        }
    }
}

/// One file of the guide.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page {
    /// Relative to the guide's directory, with `/` separators (`lessons/blocking-change.md`).
    pub path: String,
    pub contents: String,
}

/// Why the guide could not be generated: a built-in scenario did not run, or an
/// expectation of it failed (a page must never show a run that contradicts its text).
#[derive(Debug)]
pub struct GuideError {
    pub scenario: String,
    pub why: String,
}

impl GuideError {
    fn run(scenario: String, error: RunError) -> GuideError {
        GuideError {
            scenario,
            why: error.to_string(),
        }
    }
}

impl std::fmt::Display for GuideError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "scenario `{}`: {}", self.scenario, self.why)
    }
}

impl std::error::Error for GuideError {}

/// Every page of the guide, in a fixed order; the same options give the same bytes.
pub fn pages(options: &Options) -> Result<Vec<Page>, GuideError> {
    let lessons = example::lesson_examples()?;
    let challenges = challenge::challenge_examples()?;
    // What exercises each clause is `exercised`'s to say (the CLI's `spec` and the
    // playground's spec browser list the same).
    let by = crate::exercised::exercised(options.scenarios).map_err(|e| GuideError {
        scenario: e.example,
        why: e.error.to_string(),
    })?;
    let exercised: BTreeMap<Clause, Vec<reference::Exerciser>> = by
        .into_iter()
        .map(|(c, examples)| {
            let list = examples
                .into_iter()
                .map(|e| match e {
                    Example::Lesson { name, title } => reference::Exerciser::Page {
                        title: title.to_string(),
                        link: format!("lessons/{name}.md"),
                    },
                    Example::Challenge { name, title } => reference::Exerciser::Page {
                        title: title.to_string(),
                        link: format!("challenges/{name}.md"),
                    },
                    Example::Scenario { name } => reference::Exerciser::Scenario(name),
                })
                .collect();
            (c, list)
        })
        .collect();

    let mut out = vec![Page {
        path: "README.md".into(),
        contents: path::readme(&lessons, &challenges),
    }];
    for list in [&lessons, &challenges] {
        for (i, ex) in list.iter().enumerate() {
            let prev = i.checked_sub(1).map(|j| &list[j]);
            out.push(Page {
                path: ex.path(),
                contents: ex.page(options.playground, prev, list.get(i + 1)),
            });
        }
    }
    out.push(Page {
        path: "real-clients.md".into(),
        contents: challenge::real_clients_page(&challenges, options.playground),
    });
    out.push(Page {
        path: "clauses.md".into(),
        contents: reference::clauses_page(&exercised),
    });
    out.push(Page {
        path: "api.md".into(),
        contents: reference::api_page(),
    });
    Ok(out)
}
