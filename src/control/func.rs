//! The vector functions of the control language (real vectors; the phase of a real value
//! is 0). `deriv` and `integ` work against the current plot's scale when its length
//! matches (else against the index), as ngspice does.

use super::expr::Env;

fn one(f: &str, args: &[Vec<f64>]) -> Result<Vec<f64>, String> {
    match args {
        [a] => Ok(a.clone()),
        _ => Err(format!("{f}: expects one argument, got {}", args.len())),
    }
}

fn need(f: &str, a: &[f64]) -> Result<(), String> {
    if a.is_empty() {
        Err(format!("{f}: empty vector"))
    } else {
        Ok(())
    }
}

fn scale_for(env: &dyn Env, n: usize) -> Vec<f64> {
    match env.scale() {
        Some(s) if s.len() == n => s,
        _ => (0..n).map(|k| k as f64).collect(),
    }
}

/// The derivative of `y` over `x` by the parabola through each point and its neighbours
/// (one-sided parabolas at the ends); a single point gives 0.
pub fn deriv(x: &[f64], y: &[f64]) -> Vec<f64> {
    let n = y.len();
    if n < 2 {
        return vec![0.0; n];
    }
    if n == 2 {
        let d = (y[1] - y[0]) / (x[1] - x[0]);
        return vec![d, d];
    }
    // Derivative at x[at] of the parabola through points i, i+1, i+2.
    let para = |i: usize, at: usize| {
        let (x0, x1, x2) = (x[i], x[i + 1], x[i + 2]);
        let t = x[at];
        y[i] * ((t - x1) + (t - x2)) / ((x0 - x1) * (x0 - x2))
            + y[i + 1] * ((t - x0) + (t - x2)) / ((x1 - x0) * (x1 - x2))
            + y[i + 2] * ((t - x0) + (t - x1)) / ((x2 - x0) * (x2 - x1))
    };
    (0..n)
        .map(|k| {
            if k == 0 {
                para(0, 0)
            } else if k == n - 1 {
                para(n - 3, n - 1)
            } else {
                para(k - 1, k)
            }
        })
        .collect()
}

