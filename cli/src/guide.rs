//! `guide --out DIR`: writes the guide core generates (`mapioffline::guide`), the pages
//! of `docs/`. `cargo xtask docs` runs it; `core/tests/guide.rs` fails when `docs/`
//! differs from what it writes.

use crate::status::{BAD_INPUT, OK};
use mapioffline::guide::{pages, Options};
use std::path::Path;

pub fn guide(out: &Path, playground: &str) -> u8 {
    let options = Options {
        playground,
        scenarios: mapioffline_conformance::SCENARIOS,
    };
    let pages = match pages(&options) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: the guide cannot be generated: {e}");
            return BAD_INPUT;
        }
    };
    for p in &pages {
        let path = out.join(&p.path);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, &p.contents));
        if let Err(e) = written {
            eprintln!("error: cannot write {}: {e}", path.display());
            return BAD_INPUT;
        }
    }
    eprintln!("wrote {} pages to {}", pages.len(), out.display());
    OK
}
