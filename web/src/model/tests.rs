//! The view model's tests, natively.

use super::*;
use mapioffline::lessons::LESSONS;

fn run(src: &str) -> Evaluation {
    evaluate(&check_syntax(src).expect("parses"), None)
}

/// A row with its words, as the page shows it once it scrolls into view.
struct Worded {
    row: Row,
    text: String,
}

impl std::ops::Deref for Worded {
    type Target = Row;
    fn deref(&self) -> &Row {
        &self.row
    }
}

fn worded(ev: &Evaluation) -> Vec<Worded> {
    ev.rows
        .iter()
        .enumerate()
        .map(|(i, &row)| Worded {
            row,
            text: ev.text(i).expect("every row has words"),
        })
        .collect()
}

#[test]
fn sample_add_in_lesson_shows_the_three_notifications_with_their_lines() {
    let lesson = mapioffline::lessons::find("sample-add-in").unwrap();
    let ev = run(lesson.source);
    let all = worded(&ev);
    let notifies: Vec<&Worded> = all.iter().filter(|r| r.kind == RowKind::Notify).collect();
    assert!(notifies
        .iter()
        .any(|r| r.text.contains("MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START")));
    assert!(notifies
        .iter()
        .any(|r| r.text.contains("MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE")));
    // A notification is caused by the `run` statement (or the blocking call) that
    // delivered it, never by a comment line.
    let src_lines: Vec<&str> = lesson.source.lines().collect();
    for r in &notifies {
        let l = src_lines[r.line - 1].trim();
        assert!(!l.starts_with('#') && !l.is_empty(), "line {}: {l}", r.line);
    }
    assert_eq!(ev.executed, ev.total);
    assert!(ev.failures.is_empty());
    assert!(ev.run_error.is_none());
    assert_eq!(ev.rows.len(), ev.trace.as_ref().unwrap().events.len());
    assert!(ev.rows.iter().any(|r| r.kind == RowKind::Notify));
}

/// The second module runs the page's script again (`trace_of_prefix`) rather than being
/// handed the trace: it must hold exactly the page's trace, whole, stepped, and stopped
/// at a statement that cannot run.
#[test]
fn a_row_that_reads_the_same_after_a_re_run_is_shown_the_same() {
    let open = "profile \"Outlook\"\nsink s\nHrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)\n";
    let advise =
        "mgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &{ulClientToken = 1, pCallback = s}, &tok)\n";
    let set = "mgr->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\n";
    let shown = |src: &str| {
        let ev = run(src);
        (0..ev.rows.len())
            .map(|i| ev.shown_row(i).expect("a row"))
            .collect::<Vec<_>>()
    };
    let base = shown(&format!("{open}{advise}{set}"));
    assert!(base.len() > 6, "{base:?}");
    // A comment at the end: another run, every row the same.
    assert_eq!(shown(&format!("{open}{advise}{set}# edited\n")), base);
    // A statement added at the end: the rows before it the same, then new ones.
    let longer = shown(&format!("{open}{advise}{set}mgr->Release()\n"));
    assert_eq!(longer[..base.len()], base[..]);
    assert!(longer.len() > base.len());
    // A different token: the rows from the Advise on differ (its words name the token),
    // the ones before it do not.
    let other = shown(&format!("{open}{}{set}", advise.replace("= 1", "= 2")));
    let first_diff = (0..base.len())
        .find(|&i| other[i] != base[i])
        .expect("a row differs");
    assert!(
        base[first_diff].text.contains("Advise"),
        "{:?}",
        base[first_diff]
    );
    assert_eq!(other[..first_diff], base[..first_diff]);
    // One more lane (a second sink called): every row is wider, so none is the same.
    let wider = shown(&format!(
        "{open}sink t\n{advise}{}{set}",
        advise
            .replace("= 1, pCallback = s", "= 2, pCallback = t")
            .replace("&tok", "&tok2")
    ));
    assert_eq!(wider[0].text, base[0].text);
    assert_ne!(
        wider[0], base[0],
        "the lanes' count is part of what a row shows"
    );
    assert_eq!(run(open).shown_row(usize::MAX), None);
}

