//! UTF-16 strings as the API passes them (OPEN-3), and the conversions the header offers
//! to callers holding UTF-8 or `wchar_t`.

use crate::abi::*;
use crate::world::guarded_hr;
use std::ffi::{c_char, CStr};

/// Reads a NUL-terminated UTF-16 string; `None` for NULL. Unpaired surrogates become
/// U+FFFD (the trace records the name as text).
///
/// # Safety
/// `p` is NULL or points to a NUL-terminated array of UTF-16 code units.
pub(crate) unsafe fn wide_arg(p: *const Wchar) -> Option<String> {
    if p.is_null() {
        return None;
    }
    let mut len = 0;
    // SAFETY: the caller promises a NUL-terminated array, so every index up to and
    // including the NUL is in bounds.
    while unsafe { *p.add(len) } != 0 {
        len += 1;
    }
    // SAFETY: `len` code units from `p` were just read one by one.
    let units = unsafe { std::slice::from_raw_parts(p, len) };
    Some(String::from_utf16_lossy(units))
}

/// Writes `s` as NUL-terminated UTF-16 into a buffer of `cch` units.
///
/// # Safety
/// `buf` points to `cch` writable code units.
unsafe fn put_wide(s: impl Iterator<Item = u16>, buf: *mut Wchar, cch: Ulong) -> Hresult {
    let units: Vec<u16> = s.collect();
    if units.len() + 1 > cch as usize {
        eprintln!(
            "mapioffline: the string needs {} UTF-16 code units with its NUL; the buffer holds {cch}",
            units.len() + 1
        );
        return E_INSUFFICIENT_BUFFER;
    }
    // SAFETY: `units.len() + 1 <= cch`, the buffer's length the caller promised.
    unsafe {
        std::ptr::copy_nonoverlapping(units.as_ptr(), buf, units.len());
        *buf.add(units.len()) = 0;
    }
    S_OK
}

/// `MAPIOfflineSim_Utf8ToWide`.
///
/// # Safety
/// `psz` is NULL or NUL-terminated; `buf` is NULL or holds `cch` code units.
#[no_mangle]
pub unsafe extern "C" fn MAPIOfflineSim_Utf8ToWide(
    psz: *const c_char,
    buf: *mut Wchar,
    cch: Ulong,
) -> Hresult {
    guarded_hr("MAPIOfflineSim_Utf8ToWide", || {
        if psz.is_null() || buf.is_null() {
            eprintln!(
                "mapioffline: MAPIOfflineSim_Utf8ToWide: NULL string or buffer: E_INVALIDARG"
            );
            return E_INVALIDARG;
        }
        // SAFETY: `psz` is a non-NULL NUL-terminated string (the caller's promise).
        let bytes = unsafe { CStr::from_ptr(psz) };
        match bytes.to_str() {
            // SAFETY: `buf` holds `cch` units (the caller's promise).
            Ok(s) => unsafe { put_wide(s.encode_utf16(), buf, cch) },
            Err(e) => {
                eprintln!("mapioffline: MAPIOfflineSim_Utf8ToWide: not UTF-8 ({e}): E_INVALIDARG");
                E_INVALIDARG
            }
        }
    })
}

/// `MAPIOfflineSim_WcharToWide`: `wchar_t` is UTF-32 on Linux.
///
/// # Safety
/// `pwsz` is NULL or NUL-terminated; `buf` is NULL or holds `cch` code units.
#[no_mangle]
pub unsafe extern "C" fn MAPIOfflineSim_WcharToWide(
    pwsz: *const libc_wchar,
    buf: *mut Wchar,
    cch: Ulong,
) -> Hresult {
    guarded_hr("MAPIOfflineSim_WcharToWide", || {
        if pwsz.is_null() || buf.is_null() {
            eprintln!(
                "mapioffline: MAPIOfflineSim_WcharToWide: NULL string or buffer: E_INVALIDARG"
            );
            return E_INVALIDARG;
        }
        let mut s = String::new();
        let mut i = 0;
        loop {
            // SAFETY: NUL-terminated (the caller's promise): every index up to the NUL is in bounds.
            let c = unsafe { *pwsz.add(i) };
            if c == 0 {
                break;
            }
            match char::from_u32(c) {
                Some(ch) => s.push(ch),
                None => {
                    eprintln!("mapioffline: MAPIOfflineSim_WcharToWide: 0x{:X} at index {i} is not a Unicode scalar value: E_INVALIDARG", c);
                    return E_INVALIDARG;
                }
            }
            i += 1;
        }
        // SAFETY: `buf` holds `cch` units (the caller's promise).
        unsafe { put_wide(s.encode_utf16(), buf, cch) }
    })
}

/// C's `wchar_t` on this target.
#[allow(non_camel_case_types)]
pub type libc_wchar = u32;
