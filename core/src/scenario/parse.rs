//! The parser of the scenario language: statements, line by line, over the tokens of
//! `lex.rs` and the values of `expr.rs`. Errors carry line, column, what was expected and
//! a hint; unknown words suggest the nearest valid one.

use super::error::ParseError;
use super::expr::P;
use super::lex::{lex, Tok};
use super::*;
use crate::consts::{CONSTANTS, HRESULTS, KNOWN_GUIDS};
use crate::util::nearest;

/// Every word a value position accepts besides variables: for suggestions.
pub(crate) fn known_names() -> impl Iterator<Item = &'static str> {
    CONSTANTS
        .iter()
        .map(|c| c.name)
        .chain(HRESULTS.iter().map(|h| h.name))
        .chain(KNOWN_GUIDS.iter().map(|g| g.name))
}

fn notify_type(word: &str) -> Option<u32> {
    match word {
        "START" | "MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START" => Some(1),
        "STATECHANGE" | "MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE" => Some(2),
        "DONE" | "MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE" => Some(3),
        _ => None,
    }
}

fn short_state(word: &str) -> Option<u32> {
    match word {
        "ONLINE" | "MAPIOFFLINE_STATE_ONLINE" => Some(crate::consts::MAPIOFFLINE_STATE_ONLINE),
        "OFFLINE" | "MAPIOFFLINE_STATE_OFFLINE" => Some(crate::consts::MAPIOFFLINE_STATE_OFFLINE),
        _ => None,
    }
}

/// A reaction written `Method(…)` without `pointer->`: say how to write it.
fn reaction_without_pointer(line: usize, call: &CallExpr) -> ParseError {
    let m = &call.method;
    let (expected, hint) = if words::METHODS.contains(&m.as_str()) {
        (
            format!("`pointer->{m}(…)`"),
            format!("a reaction calls a method through a pointer: write `mgr->{m}(…)`, naming the object it acts on"),
        )
    } else {
        (
            "a method call through a pointer, such as `mgr->Unadvise(0, own)`".to_string(),
            format!("a reaction runs inside Notify and calls methods of objects opened earlier: call `{m}` at top level, before the `sink` line"),
        )
    };
    ParseError {
        line,
        col: call.col,
        len: m.chars().count(),
        expected,
        found: format!("`{m}(…)` without a pointer"),
        hint: Some(hint),
    }
}

