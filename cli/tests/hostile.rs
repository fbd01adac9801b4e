//! Hostile input: whatever arrives on a line, `run` and the REPL answer with a bounded,
//! positioned error and exit status 2, never a crash or an echo of the input.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn mapioffline(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mapioffline"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mapioffline starts");
    let mut input = child.stdin.take().unwrap();
    let text = stdin.to_string();
    // A writer thread: the child may answer before it has read everything.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(text.as_bytes());
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// `m->Advise(0, &{ulClientToken = &{… 1}}, &t)` nested `levels` deep (~170 KB at 9,000).
fn deep_advise(levels: usize) -> String {
    format!(
        "profile \"P\"\nHrOpenOfflineObj(0, L\"P\", &GUID_GlobalState, NULL, &m)\nm->Advise(0, {}1{}, &t)\n",
        "&{ulClientToken = ".repeat(levels),
        "}".repeat(levels)
    )
}

#[test]
fn deep_nesting_is_a_positioned_error_not_a_crash() {
    for levels in [9_000, 100_000] {
        let out = mapioffline(&["run", "-"], &deep_advise(levels));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{levels}: {stderr}");
        // The 17th `&{` level, after `m->Advise(0, ` and 16 levels of 18 characters.
        assert!(stderr.contains("<stdin>:3:302"), "{stderr}");
        assert!(
            stderr.contains("expected a value nested at most 32 deep"),
            "{stderr}"
        );
        assert!(stderr.len() < 4_000, "{} bytes on stderr", stderr.len());
    }
}

#[test]
fn deep_nesting_in_the_repl_is_reported_and_the_session_goes_on() {
    let input = format!("{}:state\n", deep_advise(9_000));
    let out = mapioffline(&["repl"], &input);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("repl:3:302") && stderr.contains("nested at most 32 deep"),
        "{stderr}"
    );
    assert!(stderr.len() < 4_000, "{} bytes on stderr", stderr.len());
    // The line after it still ran: the world holds the open manager.
    assert!(stdout.contains("names: m = 0x00A00000"), "{stdout}");
}

#[test]
fn a_huge_bad_token_is_named_not_echoed() {
    let line = "x".repeat(1_000_000);
    let out = mapioffline(&["run", "-"], &format!("{line}\n"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.len() < 4_000, "{} bytes on stderr", stderr.len());
    assert!(stderr.contains("(1000000 characters)"), "{stderr}");
    assert!(stderr.contains("<stdin>:1:1"), "{stderr}");
    // A long line of valid tokens with a mistake far along it: the snippet shows the mistake.
    let mut line = "HrOpenOfflineObj(".to_string();
    line.push_str(&"0, ".repeat(200_000));
    line.push_str("0 oops)\n");
    let out = mapioffline(&["run", "-"], &line);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr.len() < 4_000, "{} bytes on stderr", stderr.len());
    assert!(
        stderr.contains("<stdin>:1:600020") && stderr.contains("0 oops)"),
        "{stderr}"
    );
    // A huge term for explain, and a huge unknown lesson name.
    for args in [["explain", &line[..100_000]], ["lesson", &line[..100_000]]] {
        let out = mapioffline(&args, "");
        assert_eq!(out.status.code(), Some(2));
        assert!(
            out.stderr.len() < 4_000,
            "{}: {} bytes",
            args[0],
            out.stderr.len()
        );
    }
}
