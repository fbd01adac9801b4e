//! The world at one moment, as data (for the playground) and as text (the REPL's
//! `:state`). It lives with the trace, not the simulator, because two readers build it:
//! `Sim::snapshot` from a live simulator and [`super::replay::Timeline`] from a trace
//! alone (a trace loaded from JSON), and they must agree field for field.

use super::{Ptr, Tick};
use crate::consts::*;
use serde::{Deserialize, Serialize};

/// The world at one moment: `Sim::snapshot` now, or [`super::replay::Timeline::world_at`]
/// after any number of a trace's events.
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
