//! The page's wasm split into a main module and chunks loaded when first needed (Leptos'
//! `#[lazy]` functions, `wasm_split_helpers`): what the first interaction does not need
//! (the trace reader behind "Open…", and the like) is not downloaded before it.
//!
//! The page's build links with `--emit-relocs` (`web/build.rs`: the JS API's module is
//! not split, and binaryen cannot read a module that keeps its relocations); `wasm-split-cli` (crate
//! `wasm_split_cli_support`, installed at [`VERSION`] into `target/tools`) cuts the
//! linked module at its split points into the main module, one `split_*.wasm` per chunk
//! and `__wasm_split.js`, the loader the main module imports; wasm-bindgen then runs on
//! the main module (keeping the linker's exports the chunks import) and wasm-opt on every
//! part. A chunk is `split_NAME_HASH.wasm` (one lazy function's own code) or
//! `chunk_N.wasm` (code several of them share, fetched with the first that needs it).

use crate::{done, rel, root, run, step, Result};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The splitter's version: one that reads the split points of the `wasm_split_helpers`
/// in Cargo.lock.
pub const VERSION: &str = "0.2.4";
/// The loader the main module imports, beside it.
pub const LOADER: &str = "__wasm_split.js";

pub fn bin_path() -> PathBuf {
    root().join("target/tools/bin/wasm-split-cli")
}

/// The installed splitter's version, if it is installed in `target/tools`.
pub fn installed_version() -> Option<String> {
    let out = crate::cargo()
        .args(["install", "--list", "--root"])
        .arg(root().join("target/tools"))
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).lines().find_map(|l| {
        l.strip_prefix("wasm_split_cli_support v")
            .map(|v| v.trim_end_matches(':').to_string())
    })
}

/// The splitter at [`VERSION`], installed into `target/tools` when missing.
pub fn splitter() -> Result<PathBuf> {
    let bin = bin_path();
    if bin.exists() && installed_version().as_deref() == Some(VERSION) {
        return Ok(bin);
    }
    let tools = root().join("target/tools");
    let t = step(&format!(
        "installing wasm-split-cli {VERSION} into {} — splits the page's wasm so that what \
         the first interaction does not need loads later (first time: a minute or two)",
        rel(&tools)
    ));
    run(crate::cargo()
        .args([
            "install",
            "wasm_split_cli_support",
            "--version",
            VERSION,
            "--features",
            "build-binary",
            // Over another version, or a binary copied in by hand.
            "--force",
            "--root",
        ])
        .arg(&tools))
    .map_err(|e| {
        format!(
            "{e}\n  by hand: cargo install wasm_split_cli_support --version {VERSION} \
             --features build-binary --root {}",
            rel(&tools)
        )
    })?;
    done(t);
    Ok(bin)
}

/// A chunk the splitter writes: `split_NAME_HASH.wasm` for a `#[lazy]` function's own
/// code, `chunk_N.wasm` for code two of them share.
pub fn is_chunk(file: &str) -> bool {
    (file.starts_with("split_") || file.starts_with("chunk_")) && file.ends_with(".wasm")
}

/// What the splitter wrote: the main module (for wasm-bindgen) and the chunks.
pub struct Parts {
    pub main: PathBuf,
    pub chunks: Vec<PathBuf>,
}

/// Splits `wasm` into `out` (the site's `pkg/`, where the loader and the chunks stay):
/// the main module goes to `out/NAME.split.wasm`, to be bound by wasm-bindgen as `NAME`.
pub fn split(bin: &Path, wasm: &Path, out: &Path, name: &str) -> Result<Parts> {
    // Chunks of an earlier build must not linger in the site.
    if let Ok(rd) = std::fs::read_dir(out) {
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if is_chunk(&n) || n == LOADER {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let t = step(&format!(
        "wasm-split {name} (the main module and its lazy chunks)"
    ));
    run(Command::new(bin)
        .arg(wasm)
        .arg(out)
        .args(["--target", "web", "--out-name", name]))?;
    done(t);
    let written = out.join(format!("{name}.wasm"));
    let main = out.join(format!("{name}.split.wasm"));
    std::fs::rename(&written, &main)
        .map_err(|e| format!("wasm-split wrote no {}: {e}", written.display()))?;
    if !out.join(LOADER).exists() {
        return Err(format!("wasm-split wrote no {LOADER} in {}", rel(out)));
    }
    let mut chunks: Vec<PathBuf> = std::fs::read_dir(out)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| is_chunk(&n.to_string_lossy()))
        })
        .collect();
    chunks.sort();
    Ok(Parts { main, chunks })
}

#[cfg(test)]
mod tests {
    use super::is_chunk;

    #[test]
    fn chunks_are_the_splitters_own_files_only() {
        assert!(is_chunk("split_read_trace_lazily_6363451538855193182.wasm"));
        assert!(is_chunk("chunk_5.wasm"));
        assert!(!is_chunk("mapioffline_web_bg.wasm"));
        assert!(!is_chunk("mapioffline_api_bg.wasm"));
        assert!(!is_chunk("split_notes.txt"));
    }
}
