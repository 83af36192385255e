//! Control lines → commands and blocks.
//!
//! Per line (as ngspice in a control block): a line whose first non-blank character is
//! `*` or `#` is a comment; `;` starts a comment outside `"..."`, and so does `$` when
//! a blank precedes and follows it (`$var` substitutes); a line starting with `+`
//! continues the previous one. Blocks: `if`/`else`/`end`, `while`, `dowhile`, `repeat
//! [n]`, `foreach var values...`, each closed by `end`; `break` and `continue` inside
//! loops.

use crate::error::{Error, Result, Span};
use crate::netlist::ast::ControlLine;

/// One command line: its keyword (lower case) and the rest as written.
#[derive(Debug, Clone, PartialEq)]
pub struct Cmd {
    pub word: String,
    pub rest: String,
    pub span: Span,
}

/// A command or a block.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Cmd(Cmd),
    If {
        cond: Cmd,
        then: Vec<Node>,
        els: Vec<Node>,
    },
    /// `while` (test first) or `dowhile` (test after the body).
    While {
        cond: Cmd,
        body: Vec<Node>,
        test_first: bool,
    },
    Repeat {
        count: Cmd,
        body: Vec<Node>,
    },
    Foreach {
        head: Cmd,
        body: Vec<Node>,
    },
    Break(Span),
    Continue(Span),
}

/// The byte length of `text` without its comment.
pub fn strip_comment(text: &str) -> &str {
    let t = text.trim_start();
    if t.starts_with('*') || t.starts_with('#') {
        return "";
    }
    let mut quote = false;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        match c {
            '"' => quote = !quote,
            ';' if !quote => return &text[..i],
            '$' if !quote => {
                let before = k == 0 || chars[k - 1].1.is_whitespace();
                let after = chars.get(k + 1).is_none_or(|(_, n)| n.is_whitespace());
                if before && after {
                    return &text[..i];
                }
            }
            _ => {}
        }
    }
    text
}

/// Logical command lines (comments stripped, continuations joined), blank ones dropped.
pub fn commands(lines: &[ControlLine]) -> Vec<Cmd> {
    let mut out: Vec<Cmd> = Vec::new();
    for l in lines {
        let text = strip_comment(&l.text).trim();
        if text.is_empty() {
            continue;
        }
        if let Some(more) = text.strip_prefix('+') {
            if let Some(last) = out.last_mut() {
                last.rest.push(' ');
                last.rest.push_str(more.trim());
                continue;
            }
        }
        let (word, rest) = match text.find(char::is_whitespace) {
            Some(i) => (&text[..i], text[i..].trim()),
            None => (text, ""),
        };
        // `let x=1`: the keyword ends at the first blank; `set x=1` likewise.
        let col = l.text.chars().take_while(|c| c.is_whitespace()).count() + 1;
        let mut span = l.span.clone();
        span.col = col;
        span.token = word.to_string();
        out.push(Cmd {
            word: word.to_ascii_lowercase(),
            rest: rest.to_string(),
            span,
        });
    }
    out
}

fn unexpected(c: &Cmd) -> Error {
    Error::at(
        c.span.clone(),
        format!("`{}` without a block to close", c.word),
        Some(
            "blocks are `if`, `while`, `dowhile`, `repeat` and `foreach`, each closed by `end`"
                .into(),
        ),
    )
}

/// Build the block tree of `cmds`.
pub fn parse(cmds: &[Cmd]) -> Result<Vec<Node>> {
    let mut i = 0;
    let (nodes, stop) = parse_body(cmds, &mut i, 0)?;
    match stop {
        None => Ok(nodes),
        Some(c) => Err(unexpected(&c)),
    }
}

