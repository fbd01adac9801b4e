//! The lexer of the scenario language: a line into words, numbers, strings, GUIDs and
//! punctuation. The parser reads its tokens and stops at the first piece it cannot read;
//! [`tokens`] gives every piece of a script, readable or not, so an editor colours what
//! the parser reads, with the parser's own rules (a playground with a lexer of its own
//! would colour `no-notify` as three pieces where the parser sees one word).

use super::error::{quote, ParseError};
use crate::consts::Guid;
use std::ops::Range;

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    Word(String),
    Num(u64),
    Str(String),
    Guid(Guid),
    Punct(&'static str),
    End,
}

/// A token as the parser reads it: 1-based column and length in characters.
#[derive(Clone, Debug)]
pub(super) struct Lexed {
    pub tok: Tok,
    pub col: usize,
    pub len: usize,
}

const PUNCT: [&str; 15] = [
    "->", "==", "!=", "(", ")", ",", "&", "{", "}", "=", "|", ":", "[", "]", "~",
];

pub(super) fn describe(t: &Tok) -> String {
    match t {
        Tok::Word(w) => quote(w),
        Tok::Num(n) => format!("number {n}"),
        Tok::Str(s) => format!("string {}", quote(s)),
        Tok::Guid(g) => format!("GUID {g}"),
        Tok::Punct(p) => format!("`{p}`"),
        Tok::End => "end of line".to_string(),
    }
}

/// The tokens of one line, ending with [`Tok::End`]; the first piece it cannot read is the
/// error.
pub(super) fn lex(line_no: usize, line: &str) -> Result<Vec<Lexed>, ParseError> {
    let mut out = Vec::new();
    for piece in scan(line_no, line) {
        match piece.tok {
            Ok(Some(tok)) => out.push(Lexed {
                tok,
                col: piece.chars.start + 1,
                len: piece.chars.len(),
            }),
            Ok(None) => {}
            Err(e) => return Err(e),
        }
    }
    out.push(Lexed {
        tok: Tok::End,
        col: line.chars().count() + 1,
        len: 1,
    });
    Ok(out)
}

/// One piece of a line: a token (`Ok(None)` for a comment), or what could not be read.
struct Piece {
    tok: Result<Option<Tok>, ParseError>,
    /// Characters of the line it covers.
    chars: Range<usize>,
}

