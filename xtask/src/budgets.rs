//! `cargo xtask budgets`: the playground's size and speed, measured.

use crate::Result;

pub fn run() -> Result {
    Err("budgets: not written yet".into())
}
