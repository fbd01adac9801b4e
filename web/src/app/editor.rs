//! The script editor: a textarea over its highlighted copy, with a gutter.

use super::ctx::forget_shared_link;
use super::ctx::Ctx;
use super::dom::{follow, px};
use super::explain;
use crate::model::{self, Mark};
use leptos::ev;
use leptos::prelude::*;

const LINE_H: f64 = 18.0;
/// Above this many lines the editor skips colouring (plain text stays fast).
const HIGHLIGHT_MAX_LINES: usize = 1500;

#[component]
pub(super) fn Editor() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let gutter_ref = NodeRef::<leptos::html::Div>::new();
    let pre_ref = NodeRef::<leptos::html::Pre>::new();
    let line_count = Memo::new(move |_| ctx.source.with(|s| s.lines().count().max(1)));
    let numbers = move || {
        (1..=line_count.get())
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let marks = move || {
        let ev = ctx.eval.get();
        let p = ctx.problem.get();
        model::line_marks(line_count.get(), p.as_ref(), Some(&ev))
            .into_iter()
            .enumerate()
            .filter(|(_, m)| *m != Mark::None)
            .map(|(i, m)| {
                let (class, what) = match m {
                    Mark::Error => ("mark err", "error"),
                    Mark::Failed => ("mark failed", "failed expectation"),
                    _ => ("mark next", "next statement"),
                };
                let top = format!("top:{}", px(i as f64 * LINE_H + 6.0));
                view! {
                    <span class=class style=top data-line=i + 1
                        aria-label=format!("{what} on line {}", i + 1)></span>
                }
            })
            .collect_view()
    };
    let underline = move || {
        ctx.problem.get().map(|p| {
            let style = format!(
                "top:{};left:calc(8px + {}ch);width:{}ch",
                px((p.line - 1) as f64 * LINE_H + 6.0 + LINE_H - 3.0),
                p.col - 1,
                p.len
            );
            view! { <span class="squiggle" style=style></span> }
        })
    };
    // One line's coloured copy. Terms are marked (and given an id) for the caret's and
    // the pointer's explain popover.
    let colour_line = |(li, line): (usize, String)| {
        let spans = explain::spans(&line);
        let mut off = 0;
        let toks = model::highlight_line(&line)
            .into_iter()
            .flat_map(|(t, text)| {
                let at = off..off + text.len();
                off = at.end;
                model::token_pieces(at, &spans)
                    .into_iter()
                    .map(move |(r, span)| (t, r, span.map(|s| s.start)))
                    .collect::<Vec<_>>()
            })
            .map(|(t, r, term)| {
                let text = line[r.clone()].to_string();
                match term {
                    None => view! { <span class=t.class()>{text}</span> }.into_any(),
                    Some(start) => view! {
                        <span class=format!("{} term", t.class())
                            id=(r.start == start).then(|| explain::editor_term_id(li, start))>{text}</span>
                    }
                    .into_any(),
                }
            })
            .collect_view();
        view! { {toks}"\n" }
    };
    // Keyed by line number and text: an edit colours again only the lines it changed
    // (and, for a line put in or taken out, the lines after it, whose ids move).
    let lines = move || {
        ctx.source.with(|s| {
            s.split('\n')
                .enumerate()
                .map(|(i, l)| (i, l.to_string()))
                .collect::<Vec<_>>()
        })
    };
    let plain = Memo::new(move |_| line_count.get() > HIGHLIGHT_MAX_LINES);
    let highlighted = move || {
        if plain.get() {
            view! { <span>{move || ctx.source.get()}</span> }.into_any()
        } else {
            view! { <For each=lines key=|l| l.clone() children=colour_line/> }.into_any()
        }
    };
    // The line of the selected event (the scrubber's): a band behind its text.
    let event_line = move || {
        let i = ctx.selected.get()?;
        ctx.eval
            .with(|e| e.rows.get(i).and_then(|r| r.script_line()))
    };
    // One span, always there, moved by its style, in a layer of its own behind the
    // coloured copy: any change inside the copy would lay out all of its text again
    // (25 ms for 10,000 lines at every move of the scrubber).
    let band_style = move || match event_line() {
        Some(l) => format!("top:{}", px((l - 1) as f64 * LINE_H + 6.0)),
        None => "display:none".to_string(),
    };
    let band = move || {
        view! {
            <span class="event-line" style=band_style
                data-line=move || event_line().map(|l| l.to_string()).unwrap_or_default()></span>
        }
    };
    let band_ref = NodeRef::<leptos::html::Div>::new();
    // As tall as the copy's text, so that the layer scrolls as far as the textarea does.
    let band_height = move || format!("height:{}", px(line_count.get() as f64 * LINE_H + 52.0));
    let ta_ref = NodeRef::<leptos::html::Textarea>::new();
    // The textarea's height and scroll position, kept as they change, so that bringing
    // a line into view reads no layout (a forced layout costs milliseconds per move of
    // the scrubber).
    let ta_height = StoredValue::new(0.0f64);
    let ta_scroll = StoredValue::new(0.0f64);
    Effect::new(move |_| {
        if let Some(ta) = ta_ref.get() {
            ta_height.set_value(ta.client_height() as f64);
        }
    });
    let resized = window_event_listener(ev::resize, move |_| {
        if let Some(ta) = ta_ref.get_untracked() {
            ta_height.set_value(ta.client_height() as f64);
        }
    });
    on_cleanup(move || resized.remove());
    // A selected event's line comes into view (the scroll event then moves the copies):
    // a step at once, a jump where the scrubber rests (`model::follow_line`).
    let pending = StoredValue::new(0u64);
    Effect::new(move |_| {
        let (Some(l), Some(ta)) = (event_line(), ta_ref.get_untracked()) else {
            return;
        };
        let top = (l - 1) as f64 * LINE_H;
        let to = model::follow_line(
            ta_scroll.get_value(),
            ta_height.get_value(),
            top,
            top + LINE_H + 12.0,
        );
        follow(pending, to, move |px| ta.set_scroll_top(px as i32));
    });
    // Where the cursor is: the timeline highlights that line's events.
    let track_cursor = move || {
        let Some(ta) = ta_ref.get_untracked() else {
            return;
        };
        let at = ta.selection_start().ok().flatten().unwrap_or(0) as usize;
        let line = ctx.source.with_untracked(|s| model::line_at_utf16(s, at));
        if ctx.cursor_line.get_untracked() != Some(line) {
            ctx.cursor_line.set(Some(line));
        }
    };
    let on_scroll = move |e: ev::Event| {
        let ta: web_sys::HtmlTextAreaElement = event_target(&e);
        ta_scroll.set_value(ta.scroll_top() as f64);
        if let Some(g) = gutter_ref.get() {
            g.set_scroll_top(ta.scroll_top());
        }
        if let Some(p) = pre_ref.get() {
            p.set_scroll_top(ta.scroll_top());
            p.set_scroll_left(ta.scroll_left());
        }
        if let Some(b) = band_ref.get() {
            b.set_scroll_top(ta.scroll_top());
        }
    };
    let error_box = move || {
        let from_parse = ctx.problem.get();
        let ev = ctx.eval.get();
        let p = from_parse.or_else(|| ev.run_error.clone());
        let failures = ev
            .failures
            .iter()
            .map(|f| view! { <li>{format!("line {}: {}", f.line, f.message)}</li> })
            .collect_view();
        view! {
            {p.map(|p| view! {
                <div class="problem" role="alert">
                    <strong>{p.headline()}</strong>
                    {p.hint.map(|h| view! { <div class="hint">{format!("hint: {h}")}</div> })}
                </div>
            })}
            {(!ev.failures.is_empty()).then(|| view! {
                <div class="failures">
                    <strong>"Expectations that failed"</strong>
                    <ul>{failures}</ul>
                </div>
            })}
        }
    };
    view! {
        <section class="editor-wrap" aria-labelledby="ed-label">
            <label id="ed-label" for="scenario">"Scenario"</label>
            <div class="editor">
                <div class="gutter" node_ref=gutter_ref aria-hidden="true">
                    <pre>{numbers}</pre>
                    {marks}
                </div>
                <div class="code">
                    // The underline lives in the coloured copy, so it scrolls with the text.
                    <div class="hl-band" node_ref=band_ref aria-hidden="true">
                        <div style=band_height>{band}</div>
                    </div>
                    <pre class="hl" node_ref=pre_ref aria-hidden="true">{highlighted}{underline}</pre>
                    <textarea id="scenario" spellcheck="false" autocomplete="off" node_ref=ta_ref
                        wrap="off"
                        prop:value=move || ctx.source.get()
                        on:input=move |e| {
                            forget_shared_link();
                            ctx.source.set(event_target_value(&e));
                            ctx.upto.set(None);
                            ctx.schedule();
                        }
                        on:scroll=on_scroll
                        on:keyup=move |e| { track_cursor(); explain::editor_caret(ctx, &event_target(&e)) }
                        on:click=move |e| { track_cursor(); explain::editor_caret(ctx, &event_target(&e)) }
                        on:mousemove=move |e| explain::editor_hover(ctx, &e)
                        on:focus=move |_| track_cursor()
                    ></textarea>
                </div>
            </div>
            {error_box}
        </section>
    }
}
