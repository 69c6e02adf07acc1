//! Diagnostics: what is wrong with an input file, where, and how to fix it.
//!
//! The library produces [`Diagnostic`] values; only the CLI renders them (with the source
//! line and a caret, or as JSON), like typst's `SourceDiagnostic`.

use crate::yaml::Range;
use serde::Serialize;

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth fixing, but the file can be used.
    Warning,
    /// The file cannot be used until this is fixed.
    Error,
}

/// One problem in an input file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, as given by the user (or `embedded:…` for built-in templates).
    pub file: String,
    /// Where in the file; `None` when the problem is the file as a whole.
    #[serde(skip)]
    pub range: Option<Range>,
    /// What is wrong, in plain English.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// Other places that help explain the problem, in the file being checked.
    #[serde(skip)]
    pub related: Vec<(Range, String)>,
    /// The text of `file` when it is not the file being checked but one it names (a report
    /// template), so that the line can be shown; `range` is then a range of this text.
    #[serde(skip)]
    pub file_text: Option<String>,
}

impl Diagnostic {
    /// An error at `range` of `file`.
    pub fn error(file: &str, range: Option<Range>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.to_string(),
            range,
            message: message.into(),
            hint: None,
            related: Vec::new(),
            file_text: None,
        }
    }

    /// A warning at `range` of `file`.
    pub fn warning(file: &str, range: Option<Range>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(file, range, message) }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Line and column (from 1) where the problem is, if it has a place.
    pub fn line_column(&self) -> Option<(usize, usize)> {
        self.range.map(|r| (r.start.line, r.start.column))
    }

    /// `file:line:column: message`, the one-line form used in logs and tests.
    pub fn short(&self) -> String {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match self.line_column() {
            Some((l, c)) => format!("{}:{l}:{c}: {kind}: {}", self.file, self.message),
            None => format!("{}: {kind}: {}", self.file, self.message),
        }
    }
}

/// Diagnostics reported at most per file. A file that is wrong everywhere is better fixed
/// from its first problems than from thousands of them, and stopping early keeps the cost of
/// a hostile file (every line an error, each with a "did you mean") small.
pub const MAX_PER_FILE: usize = 100;

/// True when any diagnostic is an error.
pub fn has_errors(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}
