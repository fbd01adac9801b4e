//! The selected event, readable: each field with its reference name, its value and what
//! the value means, the clauses it demonstrates, and for a `Notify` its phase and the
//! registration it went to. Core decodes it (`explain::event::decode`, in the second
//! module: `mapioffline.decodeEvent`, with explain's tables); this renders, with every
//! term explainable. Its JSON is one click away.

use super::ctx::Ctx;
use super::dom::indent_json;
use super::explain::{terms, TIP_ID};
use super::jsapi;
use crate::model::Evaluation;
use leptos::prelude::*;
use wasm_bindgen::JsValue;

/// Core's decoding of event `i`, once the second module is there (it holds the trace
/// and decodes any event without reading the trace again).
fn decoded(ctx: Ctx, ev: &Evaluation, i: usize) -> Option<JsValue> {
    if !ctx.api.get() {
        return None;
    }
    let d = jsapi::session_call(ev, "sessionDecode", &[JsValue::from(i as u32)]).ok()?;
    d.is_object().then_some(d)
}

/// Event `i` in the trace schema's JSON, indented (from the second module).
fn event_json(ev: &Evaluation, i: usize) -> Option<String> {
    let j = jsapi::session_call(ev, "sessionEventJson", &[JsValue::from(i as u32)]).ok()?;
    Some(indent_json(&j.as_string()?))
}

/// The event view for event `i` of `ev`.
pub(super) fn event_view(ev: &Evaluation, i: usize) -> Option<AnyView> {
    let ctx = expect_context::<Ctx>();
    let r = ev.rows.get(i)?;
    let d = decoded(ctx, ev, i);
    let kind = d.as_ref().and_then(|d| jsapi::str_of(d, "kind"));
    let title = d
        .as_ref()
        .and_then(|d| jsapi::str_of(d, "title"))
        .or_else(|| ev.text(i))
        .unwrap_or_default();
    let body = d.map(|d| {
        let fields = jsapi::list_of(&d, "fields")
            .into_iter()
            .map(|f| {
                let value = jsapi::str_of(&f, "value").unwrap_or_default();
                // The value is explained as core says, else as its words are.
                let value = match jsapi::str_of(&f, "explain") {
                    Some(t) => view! {
                        <span class="term" tabindex="0" data-term=t aria-describedby=TIP_ID>{value}</span>
                    }
                    .into_any(),
                    None => terms(value),
                };
                view! {
                    <dt>{terms(jsapi::str_of(&f, "name").unwrap_or_default())}</dt>
                    <dd>{value}</dd>
                    <dd class="meaning">{jsapi::str_of(&f, "meaning").map(terms)}</dd>
                }
            })
            .collect_view();
        let n = jsapi::get(&d, "notify");
        let delivery = n.is_object().then(|| {
            let num = |k: &str| jsapi::get(&n, k).as_f64().map(|v| v as u64);
            let mut s = format!(
                "phase {} to {} through advise token {} on {}",
                jsapi::str_of(&n, "phase_name").unwrap_or_default(),
                jsapi::str_of(&n, "sink_label").unwrap_or_default(),
                num("advise_token").unwrap_or_default(),
                jsapi::str_of(&n, "object")
                    .or_else(|| num("object").map(|p| format!("0x{p:08X}")))
                    .unwrap_or_default(),
            );
            if let Some(t) = num("client_token") {
                s.push_str(&format!(" (ulClientToken {t})"));
            }
            view! { <div class="delivery">{terms(s)}</div> }
        });
        let ids: Vec<String> = jsapi::list_of(&d, "clauses")
            .into_iter()
            .filter_map(|c| c.as_string())
            .collect();
        let clauses = (!ids.is_empty()).then(|| {
            view! { <div class="clause">"demonstrates "{terms(ids.join(", "))}</div> }
        });
        let answers = jsapi::get(&d, "answers").as_f64().map(|c| {
            let c = c as usize;
            view! {
                <div class="clause">{format!("answers the call at event #{c} ")}
                    <button class="link" on:click=move |_| ctx.selected.set(Some(c))>"show call"</button>
                </div>
            }
        });
        view! {
            {answers}
            <dl class="fields">{fields}</dl>
            {delivery}
            {clauses}
        }
    });
    // The JSON is fetched when its disclosure opens, not on every move of the scrubber.
    let json_open = RwSignal::new(false);
    let ev_json = ctx.eval.get_untracked();
    let json = move || {
        json_open
            .get()
            .then(|| event_json(&ev_json, i).unwrap_or_default())
    };
    Some(
        view! {
            <div class="detail" role="region" aria-label="Selected event">
                <div>{format!("event #{i}{} at t={}, {}",
                    kind.map(|k| format!(" ({k})")).unwrap_or_default(), r.tick,
                    r.script_line().map_or("from an opened trace".to_string(), |l| format!("from script line {l}")))}</div>
                <div class="x">{terms(title)}</div>
                {body}
                <details class="json" on:toggle=move |e| {
                    let open = event_target::<web_sys::HtmlDetailsElement>(&e).open();
                    json_open.set(open);
                }>
                    <summary>"JSON"</summary>
                    <pre>{json}</pre>
                </details>
            </div>
        }
        .into_any(),
    )
}
