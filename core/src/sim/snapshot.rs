//! `Sim::snapshot`: the world now, read from the simulator's parts. The data types live
//! in the trace layer (`trace/snapshot.rs`) so that a trace alone can be folded into the
//! same snapshot (`trace::replay`).

use super::identity::{Identity, Target};
use super::Sim;
pub use crate::trace::snapshot::{ClientSnapshot, ObjectSnapshot, ProfileSnapshot, WorldSnapshot};

impl Sim {
    /// Everything a front-end shows as "the world now" (the REPL's `:state`, the
    /// playground's side panel), read in one go.
    pub fn snapshot(&self) -> WorldSnapshot {
        WorldSnapshot {
            now: self.clock.now(),
            network_up: self.network_up,
            ended: self.ended,
            next_due: self.next_due(),
            profiles: self
                .profiles
                .iter()
                .map(|p| ProfileSnapshot {
                    name: p.name.clone(),
                    caller_inside_outlook: p.caller_inside_outlook,
                    server_up: p.server_up,
                    global: Identity::offline_ptr(p.global),
                })
                .collect(),
            objects: self
                .objects
                .iter()
                .enumerate()
                .map(|(i, o)| ObjectSnapshot {
                    object: Identity::offline_ptr(i),
                    profile: self.profiles[o.profile].name.clone(),
                    parent: o.parent.map(Identity::offline_ptr),
                    is_global: o.is_global,
                    capabilities: o.caps,
                    state: o.state,
                    in_transition: o.busy.is_some(),
                    refs: self.ids.refs(Target::Offline(i)),
                    registrations: self.regs.listed(i).collect(),
                })
                .collect(),
            clients: self
                .clients
                .iter()
                .enumerate()
                .map(|(i, c)| ClientSnapshot {
                    object: Identity::client_ptr(i),
                    name: c.spec.name.clone(),
                    refs: self.ids.refs(Target::Client(i)),
                    alive: self.ids.alive(i),
                })
                .collect(),
        }
    }
}
