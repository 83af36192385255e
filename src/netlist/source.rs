//! The source map: reads the top file and everything it pulls in with `.include` and
//! `.lib`, and yields physical lines tagged with their file and line number.
//!
//! * `.include "file"` / `.inc file`: the whole file, path relative to the including file.
//! * `.lib file section`: only the lines between `.lib section` and `.endl` in `file`.
//! * `.lib section` ... `.endl` in a file read normally: a section definition, skipped.
//!
//! An include cycle (a file/section that is already being read) is an error.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result, Span};

/// One physical line of input.
#[derive(Debug, Clone)]
pub struct PhysLine {
    pub file: Arc<PathBuf>,
    /// 1-based line number in `file`.
    pub line: usize,
    pub text: String,
}

impl PhysLine {
    /// A span on this line at 1-based character column `col` covering `token`.
    pub fn span(&self, col: usize, token: &str) -> Span {
        Span {
            file: self.file.clone(),
            line: self.line,
            col,
            token: token.to_string(),
            source_line: self.text.clone(),
        }
    }
}

/// Whitespace-separated words of a line with their 1-based character columns (quotes kept).
fn words(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut col_of_start = 0;
    for (ci, (bi, c)) in text.char_indices().enumerate() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                out.push((col_of_start, &text[s..bi]));
            }
        } else if start.is_none() {
            start = Some(bi);
            col_of_start = ci + 1;
        }
    }
    if let Some(s) = start {
        out.push((col_of_start, &text[s..]));
    }
    out
}

fn unquote(s: &str) -> &str {
    let s = s.trim_end_matches(';');
    for q in ['"', '\''] {
        if s.len() >= 2 && s.starts_with(q) && s.ends_with(q) {
            return &s[1..s.len() - 1];
        }
    }
    s
}

struct Loader {
    out: Vec<PhysLine>,
    /// (canonical path, section) currently being read, for cycle detection.
    stack: Vec<(PathBuf, Option<String>)>,
}

/// What a file is read for.
enum Mode<'a> {
    /// The top file: its first line is the title.
    Top,
    /// `.include`: every line.
    Include,
    /// `.lib file section`: the named section only.
    Section(&'a str),
}

impl Loader {
    fn read(&mut self, path: &Path, from: Option<&Span>) -> Result<String> {
        std::fs::read_to_string(path).map_err(|e| match from {
            Some(span) => Error::at(
                span.clone(),
                format!("cannot read `{}`: {e}", path.display()),
                Some("paths are relative to the file that includes them".into()),
            ),
            None => Error::Usage(format!("{}: cannot read netlist: {e}", path.display())),
        })
    }

