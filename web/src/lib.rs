//! # mapioffline-web
//!
//! The browser playground: a Leptos (client-side rendered) page over the `mapioffline`
//! core, compiled to wasm. Everything it shows comes from core — the scenario parser and
//! runner, the text renderer, the checker, the lessons, `explain` and `Sim::snapshot`;
//! [`model`] turns that into what the components show and is tested natively.
//!
//! The page's scripting API (`mapioffline.run`, `check`, `explain`, `eventCount`) is a
//! second wasm module, the crate `mapioffline-web-api` in `web/api/`, which the page
//! loads once it is interactive, so that it does not weigh on the first load. This
//! module adds one debug hook to `window.mapioffline`:
//!
//! - `mapioffline.__panicForTest()`: panics on purpose, to see (and test) what the page
//!   does then: it shows the panic's message with a Reset, never a blank page.

pub mod model;

// Compiled natively too, so clippy and the tests see it; only `start` is wasm-only.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod app;

use wasm_bindgen::prelude::*;

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
