//! The built-in challenges: goals to reach rather than text to read. Each one starts from
//! a **broken client**, a scenario script with a mistake real clients make, and states
//! its goal in core's terms: requirements over the trace the fixed script produces (what
//! the client must still do, so that deleting the script does not meet it) and the
//! checker's verdict. Each has hints and a solution, itself a script that meets the goal.
//!
//! The scripts are `.scn` files in this directory: `NAME.scn` is the broken client and
//! `NAME.solution.scn` its solution. [`Challenge::check`] runs any text against the goal,
//! fast and without panicking, so a front-end can check it live as the user types.
//!
//! ```
//! use mapioffline::challenges;
//! let c = challenges::find("forgotten-unadvise").unwrap();
//! assert!(!c.check(c.broken).met);
//! assert!(c.check(c.solution).met);
//! assert!(!c.check("").met);
//! assert_eq!(challenges::suggest("forgoten-unadvise"), Some("forgotten-unadvise"));
//! ```

use crate::checker::{self, Finding};
use crate::clauses::{Clause, Rule};
use crate::consts::{
    name_in, show_state, Arch, ConstGroup, HResult, MAPIOFFLINE_STATE_OFFLINE_MASK,
};
use crate::scenario::{run_script, ExpectFailure, Outcome, RunError};
use crate::trace::walk::FrameKind;
use crate::trace::walk::Walker;
use crate::trace::{Caller, EventKind, Func, OutValue, Ptr, Trace};
use crate::util::nearest;
use std::collections::BTreeMap;

mod list;

pub use list::CHALLENGES;

/// One built-in challenge.
#[derive(Debug)]
pub struct Challenge {
    /// Kebab-case; what the command line takes.
    pub name: &'static str,
    pub title: &'static str,
    /// Why it matters and the real client it comes from, citing clause IDs.
    pub story: &'static str,
    /// The goal in a person's words; [`Challenge::goal`] is the same goal as data.
    pub goal_text: &'static str,
    /// From a nudge to nearly the answer, in that order.
    pub hints: &'static [&'static str],
    /// The clauses the challenge is about.
    pub clauses: &'static [Clause],
    /// The broken client, where the user starts.
    pub broken: &'static str,
    /// A script that meets the goal.
    pub solution: &'static str,
    pub goal: Goal,
}

/// What a script must achieve: every requirement must hold.
#[derive(Clone, Copy, Debug)]
pub struct Goal {
    pub needs: &'static [Need],
}

/// One requirement over the trace a script produces. Each is worded by [`Need::text`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// The script ends with `shutdown`, so what the client left behind is judged.
    Shutdown,
    /// The checker (rules R1–R7) finds nothing in the whole trace.
    Clean,
    /// The checker reports no finding of this rule (with this clause, if given).
    NoFinding(Rule, Option<Clause>),
    /// The sink declared under this name receives a notification of this `NotifyType`
    /// about a change from `old` to `new`.
    Heard {
        sink: &'static str,
        notify_type: u32,
        old: u32,
        new: u32,
    },
    /// The sink declared under this name receives a notification it must ignore (a
    /// `NotifyType` or `ulMask` outside the supported values): the world still sends one.
    HeardUnsupported { sink: &'static str },
    /// At least one call of this function made by the client returns this HRESULT.
    Returned(Func, HResult),
    /// The client makes no call of this function from inside `Notify`.
    NotInsideNotify(Func),
    /// A client `GetCurrentState` returns `S_OK` with this state once masked with
    /// `MAPIOFFLINE_STATE_OFFLINE_MASK`.
    Read(u32),
    /// A client `GetCurrentState` returns bits outside `MAPIOFFLINE_STATE_OFFLINE_MASK`:
    /// the world still sets extra state bits.
    ReadExtraBits,
    /// The world's client architecture (`config arch`).
    Arch(Arch),
    /// The profile's global object is in this state when the trace ends.
    EndsIn { profile: &'static str, state: u32 },
    /// The profile's global object changes to this state at some point.
    WentTo { profile: &'static str, state: u32 },
}

/// The verdict of [`Challenge::check`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalReport {
    /// Every requirement holds (and the script runs).
    pub met: bool,
    /// Each requirement of the goal, in order.
    pub items: Vec<GoalItem>,
    /// Why the script could not run; then no item is met.
    pub error: Option<RunError>,
    /// The script's own `expect` lines that failed. They do not decide the goal, which
    /// is the challenge's; a front-end may show them beside it.
    pub expect_failures: Vec<ExpectFailure>,
}

/// One requirement and whether the script meets it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalItem {
    /// The requirement, in words.
    pub text: String,
    pub met: bool,
    /// What the trace shows instead, when it is not met.
    pub why: Option<String>,
}

