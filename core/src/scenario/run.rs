//! Runs parsed statements against a [`Sim`], one at a time (so a REPL can drive it), and
//! checks expectations.

use super::parse::{known_names, ParseError};
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
}

struct OutParam {
    out: Out,
    bind: Option<String>,
}

/// `MAPIOFFLINE_ADVISEINFO`'s fields, for `Advise` at top level and in a reaction.
const ADVISEINFO_FIELDS: &[&str] = &[
    "ulSize",
    "ulClientToken",
    "CallbackType",
    "pCallback",
    "ulAdviseTypes",
    "ulStateMask",
];

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
        Outcome {
            trace,
            failures: self.failures,
            unexpected_findings,
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

    /// Runs one statement.
    pub fn exec(&mut self, stmt: &Stmt) -> Result<(), RunError> {
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

    // ------------------------------------------------------------ values

    fn unknown_name<T>(&self, name: &str, col: usize) -> Result<T, RunError> {
        if name == "own" || name == "self" {
            return self.fail_at(
                col,
                name.len(),
                format!("`{name}` exists only inside a reaction"),
                Some(if name == "own" {
                    "in `sink S when …: mgr->Unadvise(0, own)`, `own` is the advise token of the registration being notified".into()
                } else {
                    "in `sink S when …: …`, `self` is the sink itself".into()
                }),
            );
        }
        let mut names: Vec<&str> = self.vars().keys().map(String::as_str).collect();
        for k in known_names() {
            names.push(k);
        }
        let hint = nearest(name, names).map(|s| format!("did you mean `{s}`?"));
        self.fail_at(
            col,
            name.chars().count(),
            format!("`{name}` is neither a constant of the API nor a name bound earlier"),
            hint,
        )
    }

    fn u64(&self, e: &Expr) -> Result<u64, RunError> {
        match e {
            Expr::Num(n) => Ok(*n),
            Expr::Null => Ok(0),
            _ => self.u32(e).map(u64::from),
        }
    }

    fn u32(&self, e: &Expr) -> Result<u32, RunError> {
        match e {
            Expr::Num(n) => u32::try_from(*n)
                .or_else(|_| self.fail(format!("{n} does not fit in a ULONG (32 bits)"), None)),
            Expr::Null => Ok(0),
            Expr::Or(parts) => parts.iter().try_fold(0u32, |acc, p| Ok(acc | self.u32(p)?)),
            Expr::And(parts) => parts
                .iter()
                .try_fold(u32::MAX, |acc, p| Ok(acc & self.u32(p)?)),
            Expr::Not(inner) => Ok(!self.u32(inner)?),
            Expr::Sizeof(ty) => {
                let arch = self.config.arch;
                match ty.as_str() {
                    "MAPIOFFLINE_ADVISEINFO" => Ok(arch.sizeof_adviseinfo()),
                    "MAPIOFFLINE_CREATEINFO" => Ok(arch.sizeof_createinfo()),
                    "MAPIOFFLINE_AGGREGATEINFO" => Ok(arch.sizeof_aggregateinfo()),
                    "MAPIOFFLINE_NOTIFY" => Ok(consts::SIZEOF_MAPIOFFLINE_NOTIFY),
                    _ => self.fail(format!("sizeof({ty}): not a structure of the API"), Some("MAPIOFFLINE_ADVISEINFO, MAPIOFFLINE_CREATEINFO, MAPIOFFLINE_AGGREGATEINFO or MAPIOFFLINE_NOTIFY".into())),
                }
            }
            Expr::Name { name, col } => {
                if let Some(v) = consts::value_of(name) {
                    return Ok(v);
                }
                match self.var(name) {
                    Some(Value::Ulong(v)) => Ok(v),
                    Some(Value::Ptr(p)) => Ok(p.0),
                    None => self.unknown_name(name, *col),
                }
            }
            _ => self.fail("expected a number or a constant here", None),
        }
    }

    fn ptr(&self, e: &Expr) -> Result<Ptr, RunError> {
        match e {
            Expr::Null => Ok(Ptr::NULL),
            Expr::Num(n) => u32::try_from(*n).map(Ptr).or_else(|_| {
                self.fail(
                    format!("{n:#x} is beyond this simulator's address space"),
                    None,
                )
            }),
            Expr::Name { name, col } => match self.var(name) {
                Some(Value::Ptr(p)) => Ok(p),
                Some(Value::Ulong(v)) => self.fail_at(
                    *col,
                    name.chars().count(),
                    format!("`{name}` holds the number {v}, not an interface pointer"),
                    None,
                ),
                None => self.unknown_name(name, *col),
            },
            _ => self.fail(
                "expected an interface pointer: a bound name, NULL or an address",
                None,
            ),
        }
    }

    /// A `const GUID*` (or `REFIID`) argument: `NULL`, `&GUID_GlobalState` (the `&` may be
    /// left out), an `IID_` name, a literal `{XXXXXXXX-…}`, or a raw address (`0x1234`)
    /// whose contents the simulator cannot read.
    fn guid(&self, e: &Expr) -> Result<GuidPtr, RunError> {
        const FORMS: &str = "a GUID pointer is NULL, &GUID_GlobalState, an IID_ name, a literal {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}, or a raw address such as 0x1234";
        match e {
            Expr::Null => Ok(GuidPtr::Null),
            Expr::Num(n) => Ok(GuidPtr::addr(*n)),
            Expr::AddrOf(inner) => match &**inner {
                Expr::Name { .. } | Expr::Guid(_) => self.guid(inner),
                Expr::Num(n) => self.fail(
                    format!("`&0x{n:X}`: a number has no address"),
                    Some(format!(
                        "write 0x{n:X} (without `&`) to pass it as a raw address"
                    )),
                ),
                Expr::Null => self.fail(
                    "`&NULL`: NULL has no address",
                    Some("write NULL for a NULL GUID pointer".into()),
                ),
                _ => self.fail("expected a GUID after `&`", Some(FORMS.into())),
            },
            Expr::Guid(g) => Ok(GuidPtr::To(*g)),
            Expr::Name { name, col } => match KNOWN_GUIDS.iter().find(|g| g.name == *name) {
                Some(g) => Ok(GuidPtr::To(g.guid)),
                None => {
                    // A variable holds a pointer or a number, never a GUID: passing it here
                    // is most likely a slip, so say what it holds rather than guess.
                    if let Some(v) = self.var(name) {
                        let (what, raw) = match v {
                            Value::Ptr(p) => ("an interface pointer", p.to_string()),
                            Value::Ulong(u) => ("a number", format!("0x{u:X}")),
                        };
                        return self.fail_at(
                            *col,
                            name.chars().count(),
                            format!("`{name}` is {what} ({raw}), not a GUID"),
                            Some(format!(
                                "{FORMS}; to pass {raw} as an address, write it as a number"
                            )),
                        );
                    }
                    let hint = nearest(name, KNOWN_GUIDS.iter().map(|g| g.name))
                        .map(|s| format!("did you mean `{s}`?"))
                        .or_else(|| Some(FORMS.into()));
                    self.fail_at(
                        *col,
                        name.chars().count(),
                        format!("`{name}` is not a GUID of the API"),
                        hint,
                    )
                }
            },
            _ => self.fail("expected a GUID pointer here", Some(FORMS.into())),
        }
    }

    fn string(&self, e: &Expr) -> Result<Option<String>, RunError> {
        match e {
            Expr::Null => Ok(None),
            Expr::Str(s) => Ok(Some(s.clone())),
            _ => self.fail("expected a string such as L\"Outlook\", or NULL", None),
        }
    }

    fn out(&self, e: &Expr) -> Result<OutParam, RunError> {
        match e {
            Expr::Null | Expr::Num(0) => Ok(OutParam {
                out: Out::Null,
                bind: None,
            }),
            // A raw address: a pointer the call writes through; nothing is bound.
            Expr::Num(_) => Ok(OutParam {
                out: Out::Valid,
                bind: None,
            }),
            Expr::AddrOf(inner) => match &**inner {
                Expr::Name { name, .. } => {
                    self.check_new_name(name)?;
                    Ok(OutParam {
                        out: Out::Valid,
                        bind: Some(name.clone()),
                    })
                }
                _ => self.fail("an out-parameter is &name or NULL", None),
            },
            _ => self.fail(
                "an out-parameter is &name (to bind the result) or NULL",
                Some("e.g. &mgr".into()),
            ),
        }
    }

    fn fields<'e>(
        &self,
        e: &'e Expr,
        what: &str,
        allowed: &[&str],
    ) -> Result<Option<BTreeMap<&'e str, &'e Expr>>, RunError> {
        let e = match e {
            Expr::Null => return Ok(None),
            Expr::AddrOf(inner) => &**inner,
            other => other,
        };
        let Expr::Struct(fields) = e else {
            return self.fail(format!("expected &{{…}} (a {what}) or NULL"), None);
        };
        let mut map = BTreeMap::new();
        for (f, v) in fields {
            if !allowed.contains(&f.as_str()) {
                let hint =
                    nearest(f, allowed.iter().copied()).map(|s| format!("did you mean `{s}`?"));
                return self.fail(format!("{what} has no field `{f}`"), hint);
            }
            map.insert(f.as_str(), v);
        }
        Ok(Some(map))
    }

    fn advise_info(&self, e: &Expr) -> Result<Option<AdviseInfo>, RunError> {
        let Some(f) = self.fields(e, "MAPIOFFLINE_ADVISEINFO", ADVISEINFO_FIELDS)? else {
            return Ok(None);
        };
        let base = AdviseInfo {
            ul_size: self.config.arch.sizeof_adviseinfo(),
            ul_client_token: 0,
            callback_type: consts::MAPIOFFLINE_CALLBACK_TYPE_NOTIFY,
            p_callback: Ptr::NULL,
            ul_advise_types: consts::MAPIOFFLINE_ADVISE_TYPE_STATECHANGE,
            ul_state_mask: consts::MAPIOFFLINE_STATE_ALL,
        };
        let u = |k: &str, d: u32| f.get(k).map_or(Ok(d), |v| self.u32(v));
        Ok(Some(AdviseInfo {
            ul_size: u("ulSize", base.ul_size)?,
            ul_client_token: u("ulClientToken", 0)?,
            callback_type: u("CallbackType", base.callback_type)?,
            p_callback: f.get("pCallback").map_or(Ok(Ptr::NULL), |v| self.ptr(v))?,
            ul_advise_types: u("ulAdviseTypes", base.ul_advise_types)?,
            ul_state_mask: u("ulStateMask", base.ul_state_mask)?,
        }))
    }

    fn create_info(&self, e: &Expr) -> Result<Option<CreateInfo>, RunError> {
        let allowed = [
            "ulSize",
            "ulCreateFlags",
            "pwszProfileName",
            "ulCapabilities",
            "pGUID",
            "pInstance",
            "pParent",
            "pMAPISupport",
            "pAggregateInfo",
            "pConnectInfo",
        ];
        let Some(f) = self.fields(e, "MAPIOFFLINE_CREATEINFO", &allowed)? else {
            return Ok(None);
        };
        let arch = self.config.arch;
        let u = |k: &str, d: u32| f.get(k).map_or(Ok(d), |v| self.u32(v));
        let p = |k: &str| f.get(k).map_or(Ok(Ptr::NULL), |v| self.ptr(v));
        let g = |k: &str| f.get(k).map_or(Ok(GuidPtr::Null), |v| self.guid(v));
        let aggregate = match f.get("pAggregateInfo") {
            None => None,
            Some(v) => match self.fields(
                v,
                "MAPIOFFLINE_AGGREGATEINFO",
                &["ulSize", "pOuterObj", "pRefTrackRoot"],
            )? {
                None => None,
                Some(a) => Some(AggregateInfo {
                    ul_size: a
                        .get("ulSize")
                        .map_or(Ok(arch.sizeof_aggregateinfo()), |v| self.u32(v))?,
                    p_outer_obj: a.get("pOuterObj").map_or(Ok(Ptr::NULL), |v| self.ptr(v))?,
                    p_ref_track_root: a
                        .get("pRefTrackRoot")
                        .map_or(Ok(Ptr::NULL), |v| self.ptr(v))?,
                }),
            },
        };
        Ok(Some(CreateInfo {
            ul_size: u("ulSize", arch.sizeof_createinfo())?,
            ul_create_flags: u("ulCreateFlags", 0)?,
            pwsz_profile_name: f
                .get("pwszProfileName")
                .map_or(Ok(None), |v| self.string(v))?,
            ul_capabilities: u(
                "ulCapabilities",
                consts::MAPIOFFLINE_CAPABILITY_OFFLINE | consts::MAPIOFFLINE_CAPABILITY_ONLINE,
            )?,
            p_guid: g("pGUID")?,
            p_instance: g("pInstance")?,
            p_parent: p("pParent")?,
            p_mapi_support: p("pMAPISupport")?,
            p_aggregate_info: aggregate,
            p_connect_info: f.get("pConnectInfo").map_or(Ok(0), |v| self.u64(v))?,
        }))
    }

    // ------------------------------------------------------------ calls

    fn arity(&self, c: &CallExpr, n: usize, signature: &str) -> Result<(), RunError> {
        if c.args.len() == n {
            Ok(())
        } else {
            self.fail(
                format!("{} takes {n} argument(s), not {}", c.method, c.args.len()),
                Some(signature.to_string()),
            )
        }
    }

    /// `p->vtbl[N](args…)` as the method in slot N, when the arguments are that method's:
    /// the call behaves exactly like the method called by name. `None`: a raw slot call
    /// (a placeholder, one beyond the vtable, or a method's slot called without arguments,
    /// which the simulator answers per OFF-2/OFF-3).
    fn slot_method(&self, c: &CallExpr) -> Result<Option<CallExpr>, RunError> {
        let slot = self.u32(&c.args[0])?;
        let args = &c.args[1..];
        // The methods' slots and arities are the simulator's (`sim::VTABLE`).
        let arity = VTABLE
            .get(slot as usize)
            .and_then(|s| Some((s.name, s.arity?)));
        match arity {
            Some((m, n)) if args.len() == n => Ok(Some(CallExpr {
                this: c.this.clone(),
                method: m.to_string(),
                args: args.to_vec(),
                col: c.col,
            })),
            Some(_) if args.is_empty() => Ok(None),
            Some((m, n)) => self.fail(
                format!(
                    "slot {slot} is {m}, which takes {n} argument(s), not {}",
                    args.len()
                ),
                Some(format!(
                    "write vtbl[{slot}] with {m}'s {n} argument(s), or call it by name"
                )),
            ),
            None if args.is_empty() => Ok(None),
            None => self.fail(
                format!(
                    "slot {slot} is a placeholder (or beyond the vtable): it takes no arguments"
                ),
                Some(format!("write vtbl[{slot}]()")),
            ),
        }
    }

    fn bind(&mut self, out: OutParam, value: Option<Value>) {
        if let (Some(name), Some(v)) = (out.bind, value) {
            self.sim().set_name(name, v);
        }
    }

    fn call(&mut self, c: &CallExpr) -> Result<(), RunError> {
        let this = match &c.this {
            Some(t) => Some(self.ptr(t)?),
            None => None,
        };
        let hr = match (this, c.method.as_str()) {
            (None, "HrOpenOfflineObj") => {
                self.arity(c, 5, "HrOpenOfflineObj(ulReserved, pwszProfileNameIn, pGUID, pReserved, &ppOfflineObj)")?;
                let (a, name, g, r, out) = (
                    self.u32(&c.args[0])?,
                    self.string(&c.args[1])?,
                    self.guid(&c.args[2])?,
                    self.guid(&c.args[3])?,
                    self.out(&c.args[4])?,
                );
                let ret = self
                    .sim()
                    .hr_open_offline_obj(a, name.as_deref(), g, r, out.out);
                self.bind(out, ret.out.map(Value::Ptr));
                Some(ret.hr)
            }
            (None, "HrCreateOfflineObj") => {
                self.arity(
                    c,
                    3,
                    "HrCreateOfflineObj(ulFlags, &{…} or NULL, &ppOffline)",
                )?;
                let (flags, info, out) = (
                    self.u32(&c.args[0])?,
                    self.create_info(&c.args[1])?,
                    self.out(&c.args[2])?,
                );
                let ret = self
                    .sim()
                    .hr_create_offline_obj(flags, info.as_ref(), out.out);
                self.bind(out, ret.out.map(Value::Ptr));
                Some(ret.hr)
            }
            (None, f) => {
                let hint = nearest(f, ["HrOpenOfflineObj", "HrCreateOfflineObj"])
                    .map(|s| format!("did you mean `{s}`?"));
                return self.fail(format!("`{f}` is not a function of the API; methods are called as pointer->Method(…)"), hint);
            }
            (Some(p), "QueryInterface") => {
                self.arity(c, 2, "QueryInterface(riid, &ppvObject)")?;
                let (iid, out) = (self.guid(&c.args[0])?, self.out(&c.args[1])?);
                let ret = self.sim().query_interface(p, iid, out.out);
                self.bind(out, ret.out.map(Value::Ptr));
                Some(ret.hr)
            }
            (Some(p), "AddRef") => {
                self.arity(c, 0, "AddRef()")?;
                self.sim().add_ref(p);
                None
            }
            (Some(p), "Release") => {
                self.arity(c, 0, "Release()")?;
                self.sim().release(p);
                None
            }
            (Some(p), "SetCurrentState") => {
                self.arity(c, 4, "SetCurrentState(ulFlags, ulMask, ulState, pReserved)")?;
                let (f, m, s, r) = (
                    self.u32(&c.args[0])?,
                    self.u32(&c.args[1])?,
                    self.u32(&c.args[2])?,
                    self.u64(&c.args[3])?,
                );
                Some(self.sim().set_current_state(p, f, m, s, r))
            }
            (Some(p), "GetCapabilities") => {
                self.arity(c, 1, "GetCapabilities(&pulCapabilities)")?;
                let out = self.out(&c.args[0])?;
                let ret = self.sim().get_capabilities(p, out.out);
                self.bind(out, ret.out.map(Value::Ulong));
                Some(ret.hr)
            }
            (Some(p), "GetCurrentState") => {
                self.arity(c, 1, "GetCurrentState(&pulState)")?;
                let out = self.out(&c.args[0])?;
                let ret = self.sim().get_current_state(p, out.out);
                self.bind(out, ret.out.map(Value::Ulong));
                Some(ret.hr)
            }
            (Some(p), "Advise") => {
                self.arity(c, 3, "Advise(ulFlags, &{…} or NULL, &pulAdviseToken)")?;
                let (f, info, out) = (
                    self.u32(&c.args[0])?,
                    self.advise_info(&c.args[1])?,
                    self.out(&c.args[2])?,
                );
                let ret = self.sim().advise(p, f, info.as_ref(), out.out);
                self.bind(out, ret.out.map(Value::Ulong));
                Some(ret.hr)
            }
            (Some(p), "Unadvise") => {
                self.arity(c, 2, "Unadvise(ulFlags, ulAdviseToken)")?;
                let (f, t) = (self.u32(&c.args[0])?, self.u32(&c.args[1])?);
                Some(self.sim().unadvise(p, f, t))
            }
            (Some(p), "vtbl") => match self.slot_method(c)? {
                Some(named) => return self.call(&named),
                None => {
                    let slot = self.u32(&c.args[0])?;
                    Some(self.sim().call_slot(p, slot))
                }
            },
            (Some(_), m) => {
                return self.fail(format!("`{m}` is not a method of IMAPIOfflineMgr"), None)
            }
        };
        self.last_hr = hr;
        Ok(())
    }

    /// A reaction's call, exactly as written: every argument kept raw. Constants are
    /// resolved now; a variable (or `own`, `self`) is kept as a name and read when the
    /// reaction fires, so names bound after the `sink` line are usable.
    fn reaction(&self, r: &ReactionSrc) -> Result<Reaction, RunError> {
        let on = match &r.on {
            None => None,
            Some(e) => Some(self.u32(e)?),
        };
        let named;
        let mut c = &r.call;
        if c.method == "vtbl" {
            if let Some(m) = self.slot_method(c)? {
                named = m;
                c = &named;
            }
        }
        let Some(this) = &c.this else {
            return self.fail_at(
                c.col,
                c.method.chars().count(),
                format!("`{}(…)` without a pointer", c.method),
                Some(format!(
                    "a reaction calls a method through a pointer: write `mgr->{}(…)`",
                    c.method
                )),
            );
        };
        let this = self.rarg(this, false)?;
        let call = match c.method.as_str() {
            "QueryInterface" => {
                self.arity(c, 2, "QueryInterface(riid, &ppvObject)")?;
                ReactionCall::QueryInterface {
                    this,
                    riid: self.guid(&c.args[0])?,
                    ppv_object: self.rout(&c.args[1])?,
                }
            }
            "AddRef" => {
                self.arity(c, 0, "AddRef()")?;
                ReactionCall::AddRef { this }
            }
            "Release" => {
                self.arity(c, 0, "Release()")?;
                ReactionCall::Release { this }
            }
            "SetCurrentState" => {
                self.arity(c, 4, "SetCurrentState(ulFlags, ulMask, ulState, pReserved)")?;
                ReactionCall::SetCurrentState {
                    this,
                    ul_flags: self.rarg(&c.args[0], false)?,
                    ul_mask: self.rarg(&c.args[1], false)?,
                    ul_state: self.rarg(&c.args[2], false)?,
                    p_reserved: self.rarg(&c.args[3], true)?,
                }
            }
            "GetCapabilities" => {
                self.arity(c, 1, "GetCapabilities(&pulCapabilities)")?;
                ReactionCall::GetCapabilities {
                    this,
                    pul_capabilities: self.rout(&c.args[0])?,
                }
            }
            "GetCurrentState" => {
                self.arity(c, 1, "GetCurrentState(&pulState)")?;
                ReactionCall::GetCurrentState {
                    this,
                    pul_state: self.rout(&c.args[0])?,
                }
            }
            "Advise" => {
                self.arity(c, 3, "Advise(ulFlags, &{…} or NULL, &pulAdviseToken)")?;
                ReactionCall::Advise {
                    this,
                    ul_flags: self.rarg(&c.args[0], false)?,
                    p_advise_info: self.radvise_info(&c.args[1])?,
                    pul_advise_token: self.rout(&c.args[2])?,
                }
            }
            "Unadvise" => {
                self.arity(c, 2, "Unadvise(ulFlags, ulAdviseToken or own)")?;
                ReactionCall::Unadvise {
                    this,
                    ul_flags: self.rarg(&c.args[0], false)?,
                    ul_advise_token: self.rarg(&c.args[1], false)?,
                }
            }
            "vtbl" => ReactionCall::Slot {
                this,
                slot: self.u32(&c.args[0])?,
            },
            m => {
                return self.fail_at(
                    c.col,
                    m.chars().count(),
                    format!("`{m}` is not a method of IMAPIOfflineMgr"),
                    None,
                )
            }
        };
        Ok(Reaction {
            on,
            once: r.once,
            action: Action::Call(call),
        })
    }

    /// One argument of a reaction's call. `wide`: a pointer-sized value (`pReserved`).
    fn rarg(&self, e: &Expr, wide: bool) -> Result<Arg, RunError> {
        match e {
            Expr::Num(n) => {
                if !wide && u32::try_from(*n).is_err() {
                    return self.fail(format!("{n} does not fit in a ULONG (32 bits)"), None);
                }
                Ok(Arg::Num(*n))
            }
            Expr::Null => Ok(Arg::Num(0)),
            Expr::Name { name, col } => {
                if name == "own" || name == "self" || self.var(name).is_some() {
                    return Ok(Arg::Name(name.clone()));
                }
                if let Some(v) = consts::value_of(name) {
                    return Ok(Arg::Num(v.into()));
                }
                if looks_like_constant(name) {
                    // Not bound and not a constant, but spelt like one: a typo, most likely.
                    return self.unknown_name(name, *col);
                }
                // A variable bound later (by a statement or a reaction): read when it fires.
                Ok(Arg::Name(name.clone()))
            }
            Expr::Str(_) | Expr::Guid(_) | Expr::AddrOf(_) | Expr::Struct(_) => self.fail(
                "expected a number, a constant, NULL, `own`, `self` or a variable here",
                None,
            ),
            compound => {
                // `A|B`, `sizeof(…)`: worked out now, so only constants may appear in it.
                if let Some((name, col)) = first_variable(compound) {
                    return self.fail_at(
                        col,
                        name.chars().count(),
                        format!("`{name}` is a variable inside an expression of a reaction"),
                        Some("a reaction reads a variable when it fires, so a variable must be a whole argument; combine only constants".into()),
                    );
                }
                Ok(Arg::Num(self.u32(compound)?.into()))
            }
        }
    }

    /// An out-parameter of a reaction's call: `NULL` or `&name`.
    fn rout(&self, e: &Expr) -> Result<OutArg, RunError> {
        let o = self.out(e)?;
        Ok(match (o.out, o.bind) {
            (Out::Null, _) => OutArg::Null,
            (Out::Valid, Some(name)) => OutArg::Bind(name),
            (Out::Valid, None) => OutArg::Valid,
        })
    }

    /// `&{…}` or NULL for a reaction's `Advise`; fields left out get the correct value.
    fn radvise_info(&self, e: &Expr) -> Result<Option<AdviseArgs>, RunError> {
        let Some(f) = self.fields(e, "MAPIOFFLINE_ADVISEINFO", ADVISEINFO_FIELDS)? else {
            return Ok(None);
        };
        let a = |k: &str, d: u32| {
            f.get(k)
                .map_or(Ok(Arg::Num(d.into())), |v| self.rarg(v, false))
        };
        Ok(Some(AdviseArgs {
            ul_size: a("ulSize", self.config.arch.sizeof_adviseinfo())?,
            ul_client_token: a("ulClientToken", 0)?,
            callback_type: a("CallbackType", consts::MAPIOFFLINE_CALLBACK_TYPE_NOTIFY)?,
            p_callback: a("pCallback", 0)?,
            ul_advise_types: a("ulAdviseTypes", consts::MAPIOFFLINE_ADVISE_TYPE_STATECHANGE)?,
            ul_state_mask: a("ulStateMask", consts::MAPIOFFLINE_STATE_ALL)?,
        }))
    }

    // ------------------------------------------------------------ expectations

    fn check(&mut self, ok: bool, message: impl FnOnce() -> String) {
        if !ok {
            self.failures.push(ExpectFailure {
                line: self.line,
                message: message(),
            });
        }
    }

    fn expect(&mut self, e: &Expect) -> Result<(), RunError> {
        match e {
            Expect::Hr(v) => {
                let want = HResult(self.u32(v)?);
                let got = self.last_hr;
                self.check(got == Some(want), || match got {
                    Some(g) => format!("expected {want}, the last call returned {g}"),
                    None => {
                        format!("expected {want}, but no call returning an HRESULT came before")
                    }
                });
            }
            Expect::Var { name, equal, value } => {
                let want = self.u32(value)?;
                let got = match self.var(name) {
                    Some(Value::Ulong(v)) => Some(v),
                    Some(Value::Ptr(p)) => Some(p.0),
                    None => None,
                };
                let ok = got.is_some_and(|g| (g == want) == *equal);
                let op = if *equal { "==" } else { "!=" };
                self.check(ok, || match got {
                    Some(g) => format!("expected {name} {op} 0x{want:08X}, it is 0x{g:08X}"),
                    None => format!(
                        "expected {name} {op} 0x{want:08X}, but nothing was written to {name}"
                    ),
                });
            }
            Expect::Value { lhs, equal, value } => {
                let want = self.u32(value)?;
                // An unbound variable on the left is a failed expectation (a reaction may
                // not have fired), not an error in the script.
                if let Some((name, _)) = first_variable(lhs).filter(|(n, _)| self.var(n).is_none())
                {
                    self.check(false, || {
                        format!("expected a value computed from {name}, but nothing was written to {name}")
                    });
                    return Ok(());
                }
                let got = self.u32(lhs)?;
                let op = if *equal { "==" } else { "!=" };
                self.check((got == want) == *equal, || {
                    format!("expected 0x{got:08X} {op} 0x{want:08X}")
                });
            }
            Expect::State { object, state } => {
                let (p, want) = (self.ptr(object)?, self.u32(state)?);
                let got = self.sim().state_of(p);
                self.check(got == Some(want), || match got {
                    Some(g) => format!(
                        "expected {p} to be {}, it is {}",
                        consts::show_state(want),
                        consts::show_state(g)
                    ),
                    None => format!("{p} is not a live offline object"),
                });
            }
            Expect::RefCount { object, count } => {
                let (p, want) = (self.ptr(object)?, self.u32(count)?);
                let got = self.sim().refcount(p);
                self.check(got == Some(want), || match got {
                    Some(g) => format!("expected {p} to have {want} reference(s), it has {g}"),
                    None => format!("{p} is not a live object"),
                });
            }
            Expect::Pending { object, pending } => {
                let p = self.ptr(object)?;
                let got = self.sim().in_transition(p);
                self.check(got == *pending, || {
                    format!(
                        "expected {p} {}",
                        if *pending {
                            "to be changing state"
                        } else {
                            "to be idle"
                        }
                    )
                });
            }
            Expect::Diagnostic(id) => {
                let start = self.stmt_start;
                let found = self.sim().trace().events[start..]
                    .iter()
                    .any(|ev| match &ev.kind {
                        EventKind::Diagnostic(d) => {
                            d.code == *id
                                || d.clause.is_some_and(|c| c.id().eq_ignore_ascii_case(id))
                                || d.rule
                                    .is_some_and(|r| r.to_string().eq_ignore_ascii_case(id))
                        }
                        _ => false,
                    });
                self.check(found, || {
                    format!("expected a diagnostic {id} from the previous statement")
                });
            }
            Expect::Notifications { sink, items } => {
                let p = self.ptr(&Expr::Name {
                    name: sink.clone(),
                    col: 0,
                })?;
                // Only the events since this sink's last expectation are read, so a long
                // scenario with many such expectations stays linear.
                let from = self.seen.get(&p).copied().unwrap_or(0);
                let events = &self.sim().trace().events;
                let got: Vec<crate::trace::NotifyInfo> = events
                    .get(from..)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|ev| match &ev.kind {
                        EventKind::Notify { sink: s, info, .. } if *s == p => Some(*info),
                        _ => None,
                    })
                    .collect();
                let scanned = events.len();
                self.seen.insert(p, scanned);
                let matches = |g: &crate::trace::NotifyInfo, w: &NotifyItem| {
                    g.notify_type == w.notify_type
                        && w.states
                            .is_none_or(|s| s == (g.ul_state_old, g.ul_state_new))
                        && w.client_token.is_none_or(|t| t == g.ul_client_token)
                };
                let ok =
                    got.len() == items.len() && got.iter().zip(items).all(|(g, w)| matches(g, w));
                self.check(ok, || {
                    let g: Vec<String> = got
                        .iter()
                        .map(|g| {
                            show_item(
                                g.notify_type,
                                Some((g.ul_state_old, g.ul_state_new)),
                                Some(g.ul_client_token),
                            )
                        })
                        .collect();
                    let w: Vec<String> = items
                        .iter()
                        .map(|i| show_item(i.notify_type, i.states, i.client_token))
                        .collect();
                    format!(
                        "expected {sink} to receive [{}], it received [{}]",
                        w.join(" "),
                        g.join(" ")
                    )
                });
            }
            Expect::Finding { id, at_end } => {
                use crate::checker::LeftBehind;
                let start = self.stmt_start;
                let at_end = *at_end;
                let findings = crate::checker::check(self.sim().trace());
                // A finding belongs to the statement that made its event; what was left
                // behind, to the statement that ended the trace (`shutdown`) or to
                // `at end`.
                let belongs = |f: &crate::checker::Finding| match f.left_behind {
                    None => !at_end && f.event >= start,
                    Some(LeftBehind::Shutdown(at)) => at_end || at >= start,
                    Some(LeftBehind::EndOfTrace) => at_end,
                };
                let matched: Vec<FindingKey> = findings
                    .iter()
                    .filter(|f| {
                        belongs(f)
                            && (f.rule.to_string().eq_ignore_ascii_case(id)
                                || f.clause.id().eq_ignore_ascii_case(id))
                    })
                    .map(finding_key)
                    .collect();
                let found = !matched.is_empty();
                self.expected.extend(matched);
                self.check(found, || {
                    let near: Vec<String> = findings
                        .iter()
                        .filter(|f| belongs(f))
                        .map(|f| format!("{} ({})", f.rule, f.clause))
                        .collect();
                    let whose = if at_end {
                        "for what is left behind at the end"
                    } else {
                        "for the previous statement"
                    };
                    format!(
                        "expected the checker to report {id} {whose}; it reports [{}]",
                        near.join(", ")
                    )
                });
            }
            Expect::Clean => {
                let findings = crate::checker::check(self.sim().trace());
                self.check(findings.is_empty(), || {
                    let all: Vec<String> = findings.iter().map(|f| f.to_string()).collect();
                    format!(
                        "expected no checker findings, got {}: {}",
                        all.len(),
                        all.join("; ")
                    )
                });
            }
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

/// Whether a word is spelt like a constant of the API (`MAPIOFFLINE_FLAG_BLOK`, `E_PENDNG`):
/// upper case with an underscore. Variables are not written that way in scenarios.
fn looks_like_constant(name: &str) -> bool {
    name.contains('_')
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// The first name in an expression that is not a constant, with its column.
fn first_variable(e: &Expr) -> Option<(String, usize)> {
    match e {
        Expr::Name { name, col } if consts::value_of(name).is_none() => Some((name.clone(), *col)),
        Expr::Or(parts) | Expr::And(parts) => parts.iter().find_map(first_variable),
        Expr::AddrOf(inner) | Expr::Not(inner) => first_variable(inner),
        _ => None,
    }
}

/// `START(ONLINE->OFFLINE)[7]`, as expectations are written.
fn show_item(notify_type: u32, states: Option<(u32, u32)>, client_token: Option<u32>) -> String {
    let mut s = match notify_type {
        1 => "START".to_string(),
        2 => "STATECHANGE".to_string(),
        3 => "DONE".to_string(),
        x => format!("0x{x:X}"),
    };
    if let Some((o, n)) = states {
        s.push_str(&format!("({}->{})", short(o), short(n)));
    }
    if let Some(t) = client_token {
        s.push_str(&format!("[{t}]"));
    }
    s
}

fn short(state: u32) -> String {
    match state {
        consts::MAPIOFFLINE_STATE_ONLINE => "ONLINE".into(),
        consts::MAPIOFFLINE_STATE_OFFLINE => "OFFLINE".into(),
        x => format!("0x{x:X}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
# The sample add-in: Init Monitor, a change, Deinit Monitor.
profile "Outlook"
sink logger
HrOpenOfflineObj(0, L"Outlook", &GUID_GlobalState, NULL, &mgr)
expect S_OK
mgr->QueryInterface(IID_IMAPIOffline, &off)
off->GetCapabilities(&caps)
expect caps == MAPIOFFLINE_CAPABILITY_OFFLINE|MAPIOFFLINE_CAPABILITY_ONLINE
mgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &{ulClientToken = 0, pCallback = logger}, &token)
expect token != 0
off->Release()
mgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)
expect pending mgr
mgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, NULL)
expect E_PENDING
expect diagnostic SET-3
run
expect notifications logger START(ONLINE->OFFLINE) STATECHANGE(ONLINE->OFFLINE) DONE
expect state mgr OFFLINE
mgr->Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, token)
mgr->Release()
expect refcount mgr 0
shutdown
"#;

    #[test]
    fn the_sample_session_runs_with_every_expectation_met() {
        let o = run_script(SAMPLE).unwrap();
        assert!(o.failures.is_empty(), "{:?}", o.failures);
        assert_eq!(o.trace.notifications().count(), 3);
    }

    #[test]
    fn failed_expectations_are_reported_with_their_line() {
        let o = run_script("profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nexpect E_PENDING\nexpect state m OFFLINE\n").unwrap();
        assert_eq!(o.failures.len(), 2);
        assert_eq!(o.failures[0].line, 3);
        assert_eq!(
            o.failures[0].message,
            "expected E_PENDING, the last call returned S_OK"
        );
        assert!(o.failures[1]
            .message
            .contains("is MAPIOFFLINE_STATE_ONLINE"));
    }

    #[test]
    fn statement_errors_name_the_line_and_suggest() {
        let e = run_script("profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &mgr)\nmrg->AddRef()\n").unwrap_err();
        assert_eq!(
            e,
            RunError::Statement {
                line: 3,
                at: Some((1, 3)),
                message: "`mrg` is neither a constant of the API nor a name bound earlier".into(),
                hint: Some("did you mean `mgr`?".into())
            }
        );
        let e = run_script("profile \"P\"\nconfig arch x86\n").unwrap_err();
        assert!(e.to_string().contains("after the world has started"));
        let e = run_script("server \"Nope\" down\n").unwrap_err();
        assert!(e.to_string().contains("no profile named \"Nope\""));
    }

    #[test]
    fn raw_mistakes_reach_the_simulator() {
        let o = run_script(
            "config arch x86\nprofile \"P\"\nsink s\nHrOpenOfflineObj(1, L\"P\", &GUID_GlobalState, NULL, NULL)\nexpect MAPI_E_NOT_FOUND\nexpect diagnostic OPEN-2\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->GetCapabilities(&c)\nm->Advise(0, &{ulSize = 32, pCallback = s}, &t)\nexpect E_INVALIDARG\nexpect diagnostic advise.size\nm->Advise(0, &{ulSize = sizeof(MAPIOFFLINE_ADVISEINFO), pCallback = s}, &t)\nexpect S_OK\nm->vtbl[6]()\nexpect E_NOTIMPL\nexpect diagnostic R7\n",
        )
        .unwrap();
        assert!(o.failures.is_empty(), "{:?}", o.failures);
    }

    #[test]
    fn checker_findings_tokens_and_clean_sessions() {
        let o = run_script(
            "profile \"P\"\nsink s\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->Advise(0, &{ulClientToken = 7, pCallback = s}, &t)\nexpect finding R1\nexpect finding GEN-3\nm->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\nexpect notifications s START[7] STATECHANGE(ONLINE->OFFLINE)[7] DONE\nshutdown\nexpect finding R3\nexpect finding R4\n",
        )
        .unwrap();
        assert!(o.failures.is_empty(), "{:?}", o.failures);
        let o = run_script(
            "profile \"P\"\nsink s\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->GetCapabilities(&c)\nm->Advise(0, &{ulClientToken = 7, pCallback = s}, &t)\nexpect finding R1\nm->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\nexpect notifications s START[8]\nexpect clean\n",
        )
        .unwrap();
        let lines: Vec<usize> = o.failures.iter().map(|f| f.line).collect();
        assert_eq!(lines, vec![6, 8, 9], "{:?}", o.failures);
        assert!(
            o.failures[1].message.contains("START(ONLINE->OFFLINE)[7]"),
            "{}",
            o.failures[1].message
        );
    }

    /// Item 10: a finding belongs to the statement whose events it cites; what is left
    /// behind belongs to `shutdown`, or to `expect finding RN at end`.
    #[test]
    fn findings_belong_to_their_statement_and_left_behind_ones_to_the_end() {
        // Nothing is wrong with GetCapabilities: the reference still held is not its fault.
        let o = run_script(
            "profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->GetCapabilities(&c)\nexpect finding R4\nexpect finding R4 at end\n",
        )
        .unwrap();
        let lines: Vec<usize> = o.failures.iter().map(|f| f.line).collect();
        assert_eq!(lines, vec![4], "{:?}", o.failures);
        // R5's dropped request: judged when the trace ends, expectable after `shutdown`
        // or with `at end`, never on an unrelated statement.
        let src = "profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->GetCapabilities(&c)\n\
                   m->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\n\
                   m->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, NULL)\nexpect E_PENDING\nrun\nm->GetCapabilities(&c)\n";
        let o = run_script(&format!("{src}expect finding R5\nexpect finding R5 at end\nm->Release()\nshutdown\nexpect finding R5\n")).unwrap();
        let lines: Vec<usize> = o.failures.iter().map(|f| f.line).collect();
        assert_eq!(lines, vec![9], "{:?}", o.failures);
    }

    /// Item 12: findings a scenario expects are intended; only the others are reported
    /// as unexpected.
    #[test]
    fn expected_findings_are_intended_and_the_rest_are_unexpected() {
        let src = "profile \"P\"\nsink s\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->Advise(0, &{pCallback = s}, &t)\nexpect finding R1\n\
                   m->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, 0x1000)\n\
                   m->Unadvise(0, t)\nm->Release()\nshutdown\n";
        let o = run_script(src).unwrap();
        assert!(o.failures.is_empty(), "{:?}", o.failures);
        let rules: Vec<String> = o
            .unexpected_findings
            .iter()
            .map(|f| format!("{} {}", f.rule, f.clause))
            .collect();
        assert_eq!(rules, vec!["R2 SET-7"], "{:?}", o.unexpected_findings);
        let o = run_script(&src.replace("0x1000)\n", "0x1000)\nexpect finding SET-7\n")).unwrap();
        assert!(
            o.failures.is_empty() && o.unexpected_findings.is_empty(),
            "{:?}",
            o.unexpected_findings
        );
        // Left behind at the end, expected with `at end`.
        let o = run_script("profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nexpect finding R4 at end\n").unwrap();
        assert!(
            o.failures.is_empty() && o.unexpected_findings.is_empty(),
            "{:?}",
            o.unexpected_findings
        );
    }

    /// Item 11: `&`/`~` in expressions, `vtbl[N](args…)`, raw pointer values, short
    /// state names in `profile`, a raw notify type in `when`.
    #[test]
    fn expressions_slots_with_arguments_raw_pointers_and_short_names() {
        let o = run_script(
            "config extra_state_bits 0x100\nprofile \"P\" state OFFLINE\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &mgr)\n\
             mgr->GetCurrentState(&s)\nexpect s & MAPIOFFLINE_STATE_OFFLINE_MASK == MAPIOFFLINE_STATE_OFFLINE\nexpect s & ~MAPIOFFLINE_STATE_OFFLINE_MASK == 0x100\n\
             expect s != MAPIOFFLINE_STATE_OFFLINE\nexpect 1 | 2 & 2 == 3\n\
             mgr->vtbl[5](&s2)\nexpect S_OK\nexpect s2 == s\nmgr->vtbl[4](&caps)\nexpect caps == MAPIOFFLINE_CAPABILITY_OFFLINE|MAPIOFFLINE_CAPABILITY_ONLINE\n\
             mgr->vtbl[3](MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, 0x1000)\nexpect E_INVALIDARG\nexpect diagnostic SET-9\n\
             mgr->vtbl[9]()\nexpect E_NOTIMPL\nexpect diagnostic R7\n\
             mgr->GetCurrentState(0x2000)\nexpect S_OK\n\
             sink odd no-validate when 0x40: mgr->GetCurrentState(&seen)\nmgr->Advise(0, &{pCallback = odd}, &t)\ninject mgr 0x40 MAPIOFFLINE_STATE_OFFLINE_MASK MAPIOFFLINE_STATE_OFFLINE MAPIOFFLINE_STATE_ONLINE\n\
             expect seen & MAPIOFFLINE_STATE_OFFLINE_MASK == MAPIOFFLINE_STATE_OFFLINE\n",
        )
        .unwrap();
        assert!(o.failures.is_empty(), "{:?}", o.failures);
        let e = run_script("profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->vtbl[5](&a, &b)\n").unwrap_err();
        assert!(e.to_string().contains("slot 5 is GetCurrentState"), "{e}");
        let e = run_script("profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->vtbl[9](1)\n").unwrap_err();
        assert!(e.to_string().contains("placeholder"), "{e}");
    }

    /// Item 8: a reaction runs exactly the call written, with the diagnostics of the same
    /// call at top level.
    #[test]
    fn a_reaction_runs_the_call_exactly_as_written() {
        let o = run_script(
            "config arch x86\nprofile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->GetCapabilities(&c)\nsink other\n\
             sink s when START once: m->Advise(1, &{ulSize = 24, pCallback = other}, NULL) when STATECHANGE once: m->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, 0x1000) when STATECHANGE once: m->GetCurrentState(NULL) when DONE once: m->Unadvise(4, own)\n\
             m->Advise(0, &{pCallback = s}, &t)\n\
             m->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\n\
             expect diagnostic ADV-9\nexpect diagnostic advise.flags\nexpect diagnostic UNADV-1\nexpect diagnostic SET-9\nexpect diagnostic set.reserved\nexpect diagnostic CUR-4\n\
             expect finding R2\nexpect state m OFFLINE\n",
        )
        .unwrap();
        assert!(o.failures.is_empty(), "{:?}", o.failures);
        // The reaction's Advise (flags 1, NULL token pointer) registered nothing; the
        // Unadvise with flags 4 is reported but still succeeds (UNADV-2).
        let rets: Vec<String> = o
            .trace
            .events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::Return {
                    func, hr: Some(hr), ..
                } if e.depth > 0 => Some(format!("{func}={hr}")),
                _ => None,
            })
            .collect();
        for want in [
            "Advise=E_INVALIDARG",
            "Unadvise=S_OK",
            "SetCurrentState=E_INVALIDARG",
            "GetCurrentState=E_INVALIDARG",
        ] {
            assert!(rets.iter().any(|r| r == want), "{want} not in {rets:?}");
        }
    }

    /// Item 9: `&name` in a reaction binds, `self` is the sink, later names resolve when
    /// the reaction fires.
    #[test]
    fn reactions_bind_names_use_self_and_read_later_names() {
        let o = run_script(
            "profile \"P\"\nsink a when START once: m->Advise(0, &{ulClientToken = 5, pCallback = self}, &t2) when DONE once: m->Unadvise(0, first)\n\
             HrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->GetCapabilities(&c)\n\
             m->Advise(0, &{ulClientToken = 1, pCallback = a}, &first)\n\
             m->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\n\
             expect t2 == 2\nexpect diagnostic reaction.bound\n\
             m->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, NULL)\n\
             expect notifications a START[1] STATECHANGE[1] DONE[1] START[5] STATECHANGE[5] DONE[5]\n\
             m->Unadvise(0, t2)\nexpect S_OK\nm->Release()\nshutdown\nexpect clean\n",
        )
        .unwrap();
        assert!(o.failures.is_empty(), "{:?}", o.failures);
        // The sink's reactions survive the JSON round trip, names and raw values included.
        let json = serde_json::to_string(&o.trace).unwrap();
        assert!(
            json.contains(r#""action":"call","fn":"Advise","this":"m""#),
            "{json}"
        );
        assert!(
            json.contains(r#""pCallback":"self""#)
                && json.contains(r#""pulAdviseToken":{"bind":"t2"}"#)
        );
        let back: Trace = serde_json::from_str(&json).unwrap();
        assert_eq!(back, o.trace);
        // A name nothing binds is an error diagnostic when the reaction fires, not a
        // silent no-op.
        let o = run_script(
            "profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nsink a when START: m->Unadvise(0, nobody)\nm->Advise(0, &{pCallback = a}, &t)\nm->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\nexpect diagnostic reaction.unbound_name\n",
        )
        .unwrap();
        assert!(o.failures.is_empty(), "{:?}", o.failures);
        // A misspelt constant is caught when the sink is declared.
        let e = run_script(
            "sink a when START: m->SetCurrentState(MAPIOFFLINE_FLAG_BLOK, 3, 1, NULL)\n",
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .contains("did you mean `MAPIOFFLINE_FLAG_BLOCK`?"),
            "{e}"
        );
    }

    #[test]
    fn reactions_and_children() {
        let o = run_script(
            "profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->GetCapabilities(&c)\nsink q when START once: m->Unadvise(0, own)\nm->Advise(0, &{pCallback = q}, &t)\nHrCreateOfflineObj(0, &{pwszProfileName = L\"P\", pGUID = &{12345678-0001-0002-0102-030405060708}, pParent = m}, &child)\nexpect S_OK\nm->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\nexpect notifications q START\nexpect state child OFFLINE\nexpect diagnostic CRE-7\n",
        )
        .unwrap();
        assert!(o.failures.is_empty(), "{:?}", o.failures);
    }
}
