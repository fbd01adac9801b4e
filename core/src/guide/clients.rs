//! `real-clients.md`: the call patterns of public clients, each run as a scenario, with
//! what the checker says about it and how to fix it.

use super::example::Example;
use super::markdown::{code_names, link_ids};
use super::GuideError;
use crate::clauses::Clause;
use crate::lessons;

/// A public client's call pattern: the scenario that plays it, and the fix the page
/// recommends beside the checker's verdict.
struct Client {
    name: &'static str,
    title: &'static str,
    explanation: &'static str,
    clauses: &'static [Clause],
    source: &'static str,
    fix: &'static str,
}

static CLIENTS: &[Client] = &[
    Client {
        name: "own-copy-provider",
        title: "A provider that tracks the state in its own copy",
        explanation: "Providers and sync engines often keep the last state they heard of in a \
variable of their own and update it from Notify. This one refreshes its copy with \
GetCurrentState on each STATECHANGE, which is fine, but its Notify reads Info.StateChange \
without checking NotifyType and ulMask (NTF-5). When Outlook sends a notification of another \
type (NTF-6, GEN-4) the provider believes a change that never happened.",
        clauses: &[Clause::Ntf5, Clause::Ntf6, Clause::Gen4],
        source: include_str!("clients/own-copy-provider.scn"),
        fix: "Check NotifyType against the three STATECHANGE types and ulMask against \
MAPIOFFLINE_STATE_OFFLINE_MASK before reading Info.StateChange, and ignore anything else \
(rule R6); or keep no copy and call GetCurrentState when the state is needed.",
    },
    Client {
        name: "vtable-reader",
        title: "A shipping binary that reads the state through the manager's vtable",
        explanation: "Binaries built without Outlook's headers declare the vtable themselves and \
call GetCurrentState as slot 5 of the pointer HrOpenOfflineObj returns: IUnknown's three \
slots, then SetCurrentState, GetCapabilities and GetCurrentState (OFF-2). Called with the \
method's arguments, a slot behaves exactly like the method by name, so reading the state \
this way is correct. What such clients skip is GetCapabilities before Advise (GEN-3, CAP-1).",
        clauses: &[Clause::Off2, Clause::Gen3, Clause::Cap1],
        source: include_str!("clients/vtable-reader.scn"),
        fix: "Call GetCapabilities (slot 4) before Advise and register only if the object \
reports a capability you need (rule R1); keep calling the documented slots with their \
arguments, and never a placeholder (slots 6 and 9–15, rule R7).",
    },
];

/// The sample add-in is a lesson already; its page is linked, not repeated.
const SAMPLE: &str = "sample-add-in";

pub(super) fn client_examples() -> Result<Vec<Example>, GuideError> {
    CLIENTS
        .iter()
        .map(|c| Example::run(c.name, c.title, c.explanation, c.clauses, c.source, ""))
        .collect()
}

pub(super) fn page(examples: &[Example], playground: &str) -> String {
    let mut s = String::from("# Real clients\n\n");
    s.push_str(
        "How public clients call the Offline State API, each pattern played as a scenario and \
judged by the client-contract checker, with the fix. [The guide](README.md) · \
[Clauses](clauses.md) · [API](api.md).\n\n",
    );
    s.push_str("- [The Sample Offline State Add-in](#the-sample-offline-state-add-in)\n");
    for c in CLIENTS {
        s.push_str(&format!("- [{}](#{})\n", c.title, super::slug(c.title)));
    }
    s.push('\n');
    s.push_str("## The Sample Offline State Add-in\n\n");
    if let Some(l) = lessons::find(SAMPLE) {
        s.push_str(&format!(
            "Microsoft's sample add-in is the model client: it opens the profile, asks for the \
capabilities, registers, and unregisters and releases everything on Deinit Monitor. Its \
four menu items are the guide's first lesson, [{}](lessons/{SAMPLE}.md), and the checker \
finds nothing in its trace. Start a client from it.\n\n",
            l.title
        ));
    }
    for (c, ex) in CLIENTS.iter().zip(examples) {
        s.push_str(&format!("## {}\n\n", c.title));
        s.push_str(&ex.body(playground, 3, "clauses.md"));
        s.push_str("### How to fix it\n\n");
        s.push_str(&link_ids(&code_names(c.fix), "clauses.md"));
        s.push_str("\n\n");
    }
    s
}
