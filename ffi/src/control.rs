//! The control API, `MAPIOfflineSim_*`: the world, time, faults, shutdown and the trace,
//! each a call on core followed by the pump (time passing delivers notifications).

use crate::abi::*;
use crate::strings::wide_arg;
use crate::world::{self, guarded_hr, pump, replace_world, with_world};
use mapioffline_core::consts::{MAPIOFFLINE_STATE_OFFLINE, MAPIOFFLINE_STATE_ONLINE};
use mapioffline_core::{Arch, Config, ProfileSpec, Set4Reading, Sim, SimError};
use std::ffi::{c_char, c_void, CStr};

fn invalid(func: &str, why: impl std::fmt::Display) -> Hresult {
    eprintln!("mapioffline: {func}: {why}: E_INVALIDARG");
    E_INVALIDARG
}

/// A driver call core refused (`SimError`), with its message on stderr: E_INVALIDARG for
/// an argument the world has no use for, E_FAIL when the world cannot go on (Outlook has
/// shut down, too many objects, never idle).
fn sim_result(func: &str, r: Result<(), SimError>) -> Hresult {
    match r {
        Ok(()) => S_OK,
        Err(e @ (SimError::Ended | SimError::TooManyObjects | SimError::NotIdle { .. })) => {
            eprintln!("mapioffline: {func}: {e}: E_FAIL");
            E_FAIL
        }
        Err(e) => invalid(func, e),
    }
}

/// A driver call, then the deliveries it caused.
fn drive(func: &str, f: impl FnOnce(&mut Sim) -> Result<(), SimError>) -> Hresult {
    let r = with_world(|w| f(&mut w.sim));
    pump();
    sim_result(func, r)
}

/// # Safety
/// `p` is NULL or points to a MAPIOFFLINE_SIM_CONFIG.
unsafe fn config_arg(func: &str, p: *const SimConfig) -> Result<Config, Hresult> {
    let mut config = Config::default();
    if p.is_null() {
        return Ok(config);
    }
    // SAFETY: non-NULL points to the structure (the caller's promise).
    let c = unsafe { p.read() };
    if c.ul_size as usize != std::mem::size_of::<SimConfig>() {
        return Err(invalid(
            func,
            format!(
                "ulSize is {}; sizeof(MAPIOFFLINE_SIM_CONFIG) is {}",
                c.ul_size,
                std::mem::size_of::<SimConfig>()
            ),
        ));
    }
    if c.ul_phase_spacing != 0 {
        config.phase_spacing = c.ul_phase_spacing.into();
    }
    config.set4 = match c.ul_set4_reading {
        0 => Set4Reading::Documented,
        1 => Set4Reading::Literal,
        v => return Err(invalid(func, format!("ulSet4Reading {v} is neither MAPIOFFLINE_SIM_SET4_DOCUMENTED (0) nor MAPIOFFLINE_SIM_SET4_LITERAL (1)"))),
    };
    config.extra_state_bits = c.ul_extra_state_bits;
    config.arch = match c.ul_arch {
        0 => Arch::X64,
        1 => Arch::X86,
        v => return Err(invalid(func, format!("ulArch {v} is neither MAPIOFFLINE_SIM_ARCH_X64 (0) nor MAPIOFFLINE_SIM_ARCH_X86 (1)"))),
    };
    config.network_up = c.f_network_down == 0;
    Ok(config)
}

/// `MAPIOfflineSim_Reset`.
///
/// # Safety
/// `p_config` is NULL or points to a MAPIOFFLINE_SIM_CONFIG.
#[no_mangle]
pub unsafe extern "C" fn MAPIOfflineSim_Reset(p_config: *const SimConfig) -> Hresult {
    guarded_hr("MAPIOfflineSim_Reset", || {
        // SAFETY: the caller's promise.
        match unsafe { config_arg("MAPIOfflineSim_Reset", p_config) } {
            Ok(config) => {
                replace_world(Sim::new(config));
                S_OK
            }
            Err(h) => h,
        }
    })
}