#[test]
fn rows_still_in_view_are_kept_and_a_new_run_words_them_again() {
    let src = LESSONS[0].source;
    let ev = run(src);
    assert!(ev.rows.len() > 12);
    let mut view = RowsInView::default();
    let a = view.update(&ev, 0..8).to_vec();
    assert_eq!(
        a,
        (0..8).map(|i| ev.shown_row(i).unwrap()).collect::<Vec<_>>()
    );
    // Scrolled by four rows: the four still in view are the same values, not worded again.
    let b = view.update(&ev, 4..12).to_vec();
    assert_eq!(
        b,
        (4..12)
            .map(|i| ev.shown_row(i).unwrap())
            .collect::<Vec<_>>()
    );
    for k in 0..4 {
        assert!(
            std::sync::Arc::ptr_eq(&a[k + 4].text, &b[k].text),
            "row {} worded again",
            k + 4
        );
    }
    // Scrolled back above them: rows before the kept window are worded.
    let c = view.update(&ev, 2..6).to_vec();
    assert_eq!(
        c,
        (2..6).map(|i| ev.shown_row(i).unwrap()).collect::<Vec<_>>()
    );
    // A new run of the same script: equal rows, but worded from its own trace.
    let again = run(src);
    let d = view.update(&again, 2..6).to_vec();
    assert_eq!(d, c);
    assert!(!std::sync::Arc::ptr_eq(&c[0].text, &d[0].text));
    // The widest text so far: kept while this run scrolls, worded again for a new one.
    let widest = |rows: &[ShownRow]| rows.iter().map(|r| r.text.len()).max().unwrap();
    assert_eq!(view.widest(), widest(&d));
    view.update(&again, 0..12);
    assert_eq!(view.widest(), widest(&a).max(widest(&b)));
    // Past the end: only the rows there are.
    assert_eq!(
        view.update(&again, again.rows.len() - 1..again.rows.len() + 5)
            .len(),
        1
    );
}

#[test]
fn the_second_modules_session_holds_the_pages_trace() {
    let broken = "profile \"Outlook\"\nHrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)\nnosuch->Release()\nmgr->Release()\n";
    let mut sources: Vec<&str> = LESSONS.iter().map(|l| l.source).collect();
    sources.push(broken);
    for src in sources {
        let script = check_syntax(src).unwrap();
        for upto in [
            None,
            Some(0),
            Some(1),
            Some(3),
            Some(script.stmts.len() / 2),
        ] {
            let ev = evaluate(&script, upto);
            let again = mapioffline::scenario::trace_of_prefix(src, upto).unwrap();
            assert_eq!(ev.trace.as_ref(), Some(&again), "upto {upto:?} of:\n{src}");
        }
    }
    let stopped = evaluate(&check_syntax(broken).unwrap(), None);
    assert!(stopped.run_error.is_some(), "the broken script must stop");
    assert!(!stopped.rows.is_empty());
}

#[test]
fn rows_carry_the_line_of_their_statement_and_core_text() {
    let src =
        "profile \"Outlook\"\n\nHrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)\n";
    let ev = run(src);
    let all = worded(&ev);
    let call = all.iter().find(|r| r.kind == RowKind::Call).unwrap();
    assert_eq!(call.line, 3);
    assert!(
        call.text.starts_with("client → HrOpenOfflineObj("),
        "{}",
        call.text
    );
    assert!(ev.rows.iter().filter(|r| r.line == 1).count() >= 1);
    let obj = &ev.world.as_ref().unwrap().objects[0];
    assert_eq!(obj.refs, 1);
}

#[test]
fn stepping_runs_a_prefix_and_names_the_next_line() {
    let src = "profile \"Outlook\"\n# c\nHrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)\nmgr->Release()\n";
    let script = check_syntax(src).unwrap();
    let ev0 = evaluate(&script, Some(0));
    assert!(ev0.rows.is_empty());
    assert_eq!(ev0.next_line, Some(1));
    let ev2 = evaluate(&script, Some(2));
    assert_eq!(ev2.executed, 2);
    assert_eq!(ev2.next_line, Some(4));
    assert_eq!(ev2.world.as_ref().unwrap().objects[0].refs, 1);
    let ev3 = evaluate(&script, Some(99));
    assert_eq!(ev3.next_line, None);
    assert_eq!(ev3.world.as_ref().unwrap().objects[0].refs, 0);
}

#[test]
fn a_typo_is_a_problem_at_its_line_and_column_with_a_hint() {
    let src = "profile \"Outlook\"\nHrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)\nmgr->SetCurentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\n";
    let p = check_syntax(src).unwrap_err();
    assert_eq!((p.line, p.col), (3, 6));
    assert_eq!(p.hint.as_deref(), Some("did you mean `SetCurrentState`?"));
    assert!(p
        .headline()
        .starts_with("line 3, column 6: expected a method"));
    let marks = line_marks(3, Some(&p), None);
    assert_eq!(marks, vec![Mark::None, Mark::None, Mark::Error]);
}

