//! `cargo xtask docs`: the guide. Core generates the pages and the CLI writes them
//! (`mapioffline guide --out docs`); this file only runs it, and turns the Markdown into
//! the playground site's `guide/` pages (`docs --html DIR`, and every `dist`).
//!
//! In the HTML, links to `.md` pages become links to `.html` pages, headings get the
//! anchors a Git host gives them, and the "open in the playground" links point at the
//! site's own playground (`../`). Mermaid blocks are drawn in the browser, offline, by
//! mermaid's standalone bundle (the npm package pinned in `xtask/guide/package-lock.json`,
//! its `dist/mermaid.min.js` copied into the site); on a machine without npm they are
//! shown as their source text, and the build says so.

use crate::{cargo, root, run, Result};
use pulldown_cmark::{html, CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use std::path::{Path, PathBuf};

pub fn command(args: &[String]) -> Result {
    match args {
        [] => {
            run(cargo()
                .args(["run", "-q", "-p", "mapioffline-cli", "--", "guide", "--out"])
                .arg(root().join("docs")))?;
            println!("docs/ regenerated; `git status` shows what changed");
            Ok(())
        }
        [flag, dir] if flag == "--html" => {
            let dir = PathBuf::from(dir);
            html_guide(&dir)?;
            println!("the guide as HTML in {}", dir.display());
            Ok(())
        }
        _ => Err(format!(
            "usage: cargo xtask docs [--html DIR], got {args:?}"
        )),
    }
}

/// The guide as HTML pages in `out` (the site's `guide/`): generated with playground
/// links relative to the site, then converted.
pub fn html_guide(out: &Path) -> Result {
    let md = root().join("target/guide-md");
    let _ = std::fs::remove_dir_all(&md);
    run(cargo()
        .args([
            "run",
            "-q",
            "-p",
            "mapioffline-cli",
            "--",
            "guide",
            "--playground",
            "../",
            "--out",
        ])
        .arg(&md))?;
    // The contract has its own generator; the guide links it.
    let contract = root().join("docs/contract.md");
    std::fs::copy(&contract, md.join("contract.md"))
        .map_err(|e| format!("cannot copy {}: {e}", contract.display()))?;
    let bundle = mermaid_bundle();
    convert_dir(&md, out, "", bundle.is_some())?;
    if let Some(b) = bundle {
        let to = out.join("mermaid.min.js");
        std::fs::copy(&b, &to).map_err(|e| format!("cannot copy {}: {e}", b.display()))?;
    }
    Ok(())
}

/// Mermaid's standalone bundle, installed from the lockfile if missing; `None` (said
/// once) when npm is missing or the install fails: the diagrams are then shown as text.
fn mermaid_bundle() -> Option<PathBuf> {
    let dir = root().join("xtask/guide");
    let bundle = dir.join("node_modules/mermaid/dist/mermaid.min.js");
    if bundle.exists() {
        return Some(bundle);
    }
    match crate::toolchain::npm_ci(
        "xtask/guide",
        "mermaid",
        "mermaid (draws the guide's diagrams offline)",
    ) {
        Ok(_) if bundle.exists() => Some(bundle),
        Ok(_) => {
            println!(
                "    npm ci did not install {}: diagrams shown as text",
                bundle.display()
            );
            None
        }
        Err(e) => {
            println!("    {e}\n    the guide's diagrams are shown as their Mermaid source");
            None
        }
    }
}

fn convert_dir(from: &Path, to: &Path, rel: &str, diagrams: bool) -> Result {
    std::fs::create_dir_all(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    let rd = std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for e in rd {
        let e = e.map_err(|e| e.to_string())?;
        let name = e.file_name().to_string_lossy().into_owned();
        let src = e.path();
        if src.is_dir() {
            convert_dir(&src, &to.join(&name), &format!("{rel}../"), diagrams)?;
        } else if let Some(stem) = name.strip_suffix(".md") {
            let text = std::fs::read_to_string(&src)
                .map_err(|e| format!("cannot read {}: {e}", src.display()))?;
            let stem = if stem == "README" { "index" } else { stem };
            let dst = to.join(format!("{stem}.html"));
            std::fs::write(&dst, page(&text, rel, diagrams))
                .map_err(|e| format!("cannot write {}: {e}", dst.display()))?;
        }
    }
    if rel.is_empty() {
        let css = to.join("guide.css");
        std::fs::write(&css, CSS).map_err(|e| format!("cannot write {}: {e}", css.display()))?;
    }
    Ok(())
}

/// A heading's anchor as Git hosts make it (the same rule as core's `guide::slug`; the
/// link test in core checks the Markdown side).
pub fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// `x.md#a` → `x.html#a`, `README.md` → `index.html`; other links unchanged.
pub fn html_link(dest: &str) -> String {
    if dest.contains("://") {
        return dest.to_string();
    }
    let (path, anchor) = dest
        .split_once('#')
        .map_or((dest, None), |(p, a)| (p, Some(a)));
    let path = match path.strip_suffix(".md") {
        Some(p) if p == "README" || p.ends_with("/README") => {
            format!("{}index.html", &p[..p.len() - "README".len()])
        }
        Some(p) => format!("{p}.html"),
        None => path.to_string(),
    };
    match anchor {
        Some(a) => format!("{path}#{a}"),
        None => path,
    }
}

/// One Markdown page as a whole HTML document; `root` leads from it to the guide's root.
/// With `diagrams`, Mermaid blocks are left for `mermaid.min.js` (in the root) to draw.
pub fn page(markdown: &str, root: &str, diagrams: bool) -> String {
    let mut events: Vec<Event> = Parser::new_ext(markdown, Options::ENABLE_TABLES).collect();
    let mut seen = std::collections::BTreeMap::<String, usize>::new();
    let mut title = String::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { .. }) = &events[i] {
            let mut text = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    text.push_str(t);
                }
                j += 1;
            }
            if title.is_empty() {
                title = text.clone();
            }
            let base = slug(&text);
            let n = seen.entry(base.clone()).or_insert(0);
            let id = if *n == 0 {
                base.clone()
            } else {
                format!("{base}-{n}")
            };
            *n += 1;
            if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                *slot = Some(CowStr::from(id));
            }
        }
        if let Event::Start(Tag::Link { dest_url, .. }) = &mut events[i] {
            *dest_url = CowStr::from(html_link(dest_url));
        }
        if let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) = &events[i] {
            if lang.as_ref() == "mermaid" {
                let end = (i..events.len())
                    .find(|&j| matches!(events[j], Event::End(TagEnd::CodeBlock)))
                    .unwrap_or(events.len() - 1);
                let source: String = events[i + 1..end]
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let html = if diagrams {
                    format!("<pre class=\"mermaid\">{}</pre>\n", escape(&source))
                } else {
                    format!(
                        "<p class=\"diagram-note\">Mermaid sequence diagram (its source; a Git host draws it):</p>\n\
<pre><code class=\"language-mermaid\">{}</code></pre>\n",
                        escape(&source)
                    )
                };
                events.splice(i..=end, [Event::Html(CowStr::from(html))]);
            }
        }
        i += 1;
    }
    let mut body = String::new();
    html::push_html(&mut body, events.into_iter());
    let script = if diagrams && body.contains("<pre class=\"mermaid\">") {
        format!(
            "<script src=\"{root}mermaid.min.js\"></script>\n\
<script>mermaid.initialize({{ startOnLoad: true, securityLevel: 'strict', maxTextSize: 200000, sequence: {{ useMaxWidth: false }} }});</script>\n"
        )
    } else {
        String::new()
    };
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<title>{} — mapioffline guide</title>\n<link rel=\"stylesheet\" href=\"{root}guide.css\">\n</head>\n<body>\n\
<nav class=\"top\"><a href=\"{root}index.html\">Guide</a> · <a href=\"{root}../index.html\">Playground</a></nav>\n\
<main>\n{body}</main>\n{script}</body>\n</html>\n",
        escape(&title)
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const CSS: &str = "\
body { font: 16px/1.5 system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 4rem; }
nav.top { padding: .5rem 1.5rem; background: #f3f4f6; border-bottom: 1px solid #ddd; }
a { color: #0b5cad; }
pre { background: #f6f8fa; padding: .75rem; overflow-x: auto; font-size: 13px; line-height: 1.35; }
code { font-family: ui-monospace, monospace; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ddd; padding: .3rem .6rem; vertical-align: top; }
.diagram-note { font-size: .9em; color: #555; margin-bottom: .2rem; }
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_between_pages_become_html() {
        assert_eq!(html_link("clauses.md#set-4"), "clauses.html#set-4");
        assert_eq!(html_link("../README.md"), "../index.html");
        assert_eq!(html_link("README.md"), "index.html");
        assert_eq!(html_link("#r1"), "#r1");
        assert_eq!(html_link("../#s=abc"), "../#s=abc");
        assert_eq!(
            html_link("http://127.0.0.1:8080/#s=x"),
            "http://127.0.0.1:8080/#s=x"
        );
    }

    #[test]
    fn a_page_has_its_headings_anchored_and_links_rewritten() {
        let md = "# Title\n\n## The scenario\n\n## The scenario\n\n### `SET-4`\n\nSee [x](clauses.md#set-4).\n\n```mermaid\nsequenceDiagram\n  A->>B: x<y\n```\n";
        let html = page(md, "../", false);
        assert!(html.contains("<h2 id=\"the-scenario\">"), "{html}");
        assert!(html.contains("<h2 id=\"the-scenario-1\">"));
        assert!(html.contains("<h3 id=\"set-4\">"));
        assert!(html.contains("href=\"clauses.html#set-4\""));
        assert!(html.contains("<title>Title — mapioffline guide</title>"));
        assert!(html.contains("href=\"../guide.css\""));
        assert!(
            html.contains(
                "<code class=\"language-mermaid\">sequenceDiagram\n  A-&gt;&gt;B: x&lt;y\n</code>"
            ),
            "{html}"
        );
        assert!(!html.contains("mermaid.min.js"));
        // With the bundle, the block is left for mermaid to draw, from the page's root.
        let drawn = page(md, "../", true);
        assert!(
            drawn.contains("<pre class=\"mermaid\">sequenceDiagram\n  A-&gt;&gt;B: x&lt;y\n</pre>"),
            "{drawn}"
        );
        assert!(drawn.contains("<script src=\"../mermaid.min.js\">"));
        assert!(!page("# T\n", "", true).contains("mermaid.min.js"));
    }
}
