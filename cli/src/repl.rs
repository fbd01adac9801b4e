//! `mapioffline repl`: one world, driven a line at a time in the scenario language.
//!
//! On a terminal it uses rustyline (line editing, persistent history, tab completion);
//! with standard input from a pipe or file it reads plain lines and echoes each one after
//! the prompt, so a piped session prints as a readable transcript.

use crate::output::{self, colour_stdout};
use crate::status::{BAD_INPUT, FAILED, OK};
use anstyle::AnsiColor;
use mapioffline::render::TextCursor;
use mapioffline::scenario::{parse, words, RunError, Runner, ScenarioDiagnostic, Value};
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::FileHistory;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};
use std::cell::RefCell;
use std::io::{self, BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::rc::Rc;

const PROMPT: &str = "mapioffline> ";
/// The last line of a saved session.
const HEADER: &str = "# a mapioffline REPL session: `mapioffline run FILE` replays it";
const COMMANDS: [&str; 11] = [
    ":help", ":trace", ":state", ":at", ":event", ":save", ":reset", ":check", ":explain", ":quit",
    ":exit",
];

const HELP: &str = "\
Statements are the scenario language, one per line; each prints the events it caused.
  profile \"Outlook\" caps MAPIOFFLINE_CAPABILITY_OFFLINE|MAPIOFFLINE_CAPABILITY_ONLINE
  sink logger                       a client notify object (add `when START once: CALL`)
  HrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)
  mgr->Advise(0, &{pCallback = logger}, &token)
  mgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)
  advance 1 | run | network down | server \"Outlook\" up | shutdown
  expect S_OK | expect state mgr OFFLINE | expect notifications logger START STATECHANGE DONE
Commands:
  :help            this text
  :trace           the whole trace so far
  :state           the world now: objects, states, references, registrations, names
  :at N            as of event #N (numbered from 0, as findings cite them): the event
                   decoded, the world and the transitions in progress, the findings so far
  :event N         event #N decoded: its fields, their meanings, the clauses it shows
  :save FILE       write the session as a scenario file that replays identically
  :reset           start again with an empty world
  :check           the client-contract checker (R1–R7) on the trace so far
  :explain TERM    a constant, value, HRESULT, clause, rule, GUID or structure
  :quit            leave (Ctrl-D does too)
Tab completes statements, methods after `->`, constants and the names you have bound.";

/// The session: the world, what has been typed, what has been shown.
struct Session {
    runner: Runner,
    /// Every accepted line (statements and comments), as `:save` writes them; line
    /// numbers in messages are positions in this file.
    lines: Vec<String>,
    cursor: TextCursor,
    /// The exit status the session has earned, by the rule every command follows: 1 once
    /// an expectation failed or `:check` found something, 2 once a line could not run.
    status: u8,
}

impl Session {
    fn new() -> Session {
        Session {
            runner: Runner::default(),
            lines: Vec::new(),
            cursor: TextCursor::default(),
            status: OK,
        }
    }

    fn worse(&mut self, status: u8) {
        self.status = self.status.max(status);
    }

    fn bound_names(&self) -> Vec<String> {
        self.runner.vars().keys().cloned().collect()
    }
}

/// Completion for rustyline; the bound names are refreshed after every line.
struct ReplHelper {
    names: Rc<RefCell<Vec<String>>>,
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        Ok(complete(line, pos, &self.names.borrow()))
    }
}

