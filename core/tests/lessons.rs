//! The built-in lessons: each one runs with every expectation met, is described
//! honestly (its clauses are real and cited), and exercises what it claims.

use mapioffline::clauses::Clause;
use mapioffline::consts::*;
use mapioffline::lessons::{self, LESSONS};
use mapioffline::scenario::Outcome;
use mapioffline::trace::{Cause, Func, Severity, ShutdownReport};
use mapioffline::{Arch, Call, EventKind, HResult, NotifyInfo, Ptr, Set4Reading, Trace};
use std::collections::BTreeSet;

fn run(name: &str) -> Outcome {
    let lesson = lessons::find(name).unwrap_or_else(|| panic!("no lesson {name}"));
    let outcome = lesson
        .run()
        .unwrap_or_else(|e| panic!("lesson {name} does not run: {e}"));
    assert!(
        outcome.failures.is_empty(),
        "lesson {name}: {:?}",
        outcome.failures
    );
    outcome
}

/// Every Notify: (tick, depth, object, sink, info, transition).
fn notifies(t: &Trace) -> Vec<(u64, u16, Ptr, Ptr, NotifyInfo, Option<u32>)> {
    t.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Notify {
                object,
                sink,
                info,
                transition,
                ..
            } => Some((e.tick, e.depth, *object, *sink, *info, *transition)),
            _ => None,
        })
        .collect()
}

/// The address of the client object created under `name`.
fn sink(t: &Trace, name: &str) -> Ptr {
    t.events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::ClientObjectCreated(c) if c.name == name => Some(c.object),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no sink {name}"))
}

/// Every return of `func`: (depth, HRESULT).
fn returns(t: &Trace, func: Func) -> Vec<(u16, Option<HResult>)> {
    t.events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Return { func: f, hr, .. } if *f == func => Some((e.depth, *hr)),
            _ => None,
        })
        .collect()
}

fn codes(t: &Trace) -> BTreeSet<String> {
    t.diagnostics().map(|d| d.code.clone()).collect()
}

fn shutdown_report(t: &Trace) -> &ShutdownReport {
    t.events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::Shutdown(r) => Some(&**r),
            _ => None,
        })
        .expect("the lesson shuts Outlook down")
}

/// Whether `id` occurs in `text` as a whole clause ID (SET-1 is not found in SET-10).
fn cites(text: &str, id: &str) -> bool {
    text.match_indices(id).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + id.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '-')
            && !after.is_some_and(|c| c.is_ascii_alphanumeric())
    })
}

// ------------------------------------------------------------------ every lesson

#[test]
fn every_lesson_runs_with_every_expectation_met() {
    for l in LESSONS {
        let o = l
            .run()
            .unwrap_or_else(|e| panic!("lesson {} does not run: {e}", l.name));
        assert!(o.failures.is_empty(), "lesson {}: {:?}", l.name, o.failures);
    }
}

#[test]
fn every_lesson_checks_itself_and_explains_itself() {
    for l in LESSONS {
        let expects = l
            .source
            .lines()
            .filter(|s| s.trim_start().starts_with("expect "))
            .count();
        assert!(expects >= 5, "{} has only {expects} expectations", l.name);
        let comments = l
            .source
            .lines()
            .filter(|s| s.trim_start().starts_with('#'))
            .count();
        assert!(
            comments >= 8,
            "{} has only {comments} comment lines",
            l.name
        );
    }
}

#[test]
fn every_lesson_shuts_down_and_only_forgotten_cleanup_leaks() {
    for l in LESSONS {
        let o = l.run().unwrap();
        let r = shutdown_report(&o.trace);
        if l.name == "forgotten-cleanup" {
            continue;
        }
        assert!(
            r.registrations.is_empty() && r.references.is_empty(),
            "{} leaks: {r:?}",
            l.name
        );
        assert_eq!(r.abandoned_transitions, 0, "{}", l.name);
    }
}

