//! What the world is made of, as the trace records it: the configuration, the profiles
//! and client objects a driver adds, and the calls a client object makes from `Notify`.
//! It sits inside the trace so that the trace, the bottom layer above the constants,
//! depends on nothing above it.

use super::{GuidPtr, Ptr, Tick};
use crate::clauses::Set4Reading;
use crate::consts::*;
use serde::{Deserialize, Serialize};
use std::fmt;

/// World-wide settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Ticks between the START, STATECHANGE and DONE phases of an asynchronous change
    /// (START comes this many ticks after the request).
    pub phase_spacing: Tick,
    /// Which reading of SET-4 applies.
    pub set4: Set4Reading,
    /// CUR-2: bits outside `MAPIOFFLINE_STATE_OFFLINE_MASK` added to every state read.
    pub extra_state_bits: u32,
    /// Decides the correct `ulSize` of structures that hold pointers.
    pub arch: Arch,
    /// Whether the machine has network connectivity at the start (GEN-5).
    pub network_up: bool,
    /// `run_until_idle` gives up after this many phases (a client that keeps asking for
    /// changes would otherwise never let the world become idle).
    pub max_idle_steps: u64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            phase_spacing: 1,
            set4: Set4Reading::Documented,
            extra_state_bits: 0,
            arch: Arch::X64,
            network_up: true,
            max_idle_steps: 100_000,
        }
    }
}

/// A profile to add to the world.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileSpec {
    pub name: String,
    /// What `GetCapabilities` reports, extra bits (CAP-3) included.
    pub capabilities: u32,
    /// `MAPIOFFLINE_STATE_ONLINE` or `MAPIOFFLINE_STATE_OFFLINE`: what the user chose.
    pub state: u32,
    /// OPEN-8: whether the client opening this profile runs inside the Outlook process.
    pub caller_inside_outlook: bool,
    pub server_up: bool,
}

impl ProfileSpec {
    /// A profile with both capabilities, online, opened from inside Outlook.
    pub fn new(name: impl Into<String>) -> ProfileSpec {
        ProfileSpec {
            name: name.into(),
            capabilities: MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE,
            state: MAPIOFFLINE_STATE_ONLINE,
            caller_inside_outlook: true,
            server_up: true,
        }
    }
}

/// What a name of the client's holds: an interface pointer or a ULONG (a token, a state,
/// capabilities). The scenario runner binds names with `&name` out-parameters and sink
/// declarations; reactions read and bind them when they fire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Value {
    Ptr(Ptr),
    Ulong(u32),
}

impl Value {
    /// The raw value, as a C client would pass it.
    pub fn raw(self) -> u32 {
        match self {
            Value::Ptr(p) => p.0,
            Value::Ulong(v) => v,
        }
    }
}

/// One argument of a reaction's call as written: a number, or a name read when the
/// reaction fires. In JSON a number is a number and a name a string.
///
/// Two names are the reaction's own: `own` is the advise token of the registration being
/// notified, `self` the client object whose `Notify` runs. Any other name is looked up in
/// the simulator's name table ([`crate::sim::Sim::name`]) at that moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Arg {
    Num(u64),
    Name(String),
}

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Num(n) => write!(f, "0x{n:08X}"),
            Arg::Name(n) => f.write_str(n),
        }
    }
}

impl Arg {
    /// How a number in a position of `group` reads (`MAPIOFFLINE_FLAG_BLOCK`, `0x00000007`).
    fn show(&self, group: ConstGroup) -> String {
        match self {
            Arg::Num(n) => match u32::try_from(*n) {
                Ok(v) => show(group, v),
                Err(_) => format!("0x{n:X}"),
            },
            Arg::Name(n) => n.clone(),
        }
    }
    /// How a pointer reads (`NULL`, `0x00A00000`, a name).
    fn show_ptr(&self) -> String {
        match self {
            Arg::Num(0) => "NULL".into(),
            Arg::Num(n) => format!("0x{n:08X}"),
            Arg::Name(n) => n.clone(),
        }
    }
}

