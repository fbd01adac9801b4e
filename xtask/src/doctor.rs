//! `cargo xtask doctor`: each tool the build and the tests need, where it was found on
//! this machine and its version, so that the next packaging change is diagnosed in one
//! command. It installs nothing; `cargo xtask test` installs what is missing.

use crate::install::{self, version_of, which};
use crate::{linker, rel, root, toolchain, Result};
use std::path::PathBuf;

/// One line of the report.
#[derive(Debug)]
pub struct Item {
    /// What it is for ("wasm linker").
    pub what: &'static str,
    /// Where it was found, if it was.
    pub path: Option<PathBuf>,
    /// Its version (or what it said), or why it is missing.
    pub detail: String,
    /// How to get it when it is missing.
    pub fix: Option<String>,
}

impl Item {
    fn found(what: &'static str, path: PathBuf, detail: String) -> Item {
        Item {
            what,
            path: Some(path),
            detail,
            fix: None,
        }
    }
    fn missing(what: &'static str, detail: String, fix: String) -> Item {
        Item {
            what,
            path: None,
            detail,
            fix: Some(fix),
        }
    }
}

/// A command on PATH with its version, or a missing item installed by `pkgs`.
fn tool(what: &'static str, bin: &str, arg: &str, pkgs: &[&str]) -> Item {
    match (which(bin), version_of(bin, arg)) {
        (Some(p), Some(v)) => Item::found(what, p, v),
        (p, _) => Item::missing(
            what,
            match p {
                Some(p) => format!("{} does not run", p.display()),
                None => format!("no {bin} on PATH"),
            },
            install::by_hand(pkgs),
        ),
    }
}

/// Everything the build and the tests use, in the order they use it.
pub fn report() -> Vec<Item> {
    let mut items = vec![
        tool("cargo (rustup)", "cargo", "--version", &["(rustup)"]),
        tool("rustc (rustup)", "rustc", "--version", &["(rustup)"]),
    ];
    if toolchain::rustup_has_target() {
        items.push(Item::found(
            "wasm32 std (rustup)",
            PathBuf::from("rustup target wasm32-unknown-unknown"),
            "installed: the build uses rustup's toolchain and its rust-lld".into(),
        ));
    } else {
        items.push(debian_rust());
        items.push(debian_cargo());
        items.push(std_source());
        items.extend(linkers());
    }
    items.push(bindgen());
    items.push(splitter());
    items.push(tool("node", "node", "--version", &["nodejs"]));
    items.push(tool("npm", "npm", "--version", &["npm"]));
    for (what, pkg) in [
        ("playwright-core (npm)", "playwright-core"),
        ("binaryen wasm-opt (npm)", "binaryen"),
    ] {
        items.push(npm_package(what, pkg));
    }
    items.push(match version_of(install::CHROMIUM, "--version") {
        Some(v) => Item::found("chromium", install::CHROMIUM.into(), v),
        None => Item::missing(
            "chromium",
            format!("no {}", install::CHROMIUM),
            install::by_hand(&["chromium"]),
        ),
    });
    for (what, cc, ext) in [("gcc", "gcc", "c"), ("g++", "g++", "cpp")] {
        let mut it = tool(what, cc, "--version", &[cc]);
        if it.path.is_some() && !install::sanitizer_build_works(cc, ext) {
            it.fix = Some(install::by_hand(&[cc]));
            it.detail
                .push_str(" — but cannot build with -fsanitize=address,undefined");
            it.path = None;
        }
        items.push(it);
    }
    items.push(tool("tmux", "tmux", "-V", &["tmux"]));
    items
}

fn debian_rust() -> Item {
    let vv = toolchain::rustc_vv(toolchain::DEB_RUSTC);
    if vv.is_empty() {
        return Item::missing(
            "rustc (Debian, for wasm)",
            format!("no {}", toolchain::DEB_RUSTC),
            install::by_hand(&["rustc-web", "cargo-web", "rust-web-src"]),
        );
    }
    let first = vv.lines().next().unwrap_or("").to_string();
    let llvm = linker::llvm_major(&vv).map_or("LLVM ?".into(), |n| format!("LLVM {n}"));
    let problems: Vec<String> = toolchain::debian_missing()
        .into_iter()
        .filter(|m| m.starts_with("rustc"))
        .collect();
    if problems.is_empty() {
        Item::found(
            "rustc (Debian, for wasm)",
            toolchain::DEB_RUSTC.into(),
            format!("{first}, {llvm}"),
        )
    } else {
        Item::missing(
            "rustc (Debian, for wasm)",
            problems.join("; "),
            install::by_hand(&["rustc-web"]),
        )
    }
}

fn debian_cargo() -> Item {
    match version_of(toolchain::DEB_CARGO, "--version") {
        Some(v) => Item::found("cargo (Debian, for wasm)", toolchain::DEB_CARGO.into(), v),
        None => Item::missing(
            "cargo (Debian, for wasm)",
            format!("no {}", toolchain::DEB_CARGO),
            install::by_hand(&["cargo-web"]),
        ),
    }
}

fn std_source() -> Item {
    let src = toolchain::std_source(toolchain::DEB_RUSTC);
    if src.exists() {
        Item::found(
            "std source (-Zbuild-std)",
            src.parent().unwrap_or(&src).to_path_buf(),
            "present".into(),
        )
    } else {
        Item::missing(
            "std source (-Zbuild-std)",
            format!("no {}", src.display()),
            install::by_hand(&["rust-web-src"]),
        )
    }
}

