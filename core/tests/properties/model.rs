//! The oracle: what a client may expect, fed by the driver's own calls and by the trace of
//! what happened inside them.

use super::*;
use mapioffline::trace::walk::Walker;
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Offline,
    Sink,
    DeadSink,
    Invalid,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Reg {
    pub(crate) object: Ptr,
    pub(crate) sink: Ptr,
    pub(crate) client_token: u32,
}

/// Per advise token: the START/STATECHANGE/DONE group in progress (transition, last phase,
/// old, new), and what the last complete group said.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct TokState {
    pub(crate) group: Option<(u32, u32, u32, u32)>,
    pub(crate) last_new: Option<u32>,
    pub(crate) last_done: Option<u32>,
}

#[derive(Clone, Debug)]
pub(crate) struct Tr {
    pub(crate) root: Ptr,
    pub(crate) new: u32,
    pub(crate) blocking: bool,
    pub(crate) objects: u32,
    /// Tokens issued before it started (`issued[..n]`) are the ones it may notify (ADV-11).
    pub(crate) issued_at_start: usize,
    pub(crate) phase: u32,
    /// (object, old, new) in the order of the STATECHANGE phase.
    pub(crate) affected: Vec<(Ptr, u32, u32)>,
    /// Per phase, (object, token) in delivery order.
    pub(crate) log: [Vec<(Ptr, u32)>; 3],
}

#[derive(Clone, Debug)]
pub(crate) enum Frame {
    Call {
        depth: u16,
        by: Caller,
        call: Call,
        diags: Vec<String>,
        expect: Option<HResult>,
        /// Transitions this call started as a request (SET-1/SET-2).
        started: Vec<u32>,
    },
    Notify {
        depth: u16,
        object: Ptr,
        transition: Option<u32>,
    },
}

/// What the client knows and expects; fed by the driver's own calls and by the trace of
/// what happened inside them.
pub(crate) struct Model {
    pub(crate) set4: Set4Reading,
    pub(crate) profiles: usize,
    pub(crate) inside_outlook: Vec<bool>,
    pub(crate) globals: Vec<Ptr>,
    /// Globals, then created children, in creation order.
    pub(crate) offline: Vec<Ptr>,
    pub(crate) sinks: Vec<Ptr>,
    pub(crate) implements: BTreeMap<Ptr, bool>,
    pub(crate) caps: BTreeMap<Ptr, u32>,
    pub(crate) parent: BTreeMap<Ptr, Ptr>,
    pub(crate) children: BTreeMap<Ptr, Vec<Ptr>>,
    pub(crate) profile_of: BTreeMap<Ptr, usize>,
    /// The last accepted request (SET-11 intent), for the settling check.
    pub(crate) desired: BTreeMap<Ptr, u32>,
    pub(crate) refs: BTreeMap<Ptr, u32>,
    pub(crate) dead: BTreeSet<Ptr>,
    pub(crate) network_up: bool,
    pub(crate) server_up: Vec<bool>,
    pub(crate) extra_bits: u32,
    pub(crate) ended: bool,
    pub(crate) regs: BTreeMap<u32, Reg>,
    pub(crate) issued: Vec<u32>,
    pub(crate) issue_index: BTreeMap<u32, usize>,
    pub(crate) unadvised: BTreeSet<u32>,
    pub(crate) tok: BTreeMap<u32, TokState>,
    // trace reading
    pub(crate) seen: usize,
    pub(crate) stack: Vec<Frame>,
    /// The one reader of the trace's nesting, to check `stack` against.
    pub(crate) walk: Walker,
    pub(crate) state: BTreeMap<Ptr, u32>,
    pub(crate) transitions: BTreeMap<u32, Tr>,
    pub(crate) last_phase: Option<(u32, u32)>,
    pub(crate) injecting: bool,
}

impl Model {
    pub(crate) fn tree_root(&self, mut p: Ptr) -> Ptr {
        while let Some(&q) = self.parent.get(&p) {
            p = q;
        }
        p
    }

    /// SET-12: a change is in progress somewhere in `p`'s object tree.
    pub(crate) fn tree_busy(&self, p: Ptr) -> bool {
        let root = self.tree_root(p);
        self.transitions
            .values()
            .any(|tr| self.tree_root(tr.root) == root)
    }

