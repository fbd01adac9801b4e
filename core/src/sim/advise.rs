//! `Advise` and `Unadvise`: argument checks and the registrations they add and remove
//! (ADV-*, UNADV-*).

use super::identity::{Identity, Target};
use super::{Ret, Sim};
use crate::clauses::{Clause, Rule};
use crate::consts::*;
use crate::trace::*;

/// One registration: what Advise was given.
#[derive(Clone, Copy)]
pub(super) struct Reg {
    pub(super) client_token: u32,
    /// Index of the sink among the client objects (u32 keeps a registration small).
    pub(super) sink: u32,
}

/// A removed registration's `sink`, until its slot is compacted away.
const REMOVED: u32 = u32::MAX;

/// A reference the manager takes or drops on a foreign sink: one at a successful Advise
/// (ADV-10), one at the Unadvise that removes the registration (UNADV-3). Core counts it
/// in the trace; the driver ([`Sim::poll_foreign_ref`]) makes it real by calling the
/// sink's own `AddRef` or `Release`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ForeignRef {
    AddRef(Ptr),
    Release(Ptr),
}

/// One object's registrations, in token order (which is registration order, NTF-7).
///
/// A vector, not a map: tokens only grow, so Advise appends, and every phase of every
/// change walks the whole list, which a slice does in one pass (a `BTreeMap` range costs
/// two searches to start and a pointer chase per node: the largest part of a blocking
/// change's fixed cost at one sink). Unadvise marks the slot removed and compacts once
/// removed slots outnumber live ones, so it stays O(log n) amortised.
#[derive(Default)]
struct ObjectRegs {
    slots: Vec<(u32, Reg)>,
    live: usize,
}

impl ObjectRegs {
    /// The index of the first slot with a token after `after`.
    #[inline]
    fn first_after(&self, after: u32) -> usize {
        // Tokens start at 1: a delivery that starts from the beginning searches nothing.
        if after == 0 {
            0
        } else {
            self.slots.partition_point(|(t, _)| *t <= after)
        }
    }

    /// The index of the first slot with a token at or above `below`.
    #[inline]
    fn first_from(&self, below: u32) -> usize {
        // Usually every registration is older than the transition: no search.
        match self.slots.last() {
            Some((t, _)) if *t >= below => self.slots.partition_point(|(t, _)| *t < below),
            _ => self.slots.len(),
        }
    }

    fn find(&self, token: u32) -> Option<usize> {
        let k = self.slots.binary_search_by_key(&token, |(t, _)| *t).ok()?;
        (self.slots[k].1.sink != REMOVED).then_some(k)
    }

    fn iter(&self) -> impl Iterator<Item = (u32, Reg)> + '_ {
        self.slots
            .iter()
            .filter(|(_, r)| r.sink != REMOVED)
            .copied()
    }
}

/// Registrations from [`Registrations::between`]: (advise token, registration).
pub(super) struct Between<'a>(std::slice::Iter<'a, (u32, Reg)>);

impl Between<'_> {
    /// How many registrations it yields at most (removed ones are skipped).
    #[inline]
    pub(super) fn most(&self) -> usize {
        self.0.len()
    }
}

impl<'a> Iterator for Between<'a> {
    type Item = (u32, &'a Reg);
    #[inline(always)]
    fn next(&mut self) -> Option<(u32, &'a Reg)> {
        loop {
            let (t, r) = self.0.next()?;
            if r.sink != REMOVED {
                return Some((*t, r));
            }
        }
    }
}

/// The registrations: each offline object's, by advise token, and the tokens handed out.
pub(super) struct Registrations {
    /// By offline object.
    by_object: Vec<ObjectRegs>,
    /// The next advise token; tokens are never reused within a run (ADV-10).
    next_token: u32,
    /// References on foreign sinks the driver has yet to take or drop, oldest first.
    foreign_refs: Vec<ForeignRef>,
}

impl Default for Registrations {
    fn default() -> Registrations {
        Registrations {
            by_object: Vec::new(),
            next_token: 1,
            foreign_refs: Vec::new(),
        }
    }
}

impl Registrations {
    /// A new offline object, with no registrations.
    pub(super) fn add_object(&mut self) {
        self.by_object.push(ObjectRegs::default());
    }

    /// The token the next Advise gets: registrations below it exist now (ADV-11's bound).
    #[inline]
    pub(super) fn next_token(&self) -> u32 {
        self.next_token
    }

    pub(super) fn exhausted(&self) -> bool {
        self.next_token == u32::MAX
    }

    /// Registers `sink` on `obj`; returns the new advise token.
    pub(super) fn insert(&mut self, obj: usize, client_token: u32, sink: usize) -> u32 {
        let token = self.next_token;
        self.next_token += 1;
        let regs = &mut self.by_object[obj];
        // The newest token: appending keeps the slots in token order.
        regs.slots.push((
            token,
            Reg {
                client_token,
                sink: sink as u32, // < MAX_OBJECTS
            },
        ));
        regs.live += 1;
        token
    }

