//! The command line: clap definitions, output for people and tools, exit codes.
//!
//! Exit codes: 0 when all went well, 1 when the input is wrong (an invalid template, a
//! refused answer), 2 when the command itself is mistyped (clap's usage errors).

pub mod case_cmd;
mod demo;
mod diagnostics;
pub mod evidence_cmd;
mod report_cmd;
mod report_pdf;
pub mod run_cmd;
mod template_cmd;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::engine::{Command as EngineCommand, response::Given};

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
    after_help = "Examples:\n  assess demo\n  assess template validate assessment-templates/\n  assess case new --from case.yaml\n  assess session start --date 2026-03-02 --place \"family home\" --present \"Ms Doe; the assessor\"\n  assess next\n  assess answer scr_reading with_help --note \"She said letters worry her\"\n  assess run\n  assess review\n  assess verify"
)]
struct Cli {
    #[command(flatten)]
    workspace: case_cmd::Workspace,

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
    /// Open, list, show or choose cases.
    #[command(subcommand)]
    Case(case_cmd::CaseCommand),
    /// Start or end a session with the family.
    #[command(subcommand)]
    Session(case_cmd::SessionCommand),
    /// Show what to ask next, in the wording and with the cue card the parent needs.
    #[command(after_help = "Examples:\n  assess next\n  assess next --carer father --json")]
    Next {
        /// Only for this carer (default: each carer in the session).
        #[arg(long)]
        carer: Option<String>,
        /// Print as JSON, for other tools.
        #[arg(long)]
        json: bool,
    },
    /// Save an answer. Write ITEM.ASPECT for skill items, ITEM.knowledge.check for a follow-up.
    #[command(
        after_help = "Examples:\n  assess answer scr_reading with_help\n  assess answer bottle_feeding.knowledge low --note \"Said she boils the kettle first\"\n  assess answer bottle_feeding.knowledge.check understood\n  assess answer joint_routine.practice none --carer father"
    )]
    Answer {
        /// The question: ITEM, ITEM.ASPECT, or ITEM.knowledge.check.
        item: String,
        /// The answer (see `assess next` for what it accepts). Lists: separate with commas.
        value: String,
        /// A note: the parent's own words, or what you saw.
        #[arg(long)]
        note: Option<String>,
        /// Whose answer, when more than one carer is in the session.
        #[arg(long)]
        carer: Option<String>,
    },
    /// Leave a question out, with the reason (it still counts as done for review).
    #[command(
        after_help = "Example:\n  assess skip bath_time.skills --reason \"not observed: the baby was bathed before the visit\""
    )]
    Skip {
        /// The question: ITEM or ITEM.ASPECT.
        item: String,
        /// Why it was not asked or answered.
        #[arg(long)]
        reason: String,
        /// Whose question, when more than one carer is in the session.
        #[arg(long)]
        carer: Option<String>,
    },
    /// Import answers from a YAML file: all of them, or none if any is wrong.
    #[command(subcommand)]
    Answers(AnswersCommand),
    /// Ask the questions one at a time (reads replies from the keyboard or a script).
    #[command(
        after_help = "Type the answer, `skip REASON`, `end` to end the session, or `quit`.\n\nExamples:\n  assess run\n  assess run --carer mother < replies.txt"
    )]
    Run {
        /// Only this carer (default: each carer in the session in turn).
        #[arg(long)]
        carer: Option<String>,
    },
    /// Move the case to review: refused, with the list, while required items are outstanding.
    Review,
    /// Sign the report off (freezes the case).
    #[command(
        name = "sign-off",
        after_help = "Example:\n  assess sign-off --name \"Sam Patel\" --registration SW123456"
    )]
    SignOff {
        /// Your name.
        #[arg(long)]
        name: String,
        /// Your Social Work England registration number.
        #[arg(long)]
        registration: String,
        /// The date of signing (YYYY-MM-DD; default today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Reopen a signed-off case to amend it; the report lists the amendment and the reason.
    Reopen {
        /// Why it is reopened.
        #[arg(long)]
        reason: String,
        /// The date (YYYY-MM-DD; default today).
        #[arg(long)]
        date: Option<String>,
    },
    /// Record, list, show and link evidence.
    #[command(subcommand)]
    Evidence(evidence_cmd::EvidenceCommand),
    /// Write your analysis: per area, summary, conclusions, recommendations.
    #[command(subcommand)]
    Narrative(NarrativeCommand),
    /// Show the scores: ratings, priority of need per area, strengths and needs, measures, flags, change.
    #[command(after_help = "Examples:\n  assess score\n  assess score --json")]
    Score {
        /// Print as JSON, for other tools.
        #[arg(long)]
        json: bool,
    },
    /// Check that a case's log has not been changed, shortened or reordered.
    Verify {
        /// The case id (default: the current case).
        id: Option<String>,
    },
    /// Write the court report and the parent's easy-read summary (PDF, and the Markdown behind it).
    #[command(
        after_help = "Examples:\n  assess report\n  assess report --case ZC26C00123 --out reports/\n  assess report --easy-read"
    )]
    Report {
        /// Folder to write into (default: output/CASE-ID/).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Only the easy-read summary.
        #[arg(long)]
        easy_read: bool,
    },
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

