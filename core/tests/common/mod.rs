//! The world most integration tests start from, written once for all of them.

use mapioffline::{Config, HResult, Out, ProfileSpec, Ptr, Sim, SinkSpec};

/// Profile "Outlook", a well-behaved sink, an opened manager whose capabilities were read.
pub fn world_with(config: Config) -> (Sim, Ptr, Ptr) {
    let mut sim = Sim::new(config);
    sim.add_profile(ProfileSpec::new("Outlook")).unwrap();
    let sink = sim.create_sink(SinkSpec::new("sink")).unwrap();
    let mgr = sim.open("Outlook").unwrap();
    assert_eq!(sim.get_capabilities(mgr, Out::Valid).hr, HResult::S_OK);
    (sim, mgr, sink)
}

/// [`world_with`] the default configuration.
pub fn world() -> (Sim, Ptr, Ptr) {
    world_with(Config::default())
}
