//! Which wasm toolchain this machine has, and installing what is missing.

use crate::install::{self, apt_install};
use crate::linker::{self, Linker};
use crate::{done, rel, root, run, step, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-unknown-unknown";
/// Debian's Rust that builds the standard library for wasm from source. The linker is
/// not among them: which package provides it moves (see `linker`).
const DEBIAN_PKGS: [&str; 3] = ["rustc-web", "cargo-web", "rust-web-src"];
pub const DEB_RUSTC: &str = "/usr/bin/rustc";
pub const DEB_CARGO: &str = "/usr/bin/cargo";

/// The site's wasm modules: the page (the main wasm, which the size budget is about),
/// then the JS API it loads once it is interactive.
pub const WASM_MODULES: [&str; 2] = ["mapioffline_web", "mapioffline_api"];

/// How this machine builds for the browser.
pub enum Toolchain {
    /// rustup's toolchain has the wasm32 standard library (and links with its own rust-lld).
    Rustup,
    /// Debian's Rust, building the standard library from source (`-Zbuild-std`), linking
    /// with the wasm linker found here.
    Debian { linker: Linker },
}

/// Whether rustup's toolchain has the wasm32 standard library.
pub fn rustup_has_target() -> bool {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    std::env::var_os("XTASK_FORCE_DEBIAN").is_none() && installed.lines().any(|l| l == TARGET)
}

pub fn detect() -> Result<Toolchain> {
    if rustup_has_target() {
        println!("wasm toolchain: rustup's {TARGET} target (linker: its own rust-lld)");
        return Ok(Toolchain::Rustup);
    }
    let missing = debian_missing();
    if !missing.is_empty() {
        println!(
            "wasm toolchain: rustup has no {TARGET} standard library here (and cannot download one), \
             so the build uses Debian's Rust and builds the standard library from source."
        );
        println!("missing: {}", missing.join(", "));
        apt_install(
            &DEBIAN_PKGS,
            "Debian's newer rustc and cargo, and the standard library's source for -Zbuild-std",
        )?;
        let still = debian_missing();
        if !still.is_empty() {
            return Err(format!(
                "still missing after apt-get install: {}\n  by hand: {}",
                still.join(", "),
                install::by_hand(&DEBIAN_PKGS)
            ));
        }
    }
    let vv = rustc_vv(DEB_RUSTC);
    let llvm = linker::llvm_major(&vv);
    let mut found = find_linker(llvm);
    let mut tried = Vec::new();
    if found.chosen.is_none() && std::env::var_os(linker::OVERRIDE_VAR).is_none() {
        println!(
            "no usable wasm linker yet (looked for rust-lld, wasm-ld and lld of LLVM {}): \
             installing the packages that provide one",
            llvm.map_or("?".into(), |n| n.to_string())
        );
        install::update()?;
        // One package at a time, best first, until a linker answers: a name that was
        // dropped or renamed must not stop the next one.
        for p in linker::providing_packages(llvm) {
            let Some(v) = install::apt_candidate(&p) else {
                println!("    no Debian package {p} in this machine's package lists");
                tried.push(format!("{p} (not in the package lists)"));
                continue;
            };
            tried.push(format!("{p} {v}"));
            apt_install(&[&p], "a wasm linker (lld) of the LLVM Debian's rustc uses")?;
            found = find_linker(llvm);
            if found.chosen.is_some() {
                break;
            }
        }
    }
    let Some(chosen) = found.chosen.clone() else {
        return Err(linker_error(&found, llvm, &tried));
    };
    println!(
        "wasm toolchain: Debian's {} with -Zbuild-std",
        version(DEB_RUSTC)
    );
    println!(
        "wasm linker: {} — {} ({})",
        chosen.path.display(),
        chosen.how,
        chosen.version
    );
    Ok(Toolchain::Debian { linker: chosen })
}

/// `rustc -vV` of a compiler, or nothing.
pub fn rustc_vv(rustc: &str) -> String {
    Command::new(rustc)
        .arg("-vV")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// Every wasm linker Debian's rustc could use on this machine, and the one to use.
pub fn find_linker(llvm: Option<u32>) -> linker::Search {
    let sysroot = sysroot(DEB_RUSTC);
    let vv = rustc_vv(DEB_RUSTC);
    let host = vv
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .unwrap_or("x86_64-unknown-linux-gnu");
    let c = linker::candidates(Path::new(&sysroot), host, &linker::llvm_versions_here(llvm));
    linker::search(&c, llvm)
}

fn linker_error(s: &linker::Search, llvm: Option<u32>, tried: &[String]) -> String {
    let mut e = String::from("no usable wasm linker for Debian's rustc");
    if let Some(o) = std::env::var_os(linker::OVERRIDE_VAR) {
        e.push_str(&format!(
            "\n  {} = {} is not usable",
            linker::OVERRIDE_VAR,
            PathBuf::from(o).display()
        ));
    }
    for r in &s.rejected {
        e.push_str(&format!(
            "\n  rejected {} ({}): {}",
            r.candidate.path.display(),
            r.candidate.how,
            r.why
        ));
    }
    e.push_str(&format!(
        "\n  not found: {}",
        s.absent
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    if !tried.is_empty() {
        e.push_str(&format!("\n  packages tried: {}", tried.join("; ")));
    }
    let pkgs = linker::providing_packages(llvm);
    let pkgs: Vec<&str> = pkgs.iter().map(String::as_str).collect();
    e.push_str(&format!(
        "\n  by hand: {}\n  or point {} at an lld (>= LLVM {}) of your own",
        install::by_hand(&pkgs),
        linker::OVERRIDE_VAR,
        llvm.map_or("?".into(), |n| n.to_string())
    ));
    e
}

pub fn version(bin: &str) -> String {
    Command::new(bin)
        .arg("-V")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|_| bin.to_string())
}

fn sysroot(rustc: &str) -> String {
    Command::new(rustc)
        .args(["--print", "sysroot"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|_| "/usr".into())
}

/// The standard library's source that `-Zbuild-std` builds, under a compiler's sysroot.
pub fn std_source(rustc: &str) -> PathBuf {
    Path::new(&sysroot(rustc)).join("lib/rustlib/src/rust/library/std/Cargo.toml")
}

/// What Debian's Rust still lacks here (the linker is looked for separately).
pub fn debian_missing() -> Vec<String> {
    let mut m = Vec::new();
    for b in [DEB_RUSTC, DEB_CARGO] {
        if !Path::new(b).exists() {
            m.push(b.to_string());
        }
    }
    if Path::new(DEB_RUSTC).exists() {
        let src = std_source(DEB_RUSTC);
        if !src.exists() {
            m.push(format!("the std source ({})", src.display()));
        }
        // Bookworm's plain `rustc` (1.63) is too old; rustc-web is the one that builds this.
        let v = version(DEB_RUSTC);
        let minor: u32 = v
            .split_whitespace()
            .nth(1)
            .and_then(|x| x.split('.').nth(1))
            .and_then(|x| x.parse().ok())
            .unwrap_or(0);
        if minor < 85 {
            m.push(format!("rustc >= 1.85 at {DEB_RUSTC} (found {v})"));
        }
    }
    m
}

/// The wasm build both toolchains run (each adds its own target flags).
const WASM_BUILD: [&str; 8] = [
    "build",
    "--profile",
    "wasm-release",
    "--locked",
    "-p",
    "mapioffline-web",
    "-p",
    "mapioffline-web-api",
];

impl Toolchain {
    /// Builds the page's wasm and the JS API's wasm; returns their paths, in the order of
    /// [`WASM_MODULES`]. Cargo skips them when nothing changed.
    pub fn build_release(&self) -> Result<Vec<PathBuf>> {
        let t = step(
            "wasm build (cargo build --profile wasm-release -p mapioffline-web -p mapioffline-web-api)",
        );
        let (mut c, dir) = match self {
            Toolchain::Rustup => {
                let mut c = crate::cargo();
                c.args(WASM_BUILD).args(["--target", TARGET]);
                (c, root().join("target"))
            }
            Toolchain::Debian { linker } => {
                let dir = root().join("target/web-wasm");
                let mut c = Command::new(DEB_CARGO);
                c.current_dir(root())
                    // rustup's variables would point Debian's cargo at the other toolchain.
                    .env_remove("RUSTUP_TOOLCHAIN")
                    .env_remove("CARGO")
                    .env("RUSTC", DEB_RUSTC)
                    // Unlocks -Zbuild-std on a stable compiler.
                    .env("RUSTC_BOOTSTRAP", "1")
                    .args(WASM_BUILD)
                    .args(["--target", TARGET, "-Zbuild-std=std,panic_abort"])
                    // Smaller over faster in std too, and no file:line:column strings for
                    // every possible panic (the panic hook still shows the message).
                    .arg("-Zbuild-std-features=optimize_for_size")
                    .env("RUSTFLAGS", "-Zlocation-detail=none")
                    // The linker found here, explicitly: its path moves between releases.
                    .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", &linker.path)
                    // Its own target dir: the two compilers would invalidate each other's cache.
                    .arg("--target-dir")
                    .arg(&dir);
                (c, dir)
            }
        };
        run(&mut c)?;
        done(t);
        WASM_MODULES
            .iter()
            .map(|m| {
                let wasm = dir.join(TARGET).join(format!("wasm-release/{m}.wasm"));
                if wasm.exists() {
                    Ok(wasm)
                } else {
                    Err(format!("the build did not produce {}", wasm.display()))
                }
            })
            .collect()
    }
}

/// A cheap identity of a file (size and modification time), to skip unchanged steps.
pub fn stamp_of(p: &Path) -> Result<String> {
    let m = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
    let t = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    Ok(format!("{} {t}", m.len()))
}

/// The `wasm-bindgen` version in Cargo.lock: the CLI must match it exactly.
pub fn locked_bindgen_version() -> Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).map_err(|e| e.to_string())?;
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|v| v.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen package".into())
}

/// Where the project's own `wasm-bindgen` is installed.
pub fn bindgen_path() -> PathBuf {
    root().join("target/tools/bin/wasm-bindgen")
}

/// `wasm-bindgen` at the locked version, installed into `target/tools` when missing.
pub fn wasm_bindgen() -> Result<PathBuf> {
    let version = locked_bindgen_version()?;
    let tools = root().join("target/tools");
    let bin = bindgen_path();
    let have = Command::new(&bin)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    if have == format!("wasm-bindgen {version}") {
        return Ok(bin);
    }
    let t = step(&format!(
        "installing wasm-bindgen-cli {version} into {} — the JS bindings generator must match \
         the wasm-bindgen version in Cargo.lock exactly (first time: a few minutes)",
        rel(&tools)
    ));
    run(crate::cargo()
        .args([
            "install",
            "wasm-bindgen-cli",
            "--version",
            &version,
            "--root",
        ])
        .arg(&tools))
    .map_err(|e| {
        format!(
            "{e}\n  by hand: cargo install wasm-bindgen-cli --version {version} --root {}",
            rel(&tools)
        )
    })?;
    done(t);
    Ok(bin)
}

/// `dir` (relative to the repository) with its npm packages installed from its lockfile
/// when `node_modules/MARKER` is missing or older than the lockfile; `what` says what they
/// are for, in the step and in the error when npm is missing. The one npm install of the
/// project: the browser tests, the benchmark's XState and the guide's Mermaid use it.
pub fn npm_ci(dir: &str, marker: &str, what: &str) -> Result<PathBuf> {
    let path = root().join(dir);
    let marker = path.join("node_modules").join(marker).join("package.json");
    let lock = path.join("package-lock.json");
    let stale = match (std::fs::metadata(&marker), std::fs::metadata(&lock)) {
        (Ok(m), Ok(l)) => m.modified().ok() < l.modified().ok(),
        _ => true,
    };
    if stale {
        if install::version_of("npm", "--version").is_none() {
            return Err(format!(
                "npm is not installed: {what} need the npm packages of {dir}\n  by hand: {}",
                install::by_hand(&["nodejs", "npm"])
            ));
        }
        let t = step(&format!(
            "npm ci in {dir} — {what}, pinned by package-lock.json"
        ));
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&path))
        .map_err(|e| format!("{e}\n  by hand: cd {dir} && npm ci"))?;
        done(t);
    }
    Ok(path)
}

