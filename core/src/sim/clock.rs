//! The virtual clock: the tick the world is at, the phases of asynchronous changes
//! scheduled on it, and driving it (`advance`, `run_until_idle`). Nothing else moves time.

use super::jobs::Job;
use super::{Sim, SimError};
use crate::trace::*;
use std::collections::BTreeSet;

/// The tick the world is at and the phases due: (tick, transition), earliest first.
#[derive(Default)]
pub(super) struct Clock {
    now: Tick,
    queue: BTreeSet<(Tick, u32)>,
    /// `run_until_idle` gave up after this many phases.
    not_idle: Option<u64>,
}

impl Clock {
    #[inline(always)]
    pub(super) fn now(&self) -> Tick {
        self.now
    }

    /// The tick of the next scheduled phase, if any.
    pub(super) fn next_due(&self) -> Option<Tick> {
        self.queue.first().map(|(t, _)| *t)
    }

    /// Schedules transition `id`'s next phase `spacing` ticks from now.
    #[inline]
    pub(super) fn schedule_after(&mut self, spacing: Tick, id: u32) {
        self.queue.insert((self.now.saturating_add(spacing), id));
    }

    /// Unschedules transition `id` (a blocking call runs its phases now instead).
    pub(super) fn cancel(&mut self, id: u32) {
        self.queue.retain(|&(_, t)| t != id);
    }

    /// Shutdown: nothing is due any more.
    pub(super) fn clear(&mut self) {
        self.queue.clear();
    }

    /// The next phase due at or before `to`, taken off the clock, which moves to it; or,
    /// with none, the clock moves to `to`.
    fn step_towards(&mut self, to: Tick) -> Option<u32> {
        match self.queue.first() {
            Some(&(due, id)) if due <= to => {
                self.queue.pop_first();
                self.now = due;
                Some(id)
            }
            _ => {
                self.now = to;
                None
            }
        }
    }

    /// The next phase due, whenever it is, taken off the clock, which moves to it (never
    /// back); `None` when nothing is scheduled or after `limit` phases (then it stays).
    fn step_idle(&mut self, steps: u64, limit: u64) -> Option<u32> {
        let (due, id) = self.queue.pop_first()?;
        if steps >= limit {
            self.queue.insert((due, id));
            self.not_idle = Some(steps);
            return None;
        }
        self.now = self.now.max(due);
        Some(id)
    }
}

impl Sim {
    /// Moves the clock forward by `ticks`, running every phase that falls due on the way.
    /// With a foreign sink's `Notify` pending it returns early; the rest runs as the
    /// driver reports each `Notify` returned.
    pub fn advance(&mut self, ticks: Tick) -> Result<(), SimError> {
        self.running()?;
        let from = self.clock.now();
        let to = from.saturating_add(ticks);
        self.push(EventKind::Advance { from, to });
        let floor = self.work.floor();
        self.work.push(Job::Advance { to });
        self.drive(floor);
        Ok(())
    }

    pub(super) fn advance_step(&mut self, to: Tick) {
        if let Some(id) = self.clock.step_towards(to) {
            self.work.push(Job::Advance { to });
            self.run_due(id);
        }
    }

    /// Runs phases until nothing is scheduled; returns the tick reached. With a foreign
    /// sink's `Notify` pending it returns early, as [`Sim::advance`] does.
    pub fn run_until_idle(&mut self) -> Result<Tick, SimError> {
        self.running()?;
        self.push(EventKind::RunUntilIdle {
            from: self.clock.now(),
        });
        let floor = self.work.floor();
        self.clock.not_idle = None;
        self.work.push(Job::Idle { steps: 0 });
        self.drive(floor);
        match self.clock.not_idle.take() {
            Some(steps) => Err(SimError::NotIdle { steps }),
            None => Ok(self.clock.now()),
        }
    }

    pub(super) fn idle_step(&mut self, steps: u64) {
        if let Some(id) = self.clock.step_idle(steps, self.config.max_idle_steps) {
            self.work.push(Job::Idle { steps: steps + 1 });
            self.run_due(id);
        }
    }
}
