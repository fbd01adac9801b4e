//! The Windows loader functions a ported client calls to reach `HrOpenOfflineObj`
//! (OPEN-1): `LoadLibraryW`/`LoadLibraryA`/`GetModuleHandleW` for msmapi32.dll,
//! `GetProcAddress` for the decorated name `"HrOpenOfflineObj@20"` (an ELF symbol cannot
//! carry `@`), and a `FreeLibrary` that never unloads, so interfaces still held keep working.

use crate::abi::*;
use crate::strings::wide_arg;
use crate::world::{guarded, touch};
use std::ffi::{c_char, c_void, CStr};

/// What `HMODULE` this library hands out: the address of a static, never NULL.
static MODULE: u8 = 0;

fn module() -> *mut c_void {
    &MODULE as *const u8 as *mut c_void
}

/// The DLL names that stand for this library: Outlook's MAPI (msmapi32.dll) and the
/// Outlook 2010+ MAPI binary (olmapi32.dll), any case, with or without a directory.
fn is_mapi_dll(name: &str) -> bool {
    let base = name.rsplit(['\\', '/']).next().unwrap_or(name);
    base.eq_ignore_ascii_case("msmapi32.dll") || base.eq_ignore_ascii_case("olmapi32.dll")
}

fn load(func: &str, name: Option<String>) -> *mut c_void {
    guarded(
        func,
        |_| std::ptr::null_mut(),
        || match name {
            Some(n) if is_mapi_dll(&n) => {
                touch();
                module()
            }
            Some(n) => {
                eprintln!("mapioffline: {func}(\"{n}\"): this library stands in for msmapi32.dll (or olmapi32.dll) only: NULL");
                std::ptr::null_mut()
            }
            None => {
                eprintln!("mapioffline: {func}(NULL): NULL");
                std::ptr::null_mut()
            }
        },
    )
}

/// `LoadLibraryW`.
///
/// # Safety
/// `name` is NULL or a NUL-terminated UTF-16 string.
#[no_mangle]
pub unsafe extern "C" fn LoadLibraryW(name: *const Wchar) -> *mut c_void {
    // SAFETY: the caller's promise.
    load("LoadLibraryW", unsafe { wide_arg(name) })
}

/// `LoadLibraryA`.
///
/// # Safety
/// `name` is NULL or a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn LoadLibraryA(name: *const c_char) -> *mut c_void {
    // SAFETY: the caller's promise.
    let n = (!name.is_null()).then(|| {
        unsafe { CStr::from_ptr(name) }
            .to_string_lossy()
            .into_owned()
    });
    load("LoadLibraryA", n)
}

/// `GetModuleHandleW`: the client runs inside Outlook, which has loaded MAPI already.
///
/// # Safety
/// `name` is NULL or a NUL-terminated UTF-16 string.
#[no_mangle]
pub unsafe extern "C" fn GetModuleHandleW(name: *const Wchar) -> *mut c_void {
    // SAFETY: the caller's promise.
    load("GetModuleHandleW", unsafe { wide_arg(name) })
}

/// `GetProcAddress`: `HrOpenOfflineObj@20` (the name every real client uses, even on x64),
/// `HrOpenOfflineObj`, `HrCreateOfflineObj@12` and `HrCreateOfflineObj`.
///
/// # Safety
/// `name` is NULL, a NUL-terminated string, or an ordinal below 0x10000.
#[no_mangle]
pub unsafe extern "C" fn GetProcAddress(h: *mut c_void, name: *const c_char) -> *const c_void {
    guarded(
        "GetProcAddress",
        |_| std::ptr::null(),
        || {
            if h != module() {
                eprintln!("mapioffline: GetProcAddress({h:p}, …): not a module handle of this library: NULL");
                return std::ptr::null();
            }
            if (name as usize) < 0x1_0000 {
                eprintln!(
                    "mapioffline: GetProcAddress by ordinal {} is not supported: NULL",
                    name as usize
                );
                return std::ptr::null();
            }
            // SAFETY: a name above the ordinal range is a NUL-terminated string.
            let n = unsafe { CStr::from_ptr(name) }.to_string_lossy();
            match &*n {
                "HrOpenOfflineObj@20" | "HrOpenOfflineObj" => {
                    crate::api::HrOpenOfflineObj as *const c_void
                }
                "HrCreateOfflineObj@12" | "HrCreateOfflineObj" => {
                    crate::api::HrCreateOfflineObj as *const c_void
                }
                other => {
                    eprintln!("mapioffline: GetProcAddress: \"{other}\" is not exported by this library (it has HrOpenOfflineObj@20 and HrCreateOfflineObj): NULL");
                    std::ptr::null()
                }
            }
        },
    )
}

/// `FreeLibrary`: TRUE for this library's handle. Nothing is unloaded: a client that frees
/// the library while holding interfaces (one real provider does) keeps using them.
///
/// # Safety
/// None beyond the C ABI; `h` is compared, never dereferenced.
#[no_mangle]
pub unsafe extern "C" fn FreeLibrary(h: *mut c_void) -> i32 {
    guarded(
        "FreeLibrary",
        |_| 0,
        || {
            if h != module() {
                eprintln!(
                    "mapioffline: FreeLibrary({h:p}): not a module handle of this library: FALSE"
                );
                return 0;
            }
            1
        },
    )
}
