//! `.meas` / `.measure` lines → [`crate::wave::meas::Measure`] (values evaluated with the
//! parameters in scope; `PARAM=` expressions kept for after the run).

use super::flatten::Elab;
use super::params::{eval_value, Scope};
use crate::error::{Error, Result, Span};
use crate::netlist::ast::{Assign, Field, Value};
use crate::netlist::expr::Expr;
use crate::wave::meas::{Cond, Kind, Level, Measure, Sig, Stat, Which};

const FORMS: &str = "write `.meas tran NAME TRIG sig VAL=x RISE=1 TARG sig VAL=y`, \
     `.meas tran NAME WHEN sig=x`, `.meas tran NAME FIND sig AT=t`, \
     `.meas tran NAME AVG|RMS|MIN|MAX|PP|INTEG sig FROM=t1 TO=t2` or `.meas tran NAME PARAM='expr'`";

fn err(span: &Span, msg: impl Into<String>) -> Error {
    Error::at(span.clone(), msg, Some(FORMS.into()))
}

/// A signal written as `v(a)`, `v(a,b)`, `i(v1)` or a bare node name.
fn sig_of_field(f: &Field) -> Result<Sig> {
    match f {
        Field::Value(Value::Word(w), _) => {
            Ok(Sig::Vector(format!("v({})", w.to_ascii_lowercase())))
        }
        Field::Call { name, args, span } => {
            let words: Option<Vec<String>> = args
                .iter()
                .map(|a| a.word().map(str::to_ascii_lowercase))
                .collect();
            match (name.as_str(), words) {
                ("v", Some(w)) if w.len() == 1 || w.len() == 2 => {
                    Ok(Sig::Vector(format!("v({})", w.join(","))))
                }
                ("i", Some(w)) if w.len() == 1 => Ok(Sig::Vector(format!("i({})", w[0]))),
                // The small-signal parts of a complex `.ac` vector (ngspice's `vdb(out)`).
                (f, Some(w)) if w.len() == 1 && COMPLEX_PARTS.contains(&f) => {
                    Ok(Sig::Vector(format!("{f}({})", w[0])))
                }
                _ => Err(err(
                    span,
                    format!("`{}` is not a signal spinspice can measure", span.token),
                )),
            }
        }
        other => Err(err(
            other.span(),
            format!("expected a signal, found `{}`", other.span().token),
        )),
    }
}

/// ngspice's accessors of a complex vector's real and imaginary part, magnitude, phase
/// (radians) and dB, for node voltages and branch currents.
const COMPLEX_PARTS: &[&str] = &["vr", "vi", "vm", "vp", "vdb", "ir", "ii", "im", "ip", "idb"];

/// The signal of `WHEN v(out)=...` (the assignment's key, as the parser builds it).
fn sig_of_key(a: &Assign) -> Result<Sig> {
    let k = a.name.as_str();
    let head = k.split('(').next().unwrap_or("");
    let ok = (head == "v" || head == "i" || COMPLEX_PARTS.contains(&head))
        && k.contains('(')
        && k.ends_with(')');
    if ok {
        Ok(Sig::Vector(k.to_string()))
    } else if super::params::is_ident(k) {
        Ok(Sig::Vector(format!("v({k})")))
    } else {
        Err(err(
            &a.span,
            format!("`{k}` is not a signal spinspice can measure"),
        ))
    }
}

struct Cursor<'a> {
    fs: &'a [Field],
    i: usize,
    end: Span,
}

impl<'a> Cursor<'a> {
    /// Where the next field is (or the end of the line).
    fn here(&self) -> Span {
        self.peek()
            .map(|f| f.span().clone())
            .unwrap_or_else(|| self.end.clone())
    }
    fn peek(&self) -> Option<&'a Field> {
        self.fs.get(self.i)
    }
    fn next(&mut self, what: &str) -> Result<&'a Field> {
        let f = self
            .fs
            .get(self.i)
            .ok_or_else(|| err(&self.end, format!("expected {what}")))?;
        self.i += 1;
        Ok(f)
    }
    /// The next field if it is the assignment `key=...` for one of `keys`.
    fn assign(&mut self, keys: &[&str]) -> Option<&'a Assign> {
        match self.fs.get(self.i) {
            Some(Field::Assign(a)) if keys.contains(&a.name.as_str()) => {
                self.i += 1;
                Some(a)
            }
            _ => None,
        }
    }
    fn keyword(&mut self, w: &str) -> bool {
        if self
            .peek()
            .and_then(Field::word)
            .is_some_and(|x| x.eq_ignore_ascii_case(w))
        {
            self.i += 1;
            true
        } else {
            false
        }
    }
}