#[test]
fn lessons_about_correct_use_contain_no_client_error() {
    for name in [
        "sample-add-in",
        "go-offline-async",
        "blocking-change",
        "e-pending-documented",
        "e-pending-literal",
        "network-loss",
        "online-only-object",
        "child-follows-parent",
        "late-registration",
        "reentrant-set",
    ] {
        let o = run(name);
        let errors: Vec<_> = o
            .trace
            .diagnostics()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.code.as_str())
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

#[test]
fn at_least_twelve_lessons_with_unique_kebab_case_names() {
    assert!(LESSONS.len() >= 12, "{} lessons", LESSONS.len());
    let names: BTreeSet<&str> = LESSONS.iter().map(|l| l.name).collect();
    assert_eq!(names.len(), LESSONS.len(), "duplicate lesson names");
    for l in LESSONS {
        let n = l.name;
        assert!(
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !n.starts_with('-')
                && !n.ends_with('-')
                && !n.contains("--")
                && n.starts_with(|c: char| c.is_ascii_lowercase()),
            "{n} is not kebab-case"
        );
        assert!(!l.title.is_empty(), "{n} has no title");
    }
}

#[test]
fn clauses_are_real_distinct_and_cited_by_the_explanation_and_the_script() {
    for l in LESSONS {
        assert!(!l.clauses.is_empty(), "{} claims no clause", l.name);
        let distinct: BTreeSet<Clause> = l.clauses.iter().copied().collect();
        assert_eq!(distinct.len(), l.clauses.len(), "{}: duplicates", l.name);
        for c in l.clauses {
            assert_eq!(Clause::from_id(c.id()), Some(*c));
            assert!(
                cites(l.explanation, c.id()),
                "{}: the explanation does not mention {}",
                l.name,
                c.id()
            );
            assert!(
                cites(l.source, c.id()),
                "{}: the script does not mention {}",
                l.name,
                c.id()
            );
        }
        // Every clause ID the explanation cites is real (no typos such as SET-12).
        for word in l
            .explanation
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        {
            let looks_like_id = word.contains('-')
                && word
                    .split('-')
                    .next_back()
                    .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
                && word.chars().next().is_some_and(|c| c.is_ascii_uppercase());
            if looks_like_id {
                assert!(
                    Clause::from_id(word).is_some(),
                    "{}: {word} is not a clause",
                    l.name
                );
            }
        }
    }
}

#[test]
fn every_claimed_clause_is_exercised_by_the_trace() {
    for l in LESSONS {
        let o = l.run().unwrap();
        let exercised = mapioffline::coverage::clauses_exercised(&o.trace);
        for c in l.clauses {
            assert!(
                exercised.contains(c),
                "{} claims {} but its trace shows no evidence of it",
                l.name,
                c.id()
            );
        }
    }
}

#[test]
fn explanations_have_three_to_eight_sentences() {
    for l in LESSONS {
        // A sentence ends with `.`, `?` or `!` before a space or at the end.
        let text = l.explanation;
        let sentences = text
            .char_indices()
            .filter(|&(i, c)| {
                matches!(c, '.' | '?' | '!')
                    && text[i + 1..].chars().next().is_none_or(|n| n == ' ')
            })
            .count();
        assert!(
            (3..=8).contains(&sentences),
            "{}: {sentences} sentences",
            l.name
        );
        assert!(text.ends_with('.'), "{}", l.name);
    }
}

#[test]
fn find_and_suggest() {
    for l in LESSONS {
        assert!(std::ptr::eq(lessons::find(l.name).unwrap(), l));
        assert_eq!(lessons::suggest(l.name), Some(l.name));
    }
    assert!(lessons::find("no-such-lesson").is_none());
    assert!(lessons::find("Blocking-Change").is_none());
    assert_eq!(lessons::suggest("bloking-change"), Some("blocking-change"));
    assert_eq!(lessons::suggest("sample-addin"), Some("sample-add-in"));
    assert_eq!(
        lessons::suggest("e-pending-literall"),
        Some("e-pending-literal")
    );
    assert_eq!(lessons::suggest("something else entirely"), None);
}

#[test]
fn the_required_topics_are_all_there() {
    for name in [
        "sample-add-in",
        "go-offline-async",
        "blocking-change",
        "e-pending-documented",
        "e-pending-literal",
        "network-loss",
        "online-only-object",
        "unsupported-notification",
        "forgotten-cleanup",
        "unadvise-inside-notify",
        "child-follows-parent",
        "open-failures",
    ] {
        assert!(lessons::find(name).is_some(), "missing lesson {name}");
    }
}

// ------------------------------------------------------------------ what each one shows

#[test]
fn sample_add_in_follows_the_four_menu_items() {
    let o = run("sample-add-in");
    let t = &o.trace;
    // Init Monitor's calls, in order, at the top level.
    let calls: Vec<Func> = t
        .events
        .iter()
        .filter(|e| e.depth == 0)
        .filter_map(|e| match &e.kind {
            EventKind::Call { call, .. } => Some(call.func()),
            _ => None,
        })
        .collect();
    assert_eq!(
        &calls[..5],
        &[
            Func::HrOpenOfflineObj,
            Func::QueryInterface,
            Func::GetCapabilities,
            Func::Advise,
            Func::Release
        ]
    );
    // Three opens: Init Monitor, GetCurrentState, SetCurrentState.
    assert_eq!(returns(t, Func::HrOpenOfflineObj).len(), 3);
    let advise = t
        .events
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::Call {
                call: Call::Advise { p_advise_info, .. },
                ..
            } => p_advise_info.clone(),
            _ => None,
        })
        .unwrap();
    assert_eq!(advise.ul_client_token, 0);
    assert_eq!(advise.ul_state_mask, MAPIOFFLINE_STATE_ALL);
    let n = notifies(t);
    assert_eq!(n.len(), 3);
    assert!(n.iter().all(|x| x.4.ul_client_token == 0));
    // Deinit Monitor: Unadvise then Release, and shutdown finds nothing.
    assert_eq!(returns(t, Func::Unadvise).len(), 1);
    let r = shutdown_report(t);
    assert!(r.registrations.is_empty() && r.references.is_empty());
}