#[test]
fn a_statement_error_stops_the_run_at_its_line() {
    let src = "profile \"Outlook\"\nnope->Release()\nnetwork down\n";
    let ev = run(src);
    let p = ev.run_error.as_ref().expect("unknown variable is an error");
    assert_eq!(p.line, 2);
    assert_eq!(ev.executed, 2);
    assert!(!ev.rows.iter().any(|r| r.line == 3));
}

#[test]
fn wrong_ulsize_gives_e_invalidarg_and_failed_expectations_are_marked() {
    let src = "profile \"Outlook\"\nsink s\nHrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)\nmgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &{ulSize = 3, ulClientToken = 1, pCallback = s}, &t)\nexpect S_OK\n";
    let ev = run(src);
    assert!(worded(&ev)
        .iter()
        .any(|r| r.kind == RowKind::Return && r.text.contains("E_INVALIDARG")));
    assert_eq!(ev.failures.len(), 1);
    assert_eq!(ev.failures[0].line, 5);
    let marks = line_marks(5, None, Some(&ev));
    assert_eq!(marks[4], Mark::Failed);
}

#[test]
fn findings_come_from_the_checker() {
    let src = "profile \"Outlook\"\nHrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)\nshutdown\n";
    let ev = run(src);
    assert_eq!(ev.findings.len(), 1);
    assert_eq!(ev.findings[0].rule.to_string(), "R4");
}

fn lane(ev: &Evaluation, label: &str) -> u16 {
    ev.lanes
        .iter()
        .position(|l| l.label == label)
        .unwrap_or_else(|| panic!("no lane {label}: {:?}", ev.lanes)) as u16
}

#[test]
fn the_timeline_is_a_sequence_diagram_with_a_lane_per_participant() {
    let lesson = mapioffline::lessons::find("unadvise-inside-notify").unwrap();
    let ev = run(lesson.source);
    let labels: Vec<&str> = ev.lanes.iter().map(|l| l.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "environment",
            "client",
            "global \"Outlook\"",
            "MAPI",
            "sink \"quitter\"",
            "sink \"stayer\""
        ]
    );
    let (outlook, quitter, stayer) = (
        lane(&ev, "global \"Outlook\""),
        lane(&ev, "sink \"quitter\""),
        lane(&ev, "sink \"stayer\""),
    );
    let arrow = |from, to| Place {
        from: Some(from),
        to,
    };
    let all = worded(&ev);
    let find = |kind: RowKind, text: &str| {
        all.iter()
            .find(|r| r.kind == kind && r.text.contains(text))
            .unwrap_or_else(|| panic!("no {kind:?} row with {text}"))
    };
    // The client calls the object, the result comes back.
    assert_eq!(
        find(RowKind::Call, "->SetCurrentState(").place,
        arrow(CLIENT_LANE, outlook)
    );
    assert_eq!(
        find(RowKind::Return, "SetCurrentState =").place,
        arrow(outlook, CLIENT_LANE)
    );
    // The free function goes to MAPI.
    assert_eq!(
        find(RowKind::Call, "HrOpenOfflineObj(").place,
        arrow(CLIENT_LANE, lane(&ev, "MAPI"))
    );
    // Outlook's QueryInterface of the sink starts at the object whose Advise makes it.
    assert_eq!(
        find(RowKind::Call, "QueryInterface(").place,
        arrow(outlook, quitter)
    );
    // Notify: from the offline object to the sink; a call made inside it starts at the sink.
    assert_eq!(
        find(RowKind::Notify, "(sink \"stayer\")->Notify").place,
        arrow(outlook, stayer)
    );
    assert_eq!(
        find(RowKind::Call, "->Unadvise(").place,
        arrow(quitter, outlook)
    );
    assert_eq!(
        find(RowKind::Return, "Unadvise =").place,
        arrow(outlook, quitter)
    );
    // Reference counts are their own kind, in the lane of the object counted.
    let rc = find(RowKind::RefCount, "refcount of 0x00C00000");
    assert_eq!(
        rc.place,
        Place {
            from: None,
            to: quitter
        }
    );
    assert!(!all
        .iter()
        .any(|r| r.kind == RowKind::Transition && r.text.starts_with("refcount")));
    // A diagnostic sits in the lane of the object whose call raised it, citing its clause.
    let d = find(RowKind::Diagnostic, "[UNADV-4]");
    assert_eq!(d.place.to, outlook);
    // Transitions and phases on the object; time in the environment's lane.
    assert_eq!(find(RowKind::Transition, "phase").place.to, outlook);
    assert_eq!(find(RowKind::State, "state of").place.to, outlook);
    assert_eq!(find(RowKind::Time, "advance time").place.to, ENV_LANE);
    // The words on demand are those of the whole text, without tick and indent.
    let joined: String = all
        .iter()
        .map(|r| {
            format!(
                "t={:<4} {}{}\n",
                r.tick,
                "  ".repeat(r.depth as usize),
                r.text
            )
        })
        .collect();
    assert_eq!(joined, ev.trace.as_ref().unwrap().to_text());
    assert_eq!(ev.text(ev.rows.len()), None);
}

