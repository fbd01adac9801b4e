//! Constants, result codes and GUIDs of the Offline State API (spec §7), with their names.
//!
//! Everything a front-end prints or parses goes through the tables here, so a constant's
//! value and spelling exist in exactly one place.

use serde::{Deserialize, Serialize};
use std::fmt;

pub const MAPIOFFLINE_ADVISE_DEFAULT: u32 = 0;
pub const MAPIOFFLINE_UNADVISE_DEFAULT: u32 = 0;
pub const MAPIOFFLINE_ADVISE_TYPE_STATECHANGE: u32 = 1;
pub const MAPIOFFLINE_CALLBACK_TYPE_NOTIFY: u32 = 0;
pub const MAPIOFFLINE_CAPABILITY_OFFLINE: u32 = 0x1;
pub const MAPIOFFLINE_CAPABILITY_ONLINE: u32 = 0x2;
pub const MAPIOFFLINE_FLAG_BLOCK: u32 = 0x0000_2000;
pub const MAPIOFFLINE_FLAG_DEFAULT: u32 = 0x0000_0000;
pub const MAPIOFFLINE_STATE_ALL: u32 = 0x003F_037F;
pub const MAPIOFFLINE_STATE_OFFLINE_MASK: u32 = 0x0000_0003;
pub const MAPIOFFLINE_STATE_OFFLINE: u32 = 0x0000_0001;
pub const MAPIOFFLINE_STATE_ONLINE: u32 = 0x0000_0002;
pub const MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START: u32 = 1;
pub const MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE: u32 = 2;
pub const MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE: u32 = 3;

/// OPEN-1: the DLL that exports `HrOpenOfflineObj`, and the decorated name to pass to
/// `GetProcAddress` (stdcall: five 4-byte arguments on 32-bit, hence `@20`).
pub const HR_OPEN_OFFLINE_OBJ_DLL: &str = "msmapi32.dll";
pub const HR_OPEN_OFFLINE_OBJ_EXPORT: &str = "HrOpenOfflineObj@20";

/// `sizeof(MAPIOFFLINE_NOTIFY)`: 24 bytes on both 32- and 64-bit Windows.
pub const SIZEOF_MAPIOFFLINE_NOTIFY: u32 = 24;

/// Which Windows ABI the simulated client is built for; it decides the `ulSize` values
/// that are correct for structures holding pointers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Arch {
    X86,
    #[default]
    X64,
}

impl Arch {
    /// `sizeof(MAPIOFFLINE_ADVISEINFO)`: 24 on 32-bit, 32 on 64-bit (pointer alignment).
    pub fn sizeof_adviseinfo(self) -> u32 {
        match self {
            Arch::X86 => 24,
            Arch::X64 => 32,
        }
    }
    /// `sizeof(MAPIOFFLINE_CREATEINFO)`: four ULONGs and six pointers.
    pub fn sizeof_createinfo(self) -> u32 {
        match self {
            Arch::X86 => 40,
            Arch::X64 => 72,
        }
    }
    /// `sizeof(MAPIOFFLINE_AGGREGATEINFO)`: one ULONG and two pointers.
    pub fn sizeof_aggregateinfo(self) -> u32 {
        match self {
            Arch::X86 => 12,
            Arch::X64 => 24,
        }
    }
}

/// An HRESULT as the 32-bit pattern a C client sees.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HResult(pub u32);

impl HResult {
    pub const S_OK: HResult = HResult(0x0000_0000);
    pub const E_PENDING: HResult = HResult(0x8000_000A);
    pub const E_INVALIDARG: HResult = HResult(0x8007_0057);
    pub const E_NOINTERFACE: HResult = HResult(0x8000_4002);
    pub const E_NOTIMPL: HResult = HResult(0x8000_4001);
    pub const MAPI_E_NOT_FOUND: HResult = HResult(0x8004_010F);
    pub const MAPI_E_OFFLINE: HResult = HResult(0x8004_0126);
    pub const MAPI_E_RECONNECTED: HResult = HResult(0x8004_0125);
    pub const MAPI_E_END_OF_SESSION: HResult = HResult(0x8004_0200);

