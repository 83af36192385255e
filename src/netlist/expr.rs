//! Expressions: `.param` arithmetic, `{...}` values and B-source expressions.

/// Unary operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnOp {
    Neg,
    Not,
}

/// Binary operators (comparisons and logic give 1.0 or 0.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
    And,
    Or,
}

/// An expression tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(f64),
    /// A parameter name, or `time` / `temper` / `hertz`, lower case.
    Var(String),
    /// `v(a)` or `v(a, b)`: node names, lower case (flattened after elaboration).
    Voltage(String, Option<String>),
    /// `i(vname)`: a voltage source's (or inductor's) branch current.
    Current(String),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `c ? a : b`, or `if(c, a, b)`.
    Ternary(Box<Expr>, Box<Expr>, Box<Expr>),
    /// A function call: `sqrt`, `exp`, `log`, `abs`, `min`, `max`, `pow`, ... lower case.
    Call(String, Vec<Expr>),
}
