//! The built-in challenges: each broken client fails its goal, on exactly the items the
//! challenge is about; each solution meets it; an empty or gutted script meets nothing;
//! any text can be checked without a panic.

use mapioffline::challenges::{self, Challenge, GoalReport, Need, CHALLENGES};
use mapioffline::clauses::{Clause, Rule};
use mapioffline::consts::{
    MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE as DONE, MAPIOFFLINE_STATE_OFFLINE as OFFLINE,
    MAPIOFFLINE_STATE_ONLINE as ONLINE,
};
use mapioffline::trace::Func;
use mapioffline::HResult;
use std::collections::BTreeSet;

fn challenge(name: &str) -> &'static Challenge {
    challenges::find(name).unwrap_or_else(|| panic!("no challenge {name}"))
}

/// The requirements a report says are not met.
fn unmet(c: &Challenge, r: &GoalReport) -> Vec<Need> {
    c.goal
        .needs
        .iter()
        .zip(&r.items)
        .filter(|(_, i)| !i.met)
        .map(|(n, _)| *n)
        .collect()
}

const MONITOR_HEARS_OFFLINE: Need = Need::Heard {
    sink: "monitor",
    notify_type: DONE,
    old: ONLINE,
    new: OFFLINE,
};

fn done(sink: &'static str, old: u32, new: u32) -> Need {
    Need::Heard {
        sink,
        notify_type: DONE,
        old,
        new,
    }
}

const ENDS_ONLINE: Need = Need::EndsIn {
    profile: "Outlook",
    state: ONLINE,
};

/// For each challenge, what its broken client fails: the mistake it is about, and
/// nothing it does right.
fn intended_failures(name: &str) -> Vec<Need> {
    match name {
        "forgotten-unadvise" => vec![Need::Clean],
        "leaked-reference" => vec![Need::NoFinding(Rule::R4, None), Need::Clean],
        "sample-get-current-state" => vec![MONITOR_HEARS_OFFLINE, Need::Clean],
        "ignored-e-pending" => vec![
            done("monitor", OFFLINE, ONLINE),
            ENDS_ONLINE,
            Need::NoFinding(Rule::R5, Some(Clause::Set3)),
            Need::Clean,
        ],
        "advise-without-capabilities" => vec![
            Need::Returned(Func::GetCapabilities, HResult::S_OK),
            Need::Clean,
        ],
        "x64-ulsize" => vec![
            Need::Returned(Func::Advise, HResult::S_OK),
            MONITOR_HEARS_OFFLINE,
            Need::Clean,
        ],
        "placeholder-call" => vec![
            Need::Returned(Func::Advise, HResult::S_OK),
            MONITOR_HEARS_OFFLINE,
            Need::NoFinding(Rule::R7, Some(Clause::Off3)),
            Need::Clean,
        ],
        "notifytype-unchecked" => vec![Need::NoFinding(Rule::R6, Some(Clause::Ntf5)), Need::Clean],
        "unmasked-state" => vec![
            ENDS_ONLINE,
            Need::NoFinding(Rule::R6, Some(Clause::Cur2)),
            Need::Clean,
        ],
        "veto-in-done" => vec![
            done("uploader", OFFLINE, ONLINE),
            ENDS_ONLINE,
            Need::NotInsideNotify(Func::SetCurrentState),
            Need::NoFinding(Rule::R5, Some(Clause::Set3)),
            Need::Clean,
        ],
        "logon-state-change" => vec![
            done("provider", ONLINE, OFFLINE),
            done("provider", OFFLINE, ONLINE),
        ],
        "manager-vtable-read" => vec![Need::NoFinding(Rule::R4, None), Need::Clean],
        other => panic!("no intended failures written down for {other}"),
    }
}

#[test]
fn every_broken_client_fails_on_the_intended_items_only() {
    for c in CHALLENGES {
        let r = c.check(c.broken);
        assert_eq!(r.error, None, "{}: the broken script must run", c.name);
        assert!(!r.met, "{}: the broken script meets its goal", c.name);
        assert_eq!(
            unmet(c, &r),
            intended_failures(c.name),
            "{}: {r:#?}",
            c.name
        );
        for item in r.items.iter().filter(|i| !i.met) {
            let why = item.why.as_deref().unwrap_or("");
            assert!(
                !why.is_empty(),
                "{}: `{}` fails without a reason",
                c.name,
                item.text
            );
        }
        // The broken client is consistent with itself: its own expectations hold, so a
        // learner starts from a script that says true things about what it does.
        assert!(
            r.expect_failures.is_empty(),
            "{}: {:?}",
            c.name,
            r.expect_failures
        );
    }
}

