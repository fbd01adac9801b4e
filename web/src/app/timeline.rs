//! The timeline: the trace as a virtualised sequence diagram.

use super::ctx::Ctx;
use super::dom::px;
use super::event::event_view;
use super::explain::row_terms;
use super::scrubber::Scrubber;
use crate::model;
use leptos::ev;
use leptos::prelude::*;
use std::sync::Arc;

/// A timeline row: a line of text over its arrow.
const ROW_H: f64 = 32.0;
/// The width of one lane of the timeline's sequence diagram.
const LANE_W: f64 = 90.0;

#[component]
pub(super) fn Timeline() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let scroll_top = RwSignal::new(0.0);
    let height = RwSignal::new(360.0);
    let list_ref = NodeRef::<leptos::html::Div>::new();
    let head_ref = NodeRef::<leptos::html::Div>::new();
    let lanes_w = move || format!("width:{}", px(ctx.eval.get().lanes.len() as f64 * LANE_W));
    // The longest text rendered so far for this evaluation, in bytes (never narrower than
    // its characters). Only the rows in view are worded, so the list grows sideways as
    // longer lines scroll into view, as a code editor's does; a new run starts again.
    let widest = RwSignal::new(0usize);
    let widest_of = StoredValue::new(0usize);
    let rows = move || {
        let ev = ctx.eval.get();
        let range = model::visible_range(scroll_top.get(), height.get(), ROW_H, ev.rows.len(), 4);
        let sel = ctx.selected.get();
        // The events of the script line the editor's cursor is on.
        let of_line = ctx.cursor_line.get();
        let lanes_style = format!("width:{}", px(ev.lanes.len() as f64 * LANE_W));
        let texts: Vec<String> = range
            .clone()
            .map(|i| ev.text(i).unwrap_or_default())
            .collect();
        let id = Arc::as_ptr(&ev) as usize;
        let before = if widest_of.get_value() == id {
            widest.get_untracked()
        } else {
            0
        };
        widest_of.set_value(id);
        let w = texts.iter().map(String::len).max().unwrap_or(0).max(before);
        if w != widest.get_untracked() {
            widest.set(w);
        }
        range
            .zip(texts)
            .map(|(i, text)| {
                let r = &ev.rows[i];
                let style = format!("top:{}", px(i as f64 * ROW_H));
                let class = format!(
                    "row {}{}{}",
                    r.kind.class(),
                    if sel == Some(i) { " sel" } else { "" },
                    if of_line == Some(r.line) { " of-line" } else { "" }
                );
                // The text starts where its arrow (or mark) does, as a sequence diagram's
                // label sits on its message, and runs on to the right, never cut.
                let centre = |l: u16| l as f64 * LANE_W + LANE_W / 2.0;
                let (glyph, at, text_x) = match r.place.from {
                    Some(f) if f != r.place.to => {
                        let (a, b) = (
                            centre(f).min(centre(r.place.to)),
                            centre(f).max(centre(r.place.to)),
                        );
                        let dir = if r.place.to > f { "right" } else { "left" };
                        (format!("arrow {dir}"), format!("left:{};width:{}", px(a), px(b - a)), a + 4.0)
                    }
                    _ => {
                        let c = centre(r.place.to);
                        ("dot".to_string(), format!("left:{}", px(c - 4.0)), c + 8.0)
                    }
                };
                let text_style = format!("left:{}", px(text_x));
                let lanes_attr = match r.place.from {
                    Some(f) => format!("{f}>{}", r.place.to),
                    None => r.place.to.to_string(),
                };
                view! {
                    <div class=class style=style role="option" aria-selected=(sel == Some(i)).to_string()
                        id=format!("ev-{i}") data-lanes=lanes_attr
                        on:click=move |_| ctx.selected.set(Some(i))>
                        <span class="n">{format!("#{i}")}</span>
                        <span class="t">{format!("t={}", r.tick)}</span>
                        <span class="l">{format!("L{}", r.line)}</span>
                        <span class="k">{r.kind.class()}</span>
                        <span class="lanes" style=lanes_style.clone()>
                            <span class=glyph style=at aria-hidden="true"></span>
                            <span class="x" style=text_style>{row_terms(text)}</span>
                        </span>
                    </div>
                }
            })
            .collect_view()
    };
    let heads = move || {
        ctx.eval
            .get()
            .lanes
            .iter()
            .map(|l| {
                let full = match l.object {
                    Some(p) if l.kind != model::LaneKind::Unknown => format!("{} {p}", l.label),
                    _ => l.label.clone(),
                };
                view! {
                    <span class=format!("lane {:?}", l.kind).to_lowercase() title=full.clone()>
                        {l.label.clone()}
                        {l.object.filter(|_| l.kind != model::LaneKind::Unknown).map(|p| view! { <small>{p.to_string()}</small> })}
                    </span>
                }
            })
            .collect_view()
    };
    // The rows' height, and a width that holds the longest line whole (the list scrolls
    // sideways rather than cutting text off).
    let width = move || {
        let ev = ctx.eval.get();
        // The fixed columns, then the lanes, then room for the longest text from the
        // leftmost place a text can start.
        format!(
            "width:calc({}ch + {})",
            widest.get() + 16,
            px(ev.lanes.len() as f64 * LANE_W + 200.0)
        )
    };
    let total_h = move || {
        format!(
            "height:{};{}",
            px(ctx.eval.get().rows.len() as f64 * ROW_H),
            width()
        )
    };
    let on_scroll = move |_| {
        if let Some(el) = list_ref.get() {
            scroll_top.set(el.scroll_top() as f64);
            height.set(el.client_height() as f64);
            if let Some(h) = head_ref.get() {
                h.set_scroll_left(el.scroll_left());
            }
        }
    };
    let on_key = move |e: ev::KeyboardEvent| {
        let n = ctx.eval.get_untracked().rows.len();
        if n == 0 {
            return;
        }
        let cur = ctx.selected.get_untracked();
        let next = match e.key().as_str() {
            "ArrowDown" => cur.map_or(0, |c| (c + 1).min(n - 1)),
            "ArrowUp" => cur.map_or(0, |c| c.saturating_sub(1)),
            "Home" => 0,
            "End" => n - 1,
            _ => return,
        };
        e.prevent_default();
        ctx.selected.set(Some(next));
    };
    // Whatever selects an event (a key, the scrubber, a finding's link), its row comes
    // into view.
    Effect::new(move |_| {
        let Some(next) = ctx.selected.get() else {
            return;
        };
        if let Some(el) = list_ref.get_untracked() {
            let top = next as f64 * ROW_H;
            let h = el.client_height() as f64;
            let st = el.scroll_top() as f64;
            if top < st {
                el.set_scroll_top(top as i32);
            } else if top + ROW_H > st + h {
                el.set_scroll_top((top + ROW_H - h) as i32);
            }
            let now = el.scroll_top() as f64;
            if now != scroll_top.get_untracked() {
                scroll_top.set(now);
            }
        }
    });
    let detail = move || {
        let ev = ctx.eval.get();
        ctx.selected.get().and_then(|i| event_view(&ev, i))
    };
    view! {
        <section class="panel" role="region" aria-label="Timeline">
            <h2>"Timeline"</h2>
            <Scrubber/>
            // The lanes' headings scroll sideways with the list, not down.
            <div class="lanehead" node_ref=head_ref aria-hidden="true">
                <div class="lanehead-in" style=width>
                    <span class="n"></span><span class="t">"time"</span><span class="l">"line"</span><span class="k">"kind"</span>
                    <span class="lanes" style=lanes_w>{heads}</span>
                </div>
            </div>
            <div class="timeline" id="timeline-list" node_ref=list_ref tabindex="0" role="listbox"
                aria-label="Trace events" on:scroll=on_scroll on:keydown=on_key>
                <div class="spacer" style=total_h>{rows}</div>
            </div>
            {detail}
        </section>
    }
}
