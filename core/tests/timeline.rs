//! Time travel (`trace::replay::Timeline`): the world folded from a trace alone equals
//! what the simulator's `snapshot` said, after every statement of every lesson and every
//! conformance scenario; and the findings and decoded events as of an event.

use mapioffline::scenario::{parse, Runner};
use mapioffline::sim::WorldSnapshot;
use mapioffline::trace::replay::Timeline;
use std::path::Path;

/// Every lesson and conformance scenario, by name, with its source.
fn scripts() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = mapioffline::lessons::LESSONS
        .iter()
        .map(|l| (format!("lesson {}", l.name), l.source.to_string()))
        .collect();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the conformance scenarios")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "scn"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "scenarios found: {files:?}");
    for f in files {
        out.push((
            f.display().to_string(),
            std::fs::read_to_string(&f).unwrap(),
        ));
    }
    out
}

/// Runs `source` a statement at a time; after each, the trace length and the snapshot.
fn boundaries(name: &str, source: &str) -> (mapioffline::Trace, Vec<(usize, WorldSnapshot)>) {
    let script = parse(source).unwrap_or_else(|e| panic!("{name}: {e:?}"));
    let mut r = Runner::default();
    let mut seen = Vec::new();
    for s in &script.stmts {
        let ok = r.exec(s).is_ok();
        if r.started() {
            let sim = r.sim();
            seen.push((sim.trace().events.len(), sim.snapshot()));
        }
        if !ok {
            break;
        }
    }
    let trace = r.sim().trace().clone();
    (trace, seen)
}

#[test]
fn the_world_at_every_statement_of_every_lesson_and_scenario_is_the_simulators() {
    let mut checked = 0;
    for (name, src) in scripts() {
        let (trace, seen) = boundaries(&name, &src);
        let timeline = Timeline::new(&trace);
        for (n, snap) in &seen {
            let m = timeline.at(*n);
            assert_eq!(m.mismatch, None, "{name}: descendants not reproduced");
            assert_eq!(
                &m.world,
                snap,
                "{name}: the world after {n} events differs from the simulator's\n{}",
                trace.to_text()
            );
            checked += 1;
        }
    }
    assert!(checked > 200, "only {checked} statement boundaries");
}