/// Parse until `end`/`else` (returned) or the end of input.
fn parse_body(cmds: &[Cmd], i: &mut usize, depth: usize) -> Result<(Vec<Node>, Option<Cmd>)> {
    let mut out = Vec::new();
    while let Some(c) = cmds.get(*i) {
        *i += 1;
        match c.word.as_str() {
            "end" | "endif" | "endwhile" | "else" => {
                let mut c = c.clone();
                if c.word != "else" {
                    c.word = "end".into();
                }
                return Ok((out, Some(c)));
            }
            "if" | "while" | "dowhile" | "repeat" | "foreach" => {
                if depth > 200 {
                    return Err(Error::at(c.span.clone(), "blocks nested too deeply", None));
                }
                let (body, stop) = parse_body(cmds, i, depth + 1)?;
                let closed = |stop: &Option<Cmd>| -> Result<()> {
                    match stop {
                        Some(s) if s.word == "end" => Ok(()),
                        Some(s) => Err(unexpected(s)),
                        None => Err(Error::at(
                            c.span.clone(),
                            format!("`{}` without `end`", c.word),
                            Some("close the block with a line `end`".into()),
                        )),
                    }
                };
                let node = match c.word.as_str() {
                    "if" => {
                        let els = match &stop {
                            Some(s) if s.word == "else" => {
                                let (els, stop2) = parse_body(cmds, i, depth + 1)?;
                                closed(&stop2)?;
                                els
                            }
                            _ => {
                                closed(&stop)?;
                                Vec::new()
                            }
                        };
                        Node::If {
                            cond: c.clone(),
                            then: body,
                            els,
                        }
                    }
                    w => {
                        closed(&stop)?;
                        match w {
                            "while" | "dowhile" => Node::While {
                                cond: c.clone(),
                                body,
                                test_first: w == "while",
                            },
                            "repeat" => Node::Repeat {
                                count: c.clone(),
                                body,
                            },
                            _ => Node::Foreach {
                                head: c.clone(),
                                body,
                            },
                        }
                    }
                };
                out.push(node);
            }
            "break" => out.push(Node::Break(c.span.clone())),
            "continue" => out.push(Node::Continue(c.span.clone())),
            _ => out.push(Node::Cmd(c.clone())),
        }
    }
    Ok((out, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn lines(text: &str) -> Vec<ControlLine> {
        text.lines()
            .enumerate()
            .map(|(k, t)| ControlLine {
                text: t.to_string(),
                span: Span {
                    file: Arc::new("x.cir".into()),
                    line: k + 1,
                    col: 1,
                    token: t.to_string(),
                    source_line: t.to_string(),
                },
            })
            .collect()
    }

    #[test]
    fn comments_as_ngspice() {
        assert_eq!(strip_comment("let a = 1 ; note"), "let a = 1 ");
        assert_eq!(strip_comment("echo \"a;b\" ; c"), "echo \"a;b\" ");
        assert_eq!(strip_comment("echo $x $ note"), "echo $x ");
        assert_eq!(strip_comment("echo $&x"), "echo $&x");
        assert_eq!(strip_comment("* all"), "");
        assert_eq!(strip_comment("  # all"), "");
    }

    #[test]
    fn blocks_nest_and_errors_name_the_line() {
        let c = commands(&lines(
            "let i = 0\nwhile i < 3\n if i = 1\n  break\n else\n  echo a\n end\n let i = i + 1\nend\n+ ignored? no: continues end",
        ));
        // The `+` line continues `end`.
        assert_eq!(c.len(), 9);
        let t = parse(&c).unwrap();
        assert_eq!(t.len(), 2);
        let Node::While { body, .. } = &t[1] else {
            panic!("{t:?}")
        };
        assert_eq!(body.len(), 2);
        let e = parse(&commands(&lines("echo\nend")))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("x.cir:2:1") && e.contains("`end` without a block"),
            "{e}"
        );
        let e = parse(&commands(&lines("repeat 2\n echo")))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("x.cir:1:1") && e.contains("`repeat` without `end`"),
            "{e}"
        );
    }
}
