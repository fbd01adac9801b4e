//! `README.md`: the learning path, from what the API is for to every mistake the checker
//! catches, each topic a few sentences and links to the lessons that show it.

use super::example::Example;
use super::markdown::{cell, code_names, link_ids};
use crate::clauses::RULES;

/// A stop on the learning path.
struct Topic {
    title: &'static str,
    /// What to understand before opening the lessons.
    intro: &'static str,
    lessons: &'static [&'static str],
}

static TOPICS: &[Topic] = &[
    Topic {
        title: "The sample add-in's four menu items",
        intro: "Microsoft's Sample Offline State Add-in puts four items in a menu: Init Monitor \
(open the profile's global offline object, ask for its capabilities, register a callback), \
GetCurrentState, SetCurrentState, and Deinit Monitor (remove the registration, release the \
object). Nearly every client does the same four things, so the first lesson replays them call \
by call, with each reference count and notification.",
        lessons: &["sample-add-in"],
    },
    Topic {
        title: "Capabilities",
        intro: "Before registering, a client asks GetCapabilities which changes the object can \
report (CAP-1). An object may report only one direction (CAP-2), or bits besides the two \
documented ones (CAP-3), so a client tests bits, never whole values.",
        lessons: &["online-only-object", "extra-bits"],
    },
    Topic {
        title: "Asynchronous or blocking",
        intro: "SetCurrentState either starts a change and returns at once \
(MAPIOFFLINE_FLAG_DEFAULT, SET-2) or returns when it is complete (MAPIOFFLINE_FLAG_BLOCK, \
SET-1). Either way a change runs in three phases, START, STATECHANGE and DONE, each notified to \
every registration (NTF-2); what differs is whether they arrive before or after the call returns.",
        lessons: &["go-offline-async", "blocking-change"],
    },
    Topic {
        title: "E_PENDING in both readings of SET-4",
        intro: "The reference contradicts itself about when SetCurrentState returns E_PENDING \
(SET-4). The simulator implements both readings: the documented one (its default: every call \
during a change is refused, SET-3) and the literal one (only a blocking change makes callers \
wait). Read the two lessons side by side; a robust client works under both.",
        lessons: &["e-pending-documented", "e-pending-literal"],
    },
    Topic {
        title: "The environment",
        intro: "A profile also changes state on its own when the network or its server fails \
(GEN-5), and a request to go online without connectivity is remembered (SET-11). A client \
that registers while a change runs hears nothing of it (ADV-11).",
        lessons: &["network-loss", "late-registration"],
    },
    Topic {
        title: "Reference counting",
        intro: "Every open, QueryInterface and AddRef gives the client a reference to release \
(OPEN-10, MGR-3), and the manager holds one on each registered callback until Unadvise \
(ADV-10, UNADV-3). What a client forgets, the shutdown report lists.",
        lessons: &["reference-counting", "forgotten-cleanup"],
    },
    Topic {
        title: "Re-entrancy: what not to do inside Notify",
        intro: "Notify runs inside Outlook's delivery of a change. A sink may Unadvise itself \
there (UNADV-4), but a SetCurrentState from inside Notify gets E_PENDING (NTF-8), and a sink \
must ignore notifications it does not understand (NTF-5, NTF-6).",
        lessons: &[
            "unadvise-inside-notify",
            "reentrant-set",
            "unsupported-notification",
        ],
    },
    Topic {
        title: "Object trees and HrCreateOfflineObj",
        intro: "HrCreateOfflineObj makes offline objects below the global one (CRE-2, CRE-3): a \
child follows its parent's changes in the same transition (CRE-7). Its return value is \
undocumented (CRE-6), so the simulator states its own choice.",
        lessons: &["child-follows-parent", "create-offline-object"],
    },
    Topic {
        title: "32- and 64-bit structures",
        intro: "MAPIOFFLINE_ADVISEINFO holds a pointer, so it is 24 bytes on x86 and 32 on x64: a \
hard-coded size breaks one of the two (ADV-4). The [API reference](api.md) gives every \
structure's size on both.",
        lessons: &["advise-mistakes"],
    },
    Topic {
        title: "Calls that fail",
        intro: "HrOpenOfflineObj and SetCurrentState refuse undocumented arguments, and \
IMAPIOffline's vtable has placeholder slots a client must never call (OFF-3). The reference \
says little about these failures; the trace always says which precondition was broken.",
        lessons: &["open-failures", "invalid-arguments", "placeholder-slots"],
    },
];

