//! The page's view model: what the components show, computed from core's data with no
//! browser in sight, so it is unit-tested natively. Nothing here decides a result code or
//! orders a notification: the scenario runner, the checker and the renderers in core do.
//!
//! One file per concern: `eval` (running a script), `lanes` (the timeline's layout),
//! `share` (share links), `edit` (source edits and gutter marks), `builder` (the call
//! builder's insertion), `highlight` (colours), `travel` (the scrubber and the world as of
//! an event), `challenge` (solved challenges and the goal's verdict).

mod builder;
mod challenge;
mod edit;
mod eval;
// The page as a teacher, part 2: explainable terms and exports.
mod explain;
mod export;
mod highlight;
mod lanes;
mod share;
#[cfg(test)]
mod tests;
mod travel;

pub use builder::*;
pub use challenge::*;
pub use edit::*;
pub use eval::*;
pub use explain::*;
pub use export::*;
pub use highlight::*;
pub use lanes::*;
pub use share::*;
pub use travel::*;

/// localStorage key of the last script.
pub const STORAGE_KEY: &str = "mapioffline.script";
