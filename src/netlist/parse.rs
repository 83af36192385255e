//! Logical lines → [`Ast`].

use super::ast::{
    Assign, Ast, Branch, Element, Field, FuncDef, Model, Stmt, StmtKind, Subckt, Value,
};
use super::expr::{parse_expr, Expr};
use super::lex::{Line, TokKind, Token};
use crate::error::{Error, Result, Span};

/// Deepest nesting of `.subckt` definitions accepted.
pub const MAX_SUBCKT_NESTING: usize = 64;

/// Dot-commands ngspice has that spinspice does not (yet).
const UNSUPPORTED: &[&str] = &[".pz", ".four", ".disto", ".pss", ".sp"];

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

/// An open `.if` block: the branches closed so far, the current one's condition.
struct OpenIf {
    branches: Vec<Branch>,
    cond: Option<Expr>,
    cond_span: Span,
    /// An `.else` was seen (no `.elseif`/`.else` may follow).
    in_else: bool,
    outer: Vec<Stmt>,
}

/// What is open: a `.subckt` definition or a `.if` block.
enum Frame {
    Sub(Open),
    If(OpenIf),
}

/// Deepest nesting of `.if` blocks accepted.
pub const MAX_IF_NESTING: usize = 64;

/// The condition of `.if (expr)` / `.elseif (expr)`: every token after the keyword.
fn condition(toks: &[Token], what: &str) -> Result<Expr> {
    if toks.len() < 2 {
        return Err(Error::at(
            end_span(toks),
            format!("`{what}` needs a condition"),
            Some(format!(
                "write `{what} (expression)`, e.g. `{what} (mode == 1)`"
            )),
        ));
    }
    match value_of(&toks[1..])? {
        Value::Expr(e, _) => Ok(e),
        Value::Word(w) => parse_expr(&w).map_err(|e| {
            Error::at(
                toks[1].span.clone(),
                format!("bad expression: {}", e.message),
                None,
            )
        }),
        Value::Str(_) => Err(Error::at(
            toks[1].span.clone(),
            format!("`{what}` needs an expression, not a string"),
            None,
        )),
    }
}

/// `.func name(a, b) = expr`, `.func name(a, b) {expr}` or `.func name(a, b) 'expr'`.
fn func_def(toks: &[Token]) -> Result<FuncDef> {
    let usage = || Some("write `.func name(arg1, arg2) = {expression}`".to_string());
    let Some(name_tok) = toks.get(1).filter(|t| t.kind == TokKind::Word) else {
        return Err(Error::at(
            toks.get(1)
                .map(|t| t.span.clone())
                .unwrap_or_else(|| end_span(toks)),
            "expected a function name after `.func`",
            usage(),
        ));
    };
    let name = name_tok.lower();
    if !crate::elab::params::is_ident(&name) {
        return Err(Error::at(
            name_tok.span.clone(),
            format!("`{}` is not a function name", name_tok.text),
            usage(),
        ));
    }
    if super::expr::FUNCTIONS.iter().any(|f| f.0 == name)
        || matches!(name.as_str(), "v" | "i" | "if" | "ternary_fcn")
    {
        return Err(Error::at(
            name_tok.span.clone(),
            format!("`.func {name}` would redefine a built-in function"),
            Some("choose another name".into()),
        ));
    }
    if toks.get(2).map(|t| t.kind) != Some(TokKind::LParen) {
        return Err(Error::at(
            toks.get(2)
                .map(|t| t.span.clone())
                .unwrap_or_else(|| end_span(toks)),
            format!("expected `(` and the arguments of `{name}`"),
            usage(),
        ));
    }
    let mut args: Vec<String> = Vec::new();
    let mut i = 3;
    loop {
        let Some(t) = toks.get(i) else {
            return Err(Error::at(end_span(toks), "unclosed `(`", usage()));
        };
        match t.kind {
            TokKind::RParen => break,
            TokKind::Comma => {}
            TokKind::Word if crate::elab::params::is_ident(&t.text) => {
                let a = t.lower();
                if args.contains(&a) {
                    return Err(Error::at(
                        t.span.clone(),
                        format!("argument `{a}` of `{name}` is named twice"),
                        None,
                    ));
                }
                args.push(a);
            }
            _ => {
                return Err(Error::at(
                    t.span.clone(),
                    format!("expected an argument name, found `{}`", t.text),
                    usage(),
                ))
            }
        }
        i += 1;
    }
    i += 1;
    if toks.get(i).map(|t| t.kind) == Some(TokKind::Eq) {
        i += 1;
    }
    if i >= toks.len() {
        return Err(Error::at(
            end_span(toks),
            format!("expected the body of `{name}`"),
            usage(),
        ));
    }
    let body = match value_of(&toks[i..])? {
        Value::Expr(e, _) => e,
        Value::Word(w) => match parse_expr(&w) {
            Ok(e) => e,
            Err(e) => return Err(expr_error_in_token(&toks[i], e.offset, &e.message)),
        },
        Value::Str(_) => {
            return Err(Error::at(
                toks[i].span.clone(),
                "the body of a `.func` is an expression, not a string",
                usage(),
            ))
        }
    };
    Ok(FuncDef { name, args, body })
}