    pub(super) fn remove(&mut self, obj: usize, token: u32) -> Option<Reg> {
        let regs = &mut self.by_object[obj];
        let k = regs.find(token)?;
        let reg = std::mem::replace(
            &mut regs.slots[k].1,
            Reg {
                client_token: 0,
                sink: REMOVED,
            },
        );
        regs.live -= 1;
        if regs.slots.len() - regs.live > regs.live.max(8) {
            regs.slots.retain(|(_, r)| r.sink != REMOVED);
        }
        Some(reg)
    }

    /// The object a token is registered on, if any.
    pub(super) fn owner_of(&self, token: u32) -> Option<usize> {
        self.by_object.iter().position(|r| r.find(token).is_some())
    }

    #[inline]
    pub(super) fn count(&self, obj: usize) -> usize {
        self.by_object[obj].live
    }

    pub(super) fn total(&self) -> usize {
        self.by_object.iter().map(|r| r.live).sum()
    }

    /// `obj`'s registrations with tokens after `after` and below `below`, in order.
    #[inline]
    pub(super) fn between(&self, obj: usize, after: u32, below: u32) -> Between<'_> {
        let regs = &self.by_object[obj];
        let (start, end) = (regs.first_after(after), regs.first_from(below));
        Between(regs.slots.get(start..end).unwrap_or(&[]).iter())
    }

    /// `obj`'s registrations as the driver sees them: (advise token, ulClientToken, sink).
    pub(super) fn listed(&self, obj: usize) -> impl Iterator<Item = (u32, u32, Ptr)> + '_ {
        self.by_object[obj]
            .iter()
            .map(|(t, r)| (t, r.client_token, Identity::client_ptr(r.sink as usize)))
    }

    /// Every registration, by object: (object, advise token, sink).
    pub(super) fn all(&self) -> impl Iterator<Item = (Ptr, u32, Ptr)> + '_ {
        self.by_object.iter().enumerate().flat_map(|(i, regs)| {
            regs.iter().map(move |(t, r)| {
                (
                    Identity::offline_ptr(i),
                    t,
                    Identity::client_ptr(r.sink as usize),
                )
            })
        })
    }

    fn foreign_ref(&mut self, r: ForeignRef) {
        self.foreign_refs.push(r);
    }

    fn take_foreign_ref(&mut self) -> Option<ForeignRef> {
        (!self.foreign_refs.is_empty()).then(|| self.foreign_refs.remove(0))
    }
}

impl Sim {
    /// The next reference the manager took or dropped on a foreign sink, oldest first:
    /// the driver calls that sink's `AddRef` or `Release` for it, holding no borrow of the
    /// simulator. A call's references are here when it returns.
    pub fn poll_foreign_ref(&mut self) -> Option<ForeignRef> {
        self.regs.take_foreign_ref()
    }

    /// `this->Advise(ulFlags, pAdviseInfo, pulAdviseToken)`.
    pub fn advise(
        &mut self,
        this: Ptr,
        ul_flags: u32,
        p_advise_info: Option<&AdviseInfo>,
        pul_advise_token: Out,
    ) -> Ret<u32> {
        let by = Caller::Client;
        self.enter(
            by,
            Call::Advise {
                this,
                ul_flags,
                p_advise_info: p_advise_info.copied().map(Box::new),
                pul_advise_token,
            },
        );
        let (hr, out) = self.advise_inner(this, ul_flags, p_advise_info, pul_advise_token);
        self.leave(by, Func::Advise, Some(hr), out.map(OutValue::Ulong));
        Ret { hr, out }
    }

