//! Trace renderers: the same trace as documentation, as a diagram, or as the C++ a client
//! would write.
//!
//! Each renderer is a pure, deterministic function `fn(&Trace) -> String` ([`render`]
//! picks one by [`Format`]):
//!
//! - [`markdown::render`]: a Markdown table, one row per event (tick, depth, the event as
//!   [`Trace::to_text`] words it, with API names and constants in code spans, diagnostics as
//!   bold **note**/**error** citing their clause and rule).
//! - [`mermaid::render`]: a Mermaid `sequenceDiagram`: the client, the `msmapi32.dll`
//!   functions, every offline object and every client object as participants; calls as
//!   arrows, returns as dashed arrows with the HRESULT, `Notify` as arrows from the offline
//!   object to the sink, calls made from inside `Notify` as arrows from the sink, everything
//!   else (environment, time, transitions, diagnostics) as notes.
//! - [`cpp::render`]: the C++ client code equivalent to the trace's client calls, with a
//!   class per client object whose `Notify` checks NTF-5 and performs the object's declared
//!   reactions.
//!
//! All three describe pointers, constants and events with the same words as
//! [`Trace::to_text`] (the private `describe` module produces them as segments, and its
//! tests prove the segments join to `to_text` exactly), so what a learner reads in one view
//! maps one-to-one onto the others.
//!
//! [`Trace::to_text`]: crate::trace::Trace::to_text

pub mod cpp;
pub(crate) mod describe;
pub mod markdown;
pub mod mermaid;

use crate::trace::{Event, Trace};

/// A way to render a trace, for front-ends that let the user choose (`--format cpp`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// [`Trace::to_text`](crate::trace::Trace::to_text).
    Text,
    Markdown,
    Mermaid,
    Cpp,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Text, Format::Markdown, Format::Mermaid, Format::Cpp];

    /// Its canonical name: `text`, `markdown`, `mermaid`, `cpp`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Mermaid => "mermaid",
            Format::Cpp => "cpp",
        }
    }

    /// The format of a name (canonical or a usual alias: `txt`, `md`, `mmd`, `c++`),
    /// case-insensitive.
    pub fn from_name(name: &str) -> Option<Format> {
        match name.to_ascii_lowercase().as_str() {
            "text" | "txt" => Some(Format::Text),
            "markdown" | "md" => Some(Format::Markdown),
            "mermaid" | "mmd" => Some(Format::Mermaid),
            "cpp" | "c++" | "cxx" => Some(Format::Cpp),
            _ => None,
        }
    }
}

/// The text rendering a piece at a time, for hosts that show events as they happen (the
/// REPL prints what each statement added). Lines are exactly those of
/// [`Trace::to_text`](crate::trace::Trace::to_text).
#[derive(Default)]
pub struct TextCursor {
    describer: describe::Describer,
    /// Events of the trace already rendered.
    pub pos: usize,
}

impl TextCursor {
    /// The events added since the last call, each with its text line (no newline).
    pub fn advance<'t>(&mut self, trace: &'t Trace) -> Vec<(&'t Event, String)> {
        let new = trace.events.get(self.pos..).unwrap_or_default();
        self.pos = trace.events.len();
        new.iter()
            .map(|e| {
                let indent = "  ".repeat(e.depth as usize);
                let body = self.describer.describe(&e.kind).plain();
                (e, format!("t={:<4} {indent}{body}", e.tick))
            })
            .collect()
    }
}

/// Any one event's text on demand, for hosts that show a few lines of a long trace (the
/// playground's virtualised timeline): the words [`TextCursor`] gives it, without wording
/// the events before it. A pointer is named by what the trace said before the event, so
/// the index remembers where the events that name an object are, and nothing else.
#[derive(Clone, Debug, Default)]
pub struct TextIndex {
    /// Positions of the events that introduce a name (profile, sink, created object).
    namers: Vec<usize>,
}

impl TextIndex {
    /// Indexes `trace` (cheap: one pass matching each event's kind, no text).
    pub fn new(trace: &Trace) -> TextIndex {
        let namers = trace
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| describe::Describer::names_something(&e.kind))
            .map(|(i, _)| i)
            .collect();
        TextIndex { namers }
    }

    /// Event `i`'s words without the tick column and indent (`None` past the end of the
    /// trace); [`TextIndex::line`] adds them.
    pub fn body(&self, trace: &Trace, i: usize) -> Option<String> {
        let e = trace.events.get(i)?;
        let mut describer = describe::Describer::default();
        let before = self.namers.partition_point(|&n| n < i);
        for &n in &self.namers[..before] {
            describer.learn(&trace.events[n].kind);
        }
        Some(describer.describe(&e.kind).plain())
    }

    /// Event `i`'s line exactly as [`Trace::to_text`](crate::trace::Trace::to_text) has it
    /// (no newline).
    pub fn line(&self, trace: &Trace, i: usize) -> Option<String> {
        let e = trace.events.get(i)?;
        let body = self.body(trace, i)?;
        Some(format!(
            "t={:<4} {}{body}",
            e.tick,
            "  ".repeat(e.depth as usize)
        ))
    }
}

