//! Build automation for mapioffline, in Rust (`cargo xtask …`, an alias in
//! `.cargo/config.toml`):
//!
//! - `playground [--port N]`: builds the browser playground and serves it on 127.0.0.1;
//! - `dist`: builds the static site into `target/playground/` without serving;
//! - `test`: format, lint, every workspace test, the wasm build and the browser tests;
//! - `budgets`: measures the playground's size and speed budgets and prints them;
//! - `serve [--port N]`: serves what `dist` built, without building.
//!
//! The wasm toolchain is detected: rustup's `wasm32-unknown-unknown` target when it is
//! installed, otherwise Debian's `rustc-web` with the standard library built from
//! `rust-web-src` (`-Zbuild-std`). What is missing is installed, saying what and why.

mod budgets;
mod serve;
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
pub fn dist() -> Result {
    let t = Instant::now();
    let tc = toolchain::detect()?;
    let built = tc.build_release()?;
    let bindgen = toolchain::wasm_bindgen()?;
    let site = site_dir();
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).map_err(|e| format!("cannot create {}: {e}", pkg.display()))?;
    let mut sizes = Vec::new();
    for (name, wasm) in toolchain::WASM_MODULES.iter().zip(&built) {
        let out_wasm = pkg.join(format!("{name}_bg.wasm"));
        let stamp = pkg.join(format!(".{name}.stamp"));
        let want = toolchain::stamp_of(wasm)?;
        if std::fs::read_to_string(&stamp).ok().as_deref() == Some(want.as_str())
            && out_wasm.exists()
        {
            println!(
                "    {name}: wasm unchanged since the last build: bindings and size pass skipped"
            );
        } else {
            let s = step(&format!("wasm-bindgen {name} (JS bindings for the page)"));
            run(Command::new(&bindgen)
                .args(["--target", "web", "--no-typescript", "--out-name", name])
                .arg("--out-dir")
                .arg(&pkg)
                .arg(wasm))?;
            done(s);
            toolchain::wasm_opt(&out_wasm)?;
            std::fs::write(&stamp, &want).map_err(|e| e.to_string())?;
        }
        let size = std::fs::metadata(&out_wasm).map(|m| m.len()).unwrap_or(0);
        sizes.push(format!("{name} {} KB", size / 1024));
    }
    for (name, body) in STATIC_FILES {
        let p = site.join(name);
        if std::fs::read(&p).ok().as_deref() != Some(body.as_bytes()) {
            std::fs::write(&p, body).map_err(|e| format!("cannot write {}: {e}", p.display()))?;
        }
    }
    println!(
        "\nsite ready in {} (wasm: {}; {:.1} s)",
        rel(&site),
        sizes.join(", "),
        t.elapsed().as_secs_f64()
    );
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
    toolchain::c_compilers()?;
    let t = step("tests (cargo test --workspace)");
    run(cargo().args(["test", "--workspace"]))?;
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
    let chromium = toolchain::chromium()?;
    let e2e = toolchain::node_modules()?;
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
        .env("SCREENSHOT_DIR", &shots))
}
