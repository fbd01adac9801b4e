//! C and C++ clients compiled with gcc/g++ against `include/mapioffline.h` and
//! `libmapioffline.so`, run, and their output asserted line by line. Every client is also
//! built with `-fsanitize=address,undefined` and must run clean under it.

use mapioffline_core::checker;
use mapioffline_core::Trace;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where cargo put the `libmapioffline.so` and `.a` built for this test binary: beside it,
/// in `target/<profile>/deps/` (`cargo test` builds them there and copies them to
/// `target/<profile>/` only on `cargo build`, so that copy may be stale).
fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    let dir = exe.parent().expect("target/<profile>/deps");
    assert!(
        dir.join("libmapioffline.so").exists(),
        "libmapioffline.so is not in {}",
        dir.display()
    );
    dir.to_path_buf()
}

fn out_dir() -> PathBuf {
    let d = lib_dir().join("ffi-clients");
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[derive(Clone, Copy, PartialEq)]
enum Build {
    Plain,
    Sanitized,
}

/// Compiles `tests/c/<file>` (C11 or C++11 by extension) with warnings as errors.
fn compile(file: &str, build: Build, extra: &[&str]) -> PathBuf {
    let src = manifest_dir().join("tests/c").join(file);
    let cxx = file.ends_with(".cpp");
    let stem = file.rsplit_once('.').unwrap().0;
    let exe = out_dir().join(match build {
        Build::Plain => stem.to_string(),
        Build::Sanitized => format!("{stem}-san"),
    });
    let lib = lib_dir();
    let mut cmd = Command::new(if cxx { "g++" } else { "gcc" });
    cmd.arg(if cxx { "-std=c++11" } else { "-std=c11" })
        .args(["-Wall", "-Wextra", "-Werror", "-g"])
        .arg("-I")
        .arg(manifest_dir().join("include"))
        .arg(&src)
        .args(extra);
    if build == Build::Sanitized {
        cmd.args([
            "-fsanitize=address,undefined",
            "-fno-sanitize-recover=all",
            "-fno-omit-frame-pointer",
        ]);
        if cxx {
            // UBSan's vptr check reads Itanium RTTI before an object's vtable; the
            // library's objects are not C++ objects and have none (nor have those of
            // msmapi32.dll). Everything else of -fsanitize=undefined stays on.
            cmd.arg("-fno-sanitize=vptr");
        }
    }
    cmd.arg("-L")
        .arg(&lib)
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .arg("-lmapioffline")
        .arg("-o")
        .arg(&exe);
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run the C compiler ({e}): install gcc and g++"));
    assert!(
        out.status.success(),
        "{file} did not compile:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

struct Run {
    stdout: String,
    stderr: String,
}

fn run(exe: &Path, env: &[(&str, &Path)], expect_status: i32) -> Run {
    let mut cmd = Command::new(exe);
    // cargo's LD_LIBRARY_PATH for tests names target/<profile>, whose copy of the library
    // may be stale, and outranks the executable's run path: name the fresh one.
    cmd.env("LD_LIBRARY_PATH", lib_dir())
        .env_remove("MAPIOFFLINE_WORLD")
        .env_remove("MAPIOFFLINE_TRACE")
        .env(
            "ASAN_OPTIONS",
            "detect_leaks=1:abort_on_error=0:exitcode=86:fast_unwind_on_malloc=0",
        )
        .env(
            "UBSAN_OPTIONS",
            "print_stacktrace=1:halt_on_error=1:exitcode=87",
        );
    for (k, v) in env {
        cmd.env(k, v);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("the client runs");
    let r = Run {
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    };
    assert_eq!(
        status.code(),
        Some(expect_status),
        "{} exited with {status}\nstdout:\n{}\nstderr:\n{}",
        exe.display(),
        r.stdout,
        r.stderr
    );
    assert!(
        !r.stderr.contains("Sanitizer") && !r.stderr.contains("runtime error"),
        "{} is not clean under the sanitizers:\n{}",
        exe.display(),
        r.stderr
    );
    r
}

fn assert_lines(file: &str, got: &str, want: &[&str]) {
    let got: Vec<&str> = got.lines().collect();
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(
            g,
            w,
            "{file}: line {} differs\nwhole output:\n{}",
            i + 1,
            got.join("\n")
        );
    }
    assert_eq!(
        got.len(),
        want.len(),
        "{file}: {} lines, expected {}\nwhole output:\n{}",
        got.len(),
        want.len(),
        got.join("\n")
    );
}

/// Builds `file` plain and sanitized, runs both with `env`, asserts stdout line by line;
/// returns the plain run (and its trace, when `trace` is asked for).
fn client(file: &str, env: &[(&str, &Path)], want: &[&str]) -> Run {
    client_with(file, &[], env, 0, want)
}

fn client_with(
    file: &str,
    extra: &[&str],
    env: &[(&str, &Path)],
    status: i32,
    want: &[&str],
) -> Run {
    let mut first = None;
    for build in [Build::Plain, Build::Sanitized] {
        let exe = compile(file, build, extra);
        let r = run(&exe, env, status);
        assert_lines(file, &r.stdout, want);
        first.get_or_insert(r);
    }
    first.unwrap()
}

fn temp(name: &str) -> PathBuf {
    out_dir().join(name)
}

/// Runs `file` with `MAPIOFFLINE_TRACE` and returns the trace it wrote.
fn traced(file: &str, extra_env: &[(&str, &Path)], want: &[&str]) -> (Run, Trace) {
    let stem = file.rsplit_once('.').unwrap().0;
    let path = temp(&format!("{stem}.trace.json"));
    let _ = std::fs::remove_file(&path);
    let mut env = vec![("MAPIOFFLINE_TRACE", path.as_path())];
    env.extend_from_slice(extra_env);
    let r = client(file, &env, want);
    let text = std::fs::read_to_string(&path).expect("the trace was written");
    let trace: Trace = serde_json::from_str(&text).expect("the trace is valid JSON of the schema");
    (r, trace)
}

fn rules(trace: &Trace) -> Vec<String> {
    checker::check(trace)
        .iter()
        .map(|f| f.rule.to_string())
        .collect()
}

#[test]
fn header_compiles_as_c99_c11_and_cxx11_with_warnings_as_errors() {
    let header_only = manifest_dir().join("tests/c/header_only.c");
    let own_types = manifest_dir().join("tests/c/own_com_types.c");
    for (compiler, std, extra, src) in [
        ("gcc", "-std=c99", vec!["-pedantic"], &header_only),
        ("gcc", "-std=c11", vec!["-pedantic"], &header_only),
        (
            "gcc",
            "-std=c99",
            vec!["-DMAPIOFFLINE_STATIC_GUIDS"],
            &header_only,
        ),
        ("g++", "-std=c++11", vec!["-x", "c++"], &header_only),
        (
            "g++",
            "-std=c++11",
            vec!["-x", "c++", "-DCINTERFACE"],
            &header_only,
        ),
        // A project with its own COM types.
        ("gcc", "-std=c99", vec![], &own_types),
        ("g++", "-std=c++11", vec!["-x", "c++"], &own_types),
        // Windows code built as under Wine: wchar_t is 16-bit and is WCHAR.
        ("gcc", "-std=c11", vec!["-fshort-wchar"], &header_only),
        (
            "g++",
            "-std=c++11",
            vec!["-x", "c++", "-fshort-wchar"],
            &header_only,
        ),
    ] {
        let out = Command::new(compiler)
            .arg(std)
            .args(["-Wall", "-Wextra", "-Werror", "-fsyntax-only"])
            .args(&extra)
            .arg("-I")
            .arg(manifest_dir().join("include"))
            .arg(src)
            .output()
            .expect("the compiler runs");
        assert!(
            out.status.success(),
            "{compiler} {std} {extra:?} rejected {}:\n{}",
            src.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_readme_client_is_this_test_and_runs() {
    let readme = std::fs::read_to_string(manifest_dir().join("../README.md")).unwrap();
    let src = std::fs::read_to_string(manifest_dir().join("tests/c/hello.c")).unwrap();
    assert!(
        readme.contains(&format!("```c\n{src}```")),
        "README's client differs from ffi/tests/c/hello.c: keep them identical"
    );
    client("hello.c", &[], &["GetCurrentState: 0x00000000, online"]);
    // The static library, with the system libraries the README's line names.
    let exe = out_dir().join("hello-static");
    let out = Command::new("gcc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-I"])
        .arg(manifest_dir().join("include"))
        .arg(manifest_dir().join("tests/c/hello.c"))
        .arg(lib_dir().join("libmapioffline.a"))
        .args(["-lpthread", "-ldl", "-lm", "-o"])
        .arg(&exe)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_lines(
        "hello.c (static)",
        &run(&exe, &[], 0).stdout,
        &["GetCurrentState: 0x00000000, online"],
    );
}

#[test]
fn sample_add_in_init_and_deinit_monitor() {
    let (r, trace) = traced(
        "monitor.c",
        &[],
        &[
            "Init Monitor: HrOpenOfflineObj = S_OK",
            "Init Monitor: QueryInterface(IID_IMAPIOffline) = S_OK",
            "Init Monitor: GetCapabilities = S_OK, caps 0x3",
            "Init Monitor: Advise = S_OK, token 1, sink references 2",
            "GetCurrentState = S_OK, ONLINE",
            "monitor: Notify START token=0 ONLINE->OFFLINE",
            "monitor: Notify STATECHANGE token=0 ONLINE->OFFLINE",
            "monitor: Notify DONE token=0 ONLINE->OFFLINE",
            "SetCurrentState(BLOCK, OFFLINE) = S_OK",
            "GetCurrentState = S_OK, OFFLINE",
            "SetCurrentState(DEFAULT, ONLINE) = S_OK",
            "monitor: Notify START token=0 OFFLINE->ONLINE",
            "monitor: Notify STATECHANGE token=0 OFFLINE->ONLINE",
            "monitor: Notify DONE token=0 OFFLINE->ONLINE",
            "RunUntilIdle = S_OK",
            "GetCurrentState = S_OK, ONLINE",
            "Deinit Monitor: Unadvise = S_OK, sink references 1",
            "Deinit Monitor: Release = 0",
            "Shutdown = S_OK",
        ],
    );
    assert_eq!(
        rules(&trace),
        Vec::<String>::new(),
        "a clean client: {}",
        r.stderr
    );
    assert_eq!(trace.notifications().count(), 6);
    assert!(
        r.stderr
            .contains("0 registration(s) not removed, 0 object(s) with references not released"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_leaking_provider_is_reported_at_exit_and_the_checker_finds_r3_and_r4() {
    let (r, trace) = traced(
        "leaky_provider.c",
        &[],
        &[
            "HrOpenOfflineObj = S_OK",
            "Advise = S_OK, token 1",
            "AddRef = 2",
            "Release = 1",
        ],
    );
    assert!(
        r.stderr
            .contains("1 registration(s) not removed, 1 object(s) with references not released"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("advise token 1 on 0x00A00000"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("1 reference(s) on 0x00A00000"),
        "{}",
        r.stderr
    );
    let mut found = rules(&trace);
    found.sort();
    assert_eq!(found, ["R3", "R4"]);
}

#[test]
fn an_unmasked_comparison_fails_with_extra_state_bits_from_the_world_file() {
    let world = manifest_dir().join("tests/c/extra_bits.scn");
    client(
        "unmasked.c",
        &[("MAPIOFFLINE_WORLD", &world)],
        &[
            "HrOpenOfflineObj(Work) = S_OK",
            "GetCurrentState = S_OK, value 0x102",
            "unmasked: not online (wrong)",
            "masked: online",
            "SetExtraStateBits = S_OK",
            "GetCurrentState value 0x42",
        ],
    );
}

#[test]
fn a_world_file_with_client_statements_is_refused_and_the_default_world_used() {
    let world = manifest_dir().join("tests/c/not_a_world.scn");
    let r = client(
        "hello.c",
        &[("MAPIOFFLINE_WORLD", &world)],
        &["GetCurrentState: 0x00000000, online"],
    );
    assert!(
        r.stderr
            .contains("not_a_world.scn:2: `a call` is not a world statement"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("using the default world instead"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_client_ignoring_e_pending_is_caught_by_r5() {
    let (_, trace) = traced(
        "ignore_pending.c",
        &[],
        &[
            "SetCurrentState(OFFLINE) = S_OK",
            "SetCurrentState(ONLINE) = E_PENDING",
            "client believes: online",
            "Outlook says: OFFLINE",
        ],
    );
    assert!(
        rules(&trace).contains(&"R5".to_string()),
        "{:?}",
        rules(&trace)
    );
}

#[test]
fn get_current_state_through_vtable_slot_5_and_placeholders() {
    let (_, trace) = traced(
        "slot5.c",
        &[],
        &[
            "vtable offset 0x28: S_OK, ONLINE",
            "slot 5 is GetCurrentState: yes",
            "slot 6 (placeholder) = E_NOTIMPL",
            "slot 15 (placeholder) = E_NOTIMPL",
            "after shutdown: E_INVALIDARG",
        ],
    );
    assert_eq!(rules(&trace), ["R7", "R7"]);
    // The call after MAPIOfflineSim_Shutdown is in the file too (written again at exit).
    assert!(matches!(
        trace
            .events
            .iter()
            .rev()
            .find(|e| matches!(e.kind, mapioffline_core::EventKind::Call { .. }))
            .map(|e| &e.kind),
        Some(mapioffline_core::EventKind::Call {
            call: mapioffline_core::Call::GetCurrentState { .. },
            ..
        })
    ));
}

#[test]
fn a_sink_refusing_query_interface_gets_e_nointerface() {
    let (_, trace) = traced(
        "refuse_qi.c",
        &[],
        &[
            "Advise = E_NOINTERFACE, sink references 1",
            "SetCurrentState = S_OK (no notification for a refused sink)",
        ],
    );
    assert_eq!(trace.notifications().count(), 0);
    assert!(
        trace.diagnostics().any(|d| d.code == "advise.no_notify"),
        "the trace says why Advise failed"
    );
    assert_eq!(rules(&trace), ["R2"]);
}

#[test]
fn bad_input_gets_hresults_and_diagnostics_never_a_crash() {
    let r = client_with(
        "bad_input.c",
        &["-pthread"],
        &[],
        0,
        &[
            "open NULL profile = MAPI_E_NOT_FOUND",
            "open unknown profile = MAPI_E_NOT_FOUND",
            "open wrong GUID = MAPI_E_NOT_FOUND",
            "open with garbage pReserved = MAPI_E_NOT_FOUND",
            "open NULL out = MAPI_E_NOT_FOUND",
            "open = S_OK",
            "GetCurrentState(NULL) = E_INVALIDARG",
            "SetCurrentState(garbage state) = E_INVALIDARG",
            "SetCurrentState(garbage flags) = E_INVALIDARG",
            "Advise(NULL info) = E_INVALIDARG",
            "Advise(ulSize 24) = E_INVALIDARG",
            "Advise(CallbackType 7) = E_INVALIDARG",
            "Advise(NULL pCallback) = E_NOINTERFACE",
            "sink references 1",
            "GetCurrentState on a foreign pointer = E_INVALIDARG",
            "GetCurrentState on NULL = E_INVALIDARG",
            "QueryInterface(NULL riid) = E_INVALIDARG",
            "panic inside the library = E_UNEXPECTED",
            "after the panic, GetCurrentState = S_OK",
            "from another thread = RPC_E_WRONG_THREAD",
            "Release = 0",
            "GetCurrentState after the last Release = S_OK",
            "Release below zero = 0",
            "Shutdown = S_OK",
            "Shutdown again = E_FAIL",
            "GetCurrentState after shutdown = E_INVALIDARG",
            "GetCurrentState after reset = E_INVALIDARG",
        ],
    );
    for needle in [
        "is not an object of this world",
        "deliberate panic for the test suite; the call returns E_UNEXPECTED",
        "called from a thread that does not own the simulator",
        "MAPIOfflineSim_Shutdown: Outlook has shut down",
    ] {
        assert!(
            r.stderr.contains(needle),
            "stderr lacks {needle:?}:\n{}",
            r.stderr
        );
    }
}

#[test]
fn loader_shims_resolve_the_decorated_name_and_free_library_keeps_interfaces() {
    client(
        "loader.c",
        &[],
        &[
            "LoadLibraryW: loaded",
            "LoadLibraryA(kernel32.dll): NULL",
            "GetProcAddress(HrOpenOfflineObj@20): HrOpenOfflineObj",
            "GetProcAddress(HrOpenOfflineObj): HrOpenOfflineObj",
            "GetProcAddress(HrCreateOfflineObj): HrCreateOfflineObj",
            "GetProcAddress(Nothing): NULL",
            "GetModuleHandleW: same handle",
            "HrOpenOfflineObj@20 = S_OK",
            "FreeLibrary = 1",
            "GetCurrentState after FreeLibrary = S_OK, ONLINE",
        ],
    );
}

#[test]
fn the_provider_tree_of_the_hrcreateofflineobj_reference() {
    let (_, trace) = traced(
        "provider_tree.c",
        &[],
        &[
            "global: S_OK, the object HrOpenOfflineObj returns: yes",
            "provider: S_OK",
            "store: S_OK",
            "Advise on the store's object: S_OK",
            "store: Notify START token=3 ONLINE->OFFLINE",
            "store: Notify STATECHANGE token=3 ONLINE->OFFLINE",
            "store: Notify DONE token=3 ONLINE->OFFLINE",
            "global offline: S_OK; global OFFLINE, provider OFFLINE, store OFFLINE",
            "store online under an offline parent: S_OK, store OFFLINE",
            "Shutdown: S_OK, store references 1",
        ],
    );
    assert_eq!(rules(&trace), Vec::<String>::new());
}

#[test]
fn a_cxx_client_with_classes_and_stdmethod() {
    client(
        "cpp_client.cpp",
        &[],
        &[
            "HrOpenOfflineObj: ok",
            "GetCapabilities: 0x3",
            "Advise: S_OK, references on the monitor 2",
            "CMonitor::Notify type 1 token 5 new state offline",
            "CMonitor::Notify type 2 token 5 new state offline",
            "CMonitor::Notify type 3 token 5 new state offline",
            "now offline",
            "placeholder: 0x80004001",
            "Unadvise: references on the monitor 1",
            "Release: 0",
        ],
    );
}

/// A client written for Windows (`L"..."`, `wchar_t`, `InterlockedIncrement`) builds
/// unchanged with `-fshort-wchar`, and its wide strings reach the simulator as UTF-16.
#[test]
fn a_windows_client_with_wide_literals_builds_with_short_wchar() {
    client_with(
        "wide_literals.cpp",
        &["-fshort-wchar"],
        &[],
        0,
        &[
            "HrOpenOfflineObj(L\"Outlook\"): 0x00000000",
            "Advise: 0x00000000, references 2",
            "notifications: 3",
            "Unadvise: references 1",
            // A profile that does not exist is refused by name (OPEN-2).
            "HrOpenOfflineObj(L\"Wrok\"): 0x8004010F",
            "Release: 0",
        ],
    );
}

/// The trace as text, with what necessarily differs between a C client and a scenario
/// taken out: how client objects come to exist and are named, and a reaction's bindings.
fn comparable(trace: &Trace) -> Vec<String> {
    let mut names = std::collections::BTreeMap::new();
    for e in &trace.events {
        if let mapioffline_core::EventKind::ClientObjectCreated(c) = &e.kind {
            names.insert(c.name.clone(), ());
        }
    }
    trace
        .to_text()
        .lines()
        .filter(|l| !l.contains("client object \"") && !l.contains(" binds `"))
        .map(|l| {
            let mut l = l.to_string();
            for n in names.keys() {
                l = l.replace(&format!("(sink \"{n}\")"), "(sink)");
            }
            l
        })
        .collect()
}

#[test]
/// Unadvise and SetCurrentState from inside Notify, and the same trace as the equivalent
/// scenario with simulated sinks.
fn unadvise_and_set_current_state_from_inside_notify_as_a_scenario_would() {
    let (_, c_trace) = traced(
        "reentrant.c",
        &[],
        &[
            "once: Notify START token=1 ONLINE->OFFLINE",
            "once: Unadvise from inside Notify = S_OK",
            "again: Notify START token=2 ONLINE->OFFLINE",
            "again: Notify STATECHANGE token=2 ONLINE->OFFLINE",
            "again: Notify DONE token=2 ONLINE->OFFLINE",
            "again: SetCurrentState(ONLINE) from inside Notify = E_PENDING",
            "again: GetCurrentState from inside Notify = S_OK, OFFLINE",
            "again: Unadvise from inside Notify = S_OK",
            "SetCurrentState(BLOCK, OFFLINE) = S_OK",
            "references: once 1, again 1",
            "SetCurrentState(BLOCK, ONLINE) = S_OK (nobody is registered)",
            "Shutdown = S_OK",
        ],
    );
    // Four deliveries, each recorded once, nested inside the blocking call.
    assert_eq!(c_trace.notifications().count(), 4);
    assert_eq!(rules(&c_trace), Vec::<String>::new());
    let script = std::fs::read_to_string(manifest_dir().join("tests/c/reentrant.scn")).unwrap();
    let outcome = mapioffline_core::scenario::run_script(&script).expect("the scenario runs");
    let (c, s) = (comparable(&c_trace), comparable(&outcome.trace));
    // The whole session, not a prefix: calls, nested calls from Notify, four deliveries,
    // two transitions, the shutdown report.
    assert!(c.len() >= 60, "only {} lines:\n{}", c.len(), c.join("\n"));
    assert!(c.iter().any(|l| l.contains("Outlook shut down")));
    for (i, (a, b)) in c.iter().zip(&s).enumerate() {
        assert_eq!(
            a,
            b,
            "line {} differs (left: the C client, right: the scenario)",
            i + 1
        );
    }
    assert_eq!(
        c.len(),
        s.len(),
        "C:\n{}\nscenario:\n{}",
        c.join("\n"),
        s.join("\n")
    );
}
