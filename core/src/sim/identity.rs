//! COM identity: the addresses handed out, decoding a `this` pointer, reference counts,
//! `QueryInterface`/`AddRef`/`Release`, and calls through a vtable slot.
//! Clauses: OFF-1…OFF-3, MGR-1…MGR-3 (interfaces, QueryInterface, reference counts, placeholder
//! slots), OPEN-10 (one object, counted references).

use super::{Ret, Sim};
use crate::clauses::{Clause, Rule};
use crate::consts::*;
use crate::trace::*;

const OFFLINE_BASE: u32 = 0x00A0_0000;
const CLIENT_BASE: u32 = 0x00C0_0000;
const STRIDE: u32 = 0x10;
pub(super) const MAX_OBJECTS: usize = 0x1_0000;

/// One slot of IMAPIOfflineMgr's vtable; its index is its place in [`VTABLE`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VtableSlot {
    pub name: &'static str,
    /// How many arguments the method takes; `None` for a placeholder (OFF-2, MGR-2),
    /// which takes none and answers E_NOTIMPL.
    pub arity: Option<usize>,
}

impl VtableSlot {
    pub fn is_placeholder(&self) -> bool {
        self.arity.is_none()
    }
}

const fn method(name: &'static str, arity: usize) -> VtableSlot {
    VtableSlot {
        name,
        arity: Some(arity),
    }
}

const fn placeholder(name: &'static str) -> VtableSlot {
    VtableSlot { name, arity: None }
}

/// IMAPIOfflineMgr's vtable: IUnknown (3), IMAPIOffline (3 + 1 placeholder), Advise,
/// Unadvise, 7 placeholders. The one place the layout is spelled: the slot calls here,
/// the scenario language's `vtbl[N](…)` and the C library's vtable follow it.
pub const VTABLE: [VtableSlot; 16] = [
    method("QueryInterface", 2),
    method("AddRef", 0),
    method("Release", 0),
    method("SetCurrentState", 4),
    method("GetCapabilities", 1),
    method("GetCurrentState", 1),
    placeholder("IMAPIOffline placeholder"),
    method("Advise", 3),
    method("Unadvise", 2),
    placeholder("IMAPIOfflineMgr placeholder 1"),
    placeholder("IMAPIOfflineMgr placeholder 2"),
    placeholder("IMAPIOfflineMgr placeholder 3"),
    placeholder("IMAPIOfflineMgr placeholder 4"),
    placeholder("IMAPIOfflineMgr placeholder 5"),
    placeholder("IMAPIOfflineMgr placeholder 6"),
    placeholder("IMAPIOfflineMgr placeholder 7"),
];

#[derive(Clone, Copy)]
pub(super) enum Target {
    Offline(usize),
    Client(usize),
}

/// A client object's references, and whether its last Release destroyed it.
#[derive(Clone, Copy)]
struct ClientRefs {
    refs: u32,
    alive: bool,
    /// Its `Notify` only receives (no reactions, not foreign): delivery records it
    /// without a call. Kept beside `alive`, so that delivery reads one entry per
    /// notification.
    quiet: bool,
}

/// COM identity: which addresses have been handed out, what each one is, and how many
/// references the client holds on it. Offline object `i` and client object `i` are the
/// `i`th of their kind, at fixed strides from two bases, so decoding is arithmetic.
#[derive(Default)]
pub(super) struct Identity {
    /// References the client holds on each offline object (Outlook's own are not counted).
    offline: Vec<u32>,
    clients: Vec<ClientRefs>,
}

impl Identity {
    #[inline]
    pub(super) fn offline_ptr(i: usize) -> Ptr {
        Ptr(OFFLINE_BASE + i as u32 * STRIDE)
    }

    #[inline]
    pub(super) fn client_ptr(i: usize) -> Ptr {
        Ptr(CLIENT_BASE + i as u32 * STRIDE)
    }

    /// The address of a new offline object, with no client reference yet.
    pub(super) fn add_offline(&mut self) -> Ptr {
        self.offline.push(0);
        Identity::offline_ptr(self.offline.len() - 1)
    }

    /// The address of a new client object, with one reference: the client's own.
    /// `quiet`: its `Notify` only receives (see [`Identity::quiet`]).
    pub(super) fn add_client(&mut self, quiet: bool) -> Ptr {
        self.clients.push(ClientRefs {
            refs: 1,
            alive: true,
            quiet,
        });
        Identity::client_ptr(self.clients.len() - 1)
    }

