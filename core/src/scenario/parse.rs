//! Lexer and parser of the scenario language. Errors carry line, column, what was
//! expected and a hint; unknown words suggest the nearest valid one.

use super::*;
use crate::consts::{CONSTANTS, HRESULTS, KNOWN_GUIDS};
use crate::util::nearest;
use std::fmt;

/// A syntax error at a place in the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line and column.
    pub line: usize,
    pub col: usize,
    /// Length of the offending text (at least 1), for underlining.
    pub len: usize,
    /// What the parser wanted there.
    pub expected: String,
    /// What it found.
    pub found: String,
    pub hint: Option<String>,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: expected {}, found {}",
            self.line, self.col, self.expected, self.found
        )?;
        if let Some(h) = &self.hint {
            write!(f, " (hint: {h})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Num(u64),
    Str(String),
    Guid(Guid),
    Punct(&'static str),
    End,
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    col: usize,
    len: usize,
}

/// How deeply `&` and `{…}` may nest in one value. The API's structures nest two deep
/// (`&{pCallback = s}`); the bound keeps hostile input from exhausting the stack.
pub const MAX_NESTING: usize = 32;

pub use crate::util::{quote, MAX_QUOTE};

const PUNCT: [&str; 15] = [
    "->", "==", "!=", "(", ")", ",", "&", "{", "}", "=", "|", ":", "[", "]", "~",
];

fn describe(t: &Tok) -> String {
    match t {
        Tok::Word(w) => quote(w),
        Tok::Num(n) => format!("number {n}"),
        Tok::Str(s) => format!("string {}", quote(s)),
        Tok::Guid(g) => format!("GUID {g}"),
        Tok::Punct(p) => format!("`{p}`"),
        Tok::End => "end of line".to_string(),
    }
}

fn lex(line_no: usize, line: &str) -> Result<Vec<Token>, ParseError> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |col: usize, expected: &str, found: String, hint: Option<String>| ParseError {
        line: line_no,
        col: col + 1,
        len: 1,
        expected: expected.to_string(),
        found,
        hint,
    };
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '#' {
            break;
        }
        let start = i;
        // Wide-string prefix L"…", as C writes profile names.
        let is_wide = c == 'L' && chars.get(i + 1) == Some(&'"');
        if c == '"' || is_wide {
            i += if is_wide { 2 } else { 1 };
            let mut s = String::new();
            loop {
                match chars.get(i) {
                    None => {
                        return Err(err(
                            start,
                            "a closing `\"`",
                            "end of line".into(),
                            Some("strings end on the line they start".into()),
                        ));
                    }
                    Some('"') => {
                        i += 1;
                        break;
                    }
                    Some('\\') => {
                        let e = chars.get(i + 1).copied();
                        match e {
                            Some('"') => s.push('"'),
                            Some('\\') => s.push('\\'),
                            Some('n') => s.push('\n'),
                            Some('t') => s.push('\t'),
                            _ => {
                                return Err(err(
                                    i,
                                    "an escape (\\\", \\\\, \\n, \\t)",
                                    format!("{:?}", e.map(String::from).unwrap_or_default()),
                                    None,
                                ));
                            }
                        }
                        i += 2;
                    }
                    Some(&ch) => {
                        s.push(ch);
                        i += 1;
                    }
                }
            }
            out.push(Token {
                tok: Tok::Str(s),
                col: start + 1,
                len: i - start,
            });
            continue;
        }
        if c == '{' {
            // A GUID literal `{XXXXXXXX-XXXX-…}` (exactly 38 characters) or a struct's
            // opening brace. Looking no further than 38 characters keeps lexing linear.
            if let Some(inner) = chars.get(i..i + 38) {
                if inner[37] == '}' {
                    let inner: String = inner.iter().collect();
                    if let Some(g) = Guid::parse(&inner) {
                        out.push(Token {
                            tok: Tok::Guid(g),
                            col: start + 1,
                            len: 38,
                        });
                        i += 38;
                        continue;
                    }
                }
            }
        }
        if c.is_ascii_digit() {
            let mut j = i;
            while j < chars.len() && (chars[j].is_ascii_alphanumeric() || chars[j] == '_') {
                j += 1;
            }
            let text: String = chars[i..j].iter().filter(|&&ch| ch != '_').collect();
            let value =
                if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
                    u64::from_str_radix(hex, 16).ok()
                } else {
                    text.parse::<u64>().ok()
                };
            let Some(v) = value else {
                return Err(ParseError {
                    line: line_no,
                    col: start + 1,
                    len: j - i,
                    expected: "a number (decimal, or hex with 0x)".into(),
                    found: quote(&chars[i..j].iter().collect::<String>()),
                    hint: None,
                });
            };
            out.push(Token {
                tok: Tok::Num(v),
                col: start + 1,
                len: j - i,
            });
            i = j;
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let mut j = i;
            // Words may contain `-` between letters (`no-notify`, clause IDs like SET-4).
            while j < chars.len()
                && (chars[j].is_alphanumeric()
                    || chars[j] == '_'
                    || chars[j] == '.'
                    || (chars[j] == '-'
                        && chars.get(j + 1).is_some_and(|n| n.is_alphanumeric())
                        && chars.get(j + 1) != Some(&'>')))
            {
                j += 1;
            }
            out.push(Token {
                tok: Tok::Word(chars[i..j].iter().collect()),
                col: start + 1,
                len: j - i,
            });
            i = j;
            continue;
        }
        let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
        if let Some(p) = PUNCT.iter().find(|p| rest.starts_with(**p)) {
            out.push(Token {
                tok: Tok::Punct(p),
                col: start + 1,
                len: p.len(),
            });
            i += p.chars().count();
            continue;
        }
        // `*` comes from C written into a script: a cast such as `(const GUID*)0x1234`,
        // as the C++ rendering prints raw addresses, or a dereference.
        let hint = (c == '*').then(|| {
            "scripts have no casts or `*`: write a raw address as a plain number (`0x1234`), a NULL pointer as NULL".to_string()
        });
        return Err(err(
            i,
            "a word, number, string or one of ( ) , & { } = | ~ : -> [ ]",
            format!("`{c}`"),
            hint,
        ));
    }
    out.push(Token {
        tok: Tok::End,
        col: chars.len() + 1,
        len: 1,
    });
    Ok(out)
}

