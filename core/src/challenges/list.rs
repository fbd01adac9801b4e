//! Every challenge: its story, goal, hints and the two scripts beside this file.

use super::{Challenge, Goal, Need};
use crate::clauses::{Clause, Rule};
use crate::consts::{
    MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE as DONE, MAPIOFFLINE_STATE_OFFLINE as OFFLINE,
    MAPIOFFLINE_STATE_ONLINE as ONLINE,
};

/// The monitor sink hears the change to OFFLINE: a goal's proof that the client still
/// listens.
const MONITOR_HEARS_OFFLINE: Need = Need::Heard {
    sink: "monitor",
    notify_type: DONE,
    old: ONLINE,
    new: OFFLINE,
};

/// Every challenge, from the classic mistakes to the patterns of real clients.
pub static CHALLENGES: &[Challenge] = &[
    Challenge {
        name: "forgotten-unadvise",
        title: "A monitor that never calls Unadvise",
        story: "Every registration must be removed with Unadvise before the client goes away: it is the last step of the client workflow (GEN-3) and rule R3. \
While a registration exists the manager holds a reference on the client's sink (ADV-10), and only Unadvise releases it (UNADV-3). \
An add-in that releases its manager at shutdown but forgets Unadvise leaves its sink registered and alive inside Outlook.",
        goal_text: "The monitor still hears the change to OFFLINE, Outlook shuts down, and the checker finds nothing.",
        hints: &[
            "Run the broken script with the checker: which rule does it report, and at which event?",
            "The registration made by Advise is removed only by Unadvise, with the token Advise wrote.",
            "Call mgr->Unadvise(MAPIOFFLINE_UNADVISE_DEFAULT, token) before mgr->Release(): after the last Release the pointer may dangle.",
        ],
        clauses: &[Clause::Gen3, Clause::Adv10, Clause::Unadv3],
        broken: include_str!("forgotten-unadvise.scn"),
        solution: include_str!("forgotten-unadvise.solution.scn"),
        goal: Goal {
            needs: &[MONITOR_HEARS_OFFLINE, Need::Shutdown, Need::Clean],
        },
    },
    Challenge {
        name: "leaked-reference",
        title: "A helper that opens the profile and never releases it",
        story: "HrOpenOfflineObj returns the profile's one global object every time, with one more reference that the caller must release (OPEN-10). \
Clients that open the profile in a helper, as the sample add-in does in each menu item, easily forget the helper's own Release, and rule R4 reports the reference still held when Outlook shuts down.",
        goal_text: "The helper still reads the state (ONLINE), Outlook shuts down, and the checker no longer reports a leaked reference (R4).",
        hints: &[
            "Count the successful HrOpenOfflineObj calls and the Release calls.",
            "`helper` is the same object as `mgr`, but the reference it came with is the helper's.",
            "Add helper->Release() once the helper has read the state.",
        ],
        clauses: &[Clause::Open10],
        broken: include_str!("leaked-reference.scn"),
        solution: include_str!("leaked-reference.solution.scn"),
        goal: Goal {
            needs: &[
                Need::Read(ONLINE),
                Need::Shutdown,
                Need::NoFinding(Rule::R4, None),
                Need::Clean,
            ],
        },
    },
    Challenge {
        name: "sample-get-current-state",
        title: "The sample add-in's GetCurrentState helper tears the monitor down",
        story: "The Sample Offline State Add-in keeps its monitor in one global manager pointer and one advise token. \
Its GetCurrentState helper first tears the monitor down, as Deinit Monitor would, and then opens the profile again into that same global pointer. \
From then on the monitor hears nothing, the reference the helper stored is never released (OPEN-10, rule R4), Deinit Monitor unadvises a token that is already gone (UNADV-2, rule R3), and Init Monitor refuses to run again with \"Already initialized\" because the pointer is not NULL. \
Opening the profile again is harmless in itself: it returns the same global object with one more reference (OPEN-10), and IMAPIOffline comes from QueryInterface (OFF-1).",
        goal_text: "The helper reads the state (ONLINE), the monitor still hears the later change to OFFLINE, Outlook shuts down, and the checker finds nothing.",
        hints: &[
            "After the helper runs, is the monitor still registered? Look for the notifications it receives.",
            "The helper needs a pointer of its own; it must not overwrite the monitor's `mgr` or unadvise its token.",
            "In the helper, open into a new variable (say `mgr2`), QueryInterface it, read the state, release both pointers, and remove the helper's Unadvise.",
        ],
        clauses: &[Clause::Open10, Clause::Off1, Clause::Unadv2],
        broken: include_str!("sample-get-current-state.scn"),
        solution: include_str!("sample-get-current-state.solution.scn"),
        goal: Goal {
            needs: &[
                Need::Read(ONLINE),
                MONITOR_HEARS_OFFLINE,
                Need::Shutdown,
                Need::Clean,
            ],
        },
    },
];
