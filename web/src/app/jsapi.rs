//! The page's side of the second wasm module (`web/api/`, on `window.mapioffline` once
//! loaded): calling its functions and reading the plain objects they return. What is heavy
//! and not needed for the first interaction (explain's texts, the C++, Mermaid and
//! Markdown renderers, the trace reader) lives there, so the page stays small.

use crate::model::{Evaluation, SessionKey};
use js_sys::{Array, Function, Reflect};
use std::cell::Cell;
use wasm_bindgen::{JsCast, JsValue};

/// The event `index.html` fires on `window` once `window.mapioffline` has the API.
pub(super) const READY_EVENT: &str = "mapioffline:api";

fn api() -> Option<JsValue> {
    let w = web_sys::window()?;
    Reflect::get(&w, &JsValue::from_str("mapioffline"))
        .ok()
        .filter(|v| v.is_object())
}

/// Whether the module is loaded (`data-api` on `<body>`, set with the functions).
pub(super) fn loaded() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
        .is_some_and(|b| b.has_attribute("data-api"))
}

/// Calls `mapioffline.NAME(args…)`; `Err` with the message of what it threw, or why it
/// could not be called.
pub(super) fn call(name: &str, args: &[JsValue]) -> Result<JsValue, String> {
    let f = api()
        .and_then(|a| Reflect::get(&a, &JsValue::from_str(name)).ok())
        .and_then(|f| f.dyn_into::<Function>().ok())
        .ok_or_else(|| "the scripting API is still loading".to_string())?;
    let arr: Array = args.iter().collect();
    f.apply(&JsValue::NULL, &arr).map_err(|e| message_of(&e))
}

/// An exception's message (`Error.message`), else its string form.
fn message_of(e: &JsValue) -> String {
    str_of(e, "message")
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the scripting API failed".to_string())
}

pub(super) fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `v[key]` as a string, if it is one.
pub(super) fn str_of(v: &JsValue, key: &str) -> Option<String> {
    get(v, key).as_string()
}

/// `v[key]` as an array (empty if it is not one).
pub(super) fn list_of(v: &JsValue, key: &str) -> Vec<JsValue> {
    let a = get(v, key);
    if Array::is_array(&a) {
        Array::from(&a).iter().collect()
    } else {
        Vec::new()
    }
}

/// An explanation's body (`mapioffline.explain`'s `body`): each section's heading and
/// lines.
pub(super) fn sections(explanation: &JsValue) -> Vec<(Option<String>, Vec<String>)> {
    list_of(explanation, "body")
        .into_iter()
        .map(|s| {
            let lines = list_of(&s, "lines")
                .into_iter()
                .filter_map(|l| l.as_string())
                .collect();
            (str_of(&s, "heading"), lines)
        })
        .collect()
}

thread_local! {
    /// The evaluation whose trace the second module's session holds (its `id`; 0: none).
    static IN_SESSION: Cell<u64> = const { Cell::new(0) };
}

/// Makes the second module hold `ev`'s trace (`mapioffline.session`), running its script
/// there only when it holds another; then `session*` calls are about `ev`.
pub(super) fn session_for(ev: &Evaluation) -> Result<(), String> {
    if IN_SESSION.get() == ev.id {
        return Ok(());
    }
    match ev.session.as_ref().ok_or("no trace yet")? {
        SessionKey::Script { source, upto } => {
            let upto = upto.map_or(JsValue::UNDEFINED, |n| JsValue::from(n as u32));
            call("session", &[JsValue::from_str(source), upto])?;
        }
        SessionKey::Opened { json } => {
            call("sessionOpen", &[JsValue::from_str(json)])?;
        }
    }
    IN_SESSION.set(ev.id);
    Ok(())
}

/// `mapioffline.NAME(args…)` about `ev`'s trace (see [`session_for`]).
pub(super) fn session_call(
    ev: &Evaluation,
    name: &str,
    args: &[JsValue],
) -> Result<JsValue, String> {
    session_for(ev)?;
    call(name, args)
}