struct P<'a> {
    line: usize,
    toks: &'a [Token],
    pos: usize,
    /// How many `&` and `{` enclose the value being parsed.
    depth: usize,
}

impl P<'_> {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].tok
    }
    fn tok(&self) -> &Token {
        &self.toks[self.pos]
    }
    fn bump(&mut self) -> Token {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }
    fn err(&self, expected: &str, hint: Option<String>) -> ParseError {
        let t = self.tok();
        ParseError {
            line: self.line,
            col: t.col,
            len: t.len.max(1),
            expected: expected.into(),
            found: describe(&t.tok),
            hint,
        }
    }
    fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }
    fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Word(x) if x == w)
    }
    fn punct(&mut self, p: &str) -> Result<(), ParseError> {
        if self.is_punct(p) {
            self.bump();
            Ok(())
        } else {
            Err(self.err(&format!("`{p}`"), None))
        }
    }
    fn word(&mut self, what: &str) -> Result<(String, usize), ParseError> {
        match self.peek().clone() {
            Tok::Word(w) => {
                let col = self.bump().col;
                Ok((w, col))
            }
            _ => Err(self.err(what, None)),
        }
    }
    fn string(&mut self, what: &str) -> Result<String, ParseError> {
        match self.peek().clone() {
            Tok::Str(s) => {
                self.bump();
                Ok(s)
            }
            _ => Err(self.err(
                what,
                Some("write the name in double quotes, e.g. \"Outlook\"".into()),
            )),
        }
    }
    fn end(&mut self) -> Result<(), ParseError> {
        if matches!(self.peek(), Tok::End) {
            Ok(())
        } else {
            Err(self.err(
                "end of line",
                Some("one statement per line; `#` starts a comment".into()),
            ))
        }
    }

    /// `a | b & ~c`: C's precedence, `~` before `&` before `|`.
    fn expr(&mut self) -> Result<Expr, ParseError> {
        let first = self.and_expr()?;
        if !self.is_punct("|") {
            return Ok(first);
        }
        let mut parts = vec![first];
        while self.is_punct("|") {
            self.bump();
            parts.push(self.and_expr()?);
        }
        Ok(Expr::Or(parts))
    }

    fn and_expr(&mut self) -> Result<Expr, ParseError> {
        let first = self.unary()?;
        if !self.is_punct("&") {
            return Ok(first);
        }
        let mut parts = vec![first];
        while self.is_punct("&") {
            self.bump();
            parts.push(self.unary()?);
        }
        Ok(Expr::And(parts))
    }

    /// `~x`, `~~x`…: counted, not recursed, so a long run of `~` cannot exhaust the stack.
    fn unary(&mut self) -> Result<Expr, ParseError> {
        let mut nots = 0usize;
        while self.is_punct("~") {
            self.bump();
            nots += 1;
        }
        let mut e = self.atom()?;
        // `~~x` is `x`: only the parity matters.
        if nots % 2 == 1 {
            e = Expr::Not(Box::new(e));
        }
        Ok(e)
    }

    fn atom(&mut self) -> Result<Expr, ParseError> {
        let t = self.tok().clone();
        match t.tok {
            Tok::Num(n) => {
                self.bump();
                Ok(Expr::Num(n))
            }
            Tok::Str(s) => {
                self.bump();
                Ok(Expr::Str(s))
            }
            Tok::Guid(g) => {
                self.bump();
                Ok(Expr::Guid(g))
            }
            Tok::Punct("&") => {
                self.enter()?;
                self.bump();
                let inner = self.atom();
                self.depth -= 1;
                Ok(Expr::AddrOf(Box::new(inner?)))
            }
            Tok::Punct("{") => {
                self.enter()?;
                let fields = self.struct_fields();
                self.depth -= 1;
                Ok(Expr::Struct(fields?))
            }
            Tok::Word(w) if w == "NULL" => {
                self.bump();
                Ok(Expr::Null)
            }
            Tok::Word(w) if w == "sizeof" => {
                self.bump();
                self.punct("(")?;
                let (ty, _) = self.word("a structure name such as MAPIOFFLINE_ADVISEINFO")?;
                self.punct(")")?;
                Ok(Expr::Sizeof(ty))
            }
            Tok::Word(w) => {
                self.bump();
                Ok(Expr::Name { name: w, col: t.col })
            }
            _ => Err(self.err("a value: a number, a constant name, a variable, NULL, a string, a GUID, &name or {…}", None)),
        }
    }

    /// One more level of `&` or `{`, refused beyond [`MAX_NESTING`].
    fn enter(&mut self) -> Result<(), ParseError> {
        if self.depth >= MAX_NESTING {
            return Err(self.err(
                &format!("a value nested at most {MAX_NESTING} deep"),
                Some(format!(
                    "`&` and `{{…}}` nest at most {MAX_NESTING} levels; the API's structures need two"
                )),
            ));
        }
        self.depth += 1;
        Ok(())
    }

    /// `{field = value, …}`, from the opening brace.
    fn struct_fields(&mut self) -> Result<Vec<(String, Expr)>, ParseError> {
        self.bump();
        let mut fields = Vec::new();
        if !self.is_punct("}") {
            loop {
                let (f, _) = self.word("a field name such as ulSize")?;
                self.punct("=")?;
                fields.push((f, self.expr()?));
                if self.is_punct(",") {
                    self.bump();
                    continue;
                }
                break;
            }
        }
        self.punct("}")?;
        Ok(fields)
    }

    fn args(&mut self) -> Result<Vec<Expr>, ParseError> {
        self.punct("(")?;
        let mut args = Vec::new();
        if !self.is_punct(")") {
            loop {
                args.push(self.expr()?);
                if self.is_punct(",") {
                    self.bump();
                    continue;
                }
                break;
            }
        }
        if !self.is_punct(")") {
            return Err(self.err("`,` or `)`", None));
        }
        self.bump();
        Ok(args)
    }

    /// `Function(args)`, `this->Method(args)` or `this->vtbl[N]()`.
    fn call(&mut self) -> Result<CallExpr, ParseError> {
        let col = self.tok().col;
        let head = self.atom()?;
        if self.is_punct("(") {
            let Expr::Name { name, .. } = head else {
                return Err(self.err("`->`", None));
            };
            let args = self.args()?;
            return Ok(CallExpr {
                this: None,
                method: name,
                args,
                col,
            });
        }
        if !self.is_punct("->") {
            return Err(self.err(
                "`->` or `(`",
                Some("calls look like HrOpenOfflineObj(…) or mgr->SetCurrentState(…)".into()),
            ));
        }
        self.bump();
        let (method, mcol) = self.word("a method name")?;
        if method == "vtbl" {
            self.punct("[")?;
            let slot = self.expr()?;
            self.punct("]")?;
            // `vtbl[N](args…)`: the slot first, then the arguments as written.
            let mut args = vec![slot];
            args.extend(self.args()?);
            return Ok(CallExpr {
                this: Some(head),
                method,
                args,
                col,
            });
        }
        if !words::METHODS.contains(&method.as_str()) {
            let hint = nearest(&method, words::METHODS.iter().copied())
                .map(|s| format!("did you mean `{s}`?"));
            return Err(ParseError {
                line: self.line,
                col: mcol,
                len: method.len(),
                expected: "a method of IMAPIOfflineMgr: QueryInterface, AddRef, Release, SetCurrentState, GetCapabilities, GetCurrentState, Advise, Unadvise, or vtbl[N]".into(),
                found: quote(&method),
                hint,
            });
        }
        let args = self.args()?;
        Ok(CallExpr {
            this: Some(head),
            method,
            args,
            col,
        })
    }
}

