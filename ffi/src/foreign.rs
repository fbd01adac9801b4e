//! The one place that knows how core hands a foreign sink's deliveries to the driver
//! (`SinkSpec::foreign`, `Sim::poll_notify`, `Sim::notify_returned`).

use mapioffline_core::{NotifyInfo, Ptr, Sim, SinkSpec};

/// A client's own `IMAPIOfflineNotify`: core hands its deliveries to the driver.
/// `implements_notify` is what the client's `QueryInterface(IID_IMAPIOfflineNotify)` said.
pub(crate) fn sink_spec(name: String, implements_notify: bool) -> SinkSpec {
    let mut spec = SinkSpec::new(name);
    spec.implements_notify = implements_notify;
    spec
}

/// The delivery core has stopped at: (sink, what to pass to its Notify).
pub(crate) fn poll(_sim: &mut Sim) -> Option<(Ptr, NotifyInfo)> {
    None
}

/// The foreign Notify returned.
pub(crate) fn returned(_sim: &mut Sim) {}
