//! Vector expressions of the control language (`let`, `print`, `if`, `while`, ...).
//!
//! Operators, loosest first: `? :`; `or` `|`; `and` `&`; `not` `!`; comparisons
//! `= <> < > <= >=` (also `eq ne lt gt le ge`); `+ -`; `* / %`; `^` (right
//! associative); unary `-`; indexing `x[i]`, `x[a,b]` (a range). Operands: numbers with
//! SPICE suffixes, vector names (`v(out)`, `i(v1)`, `v1#branch`, `n1`, `tran1.v(2)`,
//! `@r1[i]`), `"name"` strings (a vector name), function calls. Arithmetic is element-wise;
//! a length-1 operand is broadcast, and of two longer vectors the shorter is extended with
//! its last element. Comparisons give 1 or 0.

use crate::units::parse_number_prefix;

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Ex {
    Num(f64),
    /// A vector name as written (lower case), possibly `plot.name`.
    Name(String),
    Neg(Box<Ex>),
    Not(Box<Ex>),
    Bin(Op, Box<Ex>, Box<Ex>),
    Tern(Box<Ex>, Box<Ex>, Box<Ex>),
    Call(String, Vec<Ex>),
    /// `x[i]` or `x[a,b]`.
    Index(Box<Ex>, Box<Ex>, Option<Box<Ex>>),
}

/// A binary operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    And,
    Or,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Name(String),
    Sym(&'static str),
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || "_#.@".contains(c)
}

const SYMS: &[&str] = &[
    "<>", "><", "<=", ">=", "==", "!=", "&&", "||", "**", "+", "-", "*", "/", "%", "^", "(", ")",
    "[", "]", ",", "?", ":", "=", "<", ">", "!", "~", "&", "|",
];

/// Tokens with their byte offsets (start, end).
fn lex(text: &str) -> Result<Vec<(Tok, usize, usize)>, String> {
    let mut out = Vec::new();
    let b = text;
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        let c = rest.chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let start = i;
        if c == '"' {
            let end = rest[1..]
                .find('"')
                .ok_or_else(|| format!("unterminated string in `{text}`"))?;
            out.push((
                Tok::Name(rest[1..1 + end].to_ascii_lowercase()),
                start,
                i + end + 2,
            ));
            i += end + 2;
            continue;
        }
        if c == '@' {
            // @dev[param]
            let end = rest.find(']').map(|k| k + 1).unwrap_or(rest.len());
            out.push((Tok::Name(rest[..end].to_ascii_lowercase()), start, i + end));
            i += end;
            continue;
        }
        let starts_num =
            c.is_ascii_digit() || (c == '.' && rest[1..].starts_with(|d: char| d.is_ascii_digit()));
        if starts_num {
            if let Some((v, n)) = parse_number_prefix(rest) {
                let mut n = n;
                // Unit letters after the number (`5v`, `10ohm`).
                while let Some(ch) = rest[n..].chars().next() {
                    if ch.is_ascii_alphabetic() {
                        n += 1;
                    } else {
                        break;
                    }
                }
                out.push((Tok::Num(v), start, i + n));
                i += n;
                continue;
            }
        }
        if is_name_char(c) {
            let n = rest
                .char_indices()
                .find(|(_, ch)| !is_name_char(*ch))
                .map_or(rest.len(), |(k, _)| k);
            out.push((Tok::Name(rest[..n].to_ascii_lowercase()), start, i + n));
            i += n;
            continue;
        }
        match SYMS.iter().find(|s| rest.starts_with(**s)) {
            Some(s) => {
                out.push((Tok::Sym(s), start, i + s.len()));
                i += s.len();
            }
            None => return Err(format!("unexpected character `{c}` in `{text}`")),
        }
    }
    Ok(out)
}

struct Parser<'a> {
    toks: Vec<(Tok, usize, usize)>,
    pos: usize,
    text: &'a str,
}