/// Renders the trace in the given format.
pub fn render(trace: &Trace, format: Format) -> String {
    match format {
        Format::Text => trace.to_text(),
        Format::Markdown => markdown::render(trace),
        Format::Mermaid => mermaid::render(trace),
        Format::Cpp => cpp::render(trace),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    //! Traces shared by the renderers' unit tests.

    use crate::consts::*;
    use crate::sim::{Action, Config, ProfileSpec, Reaction, Sim, SinkSpec};
    use crate::trace::{AggregateInfo, Out, Ptr, Trace};

    /// The sample add-in's session (spec §8), as in `examples/demo.rs`.
    pub fn sample_session() -> Trace {
        let mut sim = Sim::default();
        sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
        let sink = sim.create_sink(SinkSpec::new("CMyOfflineNotify")).unwrap();
        let mgr = sim.open("Outlook").unwrap();
        let offline = sim
            .query_interface(mgr, Some(IID_IMAPIOFFLINE), Out::Valid)
            .out
            .unwrap();
        sim.get_capabilities(offline, Out::Valid);
        let token = sim.advise_sink(mgr, sink, 0).unwrap();
        sim.release(offline);
        sim.set_state(mgr, MAPIOFFLINE_STATE_OFFLINE, false);
        sim.set_state(mgr, MAPIOFFLINE_STATE_ONLINE, false);
        sim.run_until_idle().unwrap();
        sim.current_state(mgr).unwrap();
        sim.unadvise(mgr, MAPIOFFLINE_UNADVISE_DEFAULT, token);
        sim.release(mgr);
        sim.release(sink);
        sim.shutdown().unwrap();
        sim.take_trace()
    }

    /// Many kinds of event at once: a reacting sink, bad arguments, a child object with an
    /// aggregating outer object, environment changes, injected notifications, leaks, and
    /// names full of characters that Markdown, Mermaid and C++ treat specially.
    pub fn kitchen_sink() -> Trace {
        let mut sim = Sim::new(Config {
            arch: Arch::X86,
            ..Config::default()
        });
        sim.add_profile(ProfileSpec::new("Work | \"Main\"; #1 <b>*x*</b> `q` %% \\"))
            .unwrap();
        let profile = "Work | \"Main\"; #1 <b>*x*</b> `q` %% \\";
        let mgr = sim.global_object(profile).unwrap();
        let quitter = sim
            .create_sink(SinkSpec::new("quit|ter; #x").reacting(Reaction {
                on: Some(MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE),
                once: true,
                action: Action::Unadvise { mgr, token: None },
            }))
            .unwrap();
        let mut lax = SinkSpec::new("lax");
        lax.validates_notify = false;
        lax.reactions.push(Reaction {
            on: None,
            once: false,
            action: Action::SetCurrentState {
                this: mgr,
                flags: MAPIOFFLINE_FLAG_BLOCK,
                mask: MAPIOFFLINE_STATE_OFFLINE_MASK,
                state: MAPIOFFLINE_STATE_ONLINE,
            },
        });
        let lax = sim.create_sink(lax).unwrap();
        let mut outer = SinkSpec::new("outer");
        outer.implements_notify = false;
        outer
            .interfaces
            .push(Guid::parse("{12345678-1234-5678-9ABC-DEF012345678}").unwrap());
        let outer = sim.create_sink(outer).unwrap();

        // Bad arguments first.
        sim.hr_open_offline_obj(
            1,
            Some("Wrok"),
            Some(IID_IMAPIOFFLINE),
            Some(GUID_GLOBAL_STATE),
            Out::Null,
        );
        sim.hr_open_offline_obj(0, None, None, None, Out::Valid);
        let m = sim.open(profile).unwrap();
        assert_eq!(m, mgr);
        let mut info = sim.advise_info(5, quitter);
        info.ul_size = 32;
        sim.advise(m, 0, Some(&info), Out::Valid);
        sim.get_capabilities(m, Out::Null);
        sim.get_capabilities(m, Out::Valid);
        let t1 = sim.advise_sink(m, quitter, 5).unwrap();
        let _t2 = sim.advise_sink(m, lax, 6).unwrap();
        sim.advise(m, 0, None, Out::Null);
        sim.set_current_state(m, 7, 4, 9, 0x1234);
        sim.set_current_state(
            Ptr(0x1234),
            MAPIOFFLINE_FLAG_BLOCK,
            MAPIOFFLINE_STATE_OFFLINE_MASK,
            MAPIOFFLINE_STATE_OFFLINE,
            0,
        );
        sim.add_ref(Ptr::NULL);
        sim.call_slot(m, 6);
        sim.query_interface(m, None, Out::Valid);
        sim.query_interface(m, Some(IID_IMAPIOFFLINENOTIFY), Out::Valid);

        // A child aggregated onto `outer`.
        let mut ci = sim.create_info(
            profile,
            MAPIOFFLINE_CAPABILITY_OFFLINE | 0x100,
            Guid::parse("{AAAAAAAA-0000-1111-2222-333333333333}").unwrap(),
            m,
        );
        ci.p_aggregate_info = Some(AggregateInfo {
            ul_size: Arch::X86.sizeof_aggregateinfo(),
            p_outer_obj: outer,
            p_ref_track_root: Ptr::NULL,
        });
        let child = sim
            .hr_create_offline_obj(0, Some(&ci), Out::Valid)
            .out
            .unwrap();
        sim.query_interface(
            child,
            Guid::parse("{12345678-1234-5678-9ABC-DEF012345678}"),
            Out::Valid,
        );

        // The environment.
        sim.network_down().unwrap();
        sim.advance(2).unwrap();
        sim.inject_notify(m, 9, 4, 1, 2).unwrap();
        sim.set_extra_state_bits(0x100).unwrap();
        sim.set_extra_capability_bits(m, 0x40).unwrap();
        sim.run_until_idle().unwrap();
        sim.network_up().unwrap();
        sim.server_down(profile).unwrap();
        sim.run_until_idle().unwrap();
        sim.server_up(profile).unwrap();
        sim.run_until_idle().unwrap();
        sim.unadvise(m, 3, t1);
        sim.release(lax);
        sim.release(lax);
        sim.shutdown().unwrap();
        sim.take_trace()
    }

    pub fn sample_traces() -> Vec<(&'static str, Trace)> {
        vec![("sample", sample_session()), ("kitchen", kitchen_sink())]
    }
}