fn statement(p: &mut P) -> Result<Option<StmtKind>, ParseError> {
    let (first, fcol) = match p.peek().clone() {
        Tok::End => return Ok(None),
        Tok::Word(w) => (w, p.tok().col),
        _ => return Ok(Some(StmtKind::Call(p.call()?))),
    };
    let kind = match first.as_str() {
        "config" => {
            p.bump();
            let (key, kcol) = p.word(
                "a setting: phase_spacing, set4, extra_state_bits, arch, network, max_idle_steps",
            )?;
            const KEYS: [&str; 6] = [
                "phase_spacing",
                "set4",
                "extra_state_bits",
                "arch",
                "network",
                "max_idle_steps",
            ];
            if !KEYS.contains(&key.as_str()) {
                return Err(ParseError {
                    line: p.line,
                    col: kcol,
                    len: key.len(),
                    expected: format!("a setting: {}", KEYS.join(", ")),
                    found: quote(&key),
                    hint: nearest(&key, KEYS).map(|s| format!("did you mean `{s}`?")),
                });
            }
            StmtKind::Config {
                key,
                value: p.expr()?,
            }
        }
        "profile" => {
            p.bump();
            let name = p.string("the profile's name in quotes")?;
            let (mut caps, mut state, mut outside, mut server_down) = (None, None, false, false);
            while let Tok::Word(w) = p.peek().clone() {
                match w.as_str() {
                    "caps" => {
                        p.bump();
                        caps = Some(p.expr()?);
                    }
                    "state" => {
                        p.bump();
                        // `ONLINE`/`OFFLINE`, as `expect state` accepts, or any value.
                        state = Some(match p.peek().clone() {
                            Tok::Word(w) if short_state(&w).is_some() => {
                                p.bump();
                                Expr::Num(short_state(&w).unwrap_or_default().into())
                            }
                            _ => p.expr()?,
                        });
                    }
                    "outside" => {
                        p.bump();
                        outside = true;
                    }
                    "server" => {
                        p.bump();
                        let (w, _) = p.word("`down` or `up`")?;
                        server_down = w == "down";
                    }
                    _ => {
                        return Err(p.err(
                            "`caps`, `state`, `outside` or `server down`",
                            nearest(&w, ["caps", "state", "outside", "server"])
                                .map(|s| format!("did you mean `{s}`?")),
                        ))
                    }
                }
            }
            StmtKind::Profile {
                name,
                caps,
                state,
                outside,
                server_down,
            }
        }
        "sink" => {
            p.bump();
            let (name, _) = p.word("the sink's name")?;
            let (mut implements_notify, mut validates_notify, mut iids, mut reactions) =
                (true, true, Vec::new(), Vec::new());
            while let Tok::Word(w) = p.peek().clone() {
                match w.as_str() {
                    "no-notify" => {
                        p.bump();
                        implements_notify = false;
                    }
                    "no-validate" => {
                        p.bump();
                        validates_notify = false;
                    }
                    "iid" => {
                        p.bump();
                        iids.push(p.atom()?);
                    }
                    "when" => {
                        p.bump();
                        let raw = match p.peek().clone() {
                            Tok::Num(n) => {
                                p.bump();
                                Some(n)
                            }
                            _ => None,
                        };
                        let (t, tcol) = match raw {
                            Some(_) => (String::new(), 0),
                            None => p.word(
                                "START, STATECHANGE, DONE, a NotifyType name or number, or any",
                            )?,
                        };
                        let on = if let Some(n) = raw {
                            Some(Expr::Num(n))
                        } else if t == "any" {
                            None
                        } else {
                            Some(match notify_type(&t) {
                                Some(n) => Expr::Num(n as u64),
                                None => Expr::Name { name: t, col: tcol },
                            })
                        };
                        let once = if p.is_word("once") {
                            p.bump();
                            true
                        } else {
                            false
                        };
                        p.punct(":")?;
                        let call = p.call()?;
                        if call.this.is_none() {
                            return Err(reaction_without_pointer(p.line, &call));
                        }
                        reactions.push(ReactionSrc { on, once, call });
                    }
                    _ => {
                        return Err(p.err(
                            "`no-notify`, `no-validate`, `iid GUID` or `when TYPE: CALL`",
                            nearest(&w, ["no-notify", "no-validate", "iid", "when"])
                                .map(|s| format!("did you mean `{s}`?")),
                        ))
                    }
                }
            }
            StmtKind::Sink {
                name,
                implements_notify,
                validates_notify,
                iids,
                reactions,
            }
        }
        "advance" => {
            p.bump();
            StmtKind::Advance(p.expr()?)
        }
        "run" => {
            p.bump();
            StmtKind::Run
        }
        "network" => {
            p.bump();
            let (w, _) = p.word("`down` or `up`")?;
            match w.as_str() {
                "down" => StmtKind::Network { up: false },
                "up" => StmtKind::Network { up: true },
                _ => return Err(p.err("`down` or `up`", None)),
            }
        }
        "server" => {
            p.bump();
            let profile = p.string("the profile's name in quotes")?;
            let (w, _) = p.word("`down` or `up`")?;
            StmtKind::Server {
                profile,
                up: w == "up",
            }
        }
        "inject" => {
            p.bump();
            let object = p.expr()?;
            let args = [p.expr()?, p.expr()?, p.expr()?, p.expr()?];
            StmtKind::Inject { object, args }
        }
        "extra_state_bits" => {
            p.bump();
            StmtKind::ExtraStateBits(p.expr()?)
        }
        "extra_caps" => {
            p.bump();
            StmtKind::ExtraCaps {
                object: p.expr()?,
                bits: p.expr()?,
            }
        }
        "shutdown" => {
            p.bump();
            StmtKind::Shutdown
        }
        "expect" => {
            p.bump();
            StmtKind::Expect(expect(p)?)
        }
        _ => {
            // Not a keyword: a call, unless the word is a misspelt keyword.
            let next_is_call = matches!(
                p.toks.get(p.pos + 1).map(|t| &t.tok),
                Some(Tok::Punct("->")) | Some(Tok::Punct("("))
            );
            if !next_is_call {
                return Err(ParseError {
                    line: p.line,
                    col: fcol,
                    len: first.len(),
                    expected: "a statement (config, profile, sink, a call, advance, run, network, server, inject, extra_state_bits, extra_caps, shutdown, expect)".into(),
                    found: quote(&first),
                    hint: nearest(&first, words::STATEMENTS).map(|s| format!("did you mean `{s}`?")),
                });
            }
            StmtKind::Call(p.call()?)
        }
    };
    p.end()?;
    Ok(Some(kind))
}