fn word_op(t: &Tok) -> Option<&'static str> {
    match t {
        Tok::Name(n) => Some(match n.as_str() {
            "eq" => "=",
            "ne" => "<>",
            "lt" => "<",
            "gt" => ">",
            "le" => "<=",
            "ge" => ">=",
            "and" => "&",
            "or" => "|",
            "not" => "!",
            _ => return None,
        }),
        Tok::Sym(s) => Some(match *s {
            "==" => "=",
            "!=" => "<>",
            "&&" => "&",
            "||" => "|",
            "**" => "^",
            "><" => "<>",
            "~" => "!",
            s => s,
        }),
        Tok::Num(_) => None,
    }
}

impl Parser<'_> {
    fn peek_sym(&self) -> Option<&'static str> {
        self.toks.get(self.pos).and_then(|(t, _, _)| word_op(t))
    }
    fn eat(&mut self, s: &str) -> bool {
        if self.peek_sym() == Some(s) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn err<T>(&self, what: &str) -> Result<T, String> {
        let at = match self.toks.get(self.pos) {
            Some((_, s, e)) => format!("`{}`", &self.text[*s..*e]),
            None => "the end".into(),
        };
        Err(format!("{what} at {at} in `{}`", self.text.trim()))
    }

    fn ternary(&mut self) -> Result<Ex, String> {
        let c = self.or()?;
        if self.eat("?") {
            let a = self.ternary()?;
            if !self.eat(":") {
                return self.err("expected `:`");
            }
            let b = self.ternary()?;
            return Ok(Ex::Tern(Box::new(c), Box::new(a), Box::new(b)));
        }
        Ok(c)
    }
    fn or(&mut self) -> Result<Ex, String> {
        let mut l = self.and()?;
        while self.eat("|") {
            let r = self.and()?;
            l = Ex::Bin(Op::Or, Box::new(l), Box::new(r));
        }
        Ok(l)
    }
    fn and(&mut self) -> Result<Ex, String> {
        let mut l = self.not()?;
        while self.eat("&") {
            let r = self.not()?;
            l = Ex::Bin(Op::And, Box::new(l), Box::new(r));
        }
        Ok(l)
    }
    fn not(&mut self) -> Result<Ex, String> {
        if self.eat("!") {
            return Ok(Ex::Not(Box::new(self.not()?)));
        }
        self.cmp()
    }
    fn cmp(&mut self) -> Result<Ex, String> {
        let mut l = self.add()?;
        loop {
            let op = match self.peek_sym() {
                Some("=") => Op::Eq,
                Some("<>") => Op::Ne,
                Some("<") => Op::Lt,
                Some(">") => Op::Gt,
                Some("<=") => Op::Le,
                Some(">=") => Op::Ge,
                _ => return Ok(l),
            };
            self.pos += 1;
            let r = self.add()?;
            l = Ex::Bin(op, Box::new(l), Box::new(r));
        }
    }
    fn add(&mut self) -> Result<Ex, String> {
        let mut l = self.mul()?;
        loop {
            let op = match self.peek_sym() {
                Some("+") => Op::Add,
                Some("-") => Op::Sub,
                _ => return Ok(l),
            };
            self.pos += 1;
            let r = self.mul()?;
            l = Ex::Bin(op, Box::new(l), Box::new(r));
        }
    }
    fn mul(&mut self) -> Result<Ex, String> {
        let mut l = self.unary()?;
        loop {
            let op = match self.peek_sym() {
                Some("*") => Op::Mul,
                Some("/") => Op::Div,
                Some("%") => Op::Mod,
                _ => return Ok(l),
            };
            self.pos += 1;
            let r = self.unary()?;
            l = Ex::Bin(op, Box::new(l), Box::new(r));
        }
    }
    fn unary(&mut self) -> Result<Ex, String> {
        if self.eat("-") {
            return Ok(Ex::Neg(Box::new(self.unary()?)));
        }
        if self.eat("+") {
            return self.unary();
        }
        self.pow()
    }
    fn pow(&mut self) -> Result<Ex, String> {
        let b = self.postfix()?;
        if self.eat("^") {
            let e = self.unary()?;
            return Ok(Ex::Bin(Op::Pow, Box::new(b), Box::new(e)));
        }
        Ok(b)
    }
    fn postfix(&mut self) -> Result<Ex, String> {
        let mut e = self.primary()?;
        while self.eat("[") {
            let a = self.ternary()?;
            let b = if self.eat(",") {
                Some(Box::new(self.ternary()?))
            } else {
                None
            };
            if !self.eat("]") {
                return self.err("expected `]`");
            }
            e = Ex::Index(Box::new(e), Box::new(a), b);
        }
        Ok(e)
    }
    /// The raw text up to the `)` matching an already consumed `(`.
    fn raw_parens(&mut self) -> Result<String, String> {
        let start = self.pos;
        let mut depth = 1;
        while let Some((t, _, _)) = self.toks.get(self.pos) {
            match t {
                Tok::Sym("(") => depth += 1,
                Tok::Sym(")") => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            self.pos += 1;
        }
        if depth != 0 || start == self.pos {
            return self.err("expected a name and `)`");
        }
        let s = self.toks[start].1;
        let e = self.toks[self.pos - 1].2;
        self.pos += 1;
        Ok(self.text[s..e]
            .split_whitespace()
            .collect::<String>()
            .to_ascii_lowercase())
    }
    fn primary(&mut self) -> Result<Ex, String> {
        let Some((t, _, _)) = self.toks.get(self.pos).cloned() else {
            return self.err("expected a value");
        };
        match t {
            Tok::Num(v) => {
                self.pos += 1;
                Ok(Ex::Num(v))
            }
            Tok::Sym("(") => {
                self.pos += 1;
                let e = self.ternary()?;
                if !self.eat(")") {
                    return self.err("expected `)`");
                }
                Ok(e)
            }
            Tok::Name(n) if word_op(&Tok::Name(n.clone())).is_none() => {
                self.pos += 1;
                if !matches!(self.toks.get(self.pos), Some((Tok::Sym("("), _, _))) {
                    return Ok(Ex::Name(n));
                }
                self.pos += 1;
                // v(node), v(a,b), i(vsrc), plot.v(node): vector names.
                let (prefix, base) = match n.rsplit_once('.') {
                    Some((p, b)) => (format!("{p}."), b.to_string()),
                    None => (String::new(), n.clone()),
                };
                if base == "v" || base == "i" {
                    let inner = self.raw_parens()?;
                    if base == "v" {
                        if let Some((a, b)) = inner.split_once(',') {
                            let va = Ex::Name(format!("{prefix}v({a})"));
                            let vb = Ex::Name(format!("{prefix}v({b})"));
                            return Ok(Ex::Bin(Op::Sub, Box::new(va), Box::new(vb)));
                        }
                    }
                    return Ok(Ex::Name(format!("{prefix}{base}({inner})")));
                }
                let mut args = Vec::new();
                if !self.eat(")") {
                    loop {
                        args.push(self.ternary()?);
                        if self.eat(")") {
                            break;
                        }
                        if !self.eat(",") {
                            return self.err("expected `,` or `)`");
                        }
                    }
                }
                Ok(Ex::Call(n, args))
            }
            _ => self.err("expected a value"),
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.toks.len()
    }
}

/// Parse one expression (all of `text`).
pub fn parse(text: &str) -> Result<Ex, String> {
    let mut p = Parser {
        toks: lex(text)?,
        pos: 0,
        text,
    };
    let e = p.ternary()?;
    if !p.at_end() {
        return p.err("unexpected");
    }
    Ok(e)
}

/// Parse a list of expressions written one after the other (`print v(1) v(2)-1 x`), each
/// with its text as written (runs of blanks as one).
pub fn parse_list(text: &str) -> Result<Vec<(Ex, String)>, String> {
    let mut p = Parser {
        toks: lex(text)?,
        pos: 0,
        text,
    };
    let mut out = Vec::new();
    while !p.at_end() {
        let s = p.toks[p.pos].1;
        let e = p.ternary()?;
        let end = p.toks[p.pos - 1].2;
        let name = text[s..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        out.push((e, name.to_ascii_lowercase()));
    }
    Ok(out)
}

/// What an expression can look up.
pub trait Env {
    /// The vector called `name` (possibly `plot.name`).
    fn vector(&self, name: &str) -> Option<Vec<f64>>;
    /// The current plot's scale.
    fn scale(&self) -> Option<Vec<f64>>;
    /// A `define`d function: its parameters and body.
    fn define(&self, _name: &str) -> Option<(Vec<String>, Ex)> {
        None
    }
}

/// An environment with a `define`d function's parameters bound.
struct Bound<'e> {
    inner: &'e dyn Env,
    names: &'e [String],
    vals: &'e [Vec<f64>],
}

impl Env for Bound<'_> {
    fn vector(&self, name: &str) -> Option<Vec<f64>> {
        match self.names.iter().position(|n| n == name) {
            Some(k) => self.vals.get(k).cloned(),
            None => self.inner.vector(name),
        }
    }
    fn scale(&self) -> Option<Vec<f64>> {
        self.inner.scale()
    }
    fn define(&self, name: &str) -> Option<(Vec<String>, Ex)> {
        self.inner.define(name)
    }
}

fn zip(a: &[f64], b: &[f64], f: impl Fn(f64, f64) -> f64) -> Vec<f64> {
    let n = a.len().max(b.len());
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    (0..n)
        .map(|k| f(a[k.min(a.len() - 1)], b[k.min(b.len() - 1)]))
        .collect()
}

fn bool_of(b: bool) -> f64 {
    if b {
        1.0
    } else {
        0.0
    }
}

/// Evaluate `e`.
pub fn eval(e: &Ex, env: &dyn Env) -> Result<Vec<f64>, String> {
    eval_depth(e, env, 0)
}

fn eval_depth(e: &Ex, env: &dyn Env, depth: usize) -> Result<Vec<f64>, String> {
    if depth > 100 {
        return Err("`define`d functions nested too deeply (recursive?)".into());
    }
    let eval = |e: &Ex, env: &dyn Env| eval_depth(e, env, depth);
    Ok(match e {
        Ex::Num(v) => vec![*v],
        Ex::Name(n) => env
            .vector(n)
            .ok_or_else(|| format!("{n}: no such vector"))?,
        Ex::Neg(a) => eval(a, env)?.into_iter().map(|x| -x).collect(),
        Ex::Not(a) => eval(a, env)?
            .into_iter()
            .map(|x| bool_of(x == 0.0))
            .collect(),
        Ex::Bin(op, a, b) => {
            let a = eval(a, env)?;
            let b = eval(b, env)?;
            let f: fn(f64, f64) -> f64 = match op {
                Op::Add => |x, y| x + y,
                Op::Sub => |x, y| x - y,
                Op::Mul => |x, y| x * y,
                Op::Div => |x, y| x / y,
                Op::Mod => |x, y| x % y,
                Op::Pow => f64::powf,
                Op::Eq => |x, y| bool_of(x == y),
                Op::Ne => |x, y| bool_of(x != y),
                Op::Lt => |x, y| bool_of(x < y),
                Op::Gt => |x, y| bool_of(x > y),
                Op::Le => |x, y| bool_of(x <= y),
                Op::Ge => |x, y| bool_of(x >= y),
                Op::And => |x, y| bool_of(x != 0.0 && y != 0.0),
                Op::Or => |x, y| bool_of(x != 0.0 || y != 0.0),
            };
            zip(&a, &b, f)
        }
        Ex::Tern(c, a, b) => {
            if truth(&eval(c, env)?) {
                eval(a, env)?
            } else {
                eval(b, env)?
            }
        }
        Ex::Index(v, a, b) => {
            let v = eval(v, env)?;
            let i = index_of(&eval(a, env)?)?;
            match b {
                None => vec![*v
                    .get(i)
                    .ok_or_else(|| format!("index {i} out of range (length {})", v.len()))?],
                Some(b) => {
                    let j = index_of(&eval(b, env)?)?;
                    let (lo, hi) = (i.min(j), i.max(j));
                    if hi >= v.len() {
                        return Err(format!("index {hi} out of range (length {})", v.len()));
                    }
                    let mut s = v[lo..=hi].to_vec();
                    if j < i {
                        s.reverse();
                    }
                    s
                }
            }
        }
        Ex::Call(f, args) => {
            let vals = args
                .iter()
                .map(|a| eval(a, env))
                .collect::<Result<Vec<_>, _>>()?;
            if let Some((names, body)) = env.define(f) {
                if names.len() != vals.len() {
                    return Err(format!(
                        "{f}: expects {} arguments, got {}",
                        names.len(),
                        vals.len()
                    ));
                }
                return eval_depth(
                    &body,
                    &Bound {
                        inner: env,
                        names: &names,
                        vals: &vals,
                    },
                    depth + 1,
                );
            }
            super::func::call(f, &vals, env)?
        }
    })
}

/// An index value: a non-negative whole number.
pub fn index_of(v: &[f64]) -> Result<usize, String> {
    match v.first() {
        Some(&x) if x >= 0.0 && x.is_finite() => Ok(x.round() as usize),
        Some(&x) => Err(format!("bad index {x}")),
        None => Err("empty index".into()),
    }
}

/// ngspice's truth of a vector: true when any element is non-zero.
pub fn truth(v: &[f64]) -> bool {
    v.iter().any(|&x| x != 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct E;
    impl Env for E {
        fn vector(&self, name: &str) -> Option<Vec<f64>> {
            match name {
                "x" => Some(vec![1.0, 2.0, 3.0, 4.0]),
                "v(a)" => Some(vec![5.0]),
                "v(b)" => Some(vec![2.0]),
                "tran1.v(a)" => Some(vec![7.0]),
                "n#branch" => Some(vec![-1.0]),
                _ => None,
            }
        }
        fn scale(&self) -> Option<Vec<f64>> {
            Some(vec![0.0, 1.0, 2.0, 3.0])
        }
    }

    fn ev(s: &str) -> Vec<f64> {
        eval(&parse(s).unwrap(), &E).unwrap()
    }

    #[test]
    fn arithmetic_by_hand() {
        assert_eq!(ev("1+2*3"), vec![7.0]);
        assert_eq!(ev("2^3^2"), vec![512.0]);
        assert_eq!(ev("-2^2"), vec![-4.0]);
        assert_eq!(ev("7 % 4"), vec![3.0]);
        assert_eq!(ev("1k/2"), vec![500.0]);
        assert_eq!(ev("x*2"), vec![2.0, 4.0, 6.0, 8.0]);
        assert_eq!(ev("x + x[1,2]"), vec![3.0, 5.0, 6.0, 7.0]);
        assert_eq!(ev("x[2]"), vec![3.0]);
        assert_eq!(ev("x[3,1]"), vec![4.0, 3.0, 2.0]);
        assert_eq!(ev("v(a,b)"), vec![3.0]);
        assert_eq!(ev("tran1.v(a) - V(A)"), vec![2.0]);
        assert_eq!(ev("n#branch"), vec![-1.0]);
    }

    #[test]
    fn logic_and_comparisons() {
        assert_eq!(ev("x > 2"), vec![0.0, 0.0, 1.0, 1.0]);
        assert_eq!(ev("3 eq 3"), vec![1.0]);
        assert_eq!(ev("3 <> 3"), vec![0.0]);
        assert_eq!(ev("1 and 0 or 1"), vec![1.0]);
        assert_eq!(ev("not 0"), vec![1.0]);
        assert_eq!(ev("0 ? 5 : 6"), vec![6.0]);
        assert_eq!(ev("2 ? 5 : 6"), vec![5.0]);
        assert_eq!(ev("length(x)"), vec![4.0]);
    }

    #[test]
    fn lists_split_where_an_operator_is_missing() {
        let l = parse_list("v(a) v(b) - 1 x[1]").unwrap();
        let names: Vec<&str> = l.iter().map(|(_, n)| n.as_str()).collect();
        assert_eq!(names, ["v(a)", "v(b) - 1", "x[1]"]);
    }

    #[test]
    fn errors_say_where() {
        let e = parse("1 +").unwrap_err();
        assert!(e.contains("expected a value at the end"), "{e}");
        let e = eval(&parse("nope + 1").unwrap(), &E).unwrap_err();
        assert_eq!(e, "nope: no such vector");
        let e = eval(&parse("x[9]").unwrap(), &E).unwrap_err();
        assert!(e.contains("out of range"), "{e}");
    }
}
