//! The call builder: core's forms (`scenario::builder`) as selects, the statement core
//! writes for them, inserted at the editor's cursor. The page spells no statement itself.

use super::ctx::Ctx;
use crate::model;
use leptos::lazy;
use leptos::prelude::*;
use mapioffline::scenario::builder::{self, Form, FORMS};
use wasm_bindgen::JsCast;

/// A select's value for "type a value of your own".
const OTHER: &str = "\u{1}other";

fn textarea() -> Option<web_sys::HtmlTextAreaElement> {
    web_sys::window()?
        .document()?
        .get_element_by_id("scenario")?
        .dyn_into()
        .ok()
}

#[component]
pub(super) fn Builder() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // Folded by default: one tab stop on the way from the editor to the world state. Its
    // body is a chunk of its own, fetched the first time it opens, and kept once there.
    let opened = RwSignal::new(false);
    view! {
        <details class="panel builder" on:toggle=move |e| {
            if event_target::<web_sys::HtmlDetailsElement>(&e).open() {
                opened.set(true);
            }
        }>
            <summary>"Call builder: make any call or world action with the mouse"</summary>
            {move || opened.get().then(|| super::lazily(move || builder_body(ctx)))}
        </details>
    }
}

/// The form: the call or action, a select per argument, the statement, Insert.
#[lazy]
fn builder_body(ctx: Ctx) -> AnyView {
    let form: RwSignal<&'static Form> = RwSignal::new(&FORMS[0]);
    // (param, select value, typed value) for the current form.
    let picked: RwSignal<Vec<(&'static str, String, String)>> = RwSignal::new(Vec::new());
    let value_of = move |name: &str| {
        picked.with(|p| {
            p.iter()
                .find(|(n, _, _)| *n == name)
                .map(|(_, sel, typed)| {
                    if sel == OTHER {
                        typed.clone()
                    } else {
                        sel.clone()
                    }
                })
                .unwrap_or_default()
        })
    };
    let set = move |name: &'static str, sel: Option<String>, typed: Option<String>| {
        picked.update(|p| {
            let i = match p.iter().position(|(n, _, _)| *n == name) {
                Some(i) => i,
                None => {
                    p.push((name, String::new(), String::new()));
                    p.len() - 1
                }
            };
            if let Some(s) = sel {
                p[i].1 = s;
            }
            if let Some(t) = typed {
                p[i].2 = t;
            }
        })
    };
    let statement = Memo::new(move |_| {
        let f = form.get();
        let values: Vec<(&str, String)> = f
            .params
            .iter()
            .map(|p| (p.name, value_of(p.name)))
            .collect();
        let refs: Vec<(&str, &str)> = values.iter().map(|(n, v)| (*n, v.as_str())).collect();
        f.statement(&refs).map_err(|builder::Missing(why)| why)
    });
    let insert = move |_| {
        let Ok(stmt) = statement.get_untracked() else {
            return;
        };
        let ta = textarea();
        let cursor = ta
            .as_ref()
            .and_then(|t| t.selection_start().ok().flatten())
            .map_or(usize::MAX, |c| c as usize);
        let (src, at) = ctx
            .source
            .with_untracked(|s| model::insert_statement(s, cursor, &stmt));
        ctx.source.set(src);
        if let Some(t) = ta {
            // The textarea follows the signal on the next frame; put the cursor after the
            // statement so the next insertion goes below it.
            t.set_value(&ctx.source.get_untracked());
            let _ = t.set_selection_range(at as u32, at as u32);
            let _ = t.focus();
        }
        ctx.schedule();
    };
    let params = move || {
        let f = form.get();
        let bound = ctx.eval.with(|e| e.bound.clone());
        f.params
            .iter()
            .map(|p| {
                let id = format!("b-{}-{}", f.id, p.name.replace(' ', "-"));
                let choices = p.choices(&bound);
                let blank = if p.optional { "(leave out)" } else { "(choose)" };
                let options = choices
                    .iter()
                    .map(|c| {
                        let label = if c.note.is_empty() {
                            c.text.clone()
                        } else {
                            format!("{} — {}", c.text, c.note)
                        };
                        view! { <option value=c.text.clone()>{label}</option> }
                    })
                    .collect_view();
                let name = p.name;
                let typed_id = format!("{id}-typed");
                let other = move || value_is_other(&picked, name);
                view! {
                    <div class="b-param">
                        <label for=id.clone()>{p.name}</label>
                        <select id=id.clone() title=p.doc prop:value=move || select_value(&picked, name)
                            on:change=move |e| set(name, Some(event_target_value(&e)), None)>
                            <option value="">{blank}</option>
                            {options}
                            <option value=OTHER>"other value…"</option>
                        </select>
                        <input id=typed_id type="text" class="b-typed" hidden=move || !other()
                            aria-label=format!("{name}: a value of your own")
                            placeholder="a number, a name, NULL…"
                            on:input=move |e| set(name, None, Some(event_target_value(&e)))/>
                        <span class="b-doc">{p.doc}</span>
                    </div>
                }
            })
            .collect_view()
    };
    let forms = FORMS
        .iter()
        .map(|f| view! { <option value=f.id>{format!("{} — {}", f.id, f.title)}</option> })
        .collect_view();
    view! {
            <div role="region" aria-label="Call builder">
            <label for="b-form">"Call or action"</label>
            <select id="b-form" on:change=move |e| {
                if let Some(f) = builder::form(&event_target_value(&e)) {
                    picked.set(Vec::new());
                    form.set(f);
                }
            }>{forms}</select>
            <div class="b-params">{params}</div>
            <p class="b-out" aria-live="polite">
                {move || match statement.get() {
                    Ok(s) => view! { <code class="b-stmt">{s}</code> }.into_any(),
                    Err(why) => view! { <span class="b-missing">{why}</span> }.into_any(),
                }}
            </p>
            <button class="b-insert" disabled=move || statement.get().is_err()
                on:click=insert title="Insert the statement at the editor's cursor">"Insert at cursor"</button>
            </div>
    }
    .into_any()
}

/// What a param's select shows (its options are redrawn after every run).
fn select_value(picked: &RwSignal<Vec<(&'static str, String, String)>>, name: &str) -> String {
    picked.with(|p| {
        p.iter()
            .find(|(n, _, _)| *n == name)
            .map(|(_, sel, _)| sel.clone())
            .unwrap_or_default()
    })
}

fn value_is_other(picked: &RwSignal<Vec<(&'static str, String, String)>>, name: &str) -> bool {
    picked.with(|p| p.iter().any(|(n, sel, _)| *n == name && sel == OTHER))
}
