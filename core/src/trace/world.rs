//! What the world is made of, as the trace records it: the configuration, the profiles
//! and client objects a driver adds, and the calls a client object makes from `Notify`.
//! It sits inside the trace so that the trace, the bottom layer above the constants,
//! depends on nothing above it.

use super::{Ptr, Tick};
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

/// What a client object's `Notify` does besides receiving: a call back into the API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
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
        }
    }
    pub fn reacting(mut self, r: Reaction) -> SinkSpec {
        self.reactions.push(r);
        self
    }
}