#[test]
fn environment_events_have_their_own_lane_and_unknown_pointers_get_one() {
    let ev = run("profile \"Outlook\"\nnetwork down\nrun\n0x00001234->Release()\n");
    let env = ev.rows.iter().find(|r| r.kind == RowKind::Env).unwrap();
    assert_eq!(
        env.place,
        Place {
            from: None,
            to: ENV_LANE
        }
    );
    let unknown = lane(&ev, "0x00001234");
    assert_eq!(ev.lanes[unknown as usize].kind, LaneKind::Unknown);
    let call = ev.rows.iter().find(|r| r.kind == RowKind::Call).unwrap();
    assert_eq!(
        call.place,
        Place {
            from: Some(CLIENT_LANE),
            to: unknown
        }
    );
    // Its error is in that lane too.
    let all = worded(&ev);
    let d = all.iter().find(|r| r.kind == RowKind::Diagnostic).unwrap();
    assert!(d.text.contains("[ptr.invalid]"), "{}", d.text);
    assert_eq!(d.place.to, unknown);
}

#[test]
fn visible_range_renders_only_the_rows_in_view() {
    assert_eq!(visible_range(0.0, 100.0, 20.0, 10_000, 0), 0..6);
    assert_eq!(visible_range(2000.0, 100.0, 20.0, 10_000, 5), 95..111);
    assert_eq!(visible_range(1e9, 100.0, 20.0, 50, 5), 50..50);
    assert_eq!(visible_range(0.0, 100.0, 20.0, 3, 5), 0..3);
    assert_eq!(visible_range(0.0, 100.0, 20.0, 0, 5), 0..0);
}

