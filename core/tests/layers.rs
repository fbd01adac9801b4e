//! Core's modules form layers (ARCHITECTURE.md, "Core's modules, bottom to top"): a module
//! may use modules of its own layer or below, never one above. This test reads the
//! sources and fails on an import that points up, so a circle cannot creep back in.

use std::collections::BTreeMap;
use std::path::Path;

/// The table of ARCHITECTURE.md. Every top-level module of core must be listed.
const LAYERS: &[(&str, u32)] = &[
    ("util", 0),
    ("consts", 0),
    ("clauses", 0),
    ("share", 0),
    ("trace", 1),
    ("sim", 2),
    ("checker", 3),
    ("render", 3),
    ("coverage", 3),
    ("explain", 3),
    ("scenario", 4),
    ("lessons", 5),
    ("challenges", 5),
    ("exercised", 5),
    ("guide", 6),
];

/// Sub-modules with a row of their own in ARCHITECTURE.md's table, with the only modules
/// they may use. `trace::walk` is the one reader of a trace's nesting that the checker,
/// coverage, the renderers and the playground share: it sits in layer 1 with the trace.
const SUBMODULES: &[(&str, u32, &[&str])] =
    &[("trace/walk.rs", 1, &["consts", "clauses", "trace"])];

/// Items that `lib.rs` re-exports at the crate root, with the module that defines them,
/// so `crate::Clause` counts as a use of `clauses`.
fn root_reexport(name: &str) -> Option<&'static str> {
    Some(match name {
        "Clause" | "ClauseKind" | "Rule" | "Set4Reading" | "CLAUSES" | "RULES" => "clauses",
        "Arch" | "Guid" | "HResult" => "consts",
        "Sim" | "SimError" | "Ret" => "sim",
        "Action" | "Config" | "ProfileSpec" | "Reaction" | "SinkSpec" | "AdviseInfo"
        | "AggregateInfo" | "Call" | "Caller" | "CreateInfo" | "Event" | "EventKind"
        | "NotifyInfo" | "Out" | "OutValue" | "Ptr" | "Tick" | "Trace" => "trace",
        _ => return None,
    })
}

fn layer(module: &str) -> u32 {
    LAYERS
        .iter()
        .find(|(m, _)| *m == module)
        .unwrap_or_else(|| panic!("module `{module}` is not in the layer table (ARCHITECTURE.md)"))
        .1
}

/// The source text outside `#[cfg(test)]` modules, without line comments: unit tests may
/// use anything.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap_or("");
    text.lines()
        .map(|l| l.split("//").next().unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

/// `crate::NAME` occurrences in `text`.
fn crate_refs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        out.push(name);
    }
    out
}

fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Every (from, to) module edge of core, with a file that makes it.
fn edges() -> BTreeMap<(String, String), String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut edges = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        let top = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" {
            continue;
        }
        for r in crate_refs(&code(&std::fs::read_to_string(&f).unwrap())) {
            let to = if LAYERS.iter().any(|(m, _)| *m == r) {
                r
            } else if let Some(m) = root_reexport(&r) {
                m.to_string()
            } else {
                panic!("{}: `crate::{r}` names neither a module nor a known re-export: add it to this test", rel.display());
            };
            if to != top {
                edges
                    .entry((top.clone(), to))
                    .or_insert_with(|| rel.display().to_string());
            }
        }
    }
    edges
}

#[test]
fn no_module_imports_one_above_it() {
    let up: Vec<String> = edges()
        .into_iter()
        .filter(|((from, to), _)| layer(to) > layer(from))
        .map(|((from, to), file)| {
            format!(
                "{from} (layer {}) uses {to} (layer {}) in {file}",
                layer(&from),
                layer(&to)
            )
        })
        .collect();
    assert!(up.is_empty(), "imports that point up:\n{}", up.join("\n"));
}

#[test]
fn the_table_lists_every_module_and_the_walk_sees_real_edges() {
    let e = edges();
    // Known edges, so that a parsing mistake that sees nothing cannot pass.
    for (from, to) in [
        ("sim", "trace"),
        ("scenario", "sim"),
        ("render", "trace"),
        ("trace", "clauses"),
    ] {
        assert!(
            e.contains_key(&(from.into(), to.into())),
            "expected {from} -> {to}"
        );
    }
    for (from, to) in e.keys() {
        layer(from);
        layer(to);
    }
}

#[test]
fn the_check_catches_an_upward_import() {
    let refs = crate_refs(&code(
        "use crate::sim::Config;\n// crate::render in a comment\n#[cfg(test)]\nuse crate::lessons;",
    ));
    assert_eq!(refs, ["sim"]);
    assert!(
        layer("sim") > layer("trace"),
        "trace using sim would be reported"
    );
}

#[test]
fn the_walk_uses_only_what_lies_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (file, layer_of, allowed) in SUBMODULES {
        let text = std::fs::read_to_string(src.join(file)).unwrap();
        let top = file.split('/').next().unwrap();
        assert_eq!(layer(top), *layer_of, "{file} is in the layer of `{top}`");
        for r in crate_refs(&code(&text)) {
            let m = root_reexport(&r).map_or(r.clone(), str::to_string);
            assert!(
                allowed.contains(&m.as_str()),
                "{file} uses `crate::{r}`, outside {allowed:?}"
            );
        }
        // `super::` inside trace/walk.rs is `trace` itself.
        assert!(
            !text.contains("super::super"),
            "{file} reaches above its module"
        );
    }
}

/// The readers of a trace's nesting use the walk: none keeps a stack of open calls of its
/// own (the property test `properties/walk.rs` shows they agree with what they did).
#[test]
fn every_nesting_reader_uses_the_walk() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for file in [
        "checker/mod.rs",
        "coverage.rs",
        "render/mermaid.rs",
        "render/cpp/mod.rs",
    ] {
        let text = code(&std::fs::read_to_string(src.join(file)).unwrap());
        assert!(
            text.contains("walk"),
            "{file} does not read the trace through trace::walk"
        );
    }
    let mut files = Vec::new();
    walk(&src, &mut files);
    for f in files {
        let text = code(&std::fs::read_to_string(&f).unwrap());
        let rel = f.strip_prefix(&src).unwrap().display().to_string();
        if rel == "trace/walk.rs" {
            continue;
        }
        // A Return paired with an open call by depth: `… .depth > d` / `depth == e.depth`.
        for needle in [
            "struct Nesting",
            "fn returns(",
            ".depth == e.depth",
            "c.depth == d",
        ] {
            assert!(
                !text.contains(needle),
                "{rel} re-derives the nesting (`{needle}`)"
            );
        }
    }
}
