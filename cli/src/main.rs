//! `mapioffline`: the terminal front-end of the Offline State API simulator. It parses
//! arguments, calls the `mapioffline` core and prints; every rule of the contract is
//! decided in core.

mod build;
mod challenges;
mod commands;
mod guide;
mod output;
mod repl;
mod run;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit statuses shared by every command.
pub mod status {
    /// Every expectation held and (when asked) the checker found nothing.
    pub const OK: u8 = 0;
    /// An expectation failed or the checker reported a finding.
    pub const FAILED: u8 = 1;
    /// Input could not be read or parsed, or the arguments were wrong.
    pub const BAD_INPUT: u8 = 2;
}

const AFTER_HELP: &str = "\
Examples:
  mapioffline demo                          the sample add-in, call by call
  mapioffline run scenario.scn              run a scenario, print its trace
  mapioffline run a.scn b.scn --check       run several, also check the client rules
  mapioffline run x.scn --format json > t.json && mapioffline check t.json
  mapioffline explain 0x8000000A            what E_PENDING means and who returns it
  mapioffline explain SET-4                 a clause, with both readings
  mapioffline lesson blocking-change --step
  mapioffline challenge forgotten-unadvise --check fix.scn
  mapioffline repl

Exit status: 0 when every expectation holds (and --check finds nothing), 1 when an
expectation fails or a finding is reported, 2 when input cannot be read or parsed.
NO_COLOR=1 turns colour off.";

#[derive(Parser)]
#[command(
    name = "mapioffline",
    version,
    about = "Simulator of Outlook's MAPI Offline State API: run scenarios, check client traces, explain constants and clauses",
    after_help = AFTER_HELP,
    arg_required_else_help = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run scenario files and print their traces.
    #[command(after_help = "\
Examples:
  mapioffline run tests/scenarios/notify.scn
  mapioffline run *.scn --check
  mapioffline run lesson.scn --format mermaid > lesson.mmd
  echo 'profile \"P\"' | mapioffline run -

The trace goes to stdout; failed expectations, checker findings and errors go to
stderr. Exit status: 0 all expectations hold, 1 an expectation failed or (with --check)
a finding was reported, 2 a file could not be read or parsed.")]
    Run {
        /// Scenario files; `-` reads standard input (once).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<String>,
        /// How to print each trace.
        #[arg(long, short, value_enum, default_value_t = TraceFormat::Text)]
        format: TraceFormat,
        /// Also run the client-contract checker (rules R1–R7) on each trace.
        #[arg(long)]
        check: bool,
        /// Which reading of SET-4 applies; overrides the scripts' `config set4` lines.
        #[arg(long = "set-4", value_enum, value_name = "READING")]
        set4: Option<Set4Arg>,
        /// Print nothing on stdout (only failures and errors on stderr).
        #[arg(long, short)]
        quiet: bool,
    },
    /// An interactive session on one world, in the scenario language.
    #[command(after_help = "\
Type statements of the scenario language, one per line; each prints the events it caused.
Commands:
  :help (:h, :?)    the language and these commands
  :trace            the whole trace so far
  :state            the world now: objects, states, references, registrations, names
  :at N             as of event #N: the event decoded, the world, the findings so far
  :event N          event #N decoded: fields, meanings, the clauses it shows
  :save FILE        write the session as a scenario file (:save! FILE replaces one)
  :reset            start again with an empty world
  :check            the client-contract checker (R1–R7) on the trace so far
  :explain TERM     a constant, value, HRESULT, clause, rule, GUID, structure or API name
  :quit (:q, :exit) leave (Ctrl-D does too)
Tab completes statements, methods, constants and the names you have bound. History is
kept in $XDG_STATE_HOME/mapioffline/history (or ~/.local/state/...); MAPIOFFLINE_HISTORY
overrides the path. With standard input from a file or pipe each line is echoed after the
prompt. Exit status: the worst of the session's lines, as for `run` (0, 1, or 2).")]
    Repl,
    /// Run the client-contract checker (R1–R7) on a JSON trace.
    #[command(after_help = "\
