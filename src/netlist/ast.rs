//! The syntax tree: statements as written, with spans; no evaluation, no name resolution.

use super::expr::Expr;
use crate::error::Span;

/// A value as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A bare word as written (a number like `10pF`, a name, or an unbraced expression
    /// like `a*2`); elaboration decides which.
    Word(String),
    /// A parsed `{...}` / `'...'` expression, or an unbraced multi-token expression after
    /// `=` in `.param` and B sources. The string is the source text.
    Expr(Expr, String),
    /// A `"..."` string, without the quotes.
    Str(String),
}

/// `name=value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Assign {
    /// Lower case. For `.ic v(n)=1` this is `v(n)`.
    pub name: String,
    pub value: Value,
    /// The name as written.
    pub span: Span,
    /// The value as written (first token).
    pub value_span: Span,
}

/// One item after an element name or dot-command.
#[derive(Debug, Clone, PartialEq)]
pub enum Field {
    Value(Value, Span),
    Assign(Assign),
    /// `name(args...)`, e.g. `pulse(0 1 1n)` or `v(out)`. Name lower case.
    Call {
        name: String,
        args: Vec<Field>,
        span: Span,
    },
}

impl Field {
    /// Where this field was written.
    pub fn span(&self) -> &Span {
        match self {
            Field::Value(_, s) => s,
            Field::Assign(a) => &a.span,
            Field::Call { span, .. } => span,
        }
    }

    /// The word, if this is a bare word.
    pub fn word(&self) -> Option<&str> {
        match self {
            Field::Value(Value::Word(w), _) => Some(w),
            _ => None,
        }
    }
}

/// An element line: `R1 a b 1k`.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    /// Lower case, as written (`r1`).
    pub name: String,
    /// The first letter, lower case.
    pub letter: char,
    pub fields: Vec<Field>,
}

/// `.subckt name ports... [params:] defaults...` ... `.ends`.
#[derive(Debug, Clone, PartialEq)]
pub struct Subckt {
    pub name: String,
    pub ports: Vec<(String, Span)>,
    pub defaults: Vec<Assign>,
    pub body: Vec<Stmt>,
}

/// `.model name kind (params...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    pub name: String,
    pub kind: String,
    pub kind_span: Span,
    /// `name=value` entries (and any stray values, which elaboration rejects).
    pub params: Vec<Field>,
}

/// `.func name(args) = expr` (or `{expr}`, `'expr'`): a user function.
#[derive(Debug, Clone, PartialEq)]
pub struct FuncDef {
    /// Lower case.
    pub name: String,
    /// Argument names, lower case, in order.
    pub args: Vec<String>,
    pub body: Expr,
}

/// One branch of a `.if` block: `.if (cond)` / `.elseif (cond)` (`cond` given) or `.else`.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    pub cond: Option<Expr>,
    /// The `.if` / `.elseif` / `.else` keyword.
    pub span: Span,
    pub body: Vec<Stmt>,
}

/// What a statement is.
#[derive(Debug, Clone, PartialEq)]
pub enum StmtKind {
    Element(Element),
    Param(Vec<Assign>),
    /// `.func`.
    Func(FuncDef),
    /// `.csparam name=value ...`: values for the `.control` interpreter only (ngspice 39
    /// does not let the netlist use them).
    Csparam(Vec<Assign>),
    /// `.if` ... `.elseif` ... `.else` ... `.endif`: the branches in order.
    If(Vec<Branch>),
    Subckt(Subckt),
    Model(Model),
    /// `.ic v(n)=x ...`.
    Ic(Vec<Assign>),
    /// `.nodeset v(n)=x ...`: initial guesses for the DC operating point.
    Nodeset(Vec<Assign>),
    /// `.options` entries: assignments, or bare flags as values.
    Options(Vec<Field>),
    Op,
    Dc(Vec<Field>),
    Tran(Vec<Field>),
    /// `.ac dec|oct|lin N fstart fstop`.
    Ac(Vec<Field>),
    /// `.noise v(out[,ref]) src dec|oct|lin N f1 f2 [pts]`.
    Noise(Vec<Field>),
    /// `.tf outvar insrc`.
    Tf(Vec<Field>),
    /// `.sens outvar [ac ...]`.
    Sens(Vec<Field>),
    /// `.save` / `.print` / `.probe`: the command name and its fields.
    Save(String, Vec<Field>),
    Global(Vec<Field>),
    /// `.temp` value(s).
    Temp(Vec<Field>),
    /// `.meas` / `.measure`: its fields.
    Meas(Vec<Field>),
    /// A dot-command ngspice accepts that changes nothing spinspice writes (`.width`):
    /// its name and why it is ignored; elaboration warns.
    Ignored(String, String),
}

/// A statement with the span of its first token.
#[derive(Debug, Clone, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

/// One physical line of a `.control` block, verbatim (the interpreter strips comments and
/// joins `+` continuations); `span` covers the whole line (column 1).
#[derive(Debug, Clone, PartialEq)]
pub struct ControlLine {
    pub text: String,
    pub span: Span,
}

/// A `.control` ... `.endc` block: the lines between the two, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlBlock {
    /// The `.control` line.
    pub span: Span,
    pub lines: Vec<ControlLine>,
}

/// A parsed netlist.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ast {
    pub title: String,
    pub statements: Vec<Stmt>,
    /// `.control` blocks, in order (run by [`crate::control`]).
    pub control: Vec<ControlBlock>,
}
