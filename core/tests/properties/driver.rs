//! The driver: performs each operation through the raw API and checks its result and the
//! world against the model.

use super::*;
pub(crate) struct Driver {
    pub(crate) sim: Sim,
    pub(crate) m: Model,
}

impl Driver {
    pub(crate) fn new(w: &World) -> Driver {
        let config = w.config();
        let specs: Vec<ProfileSpec> = w
            .profiles
            .iter()
            .zip(PROFILE_NAMES)
            .map(|(p, name)| ProfileSpec {
                name: name.to_string(),
                capabilities: p.caps,
                state: p.state,
                caller_inside_outlook: p.inside_outlook,
                server_up: p.server_up,
            })
            .collect();
        let mut sim = Sim::new(config.clone());
        let globals: Vec<Ptr> = specs
            .iter()
            .map(|s| sim.add_profile(s.clone()).expect("fresh world"))
            .collect();
        // Reactions name sinks (their own or others) before those exist: learn the
        // addresses from an identical world, and check them below.
        let mut scratch = Sim::new(config);
        for s in &specs {
            scratch.add_profile(s.clone()).expect("fresh world");
        }
        let predicted: Vec<Ptr> = (0..w.sinks.len())
            .map(|i| {
                scratch
                    .create_sink(SinkSpec::new(format!("sink{i}")))
                    .expect("fresh world")
            })
            .collect();
        let g = |k: u8| globals[k as usize % globals.len()];
        let mut implements = BTreeMap::new();
        for (i, s) in w.sinks.iter().enumerate() {
            let reactions = s
                .reactions
                .iter()
                .map(|r| {
                    let (once, action) = match r.act {
                        ActGen::UnadviseOwn { mgr } => (
                            r.once,
                            Action::Unadvise {
                                mgr: g(mgr),
                                token: None,
                            },
                        ),
                        ActGen::UnadviseToken { mgr, token } => (
                            r.once,
                            Action::Unadvise {
                                mgr: g(mgr),
                                token: Some(token),
                            },
                        ),
                        ActGen::SetState {
                            mgr,
                            blocking,
                            state,
                        } => (
                            r.once,
                            Action::SetCurrentState {
                                this: g(mgr),
                                flags: if blocking { BLOCK } else { DEFAULT },
                                mask: MASK,
                                state,
                            },
                        ),
                        ActGen::Advise {
                            mgr,
                            sink,
                            client_token,
                        } => (
                            true,
                            Action::Advise {
                                mgr: g(mgr),
                                sink: predicted[sink as usize % predicted.len()],
                                client_token,
                            },
                        ),
                        ActGen::ReleaseMgr { mgr } => (r.once, Action::Release { this: g(mgr) }),
                        ActGen::ReleaseSelf => (r.once, Action::Release { this: predicted[i] }),
                        ActGen::GetState { mgr } => {
                            (r.once, Action::GetCurrentState { this: g(mgr) })
                        }
                    };
                    Reaction {
                        on: r.on,
                        once,
                        action,
                    }
                })
                .collect();
            let spec = SinkSpec {
                implements_notify: s.implements_notify,
                validates_notify: s.validates_notify,
                reactions,
                ..SinkSpec::new(format!("sink{i}"))
            };
            let p = sim.create_sink(spec).expect("fresh world");
            assert_eq!(p, predicted[i], "sink addresses are deterministic");
            implements.insert(p, s.implements_notify);
        }
        for bad in GARBAGE {
            assert!(!globals.contains(&bad) && !predicted.contains(&bad));
        }
        let mut m = Model {
            set4: sim.config().set4,
            profiles: globals.len(),
            inside_outlook: w.profiles.iter().map(|p| p.inside_outlook).collect(),
            globals: globals.clone(),
            offline: globals.clone(),
            sinks: predicted.clone(),
            implements,
            caps: globals
                .iter()
                .zip(&w.profiles)
                .map(|(g, p)| (*g, p.caps))
                .collect(),
            parent: BTreeMap::new(),
            children: BTreeMap::new(),
            profile_of: globals.iter().enumerate().map(|(i, g)| (*g, i)).collect(),
            desired: globals
                .iter()
                .zip(&w.profiles)
                .map(|(g, p)| (*g, p.state))
                .collect(),
            refs: globals
                .iter()
                .map(|g| (*g, 0))
                .chain(predicted.iter().map(|s| (*s, 1)))
                .collect(),
            dead: BTreeSet::new(),
            network_up: w.network_up,
            server_up: w.profiles.iter().map(|p| p.server_up).collect(),
            extra_bits: w.extra_state_bits & !MASK,
            ended: false,
            regs: BTreeMap::new(),
            issued: Vec::new(),
            issue_index: BTreeMap::new(),
            unadvised: BTreeSet::new(),
            tok: BTreeMap::new(),
            seen: 0,
            stack: Vec::new(),
            walk: Default::default(),
            state: BTreeMap::new(),
            transitions: BTreeMap::new(),
            last_phase: None,
            injecting: false,
        };
        m.absorb(&sim.trace().events);
        let mut d = Driver { sim, m };
        d.check_invariants();
        for &(parent, caps) in &w.children {
            d.step(&Op::CreateChild {
                profile: None,
                caps,
                parent: Parent::Offline(parent),
            });
        }
        d
    }

