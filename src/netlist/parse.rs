//! Logical lines → [`Ast`].

use super::ast::{Assign, Ast, Element, Field, Model, Stmt, StmtKind, Subckt, Value};
use super::expr::parse_expr;
use super::lex::{Line, TokKind, Token};
use crate::error::{Error, Result, Span};

/// Deepest nesting of `.subckt` definitions accepted.
pub const MAX_SUBCKT_NESTING: usize = 64;

/// Dot-commands ngspice has that spinspice does not (yet).
const UNSUPPORTED: &[&str] = &[
    ".ac", ".noise", ".tf", ".sens", ".pz", ".four", ".disto", ".func", ".csparam", ".nodeset",
    ".pss", ".sp", ".if", ".else", ".endif",
];

/// An expression error at `offset` of the inside of `tok`, as a diagnostic.
fn expr_error_in_token(tok: &Token, inner_offset: Option<usize>, msg: &str) -> Error {
    let mut span = tok.span.clone();
    if let Some(off) = inner_offset {
        let delim = usize::from(tok.kind == TokKind::Expr);
        let off = off.min(tok.text.len());
        span.col += delim + tok.text[..off].chars().count();
        span.token = tok.text[off..]
            .chars()
            .next()
            .map(|c| c.to_string())
            .unwrap_or_default();
    }
    Error::at(span, format!("bad expression: {msg}"), None)
}

/// Parse the value made of `toks` (at least one).
fn value_of(toks: &[Token]) -> Result<Value> {
    if let [t] = toks {
        return match t.kind {
            TokKind::Word => Ok(Value::Word(t.text.clone())),
            TokKind::Str => Ok(Value::Str(t.text.clone())),
            TokKind::Expr => match parse_expr(&t.text) {
                Ok(e) => Ok(Value::Expr(e, t.text.clone())),
                Err(e) => Err(expr_error_in_token(t, e.offset, &e.message)),
            },
            _ => Err(Error::at(
                t.span.clone(),
                format!("expected a value, found `{}`", t.text),
                None,
            )),
        };
    }
    // Several tokens: rebuild the text (adjacent tokens stay adjacent) and parse it.
    let mut text = String::new();
    let mut starts = Vec::with_capacity(toks.len());
    for (k, t) in toks.iter().enumerate() {
        if k > 0 {
            let p = &toks[k - 1];
            let adjacent = p.span.line == t.span.line
                && p.span.col + p.span.token.chars().count() == t.span.col;
            if !adjacent {
                text.push(' ');
            }
        }
        starts.push(text.len());
        text.push_str(&t.span.token);
    }
    match parse_expr(&text) {
        Ok(e) => Ok(Value::Expr(e, text)),
        Err(e) => {
            let off = e.offset.unwrap_or(0);
            let k = starts.iter().rposition(|&s| s <= off).unwrap_or(0);
            let t = &toks[k];
            let mut span = t.span.clone();
            let within = (off - starts[k]).min(t.span.token.len());
            span.col += t.span.token[..within].chars().count();
            span.token = t.span.token[within..]
                .chars()
                .next()
                .map(|c| c.to_string())
                .unwrap_or_default();
            Err(Error::at(
                span,
                format!("bad expression: {}", e.message),
                None,
            ))
        }
    }
}