    /// What `p` is, if it is a live object this world handed out.
    pub(super) fn decode(&self, p: Ptr) -> Option<Target> {
        if p.0 % STRIDE != 0 {
            return None;
        }
        if p.0 >= OFFLINE_BASE && p.0 < OFFLINE_BASE + MAX_OBJECTS as u32 * STRIDE {
            let i = ((p.0 - OFFLINE_BASE) / STRIDE) as usize;
            return (i < self.offline.len()).then_some(Target::Offline(i));
        }
        if p.0 >= CLIENT_BASE && p.0 < CLIENT_BASE + MAX_OBJECTS as u32 * STRIDE {
            let i = ((p.0 - CLIENT_BASE) / STRIDE) as usize;
            return (i < self.clients.len() && self.clients[i].alive).then_some(Target::Client(i));
        }
        None
    }

    /// Whether `p` was a client object's address, destroyed or not.
    pub(super) fn was_client(&self, p: Ptr) -> bool {
        p.0 >= CLIENT_BASE
            && p.0 % STRIDE == 0
            && (((p.0 - CLIENT_BASE) / STRIDE) as usize) < self.clients.len()
    }

    #[inline]
    pub(super) fn alive(&self, client: usize) -> bool {
        self.clients[client].alive
    }

    /// Whether a client object is alive and its `Notify` only receives: delivery records
    /// the notification without calling it.
    #[inline]
    pub(super) fn quiet(&self, client: usize) -> bool {
        let c = self.clients[client];
        c.alive & c.quiet
    }

    #[inline]
    pub(super) fn refs(&self, t: Target) -> u32 {
        match t {
            Target::Offline(i) => self.offline[i],
            Target::Client(i) => self.clients[i].refs,
        }
    }

    /// Sets a count; returns the object's address, the old count and whether this
    /// destroyed a client object (its last reference gone).
    pub(super) fn set_refs(&mut self, t: Target, new: u32) -> (Ptr, u32, bool) {
        match t {
            Target::Offline(i) => (
                Identity::offline_ptr(i),
                std::mem::replace(&mut self.offline[i], new),
                false,
            ),
            Target::Client(i) => {
                let c = &mut self.clients[i];
                let old = std::mem::replace(&mut c.refs, new);
                if new == 0 {
                    c.alive = false;
                }
                (Identity::client_ptr(i), old, new == 0)
            }
        }
    }

    /// (object, count) of every offline object the client still holds references on.
    pub(super) fn held_offline(&self) -> impl Iterator<Item = (Ptr, u32)> + '_ {
        self.offline
            .iter()
            .enumerate()
            .filter(|(_, r)| **r > 0)
            .map(|(i, r)| (Identity::offline_ptr(i), *r))
    }
}

impl Sim {
    /// What `p` is; after shutdown, nothing (every pointer dangles).
    #[inline]
    pub(super) fn decode(&self, p: Ptr) -> Option<Target> {
        if self.ended {
            return None;
        }
        self.ids.decode(p)
    }

    /// The diagnostic for a `this` that is not a live object.
    pub(super) fn bad_this(&mut self, this: Ptr, func: Func) {
        let was_sink = self.ids.was_client(this);
        if self.ended {
            self.error(
                "ptr.after_shutdown",
                None,
                Some(Rule::R4),
                format!("{func} through {this} after Outlook shut down: every pointer is dangling; a real client would crash. The simulator returns E_INVALIDARG."),
            );
        } else if this.is_null() {
            self.error(
                "ptr.null_this",
                None,
                None,
                format!("{func} called through a NULL interface pointer: a real client would crash. The simulator returns E_INVALIDARG."),
            );
        } else if was_sink {
            self.error(
                "ptr.dangling",
                None,
                Some(Rule::R4),
                format!("{func} through {this}, a client object already destroyed by its last Release: a real client would crash. The simulator returns E_INVALIDARG."),
            );
        } else {
            self.error(
                "ptr.invalid",
                None,
                None,
                format!("{func} through {this}, which is not an interface pointer the simulator handed out: a real client would crash. The simulator returns E_INVALIDARG."),
            );
        }
    }

