//! The conformance suite's helpers: run the scenario files under `tests/scenarios/` and
//! work out which clauses of the contract they exercise.

use mapioffline::coverage::clauses_exercised;
use mapioffline::scenario::{run_script, Outcome};
use mapioffline::Clause;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The suite's scenarios compiled in, as (name, source), so that tools built without
/// this source tree (the `mapioffline spec` command) can report coverage. A test keeps
/// this list equal to the folder's contents.
pub static SCENARIOS: &[(&str, &str)] = &[
    ("advise", include_str!("../scenarios/advise.scn")),
    (
        "capabilities",
        include_str!("../scenarios/capabilities.scn"),
    ),
    ("create", include_str!("../scenarios/create.scn")),
    (
        "guid-pointers",
        include_str!("../scenarios/guid-pointers.scn"),
    ),
    ("interfaces", include_str!("../scenarios/interfaces.scn")),
    ("network", include_str!("../scenarios/network.scn")),
    ("notify", include_str!("../scenarios/notify.scn")),
    ("open", include_str!("../scenarios/open.scn")),
    (
        "sample-add-in",
        include_str!("../scenarios/sample-add-in.scn"),
    ),
    ("set-state", include_str!("../scenarios/set-state.scn")),
    (
        "set4-literal",
        include_str!("../scenarios/set4-literal.scn"),
    ),
    ("trees", include_str!("../scenarios/trees.scn")),
    ("unadvise", include_str!("../scenarios/unadvise.scn")),
];

/// The folder of scenario files.
pub fn scenario_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios")
}

/// Every scenario file, sorted by name.
pub fn scenario_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(scenario_dir())
        .expect("tests/scenarios exists")
        .map(|e| e.expect("readable directory").path())
        .filter(|p| p.extension().is_some_and(|x| x == "scn"))
        .collect();
    files.sort();
    files
}

/// Runs one scenario file; panics with the file and message if it cannot run.
pub fn run_file(path: &Path) -> Outcome {
    let source =
        std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    run_script(&source).unwrap_or_else(|e| panic!("{}:{e}", path.display()))
}

/// What a snapshot holds: the failed expectations (normally none) and the text trace.
pub fn snapshot_text(outcome: &Outcome) -> String {
    let mut s = String::new();
    for f in &outcome.failures {
        s.push_str(&format!("FAILED {f}\n"));
    }
    s.push_str(&outcome.trace.to_text());
    s
}

/// For each clause, the names of the outcomes that exercise it, in the order given.
fn coverage_of(outcomes: impl Iterator<Item = (String, Outcome)>) -> BTreeMap<Clause, Vec<String>> {
    let mut map: BTreeMap<Clause, Vec<String>> = BTreeMap::new();
    for (name, outcome) in outcomes {
        for c in clauses_exercised(&outcome.trace) {
            map.entry(c).or_default().push(name.clone());
        }
    }
    map
}

/// For each clause, the scenario files that exercise it (what `COVERAGE.md` lists).
pub fn coverage() -> BTreeMap<Clause, Vec<String>> {
    coverage_of(scenario_files().into_iter().map(|f| {
        let name = f
            .file_stem()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        let outcome = run_file(&f);
        (name, outcome)
    }))
}

/// For each clause, the built-in lessons (as `lesson:NAME`), challenges (as
/// `challenge:NAME`) and the compiled-in scenarios that exercise it: core's `exercised`,
/// as `mapioffline spec` lists it. A scenario that fails to run is this suite's own tests'
/// to report; here the map is then empty.
pub fn coverage_with_lessons() -> BTreeMap<Clause, Vec<String>> {
    mapioffline::exercised::exercised(SCENARIOS)
        .map(|by| {
            by.into_iter()
                .map(|(c, examples)| (c, examples.iter().map(|e| e.label()).collect()))
                .collect()
        })
        .unwrap_or_default()
}