    pub(crate) fn kind(&self, p: Ptr) -> Kind {
        if self.ended {
            Kind::Invalid
        } else if self.offline.contains(&p) {
            Kind::Offline
        } else if self.sinks.contains(&p) {
            if self.dead.contains(&p) {
                Kind::DeadSink
            } else {
                Kind::Sink
            }
        } else {
            Kind::Invalid
        }
    }

    pub(crate) fn live(&self, p: Ptr) -> bool {
        matches!(self.kind(p), Kind::Offline | Kind::Sink)
    }

    pub(crate) fn inc(&mut self, p: Ptr) {
        *self.refs.entry(p).or_insert(0) += 1;
    }

    /// A reference released by the client or by the manager (UNADV-3).
    pub(crate) fn dec(&mut self, p: Ptr) {
        if !self.live(p) {
            return;
        }
        let r = self.refs.entry(p).or_insert(0);
        *r = r.saturating_sub(1);
        if *r == 0 && self.sinks.contains(&p) {
            self.dead.insert(p);
        }
    }

    pub(crate) fn absorb(&mut self, events: &[Event]) {
        for e in events {
            self.walk.step(e);
            self.event(e);
            self.agrees_with_the_walk();
        }
        self.seen += events.len();
    }

    /// The model's own frames (they carry what it expects of each call) are the ones
    /// `trace::walk` reads, depth for depth: the oracle is checked against the one reader.
    fn agrees_with_the_walk(&self) {
        let ours: Vec<(bool, u16)> = self
            .stack
            .iter()
            .map(|f| match f {
                Frame::Call { depth, .. } => (true, *depth),
                Frame::Notify { depth, .. } => (false, *depth),
            })
            .collect();
        let walk: Vec<(bool, u16)> = self
            .walk
            .frames()
            .iter()
            .map(|f| (f.is_call(), f.depth))
            .collect();
        assert_eq!(ours, walk, "the model's frames are not the walk's");
    }

    pub(crate) fn event(&mut self, e: &Event) {
        let d = e.depth;
        while matches!(self.stack.last(), Some(Frame::Notify { depth, .. }) if *depth >= d) {
            self.stack.pop();
        }
        match &e.kind {
            EventKind::ProfileAdded(p) => {
                self.state.insert(p.object, p.state);
            }
            EventKind::ObjectCreated(o) => {
                self.state.insert(o.object, o.state);
            }
            EventKind::Call { by, call } => self.on_call(d, *by, call),
            EventKind::Return { by, func, hr, out } => self.on_return(d, *by, *func, *hr, *out),
            EventKind::Diagnostic(diag) => {
                if let Some(Frame::Call { diags, .. }) = self
                    .stack
                    .iter_mut()
                    .rev()
                    .find(|f| matches!(f, Frame::Call { .. }))
                {
                    diags.push(diag.code.clone());
                }
            }
            EventKind::Notify {
                object,
                token,
                sink,
                info,
                transition,
            } => {
                self.on_notify(*object, *token, *sink, info, *transition);
                self.stack.push(Frame::Notify {
                    depth: d,
                    object: *object,
                    transition: *transition,
                });
            }
            EventKind::TransitionStarted {
                transition,
                object,
                old,
                new,
                blocking,
                objects,
                cause,
            } => {
                if *cause == Cause::Request {
                    let Some(Frame::Call {
                        depth,
                        call,
                        started,
                        ..
                    }) = self.stack.last_mut()
                    else {
                        panic!("transition #{transition} requested outside a call");
                    };
                    let Call::SetCurrentState { this, ul_flags, .. } = call else {
                        panic!("transition #{transition} requested by {call:?}");
                    };
                    assert_eq!(
                        (*depth + 1, *this),
                        (d, *object),
                        "transition #{transition} requested elsewhere"
                    );
                    assert_eq!(
                        *blocking,
                        *ul_flags == BLOCK,
                        "SET-1/SET-2: #{transition} blocking: {blocking}, flags {ul_flags:#x}"
                    );
                    started.push(*transition);
                }
                assert!(
                    !self.transitions.contains_key(transition),
                    "transition #{transition} started twice"
                );
                assert_eq!(
                    self.state.get(object),
                    Some(old),
                    "transition #{transition} starts from a state {object} is not in"
                );
                assert!(
                    state_ok(*new) && old != new,
                    "transition #{transition}: {old:#x} -> {new:#x}"
                );
                self.transitions.insert(
                    *transition,
                    Tr {
                        root: *object,
                        new: *new,
                        blocking: *blocking,
                        objects: *objects,
                        issued_at_start: self.issued.len(),
                        phase: 0,
                        affected: Vec::new(),
                        log: Default::default(),
                    },
                );
            }
            EventKind::Phase { transition, phase } => {
                let tr = self
                    .transitions
                    .get_mut(transition)
                    .expect("phase of a transition never started");
                assert_eq!(
                    tr.phase + 1,
                    *phase,
                    "transition #{transition}: phases out of order"
                );
                tr.phase = *phase;
                self.last_phase = Some((*transition, *phase));
            }
            EventKind::StateChanged { object, old, new } => {
                let (tid, phase) = self.last_phase.expect("state change outside a phase");
                assert_eq!(
                    phase, MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE,
                    "CUR-3: the state changes in the STATECHANGE phase"
                );
                assert_eq!(
                    self.state.get(object),
                    Some(old),
                    "state change from a state {object} is not in"
                );
                assert!(state_ok(*new) && old != new);
                self.state.insert(*object, *new);
                self.transitions
                    .get_mut(&tid)
                    .expect("known")
                    .affected
                    .push((*object, *old, *new));
            }
            EventKind::TransitionCompleted { transition } => {
                let tr = self
                    .transitions
                    .remove(transition)
                    .expect("completion of a transition never started");
                self.on_completed(*transition, &tr);
            }
            EventKind::Shutdown(report) => {
                self.on_shutdown(report);
                self.ended = true;
            }
            _ => {}
        }
    }