    pub(crate) fn absorb(&mut self) {
        let Driver { sim, m } = self;
        m.absorb(&sim.trace().events[m.seen..]);
        // Notifications delivered at top level (phases run by advance) end with the op.
        while matches!(m.stack.last(), Some(Frame::Notify { .. })) {
            m.stack.pop();
        }
        assert!(
            m.stack.is_empty(),
            "a top-level call left an unbalanced trace: {:?}",
            m.stack
        );
    }

    pub(crate) fn target(&self, obj: Obj) -> Ptr {
        let m = &self.m;
        match obj {
            Obj::Offline(i) => m.offline[i as usize % m.offline.len()],
            Obj::Any(i) => {
                let pool: Vec<Ptr> = m
                    .offline
                    .iter()
                    .chain(&m.sinks)
                    .copied()
                    .chain([Ptr::NULL])
                    .chain(GARBAGE)
                    .collect();
                pool[i as usize % pool.len()]
            }
        }
    }

    /// Sinks first, then offline objects, NULL and garbage.
    pub(crate) fn callback(&self, i: u8) -> Ptr {
        let m = &self.m;
        let pool: Vec<Ptr> = m
            .sinks
            .iter()
            .chain(&m.offline)
            .copied()
            .chain([Ptr::NULL])
            .chain(GARBAGE)
            .collect();
        pool[i as usize % pool.len()]
    }

    pub(crate) fn parent(&self, parent: Parent) -> Ptr {
        match parent {
            Parent::Null => Ptr::NULL,
            Parent::Offline(i) => self.target(Obj::Offline(i)),
            Parent::Any(i) => self.target(Obj::Any(i)),
        }
    }

