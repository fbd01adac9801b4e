//! `docs/contract.md` is the clause registry as a document, and current; the repository
//! points nowhere outside itself.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn docs_contract_md_is_current() {
    let doc = mapioffline::explain::contract_markdown();
    let path = root().join("docs/contract.md");
    if std::env::var_os("UPDATE_CONTRACT").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &doc).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == doc,
        "docs/contract.md is out of date: run UPDATE_CONTRACT=1 cargo test -p mapioffline --test contract_doc"
    );
    // Every clause, rule and API item is in it.
    for c in mapioffline::CLAUSES {
        assert!(
            doc.contains(&format!("| {} | {} |", c.id, c.kind.as_str())),
            "{}",
            c.id
        );
    }
    for r in mapioffline::RULES {
        assert!(doc.contains(&format!("| {} | ", r.rule)), "{}", r.rule);
    }
    for item in [
        "HrOpenOfflineObj@20",
        "HRESULT SetCurrentState(",
        "void Notify(",
        "STDAPI HrCreateOfflineObj(",
    ] {
        assert!(doc.contains(item), "{item}");
    }
}

/// Text files of the repository (what git tracks or would, outside `target/`).
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name != ".ci"
            || name == "target"
            || name == "corpus"
            || name == "node_modules"
        {
            continue;
        }
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn the_repository_points_nowhere_outside_itself() {
    let mut all = Vec::new();
    files(&root(), &mut all);
    assert!(all.len() > 50, "{} files", all.len());
    // Spelled in pieces so that this file does not match itself.
    let outside = [
        concat!("../", "shared"),
        concat!("/wo", "rk/"),
        concat!("shared/", "spec"),
    ];
    for f in all {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        for o in outside {
            assert!(!text.contains(o), "{} mentions {o}", f.display());
        }
    }
}
