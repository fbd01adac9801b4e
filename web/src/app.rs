//! The page: components and signals over [`crate::model`]. Every piece of text that comes
//! from a script, a share link or storage reaches the DOM as a text node or a property,
//! never as HTML.

use crate::model::{self, Evaluation, Mark, Problem};
use leptos::ev;
use leptos::prelude::*;
use mapioffline::consts;
use mapioffline::lessons::{Lesson, LESSONS};
use std::sync::Arc;
use std::time::Duration;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen::JsValue;

/// A timeline row: a line of text over its arrow.
const ROW_H: f64 = 32.0;
/// The width of one lane of the timeline's sequence diagram.
const LANE_W: f64 = 90.0;
const LINE_H: f64 = 18.0;
/// Above this many lines the editor skips colouring (plain text stays fast).
const HIGHLIGHT_MAX_LINES: usize = 1500;
const DEBOUNCE: Duration = Duration::from_millis(120);

/// Shows a panic in the page (with a way out) instead of leaving it blank.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        // The wasm build drops panic locations (-Zlocation-detail=none), so show the
        // message alone rather than "<redacted>:0:0".
        let p = info.payload();
        let what = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_string());
        let msg = match info.location() {
            Some(l) if l.line() != 0 => format!("panicked at {}:{}: {what}", l.file(), l.line()),
            _ => format!("panicked: {what}"),
        };
        web_sys::console::error_1(&msg.clone().into());
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let Some(el) = doc.get_element_by_id("crash-msg") {
            el.set_text_content(Some(&msg));
        }
        if let Some(el) = doc.get_element_by_id("crash") {
            let _ = el.remove_attribute("hidden");
        }
    }));
}

/// JSON indented by two spaces (the browser's own JSON; natively, as it is).
fn indent_json(compact: &str) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let indented = js_sys::JSON::parse(compact).ok().and_then(|v| {
            js_sys::JSON::stringify_with_replacer_and_space(&v, &JsValue::NULL, &JsValue::from(2))
                .ok()
        });
        if let Some(s) = indented {
            return s.into();
        }
    }
    compact.to_string()
}