    // The C library's own results (`ffi/`), for what the contract has no word for: a
    // panic, a call from another thread, a control call that cannot go on, a short
    // buffer. Not in [`HRESULTS`]: no call of the API returns them, so `explain` and the
    // trace know them only by value. The header spells the same values.
    pub const E_UNEXPECTED: HResult = HResult(0x8000_FFFF);
    pub const E_FAIL: HResult = HResult(0x8000_4005);
    pub const RPC_E_WRONG_THREAD: HResult = HResult(0x8001_010E);
    pub const E_INSUFFICIENT_BUFFER: HResult = HResult(0x8007_007A);

    pub fn succeeded(self) -> bool {
        self.0 & 0x8000_0000 == 0
    }
    pub fn failed(self) -> bool {
        !self.succeeded()
    }
    /// The reference's name for this code, if it is one the API documents.
    pub fn name(self) -> Option<&'static str> {
        HRESULTS.iter().find(|h| h.value == self).map(|h| h.name)
    }
}

impl fmt::Debug for HResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for HResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "0x{:08X}", self.0),
        }
    }
}

/// A documented HRESULT with what it means.
pub struct HResultInfo {
    pub name: &'static str,
    pub value: HResult,
    pub meaning: &'static str,
}

pub static HRESULTS: &[HResultInfo] = &[
    HResultInfo {
        name: "S_OK",
        value: HResult::S_OK,
        meaning: "success",
    },
    HResultInfo {
        name: "E_PENDING",
        value: HResult::E_PENDING,
        meaning: "a state change is in progress; try again after STATECHANGE_DONE",
    },
    HResultInfo {
        name: "E_INVALIDARG",
        value: HResult::E_INVALIDARG,
        meaning: "an argument is invalid",
    },
    HResultInfo {
        name: "E_NOINTERFACE",
        value: HResult::E_NOINTERFACE,
        meaning: "the requested interface is not supported",
    },
    HResultInfo {
        name: "E_NOTIMPL",
        value: HResult::E_NOTIMPL,
        meaning: "the method is not implemented (placeholder slot)",
    },
    HResultInfo {
        name: "MAPI_E_NOT_FOUND",
        value: HResult::MAPI_E_NOT_FOUND,
        meaning: "the offline object could not be opened",
    },
    HResultInfo {
        name: "MAPI_E_OFFLINE",
        value: HResult::MAPI_E_OFFLINE,
        meaning: "the connection is offline",
    },
    HResultInfo {
        name: "MAPI_E_RECONNECTED",
        value: HResult::MAPI_E_RECONNECTED,
        meaning: "the RPC token is out of date; retry",
    },
    HResultInfo {
        name: "MAPI_E_END_OF_SESSION",
        value: HResult::MAPI_E_END_OF_SESSION,
        meaning: "the connection was dropped",
    },
];

/// The group a named constant belongs to; used to print a value by the right name
/// (0 is `MAPIOFFLINE_FLAG_DEFAULT` as a flag but `MAPIOFFLINE_CALLBACK_TYPE_NOTIFY` as a type).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConstGroup {
    AdviseFlags,
    UnadviseFlags,
    AdviseType,
    CallbackType,
    Capability,
    SetFlags,
    StateMask,
    State,
    NotifyType,
}

pub struct ConstInfo {
    pub name: &'static str,
    pub value: u32,
    pub group: ConstGroup,
}