impl Challenge {
    /// Runs `source` in a fresh world and judges the trace against the goal. Any text
    /// may be passed: a script that does not parse or run meets nothing.
    pub fn check(&self, source: &str) -> GoalReport {
        self.goal.check(source)
    }
}

impl Goal {
    /// See [`Challenge::check`].
    pub fn check(&self, source: &str) -> GoalReport {
        match run_script(source) {
            Ok(outcome) => self.judge(&outcome),
            Err(e) => GoalReport {
                met: false,
                items: self
                    .needs
                    .iter()
                    .map(|n| GoalItem {
                        text: n.text(),
                        met: false,
                        why: Some("the script does not run".to_string()),
                    })
                    .collect(),
                error: Some(e),
                expect_failures: Vec::new(),
            },
        }
    }

    /// Judges the outcome of a run that already happened.
    pub fn judge(&self, outcome: &Outcome) -> GoalReport {
        let facts = Facts::read(&outcome.trace);
        let items: Vec<GoalItem> = self
            .needs
            .iter()
            .map(|n| {
                let why = n.unmet(&facts, &outcome.trace, self.needs);
                GoalItem {
                    text: n.text(),
                    met: why.is_none(),
                    why,
                }
            })
            .collect();
        GoalReport {
            met: items.iter().all(|i| i.met),
            items,
            error: None,
            expect_failures: outcome.failures.clone(),
        }
    }
}

/// A short name for a constant: its registry name without the family prefix
/// (`MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE` reads `STATECHANGE_DONE`).
fn short(group: ConstGroup, value: u32, prefix: &str) -> String {
    match name_in(group, value) {
        Some(n) => n.strip_prefix(prefix).unwrap_or(n).to_string(),
        None => format!("0x{value:X}"),
    }
}

fn short_type(t: u32) -> String {
    short(ConstGroup::NotifyType, t, "MAPIOFFLINE_NOTIFY_TYPE_")
}

fn short_state(s: u32) -> String {
    short(ConstGroup::State, s, "MAPIOFFLINE_STATE_")
}

fn rule_and_clause(rule: Rule, clause: Option<Clause>) -> String {
    match clause {
        Some(c) => format!("{rule} ({})", c.id()),
        None => rule.to_string(),
    }
}

impl Need {
    /// The requirement in a person's words.
    pub fn text(&self) -> String {
        match *self {
            Need::Shutdown => {
                "the script ends with `shutdown`, so what the client leaves behind is judged"
                    .to_string()
            }
            Need::Clean => "the checker finds nothing (rules R1–R7)".to_string(),
            Need::NoFinding(rule, clause) => format!(
                "the checker no longer reports {}",
                rule_and_clause(rule, clause)
            ),
            Need::Heard {
                sink,
                notify_type,
                old,
                new,
            } => format!(
                "sink `{sink}` hears {}({}->{})",
                short_type(notify_type),
                short_state(old),
                short_state(new)
            ),
            Need::HeardUnsupported { sink } => format!(
                "sink `{sink}` still receives a notification it must ignore (the world still sends one)"
            ),
            Need::Returned(func, hr) => format!("the client calls {func} and gets {hr}"),
            Need::NotInsideNotify(func) => {
                format!("the client makes no {func} from inside Notify")
            }
            Need::Read(state) => format!(
                "GetCurrentState returns S_OK and the state, masked with MAPIOFFLINE_STATE_OFFLINE_MASK, is {}",
                short_state(state)
            ),
            Need::ReadExtraBits => "GetCurrentState returns bits outside MAPIOFFLINE_STATE_OFFLINE_MASK (the world keeps setting them)".to_string(),
            Need::Arch(arch) => format!("the client is {}", arch_words(arch)),
            Need::EndsIn { profile, state } => format!(
                "profile \"{profile}\" is {} when the script ends",
                short_state(state)
            ),
            Need::WentTo { profile, state } => format!(
                "profile \"{profile}\" goes {} at some point",
                short_state(state)
            ),
        }
    }

    /// Whether a `NoFinding` requirement is about this finding.
    fn matches(&self, x: &Finding) -> bool {
        match *self {
            Need::NoFinding(rule, clause) => x.rule == rule && clause.is_none_or(|c| x.clause == c),
            _ => false,
        }
    }

