//! Composing a report: the framework's report template (Markdown with Jinja, owned by the
//! template author) rendered over the [`context`](super::context) with undefined names as
//! errors. The result is the Markdown the layout engine turns into a PDF.

use super::context;
use crate::case::CaseState;
use crate::scoring;
use crate::template::LoadedTemplate;
use minijinja::{Environment, UndefinedBehavior};

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The court report.
    Court,
    /// The parent's easy-read summary.
    EasyRead,
}

/// Why a report could not be composed.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    /// The report template has a mistake (a misspelt name, a syntax error).
    #[error("the report template {file} has a mistake at line {line}: {message}")]
    Template {
        /// The template file.
        file: String,
        /// Line in it.
        line: usize,
        /// What minijinja said.
        message: String,
    },
    /// The report template file is missing.
    #[error("the report template {0} is missing from the case's copy of its template")]
    Missing(String),
}

/// The built-in court report, for templates without their own.
pub const DEFAULT_COURT: &str = include_str!("default-court.md.j2");
/// The built-in easy-read summary, for templates without their own.
pub const DEFAULT_EASY_READ: &str = include_str!("default-easy-read.md.j2");

/// Escapes text for Markdown so the parent's words and the assessor's notes print as written.
fn md(value: String) -> String {
    let mut out = String::with_capacity(value.len());
    for (i, line) in value.lines().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        for (j, c) in line.chars().enumerate() {
            if matches!(c, '\\' | '*' | '_' | '`' | '|' | '[' | ']' | '<' | '>')
                || (j == 0 && matches!(c, '#' | '-' | '+'))
            {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// The template environment: strict about undefined names, with the `md` filter.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder().trim_blocks(true).lstrip_blocks(true).build() {
        env.set_syntax(syntax);
    }
    env.add_filter("md", md);
    env
}

/// Renders a report's Markdown from the case.
pub fn report_markdown(loaded: &LoadedTemplate, state: &CaseState, kind: Kind) -> Result<String, ComposeError> {
    let t = &loaded.template;
    let scores = scoring::score_case(t, state);
    let ctx = context::build(t, state, &scores);
    let (name, source) = match (&t.report, kind) {
        (Some(r), Kind::Court) => (r.court.clone(), read(loaded, &r.court)?),
        (Some(r), Kind::EasyRead) => match &r.easy_read {
            Some(f) => (f.clone(), read(loaded, f)?),
            None => ("(built-in easy-read summary)".to_string(), DEFAULT_EASY_READ.to_string()),
        },
        (None, Kind::Court) => ("(built-in court report)".to_string(), DEFAULT_COURT.to_string()),
        (None, Kind::EasyRead) => ("(built-in easy-read summary)".to_string(), DEFAULT_EASY_READ.to_string()),
    };
    let mut env = environment();
    let to_err = |e: minijinja::Error| ComposeError::Template {
        file: name.clone(),
        line: e.line().unwrap_or(0),
        message: e.detail().map_or_else(|| e.kind().to_string(), str::to_string),
    };
    env.add_template_owned(name.clone(), source).map_err(to_err)?;
    let tmpl = env.get_template(&name).map_err(to_err)?;
    tmpl.render(minijinja::Value::from(minijinja::value::Serde(ctx))).map_err(to_err)
}

fn read(loaded: &LoadedTemplate, file: &str) -> Result<String, ComposeError> {
    loaded
        .base
        .read(file)
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(|| ComposeError::Missing(file.to_string()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn md_escapes_what_markdown_would_eat() {
        assert_eq!(super::md("a *b* | c_d".into()), "a \\*b\\* \\| c\\_d");
        assert_eq!(super::md("# not a heading\n- not a list".into()), "\\# not a heading \\- not a list");
    }
}
