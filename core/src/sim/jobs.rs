//! The work stack: everything a call sets in motion (the phases of a blocking change, a
//! literal SET-4 wait, the clock running phases due) is a [`Job`] on an explicit stack
//! instead of a Rust call chain, so that the engine can stop at a foreign sink's `Notify`
//! and resume after the driver has called it (the C ABI). A simulated sink runs inside
//! its delivery; a foreign one makes [`Sim::drive`] stop with the delivery pending.
//!
//! The protocol for a driver that registers foreign sinks:
//!
//! 1. make a call (or advance the clock); its HRESULT is final when it returns;
//! 2. while [`Sim::poll_notify`] returns a delivery, call that sink's `Notify` holding no
//!    borrow of the simulator, then call [`Sim::notify_returned`];
//! 3. calls made from inside that `Notify` follow the same protocol: each is an ordinary
//!    call whose own pump ends when its own work is done.

use super::Sim;
use crate::consts::*;
use crate::trace::*;

/// How the phases of a transition follow one another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Pace {
    /// The next phase runs at once: a blocking change, or a literal SET-4 wait finishing
    /// a change in progress (SET-1).
    Now,
    /// The next phase is scheduled on the clock (an asynchronous change).
    Clock,
}

#[derive(Clone, Copy, Debug)]
pub(super) enum Job {
    /// The start of a phase: its trace event and, at STATECHANGE, the new states.
    Phase { t: u32, phase: u32, pace: Pace },
    /// Notifying the phase to the registrations of affected object `a` after token `cursor`.
    Deliver {
        t: u32,
        phase: u32,
        a: u32,
        cursor: u32,
    },
    /// After a phase: the next phase, or completion.
    After { t: u32, phase: u32, pace: Pace },
    /// An injected notification (NTF-6) to the registrations of `obj` after `cursor`.
    Inject {
        obj: u32,
        info: NotifyInfo,
        bound: u32,
        cursor: u32,
    },
    /// Literal SET-4 with `MAPIOFFLINE_FLAG_BLOCK`: run the change in progress in the tree
    /// of `root`, and each change deferred behind it, to completion.
    FinishTree { root: u32, saved: bool },
    /// The blocking call's own request, once its tree is at rest.
    SetAfterWait { obj: u32, ul_state: u32 },
    /// The Return of a call whose work had to run first.
    Leave { by: Caller, func: Func, hr: HResult },
    /// [`Sim::advance`]: the phases due up to `to`.
    Advance { to: Tick },
    /// [`Sim::run_until_idle`]: every scheduled phase.
    Idle { steps: u64 },
}

/// A notification core has stopped at: the driver calls this foreign sink's `Notify`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ForeignNotify {
    /// The client object the notification is for (its `IMAPIOfflineNotify`).
    pub sink: Ptr,
    /// The advise token of the registration it arrives through.
    pub token: u32,
    /// The `MAPIOFFLINE_NOTIFY` to pass, `ulClientToken` filled in.
    pub info: NotifyInfo,
}

/// The work stack: jobs not done yet, the foreign `Notify` the driver is to call, and
/// for each foreign `Notify` in progress the floor of the work waiting for it. A call
/// drives the jobs above its own floor; the floors nest as calls from inside `Notify` do.
#[derive(Default)]
pub(super) struct Work {
    jobs: Vec<Job>,
    /// A foreign sink's `Notify` the driver is to call.
    pending: Option<ForeignNotify>,
    /// For each foreign `Notify` in progress, the floor of the work waiting for it.
    suspended: Vec<usize>,
}

impl Work {
    /// Where a call's own work starts: the jobs below are its callers'.
    #[inline]
    pub(super) fn floor(&self) -> usize {
        self.jobs.len()
    }

    #[inline]
    pub(super) fn push(&mut self, job: Job) {
        self.jobs.push(job);
    }

    /// The next job above `floor`, unless a foreign delivery is pending.
    #[inline]
    fn next_above(&mut self, floor: usize) -> Option<Job> {
        if self.pending.is_some() || self.jobs.len() <= floor {
            return None;
        }
        self.jobs.pop()
    }

