//! The scrubber: a slider over the trace's events. Its position is the selected event
//! (`Ctx::selected`), so the timeline, the world state, the findings and the editor all
//! follow it; the arrow keys, Home, End and Page Up/Down move it (a native range input).
//! The step buttons are for the pointer (out of the tab order: the slider's keys do the
//! same).

use super::ctx::Ctx;
use super::dom::later_unless_superseded;
use crate::model;
use leptos::prelude::*;
use std::time::Duration;

/// How long after a run the page gets time travel ready by itself.
const WARM_AFTER: Duration = Duration::from_millis(600);

#[component]
pub(super) fn Scrubber() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let count = move || ctx.eval.with(|e| e.rows.len());
    let at = move || model::scrub_position(ctx.selected.get(), count());
    let value_text = move || {
        let ev = ctx.eval.get();
        model::scrub_text(&ev, at())
    };
    let caption = move || {
        let ev = ctx.eval.get();
        model::scrub_caption(&ev, ctx.selected.get())
    };
    let on_input = move |e: leptos::ev::Event| {
        let n = count();
        if let Ok(v) = event_target_value(&e).parse::<usize>() {
            if n > 0 {
                ctx.selected.set(Some(v.min(n - 1)));
            }
        }
    };
    // Core's replay is built at its first use, and the second module runs the script
    // again for the event view and builds its decoder at its first decode; reaching for
    // the slider does all three, so the first move itself is as quick as the others.
    let warm = move || {
        ctx.eval.with_untracked(|e| {
            e.timeline();
            if ctx.api.get_untracked() && !e.rows.is_empty() {
                let _ = super::jsapi::session_call(
                    e,
                    "sessionDecode",
                    &[wasm_bindgen::JsValue::from(0u32)],
                );
            }
        })
    };
    // A moment after a run, while the page is idle, the same: the first click on a row
    // or the first move then does not wait for it (140 ms for a 64,000-event trace).
    let runs = StoredValue::new(0u64);
    Effect::new(move |_| {
        ctx.eval.track();
        if ctx.api.get() {
            later_unless_superseded(runs, WARM_AFTER, warm);
        }
    });
    let step = move |by: isize| {
        let n = count();
        if n == 0 {
            return;
        }
        let cur = at().unwrap_or(n - 1) as isize;
        ctx.selected
            .set(Some((cur + by).clamp(0, n as isize - 1) as usize));
    };
    view! {
        <div class="scrubber">
            <button class="step" tabindex="-1" aria-label="Previous event" title="Previous event"
                disabled=move || at().is_none_or(|i| i == 0) on:click=move |_| step(-1)>"◀"</button>
            // `max` before `value`: the browser clamps a value to the range it has.
            <input type="range" id="scrubber" class="scrub" aria-label="Event"
                min="0" max=move || count().saturating_sub(1).to_string()
                prop:value=move || at().unwrap_or(0).to_string()
                aria-valuemin="0" aria-valuemax=move || count().saturating_sub(1).to_string()
                aria-valuenow=move || at().unwrap_or(0).to_string()
                aria-valuetext=value_text
                disabled=move || count() == 0
                on:input=on_input on:focus=move |_| warm() on:pointerdown=move |_| warm()/>
            <button class="step" tabindex="-1" aria-label="Next event" title="Next event"
                disabled=move || at().is_none_or(|i| i + 1 >= count()) on:click=move |_| step(1)>"▶"</button>
            <span class="scrub-caption" aria-hidden="true">{caption}</span>
        </div>
    }
}