pub static CONSTANTS: &[ConstInfo] = &[
    ConstInfo {
        name: "MAPIOFFLINE_ADVISE_DEFAULT",
        value: MAPIOFFLINE_ADVISE_DEFAULT,
        group: ConstGroup::AdviseFlags,
    },
    ConstInfo {
        name: "MAPIOFFLINE_UNADVISE_DEFAULT",
        value: MAPIOFFLINE_UNADVISE_DEFAULT,
        group: ConstGroup::UnadviseFlags,
    },
    ConstInfo {
        name: "MAPIOFFLINE_ADVISE_TYPE_STATECHANGE",
        value: MAPIOFFLINE_ADVISE_TYPE_STATECHANGE,
        group: ConstGroup::AdviseType,
    },
    ConstInfo {
        name: "MAPIOFFLINE_CALLBACK_TYPE_NOTIFY",
        value: MAPIOFFLINE_CALLBACK_TYPE_NOTIFY,
        group: ConstGroup::CallbackType,
    },
    ConstInfo {
        name: "MAPIOFFLINE_CAPABILITY_OFFLINE",
        value: MAPIOFFLINE_CAPABILITY_OFFLINE,
        group: ConstGroup::Capability,
    },
    ConstInfo {
        name: "MAPIOFFLINE_CAPABILITY_ONLINE",
        value: MAPIOFFLINE_CAPABILITY_ONLINE,
        group: ConstGroup::Capability,
    },
    ConstInfo {
        name: "MAPIOFFLINE_FLAG_BLOCK",
        value: MAPIOFFLINE_FLAG_BLOCK,
        group: ConstGroup::SetFlags,
    },
    ConstInfo {
        name: "MAPIOFFLINE_FLAG_DEFAULT",
        value: MAPIOFFLINE_FLAG_DEFAULT,
        group: ConstGroup::SetFlags,
    },
    ConstInfo {
        name: "MAPIOFFLINE_STATE_ALL",
        value: MAPIOFFLINE_STATE_ALL,
        group: ConstGroup::StateMask,
    },
    ConstInfo {
        name: "MAPIOFFLINE_STATE_OFFLINE_MASK",
        value: MAPIOFFLINE_STATE_OFFLINE_MASK,
        group: ConstGroup::StateMask,
    },
    ConstInfo {
        name: "MAPIOFFLINE_STATE_OFFLINE",
        value: MAPIOFFLINE_STATE_OFFLINE,
        group: ConstGroup::State,
    },
    ConstInfo {
        name: "MAPIOFFLINE_STATE_ONLINE",
        value: MAPIOFFLINE_STATE_ONLINE,
        group: ConstGroup::State,
    },
    ConstInfo {
        name: "MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START",
        value: MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START,
        group: ConstGroup::NotifyType,
    },
    ConstInfo {
        name: "MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE",
        value: MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE,
        group: ConstGroup::NotifyType,
    },
    ConstInfo {
        name: "MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE",
        value: MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE,
        group: ConstGroup::NotifyType,
    },
];

/// Looks up a constant or HRESULT by its exact name.
pub fn value_of(name: &str) -> Option<u32> {
    CONSTANTS
        .iter()
        .find(|c| c.name == name)
        .map(|c| c.value)
        .or_else(|| HRESULTS.iter().find(|h| h.name == name).map(|h| h.value.0))
}

/// The name of `value` within `group`, if it has one.
pub fn name_in(group: ConstGroup, value: u32) -> Option<&'static str> {
    CONSTANTS
        .iter()
        .find(|c| c.group == group && c.value == value)
        .map(|c| c.name)
}

/// Renders `value` by name where the group has one, else in hex: how the trace prints arguments.
pub fn show(group: ConstGroup, value: u32) -> String {
    match name_in(group, value) {
        Some(n) => n.to_string(),
        None => format!("0x{value:08X}"),
    }
}

/// Renders a capability bitmask as `ONLINE|OFFLINE|0x100`.
pub fn show_capabilities(caps: u32) -> String {
    let mut parts = Vec::new();
    if caps & MAPIOFFLINE_CAPABILITY_OFFLINE != 0 {
        parts.push("MAPIOFFLINE_CAPABILITY_OFFLINE".to_string());
    }
    if caps & MAPIOFFLINE_CAPABILITY_ONLINE != 0 {
        parts.push("MAPIOFFLINE_CAPABILITY_ONLINE".to_string());
    }
    let extra = caps & !(MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE);
    if extra != 0 {
        parts.push(format!("0x{extra:X}"));
    }
    if parts.is_empty() {
        "0".to_string()
    } else {
        parts.join("|")
    }
}