/// The candidates for the word that ends at `pos`: `:commands` at the start of a line,
/// statement words first on a line, methods after `->`, otherwise constants, GUID names,
/// keywords and bound names.
fn complete(line: &str, pos: usize, names: &[String]) -> (usize, Vec<Pair>) {
    let before = &line[..pos];
    let start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-' || c == ':'))
        .map_or(0, |i| {
            i + before[i..].chars().next().map_or(1, char::len_utf8)
        });
    let word = &before[start..];
    let first = before[..start].trim().is_empty();
    let pool: Vec<String> = if first && word.starts_with(':') {
        COMMANDS.iter().map(|s| s.to_string()).collect()
    } else if before[..start].ends_with("->") {
        words::METHODS
            .iter()
            .chain(&["vtbl"])
            .map(|s| s.to_string())
            .collect()
    } else if first {
        words::STATEMENTS
            .iter()
            .map(|s| s.to_string())
            .chain(names.iter().cloned())
            .collect()
    } else if before.trim_start().starts_with("expect") && before[..start].trim() == "expect" {
        words::EXPECT
            .iter()
            .map(|s| s.to_string())
            .chain(words::names().map(String::from))
            .chain(names.iter().cloned())
            .collect()
    } else {
        words::names()
            .map(String::from)
            .chain(words::MODIFIERS.iter().map(|s| s.to_string()))
            .chain(names.iter().cloned())
            .collect()
    };
    let mut found: Vec<Pair> = pool
        .into_iter()
        .filter(|c| c.starts_with(word))
        .map(|c| Pair {
            display: c.clone(),
            replacement: c,
        })
        .collect();
    found.sort_by(|a, b| a.display.cmp(&b.display));
    found.dedup_by(|a, b| a.display == b.display);
    (start, found)
}

impl Hinter for ReplHelper {
    type Hint = String;
}
impl Highlighter for ReplHelper {}
impl Validator for ReplHelper {}
impl Helper for ReplHelper {}

