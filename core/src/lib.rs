//! # mapioffline
//!
//! A deterministic, sans-IO simulator of Outlook's MAPI **Offline State API**
//! (`HrOpenOfflineObj`, `IMAPIOffline`, `IMAPIOfflineMgr`, `IMAPIOfflineNotify`,
//! `HrCreateOfflineObj`). Every rule comes from the contract digest
//! (`docs/contract.md`), whose clause IDs live in [`clauses`].
//!
//! ```
//! use mapioffline::{consts::*, Out, ProfileSpec, Sim, SinkSpec};
//!
//! let mut sim = Sim::default();
//! sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
//! let sink = sim.create_sink(SinkSpec::new("logger")).unwrap();
//! let mgr = sim.open("Outlook").unwrap();
//! sim.get_capabilities(mgr, Out::Valid);
//! let token = sim.advise_sink(mgr, sink, 7).unwrap();
//! assert_eq!(
//!     sim.set_current_state(mgr, MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK,
//!                           MAPIOFFLINE_STATE_OFFLINE, 0),
//!     HResult::S_OK
//! );
//! // START, STATECHANGE and DONE arrived during the blocking call.
//! assert_eq!(sim.trace().notifications().count(), 3);
//! sim.unadvise(mgr, 0, token);
//! sim.release(mgr);
//! ```

pub mod challenges;
pub mod checker;
pub mod clauses;
pub mod consts;
pub mod coverage;
pub mod exercised;
pub mod explain;
pub mod guide;
pub mod lessons;
pub mod render;
pub mod scenario;
pub mod share;
pub mod sim;
pub mod trace;
pub mod util;

pub use clauses::{Clause, ClauseKind, Rule, Set4Reading, CLAUSES, RULES};
pub use consts::{Arch, Guid, HResult};
pub use sim::{
    Action, Config, ForeignNotify, ForeignRef, ProfileSpec, Reaction, Ret, Sim, SimError, SinkSpec,
};
pub use trace::{
    AdviseInfo, AggregateInfo, Call, Caller, CreateInfo, Event, EventKind, GuidPtr, NotifyInfo,
    Out, OutValue, Ptr, Tick, Trace,
};

// The README's Rust example is compiled and run as a doc test, so it cannot go stale.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
