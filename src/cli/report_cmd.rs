//! `assess report`: the court report and the easy-read summary of a case.

use super::case_cmd::{Opened, Workspace, open};
use super::{Failure, Outcome};
use crate::report::{self, Kind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Writes the court report and easy-read summary as Markdown and PDF into `dir`, named
/// `<stem>-report.*` and `<stem>-easy-read.*`, and prints their paths.
pub fn write_reports(o: &Opened, dir: &Path, stem: &str, court: &str, easy: &str) -> Result<Vec<PathBuf>, Failure> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut written = Vec::new();
    for (kind, md) in [(Kind::Court, court), (Kind::EasyRead, easy)] {
        let name = match kind {
            Kind::Court => format!("{stem}-report"),
            Kind::EasyRead => format!("{stem}-easy-read"),
        };
        let md_path = dir.join(format!("{name}.md"));
        crate::case::store::write_atomic(&md_path, md.as_bytes())?;
        let pdf_path = dir.join(format!("{name}.pdf"));
        let pages = super::report_pdf::write_pdf(o, kind, md, &pdf_path)?;
        println!("Wrote {} ({pages} pages)", pdf_path.display());
        written.push(pdf_path);
    }
    Ok(written)
}

/// Runs `assess report`.
pub fn run(ws: &Workspace, out: Option<PathBuf>, easy_read_only: bool) -> Outcome {
    let o = open(ws.case()?)?;
    let court = report::report_markdown(&o.template, &o.state, Kind::Court)?;
    let easy = report::report_markdown(&o.template, &o.state, Kind::EasyRead)?;
    let dir = out.unwrap_or_else(|| PathBuf::from("output").join(&o.dir.id));
    if easy_read_only {
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let path = dir.join(format!("{}-easy-read.pdf", o.dir.id));
        let pages = super::report_pdf::write_pdf(&o, Kind::EasyRead, &easy, &path)?;
        println!("Wrote {} ({pages} pages)", path.display());
    } else {
        write_reports(&o, &dir, &o.dir.id, &court, &easy)?;
    }
    Ok(ExitCode::SUCCESS)
}