#[test]
fn go_offline_async_returns_before_any_notification_and_advances_a_phase_per_tick() {
    let o = run("go-offline-async");
    let t = &o.trace;
    let set_return = t
        .events
        .iter()
        .position(|e| {
            matches!(
                e.kind,
                EventKind::Return {
                    func: Func::SetCurrentState,
                    ..
                }
            )
        })
        .unwrap();
    let first_notify = t
        .events
        .iter()
        .position(|e| matches!(e.kind, EventKind::Notify { .. }))
        .unwrap();
    assert!(set_return < first_notify);
    let n = notifies(t);
    let seen: Vec<(u64, u32)> = n.iter().map(|x| (x.0, x.4.notify_type)).collect();
    assert_eq!(seen, [(1, 1), (2, 2), (3, 3)]);
    assert!(n.iter().all(|x| x.4.ul_client_token == 42));
    // The state changes in the STATECHANGE phase (CUR-3).
    let changed = t
        .events
        .iter()
        .find(|e| matches!(e.kind, EventKind::StateChanged { .. }))
        .unwrap();
    assert_eq!(changed.tick, 2);
}

#[test]
fn blocking_change_delivers_three_notifications_inside_the_call() {
    let o = run("blocking-change");
    let t = &o.trace;
    let n = notifies(t);
    assert_eq!(n.len(), 3);
    assert_eq!(
        n.iter().map(|x| x.4.notify_type).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    // All at the same tick and nested inside the blocking SetCurrentState.
    assert!(n.iter().all(|x| x.0 == n[0].0 && x.1 >= 1));
    let call = t
        .events
        .iter()
        .position(|e| {
            matches!(
                &e.kind,
                EventKind::Call {
                    call: Call::SetCurrentState { ul_flags, .. },
                    ..
                } if *ul_flags == MAPIOFFLINE_FLAG_BLOCK
            )
        })
        .unwrap();
    let ret = call
        + t.events[call..]
            .iter()
            .position(|e| {
                matches!(
                    e.kind,
                    EventKind::Return {
                        func: Func::SetCurrentState,
                        ..
                    }
                )
            })
            .unwrap();
    let inside = t.events[call..ret]
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Notify { .. }))
        .count();
    assert_eq!(inside, 3);
}

