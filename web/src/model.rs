//! The page's view model: what the components show, computed from core's data with no
//! browser in sight, so it is unit-tested natively. Nothing here decides a result code or
//! orders a notification: the scenario runner, the checker and the renderers in core do.

use mapioffline::checker::{self, Finding};
use mapioffline::render::TextIndex;
use mapioffline::scenario::{self, ExpectFailure, RunError, Runner, TokenKind};
use mapioffline::sim::WorldSnapshot;
use mapioffline::trace::walk::{Participant, Step, Walker};
use mapioffline::trace::{EnvEvent, Ptr};
use mapioffline::{EventKind, Trace};
use std::collections::HashMap;
use std::ops::Range;

/// localStorage key of the last script.
pub const STORAGE_KEY: &str = "mapioffline.script";
/// URL fragment prefix of a shared script.
pub const SHARE_PREFIX: &str = "#s=";

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

/// Who a lane of the timeline's sequence diagram stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LaneKind {
    /// Network, servers, injected faults, virtual time, shutdown.
    Environment,
    /// The client's own code (the scenario's top-level statements).
    Client,
    /// `msmapi32.dll`'s functions, `HrOpenOfflineObj` and `HrCreateOfflineObj`.
    Mapi,
    /// An offline object (global or created).
    Offline,
    /// A client object: a sink, an outer object, a support object.
    ClientObject,
    /// A pointer the trace never introduced (NULL, a made-up address).
    Unknown,
}

/// One lane (column) of the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lane {
    pub kind: LaneKind,
    /// Its heading, as short as it can be: `global "Outlook"`, `sink "monitor"`.
    pub label: String,
    /// The address, if it is an object.
    pub object: Option<Ptr>,
}

/// Where a row sits in the lanes: an arrow `from` → `to`, or a mark on `to` alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Place {
    pub from: Option<u16>,
    pub to: u16,
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
}