fn expect(p: &mut P) -> Result<Expect, ParseError> {
    // `expect EXPR == EXPR` when the left side is more than a name (`s & MASK`, `~x`, a
    // number); `==` and `!=` separate the two sides, so they bind last.
    let next = p.toks.get(p.pos + 1).map(|t| &t.tok);
    let compound = match p.peek() {
        Tok::Num(_) | Tok::Punct("~") => true,
        Tok::Word(_) => matches!(next, Some(Tok::Punct("&")) | Some(Tok::Punct("|"))),
        _ => false,
    };
    if compound {
        let lhs = p.expr()?;
        if p.is_punct("==") || p.is_punct("!=") {
            let equal = p.is_punct("==");
            p.bump();
            return Ok(Expect::Value {
                lhs,
                equal,
                value: p.expr()?,
            });
        }
        return Ok(Expect::Hr(lhs));
    }
    let (w, wcol) = match p.peek().clone() {
        Tok::Word(w) => (w, p.tok().col),
        _ => return Err(p.err("an HRESULT, `state`, `refcount`, `notifications`, `diagnostic`, `finding`, `clean`, `pending`, `idle` or `VARIABLE ==`", None)),
    };
    // `expect NAME == VALUE` wins even when NAME is also a keyword (`expect state == …`).
    if matches!(
        p.toks.get(p.pos + 1).map(|t| &t.tok),
        Some(Tok::Punct("==")) | Some(Tok::Punct("!="))
    ) {
        p.bump();
        let equal = p.is_punct("==");
        p.bump();
        return Ok(Expect::Var {
            name: w,
            equal,
            value: p.expr()?,
        });
    }
    Ok(match w.as_str() {
        "state" => {
            p.bump();
            let object = p.expr()?;
            let (s, scol) = p.word("ONLINE or OFFLINE")?;
            let state = match short_state(&s) {
                Some(v) => Expr::Num(v as u64),
                None => Expr::Name { name: s, col: scol },
            };
            Expect::State { object, state }
        }
        "refcount" => {
            p.bump();
            Expect::RefCount {
                object: p.expr()?,
                count: p.expr()?,
            }
        }
        "pending" | "idle" => {
            p.bump();
            Expect::Pending {
                object: p.expr()?,
                pending: w == "pending",
            }
        }
        "finding" => {
            p.bump();
            let (id, _) = p.word("a rule (R1–R7) or a clause ID (GEN-3)")?;
            let at_end = p.is_word("at");
            if at_end {
                p.bump();
                if !p.is_word("end") {
                    return Err(p.err("`end`", Some("`expect finding R3 at end` checks what is left behind if the trace ended here".into())));
                }
                p.bump();
            }
            Expect::Finding { id, at_end }
        }
        "clean" => {
            p.bump();
            Expect::Clean
        }
        "diagnostic" => {
            p.bump();
            let (d, _) =
                p.word("a clause ID (SET-3), a rule (R4) or a diagnostic code (set.pending)")?;
            Expect::Diagnostic(d)
        }
        "notifications" => {
            p.bump();
            let (sink, _) = p.word("the sink's name")?;
            let mut items = Vec::new();
            if p.is_word("none") {
                p.bump();
            } else {
                loop {
                    let notify_type = match p.peek().clone() {
                        Tok::Word(t) => match notify_type(&t) {
                            Some(n) => {
                                p.bump();
                                n
                            }
                            None => {
                                return Err(p.err(
                                    "START, STATECHANGE, DONE or a number",
                                    nearest(&t, ["START", "STATECHANGE", "DONE", "none"])
                                        .map(|s| format!("did you mean `{s}`?")),
                                ))
                            }
                        },
                        Tok::Num(n) => {
                            p.bump();
                            n as u32
                        }
                        Tok::End if !items.is_empty() => break,
                        _ => {
                            return Err(p.err("START, STATECHANGE, DONE, a number, or `none`", None))
                        }
                    };
                    let states = if p.is_punct("(") {
                        p.bump();
                        let (a, _) = p.word("ONLINE or OFFLINE")?;
                        let old =
                            short_state(&a).ok_or_else(|| p.err("ONLINE or OFFLINE", None))?;
                        p.punct("->")?;
                        let (b, _) = p.word("ONLINE or OFFLINE")?;
                        let new =
                            short_state(&b).ok_or_else(|| p.err("ONLINE or OFFLINE", None))?;
                        p.punct(")")?;
                        Some((old, new))
                    } else {
                        None
                    };
                    let client_token = if p.is_punct("[") {
                        p.bump();
                        let n = match p.peek().clone() {
                            Tok::Num(n) => u32::try_from(n).ok(),
                            _ => None,
                        }
                        .ok_or_else(|| p.err("the ulClientToken, a number", None))?;
                        p.bump();
                        p.punct("]")?;
                        Some(n)
                    } else {
                        None
                    };
                    items.push(NotifyItem {
                        notify_type,
                        states,
                        client_token,
                    });
                }
            }
            Expect::Notifications { sink, items }
        }
        _ => {
            if w.starts_with("S_") || w.starts_with("E_") || w.starts_with("MAPI_E_") {
                Expect::Hr(p.expr()?)
            } else {
                let options = [
                    "finding",
                    "clean",
                    "state",
                    "refcount",
                    "notifications",
                    "diagnostic",
                    "pending",
                    "idle",
                    "S_OK",
                    "E_PENDING",
                    "E_INVALIDARG",
                    "E_NOINTERFACE",
                    "E_NOTIMPL",
                    "MAPI_E_NOT_FOUND",
                ];
                return Err(ParseError {
                    line: p.line,
                    col: wcol,
                    len: w.len(),
                    expected: "an HRESULT, `state`, `refcount`, `notifications`, `diagnostic`, `finding`, `clean`, `pending`, `idle` or `VARIABLE == VALUE`".into(),
                    found: quote(&w),
                    hint: nearest(&w, options).map(|s| format!("did you mean `{s}`?")),
                });
            }
        }
    })
}

