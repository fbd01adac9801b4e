//! Text cut into plain pieces and explainable terms, and the term under the editor's
//! caret. Which substrings are terms is core's (`explain::spans`); this only cuts along
//! what core says.

use std::ops::Range;

/// The byte ranges of `text` that `explain` knows, in order and not overlapping.
pub fn spans(text: &str) -> Vec<Range<usize>> {
    // STUB until branch `timeline` lands core's `explain::spans`.
    let _ = text;
    Vec::new()
}

/// `text` cut at `spans`: each piece's range and whether it is a term. Ranges out of
/// `text`, overlapping or not on character boundaries are skipped rather than trusted.
pub fn pieces(text: &str, spans: &[Range<usize>]) -> Vec<(Range<usize>, bool)> {
    let mut out = Vec::new();
    let mut at = 0;
    for r in spans {
        if r.start < at
            || r.end > text.len()
            || r.start >= r.end
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            continue;
        }
        if r.start > at {
            out.push((at..r.start, false));
        }
        out.push((r.clone(), true));
        at = r.end;
    }
    if at < text.len() || out.is_empty() {
        out.push((at..text.len(), false));
    }
    out
}

/// A token at `token` cut where the terms of its line (`spans`) start and end: each
/// piece's range and, inside a term, the term's range.
pub fn token_pieces(
    token: Range<usize>,
    spans: &[Range<usize>],
) -> Vec<(Range<usize>, Option<Range<usize>>)> {
    let mut out = Vec::new();
    let mut at = token.start;
    for r in spans
        .iter()
        .filter(|r| r.start < token.end && r.end > token.start)
    {
        let (a, b) = (r.start.max(at), r.end.min(token.end));
        if a > at {
            out.push((at..a, None));
        }
        if b > a {
            out.push((a..b, Some(r.clone())));
            at = b;
        }
    }
    if at < token.end || out.is_empty() {
        out.push((at..token.end, None));
    }
    out
}

/// The term whose range holds byte `col` (the caret just after a term still counts).
pub fn term_at(spans: &[Range<usize>], col: usize) -> Option<Range<usize>> {
    spans
        .iter()
        .find(|r| r.start <= col && col <= r.end)
        .cloned()
}

/// A textarea's caret (an offset in UTF-16 code units, as the DOM counts) as a 0-based
/// line and a byte column in that line.
pub fn caret_line_col(source: &str, utf16: usize) -> (usize, usize) {
    let (mut line, mut line_start, mut units) = (0, 0, 0);
    for (i, c) in source.char_indices() {
        if units >= utf16 {
            return (line, i - line_start);
        }
        units += c.len_utf16();
        if c == '\n' {
            line += 1;
            line_start = i + 1;
        }
    }
    (line, source.len() - line_start)
}

#[cfg(test)]
// One term is a one-range list here, not a mistaken range.
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    #[test]
    fn pieces_cover_the_text_and_mark_the_terms() {
        let text = "Advise = E_PENDING now";
        let p = pieces(text, &[9..18]);
        assert_eq!(p, vec![(0..9, false), (9..18, true), (18..22, false)]);
        assert_eq!(&text[p[1].0.clone()], "E_PENDING");
        // A term at each end, and nothing at all.
        assert_eq!(pieces("ab", &[0..1, 1..2]), vec![(0..1, true), (1..2, true)]);
        assert_eq!(pieces("", &[]), vec![(0..0, false)]);
    }

    #[test]
    fn tokens_are_cut_where_terms_begin_and_end() {
        // `mgr->Advise(0x8000000A` as tokens `mgr->Advise(` and `0x8000000A`, say.
        let spans = [5..11, 12..22];
        assert_eq!(
            token_pieces(0..12, &spans),
            vec![(0..5, None), (5..11, Some(5..11)), (11..12, None)]
        );
        assert_eq!(token_pieces(12..22, &spans), vec![(12..22, Some(12..22))]);
        // A term across two tokens is marked in both, with its whole range.
        assert_eq!(token_pieces(14..30, &[10..16]), vec![(14..16, Some(10..16)), (16..30, None)]);
        assert_eq!(token_pieces(3..3, &[]), vec![(3..3, None)]);
    }

    #[test]
    fn bad_ranges_are_skipped_not_trusted() {
        let text = "é x";
        // 1..2 cuts é in half, 2..3 comes after a later range, 5..9 is past the end.
        let p = pieces(text, &[1..2, 3..4, 2..3, 5..9]);
        assert_eq!(p, vec![(0..3, false), (3..4, true)]);
    }

    #[test]
    fn the_caret_finds_its_line_column_and_term() {
        let src = "ab\n€ E_PENDING\n";
        // "€" is one UTF-16 unit and three bytes.
        assert_eq!(caret_line_col(src, 0), (0, 0));
        assert_eq!(caret_line_col(src, 3), (1, 0));
        assert_eq!(caret_line_col(src, 5), (1, 4));
        assert_eq!(caret_line_col(src, 99), (2, 0));
        let spans = [4..13];
        assert_eq!(term_at(&spans, 4), Some(4..13));
        assert_eq!(term_at(&spans, 13), Some(4..13));
        assert_eq!(term_at(&spans, 2), None);
        // A character outside the BMP counts two units.
        assert_eq!(caret_line_col("😀x", 2), (0, 4));
    }
}