Examples:
  mapioffline run client.scn --format json > trace.json
  mapioffline check trace.json

Reads a trace written by `run --format json` (one trace, or the array written for
several files); `-` reads standard input. Exit status: 0 no findings, 1 findings,
2 the file cannot be read or is not a trace.")]
    Check {
        /// The JSON trace; `-` reads standard input.
        #[arg(value_name = "TRACE.json")]
        trace: String,
        /// Print the findings as JSON on stdout (a list of {file, findings}).
        #[arg(long)]
        json: bool,
    },
    /// Explain a constant, a value, an HRESULT, a clause ID, a rule, a GUID, a structure, a
    /// function, an interface or a method.
    #[command(after_help = "\
Examples:
  mapioffline explain MAPIOFFLINE_STATE_ALL
  mapioffline explain 0x003F037F
  mapioffline explain E_PENDING
  mapioffline explain SET-4
  mapioffline explain R3
  mapioffline explain MAPIOFFLINE_ADVISEINFO
  mapioffline explain SetCurrentState          signature, vtable slot, results, clauses
  mapioffline explain IMAPIOfflineMgr")]
    Explain {
        /// What to explain.
        term: String,
        /// Print the explanation as JSON: {term, kind, title, body: [{heading, lines}]}.
        #[arg(long)]
        json: bool,
    },
    /// The contract's clause registry with the scenarios and lessons that cover each clause.
    Spec {
        /// How to print the clauses: text for a terminal, JSON as data, Markdown for a
        /// document.
        #[arg(long, short, value_enum, default_value_t = SpecFormat::Text)]
        format: SpecFormat,
    },
    /// List the built-in lessons.
    Lessons,
    /// Run one built-in lesson with its explanation.
    #[command(after_help = "\
Examples:
  mapioffline lesson sample-add-in
  mapioffline lesson unadvise-inside-notify --step  (press Enter before each statement)

With --step, Enter runs the next statement, `q` and Enter stops the lesson, and the end
of input runs the rest.")]
    Lesson {
        /// The lesson's name (see `mapioffline lessons`).
        name: String,
        /// Pause before each statement until Enter is pressed (`q` stops).
        #[arg(long)]
        step: bool,
    },
    /// Run the sample add-in (Init Monitor, a state change, Deinit Monitor) and print its trace.
    Demo,
    /// The call builder: list the forms, one form's arguments and their choices, or write
    /// the statement a filled form stands for.
    #[command(after_help = "\
Examples:
  mapioffline build                                  every call and world action
  mapioffline build Advise --after client.scn        its arguments, with the names client.scn binds
  mapioffline build Advise this=mgr ulFlags=0 pCallback=NULL pulAdviseToken=&t

Arguments left out of a structure get their correct value; a required one left out, or
a name the form does not have, is an error.")]
    Build {
        /// The form: a function, a method, `vtbl`, or a world statement's word.
        form: Option<String>,
        /// Argument values, NAME=VALUE.
        #[arg(value_name = "NAME=VALUE")]
        values: Vec<String>,
        /// Offer the names this script binds (objects, sinks, tokens, profiles).
        #[arg(long, value_name = "FILE")]
        after: Option<String>,
    },
    /// Write the guide (the pages of `docs/`, generated from the lessons and the registry)
    /// into a directory.
    #[command(after_help = "\
Examples:
  mapioffline guide --out docs
  mapioffline guide --out /tmp/guide --playground ../

