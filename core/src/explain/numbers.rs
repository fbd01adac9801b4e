//! Numbers: parsing `3`, `0x2001`, `-2147483638`, and what a value may mean in each group.

use super::constants::{group_label, passed_as};
use super::hresults::explain_hresult;
use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Num {
    /// A value that fits a ULONG; `negative` when it was written as a negative decimal and
    /// read as a signed 32-bit value.
    Fits { value: u32, negative: bool },
    /// Well-formed, but outside a ULONG (or below -2^31).
    TooBig { negative: bool },
}

/// `3`, `0x3`, `0X003F037F`, `0x003F_037F`, `-2147483638`; `None` for anything else.
pub(super) fn parse_number(t: &str) -> Option<Num> {
    let (negative, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (radix, digits) = match body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        Some(h) if !negative => (16, h),
        Some(_) => return None,
        None => (10, body),
    };
    let ok = |b: u8| {
        b == b'_'
            || if radix == 16 {
                b.is_ascii_hexdigit()
            } else {
                b.is_ascii_digit()
            }
    };
    if !digits.bytes().all(ok) || !digits.bytes().any(|b| b != b'_') {
        return None;
    }
    let sig: String = digits
        .chars()
        .filter(|&c| c != '_')
        .skip_while(|&c| c == '0')
        .collect();
    // Ten decimal or eight hex digits always fit a u64; more never fit a ULONG.
    let max_len = if radix == 16 { 8 } else { 10 };
    if sig.len() > max_len {
        return Some(Num::TooBig { negative });
    }
    let n = if sig.is_empty() {
        0
    } else {
        u64::from_str_radix(&sig, radix).ok()?
    };
    if negative {
        if n > 1 << 31 {
            return Some(Num::TooBig { negative });
        }
        // Two's complement: -n as a 32-bit pattern.
        let value = (n as u32).wrapping_neg();
        return Some(Num::Fits {
            value,
            negative: true,
        });
    }
    match u32::try_from(n) {
        Ok(value) => Some(Num::Fits {
            value,
            negative: false,
        }),
        Err(_) => Some(Num::TooBig { negative }),
    }
}

pub(super) fn explain_number(t: &str, n: Num) -> Explanation {
    match n {
        Num::Fits { value, negative } => {
            let note = negative.then(|| {
                format!(
                    "{t} read as a signed 32-bit value is the bit pattern {}.",
                    hex(value)
                )
            });
            explain_value(value, note)
        }
        Num::TooBig { negative } => {
            let shown: String = if t.chars().count() > 40 {
                t.chars().take(40).chain("…".chars()).collect()
            } else {
                t.to_string()
            };
            let why = if negative {
                "This number is below -2147483648, so it does not fit a 32-bit value."
            } else {
                "This number does not fit a ULONG (32 bits, at most 0xFFFFFFFF = 4294967295)."
            };
            Explanation {
                term: shown.clone(),
                kind: TermKind::Value,
                title: shown,
                body: vec![plain(vec![
                    why.to_string(),
                    "No constant, flag, state or HRESULT of this API has this value.".into(),
                ])],
            }
        }
    }
}

pub(super) fn explain_value(v: u32, note: Option<String>) -> Explanation {
    let consts: Vec<&ConstInfo> = CONSTANTS.iter().filter(|c| c.value == v).collect();
    let hr = HRESULTS.iter().find(|h| h.value.0 == v);
    if let (true, Some(h)) = (consts.is_empty(), hr) {
        return explain_hresult(h, note);
    }
    let mut body = Vec::new();
    if let Some(n) = note {
        body.push(plain(vec![n]));
    }
    if consts.is_empty() {
        body.push(plain(vec!["No documented constant has this value.".into()]));
    } else {
        body.push(sec(
            "Constants with this value",
            consts
                .iter()
                .map(|c| format!("{} ({}): {}.", c.name, group_label(c.group), passed_as(c)))
                .collect(),
        ));
    }
    match hr {
        Some(h) => body.push(sec(
            "As an HRESULT",
            vec![format!(
                "{}: {}. `explain {}` lists which calls return it.",
                h.name, h.meaning, h.name
            )],
        )),
        None if v & 0x8000_0000 != 0 => body.push(sec(
            "As an HRESULT",
            vec!["A failure code (severity bit set), but not one this API documents.".into()],
        )),
        None => {}
    }
    if v != 0 && (v.count_ones() >= 2 || consts.is_empty()) {
        body.push(sec("As bits", bit_lines(v)));
    }
    Explanation {
        term: hex(v),
        kind: TermKind::Value,
        title: format!("{} = {}", hex(v), v),
        body,
    }
}