/// The chosen wasm linker first, then every other usable or rejected one.
fn linkers() -> Vec<Item> {
    let llvm = linker::llvm_major(&toolchain::rustc_vv(toolchain::DEB_RUSTC));
    let s = toolchain::find_linker(llvm);
    let mut items = Vec::new();
    match &s.chosen {
        Some(l) => items.push(Item::found(
            "wasm linker (chosen)",
            l.path.clone(),
            format!("{}, {}", l.version, l.how),
        )),
        None => {
            let pkgs = linker::providing_packages(llvm);
            let pkgs: Vec<&str> = pkgs.iter().map(String::as_str).collect();
            items.push(Item::missing(
                "wasm linker (chosen)",
                format!(
                    "none usable (looked at {} places)",
                    s.absent.len() + s.rejected.len() + s.usable.len()
                ),
                install::by_hand(&pkgs),
            ))
        }
    }
    for l in s.usable.iter().skip(usize::from(s.chosen.is_some())) {
        items.push(Item::found(
            "wasm linker (also usable)",
            l.path.clone(),
            format!("{}, {}", l.version, l.how),
        ));
    }
    for r in &s.rejected {
        items.push(Item {
            what: "wasm linker (rejected)",
            path: Some(r.candidate.path.clone()),
            detail: r.why.clone(),
            fix: None,
        });
    }
    items
}

fn bindgen() -> Item {
    let want = toolchain::locked_bindgen_version().unwrap_or_else(|e| e);
    let bin = toolchain::bindgen_path();
    match version_of(&bin.display().to_string(), "--version") {
        Some(v) if v == format!("wasm-bindgen {want}") => {
            Item::found("wasm-bindgen-cli", bin, format!("{v} (as Cargo.lock)"))
        }
        other => Item::missing(
            "wasm-bindgen-cli",
            match other {
                Some(v) => format!("{v}, but Cargo.lock has {want}"),
                None => format!("not in {}", rel(&bin)),
            },
            format!(
                "cargo install wasm-bindgen-cli --version {want} --root target/tools (cargo xtask dist does this)"
            ),
        ),
    }
}

fn splitter() -> Item {
    let bin = crate::split::bin_path();
    let want = crate::split::VERSION;
    match (bin.exists(), crate::split::installed_version()) {
        (true, Some(v)) if v == want => Item::found("wasm-split-cli", bin, format!("{v} (pinned)")),
        (_, found) => Item::missing(
            "wasm-split-cli",
            match found {
                Some(v) => format!("{v}, but the build needs {want}"),
                None => format!("not in {}", rel(&bin)),
            },
            format!(
                "cargo install wasm_split_cli_support --version {want} --features build-binary --root target/tools (cargo xtask dist does this)"
            ),
        ),
    }
}

fn npm_package(what: &'static str, pkg: &str) -> Item {
    let dir = root().join("web/e2e/node_modules").join(pkg);
    let version = std::fs::read_to_string(dir.join("package.json"))
        .ok()
        .and_then(|j| {
            j.lines()
                .find_map(|l| l.trim().strip_prefix("\"version\": \"").map(str::to_string))
        })
        .map(|v| v.trim_end_matches(['"', ',']).to_string());
    match version {
        Some(v) => Item::found(what, dir, v),
        None => Item::missing(
            what,
            format!("not in {}", rel(&dir)),
            "cd web/e2e && npm ci".into(),
        ),
    }
}

/// Prints the report; fails when something is missing, naming how to get it.
pub fn run() -> Result {
    let items = report();
    let width = items.iter().map(|i| i.what.len()).max().unwrap_or(0);
    let mut missing = 0;
    for i in &items {
        match &i.path {
            Some(p) => println!(
                "ok       {:width$}  {}  ({})",
                i.what,
                p.display(),
                i.detail
            ),
            None => {
                missing += 1;
                println!("MISSING  {:width$}  {}", i.what, i.detail);
            }
        }
        if let Some(f) = &i.fix {
            println!("         {:width$}  fix: {f}", "");
        }
    }
    if missing == 0 {
        println!("\neverything the build and the tests need is here");
        Ok(())
    } else {
        Err(format!(
            "{missing} missing; `cargo xtask test` installs them (or run the fix lines above)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The report names every tool the build and the tests use, and what it says was
    /// found is really there.
    #[test]
    fn the_report_covers_every_tool_and_its_paths_exist() {
        let items = report();
        let names: Vec<&str> = items.iter().map(|i| i.what).collect();
        for want in [
            "cargo (rustup)",
            "wasm-bindgen-cli",
            "wasm-split-cli",
            "node",
            "npm",
            "playwright-core (npm)",
            "binaryen wasm-opt (npm)",
            "chromium",
            "gcc",
            "g++",
            "tmux",
        ] {
            assert!(names.contains(&want), "{want} not in {names:?}");
        }
        assert!(
            names.contains(&"wasm32 std (rustup)") || names.contains(&"wasm linker (chosen)"),
            "{names:?}"
        );
        for i in &items {
            match &i.path {
                Some(p) if i.what != "wasm32 std (rustup)" => {
                    assert!(p.exists(), "{} at {} does not exist", i.what, p.display())
                }
                Some(_) => {}
                None => assert!(i.fix.is_some(), "{} is missing with no fix", i.what),
            }
        }
    }
}
