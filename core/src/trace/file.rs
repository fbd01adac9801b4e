//! A trace file read back: what `mapioffline check` takes, what the playground opens and
//! its second module holds. One trace in the trace schema's JSON (a C client's
//! `MAPIOFFLINE_TRACE`, `mapioffline run --format json` for one scenario), or the array
//! `run --format json` writes for several files (`[{file, trace}]`). A trace whose run
//! stopped at a statement that could not run carries an `error` record
//! (`core/TRACE-SCHEMA.md`); it is read, and reported as a stop.
//!
//! ```
//! use mapioffline::trace::file::read;
//! let f = read("t.json", r#"{"schema": 1, "config": {}, "events": []}"#).unwrap();
//! assert_eq!(f.traces.len(), 1);
//! let why = read("t.json", "[]").unwrap_err();
//! assert_eq!(why.to_string(), "t.json: no trace in it (an empty array)");
//! let why = read("t.json", r#"{"schema": 1}"#).unwrap_err();
//! assert!(why.to_string().starts_with("t.json:1:13: not a mapioffline trace: missing field"), "{why}");
//! ```

use super::{Trace, SCHEMA_VERSION};
use crate::util::shorten;
use serde::Deserialize;
use serde_json::Value;

/// The traces of a file, each with the name it goes by (the file's own name for one
/// trace, each item's `file` for several).
#[derive(Debug)]
pub struct TraceFile {
    pub traces: Vec<(String, Trace)>,
    /// The runs that stopped at a statement that could not run: (trace's name, `FILE:LINE`,
    /// the message).
    pub stops: Vec<(String, String, String)>,
}

impl TraceFile {
    /// Its one trace, for a reader that shows one at a time (the playground); a file of
    /// several is refused, naming them.
    pub fn single(mut self, name: &str) -> Result<Trace, NotATrace> {
        if self.traces.len() == 1 {
            return Ok(self.traces.remove(0).1);
        }
        let names: Vec<String> = self.traces.iter().map(|(n, _)| shorten(n)).collect();
        Err(NotATrace(format!(
            "{name} holds {} traces ({}): open them one at a time (`mapioffline run FILE --format json` writes one)",
            names.len(),
            names.join(", ")
        )))
    }
}

/// Why a file is not a trace file, said for a person: `NAME:LINE:COLUMN: not a
/// mapioffline trace: …`, or what else is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotATrace(pub String);

impl std::fmt::Display for NotATrace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NotATrace {}

#[derive(Deserialize)]
#[serde(untagged)]
enum Shape {
    One(Trace),
    Many(Vec<NamedTrace>),
}

#[derive(Deserialize)]
struct NamedTrace {
    file: String,
    trace: Trace,
}

/// Reads `text`, the contents of the file called `name`.
pub fn read(name: &str, text: &str) -> Result<TraceFile, NotATrace> {
    let stops = preflight(name, text)?;
    let traces = match serde_json::from_str::<Shape>(text) {
        Ok(Shape::One(t)) => vec![(name.to_string(), t)],
        Ok(Shape::Many(v)) => v.into_iter().map(|n| (n.file, n.trace)).collect(),
        Err(e) => {
            // `untagged` hides where a trace went wrong; parse as one trace for the message.
            let detail = match serde_json::from_str::<Trace>(text) {
                Err(e1) => e1,
                Ok(_) => e,
            };
            let location = if detail.line() > 0 {
                format!("{name}:{}:{}", detail.line(), detail.column())
            } else {
                name.to_string()
            };
            // serde_json ends its message with the position, which `location` already gives.
            let message = detail.to_string();
            let message = message
                .rsplit_once(" at line ")
                .map_or(message.as_str(), |(m, _)| m);
            return Err(NotATrace(format!(
                "{location}: not a mapioffline trace: {}",
                shorten(message)
            )));
        }
    };
    Ok(TraceFile { traces, stops })
}

/// What the typed parse cannot say well: an empty array, a schema this version does not
/// read, and the stops recorded in the traces.
fn preflight(name: &str, text: &str) -> Result<Vec<(String, String, String)>, NotATrace> {
    // Malformed JSON is reported, with its position, by the typed parse after this.
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return Ok(Vec::new());
    };
    let traces: Vec<(String, &Value)> = match &v {
        Value::Array(items) if items.is_empty() => {
            return Err(NotATrace(format!(
                "{name}: no trace in it (an empty array)"
            )));
        }
        Value::Array(items) => items
            .iter()
            .map(|i| {
                let file = i.get("file").and_then(Value::as_str).unwrap_or(name);
                (file.to_string(), i.get("trace").unwrap_or(i))
            })
            .collect(),
        other => vec![(name.to_string(), other)],
    };
    let mut stops = Vec::new();
    for (file, t) in traces {
        if let Some(schema) = t.get("schema") {
            if schema.as_u64() != Some(u64::from(SCHEMA_VERSION)) {
                return Err(NotATrace(format!(
                    "{file}: trace schema {} is not one this mapioffline reads (schema {SCHEMA_VERSION})",
                    shorten(&schema.to_string())
                )));
            }
        }
        if let Some(e) = t.get("error") {
            let at = e.get("file").and_then(Value::as_str).unwrap_or("");
            let line = e.get("line").and_then(Value::as_u64).unwrap_or(0);
            let message = e.get("message").and_then(Value::as_str).unwrap_or("");
            stops.push((file, format!("{}:{line}", shorten(at)), shorten(message)));
        }
    }
    Ok(stops)
}
