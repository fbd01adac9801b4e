//! The contract as a document: every clause of the registry by section, each API item's
//! declaration, the doc-defect clauses' two readings, the structures, constants, HRESULTs
//! and client rules. `docs/contract.md` is this text, kept current by a test
//! (`UPDATE_CONTRACT=1 cargo test -p mapioffline --test contract_doc` rewrites it).

use super::clauses::{kind_sentence, readings};
use super::{api, STRUCTS};
use crate::clauses::{ClauseKind, CLAUSES, RULES};
use crate::consts::{Arch, CONSTANTS, HRESULTS, KNOWN_GUIDS};
use std::fmt::Write as _;

fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

/// The whole contract in Markdown.
pub fn contract_markdown() -> String {
    let mut out = String::new();
    let w = &mut out;
    // Writing to a String cannot fail.
    let _ = write_contract(w);
    out
}

fn write_contract(w: &mut String) -> std::fmt::Result {
    writeln!(w, "# The Offline State API contract\n")?;
    writeln!(
        w,
        "Generated from the clause registry in `core/` (`mapioffline::CLAUSES`): do not edit by hand; \
`UPDATE_CONTRACT=1 cargo test -p mapioffline --test contract_doc` rewrites it, and that test fails when it is \
out of date. `mapioffline explain ID` says the same about one clause, `mapioffline spec` adds which scenarios \
and lessons exercise each one.\n"
    )?;
    writeln!(
        w,
        "The contract restates, in the project's own words, what the public Outlook MAPI reference says about the \
Offline State API (Outlook 2010 and later, exported by `msmapi32.dll`), plus the choices the simulator makes \
where the reference is silent or contradicts itself. Every statement has a clause ID that traces, tests, \
lessons and checker findings cite.\n"
    )?;
    writeln!(w, "Kinds:\n")?;
    for k in [
        ClauseKind::Doc,
        ClauseKind::DocDefect,
        ClauseKind::Field,
        ClauseKind::Sim,
    ] {
        writeln!(w, "- **{}**: {}", k.as_str(), kind_sentence(k))?;
    }
    writeln!(w)?;
    let mut section = "";
    for c in CLAUSES {
        if c.source != section {
            section = c.source;
            writeln!(w, "## {section}\n")?;
            // "§3 IMAPIOffline::SetCurrentState" names the API item the section is about.
            let item = section.split_once(' ').map_or(section, |(_, rest)| rest);
            if let Some(d) = api::find(item) {
                writeln!(w, "```c\n{}\n```\n", d.signature)?;
                writeln!(w, "{}: {}.\n", d.name, d.place)?;
            }
            writeln!(w, "| ID | kind | statement |\n|---|---|---|")?;
            for c in CLAUSES.iter().filter(|o| o.source == section) {
                writeln!(
                    w,
                    "| {} | {} | {} |",
                    c.id,
                    c.kind.as_str(),
                    cell(c.summary)
                )?;
            }
            writeln!(w)?;
            for c in CLAUSES
                .iter()
                .filter(|o| o.source == section && o.kind == ClauseKind::DocDefect)
            {
                writeln!(w, "Readings of {}:\n", c.id)?;
                for r in readings(c.clause) {
                    writeln!(w, "- {r}")?;
                }
                writeln!(w)?;
            }
        }
    }
    writeln!(w, "## Structures\n")?;
    for s in STRUCTS {
        writeln!(
            w,
            "### {}\n\n{} ulSize {} on x86, {} on x64.\n",
            s.name,
            s.role,
            (s.size)(Arch::X86),
            (s.size)(Arch::X64)
        )?;
        writeln!(w, "| field | contract |\n|---|---|")?;
        for (decl, about) in s.fields {
            writeln!(w, "| `{decl}` | {} |", cell(about))?;
        }
        writeln!(w, "\n{}\n", s.size_note)?;
    }
    writeln!(w, "## Constants\n")?;
    writeln!(w, "| name | value |\n|---|---|")?;
    for c in CONSTANTS {
        writeln!(w, "| {} | 0x{:08X} |", c.name, c.value)?;
    }
    writeln!(w, "\n| HRESULT | value | meaning |\n|---|---|---|")?;
    for h in HRESULTS {
        writeln!(
            w,
            "| {} | 0x{:08X} | {} |",
            h.name,
            h.value.0,
            cell(h.meaning)
        )?;
    }
    writeln!(w, "\n| GUID | value |\n|---|---|")?;
    for g in KNOWN_GUIDS {
        writeln!(w, "| {} | `{}` |", g.name, g.guid)?;
    }
    writeln!(w, "\n## §9 Client obligations the checker enforces\n")?;
    writeln!(w, "| rule | obligation | clauses |\n|---|---|---|")?;
    for r in RULES {
        let ids: Vec<&str> = r.clauses.iter().map(|c| c.id()).collect();
        writeln!(
            w,
            "| {} | {} | {} |",
            r.rule,
            cell(r.obligation),
            ids.join(", ")
        )?;
    }
    Ok(())
}
