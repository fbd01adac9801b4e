//! The clause registry beside its coverage: what `mapioffline spec` prints, as JSON
//! entries, Markdown or styled text lines. The front-end only finds the coverage (which
//! reads files) and writes what these return.

use crate::clauses::{Clause, CLAUSES};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One clause of the registry with what exercises it; serialised as `spec --format json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SpecEntry<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub section: &'a str,
    pub summary: &'a str,
    pub covered_by: &'a [String],
}

/// Every clause in registry order, with the scenarios and lessons that cover it.
pub fn spec_entries(coverage: &BTreeMap<Clause, Vec<String>>) -> Vec<SpecEntry<'_>> {
    CLAUSES
        .iter()
        .map(|c| SpecEntry {
            id: c.id,
            kind: c.kind.as_str(),
            section: c.source,
            summary: c.summary,
            covered_by: coverage.get(&c.clause).map_or(&[], Vec::as_slice),
        })
        .collect()
}

fn covered(entries: &[SpecEntry]) -> usize {
    entries.iter().filter(|e| !e.covered_by.is_empty()).count()
}

/// The entries as Markdown: a table per section.
pub fn spec_markdown(entries: &[SpecEntry]) -> String {
    let mut w = String::new();
    // Writing to a String cannot fail.
    let _ = write_markdown(&mut w, entries);
    w
}

fn write_markdown(w: &mut String, entries: &[SpecEntry]) -> std::fmt::Result {
    writeln!(w, "# The Offline State API contract\n")?;
    writeln!(
        w,
        "{} of {} clauses are exercised by the built-in lessons (`lesson:NAME`), challenges (`challenge:NAME`) and the conformance scenarios.\n",
        covered(entries),
        entries.len()
    )?;
    let mut section = "";
    for e in entries {
        if e.section != section {
            if !section.is_empty() {
                writeln!(w)?;
            }
            section = e.section;
            writeln!(w, "## {section}\n")?;
            writeln!(
                w,
                "| clause | kind | summary | covered by |\n|---|---|---|---|"
            )?;
        }
        let by = if e.covered_by.is_empty() {
            "**not covered**".to_string()
        } else {
            e.covered_by.join(", ")
        };
        writeln!(
            w,
            "| {} | {} | {} | {by} |",
            e.id,
            e.kind,
            e.summary.replace('|', "\\|")
        )?;
    }
    Ok(())
}

/// How a terminal may show a line of [`spec_text`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpecStyle {
    Plain,
    /// A section's title.
    Heading,
    /// What covers a clause.
    Dim,
}

/// The entries as text lines for a terminal, each with its style.
pub fn spec_text(entries: &[SpecEntry]) -> Vec<(SpecStyle, String)> {
    let mut lines = Vec::new();
    let mut section = "";
    for e in entries {
        if e.section != section {
            if !section.is_empty() {
                lines.push((SpecStyle::Plain, String::new()));
            }
            section = e.section;
            lines.push((SpecStyle::Heading, section.to_string()));
        }
        lines.push((
            SpecStyle::Plain,
            format!("{:<8} {:<10} {}", e.id, e.kind, e.summary),
        ));
        let by = if e.covered_by.is_empty() {
            "NOT COVERED".to_string()
        } else {
            e.covered_by.join(", ")
        };
        lines.push((SpecStyle::Dim, format!("{:19} covered by: {by}", "")));
    }
    lines.push((SpecStyle::Plain, String::new()));
    lines.push((
        SpecStyle::Plain,
        format!(
            "{} of {} clauses covered by the conformance scenarios and lessons",
            covered(entries),
            entries.len()
        ),
    ));
    lines
}