/// `MAPIOfflineSim_LoadWorld`.
///
/// # Safety
/// `path` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn MAPIOfflineSim_LoadWorld(path: *const c_char) -> Hresult {
    guarded_hr("MAPIOfflineSim_LoadWorld", || {
        if path.is_null() {
            return invalid("MAPIOfflineSim_LoadWorld", "the path is NULL");
        }
        // SAFETY: non-NULL and NUL-terminated (the caller's promise).
        let p = unsafe { CStr::from_ptr(path) }
            .to_string_lossy()
            .into_owned();
        match world::world_from_file(std::path::Path::new(&p)) {
            Ok(sim) => {
                replace_world(sim);
                S_OK
            }
            Err(e) => invalid(
                "MAPIOfflineSim_LoadWorld",
                format!("{e}; the world is unchanged"),
            ),
        }
    })
}

/// `MAPIOfflineSim_AddProfile`.
///
/// # Safety
/// `name` is NULL or a NUL-terminated UTF-16 string.
#[no_mangle]
pub unsafe extern "C" fn MAPIOfflineSim_AddProfile(
    name: *const Wchar,
    ul_capabilities: Ulong,
    ul_state: Ulong,
    f_outside_outlook: i32,
    f_server_down: i32,
) -> Hresult {
    let func = "MAPIOfflineSim_AddProfile";
    guarded_hr(func, || {
        // SAFETY: the caller's promise.
        let Some(name) = (unsafe { wide_arg(name) }) else {
            return invalid(func, "the profile name is NULL");
        };
        if ul_state != MAPIOFFLINE_STATE_ONLINE && ul_state != MAPIOFFLINE_STATE_OFFLINE {
            return invalid(func, format!("ulState 0x{ul_state:X} is neither MAPIOFFLINE_STATE_ONLINE nor MAPIOFFLINE_STATE_OFFLINE"));
        }
        let mut spec = ProfileSpec::new(name);
        spec.capabilities = ul_capabilities;
        spec.state = ul_state;
        spec.caller_inside_outlook = f_outside_outlook == 0;
        spec.server_up = f_server_down == 0;
        sim_result(func, with_world(|w| w.sim.add_profile(spec)).map(|_| ()))
    })
}

/// `MAPIOfflineSim_SetNetwork`.
#[no_mangle]
pub extern "C" fn MAPIOfflineSim_SetNetwork(f_up: i32) -> Hresult {
    let func = "MAPIOfflineSim_SetNetwork";
    guarded_hr(func, || {
        drive(func, |s| {
            if f_up != 0 {
                s.network_up()
            } else {
                s.network_down()
            }
        })
    })
}

/// `MAPIOfflineSim_SetServer`.
///
/// # Safety
/// `profile` is NULL or a NUL-terminated UTF-16 string.
#[no_mangle]
pub unsafe extern "C" fn MAPIOfflineSim_SetServer(profile: *const Wchar, f_up: i32) -> Hresult {
    let func = "MAPIOfflineSim_SetServer";
    guarded_hr(func, || {
        // SAFETY: the caller's promise.
        let Some(name) = (unsafe { wide_arg(profile) }) else {
            return invalid(func, "the profile name is NULL");
        };
        drive(func, |s| {
            if f_up != 0 {
                s.server_up(&name)
            } else {
                s.server_down(&name)
            }
        })
    })
}

/// `MAPIOfflineSim_SetExtraStateBits`.
#[no_mangle]
pub extern "C" fn MAPIOfflineSim_SetExtraStateBits(bits: Ulong) -> Hresult {
    let func = "MAPIOfflineSim_SetExtraStateBits";
    guarded_hr(func, || drive(func, |s| s.set_extra_state_bits(bits)))
}

/// `MAPIOfflineSim_SetExtraCapabilityBits`.
#[no_mangle]
pub extern "C" fn MAPIOfflineSim_SetExtraCapabilityBits(
    object: *mut c_void,
    bits: Ulong,
) -> Hresult {
    let func = "MAPIOfflineSim_SetExtraCapabilityBits";
    guarded_hr(func, || {
        let p = with_world(|w| w.ptr_for(object, func));
        drive(func, |s| s.set_extra_capability_bits(p, bits))
    })
}

