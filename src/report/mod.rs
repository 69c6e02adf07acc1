//! Reports: Markdown in, a court-ready PDF out.
//!
//! ```text
//! Markdown ──markdown──▶ Document ──document::number──▶ numbered Document
//!          ──layout──▶ pages of positioned text, rules, pictures, charts ──pdf──▶ bytes
//! ```
//!
//! - [`context`]: everything a report template may use, built from the case and its scores.
//! - [`compose`]: the framework's report template (Markdown + Jinja) rendered over the context.
//! - [`markdown`]: pulldown-cmark events to the [`document`] model; our conventions (title,
//!   `{-}` to opt out of numbering, `<!-- pagebreak -->`, `chart` code blocks).
//! - [`document`]: the model and the court's numbering of headings and paragraphs.
//! - [`layout`]: line breaking with the fonts' own metrics, pagination with keep rules, front
//!   sheet, contents, running header, "Page X of Y", watermark.
//! - [`chart`]: the chart spec and its drawing.
//! - [`fonts`]: the embedded DejaVu faces, their metrics and subsetting.
//! - [`pdf`]: the printpdf writer and the lopdf pass (nested outline, stable document id).
//!
//! Output is deterministic: nothing depends on the clock or on random numbers, so the same input
//! gives byte-identical PDFs (the creation date comes from [`Metadata::date`]).
//!
//! ```
//! use assess::report::{render_markdown, RenderOptions};
//!
//! let md = "# Findings\n\nThe home was warm and clean.\n";
//! let out = render_markdown(md, &RenderOptions::default(), &|_| None).unwrap();
//! assert!(out.pdf.starts_with(b"%PDF"));
//! assert_eq!(out.headings[0].text, "1. Findings");
//! ```

pub mod chart;
pub mod compose;
pub mod context;
pub mod document;
pub mod fonts;
pub mod image;
pub mod layout;
pub mod markdown;
pub mod pdf;

pub use compose::{ComposeError, Kind, report_markdown};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// Why a report could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// An embedded font could not be read (a broken build, not bad input).
    #[error("the embedded font {face} could not be read: {detail}")]
    Font {
        /// The font's PostScript name.
        face: &'static str,
        /// What went wrong.
        detail: String,
    },
    /// A picture named in the Markdown was not found by the image callback.
    #[error("the picture `{src}` was not found (hint: paths are relative to the Markdown file)")]
    ImageMissing {
        /// The path as written in the Markdown.
        src: String,
    },
    /// A picture could not be decoded.
    #[error("the picture `{src}` could not be read: {detail} (hint: only PNG pictures are supported)")]
    ImageDecode {
        /// The path as written in the Markdown.
        src: String,
        /// What the decoder said.
        detail: String,
    },
    /// A `chart` code block is not a valid chart spec.
    #[error("the chart at line {line} is not valid: {detail}")]
    Chart {
        /// Line of the code block's opening fence.
        line: usize,
        /// What is wrong, and how to fix it.
        detail: String,
    },
    /// [`Metadata::date`] is not an ISO date.
    #[error("`{value}` is not a date (hint: write it as YYYY-MM-DD)")]
    Date {
        /// The value given.
        value: String,
    },
    /// The PDF could not be serialised.
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

/// The look of the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Style {
    /// For the court: A4, 11 pt serif, justified, numbered paragraphs, contents.
    #[default]
    Court,
    /// For the parent: 16 pt sans serif, 1.5 line spacing, short ragged lines, large pictures,
    /// no paragraph numbers.
    EasyRead,
}

/// Document properties written to the PDF.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    /// Title shown by PDF viewers.
    pub title: String,
    /// The report's author.
    pub author: String,
    /// Subject, e.g. "Parenting assessment of Ms C.D.".
    pub subject: String,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Creation date, ISO (`2026-11-22` or `2026-11-22T14:30:00`), taken from the case, never
    /// from the clock; `None` writes 1970-01-01.
    pub date: Option<String>,
}

/// Draft until the author signs the report off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Status {
    /// Not signed off: not for filing.
    #[default]
    Draft,
    /// Signed off.
    Final,
}