fn count(a: &Assign, scope: &Scope) -> Result<Option<usize>> {
    if let Value::Word(w) = &a.value {
        if w.eq_ignore_ascii_case("last") {
            return Ok(None);
        }
    }
    let v = eval_value(&a.value, &a.value_span, scope)?;
    if v < 1.0 || v.fract() != 0.0 || v > 1e9 {
        return Err(err(
            &a.value_span,
            format!("`{}=` needs a count of 1 or more, or LAST", a.name),
        ));
    }
    Ok(Some(v as usize))
}

/// `RISE=`/`FALL=`/`CROSS=` and `TD=` after a condition's level, in any order.
fn edge_and_delay(c: &mut Cursor<'_>, scope: &Scope) -> Result<(Which, f64)> {
    let mut which = Which::Cross(1);
    let mut td = 0.0;
    while let Some(a) = c.assign(&["rise", "fall", "cross", "td"]) {
        if a.name == "td" {
            td = eval_value(&a.value, &a.value_span, scope)?;
            continue;
        }
        let n = count(a, scope)?;
        which = match (a.name.as_str(), n) {
            ("rise", Some(n)) => Which::Rise(n),
            ("rise", None) => Which::LastRise,
            ("fall", Some(n)) => Which::Fall(n),
            ("fall", None) => Which::LastFall,
            (_, Some(n)) => Which::Cross(n),
            (_, None) => Which::LastCross,
        };
    }
    Ok((which, td))
}

/// The crossing of `level` by `sig`, with the `RISE=`/`FALL=`/`CROSS=` and `TD=` that follow.
fn cross(c: &mut Cursor<'_>, scope: &Scope, sig: Sig, level: Level) -> Result<Cond> {
    let (which, td) = edge_and_delay(c, scope)?;
    Ok(Cond::Cross {
        sig,
        level,
        which,
        td,
    })
}

/// `sig VAL=x [RISE|FALL|CROSS=n] [TD=t]` or `AT=t` (after TRIG / TARG).
fn trig_cond(c: &mut Cursor<'_>, scope: &Scope) -> Result<Cond> {
    if let Some(a) = c.assign(&["at"]) {
        return Ok(Cond::At(eval_value(&a.value, &a.value_span, scope)?));
    }
    let sig = sig_of_field(c.next("a signal")?)?;
    let Some(v) = c.assign(&["val"]) else {
        let at = c.here();
        return Err(err(&at, "expected `VAL=` after the signal"));
    };
    let level = Level::Value(eval_value(&v.value, &v.value_span, scope)?);
    cross(c, scope, sig, level)
}

/// `sig=x [RISE|FALL|CROSS=n] [TD=t]` (after WHEN).
fn when_cond(c: &mut Cursor<'_>, scope: &Scope) -> Result<Cond> {
    let f = c.next("`sig=value`")?;
    let Field::Assign(a) = f else {
        return Err(err(f.span(), "expected `sig=value` after WHEN"));
    };
    let sig = sig_of_key(a)?;
    let level = match &a.value {
        Value::Expr(Expr::Voltage(n, m), _) => Level::Sig(Sig::Vector(match m {
            Some(m) => format!("v({n},{m})"),
            None => format!("v({n})"),
        })),
        Value::Expr(Expr::Current(n), _) => Level::Sig(Sig::Vector(format!("i({n})"))),
        v => Level::Value(eval_value(v, &a.value_span, scope)?),
    };
    cross(c, scope, sig, level)
}

/// `AT=t` or `WHEN cond` (after FIND / DERIV).
fn at_or_when(c: &mut Cursor<'_>, scope: &Scope) -> Result<Cond> {
    if let Some(a) = c.assign(&["at"]) {
        return Ok(Cond::At(eval_value(&a.value, &a.value_span, scope)?));
    }
    if c.keyword("when") {
        return when_cond(c, scope);
    }
    let at = c.here();
    Err(err(&at, "expected `AT=t` or `WHEN sig=value`"))
}