    pub(crate) fn on_call(&mut self, d: u16, by: Caller, call: &Call) {
        let mut expect = None;
        // NTF-8 / SET-3 / SET-4: SetCurrentState from inside Notify, on the object whose
        // change is being notified.
        if let (
            Some(Frame::Notify {
                depth,
                object,
                transition: Some(tid),
            }),
            Call::SetCurrentState {
                this,
                ul_flags,
                ul_mask,
                ul_state,
                p_reserved,
            },
        ) = (self.stack.last(), call)
        {
            if by == Caller::Client
                && *depth + 1 == d
                && this == object
                && set_args_valid(*ul_flags, *ul_mask, *ul_state, *p_reserved)
            {
                let blocking = self
                    .transitions
                    .get(tid)
                    .expect("notified transition is in progress")
                    .blocking;
                expect = Some(match (self.set4, blocking) {
                    (Set4Reading::Documented, _) | (Set4Reading::Literal, true) => {
                        HResult::E_PENDING
                    }
                    // A FLAG_BLOCK request would have to block inside Notify: it cannot
                    // without deadlock, so it is E_PENDING too (SET-1, NTF-8).
                    (Set4Reading::Literal, false) if *ul_flags == BLOCK => HResult::E_PENDING,
                    (Set4Reading::Literal, false) => HResult::S_OK,
                });
            }
        }
        self.stack.push(Frame::Call {
            depth: d,
            by,
            call: call.clone(),
            diags: Vec::new(),
            expect,
            started: Vec::new(),
        });
    }

