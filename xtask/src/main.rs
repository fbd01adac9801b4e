//! Build automation for mapioffline, in Rust (`cargo xtask …`, an alias in
//! `.cargo/config.toml`):
//!
//! - `playground [--port N]`: builds the browser playground and serves it on 127.0.0.1;
//! - `dist`: builds the static site into `target/playground/` without serving;
//! - `test`: format, lint, every workspace test, the wasm build and the browser tests;
//! - `budgets`: measures the playground's size and speed budgets and prints them;
//! - `bench`: core's blocking-change benchmark beside an XState model and core in wasm;
//! - `serve [--port N]`: serves what `dist` built, without building;
//! - `docs [--html DIR]`: regenerates the guide in `docs/` (or writes it as HTML);
//! - `doctor`: each tool the build and the tests need, where it was found and its version.
//!
//! The wasm toolchain is detected: rustup's `wasm32-unknown-unknown` target when it is
//! installed, otherwise Debian's `rustc-web` with the standard library built from
//! `rust-web-src` (`-Zbuild-std`), linked by whichever wasm linker this machine has
//! (`linker`). What is missing is installed, saying what and why (`install`).

mod bench;
mod budgets;
mod docs;
mod doctor;
mod install;
mod linker;
mod serve;
mod split;
mod toolchain;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let r = match args.first().map(String::as_str) {
        Some("playground") => port_arg(&args[1..]).and_then(|p| {
            dist()?;
            serve::serve(&site_dir(), p, None)
        }),
        Some("serve") => port_arg(&args[1..]).and_then(|p| serve::serve(&site_dir(), p, None)),
        Some("dist") => dist(),
        Some("test") => test_all(),
        Some("e2e") => dist().and_then(|()| browser_tests()),
        Some("budgets") => budgets::run(),
        Some("bench") => bench::run(),
        Some("doctor") => doctor::run(),
        Some("docs") => docs::command(&args[1..]),
        Some("help" | "--help" | "-h") | None => {
            print!("{USAGE}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str = "\
usage: cargo xtask <command>

  playground [--port N]   build the browser playground and serve it on 127.0.0.1 (default port 8080)
  dist                    build the static site into target/playground/ (no server)
  serve [--port N]        serve target/playground/ as built
  test                    fmt check, clippy -D warnings, cargo test --workspace, the wasm build,
                          the browser tests; fails if any fails
  e2e                     the wasm build and the browser tests only
  budgets                 measure size and speed budgets of the playground
  docs [--html DIR]       regenerate the guide in docs/ from core's lessons and registry; with
                          --html, write it as the site's HTML pages into DIR instead
  bench                   core's notify_blocking benchmark beside XState (Node) and core in wasm
  doctor                  each tool the build and the tests need: where it is, its version,
                          how to get what is missing (installs nothing)
";

pub type Result<T = ()> = std::result::Result<T, String>;

fn port_arg(args: &[String]) -> Result<u16> {
    match args {
        [] => Ok(8080),
        [flag, n] if flag == "--port" => n
            .parse()
            .map_err(|_| format!("--port takes a number from 0 to 65535, got `{n}`")),
        _ => Err(format!("unexpected arguments {args:?}\n\n{USAGE}")),
    }
}

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

pub fn site_dir() -> PathBuf {
    root().join("target/playground")
}

/// Prints a step heading; returns a timer for [`done`].
pub fn step(what: &str) -> Instant {
    println!("\n=== {what}");
    Instant::now()
}

pub fn done(t: Instant) {
    println!("    ({:.1} s)", t.elapsed().as_secs_f64());
}

/// Runs a command with inherited output; an error names it and its status.
pub fn run(cmd: &mut Command) -> Result {
    let shown = format!("{cmd:?}");
    let status = cmd
        .status()
        .map_err(|e| format!("could not start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

/// A rustup-toolchain cargo for the workspace, without the variables the outer
/// `cargo run` set for this process (they describe xtask, not the child build).
pub fn cargo() -> Command {
    let mut c = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    c.current_dir(root());
    c
}

/// Builds the site: wasm, wasm-bindgen, wasm-opt when available, static files.
///
/// Every tool is found or installed before anything is built, the generated files are
/// made in `target/site-build/`, and the finished site replaces `target/playground/` in
/// one rename at the end: a failure at any step leaves the last good site (or none),
/// never a half-built one.
pub fn dist() -> Result {
    let t = Instant::now();
    let tc = toolchain::detect()?;
    let bindgen = toolchain::wasm_bindgen()?;
    let wasm_opt = toolchain::wasm_opt_bin()?;
    let splitter = split::splitter()?;
    let built = tc.build_release()?;
    let work = root().join("target/site-build/pkg");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let mut sizes = Vec::new();
    for (name, wasm) in toolchain::WASM_MODULES.iter().zip(&built) {
        let out_wasm = work.join(format!("{name}_bg.wasm"));
        let stamp = work.join(format!(".{name}.stamp"));
        let want = toolchain::stamp_of(wasm)?;
        if std::fs::read_to_string(&stamp).ok().as_deref() == Some(want.as_str())
            && out_wasm.exists()
        {
            println!(
                "    {name}: wasm unchanged since the last build: bindings and size pass skipped"
            );
        } else {
            // A stamp is written only after both steps succeed.
            let _ = std::fs::remove_file(&stamp);
            // The page is split into its main module and lazy chunks first; the JS API's
            // module is loaded whole.
            let page = *name == toolchain::WASM_MODULES[0];
            let (input, chunks) = if page {
                let parts = split::split(&splitter, wasm, &work, name)?;
                (parts.main, parts.chunks)
            } else {
                (wasm.clone(), Vec::new())
            };
            let s = step(&format!("wasm-bindgen {name} (JS bindings for the page)"));
            let mut c = Command::new(&bindgen);
            c.args(["--target", "web", "--no-typescript", "--out-name", name]);
            if page {
                // The chunks import the linker's exports, under their own names.
                c.args(["--keep-lld-exports", "--no-demangle"]);
            }
            run(c.arg("--out-dir").arg(&work).arg(&input))?;
            done(s);
            if page {
                let _ = std::fs::remove_file(&input);
            }
            if let Some(bin) = &wasm_opt {
                for part in std::iter::once(&out_wasm).chain(&chunks) {
                    toolchain::wasm_opt(bin, part)?;
                }
            }
            std::fs::write(&stamp, &want).map_err(|e| e.to_string())?;
        }
        let size = std::fs::metadata(&out_wasm).map(|m| m.len()).unwrap_or(0);
        sizes.push(format!("{name} {} KB", size / 1024));
    }
    let site = site_dir();
    let next = root().join("target/playground.new");
    let _ = std::fs::remove_dir_all(&next);
    copy_dir(&work, &next.join("pkg"))?;
    for (name, body) in STATIC_FILES {
        let p = next.join(name);
        std::fs::write(&p, body).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
    }
    // The guide, one click from the playground and offline like it.
    let g = step("the guide as HTML (guide/)");
    docs::html_guide(&next.join("guide"))?;
    done(g);
    replace_dir(&next, &site)?;
    println!(
        "\nsite ready in {} (wasm: {}; {:.1} s)",
        rel(&site),
        sizes.join(", "),
        t.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Copies a directory tree, leaving out the build stamps (dot files).
fn copy_dir(from: &Path, to: &Path) -> Result {
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let rd = std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for e in rd {
        let e = e.map_err(|e| e.to_string())?;
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let (src, dst) = (e.path(), to.join(&name));
        if src.is_dir() {
            copy_dir(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst)
                .map_err(|e| format!("cannot copy {} to {}: {e}", src.display(), dst.display()))?;
        }
    }
    Ok(())
}

/// Puts the finished tree `next` where `site` is, moving the old one aside first.
fn replace_dir(next: &Path, site: &Path) -> Result {
    let old = site.with_extension("old");
    let _ = std::fs::remove_dir_all(&old);
    if site.exists() {
        std::fs::rename(site, &old)
            .map_err(|e| format!("cannot move {} aside: {e}", site.display()))?;
    }
    std::fs::rename(next, site).map_err(|e| format!("cannot put the site in place: {e}"))?;
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

/// The page's static files, compiled in so the site is exactly what this xtask knows.
const STATIC_FILES: &[(&str, &str)] = &[
    ("index.html", include_str!("../../web/static/index.html")),
    ("style.css", include_str!("../../web/static/style.css")),
];

pub fn rel(p: &Path) -> String {
    p.strip_prefix(root())
        .map(|r| r.display().to_string())
        .unwrap_or_else(|_| p.display().to_string())
}

/// Everything CI checks; stops at the first failure.
fn test_all() -> Result {
    let t = step("format (cargo fmt --all --check)");
    run(cargo().args(["fmt", "--all", "--check"]))?;
    done(t);
    let t = step("lint (cargo clippy --workspace --all-targets -D warnings)");
    run(cargo().args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    done(t);
    install::c_compilers()?;
    install::tmux()?;
    // The tests that need g++ or tmux are `#[ignore]`d for a plain `cargo test` (whose
    // summary then counts them); here their tools are installed and they all run.
    let t = step("tests (cargo test --workspace -- --include-ignored)");
    run(cargo().args(["test", "--workspace", "--", "--include-ignored"]))?;
    done(t);
    let t = step("the playground's wasm build");
    dist()?;
    done(t);
    let t = step("browser tests (playwright-core driving Chromium headless)");
    browser_tests()?;
    done(t);
    println!("\nall checks passed");
    Ok(())
}

/// Installs the browser and the Node packages if missing, serves the site on a free
/// port and runs the end-to-end tests against it.
fn browser_tests() -> Result {
    let chromium = install::chromium()?;
    let e2e = toolchain::node_modules()?;
    let c_trace = c_client_trace()?;
    let server = serve::spawn(&site_dir())?;
    let url = format!("http://127.0.0.1:{}/", server.port);
    println!("    serving on {url}; browser {}", chromium.display());
    let shots = root().join("target/screenshots");
    std::fs::create_dir_all(&shots).map_err(|e| e.to_string())?;
    run(Command::new("node")
        .args(["--test", "--test-reporter=spec", "tests/"])
        .current_dir(&e2e)
        .env("PLAYGROUND_URL", &url)
        .env("CHROMIUM", &chromium)
        .env("C_CLIENT_TRACE", &c_trace)
        .env("SCREENSHOT_DIR", &shots))
}

/// The trace a real C client writes through the C ABI (`MAPIOFFLINE_TRACE`), for the
/// browser test that opens it: `ffi/tests/c/leaky_provider.c` compiled with gcc against
/// `libmapioffline.so` and run.
fn c_client_trace() -> Result<PathBuf> {
    install::c_compilers()?;
    let t = step("a C client's trace (ffi/tests/c/leaky_provider.c, MAPIOFFLINE_TRACE)");
    run(cargo().args(["build", "--locked", "-q", "-p", "mapioffline-ffi"]))?;
    let lib = root().join("target/debug");
    let dir = root().join("target/e2e");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let exe = dir.join("leaky_provider");
    run(Command::new("gcc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-I"])
        .arg(root().join("ffi/include"))
        .arg(root().join("ffi/tests/c/leaky_provider.c"))
        .arg("-L")
        .arg(&lib)
        .arg(format!("-Wl,-rpath,{}", lib.display()))
        .args(["-lmapioffline", "-o"])
        .arg(&exe))?;
    let trace = dir.join("leaky_provider.trace.json");
    let _ = std::fs::remove_file(&trace);
    let out = Command::new(&exe)
        .env("MAPIOFFLINE_TRACE", &trace)
        .output()
        .map_err(|e| format!("could not run {}: {e}", exe.display()))?;
    if !trace.exists() {
        return Err(format!(
            "{} wrote no trace ({}):\n{}",
            rel(&exe),
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    done(t);
    Ok(trace)
}
