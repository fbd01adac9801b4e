//! The page's view model: what the components show, computed from core's data with no
//! browser in sight, so it is unit-tested natively. Nothing here decides a result code or
//! orders a notification: the scenario runner, the checker and the renderers in core do.
//!
//! One file per concern: `eval` (running a script), `lanes` (the timeline's layout),
//! `share` (share links), `edit` (source edits and gutter marks), `highlight` (colours).

mod edit;
mod eval;
mod highlight;
mod lanes;
mod share;
#[cfg(test)]
mod tests;

pub use edit::*;
pub use eval::*;
pub use highlight::*;
pub use lanes::*;
pub use share::*;

/// localStorage key of the last script.
pub const STORAGE_KEY: &str = "mapioffline.script";
