//! The trace: everything observable, in order. Its JSON form is the stable schema described
//! in `core/TRACE-SCHEMA.md` (field names follow the reference: `ulClientToken`, `pGUID`…).

use crate::clauses::{Clause, Rule};
use crate::consts::{self, Guid, HResult};
use serde::{Deserialize, Serialize};
use std::fmt;

pub mod file;
pub mod replay;
pub mod snapshot;
pub mod walk;
pub mod world;
pub use snapshot::{ClientSnapshot, ObjectSnapshot, ProfileSnapshot, WorldSnapshot};
pub use world::{
    Action, AdviseArgs, Arg, Config, OutArg, ProfileSpec, Reaction, ReactionCall, SinkSpec, Value,
};

/// Virtual time. It advances only when the driver says so.
pub type Tick = u64;

/// Version of the JSON schema; bumped on any incompatible change.
pub const SCHEMA_VERSION: u32 = 1;

/// An interface pointer as the client sees it: an address, `0` being NULL.
///
/// Each simulated COM object has one address (its interfaces share it, as with single
/// inheritance), so a pointer names an object.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
#[serde(transparent)]
pub struct Ptr(pub u32);

impl Ptr {
    pub const NULL: Ptr = Ptr(0);
    pub fn is_null(self) -> bool {
        self.0 == 0
    }
}

impl fmt::Display for Ptr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_null() {
            f.write_str("NULL")
        } else {
            write!(f, "0x{:08X}", self.0)
        }
    }
}

impl fmt::Debug for Ptr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// A `const GUID*` argument (`pGUID`, `pReserved`, `pInstance`; also `riid`, a `REFIID`,
/// which a C client passes as a pointer) as the client passes it.
///
/// JSON: `null` for NULL and the GUID's registry-format string for a pointer to a GUID —
/// exactly what an `Option<Guid>` writes, so traces written before this type read the
/// same — and `{"addr": N}` for a non-NULL address the simulator cannot read, `N` an
/// integer like every other address in the trace.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum GuidPtr {
    #[default]
    Null,
    /// A pointer to this GUID: the trace records the GUID it points to.
    To(Guid),
    /// A non-NULL address with nothing the simulator can read behind it: what a C client
    /// passing garbage (`(const GUID*)0x1234`) passes. Never 0.
    Addr(u64),
}

impl GuidPtr {
    /// A raw address: `Null` for 0, else `Addr`.
    pub fn addr(address: u64) -> GuidPtr {
        if address == 0 {
            GuidPtr::Null
        } else {
            GuidPtr::Addr(address)
        }
    }

    pub fn is_null(self) -> bool {
        self == GuidPtr::Null
    }

    /// The GUID it points to, when it points to one the simulator can read.
    pub fn guid(self) -> Option<Guid> {
        match self {
            GuidPtr::To(g) => Some(g),
            GuidPtr::Null | GuidPtr::Addr(_) => None,
        }
    }
}

impl From<Guid> for GuidPtr {
    fn from(g: Guid) -> GuidPtr {
        GuidPtr::To(g)
    }
}

impl From<Option<Guid>> for GuidPtr {
    fn from(g: Option<Guid>) -> GuidPtr {
        g.map_or(GuidPtr::Null, GuidPtr::To)
    }
}

/// As a C argument: `NULL`, `&GUID_GlobalState` (or `&{…}` for a GUID without a name),
/// `0x1234` for a raw address.
impl fmt::Display for GuidPtr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GuidPtr::Null => f.write_str("NULL"),
            GuidPtr::To(g) => write!(f, "&{g:?}"),
            GuidPtr::Addr(a) => write!(f, "0x{a:X}"),
        }
    }
}

