//! Turning the trace's values into C++ source text: identifiers and class names from
//! user-chosen names, string and comment escaping, and constant expressions.

use super::*;

pub(super) fn arch_name(a: Arch) -> &'static str {
    match a {
        Arch::X86 => "x86",
        Arch::X64 => "x64",
    }
}

/// A capability mask as a C expression: `MAPIOFFLINE_CAPABILITY_OFFLINE | 0x100`.
pub(super) fn capabilities_expr(caps: u32) -> String {
    let mut parts = Vec::new();
    for c in [
        consts::MAPIOFFLINE_CAPABILITY_OFFLINE,
        consts::MAPIOFFLINE_CAPABILITY_ONLINE,
    ] {
        if caps & c != 0 {
            parts.push(consts::show(ConstGroup::Capability, c));
        }
    }
    let extra =
        caps & !(consts::MAPIOFFLINE_CAPABILITY_OFFLINE | consts::MAPIOFFLINE_CAPABILITY_ONLINE);
    if extra != 0 {
        parts.push(format!("0x{extra:X}"));
    }
    if parts.is_empty() {
        "0".into()
    } else {
        parts.join(" | ")
    }
}

/// A `NotifyType` value as C: its name, or a cast number.
pub(super) fn notify_type_expr(t: u32) -> String {
    match consts::name_in(ConstGroup::NotifyType, t) {
        Some(n) => n.to_string(),
        None => format!("(MAPIOFFLINE_NOTIFY_TYPE)0x{t:08X}"),
    }
}

/// A wide string literal (`L"Outlook"`) or `NULL`, escaped so that any name survives.
pub(super) fn wide_lit(s: Option<&str>) -> String {
    let Some(s) = s else {
        return "NULL".into();
    };
    let mut o = String::from("L\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            // `??x` could be a trigraph in older dialects.
            '?' => o.push_str("\\?"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7F => {
                // Octal escapes stop after three digits, so the next character is safe.
                let _ = write!(o, "\\{:03o}", c as u32);
            }
            c if c.is_ascii() => o.push(c),
            c if (c as u32) <= 0xFFFF => {
                let _ = write!(o, "\\u{:04X}", c as u32);
            }
            c => {
                let _ = write!(o, "\\U{:08X}", c as u32);
            }
        }
    }
    o.push('"');
    o
}

/// Text safe inside a `//` comment: one line, no trigraphs, no trailing backslash (which
/// would splice the next line into the comment).
pub(super) fn comment_text(s: &str) -> String {
    let mut o: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    while o.contains("??") {
        o = o.replace("??", "? ?");
    }
    let trimmed = o.trim_end().len();
    o.truncate(trimmed);
    if o.ends_with('\\') {
        o.push_str(" (end)");
    }
    o
}

/// An identifier made of a name's ASCII letters, digits and single underscores.
pub(super) fn ident(name: &str) -> String {
    let mut o = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            o.push(c);
        } else if !o.ends_with('_') {
            o.push('_');
        }
    }
    let t = o.trim_matches('_');
    if t.is_empty() {
        "object".into()
    } else {
        t.to_string()
    }
}

/// A class name for a client object: its name if it already reads `CThing`, else `C` +
/// the capitalised name.
pub(super) fn class_name(name: &str) -> String {
    let id = ident(name);
    let mut chars = id.chars();
    let first = chars.next().unwrap_or('x');
    let second = chars.next();
    if first == 'C' && second.is_some_and(|c| c.is_ascii_uppercase()) {
        id
    } else {
        let mut o = String::from("C");
        o.push(first.to_ascii_uppercase());
        o.push_str(&id[first.len_utf8()..]);
        o
    }
}

/// `name`, or `name2`, `name3`… if taken.
pub(super) fn unique(name: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == name) {
        return name.to_string();
    }
    (2..)
        .map(|n| format!("{name}{n}"))
        .find(|c| !taken.iter().any(|t| t == c))
        .expect("some suffix is free")
}
