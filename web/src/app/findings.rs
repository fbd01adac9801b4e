//! The checker's findings and the expectations that failed.

use super::ctx::Ctx;
use super::explain::terms;
use leptos::prelude::*;

#[component]
pub(super) fn Findings() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // The findings visible as of the scrubber's event (core says which those are).
    // Redrawn only when which findings are visible changes, not at every move.
    let visible = Memo::new(move |_| ctx.as_of.with(|a| (a.back, a.findings.clone())));
    let list = move || {
        let ev = ctx.eval.get();
        let (back, shown) = visible.get();
        let later = ev.findings.len() - shown.len();
        let later_note = (back && later > 0).then(|| {
            view! { <p class="later">{format!("{later} more later in the run.")}</p> }
        });
        if shown.is_empty() {
            return view! {
                <p class="clean">"No findings: the client keeps rules R1–R7 so far."</p>
                {later_note}
            }
            .into_any();
        }
        let items = shown
            .iter()
            .filter_map(|&k| ev.findings.get(k))
            .map(|f| {
                let line = ev.rows.get(f.event).and_then(|r| r.script_line());
                let ev_i = f.event;
                let clause = f.clause.id();
                view! {
                    <li class="finding">
                        <div>
                            <strong>{terms(format!("{} ({})", f.rule, f.clause))}</strong>
                            {format!(" at event #{}, t={}", f.event, f.tick)}
                            {line.map(|l| format!(", line {l}"))}
                            " "
                            <button class="link" on:click=move |_| ctx.selected.set(Some(ev_i))>"show event"</button>
                            " "
                            <button class="link" on:click=move |_| ctx.show_clause(clause)>{format!("{clause} in the spec")}</button>
                        </div>
                        <div>{terms(f.message.clone())}</div>
                        <div class="fix">"fix: "{terms(f.fix.clone())}</div>
                    </li>
                }
            })
            .collect_view();
        view! { <ul>{items}</ul>{later_note} }.into_any()
    };
    view! {
        <section class="panel" role="region" aria-label="Findings">
            <h2>"Findings"</h2>
            {list}
        </section>
    }
}