    /// Resolves `this` for an IMAPIOffline/IMAPIOfflineMgr method, flagging misuse.
    pub(super) fn offline_this(&mut self, this: Ptr, func: Func, by: Caller) -> Option<usize> {
        match self.decode(this) {
            Some(Target::Offline(i)) => {
                if by == Caller::Client && self.ids.refs(Target::Offline(i)) == 0 {
                    self.error(
                        "ptr.use_after_release",
                        Some(Clause::Open10),
                        Some(Rule::R4),
                        format!("{func} through {this} after the client released its last reference: the object lives on only because Outlook holds it; a real client must not rely on that"),
                    );
                }
                Some(i)
            }
            Some(Target::Client(_)) => {
                self.error(
                    "ptr.not_offline_object",
                    Some(Clause::Mgr1),
                    None,
                    format!("{func} called on {this}, a client-owned object: only offline objects implement IMAPIOffline/IMAPIOfflineMgr. The simulator returns E_INVALIDARG."),
                );
                None
            }
            None => {
                self.bad_this(this, func);
                None
            }
        }
    }

    pub(super) fn set_refs(&mut self, t: Target, new: u32) {
        let (object, old, destroyed) = self.ids.set_refs(t, new);
        self.push(EventKind::RefCount { object, old, new });
        if destroyed {
            self.push(EventKind::Destroyed { object });
        }
    }

    #[inline]
    pub(super) fn refs_of(&self, t: Target) -> u32 {
        self.ids.refs(t)
    }

    /// `this->QueryInterface(riid, ppvObject)`; `riid` a [`GuidPtr`], or `Some(iid)` / `None`.
    pub fn query_interface(
        &mut self,
        this: Ptr,
        riid: impl Into<GuidPtr>,
        ppv_object: Out,
    ) -> Ret<Ptr> {
        self.qi(Caller::Client, this, riid, ppv_object)
    }

    pub(super) fn qi(
        &mut self,
        by: Caller,
        this: Ptr,
        riid: impl Into<GuidPtr>,
        ppv_object: Out,
    ) -> Ret<Ptr> {
        let riid = riid.into();
        self.enter(
            by,
            Call::QueryInterface {
                this,
                riid,
                ppv_object,
            },
        );
        let (hr, out) = self.qi_inner(by, this, riid, ppv_object);
        self.leave(by, Func::QueryInterface, Some(hr), out.map(OutValue::Ptr));
        Ret { hr, out }
    }

    pub(super) fn qi_inner(
        &mut self,
        by: Caller,
        this: Ptr,
        riid: GuidPtr,
        ppv: Out,
    ) -> (HResult, Option<Ptr>) {
        let target = match self.decode(this) {
            Some(t) => t,
            None => {
                self.bad_this(this, Func::QueryInterface);
                return (HResult::E_INVALIDARG, None);
            }
        };
        if let Target::Offline(_) = target {
            if by == Caller::Client && self.ids.refs(target) == 0 {
                self.offline_this(this, Func::QueryInterface, by);
            }
        }
        if ppv.is_null() {
            self.error(
                "qi.out_null",
                Some(Clause::Mgr3),
                None,
                "ppvObject is NULL; the simulator returns E_INVALIDARG".into(),
            );
            return (HResult::E_INVALIDARG, None);
        }
        let iid = match riid {
            GuidPtr::To(iid) => iid,
            GuidPtr::Null => {
                self.error(
                    "qi.riid_null",
                    Some(Clause::Mgr3),
                    None,
                    "riid is NULL; the simulator returns E_INVALIDARG and writes NULL".into(),
                );
                return (HResult::E_INVALIDARG, Some(Ptr::NULL));
            }
            GuidPtr::Addr(a) => {
                self.error("qi.riid_unreadable", Some(Clause::Mgr3), None, format!("riid is 0x{a:X}, an address the simulator cannot read; the simulator's choice: it treats an unreadable address as an invalid argument, returns E_INVALIDARG and writes NULL (a real Outlook would read the 16 bytes found there as the IID, or fault)"));
                return (HResult::E_INVALIDARG, Some(Ptr::NULL));
            }
        };
        let supported = match target {
            Target::Offline(_) => {
                iid == IID_IUNKNOWN || iid == IID_IMAPIOFFLINE || iid == IID_IMAPIOFFLINEMGR
            }
            Target::Client(i) => {
                let s = &self.clients[i].spec;
                iid == IID_IUNKNOWN
                    || (iid == IID_IMAPIOFFLINENOTIFY && s.implements_notify)
                    || s.interfaces.contains(&iid)
            }
        };
        if supported {
            let n = self.refs_of(target).saturating_add(1);
            self.set_refs(target, n);
            if let (Target::Offline(_), true) = (target, iid == IID_IMAPIOFFLINE) {
                self.note("qi.imapioffline", Clause::Off1, "IMAPIOffline obtained from the manager by QueryInterface; it shares the manager's object and reference count".into());
            }
            return (HResult::S_OK, Some(this));
        }
        if let Target::Offline(i) = target {
            if let Some(outer) = self.objects[i].outer {
                self.note("qi.aggregated", Clause::Cre5, format!("{iid:?} is not an offline-object interface; the object is aggregated, so QueryInterface passes through to the outer object"));
                let r = self.qi(
                    Caller::Outlook,
                    Identity::client_ptr(outer),
                    GuidPtr::To(iid),
                    Out::Valid,
                );
                return (r.hr, r.out);
            }
            self.note("qi.no_interface", Clause::Mgr3, format!("an offline object answers only IID_IUnknown, IID_IMAPIOffline and IID_IMAPIOfflineMgr, not {iid:?}: E_NOINTERFACE and *ppvObject = NULL"));
        }
        (HResult::E_NOINTERFACE, Some(Ptr::NULL))
    }

