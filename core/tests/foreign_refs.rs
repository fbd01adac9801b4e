//! The references the manager takes and drops on a foreign sink (ADV-10, UNADV-3) reach
//! the driver through `Sim::poll_foreign_ref`, one per successful Advise and one per
//! Unadvise that removes a registration, so that a C driver only translates them into the
//! sink's own AddRef and Release. Simulated sinks have none: core counts them itself.

use mapioffline::consts::*;
use mapioffline::{ForeignRef, Out, ProfileSpec, Ptr, Sim, SinkSpec};

fn world() -> (Sim, Ptr) {
    let mut sim = Sim::default();
    sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
    let mgr = sim.open("Outlook").unwrap();
    sim.get_capabilities(mgr, Out::Valid);
    (sim, mgr)
}

fn drain(sim: &mut Sim) -> Vec<ForeignRef> {
    std::iter::from_fn(|| sim.poll_foreign_ref()).collect()
}

#[test]
fn advise_adds_and_unadvise_releases_a_reference_on_a_foreign_sink() {
    let (mut sim, mgr) = world();
    let sink = sim.create_sink(SinkSpec::foreign("c")).unwrap();
    let t1 = sim.advise_sink(mgr, sink, 1).unwrap();
    let t2 = sim.advise_sink(mgr, sink, 2).unwrap();
    assert_eq!(
        drain(&mut sim),
        [ForeignRef::AddRef(sink), ForeignRef::AddRef(sink)]
    );
    // Core's count agrees: the client's own reference plus the manager's two.
    assert_eq!(sim.refcount(sink), Some(3));
    assert_eq!(sim.unadvise(mgr, 0, t1), HResult::S_OK);
    assert_eq!(drain(&mut sim), [ForeignRef::Release(sink)]);
    // Removed already, or never registered: S_OK (UNADV-2) and nothing to release.
    sim.unadvise(mgr, 0, t1);
    sim.unadvise(mgr, 0, 999);
    assert!(drain(&mut sim).is_empty());
    sim.unadvise(mgr, 0, t2);
    assert_eq!(drain(&mut sim), [ForeignRef::Release(sink)]);
    assert_eq!(sim.refcount(sink), Some(1));
}

#[test]
fn a_failed_advise_or_a_simulated_sink_leaves_nothing_for_the_driver() {
    let (mut sim, mgr) = world();
    let foreign = sim.create_sink(SinkSpec::foreign("c")).unwrap();
    let mut info = sim.advise_info(1, foreign);
    info.ul_size += 1;
    let r = sim.advise(mgr, 0, Some(&info), Out::Valid);
    assert_eq!(r.hr, HResult::E_INVALIDARG);
    let deaf = sim
        .create_sink(SinkSpec {
            implements_notify: false,
            ..SinkSpec::foreign("deaf")
        })
        .unwrap();
    assert_eq!(sim.advise_sink(mgr, deaf, 2), Err(HResult::E_NOINTERFACE));
    assert!(drain(&mut sim).is_empty());

    let simulated = sim.create_sink(SinkSpec::new("s")).unwrap();
    let t = sim.advise_sink(mgr, simulated, 3).unwrap();
    sim.unadvise(mgr, 0, t);
    assert!(drain(&mut sim).is_empty());
}
