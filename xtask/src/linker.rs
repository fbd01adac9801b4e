//! Finding a wasm linker for Debian's Rust, rather than assuming one path.
//!
//! rustc links `wasm32-unknown-unknown` with LLVM's lld in its wasm flavour. Which file
//! provides it moves between Debian releases: `/usr/bin/rust-lld` came with `rustc-web`,
//! then moved to `rust-web-llvm`; `lld-NN` gives `wasm-ld-NN` and `lld-NN`. So the build
//! looks for every form, asks each one its version, and passes the chosen one explicitly
//! (`CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER`). rustc calls any linker of this target
//! as `LINKER -flavor wasm …`, which every lld binary understands, whatever its name.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A user's own linker, taken before any other (and refused with a reason if unusable).
pub const OVERRIDE_VAR: &str = "MAPIOFFLINE_WASM_LINKER";

/// One place a wasm linker may be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub path: PathBuf,
    /// How it was found, for the report ("rust-lld in rustc's sysroot", "lld-22 -flavor wasm").
    pub how: String,
}

/// A candidate that answered, with its lld version.
#[derive(Debug, Clone)]
pub struct Linker {
    pub path: PathBuf,
    pub how: String,
    pub version: String,
    pub major: u32,
}

/// Why a candidate that exists was not taken.
#[derive(Debug, Clone)]
pub struct Rejected {
    pub candidate: Candidate,
    pub why: String,
}

/// What a search found: the linker to use (if any) and everything it looked at.
#[derive(Debug, Default)]
pub struct Search {
    pub chosen: Option<Linker>,
    pub usable: Vec<Linker>,
    pub rejected: Vec<Rejected>,
    /// Paths looked at that do not exist, so an error can list them.
    pub absent: Vec<PathBuf>,
}

/// The major version of the LLVM that `rustc -vV` reports (`LLVM version: 22.1.8`).
pub fn llvm_major(rustc_vv: &str) -> Option<u32> {
    rustc_vv
        .lines()
        .find_map(|l| l.strip_prefix("LLVM version: "))
        .and_then(|v| v.trim().split('.').next())
        .and_then(|m| m.parse().ok())
}

/// The major version in an lld banner (`Debian LLD 22.1.8`, `LLD 19.1.7 (compatible…)`).
pub fn lld_major(banner: &str) -> Option<u32> {
    let words: Vec<&str> = banner.split_whitespace().collect();
    let at = words.iter().position(|w| *w == "LLD")?;
    words
        .get(at + 1)?
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
}

/// Every place a wasm linker may be, best first: the override, rust-lld (rustc's own
/// sysroot, then `/usr/bin`, then PATH), then `wasm-ld` and `lld` of each LLVM version
/// under `/usr/bin` and `/usr/lib/llvm-NN/bin`, newest first.
pub fn candidates(sysroot: &Path, host: &str, llvm_dirs: &[u32]) -> Vec<Candidate> {
    let mut c = Vec::new();
    let mut push = |path: PathBuf, how: String| {
        if !c.iter().any(|x: &Candidate| x.path == path) {
            c.push(Candidate { path, how });
        }
    };
    if let Some(p) = std::env::var_os(OVERRIDE_VAR) {
        push(PathBuf::from(p), format!("${OVERRIDE_VAR}"));
    }
    push(
        sysroot.join("lib/rustlib").join(host).join("bin/rust-lld"),
        "rust-lld in rustc's sysroot".into(),
    );
    push(
        "/usr/bin/rust-lld".into(),
        "rust-lld (rust-web-llvm)".into(),
    );
    for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
        push(dir.join("rust-lld"), "rust-lld on PATH".into());
        push(dir.join("wasm-ld"), "wasm-ld on PATH".into());
    }
    let mut versions = llvm_dirs.to_vec();
    versions.sort_unstable_by(|a, b| b.cmp(a));
    for n in versions {
        push(
            format!("/usr/bin/wasm-ld-{n}").into(),
            format!("wasm-ld-{n} (lld-{n})"),
        );
        push(
            format!("/usr/lib/llvm-{n}/bin/wasm-ld").into(),
            format!("wasm-ld of llvm-{n}"),
        );
        push(
            format!("/usr/bin/lld-{n}").into(),
            format!("lld-{n} -flavor wasm (lld-{n})"),
        );
        push(
            format!("/usr/lib/llvm-{n}/bin/lld").into(),
            format!("lld of llvm-{n} -flavor wasm"),
        );
    }
    c
}

/// LLVM versions present as `/usr/lib/llvm-NN` or `/usr/bin/*-NN` lld binaries, plus
/// `want` (so its paths are listed even when absent).
pub fn llvm_versions_here(want: Option<u32>) -> Vec<u32> {
    let mut v: Vec<u32> = want.into_iter().collect();
    let mut note = |name: &str, prefix: &str| {
        if let Some(n) = name.strip_prefix(prefix).and_then(|n| n.parse().ok()) {
            if !v.contains(&n) {
                v.push(n);
            }
        }
    };
    for (dir, prefixes) in [
        ("/usr/lib", &["llvm-"][..]),
        ("/usr/bin", &["wasm-ld-", "lld-"][..]),
    ] {
        if let Ok(rd) = std::fs::read_dir(dir) {
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                for p in prefixes {
                    note(&name, p);
                }
            }
        }
    }
    v
}