    pub(crate) fn on_return(
        &mut self,
        d: u16,
        by: Caller,
        func: Func,
        hr: Option<HResult>,
        out: Option<OutValue>,
    ) {
        let Some(Frame::Call {
            depth,
            by: call_by,
            call,
            diags,
            expect,
            started,
        }) = self.stack.pop()
        else {
            panic!("a Return of {func} without its Call");
        };
        assert_eq!(
            (depth, call_by, call.func()),
            (d, by, func),
            "Return does not match its Call"
        );
        if let Some(x) = expect {
            assert_eq!(hr, Some(x), "NTF-8/SET-3/SET-4 ({:?}): SetCurrentState from inside Notify on the object being changed, {call:?}", self.set4);
        }
        if by == Caller::Outlook {
            return;
        }
        match call {
            Call::HrOpenOfflineObj { .. } => {
                if hr == Some(HResult::S_OK) {
                    let Some(OutValue::Ptr(p)) = out else {
                        panic!("OPEN-6: S_OK without an object")
                    };
                    assert!(
                        self.globals.contains(&p),
                        "OPEN-6: {p} is not a global object"
                    );
                    self.inc(p);
                } else {
                    assert_eq!(out, None, "a failed HrOpenOfflineObj wrote an object");
                }
            }
            Call::QueryInterface { this, .. } if hr == Some(HResult::S_OK) => {
                assert_eq!(
                    out,
                    Some(OutValue::Ptr(this)),
                    "MGR-3: QueryInterface yields the same object"
                );
                if self.live(this) {
                    self.inc(this);
                }
            }
            Call::AddRef { this } => {
                let Some(OutValue::RefCount(n)) = out else {
                    panic!("AddRef returned no count")
                };
                if self.live(this) {
                    self.inc(this);
                    assert_eq!(
                        n, self.refs[&this],
                        "MGR-3: AddRef on {this} returns the new count"
                    );
                } else {
                    assert_eq!(n, 0, "AddRef through an invalid pointer {this}");
                }
            }
            Call::Release { this } => {
                let Some(OutValue::RefCount(n)) = out else {
                    panic!("Release returned no count")
                };
                if self.live(this) {
                    let before = self.refs.get(&this).copied().unwrap_or(0);
                    if before == 0 {
                        assert_eq!(n, 0, "MGR-3/R4: Release at 0 on {this} must return 0");
                        assert!(
                            diags.iter().any(|c| c == "release.below_zero"),
                            "MGR-3/R4: Release at 0 on {this} must leave release.below_zero, got {diags:?}"
                        );
                    } else {
                        self.dec(this);
                        assert_eq!(
                            n,
                            before - 1,
                            "MGR-3: Release on {this} returns the new count"
                        );
                    }
                } else {
                    assert_eq!(n, 0, "Release through an invalid pointer {this}");
                }
            }
            Call::SetCurrentState {
                this,
                ul_flags,
                ul_mask,
                ul_state,
                p_reserved,
            } => {
                for tid in &started {
                    // SET-1: a blocking request returns once its change is complete;
                    // SET-2: a default one returns at once, the change in progress.
                    let done = !self.transitions.contains_key(tid);
                    assert_eq!(
                        done,
                        ul_flags == BLOCK,
                        "SET-1/SET-2: {call:?} returned with #{tid} complete: {done}"
                    );
                }
                let valid = set_args_valid(ul_flags, ul_mask, ul_state, p_reserved);
                if hr == Some(HResult::S_OK) {
                    assert!(
                        valid && self.kind(this) == Kind::Offline,
                        "SET-9: S_OK for {call:?}"
                    );
                    self.desired.insert(this, ul_state);
                } else if !valid || self.kind(this) != Kind::Offline {
                    assert_eq!(hr, Some(HResult::E_INVALIDARG), "SET-9: {call:?}");
                } else {
                    assert_eq!(hr, Some(HResult::E_PENDING), "SET-3: {call:?}");
                }
            }
            Call::Advise {
                this,
                p_advise_info,
                ..
            } => {
                if hr == Some(HResult::S_OK) {
                    let Some(OutValue::Ulong(token)) = out else {
                        panic!("ADV-1: S_OK without a token")
                    };
                    assert_ne!(token, 0, "ADV-10: advise tokens are non-zero");
                    assert!(
                        !self.issue_index.contains_key(&token),
                        "ADV-10: advise token {token} issued twice"
                    );
                    let info = p_advise_info.expect("S_OK with NULL pAdviseInfo");
                    assert_eq!(self.kind(this), Kind::Offline);
                    assert_eq!(
                        self.kind(info.p_callback),
                        Kind::Sink,
                        "ADV-9: S_OK for callback {}",
                        info.p_callback
                    );
                    self.issue_index.insert(token, self.issued.len());
                    self.issued.push(token);
                    self.regs.insert(
                        token,
                        Reg {
                            object: this,
                            sink: info.p_callback,
                            client_token: info.ul_client_token,
                        },
                    );
                    self.inc(info.p_callback); // ADV-10: the manager's reference
                } else {
                    assert_eq!(out, None, "a failed Advise wrote a token");
                }
            }
            Call::Unadvise {
                this,
                ul_advise_token,
                ..
            } => {
                if self.kind(this) == Kind::Offline {
                    assert_eq!(
                        hr,
                        Some(HResult::S_OK),
                        "UNADV-2: Unadvise must return S_OK"
                    );
                    if self
                        .regs
                        .get(&ul_advise_token)
                        .is_some_and(|r| r.object == this)
                    {
                        let reg = self.regs.remove(&ul_advise_token).expect("checked");
                        self.unadvised.insert(ul_advise_token);
                        self.dec(reg.sink); // UNADV-3
                    }
                } else {
                    assert_eq!(hr, Some(HResult::E_INVALIDARG));
                }
            }
            Call::HrCreateOfflineObj { .. } if hr == Some(HResult::S_OK) => {
                let Some(OutValue::Ptr(p)) = out else {
                    panic!("CRE-6: S_OK without an object")
                };
                assert_eq!(
                    self.refs.insert(p, 1),
                    None,
                    "HrCreateOfflineObj returned a known object {p}"
                );
            }
            _ => {}
        }
    }

