//! Small browser helpers: the panic hook, storage, focus, time, number formatting.

use leptos::ev;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen::JsValue;

/// Shows a panic in the page (with a way out) instead of leaving it blank.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        // The wasm build drops panic locations (-Zlocation-detail=none), so show the
        // message alone rather than "<redacted>:0:0".
        let p = info.payload();
        let what = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_string());
        let msg = match info.location() {
            Some(l) if l.line() != 0 => format!("panicked at {}:{}: {what}", l.file(), l.line()),
            _ => format!("panicked: {what}"),
        };
        web_sys::console::error_1(&msg.clone().into());
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let Some(el) = doc.get_element_by_id("crash-msg") {
            el.set_text_content(Some(&msg));
        }
        if let Some(el) = doc.get_element_by_id("crash") {
            let _ = el.remove_attribute("hidden");
        }
    }));
}

/// JSON indented by two spaces (the browser's own JSON; natively, as it is).
pub(super) fn indent_json(compact: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let indented = js_sys::JSON::parse(compact).ok().and_then(|v| {
            js_sys::JSON::stringify_with_replacer_and_space(&v, &JsValue::NULL, &JsValue::from(2))
                .ok()
        });
        if let Some(s) = indented {
            return s.into();
        }
    }
    compact.to_string()
}

pub(super) fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// How long the selection must stay put before a long text jumps to it.
const REST: std::time::Duration = std::time::Duration::from_millis(120);

/// Runs `f` after `delay` unless `latest` was counted up again meanwhile: a newer call,
/// or anything else that makes `f` stale, supersedes it.
pub(super) fn later_unless_superseded(
    latest: leptos::prelude::StoredValue<u64>,
    delay: std::time::Duration,
    f: impl FnOnce() + 'static,
) {
    use leptos::prelude::{GetValue, UpdateValue};
    latest.update_value(|n| *n += 1);
    let mine = latest.get_value();
    leptos::prelude::set_timeout(
        move || {
            if latest.get_value() == mine {
                f();
            }
        },
        delay,
    );
}

/// Carries out a [`crate::model::Follow`] with `scroll` (to an offset in pixels): a step
/// now, a jump once the selection has rested for [`REST`]. `pending` counts the moves, so
/// that a newer one (even one that needs no scroll) cancels a jump not yet made.
pub(super) fn follow(
    pending: leptos::prelude::StoredValue<u64>,
    to: crate::model::Follow,
    scroll: impl FnOnce(f64) + 'static,
) {
    use crate::model::Follow;
    use leptos::prelude::UpdateValue;
    match to {
        Follow::Stay => pending.update_value(|n| *n += 1),
        Follow::Now(px) => {
            pending.update_value(|n| *n += 1);
            scroll(px)
        }
        Follow::AtRest(px) => later_unless_superseded(pending, REST, move || scroll(px)),
    }
}

/// `12px`: pixel values are whole, and formatting only integers keeps float formatting
/// (several KB) out of the wasm.
pub(super) fn px(v: f64) -> String {
    format!("{}px", v.round() as i64)
}

/// `12.3` (milliseconds to a tenth), without float formatting.
pub(super) fn tenths(v: f64) -> String {
    let t = (v.max(0.0) * 10.0).round() as u64;
    format!("{}.{}", t / 10, t % 10)
}

pub(super) fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// A skip link's action: focus its target without touching the URL (its fragment may be a
/// share link).
pub(super) fn focus_by_id(e: ev::MouseEvent, id: &str) {
    e.prevent_default();
    focus_id(id);
}

pub(super) fn focus_id(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

/// A list that is one tab stop (a toolbar with a roving tabindex): the arrow keys, Home
/// and End move `current` among `n` buttons with ids `PREFIX-i` and focus the new one.
pub(super) fn roving(
    e: &ev::KeyboardEvent,
    current: leptos::prelude::RwSignal<usize>,
    n: usize,
    prefix: &str,
) {
    use leptos::prelude::{GetUntracked, Set};
    if n == 0 {
        return;
    }
    let cur = current.get_untracked();
    let next = match e.key().as_str() {
        "ArrowRight" | "ArrowDown" => (cur + 1) % n,
        "ArrowLeft" | "ArrowUp" => (cur + n - 1) % n,
        "Home" => 0,
        "End" => n - 1,
        _ => return,
    };
    e.prevent_default();
    current.set(next);
    focus_id(&format!("{prefix}-{next}"));
}