impl fmt::Debug for GuidPtr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for GuidPtr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        match self {
            // The same calls `Option<Guid>` makes, so every format sees what it saw before.
            GuidPtr::Null => s.serialize_none(),
            GuidPtr::To(g) => s.serialize_some(g),
            GuidPtr::Addr(a) => {
                let mut st = s.serialize_struct("GuidAddr", 1)?;
                st.serialize_field("addr", a)?;
                st.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for GuidPtr {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<GuidPtr, D::Error> {
        d.deserialize_option(GuidPtrVisitor)
    }
}

struct GuidPtrVisitor;

impl<'de> serde::de::Visitor<'de> for GuidPtrVisitor {
    type Value = GuidPtr;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GUID pointer: null, a GUID string such as \"{FBEFFD93-B11F-4094-842B-96DCD31E63D1}\", or {\"addr\": N} with N a non-zero address")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<GuidPtr, E> {
        Ok(GuidPtr::Null)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<GuidPtr, E> {
        Ok(GuidPtr::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<GuidPtr, D::Error> {
        d.deserialize_any(GuidPtrVisitor)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<GuidPtr, E> {
        Guid::parse(v)
            .map(GuidPtr::To)
            .ok_or_else(|| E::custom(format!("not a GUID: {v}")))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<GuidPtr, A::Error> {
        use serde::de::Error;
        let mut addr = None;
        while let Some(key) = map.next_key::<String>()? {
            if key != "addr" || addr.is_some() {
                return Err(A::Error::custom(format!(
                    "a raw GUID pointer is {{\"addr\": N}}, not a field `{key}`"
                )));
            }
            addr = Some(map.next_value::<u64>()?);
        }
        match addr {
            Some(0) => Err(A::Error::custom(
                "{\"addr\": 0} is NULL: a NULL GUID pointer is null",
            )),
            Some(a) => Ok(GuidPtr::Addr(a)),
            None => Err(A::Error::missing_field("addr")),
        }
    }
}

/// Who made a call: the simulated client, or Outlook calling into a client object
/// (QueryInterface on `pCallback`, Release of a sink).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Caller {
    Client,
    Outlook,
}

/// `MAPIOFFLINE_ADVISEINFO`, field by field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdviseInfo {
    #[serde(rename = "ulSize")]
    pub ul_size: u32,
    #[serde(rename = "ulClientToken")]
    pub ul_client_token: u32,
    #[serde(rename = "CallbackType")]
    pub callback_type: u32,
    #[serde(rename = "pCallback")]
    pub p_callback: Ptr,
    #[serde(rename = "ulAdviseTypes")]
    pub ul_advise_types: u32,
    #[serde(rename = "ulStateMask")]
    pub ul_state_mask: u32,
}

/// `MAPIOFFLINE_AGGREGATEINFO`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AggregateInfo {
    #[serde(rename = "ulSize")]
    pub ul_size: u32,
    #[serde(rename = "pOuterObj")]
    pub p_outer_obj: Ptr,
    #[serde(rename = "pRefTrackRoot")]
    pub p_ref_track_root: Ptr,
}

/// `MAPIOFFLINE_CREATEINFO`. `pConnectInfo` is an opaque address (0 = NULL).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateInfo {
    #[serde(rename = "ulSize")]
    pub ul_size: u32,
    #[serde(rename = "ulCreateFlags")]
    pub ul_create_flags: u32,
    #[serde(rename = "pwszProfileName")]
    pub pwsz_profile_name: Option<String>,
    #[serde(rename = "ulCapabilities")]
    pub ul_capabilities: u32,
    #[serde(rename = "pGUID")]
    pub p_guid: GuidPtr,
    #[serde(rename = "pInstance")]
    pub p_instance: GuidPtr,
    #[serde(rename = "pParent")]
    pub p_parent: Ptr,
    #[serde(rename = "pMAPISupport")]
    pub p_mapi_support: Ptr,
    #[serde(rename = "pAggregateInfo")]
    pub p_aggregate_info: Option<AggregateInfo>,
    #[serde(rename = "pConnectInfo")]
    pub p_connect_info: u64,
}

/// `MAPIOFFLINE_NOTIFY` as delivered (the `Info.StateChange` union member flattened).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyInfo {
    #[serde(rename = "ulSize")]
    pub ul_size: u32,
    #[serde(rename = "NotifyType")]
    pub notify_type: u32,
    #[serde(rename = "ulClientToken")]
    pub ul_client_token: u32,
    #[serde(rename = "ulMask")]
    pub ul_mask: u32,
    #[serde(rename = "ulStateOld")]
    pub ul_state_old: u32,
    #[serde(rename = "ulStateNew")]
    pub ul_state_new: u32,
}

impl NotifyInfo {
    /// NTF-5: only the three documented types with the offline mask carry a state change.
    pub fn is_supported(&self) -> bool {
        (1..=3).contains(&self.notify_type)
            && self.ul_mask == consts::MAPIOFFLINE_STATE_OFFLINE_MASK
    }
}

/// Whether an out-pointer argument points somewhere or is NULL.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Out {
    Valid,
    Null,
}

impl Out {
    pub fn is_null(self) -> bool {
        self == Out::Null
    }
}

/// The arguments of `HrOpenOfflineObj` (boxed: the call is rare and its arguments large).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenArgs {
    #[serde(rename = "ulReserved")]
    pub ul_reserved: u32,
    #[serde(rename = "pwszProfileNameIn")]
    pub pwsz_profile_name_in: Option<String>,
    #[serde(rename = "pGUID")]
    pub p_guid: GuidPtr,
    #[serde(rename = "pReserved")]
    pub p_reserved: GuidPtr,
    #[serde(rename = "ppOfflineObj")]
    pub pp_offline_obj: Out,
}

