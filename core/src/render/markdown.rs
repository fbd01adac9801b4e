//! Markdown: the trace as a table for documentation.
//!
//! ```text
//! | tick | depth | event |
//! |---:|---:|---|
//! | 0 | 0 | client → `0x00A00000` (global "Outlook")->`Release`() |
//! ```
//!
//! One row per event, in order, so a table has exactly as many rows as the trace has
//! events. The event column uses the words of [`Trace::to_text`], indented by depth (one
//! em space per level), with API names, constants, result codes, GUIDs and addresses in
//! code spans. Diagnostics read `**error** (ADV-4, R2): …` or `**note** (SET-3): …`.
//!
//! Everything else is escaped: names the user chose (profiles, sinks) can hold any
//! character, including `|`, which would otherwise end the table cell.
//!
//! [`Trace::to_text`]: crate::trace::Trace::to_text

use super::describe::{cite, Describer, Seg, Segs};
use crate::consts::{CONSTANTS, HRESULTS, KNOWN_GUIDS};
use crate::trace::{EventKind, Trace};
use std::fmt::Write as _;

/// Renders the trace as a Markdown table (GitHub-flavoured), one row per event.
pub fn render(trace: &Trace) -> String {
    let mut out = String::from("| tick | depth | event |\n|---:|---:|---|\n");
    let mut d = Describer::default();
    for e in &trace.events {
        let mut cell = "&emsp;".repeat(e.depth as usize);
        match &e.kind {
            EventKind::Diagnostic(diag) => {
                d.learn(&e.kind);
                let word = super::describe::severity_word(diag.severity);
                let _ = write!(cell, "**{word}**");
                // The clause and rule it cites; one that cites neither, by its code.
                let cited = cite(diag.clause, diag.rule);
                let parts: Vec<String> = if cited.is_empty() {
                    vec![code_span(&diag.code)]
                } else {
                    cited.split(", ").map(code_span).collect()
                };
                let _ = write!(cell, " ({})", parts.join(", "));
                cell.push_str(": ");
                cell.push_str(&segments(&Segs(vec![Seg::Gen(diag.message.clone())])));
            }
            k => cell.push_str(&segments(&d.describe(k))),
        }
        let _ = writeln!(out, "| {} | {} | {} |", e.tick, e.depth, cell);
    }
    out
}

/// Marks up and escapes an event's segments for a table cell.
fn segments(s: &Segs) -> String {
    let mut out = String::new();
    for seg in &s.0 {
        match seg {
            Seg::Gen(t) => {
                for (code, piece) in split_code(t) {
                    if code {
                        out.push_str(&code_span(piece));
                    } else {
                        out.push_str(&escape(piece));
                    }
                }
            }
            Seg::Name(t) => out.push_str(&escape(t)),
        }
    }
    out
}

/// Escapes text for a GitHub-flavoured table cell: inline markup characters get a
/// backslash (`|` included, or it would end the cell), line breaks become `<br>`.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '$' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("<br>");
                }
            }
            '\n' => {
                out.push_str("<br>");
                // Leading spaces of the next line would vanish: keep them visible.
                while chars.peek() == Some(&' ') {
                    chars.next();
                    out.push_str("&nbsp;");
                }
            }
            c if c.is_control() => {
                let _ = write!(out, "&#x{:X};", c as u32);
            }
            c => out.push(c),
        }
    }
    out
}

