//! The C++ view: the client code a learner would write for the current trace (core's C++
//! renderer, run in the second module), beside the script, scrolled to the selected event,
//! with a copy button. As Compiler Explorer shows source and generated code side by side.

use super::ctx::Ctx;
use super::dom::{follow, later_unless_superseded, px};
use super::jsapi;
use crate::model;
use leptos::lazy;
use leptos::prelude::*;
use std::sync::Arc;
use std::time::Duration;

/// Must match `.cpp pre`'s line height in the stylesheet.
const LINE_H: f64 = 18.0;
/// The C++ is rendered once the runs pause: a long trace's C++ costs as much as the run.
const SETTLE: Duration = Duration::from_millis(250);

/// The C++ of one evaluation.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Cpp {
    pub(super) text: Arc<str>,
    pub(super) lines: Vec<Arc<str>>,
    /// The line that writes each event.
    pub(super) event_lines: Vec<usize>,
}

/// The C++ of the page's trace, from the second module.
pub(super) fn cpp_of(ev: &model::Evaluation) -> Result<Cpp, String> {
    let r = jsapi::session_call(ev, "sessionCppLines", &[])?;
    let text = jsapi::str_of(&r, "text").ok_or("the C++ renderer returned no text")?;
    let event_lines = jsapi::list_of(&r, "eventLines")
        .iter()
        .map(|n| n.as_f64().unwrap_or(0.0) as usize)
        .collect();
    Ok(Cpp {
        lines: text.lines().map(Arc::from).collect(),
        text: Arc::from(text),
        event_lines,
    })
}

#[component]
pub(super) fn CppView() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // Folded at first: one tab stop on the way from the editor to the world state. Its
    // body is a chunk of its own, fetched the first time it opens, and kept once there.
    let open = RwSignal::new(false);
    let opened = RwSignal::new(false);
    view! {
        <section class="panel cpp" role="region" aria-label="C++">
            <details prop:open=move || open.get()
                on:toggle=move |e| {
                    let now = event_target::<web_sys::HtmlDetailsElement>(&e).open();
                    open.set(now);
                    if now {
                        opened.set(true);
                    }
                }>
                <summary><h2>"C++ client code"</h2></summary>
                {move || opened.get().then(|| super::lazily(move || cpp_body(ctx, open)))}
            </details>
        </section>
    }
}

/// The code, its copy button and the selected event's line; rendered while `open`.
#[lazy]
fn cpp_body(ctx: Ctx, open: RwSignal<bool>) -> AnyView {
    let code = RwSignal::new(None::<Result<Cpp, String>>);
    let generation = StoredValue::new(0u64);
    let pre_ref = NodeRef::<leptos::html::Pre>::new();
    Effect::new(move |_| {
        let ev = ctx.eval.get();
        if !open.get() || !ctx.api.get() {
            return;
        }
        later_unless_superseded(generation, SETTLE, move || code.set(Some(cpp_of(&ev))));
    });
    // The selected event's line, if the C++ is of the current trace.
    let sel_line = Memo::new(move |_| {
        let i = ctx.selected.get()?;
        code.with(|c| match c {
            Some(Ok(c)) => c.event_lines.get(i).copied(),
            _ => None,
        })
    });
    // The code's viewport, read when it is laid out anyway (a new text, a resize), and
    // its scroll position as it changes: following the selection reads no layout.
    let band_ref = NodeRef::<leptos::html::Div>::new();
    let view_size = RwSignal::new((0.0f64, 0.0f64));
    let scroll = StoredValue::new(0.0f64);
    let measure = move || {
        if let Some(pre) = pre_ref.get_untracked() {
            view_size.set((pre.client_width() as f64, pre.client_height() as f64));
        }
    };
    Effect::new(move |_| {
        if pre_ref.get().is_some() {
            scroll.set_value(0.0);
            measure();
        }
    });
    let resized = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resized.remove());
    let on_scroll = move |_| {
        if let (Some(pre), Some(band)) = (pre_ref.get_untracked(), band_ref.get_untracked()) {
            scroll.set_value(pre.scroll_top() as f64);
            band.set_scroll_top(pre.scroll_top());
            band.set_scroll_left(pre.scroll_left());
        }
    };
    // Follow the selection: a step at once, a jump where the scrubber rests.
    let pending = StoredValue::new(0u64);
    Effect::new(move |_| {
        let (Some(l), Some(pre)) = (sel_line.get(), pre_ref.get_untracked()) else {
            return;
        };
        let top = l as f64 * LINE_H;
        let to = model::follow_line(
            scroll.get_value(),
            view_size.get_untracked().1,
            top,
            top + LINE_H + 12.0,
        );
        follow(pending, to, move |px| pre.set_scroll_top(px as i32));
    });
    let copy = move |_| {
        let Some(Ok(c)) = code.get_untracked() else {
            return;
        };
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&c.text);
            ctx.notice.set("The C++ is copied".into());
        }
    };
    // The selected line over its copy in the text: a highlight that also says, to a test
    // or a screen reader, which line it is. It lives in a layer of its own, scrolled with
    // the code: a change inside the code's `pre` would lay out all of its text again.
    let mark = move || {
        let l = sel_line.get()?;
        let text = code.with(|c| match c {
            Some(Ok(c)) => c.lines.get(l).map(|s| s.to_string()),
            _ => None,
        })?;
        Some(view! {
            <div class="cpp-sel" style=format!("top:{}", px(l as f64 * LINE_H + 6.0))
                data-line=l + 1>{text}</div>
        })
    };
    let body = move || match code.get() {
        None => view! { <p class="xnote">"The C++ appears once the renderer has loaded."</p> }
            .into_any(),
        Some(Err(why)) => view! { <p class="xerr">{why}</p> }.into_any(),
        Some(Ok(c)) => {
            // As wide and tall as the code's text, so that the layer scrolls as far.
            let widest = c.lines.iter().map(|l| l.chars().count()).max().unwrap_or(0);
            let inner = format!(
                "width:calc({widest}ch + 16px);height:{}",
                px(c.lines.len() as f64 * LINE_H + 12.0)
            );
            let band = move || {
                let (w, h) = view_size.get();
                format!("width:{};height:{}", px(w), px(h))
            };
            view! {
                <div class="cpp-view">
                    <pre class="cpp-code" node_ref=pre_ref tabindex="0" aria-label="C++ client code"
                        on:scroll=on_scroll>{c.text.to_string()}</pre>
                    <div class="cpp-band" node_ref=band_ref style=band aria-hidden="true">
                        <div style=inner>{mark}</div>
                    </div>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <div class="cpp-bar">
            <button on:click=copy disabled=move || !matches!(code.get(), Some(Ok(_)))>"Copy C++"</button>
            <span class="xnote">{move || sel_line.get().map(|l| format!("selected event: line {}", l + 1))}</span>
        </div>
        {body}
    }
    .into_any()
}