/// The npm packages for the browser tests and the size pass (`web/e2e`).
pub fn node_modules() -> Result<PathBuf> {
    npm_ci(
        "web/e2e",
        "playwright-core",
        "playwright-core (drives the browser) and binaryen (wasm-opt)",
    )
}

/// binaryen's `wasm-opt` from npm, installed with the other npm packages; `None` (said
/// once) on a machine without npm, where the wasm works, only larger.
pub fn wasm_opt_bin() -> Result<Option<PathBuf>> {
    // Under CI a missing npm is `node_modules`' error; elsewhere the site is built larger.
    if std::env::var_os("CI").is_none() && install::version_of("npm", "--version").is_none() {
        println!(
            "    no npm on this machine: wasm-opt will be skipped (the wasm works, only larger)"
        );
        return Ok(None);
    }
    let bin = node_modules()?.join("node_modules/.bin/wasm-opt");
    if bin.exists() {
        Ok(Some(bin))
    } else {
        Err(format!(
            "npm ci did not install {}\n  by hand: cd web/e2e && npm ci",
            rel(&bin)
        ))
    }
}

/// Shrinks the wasm in place with binaryen's `wasm-opt`.
pub fn wasm_opt(bin: &Path, wasm: &Path) -> Result {
    let t = step("wasm-opt -Oz (binaryen from npm)");
    let before = std::fs::metadata(wasm).map(|m| m.len()).unwrap_or(0);
    // The features Rust's wasm32 target enables by default.
    run(Command::new(bin)
        .args(["-Oz", "--strip-debug", "--strip-producers"])
        .args([
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
            "--enable-sign-ext",
            "--enable-mutable-globals",
            "--enable-reference-types",
            "--enable-multivalue",
        ])
        .arg(wasm)
        .arg("-o")
        .arg(wasm))?;
    let after = std::fs::metadata(wasm).map(|m| m.len()).unwrap_or(0);
    println!("    {} KB → {} KB", before / 1024, after / 1024);
    done(t);
    Ok(())
}