/// The learning path.
pub(super) fn readme(lessons: &[Example], challenges: &[Example]) -> String {
    let find = |name: &str| lessons.iter().find(|l| l.name == name);
    let mut s = String::from("# Learning the Offline State API\n\n");
    s.push_str(
        "A guide to Outlook's MAPI Offline State API in which every example is a scenario the \
simulator ran: each sequence diagram, trace excerpt, checker verdict and C++ listing below is \
the simulator's own output, regenerated by `cargo xtask docs` and compared with these files by \
a test, so the guide cannot disagree with the code. Every page has a link that opens its \
scenario in the playground (`cargo xtask playground` serves it on http://127.0.0.1:8080/, where \
this guide is one click away too).\n\n",
    );
    s.push_str("## What the API is for\n\n");
    s.push_str(&link_ids(
        "Outlook keeps an offline state for each profile: online, or offline (working from \
its local copy). The Offline State API, exported by `msmapi32.dll` since Outlook 2010, lets \
an add-in read that state, ask Outlook to change it, and hear about every change. A client \
opens the profile's global offline object with `HrOpenOfflineObj`, which implements \
`IMAPIOffline` (`GetCapabilities`, `GetCurrentState`, `SetCurrentState`) and \
`IMAPIOfflineMgr` (`Advise`, `Unadvise`), and registers an `IMAPIOfflineNotify` whose \
`Notify` Outlook calls in each phase of a change (GEN-3). Microsoft's reference pages \
describe all of this, but they contradict themselves in places (SET-4, CRE-6), never show a \
trace and cannot be run; the [contract](contract.md) restates them with an ID for every \
clause, and this guide shows each clause at work.",
        "clauses.md",
    ));
    s.push_str("\n\n");
    s.push_str("## The path\n\n");
    s.push_str(
        "Read the topics in order; each lesson's page has the explanation, the scenario, its \
sequence diagram, the trace lines that matter, what the checker says and the C++ client it \
stands for.\n\n",
    );
    for (n, t) in TOPICS.iter().enumerate() {
        s.push_str(&format!("### {}. {}\n\n", n + 1, t.title));
        s.push_str(&link_ids(&code_names(t.intro), "clauses.md"));
        s.push_str("\n\n");
        for name in t.lessons {
            if let Some(l) = find(name) {
                s.push_str(&format!("- [{}]({})\n", l.title, l.link_from_root()));
            }
        }
        s.push('\n');
    }
    // A lesson added to core but to no topic still gets a stop, so none is unreachable.
    let placed: Vec<&str> = TOPICS
        .iter()
        .flat_map(|t| t.lessons.iter().copied())
        .collect();
    let rest: Vec<&Example> = lessons
        .iter()
        .filter(|l| !placed.contains(&l.name))
        .collect();
    let mut n = TOPICS.len();
    if !rest.is_empty() {
        n += 1;
        s.push_str(&format!("### {n}. More lessons\n\n"));
        for l in rest {
            s.push_str(&format!("- [{}]({})\n", l.title, l.link_from_root()));
        }
        s.push('\n');
    }
    n += 1;
    s.push_str(&format!("### {n}. Challenges: fix a broken client\n\n"));
    s.push_str(
        "Each challenge is a client with a classic mistake or a real client's call pattern, a \
goal over its trace, hints, and a solution. Open one in the playground, fix it until the goal \
is met, or run `mapioffline challenge NAME --check FILE`.\n\n",
    );
    for c in challenges {
        s.push_str(&format!("- [{}]({})\n", c.title, c.link_from_root()));
    }
    s.push('\n');
    n += 1;
    s.push_str(&format!("### {n}. Every mistake the checker catches\n\n"));
    s.push_str(
        "The client-contract checker reads any trace and reports each broken client \
obligation as a rule with the clause it breaks. These are all seven, each with the lessons \
and challenges whose trace shows it (the checker's own findings on those runs):\n\n",
    );
    s.push_str("| rule | obligation | shown in |\n|---|---|---|\n");
    for r in RULES {
        let shown: Vec<String> = lessons
            .iter()
            .chain(challenges)
            .filter(|l| l.rules_found().contains(&r.rule))
            .map(|l| format!("[{}]({})", l.name, l.link_from_root()))
            .collect();
        s.push_str(&format!(
            "| {} | {} | {} |\n",
            link_ids(&r.rule.to_string(), "clauses.md"),
            cell(&code_names(r.obligation)),
            if shown.is_empty() {
                "no lesson yet".to_string()
            } else {
                shown.join(", ")
            }
        ));
    }
    s.push('\n');
    s.push_str("## Reference\n\n");
    s.push_str(
        "- [Real clients](real-clients.md): the call patterns of public clients, run, with what \
the checker says and how to fix them.\n\
- [Clauses](clauses.md): every clause of the contract with its kind, its text, both readings \
where the reference has two, and the pages and conformance scenarios that exercise it.\n\
- [API](api.md): every function, interface and method with its vtable slot, every structure \
with its 32- and 64-bit sizes, every constant, HRESULT and GUID.\n\
- [The contract](contract.md): the clauses by section, as one document.\n",
    );
    s
}
