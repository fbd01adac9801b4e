//! `build`: the call builder of the playground, in the terminal. It lists core's forms,
//! the choices of each argument (given the names a script has bound), and writes the
//! statement for `NAME=VALUE` pairs; core decides all of it (`scenario::builder`).

use crate::output::{self, error};
use crate::status::{BAD_INPUT, OK};
use mapioffline::scenario::builder::{self, Bound, Form, FORMS};
use mapioffline::scenario::{self, quote, Runner};
use mapioffline::util::nearest;
use std::io::{self, Write};

/// `mapioffline build [FORM [NAME=VALUE…]] [--after FILE]`.
pub fn build(form: Option<&str>, values: &[String], after: Option<&str>) -> u8 {
    let Some(id) = form else {
        return print(list());
    };
    let Some(f) = builder::form(id) else {
        match nearest(id, FORMS.iter().map(|f| f.id)) {
            Some(s) => error(format!("no form named {}; did you mean `{s}`?", quote(id))),
            None => error(format!("no form named {}", quote(id))),
        }
        eprintln!("hint: `mapioffline build` lists them");
        return BAD_INPUT;
    };
    let bound = match after.map(bound_after).transpose() {
        Ok(b) => b.unwrap_or_default(),
        Err(e) => {
            error(e);
            return BAD_INPUT;
        }
    };
    if values.is_empty() {
        return print(describe(f, &bound));
    }
    let mut pairs = Vec::new();
    for v in values {
        let Some((name, value)) = v.split_once('=') else {
            error(format!("{} is not NAME=VALUE", quote(v)));
            eprintln!("hint: `mapioffline build {id}` lists its arguments");
            return BAD_INPUT;
        };
        pairs.push((name.trim(), value));
    }
    match f.statement(&pairs) {
        Ok(s) => print(format!("{s}\n")),
        Err(builder::Missing(why)) => {
            error(why);
            eprintln!("hint: `mapioffline build {id}` lists its arguments");
            BAD_INPUT
        }
    }
}

/// What the script in `path` has bound by its end.
fn bound_after(path: &str) -> Result<Bound, String> {
    let src = crate::read_input(path)?;
    let script = scenario::parse(&src).map_err(|e| format!("{path}: {e}"))?;
    let mut r = Runner::default();
    for stmt in &script.stmts {
        r.exec(stmt)
            .map_err(|e| format!("{path}: line {}: {e}", stmt.line))?;
    }
    Ok(builder::bound(&mut r))
}

fn list() -> String {
    let width = FORMS.iter().map(|f| f.id.len()).max().unwrap_or(0);
    let mut s = String::new();
    for f in FORMS {
        s.push_str(&format!("{:width$}  {}\n", f.id, f.title));
    }
    s.push_str("\n`mapioffline build FORM` lists its arguments and their choices.\n");
    s
}

fn describe(f: &Form, b: &Bound) -> String {
    let mut s = format!("{}: {}\n", f.id, f.title);
    for p in f.params {
        let opt = if p.optional { " (optional)" } else { "" };
        s.push_str(&format!("\n  {}{opt}", p.name));
        if !p.doc.is_empty() {
            s.push_str(&format!(": {}", p.doc));
        }
        s.push('\n');
        for c in p.choices(b) {
            let note = if c.note.is_empty() {
                String::new()
            } else {
                format!("  {}", c.note)
            };
            s.push_str(&format!("    {}{note}\n", c.text));
        }
    }
    s.push_str(&format!(
        "\nWrite it with `mapioffline build {} NAME=VALUE…`.\n",
        f.id
    ));
    s
}

fn print(s: String) -> u8 {
    let r = io::stdout().lock().write_all(s.as_bytes());
    output::finish_stdout(r, OK)
}
