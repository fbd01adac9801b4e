//! `mapioffline run`: scenario files in, traces out.

use crate::output::{self, colour_stdout, draw_diagnostic, error, report};
use crate::status::{BAD_INPUT, FAILED, OK};
use crate::{read_input, TraceFormat};
use anstyle::AnsiColor;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use mapioffline::checker::Finding;
use mapioffline::render::{self, Format};
use mapioffline::scenario::{parse, shorten, Outcome, RunError, Runner, ScenarioDiagnostic};
use mapioffline::{Set4Reading, Trace};
use serde::Serialize;
use std::io::{self, BufWriter, IsTerminal, Write};

pub struct Options {
    pub files: Vec<String>,
    pub format: TraceFormat,
    pub check: bool,
    pub set4: Option<Set4Reading>,
    pub quiet: bool,
}

/// A script this long gets a progress bar of its own on a terminal.
const LONG_SCRIPT: usize = 20_000;

/// A script that stopped: the error, and the trace up to the failing statement when
/// any statement ran (a syntax error stops it before the first).
pub struct Stopped {
    pub error: RunError,
    pub partial: Option<Outcome>,
}

/// A script that ran to its end, and the `config set4` lines a pinned reading outranked.
pub type Finished = (Outcome, Vec<(usize, Set4Reading)>);

/// Parses and runs `source`, pinning the SET-4 reading when given; `tick` is called
/// after each statement with how many have run and how many there are.
/// Besides the outcome, returns the `config set4` lines the pinned reading outranked.
pub fn execute(
    source: &str,
    set4: Option<Set4Reading>,
    mut tick: impl FnMut(usize, usize),
) -> Result<Finished, Box<Stopped>> {
    let script = parse(source).map_err(|e| {
        Box::new(Stopped {
            error: RunError::Parse(e),
            partial: None,
        })
    })?;
    let mut runner = Runner::default();
    if let Some(r) = set4 {
        runner.pin_set4(r);
    }
    let total = script.stmts.len();
    for (i, s) in script.stmts.iter().enumerate() {
        if let Err(error) = runner.exec(s) {
            return Err(Box::new(Stopped {
                error,
                partial: Some(runner.finish()),
            }));
        }
        tick(i + 1, total);
    }
    let overridden = runner.set4_overridden().to_vec();
    Ok((runner.finish(), overridden))
}

/// Where and why a run stopped, as `--format json` records it beside the trace.
#[derive(Serialize)]
pub struct ErrorRecord {
    file: String,
    line: usize,
    column: usize,
    message: String,
    hint: Option<String>,
}

impl ErrorRecord {
    fn new(e: &RunError, file: &str) -> ErrorRecord {
        let (line, column, message, hint) = match e {
            RunError::Parse(p) => (
                p.line,
                p.col,
                format!("expected {}, found {}", p.expected, p.found),
                p.hint.clone(),
            ),
            RunError::Statement {
                line,
                at,
                message,
                hint,
            } => (
                *line,
                at.map_or(1, |(col, _)| col),
                message.clone(),
                hint.clone(),
            ),
        };
        ErrorRecord {
            file: file.to_string(),
            line,
            column,
            message: shorten(&message),
            hint: hint.as_deref().map(shorten),
        }
    }
}

/// A trace as `--format json` prints it: the trace's own fields, and `error` when the
/// run stopped at a statement that could not run (core/TRACE-SCHEMA.md).
#[derive(Serialize)]
struct TraceJson<'a> {
    #[serde(flatten)]
    trace: &'a Trace,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a ErrorRecord>,
}

/// One file's result, as `--format json` prints it for several files.
#[derive(Serialize)]
struct FileTrace<'a> {
    file: &'a str,
    trace: TraceJson<'a>,
}

