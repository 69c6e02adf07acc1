//! Rendering diagnostics for people (source line and caret) and for tools (JSON).

use crate::diag::{Diagnostic, Severity};
use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Config};

/// Lines longer than this (in characters) are not shown whole: a minified or generated file
/// would fill the terminal. The line is cut down to a window around the problem instead.
const MAX_SHOWN_LINE: usize = 160;

/// Renders one file's diagnostics as text: a header, the source line with a caret, and the hint.
///
/// `source` is the text of `file`; a diagnostic about another file (a report template the
/// template names) carries that file's text itself.
pub fn render(file: &str, source: &str, diagnostics: &[Diagnostic]) -> String {
    let config = Config::default();
    let mut out = String::new();
    // Line starts are computed once per file: a file with many problems is rendered in one pass.
    let mut files = SimpleFiles::new();
    let main = files.add(file.to_string(), source);
    for d in diagnostics {
        let own = match &d.file_text {
            Some(text) => files.add(d.file.clone(), text.as_str()),
            None => main,
        };
        let own_text = d.file_text.as_deref().unwrap_or(source);
        let mut cs = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        };
        let position = d.line_column().map(|(l, c)| format!("{}:{l}:{c}: ", d.file)).unwrap_or_default();
        cs = cs.with_message(format!("{position}{}", d.message));
        let mut notes = Vec::new();
        if let Some(r) = d.range {
            let mut labels = Vec::new();
            match label_span(own_text, r.start.offset, r.end.offset) {
                Some(span) => labels.push(Label::primary(own, span)),
                None => notes.push(excerpt(own_text, r.start.offset, r.start.line)),
            }
            for (related, note) in &d.related {
                match label_span(source, related.start.offset, related.end.offset) {
                    Some(span) => labels.push(Label::secondary(main, span).with_message(note.clone())),
                    None => notes.push(format!("{note} at {}:{}:{}", file, related.start.line, related.start.column)),
                }
            }
            cs = cs.with_labels(labels);
        }
        if let Some(h) = &d.hint {
            notes.push(format!("hint: {h}"));
        }
        cs = cs.with_notes(notes);
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

/// The span to underline, kept to the first line; `None` when that line is too long to show.
fn label_span(source: &str, start: usize, end: usize) -> Option<std::ops::Range<usize>> {
    let start = floor_char(source, start.min(source.len()));
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = line_end(source, start);
    if source[line_start..line_end].chars().count() > MAX_SHOWN_LINE {
        return None;
    }
    let end = if end > start { floor_char(source, end.min(line_end)) } else { start };
    let end = if end <= start { next_char(source, start) } else { end };
    Some(start..end)
}

/// A window of a long line around `offset`, with a caret under it, for a note.
fn excerpt(source: &str, offset: usize, line: usize) -> String {
    let offset = floor_char(source, offset.min(source.len()));
    let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let text = &source[line_start..line_end(source, offset)];
    let column = source[line_start..offset].chars().count();
    let half = MAX_SHOWN_LINE / 2;
    let from = column.saturating_sub(half);
    let window: String = text.chars().skip(from).take(MAX_SHOWN_LINE).collect();
    let cut_left = if from > 0 { "…" } else { "" };
    let cut_right = if from + MAX_SHOWN_LINE < text.chars().count() { "…" } else { "" };
    let caret = " ".repeat(cut_left.chars().count() + column - from);
    format!(
        "line {line} is too long to show whole; around the problem it reads:\n{cut_left}{window}{cut_right}\n{caret}^"
    )
}

fn floor_char(source: &str, mut offset: usize) -> usize {
    while offset > 0 && !source.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::{Pos, Range};

    #[test]
    fn a_long_line_is_shown_as_a_window_around_the_problem() {
        let source = format!("a: {}x{}\n", "[".repeat(1_000), "]".repeat(1_000));
        let offset = 3 + 1_000;
        let at = Pos { offset, line: 1, column: offset + 1 };
        let d = Diagnostic::error("f.yaml", Some(Range { start: at, end: at }), "here");
        let text = render("f.yaml", &source, &[d]);
        assert!(text.len() < 1_000, "{text}");
        let window = text.lines().find(|l| l.contains('x')).unwrap();
        let caret = text.lines().find(|l| l.trim_end().ends_with('^')).unwrap();
        assert_eq!(window.chars().position(|c| c == 'x'), caret.chars().position(|c| c == '^'));
    }
}