/// Build the AST from the title and the logical lines after it.
pub fn parse_lines(title: String, lines: Vec<Line>) -> Result<Ast> {
    let mut ast = Ast {
        title,
        statements: Vec::new(),
        control: Vec::new(),
    };
    let mut stack: Vec<Frame> = Vec::new();
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
            ".if" => {
                let ifs = stack.iter().filter(|f| matches!(f, Frame::If(_))).count();
                if ifs >= MAX_IF_NESTING {
                    return Err(Error::at(
                        span,
                        format!("`.if` blocks nested more than {MAX_IF_NESTING} deep"),
                        Some("close blocks with `.endif`".into()),
                    ));
                }
                let cond = condition(toks, ".if")?;
                stack.push(Frame::If(OpenIf {
                    branches: Vec::new(),
                    cond: Some(cond),
                    cond_span: span,
                    in_else: false,
                    outer: std::mem::take(&mut cur),
                }));
                continue;
            }
            ".elseif" | ".else" | ".endif" => {
                let Some(Frame::If(f)) = stack.last_mut() else {
                    return Err(Error::at(
                        span,
                        format!("`{head}` without `.if`"),
                        Some("open the block with `.if (condition)`".into()),
                    ));
                };
                if f.in_else && head != ".endif" {
                    return Err(Error::at(
                        span,
                        format!("`{head}` after `.else`"),
                        Some("`.else` is the last branch: close it with `.endif`".into()),
                    ));
                }
                if head == ".else" {
                    if let Some(t) = toks.get(1) {
                        return Err(Error::at(
                            t.span.clone(),
                            "`.else` takes no condition",
                            Some("write `.elseif (condition)` for another condition".into()),
                        ));
                    }
                }
                let next_cond = if head == ".elseif" {
                    Some(condition(toks, ".elseif")?)
                } else {
                    None
                };
                f.branches.push(Branch {
                    cond: f.cond.take(),
                    span: std::mem::replace(&mut f.cond_span, span.clone()),
                    body: std::mem::take(&mut cur),
                });
                if head != ".endif" {
                    f.cond = next_cond;
                    f.in_else = head == ".else";
                    continue;
                }
                let Some(Frame::If(f)) = stack.pop() else {
                    continue;
                };
                let if_span = f.branches.first().map(|b| b.span.clone()).unwrap_or(span);
                cur = f.outer;
                cur.push(Stmt {
                    kind: StmtKind::If(f.branches),
                    span: if_span,
                });
                continue;
            }
            ".func" => StmtKind::Func(func_def(toks)?),
            ".csparam" => {
                let fs = fields(toks, &mut i, false, &[])?;
                if fs.is_empty() {
                    return Err(Error::at(
                        end_span(toks),
                        "`.csparam` needs `name=value`",
                        None,
                    ));
                }
                StmtKind::Csparam(only_assigns(fs, "`.csparam`")?)
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
                let subs = stack.iter().filter(|f| matches!(f, Frame::Sub(_))).count();
                if subs >= MAX_SUBCKT_NESTING {
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
                stack.push(Frame::Sub(Open {
                    sub,
                    span,
                    outer: std::mem::take(&mut cur),
                }));
                continue;
            }
            ".ends" => {
                let open = match stack.pop() {
                    Some(Frame::Sub(open)) => open,
                    Some(Frame::If(f)) => {
                        return Err(Error::at(
                            span,
                            "`.ends` inside an open `.if` block",
                            Some(format!(
                                "close the `.if` of line {} with `.endif` first",
                                f.cond_span.line
                            )),
                        ))
                    }
                    None => return Err(Error::at(span, "`.ends` without `.subckt`", None)),
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
            ".nodeset" => {
                let fs = fields(toks, &mut i, false, &[])?;
                StmtKind::Nodeset(only_assigns(fs, "`.nodeset`")?)
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
            ".ac" => StmtKind::Ac(fields(toks, &mut i, false, &[])?),
            ".noise" => StmtKind::Noise(fields(toks, &mut i, false, &[])?),
            ".tf" => StmtKind::Tf(fields(toks, &mut i, false, &[])?),
            ".sens" => StmtKind::Sens(fields(toks, &mut i, false, &[])?),
            // ngspice goes on after a `.probe`/`.print`/`.plot` it cannot read; so do we,
            // with a warning. A `.save` it cannot read is an error (it changes the output).
            ".save" | ".print" | ".probe" | ".plot" => match fields(toks, &mut i, false, &[]) {
                Ok(fs) => StmtKind::Save(head.clone(), fs),
                Err(Error::Input(d)) if head != ".save" => StmtKind::Ignored(
                    head.clone(),
                    format!("{} at column {}", d.message, d.span.col),
                ),
                Err(e) => return Err(e),
            },
            ".global" => StmtKind::Global(fields(toks, &mut i, false, &[])?),
            ".meas" | ".measure" => StmtKind::Meas(fields(toks, &mut i, false, &[])?),
            ".width" => StmtKind::Ignored(head.clone(), "it sets ngspice's print width".into()),
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
                        "supported: .param .func .if .subckt .ends .model .include .lib .ic \
                         .options .op .dc .tran .ac .noise .tf .sens .save .print .plot .probe .global .temp .end"
                            .into(),
                    ),
                ))
            }
            h => {
                return Err(Error::at(
                    first.span.clone(),
                    format!("unknown dot-command `{h}`"),
                    Some(
                        "supported: .param .func .if .subckt .ends .model .include .lib .ic \
                         .options .op .dc .tran .ac .noise .tf .sens .save .print .plot .probe .global .temp .end"
                            .into(),
                    ),
                ))
            }
        };
        cur.push(Stmt { kind, span });
    }
    match stack.pop() {
        Some(Frame::Sub(open)) => {
            return Err(Error::at(
                open.span,
                format!("`.subckt {}` is never closed", open.sub.name),
                Some(format!("add `.ends {}`", open.sub.name)),
            ))
        }
        Some(Frame::If(f)) => {
            let span = f
                .branches
                .first()
                .map(|b| b.span.clone())
                .unwrap_or(f.cond_span);
            return Err(Error::at(
                span,
                "`.if` is never closed",
                Some("add `.endif`".into()),
            ));
        }
        None => {}
    }
    ast.statements = cur;
    Ok(ast)
}
