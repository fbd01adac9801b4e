//! The transition engine: a change of state from its start through the START,
//! STATECHANGE and DONE phases to its completion, children following their parents, and
//! their phases, paced now or on the clock (`clock.rs`) (SET-1…SET-8, CAP-4, CRE-7, NTF-7).

use super::identity::Identity;
use super::jobs::{Job, Pace};
use super::{capability_for, Busy, Sim};
use crate::clauses::Clause;
use crate::consts::*;
use crate::trace::*;

#[derive(Clone, Copy)]
pub(super) struct Affected {
    obj: usize,
    old: u32,
    new: u32,
}

/// What a phase's deliveries need of their transition, read once per phase: its number,
/// the phase, ADV-11's token bound and how many objects it affects.
#[derive(Clone, Copy)]
struct Round {
    t: u32,
    phase: u32,
    bound: u32,
    objects: usize,
}

pub(super) struct Transition {
    id: u32,
    /// The root of the object tree it makes busy (SET-12).
    tree: usize,
    affected: Vec<Affected>,
    /// ADV-11: only registrations with a smaller token are notified.
    token_bound: u32,
    next_phase: u32,
}

/// The changes in progress: each transition by number, the object trees they make busy
/// (SET-12), the numbers handed out, and whether a blocking call is driving its tree to
/// rest (literal SET-4).
pub(super) struct Transitions {
    /// A handful at most, so a vector: a blocking change then costs no allocation (a map
    /// would allocate a node for each one).
    list: Vec<Transition>,
    next_id: u32,
    /// The last finished transition's buffer, for the next one: blocking changes are the
    /// hot path.
    spare: Vec<Affected>,
    /// SET-12: the transition in progress in each object tree, by the tree's root. One
    /// per tree and a handful of trees at most, so a vector searched by root: a map cost
    /// a search on insert and a node rebalance on removal in every blocking change.
    busy_trees: Vec<(usize, Busy)>,
    /// Set while a `MAPIOFFLINE_FLAG_BLOCK` call drives its tree to rest (literal SET-4):
    /// deferred changes then run inside the call too.
    blocking: bool,
}

impl Default for Transitions {
    fn default() -> Transitions {
        Transitions {
            list: Vec::new(),
            next_id: 1,
            spare: Vec::new(),
            busy_trees: Vec::new(),
            blocking: false,
        }
    }
}

impl Transitions {
    #[inline]
    fn get(&self, id: &u32) -> Option<&Transition> {
        self.list.iter().find(|t| t.id == *id)
    }
    #[inline]
    fn get_mut(&mut self, id: &u32) -> Option<&mut Transition> {
        self.list.iter_mut().find(|t| t.id == *id)
    }
    fn insert(&mut self, t: Transition) {
        self.list.push(t);
    }
    fn remove(&mut self, id: &u32) -> Option<Transition> {
        let k = self.list.iter().position(|t| t.id == *id)?;
        Some(self.list.swap_remove(k))
    }
    pub(super) fn len(&self) -> usize {
        self.list.len()
    }
    /// Shutdown: every change in progress is abandoned.
    pub(super) fn clear(&mut self) {
        self.list.clear();
    }
    /// A number for a new transition. Numbers only label transitions in the trace; they
    /// wrap after 2^32 of them.
    fn new_id(&mut self) -> u32 {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1);
        id
    }
    /// An empty buffer for a transition's affected objects, reusing the last one's.
    #[inline]
    fn take_spare(&mut self) -> Vec<Affected> {
        let mut v = std::mem::take(&mut self.spare);
        v.clear();
        v
    }
    /// The transition in progress in the tree rooted at `root`.
    #[inline]
    pub(super) fn busy_tree(&self, root: usize) -> Option<Busy> {
        self.busy_trees
            .iter()
            .find(|(r, _)| *r == root)
            .map(|&(_, b)| b)
    }
    /// Marks the tree rooted at `root` busy with `busy` (replacing what it had, as a map
    /// insert would).
    #[inline]
    fn set_busy_tree(&mut self, root: usize, busy: Busy) {
        match self.busy_trees.iter_mut().find(|(r, _)| *r == root) {
            Some(slot) => slot.1 = busy,
            None => self.busy_trees.push((root, busy)),
        }
    }
    /// The tree rooted at `root` is at rest again.
    #[inline]
    fn clear_busy_tree(&mut self, root: usize) {
        if let Some(k) = self.busy_trees.iter().position(|(r, _)| *r == root) {
            self.busy_trees.swap_remove(k);
        }
    }
    #[inline]
    fn any_busy(&self) -> bool {
        !self.busy_trees.is_empty()
    }
}