/// Every piece of a line, left to right, carrying on after a piece it cannot read (the
/// parser stops at the first such piece; an editor colours them all).
fn scan(line_no: usize, line: &str) -> Vec<Piece> {
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
        let start = i;
        if c == '#' {
            out.push(Piece {
                tok: Ok(None),
                chars: start..chars.len(),
            });
            break;
        }
        // Wide-string prefix L"…", as C writes profile names.
        let is_wide = c == 'L' && chars.get(i + 1) == Some(&'"');
        if c == '"' || is_wide {
            i += if is_wide { 2 } else { 1 };
            let mut s = String::new();
            // The first escape it cannot read; the string still runs to its quote.
            let mut bad = None;
            let tok = loop {
                match chars.get(i) {
                    None => {
                        break Err(bad.unwrap_or_else(|| {
                            err(
                                start,
                                "a closing `\"`",
                                "end of line".into(),
                                Some("strings end on the line they start".into()),
                            )
                        }));
                    }
                    Some('"') => {
                        i += 1;
                        break bad.map_or(Ok(Some(Tok::Str(std::mem::take(&mut s)))), Err);
                    }
                    Some('\\') => {
                        let e = chars.get(i + 1).copied();
                        match e {
                            Some('"') => s.push('"'),
                            Some('\\') => s.push('\\'),
                            Some('n') => s.push('\n'),
                            Some('t') => s.push('\t'),
                            _ => {
                                bad.get_or_insert_with(|| {
                                    err(
                                        i,
                                        "an escape (\\\", \\\\, \\n, \\t)",
                                        format!("{:?}", e.map(String::from).unwrap_or_default()),
                                        None,
                                    )
                                });
                            }
                        }
                        i = (i + 2).min(chars.len());
                    }
                    Some(&ch) => {
                        s.push(ch);
                        i += 1;
                    }
                }
            };
            out.push(Piece {
                tok,
                chars: start..i,
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
                        i += 38;
                        out.push(Piece {
                            tok: Ok(Some(Tok::Guid(g))),
                            chars: start..i,
                        });
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
            let tok = value.map(|v| Some(Tok::Num(v))).ok_or_else(|| ParseError {
                line: line_no,
                col: start + 1,
                len: j - i,
                expected: "a number (decimal, or hex with 0x)".into(),
                found: quote(&chars[i..j].iter().collect::<String>()),
                hint: None,
            });
            out.push(Piece {
                tok,
                chars: start..j,
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
            out.push(Piece {
                tok: Ok(Some(Tok::Word(chars[i..j].iter().collect()))),
                chars: start..j,
            });
            i = j;
            continue;
        }
        let rest: String = chars[i..chars.len().min(i + 2)].iter().collect();
        if let Some(p) = PUNCT.iter().find(|p| rest.starts_with(**p)) {
            i += p.chars().count();
            out.push(Piece {
                tok: Ok(Some(Tok::Punct(p))),
                chars: start..i,
            });
            continue;
        }
        // `*` comes from C written into a script: a cast such as `(const GUID*)0x1234`,
        // as the C++ rendering prints raw addresses, or a dereference.
        let hint = (c == '*').then(|| {
            "scripts have no casts or `*`: write a raw address as a plain number (`0x1234`), a NULL pointer as NULL".to_string()
        });
        i += 1;
        out.push(Piece {
            tok: Err(err(
                start,
                "a word, number, string or one of ( ) , & { } = | ~ : -> [ ]",
                format!("`{c}`"),
                hint,
            )),
            chars: start..i,
        });
    }
    out
}

/// What a piece of a script is, as the parser reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// The word that starts a statement (`profile`, `run`, `expect`, `HrOpenOfflineObj`…).
    Keyword,
    /// A name the language knows as a value: a constant, flag, HRESULT or GUID of the API
    /// (`MAPIOFFLINE_FLAG_BLOCK`, `S_OK`, `GUID_GlobalState`) or one of its short
    /// spellings (`NULL`, `ONLINE`, `START`…). A misspelt one is a plain [`Word`](Self::Word).
    Name,
    /// A word called as a function or method: right before `(` (`HrOpenOfflineObj(`,
    /// `->SetCurrentState(`).
    Call,
    /// Any other word: a variable, a sink, a field, an option.
    Word,
    /// A number, decimal or `0x` hex.
    Number,
    /// A string, `"…"` or `L"…"`.
    Str,
    /// A GUID literal `{XXXXXXXX-…}`.
    Guid,
    /// Punctuation: `->`, `(`, `&`, `|`…
    Punct,
    /// `#` to the end of the line.
    Comment,
    /// A piece the parser cannot read (an unclosed string, `*`, `0xZZ`): parsing the line
    /// fails on the first one.
    Error,
}

/// One piece of a script.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Byte range in the text given to [`tokens`] or [`line_tokens`].
    pub span: Range<usize>,
    pub kind: TokenKind,
}

/// Every piece of one line (no line break in it), spans relative to the line. Whitespace
/// is between tokens, never in one.
pub fn line_tokens(line: &str) -> Vec<Token> {
    // Byte offset of each character, and of the end.
    let mut at: Vec<usize> = line.char_indices().map(|(b, _)| b).collect();
    at.push(line.len());
    let pieces = scan(0, line);
    let first_word = pieces
        .first()
        .is_some_and(|p| matches!(&p.tok, Ok(Some(Tok::Word(w))) if super::words::STATEMENTS.contains(&w.as_str())));
    let called = |n: usize| {
        pieces.get(n + 1).is_some_and(|next| {
            next.chars.start == pieces[n].chars.end
                && matches!(&next.tok, Ok(Some(Tok::Punct(p))) if *p == "(")
        })
    };
    pieces
        .iter()
        .enumerate()
        .map(|(n, p)| Token {
            span: at[p.chars.start]..at[p.chars.end],
            kind: match &p.tok {
                Ok(Some(Tok::Word(_))) if called(n) => TokenKind::Call,
                Ok(Some(Tok::Word(_))) if n == 0 && first_word => TokenKind::Keyword,
                Ok(Some(Tok::Word(w))) if is_name(w) => TokenKind::Name,
                Ok(Some(Tok::Word(_))) => TokenKind::Word,
                Ok(Some(Tok::Num(_))) => TokenKind::Number,
                Ok(Some(Tok::Str(_))) => TokenKind::Str,
                Ok(Some(Tok::Guid(_))) => TokenKind::Guid,
                Ok(Some(Tok::Punct(_))) => TokenKind::Punct,
                Ok(Some(Tok::End)) => unreachable!("scan gives no end token"),
                Ok(None) => TokenKind::Comment,
                Err(_) => TokenKind::Error,
            },
        })
        .collect()
}

/// A word the language reads as a named value: the API's names, and the short
/// spellings among the language's other words (the upper-case ones: `NULL`, `ONLINE`,
/// `DONE`…).
fn is_name(w: &str) -> bool {
    super::words::names().any(|n| n == w)
        || super::words::MODIFIERS
            .iter()
            .any(|k| *k == w && k.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'))
}

/// Every piece of a script, in order, spans into `src`. Lines are split as the parser
/// splits them (`\n`, a `\r` before it dropped), so a token never spans two lines.
pub fn tokens(src: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut offset = 0;
    for raw in src.split_inclusive('\n') {
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        let line = line.strip_suffix('\r').unwrap_or(line);
        out.extend(line_tokens(line).into_iter().map(|t| Token {
            span: t.span.start + offset..t.span.end + offset,
            kind: t.kind,
        }));
        offset += raw.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<(TokenKind, &str)> {
        line_tokens(line)
            .into_iter()
            .map(|t| (t.kind, &line[t.span]))
            .collect()
    }

    #[test]
    fn tokens_are_the_parsers_pieces_with_their_kinds() {
        use TokenKind::*;
        assert_eq!(
            kinds("mgr->Advise(0, &{pCallback = s}, &t) # done"),
            [
                (Word, "mgr"),
                (Punct, "->"),
                (Call, "Advise"),
                (Punct, "("),
                (Number, "0"),
                (Punct, ","),
                (Punct, "&"),
                (Punct, "{"),
                (Word, "pCallback"),
                (Punct, "="),
                (Word, "s"),
                (Punct, "}"),
                (Punct, ","),
                (Punct, "&"),
                (Word, "t"),
                (Punct, ")"),
                (Comment, "# done"),
            ]
        );
        assert_eq!(
            kinds("sink s no-notify  L\"é\" {FBEFFD93-B11F-4094-842B-96DCD31E63D1}"),
            [
                (Keyword, "sink"),
                (Word, "s"),
                (Word, "no-notify"),
                (Str, "L\"é\""),
                (Guid, "{FBEFFD93-B11F-4094-842B-96DCD31E63D1}"),
            ]
        );
        // A statement word later in the line is a word.
        assert_eq!(kinds("x run")[1], (Word, "run"));
        // The API's names and the short spellings are names; a misspelt one is a word.
        assert_eq!(
            kinds("HrOpenOfflineObj(0, L\"A\", &GUID_GlobalState, NULL, MAPIOFFLINE_FLAG_BLOK)"),
            [
                (Call, "HrOpenOfflineObj"),
                (Punct, "("),
                (Number, "0"),
                (Punct, ","),
                (Str, "L\"A\""),
                (Punct, ","),
                (Punct, "&"),
                (Name, "GUID_GlobalState"),
                (Punct, ","),
                (Name, "NULL"),
                (Punct, ","),
                (Word, "MAPIOFFLINE_FLAG_BLOK"),
                (Punct, ")"),
            ]
        );
        assert_eq!(kinds("expect state mgr ONLINE")[3], (Name, "ONLINE"));
        assert_eq!(kinds("expect S_OK")[1], (Name, "S_OK"));
        // A call needs its `(` right after the word.
        assert_eq!(kinds("f (1)")[0], (Word, "f"));
    }

    #[test]
    fn unreadable_pieces_are_errors_and_scanning_goes_on() {
        use TokenKind::*;
        assert_eq!(
            kinds("f(*, 0xZZ, \"a\\q\", 1) \"open"),
            [
                (Call, "f"),
                (Punct, "("),
                (Error, "*"),
                (Punct, ","),
                (Error, "0xZZ"),
                (Punct, ","),
                (Error, "\"a\\q\""),
                (Punct, ","),
                (Number, "1"),
                (Punct, ")"),
                (Error, "\"open"),
            ]
        );
        // The parser fails on the first of them, at its column.
        let e = crate::scenario::parse("f(*, 0xZZ)").unwrap_err();
        assert_eq!((e.line, e.col), (1, 3));
        let e = crate::scenario::parse("f(\"a\\q\"").unwrap_err();
        assert_eq!(
            (e.col, e.expected.as_str()),
            (5, "an escape (\\\", \\\\, \\n, \\t)")
        );
    }

    #[test]
    fn tokens_cover_a_script_with_spans_into_it() {
        let src = "profile \"A\"\r\n\nrun # now\n  advance 5";
        let toks = tokens(src);
        let pieces: Vec<&str> = toks.iter().map(|t| &src[t.span.clone()]).collect();
        assert_eq!(pieces, ["profile", "\"A\"", "run", "# now", "advance", "5"]);
        assert_eq!(toks[2].kind, TokenKind::Keyword);
        // Between the tokens there is only whitespace.
        let mut covered = vec![false; src.len()];
        for t in &toks {
            covered[t.span.clone()].iter_mut().for_each(|c| *c = true);
        }
        for (i, ch) in src.char_indices() {
            assert!(
                covered[i] || ch.is_whitespace(),
                "{ch:?} at {i} in no token"
            );
        }
        // Every line that parses has no error token; lessons included.
        for l in crate::lessons::LESSONS {
            assert!(
                tokens(l.source).iter().all(|t| t.kind != TokenKind::Error),
                "{}",
                l.name
            );
        }
    }
}