    pub(crate) fn profile_name(&self, i: u8) -> &'static str {
        PROFILE_NAMES
            .get(i as usize)
            .filter(|_| (i as usize) < self.m.profiles)
            .copied()
            .unwrap_or(UNKNOWN_PROFILE)
    }

    pub(crate) fn env_result(&self, r: Result<(), SimError>) {
        if self.m.ended {
            assert_eq!(r, Err(SimError::Ended));
        } else {
            assert_eq!(r, Ok(()));
        }
    }

    pub(crate) fn step(&mut self, op: &Op) {
        let events_before = self.sim.trace().events.len();
        let ended = self.m.ended;
        match *op {
            Op::Open { profile, bad } => {
                let name = self.profile_name(profile);
                let known = (profile as usize) < self.m.profiles;
                let r = self.sim.hr_open_offline_obj(
                    if bad == OpenBad::ReservedNonZero {
                        1
                    } else {
                        0
                    },
                    if bad == OpenBad::ProfileNull {
                        None
                    } else {
                        Some(name)
                    },
                    match bad {
                        OpenBad::GuidNull => GuidPtr::Null,
                        OpenBad::GuidWrong => GuidPtr::To(IID_IMAPIOFFLINE),
                        OpenBad::GuidAddr => GuidPtr::Addr(0x1234),
                        _ => GuidPtr::To(GUID_GLOBAL_STATE),
                    },
                    match bad {
                        OpenBad::ReservedGuid => GuidPtr::To(GUID_GLOBAL_STATE),
                        OpenBad::ReservedAddr => GuidPtr::Addr(0x1000),
                        _ => GuidPtr::Null,
                    },
                    if bad == OpenBad::OutNull {
                        Out::Null
                    } else {
                        Out::Valid
                    },
                );
                if !ended
                    && bad == OpenBad::None
                    && known
                    && self.m.inside_outlook[profile as usize]
                {
                    let g = self.m.globals[profile as usize];
                    assert_eq!(
                        r,
                        Ret {
                            hr: HResult::S_OK,
                            out: Some(g)
                        },
                        "OPEN-6/OPEN-10"
                    );
                } else {
                    assert_eq!(
                        r,
                        Ret {
                            hr: HResult::MAPI_E_NOT_FOUND,
                            out: None
                        },
                        "OPEN-7/OPEN-11: {op:?}"
                    );
                }
            }
            Op::QueryInterface { obj, iid, out_null } => {
                let p = self.target(obj);
                let r = self.sim.query_interface(
                    p,
                    iid.guid(),
                    if out_null { Out::Null } else { Out::Valid },
                );
                let k = self.m.kind(p);
                let no = (HResult::E_NOINTERFACE, Some(Ptr::NULL));
                let want = match k {
                    Kind::Invalid | Kind::DeadSink => (HResult::E_INVALIDARG, None),
                    _ if out_null => (HResult::E_INVALIDARG, None),
                    _ if matches!(iid, Iid::Null | Iid::Addr) => {
                        (HResult::E_INVALIDARG, Some(Ptr::NULL))
                    }
                    Kind::Offline => match iid {
                        Iid::Unknown | Iid::Offline | Iid::Mgr => (HResult::S_OK, Some(p)),
                        _ => no,
                    },
                    Kind::Sink => match iid {
                        Iid::Unknown => (HResult::S_OK, Some(p)),
                        Iid::Notify if self.m.implements[&p] => (HResult::S_OK, Some(p)),
                        _ => no,
                    },
                };
                assert_eq!((r.hr, r.out), want, "MGR-3: {op:?} on {p} ({k:?})");
            }
            Op::AddRef { obj } => {
                let p = self.target(obj);
                let want = if self.m.live(p) {
                    self.m.refs[&p] + 1
                } else {
                    0
                };
                assert_eq!(self.sim.add_ref(p), want, "MGR-3: AddRef on {p}");
            }
            Op::Release { obj } => {
                let p = self.target(obj);
                let want = if self.m.live(p) {
                    self.m.refs[&p].saturating_sub(1)
                } else {
                    0
                };
                assert_eq!(self.sim.release(p), want, "MGR-3: Release on {p}");
            }
            Op::GetCapabilities { obj, out_null } => {
                let p = self.target(obj);
                let r = self
                    .sim
                    .get_capabilities(p, if out_null { Out::Null } else { Out::Valid });
                let want = match self.m.kind(p) {
                    Kind::Offline if !out_null => (HResult::S_OK, Some(self.m.caps[&p])),
                    _ => (HResult::E_INVALIDARG, None),
                };
                assert_eq!((r.hr, r.out), want, "CAP-1/CAP-3/CAP-5: {op:?} on {p}");
            }
            Op::GetCurrentState { obj, out_null } => {
                let p = self.target(obj);
                let r = self
                    .sim
                    .get_current_state(p, if out_null { Out::Null } else { Out::Valid });
                match self.m.kind(p) {
                    Kind::Offline if !out_null => {
                        assert_eq!(r.hr, HResult::S_OK);
                        let v = r.out.expect("CUR-1: S_OK without a state");
                        assert_eq!(Some(v & MASK), self.sim.state_of(p), "CUR-1");
                    }
                    _ => assert_eq!(
                        (r.hr, r.out),
                        (HResult::E_INVALIDARG, None),
                        "CUR-4: {op:?} on {p}"
                    ),
                }
            }
            Op::SetCurrentState {
                obj,
                flags,
                mask,
                state,
                reserved,
            } => {
                let p = self.target(obj);
                let busy = self.m.tree_busy(p);
                let hr = self.sim.set_current_state(p, flags, mask, state, reserved);
                let valid = set_args_valid(flags, mask, state, reserved);
                let want = if self.m.kind(p) != Kind::Offline || !valid {
                    HResult::E_INVALIDARG
                } else {
                    match self.m.set4 {
                        // SET-3: E_PENDING exactly while a change is in progress.
                        Set4Reading::Documented if busy => HResult::E_PENDING,
                        Set4Reading::Documented => HResult::S_OK,
                        // SET-4 literal: only a change started with FLAG_BLOCK answers
                        // E_PENDING, and none is in progress between top-level calls.
                        Set4Reading::Literal => HResult::S_OK,
                    }
                };
                assert_eq!(
                    hr, want,
                    "SET-3/SET-4/SET-9: {op:?} on {p} (in transition before: {busy}, {:?})",
                    self.m.set4
                );
                if flags == DEFAULT {
                    // SET-2: an asynchronous request notifies nobody during the call.
                    let during = &self.sim.trace().events[events_before..];
                    assert!(
                        !during.iter().any(|e| matches!(e.kind, EventKind::Notify { .. })),
                        "SET-2: a MAPIOFFLINE_FLAG_DEFAULT request delivered notifications during the call"
                    );
                }
            }
            Op::Advise {
                obj,
                callback,
                client_token,
                bad,
            } => {
                let this = self.target(obj);
                let cb = self.callback(callback);
                let size = self.sim.config().arch.sizeof_adviseinfo();
                let mut info = self.sim.advise_info(client_token, cb);
                match bad {
                    AdviseBad::Size => info.ul_size = if size == 32 { 24 } else { 32 },
                    AdviseBad::CallbackType => info.callback_type = 1,
                    AdviseBad::AdviseTypes => info.ul_advise_types = 2,
                    AdviseBad::StateMask => info.ul_state_mask = MASK,
                    _ => {}
                }
                let r = self.sim.advise(
                    this,
                    if bad == AdviseBad::Flags {
                        1
                    } else {
                        MAPIOFFLINE_ADVISE_DEFAULT
                    },
                    if bad == AdviseBad::NullInfo {
                        None
                    } else {
                        Some(&info)
                    },
                    if bad == AdviseBad::NullOut {
                        Out::Null
                    } else {
                        Out::Valid
                    },
                );
                let want = if self.m.kind(this) != Kind::Offline || bad != AdviseBad::None {
                    HResult::E_INVALIDARG
                } else if self.m.kind(cb) == Kind::Sink && self.m.implements[&cb] {
                    HResult::S_OK
                } else {
                    HResult::E_NOINTERFACE
                };
                assert_eq!(
                    r.hr, want,
                    "ADV-3/ADV-9: {op:?} on {this} with callback {cb}"
                );
                assert_eq!(
                    r.out.is_some(),
                    want == HResult::S_OK,
                    "ADV-1: token written iff S_OK"
                );
            }
            Op::Unadvise { obj, flags, token } => {
                let p = self.target(obj);
                let t = match token {
                    TokenRef::Issued(i) if !self.m.issued.is_empty() => {
                        self.m.issued[i as usize % self.m.issued.len()]
                    }
                    TokenRef::Issued(_) => 1,
                    TokenRef::Unknown(t) => t,
                };
                let hr = self.sim.unadvise(p, flags, t);
                if self.m.kind(p) == Kind::Offline {
                    assert_eq!(hr, HResult::S_OK, "UNADV-2");
                    assert!(
                        !self.sim.registrations(p).iter().any(|r| r.0 == t),
                        "UNADV-3: token {t} still registered on {p} after Unadvise"
                    );
                } else {
                    assert_eq!(hr, HResult::E_INVALIDARG);
                }
            }
            Op::Advance(n) => {
                let r = self.sim.advance(n);
                self.env_result(r);
            }
            Op::RunUntilIdle => match self.sim.run_until_idle() {
                Ok(t) => {
                    assert!(!ended);
                    assert_eq!(t, self.sim.now());
                    assert_eq!(
                        self.sim.next_due(),
                        None,
                        "run_until_idle returned with work left"
                    );
                }
                Err(SimError::NotIdle { .. }) => assert!(!ended),
                Err(e) => {
                    assert!(ended && e == SimError::Ended, "run_until_idle: {e}");
                }
            },
            Op::NetworkDown | Op::NetworkUp => {
                let up = matches!(op, Op::NetworkUp);
                let r = if up {
                    self.sim.network_up()
                } else {
                    self.sim.network_down()
                };
                self.env_result(r);
                if !ended {
                    self.m.network_up = up;
                    assert_eq!(self.sim.has_network(), up);
                }
            }
            Op::ServerDown(i) | Op::ServerUp(i) => {
                let up = matches!(op, Op::ServerUp(_));
                let name = self.profile_name(i);
                let r = if up {
                    self.sim.server_up(name)
                } else {
                    self.sim.server_down(name)
                };
                if ended {
                    assert_eq!(r, Err(SimError::Ended));
                } else if (i as usize) < self.m.profiles {
                    assert_eq!(r, Ok(()));
                    self.m.server_up[i as usize] = up;
                } else {
                    assert!(matches!(r, Err(SimError::UnknownProfile { .. })), "{r:?}");
                }
            }
            Op::InjectNotify {
                obj,
                notify_type,
                mask,
                old,
                new,
            } => {
                let p = self.target(obj);
                let before: Vec<u32> = self.sim.registrations(p).iter().map(|r| r.0).collect();
                let r = self.sim.inject_notify(p, notify_type, mask, old, new);
                if ended {
                    assert_eq!(r, Err(SimError::Ended));
                } else if self.m.kind(p) != Kind::Offline {
                    assert_eq!(r, Err(SimError::NotAnOfflineObject(p)));
                } else if (1..=3).contains(&notify_type) && mask == MASK {
                    // NTF-6: supported values would forge a state change; refused, and
                    // nothing is delivered.
                    assert_eq!(r, Err(SimError::ForgedNotification { notify_type }));
                    assert_eq!(self.sim.trace().events.len(), events_before);
                } else {
                    assert_eq!(r, Ok(()));
                    // NTF-6: delivered as given, to every registration, in order; a
                    // registration removed meanwhile (UNADV-4) may miss it.
                    let delivered: Vec<u32> = self.sim.trace().events[events_before..]
                        .iter()
                        .filter_map(|e| match &e.kind {
                            EventKind::Notify {
                                token,
                                info,
                                transition: None,
                                ..
                            } => {
                                assert_eq!(
                                    (
                                        info.notify_type,
                                        info.ul_mask,
                                        info.ul_state_old,
                                        info.ul_state_new
                                    ),
                                    (notify_type, mask, old, new),
                                    "NTF-6: injected notification altered"
                                );
                                Some(*token)
                            }
                            _ => None,
                        })
                        .collect();
                    assert!(
                        delivered.windows(2).all(|w| w[0] < w[1]),
                        "NTF-7: injected out of order: {delivered:?}"
                    );
                    // A sink destroyed by over-releasing (R4) may be skipped.
                    let after: BTreeSet<u32> = self
                        .sim
                        .registrations(p)
                        .iter()
                        .filter(|r| self.sim.refcount(r.2).is_some())
                        .map(|r| r.0)
                        .collect();
                    for t in &before {
                        assert!(
                            delivered.contains(t) || !after.contains(t),
                            "NTF-6: injected notification lost for token {t}"
                        );
                    }
                    for t in &delivered {
                        assert!(
                            before.contains(t),
                            "ADV-11: injected notification to token {t} made meanwhile"
                        );
                    }
                }
            }
            Op::SetExtraStateBits(bits) => {
                let r = self.sim.set_extra_state_bits(bits);
                self.env_result(r);
                if !ended {
                    self.m.extra_bits = bits & !MASK;
                }
            }
            Op::SetExtraCapabilityBits { obj, bits } => {
                let p = self.target(obj);
                let r = self.sim.set_extra_capability_bits(p, bits);
                if ended {
                    assert_eq!(r, Err(SimError::Ended));
                } else if self.m.kind(p) == Kind::Offline {
                    assert_eq!(r, Ok(()));
                    let c = self.m.caps.get_mut(&p).expect("offline");
                    *c = (*c & BOTH_CAPS) | (bits & !BOTH_CAPS);
                } else {
                    assert_eq!(r, Err(SimError::NotAnOfflineObject(p)));
                }
            }
            Op::Slot { obj, slot } => {
                let p = self.target(obj);
                let hr = self.sim.call_slot(p, slot);
                // OFF-2/MGR-2: IUnknown 0-2, SetCurrentState, GetCapabilities,
                // GetCurrentState, placeholder 6, Advise, Unadvise, placeholders 9-15.
                let want = match (self.m.kind(p), slot) {
                    (Kind::Offline, 6 | 9..) => HResult::E_NOTIMPL,
                    _ => HResult::E_INVALIDARG,
                };
                assert_eq!(hr, want, "OFF-3: slot {slot} on {p}");
            }
            Op::CreateChild {
                profile,
                caps,
                parent,
            } => {
                if self.m.offline.len() >= MAX_OBJECTS {
                    return self.after_op(op);
                }
                let par = self.parent(parent);
                let pi = match profile {
                    Some(i) => i as usize,
                    None => self.m.profile_of.get(&par).copied().unwrap_or(0),
                };
                let name = self.profile_name(pi as u8);
                let r = self.sim.create_child(name, caps, STORE_TYPE, par);
                let ok = !ended
                    && pi < self.m.profiles
                    && (par.is_null()
                        || (self.m.kind(par) == Kind::Offline && self.m.profile_of[&par] == pi));
                if ok {
                    let c = r.unwrap_or_else(|hr| panic!("CRE-6: {op:?} failed with {hr}"));
                    assert!(
                        self.m.kind(c) == Kind::Invalid && !GARBAGE.contains(&c),
                        "CRE-6: {c} reused"
                    );
                    self.m.offline.push(c);
                    self.m.caps.insert(c, caps);
                    self.m.profile_of.insert(c, pi);
                    self.m.desired.insert(c, ON);
                    if !par.is_null() {
                        self.m.parent.insert(c, par);
                        self.m.children.entry(par).or_default().push(c);
                    }
                } else {
                    assert_eq!(
                        r,
                        Err(HResult::E_INVALIDARG),
                        "CRE-6: {op:?} (parent {par})"
                    );
                }
            }
            Op::Shutdown => {
                let r = self.sim.shutdown();
                assert_eq!(r.is_err(), ended, "shutdown: {r:?}");
            }
        }
        self.after_op(op);
    }

    pub(crate) fn after_op(&mut self, op: &Op) {
        // Only InjectNotify may deliver notifications that belong to no transition.
        self.m.injecting = matches!(op, Op::InjectNotify { .. });
        self.absorb();
        self.m.injecting = false;
        self.check_invariants();
    }

    /// Checks made after every operation (and at setup).
    pub(crate) fn check_invariants(&mut self) {
        let m = &self.m;
        if m.ended {
            for &p in m.offline.iter().chain(&m.sinks) {
                assert_eq!(
                    self.sim.refcount(p),
                    None,
                    "pointers are dangling after shutdown"
                );
                assert_eq!(self.sim.state_of(p), None);
            }
            return;
        }
        // 6: reference counts.
        for &p in m.offline.iter().chain(&m.sinks) {
            let want = if m.dead.contains(&p) {
                None
            } else {
                Some(m.refs.get(&p).copied().unwrap_or(0))
            };
            assert_eq!(self.sim.refcount(p), want, "reference count of {p}");
        }
        // ADV-1/UNADV-3: registrations as the client made them.
        for &o in &m.offline {
            let want: Vec<(u32, u32, Ptr)> = m
                .regs
                .iter()
                .filter(|(_, r)| r.object == o)
                .map(|(t, r)| (*t, r.client_token, r.sink))
                .collect();
            assert_eq!(self.sim.registrations(o), want, "registrations of {o}");
        }
        assert_eq!(self.sim.registration_count(), m.regs.len());
        // SET-1/SET-3: which objects are changing; no blocking change outlives its call.
        let mut known = BTreeSet::new();
        let mut maybe_more = false;
        for (tid, tr) in &m.transitions {
            assert!(
                !tr.blocking,
                "SET-1: blocking transition #{tid} still in progress after the call"
            );
            known.insert(tr.root);
            known.extend(tr.affected.iter().map(|a| a.0));
            maybe_more |= tr.phase < 2 && tr.objects > 1;
        }
        for &o in &m.offline {
            let busy = self.sim.in_transition(o);
            assert!(
                busy || !known.contains(&o),
                "{o} is changing but in_transition is false"
            );
            assert!(
                !busy || known.contains(&o) || maybe_more,
                "{o}: in_transition without a transition"
            );
            assert_eq!(
                self.sim.state_of(o),
                m.state.get(&o).copied(),
                "state of {o} vs. its trace"
            );
        }
        // Settled world: GEN-5, SET-11, CRE-7.
        if self.sim.next_due().is_none() {
            assert!(
                m.transitions.is_empty(),
                "idle with transitions in progress: {:?}",
                m.transitions.keys()
            );
            for &o in &m.offline {
                let want = match m.parent.get(&o) {
                    Some(p) if self.sim.state_of(*p) == Some(OFF) => OFF,
                    Some(_) => m.desired[&o],
                    None if m.globals.contains(&o) => {
                        if m.network_up && m.server_up[m.profile_of[&o]] {
                            m.desired[&o]
                        } else {
                            OFF
                        }
                    }
                    None => m.desired[&o],
                };
                assert_eq!(
                    self.sim.state_of(o),
                    Some(want),
                    "GEN-5/SET-11/CRE-7: idle world, {o} should be {want:#x} (requested {:#x})",
                    m.desired[&o]
                );
            }
        }
        // 1: CUR-1/CUR-2 through the API.
        let offline = m.offline.clone();
        let extra = m.extra_bits;
        for o in offline {
            let s = self
                .sim
                .state_of(o)
                .expect("offline objects live until shutdown");
            assert!(state_ok(s), "CUR-1: state_of({o}) = {s:#x}");
            let r = self.sim.get_current_state(o, Out::Valid);
            assert_eq!(r.hr, HResult::S_OK);
            let v = r.out.expect("S_OK writes the state");
            assert!(
                state_ok(v & MASK),
                "CUR-1: GetCurrentState({o}) & OFFLINE_MASK = {:#x}",
                v & MASK
            );
            assert_eq!(v & MASK, s, "CUR-1: GetCurrentState vs state_of for {o}");
            assert_eq!(v & !MASK, extra, "CUR-2: extra state bits of {o}");
        }
        self.absorb();
    }
}