    /// Puts `job` at `floor`, under everything above it: what runs last.
    fn insert_at(&mut self, floor: usize, job: Job) {
        self.jobs.insert(floor, job);
    }

    /// Puts `job` under the top job: what runs after it.
    pub(super) fn insert_under_top(&mut self, job: Job) {
        let k = self.jobs.len() - 1;
        self.jobs.insert(k, job);
    }

    #[inline]
    pub(super) fn has_pending(&self) -> bool {
        self.pending.is_some()
    }

    pub(super) fn set_pending(&mut self, n: ForeignNotify) {
        self.pending = Some(n);
    }

    fn take_pending(&mut self) -> Option<ForeignNotify> {
        self.pending.take()
    }

    fn suspend(&mut self, floor: usize) {
        self.suspended.push(floor);
    }

    fn resume(&mut self) -> Option<usize> {
        self.suspended.pop()
    }

    fn outstanding(&self) -> bool {
        self.pending.is_some() || !self.suspended.is_empty()
    }
}

impl Sim {
    /// Runs the jobs above `floor` until they are done or a foreign delivery is pending.
    pub(super) fn drive(&mut self, floor: usize) {
        while let Some(job) = self.work.next_above(floor) {
            self.run_job(job);
        }
        if self.work.has_pending() {
            self.work.suspend(floor);
        }
    }

    /// Ends a call: its Return now if nothing is left to do, or after its work.
    pub(super) fn leave_after(&mut self, floor: usize, by: Caller, func: Func, hr: HResult) {
        self.drive(floor);
        if !self.work.has_pending() {
            self.leave(by, func, Some(hr), None);
            return;
        }
        // Stopped at a foreign sink: the Return waits under the rest of the call's work.
        self.work.insert_at(floor, Job::Leave { by, func, hr });
    }

    fn run_job(&mut self, job: Job) {
        match job {
            Job::Phase { t, phase, pace } => self.phase_start(t, phase, pace),
            Job::Deliver {
                t,
                phase,
                a,
                cursor,
            } => self.phase_deliver(t, phase, a, cursor),
            Job::After { t, phase, pace } => self.phase_after(t, phase, pace),
            Job::Inject {
                obj,
                info,
                bound,
                cursor,
            } => {
                if let Some(cursor) = self.deliver(obj as usize, info, bound, None, cursor) {
                    self.work.push(Job::Inject {
                        obj,
                        info,
                        bound,
                        cursor,
                    });
                }
            }
            Job::FinishTree { root, saved } => self.finish_step(root as usize, saved),
            Job::SetAfterWait { obj, ul_state } => {
                let i = obj as usize;
                if self.tree_busy(i).is_none() {
                    self.set_apply(i, MAPIOFFLINE_FLAG_BLOCK, ul_state);
                }
            }
            Job::Leave { by, func, hr } => self.leave(by, func, Some(hr), None),
            Job::Advance { to } => self.advance_step(to),
            Job::Idle { steps } => self.idle_step(steps),
        }
    }

    /// The delivery core has stopped at, if any. Taking it obliges the driver to call the
    /// sink's `Notify` with it now, then [`Sim::notify_returned`].
    pub fn poll_notify(&mut self) -> Option<ForeignNotify> {
        self.work.take_pending()
    }

    /// The foreign `Notify` handed out by [`Sim::poll_notify`] returned: the engine
    /// resumes where it stopped, up to the end of the call that was waiting for it (or to
    /// the next foreign delivery). Without a delivery outstanding this does nothing.
    pub fn notify_returned(&mut self) {
        if self.work.has_pending() {
            return; // not taken yet: the driver has not called Notify
        }
        let Some(floor) = self.work.resume() else {
            return;
        };
        self.in_notify -= 1;
        self.depth -= 1;
        self.drive(floor);
    }

    /// Whether a foreign `Notify` is waiting to be called or to return.
    pub fn notify_outstanding(&self) -> bool {
        self.work.outstanding()
    }
}
