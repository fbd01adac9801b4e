//! Explain everywhere: terms in any text the page shows (timeline rows, the event view,
//! findings, the editor) are focusable spans; hovering or focusing one shows core's
//! `explain` for it in one shared popover, and a search box answers any term. Which
//! substrings are terms is core's (`explain::spans`); the explanations come from the
//! second module (`mapioffline.explain`), so their texts do not weigh on the page.

use super::ctx::Ctx;
use super::jsapi;
use crate::model;
use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// The popover's id: every term names it in `aria-describedby`.
pub(super) const TIP_ID: &str = "explain-tip";

/// What the popover shows and where.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Tip {
    pub(super) term: String,
    /// Viewport coordinates of the term's bottom-left corner.
    pub(super) left: f64,
    pub(super) top: f64,
    /// Shown by the editor's caret or a focused term (stays until focus leaves), rather
    /// than by the pointer.
    pub(super) by_focus: bool,
}

/// How many texts' spans the page remembers: far more than a screen of rows, few enough
/// that the memory stays small; past it the memory starts again.
const SPANS_REMEMBERED: usize = 4096;

thread_local! {
    /// Spans already asked for, by text: the timeline's rows repeat the same words, and a
    /// call into the second module costs far more than a look-up here.
    static SPANS: std::cell::RefCell<std::collections::HashMap<String, Vec<model::Span>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// The parts of `text` that `explain` knows, from the second module (none until it has
/// loaded; read in a reactive view, this re-renders once it has).
pub(super) fn spans(text: &str) -> Vec<model::Span> {
    let Some(ctx) = use_context::<Ctx>() else {
        return Vec::new();
    };
    if !ctx.api.get() {
        return Vec::new();
    }
    if let Some(known) = SPANS.with_borrow(|m| m.get(text).cloned()) {
        return known;
    }
    let Ok(v) = jsapi::call("spans", &[JsValue::from_str(text)]) else {
        return Vec::new();
    };
    let num = |s: &JsValue, k: &str| jsapi::get(s, k).as_f64().map(|n| n as usize);
    let found: Vec<model::Span> = v
        .dyn_into::<js_sys::Array>()
        .map(|a| {
            a.iter()
                .filter_map(|s| {
                    Some(model::Span {
                        start: num(&s, "start")?,
                        end: num(&s, "end")?,
                        term: jsapi::str_of(&s, "term")?,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    SPANS.with_borrow_mut(|m| {
        if m.len() >= SPANS_REMEMBERED {
            m.clear();
        }
        m.insert(text.to_string(), found.clone());
    });
    found
}

/// `text` with its terms as focusable spans, each a tab stop (plain text if it has none).
pub(super) fn terms(text: String) -> AnyView {
    terms_with(text, "0")
}

/// `text` with its terms as spans that open their popover on hover but are no tab stops:
/// for the timeline's rows, where Tab would otherwise walk every term of every row; the
/// arrow keys select a row, and the selected event's view has the same terms as tab stops.
pub(super) fn row_terms(text: String) -> AnyView {
    terms_with(text, "-1")
}

fn terms_with(text: String, tabindex: &'static str) -> AnyView {
    let spans = spans(&text);
    if spans.is_empty() {
        return text.into_any();
    }
    model::pieces(&text, &spans)
        .into_iter()
        .map(|(r, span)| {
            let piece = text[r].to_string();
            if let Some(span) = span {
                let data = span.term.clone();
                view! {
                    <span class="term" tabindex=tabindex data-term=data
                        aria-describedby=TIP_ID>{piece}</span>
                }
                .into_any()
            } else {
                piece.into_any()
            }
        })
        .collect_view()
        .into_any()
}

/// Shows the popover under `el` for `term`.
pub(super) fn show_at(ctx: Ctx, el: &web_sys::Element, term: String, by_focus: bool) {
    let r = el.get_bounding_client_rect();
    ctx.tip.set(Some(Tip {
        term,
        left: r.left(),
        top: r.bottom(),
        by_focus,
    }));
}

/// The `.term` element an event happened in, with its term.
fn term_of(e: &web_sys::Event) -> Option<(web_sys::Element, String)> {
    let el = e.target()?.dyn_into::<web_sys::Element>().ok()?;
    let t = el.closest(".term").ok()??;
    let term = t.get_attribute("data-term")?;
    Some((t, term))
}

fn in_tip(e: &web_sys::Event) -> bool {
    e.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest(&format!("#{TIP_ID}")).ok().flatten())
        .is_some()
}

/// What `explain` says about `term`, as the popover and the search box show it.
fn explanation(ctx: Ctx, term: &str) -> AnyView {
    if !ctx.api.get() {
        return view! { <p class="xnote">"Loading explanations…"</p> }.into_any();
    }
    match jsapi::call("explain", &[JsValue::from_str(term)]) {
        Err(why) => view! { <p class="xerr">{why}</p> }.into_any(),
        Ok(x) => {
            let sections = jsapi::sections(&x)
                .into_iter()
                .map(|(heading, lines)| {
                    let lines = lines
                        .into_iter()
                        .map(|l| view! { <li>{l}</li> })
                        .collect_view();
                    view! {
                        {heading.map(|h| view! { <h4>{h}</h4> })}
                        <ul>{lines}</ul>
                    }
                })
                .collect_view();
            // A clause: where the spec browser shows it with what exercises it.
            let spec_link = (jsapi::str_of(&x, "kind").as_deref() == Some("clause"))
                .then(|| jsapi::str_of(&x, "term"))
                .flatten()
                .map(|id| {
                    let label = format!("{id} in the spec browser");
                    view! {
                        <p><button class="link" on:click=move |_| {
                            ctx.tip.set(None);
                            ctx.show_clause(&id);
                        }>{label}</button></p>
                    }
                });
            view! {
                <p class="xt"><strong>{jsapi::str_of(&x, "title")}</strong></p>
                {sections}
                {spec_link}
            }
            .into_any()
        }
    }
}

/// The one popover, and the page-wide listeners that open and close it.
#[component]
pub(super) fn ExplainTip() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // Delegated: one listener for every term on the page, however many rows render.
    let over = window_event_listener(ev::mouseover, move |e| {
        if let Some((el, term)) = term_of(&e) {
            show_at(ctx, &el, term, false);
        } else if !in_tip(&e)
            && ctx
                .tip
                .with_untracked(|t| t.as_ref().is_some_and(|t| !t.by_focus))
        {
            ctx.tip.set(None);
        }
    });
    let focus_in = window_event_listener(ev::focusin, move |e| {
        if let Some((el, term)) = term_of(&e) {
            show_at(ctx, &el, term, true);
        }
    });
    let focus_out = window_event_listener(ev::focusout, move |e| {
        if term_of(&e).is_some()
            || ctx
                .tip
                .with_untracked(|t| t.as_ref().is_some_and(|t| t.by_focus))
        {
            ctx.tip.set(None);
        }
    });
    // Escape dismisses it wherever focus is (WCAG 1.4.13).
    let esc = window_event_listener(ev::keydown, move |e| {
        if e.key() == "Escape" && ctx.tip.with_untracked(Option::is_some) {
            ctx.tip.set(None);
        }
    });
    on_cleanup(move || {
        over.remove();
        focus_in.remove();
        focus_out.remove();
        esc.remove();
    });
    let style = move || {
        ctx.tip.with(|t| match t {
            // Kept inside the window: the CSS caps its width, so start it far enough left.
            Some(t) => {
                let w = web_sys::window()
                    .and_then(|w| w.inner_width().ok())
                    .and_then(|v| v.as_f64())
                    .unwrap_or(1280.0);
                let left = t.left.min(w - 380.0).max(4.0);
                format!(
                    "left:{};top:{}",
                    super::dom::px(left),
                    super::dom::px(t.top + 4.0)
                )
            }
            None => String::new(),
        })
    };
    let body = move || {
        let term = ctx.tip.with(|t| t.as_ref().map(|t| t.term.clone()))?;
        Some(explanation(ctx, &term))
    };
    view! {
        <div id=TIP_ID class="tip" role="tooltip" style=style
            hidden=move || ctx.tip.with(Option::is_none)>{body}</div>
    }
}

/// A box that explains any term typed into it.
#[component]
pub(super) fn ExplainSearch() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let query = RwSignal::new(String::new());
    let answer = move || {
        let q = query.get();
        let q = q.trim();
        (!q.is_empty()).then(|| explanation(ctx, q))
    };
    view! {
        <section class="panel explain" role="region" aria-label="Explain">
            <h2><label for="explain-q">"Explain"</label></h2>
            <input id="explain-q" type="search" autocomplete="off" spellcheck="false"
                placeholder="a constant, HRESULT, GUID, structure, field or clause: 0x8000000A, SET-4…"
                prop:value=move || query.get()
                on:input=move |e| query.set(event_target_value(&e))/>
            <div class="answer" aria-live="polite">{answer}</div>
        </section>
    }
}

// ------------------------------------------------------------------ the editor

/// The id of a term in the editor's coloured copy: its 0-based line and byte column.
pub(super) fn editor_term_id(line: usize, col: usize) -> String {
    format!("hl-{line}-{col}")
}

fn by_id(id: &str) -> Option<web_sys::Element> {
    web_sys::window()?.document()?.get_element_by_id(id)
}

/// The caret in the textarea stands on a term: explain it, as focusing a term would.
pub(super) fn editor_caret(ctx: Ctx, ta: &web_sys::HtmlTextAreaElement) {
    let at = ta.selection_start().ok().flatten().unwrap_or(0) as usize;
    let found = ctx.source.with_untracked(|src| {
        let (li, col) = model::caret_line_col(src, at);
        let line = src.split('\n').nth(li)?;
        let spans = spans(line);
        let s = model::term_at(&spans, col)?;
        Some((by_id(&editor_term_id(li, s.start))?, s.term.clone()))
    });
    match found {
        Some((el, term)) => show_at(ctx, &el, term, true),
        None => {
            if ctx
                .tip
                .with_untracked(|t| t.as_ref().is_some_and(|t| t.by_focus))
            {
                ctx.tip.set(None);
            }
        }
    }
}

/// The pointer over the textarea: the term of the coloured copy under it, if any (the
/// copy lies under the textarea, so it gets no pointer events of its own).
pub(super) fn editor_hover(ctx: Ctx, e: &web_sys::MouseEvent) {
    let (x, y) = (e.client_x() as f64, e.client_y() as f64);
    let Some(pre) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".code pre.hl").ok().flatten())
    else {
        return;
    };
    let top = pre.get_bounding_client_rect().top();
    // 6 px of padding, 18 px lines (the stylesheet's `.code pre`).
    let li = ((y - top + pre.scroll_top() as f64 - 6.0) / 18.0).floor();
    let found = (li >= 0.0)
        .then(|| {
            let li = li as usize;
            ctx.source.with_untracked(|src| {
                let line = src.split('\n').nth(li)?;
                spans(line).into_iter().find_map(|s| {
                    let el = by_id(&editor_term_id(li, s.start))?;
                    let b = el.get_bounding_client_rect();
                    (x >= b.left() && x <= b.right() && y >= b.top() && y <= b.bottom())
                        .then_some((el, s.term))
                })
            })
        })
        .flatten();
    let same =
        |t: &Option<Tip>, term: &str| t.as_ref().is_some_and(|t| t.term == term && !t.by_focus);
    match found {
        Some((el, term)) => {
            if !ctx.tip.with_untracked(|t| same(t, &term)) {
                show_at(ctx, &el, term, false);
            }
        }
        None => {
            if ctx
                .tip
                .with_untracked(|t| t.as_ref().is_some_and(|t| !t.by_focus))
            {
                ctx.tip.set(None);
            }
        }
    }
}
