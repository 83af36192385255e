use super::*;

fn sample() -> OvfField {
    // 3 x 2 x 2 mesh, values chosen so that every (node, component) is distinct and
    // exactly representable in f32 (so Binary 4 must round-trip bit-exactly).
    let nodes = [3, 2, 2];
    let mut data = Vec::new();
    for n in 0..12 {
        for c in 0..3 {
            data.push(n as f64 * 0.25 - c as f64 * 0.5);
        }
    }
    let mut f = OvfField::magnetisation(nodes, [2e-9, 2e-9, 0.8e-9], data);
    f.desc.push("Total simulation time:  1e-09  s".into());
    f
}

#[test]
fn header_matches_mumax3_layout() {
    // Hand-written from mumax3's OVF 2.0 writer layout (oommf.go: writeOVF2Header) and
    // the OVF 2.0 specification: xmax = xmin + xnodes*xstepsize, xbase = xmin + step/2.
    let f = sample();
    let text = String::from_utf8_lossy(&f.to_bytes(OvfFormat::Text)).to_string();
    let expected_head = "\
# OOMMF OVF 2.0
# Segment count: 1
# Begin: Segment
# Begin: Header
# Title: m
# meshtype: rectangular
# meshunit: m
# xmin: 0
# ymin: 0
# zmin: 0
# xmax: 6e-9
# ymax: 4e-9
# zmax: 1.6e-9
# valuedim: 3
# valuelabels: m_x m_y m_z
# valueunits: 1 1 1
# Desc: Total simulation time:  1e-09  s
# xbase: 1e-9
# ybase: 1e-9
# zbase: 4e-10
# xnodes: 3
# ynodes: 2
# znodes: 2
# xstepsize: 2e-9
# ystepsize: 2e-9
# zstepsize: 8e-10
# End: Header
# Begin: Data Text
0e0 -5e-1 -1e0
2.5e-1 -2.5e-1 -7.5e-1
";
    assert!(text.starts_with(expected_head), "header differs:\n{text}");
    assert!(text.ends_with("# End: Data Text\n# End: Segment\n"));
}

#[test]
fn binary4_layout_and_check_value() {
    let f = sample();
    let bytes = f.to_bytes(OvfFormat::Binary4);
    let marker = b"# Begin: Data Binary 4\n";
    let start = bytes
        .windows(marker.len())
        .position(|w| w == marker)
        .map(|p| p + marker.len())
        .unwrap();
    // Check value 1234567.0 as little-endian f32 = 0x4996B438.
    assert_eq!(&bytes[start..start + 4], &[0x38, 0xB4, 0x96, 0x49]);
    // Then 36 floats, then "\n# End: Data Binary 4\n# End: Segment\n".
    let tail = &bytes[start + 4 + 36 * 4..];
    assert_eq!(tail, b"\n# End: Data Binary 4\n# End: Segment\n");
    // Node (1,0,0) component z: value 0.25 - 1.0 = -0.75.
    let off = start + 4 + (3 + 2) * 4;
    let v = f32::from_le_bytes(bytes[off..off + 4].try_into().unwrap());
    assert_eq!(v, -0.75);
}

#[test]
fn round_trip_all_formats() {
    let f = sample();
    for fmt in [OvfFormat::Binary4, OvfFormat::Binary8, OvfFormat::Text] {
        let g = OvfField::parse(&f.to_bytes(fmt), Path::new("x.ovf")).unwrap();
        assert_eq!(g, f, "{fmt:?}");
        assert_eq!(g.get(2, 1, 1, 2), 11.0 * 0.25 - 1.0);
    }
}

#[test]
fn binary8_keeps_full_precision() {
    let mut f = sample();
    f.data[7] = std::f64::consts::PI * 1e-3;
    let g = OvfField::parse(&f.to_bytes(OvfFormat::Binary8), Path::new("x.ovf")).unwrap();
    assert_eq!(g.data[7], f.data[7]);
    let g4 = OvfField::parse(&f.to_bytes(OvfFormat::Binary4), Path::new("x.ovf")).unwrap();
    // f32 rounding: relative error below 2^-24.
    assert!(((g4.data[7] - f.data[7]) / f.data[7]).abs() < 6e-8);
}

#[test]
fn write_and_read_file_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(snapshot_name("m", 0));
    assert!(p.ends_with("m000000.ovf"));
    let f = sample();
    f.write(&p, OvfFormat::Binary4).unwrap();
    assert_eq!(OvfField::read(&p).unwrap(), f);
    // Only the file itself is left in the directory (no temporary files).
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn reads_oommf_style_header_variants() {
    // OOMMF writes `## ` comments, CRLF is tolerated, unknown keys are ignored.
    let txt = "# OOMMF OVF 2.0\r\n## a comment\r\n# Segment count: 1\r\n# Begin: Segment\r\n\
# Begin: Header\r\n# Title: H\r\n# meshtype: rectangular\r\n# meshunit: m\r\n\
# xnodes: 2\r\n# ynodes: 1\r\n# znodes: 1\r\n# xstepsize: 1e-9\r\n# ystepsize: 1e-9\r\n\
# zstepsize: 1e-9\r\n# valuedim: 3\r\n# foo: bar\r\n# End: Header\r\n# Begin: Data Text\r\n\
1 2 3\r\n4 5 6\r\n# End: Data Text\r\n# End: Segment\r\n";
    let f = OvfField::parse(txt.as_bytes(), Path::new("h.ovf")).unwrap();
    assert_eq!(f.title, "H");
    assert_eq!(f.data, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
}

#[test]
fn errors_name_the_line() {
    let f = sample();
    let mut bytes = f.to_bytes(OvfFormat::Binary4);
    bytes.truncate(bytes.len() - 60);
    let e = OvfField::parse(&bytes, Path::new("t.ovf")).unwrap_err();
    let s = e.to_string();
    assert!(s.starts_with("t.ovf:28:"), "{s}");
    assert!(s.contains("shorter than the header says"), "{s}");

    let text = String::from_utf8(f.to_bytes(OvfFormat::Text))
        .unwrap()
        .replace("# xnodes: 3\n", "# xnodes: three\n");
    let s = OvfField::parse(text.as_bytes(), Path::new("t.ovf"))
        .unwrap_err()
        .to_string();
    assert!(s.starts_with("t.ovf:21:"), "{s}");
    assert!(s.contains("xnodes"), "{s}");

    let s = OvfField::parse(b"# OOMMF OVF 1.0\n", Path::new("t.ovf"))
        .unwrap_err()
        .to_string();
    assert!(s.contains("not an OVF 2.0 file"), "{s}");

    let mut bad = f.to_bytes(OvfFormat::Binary4);
    let p = bad
        .windows(4)
        .position(|w| w == [0x38, 0xB4, 0x96, 0x49])
        .unwrap();
    bad[p] = 0;
    let s = OvfField::parse(&bad, Path::new("t.ovf"))
        .unwrap_err()
        .to_string();
    assert!(s.contains("bad check value"), "{s}");
}
