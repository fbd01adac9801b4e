//! Scenario errors as `miette` diagnostics: the file, the line with the offending text
//! underlined, what was expected and a hint. Front-ends choose how to draw them.

use super::{ParseError, RunError};
use miette::{Diagnostic, NamedSource, SourceSpan};
use std::fmt;

/// A scenario error tied to its source text.
#[derive(Debug, Diagnostic)]
pub struct ScenarioDiagnostic {
    message: String,
    #[source_code]
    src: NamedSource<String>,
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
        let src = NamedSource::new(file, source.to_string());
        match err {
            RunError::Parse(ParseError {
                line,
                col,
                len,
                expected,
                found,
                hint,
            }) => {
                let at = offset(source, *line, *col);
                let end = offset(source, *line, col + len).max(at);
                ScenarioDiagnostic {
                    message: format!("expected {expected}, found {found}"),
                    src,
                    span: Some(SourceSpan::new(at.into(), end - at)),
                    label: format!("expected {expected}"),
                    help: hint.clone(),
                    location: format!("{file}:{line}:{col}"),
                }
            }
            RunError::Statement {
                line,
                at: Some((col, len)),
                message,
                hint,
            } => {
                let at = offset(source, *line, *col);
                let end = offset(source, *line, col + len).max(at);
                ScenarioDiagnostic {
                    message: message.clone(),
                    src,
                    span: Some(SourceSpan::new(at.into(), end - at)),
                    label: "this argument".into(),
                    help: hint.clone(),
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
                    message: message.clone(),
                    src,
                    span: Some(SourceSpan::new(at.into(), len)),
                    label: "this statement".into(),
                    help: hint.clone(),
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
    fn an_unknown_name_underlines_the_argument_not_the_statement() {
        let src = "profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &mgr)\nmgr->Unadvise(0, tokn)\nmgr->SetCurrentState(MAPIOFFLINE_FLAG_BLOK, 3, 1, NULL)\n";
        let err = run_script(src).unwrap_err();
        let d = ScenarioDiagnostic::new(&err, "x.scn", src);
        assert_eq!(d.location, "x.scn:3:18");
        let at = src.find("tokn").unwrap();
        assert_eq!(d.span.map(|s| (s.offset(), s.len())), Some((at, 4)));
        let src2 = src.replace("tokn", "0");
        let err = run_script(&src2).unwrap_err();
        let d = ScenarioDiagnostic::new(&err, "x.scn", &src2);
        let at = src2.find("MAPIOFFLINE_FLAG_BLOK").unwrap();
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
