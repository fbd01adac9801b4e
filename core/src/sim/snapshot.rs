//! The world at one moment, as data (for the playground) and as text (the REPL's
//! `:state`).

use super::identity::{Identity, Target};
use super::Sim;
use crate::consts::*;
use crate::trace::*;
use serde::{Deserialize, Serialize};

/// The world at one moment; see [`Sim::snapshot`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorldSnapshot {
    pub now: Tick,
    pub network_up: bool,
    /// Outlook has shut down.
    pub ended: bool,
    /// When the next phase of an asynchronous change is due.
    pub next_due: Option<Tick>,
    pub profiles: Vec<ProfileSnapshot>,
    pub objects: Vec<ObjectSnapshot>,
    pub clients: Vec<ClientSnapshot>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileSnapshot {
    pub name: String,
    pub caller_inside_outlook: bool,
    pub server_up: bool,
    pub global: Ptr,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectSnapshot {
    pub object: Ptr,
    pub profile: String,
    pub parent: Option<Ptr>,
    pub is_global: bool,
    pub capabilities: u32,
    /// The masked state.
    pub state: u32,
    pub in_transition: bool,
    /// References the client holds.
    pub refs: u32,
    /// (advise token, ulClientToken, sink).
    pub registrations: Vec<(u32, u32, Ptr)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientSnapshot {
    pub object: Ptr,
    pub name: String,
    pub refs: u32,
    /// False once its last reference is gone.
    pub alive: bool,
}

impl WorldSnapshot {
    /// A few lines for a person: time, network, each profile with its objects, each sink.
    pub fn to_text(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let due = match self.next_due {
            Some(t) => format!("; next phase due at t={t}"),
            None => String::new(),
        };
        let _ = writeln!(
            s,
            "t={}; network {}{}{due}",
            self.now,
            if self.network_up { "up" } else { "down" },
            if self.ended {
                "; Outlook has shut down"
            } else {
                ""
            }
        );
        let sink_name = |p: Ptr| {
            self.clients
                .iter()
                .find(|c| c.object == p)
                .map_or_else(|| p.to_string(), |c| c.name.clone())
        };
        for p in &self.profiles {
            let _ = writeln!(
                s,
                "profile \"{}\": server {}, caller {} Outlook",
                p.name,
                if p.server_up { "up" } else { "down" },
                if p.caller_inside_outlook {
                    "inside"
                } else {
                    "outside"
                }
            );
            for o in self.objects.iter().filter(|o| o.profile == p.name) {
                let what = if o.is_global {
                    "global object".to_string()
                } else {
                    match o.parent {
                        Some(parent) => format!("object (child of {parent})"),
                        None => "object".to_string(),
                    }
                };
                let _ = writeln!(
                    s,
                    "  {} {what}: {}{}, capabilities {}, {} client reference{}",
                    o.object,
                    show(ConstGroup::State, o.state),
                    if o.in_transition {
                        " (change in progress)"
                    } else {
                        ""
                    },
                    show_capabilities(o.capabilities),
                    o.refs,
                    if o.refs == 1 { "" } else { "s" }
                );
                for (token, client_token, sink) in &o.registrations {
                    let _ = writeln!(
                        s,
                        "    advise token {token} -> {} (ulClientToken {client_token})",
                        sink_name(*sink)
                    );
                }
            }
        }
        for c in &self.clients {
            let _ = writeln!(
                s,
                "sink {} {}: {} reference{}{}",
                c.name,
                c.object,
                c.refs,
                if c.refs == 1 { "" } else { "s" },
                if c.alive { "" } else { " (destroyed)" }
            );
        }
        s
    }
}

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
