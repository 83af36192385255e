//! Logical lines and tokens.
//!
//! Per physical line: `*` starts a comment line; `;` starts an inline comment, and so does
//! `$` at the start of the line or after whitespace (ngspice's rule); a line whose first
//! non-blank character is `+` continues the previous logical line (comment and blank lines
//! in between are skipped). Tokens: words, `=`, `(`, `)`, `,`, `{...}` and `'...'`
//! expressions, `"..."` strings. Each token keeps its [`Span`].

use nom::bytes::complete::{take_till, take_while1};
use nom::{IResult, Parser};

use super::source::PhysLine;
use crate::error::{Error, Result, Span};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokKind {
    /// A run of characters without blanks or `=(),{}'"`.
    Word,
    Eq,
    LParen,
    RParen,
    Comma,
    /// `{...}` or `'...'`: `text` is the inside.
    Expr,
    /// `"..."`: `text` is the inside.
    Str,
}

/// A token with where it was written. `span.token` is the token as written (with its
/// delimiters); `text` is the content.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub kind: TokKind,
    pub text: String,
    pub span: Span,
}

impl Token {
    /// The lower-case text.
    pub fn lower(&self) -> String {
        self.text.to_ascii_lowercase()
    }

    /// Is this a word equal (case-insensitively) to `w`?
    pub fn is_word(&self, w: &str) -> bool {
        self.kind == TokKind::Word && self.text.eq_ignore_ascii_case(w)
    }
}

/// A logical line: the tokens of a line and its `+` continuations.
#[derive(Debug, Clone)]
pub struct Line {
    pub tokens: Vec<Token>,
}

/// The byte length of the line without its comment.
fn strip_comment(text: &str) -> usize {
    let mut prev_blank = true;
    let mut quote: Option<char> = None;
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' => quote = Some(c),
                '{' => depth += 1,
                '}' => depth = depth.saturating_sub(1),
                ';' if depth == 0 => return i,
                '$' if depth == 0 && prev_blank => return i,
                _ => {}
            },
        }
        prev_blank = c.is_whitespace();
    }
    text.len()
}

fn is_word_char(c: char) -> bool {
    !(c.is_whitespace() || "=(),{}'\"".contains(c))
}

fn word(i: &str) -> IResult<&str, &str> {
    take_while1(is_word_char).parse(i)
}

/// Tokenize `text` (a comment-free piece of `line` starting at byte `offset`).
fn tokenize(line: &PhysLine, text: &str, offset: usize, out: &mut Vec<Token>) -> Result<()> {
    let full = &line.text;
    let col_of = |byte: usize| full[..byte].chars().count() + 1;
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Ok(());
        }
        let at = offset + (text.len() - rest.len());
        let c = rest.chars().next().unwrap_or(' ');
        let (kind, consumed, inner): (TokKind, usize, &str) = match c {
            '=' => (TokKind::Eq, 1, "="),
            '(' => (TokKind::LParen, 1, "("),
            ')' => (TokKind::RParen, 1, ")"),
            ',' => (TokKind::Comma, 1, ","),
            '{' | '\'' | '"' => {
                let close = match c {
                    '{' => '}',
                    q => q,
                };
                let body = &rest[1..];
                let r: IResult<&str, &str> = take_till(|x| x == close).parse(body);
                match r {
                    Ok((after, inside)) if after.starts_with(close) => {
                        let kind = if c == '"' {
                            TokKind::Str
                        } else {
                            TokKind::Expr
                        };
                        (kind, inside.len() + 2, inside)
                    }
                    _ => {
                        return Err(Error::at(
                            line.span(col_of(at), &c.to_string()),
                            format!("unclosed `{c}`"),
                            Some(format!("add the closing `{close}` on the same line")),
                        ))
                    }
                }
            }
            '}' => return Err(Error::at(line.span(col_of(at), "}"), "unmatched `}`", None)),
            _ => match word(rest) {
                Ok((_, w)) => (TokKind::Word, w.len(), w),
                Err(_) => (TokKind::Word, c.len_utf8(), &rest[..c.len_utf8()]),
            },
        };
        out.push(Token {
            kind,
            text: inner.to_string(),
            span: line.span(col_of(at), &rest[..consumed]),
        });
        rest = &rest[consumed..];
    }
}

/// Split physical lines (without the title) into logical lines.
pub fn logical_lines(lines: &[PhysLine]) -> Result<Vec<Line>> {
    let mut out: Vec<Line> = Vec::new();
    for pl in lines {
        let text = &pl.text[..strip_comment(&pl.text)];
        let trimmed = text.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('*') {
            continue;
        }
        let lead = text.len() - trimmed.len();
        if let Some(cont) = trimmed.strip_prefix('+') {
            let Some(last) = out.last_mut() else {
                return Err(Error::at(
                    pl.span(text[..lead].chars().count() + 1, "+"),
                    "continuation line `+` with nothing to continue",
                    Some("a `+` line continues the line above it".into()),
                ));
            };
            tokenize(pl, cont, lead + 1, &mut last.tokens)?;
        } else {
            let mut tokens = Vec::new();
            tokenize(pl, trimmed, lead, &mut tokens)?;
            out.push(Line { tokens });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netlist::source::load_str;

    fn lines(text: &str) -> Vec<Vec<String>> {
        let pl = load_str(text, "t.cir").unwrap();
        logical_lines(&pl[1..])
            .unwrap()
            .into_iter()
            .map(|l| l.tokens.into_iter().map(|t| t.span.token).collect())
            .collect()
    }

    #[test]
    fn comments_and_continuations() {
        let got = lines(
            "title\n* comment\nR1 a b 1k ; inline\n+ tc1=0 $ dollar comment\n\n\
             * between\n+ m=2\nV1 a$b 0 5\n",
        );
        assert_eq!(
            got,
            vec![
                vec!["R1", "a", "b", "1k", "tc1", "=", "0", "m", "=", "2"],
                vec!["V1", "a$b", "0", "5"],
            ]
        );
    }

    #[test]
    fn expressions_and_strings() {
        let got = lines("t\nB1 a 0 V={v(x) * 2 ; not a comment} r='a + b' f=\"x y.toml\"\n");
        assert_eq!(
            got[0],
            vec![
                "B1",
                "a",
                "0",
                "V",
                "=",
                "{v(x) * 2 ; not a comment}",
                "r",
                "=",
                "'a + b'",
                "f",
                "=",
                "\"x y.toml\""
            ]
        );
    }

    #[test]
    fn columns() {
        let pl = load_str("t\n  R1  a b\n+ c\n", "t.cir").unwrap();
        let l = logical_lines(&pl[1..]).unwrap();
        let cols: Vec<(usize, usize)> = l[0]
            .tokens
            .iter()
            .map(|t| (t.span.line, t.span.col))
            .collect();
        assert_eq!(cols, vec![(2, 3), (2, 7), (2, 9), (3, 3)]);
    }

    #[test]
    fn unclosed_brace_is_an_error() {
        let pl = load_str("t\nR1 a b {1+2\n", "t.cir").unwrap();
        let e = logical_lines(&pl[1..]).unwrap_err().to_string();
        assert!(e.starts_with("t.cir:2:8: error: unclosed `{`"), "{e}");
    }
}