impl Evaluation {
    /// Event `i` as `Trace::to_text` words it, without the tick column and indent
    /// (computed on demand, like [`Evaluation::event_json`]).
    pub fn text(&self, i: usize) -> Option<String> {
        self.words.body(self.trace.as_ref()?, i)
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
    let mut lines: Vec<usize> = Vec::new();
    let mut run_error = None;
    let mut executed = 0;
    for stmt in &script.stmts[..n] {
        let r = runner.exec(stmt);
        // `sim()` would start the world, and `config` lines must come before that.
        let len = if runner.started() {
            runner.sim().trace().events.len()
        } else {
            0
        };
        lines.resize(len, stmt.line);
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
    let world = runner.sim().snapshot();
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
        world: Some(world),
        findings,
        failures,
        run_error,
        total,
        executed,
        next_line,
    }
}

/// The lane of the environment, always the first.
pub const ENV_LANE: u16 = 0;
/// The lane of the client's own code, always the second.
pub const CLIENT_LANE: u16 = 1;

/// Lays the trace out as a sequence diagram: a lane per participant, and for every event
/// its place. Who calls whom, which call a result answers and whose code is running are
/// [`walk`](mapioffline::trace::walk)'s reading of the trace, the one core's Mermaid renderer draws; this only gives
/// each participant a lane (in order of appearance, the environment and the client first)
/// and decides where the marks go: what happens to an object (reference count, state,
/// transition) is a mark in its lane; a diagnostic sits in the lane of the code that raised
/// it; the environment, time and shutdown have a lane of their own. Kept per event for a
/// virtualised list.
pub fn lanes(trace: &Trace) -> (Vec<Lane>, Vec<Place>) {
    let mut layout = Layout {
        lanes: vec![
            Lane {
                kind: LaneKind::Environment,
                label: "environment".into(),
                object: None,
            },
            Lane {
                kind: LaneKind::Client,
                label: "client".into(),
                object: None,
            },
        ],
        by: HashMap::from([
            (Participant::Environment, ENV_LANE),
            (Participant::Client, CLIENT_LANE),
        ]),
    };
    let mut walk = Walker::default();
    let mut transitions: HashMap<u32, u16> = HashMap::new();
    let mut last_object = CLIENT_LANE;
    let mut places = Vec::with_capacity(trace.events.len());
    for e in &trace.events {
        let step = walk.step(e);
        let mark = |to: u16| Place { from: None, to };
        let place = match &e.kind {
            EventKind::ProfileAdded(_)
            | EventKind::ObjectCreated(_)
            | EventKind::ClientObjectCreated(_) => {
                let object = match &e.kind {
                    EventKind::ProfileAdded(p) => p.object,
                    EventKind::ObjectCreated(o) => o.object,
                    EventKind::ClientObjectCreated(c) => c.object,
                    _ => unreachable!("matched above"),
                };
                // An introduction is a lane of its own, even at an address seen before.
                let w = walk.who(object);
                let l = layout.add(w, walk.label(w));
                if matches!(w, Participant::Offline(_)) {
                    last_object = l;
                }
                mark(l)
            }
            EventKind::Call { .. } => {
                let (from, to) = arrow_ends(&step);
                // The callee's lane first: a caller always has one already, or is MAPI.
                let to = layout.lane(&walk, to);
                let from = layout.lane(&walk, from);
                if layout.lanes[to as usize].kind == LaneKind::Offline {
                    last_object = to;
                }
                Place {
                    from: Some(from),
                    to,
                }
            }
            EventKind::Return { .. } if step.answers.is_some() => {
                let (from, to) = arrow_ends(&step);
                Place {
                    from: Some(layout.lane(&walk, from)),
                    to: layout.lane(&walk, to),
                }
            }
            EventKind::Return { .. } => mark(
                step.inside
                    .map_or(CLIENT_LANE, |f| layout.lane(&walk, f.to)),
            ),
            EventKind::Notify { .. } => {
                let (from, to) = arrow_ends(&step);
                Place {
                    from: Some(layout.lane(&walk, from)),
                    to: layout.lane(&walk, to),
                }
            }
            EventKind::RefCount { object, .. }
            | EventKind::Destroyed { object }
            | EventKind::StateChanged { object, .. } => mark(layout.lane(&walk, walk.who(*object))),
            EventKind::TransitionStarted {
                transition, object, ..
            } => {
                let l = layout.lane(&walk, walk.who(*object));
                transitions.insert(*transition, l);
                last_object = l;
                mark(l)
            }
            EventKind::Phase { transition, .. } | EventKind::TransitionCompleted { transition } => {
                mark(transitions.get(transition).copied().unwrap_or(last_object))
            }
            EventKind::Diagnostic(_) => mark(
                step.inside
                    .map_or(last_object, |f| layout.lane(&walk, f.to)),
            ),
            EventKind::Env { env } => {
                if let EnvEvent::InjectNotify { object, .. }
                | EnvEvent::SetExtraCapabilityBits { object, .. } = env
                {
                    last_object = layout.lane(&walk, walk.who(*object));
                }
                mark(ENV_LANE)
            }
            EventKind::Advance { .. } | EventKind::RunUntilIdle { .. } | EventKind::Shutdown(_) => {
                mark(ENV_LANE)
            }
        };
        places.push(place);
    }
    (layout.lanes, places)
}

/// The ends of an arrow the walk gave (a call, an answered return, a `Notify`).
fn arrow_ends(step: &Step) -> (Participant, Participant) {
    match (step.from, step.to) {
        (Some(from), Some(to)) => (from, to),
        _ => unreachable!("the walk gives calls, answered returns and notifies both ends"),
    }
}

/// The lanes so far and the lane of each participant.
struct Layout {
    lanes: Vec<Lane>,
    by: HashMap<Participant, u16>,
}

impl Layout {
    fn add(&mut self, w: Participant, label: String) -> u16 {
        let kind = match w {
            Participant::Environment => LaneKind::Environment,
            Participant::Client => LaneKind::Client,
            Participant::Mapi => LaneKind::Mapi,
            Participant::Offline(_) => LaneKind::Offline,
            Participant::ClientObject(_) => LaneKind::ClientObject,
            Participant::Unknown(_) => LaneKind::Unknown,
        };
        self.lanes.push(Lane {
            kind,
            label,
            object: w.object(),
        });
        let l = (self.lanes.len() - 1) as u16;
        self.by.insert(w, l);
        l
    }

