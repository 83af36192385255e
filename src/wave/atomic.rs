//! Atomic file output: write to a temporary file in the target's directory, flush it to
//! disk, then rename it over the target, so a reader never sees a half-written file and a
//! crash never leaves a truncated one.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// The directory a file at `path` lives in (`.` for a bare file name), created if missing.
fn prepare_dir(path: &Path) -> Result<PathBuf> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    Ok(dir)
}

/// Write `bytes` to `path` atomically: temp file in the same directory, fsync, rename.
/// Parent directories are created.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut w = AtomicWriter::create(path)?;
    w.write_all(bytes).map_err(|e| Error::io(path, e))?;
    w.commit()
}

/// A buffered writer to a temporary file that becomes `path` on [`AtomicWriter::commit`].
///
/// Dropping it without committing deletes the temporary file and leaves any existing
/// file at `path` untouched. Use it for files too large to build in memory.
#[derive(Debug)]
pub struct AtomicWriter {
    path: PathBuf,
    inner: BufWriter<tempfile::NamedTempFile>,
}

impl AtomicWriter {
    /// Start writing a file that will appear at `path` (parent directories are created).
    pub fn create(path: &Path) -> Result<Self> {
        if path.file_name().is_none() {
            return Err(Error::Usage(format!(
                "{}: not a file name to write to",
                path.display()
            )));
        }
        let dir = prepare_dir(path)?;
        let tmp = tempfile::Builder::new()
            .prefix(".spinspice-")
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(|e| Error::io(&dir, e))?;
        Ok(AtomicWriter {
            path: path.to_path_buf(),
            inner: BufWriter::with_capacity(1 << 16, tmp),
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flush, fsync and rename the temporary file to the final path.
    pub fn commit(self) -> Result<()> {
        let path = self.path;
        let tmp = self
            .inner
            .into_inner()
            .map_err(|e| Error::io(&path, e.into_error()))?;
        tmp.as_file().sync_all().map_err(|e| Error::io(&path, e))?;
        tmp.persist(&path).map_err(|e| Error::io(&path, e.error))?;
        Ok(())
    }
}

impl Write for AtomicWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.inner.write_all(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_creates_parents() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b/c.txt");
        write_atomic(&p, b"hello").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"hello");
        // Overwrite replaces the whole content.
        write_atomic(&p, b"x").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"x");
        // No temp files left behind.
        let n = fs::read_dir(dir.path().join("a/b")).unwrap().count();
        assert_eq!(n, 1);
    }

    #[test]
    fn dropped_writer_leaves_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("keep.txt");
        write_atomic(&p, b"old").unwrap();
        {
            let mut w = AtomicWriter::create(&p).unwrap();
            w.write_all(b"new but never committed").unwrap();
        }
        assert_eq!(fs::read(&p).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn streaming_commit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.txt");
        let mut w = AtomicWriter::create(&p).unwrap();
        for i in 0..10_000 {
            writeln!(w, "{i}").unwrap();
        }
        assert!(!p.exists());
        w.commit().unwrap();
        let s = fs::read_to_string(&p).unwrap();
        assert_eq!(s.lines().count(), 10_000);
        assert_eq!(s.lines().last(), Some("9999"));
    }

    #[test]
    fn directory_as_target_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(write_atomic(dir.path(), b"x").is_err());
    }
}