`cargo xtask docs` runs the first; a test fails when docs/ differs from what it writes.")]
    Guide {
        /// The directory to write the pages into (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The playground's address the "open in the playground" links start with: a URL,
        /// or a path relative to the guide's root directory.
        #[arg(long, value_name = "URL", default_value = mapioffline::guide::DEFAULT_PLAYGROUND)]
        playground: String,
    },
    /// List the built-in challenges: broken clients to fix.
    Challenges,
    /// Show a challenge (its story, goal and broken client), a hint or a solution, or
    /// check a fixed script against its goal.
    #[command(after_help = "\
Examples:
  mapioffline challenge forgotten-unadvise                 story, goal, the broken client
  mapioffline challenge forgotten-unadvise --broken > fix.scn   the script alone, to edit
  mapioffline challenge forgotten-unadvise --check fix.scn
  mapioffline challenge forgotten-unadvise --hint 2
  mapioffline challenge forgotten-unadvise --solution

With --check, each requirement of the goal is printed as met or not met. Exit status:
0 the goal is met, 1 it is not, 2 the file cannot be read or the script cannot run.")]
    Challenge {
        /// The challenge's name (see `mapioffline challenges`).
        name: String,
        /// Run this scenario file (`-`: standard input) and judge it against the goal.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["hint", "solution", "broken"])]
        check: Option<String>,
        /// Print a hint: the first, or hint number N.
        #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "1", conflicts_with_all = ["solution", "broken"])]
        hint: Option<usize>,
        /// Print a solution (a script that meets the goal).
        #[arg(long, conflicts_with = "broken")]
        solution: bool,
        /// Print only the broken client's script, to save and edit.
        #[arg(long)]
        broken: bool,
    },
}

/// `--format` of `run`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TraceFormat {
    Text,
    Json,
    Markdown,
    Mermaid,
    Cpp,
}

/// `--format` of `spec`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SpecFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Set4Arg {
    /// SET-3 holds: every SetCurrentState during a change returns E_PENDING.
    Documented,
    /// Only a blocking change makes callers see E_PENDING; requests made during an
    /// asynchronous change are applied after it.
    Literal,
}

impl From<Set4Arg> for mapioffline::Set4Reading {
    fn from(a: Set4Arg) -> Self {
        match a {
            Set4Arg::Documented => mapioffline::Set4Reading::Documented,
            Set4Arg::Literal => mapioffline::Set4Reading::Literal,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Run {
            files,
            format,
            check,
            set4,
            quiet,
        } => run::run(&run::Options {
            files,
            format,
            check,
            set4: set4.map(Into::into),
            quiet,
        }),
        Command::Repl => repl::repl(),
        Command::Check { trace, json } => commands::check(&trace, json),
        Command::Explain { term, json } => commands::explain(&term, json),
        Command::Spec { format } => commands::spec(format),
        Command::Lessons => commands::lessons(),
        Command::Lesson { name, step } => commands::lesson(&name, step),
        Command::Demo => commands::demo(),
        Command::Build {
            form,
            values,
            after,
        } => build::build(form.as_deref(), &values, after.as_deref()),
        Command::Guide { out, playground } => guide::guide(&out, &playground),
        Command::Challenges => challenges::list(),
        Command::Challenge {
            name,
            check,
            hint,
            solution,
            broken,
        } => {
            let show = match (check, hint) {
                (Some(file), _) => challenges::Show::Check(file),
                (None, Some(n)) => challenges::Show::Hint(n),
                (None, None) if solution => challenges::Show::Solution,
                (None, None) if broken => challenges::Show::Broken,
                (None, None) => challenges::Show::Challenge,
            };
            challenges::challenge(&name, show)
        }
    };
    ExitCode::from(code)
}

/// A path argument that may be `-` for standard input.
pub fn read_input(name: &str) -> Result<String, String> {
    use std::io::Read as _;
    if name == "-" {
        let mut s = String::new();
        std::io::stdin()
            .read_to_string(&mut s)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        Ok(s)
    } else {
        std::fs::read_to_string(PathBuf::from(name)).map_err(|e| format!("cannot read {name}: {e}"))
    }
}
