//! Markdown helpers the guide's pages share: heading slugs as Git hosts make them, clause
//! and rule IDs turned into links, fenced blocks that survive any content.

use crate::clauses::CLAUSES;
use crate::explain::Explanation;

/// A heading's anchor as GitHub (and GitLab, and the playground's site) derives it:
/// lower case, punctuation other than `-` and `_` dropped, spaces turned into `-`.
pub fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// Whether `word` is a clause ID of the registry or a client rule (`R1`–`R7`).
fn anchor_of(word: &str) -> Option<String> {
    let is_rule = word.len() == 2
        && word.starts_with('R')
        && word.as_bytes()[1].is_ascii_digit()
        && (b'1'..=b'7').contains(&word.as_bytes()[1]);
    (is_rule || CLAUSES.iter().any(|c| c.id == word)).then(|| slug(word))
}

/// `text` with every clause ID and rule outside code spans linked to its entry in
/// `clauses.md`, whose path from the page is `clauses` (`clauses.md`, `../clauses.md`).
pub(super) fn link_ids(text: &str, clauses: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut in_code = false;
    let mut word = String::new();
    // Whether the word being read is glued to a letter on its left (`xSET-4` is no ID).
    let mut glued = false;
    let mut prev_alnum = false;
    let flush = |word: &mut String, out: &mut String, linkable: bool| {
        match linkable.then(|| anchor_of(word)).flatten() {
            Some(a) => out.push_str(&format!("[{word}]({clauses}#{a})")),
            None => out.push_str(word),
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_uppercase() || c.is_ascii_digit() || (c == '-' && !word.is_empty()) {
            if word.is_empty() {
                glued = prev_alnum;
            }
            word.push(c);
            prev_alnum = true;
            continue;
        }
        let alnum = c.is_alphanumeric() || c == '_';
        // A word followed by a letter (`SETx`) is no ID either.
        flush(&mut word, &mut out, !in_code && !glued && !alnum);
        if c == '`' {
            in_code = !in_code;
        }
        out.push(c);
        prev_alnum = alnum;
    }
    flush(&mut word, &mut out, !in_code && !glued);
    out
}

/// A fenced code block of `lang` holding `body` exactly, with a fence longer than any run
/// of backticks inside it.
pub(super) fn fence(lang: &str, body: &str) -> String {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let f = "`".repeat(longest.max(2) + 1);
    let body = body.strip_suffix('\n').unwrap_or(body);
    format!("{f}{lang}\n{body}\n{f}\n")
}

/// A table cell: pipes escaped, line breaks folded.
pub(super) fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// `explain`'s answer as Markdown under a heading of `level`, clause IDs linked.
pub(super) fn explanation(e: &Explanation, level: usize, clauses: &str) -> String {
    let mut s = format!("{} {}\n\n", "#".repeat(level), e.term);
    // The title repeats the term; what follows the colon is its value or place.
    let title = e
        .title
        .strip_prefix(&e.term)
        .map(|t| t.trim_start_matches([':', ' ', '=']))
        .unwrap_or(&e.title);
    if !title.is_empty() {
        s.push_str(&format!("*{}*\n\n", link_ids(&code_names(title), clauses)));
    }
    for sec in &e.body {
        match sec.heading.as_deref() {
            Some("Signature") => {
                s.push_str("Signature:\n\n");
                s.push_str(&fence("c", &sec.lines.join("\n")));
                s.push('\n');
            }
            Some(h) => {
                s.push_str(&format!("{h}:\n\n"));
                for l in &sec.lines {
                    s.push_str(&format!("- {}\n", link_ids(&code_names(l), clauses)));
                }
                s.push('\n');
            }
            None => {
                // One paragraph per line: they are separate statements.
                for l in &sec.lines {
                    s.push_str(&format!("{}\n\n", link_ids(&code_names(l), clauses)));
                }
            }
        }
    }
    s
}

/// API names that Markdown would mangle (`MAPIOFFLINE_STATE_OFFLINE_MASK` has
/// underscores that some renderers read as emphasis) put in code spans; text already in
/// code spans is left alone.
pub(super) fn code_names(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_code = false;
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String, in_code: bool| {
        if !in_code && word.contains('_') && word.chars().any(|c| c.is_ascii_uppercase()) {
            out.push('`');
            out.push_str(word);
            out.push('`');
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            word.push(c);
            continue;
        }
        flush(&mut word, &mut out, in_code);
        if c == '`' {
            in_code = !in_code;
        }
        out.push(c);
    }
    flush(&mut word, &mut out, in_code);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_the_git_hosts() {
        assert_eq!(slug("SET-4"), "set-4");
        assert_eq!(
            slug("IMAPIOffline::SetCurrentState"),
            "imapiofflinesetcurrentstate"
        );
        assert_eq!(slug("MAPIOFFLINE_ADVISEINFO"), "mapioffline_adviseinfo");
        assert_eq!(
            slug("3. Asynchronous or blocking?"),
            "3-asynchronous-or-blocking"
        );
    }

    #[test]
    fn ids_are_linked_outside_code_only() {
        assert_eq!(
            link_ids("(SET-5 to SET-7), rule R5, `SET-4`, R9, xSET-4", "c.md"),
            "([SET-5](c.md#set-5) to [SET-7](c.md#set-7)), rule [R5](c.md#r5), `SET-4`, R9, xSET-4"
        );
        // Not a clause of the registry.
        assert_eq!(link_ids("SET-99 and UTF-16", "c.md"), "SET-99 and UTF-16");
        // Glued to letters on either side: no ID. A dash or a bracket is no glue.
        assert_eq!(
            link_ids("SET-4x R1–R7", "c.md"),
            "SET-4x [R1](c.md#r1)–[R7](c.md#r7)"
        );
    }

    #[test]
    fn names_with_underscores_become_code() {
        assert_eq!(
            code_names("ulMask MAPIOFFLINE_STATE_OFFLINE_MASK, `a_B` S_OK"),
            "ulMask `MAPIOFFLINE_STATE_OFFLINE_MASK`, `a_B` `S_OK`"
        );
    }

    #[test]
    fn fences_outlast_backticks_inside() {
        assert_eq!(fence("text", "a\n"), "```text\na\n```\n");
        assert_eq!(fence("", "x ```` y"), "`````\nx ```` y\n`````\n");
    }
}
