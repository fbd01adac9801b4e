//! The built-in lessons: self-checking scenario scripts that teach the Offline State API
//! one topic at a time, from the sample add-in's four menu items (spec §8) to the
//! mistakes the checker flags.
//!
//! Each lesson is a `.scn` file in this directory, written in the scenario language
//! ([`crate::scenario`]) with `#` comments that explain it line by line and `expect`
//! lines that make it check itself: run it and every expectation holds.
//!
//! ```
//! let lesson = mapioffline::lessons::find("blocking-change").unwrap();
//! let outcome = lesson.run().unwrap();
//! assert!(outcome.failures.is_empty());
//! assert_eq!(mapioffline::lessons::suggest("bloking-change"), Some("blocking-change"));
//! assert_eq!(mapioffline::lessons::suggest("network"), Some("network-loss"));
//! ```

use crate::clauses::Clause;
use crate::scenario::{run_script, Outcome, RunError};
use crate::util::nearest;

/// One built-in lesson.
#[derive(Debug)]
pub struct Lesson {
    /// Kebab-case; what the command line takes.
    pub name: &'static str,
    pub title: &'static str,
    /// A few sentences for a learner, citing the clause IDs it demonstrates.
    pub explanation: &'static str,
    /// The clauses it demonstrates.
    pub clauses: &'static [Clause],
    /// The scenario script.
    pub source: &'static str,
}

impl Lesson {
    /// Parses and runs the lesson's script in a fresh world.
    pub fn run(&self) -> Result<Outcome, RunError> {
        run_script(self.source)
    }
}

