//! Fuzzing the netlist front end with proptest: random bytes, random SPICE-flavoured text
//! and mutated valid netlists must give `Ok` or an `Err`, never a panic (a panic fails the
//! test). Case counts are modest so this runs in seconds; raise `PROPTEST_CASES` locally
//! for a longer hunt.

use proptest::prelude::*;

fn front_end(text: &str) {
    if let Ok(ast) = spinspice::netlist::parse_str(text, "fuzz.cir") {
        if let Ok(flat) = spinspice::elab::elaborate(&ast, &[]) {
            measure(&flat);
        }
        let _ = spinspice::elab::elaborate(&ast, &[("a".into(), 2.0)]);
    }
}

/// Whatever `.meas` lines survived elaboration are evaluated on a small waveform (with a
/// repeated time point and a NaN, the awkward cases): never a panic.
fn measure(flat: &spinspice::elab::Flat) {
    use spinspice::wave::{Signal, Waveforms};
    let w = Waveforms {
        title: String::new(),
        plotname: "Transient Analysis".into(),
        scale: Signal::new("time", vec![0.0, 1e-9, 1e-9, 2e-9, 3e-9]),
        signals: vec![
            Signal::new("v(in)", vec![0.0, 1.0, 1.0, 0.0, f64::NAN]),
            Signal::new("v(out)", vec![0.0, 0.4, 0.5, 0.6, 0.2]),
        ],
    };
    let _ = spinspice::wave::meas::evaluate_all(&flat.measures, &w, "tran", &flat.params);
}

/// Valid netlists covering every construct; the mutations start from these.
const SEEDS: &[&str] = &[
    "rc\n.param r0=1k c0={1p*2}\nV1 in 0 pulse(0 1 1n 1n 1n 5n 10n)\nR1 in out {r0}\n\
     C1 out 0 {c0} ic=0\n.ic v(out)=0\n.options reltol=1e-4 method=gear\n.tran 0.1n 20n uic\n\
     .save v(out) i(v1)\n.end\n",
    "sub\n.param a=2\n.subckt cell p q params: w=1 l={w*2}\nR1 p m {w*l}\nC1 m q 1p\n\
     .param k={l+1}\nL1 m q 1u ic=1m\n.ends cell\nX1 n1 0 cell w={a}\nX2 n1 n2 cell\n\
     V1 n1 0 dc 5 ac 1\n.dc v1 0 5 0.1\n.op\n",
    "ctl\nV1 a 0 sin(0 1 1meg)\nE1 b 0 a 0 2\nG1 c 0 a 0 1m\nRb b 0 1k\nRc c 0 1k\n\
     Vs c d 0\nRd d 0 1\nF1 e 0 vs 3\nH1 f 0 vs 10\nRe e 0 1\nRf f 0 1\n\
     B1 g 0 v={v(a)*2 > 1 ? sqrt(abs(v(b))) : -1}\nRg g 0 1\n.print tran v(g) v(a,b)\n",
    "dev\n.model dmod d (is=1e-14 n=1.5)\n.model nm nmos level=1 vto=0.7 kp=50u\n\
     .model s1 sw vt=1 vh=0.1 ron=1 roff=1meg\n.model m1 mtj state=micromagnetic problem=\"p.toml\"\n\
     V1 a 0 pwl(0 0 1n 1 2n 0) r=0\nD1 a b dmod\nM1 b a 0 0 nm w=1u l=1u\nS1 b 0 a 0 s1\n\
     W1 b c v1 s1\nN1 a b c m1 x=1\nA1 a b c s1\n+ ; continued\n.global vdd\n.temp 27\n",
    "meas\n.options nopage post=2 foo=1 temp=27 maxord=2 savecurrents\n.width out=80\n\
     V1 in 0 pulse(0 1 1n 1n 1n 4n 10n)\nR1 in out 1k\nC1 out 0 1\u{b5}\n.tran 10p 30n\n\
     .save all v(out)\n.probe alli p(r1) i(v1)\n.print tran v(out) {i(v1)-1.0} out\n\
     .meas tran d TRIG v(in) VAL=0.5 RISE=1 TARG v(out) VAL=0.5 RISE=LAST TD=1n\n\
     .meas tran w WHEN v(out)=v(in) CROSS=2\n.meas tran f FIND v(out) WHEN v(in)=0.3 FALL=1\n\
     .meas tran a AVG v(out) FROM=0 TO=10n\n.meas tran p PARAM='d*2+w'\n",
    "expr\n.options seed=3\n.func sq(x) = x*x\n.func f2(a,b) {a*sq(b) % 7 + pwr(a, 0.5)}\n\
     .param a=2 m={nint(2.5)} g={agauss(1, 0.1, 3) + unif(1, 0.1) + limit(1, 0.1)}\n\
     .csparam c1={-2^2 ** 2}\n.if (m == 2 && a > 1)\nR1 a 0 {f2(a, 3)}\n.elseif (a < 0)\n\
     R1 a 0 2k\n.else\n.param z=1\nR1 a 0 3k\n.endif\nV1 a 0 'a*2'\n\
     B1 b 0 v=pwl(v(a), 0,0, 1,1, 2,4) + sq(v(a)) + u(v(a)) + uramp(-v(a))\nRb b 0 1k\n\
     E1 c 0 poly(2) a 0 b 0 0 1 1 0.5\nRc c 0 1k\nF1 d 0 poly(1) v1 0 2\nRd d 0 1\n\
     .subckt s n k=1\n.func h(x) = x*k\n.if (k > 1)\nR1 n 0 {h(2)}\n.else\nR1 n 0 1\n.endif\n\
     .ends\nX1 a s k=2\n.op\n",
];

