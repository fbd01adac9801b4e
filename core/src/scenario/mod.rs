//! The scenario language: one statement per line, `#` starts a comment. The same text
//! drives scenario files, the REPL and the playground.
//!
//! ```text
//! config arch x86                      # settings come first
//! profile "Outlook" caps MAPIOFFLINE_CAPABILITY_OFFLINE|MAPIOFFLINE_CAPABILITY_ONLINE
//! HrOpenOfflineObj(0, L"Outlook", &GUID_GlobalState, NULL, &mgr)
//! expect S_OK
//! sink logger when START once: mgr->GetCurrentState(&seen)
//! mgr->GetCapabilities(&caps)
//! mgr->Advise(0, &{ulClientToken = 7, pCallback = logger}, &token)
//! mgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)
//! run
//! expect notifications logger START(ONLINE->OFFLINE) STATECHANGE DONE
//! ```
//!
//! Calls are written as in C: out-parameters `&name` bind what the call writes, for use on
//! later lines; `NULL` passes a NULL pointer. Struct arguments (`&{…}`) name their fields
//! as the reference does; fields left out get the correct value.

pub mod builder;
mod error;
mod expr;
mod lex;
mod parse;
mod report;
mod run;

pub use crate::util::shorten;
pub use error::{quote, ParseError, MAX_NESTING, MAX_QUOTE};
pub use lex::{line_tokens, tokens, Token, TokenKind};
pub use parse::parse;
pub use report::ScenarioDiagnostic;
pub use run::{run_script, trace_of_prefix, ExpectFailure, Outcome, RunError, Runner, Value};

use crate::consts::Guid;

/// The words of the language, for completion in editors and the REPL.
pub mod words {
    /// Words that start a statement.
    pub const STATEMENTS: [&str; 14] = [
        "config",
        "profile",
        "sink",
        "advance",
        "run",
        "network",
        "server",
        "inject",
        "extra_state_bits",
        "extra_caps",
        "shutdown",
        "expect",
        "HrOpenOfflineObj",
        "HrCreateOfflineObj",
    ];
    /// Methods callable as `ptr->Method(…)`; `ptr->vtbl[N](args…)` calls slot N.
    pub const METHODS: [&str; 8] = [
        "QueryInterface",
        "AddRef",
        "Release",
        "SetCurrentState",
        "GetCapabilities",
        "GetCurrentState",
        "Advise",
        "Unadvise",
    ];
    /// Words that follow `expect` (besides an HRESULT or a variable).
    pub const EXPECT: [&str; 8] = [
        "state",
        "refcount",
        "notifications",
        "diagnostic",
        "pending",
        "idle",
        "finding",
        "clean",
    ];
    /// Other words statements use.
    pub const MODIFIERS: &[&str] = &[
        "caps",
        "state",
        "outside",
        "server",
        "up",
        "down",
        "no-notify",
        "no-validate",
        "iid",
        "when",
        "once",
        "any",
        "own",
        "self",
        "at",
        "end",
        "NULL",
        "sizeof",
        "START",
        "STATECHANGE",
        "DONE",
        "ONLINE",
        "OFFLINE",
        "set4",
        "documented",
        "literal",
        "arch",
        "x86",
        "x64",
        "phase_spacing",
        "max_idle_steps",
    ];
    /// `MAPIOFFLINE_ADVISEINFO`'s fields as a `&{…}` argument names them (the runner
    /// accepts these, the call builder offers them).
    pub const ADVISEINFO_FIELDS: &[&str] = &[
        "ulSize",
        "ulClientToken",
        "CallbackType",
        "pCallback",
        "ulAdviseTypes",
        "ulStateMask",
    ];
    /// `MAPIOFFLINE_CREATEINFO`'s fields, likewise.
    pub const CREATEINFO_FIELDS: &[&str] = &[
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
    /// Constants, HRESULTs and GUID names a value may be written as.
    pub fn names() -> impl Iterator<Item = &'static str> {
        super::parse::known_names()
    }
}

/// A parsed script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Script {
    pub stmts: Vec<Stmt>,
}

/// One statement with where it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stmt {
    /// 1-based line number.
    pub line: usize,
    pub kind: StmtKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StmtKind {
    /// `config KEY VALUE`: only before anything else.
    Config {
        key: String,
        value: Expr,
    },
    /// `profile "NAME" [caps E] [state E] [outside] [server down]`.
    Profile {
        name: String,
        caps: Option<Expr>,
        state: Option<Expr>,
        outside: bool,
        server_down: bool,
    },
    /// `sink NAME [no-notify] [no-validate] [iid GUID]… [when TYPE [once]: CALL]…`.
    Sink {
        name: String,
        implements_notify: bool,
        validates_notify: bool,
        iids: Vec<Expr>,
        reactions: Vec<ReactionSrc>,
    },
    Call(CallExpr),
    Advance(Expr),
    Run,
    Network {
        up: bool,
    },
    Server {
        profile: String,
        up: bool,
    },
    /// `inject OBJ NotifyType ulMask ulStateOld ulStateNew` (NTF-6).
    Inject {
        object: Expr,
        args: [Expr; 4],
    },
    /// `extra_state_bits BITS` (CUR-2).
    ExtraStateBits(Expr),
    /// `extra_caps OBJ BITS` (CAP-3).
    ExtraCaps {
        object: Expr,
        bits: Expr,
    },
    Shutdown,
    Expect(Expect),
}

