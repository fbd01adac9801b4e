//! The sample add-in's session (spec §8): Init Monitor, a state change, Deinit Monitor.
//! Prints the trace as text; `--json`, `--markdown`, `--mermaid` or `--cpp` for the
//! other renderings (the C++ is the client code the session stands for).

use mapioffline::consts::*;
use mapioffline::{Out, ProfileSpec, Sim, SinkSpec};

fn main() {
    let arg = std::env::args().nth(1).unwrap_or_default();
    let format = arg.strip_prefix("--").unwrap_or("text");
    let json = format == "json";
    let Some(format) = mapioffline::render::Format::from_name(format)
        .or(json.then_some(mapioffline::render::Format::Text))
    else {
        eprintln!("usage: demo [--json|--markdown|--mermaid|--cpp]");
        std::process::exit(2);
    };
    let mut sim = Sim::default();
    sim.add_profile(ProfileSpec::new("Outlook"))
        .expect("fresh world");
    let sink = sim
        .create_sink(SinkSpec::new("CMyOfflineNotify"))
        .expect("fresh world");

    // Init Monitor: open, QueryInterface(IID_IMAPIOffline), GetCapabilities, Advise.
    let mgr = sim.open("Outlook").expect("profile exists");
    let offline = sim
        .query_interface(mgr, Some(IID_IMAPIOFFLINE), Out::Valid)
        .out
        .expect("supported");
    let caps = sim.get_capabilities(offline, Out::Valid).out.unwrap_or(0);
    let mut token = None;
    if caps & (MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE) != 0 {
        token = sim.advise_sink(mgr, sink, 0).ok();
    }
    sim.release(offline);

    // SetCurrentState: go offline asynchronously, then let the phases arrive.
    sim.set_state(mgr, MAPIOFFLINE_STATE_OFFLINE, false);
    sim.set_state(mgr, MAPIOFFLINE_STATE_ONLINE, false); // E_PENDING: change in progress
    sim.run_until_idle().expect("settles");
    sim.current_state(mgr).expect("valid pointer");

    // Deinit Monitor.
    if let Some(t) = token {
        sim.unadvise(mgr, MAPIOFFLINE_UNADVISE_DEFAULT, t);
    }
    sim.release(mgr);
    sim.release(sink);
    sim.shutdown().expect("still running");

    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(sim.trace()).expect("serialisable")
        );
    } else {
        print!("{}", mapioffline::render::render(sim.trace(), format));
    }
}