/// Every lesson, in the order a learner should take them.
pub static LESSONS: &[Lesson] = &[
    Lesson {
        name: "sample-add-in",
        title: "The Sample Offline State Add-in, menu item by menu item",
        explanation: "Microsoft's sample add-in has four menu items, and this lesson replays each one call by call. \
Init Monitor follows the client workflow of GEN-3: HrOpenOfflineObj is the first call (OPEN-9), IMAPIOffline comes from QueryInterface on the manager (OFF-1), GetCapabilities tests the two bits of CAP-1, and Advise registers with client token 0, echoed in every notification (ADV-5). \
While registered, the manager holds a reference on the add-in's notify object (ADV-10). \
GetCurrentState and SetCurrentState each open the profile again and get the same global object with one more reference to release (OPEN-10). \
Deinit Monitor calls Unadvise, which releases the manager's reference on the callback (UNADV-3), and releases the manager, so Outlook shuts down with nothing leaked.",
        clauses: &[
            Clause::Gen3,
            Clause::Open9,
            Clause::Off1,
            Clause::Cap1,
            Clause::Adv5,
            Clause::Adv10,
            Clause::Open10,
            Clause::Unadv3,
        ],
        source: include_str!("sample-add-in.scn"),
    },
    Lesson {
        name: "go-offline-async",
        title: "Going offline asynchronously, tick by tick",
        explanation: "With MAPIOFFLINE_FLAG_DEFAULT, SetCurrentState starts the change and returns at once, before any notification (SET-2). \
The change then runs in three phases, advanced here one tick at a time: START, STATECHANGE and DONE (NTF-2). \
GetCurrentState reads the old state during START and the new one from the STATECHANGE phase on, even though the change is not finished until DONE (CUR-3). \
Each phase carries the same old and new states, and nothing more arrives afterwards (NTF-7). \
Every notification also carries the client token 42 given to Advise (NTF-3).",
        clauses: &[Clause::Set2, Clause::Ntf2, Clause::Cur3, Clause::Ntf7, Clause::Ntf3],
        source: include_str!("go-offline-async.scn"),
    },
    Lesson {
        name: "blocking-change",
        title: "A blocking change: all three notifications inside the call",
        explanation: "With MAPIOFFLINE_FLAG_BLOCK, SetCurrentState returns only when the change is complete (SET-1). \
All three notifications are therefore delivered inside the call, and S_OK means the state has been changed (SET-8). \
Asking again for the state the object is already in returns S_OK with no change and no notifications (SET-10).",
        clauses: &[Clause::Set1, Clause::Set8, Clause::Set10],
        source: include_str!("blocking-change.scn"),
    },
    Lesson {
        name: "e-pending-documented",
        title: "E_PENDING, documented reading: every call waits for DONE",
        explanation: "The reference contradicts itself about E_PENDING (SET-4): its return-value section ties it to an earlier blocking call, while its text says that during an asynchronous change every SetCurrentState returns E_PENDING (SET-3). \
This lesson uses the documented reading, the simulator's default, in which every call during the change is refused, whatever its flags or requested state. \
An E_PENDING call changes nothing and is not remembered. \
A client treats E_PENDING as \"try again after STATECHANGE_DONE\" (rule R5), and the retry after DONE succeeds.",
        clauses: &[Clause::Set3, Clause::Set4],
        source: include_str!("e-pending-documented.scn"),
    },
    Lesson {
        name: "e-pending-literal",
        title: "E_PENDING, literal reading: only a blocking change makes callers wait",
        explanation: "Read literally, SET-4 says E_PENDING arises only after an earlier call with MAPIOFFLINE_FLAG_BLOCK, and `config set4 literal` selects that reading. \
A request made during an asynchronous change is then accepted and applied once that change completes, instead of being refused as SET-3 says. \
While a blocking change runs the caller is inside SetCurrentState, so only a sink's Notify can call again, and that call gets E_PENDING. \
Compare with the lesson e-pending-documented to see both readings side by side.",
        clauses: &[Clause::Set4],
        source: include_str!("e-pending-literal.scn"),
    },
    Lesson {
        name: "network-loss",
        title: "Losing the network, and working online again",
        explanation: "A profile also goes offline when the network or its server fails, with the same three notifications as a requested change (GEN-5). \
Asking to work online while connectivity is missing returns S_OK and is remembered: the profile goes online, with notifications, as soon as connectivity returns (SET-11). \
A user who instead confirms OFFLINE meanwhile gets S_OK with no change (SET-10), and the profile stays offline when the server comes back.",
        clauses: &[Clause::Gen5, Clause::Set11, Clause::Set10],
        source: include_str!("network-loss.scn"),
    },
    Lesson {
        name: "online-only-object",
        title: "An object that reports only online changes",
        explanation: "GetCapabilities says which notifications an object can deliver (CAP-1), and depending on the mail server an object may support only one direction (CAP-2). \
This profile reports only MAPIOFFLINE_CAPABILITY_ONLINE. \
Going offline, whether requested or caused by the network, still happens but notifies nobody (CAP-4), so a client that needs to know must poll GetCurrentState. \
Going back online is notified as usual.",
        clauses: &[Clause::Cap1, Clause::Cap2, Clause::Cap4],
        source: include_str!("online-only-object.scn"),
    },
    Lesson {
        name: "child-follows-parent",
        title: "A store's offline object follows the global object",
        explanation: "HrCreateOfflineObj creates an offline object of a given type and instance (CRE-2), and pParent names the object whose changes it inherits (CRE-3). \
Here a store's object is created under the profile's global object. \
When the global object goes offline the store's object goes with it in the same transition, and in each phase it notifies its own registrations after the parent's (CRE-7). \
While its parent is offline the child cannot go online: its request returns S_OK and is remembered (SET-11), and it follows the parent back online.",
        clauses: &[Clause::Cre2, Clause::Cre3, Clause::Cre7, Clause::Set11],
        source: include_str!("child-follows-parent.scn"),
    },
    Lesson {
        name: "late-registration",
        title: "Registering while a change is in progress",
        explanation: "A registration made while a change is running receives nothing of that change, not even its remaining phases (ADV-11). \
It receives every later change. \
A client that registers late should read GetCurrentState once after Advise rather than wait for a notification that will not come.",
        clauses: &[Clause::Adv11],
        source: include_str!("late-registration.scn"),
    },
    Lesson {
        name: "unadvise-inside-notify",
        title: "Unadvise from inside Notify",
        explanation: "A sink may remove its own registration from inside Notify, here on the first START it receives. \
After Unadvise returns, that sink receives nothing more, not even the rest of the change in progress (UNADV-4), and the manager's reference on it is released at once (UNADV-3). \
Another sink registered on the same object receives every phase as usual (NTF-7). \
Unadvising the same token again still returns S_OK (UNADV-2), but the trace flags it as a client error.",
        clauses: &[Clause::Unadv4, Clause::Unadv3, Clause::Ntf7, Clause::Unadv2],
        source: include_str!("unadvise-inside-notify.scn"),
    },
    Lesson {
        name: "reentrant-set",
        title: "SetCurrentState from inside Notify",
        explanation: "A sink that calls SetCurrentState from inside Notify while a change is in progress gets E_PENDING at once (NTF-8), as SET-3 says for any call during a change. \
That holds for a blocking change too, so a re-entrant call never deadlocks, and no notification is lost or delivered twice. \
It also holds at DONE: the change is complete only once DONE has been delivered to everyone. \
To act on DONE, a client records what it wants and calls after Notify returns.",
        clauses: &[Clause::Ntf8],
        source: include_str!("reentrant-set.scn"),
    },
    Lesson {
        name: "unsupported-notification",
        title: "Ignoring notifications outside the supported values",
        explanation: "Outlook may send notifications with another NotifyType or another ulMask, and clients must ignore them (NTF-6, GEN-4). \
Only the three documented types with ulMask equal to MAPIOFFLINE_STATE_OFFLINE_MASK carry a state change, so a sink must check both before reading Info.StateChange (NTF-5). \
The careful sink here ignores the injected notifications, while the sink declared no-validate reads them and is flagged under rule R6. \
Neither notification changes the object's state.",
        clauses: &[Clause::Ntf6, Clause::Gen4, Clause::Ntf5],
        source: include_str!("unsupported-notification.scn"),
    },
    Lesson {
        name: "extra-bits",
        title: "Bits outside the mask: capabilities and state",
        explanation: "An object may report capability bits besides OFFLINE and ONLINE, and a client tests only the two documented bits (CAP-3). \
GetCurrentState may also carry bits outside MAPIOFFLINE_STATE_OFFLINE_MASK, which is why shipping clients mask the value before comparing it (CUR-2). \
This lesson turns both on and shows that the raw values differ from the constants while the masked state is right. \
Comparing unmasked values breaks rule R6.",
        clauses: &[Clause::Cap3, Clause::Cur2],
        source: include_str!("extra-bits.scn"),
    },
    Lesson {
        name: "open-failures",
        title: "Every way HrOpenOfflineObj can fail",
        explanation: "HrOpenOfflineObj has two documented results, S_OK and MAPI_E_NOT_FOUND (OPEN-7), so a failed call never says which precondition it broke, but the trace does (OPEN-11). \
Each call in this lesson breaks exactly one precondition: ulReserved must be 0 (OPEN-2), the profile must be named and exist (OPEN-3), pGUID must point to GUID_GlobalState (OPEN-4), pReserved must be NULL (OPEN-5), and the out pointer must not be NULL. \
Even a perfect call fails for a caller outside the Outlook process (OPEN-8). \
The last call gets everything right and succeeds.",
        clauses: &[
            Clause::Open2,
            Clause::Open3,
            Clause::Open4,
            Clause::Open5,
            Clause::Open7,
            Clause::Open8,
            Clause::Open11,
        ],
        source: include_str!("open-failures.scn"),
    },
    Lesson {
        name: "invalid-arguments",
        title: "Arguments SetCurrentState does not accept",
        explanation: "SetCurrentState takes only MAPIOFFLINE_STATE_OFFLINE_MASK as its mask (SET-5), ONLINE or OFFLINE as its state (SET-6), one of the two documented flags, and a NULL pReserved (SET-7). \
The reference does not say what happens otherwise, so the simulator returns E_INVALIDARG and flags it as an undocumented result (SET-9). \
None of these calls starts a change. \
GetCapabilities and GetCurrentState likewise refuse a NULL out pointer with E_INVALIDARG (CAP-5, CUR-4).",
        clauses: &[
            Clause::Set5,
            Clause::Set6,
            Clause::Set7,
            Clause::Set9,
            Clause::Cap5,
            Clause::Cur4,
        ],
        source: include_str!("invalid-arguments.scn"),
    },
    Lesson {
        name: "advise-mistakes",
        title: "Getting MAPIOFFLINE_ADVISEINFO right on a 32-bit client",
        explanation: "Advise accepts only its documented flags, callback type, advise types and state mask (ADV-2, ADV-6, ADV-7, ADV-8) and a correct ulSize (ADV-4), and returns E_INVALIDARG for anything else or a NULL pointer (ADV-3, ADV-9). \
The size is the classic trap: MAPIOFFLINE_ADVISEINFO is 24 bytes on x86 and 32 bytes on x64, so a hard-coded 32 fails in this 32-bit world while sizeof() is right everywhere. \
A NULL callback, or one that does not implement IMAPIOfflineNotify, gets E_NOINTERFACE (ADV-9). \
Registering before calling GetCapabilities works but skips a step of the workflow (GEN-3) and breaks rule R1.",
        clauses: &[
            Clause::Adv2,
            Clause::Adv3,
            Clause::Adv4,
            Clause::Adv6,
            Clause::Adv7,
            Clause::Adv8,
            Clause::Adv9,
            Clause::Gen3,
        ],
        source: include_str!("advise-mistakes.scn"),
    },
    Lesson {
        name: "placeholder-slots",
        title: "Never call a placeholder slot",
        explanation: "IMAPIOffline's vtable ends with one placeholder after its three methods (OFF-2), and IMAPIOfflineMgr adds seven more after Advise and Unadvise (MGR-2). \
The placeholders are reserved for Outlook: the simulator answers a call to one with E_NOTIMPL and flags it as a client error under rule R7 (OFF-3). \
Calling a named method by its slot number without its arguments is flagged too.",
        clauses: &[Clause::Off2, Clause::Off3, Clause::Mgr2],
        source: include_str!("placeholder-slots.scn"),
    },
    Lesson {
        name: "reference-counting",
        title: "Counting references to the global object",
        explanation: "Opening a profile again returns the same global object, with one more reference that the caller must release (OPEN-10). \
QueryInterface for IUnknown, IMAPIOffline or IMAPIOfflineMgr adds a reference too, while any other interface returns E_NOINTERFACE and writes NULL (MGR-3). \
Releasing more references than were obtained, or using the pointer after the last Release, breaks rule R4.",
        clauses: &[Clause::Open10, Clause::Mgr3],
        source: include_str!("reference-counting.scn"),
    },
    Lesson {
        name: "create-offline-object",
        title: "HrCreateOfflineObj: preconditions and aggregation",
        explanation: "HrCreateOfflineObj requires ulFlags and ulCreateFlags to be 0 and pConnectInfo to be NULL (CRE-1). \
With pAggregateInfo the new object is aggregated onto an outer object: QueryInterface for any interface other than the offline ones passes through to pOuterObj, and pRefTrackRoot must be NULL (CRE-5). \
The reference lists the function's return value as \"None\" (CRE-6), so the simulator documents its own choice: S_OK, or E_INVALIDARG for a broken precondition.",
        clauses: &[Clause::Cre1, Clause::Cre5, Clause::Cre6],
        source: include_str!("create-offline-object.scn"),
    },
    Lesson {
        name: "forgotten-cleanup",
        title: "A client that forgets Unadvise and Release",
        explanation: "The client workflow ends with Unadvise for every registration (GEN-3, rule R3), and every reference a client obtains must be released (OPEN-10, rule R4). \
This client does neither, so the manager also keeps its reference on the client's sink (ADV-10). \
When Outlook shuts down, the report lists the registration that was never removed and the object whose reference was never released.",
        clauses: &[Clause::Gen3, Clause::Open10, Clause::Adv10],
        source: include_str!("forgotten-cleanup.scn"),
    },
];

/// The lesson with this name.
pub fn find(name: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.name == name)
}

/// The lesson name closest to a misspelt one, if any is close enough; failing that, the
/// first lesson whose name contains what was typed (`blocking` finds `blocking-change`).
pub fn suggest(name: &str) -> Option<&'static str> {
    nearest(name, LESSONS.iter().map(|l| l.name)).or_else(|| {
        let typed = name.trim().to_ascii_lowercase();
        (typed.len() >= 3)
            .then(|| LESSONS.iter().find(|l| l.name.contains(typed.as_str())))
            .flatten()
            .map(|l| l.name)
    })
}
