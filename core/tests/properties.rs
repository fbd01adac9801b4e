//! Property tests: random operation sequences, driven through the **raw** API (bad
//! arguments included), against a world of one or two profiles, a few client sinks (some
//! reacting from inside `Notify`, some not implementing `IMAPIOfflineNotify`, some not
//! validating notifications) and optionally created child objects. Both readings of SET-4
//! are generated.
//!
//! After every operation the driver checks the contract (clause IDs of
//! `docs/contract.md`) against a model of what a client may expect, and it
//! reads the trace to check what happened *inside* calls (re-entrant calls from `Notify`):
//!
//! 1. CUR-1/CUR-2: the masked state of every offline object is exactly ONLINE or OFFLINE
//!    (`GetCurrentState` and `Sim::state_of`), and only the configured extra bits are set.
//! 2. NTF-7/NTF-8/CUR-3/CAP-4/ADV-11/CRE-7: per advise token, transition notifications form
//!    START, STATECHANGE, DONE groups of one transition with the same old != new states;
//!    successive groups chain; only an Unadvise may truncate the last group; nobody
//!    registered before a change and still registered misses a phase; within a phase,
//!    registrations are served in order and parents before children (depth-first).
//! 3. UNADV-4: nothing reaches a sink through a token after the Unadvise of that token
//!    returned.
//! 4. SET-3/SET-4: at top level, a valid SetCurrentState returns E_PENDING exactly when
//!    `in_transition` was true before the call (documented reading), never (literal
//!    reading: no blocking change is ever in progress between top-level calls); from inside
//!    `Notify` on the object being changed, E_PENDING (documented) or as SET-4 literal says.
//! 5. ADV-10: advise tokens are unique and non-zero.
//! 6. MGR-3/OPEN-10/ADV-10/UNADV-3: reference counts follow the client's model; AddRef and
//!    Release return it; Release at 0 returns 0 with diagnostic `release.below_zero`.
//! 7. Determinism: the same sequence gives the same trace (JSON).
//! 8. The trace JSON round-trips.
//! 9. No input makes the simulator panic.
//!
//! plus the documented result of every call (OPEN-*, MGR-3, CAP-5, CUR-4, OFF-3, ADV-3/9,
//! UNADV-2, CRE-6) and, whenever nothing is scheduled, that the world has settled where
//! SET-11/GEN-5/CRE-7 say it must.
//!
//! Case count: 10,000 by default. `MAPIOFFLINE_PROPTEST_CASES` overrides it (e.g.
//! `MAPIOFFLINE_PROPTEST_CASES=1000000 cargo test --release -p mapioffline --test
//! properties`); it takes precedence over proptest's own `PROPTEST_CASES`, which is honoured
//! only when ours is unset.

use mapioffline::consts::*;
use mapioffline::trace::{Cause, Func, ShutdownReport};
use mapioffline::*;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

const ON: u32 = MAPIOFFLINE_STATE_ONLINE;
const OFF: u32 = MAPIOFFLINE_STATE_OFFLINE;
const MASK: u32 = MAPIOFFLINE_STATE_OFFLINE_MASK;
const BLOCK: u32 = MAPIOFFLINE_FLAG_BLOCK;
const DEFAULT: u32 = MAPIOFFLINE_FLAG_DEFAULT;
const START: u32 = MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START;
const DONE: u32 = MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE;
const BOTH_CAPS: u32 = MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE;

const PROFILE_NAMES: [&str; 2] = ["Outlook", "Work"];
const UNKNOWN_PROFILE: &str = "Nobody";
/// Addresses the simulator never hands out (checked at setup).
const GARBAGE: [Ptr; 2] = [Ptr(0x0BAD_F000), Ptr(0x0000_0004)];
const OTHER_IID: Guid = Guid::new(0x1234_5678, 0x9ABC, 0xDEF0, [1, 2, 3, 4, 5, 6, 7, 8]);
const STORE_TYPE: Guid = Guid::new(0x5AFE_0001, 0x0001, 0x0002, [9, 9, 9, 9, 9, 9, 9, 9]);
/// Keeps a client that keeps requesting changes (SET-4 literal ping-pong) cheap.
const MAX_IDLE_STEPS: u64 = 40;
/// At most this many offline objects (globals + children) per world.
const MAX_OBJECTS: usize = 6;
const MAX_OPS: usize = 40;
const DEFAULT_CASES: u32 = 10_000;

/// MAPIOFFLINE_PROPTEST_CASES, else proptest's PROPTEST_CASES, else 10,000.
fn proptest_config() -> ProptestConfig {
    let cases = match std::env::var("MAPIOFFLINE_PROPTEST_CASES") {
        Ok(v) => v
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("MAPIOFFLINE_PROPTEST_CASES={v:?} is not a number")),
        // ProptestConfig::default() has already read PROPTEST_CASES when it is set.
        Err(_) if std::env::var_os("PROPTEST_CASES").is_some() => ProptestConfig::default().cases,
        Err(_) => DEFAULT_CASES,
    };
    ProptestConfig {
        cases,
        // Minimised failures are printed; do not write regression files into the tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn state_ok(s: u32) -> bool {
    s == ON || s == OFF
}

fn capability_for(state: u32) -> u32 {
    if state == OFF {
        MAPIOFFLINE_CAPABILITY_OFFLINE
    } else {
        MAPIOFFLINE_CAPABILITY_ONLINE
    }
}

fn set_args_valid(flags: u32, mask: u32, state: u32, reserved: u64) -> bool {
    (flags == DEFAULT || flags == BLOCK) && mask == MASK && state_ok(state) && reserved == 0
}

// ------------------------------------------------------------------------ the generated world

#[derive(Clone, Debug)]
struct ProfileGen {
    caps: u32,
    state: u32,
    inside_outlook: bool,
    server_up: bool,
}

/// A reaction's action; `mgr` picks a global object, `sink` a sink (both modulo count).
#[derive(Clone, Debug)]
enum ActGen {
    UnadviseOwn {
        mgr: u8,
    },
    UnadviseToken {
        mgr: u8,
        token: u32,
    },
    SetState {
        mgr: u8,
        blocking: bool,
        state: u32,
    },
    /// Always `once`: an Advise on every notification would grow registrations without bound.
    Advise {
        mgr: u8,
        sink: u8,
        client_token: u32,
    },
    ReleaseMgr {
        mgr: u8,
    },
    ReleaseSelf,
    GetState {
        mgr: u8,
    },
}

#[derive(Clone, Debug)]
struct ReactionGen {
    on: Option<u32>,
    once: bool,
    act: ActGen,
}

#[derive(Clone, Debug)]
struct SinkGen {
    implements_notify: bool,
    validates_notify: bool,
    reactions: Vec<ReactionGen>,
}

#[derive(Clone, Debug)]
struct World {
    literal_set4: bool,
    phase_spacing: Tick,
    x86: bool,
    network_up: bool,
    extra_state_bits: u32,
    profiles: Vec<ProfileGen>,
    sinks: Vec<SinkGen>,
    /// Children created at setup: (parent among the offline objects so far, capabilities).
    children: Vec<(u8, u32)>,
}

impl World {
    fn config(&self) -> Config {
        Config {
            phase_spacing: self.phase_spacing,
            set4: if self.literal_set4 {
                Set4Reading::Literal
            } else {
                Set4Reading::Documented
            },
            extra_state_bits: self.extra_state_bits,
            arch: if self.x86 { Arch::X86 } else { Arch::X64 },
            network_up: self.network_up,
            max_idle_steps: MAX_IDLE_STEPS,
        }
    }
}