/// An out-parameter of a reaction's call: `NULL`, a valid pointer whose value is dropped,
/// or `&name`, which binds what the call writes to `name` in the simulator's name table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutArg {
    Null,
    Valid,
    Bind(String),
}

impl fmt::Display for OutArg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OutArg::Null => f.write_str("NULL"),
            OutArg::Valid => f.write_str("&out"),
            OutArg::Bind(n) => write!(f, "&{n}"),
        }
    }
}

/// `MAPIOFFLINE_ADVISEINFO` as a reaction writes it: every field raw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdviseArgs {
    #[serde(rename = "ulSize")]
    pub ul_size: Arg,
    #[serde(rename = "ulClientToken")]
    pub ul_client_token: Arg,
    #[serde(rename = "CallbackType")]
    pub callback_type: Arg,
    #[serde(rename = "pCallback")]
    pub p_callback: Arg,
    #[serde(rename = "ulAdviseTypes")]
    pub ul_advise_types: Arg,
    #[serde(rename = "ulStateMask")]
    pub ul_state_mask: Arg,
}

/// A call a reaction makes exactly as written: the function and every raw argument, as
/// the trace's `call` events record calls (field names from the reference). The
/// simulator validates it like the same call at top level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fn")]
pub enum ReactionCall {
    QueryInterface {
        this: Arg,
        riid: GuidPtr,
        #[serde(rename = "ppvObject")]
        ppv_object: OutArg,
    },
    AddRef {
        this: Arg,
    },
    Release {
        this: Arg,
    },
    SetCurrentState {
        this: Arg,
        #[serde(rename = "ulFlags")]
        ul_flags: Arg,
        #[serde(rename = "ulMask")]
        ul_mask: Arg,
        #[serde(rename = "ulState")]
        ul_state: Arg,
        #[serde(rename = "pReserved")]
        p_reserved: Arg,
    },
    GetCapabilities {
        this: Arg,
        #[serde(rename = "pulCapabilities")]
        pul_capabilities: OutArg,
    },
    GetCurrentState {
        this: Arg,
        #[serde(rename = "pulState")]
        pul_state: OutArg,
    },
    /// A placeholder slot (or one beyond the vtable), called without arguments.
    Slot {
        this: Arg,
        slot: u32,
    },
    Advise {
        this: Arg,
        #[serde(rename = "ulFlags")]
        ul_flags: Arg,
        #[serde(rename = "pAdviseInfo")]
        p_advise_info: Option<AdviseArgs>,
        #[serde(rename = "pulAdviseToken")]
        pul_advise_token: OutArg,
    },
    Unadvise {
        this: Arg,
        #[serde(rename = "ulFlags")]
        ul_flags: Arg,
        #[serde(rename = "ulAdviseToken")]
        ul_advise_token: Arg,
    },
}

impl ReactionCall {
    /// The pointer the method is called through.
    pub fn this(&self) -> &Arg {
        match self {
            ReactionCall::QueryInterface { this, .. }
            | ReactionCall::AddRef { this }
            | ReactionCall::Release { this }
            | ReactionCall::SetCurrentState { this, .. }
            | ReactionCall::GetCapabilities { this, .. }
            | ReactionCall::GetCurrentState { this, .. }
            | ReactionCall::Slot { this, .. }
            | ReactionCall::Advise { this, .. }
            | ReactionCall::Unadvise { this, .. } => this,
        }
    }

