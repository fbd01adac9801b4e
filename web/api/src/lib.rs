//! # mapioffline-web-api
//!
//! The playground's JavaScript API, a wasm module of its own so that the page's main wasm
//! stays small: reading a trace back from JavaScript (`check`) takes a deserializer of
//! the whole trace schema, about a quarter of what the page would otherwise download
//! before its first paint. The page loads this module after it is interactive and puts
//! it on `window.mapioffline` (`document.body.dataset.api` is set once it is there):
//!
//! - `mapioffline.run(source)`: runs a scenario and returns its trace as a plain object in
//!   the trace schema (`core/TRACE-SCHEMA.md`); throws an `Error` naming line and column
//!   for a script that does not parse or run.
//! - `mapioffline.check(trace)`: the checker's findings (rules R1–R7) for a trace object,
//!   each `{rule, clause, event, tick, message, fix}`.
//! - `mapioffline.explain(term)`: what a constant, value, HRESULT, clause, rule, GUID or
//!   structure means (`{term, kind, title, body}`); throws for an unknown term, with a
//!   suggestion when one is close.
//! - `mapioffline.eventCount(source)`: runs a scenario and returns how many trace events
//!   it produced, without converting them (for timing core itself).
//! - `mapioffline.render(source, format)`: runs a scenario and returns its trace rendered
//!   as `text`, `markdown`, `mermaid` or `cpp` (a string); throws for a script that does
//!   not run or a format it does not know.
//! - `mapioffline.renderTrace(trace, format)`: the same for a trace object.
//! - `mapioffline.spans(text)`: the parts of any text `explain` knows, `[{start, end,
//!   term}]` in UTF-8 byte offsets (the page cuts its own Rust strings with them).
//! - `mapioffline.decodeEvent(trace, i)`: event `i` of a trace object decoded
//!   (`explain::event::decode`): `{index, tick, depth, kind, title, fields: [{name, value,
//!   meaning, explain}], clauses, answers, notify}`; `null` past the end.
//! - `mapioffline.cppLines(trace)`: the C++ of a trace object with, for each of its
//!   events, the 0-based line that writes it: `{text, eventLines}` (the page's C++ view
//!   scrolls to the selected event with it).
//!
//! The **session**: one trace this module keeps, so that the page can ask about it event
//! by event without handing it over each time (a 10,000-statement trace is 60,000 events).
//! The page runs its script itself and this module runs it again the same way
//! (`Runner::exec_prefix`), so both hold the same trace and the page's wasm needs no
//! serializer:
//!
//! - `mapioffline.session(source, upto)`: runs the first `upto` statements of a scenario
//!   (all with `undefined`), stopping at the first that cannot run, as the page does;
//!   returns the number of events. Throws for a script that does not parse.
//! - `mapioffline.sessionOpen(json)`: a trace in the trace schema's JSON (a C client's
//!   `MAPIOFFLINE_TRACE`, `mapioffline run --format json`) into the session instead;
//!   returns the number of events, throws for what is not a trace.
//! - `mapioffline.sessionDecode(i)`: event `i` decoded, as `decodeEvent` (`null` past the
//!   end); quick for any `i` (the trace is read once, `explain::event::Decoder`).
//! - `mapioffline.sessionEventJson(i)`: event `i` in the trace schema, as a string.
//! - `mapioffline.sessionRender(format)`: the trace as `json` (the trace schema, what
//!   `mapioffline check` reads), `text`, `markdown`, `mermaid` or `cpp`.
//! - `mapioffline.sessionCppLines()`: as `cppLines`, for the session's trace.
//!
//! The **spec browser**'s data:
//!
//! - `mapioffline.specBrowser()`: every clause in registry order, `{id, kind, section,
//!   summary, explanation: {term, kind, title, body}, examples: [{kind, name, title?}]}`,
//!   where `examples` are the lessons, challenges and conformance scenarios that exercise
//!   it (core's `exercised`, as `mapioffline spec` lists them). Runs every example once,
//!   at the first call.
//! - `mapioffline.scenarioSource(name)`: the conformance scenario `tests/scenarios/NAME.scn`;
//!   throws for a name that is not one.

use mapioffline::explain::event::Decoder;
use mapioffline::render::{self, Format};
use mapioffline::Trace;
use serde::Serialize;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

fn to_js<T: Serialize>(v: &T) -> Result<JsValue, JsError> {
    // Plain objects rather than `Map`s, so the result reads like the trace's JSON.
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&e.to_string()))
}