/// Parses a whole script. Stops at the first error.
pub fn parse(source: &str) -> Result<Script, ParseError> {
    let mut stmts = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let line_no = i + 1;
        let toks = lex(line_no, line)?;
        let mut p = P {
            line: line_no,
            toks: &toks,
            pos: 0,
            depth: 0,
        };
        if let Some(kind) = statement(&mut p)? {
            stmts.push(Stmt {
                line: line_no,
                kind,
            });
        }
    }
    Ok(Script { stmts })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_calls_with_out_parameters_and_structs() {
        let s = parse(
            "HrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr) # open\n\
             mgr->Advise(0, &{ulClientToken = 7, pCallback = logger}, &tok)\n\
             mgr->vtbl[6]()\n",
        )
        .unwrap();
        assert_eq!(s.stmts.len(), 3);
        let StmtKind::Call(c) = &s.stmts[0].kind else {
            panic!()
        };
        assert_eq!(c.method, "HrOpenOfflineObj");
        assert_eq!(c.args[1], Expr::Str("Outlook".into()));
        assert_eq!(c.args[3], Expr::Null);
        let StmtKind::Call(c) = &s.stmts[1].kind else {
            panic!()
        };
        assert!(
            matches!(&c.args[1], Expr::AddrOf(b) if matches!(**b, Expr::Struct(ref f) if f.len() == 2))
        );
        let StmtKind::Call(c) = &s.stmts[2].kind else {
            panic!()
        };
        assert_eq!((c.method.as_str(), &c.args[0]), ("vtbl", &Expr::Num(6)));
    }

    #[test]
    fn parses_sinks_with_reactions_and_expectations() {
        let s = parse(
            "sink q no-validate when START once: mgr->Unadvise(0, own) when DONE: mgr->Release()\n\
             expect notifications q START(ONLINE->OFFLINE) 0x40\n\
             expect tok != 0\n\
             expect E_PENDING\n",
        )
        .unwrap();
        let StmtKind::Sink {
            reactions,
            validates_notify,
            ..
        } = &s.stmts[0].kind
        else {
            panic!()
        };
        assert!(!validates_notify);
        assert_eq!(reactions.len(), 2);
        assert!(reactions[0].once && !reactions[1].once);
        let StmtKind::Expect(Expect::Notifications { items, .. }) = &s.stmts[1].kind else {
            panic!()
        };
        assert_eq!(
            items[0],
            NotifyItem {
                notify_type: 1,
                states: Some((2, 1)),
                client_token: None
            }
        );
        assert_eq!(
            items[1],
            NotifyItem {
                notify_type: 0x40,
                states: None,
                client_token: None
            }
        );
        assert!(matches!(
            &s.stmts[2].kind,
            StmtKind::Expect(Expect::Var { equal: false, .. })
        ));
        assert!(matches!(&s.stmts[3].kind, StmtKind::Expect(Expect::Hr(_))));
    }

    #[test]
    fn errors_say_where_what_and_suggest() {
        let e = parse("profile \"A\"\nmgr->SetCurentState(0, 3, 1, NULL)\n").unwrap_err();
        assert_eq!((e.line, e.col), (2, 6));
        assert_eq!(e.hint.as_deref(), Some("did you mean `SetCurrentState`?"));
        let e = parse("advence 3").unwrap_err();
        assert_eq!(e.hint.as_deref(), Some("did you mean `advance`?"));
        let e = parse("mgr->Release() extra").unwrap_err();
        assert_eq!((e.col, e.expected.as_str()), (16, "end of line"));
        let e = parse("profile \"unterminated").unwrap_err();
        assert!(e.expected.contains("closing"));
        let e = parse("mgr->Advise(0, NULL, &t").unwrap_err();
        assert_eq!(e.expected, "`,` or `)`");
    }

    /// `m->Advise(0, &{ulClientToken = &{… 1}}, &t)` nested `levels` deep.
    fn nested_advise(levels: usize) -> String {
        format!(
            "m->Advise(0, {}1{}, &t)",
            "&{ulClientToken = ".repeat(levels),
            "}".repeat(levels)
        )
    }

    #[test]
    fn nesting_is_bounded_with_a_positioned_error() {
        // 16 levels of `&{` are 32 nested values: the bound, accepted.
        assert!(parse(&nested_advise(MAX_NESTING / 2)).is_ok());
        // One more `&` is refused where it stands: after 16 levels of 18 characters.
        for levels in [MAX_NESTING / 2 + 1, 9_000, 200_000] {
            let e = parse(&format!("profile \"P\"\n{}", nested_advise(levels))).unwrap_err();
            assert_eq!((e.line, e.col), (2, 14 + 16 * 18), "{levels}");
            assert_eq!(e.expected, "a value nested at most 32 deep");
            assert!(e.hint.unwrap().contains("nest at most 32 levels"));
        }
        // Structs alone (a million braces, no GUID among them) and a long run of `&`.
        let e = parse(&format!("m->Advise(0, {})", "{a = ".repeat(1_000_000))).unwrap_err();
        assert_eq!(e.col, 14 + 32 * 5);
        let e = parse(&format!("m->Release({}x)", "&".repeat(1_000_000))).unwrap_err();
        assert_eq!(e.col, 12 + 32);
    }

    #[test]
    fn errors_quote_at_most_a_bounded_piece_of_the_input() {
        let long = "x".repeat(1_000_000);
        let e = parse(&long).unwrap_err();
        assert_eq!(
            e.found,
            format!("`{}…` (1000000 characters)", "x".repeat(MAX_QUOTE))
        );
        assert_eq!(
            e.len, 1_000_000,
            "the underline still covers the whole word"
        );
        for src in [
            format!("profile \"{long}\" {long}"),
            format!("mgr->{long}()"),
            format!("config {long} 1"),
            format!("expect {long}"),
            format!("advance 1{long}"),
            format!("profile {long}"),
            format!("profile \"P\" {long}"),
        ] {
            let e = parse(&src).unwrap_err();
            assert!(e.to_string().len() < 1_000, "{}", &e.to_string()[..200]);
        }
    }

    #[test]
    fn numbers_in_decimal_and_hex_and_guid_literals() {
        let s = parse("extra_state_bits 0x0010_0000\nsink o no-notify iid {12345678-0001-0002-0102-030405060708}\n").unwrap();
        assert_eq!(
            s.stmts[0].kind,
            StmtKind::ExtraStateBits(Expr::Num(0x10_0000))
        );
        let StmtKind::Sink { iids, .. } = &s.stmts[1].kind else {
            panic!()
        };
        assert!(matches!(iids[0], Expr::Guid(_)));
        assert!(parse("advance 0xZZ").is_err());
    }
}