/// A call with its raw arguments, named as in the reference.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fn")]
pub enum Call {
    HrOpenOfflineObj(Box<OpenArgs>),
    QueryInterface {
        this: Ptr,
        riid: GuidPtr,
        #[serde(rename = "ppvObject")]
        ppv_object: Out,
    },
    AddRef {
        this: Ptr,
    },
    Release {
        this: Ptr,
    },
    SetCurrentState {
        this: Ptr,
        #[serde(rename = "ulFlags")]
        ul_flags: u32,
        #[serde(rename = "ulMask")]
        ul_mask: u32,
        #[serde(rename = "ulState")]
        ul_state: u32,
        #[serde(rename = "pReserved")]
        p_reserved: u64,
    },
    GetCapabilities {
        this: Ptr,
        #[serde(rename = "pulCapabilities")]
        pul_capabilities: Out,
    },
    GetCurrentState {
        this: Ptr,
        #[serde(rename = "pulState")]
        pul_state: Out,
    },
    /// A vtable slot called by index (placeholders, OFF-2/OFF-3).
    Slot {
        this: Ptr,
        slot: u32,
    },
    Advise {
        this: Ptr,
        #[serde(rename = "ulFlags")]
        ul_flags: u32,
        #[serde(rename = "pAdviseInfo")]
        p_advise_info: Option<Box<AdviseInfo>>,
        #[serde(rename = "pulAdviseToken")]
        pul_advise_token: Out,
    },
    Unadvise {
        this: Ptr,
        #[serde(rename = "ulFlags")]
        ul_flags: u32,
        #[serde(rename = "ulAdviseToken")]
        ul_advise_token: u32,
    },
    HrCreateOfflineObj {
        #[serde(rename = "ulFlags")]
        ul_flags: u32,
        #[serde(rename = "pCreateInfo")]
        p_create_info: Option<Box<CreateInfo>>,
        #[serde(rename = "ppOffline")]
        pp_offline: Out,
    },
}

/// The name of an API function, as the reference spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Func {
    HrOpenOfflineObj,
    QueryInterface,
    AddRef,
    Release,
    SetCurrentState,
    GetCapabilities,
    GetCurrentState,
    Slot,
    Advise,
    Unadvise,
    HrCreateOfflineObj,
}

impl fmt::Display for Func {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

impl Call {
    pub fn func(&self) -> Func {
        match self {
            Call::HrOpenOfflineObj(_) => Func::HrOpenOfflineObj,
            Call::QueryInterface { .. } => Func::QueryInterface,
            Call::AddRef { .. } => Func::AddRef,
            Call::Release { .. } => Func::Release,
            Call::SetCurrentState { .. } => Func::SetCurrentState,
            Call::GetCapabilities { .. } => Func::GetCapabilities,
            Call::GetCurrentState { .. } => Func::GetCurrentState,
            Call::Slot { .. } => Func::Slot,
            Call::Advise { .. } => Func::Advise,
            Call::Unadvise { .. } => Func::Unadvise,
            Call::HrCreateOfflineObj { .. } => Func::HrCreateOfflineObj,
        }
    }

    /// The interface pointer a method is called through; `None` for the two functions.
    pub fn this(&self) -> Option<Ptr> {
        match self {
            Call::HrOpenOfflineObj(_) | Call::HrCreateOfflineObj { .. } => None,
            Call::QueryInterface { this, .. }
            | Call::AddRef { this }
            | Call::Release { this }
            | Call::SetCurrentState { this, .. }
            | Call::GetCapabilities { this, .. }
            | Call::GetCurrentState { this, .. }
            | Call::Slot { this, .. }
            | Call::Advise { this, .. }
            | Call::Unadvise { this, .. } => Some(*this),
        }
    }
}

/// What a call wrote through its out-parameter (or returned, for AddRef/Release).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum OutValue {
    /// An interface pointer (NULL when a failing call clears the out-pointer).
    Ptr(Ptr),
    /// A ULONG: capabilities, state or advise token.
    Ulong(u32),
    /// The new reference count returned by AddRef/Release.
    RefCount(u32),
}

/// Why a transition started.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// A SetCurrentState call.
    Request,
    NetworkDown,
    NetworkUp,
    ServerDown,
    ServerUp,
    /// Reconciliation after an earlier change completed: a deferred request, a deferred
    /// environment change, or a parent that changed meanwhile.
    Deferred,
}

