//! The list of built-in lessons.

use super::ctx::Ctx;
use super::dom::roving;
use leptos::ev;
use leptos::prelude::*;
use mapioffline::lessons::LESSONS;

#[component]
pub(super) fn Lessons() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // One tab stop for the whole list (a toolbar with a roving tabindex): Tab goes past
    // the 20 lessons, the arrow keys, Home and End move between them.
    let current = RwSignal::new(0usize);
    let items = LESSONS
        .iter()
        .enumerate()
        .map(|(i, l)| {
            view! {
                <li>
                    <button class="lesson" id=format!("lesson-{i}")
                        tabindex=move || if current.get() == i { "0" } else { "-1" }
                        aria-pressed=move || (ctx.lesson.get().map(|x| x.name) == Some(l.name)).to_string()
                        on:click=move |_| {
                            current.set(i);
                            ctx.pick_lesson(l);
                        }>
                        {l.title}
                    </button>
                </li>
            }
        })
        .collect_view();
    let on_key = move |e: ev::KeyboardEvent| roving(&e, current, LESSONS.len(), "lesson");
    let explanation = move || {
        ctx.lesson.get().map(|l| {
            let clauses = l
                .clauses
                .iter()
                .map(|c| c.id())
                .collect::<Vec<_>>()
                .join(", ");
            view! {
                <div class="explanation">
                    <h3>{l.title}</h3>
                    <p>{l.explanation}</p>
                    <p class="clauses">{format!("Clauses: {clauses}")}</p>
                </div>
            }
        })
    };
    view! {
        <section class="panel" role="region" aria-label="Lessons">
            <h2>"Lessons"</h2>
            {explanation}
            <ul class="lessons" role="toolbar" aria-label="Lesson list (arrow keys move, Enter loads)"
                aria-orientation="horizontal" on:keydown=on_key>{items}</ul>
        </section>
    }
}
