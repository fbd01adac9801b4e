//! Share links: the format and its limits are core's (`mapioffline::share`), which the
//! guide's "open in the playground" links use too; the page only reads and writes them.

pub use mapioffline::share::{
    script_from_fragment, share_fragment, share_link, Unreadable, MAX_LINK_CHARS,
    MAX_SHARED_SCRIPT, SHARE_PREFIX,
};
