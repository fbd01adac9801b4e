//! The generated world and operations, and the strategies that draw them.

use super::*;
#[derive(Clone, Debug)]
pub(crate) struct ProfileGen {
    pub(crate) caps: u32,
    pub(crate) state: u32,
    pub(crate) inside_outlook: bool,
    pub(crate) server_up: bool,
}

/// A reaction's action; `mgr` picks a global object, `sink` a sink (both modulo count).
#[derive(Clone, Debug)]
pub(crate) enum ActGen {
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
pub(crate) struct ReactionGen {
    pub(crate) on: Option<u32>,
    pub(crate) once: bool,
    pub(crate) act: ActGen,
}

#[derive(Clone, Debug)]
pub(crate) struct SinkGen {
    pub(crate) implements_notify: bool,
    pub(crate) validates_notify: bool,
    pub(crate) reactions: Vec<ReactionGen>,
}

#[derive(Clone, Debug)]
pub(crate) struct World {
    pub(crate) literal_set4: bool,
    pub(crate) phase_spacing: Tick,
    pub(crate) x86: bool,
    pub(crate) network_up: bool,
    pub(crate) extra_state_bits: u32,
    pub(crate) profiles: Vec<ProfileGen>,
    pub(crate) sinks: Vec<SinkGen>,
    /// Children created at setup: (parent among the offline objects so far, capabilities).
    pub(crate) children: Vec<(u8, u32)>,
}

impl World {
    pub(crate) fn config(&self) -> Config {
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
pub(crate) enum OpenBad {
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
pub(crate) enum Iid {
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
    pub(crate) fn guid(self) -> GuidPtr {
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
pub(crate) enum AdviseBad {
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
pub(crate) enum TokenRef {
    /// The n-th token issued so far (modulo their number).
    Issued(u8),
    Unknown(u32),
}

/// Which pointer an operation goes through: usually an offline object, sometimes anything
/// (sinks, NULL, an address never handed out). Indices are taken modulo the pool size.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Obj {
    Offline(u8),
    Any(u8),
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Parent {
    Null,
    Offline(u8),
    Any(u8),
}

/// `callback` indexes a pointer pool (modulo its size): see [`Driver::callback`].
#[derive(Clone, Debug)]
pub(crate) enum Op {
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

pub(crate) fn caps_strategy() -> impl Strategy<Value = u32> {
    prop_oneof![
        6 => Just(BOTH_CAPS),
        1 => Just(MAPIOFFLINE_CAPABILITY_OFFLINE),
        1 => Just(MAPIOFFLINE_CAPABILITY_ONLINE),
        1 => Just(0),
        1 => Just(BOTH_CAPS | 0x100),
    ]
}

pub(crate) fn profile_strategy() -> impl Strategy<Value = ProfileGen> {
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

pub(crate) fn action_strategy() -> impl Strategy<Value = ActGen> {
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

pub(crate) fn reaction_strategy() -> impl Strategy<Value = ReactionGen> {
    (
        prop_oneof![2 => Just(None), 3 => (1u32..=3).prop_map(Some), 1 => Just(Some(4))],
        any::<bool>(),
        action_strategy(),
    )
        .prop_map(|(on, once, act)| ReactionGen { on, once, act })
}

pub(crate) fn sink_strategy() -> impl Strategy<Value = SinkGen> {
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
pub(crate) fn world_strategy() -> impl Strategy<Value = World> {
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

pub(crate) fn obj_strategy() -> impl Strategy<Value = Obj> {
    prop_oneof![8 => any::<u8>().prop_map(Obj::Offline), 1 => any::<u8>().prop_map(Obj::Any)]
}

pub(crate) fn open_bad_strategy() -> impl Strategy<Value = OpenBad> {
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

pub(crate) fn iid_strategy() -> impl Strategy<Value = Iid> {
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

pub(crate) fn advise_bad_strategy() -> impl Strategy<Value = AdviseBad> {
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
pub(crate) fn set_strategy() -> impl Strategy<Value = Op> {
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
pub(crate) fn good_advise_strategy() -> impl Strategy<Value = Op> {
    (any::<u8>(), 0u8..4, 0u32..4).prop_map(|(obj, callback, client_token)| Op::Advise {
        obj: Obj::Offline(obj),
        callback,
        client_token,
        bad: AdviseBad::None,
    })
}

pub(crate) fn op_strategy() -> impl Strategy<Value = Op> {
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
pub(crate) fn ops_strategy(max: usize) -> impl Strategy<Value = Vec<Op>> {
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
