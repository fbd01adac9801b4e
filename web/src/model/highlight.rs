//! The editor's colours, over core's tokens of the scenario language.

use mapioffline::scenario::{self, TokenKind};

/// A word class for the editor's highlighting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    Plain,
    Comment,
    Keyword,
    Constant,
    Str,
    Number,
    Call,
}

impl Tok {
    pub fn class(self) -> &'static str {
        match self {
            Tok::Plain => "",
            Tok::Comment => "tk-c",
            Tok::Keyword => "tk-k",
            Tok::Constant => "tk-n",
            Tok::Str => "tk-s",
            Tok::Number => "tk-d",
            Tok::Call => "tk-f",
        }
    }
}

/// Splits one line into highlighted pieces (colour only: the parser decides validity).
/// The pieces are core's tokens ([`scenario::line_tokens`]), so the editor colours the
/// words the parser reads; the gaps between them are plain. The pieces join back to the
/// line exactly.
pub fn highlight_line(line: &str) -> Vec<(Tok, &str)> {
    let toks = scenario::line_tokens(line);
    let mut out = Vec::with_capacity(toks.len() * 2);
    let mut at = 0;
    for (n, t) in toks.iter().enumerate() {
        if t.span.start > at {
            out.push((Tok::Plain, &line[at..t.span.start]));
        }
        let text = &line[t.span.clone()];
        // A word right before `(` is a function or method being called.
        let called = toks
            .get(n + 1)
            .is_some_and(|next| next.span.start == t.span.end && &line[next.span.clone()] == "(");
        let tok = match t.kind {
            TokenKind::Keyword | TokenKind::Word if called => Tok::Call,
            TokenKind::Keyword => Tok::Keyword,
            TokenKind::Word if is_constant_like(text) => Tok::Constant,
            TokenKind::Word | TokenKind::Punct | TokenKind::Error => Tok::Plain,
            TokenKind::Number | TokenKind::Guid => Tok::Number,
            TokenKind::Str => Tok::Str,
            TokenKind::Comment => Tok::Comment,
        };
        out.push((tok, text));
        at = t.span.end;
    }
    if at < line.len() {
        out.push((Tok::Plain, &line[at..]));
    }
    out
}

/// Spelt like a constant (`MAPIOFFLINE_FLAG_BLOCK`, `S_OK`): coloured as one, whether or
/// not it is one (the parser says which, with a suggestion).
fn is_constant_like(w: &str) -> bool {
    w.len() > 2
        && w.bytes()
            .all(|x| x.is_ascii_uppercase() || x == b'_' || x.is_ascii_digit())
}