/// A code span holding `s` verbatim: a backtick fence longer than any run of backticks
/// inside, padding when `s` starts or ends with a backtick, and `|` escaped (in a table
/// cell GitHub removes that backslash inside code spans too).
pub(crate) fn code_span(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let mut longest = 0;
    let mut run = 0;
    for c in flat.chars() {
        if c == '`' {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    let fence = "`".repeat(longest + 1);
    let pad = if flat.starts_with('`') || flat.ends_with('`') || flat.trim().is_empty() {
        " "
    } else {
        ""
    };
    let body = flat.replace('|', "\\|");
    format!("{fence}{pad}{body}{pad}{fence}")
}

/// Words of the API besides the constant, result and GUID tables.
const API_WORDS: &[&str] = &[
    // functions and methods
    "HrOpenOfflineObj",
    "HrCreateOfflineObj",
    "QueryInterface",
    "AddRef",
    "Release",
    "SetCurrentState",
    "GetCapabilities",
    "GetCurrentState",
    "Advise",
    "Unadvise",
    "Notify",
    "lpVtbl",
    "sizeof",
    // interfaces
    "IUnknown",
    "IMAPIOffline",
    "IMAPIOfflineMgr",
    "IMAPIOfflineNotify",
    "NULL",
    // fields and parameters, as the reference names them
    "ulSize",
    "ulClientToken",
    "CallbackType",
    "pCallback",
    "ulAdviseTypes",
    "ulStateMask",
    "NotifyType",
    "ulMask",
    "ulStateOld",
    "ulStateNew",
    "ulReserved",
    "pwszProfileNameIn",
    "pGUID",
    "pReserved",
    "ppOfflineObj",
    "pOfflineObj",
    "riid",
    "ppvObject",
    "pv",
    "ulFlags",
    "ulState",
    "pulCapabilities",
    "ulCapabilities",
    "pulState",
    "pAdviseInfo",
    "pulAdviseToken",
    "ulAdviseToken",
    "pCreateInfo",
    "ppOffline",
    "pOffline",
    "ulCreateFlags",
    "pwszProfileName",
    "pInstance",
    "pParent",
    "pMAPISupport",
    "pAggregateInfo",
    "pConnectInfo",
    "pOuterObj",
    "pRefTrackRoot",
    "Info",
    "StateChange",
    "STATECHANGE_DONE",
    "STATECHANGE_START",
    "STATECHANGE",
];

/// Whether a word is an API name, a constant, a result code or a GUID's name.
fn is_api_word(w: &str) -> bool {
    w.starts_with("MAPIOFFLINE_")
        || w.starts_with("MAPI_E_")
        || API_WORDS.contains(&w)
        || CONSTANTS.iter().any(|c| c.name == w)
        || HRESULTS.iter().any(|h| h.name == w)
        || KNOWN_GUIDS.iter().any(|g| g.name == w)
}

fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Splits generated text into (is code, piece): API words (with a leading `&`), hex
/// numbers and registry-format GUIDs are code; `A|B` of two code words is one piece.
fn split_code(text: &str) -> Vec<(bool, &str)> {
    let b = text.as_bytes();
    // Code ranges, by byte offsets (every boundary sits on an ASCII character).
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i] as char;
        if c == '{' {
            if let Some(len) = guid_len(&text[i..]) {
                ranges.push((i, i + len));
                i += len;
                continue;
            }
        }
        if is_word_char(c) && (i == 0 || !is_word_char(b[i - 1] as char)) {
            let mut j = i;
            while j < b.len() && is_word_char(b[j] as char) {
                j += 1;
            }
            let w = &text[i..j];
            let hex = w.len() > 2
                && (w.starts_with("0x") || w.starts_with("0X"))
                && w[2..].bytes().all(|x| x.is_ascii_hexdigit());
            if hex || is_api_word(w) {
                let start = if i > 0 && b[i - 1] == b'&' { i - 1 } else { i };
                match ranges.last_mut() {
                    // `A|B` (a capability or state mask): one span.
                    Some(last) if last.1 + 1 == start && b[last.1] == b'|' => last.1 = j,
                    _ => ranges.push((start, j)),
                }
            }
            i = j;
            continue;
        }
        i += 1;
        while i < b.len() && !text.is_char_boundary(i) {
            i += 1;
        }
    }
    let mut out = Vec::new();
    let mut at = 0;
    for (s, e) in ranges {
        if s > at {
            out.push((false, &text[at..s]));
        }
        out.push((true, &text[s..e]));
        at = e;
    }
    if at < text.len() {
        out.push((false, &text[at..]));
    }
    out
}

/// The length of a `{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}` at the start of `s`.
fn guid_len(s: &str) -> Option<usize> {
    let cand = s.get(..38)?;
    crate::consts::Guid::parse(cand)?;
    cand.ends_with('}').then_some(38)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::tests::sample_traces;

    #[test]
    fn api_words_hex_and_masks_become_code_spans() {
        let got = segments(&Segs(vec![Seg::Gen(
            "0x00A00000->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, &GUID_GlobalState) caps MAPIOFFLINE_CAPABILITY_OFFLINE|MAPIOFFLINE_CAPABILITY_ONLINE {FBEFFD93-B11F-4094-842B-96DCD31E63D1} released"
                .into(),
        )]));
        assert_eq!(
            got,
            "`0x00A00000`-\\>`SetCurrentState`(`MAPIOFFLINE_FLAG_BLOCK`, `&GUID_GlobalState`) caps `MAPIOFFLINE_CAPABILITY_OFFLINE\\|MAPIOFFLINE_CAPABILITY_ONLINE` `{FBEFFD93-B11F-4094-842B-96DCD31E63D1}` released"
        );
    }

    #[test]
    fn names_are_escaped_not_marked_up() {
        let got = segments(&Segs(vec![
            Seg::Gen("sink \"".into()),
            Seg::Name("S_OK | *x* `y` <b>\nnext".into()),
            Seg::Gen("\"".into()),
        ]));
        assert_eq!(got, "sink \"S\\_OK \\| \\*x\\* \\`y\\` \\<b\\><br>next\"");
    }

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(code_span("a|b"), "`a\\|b`");
        assert_eq!(code_span("`x``"), "``` `x`` ```");
    }

    #[test]
    fn every_row_is_one_event_and_cells_never_break() {
        for (name, t) in sample_traces() {
            let md = render(&t);
            let rows: Vec<&str> = md.lines().skip(2).collect();
            assert_eq!(rows.len(), t.events.len(), "trace {name}");
            for r in rows {
                // Exactly four unescaped pipes: the cell borders.
                let mut n = 0;
                let mut prev = ' ';
                for c in r.chars() {
                    if c == '|' && prev != '\\' {
                        n += 1;
                    }
                    prev = if prev == '\\' && c == '\\' { ' ' } else { c };
                }
                assert_eq!(n, 4, "row {r:?}");
            }
        }
    }
}
