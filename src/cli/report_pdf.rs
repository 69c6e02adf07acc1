//! Turns a report's Markdown into a PDF file with the court conventions taken from the case.

use super::Failure;
use super::case_cmd::Opened;
use crate::case::event::Phase;
use crate::report::{self, FrontSheet, Kind, Metadata, RenderOptions, Status, Style};
use std::path::Path;

fn long_date(iso: &str) -> String {
    iso.parse::<jiff::civil::Date>().map(|d| d.strftime("%-d %B %Y").to_string()).unwrap_or_else(|_| iso.to_string())
}

/// The render options for a case's report: front sheet, running header, metadata and the
/// DRAFT mark until sign-off, all from the case (never the clock).
pub fn options(o: &Opened, kind: Kind) -> RenderOptions {
    let s = &o.state;
    let info = &s.info;
    let final_ = s.phase == Phase::SignedOff;
    let date = report::context::report_date(s);
    let carers: Vec<String> = info.carers.iter().map(|c| format!("{} ({})", c.name, c.relationship)).collect();
    let (title, style) = match kind {
        Kind::Court => ("Parenting Assessment Report".to_string(), Style::Court),
        Kind::EasyRead => ("Your assessment: an easy-read summary".to_string(), Style::EasyRead),
    };
    let meta = Metadata {
        title: format!("{title}: {}", info.case_number),
        author: info.assessor.name.clone(),
        subject: format!("{} of {} ({})", o.template.template.title, carers.join(" and "), info.court),
        keywords: vec![info.case_number.clone(), o.template.template.id.clone(), "confidential".into()],
        date: Some(date.clone()),
    };
    let front_sheet = (kind == Kind::Court).then(|| FrontSheet {
        court: format!("In the {}", info.court),
        case_number: info.case_number.clone(),
        title: title.clone(),
        subtitle: Some(o.template.template.title.clone()),
        children: info
            .children
            .iter()
            .map(|c| format!("{} (born {})", c.initials, long_date(&c.date_of_birth)))
            .collect(),
        parents: carers.clone(),
        author: match &info.assessor.role {
            Some(r) => format!("{}, {r}", info.assessor.name),
            None => info.assessor.name.clone(),
        },
        qualifications: info.assessor.qualifications.clone().unwrap_or_default(),
        registration: info
            .assessor
            .registration
            .as_ref()
            .map(|r| format!("Social Work England {r}"))
            .unwrap_or_default(),
        date: long_date(&date),
        status: if final_ { Status::Final } else { Status::Draft },
    });
    RenderOptions {
        style,
        meta,
        running_header: Some(match kind {
            Kind::Court => format!("{} — Confidential", info.case_number),
            Kind::EasyRead => format!("{} — Private: for you", info.case_number),
        }),
        watermark: (!final_).then(|| "DRAFT".to_string()),
        front_sheet,
        contents: kind == Kind::Court,
        number_paragraphs: kind == Kind::Court,
    }
}

/// Writes the PDF of `md` to `path` (atomically, privately) and returns the page count.
pub fn write_pdf(o: &Opened, kind: Kind, md: &str, path: &Path) -> Result<usize, Failure> {
    let base = crate::template::Base::Dir(o.dir.template_dir());
    let rendered = report::render_markdown(md, &options(o, kind), &|src| base.read(src))
        .map_err(|e| format!("the report could not be laid out: {e}"))?;
    crate::case::store::write_atomic(path, &rendered.pdf)?;
    Ok(rendered.pages)
}
