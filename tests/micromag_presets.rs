//! Every problem file under models/ parses, validates and discretises.

use spinspice::micromag::problem::Loaded;

#[test]
fn every_preset_loads() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models");
    let mut n = 0;
    for sub in ["standard", "racetrack"] {
        for e in std::fs::read_dir(root.join(sub)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "toml") {
                let l = Loaded::from_file(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
                let mask = l.mask().unwrap();
                assert!(mask.iter().any(Option::is_some), "{}", p.display());
                // Every number in a preset carries its source: no value line without a comment
                // somewhere above or beside it is hard to check mechanically; at least every
                // file starts with a comment block saying what it is.
                let text = std::fs::read_to_string(&p).unwrap();
                assert!(
                    text.starts_with("# "),
                    "{} lacks its header comment",
                    p.display()
                );
                n += 1;
            }
        }
    }
    assert_eq!(n, 22, "3 standard problems + 19 racetrack presets");
}