/// Renders a state value: the masked part by name, any other bits in hex.
pub fn show_state(state: u32) -> String {
    let masked = state & MAPIOFFLINE_STATE_OFFLINE_MASK;
    let extra = state & !MAPIOFFLINE_STATE_OFFLINE_MASK;
    let base = show(ConstGroup::State, masked);
    if extra == 0 {
        base
    } else {
        format!("{base}|0x{extra:X}")
    }
}

/// A GUID (also used for IIDs), stored in the canonical field layout.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Guid {
    pub data1: u32,
    pub data2: u16,
    pub data3: u16,
    pub data4: [u8; 8],
}

impl Guid {
    pub const fn new(data1: u32, data2: u16, data3: u16, data4: [u8; 8]) -> Guid {
        Guid {
            data1,
            data2,
            data3,
            data4,
        }
    }

    /// Parses `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` (braces optional) or a known name.
    pub fn parse(text: &str) -> Option<Guid> {
        if let Some(g) = KNOWN_GUIDS.iter().find(|g| g.name == text) {
            return Some(g.guid);
        }
        let t = text.trim();
        let t = t
            .strip_prefix('{')
            .and_then(|t| t.strip_suffix('}'))
            .unwrap_or(t);
        let parts: Vec<&str> = t.split('-').collect();
        let lens = [8, 4, 4, 4, 12];
        if parts.len() != 5
            || parts
                .iter()
                .zip(lens)
                .any(|(p, l)| p.len() != l || !p.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return None;
        }
        let d1 = u32::from_str_radix(parts[0], 16).ok()?;
        let d2 = u16::from_str_radix(parts[1], 16).ok()?;
        let d3 = u16::from_str_radix(parts[2], 16).ok()?;
        let tail = format!("{}{}", parts[3], parts[4]);
        let mut d4 = [0u8; 8];
        for (i, b) in d4.iter_mut().enumerate() {
            *b = u8::from_str_radix(&tail[i * 2..i * 2 + 2], 16).ok()?;
        }
        Some(Guid::new(d1, d2, d3, d4))
    }

    /// The reference's name for this GUID, if it is one of the API's.
    pub fn name(&self) -> Option<&'static str> {
        KNOWN_GUIDS.iter().find(|g| g.guid == *self).map(|g| g.name)
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.data4;
        write!(
            f,
            "{{{:08X}-{:04X}-{:04X}-{:02X}{:02X}-{:02X}{:02X}{:02X}{:02X}{:02X}{:02X}}}",
            self.data1, self.data2, self.data3, d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7]
        )
    }
}

impl fmt::Debug for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => fmt::Display::fmt(self, f),
        }
    }
}

