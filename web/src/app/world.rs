//! The world state panel and its toggles.

use super::ctx::Ctx;
use crate::model;
use leptos::prelude::*;
use mapioffline::consts;

#[component]
pub(super) fn World() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    // The panel shows the world as of the scrubber's event; the toggles add statements at
    // the end of the script, so they read the end of the run.
    // Memos: a move of the scrubber that leaves the world as it was redraws nothing.
    let world_memo = Memo::new(move |_| ctx.as_of.with(|a| a.world.clone()));
    let world = move || world_memo.get();
    let end_world = move || ctx.eval.get().world.clone();
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
    let network_up = move || end_world().map(|w| w.network_up).unwrap_or(true);
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
        end_world().map(|w| {
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
    // When the scrubber is back in time: which moment this is, and the way back.
    let moment = move || {
        let a = ctx.as_of.get();
        let i = a.event.filter(|_| a.back)?;
        let ev = ctx.eval.get();
        let r = ev.rows.get(i)?;
        Some(view! {
            <p class="as-of" role="note">
                {format!(
                    "As of event #{i} (t={}, {}), {} events before the end of the run. ",
                    r.tick,
                    r.line_words(),
                    ev.rows.len() - 1 - i
                )}
                <button class="link" on:click=move |_| ctx.selected.set(None)>"Back to the end"</button>
            </p>
        })
    };
    let pending = Memo::new(move |_| ctx.as_of.with(|a| a.transitions.clone()));
    let transitions = move || {
        let a = pending.get();
        if a.is_empty() {
            return view! { <p class="none">"No change in progress."</p> }.into_any();
        }
        let items = a
            .iter()
            .map(|t| view! { <li>{model::pending_text(t)}</li> })
            .collect_view();
        view! { <ul class="pending">{items}</ul> }.into_any()
    };
    view! {
        <section class="panel" role="region" aria-label="World state"
            data-at=move || ctx.as_of.get().event.map(|i| i.to_string()).unwrap_or_default()>
            <h2>"World state"</h2>
            {moment}
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
            <h3>"Changes in progress"</h3>
            {transitions}
            <h3>"Client objects"</h3>
            <ul class="clients">{clients}</ul>
        </section>
    }
}