/// Runs a scenario; returns its trace in the trace schema.
#[wasm_bindgen]
pub fn run(source: &str) -> Result<JsValue, JsError> {
    let out =
        mapioffline::scenario::run_script(source).map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&out.trace)
}

fn trace_of(trace: JsValue) -> Result<mapioffline::Trace, JsError> {
    serde_wasm_bindgen::from_value(trace).map_err(|e| JsError::new(&format!("not a trace: {e}")))
}

/// The checker's findings for a trace object.
#[wasm_bindgen]
pub fn check(trace: JsValue) -> Result<JsValue, JsError> {
    to_js(&mapioffline::checker::check(&trace_of(trace)?))
}

/// A format by name (`text`, `markdown`, `mermaid`, `cpp` and their aliases).
fn format_of(name: &str) -> Result<Format, JsError> {
    Format::from_name(name).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
        JsError::new(&format!(
            "no format named {name:?}: use one of {}",
            names.join(", ")
        ))
    })
}

/// Runs a scenario; returns its trace rendered in a format.
#[wasm_bindgen]
pub fn render(source: &str, format: &str) -> Result<String, JsError> {
    let format = format_of(format)?;
    let out =
        mapioffline::scenario::run_script(source).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(render::render(&out.trace, format))
}

/// A trace object rendered in a format.
#[wasm_bindgen(js_name = renderTrace)]
pub fn render_trace(trace: JsValue, format: &str) -> Result<String, JsError> {
    let format = format_of(format)?;
    Ok(render::render(&trace_of(trace)?, format))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CppLines {
    text: String,
    event_lines: Vec<usize>,
}

/// A trace object's C++, with the line that writes each event.
#[wasm_bindgen(js_name = cppLines)]
pub fn cpp_lines(trace: JsValue) -> Result<JsValue, JsError> {
    let r = render::cpp::render_with_lines(&trace_of(trace)?);
    to_js(&CppLines {
        text: r.text,
        event_lines: r.event_lines,
    })
}

/// What a term means.
#[wasm_bindgen]
pub fn explain(term: &str) -> Result<JsValue, JsError> {
    match mapioffline::explain::explain(term) {
        Ok(x) => to_js(&x),
        Err(u) => Err(JsError::new(&u.to_string())),
    }
}

/// Runs a scenario and counts its trace events (core's throughput, no conversion).
#[wasm_bindgen(js_name = eventCount)]
pub fn event_count(source: &str) -> Result<u32, JsError> {
    let out =
        mapioffline::scenario::run_script(source).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(out.trace.events.len() as u32)
}

/// The explainable parts of a text (byte offsets).
#[wasm_bindgen]
pub fn spans(text: &str) -> Result<JsValue, JsError> {
    to_js(&mapioffline::explain::spans::spans(text))
}

/// Event `i` of a trace object, decoded for a person.
#[wasm_bindgen(js_name = decodeEvent)]
pub fn decode_event(trace: JsValue, i: u32) -> Result<JsValue, JsError> {
    to_js(&mapioffline::explain::event::decode(
        &trace_of(trace)?,
        i as usize,
    ))
}

/// Where the session's trace came from: a script's run, or a trace opened as JSON.
#[derive(PartialEq)]
enum Origin {
    Script { source: String, upto: Option<u32> },
    Opened { json: String },
}

/// The trace the session holds, and its decoder (built at the first decode).
struct Session {
    origin: Origin,
    trace: Trace,
    decoder: Option<Decoder>,
}

thread_local! {
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// Makes the session hold `origin`'s trace, made by `make` unless it holds it already;
/// returns the number of events.
fn hold(origin: Origin, make: impl FnOnce() -> Result<Trace, JsError>) -> Result<u32, JsError> {
    SESSION.with_borrow_mut(|s| {
        if let Some(cur) = s.as_ref().filter(|cur| cur.origin == origin) {
            return Ok(cur.trace.events.len() as u32);
        }
        let trace = make()?;
        let n = trace.events.len() as u32;
        *s = Some(Session {
            origin,
            trace,
            decoder: None,
        });
        Ok(n)
    })
}

/// Runs a scenario's first `upto` statements into the session (nothing to do if it holds
/// that run already); returns the number of events.
#[wasm_bindgen]
pub fn session(source: &str, upto: Option<u32>) -> Result<u32, JsError> {
    let origin = Origin::Script {
        source: source.to_string(),
        upto,
    };
    hold(origin, || {
        mapioffline::scenario::trace_of_prefix(source, upto.map(|n| n as usize))
            .map_err(|e| JsError::new(&e.to_string()))
    })
}

/// Reads a trace in the trace schema's JSON (what `mapioffline run --format json` and a C
/// client's `MAPIOFFLINE_TRACE` write) into the session; returns the number of events.
/// Throws with serde's line and column for what is not such a trace.
#[wasm_bindgen(js_name = sessionOpen)]
pub fn session_open(json: &str) -> Result<u32, JsError> {
    hold(
        Origin::Opened {
            json: json.to_string(),
        },
        || {
            mapioffline::trace::file::read("the trace", json)
                .and_then(|f| f.single("the trace"))
                .map_err(|e| JsError::new(&e.0))
        },
    )
}

fn with_session<T>(f: impl FnOnce(&mut Session) -> Result<T, JsError>) -> Result<T, JsError> {
    SESSION.with_borrow_mut(|s| match s.as_mut() {
        Some(s) => f(s),
        None => Err(JsError::new(
            "no session: call mapioffline.session(source) first",
        )),
    })
}

/// Event `i` of the session's trace, decoded.
#[wasm_bindgen(js_name = sessionDecode)]
pub fn session_decode(i: u32) -> Result<JsValue, JsError> {
    with_session(|s| {
        let d = s.decoder.get_or_insert_with(|| Decoder::new(&s.trace));
        to_js(&d.decode(&s.trace, i as usize))
    })
}

/// Event `i` of the session's trace in the trace schema's JSON.
#[wasm_bindgen(js_name = sessionEventJson)]
pub fn session_event_json(i: u32) -> Result<Option<String>, JsError> {
    with_session(|s| {
        s.trace
            .events
            .get(i as usize)
            .map(|e| serde_json::to_string(e).map_err(|e| JsError::new(&e.to_string())))
            .transpose()
    })
}

/// The session's trace rendered: `json` (the trace schema) or a renderer's format.
#[wasm_bindgen(js_name = sessionRender)]
pub fn session_render(format: &str) -> Result<String, JsError> {
    with_session(|s| {
        if format == "json" {
            // As `mapioffline run --format json` writes it.
            return serde_json::to_string_pretty(&s.trace)
                .map_err(|e| JsError::new(&e.to_string()));
        }
        Ok(render::render(&s.trace, format_of(format)?))
    })
}

/// The session's C++, with the line that writes each event.
#[wasm_bindgen(js_name = sessionCppLines)]
pub fn session_cpp_lines() -> Result<JsValue, JsError> {
    with_session(|s| {
        let r = render::cpp::render_with_lines(&s.trace);
        to_js(&CppLines {
            text: r.text,
            event_lines: r.event_lines,
        })
    })
}

/// One clause as the spec browser shows it.
#[derive(Serialize)]
struct SpecClause {
    id: &'static str,
    kind: &'static str,
    section: &'static str,
    summary: &'static str,
    explanation: Option<mapioffline::explain::Explanation>,
    examples: Vec<mapioffline::exercised::Example>,
}

thread_local! {
    static SPEC: std::cell::OnceCell<JsValue> = const { std::cell::OnceCell::new() };
}

/// Every clause with its explanation and what exercises it.
#[wasm_bindgen(js_name = specBrowser)]
pub fn spec_browser() -> Result<JsValue, JsError> {
    if let Some(v) = SPEC.with(|s| s.get().cloned()) {
        return Ok(v);
    }
    let mut by = mapioffline::exercised::exercised(mapioffline_conformance::SCENARIOS)
        .map_err(|e| JsError::new(&e.to_string()))?;
    let clauses: Vec<SpecClause> = mapioffline::clauses::CLAUSES
        .iter()
        .map(|c| SpecClause {
            id: c.id,
            kind: c.kind.as_str(),
            section: c.source,
            summary: c.summary,
            explanation: mapioffline::explain::explain(c.id).ok(),
            examples: by.remove(&c.clause).unwrap_or_default(),
        })
        .collect();
    let v = to_js(&clauses)?;
    SPEC.with(|s| s.get_or_init(|| v.clone()).clone());
    Ok(v)
}

/// The source of the conformance scenario `tests/scenarios/NAME.scn`.
#[wasm_bindgen(js_name = scenarioSource)]
pub fn scenario_source(name: &str) -> Result<String, JsError> {
    mapioffline_conformance::SCENARIOS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, s)| s.to_string())
        .ok_or_else(|| JsError::new(&format!("no conformance scenario named {name:?}")))
}
