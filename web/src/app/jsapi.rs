//! The page's side of the second wasm module (`web/api/`, on `window.mapioffline` once
//! loaded): calling its functions and reading the plain objects they return. What is heavy
//! and not needed for the first interaction (explain's texts, the C++, Mermaid and
//! Markdown renderers, the trace reader) lives there, so the page stays small.

use js_sys::{Array, Function, Reflect};
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

/// The trace, as the page serialised it, as the API's functions take it (a plain object).
pub(super) fn parse_json(json: &str) -> Result<JsValue, String> {
    js_sys::JSON::parse(json).map_err(|e| message_of(&e))
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