/// What the front sheet says.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontSheet {
    /// E.g. "In the Family Court sitting at Chelmsford".
    pub court: String,
    /// E.g. `ZC26C00123`.
    pub case_number: String,
    /// E.g. "Parenting Assessment Report".
    pub title: String,
    /// E.g. "Ms C.D. (mother)".
    pub subtitle: Option<String>,
    /// The children, one line each, e.g. "A.B. (born 3 March 2024)".
    pub children: Vec<String>,
    /// The parents, one line each, e.g. "Ms C.D. (mother)".
    pub parents: Vec<String>,
    /// The author's name.
    pub author: String,
    /// The author's qualifications.
    pub qualifications: String,
    /// Professional registration, e.g. "Social Work England SW123456".
    pub registration: String,
    /// Date of the report, as it should read.
    pub date: String,
    /// Draft or final.
    pub status: Status,
}

/// How to render a report.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderOptions {
    /// Court or easy-read.
    pub style: Style,
    /// PDF document properties.
    pub meta: Metadata,
    /// Text at the top of every page, e.g. "ZC26C00123 — Confidential".
    pub running_header: Option<String>,
    /// Large diagonal text on every page, e.g. "DRAFT" until sign-off.
    pub watermark: Option<String>,
    /// A front sheet as the first page.
    pub front_sheet: Option<FrontSheet>,
    /// A contents list (level-1 and level-2 headings) after the front sheet.
    pub contents: bool,
    /// Number paragraphs 1.1, 1.2… (headings are numbered in the court style either way).
    pub number_paragraphs: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            style: Style::Court,
            meta: Metadata::default(),
            running_header: None,
            watermark: None,
            front_sheet: None,
            contents: true,
            number_paragraphs: true,
        }
    }
}

/// A heading as it appears in the outline and contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 (section) to 3.
    pub level: u8,
    /// Number and text, e.g. "2.3 Safety in the home".
    pub text: String,
    /// The page it starts on, from 1.
    pub page: usize,
}

/// A rendered report.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// The PDF file.
    pub pdf: Vec<u8>,
    /// Number of pages.
    pub pages: usize,
    /// Every heading with its page, in order.
    pub headings: Vec<Heading>,
}

/// Renders a Markdown report to PDF.
///
/// `images` is asked for the bytes of each picture the Markdown names (`![alt](path)`); it
/// returns `None` when there is no such file. See [`markdown`] for the Markdown conventions and
/// [`chart`] for charts.
pub fn render_markdown(
    md: &str,
    opts: &RenderOptions,
    images: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Result<Rendered, RenderError> {
    let mut doc = markdown::parse(md)?;
    let court = opts.style == Style::Court;
    if court {
        document::number(&mut doc, opts.number_paragraphs);
    }

    // Pictures, each decoded once however often it is used.
    let mut fingerprint = Sha256::new();
    fingerprint.update(md.as_bytes());
    fingerprint.update(format!("{opts:?}").as_bytes());
    let mut pictures = Vec::new();
    let mut sizes: HashMap<String, layout::ImageSize> = HashMap::new();
    let mut sources = Vec::new();
    collect_images(&doc.blocks, &mut sources);
    for src in sources {
        if sizes.contains_key(&src) {
            continue;
        }
        let bytes = images(&src).ok_or_else(|| RenderError::ImageMissing { src: src.clone() })?;
        fingerprint.update(&bytes);
        let picture =
            image::decode_png(&bytes).map_err(|detail| RenderError::ImageDecode { src: src.clone(), detail })?;
        sizes.insert(src, layout::ImageSize { index: pictures.len(), width: picture.width, height: picture.height });
        pictures.push(picture);
    }

    let opts_for_layout;
    let opts = if court {
        opts
    } else {
        // Easy-read reports have no contents list.
        opts_for_layout = RenderOptions { contents: false, ..opts.clone() };
        &opts_for_layout
    };
    let laid = layout::layout(&doc, opts, &sizes)?;
    let pdf = pdf::write(&laid, &pictures, &opts.meta, &fingerprint.finalize())?;
    let headings =
        laid.anchors.iter().map(|a| Heading { level: a.level, text: a.title.clone(), page: a.page + 1 }).collect();
    Ok(Rendered { pdf, pages: laid.pages.len(), headings })
}

fn collect_images(blocks: &[document::Block], out: &mut Vec<String>) {
    for b in blocks {
        match b {
            document::Block::Image { src, .. } => out.push(src.clone()),
            document::Block::Quote(inner) => collect_images(inner, out),
            document::Block::List { items, .. } => {
                for item in items {
                    collect_images(item, out);
                }
            }
            _ => {}
        }
    }
}