    pub(crate) fn on_notify(
        &mut self,
        object: Ptr,
        token: u32,
        sink: Ptr,
        info: &NotifyInfo,
        transition: Option<u32>,
    ) {
        assert!(
            !self.unadvised.contains(&token),
            "UNADV-4: notification through advise token {token} after its Unadvise returned: {info:?}"
        );
        let reg = *self
            .regs
            .get(&token)
            .unwrap_or_else(|| panic!("notification through unregistered token {token}"));
        assert_eq!(
            (reg.object, reg.sink),
            (object, sink),
            "token {token} notified on the wrong object or sink"
        );
        assert_eq!(
            info.ul_client_token, reg.client_token,
            "ADV-5/NTF-3: ulClientToken echoed"
        );
        assert_eq!(info.ul_size, SIZEOF_MAPIOFFLINE_NOTIFY);
        let Some(tid) = transition else {
            assert!(
                self.injecting,
                "a notification without a transition outside inject_notify"
            );
            return;
        };
        let (old, new, ty) = (info.ul_state_old, info.ul_state_new, info.notify_type);
        assert!(
            info.is_supported(),
            "NTF-2/NTF-4: transition notification {info:?}"
        );
        assert!(
            state_ok(old) && state_ok(new) && old != new,
            "NTF-4: {info:?}"
        );
        let caps = self.caps[&object];
        assert_ne!(
            caps & capability_for(new),
            0,
            "CAP-4: {object} lacks the capability for {new:#x} but notified"
        );
        let cur = self.state[&object];
        let tr = self
            .transitions
            .get_mut(&tid)
            .expect("notification of a transition not in progress");
        assert_eq!(
            tr.phase, ty,
            "notification of phase {ty} during phase {} of #{tid}",
            tr.phase
        );
        let idx = self.issue_index[&token];
        assert!(
            idx < tr.issued_at_start,
            "ADV-11: advise token {token} was registered after transition #{tid} started but was notified of it"
        );
        if ty == START {
            assert_eq!(
                cur, old,
                "CUR-3: START of #{tid} while {object} is not in the old state"
            );
        } else {
            assert_eq!(
                cur, new,
                "CUR-3: phase {ty} of #{tid} while {object} is not in the new state"
            );
            assert!(
                tr.affected.contains(&(object, old, new)),
                "#{tid}: notification {old:#x}->{new:#x} on {object} which changed as {:?}",
                tr.affected
            );
        }
        tr.log[ty as usize - 1].push((object, token));
        let ts = self.tok.entry(token).or_default();
        match ts.group {
            Some((gt, gp, go, gn)) => assert!(
                gt == tid && ty == gp + 1 && old == go && new == gn,
                "NTF-7: token {token}: {info:?} of #{tid} breaks the group ({gt}, phase {gp}, {go:#x}->{gn:#x})"
            ),
            None => {
                assert_eq!(ty, START, "NTF-7: token {token}: group of #{tid} does not begin with START");
                if caps & BOTH_CAPS == BOTH_CAPS {
                    if let Some(prev) = ts.last_new {
                        assert_eq!(old, prev, "NTF-7: token {token}: #{tid} does not chain on the previous change");
                    }
                }
            }
        }
        if ty == DONE {
            *ts = TokState {
                group: None,
                last_new: Some(new),
                last_done: Some(tid),
            };
        } else {
            ts.group = Some((tid, ty, old, new));
        }
    }