/// Every word a value position accepts besides variables: for suggestions.
pub(crate) fn known_names() -> impl Iterator<Item = &'static str> {
    CONSTANTS
        .iter()
        .map(|c| c.name)
        .chain(HRESULTS.iter().map(|h| h.name))
        .chain(KNOWN_GUIDS.iter().map(|g| g.name))
}

fn notify_type(word: &str) -> Option<u32> {
    match word {
        "START" | "MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_START" => Some(1),
        "STATECHANGE" | "MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE" => Some(2),
        "DONE" | "MAPIOFFLINE_NOTIFY_TYPE_STATECHANGE_DONE" => Some(3),
        _ => None,
    }
}

fn short_state(word: &str) -> Option<u32> {
    match word {
        "ONLINE" | "MAPIOFFLINE_STATE_ONLINE" => Some(crate::consts::MAPIOFFLINE_STATE_ONLINE),
        "OFFLINE" | "MAPIOFFLINE_STATE_OFFLINE" => Some(crate::consts::MAPIOFFLINE_STATE_OFFLINE),
        _ => None,
    }
}

/// A reaction written `Method(…)` without `pointer->`: say how to write it.
fn reaction_without_pointer(line: usize, call: &CallExpr) -> ParseError {
    let m = &call.method;
    let (expected, hint) = if words::METHODS.contains(&m.as_str()) {
        (
            format!("`pointer->{m}(…)`"),
            format!("a reaction calls a method through a pointer: write `mgr->{m}(…)`, naming the object it acts on"),
        )
    } else {
        (
            "a method call through a pointer, such as `mgr->Unadvise(0, own)`".to_string(),
            format!("a reaction runs inside Notify and calls methods of objects opened earlier: call `{m}` at top level, before the `sink` line"),
        )
    };
    ParseError {
        line,
        col: call.col,
        len: m.chars().count(),
        expected,
        found: format!("`{m}(…)` without a pointer"),
        hint: Some(hint),
    }
}

