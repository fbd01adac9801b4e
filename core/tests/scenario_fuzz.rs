//! The scenario parser and runner never panic: arbitrary text, and arbitrary sequences of
//! the language's own tokens (which get much deeper into the grammar than random text).

use mapioffline::scenario::{parse, run_script, words};
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