    pub(crate) fn dfs(&self, o: Ptr, set: &BTreeSet<Ptr>, out: &mut Vec<Ptr>) {
        out.push(o);
        for &c in self.children.get(&o).map(Vec::as_slice).unwrap_or(&[]) {
            if set.contains(&c) {
                self.dfs(c, set, out);
            }
        }
    }

    pub(crate) fn on_completed(&mut self, tid: u32, tr: &Tr) {
        assert_eq!(tr.phase, DONE, "#{tid} completed before its DONE phase");
        assert_eq!(
            tr.affected.len() as u32,
            tr.objects,
            "#{tid}: objects changed vs. announced"
        );
        assert_eq!(
            (tr.affected[0].0, tr.affected[0].2),
            (tr.root, tr.new),
            "#{tid}: the root changes first"
        );
        // CRE-7: depth-first, creation order; children go OFFLINE with their parent.
        let order: Vec<Ptr> = tr.affected.iter().map(|a| a.0).collect();
        let set: BTreeSet<Ptr> = order.iter().copied().collect();
        let mut dfs = Vec::new();
        self.dfs(tr.root, &set, &mut dfs);
        assert_eq!(
            dfs, order,
            "CRE-7: #{tid} changes objects out of depth-first creation order"
        );
        for &(o, _, new) in &tr.affected[1..] {
            let p = self.parent[&o];
            let pn = tr
                .affected
                .iter()
                .find(|a| a.0 == p)
                .expect("closed under parent")
                .2;
            if pn == OFF {
                assert_eq!(
                    new, OFF,
                    "CRE-7: #{tid}: {p} goes OFFLINE but its child {o} goes {new:#x}"
                );
            }
        }
        // NTF-7: within a phase, objects in change order, registrations in the order made.
        for (k, log) in tr.log.iter().enumerate() {
            let keys: Vec<(usize, u32)> = log
                .iter()
                .map(|(o, t)| {
                    (
                        order
                            .iter()
                            .position(|x| x == o)
                            .expect("notified object changed"),
                        *t,
                    )
                })
                .collect();
            assert!(
                keys.windows(2).all(|w| w[0] < w[1]),
                "NTF-7/CRE-7: phase {} of #{tid} served {log:?} out of order (changes {order:?})",
                k + 1
            );
        }
        // NTF-7/NTF-8: nobody registered before the change and still registered missed it.
        for &(o, _, new) in &tr.affected {
            if self.caps[&o] & capability_for(new) == 0 {
                continue;
            }
            for &t in &self.issued[..tr.issued_at_start] {
                // A sink the client destroyed by over-releasing (R4) may be skipped.
                if self
                    .regs
                    .get(&t)
                    .is_some_and(|r| r.object == o && !self.dead.contains(&r.sink))
                {
                    let last = self.tok.get(&t).and_then(|s| s.last_done);
                    assert_eq!(
                        last,
                        Some(tid),
                        "NTF-7/NTF-8: advise token {t} on {o} missed (part of) transition #{tid}"
                    );
                }
            }
        }
    }

    pub(crate) fn on_shutdown(&self, r: &ShutdownReport) {
        let regs: BTreeSet<(Ptr, u32, Ptr)> = r
            .registrations
            .iter()
            .map(|l| (l.object, l.token, l.sink))
            .collect();
        let want: BTreeSet<(Ptr, u32, Ptr)> = self
            .regs
            .iter()
            .map(|(t, g)| (g.object, *t, g.sink))
            .collect();
        assert_eq!(regs, want, "R3: registrations left at shutdown");
        let refs: BTreeSet<(Ptr, u32)> = r.references.iter().map(|l| (l.object, l.count)).collect();
        let want: BTreeSet<(Ptr, u32)> = self
            .offline
            .iter()
            .map(|o| (*o, self.refs.get(o).copied().unwrap_or(0)))
            .filter(|(_, n)| *n > 0)
            .collect();
        assert_eq!(refs, want, "R4: references left at shutdown");
        assert_eq!(
            r.abandoned_transitions as usize,
            self.transitions.len(),
            "transitions abandoned at shutdown"
        );
    }
}