fn statement(p: &mut P) -> Result<Option<StmtKind>, ParseError> {
    let (first, fcol) = match p.peek().clone() {
        Tok::End => return Ok(None),
        Tok::Word(w) => (w, p.tok().col),
        _ => return Ok(Some(StmtKind::Call(p.call()?))),
    };
    let kind = match first.as_str() {
        "config" => {
            p.bump();
            let (key, kcol) = p.word(
                "a setting: phase_spacing, set4, extra_state_bits, arch, network, max_idle_steps",
            )?;
            const KEYS: [&str; 6] = [
                "phase_spacing",
                "set4",
                "extra_state_bits",
                "arch",
                "network",
                "max_idle_steps",
            ];
            if !KEYS.contains(&key.as_str()) {
                return Err(ParseError {
                    line: p.line,
                    col: kcol,
                    len: key.len(),
                    expected: format!("a setting: {}", KEYS.join(", ")),
                    found: quote(&key),
                    hint: nearest(&key, KEYS).map(|s| format!("did you mean `{s}`?")),
                });
            }
            StmtKind::Config {
                key,
                value: p.expr()?,
            }
        }
        "profile" => {
            p.bump();
            let name = p.string("the profile's name in quotes")?;
            let (mut caps, mut state, mut outside, mut server_down) = (None, None, false, false);
            while let Tok::Word(w) = p.peek().clone() {
                match w.as_str() {
                    "caps" => {
                        p.bump();
                        caps = Some(p.expr()?);
                    }
                    "state" => {
                        p.bump();
                        // `ONLINE`/`OFFLINE`, as `expect state` accepts, or any value.
                        state = Some(match p.peek().clone() {
                            Tok::Word(w) if short_state(&w).is_some() => {
                                p.bump();
                                Expr::Num(short_state(&w).unwrap_or_default().into())
                            }
                            _ => p.expr()?,
                        });
                    }
                    "outside" => {
                        p.bump();
                        outside = true;
                    }
                    "server" => {
                        p.bump();
                        let (w, _) = p.word("`down` or `up`")?;
                        server_down = w == "down";
                    }
                    _ => {
                        return Err(p.err(
                            "`caps`, `state`, `outside` or `server down`",
                            nearest(&w, ["caps", "state", "outside", "server"])
                                .map(|s| format!("did you mean `{s}`?")),
                        ))
                    }
                }
            }
            StmtKind::Profile {
                name,
                caps,
                state,
                outside,
                server_down,
            }
        }
        "sink" => {
            p.bump();
            let (name, _) = p.word("the sink's name")?;
            let (mut implements_notify, mut validates_notify, mut iids, mut reactions) =
                (true, true, Vec::new(), Vec::new());
            while let Tok::Word(w) = p.peek().clone() {
                match w.as_str() {
                    "no-notify" => {
                        p.bump();
                        implements_notify = false;
                    }
                    "no-validate" => {
                        p.bump();
                        validates_notify = false;
                    }
                    "iid" => {
                        p.bump();
                        iids.push(p.atom()?);
                    }
                    "when" => {
                        p.bump();
                        let raw = match p.peek().clone() {
                            Tok::Num(n) => {
                                p.bump();
                                Some(n)
                            }
                            _ => None,
                        };
                        let (t, tcol) = match raw {
                            Some(_) => (String::new(), 0),
                            None => p.word(
                                "START, STATECHANGE, DONE, a NotifyType name or number, or any",
                            )?,
                        };
                        let on = if let Some(n) = raw {
                            Some(Expr::Num(n))
                        } else if t == "any" {
                            None
                        } else {
                            Some(match notify_type(&t) {
                                Some(n) => Expr::Num(n as u64),
                                None => Expr::Name { name: t, col: tcol },
                            })
                        };
                        let once = if p.is_word("once") {
                            p.bump();
                            true
                        } else {
                            false
                        };
                        p.punct(":")?;
                        let call = p.call()?;
                        if call.this.is_none() {
                            return Err(reaction_without_pointer(p.line, &call));
                        }
                        reactions.push(ReactionSrc { on, once, call });
                    }
                    _ => {
                        return Err(p.err(
                            "`no-notify`, `no-validate`, `iid GUID` or `when TYPE: CALL`",
                            nearest(&w, ["no-notify", "no-validate", "iid", "when"])
                                .map(|s| format!("did you mean `{s}`?")),
                        ))
                    }
                }
            }
            StmtKind::Sink {
                name,
                implements_notify,
                validates_notify,
                iids,
                reactions,
            }
        }
        "advance" => {
            p.bump();
            StmtKind::Advance(p.expr()?)
        }
        "run" => {
            p.bump();
            StmtKind::Run
        }
        "network" => {
            p.bump();
            let (w, _) = p.word("`down` or `up`")?;
            match w.as_str() {
                "down" => StmtKind::Network { up: false },
                "up" => StmtKind::Network { up: true },
                _ => return Err(p.err("`down` or `up`", None)),
            }
        }
        "server" => {
            p.bump();
            let profile = p.string("the profile's name in quotes")?;
            let (w, _) = p.word("`down` or `up`")?;
            StmtKind::Server {
                profile,
                up: w == "up",
            }
        }
        "inject" => {
            p.bump();
            let object = p.expr()?;
            let args = [p.expr()?, p.expr()?, p.expr()?, p.expr()?];
            StmtKind::Inject { object, args }
        }
        "extra_state_bits" => {
            p.bump();
            StmtKind::ExtraStateBits(p.expr()?)
        }
        "extra_caps" => {
            p.bump();
            StmtKind::ExtraCaps {
                object: p.expr()?,
                bits: p.expr()?,
            }
        }
        "shutdown" => {
            p.bump();
            StmtKind::Shutdown
        }
        "expect" => {
            p.bump();
            StmtKind::Expect(expect(p)?)
        }
        _ => {
            // Not a keyword: a call, unless the word is a misspelt keyword.
            let next_is_call = matches!(
                p.toks.get(p.pos + 1).map(|t| &t.tok),
                Some(Tok::Punct("->")) | Some(Tok::Punct("("))
            );
            if !next_is_call {
                return Err(ParseError {
                    line: p.line,
                    col: fcol,
                    len: first.len(),
                    expected: "a statement (config, profile, sink, a call, advance, run, network, server, inject, extra_state_bits, extra_caps, shutdown, expect)".into(),
                    found: quote(&first),
                    hint: nearest(&first, words::STATEMENTS).map(|s| format!("did you mean `{s}`?")),
                });
            }
            StmtKind::Call(p.call()?)
        }
    };
    p.end()?;
    Ok(Some(kind))
}

