//! The selected event, readable: each field with its reference name, its value and what
//! the value means, the clause it demonstrates, and for a `Notify` its phase and the
//! registration it went to (core decodes it; this renders). Its JSON is one click away.

use super::dom::indent_json;
use super::explain::terms;
use crate::model::Evaluation;
use leptos::prelude::*;

/// The event view for event `i` of `ev`.
pub(super) fn event_view(ev: &Evaluation, i: usize) -> Option<AnyView> {
    let r = ev.rows.get(i)?;
    let json = ev.event_json(i).map(|j| indent_json(&j)).unwrap_or_default();
    let text = ev.text(i).unwrap_or_default();
    Some(
        view! {
            <div class="detail" role="region" aria-label="Selected event">
                <div>{format!("event #{i} at t={}, from script line {}", r.tick, r.line)}</div>
                <div class="x">{terms(text)}</div>
                <details class="json">
                    <summary>"JSON"</summary>
                    <pre>{json}</pre>
                </details>
            </div>
        }
        .into_any(),
    )
}
