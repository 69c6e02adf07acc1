//! Rendering diagnostics for people (source line and caret) and for tools (JSON).

use crate::diag::{Diagnostic, Severity};
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, Config};

/// Renders one file's diagnostics as text: a header, the source line with a caret, and the hint.
pub fn render(file: &str, source: &str, diagnostics: &[Diagnostic]) -> String {
    let files = SimpleFile::new(file, source);
    let config = Config::default();
    let mut out = String::new();
    for d in diagnostics {
        let mut cs = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        };
        let position = d.line_column().map(|(l, c)| format!("{}:{l}:{c}: ", d.file)).unwrap_or_default();
        cs = cs.with_message(format!("{position}{}", d.message));
        if let Some(r) = d.range {
            let end = if r.end.offset > r.start.offset {
                r.end.offset.min(line_end(source, r.start.offset))
            } else {
                r.start.offset
            };
            let end = if end == r.start.offset { next_char(source, end) } else { end };
            let mut labels = vec![Label::primary((), r.start.offset..end)];
            for (related, note) in &d.related {
                labels.push(
                    Label::secondary((), related.start.offset..next_char(source, related.start.offset))
                        .with_message(note.clone()),
                );
            }
            cs = cs.with_labels(labels);
        }
        if let Some(h) = &d.hint {
            cs = cs.with_notes(vec![format!("hint: {h}")]);
        }
        match term::emit_into_string(&config, &files, &cs) {
            Ok(text) => out.push_str(&text),
            Err(_) => {
                out.push_str(&d.short());
                out.push('\n');
            }
        }
    }
    out
}

fn line_end(source: &str, offset: usize) -> usize {
    source[offset.min(source.len())..].find('\n').map_or(source.len(), |i| offset + i)
}

fn next_char(source: &str, offset: usize) -> usize {
    if offset >= source.len() {
        return source.len();
    }
    source[offset..].chars().next().map_or(offset, |c| offset + c.len_utf8())
}

/// One diagnostic as a JSON object for tools: file, line, column, severity, message, hint.
pub fn to_json(d: &Diagnostic) -> serde_json::Value {
    let (line, column) = d.line_column().map_or((None, None), |(l, c)| (Some(l), Some(c)));
    serde_json::json!({
        "file": d.file,
        "line": line,
        "column": column,
        "severity": d.severity,
        "message": d.message,
        "hint": d.hint,
    })
}