/// Decomposes `v` against each group that has bit-flag constants: capabilities,
/// SetCurrentState's flags and states within MAPIOFFLINE_STATE_OFFLINE_MASK.
pub(super) fn bit_lines(v: u32) -> Vec<String> {
    let mut lines = Vec::new();

    let caps_known = MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE;
    let mut named = Vec::new();
    if v & MAPIOFFLINE_CAPABILITY_OFFLINE != 0 {
        named.push("MAPIOFFLINE_CAPABILITY_OFFLINE");
    }
    if v & MAPIOFFLINE_CAPABILITY_ONLINE != 0 {
        named.push("MAPIOFFLINE_CAPABILITY_ONLINE");
    }
    let extra = v & !caps_known;
    let other = format!(
        "{}, capability bits the reference does not name, which clients ignore (CAP-3)",
        hex(extra)
    );
    lines.push(match (named.is_empty(), extra != 0) {
        (true, _) => format!(
            "As capabilities: neither MAPIOFFLINE_CAPABILITY_OFFLINE nor MAPIOFFLINE_CAPABILITY_ONLINE; {other}."
        ),
        (false, true) => format!("As capabilities: {} plus {other}.", named.join(" | ")),
        (false, false) => format!("As capabilities: {}.", named.join(" | ")),
    });

    let extra = v & !MAPIOFFLINE_FLAG_BLOCK;
    lines.push(if v == MAPIOFFLINE_FLAG_BLOCK {
        "As SetCurrentState's ulFlags: MAPIOFFLINE_FLAG_BLOCK.".to_string()
    } else if v & MAPIOFFLINE_FLAG_BLOCK != 0 {
        format!(
            "As SetCurrentState's ulFlags: MAPIOFFLINE_FLAG_BLOCK plus undocumented bits {}, which give E_INVALIDARG (SET-9).",
            hex(extra)
        )
    } else {
        format!(
            "As SetCurrentState's ulFlags: undocumented bits {} (only MAPIOFFLINE_FLAG_DEFAULT and MAPIOFFLINE_FLAG_BLOCK are documented), which give E_INVALIDARG (SET-9).",
            hex(v)
        )
    });

    let masked = v & MAPIOFFLINE_STATE_OFFLINE_MASK;
    let outside = v & !MAPIOFFLINE_STATE_OFFLINE_MASK;
    let state = match masked {
        MAPIOFFLINE_STATE_OFFLINE => "MAPIOFFLINE_STATE_OFFLINE".to_string(),
        MAPIOFFLINE_STATE_ONLINE => "MAPIOFFLINE_STATE_ONLINE".to_string(),
        0 => "neither MAPIOFFLINE_STATE_ONLINE nor MAPIOFFLINE_STATE_OFFLINE (no bit of the mask is set)".to_string(),
        _ => "both bits of the mask, which is no valid state (CUR-1, SET-6)".to_string(),
    };
    let mut line = format!("As a state, masked with MAPIOFFLINE_STATE_OFFLINE_MASK: {state}.");
    if outside != 0 {
        line.push_str(&format!(
            " Bits {} lie outside the mask; a client masks them away before comparing (CUR-2).",
            hex(outside)
        ));
    }
    lines.push(line);

    let all_bits = CONSTANTS.iter().fold(0, |acc, c| acc | c.value);
    let unknown = v & !all_bits;
    lines.push(if unknown == 0 {
        "Every bit set belongs to at least one documented constant.".to_string()
    } else {
        format!(
            "Bits {} belong to no documented constant (not even MAPIOFFLINE_STATE_ALL).",
            hex(unknown)
        )
    });
    lines
}