    pub(super) fn advise_inner(
        &mut self,
        this: Ptr,
        ul_flags: u32,
        info: Option<&AdviseInfo>,
        out: Out,
    ) -> (HResult, Option<u32>) {
        let Some(i) = self.offline_this(this, Func::Advise, Caller::Client) else {
            return (HResult::E_INVALIDARG, None);
        };
        let mut bad = false;
        if ul_flags != MAPIOFFLINE_ADVISE_DEFAULT {
            bad = true;
            self.error(
                "advise.flags",
                Some(Clause::Adv2),
                Some(Rule::R2),
                format!(
                    "ulFlags 0x{ul_flags:08X}: only MAPIOFFLINE_ADVISE_DEFAULT (0) is supported"
                ),
            );
        }
        if out.is_null() {
            bad = true;
            self.error(
                "advise.out_null",
                Some(Clause::Adv9),
                None,
                "pulAdviseToken is NULL: there is nowhere to write the advise token".into(),
            );
        }
        match info {
            None => {
                bad = true;
                self.error(
                    "advise.info_null",
                    Some(Clause::Adv9),
                    None,
                    "pAdviseInfo is NULL".into(),
                );
            }
            Some(a) => {
                let size = self.config.arch.sizeof_adviseinfo();
                if a.ul_size != size {
                    bad = true;
                    self.error("advise.size", Some(Clause::Adv4), Some(Rule::R2), format!("ulSize is {}; sizeof(MAPIOFFLINE_ADVISEINFO) is {size} for this {:?} client (24 on 32-bit, 32 on 64-bit)", a.ul_size, self.config.arch));
                }
                if a.callback_type != MAPIOFFLINE_CALLBACK_TYPE_NOTIFY {
                    bad = true;
                    self.error(
                        "advise.callback_type",
                        Some(Clause::Adv6),
                        Some(Rule::R2),
                        format!(
                            "CallbackType {}: only MAPIOFFLINE_CALLBACK_TYPE_NOTIFY is supported",
                            a.callback_type
                        ),
                    );
                }
                if a.ul_advise_types != MAPIOFFLINE_ADVISE_TYPE_STATECHANGE {
                    bad = true;
                    self.error("advise.advise_types", Some(Clause::Adv7), Some(Rule::R2), format!("ulAdviseTypes 0x{:X}: only MAPIOFFLINE_ADVISE_TYPE_STATECHANGE is supported", a.ul_advise_types));
                }
                if a.ul_state_mask != MAPIOFFLINE_STATE_ALL {
                    bad = true;
                    self.error(
                        "advise.state_mask",
                        Some(Clause::Adv8),
                        Some(Rule::R2),
                        format!(
                            "ulStateMask {}: only MAPIOFFLINE_STATE_ALL (0x003F037F) is supported",
                            show(ConstGroup::StateMask, a.ul_state_mask)
                        ),
                    );
                }
            }
        }
        if self.regs.exhausted() {
            bad = true;
            self.error(
                "advise.tokens_exhausted",
                Some(Clause::Adv10),
                None,
                "every advise token has been handed out once; tokens are never reused within a run"
                    .into(),
            );
        }
        if bad {
            self.note(
                "advise.invalidarg",
                Clause::Adv9,
                "Advise returns E_INVALIDARG for an invalid parameter (ADV-3)".into(),
            );
            return (HResult::E_INVALIDARG, None);
        }
        let a = *info.expect("checked above");
        if a.p_callback.is_null() {
            self.error(
                "advise.callback_null",
                Some(Clause::Adv9),
                None,
                "pCallback is NULL: E_NOINTERFACE (ADV-3)".into(),
            );
            return (HResult::E_NOINTERFACE, None);
        }
        if self.decode(a.p_callback).is_none() {
            self.error("advise.callback_invalid", Some(Clause::Adv9), None, format!("pCallback {} is not a live object: E_NOINTERFACE (a real client would crash here)", a.p_callback));
            return (HResult::E_NOINTERFACE, None);
        }
        let r = self.qi(
            Caller::Outlook,
            a.p_callback,
            Some(IID_IMAPIOFFLINENOTIFY),
            Out::Valid,
        );
        let sink = match (r.hr, r.out.and_then(|p| self.decode(p))) {
            (hr, Some(Target::Client(s))) if hr == HResult::S_OK => s,
            _ => {
                self.error("advise.no_notify", Some(Clause::Adv6), None, format!("pCallback {} does not implement IMAPIOfflineNotify: E_NOINTERFACE (ADV-3, ADV-9)", a.p_callback));
                return (HResult::E_NOINTERFACE, None);
            }
        };
        let caps = self.objects[i].caps;
        if !self.objects[i].caps_queried {
            self.error("advise.caps_unchecked", Some(Clause::Gen3), Some(Rule::R1), "Advise before GetCapabilities: check which notifications the object can deliver first".into());
        } else if caps & (MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE) == 0 {
            self.error("advise.no_capability", Some(Clause::Cap1), Some(Rule::R1), "Advise on an object with neither MAPIOFFLINE_CAPABILITY_OFFLINE nor MAPIOFFLINE_CAPABILITY_ONLINE: it will never notify".into());
        }
        let token = self.regs.insert(i, a.ul_client_token, sink);
        if self.clients[sink].spec.foreign {
            self.regs
                .foreign_ref(ForeignRef::AddRef(Identity::client_ptr(sink)));
        }
        self.note("advise.registered", Clause::Adv10, format!("the manager now holds a reference on {} until Unadvise; advise token {token} is unique and never reused in this run", a.p_callback));
        if let Some(b) = self.objects[i].busy {
            self.note("advise.during_transition", Clause::Adv11, format!("registered while transition #{} is in progress: this registration receives only later changes", b.transition));
        }
        (HResult::S_OK, Some(token))
    }

