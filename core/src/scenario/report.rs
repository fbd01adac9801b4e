//! Scenario errors as `miette` diagnostics: the file, the line with the offending text
//! underlined, what was expected and a hint. Front-ends choose how to draw them.

#[cfg(test)]
use super::error::MAX_QUOTE;
use super::{ParseError, RunError};
use crate::util::shorten;
use miette::{Diagnostic, MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::fmt;

/// A scenario error tied to its source text.
#[derive(Debug, Diagnostic)]
pub struct ScenarioDiagnostic {
    message: String,
    #[source_code]
    src: Excerpt,
    #[label("{label}")]
    span: Option<SourceSpan>,
    label: String,
    #[help]
    help: Option<String>,
    /// `FILE:LINE:COL`, for one-line output.
    pub location: String,
}

impl fmt::Display for ScenarioDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ScenarioDiagnostic {}

/// Longest stretch of a line a diagnostic shows, in characters.
const WINDOW: usize = 120;

/// What the diagnostic shows of `source`: the error's line and one line either side,
/// each cut to [`WINDOW`] characters around column `col` (`…` marks a cut); every other
/// line is left empty, so line numbers stay true. Returns the text and the column of
/// `col` in it. A megabyte-long line is shown as a hundred characters, not echoed.
fn excerpt(source: &str, line: usize, col: usize) -> (String, usize) {
    let width = source
        .lines()
        .nth(line.saturating_sub(1))
        .map_or(0, |l| l.chars().count());
    let start = if width <= WINDOW {
        0
    } else {
        col.saturating_sub(1 + WINDOW / 3).min(width - WINDOW)
    };
    let mut out = String::new();
    for (i, text) in source.lines().enumerate() {
        if (i + 1).abs_diff(line) <= 1 {
            // A context line short enough is shown whole; a long one in the same window.
            let len = text.chars().count();
            let from = if len <= WINDOW {
                0
            } else {
                start.min(len - WINDOW)
            };
            let mut chars = text.chars().skip(from);
            if from > 0 {
                out.push('…');
            }
            out.extend(chars.by_ref().take(WINDOW));
            if chars.next().is_some() {
                out.push('…');
            }
        }
        out.push('\n');
    }
    let col = if start > 0 { col - start + 1 } else { col };
    (out, col)
}

/// The part of the source a diagnostic draws (see [`excerpt`]), which still reports the
/// error's true column in the drawing's `FILE:LINE:COL` header.
#[derive(Debug)]
struct Excerpt {
    name: String,
    text: String,
    /// 0-based line and character column of the error in the whole source.
    line0: usize,
    col0: usize,
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let c = self.text.read_span(span, before, after)?;
        // Without context lines miette asks for the label's own position: the header.
        let column = if before == 0 && c.line() == self.line0 {
            self.col0
        } else {
            c.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            c.data(),
            *c.span(),
            c.line(),
            column,
            c.line_count(),
        )))
    }
}

/// Byte offset of 1-based `line`/`col` (in characters) in `source`.
fn offset(source: &str, line: usize, col: usize) -> usize {
    let start: usize = source
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    let text = source[start..].lines().next().unwrap_or("");
    start
        + text
            .char_indices()
            .nth(col.saturating_sub(1))
            .map_or(text.len(), |(i, _)| i)
}