/// Asks one candidate for its version the way rustc will call it (`-flavor wasm`).
fn probe(c: &Candidate) -> Result<Linker, String> {
    let out = Command::new(&c.path)
        .args(["-flavor", "wasm", "--version"])
        .output()
        .map_err(|e| format!("cannot run it: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "`-flavor wasm --version` failed ({}): {}",
            out.status,
            err.lines().next().unwrap_or("").trim()
        ));
    }
    let major = lld_major(&text).ok_or_else(|| format!("not an lld: it says {text:?}"))?;
    Ok(Linker {
        path: c.path.clone(),
        how: c.how.clone(),
        version: text,
        major,
    })
}

/// Looks at every candidate and chooses: the override if it works, otherwise the first
/// usable one whose LLVM is at least rustc's (an older lld may not read newer objects).
pub fn search(candidates: &[Candidate], llvm: Option<u32>) -> Search {
    let mut s = Search::default();
    for c in candidates {
        if !c.path.exists() {
            s.absent.push(c.path.clone());
            continue;
        }
        match probe(c) {
            Ok(l) => match llvm {
                Some(want) if l.major < want && !c.how.starts_with('$') => {
                    s.rejected.push(Rejected {
                        candidate: c.clone(),
                        why: format!("lld {} is older than rustc's LLVM {want}", l.major),
                    })
                }
                _ => s.usable.push(l),
            },
            Err(why) => s.rejected.push(Rejected {
                candidate: c.clone(),
                why,
            }),
        }
    }
    if let Some(o) = std::env::var_os(OVERRIDE_VAR) {
        // The user's choice is honoured or refused, never silently replaced.
        let o = PathBuf::from(o);
        s.chosen = s.usable.iter().find(|l| l.path == o).cloned();
        return s;
    }
    s.chosen = s.usable.first().cloned();
    s
}

/// Debian packages that provide a wasm linker for an LLVM major version, best first.
/// `lld-NN` alone gives `wasm-ld-NN`; `rust-web-llvm` gives `/usr/bin/rust-lld`, but as a
/// link into `lld-NN` (it pulls in all of `llvm-NN` and no lld: seen with 1.96.0), so it
/// comes second, for a release where the names change again.
pub fn providing_packages(llvm: Option<u32>) -> Vec<String> {
    let mut p: Vec<String> = llvm.map(|n| format!("lld-{n}")).into_iter().collect();
    p.push("rust-web-llvm".to_string());
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_llvm_version_of_rustc() {
        let vv = "rustc 1.96.0 (ac68faa20 2026-05-25)\nbinary: rustc\nhost: x86_64-unknown-linux-gnu\nrelease: 1.96.0\nLLVM version: 22.1.8\n";
        assert_eq!(llvm_major(vv), Some(22));
        assert_eq!(llvm_major("rustc 1.95.0\n"), None);
    }

    #[test]
    fn reads_lld_banners() {
        assert_eq!(lld_major("Debian LLD 22.1.8"), Some(22));
        assert_eq!(
            lld_major("LLD 19.1.7 (compatible with GNU linkers)"),
            Some(19)
        );
        assert_eq!(lld_major("GNU ld (GNU Binutils for Debian) 2.40"), None);
    }

    #[test]
    fn candidates_put_rust_lld_first_and_newest_llvm_first() {
        let c = candidates(
            Path::new("/usr/lib/rust-web"),
            "x86_64-unknown-linux-gnu",
            &[19, 22],
        );
        let paths: Vec<String> = c.iter().map(|c| c.path.display().to_string()).collect();
        let at = |p: &str| {
            paths
                .iter()
                .position(|x| x == p)
                .unwrap_or_else(|| panic!("{p} not in {paths:?}"))
        };
        assert!(
            at("/usr/lib/rust-web/lib/rustlib/x86_64-unknown-linux-gnu/bin/rust-lld")
                < at("/usr/bin/rust-lld")
        );
        assert!(at("/usr/bin/rust-lld") < at("/usr/bin/wasm-ld-22"));
        assert!(at("/usr/bin/wasm-ld-22") < at("/usr/bin/lld-22"));
        assert!(at("/usr/lib/llvm-22/bin/lld") < at("/usr/bin/wasm-ld-19"));
        // No path twice, even when PATH holds /usr/bin.
        let mut sorted = paths.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), paths.len());
    }

    #[test]
    fn a_missing_linker_is_absent_not_chosen() {
        let c = vec![Candidate {
            path: "/nonexistent/rust-lld".into(),
            how: "test".into(),
        }];
        let s = search(&c, Some(22));
        assert!(s.chosen.is_none());
        assert_eq!(s.absent, vec![PathBuf::from("/nonexistent/rust-lld")]);
    }

    #[test]
    fn something_that_is_not_lld_is_rejected_with_its_answer() {
        // `true` accepts any arguments and prints nothing: not an lld.
        let c = vec![Candidate {
            path: "/bin/true".into(),
            how: "test".into(),
        }];
        let s = search(&c, Some(22));
        assert!(s.chosen.is_none());
        assert!(s.rejected[0].why.contains("not an lld"), "{:?}", s.rejected);
    }

    #[test]
    fn the_packages_named_for_a_version() {
        assert_eq!(providing_packages(Some(22)), ["lld-22", "rust-web-llvm"]);
        assert_eq!(providing_packages(None), ["rust-web-llvm"]);
    }
}
