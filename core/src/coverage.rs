//! Which clauses a trace exercises, read from its events: every diagnostic's clause,
//! plus evidence for the clauses that succeed silently (a blocking change that notified
//! inside its call is SET-1; three phases delivered is NTF-7…). The conformance suite
//! unions this over its scenarios and requires every clause of the registry.

use crate::clauses::{Clause, CLAUSES};
use crate::consts::*;
use crate::trace::walk::walk;
use crate::trace::{Call, Caller, EventKind, Func, GuidPtr, OutValue, Ptr, Trace};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The clauses `trace` gives evidence for: every event's, [`clauses_by_event`].
pub fn clauses_exercised(trace: &Trace) -> BTreeSet<Clause> {
    clauses_by_event(trace).into_iter().flatten().collect()
}

/// For each event of `trace`, the clauses it gives evidence for. Evidence that takes
/// several events (all three notification types, the three phases of one transition, the
/// whole open–GetCapabilities–Advise–Unadvise workflow) is the event that completes it, so
/// that a decoded event can say which clauses it demonstrates and a scrubber can say what
/// is exercised so far.
pub fn clauses_by_event(trace: &Trace) -> Vec<BTreeSet<Clause>> {
    use Clause::*;
    let mut by_event = vec![BTreeSet::new(); trace.events.len()];
    let mut ntf2 = false;
    let mut ntf7 = false;
    let mut gen3 = false;
    let mut clients: BTreeSet<Ptr> = BTreeSet::new();
    let mut client_tokens: BTreeMap<u32, u32> = BTreeMap::new();
    let mut first_client_call = true;
    let mut workflow = [false; 4]; // open, GetCapabilities, Advise, Unadvise
    let mut phases: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    let mut notify_types = BTreeSet::new();
    let mut after_unadvise_ok = false;
    for (step, e) in walk(trace) {
        let c = &mut by_event[step.index];
        match &e.kind {
            EventKind::ProfileAdded(_) => {
                c.insert(Gen1);
            }
            EventKind::ClientObjectCreated(o) => {
                clients.insert(o.object);
            }
            EventKind::ObjectCreated(o) => {
                c.extend([Cre2, Cre4]);
                if !o.parent.is_null() {
                    c.insert(Cre3);
                }
            }
            EventKind::Diagnostic(d) => {
                if let Some(cl) = d.clause {
                    c.insert(cl);
                }
                if d.code == "notify.ignored" {
                    c.insert(Ntf5);
                }
            }
            EventKind::Call {
                by: Caller::Client,
                call,
            } => {
                if first_client_call && matches!(call, Call::HrOpenOfflineObj(_)) {
                    c.insert(Open9);
                }
                first_client_call = false;
                match call {
                    Call::HrOpenOfflineObj(_) => {
                        c.insert(Open1);
                    }
                    Call::Slot { .. } => {
                        c.insert(Off2);
                    }
                    Call::Unadvise { .. } => {
                        c.insert(Unadv1);
                    }
                    _ => {}
                }
            }
            EventKind::Call {
                by: Caller::Outlook,
                call: Call::Release { this },
            } if after_unadvise_ok && clients.contains(this) => {
                c.insert(Unadv3);
            }
            EventKind::Return {
                by: Caller::Client,
                func,
                hr,
                out,
            } => {
                // The client call this return answers, paired by the walk.
                let call = step
                    .answers
                    .and_then(|c| match &trace.events[c.event].kind {
                        EventKind::Call {
                            by: Caller::Client,
                            call,
                        } => Some(call),
                        _ => None,
                    });
                let ok = *hr == Some(HResult::S_OK);
                match func {
                    Func::HrOpenOfflineObj if ok => {
                        c.insert(Open6);
                        workflow[0] = true;
                    }
                    Func::HrOpenOfflineObj if *hr == Some(HResult::MAPI_E_NOT_FOUND) => {
                        c.insert(Open7);
                    }
                    Func::QueryInterface
                        if ok
                            && matches!(call, Some(Call::QueryInterface { riid: GuidPtr::To(g), .. }) if *g == IID_IMAPIOFFLINE) =>
                    {
                        c.insert(Mgr2);
                    }
                    Func::AddRef | Func::Release => {
                        c.insert(Mgr3);
                    }
                    Func::SetCurrentState if ok => {
                        c.insert(Set8);
                    }
                    Func::GetCapabilities => {
                        if let (true, Some(OutValue::Ulong(v))) = (ok, out) {
                            c.insert(Cap1);
                            workflow[1] = true;
                            let both =
                                MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE;
                            if v & both != both && v & both != 0 {
                                c.insert(Cap2);
                            }
                        }
                    }
                    Func::GetCurrentState if ok => {
                        c.insert(Cur1);
                    }
                    Func::Advise => {
                        if let (true, Some(OutValue::Ulong(token))) = (ok, out) {
                            c.extend([Adv1, Adv10, Mgr1]);
                            workflow[2] = true;
                            if let Some(Call::Advise {
                                p_advise_info: Some(a),
                                ..
                            }) = call
                            {
                                client_tokens.insert(*token, a.ul_client_token);
                            }
                        } else if matches!(hr, Some(h) if *h == HResult::E_INVALIDARG || *h == HResult::E_NOINTERFACE)
                        {
                            c.insert(Adv3);
                        }
                    }
                    Func::Unadvise if ok => {
                        c.insert(Unadv2);
                        workflow[3] = true;
                    }
                    _ => {}
                }
            }
            EventKind::TransitionStarted {
                blocking, cause, ..
            } => {
                use crate::trace::Cause;
                match (blocking, cause) {
                    (true, _) => {
                        c.insert(Set1);
                    }
                    (false, Cause::Request) => {
                        c.insert(Set2);
                    }
                    (_, Cause::NetworkDown | Cause::ServerDown) => {
                        c.insert(Gen5);
                    }
                    _ => {}
                }
            }
            EventKind::Notify {
                token,
                info,
                transition,
                ..
            } => {
                c.extend([Gen2, Ntf1]);
                notify_types.insert(info.notify_type);
                if client_tokens.get(token) == Some(&info.ul_client_token) {
                    c.extend([Adv5, Ntf3]);
                }
                if info.is_supported()
                    && [info.ul_state_old, info.ul_state_new]
                        .iter()
                        .all(|s| *s == MAPIOFFLINE_STATE_ONLINE || *s == MAPIOFFLINE_STATE_OFFLINE)
                {
                    c.insert(Ntf4);
                } else {
                    c.insert(Gen4);
                }
                if let Some(t) = transition {
                    phases.entry(*t).or_default().insert(info.notify_type);
                }
            }
            EventKind::Return {
                by: Caller::Outlook,
                ..
            } => {}
            _ => {}
        }
        // Unadvise's release of the sink happens inside the call, before its return.
        after_unadvise_ok = match &e.kind {
            EventKind::Call {
                by: Caller::Client,
                call: Call::Unadvise { .. },
            } => true,
            EventKind::Return {
                by: Caller::Client,
                func: Func::Unadvise,
                ..
            } => false,
            _ => after_unadvise_ok,
        };
        if !ntf2 && [1, 2, 3].iter().all(|t| notify_types.contains(t)) {
            ntf2 = true;
            c.insert(Ntf2);
        }
        if !ntf7 && phases.values().any(|p| p.len() == 3) {
            ntf7 = true;
            c.insert(Ntf7);
        }
        if !gen3 && workflow.iter().all(|w| *w) {
            gen3 = true;
            c.insert(Gen3);
        }
        if matches!(&e.kind, EventKind::Return { func: Func::SetCurrentState, hr: Some(h), .. } if *h == HResult::E_PENDING)
        {
            c.insert(Set4);
        }
    }
    by_event
}

/// A Markdown table: each clause of the registry with the scenarios that exercise it.
pub fn table(covered: &BTreeMap<Clause, Vec<String>>) -> String {
    let mut s = String::from("| clause | kind | scenarios |\n|---|---|---|\n");
    for info in CLAUSES {
        let names = covered
            .get(&info.clause)
            .map(|v| v.join(", "))
            .unwrap_or_else(|| "**not covered**".into());
        let _ = writeln!(s, "| {} | {} | {} |", info.id, info.kind.as_str(), names);
    }
    s
}
