//! Running a script: core's scenario runner one statement at a time, then the rows, the
//! trace's words on demand, the world, the checker's findings and any error, as the page
//! shows them.

use super::lanes::{lanes, Lane, Place};
use mapioffline::checker::{self, Finding};
use mapioffline::render::TextIndex;
use mapioffline::scenario::builder::{self, Bound};
use mapioffline::scenario::{self, ExpectFailure, RunError, Runner};
use mapioffline::sim::WorldSnapshot;
use mapioffline::trace::replay::Timeline;
use mapioffline::{EventKind, Trace};
use std::sync::OnceLock;

/// A message about a place in the script (1-based line and column).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub col: usize,
    /// Characters to underline, at least 1.
    pub len: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl Problem {
    /// `line 3, column 6: expected …` as the page shows it.
    pub fn headline(&self) -> String {
        format!("line {}, column {}: {}", self.line, self.col, self.message)
    }
}

/// What sort of event a timeline row shows (its colour and its label).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowKind {
    Call,
    Return,
    Notify,
    Env,
    /// A transition starting, one of its phases, or its completion.
    Transition,
    /// An object's state changing.
    State,
    RefCount,
    Destroyed,
    Diagnostic,
    Shutdown,
    Setup,
    Time,
}

impl RowKind {
    /// The CSS class, also the label the row shows.
    pub fn class(self) -> &'static str {
        match self {
            RowKind::Call => "call",
            RowKind::Return => "return",
            RowKind::Notify => "notify",
            RowKind::Env => "env",
            RowKind::Transition => "transition",
            RowKind::State => "state",
            RowKind::RefCount => "refcount",
            RowKind::Destroyed => "destroyed",
            RowKind::Diagnostic => "diag",
            RowKind::Shutdown => "shutdown",
            RowKind::Setup => "setup",
            RowKind::Time => "time",
        }
    }

    fn of(k: &EventKind) -> RowKind {
        match k {
            EventKind::Call { .. } => RowKind::Call,
            EventKind::Return { .. } => RowKind::Return,
            EventKind::Notify { .. } => RowKind::Notify,
            EventKind::Env { .. } => RowKind::Env,
            EventKind::TransitionStarted { .. }
            | EventKind::Phase { .. }
            | EventKind::TransitionCompleted { .. } => RowKind::Transition,
            EventKind::StateChanged { .. } => RowKind::State,
            EventKind::RefCount { .. } => RowKind::RefCount,
            EventKind::Destroyed { .. } => RowKind::Destroyed,
            EventKind::Diagnostic(_) => RowKind::Diagnostic,
            EventKind::Shutdown(_) => RowKind::Shutdown,
            EventKind::ProfileAdded(_)
            | EventKind::ClientObjectCreated(_)
            | EventKind::ObjectCreated(_) => RowKind::Setup,
            EventKind::Advance { .. } | EventKind::RunUntilIdle { .. } => RowKind::Time,
        }
    }
}

/// One timeline row: one trace event. Its words come from [`Evaluation::text`], only for
/// the rows on screen: wording every event was most of a re-run's time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    pub tick: u64,
    pub depth: u16,
    pub kind: RowKind,
    /// The script line whose statement caused it.
    pub line: usize,
    /// Its lane, or the lanes its arrow joins.
    pub place: Place,
}

/// The result of running (part of) a script.
#[derive(Clone, Debug, Default)]
pub struct Evaluation {
    pub rows: Vec<Row>,
    /// The timeline's lanes, left to right (see [`lanes`]).
    pub lanes: Vec<Lane>,
    /// The trace itself (the rows' words and the selected event's JSON come from it).
    pub trace: Option<Trace>,
    /// Where the trace names its objects, to word any one event on demand.
    pub words: TextIndex,
    /// The trace ready to be shown as of any event, built at the first use: a run that
    /// is never scrubbed does not pay for its checkpoints.
    pub replay: OnceLock<Timeline>,
    pub world: Option<WorldSnapshot>,
    pub findings: Vec<Finding>,
    pub failures: Vec<ExpectFailure>,
    /// A statement that could not run (execution stopped there).
    pub run_error: Option<Problem>,
    /// Statements in the script, and how many ran.
    pub total: usize,
    pub executed: usize,
    /// The line of the next statement when stepping, if any is left.
    pub next_line: Option<usize>,
    /// The names the script bound, for the call builder's choices.
    pub bound: Bound,
}

