//! Editing the source for the toolbar (toggles append statements, settings go first) and
//! the marks of the editor's gutter.

use super::eval::{Evaluation, Problem};

/// `source` with `stmts` appended as new lines (a toggle's statements).
pub fn append_lines(source: &str, stmts: &[&str]) -> String {
    let mut s = source.trim_end_matches('\n').to_string();
    for st in stmts {
        if !s.is_empty() {
            s.push('\n');
        }
        s.push_str(st);
    }
    s.push('\n');
    s
}

/// `source` with the setting `config KEY VALUE`: an existing `config KEY` line is
/// replaced, otherwise the line goes before the first statement that is not a comment
/// or a `config` (settings must come before anything else).
pub fn set_config(source: &str, key: &str, value: &str) -> String {
    let new_line = format!("config {key} {value}");
    let mut lines: Vec<String> = source.lines().map(str::to_string).collect();
    let is_key = |l: &str| {
        let mut w = l.split_whitespace();
        w.next() == Some("config") && w.next() == Some(key)
    };
    if let Some(i) = lines.iter().position(|l| is_key(l)) {
        lines[i] = new_line;
    } else {
        let at = lines
            .iter()
            .position(|l| {
                let t = l.trim();
                !(t.is_empty() || t.starts_with('#') || t.starts_with("config "))
            })
            .unwrap_or(lines.len());
        lines.insert(at, new_line);
    }
    let mut s = lines.join("\n");
    s.push('\n');
    s
}

/// The value of the last `config KEY` line, if any (what a config toggle shows).
pub fn config_value(source: &str, key: &str) -> Option<String> {
    source.lines().rev().find_map(|l| {
        let mut w = l.split_whitespace();
        (w.next() == Some("config") && w.next() == Some(key))
            .then(|| w.next().unwrap_or("").to_string())
    })
}

/// What the editor's line gutter marks on a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    None,
    Error,
    Failed,
    Next,
}

/// The mark of each of `count` lines: syntax or statement errors, failed expectations,
/// and the next statement when stepping.
pub fn line_marks(count: usize, problem: Option<&Problem>, eval: Option<&Evaluation>) -> Vec<Mark> {
    let mut marks = vec![Mark::None; count];
    let mut set = |line: usize, m: Mark| {
        if let Some(x) = line.checked_sub(1).and_then(|i| marks.get_mut(i)) {
            if *x == Mark::None || m == Mark::Error {
                *x = m;
            }
        }
    };
    if let Some(ev) = eval {
        if let Some(l) = ev.next_line {
            set(l, Mark::Next);
        }
        for f in &ev.failures {
            set(f.line, Mark::Failed);
        }
        if let Some(p) = &ev.run_error {
            set(p.line, Mark::Error);
        }
    }
    if let Some(p) = problem {
        set(p.line, Mark::Error);
    }
    marks
}

/// The 1-based line of a textarea's cursor, given as the browser does: an offset in UTF-16
/// code units (past the end: the last line).
pub fn line_at_utf16(source: &str, offset: usize) -> usize {
    let mut units = 0;
    let mut line = 1;
    for c in source.chars() {
        if units >= offset {
            break;
        }
        units += c.len_utf16();
        if c == '\n' {
            line += 1;
        }
    }
    line
}