    /// Every name the call reads or binds, in order.
    pub fn names(&self) -> Vec<&str> {
        let args: Vec<&Arg> = match self {
            ReactionCall::QueryInterface { this, .. }
            | ReactionCall::AddRef { this }
            | ReactionCall::Release { this }
            | ReactionCall::GetCapabilities { this, .. }
            | ReactionCall::GetCurrentState { this, .. }
            | ReactionCall::Slot { this, .. } => vec![this],
            ReactionCall::SetCurrentState {
                this,
                ul_flags,
                ul_mask,
                ul_state,
                p_reserved,
            } => vec![this, ul_flags, ul_mask, ul_state, p_reserved],
            ReactionCall::Advise {
                this,
                ul_flags,
                p_advise_info,
                ..
            } => {
                let mut a = vec![this, ul_flags];
                if let Some(i) = p_advise_info {
                    a.extend([
                        &i.ul_size,
                        &i.ul_client_token,
                        &i.callback_type,
                        &i.p_callback,
                        &i.ul_advise_types,
                        &i.ul_state_mask,
                    ]);
                }
                a
            }
            ReactionCall::Unadvise {
                this,
                ul_flags,
                ul_advise_token,
            } => vec![this, ul_flags, ul_advise_token],
        };
        let mut v: Vec<&str> = args
            .into_iter()
            .filter_map(|a| match a {
                Arg::Name(n) => Some(n.as_str()),
                Arg::Num(_) => None,
            })
            .collect();
        let out = match self {
            ReactionCall::QueryInterface { ppv_object: o, .. }
            | ReactionCall::GetCapabilities {
                pul_capabilities: o,
                ..
            }
            | ReactionCall::GetCurrentState { pul_state: o, .. }
            | ReactionCall::Advise {
                pul_advise_token: o,
                ..
            } => Some(o),
            _ => None,
        };
        if let Some(OutArg::Bind(n)) = out {
            v.push(n.as_str());
        }
        v
    }
}

impl fmt::Display for ReactionCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}->", self.this().show_ptr())?;
        match self {
            ReactionCall::QueryInterface {
                riid, ppv_object, ..
            } => {
                let iid = match riid {
                    GuidPtr::To(g) => crate::consts::KNOWN_GUIDS
                        .iter()
                        .find(|k| k.guid == *g)
                        .map_or_else(|| g.to_string(), |k| k.name.to_string()),
                    GuidPtr::Null | GuidPtr::Addr(_) => riid.to_string(),
                };
                write!(f, "QueryInterface({iid}, {ppv_object})")
            }
            ReactionCall::AddRef { .. } => f.write_str("AddRef()"),
            ReactionCall::Release { .. } => f.write_str("Release()"),
            ReactionCall::SetCurrentState {
                ul_flags,
                ul_mask,
                ul_state,
                p_reserved,
                ..
            } => write!(
                f,
                "SetCurrentState({}, {}, {}, {})",
                ul_flags.show(ConstGroup::SetFlags),
                ul_mask.show(ConstGroup::StateMask),
                ul_state.show(ConstGroup::State),
                p_reserved.show_ptr()
            ),
            ReactionCall::GetCapabilities {
                pul_capabilities, ..
            } => write!(f, "GetCapabilities({pul_capabilities})"),
            ReactionCall::GetCurrentState { pul_state, .. } => {
                write!(f, "GetCurrentState({pul_state})")
            }
            ReactionCall::Slot { slot, .. } => write!(f, "vtbl[{slot}]()"),
            ReactionCall::Advise {
                ul_flags,
                p_advise_info,
                pul_advise_token,
                ..
            } => {
                let info = match p_advise_info {
                    None => "NULL".to_string(),
                    Some(a) => format!(
                        "&{{ulSize = {}, ulClientToken = {}, CallbackType = {}, pCallback = {}, ulAdviseTypes = {}, ulStateMask = {}}}",
                        match &a.ul_size {
                            Arg::Num(n) => n.to_string(),
                            other => other.to_string(),
                        },
                        match &a.ul_client_token {
                            Arg::Num(n) => n.to_string(),
                            other => other.to_string(),
                        },
                        a.callback_type.show(ConstGroup::CallbackType),
                        a.p_callback.show_ptr(),
                        a.ul_advise_types.show(ConstGroup::AdviseType),
                        a.ul_state_mask.show(ConstGroup::StateMask),
                    ),
                };
                write!(
                    f,
                    "Advise({}, {info}, {pul_advise_token})",
                    ul_flags.show(ConstGroup::AdviseFlags)
                )
            }
            ReactionCall::Unadvise {
                ul_flags,
                ul_advise_token,
                ..
            } => write!(
                f,
                "Unadvise({}, {})",
                ul_flags.show(ConstGroup::UnadviseFlags),
                match ul_advise_token {
                    Arg::Num(n) => n.to_string(),
                    other => other.to_string(),
                }
            ),
        }
    }
}