impl Sim {
    /// The root of `i`'s object tree (the objects linked through `pParent`).
    pub(super) fn tree_root(&self, mut i: usize) -> usize {
        while let Some(p) = self.objects[i].parent {
            i = p;
        }
        i
    }

    /// SET-12: the transition in progress anywhere in `i`'s tree.
    pub(super) fn tree_busy(&self, i: usize) -> Option<Busy> {
        if !self.transitions.any_busy() {
            return None;
        }
        self.transitions.busy_tree(self.tree_root(i))
    }

    /// Whether `p` is OFFLINE or on its way there: an object created under it starts
    /// OFFLINE, so that it never reads ONLINE under an OFFLINE parent (CRE-7, SET-12).
    pub(super) fn offline_or_going(&self, p: usize) -> bool {
        if self.objects[p].state == MAPIOFFLINE_STATE_OFFLINE {
            return true;
        }
        let Some(b) = self.objects[p].busy else {
            return false;
        };
        self.transitions.get(&b.transition).is_some_and(|t| {
            t.affected
                .iter()
                .any(|a| a.obj == p && a.new == MAPIOFFLINE_STATE_OFFLINE)
        })
    }

    /// Literal SET-4 with `MAPIOFFLINE_FLAG_BLOCK` (SET-1): runs the change in progress in
    /// `i`'s tree, and every change deferred behind it, to completion now, inside the
    /// blocking call (as jobs on the work stack).
    pub(super) fn finish_tree(&mut self, i: usize) {
        let saved = std::mem::replace(&mut self.transitions.blocking, true);
        let root = self.tree_root(i) as u32;
        self.work.push(Job::FinishTree { root, saved });
    }

    /// One round of [`Sim::finish_tree`]: the tree's change in progress runs its remaining
    /// phases now; the round after it looks again.
    pub(super) fn finish_step(&mut self, root: usize, saved: bool) {
        if let Some(b) = self.transitions.busy_tree(root) {
            if let Some(t) = self.transitions.get(&b.transition) {
                let phase = t.next_phase;
                self.clock.cancel(b.transition);
                self.work.push(Job::FinishTree {
                    root: root as u32,
                    saved,
                });
                self.work.push(Job::Phase {
                    t: b.transition,
                    phase,
                    pace: Pace::Now,
                });
                return;
            }
        }
        self.transitions.blocking = saved;
    }

    pub(super) fn connected(&self, profile: usize) -> bool {
        self.network_up && self.profiles[profile].server_up
    }

    /// The state an object should be in now: its request, overridden by missing
    /// connectivity (global objects, GEN-5) or an offline parent (CRE-7).
    pub(super) fn target_of(&self, i: usize) -> u32 {
        let o = &self.objects[i];
        let forced_offline = match o.parent {
            Some(p) => self.objects[p].state == MAPIOFFLINE_STATE_OFFLINE,
            None => o.is_global && !self.connected(o.profile),
        };
        if forced_offline {
            MAPIOFFLINE_STATE_OFFLINE
        } else {
            o.desired
        }
    }

    pub(super) fn collect_children(&self, i: usize, new_state: u32, out: &mut Vec<Affected>) {
        for &c in &self.objects[i].children {
            let child = &self.objects[c];
            if child.busy.is_some() {
                continue; // reconciled when its own change completes
            }
            let target = if new_state == MAPIOFFLINE_STATE_OFFLINE {
                MAPIOFFLINE_STATE_OFFLINE
            } else {
                child.desired
            };
            if target != child.state {
                out.push(Affected {
                    obj: c,
                    old: child.state,
                    new: target,
                });
                self.collect_children(c, target, out);
            }
        }
    }