#[test]
fn share_fragment_round_trips_any_text() {
    for s in [
        "profile \"Outlook\"\n# <img src=x onerror=alert(1)> é ✓ 😀\n",
        "",
        "x",
    ] {
        let f = share_fragment(s);
        assert!(f.starts_with("#s="));
        assert!(f[3..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+-$".contains(&b)));
        assert_eq!(script_from_fragment(&f), Ok(Some(s.to_string())));
    }
    assert_eq!(script_from_fragment("#other"), Ok(None));
    assert_eq!(script_from_fragment(""), Ok(None));
}

fn unreadable(fragment: &str) -> String {
    match script_from_fragment(fragment) {
        Err(Unreadable(why)) => why,
        other => panic!("{fragment:.40}: expected unreadable, got {other:?}"),
    }
}

#[test]
fn a_garbled_or_hostile_link_says_why_it_is_unreadable() {
    assert!(unreadable("#s=").contains("no script"));
    assert!(unreadable("#s=%%%").contains("'%' at character 1"));
    assert!(unreadable("#s=abc<img>").contains("'<' at character 4"));
    // A real link cut short.
    let lesson = mapioffline::lessons::LESSONS[0].source;
    let f = share_fragment(lesson);
    let cut = &f[..f.len() / 2];
    let why = unreadable(cut);
    assert!(why.contains("does not decompress"), "{why}");
    // Garbage in the right alphabet.
    assert!(unreadable("#s=zzzzzzzzzzzz").contains("does not decompress"));
    // Lone surrogates are not text.
    let units = [0xD800u16, b'a' as u16];
    let f = format!(
        "{SHARE_PREFIX}{}",
        lz_str::compress_to_encoded_uri_component(&units[..])
    );
    assert!(unreadable(&f).contains("not valid Unicode"), "{f}");
    // Oversized: a long link, and a short one that expands past the limit.
    let long = format!("{SHARE_PREFIX}{}", "A".repeat(MAX_LINK_CHARS + 1));
    assert!(unreadable(&long).contains("more than the 16384"));
    let bomb = share_fragment(&"a".repeat(MAX_SHARED_SCRIPT + 1));
    assert!(bomb.len() < MAX_LINK_CHARS, "{}", bomb.len());
    assert!(unreadable(&bomb).contains("more than the 524288"));
}

#[test]
fn share_links_hold_every_lesson_and_refuse_what_no_link_could_hold() {
    for l in mapioffline::lessons::LESSONS {
        let f = share_link(l.source).unwrap();
        assert!(f.len() < MAX_LINK_CHARS / 4, "{}: {}", l.name, f.len());
    }
    // Text lz-string cannot shrink: one character of each kind, many times.
    let noise: String = (0..40_000u32)
        .map(|i| char::from_u32(0x4E00 + (i * 7919) % 20_000).unwrap())
        .collect();
    let why = share_link(&noise).unwrap_err().0;
    assert!(why.starts_with("this script is too long to share"), "{why}");
}

#[test]
fn toggles_append_statements_and_settings_go_first() {
    assert_eq!(
        append_lines("profile \"A\"\n\n", &["network down", "run"]),
        "profile \"A\"\nnetwork down\nrun\n"
    );
    assert_eq!(append_lines("", &["run"]), "run\n");
    let src = "# world\nconfig arch x86\nprofile \"A\"\n";
    let s = set_config(src, "set4", "literal");
    assert_eq!(
        s,
        "# world\nconfig arch x86\nconfig set4 literal\nprofile \"A\"\n"
    );
    assert_eq!(config_value(&s, "set4").as_deref(), Some("literal"));
    let s2 = set_config(&s, "arch", "x64");
    assert_eq!(config_value(&s2, "arch").as_deref(), Some("x64"));
    assert_eq!(s2.matches("config arch").count(), 1);
    // The result still runs: settings precede the world.
    let ev = run(&s2);
    assert!(ev.run_error.is_none(), "{:?}", ev.run_error);
}

#[test]
fn highlighting_keeps_the_text_and_classes_words() {
    let l = "mgr->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, 0x1, L\"é\") # <b>";
    let toks = highlight_line(l);
    let joined: String = toks.iter().map(|t| t.1).collect();
    assert_eq!(joined, l);
    assert!(toks.contains(&(Tok::Call, "SetCurrentState")));
    assert!(toks.contains(&(Tok::Constant, "MAPIOFFLINE_FLAG_BLOCK")));
    assert!(toks.contains(&(Tok::Number, "0x1")));
    assert!(toks.contains(&(Tok::Str, "L\"é\"")));
    assert!(toks.contains(&(Tok::Comment, "# <b>")));
    assert_eq!(
        highlight_line("profile \"A\"")[0],
        (Tok::Keyword, "profile")
    );
}

#[test]
fn highlighting_colours_the_pieces_core_reads() {
    // One word for the parser, one piece on screen.
    let toks = highlight_line("sink s no-notify when START: mgr->Release()");
    assert!(toks.contains(&(Tok::Plain, "no-notify")));
    assert_eq!(toks[0], (Tok::Keyword, "sink"));
    assert!(toks.contains(&(Tok::Call, "Release")));
    // Which word is one of the API's names is core's to say: a misspelt constant stays
    // plain, a short spelling the parser reads is coloured.
    assert!(toks.contains(&(Tok::Constant, "START")));
    let t = highlight_line("expect MAPIOFFLINE_STATE_OFLINE");
    assert!(
        t.contains(&(Tok::Plain, "MAPIOFFLINE_STATE_OFLINE")),
        "{t:?}"
    );
    // A GUID literal is one value, not braces around numbers.
    let g = "{FBEFFD93-B11F-4094-842B-96DCD31E63D1}";
    assert!(highlight_line(&format!("x = {g}")).contains(&(Tok::Number, g)));
    // What the parser cannot read is left plain, and the text is still all there.
    let l = "profile \"Outl";
    let toks = highlight_line(l);
    assert_eq!(toks.last(), Some(&(Tok::Plain, "\"Outl")));
    assert_eq!(toks.iter().map(|t| t.1).collect::<String>(), l);
}

/// A registration and a reference that exist mid-run and are gone at the end.
const TRAVEL: &str = "profile \"Outlook\"\nsink s\n\
HrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)\n\
mgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &{ulClientToken = 7, pCallback = s}, &tok)\n\
mgr->Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, tok)\n\
mgr->Release()\n";

fn first_row(ev: &Evaluation, needle: &str) -> usize {
    (0..ev.rows.len())
        .find(|&i| ev.text(i).unwrap().contains(needle))
        .unwrap_or_else(|| panic!("no event reads {needle:?}"))
}

#[test]
fn a_long_text_follows_a_step_at_once_and_a_jump_where_the_selection_rests() {
    // A viewport 400 px tall; (scroll, the line's top and bottom, what follows).
    let cases = [
        // At 1,000, a line already in view stays.
        (1000.0, 1100.0, 1118.0, Follow::Stay),
        // One line below the view: scrolled now, by as little as shows it.
        (1000.0, 1400.0, 1418.0, Follow::Now(1018.0)),
        // One line above: its top at the top.
        (1000.0, 982.0, 1000.0, Follow::Now(982.0)),
        // Exactly a screen away still counts as a step; further is a jump.
        (1000.0, 1782.0, 1800.0, Follow::Now(1400.0)),
        (1000.0, 1783.0, 1801.0, Follow::AtRest(1401.0)),
        (180_000.0, 0.0, 18.0, Follow::AtRest(0.0)),
        // Never above the text's start.
        (10.0, -6.0, 12.0, Follow::Now(0.0)),
    ];
    for (scroll, top, bottom, want) in cases {
        assert_eq!(
            follow_line(scroll, 400.0, top, bottom),
            want,
            "at {scroll}, line {top}..{bottom}"
        );
    }
}

#[test]
fn the_scrubber_sits_on_the_selection_else_the_last_event() {
    assert_eq!(scrub_position(None, 0), None);
    assert_eq!(scrub_position(Some(3), 0), None);
    assert_eq!(scrub_position(None, 5), Some(4));
    assert_eq!(scrub_position(Some(2), 5), Some(2));
    // A selection left over from a longer run is clamped.
    assert_eq!(scrub_position(Some(9), 5), Some(4));
    assert!(is_back_in_time(Some(3), 5));
    assert!(!is_back_in_time(Some(4), 5));
    assert!(!is_back_in_time(None, 5));
    let ev = run(TRAVEL);
    let n = ev.rows.len();
    let k = first_row(&ev, "← Advise = S_OK");
    assert_eq!(
        scrub_text(&ev, Some(k)),
        format!("event #{k} of {n}: {}", ev.text(k).unwrap())
    );
    assert!(scrub_text(&ev, Some(k)).contains("← Advise = S_OK"));
    assert_eq!(scrub_text(&ev, None), "no events yet");
    let last = &ev.rows[n - 1];
    assert_eq!(
        scrub_caption(&ev, None),
        format!(
            "#{} of {n} · t={} · line {} · end of the run",
            n - 1,
            last.tick,
            last.line
        )
    );
    assert_eq!(
        scrub_caption(&ev, Some(k)),
        format!("#{k} of {n} · t=0 · line 4")
    );
}

#[test]
fn as_of_an_event_the_world_has_what_the_end_has_lost() {
    let ev = run(TRAVEL);
    let n = ev.rows.len();
    let end = as_of(&ev, None);
    assert_eq!((end.event, end.back), (Some(n - 1), false));
    assert_eq!(end.world, ev.world);
    let o = &end.world.as_ref().unwrap().objects[0];
    assert!(o.registrations.is_empty());
    assert_eq!(o.refs, 0);
    // Selecting the last event is the end.
    assert_eq!(as_of(&ev, Some(n - 1)), end);

    let k = first_row(&ev, "← Advise = S_OK");
    let back = as_of(&ev, Some(k));
    assert!(back.back);
    let w = back.world.unwrap();
    let sink = w.clients.iter().find(|c| c.name == "s").unwrap().object;
    assert_eq!(w.objects[0].registrations.len(), 1);
    assert_eq!(w.objects[0].registrations[0].1, 7);
    assert_eq!(w.objects[0].registrations[0].2, sink);
    assert_eq!(w.objects[0].refs, 1);
    // The event before the Advise returned: not registered yet.
    let w = as_of(&ev, Some(k - 1)).world.unwrap();
    assert!(w.objects[0].registrations.is_empty());
    // After the Unadvise returned: gone, the reference still held.
    let u = first_row(&ev, "← Unadvise = S_OK");
    let w = as_of(&ev, Some(u)).world.unwrap();
    assert!(w.objects[0].registrations.is_empty());
    assert_eq!(w.objects[0].refs, 1);
}

#[test]
fn a_change_in_progress_is_listed_as_of_an_event_between_its_phases() {
    let ev = run("profile \"Outlook\"\nsink s\n\
HrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)\n\
mgr->Advise(MAPIOFFLINE_ADVISE_DEFAULT, &{ulClientToken = 1, pCallback = s}, &tok)\n\
mgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\n\
run\n");
    let start = ev
        .rows
        .iter()
        .position(|r| r.kind == RowKind::Transition)
        .expect("a transition starts");
    let mid = as_of(&ev, Some(start));
    assert_eq!(mid.transitions.len(), 1);
    let t = &mid.transitions[0];
    assert!(!t.blocking);
    let text = pending_text(t);
    assert!(
        text.contains("MAPIOFFLINE_STATE_ONLINE → MAPIOFFLINE_STATE_OFFLINE, asynchronous"),
        "{text}"
    );
    assert!(text.ends_with(", 1 object"), "{text}");
    // Once `run` has driven it to the end, nothing is in progress.
    assert!(as_of(&ev, None).transitions.is_empty());
    // Without `run` the change is still going on when the script ends.
    let src = "profile \"Outlook\"\n\
HrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)\n\
mgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)\n";
    let ev = run(src);
    assert_eq!(as_of(&ev, None).transitions.len(), 1);
}

#[test]
fn a_run_that_is_never_scrubbed_builds_no_replay() {
    let ev = run(TRAVEL);
    let end = as_of(&ev, None);
    assert!(end.transitions.is_empty());
    assert!(
        ev.replay.get().is_none(),
        "the end alone needs no checkpoints"
    );
    as_of(&ev, Some(1));
    assert!(ev.replay.get().is_some());
}

#[test]
fn findings_appear_as_of_their_event_not_before() {
    // R3: a registration left behind, judged at shutdown.
    let ev = run(&TRAVEL
        .replace("mgr->Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, tok)\n", "")
        .replace("mgr->Release()\n", "shutdown\n"));
    assert!(!ev.findings.is_empty(), "the forgotten Unadvise is found");
    let end = as_of(&ev, None);
    assert_eq!(end.findings, (0..ev.findings.len()).collect::<Vec<_>>());
    let rules = |a: &AsOf| {
        a.findings
            .iter()
            .map(|&k| ev.findings[k].rule.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(rules(&end), ["R1", "R3", "R4"]);
    // The Advise without GetCapabilities (R1) shows from its call on; what is left
    // behind (R3, R4) only from the shutdown that judges it.
    let advise = first_row(&ev, "← Advise = S_OK");
    assert_eq!(rules(&as_of(&ev, Some(advise))), ["R1"]);
    let opened = first_row(&ev, "← HrOpenOfflineObj");
    assert!(as_of(&ev, Some(opened)).findings.is_empty());
}

#[test]
fn the_cursor_line_counts_utf16_units_as_the_browser_does() {
    let s = "a\n😀b\nc";
    assert_eq!(line_at_utf16(s, 0), 1);
    assert_eq!(line_at_utf16(s, 1), 1);
    assert_eq!(line_at_utf16(s, 2), 2);
    // The emoji is two units: offset 4 is just after it, still line 2.
    assert_eq!(line_at_utf16(s, 4), 2);
    assert_eq!(line_at_utf16(s, 6), 3);
    assert_eq!(line_at_utf16(s, 999), 3);
}

#[test]
fn solved_challenges_are_read_only_from_a_json_list_of_known_names() {
    use mapioffline::challenges::CHALLENGES;
    let (a, b) = (CHALLENGES[0].name, CHALLENGES[1].name);
    assert!(parse_solved(None).is_empty());
    for hostile in [
        "",
        "garbage",
        "{\"a\": 1}",
        "\"forgotten-unadvise\"",
        "[1, 2",
        "<img src=x onerror=alert(1)>",
    ] {
        assert!(parse_solved(Some(hostile)).is_empty(), "{hostile}");
    }
    // Unknown names and non-strings are dropped; the order is the challenges'.
    let stored = format!("[\"{b}\", 3, null, \"no-such-challenge\", \"{a}\", \"{a}\"]");
    assert_eq!(parse_solved(Some(&stored)), vec![a, b]);
    // Too long to be a list of names: not read.
    let huge = format!("[\"{a}\"{}]", ", \"x\"".repeat(5000));
    assert!(parse_solved(Some(&huge)).is_empty());
    // What the page stores reads back, once per name.
    let next = with_solved(&with_solved(&[], b), b);
    assert_eq!(next, vec![b]);
    let next = with_solved(&next, a);
    assert_eq!(parse_solved(Some(&store_solved(&next))), vec![a, b]);
}

#[test]
fn the_verdict_says_met_how_far_or_why_nothing_runs() {
    let c = &mapioffline::challenges::CHALLENGES[0];
    let broken = c.check(c.broken);
    let met = broken.items.iter().filter(|i| i.met).count();
    assert!(!broken.met);
    assert_eq!(
        verdict(&broken),
        format!("{met} of {} requirements met.", broken.items.len())
    );
    assert_eq!(
        verdict(&c.check(c.solution)),
        "Goal met: every requirement holds."
    );
    let bad = c.check("sink <b>\n");
    assert!(
        verdict(&bad).starts_with("The script does not run ("),
        "{}",
        verdict(&bad)
    );
}

/// A trace file opened in the page shows what the run that wrote it showed: the same
/// rows (without script lines), lanes, words, world, findings, and world as of any event.
#[test]
fn an_opened_trace_shows_what_its_run_showed() {
    for l in LESSONS {
        let run = evaluate(&check_syntax(l.source).unwrap(), None);
        let json = serde_json::to_string_pretty(run.trace.as_ref().unwrap()).unwrap();
        let trace = read_trace("t.json", &json).unwrap();
        let opened = evaluate_trace("t.json", trace);
        assert_eq!(opened.opened.as_deref(), Some("t.json"));
        assert_eq!(opened.rows.len(), run.rows.len(), "{}", l.name);
        for (a, b) in opened.rows.iter().zip(&run.rows) {
            assert_eq!(
                (a.tick, a.depth, a.kind, a.place),
                (b.tick, b.depth, b.kind, b.place)
            );
            assert_eq!(a.script_line(), None);
            assert_eq!(a.line_words(), "no script line");
        }
        assert_eq!(opened.lanes, run.lanes, "{}", l.name);
        assert_eq!(opened.world, run.world, "{}", l.name);
        assert_eq!(opened.findings, run.findings, "{}", l.name);
        for i in 0..run.rows.len() {
            assert_eq!(opened.text(i), run.text(i));
        }
        let mid = Some(run.rows.len() / 2);
        assert_eq!(
            as_of(&opened, mid).world,
            as_of(&run, mid).world,
            "{}",
            l.name
        );
    }
}

/// What is not one trace gets a message naming the file and what is wrong, never a panic.
#[test]
fn files_that_are_not_one_trace_are_refused_with_a_reason() {
    let one = evaluate(&check_syntax(LESSONS[0].source).unwrap(), None)
        .trace
        .unwrap();
    let one_json = serde_json::to_string(&one).unwrap();
    let two = format!(
        "[{{\"file\":\"a.scn\",\"trace\":{one_json}}},{{\"file\":\"b.scn\",\"trace\":{one_json}}}]"
    );
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let huge_key = format!("{{\"{}\": 1}}", "k".repeat(1_000_000));
    let cases: [(&str, &str); 8] = [
        ("", "not a mapioffline trace"),
        ("[]", "no trace in it"),
        ("{\"schema\": 99}", "trace schema 99"),
        ("{\"schema\": 1}", "missing field"),
        ("<html>", "not a mapioffline trace"),
        (&two, "holds 2 traces (a.scn, b.scn)"),
        (&deep, "not a mapioffline trace"),
        (&huge_key, "not a mapioffline trace"),
    ];
    for (text, want) in cases {
        let why = read_trace("f.json", text).unwrap_err();
        assert!(why.starts_with("f.json"), "{why}");
        assert!(why.contains(want), "{want:?} not in {why:?}");
        assert!(why.len() < 400, "a long message: {} bytes", why.len());
    }
    // The one trace of a one-item array is opened.
    let single = format!("[{{\"file\":\"a.scn\",\"trace\":{one_json}}}]");
    assert_eq!(read_trace("f.json", &single).unwrap(), one);
}

/// Traces no simulator wrote (events dropped, moved, nested wrongly, pointing anywhere)
/// open without a panic, and every view of them answers: rows, words, the world as of
/// every event, findings, the decoded event.
#[test]
fn mangled_traces_open_and_every_view_answers() {
    // A small deterministic generator (no dependency for one test).
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n.max(1) as u64) as usize
    };
    let sources = [
        LESSONS[0].source,
        LESSONS[2].source,
        LESSONS[9].source,
        LESSONS[10].source,
    ];
    let mut opened = 0;
    for round in 0..60 {
        let src = sources[round % sources.len()];
        let mut trace = mapioffline::scenario::run_script(src).unwrap().trace;
        for _ in 0..1 + next(6) {
            let n = trace.events.len();
            if n < 2 {
                break;
            }
            match next(5) {
                0 => {
                    trace.events.remove(next(n));
                }
                1 => trace.events.swap(next(n), next(n)),
                2 => trace.events[next(n)].depth = next(6) as u16,
                3 => {
                    let e = trace.events[next(n)].clone();
                    trace.events.insert(next(n), e);
                }
                _ => trace.events.truncate(next(n)),
            }
        }
        let json = serde_json::to_string(&trace).unwrap();
        let t = read_trace("m.json", &json).unwrap();
        let ev = evaluate_trace("m.json", t);
        let n = ev.rows.len();
        for i in 0..n {
            let _ = ev.text(i);
            let a = as_of(&ev, Some(i));
            assert_eq!(a.event, Some(i));
        }
        let trace = ev.trace.as_ref().unwrap();
        let d = mapioffline::explain::event::Decoder::new(trace);
        for i in 0..n {
            assert!(d.decode(trace, i).is_some());
        }
        let _ = mapioffline::render::cpp::render_with_lines(trace);
        for f in mapioffline::render::Format::ALL {
            let _ = mapioffline::render::render(trace, f);
        }
        opened += 1;
    }
    assert_eq!(opened, 60);
}
