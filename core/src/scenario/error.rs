//! What the lexer, the value parser and the statement parser share: the error they
//! report and the limits they keep. It sits below all three, so none imports another to
//! reach it.

use std::fmt;

/// A syntax error at a place in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line and column.
    pub line: usize,
    pub col: usize,
    /// Length of the offending text (at least 1), for underlining.
    pub len: usize,
    /// What the parser wanted there.
    pub expected: String,
    /// What it found.
    pub found: String,
    pub hint: Option<String>,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: expected {}, found {}",
            self.line, self.col, self.expected, self.found
        )?;
        if let Some(h) = &self.hint {
            write!(f, " (hint: {h})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

/// How deeply `&` and `{…}` may nest in one value. The API's structures nest two deep
/// (`&{pCallback = s}`); the bound keeps hostile input from exhausting the stack.
pub const MAX_NESTING: usize = 32;

pub use crate::util::{quote, MAX_QUOTE};