// ------------------------------------------------------------------------ operations

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum OpenBad {
    None,
    ReservedNonZero,
    GuidNull,
    GuidWrong,
    /// `pGUID` a raw address the simulator cannot read.
    GuidAddr,
    ReservedGuid,
    /// `pReserved` a raw address.
    ReservedAddr,
    OutNull,
    ProfileNull,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Iid {
    Unknown,
    Offline,
    Mgr,
    Notify,
    Other,
    Null,
    /// A raw address the simulator cannot read.
    Addr,
}

impl Iid {
    fn guid(self) -> GuidPtr {
        match self {
            Iid::Unknown => GuidPtr::To(IID_IUNKNOWN),
            Iid::Offline => GuidPtr::To(IID_IMAPIOFFLINE),
            Iid::Mgr => GuidPtr::To(IID_IMAPIOFFLINEMGR),
            Iid::Notify => GuidPtr::To(IID_IMAPIOFFLINENOTIFY),
            Iid::Other => GuidPtr::To(OTHER_IID),
            Iid::Null => GuidPtr::Null,
            Iid::Addr => GuidPtr::Addr(0xDEAD_BEEF),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum AdviseBad {
    None,
    Flags,
    NullInfo,
    NullOut,
    Size,
    CallbackType,
    AdviseTypes,
    StateMask,
}

#[derive(Clone, Copy, Debug)]
enum TokenRef {
    /// The n-th token issued so far (modulo their number).
    Issued(u8),
    Unknown(u32),
}

/// Which pointer an operation goes through: usually an offline object, sometimes anything
/// (sinks, NULL, an address never handed out). Indices are taken modulo the pool size.
#[derive(Clone, Copy, Debug)]
enum Obj {
    Offline(u8),
    Any(u8),
}

#[derive(Clone, Copy, Debug)]
enum Parent {
    Null,
    Offline(u8),
    Any(u8),
}

/// `callback` indexes a pointer pool (modulo its size): see [`Driver::callback`].
#[derive(Clone, Debug)]
enum Op {
    Open {
        profile: u8,
        bad: OpenBad,
    },
    QueryInterface {
        obj: Obj,
        iid: Iid,
        out_null: bool,
    },
    AddRef {
        obj: Obj,
    },
    Release {
        obj: Obj,
    },
    GetCapabilities {
        obj: Obj,
        out_null: bool,
    },
    GetCurrentState {
        obj: Obj,
        out_null: bool,
    },
    SetCurrentState {
        obj: Obj,
        flags: u32,
        mask: u32,
        state: u32,
        reserved: u64,
    },
    Advise {
        obj: Obj,
        callback: u8,
        client_token: u32,
        bad: AdviseBad,
    },
    Unadvise {
        obj: Obj,
        flags: u32,
        token: TokenRef,
    },
    Advance(Tick),
    RunUntilIdle,
    NetworkDown,
    NetworkUp,
    ServerDown(u8),
    ServerUp(u8),
    InjectNotify {
        obj: Obj,
        notify_type: u32,
        mask: u32,
        old: u32,
        new: u32,
    },
    SetExtraStateBits(u32),
    SetExtraCapabilityBits {
        obj: Obj,
        bits: u32,
    },
    Slot {
        obj: Obj,
        slot: u32,
    },
    /// `profile: None` takes the parent's profile (or the first one for no parent).
    CreateChild {
        profile: Option<u8>,
        caps: u32,
        parent: Parent,
    },
    Shutdown,
}

// ------------------------------------------------------------------------ strategies

fn caps_strategy() -> impl Strategy<Value = u32> {
    prop_oneof![
        6 => Just(BOTH_CAPS),
        1 => Just(MAPIOFFLINE_CAPABILITY_OFFLINE),
        1 => Just(MAPIOFFLINE_CAPABILITY_ONLINE),
        1 => Just(0),
        1 => Just(BOTH_CAPS | 0x100),
    ]
}

fn profile_strategy() -> impl Strategy<Value = ProfileGen> {
    (
        caps_strategy(),
        prop_oneof![3 => Just(ON), 1 => Just(OFF)],
        prop::bool::weighted(0.9),
        prop::bool::weighted(0.85),
    )
        .prop_map(|(caps, state, inside_outlook, server_up)| ProfileGen {
            caps,
            state,
            inside_outlook,
            server_up,
        })
}

fn action_strategy() -> impl Strategy<Value = ActGen> {
    prop_oneof![
        4 => any::<u8>().prop_map(|mgr| ActGen::UnadviseOwn { mgr }),
        1 => (any::<u8>(), 1u32..8).prop_map(|(mgr, token)| ActGen::UnadviseToken { mgr, token }),
        4 => (any::<u8>(), any::<bool>(), prop_oneof![Just(ON), Just(OFF)])
            .prop_map(|(mgr, blocking, state)| ActGen::SetState { mgr, blocking, state }),
        2 => (any::<u8>(), any::<u8>(), 0u32..4)
            .prop_map(|(mgr, sink, client_token)| ActGen::Advise { mgr, sink, client_token }),
        1 => any::<u8>().prop_map(|mgr| ActGen::ReleaseMgr { mgr }),
        1 => Just(ActGen::ReleaseSelf),
        1 => any::<u8>().prop_map(|mgr| ActGen::GetState { mgr }),
    ]
}

fn reaction_strategy() -> impl Strategy<Value = ReactionGen> {
    (
        prop_oneof![2 => Just(None), 3 => (1u32..=3).prop_map(Some), 1 => Just(Some(4))],
        any::<bool>(),
        action_strategy(),
    )
        .prop_map(|(on, once, act)| ReactionGen { on, once, act })
}

fn sink_strategy() -> impl Strategy<Value = SinkGen> {
    (
        prop::bool::weighted(0.85),
        prop::bool::weighted(0.7),
        prop::collection::vec(reaction_strategy(), 0..=2),
    )
        .prop_map(|(implements_notify, validates_notify, reactions)| SinkGen {
            implements_notify,
            validates_notify,
            reactions,
        })
}

/// `extra_state_bits` is mostly generated outside MAPIOFFLINE_STATE_OFFLINE_MASK, as the
/// Config field documents; bits inside the mask get their own property below,
/// `config_extra_state_bits_never_change_the_masked_state`.
fn world_strategy() -> impl Strategy<Value = World> {
    (
        any::<bool>(),
        1u64..=3,
        any::<bool>(),
        prop::bool::weighted(0.9),
        prop_oneof![4 => Just(0u32), 1 => Just(0x100), 1 => Just(0x00F0_0000)],
        prop::collection::vec(profile_strategy(), 1..=2),
        prop::collection::vec(sink_strategy(), 1..=4),
        prop::collection::vec((any::<u8>(), caps_strategy()), 0..=2),
    )
        .prop_map(
            |(
                literal_set4,
                phase_spacing,
                x86,
                network_up,
                extra_state_bits,
                profiles,
                sinks,
                children,
            )| World {
                literal_set4,
                phase_spacing,
                x86,
                network_up,
                extra_state_bits,
                profiles,
                sinks,
                children,
            },
        )
}

fn obj_strategy() -> impl Strategy<Value = Obj> {
    prop_oneof![8 => any::<u8>().prop_map(Obj::Offline), 1 => any::<u8>().prop_map(Obj::Any)]
}

fn open_bad_strategy() -> impl Strategy<Value = OpenBad> {
    prop_oneof![
        12 => Just(OpenBad::None),
        1 => Just(OpenBad::ReservedNonZero),
        1 => Just(OpenBad::GuidNull),
        1 => Just(OpenBad::GuidWrong),
        1 => Just(OpenBad::GuidAddr),
        1 => Just(OpenBad::ReservedGuid),
        1 => Just(OpenBad::ReservedAddr),
        1 => Just(OpenBad::OutNull),
        1 => Just(OpenBad::ProfileNull),
    ]
}

fn iid_strategy() -> impl Strategy<Value = Iid> {
    prop_oneof![
        Just(Iid::Unknown),
        Just(Iid::Offline),
        Just(Iid::Mgr),
        Just(Iid::Notify),
        Just(Iid::Other),
        Just(Iid::Null),
        Just(Iid::Addr),
    ]
}

fn advise_bad_strategy() -> impl Strategy<Value = AdviseBad> {
    prop_oneof![
        14 => Just(AdviseBad::None),
        1 => Just(AdviseBad::Flags),
        1 => Just(AdviseBad::NullInfo),
        1 => Just(AdviseBad::NullOut),
        1 => Just(AdviseBad::Size),
        1 => Just(AdviseBad::CallbackType),
        1 => Just(AdviseBad::AdviseTypes),
        1 => Just(AdviseBad::StateMask),
    ]
}

/// Mostly valid requests (one in ten has one undocumented argument).
fn set_strategy() -> impl Strategy<Value = Op> {
    let valid = (
        obj_strategy(),
        prop_oneof![Just(DEFAULT), Just(BLOCK)],
        prop_oneof![Just(ON), Just(OFF)],
    )
        .prop_map(|(obj, flags, state)| (obj, flags, MASK, state, 0u64));
    let invalid = (
        obj_strategy(),
        prop_oneof![4 => Just(DEFAULT), 4 => Just(BLOCK), 1 => Just(1u32), 1 => Just(BLOCK | 1)],
        prop_oneof![4 => Just(MASK), 1 => Just(0u32), 1 => Just(MAPIOFFLINE_STATE_ALL)],
        prop_oneof![2 => Just(ON), 2 => Just(OFF), 1 => Just(0u32), 1 => Just(3u32)],
        prop_oneof![4 => Just(0u64), 1 => Just(0xDEAD_BEEFu64)],
    );
    prop_oneof![9 => valid, 1 => invalid].prop_map(|(obj, flags, mask, state, reserved)| {
        Op::SetCurrentState {
            obj,
            flags,
            mask,
            state,
            reserved,
        }
    })
}

/// A correct Advise of a sink (most implement IMAPIOfflineNotify) on an offline object.
fn good_advise_strategy() -> impl Strategy<Value = Op> {
    (any::<u8>(), 0u8..4, 0u32..4).prop_map(|(obj, callback, client_token)| Op::Advise {
        obj: Obj::Offline(obj),
        callback,
        client_token,
        bad: AdviseBad::None,
    })
}

fn op_strategy() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (0u8..3, open_bad_strategy()).prop_map(|(profile, bad)| Op::Open { profile, bad }),
        6 => (obj_strategy(), iid_strategy(), prop::bool::weighted(0.1))
            .prop_map(|(obj, iid, out_null)| Op::QueryInterface { obj, iid, out_null }),
        6 => obj_strategy().prop_map(|obj| Op::AddRef { obj }),
        10 => obj_strategy().prop_map(|obj| Op::Release { obj }),
        6 => (obj_strategy(), prop::bool::weighted(0.1))
            .prop_map(|(obj, out_null)| Op::GetCapabilities { obj, out_null }),
        4 => (obj_strategy(), prop::bool::weighted(0.2))
            .prop_map(|(obj, out_null)| Op::GetCurrentState { obj, out_null }),
        50 => set_strategy(),
        24 => (obj_strategy(), prop_oneof![5 => 0u8..4, 1 => any::<u8>()], 0u32..4, advise_bad_strategy())
            .prop_map(|(obj, callback, client_token, bad)| Op::Advise { obj, callback, client_token, bad }),
        12 => (
            obj_strategy(),
            prop_oneof![9 => Just(0u32), 1 => Just(1u32)],
            prop_oneof![
                4 => any::<u8>().prop_map(TokenRef::Issued),
                1 => prop_oneof![Just(0u32), Just(999), Just(u32::MAX)].prop_map(TokenRef::Unknown),
            ],
        )
            .prop_map(|(obj, flags, token)| Op::Unadvise { obj, flags, token }),
        20 => (0u64..4).prop_map(Op::Advance),
        14 => Just(Op::RunUntilIdle),
        3 => Just(Op::NetworkDown),
        3 => Just(Op::NetworkUp),
        3 => (0u8..3).prop_map(Op::ServerDown),
        3 => (0u8..3).prop_map(Op::ServerUp),
        6 => (
            obj_strategy(),
            0u32..6,
            prop_oneof![2 => Just(MASK), 1 => Just(0u32), 1 => Just(0xFFu32)],
            prop_oneof![Just(ON), Just(OFF), Just(0u32), Just(7u32)],
            prop_oneof![Just(ON), Just(OFF), Just(0u32), Just(7u32)],
        )
            .prop_map(|(obj, notify_type, mask, old, new)| Op::InjectNotify { obj, notify_type, mask, old, new }),
        2 => prop_oneof![Just(0u32), Just(0x100), Just(0x3), Just(0xFFFF_FF00), Just(0x0001_0001)]
            .prop_map(Op::SetExtraStateBits),
        2 => (obj_strategy(), prop_oneof![Just(0u32), Just(0x100), Just(0x3), Just(0xFFFF_FFFF)])
            .prop_map(|(obj, bits)| Op::SetExtraCapabilityBits { obj, bits }),
        3 => (obj_strategy(), 0u32..18).prop_map(|(obj, slot)| Op::Slot { obj, slot }),
        6 => (
            prop_oneof![6 => Just(None), 1 => (0u8..3).prop_map(Some)],
            caps_strategy(),
            prop_oneof![
                2 => Just(Parent::Null),
                6 => any::<u8>().prop_map(Parent::Offline),
                1 => any::<u8>().prop_map(Parent::Any),
            ],
        )
            .prop_map(|(profile, caps, parent)| Op::CreateChild { profile, caps, parent }),
        1 => Just(Op::Shutdown),
    ]
}

/// Up to `max` operations: a few registrations first (so that changes have listeners),
/// then anything.
fn ops_strategy(max: usize) -> impl Strategy<Value = Vec<Op>> {
    let prefix = (max / 8).min(4);
    (
        prop::collection::vec(good_advise_strategy(), 0..=prefix),
        prop::collection::vec(op_strategy(), 0..=max - prefix),
    )
        .prop_map(|(mut a, b)| {
            a.extend(b);
            a
        })
}

// ------------------------------------------------------------------------ the model

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Offline,
    Sink,
    DeadSink,
    Invalid,
}

#[derive(Clone, Copy, Debug)]
struct Reg {
    object: Ptr,
    sink: Ptr,
    client_token: u32,
}

/// Per advise token: the START/STATECHANGE/DONE group in progress (transition, last phase,
/// old, new), and what the last complete group said.
#[derive(Clone, Copy, Debug, Default)]
struct TokState {
    group: Option<(u32, u32, u32, u32)>,
    last_new: Option<u32>,
    last_done: Option<u32>,
}

#[derive(Clone, Debug)]
struct Tr {
    root: Ptr,
    new: u32,
    blocking: bool,
    objects: u32,
    /// Tokens issued before it started (`issued[..n]`) are the ones it may notify (ADV-11).
    issued_at_start: usize,
    phase: u32,
    /// (object, old, new) in the order of the STATECHANGE phase.
    affected: Vec<(Ptr, u32, u32)>,
    /// Per phase, (object, token) in delivery order.
    log: [Vec<(Ptr, u32)>; 3],
}

#[derive(Clone, Debug)]
enum Frame {
    Call {
        depth: u16,
        by: Caller,
        call: Call,
        diags: Vec<String>,
        expect: Option<HResult>,
        /// Transitions this call started as a request (SET-1/SET-2).
        started: Vec<u32>,
    },
    Notify {
        depth: u16,
        object: Ptr,
        transition: Option<u32>,
    },
}

/// What the client knows and expects; fed by the driver's own calls and by the trace of
/// what happened inside them.
struct Model {
    set4: Set4Reading,
    profiles: usize,
    inside_outlook: Vec<bool>,
    globals: Vec<Ptr>,
    /// Globals, then created children, in creation order.
    offline: Vec<Ptr>,
    sinks: Vec<Ptr>,
    implements: BTreeMap<Ptr, bool>,
    caps: BTreeMap<Ptr, u32>,
    parent: BTreeMap<Ptr, Ptr>,
    children: BTreeMap<Ptr, Vec<Ptr>>,
    profile_of: BTreeMap<Ptr, usize>,
    /// The last accepted request (SET-11 intent), for the settling check.
    desired: BTreeMap<Ptr, u32>,
    refs: BTreeMap<Ptr, u32>,
    dead: BTreeSet<Ptr>,
    network_up: bool,
    server_up: Vec<bool>,
    extra_bits: u32,
    ended: bool,
    regs: BTreeMap<u32, Reg>,
    issued: Vec<u32>,
    issue_index: BTreeMap<u32, usize>,
    unadvised: BTreeSet<u32>,
    tok: BTreeMap<u32, TokState>,
    // trace reading
    seen: usize,
    stack: Vec<Frame>,
    state: BTreeMap<Ptr, u32>,
    transitions: BTreeMap<u32, Tr>,
    last_phase: Option<(u32, u32)>,
    injecting: bool,
}

impl Model {
    fn tree_root(&self, mut p: Ptr) -> Ptr {
        while let Some(&q) = self.parent.get(&p) {
            p = q;
        }
        p
    }

    /// SET-12: a change is in progress somewhere in `p`'s object tree.
    fn tree_busy(&self, p: Ptr) -> bool {
        let root = self.tree_root(p);
        self.transitions
            .values()
            .any(|tr| self.tree_root(tr.root) == root)
    }

    fn kind(&self, p: Ptr) -> Kind {
        if self.ended {
            Kind::Invalid
        } else if self.offline.contains(&p) {
            Kind::Offline
        } else if self.sinks.contains(&p) {
            if self.dead.contains(&p) {
                Kind::DeadSink
            } else {
                Kind::Sink
            }
        } else {
            Kind::Invalid
        }
    }

    fn live(&self, p: Ptr) -> bool {
        matches!(self.kind(p), Kind::Offline | Kind::Sink)
    }

    fn inc(&mut self, p: Ptr) {
        *self.refs.entry(p).or_insert(0) += 1;
    }

    /// A reference released by the client or by the manager (UNADV-3).
    fn dec(&mut self, p: Ptr) {
        if !self.live(p) {
            return;
        }
        let r = self.refs.entry(p).or_insert(0);
        *r = r.saturating_sub(1);
        if *r == 0 && self.sinks.contains(&p) {
            self.dead.insert(p);
        }
    }

    fn absorb(&mut self, events: &[Event]) {
        for e in events {
            self.event(e);
        }
        self.seen += events.len();
    }

    fn event(&mut self, e: &Event) {
        let d = e.depth;
        while matches!(self.stack.last(), Some(Frame::Notify { depth, .. }) if *depth >= d) {
            self.stack.pop();
        }
        match &e.kind {
            EventKind::ProfileAdded(p) => {
                self.state.insert(p.object, p.state);
            }
            EventKind::ObjectCreated(o) => {
                self.state.insert(o.object, o.state);
            }
            EventKind::Call { by, call } => self.on_call(d, *by, call),
            EventKind::Return { by, func, hr, out } => self.on_return(d, *by, *func, *hr, *out),
            EventKind::Diagnostic(diag) => {
                if let Some(Frame::Call { diags, .. }) = self
                    .stack
                    .iter_mut()
                    .rev()
                    .find(|f| matches!(f, Frame::Call { .. }))
                {
                    diags.push(diag.code.clone());
                }
            }
            EventKind::Notify {
                object,
                token,
                sink,
                info,
                transition,
            } => {
                self.on_notify(*object, *token, *sink, info, *transition);
                self.stack.push(Frame::Notify {
                    depth: d,
                    object: *object,
                    transition: *transition,
                });
            }
            EventKind::TransitionStarted {
                transition,
                object,
                old,
                new,
                blocking,
                objects,
                cause,
            } => {
                if *cause == Cause::Request {
                    let Some(Frame::Call {
                        depth,
                        call,
                        started,
                        ..
                    }) = self.stack.last_mut()
                    else {
                        panic!("transition #{transition} requested outside a call");
                    };
                    let Call::SetCurrentState { this, ul_flags, .. } = call else {
                        panic!("transition #{transition} requested by {call:?}");
                    };
                    assert_eq!(
                        (*depth + 1, *this),
                        (d, *object),
                        "transition #{transition} requested elsewhere"
                    );
                    assert_eq!(
                        *blocking,
                        *ul_flags == BLOCK,
                        "SET-1/SET-2: #{transition} blocking: {blocking}, flags {ul_flags:#x}"
                    );
                    started.push(*transition);
                }
                assert!(
                    !self.transitions.contains_key(transition),
                    "transition #{transition} started twice"
                );
                assert_eq!(
                    self.state.get(object),
                    Some(old),
                    "transition #{transition} starts from a state {object} is not in"
                );
                assert!(
                    state_ok(*new) && old != new,
                    "transition #{transition}: {old:#x} -> {new:#x}"
                );
                self.transitions.insert(
                    *transition,
                    Tr {
                        root: *object,
                        new: *new,
                        blocking: *blocking,
                        objects: *objects,
                        issued_at_start: self.issued.len(),
                        phase: 0,
                        affected: Vec::new(),
                        log: Default::default(),
                    },
                );
            }
            EventKind::Phase { transition, phase } => {
                let tr = self
                    .transitions
                    .get_mut(transition)
                    .expect("phase of a transition never started");
                assert_eq!(
                    tr.phase + 1,
                    *phase,
                    "transition #{transition}: phases out of order"
                );
                tr.phase = *phase;
                self.last_phase = Some((*transition, *phase));
            }
            EventKind::StateChanged { object, old, new } => {
                let (tid, phase) = self.last_phase.expect("state change outside a phase");
                assert_eq!(
                    phase, MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE,
                    "CUR-3: the state changes in the STATECHANGE phase"
                );
                assert_eq!(
                    self.state.get(object),
                    Some(old),
                    "state change from a state {object} is not in"
                );
                assert!(state_ok(*new) && old != new);
                self.state.insert(*object, *new);
                self.transitions
                    .get_mut(&tid)
                    .expect("known")
                    .affected
                    .push((*object, *old, *new));
            }
            EventKind::TransitionCompleted { transition } => {
                let tr = self
                    .transitions
                    .remove(transition)
                    .expect("completion of a transition never started");
                self.on_completed(*transition, &tr);
            }
            EventKind::Shutdown(report) => {
                self.on_shutdown(report);
                self.ended = true;
            }
            _ => {}
        }
    }

    fn on_call(&mut self, d: u16, by: Caller, call: &Call) {
        let mut expect = None;
        // NTF-8 / SET-3 / SET-4: SetCurrentState from inside Notify, on the object whose
        // change is being notified.
        if let (
            Some(Frame::Notify {
                depth,
                object,
                transition: Some(tid),
            }),
            Call::SetCurrentState {
                this,
                ul_flags,
                ul_mask,
                ul_state,
                p_reserved,
            },
        ) = (self.stack.last(), call)
        {
            if by == Caller::Client
                && *depth + 1 == d
                && this == object
                && set_args_valid(*ul_flags, *ul_mask, *ul_state, *p_reserved)
            {
                let blocking = self
                    .transitions
                    .get(tid)
                    .expect("notified transition is in progress")
                    .blocking;
                expect = Some(match (self.set4, blocking) {
                    (Set4Reading::Documented, _) | (Set4Reading::Literal, true) => {
                        HResult::E_PENDING
                    }
                    // A FLAG_BLOCK request would have to block inside Notify: it cannot
                    // without deadlock, so it is E_PENDING too (SET-1, NTF-8).
                    (Set4Reading::Literal, false) if *ul_flags == BLOCK => HResult::E_PENDING,
                    (Set4Reading::Literal, false) => HResult::S_OK,
                });
            }
        }
        self.stack.push(Frame::Call {
            depth: d,
            by,
            call: call.clone(),
            diags: Vec::new(),
            expect,
            started: Vec::new(),
        });
    }

    fn on_return(
        &mut self,
        d: u16,
        by: Caller,
        func: Func,
        hr: Option<HResult>,
        out: Option<OutValue>,
    ) {
        let Some(Frame::Call {
            depth,
            by: call_by,
            call,
            diags,
            expect,
            started,
        }) = self.stack.pop()
        else {
            panic!("a Return of {func} without its Call");
        };
        assert_eq!(
            (depth, call_by, call.func()),
            (d, by, func),
            "Return does not match its Call"
        );
        if let Some(x) = expect {
            assert_eq!(hr, Some(x), "NTF-8/SET-3/SET-4 ({:?}): SetCurrentState from inside Notify on the object being changed, {call:?}", self.set4);
        }
        if by == Caller::Outlook {
            return;
        }
        match call {
            Call::HrOpenOfflineObj { .. } => {
                if hr == Some(HResult::S_OK) {
                    let Some(OutValue::Ptr(p)) = out else {
                        panic!("OPEN-6: S_OK without an object")
                    };
                    assert!(
                        self.globals.contains(&p),
                        "OPEN-6: {p} is not a global object"
                    );
                    self.inc(p);
                } else {
                    assert_eq!(out, None, "a failed HrOpenOfflineObj wrote an object");
                }
            }
            Call::QueryInterface { this, .. } if hr == Some(HResult::S_OK) => {
                assert_eq!(
                    out,
                    Some(OutValue::Ptr(this)),
                    "MGR-3: QueryInterface yields the same object"
                );
                if self.live(this) {
                    self.inc(this);
                }
            }
            Call::AddRef { this } => {
                let Some(OutValue::RefCount(n)) = out else {
                    panic!("AddRef returned no count")
                };
                if self.live(this) {
                    self.inc(this);
                    assert_eq!(
                        n, self.refs[&this],
                        "MGR-3: AddRef on {this} returns the new count"
                    );
                } else {
                    assert_eq!(n, 0, "AddRef through an invalid pointer {this}");
                }
            }
            Call::Release { this } => {
                let Some(OutValue::RefCount(n)) = out else {
                    panic!("Release returned no count")
                };
                if self.live(this) {
                    let before = self.refs.get(&this).copied().unwrap_or(0);
                    if before == 0 {
                        assert_eq!(n, 0, "MGR-3/R4: Release at 0 on {this} must return 0");
                        assert!(
                            diags.iter().any(|c| c == "release.below_zero"),
                            "MGR-3/R4: Release at 0 on {this} must leave release.below_zero, got {diags:?}"
                        );
                    } else {
                        self.dec(this);
                        assert_eq!(
                            n,
                            before - 1,
                            "MGR-3: Release on {this} returns the new count"
                        );
                    }
                } else {
                    assert_eq!(n, 0, "Release through an invalid pointer {this}");
                }
            }
            Call::SetCurrentState {
                this,
                ul_flags,
                ul_mask,
                ul_state,
                p_reserved,
            } => {
                for tid in &started {
                    // SET-1: a blocking request returns once its change is complete;
                    // SET-2: a default one returns at once, the change in progress.
                    let done = !self.transitions.contains_key(tid);
                    assert_eq!(
                        done,
                        ul_flags == BLOCK,
                        "SET-1/SET-2: {call:?} returned with #{tid} complete: {done}"
                    );
                }
                let valid = set_args_valid(ul_flags, ul_mask, ul_state, p_reserved);
                if hr == Some(HResult::S_OK) {
                    assert!(
                        valid && self.kind(this) == Kind::Offline,
                        "SET-9: S_OK for {call:?}"
                    );
                    self.desired.insert(this, ul_state);
                } else if !valid || self.kind(this) != Kind::Offline {
                    assert_eq!(hr, Some(HResult::E_INVALIDARG), "SET-9: {call:?}");
                } else {
                    assert_eq!(hr, Some(HResult::E_PENDING), "SET-3: {call:?}");
                }
            }
            Call::Advise {
                this,
                p_advise_info,
                ..
            } => {
                if hr == Some(HResult::S_OK) {
                    let Some(OutValue::Ulong(token)) = out else {
                        panic!("ADV-1: S_OK without a token")
                    };
                    assert_ne!(token, 0, "ADV-10: advise tokens are non-zero");
                    assert!(
                        !self.issue_index.contains_key(&token),
                        "ADV-10: advise token {token} issued twice"
                    );
                    let info = p_advise_info.expect("S_OK with NULL pAdviseInfo");
                    assert_eq!(self.kind(this), Kind::Offline);
                    assert_eq!(
                        self.kind(info.p_callback),
                        Kind::Sink,
                        "ADV-9: S_OK for callback {}",
                        info.p_callback
                    );
                    self.issue_index.insert(token, self.issued.len());
                    self.issued.push(token);
                    self.regs.insert(
                        token,
                        Reg {
                            object: this,
                            sink: info.p_callback,
                            client_token: info.ul_client_token,
                        },
                    );
                    self.inc(info.p_callback); // ADV-10: the manager's reference
                } else {
                    assert_eq!(out, None, "a failed Advise wrote a token");
                }
            }
            Call::Unadvise {
                this,
                ul_advise_token,
                ..
            } => {
                if self.kind(this) == Kind::Offline {
                    assert_eq!(
                        hr,
                        Some(HResult::S_OK),
                        "UNADV-2: Unadvise must return S_OK"
                    );
                    if self
                        .regs
                        .get(&ul_advise_token)
                        .is_some_and(|r| r.object == this)
                    {
                        let reg = self.regs.remove(&ul_advise_token).expect("checked");
                        self.unadvised.insert(ul_advise_token);
                        self.dec(reg.sink); // UNADV-3
                    }
                } else {
                    assert_eq!(hr, Some(HResult::E_INVALIDARG));
                }
            }
            Call::HrCreateOfflineObj { .. } if hr == Some(HResult::S_OK) => {
                let Some(OutValue::Ptr(p)) = out else {
                    panic!("CRE-6: S_OK without an object")
                };
                assert_eq!(
                    self.refs.insert(p, 1),
                    None,
                    "HrCreateOfflineObj returned a known object {p}"
                );
            }
            _ => {}
        }
    }

    fn on_notify(
        &mut self,
        object: Ptr,
        token: u32,
        sink: Ptr,
        info: &NotifyInfo,
        transition: Option<u32>,
    ) {
        assert!(
            !self.unadvised.contains(&token),
            "UNADV-4: notification through advise token {token} after its Unadvise returned: {info:?}"
        );
        let reg = *self
            .regs
            .get(&token)
            .unwrap_or_else(|| panic!("notification through unregistered token {token}"));
        assert_eq!(
            (reg.object, reg.sink),
            (object, sink),
            "token {token} notified on the wrong object or sink"
        );
        assert_eq!(
            info.ul_client_token, reg.client_token,
            "ADV-5/NTF-3: ulClientToken echoed"
        );
        assert_eq!(info.ul_size, SIZEOF_MAPIOFFLINE_NOTIFY);
        let Some(tid) = transition else {
            assert!(
                self.injecting,
                "a notification without a transition outside inject_notify"
            );
            return;
        };
        let (old, new, ty) = (info.ul_state_old, info.ul_state_new, info.notify_type);
        assert!(
            info.is_supported(),
            "NTF-2/NTF-4: transition notification {info:?}"
        );
        assert!(
            state_ok(old) && state_ok(new) && old != new,
            "NTF-4: {info:?}"
        );
        let caps = self.caps[&object];
        assert_ne!(
            caps & capability_for(new),
            0,
            "CAP-4: {object} lacks the capability for {new:#x} but notified"
        );
        let cur = self.state[&object];
        let tr = self
            .transitions
            .get_mut(&tid)
            .expect("notification of a transition not in progress");
        assert_eq!(
            tr.phase, ty,
            "notification of phase {ty} during phase {} of #{tid}",
            tr.phase
        );
        let idx = self.issue_index[&token];
        assert!(
            idx < tr.issued_at_start,
            "ADV-11: advise token {token} was registered after transition #{tid} started but was notified of it"
        );
        if ty == START {
            assert_eq!(
                cur, old,
                "CUR-3: START of #{tid} while {object} is not in the old state"
            );
        } else {
            assert_eq!(
                cur, new,
                "CUR-3: phase {ty} of #{tid} while {object} is not in the new state"
            );
            assert!(
                tr.affected.contains(&(object, old, new)),
                "#{tid}: notification {old:#x}->{new:#x} on {object} which changed as {:?}",
                tr.affected
            );
        }
        tr.log[ty as usize - 1].push((object, token));
        let ts = self.tok.entry(token).or_default();
        match ts.group {
            Some((gt, gp, go, gn)) => assert!(
                gt == tid && ty == gp + 1 && old == go && new == gn,
                "NTF-7: token {token}: {info:?} of #{tid} breaks the group ({gt}, phase {gp}, {go:#x}->{gn:#x})"
            ),
            None => {
                assert_eq!(ty, START, "NTF-7: token {token}: group of #{tid} does not begin with START");
                if caps & BOTH_CAPS == BOTH_CAPS {
                    if let Some(prev) = ts.last_new {
                        assert_eq!(old, prev, "NTF-7: token {token}: #{tid} does not chain on the previous change");
                    }
                }
            }
        }
        if ty == DONE {
            *ts = TokState {
                group: None,
                last_new: Some(new),
                last_done: Some(tid),
            };
        } else {
            ts.group = Some((tid, ty, old, new));
        }
    }

    fn dfs(&self, o: Ptr, set: &BTreeSet<Ptr>, out: &mut Vec<Ptr>) {
        out.push(o);
        for &c in self.children.get(&o).map(Vec::as_slice).unwrap_or(&[]) {
            if set.contains(&c) {
                self.dfs(c, set, out);
            }
        }
    }

    fn on_completed(&mut self, tid: u32, tr: &Tr) {
        assert_eq!(tr.phase, DONE, "#{tid} completed before its DONE phase");
        assert_eq!(
            tr.affected.len() as u32,
            tr.objects,
            "#{tid}: objects changed vs. announced"
        );
        assert_eq!(
            (tr.affected[0].0, tr.affected[0].2),
            (tr.root, tr.new),
            "#{tid}: the root changes first"
        );
        // CRE-7: depth-first, creation order; children go OFFLINE with their parent.
        let order: Vec<Ptr> = tr.affected.iter().map(|a| a.0).collect();
        let set: BTreeSet<Ptr> = order.iter().copied().collect();
        let mut dfs = Vec::new();
        self.dfs(tr.root, &set, &mut dfs);
        assert_eq!(
            dfs, order,
            "CRE-7: #{tid} changes objects out of depth-first creation order"
        );
        for &(o, _, new) in &tr.affected[1..] {
            let p = self.parent[&o];
            let pn = tr
                .affected
                .iter()
                .find(|a| a.0 == p)
                .expect("closed under parent")
                .2;
            if pn == OFF {
                assert_eq!(
                    new, OFF,
                    "CRE-7: #{tid}: {p} goes OFFLINE but its child {o} goes {new:#x}"
                );
            }
        }
        // NTF-7: within a phase, objects in change order, registrations in the order made.
        for (k, log) in tr.log.iter().enumerate() {
            let keys: Vec<(usize, u32)> = log
                .iter()
                .map(|(o, t)| {
                    (
                        order
                            .iter()
                            .position(|x| x == o)
                            .expect("notified object changed"),
                        *t,
                    )
                })
                .collect();
            assert!(
                keys.windows(2).all(|w| w[0] < w[1]),
                "NTF-7/CRE-7: phase {} of #{tid} served {log:?} out of order (changes {order:?})",
                k + 1
            );
        }
        // NTF-7/NTF-8: nobody registered before the change and still registered missed it.
        for &(o, _, new) in &tr.affected {
            if self.caps[&o] & capability_for(new) == 0 {
                continue;
            }
            for &t in &self.issued[..tr.issued_at_start] {
                // A sink the client destroyed by over-releasing (R4) may be skipped.
                if self
                    .regs
                    .get(&t)
                    .is_some_and(|r| r.object == o && !self.dead.contains(&r.sink))
                {
                    let last = self.tok.get(&t).and_then(|s| s.last_done);
                    assert_eq!(
                        last,
                        Some(tid),
                        "NTF-7/NTF-8: advise token {t} on {o} missed (part of) transition #{tid}"
                    );
                }
            }
        }
    }

    fn on_shutdown(&self, r: &ShutdownReport) {
        let regs: BTreeSet<(Ptr, u32, Ptr)> = r
            .registrations
            .iter()
            .map(|l| (l.object, l.token, l.sink))
            .collect();
        let want: BTreeSet<(Ptr, u32, Ptr)> = self
            .regs
            .iter()
            .map(|(t, g)| (g.object, *t, g.sink))
            .collect();
        assert_eq!(regs, want, "R3: registrations left at shutdown");
        let refs: BTreeSet<(Ptr, u32)> = r.references.iter().map(|l| (l.object, l.count)).collect();
        let want: BTreeSet<(Ptr, u32)> = self
            .offline
            .iter()
            .map(|o| (*o, self.refs.get(o).copied().unwrap_or(0)))
            .filter(|(_, n)| *n > 0)
            .collect();
        assert_eq!(refs, want, "R4: references left at shutdown");
        assert_eq!(
            r.abandoned_transitions as usize,
            self.transitions.len(),
            "transitions abandoned at shutdown"
        );
    }
}

// ------------------------------------------------------------------------ the driver

struct Driver {
    sim: Sim,
    m: Model,
}

impl Driver {
    fn new(w: &World) -> Driver {
        let config = w.config();
        let specs: Vec<ProfileSpec> = w
            .profiles
            .iter()
            .zip(PROFILE_NAMES)
            .map(|(p, name)| ProfileSpec {
                name: name.to_string(),
                capabilities: p.caps,
                state: p.state,
                caller_inside_outlook: p.inside_outlook,
                server_up: p.server_up,
            })
            .collect();
        let mut sim = Sim::new(config.clone());
        let globals: Vec<Ptr> = specs
            .iter()
            .map(|s| sim.add_profile(s.clone()).expect("fresh world"))
            .collect();
        // Reactions name sinks (their own or others) before those exist: learn the
        // addresses from an identical world, and check them below.
        let mut scratch = Sim::new(config);
        for s in &specs {
            scratch.add_profile(s.clone()).expect("fresh world");
        }
        let predicted: Vec<Ptr> = (0..w.sinks.len())
            .map(|i| {
                scratch
                    .create_sink(SinkSpec::new(format!("sink{i}")))
                    .expect("fresh world")
            })
            .collect();
        let g = |k: u8| globals[k as usize % globals.len()];
        let mut implements = BTreeMap::new();
        for (i, s) in w.sinks.iter().enumerate() {
            let reactions = s
                .reactions
                .iter()
                .map(|r| {
                    let (once, action) = match r.act {
                        ActGen::UnadviseOwn { mgr } => (
                            r.once,
                            Action::Unadvise {
                                mgr: g(mgr),
                                token: None,
                            },
                        ),
                        ActGen::UnadviseToken { mgr, token } => (
                            r.once,
                            Action::Unadvise {
                                mgr: g(mgr),
                                token: Some(token),
                            },
                        ),
                        ActGen::SetState {
                            mgr,
                            blocking,
                            state,
                        } => (
                            r.once,
                            Action::SetCurrentState {
                                this: g(mgr),
                                flags: if blocking { BLOCK } else { DEFAULT },
                                mask: MASK,
                                state,
                            },
                        ),
                        ActGen::Advise {
                            mgr,
                            sink,
                            client_token,
                        } => (
                            true,
                            Action::Advise {
                                mgr: g(mgr),
                                sink: predicted[sink as usize % predicted.len()],
                                client_token,
                            },
                        ),
                        ActGen::ReleaseMgr { mgr } => (r.once, Action::Release { this: g(mgr) }),
                        ActGen::ReleaseSelf => (r.once, Action::Release { this: predicted[i] }),
                        ActGen::GetState { mgr } => {
                            (r.once, Action::GetCurrentState { this: g(mgr) })
                        }
                    };
                    Reaction {
                        on: r.on,
                        once,
                        action,
                    }
                })
                .collect();
            let spec = SinkSpec {
                implements_notify: s.implements_notify,
                validates_notify: s.validates_notify,
                reactions,
                ..SinkSpec::new(format!("sink{i}"))
            };
            let p = sim.create_sink(spec).expect("fresh world");
            assert_eq!(p, predicted[i], "sink addresses are deterministic");
            implements.insert(p, s.implements_notify);
        }
        for bad in GARBAGE {
            assert!(!globals.contains(&bad) && !predicted.contains(&bad));
        }
        let mut m = Model {
            set4: sim.config().set4,
            profiles: globals.len(),
            inside_outlook: w.profiles.iter().map(|p| p.inside_outlook).collect(),
            globals: globals.clone(),
            offline: globals.clone(),
            sinks: predicted.clone(),
            implements,
            caps: globals
                .iter()
                .zip(&w.profiles)
                .map(|(g, p)| (*g, p.caps))
                .collect(),
            parent: BTreeMap::new(),
            children: BTreeMap::new(),
            profile_of: globals.iter().enumerate().map(|(i, g)| (*g, i)).collect(),
            desired: globals
                .iter()
                .zip(&w.profiles)
                .map(|(g, p)| (*g, p.state))
                .collect(),
            refs: globals
                .iter()
                .map(|g| (*g, 0))
                .chain(predicted.iter().map(|s| (*s, 1)))
                .collect(),
            dead: BTreeSet::new(),
            network_up: w.network_up,
            server_up: w.profiles.iter().map(|p| p.server_up).collect(),
            extra_bits: w.extra_state_bits & !MASK,
            ended: false,
            regs: BTreeMap::new(),
            issued: Vec::new(),
            issue_index: BTreeMap::new(),
            unadvised: BTreeSet::new(),
            tok: BTreeMap::new(),
            seen: 0,
            stack: Vec::new(),
            state: BTreeMap::new(),
            transitions: BTreeMap::new(),
            last_phase: None,
            injecting: false,
        };
        m.absorb(&sim.trace().events);
        let mut d = Driver { sim, m };
        d.check_invariants();
        for &(parent, caps) in &w.children {
            d.step(&Op::CreateChild {
                profile: None,
                caps,
                parent: Parent::Offline(parent),
            });
        }
        d
    }

    fn absorb(&mut self) {
        let Driver { sim, m } = self;
        m.absorb(&sim.trace().events[m.seen..]);
        // Notifications delivered at top level (phases run by advance) end with the op.
        while matches!(m.stack.last(), Some(Frame::Notify { .. })) {
            m.stack.pop();
        }
        assert!(
            m.stack.is_empty(),
            "a top-level call left an unbalanced trace: {:?}",
            m.stack
        );
    }

    fn target(&self, obj: Obj) -> Ptr {
        let m = &self.m;
        match obj {
            Obj::Offline(i) => m.offline[i as usize % m.offline.len()],
            Obj::Any(i) => {
                let pool: Vec<Ptr> = m
                    .offline
                    .iter()
                    .chain(&m.sinks)
                    .copied()
                    .chain([Ptr::NULL])
                    .chain(GARBAGE)
                    .collect();
                pool[i as usize % pool.len()]
            }
        }
    }

    /// Sinks first, then offline objects, NULL and garbage.
    fn callback(&self, i: u8) -> Ptr {
        let m = &self.m;
        let pool: Vec<Ptr> = m
            .sinks
            .iter()
            .chain(&m.offline)
            .copied()
            .chain([Ptr::NULL])
            .chain(GARBAGE)
            .collect();
        pool[i as usize % pool.len()]
    }

    fn parent(&self, parent: Parent) -> Ptr {
        match parent {
            Parent::Null => Ptr::NULL,
            Parent::Offline(i) => self.target(Obj::Offline(i)),
            Parent::Any(i) => self.target(Obj::Any(i)),
        }
    }

    fn profile_name(&self, i: u8) -> &'static str {
        PROFILE_NAMES
            .get(i as usize)
            .filter(|_| (i as usize) < self.m.profiles)
            .copied()
            .unwrap_or(UNKNOWN_PROFILE)
    }

    fn env_result(&self, r: Result<(), SimError>) {
        if self.m.ended {
            assert_eq!(r, Err(SimError::Ended));
        } else {
            assert_eq!(r, Ok(()));
        }
    }

    fn step(&mut self, op: &Op) {
        let events_before = self.sim.trace().events.len();
        let ended = self.m.ended;
        match *op {
            Op::Open { profile, bad } => {
                let name = self.profile_name(profile);
                let known = (profile as usize) < self.m.profiles;
                let r = self.sim.hr_open_offline_obj(
                    if bad == OpenBad::ReservedNonZero {
                        1
                    } else {
                        0
                    },
                    if bad == OpenBad::ProfileNull {
                        None
                    } else {
                        Some(name)
                    },
                    match bad {
                        OpenBad::GuidNull => GuidPtr::Null,
                        OpenBad::GuidWrong => GuidPtr::To(IID_IMAPIOFFLINE),
                        OpenBad::GuidAddr => GuidPtr::Addr(0x1234),
                        _ => GuidPtr::To(GUID_GLOBAL_STATE),
                    },
                    match bad {
                        OpenBad::ReservedGuid => GuidPtr::To(GUID_GLOBAL_STATE),
                        OpenBad::ReservedAddr => GuidPtr::Addr(0x1000),
                        _ => GuidPtr::Null,
                    },
                    if bad == OpenBad::OutNull {
                        Out::Null
                    } else {
                        Out::Valid
                    },
                );
                if !ended
                    && bad == OpenBad::None
                    && known
                    && self.m.inside_outlook[profile as usize]
                {
                    let g = self.m.globals[profile as usize];
                    assert_eq!(
                        r,
                        Ret {
                            hr: HResult::S_OK,
                            out: Some(g)
                        },
                        "OPEN-6/OPEN-10"
                    );
                } else {
                    assert_eq!(
                        r,
                        Ret {
                            hr: HResult::MAPI_E_NOT_FOUND,
                            out: None
                        },
                        "OPEN-7/OPEN-11: {op:?}"
                    );
                }
            }
            Op::QueryInterface { obj, iid, out_null } => {
                let p = self.target(obj);
                let r = self.sim.query_interface(
                    p,
                    iid.guid(),
                    if out_null { Out::Null } else { Out::Valid },
                );
                let k = self.m.kind(p);
                let no = (HResult::E_NOINTERFACE, Some(Ptr::NULL));
                let want = match k {
                    Kind::Invalid | Kind::DeadSink => (HResult::E_INVALIDARG, None),
                    _ if out_null => (HResult::E_INVALIDARG, None),
                    _ if matches!(iid, Iid::Null | Iid::Addr) => {
                        (HResult::E_INVALIDARG, Some(Ptr::NULL))
                    }
                    Kind::Offline => match iid {
                        Iid::Unknown | Iid::Offline | Iid::Mgr => (HResult::S_OK, Some(p)),
                        _ => no,
                    },
                    Kind::Sink => match iid {
                        Iid::Unknown => (HResult::S_OK, Some(p)),
                        Iid::Notify if self.m.implements[&p] => (HResult::S_OK, Some(p)),
                        _ => no,
                    },
                };
                assert_eq!((r.hr, r.out), want, "MGR-3: {op:?} on {p} ({k:?})");
            }
            Op::AddRef { obj } => {
                let p = self.target(obj);
                let want = if self.m.live(p) {
                    self.m.refs[&p] + 1
                } else {
                    0
                };
                assert_eq!(self.sim.add_ref(p), want, "MGR-3: AddRef on {p}");
            }
            Op::Release { obj } => {
                let p = self.target(obj);
                let want = if self.m.live(p) {
                    self.m.refs[&p].saturating_sub(1)
                } else {
                    0
                };
                assert_eq!(self.sim.release(p), want, "MGR-3: Release on {p}");
            }
            Op::GetCapabilities { obj, out_null } => {
                let p = self.target(obj);
                let r = self
                    .sim
                    .get_capabilities(p, if out_null { Out::Null } else { Out::Valid });
                let want = match self.m.kind(p) {
                    Kind::Offline if !out_null => (HResult::S_OK, Some(self.m.caps[&p])),
                    _ => (HResult::E_INVALIDARG, None),
                };
                assert_eq!((r.hr, r.out), want, "CAP-1/CAP-3/CAP-5: {op:?} on {p}");
            }
            Op::GetCurrentState { obj, out_null } => {
                let p = self.target(obj);
                let r = self
                    .sim
                    .get_current_state(p, if out_null { Out::Null } else { Out::Valid });
                match self.m.kind(p) {
                    Kind::Offline if !out_null => {
                        assert_eq!(r.hr, HResult::S_OK);
                        let v = r.out.expect("CUR-1: S_OK without a state");
                        assert_eq!(Some(v & MASK), self.sim.state_of(p), "CUR-1");
                    }
                    _ => assert_eq!(
                        (r.hr, r.out),
                        (HResult::E_INVALIDARG, None),
                        "CUR-4: {op:?} on {p}"
                    ),
                }
            }
            Op::SetCurrentState {
                obj,
                flags,
                mask,
                state,
                reserved,
            } => {
                let p = self.target(obj);
                let busy = self.m.tree_busy(p);
                let hr = self.sim.set_current_state(p, flags, mask, state, reserved);
                let valid = set_args_valid(flags, mask, state, reserved);
                let want = if self.m.kind(p) != Kind::Offline || !valid {
                    HResult::E_INVALIDARG
                } else {
                    match self.m.set4 {
                        // SET-3: E_PENDING exactly while a change is in progress.
                        Set4Reading::Documented if busy => HResult::E_PENDING,
                        Set4Reading::Documented => HResult::S_OK,
                        // SET-4 literal: only a change started with FLAG_BLOCK answers
                        // E_PENDING, and none is in progress between top-level calls.
                        Set4Reading::Literal => HResult::S_OK,
                    }
                };
                assert_eq!(
                    hr, want,
                    "SET-3/SET-4/SET-9: {op:?} on {p} (in transition before: {busy}, {:?})",
                    self.m.set4
                );
                if flags == DEFAULT {
                    // SET-2: an asynchronous request notifies nobody during the call.
                    let during = &self.sim.trace().events[events_before..];
                    assert!(
                        !during.iter().any(|e| matches!(e.kind, EventKind::Notify { .. })),
                        "SET-2: a MAPIOFFLINE_FLAG_DEFAULT request delivered notifications during the call"
                    );
                }
            }
            Op::Advise {
                obj,
                callback,
                client_token,
                bad,
            } => {
                let this = self.target(obj);
                let cb = self.callback(callback);
                let size = self.sim.config().arch.sizeof_adviseinfo();
                let mut info = self.sim.advise_info(client_token, cb);
                match bad {
                    AdviseBad::Size => info.ul_size = if size == 32 { 24 } else { 32 },
                    AdviseBad::CallbackType => info.callback_type = 1,
                    AdviseBad::AdviseTypes => info.ul_advise_types = 2,
                    AdviseBad::StateMask => info.ul_state_mask = MASK,
                    _ => {}
                }
                let r = self.sim.advise(
                    this,
                    if bad == AdviseBad::Flags {
                        1
                    } else {
                        MAPIOFFLINE_ADVISE_DEFAULT
                    },
                    if bad == AdviseBad::NullInfo {
                        None
                    } else {
                        Some(&info)
                    },
                    if bad == AdviseBad::NullOut {
                        Out::Null
                    } else {
                        Out::Valid
                    },
                );
                let want = if self.m.kind(this) != Kind::Offline || bad != AdviseBad::None {
                    HResult::E_INVALIDARG
                } else if self.m.kind(cb) == Kind::Sink && self.m.implements[&cb] {
                    HResult::S_OK
                } else {
                    HResult::E_NOINTERFACE
                };
                assert_eq!(
                    r.hr, want,
                    "ADV-3/ADV-9: {op:?} on {this} with callback {cb}"
                );
                assert_eq!(
                    r.out.is_some(),
                    want == HResult::S_OK,
                    "ADV-1: token written iff S_OK"
                );
            }
            Op::Unadvise { obj, flags, token } => {
                let p = self.target(obj);
                let t = match token {
                    TokenRef::Issued(i) if !self.m.issued.is_empty() => {
                        self.m.issued[i as usize % self.m.issued.len()]
                    }
                    TokenRef::Issued(_) => 1,
                    TokenRef::Unknown(t) => t,
                };
                let hr = self.sim.unadvise(p, flags, t);
                if self.m.kind(p) == Kind::Offline {
                    assert_eq!(hr, HResult::S_OK, "UNADV-2");
                    assert!(
                        !self.sim.registrations(p).iter().any(|r| r.0 == t),
                        "UNADV-3: token {t} still registered on {p} after Unadvise"
                    );
                } else {
                    assert_eq!(hr, HResult::E_INVALIDARG);
                }
            }
            Op::Advance(n) => {
                let r = self.sim.advance(n);
                self.env_result(r);
            }
            Op::RunUntilIdle => match self.sim.run_until_idle() {
                Ok(t) => {
                    assert!(!ended);
                    assert_eq!(t, self.sim.now());
                    assert_eq!(
                        self.sim.next_due(),
                        None,
                        "run_until_idle returned with work left"
                    );
                }
                Err(SimError::NotIdle { .. }) => assert!(!ended),
                Err(e) => {
                    assert!(ended && e == SimError::Ended, "run_until_idle: {e}");
                }
            },
            Op::NetworkDown | Op::NetworkUp => {
                let up = matches!(op, Op::NetworkUp);
                let r = if up {
                    self.sim.network_up()
                } else {
                    self.sim.network_down()
                };
                self.env_result(r);
                if !ended {
                    self.m.network_up = up;
                    assert_eq!(self.sim.has_network(), up);
                }
            }
            Op::ServerDown(i) | Op::ServerUp(i) => {
                let up = matches!(op, Op::ServerUp(_));
                let name = self.profile_name(i);
                let r = if up {
                    self.sim.server_up(name)
                } else {
                    self.sim.server_down(name)
                };
                if ended {
                    assert_eq!(r, Err(SimError::Ended));
                } else if (i as usize) < self.m.profiles {
                    assert_eq!(r, Ok(()));
                    self.m.server_up[i as usize] = up;
                } else {
                    assert!(matches!(r, Err(SimError::UnknownProfile { .. })), "{r:?}");
                }
            }
            Op::InjectNotify {
                obj,
                notify_type,
                mask,
                old,
                new,
            } => {
                let p = self.target(obj);
                let before: Vec<u32> = self.sim.registrations(p).iter().map(|r| r.0).collect();
                let r = self.sim.inject_notify(p, notify_type, mask, old, new);
                if ended {
                    assert_eq!(r, Err(SimError::Ended));
                } else if self.m.kind(p) != Kind::Offline {
                    assert_eq!(r, Err(SimError::NotAnOfflineObject(p)));
                } else if (1..=3).contains(&notify_type) && mask == MASK {
                    // NTF-6: supported values would forge a state change; refused, and
                    // nothing is delivered.
                    assert_eq!(r, Err(SimError::ForgedNotification { notify_type }));
                    assert_eq!(self.sim.trace().events.len(), events_before);
                } else {
                    assert_eq!(r, Ok(()));
                    // NTF-6: delivered as given, to every registration, in order; a
                    // registration removed meanwhile (UNADV-4) may miss it.
                    let delivered: Vec<u32> = self.sim.trace().events[events_before..]
                        .iter()
                        .filter_map(|e| match &e.kind {
                            EventKind::Notify {
                                token,
                                info,
                                transition: None,
                                ..
                            } => {
                                assert_eq!(
                                    (
                                        info.notify_type,
                                        info.ul_mask,
                                        info.ul_state_old,
                                        info.ul_state_new
                                    ),
                                    (notify_type, mask, old, new),
                                    "NTF-6: injected notification altered"
                                );
                                Some(*token)
                            }
                            _ => None,
                        })
                        .collect();
                    assert!(
                        delivered.windows(2).all(|w| w[0] < w[1]),
                        "NTF-7: injected out of order: {delivered:?}"
                    );
                    // A sink destroyed by over-releasing (R4) may be skipped.
                    let after: BTreeSet<u32> = self
                        .sim
                        .registrations(p)
                        .iter()
                        .filter(|r| self.sim.refcount(r.2).is_some())
                        .map(|r| r.0)
                        .collect();
                    for t in &before {
                        assert!(
                            delivered.contains(t) || !after.contains(t),
                            "NTF-6: injected notification lost for token {t}"
                        );
                    }
                    for t in &delivered {
                        assert!(
                            before.contains(t),
                            "ADV-11: injected notification to token {t} made meanwhile"
                        );
                    }
                }
            }
            Op::SetExtraStateBits(bits) => {
                let r = self.sim.set_extra_state_bits(bits);
                self.env_result(r);
                if !ended {
                    self.m.extra_bits = bits & !MASK;
                }
            }
            Op::SetExtraCapabilityBits { obj, bits } => {
                let p = self.target(obj);
                let r = self.sim.set_extra_capability_bits(p, bits);
                if ended {
                    assert_eq!(r, Err(SimError::Ended));
                } else if self.m.kind(p) == Kind::Offline {
                    assert_eq!(r, Ok(()));
                    let c = self.m.caps.get_mut(&p).expect("offline");
                    *c = (*c & BOTH_CAPS) | (bits & !BOTH_CAPS);
                } else {
                    assert_eq!(r, Err(SimError::NotAnOfflineObject(p)));
                }
            }
            Op::Slot { obj, slot } => {
                let p = self.target(obj);
                let hr = self.sim.call_slot(p, slot);
                // OFF-2/MGR-2: IUnknown 0-2, SetCurrentState, GetCapabilities,
                // GetCurrentState, placeholder 6, Advise, Unadvise, placeholders 9-15.
                let want = match (self.m.kind(p), slot) {
                    (Kind::Offline, 6 | 9..) => HResult::E_NOTIMPL,
                    _ => HResult::E_INVALIDARG,
                };
                assert_eq!(hr, want, "OFF-3: slot {slot} on {p}");
            }
            Op::CreateChild {
                profile,
                caps,
                parent,
            } => {
                if self.m.offline.len() >= MAX_OBJECTS {
                    return self.after_op(op);
                }
                let par = self.parent(parent);
                let pi = match profile {
                    Some(i) => i as usize,
                    None => self.m.profile_of.get(&par).copied().unwrap_or(0),
                };
                let name = self.profile_name(pi as u8);
                let r = self.sim.create_child(name, caps, STORE_TYPE, par);
                let ok = !ended
                    && pi < self.m.profiles
                    && (par.is_null()
                        || (self.m.kind(par) == Kind::Offline && self.m.profile_of[&par] == pi));
                if ok {
                    let c = r.unwrap_or_else(|hr| panic!("CRE-6: {op:?} failed with {hr}"));
                    assert!(
                        self.m.kind(c) == Kind::Invalid && !GARBAGE.contains(&c),
                        "CRE-6: {c} reused"
                    );
                    self.m.offline.push(c);
                    self.m.caps.insert(c, caps);
                    self.m.profile_of.insert(c, pi);
                    self.m.desired.insert(c, ON);
                    if !par.is_null() {
                        self.m.parent.insert(c, par);
                        self.m.children.entry(par).or_default().push(c);
                    }
                } else {
                    assert_eq!(
                        r,
                        Err(HResult::E_INVALIDARG),
                        "CRE-6: {op:?} (parent {par})"
                    );
                }
            }
            Op::Shutdown => {
                let r = self.sim.shutdown();
                assert_eq!(r.is_err(), ended, "shutdown: {r:?}");
            }
        }
        self.after_op(op);
    }

    fn after_op(&mut self, op: &Op) {
        // Only InjectNotify may deliver notifications that belong to no transition.
        self.m.injecting = matches!(op, Op::InjectNotify { .. });
        self.absorb();
        self.m.injecting = false;
        self.check_invariants();
    }

    /// Checks made after every operation (and at setup).
    fn check_invariants(&mut self) {
        let m = &self.m;
        if m.ended {
            for &p in m.offline.iter().chain(&m.sinks) {
                assert_eq!(
                    self.sim.refcount(p),
                    None,
                    "pointers are dangling after shutdown"
                );
                assert_eq!(self.sim.state_of(p), None);
            }
            return;
        }
        // 6: reference counts.
        for &p in m.offline.iter().chain(&m.sinks) {
            let want = if m.dead.contains(&p) {
                None
            } else {
                Some(m.refs.get(&p).copied().unwrap_or(0))
            };
            assert_eq!(self.sim.refcount(p), want, "reference count of {p}");
        }
        // ADV-1/UNADV-3: registrations as the client made them.
        for &o in &m.offline {
            let want: Vec<(u32, u32, Ptr)> = m
                .regs
                .iter()
                .filter(|(_, r)| r.object == o)
                .map(|(t, r)| (*t, r.client_token, r.sink))
                .collect();
            assert_eq!(self.sim.registrations(o), want, "registrations of {o}");
        }
        assert_eq!(self.sim.registration_count(), m.regs.len());
        // SET-1/SET-3: which objects are changing; no blocking change outlives its call.
        let mut known = BTreeSet::new();
        let mut maybe_more = false;
        for (tid, tr) in &m.transitions {
            assert!(
                !tr.blocking,
                "SET-1: blocking transition #{tid} still in progress after the call"
            );
            known.insert(tr.root);
            known.extend(tr.affected.iter().map(|a| a.0));
            maybe_more |= tr.phase < 2 && tr.objects > 1;
        }
        for &o in &m.offline {
            let busy = self.sim.in_transition(o);
            assert!(
                busy || !known.contains(&o),
                "{o} is changing but in_transition is false"
            );
            assert!(
                !busy || known.contains(&o) || maybe_more,
                "{o}: in_transition without a transition"
            );
            assert_eq!(
                self.sim.state_of(o),
                m.state.get(&o).copied(),
                "state of {o} vs. its trace"
            );
        }
        // Settled world: GEN-5, SET-11, CRE-7.
        if self.sim.next_due().is_none() {
            assert!(
                m.transitions.is_empty(),
                "idle with transitions in progress: {:?}",
                m.transitions.keys()
            );
            for &o in &m.offline {
                let want = match m.parent.get(&o) {
                    Some(p) if self.sim.state_of(*p) == Some(OFF) => OFF,
                    Some(_) => m.desired[&o],
                    None if m.globals.contains(&o) => {
                        if m.network_up && m.server_up[m.profile_of[&o]] {
                            m.desired[&o]
                        } else {
                            OFF
                        }
                    }
                    None => m.desired[&o],
                };
                assert_eq!(
                    self.sim.state_of(o),
                    Some(want),
                    "GEN-5/SET-11/CRE-7: idle world, {o} should be {want:#x} (requested {:#x})",
                    m.desired[&o]
                );
            }
        }
        // 1: CUR-1/CUR-2 through the API.
        let offline = m.offline.clone();
        let extra = m.extra_bits;
        for o in offline {
            let s = self
                .sim
                .state_of(o)
                .expect("offline objects live until shutdown");
            assert!(state_ok(s), "CUR-1: state_of({o}) = {s:#x}");
            let r = self.sim.get_current_state(o, Out::Valid);
            assert_eq!(r.hr, HResult::S_OK);
            let v = r.out.expect("S_OK writes the state");
            assert!(
                state_ok(v & MASK),
                "CUR-1: GetCurrentState({o}) & OFFLINE_MASK = {:#x}",
                v & MASK
            );
            assert_eq!(v & MASK, s, "CUR-1: GetCurrentState vs state_of for {o}");
            assert_eq!(v & !MASK, extra, "CUR-2: extra state bits of {o}");
        }
        self.absorb();
    }
}