#[test]
fn every_solution_meets_its_goal_and_checks_itself() {
    for c in CHALLENGES {
        let r = c.check(c.solution);
        assert!(r.met, "{}: {r:#?}", c.name);
        assert!(r.items.iter().all(|i| i.met && i.why.is_none()));
        assert!(
            r.expect_failures.is_empty(),
            "{}: {:?}",
            c.name,
            r.expect_failures
        );
        assert_ne!(c.broken, c.solution, "{}", c.name);
    }
}

#[test]
fn deleting_the_script_or_keeping_only_the_world_does_not_meet_a_goal() {
    for c in CHALLENGES {
        for gutted in [
            "",
            "# nothing\n",
            "profile \"Outlook\"\nshutdown\n",
            "profile \"Outlook\"\nsink monitor\nshutdown\n",
        ] {
            let r = c.check(gutted);
            assert!(!r.met, "{}: {gutted:?} meets the goal", c.name);
        }
        // Every goal asks for something the client must still do, beyond a clean
        // checker and an orderly shutdown.
        assert!(
            c.goal
                .needs
                .iter()
                .any(|n| !matches!(n, Need::Clean | Need::Shutdown | Need::NoFinding(..))),
            "{}: the goal is met by doing nothing",
            c.name
        );
    }
}

#[test]
fn garbage_never_panics_and_meets_nothing() {
    let c = &CHALLENGES[0];
    let mut inputs: Vec<String> = vec![
        "\0\u{1}\u{7f}".into(),
        "expect".into(),
        "mgr->".into(),
        "HrOpenOfflineObj(".into(),
        "profile \"Outlook\"\nprofile \"Outlook\"\n".into(),
        "sink s when DONE: mgr->SetCurrentState(".into(),
        "config arch x64\nprofile \"Outlook\"\nmgr->Release()".into(),
        "{".repeat(10_000),
        "(".repeat(10_000),
        "x".repeat(100_000),
        "shutdown\nshutdown\n".into(),
        "profile \"Outlook\"\nHrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &m)\nm->vtbl[99]()\nm->Release()\nm->Release()\nshutdown".into(),
    ];
    // Every prefix of every solution: what a live page checks as someone types.
    for ch in CHALLENGES {
        for cut in (0..ch.solution.len()).step_by(97) {
            if ch.solution.is_char_boundary(cut) {
                inputs.push(ch.solution[..cut].to_string());
            }
        }
    }
    for input in &inputs {
        for ch in CHALLENGES {
            let r = ch.check(input);
            assert_eq!(r.items.len(), ch.goal.needs.len());
            if r.error.is_some() {
                assert!(!r.met && r.items.iter().all(|i| !i.met));
            }
        }
    }
    // A garbage line is an error, with every item unmet and saying why.
    let r = c.check("this is not a scenario");
    assert!(r.error.is_some());
    assert!(r
        .items
        .iter()
        .all(|i| i.why.as_deref() == Some("the script does not run")));
}