/// Call `f` on evaluated arguments.
pub fn call(f: &str, args: &[Vec<f64>], env: &dyn Env) -> Result<Vec<f64>, String> {
    let map = |g: fn(f64) -> f64| -> Result<Vec<f64>, String> {
        Ok(one(f, args)?.into_iter().map(g).collect())
    };
    match f {
        "abs" | "mag" | "magnitude" => map(f64::abs),
        "sqrt" => map(f64::sqrt),
        "exp" => map(f64::exp),
        "ln" => map(f64::ln),
        "log" | "log10" => map(f64::log10),
        "db" => map(|x| 20.0 * x.abs().log10()),
        "sin" => map(f64::sin),
        "cos" => map(f64::cos),
        "tan" => map(f64::tan),
        "atan" => map(f64::atan),
        "asin" => map(f64::asin),
        "acos" => map(f64::acos),
        "sinh" => map(f64::sinh),
        "cosh" => map(f64::cosh),
        "tanh" => map(f64::tanh),
        "floor" => map(f64::floor),
        "ceil" => map(f64::ceil),
        "nint" | "round" => map(f64::round),
        "int" => map(f64::trunc),
        "sgn" => map(|x| {
            if x > 0.0 {
                1.0
            } else if x < 0.0 {
                -1.0
            } else {
                0.0
            }
        }),
        "real" | "re" => map(|x| x),
        "imag" | "im" | "ph" | "phase" | "cph" => map(|_| 0.0),
        "pos" => map(|x| if x > 0.0 { 1.0 } else { 0.0 }),
        "unitvec" | "vector" => {
            let a = one(f, args)?;
            need(f, &a)?;
            let n = a[0].max(0.0).round() as usize;
            if n > 10_000_000 {
                return Err(format!("{f}({n}): too long"));
            }
            Ok(if f == "unitvec" {
                vec![1.0; n]
            } else {
                (0..n).map(|k| k as f64).collect()
            })
        }
        "length" => Ok(vec![one(f, args)?.len() as f64]),
        "mean" => {
            let a = one(f, args)?;
            need(f, &a)?;
            Ok(vec![a.iter().sum::<f64>() / a.len() as f64])
        }
        "stddev" => {
            let a = one(f, args)?;
            need(f, &a)?;
            let n = a.len() as f64;
            let m = a.iter().sum::<f64>() / n;
            let var = a.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0).max(1.0);
            Ok(vec![var.sqrt()])
        }
        "avg" => {
            let a = one(f, args)?;
            let mut s = 0.0;
            Ok(a.iter()
                .enumerate()
                .map(|(k, x)| {
                    s += x;
                    s / (k + 1) as f64
                })
                .collect())
        }
        "vecmax" | "maximum" => {
            let a = one(f, args)?;
            need(f, &a)?;
            Ok(vec![a.iter().cloned().fold(f64::NEG_INFINITY, f64::max)])
        }
        "vecmin" | "minimum" => {
            let a = one(f, args)?;
            need(f, &a)?;
            Ok(vec![a.iter().cloned().fold(f64::INFINITY, f64::min)])
        }
        "norm" => {
            let a = one(f, args)?;
            let m = a.iter().fold(0.0f64, |m, x| m.max(x.abs()));
            Ok(a.iter()
                .map(|x| if m == 0.0 { 0.0 } else { x / m })
                .collect())
        }
        "deriv" => {
            let y = one(f, args)?;
            let x = scale_for(env, y.len());
            Ok(deriv(&x, &y))
        }
        "integ" => {
            let y = one(f, args)?;
            let x = scale_for(env, y.len());
            let mut acc = 0.0;
            let mut out = Vec::with_capacity(y.len());
            for k in 0..y.len() {
                if k > 0 {
                    acc += 0.5 * (y[k] + y[k - 1]) * (x[k] - x[k - 1]);
                }
                out.push(acc);
            }
            Ok(out)
        }
        "min" | "max" => match args {
            [a, b] => {
                let n = a.len().max(b.len());
                if a.is_empty() || b.is_empty() {
                    return Ok(Vec::new());
                }
                Ok((0..n)
                    .map(|k| {
                        let (x, y) = (a[k.min(a.len() - 1)], b[k.min(b.len() - 1)]);
                        if f == "min" {
                            x.min(y)
                        } else {
                            x.max(y)
                        }
                    })
                    .collect())
            }
            _ => Err(format!("{f}: expects two arguments")),
        },
        _ => Err(format!("{f}: no such function")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct E;
    impl Env for E {
        fn vector(&self, _: &str) -> Option<Vec<f64>> {
            None
        }
        fn scale(&self) -> Option<Vec<f64>> {
            Some(vec![0.0, 1.0, 3.0])
        }
    }

    #[test]
    fn derivative_of_a_parabola_is_exact() {
        // y = x^2 on x = 0, 1, 3: y' = 2x = 0, 2, 6.
        let d = call("deriv", &[vec![0.0, 1.0, 9.0]], &E).unwrap();
        for (a, b) in d.iter().zip([0.0, 2.0, 6.0]) {
            assert!((a - b).abs() < 1e-12, "{d:?}");
        }
    }

    #[test]
    fn reductions_by_hand() {
        let x = vec![1.0, -4.0, 3.0];
        let c = || vec![1.0, -4.0, 3.0];
        assert_eq!(call("mean", &[c()], &E).unwrap(), vec![0.0]);
        assert_eq!(call("vecmax", &[c()], &E).unwrap(), vec![3.0]);
        assert_eq!(call("vecmin", &[c()], &E).unwrap(), vec![-4.0]);
        assert_eq!(call("length", &[c()], &E).unwrap(), vec![3.0]);
        assert_eq!(call("abs", &[c()], &E).unwrap(), vec![1.0, 4.0, 3.0]);
        assert_eq!(call("db", &[vec![10.0]], &E).unwrap(), vec![20.0]);
        // trapezoids on x = 0, 1, 3: 0, (1-4)/2 = -1.5, -1.5 + (-4+3)/2*2 = -2.5.
        assert_eq!(call("integ", &[x], &E).unwrap(), vec![0.0, -1.5, -2.5]);
        assert_eq!(
            call("vector", &[vec![3.0]], &E).unwrap(),
            vec![0.0, 1.0, 2.0]
        );
        assert_eq!(call("unitvec", &[vec![2.0]], &E).unwrap(), vec![1.0, 1.0]);
        assert!(call("nope", &[vec![1.0]], &E)
            .unwrap_err()
            .contains("no such function"));
    }
}
