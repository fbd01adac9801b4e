//! Text cut into plain pieces and explainable terms, and the term under the editor's
//! caret. Which substrings are terms is core's (`explain::spans`); this only cuts along
//! what core says.

// Core's type only: finding the spans needs explain's tables, so it runs in the second
// module (`mapioffline.spans`), which the page asks (`app::explain::spans`).
pub use mapioffline::explain::spans::Span;
use std::ops::Range;

fn range(s: &Span) -> Range<usize> {
    s.start..s.end
}

/// `text` cut at `spans`: each piece's range and, for a term, its span. Ranges out of
/// `text`, overlapping or not on character boundaries are skipped rather than trusted.
pub fn pieces<'a>(text: &str, spans: &'a [Span]) -> Vec<(Range<usize>, Option<&'a Span>)> {
    let mut out = Vec::new();
    let mut at = 0;
    for s in spans {
        let r = range(s);
        if r.start < at
            || r.end > text.len()
            || r.start >= r.end
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            continue;
        }
        if r.start > at {
            out.push((at..r.start, None));
        }
        at = r.end;
        out.push((r, Some(s)));
    }
    if at < text.len() || out.is_empty() {
        out.push((at..text.len(), None));
    }
    out
}

/// A token at `token` cut where the terms of its line (`spans`) start and end: each
/// piece's range and, inside a term, the term's range.
pub fn token_pieces(token: Range<usize>, spans: &[Span]) -> Vec<(Range<usize>, Option<&Span>)> {
    let mut out = Vec::new();
    let mut at = token.start;
    for s in spans
        .iter()
        .filter(|s| s.start < token.end && s.end > token.start)
    {
        let (a, b) = (s.start.max(at), s.end.min(token.end));
        if a > at {
            out.push((at..a, None));
        }
        if b > a {
            out.push((a..b, Some(s)));
            at = b;
        }
    }
    if at < token.end || out.is_empty() {
        out.push((at..token.end, None));
    }
    out
}

/// The term whose range holds byte `col` (the caret just after a term still counts).
pub fn term_at(spans: &[Span], col: usize) -> Option<&Span> {
    spans.iter().find(|s| s.start <= col && col <= s.end)
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
mod tests {
    use super::*;

    fn sp(r: Range<usize>) -> Span {
        Span {
            start: r.start,
            end: r.end,
            term: format!("t{}", r.start),
        }
    }

    /// Pieces with the terms' ranges, for comparing.
    fn plain(p: Vec<(Range<usize>, Option<&Span>)>) -> Vec<(Range<usize>, Option<Range<usize>>)> {
        p.into_iter().map(|(r, s)| (r, s.map(range))).collect()
    }

    #[test]
    fn pieces_cover_the_text_and_mark_the_terms() {
        let text = "Advise = E_PENDING now";
        let spans = [sp(9..18)];
        let p = pieces(text, &spans);
        assert_eq!(&text[p[1].0.clone()], "E_PENDING");
        assert_eq!(p[1].1.unwrap().term, "t9");
        assert_eq!(
            plain(p),
            vec![(0..9, None), (9..18, Some(9..18)), (18..22, None)]
        );
        // A term at each end, and nothing at all.
        let both = [sp(0..1), sp(1..2)];
        assert_eq!(
            plain(pieces("ab", &both)),
            vec![(0..1, Some(0..1)), (1..2, Some(1..2))]
        );
        assert_eq!(plain(pieces("", &[])), vec![(0..0, None)]);
    }

    #[test]
    fn tokens_are_cut_where_terms_begin_and_end() {
        // `mgr->Advise(0x8000000A` as tokens `mgr->Advise(` and `0x8000000A`, say.
        let spans = [sp(5..11), sp(12..22)];
        assert_eq!(
            plain(token_pieces(0..12, &spans)),
            vec![(0..5, None), (5..11, Some(5..11)), (11..12, None)]
        );
        assert_eq!(
            plain(token_pieces(12..22, &spans)),
            vec![(12..22, Some(12..22))]
        );
        // A term across two tokens is marked in both, with its whole range.
        let across = [sp(10..16)];
        assert_eq!(
            plain(token_pieces(14..30, &across)),
            vec![(14..16, Some(10..16)), (16..30, None)]
        );
        assert_eq!(plain(token_pieces(3..3, &[])), vec![(3..3, None)]);
    }

    #[test]
    fn bad_ranges_are_skipped_not_trusted() {
        let text = "é x";
        // 1..2 cuts é in half, 2..3 comes after a later range, 5..9 is past the end.
        let spans = [sp(1..2), sp(3..4), sp(2..3), sp(5..9)];
        assert_eq!(
            plain(pieces(text, &spans)),
            vec![(0..3, None), (3..4, Some(3..4))]
        );
    }

    #[test]
    fn the_caret_finds_its_line_column_and_term() {
        let src = "ab\n€ E_PENDING\n";
        // "€" is one UTF-16 unit and three bytes.
        assert_eq!(caret_line_col(src, 0), (0, 0));
        assert_eq!(caret_line_col(src, 3), (1, 0));
        assert_eq!(caret_line_col(src, 5), (1, 4));
        assert_eq!(caret_line_col(src, 99), (2, 0));
        let spans = [sp(4..13)];
        assert_eq!(term_at(&spans, 4).map(range), Some(4..13));
        assert_eq!(term_at(&spans, 13).map(range), Some(4..13));
        assert_eq!(term_at(&spans, 2), None);
        // A character outside the BMP counts two units.
        assert_eq!(caret_line_col("😀x", 2), (0, 4));
    }
}
