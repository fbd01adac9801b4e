//! Share links: a script carried in a URL fragment (`#s=` and lz-string's URI-safe
//! encoding), the format the playground reads on load. Core owns it because two writers
//! need it: the playground's Share button and the guide's "open in the playground" links.
//!
//! ```
//! use mapioffline::share::{script_from_fragment, share_link};
//! let link = share_link("profile \"Outlook\"\n").unwrap();
//! assert!(link.starts_with("#s="));
//! assert_eq!(script_from_fragment(&link).unwrap().as_deref(), Some("profile \"Outlook\"\n"));
//! assert_eq!(script_from_fragment("#timeline").unwrap(), None);
//! ```

/// URL fragment prefix of a shared script.
pub const SHARE_PREFIX: &str = "#s=";

/// The longest share link fragment (after `#s=`) a reader decodes. lz-string can expand
/// quadratically (a hostile link of n characters could decode to about n² characters), so
/// the link's length is bounded first: 16,384 characters hold any lesson many times over.
pub const MAX_LINK_CHARS: usize = 16 * 1024;
/// The longest script a share link may decode to, in UTF-16 units.
pub const MAX_SHARED_SCRIPT: usize = 512 * 1024;

/// The script as a URL fragment (`#s=` and lz-string's URI-safe encoding).
pub fn share_fragment(source: &str) -> String {
    format!(
        "{SHARE_PREFIX}{}",
        lz_str::compress_to_encoded_uri_component(source)
    )
}

/// Why a share link cannot be opened: a sentence for the reader ("this link is
/// unreadable: …").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable(pub String);

/// The script a share link's fragment holds: `Ok(None)` for a fragment that is not a
/// share link (`#timeline`, none), `Err` with the reason for one that cannot be read.
pub fn script_from_fragment(fragment: &str) -> Result<Option<String>, Unreadable> {
    let Some(data) = fragment.strip_prefix(SHARE_PREFIX) else {
        return Ok(None);
    };
    let bad = |why: String| Err(Unreadable(why));
    if data.is_empty() {
        return bad("it holds no script after `#s=`".into());
    }
    if data.len() > MAX_LINK_CHARS {
        return bad(format!(
            "it is {} characters long, more than the {MAX_LINK_CHARS} a share link may have",
            data.len()
        ));
    }
    // lz-string's URI alphabet; anything else was never written by a share link.
    if let Some((i, c)) = data
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_alphanumeric() || "+-$".contains(c)))
    {
        return bad(format!(
            "it holds {c:?} at character {}, which a share link never contains (was it changed or cut?)",
            i + 1
        ));
    }
    let Some(units) = lz_str::decompress_from_encoded_uri_component(data) else {
        return bad("it does not decompress (it may have been cut short when copied)".into());
    };
    if units.len() > MAX_SHARED_SCRIPT {
        return bad(format!(
            "it decompresses to {} characters, more than the {MAX_SHARED_SCRIPT} a shared script may have",
            units.len()
        ));
    }
    match String::from_utf16(&units) {
        Ok(s) => Ok(Some(s)),
        Err(_) => bad("it decompresses to text that is not valid Unicode".into()),
    }
}

/// The fragment for a script, or why it cannot be shared (too long for a link).
pub fn share_link(source: &str) -> Result<String, Unreadable> {
    let f = share_fragment(source);
    let n = f.len() - SHARE_PREFIX.len();
    if n > MAX_LINK_CHARS {
        return Err(Unreadable(format!(
            "this script is too long to share as a link ({n} characters compressed; a link holds at most {MAX_LINK_CHARS})"
        )));
    }
    Ok(f)
}