/// Where history lives: `MAPIOFFLINE_HISTORY`, else the XDG state directory.
fn history_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("MAPIOFFLINE_HISTORY") {
        return Some(PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_STATE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/state")))?;
    Some(base.join("mapioffline").join("history"))
}

pub fn repl() -> u8 {
    let mut session = Session::new();
    let colour = colour_stdout();
    let interactive = io::stdin().is_terminal();
    if interactive {
        println!(
            "mapioffline {} — the Offline State API simulator. :help for help, :quit to leave.",
            env!("CARGO_PKG_VERSION")
        );
        let names = Rc::new(RefCell::new(Vec::new()));
        let mut editor: Editor<ReplHelper, FileHistory> = match Editor::new() {
            Ok(e) => e,
            Err(e) => {
                output::error(format!("cannot start line editing: {e}"));
                return BAD_INPUT;
            }
        };
        editor.set_helper(Some(ReplHelper {
            names: names.clone(),
        }));
        let history = history_path();
        if let Some(h) = &history {
            // A missing history file is the normal first run.
            let _ = editor.load_history(h);
        }
        loop {
            match editor.readline(PROMPT) {
                Ok(line) => {
                    if !line.trim().is_empty() {
                        let _ = editor.add_history_entry(line.as_str());
                    }
                    if handle(&mut session, &line, colour) == Flow::Quit {
                        break;
                    }
                    *names.borrow_mut() = session.bound_names();
                }
                Err(ReadlineError::Interrupted) => continue,
                Err(ReadlineError::Eof) => break,
                Err(e) => {
                    output::error(e);
                    break;
                }
            }
        }
        if let Some(h) = &history {
            if let Some(dir) = h.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            if let Err(e) = editor.save_history(h) {
                output::error(format!("cannot save history to {}: {e}", h.display()));
            }
        }
    } else {
        let stdin = io::stdin();
        for line in stdin.lock().lines() {
            let line = match line {
                Ok(l) => l,
                Err(e) => {
                    output::error(format!("cannot read standard input: {e}"));
                    return BAD_INPUT;
                }
            };
            println!("{PROMPT}{line}");
            if handle(&mut session, &line, colour) == Flow::Quit {
                break;
            }
        }
    }
    session.status
}

#[derive(PartialEq, Eq)]
enum Flow {
    Go,
    Quit,
}

/// Handles what one prompt returned: a line, or several when a bracketed paste brought
/// them; each is a `:command` or a statement, run in order as if typed one by one.
fn handle(s: &mut Session, input: &str, colour: bool) -> Flow {
    for line in input.lines() {
        let trimmed = line.trim();
        if let Some(command) = trimmed.strip_prefix(':') {
            let (name, arg) = command
                .split_once(char::is_whitespace)
                .map_or((command, ""), |(n, a)| (n, a.trim()));
            if command_line(s, name, arg, colour) == Flow::Quit {
                return Flow::Quit;
            }
        } else {
            statement(s, line, colour);
        }
    }
    Flow::Go
}

fn command_line(s: &mut Session, name: &str, arg: &str, colour: bool) -> Flow {
    let mut out = io::stdout().lock();
    let r: io::Result<()> = match name {
        "help" | "h" | "?" => writeln!(out, "{HELP}"),
        "quit" | "q" | "exit" => return Flow::Quit,
        // Asking must not start the world: `config` lines may still follow.
        "trace" | "state" | "check" | "at" | "event" if !s.runner.started() => writeln!(
            out,
            "nothing has run yet: the world starts with the first statement other than `config`"
        ),
        "trace" => output::write_text_trace(&mut out, s.runner.sim().trace(), colour),
        "state" => {
            let mut text = s.runner.sim().snapshot().to_text();
            let vars = s.runner.vars();
            if !vars.is_empty() {
                let shown: Vec<String> = vars
                    .iter()
                    .map(|(k, v)| match v {
                        Value::Ptr(p) => format!("{k} = {p}"),
                        Value::Ulong(u) => format!("{k} = {u} (0x{u:08X})"),
                    })
                    .collect();
                text.push_str(&format!("names: {}\n", shown.join(", ")));
            }
            out.write_all(text.as_bytes())
        }
        "at" | "event" => {
            let trace = s.runner.sim().trace();
            match event_number(name, arg, trace.events.len()) {
                Ok(n) => out.write_all(moment(trace, n, name == "at").as_bytes()),
                Err(e) => {
                    s.worse(BAD_INPUT);
                    output::error(e);
                    Ok(())
                }
            }
        }
        "save" | "save!" => {
            if arg.is_empty() {
                s.worse(BAD_INPUT);
                output::error(":save needs a file name, e.g. `:save session.scn`");
                return Flow::Go;
            }
            if s.lines.is_empty() {
                writeln!(out, "nothing to save: no statement has run yet")
            } else if name == "save" && std::path::Path::new(arg).exists() {
                s.worse(BAD_INPUT);
                output::error(format!(
                    "{arg} exists; `:save! {arg}` replaces it, or choose another name"
                ));
                Ok(())
            } else {
                // The header comes last, so that line N of the file is line N of the session.
                let mut text = s.lines.join("\n");
                text.push('\n');
                text.push_str(HEADER);
                text.push('\n');
                let n = s.lines.len();
                match std::fs::write(arg, text) {
                    Ok(()) => writeln!(
                        out,
                        "saved {n} line{} to {arg}; `mapioffline run {arg}` replays them",
                        if n == 1 { "" } else { "s" }
                    ),
                    Err(e) => {
                        s.worse(BAD_INPUT);
                        output::error(format!("cannot write {arg}: {e}"));
                        Ok(())
                    }
                }
            }
        }
        "reset" => {
            // A new world; what went wrong before still counts for the exit status.
            let status = s.status;
            *s = Session::new();
            s.status = status;
            writeln!(out, "a new, empty world")
        }
        "check" => {
            let findings = mapioffline::checker::check(s.runner.sim().trace());
            if findings.is_empty() {
                writeln!(out, "no findings: rules R1–R7 hold so far")
            } else {
                s.worse(FAILED);
                let _ = out.flush();
                for f in &findings {
                    output::finding("repl", f);
                }
                Ok(())
            }
        }
        "explain" => match mapioffline::explain::explain(arg) {
            Ok(x) => out.write_all(x.to_text().as_bytes()),
            Err(e) => {
                s.worse(BAD_INPUT);
                output::error(e);
                Ok(())
            }
        },
        other => {
            s.worse(BAD_INPUT);
            let suggestion =
                mapioffline::util::nearest(&format!(":{other}"), COMMANDS.iter().copied());
            match suggestion {
                Some(c) => {
                    output::error(format!("unknown command `:{other}`; did you mean `{c}`?"))
                }
                None => output::error(format!("unknown command `:{other}`; :help lists them")),
            }
            Ok(())
        }
    };
    // Output to a closed terminal leaves nothing to tell.
    let _ = r.and_then(|()| out.flush());
    Flow::Go
}

/// The event number of `:at N` / `:event N`, or why `arg` is not one of the trace's.
fn event_number(command: &str, arg: &str, len: usize) -> Result<usize, String> {
    if arg.is_empty() {
        return Err(format!(
            ":{command} needs an event number, e.g. `:{command} 0` for the first event"
        ));
    }
    let n: usize = arg.trim_start_matches('#').parse().map_err(|_| {
        format!(
            "{} is not an event number: give one of 0 to {} (the number `#N` the trace and the findings cite)",
            mapioffline::util::quote(arg),
            len.saturating_sub(1)
        )
    })?;
    match len {
        0 => Err("the trace has no events yet".to_string()),
        _ if n >= len => Err(format!(
            "there is no event #{n}: the trace has {len} event{}, #0 to #{}",
            if len == 1 { "" } else { "s" },
            len - 1
        )),
        _ => Ok(n),
    }
}

/// Event #n decoded; with `world`, also the world just after it, the transitions in
/// progress and the findings visible then.
fn moment(trace: &mapioffline::Trace, n: usize, world: bool) -> String {
    use mapioffline::checker::{check, findings_at};
    use mapioffline::trace::replay::Timeline;
    let mut text = mapioffline::explain::event::decode(trace, n)
        .map(|d| d.to_text())
        .unwrap_or_default();
    if !world {
        return text;
    }
    let len = trace.events.len();
    text.push_str(&format!("\nthe world just after event #{n}:\n"));
    text.push_str(&Timeline::new(trace).at(n + 1).to_text());
    let findings = findings_at(&check(trace), n + 1, len);
    if findings.is_empty() {
        text.push_str("findings so far: none\n");
    } else {
        text.push_str("findings so far:\n");
        for f in findings {
            text.push_str(&format!("  {f}\n"));
        }
    }
    text
}

/// Runs one line of the scenario language; only a line that runs is kept for `:save`.
fn statement(s: &mut Session, line: &str, colour: bool) {
    let line_no = s.lines.len() + 1;
    // The session as `:save` would write it, this line last: line numbers match the file.
    let source_so_far = |lines: &[String]| {
        let mut t = lines.join("\n");
        if !t.is_empty() {
            t.push('\n');
        }
        t.push_str(line);
        t.push('\n');
        t
    };
    let script = match parse(line) {
        Ok(script) => script,
        Err(mut e) => {
            s.worse(BAD_INPUT);
            e.line = line_no;
            let d = ScenarioDiagnostic::new(&RunError::Parse(e), "repl", &source_so_far(&s.lines));
            eprint!("{}", output::draw_diagnostic(&d));
            return;
        }
    };
    let failures_before = s.runner.failures().len();
    for mut stmt in script.stmts {
        stmt.line = line_no;
        if let Err(e) = s.runner.exec(&stmt) {
            s.worse(BAD_INPUT);
            let d = ScenarioDiagnostic::new(&e, "repl", &source_so_far(&s.lines));
            eprint!("{}", output::draw_diagnostic(&d));
            show_new_events(s, colour);
            return;
        }
    }
    s.lines.push(line.to_string());
    show_new_events(s, colour);
    let failed: Vec<String> = s.runner.failures()[failures_before..]
        .iter()
        .map(|f| f.message.clone())
        .collect();
    if !failed.is_empty() {
        s.worse(FAILED);
    }
    for f in failed {
        output::report(
            "failed:",
            AnsiColor::Red.on_default().bold(),
            format!("repl:{line_no}: {f}"),
        );
    }
}

fn show_new_events(s: &mut Session, colour: bool) {
    // `config` lines do not start the world; showing nothing for them is right.
    if !s.runner.started() {
        return;
    }
    let mut out = io::stdout().lock();
    // Output to a closed terminal leaves nothing to tell.
    let _ = output::write_new_events(&mut out, &mut s.cursor, s.runner.sim().trace(), colour);
    let _ = out.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names_of(line: &str, bound: &[&str]) -> Vec<String> {
        let bound: Vec<String> = bound.iter().map(|s| s.to_string()).collect();
        complete(line, line.len(), &bound)
            .1
            .into_iter()
            .map(|p| p.replacement)
            .collect()
    }

    #[test]
    fn completes_statements_methods_constants_names_and_commands() {
        assert_eq!(names_of("pro", &[]), ["profile"]);
        assert_eq!(names_of("mgr->SetC", &["mgr"]), ["SetCurrentState"]);
        assert!(
            names_of("mgr->SetCurrentState(MAPIOFFLINE_FLAG_B", &["mgr"])
                .contains(&"MAPIOFFLINE_FLAG_BLOCK".to_string())
        );
        assert_eq!(names_of("mg", &["mgr", "token"]), ["mgr"]);
        assert_eq!(
            names_of("mgr->Unadvise(0, tok", &["mgr", "token"]),
            ["token"]
        );
        assert_eq!(names_of(":sa", &[]), [":save"]);
        assert_eq!(names_of("expect not", &[]), ["notifications"]);
        assert!(names_of("expect E_P", &[]).contains(&"E_PENDING".to_string()));
        // The replacement starts where the word does.
        let (start, _) = complete("x->Re", 5, &[]);
        assert_eq!(start, 3);
    }

    #[test]
    fn at_and_event_complete_and_a_bad_number_says_which_are_good() {
        assert_eq!(names_of(":ev", &[]), [":event"]);
        assert_eq!(event_number("at", "#2", 3), Ok(2));
        assert_eq!(event_number("at", "2", 3), Ok(2));
        let past = event_number("at", "3", 3).unwrap_err();
        assert!(
            past.contains("there is no event #3") && past.contains("#0 to #2"),
            "{past}"
        );
        assert!(event_number("event", "-1", 3)
            .unwrap_err()
            .contains("not an event number"));
        assert_eq!(
            event_number("at", "0", 0),
            Err("the trace has no events yet".to_string())
        );
    }

    #[test]
    fn a_paste_of_several_lines_runs_each_line_on_its_own() {
        let mut s = Session::new();
        let paste = "profile \"P\"\nmgr->Bogus()\nsink s\n:reset\nsink t\nsink u";
        assert!(handle(&mut s, paste, false) == Flow::Go);
        // The bad line is left out, and every line after it ran, `:reset` included.
        assert_eq!(s.lines, ["sink t", "sink u"]);
        assert!(handle(&mut s, "sink v\n:quit\nsink w", false) == Flow::Quit);
        assert_eq!(s.lines.last().map(String::as_str), Some("sink v"));
    }

    #[test]
    fn asking_about_the_world_does_not_start_it() {
        let mut s = Session::new();
        handle(&mut s, "config phase_spacing 3", false);
        for c in [":state", ":trace", ":check"] {
            handle(&mut s, c, false);
            assert!(!s.runner.started(), "{c} started the world");
        }
        handle(&mut s, "config arch x86", false);
        assert_eq!(s.lines.len(), 2, "both config lines ran: {:?}", s.lines);
    }

    #[test]
    fn a_failed_line_is_not_saved_and_a_good_one_is() {
        let mut s = Session::new();
        statement(&mut s, "profile \"P\"", false);
        statement(&mut s, "mgr->SetCurentState(0, 3, 1, NULL)", false);
        statement(
            &mut s,
            "HrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &mgr)",
            false,
        );
        assert_eq!(s.lines.len(), 2, "{:?}", s.lines);
        assert_eq!(
            s.lines[1],
            "HrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &mgr)"
        );
        assert_eq!(s.bound_names(), ["mgr"]);
    }
}