#[derive(Debug, Clone)]
enum Mutation {
    DeleteToken(usize),
    DuplicateToken(usize),
    SwapTokens(usize, usize),
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    Suffix(usize, usize),
    Insert(usize, usize),
}

/// Bits spliced into tokens and lines.
const SNIPPETS: &[&str] = &[
    "k",
    "meg",
    "MIL",
    "pF",
    "e",
    "e-",
    "{",
    "}",
    "(",
    ")",
    "=",
    "'",
    "\"",
    "+",
    "*",
    ";",
    "$",
    ".subckt",
    ".ends",
    "params:",
    "x",
    "0",
    "gnd",
    "1e999",
    "-",
    "?",
    ":",
    "v(",
    "i(",
    ",",
    ".param",
    "..",
    "{a}",
    "poly(1)",
    ".include",
    ".lib",
    ".endl",
    "\t",
    "\u{e9}",
    "\n+ ",
    ".if (1)",
    ".elseif (0)",
    ".else",
    ".endif",
    ".func f(x) = x",
    "f(",
    "sq(sq(",
    "%",
    "**",
    "poly(3)",
    "gauss(",
    "pwl(",
    "\n.endif\n",
    "\n.if (a)\n",
    ".meas",
    "trig",
    "targ",
    "when",
    "val=",
    "rise=",
    "last",
    "\u{b5}",
    ".options",
    ".width",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteToken),
        any::<usize>().prop_map(Mutation::DuplicateToken),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapTokens(a, b)),
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Suffix(a, b)),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Insert(a, b)),
    ]
}

