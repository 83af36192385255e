//! Malformed netlists and the exact diagnostic each must give.
//!
//! Every `tests/bad_netlists/*.cir` is parsed and elaborated; the rendered error must equal
//! the file's `.expected` beside it. Paths are relative to the crate root (where cargo runs
//! tests), so the messages are machine independent.

use std::path::{Path, PathBuf};

fn render(path: &Path) -> String {
    match spinspice::netlist::parse_file(path).and_then(|ast| spinspice::elab::elaborate(&ast, &[]))
    {
        Ok(_) => format!("{}: no error", path.display()),
        Err(e) => e.to_string(),
    }
}

#[test]
fn every_bad_netlist_gives_its_exact_message() {
    let dir = Path::new("tests/bad_netlists");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("tests/bad_netlists exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "cir"))
        .collect();
    cases.sort();
    assert!(cases.len() >= 15, "only {} bad netlists", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let rel = dir.join(case.file_name().expect("file name"));
        let expected_path = rel.with_extension("expected");
        let expected = std::fs::read_to_string(&expected_path)
            .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
        let got = render(&rel);
        if got.trim_end() != expected.trim_end() {
            failures.push(format!(
                "--- {}\nexpected:\n{}\ngot:\n{}\n",
                rel.display(),
                expected.trim_end(),
                got
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
