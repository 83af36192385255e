//! The crate-wide error type, source spans and diagnostic rendering.
//!
//! Every layer has its own error enum; all convert into [`Error`]. Errors on user input carry
//! a [`Span`] (file, physical line, column, offending token) and render as
//! `file:line:col: error: message` + the source line + a caret + `help:`.

use std::path::PathBuf;
use std::sync::Arc;

/// A place in a source file. Lines and columns are 1-based and count physical lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Span {
    /// The file the text came from (`<string>` for in-memory input).
    pub file: Arc<PathBuf>,
    /// 1-based physical line.
    pub line: usize,
    /// 1-based column (in characters).
    pub col: usize,
    /// The offending token as written (may be empty at end of input).
    pub token: String,
    /// The whole physical source line, for the caret display.
    pub source_line: String,
}

/// A diagnostic on user input: where, what, and what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.render(f, "error")
    }
}

/// Something in the input that spinspice accepts but does not act on, or acts on
/// differently from what the writer may expect (an ngspice option it ignores, a
/// `.width` card): rendered as `file:line:col: warning: ...` with the source line.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning(pub Diagnostic);

impl Warning {
    /// A warning at `span`.
    pub fn at(span: Span, message: impl Into<String>) -> Warning {
        Warning(Diagnostic {
            span,
            message: message.into(),
            help: None,
        })
    }
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.render(f, "warning")
    }
}

impl Diagnostic {
    fn render(&self, f: &mut std::fmt::Formatter<'_>, severity: &str) -> std::fmt::Result {
        let s = &self.span;
        write!(
            f,
            "{}:{}:{}: {severity}: {}",
            s.file.display(),
            s.line,
            s.col,
            self.message
        )?;
        if !s.source_line.is_empty() {
            let lineno = s.line.to_string();
            let pad = " ".repeat(lineno.len());
            write!(f, "\n{pad} |\n{lineno} | {}\n{pad} | ", s.source_line)?;
            let caret_col = s.col.saturating_sub(1);
            let prefix: String = s
                .source_line
                .chars()
                .take(caret_col)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let width = s.token.chars().count().max(1);
            write!(f, "{prefix}{}", "^".repeat(width))?;
        }
        if let Some(h) = &self.help {
            write!(f, "\n  = help: {h}")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in spinspice. Exit codes: 1 bad input, 2 convergence or
/// divergence, 3 I/O.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Malformed or unsupported input (netlist, TOML problem, CSV trace, IDX file, ...).
    #[error("{0}")]
    Input(Box<Diagnostic>),
    /// Input error without a source position (command-line values, missing files).
    #[error("{0}")]
    Usage(String),
    /// The circuit solver could not converge (time, node/device and what to try are in the text).
    #[error("{0}")]
    Convergence(String),
    /// A micromagnetic run diverged (NaN, |m| drift, step below minimum).
    #[error("{0}")]
    Divergence(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// The process exit code the CLI uses for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Input(_) | Error::Usage(_) => 1,
            Error::Convergence(_) | Error::Divergence(_) => 2,
            Error::Io { .. } => 3,
        }
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// An input error at `span`.
    pub fn at(span: Span, message: impl Into<String>, help: Option<String>) -> Self {
        Error::Input(Box::new(Diagnostic {
            span,
            message: message.into(),
            help,
        }))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
