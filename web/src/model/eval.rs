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
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Row {
    pub tick: u64,
    pub depth: u16,
    pub kind: RowKind,
    /// The script line whose statement caused it; 0 when no statement did (an opened
    /// trace): see [`Row::script_line`].
    pub line: usize,
    /// Its lane, or the lanes its arrow joins.
    pub place: Place,
}

/// How the second module comes to hold the same trace as an evaluation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionKey {
    /// It runs the script's first `upto` statements (`mapioffline.session`).
    Script {
        source: std::sync::Arc<str>,
        upto: Option<usize>,
    },
    /// It reads the same trace file (`mapioffline.sessionOpen`).
    Opened { json: std::sync::Arc<str> },
}

impl Row {
    /// The script line whose statement caused it, if one did.
    pub fn script_line(&self) -> Option<usize> {
        (self.line > 0).then_some(self.line)
    }

    /// `line 7`, or `no script line` for an opened trace's event.
    pub fn line_words(&self) -> String {
        match self.script_line() {
            Some(l) => format!("line {l}"),
            None => "no script line".to_string(),
        }
    }
}

/// The result of running (part of) a script.
#[derive(Clone, Debug, Default)]
pub struct Evaluation {
    /// Different for every evaluation (a new run is a new trace, even of the same script).
    pub id: u64,
    /// How the second module gets the same trace; `None` before any run.
    pub session: Option<SessionKey>,
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
    /// The name of the trace file this evaluation shows, when it shows an opened trace
    /// rather than the script's run (its rows then have no script line: 0).
    pub opened: Option<String>,
}

/// All that a timeline row shows. The list keys its rows by it: a row that reads the
/// same after a re-run (the edit was further down, or a comment) is kept, not built again.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ShownRow {
    /// The event's number (`#7`).
    pub index: usize,
    pub row: Row,
    /// How many lanes the diagram has (the row is as wide as they are).
    pub lanes: usize,
    /// [`Evaluation::text`].
    pub text: Arc<str>,
}

/// The rows a list shows, kept from one scroll to the next: a row still in view is not
/// worded again; a new evaluation words every row again. Only the rows in view are
/// worded, so the list grows sideways as longer ones come into view (as a code editor
/// does): `widest` is the longest text worded for this evaluation, in bytes.
#[derive(Debug, Default)]
pub struct RowsInView {
    of: u64,
    rows: Vec<ShownRow>,
    widest: usize,
}

impl RowsInView {
    /// The rows of `range` in `ev`, kept for the next call.
    pub fn update(&mut self, ev: &Evaluation, range: std::ops::Range<usize>) -> &[ShownRow] {
        let first = self.rows.first().map_or(0, |r| r.index);
        let same = self.of == ev.id;
        let rows = range
            .filter_map(|i| {
                let kept = same
                    .then(|| i.checked_sub(first).and_then(|k| self.rows.get(k)))
                    .flatten();
                kept.cloned().or_else(|| ev.shown_row(i))
            })
            .collect::<Vec<_>>();
        let longest = rows.iter().map(|r| r.text.len()).max().unwrap_or(0);
        self.widest = if same {
            self.widest.max(longest)
        } else {
            longest
        };
        self.of = ev.id;
        self.rows = rows;
        &self.rows
    }

    /// The longest text worded for the evaluation of the last [`RowsInView::update`].
    pub fn widest(&self) -> usize {
        self.widest
    }
}

impl Evaluation {
    /// Event `i` as `Trace::to_text` words it, without the tick column and indent
    /// (computed on demand).
    pub fn text(&self, i: usize) -> Option<String> {
        self.words.body(self.trace.as_ref()?, i)
    }

    /// What row `i` of the timeline shows, if there is such a row.
    pub fn shown_row(&self, i: usize) -> Option<ShownRow> {
        Some(ShownRow {
            index: i,
            row: *self.rows.get(i)?,
            lanes: self.lanes.len(),
            text: Arc::from(self.text(i).unwrap_or_default()),
        })
    }

    /// Core's replay of the trace (see [`Evaluation::replay`]); `None` before any run.
    pub fn timeline(&self) -> Option<&Timeline> {
        let trace = self.trace.as_ref()?;
        Some(self.replay.get_or_init(|| Timeline::new(trace)))
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
    static RUNS: AtomicU64 = AtomicU64::new(1);
    let total = script.stmts.len();
    let mut runner = Runner::default();
    let (executed, error) = runner.exec_prefix(&script.stmts, upto);
    let run_error = error.map(|e| match e {
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
        id: RUNS.fetch_add(1, Ordering::Relaxed),
        session: None,
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
        opened: None,
    }
}

/// Reads a trace file (core's `trace::file`: a C client's `MAPIOFFLINE_TRACE`, or
/// `mapioffline run --format json`) for the page, which shows one trace at a time.
pub fn read_trace(name: &str, text: &str) -> Result<Trace, String> {
    mapioffline::trace::file::read(name, text)
        .and_then(|f| f.single(name))
        .map_err(|e| e.0)
}

/// An opened trace as the page shows it: the same rows, lanes, words, world and findings
/// as a script's run, from the trace alone. No statement caused its events (line 0).
pub fn evaluate_trace(name: &str, trace: Trace) -> Evaluation {
    static OPENED: AtomicU64 = AtomicU64::new(1 << 62);
    let timeline = Timeline::new(&trace);
    let world = timeline.at(trace.events.len()).world;
    let (lanes, places) = lanes(&trace);
    let rows = trace
        .events
        .iter()
        .zip(places)
        .map(|(e, place)| Row {
            tick: e.tick,
            depth: e.depth,
            kind: RowKind::of(&e.kind),
            line: 0,
            place,
        })
        .collect();
    let replay = OnceLock::new();
    let _ = replay.set(timeline);
    Evaluation {
        id: OPENED.fetch_add(1, Ordering::Relaxed),
        session: None,
        rows,
        lanes,
        words: TextIndex::new(&trace),
        findings: checker::check(&trace),
        trace: Some(trace),
        replay,
        world: Some(world),
        failures: Vec::new(),
        run_error: None,
        total: 0,
        executed: 0,
        next_line: None,
        bound: Bound::default(),
        opened: Some(name.to_string()),
    }
}
