//! The selected event, readable: each field with its reference name, its value and what
//! the value means, the clauses it demonstrates, and for a `Notify` its phase and the
//! registration it went to. Core decodes it (`explain::event::decode`); this renders, with
//! every term explainable. Its JSON is one click away.

use super::ctx::Ctx;
use super::dom::indent_json;
use super::explain::{terms, TIP_ID};
use crate::model::Evaluation;
use leptos::prelude::*;
use mapioffline::explain::event::decode;

/// The event view for event `i` of `ev`.
pub(super) fn event_view(ev: &Evaluation, i: usize) -> Option<AnyView> {
    let ctx = expect_context::<Ctx>();
    let r = ev.rows.get(i)?;
    let d = decode(ev.trace.as_ref()?, i)?;
    let json = ev
        .event_json(i)
        .map(|j| indent_json(&j))
        .unwrap_or_default();
    let fields = d
        .fields
        .into_iter()
        .map(|f| {
            // The value is explained as core says (`explain`), else as its words are.
            let value = match f.explain {
                Some(t) => view! {
                    <span class="term" tabindex="0" data-term=t aria-describedby=TIP_ID>{f.value}</span>
                }
                .into_any(),
                None => terms(f.value),
            };
            view! {
                <dt>{terms(f.name)}</dt>
                <dd>{value}</dd>
                <dd class="meaning">{f.meaning.map(terms)}</dd>
            }
        })
        .collect_view();
    let delivery = d.notify.map(|n| {
        let mut s = format!(
            "phase {} to {} through advise token {} on {}",
            n.phase_name, n.sink_label, n.advise_token, n.object
        );
        if let Some(t) = n.client_token {
            s.push_str(&format!(" (ulClientToken {t})"));
        }
        view! { <div class="delivery">{terms(s)}</div> }
    });
    let clauses = (!d.clauses.is_empty()).then(|| {
        let ids: Vec<String> = d.clauses.iter().map(|c| c.to_string()).collect();
        view! { <div class="clause">"demonstrates "{terms(ids.join(", "))}</div> }
    });
    let answers = d.answers.map(|c| {
        view! {
            <div class="clause">{format!("answers the call at event #{c} ")}
                <button class="link" on:click=move |_| ctx.selected.set(Some(c))>"show call"</button>
            </div>
        }
    });
    Some(
        view! {
            <div class="detail" role="region" aria-label="Selected event">
                <div>{format!("event #{i} ({}) at t={}, from script line {}", d.kind, r.tick, r.line)}</div>
                <div class="x">{terms(d.title)}</div>
                {answers}
                <dl class="fields">{fields}</dl>
                {delivery}
                {clauses}
                <details class="json">
                    <summary>"JSON"</summary>
                    <pre>{json}</pre>
                </details>
            </div>
        }
        .into_any(),
    )
}
