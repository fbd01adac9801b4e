//! Installing what the build and the tests need from Debian's packages, saying what and
//! why; a piece that is still missing afterwards is an error naming the packages tried
//! and the command a person can run by hand.

use crate::{done, run, step, Result};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};

/// `apt-get update` once per run: the package lists of a new machine are empty.
static UPDATED: AtomicBool = AtomicBool::new(false);

fn apt(args: &[&str]) -> Command {
    let mut c = if is_root() {
        Command::new("apt-get")
    } else {
        let mut c = Command::new("sudo");
        c.arg("apt-get");
        c
    };
    c.args(args).env("DEBIAN_FRONTEND", "noninteractive");
    c
}

/// Refreshes the package lists once per run (`apt-cache policy` needs them too).
pub fn update() -> Result {
    if !UPDATED.swap(true, Ordering::SeqCst) {
        let t = step("apt-get update");
        run(&mut apt(&["update"]))?;
        done(t);
    }
    Ok(())
}

/// The command a person would type for these packages.
pub fn by_hand(pkgs: &[&str]) -> String {
    let sudo = if is_root() { "" } else { "sudo " };
    format!(
        "{sudo}apt-get update && {sudo}apt-get install -y {}",
        pkgs.join(" ")
    )
}

/// `apt-get install`s packages, saying which and why.
pub fn apt_install(pkgs: &[&str], why: &str) -> Result {
    println!("installing Debian packages {} — {why}", pkgs.join(" "));
    update()?;
    let t = step(&format!("apt-get install -y {}", pkgs.join(" ")));
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend_from_slice(pkgs);
    run(&mut apt(&args)).map_err(|e| format!("{e}\n  by hand: {}", by_hand(pkgs)))?;
    done(t);
    Ok(())
}

/// The version apt would install, or `None` when no package of that name is known.
pub fn apt_candidate(pkg: &str) -> Option<String> {
    let out = Command::new("apt-cache")
        .args(["policy", pkg])
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.trim().strip_prefix("Candidate: "))
        .filter(|v| *v != "(none)")
        .map(str::to_string)
}

pub fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// The first line a tool prints of its version, or `None` when it does not run.
pub fn version_of(bin: &str, arg: &str) -> Option<String> {
    let out = Command::new(bin).arg(arg).output().ok()?;
    if !out.status.success() {
        return None;
    }
    let text = if out.stdout.is_empty() {
        out.stderr
    } else {
        out.stdout
    };
    String::from_utf8_lossy(&text)
        .lines()
        .next()
        .map(|l| l.trim().to_string())
}

/// Where a command is on PATH.
pub fn which(bin: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(bin))
        .find(|p| p.is_file())
}

/// Debian's Chromium for the browser tests, installed when missing.
pub fn chromium() -> Result<PathBuf> {
    let p = PathBuf::from(CHROMIUM);
    if !p.exists() {
        apt_install(
            &["chromium"],
            "the browser the end-to-end tests drive headless (no browser download is possible here)",
        )?;
    }
    if version_of(CHROMIUM, "--version").is_some() {
        Ok(p)
    } else {
        Err(format!(
            "{CHROMIUM} does not run after apt-get install chromium\n  by hand: {}",
            by_hand(&["chromium"])
        ))
    }
}

pub const CHROMIUM: &str = "/usr/bin/chromium";

/// Whether a compiler builds a program under AddressSanitizer and UBSan.
pub fn sanitizer_build_works(compiler: &str, ext: &str) -> bool {
    let dir =
        std::env::temp_dir().join(format!("mapioffline-cc-{compiler}-{}", std::process::id()));
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
}

/// The C ABI's tests (`ffi/tests`) and the C++ renderer's tests (`core/tests`) compile C
/// and C++ clients with gcc and g++, plain and under AddressSanitizer and UBSan: installs
/// g++ when the machine has only gcc.
pub fn c_compilers() -> Result {
    let mut missing = Vec::new();
    if !sanitizer_build_works("gcc", "c") {
        missing.push("gcc");
    }
    if !sanitizer_build_works("g++", "cpp") {
        missing.push("g++");
    }
    if missing.is_empty() {
        return Ok(());
    }
    apt_install(
        &missing,
        "the C ABI's tests build C and C++ clients, also under -fsanitize=address,undefined",
    )?;
    if sanitizer_build_works("gcc", "c") && sanitizer_build_works("g++", "cpp") {
        Ok(())
    } else {
        Err(format!(
            "gcc/g++ cannot build a program with -fsanitize=address,undefined after apt-get install\n  by hand: {}",
            by_hand(&missing)
        ))
    }
}

/// tmux for the REPL's terminal tests (`cli/tests/terminal.rs`), installed when missing.
pub fn tmux() -> Result {
    if version_of("tmux", "-V").is_none() {
        apt_install(
            &["tmux"],
            "the REPL's tests type into a real terminal (a tmux pane)",
        )?;
    }
    match version_of("tmux", "-V") {
        Some(_) => Ok(()),
        None => Err(format!(
            "tmux does not run after apt-get install tmux\n  by hand: {}",
            by_hand(&["tmux"])
        )),
    }
}
