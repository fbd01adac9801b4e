//! The spec browser: every clause of the contract with its kind, its text in `explain`'s
//! words (both readings where the reference contradicts itself), and the lessons,
//! challenges and conformance scenarios that exercise it, each a click away from the
//! editor. Findings and clause terms link here. The data is core's (`exercised`,
//! `explain`), from the second module (`mapioffline.specBrowser`).

use super::ctx::Ctx;
use super::explain::terms;
use super::jsapi;
use leptos::lazy;
use leptos::prelude::*;
use mapioffline::challenges::CHALLENGES;
use mapioffline::lessons::LESSONS;
use std::sync::Arc;
use wasm_bindgen::JsValue;

/// One clause as the browser lists it.
#[derive(Clone, Debug, PartialEq)]
struct Entry {
    id: String,
    kind: String,
    section: String,
    summary: String,
    /// The explanation's title, then its sections as (heading, lines).
    title: String,
    sections: Vec<(Option<String>, Vec<String>)>,
    examples: Vec<Example>,
}

/// Something that exercises a clause: `kind` is `lesson`, `challenge` or `scenario`.
#[derive(Clone, Debug, PartialEq)]
struct Example {
    kind: String,
    name: String,
    title: String,
}

/// The element id of a clause's entry (`clause-SET-4`).
fn entry_id(id: &str) -> String {
    format!("clause-{id}")
}

/// Reads the second module's `specBrowser()`.
fn load() -> Result<Vec<Entry>, String> {
    let v = jsapi::call("specBrowser", &[])?;
    let s = |v: &JsValue, k: &str| jsapi::str_of(v, k).unwrap_or_default();
    Ok(js_sys::Array::from(&v)
        .iter()
        .map(|c| {
            let x = jsapi::get(&c, "explanation");
            let sections = jsapi::sections(&x);
            let examples = jsapi::list_of(&c, "examples")
                .into_iter()
                .map(|e| Example {
                    kind: s(&e, "kind"),
                    name: s(&e, "name"),
                    title: jsapi::str_of(&e, "title").unwrap_or_else(|| s(&e, "name")),
                })
                .collect();
            Entry {
                id: s(&c, "id"),
                kind: s(&c, "kind"),
                section: s(&c, "section"),
                summary: s(&c, "summary"),
                title: s(&x, "title"),
                sections,
                examples,
            }
        })
        .collect())
}

/// Whether a clause matches the filter: its ID, kind, section, summary or text contain
/// every word of it (case does not matter).
fn matches(e: &Entry, filter: &str) -> bool {
    let hay = format!(
        "{} {} {} {} {}",
        e.id,
        e.kind,
        e.section,
        e.summary,
        e.sections
            .iter()
            .flat_map(|(_, l)| l.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    )
    .to_lowercase();
    filter
        .split_whitespace()
        .all(|w| hay.contains(&w.to_lowercase()))
}

impl Ctx {
    /// Opens the spec browser at a clause (a finding's or a clause term's link).
    pub(super) fn show_clause(&self, id: &str) {
        self.spec_clause.set(Some(id.to_string()));
    }

    /// Loads what exercises a clause into the editor, as the lesson and challenge lists
    /// and opening a file do.
    fn open_example(&self, ex: &Example) {
        match ex.kind.as_str() {
            "lesson" => {
                if let Some(l) = LESSONS.iter().find(|l| l.name == ex.name) {
                    self.pick_lesson(l);
                }
            }
            "challenge" => {
                if let Some(c) = CHALLENGES.iter().find(|c| c.name == ex.name) {
                    self.pick_challenge(c);
                }
            }
            _ => match jsapi::call("scenarioSource", &[JsValue::from_str(&ex.name)]) {
                Ok(src) => {
                    self.lesson.set(None);
                    self.challenge.set(None);
                    self.load(src.as_string().unwrap_or_default());
                    self.notice
                        .set(format!("Loaded the conformance scenario {}", ex.name));
                }
                Err(why) => self.notice.set(why),
            },
        }
    }
}

#[component]
pub(super) fn SpecBrowser() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // Folded at first, as the C++ view: one tab stop on the way down the page. Its body is
    // a chunk of its own, fetched the first time it opens, and kept once there.
    let opened = RwSignal::new(false);
    let details_ref = NodeRef::<leptos::html::Details>::new();
    // A link to a clause opens the panel (the body shows the clause).
    Effect::new(move |_| {
        if ctx.spec_clause.with(Option::is_some) {
            opened.set(true);
            if let Some(d) = details_ref.get_untracked() {
                d.set_open(true);
            }
        }
    });
    view! {
        <section class="panel spec" role="region" aria-label="Spec browser">
            <details node_ref=details_ref on:toggle=move |e| {
                if event_target::<web_sys::HtmlDetailsElement>(&e).open() {
                    opened.set(true);
                }
            }>
                <summary><h2>"Spec browser"</h2></summary>
                {move || opened.get().then(|| super::lazily(move || spec_body(ctx)))}
            </details>
        </section>
    }
}

