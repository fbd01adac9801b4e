//! Time travel over random sequences: after every operation, the world folded from the
//! trace alone (`trace::replay::Timeline`) is what `Sim::snapshot` says, transitions in
//! progress, children, re-entrant `Notify`s and shutdown mid-way included.

use super::*;
use mapioffline::trace::replay::Timeline;

proptest! {
    #![proptest_config(ProptestConfig {
        cases: proptest_config().cases.div_ceil(5),
        ..proptest_config()
    })]

    #[test]
    fn the_world_at_every_operation_is_the_simulators(
        world in world_strategy(),
        ops in ops_strategy(MAX_OPS),
    ) {
        let mut d = Driver::new(&world);
        let mut seen = vec![(d.sim.trace().events.len(), d.sim.snapshot())];
        for op in &ops {
            d.step(op);
            seen.push((d.sim.trace().events.len(), d.sim.snapshot()));
        }
        let timeline = Timeline::new(d.sim.trace());
        for (n, snap) in &seen {
            let m = timeline.at(*n);
            prop_assert_eq!(m.mismatch, None);
            prop_assert_eq!(&m.world, snap, "after {} events of\n{}", n, d.sim.trace().to_text());
            // No transition is in progress that the world does not show as one.
            for t in &m.transitions {
                for o in &t.objects {
                    prop_assert!(m.world.objects.iter().any(|w| w.object == *o && w.in_transition));
                }
            }
        }
    }
}
