//! Runs parsed statements against a [`Sim`], one at a time (so a REPL can drive it), and
//! checks expectations.

mod calls;
mod expect;
mod expr;
mod reactions;

use super::error::ParseError;
use super::parse::known_names;
use super::*;
use crate::consts::{self, Arch, HResult, KNOWN_GUIDS};
use crate::sim::{Action, Config, ProfileSpec, Reaction, Sim, SinkSpec, VTABLE};
use crate::trace::{
    AdviseArgs, AdviseInfo, AggregateInfo, Arg, CreateInfo, EventKind, GuidPtr, Out, OutArg, Ptr,
    ReactionCall, Trace,
};
use crate::util::nearest;
use crate::Set4Reading;
use std::collections::BTreeMap;
use std::fmt;

pub use crate::trace::Value;

/// No names yet (before the world starts).
static NO_NAMES: BTreeMap<String, Value> = BTreeMap::new();

/// An expectation that did not hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectFailure {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for ExpectFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// A script that cannot run: a syntax error, or a statement that makes no sense
/// (an unknown variable, a setting after the world started…).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    Parse(ParseError),
    Statement {
        line: usize,
        /// The offending text, when it is one argument: (1-based column, length).
        at: Option<(usize, usize)>,
        message: String,
        hint: Option<String>,
    },
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Parse(e) => e.fmt(f),
            RunError::Statement {
                line,
                message,
                hint,
                ..
            } => {
                write!(f, "{line}: {message}")?;
                if let Some(h) = hint {
                    write!(f, " (hint: {h})")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for RunError {}

/// The result of a whole script.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub trace: Trace,
    pub failures: Vec<ExpectFailure>,
    /// What the client-contract checker finds in the whole trace that no
    /// `expect finding` line of the scenario expected. A scenario that shows a mistake on
    /// purpose expects its finding; `run --check` fails only on these.
    pub unexpected_findings: Vec<crate::checker::Finding>,
    /// For each event of `trace`, the line of the statement that caused it, as
    /// [`Runner::event_lines`] says; the events the end of the run adds (shutdown, its
    /// report) come from no statement and have no entry.
    pub event_lines: Vec<usize>,
}

/// Parses and runs `source`; expectations that fail are collected, not fatal.
pub fn run_script(source: &str) -> Result<Outcome, RunError> {
    let script = parse(source).map_err(RunError::Parse)?;
    let mut r = Runner::default();
    for s in &script.stmts {
        r.exec(s)?;
    }
    Ok(r.finish())
}

/// The trace of a scenario's first `upto` statements (all with `None`), run as
/// [`Runner::exec_prefix`] runs them: a statement that cannot run ends the run there, its
/// events kept. What the playground's second module holds for the page's run.
pub fn trace_of_prefix(
    source: &str,
    upto: Option<usize>,
) -> Result<crate::trace::Trace, crate::scenario::ParseError> {
    let script = parse(source)?;
    let mut r = Runner::default();
    let _ = r.exec_prefix(&script.stmts, upto);
    Ok(r.sim().take_trace())
}

/// One world and the names bound in it.
#[derive(Default)]
pub struct Runner {
    config: Config,
    /// The world; it also holds the client's named variables (`Sim::names`), which
    /// reactions read and bind when they fire.
    sim: Option<Sim>,
    last_hr: Option<HResult>,
    /// Trace length when the last non-`expect` statement started.
    stmt_start: usize,
    /// Per sink, the trace length when `expect notifications` last accounted for it.
    seen: BTreeMap<Ptr, usize>,
    failures: Vec<ExpectFailure>,
    /// Findings an `expect finding` line matched (see `finding_key`).
    expected: std::collections::BTreeSet<FindingKey>,
    line: usize,
    /// Set by a front-end's `--set-4`: `config set4` lines no longer change the reading.
    set4_pinned: bool,
    /// `config set4` lines the pinned reading outranked: (line, reading written).
    set4_overridden: Vec<(usize, Set4Reading)>,
    /// For each event of the trace so far, the line of the statement that caused it.
    event_lines: Vec<usize>,
}

struct OutParam {
    out: Out,
    bind: Option<String>,
}

impl Runner {
    /// Fixes the reading of SET-4 for this run whatever the script's `config set4` lines
    /// say (a command-line choice outranks the file's).
    pub fn pin_set4(&mut self, reading: Set4Reading) {
        self.config.set4 = reading;
        self.set4_pinned = true;
    }

    /// The `config set4` lines that [`Runner::pin_set4`] outranked, as (line, the reading
    /// the line asked for), so a front-end can say so.
    pub fn set4_overridden(&self) -> &[(usize, Set4Reading)] {
        &self.set4_overridden
    }

    /// Whether the world has started (the first statement other than `config` ran).
    pub fn started(&self) -> bool {
        self.sim.is_some()
    }

    /// The world, created with the settings so far on first use.
    pub fn sim(&mut self) -> &mut Sim {
        let config = &self.config;
        self.sim.get_or_insert_with(|| Sim::new(config.clone()))
    }

    /// The names bound so far (by statements and by reactions).
    pub fn vars(&self) -> &BTreeMap<String, Value> {
        self.sim.as_ref().map_or(&NO_NAMES, Sim::names)
    }

    fn var(&self, name: &str) -> Option<Value> {
        self.sim.as_ref().and_then(|s| s.name(name))
    }

    pub fn failures(&self) -> &[ExpectFailure] {
        &self.failures
    }

    /// The trace and the failed expectations.
    pub fn finish(mut self) -> Outcome {
        let trace = self.sim().take_trace();
        let unexpected_findings = crate::checker::check(&trace)
            .into_iter()
            .filter(|f| !self.expected.contains(&finding_key(f)))
            .collect();
        self.event_lines.truncate(trace.events.len());
        Outcome {
            trace,
            failures: self.failures,
            unexpected_findings,
            event_lines: self.event_lines,
        }
    }

    fn fail<T>(&self, message: impl Into<String>, hint: Option<String>) -> Result<T, RunError> {
        // Messages quote names from the input; a huge one is cut, not echoed.
        Err(RunError::Statement {
            line: self.line,
            at: None,
            message: super::shorten(&message.into()),
            hint: hint.as_deref().map(super::shorten),
        })
    }

    /// Like `fail`, pointing at the text from column `col` (1-based; 0 = unknown).
    fn fail_at<T>(
        &self,
        col: usize,
        len: usize,
        message: impl Into<String>,
        hint: Option<String>,
    ) -> Result<T, RunError> {
        Err(RunError::Statement {
            line: self.line,
            at: (col > 0).then_some((col, len.max(1))),
            message: super::shorten(&message.into()),
            hint: hint.as_deref().map(super::shorten),
        })
    }

    fn sim_err<T>(&self, r: Result<T, crate::SimError>) -> Result<T, RunError> {
        r.or_else(|e| self.fail(e.to_string(), None))
    }

    /// For each event of the trace so far, the line of the script statement that caused
    /// it (what a statement sets in motion, `Notify`s and reactions included, is that
    /// statement's). A front-end that shows events beside the script reads this rather
    /// than deciding it; [`crate::trace::walk::walk_with_lines`] joins it to the walk.
    pub fn event_lines(&self) -> &[usize] {
        &self.event_lines
    }

    /// Runs the first `upto` statements (all of them with `None`), stopping at the first
    /// that cannot run: how many ran, the failed one included, and its error. The
    /// playground runs a script this way and its second module runs it again the same
    /// way, so the two hold the same trace.
    pub fn exec_prefix(
        &mut self,
        stmts: &[Stmt],
        upto: Option<usize>,
    ) -> (usize, Option<RunError>) {
        let n = upto.unwrap_or(stmts.len()).min(stmts.len());
        for (k, stmt) in stmts[..n].iter().enumerate() {
            if let Err(e) = self.exec(stmt) {
                return (k + 1, Some(e));
            }
        }
        (n, None)
    }

    /// Runs one statement.
    pub fn exec(&mut self, stmt: &Stmt) -> Result<(), RunError> {
        let r = self.exec_stmt(stmt);
        // `config` lines come before the world exists; asking for it would start it.
        if let Some(sim) = &self.sim {
            let len = sim.trace().events.len();
            self.event_lines.truncate(len);
            self.event_lines.resize(len, stmt.line);
        }
        r
    }

    fn exec_stmt(&mut self, stmt: &Stmt) -> Result<(), RunError> {
        self.line = stmt.line;
        if !matches!(stmt.kind, StmtKind::Expect(_) | StmtKind::Config { .. }) {
            self.stmt_start = self.sim().trace().events.len();
        }
        match &stmt.kind {
            StmtKind::Config { key, value } => self.config_stmt(key, value),
            StmtKind::Profile {
                name,
                caps,
                state,
                outside,
                server_down,
            } => {
                let mut spec = ProfileSpec::new(name.clone());
                if let Some(c) = caps {
                    spec.capabilities = self.u32(c)?;
                }
                if let Some(s) = state {
                    spec.state = self.u32(s)?;
                }
                spec.caller_inside_outlook = !outside;
                spec.server_up = !server_down;
                let r = self.sim().add_profile(spec);
                self.sim_err(r).map(|_| ())
            }
            StmtKind::Sink {
                name,
                implements_notify,
                validates_notify,
                iids,
                reactions,
            } => {
                self.check_new_name(name)?;
                let mut spec = SinkSpec::new(name.clone());
                spec.implements_notify = *implements_notify;
                spec.validates_notify = *validates_notify;
                for i in iids {
                    match self.guid(i)? {
                        GuidPtr::To(g) => spec.interfaces.push(g),
                        GuidPtr::Null => return self.fail("`iid NULL` names no interface", None),
                        GuidPtr::Addr(a) => {
                            return self.fail(
                                format!("`iid 0x{a:X}`: an interface is named by its GUID, not by an address"),
                                Some("write an IID_ name or a literal {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}".into()),
                            )
                        }
                    }
                }
                for r in reactions {
                    let reaction = self.reaction(r)?;
                    spec.reactions.push(reaction);
                }
                let r = self.sim().create_sink(spec);
                let p = self.sim_err(r)?;
                self.sim().set_name(name.clone(), Value::Ptr(p));
                Ok(())
            }
            StmtKind::Call(c) => self.call(c),
            StmtKind::Advance(n) => {
                let n = self.u64(n)?;
                let r = self.sim().advance(n);
                self.sim_err(r)
            }
            StmtKind::Run => {
                let r = self.sim().run_until_idle();
                self.sim_err(r).map(|_| ())
            }
            StmtKind::Network { up } => {
                let r = if *up {
                    self.sim().network_up()
                } else {
                    self.sim().network_down()
                };
                self.sim_err(r)
            }
            StmtKind::Server { profile, up } => {
                let r = if *up {
                    self.sim().server_up(profile)
                } else {
                    self.sim().server_down(profile)
                };
                self.sim_err(r)
            }
            StmtKind::Inject { object, args } => {
                let o = self.ptr(object)?;
                let v = [
                    self.u32(&args[0])?,
                    self.u32(&args[1])?,
                    self.u32(&args[2])?,
                    self.u32(&args[3])?,
                ];
                let r = self.sim().inject_notify(o, v[0], v[1], v[2], v[3]);
                self.sim_err(r)
            }
            StmtKind::ExtraStateBits(b) => {
                let b = self.u32(b)?;
                let r = self.sim().set_extra_state_bits(b);
                self.sim_err(r)
            }
            StmtKind::ExtraCaps { object, bits } => {
                let (o, b) = (self.ptr(object)?, self.u32(bits)?);
                let r = self.sim().set_extra_capability_bits(o, b);
                self.sim_err(r)
            }
            StmtKind::Shutdown => {
                let r = self.sim().shutdown();
                self.sim_err(r).map(|_| ())
            }
            StmtKind::Expect(e) => self.expect(e),
        }
    }

    fn config_stmt(&mut self, key: &str, value: &Expr) -> Result<(), RunError> {
        if self.sim.is_some() {
            return self.fail(
                format!("`config {key}` after the world has started"),
                Some("put every `config` line before the first other statement".into()),
            );
        }
        let word = match value {
            Expr::Name { name, .. } => Some(name.as_str()),
            _ => None,
        };
        match (key, word) {
            ("set4", _) => match word.and_then(Set4Reading::from_name) {
                Some(written) if !self.set4_pinned => self.config.set4 = written,
                Some(written) => {
                    if written != self.config.set4 {
                        self.set4_overridden.push((self.line, written));
                    }
                }
                None => return self.fail("`config set4` takes `documented` or `literal`", None),
            },
            ("arch", Some("x86")) => self.config.arch = Arch::X86,
            ("arch", Some("x64")) => self.config.arch = Arch::X64,
            ("arch", _) => return self.fail("`config arch` takes `x86` or `x64`", None),
            ("network", Some("up")) => self.config.network_up = true,
            ("network", Some("down")) => self.config.network_up = false,
            ("network", _) => return self.fail("`config network` takes `up` or `down`", None),
            ("phase_spacing", _) => self.config.phase_spacing = self.u64(value)?,
            ("max_idle_steps", _) => self.config.max_idle_steps = self.u64(value)?,
            ("extra_state_bits", _) => self.config.extra_state_bits = self.u32(value)?,
            _ => return self.fail(format!("unknown setting `{key}`"), None),
        }
        Ok(())
    }

    fn check_new_name(&self, name: &str) -> Result<(), RunError> {
        if consts::value_of(name).is_some()
            || KNOWN_GUIDS.iter().any(|g| g.name == name)
            || name == "NULL"
            || name == "own"
            || name == "self"
        {
            return self.fail(
                format!("`{name}` is a constant of the API and cannot name a variable"),
                None,
            );
        }
        Ok(())
    }
}

/// Identifies a finding across checks of a growing trace: (rule, clause, event), where a
/// finding left behind at the end of a trace without shutdown, which moves with the end,
/// has no event (except R5's dropped request, which points at its E_PENDING call).
type FindingKey = (crate::Rule, crate::Clause, Option<usize>);

fn finding_key(f: &crate::checker::Finding) -> FindingKey {
    let moving =
        f.left_behind == Some(crate::checker::LeftBehind::EndOfTrace) && f.rule != crate::Rule::R5;
    (f.rule, f.clause, (!moving).then_some(f.event))
}

// Last: the layering test (core/tests/layers.rs) reads a file only up to `#[cfg(test)]`.
#[cfg(test)]
mod tests;