/// Parse fields from `toks[*i..]`. Inside a call (`in_call`) stop at the closing `)`.
/// Assignments whose key is in `rest_keys` take every remaining token as their value.
fn fields(toks: &[Token], i: &mut usize, in_call: bool, rest_keys: &[&str]) -> Result<Vec<Field>> {
    let mut out = Vec::new();
    while *i < toks.len() {
        let t = &toks[*i];
        let next_is = |k: TokKind| toks.get(*i + 1).is_some_and(|n| n.kind == k);
        match t.kind {
            TokKind::Comma => *i += 1,
            TokKind::RParen => {
                if in_call {
                    return Ok(out);
                }
                return Err(Error::at(t.span.clone(), "unmatched `)`", None));
            }
            TokKind::Eq | TokKind::LParen => {
                return Err(Error::at(
                    t.span.clone(),
                    format!("unexpected `{}`", t.text),
                    None,
                ))
            }
            TokKind::Word if next_is(TokKind::Eq) => {
                let eq = *i + 1;
                if !t
                    .text
                    .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                {
                    return Err(Error::at(
                        toks[eq].span.clone(),
                        format!("unexpected `=` after `{}`", t.text),
                        Some("parameters are written `name=value` with a name that starts with a letter".into()),
                    ));
                }
                *i += 2;
                let a = assign_value(toks, i, t.lower(), t.span.clone(), eq, rest_keys)?;
                out.push(Field::Assign(a));
            }
            TokKind::Word if next_is(TokKind::LParen) => {
                let open = &toks[*i + 1];
                *i += 2;
                let args = fields(toks, i, true, &[])?;
                if *i >= toks.len() {
                    return Err(Error::at(
                        open.span.clone(),
                        "unclosed `(`",
                        Some("add the closing `)`".into()),
                    ));
                }
                // The span covers `name(...)` when it sits on one line.
                let mut call_span = t.span.clone();
                let close = &toks[*i].span;
                if close.line == t.span.line && close.file == t.span.file && close.col > t.span.col
                {
                    call_span.token = t
                        .span
                        .source_line
                        .chars()
                        .skip(t.span.col - 1)
                        .take(close.col - t.span.col + 1)
                        .collect();
                }
                *i += 1; // the `)`
                let name = t.lower();
                if toks.get(*i).is_some_and(|n| n.kind == TokKind::Eq) {
                    // `v(n)=1` in .ic
                    let inner: Vec<String> = args
                        .iter()
                        .map(|a| a.word().unwrap_or("?").to_ascii_lowercase())
                        .collect();
                    let key = format!("{name}({})", inner.join(","));
                    let eq = *i;
                    *i += 1;
                    let a = assign_value(toks, i, key, call_span, eq, rest_keys)?;
                    out.push(Field::Assign(a));
                } else {
                    out.push(Field::Call {
                        name,
                        args,
                        span: call_span,
                    });
                }
            }
            _ => {
                out.push(Field::Value(
                    value_of(std::slice::from_ref(t))?,
                    t.span.clone(),
                ));
                *i += 1;
            }
        }
    }
    Ok(out)
}

const OPS: &[char] = &['+', '-', '*', '/', '^', '<', '>', '!', '&', '|', '?', ':'];

fn ends_with_op(t: &str) -> bool {
    t.ends_with(OPS)
}

fn starts_with_op(t: &str) -> bool {
    t.starts_with(OPS)
}

/// The value of an assignment whose `=` is `toks[eq]`; `*i` is just after it.
fn assign_value(
    toks: &[Token],
    i: &mut usize,
    name: String,
    span: Span,
    eq: usize,
    rest_keys: &[&str],
) -> Result<Assign> {
    let start = *i;
    if rest_keys.contains(&name.as_str()) {
        *i = toks.len();
    } else {
        let mut depth = 0usize;
        while *i < toks.len() {
            let t = &toks[*i];
            if depth == 0 && *i > start {
                if t.kind == TokKind::Word
                    && toks.get(*i + 1).is_some_and(|n| n.kind == TokKind::Eq)
                {
                    break;
                }
                // A value is one token unless operators join it to the next (`1 + 2`,
                // `max(a, b)`): `method=gear nopage` is a value and a flag.
                let prev = &toks[*i - 1];
                let joined = (t.kind == TokKind::LParen && prev.kind == TokKind::Word)
                    || ends_with_op(&prev.span.token)
                    || starts_with_op(&t.span.token);
                if !joined {
                    break;
                }
            }
            match t.kind {
                TokKind::LParen => depth += 1,
                TokKind::RParen if depth == 0 => break,
                TokKind::RParen => depth -= 1,
                TokKind::Comma if depth == 0 => break,
                _ => {}
            }
            *i += 1;
        }
    }
    if *i == start {
        return Err(Error::at(
            toks[eq].span.clone(),
            format!("expected a value after `{name}=`"),
            None,
        ));
    }
    Ok(Assign {
        name,
        value: value_of(&toks[start..*i])?,
        span,
        value_span: toks[start].span.clone(),
    })
}