/// `assess narrative …`
#[derive(Debug, Subcommand)]
enum NarrativeCommand {
    /// Write or rewrite a section of your analysis in your editor ($EDITOR), or from a file.
    #[command(
        after_help = "Sections: an area id (see `assess template show`), summary, conclusions, recommendations.\n\nExamples:\n  assess narrative edit feeding\n  assess narrative edit conclusions --file conclusions.md"
    )]
    Edit {
        /// The section.
        section: String,
        /// Take the text from this file instead of opening an editor.
        #[arg(long)]
        file: Option<PathBuf>,
    },
}

/// `assess answers …`
#[derive(Debug, Subcommand)]
enum AnswersCommand {
    /// Import a YAML file of answers into the open session, all or nothing.
    #[command(
        after_help = "The file looks like:\n  carer: mother\n  answers:\n    - { question: scr_reading, value: with_help }\n    - { question: bottle_feeding.knowledge, value: low, note: \"…\" }\n    - { question: bath_time.skills, skip: \"not observed\" }"
    )]
    Import {
        /// The YAML file.
        file: PathBuf,
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
    let ws = cli.workspace;
    let result = match cli.command {
        Command::Template(cmd) => template_cmd::run(cmd, &dirs),
        Command::Demo { out } => demo::run(&out, &dirs),
        Command::Report { out, easy_read } => report_cmd::run(&ws, out, easy_read),
        Command::Case(cmd) => case_cmd::run_case(cmd, &ws, &dirs),
        Command::Session(cmd) => case_cmd::run_session(cmd, &ws),
        Command::Next { carer, json } => case_cmd::run_next(&ws, carer, json),
        Command::Answer { item, value, note, carer } => {
            case_cmd::run_answer(&ws, EngineCommand::Answer { carer, question: item, value: Given::Text(value), note })
        }
        Command::Skip { item, reason, carer } => {
            case_cmd::run_answer(&ws, EngineCommand::Skip { carer, question: item, reason })
        }
        Command::Answers(AnswersCommand::Import { file }) => case_cmd::run_import(&ws, &file),
        Command::Run { carer } => run_cmd::run(&ws, carer),
        Command::Review => case_cmd::run_phase(&ws, EngineCommand::Review),
        Command::SignOff { name, registration, date } => case_cmd::run_phase(
            &ws,
            EngineCommand::SignOff { name, registration, date: date.unwrap_or_else(case_cmd::today) },
        ),
        Command::Reopen { reason, date } => {
            case_cmd::run_phase(&ws, EngineCommand::Reopen { reason, date: date.unwrap_or_else(case_cmd::today) })
        }
        Command::Verify { id } => case_cmd::run_verify(&ws, id),
        Command::Evidence(cmd) => evidence_cmd::run_evidence(cmd, &ws),
        Command::Narrative(NarrativeCommand::Edit { section, file }) => {
            evidence_cmd::run_narrative(&ws, &section, file)
        }
        Command::Score { json } => evidence_cmd::run_score(&ws, json),
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
