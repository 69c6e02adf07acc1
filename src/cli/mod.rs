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
    };
    match result {
        Ok(code) => code,
        Err(Failure(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}