fn run(world: &World, ops: &[Op]) -> Trace {
    let mut d = Driver::new(world);
    for op in ops {
        d.step(op);
    }
    d.sim.take_trace()
}

fn check_trace_json(first: &Trace, second: &Trace) -> Result<(), TestCaseError> {
    let a = serde_json::to_string(first).expect("trace serialises");
    let b = serde_json::to_string(second).expect("trace serialises");
    if a != b {
        let at = a
            .bytes()
            .zip(b.bytes())
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        let from = at.saturating_sub(200);
        prop_assert!(
            false,
            "determinism: traces differ at byte {at}:\n  {}\n  {}",
            &a[from..(at + 200).min(a.len())],
            &b[from..(at + 200).min(b.len())]
        );
    }
    let back: Trace = serde_json::from_str(&a).expect("trace JSON parses");
    prop_assert!(back == *first, "the trace JSON does not round-trip");
    Ok(())
}

proptest! {
    #![proptest_config(proptest_config())]

    /// Properties 1-9 (see the module documentation) over random worlds and sequences.
    #[test]
    fn random_sequences_keep_the_contract(world in world_strategy(), ops in ops_strategy(MAX_OPS)) {
        let first = run(&world, &ops);
        let second = run(&world, &ops);
        check_trace_json(&first, &second)?;
    }
}

proptest! {
    #![proptest_config(proptest_config())]

    /// CUR-1/CUR-2 with `Config::extra_state_bits` anywhere, including inside
    /// MAPIOFFLINE_STATE_OFFLINE_MASK: the masked state must still be exactly ONLINE or
    /// OFFLINE, as it is for `set_extra_state_bits`, which drops bits inside the mask.
    /// (`Sim::new` once copied the configured bits unmasked, so an ONLINE object read 0x3.)
    #[test]
    fn config_extra_state_bits_never_change_the_masked_state(
        world in world_strategy(),
        bits in prop_oneof![Just(1u32), Just(2), Just(3), any::<u32>()],
        ops in ops_strategy(8),
    ) {
        let world = World { extra_state_bits: bits, ..world };
        let first = run(&world, &ops);
        let second = run(&world, &ops);
        check_trace_json(&first, &second)?;
    }
}