pub fn run(o: &Options) -> u8 {
    if o.files.iter().filter(|f| *f == "-").count() > 1 {
        error("`-` is given more than once: standard input can be read only once");
        return BAD_INPUT;
    }
    let stdout = io::stdout();
    let mut w = BufWriter::new(stdout.lock());
    let colour = colour_stdout() && o.format == TraceFormat::Text;
    let many = o.files.len() > 1;
    let on_terminal = io::stderr().is_terminal();
    let files_bar = if many && on_terminal {
        let bar =
            ProgressBar::with_draw_target(Some(o.files.len() as u64), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} files  {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut worst = OK;
    let (mut passed, mut failed, mut not_run) = (0usize, 0usize, 0usize);
    let mut json_items: Vec<(String, Trace, Option<ErrorRecord>)> = Vec::new();
    let mut write_result = Ok(());
    for (index, file) in o.files.iter().enumerate() {
        let name = if file == "-" {
            "<stdin>"
        } else {
            file.as_str()
        };
        files_bar.set_message(name.to_string());
        let source = match read_input(file) {
            Ok(s) => s,
            Err(m) => {
                files_bar.suspend(|| error(m));
                worst = worst.max(BAD_INPUT);
                not_run += 1;
                files_bar.inc(1);
                continue;
            }
        };
        let long_bar = if on_terminal && source.lines().count() >= LONG_SCRIPT {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{bar:30} {pos}/{len} statements  {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_message(name.to_string());
            bar
        } else {
            ProgressBar::hidden()
        };
        let result = execute(&source, o.set4, |done, total| {
            // Updating every statement would cost more than running it.
            if done % 1024 == 0 || done == total {
                long_bar.set_length(total as u64);
                long_bar.set_position(done as u64);
            }
        });
        long_bar.finish_and_clear();
        let (outcome, stopped) = match result {
            Ok((outcome, overridden)) => {
                for (line, written) in overridden {
                    files_bar.suspend(|| {
                        report(
                            "note:",
                            AnsiColor::Cyan.on_default(),
                            format!(
                                "{name}:{line}: --set-4 {} overrides `config set4 {}`",
                                outcome.trace.config.set4.name(),
                                written.name()
                            ),
                        )
                    });
                }
                (outcome, None)
            }
            Err(stopped) => {
                let Stopped { error, partial } = *stopped;
                worst = worst.max(BAD_INPUT);
                not_run += 1;
                let Some(partial) = partial else {
                    let d = ScenarioDiagnostic::new(&error, name, &source);
                    files_bar.suspend(|| eprint!("{}", draw_diagnostic(&d)));
                    files_bar.inc(1);
                    continue;
                };
                (partial, Some(error))
            }
        };
        if let Some(error) = &stopped {
            // What led to the error is printed first, the error after it.
            if !o.quiet && write_result.is_ok() {
                let record = ErrorRecord::new(error, name);
                if o.format == TraceFormat::Json && many {
                    json_items.push((name.to_string(), outcome.trace, Some(record)));
                } else {
                    write_result = files_bar.suspend(|| {
                        write_one(
                            &mut w,
                            name,
                            index,
                            many,
                            o.format,
                            &outcome.trace,
                            Some(&record),
                            colour,
                        )
                        .and_then(|()| w.flush())
                    });
                }
            }
            let d = ScenarioDiagnostic::new(error, name, &source);
            files_bar.suspend(|| {
                // Expectations that failed before the stop are reported too.
                for f in &outcome.failures {
                    report(
                        "failed:",
                        AnsiColor::Red.on_default().bold(),
                        format!("{name}:{}: {}", f.line, f.message),
                    );
                }
                eprint!("{}", draw_diagnostic(&d))
            });
            files_bar.inc(1);
            continue;
        }
        // Findings an `expect finding` line expected are intended (core decides which).
        let findings: Vec<Finding> = if o.check {
            outcome.unexpected_findings.clone()
        } else {
            Vec::new()
        };
        files_bar.suspend(|| {
            for f in &outcome.failures {
                report(
                    "failed:",
                    AnsiColor::Red.on_default().bold(),
                    format!("{name}:{}: {}", f.line, f.message),
                );
            }
            for f in &findings {
                output::finding(name, f);
            }
        });
        if outcome.failures.is_empty() && findings.is_empty() {
            passed += 1;
        } else {
            failed += 1;
            worst = worst.max(FAILED);
        }
        if !o.quiet && write_result.is_ok() {
            if o.format == TraceFormat::Json && many {
                json_items.push((name.to_string(), outcome.trace, None));
            } else {
                write_result = files_bar.suspend(|| {
                    write_one(
                        &mut w,
                        name,
                        index,
                        many,
                        o.format,
                        &outcome.trace,
                        None,
                        colour,
                    )
                });
            }
        }
        files_bar.inc(1);
    }
    files_bar.finish_and_clear();
    if !json_items.is_empty() && write_result.is_ok() {
        let items: Vec<FileTrace> = json_items
            .iter()
            .map(|(file, trace, error)| FileTrace {
                file,
                trace: TraceJson {
                    trace,
                    error: error.as_ref(),
                },
            })
            .collect();
        write_result = serde_json::to_writer_pretty(&mut w, &items)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(w));
    }
    if write_result.is_ok() {
        write_result = w.flush();
    }
    if many {
        let mut summary = format!("{} files: {passed} passed, {failed} failed", o.files.len());
        if not_run > 0 {
            summary.push_str(&format!(", {not_run} could not run"));
        }
        eprintln!("{summary}");
    }
    output::finish_stdout(write_result, worst)
}

/// Prints one trace in `format`, headed by its file name when there are several; JSON
/// records `error` when the run stopped there.
#[allow(clippy::too_many_arguments)]
fn write_one(
    w: &mut impl Write,
    name: &str,
    index: usize,
    many: bool,
    format: TraceFormat,
    trace: &Trace,
    error: Option<&ErrorRecord>,
    colour: bool,
) -> io::Result<()> {
    if many && index > 0 {
        writeln!(w)?;
    }
    if many {
        // A header in each format's own comment or heading syntax keeps the output valid.
        match format {
            TraceFormat::Text => writeln!(w, "==> {name} <==")?,
            TraceFormat::Markdown => writeln!(w, "## {name}\n")?,
            TraceFormat::Mermaid => writeln!(w, "%% {name}")?,
            TraceFormat::Cpp => writeln!(w, "// {name}")?,
            TraceFormat::Json => {}
        }
    }
    match format {
        TraceFormat::Text => output::write_text_trace(w, trace, colour),
        TraceFormat::Json => {
            serde_json::to_writer_pretty(&mut *w, &TraceJson { trace, error })
                .map_err(io::Error::from)?;
            writeln!(w)
        }
        TraceFormat::Markdown => w.write_all(render::render(trace, Format::Markdown).as_bytes()),
        TraceFormat::Mermaid => w.write_all(render::render(trace, Format::Mermaid).as_bytes()),
        TraceFormat::Cpp => w.write_all(render::render(trace, Format::Cpp).as_bytes()),
    }
}