fn expect(p: &mut P) -> Result<Expect, ParseError> {
    // `expect EXPR == EXPR` when the left side is more than a name (`s & MASK`, `~x`, a
    // number); `==` and `!=` separate the two sides, so they bind last.
    let next = p.toks.get(p.pos + 1).map(|t| &t.tok);
    let compound = match p.peek() {
        Tok::Num(_) | Tok::Punct("~") => true,
        Tok::Word(_) => matches!(next, Some(Tok::Punct("&")) | Some(Tok::Punct("|"))),
        _ => false,
    };
    if compound {
        let lhs = p.expr()?;
        if p.is_punct("==") || p.is_punct("!=") {
            let equal = p.is_punct("==");
            p.bump();
            return Ok(Expect::Value {
                lhs,
                equal,
                value: p.expr()?,
            });
        }
        return Ok(Expect::Hr(lhs));
    }
    let (w, wcol) = match p.peek().clone() {
        Tok::Word(w) => (w, p.tok().col),
        _ => return Err(p.err("an HRESULT, `state`, `refcount`, `notifications`, `diagnostic`, `finding`, `clean`, `pending`, `idle` or `VARIABLE ==`", None)),
    };
    // `expect NAME == VALUE` wins even when NAME is also a keyword (`expect state == …`).
    if matches!(
        p.toks.get(p.pos + 1).map(|t| &t.tok),
        Some(Tok::Punct("==")) | Some(Tok::Punct("!="))
    ) {
        p.bump();
        let equal = p.is_punct("==");
        p.bump();
        return Ok(Expect::Var {
            name: w,
            equal,
            value: p.expr()?,
        });
    }
    Ok(match w.as_str() {
        "state" => {
            p.bump();
            let object = p.expr()?;
            let (s, scol) = p.word("ONLINE or OFFLINE")?;
            let state = match short_state(&s) {
                Some(v) => Expr::Num(v as u64),
                None => Expr::Name { name: s, col: scol },
            };
            Expect::State { object, state }
        }
        "refcount" => {
            p.bump();
            Expect::RefCount {
                object: p.expr()?,
                count: p.expr()?,
            }
        }
        "pending" | "idle" => {
            p.bump();
            Expect::Pending {
                object: p.expr()?,
                pending: w == "pending",
            }
        }
        "finding" => {
            p.bump();
            let (id, _) = p.word("a rule (R1–R7) or a clause ID (GEN-3)")?;
            let at_end = p.is_word("at");
            if at_end {
                p.bump();
                if !p.is_word("end") {
                    return Err(p.err("`end`", Some("`expect finding R3 at end` checks what is left behind if the trace ended here".into())));
                }
                p.bump();
            }
            Expect::Finding { id, at_end }
        }
        "clean" => {
            p.bump();
            Expect::Clean
        }
        "diagnostic" => {
            p.bump();
            let (d, _) =
                p.word("a clause ID (SET-3), a rule (R4) or a diagnostic code (set.pending)")?;
            Expect::Diagnostic(d)
        }
        "notifications" => {
            p.bump();
            let (sink, _) = p.word("the sink's name")?;
            let mut items = Vec::new();
            if p.is_word("none") {
                p.bump();
            } else {
                loop {
                    let notify_type = match p.peek().clone() {
                        Tok::Word(t) => match notify_type(&t) {
                            Some(n) => {
                                p.bump();
                                n
                            }
                            None => {
                                return Err(p.err(
                                    "START, STATECHANGE, DONE or a number",
                                    nearest(&t, ["START", "STATECHANGE", "DONE", "none"])
                                        .map(|s| format!("did you mean `{s}`?")),
                                ))
                            }
                        },
                        Tok::Num(n) => {
                            p.bump();
                            n as u32
                        }
                        Tok::End if !items.is_empty() => break,
                        _ => {
                            return Err(p.err("START, STATECHANGE, DONE, a number, or `none`", None))
                        }
                    };
                    let states = if p.is_punct("(") {
                        p.bump();
                        let (a, _) = p.word("ONLINE or OFFLINE")?;
                        let old =
                            short_state(&a).ok_or_else(|| p.err("ONLINE or OFFLINE", None))?;
                        p.punct("->")?;
                        let (b, _) = p.word("ONLINE or OFFLINE")?;
                        let new =
                            short_state(&b).ok_or_else(|| p.err("ONLINE or OFFLINE", None))?;
                        p.punct(")")?;
                        Some((old, new))
                    } else {
                        None
                    };
                    let client_token = if p.is_punct("[") {
                        p.bump();
                        let n = match p.peek().clone() {
                            Tok::Num(n) => u32::try_from(n).ok(),
                            _ => None,
                        }
                        .ok_or_else(|| p.err("the ulClientToken, a number", None))?;
                        p.bump();
                        p.punct("]")?;
                        Some(n)
                    } else {
                        None
                    };
                    items.push(NotifyItem {
                        notify_type,
                        states,
                        client_token,
                    });
                }
            }
            Expect::Notifications { sink, items }
        }
        _ => {
            if w.starts_with("S_") || w.starts_with("E_") || w.starts_with("MAPI_E_") {
                Expect::Hr(p.expr()?)
            } else {
                let options = [
                    "finding",
                    "clean",
                    "state",
                    "refcount",
                    "notifications",
                    "diagnostic",
                    "pending",
                    "idle",
                    "S_OK",
                    "E_PENDING",
                    "E_INVALIDARG",
                    "E_NOINTERFACE",
                    "E_NOTIMPL",
                    "MAPI_E_NOT_FOUND",
                ];
                return Err(ParseError {
                    line: p.line,
                    col: wcol,
                    len: w.len(),
                    expected: "an HRESULT, `state`, `refcount`, `notifications`, `diagnostic`, `finding`, `clean`, `pending`, `idle` or `VARIABLE == VALUE`".into(),
                    found: quote(&w),
                    hint: nearest(&w, options).map(|s| format!("did you mean `{s}`?")),
                });
            }
        }
    })
}