    /// The participant's lane, a new one at its first appearance.
    fn lane(&mut self, walk: &Walker, w: Participant) -> u16 {
        match self.by.get(&w) {
            Some(&l) => l,
            None => self.add(w, walk.label(w)),
        }
    }
}

/// Rows to render for a list scrolled to `scroll_top` in a viewport `height` pixels tall
/// with rows `row_h` pixels high, plus `overscan` rows either side.
pub fn visible_range(
    scroll_top: f64,
    height: f64,
    row_h: f64,
    total: usize,
    overscan: usize,
) -> Range<usize> {
    if total == 0 || row_h <= 0.0 {
        return 0..0;
    }
    let first = (scroll_top.max(0.0) / row_h).floor() as usize;
    let count = (height.max(0.0) / row_h).ceil() as usize + 1;
    let start = first.saturating_sub(overscan).min(total);
    let end = (first + count + overscan).min(total);
    start..end
}

/// The script as a URL fragment (`#s=` and lz-string's URI-safe encoding).
pub fn share_fragment(source: &str) -> String {
    format!(
        "{SHARE_PREFIX}{}",
        lz_str::compress_to_encoded_uri_component(source)
    )
}

/// The longest share link fragment (after `#s=`) the page decodes. lz-string can expand
/// quadratically (a hostile link of n characters could decode to about n² characters), so
/// the link's length is bounded first: 16,384 characters hold any lesson many times over.
pub const MAX_LINK_CHARS: usize = 16 * 1024;
/// The longest script a share link may decode to, in UTF-16 units.
pub const MAX_SHARED_SCRIPT: usize = 512 * 1024;

/// Why a share link cannot be opened: a sentence for the page ("this link is unreadable:
/// …").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable(pub String);

/// The script a share link's fragment holds: `Ok(None)` for a fragment that is not a
/// share link (`#timeline`, none), `Err` with the reason for one that cannot be read.
pub fn script_from_fragment(fragment: &str) -> Result<Option<String>, Unreadable> {
    let Some(data) = fragment.strip_prefix(SHARE_PREFIX) else {
        return Ok(None);
    };
    let bad = |why: String| Err(Unreadable(why));
    if data.is_empty() {
        return bad("it holds no script after `#s=`".into());
    }
    if data.len() > MAX_LINK_CHARS {
        return bad(format!(
            "it is {} characters long, more than the {MAX_LINK_CHARS} a share link may have",
            data.len()
        ));
    }
    // lz-string's URI alphabet; anything else was never written by Share.
    if let Some((i, c)) = data
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || "+-$".contains(c)))
    {
        return bad(format!(
            "it holds {c:?} at character {}, which a share link never contains (was it changed or cut?)",
            i + 1
        ));
    }
    let Some(units) = lz_str::decompress_from_encoded_uri_component(data) else {
        return bad("it does not decompress (it may have been cut short when copied)".into());
    };
    if units.len() > MAX_SHARED_SCRIPT {
        return bad(format!(
            "it decompresses to {} characters, more than the {MAX_SHARED_SCRIPT} a shared script may have",
            units.len()
        ));
    }
    match String::from_utf16(&units) {
        Ok(s) => Ok(Some(s)),
        Err(_) => bad("it decompresses to text that is not valid Unicode".into()),
    }
}

/// The link for a script, or why it cannot be shared (too long for a link).
pub fn share_link(source: &str) -> Result<String, Unreadable> {
    let f = share_fragment(source);
    let n = f.len() - SHARE_PREFIX.len();
    if n > MAX_LINK_CHARS {
        return Err(Unreadable(format!(
            "this script is too long to share as a link ({n} characters compressed; a link holds at most {MAX_LINK_CHARS})"
        )));
    }
    Ok(f)
}

/// `source` with `stmts` appended as new lines (a toggle's statements).
pub fn append_lines(source: &str, stmts: &[&str]) -> String {
    let mut s = source.trim_end_matches('\n').to_string();
    for st in stmts {
        if !s.is_empty() {
            s.push('\n');
        }
        s.push_str(st);
    }
    s.push('\n');
    s
}

