//! # mapioffline-web
//!
//! The browser playground: a Leptos (client-side rendered) page over the `mapioffline`
//! core, compiled to wasm. Everything it shows comes from core — the scenario parser and
//! runner, the text renderer, the checker, the lessons, `explain` and `Sim::snapshot`;
//! [`model`] turns that into what the components show and is tested natively.
//!
//! The same wasm is a small JavaScript API (the page puts it on `window.mapioffline`):
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
//! - `mapioffline.__panicForTest()`: a debug hook that panics on purpose, to see (and
//!   test) what the page does then: it shows the panic's message with a Reset, never a
//!   blank page.

pub mod model;

// Compiled natively too, so clippy and the tests see it; only `start` is wasm-only.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod app;

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

/// The checker's findings for a trace object.
#[wasm_bindgen]
pub fn check(trace: JsValue) -> Result<JsValue, JsError> {
    // Through JSON text: serde_json's reader of the trace schema is a small part of the
    // wasm, while a serde-wasm-bindgen deserializer of it was about 200 KB of code.
    let text = js_sys::JSON::stringify(&trace)
        .ok()
        .and_then(|t| t.as_string())
        .ok_or_else(|| JsError::new("not a trace: it cannot be written as JSON"))?;
    let trace: mapioffline::Trace =
        serde_json::from_str(&text).map_err(|e| JsError::new(&format!("not a trace: {e}")))?;
    to_js(&mapioffline::checker::check(&trace))
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

/// Panics on purpose: the page's panic hook must show this message and offer Reset.
#[wasm_bindgen(js_name = __panicForTest)]
pub fn panic_for_test() {
    panic!("deliberate panic from mapioffline.__panicForTest()");
}

/// Starts the page when the module is instantiated.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen(start)]
pub fn start() {
    app::install_panic_hook();
    app::mount();
}