/// What a client object's `Notify` does besides receiving: a call back into the API.
///
/// [`Action::Call`] is the call exactly as written (what the scenario language makes);
/// the other variants are shorthands for correct calls, kept for programs that build
/// sinks directly and for traces written before `call` existed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// The call as written, every argument raw; names resolved when it fires.
    Call(ReactionCall),
    /// `Unadvise(0, token)`; `token: None` means the registration being notified.
    Unadvise {
        mgr: Ptr,
        token: Option<u32>,
    },
    SetCurrentState {
        this: Ptr,
        flags: u32,
        mask: u32,
        state: u32,
    },
    /// Advise another sink with a correct `MAPIOFFLINE_ADVISEINFO`.
    Advise {
        mgr: Ptr,
        sink: Ptr,
        client_token: u32,
    },
    Release {
        this: Ptr,
    },
    GetCurrentState {
        this: Ptr,
    },
}

/// An [`Action`] with the notifications that trigger it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reaction {
    /// Only on this `NotifyType`; `None` for every notification.
    pub on: Option<u32>,
    /// Only the first time it triggers.
    pub once: bool,
    pub action: Action,
}

impl fmt::Display for Reaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.action {
            Action::Call(c) => write!(f, "{c}")?,
            Action::Unadvise { mgr, token: None } => write!(f, "{mgr}->Unadvise(own token)")?,
            Action::Unadvise {
                mgr,
                token: Some(t),
            } => write!(f, "{mgr}->Unadvise({t})")?,
            Action::SetCurrentState {
                this,
                flags,
                mask,
                state,
            } => write!(
                f,
                "{this}->SetCurrentState({}, {}, {}, NULL)",
                show(ConstGroup::SetFlags, *flags),
                show(ConstGroup::StateMask, *mask),
                show(ConstGroup::State, *state)
            )?,
            Action::Advise {
                mgr,
                sink,
                client_token,
            } => write!(
                f,
                "{mgr}->Advise(sink {sink}, ulClientToken={client_token})"
            )?,
            Action::Release { this } => write!(f, "{this}->Release()")?,
            Action::GetCurrentState { this } => write!(f, "{this}->GetCurrentState()")?,
        }
        if let Some(t) = self.on {
            write!(f, " on {}", show(ConstGroup::NotifyType, t))?;
        }
        if self.once {
            f.write_str(" once")?;
        }
        Ok(())
    }
}

/// A client-owned COM object: a notify sink, an outer object for aggregation, or a
/// support object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SinkSpec {
    pub name: String,
    /// Whether `QueryInterface(IID_IMAPIOfflineNotify)` succeeds.
    pub implements_notify: bool,
    /// Whether its `Notify` checks NotifyType and ulMask before reading Info (NTF-5).
    pub validates_notify: bool,
    /// Further IIDs it answers to.
    pub interfaces: Vec<Guid>,
    pub reactions: Vec<Reaction>,
    /// Its `Notify` is foreign code: core stops at each delivery and the driver calls it
    /// (see [`crate::sim::ForeignNotify`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub foreign: bool,
}

impl SinkSpec {
    /// A well-behaved sink that just receives.
    pub fn new(name: impl Into<String>) -> SinkSpec {
        SinkSpec {
            name: name.into(),
            implements_notify: true,
            validates_notify: true,
            interfaces: Vec::new(),
            reactions: Vec::new(),
            foreign: false,
        }
    }

    /// A sink whose `Notify` is foreign code, called by the driver (the C ABI): core hands
    /// each delivery over through [`crate::sim::Sim::poll_notify`] instead of running it.
    pub fn foreign(name: impl Into<String>) -> SinkSpec {
        SinkSpec {
            foreign: true,
            ..SinkSpec::new(name)
        }
    }
    pub fn reacting(mut self, r: Reaction) -> SinkSpec {
        self.reactions.push(r);
        self
    }
}
