//! `challenges` and `challenge`: the built-in challenges listed, shown, hinted, solved
//! and checked. Core decides every verdict (`Challenge::check`); this prints it.

use crate::output::{self, colour_stdout, draw_diagnostic, error, styled_line};
use crate::read_input;
use crate::status::{BAD_INPUT, FAILED, OK};
use anstyle::{AnsiColor, Style};
use mapioffline::challenges::{self, Challenge, CHALLENGES};
use mapioffline::scenario::{quote, ScenarioDiagnostic};
use std::io::{self, BufWriter, Write};

/// What `challenge NAME` prints besides the challenge itself.
pub enum Show {
    /// Story, goal and the broken client.
    Challenge,
    /// Hint number N (1-based).
    Hint(usize),
    /// The tested solution.
    Solution,
    /// The broken client's script alone.
    Broken,
    /// The verdict on a script file (`-`: standard input).
    Check(String),
}

pub fn list() -> u8 {
    let width = CHALLENGES.iter().map(|c| c.name.len()).max().unwrap_or(0);
    let mut s = String::new();
    for c in CHALLENGES {
        s.push_str(&format!("{:width$}  {}\n", c.name, c.title));
    }
    s.push_str("\nShow one with `mapioffline challenge NAME`; check your fix with `mapioffline challenge NAME --check FILE`.\n");
    let r = io::stdout().lock().write_all(s.as_bytes());
    output::finish_stdout(r, OK)
}

fn find(name: &str) -> Result<&'static Challenge, u8> {
    challenges::find(name).ok_or_else(|| {
        match challenges::suggest(name) {
            Some(s) => error(format!(
                "no challenge named {}; did you mean `{s}`?",
                quote(name)
            )),
            None => error(format!("no challenge named {}", quote(name))),
        }
        eprintln!("hint: `mapioffline challenges` lists them");
        BAD_INPUT
    })
}

pub fn challenge(name: &str, show: Show) -> u8 {
    let c = match find(name) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Show::Check(path) = &show {
        return check(c, path);
    }
    let stdout = io::stdout();
    let mut w = BufWriter::new(stdout.lock());
    let colour = colour_stdout();
    let r = (|| -> io::Result<u8> {
        match show {
            Show::Challenge => describe(&mut w, c, colour)?,
            Show::Hint(n) => {
                let total = c.hints.len();
                let Some(hint) = n.checked_sub(1).and_then(|i| c.hints.get(i)) else {
                    error(format!("{} has hints 1 to {total}, not {n}", c.name));
                    return Ok(BAD_INPUT);
                };
                writeln!(w, "Hint {n} of {total} for {}:", c.name)?;
                for line in textwrap::wrap(hint, 88) {
                    writeln!(w, "  {line}")?;
                }
                if n < total {
                    writeln!(
                        w,
                        "\nThe next: `mapioffline challenge {} --hint {}`.",
                        c.name,
                        n + 1
                    )?;
                }
            }
            Show::Solution => w.write_all(c.solution.as_bytes())?,
            Show::Broken => w.write_all(c.broken.as_bytes())?,
            Show::Check(_) => unreachable!("checked above"),
        }
        w.flush()?;
        Ok(OK)
    })();
    match r {
        Ok(code) => code,
        Err(e) => output::finish_stdout(Err(e), OK),
    }
}

fn describe(w: &mut impl Write, c: &Challenge, colour: bool) -> io::Result<()> {
    let bold = Style::new().bold();
    styled_line(w, &format!("{} ({})", c.title, c.name), bold, colour)?;
    writeln!(w)?;
    for line in textwrap::wrap(c.story, 88) {
        writeln!(w, "{line}")?;
    }
    let clauses: Vec<&str> = c.clauses.iter().map(|c| c.id()).collect();
    writeln!(w, "\nClauses: {}", clauses.join(", "))?;
    writeln!(w)?;
    styled_line(w, "Goal", bold, colour)?;
    for line in textwrap::wrap(c.goal_text, 88) {
        writeln!(w, "{line}")?;
    }
    for n in c.goal.needs {
        writeln!(w, "  - {}", n.text())?;
    }
    writeln!(w)?;
    styled_line(w, "The broken client", bold, colour)?;
    writeln!(w)?;
    w.write_all(c.broken.as_bytes())?;
    writeln!(w)?;
    let next = format!(
        "Fix it (`--broken` prints the script alone) and check it with `mapioffline challenge {} --check FILE`; `--hint` gives a hint, `--solution` a solution.",
        c.name
    );
    for line in textwrap::wrap(&next, 88) {
        writeln!(w, "{line}")?;
    }
    Ok(())
}

fn check(c: &Challenge, path: &str) -> u8 {
    let name = if path == "-" { "<stdin>" } else { path };
    let source = match read_input(path) {
        Ok(s) => s,
        Err(m) => {
            error(m);
            return BAD_INPUT;
        }
    };
    let report = c.check(&source);
    if let Some(e) = &report.error {
        let d = ScenarioDiagnostic::new(e, name, &source);
        eprint!("{}", draw_diagnostic(&d));
    }
    for f in &report.expect_failures {
        output::report(
            "note:",
            AnsiColor::Cyan.on_default().bold(),
            format!(
                "{name}: line {}: {} (the script's own expectation; the goal does not depend on it)",
                f.line, f.message
            ),
        );
    }
    let colour = colour_stdout();
    let stdout = io::stdout();
    let mut w = BufWriter::new(stdout.lock());
    let r = (|| -> io::Result<()> {
        let met = report.items.iter().filter(|i| i.met).count();
        let verdict = if report.met {
            format!("Goal of {} met.", c.name)
        } else if report.error.is_some() {
            format!("Goal of {} not met: the script does not run.", c.name)
        } else {
            format!(
                "Goal of {} not met: {met} of {} requirements hold.",
                c.name,
                report.items.len()
            )
        };
        let style = if report.met {
            AnsiColor::Green.on_default().bold()
        } else {
            AnsiColor::Red.on_default().bold()
        };
        styled_line(&mut w, &verdict, style, colour)?;
        for item in &report.items {
            let mark = if item.met { "met    " } else { "not met" };
            writeln!(w, "  {mark}  {}", item.text)?;
            // When nothing ran, the diagnostic above is the one reason for every item.
            if let (Some(why), None) = (&item.why, &report.error) {
                for line in textwrap::wrap(why, 80) {
                    writeln!(w, "           {line}")?;
                }
            }
        }
        w.flush()
    })();
    let code = match (&report.error, report.met) {
        (Some(_), _) => BAD_INPUT,
        (None, true) => OK,
        (None, false) => FAILED,
    };
    output::finish_stdout(r, code)
}