/// Something done to the world rather than through the API.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EnvEvent {
    NetworkDown,
    NetworkUp,
    ServerDown {
        profile: String,
    },
    ServerUp {
        profile: String,
    },
    /// NTF-6 fault injection: a notification outside the supported values.
    InjectNotify {
        object: Ptr,
        #[serde(rename = "NotifyType")]
        notify_type: u32,
        #[serde(rename = "ulMask")]
        ul_mask: u32,
        #[serde(rename = "ulStateOld")]
        ul_state_old: u32,
        #[serde(rename = "ulStateNew")]
        ul_state_new: u32,
    },
    /// CUR-2 fault injection: bits outside the mask in every GetCurrentState result.
    SetExtraStateBits {
        bits: u32,
    },
    /// CAP-3 fault injection: extra capability bits on one object.
    SetExtraCapabilityBits {
        object: Ptr,
        bits: u32,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Which clause applied or which `sim` choice was taken.
    Info,
    /// The client broke a precondition or a rule.
    Error,
}

/// A diagnostic: always cites a clause, a client rule, or both.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable machine key, e.g. `open.reserved_nonzero`.
    pub code: String,
    pub clause: Option<Clause>,
    pub rule: Option<Rule>,
    pub message: String,
}

/// What the client sets up a client-owned object to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientObjectInfo {
    pub object: Ptr,
    pub name: String,
    pub implements_notify: bool,
    /// Whether its `Notify` checks NotifyType and ulMask first (NTF-5).
    pub validates_notify: bool,
    /// Further interfaces it answers QueryInterface for (outer objects, support objects).
    pub interfaces: Vec<Guid>,
    pub reactions: Vec<Reaction>,
    /// Its `Notify` is foreign code the driver calls (a C client through the C ABI).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub foreign: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileAdded {
    pub profile: String,
    pub object: Ptr,
    pub capabilities: u32,
    pub state: u32,
    pub caller_inside_outlook: bool,
    pub server_up: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectCreated {
    pub object: Ptr,
    pub profile: String,
    pub parent: Ptr,
    pub capabilities: u32,
    /// `pGUID`; NULL is allowed (CRE-2).
    pub type_guid: Option<Guid>,
    pub instance: Option<Guid>,
    pub outer: Ptr,
    pub state: u32,
}

/// A registration left behind at shutdown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeakedRegistration {
    pub object: Ptr,
    pub token: u32,
    pub sink: Ptr,
}

/// References the client still held at shutdown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeakedReference {
    pub object: Ptr,
    pub count: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShutdownReport {
    pub registrations: Vec<LeakedRegistration>,
    pub references: Vec<LeakedReference>,
    /// Transitions still in progress, abandoned.
    pub abandoned_transitions: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    ProfileAdded(Box<ProfileAdded>),
    ClientObjectCreated(Box<ClientObjectInfo>),
    ObjectCreated(Box<ObjectCreated>),
    Call {
        by: Caller,
        call: Call,
    },
    Return {
        by: Caller,
        #[serde(rename = "fn")]
        func: Func,
        hr: Option<HResult>,
        out: Option<OutValue>,
    },
    Notify {
        object: Ptr,
        token: u32,
        sink: Ptr,
        info: NotifyInfo,
        /// The transition it belongs to; `None` for an injected notification (NTF-6).
        transition: Option<u32>,
    },
    RefCount {
        object: Ptr,
        old: u32,
        new: u32,
    },
    Destroyed {
        object: Ptr,
    },
    Env {
        env: EnvEvent,
    },
    Advance {
        from: Tick,
        to: Tick,
    },
    RunUntilIdle {
        from: Tick,
    },
    TransitionStarted {
        transition: u32,
        object: Ptr,
        old: u32,
        new: u32,
        blocking: bool,
        cause: Cause,
        /// How many objects change (the root and its affected descendants, CRE-7).
        objects: u32,
    },
    Phase {
        transition: u32,
        phase: u32,
    },
    StateChanged {
        object: Ptr,
        old: u32,
        new: u32,
    },
    TransitionCompleted {
        transition: u32,
    },
    Diagnostic(Box<Diagnostic>),
    Shutdown(Box<ShutdownReport>),
}

/// One trace entry: when, how deeply nested (inside a blocking call or a `Notify`), what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub tick: Tick,
    pub depth: u16,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// A complete trace: the configuration it ran under, then its events.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    pub schema: u32,
    pub config: Config,
    pub events: Vec<Event>,
}

impl Trace {
    /// Every diagnostic, in order.
    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.events.iter().filter_map(|e| match &e.kind {
            EventKind::Diagnostic(d) => Some(&**d),
            _ => None,
        })
    }

    /// Every notification delivered, as (token, info).
    pub fn notifications(&self) -> impl Iterator<Item = (u32, &NotifyInfo)> {
        self.events.iter().filter_map(|e| match &e.kind {
            EventKind::Notify { token, info, .. } => Some((*token, info)),
            _ => None,
        })
    }
}
