//! The C++ view: the client code a learner would write for the current trace (core's C++
//! renderer, run in the second module), beside the script, scrolled to the selected event,
//! with a copy button. As Compiler Explorer shows source and generated code side by side.

use super::ctx::Ctx;
use super::dom::px;
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
        let g = generation.get_value() + 1;
        generation.set_value(g);
        set_timeout(
            move || {
                if generation.get_value() == g {
                    code.set(Some(cpp_of(&ev)));
                }
            },
            SETTLE,
        );
    });
    // The selected event's line, if the C++ is of the current trace.
    let sel_line = Memo::new(move |_| {
        let i = ctx.selected.get()?;
        code.with(|c| match c {
            Some(Ok(c)) => c.event_lines.get(i).copied(),
            _ => None,
        })
    });
    // Follow the selection: its line a third of the way down.
    Effect::new(move |_| {
        if let (Some(l), Some(pre)) = (sel_line.get(), pre_ref.get()) {
            let h = pre.client_height() as f64;
            pre.set_scroll_top((l as f64 * LINE_H - h / 3.0).max(0.0) as i32);
        }
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
    let body = move || match code.get() {
        None => view! { <p class="xnote">"The C++ appears once the renderer has loaded."</p> }
            .into_any(),
        Some(Err(why)) => view! { <p class="xerr">{why}</p> }.into_any(),
        Some(Ok(c)) => {
            let mark = sel_line.get().map(|l| {
                let text = c.lines.get(l).map(|s| s.to_string()).unwrap_or_default();
                // The selected line over its copy in the text: a highlight that also says,
                // to a test or a screen reader, which line it is.
                view! {
                    <div class="cpp-sel" style=format!("top:{}", px(l as f64 * LINE_H + 6.0))
                        data-line=l + 1>{text}</div>
                }
            });
            view! { <pre class="cpp-code" node_ref=pre_ref tabindex="0" aria-label="C++ client code">{c.text.to_string()}{mark}</pre> }.into_any()
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
