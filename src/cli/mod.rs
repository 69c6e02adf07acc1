//! The command line: clap definitions, output for people and tools, exit codes.
//!
//! Exit codes: 0 when all went well, 1 when the input is wrong (an invalid template, a
//! refused answer), 2 when the command itself is mistyped (clap's usage errors).

mod diagnostics;
mod template_cmd;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

pub use diagnostics::render as render_diagnostics;
pub use template_cmd::{outline, validation_text};

/// What a command reports when it could not do its job: a message for people, exit code 1.
#[derive(Debug)]
pub struct Failure(pub String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(e.to_string())
    }
}

/// Result of a command: the exit code to finish with, or a failure to print.
pub type Outcome = Result<ExitCode, Failure>;

#[derive(Debug, Parser)]
#[command(
    name = "assess",
    version,
    about = "Run PAMS-style parenting assessments: templates, sessions, evidence, scores and court reports.",
    long_about = "assess helps social workers run parenting assessments that are adapted to the parent \
(easy-read wording, cue cards, shorter sessions, checking understanding) and turn them into a court-ready report.\n\n\
Start with `assess demo` to see a fictional case run from start to finish.",
    after_help = "Examples:\n  assess demo\n  assess template list\n  assess template validate assessment-templates/\n  assess template show parenting-capacity"
)]
struct Cli {
    /// Extra folder of assessment templates (each template in a folder of its own).
    #[arg(long, global = true, env = "ASSESS_TEMPLATES", value_name = "DIR")]
    templates: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Work with assessment templates: check, list, outline, schema.
    #[command(subcommand)]
    Template(template_cmd::TemplateCommand),
    /// Run a fictional case through the workflow on the shipped template.
    #[command(after_help = "Example:\n  assess demo")]
    Demo {
        /// Where to write the demo's output.
        #[arg(long, default_value = "output/demo", value_name = "DIR")]
        out: PathBuf,
    },
    /// Render a Markdown document to PDF in the court style (or easy-read).
    #[command(
        after_help = "Pictures (`![caption](cards/bath.png)`) are read relative to the Markdown file. YAML front\n\
matter (between `---` lines: title, court, case_number, children, parents, author, date, status…)\n\
adds a front sheet, the running header \"CASE — Confidential\" and a DRAFT watermark.\n\
Headings and paragraphs are numbered; end one with `{-}` to leave it unnumbered. A line\n\
`<!-- pagebreak -->` starts a new page; a ```chart code block draws a chart.\n\n\
Examples:\n  assess render report.md\n  assess render report.md --out output/report.pdf --title \"Parenting Assessment\"\n  \
assess render summary.md --easy-read"
    )]
    Render {
        /// The Markdown file.
        file: PathBuf,
        /// Where to write the PDF (default: beside the Markdown file, with `.pdf`).
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
        /// Use the easy-read style: large sans-serif type, no numbering, no contents.
        #[arg(long)]
        easy_read: bool,
        /// The document title in the PDF's properties (default: the file name).
        #[arg(long, value_name = "TEXT")]
        title: Option<String>,
        /// Print the result as JSON (output path, pages, headings).
        #[arg(long)]
        json: bool,
    },
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let dirs: Vec<PathBuf> = cli.templates.into_iter().collect();
    let result = match cli.command {
        Command::Template(cmd) => template_cmd::run(cmd, &dirs),
        Command::Demo { out } => template_cmd::demo(&out, &dirs),
        Command::Render { file, out, easy_read, title, json } => render(&file, out, easy_read, title, json),
    };
    match result {
        Ok(code) => code,
        Err(Failure(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}

/// `assess render`: a plain Markdown file to PDF, running header from the file name.
fn render(file: &std::path::Path, out: Option<PathBuf>, easy_read: bool, title: Option<String>, json: bool) -> Outcome {
    use crate::report::{Metadata, RenderOptions, Style, render_markdown};
    let text = std::fs::read_to_string(file).map_err(|e| format!("cannot read `{}`: {e}", file.display()))?;
    let (front, md) = crate::report::FrontMatter::split(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "report".into());
    let base = file.parent().map(PathBuf::from).unwrap_or_default();
    let mut opts = RenderOptions {
        style: if easy_read { Style::EasyRead } else { Style::Court },
        meta: Metadata { title: stem.clone(), ..Metadata::default() },
        running_header: Some(stem),
        ..RenderOptions::default()
    };
    if let Some(front) = &front {
        front.apply(&mut opts);
    }
    if let Some(title) = title {
        opts.meta.title = title;
    }
    let images = |src: &str| std::fs::read(base.join(src)).ok();
    let rendered = render_markdown(md, &opts, &images).map_err(|e| format!("{}: {e}", file.display()))?;
    let out = out.unwrap_or_else(|| file.with_extension("pdf"));
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    }
    std::fs::write(&out, &rendered.pdf).map_err(|e| format!("cannot write `{}`: {e}", out.display()))?;
    if json {
        let headings: Vec<_> = rendered
            .headings
            .iter()
            .map(|h| serde_json::json!({"level": h.level, "text": h.text, "page": h.page}))
            .collect();
        let report = serde_json::json!({"pdf": out, "pages": rendered.pages, "headings": headings});
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("{} ({} pages)", out.display(), rendered.pages);
    }
    Ok(ExitCode::SUCCESS)
}
