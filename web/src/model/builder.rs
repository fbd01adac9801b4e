//! The call builder's edit: a statement core's builder wrote, inserted at the cursor.

/// `source` with `stmt` on a line of its own at the cursor (`cursor` in UTF-16 units, as
/// a textarea's `selectionStart` counts): the cursor's line itself if it is blank,
/// otherwise a new line after it. Returns the new source and where the cursor goes (the
/// end of the inserted statement, in UTF-16 units).
pub fn insert_statement(source: &str, cursor: usize, stmt: &str) -> (String, usize) {
    let mut lines: Vec<&str> = source.split('\n').collect();
    // The line the cursor is on.
    let mut units = 0;
    let mut at = lines.len() - 1;
    for (i, l) in lines.iter().enumerate() {
        let len = l.encode_utf16().count();
        if cursor <= units + len {
            at = i;
            break;
        }
        units += len + 1;
    }
    if lines[at].trim().is_empty() {
        lines[at] = stmt;
    } else {
        at += 1;
        lines.insert(at, stmt);
    }
    let before: usize = lines[..at]
        .iter()
        .map(|l| l.encode_utf16().count() + 1)
        .sum();
    (lines.join("\n"), before + stmt.encode_utf16().count())
}

#[cfg(test)]
mod tests {
    use super::insert_statement;

    #[test]
    fn a_statement_goes_after_the_cursors_line_or_on_it_when_blank() {
        let src = "profile \"P\"\nsink s\n";
        // Cursor inside the first line: after it.
        let (s, c) = insert_statement(src, 3, "run");
        assert_eq!(s, "profile \"P\"\nrun\nsink s\n");
        assert_eq!(
            &s.encode_utf16().collect::<Vec<_>>()[..c],
            "profile \"P\"\nrun".encode_utf16().collect::<Vec<_>>()
        );
        // Cursor on the blank last line: on it.
        let (s, _) = insert_statement(src, src.len(), "run");
        assert_eq!(s, "profile \"P\"\nsink s\nrun");
        // An empty script.
        assert_eq!(insert_statement("", 0, "run"), ("run".to_string(), 3));
        // A cursor past the end (a stale selection) goes to the last line.
        let (s, _) = insert_statement("a", 99, "run");
        assert_eq!(s, "a\nrun");
    }

    #[test]
    fn the_cursor_counts_utf16_units_as_a_textarea_does() {
        // "é" is one UTF-16 unit but two bytes; "𝄞" two units.
        let src = "# é𝄞\nx";
        let first_line_units = "# é𝄞".encode_utf16().count();
        let (s, _) = insert_statement(src, first_line_units, "run");
        assert_eq!(s, "# é𝄞\nrun\nx");
        let (s, _) = insert_statement(src, first_line_units + 1, "run");
        assert_eq!(s, "# é𝄞\nx\nrun");
    }
}