/// `source` with the setting `config KEY VALUE`: an existing `config KEY` line is
/// replaced, otherwise the line goes before the first statement that is not a comment
/// or a `config` (settings must come before anything else).
pub fn set_config(source: &str, key: &str, value: &str) -> String {
    let new_line = format!("config {key} {value}");
    let mut lines: Vec<String> = source.lines().map(str::to_string).collect();
    let is_key = |l: &str| {
        let mut w = l.split_whitespace();
        w.next() == Some("config") && w.next() == Some(key)
    };
    if let Some(i) = lines.iter().position(|l| is_key(l)) {
        lines[i] = new_line;
    } else {
        let at = lines
            .iter()
            .position(|l| {
                let t = l.trim();
                !(t.is_empty() || t.starts_with('#') || t.starts_with("config "))
            })
            .unwrap_or(lines.len());
        lines.insert(at, new_line);
    }
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

/// The value of the last `config KEY` line, if any (what a config toggle shows).
pub fn config_value(source: &str, key: &str) -> Option<String> {
    source.lines().rev().find_map(|l| {
        let mut w = l.split_whitespace();
        (w.next() == Some("config") && w.next() == Some(key))
            .then(|| w.next().unwrap_or("").to_string())
    })
}

/// What the editor's line gutter marks on a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    None,
    Error,
    Failed,
    Next,
}

/// The mark of each of `count` lines: syntax or statement errors, failed expectations,
/// and the next statement when stepping.
pub fn line_marks(count: usize, problem: Option<&Problem>, eval: Option<&Evaluation>) -> Vec<Mark> {
    let mut marks = vec![Mark::None; count];
    let mut set = |line: usize, m: Mark| {
        if let Some(x) = line.checked_sub(1).and_then(|i| marks.get_mut(i)) {
            if *x == Mark::None || m == Mark::Error {
                *x = m;
            }
        }
    };
    if let Some(ev) = eval {
        if let Some(l) = ev.next_line {
            set(l, Mark::Next);
        }
        for f in &ev.failures {
            set(f.line, Mark::Failed);
        }
        if let Some(p) = &ev.run_error {
            set(p.line, Mark::Error);
        }
    }
    if let Some(p) = problem {
        set(p.line, Mark::Error);
    }
    marks
}

/// A word class for the editor's highlighting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    Plain,
    Comment,
    Keyword,
    Constant,
    Str,
    Number,
    Call,
}

impl Tok {
    pub fn class(self) -> &'static str {
        match self {
            Tok::Plain => "",
            Tok::Comment => "tk-c",
            Tok::Keyword => "tk-k",
            Tok::Constant => "tk-n",
            Tok::Str => "tk-s",
            Tok::Number => "tk-d",
            Tok::Call => "tk-f",
        }
    }
}

/// Splits one line into highlighted pieces (colour only: the parser decides validity).
/// The pieces are core's tokens ([`scenario::line_tokens`]), so the editor colours the
/// words the parser reads; the gaps between them are plain. The pieces join back to the
/// line exactly.
pub fn highlight_line(line: &str) -> Vec<(Tok, &str)> {
    let toks = scenario::line_tokens(line);
    let mut out = Vec::with_capacity(toks.len() * 2);
    let mut at = 0;
    for (n, t) in toks.iter().enumerate() {
        if t.span.start > at {
            out.push((Tok::Plain, &line[at..t.span.start]));
        }
        let text = &line[t.span.clone()];
        // A word right before `(` is a function or method being called.
        let called = toks
            .get(n + 1)
            .is_some_and(|next| next.span.start == t.span.end && &line[next.span.clone()] == "(");
        let tok = match t.kind {
            TokenKind::Keyword | TokenKind::Word if called => Tok::Call,
            TokenKind::Keyword => Tok::Keyword,
            TokenKind::Word if is_constant_like(text) => Tok::Constant,
            TokenKind::Word | TokenKind::Punct | TokenKind::Error => Tok::Plain,
            TokenKind::Number | TokenKind::Guid => Tok::Number,
            TokenKind::Str => Tok::Str,
            TokenKind::Comment => Tok::Comment,
        };
        out.push((tok, text));
        at = t.span.end;
    }
    if at < line.len() {
        out.push((Tok::Plain, &line[at..]));
    }
    out
}

