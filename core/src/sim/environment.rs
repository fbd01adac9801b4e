//! What happens to the world rather than through the API: network and server changes,
//! injected notifications, extra state and capability bits, and the Outlook process
//! ending with its report of what the client left behind (GEN-3, GEN-5, SET-11, NTF-6,
//! CAP-3, CUR-2).

use super::identity::{Identity, Target};
use super::jobs::Job;
use super::{Sim, SimError};
use crate::clauses::{Clause, Rule};
use crate::consts::*;
use crate::trace::*;
use crate::util::nearest;

impl Sim {
    pub(super) fn environment(&mut self, env: EnvEvent, cause: Cause, profiles: Vec<usize>) {
        self.push(EventKind::Env { env });
        for pi in profiles {
            let g = self.profiles[pi].global;
            if let Some(b) = self.tree_busy(g) {
                self.profiles[pi].env_deferred = Some(b.transition);
                self.note("env.deferred", Clause::Gen6, format!("transition #{} of {} is in progress in \"{}\"'s object tree: the change in connectivity is applied when it completes", b.transition, Identity::offline_ptr(b.object), self.profiles[pi].name));
                continue;
            }
            let target = self.target_of(g);
            if target != self.objects[g].state {
                if target == MAPIOFFLINE_STATE_ONLINE {
                    let name = &self.profiles[pi].name;
                    let msg = if std::mem::take(&mut self.objects[g].asked_online) {
                        format!("connectivity is back and \"{name}\" was asked to work online while it was unavailable: it goes ONLINE")
                    } else {
                        format!("connectivity is back and nobody set \"{name}\" to work offline: it returns to ONLINE")
                    };
                    self.note("env.back_online", Clause::Set11, msg);
                }
                self.start_transition(g, target, false, cause);
            } else if target == MAPIOFFLINE_STATE_OFFLINE
                && self.objects[g].desired == MAPIOFFLINE_STATE_OFFLINE
                && self.connected(pi)
            {
                self.note("env.stays_offline", Clause::Gen5, format!("\"{}\" was set to work offline: it stays OFFLINE although connectivity is back", self.profiles[pi].name));
            } else {
                self.reconcile(g);
            }
        }
    }

    pub(super) fn profile_index(&self, name: &str) -> Result<usize, SimError> {
        self.profiles
            .iter()
            .position(|p| p.name == name)
            .ok_or_else(|| SimError::UnknownProfile {
                name: name.to_string(),
                suggestion: nearest(name, self.profiles.iter().map(|p| p.name.as_str()))
                    .map(str::to_string),
            })
    }

    /// The machine loses its network: every online profile goes offline (GEN-5).
    pub fn network_down(&mut self) -> Result<(), SimError> {
        self.set_network(false)
    }

    /// The network returns: profiles that were asked to work online go online (SET-11).
    pub fn network_up(&mut self) -> Result<(), SimError> {
        self.set_network(true)
    }

    /// A profile's server fails (GEN-5).
    pub fn server_down(&mut self, profile: &str) -> Result<(), SimError> {
        self.set_server(profile, false)
    }

    /// A profile's server comes back.
    pub fn server_up(&mut self, profile: &str) -> Result<(), SimError> {
        self.set_server(profile, true)
    }

    pub(super) fn set_network(&mut self, up: bool) -> Result<(), SimError> {
        self.running()?;
        self.network_up = up;
        let (env, cause) = if up {
            (EnvEvent::NetworkUp, Cause::NetworkUp)
        } else {
            (EnvEvent::NetworkDown, Cause::NetworkDown)
        };
        self.environment(env, cause, (0..self.profiles.len()).collect());
        Ok(())
    }

    pub(super) fn set_server(&mut self, profile: &str, up: bool) -> Result<(), SimError> {
        self.running()?;
        let pi = self.profile_index(profile)?;
        self.profiles[pi].server_up = up;
        let profile = profile.to_string();
        let (env, cause) = if up {
            (EnvEvent::ServerUp { profile }, Cause::ServerUp)
        } else {
            (EnvEvent::ServerDown { profile }, Cause::ServerDown)
        };
        self.environment(env, cause, vec![pi]);
        Ok(())
    }

