//! Every challenge: its story, goal, hints and the two scripts beside this file.

use super::{Challenge, Goal, Need};
use crate::clauses::{Clause, Rule};
use crate::consts::{
    Arch, HResult, MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE as DONE,
    MAPIOFFLINE_STATE_OFFLINE as OFFLINE, MAPIOFFLINE_STATE_ONLINE as ONLINE,
};
use crate::trace::Func;

/// The monitor sink hears the change to OFFLINE: a goal's proof that the client still
/// listens.
const MONITOR_HEARS_OFFLINE: Need = Need::Heard {
    sink: "monitor",
    notify_type: DONE,
    old: ONLINE,
    new: OFFLINE,
};

/// A sink hears a change complete, from `old` to `new`.
const fn done(sink: &'static str, old: u32, new: u32) -> Need {
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
    Challenge {
        name: "ignored-e-pending",
        title: "E_PENDING taken for success",
        story: "With MAPIOFFLINE_FLAG_DEFAULT a change runs asynchronously (SET-2), and every SetCurrentState made while it runs returns E_PENDING (SET-3). \
E_PENDING means \"not yet\": the request was neither carried out nor refused, and the client must ask again once the change has delivered STATECHANGE_DONE (rule R5). \
Clients that test only FAILED(hr), or only hr == S_OK, drop the request silently, and the user's last click is lost. \
The reference muddles this with its own return-value section (SET-4); the simulator uses the reading of SET-3 unless told otherwise.",
        goal_text: "The user's second click (ONLINE) still arrives during the change and gets E_PENDING, and yet the profile ends ONLINE; the monitor hears both changes, Outlook shuts down, and the checker finds nothing.",
        hints: &[
            "What does the checker say happened to the request that got E_PENDING?",
            "The request is to be made again after the change in progress has completed: its monitor hears STATECHANGE_DONE.",
            "After `run`, call mgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, NULL) again, and `run` once more.",
        ],
        clauses: &[Clause::Set2, Clause::Set3, Clause::Set4],
        broken: include_str!("ignored-e-pending.scn"),
        solution: include_str!("ignored-e-pending.solution.scn"),
        goal: Goal {
            needs: &[
                Need::Returned(Func::SetCurrentState, HResult::E_PENDING),
                done("monitor", ONLINE, OFFLINE),
                done("monitor", OFFLINE, ONLINE),
                ENDS_ONLINE,
                Need::Shutdown,
                Need::NoFinding(Rule::R5, Some(Clause::Set3)),
                Need::Clean,
            ],
        },
    },
    Challenge {
        name: "advise-without-capabilities",
        title: "Advise without asking GetCapabilities first",
        story: "The client workflow is: implement IMAPIOfflineNotify, open the profile, check GetCapabilities, Advise, and Unadvise at the end (GEN-3). \
GetCapabilities says which directions the object can notify (CAP-1), and depending on the mail server an object may support only one of them (CAP-2). \
A client that registers without asking may wait for notifications that never come; rule R1 reports every Advise made without a successful GetCapabilities before it.",
        goal_text: "GetCapabilities is called and succeeds, the monitor still hears the change to OFFLINE, Outlook shuts down, and the checker finds nothing.",
        hints: &[
            "Which call of the client workflow is missing between HrOpenOfflineObj and Advise?",
            "Call mgr->GetCapabilities(&caps) before Advise, and register only when one of the two documented bits is set.",
        ],
        clauses: &[Clause::Gen3, Clause::Cap1],
        broken: include_str!("advise-without-capabilities.scn"),
        solution: include_str!("advise-without-capabilities.solution.scn"),
        goal: Goal {
            needs: &[
                Need::Returned(Func::GetCapabilities, HResult::S_OK),
                MONITOR_HEARS_OFFLINE,
                Need::Shutdown,
                Need::Clean,
            ],
        },
    },
    Challenge {
        name: "x64-ulsize",
        title: "The 32-bit ulSize in a 64-bit add-in",
        story: "MAPIOFFLINE_ADVISEINFO starts with ulSize, the size of the structure (ADV-4). \
Because it holds a pointer, that size is 24 bytes in a 32-bit client and 32 bytes in a 64-bit one. \
An add-in written for 32-bit Outlook with the number spelt out breaks when it is rebuilt for 64-bit Outlook: Advise returns E_INVALIDARG (ADV-9), nothing is registered, and rule R2 reports the size.",
        goal_text: "In the same 64-bit world, Advise succeeds, the monitor hears the change to OFFLINE, Outlook shuts down, and the checker finds nothing.",
        hints: &[
            "What is sizeof(MAPIOFFLINE_ADVISEINFO) on x64? `mapioffline explain MAPIOFFLINE_ADVISEINFO` says.",
            "Write ulSize = sizeof(MAPIOFFLINE_ADVISEINFO), or leave the field out: the scenario fills in the right size.",
            "Once Advise succeeds there is a registration to remove before shutdown.",
        ],
        clauses: &[Clause::Adv4, Clause::Adv9],
        broken: include_str!("x64-ulsize.scn"),
        solution: include_str!("x64-ulsize.solution.scn"),
        goal: Goal {
            needs: &[
                Need::Arch(Arch::X64),
                Need::Returned(Func::Advise, HResult::S_OK),
                MONITOR_HEARS_OFFLINE,
                Need::Shutdown,
                Need::Clean,
            ],
        },
    },
    Challenge {
        name: "placeholder-call",
        title: "A hand-written vtable that calls a placeholder",
        story: "IMAPIOffline's vtable has one placeholder after SetCurrentState, GetCapabilities and GetCurrentState (OFF-2), and IMAPIOfflineMgr adds Advise, Unadvise and seven more placeholders after it (MGR-2). \
Clients that declare the interfaces themselves, without the reference's header, sometimes leave a placeholder out, and every later method is then called one slot early. \
A placeholder is reserved for Outlook: the simulator answers E_NOTIMPL and rule R7 flags the call (OFF-3).",
        goal_text: "Advise, called through the vtable as a C client does, succeeds; the monitor hears the change to OFFLINE; Outlook shuts down; and the checker no longer reports a placeholder call.",
        hints: &[
            "Count the slots: IUnknown has three, IMAPIOffline four (the last a placeholder). Which slot is Advise?",
            "`mapioffline explain IMAPIOfflineMgr` lists every slot with its index.",
            "Advise is vtbl[7](MAPIOFFLINE_ADVISE_DEFAULT, &{…}, &token), and Unadvise vtbl[8].",
        ],
        clauses: &[Clause::Off2, Clause::Off3],
        broken: include_str!("placeholder-call.scn"),
        solution: include_str!("placeholder-call.solution.scn"),
        goal: Goal {
            needs: &[
                Need::Returned(Func::Advise, HResult::S_OK),
                MONITOR_HEARS_OFFLINE,
                Need::Shutdown,
                Need::NoFinding(Rule::R7, Some(Clause::Off3)),
                Need::Clean,
            ],
        },
    },
    Challenge {
        name: "notifytype-unchecked",
        title: "A Notify that does not check NotifyType",
        story: "Outlook may send notifications other than the three state-change types, or with another ulMask, and clients must ignore them (NTF-6, GEN-4). \
Only when NotifyType is START, STATECHANGE or DONE is Info a StateChange, and only when its ulMask is MAPIOFFLINE_STATE_OFFLINE_MASK is it about the offline state (NTF-5). \
A Notify that reads Info.StateChange straight away takes such a notification for a change that never happened; rule R6 reports it.",
        goal_text: "The monitor still receives the notification it must ignore and hears the real change to OFFLINE, Outlook shuts down, and the checker no longer reports an unchecked notification.",
        hints: &[
            "The mistake is not in a call but in the sink's declaration.",
            "A sink declared `no-validate` reads every notification; one declared without it checks NotifyType and ulMask first.",
            "Write `sink monitor` instead of `sink monitor no-validate`, and keep the `inject` line.",
        ],
        clauses: &[Clause::Ntf5, Clause::Ntf6, Clause::Gen4],
        broken: include_str!("notifytype-unchecked.scn"),
        solution: include_str!("notifytype-unchecked.solution.scn"),
        goal: Goal {
            needs: &[
                Need::HeardUnsupported { sink: "monitor" },
                MONITOR_HEARS_OFFLINE,
                Need::Shutdown,
                Need::NoFinding(Rule::R6, Some(Clause::Ntf5)),
                Need::Clean,
            ],
        },
    },
    Challenge {
        name: "unmasked-state",
        title: "Saving the state and restoring it unmasked",
        story: "GetCurrentState writes ONLINE or OFFLINE (CUR-1), but Outlook may set bits outside MAPIOFFLINE_STATE_OFFLINE_MASK, which is why shipping clients mask the value before using it (CUR-2). \
A client that compares or passes on the raw value misreads the state as soon as such a bit is set. \
Passed back to SetCurrentState, the raw value is neither ONLINE nor OFFLINE (SET-6), and the simulator refuses it with E_INVALIDARG (SET-9). \
Rule R6 reports the unmasked value, R2 the undocumented state.",
        goal_text: "With the extra state bit still set, the batch job takes the profile OFFLINE and the restore brings it back ONLINE; Outlook shuts down; the checker no longer reports the unmasked state and finds nothing else.",
        hints: &[
            "Print the saved value: which bits does it have besides ONLINE?",
            "Only the bits of MAPIOFFLINE_STATE_OFFLINE_MASK are the state.",
            "Restore with `saved & MAPIOFFLINE_STATE_OFFLINE_MASK` as ulState.",
        ],
        clauses: &[Clause::Cur1, Clause::Cur2, Clause::Set6, Clause::Set9],
        broken: include_str!("unmasked-state.scn"),
        solution: include_str!("unmasked-state.solution.scn"),
        goal: Goal {
            needs: &[
                Need::ReadExtraBits,
                Need::WentTo {
                    profile: "Outlook",
                    state: OFFLINE,
                },
                ENDS_ONLINE,
                Need::Shutdown,
                Need::NoFinding(Rule::R6, Some(Clause::Cur2)),
                Need::Clean,
            ],
        },
    },
    Challenge {
        name: "veto-in-done",
        title: "Vetoing a change from inside Notify(STATECHANGE_DONE)",
        story: "An add-in that must stay online puts the profile back the moment it hears it went offline, from inside its Notify and with MAPIOFFLINE_FLAG_BLOCK. \
What the contract says: a change is in progress until its last STATECHANGE_DONE has been delivered, and until then every SetCurrentState returns E_PENDING (SET-3); the reference's return-value section instead ties E_PENDING to an earlier blocking call (SET-4). \
What the simulator does: the re-entrant call returns E_PENDING at once, without deadlock and without losing or repeating a notification (NTF-8); a real Outlook need not be so forgiving of a blocking call from inside its own notification. \
Either way the veto is dropped, and rule R5 reports the request lost. \
The non-blocking way: Notify only records the wish, and the client calls SetCurrentState with MAPIOFFLINE_FLAG_DEFAULT (SET-2) after Notify has returned.",
        goal_text: "The user's change to OFFLINE still happens and the uploader hears it; the veto then brings the profile back ONLINE, made outside Notify; Outlook shuts down; and the checker finds nothing.",
        hints: &[
            "What did the SetCurrentState inside Notify return, and why?",
            "Inside Notify, only remember what to do; make the call once the change has completed.",
            "Declare `sink uploader` without a reaction, and after the first `run` call mgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, NULL), then `run`.",
        ],
        clauses: &[Clause::Set2, Clause::Set4, Clause::Ntf8],
        broken: include_str!("veto-in-done.scn"),
        solution: include_str!("veto-in-done.solution.scn"),
        goal: Goal {
            needs: &[
                done("uploader", ONLINE, OFFLINE),
                done("uploader", OFFLINE, ONLINE),
                ENDS_ONLINE,
                Need::NotInsideNotify(Func::SetCurrentState),
                Need::Shutdown,
                Need::NoFinding(Rule::R5, Some(Clause::Set3)),
                Need::Clean,
            ],
        },
    },
    Challenge {
        name: "logon-state-change",
        title: "A provider that changes the state during Logon and trusts its own copy",
        story: "A transport provider that starts offline asks for it inside its Logon, without blocking (SET-2), and writes OFFLINE into its own variable at once. \
But the change has only started: until its STATECHANGE phase GetCurrentState still reads ONLINE (CUR-3), and the change is complete only at STATECHANGE_DONE (NTF-2). \
Nor is the provider the only one who changes the state: the user, the network and the server do too (GEN-5), so a private copy goes stale. \
The provider must follow the state from notifications, which means registering (GEN-3) before it asks: a registration made while a change is running hears nothing of it (ADV-11).",
        goal_text: "The provider still asks for OFFLINE during Logon, hears its own change complete and the user's change back to ONLINE, Outlook shuts down, and the checker finds nothing.",
        hints: &[
            "How would the provider learn that the state changed? It has no sink.",
            "Declare `sink provider`, and in Logon call GetCapabilities and Advise before SetCurrentState.",
            "A registration needs its Unadvise at Logoff.",
        ],
        clauses: &[Clause::Set2, Clause::Cur3, Clause::Ntf2, Clause::Gen3],
        broken: include_str!("logon-state-change.scn"),
        solution: include_str!("logon-state-change.solution.scn"),
        goal: Goal {
            needs: &[
                Need::Returned(Func::SetCurrentState, HResult::S_OK),
                done("provider", ONLINE, OFFLINE),
                done("provider", OFFLINE, ONLINE),
                ENDS_ONLINE,
                Need::Shutdown,
                Need::Clean,
            ],
        },
    },
    Challenge {
        name: "manager-vtable-read",
        title: "Reading the state through the manager, with the sample's two Releases",
        story: "Shipping clients often read the state without QueryInterface: IMAPIOfflineMgr inherits IMAPIOffline (MGR-1), so slot 5 of the manager is GetCurrentState, and they mask with a bare `& 3`, which is MAPIOFFLINE_STATE_OFFLINE_MASK (CUR-2). \
Both are right. The trap is the code around them when it was adapted from the sample add-in, which obtains IMAPIOffline by QueryInterface (OFF-1) and so releases two pointers. \
Without the QueryInterface there is one pointer and one reference (OPEN-10), and the second Release takes a reference the reader never had (MGR-3): here, the monitor's.",
        goal_text: "The reader still reads ONLINE with the extra state bit set, the monitor hears the change to OFFLINE, Outlook shuts down, and the checker no longer reports a reference error.",
        hints: &[
            "Follow `expect refcount mgr N` after each Release: whose reference goes?",
            "Reading through vtbl[5] and masking with `& 3` are correct; keep them.",
            "Remove one of the reader's two Release calls.",
        ],
        clauses: &[Clause::Mgr1, Clause::Cur2, Clause::Open10, Clause::Mgr3],
        broken: include_str!("manager-vtable-read.scn"),
        solution: include_str!("manager-vtable-read.solution.scn"),
        goal: Goal {
            needs: &[
                Need::ReadExtraBits,
                Need::Read(ONLINE),
                MONITOR_HEARS_OFFLINE,
                Need::Shutdown,
                Need::NoFinding(Rule::R4, None),
                Need::Clean,
            ],
        },
    },
];