/// `MAPIOfflineSim_Advance`.
#[no_mangle]
pub extern "C" fn MAPIOfflineSim_Advance(ticks: Ulong) -> Hresult {
    let func = "MAPIOfflineSim_Advance";
    guarded_hr(func, || drive(func, |s| s.advance(ticks.into())))
}

/// `MAPIOfflineSim_RunUntilIdle`.
#[no_mangle]
pub extern "C" fn MAPIOfflineSim_RunUntilIdle() -> Hresult {
    let func = "MAPIOfflineSim_RunUntilIdle";
    guarded_hr(func, || drive(func, |s| s.run_until_idle().map(|_| ())))
}

/// `MAPIOfflineSim_Inject`.
#[no_mangle]
pub extern "C" fn MAPIOfflineSim_Inject(
    object: *mut c_void,
    notify_type: Ulong,
    ul_mask: Ulong,
    ul_state_old: Ulong,
    ul_state_new: Ulong,
) -> Hresult {
    let func = "MAPIOfflineSim_Inject";
    guarded_hr(func, || {
        let p = with_world(|w| w.ptr_for(object, func));
        drive(func, |s| {
            s.inject_notify(p, notify_type, ul_mask, ul_state_old, ul_state_new)
        })
    })
}

/// `MAPIOfflineSim_Shutdown`.
///
/// # Safety
/// `psz_report` is NULL or holds `cb_report` bytes.
#[no_mangle]
pub unsafe extern "C" fn MAPIOfflineSim_Shutdown(
    psz_report: *mut c_char,
    cb_report: Ulong,
) -> Hresult {
    let func = "MAPIOfflineSim_Shutdown";
    guarded_hr(func, || {
        let r = with_world(world::finish);
        pump();
        let report = match r {
            Ok(t) => t,
            Err(e) => {
                eprintln!("mapioffline: {func}: {e}: E_FAIL");
                return E_FAIL;
            }
        };
        if psz_report.is_null() {
            return S_OK;
        }
        if cb_report == 0 {
            return invalid(func, "cbReport is 0");
        }
        let bytes = report.as_bytes();
        let n = bytes.len().min(cb_report as usize - 1);
        // SAFETY: `n + 1 <= cb_report`, the buffer's size (the caller's promise).
        unsafe {
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), psz_report.cast::<u8>(), n);
            *psz_report.add(n) = 0;
        }
        if n < bytes.len() {
            eprintln!("mapioffline: {func}: the report needs {} bytes with its NUL; the buffer holds {cb_report}: truncated", bytes.len() + 1);
            return E_INSUFFICIENT_BUFFER;
        }
        S_OK
    })
}

/// `MAPIOfflineSim_WriteTrace`.
///
/// # Safety
/// `path` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn MAPIOfflineSim_WriteTrace(
    path: *const c_char,
    ul_format: Ulong,
) -> Hresult {
    let func = "MAPIOfflineSim_WriteTrace";
    guarded_hr(func, || {
        if path.is_null() {
            return invalid(func, "the path is NULL");
        }
        let json = match ul_format {
            0 => true,
            1 => false,
            v => return invalid(func, format!("ulFormat {v} is neither MAPIOFFLINE_SIM_TRACE_JSON (0) nor MAPIOFFLINE_SIM_TRACE_TEXT (1)")),
        };
        // SAFETY: non-NULL and NUL-terminated (the caller's promise).
        let p = unsafe { CStr::from_ptr(path) }
            .to_string_lossy()
            .into_owned();
        match with_world(|w| world::write_trace(&w.sim, std::path::Path::new(&p), json)) {
            Ok(()) => S_OK,
            Err(e) => {
                eprintln!("mapioffline: {func}: {e}: E_FAIL");
                E_FAIL
            }
        }
    })
}

/// Test-only: panics inside the guard, to show that a panic becomes E_UNEXPECTED and never
/// unwinds into C. Not in the header.
#[doc(hidden)]
#[no_mangle]
pub extern "C" fn mapioffline_test_panic() -> Hresult {
    guarded_hr("mapioffline_test_panic", || {
        panic!("deliberate panic for the test suite")
    })
}