#[test]
fn e_pending_under_both_readings_of_set_4() {
    let lit = lessons::find("e-pending-literal").unwrap();
    assert_eq!(lit.source.lines().next(), Some("config set4 literal"));

    let o = run("e-pending-documented");
    assert_eq!(o.trace.config.set4, Set4Reading::Documented);
    let pending: Vec<_> = returns(&o.trace, Func::SetCurrentState)
        .into_iter()
        .filter(|r| r.1 == Some(HResult::E_PENDING))
        .collect();
    assert_eq!(pending.len(), 3);
    assert!(pending.iter().all(|r| r.0 == 0), "called by the client");

    let o = run("e-pending-literal");
    assert_eq!(o.trace.config.set4, Set4Reading::Literal);
    let pending: Vec<_> = returns(&o.trace, Func::SetCurrentState)
        .into_iter()
        .filter(|r| r.1 == Some(HResult::E_PENDING))
        .collect();
    assert_eq!(pending.len(), 1);
    assert!(pending[0].0 >= 1, "only from inside Notify");
    // The request accepted during the asynchronous change ran afterwards.
    let deferred = o
        .trace
        .events
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                EventKind::TransitionStarted {
                    cause: Cause::Deferred,
                    ..
                }
            )
        })
        .count();
    assert_eq!(deferred, 1);
}

#[test]
fn network_loss_is_caused_by_the_environment() {
    let o = run("network-loss");
    let causes: Vec<Cause> = o
        .trace
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::TransitionStarted { cause, .. } => Some(cause),
            _ => None,
        })
        .collect();
    assert_eq!(
        causes,
        [Cause::NetworkDown, Cause::NetworkUp, Cause::ServerDown]
    );
    assert!(returns(&o.trace, Func::SetCurrentState)
        .iter()
        .all(|r| r.1 == Some(HResult::S_OK)));
    assert!(codes(&o.trace).contains("set.intent_remembered"));
}

#[test]
fn online_only_object_notifies_only_online_changes() {
    let o = run("online-only-object");
    let n = notifies(&o.trace);
    assert_eq!(n.len(), 6);
    assert!(n
        .iter()
        .all(|x| x.4.ul_state_new == MAPIOFFLINE_STATE_ONLINE));
    let to_offline = o
        .trace
        .events
        .iter()
        .filter(|e| {
            matches!(e.kind, EventKind::StateChanged { new, .. } if new == MAPIOFFLINE_STATE_OFFLINE)
        })
        .count();
    assert_eq!(to_offline, 2);
}

#[test]
fn unsupported_notifications_reach_both_sinks_and_only_the_sloppy_one_is_flagged() {
    let o = run("unsupported-notification");
    let t = &o.trace;
    let n = notifies(t);
    assert_eq!(n.len(), 4);
    assert!(n.iter().all(|x| !x.4.is_supported() && x.5.is_none()));
    let (careful, sloppy) = (sink(t, "careful"), sink(t, "sloppy"));
    assert_eq!(n.iter().filter(|x| x.3 == careful).count(), 2);
    assert_eq!(n.iter().filter(|x| x.3 == sloppy).count(), 2);
    let count = |code: &str| t.diagnostics().filter(|d| d.code == code).count();
    assert_eq!(count("notify.ignored"), 2);
    assert_eq!(count("notify.misread"), 2);
    assert!(!t
        .events
        .iter()
        .any(|e| matches!(e.kind, EventKind::StateChanged { .. })));
}

#[test]
fn forgotten_cleanup_leaks_one_registration_and_one_reference() {
    let o = run("forgotten-cleanup");
    let r = shutdown_report(&o.trace);
    assert_eq!(r.registrations.len(), 1);
    assert_eq!(r.references.len(), 1);
    assert_eq!(r.references[0].count, 1);
    assert_eq!(r.registrations[0].sink, sink(&o.trace, "logger"));
    assert!(returns(&o.trace, Func::Unadvise).is_empty());
}