    pub(super) fn start_transition(&mut self, root: usize, new: u32, blocking: bool, cause: Cause) {
        // Reuse the last finished transition's buffer: blocking changes are the hot path.
        let mut affected = self.transitions.take_spare();
        affected.push(Affected {
            obj: root,
            old: self.objects[root].state,
            new,
        });
        if !self.objects[root].children.is_empty() {
            self.collect_children(root, new, &mut affected);
        }
        let id = self.transitions.new_id();
        let busy = Busy {
            transition: id,
            object: root,
            blocking,
        };
        for a in &affected {
            self.objects[a.obj].busy = Some(busy);
        }
        let tree = self.tree_root(root);
        self.transitions.set_busy_tree(tree, busy);
        push!(
            self,
            EventKind::TransitionStarted {
                transition: id,
                object: Identity::offline_ptr(root),
                old: affected[0].old,
                new,
                blocking,
                cause,
                objects: affected.len() as u32,
            }
        );
        if affected.len() > 1 {
            self.note("transition.children", Clause::Cre7, format!("{} descendant object(s) change with it; each notifies its own registrations after its parent's, depth-first in creation order", affected.len() - 1));
        }
        // NTF-7 matters once there is an order to speak of: two or more registrations.
        let listeners: usize = affected
            .iter()
            .filter(|a| self.objects[a.obj].caps & capability_for(a.new) != 0)
            .map(|a| self.regs.count(a.obj))
            .sum();
        if listeners > 1 {
            self.note("transition.order", Clause::Ntf7, format!("{listeners} registrations receive START, STATECHANGE and DONE with the same old and new states; within each phase in the order they were made"));
        }
        for a in &affected {
            if self.objects[a.obj].caps & capability_for(a.new) == 0 {
                let cap = if a.new == MAPIOFFLINE_STATE_OFFLINE {
                    "MAPIOFFLINE_CAPABILITY_OFFLINE"
                } else {
                    "MAPIOFFLINE_CAPABILITY_ONLINE"
                };
                self.note("transition.silent", Clause::Cap4, format!("{} lacks {cap}: the change happens but notifies nobody; clients must poll GetCurrentState", Identity::offline_ptr(a.obj)));
            }
        }
        let t = Transition {
            id,
            tree,
            affected,
            token_bound: self.regs.next_token(),
            next_phase: 1,
        };
        self.transitions.insert(t);
        if blocking {
            // Its phases run before the call returns, as jobs of the call's drive.
            self.work.push(Job::Phase {
                t: id,
                phase: 1,
                pace: Pace::Now,
            });
        } else {
            self.clock.schedule_after(self.config.phase_spacing, id);
        }
    }

    /// The start of a phase: its event, the new states at STATECHANGE, then its
    /// deliveries and what follows it. Paced `Now`, the following phases run in the same
    /// loop: one lookup of the transition per phase and no call between phases (the
    /// blocking change is the hot path).
    pub(super) fn phase_start(&mut self, t: u32, mut phase: u32, pace: Pace) {
        loop {
            let Some(tr) = self.transitions.get_mut(&t) else {
                return; // abandoned at shutdown
            };
            // Already `phase`, except when this loop has just moved on to the next one.
            tr.next_phase = phase;
            let tr = &*tr;
            let Some(&first) = tr.affected.first() else {
                return;
            };
            let round = Round {
                t,
                phase,
                bound: tr.token_bound,
                objects: tr.affected.len(),
            };
            // Recorded through the fields rather than `self.push`, so that the transition
            // stays borrowed while its objects change state.
            let (tick, depth) = (self.clock.now(), self.depth);
            let events = &mut self.trace.events;
            record!(
                events,
                tick,
                depth,
                EventKind::Phase {
                    transition: t,
                    phase,
                }
            );
            if phase == MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE {
                for a in &tr.affected {
                    self.objects[a.obj].state = a.new;
                    record!(
                        events,
                        tick,
                        depth,
                        EventKind::StateChanged {
                            object: Identity::offline_ptr(a.obj),
                            old: a.old,
                            new: a.new,
                        }
                    );
                }
            }
            self.deliver_round(round, 0, first, 0);
            if self.work.has_pending() {
                // Stopped at a foreign sink: what follows the phase waits under the
                // delivery left on top of the stack.
                self.work.insert_under_top(Job::After { t, phase, pace });
                return;
            }
            match pace {
                // The next phase's lookup sets `next_phase` (or finds it abandoned).
                Pace::Now if phase < MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE => phase += 1,
                _ => {
                    self.phase_end(t, phase, pace);
                    return;
                }
            }
        }
    }

