//! The colour theme: light or dark. `index.html` picks the first one before the page
//! paints (the stored choice, else the system's `prefers-color-scheme`), so a dark system
//! never flashes light; this button switches and remembers, and until the learner has
//! chosen, a change of the system's preference is followed.

use super::dom::storage;
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// localStorage key of the learner's choice (`index.html` reads the same key).
const THEME_KEY: &str = "mapioffline.theme";

fn root() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.document_element()
}

fn system_dark() -> Option<web_sys::MediaQueryList> {
    web_sys::window()?
        .match_media("(prefers-color-scheme: dark)")
        .ok()
        .flatten()
}

/// The stored choice, if it is one of the two themes (anything else is ignored).
fn stored() -> Option<bool> {
    match storage()?.get_item(THEME_KEY).ok().flatten()?.as_str() {
        "dark" => Some(true),
        "light" => Some(false),
        _ => None,
    }
}

#[component]
pub(super) fn ThemeButton() -> impl IntoView {
    let initial = root()
        .and_then(|r| r.get_attribute("data-theme"))
        .map(|t| t == "dark")
        .or_else(stored)
        .unwrap_or(false);
    let dark = RwSignal::new(initial);
    Effect::new(move |_| {
        if let Some(r) = root() {
            let _ = r.set_attribute("data-theme", if dark.get() { "dark" } else { "light" });
        }
    });
    // The system's preference, followed while nothing is stored. The listener lives as
    // long as the page (the button is never unmounted).
    if let Some(mq) = system_dark() {
        let on_change = Closure::<dyn Fn()>::new(move || {
            if stored().is_none() {
                if let Some(mq) = system_dark() {
                    dark.set(mq.matches());
                }
            }
        });
        let _ = mq.add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
        on_change.forget();
    }
    let toggle = move |_| {
        let next = !dark.get_untracked();
        dark.set(next);
        if let Some(st) = storage() {
            let _ = st.set_item(THEME_KEY, if next { "dark" } else { "light" });
        }
    };
    view! {
        <button class="theme" aria-pressed=move || dark.get().to_string() on:click=toggle
            title="Switch between the light and the dark theme (remembered)">
            "Dark theme"
        </button>
    }
}