impl Elab<'_> {
    /// `.meas ANALYSIS NAME ...`.
    pub fn meas(&mut self, fs: &[Field], span: &Span, scope: &Scope) -> Result<()> {
        let mut end = fs.last().map_or(span, |f| f.span()).clone();
        end.col += end.token.chars().count() + 1;
        end.token = String::new();
        let text = span.source_line.trim().to_string();
        let mut c = Cursor { fs, i: 0, end };
        let af = c.next("the analysis (tran, dc or ac)")?;
        let analysis = af.word().map(str::to_ascii_lowercase).unwrap_or_default();
        if !matches!(analysis.as_str(), "tran" | "dc" | "ac" | "sp" | "noise") {
            return Err(err(
                af.span(),
                format!(
                    "expected the analysis (tran, dc or ac), found `{}`",
                    af.span().token
                ),
            ));
        }
        let nf = c.next("the measure's name")?;
        // `.meas tran NAME PARAM='expr'` reads as the name followed by an assignment;
        // `.meas tran NAME=...` is not a form.
        let Some(name) = nf.word().map(str::to_ascii_lowercase) else {
            return Err(err(
                nf.span(),
                format!("expected the measure's name, found `{}`", nf.span().token),
            ));
        };
        let kf = c.next("what to measure (TRIG, WHEN, FIND, AVG, ... or PARAM=)")?;
        let kind = match kf {
            Field::Assign(a) if a.name == "param" => {
                let e = match &a.value {
                    Value::Expr(e, _) => e.clone(),
                    Value::Word(w) => crate::netlist::expr::parse_expr(w)
                        .map_err(|e| err(&a.value_span, format!("bad expression: {e}")))?,
                    Value::Str(_) => {
                        return Err(err(&a.value_span, "expected an expression after `PARAM=`"))
                    }
                };
                Kind::Param(e)
            }
            f => {
                let Some(k) = f.word().map(str::to_ascii_lowercase) else {
                    return Err(err(
                        f.span(),
                        format!("expected what to measure, found `{}`", f.span().token),
                    ));
                };
                match k.as_str() {
                    "trig" => {
                        let trig = trig_cond(&mut c, scope)?;
                        if !c.keyword("targ") {
                            let at = c.here();
                            return Err(err(&at, "expected `TARG` after the trigger"));
                        }
                        let targ = trig_cond(&mut c, scope)?;
                        Kind::TrigTarg { trig, targ }
                    }
                    "when" => Kind::When(when_cond(&mut c, scope)?),
                    "find" => {
                        let sig = sig_of_field(c.next("a signal")?)?;
                        Kind::Find {
                            sig,
                            at: at_or_when(&mut c, scope)?,
                        }
                    }
                    "deriv" | "derivative" => {
                        let sig = sig_of_field(c.next("a signal")?)?;
                        Kind::Deriv {
                            sig,
                            at: at_or_when(&mut c, scope)?,
                        }
                    }
                    "avg" | "rms" | "min" | "max" | "pp" | "integ" | "integral" => {
                        let stat = match k.as_str() {
                            "avg" => Stat::Avg,
                            "rms" => Stat::Rms,
                            "min" => Stat::Min,
                            "max" => Stat::Max,
                            "pp" => Stat::Pp,
                            _ => Stat::Integ,
                        };
                        let sig = sig_of_field(c.next("a signal")?)?;
                        let (mut from, mut to) = (None, None);
                        while let Some(a) = c.assign(&["from", "to", "td"]) {
                            let v = eval_value(&a.value, &a.value_span, scope)?;
                            if a.name == "to" {
                                to = Some(v);
                            } else {
                                from = Some(v);
                            }
                        }
                        Kind::Stat {
                            stat,
                            sig,
                            from,
                            to,
                        }
                    }
                    _ => {
                        return Err(err(
                            f.span(),
                            format!("`{k}` is not a measurement spinspice knows"),
                        ))
                    }
                }
            }
        };
        if let Some(f) = c.peek() {
            return Err(err(
                f.span(),
                format!("unexpected `{}` in `.meas`", f.span().token),
            ));
        }
        self.flat.measures.push(Measure {
            name,
            analysis,
            kind,
            text,
        });
        Ok(())
    }
}