#[test]
fn unadvise_inside_notify_stops_only_that_sink() {
    let o = run("unadvise-inside-notify");
    let t = &o.trace;
    let n = notifies(t);
    let (quitter, stayer) = (sink(t, "quitter"), sink(t, "stayer"));
    let q: Vec<u32> = n
        .iter()
        .filter(|x| x.3 == quitter)
        .map(|x| x.4.notify_type)
        .collect();
    assert_eq!(q, [1]);
    assert_eq!(n.iter().filter(|x| x.3 == stayer).count(), 6);
    // The Unadvise was made from inside Notify.
    let nested_unadvise = t.events.iter().any(|e| {
        e.depth >= 1
            && matches!(
                e.kind,
                EventKind::Call {
                    call: Call::Unadvise { .. },
                    ..
                }
            )
    });
    assert!(nested_unadvise);
}

#[test]
fn child_notifies_after_its_parent_in_every_phase() {
    let o = run("child-follows-parent");
    let t = &o.trace;
    let (g, s) = (sink(t, "globalsink"), sink(t, "storesink"));
    let n = notifies(t);
    assert_eq!(n.len(), 12);
    for transition in [1, 2] {
        let order: Vec<(u32, Ptr)> = n
            .iter()
            .filter(|x| x.5 == Some(transition))
            .map(|x| (x.4.notify_type, x.3))
            .collect();
        assert_eq!(
            order,
            [(1, g), (1, s), (2, g), (2, s), (3, g), (3, s)],
            "transition {transition}"
        );
    }
}

#[test]
fn open_failures_break_one_precondition_per_call() {
    let o = run("open-failures");
    let t = &o.trace;
    let r = returns(t, Func::HrOpenOfflineObj);
    let (last, failed) = r.split_last().unwrap();
    assert_eq!(last.1, Some(HResult::S_OK));
    assert_eq!(failed.len(), 8);
    assert!(failed
        .iter()
        .all(|x| x.1 == Some(HResult::MAPI_E_NOT_FOUND)));
    let errors: Vec<_> = t
        .diagnostics()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.code.as_str())
        .collect();
    assert_eq!(
        errors,
        [
            "open.reserved_nonzero",
            "open.profile_unknown",
            "open.profile_null",
            "open.guid_wrong",
            "open.guid_null",
            "open.preserved_nonnull",
            "open.out_null",
            "open.outside_outlook",
        ]
    );
    assert_eq!(
        t.diagnostics()
            .filter(|d| d.code == "open.not_found")
            .count(),
        8
    );
}

#[test]
fn reentrant_calls_get_e_pending_and_lose_or_duplicate_nothing() {
    let o = run("reentrant-set");
    let t = &o.trace;
    let nested_pending = returns(t, Func::SetCurrentState)
        .into_iter()
        .filter(|r| r.0 >= 1 && r.1 == Some(HResult::E_PENDING))
        .count();
    assert_eq!(nested_pending, 4);
    // Per sink and transition: START, STATECHANGE, DONE exactly once each.
    let n = notifies(t);
    let keys: BTreeSet<(Ptr, Option<u32>)> = n.iter().map(|x| (x.3, x.5)).collect();
    for (s, tr) in keys {
        let types: Vec<u32> = n
            .iter()
            .filter(|x| x.3 == s && x.5 == tr)
            .map(|x| x.4.notify_type)
            .collect();
        assert_eq!(types, [1, 2, 3], "sink {s} transition {tr:?}");
    }
}

#[test]
fn late_registration_hears_only_the_next_change() {
    let o = run("late-registration");
    let t = &o.trace;
    let late = sink(t, "late");
    let transitions: Vec<Option<u32>> = notifies(t)
        .into_iter()
        .filter(|x| x.3 == late)
        .map(|x| x.5)
        .collect();
    assert_eq!(transitions, [Some(2), Some(2), Some(2)]);
}