pub fn mount() {
    leptos::mount::mount_to_body(App);
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// `12px`: pixel values are whole, and formatting only integers keeps float formatting
/// (several KB) out of the wasm.
fn px(v: f64) -> String {
    format!("{}px", v.round() as i64)
}

/// `12.3` (milliseconds to a tenth), without float formatting.
fn tenths(v: f64) -> String {
    let t = (v.max(0.0) * 10.0).round() as u64;
    format!("{}.{}", t / 10, t % 10)
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// The script to start with: a shared link's, else the last one, else the first lesson;
/// with why the link could not be opened, if it could not (the last script is kept).
fn initial_script() -> (String, Option<String>) {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    let link_error = match model::script_from_fragment(&hash) {
        Ok(Some(s)) => return (s, None),
        Ok(None) => None,
        Err(model::Unreadable(why)) => Some(why),
    };
    let last = storage()
        .and_then(|st| st.get_item(model::STORAGE_KEY).ok().flatten())
        .unwrap_or_else(|| LESSONS[0].source.to_string());
    (last, link_error)
}

/// Once the script is edited, a share link in the address bar no longer matches it: drop
/// the fragment so a reload brings back the edited script (from storage), not the link's.
fn forget_shared_link() {
    let Some(w) = web_sys::window() else { return };
    let loc = w.location();
    if loc.hash().is_ok_and(|h| h.starts_with(model::SHARE_PREFIX)) {
        let path = loc.pathname().unwrap_or_default() + &loc.search().unwrap_or_default();
        if let Ok(h) = w.history() {
            let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
        }
    }
}

#[derive(Clone, Copy)]
struct Ctx {
    source: RwSignal<String>,
    /// Statements to run: `None` all, `Some(n)` the first n (stepping).
    upto: RwSignal<Option<usize>>,
    problem: RwSignal<Option<Problem>>,
    eval: RwSignal<Arc<Evaluation>>,
    eval_ms: RwSignal<f64>,
    /// Runs so far (`data-runs` on the status line: tests wait for it to change).
    runs: RwSignal<u64>,
    selected: RwSignal<Option<usize>>,
    lesson: RwSignal<Option<&'static Lesson>>,
    notice: RwSignal<String>,
    /// Why the link the page was opened with could not be read.
    link_error: RwSignal<Option<String>>,
    generation: StoredValue<u64>,
}

impl Ctx {
    /// Parses and runs the current script now.
    fn recompute(&self) {
        let t0 = now_ms();
        let src = self.source.get_untracked();
        if let Some(st) = storage() {
            let _ = st.set_item(model::STORAGE_KEY, &src);
        }
        match model::check_syntax(&src) {
            Err(p) => self.problem.set(Some(p)),
            Ok(script) => {
                self.problem.set(None);
                let ev = model::evaluate(&script, self.upto.get_untracked());
                self.selected.set(None);
                self.eval.set(Arc::new(ev));
            }
        }
        self.eval_ms.set(now_ms() - t0);
        self.runs.update(|n| *n += 1);
    }

    /// Re-runs after the user pauses typing.
    fn schedule(&self) {
        let g = self.generation.get_value() + 1;
        self.generation.set_value(g);
        let me = *self;
        set_timeout(
            move || {
                if me.generation.get_value() == g {
                    me.recompute();
                }
            },
            DEBOUNCE,
        );
    }

    /// Replaces the script (a lesson, a toggle) and runs it whole.
    fn load(&self, src: String) {
        self.source.set(src);
        self.upto.set(None);
        self.recompute();
    }

    fn run_all(&self) {
        self.upto.set(None);
        self.recompute();
    }

    fn step(&self) {
        let ev = self.eval.get_untracked();
        let next = match self.upto.get_untracked() {
            None => 1,
            Some(n) => (n + 1).min(ev.total.max(1)),
        };
        self.upto.set(Some(next));
        self.recompute();
    }

    fn reset(&self) {
        self.upto.set(Some(0));
        self.recompute();
    }

    fn share(&self) {
        let frag = match model::share_link(&self.source.get_untracked()) {
            Ok(f) => f,
            Err(model::Unreadable(why)) => {
                self.notice.set(why);
                return;
            }
        };
        self.link_error.set(None);
        let Some(w) = web_sys::window() else { return };
        let _ = w.location().set_hash(&frag);
        let url = w.location().href().unwrap_or_default();
        let clip = w.navigator().clipboard();
        let _ = clip.write_text(&url);
        self.notice
            .set("Link to this script is in the address bar (and copied)".into());
    }
}

/// A skip link's action: focus its target without touching the URL (its fragment may be a
/// share link).
fn focus_by_id(e: ev::MouseEvent, id: &str) {
    e.prevent_default();
    focus_id(id);
}

fn focus_id(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

#[component]
fn App() -> impl IntoView {
    let (script, link_error) = initial_script();
    let ctx = Ctx {
        source: RwSignal::new(script),
        upto: RwSignal::new(None),
        problem: RwSignal::new(None),
        eval: RwSignal::new(Arc::new(Evaluation::default())),
        eval_ms: RwSignal::new(0.0),
        runs: RwSignal::new(0),
        selected: RwSignal::new(None),
        lesson: RwSignal::new(None),
        notice: RwSignal::new(String::new()),
        link_error: RwSignal::new(link_error),
        generation: StoredValue::new(0),
    };
    provide_context(ctx);
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
                <Lessons/>
            </div>
            <div class="right">
                <Timeline/>
                <World/>
                <Findings/>
            </div>
        </main>
    }
}

#[component]
fn Editor() -> impl IntoView {
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
    let highlighted = move || {
        ctx.source.with(|s| {
            if line_count.get() > HIGHLIGHT_MAX_LINES {
                return view! { <span>{s.clone()}</span> }.into_any();
            }
            s.split('\n')
                .map(|line| {
                    let toks = model::highlight_line(line)
                        .into_iter()
                        .map(|(t, text)| {
                            view! { <span class=t.class()>{text.to_string()}</span> }
                        })
                        .collect_view();
                    view! { {toks}"\n" }
                })
                .collect_view()
                .into_any()
        })
    };
    let on_scroll = move |e: ev::Event| {
        let ta: web_sys::HtmlTextAreaElement = event_target(&e);
        if let Some(g) = gutter_ref.get() {
            g.set_scroll_top(ta.scroll_top());
        }
        if let Some(p) = pre_ref.get() {
            p.set_scroll_top(ta.scroll_top());
            p.set_scroll_left(ta.scroll_left());
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
                    <pre class="hl" node_ref=pre_ref aria-hidden="true">{highlighted}{underline}</pre>
                    <textarea id="scenario" spellcheck="false" autocomplete="off"
                        wrap="off"
                        prop:value=move || ctx.source.get()
                        on:input=move |e| {
                            forget_shared_link();
                            ctx.source.set(event_target_value(&e));
                            ctx.upto.set(None);
                            ctx.schedule();
                        }
                        on:scroll=on_scroll
                    ></textarea>
                </div>
            </div>
            {error_box}
        </section>
    }
}

#[component]
fn Timeline() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let scroll_top = RwSignal::new(0.0);
    let height = RwSignal::new(360.0);
    let list_ref = NodeRef::<leptos::html::Div>::new();
    let head_ref = NodeRef::<leptos::html::Div>::new();
    let lanes_w = move || format!("width:{}", px(ctx.eval.get().lanes.len() as f64 * LANE_W));
    // The longest text rendered so far for this evaluation, in bytes (never narrower than
    // its characters). Only the rows in view are worded, so the list grows sideways as
    // longer lines scroll into view, as a code editor's does; a new run starts again.
    let widest = RwSignal::new(0usize);
    let widest_of = StoredValue::new(0usize);
    let rows = move || {
        let ev = ctx.eval.get();
        let range = model::visible_range(scroll_top.get(), height.get(), ROW_H, ev.rows.len(), 4);
        let sel = ctx.selected.get();
        let lanes_style = format!("width:{}", px(ev.lanes.len() as f64 * LANE_W));
        let texts: Vec<String> = range
            .clone()
            .map(|i| ev.text(i).unwrap_or_default())
            .collect();
        let id = Arc::as_ptr(&ev) as usize;
        let before = if widest_of.get_value() == id {
            widest.get_untracked()
        } else {
            0
        };
        widest_of.set_value(id);
        let w = texts.iter().map(String::len).max().unwrap_or(0).max(before);
        if w != widest.get_untracked() {
            widest.set(w);
        }
        range
            .zip(texts)
            .map(|(i, text)| {
                let r = &ev.rows[i];
                let style = format!("top:{}", px(i as f64 * ROW_H));
                let class = format!(
                    "row {}{}",
                    r.kind.class(),
                    if sel == Some(i) { " sel" } else { "" }
                );
                // The text starts where its arrow (or mark) does, as a sequence diagram's
                // label sits on its message, and runs on to the right, never cut.
                let centre = |l: u16| l as f64 * LANE_W + LANE_W / 2.0;
                let (glyph, at, text_x) = match r.place.from {
                    Some(f) if f != r.place.to => {
                        let (a, b) = (
                            centre(f).min(centre(r.place.to)),
                            centre(f).max(centre(r.place.to)),
                        );
                        let dir = if r.place.to > f { "right" } else { "left" };
                        (format!("arrow {dir}"), format!("left:{};width:{}", px(a), px(b - a)), a + 4.0)
                    }
                    _ => {
                        let c = centre(r.place.to);
                        ("dot".to_string(), format!("left:{}", px(c - 4.0)), c + 8.0)
                    }
                };
                let text_style = format!("left:{}", px(text_x));
                let lanes_attr = match r.place.from {
                    Some(f) => format!("{f}>{}", r.place.to),
                    None => r.place.to.to_string(),
                };
                view! {
                    <div class=class style=style role="option" aria-selected=(sel == Some(i)).to_string()
                        id=format!("ev-{i}") data-lanes=lanes_attr
                        on:click=move |_| ctx.selected.set(Some(i))>
                        <span class="n">{format!("#{i}")}</span>
                        <span class="t">{format!("t={}", r.tick)}</span>
                        <span class="l">{format!("L{}", r.line)}</span>
                        <span class="k">{r.kind.class()}</span>
                        <span class="lanes" style=lanes_style.clone()>
                            <span class=glyph style=at aria-hidden="true"></span>
                            <span class="x" style=text_style>{text}</span>
                        </span>
                    </div>
                }
            })
            .collect_view()
    };
    let heads = move || {
        ctx.eval
            .get()
            .lanes
            .iter()
            .map(|l| {
                let full = match l.object {
                    Some(p) if l.kind != model::LaneKind::Unknown => format!("{} {p}", l.label),
                    _ => l.label.clone(),
                };
                view! {
                    <span class=format!("lane {:?}", l.kind).to_lowercase() title=full.clone()>
                        {l.label.clone()}
                        {l.object.filter(|_| l.kind != model::LaneKind::Unknown).map(|p| view! { <small>{p.to_string()}</small> })}
                    </span>
                }
            })
            .collect_view()
    };
    // The rows' height, and a width that holds the longest line whole (the list scrolls
    // sideways rather than cutting text off).
    let width = move || {
        let ev = ctx.eval.get();
        // The fixed columns, then the lanes, then room for the longest text from the
        // leftmost place a text can start.
        format!(
            "width:calc({}ch + {})",
            widest.get() + 16,
            px(ev.lanes.len() as f64 * LANE_W + 200.0)
        )
    };
    let total_h = move || {
        format!(
            "height:{};{}",
            px(ctx.eval.get().rows.len() as f64 * ROW_H),
            width()
        )
    };
    let on_scroll = move |_| {
        if let Some(el) = list_ref.get() {
            scroll_top.set(el.scroll_top() as f64);
            height.set(el.client_height() as f64);
            if let Some(h) = head_ref.get() {
                h.set_scroll_left(el.scroll_left());
            }
        }
    };
    let on_key = move |e: ev::KeyboardEvent| {
        let n = ctx.eval.get_untracked().rows.len();
        if n == 0 {
            return;
        }
        let cur = ctx.selected.get_untracked();
        let next = match e.key().as_str() {
            "ArrowDown" => cur.map_or(0, |c| (c + 1).min(n - 1)),
            "ArrowUp" => cur.map_or(0, |c| c.saturating_sub(1)),
            "Home" => 0,
            "End" => n - 1,
            _ => return,
        };
        e.prevent_default();
        ctx.selected.set(Some(next));
        if let Some(el) = list_ref.get() {
            let top = next as f64 * ROW_H;
            let h = el.client_height() as f64;
            let st = el.scroll_top() as f64;
            if top < st {
                el.set_scroll_top(top as i32);
            } else if top + ROW_H > st + h {
                el.set_scroll_top((top + ROW_H - h) as i32);
            }
            scroll_top.set(el.scroll_top() as f64);
        }
    };
    let detail =
        move || {
            let ev = ctx.eval.get();
            ctx.selected.get().and_then(|i| {
            let r = ev.rows.get(i)?;
            let json = ev.event_json(i).map(|j| indent_json(&j)).unwrap_or_default();
            Some(view! {
                <div class="detail">
                    <div>{format!("event #{i} at t={}, from script line {}", r.tick, r.line)}</div>
                    <div class="x">{ev.text(i)}</div>
                    <pre>{json}</pre>
                </div>
            })
        })
        };
    view! {
        <section class="panel" role="region" aria-label="Timeline">
            <h2>"Timeline"</h2>
            // The lanes' headings scroll sideways with the list, not down.
            <div class="lanehead" node_ref=head_ref aria-hidden="true">
                <div class="lanehead-in" style=width>
                    <span class="n"></span><span class="t">"time"</span><span class="l">"line"</span><span class="k">"kind"</span>
                    <span class="lanes" style=lanes_w>{heads}</span>
                </div>
            </div>
            <div class="timeline" id="timeline-list" node_ref=list_ref tabindex="0" role="listbox"
                aria-label="Trace events" on:scroll=on_scroll on:keydown=on_key>
                <div class="spacer" style=total_h>{rows}</div>
            </div>
            {detail}
        </section>
    }
}

#[component]
fn World() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let world = move || ctx.eval.get().world.clone();
    let objects = move || {
        world().map(|w| {
            w.objects
                .iter()
                .map(|o| {
                    let masked = o.state & consts::MAPIOFFLINE_STATE_OFFLINE_MASK;
                    let online = masked == consts::MAPIOFFLINE_STATE_ONLINE;
                    let lit = |on: bool| if on { "st lit" } else { "st" };
                    let regs = o
                        .registrations
                        .iter()
                        .map(|(tok, client, sink)| {
                            let name = w
                                .clients
                                .iter()
                                .find(|c| c.object == *sink)
                                .map(|c| c.name.clone())
                                .unwrap_or_default();
                            view! { <li>{format!("advise token {tok}: sink {sink} \"{name}\", ulClientToken {client}")}</li> }
                        })
                        .collect_view();
                    let state_text = consts::show_state(o.state);
                    view! {
                        <div class="obj" data-object=o.object.to_string()>
                            <div class="objhead">
                                {format!(
                                    "{} {} \"{}\" — refs {}",
                                    o.object,
                                    if o.is_global { "global object" } else { "object" },
                                    o.profile,
                                    o.refs
                                )}
                            </div>
                            <div class="diagram" aria-label=format!("state {state_text}{}", if o.in_transition { ", change in progress" } else { "" })>
                                <span class=lit(online && !o.in_transition)>"ONLINE"</span>
                                <span class=lit(o.in_transition)>"change in progress"</span>
                                <span class=lit(!online && !o.in_transition)>"OFFLINE"</span>
                            </div>
                            <div class="state-text">{state_text}</div>
                            <ul class="regs">{regs}</ul>
                        </div>
                    }
                })
                .collect_view()
        })
    };
    let clients = move || {
        world().map(|w| {
            w.clients
                .iter()
                .map(|c| {
                    view! { <li>{format!("{} \"{}\": refs {}{}", c.object, c.name, c.refs, if c.alive { "" } else { " (destroyed)" })}</li> }
                })
                .collect_view()
        })
    };
    let header = move || {
        world().map(|w| {
            format!(
                "t={}; network {}{}",
                w.now,
                if w.network_up { "up" } else { "down" },
                if w.ended {
                    "; Outlook has shut down"
                } else {
                    ""
                }
            )
        })
    };
    let network_up = move || world().map(|w| w.network_up).unwrap_or(true);
    let toggle_network = move |_| {
        let stmt = if network_up() {
            "network down"
        } else {
            "network up"
        };
        let src = model::append_lines(&ctx.source.get_untracked(), &[stmt, "run"]);
        ctx.load(src);
    };
    let servers = move || {
        world().map(|w| {
            w.profiles
                .iter()
                .map(|p| {
                    let up = p.server_up;
                    let name = p.name.clone();
                    let label = format!("Server \"{}\": {}", p.name, if up { "up" } else { "down" });
                    let quoted = format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""));
                    view! {
                        <button aria-pressed=up.to_string() on:click=move |_| {
                            let stmt = format!("server {quoted} {}", if up { "down" } else { "up" });
                            let src = model::append_lines(&ctx.source.get_untracked(), &[&stmt, "run"]);
                            ctx.load(src);
                        }>{label}</button>
                    }
                })
                .collect_view()
        })
    };
    let cfg = move |key: &'static str| {
        Memo::new(move |_| ctx.source.with(|s| model::config_value(s, key)))
    };
    let set4 = cfg("set4");
    let arch = cfg("arch");
    let bits = cfg("extra_state_bits");
    let set_cfg = move |key: &'static str, value: String| {
        ctx.load(model::set_config(&ctx.source.get_untracked(), key, &value));
    };
    view! {
        <section class="panel" role="region" aria-label="World state">
            <h2>"World state"</h2>
            <p class="worldhead">{header}</p>
            <div class="toggles">
                <button id="network-toggle" aria-pressed=move || network_up().to_string() on:click=toggle_network>
                    {move || format!("Network: {}", if network_up() { "up" } else { "down" })}
                </button>
                {servers}
                <label>"SET-4 reading "
                    <select prop:value=move || set4.get().unwrap_or_else(|| "documented".into())
                        on:change=move |e| set_cfg("set4", event_target_value(&e))>
                        <option value="documented">"documented"</option>
                        <option value="literal">"literal"</option>
                    </select>
                </label>
                <label>"Architecture "
                    <select prop:value=move || arch.get().unwrap_or_else(|| "x64".into())
                        on:change=move |e| set_cfg("arch", event_target_value(&e))>
                        <option value="x64">"x64"</option>
                        <option value="x86">"x86"</option>
                    </select>
                </label>
                <label>
                    <input type="checkbox"
                        prop:checked=move || bits.get().is_some_and(|v| v != "0")
                        on:change=move |e| {
                            let on = event_target_checked(&e);
                            set_cfg("extra_state_bits", if on { "0x100".into() } else { "0".into() });
                        }/>
                    " extra state bits (0x100)"
                </label>
            </div>
            <div class="objects">{objects}</div>
            <h3>"Client objects"</h3>
            <ul class="clients">{clients}</ul>
        </section>
    }
}