// GUIDs travel through JSON in registry format, the form the documentation uses.
impl Serialize for Guid {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Guid {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Guid, D::Error> {
        let s = String::deserialize(d)?;
        Guid::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not a GUID: {s}")))
    }
}

pub const GUID_GLOBAL_STATE: Guid = Guid::new(
    0xFBEF_FD93,
    0xB11F,
    0x4094,
    [0x84, 0x2B, 0x96, 0xDC, 0xD3, 0x1E, 0x63, 0xD1],
);
pub const IID_IUNKNOWN: Guid =
    Guid::new(0x0000_0000, 0x0000, 0x0000, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);
pub const IID_IMAPIOFFLINE: Guid =
    Guid::new(0x0006_72B5, 0x0000, 0x0000, [0xC0, 0, 0, 0, 0, 0, 0, 0x46]);
pub const IID_IMAPIOFFLINEMGR: Guid = Guid::new(
    0x4217_5607,
    0xFF3E,
    0x4790,
    [0xBC, 0x18, 0x66, 0xC8, 0x64, 0x3E, 0x64, 0x24],
);
pub const IID_IMAPIOFFLINENOTIFY: Guid = Guid::new(
    0x0317_BDE5,
    0xFC29,
    0x44CD,
    [0x8D, 0xCD, 0x36, 0x12, 0x5A, 0x3B, 0xE9, 0xEC],
);

pub struct GuidInfo {
    pub name: &'static str,
    pub guid: Guid,
}

pub static KNOWN_GUIDS: &[GuidInfo] = &[
    GuidInfo {
        name: "GUID_GlobalState",
        guid: GUID_GLOBAL_STATE,
    },
    GuidInfo {
        name: "IID_IUnknown",
        guid: IID_IUNKNOWN,
    },
    GuidInfo {
        name: "IID_IMAPIOffline",
        guid: IID_IMAPIOFFLINE,
    },
    GuidInfo {
        name: "IID_IMAPIOfflineMgr",
        guid: IID_IMAPIOFFLINEMGR,
    },
    GuidInfo {
        name: "IID_IMAPIOfflineNotify",
        guid: IID_IMAPIOFFLINENOTIFY,
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_print_as_the_reference_spells_them() {
        assert_eq!(
            GUID_GLOBAL_STATE.to_string(),
            "{FBEFFD93-B11F-4094-842B-96DCD31E63D1}"
        );
        assert_eq!(
            IID_IMAPIOFFLINE.to_string(),
            "{000672B5-0000-0000-C000-000000000046}"
        );
        assert_eq!(
            IID_IMAPIOFFLINEMGR.to_string(),
            "{42175607-FF3E-4790-BC18-66C8643E6424}"
        );
        assert_eq!(
            IID_IMAPIOFFLINENOTIFY.to_string(),
            "{0317BDE5-FC29-44CD-8DCD-36125A3BE9EC}"
        );
    }

    #[test]
    fn guid_parse_round_trips_and_rejects_garbage() {
        for g in KNOWN_GUIDS {
            assert_eq!(Guid::parse(&g.guid.to_string()), Some(g.guid));
            assert_eq!(Guid::parse(g.name), Some(g.guid));
        }
        assert_eq!(Guid::parse("{FBEFFD93-B11F-4094-842B-96DCD31E63D}"), None);
        assert_eq!(Guid::parse("not-a-guid"), None);
        assert_eq!(Guid::parse("{ZBEFFD93-B11F-4094-842B-96DCD31E63D1}"), None);
    }

    #[test]
    fn constant_values_match_the_reference_table() {
        assert_eq!(value_of("MAPIOFFLINE_STATE_ALL"), Some(0x003F_037F));
        assert_eq!(value_of("MAPIOFFLINE_FLAG_BLOCK"), Some(0x2000));
        assert_eq!(value_of("E_PENDING"), Some(0x8000_000A));
        assert_eq!(value_of("MAPI_E_NOT_FOUND"), Some(0x8004_010F));
        assert_eq!(value_of("NOPE"), None);
        assert_eq!(
            show(ConstGroup::CallbackType, 0),
            "MAPIOFFLINE_CALLBACK_TYPE_NOTIFY"
        );
        assert_eq!(show(ConstGroup::SetFlags, 0), "MAPIOFFLINE_FLAG_DEFAULT");
        assert_eq!(show(ConstGroup::SetFlags, 7), "0x00000007");
        assert_eq!(show_state(0x102), "MAPIOFFLINE_STATE_ONLINE|0x100");
        assert_eq!(
            show_capabilities(0x103),
            "MAPIOFFLINE_CAPABILITY_OFFLINE|MAPIOFFLINE_CAPABILITY_ONLINE|0x100"
        );
    }

    #[test]
    fn hresults_name_themselves_and_classify() {
        assert_eq!(HResult::E_PENDING.to_string(), "E_PENDING");
        assert_eq!(HResult(0x1234).to_string(), "0x00001234");
        assert!(HResult::S_OK.succeeded());
        assert!(HResult::MAPI_E_NOT_FOUND.failed());
    }

    #[test]
    fn struct_sizes_follow_pointer_width() {
        assert_eq!(Arch::X86.sizeof_adviseinfo(), 24);
        assert_eq!(Arch::X64.sizeof_adviseinfo(), 32);
        assert_eq!(SIZEOF_MAPIOFFLINE_NOTIFY, 24);
    }
}
