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

use mapioffline::render::{self, Format};
use serde::Serialize;
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