impl ScenarioDiagnostic {
    /// Wraps an error from `file` (a name to show) whose text is `source`.
    pub fn new(err: &RunError, file: &str, source: &str) -> ScenarioDiagnostic {
        let (line, col) = match err {
            RunError::Parse(e) => (e.line, e.col),
            RunError::Statement { line, at, .. } => (*line, at.map_or(1, |(col, _)| col)),
        };
        let (shown, shown_col) = excerpt(source, line, col);
        let source = shown.as_str();
        let src = Excerpt {
            name: file.to_string(),
            text: shown.clone(),
            line0: line.saturating_sub(1),
            col0: col.saturating_sub(1),
        };
        match err {
            RunError::Parse(ParseError {
                line,
                col,
                len,
                expected,
                found,
                hint,
            }) => {
                let at = offset(source, *line, shown_col);
                let end = offset(source, *line, shown_col + len).max(at);
                ScenarioDiagnostic {
                    message: shorten(&format!("expected {expected}, found {found}")),
                    src,
                    span: Some(SourceSpan::new(at.into(), end - at)),
                    label: shorten(&format!("expected {expected}")),
                    help: hint.as_deref().map(shorten),
                    location: format!("{file}:{line}:{col}"),
                }
            }
            RunError::Statement {
                line,
                at: Some((col, len)),
                message,
                hint,
            } => {
                let at = offset(source, *line, shown_col);
                let end = offset(source, *line, shown_col + len).max(at);
                ScenarioDiagnostic {
                    message: shorten(message),
                    src,
                    span: Some(SourceSpan::new(at.into(), end - at)),
                    label: "this argument".into(),
                    help: hint.as_deref().map(shorten),
                    location: format!("{file}:{line}:{col}"),
                }
            }
            RunError::Statement {
                line,
                at: None,
                message,
                hint,
            } => {
                let at = offset(source, *line, 1);
                let len = source[at..].lines().next().map_or(0, str::len);
                ScenarioDiagnostic {
                    message: shorten(message),
                    src,
                    span: Some(SourceSpan::new(at.into(), len)),
                    label: "this statement".into(),
                    help: hint.as_deref().map(shorten),
                    location: format!("{file}:{line}:1"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::run_script;
    use miette::{GraphicalReportHandler, GraphicalTheme};

    fn draw(d: &ScenarioDiagnostic) -> String {
        let mut out = String::new();
        GraphicalReportHandler::new_themed(GraphicalTheme::unicode_nocolor())
            .render_report(&mut out, d)
            .unwrap();
        out
    }

    #[test]
    fn a_syntax_error_underlines_the_word_and_suggests() {
        let src = "profile \"P\"\nmgr->SetCurentState(0, 3, 1, NULL)\n";
        let err = run_script(src).unwrap_err();
        let d = ScenarioDiagnostic::new(&err, "lesson.scn", src);
        assert_eq!(d.location, "lesson.scn:2:6");
        let text = draw(&d);
        assert!(text.contains("lesson.scn:2:6"), "{text}");
        assert!(text.contains("SetCurentState"), "{text}");
        assert!(text.contains("did you mean `SetCurrentState`?"), "{text}");
    }

    #[test]
    fn a_statement_error_points_at_its_line() {
        let src = "profile \"P\"\n\nserver \"Nope\" down\n";
        let err = run_script(src).unwrap_err();
        let d = ScenarioDiagnostic::new(&err, "x.scn", src);
        assert_eq!(d.location, "x.scn:3:1");
        assert!(draw(&d).contains("no profile named \"Nope\""));
    }

    #[test]
    fn a_huge_line_is_shown_cut_around_the_error() {
        let junk = "x".repeat(1_000_000);
        let src = format!("profile \"P\"\n{junk}\n{junk}\nrun\n");
        let err = run_script(&src).unwrap_err();
        let d = ScenarioDiagnostic::new(&err, "big.scn", &src);
        assert_eq!(d.location, "big.scn:2:1");
        let text = draw(&d);
        assert!(
            text.len() < 3_000,
            "{} bytes: {}",
            text.len(),
            &text[..3_000]
        );
        assert!(
            text.contains("big.scn:2:1") && text.contains(" 2 │ xxx"),
            "{text}"
        );
        assert!(text.contains("(1000000 characters)"), "{text}");
        // An error far along a long line: the window follows the column.
        let src = format!("mgr->Release() {} zz\n", "a ".repeat(50_000));
        let err = run_script(&src).unwrap_err();
        let d = ScenarioDiagnostic::new(&err, "far.scn", &src);
        assert_eq!(d.location, "far.scn:1:16");
        let src = format!("HrOpenOfflineObj({}1 zz)\n", "1, ".repeat(50_000));
        let err = run_script(&src).unwrap_err();
        let d = ScenarioDiagnostic::new(&err, "far.scn", &src);
        let text = draw(&d);
        assert!(text.len() < 3_000, "{text}");
        assert!(
            text.contains("… 1, 1, ") && text.contains("1 zz)"),
            "{text}"
        );
        assert!(text.contains("far.scn:1:150020"), "{text}");
    }

    #[test]
    fn shorten_cuts_long_runs_only() {
        assert_eq!(shorten("a `bc` d"), "a `bc` d");
        let long = "y".repeat(500);
        assert_eq!(
            shorten(&format!("no `{long}` here")),
            format!("no `{}… here", "y".repeat(MAX_QUOTE - 1))
        );
    }

    #[test]
    fn an_unknown_name_underlines_the_argument_not_the_statement() {
        let src = "profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &mgr)\nmgr->Unadvise(0, tokn)\nmgr->SetCurrentState(MAPIOFFLINE_FLAG_BLOK, 3, 1, NULL)\n";
        let err = run_script(src).unwrap_err();
        let d = ScenarioDiagnostic::new(&err, "x.scn", src);
        assert_eq!(d.location, "x.scn:3:18");
        // Offsets are into the excerpt drawn (lines far from the error are left blank).
        let at = d.src.text.find("tokn").unwrap();
        assert_eq!(d.span.map(|s| (s.offset(), s.len())), Some((at, 4)));
        assert!(draw(&d).contains("mgr->Unadvise(0, tokn)"));
        let src2 = src.replace("tokn", "0");
        let err = run_script(&src2).unwrap_err();
        let d = ScenarioDiagnostic::new(&err, "x.scn", &src2);
        let at = d.src.text.find("MAPIOFFLINE_FLAG_BLOK").unwrap();
        assert_eq!(d.span.map(|s| (s.offset(), s.len())), Some((at, 21)));
        assert!(draw(&d).contains("did you mean `MAPIOFFLINE_FLAG_BLOCK`?"));
    }

    #[test]
    fn a_reaction_that_calls_a_method_without_a_pointer_gets_a_hint() {
        let src = "sink s when any: SetCurrentState(0, 3, 1, NULL)\n";
        let err = run_script(src).unwrap_err();
        let d = ScenarioDiagnostic::new(&err, "x.scn", src);
        assert_eq!(d.location, "x.scn:1:18");
        let text = draw(&d);
        assert!(
            text.contains(
                "a reaction calls a method through a pointer: write `mgr->SetCurrentState(…)`"
            ),
            "{text}"
        );
    }

    #[test]
    fn offsets_count_characters_not_bytes() {
        let src = "profile \"Büro\" zz\n";
        let err = run_script(src).unwrap_err();
        let d = ScenarioDiagnostic::new(&err, "u.scn", src);
        assert!(draw(&d).contains("zz"));
        assert_eq!(offset(src, 1, 16), src.find("zz").unwrap());
    }
}