/// Parses a whole script. Stops at the first error.
pub fn parse(source: &str) -> Result<Script, ParseError> {
    let mut stmts = Vec::new();
    for (i, line) in source.lines().enumerate() {
        let line_no = i + 1;
        let toks = lex(line_no, line)?;
        let mut p = P {
            line: line_no,
            toks: &toks,
            pos: 0,
            depth: 0,
        };
        if let Some(kind) = statement(&mut p)? {
            stmts.push(Stmt {
                line: line_no,
                kind,
            });
        }
    }
    Ok(Script { stmts })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_calls_with_out_parameters_and_structs() {
        let s = parse(
            "HrOpenOfflineObj(0, L\"Outlook\", &GUID_GlobalState, NULL, &mgr) # open\n\
             mgr->Advise(0, &{ulClientToken = 7, pCallback = logger}, &tok)\n\
             mgr->vtbl[6]()\n",
        )
        .unwrap();
        assert_eq!(s.stmts.len(), 3);
        let StmtKind::Call(c) = &s.stmts[0].kind else {
            panic!()
        };
        assert_eq!(c.method, "HrOpenOfflineObj");
        assert_eq!(c.args[1], Expr::Str("Outlook".into()));
        assert_eq!(c.args[3], Expr::Null);
        let StmtKind::Call(c) = &s.stmts[1].kind else {
            panic!()
        };
        assert!(
            matches!(&c.args[1], Expr::AddrOf(b) if matches!(**b, Expr::Struct(ref f) if f.len() == 2))
        );
        let StmtKind::Call(c) = &s.stmts[2].kind else {
            panic!()
        };
        assert_eq!((c.method.as_str(), &c.args[0]), ("vtbl", &Expr::Num(6)));
    }

    #[test]
    fn parses_sinks_with_reactions_and_expectations() {
        let s = parse(
            "sink q no-validate when START once: mgr->Unadvise(0, own) when DONE: mgr->Release()\n\
             expect notifications q START(ONLINE->OFFLINE) 0x40\n\
             expect tok != 0\n\
             expect E_PENDING\n",
        )
        .unwrap();
        let StmtKind::Sink {
            reactions,
            validates_notify,
            ..
        } = &s.stmts[0].kind
        else {
            panic!()
        };
        assert!(!validates_notify);
        assert_eq!(reactions.len(), 2);
        assert!(reactions[0].once && !reactions[1].once);
        let StmtKind::Expect(Expect::Notifications { items, .. }) = &s.stmts[1].kind else {
            panic!()
        };
        assert_eq!(
            items[0],
            NotifyItem {
                notify_type: 1,
                states: Some((2, 1)),
                client_token: None
            }
        );
        assert_eq!(
            items[1],
            NotifyItem {
                notify_type: 0x40,
                states: None,
                client_token: None
            }
        );
        assert!(matches!(
            &s.stmts[2].kind,
            StmtKind::Expect(Expect::Var { equal: false, .. })
        ));
        assert!(matches!(&s.stmts[3].kind, StmtKind::Expect(Expect::Hr(_))));
    }

    #[test]
    fn errors_say_where_what_and_suggest() {
        let e = parse("profile \"A\"\nmgr->SetCurentState(0, 3, 1, NULL)\n").unwrap_err();
        assert_eq!((e.line, e.col), (2, 6));
        assert_eq!(e.hint.as_deref(), Some("did you mean `SetCurrentState`?"));
        let e = parse("advence 3").unwrap_err();
        assert_eq!(e.hint.as_deref(), Some("did you mean `advance`?"));
        let e = parse("mgr->Release() extra").unwrap_err();
        assert_eq!((e.col, e.expected.as_str()), (16, "end of line"));
        let e = parse("profile \"unterminated").unwrap_err();
        assert!(e.expected.contains("closing"));
        let e = parse("mgr->Advise(0, NULL, &t").unwrap_err();
        assert_eq!(e.expected, "`,` or `)`");
    }

    /// `m->Advise(0, &{ulClientToken = &{… 1}}, &t)` nested `levels` deep.
    fn nested_advise(levels: usize) -> String {
        format!(
            "m->Advise(0, {}1{}, &t)",
            "&{ulClientToken = ".repeat(levels),
            "}".repeat(levels)
        )
    }

    #[test]
    fn nesting_is_bounded_with_a_positioned_error() {
        // 16 levels of `&{` are 32 nested values: the bound, accepted.
        assert!(parse(&nested_advise(MAX_NESTING / 2)).is_ok());
        // One more `&` is refused where it stands: after 16 levels of 18 characters.
        for levels in [MAX_NESTING / 2 + 1, 9_000, 200_000] {
            let e = parse(&format!("profile \"P\"\n{}", nested_advise(levels))).unwrap_err();
            assert_eq!((e.line, e.col), (2, 14 + 16 * 18), "{levels}");
            assert_eq!(e.expected, "a value nested at most 32 deep");
            assert!(e.hint.unwrap().contains("nest at most 32 levels"));
        }
        // Structs alone (a million braces, no GUID among them) and a long run of `&`.
        let e = parse(&format!("m->Advise(0, {})", "{a = ".repeat(1_000_000))).unwrap_err();
        assert_eq!(e.col, 14 + 32 * 5);
        let e = parse(&format!("m->Release({}x)", "&".repeat(1_000_000))).unwrap_err();
        assert_eq!(e.col, 12 + 32);
    }

    #[test]
    fn errors_quote_at_most_a_bounded_piece_of_the_input() {
        let long = "x".repeat(1_000_000);
        let e = parse(&long).unwrap_err();
        assert_eq!(
            e.found,
            format!("`{}…` (1000000 characters)", "x".repeat(MAX_QUOTE))
        );
        assert_eq!(
            e.len, 1_000_000,
            "the underline still covers the whole word"
        );
        for src in [
            format!("profile \"{long}\" {long}"),
            format!("mgr->{long}()"),
            format!("config {long} 1"),
            format!("expect {long}"),
            format!("advance 1{long}"),
            format!("profile {long}"),
            format!("profile \"P\" {long}"),
        ] {
            let e = parse(&src).unwrap_err();
            assert!(e.to_string().len() < 1_000, "{}", &e.to_string()[..200]);
        }
    }

    #[test]
    fn numbers_in_decimal_and_hex_and_guid_literals() {
        let s = parse("extra_state_bits 0x0010_0000\nsink o no-notify iid {12345678-0001-0002-0102-030405060708}\n").unwrap();
        assert_eq!(
            s.stmts[0].kind,
            StmtKind::ExtraStateBits(Expr::Num(0x10_0000))
        );
        let StmtKind::Sink { iids, .. } = &s.stmts[1].kind else {
            panic!()
        };
        assert!(matches!(iids[0], Expr::Guid(_)));
        assert!(parse("advance 0xZZ").is_err());
    }
}
