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

use super::*;

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

impl Sim {
    /// Runs the jobs above `floor` until they are done or a foreign delivery is pending.
    pub(super) fn drive(&mut self, floor: usize) {
        while self.pending.is_none() && self.jobs.len() > floor {
            let job = self.jobs.pop().expect("above the floor");
            self.run_job(job);
        }
        if self.pending.is_some() {
            self.suspended.push(floor);
        }
    }

    /// Ends a call: its Return now if nothing is left to do, or after its work.
    pub(super) fn leave_after(&mut self, floor: usize, by: Caller, func: Func, hr: HResult) {
        self.drive(floor);
        if self.pending.is_none() {
            self.leave(by, func, Some(hr), None);
            return;
        }
        // Stopped at a foreign sink: the Return waits under the rest of the call's work.
        self.jobs.insert(floor, Job::Leave { by, func, hr });
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
                    self.jobs.push(Job::Inject {
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
        self.pending.take()
    }

    /// The foreign `Notify` handed out by [`Sim::poll_notify`] returned: the engine
    /// resumes where it stopped, up to the end of the call that was waiting for it (or to
    /// the next foreign delivery). Without a delivery outstanding this does nothing.
    pub fn notify_returned(&mut self) {
        if self.pending.is_some() {
            return; // not taken yet: the driver has not called Notify
        }
        let Some(floor) = self.suspended.pop() else {
            return;
        };
        self.in_notify -= 1;
        self.depth -= 1;
        self.drive(floor);
    }

    /// Whether a foreign `Notify` is waiting to be called or to return.
    pub fn notify_outstanding(&self) -> bool {
        self.pending.is_some() || !self.suspended.is_empty()
    }
}
