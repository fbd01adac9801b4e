//! Challenges as the page keeps them: which are solved (in localStorage, read defensively)
//! and what the goal panel says. The challenges, their goals and the verdict on a script
//! are core's (`mapioffline::challenges`).

use mapioffline::challenges::{self, Challenge, GoalReport, CHALLENGES};

/// localStorage key of the solved challenges: a JSON array of their names.
pub const SOLVED_KEY: &str = "mapioffline.solved";
/// A stored value longer than this is not read at all (no list of names is this long).
const SOLVED_MAX: usize = 16 * 1024;

/// The solved challenges in a stored value, in the order of [`CHALLENGES`]. Whatever is
/// not a JSON array of strings, or names no challenge, is ignored: storage is another
/// page's to write too.
pub fn parse_solved(stored: Option<&str>) -> Vec<&'static str> {
    let Some(s) = stored.filter(|s| s.len() <= SOLVED_MAX) else {
        return Vec::new();
    };
    let names: Vec<String> = match serde_json::from_str::<serde_json::Value>(s) {
        Ok(serde_json::Value::Array(items)) => items
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => return Vec::new(),
    };
    CHALLENGES
        .iter()
        .map(|c| c.name)
        .filter(|n| names.iter().any(|m| m == n))
        .collect()
}

/// The value to store for `solved`.
pub fn store_solved(solved: &[&str]) -> String {
    serde_json::to_string(solved).unwrap_or_else(|_| "[]".to_string())
}

/// `solved` with `name` added (once, in the order of [`CHALLENGES`]).
pub fn with_solved(solved: &[&'static str], name: &str) -> Vec<&'static str> {
    CHALLENGES
        .iter()
        .map(|c| c.name)
        .filter(|n| *n == name || solved.contains(n))
        .collect()
}

/// The challenge of a name.
pub fn challenge(name: &str) -> Option<&'static Challenge> {
    challenges::find(name)
}

/// The goal panel's verdict line.
pub fn verdict(report: &GoalReport) -> String {
    let met = report.items.iter().filter(|i| i.met).count();
    if report.met {
        "Goal met: every requirement holds.".to_string()
    } else if let Some(e) = &report.error {
        format!("The script does not run ({e}), so no requirement is met yet.")
    } else {
        format!("{met} of {} requirements met.", report.items.len())
    }
}