/// Every field must be `name=value`.
fn only_assigns(fs: Vec<Field>, what: &str) -> Result<Vec<Assign>> {
    fs.into_iter()
        .map(|f| match f {
            Field::Assign(a) => Ok(a),
            other => Err(Error::at(
                other.span().clone(),
                format!("expected `name=value` in {what}"),
                None,
            )),
        })
        .collect()
}

fn end_span(toks: &[Token]) -> Span {
    let mut s = toks.last().map(|t| t.span.clone()).unwrap_or_default();
    s.col += s.token.chars().count();
    s.token = String::new();
    s
}

struct Open {
    sub: Subckt,
    span: Span,
    outer: Vec<Stmt>,
}

/// Build the AST from the title and the logical lines after it.
pub fn parse_lines(title: String, lines: Vec<Line>) -> Result<Ast> {
    let mut ast = Ast {
        title,
        statements: Vec::new(),
        control: Vec::new(),
    };
    let mut stack: Vec<Open> = Vec::new();
    let mut cur: Vec<Stmt> = Vec::new();
    for line in lines {
        let toks = &line.tokens;
        let Some(first) = toks.first() else { continue };
        let span = first.span.clone();
        if first.kind != TokKind::Word {
            return Err(Error::at(
                span,
                format!(
                    "expected an element name or a dot-command, found `{}`",
                    first.text
                ),
                None,
            ));
        }
        let head = first.lower();
        let mut i = 1;
        if !head.starts_with('.') {
            let letter = head.chars().next().unwrap_or(' ');
            if !letter.is_ascii_alphabetic() {
                return Err(Error::at(
                    span,
                    format!(
                        "expected an element name or a dot-command, found `{}`",
                        first.text
                    ),
                    Some("element names start with a letter (R1, C2, V1, X1, ...)".into()),
                ));
            }
            let rest: &[&str] = if letter == 'b' { &["v", "i"] } else { &[] };
            let fs = fields(toks, &mut i, false, rest)?;
            cur.push(Stmt {
                kind: StmtKind::Element(Element {
                    name: head,
                    letter,
                    fields: fs,
                }),
                span,
            });
            continue;
        }
        let kind = match head.as_str() {
            ".end" => break,
            ".title" => {
                let t: Vec<&str> = toks[1..].iter().map(|t| t.span.token.as_str()).collect();
                ast.title = t.join(" ");
                continue;
            }
            ".param" | ".params" => {
                let fs = fields(toks, &mut i, false, &[])?;
                if fs.is_empty() {
                    return Err(Error::at(
                        end_span(toks),
                        "`.param` needs `name=value`",
                        None,
                    ));
                }
                StmtKind::Param(only_assigns(fs, "`.param`")?)
            }
            ".subckt" => {
                let Some(name_tok) = toks.get(1).filter(|t| t.kind == TokKind::Word) else {
                    return Err(Error::at(
                        toks.get(1)
                            .map(|t| t.span.clone())
                            .unwrap_or_else(|| end_span(toks)),
                        "expected a subcircuit name after `.subckt`",
                        None,
                    ));
                };
                let mut ports = Vec::new();
                i = 2;
                while let Some(t) = toks.get(i) {
                    let next_eq = toks.get(i + 1).is_some_and(|n| n.kind == TokKind::Eq);
                    if t.kind != TokKind::Word || next_eq {
                        break;
                    }
                    i += 1;
                    if t.is_word("params:") {
                        break;
                    }
                    ports.push((t.lower(), t.span.clone()));
                }
                let fs = fields(toks, &mut i, false, &[])?;
                let defaults = only_assigns(fs, "subcircuit parameters")?;
                if stack.len() >= MAX_SUBCKT_NESTING {
                    return Err(Error::at(
                        span,
                        format!(
                            "subcircuit definitions nested more than {MAX_SUBCKT_NESTING} deep"
                        ),
                        Some("close definitions with `.ends`".into()),
                    ));
                }
                let sub = Subckt {
                    name: name_tok.lower(),
                    ports,
                    defaults,
                    body: Vec::new(),
                };
                stack.push(Open {
                    sub,
                    span,
                    outer: std::mem::take(&mut cur),
                });
                continue;
            }
            ".ends" => {
                let Some(open) = stack.pop() else {
                    return Err(Error::at(span, "`.ends` without `.subckt`", None));
                };
                if let Some(t) = toks.get(1) {
                    if t.lower() != open.sub.name {
                        return Err(Error::at(
                            t.span.clone(),
                            format!("`.ends {}` closes `.subckt {}`", t.text, open.sub.name),
                            Some(format!("write `.ends {}`", open.sub.name)),
                        ));
                    }
                }
                let mut sub = open.sub;
                sub.body = std::mem::replace(&mut cur, open.outer);
                cur.push(Stmt {
                    kind: StmtKind::Subckt(sub),
                    span: open.span,
                });
                continue;
            }
            ".model" => {
                let Some(name_tok) = toks.get(1).filter(|t| t.kind == TokKind::Word) else {
                    return Err(Error::at(
                        toks.get(1)
                            .map(|t| t.span.clone())
                            .unwrap_or_else(|| end_span(toks)),
                        "expected a model name after `.model`",
                        Some("write `.model name type (param=value ...)`".into()),
                    ));
                };
                i = 2;
                let mut fs = fields(toks, &mut i, false, &[])?;
                if fs.is_empty() {
                    return Err(Error::at(
                        end_span(toks),
                        "expected a model type",
                        Some("write `.model name type (param=value ...)`".into()),
                    ));
                }
                let first = fs.remove(0);
                let (kind, kind_span, mut params) = match first {
                    Field::Value(Value::Word(w), s) => (w.to_ascii_lowercase(), s, Vec::new()),
                    Field::Call { name, args, span } => (name, span, args),
                    other => {
                        return Err(Error::at(
                            other.span().clone(),
                            "expected a model type",
                            None,
                        ))
                    }
                };
                params.extend(fs);
                StmtKind::Model(Model {
                    name: name_tok.lower(),
                    kind,
                    kind_span,
                    params,
                })
            }
            ".ic" => {
                let fs = fields(toks, &mut i, false, &[])?;
                StmtKind::Ic(only_assigns(fs, "`.ic`")?)
            }
            ".options" | ".option" | ".opt" | ".opts" => {
                StmtKind::Options(fields(toks, &mut i, false, &[])?)
            }
            ".op" => {
                if let Some(t) = toks.get(1) {
                    return Err(Error::at(t.span.clone(), "`.op` takes no arguments", None));
                }
                StmtKind::Op
            }
            ".dc" => StmtKind::Dc(fields(toks, &mut i, false, &[])?),
            ".tran" => StmtKind::Tran(fields(toks, &mut i, false, &[])?),
            ".save" | ".print" | ".probe" | ".plot" => {
                StmtKind::Save(head.clone(), fields(toks, &mut i, false, &[])?)
            }
            ".global" => StmtKind::Global(fields(toks, &mut i, false, &[])?),
            ".meas" | ".measure" => StmtKind::Meas(fields(toks, &mut i, false, &[])?),
            ".width" => StmtKind::Ignored(head.clone(), "it sets ngspice's print width"),
            ".temp" => StmtKind::Temp(fields(toks, &mut i, false, &[])?),
            ".endc" => {
                return Err(Error::at(
                    first.span.clone(),
                    "`.endc` without `.control`",
                    Some("a control block starts with `.control` and ends with `.endc`".into()),
                ))
            }
            h if UNSUPPORTED.contains(&h) => {
                return Err(Error::at(
                    first.span.clone(),
                    format!("`{h}` is not supported (yet)"),
                    Some(
                        "supported: .param .subckt .ends .model .include .lib .ic .options \
                         .op .dc .tran .save .print .plot .probe .global .temp .end"
                            .into(),
                    ),
                ))
            }
            h => {
                return Err(Error::at(
                    first.span.clone(),
                    format!("unknown dot-command `{h}`"),
                    Some(
                        "supported: .param .subckt .ends .model .include .lib .ic .options \
                         .op .dc .tran .save .print .plot .probe .global .temp .end"
                            .into(),
                    ),
                ))
            }
        };
        cur.push(Stmt { kind, span });
    }
    if let Some(open) = stack.pop() {
        return Err(Error::at(
            open.span,
            format!("`.subckt {}` is never closed", open.sub.name),
            Some(format!("add `.ends {}`", open.sub.name)),
        ));
    }
    ast.statements = cur;
    Ok(ast)
}
