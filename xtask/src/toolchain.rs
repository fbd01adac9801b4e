//! Which wasm toolchain this machine has, and installing what is missing.

use crate::{done, rel, root, run, step, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-unknown-unknown";
const DEBIAN_PKGS: [&str; 4] = ["rustc-web", "cargo-web", "rust-web-src", "lld-22"];
const DEB_RUSTC: &str = "/usr/bin/rustc";
const DEB_CARGO: &str = "/usr/bin/cargo";
const DEB_LLD: &str = "/usr/bin/rust-lld";

/// The site's wasm modules: the page (the main wasm, which the size budget is about),
/// then the JS API it loads once it is interactive.
pub const WASM_MODULES: [&str; 2] = ["mapioffline_web", "mapioffline_api"];

/// How this machine builds for the browser.
pub enum Toolchain {
    /// rustup's toolchain has the wasm32 standard library.
    Rustup,
    /// Debian's Rust, building the standard library from source (`-Zbuild-std`).
    Debian,
}

pub fn detect() -> Result<Toolchain> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    if std::env::var_os("XTASK_FORCE_DEBIAN").is_none() && installed.lines().any(|l| l == TARGET) {
        println!("wasm toolchain: rustup's {TARGET} target");
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
            "Debian's newer rustc and cargo, the standard library's source for -Zbuild-std, and the rust-lld linker",
        )?;
        let still = debian_missing();
        if !still.is_empty() {
            return Err(format!(
                "still missing after apt-get install: {}",
                still.join(", ")
            ));
        }
    }
    println!(
        "wasm toolchain: Debian's {} with -Zbuild-std",
        version(DEB_RUSTC)
    );
    Ok(Toolchain::Debian)
}

fn version(bin: &str) -> String {
    Command::new(bin)
        .arg("-V")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|_| bin.to_string())
}

fn debian_missing() -> Vec<String> {
    let mut m = Vec::new();
    for b in [DEB_RUSTC, DEB_CARGO, DEB_LLD] {
        if !Path::new(b).exists() {
            m.push(b.to_string());
        }
    }
    if Path::new(DEB_RUSTC).exists() {
        let sysroot = Command::new(DEB_RUSTC)
            .args(["--print", "sysroot"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .unwrap_or_else(|_| "/usr".into());
        let src = Path::new(&sysroot).join("lib/rustlib/src/rust/library/std/Cargo.toml");
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

/// `apt-get install`s packages, saying which and why.
pub fn apt_install(pkgs: &[&str], why: &str) -> Result {
    println!("installing Debian packages {} — {why}", pkgs.join(" "));
    let sudo = !is_root();
    let cmd = |args: &[&str]| {
        let mut c = if sudo {
            let mut c = Command::new("sudo");
            c.arg("apt-get");
            c
        } else {
            Command::new("apt-get")
        };
        c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        c
    };
    let t = step("apt-get update");
    run(&mut cmd(&["update"]))?;
    done(t);
    let t = step(&format!("apt-get install -y {}", pkgs.join(" ")));
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend_from_slice(pkgs);
    run(&mut cmd(&args))?;
    done(t);
    Ok(())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
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
            Toolchain::Debian => {
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
fn locked_bindgen_version() -> Result<String> {
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

/// `wasm-bindgen` at the locked version, installed into `target/tools` when missing.
pub fn wasm_bindgen() -> Result<PathBuf> {
    let version = locked_bindgen_version()?;
    let tools = root().join("target/tools");
    let bin = tools.join("bin/wasm-bindgen");
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
        .arg(&tools))?;
    done(t);
    Ok(bin)
}

/// The npm packages for the browser tests and the size pass (`web/e2e`), installed
/// from the lockfile when missing. Returns that directory.
pub fn node_modules() -> Result<PathBuf> {
    let e2e = root().join("web/e2e");
    let marker = e2e.join("node_modules/playwright-core/package.json");
    let lock = e2e.join("package-lock.json");
    let stale = match (std::fs::metadata(&marker), std::fs::metadata(&lock)) {
        (Ok(m), Ok(l)) => m.modified().ok() < l.modified().ok(),
        _ => true,
    };
    if stale {
        let t = step(
            "npm ci in web/e2e — playwright-core (drives the browser) and binaryen (wasm-opt), \
             pinned by package-lock.json",
        );
        run(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&e2e))?;
        done(t);
    }
    Ok(e2e)
}

/// Shrinks the wasm with binaryen's `wasm-opt` from npm when Node is available; says so
/// and goes on without it otherwise.
pub fn wasm_opt(wasm: &Path) -> Result {
    let have_npm = Command::new("npm").arg("--version").output().is_ok();
    if !have_npm {
        println!("    no npm on this machine: wasm-opt skipped (the wasm works, only larger)");
        return Ok(());
    }
    let e2e = node_modules()?;
    let bin = e2e.join("node_modules/.bin/wasm-opt");
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

/// Debian's Chromium for the browser tests, installed when missing.
pub fn chromium() -> Result<PathBuf> {
    let p = PathBuf::from("/usr/bin/chromium");
    if !p.exists() {
        apt_install(
            &["chromium"],
            "the browser the end-to-end tests drive headless (no browser download is possible here)",
        )?;
    }
    if p.exists() {
        Ok(p)
    } else {
        Err("no /usr/bin/chromium after apt-get install chromium".into())
    }
}

/// The C ABI's tests (`ffi/tests`) compile C and C++ clients with gcc and g++, plain and
/// under AddressSanitizer and UBSan: installs g++ when the machine has only gcc.
pub fn c_compilers() -> Result {
    let works = |compiler: &str, ext: &str| {
        let dir = std::env::temp_dir().join(format!("mapioffline-cc-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let src = dir.join(format!("probe.{ext}"));
        let ok = std::fs::write(&src, "int main(void) { return 0; }\n").is_ok()
            && Command::new(compiler)
                .args(["-fsanitize=address,undefined", "-o"])
                .arg(dir.join("probe"))
                .arg(&src)
                .output()
                .is_ok_and(|o| o.status.success());
        let _ = std::fs::remove_dir_all(&dir);
        ok
    };
    let mut missing = Vec::new();
    if !works("gcc", "c") {
        missing.push("gcc");
    }
    if !works("g++", "cpp") {
        missing.push("g++");
    }
    if missing.is_empty() {
        return Ok(());
    }
    apt_install(
        &missing,
        "the C ABI's tests build C and C++ clients, also under -fsanitize=address,undefined",
    )?;
    if works("gcc", "c") && works("g++", "cpp") {
        Ok(())
    } else {
        Err("gcc/g++ cannot build a program with -fsanitize=address,undefined after apt-get install".into())
    }
}