/// Spelt like a constant (`MAPIOFFLINE_FLAG_BLOCK`, `S_OK`): coloured as one, whether or
/// not it is one (the parser says which, with a suggestion).
fn is_constant_like(w: &str) -> bool {
    w.len() > 2
        && w.bytes()
            .all(|x| x.is_ascii_uppercase() || x == b'_' || x.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(src: &str) -> Evaluation {
        evaluate(&check_syntax(src).expect("parses"), None)
    }

    /// A row with its words, as the page shows it once it scrolls into view.
    struct Worded {
        row: Row,
        text: String,
    }

    impl std::ops::Deref for Worded {
        type Target = Row;
        fn deref(&self) -> &Row {
            &self.row
        }
    }

    fn worded(ev: &Evaluation) -> Vec<Worded> {
        ev.rows
            .iter()
            .enumerate()
            .map(|(i, &row)| Worded {
                row,
                text: ev.text(i).expect("every row has words"),
            })
            .collect()
    }

    #[test]
    fn sample_add_in_lesson_shows_the_three_notifications_with_their_lines() {
        let lesson = mapioffline::lessons::find("sample-add-in").unwrap();
        let ev = run(lesson.source);
        let all = worded(&ev);
        let notifies: Vec<&Worded> = all.iter().filter(|r| r.kind == RowKind::Notify).collect();
        assert!(notifies
            .iter()
            .any(|r| r.text.contains("MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START")));
        assert!(notifies
            .iter()
            .any(|r| r.text.contains("MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE")));
        // A notification is caused by the `run` statement (or the blocking call) that
        // delivered it, never by a comment line.
        let src_lines: Vec<&str> = lesson.source.lines().collect();
        for r in &notifies {
            let l = src_lines[r.line - 1].trim();
            assert!(!l.starts_with('#') && !l.is_empty(), "line {}: {l}", r.line);
        }
        assert_eq!(ev.executed, ev.total);
        assert!(ev.failures.is_empty());
        assert!(ev.run_error.is_none());
        assert_eq!(ev.rows.len(), ev.trace.as_ref().unwrap().events.len());
        let i = ev
            .rows
            .iter()
            .position(|r| r.kind == RowKind::Notify)
            .unwrap();
        let json = ev.event_json(i).unwrap();
        assert!(json.contains("\"event\":\"notify\""), "{json}");
        assert!(json.contains("\"ulClientToken\""), "{json}");
    }

    #[test]
    fn rows_carry_the_line_of_their_statement_and_core_text() {
        let src = "profile \"Outlook\"\n\nHrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)\n";
        let ev = run(src);
        let all = worded(&ev);
        let call = all.iter().find(|r| r.kind == RowKind::Call).unwrap();
        assert_eq!(call.line, 3);
        assert!(
            call.text.starts_with("client → HrOpenOfflineObj("),
            "{}",
            call.text
        );
        assert!(ev.rows.iter().filter(|r| r.line == 1).count() >= 1);
        let obj = &ev.world.as_ref().unwrap().objects[0];
        assert_eq!(obj.refs, 1);
    }

    #[test]
    fn stepping_runs_a_prefix_and_names_the_next_line() {
        let src = "profile \"Outlook\"\n# c\nHrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)\nmgr->Release()\n";
        let script = check_syntax(src).unwrap();
        let ev0 = evaluate(&script, Some(0));
        assert!(ev0.rows.is_empty());
        assert_eq!(ev0.next_line, Some(1));
        let ev2 = evaluate(&script, Some(2));
        assert_eq!(ev2.executed, 2);
        assert_eq!(ev2.next_line, Some(4));
        assert_eq!(ev2.world.as_ref().unwrap().objects[0].refs, 1);
        let ev3 = evaluate(&script, Some(99));
        assert_eq!(ev3.next_line, None);
        assert_eq!(ev3.world.as_ref().unwrap().objects[0].refs, 0);
    }

    #[test]
    fn a_typo_is_a_problem_at_its_line_and_column_with_a_hint() {
        let src = "profile \"Outlook\"\nHrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)\nmgr->SetCurentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\n";
        let p = check_syntax(src).unwrap_err();
        assert_eq!((p.line, p.col), (3, 6));
        assert_eq!(p.hint.as_deref(), Some("did you mean `SetCurrentState`?"));
        assert!(p
            .headline()
            .starts_with("line 3, column 6: expected a method"));
        let marks = line_marks(3, Some(&p), None);
        assert_eq!(marks, vec![Mark::None, Mark::None, Mark::Error]);
    }

    #[test]
    fn a_statement_error_stops_the_run_at_its_line() {
        let src = "profile \"Outlook\"\nnope->Release()\nnetwork down\n";
        let ev = run(src);
        let p = ev.run_error.as_ref().expect("unknown variable is an error");
        assert_eq!(p.line, 2);
        assert_eq!(ev.executed, 2);
        assert!(!ev.rows.iter().any(|r| r.line == 3));
    }

    #[test]
    fn wrong_ulsize_gives_e_invalidarg_and_failed_expectations_are_marked() {
        let src = "profile \"Outlook\"\nsink s\nHrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)\nmgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &{ulSize = 3, ulClientToken = 1, pCallback = s}, &t)\nexpect S_OK\n";
        let ev = run(src);
        assert!(worded(&ev)
            .iter()
            .any(|r| r.kind == RowKind::Return && r.text.contains("E_INVALIDARG")));
        assert_eq!(ev.failures.len(), 1);
        assert_eq!(ev.failures[0].line, 5);
        let marks = line_marks(5, None, Some(&ev));
        assert_eq!(marks[4], Mark::Failed);
    }

    #[test]
    fn findings_come_from_the_checker() {
        let src = "profile \"Outlook\"\nHrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)\nshutdown\n";
        let ev = run(src);
        assert_eq!(ev.findings.len(), 1);
        assert_eq!(ev.findings[0].rule.to_string(), "R4");
    }

    fn lane(ev: &Evaluation, label: &str) -> u16 {
        ev.lanes
            .iter()
            .position(|l| l.label == label)
            .unwrap_or_else(|| panic!("no lane {label}: {:?}", ev.lanes)) as u16
    }

    #[test]
    fn the_timeline_is_a_sequence_diagram_with_a_lane_per_participant() {
        let lesson = mapioffline::lessons::find("unadvise-inside-notify").unwrap();
        let ev = run(lesson.source);
        let labels: Vec<&str> = ev.lanes.iter().map(|l| l.label.as_str()).collect();
        assert_eq!(
            labels,
            [
                "environment",
                "client",
                "global \"Outlook\"",
                "MAPI",
                "sink \"quitter\"",
                "sink \"stayer\""
            ]
        );
        let (outlook, quitter, stayer) = (
            lane(&ev, "global \"Outlook\""),
            lane(&ev, "sink \"quitter\""),
            lane(&ev, "sink \"stayer\""),
        );
        let arrow = |from, to| Place {
            from: Some(from),
            to,
        };
        let all = worded(&ev);
        let find = |kind: RowKind, text: &str| {
            all.iter()
                .find(|r| r.kind == kind && r.text.contains(text))
                .unwrap_or_else(|| panic!("no {kind:?} row with {text}"))
        };
        // The client calls the object, the result comes back.
        assert_eq!(
            find(RowKind::Call, "->SetCurrentState(").place,
            arrow(CLIENT_LANE, outlook)
        );
        assert_eq!(
            find(RowKind::Return, "SetCurrentState =").place,
            arrow(outlook, CLIENT_LANE)
        );
        // The free function goes to MAPI.
        assert_eq!(
            find(RowKind::Call, "HrOpenOfflineObj(").place,
            arrow(CLIENT_LANE, lane(&ev, "MAPI"))
        );
        // Outlook's QueryInterface of the sink starts at the object whose Advise makes it.
        assert_eq!(
            find(RowKind::Call, "QueryInterface(").place,
            arrow(outlook, quitter)
        );
        // Notify: from the offline object to the sink; a call made inside it starts at the sink.
        assert_eq!(
            find(RowKind::Notify, "(sink \"stayer\")->Notify").place,
            arrow(outlook, stayer)
        );
        assert_eq!(
            find(RowKind::Call, "->Unadvise(").place,
            arrow(quitter, outlook)
        );
        assert_eq!(
            find(RowKind::Return, "Unadvise =").place,
            arrow(outlook, quitter)
        );
        // Reference counts are their own kind, in the lane of the object counted.
        let rc = find(RowKind::RefCount, "refcount of 0x00C00000");
        assert_eq!(
            rc.place,
            Place {
                from: None,
                to: quitter
            }
        );
        assert!(!all
            .iter()
            .any(|r| r.kind == RowKind::Transition && r.text.starts_with("refcount")));
        // A diagnostic sits in the lane of the object whose call raised it, citing its clause.
        let d = find(RowKind::Diagnostic, "[UNADV-4]");
        assert_eq!(d.place.to, outlook);
        // Transitions and phases on the object; time in the environment's lane.
        assert_eq!(find(RowKind::Transition, "phase").place.to, outlook);
        assert_eq!(find(RowKind::State, "state of").place.to, outlook);
        assert_eq!(find(RowKind::Time, "advance time").place.to, ENV_LANE);
        // The words on demand are those of the whole text, without tick and indent.
        let joined: String = all
            .iter()
            .map(|r| {
                format!(
                    "t={:<4} {}{}\n",
                    r.tick,
                    "  ".repeat(r.depth as usize),
                    r.text
                )
            })
            .collect();
        assert_eq!(joined, ev.trace.as_ref().unwrap().to_text());
        assert_eq!(ev.text(ev.rows.len()), None);
    }

    #[test]
    fn environment_events_have_their_own_lane_and_unknown_pointers_get_one() {
        let ev = run("profile \"Outlook\"\nnetwork down\nrun\n0x00001234->Release()\n");
        let env = ev.rows.iter().find(|r| r.kind == RowKind::Env).unwrap();
        assert_eq!(
            env.place,
            Place {
                from: None,
                to: ENV_LANE
            }
        );
        let unknown = lane(&ev, "0x00001234");
        assert_eq!(ev.lanes[unknown as usize].kind, LaneKind::Unknown);
        let call = ev.rows.iter().find(|r| r.kind == RowKind::Call).unwrap();
        assert_eq!(
            call.place,
            Place {
                from: Some(CLIENT_LANE),
                to: unknown
            }
        );
        // Its error is in that lane too.
        let all = worded(&ev);
        let d = all.iter().find(|r| r.kind == RowKind::Diagnostic).unwrap();
        assert!(d.text.contains("[ptr.invalid]"), "{}", d.text);
        assert_eq!(d.place.to, unknown);
    }

    #[test]
    fn visible_range_renders_only_the_rows_in_view() {
        assert_eq!(visible_range(0.0, 100.0, 20.0, 10_000, 0), 0..6);
        assert_eq!(visible_range(2000.0, 100.0, 20.0, 10_000, 5), 95..111);
        assert_eq!(visible_range(1e9, 100.0, 20.0, 50, 5), 50..50);
        assert_eq!(visible_range(0.0, 100.0, 20.0, 3, 5), 0..3);
        assert_eq!(visible_range(0.0, 100.0, 20.0, 0, 5), 0..0);
    }

    #[test]
    fn share_fragment_round_trips_any_text() {
        for s in [
            "profile \"Outlook\"\n# <img src=x onerror=alert(1)> é ✓ 😀\n",
            "",
            "x",
        ] {
            let f = share_fragment(s);
            assert!(f.starts_with("#s="));
            assert!(f[3..]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-$".contains(&b)));
            assert_eq!(script_from_fragment(&f), Ok(Some(s.to_string())));
        }
        assert_eq!(script_from_fragment("#other"), Ok(None));
        assert_eq!(script_from_fragment(""), Ok(None));
    }

    fn unreadable(fragment: &str) -> String {
        match script_from_fragment(fragment) {
            Err(Unreadable(why)) => why,
            other => panic!("{fragment:.40}: expected unreadable, got {other:?}"),
        }
    }

    #[test]
    fn a_garbled_or_hostile_link_says_why_it_is_unreadable() {
        assert!(unreadable("#s=").contains("no script"));
        assert!(unreadable("#s=%%%").contains("'%' at character 1"));
        assert!(unreadable("#s=abc<img>").contains("'<' at character 4"));
        // A real link cut short.
        let lesson = mapioffline::lessons::LESSONS[0].source;
        let f = share_fragment(lesson);
        let cut = &f[..f.len() / 2];
        let why = unreadable(cut);
        assert!(why.contains("does not decompress"), "{why}");
        // Garbage in the right alphabet.
        assert!(unreadable("#s=zzzzzzzzzzzz").contains("does not decompress"));
        // Lone surrogates are not text.
        let units = [0xD800u16, b'a' as u16];
        let f = format!(
            "{SHARE_PREFIX}{}",
            lz_str::compress_to_encoded_uri_component(&units[..])
        );
        assert!(unreadable(&f).contains("not valid Unicode"), "{f}");
        // Oversized: a long link, and a short one that expands past the limit.
        let long = format!("{SHARE_PREFIX}{}", "A".repeat(MAX_LINK_CHARS + 1));
        assert!(unreadable(&long).contains("more than the 16384"));
        let bomb = share_fragment(&"a".repeat(MAX_SHARED_SCRIPT + 1));
        assert!(bomb.len() < MAX_LINK_CHARS, "{}", bomb.len());
        assert!(unreadable(&bomb).contains("more than the 524288"));
    }

    #[test]
    fn share_links_hold_every_lesson_and_refuse_what_no_link_could_hold() {
        for l in mapioffline::lessons::LESSONS {
            let f = share_link(l.source).unwrap();
            assert!(f.len() < MAX_LINK_CHARS / 4, "{}: {}", l.name, f.len());
        }
        // Text lz-string cannot shrink: one character of each kind, many times.
        let noise: String = (0..40_000u32)
            .map(|i| char::from_u32(0x4E00 + (i * 7919) % 20_000).unwrap())
            .collect();
        let why = share_link(&noise).unwrap_err().0;
        assert!(why.starts_with("this script is too long to share"), "{why}");
    }

    #[test]
    fn toggles_append_statements_and_settings_go_first() {
        assert_eq!(
            append_lines("profile \"A\"\n\n", &["network down", "run"]),
            "profile \"A\"\nnetwork down\nrun\n"
        );
        assert_eq!(append_lines("", &["run"]), "run\n");
        let src = "# world\nconfig arch x86\nprofile \"A\"\n";
        let s = set_config(src, "set4", "literal");
        assert_eq!(
            s,
            "# world\nconfig arch x86\nconfig set4 literal\nprofile \"A\"\n"
        );
        assert_eq!(config_value(&s, "set4").as_deref(), Some("literal"));
        let s2 = set_config(&s, "arch", "x64");
        assert_eq!(config_value(&s2, "arch").as_deref(), Some("x64"));
        assert_eq!(s2.matches("config arch").count(), 1);
        // The result still runs: settings precede the world.
        let ev = run(&s2);
        assert!(ev.run_error.is_none(), "{:?}", ev.run_error);
    }

    #[test]
    fn highlighting_keeps_the_text_and_classes_words() {
        let l = "mgr->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, 0x1, L\"é\") # <b>";
        let toks = highlight_line(l);
        let joined: String = toks.iter().map(|t| t.1).collect();
        assert_eq!(joined, l);
        assert!(toks.contains(&(Tok::Call, "SetCurrentState")));
        assert!(toks.contains(&(Tok::Constant, "MAPIOFFLINE_FLAG_BLOCK")));
        assert!(toks.contains(&(Tok::Number, "0x1")));
        assert!(toks.contains(&(Tok::Str, "L\"é\"")));
        assert!(toks.contains(&(Tok::Comment, "# <b>")));
        assert_eq!(
            highlight_line("profile \"A\"")[0],
            (Tok::Keyword, "profile")
        );
    }
}