    fn load(
        &mut self,
        file: Arc<PathBuf>,
        text: &str,
        mode: Mode<'_>,
        from: Option<&Span>,
    ) -> Result<()> {
        let key_path = std::fs::canonicalize(file.as_path()).unwrap_or_else(|_| (*file).clone());
        let section = match mode {
            Mode::Section(s) => Some(s.to_ascii_lowercase()),
            _ => None,
        };
        let key = (key_path, section.clone());
        if self.stack.contains(&key) {
            let chain: Vec<String> = self
                .stack
                .iter()
                .map(|(p, _)| {
                    p.file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default()
                })
                .collect();
            let span = from.cloned().unwrap_or_default();
            return Err(Error::at(
                span,
                format!("include cycle: `{}` is already being read", file.display()),
                Some(format!("include chain: {}", chain.join(" -> "))),
            ));
        }
        self.stack.push(key);
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        // Section state: None = outside any section; Some(true) = inside the wanted one.
        let mut in_section: Option<bool> = None;
        let mut found_section = false;
        let mut section_start: Option<Span> = None;
        for (idx, raw) in text.lines().enumerate() {
            let raw = raw.strip_suffix('\r').unwrap_or(raw);
            let line = PhysLine {
                file: file.clone(),
                line: idx + 1,
                text: raw.to_string(),
            };
            if idx == 0 && matches!(mode, Mode::Top) {
                self.out.push(line);
                continue;
            }
            let w = words(raw);
            let head = w
                .first()
                .map(|(_, s)| s.to_ascii_lowercase())
                .unwrap_or_default();
            match head.as_str() {
                ".endl" => {
                    if in_section.is_none() {
                        return Err(Error::at(
                            line.span(w[0].0, w[0].1),
                            "`.endl` without an open `.lib` section",
                            None,
                        ));
                    }
                    in_section = None;
                    continue;
                }
                ".lib" if w.len() == 2 => {
                    if in_section.is_some() {
                        return Err(Error::at(
                            line.span(w[0].0, w[0].1),
                            "`.lib` section inside another section",
                            Some("close the previous section with `.endl`".into()),
                        ));
                    }
                    let name = unquote(w[1].1).to_ascii_lowercase();
                    let wanted = section.as_deref() == Some(name.as_str());
                    found_section |= wanted;
                    in_section = Some(wanted);
                    section_start = Some(line.span(w[0].0, w[0].1));
                    continue;
                }
                _ => {}
            }
            // Outside the wanted section (or in a skipped one): drop the line.
            let keep = match (&mode, in_section) {
                (Mode::Section(_), Some(true)) => true,
                (Mode::Section(_), _) => false,
                (_, Some(_)) => false,
                (_, None) => true,
            };
            if !keep {
                continue;
            }
            match head.as_str() {
                ".include" | ".inc" | ".incl" => {
                    let Some(&(col, arg)) = w.get(1) else {
                        return Err(Error::at(
                            line.span(w[0].0, w[0].1),
                            "`.include` needs a file name",
                            Some("write `.include \"file.cir\"`".into()),
                        ));
                    };
                    let span = line.span(col, arg);
                    let path = Arc::new(dir.join(unquote(arg)));
                    let text = self.read(&path, Some(&span))?;
                    self.load(path, &text, Mode::Include, Some(&span))?;
                }
                ".lib" => {
                    if w.len() != 3 {
                        let (col, tok) = w.get(3).copied().unwrap_or(w[0]);
                        return Err(Error::at(
                            line.span(col, tok),
                            "malformed `.lib` line",
                            Some(
                                "write `.lib file section` to use a section, or `.lib section` \
                                 ... `.endl` to define one"
                                    .into(),
                            ),
                        ));
                    }
                    let span = line.span(w[1].0, w[1].1);
                    let path = Arc::new(dir.join(unquote(w[1].1)));
                    let text = self.read(&path, Some(&span))?;
                    let sec = unquote(w[2].1).to_string();
                    let sec_span = line.span(w[2].0, w[2].1);
                    self.load(path, &text, Mode::Section(&sec), Some(&sec_span))?;
                }
                _ => self.out.push(line),
            }
        }
        if in_section.is_some() {
            if let Some(span) = section_start {
                return Err(Error::at(
                    span,
                    "`.lib` section is not closed",
                    Some("add `.endl` after the section".into()),
                ));
            }
        }
        if let (Mode::Section(name), false) = (&mode, found_section) {
            return Err(Error::at(
                from.cloned().unwrap_or_default(),
                format!("no section `{name}` in `{}`", file.display()),
                None,
            ));
        }
        self.stack.pop();
        Ok(())
    }
}

/// Read `path` and everything it includes. The first line of `path` is the title.
pub fn load_file(path: &Path) -> Result<Vec<PhysLine>> {
    let mut l = Loader {
        out: Vec::new(),
        stack: Vec::new(),
    };
    let text = l.read(path, None)?;
    l.load(Arc::new(path.to_path_buf()), &text, Mode::Top, None)?;
    Ok(l.out)
}

/// Like [`load_file`] for in-memory text named `name` (includes resolve against the
/// current directory).
pub fn load_str(text: &str, name: &str) -> Result<Vec<PhysLine>> {
    let mut l = Loader {
        out: Vec::new(),
        stack: Vec::new(),
    };
    l.load(Arc::new(PathBuf::from(name)), text, Mode::Top, None)?;
    Ok(l.out)
}
