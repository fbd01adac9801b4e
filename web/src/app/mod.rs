//! The page: components and signals over [`crate::model`]. Every piece of text that comes
//! from a script, a share link or storage reaches the DOM as a text node or a property,
//! never as HTML.
//!
//! One file per part of the page: `ctx` (the signals every component shares and what the
//! toolbar does), `dom` (small browser helpers), then one file per component (`builder` is
//! the call builder).

mod builder;
mod challenges;
mod cpp;
mod ctx;
mod dom;
mod editor;
mod event;
mod explain;
mod export;
mod findings;
mod jsapi;
mod lessons;
mod scrubber;
mod spec;
mod theme;
mod timeline;
mod world;

use builder::Builder;
use challenges::Challenges;
use cpp::CppView;
use ctx::{initial_script, Ctx};
use dom::{focus_by_id, tenths};
use editor::Editor;
use explain::{ExplainSearch, ExplainTip};
use export::Export;
use findings::Findings;
use leptos::ev;
use leptos::prelude::*;
use lessons::Lessons;
use spec::SpecBrowser;
use std::sync::Arc;
use theme::ThemeButton;
use timeline::Timeline;
use world::World;

#[cfg(target_arch = "wasm32")]
pub use dom::install_panic_hook;

use crate::model::Evaluation;

/// A part of the page whose code is a chunk of its own (a `#[lazy]` function returning
/// its view): "Loading…" until the chunk has arrived, the first time only. The chunk runs
/// under this part's reactive owner, so its signals and effects live and die with it.
fn lazily<F, Fut>(load: F) -> impl IntoView
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = AnyView> + Send + 'static,
{
    view! {
        <Suspense fallback=|| view! { <p class="xnote">"Loading…"</p> }>
            {move || Suspend::new(load())}
        </Suspense>
    }
}

pub fn mount() {
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let (script, link_error) = initial_script();
    let eval = RwSignal::new(Arc::new(Evaluation::default()));
    let selected = RwSignal::new(None);
    let ctx = Ctx {
        source: RwSignal::new(script),
        upto: RwSignal::new(None),
        problem: RwSignal::new(None),
        eval,
        eval_ms: RwSignal::new(0.0),
        runs: RwSignal::new(0),
        selected,
        cursor_line: RwSignal::new(None),
        as_of: Memo::new(move |_| Arc::new(crate::model::as_of(&eval.get(), selected.get()))),
        lesson: RwSignal::new(None),
        challenge: RwSignal::new(None),
        goal: RwSignal::new(None),
        hints_shown: RwSignal::new(0),
        revealed: RwSignal::new(false),
        solved: RwSignal::new(challenges::load_solved()),
        notice: RwSignal::new(String::new()),
        link_error: RwSignal::new(link_error),
        generation: StoredValue::new(0),
        api: RwSignal::new(jsapi::loaded()),
        tip: RwSignal::new(None),
        spec_clause: RwSignal::new(None),
    };
    provide_context(ctx);
    // The second module loads after the page is interactive; `index.html` says when.
    let api_ready = window_event_listener_untyped(jsapi::READY_EVENT, move |_| ctx.api.set(true));
    on_cleanup(move || api_ready.remove());
    ctx.recompute();

    // Ctrl+Enter runs from anywhere.
    let handle = window_event_listener(ev::keydown, move |e| {
        if (e.ctrl_key() || e.meta_key()) && e.key() == "Enter" {
            e.prevent_default();
            ctx.run_all();
        }
    });
    on_cleanup(move || handle.remove());

    let status = move || {
        let ev = ctx.eval.get();
        if let Some(name) = &ev.opened {
            return format!(
                "the trace {name}: {} events (opened; Run returns to the script)",
                ev.rows.len()
            );
        }
        let mut s = format!(
            "{} of {} statements ran, {} events, {} ms",
            ev.executed,
            ev.total,
            ev.rows.len(),
            tenths(ctx.eval_ms.get())
        );
        if let Some(l) = ev.next_line {
            s.push_str(&format!("; next: line {l}"));
        }
        s
    };

    view! {
        <nav class="skip" aria-label="Skip links">
            <a href="#scenario" on:click=move |e| focus_by_id(e, "scenario")>"Skip to editor"</a>
            <a href="#timeline-list" on:click=move |e| focus_by_id(e, "timeline-list")>"Skip to timeline"</a>
            <a href="#network-toggle" on:click=move |e| focus_by_id(e, "network-toggle")>"Skip to world state"</a>
        </nav>
        <header class="top">
            <h1>"MAPI Offline State playground"</h1>
            <div class="controls" role="toolbar" aria-label="Run control">
                <button on:click=move |_| ctx.run_all() title="Run the whole script (Ctrl+Enter)">"Run"</button>
                <button on:click=move |_| ctx.step() title="Run the next statement">"Step"</button>
                <button on:click=move |_| ctx.reset() title="Back to an empty world">"Reset"</button>
                <button on:click=move |_| ctx.share() title="Put the script in the link">"Share"</button>
            </div>
            <ThemeButton/>
            <p class="status" role="status" data-events=move || ctx.eval.get().rows.len()
                data-runs=move || ctx.runs.get()>{status}</p>
            <p class="notice" aria-live="polite">{move || ctx.notice.get()}</p>
            {move || ctx.link_error.get().map(|why| view! {
                <div class="link-error" role="alert">
                    {format!("This link is unreadable: {why}. Your last script is kept.")}
                    " "
                    <button class="link" on:click=move |_| ctx.link_error.set(None)>"Dismiss"</button>
                </div>
            })}
        </header>
        <main class="grid">
            <div class="left">
                <Editor/>
                <Builder/>
                <CppView/>
                <Lessons/>
                <Challenges/>
            </div>
            <div class="right">
                <Timeline/>
                <World/>
                <Findings/>
                <SpecBrowser/>
                <ExplainSearch/>
                <Export/>
            </div>
        </main>
        <ExplainTip/>
    }
}