impl StmtKind {
    /// Whether the statement describes the world rather than what the client does:
    /// `config`, `profile`, `network`, `server`, `extra_state_bits`, `extra_caps`. A world
    /// file for a C client (`MAPIOfflineSim_LoadWorld`) holds only these; the client is
    /// the program.
    pub fn is_world(&self) -> bool {
        matches!(
            self,
            StmtKind::Config { .. }
                | StmtKind::Profile { .. }
                | StmtKind::Network { .. }
                | StmtKind::Server { .. }
                | StmtKind::ExtraStateBits(_)
                | StmtKind::ExtraCaps { .. }
        )
    }

    /// How a message names the statement: its first word, or "a call".
    pub fn word(&self) -> &'static str {
        match self {
            StmtKind::Config { .. } => "config",
            StmtKind::Profile { .. } => "profile",
            StmtKind::Sink { .. } => "sink",
            StmtKind::Call(_) => "a call",
            StmtKind::Advance(_) => "advance",
            StmtKind::Run => "run",
            StmtKind::Network { .. } => "network",
            StmtKind::Server { .. } => "server",
            StmtKind::Inject { .. } => "inject",
            StmtKind::ExtraStateBits(_) => "extra_state_bits",
            StmtKind::ExtraCaps { .. } => "extra_caps",
            StmtKind::Shutdown => "shutdown",
            StmtKind::Expect(_) => "expect",
        }
    }
}

/// A reaction in a `sink` declaration: `when START once: mgr->Unadvise(0, own)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReactionSrc {
    /// `None` for `when any`.
    pub on: Option<Expr>,
    pub once: bool,
    pub call: CallExpr,
}

/// `this->Method(args)` or `Function(args)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallExpr {
    pub this: Option<Expr>,
    pub method: String,
    pub args: Vec<Expr>,
    /// Column where the call starts (1-based), for messages.
    pub col: usize,
}

/// A value as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    Num(u64),
    /// A constant, a bound variable or a keyword-like word (`own`).
    Name {
        name: String,
        col: usize,
    },
    Null,
    Str(String),
    Guid(Guid),
    /// `&x`: the address of a variable (an out-parameter) or of a GUID or struct.
    AddrOf(Box<Expr>),
    /// `{field = value, …}`.
    Struct(Vec<(String, Expr)>),
    /// `a|b|c`.
    Or(Vec<Expr>),
    /// `a&b&c` (binds tighter than `|`, as in C).
    And(Vec<Expr>),
    /// `~a` (binds tightest).
    Not(Box<Expr>),
    /// `sizeof(MAPIOFFLINE_ADVISEINFO)`.
    Sizeof(String),
}

/// What a scenario asserts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    /// `expect E_PENDING`: the HRESULT of the last call.
    Hr(Expr),
    /// `expect NAME == VALUE` or `!=`.
    Var {
        name: String,
        equal: bool,
        value: Expr,
    },
    /// `expect EXPR == VALUE` or `!=`, where EXPR is more than a name:
    /// `expect s & MAPIOFFLINE_STATE_OFFLINE_MASK == MAPIOFFLINE_STATE_ONLINE`.
    Value { lhs: Expr, equal: bool, value: Expr },
    /// `expect state OBJ STATE`: the object's masked state now.
    State { object: Expr, state: Expr },
    /// `expect refcount OBJ N`.
    RefCount { object: Expr, count: Expr },
    /// `expect notifications SINK ITEM…` (or `none`): what reached the sink since the last
    /// such expectation for it.
    Notifications {
        sink: String,
        items: Vec<NotifyItem>,
    },
    /// `expect diagnostic CLAUSE-OR-CODE`: among the events of the previous statement.
    Diagnostic(String),
    /// `expect pending OBJ` / `expect idle OBJ`: whether a change is in progress.
    Pending { object: Expr, pending: bool },
    /// `expect finding RULE-OR-CLAUSE [at end]`: the client-contract checker reports it
    /// for the previous statement (R1–R7, spec §9): a finding whose event that statement
    /// made, or — after `shutdown` — what the client left behind. With `at end`: what is
    /// left behind if the trace ended here (registrations, references, a request dropped
    /// after E_PENDING).
    Finding { id: String, at_end: bool },
    /// `expect clean`: the checker finds nothing in the whole trace so far. Before
    /// `shutdown`, what the client still holds counts as left behind, so this is
    /// normally the last line.
    Clean,
}

/// `START`, `STATECHANGE(ONLINE->OFFLINE)`, `DONE[7]` (with `ulClientToken` 7), or a
/// number for an unsupported type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotifyItem {
    pub notify_type: u32,
    pub states: Option<(u32, u32)>,
    pub client_token: Option<u32>,
}
