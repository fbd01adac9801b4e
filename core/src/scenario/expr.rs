//! The parser's cursor over a line's tokens, and the values statements are made of:
//! expressions (`a | b & ~c`, `&x`, `{field = value}`), arguments and calls. The
//! statements themselves are in `parse.rs`.

use super::error::{quote, ParseError, MAX_NESTING};
use super::lex::{describe, Lexed, Tok};
use super::*;
use crate::util::nearest;

/// A cursor over one line's tokens.
pub(super) struct P<'a> {
    pub line: usize,
    pub toks: &'a [Lexed],
    pub pos: usize,
    /// How many `&` and `{` enclose the value being parsed.
    pub depth: usize,
}

impl P<'_> {
    pub(super) fn peek(&self) -> &Tok {
        &self.toks[self.pos].tok
    }
    pub(super) fn tok(&self) -> &Lexed {
        &self.toks[self.pos]
    }
    pub(super) fn bump(&mut self) -> Lexed {
        let t = self.toks[self.pos].clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }
    pub(super) fn err(&self, expected: &str, hint: Option<String>) -> ParseError {
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
    pub(super) fn is_punct(&self, p: &str) -> bool {
        matches!(self.peek(), Tok::Punct(q) if *q == p)
    }
    pub(super) fn is_word(&self, w: &str) -> bool {
        matches!(self.peek(), Tok::Word(x) if x == w)
    }
    pub(super) fn punct(&mut self, p: &str) -> Result<(), ParseError> {
        if self.is_punct(p) {
            self.bump();
            Ok(())
        } else {
            Err(self.err(&format!("`{p}`"), None))
        }
    }
    pub(super) fn word(&mut self, what: &str) -> Result<(String, usize), ParseError> {
        match self.peek().clone() {
            Tok::Word(w) => {
                let col = self.bump().col;
                Ok((w, col))
            }
            _ => Err(self.err(what, None)),
        }
    }
    pub(super) fn string(&mut self, what: &str) -> Result<String, ParseError> {
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
    pub(super) fn end(&mut self) -> Result<(), ParseError> {
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
    pub(super) fn expr(&mut self) -> Result<Expr, ParseError> {
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

    pub(super) fn and_expr(&mut self) -> Result<Expr, ParseError> {
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
    pub(super) fn unary(&mut self) -> Result<Expr, ParseError> {
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

    pub(super) fn atom(&mut self) -> Result<Expr, ParseError> {
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
    pub(super) fn enter(&mut self) -> Result<(), ParseError> {
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
    pub(super) fn struct_fields(&mut self) -> Result<Vec<(String, Expr)>, ParseError> {
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

    pub(super) fn args(&mut self) -> Result<Vec<Expr>, ParseError> {
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
    pub(super) fn call(&mut self) -> Result<CallExpr, ParseError> {
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
