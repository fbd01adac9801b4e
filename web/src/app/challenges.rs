//! The challenges: a list beside the lessons, and the picked one's goal, checked live
//! against the script (core's `Challenge::check`), with hints one at a time and a
//! solution. What is solved is kept in localStorage.

use super::ctx::Ctx;
use super::dom::{roving, storage};
use crate::model;
use leptos::ev;
use leptos::prelude::*;
use mapioffline::challenges::{Challenge, CHALLENGES};
use std::sync::Arc;

/// The solved challenges in storage (anything unreadable there counts as none).
pub(super) fn load_solved() -> Vec<&'static str> {
    let stored = storage().and_then(|st| st.get_item(model::SOLVED_KEY).ok().flatten());
    model::parse_solved(stored.as_deref())
}

impl Ctx {
    /// Judges the script against the picked challenge's goal (after every run). A goal
    /// met without the solution having been shown counts as solved, and is remembered.
    pub(super) fn check_goal(&self) {
        let Some(c) = self.challenge.get_untracked() else {
            if self.goal.with_untracked(Option::is_some) {
                self.goal.set(None);
            }
            return;
        };
        let report = self.source.with_untracked(|s| c.check(s));
        let met = report.met;
        self.goal.set(Some(Arc::new(report)));
        if met
            && !self.revealed.get_untracked()
            && !self.solved.with_untracked(|s| s.contains(&c.name))
        {
            let next = model::with_solved(&self.solved.get_untracked(), c.name);
            if let Some(st) = storage() {
                let _ = st.set_item(model::SOLVED_KEY, &model::store_solved(&next));
            }
            self.solved.set(next);
        }
    }

    /// Starts a challenge: its broken client in the editor, no hint shown.
    pub(super) fn pick_challenge(&self, c: &'static Challenge) {
        self.lesson.set(None);
        self.challenge.set(Some(c));
        self.hints_shown.set(0);
        self.revealed.set(false);
        self.load(c.broken.to_string());
    }
}

#[component]
pub(super) fn Challenges() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // One tab stop for the list, as for the lessons.
    let current = RwSignal::new(0usize);
    let items = CHALLENGES
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let solved = move || ctx.solved.with(|s| s.contains(&c.name));
            view! {
                <li>
                    <button class="challenge" id=format!("challenge-{i}")
                        tabindex=move || if current.get() == i { "0" } else { "-1" }
                        aria-pressed=move || (ctx.challenge.get().map(|x| x.name) == Some(c.name)).to_string()
                        on:click=move |_| {
                            current.set(i);
                            ctx.pick_challenge(c);
                        }>
                        {c.title}
                        {move || solved().then(|| view! { <span class="solved">" ✓ solved"</span> })}
                    </button>
                </li>
            }
        })
        .collect_view();
    let on_key = move |e: ev::KeyboardEvent| roving(&e, current, CHALLENGES.len(), "challenge");
    let goal = move || {
        ctx.challenge.get().map(|c| {
            let report = move || ctx.goal.get();
            let verdict = move || report().map(|r| model::verdict(&r)).unwrap_or_default();
            let met = move || report().is_some_and(|r| r.met);
            let goal_items = move || {
                report().map(|r| {
                    r.items
                        .iter()
                        .map(|it| {
                            let mark = if it.met { "✓" } else { "✗" };
                            let state = if it.met { "met" } else { "not met" };
                            view! {
                                <li class=if it.met { "item met" } else { "item unmet" }>
                                    <span class="mark" aria-hidden="true">{mark}</span>
                                    <span class="sr">{format!("{state}: ")}</span>
                                    {it.text.clone()}
                                    {it.why.clone().map(|w| view! { <div class="why">{w}</div> })}
                                </li>
                            }
                        })
                        .collect_view()
                })
            };
            let shown = move || ctx.hints_shown.get();
            let hints = move || {
                c.hints[..shown().min(c.hints.len())]
                    .iter()
                    .map(|h| view! { <li>{*h}</li> })
                    .collect_view()
            };
            let solved = move || ctx.solved.with(|s| s.contains(&c.name));
            let no_more = move || shown() >= c.hints.len();
            view! {
                <div class="goal">
                    <h3>{c.title}</h3>
                    <p class="story">{c.story}</p>
                    <p class="goal-text"><strong>"Goal: "</strong>{c.goal_text}</p>
                    <ul class="items" aria-label="Goal requirements">{goal_items}</ul>
                    <p class=move || if met() { "verdict met" } else { "verdict" } aria-live="polite">
                        {verdict}
                        {move || (met() && ctx.revealed.get()).then_some(" (with the solution shown, so it is not counted as solved)")}
                        {move || (met() && !ctx.revealed.get() && solved()).then_some(" Solved, and remembered in this browser.")}
                    </p>
                    <ol class="hints" aria-label="Hints">{hints}</ol>
                    <div class="goal-actions">
                        <button disabled=no_more
                            on:click=move |_| ctx.hints_shown.update(|n| *n += 1)>
                            {move || if no_more() {
                                "No more hints".to_string()
                            } else {
                                format!("Show a hint ({} of {})", shown() + 1, c.hints.len())
                            }}
                        </button>
                        <button on:click=move |_| {
                            ctx.revealed.set(true);
                            ctx.load(c.solution.to_string());
                        }>"Show a solution"</button>
                        <button on:click=move |_| ctx.pick_challenge(c)>"Start again"</button>
                    </div>
                </div>
            }
        })
    };
    view! {
        <section class="panel" role="region" aria-label="Challenges">
            <h2>"Challenges"</h2>
            {goal}
            <ul class="challenges" role="toolbar" aria-label="Challenge list (arrow keys move, Enter starts)"
                aria-orientation="horizontal" on:keydown=on_key>{items}</ul>
        </section>
    }
}
