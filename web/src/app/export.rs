//! Export and open: the trace as JSON (what `mapioffline check` reads), Mermaid and
//! Markdown, the script as a `.scn` file, the C++ as a file; and a `.scn` from disk into
//! the editor. The renderers run in the second module; the trace's JSON is the page's own.

use super::ctx::Ctx;
use super::jsapi;
use crate::model;
use leptos::lazy;
use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Offers `text` as a download named `name`.
fn download(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts)
        .map_err(|_| "the browser could not make the file")?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)
        .map_err(|_| "the browser could not make the file")?;
    let doc = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(|_| "no document")?
        .unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// The trace rendered by the second module (`json`, `markdown`, `mermaid`, `cpp`).
fn rendered(ev: &model::Evaluation, format: &str) -> Result<String, String> {
    let r = jsapi::session_call(ev, "sessionRender", &[JsValue::from_str(format)])?;
    r.as_string()
        .ok_or_else(|| "the renderer returned no text".to_string())
}

/// What an export button downloads.
#[derive(Clone, Copy)]
enum What {
    Trace,
    Mermaid,
    Markdown,
    Script,
    Cpp,
}

impl What {
    fn save(self, ctx: Ctx) -> Result<String, String> {
        let ev = ctx.eval.get_untracked();
        let lesson = ctx.lesson.get_untracked().map(|l| l.name);
        let (ext, mime, text) = match self {
            What::Trace => ("json", "application/json", rendered(&ev, "json")?),
            What::Mermaid => ("mmd", "text/plain", rendered(&ev, "mermaid")?),
            What::Markdown => ("md", "text/markdown", rendered(&ev, "markdown")?),
            What::Script => ("scn", "text/plain", ctx.source.get_untracked()),
            What::Cpp => ("cpp", "text/x-c++src", rendered(&ev, "cpp")?),
        };
        let name = model::file_name(lesson, ext);
        download(&name, mime, &text)?;
        Ok(name)
    }
}

/// The trace reader, serde's for the whole trace schema, is most of a chunk of its own
/// (`cargo xtask dist` splits it off): a page that never opens a trace never downloads it.
#[lazy]
fn read_trace_lazily(name: String, text: String) -> Result<mapioffline::Trace, String> {
    model::read_trace(&name, &text)
}

/// Reads the file chosen in `input` as text, once `check` (given its name and size)
/// allows it, and hands it to `then` with its name; says why it could not.
fn read_chosen(
    ctx: Ctx,
    input: web_sys::HtmlInputElement,
    check: fn(&str, f64) -> Result<(), String>,
    then: impl FnOnce(String, String) + 'static,
) {
    let Some(file) = input.files().and_then(|f| f.get(0)) else {
        return;
    };
    // The same file chosen again must fire `change` again.
    input.set_value("");
    let name = file.name();
    if let Err(why) = check(&name, file.size()) {
        ctx.notice.set(why);
        return;
    }
    let on_text = Closure::once(move |v: JsValue| then(name, v.as_string().unwrap_or_default()));
    let on_err = Closure::once(move |_: JsValue| {
        ctx.notice.set("The file could not be read".to_string());
    });
    let _ = file.text().then2(&on_text, &on_err);
    // The promise owns the callbacks from here.
    on_text.forget();
    on_err.forget();
}

/// Reads the chosen trace file and shows it: the same timeline, time travel, event view
/// and findings as a script's run.
fn open_trace_file(ctx: Ctx, input: web_sys::HtmlInputElement) {
    read_chosen(
        ctx,
        input,
        model::check_opened_trace_size,
        move |name, text| {
            ctx.notice.set(format!("Reading {name}…"));
            leptos::task::spawn_local(async move {
                match read_trace_lazily(name.clone(), text.clone()).await {
                    Ok(trace) => ctx.open_trace(&name, text, trace),
                    Err(why) => ctx.notice.set(why),
                }
            });
        },
    );
}

/// Reads the chosen file into the editor and runs it.
fn open_file(ctx: Ctx, input: web_sys::HtmlInputElement) {
    read_chosen(
        ctx,
        input,
        model::check_opened_size,
        move |name, text| match model::opened_script(&name, &text) {
            Ok(src) => {
                super::ctx::forget_shared_link();
                ctx.lesson.set(None);
                ctx.load(src);
                ctx.notice.set(format!("Opened {name}"));
            }
            Err(why) => ctx.notice.set(why),
        },
    );
}

#[component]
pub(super) fn Export() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let button = move |what: What, label: &'static str, needs_api: bool| {
        let click = move |_| match what.save(ctx) {
            Ok(name) => ctx.notice.set(format!("Saved {name}")),
            Err(why) => ctx.notice.set(why),
        };
        view! {
            <button on:click=click disabled=move || needs_api && !ctx.api.get()
                title=if needs_api { "Waits for the renderers to load" } else { "" }>{label}</button>
        }
    };
    view! {
        <section class="panel export" role="region" aria-label="Export">
            <h2>"Export"</h2>
            <div class="export-bar" role="toolbar" aria-label="Export and open">
                {button(What::Trace, "Trace JSON", true)}
                {button(What::Mermaid, "Mermaid", true)}
                {button(What::Markdown, "Markdown", true)}
                {button(What::Script, "Script .scn", false)}
                {button(What::Cpp, "C++ file", true)}
                <label class="file-open">"Open .scn…"
                    <input type="file" accept=".scn,.txt,text/plain"
                        on:change=move |e| open_file(ctx, event_target(&e))/>
                </label>
                <label class="file-open">"Open trace .json…"
                    <input type="file" accept=".json,application/json"
                        on:change=move |e| open_trace_file(ctx, event_target(&e))/>
                </label>
            </div>
        </section>
    }
}
