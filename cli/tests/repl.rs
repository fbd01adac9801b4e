//! The REPL driven through standard input: a session with mistakes in it, `:save`, and
//! the saved file replaying through `mapioffline run` to the same trace.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

fn exe() -> &'static str {
    env!("CARGO_BIN_EXE_mapioffline")
}

/// Runs the REPL on `input`; returns (stdout, stderr).
fn repl(input: &str) -> (String, String) {
    let mut child = Command::new(exe())
        .arg("repl")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the REPL starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The lines the REPL printed in answer to `command` (up to the next prompt).
fn answer_to(stdout: &str, command: &str) -> String {
    let mut lines = stdout.lines();
    let prompt = format!("mapioffline> {command}");
    lines
        .by_ref()
        .find(|l| *l == prompt)
        .expect("command echoed");
    let mut s = String::new();
    for l in lines.take_while(|l| !l.starts_with("mapioffline> ")) {
        s.push_str(l);
        s.push('\n');
    }
    s
}

fn run_file(path: &Path) -> (i32, String) {
    let out = Command::new(exe())
        .arg("run")
        .arg(path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
    )
}

#[test]
fn a_saved_session_replays_to_the_same_trace() {
    let dir = std::env::temp_dir().join(format!("mapioffline-repl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let saved = dir.join("session.scn");
    let session = format!(
        "\
config phase_spacing 2
profile \"Outlook\"
HrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)
sink s when DONE once: mgr->SetCurrentState(MAPIOFFLINE_FLAG_BLOCK, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_ONLINE, NULL)
mgr->GetCapabilities(&caps)
mgr->Advise(0, &{{pCallback = s}}, &t)
mgr->Advise(0, &{{pCallback = nobody}}, &t2)
mgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)
mgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, 7, NULL)
expect E_INVALIDARG
advance 3
network down
run
mgr->Bogus()
expect state mgr OFFLINE
mgr->Unadvise(0, t)
:save {}
:trace
",
        saved.display()
    );
    let (stdout, stderr) = repl(&session);
    // The two bad lines were reported and left out of the file.
    assert!(
        stderr.contains("`nobody` is neither a constant"),
        "{stderr}"
    );
    assert!(stderr.contains("found `Bogus`"), "{stderr}");
    assert!(!stderr.contains("failed:"), "{stderr}");
    let file = std::fs::read_to_string(&saved).unwrap();
    assert!(
        !file.contains("nobody") && !file.contains("Bogus"),
        "{file}"
    );
    assert_eq!(file.lines().filter(|l| !l.starts_with('#')).count(), 14);

    let shown = answer_to(&stdout, ":trace");
    assert!(
        shown.contains("Notify"),
        "the session delivered notifications: {shown}"
    );
    let (code, replayed) = run_file(&saved);
    assert_eq!(code, 0, "every expectation of the session holds on replay");
    assert_eq!(replayed, shown);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn reset_starts_an_empty_world_and_save_writes_only_what_follows() {
    let dir = std::env::temp_dir().join(format!("mapioffline-reset-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let saved = dir.join("after-reset.scn");
    let (stdout, _) = repl(&format!(
        "profile \"A\"\n:reset\nprofile \"B\"\n:state\n:save {}\n",
        saved.display()
    ));
    let state = answer_to(&stdout, ":state");
    assert!(
        state.contains("profile \"B\"") && !state.contains("profile \"A\""),
        "{state}"
    );
    let file = std::fs::read_to_string(&saved).unwrap();
    assert!(
        file.contains("profile \"B\"") && !file.contains("profile \"A\""),
        "{file}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn commands_before_the_first_statement_leave_config_open() {
    let (stdout, stderr) = repl(
        "config phase_spacing 2\n:state\n:trace\n:check\nconfig arch x86\nprofile \"P\"\n:state\n",
    );
    assert!(!stderr.contains("after the world has started"), "{stderr}");
    assert!(
        answer_to(&stdout, ":check").starts_with("nothing has run yet"),
        "{stdout}"
    );
    assert!(stdout.contains("profile \"P\": server up"), "{stdout}");
}

#[test]
fn save_says_what_it_wrote_and_never_overwrites_silently() {
    let dir = std::env::temp_dir().join(format!("mapioffline-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("s.scn");
    let (stdout, _) = repl(&format!(":save {}\n", f.display()));
    assert!(
        stdout.contains("nothing to save: no statement has run yet"),
        "{stdout}"
    );
    assert!(!f.exists());
    let (stdout, _) = repl(&format!("profile \"P\"\n:save {}\n", f.display()));
    assert!(
        stdout.contains(&format!("saved 1 line to {}", f.display())),
        "{stdout}"
    );
    // The file's line 1 is the session's line 1; the header comment comes last.
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(text.starts_with("profile \"P\"\n# "), "{text}");
    let out = Command::new(exe())
        .arg("repl")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = out;
    out.stdin
        .take()
        .unwrap()
        .write_all(format!("sink s\n:save {0}\n:save! {0}\n", f.display()).as_bytes())
        .unwrap();
    let out = out.wait_with_output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stderr.contains("exists; `:save! "), "{stderr}");
    assert!(stdout.contains("saved 1 line to"), "{stdout}");
    assert_eq!(out.status.code(), Some(2), "the refused :save counts");
    assert!(std::fs::read_to_string(&f).unwrap().starts_with("sink s\n"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_piped_session_exits_as_run_would() {
    let status = |input: &str| {
        let mut child = Command::new(exe())
            .arg("repl")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait().unwrap().code()
    };
    assert_eq!(status("profile \"P\"\n"), Some(0));
    assert_eq!(
        status("profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nexpect S_OK\n"),
        Some(0)
    );
    assert_eq!(
        status("sink s\nexpect refcount s 7\n"),
        Some(1),
        "a failed expect"
    );
    assert_eq!(
        status("profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\n:check\n"),
        Some(1),
        "a finding"
    );
    assert_eq!(status("mgr->Bogus()\nsink s\n"), Some(2), "a parse error");
    assert_eq!(
        status("sink s\nexpect refcount s 7\nprofile \"P\"\nprofile \"P\"\n"),
        Some(2),
        "an error outranks a failure"
    );
    assert_eq!(status(":explain NOTHING_AT_ALL\n"), Some(2));
}

#[test]
fn at_shows_the_event_the_world_then_and_the_findings_so_far() {
    let session = "\
profile \"Outlook\"
sink logger
HrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr)
mgr->Advise(0, &{ulClientToken = 7, pCallback = logger}, &token)
mgr->SetCurrentState(MAPIOFFLINE_FLAG_DEFAULT, MAPIOFFLINE_STATE_OFFLINE_MASK, MAPIOFFLINE_STATE_OFFLINE, NULL)
advance 1
:at 2
:at 14
:event 17
:at 18
:at x
:event
";
    let (stdout, stderr) = repl(session);
    // Before the Advise: the call to HrOpenOfflineObj decoded, no registration, no finding.
    let early = answer_to(&stdout, ":at 2");
    assert!(early.starts_with("event #2 (call) at t=0"), "{early}");
    assert!(early.contains("pwszProfileNameIn  \"Outlook\""), "{early}");
    assert!(!early.contains("advise token"), "{early}");
    assert!(early.contains("findings so far: none"), "{early}");
    // After the asynchronous request returned: registered, the change in progress, R1 seen.
    let later = answer_to(&stdout, ":at 14");
    assert!(later.contains("hr    0x00000000  (S_OK)"), "{later}");
    assert!(
        later.contains("advise token 1 -> logger (ulClientToken 7)"),
        "{later}"
    );
    assert!(
        later.contains("no phase yet, next phase due at t=1"),
        "{later}"
    );
    assert!(later.contains("R1 (GEN-3) at event #5"), "{later}");
    // The START notification, with the registration it went to.
    let notify = answer_to(&stdout, ":event 17");
    assert!(notify.contains("NotifyType"), "{notify}");
    assert!(
        notify.contains("delivered: MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START to sink \"logger\" through advise token 1"),
        "{notify}"
    );
    assert!(!notify.contains("the world just after"), "{notify}");
    // Bad numbers: clear messages, and the session goes on.
    assert!(
        stderr.contains("there is no event #18: the trace has 18 events, #0 to #17"),
        "{stderr}"
    );
    assert!(stderr.contains("`x` is not an event number"), "{stderr}");
    assert!(stderr.contains(":event needs an event number"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn at_before_the_world_starts_says_so() {
    let (stdout, _) = repl(":at 0\n");
    assert!(
        answer_to(&stdout, ":at 0").starts_with("nothing has run yet"),
        "{stdout}"
    );
}
