//! A run that stops at a statement that cannot run keeps what led there: the trace up to
//! that statement on stdout (valid JSON with `--format json`, the error recorded in it),
//! then the error on stderr, exit status 2.

use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_mapioffline"))
        .args(args)
        .current_dir(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/cmd/run-error.in"
        ))
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn json_of_a_stopped_run_is_the_trace_so_far_with_the_error() {
    let (code, stdout, stderr) = run(&["run", "dup.scn", "--format", "json"]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is one JSON value");
    assert_eq!(v["schema"], 1);
    let events = v["events"].as_array().unwrap();
    assert_eq!(
        events.len(),
        4,
        "profile, HrOpenOfflineObj's call, refcount, return"
    );
    assert_eq!(events[3]["fn"], "HrOpenOfflineObj");
    assert_eq!(
        v["error"],
        serde_json::json!({
            "file": "dup.scn", "line": 3, "column": 1,
            "message": "a profile named \"P\" already exists", "hint": null
        })
    );
    assert!(stderr.contains("dup.scn:3:1"), "{stderr}");
    // It is still a trace: `check` reads it (and says the run stopped).
    let dir = std::env::temp_dir().join(format!("mapioffline-stopped-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let saved = dir.join("dup.json");
    std::fs::write(&saved, &stdout).unwrap();
    let (code, _, stderr) = run(&["check", saved.to_str().unwrap()]);
    assert!(code == 0 || code == 1, "{code}: {stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn several_files_in_json_record_the_error_of_the_one_that_stopped() {
    let (code, stdout, _) = run(&["run", "dup.scn", "idle.scn", "--format", "json"]);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON array");
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["file"], "dup.scn");
    assert_eq!(items[0]["trace"]["error"]["line"], 3);
    assert_eq!(items[1]["trace"]["error"]["line"], 7);
    assert!(items[1]["trace"]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("did not become idle"));
    assert!(!items[1]["trace"]["events"].as_array().unwrap().is_empty());
}

#[test]
fn a_syntax_error_stops_before_anything_runs_and_prints_no_trace() {
    let (code, stdout, stderr) = run(&["run", "bad.scn", "--format", "json"]);
    assert_eq!((code, stdout.as_str()), (2, ""), "{stderr}");
    assert!(stderr.contains("bad.scn:3:24"), "{stderr}");
}

#[test]
fn expectations_that_failed_before_the_stop_are_reported() {
    let (code, stdout, stderr) = run(&["run", "fail-then-stop.scn"]);
    assert_eq!(code, 2);
    assert!(stdout.contains("client object \"s\""), "{stdout}");
    let failed = stderr
        .find("failed: fail-then-stop.scn:3: ")
        .expect(&stderr);
    let error = stderr
        .find("a profile named \"P\" already exists")
        .expect(&stderr);
    assert!(failed < error, "{stderr}");
}