#[test]
fn names_titles_hints_and_stories_are_there() {
    assert!(CHALLENGES.len() >= 10, "{} challenges", CHALLENGES.len());
    let names: BTreeSet<&str> = CHALLENGES.iter().map(|c| c.name).collect();
    assert_eq!(names.len(), CHALLENGES.len(), "duplicate names");
    for c in CHALLENGES {
        let n = c.name;
        assert!(
            n.starts_with(|ch: char| ch.is_ascii_lowercase())
                && n.chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
                && !n.ends_with('-')
                && !n.contains("--"),
            "{n} is not kebab-case"
        );
        assert!(
            mapioffline::lessons::find(n).is_none(),
            "{n} is also a lesson"
        );
        assert!(!c.title.is_empty() && !c.goal_text.is_empty(), "{n}");
        assert!(c.hints.len() >= 2, "{n} has {} hints", c.hints.len());
        assert!(c.story.len() > 100, "{n}: the story is too short");
        assert!(!c.goal.needs.is_empty());
        assert!(
            c.broken.lines().filter(|l| l.starts_with('#')).count() >= 3,
            "{n}: the broken script does not say what is wrong"
        );
    }
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

#[test]
fn every_clause_cited_exists_and_the_story_names_each_one() {
    for c in CHALLENGES {
        assert!(!c.clauses.is_empty(), "{}", c.name);
        let distinct: BTreeSet<Clause> = c.clauses.iter().copied().collect();
        assert_eq!(distinct.len(), c.clauses.len(), "{}: duplicates", c.name);
        for cl in c.clauses {
            assert_eq!(Clause::from_id(cl.id()), Some(*cl));
            assert!(
                cites(c.story, cl.id()),
                "{}: the story does not cite {}",
                c.name,
                cl.id()
            );
        }
        // Every clause-like word in the texts and the scripts is a real clause.
        let texts = [c.story, c.goal_text, c.broken, c.solution]
            .into_iter()
            .chain(c.hints.iter().copied());
        for text in texts {
            for word in text.split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '-')) {
                let looks_like_id = word.contains('-')
                    && word.starts_with(|ch: char| ch.is_ascii_uppercase())
                    && word
                        .rsplit('-')
                        .next()
                        .is_some_and(|d| !d.is_empty() && d.chars().all(|ch| ch.is_ascii_digit()));
                if looks_like_id {
                    assert!(
                        Clause::from_id(word).is_some(),
                        "{}: {word} is not a clause",
                        c.name
                    );
                }
            }
        }
        // A goal's specific finding names a clause of its rule.
        for n in c.goal.needs {
            if let Need::NoFinding(rule, Some(clause)) = n {
                let info = mapioffline::RULES.iter().find(|r| r.rule == *rule).unwrap();
                assert!(
                    info.clauses.contains(clause) || *clause == Clause::Set9,
                    "{}: {clause:?} is not one of {rule}'s clauses",
                    c.name
                );
            }
        }
    }
}

#[test]
fn find_and_suggest() {
    assert!(challenges::find("forgotten-unadvise").is_some());
    assert!(challenges::find("nope").is_none());
    assert_eq!(
        challenges::suggest("forgoten-unadvise"),
        Some("forgotten-unadvise")
    );
    assert_eq!(challenges::suggest("leaked"), Some("leaked-reference"));
    assert_eq!(challenges::suggest("zzzzzzzzzzzz"), None);
}

#[test]
fn items_say_what_the_trace_shows() {
    let c = challenge("sample-get-current-state");
    let r = c.check(c.broken);
    let heard = &r.items[1];
    assert_eq!(
        heard.text,
        "sink `monitor` hears STATECHANGE_DONE(ONLINE->OFFLINE)"
    );
    assert_eq!(
        heard.why.as_deref(),
        Some("`monitor` receives no notification")
    );
    let clean = &r.items[3];
    assert!(
        clean
            .why
            .as_deref()
            .unwrap()
            .starts_with("2 findings, the first: R3 (UNADV-2)"),
        "{clean:?}"
    );
    // A sink of another name is not the monitor.
    let renamed = c.solution.replace("monitor", "watcher");
    let r = c.check(&renamed);
    assert_eq!(
        r.items[1].why.as_deref(),
        Some("no sink is declared as `monitor`")
    );
}

#[test]
fn every_claimed_clause_is_exercised_by_the_broken_client_or_its_solution() {
    use mapioffline::coverage::clauses_exercised;
    use mapioffline::scenario::run_script;
    for c in CHALLENGES {
        let mut seen = BTreeSet::new();
        for script in [c.broken, c.solution] {
            let o = run_script(script).unwrap_or_else(|e| panic!("{}: {e}", c.name));
            seen.extend(clauses_exercised(&o.trace));
        }
        let missing: Vec<&str> = c
            .clauses
            .iter()
            .filter(|cl| !seen.contains(cl))
            .map(|cl| cl.id())
            .collect();
        assert!(missing.is_empty(), "{}: {missing:?} not exercised", c.name);
    }
}

#[test]
fn a_finding_the_goal_names_is_not_described_twice() {
    let c = challenge("placeholder-call");
    let r = c.check(c.broken);
    let named = r
        .items
        .iter()
        .find(|i| i.text.contains("R7 (OFF-3)"))
        .unwrap();
    assert!(named
        .why
        .as_deref()
        .unwrap()
        .starts_with("still reported: R7 (OFF-3)"));
    let clean = r.items.last().unwrap();
    assert_eq!(clean.why.as_deref(), Some("only the finding named above"));
    // Another finding besides the named one is spelt out under "finds nothing".
    let c = challenge("unmasked-state");
    let r = c.check(c.broken);
    let clean = r.items.last().unwrap();
    assert!(
        clean
            .why
            .as_deref()
            .unwrap()
            .starts_with("1 finding: R2 (SET-6)"),
        "{clean:?}"
    );
}
