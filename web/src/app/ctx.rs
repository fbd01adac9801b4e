//! The signals every component shares, and what the toolbar's buttons do.

use super::dom::{later_unless_superseded, now_ms, storage};
use crate::model::{self, Evaluation, Problem};
use leptos::prelude::*;
use mapioffline::challenges::{Challenge, GoalReport};
use mapioffline::lessons::{Lesson, LESSONS};
use std::sync::Arc;
use std::time::Duration;

const DEBOUNCE: Duration = Duration::from_millis(120);

/// The script to start with: a shared link's, else the last one, else the first lesson;
/// with why the link could not be opened, if it could not (the last script is kept).
pub(super) fn initial_script() -> (String, Option<String>) {
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
pub(super) fn forget_shared_link() {
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
pub(super) struct Ctx {
    pub(super) source: RwSignal<String>,
    /// Statements to run: `None` all, `Some(n)` the first n (stepping).
    pub(super) upto: RwSignal<Option<usize>>,
    pub(super) problem: RwSignal<Option<Problem>>,
    pub(super) eval: RwSignal<Arc<Evaluation>>,
    pub(super) eval_ms: RwSignal<f64>,
    /// Runs so far (`data-runs` on the status line: tests wait for it to change).
    pub(super) runs: RwSignal<u64>,
    /// The selected event, which is also the scrubber's position: every panel shows the
    /// world as of it. `None`: the end of the run.
    pub(super) selected: RwSignal<Option<usize>>,
    /// The script line the editor's cursor is on (its events are highlighted).
    pub(super) cursor_line: RwSignal<Option<usize>>,
    /// What the panels show as of the selected event (from `eval` and `selected`).
    pub(super) as_of: Memo<Arc<model::AsOf>>,
    pub(super) lesson: RwSignal<Option<&'static Lesson>>,
    /// The challenge being attempted, its goal's verdict on the script as last run, the
    /// hints shown, whether its solution was shown, and the challenges solved so far.
    pub(super) challenge: RwSignal<Option<&'static Challenge>>,
    pub(super) goal: RwSignal<Option<Arc<GoalReport>>>,
    pub(super) hints_shown: RwSignal<usize>,
    pub(super) revealed: RwSignal<bool>,
    pub(super) solved: RwSignal<Vec<&'static str>>,
    pub(super) notice: RwSignal<String>,
    /// Why the link the page was opened with could not be read.
    pub(super) link_error: RwSignal<Option<String>>,
    /// Counts runs and scheduled runs: a run scheduled for the pause in typing goes ahead
    /// only if nothing ran or was scheduled since.
    pub(super) generation: StoredValue<u64>,
    // --- explain, C++ view, export (issue 18, part 2)
    /// The second module (`window.mapioffline`) has loaded: explanations and renderers.
    pub(super) api: RwSignal<bool>,
    /// The explain popover, if one is open.
    pub(super) tip: RwSignal<Option<super::explain::Tip>>,
    /// A clause to show in the spec browser (set by a link; cleared once shown).
    pub(super) spec_clause: RwSignal<Option<String>>,
}

impl Ctx {
    /// Parses and runs the current script now.
    pub(super) fn recompute(&self) {
        let t0 = now_ms();
        // A run now makes a re-run waiting for the typing to pause redundant: dropped,
        // it would run the same script again and drop the selection made since.
        self.generation.update_value(|g| *g += 1);
        let src = self.source.get_untracked();
        if let Some(st) = storage() {
            let _ = st.set_item(model::STORAGE_KEY, &src);
        }
        match model::check_syntax(&src) {
            Err(p) => self.problem.set(Some(p)),
            Ok(script) => {
                self.problem.set(None);
                let upto = self.upto.get_untracked();
                let mut ev = model::evaluate(&script, upto);
                ev.session = Some(model::SessionKey::Script {
                    source: Arc::from(src.as_str()),
                    upto,
                });
                self.selected.set(None);
                self.eval.set(Arc::new(ev));
            }
        }
        self.check_goal();
        self.eval_ms.set(now_ms() - t0);
        self.runs.update(|n| *n += 1);
    }

    /// Re-runs after the user pauses typing.
    pub(super) fn schedule(&self) {
        let me = *self;
        later_unless_superseded(self.generation, DEBOUNCE, move || me.recompute());
    }

    /// Shows an opened trace instead of the script's run, until the script runs again
    /// (Run, Step, an edit). `json` is the file's text: the second module reads it too.
    pub(super) fn open_trace(&self, name: &str, json: String, trace: mapioffline::Trace) {
        let mut ev = model::evaluate_trace(name, trace);
        ev.session = Some(model::SessionKey::Opened {
            json: Arc::from(json),
        });
        let n = ev.rows.len();
        self.lesson.set(None);
        self.challenge.set(None);
        self.problem.set(None);
        self.selected.set(None);
        self.eval.set(Arc::new(ev));
        self.runs.update(|r| *r += 1);
        self.notice.set(format!(
            "Opened the trace {name}: {n} events. Run, Step or an edit returns to the script."
        ));
        // The trace is what was asked for: its timeline in view, with the keyboard there
        // (on a narrow window it is below the editor).
        request_animation_frame(|| super::dom::focus_id("timeline-list"));
    }

    /// Replaces the script (a lesson, a toggle) and runs it whole.
    pub(super) fn load(&self, src: String) {
        self.source.set(src);
        self.upto.set(None);
        self.recompute();
    }

    /// Loads a lesson: its script in the editor, its explanation shown.
    pub(super) fn pick_lesson(&self, l: &'static Lesson) {
        self.challenge.set(None);
        self.lesson.set(Some(l));
        self.load(l.source.to_string());
    }

    pub(super) fn run_all(&self) {
        self.upto.set(None);
        self.recompute();
    }

    pub(super) fn step(&self) {
        let ev = self.eval.get_untracked();
        let next = match self.upto.get_untracked() {
            None => 1,
            Some(n) => (n + 1).min(ev.total.max(1)),
        };
        self.upto.set(Some(next));
        self.recompute();
    }

    pub(super) fn reset(&self) {
        self.upto.set(Some(0));
        self.recompute();
    }

    pub(super) fn share(&self) {
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
