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
/// The pieces and their kinds are core's tokens ([`scenario::line_tokens`]): which word
/// is a keyword, a call or one of the API's names is core's to say, so a misspelt
/// constant stays plain. The gaps between tokens are plain; the pieces join back to the
/// line exactly.
pub fn highlight_line(line: &str) -> Vec<(Tok, &str)> {
    let toks = scenario::line_tokens(line);
    let mut out = Vec::with_capacity(toks.len() * 2);
    let mut at = 0;
    for t in &toks {
        if t.span.start > at {
            out.push((Tok::Plain, &line[at..t.span.start]));
        }
        let text = &line[t.span.clone()];
        let tok = match t.kind {
            TokenKind::Call => Tok::Call,
            TokenKind::Keyword => Tok::Keyword,
            TokenKind::Name => Tok::Constant,
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