/// Everything inside the panel: the clauses read from the second module, the filter, the
/// list, and bringing a linked clause into view.
#[lazy]
fn spec_body(ctx: Ctx) -> AnyView {
    let data = RwSignal::new(None::<Result<Arc<Vec<Entry>>, String>>);
    let filter = RwSignal::new(String::new());
    let expanded = RwSignal::new(Vec::<String>::new());
    // The data is read once (every example runs once, in the second module).
    Effect::new(move |_| {
        if ctx.api.get() && data.with_untracked(Option::is_none) {
            data.set(Some(load().map(Arc::new)));
        }
    });
    // A link to a clause: unfolded, into view, and focused on its heading.
    Effect::new(move |_| {
        let Some(id) = ctx.spec_clause.get() else {
            return;
        };
        filter.set(String::new());
        expanded.update(|v| {
            if !v.contains(&id) {
                v.push(id.clone());
            }
        });
        request_animation_frame(move || {
            let doc = web_sys::window().and_then(|w| w.document());
            if let Some(el) = doc.and_then(|d| d.get_element_by_id(&entry_id(&id))) {
                el.scroll_into_view();
                if let Ok(Some(b)) = el.query_selector("button.clause-head") {
                    let _ = wasm_bindgen::JsCast::unchecked_into::<web_sys::HtmlElement>(b).focus();
                }
            }
            ctx.spec_clause.set(None);
        });
    });
    let summary_line = move || {
        data.with(|d| match d {
            Some(Ok(list)) => {
                let covered = list.iter().filter(|e| !e.examples.is_empty()).count();
                format!(
                    "{} clauses, {covered} exercised by a lesson, challenge or scenario",
                    list.len()
                )
            }
            _ => String::new(),
        })
    };
    let body = move || {
        let view = match data.get() {
            None => view! { <p class="xnote">"Loading the contract…"</p> }.into_any(),
            Some(Err(why)) => view! { <p class="xerr">{why}</p> }.into_any(),
            Some(Ok(list)) => {
                let f = filter.get();
                let shown: Vec<Entry> = list.iter().filter(|e| matches(e, &f)).cloned().collect();
                if shown.is_empty() {
                    return Some(view! { <p class="none">"No clause matches."</p> }.into_any());
                }
                let mut section = String::new();
                shown
                    .into_iter()
                    .map(|e| {
                        let heading = (e.section != section).then(|| {
                            section = e.section.clone();
                            view! { <li class="spec-section"><h3>{e.section.clone()}</h3></li> }
                        });
                        view! { {heading}{clause_view(ctx, e, expanded)} }
                    })
                    .collect_view()
                    .into_any()
            }
        };
        Some(view)
    };
    view! {
        <p class="spec-count">{summary_line}</p>
        <input type="search" class="spec-filter" aria-label="Filter clauses"
            placeholder="filter: SET-4, E_PENDING, doc-defect, Advise…"
            prop:value=move || filter.get()
            on:input=move |e| filter.set(event_target_value(&e))/>
        <ul class="spec-list">{body}</ul>
    }
    .into_any()
}

/// One clause: its heading (a button that unfolds it), then its text and its examples.
fn clause_view(ctx: Ctx, e: Entry, expanded: RwSignal<Vec<String>>) -> impl IntoView {
    let id = e.id.clone();
    let is_open = {
        let id = id.clone();
        move || expanded.with(|v| v.contains(&id))
    };
    let toggle = {
        let id = id.clone();
        move |_| {
            expanded.update(|v| match v.iter().position(|x| *x == id) {
                Some(k) => {
                    v.remove(k);
                }
                None => v.push(id.clone()),
            })
        }
    };
    let count = match e.examples.len() {
        0 => "not exercised".to_string(),
        1 => "1 example".to_string(),
        n => format!("{n} examples"),
    };
    let panel_id = format!("{}-body", entry_id(&id));
    let (kind, summary) = (e.kind.clone(), e.summary.clone());
    let body = {
        let is_open = is_open.clone();
        move || {
            is_open().then(|| {
                let sections = e
                    .sections
                    .iter()
                    .map(|(h, lines)| {
                        let items = lines
                            .iter()
                            .map(|l| view! { <li>{terms(l.clone())}</li> })
                            .collect_view();
                        view! {
                            {h.clone().map(|h| view! { <h4>{h}</h4> })}
                            <ul>{items}</ul>
                        }
                    })
                    .collect_view();
                let examples = e
                    .examples
                    .iter()
                    .map(|x| {
                        let x2 = x.clone();
                        let label = format!("{}: {}", x.kind, x.title);
                        view! {
                            <li><button class="link example" on:click=move |_| ctx.open_example(&x2)>{label}</button></li>
                        }
                    })
                    .collect_view();
                let none = e
                    .examples
                    .is_empty()
                    .then(|| view! { <p class="none">"Nothing exercises this clause yet."</p> });
                view! {
                    <p class="xt"><strong>{e.title.clone()}</strong></p>
                    {sections}
                    <h4>"Exercised by"</h4>
                    {none}
                    <ul class="examples">{examples}</ul>
                }
            })
        }
    };
    view! {
        <li class="clause" id=entry_id(&id)>
            <button class="clause-head" aria-expanded=move || is_open().to_string()
                aria-controls=panel_id.clone() on:click=toggle>
                <span class="cid">{id.clone()}</span>
                " "<span class=format!("ckind {kind}")>{kind.clone()}</span>
                " "<span class="csum">{summary}</span>
                " "<span class="ccount">{count}</span>
            </button>
            <div id=panel_id class="clause-body">{body}</div>
        </li>
    }
}
