//! Front-end tests: includes, library sections, comments, continuations, case.

use super::ast::{Field, StmtKind, Value};
use super::*;

fn elements(ast: &Ast) -> Vec<String> {
    ast.statements
        .iter()
        .filter_map(|s| match &s.kind {
            StmtKind::Element(e) => Some(e.name.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn include_and_lib_sections_relative_to_includer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sub = dir.path().join("lib");
    std::fs::create_dir(&sub).expect("mkdir");
    std::fs::write(
        dir.path().join("top.cir"),
        "top title\n.include lib/parts.inc\n.lib 'lib/models.lib' typ\nR0 a 0 1\n.end\nR9 z 0 1\n",
    )
    .expect("write");
    // Paths inside an included file are relative to that file.
    std::fs::write(
        sub.join("parts.inc"),
        "* parts\nR1 a b 1k\n.include more.inc\n",
    )
    .expect("write");
    std::fs::write(sub.join("more.inc"), "R2 b 0 2k\n").expect("write");
    std::fs::write(
        sub.join("models.lib"),
        "* lib\n.lib fast\nRfast x 0 1\n.endl fast\n.lib typ\nRtyp y 0 1\n.endl typ\nRout q 0 1\n",
    )
    .expect("write");
    let ast = parse_file(&dir.path().join("top.cir")).expect("parses");
    assert_eq!(ast.title, "top title");
    // `.end` stops reading: R9 is not part of the circuit.
    assert_eq!(elements(&ast), vec!["r1", "r2", "rtyp", "r0"]);
    let inc_span = &ast.statements[1].span;
    assert!(inc_span.file.ends_with("lib/more.inc"));
    assert_eq!((inc_span.line, inc_span.col), (1, 1));
}

#[test]
fn comments_continuations_and_case() {
    let ast = parse_str(
        "Title Line\n\
         * full comment\n\
         V1 IN 0 PULSE(0 1 1n 1n ; comment inside a continued group\n\
         + 1n 5n 10n) $ ngspice comment\n\
         R1 in OUT 1K;tight comment\n\
         C$1 out 0 1p\n\
         \t* indented comment\n\
         + ic=0\n",
        "t.cir",
    )
    .expect("parses");
    assert_eq!(ast.title, "Title Line");
    assert_eq!(elements(&ast), vec!["v1", "r1", "c$1"]);
    let StmtKind::Element(v1) = &ast.statements[0].kind else {
        panic!()
    };
    assert_eq!(v1.fields.len(), 3);
    let Field::Call { name, args, .. } = &v1.fields[2] else {
        panic!("{:?}", v1.fields[2])
    };
    assert_eq!((name.as_str(), args.len()), ("pulse", 7));
    let StmtKind::Element(r1) = &ast.statements[1].kind else {
        panic!()
    };
    assert_eq!(
        r1.fields[2],
        Field::Value(Value::Word("1K".into()), r1.fields[2].span().clone())
    );
    let StmtKind::Element(c1) = &ast.statements[2].kind else {
        panic!()
    };
    // The continuation after a comment line still belongs to C$1.
    assert!(matches!(&c1.fields[3], Field::Assign(a) if a.name == "ic"));
}

#[test]
fn param_values_with_spaces_and_flags() {
    let ast = parse_str(
        "p\n.param a = 1 + 2 b=max(a, 4) c='a*b'\n.options method=gear nopage reltol = 1e-4\n",
        "t.cir",
    )
    .expect("parses");
    let StmtKind::Param(ps) = &ast.statements[0].kind else {
        panic!()
    };
    let names: Vec<&str> = ps.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, vec!["a", "b", "c"]);
    assert!(matches!(&ps[0].value, Value::Expr(_, t) if t == "1 + 2"));
    let StmtKind::Options(o) = &ast.statements[1].kind else {
        panic!()
    };
    assert_eq!(o.len(), 3);
    assert_eq!(o[1].word(), Some("nopage"));
}

#[test]
fn spans_point_into_continuation_lines() {
    let e = parse_str("t\nR1 a b\n+ {1 +* 2}\n", "t.cir")
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("t.cir:3:7: error: bad expression"), "{e}");
}

#[test]
fn hostile_nesting_is_an_error_not_a_crash() {
    let mut text = String::from("deep\n");
    for k in 0..100 {
        text.push_str(&format!(".subckt s{k} a\n"));
    }
    let e = parse_str(&text, "t.cir").unwrap_err().to_string();
    assert!(e.contains("nested more than 64 deep"), "{e}");
    let deep = format!("p\n.param a={}1{}\n", "(".repeat(5000), ")".repeat(5000));
    let e = parse_str(&deep, "t.cir").unwrap_err().to_string();
    assert!(e.contains("levels deep"), "{e}");
    // A long flat chain of subcircuits, each instantiating the next.
    let mut chain = String::from("chain\nX0 n s0\n");
    for k in 0..300 {
        chain.push_str(&format!(".subckt s{k} a\nX1 a s{}\n.ends\n", k + 1));
    }
    chain.push_str(".subckt s300 a\nR1 a 0 1\n.ends\n");
    let ast = parse_str(&chain, "t.cir").expect("parses");
    let e = crate::elab::elaborate(&ast, &[]).unwrap_err().to_string();
    assert!(e.contains("nested more than 256 deep"), "{e}");
}
