//! The one place that knows how core hands a foreign sink's deliveries and references to
//! the driver (`SinkSpec::foreign`, `Sim::poll_notify`, `Sim::notify_returned`,
//! `Sim::poll_foreign_ref`).

use mapioffline_core::{ForeignRef, NotifyInfo, Ptr, Sim, SinkSpec};

/// A client's own object: core does not run its `Notify`, it hands each delivery to the
/// driver. `implements_notify` is what the client's `QueryInterface(IID_IMAPIOfflineNotify)`
/// said (ADV-9); outer and support objects are registered with `false`.
pub(crate) fn sink_spec(name: String, implements_notify: bool) -> SinkSpec {
    let mut spec = SinkSpec::foreign(name);
    spec.implements_notify = implements_notify;
    spec
}

/// The delivery core has stopped at: (sink, what to pass to its Notify). Taking it means
/// the driver calls that Notify now, then [`returned`].
pub(crate) fn poll(sim: &mut Sim) -> Option<(Ptr, NotifyInfo)> {
    sim.poll_notify().map(|n| (n.sink, n.info))
}

/// The foreign Notify returned: core resumes where it stopped.
pub(crate) fn returned(sim: &mut Sim) {
    sim.notify_returned();
}

/// What the driver is to do to a client's object because the manager took or dropped a
/// reference on it in core (ADV-10, UNADV-3).
pub(crate) enum RefChange {
    AddRef(Ptr),
    Release(Ptr),
}

/// The next reference the manager took or dropped on a foreign sink, oldest first.
pub(crate) fn poll_ref(sim: &mut Sim) -> Option<RefChange> {
    sim.poll_foreign_ref().map(|r| match r {
        ForeignRef::AddRef(p) => RefChange::AddRef(p),
        ForeignRef::Release(p) => RefChange::Release(p),
    })
}