#[component]
fn Findings() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let list = move || {
        let ev = ctx.eval.get();
        if ev.findings.is_empty() {
            return view! { <p class="clean">"No findings: the client keeps rules R1–R7 so far."</p> }.into_any();
        }
        let items = ev
            .findings
            .iter()
            .map(|f| {
                let line = ev.rows.get(f.event).map(|r| r.line);
                let ev_i = f.event;
                view! {
                    <li class="finding">
                        <div>
                            <strong>{format!("{} ({})", f.rule, f.clause)}</strong>
                            {format!(" at event #{}, t={}", f.event, f.tick)}
                            {line.map(|l| format!(", line {l}"))}
                            " "
                            <button class="link" on:click=move |_| ctx.selected.set(Some(ev_i))>"show event"</button>
                        </div>
                        <div>{f.message.clone()}</div>
                        <div class="fix">{format!("fix: {}", f.fix)}</div>
                    </li>
                }
            })
            .collect_view();
        view! { <ul>{items}</ul> }.into_any()
    };
    view! {
        <section class="panel" role="region" aria-label="Findings">
            <h2>"Findings"</h2>
            {list}
        </section>
    }
}

#[component]
fn Lessons() -> impl IntoView {
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
                            ctx.lesson.set(Some(l));
                            ctx.load(l.source.to_string());
                        }>
                        {l.title}
                    </button>
                </li>
            }
        })
        .collect_view();
    let on_key = move |e: ev::KeyboardEvent| {
        let n = LESSONS.len();
        let cur = current.get_untracked();
        let next = match e.key().as_str() {
            "ArrowRight" | "ArrowDown" => (cur + 1) % n,
            "ArrowLeft" | "ArrowUp" => (cur + n - 1) % n,
            "Home" => 0,
            "End" => n - 1,
            _ => return,
        };
        e.prevent_default();
        current.set(next);
        focus_id(&format!("lesson-{next}"));
    };
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