    /// NTF-6 fault injection: delivers a notification with any type, mask and states to
    /// every registration of `object`, now.
    pub fn inject_notify(
        &mut self,
        object: Ptr,
        notify_type: u32,
        ul_mask: u32,
        ul_state_old: u32,
        ul_state_new: u32,
    ) -> Result<(), SimError> {
        self.running()?;
        let Some(Target::Offline(i)) = self.decode(object) else {
            return Err(SimError::NotAnOfflineObject(object));
        };
        if (1..=3).contains(&notify_type) && ul_mask == MAPIOFFLINE_STATE_OFFLINE_MASK {
            return Err(SimError::ForgedNotification { notify_type });
        }
        self.push(EventKind::Env {
            env: EnvEvent::InjectNotify {
                object,
                notify_type,
                ul_mask,
                ul_state_old,
                ul_state_new,
            },
        });
        let info = NotifyInfo {
            ul_size: SIZEOF_MAPIOFFLINE_NOTIFY,
            notify_type,
            ul_client_token: 0,
            ul_mask,
            ul_state_old,
            ul_state_new,
        };
        if !info.is_supported() {
            self.note("inject.unsupported", Clause::Ntf6, "a notification outside the supported values (NTF-2, NTF-4): clients must ignore it".into());
        }
        let floor = self.work.floor();
        self.work.push(Job::Inject {
            obj: i as u32,
            info,
            bound: self.regs.next_token(),
            cursor: 0,
        });
        self.drive(floor);
        Ok(())
    }

    /// CUR-2 fault injection: from now on every state read carries these extra bits.
    pub fn set_extra_state_bits(&mut self, bits: u32) -> Result<(), SimError> {
        self.running()?;
        let bits = bits & !MAPIOFFLINE_STATE_OFFLINE_MASK;
        self.extra_state_bits = bits;
        self.push(EventKind::Env {
            env: EnvEvent::SetExtraStateBits { bits },
        });
        Ok(())
    }

    /// CAP-3 fault injection: replaces the extra capability bits of one object.
    pub fn set_extra_capability_bits(&mut self, object: Ptr, bits: u32) -> Result<(), SimError> {
        self.running()?;
        let Some(Target::Offline(i)) = self.decode(object) else {
            return Err(SimError::NotAnOfflineObject(object));
        };
        let documented = MAPIOFFLINE_CAPABILITY_OFFLINE | MAPIOFFLINE_CAPABILITY_ONLINE;
        let bits = bits & !documented;
        self.objects[i].caps = (self.objects[i].caps & documented) | bits;
        self.push(EventKind::Env {
            env: EnvEvent::SetExtraCapabilityBits { object, bits },
        });
        Ok(())
    }

    /// The Outlook process ends: reports every registration not removed (R3) and every
    /// client reference not released (R4), then invalidates every pointer.
    pub fn shutdown(&mut self) -> Result<ShutdownReport, SimError> {
        self.running()?;
        let registrations = self
            .regs
            .all()
            .map(|(object, token, sink)| LeakedRegistration {
                object,
                token,
                sink,
            })
            .collect();
        let references = self
            .ids
            .held_offline()
            .map(|(object, count)| LeakedReference { object, count })
            .collect();
        let report = ShutdownReport {
            registrations,
            references,
            abandoned_transitions: self.transitions.len() as u32,
        };
        self.push(EventKind::Shutdown(Box::new(report.clone())));
        for l in &report.registrations {
            self.error(
                "shutdown.registration",
                Some(Clause::Gen3),
                Some(Rule::R3),
                format!(
                    "advise token {} on {} was never removed: call Unadvise before shutdown",
                    l.token, l.object
                ),
            );
        }
        for l in &report.references {
            self.error(
                "shutdown.reference",
                Some(Clause::Open10),
                Some(Rule::R4),
                format!(
                    "{} reference(s) on {} were never released",
                    l.count, l.object
                ),
            );
        }
        self.transitions.clear();
        self.clock.clear();
        self.ended = true;
        Ok(report)
    }
}