impl Evaluation {
    /// Event `i` as `Trace::to_text` words it, without the tick column and indent
    /// (computed on demand, like [`Evaluation::event_json`]).
    pub fn text(&self, i: usize) -> Option<String> {
        self.words.body(self.trace.as_ref()?, i)
    }

    /// Core's replay of the trace (see [`Evaluation::replay`]); `None` before any run.
    pub fn timeline(&self) -> Option<&Timeline> {
        let trace = self.trace.as_ref()?;
        Some(self.replay.get_or_init(|| Timeline::new(trace)))
    }

    /// Event `i` in the trace schema's JSON (computed on demand: a long trace has tens
    /// of thousands of events). Compact: the page indents it with the browser's JSON, so
    /// the wasm holds one serializer of the schema, not two.
    pub fn event_json(&self, i: usize) -> Option<String> {
        let e = self.trace.as_ref()?.events.get(i)?;
        serde_json::to_string(e).ok()
    }
}

/// Converts core's parse error into a problem at a place.
pub fn parse_problem(e: &scenario::ParseError) -> Problem {
    Problem {
        line: e.line,
        col: e.col,
        len: e.len.max(1),
        message: format!("expected {}, found {}", e.expected, e.found),
        hint: e.hint.clone(),
    }
}

/// Parses `source`: `Err` with the place of the first syntax error.
pub fn check_syntax(source: &str) -> Result<scenario::Script, Problem> {
    scenario::parse(source).map_err(|e| parse_problem(&e))
}

/// Runs the first `upto` statements of a parsed script (all of them with `None`) in a
/// fresh world and collects what the page shows.
pub fn evaluate(script: &scenario::Script, upto: Option<usize>) -> Evaluation {
    let total = script.stmts.len();
    let n = upto.unwrap_or(total).min(total);
    let mut runner = Runner::default();
    let mut run_error = None;
    let mut executed = 0;
    for stmt in &script.stmts[..n] {
        let r = runner.exec(stmt);
        executed += 1;
        if let Err(e) = r {
            run_error = Some(match e {
                RunError::Parse(p) => parse_problem(&p),
                RunError::Statement {
                    line,
                    at,
                    message,
                    hint,
                } => {
                    // Core points at the offending argument when it knows it.
                    let (col, len) = at.unwrap_or((1, 1));
                    Problem {
                        line,
                        col,
                        len,
                        message,
                        hint,
                    }
                }
            });
            break;
        }
    }
    // Which statement caused each event is core's to say.
    let lines = runner.event_lines().to_vec();
    let world = runner.sim().snapshot();
    let bound = builder::bound(&mut runner);
    let failures = runner.failures().to_vec();
    let trace = runner.sim().take_trace();
    let (lanes, places) = lanes(&trace);
    let rows: Vec<Row> = trace
        .events
        .iter()
        .zip(&lines)
        .zip(places)
        .map(|((e, &line), place)| Row {
            tick: e.tick,
            depth: e.depth,
            kind: RowKind::of(&e.kind),
            line,
            place,
        })
        .collect();
    let words = TextIndex::new(&trace);
    let findings = checker::check(&trace);
    let next_line = if run_error.is_none() {
        script.stmts.get(executed).map(|s| s.line)
    } else {
        None
    };
    Evaluation {
        rows,
        lanes,
        trace: Some(trace),
        words,
        replay: OnceLock::new(),
        world: Some(world),
        findings,
        failures,
        run_error,
        total,
        executed,
        next_line,
        bound,
    }
}
