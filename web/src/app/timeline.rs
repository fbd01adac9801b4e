//! The timeline: the trace as a virtualised sequence diagram.

use super::ctx::Ctx;
use super::dom::px;
use super::event::event_view;
use super::explain::row_terms;
use super::scrubber::Scrubber;
use crate::model;
use leptos::ev;
use leptos::prelude::*;

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
    // The longest text worded so far for this evaluation (`RowsInView::widest`).
    let widest = RwSignal::new(0usize);
    // The row under the pointer (see `words` below).
    let hovered = RwSignal::new(None::<usize>);
    // The rows in view, keyed by all that each shows: a move of the scrubber or a scroll
    // builds only the rows that come into view, and a re-run only the rows that read
    // differently (none, for an edit below the screen).
    let in_view = StoredValue::new(model::RowsInView::default());
    let keys = move || {
        let ev = ctx.eval.get();
        let range = model::visible_range(scroll_top.get(), height.get(), ROW_H, ev.rows.len(), 2);
        let (rows, w) = in_view
            .try_update_value(|v| (v.update(&ev, range).to_vec(), v.widest()))
            .unwrap_or_default();
        if w != widest.get_untracked() {
            widest.set(w);
        }
        rows
    };
    let row = move |shown: model::ShownRow| {
        let model::ShownRow {
            index: i,
            row: r,
            lanes,
            text,
        } = shown;
        let lanes_style = format!("width:{}", px(lanes as f64 * LANE_W));
        let style = format!("top:{}", px(i as f64 * ROW_H));
        // The selection and the cursor's line change only these attributes.
        let (kind, line) = (r.kind.class(), r.line);
        let selected = move || ctx.selected.get() == Some(i);
        let class = move || {
            format!(
                "row {kind}{}{}",
                if selected() { " sel" } else { "" },
                // The events of the script line the editor's cursor is on.
                if ctx.cursor_line.get() == Some(line) {
                    " of-line"
                } else {
                    ""
                }
            )
        };
        // The text starts where its arrow (or mark) does, as a sequence diagram's label
        // sits on its message, and runs on to the right, never cut.
        let centre = |l: u16| l as f64 * LANE_W + LANE_W / 2.0;
        let (glyph, at, text_x) = match r.place.from {
            Some(f) if f != r.place.to => {
                let (a, b) = (
                    centre(f).min(centre(r.place.to)),
                    centre(f).max(centre(r.place.to)),
                );
                let dir = if r.place.to > f { "right" } else { "left" };
                (
                    format!("arrow {dir}"),
                    format!("left:{};width:{}", px(a), px(b - a)),
                    a + 4.0,
                )
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
        // Its terms become explainable spans when the pointer comes over the row: a row's
        // terms are most of its elements, and a move of the scrubber builds a screen of
        // rows (the selected event's view has the same terms, as tab stops).
        let words = move || {
            if hovered.get() == Some(i) {
                row_terms(text.to_string())
            } else {
                text.to_string().into_any()
            }
        };
        view! {
            <div class=class style=style role="option" aria-selected=move || selected().to_string()
                id=format!("ev-{i}") data-lanes=lanes_attr>
                <span class="n">{format!("#{i}")}</span>
                <span class="t">{format!("t={}", r.tick)}</span>
                <span class="l">{r.script_line().map_or("–".to_string(), |l| format!("L{l}"))}</span>
                <span class="k">{kind}</span>
                <span class="lanes" style=lanes_style>
                    <span class=glyph style=at aria-hidden="true"></span>
                    <span class="x" style=text_style>{words}</span>
                </span>
            </div>
        }
        .into_any()
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
            let top = el.scroll_top() as f64;
            if top != scroll_top.get_untracked() {
                scroll_top.set(top);
            }
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
    // The list's height, read when it is laid out anyway (mounting, resizing), so that
    // bringing a row into view reads no layout (a forced layout costs milliseconds).
    Effect::new(move |_| {
        if let Some(el) = list_ref.get() {
            height.set(el.client_height() as f64);
        }
    });
    let resized = window_event_listener(ev::resize, move |_| {
        if let Some(el) = list_ref.get_untracked() {
            height.set(el.client_height() as f64);
        }
    });
    on_cleanup(move || resized.remove());
    // Whatever selects an event (a key, the scrubber, a finding's link), its row comes
    // into view.
    let scroll_to = StoredValue::new(None::<f64>);
    Effect::new(move |_| {
        let Some(next) = ctx.selected.get() else {
            return;
        };
        let top = next as f64 * ROW_H;
        let (h, st) = (height.get_untracked(), scroll_top.get_untracked());
        let to = if top < st {
            top
        } else if top + ROW_H > st + h {
            top + ROW_H - h
        } else {
            return;
        };
        // The rows for `to` are built now; the list's offset is written after this
        // round of effects, once every panel has changed: written here, it would force a
        // layout of a half-changed page, and the rows it brings in would need another
        // (2–4 ms a move of the scrubber).
        if scroll_to.get_value().is_none() {
            queue_microtask(move || {
                if let (Some(to), Some(el)) = (scroll_to.get_value(), list_ref.get_untracked()) {
                    el.set_scroll_top(to as i32);
                }
                scroll_to.set_value(None);
            });
        }
        scroll_to.set_value(Some(to));
        scroll_top.set(to);
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
            // The rows' pointer events are the list's: a row has no listener of its own to
            // add when it comes into view and to remove when it leaves.
            <div class="timeline" id="timeline-list" node_ref=list_ref tabindex="0" role="listbox"
                aria-label="Trace events" on:scroll=on_scroll on:keydown=on_key
                on:click=move |e| {
                    if let Some(i) = row_of(&e) {
                        ctx.selected.set(Some(i));
                    }
                }
                on:mouseover=move |e| {
                    let i = row_of(&e);
                    if i.is_some() && hovered.get_untracked() != i {
                        hovered.set(i);
                    }
                }>
                <div class="spacer" style=total_h>
                    <For each=keys key=|r| r.clone() children=row/>
                </div>
            </div>
            {detail}
        </section>
    }
}

/// The index of the row an event happened in (its `ev-N` id), if any.
fn row_of(e: &ev::MouseEvent) -> Option<usize> {
    use wasm_bindgen::JsCast;
    let target = e.target()?.dyn_into::<web_sys::Element>().ok()?;
    let row = target.closest(".row").ok()??;
    row.id().strip_prefix("ev-")?.parse().ok()
}