    /// `this->Unadvise(ulFlags, ulAdviseToken)`.
    pub fn unadvise(&mut self, this: Ptr, ul_flags: u32, ul_advise_token: u32) -> HResult {
        let by = Caller::Client;
        self.enter(
            by,
            Call::Unadvise {
                this,
                ul_flags,
                ul_advise_token,
            },
        );
        let hr = match self.offline_this(this, Func::Unadvise, by) {
            None => HResult::E_INVALIDARG,
            Some(i) => {
                if ul_flags != MAPIOFFLINE_UNADVISE_DEFAULT {
                    self.error("unadvise.flags", Some(Clause::Unadv1), Some(Rule::R2), format!("ulFlags 0x{ul_flags:08X}: only MAPIOFFLINE_UNADVISE_DEFAULT (0) is supported; Unadvise still returns S_OK (UNADV-2)"));
                }
                match self.regs.remove(i, ul_advise_token) {
                    Some(reg) => {
                        if let Some(b) = self.objects[i].busy {
                            self.note("unadvise.during_transition", Clause::Unadv4, format!("removed while transition #{} is in progress: no further phase of it reaches this sink", b.transition));
                        }
                        // UNADV-3: the manager releases its reference, visibly in the trace.
                        let sink = Identity::client_ptr(reg.sink as usize);
                        self.release_by(Caller::Outlook, sink);
                        if self.clients[reg.sink as usize].spec.foreign {
                            self.regs.foreign_ref(ForeignRef::Release(sink));
                        }
                    }
                    None => {
                        let elsewhere = self.regs.owner_of(ul_advise_token);
                        let more = match elsewhere {
                            Some(j) => format!(
                                " (it belongs to {}, a different object)",
                                Identity::offline_ptr(j)
                            ),
                            None => String::new(),
                        };
                        self.error("unadvise.unknown_token", Some(Clause::Unadv2), Some(Rule::R3), format!("advise token {ul_advise_token} is not registered on this object{more}; Unadvise still returns S_OK"));
                    }
                }
                HResult::S_OK
            }
        };
        self.leave(by, Func::Unadvise, Some(hr), None);
        hr
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (token, sink) of what `between` yields.
    fn walk(r: &Registrations, obj: usize, after: u32, below: u32) -> Vec<(u32, u32)> {
        r.between(obj, after, below)
            .map(|(t, reg)| (t, reg.sink))
            .collect()
    }

    /// Removed slots are skipped, then compacted away, without changing what any walk
    /// sees: registration order, bounds, counts and owners hold throughout.
    #[test]
    fn removal_and_compaction_keep_token_order_and_bounds() {
        let mut r = Registrations::default();
        r.add_object();
        r.add_object();
        // Tokens 1..=40, alternating between the two objects; sink k for token k.
        let mut mine: Vec<(u32, u32)> = Vec::new();
        for k in 1..=40u32 {
            let obj = (k % 2) as usize;
            let token = r.insert(obj, 100 + k, k as usize);
            assert_eq!(token, k);
            if obj == 1 {
                mine.push((token, k));
            }
        }
        // Remove from the middle, the front and the back, past the compaction threshold.
        for token in [11, 1, 39, 21, 23, 25, 27, 29, 31, 33, 35, 3, 5] {
            assert_eq!(r.remove(1, token).map(|g| g.sink), Some(token));
            assert!(r.remove(1, token).is_none(), "removed twice");
            mine.retain(|(t, _)| *t != token);
            assert_eq!(walk(&r, 1, 0, u32::MAX), mine);
            assert_eq!(r.count(1), mine.len());
            assert_eq!(r.owner_of(token), None);
            for &(t, _) in &mine {
                assert_eq!(r.owner_of(t), Some(1));
            }
        }
        // A token of the other object is not this one's to remove.
        assert!(r.remove(1, 2).is_none());
        assert_eq!(r.owner_of(2), Some(0));
        // Bounds: after a token (removed or not) and below another.
        let expect = |after: u32, below: u32| -> Vec<(u32, u32)> {
            mine.iter()
                .copied()
                .filter(|(t, _)| *t > after && *t < below)
                .collect()
        };
        for (after, below) in [(0, 1), (7, 20), (11, 30), (36, 41), (40, 100), (9, 9)] {
            assert_eq!(walk(&r, 1, after, below), expect(after, below));
        }
        assert_eq!(r.total(), mine.len() + 20);
        let listed: Vec<(u32, u32)> = r.listed(1).map(|(t, c, _)| (t, c)).collect();
        let want: Vec<(u32, u32)> = mine.iter().map(|(t, _)| (*t, 100 + *t)).collect();
        assert_eq!(listed, want);
    }
}
