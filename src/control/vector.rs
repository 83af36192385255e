//! Vectors and plots as ngspice's front end keeps them: every analysis makes a plot
//! (`tran1`, `op1`, `dc1`, ...) holding its vectors; `let` adds vectors to the current
//! plot; the `const` plot holds constants.

use crate::wave::Waveforms;

/// A named real vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Vector {
    /// Lower case (`v(out)`, `i(v1)`, `time`, a `let` name).
    pub name: String,
    pub data: Vec<f64>,
}

impl Vector {
    pub fn new(name: impl Into<String>, data: Vec<f64>) -> Vector {
        Vector {
            name: name.into(),
            data,
        }
    }
}

/// A set of vectors with a scale (the first vector of an analysis plot).
#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    /// `tran1`, `op2`, `const`, `unknown1`.
    pub name: String,
    /// `Transient Analysis`, `Operating Point`, `DC transfer characteristic`, `Constants`.
    pub plotname: String,
    /// The netlist title.
    pub title: String,
    /// Name of the scale vector, if any.
    pub scale: Option<String>,
    pub vecs: Vec<Vector>,
    /// A transient plot's (tstart, tstop, tstep), for `linearize`.
    pub grid: Option<(f64, f64, f64)>,
}

impl Plot {
    /// An empty plot.
    pub fn empty(name: &str, plotname: &str, title: &str) -> Plot {
        Plot {
            name: name.into(),
            plotname: plotname.into(),
            title: title.into(),
            scale: None,
            vecs: Vec::new(),
            grid: None,
        }
    }

    /// The `const` plot: ngspice's constants.
    pub fn constants() -> Plot {
        let mut p = Plot::empty("const", "constants", "Constant values");
        for (n, v) in [
            ("pi", std::f64::consts::PI),
            ("e", std::f64::consts::E),
            ("c", 299_792_458.0),
            ("kelvin", -273.15),
            ("echarge", 1.602_176_634e-19),
            ("boltz", 1.380_649e-23),
            ("planck", 6.626_070_15e-34),
            ("yes", 1.0),
            ("no", 0.0),
            ("true", 1.0),
            ("false", 0.0),
        ] {
            p.vecs.push(Vector::new(n, vec![v]));
        }
        p
    }

    /// The plot of an analysis result (the scale first; an operating point has none).
    pub fn from_waves(name: &str, w: &Waveforms) -> Plot {
        let mut p = Plot::empty(name, &w.plotname, &w.title);
        let op = w.plotname == "Operating Point";
        // One-point plots whose first vector stands as their scale (`.tf`, `.sens`,
        // `.noise`'s totals): ngspice gives them no scale, every vector is data.
        let scaleless = matches!(
            w.plotname.as_str(),
            "Transfer Function" | "Sensitivity Analysis" | crate::wave::NOISE_INTEGRATED_PLOT
        );
        if scaleless {
            p.vecs
                .push(Vector::new(w.scale.name.clone(), w.scale.values.clone()));
        } else if !op && !w.scale.name.is_empty() {
            p.scale = Some(w.scale.name.clone());
            p.vecs
                .push(Vector::new(w.scale.name.clone(), w.scale.values.clone()));
        }
        for s in &w.signals {
            p.vecs.push(Vector::new(s.name.clone(), s.values.clone()));
        }
        p
    }

    /// The vector called `name` (case-insensitive, ngspice's aliases: `n1` for `v(n1)`,
    /// `v1#branch` for `i(v1)`).
    pub fn get(&self, name: &str) -> Option<&Vector> {
        let n = name.to_ascii_lowercase();
        let find = |k: &str| self.vecs.iter().find(|v| v.name == k);
        if let Some(v) = find(&n) {
            return Some(v);
        }
        if let Some(dev) = n.strip_suffix("#branch") {
            return find(&format!("i({dev})"));
        }
        if let Some(inner) = n.strip_prefix("v(").and_then(|r| r.strip_suffix(')')) {
            return find(inner);
        }
        find(&format!("v({n})"))
    }

    /// The scale vector.
    pub fn scale_vec(&self) -> Option<&Vector> {
        self.scale.as_ref().and_then(|s| self.get(s))
    }

    /// Add or replace `v` (by name).
    pub fn set(&mut self, v: Vector) {
        match self.vecs.iter_mut().find(|x| x.name == v.name) {
            Some(x) => *x = v,
            None => self.vecs.push(v),
        }
    }

    /// Remove the vector `name`; false when there was none.
    pub fn remove(&mut self, name: &str) -> bool {
        let n = name.to_ascii_lowercase();
        let before = self.vecs.len();
        self.vecs.retain(|v| v.name != n);
        before != self.vecs.len()
    }

    /// The plot as [`Waveforms`] (for `write`): the scale, then every other vector of the
    /// scale's length.
    pub fn to_waves(&self) -> Waveforms {
        use crate::wave::Signal;
        let scale = match self.scale_vec() {
            Some(s) => Signal::new(s.name.clone(), s.data.clone()),
            None => {
                let n = self.vecs.first().map_or(1, |v| v.data.len());
                Signal::new("index", (0..n).map(|k| k as f64).collect())
            }
        };
        let n = scale.values.len();
        let signals = self
            .vecs
            .iter()
            .filter(|v| Some(&v.name) != self.scale.as_ref() && v.data.len() == n)
            .map(|v| Signal::new(v.name.clone(), v.data.clone()))
            .collect();
        Waveforms {
            title: self.title.clone(),
            plotname: self.plotname.clone(),
            scale,
            signals,
        }
    }
}

/// ngspice's `%g`: six significant digits, trailing zeros dropped, exponent form outside
/// 1e-4 ..= 1e6 (as `$&vec` substitution and `echo` print numbers).
pub fn fmt_g(x: f64) -> String {
    if x == 0.0 {
        return "0".into();
    }
    if !x.is_finite() {
        return if x.is_nan() {
            "nan".into()
        } else if x > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let e = x.abs().log10().floor() as i32;
    // Rounding to six digits may carry into the next decade.
    let s = format!("{:.5e}", x);
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(e);
    if !(-4..6).contains(&exp) {
        let m = trim_zeros(mant);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{m}e{sign}{:02}", exp.abs())
    } else {
        let decimals = (5 - exp).max(0) as usize;
        trim_zeros(&format!("{:.*}", decimals, x)).to_string()
    }
}

fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_g_as_c() {
        // printf("%g") in C gives these.
        assert_eq!(fmt_g(1.0), "1");
        assert_eq!(fmt_g(0.75), "0.75");
        assert_eq!(fmt_g(1e-3), "0.001");
        assert_eq!(fmt_g(1e-5), "1e-05");
        assert_eq!(fmt_g(1234567.0), "1.23457e+06");
        assert_eq!(fmt_g(-40.0), "-40");
        assert_eq!(fmt_g(999999.5), "1e+06");
        assert_eq!(fmt_g(0.1 + 0.2), "0.3");
        assert_eq!(fmt_g(100.0), "100");
    }

    #[test]
    fn aliases_find_node_and_branch_vectors() {
        let mut p = Plot::empty("op1", "Operating Point", "t");
        p.vecs.push(Vector::new("v(n1)", vec![0.5]));
        p.vecs.push(Vector::new("i(v1)", vec![-1e-3]));
        assert_eq!(p.get("n1").unwrap().data, vec![0.5]);
        assert_eq!(p.get("V(N1)").unwrap().data, vec![0.5]);
        assert_eq!(p.get("v1#branch").unwrap().data, vec![-1e-3]);
        assert!(p.get("n2").is_none());
    }
}