    /// `None` when the requirement holds, else what the trace shows instead; `named` are
    /// the goal's `NoFinding` requirements.
    fn unmet(&self, f: &Facts, trace: &Trace, named: &[Need]) -> Option<String> {
        match *self {
            Need::Shutdown => (!f.shutdown).then(|| "Outlook never shuts down".to_string()),
            Need::Clean => {
                // A finding the goal names in a NoFinding item is shown there; here only
                // the others are spelt out, so one mistake is not described twice.
                let others: Vec<&Finding> = f
                    .findings
                    .iter()
                    .filter(|x| !named.iter().any(|n| n.matches(x)))
                    .collect();
                match (f.findings.len(), others.as_slice()) {
                    (0, _) => None,
                    (1, []) => Some("only the finding named above".to_string()),
                    (_, []) => Some("only the findings named above".to_string()),
                    (_, [one]) => Some(format!("1 finding: {}", brief(one))),
                    (_, [first, rest @ ..]) => Some(format!(
                        "{} findings, the first: {}",
                        rest.len() + 1,
                        brief(first)
                    )),
                }
            }
            Need::NoFinding(..) => f
                .findings
                .iter()
                .find(|x| self.matches(x))
                .map(|x| format!("still reported: {}", brief(x))),
            Need::Heard {
                sink,
                notify_type,
                old,
                new,
            } => {
                let Some(p) = f.sinks.get(sink) else {
                    return Some(format!("no sink is declared as `{sink}`"));
                };
                let heard: Vec<&Heard> = f.heard.iter().filter(|h| h.sink == *p).collect();
                if heard.iter().any(|h| {
                    h.supported && h.notify_type == notify_type && h.old == old && h.new == new
                }) {
                    return None;
                }
                Some(match heard.as_slice() {
                    [] => format!("`{sink}` receives no notification"),
                    hs => format!(
                        "`{sink}` receives only {}",
                        hs.iter().map(|h| h.words()).collect::<Vec<_>>().join(", ")
                    ),
                })
            }
            Need::HeardUnsupported { sink } => {
                let Some(p) = f.sinks.get(sink) else {
                    return Some(format!("no sink is declared as `{sink}`"));
                };
                (!f.heard.iter().any(|h| h.sink == *p && !h.supported)).then(|| {
                    format!("`{sink}` receives no such notification: keep the `inject` line")
                })
            }
            Need::Returned(func, hr) => {
                let got: Vec<String> = f
                    .returns
                    .iter()
                    .filter(|r| r.func == func)
                    .map(|r| r.hr.map_or("nothing".to_string(), |h| h.to_string()))
                    .collect();
                if f.returns.iter().any(|r| r.func == func && r.hr == Some(hr)) {
                    None
                } else if got.is_empty() {
                    Some(format!("the client makes no {func}"))
                } else {
                    Some(format!("its {func} calls return {}", dedup(got).join(", ")))
                }
            }
            Need::NotInsideNotify(func) => {
                let n = f.nested.iter().filter(|x| **x == func).count();
                (n > 0).then(|| format!("{n} {func} call(s) are made from inside Notify"))
            }
            Need::Read(state) => {
                let reads: Vec<u32> = f
                    .reads
                    .iter()
                    .map(|r| r & MAPIOFFLINE_STATE_OFFLINE_MASK)
                    .collect();
                if reads.contains(&state) {
                    None
                } else if reads.is_empty() {
                    Some("no GetCurrentState returns S_OK".to_string())
                } else {
                    Some(format!(
                        "GetCurrentState reads only {}",
                        dedup(f.reads.iter().map(|r| show_state(*r)).collect()).join(", ")
                    ))
                }
            }
            Need::ReadExtraBits => {
                (!f.reads
                    .iter()
                    .any(|r| r & !MAPIOFFLINE_STATE_OFFLINE_MASK != 0))
                .then(|| match f.reads.is_empty() {
                    true => "no GetCurrentState returns S_OK".to_string(),
                    false => "every state read has only the masked bits: keep `extra_state_bits`"
                        .to_string(),
                })
            }
            Need::Arch(arch) => (trace.config.arch != arch)
                .then(|| format!("the world is {}", arch_words(trace.config.arch))),
            Need::EndsIn { profile, state } => match f.profiles.get(profile) {
                None => Some(format!("no profile \"{profile}\" is declared")),
                Some(p) => {
                    let now = f.state.get(p).copied().unwrap_or(0) & MAPIOFFLINE_STATE_OFFLINE_MASK;
                    (now != state).then(|| format!("it ends {}", short_state(now)))
                }
            },
            Need::WentTo { profile, state } => match f.profiles.get(profile) {
                None => Some(format!("no profile \"{profile}\" is declared")),
                Some(p) => (!f.changes.contains(&(*p, state)))
                    .then(|| format!("it never changes to {}", short_state(state))),
            },
        }
    }
}

