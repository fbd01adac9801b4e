//! `check`, `explain`, `spec`, `lessons`, `lesson` and `demo`.

use crate::output::{self, colour_stdout, error, styled_line};
use crate::status::{BAD_INPUT, FAILED, OK};
use crate::{read_input, SpecFormat};
use anstyle::{AnsiColor, Style};
use mapioffline::checker::{self, Finding};
use mapioffline::explain::{spec_entries, spec_markdown, spec_text, SpecStyle};
use mapioffline::lessons::{self, Lesson};
use mapioffline::render::TextCursor;
use mapioffline::scenario::{parse, quote, RunError, Runner, ScenarioDiagnostic};
use mapioffline::Clause;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, BufRead, BufWriter, IsTerminal, Write};

// ------------------------------------------------------------------------- check

#[derive(Serialize)]
struct FileFindings<'a> {
    file: &'a str,
    findings: &'a [Finding],
}

pub fn check(path: &str, json: bool) -> u8 {
    let name = if path == "-" { "<stdin>" } else { path };
    let text = match read_input(path) {
        Ok(t) => t,
        Err(m) => {
            error(m);
            return BAD_INPUT;
        }
    };
    let file = match mapioffline::trace::file::read(name, &text) {
        Ok(f) => f,
        Err(why) => {
            error(why.0);
            eprintln!(
                "hint: write one with `mapioffline run SCENARIO --format json > trace.json` (schema: core/TRACE-SCHEMA.md)"
            );
            return BAD_INPUT;
        }
    };
    let (traces, stops) = (file.traces, file.stops);
    for (file, at, message) in &stops {
        output::report(
            "note:",
            AnsiColor::Cyan.on_default(),
            format!("{file}: the run stopped at {at}: {message}; the trace ends there"),
        );
    }
    let stdout = io::stdout();
    let mut w = BufWriter::new(stdout.lock());
    let mut results = Vec::new();
    for (file, trace) in &traces {
        results.push((file.clone(), checker::check(trace)));
    }
    let total: usize = results.iter().map(|(_, f)| f.len()).sum();
    // Findings go to stderr as `run --check` prints them; stdout answers which traces are
    // clean (or, with --json, holds every finding as data).
    let r = (|| -> io::Result<()> {
        if json {
            let out: Vec<FileFindings> = results
                .iter()
                .map(|(file, findings)| FileFindings { file, findings })
                .collect();
            serde_json::to_writer_pretty(&mut w, &out)?;
            writeln!(w)?;
        } else {
            for (file, findings) in &results {
                if findings.is_empty() {
                    writeln!(w, "{file}: no findings (rules R1–R7 hold)")?;
                }
                for f in findings {
                    output::finding(file, f);
                }
            }
            if total > 0 {
                eprintln!("{total} finding{}", if total == 1 { "" } else { "s" });
            }
        }
        w.flush()
    })();
    let any = total > 0;
    output::finish_stdout(r, if any { FAILED } else { OK })
}

// ------------------------------------------------------------------------- explain

pub fn explain(term: &str, json: bool) -> u8 {
    match mapioffline::explain::explain(term) {
        Ok(x) => {
            let text = if json {
                match serde_json::to_string_pretty(&x) {
                    Ok(s) => s + "\n",
                    Err(e) => {
                        error(e);
                        return BAD_INPUT;
                    }
                }
            } else {
                x.to_text()
            };
            let r = io::stdout().lock().write_all(text.as_bytes());
            output::finish_stdout(r, OK)
        }
        Err(unknown) => {
            error(unknown);
            eprintln!("hint: try a constant (MAPIOFFLINE_FLAG_BLOCK), a value (0x2000), an HRESULT (E_PENDING), a clause (SET-4), a rule (R3), a GUID (GUID_GlobalState), a structure (MAPIOFFLINE_ADVISEINFO), a function (HrOpenOfflineObj), an interface (IMAPIOfflineMgr) or a method (SetCurrentState); `mapioffline spec` lists the clauses");
            BAD_INPUT
        }
    }
}

// ------------------------------------------------------------------------- spec

