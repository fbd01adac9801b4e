//! Where output goes and how it looks: colour only on a terminal and never with
//! `NO_COLOR`, errors drawn by miette, a quiet end when a pipe closes early.

use anstyle::{AnsiColor, Style};
use mapioffline::render::TextCursor;
use mapioffline::trace::Severity;
use mapioffline::{EventKind, Trace};
use std::io::{self, IsTerminal, Write};

/// `NO_COLOR` set to anything but the empty string turns colour off (no-color.org).
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

pub fn colour_stdout() -> bool {
    !no_color() && io::stdout().is_terminal()
}

pub fn colour_stderr() -> bool {
    !no_color() && io::stderr().is_terminal()
}

/// How a trace line is drawn in colour, by what the event is.
pub fn event_style(kind: &EventKind) -> Style {
    match kind {
        EventKind::Diagnostic(d) => match d.severity {
            Severity::Error => AnsiColor::Red.on_default().bold(),
            Severity::Info => AnsiColor::Yellow.on_default(),
        },
        EventKind::Notify { .. } => AnsiColor::Green.on_default(),
        EventKind::Return { hr: Some(hr), .. } if hr.failed() => AnsiColor::Red.on_default(),
        EventKind::Env { .. } | EventKind::Shutdown(_) => AnsiColor::Cyan.on_default(),
        EventKind::TransitionStarted { .. }
        | EventKind::Phase { .. }
        | EventKind::StateChanged { .. }
        | EventKind::TransitionCompleted { .. } => AnsiColor::Magenta.on_default(),
        EventKind::RefCount { .. } | EventKind::Advance { .. } | EventKind::RunUntilIdle { .. } => {
            Style::new().dimmed()
        }
        _ => Style::new(),
    }
}

/// Writes `line` (and a newline), in `style` when `colour`.
pub fn styled_line(w: &mut impl Write, line: &str, style: Style, colour: bool) -> io::Result<()> {
    if colour && style != Style::new() {
        writeln!(w, "{}{line}{}", style.render(), style.render_reset())
    } else {
        writeln!(w, "{line}")
    }
}

/// Writes the text lines of the events `cursor` has not shown yet, coloured per event
/// when `colour`.
pub fn write_new_events(
    w: &mut impl Write,
    cursor: &mut TextCursor,
    trace: &Trace,
    colour: bool,
) -> io::Result<()> {
    for (e, line) in cursor.advance(trace) {
        styled_line(w, &line, event_style(&e.kind), colour)?;
    }
    Ok(())
}

/// Writes the text rendering of `trace`, coloured per event when `colour`.
pub fn write_text_trace(w: &mut impl Write, trace: &Trace, colour: bool) -> io::Result<()> {
    write_new_events(w, &mut TextCursor::default(), trace, colour)
}

/// `error:` in red on a terminal, then the message, on stderr.
pub fn error(message: impl std::fmt::Display) {
    let style = AnsiColor::Red.on_default().bold();
    if colour_stderr() {
        eprintln!("{}error:{} {message}", style.render(), style.render_reset());
    } else {
        eprintln!("error: {message}");
    }
}

/// A labelled line on stderr (`failed:`, `finding:`, `note:`), coloured on a terminal.
pub fn report(label: &str, style: Style, message: impl std::fmt::Display) {
    if colour_stderr() {
        eprintln!(
            "{}{label}{} {message}",
            style.render(),
            style.render_reset()
        );
    } else {
        eprintln!("{label} {message}");
    }
}

/// A checker finding on stderr, the same for `run --check`, `check` and the REPL's
/// `:check`: `finding: FILE: RULE (CLAUSE) at event #N, t=T: what`, then `  fix: how`.
pub fn finding(file: &str, f: &mapioffline::checker::Finding) {
    report(
        "finding:",
        AnsiColor::Yellow.on_default().bold(),
        format!(
            "{file}: {} ({}) at event #{}, t={}: {}\n  fix: {}",
            f.rule, f.clause, f.event, f.tick, f.message, f.fix
        ),
    );
}

/// A miette diagnostic drawn for stderr: with source snippet and underline, in colour only
/// on a terminal.
pub fn draw_diagnostic(d: &dyn miette::Diagnostic) -> String {
    use miette::{GraphicalReportHandler, GraphicalTheme};
    let theme = if colour_stderr() {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let mut out = String::new();
    // Rendering into a String cannot fail; fall back to the bare message regardless.
    if GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .render_report(&mut out, d)
        .is_err()
    {
        out = format!("{d}\n");
    }
    out
}

/// Ends a command whose stdout write failed: a closed pipe (`| head`) is not an error.
pub fn finish_stdout(r: io::Result<()>, code: u8) -> u8 {
    match r {
        Ok(()) => code,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => code,
        Err(e) => {
            error(format!("cannot write to standard output: {e}"));
            crate::status::BAD_INPUT
        }
    }
}
