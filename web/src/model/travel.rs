//! Time travel: where the scrubber is and what it says. The world as of an event is
//! core's (`trace::replay::Timeline`); this only maps the page's selection onto it.

use super::eval::Evaluation;
use mapioffline::consts::{self, ConstGroup};
use mapioffline::sim::WorldSnapshot;
use mapioffline::trace::replay::PendingTransition;

/// The scrubber's event: the selected one, else the last (the end of the run); `None`
/// when the run has no events.
pub fn scrub_position(selected: Option<usize>, events: usize) -> Option<usize> {
    let last = events.checked_sub(1)?;
    Some(selected.unwrap_or(last).min(last))
}

/// The slider's `aria-valuetext`: `event #12 of 40: ← Advise = S_OK`.
pub fn scrub_text(ev: &Evaluation, at: Option<usize>) -> String {
    match at {
        None => "no events yet".to_string(),
        Some(i) => format!(
            "event #{i} of {}: {}",
            ev.rows.len(),
            ev.text(i).unwrap_or_default()
        ),
    }
}

/// The caption beside the slider: `#12 of 40 · t=5 · line 7`, and whether it is the end.
pub fn scrub_caption(ev: &Evaluation, selected: Option<usize>) -> String {
    let n = ev.rows.len();
    let Some(i) = scrub_position(selected, n) else {
        return "no events yet".to_string();
    };
    let r = &ev.rows[i];
    let end = if i + 1 == n { " · end of the run" } else { "" };
    format!("#{i} of {n} · t={} · {}{end}", r.tick, r.line_words())
}

/// Whether the panels show an earlier moment than the end of the run.
pub fn is_back_in_time(selected: Option<usize>, events: usize) -> bool {
    selected.is_some_and(|i| i + 1 < events)
}

/// What the panels show as of the scrubber's event: the world after it, the transitions
/// in progress then, and the checker's findings visible by then.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AsOf {
    /// The event it is as of; `None` when the run has no events.
    pub event: Option<usize>,
    /// Earlier than the end of the run.
    pub back: bool,
    pub world: Option<WorldSnapshot>,
    pub transitions: Vec<PendingTransition>,
    /// Indices into [`Evaluation::findings`] of those visible by then.
    pub findings: Vec<usize>,
}

/// The panels' moment for the selection (`None`: the end of the run). At the end the world
/// is the simulator's own snapshot; before it, core's replay of the trace.
pub fn as_of(ev: &Evaluation, selected: Option<usize>) -> AsOf {
    let n = ev.rows.len();
    let event = scrub_position(selected, n);
    let back = is_back_in_time(selected, n);
    // At the end with no object in a change, nothing is in progress: the replay (and its
    // checkpoints) is not needed, so a run that is never scrubbed never builds it.
    let settled = ev
        .world
        .as_ref()
        .is_some_and(|w| w.objects.iter().all(|o| !o.in_transition));
    let timeline = if !back && settled {
        None
    } else {
        ev.timeline()
    };
    let Some(timeline) = timeline else {
        return AsOf {
            event,
            back,
            world: ev.world.clone(),
            transitions: Vec::new(),
            findings: (0..ev.findings.len()).collect(),
        };
    };
    // After the selected event: the first `i + 1` events.
    let after = event.map_or(0, |i| i + 1);
    let moment = timeline.at(after);
    let world = if back {
        Some(moment.world)
    } else {
        ev.world.clone()
    };
    // Which findings are visible by then is the checker's to say (`Finding::visible_at`).
    let findings = (0..ev.findings.len())
        .filter(|&k| !back || ev.findings[k].visible_at(after, n))
        .collect();
    AsOf {
        event,
        back,
        world,
        transitions: moment.transitions,
        findings,
    }
}

/// A transition in progress, in a line: `transition 2 on 0x1000: MAPIOFFLINE_STATE_ONLINE
/// → MAPIOFFLINE_STATE_OFFLINE, asynchronous, phase MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE,
/// next phase due at t=20, 2 objects`.
pub fn pending_text(t: &PendingTransition) -> String {
    let phase = match t.phase {
        0 => "not started".to_string(),
        p => format!("phase {}", consts::show(ConstGroup::NotifyType, p)),
    };
    let due = t
        .due
        .map(|d| format!(", next phase due at t={d}"))
        .unwrap_or_default();
    format!(
        "transition {} on {}: {} → {}, {}, {phase}{due}, {} object{}",
        t.transition,
        t.object,
        consts::show_state(t.old),
        consts::show_state(t.new),
        if t.blocking {
            "blocking"
        } else {
            "asynchronous"
        },
        t.objects.len(),
        if t.objects.len() == 1 { "" } else { "s" }
    )
}

/// How a long text (the editor, the C++ view) follows the selected event's line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Follow {
    /// The line is in view: no scroll.
    Stay,
    /// A step: scroll to this offset now.
    Now(f64),
    /// A jump of more than a screen: scroll to this offset once the selection rests.
    /// Chromium repaints a far-scrolled text in time proportional to its length (8–12 ms
    /// for 10,000 lines), and a dragged scrubber moves every frame; the panels follow
    /// each move, the text follows where the hand stops.
    AtRest(f64),
}

/// Where to scroll a text whose viewport is `height` tall and at `scroll`, to show the
/// line spanning `top..bottom` (pixels in the text, margins included).
pub fn follow_line(scroll: f64, height: f64, top: f64, bottom: f64) -> Follow {
    let to = if top < scroll {
        top
    } else if bottom > scroll + height {
        bottom - height
    } else {
        return Follow::Stay;
    };
    let to = to.max(0.0);
    if (to - scroll).abs() > height {
        Follow::AtRest(to)
    } else {
        Follow::Now(to)
    }
}