pub fn spec(format: SpecFormat) -> u8 {
    let coverage: BTreeMap<Clause, Vec<String>> = mapioffline_conformance::coverage_with_lessons();
    let entries = spec_entries(&coverage);
    let stdout = io::stdout();
    let mut w = BufWriter::new(stdout.lock());
    let colour = colour_stdout();
    let r = (|| -> io::Result<()> {
        match format {
            SpecFormat::Json => {
                serde_json::to_writer_pretty(&mut w, &entries)?;
                writeln!(w)?;
            }
            SpecFormat::Markdown => w.write_all(spec_markdown(&entries).as_bytes())?,
            SpecFormat::Text => {
                for (style, line) in spec_text(&entries) {
                    let style = match style {
                        SpecStyle::Plain => Style::new(),
                        SpecStyle::Heading => Style::new().bold(),
                        SpecStyle::Dim => Style::new().dimmed(),
                    };
                    styled_line(&mut w, &line, style, colour)?;
                }
            }
        }
        w.flush()
    })();
    output::finish_stdout(r, OK)
}

// ------------------------------------------------------------------------- lessons

pub fn lessons() -> u8 {
    let width = lessons::LESSONS
        .iter()
        .map(|l| l.name.len())
        .max()
        .unwrap_or(0);
    let mut s = String::new();
    for l in lessons::LESSONS {
        s.push_str(&format!("{:width$}  {}\n", l.name, l.title));
    }
    s.push_str(
        "\nRun one with `mapioffline lesson NAME` (add --step to pause before each statement).\n",
    );
    let r = io::stdout().lock().write_all(s.as_bytes());
    output::finish_stdout(r, OK)
}

fn find_lesson(name: &str) -> Result<&'static Lesson, u8> {
    lessons::find(name).ok_or_else(|| {
        match lessons::suggest(name) {
            Some(s) => error(format!(
                "no lesson named {}; did you mean `{s}`?",
                quote(name)
            )),
            None => error(format!("no lesson named {}", quote(name))),
        }
        eprintln!("hint: `mapioffline lessons` lists them");
        BAD_INPUT
    })
}

pub fn lesson(name: &str, step: bool) -> u8 {
    let lesson = match find_lesson(name) {
        Ok(l) => l,
        Err(code) => return code,
    };
    let stdout = io::stdout();
    let mut w = BufWriter::new(stdout.lock());
    let colour = colour_stdout();
    let r = (|| -> io::Result<u8> {
        let bold = Style::new().bold();
        styled_line(
            &mut w,
            &format!("{} ({})", lesson.title, lesson.name),
            bold,
            colour,
        )?;
        writeln!(w)?;
        for line in textwrap::wrap(lesson.explanation, 88) {
            writeln!(w, "{line}")?;
        }
        let clauses: Vec<&str> = lesson.clauses.iter().map(|c| c.id()).collect();
        writeln!(w, "\nClauses: {}", clauses.join(", "))?;
        if step {
            writeln!(
                w,
                "\nPress Enter to run each statement, q and Enter to stop (end of input runs the rest)."
            )?;
        }
        writeln!(w)?;
        w.flush()?;
        play(&mut w, lesson.source, lesson.name, step, colour)
    })();
    match r {
        Ok(code) => code,
        Err(e) => output::finish_stdout(Err(e), OK),
    }
}

