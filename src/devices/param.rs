//! Parameters as declared data.
//!
//! Every device, model card and micromagnetic effect declares a static table of
//! [`ParamSpec`]s. The table drives parsing (names and aliases, case-insensitive),
//! validation (range), defaults, `spinspice params DEVICE`, docs and output headers. An
//! unknown parameter is an error that lists the valid ones.

use crate::error::{Error, Span};

/// One declared parameter.
#[derive(Debug, Clone, Copy)]
pub struct ParamSpec {
    /// Canonical name, lower case (ngspice's name where ngspice has one).
    pub name: &'static str,
    /// Other accepted names, lower case.
    pub aliases: &'static [&'static str],
    /// SI unit, as written in output headers ("V", "A", "ohm", "F", "m", "1", ...).
    pub unit: &'static str,
    /// Default value (NaN: no default, the parameter is required or "not given").
    pub default: f64,
    /// Inclusive valid range.
    pub min: f64,
    pub max: f64,
    /// One-line description.
    pub desc: &'static str,
}

impl ParamSpec {
    /// Does `name` (lower case) name this parameter?
    pub fn matches(&self, name: &str) -> bool {
        self.name == name || self.aliases.contains(&name)
    }
}

/// A parameter value as given in the input, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Given {
    pub name: String,
    pub value: f64,
    pub span: Span,
}

/// Resolved values of a table: one slot per spec, in table order.
#[derive(Debug, Clone)]
pub struct Values {
    pub values: Vec<f64>,
    /// Whether each parameter was given explicitly.
    pub given: Vec<bool>,
}

impl Values {
    /// The value of the parameter at `index` of its table.
    pub fn get(&self, index: usize) -> f64 {
        self.values[index]
    }
}

/// Resolve `given` against `table`: unknown names and out-of-range values are errors naming
/// the valid parameters; missing ones take their defaults. `what` names the owner in messages
/// (e.g. "diode model d1n4148").
pub fn resolve(table: &[ParamSpec], given: &[Given], what: &str) -> Result<Values, Error> {
    let mut values: Vec<f64> = table.iter().map(|p| p.default).collect();
    let mut was_given = vec![false; table.len()];
    for g in given {
        let lname = g.name.to_ascii_lowercase();
        let Some(i) = table.iter().position(|p| p.matches(&lname)) else {
            let valid: Vec<&str> = table.iter().map(|p| p.name).collect();
            return Err(Error::at(
                g.span.clone(),
                format!("unknown parameter `{}` for {what}", g.name),
                Some(format!("valid parameters: {}", valid.join(", "))),
            ));
        };
        let p = &table[i];
        if !(g.value >= p.min && g.value <= p.max) {
            return Err(Error::at(
                g.span.clone(),
                format!(
                    "parameter `{}` = {} is out of range for {what}",
                    p.name, g.value
                ),
                Some(format!(
                    "{} ({}) must lie in [{}, {}]",
                    p.name, p.desc, p.min, p.max
                )),
            ));
        }
        values[i] = g.value;
        was_given[i] = true;
    }
    Ok(Values {
        values,
        given: was_given,
    })
}

/// Render a table for `spinspice params NAME`.
pub fn render(title: &str, table: &[ParamSpec]) -> String {
    let mut s = format!(
        "{title}\n{:<10} {:<8} {:>12}  {:<24} description\n",
        "name", "unit", "default", "range"
    );
    for p in table {
        let def = if p.default.is_nan() {
            "-".to_string()
        } else {
            format!("{:.4e}", p.default)
        };
        let alias = if p.aliases.is_empty() {
            String::new()
        } else {
            format!(" (also {})", p.aliases.join(", "))
        };
        s.push_str(&format!(
            "{:<10} {:<8} {:>12}  [{:.3e}, {:.3e}]  {}{}\n",
            p.name, p.unit, def, p.min, p.max, p.desc, alias
        ));
    }
    s
}