#[test]
fn advise_mistakes_run_on_x86_and_register_nothing_wrong() {
    let o = run("advise-mistakes");
    let t = &o.trace;
    assert_eq!(t.config.arch, Arch::X86);
    let r = returns(t, Func::Advise);
    let count = |hr: HResult| r.iter().filter(|x| x.1 == Some(hr)).count();
    assert_eq!(count(HResult::S_OK), 3);
    assert_eq!(count(HResult::E_INVALIDARG), 7);
    assert_eq!(count(HResult::E_NOINTERFACE), 2);
    assert!(notifies(t).is_empty());
}

#[test]
fn placeholder_slots_are_flagged() {
    let o = run("placeholder-slots");
    let c = codes(&o.trace);
    for code in [
        "slot.placeholder",
        "slot.beyond_vtable",
        "slot.named_method",
    ] {
        assert!(c.contains(code), "{code}");
    }
    let r = returns(&o.trace, Func::Slot);
    assert_eq!(
        r.iter().filter(|x| x.1 == Some(HResult::E_NOTIMPL)).count(),
        4
    );
}

#[test]
fn mistake_lessons_show_their_mistakes() {
    for (name, code) in [
        ("reference-counting", "release.below_zero"),
        ("reference-counting", "ptr.use_after_release"),
        ("extra-bits", "caps.extra_bits"),
        ("extra-bits", "state.extra_bits"),
        ("invalid-arguments", "set.invalidarg"),
        ("create-offline-object", "qi.aggregated"),
        ("create-offline-object", "create.invalidarg"),
        ("unadvise-inside-notify", "unadvise.unknown_token"),
    ] {
        let o = run(name);
        assert!(codes(&o.trace).contains(code), "{name}: no {code}");
    }
}

/// Every event of a run has the line of the statement that caused it: the lines go down
/// the script in order, each is a statement's, and what a statement sets in motion
/// (a blocking change's three `Notify`s) is that statement's.
#[test]
fn every_event_has_the_line_of_its_statement() {
    use mapioffline::scenario::{parse, Runner};
    use mapioffline::trace::walk::walk_with_lines;
    for lesson in mapioffline::lessons::LESSONS {
        let script = parse(lesson.source).unwrap();
        let mut r = Runner::default();
        for stmt in &script.stmts {
            let _ = r.exec(stmt);
        }
        let stmt_lines: Vec<usize> = script.stmts.iter().map(|s| s.line).collect();
        let lines = r.event_lines().to_vec();
        let outcome = r.finish();
        assert_eq!(outcome.event_lines, lines, "{}", lesson.name);
        assert!(lines.len() <= outcome.trace.events.len(), "{}", lesson.name);
        assert!(lines.windows(2).all(|w| w[0] <= w[1]), "{}", lesson.name);
        assert!(
            lines.iter().all(|l| stmt_lines.contains(l)),
            "{}",
            lesson.name
        );
        let walked: Vec<Option<usize>> = walk_with_lines(&outcome.trace, &lines)
            .map(|(s, _)| s.line)
            .collect();
        assert_eq!(walked.len(), outcome.trace.events.len());
        assert!(walked[lines.len()..].iter().all(Option::is_none));
    }
    let src = "profile \"Outlook\"\nsink s\nHrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)\nmgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &{ulClientToken = 1, pCallback = s}, &t)\n\nmgr->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\n";
    let script = parse(src).unwrap();
    let mut r = Runner::default();
    for stmt in &script.stmts {
        r.exec(stmt).unwrap();
    }
    let lines = r.event_lines().to_vec();
    let trace = r.sim().trace().clone();
    let notifies: Vec<usize> = trace
        .events
        .iter()
        .zip(&lines)
        .filter(|(e, _)| matches!(e.kind, EventKind::Notify { .. }))
        .map(|(_, &l)| l)
        .collect();
    assert_eq!(
        notifies,
        [6, 6, 6],
        "the blocking change's three Notifys are line 6's"
    );
}
