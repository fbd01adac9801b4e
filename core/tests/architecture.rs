//! ARCHITECTURE.md is the map of the code; this test keeps it true. Every path it names
//! (a backticked word with a `/` in it) exists, and every source file of the workspace is
//! named there, so moving or adding a file without updating the map fails here.
//!
//! A path is read from the repository root, or from `core/src/` (the tables of core's
//! modules say `sim/jobs.rs`). A directory named with a trailing `/` covers the non-Rust
//! files inside it (the C clients under `ffi/tests/c/`, the browser tests); Rust files
//! are named one by one.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("core lives in the workspace")
        .to_path_buf()
}

/// The backticked words of a Markdown text that look like paths.
fn named_paths(md: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, part) in md.split('`').enumerate() {
        // Odd parts are inside backticks; a fenced block has no paths we check.
        if i % 2 == 1
            && part.contains('/')
            && !part.contains([' ', '*', '<', '>', '…', '(', '{', '|', ':', '='])
            && !part.starts_with("//")
            && !part.starts_with("--")
        {
            out.push(part.trim_end_matches([',', '.']).to_string());
        }
    }
    out
}

/// Where a named path is, if anywhere.
fn resolve(p: &str) -> Option<PathBuf> {
    let p = p.trim_start_matches("./");
    [root().join(p), root().join("core/src").join(p)]
        .into_iter()
        .find(|c| c.exists())
}

/// Every file under `dir` (recursively), skipping build output and installed packages.
fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if name == "target" || name == "node_modules" || name.starts_with('.') {
            continue;
        }
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The workspace's source files that the map must name: the crates' sources, tests,
/// benches and examples, the C header, xtask and the browser tests.
fn source_files() -> Vec<PathBuf> {
    let r = root();
    let mut all = Vec::new();
    for crate_dir in ["core", "cli", "ffi", "web", "web/api", "xtask", "tests"] {
        for sub in ["src", "tests", "benches", "examples", "include", "e2e"] {
            files_under(&r.join(crate_dir).join(sub), &mut all);
        }
    }
    all.sort();
    all.dedup();
    all.into_iter()
        .filter(|p| {
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            matches!(ext, "rs" | "h" | "mjs" | "c" | "cpp")
        })
        // The web crate's own api/ crate is walked on its own; snapshots are data.
        .filter(|p| !p.components().any(|c| c.as_os_str() == "snapshots"))
        .collect()
}

#[test]
fn every_path_the_map_names_exists() {
    let md = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let missing: Vec<String> = named_paths(&md)
        .into_iter()
        .filter(|p| resolve(p).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md names paths that do not exist: {missing:?}"
    );
}

#[test]
fn every_source_file_is_named_in_the_map() {
    let md = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let named: BTreeSet<PathBuf> = named_paths(&md)
        .iter()
        .filter_map(|p| resolve(p))
        .map(|p| p.canonicalize().unwrap_or(p))
        .collect();
    let unnamed: Vec<String> = source_files()
        .into_iter()
        .filter(|f| {
            let f = f.canonicalize().unwrap_or_else(|_| f.clone());
            if named.contains(&f) {
                return false;
            }
            // A non-Rust file is covered by a named directory it is in.
            let rust = f.extension().is_some_and(|e| e == "rs");
            rust || !named.iter().any(|d| d.is_dir() && f.starts_with(d))
        })
        .map(|f| {
            f.strip_prefix(root().canonicalize().unwrap())
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| f.display().to_string())
        })
        .collect();
    assert!(
        unnamed.is_empty(),
        "source files ARCHITECTURE.md does not name (add each to its table): {unnamed:#?}"
    );
}

#[test]
fn the_path_reader_reads_what_it_should() {
    let md = "the file `core/src/sim/jobs.rs`, the flag `--include-ignored`, \
              the call `a->b(x)`, the dir `ffi/tests/c/`, a comment `// x/y`, `mod.rs`";
    assert_eq!(
        named_paths(md),
        ["core/src/sim/jobs.rs", "ffi/tests/c/"],
        "only words that are paths"
    );
    assert!(resolve("sim/mod.rs").is_some(), "read from core/src too");
    assert!(resolve("no/such/file.rs").is_none());
}