    /// Notifies the phase to each affected object's registrations, from affected object
    /// `a` and token `cursor` on; stops (leaving a job) at a foreign sink.
    pub(super) fn phase_deliver(&mut self, t: u32, phase: u32, a: u32, cursor: u32) {
        let Some((af, bound, objects)) = self.transitions.get(&t).and_then(|tr| {
            let af = *tr.affected.get(a as usize)?;
            Some((af, tr.token_bound, tr.affected.len()))
        }) else {
            return;
        };
        let round = Round {
            t,
            phase,
            bound,
            objects,
        };
        self.deliver_round(round, a as usize, af, cursor);
    }

    /// [`Sim::phase_deliver`] with affected object `k` (`af`) already looked up.
    #[inline(always)]
    fn deliver_round(&mut self, round: Round, mut k: usize, mut af: Affected, mut cursor: u32) {
        let Round {
            t,
            phase,
            bound,
            objects,
        } = round;
        loop {
            if self.objects[af.obj].caps & capability_for(af.new) != 0 {
                let info = NotifyInfo {
                    ul_size: SIZEOF_MAPIOFFLINE_NOTIFY,
                    notify_type: phase,
                    ul_client_token: 0,
                    ul_mask: MAPIOFFLINE_STATE_OFFLINE_MASK,
                    ul_state_old: af.old,
                    ul_state_new: af.new,
                };
                if let Some(c) = self.deliver(af.obj, info, bound, Some(t), cursor) {
                    self.work.push(Job::Deliver {
                        t,
                        phase,
                        a: k as u32,
                        cursor: c,
                    });
                    return;
                }
            }
            k += 1;
            if k >= objects {
                return;
            }
            // Looked up again: a sink's calls may have ended the world, which abandons
            // every transition.
            let Some(next) = self
                .transitions
                .get(&t)
                .and_then(|tr| tr.affected.get(k).copied())
            else {
                return;
            };
            af = next;
            cursor = 0;
        }
    }

    /// After a phase: the next one now or on the clock, or the transition's completion.
    pub(super) fn phase_after(&mut self, t: u32, phase: u32, pace: Pace) {
        if self.phase_end(t, phase, pace) {
            self.phase_start(t, phase + 1, pace);
        }
    }

    /// The end of a phase: completion after DONE, else the next phase scheduled on the
    /// clock or, when it is to run now, `true` (the caller runs it).
    #[inline]
    fn phase_end(&mut self, t: u32, phase: u32, pace: Pace) -> bool {
        if phase >= MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE {
            if let Some(tr) = self.transitions.remove(&t) {
                self.complete(tr);
            }
            return false;
        }
        let Some(tr) = self.transitions.get_mut(&t) else {
            return false;
        };
        tr.next_phase = phase + 1;
        match pace {
            Pace::Now => true,
            Pace::Clock => {
                self.clock.schedule_after(self.config.phase_spacing, t);
                false
            }
        }
    }

    pub(super) fn complete(&mut self, t: Transition) {
        push!(self, EventKind::TransitionCompleted { transition: t.id });
        for a in &t.affected {
            self.objects[a.obj].busy = None;
        }
        let tree = t.tree;
        self.transitions.clear_busy_tree(tree);
        self.transitions.spare = t.affected;
        if self.objects[tree].is_global {
            let pi = self.objects[tree].profile;
            if self.profiles[pi].env_deferred.take().is_some() {
                self.note("env.applied", Clause::Gen6, format!("transition #{} is complete: the change in connectivity that arrived during it is applied now", t.id));
            }
        }
        // The whole tree: a request or a parent's change may have left any object of it
        // needing a change of its own.
        self.reconcile(tree);
    }

    /// Starts whatever change an object (or a descendant) now needs: a request or an
    /// environment change that arrived while it was busy, or a parent that moved.
    pub(super) fn reconcile(&mut self, i: usize) {
        // One transition per tree at a time (SET-12): the running one reconciles the
        // tree again when it completes.
        if self.objects[i].busy.is_some() || self.tree_busy(i).is_some() {
            return;
        }
        let target = self.target_of(i);
        if target != self.objects[i].state {
            self.start_transition(i, target, self.transitions.blocking, Cause::Deferred);
            return;
        }
        for k in 0..self.objects[i].children.len() {
            let c = self.objects[i].children[k];
            self.reconcile(c);
        }
    }

    /// The clock reached transition `id`'s next phase.
    pub(super) fn run_due(&mut self, id: u32) {
        let Some(t) = self.transitions.get(&id) else {
            return;
        };
        let phase = t.next_phase;
        self.phase_start(id, phase, Pace::Clock);
    }
}
