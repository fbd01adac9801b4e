//! The scenario parser and runner never panic: arbitrary text, and arbitrary sequences of
//! the language's own tokens (which get much deeper into the grammar than random text).
//! Hostile shapes get generators of their own: deep nesting, very long lines and very
//! long tokens; their errors stay positioned and short whatever the input's size.

use mapioffline::scenario::{parse, run_script, words, RunError, ScenarioDiagnostic};
use proptest::prelude::*;

/// Tokens besides the language's statement words and methods (`scenario::words`).
const TOKENS: &[&str] = &[
    "mgr",
    "s",
    "t",
    "->",
    "(",
    ")",
    ",",
    "&",
    "{",
    "}",
    "=",
    "|",
    ":",
    "[",
    "]",
    "==",
    "!=",
    "NULL",
    "0",
    "1",
    "0x2000",
    "4294967296",
    "\"Outlook\"",
    "L\"P\"",
    "GUID_GlobalState",
    "IID_IMAPIOffline",
    "MAPIOFFLINE_STATE_OFFLINE",
    "MAPIOFFLINE_FLAG_BLOCK",
    "vtbl",
    "when",
    "START",
    "DONE",
    "once",
    "own",
    "no-notify",
    "no-validate",
    "iid",
    "caps",
    "state",
    "outside",
    "down",
    "up",
    "x86",
    "literal",
    "phase_spacing",
    "arch",
    "set4",
    "notifications",
    "diagnostic",
    "refcount",
    "pending",
    "idle",
    "E_PENDING",
    "S_OK",
    "sizeof",
    "MAPIOFFLINE_ADVISEINFO",
    "ulSize",
    "pCallback",
    "pwszProfileName",
    "pGUID",
    "pParent",
    "#",
    "\n",
    "{FBEFFD93-B11F-4094-842B-96DCD31E63D1}",
];

fn tokens() -> Vec<&'static str> {
    words::STATEMENTS
        .iter()
        .chain(&words::METHODS)
        .chain(TOKENS)
        .copied()
        .collect()
}

fn cases() -> u32 {
    std::env::var("MAPIOFFLINE_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

/// A header that makes the token soup meaningful: a profile, an open manager, a sink.
const PRELUDE: &str = "profile \"Outlook\"\nsink s\nHrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)\n";

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let parsed = parse(&text);
        if let Err(e) = &parsed {
            prop_assert!(e.line >= 1 && e.col >= 1 && e.len >= 1);
        }
        let _ = run_script(&text);
    }

    #[test]
    fn arbitrary_token_sequences_never_panic(
        toks in prop::collection::vec(prop::sample::select(tokens()), 0..40)
    ) {
        let body = toks.join(" ");
        let source = format!("{PRELUDE}{body}\n");
        match run_script(&source) {
            Ok(outcome) => prop_assert!(!outcome.trace.events.is_empty()),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// `explain` (the CLI's `explain TERM`, the REPL's `:explain`) answers any text with an
    /// explanation or an "unknown" carrying an optional suggestion, never a panic; a
    /// suggestion it makes is itself explainable.
    #[test]
    fn explain_never_panics(term in "\\PC{0,40}|0[xX][0-9a-fA-F_]{0,20}|-?[0-9]{0,25}|[A-Z_]{1,40}") {
        match mapioffline::explain::explain(&term) {
            Ok(x) => prop_assert!(!x.to_text().is_empty()),
            Err(u) => {
                if let Some(s) = u.suggestion {
                    prop_assert!(mapioffline::explain::explain(&s).is_ok(), "{s}");
                }
            }
        }
    }
}

/// The error for `source`, drawn as the CLI draws it, must be short whatever the input.
fn assert_bounded_error(source: &str) -> Result<(), TestCaseError> {
    let err = match run_script(source) {
        Ok(_) => return Ok(()),
        Err(e) => e,
    };
    if let RunError::Parse(e) = &err {
        prop_assert!(e.line >= 1 && e.col >= 1 && e.len >= 1);
    }
    prop_assert!(
        err.to_string().len() < 1_000,
        "{} bytes",
        err.to_string().len()
    );
    let d = ScenarioDiagnostic::new(&err, "fuzz.scn", source);
    let mut drawn = String::new();
    miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
        .with_width(100)
        .render_report(&mut drawn, &d)
        .unwrap();
    prop_assert!(drawn.len() < 6_000, "{} bytes drawn", drawn.len());
    Ok(())
}

/// Openers of nested values, and what closes each.
const OPENERS: &[(&str, &str)] = &[
    ("&", ""),
    ("&{ulClientToken = ", "}"),
    ("{ulSize = ", "}"),
    ("{", "}"),
    ("(", ")"),
    ("[", "]"),
    ("a|", ""),
];

fn hostile_cases() -> u32 {
    (cases() / 40).max(16)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: hostile_cases(), failure_persistence: None, ..ProptestConfig::default() })]

    /// Values nested up to 20,000 deep, closed or not: a bounded error, never a stack
    /// overflow.
    #[test]
    fn deep_nesting_is_a_short_positioned_error(
        nest in prop::collection::vec(prop::sample::select(OPENERS), 0..20_000),
        closed in any::<bool>(),
        head in prop::sample::select(&["mgr->Advise(0, ", "HrOpenOfflineObj(", "expect ", "advance ", "sink s iid "][..]),
    ) {
        let mut line = head.to_string();
        for (open, _) in &nest {
            line.push_str(open);
        }
        line.push('1');
        if closed {
            for (_, close) in nest.iter().rev() {
                line.push_str(close);
            }
            line.push_str(", &t)");
        }
        assert_bounded_error(&format!("{PRELUDE}{line}\n"))?;
    }

    /// Lines of up to 50,000 of the language's tokens.
    #[test]
    fn very_long_lines_never_panic(
        toks in prop::collection::vec(prop::sample::select(tokens()), 0..50_000)
    ) {
        let line: String = toks.into_iter().filter(|t| *t != "\n" && *t != "#").collect::<Vec<_>>().join(" ");
        assert_bounded_error(&format!("{PRELUDE}{line}\n"))?;
    }

    /// A token of up to a million characters in any place of a valid statement.
    #[test]
    fn very_long_tokens_are_quoted_short(
        len in 0usize..1_000_000,
        unit in prop::sample::select(&["x", "9", "0x", "é", "\"", "-", "_", "🙂", "{", "&"][..]),
        at in prop::sample::select(&[
            "mgr->SetCurrentState(@, 3, 1, NULL)",
            "mgr->@(0)",
            "profile \"@\"",
            "profile \"P2\" caps @",
            "expect @",
            "expect notifications s @",
            "config @ 1",
            "sink @",
            "@",
            "advance 1@",
        ][..]),
    ) {
        let token = unit.repeat(len / unit.len().max(1));
        let line = at.replace('@', &token);
        assert_bounded_error(&format!("{PRELUDE}{line}\n"))?;
    }
}