fn arch_words(arch: Arch) -> &'static str {
    match arch {
        Arch::X86 => "32-bit (`config arch x86`)",
        Arch::X64 => "64-bit (`config arch x64`)",
    }
}

fn brief(f: &Finding) -> String {
    format!("{} ({}) {}", f.rule, f.clause.id(), f.message)
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    v.retain(|s| seen.insert(s.clone()));
    v
}

/// One notification a sink received.
struct Heard {
    sink: Ptr,
    notify_type: u32,
    old: u32,
    new: u32,
    supported: bool,
}

impl Heard {
    fn words(&self) -> String {
        if self.supported {
            format!(
                "{}({}->{})",
                short_type(self.notify_type),
                short_state(self.old),
                short_state(self.new)
            )
        } else {
            format!(
                "an unsupported notification (NotifyType 0x{:X})",
                self.notify_type
            )
        }
    }
}

struct Ret {
    func: Func,
    hr: Option<HResult>,
}

/// What the requirements read from a trace, gathered in one walk.
#[derive(Default)]
struct Facts {
    shutdown: bool,
    findings: Vec<Finding>,
    sinks: BTreeMap<String, Ptr>,
    profiles: BTreeMap<String, Ptr>,
    state: BTreeMap<Ptr, u32>,
    /// Every (object, masked new state) a `state_changed` event recorded.
    changes: Vec<(Ptr, u32)>,
    heard: Vec<Heard>,
    returns: Vec<Ret>,
    /// Functions the client called from inside `Notify`.
    nested: Vec<Func>,
    /// What successful client `GetCurrentState` calls wrote, raw.
    reads: Vec<u32>,
}

impl Facts {
    fn read(trace: &Trace) -> Facts {
        let mut f = Facts {
            findings: checker::check(trace),
            ..Facts::default()
        };
        let mut w = Walker::default();
        for e in &trace.events {
            let step = w.step(e);
            match &e.kind {
                EventKind::Shutdown(_) => f.shutdown = true,
                EventKind::ClientObjectCreated(c) => {
                    f.sinks.insert(c.name.clone(), c.object);
                }
                EventKind::ProfileAdded(p) => {
                    f.profiles.insert(p.profile.clone(), p.object);
                    f.state.insert(p.object, p.state);
                }
                EventKind::StateChanged { object, new, .. } => {
                    f.state.insert(*object, *new);
                    f.changes
                        .push((*object, new & MAPIOFFLINE_STATE_OFFLINE_MASK));
                }
                EventKind::Notify { sink, info, .. } => f.heard.push(Heard {
                    sink: *sink,
                    notify_type: info.notify_type,
                    old: info.ul_state_old,
                    new: info.ul_state_new,
                    supported: info.is_supported(),
                }),
                // The walk has opened this call's frame; a Notify below it means a
                // sink's reaction made the call.
                EventKind::Call {
                    by: Caller::Client,
                    call,
                } if w.notify_sink().is_some() => f.nested.push(call.func()),
                EventKind::Return { func, hr, out, .. } => {
                    let by_client = step.answers.is_some_and(|a| {
                        matches!(
                            a.kind,
                            FrameKind::Call {
                                by: Caller::Client,
                                ..
                            }
                        )
                    });
                    if !by_client {
                        continue;
                    }
                    f.returns.push(Ret {
                        func: *func,
                        hr: *hr,
                    });
                    if let (Func::GetCurrentState, Some(HResult::S_OK), Some(OutValue::Ulong(v))) =
                        (func, hr, out)
                    {
                        f.reads.push(*v);
                    }
                }
                _ => {}
            }
        }
        f
    }
}

/// The challenge with this name.
pub fn find(name: &str) -> Option<&'static Challenge> {
    CHALLENGES.iter().find(|c| c.name == name)
}

/// The challenge name closest to a misspelt one, if any is close enough; failing that,
/// the first challenge whose name contains what was typed.
pub fn suggest(name: &str) -> Option<&'static str> {
    nearest(name, CHALLENGES.iter().map(|c| c.name)).or_else(|| {
        let typed = name.trim().to_ascii_lowercase();
        (typed.len() >= 3)
            .then(|| CHALLENGES.iter().find(|c| c.name.contains(typed.as_str())))
            .flatten()
            .map(|c| c.name)
    })
}