fn mutate(seed: &str, muts: &[Mutation]) -> String {
    let mut lines: Vec<Vec<String>> = seed
        .lines()
        .map(|l| l.split(' ').map(str::to_string).collect())
        .collect();
    for m in muts {
        let n = lines.len().max(1);
        match *m {
            Mutation::DeleteLine(i) if lines.len() > 1 => {
                lines.remove(1 + i % (lines.len() - 1));
            }
            Mutation::DuplicateLine(i) => {
                let l = lines[i % n].clone();
                lines.insert(i % n, l);
            }
            Mutation::SwapLines(a, b) => lines.swap(a % n, b % n),
            Mutation::DeleteToken(i) | Mutation::DuplicateToken(i) | Mutation::Suffix(i, _) => {
                let line = &mut lines[i % n];
                if line.is_empty() {
                    continue;
                }
                let k = (i / n) % line.len();
                match *m {
                    Mutation::DeleteToken(_) => {
                        line.remove(k);
                    }
                    Mutation::DuplicateToken(_) => {
                        let t = line[k].clone();
                        line.insert(k, t);
                    }
                    Mutation::Suffix(_, s) => line[k].push_str(SNIPPETS[s % SNIPPETS.len()]),
                    _ => {}
                }
            }
            Mutation::SwapTokens(a, b) => {
                let (la, lb) = (a % n, b % n);
                if lines[la].is_empty() || lines[lb].is_empty() {
                    continue;
                }
                let (ka, kb) = ((a / n) % lines[la].len(), (b / n) % lines[lb].len());
                let t = std::mem::take(&mut lines[la][ka]);
                lines[la][ka] = std::mem::replace(&mut lines[lb][kb], t);
            }
            Mutation::Insert(i, s) => {
                let line = &mut lines[i % n];
                let k = (i / n) % (line.len() + 1);
                line.insert(k, SNIPPETS[s % SNIPPETS.len()].to_string());
            }
            Mutation::DeleteLine(_) => {}
        }
    }
    lines
        .iter()
        .map(|l| l.join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Control-script lines the control fuzzing combines and mutates (small analyses only, so
/// that no case runs long; loops are capped at 50 iterations).
const CONTROL_LINES: &[&str] = &[
    "let i = 0",
    "let i = i + 1",
    "while i < 3",
    "dowhile i < 2",
    "repeat 2",
    "repeat",
    "foreach v 1 2 3",
    "if i = 1",
    "else",
    "end",
    "break",
    "continue",
    "echo $v $&i $?v",
    "set v = ( 1 2 )",
    "unset v",
    "print i v(1) all",
    "print col v(1)[0,1]",
    "op",
    "run",
    "tran 1m 5m",
    "dc v1 0 1 0.5",
    "alter r1 = 2k",
    "alterparam p = 2",
    "reset",
    "let x = vector(4) * 2 ^ -1 ? 1 : 0",
    "let x[2] = 5",
    "print mean(x) deriv(x) x[1,2]",
    "setplot op1",
    "setplot new",
    "destroy all",
    "linearize",
    "wrdata w.txt v(1)",
    "write w.raw",
    "plot v(1) vs v(1)",
    "meas tran m1 max v(1)",
    "display",
    "quit",
    "shell ls",
    "+ 1",
    "* c",
    "let = ",
    "print ((",
    "echo \"$",
    "set curplot = new",
];

/// Run `text` as a control block on a small circuit; files go to a temporary directory.
fn control(text: &str) {
    let net = format!(
        "t\n.param p=1\nv1 1 0 1\nr1 1 2 {{p*1k}}\nc1 2 0 1u\n.op\n.control\n{text}\n.endc\n.end\n"
    );
    let Ok(ast) = spinspice::netlist::parse_str(&net, "fuzz.cir") else {
        return;
    };
    let Ok(flat) = spinspice::elab::elaborate(&ast, &[]) else {
        return;
    };
    let dir = tempfile::tempdir().expect("temporary directory");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let io = spinspice::control::Io {
        out: &mut out,
        err: &mut err,
        dir: dir.path().to_path_buf(),
    };
    let _ =
        spinspice::control::run_limited(&ast, flat, &[], io, &mut spinspice::progress::Silent, 50);
}

/// 300 cases per property by default; `PROPTEST_CASES=N` for a longer hunt.
fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(300)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        front_end(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn spicy_text_never_panics(text in "[a-zA-Z0-9 =(){}'\".,+*/^;$:?<>!&|\\-\n]{0,300}") {
        front_end(&format!("title\n{text}"));
    }

    #[test]
    fn expressions_never_panic(text in "[a-z0-9 .+*/^%(){}<>=!&|?:,_-]{0,80}") {
        if let Ok(e) = spinspice::netlist::expr::parse_expr(&text) {
            let _ = spinspice::netlist::expr::eval(&e, &|n| (n.len() == 1).then_some(0.5));
        }
    }

    #[test]
    fn control_scripts_never_panic(
        lines in proptest::collection::vec(0..CONTROL_LINES.len(), 1..12),
        muts in proptest::collection::vec(mutation(), 0..4),
    ) {
        let text: Vec<&str> = lines.iter().map(|&k| CONTROL_LINES[k]).collect();
        control(&mutate(&text.join("\n"), &muts));
    }

    #[test]
    fn control_text_never_panics(text in "[a-z0-9 =()$&?\"*;.,+/^<>!\n\\[\\]-]{0,200}") {
        control(&text);
    }

    #[test]
    fn mutated_netlists_never_panic(
        seed in 0..SEEDS.len(),
        muts in proptest::collection::vec(mutation(), 1..6),
    ) {
        front_end(&mutate(SEEDS[seed], &muts));
    }
}

/// The seeds themselves are valid (so the mutations start from something meaningful).
#[test]
fn seeds_are_valid() {
    for s in SEEDS {
        let ast = spinspice::netlist::parse_str(s, "seed.cir").unwrap_or_else(|e| panic!("{e}"));
        spinspice::elab::elaborate(&ast, &[]).unwrap_or_else(|e| panic!("{e}"));
    }
}
