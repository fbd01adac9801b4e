//! `expect` lines: what a scenario asserts about results, values, states, notifications,
//! diagnostics and checker findings.

use super::expr::first_variable;
use super::*;

impl Runner {
    pub(super) fn check(&mut self, ok: bool, message: impl FnOnce() -> String) {
        if !ok {
            self.failures.push(ExpectFailure {
                line: self.line,
                message: message(),
            });
        }
    }

    pub(super) fn expect(&mut self, e: &Expect) -> Result<(), RunError> {
        match e {
            Expect::Hr(v) => {
                let want = HResult(self.u32(v)?);
                let got = self.last_hr;
                self.check(got == Some(want), || match got {
                    Some(g) => format!("expected {want}, the last call returned {g}"),
                    None => {
                        format!("expected {want}, but no call returning an HRESULT came before")
                    }
                });
            }
            Expect::Var { name, equal, value } => {
                let want = self.u32(value)?;
                let got = match self.var(name) {
                    Some(Value::Ulong(v)) => Some(v),
                    Some(Value::Ptr(p)) => Some(p.0),
                    None => None,
                };
                let ok = got.is_some_and(|g| (g == want) == *equal);
                let op = if *equal { "==" } else { "!=" };
                self.check(ok, || match got {
                    Some(g) => format!("expected {name} {op} 0x{want:08X}, it is 0x{g:08X}"),
                    None => format!(
                        "expected {name} {op} 0x{want:08X}, but nothing was written to {name}"
                    ),
                });
            }
            Expect::Value { lhs, equal, value } => {
                let want = self.u32(value)?;
                // An unbound variable on the left is a failed expectation (a reaction may
                // not have fired), not an error in the script.
                if let Some((name, _)) = first_variable(lhs).filter(|(n, _)| self.var(n).is_none())
                {
                    self.check(false, || {
                        format!("expected a value computed from {name}, but nothing was written to {name}")
                    });
                    return Ok(());
                }
                let got = self.u32(lhs)?;
                let op = if *equal { "==" } else { "!=" };
                self.check((got == want) == *equal, || {
                    format!("expected 0x{got:08X} {op} 0x{want:08X}")
                });
            }
            Expect::State { object, state } => {
                let (p, want) = (self.ptr(object)?, self.u32(state)?);
                let got = self.sim().state_of(p);
                self.check(got == Some(want), || match got {
                    Some(g) => format!(
                        "expected {p} to be {}, it is {}",
                        consts::show_state(want),
                        consts::show_state(g)
                    ),
                    None => format!("{p} is not a live offline object"),
                });
            }
            Expect::RefCount { object, count } => {
                let (p, want) = (self.ptr(object)?, self.u32(count)?);
                let got = self.sim().refcount(p);
                self.check(got == Some(want), || match got {
                    Some(g) => format!("expected {p} to have {want} reference(s), it has {g}"),
                    None => format!("{p} is not a live object"),
                });
            }
            Expect::Pending { object, pending } => {
                let p = self.ptr(object)?;
                let got = self.sim().in_transition(p);
                self.check(got == *pending, || {
                    format!(
                        "expected {p} {}",
                        if *pending {
                            "to be changing state"
                        } else {
                            "to be idle"
                        }
                    )
                });
            }
            Expect::Diagnostic(id) => {
                let start = self.stmt_start;
                let found = self.sim().trace().events[start..]
                    .iter()
                    .any(|ev| match &ev.kind {
                        EventKind::Diagnostic(d) => {
                            d.code == *id
                                || d.clause.is_some_and(|c| c.id().eq_ignore_ascii_case(id))
                                || d.rule
                                    .is_some_and(|r| r.to_string().eq_ignore_ascii_case(id))
                        }
                        _ => false,
                    });
                self.check(found, || {
                    format!("expected a diagnostic {id} from the previous statement")
                });
            }
            Expect::Notifications { sink, items } => {
                let p = self.ptr(&Expr::Name {
                    name: sink.clone(),
                    col: 0,
                })?;
                // Only the events since this sink's last expectation are read, so a long
                // scenario with many such expectations stays linear.
                let from = self.seen.get(&p).copied().unwrap_or(0);
                let events = &self.sim().trace().events;
                let got: Vec<crate::trace::NotifyInfo> = events
                    .get(from..)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|ev| match &ev.kind {
                        EventKind::Notify { sink: s, info, .. } if *s == p => Some(*info),
                        _ => None,
                    })
                    .collect();
                let scanned = events.len();
                self.seen.insert(p, scanned);
                let matches = |g: &crate::trace::NotifyInfo, w: &NotifyItem| {
                    g.notify_type == w.notify_type
                        && w.states
                            .is_none_or(|s| s == (g.ul_state_old, g.ul_state_new))
                        && w.client_token.is_none_or(|t| t == g.ul_client_token)
                };
                let ok =
                    got.len() == items.len() && got.iter().zip(items).all(|(g, w)| matches(g, w));
                self.check(ok, || {
                    let g: Vec<String> = got
                        .iter()
                        .map(|g| {
                            show_item(
                                g.notify_type,
                                Some((g.ul_state_old, g.ul_state_new)),
                                Some(g.ul_client_token),
                            )
                        })
                        .collect();
                    let w: Vec<String> = items
                        .iter()
                        .map(|i| show_item(i.notify_type, i.states, i.client_token))
                        .collect();
                    format!(
                        "expected {sink} to receive [{}], it received [{}]",
                        w.join(" "),
                        g.join(" ")
                    )
                });
            }
            Expect::Finding { id, at_end } => {
                use crate::checker::LeftBehind;
                let start = self.stmt_start;
                let at_end = *at_end;
                let findings = crate::checker::check(self.sim().trace());
                // A finding belongs to the statement that made its event; what was left
                // behind, to the statement that ended the trace (`shutdown`) or to
                // `at end`.
                let belongs = |f: &crate::checker::Finding| match f.left_behind {
                    None => !at_end && f.event >= start,
                    Some(LeftBehind::Shutdown(at)) => at_end || at >= start,
                    Some(LeftBehind::EndOfTrace) => at_end,
                };
                let matched: Vec<FindingKey> = findings
                    .iter()
                    .filter(|f| {
                        belongs(f)
                            && (f.rule.to_string().eq_ignore_ascii_case(id)
                                || f.clause.id().eq_ignore_ascii_case(id))
                    })
                    .map(finding_key)
                    .collect();
                let found = !matched.is_empty();
                self.expected.extend(matched);
                self.check(found, || {
                    let near: Vec<String> = findings
                        .iter()
                        .filter(|f| belongs(f))
                        .map(|f| format!("{} ({})", f.rule, f.clause))
                        .collect();
                    let whose = if at_end {
                        "for what is left behind at the end"
                    } else {
                        "for the previous statement"
                    };
                    format!(
                        "expected the checker to report {id} {whose}; it reports [{}]",
                        near.join(", ")
                    )
                });
            }
            Expect::Clean => {
                let findings = crate::checker::check(self.sim().trace());
                self.check(findings.is_empty(), || {
                    let all: Vec<String> = findings.iter().map(|f| f.to_string()).collect();
                    format!(
                        "expected no checker findings, got {}: {}",
                        all.len(),
                        all.join("; ")
                    )
                });
            }
        }
        Ok(())
    }
}

/// `START(ONLINE->OFFLINE)[7]`, as expectations are written.
fn show_item(notify_type: u32, states: Option<(u32, u32)>, client_token: Option<u32>) -> String {
    let mut s = match notify_type {
        1 => "START".to_string(),
        2 => "STATECHANGE".to_string(),
        3 => "DONE".to_string(),
        x => format!("0x{x:X}"),
    };
    if let Some((o, n)) = states {
        s.push_str(&format!("({}->{})", short(o), short(n)));
    }
    if let Some(t) = client_token {
        s.push_str(&format!("[{t}]"));
    }
    s
}

fn short(state: u32) -> String {
    match state {
        consts::MAPIOFFLINE_STATE_ONLINE => "ONLINE".into(),
        consts::MAPIOFFLINE_STATE_OFFLINE => "OFFLINE".into(),
        x => format!("0x{x:X}"),
    }
}