    /// `this->AddRef()`: returns the new count.
    pub fn add_ref(&mut self, this: Ptr) -> u32 {
        let by = Caller::Client;
        self.enter(by, Call::AddRef { this });
        let n = match self.decode(this) {
            Some(t) => {
                if let Target::Offline(_) = t {
                    self.offline_this(this, Func::AddRef, by);
                }
                let n = self.refs_of(t).saturating_add(1);
                self.set_refs(t, n);
                n
            }
            None => {
                self.bad_this(this, Func::AddRef);
                0
            }
        };
        self.leave(by, Func::AddRef, None, Some(OutValue::RefCount(n)));
        n
    }

    /// `this->Release()`: returns the new count.
    pub fn release(&mut self, this: Ptr) -> u32 {
        self.release_by(Caller::Client, this)
    }

    pub(super) fn release_by(&mut self, by: Caller, this: Ptr) -> u32 {
        self.enter(by, Call::Release { this });
        let n = match self.decode(this) {
            Some(t) => {
                let old = self.refs_of(t);
                if old == 0 {
                    self.error("release.below_zero", Some(Clause::Mgr3), Some(Rule::R4), format!("Release on {this} whose count is already 0: the client released more references than it obtained"));
                    0
                } else {
                    self.set_refs(t, old - 1);
                    old - 1
                }
            }
            None => {
                self.bad_this(this, Func::Release);
                0
            }
        };
        self.leave(by, Func::Release, None, Some(OutValue::RefCount(n)));
        n
    }

    /// Calls vtable slot `slot` of `this` with no arguments: how a client reaches the
    /// placeholders (OFF-2, OFF-3). Named methods must be called by name.
    pub fn call_slot(&mut self, this: Ptr, slot: u32) -> HResult {
        let by = Caller::Client;
        self.enter(by, Call::Slot { this, slot });
        let hr = match self.offline_this(this, Func::Slot, by) {
            None => HResult::E_INVALIDARG,
            Some(_) => match VTABLE.get(slot as usize) {
                Some(VtableSlot { name, arity: None }) => {
                    self.error("slot.placeholder", Some(Clause::Off3), Some(Rule::R7), format!("slot {slot} is the {name}, reserved for Outlook (OFF-2, MGR-2): E_NOTIMPL"));
                    HResult::E_NOTIMPL
                }
                Some(VtableSlot { name, .. }) => {
                    self.error("slot.named_method", Some(Clause::Off2), None, format!("slot {slot} is {name}, which takes arguments: call it by name. The simulator returns E_INVALIDARG"));
                    HResult::E_INVALIDARG
                }
                None => {
                    self.error("slot.beyond_vtable", Some(Clause::Off3), Some(Rule::R7), format!("slot {slot} is beyond IMAPIOfflineMgr's {} slots: undefined behaviour in a real client; the simulator returns E_NOTIMPL", VTABLE.len()));
                    HResult::E_NOTIMPL
                }
            },
        };
        self.leave(by, Func::Slot, Some(hr), None);
        hr
    }
}