/// Runs a script statement by statement, printing each statement with the comment
/// lines before it and then the events it caused; with `step`, waits for a line on
/// standard input before each statement.
fn play(w: &mut impl Write, source: &str, name: &str, step: bool, colour: bool) -> io::Result<u8> {
    let script = match parse(source) {
        Ok(s) => s,
        Err(e) => {
            let d = ScenarioDiagnostic::new(&RunError::Parse(e), name, source);
            eprint!("{}", output::draw_diagnostic(&d));
            return Ok(BAD_INPUT);
        }
    };
    let lines: Vec<&str> = source.lines().collect();
    let mut runner = Runner::default();
    let mut cursor = TextCursor::default();
    let mut next_line = 1; // first source line not yet shown
    let mut stdin_open = step;
    let comment = Style::new().dimmed();
    let statement = AnsiColor::Blue.on_default().bold();
    for stmt in &script.stmts {
        // The comments and blank lines since the last statement explain this one.
        for text in lines.iter().take(stmt.line - 1).skip(next_line - 1) {
            if text.trim().is_empty() {
                writeln!(w)?;
            } else {
                styled_line(w, text, comment, colour)?;
            }
        }
        let text = lines.get(stmt.line - 1).copied().unwrap_or("");
        styled_line(w, &format!("> {text}"), statement, colour)?;
        next_line = stmt.line + 1;
        if stdin_open {
            write!(w, "  [Enter] ")?;
            w.flush()?;
            let mut answer = String::new();
            let n = io::stdin().lock().read_line(&mut answer)?;
            if n == 0 {
                stdin_open = false;
            }
            // A terminal echoes the Enter; piped input does not.
            if n == 0 || !io::stdin().is_terminal() {
                writeln!(w)?;
            }
            if answer.trim().eq_ignore_ascii_case("q") {
                let left = script.stmts.iter().filter(|s| s.line >= stmt.line).count();
                writeln!(
                    w,
                    "\nStopped before line {}; {left} statement{} not run.",
                    stmt.line,
                    if left == 1 { "" } else { "s" }
                )?;
                w.flush()?;
                return Ok(OK);
            }
        }
        let failures_before = runner.failures().len();
        if let Err(e) = runner.exec(stmt) {
            w.flush()?;
            let d = ScenarioDiagnostic::new(&e, name, source);
            eprint!("{}", output::draw_diagnostic(&d));
            return Ok(BAD_INPUT);
        }
        output::write_new_events(w, &mut cursor, runner.sim().trace(), colour)?;
        if runner.failures().len() > failures_before {
            // Failures go to stderr, as everywhere; flush first to keep them in place.
            w.flush()?;
            for f in &runner.failures()[failures_before..] {
                output::report(
                    "failed:",
                    AnsiColor::Red.on_default().bold(),
                    format!("{name}:{}: {}", f.line, f.message),
                );
            }
        }
    }
    let outcome = runner.finish();
    let expectations = script
        .stmts
        .iter()
        .filter(|s| matches!(s.kind, mapioffline::scenario::StmtKind::Expect(_)))
        .count();
    writeln!(w)?;
    let code = if outcome.failures.is_empty() {
        writeln!(w, "All {expectations} expectations held.")?;
        OK
    } else {
        writeln!(
            w,
            "{} of {expectations} expectations failed.",
            outcome.failures.len()
        )?;
        FAILED
    };
    w.flush()?;
    Ok(code)
}

// ------------------------------------------------------------------------- demo

pub fn demo() -> u8 {
    let lesson = match find_lesson("sample-add-in") {
        Ok(l) => l,
        Err(code) => return code,
    };
    let outcome = match lesson.run() {
        Ok(o) => o,
        Err(e) => {
            let d = ScenarioDiagnostic::new(&e, lesson.name, lesson.source);
            eprint!("{}", output::draw_diagnostic(&d));
            return BAD_INPUT;
        }
    };
    let stdout = io::stdout();
    let mut w = BufWriter::new(stdout.lock());
    let colour = colour_stdout();
    let r = (|| -> io::Result<()> {
        styled_line(
            &mut w,
            "The Sample Offline State Add-in: Init Monitor, GetCurrentState, SetCurrentState (offline), Deinit Monitor",
            Style::new().bold(),
            colour,
        )?;
        writeln!(w)?;
        output::write_text_trace(&mut w, &outcome.trace, colour)?;
        writeln!(w)?;
        let findings = checker::check(&outcome.trace).len();
        writeln!(
            w,
            "{} events, {} notifications, checker findings: {findings}.",
            outcome.trace.events.len(),
            outcome.trace.notifications().count()
        )?;
        writeln!(w, "Next: `mapioffline lesson sample-add-in --step` walks through it with comments; `mapioffline lessons` lists the others.")?;
        w.flush()
    })();
    let code = if outcome.failures.is_empty() {
        OK
    } else {
        FAILED
    };
    output::finish_stdout(r, code)
}
